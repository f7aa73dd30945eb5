/* tests/check_spot.c -- the hidden-reserve spot price trace
 * (models/spotprice.c): its band, its AR(1), its market and lookups.
 * Expectations come from the process's definition (spotprice.h) and from
 * closed forms: the AR(1)'s lag-1 autocorrelation, and the Poisson
 * occupancy of an M/M/infinity market seen at Poisson update instants.
 * The checkpointing walk (models/spotckpt.c) is checked on a hand-made
 * price history against times and bills worked out by hand. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_rng.h>
#include "models/reproduce.h"
#include "models/spotckpt.h"
#include "models/spotprice.h"
#include "sim/model.h"
#include "sim/param.h"
#include "sim/scenario.h"
#include "tests/suites.h"

static struct spot_params base(void)
{
    return (struct spot_params){
        .ondemand = 1000000,        /* 1 USD/h: prices read as fractions x 1e6 */
        .floor = 0.35, .ceil = 0.45, .a1 = 0.7, .sigma = 0.01,
        .update_mean = SIM_HOUR, .capacity = 100, .load = 0.0,
        .hold_mean = 6 * SIM_HOUR, .bid_lo = 0.3, .bid_hi = 1.0,
    };
}

static struct spot_trace *build(const struct spot_params *p, unsigned long s1,
                                unsigned long s2, sim_time end)
{
    gsl_rng *a = gsl_rng_alloc(gsl_rng_mt19937), *b = gsl_rng_alloc(gsl_rng_mt19937);
    struct spot_trace *t;

    gsl_rng_set(a, s1);
    gsl_rng_set(b, s2);
    t = spot_trace_build(p, a, b, end);
    gsl_rng_free(a);
    gsl_rng_free(b);
    ck_assert_ptr_nonnull(t);
    return t;
}

/* The first update is at 0, times rise strictly and stay before the end,
 * the reserve stays in its band (to the micro-dollar of rounding), and
 * with no demand the price is the reserve. */
START_TEST(trace_in_band_and_ordered)
{
    struct spot_params p = base();
    struct spot_trace *t = build(&p, 1, 2, 2000 * SIM_HOUR);
    size_t n = spot_trace_count(t);

    /* exponential gaps of mean 1 h over 2000 h: about 2000 updates */
    ck_assert_uint_gt(n, 1800);
    ck_assert_uint_lt(n, 2200);
    ck_assert_int_eq(spot_trace_at(t, 0), 0);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_ge(spot_trace_reserve(t, i), 350000);
        ck_assert_int_le(spot_trace_reserve(t, i), 450000);
        ck_assert_int_eq(spot_trace_price(t, i), spot_trace_reserve(t, i));
        ck_assert_int_lt(spot_trace_at(t, i), 2000 * SIM_HOUR);
        if (i > 0)
            ck_assert_int_gt(spot_trace_at(t, i), spot_trace_at(t, i - 1));
    }
    spot_trace_free(t);
}
END_TEST

/* sigma = 0: no innovation, so the reserve never moves from its first
 * value (the recursion starts from a zero increment). */
START_TEST(no_noise_no_move)
{
    struct spot_params p = base();
    struct spot_trace *t;

    p.sigma = 0.0;
    t = build(&p, 3, 4, 500 * SIM_HOUR);
    for (size_t i = 1; i < spot_trace_count(t); i++)
        ck_assert_int_eq(spot_trace_reserve(t, i), spot_trace_reserve(t, 0));
    spot_trace_free(t);
}
END_TEST

/* In a band too wide to clip, the increments are the AR(1)
 * dP_i = -a1 dP_(i-1) + eps, whose lag-1 autocorrelation is -a1: over
 * 100,000 steps the sample value is within a few 1/sqrt(n) of it. Both
 * signs of a1, so a sign slip cannot pass. */
START_TEST(increments_are_ar1)
{
    const double a1s[] = { 0.7, -0.4 };

    for (size_t k = 0; k < 2; k++) {
        struct spot_params p = base();
        struct spot_trace *t;
        double s1 = 0, s2 = 0, q1 = 0, q2 = 0, s12 = 0, n = 0, r;

        p.floor = 0.01;
        p.ceil = 0.99;
        p.sigma = 1e-4;     /* a walk of sd ~ 0.02 over the run: no clip */
        p.a1 = a1s[k];
        p.ondemand = 1000000000000LL;   /* 1e6 USD/h: rounding far below sigma */
        t = build(&p, 5 + k, 6, 100000 * SIM_HOUR);
        for (size_t i = 2; i < spot_trace_count(t); i++) {
            double d1 = (double)(spot_trace_price(t, i) - spot_trace_price(t, i - 1));
            double d0 = (double)(spot_trace_price(t, i - 1) - spot_trace_price(t, i - 2));

            s1 += d1;
            s2 += d0;
            q1 += d1 * d1;
            q2 += d0 * d0;
            s12 += d1 * d0;
            n++;
        }
        r = (s12 / n - s1 / n * s2 / n) /
            sqrt((q1 / n - s1 / n * s1 / n) * (q2 / n - s2 / n * s2 / n));
        ck_assert_double_eq_tol(r, -p.a1, 0.015);
        spot_trace_free(t);
    }
}
END_TEST

/* The market binds when more requests are present than it can run. With
 * capacity 1, every bid 0.9 x on-demand and a mean of 1 request present,
 * the count present is Poisson(1) (an M/M/infinity queue), and updates,
 * a Poisson process of their own, see it as time does: the price is
 * 0.9 x on-demand at a share 1 - 2/e = 0.2642 of updates, else the
 * reserve. */
