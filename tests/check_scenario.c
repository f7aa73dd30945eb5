/* tests/check_scenario.c -- scenario files: every error message with its
 * file:line, precedence, entity sections, sweeps, run numbering, seeds,
 * includes and the digest. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sim/scenario.h"
#include "tests/suites.h"

static const struct param_def defs[] = {
    { "market.fee", PT_PROB, "1", "0.1", 1, 0, NULL, "platform fee" },
    { "market.horizon", PT_TIME, "d", "90d", 0, 3650, NULL, "simulated span" },
    { "market.price", PT_MONEY, "USD/GPU-h", "2.10", 0, 1000, NULL, "list price" },
    { "market.policy", PT_ENUM, "", "spot", 1, 0, "spot|fixed|auction", "pricing" },
    { "market.verbose", PT_BOOL, "", "false", 1, 0, NULL, "chatty" },
    { "market.hosts", PT_INT, "1", "100", 1, 100000, NULL, "host count" },
    { "demand.scale", PT_REAL, "1", "1.0", 0, 100, NULL, "demand multiplier" },
    { "archetype.*.share", PT_PROB, "1", "0.5", 1, 0, NULL, "share of renters" },
    { "archetype.*.max-price", PT_MONEY, "USD/GPU-h", "1.00", 0, 100, NULL, "limit" },
    { "archetype.builtin.share", PT_PROB, "1", "0.25", 1, 0, NULL, "built-in" },
    { "label", PT_STRING, "", "none", 1, 0, NULL, "free text" },
};

/* Diagnostics captured in memory; 'text' is valid after diag_done(). */
struct cap {
    char *text;
    size_t len;
    struct diag d;
};

static void cap_init(struct cap *c)
{
    c->text = NULL;
    c->len = 0;
    c->d = (struct diag)DIAG_INIT(open_memstream(&c->text, &c->len));
    ck_assert_ptr_nonnull(c->d.out);
}

static const char *cap_done(struct cap *c)
{
    fclose(c->d.out);
    c->d.out = NULL;
    return c->text ? c->text : "";
}

static struct param_registry *reg(void)
{
    struct param_registry *r = preg_new();

    preg_add(r, defs, sizeof defs / sizeof defs[0]);
    return r;
}

/* Loading 'text' must fail with exactly 'want' (every line of it). */
static void expect_load_error(const char *text, const char *want, int nerrors)
{
    struct param_registry *r = reg();
    struct cap c;
    struct scn *s;

    cap_init(&c);
    s = scn_load_string("t.ini", text, r, &c.d);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(cap_done(&c), want);
    ck_assert_int_eq(c.d.nerrors, nerrors);
    free(c.text);
    preg_free(r);
}

static struct scn *load_ok(const char *text, const struct param_registry *r)
{
    struct cap c;
    struct scn *s;

    cap_init(&c);
    s = scn_load_string("t.ini", text, r, &c.d);
    ck_assert_str_eq(cap_done(&c), "");
    ck_assert_ptr_nonnull(s);
    free(c.text);
    return s;
}

static struct scn_study *study_ok(const struct scn *s, const char *config,
                                  const char *const *ovr)
{
    struct cap c;
    struct scn_study *st;

    cap_init(&c);
    st = scn_study_new(s, config, ovr, &c.d);
    ck_assert_str_eq(cap_done(&c), "");
    ck_assert_ptr_nonnull(st);
    free(c.text);
    return st;
}

static struct scn_run *run_ok(const struct scn_study *st, size_t n)
{
    struct diag d = DIAG_INIT(stderr);
    struct scn_run *r = scn_run_new(st, n, &d);

    ck_assert_ptr_nonnull(r);
    return r;
}

/* ---- errors, each with its exact text ---- */

START_TEST(test_err_syntax)
{
    expect_load_error("[General]\nfoo bar\nmarket.fee = 0.2\n[General\n = 3\n",
                      "t.ini:2: error: syntax error: expected 'key = value', '[section]' or "
                      "'include file', got \"foo bar\"\n"
                      "t.ini:4: error: syntax error: missing ']' in section header \"[General\"\n"
                      "t.ini:5: error: syntax error: missing key before '='\n", 3);
    expect_load_error("[general]\n",
                      "t.ini:1: error: unknown section [general] (did you mean [General]?)\n", 1);
    /* "[Config" must be followed by a blank: [Configuration] is no config
     * named "uration". A ';' after a blank starts a comment even in the
     * key (README), so "market.fee ;x = 0.2" is a key with no '='.
     * 'include' needs a file name, however it is written. */
    expect_load_error("[Configuration]\nmarket.fee ;x = 0.2\ninclude \"\"\ninclude =\n",
                      "t.ini:1: error: unknown section [Configuration]: expected [General], "
                      "[Config <name>] or [<kind> <name>]\n"
                      "t.ini:2: error: syntax error: expected 'key = value', '[section]' or "
                      "'include file', got \"market.fee\"\n"
                      "t.ini:3: error: include: missing file name\n"
                      "t.ini:4: error: include: missing file name\n", 4);
    expect_load_error("[Config]\n",
                      "t.ini:1: error: missing config name in section header [Config]\n", 1);
    /* -c General reads [General]: the keys of [Config General] were never used. */
    expect_load_error("[General]\nmarket.fee = 0.1\n[Config General]\nmarket.fee = 0.2\n",
                      "t.ini:3: error: config name 'General' is reserved: write [General] for "
                      "the base section\n", 1);
}
END_TEST

START_TEST(test_err_unknown_key)
{
    expect_load_error("[General]\n[archetype academic]\nshar = 0.3\n",
                      "t.ini:3: error: unknown key 'archetype.academic.shar' "
                      "(did you mean 'archetype.academic.share'?)\n", 1);
    expect_load_error("market.fe = 0.2\nsed = 4\nzzz.qqq = 1\n",
                      "t.ini:1: error: unknown key 'market.fe' (did you mean 'market.fee'?)\n"
                      "t.ini:2: error: unknown key 'sed' (did you mean 'seed'?)\n"
                      "t.ini:3: error: unknown key 'zzz.qqq'\n", 3);
    /* Too far for the edit distance, but the last part names a key (or
     * built-in) elsewhere: the section was wrong, or the word is another
     * tool's ('duration' for the horizon). A name on two keys gets both. */
    expect_load_error("horizon = 30d\ndemand.duration = 30d\nmarket.seed = 2\nshare = 0.1\n",
                      "t.ini:1: error: unknown key 'horizon' (did you mean 'market.horizon'?)\n"
                      "t.ini:2: error: unknown key 'demand.duration' "
                      "(did you mean 'market.horizon'?)\n"
                      "t.ini:3: error: unknown key 'market.seed' (did you mean 'seed'?)\n"
                      "t.ini:4: error: unknown key 'share' (did you mean 'archetype.*.share' or "
                      "'archetype.builtin.share'?)\n", 4);
}
END_TEST

/* same_name_hint names at most three keys: "Up to three are named ...;
 * \"\" if none or more" (its header comment). Four keys ending in '.rate',
 * none within the edit distance of 'xyz.qq.rate' (11 bytes, limit 3), so
 * the message must carry no hint at all; three such keys are all named.
 * Kills dropping the 'n == 4' test, which named three of the four. */
START_TEST(test_err_unknown_key_four_hits)
{
    static const struct param_def four[] = {
        { "alpha.one.rate", PT_REAL, "1", "1", 0, 10, NULL, "a" },
        { "bravo.one.rate", PT_REAL, "1", "1", 0, 10, NULL, "b" },
        { "charlie.one.rate", PT_REAL, "1", "1", 0, 10, NULL, "c" },
        { "delta.one.rate", PT_REAL, "1", "1", 0, 10, NULL, "d" },
    };
    struct param_registry *r;
    struct cap c;

    for (size_t n = 3; n <= 4; n++) {
        r = preg_new();
        preg_add(r, four, n);
        cap_init(&c);
        ck_assert_ptr_null(scn_load_string("t.ini", "xyz.qq.rate = 1\n", r, &c.d));
        ck_assert_str_eq(cap_done(&c), n == 3
                         ? "t.ini:1: error: unknown key 'xyz.qq.rate' (did you mean "
                           "'alpha.one.rate', 'bravo.one.rate' or 'charlie.one.rate'?)\n"
                         : "t.ini:1: error: unknown key 'xyz.qq.rate'\n");
        free(c.text);
        preg_free(r);
    }
}
END_TEST

/* A key twice in one section of one file is a slip (which line was
 * meant?); the same key in another section, or in a file that includes
 * this one, is an override. */
START_TEST(test_err_duplicate_key)
{
    struct param_registry *r = reg();
    struct scn *s;
    struct cap c;

    expect_load_error("[General]\nmarket.fee = 0.2\nseed = 1\nmarket.fee = 0.3\n"
                      "[archetype academic]\nshare = 0.3\n[General]\n"
                      "archetype.academic.share = 0.4\n",
                      "t.ini:4: error: market.fee: given twice in this section (also at t.ini:2)\n"
                      "t.ini:8: error: archetype.academic.share: given twice in this section "
                      "(also at t.ini:6)\n", 2);
    cap_init(&c);
    s = scn_load_string("t.ini", "[General]\nmarket.fee = 0.2\n[Config A]\nmarket.fee = 0.3\n",
                        r, &c.d);
    ck_assert_str_eq(cap_done(&c), "");
    ck_assert_ptr_nonnull(s);
    scn_free(s);
    free(c.text);
    preg_free(r);
}
END_TEST

START_TEST(test_err_type_range)
{
    /* Every bad value of the file is reported, not just the first. */
    expect_load_error("[General]\nmarket.fee = abc\nmarket.fee = 1.5\n"
                      "market.horizon = 5 parsecs\nmarket.policy = barter\n"
                      "repeat = 0\nseed = -1\nseed-set = ${whatever}\n",
                      "t.ini:2: error: market.fee: expected a number, got \"abc\"\n"
                      "t.ini:3: error: market.fee: 1.5 is out of range [0, 1]\n"
                      "t.ini:4: error: market.horizon: expected a duration such as 90d, 1.5h, "
                      "30min, 20s, 250ms or 10us, got \"5 parsecs\"\n"
                      "t.ini:5: error: market.policy: expected one of spot|fixed|auction, "
                      "got \"barter\"\n"
                      "t.ini:6: error: repeat: expected an integer in [1, 1000000], got \"0\"\n"
                      "t.ini:7: error: seed: expected a non-negative integer, got \"-1\"\n"
                      "t.ini:8: error: seed-set: expected ${repetition}, ${runnumber} or a "
                      "number, got \"${whatever}\"\n", 7);
}
END_TEST

