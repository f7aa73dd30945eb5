/* tests/check_table.c -- CSV writing (quoting, numbers) and reading. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/table.h"
#include "tests/suites.h"

static char *path_in(const char *dir, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);

    sprintf(p, "%s/%s", dir, name);
    return p;
}

START_TEST(strings_are_quoted_numbers_round_trip)
{
    char *dir = test_tmpdir(), *p = path_in(dir, "t.csv"), *text;
    static const char *const cols[] = { "name", "value", "n" };
    struct tbl_writer *w = tbl_create(p, cols, 3);
    struct diag d = DIAG_INIT(stderr);
    struct tbl *t;
    double v;

    tbl_str(w, "a,b \"q\"");
    tbl_num(w, 0.1);
    tbl_int(w, -3);
    tbl_end_row(w);
    tbl_str(w, "line\nbreak");
    tbl_num(w, NAN);
    tbl_money(w, 350000);
    tbl_end_row(w);
    ck_assert_int_eq(tbl_close(w), SIM_OK);
    text = test_read_file(p, NULL);
    ck_assert_str_eq(text, "name,value,n\n\"a,b \"\"q\"\"\",0.10000000000000001,-3\n"
                           "\"line\nbreak\",,0.35\n");
    t = tbl_load(p, &d);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(tbl_rows(t), 2);
    ck_assert_str_eq(tbl_get(t, 0, 0), "a,b \"q\"");
    ck_assert_str_eq(tbl_get(t, 1, 0), "line\nbreak");
    ck_assert_int_eq(tbl_get_num(t, 0, 1, &v, &d), SIM_OK);
    ck_assert(v == 0.1);                    /* exact round trip */
    ck_assert_int_eq(tbl_line(t, 1), 3);
    ck_assert_int_eq(tbl_col(t, "n"), 2);
    ck_assert_int_eq(tbl_col(t, "zz"), -1);
    ck_assert_int_eq(tbl_col(t, "a,b \"q\""), -1);   /* a data cell names no column */
    tbl_free(t);
    free(text);
    free(p);
    free(dir);
}
END_TEST

static char *load_errors(const char *content)
{
    char *dir = test_tmpdir(), *p = path_in(dir, "bad.csv");
    char *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&buf, &len));
    struct tbl *t;

    test_write_file(p, content);
    t = tbl_load(p, &d);
    if (t) {
        double v;

        for (size_t r = 0; r < tbl_rows(t); r++)
            for (size_t c = 0; c < tbl_cols(t); c++)
                tbl_get_num(t, r, c, &v, &d);
        tbl_free(t);
    }
    fclose(d.out);
    free(p);
    free(dir);
    return buf;
}