START_TEST(market_binds_at_capacity)
{
    struct spot_params p = base();
    struct spot_trace *t;
    size_t n, high = 0;

    p.capacity = 1;
    p.load = 1.0;
    p.bid_lo = p.bid_hi = 0.9;
    t = build(&p, 7, 8, 200000 * SIM_HOUR);
    n = spot_trace_count(t);
    for (size_t i = 0; i < n; i++) {
        money pr = spot_trace_price(t, i);

        if (pr == 900000)
            high++;
        else
            ck_assert_int_eq(pr, spot_trace_reserve(t, i));
    }
    ck_assert_double_eq_tol((double)high / (double)n, 1.0 - 2.0 * exp(-1.0), 0.01);
    spot_trace_free(t);
}
END_TEST

/* With capacity 2, a mean of 3 requests present (Poisson(3)) and bids
 * uniform in [0.5, 0.9], all above the band, the market binds whenever
 * more than 2 are present: P = 1 - e^-3 (1 + 3 + 4.5) = 0.5768. Its
 * price is then the second-highest of N uniform bids, whose mean is
 * 0.5 + 0.4 (N - 1)/(N + 1); over N ~ Poisson(3) given N > 2 that is
 * 0.7369 (the highest bid would give 0.80). */
START_TEST(clearing_price_is_capacity_th_bid)
{
    struct spot_params p = base();
    struct spot_trace *t;
    size_t bound = 0;
    double sum = 0.0;

    p.capacity = 2;
    p.load = 1.5;
    p.bid_lo = 0.5;
    p.bid_hi = 0.9;
    t = build(&p, 9, 10, 100000 * SIM_HOUR);
    for (size_t i = 0; i < spot_trace_count(t); i++) {
        money pr = spot_trace_price(t, i);

        if (pr == spot_trace_reserve(t, i))
            continue;
        bound++;
        sum += (double)pr * 1e-6;
        ck_assert_int_ge(pr, 500000);
        ck_assert_int_le(pr, 900000);
    }
    ck_assert_double_eq_tol((double)bound / (double)spot_trace_count(t), 0.5768, 0.01);
    ck_assert_double_eq_tol(sum / (double)bound, 0.7369, 0.005);
    spot_trace_free(t);
}
END_TEST

/* The streams are the processes' own: a different demand seed moves no
 * update time and no reserve; the same seeds give the same trace. */
START_TEST(streams_are_separate)
{
    struct spot_params p = base();
    struct spot_trace *a, *b, *c;

    p.load = 0.9;
    p.capacity = 5;
    a = build(&p, 11, 12, 3000 * SIM_HOUR);
    b = build(&p, 11, 99, 3000 * SIM_HOUR);
    c = build(&p, 11, 12, 3000 * SIM_HOUR);
    ck_assert_uint_eq(spot_trace_count(a), spot_trace_count(b));
    for (size_t i = 0; i < spot_trace_count(a); i++) {
        ck_assert_int_eq(spot_trace_at(a, i), spot_trace_at(b, i));
        ck_assert_int_eq(spot_trace_reserve(a, i), spot_trace_reserve(b, i));
        ck_assert_int_eq(spot_trace_price(a, i), spot_trace_price(c, i));
    }
    spot_trace_free(a);
    spot_trace_free(b);
    spot_trace_free(c);
}
END_TEST

/* A scripted generator: gsl_rng_uniform() returns pre[0..npre-1], then
 * cyc[] over and over. GSL 2's exponential of mean mu is
 * -mu log1p(-u) of one uniform and its Gaussian is Marsaglia's polar
 * method on two (x, y = 2u - 1; y sqrt(-2 ln r2 / r2)), so a trace can
 * be laid out by hand: an exponential gap of mean mu from u = 1 - e^(-g/mu)
 * is g (up to rounding, so g is chosen mid-microsecond and truncates to
 * its whole part), and the pair (0.75, 0.5) is x = 0.5, y = 0: eps = 0. */
struct script {
    const double *pre, *cyc;
    size_t npre, ncyc, i;
};

static void script_set(void *st, unsigned long seed)
{
    (void)seed;
    ((struct script *)st)->i = 0;
}

static unsigned long script_get(void *st)
{
    (void)st;
    return 0;
}

static double script_get_double(void *st)
{
    struct script *s = st;
    size_t i = s->i++;

    return i < s->npre ? s->pre[i] : s->cyc[(i - s->npre) % s->ncyc];
}

static const gsl_rng_type script_type = {
    "script", 0, 0, sizeof(struct script), script_set, script_get, script_get_double,
};

static gsl_rng *scripted(const double *pre, size_t npre, const double *cyc, size_t ncyc)
{
    gsl_rng *r = gsl_rng_alloc(&script_type);
    struct script *s = r->state;

    s->pre = pre;
    s->npre = npre;
    s->cyc = cyc;
    s->ncyc = ncyc;
    s->i = 0;
    return r;
}

/* u for an exponential gap of g x its mean */
static double u_gap(double g)
{
    return 1.0 - exp(-g);
}

/* The band's rule, by hand: the first reserve is floor + (ceil - floor) u,
 * 0.40 at u = 0.5; a step of eps = +0.08 takes it to 0.48, clipped to
 * 0.45, so the increment the next step sees is the realised +0.05, not
 * the +0.08 drawn; with eps = 0 next, a1 = 0.5 gives 0.45 - 0.025 =
 * 0.425 (0.41 had the unclipped increment been carried), then 0.4375.
 * Updates every microsecond (gaps of 1.5 us at a mean of 2 truncate to 1)
 * in [0, 4): four of them, none at the end itself. */