START_TEST(test_err_sweep)
{
    expect_load_error("market.fee = ${fee=0.1,,0.2}\n"
                      "market.fee = ${fee=0.1,0.2\n"
                      "demand.scale = ${s=3..1}\n"
                      "demand.scale = ${s=1..3 step 0}\n"
                      "market.fee = ${fee=0.1,1.5}\n"
                      "market.hosts = ${bad name=1,2}\n"
                      "repeat = ${1,2}\n"
                      "market.fee = ${a=0.1} ${b=0.2}\n",
                      "t.ini:1: error: market.fee: bad sweep \"${fee=0.1,,0.2}\": empty value\n"
                      "t.ini:2: error: market.fee: unterminated sweep in \"${fee=0.1,0.2\"\n"
                      "t.ini:3: error: demand.scale: bad sweep \"${s=3..1}\": range start is "
                      "above its end\n"
                      "t.ini:4: error: demand.scale: bad sweep \"${s=1..3 step 0}\": step must "
                      "be a positive number\n"
                      "t.ini:5: error: market.fee: 1.5 is out of range [0, 1]\n"
                      "t.ini:6: error: market.hosts: bad sweep \"${bad name=1,2}\": bad "
                      "variable name\n"
                      "t.ini:7: error: repeat: sweeps are not allowed here, got \"${1,2}\"\n"
                      "t.ini:8: error: market.fee: only one sweep per value is supported, got "
                      "\"${a=0.1} ${b=0.2}\"\n", 8);
    /* Only parameters and seed sweep (make_entry): a description is the
     * one text of the whole study, not a value per run. */
    expect_load_error("description = study ${d=a,b}\n",
                      "t.ini:1: error: description: sweeps are not allowed here, got "
                      "\"study ${d=a,b}\"\n", 1);
}
END_TEST

/* strtod reads "nan" and "inf"; a range over either never ended (every
 * comparison with NaN is false) and ate memory. From a file and --set. */
START_TEST(test_err_sweep_nonfinite)
{
    struct param_registry *r = reg();
    struct scn *s;
    struct cap c;

    expect_load_error("demand.scale = ${x=0..nan}\n"
                      "demand.scale = ${x=inf..inf}\n"
                      "demand.scale = ${x=-inf..1}\n"
                      "demand.scale = ${x=0..1e999}\n"
                      "demand.scale = ${x=0..1 stp 0.5}\n"
                      "demand.scale = ${x=0..1 step nan}\n"
                      "demand.scale = ${x=0..1 step inf}\n",
                      "t.ini:1: error: demand.scale: bad sweep \"${x=0..nan}\": bad range end "
                      "(expected a finite number, then 'step N' or nothing: ${x=1..5 step 1})\n"
                      "t.ini:2: error: demand.scale: bad sweep \"${x=inf..inf}\": bad range "
                      "start (expected a finite number)\n"
                      "t.ini:3: error: demand.scale: bad sweep \"${x=-inf..1}\": bad range "
                      "start (expected a finite number)\n"
                      "t.ini:4: error: demand.scale: bad sweep \"${x=0..1e999}\": bad range "
                      "end (expected a finite number, then 'step N' or nothing: ${x=1..5 step 1})\n"
                      "t.ini:5: error: demand.scale: bad sweep \"${x=0..1 stp 0.5}\": bad range "
                      "end (expected a finite number, then 'step N' or nothing: ${x=1..5 step 1})\n"
                      "t.ini:6: error: demand.scale: bad sweep \"${x=0..1 step nan}\": step "
                      "must be a positive number\n"
                      "t.ini:7: error: demand.scale: bad sweep \"${x=0..1 step inf}\": step "
                      "must be a positive number\n", 7);
    s = load_ok("[General]\ndemand.scale = 1\n", r);
    cap_init(&c);
    {
        const char *const ovr[] = { "demand.scale=${x=0..nan}", NULL };

        ck_assert_ptr_null(scn_study_new(s, NULL, ovr, &c.d));
    }
    ck_assert_str_eq(cap_done(&c), "--set: error: demand.scale: bad sweep \"${x=0..nan}\": "
                     "bad range end (expected a finite number, then 'step N' or nothing: "
                     "${x=1..5 step 1})\n");
    free(c.text);
    scn_free(s);
    preg_free(r);
}
END_TEST

/* A value twice in a sweep gave byte-identical runs that counted as
 * independent replications (n too large, intervals too narrow). Values
 * compare as parsed; a lock-step axis compares whole points. */
START_TEST(test_err_sweep_duplicates)
{
    struct param_registry *r = reg();
    struct scn *s = load_ok("[General]\nmarket.fee = ${f=0.5,0.50}\n"
                            "[Config Time]\nmarket.fee = 0.1\nmarket.horizon = ${h=1h,2h,60min}\n"
                            "[Config Lock]\nmarket.fee = ${f=0.5,0.5,0.2}\n"
                            "label = ${l=a,b,c ! f}\n"
                            "[Config LockDup]\nmarket.fee = ${f=0.5,0.5}\n"
                            "market.policy = ${p=spot,spot ! f}\n"
                            "[Config Seed]\nmarket.fee = 0.1\nseed = ${s=1,01}\n"
                            "[Config Str]\nmarket.fee = 0.1\nlabel = ${a, a }\n"
                            "[Config Ok]\nmarket.fee = ${0.1..0.3 step 0.1, 0.25}\n", r);
    struct cap c;
    struct scn_study *st;
    const char *const ovr[] = { "market.hosts=${h=1,2,1}", NULL };

    cap_init(&c);
    ck_assert_ptr_null(scn_study_new(s, NULL, NULL, &c.d));
    ck_assert_ptr_null(scn_study_new(s, "Time", NULL, &c.d));
    ck_assert_ptr_null(scn_study_new(s, "LockDup", NULL, &c.d));
    ck_assert_ptr_null(scn_study_new(s, "Seed", NULL, &c.d));
    ck_assert_ptr_null(scn_study_new(s, "Str", NULL, &c.d));
    ck_assert_ptr_null(scn_study_new(s, "Ok", ovr, &c.d));
    ck_assert_str_eq(cap_done(&c),
                     "t.ini:2: error: sweep 'f' has the value 0.5 twice (items 1 and 2): the "
                     "runs would be copies; use 'repeat' for replications\n"
                     "t.ini:5: error: sweep 'h' has the value 1h twice (items 1 and 3): the "
                     "runs would be copies; use 'repeat' for replications\n"
                     "t.ini:10: error: sweep 'f' and its lock-step partners give the same "
                     "values twice (items 1 and 2): the runs would be copies; use 'repeat' "
                     "for replications\n"
                     "t.ini:14: error: sweep 's' has the value 1 twice (items 1 and 2): the "
                     "runs would be copies; use 'repeat' for replications\n"
                     "t.ini:17: error: sweep 'label' has the value a twice (items 1 and 2): "
                     "the runs would be copies; use 'repeat' for replications\n"
                     "--set: error: sweep 'h' has the value 1 twice (items 1 and 3): the runs "
                     "would be copies; use 'repeat' for replications\n");
    free(c.text);
    /* Repeated values are fine where a partner tells the points apart. */
    st = study_ok(s, "Lock", NULL);
    ck_assert_uint_eq(scn_study_run_count(st), 3);
    scn_study_free(st);
    st = study_ok(s, "Ok", NULL);
    ck_assert_uint_eq(scn_study_run_count(st), 4);
    scn_study_free(st);
    scn_free(s);
    preg_free(r);
}
END_TEST

/* A long entity name asserted in scn_realf's key buffer, or came out
 * truncated (an unregistered key) in a model's; names are limited at load,
 * from a file and from --set. 128 bytes is still a name. */
START_TEST(test_err_long_name)
{
    struct param_registry *r = reg();
    char text[1024], want[512], name[600];
    struct scn *s;
    struct cap c;

    memset(name, 'x', 599);
    name[599] = '\0';
    snprintf(text, sizeof text, "[General]\narchetype.%s.share = 0.1\n"
             "[archetype %.129s]\nshare = 0.2\n", name, name);
    expect_load_error(text,
                      "t.ini:2: error: key 'archetype.xxxxxxxxxxxxxxxxxxxx...': name too long "
                      "(599 bytes, at most 128)\n"
                      "t.ini:4: error: key 'archetype.xxxxxxxxxxxxxxxxxxxx...': name too long "
                      "(129 bytes, at most 128)\n", 2);
    snprintf(text, sizeof text, "[archetype %.128s]\nshare = 0.2\n", name);
    s = load_ok(text, r);
    cap_init(&c);
    snprintf(want, sizeof want, "archetype.%.129s.share=0.1", name);
    {
        const char *const ovr[] = { want, NULL };

        ck_assert_ptr_null(scn_study_new(s, NULL, ovr, &c.d));
    }
    ck_assert_str_eq(cap_done(&c), "--set: error: key 'archetype.xxxxxxxxxxxxxxxxxxxx...': "
                     "name too long (129 bytes, at most 128)\n");
    free(c.text);
    scn_free(s);
    preg_free(r);
}
END_TEST

START_TEST(test_err_lockstep)
{
    struct param_registry *r = reg();
    struct scn *s = load_ok("[General]\nmarket.fee = ${fee=0.1,0.2}\n"
                            "market.hosts = ${h=1,2,3 ! fee}\n"
                            "[Config B]\ndemand.scale = ${d=1,2 ! nope}\n"
                            "[Config C]\nmarket.hosts = ${h=1,1,2 ! fee}\n", r);
    struct cap c;

    cap_init(&c);
    ck_assert_ptr_null(scn_study_new(s, NULL, NULL, &c.d));
    ck_assert_str_eq(cap_done(&c),
                     "t.ini:3: error: lock-step sweep 'h' has 3 values but 'fee' has 2\n");
    free(c.text);
    cap_init(&c);
    ck_assert_ptr_null(scn_study_new(s, "B", NULL, &c.d));
    ck_assert_str_eq(cap_done(&c),
                     "t.ini:3: error: lock-step sweep 'h' has 3 values but 'fee' has 2\n"
                     "t.ini:5: error: lock-step sweep 'd' refers to unknown variable 'nope'\n");
    free(c.text);
    /* A partner that cannot follow its axis is that one error; it is not
     * then also checked as an axis of its own (its 1 twice). */
    cap_init(&c);
    ck_assert_ptr_null(scn_study_new(s, "C", NULL, &c.d));
    ck_assert_str_eq(cap_done(&c),
                     "t.ini:7: error: lock-step sweep 'h' has 3 values but 'fee' has 2\n");
    free(c.text);
    scn_free(s);
    preg_free(r);
}
END_TEST

/* Sweep errors that only the whole study shows, each at the line of the
 * sweep: the names 'repetition' and 'runnumber' are taken (seed-set's
 * ${repetition} and ${runnumber}), a variable is defined once, '!' links
 * must end at an independent axis, and 'extends' is the file's business,
 * not --set's. */
START_TEST(test_err_study_sweeps)
{
    struct param_registry *r = reg();
    struct scn *s = load_ok("[Config R]\nmarket.fee = ${repetition=0.1,0.2}\n"
                            "[Config N]\nmarket.fee = ${runnumber=0.1,0.2}\n"
                            "[Config D]\nmarket.fee = ${x=0.1,0.2}\nmarket.hosts = ${x=1,2}\n"
                            "[Config C]\nmarket.fee = ${a=0.1,0.2 ! b}\n"
                            "market.hosts = ${b=1,2 ! a}\n", r);
    const char *const ext[] = { "extends=R", NULL };
    struct cap c;

    cap_init(&c);
    ck_assert_ptr_null(scn_study_new(s, "R", NULL, &c.d));
    ck_assert_ptr_null(scn_study_new(s, "N", NULL, &c.d));
    ck_assert_ptr_null(scn_study_new(s, "D", NULL, &c.d));
    ck_assert_ptr_null(scn_study_new(s, "C", NULL, &c.d));
    ck_assert_ptr_null(scn_study_new(s, NULL, ext, &c.d));
    ck_assert_str_eq(cap_done(&c),
                     "t.ini:2: error: market.fee: sweep variable name 'repetition' is reserved\n"
                     "t.ini:4: error: market.fee: sweep variable name 'runnumber' is reserved\n"
                     "t.ini:7: error: market.hosts: duplicate sweep variable 'x' (also defined "
                     "at t.ini:6)\n"
                     "t.ini:9: error: lock-step sweep 'a' is part of a '!' cycle\n"
                     "t.ini:10: error: lock-step sweep 'b' is part of a '!' cycle\n"
                     "--set: error: 'extends' cannot be set from the command line\n");
    ck_assert_int_eq(c.d.nerrors, 6);
    free(c.text);
    scn_free(s);
    preg_free(r);
}
END_TEST