START_TEST(errors_name_file_and_row)
{
    char *e = load_errors("a,b\n1,2\n3\n");

    ck_assert_ptr_nonnull(strstr(e, "bad.csv:3: error: expected 2 fields, got 1"));
    free(e);
    e = load_errors("a,b\n1,2\n\"x\nmore\",4\n5,zz\n");
    ck_assert_ptr_nonnull(strstr(e, "bad.csv:3: error: column 'a': expected a number, got \"x\nmore\""));
    ck_assert_ptr_nonnull(strstr(e, "bad.csv:5: error: column 'b': expected a number, got \"zz\""));
    free(e);
    /* said the way a user can act on, not in libcsv's words ("error
     * parsing data while strict checking enabled") */
    e = load_errors("a,b\n1,\"unterminated\n");
    ck_assert_ptr_nonnull(strstr(e, "bad.csv:2: error: malformed CSV: a quoted field left open"));
    free(e);
    e = load_errors("a,b\n1,x\"y\n");
    ck_assert_ptr_nonnull(strstr(e, "bad.csv:2: error: malformed CSV: a quoted field left open, "
                                    "or a quote inside an unquoted field"));
    free(e);
    e = load_errors("");
    ck_assert_ptr_nonnull(strstr(e, "bad.csv: error: empty file"));
    free(e);
    /* An empty cell and "nan" are not numbers (strtod reads "" as 0 and
     * "nan" as NaN: accepting either survived every test); a blank line
     * between rows is skipped, not a row of one field. */
    e = load_errors("a,b\n1,2\n\n,3\nnan,4\n");
    ck_assert_ptr_nonnull(strstr(e, "bad.csv:4: error: column 'a': expected a number, got \"\""));
    ck_assert_ptr_nonnull(strstr(e, "bad.csv:5: error: column 'a': expected a number, got \"nan\""));
    ck_assert_ptr_null(strstr(e, "fields"));
    ck_assert_ptr_null(strstr(e, ":2:"));
    free(e);
    /* Decimal only: strtod reads "0x10" as 16 and "0x1p-2" as 0.25;
     * tbl_num never writes them, and a catalogue's "0x10" GB is a typo. */
    e = load_errors("a,b\n0x10,0x1p-2\n1e-3,2\n");
    ck_assert_ptr_nonnull(strstr(e, "bad.csv:2: error: column 'a': expected a number, got \"0x10\""));
    ck_assert_ptr_nonnull(strstr(e, "bad.csv:2: error: column 'b': expected a number, got \"0x1p-2\""));
    ck_assert_ptr_null(strstr(e, ":3:"));
    free(e);
    /* strtod reads a capital X as well ("0X10" is 16) */
    e = load_errors("a\n0X10\n");
    ck_assert_ptr_nonnull(strstr(e, "bad.csv:2: error: column 'a': expected a number, got \"0X10\""));
    free(e);
}
END_TEST

/* What tbl_num writes, tbl_get_num reads back: subnormals included (glibc
 * sets ERANGE on their underflow); only overflow is not a number. */
START_TEST(subnormals_round_trip_overflow_does_not)
{
    char *dir = test_tmpdir(), *p = path_in(dir, "s.csv");
    static const char *const cols[] = { "v" };
    const double in[] = { 1e-310, -4.9406564584124654e-324, 2.2250738585072014e-308, INFINITY };
    struct tbl_writer *w = tbl_create(p, cols, 1);
    struct diag d = DIAG_INIT(stderr);
    struct tbl *t;
    double v;
    char *e;

    for (size_t i = 0; i < 4; i++) {
        tbl_num(w, in[i]);
        tbl_end_row(w);
    }
    ck_assert_int_eq(tbl_close(w), SIM_OK);
    t = tbl_load(p, &d);
    ck_assert_ptr_nonnull(t);
    for (size_t i = 0; i < 4; i++) {
        ck_assert_int_eq(tbl_get_num(t, i, 0, &v, &d), SIM_OK);
        ck_assert(v == in[i]);
    }
    tbl_free(t);
    e = load_errors("a\n1e400\n-1e400\n");
    ck_assert_ptr_nonnull(strstr(e, "bad.csv:2: error: column 'a': expected a number, got \"1e400\""));
    ck_assert_ptr_nonnull(strstr(e, "bad.csv:3: error: column 'a': expected a number, got \"-1e400\""));
    free(e);
    free(p);
    free(dir);
}
END_TEST

START_TEST(missing_file_is_an_error_not_a_crash)
{
    char *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&buf, &len));

    ck_assert_ptr_null(tbl_load("/nonexistent/x.csv", &d));
    fclose(d.out);
    ck_assert_ptr_nonnull(strstr(buf, "/nonexistent/x.csv: error: cannot open"));
    ck_assert_int_eq(d.nerrors, 1);
    free(buf);
}
END_TEST

/* Both readers on one file: what tbl_load reported (and the header it
 * read, joined by '|'), and what tbl_scan reported (its header, and what
 * it returned: plots/defaults.c charts a file only if SIM_OK). */
struct both {
    char *load_err, *scan_err;
    char load_head[64], scan_head[64];
    int load_line2, scan_line2;     /* file line of the first data row */
    int scan_rc;
};

