/* tests/check_stats.c -- summary/CI math, paired contrasts, Welch tests,
 * the diff decision, and summary.csv/contrasts.csv from a tiny directory. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/diff.h"
#include "sim/stats.h"
#include "tests/suites.h"

#define NEAR(a, b, tol) ck_assert_msg(fabs((a) - (b)) <= (tol), "%.12g != %.12g", (double)(a), (double)(b))

START_TEST(ci_matches_hand_computation)
{
    const double x[] = { 1, 2, 3, 4, 5 };
    struct stats_ci ci;

    stats_ci(x, 5, 0.95, &ci);
    ck_assert_uint_eq(ci.n, 5);
    NEAR(ci.mean, 3.0, 1e-12);
    NEAR(ci.sd, sqrt(2.5), 1e-12);
    /* t(0.975, 4) = 2.776445105; half = t * sd / sqrt(5) */
    NEAR(ci.hi - ci.mean, 2.776445105 * sqrt(2.5) / sqrt(5.0), 1e-8);
    NEAR(ci.mean - ci.lo, ci.hi - ci.mean, 1e-12);
}
END_TEST

START_TEST(ci_of_one_value_has_no_interval)
{
    const double x[] = { 7 };
    struct stats_ci ci;

    stats_ci(x, 1, 0.95, &ci);
    NEAR(ci.mean, 7.0, 0);
    ck_assert(isnan(ci.sd) && isnan(ci.lo) && isnan(ci.hi));
    stats_ci(x, 0, 0.95, &ci);
    ck_assert(isnan(ci.mean));
}
END_TEST

START_TEST(paired_differences)
{
    const double a[] = { 1, 2, 3 }, b[] = { 2, 4, 6 };
    struct stats_ci ci;

    stats_paired(a, b, 3, 0.95, &ci);
    NEAR(ci.mean, 2.0, 1e-12);
    NEAR(ci.sd, 1.0, 1e-12);
    /* t(0.975, 2) = 4.302652730 */
    NEAR(ci.hi - ci.mean, 4.302652730 / sqrt(3.0), 1e-8);
}
END_TEST

START_TEST(welch_hand_computed)
{
    const double a[] = { 1, 2, 3, 4 }, b[] = { 2, 3, 4, 5 };
    struct stats_welch w;

    stats_welch(a, 4, b, 4, &w);
    NEAR(w.diff, 1.0, 1e-12);
    NEAR(w.rel, 0.4, 1e-12);
    NEAR(w.t, 1.0 / sqrt(5.0 / 6.0), 1e-12);
    NEAR(w.df, 6.0, 1e-9);
    NEAR(w.p, 0.3153336, 1e-6);     /* 2 * P(T_6 > 1.095445), R: 2*pt(-1.095445, 6) */
}
END_TEST

START_TEST(diff_decisions)
{
    const double a[] = { 1, 2, 3, 4 }, b[] = { 2, 3, 4, 5 };
    const double c[] = { 10, 10 }, s[] = { 10.5, 10.5 };
    const double u[] = { 100, 101, 99, 100.5, 99.5 }, v[] = { 105, 106, 104, 105.5, 104.5 };
    struct stats_welch w;

    stats_welch(a, 4, a, 4, &w);            /* a rerun: nothing moved */
    ck_assert(!diff_flagged(&w, 4, 4, 0.01, 0.05));
    NEAR(w.p, 1.0, 0);
    stats_welch(a, 4, b, 4, &w);            /* large but not significant */
    ck_assert(!diff_flagged(&w, 4, 4, 0.01, 0.05));
    stats_welch(c, 2, s, 2, &w);            /* no noise: 5% is certain */
    ck_assert(diff_flagged(&w, 2, 2, 0.02, 0.05));
    ck_assert(!diff_flagged(&w, 2, 2, 0.10, 0.05));   /* within tolerance */
    stats_welch(u, 5, v, 5, &w);            /* a 5% price shift with noise */
    ck_assert(w.p < 0.001);
    ck_assert(diff_flagged(&w, 5, 5, 0.02, 0.05));
    ck_assert(!diff_flagged(&w, 5, 5, 0.06, 0.05));
    stats_welch(c, 1, s, 1, &w);            /* one replication: rtol decides */
    ck_assert(diff_flagged(&w, 1, 1, 0.02, 0.05));
    ck_assert_int_eq(diff_judge(&w, 1, 1, 0.02, 0.05), DIFF_FEW_RUNS);
    ck_assert_int_eq(diff_judge(&w, 1, 1, 0.10, 0.05), DIFF_OK);
    stats_welch(c, 1, u, 5, &w);            /* 1 vs 5 runs: no test either */
    ck_assert_int_eq(diff_judge(&w, 1, 5, 0.02, 0.05), DIFF_FEW_RUNS);
    stats_welch(u, 5, v, 5, &w);
    ck_assert_int_eq(diff_judge(&w, 5, 5, 0.02, 0.05), DIFF_MOVED);
    ck_assert_int_eq(diff_judge(&w, 5, 5, 0.06, 0.05), DIFF_WITHIN_RTOL);
    ck_assert_int_eq(diff_judge(&w, 5, 0, 0.06, 0.05), DIFF_ONE_SIDE);
}
END_TEST

/* The CI's level is the one asked for (--level), not always 95 %. The
 * t quantiles are from a textbook table (e.g. NIST/SEMATECH e-Handbook
 * 1.3.6.7.2; R: qt(0.95, 4), qt(0.995, 4)): t(0.95, 4) = 2.131847,
 * t(0.995, 4) = 4.604095. A CI that ignored the level survived every
 * test (all used 0.95). */
START_TEST(ci_follows_the_level)
{
    const double x[] = { 1, 2, 3, 4, 5 }, a[] = { 1, 2, 3 }, b[] = { 2, 4, 6 };
    struct stats_ci ci;

    stats_ci(x, 5, 0.90, &ci);
    NEAR(ci.hi - ci.mean, 2.131847 * sqrt(2.5) / sqrt(5.0), 1e-6);
    NEAR(ci.mean - ci.lo, 2.131847 * sqrt(2.5) / sqrt(5.0), 1e-6);
    stats_ci(x, 5, 0.99, &ci);
    NEAR(ci.hi - ci.mean, 4.604095 * sqrt(2.5) / sqrt(5.0), 1e-6);
    /* paired, differences {1, 2, 3}: sd 1; t(0.95, 2) = 2.919986 */
    stats_paired(a, b, 3, 0.90, &ci);
    NEAR(ci.hi - ci.mean, 2.919986 / sqrt(3.0), 1e-6);
}
END_TEST

/* The relative change is against |mean(A)|: from -100 to -95 is +5 %, a
 * rise (dividing by the signed mean printed -5 %, and diff's verdicts,
 * which take |rel|, hid it). And "larger than rtol" is strict: a change
 * of exactly rtol (0.5 / 10 == 0.05 in binary too) is not flagged. */
START_TEST(relative_change_sign_and_rtol_edge)
{
    const double a[] = { -100, -100 }, b[] = { -95, -95 };
    const double c[] = { 10, 10 }, s[] = { 10.5, 10.5 };
    struct stats_welch w;

    stats_welch(a, 2, b, 2, &w);
    NEAR(w.diff, 5.0, 0);
    NEAR(w.rel, 0.05, 1e-15);
    stats_welch(b, 2, a, 2, &w);
    NEAR(w.rel, -5.0 / 95.0, 1e-15);
    stats_welch(c, 2, s, 2, &w);
    ck_assert(w.rel == 0.05);
    ck_assert_int_eq(diff_judge(&w, 2, 2, 0.05, 0.05), DIFF_WITHIN_RTOL);
    ck_assert(!diff_flagged(&w, 2, 2, 0.05, 0.05));
    ck_assert_int_eq(diff_judge(&w, 2, 2, 0.0499, 0.05), DIFF_MOVED);
}
END_TEST

/* An infinite value: the mean is inf, not the running mean's NaN, and a
 * change to or from a non-finite mean is flagged (its NaN p-value and
 * relative change passed it as ok). */
START_TEST(infinite_values_mean_and_diff)
{
    const double f[] = { 1, 2, 3 }, g[] = { INFINITY, 2, 3 }, h[] = { INFINITY, 1, 2 };
    const double pinf[] = { INFINITY, INFINITY }, ninf[] = { -INFINITY, -INFINITY };
    const double one[] = { 1 }, inf1[] = { INFINITY };
    struct stats_ci ci;
    struct stats_welch w;

    stats_ci(h, 3, 0.95, &ci);
    ck_assert(isinf(ci.mean) && ci.mean > 0);
    stats_welch(f, 3, g, 3, &w);            /* finite -> inf */
    ck_assert(isinf(w.mean_b));
    ck_assert(diff_flagged(&w, 3, 3, 0.01, 0.05));
    stats_welch(g, 3, f, 3, &w);            /* inf -> finite */
    ck_assert(diff_flagged(&w, 3, 3, 0.01, 0.05));
    ck_assert_int_eq(diff_judge(&w, 3, 3, 0.01, 0.05), DIFF_NOT_FINITE);
    stats_welch(inf1, 1, one, 1, &w);       /* one run each */
    ck_assert(diff_flagged(&w, 1, 1, 0.01, 0.05));
    stats_welch(pinf, 2, ninf, 2, &w);      /* inf -> -inf */
    ck_assert(diff_flagged(&w, 2, 2, 0.01, 0.05));
    stats_welch(g, 3, h, 3, &w);            /* inf both sides: the same */
    ck_assert(!diff_flagged(&w, 3, 3, 0.01, 0.05));
    stats_welch(f, 3, f, 3, &w);
    ck_assert(!diff_flagged(&w, 3, 3, 0.01, 0.05));
}
END_TEST

/* The decision's edges that only a hand-built test result reaches.
 * "Significant" is p < alpha, strictly (diff's usage: "flagged when it is
 * significant (p < alpha)"): p equal to alpha is not, whatever the size of
 * the change. And two NaN means (each side held inf and -inf, stats.h) are
 * the same non-finite value: diff.c's rule is "moved unless both sides are
 * the same infinity (or both NaN)". p <= alpha, and a NaN on both sides
 * called a move (NaN != NaN), survived every test. */
