/* sim/diff.c -- compare two result directories with their CIs. */
#define _DEFAULT_SOURCE             /* getopt_long, strdup */
#include "sim/diff.h"

#include <fnmatch.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/err.h"
#include "sim/param.h"
#include "sim/runner.h"
#include "sim/stats.h"

enum diff_verdict diff_judge(const struct stats_welch *w, size_t na, size_t nb,
                             double rtol, double alpha)
{
    bool big = fabs(w->rel) > rtol;

    if (na == 0 || nb == 0)
        return DIFF_ONE_SIDE;
    /* A non-finite mean has no relative change or test (they are NaN, and
     * NaN compares false, so inf -> 1 passed as ok): it moved unless both
     * sides are the same infinity (or both NaN). */
    if (!isfinite(w->mean_a) || !isfinite(w->mean_b))
        return w->mean_a == w->mean_b || (isnan(w->mean_a) && isnan(w->mean_b))
               ? DIFF_OK : DIFF_NOT_FINITE;
    if (na < 2 || nb < 2)
        return big ? DIFF_FEW_RUNS : DIFF_OK;
    if (w->p < alpha)
        return big ? DIFF_MOVED : DIFF_WITHIN_RTOL;
    return DIFF_OK;
}

bool diff_flagged(const struct stats_welch *w, size_t na, size_t nb,
                  double rtol, double alpha)
{
    enum diff_verdict v = diff_judge(w, na, nb, rtol, alpha);

    return v != DIFF_OK && v != DIFF_WITHIN_RTOL;
}

static bool wanted(const char *metric, const char *list)
{
    char *copy, *save = NULL, *tok;
    bool hit = false;

    if (!list)
        return true;
    copy = strdup(list);
    if (!copy)
        SIM_OOM("diff: out of memory");
    for (tok = strtok_r(copy, ",", &save); tok && !hit; tok = strtok_r(NULL, ",", &save))
        hit = fnmatch(tok, metric, 0) == 0;
    free(copy);
    return hit;
}

/* Every item of --metrics must name something in A or B: a misspelt
 * metric would otherwise compare nothing and report that nothing moved.
 * False, with a message (and the nearest name when there is one). */
static bool metrics_exist(const struct stats_data *const ab[2], const char *list)
{
    char *copy, *save = NULL, *tok;
    bool ok = true;

    if (!list)
        return true;
    copy = strdup(list);
    if (!copy)
        SIM_OOM("diff: out of memory");
    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        struct param_near near;
        char hint[160];
        bool hit = false;

        param_near_init(&near, tok);
        for (int side = 0; side < 2 && !hit; side++)
            for (size_t m = 0; m < stats_metric_count(ab[side]) && !hit; m++) {
                const char *metric, *kind, *entity, *unit;

                stats_metric(ab[side], m, &metric, &kind, &entity, &unit);
                hit = fnmatch(tok, metric, 0) == 0;
                param_near_offer(&near, metric);
            }
        if (hit)
            continue;
        ok = false;
        for (int side = 0; side < 2 && !hit; side++)
            for (size_t m = 0; m < stats_record_metric_count(ab[side]) && !hit; m++)
                hit = fnmatch(tok, stats_record_metric(ab[side], m), 0) == 0;
        if (hit)
            fprintf(stderr, "gpumarket diff: --metrics: '%s' names per-run records (one row "
                    "per offer of a run), which are not compared across runs: read them in "
                    "scalars.csv\n", tok);
        else
            fprintf(stderr, "gpumarket diff: --metrics: no metric '%s' in either directory%s\n",
                    tok, param_hint(param_near_best(&near), hint, sizeof hint));
    }
    free(copy);
    return ok;
}

