/* tests/check_reliability.c -- outages, reliability scores, checkpoints and
 * the closed forms behind `gpumarket reproduce`. */
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <gsl/gsl_sf_gamma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "models/checkpoint.h"
#include "models/outage.h"
#include "models/reliability.h"
#include "models/reproduce.h"
#include "sim/engine.h"
#include "sim/model.h"
#include "sim/param.h"
#include "sim/results.h"
#include "sim/scenario.h"
#include "tests/suites.h"

#define NEAR(a, b, tol) ck_assert_msg(fabs((a) - (b)) <= (tol), \
    "%s = %.9g, expected %.9g +- %g", #a, (double)(a), (double)(b), (double)(tol))

/* ---- checkpoints ---- */

START_TEST(young_daly_worked_numbers)
{
    /* REPRODUCTIONS.md T3 table. */
    NEAR(ckpt_young(5, 1440), 120.000, 5e-4);
    NEAR(ckpt_daly(5, 1440), 116.690, 5e-4);
    NEAR(ckpt_young(5, 185.58), 43.079, 5e-4);
    NEAR(ckpt_daly(5, 185.58), 39.810, 5e-4);
    NEAR(ckpt_young(1, 185.58), 19.266, 5e-4);
    NEAR(ckpt_daly(1, 185.58), 18.605, 5e-4);
    NEAR(ckpt_young(10, 600), 109.545, 5e-4);
    NEAR(ckpt_daly(10, 600), 102.979, 5e-4);
    NEAR(ckpt_waste_first_order(120, 5, 1440), 0.0833, 5e-5);
    NEAR(ckpt_waste_first_order(43.079, 5, 185.58), 0.2321, 5e-5);
    /* delta >= 2M: Daly says checkpoint every M, at delta = 2M too (the
     * series there gives 20 x 13/9 - 20 = 8.89; checkpoint.h: "for
     * delta < 2M, else M"). */
    NEAR(ckpt_daly(30, 10), 10.0, 1e-12);
    NEAR(ckpt_daly(20, 10), 10.0, 1e-12);
    ck_assert(isinf(ckpt_interval(CKPT_NONE, 1, 1, 1)));
    NEAR(ckpt_interval(CKPT_FIXED, 42, 1, 1), 42, 0);
    NEAR(ckpt_interval(CKPT_DALY, 0, 5, 1440), 116.690, 5e-4);
}
END_TEST

/* Every policy name of checkpoint.h parses to its own policy and back;
 * an unknown one does not. Young's interval through ckpt_interval() is
 * sqrt(2 delta M) = sqrt(2 x 5 x 1440) = 120, not Daly's 116.69. Free
 * checkpoints (delta 0) are allowed (checkpoint.h: delta >= 0; the
 * market's interval 0 for cost 0): both formulas give interval 0. "daly"
 * not parsed, the Young policy answered with Daly's interval, and delta 0
 * refused by Young's or Daly's assertion all passed every test. */
START_TEST(policies_parse_and_pick_their_interval)
{
    static const char *const names[] = { "none", "fixed", "young", "daly" };
    static const enum ckpt_policy pol[] = { CKPT_NONE, CKPT_FIXED, CKPT_YOUNG, CKPT_DALY };
    enum ckpt_policy got = CKPT_FIXED;

    for (int i = 0; i < 4; i++) {
        ck_assert(ckpt_policy_parse(names[i], &got));
        ck_assert_int_eq(got, pol[i]);
        ck_assert_str_eq(ckpt_policy_name(pol[i]), names[i]);
    }
    ck_assert(!ckpt_policy_parse("Daly", &got));
    ck_assert(!ckpt_policy_parse("", &got));
    NEAR(ckpt_interval(CKPT_YOUNG, 0, 5, 1440), 120, 1e-12);
    NEAR(ckpt_young(0, 1440), 0, 0);
    NEAR(ckpt_daly(0, 1440), 0, 0);
    NEAR(ckpt_interval(CKPT_DALY, 7, 0, 1440), 0, 0);
}
END_TEST

/* Daly's series holds for every delta < 2M (checkpoint.h), not only
 * delta < M: at delta = M = 10, x = 1/2, sqrt(200) (1 + sqrt(1/2)/3 +
 * 1/18) - 10 = 8.261143 (worked by hand); at delta 15, M 10, x = 3/4,
 * sqrt(300) (1 + sqrt(3)/6 + 1/12) - 15 = 8.763884. Cutting over to M at
 * delta >= M passed every test. A job shorter than one interval writes no
 * checkpoint, however short: 5e-324 of work at tau 10 takes 5e-324 (the
 * count ceil(work / tau) - 1 is -1 there, as work / tau rounds to 0, and
 * an unclamped count charged -1 write). */
START_TEST(daly_series_holds_below_twice_the_mtbf)
{
    NEAR(ckpt_daly(10, 10), 8.261143, 5e-7);
    NEAR(ckpt_daly(15, 10), 8.763884, 5e-7);
    NEAR(ckpt_wall_for_work(10, 2, 5e-324), 5e-324, 0);
    NEAR(ckpt_wall_for_work(10, 2, 9.99), 9.99, 0);
}
END_TEST

START_TEST(daly_wall_time_table)
{
    static const double tau[] = { 60, 100, 116.69, 120, 150, 200 };
    static const double tw[] = { 11158.78, 10968.19, 10957.64, 10957.98,
                                 10986.00, 11092.25 };

    for (int i = 0; i < 6; i++)
        NEAR(ckpt_daly_wall(tau[i], 5, 10, 1440, 10000), tw[i], 0.01);
}
END_TEST

/* A job of 300 min at tau 200 runs one segment of 200 and one of 100,
 * each with its checkpoint write: S(200) + S(100), where one segment of L
 * takes M e^{R/M} (e^{(L+delta)/M} - 1) on average (computed apart:
 * 331.527008). Daly's 300 / 200 segments of 200 would give 332.77. When
 * tau divides the work the sum is his formula. */
START_TEST(segments_wall_time_counts_whole_segments)
{
    NEAR(ckpt_segments_wall(200, 5, 10, 1440, 300), 331.527008, 1e-5);
    NEAR(ckpt_segments_wall(150, 5, 10, 1440, 300), 329.579927, 1e-5);
    NEAR(ckpt_segments_wall(150, 5, 10, 1440, 300), ckpt_daly_wall(150, 5, 10, 1440, 300), 1e-9);
    ck_assert(fabs(ckpt_daly_wall(200, 5, 10, 1440, 300) - 331.527008) > 1.0);
}
END_TEST

/* 63 x 0.1 is 6.300000000000001, an ulp over 7 segments of 0.9: floor
 * gives 7 and leaves a rest of 9e-16, which is rounding, not an eighth
 * segment with a checkpoint write of its own (checkpoint.c: "a rest
 * within rounding of 0 is no segment"). The answer is 7 x S(0.9), with
 * S(L) = M e^{R/M} (e^{(L+delta)/M} - 1) written out here (M 10, R 0.2,
 * delta 0.1). Kills the rest test 'rest > 1e-12 solve' loosened to
 * 'rest > 0' (it added a segment of almost nothing plus its write, ~0.1). */
START_TEST(segments_wall_time_ignores_a_rounding_rest)
{
    double one = 10 * exp(0.2 / 10) * expm1((0.9 + 0.1) / 10);

    NEAR(ckpt_segments_wall(0.9, 0.1, 0.2, 10, 63 * 0.1), 7 * one, 1e-9);
}
END_TEST

/* The rounding rest is judged against the work, not in absolute terms
 * (checkpoint.c: "to a relative 1e-12"): 81972 x 0.1 = 8197.2 is 27324
 * segments of 0.3 and a rest of 1.8e-12, above 1e-12 but 2e-16 of the
 * work, so still no extra segment: 27324 x S(0.3), S(L) as above (M 1000,
 * R 0.2, delta 0.1). An absolute 1e-12 added a write of ~0.1. */
START_TEST(segments_wall_time_rest_is_relative_to_the_work)
{
    double one = 1000 * exp(0.2 / 1000) * expm1((0.3 + 0.1) / 1000);

    NEAR(ckpt_segments_wall(0.3, 0.1, 0.2, 1000, 81972 * 0.1), 27324 * one, 1e-6);
}
END_TEST

START_TEST(lost_work_never_exceeds_interval)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    struct ckpt_state s;

    for (int i = 0; i < 100000; i++) {
        double tau = 0.1 + 10 * gsl_rng_uniform(r), delta = gsl_rng_uniform(r);
        double t = 100 * gsl_rng_uniform(r);

        ckpt_at_wall(tau, delta, t, &s);
        ck_assert(s.unsaved >= 0 && s.unsaved <= tau);
        /* every instant is work kept, work at risk, or checkpoint writing */
        NEAR(s.saved + s.unsaved + s.overhead, t, 1e-9 * (1 + t));
        NEAR(s.saved, s.checkpoints * tau, 1e-9 * (1 + t));
    }
    /* mid-checkpoint: the segment is still at risk */
    ckpt_at_wall(10, 2, 11, &s);
    NEAR(s.saved, 0, 0);
    NEAR(s.unsaved, 10, 0);
    NEAR(s.overhead, 1, 1e-12);
    ckpt_at_wall(10, 2, 12.5, &s);
    NEAR(s.saved, 10, 0);
    NEAR(s.unsaved, 0.5, 1e-12);
    /* a failure the instant the run starts: nothing at all yet */
    ckpt_at_wall(10, 2, 0, &s);
    NEAR(s.saved + s.unsaved + s.overhead, 0, 0);
    ck_assert_uint_eq(s.checkpoints, 0);
    /* no checkpoints: everything is at risk */
    ckpt_at_wall(INFINITY, 2, 7, &s);
    NEAR(s.unsaved, 7, 0);
    NEAR(ckpt_wall_for_work(10, 2, 30), 34, 1e-12);    /* no final write */
    NEAR(ckpt_wall_for_work(10, 2, 31), 37, 1e-12);  /* 3 writes */
    gsl_rng_free(r);
}
END_TEST

/* With no checkpoints (tau infinite, checkpoint.h: "none (tau =
 * infinity)") nothing is ever written: after 7 of wall time all 7 are
 * work at risk, nothing is saved, no time went to writing (overhead 0)
 * and no checkpoint completed, so that saved + unsaved + overhead is the
 * 7 elapsed, as for every tau (lost_work_never_exceeds_interval). That
 * test reads only 'unsaved' at tau infinite (as the market's lost work
 * does), so charging the 7 as overhead too, or counting one checkpoint,
 * passed. Kills either in ckpt_at_wall()'s tau = infinity branch. */
START_TEST(no_checkpoints_write_nothing)
{
    struct ckpt_state s;

    ckpt_at_wall(INFINITY, 2, 7, &s);
    NEAR(s.saved, 0, 0);
    NEAR(s.unsaved, 7, 0);
    NEAR(s.overhead, 0, 0);
    ck_assert_uint_eq(s.checkpoints, 0);
}
END_TEST

/* The checkpoint functions' preconditions are asserted, not answered
 * with a number: an interval of 0 (the market's "no checkpoints",
 * which it maps to INFINITY before calling, market.c segment()), a zero
 * MTBF, no work or negative elapsed time reaching them is a caller's bug,
 * and each would otherwise come back as an infinite, zero or negative
 * time that the market would schedule by. One test per assertion, since
 * each must abort on its own. Kills each assertion loosened ('>' to '>=')
 * or dropped:
 *  - ckpt_policy_name() of a fifth policy (it read past the names);
 *  - Young and Daly with MTBF 0 (interval 0: Young's sqrt(0), Daly's
 *    'delta >= 2M' branch returning M = 0);
 *  - ckpt_segments_wall() of no work (0 wall time);
 *  - ckpt_daly_wall(), ckpt_at_wall() and ckpt_wall_for_work() at tau 0
 *    (a division by 0, a segment of only writes, an infinite wall time);
 *  - ckpt_at_wall() at elapsed -1 (one checkpoint "completed" before the
 *    start: n = floor(-1 / 12) = -1). */
START_TEST(ckpt_policy_name_of_a_fifth_policy_aborts)
{
    (void)ckpt_policy_name((enum ckpt_policy)4);
}
END_TEST

START_TEST(young_with_zero_mtbf_aborts)
{
    (void)ckpt_young(5, 0);
}
END_TEST

START_TEST(daly_with_zero_mtbf_aborts)
{
    (void)ckpt_daly(5, 0);
}
END_TEST

START_TEST(segments_wall_of_no_work_aborts)
{
    (void)ckpt_segments_wall(10, 1, 1, 100, 0);
}
END_TEST

START_TEST(daly_wall_at_tau_zero_aborts)
{
    (void)ckpt_daly_wall(0, 1, 1, 100, 10);
}
END_TEST

START_TEST(at_wall_at_tau_zero_aborts)
{
    struct ckpt_state s;

    ckpt_at_wall(0, 2, 5, &s);
}
END_TEST

START_TEST(at_wall_before_the_start_aborts)
{
    struct ckpt_state s;

    ckpt_at_wall(10, 2, -1, &s);
}
END_TEST

START_TEST(wall_for_work_at_tau_zero_aborts)
{
    (void)ckpt_wall_for_work(0, 2, 5);
}
END_TEST

/* ---- reliability scores ---- */

static struct rel_params vast(void)
{
    return (struct rel_params){
        .rule = REL_VAST, .prior = 0.60, .prior_weight_h = 7 * 24.0,
        .horizon_h = 30 * 24.0, .rental_down_weight = 3,
        .maintenance_weight = 0, .disconnect_penalty_h = 1,
        .failed_start_penalty_h = 2, .datacenter_bonus = 0.5,
        .verify_threshold = 0.9, .runpod_window_h = 720,
        .runpod_buffer_h = 1.0 / 6, .runpod_delist = 0.98,
    };
}

/* An idle failure (no rental) from 'at', up again 'len' later. */
static void failure(struct rel_state *s, const struct rel_params *p, sim_time at, sim_time len)
{
    rel_on_down(s, p, at, REL_DOWN_FAILURE, false);
    rel_on_up(s, p, at + len);
}

START_TEST(vast_new_machine_starts_at_prior_and_climbs)
{
    struct rel_params p = vast();
    struct rel_state s;
    double prev;

    rel_init(&s, 0, false);
    NEAR(rel_score(&s, &p, 0), 0.60, 1e-12);
    ck_assert(!rel_verified(&s, &p, 0));
    ck_assert(rel_listed(&s, &p, 0));       /* Vast-like never delists */
    prev = 0.60;
    for (int d = 1; d <= 120; d++) {
        double sc = rel_score(&s, &p, d * SIM_DAY);
        ck_assert(sc > prev);
        prev = sc;
    }
    ck_assert(prev > 0.99);
    ck_assert(rel_verified(&s, &p, 120 * SIM_DAY));
}
END_TEST