static int scan_row(void *ctx, const char *const *f, size_t n, int line)
{
    struct both *b = ctx;

    if (b->scan_head[0] == '\0') {              /* the header */
        for (size_t i = 0; i < n; i++)
            snprintf(b->scan_head + strlen(b->scan_head),
                     sizeof b->scan_head - strlen(b->scan_head), "%s%s", i ? "|" : "", f[i]);
    } else if (b->scan_line2 == 0) {
        b->scan_line2 = line;
    }
    return SIM_OK;
}

static struct both read_both(const char *path)
{
    struct both b = { NULL, NULL, "", "", 0, 0, SIM_OK };
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&b.load_err, &len));
    struct tbl *t = tbl_load(path, &d);

    if (t) {
        for (size_t i = 0; i < tbl_cols(t); i++)
            snprintf(b.load_head + strlen(b.load_head),
                     sizeof b.load_head - strlen(b.load_head), "%s%s", i ? "|" : "",
                     tbl_col_name(t, i));
        b.load_line2 = tbl_rows(t) ? tbl_line(t, 0) : 0;
        tbl_free(t);
    }
    fclose(d.out);
    d.out = open_memstream(&b.scan_err, &len);
    b.scan_rc = tbl_scan(path, scan_row, &b, &d);
    fclose(d.out);
    return b;
}

static struct both read_text(const char *text)
{
    char *dir = test_tmpdir(), *p = path_in(dir, "t.csv");
    struct both b;

    test_write_file(p, text);
    b = read_both(p);
    remove(p);
    remove(dir);
    free(p);
    free(dir);
    return b;
}

/* A directory given as a data file read as an empty file (tbl_load never
 * asked ferror); both readers now say they cannot read it. */
START_TEST(a_directory_is_unreadable_not_empty)
{
    char *dir = test_tmpdir();
    struct both b = read_both(dir);
    char want[512];

    snprintf(want, sizeof want, "%s: error: cannot read: %s", dir, strerror(EISDIR));
    ck_assert_msg(strstr(b.load_err, want), "tbl_load: %s", b.load_err);
    ck_assert_msg(strstr(b.scan_err, want), "tbl_scan: %s", b.scan_err);
    ck_assert_ptr_null(strstr(b.load_err, "empty file"));
    free(b.load_err);
    free(b.scan_err);
    remove(dir);
    free(dir);
}
END_TEST

/* A UTF-8 BOM before the header is not part of the first column's name
 * (it was: "missing column 'model'"), and lines still count from 1. */
START_TEST(a_byte_order_mark_is_skipped)
{
    struct both b = read_text("\xEF\xBB\xBFmodel,x\nA,1\n");

    ck_assert_str_eq(b.load_err, "");
    ck_assert_str_eq(b.scan_err, "");
    ck_assert_str_eq(b.load_head, "model|x");
    ck_assert_str_eq(b.scan_head, "model|x");
    ck_assert_int_eq(b.load_line2, 2);
    ck_assert_int_eq(b.scan_line2, 2);
    free(b.load_err);
    free(b.scan_err);
    b = read_text("\xEF\xBB\xBF\"model\",x\r\nA,1\r\n");    /* quoted, CRLF */
    ck_assert_str_eq(b.load_head, "model|x");
    ck_assert_str_eq(b.scan_head, "model|x");
    free(b.load_err);
    free(b.scan_err);
}
END_TEST

/* CR-only line endings: tbl_load took them as line ends but numbered
 * every row line 1, tbl_scan called them malformed. Both now refuse a CR
 * that does not end a CRLF (outside quotes) with the same message, and
 * still accept CRLF, a CR in a quoted field and a CR at the end of file. */