START_TEST(reserve_steps_by_hand)
{
    /* the polar pair for eps = +0.08: x = 0, y = 0.5, r2 = 0.25 */
    const double e1 = 0.5 * sqrt(-2.0 * log(0.25) / 0.25);
    const double pre[] = { 0.5, 0.5, 0.75, u_gap(0.75) };
    const double cyc[] = { 0.75, 0.5, u_gap(0.75) };
    struct spot_params p = base();
    gsl_rng *upd = scripted(pre, 4, cyc, 3), *dem = gsl_rng_alloc(gsl_rng_mt19937);
    struct spot_trace *t;

    p.a1 = 0.5;
    p.sigma = 0.08 / e1;
    p.update_mean = 2;
    t = spot_trace_build(&p, upd, dem, 4);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(spot_trace_count(t), 4);
    for (size_t i = 0; i < 4; i++)
        ck_assert_int_eq(spot_trace_at(t, i), (sim_time)i);
    ck_assert_int_eq(spot_trace_reserve(t, 0), 400000);
    ck_assert_int_eq(spot_trace_reserve(t, 1), 450000);
    ck_assert_int_eq(spot_trace_reserve(t, 2), 425000);
    ck_assert_int_eq(spot_trace_reserve(t, 3), 437500);
    spot_trace_free(t);
    gsl_rng_free(upd);
    gsl_rng_free(dem);
}
END_TEST

/* The market's edges, by hand, with updates every microsecond and
 * capacity 1 (two requests present bind it, at their bid 0.9): A arrives
 * at 2 (a gap of 2.5 us, truncated) and stays 3 us (3.5), to 5; B
 * arrives 1 us later, at 3, and stays 2, to 5; the next arrival is past
 * the end. A request is present at an update from its arrival
 * (arrived by then) to before its leaving (gone by then), so both are
 * present at 3 and 4 only: the price is 0.9 there and the reserve at
 * 0, 1, 2, 5, 6 and 7. The mean stay is 1 us and the load 1, so stays
 * and arrival gaps both have a mean of 1 us. */
START_TEST(market_edges_by_hand)
{
    const double upre[] = { 0.5 }, ucyc[] = { 0.75, 0.5, u_gap(0.75) };
    const double dpre[] = { u_gap(2.5), u_gap(3.5), 0.5, u_gap(1.5), u_gap(2.5), 0.5,
                            u_gap(1000.5) };
    const double dcyc[] = { 0.5 };
    struct spot_params p = base();
    gsl_rng *upd = scripted(upre, 1, ucyc, 3), *dem = scripted(dpre, 7, dcyc, 1);
    struct spot_trace *t;

    p.sigma = 0.0;
    p.update_mean = 2;
    p.capacity = 1;
    p.load = 1.0;
    p.hold_mean = 1;
    p.bid_lo = p.bid_hi = 0.9;
    t = spot_trace_build(&p, upd, dem, 8);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(spot_trace_count(t), 8);
    for (size_t i = 0; i < 8; i++) {
        ck_assert_int_eq(spot_trace_reserve(t, i), 400000);
        ck_assert_int_eq(spot_trace_price(t, i), i == 3 || i == 4 ? 900000 : 400000);
    }
    spot_trace_free(t);
    gsl_rng_free(upd);
    gsl_rng_free(dem);
}
END_TEST

/* The first reserve is drawn uniformly in the band (spotprice.h):
 * floor + (ceil - floor) u, here 0.35 + 0.1 x 0.25 = 0.375, not the
 * midpoint nor measured down from the ceiling (both 0.40 or 0.425 at
 * this u). Prices are rounded to the micro-dollar, not truncated: at an
 * on-demand price of 1,000,002 micro-dollars an hour, 0.375 of it is
 * 375,000.75, so 375,001. With sigma = 0 and no demand it stays there;
 * the cycle is the eps = 0 pair and 1.5 us gaps (truncated to 1) of
 * reserve_steps_by_hand. */
START_TEST(first_reserve_uniform_and_rounded)
{
    const double upre[] = { 0.25 }, ucyc[] = { 0.75, 0.5, u_gap(0.75) };
    struct spot_params p = base();
    gsl_rng *upd = scripted(upre, 1, ucyc, 3), *dem = gsl_rng_alloc(gsl_rng_mt19937);
    struct spot_trace *t;

    p.ondemand = 1000002;
    p.sigma = 0.0;
    p.update_mean = 2;
    t = spot_trace_build(&p, upd, dem, 3);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(spot_trace_count(t), 3);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_int_eq(spot_trace_reserve(t, i), 375001);
        ck_assert_int_eq(spot_trace_price(t, i), 375001);
    }
    spot_trace_free(t);
    gsl_rng_free(upd);
    gsl_rng_free(dem);
}
END_TEST

/* Gaps are at least a microsecond: at a mean update gap of 1 us most
 * draws are below 1, yet the update times still rise strictly (two
 * updates at one instant would leave the first never in force). */
START_TEST(update_gaps_at_least_a_microsecond)
{
    struct spot_params p = base();
    struct spot_trace *t;

    p.update_mean = 1;
    t = build(&p, 15, 16, 10000);
    ck_assert_uint_gt(spot_trace_count(t), 1000);
    for (size_t i = 1; i < spot_trace_count(t); i++)
        ck_assert_int_gt(spot_trace_at(t, i), spot_trace_at(t, i - 1));
    spot_trace_free(t);
}
END_TEST

/* find: the last update posted at or before the time asked. */
START_TEST(find_the_update_in_force)
{
    struct spot_params p = base();
    struct spot_trace *t = build(&p, 13, 14, 300 * SIM_HOUR);
    size_t n = spot_trace_count(t);

    ck_assert_uint_eq(spot_trace_find(t, 0), 0);
    for (size_t i = 1; i < n; i++) {
        ck_assert_uint_eq(spot_trace_find(t, spot_trace_at(t, i)), i);
        ck_assert_uint_eq(spot_trace_find(t, spot_trace_at(t, i) - 1), i - 1);
    }
    ck_assert_uint_eq(spot_trace_find(t, 10000 * SIM_HOUR), n - 1);
    spot_trace_free(t);
    spot_trace_free(NULL);
}
END_TEST