/* The Vast-like rule's parts, each by the amount its parameter documents
 * (models/reliability.c's parameter table, reliability.h): badness is an
 * exponentially decayed integral, score = 1 - ((1 - prior) W0 + B) / (W0
 * + W). So one hour of badness added at t0 lowers the score at t2 by
 * u = e^{-(t2 - t0)/H} / (W0 + W), with W0 = 168 e^{-age/H} and W = H (1
 * - e^{-age/H}) for a machine listed at 0; an idle outage [t0, t1) lowers
 * it by H (e^{-(t2 - t1)/H} - e^{-(t2 - t0)/H}) / (W0 + W); the same
 * outage during a rental by rental-down-weight (3) times that; a failed
 * start by failed-start-penalty (2 h here) x u; a disconnect by its
 * downtime plus disconnect-penalty (1 h) x u; a datacenter keeps 1 -
 * datacenter-bonus of its badness (0.2 here, so that the fraction kept
 * and the fraction forgiven differ). Orderings alone let a disconnect
 * without its penalty (its downtime still lowers the score) and a
 * datacenter keeping only the bonus's fraction (at the default 0.5 the
 * same) pass. */
START_TEST(vast_penalties_and_datacenter_bonus)
{
    struct rel_params p = vast();
    struct rel_state a, b, c, dc, e;
    sim_time t0 = 60 * SIM_DAY, t1 = t0 + 6 * SIM_HOUR, t2 = t1 + SIM_DAY;
    double H = 720, age = 1470, w = 168 * exp(-age / H) + H * (1 - exp(-age / H));
    double u = exp(-30 / H) / w;                    /* t2 - t0 = 30 h */
    double six = H * (exp(-24 / H) - exp(-30 / H)) / w;
    double ten = H * (exp(-(30 - 1.0 / 6) / H) - exp(-30 / H)) / w;
    double sc;

    p.datacenter_bonus = 0.2;
    rel_init(&a, 0, false);
    b = a;
    c = a;
    rel_init(&dc, 0, true);
    sc = rel_score(&c, &p, t2);
    NEAR(sc, 1 - 0.4 * 168 * exp(-age / H) / w, 1e-12);
    rel_on_down(&a, &p, t0, REL_DOWN_FAILURE, false);
    rel_on_up(&a, &p, t1);
    rel_on_down(&b, &p, t0, REL_DOWN_FAILURE, true);    /* during a rental */
    rel_on_up(&b, &p, t1);
    rel_on_down(&dc, &p, t0, REL_DOWN_FAILURE, false);
    rel_on_up(&dc, &p, t1);
    NEAR(sc - rel_score(&a, &p, t2), six, 1e-12);
    NEAR(sc - rel_score(&b, &p, t2), 3 * six, 1e-12);
    NEAR(sc - rel_score(&dc, &p, t2), 0.8 * six, 1e-12);
    /* a weight below 1 (its range is [0, 1000]) makes downtime during a
     * rental cost less than idle downtime: the rented rate alone, not the
     * worse of the rented and the idle one */
    {
        struct rel_params half = p;
        struct rel_state h;

        half.rental_down_weight = 0.5;
        rel_init(&h, 0, false);
        rel_on_down(&h, &half, t0, REL_DOWN_FAILURE, true);
        rel_on_up(&h, &half, t1);
        NEAR(sc - rel_score(&h, &half, t2), 0.5 * six, 1e-12);
    }
    /* failed starts and disconnects cost their penalty */
    e = c;
    rel_on_failed_start(&e, &p, t0);
    NEAR(sc - rel_score(&e, &p, t2), 2 * u, 1e-12);
    e = c;
    rel_on_down(&e, &p, t0, REL_DOWN_DISCONNECT, false);
    rel_on_up(&e, &p, t0 + 10 * SIM_MIN);
    NEAR(sc - rel_score(&e, &p, t2), ten + 1 * u, 1e-12);
    /* scheduled maintenance at weight 0 costs nothing */
    e = c;
    rel_on_down(&e, &p, t0, REL_DOWN_MAINTENANCE, false);
    rel_on_up(&e, &p, t1);
    NEAR(rel_score(&e, &p, t2), sc, 1e-12);
    /* a machine down forever sinks to 0, never below */
    rel_on_down(&c, &p, t0, REL_DOWN_FAILURE, true);
    NEAR(rel_score(&c, &p, t0 + 400 * SIM_DAY), 0.0, 1e-9);
}
END_TEST

/* Scheduled maintenance accrues badness at maintenance-weight whether or
 * not a rental was running (reliability.h: "at 'maintenance_weight'
 * during scheduled maintenance"; README: "each cause of downtime at its
 * own weight"; the market starts maintenance on rented machines too). As
 * in vast_penalties_and_datacenter_bonus, an outage [t0, t1) of rate r
 * lowers the score at t2 by r H (e^{-(t2 - t1)/H} - e^{-(t2 - t0)/H}) /
 * (W0 e^{-age/H} + H (1 - e^{-age/H})), so 6 hours of maintenance at
 * weight 0.5 cost half an idle failure's 6 hours, rented or idle. Taking
 * the rental's weight (3) for maintenance during a rental, or ignoring a
 * non-zero maintenance weight, passed every test (all used weight 0). */
START_TEST(vast_maintenance_costs_its_own_weight)
{
    struct rel_params p = vast();
    struct rel_state ref, s;
    sim_time t0 = 60 * SIM_DAY, t1 = t0 + 6 * SIM_HOUR, t2 = t1 + SIM_DAY;
    double H = 720, age = 1470, w = 168 * exp(-age / H) + H * (1 - exp(-age / H));
    double six = H * (exp(-24 / H) - exp(-30 / H)) / w;
    double sc;

    p.maintenance_weight = 0.5;
    rel_init(&ref, 0, false);
    sc = rel_score(&ref, &p, t2);
    for (int rented = 0; rented <= 1; rented++) {
        rel_init(&s, 0, false);
        rel_on_down(&s, &p, t0, REL_DOWN_MAINTENANCE, rented);
        rel_on_up(&s, &p, t1);
        NEAR(sc - rel_score(&s, &p, t2), 0.5 * six, 1e-12);
    }
}
END_TEST

START_TEST(vast_steady_state_tracks_availability)
{
    /* Down 1 h in every 100 h (idle): the score tends to 0.99. */
    struct rel_params p = vast();
    struct rel_state s;
    sim_time t = 0;

    rel_init(&s, 0, false);
    for (int i = 0; i < 500; i++) {
        t += 99 * SIM_HOUR;
        rel_on_down(&s, &p, t, REL_DOWN_FAILURE, false);
        t += SIM_HOUR;
        rel_on_up(&s, &p, t);
    }
    NEAR(rel_score(&s, &p, t), 0.99, 2e-3);
}
END_TEST

START_TEST(runpod_rule)
{
    struct rel_params p = vast();
    struct rel_state s;
    sim_time t = 40 * SIM_DAY;

    p.rule = REL_RUNPOD;
    rel_init(&s, 0, false);
    NEAR(rel_score(&s, &p, t), 1.0, 0);
    /* the published example: 30 min down in 30 days -> 99.95 % (capped at 1
     * only above) */
    failure(&s, &p, t, 30 * SIM_MIN);
    NEAR(rel_score(&s, &p, t + SIM_DAY), (43200.0 - 30 + 10) / 43200, 1e-9);
    ck_assert(rel_listed(&s, &p, t + SIM_DAY));
    /* 15 h more: (43200 - 930 + 10) / 43200 = 0.9787 < 0.98 -> delisted */
    rel_on_down(&s, &p, t + 2 * SIM_DAY, REL_DOWN_OUTAGE, true);
    rel_on_up(&s, &p, t + 2 * SIM_DAY + 15 * SIM_HOUR);
    NEAR(rel_score(&s, &p, t + 3 * SIM_DAY), (43200.0 - 930 + 10) / 43200, 1e-9);
    ck_assert(!rel_listed(&s, &p, t + 3 * SIM_DAY));
    /* while down, the open interval counts */
    rel_on_down(&s, &p, t + 4 * SIM_DAY, REL_DOWN_FAILURE, false);
    NEAR(rel_score(&s, &p, t + 4 * SIM_DAY + SIM_HOUR),
         (43200.0 - 990 + 10) / 43200, 1e-9);
    rel_on_up(&s, &p, t + 4 * SIM_DAY + SIM_HOUR);
    /* scheduled maintenance does not count */
    rel_on_down(&s, &p, t + 5 * SIM_DAY, REL_DOWN_MAINTENANCE, false);
    rel_on_up(&s, &p, t + 5 * SIM_DAY + 10 * SIM_HOUR);
    NEAR(rel_score(&s, &p, t + 6 * SIM_DAY), (43200.0 - 990 + 10) / 43200, 1e-9);
    /* the window slides: 31 days later all of it has expired */
    NEAR(rel_score(&s, &p, t + 36 * SIM_DAY), 1.0, 0);
    ck_assert(rel_listed(&s, &p, t + 36 * SIM_DAY));
}
END_TEST

/* RunPod's window for a machine younger than it is its age
 * (models/reliability.h): listed at day 0, down 1 h on day 1, at day 2 it
 * scores (48 - 1 + 1/6) / 48 = 0.98264 by hand, listed; over a full
 * 30-day window it would be 0.99884. And a block that left the window
 * but was not yet pruned from the ring (pruning happens only when an
 * interval closes) counts nothing: 10 h down on day 1 and 1 h on day 20
 * give (720 - 1 + 1/6) / 720 at day 40. Scoring over 30 days from the
 * start, and counting the expired block pro rata (a negative downtime,
 * clamped to a score of 1), both survived every test. */
START_TEST(runpod_young_machine_and_expired_blocks)
{
    struct rel_params p = vast();
    struct rel_state s;

    p.rule = REL_RUNPOD;
    rel_init(&s, 0, false);
    failure(&s, &p, SIM_DAY, SIM_HOUR);
    NEAR(rel_score(&s, &p, 2 * SIM_DAY), (48.0 - 1 + 1.0 / 6) / 48, 1e-9);
    ck_assert(rel_listed(&s, &p, 2 * SIM_DAY));
    /* 12 h old, 1 h down just now: (12 - 1 + 1/6) / 12 = 0.931, delisted */
    rel_init(&s, 0, false);
    rel_on_down(&s, &p, 11 * SIM_HOUR, REL_DOWN_FAILURE, false);
    rel_on_up(&s, &p, 12 * SIM_HOUR);
    NEAR(rel_score(&s, &p, 12 * SIM_HOUR), (12.0 - 1 + 1.0 / 6) / 12, 1e-9);
    ck_assert(!rel_listed(&s, &p, 12 * SIM_HOUR));

    rel_init(&s, 0, false);
    failure(&s, &p, SIM_DAY, 10 * SIM_HOUR);
    failure(&s, &p, 20 * SIM_DAY, SIM_HOUR);
    NEAR(rel_score(&s, &p, 40 * SIM_DAY), (720.0 - 1 + 1.0 / 6) / 720, 1e-9);
    ck_assert(rel_listed(&s, &p, 40 * SIM_DAY));
}
END_TEST

/* A machine that joins mid-run is new from its listing time (rel_init:
 * "a machine listed at 'now'"; the market lists joiners at their join
 * time), not from the start of the simulation. Listed at day 10 and up
 * since, the Vast-like score at day 10 is the prior and a day later, age
 * 24 h, 1 - 0.4 W0 e^{-24/H} / (W0 e^{-24/H} + H (1 - e^{-24/H})) with W0
 * = 168 h, H = 720 h. RunPod's window for it is its age: down 1 h on day
 * 11, at day 12 it scores (48 - 1 + 1/6) / 48, over 0.98 and listed.
 * Counting its age from time 0 (the prior decayed for 11 days, a window
 * of 12 days) passed every test: they all listed machines at 0. */
START_TEST(a_machine_listed_later_is_new_from_then)
{
    struct rel_params p = vast();
    struct rel_state s;
    double H = 720, w0 = 168 * exp(-24 / H), W = H * (1 - exp(-24 / H));

    rel_init(&s, 10 * SIM_DAY, false);
    NEAR(rel_score(&s, &p, 10 * SIM_DAY), 0.60, 1e-12);
    NEAR(rel_score(&s, &p, 11 * SIM_DAY), 1 - 0.4 * w0 / (w0 + W), 1e-12);

    p.rule = REL_RUNPOD;
    rel_init(&s, 10 * SIM_DAY, false);
    failure(&s, &p, 11 * SIM_DAY, SIM_HOUR);
    NEAR(rel_score(&s, &p, 12 * SIM_DAY), (48.0 - 1 + 1.0 / 6) / 48, 1e-9);
    ck_assert(rel_listed(&s, &p, 12 * SIM_DAY));
}
END_TEST

START_TEST(runpod_ring_merges_without_losing_downtime)
{
    struct rel_params p = vast();
    struct rel_state s;
    sim_time t = 31 * SIM_DAY;

    p.rule = REL_RUNPOD;
    rel_init(&s, 0, false);
    for (int i = 0; i < 3 * REL_RUNPOD_SLOTS; i++) {
        failure(&s, &p, t + i * SIM_HOUR, SIM_MIN);
    }
    ck_assert_uint_le(s.nslots, REL_RUNPOD_SLOTS);
    NEAR(rel_score(&s, &p, t + SIM_DAY),
         (43200.0 - 3 * REL_RUNPOD_SLOTS + 10) / 43200, 1e-9);
}
END_TEST

/* Many short outages, far more than the ring's slots: 15 min down every
 * 2.4 h for 60 days keeps a tenth of every 30-day window down, so the
 * score must stay near (window - down + 10 min) / window = 0.896 at every
 * moment, and the machine never listed. Merging the two oldest intervals
 * made the score a sawtooth up to 0.998: each time the piled-up oldest
 * block left the window, most of the downtime left with it. */
START_TEST(runpod_ring_keeps_frequent_outages)
{
    struct rel_params p = vast();
    struct rel_state s;
    sim_time period = 144 * SIM_MIN, down = 15 * SIM_MIN, t;
    double exact = (43200.0 - 43200.0 * 15 / 144 + 10) / 43200;
    int checks = 0;

    p.rule = REL_RUNPOD;
    rel_init(&s, 0, false);
    for (t = 0; t < 60 * SIM_DAY; t += period) {
        failure(&s, &p, t, down);
        if (t >= 31 * SIM_DAY) {
            /* just after an outage and just before the next */
            NEAR(rel_score(&s, &p, t + down), exact, 0.01);
            NEAR(rel_score(&s, &p, t + period - SIM_MIN), exact, 0.01);
            ck_assert(!rel_listed(&s, &p, t + period - SIM_MIN));
            checks++;
        }
    }
    ck_assert_int_gt(checks, 250);
}
END_TEST