/* Range edges. "2..2" is one value (start above end is the error, not
 * start equal to end); a range may give MAX_SWEEP_VALUES = 100000 values
 * (1..100000) but not 100001; points are written as the decimals they
 * are: 0.1 + 2 x 0.1 is 0.30000000000000004 in doubles, the third point
 * of "0.1..0.3 step 0.1" is "0.3". */
START_TEST(test_sweep_range_edges)
{
    struct param_registry *r = reg();
    struct scn *s = load_ok("[Config One]\ndemand.scale = ${x=2..2}\n"
                            "[Config Max]\nmarket.hosts = ${h=1..100000}\n"
                            "[Config Dec]\nmarket.fee = ${f=0.1..0.3 step 0.1}\n", r);
    struct scn_study *st = study_ok(s, "One", NULL);
    struct scn_run *run = run_ok(st, 0);

    ck_assert_uint_eq(scn_study_run_count(st), 1);
    ck_assert(scn_real(run, "demand.scale") == 2.0);
    scn_run_free(run);
    scn_study_free(st);
    st = study_ok(s, "Max", NULL);
    ck_assert_uint_eq(scn_study_run_count(st), 100000);
    scn_study_free(st);
    st = study_ok(s, "Dec", NULL);
    ck_assert_uint_eq(scn_study_run_count(st), 3);
    run = run_ok(st, 2);
    ck_assert_str_eq(scn_run_var_value(run, 0), "0.3");
    ck_assert(scn_real(run, "market.fee") == 0.3);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    preg_free(r);
    expect_load_error("market.hosts = ${h=1..100001}\n",
                      "t.ini:1: error: market.hosts: bad sweep \"${h=1..100001}\": too many "
                      "values\n", 1);
}
END_TEST

/* Axes multiply: three of 100000 values and repeat = 1000000 are 10^21
 * runs, past SIZE_MAX (1.8e19): an error, not a wrapped count. */
START_TEST(test_err_too_many_runs)
{
    static const struct param_def three[] = {
        { "a.x", PT_INT, "1", "0", 1, 0, NULL, "" },
        { "a.y", PT_INT, "1", "0", 1, 0, NULL, "" },
        { "a.z", PT_INT, "1", "0", 1, 0, NULL, "" },
    };
    struct param_registry *r = preg_new();
    struct scn *s;
    struct cap c;

    preg_add(r, three, 3);
    s = load_ok("a.x = ${x=1..100000}\na.y = ${y=1..100000}\na.z = ${z=1..100000}\n"
                "repeat = 1000000\n", r);
    cap_init(&c);
    ck_assert_ptr_null(scn_study_new(s, NULL, NULL, &c.d));
    ck_assert_str_eq(cap_done(&c), "t.ini: error: study has too many runs\n");
    free(c.text);
    scn_free(s);
    preg_free(r);
}
END_TEST

START_TEST(test_err_extends)
{
    expect_load_error("[Config A]\nextends = B\n[Config B]\nextends = C\n[Config C]\nextends = A\n",
                      "t.ini:6: error: cycle in extends: A -> B -> C -> A\n", 1);
    expect_load_error("[Config A]\nextends = A\n",
                      "t.ini:2: error: cycle in extends: A -> A\n", 1);
    expect_load_error("[Config A]\nextends = Nope\n",
                      "t.ini:2: error: unknown config 'Nope' in extends\n", 1);
    /* a near name is hinted as for keys (param_near_enough: at most 1 +
     * length/4 edits): 'Bse' is one from 'Base'; 'Basexx' is one from
     * 'Basex', the config that extends, and two from 'Base' (limit 2):
     * a config is never hinted to extend itself, a cycle */
    expect_load_error("[Config Base]\n[Config B]\nextends = Bse\n",
                      "t.ini:3: error: unknown config 'Bse' in extends (did you mean 'Base'?)\n", 1);
    expect_load_error("[Config Base]\n[Config Basex]\nextends = Basexx\n",
                      "t.ini:3: error: unknown config 'Basexx' in extends (did you mean 'Base'?)\n", 1);
    expect_load_error("[General]\nextends = A\n",
                      "t.ini:2: error: 'extends' is only allowed in [Config] sections\n", 1);
    /* Like any key, extends twice in one section of one file is a slip
     * (the second silently replaced the first). */
    expect_load_error("[Config A]\nextends = B\nextends = C\n[Config B]\n[Config C]\n"
                      "[Config A]\nextends = C\n",
                      "t.ini:3: error: extends: given twice in this section (also at t.ini:2)\n"
                      "t.ini:7: error: extends: given twice in this section (also at t.ini:2)\n",
                      2);
}
END_TEST


START_TEST(test_err_unknown_config)
{
    struct param_registry *r = reg();
    struct scn *s = load_ok("[Config PolicyStudy]\nmarket.fee = 0.2\n", r);
    struct cap c;

    cap_init(&c);
    ck_assert_ptr_null(scn_study_new(s, "PolicyStudi", NULL, &c.d));
    ck_assert_ptr_null(scn_study_new(s, "Zebra", NULL, &c.d));
    ck_assert_str_eq(cap_done(&c),
                     "t.ini: error: unknown config 'PolicyStudi' (did you mean 'PolicyStudy'?)\n"
                     "t.ini: error: unknown config 'Zebra'\n");
    free(c.text);
    scn_free(s);

    /* The hint reaches as far as for keys (param_suggest_limit): a
     * 2-letter name allows 1 edit, so 'Ax' is 'Ab' mistyped, 'Cd' is not. */
    s = load_ok("[Config Ab]\nmarket.fee = 0.2\n", r);
    cap_init(&c);
    ck_assert_ptr_null(scn_study_new(s, "Ax", NULL, &c.d));
    ck_assert_ptr_null(scn_study_new(s, "Cd", NULL, &c.d));
    ck_assert_str_eq(cap_done(&c),
                     "t.ini: error: unknown config 'Ax' (did you mean 'Ab'?)\n"
                     "t.ini: error: unknown config 'Cd'\n");
    free(c.text);

    /* Bad --set values are errors too, attributed to --set. */
    cap_init(&c);
    {
        const char *const ovr[] = { "market.fee=2", "nokey", "market.feee=0.1", NULL };

        ck_assert_ptr_null(scn_study_new(s, NULL, ovr, &c.d));
    }
    ck_assert_str_eq(cap_done(&c),
                     "--set: error: market.fee: 2 is out of range [0, 1]\n"
                     "--set: error: bad override 'nokey': expected key=value\n"
                     "--set: error: unknown key 'market.feee' (did you mean 'market.fee'?)\n");
    free(c.text);
    scn_free(s);
    preg_free(r);
}
END_TEST

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);

    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static void write_in(const char *dir, const char *name, const char *text)
{
    char *p = path_in(dir, name);

    ck_assert_int_eq(test_write_file(p, text), 0);
    free(p);
}

START_TEST(test_err_include)
{
    struct param_registry *r = reg();
    char *dir = test_tmpdir();
    char *main_ini = path_in(dir, "main.ini");
    char *a = path_in(dir, "a.ini"), *b = path_in(dir, "b.ini");
    char want[2048];
    struct cap c;

    write_in(dir, "main.ini", "[General]\nmarket.fee = 0.2\ninclude missing.ini\n"
                              "include a.ini\n");
    write_in(dir, "a.ini", "# a\ninclude = b.ini\n");
    write_in(dir, "b.ini", "market.hosts = 3\n\ninclude a.ini\nmarket.fee = x\n");
    cap_init(&c);
    ck_assert_ptr_null(scn_load(main_ini, r, &c.d));
    snprintf(want, sizeof want,
             "%s:3: error: cannot open include file 'missing.ini': No such file or directory\n"
             "%s:3: error: include cycle: %s -> %s -> %s\n"
             "%s:4: error: market.fee: expected a number, got \"x\"\n",
             main_ini, b, a, b, a, b);
    ck_assert_str_eq(cap_done(&c), want);
    ck_assert_int_eq(c.d.nerrors, 3);
    free(c.text);

    cap_init(&c);
    ck_assert_ptr_null(scn_load(b, r, &c.d));
    snprintf(want, sizeof want, "%s:2: error: include cycle: %s -> %s -> %s\n"
             "%s:4: error: market.fee: expected a number, got \"x\"\n", a, b, a, b, b);
    ck_assert_str_eq(cap_done(&c), want);
    free(c.text);
    free(main_ini);
    free(a);
    free(b);
    free(dir);
    preg_free(r);
}
END_TEST

/* A directory given as scenario or include named an "Input/output error". */
START_TEST(test_err_directory)
{
    struct param_registry *r = reg();
    char *dir = test_tmpdir();
    char *main_ini = path_in(dir, "main.ini");
    char want[2048];
    struct cap c;

    write_in(dir, "main.ini", "[General]\ninclude .\n");
    cap_init(&c);
    ck_assert_ptr_null(scn_load(dir, r, &c.d));
    ck_assert_ptr_null(scn_load(main_ini, r, &c.d));
    snprintf(want, sizeof want, "%s: error: cannot open scenario: Is a directory\n"
             "%s:2: error: cannot open include file '.': Is a directory\n", dir, main_ini);
    ck_assert_str_eq(cap_done(&c), want);
    free(c.text);
    free(main_ini);
    free(dir);
    preg_free(r);
}
END_TEST

/* A NUL byte ended the line's C string: "fee = 0.2\0junk" read as 0.2. */
START_TEST(test_err_nul_byte)
{
    static const char text[] = "[General]\nmarket.fee = 0.2\0junk\nlabel = a\0b\n";
    struct param_registry *r = reg();
    char *dir = test_tmpdir();
    char *p = path_in(dir, "nul.ini");
    char want[1024];
    struct cap c;
    FILE *f = fopen(p, "wb");

    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, sizeof text - 1, f), sizeof text - 1);
    fclose(f);
    cap_init(&c);
    ck_assert_ptr_null(scn_load(p, r, &c.d));
    snprintf(want, sizeof want, "%s:2: error: NUL byte in this line: binary file or UTF-16? "
             "(scenarios are UTF-8 text)\n", p);
    ck_assert_str_eq(cap_done(&c), want);
    free(c.text);
    free(p);
    free(dir);
    preg_free(r);
}
END_TEST

/* Section headers and extends lists that cannot mean anything: each is
 * refused at its own line. An entity name is one key segment (a dot in
 * it would make "archetype.a.b.share", a key of another shape); a config
 * name is one identifier; nothing may follow ']'; extends names no empty
 * config. */