START_TEST(diff_judge_alpha_edge_and_nan_means)
{
    struct stats_welch w = { .mean_a = 10, .mean_b = 20, .diff = 10, .rel = 1.0,
                             .t = 3, .df = 8, .p = 0.05 };

    ck_assert_int_eq(diff_judge(&w, 5, 5, 0.01, 0.05), DIFF_OK);
    ck_assert(!diff_flagged(&w, 5, 5, 0.01, 0.05));
    w.p = 0.0499;
    ck_assert_int_eq(diff_judge(&w, 5, 5, 0.01, 0.05), DIFF_MOVED);

    w = (struct stats_welch){ .mean_a = NAN, .mean_b = NAN, .diff = NAN, .rel = NAN,
                              .t = NAN, .df = NAN, .p = NAN };
    ck_assert_int_eq(diff_judge(&w, 3, 3, 0.01, 0.05), DIFF_OK);
    ck_assert(!diff_flagged(&w, 3, 3, 0.01, 0.05));
    w.mean_b = INFINITY;                    /* NaN -> inf: not the same */
    ck_assert_int_eq(diff_judge(&w, 3, 3, 0.01, 0.05), DIFF_NOT_FINITE);
}
END_TEST

/* The corner cases stats.h spells out for Welch's test. Equal constant
 * samples (both sds 0, means equal) are no evidence of a change: t = 0
 * and p = 1 (p = 0 is for means that differ). From mean(a) = 0 the
 * relative change is infinite with the sign of the change: 0 -> -1 is
 * -inf (diff prints "-inf%"). A non-finite mean has no test: t, df and p
 * are all NaN. A p of 0 for equal constants, a +inf for a fall from 0,
 * and a df of 1 beside a NaN p survived every test. */
START_TEST(welch_documented_corners)
{
    const double five[] = { 5, 5 }, zero[] = { 0, 0 }, m1[] = { -1, -1 };
    const double f[] = { 1, 2, 3 }, g[] = { INFINITY, 2, 3 };
    struct stats_welch w;

    stats_welch(five, 2, five, 2, &w);
    ck_assert(w.t == 0.0);
    ck_assert(w.p == 1.0);
    stats_welch(zero, 2, m1, 2, &w);
    ck_assert(isinf(w.rel) && w.rel < 0);
    ck_assert(isinf(w.t) && w.t < 0);
    ck_assert(w.p == 0.0);
    stats_welch(m1, 2, zero, 2, &w);        /* from -1: +100 % */
    NEAR(w.rel, 1.0, 0);
    stats_welch(f, 3, g, 3, &w);
    ck_assert(isnan(w.t) && isnan(w.df) && isnan(w.p));
}
END_TEST

/* 0 -> 0 is no change: rel is 0 (stats.h gives inf only "when mean(a) is
 * 0 and diff is not"), so a metric that stays 0 (no failures on either
 * side) is ok even with one run a side, where rtol alone decides. A rel
 * of 1 for 0 -> 0 survived every test, and flagged it "MOVED (n < 2)". */
START_TEST(zero_to_zero_is_no_change)
{
    const double zero[] = { 0, 0 };
    struct stats_welch w;

    stats_welch(zero, 1, zero, 1, &w);
    ck_assert(w.diff == 0.0 && w.rel == 0.0);
    ck_assert_int_eq(diff_judge(&w, 1, 1, 0.01, 0.05), DIFF_OK);
    stats_welch(zero, 2, zero, 2, &w);
    ck_assert(w.rel == 0.0 && w.p == 1.0);
    ck_assert_int_eq(diff_judge(&w, 2, 2, 0.01, 0.05), DIFF_OK);
}
END_TEST

/* Two-sided p of Student's t with nu degrees of freedom (nu need not be
 * a whole number), 1 - 2 * integral of the density from 0 to |t|, the
 * density from its definition (libm's lgamma, not GSL) integrated by
 * Simpson's rule: an independent computation to check stats_welch's p
 * against. 4000 steps over [0, 2] leave an error far below 1e-9. */
static double t_two_sided_p(double t, double nu)
{
    const int steps = 4000;
    double x1 = fabs(t), h = x1 / steps, sum = 0.0;
    double c = exp(lgamma((nu + 1) / 2) - lgamma(nu / 2)) / sqrt(nu * acos(-1.0));

    for (int i = 0; i <= steps; i++) {
        double x = i * h, f = c * pow(1 + x * x / nu, -(nu + 1) / 2);

        sum += (i == 0 || i == steps ? 1 : i % 2 ? 4 : 2) * f;
    }
    return 1.0 - 2.0 * sum * h / 3.0;
}

/* Welch's test where it differs from Student's: unequal sizes and
 * variances. By hand: a = {1, 2, 3} has mean 2, variance 1, so
 * s_a^2 / n_a = 1/3; b = {1, 3, 5, 7, 9} has mean 5, variance
 * (16 + 4 + 0 + 4 + 16) / 4 = 10, so s_b^2 / n_b = 2. se^2 = 7/3,
 * t = 3 / sqrt(7/3); Welch-Satterthwaite df = (7/3)^2 /
 * ((1/3)^2 / 2 + 2^2 / 4) = (49/9) / (19/18) = 98/19 = 5.157895 (the
 * pooled df would be 6). The test is two-sided, so b -> a is the same
 * test with t negated: same df and p, diff -3 and rel -3/5. The only
 * earlier Welch test had equal sizes and variances, where the pooled df
 * (n_a + n_b - 2), or n_a and n_b swapped in the df, give the same 6:
 * those survived, as did a p of Q(t) instead of Q(|t|), which gave a
 * fall a p near 2 (diff could never flag a significant fall). */
START_TEST(welch_unequal_sizes_and_variances)
{
    const double a[] = { 1, 2, 3 }, b[] = { 1, 3, 5, 7, 9 };
    const double t = 3.0 / sqrt(7.0 / 3.0), df = 98.0 / 19.0;
    struct stats_welch w;

    stats_welch(a, 3, b, 5, &w);
    NEAR(w.mean_a, 2, 1e-12);
    NEAR(w.mean_b, 5, 1e-12);
    NEAR(w.diff, 3, 1e-12);
    NEAR(w.rel, 1.5, 1e-12);
    NEAR(w.t, t, 1e-12);
    NEAR(w.df, df, 1e-9);
    NEAR(w.p, t_two_sided_p(t, df), 1e-9);
    stats_welch(b, 5, a, 3, &w);
    NEAR(w.diff, -3, 1e-12);
    NEAR(w.rel, -0.6, 1e-12);
    NEAR(w.t, -t, 1e-12);
    NEAR(w.df, df, 1e-9);
    NEAR(w.p, t_two_sided_p(t, df), 1e-9);
    ck_assert(w.p > 0 && w.p < 1);
}
END_TEST

static char *join(const char *d, const char *f)
{
    size_t n = strlen(d) + strlen(f) + 2;
    char *p = malloc(n);

    snprintf(p, n, "%s/%s", d, f);
    return p;
}

START_TEST(files_from_a_small_study)
{
    char *dir = test_tmpdir(), *runs = join(dir, "runs.csv"), *sc = join(dir, "scalars.csv");
    char *sum = join(dir, "summary.csv"), *con = join(dir, "contrasts.csv"), *text;
    struct stats_opts o = { 0.95, NULL, NULL, false };
    struct diag d = DIAG_INIT(stderr);

    /* policy a/b x 3 repetitions; b = a + 1, 2, 3 under common seeds. */
    ck_assert_int_eq(test_write_file(runs,
        "run_id,config,run_number,repetition,seed_set,base_seed,policy,repetition,status\n"
        "\"S-0\",\"S\",0,0,0,1,\"a\",\"0\",\"ok\"\n"
        "\"S-1\",\"S\",1,1,1,1,\"a\",\"1\",\"ok\"\n"
        "\"S-2\",\"S\",2,2,2,1,\"a\",\"2\",\"ok\"\n"
        "\"S-3\",\"S\",3,0,0,1,\"b\",\"0\",\"ok\"\n"
        "\"S-4\",\"S\",4,1,1,1,\"b\",\"1\",\"ok\"\n"
        "\"S-5\",\"S\",5,2,2,1,\"b\",\"2\",\"crashed\"\n"), 0);
    ck_assert_int_eq(test_write_file(sc,
        "run_id,metric,entity_kind,entity,value,unit\n"
        "\"S-0\",\"price\",\"gpu\",\"H100\",10,\"USD/GPU-h\"\n"
        "\"S-1\",\"price\",\"gpu\",\"H100\",20,\"USD/GPU-h\"\n"
        "\"S-2\",\"price\",\"gpu\",\"H100\",30,\"USD/GPU-h\"\n"
        "\"S-3\",\"price\",\"gpu\",\"H100\",11,\"USD/GPU-h\"\n"
        "\"S-4\",\"price\",\"gpu\",\"H100\",22,\"USD/GPU-h\"\n"), 0);
    ck_assert_int_eq(stats_write_all(dir, NULL, &o, &d), 0);
    text = test_read_file(sum, NULL);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text,
        "config,policy,metric,entity_kind,entity,n,mean,sd,ci_level,ci_low,ci_high,p05,p50,p95,unit\n"
        "\"S\",\"a\",\"price\",\"gpu\",\"H100\",3,20,10,"));
    /* p05, p50, p95 of {10, 20, 30}: R's default quantile (type 7,
     * Hyndman & Fan 1996), x[h] interpolated at h = (n - 1) p: 11, 20, 29
     * by hand. A p05 taken at 0.10 survived every test. */
    {
        const char *row = strstr(text, "\"S\",\"a\",\"price\"");
        double f[13];
        const char *q = row;

        ck_assert_ptr_nonnull(row);
        for (int i = 0; i < 5; i++)         /* past config .. entity */
            q = strchr(q, ',') + 1;
        for (int i = 0; i < 9; i++) {       /* n .. p95 */
            char *end;

            f[i] = strtod(q, &end);
            ck_assert(end != q && *end == ',');
            q = end + 1;
        }
        NEAR(f[0], 3, 0);                   /* n */
        NEAR(f[1], 20, 1e-12);              /* mean */
        NEAR(f[3], 0.95, 0);                /* ci_level */
        NEAR(f[6], 11, 1e-9);               /* p05 */
        NEAR(f[7], 20, 1e-9);               /* p50 */
        NEAR(f[8], 29, 1e-9);               /* p95 */
    }
    /* the crashed run does not count: n = 2 for b */
    ck_assert_ptr_nonnull(strstr(text, "\"S\",\"b\",\"price\",\"gpu\",\"H100\",2,16.5,"));
    free(text);
    text = test_read_file(con, NULL);
    ck_assert_ptr_nonnull(strstr(text,
        "\"S\",\"price\",\"gpu\",\"H100\",\"policy\",\"b\",\"a\",2,1.5,"));
    ck_assert_ptr_nonnull(strstr(text, "\"paired-t\",1\n"));
    free(text);
    free(runs); free(sc); free(sum); free(con); free(dir);
}
END_TEST