/* Causes overlap, and each counts only while it lasts. Maintenance from
 * hour 0 to 5 with a failure from hour 1 to 3 inside it: RunPod counts
 * the 2 failure hours, not the 5 (maintenance does not count, before or
 * after); the Vast-like rule charges those 2 hours at the failure's rate,
 * so the machine scores below one that was only maintained. The score
 * once heard only the first cause: the failure went unscored, and a
 * failure followed by maintenance was counted to the maintenance's end. */
START_TEST(overlapping_causes_count_while_they_last)
{
    struct rel_params p = vast();
    struct rel_state s, only_maint;
    sim_time t = 40 * SIM_DAY;

    p.rule = REL_RUNPOD;
    rel_init(&s, 0, false);
    rel_on_down(&s, &p, t, REL_DOWN_MAINTENANCE, false);
    rel_on_down(&s, &p, t + SIM_HOUR, REL_DOWN_FAILURE, false);
    rel_on_cause_end(&s, &p, t + 3 * SIM_HOUR, REL_DOWN_FAILURE, false);
    ck_assert(s.down);
    rel_on_cause_end(&s, &p, t + 5 * SIM_HOUR, REL_DOWN_MAINTENANCE, false);
    ck_assert(!s.down);
    NEAR(rel_score(&s, &p, t + SIM_DAY), (43200.0 - 120 + 10) / 43200, 1e-9);
    /* the other order: failure, then maintenance starting before the repair */
    rel_init(&s, 0, false);
    rel_on_down(&s, &p, t, REL_DOWN_FAILURE, false);
    rel_on_down(&s, &p, t + SIM_HOUR, REL_DOWN_MAINTENANCE, false);
    rel_on_cause_end(&s, &p, t + 2 * SIM_HOUR, REL_DOWN_FAILURE, false);
    rel_on_up(&s, &p, t + 6 * SIM_HOUR);
    NEAR(rel_score(&s, &p, t + SIM_DAY), (43200.0 - 120 + 10) / 43200, 1e-9);

    p.rule = REL_VAST;
    rel_init(&s, 0, false);
    rel_init(&only_maint, 0, false);
    rel_on_down(&s, &p, t, REL_DOWN_MAINTENANCE, false);
    rel_on_down(&only_maint, &p, t, REL_DOWN_MAINTENANCE, false);
    rel_on_down(&s, &p, t + SIM_HOUR, REL_DOWN_FAILURE, false);
    rel_on_cause_end(&s, &p, t + 3 * SIM_HOUR, REL_DOWN_FAILURE, false);
    rel_on_up(&s, &p, t + 5 * SIM_HOUR);
    rel_on_up(&only_maint, &p, t + 5 * SIM_HOUR);
    ck_assert(rel_score(&s, &p, t + SIM_DAY) < rel_score(&only_maint, &p, t + SIM_DAY) - 1e-4);
}
END_TEST

/* ---- outages ---- */

static struct outage_params hobby(void)
{
    return (struct outage_params){
        OUTAGE_WEIBULL, 720, 1.5, 4, 1, 0.1, 1.0 / 3, 0.02, 1440, 3, 24,
    };
}

START_TEST(samplers_have_the_documented_means)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    struct outage_params p = hobby();
    double f = 0, rep = 0, fails = 0;
    const int n = 200000;

    for (int i = 0; i < n; i++) {
        f += outage_next_failure_h(&p, r);
        rep += outage_repair_h(&p, r);
        fails += outage_start_fails(&p, r);
    }
    NEAR(f / n, 720, 720 * 0.01);
    NEAR(rep / n, outage_mttr_h(&p), outage_mttr_h(&p) * 0.02);
    NEAR(fails / n, 0.02, 0.002);
    NEAR(outage_mttr_h(&p), 4 * exp(0.5), 1e-12);
    NEAR(outage_availability(&p), 720 / (720 + 4 * exp(0.5)), 1e-12);
    p.disconnect_per_day = 0;
    p.maint_interval_h = 0;
    ck_assert(isinf(outage_next_disconnect_h(&p, r)));
    ck_assert(isinf(outage_next_maintenance_h(&p, r)));
    gsl_rng_free(r);
}
END_TEST

/* The other samplers follow the laws their keys document (docs/PARAMS.md):
 * disconnect gaps exponential at disconnect-rate per day and lengths
 * exponential of mean disconnect-duration, maintenance gaps exponential
 * of mean maint-interval, regional outages Poisson at outage-rate per year
 * with lognormal lengths (median outage-duration, sd of log outage-sigma),
 * and a power cut with probability outage-power-share. An exponential of
 * mean m falls below m with probability 1 - 1/e (a fixed length, with the
 * same mean, always or never does); a lognormal falls below its median
 * half the time and has mean median x exp(sigma^2 / 2). Every bound is 4
 * standard errors of n draws. A length drawn without its sigma, a fixed
 * disconnect or maintenance gap, and the power share read the wrong way
 * round all passed every test before this one. */
static void exp_law(double (*draw)(const struct outage_params *, gsl_rng *),
                    const struct outage_params *p, double mean, gsl_rng *r)
{
    const int n = 200000;
    const double q = 1 - exp(-1);
    double sum = 0, below = 0;

    for (int i = 0; i < n; i++) {
        double x = draw(p, r);

        sum += x;
        below += x < mean;
    }
    NEAR(sum / n, mean, 4 * mean / sqrt(n));
    NEAR(below / n, q, 4 * sqrt(q * (1 - q) / n));
}

START_TEST(outage_samplers_follow_their_laws)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    struct outage_params p = hobby();
    struct outage_region_params g = { 4, 3, 1, 0.3, 0.2 };
    const int n = 200000;
    double sum = 0, below = 0, power = 0, gaps = 0;
    double sd = 3 * sqrt((exp(1) - 1) * exp(1));        /* of the lognormal (ln 3, 1) */

    exp_law(outage_next_disconnect_h, &p, 24 / 0.1, r);
    exp_law(outage_disconnect_h, &p, 1.0 / 3, r);
    exp_law(outage_next_maintenance_h, &p, 1440, r);
    for (int i = 0; i < n; i++) {
        double x = outage_region_duration_h(&g, r);

        sum += x;
        below += x < 3;
        power += outage_region_kind(&g, r) == OUTAGE_POWER;
        gaps += outage_region_next_h(&g, r);
    }
    NEAR(sum / n, 3 * exp(0.5), 4 * sd / sqrt(n));
    NEAR(below / n, 0.5, 4 * sqrt(0.25 / n));
    NEAR(power / n, 0.2, 4 * sqrt(0.2 * 0.8 / n));
    NEAR(gaps / n, 8760 / 4.0, 4 * (8760 / 4.0) / sqrt(n));
    gsl_rng_free(r);
}
END_TEST

/* Draw for draw, each sampler is its documented law (outage.h,
 * docs/PARAMS.md) taken from one stream: a twin stream of the same seed,
 * drawn with GSL's own samplers at the parameters worked out here, gives
 * the same numbers. Disconnect gaps exponential of mean 24 / rate h;
 * regional outage gaps exponential of mean 8,766 / rate h (a year is
 * 365.25 days, README "Units"); a Weibull life of shape k and scale
 * MTBF / Gamma(1 + 1/k), so its mean is the MTBF; lognormal repairs and
 * regional lengths around log(median). The means tests above allow a few
 * tenths of a percent: a 365-day year (0.07% off) and a disconnect gap an
 * hour too long (0.4% at 240 h) passed them. */
START_TEST(samplers_draw_their_laws_draw_for_draw)
{
    gsl_rng *a = gsl_rng_alloc(gsl_rng_mt19937), *b = gsl_rng_alloc(gsl_rng_mt19937);
    struct outage_params p = hobby();           /* Weibull k 1.5, MTBF 720 h */
    struct outage_region_params g = { 4, 3, 0.5, 0.3, 0.2 };
    double scale = 720 / gsl_sf_gamma(1 + 1 / 1.5);

    p.repair_sigma = 0.7;
    /* the lognormal's mean, median x exp(sigma^2 / 2), and with it the
     * availability (hobby()'s sigma of 1 hid a sigma not squared) */
    NEAR(outage_mttr_h(&p), 4 * exp(0.245), 1e-12);
    NEAR(outage_availability(&p), 720 / (720 + 4 * exp(0.245)), 1e-12);

    gsl_rng_set(a, 11);
    gsl_rng_set(b, 11);
    for (int i = 0; i < 1000; i++) {
        NEAR(outage_next_disconnect_h(&p, a), gsl_ran_exponential(b, 24 / 0.1), 1e-9);
        NEAR(outage_disconnect_h(&p, a), gsl_ran_exponential(b, 1.0 / 3), 1e-12);
        NEAR(outage_next_maintenance_h(&p, a), gsl_ran_exponential(b, 1440), 1e-9);
        NEAR(outage_region_next_h(&g, a), gsl_ran_exponential(b, 8766 / 4.0), 1e-9);
        NEAR(outage_next_failure_h(&p, a), gsl_ran_weibull(b, scale, 1.5), 1e-9);
        NEAR(outage_repair_h(&p, a), gsl_ran_lognormal(b, log(4), 0.7), 1e-9);
        NEAR(outage_region_duration_h(&g, a), gsl_ran_lognormal(b, log(3), 0.5), 1e-9);
    }
    /* a residual life: Weibull L G^(1/k), G ~ Gamma(1/k, 1) (outage.c),
     * the exponential its own law */
    for (int i = 0; i < 1000; i++)
        NEAR(outage_residual_failure_h(&p, a), scale * pow(gsl_ran_gamma(b, 1 / 1.5, 1), 1 / 1.5),
             1e-9);
    p.failure_dist = OUTAGE_EXP;
    for (int i = 0; i < 1000; i++)
        NEAR(outage_residual_failure_h(&p, a), gsl_ran_exponential(b, 720), 1e-9);
    /* failure-dist = exp: the time to failure is exponential of mean
     * MTBF (docs/PARAMS.md; hobby() is Weibull, so a halved exponential
     * mean passed this suite and only the end-to-end targets caught it) */
    for (int i = 0; i < 1000; i++)
        NEAR(outage_next_failure_h(&p, a), gsl_ran_exponential(b, 720), 1e-9);
    /* stochastic rounding: 0.35 x 10 = 3.5 hosts is 4 when the pick's
     * first uniform is below 0.5, else 3 (outage.h: the mean is exactly
     * fraction n); the twin, seeded alike each time, gives that uniform */
    g.fraction = 0.35;
    for (unsigned long seed = 1; seed <= 1000; seed++) {
        uint32_t ids[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };

        gsl_rng_set(a, seed);
        gsl_rng_set(b, seed);
        ck_assert_uint_eq(outage_region_pick(&g, 10, ids, a),
                          gsl_rng_uniform(b) < 0.5 ? 4 : 3);
    }
    gsl_rng_free(a);
    gsl_rng_free(b);
}
END_TEST

/* A host running since long ago fails first after its residual life,
 * whose mean is E[X^2] / (2 E[X]) (the inspection paradox): for a Weibull
 * of scale L and shape k, L Gamma(1 + 2/k) / (2 Gamma(1 + 1/k)); at
 * k = 0.5, three times the MTBF, where a new host's first failure comes
 * after one MTBF and more often early. The exponential is memoryless: the
 * same mean either way. */
START_TEST(aged_hosts_fail_after_their_residual_life)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    struct outage_params p = hobby();
    const int n = 200000;
    double sum = 0, early_res = 0, early_new = 0, want;

    p.shape = 0.5;
    want = outage_weibull_scale_h(&p) * gsl_sf_gamma(1 + 2 / p.shape) /
           (2 * gsl_sf_gamma(1 + 1 / p.shape));
    NEAR(want, 3 * p.mtbf_h, 1e-6 * p.mtbf_h);
    for (int i = 0; i < n; i++) {
        double x = outage_residual_failure_h(&p, r);

        sum += x;
        early_res += x < 0.1 * p.mtbf_h;
        early_new += outage_next_failure_h(&p, r) < 0.1 * p.mtbf_h;
    }
    NEAR(sum / n, want, want * 0.02);
    /* P(residual < 0.1 M) = P(1/k, (0.1 M / L)^k) = P(2, sqrt(0.2)) */
    NEAR(early_res / n, gsl_sf_gamma_inc_P(2, sqrt(0.2)), 0.005);
    ck_assert(early_new > 1.5 * early_res);     /* a new host's life: more early */
    p.failure_dist = OUTAGE_EXP;
    sum = 0;
    for (int i = 0; i < n; i++)
        sum += outage_residual_failure_h(&p, r);
    NEAR(sum / n, p.mtbf_h, p.mtbf_h * 0.01);
    gsl_rng_free(r);
}
END_TEST

/* A host found down at the start is part-way through a repair: the repair
 * under way is length-biased (density x f(x) / MTTR, for a lognormal
 * (mu, sigma) the lognormal (mu + sigma^2, sigma)) and the time left of it
 * uniform over it, so its mean is E[R^2] / (2 E[R]) = median e^(3 sigma^2
 * / 2) / 2: 4 e^0.735 / 2 = 4.171 h at median 4 h, sigma 0.7, against a
 * new repair's 4 e^0.245 = 5.11 h; a fixed repair (sigma 0) leaves U(0, 4). */
START_TEST(a_repair_found_under_way_has_its_residual_law)
{
    gsl_rng *a = gsl_rng_alloc(gsl_rng_mt19937), *b = gsl_rng_alloc(gsl_rng_mt19937);
    struct outage_params p = hobby();
    const int n = 200000;
    double sum = 0, want = 4 * exp(1.5 * 0.49) / 2;

    p.repair_median_h = 4;
    p.repair_sigma = 0.7;
    gsl_rng_set(a, 5);
    gsl_rng_set(b, 5);
    for (int i = 0; i < 1000; i++) {
        double len = gsl_ran_lognormal(b, log(4) + 0.49, 0.7);

        NEAR(outage_residual_repair_h(&p, a), gsl_rng_uniform(b) * len, 1e-9);
    }
    for (int i = 0; i < n; i++)
        sum += outage_residual_repair_h(&p, a);
    NEAR(sum / n, want, want * 0.02);
    p.repair_sigma = 0;
    sum = 0;
    for (int i = 0; i < n; i++) {
        double x = outage_residual_repair_h(&p, a);

        ck_assert(x >= 0 && x < 4);
        sum += x;
    }
    NEAR(sum / n, 2, 0.02);
    gsl_rng_free(a);
    gsl_rng_free(b);
}
END_TEST

