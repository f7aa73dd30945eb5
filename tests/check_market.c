/* tests/check_market.c -- whole-market runs in-process: determinism,
 * conservation, a known answer, abandonment, and the economic shape of
 * the default market (regression tests with stated tolerances). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "models/market.h"
#include "models/market_int.h"
#include "sim/engine.h"
#include "sim/model.h"
#include "sim/param.h"
#include "sim/results.h"
#include "sim/scenario.h"
#include "tests/suites.h"

/* A finished run (tests/check_helpers.c) and its results. */
struct outcome {
    struct test_run r;
    int rc;
    const struct results *res;
};

static struct outcome run_text(const char *text, const char *config, size_t number)
{
    struct test_run r = test_run_text(text, config, NULL, number);
    struct outcome o = { r, r.rc, eng_results(r.e) };

    ck_assert_msg(r.setup_ok, "the model rejected the scenario");
    return o;
}

static void done(struct outcome *o)
{
    eng_free(o->r.e);
}

static double get(const struct outcome *o, const char *metric, const char *kind,
                  const char *entity)
{
    return res_get(o->res, metric, kind, entity);
}

/* The sum of a metric's scalars over every entity. */
static double sum_of(const struct outcome *o, const char *metric)
{
    double sum = 0;

    for (size_t i = 0; i < res_scalar_count(o->res); i++) {
        const char *m, *k, *e, *u;
        double v;

        res_scalar_at(o->res, i, &m, &k, &e, &v, &u);
        if (strcmp(m, metric) == 0)
            sum += v;
    }
    return sum;
}

#define SMALL \
    "[General]\n" \
    "sim.model = market\n" \
    "sim.horizon = 20d\n" \
    "sim.warmup = 2d\n" \
    "sim.sample-interval = 6h\n" \
    "supply.gpus = 400\n"


/* Do a and b hold the same scalars and samples, bit for bit? */
static void assert_identical(const struct outcome *a, const struct outcome *b)
{
    size_t n = res_scalar_count(a->res);

    ck_assert_uint_eq(n, res_scalar_count(b->res));
    ck_assert_uint_eq(res_sample_count(a->res), res_sample_count(b->res));
    for (size_t i = 0; i < n; i++) {
        const char *m1, *k1, *e1, *u1, *m2, *k2, *e2, *u2;
        double v1, v2;

        res_scalar_at(a->res, i, &m1, &k1, &e1, &v1, &u1);
        res_scalar_at(b->res, i, &m2, &k2, &e2, &v2, &u2);
        ck_assert_str_eq(m1, m2);
        ck_assert_str_eq(e1, e2);
        ck_assert_msg(memcmp(&v1, &v2, sizeof v1) == 0, "%s %s %s: %.17g vs %.17g",
                      m1, k1, e1, v1, v2);      /* bit-identical */
    }
    for (size_t i = 0; i < res_sample_count(a->res); i++) {
        const char *m1, *k1, *e1, *m2, *k2, *e2;
        sim_time t1, t2;
        double v1, v2;

        res_sample_at(a->res, i, &t1, &m1, &k1, &e1, &v1);
        res_sample_at(b->res, i, &t2, &m2, &k2, &e2, &v2);
        ck_assert(t1 == t2 && strcmp(m1, m2) == 0 && strcmp(e1, e2) == 0);
        ck_assert_msg(memcmp(&v1, &v2, sizeof v1) == 0, "%s %s at %lld: %.17g vs %.17g",
                      m1, e1, (long long)t1, v1, v2);
    }
}

START_TEST(same_seed_same_results_byte_for_byte)
{
    struct outcome a = run_text(SMALL "seed = 11\n", NULL, 0);
    struct outcome b = run_text(SMALL "seed = 11\n", NULL, 0);
    struct outcome c = run_text(SMALL "seed = 12\n", NULL, 0);
    size_t n = res_scalar_count(a.res);
    int differ = 0;

    ck_assert_int_eq(a.rc, SIM_OK);
    assert_identical(&a, &b);
    /* a different seed must actually change something */
    for (size_t i = 0; i < n && i < res_scalar_count(c.res); i++) {
        const char *m1, *k1, *e1, *u1;
        double v1;

        res_scalar_at(a.res, i, &m1, &k1, &e1, &v1, &u1);
        if (get(&c, m1, k1, e1) != v1)
            differ++;
    }
    ck_assert_int_gt(differ, 10);
    done(&a);
    done(&b);
    done(&c);
}
END_TEST


/* The small market with 'extra' lines, searched pruned and in full
 * (market.search-prune = false): both runs must succeed, rent, and give
 * identical outputs. */
static void pruned_is_full(const char *extra)
{
    char a_text[1024], b_text[1024];
    struct outcome a, b;

    snprintf(a_text, sizeof a_text, SMALL "seed = 5\n%s", extra);
    snprintf(b_text, sizeof b_text, SMALL "seed = 5\n%smarket.search-prune = false\n", extra);
    a = run_text(a_text, NULL, 0);
    b = run_text(b_text, NULL, 0);
    ck_assert_int_eq(a.rc, SIM_OK);
    ck_assert_int_eq(b.rc, SIM_OK);
    ck_assert_double_gt(sum_of(&a, "jobs_started"), 100);
    assert_identical(&a, &b);
    done(&a);
    done(&b);
}
/* The search's cut-offs (models/market.c: least_price, key_bound) may only
 * skip what could not have entered a renter's top few: a run that reads
 * every bucket's first search-depth offers must come out the same, bit for
 * bit. Interruptible bids capped at bid-cap x the going ask (below
 * bid-fraction x a dear offer's ask), ties at whole micro-dollars (an
 * offer whose key equals the worst kept one still enters when its machine
 * number is lower), the score sort's noise and posted pricing all meet
 * the bounds here. */
START_TEST(pruned_search_finds_what_a_full_search_finds)
{
    static const char *const variants[] = {
        "",
        "archetype.*.sort = price\n",
        /* no storage: keys equal to their bound, ties at whole micro-dollars */
        "archetype.*.sort = price\narchetype.*.storage = 0\n",
        "archetype.*.sort = score\narchetype.*.p-interruptible = 0.6\n",
        "market.pricing = posted\n",
    };

    for (size_t k = 0; k < sizeof variants / sizeof *variants; k++)
        pruned_is_full(variants[k]);
}
END_TEST

/* The platform's books from the outputs. */
struct books {
    double spend, refunds, host, platform;
};

static struct books books_of(const struct outcome *o)
{
    return (struct books){ get(o, "renter_spend_usd", "platform", "all"),
                           get(o, "refunds_usd", "platform", "all"),
                           get(o, "host_revenue_usd", "platform", "all"),
                           get(o, "platform_revenue_usd", "platform", "all") };
}

START_TEST(money_is_conserved_and_jobs_accounted)
{
    struct outcome o = run_text(SMALL "seed = 3\n", NULL, 0);
    struct books b = books_of(&o);
    double spend = b.spend, refunds = b.refunds, host = b.host, platform = b.platform;

    /* The exact check ran inside the model (bill_check, in micro-dollars)
     * and would have failed the run; this repeats it from the outputs. */
    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_double_gt(spend, 0);
    ck_assert_double_lt(fabs(spend - refunds - host - platform), 1e-6);
    /* platform take is 20% of every line, so about 20% of the net */
    ck_assert_double_lt(fabs(platform / (spend - refunds) - 0.20), 0.005);
    /* Every job that arrived after the warm-up has ended one way or the
     * other or is still in the system, per archetype, in the outputs
     * too: all six, each with jobs to count. */
    {
        int narch = 0;

        for (size_t i = 0; i < res_scalar_count(o.res); i++) {
            const char *m, *k, *e, *u;
            double arrived;

            res_scalar_at(o.res, i, &m, &k, &e, &arrived, &u);
            if (strcmp(m, "jobs_arrived") != 0 || strcmp(k, "archetype") != 0)
                continue;
            narch++;
            ck_assert_msg(arrived > 0, "%s: no jobs arrived", e);
            ck_assert_msg(arrived == get(&o, "jobs_completed", "archetype", e) +
                                     get(&o, "jobs_abandoned", "archetype", e) +
                                     get(&o, "jobs_running_at_end", "archetype", e),
                          "%s: %g arrived != %g completed + %g abandoned + %g running", e,
                          arrived, get(&o, "jobs_completed", "archetype", e),
                          get(&o, "jobs_abandoned", "archetype", e),
                          get(&o, "jobs_running_at_end", "archetype", e));
        }
        ck_assert_int_eq(narch, 6);
    }
    done(&o);
}
END_TEST

/* Hosts price net of the take, so a higher fee reaches renters: their
 * price per GPU-hour rises with it (a take the hosts ignored left every
 * renter-side number unchanged, bit for bit), though by less than the
 * gross-up (1/0.7 = 1.43): demand falls and idle hosts cut their asks.
 * Pooled over five seeds: in one 400-GPU market of 20 days the rise
 * ranges from 1% to 35% with the seed (seed 3 alone: 1.105 once, 1.011
 * after renters' back-off started again at each rental), around 1.2. */
START_TEST(fee_reaches_renters)
{
    double spend[2] = { 0, 0 }, hours[2] = { 0, 0 }, p_lo, p_hi;

    for (int seed = 3; seed <= 7; seed++)
        for (int k = 0; k < 2; k++) {
            char text[256];
            struct outcome o;

            snprintf(text, sizeof text, SMALL "seed = %d\nmarket.fee = %s\n", seed,
                     k ? "0.3" : "0");
            o = run_text(text, NULL, 0);
            ck_assert_int_eq(o.rc, SIM_OK);
            spend[k] += sum_of(&o, "spend_usd");
            hours[k] += sum_of(&o, "paid_gpu_h");
            done(&o);
        }
    p_lo = spend[0] / hours[0];
    p_hi = spend[1] / hours[1];
    ck_assert_msg(p_hi > 1.05 * p_lo && p_hi < 1.0 / 0.7 * p_lo + 1e-9,
                  "price per GPU-hour %g at fee 0, %g at fee 0.3", p_lo, p_hi);
}
END_TEST

/* The take is the fee as written, not the nearest basis point: 0.12345
 * of the charges, each line rounded to the micro-dollar (a bias far
 * below 1e-7 of the total); 0.1235 would be 4e-4 off. */
START_TEST(fee_applies_as_written)
{
    struct outcome o = run_text(SMALL "seed = 3\nmarket.fee = 0.12345\n", NULL, 0);
    struct books b = books_of(&o);
    double spend = b.spend, refunds = b.refunds, platform = b.platform;

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_double_gt(spend, 1000);
    ck_assert_double_lt(fabs(platform / (spend - refunds) / 0.12345 - 1), 1e-5);
    done(&o);
}
END_TEST

/* Each of finish's checks catches its own kind of broken book (the state
 * is tampered with after the loop): run time beyond a machine's time up,
 * paid GPU-time beyond the market's, a job that vanished, utilisation
 * above 1. Untouched, the same run passes (the test above). */
static void more_run_than_up(void *state)
{
    struct machine *m = &((struct market *)state)->m[0];

    m->run_gpu_us += (int64_t)m->up_us_total * m->ngpu + 1;
}

static void paid_beyond_capacity(void *state)
{
    ((struct market *)state)->ar[0].paid_gpu_h[0] += 1e9;
}

static void a_job_vanishes(void *state)
{
    ((struct market *)state)->ar[1].arrived_all++;
}

static void a_warm_up_job_vanishes(void *state)
{
    struct market *mk = state;

    for (size_t i = 0; i < mk->nj; i++)
        if (mk->j[i].state != J_DONE && mk->j[i].arrived < eng_warmup(mk->e)) {
            mk->j[i].state = J_DONE;    /* gone, through no path that counts it */
            return;
        }
    ck_abort_msg("no warm-up job left in the system to lose");
}

static void busier_than_possible(void *state)
{
    ((struct market *)state)->cls_run_h[1] *= 4;
}