START_TEST(a_lone_carriage_return_is_refused_by_both_readers)
{
    static const char *const bad[] = { "a,b\r1,2\r3,4\r", "a,b\n1,2\n3\r,4\n",
                                       "a,b\n\"1\"\r,2\n" };
    static const int bad_line[] = { 1, 3, 2 };
    static const char *const good[] = { "a,b\r\n1,2\r\n", "a,b\n\"1\r2\",3\n", "a,b\n1,2\r" };

    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct both b = read_text(bad[i]);
        char want[128];

        snprintf(want, sizeof want, "t.csv:%d: error: malformed CSV: a carriage return "
                 "without a newline after it", bad_line[i]);
        ck_assert_msg(strstr(b.load_err, want), "%zu tbl_load: %s", i, b.load_err);
        ck_assert_msg(strstr(b.scan_err, want), "%zu tbl_scan: %s", i, b.scan_err);
        free(b.load_err);
        free(b.scan_err);
    }
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        struct both b = read_text(good[i]);

        ck_assert_msg(strcmp(b.load_err, "") == 0, "%zu tbl_load: %s", i, b.load_err);
        ck_assert_msg(strcmp(b.scan_err, "") == 0, "%zu tbl_scan: %s", i, b.scan_err);
        ck_assert_int_eq(b.load_line2, 2);
        ck_assert_int_eq(b.scan_line2, 2);
        free(b.load_err);
        free(b.scan_err);
    }
}
END_TEST

/* The writer's promises beyond strings and plain numbers: -0 is written
 * "0" (the writer's own comment: not "-0"), -inf "-inf" and read back so;
 * tbl_open(append) writes the header into a new (empty) file and no
 * second header into one that has rows. Writing "-0", "inf" for -inf,
 * and no header for a new file opened to append survived every test. */
START_TEST(negative_zero_minus_infinity_and_append)
{
    char *dir = test_tmpdir(), *p = path_in(dir, "z.csv"), *q = path_in(dir, "a.csv"), *text;
    static const char *const cols[] = { "v" };
    struct tbl_writer *w = tbl_create(p, cols, 1);
    struct diag d = DIAG_INIT(stderr);
    struct tbl *t;
    double v;

    tbl_num(w, -0.0);
    tbl_end_row(w);
    tbl_num(w, -INFINITY);
    tbl_end_row(w);
    ck_assert_int_eq(tbl_close(w), SIM_OK);
    text = test_read_file(p, NULL);
    ck_assert_str_eq(text, "v\n0\n-inf\n");
    free(text);
    t = tbl_load(p, &d);
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(tbl_get_num(t, 1, 0, &v, &d), SIM_OK);
    ck_assert(isinf(v) && v < 0);
    tbl_free(t);
    for (int i = 0; i < 2; i++) {
        w = tbl_open(q, cols, 1, true);
        ck_assert_ptr_nonnull(w);
        tbl_int(w, i);
        tbl_end_row(w);
        ck_assert_int_eq(tbl_close(w), SIM_OK);
    }
    text = test_read_file(q, NULL);
    ck_assert_str_eq(text, "v\n0\n1\n");
    free(text);
    free(p);
    free(q);
    free(dir);
}
END_TEST

/* An integer cell is an integer: not empty (strtoll reads "" as 0) and
 * not past int64 (strtoll clamps and sets ERANGE). Accepting either
 * survived every test. */
START_TEST(integers_empty_or_out_of_range_are_errors)
{
    char *dir = test_tmpdir(), *p = path_in(dir, "i.csv");
    char *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&buf, &len));
    struct tbl *t;
    int64_t v;

    test_write_file(p, "a,b\n,1\n9223372036854775808,2\n-9223372036854775808,3\n");
    t = tbl_load(p, &d);
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(tbl_get_int(t, 0, 0, &v, &d), SIM_EINVAL);
    ck_assert_int_eq(tbl_get_int(t, 1, 0, &v, &d), SIM_EINVAL);
    ck_assert_int_eq(tbl_get_int(t, 2, 0, &v, &d), SIM_OK);  /* INT64_MIN fits */
    ck_assert(v == INT64_MIN);
    tbl_free(t);
    fclose(d.out);
    ck_assert_ptr_nonnull(strstr(buf, "i.csv:2: error: column 'a': expected an integer, got \"\""));
    ck_assert_ptr_nonnull(strstr(buf, "i.csv:3: error: column 'a': expected an integer, "
                                      "got \"9223372036854775808\""));
    free(buf);
    free(p);
    free(dir);
}
END_TEST