START_TEST(regional_outages_are_correlated)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    struct outage_region_params p = { 4, 3, 1, 0.3, 0.5 };
    uint32_t hit[100];
    double t = 0, end = 24 * 365 * 200.0, d0 = 0, d1 = 0, both = 0, count[100] = { 0 };
    int events = 0;

    /* Hosts only fail through regional outages; over 200 years, hosts 0 and
     * 1 must be down together far more often than independence predicts.
     * The region's hosts are machines 5000-5099: the pick keeps their ids
     * (it once gave positions, and the market took down machines 0-29). */
    while ((t += outage_region_next_h(&p, r)) < end) {
        double dur = outage_region_duration_h(&p, r);
        size_t k;
        bool h0 = false, h1 = false;

        for (uint32_t i = 0; i < 100; i++)
            hit[i] = 5000 + i;
        k = outage_region_pick(&p, 100, hit, r);
        ck_assert(k == 30);
        for (size_t i = 0; i < k; i++) {
            ck_assert(i == 0 || hit[i] > hit[i - 1]);    /* distinct, sorted */
            ck_assert(hit[i] >= 5000 && hit[i] < 5100);
            count[hit[i] - 5000]++;
            h0 |= hit[i] == 5000;
            h1 |= hit[i] == 5001;
        }
        d0 += h0 * dur;
        d1 += h1 * dur;
        both += (h0 && h1) * dur;
        events++;
    }
    ck_assert(events > 600);
    for (int i = 0; i < 100; i++)       /* every host equally exposed */
        NEAR(count[i] / events, 0.3, 0.06);
    ck_assert(both / end > 20 * (d0 / end) * (d1 / end));
    /* stochastic rounding keeps the mean hit count at fraction x n */
    p.fraction = 0.25;
    {
        double sum = 0;
        for (int i = 0; i < 20000; i++)
            sum += (double)outage_region_pick(&p, 10, hit, r);
        NEAR(sum / 20000, 2.5, 0.03);
    }
    gsl_rng_free(r);
}
END_TEST

START_TEST(bad_parameters_name_the_line)
{
    struct srcloc at = { "x.ini", 7 };
    struct outage_params p = hobby();
    struct outage_where w = { .mtbf = &at, .shape = &at, .failed_start = &at };
    char *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&buf, &len));

    p.mtbf_h = -24;
    p.shape = 0;
    p.failed_start_prob = 1.5;
    ck_assert_int_eq(outage_check(&p, &w, &d), SIM_EINVAL);
    fclose(d.out);
    ck_assert_int_eq(d.nerrors, 3);
    ck_assert_str_eq(buf, "x.ini:7: error: MTBF must be > 0, got -24 h\n"
                          "x.ini:7: error: failure shape must be > 0, got 0\n"
                          "x.ini:7: error: failed-start probability must be in [0, 1], got 1.5\n");
    free(buf);
}
END_TEST

/* The checks' boundaries as outage.h and docs/PARAMS.md state them: MTBF,
 * repair median and a regional outage's median length must be > 0 (0 is
 * refused); every rate, length, sigma and the maintenance notice may be 0
 * ("0 = none", "sigma 0 = a fixed length"); a probability or share may be
 * anything in [0, 1], both ends included. A diag that already holds an
 * error from elsewhere (the market checks every class and region into
 * one) does not make a good class fail: each check counts only its own
 * errors. MTBF 0, a zero disconnect or maintenance length, and 1 for a
 * failed-start probability, fraction or power share refused, 0 refused
 * as a fraction, an error from before failing a good class, and a sigma
 * of -0.5 let through all passed every test before this one. */
START_TEST(checks_take_their_boundaries)
{
    struct outage_params p = hobby();
    struct outage_region_params g = { 0, 3, 0, 0, 0 };
    char *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&buf, &len));

    /* every field at its allowed edge */
    p.repair_sigma = 0;
    p.disconnect_per_day = 0;
    p.disconnect_h = 0;
    p.failed_start_prob = 0;
    p.maint_interval_h = 0;
    p.maint_duration_h = 0;
    p.maint_notice_h = 0;
    ck_assert_int_eq(outage_check(&p, NULL, &d), SIM_OK);
    p.failed_start_prob = 1;
    ck_assert_int_eq(outage_check(&p, NULL, &d), SIM_OK);
    ck_assert_int_eq(outage_region_check(&g, NULL, &d), SIM_OK);
    g.fraction = 1;
    g.power_share = 1;
    ck_assert_int_eq(outage_region_check(&g, NULL, &d), SIM_OK);
    ck_assert_int_eq(d.nerrors, 0);
    /* one step past: exactly one error each */
    p.mtbf_h = 0;
    ck_assert_int_eq(outage_check(&p, NULL, &d), SIM_EINVAL);
    ck_assert_int_eq(d.nerrors, 1);
    p = hobby();
    p.repair_sigma = -0.5;
    ck_assert_int_eq(outage_check(&p, NULL, &d), SIM_EINVAL);
    ck_assert_int_eq(d.nerrors, 2);
    g.duration_median_h = 0;
    ck_assert_int_eq(outage_region_check(&g, NULL, &d), SIM_EINVAL);
    ck_assert_int_eq(d.nerrors, 3);
    /* earlier errors are not this class's or region's */
    p = hobby();
    g.duration_median_h = 3;
    ck_assert_int_eq(outage_check(&p, NULL, &d), SIM_OK);
    ck_assert_int_eq(outage_region_check(&g, NULL, &d), SIM_OK);
    ck_assert_int_eq(d.nerrors, 3);
    fclose(d.out);
    ck_assert_str_eq(buf, "error: MTBF must be > 0, got 0 h\n"
                          "error: repair sigma must be >= 0, got -0.5\n"
                          "error: regional outage duration must be > 0, got 0 h\n");
    free(buf);
}
END_TEST

/* Each field's error is reported at that field's own place and names its
 * own key (outage.h: "file:line: error: ..."; keys as docs/PARAMS.md
 * spells them), here every field bad at a line of its own. With one
 * place for all fields (as in the test above) a message at a
 * neighbour's line or under a neighbour's key name went unnoticed. NaN
 * fails every check too (outage.c: "written so NaN fails too"). */
START_TEST(each_bad_field_names_its_line_and_key)
{
    static const struct srcloc at[15] = {
        { "c.ini", 1 }, { "c.ini", 2 }, { "c.ini", 3 }, { "c.ini", 4 }, { "c.ini", 5 },
        { "c.ini", 6 }, { "c.ini", 7 }, { "c.ini", 8 }, { "c.ini", 9 }, { "c.ini", 10 },
        { "c.ini", 11 }, { "c.ini", 12 }, { "c.ini", 13 }, { "c.ini", 14 }, { "c.ini", 15 },
    };
    const struct outage_where w = {
        &at[0], &at[1], &at[2], &at[3], &at[4], &at[5], &at[6], &at[7], &at[8], &at[9],
        "hostclass.t.",
    };
    const struct outage_region_where rw = {
        &at[10], &at[11], &at[12], &at[13], &at[14], "region.r.",
    };
    struct outage_params p = {
        OUTAGE_EXP, -1, -2, -3, -4, -5, -6, 2, -7, -8, -9,
    };
    struct outage_region_params g = { -1, -2, -3, -0.5, 1.5 };
    char *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&buf, &len));

    ck_assert_int_eq(outage_check(&p, &w, &d), SIM_EINVAL);
    ck_assert_int_eq(outage_region_check(&g, &rw, &d), SIM_EINVAL);
    p = (struct outage_params){ OUTAGE_EXP, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN };
    ck_assert_int_eq(outage_check(&p, NULL, &d), SIM_EINVAL);
    g = (struct outage_region_params){ NAN, NAN, NAN, NAN, NAN };
    ck_assert_int_eq(outage_region_check(&g, NULL, &d), SIM_EINVAL);
    ck_assert_int_eq(d.nerrors, 30);
    fclose(d.out);
    ck_assert_ptr_nonnull(strstr(buf,
        "c.ini:1: error: hostclass.t.mtbf: MTBF must be > 0, got -1 h\n"
        "c.ini:2: error: hostclass.t.failure-shape: failure shape must be > 0, got -2\n"
        "c.ini:3: error: hostclass.t.repair-median: repair median must be > 0, got -3 h\n"
        "c.ini:4: error: hostclass.t.repair-sigma: repair sigma must be >= 0, got -4\n"
        "c.ini:5: error: hostclass.t.disconnect-rate: disconnect rate must be >= 0, got -5 per day\n"
        "c.ini:6: error: hostclass.t.disconnect-duration: disconnect duration must be >= 0, got -6 h\n"
        "c.ini:7: error: hostclass.t.failed-start-prob: failed-start probability must be in [0, 1], got 2\n"
        "c.ini:8: error: hostclass.t.maint-interval: maintenance interval must be >= 0 (0 = none), got -7 h\n"
        "c.ini:9: error: hostclass.t.maint-duration: maintenance duration must be >= 0, got -8 h\n"
        "c.ini:10: error: hostclass.t.maint-notice: maintenance notice must be >= 0, got -9 h\n"
        "c.ini:11: error: region.r.outage-rate: regional outage rate must be >= 0, got -1 per year\n"
        "c.ini:12: error: region.r.outage-duration: regional outage duration must be > 0, got -2 h\n"
        "c.ini:13: error: region.r.outage-sigma: regional outage sigma must be >= 0, got -3\n"
        "c.ini:14: error: region.r.outage-fraction: regional outage fraction must be in [0, 1], got -0.5\n"
        "c.ini:15: error: region.r.outage-power-share: regional outage power share must be in [0, 1], got 1.5\n"));
    free(buf);
}
END_TEST

/* Loads 'text' as bad.ini and resolves run 0; NULL if the registry already
 * rejected it (messages in *buf either way). */
static struct scn_run *load(struct param_registry *reg, const char *text,
                            struct scn **s, struct scn_study **st, struct diag *d)
{
    *st = NULL;
    *s = scn_load_string("bad.ini", text, reg, d);
    if (*s)
        *st = scn_study_new(*s, NULL, NULL, d);
    return *st ? scn_run_new(*st, 0, d) : NULL;
}

START_TEST(scenario_values_are_checked_with_file_and_line)
{
    struct param_registry *reg = preg_new();
    char *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&buf, &len));
    struct scn *s;
    struct scn_study *st;
    struct scn_run *run;
    struct outage_params p;
    struct rel_params rp;

    sim_register_all_params(reg);
    /* Values the registry accepts but the models reject. */
    run = load(reg, "[General]\n"
                    "hostclass.odd.mtbf = 10d\n"
                    "hostclass.odd.repair-median = 0h\n"
                    "reliability.horizon = 0d\n"
                    "reliability.runpod-window = 0d\n", &s, &st, &d);
    ck_assert_ptr_nonnull(run);
    ck_assert_int_eq(outage_params_from_run(run, "odd", &p, &d), SIM_EINVAL);
    NEAR(p.mtbf_h, 240, 1e-9);          /* a '*' pattern class, its own value */
    ck_assert_int_eq(rel_params_from_run(run, &rp, &d), SIM_EINVAL);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    /* Out of range wherever it is caught: registry or model, same line. */
    run = load(reg, "[General]\n"
                    "hostclass.hobbyist.failure-shape = 0\n"
                    "hostclass.farm.failed-start-prob = 1.5\n", &s, &st, &d);
    if (run) {
        ck_assert_int_eq(outage_params_from_run(run, "hobbyist", &p, &d), SIM_EINVAL);
        scn_run_free(run);
    }
    scn_study_free(st);
    scn_free(s);
    fclose(d.out);
    ck_assert_ptr_nonnull(strstr(buf, "bad.ini:3: error: hostclass.odd.repair-median: "
                                      "repair median must be > 0, got 0 h"));
    ck_assert_ptr_nonnull(strstr(buf, "bad.ini:4: error: reliability.horizon: "
                                      "reliability horizon must be > 0 h"));
    /* the RunPod window, with the horizon the only length the registry
     * lets be 0 and the model refuses, at its own line and key (a
     * message under the buffer's key passed every test) */
    ck_assert_ptr_nonnull(strstr(buf, "bad.ini:5: error: reliability.runpod-window: "
                                      "RunPod window must be > 0 h"));
    ck_assert_ptr_nonnull(strstr(buf, "bad.ini:2: error:"));
    ck_assert_ptr_nonnull(strstr(buf, "bad.ini:3: error:"));
    free(buf);
    preg_free(reg);
}
END_TEST

/* The values only the models refuse (the registry has no range for
 * them and durations cannot be negative) name their own key's line: a
 * zero MTBF, a negative repair sigma, a negative regional sigma, each on a
 * line of its own between good keys of the same class or region. MTBF's
 * message at the failure-shape line, and the sigmas' at their
 * neighbours', passed every test before this one. */
START_TEST(model_errors_name_their_own_line)
{
    struct param_registry *reg = preg_new();
    char *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&buf, &len));
    struct scn *s;
    struct scn_study *st;
    struct scn_run *run;
    struct outage_params p;
    struct outage_region_params g;

    sim_register_all_params(reg);
    run = load(reg, "[General]\n"
                    "hostclass.odd.failure-dist = weibull\n"
                    "hostclass.odd.mtbf = 0d\n"
                    "hostclass.odd.failure-shape = 2\n"
                    "hostclass.odd.repair-median = 5h\n"
                    "hostclass.odd.repair-sigma = -1\n"
                    "hostclass.odd.disconnect-rate = 1\n"
                    "region.zz.outage-duration = 2h\n"
                    "region.zz.outage-sigma = -2\n"
                    "region.zz.outage-fraction = 0.5\n", &s, &st, &d);
    ck_assert_ptr_nonnull(run);
    ck_assert_int_eq(outage_params_from_run(run, "odd", &p, &d), SIM_EINVAL);
    ck_assert_int_eq(outage_region_from_run(run, "zz", &g, &d), SIM_EINVAL);
    ck_assert_int_eq(d.nerrors, 3);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    fclose(d.out);
    ck_assert_str_eq(buf, "bad.ini:3: error: hostclass.odd.mtbf: MTBF must be > 0, got 0 h\n"
                          "bad.ini:6: error: hostclass.odd.repair-sigma: "
                          "repair sigma must be >= 0, got -1\n"
                          "bad.ini:9: error: region.zz.outage-sigma: "
                          "regional outage sigma must be >= 0, got -2\n");
    free(buf);
    preg_free(reg);
}
END_TEST