START_TEST(test_err_headers)
{
    expect_load_error("[archetype a.b]\nshare = 0.1\n[Config a b]\n[General] x\n"
                      "[Config A]\nextends = B,,B\n[Config B]\n"
                      "market.fee = ${f=0.1,0.2 ! a b}\n",
                      "t.ini:1: error: bad entity section [archetype a.b]: expected [kind name]\n"
                      "t.ini:3: error: bad config name 'a b'\n"
                      "t.ini:4: error: syntax error: unexpected text after section header "
                      "\"[General] x\"\n"
                      "t.ini:6: error: extends: empty config name in \"B,,B\"\n"
                      "t.ini:8: error: market.fee: bad sweep \"${f=0.1,0.2 ! a b}\": expected "
                      "a variable name after '!'\n", 5);
}
END_TEST

/* A header refused at its line takes its keys with it (they belong to no
 * section anyone meant): the keys after "[Config A] x" or "[Config A" are
 * not read into the [Config A] open before it, where label would have been
 * "given twice" (with line 2) -- one slip, one message each. */
START_TEST(bad_header_drops_its_keys)
{
    expect_load_error("[Config A]\nlabel = a\n[Config A] x\nlabel = b\n[Config A]\n"
                      "[Config A\nlabel = c\n",
                      "t.ini:3: error: syntax error: unexpected text after section header "
                      "\"[Config A] x\"\n"
                      "t.ini:6: error: syntax error: missing ']' in section header \"[Config A\"\n",
                      2);
}
END_TEST

/* extends is resolved only for a file that read without error: [Config B x]
 * is refused at line 1, so config B does not exist, and 'extends = B' is
 * the same slip, not a second error ("unknown config 'B'"). */
START_TEST(no_extends_errors_after_load_errors)
{
    expect_load_error("[Config B x]\nlabel = b\n[Config A]\nextends = B\n",
                      "t.ini:1: error: bad config name 'B x'\n", 1);
}
END_TEST

/* same_name_hint: when two keys share the last part typed (here through
 * the synonym duration -> horizon), the section typed picks one
 * ("the section typed settles a name two sections share"); a section
 * neither has leaves both named. The registry keeps its keys sorted, so
 * demand.horizon comes first. */
START_TEST(unknown_key_section_settles_hint)
{
    static const struct param_def two[] = {
        { "sim.horizon", PT_TIME, "d", "90d", 0, 3650, NULL, "a" },
        { "demand.horizon", PT_TIME, "d", "90d", 0, 3650, NULL, "b" },
    };
    struct param_registry *r = preg_new();
    struct cap c;

    preg_add(r, two, 2);
    cap_init(&c);
    ck_assert_ptr_null(scn_load_string("t.ini", "sim.duration = 1d\nnet.duration = 1d\n",
                                       r, &c.d));
    ck_assert_str_eq(cap_done(&c),
                     "t.ini:1: error: unknown key 'sim.duration' (did you mean 'sim.horizon'?)\n"
                     "t.ini:2: error: unknown key 'net.duration' "
                     "(did you mean 'demand.horizon' or 'sim.horizon'?)\n");
    free(c.text);
    preg_free(r);
}
END_TEST

/* The built-in keys' ranges, at their edges: repeat is in [1, 1000000]
 * (its message says so) and seed any uint64 (2^64 - 1 is the largest; one
 * more wrapped to a valid-looking number). */
START_TEST(test_err_builtin_edges)
{
    struct param_registry *r = reg();
    struct scn *s = load_ok("[General]\nrepeat = 1000000\nseed = 18446744073709551615\n", r);

    scn_free(s);
    preg_free(r);
    expect_load_error("repeat = 1000001\nseed = 18446744073709551616\n",
                      "t.ini:1: error: repeat: expected an integer in [1, 1000000], got "
                      "\"1000001\"\n"
                      "t.ini:2: error: seed: expected a non-negative integer, got "
                      "\"18446744073709551616\"\n", 2);
}
END_TEST

/* A line may hold 65533 bytes (the message's own limit); one more is an
 * error at that line, not a line inih cuts in two. */
START_TEST(test_err_line_length)
{
    struct param_registry *r = reg();
    size_t n = 65533;
    char *text = malloc(n + 64);
    struct scn *s;
    struct scn_study *st;
    struct scn_run *run;

    memcpy(text, "label = ", 8);
    memset(text + 8, 'a', n - 8);
    strcpy(text + n, "\n");
    s = load_ok(text, r);
    st = study_ok(s, NULL, NULL);
    run = run_ok(st, 0);
    ck_assert_uint_eq(strlen(scn_str(run, "label")), n - 8);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    preg_free(r);
    memset(text + 8, 'a', n + 1 - 8);
    strcpy(text + n + 1, "\nmarket.fee = x\n");
    expect_load_error(text, "t.ini:1: error: line too long (65534 bytes, at most 65533)\n"
                      "t.ini:2: error: market.fee: expected a number, got \"x\"\n", 2);
    free(text);
}
END_TEST

/* Includes nest 32 deep (MAX_INCLUDE_DEPTH, the scenario file counted):
 * a chain of 32 files loads, one of 33 is refused at the include line of
 * the 32nd. */
START_TEST(test_err_include_depth)
{
    struct param_registry *r = reg();
    char *dir = test_tmpdir();
    char name[32], text[64], want[1024];
    char *top, *f31;
    struct cap c;
    struct scn *s;

    for (int i = 0; i <= 32; i++) {
        snprintf(name, sizeof name, "f%d.ini", i);
        if (i < 32)
            snprintf(text, sizeof text, "include f%d.ini\n", i + 1);
        else
            snprintf(text, sizeof text, "label = deep\n");
        write_in(dir, name, text);
    }
    top = path_in(dir, "f1.ini");               /* f1 .. f32: 32 files */
    cap_init(&c);
    s = scn_load(top, r, &c.d);
    ck_assert_str_eq(cap_done(&c), "");
    ck_assert_ptr_nonnull(s);
    free(c.text);
    scn_free(s);
    free(top);
    top = path_in(dir, "f0.ini");               /* f0 .. f32: 33 files */
    f31 = path_in(dir, "f31.ini");
    cap_init(&c);
    ck_assert_ptr_null(scn_load(top, r, &c.d));
    snprintf(want, sizeof want, "%s:1: error: includes nested too deeply (more than 32)\n", f31);
    ck_assert_str_eq(cap_done(&c), want);
    free(c.text);
    free(top);
    free(f31);
    free(dir);
    preg_free(r);
}
END_TEST

/* A file that includes another may set extends again: the later wins. */
START_TEST(test_extends_include_override)
{
    struct param_registry *r = reg();
    char *dir = test_tmpdir();
    char *main_ini = path_in(dir, "main.ini");
    struct cap c;
    struct scn *s;
    struct scn_study *st;
    struct scn_run *run;

    write_in(dir, "base.ini", "[Config B]\nlabel = b\n[Config C]\nlabel = c\n"
                              "[Config A]\nextends = B\n");
    write_in(dir, "main.ini", "include base.ini\n[Config A]\nextends = C\n");
    cap_init(&c);
    s = scn_load(main_ini, r, &c.d);
    ck_assert_str_eq(cap_done(&c), "");
    ck_assert_ptr_nonnull(s);
    free(c.text);
    st = study_ok(s, "A", NULL);
    run = run_ok(st, 0);
    ck_assert_str_eq(scn_str(run, "label"), "c");
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    free(main_ini);
    free(dir);
    preg_free(r);
}
END_TEST

/* ---- semantics ---- */

/* A UTF-8 byte-order mark is not part of the first line (Windows editors
 * write one), and a lone '"' is a value, not a pair of quotes around
 * nothing. */
START_TEST(bom_and_lone_quote)
{
    struct param_registry *r = reg();
    struct scn *s = load_ok("\xEF\xBB\xBF[General]\nmarket.fee = 0.3\nlabel = \"\n", r);
    struct scn_study *st = study_ok(s, NULL, NULL);
    struct scn_run *run = run_ok(st, 0);

    ck_assert(scn_real(run, "market.fee") == 0.3);
    ck_assert_str_eq(scn_str(run, "label"), "\"");
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    preg_free(r);
}
END_TEST

/* An included file may switch sections; when it ends the includer is back
 * in its own section (as for entity sections in test_includes_digest). */
START_TEST(include_restores_config_section)
{
    struct param_registry *r = reg();
    char *dir = test_tmpdir();
    char *main_ini = path_in(dir, "main.ini");
    struct diag d = DIAG_INIT(stderr);
    struct scn *s;
    struct scn_study *st;
    struct scn_run *run;

    write_in(dir, "main.ini", "[Config A]\ninclude sub.ini\nlabel = a\n");
    write_in(dir, "sub.ini", "[General]\nlabel = g\n");
    s = scn_load(main_ini, r, &d);
    ck_assert_ptr_nonnull(s);
    st = study_ok(s, NULL, NULL);
    run = run_ok(st, 0);
    ck_assert_str_eq(scn_str(run, "label"), "g");
    scn_run_free(run);
    scn_study_free(st);
    st = study_ok(s, "A", NULL);
    run = run_ok(st, 0);
    ck_assert_str_eq(scn_str(run, "label"), "a");
    ck_assert_int_eq(scn_where(run, "label")->line, 3);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    free(main_ini);
    free(dir);
    preg_free(r);
}
END_TEST


/* scn_reads: what a model never asked for is reported, with its line; a
 * key asked for is not, whether read exactly, through a '*' key for an
 * entity, or through an entity's own key a '*' key set; over several runs
 * (validate's sweep points) a key any of them read is not. The expected
 * lists follow from which keys the test reads below. */
struct unread_log {
    char text[512];
};

static void log_unread(void *ctx, const char *key, const struct srcloc *loc)
{
    struct unread_log *u = ctx;
    size_t len = strlen(u->text);

    snprintf(u->text + len, sizeof u->text - len, "%s@%s:%d;", key, loc->file, loc->line);
}

/* The keys none of runs[0..n-1] was asked for so far, as log_unread
 * writes them. */
static const char *unread_in(struct unread_log *u, struct scn_run *const *runs, size_t n)
{
    struct scn_reads *reads = scn_reads_new(scn_run_study(runs[0]));

    for (size_t i = 0; i < n; i++)
        scn_reads_add(reads, runs[i]);
    u->text[0] = '\0';
    scn_reads_each_unread(reads, log_unread, u);
    scn_reads_free(reads);
    return u->text;
}