START_TEST(finish_catches_broken_books)
{
    static const struct {
        void (*tamper)(void *state);
        const char *invariant;
    } cases[] = {
        { more_run_than_up, "invariant capacity violated" },
        { paid_beyond_capacity, "invariant capacity violated" },
        { a_job_vanishes, "invariant jobs.accounted violated" },
        { a_warm_up_job_vanishes, "invariant jobs.accounted violated" },
        { busier_than_possible, "invariant utilisation.range violated" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        /* company jobs of some 50 days: warm-up arrivals still running at
         * the end, for the case that loses one */
        struct test_run r = test_run_tampered(SMALL "seed = 3\n"
                                              "archetype.company.work-median = 1200\n",
                                              cases[i].tamper);

        ck_assert_int_eq(r.rc, SIM_ECHECK);
        ck_assert_msg(eng_fail_reason(r.e) && strstr(eng_fail_reason(r.e), cases[i].invariant),
                      "case %zu: %s", i, eng_fail_reason(r.e) ? eng_fail_reason(r.e) : "(none)");
        eng_free(r.e);
    }
}
END_TEST

/* Only RTX 4090s, whose DLPerf is exactly the reference, posted price, no
 * failures, no storage or bandwidth charges, no take: every completed
 * 1-GPU job of 2 reference-GPU-hours runs exactly 2 h and pays exactly
 * 2 x the posted price. */
START_TEST(known_answer_price_times_hours)
{
    const char *text =
        "[General]\n"
        "sim.model = market\n"
        "sim.horizon = 10d\n"
        "seed = 5\n"
        "supply.gpus = 8\n"
        "supply.join-rate = 0\n"
        "supply.leave-rate = 0\n"
        "supply.gpu-models = RTX 4090\n"
        "market.reference-dlperf = 97.2\n"     /* the 4090's observed median */
        "market.dlperf-derate-scale = 0\n"
        "market.pricing = posted\n"
        "market.fee = 0\n"
        "hostclass.hobbyist.share = 1\n"
        "hostclass.farm.share = 0\n"
        "hostclass.datacenter.share = 0\n"
        "hostclass.hobbyist.machine-gpus = 1:1\n"
        "hostclass.hobbyist.mtbf = 100000d\n"
        "hostclass.hobbyist.failed-start-prob = 0\n"
        "hostclass.hobbyist.verified-prob = 1\n"
        "hostclass.hobbyist.storage-price = 0\n"
        "hostclass.hobbyist.bandwidth-price = 0\n"
        "hostclass.hobbyist.pue = 1.3\n"
        "hostclass.hobbyist.amortisation = 1000d\n"
        "region.us.share = 1\n"
        "region.us.electricity = 0.20\n"
        "region.asia.share = 0\n"
        "region.canada.share = 0\n"
        "region.europe.share = 0\n"
        "region.nordics.share = 0\n"
        "reliability.verify-threshold = 0\n"
        "archetype.academic.rate = 0\n"
        "archetype.indie.rate = 0\n"
        "archetype.company.rate = 0\n"
        "archetype.consultant.rate = 0\n"
        "archetype.enterprise.rate = 0\n"
        "archetype.hobbyist.rate = 300\n"
        "archetype.hobbyist.gpus = 1:1\n"
        "archetype.hobbyist.work-median = 2\n"
        "archetype.hobbyist.work-sigma = 0\n"
        "archetype.hobbyist.mix = finetune:1\n"
        "workload.finetune.work-scale = 1\n"
        "archetype.hobbyist.value = 100\n"
        "archetype.hobbyist.p-ondemand = 1\n"
        "archetype.hobbyist.p-interruptible = 0\n"
        "archetype.hobbyist.p-reserved = 0\n"
        "archetype.hobbyist.checkpoint = none\n"
        "archetype.hobbyist.min-reliability = 0\n";
    struct outcome o = run_text(text, NULL, 0);
    double done_jobs = get(&o, "jobs_completed", "archetype", "hobbyist");
    double running = get(&o, "jobs_running_at_end", "archetype", "hobbyist");
    double spend = get(&o, "spend_usd", "archetype", "hobbyist");
    double realised = get(&o, "price_ondemand_mean", "gpu", "RTX 4090");
    double paid = get(&o, "paid_gpu_h", "archetype", "hobbyist");
    /* The posted rule (models/market.c, fleet_floor): the fleet-average
     * cost floor, power at the classes' average PUE and the regions'
     * average electricity price plus the street price over the average
     * amortisation, times market.posted-markup (default 1.8). Here one
     * class (PUE 1.3, 1000 days) and one region ($0.20/kWh); the RTX 4090
     * in data/gpus.csv: 450 W, $1599. (0.45 x 1.3 x 0.20 + 1599 / 24000)
     * x 1.8 = (0.117 + 0.066625) x 1.8 = $0.330525/h, whole micro-dollars.
     * (Fixed constants of PUE 1.2, $0.14 and 900 days gave $0.269330.) */
    double price = (0.45 * 1.3 * 0.20 + 1599.0 / (1000 * 24)) * 1.8;

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_double_gt(done_jobs, 20);
    ck_assert_double_lt(fabs(realised - price), 1e-6);
    ck_assert_double_lt(fabs(get(&o, "price_paid_per_gpu_h", "archetype", "hobbyist") - price),
                        1e-6);
    /* the posted price is fixed: every GPU-hour costs the same */
    ck_assert_double_lt(fabs(spend - price * paid), 1e-6 * spend + 1e-6);
    /* completed jobs ran 2 h each; a running one at most 2 h so far */
    ck_assert_double_ge(paid, 2.0 * done_jobs - 1e-9);
    ck_assert_double_le(paid, 2.0 * (done_jobs + running) + 1e-9);
    /* Seed 5 brings 29 jobs in 10 days and none in the last 2 h (about a
     * one-in-five chance that one would): all have finished, so the exact
     * check below applies. Should a change of the random streams leave a
     * job running, move the seed rather than skip the check. */
    ck_assert_double_eq(running, 0);
    ck_assert_double_lt(fabs(spend - 2.0 * price * done_jobs), 1e-6);
    /* 8 GPUs x 240 h is the most that can be rented */
    ck_assert_double_le(paid, 8 * 240.0);
    ck_assert_double_eq(get(&o, "platform_revenue_usd", "platform", "all"), 0);
    done(&o);
}
END_TEST

START_TEST(a_job_that_cannot_be_placed_waits_then_abandons)
{
    /* Renters need 200 GB of VRAM: no GPU has it. */
    struct outcome o = run_text(SMALL "seed = 1\n"
                                "archetype.indie.vram = 200\n"
                                "archetype.indie.patience = 6h\n", NULL, 0);
    double arrived = get(&o, "jobs_arrived", "archetype", "indie");
    double abandoned = get(&o, "jobs_abandoned", "archetype", "indie");
    double waiting = get(&o, "jobs_running_at_end", "archetype", "indie");

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_double_gt(arrived, 50);
    ck_assert_double_eq(get(&o, "jobs_started", "archetype", "indie"), 0);
    ck_assert_double_eq(arrived, abandoned + waiting);
    /* only jobs from the last patience window can still be waiting */
    ck_assert_double_lt(waiting, arrived * 0.1);
    ck_assert_double_eq(get(&o, "spend_usd", "archetype", "indie"), 0);
    /* They wait before they abandon. Little's law: the mean number of
     * indie jobs waiting (demand_waiting, sampled every 6 h after the
     * warm-up) is the arrival rate times the mean wait. A renter gives up
     * only at a search whose next one would fall past its 6 h patience,
     * so the wait is below 6 h; searches come every 0.5 h, 1 h, 2 h ...
     * on average (the indie retry, doubling), so the first two (1.5 h on
     * average, past 6 h about once in 60) nearly always happen: the mean
     * wait is well above 1 h. A renter abandoning at once (patience
     * ignored) waits 0 h. */
    {
        double sum = 0, n = 0, lambda, w;

        for (size_t i = 0; i < res_sample_count(o.res); i++) {
            sim_time t;
            const char *m, *k, *e;
            double v;

            res_sample_at(o.res, i, &t, &m, &k, &e, &v);
            if (t >= 2 * SIM_DAY && strcmp(m, "demand_waiting") == 0 &&
                strcmp(e, "indie") == 0) {
                sum += v;
                n++;
            }
        }
        ck_assert_double_gt(n, 50);
        lambda = arrived / (18 * 24.0);
        w = sum / n / lambda;
        ck_assert_msg(w > 1 && w < 6, "mean wait %g h before abandoning (patience 6 h)", w);
    }
    done(&o);
}
END_TEST

/* Renters who find nothing look again after exponential gaps whose mean
 * doubles from their retry interval up to 16 times it (docs/PARAMS.md),
 * and give up at a search whose next one would fall past their
 * patience. Nothing fits these renters (200 GB of VRAM), so each searches
 * 1 + max{k : G_0 + ... + G_(k-1) <= 6 h} times, G_i of mean
 * 0.5 h x 2^min(i, 4): about 4.4 times on average (13 without the
 * back-off, 2.6 at four times the interval), estimated here by drawing
 * that rule directly. The market's searches (less those of renters still
 * waiting at the end) over the renters who gave up must agree within 4
 * standard errors. The test above (a mean wait between 1 and 6 h) passed
 * with the back-off gone and at four times the retry interval.
 * _i = 1: patience 60 h, where the cap matters (about 11.6 searches at
 * 16x, 8.5 at 32x: 6 h is over before the gaps reach their cap, and the
 * cap at 32x passed). */
static double searches_done, waiting_searches, gave_up;

static void count_searches(void *state)
{
    const struct market *mk = state;

    searches_done = (double)mk->searches;
    waiting_searches = 0;
    for (size_t i = 0; i < mk->nj; i++)
        if (mk->j[i].state == J_WAITING)
            waiting_searches += mk->j[i].retries;
    gave_up = 0;
    for (size_t a = 0; a < mk->nar; a++)
        gave_up += (double)mk->ar[a].abandoned_all;
}

START_TEST(renters_back_off_between_searches)
{
    struct test_run r = test_run_tampered(_i == 0
        ? "[General]\nsim.model = market\nsim.horizon = 5d\n"
          "sim.warmup = 0d\nsim.sample-interval = 1d\nsupply.gpus = 400\nseed = 6\n"
          "archetype.*.rate = 0\narchetype.indie.rate = 2000\narchetype.indie.vram = 200\n"
          "archetype.indie.patience = 6h\narchetype.indie.retry = 30min\n"
        : "[General]\nsim.model = market\nsim.horizon = 5d\n"
          "sim.warmup = 0d\nsim.sample-interval = 1d\nsupply.gpus = 400\nseed = 6\n"
          "archetype.*.rate = 0\narchetype.indie.rate = 1000\narchetype.indie.vram = 200\n"
          "archetype.indie.patience = 60h\narchetype.indie.retry = 30min\n", count_searches);
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    double sum = 0, sum2 = 0, mean, sd, got, patience = _i == 0 ? 6 : 60;
    const int n = 200000;

    ck_assert_int_eq(r.rc, SIM_OK);
    for (int i = 0; i < n; i++) {
        double t = 0, k = 1;

        for (int j = 0;; j++) {
            t += gsl_ran_exponential(g, 0.5 * (1 << (j < 4 ? j : 4)));
            if (t > patience)
                break;
            k++;
        }
        sum += k;
        sum2 += k * k;
    }
    mean = sum / n;
    sd = sqrt(sum2 / n - mean * mean);
    ck_assert_double_gt(gave_up, 1000);
    got = (searches_done - waiting_searches) / gave_up;
    ck_assert_msg(fabs(got - mean) <= 4 * sd / sqrt(gave_up) + 4 * sd / sqrt(n),
                  "%g searches per renter who gave up, %g expected", got, mean);
    gsl_rng_free(g);
    eng_free(r.e);
}
END_TEST

/* A renter that keeps finding nothing stays backed off at 16x its retry
 * interval however long it waits: its count of searches never wraps
 * back below 4 (it was a byte: after 256 searches the next gap had the
 * bare interval's mean again, and the count said 0). Nothing fits these
 * renters (200 GB of VRAM) and none gives up (patience 100,000 h), so
 * every search but none other left exactly one count on a waiting
 * renter: the market's searches equal the waiting renters' counts. At a
 * 3.6 s retry a renter waiting a day searches about 86,400 / 57.6 = 1,500
 * times, well past 255. */
START_TEST(long_waits_stay_backed_off)
{
    struct test_run r = test_run_tampered("[General]\nsim.model = market\nsim.horizon = 1d\n"
        "sim.warmup = 0d\nsim.sample-interval = 1d\nsupply.gpus = 100\nseed = 6\n"
        "archetype.*.rate = 0\narchetype.indie.rate = 200\narchetype.indie.vram = 200\n"
        "archetype.indie.patience = 100000h\narchetype.indie.retry = 0.001h\n",
        count_searches);

    ck_assert_int_eq(r.rc, SIM_OK);
    ck_assert_double_eq(gave_up, 0);
    ck_assert_double_gt(searches_done, 10 * 256);
    ck_assert_msg(searches_done == waiting_searches, "%g searches, %g counted by the renters",
                  searches_done, waiting_searches);
    eng_free(r.e);
}
END_TEST

/* Runs 'text', whose academics hold grants of $2 a job: more than ten
 * stop for want of budget, and what they spend per job started is within
 * 25% of the grant (budgets are checked every 3-hour repricing tick, so a
 * job may overshoot by part of one tick). */
static void expect_grants_stop(const char *text)
{
    struct outcome o = run_text(text, NULL, 0);

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_double_gt(get(&o, "jobs_out_of_budget", "archetype", "academic"), 10);
    ck_assert_double_le(get(&o, "spend_usd", "archetype", "academic") /
                        get(&o, "jobs_started", "archetype", "academic"), 2.0 * 1.25);
    done(&o);
}

/* A grant of $2 per job: academics' instances stop when it runs out. */
START_TEST(credits_that_run_out_stop_instances)
{
    /* without a grant (budget 0; the default, 400 USD, is one too, and a
     * long job named on a slow card can spend it) the same renters spend
     * far more a job, and none is stopped */
    struct outcome free_o = run_text(SMALL "seed = 2\narchetype.academic.budget = 0\n", NULL, 0);

    expect_grants_stop(SMALL "seed = 2\narchetype.academic.budget = 2\n");
    ck_assert_double_gt(get(&free_o, "spend_usd", "archetype", "academic") /
                        get(&free_o, "jobs_started", "archetype", "academic"), 2.0 * 2);
    ck_assert_double_eq(get(&free_o, "jobs_out_of_budget", "archetype", "academic"), 0);
    done(&free_o);
}
END_TEST

/* Credits run out under posted prices too: the budget check rides on the
 * repricing tick, which a posted market still runs (only the hosts'
 * repricing is off). The same $2 grants as above: academics' instances
 * stop, within part of one tick of the grant. A tick that returned before
 * checking budgets let every academic spend past it. */
START_TEST(credits_run_out_under_posted_prices)
{
    expect_grants_stop(SMALL "seed = 2\nmarket.pricing = posted\narchetype.academic.budget = 2\n");
}
END_TEST

/* Renters who top up (archetype.*.topup): each time a job's credits run
 * out its renter adds another 'budget' with probability topup. The $2
 * grants of credits_that_run_out_stop_instances, topup 0.5:
 *  - billed at once (topup-delay 0): every run-out is a fair coin, so
 *    credit_topups / jobs_out_of_budget is a binomial proportion around
 *    0.5 (within 4 standard errors);
 *  - by hand, after an exponential delay of mean 1 day, within a grace
 *    of 1 day: a run-out is topped up when the coin says so and the delay
 *    beats the grace, 0.5 x (1 - e^-1) = 0.316 of them, less the few whose
 *    top-up would fall past the end of the run (within 4 standard errors
 *    and 0.03 below);
 *  - always, billed at once (topup 1): every run-out is topped up, and a
 *    job runs out again each time it has spent another $2, so there are
 *    many more run-outs (more than twice) than with no top-ups, where each
 *    job that runs out does so once;
 * and with top-ups academic jobs' instances run longer, so the same
 * renters spend more a job started than with none. */
START_TEST(renters_top_up_at_the_set_rate)
{
    struct outcome now = run_text(SMALL "seed = 2\narchetype.academic.budget = 2\n"
                                  "archetype.academic.topup = 0.5\n"
                                  "archetype.academic.topup-delay = 0\n", NULL, 0);
    struct outcome later = run_text(SMALL "seed = 2\narchetype.academic.budget = 2\n"
                                    "market.credit-grace = 1d\narchetype.academic.topup = 0.5\n"
                                    "archetype.academic.topup-delay = 24h\n", NULL, 0);
    struct outcome none = run_text(SMALL "seed = 2\narchetype.academic.budget = 2\n", NULL, 0);
    struct outcome always = run_text(SMALL "seed = 2\narchetype.academic.budget = 2\n"
                                     "archetype.academic.topup = 1\n"
                                     "archetype.academic.topup-delay = 0\n", NULL, 0);
    double n = get(&now, "jobs_out_of_budget", "archetype", "academic");
    double k = get(&now, "credit_topups", "archetype", "academic");
    double p = 0.5 * (1 - exp(-1.0));

    ck_assert_int_eq(now.rc, SIM_OK);
    ck_assert_int_eq(later.rc, SIM_OK);
    ck_assert_double_gt(n, 100);
    ck_assert_msg(fabs(k / n - 0.5) < 4 * sqrt(0.25 / n), "%g of %g run-outs topped up", k, n);
    ck_assert_int_eq(none.rc, SIM_OK);
    ck_assert_double_eq(get(&none, "credit_topups", "archetype", "academic"), 0);
    ck_assert_int_eq(always.rc, SIM_OK);
    ck_assert_double_eq(get(&always, "credit_topups", "archetype", "academic"),
                        get(&always, "jobs_out_of_budget", "archetype", "academic"));
    ck_assert_double_gt(get(&always, "jobs_out_of_budget", "archetype", "academic"),
                        2 * get(&none, "jobs_out_of_budget", "archetype", "academic"));
    ck_assert_double_gt(get(&now, "spend_usd", "archetype", "academic") /
                        get(&now, "jobs_started", "archetype", "academic"),
                        1.1 * get(&none, "spend_usd", "archetype", "academic") /
                        get(&none, "jobs_started", "archetype", "academic"));
    n = get(&later, "jobs_out_of_budget", "archetype", "academic");
    k = get(&later, "credit_topups", "archetype", "academic");
    ck_assert_double_gt(n, 100);
    ck_assert_msg(k / n < p + 4 * sqrt(p * (1 - p) / n) &&
                  k / n > p - 0.03 - 4 * sqrt(p * (1 - p) / n),
                  "%g of %g run-outs topped up, expected %.3f of them", k, n, p);
    done(&none);
    done(&always);
    done(&now);
    done(&later);
}
END_TEST

/* A top-up after a delay happens while the stopped instance waits out its
 * grace: with no grace the instance is deleted when the credits run out,
 * so the setting could never act, and the run is refused, at the line
 * that set it. Billed at once (topup-delay 0) it needs no grace: the
 * first run of renters_top_up_at_the_set_rate has none. */
START_TEST(a_delayed_top_up_needs_a_grace)
{
    int n;
    char *buf = test_setup_errors("t.ini", "[General]\nsim.model = market\n"
                                  "[archetype academic]\nbudget = 50\ntopup = 0.3\n", &n);

    ck_assert_msg(strstr(buf, "t.ini:5: error: archetype academic: topup = 0.3 after "
                              "topup-delay needs market.credit-grace > 0"), "%s", buf);
    ck_assert_int_eq(n, 1);
    free(buf);
}
END_TEST

/* Every dollar a renter spends belongs to one job, and every job that
 * arrived ends one of three ways by the end of the run: completed, given
 * up, or still in the system. With no warm-up every job and every charge
 * is measured, so for each archetype the whole-life spend of its jobs by
 * how they ended adds up to its spend (to the rounding of a sum of
 * doubles). A billing path that charged the ledger but not the job, or a
 * job counted under two fates or none, breaks the sum. The academics' $2
 * grants make sure some jobs are given up with money spent. */
START_TEST(job_spend_by_fate_adds_up_to_the_spend)
{
    static const char *const arch[] = { "academic", "indie", "hobbyist", "company",
                                        "consultant", "enterprise" };
    struct outcome o = run_text(SMALL "seed = 3\narchetype.academic.budget = 2\n"
                                "[Config NoWarmup]\nsim.warmup = 0d\n", "NoWarmup", 0);

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_double_gt(get(&o, "job_spend_abandoned_usd", "archetype", "academic"), 0);
    for (size_t i = 0; i < sizeof arch / sizeof arch[0]; i++) {
        double total = get(&o, "spend_usd", "archetype", arch[i]);
        double parts = get(&o, "job_spend_completed_usd", "archetype", arch[i]) +
                       get(&o, "job_spend_abandoned_usd", "archetype", arch[i]) +
                       get(&o, "job_spend_running_usd", "archetype", arch[i]);

        ck_assert_double_gt(total, 0);
        ck_assert_msg(fabs(parts - total) <= 1e-9 * total + 1e-6, "%s: %.9f by fate, %.9f spent",
                      arch[i], parts, total);
    }
    done(&o);
}
END_TEST

/* The GPU-hours behind each model's mean prices (booked per model) add
 * up to the hours renters paid for (booked per archetype): the weights
 * that pool models are the market's own hours, none lost or doubled. */
START_TEST(gpu_hours_by_model_add_up_to_paid_hours)
{
    struct outcome o = run_text(SMALL "seed = 4\n", NULL, 0);
    double by_model = sum_of(&o, "gpu_h_ondemand") + sum_of(&o, "gpu_h_interruptible") +
                      sum_of(&o, "gpu_h_reserved");
    double by_archetype = sum_of(&o, "paid_gpu_h");

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_double_gt(by_archetype, 1000);
    ck_assert_double_eq_tol(by_model, by_archetype, 1e-9 * by_archetype);
    done(&o);
}
END_TEST

/* A rate so small that the first gap overflows simulated time: the
 * arrival lies past the end of the run and never happens (it used to
 * wrap to a time in the past and abort the run). */
START_TEST(vanishing_arrival_rate_means_no_arrivals)
{
    struct outcome o = run_text(SMALL "archetype.academic.rate = 1e-300\n", NULL, 0);

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_double_eq(get(&o, "jobs_arrived", "archetype", "academic"), 0);
    ck_assert_double_gt(get(&o, "jobs_arrived", "archetype", "indie"), 0);
    done(&o);
}
END_TEST

/* A market of RTX 3090s at their cost floors (ask ceiling 1), where
 * companies reserve long jobs with $300 of credits each: a month's
 * prepay fits the credits, three months' do not, and the runs outlast
 * their month. */
#define RESERVING \
    "[General]\n" \
    "sim.model = market\n" \
    "sim.horizon = 120d\n" \
    "sim.warmup = 0d\n" \
    "sim.sample-interval = 1d\n" \
    "supply.gpus = 400\n" \
    "supply.gpu-models = RTX 3090\n" \
    "seed = 5\n" \
    "hostclass.hobbyist.ask-ceiling = 1\n" \
    "hostclass.farm.ask-ceiling = 1\n" \
    "hostclass.datacenter.ask-ceiling = 1\n" \
    "archetype.academic.rate = 0\n" \
    "archetype.indie.rate = 0\n" \
    "archetype.hobbyist.rate = 0\n" \
    "archetype.consultant.rate = 0\n" \
    "archetype.enterprise.rate = 0\n" \
    "archetype.company.rate = 3\n" \
    "archetype.company.p-ondemand = 0\n" \
    "archetype.company.p-interruptible = 0\n" \
    "archetype.company.p-reserved = 1\n" \
    "archetype.company.gpus = 1:1\n" \
    "archetype.company.vram = 16\n" \
    "archetype.company.big-model-prob = 0\n" \
    "archetype.company.work-median = 1500\n" \
    "archetype.company.work-sigma = 0.2\n"

/* Credits bound reservations too: a renter prepays only what its
 * credits cover (the month, not the quarter it wanted), and the time a
 * reservation runs past its prepaid end counts against the credits like
 * on-demand time. Each job so gets about its $300 worth and no more.
 * Prepaying the quarter anyway stops the jobs at once (about $60 spent
 * each, the refund less its fee); ignoring the time past the month lets
 * them spend over $400. */
START_TEST(reservations_stay_within_credits)
{
    struct outcome o = run_text(RESERVING "archetype.company.budget = 300\n", NULL, 0);
    double started = get(&o, "jobs_started", "archetype", "company");
    double spend = get(&o, "spend_usd", "archetype", "company");

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_double_ge(started, 20);
    ck_assert_double_gt(get(&o, "jobs_out_of_budget", "archetype", "company"), started / 4);
    /* at most one 3-hour tick over, at about $0.30/h */
    ck_assert_double_le(spend / started, 300 * 1.02);
    ck_assert_double_ge(spend / started, 300 * 0.8);
    done(&o);
}
END_TEST

/* The host caps the prepay discount (Vast's credit_discount_max): with no
 * budget and no discount on the quarter (which so never pays off), these
 * long jobs (1240 h and more) prepay the month at
 * market.reserve-discount-1m = 0.2, and a cap of 0.1 makes the same
 * prepay cost 0.9 / 0.8 as much (the month still pays off from 648 h).
 * Twenty days is short of every job and every term, so nothing is
 * refunded and the runs rent alike (the hosts' repricing reads
 * utilisation, not revenue): only the prepay amounts differ, and storage,
 * the same in both, keeps the ratio a little below 9/8. (With the
 * quarter at 0.3 the cap changes the term too: the quarter beats a month
 * then per second from 1656 h uncapped, from 2016 h capped.) */
START_TEST(host_caps_the_prepay_discount)
{
#define SHORT "[Config Short]\nsim.horizon = 20d\nmarket.reserve-discount-3m = 0\n"
    struct outcome free_cap = run_text(RESERVING SHORT, "Short", 0);
    struct outcome capped = run_text(RESERVING SHORT
                                     "hostclass.hobbyist.max-discount = 0.1\n"
                                     "hostclass.farm.max-discount = 0.1\n"
                                     "hostclass.datacenter.max-discount = 0.1\n", "Short", 0);
#undef SHORT
    double ratio;

    ck_assert_int_eq(free_cap.rc, SIM_OK);
    ck_assert_int_eq(capped.rc, SIM_OK);
    ck_assert_double_ge(get(&free_cap, "jobs_started", "archetype", "company"), 5);
    ck_assert_double_eq(get(&free_cap, "jobs_completed", "archetype", "company"), 0);
    ck_assert_double_eq(get(&free_cap, "paid_gpu_h", "archetype", "company"),
                        get(&capped, "paid_gpu_h", "archetype", "company"));
    ratio = get(&capped, "spend_usd", "archetype", "company") /
            get(&free_cap, "spend_usd", "archetype", "company");
    ck_assert_double_le(ratio, 0.9 / 0.8);
    ck_assert_double_ge(ratio, 0.9 / 0.8 - 0.01);
    done(&free_cap);
    done(&capped);
}
END_TEST

/* The mean prices by model are by contract type, as the price series
 * are: with every rental reserved, no GPU-hour is on-demand, so there is
 * no on-demand mean, and the reserved mean is what renters paid per
 * GPU-hour after the discount (the archetype's price_paid_per_gpu_h).
 * Reserved hours used to count in price_ondemand_mean at the
 * undiscounted ask (the reviewer's posted market: 0.220022, where
 * renters paid 0.154). */
START_TEST(reserved_hours_stay_out_of_the_on_demand_price)
{
    struct outcome o = run_text(RESERVING "[Config Short]\nsim.horizon = 20d\n"
                                "market.pricing = posted\nmarket.fee = 0\n", "Short", 0);
    double paid = get(&o, "paid_gpu_h", "archetype", "company");
    double reserved = get(&o, "price_reserved_mean", "gpu", "RTX 3090");

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_double_gt(paid, 1000);
    ck_assert_msg(isnan(get(&o, "price_ondemand_mean", "gpu", "RTX 3090")),
                  "price_ondemand_mean %g with no on-demand hour",
                  get(&o, "price_ondemand_mean", "gpu", "RTX 3090"));
    ck_assert_double_eq(get(&o, "gpu_h_ondemand", "gpu", "RTX 3090"), 0);
    ck_assert_double_eq_tol(get(&o, "gpu_h_reserved", "gpu", "RTX 3090"), paid, 1e-9 * paid);
    ck_assert_double_eq_tol(reserved, get(&o, "price_paid_per_gpu_h", "archetype", "company"),
                            1e-9 * reserved);
    done(&o);
}
END_TEST

/* Credits cover storage too: the hourly check counts the storage an
 * instance has run up (billed in one line when it ends) with its GPU
 * time, so no renter still running at the end owes more than its credits
 * and one hour besides. Counting the GPU time alone let these 200 GB
 * instances run on to an eighth over. */
static double worst_overrun;

static void credits_left(void *state)
{
    const struct market *mk = state;
    sim_time now = eng_now(mk->e);

    worst_overrun = -HUGE_VAL;
    for (size_t i = 0; i < mk->nc; i++) {
        const struct contract *c = &mk->c[i];
        const struct job *jb = &mk->j[c->job];
        const struct machine *m = &mk->m[c->machine];
        money owed;

        if (!c->in_use || jb->budget == 0)
            continue;
        owed = jb->spent +
               bill_storage_line(mk->hc[m->cls].storage_price, mk->ar[jb->arch].storage_gb,
                                 now - c->created);
        if (c->state == CS_RUNNING && (c->type != C_RESERVED || now > c->res_end))
            owed += bill_gpu_line(c->rate, c->gpus,
                                  now - (c->bill_start > c->res_end ? c->bill_start : c->res_end));
        if (money_to_usd(owed - jb->budget) > worst_overrun)
            worst_overrun = money_to_usd(owed - jb->budget);
    }
}

START_TEST(credits_cover_storage_too)
{
    struct test_run r = test_run_tampered(RESERVING "archetype.company.budget = 300\n",
                                          credits_left);

    ck_assert_int_eq(r.rc, SIM_OK);
    ck_assert(isfinite(worst_overrun));         /* some budgeted renters still run */
    /* an hour of an RTX 3090 at its floor and of 200 GB: well under $1 */
    ck_assert_double_le(worst_overrun, 1.0);
    eng_free(r.e);
}
END_TEST

/* The same for on-demand renters whose storage costs more than their
 * GPU: 1000 GB at 1 USD per GB-month is 1.39 USD an hour, an RTX 3090 at
 * its cost floor well under 1 USD. Credits of 5 USD are checked every
 * hour (the repricing interval), so no renter still running at the end
 * owes more than its credits and one hour of both (2.39 USD); nor can
 * what the renters who started spent, on average, pass that bound.
 * Leaving the storage out of the check passed the test above (its
 * renters no longer run into their credits with storage the larger
 * part), and here lets renters run until their GPU time alone has spent
 * the 5 USD: tens of dollars of storage each. */
START_TEST(credits_cover_storage_dearer_than_the_gpu)
{
    struct test_run r = test_run_tampered("[General]\nsim.model = market\nsim.horizon = 6d\n"
        "sim.warmup = 0d\nsim.sample-interval = 1d\nsupply.gpus = 200\nseed = 4\n"
        "supply.gpu-models = RTX 3090\nhostclass.*.ask-ceiling = 1\n"
        "hostclass.*.storage-price = 1\nmarket.reprice-interval = 1h\n"
        "archetype.*.rate = 0\narchetype.indie.rate = 100\narchetype.indie.storage = 1000\n"
        "archetype.indie.image = 0\narchetype.indie.budget = 5\n"
        "archetype.indie.work-median = 500\narchetype.indie.gpus = 1:1\n"
        "archetype.indie.vram = 16\narchetype.indie.big-model-prob = 0\n"
        "archetype.indie.p-ondemand = 1\narchetype.indie.p-interruptible = 0\n"
        "archetype.indie.p-reserved = 0\n", credits_left);
    const struct results *res = eng_results(r.e);
    double started = res_get(res, "jobs_started", "archetype", "indie");
    double bound = 5 + 1000 * 1.0 / 720 + 1.0;

    ck_assert_int_eq(r.rc, SIM_OK);
    ck_assert(isfinite(worst_overrun));         /* some budgeted renters still run */
    ck_assert_double_le(worst_overrun, bound - 5);
    ck_assert_double_gt(res_get(res, "jobs_out_of_budget", "archetype", "indie"), 20);
    ck_assert_double_gt(started, 20);
    ck_assert_double_le(res_get(res, "spend_usd", "archetype", "indie") / started, bound);
    eng_free(r.e);
}
END_TEST

/* supply.gpu-models holds for every host class, datacenters (whose tiers
 * have no consumer part) and hosts that join later included. */
START_TEST(supply_model_list_binds_every_class_and_joins)
{
    struct outcome o = run_text(RESERVING "supply.join-rate = 2\n", NULL, 0);

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_double_gt(get(&o, "gpus_joined", "gpu", "RTX 3090"), 50);
    /* every GPU that joined is an RTX 3090 */
    ck_assert_double_eq(sum_of(&o, "gpus_joined"), get(&o, "gpus_joined", "gpu", "RTX 3090"));
    for (size_t i = 0; i < res_sample_count(o.res); i++) {
        const char *m, *k, *e;
        sim_time t;
        double v;

        res_sample_at(o.res, i, &t, &m, &k, &e, &v);
        if (strcmp(m, "gpus_listed") == 0 && strcmp(e, "RTX 3090") != 0)
            ck_assert_msg(v == 0, "%s listed in a market of RTX 3090s", e);
    }
    done(&o);
}
END_TEST

/* The reliability histogram over time and the quantile series come from
 * two computations (counting into bins; sorting and interpolating): at
 * every sample, each class's median must lie in the bin where its
 * histogram's cumulative count passes half (give or take the
 * interpolation across a bin edge). */
START_TEST(reliability_histogram_over_time_agrees_with_quantiles)
{
    struct outcome o = run_text(SMALL "seed = 3\n", NULL, 0);
    static const char *const cls[] = { "hobbyist", "farm", "datacenter" };
    size_t checked = 0;

    ck_assert_int_eq(o.rc, SIM_OK);
    for (size_t c = 0; c < 3; c++) {
        char metric[64];

        snprintf(metric, sizeof metric, "reliability_hist_listed_%s", cls[c]);
        for (size_t i = 0; i < res_sample_count(o.res); i++) {
            const char *m, *k, *e;
            sim_time t, t2;
            double p50, count[50] = { 0 }, total = 0, cum = 0;

            res_sample_at(o.res, i, &t, &m, &k, &e, &p50);
            if (strcmp(m, "reliability_p50") != 0 || strcmp(e, cls[c]) != 0)
                continue;
            for (size_t j = 0; j < res_sample_count(o.res); j++) {
                double v;

                res_sample_at(o.res, j, &t2, &m, &k, &e, &v);
                if (t2 == t && strcmp(m, metric) == 0) {
                    int b = (int)lround((atof(e) - 0.5) / 0.01);

                    ck_assert(b >= 0 && b < 50 && v >= 0);
                    count[b] += v;
                    total += v;
                }
            }
            ck_assert_double_gt(total, 0);
            for (int b = 0; b < 50; b++) {
                cum += count[b];
                if (cum >= total / 2) {
                    double lo = 0.5 + 0.01 * b;

                    ck_assert_msg(p50 >= lo - 0.01 - 1e-9 && p50 <= lo + 0.02 + 1e-9,
                                  "%s at %lld: median %g, half the histogram at bin %g",
                                  cls[c], (long long)t, p50, lo);
                    checked++;
                    break;
                }
            }
        }
    }
    ck_assert_uint_gt(checked, 3 * 70);     /* 20 days of 6-hourly samples */
    done(&o);
}
END_TEST

START_TEST(bad_catalog_row_is_reported_with_file_and_row)
{
    int n;
    char *buf = test_setup_errors("t.ini", SMALL "market.catalog = tests/data/bad_catalog.csv\n",
                                  &n);

    ck_assert_ptr_nonnull(strstr(buf, "tests/data/bad_catalog.csv:3: error: column "
                                      "'fp32_tflops': expected a number, got \"abc\""));
    free(buf);
}
END_TEST

/* Values too large for any real part are rejected at their row: a
 * 1e20 W card used to overflow its host's cost floor in micro-dollars and
 * abort the run. */
START_TEST(absurd_catalog_values_are_out_of_range_at_their_row)
{
    int n;
    char *buf = test_setup_errors("t.ini", SMALL "market.catalog = tests/data/huge_catalog.csv\n",
                                  &n);

    ck_assert_ptr_nonnull(strstr(buf, "tests/data/huge_catalog.csv:3: error: column 'tdp_w': "
                                      "1e+20 is out of range (0, 100000]"));
    ck_assert_ptr_nonnull(strstr(buf, "tests/data/huge_catalog.csv:4: error: column "
                                      "'street_price_usd': 3e+09 is out of range"));
    free(buf);
}
END_TEST

/* The end-of-run reliability histograms count the machines still in the
 * market: with hosts leaving fast, most slots are hosts that left (they
 * keep their slot), which were counted too. */
static size_t machines_present, machines_gone;

static void count_present(void *state)
{
    const struct market *mk = state;

    machines_present = machines_gone = 0;
    for (size_t i = 0; i < mk->nm; i++)
        if (mk->m[i].leaving && mk->m[i].nclaims == 0)
            machines_gone++;
        else
            machines_present++;
}

START_TEST(reliability_histogram_counts_machines_still_there)
{
    struct test_run r = test_run_tampered(SMALL "seed = 5\nsupply.leave-rate = 20\n",
                                          count_present);
    const struct results *res = eng_results(r.e);
    double total = 0;
    size_t bins = 0;

    ck_assert_int_eq(r.rc, SIM_OK);
    for (size_t i = 0; i < res_scalar_count(res); i++) {
        const char *m, *k, *e, *u;
        double v;

        res_scalar_at(res, i, &m, &k, &e, &v, &u);
        if (strncmp(m, "reliability_hist_", 17) == 0) {
            total += v;
            bins++;
            /* lower edges 0.50 to 0.99 (docs/METRICS.md): a score of 1
             * counts in the last bin, there is no bin "1.00" */
            ck_assert_msg(atof(e) >= 0.5 && atof(e) <= 0.99 + 1e-9, "%s bin %s", m, e);
        }
    }
    ck_assert_uint_gt(machines_gone, machines_present / 2);
    ck_assert_double_eq(total, (double)machines_present);
    ck_assert_uint_eq(bins, 3 * 50);        /* 50 per host class, empty ones too */
    eng_free(r.e);
}
END_TEST

/* supply.gpus is reached in whole machines, so the supply may overshoot
 * it; demand scales with the GPUs built. Asking for 401 GPUs and for the
 * number actually built gives the same market, bit for bit (demand was
 * sized for the 401 asked). */
static size_t gpus_built;

/* GPUs on the machines built at the start (joined at t = 0). */
static void count_initial_gpus(void *state)
{
    const struct market *mk = state;

    gpus_built = 0;
    for (size_t i = 0; i < mk->nm; i++)
        if (mk->m[i].joined == 0)
            gpus_built += mk->m[i].ngpu;
}

START_TEST(demand_scales_with_the_gpus_built)
{
#define BUILT(n) "[General]\nsim.model = market\nsim.horizon = 10d\nsim.warmup = 2d\n" \
    "seed = 23\nhostclass.*.machine-gpus = 8:1\nsupply.gpus = " n "\n"
    struct test_run asked = test_run_tampered(BUILT("401"), count_initial_gpus);
    struct outcome a = { asked, asked.rc, eng_results(asked.e) }, b;
    char text[512], n[32];

    ck_assert_int_eq(a.rc, SIM_OK);
    ck_assert_uint_eq(gpus_built, 408);    /* 51 machines of 8 */
    snprintf(n, sizeof n, "%zu", gpus_built);
    snprintf(text, sizeof text, BUILT("%s"), n);
#undef BUILT
    b = run_text(text, NULL, 0);
    ck_assert_int_eq(b.rc, SIM_OK);
    assert_identical(&a, &b);
    done(&a);
    done(&b);
}
END_TEST

/* Every bad market value in a file is reported in one pass, each at its
 * own line. */
START_TEST(bad_market_values_are_all_reported_with_their_lines)
{
    int n;
    char *buf = test_setup_errors("bad.ini", "[General]\nsim.model = market\n"
                                  "[archetype academic]\ngpus = 1:0.5,3:0.5\nmix = foo:1\n"
                                  "[hostclass farm]\nmarkup-min = 3\nmarkup-max = 2\n"
                                  "disk = 4000:0.5,lots:0.5\n", &n);

    ck_assert_ptr_nonnull(strstr(buf, "bad.ini:4: error: archetype.academic.gpus: expected "
                                      "count:probability pairs"));
    ck_assert_ptr_nonnull(strstr(buf, "bad.ini:5: error: archetype.academic.mix: expected "
                                      "type:probability pairs"));
    ck_assert_ptr_nonnull(strstr(buf, "bad.ini:8: error: hostclass farm: markup-max 2 is "
                                      "below markup-min 3"));
    ck_assert_ptr_nonnull(strstr(buf, "bad.ini:9: error: hostclass.farm.disk: expected "
                                      "GB:probability pairs with whole numbers of GB from 1 to 1000000"));
    ck_assert_int_eq(n, 4);
    free(buf);
    /* a market with no supply names the line that zeroed it last */
    buf = test_setup_errors("none.ini", "[General]\nsim.model = market\n"
                            "hostclass.datacenter.share = 0\nhostclass.farm.share = 0\n"
                            "hostclass.hobbyist.share = 0\n", &n);
    ck_assert_ptr_nonnull(strstr(buf, "none.ini:5: error: every hostclass.*.share is zero"));
    free(buf);
    /* nor with every GPU model at share 0 (every machine was a B200) */
    buf = test_setup_errors("nogpu.ini", "[General]\nsim.model = market\ngpu.*.share = 0\n", &n);
    ck_assert_ptr_nonnull(strstr(buf, "nogpu.ini:3: error: gpu.rtx-3060.share: every gpu.*.share"));
    free(buf);
    /* a GPU model or workload that does not exist is named, with the
     * nearest that does (the keys matched gpu.* and were read by nobody) */
    buf = test_setup_errors("typo.ini", "[General]\nsim.model = market\n"
                            "gpu.h100sxm.share = 1\nworkload.trainng.work-scale = 3\n"
                            "gpu.h100-sxm.share = 2\nworkload.training.checkpointable = false\n", &n);
    ck_assert_ptr_nonnull(strstr(buf, "typo.ini:3: error: gpu.h100sxm.share: no gpu named "
                                      "'h100sxm' (did you mean 'h100-sxm'?)"));
    ck_assert_ptr_nonnull(strstr(buf, "typo.ini:4: error: workload.trainng.work-scale: no "
                                      "workload named 'trainng' (did you mean 'training'?)"));
    ck_assert_int_eq(n, 2);
    free(buf);
    /* a one-letter name is a name too: only '*' is the pattern */
    buf = test_setup_errors("one.ini", "[General]\nsim.model = market\n"
                            "gpu.x.share = 1\nworkload.q.work-scale = 2\n", &n);
    ck_assert_ptr_nonnull(strstr(buf, "one.ini:3: error: gpu.x.share: no gpu named 'x'"));
    ck_assert_ptr_nonnull(strstr(buf, "one.ini:4: error: workload.q.work-scale: no workload "
                                      "named 'q'"));
    ck_assert_int_eq(n, 2);
    free(buf);
    /* every kept model at share 0, supply.gpu-models written last: the
     * error is at the list's line, not at the share's before it */
    buf = test_setup_errors("keep.ini", "[General]\nsim.model = market\n"
                            "gpu.rtx-4090.share = 0\nsupply.gpu-models = RTX 4090\n", &n);
    ck_assert_ptr_nonnull(strstr(buf, "keep.ini:4: error: supply.gpu-models: every gpu.*.share"));
    ck_assert_int_eq(n, 1);
    free(buf);
}
END_TEST

/* A key part may be 128 bytes (sim/scenario.c refuses longer ones): a GPU
 * model or workload of that length that does not exist is named like any
 * other. The name was checked only when shorter than 128, so such a key
 * passed, read by nobody, without a word. */
START_TEST(a_longest_unknown_member_name_is_reported)
{
    char name[129], text[512], want[512];
    int n;
    char *buf;

    memset(name, 'x', 128);
    name[128] = '\0';
    snprintf(text, sizeof text, "[General]\nsim.model = market\ngpu.%s.share = 1\n"
             "workload.%s.work-scale = 2\n", name, name);
    buf = test_setup_errors("l.ini", text, &n);
    snprintf(want, sizeof want, "l.ini:3: error: gpu.%s.share: no gpu named '%s'", name, name);
    ck_assert_msg(strstr(buf, want), "want \"%s\", got:\n%s", want, buf);
    snprintf(want, sizeof want, "l.ini:4: error: workload.%s.work-scale: no workload named '%s'",
             name, name);
    ck_assert_msg(strstr(buf, want), "want \"%s\", got:\n%s", want, buf);
    ck_assert_int_eq(n, 2);
    free(buf);
}
END_TEST

/* A check over two or more keys blames the one the analyst wrote, not
 * one left at its default (those errors had no line, the analyst's own
 * key unnamed), and of two written the later line. */
static void blamed_at(const char *text, const char *want)
{
    int n;
    char *buf = test_setup_errors("w.ini", text, &n);

    ck_assert_msg(strstr(buf, want), "want \"%s\", got:\n%s", want, buf);
    ck_assert_int_eq(n, 1);
    free(buf);
}

START_TEST(pairwise_checks_blame_the_key_written)
{
#define W "[General]\nsim.model = market\n"
    blamed_at(W "[hostclass farm]\nmarkup-min = 30\n",
              "w.ini:4: error: hostclass farm: markup-max 2.1 is below markup-min 30");
    blamed_at(W "[hostclass farm]\nmarkup-min = 3\nmarkup-max = 2\n",
              "w.ini:5: error: hostclass farm: markup-max 2 is below markup-min 3");
    blamed_at(W "[hostclass farm]\nmarkup-max = 2\nmarkup-min = 3\n",
              "w.ini:5: error: hostclass farm: markup-max 2 is below markup-min 3");
    blamed_at(W "hostclass.farm.ask-floor = 50\n",
              "w.ini:3: error: hostclass farm: ask-ceiling 6 is below ask-floor 50");
    blamed_at(W "archetype.indie.on-failure-wait = 0.9\n",
              "w.ini:3: error: archetype indie: on-failure-wait + on-failure-move");
    blamed_at(W "[archetype indie]\np-ondemand = 0\np-interruptible = 0\np-reserved = 0\n",
              "w.ini:6: error: archetype indie: p-ondemand, p-reserved and p-interruptible "
              "are all zero");
    blamed_at(W "market.util-high = 0.01\n",
              "w.ini:3: error: market.util-low 0.45 is above market.util-high 0.01");
    /* one pass reports every bad value (market_new's loaders run on after
     * an error): the util pair was checked only after the supply's errors
     * had stopped the set-up, so a file with both needed two runs */
    {
        int n;
        char *buf = test_setup_errors("w.ini", W "market.util-high = 0.01\n"
                                      "hostclass.farm.ask-floor = 50\n", &n);

        ck_assert_msg(strstr(buf, "w.ini:3: error: market.util-low 0.45 is above") &&
                      strstr(buf, "w.ini:4: error: hostclass farm: ask-ceiling 6 is below"),
                      "both errors in one pass, got:\n%s", buf);
        ck_assert_int_eq(n, 2);
        free(buf);
    }
    /* a bad outage value of a class is one error: the rest of the class
     * is still read and checked (the file header: every bad value, all
     * before the run is refused). The loader once skipped the class on
     * it, so farm's crossed markups went unreported and, farm holding
     * the only share, a false "every hostclass.*.share is zero" came
     * instead. */
    {
        int n;
        char *buf = test_setup_errors("w.ini", W "hostclass.hobbyist.share = 0\n"
                                      "hostclass.datacenter.share = 0\n"
                                      "[hostclass farm]\nmtbf = 0h\nmarkup-min = 3\n"
                                      "markup-max = 2\n", &n);

        ck_assert_msg(strstr(buf, "w.ini:6: error: hostclass.farm.mtbf: MTBF must be > 0") &&
                      strstr(buf, "w.ini:8: error: hostclass farm: markup-max 2 is below "
                                  "markup-min 3") && !strstr(buf, "no supply"),
                      "both errors and no other, got:\n%s", buf);
        ck_assert_int_eq(n, 2);
        free(buf);
    }
    /* every share zero: the one written last, not the last by name */
    blamed_at(W "hostclass.hobbyist.share = 0\nhostclass.datacenter.share = 0\n"
              "hostclass.farm.share = 0\n", "w.ini:5: error: every hostclass.*.share is zero");
    blamed_at(W "supply.gpu-models = B200\ngpu.b200.share = 0\n",
              "w.ini:4: error: gpu.b200.share: every gpu.*.share");
    /* only the shares of the models supply.gpu-models keeps: the H100's
     * at line 5, later but left out of the list, is not why there is no
     * supply */
    blamed_at(W "supply.gpu-models = B200\ngpu.b200.share = 0\ngpu.h100-sxm.share = 0\n",
              "w.ini:4: error: gpu.b200.share: every gpu.*.share");
    /* a list naming no catalogue model is its own error, not also a
     * market with no supply (the check waits for a clean catalogue) */
    blamed_at(W "supply.gpu-models = B2OO\n",
              "w.ini:3: error: supply.gpu-models: 'B2OO' is not in the catalogue");
    /* the regions likewise (README: region shares are weights with no
     * supply when all are 0): nordics, written last at line 7 */
    blamed_at(W "region.us.share = 0\nregion.europe.share = 0\nregion.asia.share = 0\n"
              "region.canada.share = 0\nregion.nordics.share = 0\n",
              "w.ini:7: error: every region.*.share is zero: no supply");
#undef W
}
END_TEST

/* Distributions and lists as an analyst writes them: spaces around items
 * are fine; a fractional count, junk after a weight, or weights that are
 * not finite are errors at their lines. (1.5 GPUs a machine passed as a
 * power of two and built 1-GPU machines; "0.5junk" read as 0.5; infinite
 * weights made every machine the last size listed.) */
START_TEST(distributions_reject_what_they_cannot_mean)
{
    int n;
    char *buf = test_setup_errors("d.ini", "[General]\nsim.model = market\n"
                                  "[hostclass farm]\nmachine-gpus = 1.5:1\n"
                                  "[hostclass hobbyist]\nmachine-gpus = 1:0.5junk,2:0.5\n"
                                  "[hostclass datacenter]\nmachine-gpus = 1:inf\n", &n);

    ck_assert_ptr_nonnull(strstr(buf, "d.ini:4: error: hostclass.farm.machine-gpus: expected"));
    ck_assert_ptr_nonnull(strstr(buf, "d.ini:6: error: hostclass.hobbyist.machine-gpus: expected"));
    ck_assert_ptr_nonnull(strstr(buf, "d.ini:8: error: hostclass.datacenter.machine-gpus: expected"));
    ck_assert_int_eq(n, 3);
    free(buf);
    /* the message says which rule failed: whole numbers, at most 16 pairs
     * (a fractional core count and a 17th pair were "expected cores:
     * probability pairs with values from 1 to 1000") */
    buf = test_setup_errors("r.ini", "[General]\nsim.model = market\n"
                            "hostclass.farm.cpu-per-gpu = 5.5:1\n"
                            "hostclass.hobbyist.cpu-per-gpu = 1:1,2:1,3:1,4:1,5:1,6:1,7:1,8:1,"
                            "9:1,10:1,11:1,12:1,13:1,14:1,15:1,16:1,17:1\n", &n);
    ck_assert_ptr_nonnull(strstr(buf, "r.ini:3: error: hostclass.farm.cpu-per-gpu: expected "
                                      "cores:probability pairs with whole numbers of cores "
                                      "from 1 to 1000, got \"5.5:1\""));
    ck_assert_ptr_nonnull(strstr(buf, "r.ini:4: error: hostclass.hobbyist.cpu-per-gpu: expected "
                                      "at most 16 pairs, got more in \"1:1,2:1,"));
    ck_assert_int_eq(n, 2);
    free(buf);
    /* two finite weights whose sum is not (1e308 + 1e308 is infinite):
     * normalised by it, every probability would be 0 */
    buf = test_setup_errors("o.ini", "[General]\nsim.model = market\n"
                            "hostclass.farm.machine-gpus = 1:1e308,2:1e308\n", &n);
    ck_assert_ptr_nonnull(strstr(buf, "o.ini:3: error: hostclass.farm.machine-gpus: expected"));
    ck_assert_int_eq(n, 1);
    free(buf);
    /* every item is a value:weight pair: a bare "4" beside a good pair is
     * not skipped (the list would be 2 GPUs only) */
    buf = test_setup_errors("c.ini", "[General]\nsim.model = market\n"
                            "hostclass.farm.machine-gpus = 4,2:1\n", &n);
    ck_assert_ptr_nonnull(strstr(buf, "c.ini:3: error: hostclass.farm.machine-gpus: expected"));
    ck_assert_int_eq(n, 1);
    free(buf);
    {
        /* exactly 16 pairs is the most, not one too many; and spaces
         * around a deadline's comma are the separator's, as in a list */
        struct outcome o = run_text(SMALL "hostclass.farm.cpu-per-gpu = 1:1,2:1,3:1,4:1,5:1,6:1,"
                                    "7:1,8:1,9:1,10:1,11:1,12:1,13:1,14:1,15:1,16:1\n"
                                    "archetype.indie.deadlines = 10 , 200 \n", NULL, 0);

        ck_assert_int_eq(o.rc, SIM_OK);
        done(&o);
    }
    {
        struct outcome o = run_text(SMALL "supply.gpu-models = RTX 3090 , RTX 4090 \n"
                                    "hostclass.farm.machine-gpus = 1 : 0.5 , 2:0.5 \n", NULL, 0);

        ck_assert_int_eq(o.rc, SIM_OK);
        done(&o);
    }
}
END_TEST

/* What set-up makes of the values an analyst writes, read off the state
 * a one-hour run leaves (the tamper hook). Expectations by hand from the
 * documented rules (docs/PARAMS.md, the comments of models/market_load.c):
 * - distribution weights are normalised to sum to 1, in the order written
 *   ("1:1,16:3" is 1 GPU with 1/4, 16 with 3/4; a tier or workload is its
 *   index in consumer, workstation, datacenter and finetune, training,
 *   batch-inference, rendering, scientific);
 * - the edges of each range are accepted: 16 GPUs, 1000 cores, 60000 GB of
 *   RAM and 1000000 GB of disk ("from 1 to ..."), a weight of 0 (">= 0"),
 *   deadline days 0 and 364, on-failure-wait + on-failure-move = 1
 *   exactly, markup-min = markup-max and ask-floor = ask-ceiling (only
 *   "below" is refused), and p-reserved alone ("both 0: on-demand");
 * - each workload reads its own work-scale and checkpointable, and a catalogue model named
 *   "RTX A<n>" is a workstation part, "RTX <digit>" consumer, the rest
 *   datacenter (dlperf.c, class_from_name). */
static double ld_p[16][2];
static int ld_n[8], ld_dead[3], ld_tier[3];
static double ld_scale[NWORKLOADS];
static bool ld_ckpt[NWORKLOADS];

static void read_loaded(void *state)
{
    const struct market *mk = state;
    const struct hostclass *farm = NULL;
    const struct archetype *indie = NULL;
    const struct dist *ds[6];

    for (size_t i = 0; i < mk->nhc; i++)
        if (strcmp(mk->hc[i].name, "farm") == 0)
            farm = &mk->hc[i];
    for (size_t i = 0; i < mk->nar; i++)
        if (strcmp(mk->ar[i].name, "indie") == 0)
            indie = &mk->ar[i];
    ck_assert(farm && indie);
    ds[0] = &farm->gpus, ds[1] = &farm->cpu, ds[2] = &farm->ram, ds[3] = &farm->disk;
    ds[4] = &farm->tiers, ds[5] = &indie->mix;
    for (int k = 0; k < 6; k++) {
        ld_n[k] = ds[k]->n;
        for (int i = 0; i < ds[k]->n && i < 2; i++) {
            ld_p[2 * k + i][0] = ds[k]->v[i].v;
            ld_p[2 * k + i][1] = ds[k]->v[i].p;
        }
    }
    ld_n[6] = indie->ndead;
    for (int i = 0; i < indie->ndead && i < 3; i++)
        ld_dead[i] = indie->dead[i];
    for (int w = 0; w < NWORKLOADS; w++)
        ld_scale[w] = mk->wl_scale[w], ld_ckpt[w] = mk->wl_ckpt[w];
    for (size_t g = 0; g < mk->ngpus; g++) {
        if (strcmp(mk->gpus[g].name, "RTX 4090") == 0)
            ld_tier[0] = mk->gpus[g].tier;
        if (strcmp(mk->gpus[g].name, "RTX A6000") == 0)
            ld_tier[1] = mk->gpus[g].tier;
        if (strcmp(mk->gpus[g].name, "H100 SXM") == 0)
            ld_tier[2] = mk->gpus[g].tier;
    }
}

START_TEST(set_up_normalises_weights_and_accepts_range_edges)
{
    static const double want[12][2] = {
        { 1, 0.25 }, { 16, 0.75 },          /* machine-gpus 1:1,16:3 */
        { 1000, 1.0 }, { 1, 0.0 },          /* cpu-per-gpu 1000:2,1:0 */
        { 60000, 1.0 }, { 0, 0 },           /* ram-per-gpu 60000:5 */
        { 1000000, 0.5 }, { 1, 0.5 },       /* disk 1000000:1,1:1 */
        { 2, 0.25 }, { 0, 0.75 },           /* tiers datacenter:2,consumer:6 */
        { 4, 0.2 }, { 3, 0.8 },             /* mix scientific:0.5,rendering:2 */
    };
    static const int want_n[6] = { 2, 2, 1, 2, 2, 2 };
    static const double want_scale[NWORKLOADS] = { 0.125, 0.25, 0.375, 0.5, 0.625 };
    struct test_run r = test_run_tampered(
        "[General]\nsim.model = market\nsim.horizon = 1h\nsim.warmup = 0s\n"
        "sim.sample-interval = 1h\nsupply.gpus = 64\nseed = 3\n"
        "workload.finetune.work-scale = 0.125\nworkload.training.work-scale = 0.25\n"
        "workload.batch-inference.work-scale = 0.375\nworkload.rendering.work-scale = 0.5\n"
        "workload.scientific.work-scale = 0.625\n"
        "workload.finetune.checkpointable = false\nworkload.training.checkpointable = true\n"
        "workload.batch-inference.checkpointable = false\n"
        "workload.rendering.checkpointable = true\nworkload.scientific.checkpointable = false\n"
        "[hostclass farm]\nmachine-gpus = 1:1,16:3\ncpu-per-gpu = 1000:2,1:0\n"
        "ram-per-gpu = 60000:5\ndisk = 1000000:1,1:1\ntiers = datacenter:2,consumer:6\n"
        "markup-min = 2\nmarkup-max = 2\nask-floor = 3\nask-ceiling = 3\n"
        "[archetype indie]\nmix = scientific:0.5,rendering:2\ngpus = 16:1\n"
        "deadlines = 0, 364\non-failure-wait = 0.25\non-failure-move = 0.75\n"
        "p-ondemand = 0\np-interruptible = 0\np-reserved = 1\n", read_loaded);

    ck_assert_msg(r.setup_ok, "set-up refused values at the edges of their ranges");
    ck_assert_int_eq(r.rc, SIM_OK);
    for (int k = 0; k < 6; k++) {
        ck_assert_int_eq(ld_n[k], want_n[k]);
        for (int i = 0; i < want_n[k]; i++) {
            ck_assert_double_eq(ld_p[2 * k + i][0], want[2 * k + i][0]);
            ck_assert_double_eq_tol(ld_p[2 * k + i][1], want[2 * k + i][1], 1e-12);
        }
    }
    ck_assert_int_eq(ld_n[6], 2);
    ck_assert_int_eq(ld_dead[0], 0);
    ck_assert_int_eq(ld_dead[1], 364);
    for (int w = 0; w < NWORKLOADS; w++)
        ck_assert_double_eq(ld_scale[w], want_scale[w]);
    /* and its own checkpointable, as written: only training and rendering */
    for (int w = 0; w < NWORKLOADS; w++)
        ck_assert_int_eq(ld_ckpt[w], w == 1 || w == 3);
    ck_assert_int_eq(ld_tier[0], TIER_CONSUMER);
    ck_assert_int_eq(ld_tier[1], TIER_WORKSTATION);
    ck_assert_int_eq(ld_tier[2], TIER_DATACENTER);
    eng_free(r.e);
}
END_TEST

/* ... and the values just past those edges are refused, each at its
 * line (the ranges as above: counts and sizes from 1, a list whose
 * weights are all 0 or missing gives no distribution, days 0-364,
 * on-failure-wait + on-failure-move at most 1: 1.0005 is not a rounding
 * of 1); and a model list may name only catalogue models. */
START_TEST(set_up_refuses_values_just_past_range_edges)
{
    int n;
    char *buf = test_setup_errors("e.ini", "[General]\nsim.model = market\n"
                                  "supply.gpu-models = RTX 4090, RTX 4099\n"
                                  "[hostclass farm]\nmachine-gpus = 0:1\ncpu-per-gpu = 0:1\n"
                                  "disk = 1:0,2:0\nram-per-gpu = 8:1,16:\n"
                                  "[archetype indie]\ndeadlines = 364,365\n"
                                  "on-failure-wait = 0.5\non-failure-move = 0.5005\n"
                                  "gpu-models = H100 SXM,B2OO\n"
                                  "[archetype academic]\ndeadlines = -1\n", &n);

    ck_assert_msg(strstr(buf, "e.ini:5: error: hostclass.farm.machine-gpus: expected "
                              "count:probability pairs with power-of-two counts up to 16, "
                              "got \"0:1\""), "%s", buf);
    ck_assert_msg(strstr(buf, "e.ini:6: error: hostclass.farm.cpu-per-gpu: expected "
                              "cores:probability pairs with whole numbers of cores from 1 to "
                              "1000, got \"0:1\""), "%s", buf);
    ck_assert_msg(strstr(buf, "e.ini:7: error: hostclass.farm.disk: expected GB:probability "
                              "pairs with whole numbers of GB from 1 to 1000000, got \"1:0,2:0\""),
                  "%s", buf);
    ck_assert_msg(strstr(buf, "e.ini:8: error: hostclass.farm.ram-per-gpu: expected "
                              "GB:probability pairs"), "%s", buf);
    ck_assert_msg(strstr(buf, "e.ini:10: error: archetype.indie.deadlines: expected days of the "
                              "year (0-364) separated by commas, got \"364,365\""), "%s", buf);
    ck_assert_msg(strstr(buf, "e.ini:12: error: archetype indie: on-failure-wait + "
                              "on-failure-move = 1.0005 exceeds 1"), "%s", buf);
    ck_assert_msg(strstr(buf, "e.ini:15: error: archetype.academic.deadlines: expected days of "
                              "the year (0-364)"), "%s", buf);
    ck_assert_msg(strstr(buf, "e.ini:3: error: supply.gpu-models: 'RTX 4099' is not in the "
                              "catalogue"), "%s", buf);
    ck_assert_msg(strstr(buf, "e.ini:13: error: archetype.indie.gpu-models: 'B2OO' is not in "
                              "the catalogue"), "%s", buf);
    ck_assert_int_eq(n, 9);
    free(buf);
}
END_TEST

/* ... and just past the upper ends: the edges are taken (above), one
 * step more is not. GPU counts are powers of two up to 16, so 32 is the
 * next, for a machine and a job alike; cores, RAM and disk are whole
 * numbers up to 1000, 60000 and 1000000. A count is a whole number with
 * nothing after it ("2x" is not 2); deadline days are separated by
 * commas ("10;20" is not a day 10 and then day 0 read again and again up
 * to the 16-deadline limit); and on-failure-wait + on-failure-move may
 * pass 1 by a rounding only (the 1e-9 the check allows): 0.5 + 0.50001
 * is 1.00001. */
START_TEST(set_up_refuses_values_just_past_upper_edges)
{
    int n;
    char *buf = test_setup_errors("u.ini", "[General]\nsim.model = market\n"
                                  "[hostclass farm]\nmachine-gpus = 32:1\ncpu-per-gpu = 1001:1\n"
                                  "ram-per-gpu = 60001:1\ndisk = 1000001:1\n"
                                  "[hostclass hobbyist]\nmachine-gpus = 2x:1\n"
                                  "[archetype indie]\ngpus = 32:1\ndeadlines = 10;20\n"
                                  "on-failure-wait = 0.5\non-failure-move = 0.50001\n", &n);

    ck_assert_msg(strstr(buf, "u.ini:4: error: hostclass.farm.machine-gpus: expected "
                              "count:probability pairs with power-of-two counts up to 16, "
                              "got \"32:1\""), "%s", buf);
    ck_assert_msg(strstr(buf, "u.ini:5: error: hostclass.farm.cpu-per-gpu: expected "
                              "cores:probability pairs with whole numbers of cores from 1 to "
                              "1000, got \"1001:1\""), "%s", buf);
    ck_assert_msg(strstr(buf, "u.ini:6: error: hostclass.farm.ram-per-gpu: expected "
                              "GB:probability pairs with whole numbers of GB from 1 to 60000, "
                              "got \"60001:1\""), "%s", buf);
    ck_assert_msg(strstr(buf, "u.ini:7: error: hostclass.farm.disk: expected GB:probability "
                              "pairs with whole numbers of GB from 1 to 1000000, "
                              "got \"1000001:1\""), "%s", buf);
    ck_assert_msg(strstr(buf, "u.ini:9: error: hostclass.hobbyist.machine-gpus: expected "
                              "count:probability pairs with power-of-two counts up to 16, "
                              "got \"2x:1\""), "%s", buf);
    ck_assert_msg(strstr(buf, "u.ini:11: error: archetype.indie.gpus: expected "
                              "count:probability pairs with power-of-two counts up to 16, "
                              "got \"32:1\""), "%s", buf);
    ck_assert_msg(strstr(buf, "u.ini:12: error: archetype.indie.deadlines: expected days of "
                              "the year (0-364) separated by commas, got \"10;20\""), "%s", buf);
    ck_assert_msg(strstr(buf, "u.ini:14: error: archetype indie: on-failure-wait + "
                              "on-failure-move = 1.00001 exceeds 1"), "%s", buf);
    ck_assert_int_eq(n, 8);
    free(buf);
}
END_TEST

/* A paused interruptible keeps its work; a failed host kills the run
 * since the last checkpoint. With no failures at all, outbid renters are
 * interrupted yet lose nothing; with frequent failures and no
 * checkpoints, work is lost and goodput falls below one. */
START_TEST(pauses_lose_nothing_failures_lose_unsaved_work)
{
    struct outcome calm = run_text(SMALL "seed = 4\n"
        "hostclass.hobbyist.mtbf = 100000d\nhostclass.farm.mtbf = 100000d\n"
        "hostclass.datacenter.mtbf = 100000d\n"
        "hostclass.hobbyist.disconnect-rate = 0\nhostclass.farm.disconnect-rate = 0\n"
        "hostclass.datacenter.disconnect-rate = 0\n"
        "hostclass.hobbyist.maint-interval = 0\nhostclass.farm.maint-interval = 0\n"
        "hostclass.datacenter.maint-interval = 0\n"
        "region.us.outage-rate = 0\nregion.canada.outage-rate = 0\n"
        "region.europe.outage-rate = 0\nregion.asia.outage-rate = 0\n"
        "region.nordics.outage-rate = 0\n", NULL, 0);
    struct outcome rough = run_text(SMALL "seed = 4\n"
        "hostclass.hobbyist.mtbf = 2d\nhostclass.farm.mtbf = 2d\n"
        "hostclass.datacenter.mtbf = 2d\n"
        "archetype.hobbyist.checkpoint = none\n", NULL, 0);
    double interrupted = 0, lost_calm = 0, lost_rough = 0;
    static const char *const arch[] = { "academic", "indie", "hobbyist", "company",
                                        "consultant", "enterprise" };

    ck_assert_int_eq(calm.rc, SIM_OK);
    ck_assert_int_eq(rough.rc, SIM_OK);
    for (size_t i = 0; i < 6; i++) {
        interrupted += get(&calm, "interruptions", "archetype", arch[i]);
        lost_calm += get(&calm, "lost_work_h", "archetype", arch[i]);
        lost_rough += get(&rough, "lost_work_h", "archetype", arch[i]);
        ck_assert_double_eq(get(&calm, "failures_hit", "archetype", arch[i]), 0);
    }
    ck_assert_double_gt(interrupted, 10);   /* preemption did happen */
    ck_assert_double_eq(lost_calm, 0);      /* ... and cost no work */
    ck_assert_double_gt(lost_rough, 0);
    ck_assert_double_lt(get(&rough, "goodput", "archetype", "hobbyist"), 1.0);
    ck_assert_double_gt(get(&rough, "failures_hit", "archetype", "hobbyist"), 10);
    done(&calm);
    done(&rough);
}
END_TEST

/* Closing a running contract's billing line (a new clearing price, a
 * bid cut, the end of the run) must not restart its progress: the work
 * since the segment began still counts when it is later paused, killed
 * or ends. Billing once moved the segment's start, so every interruptible
 * whose price changed lost its work so far (and paid its restart and
 * checkpoint schedule again): 1.1 M ref-GPU-h a year under second-price
 * clearing, none of it reported. Checked on every running contract at
 * the end of a second-price run: billing moves only the billing mark. */
static size_t running_checked, progress_moved;

static void close_lines(void *state)
{
    struct market *mk = state;
    sim_time now = eng_now(mk->e);

    running_checked = progress_moved = 0;
    for (size_t i = 0; i < mk->nc; i++) {
        struct contract *c = &mk->c[i];
        sim_time began = c->seg_start;

        if (!c->in_use || c->state != CS_RUNNING || began >= now)
            continue;
        mkt_bill_segment(mk, c, now);
        running_checked++;
        progress_moved += c->seg_start != began || c->bill_start != now;
    }
}

START_TEST(billing_keeps_the_segments_progress)
{
    struct test_run r = test_run_tampered(SMALL "seed = 4\nmarket.clearing = second-price\n",
                                          close_lines);

    ck_assert_int_eq(r.rc, SIM_OK);             /* the books still balance */
    ck_assert_uint_gt(running_checked, 20);
    ck_assert_uint_eq(progress_moved, 0);
    eng_free(r.e);
}
END_TEST

/* A renter who waits out its host's failure (on-failure-wait) rents that
 * machine again once it is repaired: it looks every couple of minutes,
 * takes any reliability, and its host fails every three days, so about
 * half of the failures end back on the same host. It once gave up at its
 * first look while the machine was still under repair and searched the
 * whole market, so waiting behaved like moving. */
START_TEST(waiting_renters_resume_on_the_repaired_host)
{
    struct outcome o = run_text(SMALL "seed = 11\n"
        "hostclass.hobbyist.mtbf = 3d\nhostclass.farm.mtbf = 3d\n"
        "hostclass.datacenter.mtbf = 3d\n"
        "archetype.*.on-failure-wait = 1\narchetype.*.on-failure-move = 0\n"
        "archetype.*.retry = 2min\narchetype.*.min-reliability = 0\n", NULL, 0);
    double hit = sum_of(&o, "failures_hit");
    double same = sum_of(&o, "failures_resumed_same_host");

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_double_gt(hit, 100);
    ck_assert_msg(same > 0.3 * hit, "%g of %g failures resumed on the same host", same, hit);
    done(&o);
}
END_TEST

/* An instance suspended while its host was offline can lose its place
 * meanwhile (a paused bid raised, a download finished); when the host is
 * back it is outbid, and its renter must get a timer to raise its bid or
 * move. It used to stay paused with none (invariant
 * contracts.paused-timer, checked at every sample). Frequent long
 * disconnects and interruptible renters who raise their bids. */
START_TEST(renters_outbid_while_suspended_decide)
{
    struct outcome o = run_text("[General]\nsim.model = market\nsim.horizon = 20d\n"
        "sim.warmup = 2d\nsim.sample-interval = 1h\nsupply.gpus = 400\nseed = 5\n"
        "hostclass.*.disconnect-rate = 1\nhostclass.*.disconnect-duration = 2h\n"
        "archetype.*.p-interruptible = 0.8\narchetype.*.p-ondemand = 0.2\n"
        "archetype.*.p-reserved = 0\narchetype.*.bid-raise = 0.9\n"
        "archetype.*.min-reliability = 0\narchetype.*.verified-only = false\n", NULL, 0);

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_double_gt(sum_of(&o, "interruptions"), 100);
    done(&o);
}
END_TEST

/* A reservation prepaid before the warm-up is not in the measured spend;
 * when its host failed after the warm-up, the refund of the unused
 * prepay was taken off the measured spend all the same, which drove the
 * academics' negative here (-5.92 USD). Reservations only, long jobs,
 * frequent failures, a measured window after a long warm-up. */
START_TEST(refunds_follow_their_prepay_into_the_measured_spend)
{
    struct outcome o = run_text("[General]\nsim.model = market\nsim.horizon = 12d\n"
        "sim.warmup = 10d\nsim.sample-interval = 6h\nsupply.gpus = 400\nseed = 3\n"
        "hostclass.*.mtbf = 4d\narchetype.*.p-reserved = 1\narchetype.*.p-ondemand = 0\n"
        "archetype.*.p-interruptible = 0\narchetype.*.work-median = 400\n", NULL, 0);
    const char *ar[] = { "academic", "company", "consultant", "enterprise", "hobbyist", "indie" };

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_double_gt(sum_of(&o, "failures_hit"), 20);
    for (size_t i = 0; i < sizeof ar / sizeof ar[0]; i++)
        ck_assert_msg(get(&o, "spend_usd", "archetype", ar[i]) >= 0, "%s spent %g", ar[i],
                      get(&o, "spend_usd", "archetype", ar[i]));
    done(&o);
}
END_TEST

/* Under second price with nothing paused, winners pay the host's floor
 * (min_bid), which follows the ask at every repricing. The auction ran
 * again only when a bid was cut, so winners kept paying the floor of the
 * last auction until an unrelated event ran it (invariant
 * contracts.clearing-price, checked at every sample). Uniform clearing
 * the same. */
START_TEST(clearing_prices_follow_the_floor)
{
    static const char *const rules[] = { "second-price", "uniform" };

    for (size_t i = 0; i < 2; i++) {
        char text[256];
        struct outcome o;

        snprintf(text, sizeof text, "include scenarios/default.ini\n[Config T]\n"
                 "sim.horizon = 30d\nsim.warmup = 3d\nsupply.gpus = 1000\n"
                 "market.clearing = %s\n", rules[i]);
        o = run_text(text, "T", 0);
        ck_assert_msg(o.rc == SIM_OK, "%s: %s", rules[i],
                      eng_fail_reason(o.r.e) ? eng_fail_reason(o.r.e) : "?");
        ck_assert_double_gt(sum_of(&o, "interruptions"), 100);
        done(&o);
    }
}
END_TEST

/* The same where the floor moves at every repricing: a min-bid-factor
 * of 100 puts every host's outside option above its ask, so min_bid is
 * the ask itself, and bidders (bid-cap 1) pay at least it. Under second
 * price and uniform clearing a repricing that moves the floor must run
 * the auction again even when no bid was cut (an ask going up cuts
 * none), or winners keep paying the old floor (invariant
 * contracts.clearing-price). The default market above rarely moves a
 * floor (its outside options lie below the asks): with the re-run
 * dropped it passed, this market fails at hour 45. */
START_TEST(clearing_prices_follow_a_floor_that_is_the_ask)
{
    static const char *const rules[] = { "second-price", "uniform" };

    for (size_t i = 0; i < 2; i++) {
        char text[1024];
        struct outcome o;

        snprintf(text, sizeof text, "[General]\nsim.model = market\nsim.horizon = 5d\n"
                 "sim.warmup = 0d\nsim.sample-interval = 1h\nsupply.gpus = 100\n"
                 "supply.gpu-models = RTX 3090\nseed = 3\nsupply.join-rate = 0\n"
                 "market.clearing = %s\nhostclass.*.min-bid-factor = 100\n"
                 "archetype.*.p-reserved = 0\narchetype.*.p-ondemand = 0.3\n"
                 "archetype.*.p-interruptible = 0.7\narchetype.*.bid-cap = 1\n"
                 "archetype.*.gpu-models = RTX 3090\narchetype.*.name-pin = 0\n", rules[i]);
        o = run_text(text, NULL, 0);
        ck_assert_msg(o.rc == SIM_OK, "%s: %s", rules[i],
                      eng_fail_reason(o.r.e) ? eng_fail_reason(o.r.e) : "?");
        ck_assert_double_gt(sum_of(&o, "interruptions"), 50);
        done(&o);
    }
}
END_TEST

/* Counts of events a run may not have are written as 0 for every entity,
 * and the reliability histogram has every bin of every class at every
 * sample: a row some runs lack was averaged over the runs that have it
 * (summary.csv gave 2 joined RTX 3090s where one run in four had any). A
 * market where nothing joins, leaves or goes down regionally. */
START_TEST(counts_are_written_when_nothing_happened)
{
    struct outcome o = run_text(SMALL "seed = 4\nsupply.join-rate = 0\nsupply.exit-prob = 0\n"
                                "region.*.outage-rate = 0\n", NULL, 0);
    size_t bins[3] = { 0 }, samples = 0;
    sim_time first = -1;

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert(get(&o, "gpus_joined", "gpu", "RTX 4090") == 0);
    ck_assert(get(&o, "gpus_exited", "gpu", "H100 SXM") == 0);
    ck_assert(get(&o, "regional_outages", "region", "nordics") == 0);
    ck_assert(get(&o, "machines_exited", "host_class", "farm") == 0);
    for (size_t i = 0; i < res_sample_count(o.res); i++) {
        const char *m, *k, *e;
        sim_time t;
        double v;

        res_sample_at(o.res, i, &t, &m, &k, &e, &v);
        if (strncmp(m, "reliability_hist_listed_", 24) != 0)
            continue;
        if (first < 0)
            first = t;
        if (t != first)
            continue;
        samples++;
        bins[strcmp(m + 24, "hobbyist") == 0 ? 0 : strcmp(m + 24, "farm") == 0 ? 1 : 2]++;
    }
    ck_assert_uint_eq(samples, 150);
    ck_assert_uint_eq(bins[0], 50);
    ck_assert_uint_eq(bins[1], 50);
    done(&o);
}
END_TEST

/* p-reserved applies to jobs that may run a month on some machine they
 * could rent. Company jobs of 300 ref-GPU-h that only take offers of
 * DLPerf 250 or more finish within days on any of them: p-reserved must
 * change nothing. Judged on every model's slowest machine, it sent 9 in
 * 10 of their bids to on-demand (interruptible share 0.20 -> 0.02). */
START_TEST(p_reserved_sees_the_dlperf_filter)
{
#define PRES "[General]\nsim.model = market\nsim.horizon = 20d\nsim.warmup = 2d\n" \
    "sim.sample-interval = 6h\nsupply.gpus = 400\nseed = 6\narchetype.company.rate = 200\n" \
    "archetype.company.gpus = 1:1\narchetype.company.min-dlperf = 250\n" \
    "archetype.company.work-median = 300\narchetype.company.work-sigma = 0.1\n"
    struct outcome none = run_text(PRES "archetype.company.p-reserved = 0\n", NULL, 0);
    struct outcome all = run_text(PRES "archetype.company.p-reserved = 1\n", NULL, 0);
#undef PRES

    ck_assert_int_eq(none.rc, SIM_OK);
    ck_assert_int_eq(all.rc, SIM_OK);
    ck_assert_double_gt(get(&none, "share_interruptible", "archetype", "company"), 0.1);
    ck_assert(get(&none, "share_interruptible", "archetype", "company") ==
              get(&all, "share_interruptible", "archetype", "company"));
    done(&none);
    done(&all);
}
END_TEST

/* A serverless worker that stops (Inactive) leaves the auction: under
 * uniform clearing the others paid its bid as the clearing price until
 * some unrelated event re-ran the auction (contracts.clearing-price broke
 * at 48 h of the shipped serverless scenario). */
START_TEST(stopped_workers_leave_the_auction_at_once)
{
    struct outcome o = run_text("include scenarios/serverless.ini\n[Config T]\n"
                                "sim.horizon = 3d\nmarket.clearing = uniform\n", "T", 0);

    ck_assert_msg(o.rc == SIM_OK, "%s", eng_fail_reason(o.r.e) ? eng_fail_reason(o.r.e) : "?");
    done(&o);
}
END_TEST

/* An interruptible worker outbid as its download ended was given a
 * renter's pause timer; its host failing freed the job record without
 * it, and the timer fired on the slot's next job: jobs.one-timer failed
 * the run (at 4.9 h here). Its endpoint now decides, as for one outbid
 * while downloading. Frequent failures, demand bidding above the ask. */
START_TEST(outbid_workers_hold_no_renter_timer)
{
    struct outcome o = run_text("[General]\nsim.model = market\nsim.horizon = 1d\n"
        "sim.warmup = 2h\nsim.sample-interval = 6h\nsupply.gpus = 300\nseed = 2\n"
        "archetype.*.min-reliability = 0\narchetype.*.verified-only = false\n"
        "archetype.*.p-interruptible = 1\narchetype.*.p-ondemand = 0\n"
        "archetype.*.p-reserved = 0\narchetype.*.bid-fraction = 2\n"
        "archetype.*.bid-cap = 1\nhostclass.*.mtbf = 6h\n"
        "hostclass.*.repair-median = 10min\nendpoint.img.enabled = true\n"
        "endpoint.img.gpu-ram = 8\nendpoint.img.image = 100\nendpoint.img.rate = 0.5\n"
        "endpoint.img.interruptible = true\nendpoint.img.min-workers = 10\n"
        "endpoint.img.max-workers = 40\nendpoint.img.fixed-workers = 10\n", NULL, 0);

    ck_assert_msg(o.rc == SIM_OK, "%s", eng_fail_reason(o.r.e) ? eng_fail_reason(o.r.e) : "?");
    done(&o);
}
END_TEST

/* failures_resumed_same_host counts renters who waited out their host's
 * repair and rented it again: at most one per failure that made one wait.
 * Every renter waits here, and with no download every instance a failure
 * kills was running (failures_hit). It was counted before the container
 * started, so each failed start (9 in 10 here) counted it, and each retry
 * of the host again: 4.6 times failures_hit. */
START_TEST(failed_starts_resume_no_one)
{
    struct outcome o = run_text("[General]\nsim.model = market\nsim.horizon = 6d\n"
        "sim.warmup = 0s\nsim.sample-interval = 6h\nsupply.gpus = 300\nseed = 11\n"
        "archetype.*.min-reliability = 0\narchetype.*.verified-only = false\n"
        "archetype.*.p-interruptible = 0\narchetype.*.p-reserved = 0\n"
        "archetype.*.image = 0\narchetype.*.on-failure-wait = 1\n"
        "archetype.*.on-failure-move = 0\nhostclass.*.mtbf = 1d\n"
        "hostclass.*.repair-median = 1h\nhostclass.*.failed-start-prob = 0.9\n", NULL, 0);
    double hit = sum_of(&o, "failures_hit"), again = sum_of(&o, "failures_resumed_same_host");

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_double_gt(hit, 50);
    ck_assert_double_gt(again, 0);
    ck_assert_msg(again <= hit, "%g renters resumed on the same host after %g failures", again,
                  hit);
    done(&o);
}
END_TEST

/* goodput is the work jobs kept over what their paid GPU time could have
 * done. With nothing that wastes it (no outages of any kind, no
 * checkpoints, no restart cost) it is 1, work still in progress at the
 * end included; academics who write a 60-minute checkpoint after every
 * 60 minutes of work get half (a little more: a job's last segment is
 * shorter and ends without one). It was work done / (work done + lost),
 * which stayed 1 with paid time up 48%. */
START_TEST(goodput_counts_what_paid_time_did)
{
#define CLEAN SMALL "seed = 6\nhostclass.*.mtbf = 100000d\n" \
    "hostclass.*.maint-interval = 0\nhostclass.*.failed-start-prob = 0\n" \
    "region.*.outage-rate = 0\narchetype.*.restart-cost = 0\n"
    static const char *const ar[] = { "academic", "company", "consultant", "enterprise",
                                      "hobbyist", "indie" };
    struct outcome o = run_text(CLEAN "archetype.*.checkpoint = none\n"
                                "hostclass.*.disconnect-rate = 0\n", NULL, 0);
    double g;

    ck_assert_int_eq(o.rc, SIM_OK);
    for (size_t i = 0; i < sizeof ar / sizeof ar[0]; i++) {
        g = get(&o, "goodput", "archetype", ar[i]);
        ck_assert_msg(fabs(g - 1) < 1e-6, "%s: goodput %.9f with nothing wasted", ar[i], g);
    }
    done(&o);
    o = run_text(CLEAN "hostclass.*.disconnect-rate = 0\n"
                 "archetype.*.checkpoint = none\narchetype.academic.checkpoint = fixed\n"
                 "archetype.academic.checkpoint-interval = 60min\n"
                 "archetype.academic.checkpoint-cost = 60min\n", NULL, 0);
    ck_assert_int_eq(o.rc, SIM_OK);
    g = get(&o, "goodput", "archetype", "academic");
    ck_assert_msg(g > 0.5 && g < 0.6, "academic goodput %g, half the time writing checkpoints", g);
    ck_assert(fabs(get(&o, "goodput", "archetype", "indie") - 1) < 1e-6);
    done(&o);
    /* hosts that go offline often and for hours suspend instances, which
     * hold their work: the job's when they resume, and still the job's in
     * an instance suspended at the end. Nothing is wasted, so 1 again
     * (held work counted as done at the cut gave up to 1.21 when its
     * segment began before the warm-up; left out at the end, 0.90) */
    o = run_text(CLEAN "archetype.*.checkpoint = none\nhostclass.*.disconnect-rate = 2\n"
                 "hostclass.*.disconnect-duration = 6h\narchetype.*.min-reliability = 0\n"
                 "archetype.*.verified-only = false\n", NULL, 0);
    ck_assert_int_eq(o.rc, SIM_OK);
    for (size_t i = 0; i < sizeof ar / sizeof ar[0]; i++) {
        g = get(&o, "goodput", "archetype", ar[i]);
        ck_assert_msg(fabs(g - 1) < 1e-6, "%s: goodput %.9f with hosts offline, nothing "
                      "wasted", ar[i], g);
    }
    done(&o);
#undef CLEAN
}
END_TEST

/* Outages that overlap rentals every way: frequent failures with renters
 * who wait for the repair or move, and long frequent disconnects. At every
 * hourly sample, no download runs on a host that is down (they did:
 * contracts.loading) and no renting job still waits for a machine (a mark
 * left from a waited-out failure sent renters that chose to move back to
 * the dead host: jobs.wait-mark); and every archetype that lost work was
 * hit by a failure (a failure killing suspended instances lost their held
 * work without counting a hit). */
START_TEST(outages_overlapping_rentals_keep_the_books)
{
    static const char *const ar[] = { "academic", "company", "consultant", "enterprise",
                                      "hobbyist", "indie" };
    struct outcome o = run_text("[General]\nsim.model = market\nsim.horizon = 15d\n"
        "sim.warmup = 1d\nsim.sample-interval = 1h\nsupply.gpus = 600\nseed = 8\n"
        "hostclass.*.mtbf = 4d\nhostclass.*.repair-median = 3h\n"
        "hostclass.*.disconnect-rate = 4\nhostclass.*.disconnect-duration = 4h\n"
        "archetype.*.on-failure-wait = 0.5\narchetype.*.on-failure-move = 0.5\n"
        "archetype.*.min-reliability = 0\narchetype.*.verified-only = false\n", NULL, 0);

    ck_assert_msg(o.rc == SIM_OK, "%s", eng_fail_reason(o.r.e) ? eng_fail_reason(o.r.e) : "?");
    ck_assert_double_gt(sum_of(&o, "failures_resumed_same_host"), 0);
    for (size_t i = 0; i < sizeof ar / sizeof ar[0]; i++)
        ck_assert_msg(!(get(&o, "lost_work_h", "archetype", ar[i]) > 0) ||
                      get(&o, "failures_hit", "archetype", ar[i]) > 0,
                      "%s lost work without a failure", ar[i]);
    done(&o);
}
END_TEST

/* The machines present at the start have a past drawn from their class's
 * own outages and replayed through the score rule, so the scores start
 * spread as they are later rather than climbing out of the new-machine
 * prior for months (datacenter P10 0.72 at the start, 0.96 a month on,
 * 0.99 after two, with ages of 60 days on average). Quantiles by class at
 * the first sample and two months later: within 0.03 (P10) and 0.01
 * (P50). */
START_TEST(initial_scores_start_where_they_stay)
{
    struct outcome o = run_text("[General]\nsim.model = market\nsim.horizon = 60d\n"
        "sim.warmup = 1d\nsim.sample-interval = 1d\nsupply.gpus = 1000\nseed = 9\n", NULL, 0);
    static const char *const cls[] = { "hobbyist", "farm", "datacenter" };
    double q[3][2][2];          /* class, p10/p50, first/last */
    sim_time last = 0;
    size_t found = 0;

    ck_assert_int_eq(o.rc, SIM_OK);
    for (size_t i = 0; i < res_sample_count(o.res); i++) {
        const char *m, *k, *e;
        sim_time t;
        double v;

        res_sample_at(o.res, i, &t, &m, &k, &e, &v);
        last = t > last ? t : last;
    }
    for (size_t i = 0; i < res_sample_count(o.res); i++) {
        const char *m, *k, *e;
        sim_time t;
        double v;
        int qi;

        res_sample_at(o.res, i, &t, &m, &k, &e, &v);
        qi = strcmp(m, "reliability_p10") == 0 ? 0 : strcmp(m, "reliability_p50") == 0 ? 1 : -1;
        if (qi < 0 || (t != 0 && t != last))
            continue;
        for (size_t c = 0; c < 3; c++)
            if (strcmp(e, cls[c]) == 0) {
                q[c][qi][t == last] = v;
                found++;
            }
    }
    ck_assert_uint_eq(found, 12);
    for (size_t c = 0; c < 3; c++) {
        ck_assert_msg(fabs(q[c][0][0] - q[c][0][1]) < 0.03, "%s P10 %.4f at the start, %.4f "
                      "at the end", cls[c], q[c][0][0], q[c][0][1]);
        ck_assert_msg(fabs(q[c][1][0] - q[c][1][1]) < 0.01, "%s P50 %.4f at the start, %.4f "
                      "at the end", cls[c], q[c][1][0], q[c][1][1]);
    }
    done(&o);
}
END_TEST

/* A host that goes offline (disconnect, internet cut, maintenance)
 * suspends its instances with their work since the last checkpoint still
 * in them: it is the job's when the instance resumes, lost if the host
 * fails or loses power first. It once went to the job at once, so a
 * failure of the offline host lost nothing. At the end of a run with long
 * disconnects and no checkpoints: instances on hosts still offline hold
 * work, and none on a host that is up does (what they held was handed
 * back when they resumed, or counted lost). */
static size_t holding_offline, holding_online, storage_wrong;

static void count_held(void *state)
{
    const struct market *mk = state;
    sim_time now = eng_now(mk->e);

    holding_offline = holding_online = storage_wrong = 0;
    for (size_t i = 0; i < mk->nc; i++) {
        const struct contract *c = &mk->c[i];
        bool down;

        if (!c->in_use)
            continue;
        down = mk->m[c->machine].down != 0;
        /* storage does not bill while the host is offline (MARKET-FACTS
         * 15): an instance on an offline host is marked so, and its
         * storage time stops at the moment the host went */
        if (c->offline != down ||
            (down && mkt_storage_time(c, now) != c->off_since - c->created - c->off_total))
            storage_wrong++;
        if (!(c->held > 0))
            continue;
        if (down)
            holding_offline++;
        else
            holding_online++;
    }
}

START_TEST(offline_hosts_hold_unsaved_work_and_bill_no_storage)
{
    struct test_run r = test_run_tampered(SMALL "seed = 13\n"
        "hostclass.hobbyist.disconnect-rate = 2\nhostclass.farm.disconnect-rate = 2\n"
        "hostclass.datacenter.disconnect-rate = 2\n"
        "hostclass.hobbyist.disconnect-duration = 12h\n"
        "hostclass.farm.disconnect-duration = 12h\n"
        "hostclass.datacenter.disconnect-duration = 12h\n"
        "archetype.*.checkpoint = none\n"
        /* hosts offline half the time score low from the start: renters
         * who take any machine */
        "archetype.*.min-reliability = 0\narchetype.*.verified-only = false\n", count_held);

    ck_assert_int_eq(r.rc, SIM_OK);
    ck_assert_uint_gt(holding_offline, 0);
    ck_assert_uint_eq(holding_online, 0);
    ck_assert_uint_eq(storage_wrong, 0);
    eng_free(r.e);
}
END_TEST

/* Free checkpoints under Young's rule: the optimal interval is then 0,
 * checkpoint all the time, and a failure costs the checkpointing
 * workloads nothing, so less is lost than at a cost of one second each
 * (the workloads that never checkpoint lose the same in both). Interval 0
 * once meant no checkpoints at all: every failure lost the whole run. */
START_TEST(free_checkpoints_lose_least)
{
#define YOUNG SMALL "seed = 14\nhostclass.hobbyist.mtbf = 2d\nhostclass.farm.mtbf = 2d\n" \
    "hostclass.datacenter.mtbf = 2d\narchetype.*.checkpoint = young\n" \
    "workload.*.checkpointable = true\n"
    struct outcome free_ck = run_text(YOUNG "archetype.*.checkpoint-cost = 0s\n", NULL, 0);
    struct outcome paid = run_text(YOUNG "archetype.*.checkpoint-cost = 1s\n", NULL, 0);
#undef YOUNG
    double lost_free = sum_of(&free_ck, "lost_work_h"), lost_paid = sum_of(&paid, "lost_work_h");

    ck_assert_int_eq(free_ck.rc, SIM_OK);
    ck_assert_int_eq(paid.rc, SIM_OK);
    ck_assert_double_gt(sum_of(&free_ck, "failures_hit"), 50);
    ck_assert_double_gt(lost_paid, 0);
    /* every workload checkpoints: free checkpoints (every microsecond)
     * lose nothing, 1 s ones (Young: every 10 minutes or so) lose some.
     * With the default non-checkpointable workloads the comparison was
     * between two runs' losses of jobs that never checkpoint. */
    ck_assert_msg(lost_free < 0.01 * lost_paid, "lost %g ref-GPU-h with free checkpoints, "
                  "%g at 1 s each", lost_free, lost_paid);
    done(&free_ck);
    done(&paid);
}
END_TEST

/* Young / Daly intervals come from the machine's own score, through the
 * MTBF a renter infers from it (mkt_ckpt_tau): two machines of one class,
 * one new (0.60) and one proven (0.99), get intervals in the ratio
 * sqrt(MTBF) gives, about 1 : 8 under Young; a perfect score is clamped,
 * not infinite. Checked on the state a run leaves (the tamper hook). */
static sim_time tau_new, tau_proven, tau_perfect, tau_daly_new, tau_daly_proven;

static void checkpoint_intervals(void *state)
{
    struct market *mk = state;
    struct machine m0 = mk->m[0], m1 = mk->m[0];
    struct job jb = { .checkpoints = true };
    size_t company = mk->nar, enterprise = mk->nar;

    for (size_t i = 0; i < mk->nar; i++) {
        if (strcmp(mk->ar[i].name, "company") == 0)
            company = i;
        if (strcmp(mk->ar[i].name, "enterprise") == 0)
            enterprise = i;
    }
    ck_assert(company < mk->nar && enterprise < mk->nar);
    ck_assert_int_eq(mk->ar[company].ck, CKPT_YOUNG);
    ck_assert_int_eq(mk->ar[enterprise].ck, CKPT_DALY);
    jb.arch = (uint8_t)company;
    jb.ck_cost = mk->ar[company].ck_cost;
    m0.score = 0.60;
    m1.score = 0.99;
    tau_new = mkt_ckpt_tau(mk, &jb, &m0);
    tau_proven = mkt_ckpt_tau(mk, &jb, &m1);
    m1.score = 1.0;
    tau_perfect = mkt_ckpt_tau(mk, &jb, &m1);
    jb.arch = (uint8_t)enterprise;
    tau_daly_new = mkt_ckpt_tau(mk, &jb, &m0);
    m1.score = 0.99;
    tau_daly_proven = mkt_ckpt_tau(mk, &jb, &m1);
}

/* Under the RunPod rule a machine below reliability.runpod-delist is
 * delisted, and listed again once the downtime that put it there has
 * left the 30-day window: its score rises with no event on the machine,
 * so the sample (which refreshes every score) must list it again. Hosts
 * here fail every 10 days for a median day, so many fall below 0.98 and,
 * over 60 days, many climb back. At the end (a sample time) no machine
 * the rule would list may be left unlisted; some stay below (the rule is
 * at work). */
static size_t stale_delisted, below_delist;

static void count_delisted(void *state)
{
    const struct market *mk = state;
    sim_time now = eng_now(mk->e);

    stale_delisted = below_delist = 0;
    for (size_t i = 0; i < mk->nm; i++) {
        const struct machine *m = &mk->m[i];
        double r = rel_score(&m->rel, &mk->relp, now);

        if (m->down || m->leaving || m->maint_pending)
            continue;
        if (r < mk->relp.runpod_delist)
            below_delist++;
        else if (!m->listed)
            stale_delisted++;
    }
}

START_TEST(runpod_rule_lists_recovered_machines_again)
{
    struct test_run r = test_run_tampered("[General]\nsim.model = market\n"
        "sim.horizon = 60d\nsim.warmup = 2d\nsim.sample-interval = 6h\n"
        "supply.gpus = 400\nseed = 8\nreliability.rule = runpod\n"
        "hostclass.hobbyist.mtbf = 10d\nhostclass.hobbyist.repair-median = 1d\n"
        "hostclass.farm.mtbf = 10d\nhostclass.farm.repair-median = 1d\n"
        "hostclass.datacenter.mtbf = 10d\nhostclass.datacenter.repair-median = 1d\n",
        count_delisted);

    ck_assert_int_eq(r.rc, SIM_OK);
    ck_assert_uint_gt(below_delist, 5);
    ck_assert_uint_eq(stale_delisted, 0);
    eng_free(r.e);
}
END_TEST

/* Vast's search shows verified machines by default (every archetype's
 * verified-only); a renter who turns the filter off searches the
 * unverified band too and rents there. Counted at the end over the
 * contracts still open: on machines that failed the verification checks,
 * none with the filter, some without (half the hosts fail them here). */
static size_t on_unverified;

static void count_unverified(void *state)
{
    const struct market *mk = state;

    on_unverified = 0;
    for (size_t i = 0; i < mk->nc; i++)
        if (mk->c[i].in_use && !mk->m[mk->c[i].machine].verified)
            on_unverified++;
}

#define HALF_VERIFIED SMALL "seed = 9\n" \
    "hostclass.hobbyist.verified-prob = 0.5\nhostclass.farm.verified-prob = 0.5\n" \
    "hostclass.datacenter.verified-prob = 0.5\n"

START_TEST(verified_only_filter_and_the_unverified_band)
{
    struct test_run with = test_run_tampered(HALF_VERIFIED, count_unverified);
    size_t n_with = on_unverified;
    struct test_run without = test_run_tampered(HALF_VERIFIED
        "archetype.academic.verified-only = false\narchetype.indie.verified-only = false\n"
        "archetype.hobbyist.verified-only = false\narchetype.company.verified-only = false\n"
        "archetype.consultant.verified-only = false\n"
        "archetype.enterprise.verified-only = false\n", count_unverified);

    ck_assert_int_eq(with.rc, SIM_OK);
    ck_assert_int_eq(without.rc, SIM_OK);      /* the search invariant included */
    ck_assert_uint_eq(n_with, 0);
    ck_assert_uint_gt(on_unverified, 10);
    eng_free(with.e);
    eng_free(without.e);
}
END_TEST
#undef HALF_VERIFIED

/* A regional outage takes down machines of its own region: here the
 * only downtime there is, Europe's outages (fifty a year, a third of its
 * hosts each), so every machine that was ever down is European, and many
 * European machines were. The pick once returned positions in the
 * region's list, which the market read as machine numbers: the first
 * machines of the whole market went down, whatever their region. */
static size_t down_elsewhere, down_in_europe;

static void count_regional_downtime(void *state)
{
    const struct market *mk = state;

    down_elsewhere = down_in_europe = 0;
    for (size_t i = 0; i < mk->nm; i++) {
        const struct machine *m = &mk->m[i];

        if (!(m->down_us_total > 0))
            continue;
        if (strcmp(mk->rg[m->region].name, "europe") == 0)
            down_in_europe++;
        else
            down_elsewhere++;
    }
}

START_TEST(regional_outages_hit_their_own_region)
{
    struct test_run r = test_run_tampered(SMALL "seed = 10\n"
        "hostclass.hobbyist.mtbf = 100000d\nhostclass.farm.mtbf = 100000d\n"
        "hostclass.datacenter.mtbf = 100000d\n"
        "hostclass.hobbyist.disconnect-rate = 0\nhostclass.farm.disconnect-rate = 0\n"
        "hostclass.datacenter.disconnect-rate = 0\n"
        "hostclass.hobbyist.maint-interval = 0s\nhostclass.farm.maint-interval = 0s\n"
        "hostclass.datacenter.maint-interval = 0s\n"
        "region.us.outage-rate = 0\nregion.canada.outage-rate = 0\n"
        "region.asia.outage-rate = 0\nregion.nordics.outage-rate = 0\n"
        "region.europe.outage-rate = 50\nregion.europe.outage-fraction = 0.33\n",
        count_regional_downtime);

    ck_assert_int_eq(r.rc, SIM_OK);
    ck_assert_uint_eq(down_elsewhere, 0);
    ck_assert_uint_gt(down_in_europe, 10);
    eng_free(r.e);
}
END_TEST

/* A regional power cut kills the instances on the machines it takes
 * down, an internet cut suspends them (docs/PARAMS.md,
 * region.*.outage-power-share): with regional outages the only outages,
 * renters are hit by failures when every cut is a power cut, and never
 * when none is. Power cuts that only suspended passed every test. */
START_TEST(regional_power_cuts_kill_internet_cuts_suspend)
{
#define EUROPE_ONLY SMALL "seed = 10\nhostclass.*.mtbf = 100000d\n" \
    "hostclass.*.disconnect-rate = 0\nhostclass.*.maint-interval = 0s\n" \
    "hostclass.*.failed-start-prob = 0\nregion.*.outage-rate = 0\n" \
    "region.europe.outage-rate = 50\nregion.europe.outage-fraction = 0.5\n"
    struct outcome power = run_text(EUROPE_ONLY "region.europe.outage-power-share = 1\n", NULL, 0);
    struct outcome net = run_text(EUROPE_ONLY "region.europe.outage-power-share = 0\n", NULL, 0);
#undef EUROPE_ONLY

    ck_assert_int_eq(power.rc, SIM_OK);
    ck_assert_int_eq(net.rc, SIM_OK);
    ck_assert_double_gt(get(&power, "regional_outages", "region", "europe"), 0);
    ck_assert_double_gt(get(&net, "regional_outages", "region", "europe"), 0);
    ck_assert_double_gt(sum_of(&power, "failures_hit"), 5);
    ck_assert_double_eq(sum_of(&net, "failures_hit"), 0);
    done(&power);
    done(&net);
}
END_TEST

/* Renters whose host fails move (on-failure-move 1): with patience
 * beyond the run and no credits to run out, not one of them abandons,
 * however often hosts fail; and a container start that always fails
 * (failed-start-prob 1) starts no job at all. Movers that abandoned, and
 * starts that never failed, passed every test. */
START_TEST(movers_move_and_failed_starts_start_nothing)
{
#define FAILING SMALL "seed = 3\nhostclass.*.mtbf = 2d\narchetype.*.budget = 0\n" \
    "archetype.*.patience = 100000h\narchetype.*.on-failure-wait = 0\n" \
    "archetype.*.on-failure-move = 1\n"
    struct outcome move = run_text(FAILING, NULL, 0);
    struct outcome dud = run_text(FAILING "hostclass.*.failed-start-prob = 1\n", NULL, 0);
#undef FAILING

    ck_assert_int_eq(move.rc, SIM_OK);
    ck_assert_int_eq(dud.rc, SIM_OK);
    ck_assert_double_gt(sum_of(&move, "failures_hit"), 20);
    ck_assert_double_eq(sum_of(&move, "jobs_abandoned"), 0);
    ck_assert_double_gt(sum_of(&dud, "jobs_arrived"), 100);
    ck_assert_double_eq(sum_of(&dud, "jobs_started"), 0);
    done(&move);
    done(&dud);
}
END_TEST

START_TEST(checkpoint_interval_follows_the_machine_score)
{
    struct test_run r = test_run_tampered(SMALL "seed = 5\n", checkpoint_intervals);

    ck_assert_int_eq(r.rc, SIM_OK);
    ck_assert(tau_new > 0);
    ck_assert(tau_new < tau_proven);
    /* Young: tau = sqrt(2 delta M), M = MTTR r / (1 - r) */
    ck_assert_double_eq_tol((double)tau_new / (double)tau_proven, sqrt(1.5 / 99.0), 1e-6);
    ck_assert(tau_perfect >= tau_proven && tau_perfect < SIM_TIME_MAX / 2);
    ck_assert(tau_daly_new > 0 && tau_daly_new < tau_daly_proven);
    eng_free(r.e);
}
END_TEST

/* Vast's dlperf_per_dphtotal counts storage in the $/h: with one host
 * class's storage at 5 USD/GB-month, a 200 GB instance there costs about
 * 1.4 USD/h more than elsewhere, and DLPerf-per-dollar renters leave that
 * class's GPUs idle that they rent when storage costs the same
 * everywhere. Every sort key counts storage (storage_share), so no renter
 * ranks on the GPU price alone; the control is renters who keep no
 * storage: the same dear farm storage then costs them nothing, and they
 * rent the farms about as much as with cheap storage. */
START_TEST(storage_cost_counts_in_dlperf_per_dollar)
{
#define INDIE_ONLY SMALL "seed = 6\n" \
    "archetype.academic.rate = 0\narchetype.hobbyist.rate = 0\n" \
    "archetype.company.rate = 0\narchetype.consultant.rate = 0\n" \
    "archetype.enterprise.rate = 0\narchetype.indie.rate = 600\n"
    struct outcome same = run_text(INDIE_ONLY "archetype.indie.storage = 200\n", NULL, 0);
    struct outcome dear = run_text(INDIE_ONLY "archetype.indie.storage = 200\n"
                                   "hostclass.farm.storage-price = 5\n", NULL, 0);
    struct outcome none = run_text(INDIE_ONLY "archetype.indie.storage = 0\n"
                                   "hostclass.farm.storage-price = 5\n", NULL, 0);
#undef INDIE_ONLY
    double u_same, u_dear, u_none;

    ck_assert_int_eq(same.rc, SIM_OK);
    ck_assert_int_eq(dear.rc, SIM_OK);
    ck_assert_int_eq(none.rc, SIM_OK);
    u_same = get(&same, "utilisation", "host_class", "farm");
    u_dear = get(&dear, "utilisation", "host_class", "farm");
    u_none = get(&none, "utilisation", "host_class", "farm");
    ck_assert_msg(u_same > 0.05, "farms idle even with cheap storage: %g", u_same);
    ck_assert_msg(u_dear < 0.5 * u_same, "farm utilisation %g with dear storage, %g without",
                  u_dear, u_same);
    /* The cheap-storage run's 200 GB at the default 0.10-0.15 USD/GB-month
     * add 0.03-0.04 USD/h to an instance, a few per cent of a GPU-hour
     * and nearly the same on every class: dropping it moves the ranking
     * little, so farm utilisation stays within 20% of that run's, where
     * the dear storage cut it by more than half. */
    ck_assert_msg(fabs(u_none - u_same) < 0.2 * u_same,
                  "farm utilisation %g with dear storage but none kept, %g with cheap storage",
                  u_none, u_same);
    done(&same);
    done(&dear);
    done(&none);
}
END_TEST

/* The small market with hobbyists the only renters. */
#define HOBBYISTS_ONLY SMALL \
    "archetype.academic.rate = 0\narchetype.indie.rate = 0\n" \
    "archetype.company.rate = 0\narchetype.consultant.rate = 0\n" \
    "archetype.enterprise.rate = 0\n"

/* GPUs rented (any contract type), summed over the samples, on GPU model
 * 'gpu' (NULL: on every model). */
static double rented(const struct outcome *o, const char *gpu)
{
    double sum = 0;

    for (size_t i = 0; i < res_sample_count(o->res); i++) {
        sim_time t;
        const char *m, *k, *e;
        double v;

        res_sample_at(o->res, i, &t, &m, &k, &e, &v);
        if (strncmp(m, "gpus_rented_", 12) == 0 && (!gpu || strcmp(e, gpu) == 0))
            sum += v;
    }
    return sum;
}

/* Vast's GPU-model filter: renters who accept only RTX 3060s rent nothing
 * else, and a name outside the catalogue is an error at its line. */
START_TEST(gpu_model_filter)
{
    struct outcome o = run_text(HOBBYISTS_ONLY "seed = 8\n"
        "archetype.hobbyist.gpu-models = RTX 3060\n", NULL, 0);
    double on_3060 = rented(&o, "RTX 3060");

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_double_gt(on_3060, 0);
    ck_assert_double_eq(rented(&o, NULL) - on_3060, 0);
    done(&o);
}
END_TEST

/* Renters paid datacenter hosts and no one else. */
static void only_datacenters_earn(const struct outcome *o)
{
    ck_assert_int_eq(o->rc, SIM_OK);
    ck_assert_double_gt(get(o, "revenue_usd", "host_class", "datacenter"), 0);
    ck_assert_double_eq(get(o, "revenue_usd", "host_class", "farm"), 0);
    ck_assert_double_eq(get(o, "revenue_usd", "host_class", "hobbyist"), 0);
}

/* Vast's Secure Cloud filter: a renter who sets it rents only from
 * datacenter hosts; the same renters without it also rent from farms. */
START_TEST(secure_cloud_rents_only_datacenter_hosts)
{
#define COMPANY_ONLY SMALL "seed = 11\n" \
    "archetype.academic.rate = 0\narchetype.indie.rate = 0\n" \
    "archetype.hobbyist.rate = 0\narchetype.consultant.rate = 0\n" \
    "archetype.enterprise.rate = 0\narchetype.company.rate = 400\n"
    struct outcome sec = run_text(COMPANY_ONLY "archetype.company.secure-cloud = 1\n", NULL, 0);
    struct outcome any = run_text(COMPANY_ONLY "archetype.company.secure-cloud = 0\n", NULL, 0);
#undef COMPANY_ONLY

    only_datacenters_earn(&sec);
    ck_assert_int_eq(any.rc, SIM_OK);
    ck_assert_double_gt(get(&any, "revenue_usd", "host_class", "farm"), 0);
    done(&sec);
    done(&any);
}
END_TEST

/* Vast's gpu_name filter, drawn per job (archetype.*.name-pin): with every
 * hobbyist job naming a model, each rents only the model it named. The
 * hobbyists sort by price, so a search shown every model would put most
 * of them on the cheapest cards, more than named those; here no model
 * starts more named jobs than named it, and the names spread over the
 * supply. The run's own invariant (jobs.named-model) would fail it too. */
START_TEST(named_model_jobs_rent_only_the_named_model)
{
    struct outcome o = run_text(HOBBYISTS_ONLY "seed = 16\n"
        "archetype.hobbyist.name-pin = 1\n"
        "archetype.hobbyist.name-pin-speed = 1\n", NULL, 0);
    double named = 0, started = 0, arrived;
    int models = 0;

    ck_assert_int_eq(o.rc, SIM_OK);
    for (size_t i = 0; i < res_scalar_count(o.res); i++) {
        const char *m, *k, *e, *u;
        double v, n;

        res_scalar_at(o.res, i, &m, &k, &e, &v, &u);
        if (strcmp(m, "jobs_named_started") != 0)
            continue;
        n = get(&o, "jobs_named", "gpu", e);
        ck_assert_msg(v <= n, "%g jobs started on %s, only %g named it", v, e, n);
        named += n;
        started += v;
        models += n > 0;
    }
    ck_assert_double_gt(started, 0.5 * named);
    ck_assert_int_ge(models, 10);
    /* nearly every job names a model: only one that could not pay the
     * going price of any searches them all */
    arrived = get(&o, "jobs_arrived", "archetype", "hobbyist");
    ck_assert_double_gt(named, 0.95 * arrived);
    ck_assert_double_le(named, arrived);
    done(&o);
}
END_TEST

/* Naming a model changes what a search is shown and nothing else: the
 * pin draws come from their own stream (demand.pin.<archetype>), so when
 * the renters accept one model anyway (gpu-models) and value it by DLPerf
 * as usual (name-pin-speed = 0), naming it leaves every result bit for bit
 * as it was; and at share 0 no job names a model at all. */
START_TEST(named_model_share_changes_nothing_else)
{
#define ONE_MODEL HOBBYISTS_ONLY "seed = 17\n" \
    "archetype.hobbyist.gpu-models = RTX 3090\narchetype.hobbyist.name-pin-speed = 0\n"
    struct outcome off = run_text(ONE_MODEL "archetype.hobbyist.name-pin = 0\n", NULL, 0);
    struct outcome on = run_text(ONE_MODEL "archetype.hobbyist.name-pin = 1\n", NULL, 0);
#undef ONE_MODEL
    size_t n = res_scalar_count(off.res), compared = 0;

    ck_assert_int_eq(off.rc, SIM_OK);
    ck_assert_int_eq(on.rc, SIM_OK);
    ck_assert_double_gt(get(&on, "jobs_named", "gpu", "RTX 3090"), 0);
    ck_assert(isnan(get(&off, "jobs_named", "gpu", "RTX 3090")));
    for (size_t i = 0; i < n; i++) {
        const char *m, *k, *e, *u;
        double v, w;

        res_scalar_at(off.res, i, &m, &k, &e, &v, &u);
        w = get(&on, m, k, e);
        ck_assert_msg(memcmp(&v, &w, sizeof v) == 0, "%s %s %s: %.17g with pins, %.17g without",
                      m, k, e, w, v);
        compared++;
    }
    ck_assert_uint_eq(res_scalar_count(on.res), n + 2);    /* + jobs_named(_started) */
    ck_assert_uint_gt(compared, 100);
    done(&off);
    done(&on);
}
END_TEST

/* Vast's machine filters: renters who need more CPU cores per GPU than
 * any hobbyist rig or farm has (16) rent only datacenter machines (some
 * have 32); renters whose instance needs more disk than any offer has
 * never start. The same renters without the needs rent everywhere. */
START_TEST(cpu_ram_disk_filters)
{
#define HOBBY_ONLY HOBBYISTS_ONLY "seed = 14\n"
    struct outcome cpu = run_text(HOBBY_ONLY "archetype.hobbyist.min-cpu-per-gpu = 20\n", NULL, 0);
    struct outcome ram = run_text(HOBBY_ONLY "archetype.hobbyist.min-ram-per-gpu = 100\n", NULL, 0);
    struct outcome disk = run_text(HOBBY_ONLY "archetype.hobbyist.storage = 20000\n", NULL, 0);
    struct outcome any = run_text(HOBBY_ONLY, NULL, 0);
#undef HOBBY_ONLY

    only_datacenters_earn(&cpu);
    only_datacenters_earn(&ram);        /* 100 GB per GPU: only datacenters (64-256) */
    ck_assert_int_eq(disk.rc, SIM_OK);
    ck_assert_int_eq(any.rc, SIM_OK);
    ck_assert_double_eq(get(&disk, "jobs_started", "archetype", "hobbyist"), 0);
    ck_assert_double_gt(get(&disk, "jobs_abandoned", "archetype", "hobbyist"), 0);
    ck_assert_double_gt(get(&any, "revenue_usd", "host_class", "hobbyist"), 0);
    done(&cpu);
    done(&ram);
    done(&disk);
    done(&any);
}
END_TEST

/* Hobbyist-only markets of 16-GPU machines with 1000 GB disks, offered
 * from 'chunk' GPUs up, and jobs of 'gpus' GPUs: instances of 'fits' GB
 * start, instances of 'over' GB do not. */
static void disk_share(const char *chunk, const char *gpus, const char *fits_gb,
                       const char *over_gb)
{
    char text[4096];
    struct outcome o[2];

    for (int k = 0; k < 2; k++) {
        int n = snprintf(text, sizeof text, HOBBYISTS_ONLY "seed = 21\nhostclass.farm.share = 0\n"
                 "hostclass.datacenter.share = 0\nhostclass.hobbyist.machine-gpus = 16:1\n"
                 "hostclass.hobbyist.min-chunk = %s\nhostclass.hobbyist.disk = 1000:1\n"
                 "archetype.hobbyist.gpus = %s:1\narchetype.hobbyist.storage = %s\n",
                 chunk, gpus, k == 0 ? fits_gb : over_gb);

        ck_assert(n > 0 && (size_t)n < sizeof text);
        o[k] = run_text(text, NULL, 0);
        ck_assert_int_eq(o[k].rc, SIM_OK);
    }
    ck_assert_double_gt(get(&o[0], "jobs_started", "archetype", "hobbyist"), 0);
    ck_assert_double_eq(get(&o[1], "jobs_started", "archetype", "hobbyist"), 0);
    done(&o[0]);
    done(&o[1]);
}

/* An offer of k of a machine's n GPUs has k/n of its disk, exactly: a
 * 16-GPU machine's 1000 GB hold a 1000 GB instance on all 16 (the disk per
 * GPU was cut to 62 GB, 992 for the machine, and nobody started), and not
 * a 1001 GB one. */
START_TEST(whole_machine_offer_has_the_whole_disk)
{
    disk_share("16", "16", "1000", "1001");
}
END_TEST

/* ... and an offer of 1 of those 16 GPUs has a sixteenth of the disk,
 * 62.5 GB: a 62 GB instance fits on it, a 63 GB one does not (with the
 * disk not divided, 63 GB of a 1000 GB disk fitted on one GPU). */
START_TEST(one_gpu_offer_has_its_share_of_the_disk)
{
    disk_share("1", "1", "62", "63");
}
END_TEST

/* Bandwidth is billed per GB (10^9 bytes) at the host class's
 * bandwidth-price, once for every download: with one class at $0.037/GB
 * and 10 GB images, the renters' bandwidth lines sum to a whole number
 * of $0.37 (per GiB, 9.766 GB billed, each start would cost $0.361328). */
static money bandwidth_spent;

static void sum_bandwidth(void *state)
{
    const struct market *mk = state;

    bandwidth_spent = 0;
    for (size_t i = 0; i < mk->nar + mk->nsls; i++)
        bandwidth_spent += bill_spend_kind(mk->ledger, i, BILL_BANDWIDTH);
}

START_TEST(bandwidth_bills_per_gb_at_each_start)
{
    struct test_run r = test_run_tampered(HOBBYISTS_ONLY "seed = 22\nhostclass.farm.share = 0\n"
                                          "hostclass.datacenter.share = 0\n"
                                          "hostclass.hobbyist.bandwidth-price = 0.037\n"
                                          "archetype.hobbyist.image = 10\n", sum_bandwidth);

    ck_assert_int_eq(r.rc, SIM_OK);
    ck_assert_int_gt(bandwidth_spent, 100 * 370000);
    ck_assert_msg(bandwidth_spent % 370000 == 0, "bandwidth billed: %lld micro-dollars, "
                  "not a whole number of $0.37 starts", (long long)bandwidth_spent);
    eng_free(r.e);
    /* Fractions of a GB bill too: a 0.5 GB image at $0.30/GB is $0.15 a
     * start (GB cut to whole ones billed these downloads nothing). */
    r = test_run_tampered(HOBBYISTS_ONLY "seed = 22\nhostclass.farm.share = 0\n"
                          "hostclass.datacenter.share = 0\n"
                          "hostclass.hobbyist.bandwidth-price = 0.30\n"
                          "archetype.hobbyist.image = 0.5\n", sum_bandwidth);
    ck_assert_int_eq(r.rc, SIM_OK);
    ck_assert_int_gt(bandwidth_spent, 100 * 150000);
    ck_assert_msg(bandwidth_spent % 150000 == 0, "bandwidth billed: %lld micro-dollars, "
                  "not a whole number of $0.15 starts", (long long)bandwidth_spent);
    eng_free(r.e);
}
END_TEST

/* Vast's dlperf filter: with 'min-dlperf = 150', nothing slower is rented
 * (an RTX 3090 has about 44, two of them about 88; an RTX 5090 about
 * 200), and the renters still find offers. */
START_TEST(dlperf_filter)
{
    struct outcome o = run_text(HOBBYISTS_ONLY "seed = 15\n"
        "archetype.hobbyist.min-dlperf = 150\n", NULL, 0);

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_double_eq(rented(&o, "RTX 3090") + rented(&o, "RTX 3060"), 0);
    ck_assert_double_gt(rented(&o, "RTX 5090"), 0);
    done(&o);
}
END_TEST

/* A reliability filter between the search's band edges (0.95, 0.97):
 * the index entries carry which archetypes' filters an offer passes, and
 * every rental is checked against the machine record (invariant
 * 'search'), so a filter the entries got wrong fails the run. The filter
 * binds: fewer renters start than without it. Unverified offers (band 0)
 * hold every score, so the entries, not the bands, must turn them down. */
START_TEST(reliability_filter_inside_a_band)
{
    struct outcome f = run_text(HOBBYISTS_ONLY "seed = 17\n"
        "archetype.hobbyist.min-reliability = 0.96\n", NULL, 0);
    struct outcome any = run_text(HOBBYISTS_ONLY "seed = 17\n", NULL, 0);

    ck_assert_int_eq(f.rc, SIM_OK);
    ck_assert_int_eq(any.rc, SIM_OK);
    ck_assert_double_gt(get(&f, "jobs_started", "archetype", "hobbyist"), 0);
    ck_assert_double_lt(get(&f, "jobs_started", "archetype", "hobbyist"),
                        get(&any, "jobs_started", "archetype", "hobbyist"));
    done(&f);
    done(&any);
}
END_TEST

/* Sum and count of the offers' DLPerf per GPU of one model at the end. */
static double offer_dlperf_sum(const struct outcome *o, const char *gpu, int *n)
{
    char kind[64];
    double sum = 0;

    snprintf(kind, sizeof kind, "offer:%s", gpu);
    *n = 0;
    for (size_t i = 0; i < res_scalar_count(o->res); i++) {
        const char *m, *k, *e, *u;
        double v;

        res_scalar_at(o->res, i, &m, &k, &e, &v, &u);
        if (strcmp(m, "offer_dlperf_per_gpu") == 0 && strcmp(k, kind) == 0)
            sum += v, (*n)++;
    }
    return sum;
}

/* A kernel calibration that measured the H200 at 0.625 of the GPUs'
 * reference efficiency derates every simulated H200 machine by that, and
 * leaves the other models' machines as they were (same supply draws). */
START_TEST(calibrated_model_machines_are_derated)
{
    static const char calib[] =
        "device,kernel,size,achieved,unit,peak,efficiency,date,build\n"
        "\"cuda:NVIDIA H200\",sgemm_fp32,4096,33.5,TFLOPS,67,0.5,d,b\n"
        "\"cuda:NVIDIA H200\",triad,16777216,2400,GB/s,4800,0.5,d,b\n"
        "\"cuda:NVIDIA GeForce RTX 4090\",sgemm_fp32,4096,66.08,TFLOPS,82.6,0.8,d,b\n"
        "\"cuda:NVIDIA GeForce RTX 4090\",triad,16777216,806.4,GB/s,1008,0.8,d,b\n"
        "\"cuda:NVIDIA A100-SXM4-80GB\",sgemm_fp32,4096,15.6,TFLOPS,19.5,0.8,d,b\n"
        "\"cuda:NVIDIA A100-SXM4-80GB\",triad,16777216,1630.4,GB/s,2038,0.8,d,b\n";
    char *dir = test_tmpdir(), path[256], text[1024];
    struct outcome base, cal;
    double h0, h1, r0, r1;
    int nh0, nh1, nr0, nr1;

    snprintf(path, sizeof path, "%s/calib.csv", dir);
    test_write_file(path, calib);
#define H200_4090 "[General]\nsim.model = market\nsim.horizon = 1d\n" \
    "sim.warmup = 0d\nsim.sample-interval = 6h\nsupply.gpus = 400\nseed = 3\n" \
    "supply.gpu-models = H200, RTX 4090\n"
    base = run_text(H200_4090, NULL, 0);
    snprintf(text, sizeof text, H200_4090 "market.dlperf-calibration = %s\n", path);
    cal = run_text(text, NULL, 0);
#undef H200_4090
    ck_assert_int_eq(base.rc, SIM_OK);
    ck_assert_int_eq(cal.rc, SIM_OK);
    h0 = offer_dlperf_sum(&base, "H200", &nh0), h1 = offer_dlperf_sum(&cal, "H200", &nh1);
    r0 = offer_dlperf_sum(&base, "RTX 4090", &nr0), r1 = offer_dlperf_sum(&cal, "RTX 4090", &nr1);
    ck_assert_int_gt(nh0, 0);
    ck_assert_int_gt(nr0, 0);
    ck_assert_int_eq(nh0, nh1);
    ck_assert_int_eq(nr0, nr1);
    ck_assert_double_eq_tol(h1 / h0, 0.625, 1e-9);
    ck_assert_double_eq_tol(r1 / r0, 1.0, 1e-9);
    done(&base);
    done(&cal);
    remove(path), remove(dir);
    free(dir);
}
END_TEST

/* Sum of a per-entity scalar over every entity of one kind. */
static double get_sum(const struct outcome *o, const char *metric, const char *kind)
{
    double sum = 0;

    for (size_t i = 0; i < res_scalar_count(o->res); i++) {
        const char *m, *k, *e, *u;
        double v;

        res_scalar_at(o->res, i, &m, &k, &e, &v, &u);
        if (strcmp(m, metric) == 0 && strcmp(k, kind) == 0)
            sum += v;
    }
    return sum;
}

/* A host's floor for interruptible bids (min_bid) is its outside option,
 * or its ask when that is lower: it follows the ask down and comes back
 * up with it. It once only ever went down, so after one cheap spell the
 * host took bids below its own power cost for the rest of the run (14
 * hobbyist machines at the end of Quick). Checked on every machine at the
 * end of a market that reprices hourly. */
static size_t floors_checked, floors_wrong;

static void check_floors(void *state)
{
    const struct market *mk = state;

    floors_checked = floors_wrong = 0;
    for (size_t i = 0; i < mk->nm; i++) {
        const struct machine *m = &mk->m[i];

        floors_checked++;
        floors_wrong += m->min_bid != (m->outside < m->ask ? m->outside : m->ask);
    }
}

START_TEST(bid_floor_follows_the_ask_both_ways)
{
    struct test_run r = test_run_tampered(SMALL "seed = 16\n", check_floors);

    ck_assert_int_eq(r.rc, SIM_OK);
    ck_assert_uint_gt(floors_checked, 50);
    ck_assert_uint_eq(floors_wrong, 0);
    eng_free(r.e);
}
END_TEST

/* A host class that slices no finer than min-chunk GPUs sells a machine
 * with fewer GPUs whole (its largest power of two), not by the GPU: with
 * min-chunk 8, a 4-GPU datacenter machine offers 4, a 6-GPU one 4. */
static size_t chunks_checked, chunks_wrong;

static void check_chunks(void *state)
{
    const struct market *mk = state;

    chunks_checked = chunks_wrong = 0;
    for (size_t i = 0; i < mk->nm; i++) {
        const struct machine *m = &mk->m[i];
        unsigned want = 1;

        if (strcmp(mk->hc[m->cls].name, "datacenter") != 0)
            continue;
        while (2 * want <= m->ngpu && want < 8)
            want *= 2;
        chunks_checked += m->ngpu < 8;
        chunks_wrong += m->min_chunk != want;
    }
}

START_TEST(min_chunk_sells_small_machines_whole)
{
    struct test_run r = test_run_tampered(SMALL "seed = 17\n"
                                          "hostclass.datacenter.min-chunk = 8\n", check_chunks);

    ck_assert_int_eq(r.rc, SIM_OK);
    ck_assert_uint_gt(chunks_checked, 0);      /* datacenter machines under 8 GPUs */
    ck_assert_uint_eq(chunks_wrong, 0);
    eng_free(r.e);
}
END_TEST

/* supply.join-rate is new GPUs a year as a fraction of the initial
 * supply: 10 a year for 60 measured days of a 1,000-GPU market is 1,643
 * GPUs (give or take some 6% of Poisson and machine-size noise: 1,603 to
 * 1,831 over seeds 15-18). Joins come as machines, and the rate once
 * assumed 3 GPUs a machine where the default classes average 4: a third
 * more joined. */
START_TEST(join_rate_counts_gpus)
{
    struct outcome o = run_text("[General]\nsim.model = market\nsim.horizon = 62d\n"
                                "sim.warmup = 2d\nsim.sample-interval = 1d\n"
                                "supply.gpus = 1000\nseed = 15\ndemand.scale = 0.2\n"
                                "supply.join-rate = 10\nsupply.leave-rate = 0\n", NULL, 0);
    double joined = get_sum(&o, "gpus_joined", "gpu"), want = 10 * 1000 * 60 / 365.25;

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_msg(fabs(joined / want - 1) < 0.2, "%g GPUs joined, %g asked", joined, want);
    done(&o);
}
END_TEST

/* Host class shares are weights (README "Supply"), so the join rate
 * reads the classes' mean machine size over their shares' sum: one class
 * of 4-GPU machines at share 0.5 joins 20 x 1000 / 4 / 8766 machines an
 * hour, 30 measured days of them 410.7 machines, 1,643 GPUs (a Poisson
 * count: within 4 sd, 81 machines). Weighting the mean by the bare share
 * took it as 2 GPUs a machine and joined twice as many. */
START_TEST(join_rate_reads_class_shares_as_weights)
{
    struct outcome o = run_text("[General]\nsim.model = market\nsim.horizon = 32d\n"
                                "sim.warmup = 2d\nsim.sample-interval = 1d\n"
                                "supply.gpus = 1000\nseed = 15\ndemand.scale = 0\n"
                                "supply.join-rate = 20\nsupply.leave-rate = 0\n"
                                "hostclass.*.share = 0\nhostclass.farm.share = 0.5\n"
                                "hostclass.farm.machine-gpus = 4:1\n", NULL, 0);
    double joined = get_sum(&o, "gpus_joined", "gpu"), want = 20 * 1000 * 720 / 8766.0;

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_msg(fabs(joined - want) < 4 * 4 * sqrt(want / 4), "%g GPUs joined, %g asked",
                  joined, want);
    done(&o);
}
END_TEST

/* gpus_joined counts machines that joined after the warm-up (docs/
 * METRICS.md): 16 days of warm-up and 2 measured at 20 joins a year of
 * a 1,000-GPU market of 4-GPU machines is 20 x 1000 x 48 / 8766 = 109.5
 * GPUs, 27.4 machines (a Poisson count: within 4 sd, 21 machines). The
 * warm-up's joins counted too would make it about 985. */
START_TEST(gpus_joined_counts_after_the_warmup)
{
    struct outcome o = run_text("[General]\nsim.model = market\nsim.horizon = 18d\n"
                                "sim.warmup = 16d\nsim.sample-interval = 1d\n"
                                "supply.gpus = 1000\nseed = 15\ndemand.scale = 0\n"
                                "supply.join-rate = 20\nsupply.leave-rate = 0\n"
                                "hostclass.*.machine-gpus = 4:1\n", NULL, 0);
    double joined = get_sum(&o, "gpus_joined", "gpu"), want = 20 * 1000 * 48 / 8766.0;

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_msg(fabs(joined - want) < 4 * 4 * sqrt(want / 4), "%g GPUs joined after the "
                  "warm-up, %g expected", joined, want);
    done(&o);
}
END_TEST

/* Profit-driven exit: with no demand at all every machine earns nothing
 * and, reviewed every 3 days with certain exit, the whole fleet leaves;
 * with the default demand about half the machines cover a fifth of their
 * cost floor and stay (177-223 of some 407 GPUs left over seeds 12-16;
 * the bound was half of the idle fleet, which seed 12 met only while
 * renters paid to redo work that billing had dropped). */
START_TEST(unprofitable_hosts_leave)
{
#define EXIT SMALL "seed = 12\nsupply.join-rate = 0\nsupply.leave-rate = 0\n" \
    "supply.review = 3d\nsupply.exit-threshold = 0.2\nsupply.exit-prob = 1\n"
    struct outcome idle = run_text(EXIT "demand.scale = 0\n", NULL, 0);
    struct outcome busy = run_text(EXIT, NULL, 0);
#undef EXIT
    double idle_gone = get_sum(&idle, "gpus_exited", "gpu");
    double busy_gone = get_sum(&busy, "gpus_exited", "gpu");

    ck_assert_int_eq(idle.rc, SIM_OK);
    ck_assert_int_eq(busy.rc, SIM_OK);
    /* the initial fleet is the first machines reaching 400 GPUs (at most
     * 16 more); reviews start after 3 days, past the 2-day warm-up */
    ck_assert_msg(idle_gone >= 400 && idle_gone < 416, "idle market: %g GPUs left", idle_gone);
    ck_assert_msg(busy_gone < 0.6 * idle_gone, "busy market: %g of %g GPUs left", busy_gone,
                  idle_gone);
    ck_assert_double_gt(busy_gone, 0);
    done(&idle);
    done(&busy);
}
END_TEST

/* Supply turnover, against closed forms:
 *  - profit-driven exit (idle market, so every review is below the
 *    threshold): a machine present at the start is first reviewed after
 *    U(1, 2) x supply.review, then every review; at 3-day reviews over 20
 *    days that is 6 reviews for two thirds of them and 5 for the rest, so
 *    at exit-prob 0.1 a share (2/3) 0.9^6 + (1/3) 0.9^5 = 0.5511 stays
 *    (within 4 sd); a machine that joins is not reviewed within its
 *    exit-grace (30 days here), so none of them leaves;
 *  - with exit-prob 1, a reviewed machine leaves exactly when it earned
 *    (net of the take) below exit-threshold x its floor at its review;
 *  - supply.leave-rate 10 a year: a share exp(-10 x 480 / 8766) = 0.578
 *    of the initial machines is still there after 20 days (within 4 sd). */
static size_t to_initial, to_initial_left, to_joined, to_joined_left, to_joined_reviewed,
              to_reviewed, to_rule_broken;
static char to_first[160];

static void check_turnover(void *state)
{
    const struct market *mk = state;

    to_initial = to_initial_left = to_joined = to_joined_left = to_joined_reviewed = 0;
    to_reviewed = to_rule_broken = 0;
    for (size_t i = 0; i < mk->nm; i++) {
        const struct machine *m = &mk->m[i];

        if (m->joined == 0) {
            to_initial++;
            to_initial_left += m->leaving;
        } else {
            to_joined++;
            to_joined_left += m->leaving;
            to_joined_reviewed += m->reviewed;
        }
        if (m->reviewed) {
            bool below = m->net_rate < mk->exit_thr * money_to_usd(m->floor);

            to_reviewed++;
            if (below != m->leaving && to_rule_broken++ == 0)
                snprintf(to_first, sizeof to_first, "machine %zu earned %.4f of a floor of "
                         "%.4f and %s", i, m->net_rate, money_to_usd(m->floor),
                         m->leaving ? "left" : "stayed");
        }
    }
}

#define BIG_IDLE "[General]\nsim.model = market\nsim.horizon = 20d\nsim.warmup = 2d\n" \
    "sim.sample-interval = 6h\nsupply.gpus = 1000\nseed = 12\ndemand.scale = 0\n"

START_TEST(hosts_exit_by_review_and_leave_at_their_rate)
{
    struct test_run r;
    double n, stay;

    r = test_run_tampered(BIG_IDLE "supply.join-rate = 20\nsupply.leave-rate = 0\nsupply.review = 3d\n"
                          "supply.exit-threshold = 0.2\nsupply.exit-prob = 0.1\n"
                          "supply.exit-grace = 30d\n", check_turnover);
    ck_assert_int_eq(r.rc, SIM_OK);
    n = (double)to_initial;
    stay = 1 - (double)to_initial_left / n;
    ck_assert_msg(fabs(stay - 0.5511) < 4 * sqrt(0.5511 * 0.4489 / n),
                  "%g of %g initial machines stayed through their reviews", stay, n);
    ck_assert_uint_gt(to_joined, 50);
    ck_assert_msg(to_joined_reviewed == 0 && to_joined_left == 0, "of %zu machines that "
                  "joined, %zu were reviewed and %zu left within their grace", to_joined,
                  to_joined_reviewed, to_joined_left);
    eng_free(r.e);

    r = test_run_tampered(SMALL "seed = 12\nsupply.join-rate = 0\nsupply.leave-rate = 0\n"
                          "supply.review = 3d\nsupply.exit-threshold = 1\n"
                          "supply.exit-prob = 1\n", check_turnover);
    ck_assert_int_eq(r.rc, SIM_OK);
    ck_assert_uint_gt(to_reviewed, 50);
    ck_assert_uint_gt(to_initial_left, 10);
    ck_assert_uint_gt(to_initial - to_initial_left, 10);
    ck_assert_msg(to_rule_broken == 0, "%zu of %zu reviewed machines broke the exit rule; %s",
                  to_rule_broken, to_reviewed, to_first);
    eng_free(r.e);

    r = test_run_tampered(BIG_IDLE "supply.join-rate = 0\nsupply.leave-rate = 10\n", check_turnover);
    ck_assert_int_eq(r.rc, SIM_OK);
    n = (double)to_initial;
    stay = 1 - (double)to_initial_left / n;
    ck_assert_msg(fabs(stay - 0.5784) < 4 * sqrt(0.5784 * 0.4216 / n),
                  "%g of %g initial machines still there at a leave rate of 10 a year", stay, n);
    eng_free(r.e);
}
END_TEST
#undef BIG_IDLE

/* machines_exited and gpus_exited count hosts that left after the
 * warm-up because a review found them below supply.exit-threshold
 * (docs/METRICS.md), in an idle market where every review finds that:
 *  - with a 10-day warm-up, the initial machines' first reviews (3 to 6
 *    days in, exit-prob 1) empty the market before the warm-up ends:
 *    every machine left, none counted;
 *  - with no warm-up and hosts also leaving at supply.leave-rate 50 a
 *    year (mean life 8766 / 50 = 175.32 h), a machine exits by review
 *    when its first review, U(72, 144) h, comes before its departure:
 *    a share 175.32 / 72 x (e^(-72 / 175.32) - e^(-144 / 175.32))
 *    = 0.5439 of 400 one-GPU machines (within 4 sd, 0.0996). A host
 *    that has left is not reviewed again: counted as exiting too, every
 *    machine was. */
static size_t ex_machines, ex_leaving;

static void count_leaving(void *state)
{
    const struct market *mk = state;

    ex_machines = mk->nm;
    ex_leaving = 0;
    for (size_t i = 0; i < mk->nm; i++)
        ex_leaving += mk->m[i].leaving;
}

START_TEST(exits_count_review_exits_after_the_warmup)
{
#define EXITS "[General]\nsim.model = market\nsim.sample-interval = 1d\nsupply.gpus = 400\n" \
    "seed = 9\ndemand.scale = 0\nsupply.join-rate = 0\nsupply.review = 3d\n" \
    "supply.exit-threshold = 0.2\nsupply.exit-prob = 1\n"
    struct test_run r = test_run_tampered(EXITS "sim.horizon = 12d\nsim.warmup = 10d\n"
                                          "supply.leave-rate = 0\n", count_leaving);
    struct outcome o = { r, r.rc, eng_results(r.e) };
    double share;

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_uint_gt(ex_machines, 50);
    ck_assert_uint_eq(ex_leaving, ex_machines);
    ck_assert_double_eq(get_sum(&o, "machines_exited", "host_class"), 0);
    ck_assert_double_eq(get_sum(&o, "gpus_exited", "gpu"), 0);
    done(&o);

    r = test_run_tampered(EXITS "sim.horizon = 10d\nsim.warmup = 0d\nsupply.leave-rate = 50\n"
                          "hostclass.*.machine-gpus = 1:1\n", count_leaving);
    o = (struct outcome){ r, r.rc, eng_results(r.e) };
    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_uint_eq(ex_machines, 400);
    ck_assert_uint_eq(ex_leaving, 400);
    share = get_sum(&o, "machines_exited", "host_class") / 400;
    ck_assert_msg(fabs(share - 0.5439) < 0.0996, "%g of the machines exited by review", share);
    ck_assert_double_eq(get_sum(&o, "gpus_exited", "gpu"), share * 400);
    done(&o);
#undef EXITS
}
END_TEST

/* A machine that leaves stays in the market (utilisation's denominator)
 * while it still runs a rental, and drops out when its last one ends:
 * with every machine below its floor leaving at its review, samples 5
 * days apart and the market's end checks on, the hours a leaving
 * machine's last rentals ran must count on both sides. They counted in
 * the rented hours but not in the hours up when the rentals ended
 * between two refreshes (with 6-hour samples, datacenter utilisation
 * 1.03 at seed 1 and 1.16 at seed 11: the run failed its
 * utilisation.range check; with 5-day samples, seeds 1 and 12 fail). */
START_TEST(leaving_hosts_count_while_they_run)
{
    static const int seeds[] = { 1, 12 };

    for (size_t k = 0; k < 2; k++) {
        char text[1024];
        struct outcome o;

        snprintf(text, sizeof text, "%sseed = %d\n",
                 "[General]\nsim.model = market\nsim.horizon = 20d\n"
                 "sim.warmup = 2d\nsim.sample-interval = 5d\nsupply.gpus = 400\n"
                 "supply.join-rate = 0\nsupply.leave-rate = 0\nsupply.review = 3d\n"
                 "supply.exit-threshold = 1\nsupply.exit-prob = 1\n", seeds[k]);
        o = run_text(text, NULL, 0);
        ck_assert_msg(o.rc == SIM_OK, "seed %d: the run failed its checks", seeds[k]);
        ck_assert_double_gt(get_sum(&o, "gpus_exited", "gpu"), 50);
        done(&o);
    }
}
END_TEST

/* Profit-driven entry: when renters want only RTX 3060s, new hosts with
 * entry elasticity buy far more of them than hosts choosing by supply
 * share alone. */
START_TEST(new_hosts_buy_what_earns)
{
#define ENTRY SMALL "seed = 13\nsupply.join-rate = 40\nsupply.review = 2d\nsupply.exit-grace = 0\n" \
    "archetype.academic.gpu-models = RTX 3060\narchetype.indie.gpu-models = RTX 3060\n" \
    "archetype.hobbyist.gpu-models = RTX 3060\narchetype.company.gpu-models = RTX 3060\n" \
    "archetype.consultant.gpu-models = RTX 3060\narchetype.enterprise.rate = 0\n"
    struct outcome flat = run_text(ENTRY "supply.entry-elasticity = 0\n", NULL, 0);
    struct outcome elastic = run_text(ENTRY "supply.entry-elasticity = 2\n", NULL, 0);
#undef ENTRY
    double flat_share = get(&flat, "gpus_joined", "gpu", "RTX 3060") /
                        get_sum(&flat, "gpus_joined", "gpu");
    double elastic_share = get(&elastic, "gpus_joined", "gpu", "RTX 3060") /
                           get_sum(&elastic, "gpus_joined", "gpu");

    ck_assert_int_eq(flat.rc, SIM_OK);
    ck_assert_int_eq(elastic.rc, SIM_OK);
    ck_assert_double_gt(get_sum(&flat, "gpus_joined", "gpu"), 100);
    ck_assert_msg(elastic_share > 3 * flat_share,
                  "RTX 3060 share of new GPUs: %g with elasticity, %g without",
                  elastic_share, flat_share);
    done(&flat);
    done(&elastic);
}
END_TEST

/* Common random numbers on the supply side (DESIGN.md 2): a machine's
 * failures, repairs, disconnects and maintenance draw from its own
 * streams, regional outages from theirs, and nothing a rental does draws
 * from any of them. So more renters or another clearing rule (other
 * prices, other rentals, other failed starts) leaves every host class's
 * uptime, and so each down interval, bit for bit as it was, while the
 * demand side does change. With one stream shared with the rentals the
 * first different rental moved every later failure. */
START_TEST(policy_changes_no_machine_outage)
{
#define OUTAGES SMALL "seed = 23\n"
    struct outcome base = run_text(OUTAGES, NULL, 0);
    struct outcome more = run_text(OUTAGES "demand.scale = 1.3\n", NULL, 0);
    struct outcome clr = run_text(OUTAGES "market.clearing = second-price\n", NULL, 0);
#undef OUTAGES
    const struct outcome *other[] = { &more, &clr };
    size_t compared = 0;

    for (size_t k = 0; k < 2; k++) {
        ck_assert_int_eq(other[k]->rc, SIM_OK);
        /* not vacuous: the renters' side moved */
        ck_assert_double_ne(sum_of(other[k], "spend_usd"), sum_of(&base, "spend_usd"));
    }
    ck_assert_int_eq(base.rc, SIM_OK);
    for (size_t i = 0; i < res_scalar_count(base.res); i++) {
        const char *m, *kind, *e, *u;
        double v;

        res_scalar_at(base.res, i, &m, &kind, &e, &v, &u);
        if (strcmp(m, "uptime") != 0 || strcmp(kind, "host_class") != 0)
            continue;
        ck_assert_msg(v < 1, "%s: uptime %g, no outage to compare", e, v);
        for (size_t k = 0; k < 2; k++) {
            double w = get(other[k], m, kind, e);

            ck_assert_msg(memcmp(&v, &w, sizeof v) == 0, "%s uptime %.17g, %.17g under %s",
                          e, v, w, k ? "second-price" : "demand x 1.3");
        }
        compared++;
    }
    ck_assert_uint_ge(compared, 3);
    done(&base);
    done(&more);
    done(&clr);
}
END_TEST

/* The economic shape of the calibrated market, on a 4,000-GPU, 60-day
 * version of the default scenario (large enough that per-model means are
 * stable across seeds). Tolerances are stated per check. */
START_TEST(economic_regression_small_market)
{
    struct outcome o = run_text(
        "include scenarios/default.ini\n"
        "[Config T]\n"
        "sim.horizon = 60d\n"
        "sim.warmup = 10d\n"
        "supply.gpus = 4000\n", "T", 0);
    static const char *const arch[] = { "academic", "indie", "hobbyist", "company",
                                        "consultant", "enterprise" };
    double hob_int = get(&o, "share_interruptible", "archetype", "hobbyist");
    double ent_price = get(&o, "price_paid_per_gpu_h", "archetype", "enterprise");

    ck_assert_int_eq(o.rc, SIM_OK);
    /* hobbyists use interruptible most */
    for (size_t i = 0; i < 6; i++)
        if (strcmp(arch[i], "hobbyist") != 0)
            ck_assert_double_gt(hob_int, get(&o, "share_interruptible", "archetype", arch[i]));
    /* measured uptime counts every kind of downtime: hobbyist rigs are
     * down most, datacenters least, and the machines renters filtering on
     * reliability >= 0.99 meet are up more than the average machine */
    {
        double hob = get(&o, "uptime", "host_class", "hobbyist");
        double farm = get(&o, "uptime", "host_class", "farm");
        double dc = get(&o, "uptime", "host_class", "datacenter");
        double all = get(&o, "uptime", "platform", "all");
        double r99 = get(&o, "uptime", "min_reliability", "0.99");

        ck_assert_msg(hob > 0.95 && hob < farm && farm < dc && dc < 1,
                      "uptime hobbyist %g, farm %g, datacenter %g", hob, farm, dc);
        ck_assert_msg(all > hob && all < dc && r99 > all, "uptime all %g, 99%%+ %g", all, r99);
    }
    /* enterprises pay most per GPU-hour */
    for (size_t i = 0; i < 5; i++)
        ck_assert_double_gt(ent_price, get(&o, "price_paid_per_gpu_h", "archetype", arch[i]));
    /* realised on-demand prices inside seed 002's ranges (USD/GPU-h) for
     * the models whose 60-day prices are in range at every seed tried
     * (README: over the year at the default seed four of the other five
     * are in range too, not the A100 PCIe 40GB; over these 60 days the L4, RTX A6000
     * and A100 SXM4 40GB are (the last at its edge), and the A100 PCIe
     * parts are still below) */
    {
        static const struct { const char *gpu; double lo, hi; } r[] = {
            { "RTX 3090", 0.18, 0.60 }, { "RTX 4090", 0.29, 0.78 },
            { "RTX 5090", 0.38, 1.08 }, { "A100 SXM4 80GB", 0.84, 1.49 },
            { "H100 SXM", 1.47, 2.94 },
        };

        for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
            double p = get(&o, "price_ondemand_mean", "gpu", r[i].gpu);

            ck_assert_msg(p >= r[i].lo && p <= r[i].hi, "%s realised %.3f outside [%.2f, %.2f]",
                          r[i].gpu, p, r[i].lo, r[i].hi);
            ck_assert_msg(get(&o, "price_interruptible_mean", "gpu", r[i].gpu) < p,
                          "%s interruptible not below on-demand", r[i].gpu);
        }
    }
    /* seed 002's "A100 80GB" row, both form factors pooled by rented
     * GPU-hours (1.05-1.13 over the seeds tried) */
    {
        static const char *const a100[] = { "A100 PCIE 80GB", "A100 SXM4 80GB" };
        double usd = 0, h = 0;

        for (size_t i = 0; i < 2; i++) {
            double w = get(&o, "gpu_h_ondemand", "gpu", a100[i]);

            usd += w * get(&o, "price_ondemand_mean", "gpu", a100[i]);
            h += w;
        }
        ck_assert_double_gt(h, 0);
        ck_assert_msg(usd / h >= 0.84 && usd / h <= 1.49, "A100 80GB pooled %.3f", usd / h);
    }
    done(&o);
}
END_TEST