/* A regional outage of fraction 1 takes every host of the region
 * (outage.h: k = round(fraction n), and fraction n = n has nothing to
 * round), fraction 0 none; a clamp of k to n - 1 passed every test. */
START_TEST(regional_fraction_one_takes_every_host)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    struct outage_region_params p = { 4, 3, 1, 1, 0.5 };
    uint32_t ids[7];

    for (int rep = 0; rep < 100; rep++) {
        for (uint32_t i = 0; i < 7; i++)
            ids[i] = 40 + 3 * i;
        ck_assert_uint_eq(outage_region_pick(&p, 7, ids, r), 7);
        for (uint32_t i = 0; i < 7; i++)
            ck_assert_uint_eq(ids[i], 40 + 3 * i);
    }
    p.fraction = 0;
    for (int rep = 0; rep < 100; rep++)
        ck_assert_uint_eq(outage_region_pick(&p, 7, ids, r), 0);
    gsl_rng_free(r);
}
END_TEST

/* A machine that was listed long before the simulation starts begins
 * where its history left it (reliability.h, rel_init_history): W = H (1 -
 * e^{-a/H}), B = (1 - availability) W, and the prior's weight W0 e^{-a/H}.
 * Listed for ever (a = 10^6 h, e^{-a/H} = 0 in double): score =
 * availability. Listed one horizon ago (a = H = 720 h) at availability
 * 0.9: 1 - (0.4 x 168/e + 0.1 x 720 (1 - 1/e)) / (168/e + 720 (1 - 1/e)).
 * The badness set to the availability instead of its complement, and W
 * decayed the wrong way (e^{-a/H} for 1 - e^{-a/H}), passed every test. */
START_TEST(vast_history_starts_at_its_availability)
{
    struct rel_params p = vast();
    struct rel_state s;
    double e1 = exp(-1.0), w = 168 * e1 + 720 * (1 - e1);

    rel_init_history(&s, &p, 5 * SIM_DAY, false, 1e6, 0.95);
    NEAR(rel_score(&s, &p, 5 * SIM_DAY), 0.95, 1e-12);
    rel_init_history(&s, &p, 5 * SIM_DAY, false, 720, 0.9);
    NEAR(rel_score(&s, &p, 5 * SIM_DAY),
         1 - (0.4 * 168 * e1 + 0.1 * 720 * (1 - e1)) / w, 1e-12);
    /* a datacenter keeps 1 - bonus (0.5) of that badness */
    rel_init_history(&s, &p, 5 * SIM_DAY, true, 1e6, 0.95);
    NEAR(rel_score(&s, &p, 5 * SIM_DAY), 0.975, 1e-12);
}
END_TEST

/* Overlapping causes accrue at the worst rate of those down now, not at
 * their sum (reliability.h): an idle failure (rate 1) and a regional
 * outage during a rental (rate 3) over the same 6 hours cost what the
 * outage alone costs. Two causes of one kind, the second during a rental,
 * take the rental's rate: same cost again. A disconnect while the machine
 * is already down costs no impulse ("applies only to an up machine"): a
 * failure with a disconnect inside it costs what the failure alone does.
 * Summing the rates, keeping the first cause's rate for its kind, and the
 * impulse on a down machine all passed every test. */
START_TEST(vast_overlapping_causes_take_the_worst_rate)
{
    struct rel_params p = vast();
    struct rel_state ref, s;
    sim_time t0 = 60 * SIM_DAY, t1 = t0 + 6 * SIM_HOUR, t2 = t1 + SIM_DAY;
    double want;

    rel_init(&ref, 0, false);
    rel_on_down(&ref, &p, t0, REL_DOWN_OUTAGE, true);
    rel_on_up(&ref, &p, t1);
    want = rel_score(&ref, &p, t2);

    rel_init(&s, 0, false);
    rel_on_down(&s, &p, t0, REL_DOWN_FAILURE, false);
    rel_on_down(&s, &p, t0, REL_DOWN_OUTAGE, true);
    rel_on_up(&s, &p, t1);
    NEAR(rel_score(&s, &p, t2), want, 1e-12);

    rel_init(&s, 0, false);
    rel_on_down(&s, &p, t0, REL_DOWN_OUTAGE, false);
    rel_on_down(&s, &p, t0, REL_DOWN_OUTAGE, true);
    rel_on_up(&s, &p, t1);
    NEAR(rel_score(&s, &p, t2), want, 1e-12);

    rel_init(&ref, 0, false);
    rel_on_down(&ref, &p, t0, REL_DOWN_FAILURE, false);
    rel_on_up(&ref, &p, t1);
    rel_init(&s, 0, false);
    rel_on_down(&s, &p, t0, REL_DOWN_FAILURE, false);
    rel_on_down(&s, &p, t0 + SIM_HOUR, REL_DOWN_DISCONNECT, false);
    rel_on_cause_end(&s, &p, t0 + SIM_HOUR + 10 * SIM_MIN, REL_DOWN_DISCONNECT, false);
    rel_on_up(&s, &p, t1);
    NEAR(rel_score(&s, &p, t2), rel_score(&ref, &p, t2), 1e-12);

    /* the end of a cause that never began changes nothing */
    rel_init(&s, 0, false);
    rel_on_cause_end(&s, &p, t0, REL_DOWN_FAILURE, false);
    ck_assert(!s.down);
    rel_init(&ref, 0, false);
    NEAR(rel_score(&s, &p, t2), rel_score(&ref, &p, t2), 0);
}
END_TEST

/* A disconnect's impulse applies only to an up machine (reliability.h),
 * and a machine in scheduled maintenance is down though RunPod does not
 * count it: a 10-minute disconnect 1 h into a 6-hour maintenance (weight
 * 0) costs only its 10 minutes at rate 1, the worst of the two, and no
 * disconnect-penalty. By the closed form of
 * vast_penalties_and_datacenter_bonus, with t2 = t0 + 30 h the ten
 * minutes [t0 + 1 h, t0 + 1 h + 10 min) lower the score by H (e^{-(29 -
 * 1/6)/H} - e^{-29/H}) / (W0 e^{-age/H} + H (1 - e^{-age/H})). Charging
 * the impulse whenever no counted cause was down (maintenance alone)
 * passed every test. */
START_TEST(vast_no_disconnect_impulse_during_maintenance)
{
    struct rel_params p = vast();
    struct rel_state ref, s;
    sim_time t0 = 60 * SIM_DAY, t1 = t0 + 6 * SIM_HOUR, t2 = t1 + SIM_DAY;
    double H = 720, age = 1470, w = 168 * exp(-age / H) + H * (1 - exp(-age / H));
    double ten = H * (exp(-(29 - 1.0 / 6) / H) - exp(-29 / H)) / w;

    rel_init(&ref, 0, false);
    rel_init(&s, 0, false);
    rel_on_down(&s, &p, t0, REL_DOWN_MAINTENANCE, false);
    rel_on_down(&s, &p, t0 + SIM_HOUR, REL_DOWN_DISCONNECT, false);
    rel_on_cause_end(&s, &p, t0 + SIM_HOUR + 10 * SIM_MIN, REL_DOWN_DISCONNECT, false);
    rel_on_up(&s, &p, t1);
    NEAR(rel_score(&ref, &p, t2) - rel_score(&s, &p, t2), ten, 1e-12);
}
END_TEST

/* Edges of both rules, by hand. A new machine with no prior weight (W0 =
 * 0) at age 0 scores exactly the prior, 0.60 (reliability.h: "a new
 * machine scores exactly 'prior'"). RunPod at age 0 has nothing down:
 * 1. A machine down since day 1 and still down at day 40 has its whole
 * 30-day window down: (0 + 10 min) / 30 d (counting from the failure, 39
 * days, clamped the score to 0). A machine in maintenance now is not
 * counted down: 1 (counting it gave (720 - 5 + 1/6) / 720). At exactly
 * the thresholds a machine is listed and verified ("at least"). */
START_TEST(score_edges_by_hand)
{
    struct rel_params p = vast();
    struct rel_state s;
    sim_time t = 40 * SIM_DAY;

    p.prior_weight_h = 0;
    rel_init(&s, 0, false);
    NEAR(rel_score(&s, &p, 0), 0.60, 0);

    p = vast();
    p.rule = REL_RUNPOD;
    rel_init(&s, 0, false);
    NEAR(rel_score(&s, &p, 0), 1.0, 0);
    p.runpod_delist = 1.0;
    p.verify_threshold = 1.0;
    ck_assert(rel_listed(&s, &p, t));
    ck_assert(rel_verified(&s, &p, t));
    p = vast();
    p.rule = REL_RUNPOD;
    rel_on_down(&s, &p, SIM_DAY, REL_DOWN_FAILURE, false);
    NEAR(rel_score(&s, &p, t), (1.0 / 6) / 720, 1e-12);
    rel_init(&s, 0, false);
    rel_on_down(&s, &p, t, REL_DOWN_MAINTENANCE, false);
    NEAR(rel_score(&s, &p, t + 5 * SIM_HOUR), 1.0, 0);
}
END_TEST

/* When the ring is full the two neighbours with the shortest gap merge
 * (reliability.h). Nine 1-hour outages: day 1, day 20, and seven on day 25
 * an hour apart. The nine intervals merge two of day 25's (gap 1 h); at
 * day 35 the window starts at day 5, day 1's outage has left it, the
 * other 8 h are inside: (720 - 8 + 1/6) / 720. Merging the widest gap
 * (day 1 with day 20) made a block the window's start cuts, counted pro
 * rata (7.58 h). */
START_TEST(runpod_ring_merges_the_closest_neighbours)
{
    struct rel_params p = vast();
    struct rel_state s;

    p.rule = REL_RUNPOD;
    rel_init(&s, 0, false);
    failure(&s, &p, SIM_DAY, SIM_HOUR);
    failure(&s, &p, 20 * SIM_DAY, SIM_HOUR);
    for (int i = 0; i < 7; i++) {
        sim_time at = 25 * SIM_DAY + 2 * i * SIM_HOUR;

        failure(&s, &p, at, SIM_HOUR);
    }
    ck_assert_uint_eq(s.nslots, REL_RUNPOD_SLOTS);
    NEAR(rel_score(&s, &p, 35 * SIM_DAY), (720.0 - 8 + 1.0 / 6) / 720, 1e-9);
}
END_TEST

/* Of neighbours equally close, the oldest pair merges (ring_push): nine
 * 1-hour outages 2 hours apart (every gap 1 hour) leave the first block
 * [1 d, 1 d + 3 h) holding 2 hours of downtime and the newest two apart.
 * Merging the newest pair on a tie passed every test. */
START_TEST(runpod_ring_tie_merges_the_oldest_pair)
{
    struct rel_params p = vast();
    struct rel_state s;

    p.rule = REL_RUNPOD;
    rel_init(&s, 0, false);
    for (int i = 0; i < REL_RUNPOD_SLOTS + 1; i++) {
        sim_time at = SIM_DAY + 2 * i * SIM_HOUR;

        failure(&s, &p, at, SIM_HOUR);
    }
    ck_assert_uint_eq(s.nslots, REL_RUNPOD_SLOTS);
    ck_assert_int_eq(s.win[0].from, SIM_DAY);
    ck_assert_int_eq(s.win[0].to, SIM_DAY + 3 * SIM_HOUR);
    ck_assert_int_eq(s.win[0].down, 2 * SIM_HOUR);
    ck_assert_int_eq(s.win[REL_RUNPOD_SLOTS - 1].from, SIM_DAY + 16 * SIM_HOUR);
    ck_assert_int_eq(s.win[REL_RUNPOD_SLOTS - 2].down, SIM_HOUR);
}
END_TEST

/* The gap between two neighbours is from the first's end to the second's
 * start (reliability.h: "the two with the shortest gap between them
 * merge"), not between their starts or their ends: that only differs
 * when the intervals are of unequal length, and every other ring test
 * used 1-hour outages. A = [1 d, 1 d + 10 h) and B = [1 d + 12 h, 1 d +
 * 22 h) are 2 h apart (12 h start to start and end to end); six 1-hour
 * outages from day 3 every 5 h are 4 h apart (5 h start to start); B to
 * the first of them is 26 h; the ninth outage on day 10 fills the ring,
 * and A and B merge into [1 d, 1 d + 22 h) holding 20 h. At 31 d + 5 h
 * the window starts 5 h into that block: 17/22 of its 20 h count, by
 * hand 20 x 17/22 + 6 + 1 = 22.4545 h down, score (720 - 22.4545 +
 * 1/6) / 720. Merging the first two short ones instead (gap measured
 * start to start or end to end) leaves A cut in half and B whole, 22 h.
 * The start-to-start gap passed every test. */
START_TEST(runpod_ring_gap_runs_from_end_to_start)
{
    struct rel_params p = vast();
    struct rel_state s;
    double down = 20.0 * 17 / 22 + 6 + 1;

    p.rule = REL_RUNPOD;
    rel_init(&s, 0, false);
    failure(&s, &p, SIM_DAY, 10 * SIM_HOUR);
    failure(&s, &p, SIM_DAY + 12 * SIM_HOUR, 10 * SIM_HOUR);
    for (int i = 0; i < 6; i++) {
        failure(&s, &p, 3 * SIM_DAY + 5 * i * SIM_HOUR, SIM_HOUR);
    }
    failure(&s, &p, 10 * SIM_DAY, SIM_HOUR);
    ck_assert_uint_eq(s.nslots, REL_RUNPOD_SLOTS);
    ck_assert_int_eq(s.win[0].from, SIM_DAY);
    ck_assert_int_eq(s.win[0].to, SIM_DAY + 22 * SIM_HOUR);
    ck_assert_int_eq(s.win[0].down, 20 * SIM_HOUR);
    NEAR(rel_score(&s, &p, 31 * SIM_DAY + 5 * SIM_HOUR),
         (720.0 - down + 1.0 / 6) / 720, 1e-9);
}
END_TEST

/* Two causes of the same kind overlap: the rate is the worst of those
 * down now (reliability.h), so a regional outage met during a rental
 * (rate 3) keeps rate 3 when a second, idle one (rate 1) joins it.
 * Closed form, born at 0 and up except [t0, t1): W = H (1 - e^{-t2/H}),
 * B = 3 H (1 - e^{-6/H}) e^{-24/H}, w0 = W0 e^{-t2/H}, score = 1 -
 * (0.4 w0 + B) / (w0 + W). Letting the newer cause's rate replace the
 * kind's (1 here) passed every test. */
