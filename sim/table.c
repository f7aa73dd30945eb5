/* sim/table.c -- CSV writer and reader on libcsv. */
#include "sim/table.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <csv.h>

/* ---- writing ---- */

struct tbl_writer {
    FILE *f;                /* owned */
    size_t ncols;
    size_t col;             /* fields written in the current row */
    bool err;
};

void tbl_fput_str(FILE *f, const char *s)
{
    /* csv_fwrite always quotes; that is fine for strings and keeps every
     * string column uniform for diff tools. */
    csv_fwrite(f, s ? s : "", s ? strlen(s) : 0);
}

static void sep(struct tbl_writer *w)
{
    SIM_ASSERT(w->col < w->ncols);
    if (w->col++ > 0)
        fputc(',', w->f);
}

struct tbl_writer *tbl_open(const char *path, const char *const *cols,
                            size_t ncols, bool append)
{
    struct tbl_writer *w = calloc(1, sizeof *w);

    if (!w)
        return NULL;
    w->f = fopen(path, append ? "ab" : "wb");
    if (!w->f) {
        free(w);
        return NULL;
    }
    w->ncols = ncols;
    if (!append || ftell(w->f) == 0) {
        /* Header names are plain identifiers: written unquoted. */
        for (size_t i = 0; i < ncols; i++)
            fprintf(w->f, "%s%s", i ? "," : "", cols[i]);
        fputc('\n', w->f);
    }
    return w;
}

struct tbl_writer *tbl_create(const char *path, const char *const *cols,
                              size_t ncols)
{
    return tbl_open(path, cols, ncols, false);
}

void tbl_str(struct tbl_writer *w, const char *s)
{
    sep(w);
    if (s)
        tbl_fput_str(w->f, s);
}

void tbl_num(struct tbl_writer *w, double v)
{
    sep(w);
    if (isnan(v))
        return;
    if (isinf(v))
        fputs(v > 0 ? "inf" : "-inf", w->f);
    else if (v == 0.0)
        fputc('0', w->f);       /* not "-0" */
    else
        fprintf(w->f, "%.17g", v);
}

void tbl_int(struct tbl_writer *w, int64_t v)
{
    sep(w);
    fprintf(w->f, "%lld", (long long)v);
}

void tbl_money(struct tbl_writer *w, money m)
{
    char buf[40];

    sep(w);
    money_format(m, buf, sizeof buf);
    fputs(buf, w->f);
}

void tbl_empty(struct tbl_writer *w)
{
    sep(w);
}

void tbl_end_row(struct tbl_writer *w)
{
    SIM_ASSERT(w->col == w->ncols);
    fputc('\n', w->f);
    w->col = 0;
}

int tbl_close(struct tbl_writer *w)
{
    int rc;

    if (!w)
        return SIM_OK;
    SIM_ASSERT(w->col == 0);
    rc = (ferror(w->f) | fclose(w->f)) ? SIM_EIO : SIM_OK;
    free(w);
    return rc;
}

/* ---- reading ---- */

struct tbl {
    char *path;             /* owned */
    size_t ncols, nrows;    /* nrows excludes the header */
    char **cells;           /* owned; (nrows + 1) * ncols, row 0 = header */
    int *lines;             /* owned; file line of each record */
};

/* Parser state while libcsv calls back. */
struct load {
    struct tbl *t;
    struct diag *d;
    char **row;             /* fields of the record being read */
    size_t nf, capf;
    size_t cap_rows;
    int line;               /* current physical line (1-based) */
    int rec_line;           /* line where the current record started */
    bool bad;
};

static void on_field(void *s, size_t len, void *ctx)
{
    struct load *L = ctx;
    char *f;

    if (L->bad)
        return;
    if (L->nf == L->capf) {
        L->capf = L->capf ? 2 * L->capf : 16;
        L->row = realloc(L->row, L->capf * sizeof *L->row);
        if (!L->row)
            SIM_PANIC("table: out of memory");
    }
    f = malloc(len + 1);
    if (!f)
        SIM_PANIC("table: out of memory");
    memcpy(f, s, len);
    f[len] = '\0';
    L->row[L->nf++] = f;
}

static void drop_row(struct load *L)
{
    for (size_t i = 0; i < L->nf; i++)
        free(L->row[i]);
    L->nf = 0;
}

static void on_row(int c, void *ctx)
{
    struct load *L = ctx;
    struct tbl *t = L->t;
    struct srcloc at = { t->path, L->rec_line };
    size_t r;

    (void)c;
    if (L->bad) {
        drop_row(L);
        return;
    }
    /* A blank line gives one empty field: skip it rather than complain. */
    if (L->nf == 1 && L->row[0][0] == '\0') {
        drop_row(L);
        return;
    }
    if (t->ncols == 0 && t->nrows == 0 && !t->cells) {
        t->ncols = L->nf;
    } else if (L->nf != t->ncols) {
        diag_error(L->d, &at, "expected %zu fields, got %zu", t->ncols, L->nf);
        drop_row(L);
        L->bad = true;
        return;
    }
    r = t->cells ? t->nrows + 1 : 0;
    if (r + 1 > L->cap_rows) {
        L->cap_rows = L->cap_rows ? 2 * L->cap_rows : 64;
        t->cells = realloc(t->cells, L->cap_rows * t->ncols * sizeof *t->cells);
        t->lines = realloc(t->lines, L->cap_rows * sizeof *t->lines);
        if (!t->cells || !t->lines)
            SIM_PANIC("table: out of memory");
    }
    memcpy(&t->cells[r * t->ncols], L->row, t->ncols * sizeof *L->row);
    t->lines[r] = L->rec_line;
    if (r > 0)
        t->nrows++;
    L->nf = 0;
}