START_TEST(unread_keys_reported)
{
    struct param_registry *r = reg();
    const char *const ovr[] = { "demand.scale=2", "market.hosts=100", NULL };
    struct scn *s = load_ok("[General]\n"                  /* 1 */
                            "seed = 9\n"                   /* 2: the study's own */
                            "market.fee = 0.2\n"           /* 3: read */
                            "market.price = 3\n"           /* 4: never read */
                            "archetype.*.share = 0.3\n"    /* 5: read as gpu.x's */
                            "archetype.*.max-price = 2\n"  /* 6: never read */
                            "[archetype academic]\n"
                            "max-price = 4\n"              /* 8: read */
                            "[Config B]\n"
                            "market.verbose = true\n",     /* 10: never read */
                            r);
    struct scn_study *st = study_ok(s, "B", ovr);
    struct scn_run *run[2] = { run_ok(st, 0), NULL };
    struct unread_log u = { "" };

    /* nothing read yet: every analyst key but seed; market.hosts=100 is
     * its default, a --set that changes nothing (inert), so not listed */
    ck_assert_str_eq(unread_in(&u, run, 1),
                     "archetype.*.max-price@t.ini:6;archetype.*.share@t.ini:5;"
                     "archetype.academic.max-price@t.ini:8;demand.scale@--set:0;"
                     "market.fee@t.ini:3;market.price@t.ini:4;market.verbose@t.ini:10;");
    (void)scn_real(run[0], "market.fee");
    (void)scn_real(run[0], "demand.scale");
    (void)scn_real(run[0], "archetype.zed.share");      /* an entity only a model knows */
    (void)scn_money(run[0], "archetype.academic.max-price");
    ck_assert_str_eq(unread_in(&u, run, 1),
                     "archetype.*.max-price@t.ini:6;market.price@t.ini:4;"
                     "market.verbose@t.ini:10;");
    /* an entity the scenario names, read through its own key, reads the
     * '*' key that set it */
    (void)scn_money(run[0], "archetype.builtin.max-price");
    ck_assert_str_eq(unread_in(&u, run, 1), "market.price@t.ini:4;market.verbose@t.ini:10;");
    /* each run starts unread; over two runs a key either read is read */
    run[1] = run_ok(st, 0);
    ck_assert_ptr_nonnull(strstr(unread_in(&u, run + 1, 1), "market.fee@t.ini:3;"));
    (void)scn_money(run[1], "market.price");
    ck_assert_str_eq(unread_in(&u, run, 2), "market.verbose@t.ini:10;");
    scn_run_free(run[0]);
    scn_run_free(run[1]);
    scn_study_free(st);
    scn_free(s);
    preg_free(r);
}
END_TEST


/* "A file that includes another may set its keys again (the later file
 * wins)" (README): only a key twice in one section of one file is an
 * error. Includes read inline, so "later" is reading order: the includer's
 * line after the include beats the included file's, and an included file
 * read after the includer's line beats it. */
START_TEST(include_override_either_way)
{
    struct param_registry *r = reg();
    char *dir = test_tmpdir();
    char *p1 = path_in(dir, "after.ini"), *p2 = path_in(dir, "before.ini");
    struct cap c;
    struct scn *s;
    struct scn_study *st;
    struct scn_run *run;

    write_in(dir, "base.ini", "[General]\nlabel = base\nmarket.hosts = 5\n");
    write_in(dir, "after.ini", "[General]\ninclude base.ini\nlabel = main\n");
    write_in(dir, "before.ini", "[General]\nmarket.hosts = 9\ninclude base.ini\n");
    for (int i = 0; i < 2; i++) {
        cap_init(&c);
        s = scn_load(i == 0 ? p1 : p2, r, &c.d);
        ck_assert_str_eq(cap_done(&c), "");
        ck_assert_ptr_nonnull(s);
        free(c.text);
        st = study_ok(s, NULL, NULL);
        run = run_ok(st, 0);
        if (i == 0) {
            ck_assert_str_eq(scn_str(run, "label"), "main");
            ck_assert_int_eq(scn_int(run, "market.hosts"), 5);
        } else {
            ck_assert_str_eq(scn_str(run, "label"), "base");
            ck_assert_int_eq(scn_int(run, "market.hosts"), 5);
        }
        scn_run_free(run);
        scn_study_free(st);
        scn_free(s);
    }
    free(p1);
    free(p2);
    free(dir);
    preg_free(r);
}
END_TEST

/* scn_load_string resolves includes "relative to the current directory"
 * (scenario.h), whatever 'name' says: with name "sub/t.ini", 'include
 * inc.ini' reads ./inc.ini, not sub/inc.ini. */
START_TEST(string_include_resolves_in_cwd)
{
    struct param_registry *r = reg();
    char *dir = test_tmpdir(), *sub = path_in(dir, "sub"), old[4096];
    struct cap c;
    struct scn *s;
    struct scn_study *st;
    struct scn_run *run;
    int back;

    ck_assert_ptr_nonnull(getcwd(old, sizeof old));
    ck_assert_int_eq(mkdir(sub, 0777), 0);
    write_in(dir, "inc.ini", "label = cwd\n");
    write_in(dir, "sub/inc.ini", "label = sub\n");
    ck_assert_int_eq(chdir(dir), 0);
    cap_init(&c);
    s = scn_load_string("sub/t.ini", "include inc.ini\n", r, &c.d);
    back = chdir(old);          /* before any assertion can end the test */
    ck_assert_int_eq(back, 0);
    ck_assert_str_eq(cap_done(&c), "");
    ck_assert_ptr_nonnull(s);
    free(c.text);
    st = study_ok(s, NULL, NULL);
    run = run_ok(st, 0);
    ck_assert_str_eq(scn_str(run, "label"), "cwd");
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    free(sub);
    free(dir);
    preg_free(r);
}
END_TEST

START_TEST(test_precedence)
{
    struct param_registry *r = reg();
    struct scn *s = load_ok(
        "[General]\n"
        "market.fee = 0.2\nmarket.hosts = 10\ndemand.scale = 2\nlabel = general\n"
        "[Config Base]\n"
        "market.hosts = 20\ndemand.scale = 3\nlabel = base\n"
        "[Config Other]\n"
        "label = other\nmarket.price = 9\n"
        "[Config Top]\n"
        "extends = Base, Other\n"
        "demand.scale = 4\nlabel = top\n", r);
    const char *const ovr[] = { "label=cli1", "label = cli2", NULL };
    struct scn_study *st = study_ok(s, "Top", NULL);
    struct scn_run *run = run_ok(st, 0);
    const char *k, *v, *u, *src;

    ck_assert_uint_eq(scn_config_count(s), 3);
    ck_assert_str_eq(scn_config_name(s, 2), "Top");
    ck_assert_str_eq(scn_study_config(st), "Top");
    ck_assert(scn_real(run, "market.fee") == 0.2);                  /* General */
    ck_assert_int_eq(scn_int(run, "market.hosts"), 20);             /* extends */
    ck_assert(scn_real(run, "demand.scale") == 4.0);                /* Config */
    ck_assert_str_eq(scn_str(run, "label"), "top");
    ck_assert_int_eq(scn_money(run, "market.price"), 9 * MONEY_USD); /* 2nd parent */
    ck_assert_int_eq(scn_time(run, "market.horizon"), 90 * SIM_DAY);  /* default */
    ck_assert_int_eq(scn_where(run, "demand.scale")->line, 15);
    ck_assert_int_eq(scn_where(run, "market.hosts")->line, 7);
    /* Key list: sorted, canonical values, sources. */
    ck_assert_uint_eq(scn_run_key_count(run), 12);
    scn_run_key_at(run, 0, &k, &v, &u, &src);
    ck_assert_str_eq(k, "archetype.builtin.max-price");
    ck_assert_str_eq(v, "1");
    ck_assert_str_eq(u, "USD/GPU-h");
    ck_assert_str_eq(src, "default");
    for (size_t i = 0; i < scn_run_key_count(run); i++) {
        scn_run_key_at(run, i, &k, &v, &u, &src);
        if (strcmp(k, "market.hosts") == 0)
            ck_assert_str_eq(src, "Config:Base");
        if (strcmp(k, "market.fee") == 0)
            ck_assert_str_eq(src, "General");
        if (strcmp(k, "market.horizon") == 0)
            ck_assert_str_eq(v, "90d");
    }
    scn_run_free(run);
    scn_study_free(st);

    st = study_ok(s, "Top", ovr);
    run = run_ok(st, 0);
    ck_assert_str_eq(scn_str(run, "label"), "cli2");                /* last --set wins */
    ck_assert_int_eq(scn_where(run, "label")->line, 0);
    scn_run_free(run);
    scn_study_free(st);

    st = study_ok(s, NULL, NULL);
    run = run_ok(st, 0);
    ck_assert_str_eq(scn_study_config(st), "General");
    ck_assert_str_eq(scn_str(run, "label"), "general");
    ck_assert_int_eq(scn_int(run, "market.hosts"), 10);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    preg_free(r);
}
END_TEST

/* Two parents over a common base: the base comes after both (C3, as
 * OMNeT++), so the second parent's override beats the base's value; depth
 * first put Base right after Fast and Remote's value was lost. */
START_TEST(test_extends_c3_order)
{
    struct param_registry *r = reg();
    struct scn *s = load_ok(
        "[General]\nlabel = general\n"
        "[Config Base]\ndemand.scale = 1\nlabel = base\nmarket.hosts = 5\n"
        "[Config Fast]\nextends = Base\nmarket.hosts = 10\n"
        "[Config Remote]\nextends = Base\ndemand.scale = 9\n"
        "[Config Both]\nextends = Fast, Remote\n"
        "[Config Mid]\nextends = Remote\n"
        "[Config Top]\nextends = Mid, Both, General\n", r);
    struct scn_study *st = study_ok(s, "Both", NULL);
    struct scn_run *run = run_ok(st, 0);
    const char *k, *src;

    ck_assert(scn_real(run, "demand.scale") == 9.0);            /* Remote, not Base */
    ck_assert_int_eq(scn_int(run, "market.hosts"), 10);         /* Fast, not Base */
    ck_assert_str_eq(scn_str(run, "label"), "base");
    for (size_t i = 0; i < scn_run_key_count(run); i++) {
        scn_run_key_at(run, i, &k, NULL, NULL, &src);
        if (strcmp(k, "demand.scale") == 0)
            ck_assert_str_eq(src, "Config:Remote");
    }
    scn_run_free(run);
    scn_study_free(st);
    /* Top -> Mid -> Both -> Fast -> Remote -> Base: Remote is after Both
     * although Mid, written first, extends it. */
    st = study_ok(s, "Top", NULL);
    run = run_ok(st, 0);
    ck_assert(scn_real(run, "demand.scale") == 9.0);
    ck_assert_int_eq(scn_int(run, "market.hosts"), 10);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    preg_free(r);

    /* No order can keep both parents' orders: an error at the extends. */
    expect_load_error("[Config A]\n[Config B]\n"
                      "[Config AB]\nextends = A, B\n[Config BA]\nextends = B, A\n"
                      "[Config X]\nextends = AB, BA\n",
                      "t.ini:8: error: extends: no lookup order for config 'X' keeps every "
                      "config before the ones it extends and the parents in the order "
                      "written\n", 1);
}
END_TEST

/* README "Lookup order": --set > [Config X] > its extends chain >
 * [General]. Naming General in extends, even first, does not lift it
 * above the chain: [General] is read last whatever the list says. */
START_TEST(general_stays_last_in_extends)
{
    struct param_registry *r = reg();
    struct scn *s = load_ok("[General]\nlabel = general\nmarket.hosts = 3\n"
                            "[Config Base]\nlabel = base\n"
                            "[Config X]\nextends = General, Base\n", r);
    struct scn_study *st = study_ok(s, "X", NULL);
    struct scn_run *run = run_ok(st, 0);

    ck_assert_str_eq(scn_str(run, "label"), "base");
    ck_assert_int_eq(scn_int(run, "market.hosts"), 3);          /* General still read */
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    preg_free(r);
}
END_TEST

/* Quotes keep blanks; around an enum choice they are not part of it. The
 * value was checked trimmed but stored as written, so " auction" passed
 * validation and the model's strcmp then ran another policy. */