START_TEST(vast_same_kind_overlap_keeps_the_worst_rate)
{
    struct rel_params p = vast();
    struct rel_state s;
    sim_time t0 = 60 * SIM_DAY, t1 = t0 + 6 * SIM_HOUR, t2 = t1 + SIM_DAY;
    double H = 720, t2h = 60 * 24 + 6 + 24;
    double W = H * (1 - exp(-t2h / H));
    double B = 3 * H * (1 - exp(-6 / H)) * exp(-24 / H);
    double w0 = 168 * exp(-t2h / H);

    rel_init(&s, 0, false);
    rel_on_down(&s, &p, t0, REL_DOWN_OUTAGE, true);
    rel_on_down(&s, &p, t0, REL_DOWN_OUTAGE, false);
    rel_on_up(&s, &p, t1);
    NEAR(rel_score(&s, &p, t2), 1 - (0.4 * w0 + B) / (w0 + W), 1e-9);
}
END_TEST

/* The closed form the next three tests read (that of
 * vast_penalties_and_datacenter_bonus): a machine born at 0 and down at
 * 'rate' over the hours from 'b' to 'a' before GAP_T2 = 60 d + 30 h (age
 * 1470 h), up otherwise, scores below a never-down one by rate H
 * (e^{-a/H} - e^{-b/H}) / (W0 e^{-age/H} + H (1 - e^{-age/H})), H = 720 h,
 * W0 = 168 h; the losses of separate spans add. */
#define GAP_T0 (60 * SIM_DAY)
#define GAP_T2 (GAP_T0 + 30 * SIM_HOUR)

static double vast_gap(double rate, double a, double b)
{
    double H = 720, age = 1470, w = 168 * exp(-age / H) + H * (1 - exp(-age / H));

    return rate * H * (exp(-a / H) - exp(-b / H)) / w;
}

/* How far 's' scores below a never-down machine at GAP_T2. */
static double gap_at_t2(const struct rel_state *s, const struct rel_params *p)
{
    struct rel_state ref;

    rel_init(&ref, 0, false);
    return rel_score(&ref, p, GAP_T2) - rel_score(s, p, GAP_T2);
}

/* One of two overlapping causes of one kind ending leaves the other's
 * rate in force (reliability.h: "the badness rate is the worst of those
 * down now"). Two idle regional outages, [t0, t0 + 4 h) and [t0 + 2 h,
 * t0 + 6 h), keep the machine down at rate 1 from t0 to t0 + 6 h, and
 * cost exactly what one idle 6-hour failure does: by the closed form of
 * vast_penalties_and_datacenter_bonus, H (e^{-24/H} - e^{-30/H}) / (W0
 * e^{-age/H} + H (1 - e^{-age/H})) at t2 = t0 + 30 h. Zeroing the kind's
 * rate when the first one ended (its last 2 hours free) passed every
 * test. */
START_TEST(vast_same_kind_overlap_lasts_to_the_last_end)
{
    struct rel_params p = vast();
    struct rel_state s;
    sim_time t0 = GAP_T0;

    rel_init(&s, 0, false);
    rel_on_down(&s, &p, t0, REL_DOWN_OUTAGE, false);
    rel_on_down(&s, &p, t0 + 2 * SIM_HOUR, REL_DOWN_OUTAGE, false);
    rel_on_cause_end(&s, &p, t0 + 4 * SIM_HOUR, REL_DOWN_OUTAGE, false);
    ck_assert(s.down);
    rel_on_cause_end(&s, &p, t0 + 6 * SIM_HOUR, REL_DOWN_OUTAGE, false);
    ck_assert(!s.down);
    NEAR(gap_at_t2(&s, &p), vast_gap(1, 24, 30), 1e-12);
}
END_TEST

/* Two causes of one kind at different rates: a regional outage during a
 * rental [t0, t0 + 4 h) and an idle one [t0 + 2 h, t0 + 6 h) (a power
 * cut that killed the rentals, then an internet cut). When the rented one
 * ends the kind's rate falls to the idle one's (reliability.h: the worst
 * of those down now), exactly as for two causes of different kinds: a
 * rented outage and an idle failure over the same spans give the same
 * score. The kind once kept the rental's rate until both had ended (2 h
 * more at 3 instead of 1). */
START_TEST(vast_same_kind_rate_falls_when_the_worse_cause_ends)
{
    struct rel_params p = vast();
    struct rel_state ref, s;
    sim_time t0 = 60 * SIM_DAY, t2 = t0 + 30 * SIM_HOUR;

    ck_assert(p.rental_down_weight > 1);
    rel_init(&ref, 0, false);
    rel_init(&s, 0, false);
    rel_on_down(&ref, &p, t0, REL_DOWN_OUTAGE, true);
    rel_on_down(&ref, &p, t0 + 2 * SIM_HOUR, REL_DOWN_FAILURE, false);
    rel_on_cause_end(&ref, &p, t0 + 4 * SIM_HOUR, REL_DOWN_OUTAGE, true);
    rel_on_cause_end(&ref, &p, t0 + 6 * SIM_HOUR, REL_DOWN_FAILURE, false);
    rel_on_down(&s, &p, t0, REL_DOWN_OUTAGE, true);
    rel_on_down(&s, &p, t0 + 2 * SIM_HOUR, REL_DOWN_OUTAGE, false);
    rel_on_cause_end(&s, &p, t0 + 4 * SIM_HOUR, REL_DOWN_OUTAGE, true);
    ck_assert(s.down);
    rel_on_cause_end(&s, &p, t0 + 6 * SIM_HOUR, REL_DOWN_OUTAGE, false);
    ck_assert(!s.down);
    NEAR(rel_score(&s, &p, t2), rel_score(&ref, &p, t2), 1e-12);
}
END_TEST

/* The converse order: an inner cause of a kind ends while a rented one of
 * that kind is still down. A regional outage during a rental [t0, t0 +
 * 6 h) (rate 3) and a second one [t0 + 2 h, t0 + 4 h) inside it, first
 * idle (rate 1), then also during a rental: either way the worst of those
 * down is 3 over all 6 hours (reliability.h), so by the closed form of
 * vast_same_kind_overlap_lasts_to_the_last_end the score at t2 = t0 +
 * 30 h (age 1470 h) is below a never-down machine's by 3 H (e^{-24/H} -
 * e^{-30/H}) / (W0 e^{-age/H} + H (1 - e^{-age/H})). Taking the outer
 * rented cause off the count when the idle one ended, or all the kind's
 * rented causes when one rented one ended (the rate fell to 1 for the
 * last 2 hours), passed every test. Kills 'during_rental &&' dropped
 * from rel_on_cause_end()'s rented decrement, and the decrement made a
 * reset to 0. */
START_TEST(vast_same_kind_inner_end_keeps_the_rental_rate)
{
    struct rel_params p = vast();
    struct rel_state s;
    sim_time t0 = GAP_T0;

    for (int inner_rented = 0; inner_rented < 2; inner_rented++) {
        rel_init(&s, 0, false);
        rel_on_down(&s, &p, t0, REL_DOWN_OUTAGE, true);
        rel_on_down(&s, &p, t0 + 2 * SIM_HOUR, REL_DOWN_OUTAGE, inner_rented);
        rel_on_cause_end(&s, &p, t0 + 4 * SIM_HOUR, REL_DOWN_OUTAGE, inner_rented);
        ck_assert(s.down);
        rel_on_cause_end(&s, &p, t0 + 6 * SIM_HOUR, REL_DOWN_OUTAGE, true);
        ck_assert(!s.down);
        NEAR(gap_at_t2(&s, &p), vast_gap(3, 24, 30), 1e-12);
    }
}
END_TEST

/* A rental's outage, once over, leaves no rental behind for the next
 * idle outage of its kind: an outage begun during a rental [t0, t0 + 2 h)
 * at rate 3, then a new idle one [t0 + 4 h, t0 + 6 h) at rate 1. The
 * first ends either by rel_on_up (every cause ended) or by its own end
 * told as idle ("during_rental as it was told when it began", but a
 * caller may not know). By the closed form above, at t2 = t0 + 30 h the
 * score is below a never-down machine's by H [3 (e^{-28/H} - e^{-30/H})
 * + (e^{-24/H} - e^{-26/H})] / w. Without rel_on_up()'s reset of the
 * rented counts, or rel_on_cause_end()'s clamp of rented to active, the
 * second outage accrued at 3 and both passed every test. Kills either
 * dropped. */
START_TEST(vast_a_later_idle_outage_is_not_charged_as_rented)
{
    struct rel_params p = vast();
    struct rel_state s;
    sim_time t0 = GAP_T0;

    for (int by_up = 0; by_up < 2; by_up++) {
        rel_init(&s, 0, false);
        rel_on_down(&s, &p, t0, REL_DOWN_OUTAGE, true);
        if (by_up)
            rel_on_up(&s, &p, t0 + 2 * SIM_HOUR);
        else
            rel_on_cause_end(&s, &p, t0 + 2 * SIM_HOUR, REL_DOWN_OUTAGE, false);
        ck_assert(!s.down);
        rel_on_down(&s, &p, t0 + 4 * SIM_HOUR, REL_DOWN_OUTAGE, false);
        rel_on_cause_end(&s, &p, t0 + 6 * SIM_HOUR, REL_DOWN_OUTAGE, false);
        ck_assert(!s.down);
        NEAR(gap_at_t2(&s, &p), vast_gap(3, 28, 30) + vast_gap(1, 24, 26), 1e-12);
    }
}
END_TEST

/* A cause that begins and ends at one instant was down for no time and
 * must not take one of the ring's slots (reliability.h: the ring holds
 * down intervals). Eight 1-hour outages on days 1-8 fill the ring; an
 * empty one at day 1 + 10 h, 9 h after the first ends (the closest gap),
 * would merge it into a block [1 d, 1 d + 10 h) the window's start at day
 * 31 + 5 h cuts, counting 30 min of it. By hand, day 1's hour has left
 * the window and the other seven are in it: (720 - 7 + 1/6) / 720.
 * Pushing empty intervals passed every test. */
START_TEST(runpod_empty_down_takes_no_slot)
{
    struct rel_params p = vast();
    struct rel_state s;

    p.rule = REL_RUNPOD;
    rel_init(&s, 0, false);
    for (int d = 1; d <= 8; d++) {
        failure(&s, &p, d * SIM_DAY, SIM_HOUR);
        if (d == 1) {
            rel_on_down(&s, &p, SIM_DAY + 10 * SIM_HOUR, REL_DOWN_DISCONNECT, false);
            rel_on_up(&s, &p, SIM_DAY + 10 * SIM_HOUR);
        }
    }
    ck_assert_uint_eq(s.nslots, REL_RUNPOD_SLOTS);
    NEAR(rel_score(&s, &p, 31 * SIM_DAY + 5 * SIM_HOUR),
         (720.0 - 7 + 1.0 / 6) / 720, 1e-9);
}
END_TEST

/* Intervals that ended before the window starts leave the ring when the
 * next one closes, including one that ends exactly at the window's start
 * (half-open: [from, to) then has nothing inside). S = [10 d, 10 d + 1 h),
 * I1 = [10 d + 3 h, 10 d + 4 h), I2-I7 on days 15-20, N = [40 d, 40 d +
 * 1 h): when N closes the window starts at 10 d + 1 h = S's end, so the
 * ring holds I1-I7 and N, eight, and nothing merges. At 40 d + 3.5 h the
 * window starts half-way through I1: by hand 0.5 + 6 + 1 = 7.5 h down,
 * (720 - 7.5 + 1/6) / 720. Keeping S (never expiring, or expiring only
 * what ends strictly before the start) filled the ring and merged S with
 * I1 into a block cut pro rata (7.25 h); both passed every test. */
START_TEST(runpod_ring_drops_what_left_the_window)
{
    struct rel_params p = vast();
    struct rel_state s;

    p.rule = REL_RUNPOD;
    rel_init(&s, 0, false);
    failure(&s, &p, 10 * SIM_DAY, SIM_HOUR);
    rel_on_down(&s, &p, 10 * SIM_DAY + 3 * SIM_HOUR, REL_DOWN_FAILURE, false);
    rel_on_up(&s, &p, 10 * SIM_DAY + 4 * SIM_HOUR);
    for (int d = 15; d <= 20; d++) {
        failure(&s, &p, d * SIM_DAY, SIM_HOUR);
    }
    failure(&s, &p, 40 * SIM_DAY, SIM_HOUR);
    ck_assert_uint_eq(s.nslots, REL_RUNPOD_SLOTS);
    NEAR(rel_score(&s, &p, 40 * SIM_DAY + 3 * SIM_HOUR + 30 * SIM_MIN),
         (720.0 - 7.5 + 1.0 / 6) / 720, 1e-9);
}
END_TEST

/* The closest pair may be the newest two in the ring (reliability.h: the
 * two neighbours with the shortest gap merge). 1-hour outages on days 1-7,
 * then [7 d + 2 h, 7 d + 3 h) (1 h after day 7's, the closest gap), then
 * day 9: the ninth merges day 7's two, all inside the window. At 31 d +
 * 12 h the window starts at 1 d + 12 h: day 1's hour has left it, 8 h are
 * in it, (720 - 8 + 1/6) / 720. Skipping the newest pair merged days 1
 * and 2 (gaps tie at 23 h) into a block cut pro rata (8.04 h), and passed
 * every test. */
START_TEST(runpod_ring_merges_the_newest_pair_too)
{
    struct rel_params p = vast();
    struct rel_state s;

    p.rule = REL_RUNPOD;
    rel_init(&s, 0, false);
    for (int d = 1; d <= 7; d++) {
        failure(&s, &p, d * SIM_DAY, SIM_HOUR);
    }
    rel_on_down(&s, &p, 7 * SIM_DAY + 2 * SIM_HOUR, REL_DOWN_FAILURE, false);
    rel_on_up(&s, &p, 7 * SIM_DAY + 3 * SIM_HOUR);
    failure(&s, &p, 9 * SIM_DAY, SIM_HOUR);
    ck_assert_uint_eq(s.nslots, REL_RUNPOD_SLOTS);
    NEAR(rel_score(&s, &p, 31 * SIM_DAY + 12 * SIM_HOUR),
         (720.0 - 8 + 1.0 / 6) / 720, 1e-9);
}
END_TEST

/* RunPod at age 0 with no buffer: nothing observed, nothing down, 1 (as
 * with the buffer, score_edges_by_hand). Without the empty-span guard the
 * score was 0 / 0, NaN, and the range assertion stopped the program. */