/* Prices dip off-peak as an emergent effect: nothing in the model writes
 * a daily price curve, but hosts adapt their asks to utilisation and
 * demand follows the renters' working day. The hourly profile of the
 * median ask (each model normalised by its own mean, then averaged) must
 * swing, with its low point in the rising phase of the same models' mean
 * utilisation, about a quarter of a day after its low (see the check). */
START_TEST(prices_dip_off_peak)
{
    struct outcome o = run_text(
        "include scenarios/default.ini\n"
        "[Config T]\n"
        "sim.horizon = 40d\n"
        "sim.warmup = 10d\n"
        "sim.sample-interval = 1h\n"
        "supply.gpus = 2000\n", "T", 0);
    static const char *const gpus[] = { "RTX 3090", "RTX 4090", "RTX 5090", "RTX 3060",
                                        "RTX 3080", "H100 SXM" };
    double util[24] = { 0 }, nutil[24] = { 0 }, ask[24] = { 0 };
    double umin = 1e9, umax = -1e9, amin = 1e9, amax = -1e9;
    int hu = 0, ha = 0, hmax = 0, lag;

    ck_assert_int_eq(o.rc, SIM_OK);
    for (size_t g = 0; g < sizeof gpus / sizeof gpus[0]; g++) {
        double sum[24] = { 0 }, n[24] = { 0 }, mean = 0;

        for (size_t i = 0; i < res_sample_count(o.res); i++) {
            sim_time t;
            const char *m, *k, *e;
            double v;

            res_sample_at(o.res, i, &t, &m, &k, &e, &v);
            if (t < 10 * SIM_DAY || strcmp(e, gpus[g]) != 0)
                continue;
            if (strcmp(m, "price_ask_p50") == 0) {
                sum[(t / SIM_HOUR) % 24] += v;
                n[(t / SIM_HOUR) % 24]++;
            } else if (strcmp(m, "utilisation") == 0) {
                util[(t / SIM_HOUR) % 24] += v;
                nutil[(t / SIM_HOUR) % 24]++;
            }
        }
        for (int h = 0; h < 24; h++)
            mean += sum[h] / n[h] / 24;
        for (int h = 0; h < 24; h++)
            ask[h] += sum[h] / n[h] / mean / (double)(sizeof gpus / sizeof gpus[0]);
    }
    for (int h = 0; h < 24; h++) {
        double u = util[h] / nutil[h];

        if (u < umin) { umin = u; hu = h; }
        if (u > umax) { umax = u; hmax = h; }
        if (ask[h] < amin) { amin = ask[h]; ha = h; }
        if (ask[h] > amax) amax = ask[h];
    }
    ck_assert_msg(umax - umin > 0.05, "no daily demand cycle: utilisation %g..%g", umin, umax);
    ck_assert_msg(amax - amin > 0.01, "no daily price cycle: ask %g..%g", amin, amax);
    /* Each hourly repricing moves an ask 3% down while its machine's
     * utilisation is low and 3% up while it is high: the ask integrates
     * utilisation, so it keeps falling through the utilisation low and
     * bottoms out only once utilisation has risen back past its level of
     * balance, before the utilisation high. An integrator of a daily
     * cycle lags it by a quarter period, 6 h; the ask sampled at hour h
     * reflects utilisation measured up to then, up to 1 h more. So the
     * low comes 1 to 7 h after the utilisation low, and a cycle that is
     * no sinusoid (this one rises over 13 h, falls over 11) gets 2 h of
     * slack: 1..9 h, and never after the utilisation high. */
    lag = (ha - hu + 24) % 24;
    ck_assert_msg(lag >= 1 && lag <= 9 && lag <= (hmax - hu + 24) % 24,
                  "ask low at %d h UTC, %d h after the utilisation low at %d h "
                  "(utilisation high at %d h)", ha, lag, hu, hmax);
    done(&o);
}
END_TEST