/* tbl_scan reports what tbl_load reports (table.h): a row with fewer
 * fields than the header, a quote inside an unquoted field (libcsv's
 * strict mode refuses it) and an empty file. The scan accepted each
 * without a word when its check was cut. */
START_TEST(scan_reports_short_rows_and_empty_files)
{
    struct both b = read_text("a,b\n1,2\n3\n");

    ck_assert_msg(strstr(b.load_err, "t.csv:3: error: expected 2 fields, got 1"), "%s", b.load_err);
    ck_assert_msg(strstr(b.scan_err, "t.csv:3: error: expected 2 fields, got 1"), "%s", b.scan_err);
    ck_assert_int_eq(b.scan_rc, SIM_EPARSE);    /* not SIM_OK after its error */
    free(b.load_err);
    free(b.scan_err);
    b = read_text("a,b\nx\"y,2\n");            /* a quote inside an unquoted field */
    ck_assert_msg(strstr(b.load_err, "t.csv:2: error: malformed CSV"), "%s", b.load_err);
    ck_assert_msg(strstr(b.scan_err, "t.csv:2: error: malformed CSV"), "%s", b.scan_err);
    ck_assert_int_eq(b.scan_rc, SIM_EPARSE);
    free(b.load_err);
    free(b.scan_err);
    b = read_text("");
    ck_assert_msg(strstr(b.load_err, "t.csv: error: empty file (no header row)"), "%s", b.load_err);
    ck_assert_msg(strstr(b.scan_err, "t.csv: error: empty file (no header row)"), "%s", b.scan_err);
    ck_assert_int_eq(b.scan_rc, SIM_EPARSE);
    free(b.load_err);
    free(b.scan_err);
}
END_TEST

/* A byte order mark is skipped at the start of the file only: the same
 * three bytes opening tbl_load's second 64 KiB read are data. "a\n" and
 * 32767 rows "x\n" fill 65536 bytes, so the next row starts the second
 * read. Skipping a BOM at the start of every read survived every test. */
START_TEST(a_byte_order_mark_inside_the_file_is_data)
{
    char *dir = test_tmpdir(), *p = path_in(dir, "big.csv");
    FILE *f = fopen(p, "wb");
    struct diag d = DIAG_INIT(stderr);
    struct tbl *t;

    ck_assert_ptr_nonnull(f);
    fputs("a\n", f);
    for (int i = 0; i < 32767; i++)
        fputs("x\n", f);
    ck_assert_int_eq(ftell(f), 65536);
    fputs("\xEF\xBB\xBFz\n", f);
    fclose(f);
    t = tbl_load(p, &d);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(tbl_rows(t), 32768);
    ck_assert_str_eq(tbl_get(t, 32767, 0), "\xEF\xBB\xBFz");
    tbl_free(t);
    remove(p);
    free(p);
    free(dir);
}
END_TEST

/* The streaming reader splits fields as libcsv does in strict mode
 * (RFC 4180, table.c's tbl_scan comment): "" inside quotes is one quote,
 * blanks around a field are trimmed, a newline inside quotes is data but
 * still a line (so the next record starts one line further down), a
 * blank line is skipped, and text after a closing quote is malformed.
 * Each expectation is the RFC's, not the program's: for each, cutting
 * that rule from tbl_scan survived every test. */