START_TEST(runpod_age_zero_without_buffer)
{
    struct rel_params p = vast();
    struct rel_state s;

    p.rule = REL_RUNPOD;
    p.runpod_buffer_h = 0;
    rel_init(&s, 5 * SIM_DAY, false);
    NEAR(rel_score(&s, &p, 5 * SIM_DAY), 1.0, 0);
    ck_assert(rel_listed(&s, &p, 5 * SIM_DAY));
}
END_TEST

/* Every reliability parameter's range, at and just past each bound, as
 * the messages and docs/PARAMS.md state: prior, datacenter bonus, verify
 * and delist thresholds in [0, 1]; horizon and RunPod window > 0; prior
 * weight, weights, penalties and buffer >= 0. Dropping any one bound but
 * the window's and the bonus's passed every test. */
START_TEST(reliability_checks_take_every_bound)
{
    static const struct { size_t off; double ok, bad; } c[] = {
#define F(f) offsetof(struct rel_params, f)
        { F(prior), 0, -0.01 }, { F(prior), 1, 1.01 },
        { F(prior_weight_h), 0, -0.01 },
        { F(horizon_h), 1e-6, 0 },
        { F(rental_down_weight), 0, -0.01 },
        { F(maintenance_weight), 0, -0.01 },
        { F(disconnect_penalty_h), 0, -0.01 },
        { F(failed_start_penalty_h), 0, -0.01 },
        { F(datacenter_bonus), 0, -0.01 }, { F(datacenter_bonus), 1, 1.01 },
        { F(verify_threshold), 0, -0.01 }, { F(verify_threshold), 1, 1.01 },
        { F(runpod_window_h), 1e-6, 0 },
        { F(runpod_buffer_h), 0, -0.01 },
        { F(runpod_delist), 0, -0.01 }, { F(runpod_delist), 1, 1.01 },
#undef F
    };
    char *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&buf, &len));

    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        struct rel_params p = vast();

        *(double *)((char *)&p + c[i].off) = c[i].ok;
        ck_assert_msg(rel_params_check(&p, &d) == SIM_OK, "case %zu ok", i);
        *(double *)((char *)&p + c[i].off) = c[i].bad;
        ck_assert_msg(rel_params_check(&p, &d) == SIM_EINVAL, "case %zu bad", i);
    }
    fclose(d.out);
    free(buf);
}
END_TEST

/* Rule names, range checks, and the documented defaults (reliability.h,
 * MARKET-FACTS: prior 0.60, RunPod window 30 d, buffer 10 min, delist
 * below 0.98; verified at 0.90), and that set keys are read. */
START_TEST(reliability_names_checks_and_defaults)
{
    struct param_registry *reg = preg_new();
    char *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&buf, &len));
    struct scn *sc;
    struct scn_study *st;
    struct scn_run *run;
    struct rel_params p = vast();
    enum rel_rule rule = REL_VAST;

    ck_assert(rel_rule_parse("runpod", &rule) && rule == REL_RUNPOD);
    ck_assert(rel_rule_parse("vast", &rule) && rule == REL_VAST);
    ck_assert(!rel_rule_parse("lambda", &rule));
    p.runpod_window_h = 0;
    ck_assert_int_eq(rel_params_check(&p, &d), SIM_EINVAL);
    p = vast();
    p.datacenter_bonus = 1.5;
    ck_assert_int_eq(rel_params_check(&p, &d), SIM_EINVAL);
    p = vast();
    ck_assert_int_eq(rel_params_check(&p, &d), SIM_OK);

    sim_register_all_params(reg);
    run = load(reg, "[General]\n", &sc, &st, &d);
    ck_assert_ptr_nonnull(run);
    ck_assert_int_eq(rel_params_from_run(run, &p, &d), SIM_OK);
    ck_assert(p.rule == REL_VAST);
    NEAR(p.prior, 0.60, 0);
    NEAR(p.prior_weight_h, 168, 0);
    NEAR(p.horizon_h, 720, 0);
    NEAR(p.runpod_window_h, 720, 0);
    NEAR(p.runpod_buffer_h, 10.0 / 60, 1e-12);
    NEAR(p.runpod_delist, 0.98, 0);
    NEAR(p.verify_threshold, 0.90, 0);
    NEAR(p.datacenter_bonus, 0.5, 0);
    /* docs/PARAMS.md: rental-down-weight 3, maintenance-weight 0, both
     * penalties 1 h (a rental weight of 2 passed every test) */
    NEAR(p.rental_down_weight, 3, 0);
    NEAR(p.maintenance_weight, 0, 0);
    NEAR(p.disconnect_penalty_h, 1, 1e-12);
    NEAR(p.failed_start_penalty_h, 1, 1e-12);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(sc);
    run = load(reg, "[General]\n"
                    "reliability.rule = runpod\n"
                    "reliability.runpod-buffer = 20min\n"
                    "reliability.runpod-window = 7d\n"
                    "reliability.datacenter-bonus = 0.3\n"
                    "reliability.failed-start-penalty = 3h\n"
                    "reliability.disconnect-penalty = 2h\n"
                    "reliability.rental-down-weight = 4\n"
                    "reliability.maintenance-weight = 0.25\n"
                    "reliability.prior = 0.5\n"
                    "reliability.prior-weight = 3d\n"
                    "reliability.verify-threshold = 0.8\n"
                    "reliability.runpod-delist = 0.95\n", &sc, &st, &d);
    ck_assert_ptr_nonnull(run);
    ck_assert_int_eq(rel_params_from_run(run, &p, &d), SIM_OK);
    ck_assert(p.rule == REL_RUNPOD);
    NEAR(p.runpod_buffer_h, 1.0 / 3, 1e-12);
    NEAR(p.runpod_window_h, 168, 1e-12);
    NEAR(p.datacenter_bonus, 0.3, 0);
    NEAR(p.failed_start_penalty_h, 3, 1e-12);
    NEAR(p.disconnect_penalty_h, 2, 1e-12);
    NEAR(p.rental_down_weight, 4, 0);
    NEAR(p.maintenance_weight, 0.25, 0);
    /* prior, prior weight, verify and delist thresholds at their
     * defaults passed every test whatever the scenario set */
    NEAR(p.prior, 0.5, 0);
    NEAR(p.prior_weight_h, 72, 1e-12);
    NEAR(p.verify_threshold, 0.8, 0);
    NEAR(p.runpod_delist, 0.95, 0);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(sc);
    fclose(d.out);
    free(buf);
    preg_free(reg);
}
END_TEST

/* Every hostclass.* and region.* key lands in its own field, in its unit
 * (docs/PARAMS.md), with the tuned class defaults outage.c documents
 * (hobbyist MTBF 40 d, repair median 6 h; farm 90 d, 3 h; datacenter
 * 300 d, 1 h); a region's bad duration names its own line. Reading
 * maint-duration and maint-notice crossed, fraction and power-share
 * crossed, failure-dist always exp, and the disconnect length in the
 * wrong unit all passed every test, as did other class defaults. */
START_TEST(outage_keys_land_in_their_fields)
{
    struct param_registry *reg = preg_new();
    char *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&buf, &len));
    struct scn *sc;
    struct scn_study *st;
    struct scn_run *run;
    struct outage_params p;
    struct outage_region_params g;
    static const struct { const char *cls; double mtbf_d, rmed_h; } cls[] = {
        { "hobbyist", 40, 6 }, { "farm", 90, 3 }, { "datacenter", 300, 1 },
    };

    sim_register_all_params(reg);
    run = load(reg, "[General]\n"
                    "hostclass.odd.failure-dist = weibull\n"
                    "hostclass.odd.failure-shape = 0.7\n"
                    "hostclass.odd.repair-sigma = 0\n"
                    "hostclass.odd.disconnect-rate = 2\n"
                    "hostclass.odd.disconnect-duration = 30min\n"
                    "hostclass.odd.failed-start-prob = 0.25\n"
                    "hostclass.odd.maint-interval = 10d\n"
                    "hostclass.odd.maint-duration = 5h\n"
                    "hostclass.odd.maint-notice = 0d\n"
                    "region.zz.outage-rate = 6\n"
                    "region.zz.outage-fraction = 0.4\n"
                    "region.zz.outage-power-share = 0.1\n"
                    "region.zz.outage-sigma = 0.5\n"
                    "region.bad.outage-duration = 0h\n", &sc, &st, &d);
    ck_assert_ptr_nonnull(run);
    /* sigma 0 (a fixed repair time) and no notice are allowed */
    ck_assert_int_eq(outage_params_from_run(run, "odd", &p, &d), SIM_OK);
    ck_assert(p.failure_dist == OUTAGE_WEIBULL);
    NEAR(p.shape, 0.7, 0);
    NEAR(p.repair_sigma, 0, 0);
    NEAR(p.disconnect_per_day, 2, 0);
    NEAR(p.disconnect_h, 0.5, 1e-12);
    NEAR(p.failed_start_prob, 0.25, 0);
    NEAR(p.maint_interval_h, 240, 1e-9);
    NEAR(p.maint_duration_h, 5, 1e-12);
    NEAR(p.maint_notice_h, 0, 0);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(outage_params_from_run(run, cls[i].cls, &p, &d), SIM_OK);
        ck_assert(p.failure_dist == OUTAGE_EXP);
        NEAR(p.mtbf_h, 24 * cls[i].mtbf_d, 1e-9);
        NEAR(p.repair_median_h, cls[i].rmed_h, 1e-12);
    }
    ck_assert_int_eq(outage_region_from_run(run, "zz", &g, &d), SIM_OK);
    NEAR(g.rate_per_year, 6, 0);
    NEAR(g.duration_median_h, 3, 1e-12);        /* region.* default */
    NEAR(g.duration_sigma, 0.5, 0);
    NEAR(g.fraction, 0.4, 0);
    NEAR(g.power_share, 0.1, 0);
    ck_assert_int_eq(outage_region_from_run(run, "bad", &g, &d), SIM_EINVAL);
    g = (struct outage_region_params){ 4, 3, 1, 1.5, 0.2 };
    ck_assert_int_eq(outage_region_check(&g, NULL, &d), SIM_EINVAL);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(sc);
    fclose(d.out);
    ck_assert_ptr_nonnull(strstr(buf, "bad.ini:15: error: region.bad.outage-duration: "
                                      "regional outage duration must be > 0, got 0 h"));
    free(buf);
    preg_free(reg);
}
END_TEST

/* A generator whose every uniform is one fixed value, to put a draw
 * exactly on a probability. */
static double fixed_u;

static void fixed_set(void *st, unsigned long seed)
{
    (void)st;
    (void)seed;
}

static unsigned long fixed_get(void *st)
{
    (void)st;
    return 0;
}

static double fixed_get_double(void *st)
{
    (void)st;
    return fixed_u;
}

static const gsl_rng_type fixed_type = {
    "fixed", 0, 0, 1, fixed_set, fixed_get, fixed_get_double,
};

/* Every yes/no draw is u < p with u uniform on [0, 1) (gsl_rng_uniform),
 * the only reading under which probability 0 never happens and p is
 * exactly the measure of [0, p). At u = 0 a failed-start probability 0
 * never fails, a power share 0 is always an internet cut and a fraction 0
 * takes no host; at u = 0.5 a probability 0.5 is a no, and Knuth's
 * selection of 1 of 2 hosts skips the first (2 u < 1 is false) and takes
 * the second (1 u < 1). Reading any of these as u <= p passed every test. */
START_TEST(yes_no_draws_are_half_open)
{
    gsl_rng *r = gsl_rng_alloc(&fixed_type);
    struct outage_params p = hobby();
    struct outage_region_params g = { 1, 3, 1, 0, 0 };
    uint32_t ids[5] = { 10, 11, 12, 13, 14 };

    fixed_u = 0;
    p.failed_start_prob = 0;
    ck_assert(!outage_start_fails(&p, r));
    ck_assert(outage_region_kind(&g, r) == OUTAGE_INTERNET);
    ck_assert_uint_eq(outage_region_pick(&g, 5, ids, r), 0);

    fixed_u = 0.5;
    p.failed_start_prob = 0.5;
    ck_assert(!outage_start_fails(&p, r));
    g.power_share = 0.5;
    ck_assert(outage_region_kind(&g, r) == OUTAGE_INTERNET);
    g.fraction = 0.5;
    ck_assert_uint_eq(outage_region_pick(&g, 2, ids, r), 1);
    ck_assert_uint_eq(ids[0], 11);
    gsl_rng_free(r);
}
END_TEST

/* A process that is off is never due (outage.h: "INFINITY when the
 * process is off"): a disconnect rate of 0 or a regional outage rate of 0
 * gives INFINITY whatever the stream holds. Drawing anyway, an
 * exponential of mean 24 / 0 or 8,766 / 0 h, is infinite for most
 * uniforms but inf x 0 = NaN at u = 0, a time the event queue cannot
 * order; with GSL's Mersenne Twister that draw is one in 2^32, so
 * dropping either guard passed every test. Here every uniform is 0. */
START_TEST(an_off_process_is_never_due)
{
    gsl_rng *r = gsl_rng_alloc(&fixed_type);
    struct outage_params p = hobby();
    struct outage_region_params g = { 0, 3, 1, 0.3, 0.5 };

    fixed_u = 0;
    p.disconnect_per_day = 0;
    ck_assert(isinf(outage_next_disconnect_h(&p, r)));
    ck_assert(isinf(outage_region_next_h(&g, r)));
    gsl_rng_free(r);
}
END_TEST

/* Probabilities are checked on both sides ("must be in [0, 1]"): a
 * failed-start probability or a power share below 0, a fraction above 1.
 * Dropping the lower bound of either probability passed every test. */
START_TEST(probabilities_fail_below_zero_too)
{
    struct outage_params p = hobby();
    struct outage_region_params g = { 1, 3, 1, 0.3, 0.5 };
    char *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&buf, &len));

    p.failed_start_prob = -0.01;
    ck_assert_int_eq(outage_check(&p, NULL, &d), SIM_EINVAL);
    g.power_share = -0.01;
    ck_assert_int_eq(outage_region_check(&g, NULL, &d), SIM_EINVAL);
    g.power_share = 0.5;
    g.fraction = 1.01;
    ck_assert_int_eq(outage_region_check(&g, NULL, &d), SIM_EINVAL);
    ck_assert_int_eq(d.nerrors, 3);
    fclose(d.out);
    free(buf);
}
END_TEST

/* The rest of each class's outage defaults and the region defaults, as
 * docs/PARAMS.md lists them (outage_keys_land_in_their_fields has MTBF
 * and repair median). Changing the farm's or the datacenter's notice, or
 * the region's rate, fraction or power share, passed every test. */