/* End dates (MARKET-FACTS.md 10-12): a contract ends at rental time +
 * its class's offer-duration unless the host extends it. The duration
 * filter lets only jobs expected to finish well before the end date rent,
 * so what reaches it ran longer than expected: interruptibles that sat
 * paused (a busy market, renters who wait 12 h before moving). With
 * auto-extend 0 such contracts stop and their jobs move and still finish;
 * with 1 none stop, and the same contracts are extended instead. */
#define SHORT_OFFERS \
    "seed = 5\ndemand.scale = 3\n" \
    "hostclass.hobbyist.offer-duration = 1d\nhostclass.farm.offer-duration = 1d\n" \
    "hostclass.datacenter.offer-duration = 1d\n" \
    "archetype.academic.pause-patience = 12h\narchetype.indie.pause-patience = 12h\n" \
    "archetype.hobbyist.pause-patience = 12h\narchetype.company.pause-patience = 12h\n" \
    "archetype.consultant.pause-patience = 12h\narchetype.enterprise.pause-patience = 12h\n"

START_TEST(contracts_end_at_their_end_date_unless_extended)
{
    struct outcome stop = run_text(SMALL SHORT_OFFERS
        "hostclass.hobbyist.auto-extend = 0\nhostclass.farm.auto-extend = 0\n"
        "hostclass.datacenter.auto-extend = 0\n", NULL, 0);
    struct outcome extend = run_text(SMALL SHORT_OFFERS
        "hostclass.hobbyist.auto-extend = 1\nhostclass.farm.auto-extend = 1\n"
        "hostclass.datacenter.auto-extend = 1\n", NULL, 0);
    double spend = get(&stop, "renter_spend_usd", "platform", "all");
    double refunds = get(&stop, "refunds_usd", "platform", "all");
    double host = get(&stop, "host_revenue_usd", "platform", "all");
    double platform = get(&stop, "platform_revenue_usd", "platform", "all");
    double done_stop = sum_of(&stop, "jobs_completed"), done_ext = sum_of(&extend, "jobs_completed");

    /* the runs' own invariants held: money, capacity, every job accounted */
    ck_assert_int_eq(stop.rc, SIM_OK);
    ck_assert_int_eq(extend.rc, SIM_OK);
    ck_assert_double_gt(sum_of(&stop, "contracts_expired"), 50);
    ck_assert_double_eq(sum_of(&stop, "contracts_extended"), 0);
    ck_assert_double_eq(sum_of(&extend, "contracts_expired"), 0);
    ck_assert_double_gt(sum_of(&extend, "contracts_extended"), 50);
    ck_assert_double_lt(fabs(spend - refunds - host - platform), 1e-6);
    /* the stopped jobs moved and finished: as many complete either way */
    ck_assert_double_gt(done_stop, 1000);
    ck_assert_double_gt(done_stop, 0.98 * done_ext);
    done(&stop);
    done(&extend);
}
END_TEST

