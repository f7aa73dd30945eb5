/* tests/check_param.c -- the parameter registry: parsing, formatting,
 * lookup, suggestions and docs. */
#include <signal.h>
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
    /* too long for the clock, or an exponent: said as such, not as a
     * wrong type (both read "expected a duration such as 90d ...") */
    ck_assert_int_eq(parse(r, "market.horizon", "99999999999999999999d", &v, err, sizeof err),
                     SIM_EINVAL);
    ck_assert_str_eq(err, "market.horizon: 99999999999999999999d is out of range [0, 3650] d");
    ck_assert_int_eq(parse(r, "market.horizon", "1e9d", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "market.horizon: a duration is a plain decimal with a unit (no "
                          "exponent: 1000000d, not 1e6d), got \"1e9d\"");
    /* an integer too large for 64 bits is out of range too */
    ck_assert_int_eq(parse(r, "market.hosts", "99999999999999999999999", &v, err, sizeof err),
                     SIM_EINVAL);
    ck_assert_str_eq(err, "market.hosts: 99999999999999999999999 is out of range [1, 100000]");
    ck_assert_int_eq(parse(r, "market.hosts", "12x", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "market.hosts: expected an integer, got \"12x\"");
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
    /* A near miss hints the choice, by the rule keys use (param_near_enough:
     * at most 1 + length/4 edits, a swap of neighbours counting one): the
     * blank is one edit from "fixed" (limit 2 for 6 characters), "auctoin" one
     * swap from "auction"; "fix" is two edits short of "fixed" with a limit
     * of 1, and "barter" is near nothing. */
    ck_assert_str_eq(err, "market.policy: expected one of spot|fixed|auction, got \" fixed\""
                     " (did you mean 'fixed'?)");
    ck_assert_int_eq(parse(r, "market.policy", "auctoin", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "market.policy: expected one of spot|fixed|auction, got \"auctoin\""
                     " (did you mean 'auction'?)");
    ck_assert_int_eq(parse(r, "market.policy", "fix", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "market.policy: expected one of spot|fixed|auction, got \"fix\"");
    ck_assert_int_eq(parse(r, "market.policy", "barter", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "market.policy: expected one of spot|fixed|auction, got \"barter\"");
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
    /* Blanks around a number are not part of it (param_parse trims). */
    ck_assert_int_eq(parse(r, "market.fee", " 0.25 \t", &v, err, sizeof err), SIM_OK);
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

/* Edges of the number and duration readers, each expectation from the
 * rule in sim/param.h or the comment it is next to, not from a run. */
START_TEST(test_parse_edges)
{
    static const struct param_def edge[] = {
        { "t.bare", PT_TIME, NULL, "1", 1, 0, NULL, "no unit: seconds" },
        { "t.free", PT_TIME, "us", "1", 1, 0, NULL, "unbounded" },
        { "t.fixed", PT_INT, "1", "2", 2, 2, NULL, "min == max: exactly 2" },
        { "t.prob", PT_PROB, "1", "0.5", 0, 5, NULL, "prob: max above 1" },
        { "t.int", PT_INT, "1", "0", 1, 0, NULL, "unbounded int" },
        { "t.real", PT_REAL, "1", "0", 1, 0, NULL, "unbounded real" },
    };
    struct param_registry *r = preg_new();
    struct param_value v;
    char err[256];

    preg_add(r, edge, sizeof edge / sizeof edge[0]);
    /* "A PT_TIME definition with no unit reads bare numbers as seconds." */
    ck_assert_int_eq(parse(r, "t.bare", "3", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.t, 3 * SIM_SEC);
    /* 0.29 h = 1044 s exactly; 0.29 * 3.6e9 is 1043999999.99999988 in
     * doubles, so the microseconds are rounded, not truncated. */
    ck_assert_int_eq(parse(r, "t.free", "0.29h", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.t, 1044 * SIM_SEC);
    ck_assert_int_eq(parse(r, "t.free", "1.005s", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.t, 1005 * SIM_MS);
    /* 2e8 days is 1.7e19 us, past int64: refused, not wrapped around,
     * even with no range to catch it. */
    ck_assert_int_eq(parse(r, "t.free", "200000000d", &v, err, sizeof err), SIM_EINVAL);
    /* min == max is a range of one value, not "unbounded" (min > max). */
    ck_assert_int_eq(parse(r, "t.fixed", "2", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(parse(r, "t.fixed", "3", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "t.fixed: 3 is out of range [2, 2]");
    /* A prob stays in [0, 1] whatever its min/max: they may only narrow it. */
    ck_assert_int_eq(parse(r, "t.prob", "1", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(parse(r, "t.prob", "1.5", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "t.prob: 1.5 is out of range [0, 1]");
    /* With no range to catch them, an integer past int64 is refused as
     * out of range (the integers hold), and a non-finite real is not a
     * number. */
    ck_assert_int_eq(parse(r, "t.int", "-9223372036854775808", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.i, INT64_MIN);
    ck_assert_int_eq(parse(r, "t.int", "99999999999999999999", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "t.int: 99999999999999999999 is out of range (a 64-bit integer)");
    ck_assert_int_eq(parse(r, "t.real", "-1e300", &v, err, sizeof err), SIM_OK);
    /* past the doubles either way: 1e400 is no number, and 1e-400 is not
     * zero (strtod's underflow would read it so, without a word) */
    ck_assert_int_eq(parse(r, "t.real", "1e400", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_int_eq(parse(r, "t.real", "1e-400", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "t.real: expected a number, got \"1e-400\"");
    ck_assert_int_eq(parse(r, "t.real", "inf", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "t.real: expected a number, got \"inf\"");
    ck_assert_int_eq(parse(r, "t.real", "nan", &v, err, sizeof err), SIM_EINVAL);
    /* decimal only: strtod reads hexadecimal too (0x0.1p0 is 0.0625) */
    ck_assert_int_eq(parse(r, "t.real", "0x0.1p0", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "t.real: expected a number, got \"0x0.1p0\"");
    /* strtod takes a capital X too ("0X10" is 16): README, numbers are
     * decimal */
    ck_assert_int_eq(parse(r, "t.real", "0X10", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "t.real: expected a number, got \"0X10\"");
    ck_assert_int_eq(parse(r, "t.real", "1E-2", &v, err, sizeof err), SIM_OK);
    ck_assert(v.u.r == 0.01);
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
    /* The coarsest unit that divides the value exactly (units largest
     * first): 14 days is 2 weeks, 1.5 weeks is 252 hours. */
    roundtrip(r, "market.horizon", "14d", "2w");
    roundtrip(r, "market.horizon", "10.5d", "252h");
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
    /* '*' stands for one non-empty segment (pattern_match). */
    ck_assert_ptr_null(preg_find(r, "archetype..share"));
    /* How far a hint may reach grows with the key (a quarter of its length
     * plus one, at most 4): "mXrket.f" (8 bytes, limit 3) is 3 edits from
     * market.fee; "mXrXeX.vXrbose" (14 bytes, limit 4) is 4 from
     * market.verbose, and with a fifth edit it is too far. */
    ck_assert_uint_eq(param_suggest_limit("mXrket.f"), 3);
    ck_assert_uint_eq(param_suggest_limit("mXrXeX.vXrbose"), 4);
    ck_assert_str_eq(preg_suggest(r, "mXrket.f"), "market.fee");
    ck_assert_str_eq(preg_suggest(r, "mXrXeX.vXrbose"), "market.verbose");
    ck_assert_ptr_null(preg_suggest(r, "mXrXeX.vXrbXse"));
    ck_assert_uint_eq(param_edit_distance("kitten", "sitting"), 3);
    ck_assert_uint_eq(param_edit_distance("", "abc"), 3);
    ck_assert_uint_eq(param_edit_distance("abc", ""), 3);
    /* a swap of neighbours is one edit: "rnu" for "run", "ca" for "ac";
     * "abc" -> "ca" takes 3 (no substring is edited twice) */
    ck_assert_uint_eq(param_edit_distance("rnu", "run"), 1);
    ck_assert_uint_eq(param_edit_distance("ca", "ac"), 1);
    ck_assert_uint_eq(param_edit_distance("ca", "abc"), 3);
    ck_assert_uint_eq(param_edit_distance("flaw", "lawn"), 2);
    /* one deletion, in the middle or at the end, is one edit each way
     * (Levenshtein, by hand); "ab" -> "a" is the case where deleting
     * beats replacing by exactly one, which a deletion check of
     * "+ 2 < best" missed */
    ck_assert_uint_eq(param_edit_distance("abcd", "abd"), 1);
    ck_assert_uint_eq(param_edit_distance("abd", "abcd"), 1);
    ck_assert_uint_eq(param_edit_distance("market.feee", "market.fee"), 1);
    ck_assert_uint_eq(param_edit_distance("ab", "a"), 1);
    ck_assert_uint_eq(param_edit_distance("market.feeX", "market.fee"), 1);
    ck_assert_str_eq(preg_suggest(r, "market.efe"), "market.fee");
    /* case is no edit, but a name differing in case alone is no match:
     * one edit away (caps lock on, "MARKET.FEE" was ten edits from
     * market.fee and had no hint; "archetype.academic.RATE" was as far
     * from ...rate as from ...gpus, and the hint named gpus) */
    ck_assert_uint_eq(param_edit_distance("MARKET.FEE", "market.fee"), 1);
    ck_assert_uint_eq(param_edit_distance("Rnu", "run"), 1);
    ck_assert_uint_eq(param_edit_distance("RNUX", "run"), 2);
    ck_assert_uint_eq(param_edit_distance("run", "run"), 0);
    ck_assert_str_eq(preg_suggest(r, "MARKET.FEE"), "market.fee");
    ck_assert_str_eq(preg_suggest(r, "archetype.academic.SHARE"), "archetype.*.share");
    /* of names equally near, the one differing in case alone wins, though
     * offered later: 'rtx 4090' is one from 'RTX 3090' as from 'RTX 4090'
     * (tests/cli/sls2.sh's catalogue case) */
    {
        struct param_near n;

        param_near_init(&n, "rtx 4090");
        param_near_offer(&n, "RTX 3090");
        param_near_offer(&n, "RTX 4090");
        param_near_offer(&n, "RTX 5090");
        ck_assert_str_eq(param_near_best(&n), "RTX 4090");
        param_near_init(&n, "rtx 6090");
        param_near_offer(&n, "RTX 3090");
        param_near_offer(&n, "RTX 4090");
        ck_assert_str_eq(param_near_best(&n), "RTX 3090");     /* no case match: the first */
    }
    ck_assert_str_eq(param_type_name(PT_MONEY), "money");
    preg_free(r);
}
END_TEST

/* Two keys equally near what was typed: the hint names the first in key
 * order (param.h), not the one the model added first. "market.caX" is one
 * replacement from both. */
/* param_near_enough's rule (param.h): a hint is "not the same" as what
 * was typed and does not replace every letter of it. So a distance of 0
 * is no hint, and a one-letter word has no hint one edit away (its limit,
 * 1 + 1/4 = 1, would allow it). */
START_TEST(test_near_enough_not_same_not_all_replaced)
{
    struct param_near pn;

    ck_assert(!param_near_enough("market.fee", 0));
    ck_assert(param_near_enough("market.fee", 1));
    ck_assert_uint_eq(param_suggest_limit("x"), 1);
    ck_assert(!param_near_enough("x", 1));
    ck_assert(param_near_enough("xy", 1));
    param_near_init(&pn, "same");
    param_near_offer(&pn, "same");
    ck_assert_ptr_null(param_near_best(&pn));
    param_near_init(&pn, "q");
    param_near_offer(&pn, "z");
    ck_assert_ptr_null(param_near_best(&pn));
}
END_TEST

START_TEST(test_suggest_tie_goes_to_key_order)
{
    static const struct param_def two[] = {
        { "market.cat", PT_INT, "1", "1", 0, 10, NULL, "added first" },
        { "market.cap", PT_INT, "1", "1", 0, 10, NULL, "sorts first" },
    };
    struct param_registry *r = preg_new();

    preg_add(r, two, sizeof two / sizeof two[0]);
    ck_assert_uint_eq(param_edit_distance("market.caX", "market.cat"), 1);
    ck_assert_uint_eq(param_edit_distance("market.caX", "market.cap"), 1);
    ck_assert_str_eq(preg_suggest(r, "market.caX"), "market.cap");
    preg_free(r);
}
END_TEST

/* Among patterns that match, the one with fewest '*' wins, and a tie goes
 * to the first in key order (the comment in preg_find), whatever order
 * the model added them in. */
START_TEST(test_pattern_precedence)
{
    static const struct param_def pats[] = {
        { "archetype.*.share", PT_PROB, "1", "0.5", 1, 0, NULL, "one star" },
        { "*.*.share", PT_PROB, "1", "0.5", 1, 0, NULL, "two stars" },
        { "*.b.share", PT_PROB, "1", "0.5", 1, 0, NULL, "one star, sorts first" },
    };
    struct param_registry *r = preg_new();

    preg_add(r, pats, sizeof pats / sizeof pats[0]);
    ck_assert_str_eq(preg_find(r, "archetype.x.share")->key, "archetype.*.share");
    ck_assert_str_eq(preg_find(r, "gpu.x.share")->key, "*.*.share");
    /* "*.b.share" < "archetype.*.share" in strcmp order ('*' < 'a') */
    ck_assert_str_eq(preg_find(r, "archetype.b.share")->key, "*.b.share");
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
    /* Columns line up: a key is padded to the longest one
     * ("archetype.builtin.share", 23 bytes) and two blanks. */
    ck_assert_ptr_nonnull(strstr(buf, "\nlabel                    string"));
    ck_assert_ptr_nonnull(strstr(buf, "[0, 1]"));
    free(buf);
    preg_free(r);
}
END_TEST

/* Edges the other tests leave open, found by mutation testing of
 * sim/param.c; each expectation is worked out by hand from the rule
 * quoted next to it. */
START_TEST(test_range_and_limit_edges)
{
    static const struct param_def edge[] = {
        { "t.blank", PT_TIME, "", "1", 1, 0, NULL, "empty unit: seconds" },
        { "t.free", PT_TIME, "us", "1", 1, 0, NULL, "unbounded" },
        { "t.prob", PT_PROB, "1", "0.5", -1, 1, NULL, "min below 0" },
        { "t.real", PT_REAL, "1", "0", 1, 0, NULL, "unbounded real" },
    };
    struct param_registry *r = preg_new();
    struct param_value v;
    char err[512], big[300];

    preg_add(r, edge, sizeof edge / sizeof edge[0]);
    /* "A PT_TIME definition with no unit reads bare numbers as seconds":
     * an empty unit is no unit, as a NULL one is. */
    ck_assert_int_eq(parse(r, "t.blank", "3", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.t, 3 * SIM_SEC);
    /* 9.25e12 s is 9.25e18 us, just past INT64_MAX (about 9.2234e18):
     * refused, not wrapped (the 2e8-day case is far past it). */
    ck_assert_int_eq(parse(r, "t.free", "9250000000000s", &v, err, sizeof err), SIM_EINVAL);
    /* A prob stays in [0, 1]: a min below 0 does not widen it. */
    ck_assert_int_eq(parse(r, "t.prob", "-0.5", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "t.prob: -0.5 is out of range [0, 1]");
    ck_assert_int_eq(parse(r, "t.prob", "0", &v, err, sizeof err), SIM_OK);
    /* The value buffer is 256 bytes: 255 characters fit ("1" and 254
     * zeros is 1e254, finite), 256 are too long. */
    memset(big, '0', sizeof big);
    big[0] = '1';
    big[255] = '\0';
    ck_assert_int_eq(parse(r, "t.real", big, &v, err, sizeof err), SIM_OK);
    ck_assert(v.u.r == 1e254);
    big[255] = '0';
    big[256] = '\0';
    ck_assert_int_eq(parse(r, "t.real", big, &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "t.real: value too long (256 bytes)");
    /* param_parse_real: "no blanks around it" (param.h); strtod itself
     * would skip the leading one. */
    {
        double x = 0.0;

        ck_assert(!param_parse_real(" 1", &x));
        ck_assert(!param_parse_real("1 ", &x));
        ck_assert(param_parse_real("1", &x) && x == 1.0);
    }
    /* The hint reach is 1 + length/4, at most 4: 12 bytes give 4 and so
     * do 16 (1 + 4 = 5, capped). */
    ck_assert_uint_eq(param_suggest_limit("abcdefghijkl"), 4);
    ck_assert_uint_eq(param_suggest_limit("abcdefghijklmnop"), 4);
    ck_assert_uint_eq(param_suggest_limit("abcdefghijklmnopqrstuvwxyz"), 4);
    preg_free(r);
}
END_TEST

/* Canonical text re-parses to the same double: 0.1 + 0.2 is
 * 0.3000000000000000444..., whose shortest exact form needs 17
 * significant digits (16 give "0.3", a different double). */
START_TEST(test_format_needs_17_digits)
{
    static const struct param_def d = { "t.real", PT_REAL, "1", "0", 1, 0, NULL, "" };
    struct param_value v = { .type = PT_REAL }, back;
    char buf[64], err[256];
    volatile double a = 0.1, b = 0.2;

    v.u.r = a + b;
    param_format(&v, &d, buf, sizeof buf);
    ck_assert_str_eq(buf, "0.30000000000000004");
    ck_assert_int_eq(param_parse(&d, buf, &back, err, sizeof err), SIM_OK);
    ck_assert(back.u.r == v.u.r);
}
END_TEST

/* param_instance: false when the result and its terminator do not fit
 * (param.h). "x.abcd" is 6 bytes plus the terminator: 7 fit, 6 do not.
 * A '*' facing an empty segment stays '*', so "archetype..share" is one
 * insertion from "archetype.*.share" and gets it as a hint. */
START_TEST(test_instance_fit_and_empty_segment)
{
    struct param_registry *r = reg();
    char buf[16];

    ck_assert(param_instance("x.*", "x.abcd", buf, 7));
    ck_assert_str_eq(buf, "x.abcd");
    ck_assert(!param_instance("x.*", "x.abcd", buf, 6));
    ck_assert(!param_instance("*", "abcd", buf, 4));
    ck_assert_str_eq(preg_suggest(r, "archetype..share"), "archetype.*.share");
    preg_free(r);
}
END_TEST

/* The text table pads each column to its widest cell and two blanks:
 * unit "USD/GPU-h" (9), default "(required)" (10), range "[0, 123456]"
 * (11); the key and type columns keep their headers' widths (3, 4). */
START_TEST(test_print_columns)
{
    static const struct param_def one[] = {
        { "k", PT_REAL, "USD/GPU-h", NULL, 0, 123456, NULL, "help" },
    };
    struct param_registry *r = preg_new();
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    preg_add(r, one, 1);
    ck_assert_uint_eq(preg_print(r, NULL, false, f), 1);
    fclose(f);
    ck_assert_str_eq(buf,
                     "key  type  unit       default     range        description\n"
                     "k    real  USD/GPU-h  (required)  [0, 123456]  help\n");
    free(buf);
    preg_free(r);
}
END_TEST

/* A parameter table is checked when it is added: a default that does not
 * parse, or a key added twice, is a programming error and panics. */
START_TEST(bad_default_aborts)
{
    static const struct param_def bad[] = {
        { "t.n", PT_INT, "1", "abc", 1, 0, NULL, "" },
    };
    struct param_registry *r = preg_new();

    preg_add(r, bad, 1);
    preg_free(r);
}
END_TEST

START_TEST(duplicate_key_aborts)
{
    static const struct param_def dup[] = {
        { "t.n", PT_INT, "1", "1", 1, 0, NULL, "" },
        { "t.n", PT_INT, "1", "2", 1, 0, NULL, "" },
    };
    struct param_registry *r = preg_new();

    preg_add(r, dup, 2);
    preg_free(r);
}
END_TEST

/* More edges from mutation testing of sim/param.c. */
START_TEST(test_more_edges)
{
    static const struct param_def more[] = {
        { "gpu.*", PT_INT, "1", "1", 1, 0, NULL, "'*' as the last segment" },
        { "t.free", PT_TIME, "us", "1", 1, 0, NULL, "unbounded" },
        { "t.pick", PT_ENUM, "", "cat", 1, 0, "cat|cap", "two equally near" },
    };
    struct param_registry *r = preg_new();
    struct param_value v;
    char err[256], buf[16];

    preg_add(r, more, sizeof more / sizeof more[0]);
    /* '*' stands for one segment wherever it is, the last one too. */
    ck_assert_ptr_nonnull(preg_find(r, "gpu.h100"));
    ck_assert_str_eq(preg_find(r, "gpu.h100")->key, "gpu.*");
    ck_assert_ptr_null(preg_find(r, "gpu.h100.x"));
    /* A number may start with its point: ".5h" is half an hour. */
    ck_assert_int_eq(parse(r, "t.free", ".5h", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.t, 30 * SIM_MIN);
    /* Microseconds are rounded to the nearest: 1.505us is 2, 1.49us 1. */
    ck_assert_int_eq(parse(r, "t.free", "1.505us", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.t, 2);
    ck_assert_int_eq(parse(r, "t.free", "1.49us", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.t, 1);
    /* "caX" is one replacement from both choices: the hint names the
     * first as written, as a key hint names the first in key order. */
    ck_assert_int_eq(parse(r, "t.pick", "caX", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "t.pick: expected one of cat|cap, got \"caX\" (did you mean 'cat'?)");
    /* param_instance copies literal text under the same fit rule:
     * "abcd" and its terminator need 5 bytes. */
    ck_assert(param_instance("abcd", "abcd", buf, 5));
    ck_assert_str_eq(buf, "abcd");
    ck_assert(!param_instance("abcd", "abcd", buf, 4));
    preg_free(r);
}
END_TEST

/* With a pattern, the text columns are sized for the rows printed, not
 * for every key: "label" alone gives widths key 5, type 6 ("string"),
 * unit 4, default 7, range 5 (the headers' own), each plus two blanks:
 * after "none" 3 + 2 of padding and 5 + 2 for the empty range.
 * In markdown a required key shows "(required)", which is not a value,
 * so it is not set as code as a default is. */
START_TEST(test_print_filtered_widths)
{
    static const struct param_def one[] = {
        { "k", PT_REAL, "USD/GPU-h", NULL, 0, 123456, NULL, "help" },
    };
    struct param_registry *r = reg(), *r1 = preg_new();
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    ck_assert_uint_eq(preg_print(r, "label", false, f), 1);
    fclose(f);
    ck_assert_str_eq(buf,
                     "key    type    unit  default  range  description\n"
                     "label  string        none" "            free text\n");
    free(buf);

    preg_add(r1, one, 1);
    buf = NULL;
    f = open_memstream(&buf, &len);
    ck_assert_uint_eq(preg_print(r1, NULL, true, f), 1);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "| `k` | real | USD/GPU-h | (required) | [0, 123456] | help |\n"));
    free(buf);
    preg_free(r1);
    preg_free(r);
}
END_TEST

/* A third round of mutation testing of sim/param.c; each expectation is
 * worked out by hand from the rule quoted next to it. */
START_TEST(test_decimal_whole_choice_far_duration)
{
    static const struct param_def more[] = {
        { "t.free", PT_TIME, "us", "1", 1, 0, NULL, "unbounded" },
        { "t.bare", PT_REAL, NULL, "1", 1, 0, NULL, NULL },
    };
    struct param_registry *r = reg(), *r1 = preg_new();
    struct param_value v;
    char err[256], *buf = NULL;
    size_t len = 0;
    FILE *f;

    /* README: "Numbers are decimal (0x10 is refused)", integers too:
     * "0x10" is not 16, and a leading zero is not octal ("010" is 10). */
    ck_assert_int_eq(parse(r, "market.hosts", "0x10", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "market.hosts: expected an integer, got \"0x10\"");
    ck_assert_int_eq(parse(r, "market.hosts", "010", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.i, 10);
    /* An enum value is one of the choices whole, not one followed by more:
     * "spotty" is not "spot". It is 2 deletions from it, within the hint
     * reach of a 6-byte word (1 + 6/4 = 2), so the hint names it. */
    ck_assert_int_eq(parse(r, "market.policy", "spotty", &v, err, sizeof err), SIM_EINVAL);
    ck_assert_str_eq(err, "market.policy: expected one of spot|fixed|auction, got \"spotty\""
                     " (did you mean 'spot'?)");
    /* With no range, a duration is refused only past int64 (about
     * 9.22e18 us): 1e12 s is 1e18 us, which fits, and 1e18 is exact in a
     * double (5^18 < 2^53). */
    preg_add(r1, more, sizeof more / sizeof more[0]);
    ck_assert_int_eq(parse(r1, "t.free", "1000000000000s", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.t, 1000000000000LL * SIM_SEC);
    /* The canonical form of a real is the shortest that reads back, from
     * 15 significant digits up: 9.95 is the double
     * 9.9499999999999992894..., which 15 digits write as "9.95"
     * (16 would give "9.949999999999999", which reads back too). */
    roundtrip(r, "demand.scale", "9.95", "9.95");
    /* A definition with no unit or help prints empty cells, and an
     * unbounded real no range. */
    f = open_memstream(&buf, &len);
    ck_assert_uint_eq(preg_print(r1, "t.bare", true, f), 1);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "| `t.bare` | real |  | `1` |  |  |\n"));
    free(buf);
    preg_free(r1);
    preg_free(r);
}
END_TEST

/* The type names docs/PARAMS.md's type column shows, one per type, and
 * param.h's "NULL until a name is offered" for a fresh param_near. */
START_TEST(test_type_names_and_fresh_near)
{
    static const char *const names[] = {
        [PT_INT] = "int", [PT_REAL] = "real", [PT_PROB] = "prob", [PT_MONEY] = "money",
        [PT_TIME] = "time", [PT_BOOL] = "bool", [PT_STRING] = "string", [PT_ENUM] = "enum",
    };
    struct param_near pn;

    for (int t = PT_INT; t <= PT_ENUM; t++)
        ck_assert_str_eq(param_type_name((enum param_type)t), names[t]);
    param_near_init(&pn, "market.fee");
    ck_assert_ptr_null(pn.best);
    ck_assert_ptr_null(param_near_best(&pn));
}
END_TEST

/* A value is valid or not on its own: an integer past int64 before it
 * (strtoll leaves errno at ERANGE, and a success does not clear it)
 * does not make the next integer or duration "out of range". */
START_TEST(test_overflow_does_not_stick)
{
    struct param_registry *r = reg();
    struct param_value v;
    char err[256];

    ck_assert_int_eq(parse(r, "market.hosts", "99999999999999999999", &v, err, sizeof err),
                     SIM_EINVAL);
    ck_assert_int_eq(parse(r, "market.hosts", "12", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.i, 12);
    ck_assert_int_eq(parse(r, "market.hosts", "99999999999999999999", &v, err, sizeof err),
                     SIM_EINVAL);
    ck_assert_int_eq(parse(r, "market.horizon", "5s", &v, err, sizeof err), SIM_OK);
    ck_assert_int_eq(v.u.t, 5 * SIM_SEC);
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
    tcase_add_test(tc, test_parse_edges);
    tcase_add_test(tc, test_format);
    tcase_add_test(tc, test_lookup_suggest);
    tcase_add_test(tc, test_pattern_precedence);
    tcase_add_test(tc, test_suggest_tie_goes_to_key_order);
    tcase_add_test(tc, test_near_enough_not_same_not_all_replaced);
    tcase_add_test(tc, test_print);
    tcase_add_test(tc, test_range_and_limit_edges);
    tcase_add_test(tc, test_format_needs_17_digits);
    tcase_add_test(tc, test_instance_fit_and_empty_segment);
    tcase_add_test(tc, test_print_columns);
    tcase_add_test(tc, test_more_edges);
    tcase_add_test(tc, test_print_filtered_widths);
    tcase_add_test(tc, test_decimal_whole_choice_far_duration);
    tcase_add_test(tc, test_type_names_and_fresh_near);
    tcase_add_test(tc, test_overflow_does_not_stick);
    tcase_add_test_raise_signal(tc, bad_default_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, duplicate_key_aborts, SIGABRT);
    suite_add_tcase(s, tc);
    return s;
}
