/* tests/check_engine.c -- the loop, the clock, ticks, end and PHOLD. */
#include "sim/engine.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "models/phold.h"
#include "sim/model.h"
#include "sim/param.h"
#include "sim/scenario.h"
#include "tests/suites.h"
#include <gsl/gsl_errno.h>
#include "sim/err.h"

struct log {
    sim_time at[64];
    uint32_t subj[64];
    int n;
    unsigned kind;
    int ticks, ends;
};

static void on_ev(struct engine *e, const struct evq_event *ev, void *m)
{
    struct log *l = m;

    ck_assert_int_eq(eng_now(e), ev->at);
    l->at[l->n] = ev->at;
    l->subj[l->n++] = ev->subject;
    if (ev->subject == 1)           /* schedules a follow-up at the same instant */
        eng_after(e, 0, l->kind, 100);
}

static void on_tick(struct engine *e, void *ctx)
{
    (void)e;
    ((struct log *)ctx)->ticks++;
}

static void on_end(struct engine *e, void *ctx)
{
    ck_assert_int_eq(eng_now(e), eng_end(e));
    ((struct log *)ctx)->ends++;
}

START_TEST(runs_in_time_order_and_stops_at_end)
{
    struct eng_config c = { .end = 100, .seed = 1 };
    struct engine *e = eng_new(&c);
    struct log l = { 0 };

    l.kind = eng_kind(e, "test", on_ev, &l);
    eng_at(e, 50, l.kind, 2);
    eng_at(e, 10, l.kind, 1);
    eng_at(e, 100, l.kind, 3);      /* at the end: never fires */
    eng_every(e, 0, 30, on_tick, &l);
    eng_at_end(e, on_end, &l);
    ck_assert_int_eq(eng_run(e), SIM_OK);
    ck_assert_int_eq(l.n, 3);
    ck_assert_int_eq(l.at[0], 10);
    ck_assert_int_eq(l.subj[0], 1);
    ck_assert_int_eq(l.subj[1], 100);   /* same instant, after its cause */
    ck_assert_int_eq(l.subj[2], 2);
    ck_assert_int_eq(l.ticks, 4);       /* 0, 30, 60, 90 */
    ck_assert_int_eq(l.ends, 1);
    ck_assert_uint_eq(eng_kind_events(e, l.kind), 3);
    eng_free(e);
}
END_TEST

START_TEST(cancelled_events_do_not_fire)
{
    struct eng_config c = { .end = 1000, .seed = 1 };
    struct engine *e = eng_new(&c);
    struct log l = { 0 };
    evq_id id;

    l.kind = eng_kind(e, "test", on_ev, &l);
    id = eng_at(e, 20, l.kind, 7);
    eng_at(e, 30, l.kind, 8);
    ck_assert(eng_cancel(e, id));
    eng_run(e);
    ck_assert_int_eq(l.n, 1);
    ck_assert_int_eq(l.subj[0], 8);
    eng_free(e);
}
END_TEST

static void failing(struct engine *e, const struct evq_event *ev, void *m)
{
    (void)ev; (void)m;
    eng_fail(e, "test.invariant", "deliberate %d", 42);
    eng_fail(e, "test.other", "second");   /* the first is what is kept */
}

START_TEST(a_failed_invariant_stops_the_run)
{
    struct eng_config c = { .end = 1000, .seed = 1 };
    struct engine *e = eng_new(&c);
    unsigned k = eng_kind(e, "fail", failing, NULL);

    eng_at(e, 5, k, 0);
    eng_at(e, 6, k, 0);
    ck_assert_ptr_null(eng_fail_reason(e));
    ck_assert_int_eq(eng_run(e), SIM_ECHECK);
    ck_assert_uint_eq(eng_events(e), 1);
    /* the result directory's FAILED file gets this line */
    ck_assert_str_eq(eng_fail_reason(e),
                     "invariant test.invariant violated at t=0.000000 h: deliberate 42");
    eng_free(e);
}
END_TEST

/* A signal during a run of fewer than 4096 events (the polling interval)
 * must still stop it: the flag is looked at once more when the queue is
 * done, before the end-of-run hooks. */
static volatile sig_atomic_t test_flag;

static void raises_flag(struct engine *e, const struct evq_event *ev, void *m)
{
    (void)e; (void)ev; (void)m;
    test_flag = 1;
}

START_TEST(a_short_run_sees_the_interrupt)
{
    struct eng_config c = { .end = 1000, .seed = 1 };
    struct engine *e = eng_new(&c);
    unsigned k = eng_kind(e, "flag", raises_flag, NULL);
    struct log l = { 0 };

    test_flag = 0;
    eng_interrupt_on(e, &test_flag);
    eng_at(e, 5, k, 0);
    eng_at_end(e, on_end, &l);
    ck_assert_int_eq(eng_run(e), SIM_EINTR);
    ck_assert_int_eq(l.ends, 0);
    eng_free(e);
}
END_TEST

/* PHOLD's committed count depends only on the streams: our 4-ary heap and
 * the reference binary heap must agree exactly, and a rerun must too. */