/* spot_trace_from: a recorded history must start at 0 and rise. */
START_TEST(trace_from_checks_history)
{
    const sim_time at[] = { 0, 5, 5 }, late[] = { 1, 5 };
    const money pr[] = { 1, 2, 3 }, neg[] = { 1, -2 }, neg1[] = { 1, -1 }, zero[] = { 0, 0 };
    struct spot_trace *t;

    ck_assert_ptr_null(spot_trace_from(at, pr, 0));
    ck_assert_ptr_null(spot_trace_from(late, pr, 2));
    ck_assert_ptr_null(spot_trace_from(at, pr, 3));
    ck_assert_ptr_null(spot_trace_from(at, neg, 2));
    /* the bound is 0 itself: -1 is refused, 0 (a free hour) is a price */
    ck_assert_ptr_null(spot_trace_from(at, neg1, 2));
    t = spot_trace_from(at, zero, 2);
    ck_assert_ptr_nonnull(t);
    spot_trace_free(t);
    t = spot_trace_from(at, pr, 2);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(spot_trace_count(t), 2);
    ck_assert_int_eq(spot_trace_reserve(t, 1), 2);
    spot_trace_free(t);
}
END_TEST

/* A trace from hours and USD/h (at most 8 updates), for the walks. */
static struct spot_trace *mini(size_t n, const double *hours, const double *usd)
{
    sim_time at[8];
    money pr[8];
    struct spot_trace *t;

    ck_assert_uint_le(n, 8);
    for (size_t i = 0; i < n; i++) {
        at[i] = (sim_time)llround(hours[i] * (double)SIM_HOUR);
        pr[i] = (money)llround(usd[i] * 1e6);
    }
    t = spot_trace_from(at, pr, n);
    ck_assert_ptr_nonnull(t);
    return t;
}

static void walk_is(const struct spot_trace *t, const struct spck_job *j, enum spck_policy pol,
                    money bid, const struct spck_hazard *h, money cost, sim_time took, bool done,
                    uint32_t outs)
{
    struct spck_outcome o;

    spck_walk(t, j, pol, bid, h, 0, &o);
    ck_assert_int_eq(o.cost, cost);
    ck_assert_int_eq(o.took, took);
    ck_assert(o.done == done);
    ck_assert_uint_eq(o.outs, outs);
}

/* The history every walk below reads: 0.30 USD/h from 0 and again from
 * 1 h (no rise), 0.40 from 1.5 h (a rise within the bid), 0.90 from 2.5 h
 * (above the bid of 0.50: the instance is cut), 0.30 from 3 h and 0.35
 * from 4 h, posted on an hour's boundary (that hour is charged at 0.35).
 * The job: 3 h of work, checkpoints and restores of 0.1 h. */
static struct spot_trace *history(void)
{
    const double hr[] = { 0, 1, 1.5, 2.5, 3, 4 }, pr[] = { 0.30, 0.30, 0.40, 0.90, 0.30, 0.35 };

    return mini(6, hr, pr);
}

static const struct spck_job job3h = {
    .work = 3 * SIM_HOUR, .delta = SIM_HOUR / 10, .restart = SIM_HOUR / 10,
    .deadline = 100 * SIM_HOUR,
};

/* By hand, hours charged at the price posted at each hour's start; the
 * hour [2, 2.5) h that the cut ends is free; the hour the job ends in is
 * charged whole; hours from 4 h are at 0.35:
 *   NONE: 2.5 h computed and lost; restarts from zero at 3 h, done at 6 h.
 *         Hours [0,1) [1,2) [3,4) at 0.30, [4,5) [5,6) at 0.35: 1.60 USD.
 *   HOUR: writes at 0.9-1.0 and 1.9-2.0 h (1.8 h saved), loses 0.5 h;
 *         restores 3.0-3.1, computes 0.8, writes 3.9-4.0 (2.6 h saved),
 *         done at 4.4 h. Hours [0,1) [1,2) [3,4) at 0.30, [4,4.4) at
 *         0.35: 1.25 USD.
 *   EDGE: writes at the rise, 1.5-1.6 h (1.5 h saved; not at 1 h, where
 *         the price stays), loses 0.9 h; restores to 3.1, computes 0.9,
 *         writes at the rise at 4 h (4.0-4.1, 2.4 h saved), done at 4.7 h:
 *         1.25 USD.
 *   OPT:  writes from 2.4 h less a microsecond to just before the cut
 *         (2.4 h less 1 us saved); restores to 3.1 h, done at 3.7 h and
 *         1 us. Hours [0,1) [1,2) [3,3.7): 0.90 USD. */
START_TEST(walk_policies_by_hand)
{
    struct spot_trace *t = history();

    walk_is(t, &job3h, SPCK_NONE, 500000, NULL, 1600000, 6 * SIM_HOUR, true, 1);
    walk_is(t, &job3h, SPCK_HOUR, 500000, NULL, 1250000, 44 * SIM_HOUR / 10, true, 1);
    walk_is(t, &job3h, SPCK_EDGE, 500000, NULL, 1250000, 47 * SIM_HOUR / 10, true, 1);
    walk_is(t, &job3h, SPCK_OPT, 500000, NULL, 900000, 37 * SIM_HOUR / 10 + 1, true, 1);
    spot_trace_free(t);
}
END_TEST