/* Each contract's end date is its rental time + its host class's
 * offer-duration, and an extension moves it one offer-duration past the
 * moment the host extends, never further: checked on every contract
 * alive at the end of a busy market where hobbyists (2 days) never extend
 * and farms (1 day) and datacenters (36 h) always do, and paused renters
 * wait up to 2 days, so some contracts outlive their first end date. */
static size_t ends_checked, ends_extended, ends_wrong;
static char ends_first[160];

static void check_end_dates(void *state)
{
    const struct market *mk = state;
    sim_time now = eng_now(mk->e);

    ends_checked = ends_extended = ends_wrong = 0;
    for (size_t i = 0; i < mk->nc; i++) {
        const struct contract *c = &mk->c[i];
        const char *cls;
        sim_time dur;
        bool ok;

        if (!c->in_use || mk->j[c->job].arch >= mk->nar)
            continue;
        cls = mk->hc[mk->m[c->machine].cls].name;
        dur = (strcmp(cls, "hobbyist") == 0 ? 48 : strcmp(cls, "farm") == 0 ? 24 : 36) * SIM_HOUR;
        ends_checked++;
        if (strcmp(cls, "hobbyist") == 0) {
            ok = c->end == c->created + dur;
        } else {
            ok = c->end >= c->created + dur && c->end <= now + dur;
            ends_extended += c->end > c->created + dur;
        }
        if (!ok && ends_wrong++ == 0)
            snprintf(ends_first, sizeof ends_first, "%s contract rented at %.3f h ends at "
                     "%.3f h (now %.3f h)", cls, sim_time_to_hours(c->created),
                     sim_time_to_hours(c->end), sim_time_to_hours(now));
    }
}