struct tbl *tbl_load(const char *path, struct diag *d)
{
    struct csv_parser p;
    struct load L = { 0 };
    struct tbl *t;
    FILE *f;
    char buf[65536];
    size_t n;
    bool quoted = false;

    f = fopen(path, "rb");
    if (!f) {
        struct srcloc at = { path, 0 };

        diag_error(d, &at, "cannot open: %s", strerror(errno));
        return NULL;
    }
    t = calloc(1, sizeof *t);
    if (!t || !(t->path = strdup(path)))
        SIM_PANIC("table: out of memory");
    L.t = t;
    L.d = d;
    L.line = 1;
    L.rec_line = 1;
    csv_init(&p, CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI);
    /* Feed one byte run at a time between newlines so we can count lines
     * and know where each record starts: libcsv has no positions. */
    while ((n = fread(buf, 1, sizeof buf, f)) > 0 && !L.bad) {
        size_t start = 0;

        for (size_t i = 0; i < n && !L.bad; i++) {
            if (buf[i] == '"')
                quoted = !quoted;
            if (buf[i] != '\n')
                continue;
            if (csv_parse(&p, buf + start, i + 1 - start, on_field, on_row, &L)
                != i + 1 - start)
                goto parse_error;
            start = i + 1;
            L.line++;
            if (!quoted)
                L.rec_line = L.line;
        }
        if (start < n && !L.bad &&
            csv_parse(&p, buf + start, n - start, on_field, on_row, &L) != n - start)
            goto parse_error;
    }
    if (!L.bad && csv_fini(&p, on_field, on_row, &L) != 0)
        goto parse_error;
    goto done;
parse_error:
    {
        struct srcloc at = { path, L.rec_line };

        diag_error(d, &at, "malformed CSV: %s", csv_strerror(csv_error(&p)));
        L.bad = true;
    }
done:
    csv_free(&p);
    fclose(f);
    drop_row(&L);
    free(L.row);
    if (!L.bad && !t->cells) {
        struct srcloc at = { path, 0 };

        diag_error(d, &at, "empty file (no header row)");
        L.bad = true;
    }
    if (L.bad) {
        tbl_free(t);
        return NULL;
    }
    return t;
}

void tbl_free(struct tbl *t)
{
    if (!t)
        return;
    if (t->cells)
        for (size_t i = 0; i < (t->nrows + 1) * t->ncols; i++)
            free(t->cells[i]);
    free(t->cells);
    free(t->lines);
    free(t->path);
    free(t);
}

const char *tbl_path(const struct tbl *t) { return t->path; }
size_t tbl_rows(const struct tbl *t) { return t->nrows; }
size_t tbl_cols(const struct tbl *t) { return t->ncols; }
const char *tbl_col_name(const struct tbl *t, size_t c) { return t->cells[c]; }

int tbl_col(const struct tbl *t, const char *name)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(t->cells[c], name) == 0)
            return (int)c;
    return -1;
}

int tbl_need_col(const struct tbl *t, const char *name, struct diag *d)
{
    int c = tbl_col(t, name);

    if (c < 0) {
        struct srcloc at = { t->path, 1 };

        diag_error(d, &at, "missing column '%s'", name);
    }
    return c;
}

const char *tbl_get(const struct tbl *t, size_t row, size_t col)
{
    SIM_ASSERT(row < t->nrows && col < t->ncols);
    return t->cells[(row + 1) * t->ncols + col];
}

int tbl_line(const struct tbl *t, size_t row)
{
    return t->lines[row + 1];
}

static int bad_cell(const struct tbl *t, size_t row, size_t col,
                    const char *what, struct diag *d)
{
    struct srcloc at = { t->path, tbl_line(t, row) };

    return diag_error(d, &at, "column '%s': expected %s, got \"%s\"",
                      tbl_col_name(t, col), what, tbl_get(t, row, col));
}

int tbl_get_num(const struct tbl *t, size_t row, size_t col, double *out,
                struct diag *d)
{
    const char *s = tbl_get(t, row, col);
    char *end;

    errno = 0;
    *out = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || errno == ERANGE || isnan(*out))
        return bad_cell(t, row, col, "a number", d);
    return SIM_OK;
}

int tbl_get_int(const struct tbl *t, size_t row, size_t col, int64_t *out,
                struct diag *d)
{
    const char *s = tbl_get(t, row, col);
    char *end;

    errno = 0;
    *out = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno == ERANGE)
        return bad_cell(t, row, col, "an integer", d);
    return SIM_OK;
}

int tbl_get_money(const struct tbl *t, size_t row, size_t col, money *out,
                  struct diag *d)
{
    if (money_parse(tbl_get(t, row, col), out) != SIM_OK)
        return bad_cell(t, row, col, "an amount in USD", d);
    return SIM_OK;
}
