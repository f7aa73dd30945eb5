/* tests/check_param.c -- the parameter registry: parsing, formatting,
 * lookup, suggestions and docs. */
#include <stdlib.h>
#include <string.h>
#include "sim/param.h"
#include "tests/suites.h"

static const struct param_def defs[] = {
    { "market.fee", PT_PROB, "1", "0.1", 1, 0, NULL, "platform fee" },
    { "market.horizon", PT_TIME, "d", "90d", 0, 3650, NULL, "simulated span" },
    { "market.tick", PT_TIME, "ms", "250ms", 1, 0, NULL, "tick" },
    { "market.price", PT_MONEY, "USD/GPU-h", "2.10", 0, 1000, NULL, "list price" },
    { "market.policy", PT_ENUM, "", "spot", 1, 0, "spot|fixed|auction", "pricing" },
    { "market.verbose", PT_BOOL, "", "false", 1, 0, NULL, "chatty" },
    { "market.hosts", PT_INT, "1", "100", 1, 100000, NULL, "host count" },
    { "demand.scale", PT_REAL, "1", "1.0", 0, 100, NULL, "demand multiplier" },
    { "archetype.*.share", PT_PROB, "1", "0.5", 1, 0, NULL, "share of renters" },
    { "archetype.builtin.share", PT_PROB, "1", "0.25", 1, 0, NULL, "built-in" },
    { "label", PT_STRING, "", "none", 1, 0, NULL, "free text" },
};

static struct param_registry *reg(void)
{
    struct param_registry *r = preg_new();

    ck_assert_ptr_nonnull(r);
    preg_add(r, defs, sizeof defs / sizeof defs[0]);
    return r;
}

/* Parses 'text' for 'key'; returns the error text ("" if it parsed). */
static int parse(const struct param_registry *r, const char *key, const char *text,
                 struct param_value *v, char *err, size_t len)
{
    const struct param_def *def = preg_find(r, key);

    ck_assert_ptr_nonnull(def);
    err[0] = '\0';
    return param_parse(def, text, v, err, len);
}