START_TEST(end_dates_are_one_offer_duration_ahead)
{
    struct test_run r = test_run_tampered(SMALL "seed = 5\ndemand.scale = 3\n"
        "hostclass.hobbyist.offer-duration = 2d\nhostclass.farm.offer-duration = 1d\n"
        "hostclass.datacenter.offer-duration = 36h\nhostclass.hobbyist.auto-extend = 0\n"
        "hostclass.farm.auto-extend = 1\nhostclass.datacenter.auto-extend = 1\n"
        "archetype.*.pause-patience = 2d\n", check_end_dates);

    ck_assert_int_eq(r.rc, SIM_OK);
    ck_assert_uint_gt(ends_checked, 50);
    ck_assert_uint_gt(ends_extended, 8);      /* 16 of 387 */
    ck_assert_msg(ends_wrong == 0, "%zu of %zu end dates wrong; %s", ends_wrong, ends_checked,
                  ends_first);
    eng_free(r.e);
}
END_TEST

/* A host's review counts a reservation's prepay over its term, as the
 * time it pays for passes. It once counted the whole 1- or 3-month
 * prepay in the review after the rental and nothing in later reviews of
 * the term, so a machine fully reserved above its cost was reviewed at a
 * fraction of its floor and could exit. Checked at the end of a market
 * of companies that reserve, reviewed every 3 days: each machine's last
 * review counts at least the prepay share of every reservation that
 * covered its whole window (other revenue only adds to it). */