START_TEST(test_enum_blanks_canonical)
{
    struct param_registry *r = reg();
    struct scn *s = load_ok("[General]\nmarket.policy = \" auction \"\nlabel = \" x \"\n"
                            "market.fee = \" 0.5\"\n"
                            "[Config S]\nmarket.policy = \" ${p=fixed, auction}\"\n", r);
    struct scn_study *st = study_ok(s, NULL, NULL);
    struct scn_run *run = run_ok(st, 0);

    ck_assert_str_eq(scn_str(run, "market.policy"), "auction");
    ck_assert_str_eq(scn_str(run, "label"), " x ");             /* free text keeps them */
    ck_assert(scn_real(run, "market.fee") == 0.5);
    scn_run_free(run);
    scn_study_free(st);
    st = study_ok(s, "S", NULL);
    run = run_ok(st, 0);
    ck_assert_str_eq(scn_str(run, "market.policy"), "fixed");
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    preg_free(r);
}
END_TEST

START_TEST(test_entities)
{
    struct param_registry *r = reg();
    struct scn *s = load_ok(
        "[General]\nmarket.fee = 0.2\n"
        "[archetype academic]\nshare = 0.3\nmax-price = 2.5\n"
        "[archetype llm-train]\nshare = 0.6   # inline comment\n"
        "[Config X]\narchetype.academic.share = 0.1\narchetype.startup.share = 0.05\n", r);
    struct scn_study *st = study_ok(s, "X", NULL);
    struct scn_run *run = run_ok(st, 0);
    const char **names;
    size_t n = scn_entities(run, "archetype", &names);

    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(names[0], "academic");
    ck_assert_str_eq(names[1], "builtin");
    ck_assert_str_eq(names[2], "llm-train");
    ck_assert_str_eq(names[3], "startup");
    ck_assert(scn_real(run, "archetype.academic.share") == 0.1);
    ck_assert(scn_realf(run, "archetype.%s.share", "llm-train") == 0.6);
    ck_assert(scn_realf(run, "archetype.%s.share", "builtin") == 0.25);
    ck_assert_int_eq(scn_moneyf(run, "archetype.%s.max-price", "academic"), 2500000);
    ck_assert_int_eq(scn_moneyf(run, "archetype.%s.max-price", "startup"), MONEY_USD);
    ck_assert_int_eq(scn_where(run, "archetype.llm-train.share")->line, 7);
    ck_assert_uint_eq(scn_entities(run, "gpu", &names), 0);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    preg_free(r);
}
END_TEST

/* An entity of an open kind near a built-in name but not one is most
 * likely mistyped: a warning at its first key (file or --set), the study
 * still built, since adding entities is allowed; one far from every
 * built-in name ('startup') and the built-in one itself say nothing. The
 * registry above has one built-in archetype, 'builtin'; 'builtn' is one
 * deletion from it and 'bulitin' one swap of neighbours (README: a swap is
 * one edit). In the order of the entities' names. A kind not declared
 * open (its model checks the names, or it has no built-in ones) says
 * nothing. */
START_TEST(new_entity_near_a_builtin_warns)
{
    static const char text[] = "[General]\narchetype.builtin.share = 0.2\n"
                               "[archetype startup]\nshare = 0.3\n"
                               "[archetype builtn]\nmax-price = 2\nshare = 0.1\n";
    const char *sets[] = { "archetype.bulitin.share=0.1", NULL };
    struct param_registry *r = reg(), *closed = reg();
    struct scn *s, *sc;
    struct cap c;
    struct scn_study *st;

    preg_open_kind(r, "label");         /* open, but no built-in members */
    preg_open_kind(r, "archetype");
    s = load_ok(text, r);
    cap_init(&c);
    st = scn_study_new(s, NULL, sets, &c.d);
    ck_assert_str_eq(cap_done(&c),
                     "t.ini:6: warning: no built-in archetype is named 'builtn' (did you mean "
                     "'builtin'?): this adds a new archetype, which takes the defaults of every "
                     "key not written for it\n"
                     "--set: warning: no built-in archetype is named 'bulitin' (did you mean "
                     "'builtin'?): this adds a new archetype, which takes the defaults of every "
                     "key not written for it\n");
    ck_assert_int_eq(c.d.nwarnings, 2);
    ck_assert_int_eq(c.d.nerrors, 0);
    ck_assert_ptr_nonnull(st);
    free(c.text);
    scn_study_free(st);
    sc = load_ok(text, closed);
    st = study_ok(sc, NULL, sets);      /* asserts that it said nothing */
    scn_study_free(st);
    scn_free(sc);
    scn_free(s);
    preg_free(closed);
    preg_free(r);
}
END_TEST

/* A '*' key names no entity: "archetype.*.share" in a file or a --set
 * sets the archetypes there are and adds none called "*" (one did, and
 * ran with the defaults beside the real ones: a seventh of the demand
 * more in the market). */
START_TEST(star_keys_name_no_entity)
{
    struct param_registry *r = reg();
    struct scn *s = load_ok("[General]\narchetype.*.share = 0.5\n"
                            "[archetype academic]\nshare = 0.3\n", r);
    const char *sets[] = { "archetype.*.max-price=3", NULL };
    struct scn_study *st = study_ok(s, NULL, sets);
    struct scn_run *run = run_ok(st, 0);
    const char **names;
    size_t n = scn_entities(run, "archetype", &names);

    for (size_t i = 0; i < n; i++)
        ck_assert_str_ne(names[i], "*");
    ck_assert_uint_eq(n, 2);            /* academic and the built-in one */
    ck_assert(scn_real(run, "archetype.academic.share") == 0.3);
    ck_assert(scn_realf(run, "archetype.%s.share", "builtin") == 0.5);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    preg_free(r);
}
END_TEST

/* An analyst's '*' key sets the parameter for every entity of its kind,
 * built-in ones with their own exact defaults included, unless an exact
 * key is written; a swept '*' key is one axis, however many entities it
 * reaches. (It used to be read, checked and ignored for every entity that
 * had any default of its own.) */
START_TEST(test_wildcard_keys_apply)
{
    struct param_registry *r = reg();
    struct scn *s = load_ok(
        "[General]\narchetype.*.share = 0.4\narchetype.*.max-price = ${p=3,4}\n"
        "[archetype academic]\nshare = 0.3\n"
        "[archetype startup]\nmax-price = 9\n", r);
    struct scn_study *st = study_ok(s, "General", NULL);
    struct scn_run *run;

    ck_assert_uint_eq(scn_study_run_count(st), 2);      /* one axis, two values */
    run = run_ok(st, 1);
    ck_assert(scn_real(run, "archetype.builtin.share") == 0.4);     /* over its own default */
    ck_assert(scn_real(run, "archetype.startup.share") == 0.4);
    ck_assert(scn_real(run, "archetype.academic.share") == 0.3);    /* exact beats '*' */
    ck_assert_int_eq(scn_money(run, "archetype.builtin.max-price"), 4 * MONEY_USD);
    ck_assert_int_eq(scn_money(run, "archetype.academic.max-price"), 4 * MONEY_USD);
    ck_assert_int_eq(scn_money(run, "archetype.startup.max-price"), 9 * MONEY_USD);
    ck_assert_int_eq(scn_where(run, "archetype.builtin.share")->line, 2);
    /* an entity only the model knows of (a catalogue's): the '*' key
     * reaches it too, sweep and line included (scn_run_key_or_wild) */
    ck_assert(scn_real(run, "archetype.unnamed.share") == 0.4);
    ck_assert_int_eq(scn_money(run, "archetype.unnamed.max-price"), 4 * MONEY_USD);
    ck_assert_int_eq(scn_where(run, "archetype.unnamed.share")->line, 2);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    preg_free(r);
}
END_TEST

/* The levels' order holds for '*' keys: a --set '*' key beats every key
 * the file writes, exact ones included, and a config's '*' key beats
 * [General]'s exact keys; only within one level does an entity's own key
 * win. (A --set 'archetype.*.min-reliability=0' once left default.ini's
 * enterprise at 0.99.) A file's sweep that a higher '*' key covers is no
 * axis. */
START_TEST(wildcards_follow_the_levels)
{
    struct param_registry *r = reg();
    struct scn *s = load_ok(
        "[General]\narchetype.*.share = 0.4\n"
        "[archetype academic]\nshare = 0.3\nmax-price = ${p=7,8}\n"
        "[archetype startup]\nmax-price = 9\nshare = 0.2\n"
        "[Config C]\narchetype.*.max-price = 5\narchetype.startup.share = 0.6\n", r);
    const char *sets[] = { "archetype.*.share=0.1", "archetype.startup.share=0.7", NULL };
    struct scn_study *st = study_ok(s, "C", NULL);
    struct scn_run *run;

    /* the config's '*' max-price covers [General]'s swept one: no axis */
    ck_assert_uint_eq(scn_study_run_count(st), 1);
    run = run_ok(st, 0);
    ck_assert_int_eq(scn_money(run, "archetype.academic.max-price"), 5 * MONEY_USD);
    ck_assert_int_eq(scn_money(run, "archetype.startup.max-price"), 5 * MONEY_USD);
    ck_assert_int_eq(scn_where(run, "archetype.startup.max-price")->line, 10);
    ck_assert(scn_real(run, "archetype.startup.share") == 0.6);     /* own key, own level */
    ck_assert(scn_real(run, "archetype.academic.share") == 0.3);    /* exact, same level */
    ck_assert(scn_real(run, "archetype.builtin.share") == 0.4);
    scn_run_free(run);
    scn_study_free(st);

    st = study_ok(s, "General", sets);
    ck_assert_uint_eq(scn_study_run_count(st), 2);      /* the file's sweep stands */
    run = run_ok(st, 1);
    ck_assert(scn_real(run, "archetype.academic.share") == 0.1);    /* over the file's key */
    ck_assert(scn_real(run, "archetype.builtin.share") == 0.1);
    ck_assert(scn_real(run, "archetype.startup.share") == 0.7);     /* --set's own key */
    ck_assert_int_eq(scn_money(run, "archetype.academic.max-price"), 8 * MONEY_USD);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    preg_free(r);
}
END_TEST

START_TEST(test_run_numbering)
{
    struct param_registry *r = reg();
    struct scn *s = load_ok(
        "[General]\nrepeat = 3\n"
        "market.policy = ${policy=spot,fixed}\n"
        "demand.scale = ${scale=0.8,1.0,1.25}\n"
        "market.fee = ${0.1,0.2 ! policy}\n", r);
    struct scn_study *st = study_ok(s, NULL, NULL);
    struct scn_run *run;

    ck_assert_uint_eq(scn_study_run_count(st), 18);
    ck_assert_uint_eq(scn_study_var_count(st), 4);
    ck_assert_str_eq(scn_study_var_name(st, 0), "policy");
    ck_assert_str_eq(scn_study_var_name(st, 1), "scale");
    ck_assert_str_eq(scn_study_var_name(st, 2), "market.fee");
    ck_assert_str_eq(scn_study_var_name(st, 3), "repetition");
    /* 7 = ((0 * 3) + 2) * 3 + 1: spot, scale 1.25, repetition 1. */
    run = run_ok(st, 7);
    ck_assert_uint_eq(scn_run_number(run), 7);
    ck_assert_str_eq(scn_run_var_value(run, 0), "spot");
    ck_assert_str_eq(scn_run_var_value(run, 1), "1.25");
    ck_assert_str_eq(scn_run_var_value(run, 2), "0.1");
    ck_assert_str_eq(scn_run_var_value(run, 3), "1");
    ck_assert_uint_eq(scn_run_repetition(run), 1);
    ck_assert_str_eq(scn_str(run, "market.policy"), "spot");
    ck_assert(scn_real(run, "demand.scale") == 1.25);
    ck_assert(scn_real(run, "market.fee") == 0.1);
    scn_run_free(run);
    run = run_ok(st, 17);
    ck_assert_str_eq(scn_str(run, "market.policy"), "fixed");
    ck_assert(scn_real(run, "market.fee") == 0.2);                  /* lock-step */
    ck_assert_uint_eq(scn_run_repetition(run), 2);
    scn_run_free(run);
    {
        struct cap c;

        cap_init(&c);
        ck_assert_ptr_null(scn_run_new(st, 18, &c.d));
        ck_assert_str_eq(cap_done(&c),
                         "t.ini: error: run 18 is out of range: config 'General' has 18 runs (0..17)\n");
        free(c.text);
    }
    scn_study_free(st);

    /* Ranges, and sweeps from --set come after the file's axes. */
    {
        const char *const ovr[] = { "market.hosts=${h=1..5 step 2}", "repeat=1", NULL };

        st = study_ok(s, NULL, ovr);
        ck_assert_uint_eq(scn_study_run_count(st), 18);
        ck_assert_str_eq(scn_study_var_name(st, 3), "h");
        run = run_ok(st, 5);
        ck_assert_int_eq(scn_int(run, "market.hosts"), 5);
        ck_assert(scn_real(run, "demand.scale") == 1.0);
        scn_run_free(run);
        scn_study_free(st);
    }
    scn_free(s);
    preg_free(r);
}
END_TEST