/* A NaN sample is written as an empty value; it is a missing sample, as
 * in scalars.csv, and the directory still loads. */
START_TEST(empty_series_value_is_a_missing_sample)
{
    char *dir = test_tmpdir(), *runs = join(dir, "runs.csv"), *sc = join(dir, "scalars.csv");
    char *ts = join(dir, "timeseries.csv");
    struct diag d = DIAG_INIT(stderr);
    struct stats_data *sd;
    double x[4];
    long m;

    ck_assert_int_eq(test_write_file(runs,
        "run_id,config,run_number,repetition,seed_set,base_seed,repetition,status\n"
        "\"S-0\",\"S\",0,0,0,1,\"0\",\"ok\"\n"), 0);
    ck_assert_int_eq(test_write_file(sc,
        "run_id,metric,entity_kind,entity,value,unit\n"
        "\"S-0\",\"n\",\"model\",\"m\",,\"1\"\n"), 0);
    ck_assert_int_eq(test_write_file(ts,
        "run_id,t_h,metric,entity_kind,entity,value\n"
        "\"S-0\",1,\"price\",\"gpu\",\"H100\",1\n"
        "\"S-0\",2,\"price\",\"gpu\",\"H100\",\n"
        "\"S-0\",3,\"price\",\"gpu\",\"H100\",3\n"
        "\"S-0\",4,\"price\",\"gpu\",\"H100\",1e-310\n"), 0);
    sd = stats_load(dir, &d);
    ck_assert_ptr_nonnull(sd);
    m = stats_find_metric(sd, "price.steady_mean", "gpu", "H100");
    ck_assert_int_ge(m, 0);
    ck_assert_uint_eq(stats_values(sd, 0, (size_t)m, x), 1);
    NEAR(x[0], (1.0 + 3.0 + 1e-310) / 3.0, 1e-15);
    stats_free(sd);
    free(runs); free(sc); free(ts); free(dir);
}
END_TEST

/* Per-run records (an entity kind with a ':', as the market's
 * "offer:<gpu>" rows, one per offer listed at the end of a run, the entity
 * its machine's index in that run) name different things in different
 * runs, so a mean over runs of "offer 0" means nothing: stats_load reads
 * and checks them, then leaves them out of the metrics (so of summary.csv,
 * contrasts.csv and diff) and names each record metric once. */
START_TEST(per_run_records_are_left_out)
{
    char *dir = test_tmpdir(), *runs = join(dir, "runs.csv"), *sc = join(dir, "scalars.csv");
    char *sum = join(dir, "summary.csv"), *text;
    struct stats_opts o = { 0.95, NULL, NULL, false };
    struct diag d = DIAG_INIT(stderr), quiet = DIAG_SILENT;
    struct stats_data *sd;

    ck_assert_int_eq(test_write_file(runs,
        "run_id,config,run_number,repetition,seed_set,base_seed,repetition,status\n"
        "\"S-0\",\"S\",0,0,0,1,\"0\",\"ok\"\n"
        "\"S-1\",\"S\",1,1,1,1,\"1\",\"ok\"\n"), 0);
    ck_assert_int_eq(test_write_file(sc,
        "run_id,metric,entity_kind,entity,value,unit\n"
        "\"S-0\",\"price\",\"gpu\",\"H100\",2,\"USD/GPU-h\"\n"
        "\"S-0\",\"offer_price\",\"offer:H100\",\"0\",2,\"USD/GPU-h\"\n"
        "\"S-0\",\"offer_free\",\"offer:H100\",\"0\",1,\"GPUs\"\n"
        "\"S-1\",\"price\",\"gpu\",\"H100\",4,\"USD/GPU-h\"\n"
        "\"S-1\",\"offer_price\",\"offer:A100\",\"0\",1,\"USD/GPU-h\"\n"), 0);
    sd = stats_load(dir, &d);
    ck_assert_ptr_nonnull(sd);
    ck_assert_uint_eq(stats_metric_count(sd), 1);
    ck_assert_int_eq(stats_find_metric(sd, "offer_price", "offer:H100", "0"), -1);
    ck_assert_uint_eq(stats_record_metric_count(sd), 2);
    ck_assert_str_eq(stats_record_metric(sd, 0), "offer_price");
    ck_assert_str_eq(stats_record_metric(sd, 1), "offer_free");
    ck_assert(stats_record_kind("offer:H100") && !stats_record_kind("gpu"));
    stats_free(sd);
    ck_assert_int_eq(stats_write_all(dir, NULL, &o, &d), 0);
    text = test_read_file(sum, NULL);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, "\"S\",\"price\",\"gpu\",\"H100\",2,3,"));
    ck_assert_ptr_null(strstr(text, "offer"));
    free(text);
    /* left out only after the checks: a bad record value is still an error */
    ck_assert_int_eq(test_write_file(sc,
        "run_id,metric,entity_kind,entity,value,unit\n"
        "\"S-0\",\"offer_price\",\"offer:H100\",\"0\",cheap,\"USD/GPU-h\"\n"), 0);
    ck_assert_ptr_null(stats_load(dir, &quiet));
    free(runs); free(sc); free(sum); free(dir);
}
END_TEST

/* steady_mean is the mean of the samples at t_h >= sim.warmup
 * (docs/METRICS.md), the warm-up read from params.csv: with a 1 h
 * warm-up, samples 100 (t 0.5 h), 2 (t 1 h) and 4 (t 2 h) give 3 by hand.
 * Ignoring the warm-up (106 / 3) or dropping the sample at it (4)
 * survived every test. */
START_TEST(steady_mean_deletes_the_warmup)
{
    char *dir = test_tmpdir(), *runs = join(dir, "runs.csv"), *sc = join(dir, "scalars.csv");
    char *ts = join(dir, "timeseries.csv"), *pa = join(dir, "params.csv");
    struct diag d = DIAG_INIT(stderr);
    struct stats_data *sd;
    double x[4];
    long m;

    ck_assert_int_eq(test_write_file(runs,
        "run_id,config,run_number,repetition,seed_set,base_seed,repetition,status\n"
        "\"S-0\",\"S\",0,0,0,1,\"0\",\"ok\"\n"
        "\"S-1\",\"S\",1,1,1,1,\"1\",\"ok\"\n"), 0);
    ck_assert_int_eq(test_write_file(sc, "run_id,metric,entity_kind,entity,value,unit\n"), 0);
    ck_assert_int_eq(test_write_file(pa,
        "run_id,key,value,unit,source\n"
        "\"S-0\",\"sim.warmup\",\"1h\",\"d\",\"General\"\n"
        "\"S-1\",\"sim.warmup\",\"0d\",\"d\",\"General\"\n"), 0);
    ck_assert_int_eq(test_write_file(ts,
        "run_id,t_h,metric,entity_kind,entity,value\n"
        "\"S-0\",0.5,\"price\",\"gpu\",\"H100\",100\n"
        "\"S-0\",1,\"price\",\"gpu\",\"H100\",2\n"
        "\"S-0\",2,\"price\",\"gpu\",\"H100\",4\n"
        "\"S-1\",0.5,\"price\",\"gpu\",\"H100\",100\n"
        "\"S-1\",1,\"price\",\"gpu\",\"H100\",2\n"
        "\"S-1\",2,\"price\",\"gpu\",\"H100\",4\n"), 0);
    sd = stats_load(dir, &d);
    ck_assert_ptr_nonnull(sd);
    m = stats_find_metric(sd, "price.steady_mean", "gpu", "H100");
    ck_assert_int_ge(m, 0);
    ck_assert_uint_eq(stats_values(sd, 0, (size_t)m, x), 2);
    NEAR(x[0], 3.0, 1e-12);                 /* S-0: warm-up 1 h */
    NEAR(x[1], 106.0 / 3.0, 1e-12);         /* S-1: none */
    stats_free(sd);
    free(runs); free(sc); free(ts); free(pa); free(dir);
}
END_TEST

/* Loads a directory made of the given files (series NULL: none); '*err'
 * gets what stats_load reported, malloc'd. */
static struct stats_data *load_files(const char *runs_text, const char *sc_text,
                                     const char *ts_text, char **err)
{
    char *dir = test_tmpdir(), *runs = join(dir, "runs.csv"), *sc = join(dir, "scalars.csv");
    char *ts = join(dir, "timeseries.csv");
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(err, &len));
    struct stats_data *sd;

    ck_assert_int_eq(test_write_file(runs, runs_text), 0);
    ck_assert_int_eq(test_write_file(sc, sc_text), 0);
    if (ts_text)
        ck_assert_int_eq(test_write_file(ts, ts_text), 0);
    sd = stats_load(dir, &d);
    fclose(d.out);
    ck_assert_msg(sd || d.nerrors > 0, "stats_load failed without a message");
    free(runs); free(sc); free(ts); free(dir);
    return sd;
}