START_TEST(outage_class_and_region_defaults)
{
    struct param_registry *reg = preg_new();
    char *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&buf, &len));
    struct scn *sc;
    struct scn_study *st;
    struct scn_run *run;
    struct outage_params p;
    struct outage_region_params g;
    static const struct {
        const char *cls;
        double sigma, drate, dmin, fstart, mint_d, mdur_h, mnot_d;
    } c[] = {
        { "hobbyist", 1, 0.1, 20, 0.01, 60, 3, 1 },
        { "farm", 0.8, 0.05, 15, 0.005, 90, 2, 2 },
        { "datacenter", 0.7, 0.01, 5, 0.003, 120, 1, 7 },
        { "other", 1, 0.05, 15, 0.01, 90, 2, 2 },       /* hostclass.* */
    };

    sim_register_all_params(reg);
    run = load(reg, "[General]\n", &sc, &st, &d);
    ck_assert_ptr_nonnull(run);
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        ck_assert_int_eq(outage_params_from_run(run, c[i].cls, &p, &d), SIM_OK);
        NEAR(p.repair_sigma, c[i].sigma, 0);
        NEAR(p.disconnect_per_day, c[i].drate, 0);
        NEAR(p.disconnect_h, c[i].dmin / 60, 1e-12);
        NEAR(p.failed_start_prob, c[i].fstart, 0);
        NEAR(p.maint_interval_h, 24 * c[i].mint_d, 1e-9);
        NEAR(p.maint_duration_h, c[i].mdur_h, 1e-12);
        NEAR(p.maint_notice_h, 24 * c[i].mnot_d, 1e-9);
    }
    ck_assert_int_eq(outage_region_from_run(run, "any", &g, &d), SIM_OK);
    NEAR(g.rate_per_year, 1, 0);
    NEAR(g.duration_median_h, 3, 1e-12);
    NEAR(g.duration_sigma, 1, 0);
    NEAR(g.fraction, 0.3, 0);
    NEAR(g.power_share, 0.5, 0);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(sc);
    fclose(d.out);
    free(buf);
    preg_free(reg);
}
END_TEST

/* A container start draws one number whatever its probability, so
 * changing failed-start-prob does not shift later draws (outage.c): after
 * one start at probability 0, 1 or 0.5, the next uniform of a stream is
 * the second uniform of a fresh stream of the same seed. Skipping the draw
 * at probability 0 passed every test. */
START_TEST(failed_start_draws_once_whatever_its_probability)
{
    static const double prob[] = { 0, 1, 0.5 };
    struct outage_params p = hobby();
    gsl_rng *a = gsl_rng_alloc(gsl_rng_mt19937), *b = gsl_rng_alloc(gsl_rng_mt19937);

    for (int i = 0; i < 3; i++) {
        gsl_rng_set(a, 7);
        gsl_rng_set(b, 7);
        p.failed_start_prob = prob[i];
        ck_assert(outage_start_fails(&p, a) == (gsl_rng_uniform(b) < prob[i]));
        NEAR(gsl_rng_uniform(a), gsl_rng_uniform(b), 0);
    }
    gsl_rng_free(a);
    gsl_rng_free(b);
}
END_TEST

/* ---- closed forms of the reproduce targets ---- */

START_TEST(erlang_reference_values)
{
    NEAR(repro_erlang_b(1, 0.8), 0.444444, 1e-6);
    NEAR(repro_erlang_b(10, 8), 0.121661, 1e-6);
    NEAR(repro_erlang_b(100, 90), 0.026957, 1e-6);
    NEAR(repro_erlang_c(1, 0.8), 0.8, 1e-9);
    NEAR(repro_erlang_c(2, 1.0), 1.0 / 3, 1e-9);
    NEAR(repro_erlang_c(3, 2.0), 0.444444, 1e-6);
    NEAR(repro_erlang_c(10, 8.0), 0.409180, 1e-6);
    NEAR(repro_erlang_c(100, 90), 0.216940, 1e-6);
}
END_TEST

/* repro_target() as reproduce.h states it: ABS and REL rows pass when
 * |sim - expected| <= tol (REL: tol |expected|), boundary included; a row
 * that misses while a CI strictly wider than the band covers the
 * expected value (|sim - expected| <= CI) is "imprecise", still a
 * failure; MIN passes at sim >= tol, RANGE at tol <= sim <= tol2, ends
 * included; a NaN never passes. Every value here is a dyadic fraction, so each difference is
 * exact and the boundaries are hit exactly. '<' for '<=' at any of these
 * boundaries, or tol x expected without fabs(), passed every test. */
static void target_is(const char *name, double expected, double sim, double ci,
                      enum repro_tol kind, double tol, double tol2,
                      bool pass, bool imprecise)
{
    struct eng_config c = { .end = 100, .seed = 1 };
    struct engine *e = eng_new(&c);

    ck_assert_msg(repro_target(e, name, expected, sim, ci, kind, tol, tol2) == pass,
                  "%s: pass should be %d", name, pass);
    NEAR(res_get(eng_results(e), "repro.pass", "target", name), pass, 0);
    NEAR(res_get(eng_results(e), "repro.imprecise", "target", name), imprecise, 0);
    eng_free(e);
}

START_TEST(repro_target_boundaries)
{
    /* absolute: |1.5 - 1| = 0.5 */
    target_is("abs at the band", 1, 1.5, NAN, REPRO_ABS, 0.5, 0, true, false);
    target_is("abs past the band", 1, 1.5, NAN, REPRO_ABS, 0.25, 0, false, false);
    target_is("abs, CI covers", 1, 1.5, 0.75, REPRO_ABS, 0.25, 0, false, true);
    target_is("abs, CI just covers", 1, 1.5, 0.5, REPRO_ABS, 0.25, 0, false, true);
    target_is("abs, CI short", 1, 1.5, 0.375, REPRO_ABS, 0.25, 0, false, false);
    target_is("abs pass, wide CI", 1, 1.25, 1, REPRO_ABS, 0.5, 0, true, false);
    /* relative: the band is tol |expected|, also for a negative expected */
    target_is("rel at the band", -2, -2.5, NAN, REPRO_REL, 0.25, 0, true, false);
    target_is("rel past the band", -2, -2.5, NAN, REPRO_REL, 0.125, 0, false, false);
    target_is("rel above, negative", -2, -1.5, NAN, REPRO_REL, 0.25, 0, true, false);
    /* lower bound and range, ends included */
    target_is("min at the bound", 0, 0.75, NAN, REPRO_MIN, 0.75, 0, true, false);
    target_is("min below", 0, 0.625, NAN, REPRO_MIN, 0.75, 2, false, false);
    target_is("range low end", 0, 0.25, NAN, REPRO_RANGE, 0.25, 0.75, true, false);
    target_is("range high end", 0, 0.75, NAN, REPRO_RANGE, 0.25, 0.75, true, false);
    target_is("range below", 0, 0.125, NAN, REPRO_RANGE, 0.25, 0.75, false, false);
    target_is("range above", 0, 0.875, NAN, REPRO_RANGE, 0.25, 0.75, false, false);
    /* NaN never passes, whatever the kind or the CI */
    target_is("abs nan", 1, NAN, 10, REPRO_ABS, 100, 0, false, false);
    target_is("rel nan", 1, NAN, NAN, REPRO_REL, 1, 0, false, false);
    target_is("min nan", 1, NAN, NAN, REPRO_MIN, -1, 0, false, false);
    target_is("range nan", 1, NAN, NAN, REPRO_RANGE, -1, 1, false, false);
}
END_TEST

/* repro_t95() is the two-sided 95% Student t quantile (reproduce.h),
 * checked against GSL's inverse t CDF: the table's three decimals within
 * 0.0005 up to df = 30, the 1.96 + 2.4 / df tail within 0.005 beyond it
 * (the normal quantile 1.96 alone is 0.08 off at df = 31). Taking the
 * tail formula already at df = 30 passed every test. */
START_TEST(t95_matches_student_t)
{
    for (unsigned df = 1; df <= 30; df++)
        NEAR(repro_t95(df), gsl_cdf_tdist_Pinv(0.975, df), 0.0005 + 1e-9);
    NEAR(repro_t95(30), 2.042, 1e-12);          /* the table's own entry */
    for (unsigned df = 31; df <= 2000; df += df < 100 ? 1 : 37)
        NEAR(repro_t95(df), gsl_cdf_tdist_Pinv(0.975, df), 0.005);
}
END_TEST

/* repro_ci95() is t(n - 1) x s / sqrt(n), s the sample standard deviation
 * (divisor n - 1), and NaN below two observations. Worked by hand: {1, 3}
 * has s^2 = 2, so t(1) sqrt(2 / 2) = 12.706 (the t table's entry); {1, 2,
 * 3, 4, 5} has s^2 = 10 / 4 = 2.5, so 2.776 sqrt(0.5) = 1.962938. NaN at
 * n = 2, a variance over n, or t(n) for t(n - 1) each passed every test.
 * Three equal values have no spread: 0, not NaN, though 0.1 + 0.1 + 0.1
 * squared over 3 rounds above 3 x 0.01 (without the clamp at 0, sqrt of
 * -3.5e-18 was NaN). */
START_TEST(ci95_is_t_times_standard_error)
{
    double s = 0.0, ss = 0.0;

    NEAR(repro_ci95(2, 1 + 3, 1 + 9), 12.706, 1e-9);
    NEAR(repro_ci95(5, 15, 1 + 4 + 9 + 16 + 25), 2.776 * sqrt(0.5), 1e-9);
    ck_assert(isnan(repro_ci95(1, 1, 1)));
    ck_assert(isnan(repro_ci95(0, 0, 0)));
    ck_assert(isnan(repro_ci95(NAN, 1, 1)));
    for (int i = 0; i < 3; i++) {
        s += 0.1;
        ss += 0.1 * 0.1;
    }
    ck_assert(ss - s * s / 3 < 0.0);            /* the rounding the clamp is for */
    NEAR(repro_ci95(3, s, ss), 0.0, 0);
}
END_TEST

Suite *reliability_suite(void)
{
    Suite *s = suite_create("reliability");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, young_daly_worked_numbers);
    tcase_add_test(tc, daly_wall_time_table);
    tcase_add_test(tc, daly_series_holds_below_twice_the_mtbf);
    tcase_add_test(tc, policies_parse_and_pick_their_interval);
    tcase_add_test(tc, segments_wall_time_counts_whole_segments);
    tcase_add_test(tc, segments_wall_time_ignores_a_rounding_rest);
    tcase_add_test(tc, segments_wall_time_rest_is_relative_to_the_work);
    tcase_add_test(tc, lost_work_never_exceeds_interval);
    tcase_add_test(tc, no_checkpoints_write_nothing);
    tcase_add_test_raise_signal(tc, ckpt_policy_name_of_a_fifth_policy_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, young_with_zero_mtbf_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, daly_with_zero_mtbf_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, segments_wall_of_no_work_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, daly_wall_at_tau_zero_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, at_wall_at_tau_zero_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, at_wall_before_the_start_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, wall_for_work_at_tau_zero_aborts, SIGABRT);
    tcase_add_test(tc, vast_new_machine_starts_at_prior_and_climbs);
    tcase_add_test(tc, vast_penalties_and_datacenter_bonus);
    tcase_add_test(tc, vast_steady_state_tracks_availability);
    tcase_add_test(tc, vast_maintenance_costs_its_own_weight);
    tcase_add_test(tc, runpod_rule);
    tcase_add_test(tc, runpod_young_machine_and_expired_blocks);
    tcase_add_test(tc, a_machine_listed_later_is_new_from_then);
    tcase_add_test(tc, runpod_ring_keeps_frequent_outages);
    tcase_add_test(tc, overlapping_causes_count_while_they_last);
    tcase_add_test(tc, runpod_ring_merges_without_losing_downtime);
    tcase_add_test(tc, samplers_have_the_documented_means);
    tcase_add_test(tc, outage_samplers_follow_their_laws);
    tcase_add_test(tc, samplers_draw_their_laws_draw_for_draw);
    tcase_add_test(tc, aged_hosts_fail_after_their_residual_life);
    tcase_add_test(tc, a_repair_found_under_way_has_its_residual_law);
    tcase_add_test(tc, regional_outages_are_correlated);
    tcase_add_test(tc, bad_parameters_name_the_line);
    tcase_add_test(tc, each_bad_field_names_its_line_and_key);
    tcase_add_test(tc, checks_take_their_boundaries);
    tcase_add_test(tc, scenario_values_are_checked_with_file_and_line);
    tcase_add_test(tc, model_errors_name_their_own_line);
    tcase_add_test(tc, regional_fraction_one_takes_every_host);
    tcase_add_test(tc, vast_history_starts_at_its_availability);
    tcase_add_test(tc, vast_overlapping_causes_take_the_worst_rate);
    tcase_add_test(tc, vast_no_disconnect_impulse_during_maintenance);
    tcase_add_test(tc, score_edges_by_hand);
    tcase_add_test(tc, runpod_ring_merges_the_closest_neighbours);
    tcase_add_test(tc, runpod_ring_tie_merges_the_oldest_pair);
    tcase_add_test(tc, runpod_ring_gap_runs_from_end_to_start);
    tcase_add_test(tc, reliability_names_checks_and_defaults);
    tcase_add_test(tc, vast_same_kind_overlap_keeps_the_worst_rate);
    tcase_add_test(tc, vast_same_kind_overlap_lasts_to_the_last_end);
    tcase_add_test(tc, vast_same_kind_rate_falls_when_the_worse_cause_ends);
    tcase_add_test(tc, vast_same_kind_inner_end_keeps_the_rental_rate);
    tcase_add_test(tc, vast_a_later_idle_outage_is_not_charged_as_rented);
    tcase_add_test(tc, runpod_empty_down_takes_no_slot);
    tcase_add_test(tc, runpod_ring_drops_what_left_the_window);
    tcase_add_test(tc, runpod_ring_merges_the_newest_pair_too);
    tcase_add_test(tc, runpod_age_zero_without_buffer);
    tcase_add_test(tc, reliability_checks_take_every_bound);
    tcase_add_test(tc, outage_keys_land_in_their_fields);
    tcase_add_test(tc, yes_no_draws_are_half_open);
    tcase_add_test(tc, an_off_process_is_never_due);
    tcase_add_test(tc, probabilities_fail_below_zero_too);
    tcase_add_test(tc, outage_class_and_region_defaults);
    tcase_add_test(tc, failed_start_draws_once_whatever_its_probability);
    tcase_add_test(tc, erlang_reference_values);
    tcase_add_test(tc, repro_target_boundaries);
    tcase_add_test(tc, t95_matches_student_t);
    tcase_add_test(tc, ci95_is_t_times_standard_error);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