/* A sweep item in double quotes is its text without them, taken as it is:
 * commas, '!', '=' and '}' inside do not end it, ".." makes no range. The
 * quotes were kept in the value (a quoted file name named no file, and
 * runs.csv held "\"\"\"data/gpus.csv\"\"\""). */
/* Inside double quotes ';' and '#' are text, not a comment: a quoted
 * sweep item or value may hold one (inih stripped "comments" inside them,
 * and "${l=\"a ;b\",c}" was an unterminated sweep). With the quotes
 * unbalanced the first one after a blank still starts a comment. */
START_TEST(quotes_keep_comment_characters)
{
    struct param_registry *r = reg();
    struct scn *s = load_ok("[General]\n"
                            "label = ${l=\"a ;b\", \"c #d\"}   ; a comment\n"
                            "market.policy = \"fixed\"  # a \"comment\"\n", r);
    struct scn_study *st = study_ok(s, NULL, NULL);
    struct scn_run *run;

    ck_assert_uint_eq(scn_study_run_count(st), 2);
    run = run_ok(st, 1);
    ck_assert_str_eq(scn_str(run, "label"), "c #d");
    scn_run_free(run);
    run = run_ok(st, 0);
    ck_assert_str_eq(scn_str(run, "label"), "a ;b");
    ck_assert_str_eq(scn_str(run, "market.policy"), "fixed");
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);

    s = load_ok("[General]\nlabel = 5\" screen ; a note\nmarket.fee = 0.3 #\"\n", r);
    st = study_ok(s, NULL, NULL);
    run = run_ok(st, 0);
    ck_assert_str_eq(scn_str(run, "label"), "5\" screen");
    ck_assert(scn_real(run, "market.fee") == 0.3);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    /* as in inih, a value's first character, right after the '=', is no
     * comment: a colour written "#ff0000" */
    s = load_ok("[General]\nlabel=#ff0000 ; red\n", r);
    st = study_ok(s, NULL, NULL);
    run = run_ok(st, 0);
    ck_assert_str_eq(scn_str(run, "label"), "#ff0000");
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    preg_free(r);
}
END_TEST

/* A resolved value written back (scenario.resolved.ini, the seed
 * reproduction's sub-scenario) reads as the same text: a path holding
 * " #" or " ;" was cut at it, a value starting with '#' read as empty,
 * and two quote marks alone are quoted too (they read as empty bare). */
START_TEST(values_for_file_read_back)
{
    struct param_registry *r = reg();
    static const char *const vals[] = {
        "plain", "", "data/run #2/cat.csv", "a ;b", "#ff0000", ";x", " lead", "trail ",
        "\"q\"", "5\" screen", "a;b#c", "\"\"", "\"",
    };

    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        char *v = scn_value_for_file(vals[i]), text[256];
        struct scn *s;
        struct scn_study *st;
        struct scn_run *run;

        ck_assert_ptr_nonnull(v);
        snprintf(text, sizeof text, "[General]\nlabel = %s    ; a note\n", v);
        s = load_ok(text, r);
        st = study_ok(s, NULL, NULL);
        run = run_ok(st, 0);
        ck_assert_str_eq(scn_str(run, "label"), vals[i]);
        scn_run_free(run);
        scn_study_free(st);
        scn_free(s);
        free(v);
    }
    {
        char *v = scn_value_for_file("plain");

        ck_assert_str_eq(v, "plain");           /* unchanged where it needs no quotes */
        free(v);
    }
    preg_free(r);
}
END_TEST

/* A required key (no default) is given when a '*' key sets it: for an
 * entity named only by another key, and for one whose own key a '*' key
 * of a higher level covers. Both were "missing required key". */
START_TEST(wildcard_gives_required_keys)
{
    static const struct param_def need[] = {
        { "thing.*.size", PT_INT, "1", NULL, 0, 100, NULL, "required" },
        { "thing.*.tag", PT_STRING, "", "", 1, 0, NULL, "names a thing" },
    };
    struct param_registry *r = preg_new();
    struct scn *s;
    struct scn_study *st;
    struct scn_run *run;
    const char *sets[] = { "thing.*.size=4", NULL };
    struct cap c;

    preg_add(r, need, sizeof need / sizeof need[0]);
    s = load_ok("[General]\nthing.*.size = 3\nthing.b.tag = x\n[thing a]\nsize = 5\n", r);
    st = study_ok(s, NULL, NULL);
    run = run_ok(st, 0);
    ck_assert_int_eq(scn_int(run, "thing.a.size"), 5);
    ck_assert_int_eq(scn_int(run, "thing.b.size"), 3);
    scn_run_free(run);
    scn_study_free(st);
    st = study_ok(s, NULL, sets);
    run = run_ok(st, 0);
    ck_assert_int_eq(scn_int(run, "thing.a.size"), 4);
    ck_assert_int_eq(scn_int(run, "thing.b.size"), 4);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    /* with no '*' key it is still required */
    s = load_ok("[General]\nthing.b.tag = x\n", r);
    cap_init(&c);
    ck_assert_ptr_null(scn_study_new(s, NULL, NULL, &c.d));
    ck_assert_str_eq(cap_done(&c), "t.ini: error: missing required key 'thing.b.size'\n");
    free(c.text);
    scn_free(s);
    /* ... and the message names the config it is missing in */
    s = load_ok("[Config A]\nthing.b.tag = x\n", r);
    cap_init(&c);
    ck_assert_ptr_null(scn_study_new(s, "A", NULL, &c.d));
    ck_assert_str_eq(cap_done(&c), "t.ini: error: missing required key 'thing.b.size' in config A\n");
    free(c.text);
    scn_free(s);
    preg_free(r);
}
END_TEST

START_TEST(test_sweep_quoted_items)
{
    struct param_registry *r = reg();
    struct scn *s = load_ok(
        "[General]\n"
        "label = ${l=\"a,b\", c , \"d}!=e\",\"1..3\", \"\"}\n", r);
    static const char *const want[] = { "a,b", "c", "d}!=e", "1..3", "" };
    const char *const ovr[] = { "market.policy=${p=\"spot\",fixed}", NULL };
    struct scn_study *st = study_ok(s, NULL, NULL);

    ck_assert_uint_eq(scn_study_run_count(st), 5);
    for (size_t i = 0; i < 5; i++) {
        struct scn_run *run = run_ok(st, i);

        ck_assert_str_eq(scn_str(run, "label"), want[i]);
        ck_assert_str_eq(scn_run_var_value(run, 0), want[i]);
        scn_run_free(run);
    }
    scn_study_free(st);
    st = study_ok(s, NULL, ovr);                /* --set, and an enum checked */
    ck_assert_uint_eq(scn_study_run_count(st), 10);
    {
        struct scn_run *run = run_ok(st, 0);

        ck_assert_str_eq(scn_str(run, "market.policy"), "spot");
        scn_run_free(run);
    }
    scn_study_free(st);
    scn_free(s);
    /* Text around the sweep is part of every value: "${h=1,2}d" is 1d,
     * 2d (the form sweep_parse documents: prefix${...}suffix). */
    s = load_ok("[General]\nmarket.horizon = ${h=1,2}d\nlabel = x-${l=a,b}-y\n", r);
    st = study_ok(s, NULL, NULL);
    {
        struct scn_run *run = run_ok(st, 3);

        ck_assert_int_eq(scn_time(run, "market.horizon"), 2 * SIM_DAY);
        ck_assert_str_eq(scn_str(run, "label"), "x-b-y");
        ck_assert_str_eq(scn_run_var_value(run, 1), "b");
        scn_run_free(run);
    }
    scn_study_free(st);
    scn_free(s);
    preg_free(r);
    expect_load_error("label = ${l=\"a,b}\n",
                      "t.ini:1: error: label: unterminated sweep in \"${l=\"a,b}\"\n", 1);
}
END_TEST

START_TEST(test_seed_set)
{
    struct param_registry *r = reg();
    struct scn *s = load_ok(
        "[General]\nrepeat = 2\nseed = 42\nmarket.fee = ${0.1,0.2,0.3}\n"
        "[Config Indep]\nseed-set = ${runnumber}\n"
        "[Config Fixed]\nseed-set = 99\nrepeat = 1\n"
        "[Config Copies]\nseed-set = 99\n", r);
    struct cap c;
    struct scn_study *st = study_ok(s, NULL, NULL);
    struct scn_run *run = run_ok(st, 5);            /* fee 0.3, repetition 1 */
    const char *k, *v;

    ck_assert_uint_eq(scn_run_seed(run), 42);
    ck_assert_uint_eq(scn_run_seed_set(run), 1);    /* CRN: the repetition */
    for (size_t i = 0; i < scn_run_key_count(run); i++) {
        scn_run_key_at(run, i, &k, &v, NULL, NULL);
        if (strcmp(k, "seed-set") == 0)
            ck_assert_str_eq(v, "1");
        if (strcmp(k, "seed") == 0)
            ck_assert_str_eq(v, "42");
    }
    scn_run_free(run);
    scn_study_free(st);
    st = study_ok(s, "Indep", NULL);
    run = run_ok(st, 5);
    ck_assert_uint_eq(scn_run_seed_set(run), 5);
    scn_run_free(run);
    scn_study_free(st);
    st = study_ok(s, "Fixed", NULL);
    run = run_ok(st, 2);                            /* fee 0.3, its one run */
    ck_assert_uint_eq(scn_run_seed_set(run), 99);
    scn_run_free(run);
    scn_study_free(st);
    /* a fixed seed set under repeat = 2 would make copies, not replications */
    cap_init(&c);
    ck_assert_ptr_null(scn_study_new(s, "Copies", NULL, &c.d));
    ck_assert_str_eq(cap_done(&c), "t.ini:11: error: seed-set = 99 with repeat = 2: every "
                     "repetition would run the same seeds, copies rather than replications "
                     "(use ${repetition}, the default, or ${runnumber})\n");
    free(c.text);
    scn_free(s);

    s = load_ok("market.fee = 0.2\n", r);
    st = study_ok(s, NULL, NULL);
    ck_assert_uint_eq(scn_study_run_count(st), 1);
    ck_assert_uint_eq(scn_study_var_count(st), 0);
    run = run_ok(st, 0);
    ck_assert_uint_eq(scn_run_seed(run), 1);
    ck_assert_uint_eq(scn_run_seed_set(run), 0);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    preg_free(r);
}
END_TEST