START_TEST(test_durations)
{
    struct param_registry *r = reg();
    struct param_value v;
    char err[256];

    ck_assert_int_eq(parse(r, "market.horizon", "90d", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.t, 90 * SIM_DAY);
    ck_assert_int_eq(parse(r, "market.horizon", "1.5h", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.t, 90 * SIM_MIN);
    ck_assert_int_eq(parse(r, "market.horizon", "30min", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.t, 30 * SIM_MIN);
    ck_assert_int_eq(parse(r, "market.horizon", "20s", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.t, 20 * SIM_SEC);
    ck_assert_int_eq(parse(r, "market.horizon", "250ms", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.t, 250 * SIM_MS);
    ck_assert_int_eq(parse(r, "market.horizon", "10us", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.t, 10);
    ck_assert_int_eq(parse(r, "market.horizon", "2w", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.t, 14 * SIM_DAY);
    /* A bare number is in the definition's unit. */
    ck_assert_int_eq(parse(r, "market.horizon", "7", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.t, 7 * SIM_DAY);
    ck_assert_int_eq(parse(r, "market.tick", "3", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.t, 3 * SIM_MS);

    ck_assert_int_eq(parse(r, "market.horizon", "soon", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "market.horizon: expected a duration such as 90d, 1.5h, 30min, "
                          "20s, 250ms or 10us, got \"soon\"");
    ck_assert_int_eq(parse(r, "market.horizon", "5parsecs", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_int_eq(parse(r, "market.horizon", "-5s", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_int_eq(parse(r, "market.horizon", "1e3s", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_int_eq(parse(r, "market.horizon", "4000d", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "market.horizon: 4000d is out of range [0, 3650] d");
    preg_free(r);
}
END_TEST

START_TEST(test_money_bool_enum)
{
    struct param_registry *r = reg();
    struct param_value v;
    char err[256];

    ck_assert_int_eq(parse(r, "market.price", "0.35", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.m, 350000);
    ck_assert_int_eq(parse(r, "market.price", "1.2345678", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "market.price: expected an amount in USD (at most 6 decimals), "
                          "got \"1.2345678\"");
    ck_assert_int_eq(parse(r, "market.price", "1001", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "market.price: 1001 is out of range [0, 1000]");

    {
        static const char yes[][6] = { "true", "yes", "on", "1", "TRUE", "Yes" };
        static const char no[][6] = { "false", "no", "off", "0", "OFF" };

        for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
            ck_assert_int_eq(parse(r, "market.verbose", yes[i], &v, err, sizeof err), SIM_OK);
            ck_assert(v.u.b);
        }
        for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
            ck_assert_int_eq(parse(r, "market.verbose", no[i], &v, err, sizeof err), SIM_OK);
            ck_assert(!v.u.b);
        }
    }
    ck_assert_int_eq(parse(r, "market.verbose", "maybe", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "market.verbose: expected true or false, got \"maybe\"");

    ck_assert_int_eq(parse(r, "market.policy", "fixed", &v, err, sizeof err), SIM_OK);
    ck_assert_str_eq(v.u.s, "fixed");
    /* The value is the text itself (models strcmp it), so blanks around a
     * choice are not that choice: " fixed" passed and then matched nothing. */
    ck_assert_int_eq(parse(r, "market.policy", " fixed", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "market.policy: expected one of spot|fixed|auction, got \" fixed\"");
    ck_assert_int_eq(parse(r, "market.policy", "fix", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "market.policy: expected one of spot|fixed|auction, got \"fix\"");
    preg_free(r);
}
END_TEST

START_TEST(test_numbers)
{
    struct param_registry *r = reg();
    struct param_value v;
    char err[256];

    ck_assert_int_eq(parse(r, "market.fee", "0.25", &v, err, sizeof err), SIM_OK);
    ck_assert(v.u.r == 0.25);
    ck_assert_int_eq(parse(r, "market.fee", "abc", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "market.fee: expected a number, got \"abc\"");
    ck_assert_int_eq(parse(r, "market.fee", "1.5", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "market.fee: 1.5 is out of range [0, 1]");
    ck_assert_int_eq(parse(r, "market.fee", "nan", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_int_eq(parse(r, "market.hosts", "12", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.i, 12);
    ck_assert_int_eq(parse(r, "market.hosts", "1.5", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "market.hosts: expected an integer, got \"1.5\"");
    ck_assert_int_eq(parse(r, "market.hosts", "0", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "market.hosts: 0 is out of range [1, 100000]");
    ck_assert_int_eq(parse(r, "demand.scale", "-1", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_int_eq(parse(r, "label", "anything, at all", &v, err, sizeof err), SIM_OK);
    ck_assert_str_eq(v.u.s, "anything, at all");
    preg_free(r);
}
END_TEST

static void roundtrip(const struct param_registry *r, const char *key, const char *in,
                      const char *want)
{
    const struct param_def *def = preg_find(r, key);
    struct param_value v, v2;
    char buf[128], err[256];

    ck_assert_int_eq(param_parse(def, in, &v, err, sizeof err), SIM_OK);
    param_format(&v, def, buf, sizeof buf);
    ck_assert_str_eq(buf, want);
    ck_assert_int_eq(param_parse(def, buf, &v2, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.i, v2.u.i);    /* same bits for every 64-bit member */
}

START_TEST(test_format)
{
    struct param_registry *r = reg();

    roundtrip(r, "market.horizon", "90d", "90d");
    roundtrip(r, "market.horizon", "1.5h", "90min");
    roundtrip(r, "market.horizon", "0", "0d");
    roundtrip(r, "market.tick", "1500", "1500ms");
    roundtrip(r, "market.fee", "0.1", "0.1");
    roundtrip(r, "demand.scale", "1.0", "1");
    roundtrip(r, "market.price", "2.10", "2.1");
    roundtrip(r, "market.hosts", "007", "7");
    roundtrip(r, "market.verbose", "on", "true");
    preg_free(r);
}
END_TEST

START_TEST(test_lookup_suggest)
{
    struct param_registry *r = reg();

    ck_assert_uint_eq(preg_count(r), sizeof defs / sizeof defs[0]);
    ck_assert_str_eq(preg_at(r, 0)->key, "archetype.*.share");     /* sorted */
    ck_assert_str_eq(preg_find(r, "archetype.academic.share")->key, "archetype.*.share");
    ck_assert_str_eq(preg_find(r, "archetype.builtin.share")->key, "archetype.builtin.share");
    ck_assert_ptr_null(preg_find(r, "archetype.share"));
    ck_assert_ptr_null(preg_find(r, "archetype.a.b.share"));
    ck_assert_ptr_null(preg_find(r, "market.fe"));
    ck_assert_str_eq(preg_suggest(r, "market.fe"), "market.fee");
    ck_assert_str_eq(preg_suggest(r, "markte.fee"), "market.fee");
    ck_assert_str_eq(preg_suggest(r, "archetype.academic.shar"), "archetype.*.share");
    ck_assert_ptr_null(preg_suggest(r, "completely.different.thing"));
    ck_assert_uint_eq(param_edit_distance("kitten", "sitting"), 3);
    ck_assert_uint_eq(param_edit_distance("", "abc"), 3);
    ck_assert_uint_eq(param_edit_distance("abc", ""), 3);
    /* a swap of neighbours is one edit: "rnu" for "run", "ca" for "ac";
     * "abc" -> "ca" takes 3 (no substring is edited twice) */
    ck_assert_uint_eq(param_edit_distance("rnu", "run"), 1);
    ck_assert_uint_eq(param_edit_distance("ca", "ac"), 1);
    ck_assert_uint_eq(param_edit_distance("ca", "abc"), 3);
    ck_assert_uint_eq(param_edit_distance("flaw", "lawn"), 2);
    ck_assert_str_eq(preg_suggest(r, "market.efe"), "market.fee");
    ck_assert_str_eq(param_type_name(PT_MONEY), "money");
    preg_free(r);
}
END_TEST

START_TEST(test_print)
{
    struct param_registry *r = reg();
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    ck_assert_uint_eq(preg_print(r, "market.p", true, f), 2);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "| key | type | unit | default | range | description |\n"));
    ck_assert_ptr_nonnull(strstr(buf, "| `market.policy` | enum |  | `spot` | spot\\|fixed\\|auction | pricing |\n"));
    ck_assert_ptr_nonnull(strstr(buf, "| `market.price` | money | USD/GPU-h | `2.10` | [0, 1000] | list price |\n"));
    free(buf);

    buf = NULL;
    f = open_memstream(&buf, &len);
    ck_assert_uint_eq(preg_print(r, NULL, false, f), sizeof defs / sizeof defs[0]);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "market.fee "));
    ck_assert_ptr_nonnull(strstr(buf, "[0, 1]"));
    free(buf);
    preg_free(r);
}
END_TEST

Suite *param_suite(void)
{
    Suite *s = suite_create("param");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_durations);
    tcase_add_test(tc, test_money_bool_enum);
    tcase_add_test(tc, test_numbers);
    tcase_add_test(tc, test_format);
    tcase_add_test(tc, test_lookup_suggest);
    tcase_add_test(tc, test_print);
    suite_add_tcase(s, tc);
    return s;
}