START_TEST(phold_same_count_on_both_engines)
{
    struct phold_config c = { 256, 4, 50 * SIM_SEC, 0.25, SIM_SEC, SIM_SEC / 10,
                              (uint64_t)_i + 1 };
    struct phold_result a, b, r;

    ck_assert_int_eq(phold_run_engine(&c, &a), SIM_OK);
    ck_assert_int_eq(phold_run_engine(&c, &b), SIM_OK);
    ck_assert_int_eq(phold_run_reference(&c, &r), SIM_OK);
    ck_assert_uint_eq(a.committed, b.committed);
    ck_assert_uint_eq(a.committed, r.committed);
    /* about N*E*END/(mean+lookahead) = 256*4*50/1.1 = 46545 */
    ck_assert_uint_gt(a.committed, 44000);
    ck_assert_uint_lt(a.committed, 49000);
}
END_TEST

/* A model whose setup fails without a word. */
static void *silent_setup(struct engine *e, const struct scn_run *run, struct diag *d)
{
    (void)e; (void)run; (void)d;
    return NULL;
}

static void *loud_setup(struct engine *e, const struct scn_run *run, struct diag *d)
{
    (void)e;
    scn_error(d, run, "sim.model", "loud");
    return NULL;
}

/* A setup that returns NULL and reports nothing is a model bug: validate
 * said "valid" and run stopped with exit 2 and no reason. sim_run_setup
 * turns the silence into an error naming the run; a setup that gave its
 * own reason is left alone. */
START_TEST(a_silent_setup_failure_is_an_error)
{
    struct sim_model m = { "silent", "", NULL, silent_setup, NULL, NULL };
    char *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&buf, &len));
    struct param_registry *reg = preg_new();
    struct scn *s;
    struct scn_study *st;
    struct scn_run *run;
    struct eng_config ec;
    struct engine *e;

    sim_register_all_params(reg);
    s = scn_load_string("t.ini", "[General]\nsim.model = phold\n", reg, &d);
    ck_assert_ptr_nonnull(s);
    st = scn_study_new(s, NULL, NULL, &d);
    ck_assert_ptr_nonnull(st);
    run = scn_run_new(st, 0, &d);
    ck_assert_ptr_nonnull(run);
    ck_assert_int_eq(eng_config_from_run(run, &ec, &d), SIM_OK);
    e = eng_new(&ec);
    ck_assert_ptr_null(sim_run_setup(&m, e, run, &d));
    ck_assert_int_eq(d.nerrors, 1);
    m.setup = loud_setup;
    ck_assert_ptr_null(sim_run_setup(&m, e, run, &d));
    ck_assert_int_eq(d.nerrors, 2);
    fclose(d.out);
    ck_assert_msg(strstr(buf, "t.ini:2: error: run 0 could not be set up: model 'silent'"),
                  "got: %s", buf);
    ck_assert_ptr_null(strstr(strstr(buf, "\n") + 1, "could not be set up"));
    free(buf);
    eng_free(e);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    preg_free(reg);
}
END_TEST

/* Running out of memory is the machine's limit, not a bug: exit 3, which a
 * sweep counts as a lost run, not abort() (134) as for an internal error.
 * GSL reports its own failed allocations (gsl_rng_alloc for a new stream)
 * through the installed handler before its caller sees the NULL; the
 * handler aborted on them. Each runs in Check's forked child. */
START_TEST(gsl_out_of_memory_exits_3)
{
    sim_install_gsl_handler();
    gsl_error("failed to allocate space for rng state", __FILE__, __LINE__, GSL_ENOMEM);
}
END_TEST

START_TEST(sim_oom_exits_3)
{
    SIM_OOM("test: out of memory");
}
END_TEST

/* A silent diag counts what it is told and prints nothing: a probe that
 * tries something quietly (merge's inert-override check rebuilding a
 * study, MPI ranks other than 0, the stats' optional params.csv) needs
 * the count, not the text. Each once opened /dev/null for it. */
START_TEST(a_silent_diag_counts_and_prints_nothing)
{
    char *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_SILENT;
    struct srcloc at = { "x.ini", 3 };

    d.out = open_memstream(&buf, &len);
    ck_assert_int_eq(diag_error(&d, &at, "bad %d", 1), SIM_EINVAL);
    diag_warn(&d, &at, "odd");
    diag_note(&d, NULL, "by the way");
    fclose(d.out);
    ck_assert_int_eq(d.nerrors, 1);
    ck_assert_int_eq(d.nwarnings, 1);
    ck_assert_uint_eq(len, 0);
    free(buf);
}
END_TEST

Suite *engine_suite(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, runs_in_time_order_and_stops_at_end);
    tcase_add_test(tc, cancelled_events_do_not_fire);
    tcase_add_test(tc, a_failed_invariant_stops_the_run);
    tcase_add_test(tc, a_short_run_sees_the_interrupt);
    tcase_add_test(tc, a_silent_setup_failure_is_an_error);
    tcase_add_exit_test(tc, gsl_out_of_memory_exits_3, SIM_EXIT_NOMEM);
    tcase_add_exit_test(tc, sim_oom_exits_3, SIM_EXIT_NOMEM);
    tcase_add_test(tc, a_silent_diag_counts_and_prints_nothing);
    tcase_add_loop_test(tc, phold_same_count_on_both_engines, 0, 3);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
