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

void tbl_uint(struct tbl_writer *w, uint64_t v)
{
    sep(w);
    fprintf(w->f, "%llu", (unsigned long long)v);
}

void tbl_money(struct tbl_writer *w, money m)
{
    char buf[40];

    sep(w);
    money_format(m, buf, sizeof buf);
    fputs(buf, w->f);
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

/* A UTF-8 byte order mark, which spreadsheets write at the start of a
 * CSV: both readers skip it, as the scenario reader does, or the first
 * column's name would begin with it ("missing column 'model'"). */
static const char BOM[3] = { '\xEF', '\xBB', '\xBF' };

/* Both readers refuse a carriage return that does not end a line (CRLF)
 * outside quotes, with this message: libcsv took one as a line end but
 * numbered every row line 1, and the streaming reader called it malformed. */
/* libcsv's strict-mode parse error, said the way a user can act on: what
 * strict mode refuses is a quote, mid-field or left open */
#define BAD_QUOTE "malformed CSV: a quoted field left open, or a quote inside an " \
                  "unquoted field or after a closing quote (write a quote in a field as " \
                  "\"\", the field in quotes)"
#define LONE_CR "malformed CSV: a carriage return without a newline after it " \
                "(CR-only line endings: save the file with LF or CRLF)"

static int read_error(struct diag *d, const char *path, int err)
{
    struct srcloc at = { path, 0 };

    return diag_error(d, &at, "cannot read: %s", strerror(err));
}

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
            SIM_OOM("table: out of memory");
    }
    f = malloc(len + 1);
    if (!f)
        SIM_OOM("table: out of memory");
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
            SIM_OOM("table: out of memory");
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
    bool quoted = false, cr = false, first = true;

    f = fopen(path, "rb");
    if (!f) {
        struct srcloc at = { path, 0 };

        diag_error(d, &at, "cannot open: %s", strerror(errno));
        return NULL;
    }
    t = calloc(1, sizeof *t);
    if (!t || !(t->path = strdup(path)))
        SIM_OOM("table: out of memory");
    L.t = t;
    L.d = d;
    L.line = 1;
    L.rec_line = 1;
    csv_init(&p, CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI);
    /* Feed one byte run at a time between newlines so we can count lines
     * and know where each record starts: libcsv has no positions. */
    while ((n = fread(buf, 1, sizeof buf, f)) > 0 && !L.bad) {
        size_t start = 0;

        if (first && n >= sizeof BOM && memcmp(buf, BOM, sizeof BOM) == 0)
            start = sizeof BOM;
        first = false;
        for (size_t i = start; i < n && !L.bad; i++) {
            if (cr && buf[i] != '\n') {
                struct srcloc at = { path, L.line };

                diag_error(d, &at, LONE_CR);
                L.bad = true;
                break;
            }
            cr = buf[i] == '\r' && !quoted;
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
    /* A directory opens and then reads as nothing; an I/O error mid-way
     * would drop the rest of the rows. Neither is an empty table. */
    if (!L.bad && ferror(f)) {
        read_error(d, path, errno ? errno : EIO);
        L.bad = true;
    }
    if (!L.bad && csv_fini(&p, on_field, on_row, &L) != 0)
        goto parse_error;
    goto done;
parse_error:
    {
        struct srcloc at = { path, L.rec_line };

        if (csv_error(&p) == CSV_EPARSE)
            diag_error(d, &at, BAD_QUOTE);
        else
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
    /* ERANGE on underflow too: a subnormal such as 1e-310, which tbl_num
     * writes, is a number; only overflow (HUGE_VAL) is not. Decimal only:
     * strtod also reads "0x10" (16), which tbl_num never writes. */
    if (*s == '\0' || *end != '\0' || isnan(*out) || strpbrk(s, "xX") ||
        (errno == ERANGE && isinf(*out)))
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

/* ---- streaming ---- */

/* tbl_scan has its own tokenizer instead of libcsv: libcsv's byte-at-a-time
 * callbacks cost about 1 s for a year of hourly series (3.7 M rows), and
 * drawing the charts of such a run must take under 2 s. It accepts what
 * libcsv in strict mode accepts for our files (RFC 4180 quoting, "" escapes,
 * CRLF, spaces and tabs trimmed around unquoted fields; a leading BOM and a
 * lone CR are handled by both readers alike) and reports a quote
 * inside an unquoted field, text after a closing quote, or an unterminated
 * quote with libcsv's message. Fields are unescaped in place in the read
 * buffer, so a scan costs no allocation per cell. */
struct scan {
    const char **f;         /* fields of the current record, in 'buf' */
    size_t nf, capf;
    size_t ncols;           /* 0 until the header is seen */
    int line;               /* physical line where the next record starts */
};

enum { REC_OK, REC_BAD, REC_CR };

static void scan_add(struct scan *S, const char *field)
{
    if (S->nf == S->capf) {
        S->capf = S->capf ? 2 * S->capf : 16;
        S->f = realloc(S->f, S->capf * sizeof *S->f);
        if (!S->f)
            SIM_OOM("table: out of memory");
    }
    S->f[S->nf++] = field;
}

static bool is_space(char c) { return c == ' ' || c == '\t'; }

/* Where the record at p ends (after its newline), or NULL if it may go
 * on past 'end': a newline ends it when the quotes before it pair up. */
static char *record_end(char *p, char *end, bool eof)
{
    bool quoted = false;

    for (;;) {
        char *n = memchr(p, '\n', (size_t)(end - p));
        char *stop = n ? n : end;

        for (char *q = p; (q = memchr(q, '"', (size_t)(stop - q))); q++)
            quoted = !quoted;
        /* At the end of the file the record ends there, even inside an
         * open quote (scan_record then calls it malformed): a quote left
         * open before the file's last newline once made the reader wait
         * for more input for ever. (The caller never asks at an empty
         * end of file.) */
        if (!n)
            return eof ? end : NULL;
        if (!quoted)
            return n + 1;
        p = n + 1;
    }
}

/* Splits the whole record [p, end) into S->f, NUL-terminating fields in
 * place. '*used' gets the bytes consumed and '*nl' the newlines in them. */
static int scan_record(struct scan *S, char *p, char *end, size_t *used,
                       int *nl)
{
    char *s = p;

    S->nf = 0;
    *nl = 0;
    for (;;) {
        char *r = s, *w;

        while (r < end && is_space(*r))
            r++;
        if (r < end && *r == '"') {
            /* Unescape toward the field start only after the first "":
             * most quoted fields have none and stay where they are. */
            s = w = ++r;
            for (;;) {
                char *q = memchr(r, '"', (size_t)(end - r));

                if (!q)
                    return REC_BAD;
                for (char *c = r; (c = memchr(c, '\n', (size_t)(q - c))); c++)
                    (*nl)++;
                if (w != r)
                    memmove(w, r, (size_t)(q - r));
                w += q - r;
                if (q + 1 < end && q[1] == '"') {
                    *w++ = '"';
                    r = q + 2;
                    continue;
                }
                r = q + 1;
                break;
            }
            while (r < end && is_space(*r))
                r++;
        } else {
            char *last;

            s = r;
            while (r < end && *r != ',' && *r != '\n' && *r != '\r') {
                if (*r == '"')
                    return REC_BAD;
                r++;
            }
            last = r;
            while (last > s && is_space(last[-1]))
                last--;
            w = last;
        }
        /* r is at the delimiter, the end of line, or the end of data. */
        if (r < end && *r == '\r' && r + 1 < end && r[1] != '\n')
            return REC_CR;
        if (r < end && *r != ',' && *r != '\n' && *r != '\r')
            return REC_BAD;                 /* text after a closing quote */
        scan_add(S, s);
        if (r < end && *r == ',') {
            *w = '\0';
            s = r + 1;
            continue;
        }
        if (r < end && *r == '\r')
            r++;
        if (r < end) {
            (*nl)++;
            r++;
        }
        *w = '\0';
        *used = (size_t)(r - p);
        return REC_OK;
    }
}

int tbl_scan(const char *path, tbl_row_fn fn, void *ctx, struct diag *d)
{
    struct scan S = { NULL, 0, 0, 0, 1 };
    FILE *f = fopen(path, "rb");
    size_t cap = 1 << 20, have = 0, pos = 0;
    char *buf;
    bool eof = false, first = true;
    int rc = SIM_OK;

    if (!f) {
        struct srcloc at = { path, 0 };

        diag_error(d, &at, "cannot open: %s", strerror(errno));
        return SIM_EIO;
    }
    buf = malloc(cap + 1);
    if (!buf)
        SIM_OOM("table: out of memory");
    while (rc == SIM_OK) {
        size_t used;
        int nl, st;
        char *rend;

        if (pos == have && eof)
            break;
        rend = record_end(buf + pos, buf + have, eof);
        if (!rend) {
            /* Keep the partial record, grow if it fills the buffer. */
            memmove(buf, buf + pos, have - pos);
            have -= pos;
            pos = 0;
            if (have == cap) {
                cap *= 2;
                buf = realloc(buf, cap + 1);
                if (!buf)
                    SIM_OOM("table: out of memory");
            }
            have += fread(buf + have, 1, cap - have, f);
            if (have < cap)
                eof = feof(f) || ferror(f);
            if (ferror(f)) {
                read_error(d, path, errno ? errno : EIO);
                rc = SIM_EIO;
            }
            if (first && have >= sizeof BOM && memcmp(buf, BOM, sizeof BOM) == 0)
                pos = sizeof BOM;
            first = false;
            continue;
        }
        st = scan_record(&S, buf + pos, rend, &used, &nl);
        if (st != REC_OK) {
            struct srcloc at = { path, S.line };

            if (st == REC_CR)
                diag_error(d, &at, LONE_CR);
            else
                diag_error(d, &at, BAD_QUOTE);
            rc = SIM_EPARSE;
            break;
        }
        pos += used;
        if (!(S.nf == 1 && S.f[0][0] == '\0')) {   /* blank line: skip */
            if (S.ncols == 0) {
                S.ncols = S.nf;
            } else if (S.nf != S.ncols) {
                struct srcloc at = { path, S.line };

                diag_error(d, &at, "expected %zu fields, got %zu", S.ncols,
                           S.nf);
                rc = SIM_EPARSE;
                break;
            }
            rc = fn(ctx, S.f, S.nf, S.line);
        }
        S.line += nl;
    }
    if (rc == SIM_OK && S.ncols == 0) {
        struct srcloc at = { path, 0 };

        diag_error(d, &at, "empty file (no header row)");
        rc = SIM_EPARSE;
    }
    fclose(f);
    free(buf);
    free(S.f);
    return rc;
}
