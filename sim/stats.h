/* sim/stats.h -- statistics across replications: summary, CRN contrasts,
 * and the tests behind `gpumarket diff`.
 *
 * Everything is computed from the tidy files of a result directory
 * (runs.csv, scalars.csv, timeseries.csv, params.csv), never from memory
 * of how the runs were executed, and every reduction walks runs in
 * run-number order, so summary.csv and contrasts.csv are byte-identical
 * for any number of workers.
 *
 * A sweep point is one combination of the iteration variables other than
 * 'repetition'. Only runs whose status is "ok" count. Warm-up deletion:
 * for every time-series metric the mean of its samples at t >= sim.warmup
 * (from params.csv) becomes an extra per-run metric "<metric>.steady_mean";
 * end-of-run scalars are already warm-up-free by the engine contract.
 *
 * Per-run records: scalars whose entity kind holds a ':' ("offer:RTX
 * 4090", one row per offer listed at the end, the entity its machine's
 * index in that run) describe the things one run had, and an entity names
 * different things in different runs. Across runs they are no statistic:
 * they are read, checked and then left out of summary.csv, contrasts.csv
 * and diff (scalars.csv keeps them for the charts and per-run analysis).
 *
 * Plots hook: summary.csv (sweep response) and contrasts.csv (forest plot
 * of CRN contrasts) are the data behind the two experiment charts; the
 * `plot` command, when registered, is called on the directory afterwards.
 */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include "sim/err.h"

/* ---- the math (pure, unit-tested) ---- */

struct stats_ci {
    size_t n;
    double mean, sd;            /* sd: NaN when n < 2 */
    double lo, hi;              /* Student-t CI at 'level'; NaN when n < 2 */
};

/* Mean, sample sd and t-interval of x[0..n-1] (n may be 0: all NaN). */
void stats_ci(const double *x, size_t n, double level, struct stats_ci *out);

/* Welch's two-sample t-test of mean(b) - mean(a). */
struct stats_welch {
    double mean_a, mean_b;      /* inf (or NaN: inf and -inf) when a value is */
    double diff;                /* mean(b) - mean(a) */
    double rel;                 /* diff / |mean(a)|; inf when mean(a) is 0 and diff is not */
    double t, df, p;            /* two-sided p; p = 0 when both sds are 0 and the means differ;
                                 * NaN when a mean is not finite */
};
void stats_welch(const double *a, size_t na, const double *b, size_t nb,
                 struct stats_welch *out);

/* CI of the paired differences b[i] - a[i]. */
void stats_paired(const double *a, const double *b, size_t n, double level,
                  struct stats_ci *out);

/* ---- a loaded result directory ---- */

struct stats_data;

/* Reads DIR/runs.csv and DIR/scalars.csv (required) and DIR/timeseries.csv
 * with DIR/params.csv (optional). Errors go to 'd' as "file:row: error:". */
struct stats_data *stats_load(const char *dir, struct diag *d);
void stats_free(struct stats_data *sd);                /* NULL is a no-op */

size_t stats_run_count(const struct stats_data *sd);
/* The config of the first run in runs.csv ("" when none). */
const char *stats_config(const struct stats_data *sd);
size_t stats_failed_count(const struct stats_data *sd);  /* status != ok */
size_t stats_point_count(const struct stats_data *sd);
/* Value of variable i at point p. */
const char *stats_point_value(const struct stats_data *sd, size_t p, size_t i);
/* Do two values of a sweep variable name the same point: the same text,
 * or the same finite number written two ways ("0.3" and "0.30"). */
bool stats_same_value(const char *a, const char *b);
/* "name=value, name=value" ("all" without variables); owned by sd. */
const char *stats_point_label(const struct stats_data *sd, size_t p);
/* Is 'kind' a per-run record's entity kind (it holds a ':')? */
bool stats_record_kind(const char *kind);
/* The metric names of the per-run records left out, in first-appearance
 * order (for a message naming one). */
size_t stats_record_metric_count(const struct stats_data *sd);
const char *stats_record_metric(const struct stats_data *sd, size_t i);
size_t stats_metric_count(const struct stats_data *sd);
void stats_metric(const struct stats_data *sd, size_t m, const char **metric,
                  const char **kind, const char **entity, const char **unit);
/* Index of a metric, or -1. */
long stats_find_metric(const struct stats_data *sd, const char *metric,
                       const char *kind, const char *entity);
/* Index of the point of sd that is point q of 'other', or -1: the same
 * variables with the same values, in any declared order, values that are
 * numbers compared as numbers (0.10 is 0.1). */
long stats_match_point(const struct stats_data *sd, const struct stats_data *other,
                       size_t q);
/* Values of metric m over the ok runs of point p, in run-number order,
 * missing values skipped. 'out' holds stats_run_count() doubles. */
size_t stats_values(const struct stats_data *sd, size_t p, size_t m, double *out);

/* ---- the files ---- */

struct stats_opts {
    double level;               /* CI level, 0.95 */
    const char *axis;           /* contrast axis; NULL = "policy" if present, else the first */
    const char *baseline;       /* its baseline value; NULL = the first in run order */
    bool part;                  /* the runs are a part of the study (run -r): a
                                 * baseline that none of them has gives a
                                 * header-only contrasts.csv, not an error */
};

/* summary.csv: config, <vars>, metric, entity_kind, entity, n, mean, sd,
 * ci_level, ci_low, ci_high, p05, p50, p95, unit. */
int stats_write_summary(const struct stats_data *sd, const char *path,
                        double level);
/* contrasts.csv: config, <vars but the axis>, metric, entity_kind, entity,
 * axis, level, baseline_level, n, mean_diff, sd_diff, ci_level, ci_low,
 * ci_high, method, common_seeds: 'axis' names the contrast axis, 'level'
 * and 'baseline_level' are its two values compared. Pairs are matched by
 * repetition. */
int stats_write_contrasts(const struct stats_data *sd, const char *path,
                          const struct stats_opts *o, struct diag *d);
/* Both files into 'dir' (each through a temporary name and rename).
 * Errors name the files in 'shown' (NULL: 'dir'): a scratch directory
 * that will become 'shown' is gone by the time the user reads them. */
int stats_write_all(const char *dir, const char *shown, const struct stats_opts *o,
                    struct diag *d);

#endif