/* A cut on an hour's boundary: 0.30 from 0, 0.90 (above the bid) from
 * 2 h, 0.30 from 3 h. What ends at the cut's instant happened before it.
 *   NONE: the hour [1, 2) is complete at the cut and charged; restarts
 *         at 3 h, done at 6 h: five hours at 0.30, 1.50 USD.
 *   HOUR: its write 1.9-2.0 h completes at the cut (1.8 h saved, 0.9 at
 *         1 h before it); restores to 3.1 h, computes 0.8, writes to
 *         4.0 h (2.6 h saved), done at 4.4 h: four hours, 1.20 USD.
 * (Were the cut first, NONE's hour would be free, 1.20 USD, and HOUR
 * would keep 0.9 h, done at 5.4 h.) */
START_TEST(walk_cut_on_the_hour)
{
    const double hr[] = { 0, 2, 3 }, pr[] = { 0.30, 0.90, 0.30 };
    struct spot_trace *t = mini(3, hr, pr);

    walk_is(t, &job3h, SPCK_NONE, 500000, NULL, 1500000, 6 * SIM_HOUR, true, 1);
    walk_is(t, &job3h, SPCK_HOUR, 500000, NULL, 1200000, 44 * SIM_HOUR / 10, true, 1);
    spot_trace_free(t);
}
END_TEST

/* ADAPT writes at HOUR's moments when P x unsaved > delta (0.1 h). At
 * P = 1 everywhere it is HOUR. At P = 0.1: 0.09 at 0.9 h, no write;
 * 0.19 at 1.9 h, a write (1.9 h saved), 0.5 h lost; restored at 3.1 h,
 * 0.08 at 3.9 h, no write; done at 3.1 + 1.1 = 4.2 h, 1.25 USD. */
START_TEST(walk_adapt_by_hand)
{
    struct spot_trace *t = history();
    struct spck_hazard h = { .lo = 350000, .hi = 450000 };

    for (unsigned l = 0; l < SPCK_LEVELS; l++)
        h.p[l] = 1.0;
    walk_is(t, &job3h, SPCK_ADAPT, 500000, &h, 1250000, 44 * SIM_HOUR / 10, true, 1);
    for (unsigned l = 0; l < SPCK_LEVELS; l++)
        h.p[l] = 0.1;
    walk_is(t, &job3h, SPCK_ADAPT, 500000, &h, 1250000, 42 * SIM_HOUR / 10, true, 1);
    spot_trace_free(t);
}
END_TEST

/* Censored at the deadline: while computing (NONE at 3.5 h, two whole
 * hours paid, the hour [3, 3.5) not yet), and while waiting for the price
 * (NONE at 2.8 h, before the fall at 3 h). */
START_TEST(walk_censored_at_deadline)
{
    struct spot_trace *t = history();
    struct spck_job j = job3h;

    j.deadline = 7 * SIM_HOUR / 2;
    walk_is(t, &j, SPCK_NONE, 500000, NULL, 600000, 7 * SIM_HOUR / 2, false, 1);
    j.deadline = 28 * SIM_HOUR / 10;
    walk_is(t, &j, SPCK_NONE, 500000, NULL, 600000, 28 * SIM_HOUR / 10, false, 1);
    spot_trace_free(t);
}
END_TEST

/* ADAPT's estimate from the history up to 10 h, bid 0.50 (band 0.35-0.45
 * in ten levels; 0.30 and 0.35 are level 0, 0.40 level 5): at 0, 1, 3
 * and 4 h no update above the bid follows within the hour; at 1.5 h the
 * cut at 2.5 h does, at the hour's last instant; 0.90 is above the bid
 * and not counted. So level 0: 0 of 4, level 5: 1 of 1, every other
 * level 1 of 5. */
START_TEST(estimate_hazard_by_hand)
{
    struct spot_trace *t = history();
    struct spck_hazard h = { .lo = 350000, .hi = 450000 };

    spck_estimate(&h, t, 500000, 10 * SIM_HOUR);
    ck_assert_double_eq_tol(h.p[0], 0.0, 1e-12);
    ck_assert_double_eq_tol(h.p[5], 1.0, 1e-12);
    ck_assert_double_eq_tol(h.p[3], 0.2, 1e-12);
    ck_assert_double_eq_tol(h.p[9], 0.2, 1e-12);
    ck_assert_uint_eq(spck_level(&h, 449999), 9);
    ck_assert_uint_eq(spck_level(&h, 10000000), 9);
    ck_assert_str_eq(spck_policy_name(SPCK_ADAPT), "ADAPT");
    spot_trace_free(t);
}
END_TEST

/* A history from (hours, USD/h) pairs, the first at 0. */
static const struct spck_job job1h = {
    .work = SIM_HOUR, .delta = SIM_HOUR / 10, .restart = SIM_HOUR / 10,
    .deadline = 100 * SIM_HOUR,
};

/* "Runs while the posted price is at most b": a price equal to the bid
 * neither keeps an instance from starting nor cuts one. A 1 h job, NONE,
 * bid 0.50: from 0.50 at 0 it starts at once and ends at 1 h (the hour
 * at 0.50); from 0.30 at 0 it runs through 0.50 at 0.5 h and ends at
 * 1 h (the hour at 0.30). No terminations. */
START_TEST(walk_price_at_bid_runs)
{
    const double h1[] = { 0, 1 }, p1[] = { 0.50, 0.30 };
    const double h2[] = { 0, 0.5 }, p2[] = { 0.30, 0.50 };
    struct spot_trace *a = mini(2, h1, p1), *b = mini(2, h2, p2);

    walk_is(a, &job1h, SPCK_NONE, 500000, NULL, 500000, SIM_HOUR, true, 0);
    walk_is(b, &job1h, SPCK_NONE, 500000, NULL, 300000, SIM_HOUR, true, 0);
    spot_trace_free(a);
    spot_trace_free(b);
}
END_TEST