#define RUNS_HEAD "run_id,config,run_number,repetition,seed_set,base_seed,repetition,status\n"
#define SC_HEAD "run_id,metric,entity_kind,entity,value,unit\n"

/* What stats.h promises of stats_load: a broken directory is refused
 * with "file:row: error:", never loaded, never a crash. A run id twice
 * (the first run's twin went unseen when the check was '> 0'), a scalar
 * of a run runs.csv lacks (skipping it survived every test), a negative
 * run number or repetition (accepted, as 2^64 - 1, without the check),
 * and a status column before base_seed (the axes between them then
 * number SIZE_MAX: a crash without the check). The last two were refused
 * without a word (exit 2 from diff, no message). A time-series row of an
 * unknown run is skipped, as the loader says: the others still load (it
 * indexed the warm-up table at -1 without the skip, and the unknown
 * run's metric appeared). */
START_TEST(broken_directories_are_refused_with_file_and_row)
{
    char *err;
    struct stats_data *sd;
    double x[2];
    long m;

    sd = load_files(RUNS_HEAD "\"S-0\",\"S\",0,0,0,1,\"0\",\"ok\"\n"
                              "\"S-0\",\"S\",1,1,1,1,\"1\",\"ok\"\n", SC_HEAD, NULL, &err);
    ck_assert_ptr_null(sd);
    ck_assert_msg(strstr(err, "run 'S-0' appears twice"), "%s", err);
    free(err);
    sd = load_files(RUNS_HEAD "\"S-0\",\"S\",0,0,0,1,\"0\",\"ok\"\n",
                    SC_HEAD "\"S-0\",\"x\",\"k\",\"e\",1,\"1\"\n"
                            "\"S-9\",\"x\",\"k\",\"e\",2,\"1\"\n", NULL, &err);
    ck_assert_ptr_null(sd);
    ck_assert_msg(strstr(err, "scalars.csv:3: error: run 'S-9' is not in runs.csv"), "%s", err);
    free(err);
    sd = load_files(RUNS_HEAD "\"S-0\",\"S\",0,0,0,1,\"0\",\"ok\"\n"
                              "\"S-1\",\"S\",-1,1,1,1,\"1\",\"ok\"\n", SC_HEAD, NULL, &err);
    ck_assert_ptr_null(sd);
    ck_assert_msg(strstr(err, "runs.csv:3: error: column 'run_number'"), "%s", err);
    free(err);
    sd = load_files(RUNS_HEAD "\"S-0\",\"S\",0,-2,0,1,\"0\",\"ok\"\n", SC_HEAD, NULL, &err);
    ck_assert_ptr_null(sd);
    ck_assert_msg(strstr(err, "runs.csv:2: error: column 'repetition'"), "%s", err);
    free(err);
    sd = load_files("run_id,config,run_number,repetition,seed_set,status,base_seed\n"
                    "\"S-0\",\"S\",0,0,0,\"ok\",1\n", SC_HEAD, NULL, &err);
    ck_assert_ptr_null(sd);
    ck_assert_msg(strstr(err, "runs.csv:1: error: column 'status'"), "%s", err);
    free(err);
    sd = load_files(RUNS_HEAD "\"S-0\",\"S\",0,0,0,1,\"0\",\"ok\"\n", SC_HEAD,
                    "run_id,t_h,metric,entity_kind,entity,value\n"
                    "\"S-7\",1,\"ghost\",\"gpu\",\"H100\",100\n"
                    "\"S-0\",1,\"price\",\"gpu\",\"H100\",2\n"
                    "\"S-0\",2,\"price\",\"gpu\",\"H100\",4\n", &err);
    ck_assert_msg(sd != NULL, "%s", err);
    free(err);
    m = stats_find_metric(sd, "price.steady_mean", "gpu", "H100");
    ck_assert_int_ge(m, 0);
    ck_assert_uint_eq(stats_values(sd, 0, (size_t)m, x), 1);
    NEAR(x[0], 3.0, 1e-12);                 /* (2 + 4) / 2 by hand */
    ck_assert_int_eq(stats_find_metric(sd, "ghost.steady_mean", "gpu", "H100"), -1);
    stats_free(sd);
}
END_TEST

/* Every column the loader reads must be there, and a file without one is
 * refused naming it at its header: "FILE:1: error: missing column 'X'".
 * Each required column of runs.csv, scalars.csv and timeseries.csv is
 * renamed in turn ('X_' in the header) in a directory that loads whole
 * otherwise. The loader tested all of them together, so only a test that
 * takes each one away alone can tell '||' from '&&' there (a scalars.csv
 * without 'metric' alone read its column -1). one_column_renamed() gives
 * header 'head' with field k renamed, and that field's name. */
static void one_column_renamed(char *out, size_t len, char *name, size_t nlen,
                               const char *head, size_t k)
{
    const char *p = head;
    size_t n;

    for (size_t i = 0; i < k; i++) {
        p = strchr(p, ',');
        ck_assert_ptr_nonnull(p);
        p++;
    }
    n = strcspn(p, ",\n");
    ck_assert_int_lt(snprintf(name, nlen, "%.*s", (int)n, p), (int)nlen);
    ck_assert_int_lt(snprintf(out, len, "%.*s_%s", (int)(p - head + (ptrdiff_t)n), head,
                              p + n), (int)len);
}

START_TEST(every_missing_column_is_named)
{
    static const struct {
        const char *file, *head, *row;
    } f[] = {
        { "runs.csv", "run_id,config,run_number,repetition,seed_set,base_seed,status\n",
          "\"S-0\",\"S\",0,0,0,1,\"ok\"\n" },
        { "scalars.csv", SC_HEAD, "\"S-0\",\"x\",\"k\",\"e\",1,\"1\"\n" },
        { "timeseries.csv", "run_id,t_h,metric,entity_kind,entity,value\n",
          "\"S-0\",1,\"price\",\"gpu\",\"H100\",2\n" },
    };
    char text[3][256], want[320];
    struct stats_data *sd;
    char *err;

    for (size_t i = 0; i < 3; i++)
        ck_assert_int_lt(snprintf(text[i], sizeof text[i], "%s%s", f[i].head, f[i].row),
                         (int)sizeof text[i]);
    sd = load_files(text[0], text[1], text[2], &err);     /* whole, it loads */
    ck_assert_msg(sd != NULL, "%s", err);
    stats_free(sd);
    free(err);
    for (size_t i = 0; i < 3; i++) {
        size_t ncol = 1;

        for (const char *c = f[i].head; *c; c++)
            ncol += *c == ',';
        for (size_t k = 0; k < ncol; k++) {
            char head[256], colname[64], broken[256];
            const char *files[3];

            one_column_renamed(head, sizeof head, colname, sizeof colname, f[i].head, k);
            ck_assert_int_lt(snprintf(broken, sizeof broken, "%s%s", head, f[i].row),
                             (int)sizeof broken);
            for (size_t j = 0; j < 3; j++)
                files[j] = j == i ? broken : text[j];
            sd = load_files(files[0], files[1], files[2], &err);
            ck_assert_msg(sd == NULL, "%s without '%s' loaded", f[i].file, colname);
            snprintf(want, sizeof want, "%s:1: error: missing column '%s'", f[i].file, colname);
            ck_assert_msg(strstr(err, want), "%s without '%s': %s", f[i].file, colname, err);
            free(err);
        }
    }
}
END_TEST

/* stats_values gives a point's values "in run-number order" (stats.h),
 * whatever order runs.csv lists them in: S-1 (20) before S-0 (10) in the
 * file still gives {10, 20}. Without the sort it gave {20, 10}. */
START_TEST(values_come_in_run_number_order)
{
    char *err;
    struct stats_data *sd = load_files(RUNS_HEAD
                                       "\"S-1\",\"S\",1,1,1,1,\"1\",\"ok\"\n"
                                       "\"S-0\",\"S\",0,0,0,1,\"0\",\"ok\"\n",
                                       SC_HEAD "\"S-1\",\"x\",\"k\",\"e\",20,\"1\"\n"
                                               "\"S-0\",\"x\",\"k\",\"e\",10,\"1\"\n",
                                       NULL, &err);
    double x[2];

    ck_assert_msg(sd != NULL, "%s", err);
    free(err);
    ck_assert_uint_eq(stats_values(sd, 0, 0, x), 2);
    NEAR(x[0], 10, 0);
    NEAR(x[1], 20, 0);
    stats_free(sd);
}
END_TEST

static struct stats_data *one_run_dir(const char *head, const char *row)
{
    char *dir = test_tmpdir(), *runs = join(dir, "runs.csv"), *sc = join(dir, "scalars.csv");
    char text[512];
    struct diag d = DIAG_INIT(stderr);
    struct stats_data *sd;

    snprintf(text, sizeof text, "run_id,config,run_number,repetition,seed_set,base_seed,%s,status\n"
                                "\"S-0\",\"S\",0,0,0,1,%s,\"ok\"\n", head, row);
    ck_assert_int_eq(test_write_file(runs, text), 0);
    ck_assert_int_eq(test_write_file(sc, "run_id,metric,entity_kind,entity,value,unit\n"), 0);
    sd = stats_load(dir, &d);
    ck_assert_ptr_nonnull(sd);
    free(runs); free(sc); free(dir);
    return sd;
}

/* Points match across directories on their (axis, value) pairs: axes in
 * any order, numbers as numbers, text as text. */
START_TEST(points_match_on_axis_values)
{
    struct stats_data *a = one_run_dir("fee,policy", "\"0.1\",\"fifo\"");
    struct stats_data *b = one_run_dir("policy,fee", "\"fifo\",\"0.10\"");
    struct stats_data *c = one_run_dir("policy,fee", "\"FIFO\",\"1e-1\"");
    struct stats_data *e = one_run_dir("fee", "\"0.1\"");

    ck_assert_int_eq(stats_match_point(b, a, 0), 0);
    ck_assert_int_eq(stats_match_point(a, b, 0), 0);
    ck_assert_int_eq(stats_match_point(c, a, 0), -1);   /* text is text */
    ck_assert_int_eq(stats_match_point(e, a, 0), -1);   /* an axis less */
    stats_free(a); stats_free(b); stats_free(c); stats_free(e);
}
END_TEST