START_TEST(scan_splits_fields_as_libcsv_does)
{
    static const struct {
        const char *text, *head;
        int line2;
    } good[] = {
        { "\"x\"\"y\",b\n1,2\n", "x\"y|b", 2 },         /* "" escape */
        { "\"a\" ,b\n1,2\n", "a|b", 2 },                /* blank after a quote */
        { "a \t, b\n1,2\n", "a|b", 2 },                 /* blanks around plain text */
        { "\"x\ny\",b\n1,2\n", "x\ny|b", 3 },           /* a newline in quotes */
        { "a,b\n\n1,2\n\n3,4\n", "a|b", 3 },            /* blank lines skipped */
    };

    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        struct both b = read_text(good[i].text);

        ck_assert_msg(strcmp(b.load_err, "") == 0, "%zu tbl_load: %s", i, b.load_err);
        ck_assert_msg(strcmp(b.scan_err, "") == 0, "%zu tbl_scan: %s", i, b.scan_err);
        ck_assert_int_eq(b.scan_rc, SIM_OK);
        ck_assert_msg(strcmp(b.load_head, good[i].head) == 0, "%zu tbl_load: %s", i, b.load_head);
        ck_assert_msg(strcmp(b.scan_head, good[i].head) == 0, "%zu tbl_scan: %s", i, b.scan_head);
        ck_assert_int_eq(b.load_line2, good[i].line2);
        ck_assert_int_eq(b.scan_line2, good[i].line2);
        free(b.load_err);
        free(b.scan_err);
    }
    {
        struct both b = read_text("a,b\n\"1\"x,2\n");  /* text after a closing quote */

        ck_assert_msg(strstr(b.load_err, "t.csv:2: error: malformed CSV"), "%s", b.load_err);
        ck_assert_msg(strstr(b.scan_err, "t.csv:2: error: malformed CSV"), "%s", b.scan_err);
        free(b.load_err);
        free(b.scan_err);
    }
}
END_TEST

/* A row with MORE fields than the header is as wrong as one with fewer
 * (table.h: "a row with the wrong number of fields"); both readers
 * accepted a long row, silently dropping its extra fields, when the
 * check was cut to "fewer". A file holding only a BOM holds no header:
 * the BOM is skipped and nothing is left ("empty file"); not skipping a
 * BOM that is the whole file read it as a one-column header. */
START_TEST(long_rows_and_a_bare_bom_are_errors)
{
    struct both b = read_text("a,b\n1,2\n3,4,5\n");

    ck_assert_msg(strstr(b.load_err, "t.csv:3: error: expected 2 fields, got 3"), "%s", b.load_err);
    ck_assert_msg(strstr(b.scan_err, "t.csv:3: error: expected 2 fields, got 3"), "%s", b.scan_err);
    free(b.load_err);
    free(b.scan_err);
    b = read_text("\xEF\xBB\xBF");
    ck_assert_msg(strstr(b.load_err, "t.csv: error: empty file (no header row)"), "%s", b.load_err);
    ck_assert_msg(strstr(b.scan_err, "t.csv: error: empty file (no header row)"), "%s", b.scan_err);
    free(b.load_err);
    free(b.scan_err);
}
END_TEST

/* tbl_scan reads 1 MiB at a time and keeps a record cut by the end of
 * a read for the next: about 4 MiB of rows of varying length, some
 * quoted over two lines with an escaped quote at the end, and one field
 * of 1.5 MiB (longer than the buffer, which must grow) arrive whole, in
 * order, on their own lines.
 * Forgetting the consumed bytes when the partial record moved to the
 * front survived every test. */
struct big_scan {
    long next;      /* the row number the next data row must carry */
    int line;       /* the file line it must start on */
    bool bad;
};

static size_t big_len(long k) { return k == 40000 ? (size_t)3 << 19 : (size_t)(k * 7 % 53); }
static bool big_quoted(long k) { return k % 997 == 0; }

static int big_row(void *ctx, const char *const *f, size_t n, int line)
{
    struct big_scan *B = ctx;
    char *end;
    long k;

    if (B->next < 0) {                          /* the header */
        B->bad |= n != 2 || strcmp(f[0], "i") != 0 || line != 1;
        B->next = 0;
        B->line = 2;
        return SIM_OK;
    }
    k = strtol(f[0], &end, 10);
    if (n != 2 || *end != '\0' || k != B->next || line != B->line ||
        strlen(f[1]) != big_len(k) + (big_quoted(k) ? 4 : 0)) {
        B->bad = true;
        return SIM_EPARSE;
    }
    B->line += big_quoted(k) ? 2 : 1;
    B->next++;
    return SIM_OK;
}