static void diff_usage(FILE *f)
{
    fprintf(f,
"Usage: gpumarket diff DIR_A DIR_B [--rtol R] [--alpha A] [--metrics LIST] [--all]\n"
"Compare two result directories (A = baseline, B = candidate) metric by\n"
"metric at every sweep point, using the replications of each: Welch's\n"
"t-test on mean(B) - mean(A). A change is flagged when it is significant\n"
"(p < alpha) and larger than rtol relative to A. With fewer than 2 runs on\n"
"a side there is no variance and no test: any change larger than rtol is\n"
"flagged (the CI is n/a, the p-value '-'). Points or metrics present on\n"
"one side only are flagged too, and so is a mean infinite on one side.\n"
"Points match on their axis values, in any declared order, numbers as\n"
"numbers (0.10 is 0.1).\n\n"
"  --rtol R        relative tolerance (default 0.01 = 1%%)\n"
"  --alpha A       significance level (default 0.05)\n"
"  --metrics LIST  comma-separated metric names or globs (default all)\n"
"  --all           print every comparison, not only the flagged ones\n"
"  -h, --help      this text\n\n"
"stdout: one line per comparison shown: point, metric, entity, mean and\n"
"95%% CI half-width on each side, relative change, p-value, verdict.\n"
"stderr: how many moved, by reason.\n"
"Exit status: 0 nothing moved, 1 a flagged change or a run on either\n"
"side that did not end ok (failed its checks: nothing is compared),\n"
"2 trouble.\n");
}

/* One side's "mean ±half-width" (or "-"), padded to a fixed width on
 * screen: printf pads bytes, and '±' is two bytes of UTF-8 but one
 * column, so the pad is counted here. */
static void print_side(char side, const struct stats_ci *c)
{
    enum { WIDTH = 22 };
    char cell[64];
    int n;

    /* One run has no CI (and an infinite value none that means anything):
     * "±0" would claim a certain value. */
    if (c && c->n && isfinite(c->hi))
        n = snprintf(cell, sizeof cell, "%.6g ±%.3g", c->mean, c->hi - c->mean) - 1;
    else if (c && c->n)
        n = snprintf(cell, sizeof cell, "%.6g ±n/a", c->mean) - 1;
    else
        n = snprintf(cell, sizeof cell, "-");
    printf("  %c %s%*s", side, cell, n < WIDTH ? WIDTH - n : 0, "");
}

static void print_row(const char *point, const char *metric, const char *kind,
                      const char *entity, const struct stats_ci *a,
                      const struct stats_ci *b, const struct stats_welch *w,
                      const char *verdict)
{
    char ent[256];

    snprintf(ent, sizeof ent, "%s%s%s", kind, *entity ? ":" : "", entity);
    printf("%-28s %-30s %-18s", point, metric, ent);
    print_side('A', a);
    print_side('B', b);
    /* With fewer than two runs on a side the decision ignores p (it would
     * be computed as if a single run had no variance): "p=-". */
    if (w && a->n > 1 && b->n > 1 && !isnan(w->p))
        printf("  %+8.3f%%  p=%-9.3g", 100.0 * w->rel, w->p);
    else if (w)
        printf("  %+8.3f%%  p=%-9s", 100.0 * w->rel, "-");
    else
        printf("  %9s  %-11s", "", "");
    printf("  %s\n", verdict);
}