/* The number rules of point matching, by stats.h: "the same finite
 * number written two ways" is one value, so -0 is 0 (the key writes -0
 * as 0), while inf and Infinity are text, as stats_same_value() says:
 * dropping the finiteness test matched them. Two points of one study
 * equal as numbers (${fee=1,1.0}): the first is the one matched (the
 * last won without the check). */
START_TEST(point_matching_number_rules)
{
    struct stats_data *a = one_run_dir("fee", "\"-0\"");
    struct stats_data *b = one_run_dir("fee", "\"0\"");
    struct stats_data *c = one_run_dir("fee", "\"inf\"");
    struct stats_data *e = one_run_dir("fee", "\"Infinity\"");
    struct stats_data *one = one_run_dir("fee", "\"1\"");
    char *err;
    struct stats_data *two = load_files("run_id,config,run_number,repetition,seed_set,"
                                        "base_seed,fee,status\n"
                                        "\"S-0\",\"S\",0,0,0,1,\"1\",\"ok\"\n"
                                        "\"S-1\",\"S\",1,0,0,1,\"1.0\",\"ok\"\n",
                                        SC_HEAD, NULL, &err);

    ck_assert_int_eq(stats_match_point(a, b, 0), 0);
    ck_assert_int_eq(stats_match_point(b, a, 0), 0);
    ck_assert(stats_same_value("-0", "0"));
    ck_assert(!stats_same_value("inf", "Infinity"));
    ck_assert(!stats_same_value("inf", "INF"));
    ck_assert_int_eq(stats_match_point(c, e, 0), -1);
    ck_assert_msg(two != NULL, "%s", err);
    free(err);
    ck_assert_uint_eq(stats_point_count(two), 2);
    ck_assert_int_eq(stats_match_point(two, one, 0), 0);
    stats_free(a); stats_free(b); stats_free(c); stats_free(e);
    stats_free(one); stats_free(two);
}
END_TEST

/* contrasts.csv of a two-axis study without a 'policy' axis, by hand.
 * fee {lo, hi} x size {s, m} x 2 repetitions; S-1 (lo, s, rep 1) failed.
 * README: the contrast axis is then the first axis (fee), the baseline
 * its first value (lo); pairs match on size and repetition, and a failed
 * run is no result, so (s) pairs only rep 0: 11 - 10 = 1, n 1; (m) pairs
 * 35 - 30 = 5 and 46 - 40 = 6: n 2, mean 5.5. The baseline is not
 * contrasted with itself. summary.csv leaves out what only the failed run
 * measured: metric y of (lo, s). A failing baseline (--contrast fee=zz)
 * leaves no temporary file behind. Survivors: the last axis taken by
 * default, the failed baseline run paired (n 2, mean 2), lo-vs-lo rows,
 * summary rows with n = 0, the temporary contrasts file kept. */
START_TEST(contrasts_by_hand_on_the_first_axis)
{
    char *dir = test_tmpdir(), *runs = join(dir, "runs.csv"), *sc = join(dir, "scalars.csv");
    char *sum = join(dir, "summary.csv"), *con = join(dir, "contrasts.csv");
    char *tmp = join(dir, ".contrasts.csv.tmp"), *text;
    const char *head = "config,size,metric,entity_kind,entity,axis,level,"
                       "baseline_level,n,mean_diff,";
    struct stats_opts o = { 0.95, NULL, NULL, false };
    struct diag d = DIAG_INIT(stderr);
    char *buf = NULL;
    size_t len = 0;
    FILE *probe;

    ck_assert_int_eq(test_write_file(runs,
        "run_id,config,run_number,repetition,seed_set,base_seed,fee,size,repetition,status\n"
        "\"S-0\",\"S\",0,0,0,1,\"lo\",\"s\",\"0\",\"ok\"\n"
        "\"S-1\",\"S\",1,1,1,1,\"lo\",\"s\",\"1\",\"failed\"\n"
        "\"S-2\",\"S\",2,0,0,1,\"lo\",\"m\",\"0\",\"ok\"\n"
        "\"S-3\",\"S\",3,1,1,1,\"lo\",\"m\",\"1\",\"ok\"\n"
        "\"S-4\",\"S\",4,0,0,1,\"hi\",\"s\",\"0\",\"ok\"\n"
        "\"S-5\",\"S\",5,1,1,1,\"hi\",\"s\",\"1\",\"ok\"\n"
        "\"S-6\",\"S\",6,0,0,1,\"hi\",\"m\",\"0\",\"ok\"\n"
        "\"S-7\",\"S\",7,1,1,1,\"hi\",\"m\",\"1\",\"ok\"\n"), 0);
    ck_assert_int_eq(test_write_file(sc, SC_HEAD
        "\"S-0\",\"x\",\"k\",\"e\",10,\"1\"\n"
        "\"S-1\",\"x\",\"k\",\"e\",20,\"1\"\n"
        "\"S-1\",\"y\",\"k\",\"e\",7,\"1\"\n"
        "\"S-2\",\"x\",\"k\",\"e\",30,\"1\"\n"
        "\"S-3\",\"x\",\"k\",\"e\",40,\"1\"\n"
        "\"S-4\",\"x\",\"k\",\"e\",11,\"1\"\n"
        "\"S-4\",\"y\",\"k\",\"e\",8,\"1\"\n"
        "\"S-5\",\"x\",\"k\",\"e\",23,\"1\"\n"
        "\"S-6\",\"x\",\"k\",\"e\",35,\"1\"\n"
        "\"S-7\",\"x\",\"k\",\"e\",46,\"1\"\n"), 0);
    ck_assert_int_eq(stats_write_all(dir, NULL, &o, &d), 0);
    text = test_read_file(con, NULL);
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(strncmp(text, head, strlen(head)) == 0, "%s", text);
    ck_assert_msg(strstr(text, "\"S\",\"s\",\"x\",\"k\",\"e\",\"fee\",\"hi\",\"lo\",1,1,"), "%s", text);
    ck_assert_msg(strstr(text, "\"S\",\"m\",\"x\",\"k\",\"e\",\"fee\",\"hi\",\"lo\",2,5.5,"), "%s", text);
    ck_assert_msg(!strstr(text, "\"lo\",\"lo\""), "%s", text);
    free(text);
    text = test_read_file(sum, NULL);
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(strstr(text, "\"S\",\"hi\",\"s\",\"y\",\"k\",\"e\",1,8,"), "%s", text);
    ck_assert_msg(!strstr(text, "\"y\",\"k\",\"e\",0,"), "%s", text);
    free(text);
    o.baseline = "zz";
    d.out = open_memstream(&buf, &len);
    ck_assert_int_ne(stats_write_all(dir, NULL, &o, &d), 0);
    fclose(d.out);
    ck_assert_msg(strstr(buf, "baseline 'zz' is not a value of axis 'fee'"), "%s", buf);
    free(buf);
    probe = fopen(tmp, "r");
    ck_assert_msg(probe == NULL, ".contrasts.csv.tmp left behind");
    free(runs); free(sc); free(sum); free(con); free(tmp); free(dir);
}
END_TEST

/* contrasts.csv of a directory of the given runs.csv and scalars.csv,
 * default options; malloc'd. */
static char *contrasts_of(const char *runs_text, const char *sc_text)
{
    char *dir = test_tmpdir(), *runs = join(dir, "runs.csv"), *sc = join(dir, "scalars.csv");
    char *con = join(dir, "contrasts.csv"), *text;
    struct stats_opts o = { 0.95, NULL, NULL, false };
    struct diag d = DIAG_INIT(stderr);

    ck_assert_int_eq(test_write_file(runs, runs_text), 0);
    ck_assert_int_eq(test_write_file(sc, sc_text), 0);
    ck_assert_int_eq(stats_write_all(dir, NULL, &o, &d), 0);
    text = test_read_file(con, NULL);
    ck_assert_ptr_nonnull(text);
    free(runs); free(sc); free(con); free(dir);
    return text;
}

/* Lock-step is both ways (stats.c: "equal values of one mean equal
 * values of the other, over every point"). policy {a, b, c} with x
 * {1, 1, 2}: x is a function of policy but b shares a's x, so x is not in
 * lock-step: it stays a column and is matched on; b pairs with a (12 - 10
 * = 2), c (x 2) has no baseline of its own x and no row. policy {a, a, b}
 * with x {1, 2, 3}: policy is a function of x but a has two x, so again
 * no lock-step, and b (x 3) has no baseline. Either direction alone taken
 * as lock-step dropped the x column and contrasted c, or b, with a. */
START_TEST(lockstep_needs_both_directions)
{
    static const char runs_head[] =
        "run_id,config,run_number,repetition,seed_set,base_seed,policy,x,repetition,status\n";
    static const char sc_text[] = SC_HEAD
        "\"S-0\",\"v\",\"k\",\"e\",10,\"1\"\n"
        "\"S-1\",\"v\",\"k\",\"e\",12,\"1\"\n"
        "\"S-2\",\"v\",\"k\",\"e\",15,\"1\"\n";
    char runs[512], *text;

    snprintf(runs, sizeof runs, "%s%s", runs_head,
             "\"S-0\",\"S\",0,0,0,1,\"a\",\"1\",\"0\",\"ok\"\n"
             "\"S-1\",\"S\",1,0,0,1,\"b\",\"1\",\"0\",\"ok\"\n"
             "\"S-2\",\"S\",2,0,0,1,\"c\",\"2\",\"0\",\"ok\"\n");
    text = contrasts_of(runs, sc_text);
    ck_assert_msg(strncmp(text, "config,x,metric,", 16) == 0, "%s", text);
    ck_assert_msg(strstr(text, "\"S\",\"1\",\"v\",\"k\",\"e\",\"policy\",\"b\",\"a\",1,2,"), "%s", text);
    ck_assert_msg(!strstr(text, "\"c\",\"a\""), "%s", text);
    free(text);
    snprintf(runs, sizeof runs, "%s%s", runs_head,
             "\"S-0\",\"S\",0,0,0,1,\"a\",\"1\",\"0\",\"ok\"\n"
             "\"S-1\",\"S\",1,0,0,1,\"a\",\"2\",\"0\",\"ok\"\n"
             "\"S-2\",\"S\",2,0,0,1,\"b\",\"3\",\"0\",\"ok\"\n");
    text = contrasts_of(runs, sc_text);
    ck_assert_msg(strcmp(text, "config,x,metric,entity_kind,entity,axis,level,baseline_level,"
                               "n,mean_diff,sd_diff,ci_level,ci_low,ci_high,method,"
                               "common_seeds\n") == 0, "%s", text);
    free(text);
}
END_TEST