START_TEST(scan_keeps_records_across_buffer_reads)
{
    char *dir = test_tmpdir(), *p = path_in(dir, "big.csv");
    FILE *f = fopen(p, "wb");
    struct diag d = DIAG_INIT(stderr);
    struct big_scan B = { -1, 0, false };
    const long rows = 80000;

    ck_assert_ptr_nonnull(f);
    fputs("i,s\n", f);
    for (long k = 0; k < rows; k++) {
        fprintf(f, "%ld,", k);
        if (big_quoted(k))
            fputs("\"a\nb", f);
        for (size_t i = 0; i < big_len(k); i++)
            fputc('x', f);
        fputs(big_quoted(k) ? "\"\"\"\n" : "\n", f);   /* "" is one quote */
    }
    ck_assert_int_gt(ftell(f), 2 << 20);
    fclose(f);
    ck_assert_int_eq(tbl_scan(p, big_row, &B, &d), SIM_OK);
    ck_assert(!B.bad);
    ck_assert_int_eq(B.next, rows);
    remove(p);
    remove(dir);
    free(p);
    free(dir);
}
END_TEST

/* An integer cell holds digits only: "3x" and "1.5" are not integers
 * (strtoll stops at the 'x' or '.' and reads 3 and 1; accepting them
 * survived every test). A missing column is reported on the header's
 * line, line 1 (table.h's "path:row" form; line 0 survived this suite). */
START_TEST(integer_cells_are_whole_and_missing_columns_name_line_1)
{
    char *dir = test_tmpdir(), *p = path_in(dir, "i.csv");
    char *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&buf, &len));
    struct tbl *t;
    int64_t v;

    test_write_file(p, "a\n3x\n1.5\n42\n");
    t = tbl_load(p, &d);
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(tbl_get_int(t, 0, 0, &v, &d), SIM_EINVAL);
    ck_assert_int_eq(tbl_get_int(t, 1, 0, &v, &d), SIM_EINVAL);
    ck_assert_int_eq(tbl_get_int(t, 2, 0, &v, &d), SIM_OK);
    ck_assert(v == 42);
    ck_assert_int_eq(tbl_need_col(t, "zz", &d), -1);
    tbl_free(t);
    fclose(d.out);
    ck_assert_ptr_nonnull(strstr(buf, "i.csv:2: error: column 'a': expected an integer, got \"3x\""));
    ck_assert_ptr_nonnull(strstr(buf, "i.csv:3: error: column 'a': expected an integer, got \"1.5\""));
    ck_assert_ptr_nonnull(strstr(buf, "i.csv:1: error: missing column 'zz'"));
    free(buf);
    free(p);
    free(dir);
}
END_TEST

Suite *table_suite(void)
{
    Suite *s = suite_create("table");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, strings_are_quoted_numbers_round_trip);
    tcase_add_test(tc, errors_name_file_and_row);
    tcase_add_test(tc, subnormals_round_trip_overflow_does_not);
    tcase_add_test(tc, missing_file_is_an_error_not_a_crash);
    tcase_add_test(tc, a_directory_is_unreadable_not_empty);
    tcase_add_test(tc, a_byte_order_mark_is_skipped);
    tcase_add_test(tc, a_lone_carriage_return_is_refused_by_both_readers);
    tcase_add_test(tc, negative_zero_minus_infinity_and_append);
    tcase_add_test(tc, integers_empty_or_out_of_range_are_errors);
    tcase_add_test(tc, scan_reports_short_rows_and_empty_files);
    tcase_add_test(tc, a_byte_order_mark_inside_the_file_is_data);
    tcase_add_test(tc, scan_splits_fields_as_libcsv_does);
    tcase_add_test(tc, scan_keeps_records_across_buffer_reads);
    tcase_add_test(tc, long_rows_and_a_bare_bom_are_errors);
    tcase_add_test(tc, integer_cells_are_whole_and_missing_columns_name_line_1);
    suite_add_tcase(s, tc);
    return s;
}