/* OPT writes unless the job would finish first; finishing at the very
 * instant of the cut is first (what ends at a cut's instant happens
 * before it). A 1 h job from 0 with the price above the bid from 1 h to
 * 2 h: OPT writes nothing and is done at 1 h, the hour [0, 1) at 0.30,
 * no cut. (Writing "to be safe" would cost 0.9 h to 1 h less 1 us, a cut
 * with 1 us unsaved, a restore and a second hour: 0.60 USD at 2.2 h.) */
START_TEST(walk_opt_finishing_at_the_cut_writes_nothing)
{
    const double hr[] = { 0, 1, 2 }, pr[] = { 0.30, 0.90, 0.30 };
    struct spot_trace *t = mini(3, hr, pr);

    walk_is(t, &job1h, SPCK_OPT, 500000, NULL, 300000, SIM_HOUR, true, 0);
    spot_trace_free(t);
}
END_TEST

/* EDGE writes at a rise while computing, and a checkpoint takes delta:
 * rises at 0.5, 0.55 and 0.6 h. The write 0.5-0.6 h is not restarted by
 * the rise at 0.55 h (it is writing, not computing), and the rise at
 * 0.6 h, the instant it completes, finds nothing unsaved to write. So
 * 0.5 h + 0.5 h of computing: done at 1.1 h; the hours at 0.30 (from 0)
 * and 0.45 (in force at 1 h). */
START_TEST(walk_edge_one_write_per_rise_burst)
{
    const double hr[] = { 0, 0.5, 0.55, 0.6 }, pr[] = { 0.30, 0.35, 0.40, 0.45 };
    struct spot_trace *t = mini(4, hr, pr);

    walk_is(t, &job1h, SPCK_EDGE, 500000, NULL, 750000, 11 * SIM_HOUR / 10, true, 0);
    spot_trace_free(t);
}
END_TEST

/* ADAPT writes when P x unsaved is MORE than delta. With delta = 0.2 h,
 * the decision at 0.8 h holds 0.8 h unsaved; at P = 0.25 (exact in
 * binary) that is 0.2 h, not more: no write, and a 1.5 h job is done at
 * 1.5 h (two hours at 0.30). P is read at the price level in force at the
 * decision: with 0.45 (level 9, P = 1) from 0.5 h and level 0 at P = 0,
 * 1 x 0.9 h > 0.1 h at 0.9 h writes (0.9-1.0 h), done at 1.6 h; the
 * hours at 0.30 and 0.45. */
START_TEST(walk_adapt_threshold_and_level)
{
    const double h1[] = { 0 }, p1[] = { 0.30 };
    const double h2[] = { 0, 0.5 }, p2[] = { 0.30, 0.45 };
    struct spot_trace *a = mini(1, h1, p1), *b = mini(2, h2, p2);
    struct spck_hazard h = { .lo = 350000, .hi = 450000 };
    struct spck_job j = job1h;

    j.work = 3 * SIM_HOUR / 2;
    j.delta = SIM_HOUR / 5;
    for (unsigned l = 0; l < SPCK_LEVELS; l++)
        h.p[l] = 0.25;
    walk_is(a, &j, SPCK_ADAPT, 500000, &h, 600000, 3 * SIM_HOUR / 2, true, 0);
    j.delta = SIM_HOUR / 10;
    for (unsigned l = 0; l < SPCK_LEVELS; l++)
        h.p[l] = l == SPCK_LEVELS - 1 ? 1.0 : 0.0;
    walk_is(b, &j, SPCK_ADAPT, 500000, &h, 750000, 16 * SIM_HOUR / 10, true, 0);
    spot_trace_free(a);
    spot_trace_free(b);
}
END_TEST

/* "A censored job has paid the whole hours up to the deadline": a 3 h
 * job with a 2 h deadline at a constant 0.30 pays the hours [0,1) and
 * [1,2), the second ending at the deadline itself. */
START_TEST(walk_censored_pays_hour_ending_at_deadline)
{
    const double hr[] = { 0 }, pr[] = { 0.30 };
    struct spot_trace *t = mini(1, hr, pr);
    struct spck_job j = job1h;

    j.work = 3 * SIM_HOUR;
    j.deadline = 2 * SIM_HOUR;
    walk_is(t, &j, SPCK_NONE, 500000, NULL, 600000, 2 * SIM_HOUR, false, 0);
    spot_trace_free(t);
}
END_TEST

/* The estimate's edges (spotckpt.h): an update counts when its following
 * hour ends by 'history' (at it included), when its price is at most the
 * bid (at it included), and with no data at all every level is 0.5. On
 * history() with bid 0.40 up to 10 h: 0.40 at 1.5 h is counted and the
 * 0.90 at 2.5 h follows within the hour, so level 5 is 1 of 1 and level 0
 * 0 of 4 (0, 1, 3, 4 h). Up to 2.5 h with bid 0.50: the hour after 1.5 h
 * ends at 2.5 h and counts, so again level 5 is 1 of 1 (level 0: 0 of 2,
 * other levels 1 of 3). Up to 0.5 h no hour has ended: 0.5 everywhere.
 * And the level of the band's top, hi itself, is the last. */