/* More number rules of point matching (stats.h: "values that are numbers
 * compared as numbers", stats_same_value: "the same finite number written
 * two ways"). An empty value is no number: strtod reads "" as 0 with
 * nothing consumed, so without the non-empty test an axis value "" named
 * the point 0. Two numbers that differ in the seventh significant digit
 * are two doubles, so two points: a key written with fewer digits than
 * %.17g (the round-trip precision of a double) merged 0.1000001 with
 * 0.1000002. Both survived every test. */
START_TEST(point_matching_empty_and_close_numbers)
{
    struct stats_data *empty = one_run_dir("fee", "\"\"");
    struct stats_data *zero = one_run_dir("fee", "\"0\"");
    struct stats_data *p1 = one_run_dir("fee", "\"0.1000001\"");
    struct stats_data *p2 = one_run_dir("fee", "\"0.1000002\"");
    struct stats_data *p1b = one_run_dir("fee", "\"1.000001e-1\"");

    ck_assert(!stats_same_value("", "0"));
    ck_assert(!stats_same_value("0", ""));
    ck_assert(!stats_same_value("0.1000001", "0.1000002"));
    ck_assert_int_eq(stats_match_point(empty, zero, 0), -1);
    ck_assert_int_eq(stats_match_point(zero, empty, 0), -1);
    ck_assert_int_eq(stats_match_point(p1, p2, 0), -1);
    ck_assert_int_eq(stats_match_point(p2, p1, 0), -1);
    ck_assert_int_eq(stats_match_point(p1b, p1, 0), 0);     /* the same number */
    /* the same value on another axis is another point (stats.h: "the
     * same variables with the same values"); a key of values alone
     * matched fee=0 with rate=0 */
    {
        struct stats_data *rate = one_run_dir("rate", "\"0\"");

        ck_assert_int_eq(stats_match_point(rate, zero, 0), -1);
        ck_assert_int_eq(stats_match_point(zero, rate, 0), -1);
        stats_free(rate);
    }
    stats_free(empty); stats_free(zero); stats_free(p1); stats_free(p2); stats_free(p1b);
}
END_TEST

/* The file 'name' of a directory of the given runs.csv and scalars.csv
 * after stats_write_all with default options; malloc'd. */
static char *written_file_at(double level, const char *runs_text, const char *sc_text,
                             const char *name)
{
    char *dir = test_tmpdir(), *runs = join(dir, "runs.csv"), *sc = join(dir, "scalars.csv");
    char *out = join(dir, name), *text;
    struct stats_opts o = { level, NULL, NULL, false };
    struct diag d = DIAG_INIT(stderr);

    ck_assert_int_eq(test_write_file(runs, runs_text), 0);
    ck_assert_int_eq(test_write_file(sc, sc_text), 0);
    ck_assert_int_eq(stats_write_all(dir, NULL, &o, &d), 0);
    text = test_read_file(out, NULL);
    ck_assert_ptr_nonnull(text);
    free(runs); free(sc); free(out); free(dir);
    return text;
}

static char *written_file(const char *runs_text, const char *sc_text, const char *name)
{
    return written_file_at(0.95, runs_text, sc_text, name);
}

/* The quantiles are of the sorted values, whatever the run order: runs
 * giving 30, 10, 20 have p05 11, p50 20, p95 29 (type 7, h = (n - 1) p on
 * the sorted {10, 20, 30}, by hand), as {10, 20, 30} does. Without the
 * sort (the earlier test's values were already in order) p05 was
 * 30 + 0.1 (10 - 30) = 28. */
START_TEST(summary_quantiles_of_unordered_runs)
{
    char *text = written_file(RUNS_HEAD
                              "\"S-0\",\"S\",0,0,0,1,\"0\",\"ok\"\n"
                              "\"S-1\",\"S\",1,1,1,1,\"1\",\"ok\"\n"
                              "\"S-2\",\"S\",2,2,2,1,\"2\",\"ok\"\n",
                              SC_HEAD "\"S-0\",\"x\",\"k\",\"e\",30,\"1\"\n"
                                      "\"S-1\",\"x\",\"k\",\"e\",10,\"1\"\n"
                                      "\"S-2\",\"x\",\"k\",\"e\",20,\"1\"\n", "summary.csv");
    const char *q = strstr(text, "\"S\",\"x\",\"k\",\"e\",");
    double f[9];

    ck_assert_msg(q != NULL, "%s", text);
    for (int i = 0; i < 4; i++)
        q = strchr(q, ',') + 1;
    for (int i = 0; i < 9; i++) {           /* n .. p95 */
        char *end;

        f[i] = strtod(q, &end);
        ck_assert(end != q && *end == ',');
        q = end + 1;
    }
    NEAR(f[0], 3, 0);
    NEAR(f[1], 20, 1e-12);
    NEAR(f[6], 11, 1e-9);
    NEAR(f[7], 20, 1e-9);
    NEAR(f[8], 29, 1e-9);
    free(text);
}
END_TEST

/* The line of 'text' that starts with 'prefix', as a malloc'd string
 * without its newline; NULL if none. */
static char *line_of(const char *text, const char *prefix)
{
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (strncmp(l, prefix, strlen(prefix)) == 0) {
            const char *e = strchr(l, '\n');

            return strndup(l, e ? (size_t)(e - l) : strlen(l));
        }
    return NULL;
}

/* Contrast rules by hand, stats.h and README: the axis is 'policy' when
 * there is one, even when it is not the first axis (here x, policy); the
 * baseline its first value (a). Pairs match by repetition; a pair where
 * either side lacks the metric is no pair (w of S-1, the baseline's
 * rep 1, is empty: w pairs rep 0 only, 6 - 5 = 1, n 1). common_seeds is 1
 * only when every pair shares its seed set: v's rep 1 pair has seed sets
 * 1 and 7, so v is 0 (24 - 20 = 4, 13 - 10 = 3: n 2, mean 3.5), while w's
 * only pair (0, 0) is 1. A failed run of b (S-5, rep 2, v 100) is no
 * result and pairs with nothing (v stays n 2), and u, which only b
 * measured (S-3), has no pair and so no row (not a row with n 0).
 * Survivors: the first axis taken over 'policy'
 * (no row at all: x has one value), common_seeds always 1, a missing
 * baseline value paired (n 2, mean NaN), the failed b run paired (n 3),
 * and rows with n 0. */
START_TEST(contrasts_policy_axis_seeds_and_missing_values)
{
    char *text = written_file(
        "run_id,config,run_number,repetition,seed_set,base_seed,x,policy,repetition,status\n"
        "\"S-0\",\"S\",0,0,0,1,\"1\",\"a\",\"0\",\"ok\"\n"
        "\"S-1\",\"S\",1,1,1,1,\"1\",\"a\",\"1\",\"ok\"\n"
        "\"S-2\",\"S\",2,0,0,1,\"1\",\"b\",\"0\",\"ok\"\n"
        "\"S-3\",\"S\",3,1,7,1,\"1\",\"b\",\"1\",\"ok\"\n"
        "\"S-4\",\"S\",4,2,2,1,\"1\",\"a\",\"2\",\"ok\"\n"
        "\"S-5\",\"S\",5,2,2,1,\"1\",\"b\",\"2\",\"failed\"\n",
        SC_HEAD "\"S-0\",\"v\",\"k\",\"e\",10,\"1\"\n"
                "\"S-0\",\"w\",\"k\",\"e\",5,\"1\"\n"
                "\"S-1\",\"v\",\"k\",\"e\",20,\"1\"\n"
                "\"S-1\",\"w\",\"k\",\"e\",,\"1\"\n"
                "\"S-2\",\"v\",\"k\",\"e\",13,\"1\"\n"
                "\"S-2\",\"w\",\"k\",\"e\",6,\"1\"\n"
                "\"S-3\",\"v\",\"k\",\"e\",24,\"1\"\n"
                "\"S-3\",\"w\",\"k\",\"e\",9,\"1\"\n"
                "\"S-3\",\"u\",\"k\",\"e\",1,\"1\"\n"
                "\"S-4\",\"v\",\"k\",\"e\",30,\"1\"\n"
                "\"S-5\",\"v\",\"k\",\"e\",100,\"1\"\n", "contrasts.csv");
    char *v = line_of(text, "\"S\",\"1\",\"v\",\"k\",\"e\",\"policy\",\"b\",\"a\",2,3.5,");
    char *w = line_of(text, "\"S\",\"1\",\"w\",\"k\",\"e\",\"policy\",\"b\",\"a\",1,1,");

    ck_assert_msg(strncmp(text, "config,x,metric,", 16) == 0, "%s", text);
    ck_assert_msg(v != NULL && w != NULL, "%s", text);
    ck_assert_msg(strlen(v) > 12 && strcmp(v + strlen(v) - 12, "\"paired-t\",0") == 0, "%s", v);
    ck_assert_msg(strlen(w) > 12 && strcmp(w + strlen(w) - 12, "\"paired-t\",1") == 0, "%s", w);
    ck_assert_msg(!strstr(text, "\"u\""), "%s", text);
    free(v); free(w); free(text);
}
END_TEST

