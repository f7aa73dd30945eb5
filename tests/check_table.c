/* tests/check_table.c -- CSV writing (quoting, numbers) and reading. */
#include <math.h>
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
    struct diag d = { open_memstream(&buf, &len), 0, 0 };
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
    e = load_errors("a,b\n1,\"unterminated\n");
    ck_assert_ptr_nonnull(strstr(e, "error: malformed CSV"));
    free(e);
    e = load_errors("");
    ck_assert_ptr_nonnull(strstr(e, "bad.csv: error: empty file"));
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
    struct diag d = { open_memstream(&buf, &len), 0, 0 };

    ck_assert_ptr_null(tbl_load("/nonexistent/x.csv", &d));
    fclose(d.out);
    ck_assert_ptr_nonnull(strstr(buf, "/nonexistent/x.csv: error: cannot open"));
    ck_assert_int_eq(d.nerrors, 1);
    free(buf);
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
    suite_add_tcase(s, tc);
    return s;
}