static size_t prepay_reviews, prepay_short;
static double prepay_worst;

static void check_prepay_reviews(void *state)
{
    const struct market *mk = state;

    prepay_reviews = prepay_short = 0;
    prepay_worst = 1;
    for (size_t i = 0; i < mk->nm; i++) {
        const struct machine *m = &mk->m[i];
        sim_time from = m->review_from, to = m->review_mark;
        double owed = 0, gpu_h = sim_time_to_hours(to - from) * m->ngpu;

        if (!m->reviewed || m->leaving || !(gpu_h > 0))
            continue;
        for (uint32_t k = 0; k < m->nclaims; k++) {
            const struct contract *c = &mk->c[m->cids[k]];

            if (c->type == C_RESERVED && c->created <= from && c->res_end >= to)
                owed += money_to_usd(c->prepaid) * (double)(to - from) /
                        (double)(c->res_end - c->created);
        }
        if (owed <= 0)
            continue;
        owed *= (1 - mk->fee) / gpu_h;
        prepay_reviews++;
        prepay_short += m->net_rate < owed * (1 - 1e-6);
        if (m->net_rate / owed < prepay_worst)
            prepay_worst = m->net_rate / owed;
    }
}

START_TEST(reviews_spread_the_prepay_over_its_term)
{
    struct test_run r = test_run_tampered(SMALL "seed = 24\nsupply.review = 3d\n"
                                          "supply.exit-threshold = 0.5\nsupply.exit-prob = 0\n"
                                          "archetype.company.p-ondemand = 0\n"
                                          "archetype.company.p-interruptible = 0\n"
                                          "archetype.company.p-reserved = 1\n"
                                          "archetype.company.work-median = 3000\n"
                                          "archetype.company.rate = 150\n",
                                          check_prepay_reviews);

    ck_assert_int_eq(r.rc, SIM_OK);
    ck_assert_uint_gt(prepay_reviews, 10);
    ck_assert_msg(prepay_short == 0, "%zu of %zu reviews short of their reservations' "
                  "prepay (worst: %g of it)", prepay_short, prepay_reviews, prepay_worst);
    eng_free(r.e);
}
END_TEST

/* A class is a datacenter by hostclass.*.datacenter, not by its name:
 * only a class literally named "datacenter" once counted, so moving the
 * datacenter settings to a class "dc" left every Secure Cloud renter
 * without a host (0 of 9697 jobs started). With the flags swapped, the
 * Secure Cloud companies rent from farms and never from the class named
 * datacenter. */
START_TEST(datacenter_is_a_class_setting_not_a_name)
{
    struct outcome o = run_text(SMALL "seed = 11\n"
                                "archetype.academic.rate = 0\narchetype.indie.rate = 0\n"
                                "archetype.hobbyist.rate = 0\narchetype.consultant.rate = 0\n"
                                "archetype.enterprise.rate = 0\narchetype.company.rate = 400\n"
                                "archetype.company.secure-cloud = 1\n"
                                "hostclass.farm.datacenter = true\n"
                                "hostclass.datacenter.datacenter = false\n", NULL, 0);

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_double_gt(get(&o, "revenue_usd", "host_class", "farm"), 0);
    ck_assert_double_eq(get(&o, "revenue_usd", "host_class", "datacenter"), 0);
    ck_assert_double_eq(get(&o, "revenue_usd", "host_class", "hobbyist"), 0);
    done(&o);
}
END_TEST

/* Every host class and region is drawn from, however many there are
 * (the supply once drew from the first 16 classes and 32 regions in name
 * order and silently never used the rest): with 17 extra classes and 33
 * extra regions, nearly all supply in the last of each, nearly every
 * machine is of that class and in that region. Past the 256 a machine can hold, a
 * load error names the count, the limit and a line. */
static size_t machines_seen, machines_elsewhere;

static void where_machines_are(void *state)
{
    const struct market *mk = state;

    machines_seen = machines_elsewhere = 0;
    for (size_t i = 0; i < mk->nm; i++) {
        machines_seen++;
        machines_elsewhere += strcmp(mk->hc[mk->m[i].cls].name, "c16") != 0 ||
                              strcmp(mk->rg[mk->m[i].region].name, "r32") != 0;
    }
}

START_TEST(every_host_class_and_region_supplies)
{
    char text[16384], *p = text;
    struct test_run r;
    char *buf;
    int n;

    p += sprintf(p, "[General]\nsim.model = market\nsim.horizon = 2d\nsim.warmup = 1d\n"
                 "supply.gpus = 200\nseed = 25\nhostclass.hobbyist.share = 0\n"
                 "hostclass.farm.share = 0\nhostclass.datacenter.share = 0\n"
                 "region.us.share = 0\nregion.canada.share = 0\nregion.europe.share = 0\n"
                 "region.asia.share = 0\nregion.nordics.share = 0\n");
    for (int i = 0; i <= 16; i++)
        p += sprintf(p, "hostclass.c%02d.share = %s\n", i, i == 16 ? "1" : "0.0001");
    for (int i = 0; i <= 32; i++)
        p += sprintf(p, "region.r%02d.share = %s\n", i, i == 32 ? "1" : "0.0001");
    r = test_run_tampered(text, where_machines_are);
    ck_assert_int_eq(r.rc, SIM_OK);
    ck_assert_uint_gt(machines_seen, 20);
    ck_assert_msg(machines_elsewhere < machines_seen / 10, "%zu of %zu machines not in the "
                  "class and region that hold the supply", machines_elsewhere, machines_seen);
    eng_free(r.e);

    p = text;
    p += sprintf(p, "[General]\nsim.model = market\n");
    for (int i = 0; i < 257; i++)      /* c000-c256 sort before datacenter */
        p += sprintf(p, "hostclass.c%03d.share = 1\n", i);
    buf = test_setup_errors("many.ini", text, &n);
    ck_assert_msg(strstr(buf, "many.ini:259: error: 260 host classes; the market takes at "
                              "most 256 ('c256' and after are too many)") != NULL, "%s", buf);
    ck_assert_int_eq(n, 1);
    free(buf);
}
END_TEST

/* A host's ask stays in [ask-floor, ask-ceiling] x its cost floor from
 * the start: the initial markup draw was never clamped, so markup 10
 * under the default ceiling of 6 asked 10x the floor until the first
 * repricing (here 10 days off). And a floor above the ceiling, which
 * repricing resolved by pinning every ask at the floor, is an error. */
static size_t asks_checked, asks_out;

static void check_initial_asks(void *state)
{
    const struct market *mk = state;

    asks_checked = asks_out = 0;
    for (size_t i = 0; i < mk->nm; i++) {
        const struct machine *m = &mk->m[i];
        money hi = money_muldiv(m->floor, mk->hc[m->cls].hi_ppm, 1000000);

        asks_checked++;
        asks_out += m->ask != hi;       /* every draw is above the ceiling */
    }
}

START_TEST(initial_asks_stay_within_their_bounds)
{
    struct test_run r = test_run_tampered("[General]\nsim.model = market\nsim.horizon = 3d\n"
                                          "sim.warmup = 1d\nsupply.gpus = 400\nseed = 26\n"
                                          "market.reprice-interval = 10d\n"
                                          "[hostclass hobbyist]\nmarkup-min = 9\nmarkup-max = 10\n"
                                          "[hostclass farm]\nmarkup-min = 9\nmarkup-max = 10\n"
                                          "[hostclass datacenter]\nmarkup-min = 9\n"
                                          "markup-max = 10\n", check_initial_asks);
    char *buf;
    int n;

    ck_assert_int_eq(r.rc, SIM_OK);
    ck_assert_uint_gt(asks_checked, 50);
    ck_assert_uint_eq(asks_out, 0);
    eng_free(r.e);
    buf = test_setup_errors("crossed.ini", "[General]\nsim.model = market\n"
                            "[hostclass farm]\nask-floor = 3\nask-ceiling = 2\n", &n);
    ck_assert_msg(strstr(buf, "crossed.ini:5: error: hostclass farm: ask-ceiling 2 is below "
                              "ask-floor 3") != NULL, "%s", buf);
    ck_assert_int_eq(n, 1);
    free(buf);
}
END_TEST

/* Every host's cost floor, initial ask and bid floor as README "Host
 * pricing" states them, computed here by hand for RTX 4090s (450 W,
 * $1599 in data/gpus.csv) at a take of 0.25 (gross-up 1 / 0.75), with no
 * repricing before the end (interval 10 days, run 1 day):
 *
 *   floor   = 0.45 kW x PUE x electricity + 1599 / (amortisation h) + overhead
 *   ask     = floor / 0.75 x U(markup-min, markup-max), in
 *             floor / 0.75 x [ask-floor, ask-ceiling]
 *   outside = 0.45 kW x PUE x electricity x min-bid-factor / 0.75
 *   min_bid = min(outside, ask)
 *
 * Hobbyists: PUE 1.5, 500 days, $0.03/h, markup U(1.2, 2.0) under a
 * ceiling of 1.8 (a quarter of the draws land on it; the rest mean 1.575
 * with sd 0.198), min-bid-factor 1.5 (below the ask: min_bid is the
 * outside option). Farms: PUE 1.1, 1000 days, $0.01/h, markup U(1.5, 3.0)
 * over an ask-floor of 2.0 (a third of the draws land on it; all mean
 * 2.333 with sd 0.333), min-bid-factor 10 (above the ask: min_bid is the
 * ask). US electricity $0.20/kWh, Europe $0.30 with three times the
 * US's share of machines; verified-prob 0.3 and 0.9. A model that drops
 * the PUE, the amortisation, the overhead, a region's own price or the
 * min-bid-factor, grosses up by 1 + fee or not at all, or draws the
 * markup at one end fails machine by machine or by a 4-sigma bound on a
 * mean or a share. */
struct cost_check {
    size_t n[2], wrong_floor, wrong_ask, wrong_bid, at_ceiling, at_floor, europe, verified[2];
    double ratio_sum[2];
    char first[160];
};
static struct cost_check cost_seen;

static void check_costs(void *state)
{
    const struct market *mk = state;
    struct cost_check *s = &cost_seen;
    /* per class: PUE, amortisation (h), overhead, markup range, ask bounds, bid factor */
    static const double pue[2] = { 1.5, 1.1 }, amort_h[2] = { 500 * 24.0, 1000 * 24.0 },
                        ovh[2] = { 0.03, 0.01 }, mlo[2] = { 1.2, 2.0 }, mhi[2] = { 1.8, 3.0 },
                        bidf[2] = { 1.5, 10 };

    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < mk->nm; i++) {
        const struct machine *m = &mk->m[i];
        int k = strcmp(mk->hc[m->cls].name, "hobbyist") == 0 ? 0 : 1;
        int eu = strcmp(mk->rg[m->region].name, "europe") == 0;
        double kwh = eu ? 0.30 : 0.20, power = 0.45 * pue[k] * kwh;
        double floor_usd = power + 1599.0 / amort_h[k] + ovh[k];
        double net = floor_usd / 0.75, ask = money_to_usd(m->ask), ratio = ask / net;
        double outside = power * bidf[k] / 0.75;
        double want_bid = outside < ask ? outside : ask;

        ck_assert_msg(strcmp(mk->hc[m->cls].name, k ? "farm" : "hobbyist") == 0, "class %s",
                      mk->hc[m->cls].name);
        s->n[k]++;
        s->europe += eu;
        s->verified[k] += m->verified;
        s->ratio_sum[k] += ratio;
        if (llabs(m->floor - money_from_usd(floor_usd)) > 1) {
            s->wrong_floor++;
            snprintf(s->first, sizeof s->first, "machine %zu: floor %.6f, want %.6f", i,
                     money_to_usd(m->floor), floor_usd);
        }
        if (ratio < mlo[k] - 1e-5 || ratio > mhi[k] + 1e-5) {
            s->wrong_ask++;
            snprintf(s->first, sizeof s->first, "machine %zu: ask %.6f = %.4f x floor / 0.75",
                     i, ask, ratio);
        }
        s->at_ceiling += k == 0 && ratio > 1.8 - 1e-5;
        s->at_floor += k == 1 && ratio < 2.0 + 1e-5;
        if (fabs(money_to_usd(m->min_bid) - want_bid) > 2e-6) {
            s->wrong_bid++;
            snprintf(s->first, sizeof s->first, "machine %zu: min_bid %.6f, want %.6f", i,
                     money_to_usd(m->min_bid), want_bid);
        }
    }
}

START_TEST(host_costs_asks_and_bid_floors_follow_their_formulas)
{
    struct test_run r = test_run_tampered(
        "[General]\nsim.model = market\nsim.horizon = 1d\nsim.warmup = 0d\n"
        "supply.gpus = 400\nseed = 31\nsupply.join-rate = 0\nsupply.leave-rate = 0\n"
        "supply.gpu-models = RTX 4090\nmarket.fee = 0.25\nmarket.reprice-interval = 10d\n"
        "region.*.share = 0\nregion.us.share = 0.25\nregion.us.electricity = 0.20\n"
        "region.europe.share = 0.75\nregion.europe.electricity = 0.30\n"
        "hostclass.datacenter.share = 0\n"
        "[hostclass hobbyist]\nshare = 1\npue = 1.5\namortisation = 500d\noverhead = 0.03\n"
        "markup-min = 1.2\nmarkup-max = 2.0\nask-floor = 1.1\nask-ceiling = 1.8\n"
        "min-bid-factor = 1.5\nverified-prob = 0.3\n"
        "[hostclass farm]\nshare = 1\npue = 1.1\namortisation = 1000d\noverhead = 0.01\n"
        "markup-min = 1.5\nmarkup-max = 3.0\nask-floor = 2.0\nmin-bid-factor = 10\nverified-prob = 0.9\n",
        check_costs);
    const struct cost_check *s = &cost_seen;
    double n = (double)(s->n[0] + s->n[1]), p;

    ck_assert_int_eq(r.rc, SIM_OK);
    ck_assert_msg(s->n[0] >= 40 && s->n[1] >= 40, "%zu hobbyist, %zu farm machines", s->n[0],
                  s->n[1]);
    ck_assert_msg(s->wrong_floor == 0 && s->wrong_ask == 0 && s->wrong_bid == 0,
                  "%zu floors, %zu asks, %zu bid floors wrong; %s", s->wrong_floor,
                  s->wrong_ask, s->wrong_bid, s->first);
    /* the markup draws: a quarter of the hobbyists' at the ceiling, a
     * third of the farms' at the floor, means 1.575 and 2.333 within 4
     * standard errors */
    p = (double)s->at_ceiling / (double)s->n[0];
    ck_assert_msg(fabs(p - 0.25) < 4 * sqrt(0.25 * 0.75 / (double)s->n[0]),
                  "%g of the hobbyist asks at the ceiling", p);
    p = (double)s->at_floor / (double)s->n[1];
    ck_assert_msg(fabs(p - 1 / 3.0) < 4 * sqrt(2 / 9.0 / (double)s->n[1]),
                  "%g of the farm asks at the floor", p);
    ck_assert_msg(fabs(s->ratio_sum[0] / (double)s->n[0] - 1.575) <
                  4 * 0.198 / sqrt((double)s->n[0]), "hobbyist markup mean %g",
                  s->ratio_sum[0] / (double)s->n[0]);
    ck_assert_msg(fabs(s->ratio_sum[1] / (double)s->n[1] - 7 / 3.0) <
                  4 / 3.0 / sqrt((double)s->n[1]), "farm markup mean %g",
                  s->ratio_sum[1] / (double)s->n[1]);
    /* region shares are weights (3 of 4 machines in Europe), and each
     * class verifies its own share of machines */
    ck_assert_msg(fabs((double)s->europe / n - 0.75) < 4 * sqrt(0.75 * 0.25 / n),
                  "%zu of %g machines in Europe", s->europe, n);
    p = (double)s->verified[0] / (double)s->n[0];
    ck_assert_msg(fabs(p - 0.3) < 4 * sqrt(0.3 * 0.7 / (double)s->n[0]),
                  "%g of hobbyist machines verified", p);
    p = (double)s->verified[1] / (double)s->n[1];
    ck_assert_msg(fabs(p - 0.9) < 4 * sqrt(0.9 * 0.1 / (double)s->n[1]),
                  "%g of farm machines verified", p);
    eng_free(r.e);
}
END_TEST

/* Posted pricing sells interruptible at market.posted-interruptible x
 * the posted price, to the micro-dollar: the share was cast to parts per
 * million, and 0.062507 x 1e6 (62506.99999999999) became 62506, so every
 * H100's floor came out some micro-dollars below. */
static size_t posted_checked, posted_wrong;

static void check_posted_floors(void *state)
{
    const struct market *mk = state;

    posted_checked = posted_wrong = 0;
    for (size_t i = 0; i < mk->nm; i++) {
        const struct machine *m = &mk->m[i];

        posted_checked++;
        posted_wrong += m->min_bid != money_muldiv(m->ask, 62507, 1000000);
    }
}

START_TEST(posted_interruptible_share_is_exact)
{
    struct test_run r = test_run_tampered("[General]\nsim.model = market\nsim.horizon = 1d\n"
                                          "sim.warmup = 0d\nsupply.gpus = 200\nseed = 27\n"
                                          "market.pricing = posted\n"
                                          "market.posted-interruptible = 0.062507\n"
                                          "supply.gpu-models = H100 SXM\n",
                                          check_posted_floors);

    ck_assert_int_eq(r.rc, SIM_OK);
    ck_assert_uint_gt(posted_checked, 20);
    ck_assert_uint_eq(posted_wrong, 0);
    eng_free(r.e);
}
END_TEST

/* The posted price (README "Host pricing": market.posted-markup x the
 * model's cost floor at the fleet's averages over the scenario's machine
 * shares), by hand for RTX 4090s (450 W, $1599 in data/gpus.csv). Shares
 * are weights, here summing to 0.8 (classes) and 0.4 (regions):
 *
 *   PUE          (0.2 x 1.5 + 0.6 x 1.1) / 0.8           = 1.2
 *   electricity  (0.1 x 0.20 + 0.3 x 0.30) / 0.4         = $0.275/kWh
 *   write-off    (0.2 / 12000 h + 0.6 / 24000 h) / 0.8   = 1 / 19200 h
 *                (the average rate, not 1 / the average amortisation,
 *                 which would be 1 / 21000 h)
 *   floor        0.45 x 1.2 x 0.275 + 1599 / 19200       = $0.23178125/h
 *   posted       1.8 x floor                             = $0.41720625/h
 *
 * the same on every machine whatever its class and region, with no host
 * overhead (the hosts' own business: $0.05 and $0.07 here) and no
 * gross-up by the take (the platform sets the renter's price; 0.25 here
 * would make it $0.556275). Hourly repricing changes none of it. */
static size_t posted_price_n, posted_price_wrong;
static char posted_price_first[160];

static void check_posted_price(void *state)
{
    const struct market *mk = state;

    posted_price_n = posted_price_wrong = 0;
    for (size_t i = 0; i < mk->nm; i++) {
        const struct machine *m = &mk->m[i];

        posted_price_n++;
        if (llabs(m->ask - 417206) > 1 && posted_price_wrong++ == 0)
            snprintf(posted_price_first, sizeof posted_price_first,
                     "machine %zu (%s, %s) asks %.6f, want 0.417206", i, mk->hc[m->cls].name,
                     mk->rg[m->region].name, money_to_usd(m->ask));
    }
}

START_TEST(posted_price_is_the_fleet_average_floor)
{
    struct test_run r = test_run_tampered(
        "[General]\nsim.model = market\nsim.horizon = 2d\nsim.warmup = 0d\n"
        "supply.gpus = 200\nseed = 32\nsupply.gpu-models = RTX 4090\n"
        "market.pricing = posted\nmarket.posted-markup = 1.8\nmarket.fee = 0.25\n"
        "region.*.share = 0\nregion.us.share = 0.1\nregion.us.electricity = 0.20\n"
        "region.europe.share = 0.3\nregion.europe.electricity = 0.30\n"
        "hostclass.datacenter.share = 0\n"
        "[hostclass hobbyist]\nshare = 0.2\npue = 1.5\namortisation = 500d\noverhead = 0.05\n"
        "[hostclass farm]\nshare = 0.6\npue = 1.1\namortisation = 1000d\noverhead = 0.07\n",
        check_posted_price);

    ck_assert_int_eq(r.rc, SIM_OK);
    ck_assert_uint_gt(posted_price_n, 20);
    ck_assert_msg(posted_price_wrong == 0, "%zu of %zu posted prices wrong; %s",
                  posted_price_wrong, posted_price_n, posted_price_first);
    eng_free(r.e);
}
END_TEST