/* More than 16 metrics (the first capacity of the value table) in
 * scalars.csv and in timeseries.csv: the table grows, and what was read
 * before it grew is kept. By hand: m0 of the one run is 0, m16 is 16;
 * s0.steady_mean is (1 + 3) / 2 = 2 (samples at t 1 h and 2 h, no
 * params.csv: no warm-up). Losing the values on a growth (NaN: metric
 * missing) or the samples read before the series accumulators grew
 * (s0 then 3) survived every test. */
START_TEST(many_metrics_survive_the_table_growing)
{
    char sc[4096], ts[8192], *err;
    size_t n = 0, k = 0;
    struct stats_data *sd;
    double x[1];
    long m;

    n += (size_t)snprintf(sc + n, sizeof sc - n, SC_HEAD);
    for (int i = 0; i < 17; i++)
        n += (size_t)snprintf(sc + n, sizeof sc - n, "\"S-0\",\"m%d\",\"k\",\"e\",%d,\"1\"\n", i, i);
    k += (size_t)snprintf(ts + k, sizeof ts - k, "run_id,t_h,metric,entity_kind,entity,value\n");
    for (int t = 1; t <= 2; t++)
        for (int i = 0; i < 17; i++)
            k += (size_t)snprintf(ts + k, sizeof ts - k, "\"S-0\",%d,\"s%d\",\"k\",\"e\",%d\n",
                                  t, i, 2 * t - 1);
    ck_assert(n < sizeof sc && k < sizeof ts);
    sd = load_files(RUNS_HEAD "\"S-0\",\"S\",0,0,0,1,\"0\",\"ok\"\n", sc, ts, &err);
    ck_assert_msg(sd != NULL, "%s", err);
    free(err);
    ck_assert_uint_eq(stats_metric_count(sd), 34);
    m = stats_find_metric(sd, "m0", "k", "e");
    ck_assert_int_ge(m, 0);
    ck_assert_uint_eq(stats_values(sd, 0, (size_t)m, x), 1);
    NEAR(x[0], 0, 0);
    m = stats_find_metric(sd, "m16", "k", "e");
    ck_assert_uint_eq(stats_values(sd, 0, (size_t)m, x), 1);
    NEAR(x[0], 16, 0);
    m = stats_find_metric(sd, "s0.steady_mean", "k", "e");
    ck_assert_int_ge(m, 0);
    ck_assert_uint_eq(stats_values(sd, 0, (size_t)m, x), 1);
    NEAR(x[0], 2, 1e-12);
    m = stats_find_metric(sd, "s16.steady_mean", "k", "e");
    ck_assert_uint_eq(stats_values(sd, 0, (size_t)m, x), 1);
    NEAR(x[0], 2, 1e-12);
    stats_free(sd);
}
END_TEST

/* --level reaches the files, not only the CI function: at 0.90 the
 * summary of {10, 20, 30} (sd 10) has ci_level 0.9 and half-width
 * t(0.95, 2) 10 / sqrt(3) = 2.919986 * 10 / sqrt(3) = 16.858548 (t from
 * a textbook table; R: qt(0.95, 2)), and the contrast of b = a + {1, 2, 3}
 * (sd 1) has ci_level 0.9 and half-width 2.919986 / sqrt(3). Writing
 * 0.95 into either file, or computing either CI at 0.95, survived every
 * test. */
START_TEST(files_follow_the_level)
{
    static const char runs_text[] =
        "run_id,config,run_number,repetition,seed_set,base_seed,policy,repetition,status\n"
        "\"S-0\",\"S\",0,0,0,1,\"a\",\"0\",\"ok\"\n"
        "\"S-1\",\"S\",1,1,1,1,\"a\",\"1\",\"ok\"\n"
        "\"S-2\",\"S\",2,2,2,1,\"a\",\"2\",\"ok\"\n"
        "\"S-3\",\"S\",3,0,0,1,\"b\",\"0\",\"ok\"\n"
        "\"S-4\",\"S\",4,1,1,1,\"b\",\"1\",\"ok\"\n"
        "\"S-5\",\"S\",5,2,2,1,\"b\",\"2\",\"ok\"\n";
    static const char sc_text[] = SC_HEAD
        "\"S-0\",\"x\",\"k\",\"e\",10,\"1\"\n"
        "\"S-1\",\"x\",\"k\",\"e\",20,\"1\"\n"
        "\"S-2\",\"x\",\"k\",\"e\",30,\"1\"\n"
        "\"S-3\",\"x\",\"k\",\"e\",11,\"1\"\n"
        "\"S-4\",\"x\",\"k\",\"e\",22,\"1\"\n"
        "\"S-5\",\"x\",\"k\",\"e\",33,\"1\"\n";
    const double half_s = 2.919986 * 10 / sqrt(3.0), half_c = 2.919986 / sqrt(3.0);
    double f[6];
    char *text = written_file_at(0.90, runs_text, sc_text, "summary.csv");
    const char *q = strstr(text, "\"S\",\"a\",\"x\",\"k\",\"e\",");

    ck_assert_msg(q != NULL, "%s", text);
    for (int i = 0; i < 5; i++)
        q = strchr(q, ',') + 1;
    for (int i = 0; i < 6; i++) {           /* n, mean, sd, ci_level, ci_low, ci_high */
        char *end;

        f[i] = strtod(q, &end);
        ck_assert(end != q && *end == ',');
        q = end + 1;
    }
    NEAR(f[1], 20, 1e-12);
    NEAR(f[3], 0.90, 0);
    NEAR(f[4], 20 - half_s, 1e-5);
    NEAR(f[5], 20 + half_s, 1e-5);
    free(text);
    text = written_file_at(0.90, runs_text, sc_text, "contrasts.csv");
    q = strstr(text, "\"S\",\"x\",\"k\",\"e\",\"policy\",\"b\",\"a\",");
    ck_assert_msg(q != NULL, "%s", text);
    for (int i = 0; i < 7; i++)
        q = strchr(q, ',') + 1;
    for (int i = 0; i < 6; i++) {           /* n, mean_diff, sd_diff, ci_level, ci_low, ci_high */
        char *end;

        f[i] = strtod(q, &end);
        ck_assert(end != q && *end == ',');
        q = end + 1;
    }
    NEAR(f[0], 3, 0);
    NEAR(f[1], 2, 1e-12);
    NEAR(f[2], 1, 1e-12);
    NEAR(f[3], 0.90, 0);
    NEAR(f[4], 2 - half_c, 1e-5);
    NEAR(f[5], 2 + half_c, 1e-5);
    free(text);
}
END_TEST

/* A params.csv row of a run that runs.csv lacks is skipped, as the
 * time-series rows of one are: its warm-up was stored at index -1 (out
 * of the table: heap damage) without the r >= 0 test, which survived
 * every test. The runs that are there keep their own warm-up: S-0's
 * 1 h drops the sample at 0.5 h, so (2 + 4) / 2 = 3 by hand. */
START_TEST(warmup_of_an_unknown_run_is_skipped)
{
    char *dir = test_tmpdir(), *runs = join(dir, "runs.csv"), *sc = join(dir, "scalars.csv");
    char *ts = join(dir, "timeseries.csv"), *pa = join(dir, "params.csv");
    struct diag d = DIAG_INIT(stderr);
    struct stats_data *sd;
    double x[1];
    long m;

    ck_assert_int_eq(test_write_file(runs, RUNS_HEAD "\"S-0\",\"S\",0,0,0,1,\"0\",\"ok\"\n"), 0);
    ck_assert_int_eq(test_write_file(sc, SC_HEAD), 0);
    ck_assert_int_eq(test_write_file(pa,
        "run_id,key,value,unit,source\n"
        "\"S-9\",\"sim.warmup\",\"5h\",\"d\",\"General\"\n"
        "\"S-0\",\"sim.warmup\",\"1h\",\"d\",\"General\"\n"
        "\"S-8\",\"sim.warmup\",\"7h\",\"d\",\"General\"\n"), 0);
    ck_assert_int_eq(test_write_file(ts,
        "run_id,t_h,metric,entity_kind,entity,value\n"
        "\"S-0\",0.5,\"price\",\"gpu\",\"H100\",100\n"
        "\"S-0\",1,\"price\",\"gpu\",\"H100\",2\n"
        "\"S-0\",2,\"price\",\"gpu\",\"H100\",4\n"), 0);
    for (int k = 0; k < 3; k++) {           /* the damage shows on a later malloc or free */
        sd = stats_load(dir, &d);
        ck_assert_ptr_nonnull(sd);
        m = stats_find_metric(sd, "price.steady_mean", "gpu", "H100");
        ck_assert_int_ge(m, 0);
        ck_assert_uint_eq(stats_values(sd, 0, (size_t)m, x), 1);
        NEAR(x[0], 3.0, 1e-12);
        stats_free(sd);
    }
    free(runs); free(sc); free(ts); free(pa); free(dir);
}
END_TEST

/* A contrast axis that is not an iteration variable is an error of
 * stats_write_contrasts itself (merge and run check --contrast first, so
 * only this test reaches it): without the check the first axis was
 * contrasted instead, silently. No temporary file is left. */
START_TEST(unknown_contrast_axis_is_refused)
{
    char *dir = test_tmpdir(), *runs = join(dir, "runs.csv"), *sc = join(dir, "scalars.csv");
    char *tmp = join(dir, ".contrasts.csv.tmp"), *buf = NULL;
    struct stats_opts o = { 0.95, "nope", NULL, false };
    struct diag d = DIAG_INIT(NULL);
    size_t len = 0;
    FILE *probe;

    ck_assert_int_eq(test_write_file(runs,
        "run_id,config,run_number,repetition,seed_set,base_seed,fee,repetition,status\n"
        "\"S-0\",\"S\",0,0,0,1,\"lo\",\"0\",\"ok\"\n"
        "\"S-1\",\"S\",1,0,0,1,\"hi\",\"0\",\"ok\"\n"), 0);
    ck_assert_int_eq(test_write_file(sc, SC_HEAD "\"S-0\",\"x\",\"k\",\"e\",1,\"1\"\n"
                                             "\"S-1\",\"x\",\"k\",\"e\",2,\"1\"\n"), 0);
    d.out = open_memstream(&buf, &len);
    ck_assert_int_ne(stats_write_all(dir, NULL, &o, &d), 0);
    fclose(d.out);
    ck_assert_msg(strstr(buf, "contrast axis 'nope' is not an iteration variable"), "%s", buf);
    free(buf);
    probe = fopen(tmp, "r");
    ck_assert_msg(probe == NULL, ".contrasts.csv.tmp left behind");
    free(runs); free(sc); free(tmp); free(dir);
}
END_TEST