START_TEST(estimate_edges_by_hand)
{
    struct spot_trace *t = history();
    struct spck_hazard h = { .lo = 350000, .hi = 450000 };

    spck_estimate(&h, t, 400000, 10 * SIM_HOUR);
    ck_assert_double_eq_tol(h.p[5], 1.0, 1e-12);
    ck_assert_double_eq_tol(h.p[0], 0.0, 1e-12);
    ck_assert_double_eq_tol(h.p[7], 0.2, 1e-12);
    spck_estimate(&h, t, 500000, 5 * SIM_HOUR / 2);
    ck_assert_double_eq_tol(h.p[5], 1.0, 1e-12);
    ck_assert_double_eq_tol(h.p[0], 0.0, 1e-12);
    ck_assert_double_eq_tol(h.p[2], 1.0 / 3.0, 1e-12);
    spck_estimate(&h, t, 500000, SIM_HOUR / 2);
    for (unsigned l = 0; l < SPCK_LEVELS; l++)
        ck_assert_double_eq_tol(h.p[l], 0.5, 1e-12);
    ck_assert_uint_eq(spck_level(&h, 450000), SPCK_LEVELS - 1);
    ck_assert_uint_eq(spck_level(&h, 350000), 0);
    ck_assert_uint_eq(spck_level(&h, 360000), 1);
    spot_trace_free(t);
}
END_TEST

/* A decision moment on the instant of a price update (within the bid)
 * still decides. HOUR writes ending at each hour's boundary (spotckpt.h),
 * whatever else is posted then. A 2 h job, delta = restart = 0.1 h, bid
 * 0.50; 0.30 from 0, 0.45 from 0.9 h (HOUR's moment, 1 h - delta), 0.90
 * (a cut) from 1.5 h, 0.30 from 2 h. By hand:
 *   HOUR: writes 0.9-1.0 h (0.9 h saved), loses 0.5 h at the cut (the
 *         hour [1, 1.5) free); restores 2.0-2.1, computes to 2.9, writes
 *         2.9-3.0 (1.7 h saved), computes 0.3 h: done at 3.3 h. Hours
 *         [0,1) [2,3) [3,4) at 0.30: 0.90 USD.
 *   ADAPT, P = 1 at 0.45's level (9) and 0 elsewhere: the level is the
 *         price in force at the decision, the 0.45 posted at that very
 *         instant, so it writes at 0.9 h like HOUR (1 x 0.9 h > 0.1 h);
 *         after the restore the level is 0's, no write: done at 2.1 +
 *         1.1 = 3.2 h, the same three hours, 0.90 USD.
 * The oracle likewise: an update at 1.4 h less 1 us, OPT's write moment
 * before the cut at 1.5 h, and it saves 1.4 h less 1 us; restored at
 * 2.1 h, it is done at 2.7 h and 1 us: hours [0,1) and [2,3), 0.60 USD.
 * (Had the update hidden the decision, all three lost 1.5 h at the cut:
 * HOUR done at 4.2 h for 1.20 USD, ADAPT at 4.0 h, OPT at 4.0 h for
 * 0.90 USD.) */
START_TEST(walk_decides_at_an_update_on_its_moment)
{
    const double hr[] = { 0, 0.9, 1.5, 2 }, pr[] = { 0.30, 0.45, 0.90, 0.30 };
    const sim_time at[] = { 0, 14 * SIM_HOUR / 10 - 1, 3 * SIM_HOUR / 2, 2 * SIM_HOUR };
    const money opr[] = { 300000, 450000, 900000, 300000 };
    struct spot_trace *t = mini(4, hr, pr), *o = spot_trace_from(at, opr, 4);
    struct spck_hazard h = { .lo = 350000, .hi = 450000 };
    struct spck_job j = job1h;

    ck_assert_ptr_nonnull(o);
    j.work = 2 * SIM_HOUR;
    for (unsigned l = 0; l < SPCK_LEVELS; l++)
        h.p[l] = l == SPCK_LEVELS - 1 ? 1.0 : 0.0;
    walk_is(t, &j, SPCK_HOUR, 500000, NULL, 900000, 33 * SIM_HOUR / 10, true, 1);
    walk_is(t, &j, SPCK_ADAPT, 500000, &h, 900000, 32 * SIM_HOUR / 10, true, 1);
    walk_is(o, &j, SPCK_OPT, 500000, NULL, 600000, 27 * SIM_HOUR / 10 + 1, true, 1);
    spot_trace_free(t);
    spot_trace_free(o);
}
END_TEST

/* spck_level() cuts the band [lo, hi] in SPCK_LEVELS equal levels
 * (spotckpt.h), each a tenth of 0.35-0.45 here, 0.01 USD/h: a price inside
 * a level, not on its lower edge, is in that level, so 0.355 (in [0.35,
 * 0.36)) is level 0 and 0.405 (in [0.40, 0.41)) level 5. Kills rounding
 * the level up (ceil for floor), which every edge price passed. */
START_TEST(level_inside_a_level)
{
    struct spck_hazard h = { .lo = 350000, .hi = 450000 };

    ck_assert_uint_eq(spck_level(&h, 355000), 0);
    ck_assert_uint_eq(spck_level(&h, 405000), 5);
    ck_assert_uint_eq(spck_level(&h, 445000), 9);
}
END_TEST

/* Each policy's name as the header lists them ("NONE", "HOUR", ...), in
 * the order of enum spck_policy: the tables and the scalar entities
 * (NONE@2, ADAPT@2) are keyed by them. Kills two names swapped. */
START_TEST(policy_names_in_enum_order)
{
    static const char *const want[SPCK_NPOLICIES] = { "NONE", "HOUR", "EDGE", "ADAPT", "OPT" };

    for (int p = 0; p < SPCK_NPOLICIES; p++)
        ck_assert_str_eq(spck_policy_name((enum spck_policy)p), want[p]);
}
END_TEST

/* "A level never seen takes the share of all" (spotckpt.h), even when
 * all is one update: on history() up to 1 h only the update at 0 has its
 * following hour ended (at 1 h itself), 0.30 at most the bid 0.50, and
 * nothing above the bid follows within it (the update at 1 h is 0.30).
 * So level 0 is 0 of 1 and every other level takes the share of all,
 * 0 of 1, not the 0.5 of "no data at all". Kills the fallback to the
 * share of all requiring more than one update. */