/* Arrivals follow the rate function the archetype parameters describe
 * (docs/PARAMS.md): rate x (1 + a cos(2 pi (local hour - 14) / 24)),
 * x weekend on local Saturdays and Sundays (t = 0 is a Monday 00:00
 * UTC), x deadline-boost in the deadline-window before the end of each
 * deadline day (days of the year counted from demand.start-day at
 * t = 0), all scaled by the initial supply. The integral over the run,
 * computed here from that description, is the expected count of a
 * Poisson process: the realised count must lie within 3 sigma. A window
 * of 1.5 days once boosted 2 whole local days: 3804 jobs here where 2906
 * are expected (16 sigma). And arrivals are demand's own: a supply or
 * platform change leaves every archetype's count as it was (common
 * random numbers). */
#define BURSTS \
    "[General]\n" \
    "sim.model = market\n" \
    "sim.horizon = 21d\n" \
    "sim.warmup = 0d\n" \
    "sim.sample-interval = 1d\n" \
    "supply.gpus = 200\n" \
    "seed = 8\n" \
    "demand.start-day = 100\n" \
    "archetype.*.rate = 0\n" \
    "archetype.hobbyist.rate = 100\n" \
    "archetype.burst.rate = 250\n" \
    "archetype.burst.tz = -5\n" \
    "archetype.burst.day-amplitude = 0.35\n" \
    "archetype.burst.weekend = 0.5\n" \
    "archetype.burst.deadlines = 105,112\n" \
    "archetype.burst.deadline-window = 1.5d\n" \
    "archetype.burst.deadline-boost = 20\n" \
    "archetype.burst.work-median = 0.5\n"

START_TEST(arrivals_follow_the_rate_function)
{
    struct test_run r0 = test_run_tampered(BURSTS, count_initial_gpus);
    struct outcome o = { r0, r0.rc, eng_results(r0.e) };
    double gpus = (double)gpus_built;      /* 200 asked, in whole machines */
    struct outcome moved = run_text(BURSTS "market.fee = 0.35\nhostclass.*.mtbf = 5d\n"
                                    "hostclass.hobbyist.ask-ceiling = 1.2\n", NULL, 0);
    /* the deadlines' ends in local hours from t = 0: days 5 and 12 */
    const double ends[] = { 6 * 24.0, 13 * 24.0 };
    double expected = 0, arrived, step = 1.0 / 60;

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_int_eq(moved.rc, SIM_OK);
    for (double t = step / 2; t < 21 * 24.0; t += step) {
        double local = t - 5, r = 250 * gpus / 1000.0 / 24.0;   /* jobs per hour */
        double hour = local - 24.0 * floor(local / 24.0);
        long dow = ((long)floor(local / 24.0) % 7 + 7) % 7;

        r *= 1 + 0.35 * cos(2 * PI * (hour - 14) / 24);
        if (dow >= 5)
            r *= 0.5;
        for (size_t i = 0; i < 2; i++)
            if (ends[i] - local > 0 && ends[i] - local <= 36)
                r *= 20;
        expected += r * step;
    }
    arrived = get(&o, "jobs_arrived", "archetype", "burst");
    ck_assert_msg(fabs(arrived - expected) <= 3 * sqrt(expected),
                  "%g arrivals, %g expected", arrived, expected);
    ck_assert_double_gt(get(&o, "jobs_arrived", "archetype", "hobbyist"), 400);
    ck_assert_double_eq(get(&o, "jobs_arrived", "archetype", "academic"), 0);
    /* a different market, the same renters arriving */
    ck_assert_double_eq(get(&moved, "jobs_arrived", "archetype", "burst"), arrived);
    ck_assert_double_eq(get(&moved, "jobs_arrived", "archetype", "hobbyist"),
                        get(&o, "jobs_arrived", "archetype", "hobbyist"));
    ck_assert_double_ne(get(&moved, "platform_revenue_usd", "platform", "all"),
                        get(&o, "platform_revenue_usd", "platform", "all"));
    done(&o);
    done(&moved);
}
END_TEST

/* Three checks of the rate function that the count over three weeks
 * above cannot make, each against a closed form (expected counts of a
 * Poisson process, bounds of 4 standard errors, sqrt of the count):
 * - the time zone: over the first 12 h UTC of a Monday, renters at
 *   UTC+6 live local hours 6-18, around their 14:00 peak: the integral
 *   of 1 + 0.9 cos(2 pi (h - 14) / 24) over them is
 *   12 + 0.9 x 24 / (2 pi) x (sin(pi / 3) - sin(-2 pi / 3)) = 17.95 h,
 *   where the offset applied the wrong way (local 18-6) gives 6.05 h;
 *   over whole weeks the offset only shifts the cycle, so the count
 *   above did not see it;
 * - demand.scale: twice the scale, twice the arrivals (the thinning once
 *   left it out, and demand.scale changed nothing: no test saw it);
 * - overlapping deadline windows boost once: with deadlines on days 0
 *   and 1 and a 3-day window, all of day 0 is in both windows, and over
 *   one whole day the daily cycle integrates to 1: rate x 2 x 1 day. */
static double arrivals_of(const char *text)
{
    struct test_run r = test_run_tampered(text, count_initial_gpus);
    double n = res_get(eng_results(r.e), "jobs_arrived", "archetype", "indie");

    ck_assert_int_eq(r.rc, SIM_OK);
    eng_free(r.e);
    return n;
}

#define ZONED \
    "[General]\nsim.model = market\nsim.warmup = 0d\nsim.sample-interval = 6h\n" \
    "supply.gpus = 200\nseed = 12\narchetype.*.rate = 0\n" \
    "archetype.indie.rate = 4000\narchetype.indie.weekend = 1\n" \
    "archetype.indie.work-median = 0.5\n"

START_TEST(arrivals_follow_the_time_zone_scale_and_one_boost)
{
    double per_h = 4000 * 1e-3 / 24;    /* jobs per hour per GPU built */
    double k = 0.9 * 24 / (2 * PI) * 2 * sin(PI / 3), want, n;

    n = arrivals_of(ZONED "sim.horizon = 12h\narchetype.indie.tz = 6\n"
                    "archetype.indie.day-amplitude = 0.9\narchetype.indie.deadline-boost = 1\n");
    want = per_h * (double)gpus_built * (12 + k);
    ck_assert_msg(fabs(n - want) <= 4 * sqrt(want), "UTC+6: %g arrivals, %g expected (%g "
                  "with the offset the wrong way)", n, want, per_h * (double)gpus_built * (12 - k));
    n = arrivals_of(ZONED "sim.horizon = 12h\narchetype.indie.tz = 6\n"
                    "archetype.indie.day-amplitude = 0.9\narchetype.indie.deadline-boost = 1\n"
                    "demand.scale = 2\n");
    want *= 2;
    ck_assert_msg(fabs(n - want) <= 4 * sqrt(want), "demand.scale 2: %g arrivals, %g expected",
                  n, want);
    n = arrivals_of(ZONED "sim.horizon = 1d\narchetype.indie.tz = 0\n"
                    "archetype.indie.day-amplitude = 0.5\narchetype.indie.deadlines = 0,1\n"
                    "demand.start-day = 0\narchetype.indie.deadline-window = 3d\n"
                    "archetype.indie.deadline-boost = 2\n");
    want = per_h * (double)gpus_built * 2 * 24;
    ck_assert_msg(fabs(n - want) <= 4 * sqrt(want), "two deadline windows: %g arrivals, "
                  "%g expected (boosted once)", n, want);
}
END_TEST

/* Scheduled maintenance (MARKET-FACTS.md 14): announced maint-notice
 * ahead, the machine unlisted from the notice on, down for
 * maint-duration; the next one is drawn from the end of the last, an
 * exponential gap of mean maint-interval whose last maint-notice is the
 * notice (at once when the gap is shorter). Two closed forms, with no
 * other outage in the market:
 * - a notice of 100 d after gaps of mean 1 d (so a gap longer than the
 *   notice comes once in e^100): every machine is announced at t = 0 and
 *   not down within the 5-day run, so nobody rents and the uptime is
 *   exactly 1;
 * - interval m = 10 d, notice n = 5 d, duration d = 1 d: a cycle lasts
 *   max(X - n, 0) + n + d with X ~ Exp(m), E = m e^(-n/m) + n + d, of
 *   which d is down (renewal-reward): uptime 1 - d / E = 0.9171, where
 *   maintenance starting at the notice gives 0.858 and a notice added to
 *   the whole gap 0.9375. About 100 machines for 100 days: the standard
 *   error is near 0.002, the bound 0.01.
 * A notice that did not unlist the machine, and maintenance starting at
 * the notice, both passed every test before this one. */
#define MAINT_ONLY \
    "[General]\nsim.model = market\nsim.sample-interval = 1d\nsupply.gpus = 400\n" \
    "seed = 9\nhostclass.*.mtbf = 100000d\nhostclass.*.disconnect-rate = 0\n" \
    "hostclass.*.failed-start-prob = 0\nregion.*.outage-rate = 0\nsupply.join-rate = 0\n" \
    "hostclass.*.maint-duration = 1d\n"

START_TEST(maintenance_is_announced_and_renews)
{
    struct outcome o = run_text(MAINT_ONLY "sim.horizon = 5d\nsim.warmup = 0d\n"
                                "hostclass.*.maint-interval = 1d\n"
                                "hostclass.*.maint-notice = 100d\n", NULL, 0);
    double want = 1 - 1.0 / (10 * exp(-0.5) + 5 + 1), up;

    ck_assert_int_eq(o.rc, SIM_OK);
    ck_assert_double_gt(sum_of(&o, "jobs_arrived"), 100);
    ck_assert_double_eq(sum_of(&o, "jobs_started"), 0);
    ck_assert_double_eq(get(&o, "uptime", "platform", "all"), 1);
    done(&o);
    o = run_text(MAINT_ONLY "sim.horizon = 120d\nsim.warmup = 20d\n"
                 "hostclass.*.maint-interval = 10d\nhostclass.*.maint-notice = 5d\n", NULL, 0);
    ck_assert_int_eq(o.rc, SIM_OK);
    up = get(&o, "uptime", "platform", "all");
    ck_assert_msg(fabs(up - want) <= 0.01, "uptime %g, %g expected", up, want);
    done(&o);
}
END_TEST

/* A renter who waits out its host's failure rents the repaired host on
 * the contract a search would have chosen: these long-running companies
 * prepay (p-reserved 1), so every instance of theirs still open at the
 * end is a reservation, the ones that went back to their host included.
 * The host used to take them back on-demand: 31 of the 41 open here,
 * after 265 returns to a repaired host. (Fine-tuning jobs of about 900
 * reference-GPU-hours, work-median x 0.6: a month or more at reference
 * speed, and short enough for a datacenter's offer duration.) */
static size_t open_reserved, open_other;

static void count_open_contracts(void *state)
{
    const struct market *mk = state;

    open_reserved = open_other = 0;
    for (size_t i = 0; i < mk->nc; i++) {
        const struct contract *c = &mk->c[i];

        if (!c->in_use || mk->j[c->job].arch >= mk->nar)
            continue;
        if (c->type == C_RESERVED)
            open_reserved++;
        else
            open_other++;
    }
}

START_TEST(renters_back_on_the_repaired_host_keep_their_reservation)
{
    struct test_run r = test_run_tampered("[General]\nsim.model = market\n"
        "sim.horizon = 40d\nsim.warmup = 0d\nsim.sample-interval = 1d\n"
        "supply.gpus = 400\nsupply.gpu-models = RTX 3090\nseed = 5\n"
        "archetype.*.rate = 0\narchetype.company.rate = 3\n"
        "archetype.company.p-ondemand = 0\narchetype.company.p-interruptible = 0\n"
        "archetype.company.p-reserved = 1\narchetype.company.gpus = 1:1\n"
        "archetype.company.vram = 16\narchetype.company.big-model-prob = 0\n"
        "archetype.company.work-median = 1500\narchetype.company.work-sigma = 0.1\n"
        "archetype.company.mix = finetune:1\n"
        "hostclass.hobbyist.mtbf = 3d\nhostclass.farm.mtbf = 3d\n"
        "hostclass.datacenter.mtbf = 3d\n"
        "archetype.company.on-failure-wait = 1\narchetype.company.on-failure-move = 0\n"
        "archetype.company.retry = 2min\narchetype.company.min-reliability = 0\n",
        count_open_contracts);
    const struct results *res = eng_results(r.e);

    ck_assert_int_eq(r.rc, SIM_OK);
    ck_assert_double_gt(res_get(res, "failures_resumed_same_host", "archetype", "company"), 10);
    ck_assert_uint_ge(open_reserved, 10);
    ck_assert_msg(open_other == 0, "%zu of %zu open instances are not reserved", open_other,
                  open_other + open_reserved);
    eng_free(r.e);
}
END_TEST

/* Renters prepay the term that costs least for their run (finding: a
 * quarter cost more than on demand for any job of 33 to 65 days). RTX
 * 4090s at the reference DLPerf run a reference-GPU-hour an hour, so
 * companies' 800 h fine-tunes are the reviewer's 800 h job: a month and
 * then per second (656 x the price) beats the quarter ended early
 * (847.60 x) and on demand (800 x); indies' 560 h runs are short of the
 * month's break-even (576 h at 0.2) and rent on demand. The market
 * prepaid the quarter for every run over 792 h and a month from 540 h. */
static size_t term_month, term_other, indie_reserved, indie_open;

static void count_terms(void *state)
{
    const struct market *mk = state;

    term_month = term_other = indie_reserved = indie_open = 0;
    for (size_t i = 0; i < mk->nc; i++) {
        const struct contract *c = &mk->c[i];
        const char *who;

        if (!c->in_use || mk->j[c->job].arch >= mk->nar)
            continue;
        who = mk->ar[mk->j[c->job].arch].name;
        if (strcmp(who, "indie") == 0) {
            indie_open++;
            indie_reserved += c->type == C_RESERVED;
        } else if (c->type == C_RESERVED) {
            if (c->res_end - c->created == 30 * SIM_DAY)
                term_month++;
            else
                term_other++;
        }
    }
}

START_TEST(renters_prepay_the_term_that_costs_least)
{
    struct test_run r = test_run_tampered("[General]\nsim.model = market\n"
        "sim.horizon = 4d\nsim.warmup = 0d\nsim.sample-interval = 1d\nseed = 5\n"
        "supply.gpus = 60\nsupply.join-rate = 0\nsupply.leave-rate = 0\n"
        "supply.gpu-models = RTX 4090\nmarket.reference-dlperf = 97.2\n"
        "market.dlperf-derate-scale = 0\n"
        "archetype.*.rate = 0\narchetype.company.rate = 60\narchetype.indie.rate = 60\n"
        "archetype.*.p-reserved = 1\narchetype.*.p-ondemand = 1\n"
        "archetype.*.p-interruptible = 0\narchetype.*.gpus = 1:1\n"
        "archetype.*.vram = 16\narchetype.*.big-model-prob = 0\n"
        "archetype.*.work-sigma = 0\narchetype.*.mix = finetune:1\n"
        "archetype.*.min-reliability = 0\narchetype.*.budget = 0\n"
        "archetype.*.value = 100\narchetype.*.gpu-models = \n"
        "workload.finetune.work-scale = 1\n"
        "archetype.company.work-median = 800\narchetype.indie.work-median = 560\n"
        "hostclass.*.offer-duration = 200d\nhostclass.*.mtbf = 100000d\n",
        count_terms);

    ck_assert_int_eq(r.rc, SIM_OK);
    ck_assert_uint_ge(term_month, 5);
    ck_assert_msg(term_other == 0, "%zu of %zu reservations of 800 h runs are not for a "
                  "month", term_other, term_other + term_month);
    ck_assert_uint_ge(indie_open, 5);
    ck_assert_msg(indie_reserved == 0, "%zu of %zu rentals of 560 h runs prepaid",
                  indie_reserved, indie_open);
    eng_free(r.e);
}
END_TEST

/* Contract choice (archetype.*.p-*): p-reserved is the chance that a
 * job long enough to prepay a month does; the others split on-demand :
 * interruptible as p-ondemand : p-interruptible. These companies' jobs
 * are all short (a median half reference-GPU-hour), so p-reserved must
 * change nothing, and neither may scaling both other weights by a half:
 * the runs are the same bit for bit. The three were read as one
 * three-way split, so p-reserved 1 halved the short jobs' interruptible
 * share (the reviewer's demo: 0.198 at 0, 0.081 at 1). */
START_TEST(short_jobs_choose_their_contract_without_p_reserved)
{
#define SHORT_JOBS SMALL "seed = 6\narchetype.company.rate = 200\n" \
    "archetype.company.work-median = 0.5\n"
    struct outcome base = run_text(SHORT_JOBS "archetype.company.p-reserved = 0\n", NULL, 0);
    struct outcome all = run_text(SHORT_JOBS "archetype.company.p-reserved = 1\n", NULL, 0);
    struct outcome half = run_text(SHORT_JOBS "archetype.company.p-ondemand = 0.425\n"
                                   "archetype.company.p-interruptible = 0.075\n", NULL, 0);
#undef SHORT_JOBS

    ck_assert_int_eq(base.rc, SIM_OK);
    ck_assert_double_gt(get(&base, "share_interruptible", "archetype", "company"), 0.05);
    assert_identical(&base, &all);
    assert_identical(&base, &half);
    done(&base);
    done(&all);
    done(&half);
}
END_TEST

/* The cut-offs again, where the bounds are tight or come from elsewhere:
 * as in pruned_search_finds_what_a_full_search_finds, every variant must
 * come out bit for bit as the full search does.
 * 0: Secure Cloud searches read past the first search-depth offers, so a
 *    bucket's bound takes the model's fastest machine, not the head's
 *    fastest of the first search-depth (band_reach).
 * 1: a top of one: the first offers kept cut off the rest of the market
 *    at once, so models must be visited best bound first (model_before).
 * 2: exact ties between bound and key: posted asks (one per model), no
 *    storage, no derating (one speed per model) and the model's fastest
 *    machine as Secure Cloud's spmax make a bucket's first offer's key
 *    equal its bound, and an offer tying the one kept still enters when
 *    its machine number is lower (key_bound's 1e-6 must be the key's).
 * 3: the score sort, one candidate per bucket, unverified machines
 *    searched too (scores from 0.60 up in one band): an offer skipped
 *    because even the most noise could not lift it into the top still
 *    counts toward the bucket's search-candidates, as the full search
 *    counts it. Uncounted, the scan went on to offers the full search
 *    never reads (and variants 0-2 and the default depth never showed). */
START_TEST(pruned_search_finds_what_a_full_search_finds_at_tight_bounds)
{
    static const char *const variants[] = {
        "archetype.*.secure-cloud = 0.5\nmarket.search-depth = 4\n",
        "market.search-top = 1\nmarket.search-candidates = 1\n",
        "market.pricing = posted\narchetype.*.storage = 0\n"
        "archetype.*.sort = dlperf-per-dollar\nmarket.search-top = 1\n"
        "market.dlperf-derate-scale = 0\narchetype.*.secure-cloud = 0.5\n"
        "market.search-depth = 2\n",
        "archetype.*.sort = score\nmarket.search-top = 1\nmarket.search-candidates = 1\n"
        "archetype.*.verified-only = false\n",
    };

    pruned_is_full(variants[_i]);
}
END_TEST

Suite *market_suite(void)
{
    Suite *s = suite_create("market");
    TCase *tc = tcase_create("runs");

    tcase_add_test(tc, same_seed_same_results_byte_for_byte);
    tcase_add_test(tc, money_is_conserved_and_jobs_accounted);
    tcase_add_test(tc, finish_catches_broken_books);
    tcase_add_test(tc, reliability_histogram_over_time_agrees_with_quantiles);
    tcase_add_test(tc, demand_scales_with_the_gpus_built);
    tcase_add_test(tc, reliability_histogram_counts_machines_still_there);
    tcase_add_test(tc, fee_applies_as_written);
    tcase_add_test(tc, fee_reaches_renters);
    tcase_add_test(tc, known_answer_price_times_hours);
    tcase_add_test(tc, a_job_that_cannot_be_placed_waits_then_abandons);
    tcase_add_loop_test(tc, renters_back_off_between_searches, 0, 2);
    tcase_add_test(tc, long_waits_stay_backed_off);
    tcase_add_test(tc, credits_that_run_out_stop_instances);
    tcase_add_test(tc, credits_run_out_under_posted_prices);
    tcase_add_test(tc, renters_top_up_at_the_set_rate);
    tcase_add_test(tc, a_delayed_top_up_needs_a_grace);
    tcase_add_test(tc, job_spend_by_fate_adds_up_to_the_spend);
    tcase_add_test(tc, reservations_stay_within_credits);
    tcase_add_test(tc, credits_cover_storage_too);
    tcase_add_test(tc, credits_cover_storage_dearer_than_the_gpu);
    tcase_add_test(tc, host_caps_the_prepay_discount);
    tcase_add_test(tc, runpod_rule_lists_recovered_machines_again);
    tcase_add_test(tc, verified_only_filter_and_the_unverified_band);
    tcase_add_test(tc, regional_outages_hit_their_own_region);
    tcase_add_test(tc, regional_power_cuts_kill_internet_cuts_suspend);
    tcase_add_test(tc, movers_move_and_failed_starts_start_nothing);
    tcase_add_test(tc, vanishing_arrival_rate_means_no_arrivals);
    tcase_add_test(tc, gpu_hours_by_model_add_up_to_paid_hours);
    tcase_add_test(tc, reserved_hours_stay_out_of_the_on_demand_price);
    tcase_add_test(tc, supply_model_list_binds_every_class_and_joins);
    tcase_add_test(tc, pauses_lose_nothing_failures_lose_unsaved_work);
    tcase_add_test(tc, billing_keeps_the_segments_progress);
    tcase_add_test(tc, waiting_renters_resume_on_the_repaired_host);
    tcase_add_test(tc, renters_outbid_while_suspended_decide);
    tcase_add_test(tc, p_reserved_sees_the_dlperf_filter);
    tcase_add_test(tc, stopped_workers_leave_the_auction_at_once);
    tcase_add_test(tc, outbid_workers_hold_no_renter_timer);
    tcase_add_test(tc, failed_starts_resume_no_one);
    tcase_add_test(tc, initial_scores_start_where_they_stay);
    tcase_add_test(tc, outages_overlapping_rentals_keep_the_books);
    tcase_add_test(tc, goodput_counts_what_paid_time_did);
    tcase_add_test(tc, counts_are_written_when_nothing_happened);
    tcase_add_test(tc, clearing_prices_follow_the_floor);
    tcase_add_test(tc, clearing_prices_follow_a_floor_that_is_the_ask);
    tcase_add_test(tc, refunds_follow_their_prepay_into_the_measured_spend);
    tcase_add_test(tc, offline_hosts_hold_unsaved_work_and_bill_no_storage);
    tcase_add_test(tc, free_checkpoints_lose_least);
    tcase_add_test(tc, checkpoint_interval_follows_the_machine_score);
    tcase_add_test(tc, storage_cost_counts_in_dlperf_per_dollar);
    tcase_add_test(tc, gpu_model_filter);
    tcase_add_test(tc, secure_cloud_rents_only_datacenter_hosts);
    tcase_add_test(tc, named_model_jobs_rent_only_the_named_model);
    tcase_add_test(tc, renters_prepay_the_term_that_costs_least);
    tcase_add_test(tc, named_model_share_changes_nothing_else);
    tcase_add_test(tc, unprofitable_hosts_leave);
    tcase_add_test(tc, hosts_exit_by_review_and_leave_at_their_rate);
    tcase_add_test(tc, exits_count_review_exits_after_the_warmup);
    tcase_add_test(tc, leaving_hosts_count_while_they_run);
    tcase_add_test(tc, join_rate_counts_gpus);
    tcase_add_test(tc, join_rate_reads_class_shares_as_weights);
    tcase_add_test(tc, gpus_joined_counts_after_the_warmup);
    tcase_add_test(tc, min_chunk_sells_small_machines_whole);
    tcase_add_test(tc, pairwise_checks_blame_the_key_written);
    tcase_add_test(tc, distributions_reject_what_they_cannot_mean);
    tcase_add_test(tc, bid_floor_follows_the_ask_both_ways);
    tcase_add_test(tc, cpu_ram_disk_filters);
    tcase_add_test(tc, whole_machine_offer_has_the_whole_disk);
    tcase_add_test(tc, one_gpu_offer_has_its_share_of_the_disk);
    tcase_add_test(tc, bandwidth_bills_per_gb_at_each_start);
    tcase_add_test(tc, dlperf_filter);
    tcase_add_test(tc, reliability_filter_inside_a_band);
    tcase_add_test(tc, calibrated_model_machines_are_derated);
    tcase_add_test(tc, new_hosts_buy_what_earns);
    tcase_add_test(tc, bad_catalog_row_is_reported_with_file_and_row);
    tcase_add_test(tc, absurd_catalog_values_are_out_of_range_at_their_row);
    tcase_add_test(tc, bad_market_values_are_all_reported_with_their_lines);
    tcase_add_test(tc, policy_changes_no_machine_outage);
    tcase_add_test(tc, economic_regression_small_market);
    tcase_add_test(tc, pruned_search_finds_what_a_full_search_finds);
    tcase_add_test(tc, prices_dip_off_peak);
    tcase_add_test(tc, contracts_end_at_their_end_date_unless_extended);
    tcase_add_test(tc, end_dates_are_one_offer_duration_ahead);
    tcase_add_test(tc, reviews_spread_the_prepay_over_its_term);
    tcase_add_test(tc, datacenter_is_a_class_setting_not_a_name);
    tcase_add_test(tc, every_host_class_and_region_supplies);
    tcase_add_test(tc, initial_asks_stay_within_their_bounds);
    tcase_add_test(tc, host_costs_asks_and_bid_floors_follow_their_formulas);
    tcase_add_test(tc, posted_interruptible_share_is_exact);
    tcase_add_test(tc, posted_price_is_the_fleet_average_floor);
    tcase_add_test(tc, arrivals_follow_the_rate_function);
    tcase_add_test(tc, arrivals_follow_the_time_zone_scale_and_one_boost);
    tcase_add_test(tc, maintenance_is_announced_and_renews);
    tcase_add_test(tc, renters_back_on_the_repaired_host_keep_their_reservation);
    tcase_add_test(tc, short_jobs_choose_their_contract_without_p_reserved);
    tcase_add_loop_test(tc, pruned_search_finds_what_a_full_search_finds_at_tight_bounds, 0, 4);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    /* set-up alone (models/market_load.c): what the loaded structs hold */
    tc = tcase_create("load");
    tcase_add_test(tc, set_up_normalises_weights_and_accepts_range_edges);
    tcase_add_test(tc, set_up_refuses_values_just_past_range_edges);
    tcase_add_test(tc, set_up_refuses_values_just_past_upper_edges);
    tcase_add_test(tc, a_longest_unknown_member_name_is_reported);
    suite_add_tcase(s, tc);
    return s;
}