int diff_main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "rtol", required_argument, NULL, 'r' },
        { "alpha", required_argument, NULL, 'a' },
        { "metrics", required_argument, NULL, 'm' },
        { "all", no_argument, NULL, 'A' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    double rtol = 0.01, alpha = 0.05;
    const char *metrics = NULL;
    bool all = false;
    struct diag d = DIAG_INIT(stderr);
    struct stats_data *A, *B;
    size_t compared = 0, flagged = 0, why[DIFF_NVERDICTS] = { 0 };
    double *xa, *xb;
    int opt;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        char *end;

        switch (opt) {
        case 'r':
            rtol = strtod(optarg, &end);
            if (*end || !(rtol >= 0)) {
                fprintf(stderr, "gpumarket diff: --rtol wants a number >= 0, got '%s'\n", optarg);
                return RUNNER_EXIT_TROUBLE;
            }
            break;
        case 'a':
            alpha = strtod(optarg, &end);
            if (*end || !(alpha > 0 && alpha < 1)) {
                fprintf(stderr, "gpumarket diff: --alpha wants a number in (0, 1), got '%s'\n", optarg);
                return RUNNER_EXIT_TROUBLE;
            }
            break;
        case 'm':
            /* a list of no names would compare nothing and report that
             * nothing moved: a CI gate that always passes */
            if (optarg[strspn(optarg, ", ")] == '\0') {
                fprintf(stderr, "gpumarket diff: --metrics names no metric, got '%s'\n", optarg);
                return RUNNER_EXIT_TROUBLE;
            }
            metrics = optarg;
            break;
        case 'A': all = true; break;
        case 'h': diff_usage(stdout); return 0;
        default: diff_usage(stderr); return RUNNER_EXIT_TROUBLE;
        }
    }
    if (optind + 2 != argc) {
        fprintf(stderr, "gpumarket diff: two result directories, got %d\n", argc - optind);
        diff_usage(stderr);
        return RUNNER_EXIT_TROUBLE;
    }
    A = stats_load(argv[optind], &d);
    B = A ? stats_load(argv[optind + 1], &d) : NULL;
    if (!A || !B) {
        stats_free(A);
        return RUNNER_EXIT_TROUBLE;
    }
    {
        const struct stats_data *const ab[2] = { A, B };
        bool failed = false;

        /* A run that failed its checks has numbers, but not results
         * (DESIGN.md 9): compared on its surviving runs, a directory whose
         * runs broke an invariant could report that nothing moved. Like
         * `plot`, diff refuses it (exit 1: a check was negative). */
        for (int side = 0; side < 2; side++)
            if (stats_failed_count(ab[side])) {
                fprintf(stderr, "gpumarket diff: %s: %zu of %zu runs did not end ok "
                                "(see its FAILED): their numbers are not results, "
                                "so nothing is compared\n", argv[optind + side],
                        stats_failed_count(ab[side]), stats_run_count(ab[side]));
                failed = true;
            }
        if (failed) {
            stats_free(A);
            stats_free(B);
            return RUNNER_EXIT_CHECK;
        }
        if (!metrics_exist(ab, metrics)) {
            stats_free(A);
            stats_free(B);
            return RUNNER_EXIT_TROUBLE;
        }
    }
    xa = malloc((stats_run_count(A) + 1) * sizeof *xa);
    xb = malloc((stats_run_count(B) + 1) * sizeof *xb);
    if (!xa || !xb)
        SIM_OOM("diff: out of memory");
    /* Two different studies share no point: every comparison below is
     * one-sided, thousands of rows "missing in B" that do not say why. */
    if (stats_point_count(A) > 0 && stats_point_count(B) > 0) {
        bool shared = false;

        for (size_t p = 0; p < stats_point_count(A) && !shared; p++)
            shared = stats_match_point(B, A, p) >= 0;
        if (!shared)
            fprintf(stderr, "gpumarket diff: note: no sweep point of %s (config '%s') is one "
                    "of %s (config '%s'): different studies, so every comparison is one-sided\n",
                    argv[optind], stats_config(A), argv[optind + 1], stats_config(B));
    }
    /* Everything in A, in A's order; then what only B has. */
    for (size_t p = 0; p < stats_point_count(A); p++) {
        const char *label = stats_point_label(A, p);
        long q = stats_match_point(B, A, p);

        for (size_t m = 0; m < stats_metric_count(A); m++) {
            const char *metric, *kind, *entity;
            long mb;
            size_t na, nb;
            struct stats_ci ca, cb;
            struct stats_welch w;
            enum diff_verdict v;
            bool flag;

            stats_metric(A, m, &metric, &kind, &entity, NULL);
            if (!wanted(metric, metrics))
                continue;
            na = stats_values(A, p, m, xa);
            if (na == 0)
                continue;
            stats_ci(xa, na, 0.95, &ca);
            mb = stats_find_metric(B, metric, kind, entity);
            nb = q >= 0 && mb >= 0 ? stats_values(B, (size_t)q, (size_t)mb, xb) : 0;
            compared++;
            if (nb == 0) {
                flagged++;
                why[DIFF_ONE_SIDE]++;
                print_row(label, metric, kind, entity, &ca, NULL, NULL,
                          q < 0 ? "MOVED (point missing in B)" : "MOVED (missing in B)");
                continue;
            }
            stats_ci(xb, nb, 0.95, &cb);
            stats_welch(xa, na, xb, nb, &w);
            v = diff_judge(&w, na, nb, rtol, alpha);
            flag = v != DIFF_OK && v != DIFF_WITHIN_RTOL;
            flagged += flag;
            why[v]++;
            if (flag || all)
                print_row(label, metric, kind, entity, &ca, &cb, &w,
                          v == DIFF_MOVED ? "MOVED"
                          : v == DIFF_FEW_RUNS ? "MOVED (n < 2, no test)"
                          : v == DIFF_NOT_FINITE ? "MOVED (not finite)"
                          : v == DIFF_WITHIN_RTOL ? "significant, within rtol"
                          : "ok");
        }
    }
    for (size_t q = 0; q < stats_point_count(B); q++) {
        const char *label = stats_point_label(B, q);
        long p = stats_match_point(A, B, q);

        for (size_t m = 0; m < stats_metric_count(B); m++) {
            const char *metric, *kind, *entity;
            long ma;
            struct stats_ci cb;
            size_t nb;

            stats_metric(B, m, &metric, &kind, &entity, NULL);
            if (!wanted(metric, metrics))
                continue;
            ma = stats_find_metric(A, metric, kind, entity);
            if (p >= 0 && ma >= 0 && stats_values(A, (size_t)p, (size_t)ma, xa) > 0)
                continue;       /* compared above */
            nb = stats_values(B, q, m, xb);
            if (nb == 0)
                continue;
            stats_ci(xb, nb, 0.95, &cb);
            compared++;
            flagged++;
            why[DIFF_ONE_SIDE]++;
            print_row(label, metric, kind, entity, NULL, &cb, NULL,
                      p < 0 ? "MOVED (point new in B)" : "MOVED (new in B)");
        }
    }
    /* The count by reason: most runs have repeat = 1, where nothing is
     * tested and "p < alpha" would misstate why a comparison moved. */
    fprintf(stderr, "diff: %zu of %zu comparisons moved", flagged, compared);
    if (!flagged)
        fprintf(stderr, " (rtol %g%%, alpha %g)", 100.0 * rtol, alpha);
    if (why[DIFF_MOVED])
        fprintf(stderr, ": %zu significant (p < %g) and beyond %g%%",
                why[DIFF_MOVED], alpha, 100.0 * rtol);
    if (why[DIFF_FEW_RUNS])
        fprintf(stderr, "%s%zu beyond %g%% with fewer than 2 runs on a side (no test)",
                why[DIFF_MOVED] ? ", " : ": ", why[DIFF_FEW_RUNS], 100.0 * rtol);
    if (why[DIFF_NOT_FINITE])
        fprintf(stderr, "%s%zu not finite on one side",
                why[DIFF_MOVED] + why[DIFF_FEW_RUNS] ? ", " : ": ", why[DIFF_NOT_FINITE]);
    if (why[DIFF_ONE_SIDE])
        fprintf(stderr, "%s%zu on one side only",
                why[DIFF_MOVED] + why[DIFF_FEW_RUNS] + why[DIFF_NOT_FINITE] ? ", " : ": ",
                why[DIFF_ONE_SIDE]);
    fputc('\n', stderr);
    free(xa);
    free(xb);
    stats_free(A);
    stats_free(B);
    return flagged ? RUNNER_EXIT_CHECK : RUNNER_EXIT_OK;
}