START_TEST(estimate_from_a_single_update)
{
    struct spot_trace *t = history();
    struct spck_hazard h = { .lo = 350000, .hi = 450000 };

    spck_estimate(&h, t, 500000, SIM_HOUR);
    for (unsigned l = 0; l < SPCK_LEVELS; l++)
        ck_assert_double_eq_tol(h.p[l], 0.0, 1e-12);
    spot_trace_free(t);
}
END_TEST

/* The types spot_read_types() accepts for a run of 'horizon': their
 * count, 0 after an error (messages go to /dev/null). */
static size_t read_types(const char *text, sim_time horizon)
{
    struct param_registry *reg = preg_new();
    struct diag d = DIAG_INIT(fopen("/dev/null", "w"));
    struct spot_params types[SPOT_MAX_TYPES];
    struct scn_study *st = NULL;
    struct scn_run *run = NULL;
    struct scn *s;
    size_t n = 0;

    sim_register_all_params(reg);
    s = scn_load_string("t.ini", text, reg, &d);
    if (s)
        st = scn_study_new(s, NULL, NULL, &d);
    if (st)
        run = scn_run_new(st, 0, &d);
    ck_assert_ptr_nonnull(run);
    n = spot_read_types(run, horizon, types, &d);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    fclose(d.out);
    preg_free(reg);
    return n;
}

/* The bounds on what a trace may cost are inclusive where the messages
 * say "at least" / "at most" and strict for "more than": exactly at each
 * the types are read, a microsecond or a micro-dollar past it they are
 * not. Every factor is exact in binary: (0.3125 - 0.25) x 0.0016 =
 * 0.0016 / 16 = 1e-4 USD/h, as 1e-4 itself rounds (0.0015 gives less);
 * an update every 3.515625 s is 1/1024 h, so 9765.625 h post
 * 9765.625 x 1024 = 1e7 updates a type (at most 1e7); load 1 x capacity
 * 100 = 100 present read at 1e7 updates is 1e9 reads (more than 1e9 is
 * refused); staying 35.15625 s = 10/1024 h, 100 present over 9765.625 h
 * are 100 x 9765.625 x 102.4 = 1e8 arrivals (at most 1e8). A microsecond
 * more of horizon is past all three, one less of stay past the arrivals'
 * bound only. Only the checks run: no trace is built. */
#define BAND "[General]\nspot.ondemand = %s\nspot.load = 0.5\nspot.floor = 0.25\n" \
             "spot.ceil = 0.3125\n"
#define COSTS "[General]\nspot.update-mean = 3.515625s\nspot.load = 1\nspot.hold-mean = %s\n"
START_TEST(read_types_bounds_inclusive)
{
    const sim_time edge = 35156250 * SIM_SEC;
    char text[256];

    snprintf(text, sizeof text, BAND, "0.0016");
    ck_assert_uint_eq(read_types(text, 1000 * SIM_DAY), 1);
    snprintf(text, sizeof text, BAND, "0.0015");
    ck_assert_uint_eq(read_types(text, 1000 * SIM_DAY), 0);
    snprintf(text, sizeof text, COSTS, "35.15625s");
    ck_assert_uint_eq(read_types(text, edge), 3);
    ck_assert_uint_eq(read_types(text, edge + 1), 0);
    snprintf(text, sizeof text, COSTS, "35.156249s");
    ck_assert_uint_eq(read_types(text, edge), 0);
}
END_TEST

Suite *spot_suite(void)
{
    Suite *s = suite_create("spot");
    TCase *tc = tcase_create("trace");

    tcase_add_test(tc, trace_in_band_and_ordered);
    tcase_add_test(tc, no_noise_no_move);
    tcase_add_test(tc, increments_are_ar1);
    tcase_add_test(tc, market_binds_at_capacity);
    tcase_add_test(tc, clearing_price_is_capacity_th_bid);
    tcase_add_test(tc, streams_are_separate);
    tcase_add_test(tc, find_the_update_in_force);
    tcase_add_test(tc, reserve_steps_by_hand);
    tcase_add_test(tc, market_edges_by_hand);
    tcase_add_test(tc, update_gaps_at_least_a_microsecond);
    tcase_add_test(tc, first_reserve_uniform_and_rounded);
    tcase_add_test(tc, read_types_bounds_inclusive);
    suite_add_tcase(s, tc);
    tc = tcase_create("checkpointing");
    tcase_add_test(tc, trace_from_checks_history);
    tcase_add_test(tc, walk_policies_by_hand);
    tcase_add_test(tc, walk_cut_on_the_hour);
    tcase_add_test(tc, walk_adapt_by_hand);
    tcase_add_test(tc, walk_censored_at_deadline);
    tcase_add_test(tc, estimate_hazard_by_hand);
    tcase_add_test(tc, walk_price_at_bid_runs);
    tcase_add_test(tc, walk_opt_finishing_at_the_cut_writes_nothing);
    tcase_add_test(tc, walk_edge_one_write_per_rise_burst);
    tcase_add_test(tc, walk_adapt_threshold_and_level);
    tcase_add_test(tc, walk_censored_pays_hour_ending_at_deadline);
    tcase_add_test(tc, estimate_edges_by_hand);
    tcase_add_test(tc, walk_decides_at_an_update_on_its_moment);
    tcase_add_test(tc, level_inside_a_level);
    tcase_add_test(tc, policy_names_in_enum_order);
    tcase_add_test(tc, estimate_from_a_single_update);
    suite_add_tcase(s, tc);
    return s;
}