/* summary.csv's last column is the metric's unit (README: "..., p95,
 * unit"): a scalar's is its unit in scalars.csv (USD/GPU-h here), while a
 * <metric>.steady_mean has an empty unit (README: "unit empty";
 * timeseries.csv has no unit column), written "" as every string is. No
 * test looked at the unit column: the entity kind written there, or kept
 * as a metric's unit, and the series' kind taken as its unit, survived
 * every test. */
START_TEST(summary_unit_column)
{
    char *dir = test_tmpdir(), *runs = join(dir, "runs.csv"), *sc = join(dir, "scalars.csv");
    char *ts = join(dir, "timeseries.csv"), *sum = join(dir, "summary.csv"), *text, *l;
    struct stats_opts o = { 0.95, NULL, NULL, false };
    struct diag d = DIAG_INIT(stderr);
    static const char tail_unit[] = ",\"USD/GPU-h\"", tail_empty[] = ",\"\"";

    ck_assert_int_eq(test_write_file(runs, RUNS_HEAD "\"S-0\",\"S\",0,0,0,1,\"0\",\"ok\"\n"
                                                     "\"S-1\",\"S\",1,1,1,1,\"1\",\"ok\"\n"), 0);
    ck_assert_int_eq(test_write_file(sc, SC_HEAD
        "\"S-0\",\"price\",\"gpu\",\"H100\",2,\"USD/GPU-h\"\n"
        "\"S-1\",\"price\",\"gpu\",\"H100\",4,\"USD/GPU-h\"\n"), 0);
    ck_assert_int_eq(test_write_file(ts,
        "run_id,t_h,metric,entity_kind,entity,value\n"
        "\"S-0\",1,\"listed\",\"gpu\",\"H100\",5\n"
        "\"S-1\",1,\"listed\",\"gpu\",\"H100\",7\n"), 0);
    ck_assert_int_eq(stats_write_all(dir, NULL, &o, &d), 0);
    text = test_read_file(sum, NULL);
    ck_assert_ptr_nonnull(text);
    l = line_of(text, "\"S\",\"price\",\"gpu\",\"H100\",2,3,");
    ck_assert_msg(l != NULL, "%s", text);
    ck_assert_msg(strlen(l) > strlen(tail_unit) &&
                  strcmp(l + strlen(l) - strlen(tail_unit), tail_unit) == 0, "%s", l);
    free(l);
    l = line_of(text, "\"S\",\"listed.steady_mean\",\"gpu\",\"H100\",2,6,");
    ck_assert_msg(l != NULL, "%s", text);
    ck_assert_msg(strlen(l) > strlen(tail_empty) &&
                  strcmp(l + strlen(l) - strlen(tail_empty), tail_empty) == 0, "%s", l);
    free(l);
    free(text);
    free(runs); free(sc); free(ts); free(sum); free(dir);
}
END_TEST

/* A point's label, what diff prints in its first column, is as stats.h
 * gives it: "name=value, name=value" in the declared order with the
 * values as typed (0.10 stays 0.10: the matching key, not the label,
 * reads numbers), and "all" without variables. An empty label for "all",
 * and "," for ", ", survived every test. */
START_TEST(point_labels)
{
    struct stats_data *a = one_run_dir("policy,fee", "\"fifo\",\"0.10\"");
    char *err;
    struct stats_data *none = load_files(RUNS_HEAD "\"S-0\",\"S\",0,0,0,1,\"0\",\"ok\"\n",
                                         SC_HEAD, NULL, &err);

    ck_assert_str_eq(stats_point_label(a, 0), "policy=fifo, fee=0.10");
    ck_assert_msg(none != NULL, "%s", err);
    free(err);
    ck_assert_uint_eq(stats_point_count(none), 1);
    ck_assert_str_eq(stats_point_label(none, 0), "all");
    stats_free(a);
    stats_free(none);
}
END_TEST

/* A pair is two results: a level run without the metric (an empty value,
 * or no row at all) pairs with nothing, as a baseline run without it
 * does (README: "paired (CRN) differences"; a missing value is no
 * difference). policy a/b x 2 repetitions: v of b's rep 1 is empty, so
 * v pairs rep 0 only: 13 - 10 = 3, n 1, by hand. z only the baseline
 * measured: no pair, so no row. Testing only the baseline's side for
 * NaN survived every test: it wrote v with n 2 and an empty (NaN) mean,
 * and a z row with n 2 and no numbers. */
START_TEST(contrasts_skip_a_level_without_the_metric)
{
    char *text = contrasts_of(
        "run_id,config,run_number,repetition,seed_set,base_seed,policy,repetition,status\n"
        "\"S-0\",\"S\",0,0,0,1,\"a\",\"0\",\"ok\"\n"
        "\"S-1\",\"S\",1,1,1,1,\"a\",\"1\",\"ok\"\n"
        "\"S-2\",\"S\",2,0,0,1,\"b\",\"0\",\"ok\"\n"
        "\"S-3\",\"S\",3,1,1,1,\"b\",\"1\",\"ok\"\n",
        SC_HEAD "\"S-0\",\"v\",\"k\",\"e\",10,\"1\"\n"
                "\"S-0\",\"z\",\"k\",\"e\",1,\"1\"\n"
                "\"S-1\",\"v\",\"k\",\"e\",20,\"1\"\n"
                "\"S-1\",\"z\",\"k\",\"e\",2,\"1\"\n"
                "\"S-2\",\"v\",\"k\",\"e\",13,\"1\"\n"
                "\"S-3\",\"v\",\"k\",\"e\",,\"1\"\n");

    ck_assert_msg(strstr(text, "\"S\",\"v\",\"k\",\"e\",\"policy\",\"b\",\"a\",1,3,"), "%s", text);
    ck_assert_msg(!strstr(text, "\"z\""), "%s", text);
    free(text);
}
END_TEST

/* A value is a number only when all of it is one (stats.h: "values that
 * are numbers compared as numbers"; stats_same_value: "the same finite
 * number written two ways"): 1h and 1d start with the same number but
 * are two durations, text, so two points and not the same baseline
 * spelling; 0.3x is not 0.3. Reading a value as a number when strtod
 * consumed only its start (end != v in place of !*end) matched 1h with
 * 1d, and survived every test. */
START_TEST(point_matching_number_with_a_suffix_is_text)
{
    struct stats_data *h = one_run_dir("warm", "\"1h\"");
    struct stats_data *dd = one_run_dir("warm", "\"1d\"");
    struct stats_data *h2 = one_run_dir("warm", "\"1h\"");

    ck_assert(!stats_same_value("1h", "1d"));
    ck_assert(!stats_same_value("0.3", "0.3x"));
    ck_assert(!stats_same_value("0.3x", "0.30"));
    ck_assert(stats_same_value("0.3", "0.30"));
    ck_assert_int_eq(stats_match_point(h, dd, 0), -1);
    ck_assert_int_eq(stats_match_point(dd, h, 0), -1);
    ck_assert_int_eq(stats_match_point(h2, h, 0), 0);      /* the same text */
    stats_free(h); stats_free(dd); stats_free(h2);
}
END_TEST

Suite *stats_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, ci_matches_hand_computation);
    tcase_add_test(tc, ci_of_one_value_has_no_interval);
    tcase_add_test(tc, paired_differences);
    tcase_add_test(tc, welch_hand_computed);
    tcase_add_test(tc, diff_decisions);
    tcase_add_test(tc, ci_follows_the_level);
    tcase_add_test(tc, relative_change_sign_and_rtol_edge);
    tcase_add_test(tc, infinite_values_mean_and_diff);
    tcase_add_test(tc, welch_documented_corners);
    tcase_add_test(tc, diff_judge_alpha_edge_and_nan_means);
    tcase_add_test(tc, files_from_a_small_study);
    tcase_add_test(tc, empty_series_value_is_a_missing_sample);
    tcase_add_test(tc, per_run_records_are_left_out);
    tcase_add_test(tc, steady_mean_deletes_the_warmup);
    tcase_add_test(tc, points_match_on_axis_values);
    tcase_add_test(tc, broken_directories_are_refused_with_file_and_row);
    tcase_add_test(tc, every_missing_column_is_named);
    tcase_add_test(tc, values_come_in_run_number_order);
    tcase_add_test(tc, point_matching_number_rules);
    tcase_add_test(tc, contrasts_by_hand_on_the_first_axis);
    tcase_add_test(tc, lockstep_needs_both_directions);
    tcase_add_test(tc, point_matching_empty_and_close_numbers);
    tcase_add_test(tc, summary_quantiles_of_unordered_runs);
    tcase_add_test(tc, contrasts_policy_axis_seeds_and_missing_values);
    tcase_add_test(tc, many_metrics_survive_the_table_growing);
    tcase_add_test(tc, zero_to_zero_is_no_change);
    tcase_add_test(tc, welch_unequal_sizes_and_variances);
    tcase_add_test(tc, files_follow_the_level);
    tcase_add_test(tc, warmup_of_an_unknown_run_is_skipped);
    tcase_add_test(tc, unknown_contrast_axis_is_refused);
    tcase_add_test(tc, summary_unit_column);
    tcase_add_test(tc, point_labels);
    tcase_add_test(tc, contrasts_skip_a_level_without_the_metric);
    tcase_add_test(tc, point_matching_number_with_a_suffix_is_text);
    suite_add_tcase(s, tc);
    return s;
}