static uint64_t digest_with(const struct scn *s, const char *const *ovr)
{
    struct scn_study *st = study_ok(s, NULL, ovr);
    uint64_t h = scn_study_digest(st);

    scn_study_free(st);
    return h;
}

/* README (merge): an override that changes no run is left out of the
 * digest, so such parts merge; one that changes something counts. The
 * description counts (it is part of what the study says), an axis counts
 * by every point, not the first two, and a value by what it reads as
 * ("0.2" and "0.20" are one value). */
START_TEST(inert_overrides_and_digest)
{
    struct param_registry *r = reg();
    struct scn *s = load_ok("[General]\nmarket.fee = 0.1\ndescription = orig\n"
                            "market.hosts = ${h=1,2,3}\n", r);
    uint64_t base = digest_with(s, NULL);
    const char *const fee[] = { "market.fee=0.10", NULL };
    const char *const desc_same[] = { "description=orig", NULL };
    const char *const desc_new[] = { "description=other", NULL };
    const char *const axis_same[] = { "market.hosts=${h=1,2,3}", NULL };
    const char *const axis_third[] = { "market.hosts=${h=1,2,4}", NULL };
    const char *const f2[] = { "market.fee=0.2", NULL };
    const char *const f20[] = { "market.fee=0.20", NULL };
    const char *const both[] = { "archetype.*.share=0.3", "archetype.builtin.share=0.3", NULL };
    const char *const fee_desc[] = { "market.fee=0.10", "description=other", NULL };

    ck_assert_uint_eq(digest_with(s, fee), base);
    ck_assert_uint_eq(digest_with(s, desc_same), base);
    ck_assert_uint_eq(digest_with(s, axis_same), base);
    ck_assert_uint_ne(digest_with(s, desc_new), base);
    ck_assert_uint_ne(digest_with(s, axis_third), base);
    ck_assert_uint_ne(digest_with(s, f2), base);
    ck_assert_uint_eq(digest_with(s, f2), digest_with(s, f20));
    /* an inert override beside one that is not: judged with the other
     * in place (the study without every override is not the same) */
    ck_assert_uint_eq(digest_with(s, fee_desc), digest_with(s, desc_new));
    scn_free(s);
    /* Either of these alone makes the built-in share 0.3 (the --set '*'
     * key covers the file's exact 0.9; the exact --set key beats it), so
     * with both given, each restates the other; but together they change
     * 0.9 to 0.3. Once the first is found inert, the second must be
     * judged without it, or both are left out of the digest. */
    s = load_ok("[General]\narchetype.*.share = 0.3\narchetype.builtin.share = 0.9\n", r);
    base = digest_with(s, NULL);
    ck_assert_uint_ne(digest_with(s, both), base);
    scn_free(s);
    preg_free(r);
}
END_TEST

/* An override that changes only runs off the innermost axis still
 * counts. fee is the outer axis (2 points), repetition the inner (2):
 * runs 0..3 are (f0,r0) (f0,r1) (f1,r0) (f1,r1). seed-set = ${repetition}
 * (the default) gives seed sets 0,1,0,1; ${runnumber} gives 0,1,2,3
 * (README: seeds). Runs 0 and 1 agree, run 2 differs, so the override is
 * not inert and is in the digest. Kills same_study() not advancing its
 * stride (it compared runs 0 and 1 for every axis). */
START_TEST(outer_axis_override_counts)
{
    struct param_registry *r = reg();
    struct scn *s = load_ok("market.fee = ${f=0.1,0.2}\nrepeat = 2\n", r);
    uint64_t base = digest_with(s, NULL);
    const char *const same[] = { "seed-set=${repetition}", NULL };
    const char *const own[] = { "seed-set=${runnumber}", NULL };
    struct scn_study *st = study_ok(s, NULL, own);
    struct scn_run *run = run_ok(st, 2);

    ck_assert_uint_eq(scn_run_seed_set(run), 2);
    scn_run_free(run);
    scn_study_free(st);
    ck_assert_uint_eq(digest_with(s, same), base);
    ck_assert_uint_ne(digest_with(s, own), base);
    scn_free(s);
    preg_free(r);
}
END_TEST

START_TEST(test_includes_digest)
{
    struct param_registry *r = reg();
    char *dir = test_tmpdir();
    char *main_ini = path_in(dir, "main.ini");
    struct diag d = DIAG_INIT(stderr);
    struct scn *s;
    struct scn_study *st;
    struct scn_run *run;
    uint64_t d1, d2;

    {
        char *sub = path_in(dir, "sub");
        char cmd[512];

        snprintf(cmd, sizeof cmd, "mkdir -p '%s'", sub);
        ck_assert_int_eq(system(cmd), 0);
        free(sub);
    }
    write_in(dir, "main.ini", "[General]\nmarket.fee = 0.2\ninclude sub/gpus.ini\n"
                              "market.hosts = 7\n");
    /* Relative to the including file; an include keeps the includer's
     * section after it ends. */
    write_in(dir, "sub/gpus.ini", "[archetype academic]\nshare = 0.4\ninclude = more.ini\n");
    write_in(dir, "sub/more.ini", "max-price = 3\n");
    s = scn_load(main_ini, r, &d);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(scn_path(s), main_ini);
    st = study_ok(s, NULL, NULL);
    run = run_ok(st, 0);
    ck_assert(scn_real(run, "archetype.academic.share") == 0.4);
    ck_assert_int_eq(scn_money(run, "archetype.academic.max-price"), 3 * MONEY_USD);
    ck_assert_int_eq(scn_int(run, "market.hosts"), 7);
    ck_assert_int_eq(scn_where(run, "archetype.academic.max-price")->line, 1);
    ck_assert_ptr_nonnull(strstr(scn_where(run, "archetype.academic.max-price")->file,
                                 "sub/more.ini"));
    d1 = scn_digest(s);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);

    s = scn_load(main_ini, r, &d);
    ck_assert_uint_eq(scn_digest(s), d1);       /* same bytes, same digest */
    scn_free(s);
    write_in(dir, "sub/more.ini", "max-price = 3.5\n");
    s = scn_load(main_ini, r, &d);
    ck_assert_ptr_nonnull(s);
    d2 = scn_digest(s);
    ck_assert_uint_ne(d1, d2);                  /* an included file changed */
    scn_free(s);
    ck_assert_int_eq(d.nerrors, 0);
    free(main_ini);
    free(dir);
    preg_free(r);
}
END_TEST

START_TEST(test_long_lines_comments)
{
    struct param_registry *r = reg();
    size_t n = 5000;
    char *text = malloc(n + 200), *want = malloc(n + 1);
    struct scn *s;
    struct scn_study *st;
    struct scn_run *run;

    for (size_t i = 0; i < n; i++)
        want[i] = (char)('a' + i % 26);
    want[n] = '\0';
    snprintf(text, n + 200, "[General]\n; comment\n  # indented comment\nlabel = %s\n"
             "market.fee = 0.3 ; trailing\n   market.hosts = 9   # indented key\n"
             "description = \"a study\"\nmarket.verbose = yes\n", want);
    s = load_ok(text, r);
    st = study_ok(s, NULL, NULL);
    run = run_ok(st, 0);
    ck_assert_str_eq(scn_str(run, "label"), want);
    ck_assert(scn_real(run, "market.fee") == 0.3);
    ck_assert_int_eq(scn_int(run, "market.hosts"), 9);
    ck_assert(scn_bool(run, "market.verbose"));
    ck_assert_int_eq(scn_where(run, "market.fee")->line, 5);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);

    /* A long line does not shift the line numbers after it. */
    snprintf(text, n + 200, "label = %s\nmarket.fee = oops\n", want);
    {
        struct cap c;

        cap_init(&c);
        ck_assert_ptr_null(scn_load_string("t.ini", text, r, &c.d));
        ck_assert_str_eq(cap_done(&c), "t.ini:2: error: market.fee: expected a number, got \"oops\"\n");
        free(c.text);
    }
    free(text);
    free(want);
    preg_free(r);
}
END_TEST

Suite *scenario_suite(void)
{
    Suite *s = suite_create("scenario");
    TCase *err = tcase_create("errors");
    TCase *sem = tcase_create("semantics");

    tcase_add_test(err, test_err_syntax);
    tcase_add_test(err, test_err_unknown_key);
    tcase_add_test(err, test_err_unknown_key_four_hits);
    tcase_add_test(err, test_err_duplicate_key);
    tcase_add_test(err, test_err_type_range);
    tcase_add_test(err, test_err_sweep);
    tcase_add_test(err, test_err_sweep_nonfinite);
    tcase_add_test(err, test_err_sweep_duplicates);
    tcase_add_test(err, test_err_long_name);
    tcase_add_test(err, test_err_lockstep);
    tcase_add_test(err, test_err_study_sweeps);
    tcase_add_test(err, test_sweep_range_edges);
    tcase_add_test(err, test_err_too_many_runs);
    tcase_add_test(err, test_err_extends);
    tcase_add_test(err, test_err_unknown_config);
    tcase_add_test(err, test_err_include);
    tcase_add_test(err, test_extends_include_override);
    tcase_add_test(err, test_err_directory);
    tcase_add_test(err, test_err_nul_byte);
    tcase_add_test(err, test_err_headers);
    tcase_add_test(err, test_err_builtin_edges);
    tcase_add_test(err, test_err_line_length);
    tcase_add_test(err, test_err_include_depth);
    tcase_add_test(err, bad_header_drops_its_keys);
    tcase_add_test(err, no_extends_errors_after_load_errors);
    tcase_add_test(err, unknown_key_section_settles_hint);
    tcase_set_timeout(sem, 20);
    tcase_add_test(sem, test_precedence);
    tcase_add_test(sem, test_extends_c3_order);
    tcase_add_test(sem, general_stays_last_in_extends);
    tcase_add_test(sem, test_enum_blanks_canonical);
    tcase_add_test(sem, test_entities);
    tcase_add_test(sem, new_entity_near_a_builtin_warns);
    tcase_add_test(sem, star_keys_name_no_entity);
    tcase_add_test(sem, test_wildcard_keys_apply);
    tcase_add_test(sem, quotes_keep_comment_characters);
    tcase_add_test(sem, values_for_file_read_back);
    tcase_add_test(sem, wildcards_follow_the_levels);
    tcase_add_test(sem, wildcard_gives_required_keys);
    tcase_add_test(sem, test_run_numbering);
    tcase_add_test(sem, test_sweep_quoted_items);
    tcase_add_test(sem, test_seed_set);
    tcase_add_test(sem, test_includes_digest);
    tcase_add_test(sem, inert_overrides_and_digest);
    tcase_add_test(sem, outer_axis_override_counts);
    tcase_add_test(sem, test_long_lines_comments);
    tcase_add_test(sem, bom_and_lone_quote);
    tcase_add_test(sem, include_restores_config_section);
    tcase_add_test(sem, unread_keys_reported);
    tcase_add_test(sem, include_override_either_way);
    tcase_add_test(sem, string_include_resolves_in_cwd);
    suite_add_tcase(s, err);
    suite_add_tcase(s, sem);
    return s;
}
