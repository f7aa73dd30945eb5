/* plots/defaults.c -- the default chart set, drawn from a result directory.
 *
 * Reads runs.csv, params.csv, scalars.csv and timeseries.csv (metric names
 * from docs/METRICS.md), builds each chart as data and saves it with its
 * CSV under DIR/plots/, then gathers them into DIR/report.pdf. Every file
 * is optional: a chart whose metrics are absent is drawn empty with a note,
 * so a model that does not (yet) record a metric still gets a report.
 *
 * Spread: with several runs (replications) a band or CI is taken across
 * runs; with one run the P10/P90 metrics give the band. timeseries.csv is
 * streamed (tbl_scan) keeping only the metrics charts use, since a year of
 * hourly samples for thirty GPU models is millions of rows.
 */
#define _DEFAULT_SOURCE             /* strdup, strtok_r */
#include "plots/plot.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <ini.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "sim/param.h"
#include "sim/table.h"

#define TOP_GPUS 7              /* GPU models drawn with their own colour */

/* Time-series metrics the charts read, in one table so the scanner can
 * drop every other row at once. */
enum ts_metric {
    M_LISTED, M_OD, M_RES, M_INT, M_IDLE, M_FAILED, M_UTIL,
    M_POD10, M_POD50, M_POD90, M_PINT10, M_PINT50, M_PINT90, NMET
};
static const char ts_names[NMET][28] = {
    "gpus_listed", "gpus_rented_ondemand", "gpus_rented_reserved",
    "gpus_rented_interruptible", "gpus_idle", "gpus_failed", "utilisation",
    "price_ondemand_p10", "price_ondemand_p50", "price_ondemand_p90",
    "price_interruptible_p10", "price_interruptible_p50",
    "price_interruptible_p90",
};

struct ts {
    double *t, *v;              /* owned; t in hours */
    size_t n, cap;
};

/* Everything read from one result directory. */
struct rdir {
    const char *dir;            /* borrowed */
    struct diag *d;
    char **runs;                /* run ids, owned */
    size_t nruns;
    size_t npoints;             /* distinct sweep points among the runs */
    char *config, *scenario, *version, *digest, *seed, *events;
    double warmup_h, horizon_h;
    /* params.csv's sim.model: some run's was given, some run's was the
     * market (whose charts a phold or reproduction run would only fill
     * with "no data") */
    bool model_known, market;
    char *model;                /* the first run's sim.model, owned; NULL: none */
    struct tbl *scalars;        /* NULL when absent */
    int sc_run, sc_metric, sc_kind, sc_entity, sc_value;
    /* time series: gpu entities and cells [(e * NMET + m) * nruns + r] */
    char **gpus;
    size_t ngpu, capgpu;
    struct ts *cells;
    size_t ncells;
    int col[6];                 /* run_id, t_h, metric, entity_kind, entity, value */
    const char *ts_path;
    size_t last_run, last_gpu, last_m;
    char last_t[64];
    double last_tv;
    /* GPU models ranked by GPUs listed, most first */
    size_t *rank;
    struct plot_palette *pal;
};

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);

    if (!p)
        SIM_OOM("plot: out of memory");
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static bool exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

/* ---- small statistics ---- */

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Quantile of the finite values among v[0..n) (v is reordered). */
static double quantile(double *v, size_t n, double q)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            v[k++] = v[i];
    if (!k)
        return NAN;
    qsort(v, k, sizeof *v, cmp_dbl);
    return gsl_stats_quantile_from_sorted_data(v, 1, k, q);
}

/* Mean and 95% t-interval half-width of the finite values. */
static void mean_ci(const double *v, size_t n, double *mean, double *half)
{
    double *w = malloc((n ? n : 1) * sizeof *w);
    size_t k = 0;

    if (!w)
        SIM_OOM("plot: out of memory");
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            w[k++] = v[i];
    *mean = k ? gsl_stats_mean(w, 1, k) : (double)NAN;
    *half = k >= 2 ? gsl_cdf_tdist_Pinv(0.975, (double)(k - 1)) *
                         gsl_stats_sd(w, 1, k) / sqrt((double)k)
                   : (double)NAN;
    free(w);
}

/* ---- manifest, runs, params ---- */

static int on_ini(void *user, const char *section, const char *name,
                  const char *value)
{
    struct rdir *R = user;
    char **dst = NULL;

    if (strcmp(section, "gpumarket") == 0 && strcmp(name, "version") == 0)
        dst = &R->version;
    else if (strcmp(section, "scenario") == 0 && strcmp(name, "path") == 0)
        dst = &R->scenario;
    else if (strcmp(section, "scenario") == 0 && strcmp(name, "digest") == 0)
        dst = &R->digest;
    else if (strcmp(section, "scenario") == 0 && strcmp(name, "config") == 0)
        dst = &R->config;
    if (dst) {
        free(*dst);
        *dst = strdup(value);
    }
    return 1;
}

/* "30d", "1.5h", "90min", "20s": hours. A bare number is in 'unit'. */
static double hours_of(const char *text, const char *unit)
{
    char *end;
    double v = strtod(text, &end);
    const char *u = *end ? end : unit ? unit : "h";

    while (*u == ' ')
        u++;
    if (strcmp(u, "d") == 0)
        return v * 24.0;
    if (strcmp(u, "w") == 0)
        return v * 168.0;
    if (strcmp(u, "min") == 0)
        return v / 60.0;
    if (strcmp(u, "s") == 0)
        return v / 3600.0;
    if (strcmp(u, "ms") == 0)
        return v / 3.6e6;
    if (strcmp(u, "us") == 0)
        return v / 3.6e9;
    return v;
}

/* Distinct sweep points among the runs of runs.csv: the variables are
 * the columns between base_seed and status. A study of several points
 * pooled in one chart mixes their differences into the run-to-run bands
 * and intervals, which the charts then say (pooled_note). */
static size_t count_points(const struct tbl *t, int cseed, int cst)
{
    size_t n = 0;

    if (cseed < 0 || cst <= cseed + 1)
        return tbl_rows(t) ? 1 : 0;
    for (size_t i = 0; i < tbl_rows(t); i++) {
        bool seen = false;

        for (size_t j = 0; j < i && !seen; j++) {
            bool same = true;

            for (int c = cseed + 1; c < cst && same; c++)
                same = strcmp(tbl_get(t, i, (size_t)c), tbl_get(t, j, (size_t)c)) == 0;
            seen = same;
        }
        n += !seen;
    }
    return n;
}

/* A row of runs.csv by run id, for duplicate_runs(). */
struct run_row {
    const char *id;
    int line;
};

static int cmp_run_rows(const void *a, const void *b)
{
    const struct run_row *x = a, *y = b;
    int c = strcmp(x->id, y->id);

    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Reports each run id that runs.csv ('path') lists again, at the later
 * row; returns how many. Every chart keys its numbers by run id, so a
 * hand-edited or badly concatenated file has no meaning to draw (the
 * serverless chart once aborted on one). */
static size_t duplicate_runs(const struct tbl *t, int cid, const char *path, struct diag *d)
{
    size_t n = tbl_rows(t), dups = 0;
    struct run_row *r = malloc((n ? n : 1) * sizeof *r);

    if (!r)
        SIM_OOM("plot: out of memory");
    for (size_t i = 0; i < n; i++)
        r[i] = (struct run_row){ tbl_get(t, i, (size_t)cid), tbl_line(t, i) };
    qsort(r, n, sizeof *r, cmp_run_rows);
    for (size_t k = 1, first = 0; k < n; k++) {
        struct srcloc at = { path, r[k].line };

        if (strcmp(r[k].id, r[first].id) != 0)
            first = k;
        else if (dups++ < 10)
            diag_error(d, &at, "run %s is listed again (first at line %d)", r[k].id,
                       r[first].line);
    }
    if (dups > 10) {
        struct srcloc at = { path, 0 };

        diag_error(d, &at, "%zu repeated run ids in all", dups);
    }
    free(r);
    return dups;
}

static int read_meta(struct rdir *R)
{
    char *p = path_in(R->dir, "manifest.ini");
    struct tbl *t;
    int rc = SIM_OK;

    if (exists(p) && ini_parse(p, on_ini, R) < 0) {
        struct srcloc at = { p, 0 };

        diag_warn(R->d, &at, "cannot read the manifest");
    }
    free(p);
    p = path_in(R->dir, "runs.csv");
    if (exists(p)) {
        t = tbl_load(p, R->d);
        if (!t) {
            free(p);
            return SIM_EPARSE;
        }
        {
            int cid = tbl_need_col(t, "run_id", R->d), cseed = tbl_col(t, "base_seed");
            int cev = tbl_col(t, "events"), ccfg = tbl_col(t, "config");
            int cst = tbl_col(t, "status");
            size_t failed = 0;

            /* A run that failed its checks has numbers, but not results
             * (DESIGN.md 9): no chart is drawn from a directory holding
             * one, rather than a chart that looks whole. */
            for (size_t i = 0; cst >= 0 && i < tbl_rows(t); i++)
                if (strcmp(tbl_get(t, i, (size_t)cst), "ok") != 0) {
                    struct srcloc at = { p, tbl_line(t, i) };

                    if (failed++ == 0)
                        diag_error(R->d, &at, "run %s: status %s (see FAILED in the directory): "
                                   "its numbers are not results, so no chart is drawn",
                                   cid >= 0 ? tbl_get(t, i, (size_t)cid) : "?",
                                   tbl_get(t, i, (size_t)cst));
                }
            if (failed > 1) {
                struct srcloc at = { p, 0 };

                diag_error(R->d, &at, "%zu runs in all did not end ok", failed);
            }
            if (cid >= 0 && !failed && duplicate_runs(t, cid, p, R->d))
                rc = SIM_EPARSE;
            else if (cid < 0 || failed) {
                rc = cid < 0 ? SIM_EPARSE : SIM_ECHECK;
            } else {
                R->nruns = tbl_rows(t);
                R->runs = calloc(R->nruns ? R->nruns : 1, sizeof *R->runs);
                for (size_t i = 0; i < R->nruns; i++)
                    R->runs[i] = strdup(tbl_get(t, i, (size_t)cid));
                if (R->nruns && cseed >= 0)
                    R->seed = strdup(tbl_get(t, 0, (size_t)cseed));
                if (R->nruns && cev >= 0)
                    R->events = strdup(tbl_get(t, 0, (size_t)cev));
                if (R->nruns && ccfg >= 0 && !R->config)
                    R->config = strdup(tbl_get(t, 0, (size_t)ccfg));
                R->npoints = count_points(t, cseed, cst);
            }
        }
        tbl_free(t);
    }
    free(p);
    p = path_in(R->dir, "params.csv");
    if (rc == SIM_OK && exists(p)) {
        t = tbl_load(p, R->d);
        if (!t) {
            free(p);
            return SIM_EPARSE;
        }
        {
            int ck = tbl_col(t, "key"), cv = tbl_col(t, "value"), cu = tbl_col(t, "unit");

            for (size_t i = 0; ck >= 0 && cv >= 0 && i < tbl_rows(t); i++) {
                const char *k = tbl_get(t, i, (size_t)ck);
                const char *u = cu >= 0 ? tbl_get(t, i, (size_t)cu) : NULL;

                if (strcmp(k, "sim.warmup") == 0)
                    R->warmup_h = hours_of(tbl_get(t, i, (size_t)cv), u);
                else if (strcmp(k, "sim.horizon") == 0)
                    R->horizon_h = hours_of(tbl_get(t, i, (size_t)cv), u);
                else if (strcmp(k, "sim.model") == 0) {
                    if (!R->model_known && !(R->model = strdup(tbl_get(t, i, (size_t)cv))))
                        SIM_OOM("plot: out of memory");
                    R->model_known = true;
                    R->market |= strcmp(tbl_get(t, i, (size_t)cv), "market") == 0;
                }
            }
        }
        tbl_free(t);
    }
    free(p);
    return rc;
}

static size_t run_index(struct rdir *R, const char *id)
{
    for (size_t i = 0; i < R->nruns; i++)
        if (strcmp(R->runs[i], id) == 0)
            return i;
    /* A run missing from runs.csv: still chart it. */
    R->runs = realloc(R->runs, (R->nruns + 1) * sizeof *R->runs);
    if (!R->runs)
        SIM_OOM("plot: out of memory");
    R->runs[R->nruns] = strdup(id);
    return R->nruns++;
}

/* ---- scalars ---- */

static int read_scalars(struct rdir *R)
{
    char *p = path_in(R->dir, "scalars.csv");
    int rc = SIM_OK;

    if (exists(p)) {
        R->scalars = tbl_load(p, R->d);
        if (!R->scalars) {
            rc = SIM_EPARSE;
        } else {
            R->sc_run = tbl_need_col(R->scalars, "run_id", R->d);
            R->sc_metric = tbl_need_col(R->scalars, "metric", R->d);
            R->sc_kind = tbl_need_col(R->scalars, "entity_kind", R->d);
            R->sc_entity = tbl_need_col(R->scalars, "entity", R->d);
            R->sc_value = tbl_need_col(R->scalars, "value", R->d);
            if (R->sc_run < 0 || R->sc_metric < 0 || R->sc_kind < 0 ||
                R->sc_entity < 0 || R->sc_value < 0)
                rc = SIM_EPARSE;
            for (size_t i = 0; rc == SIM_OK && i < tbl_rows(R->scalars); i++) {
                double v;
                const char *s = tbl_get(R->scalars, i, (size_t)R->sc_value);

                if (*s && tbl_get_num(R->scalars, i, (size_t)R->sc_value, &v, R->d))
                    rc = SIM_EPARSE;
                else
                    run_index(R, tbl_get(R->scalars, i, (size_t)R->sc_run));
            }
        }
    }
    free(p);
    return rc;
}

static double sc_value(const struct rdir *R, size_t row)
{
    const char *s = tbl_get(R->scalars, row, (size_t)R->sc_value);

    return *s ? strtod(s, NULL) : (double)NAN;
}

/* Distinct entities of 'metric' (and kind, unless NULL), sorted. */
static size_t sc_entities(const struct rdir *R, const char *metric,
                          const char *kind, char ***out)
{
    char **e = NULL;
    size_t n = 0;

    for (size_t i = 0; R->scalars && i < tbl_rows(R->scalars); i++) {
        const char *en;
        bool dup = false;

        if (strcmp(tbl_get(R->scalars, i, (size_t)R->sc_metric), metric) != 0 ||
            (kind && strcmp(tbl_get(R->scalars, i, (size_t)R->sc_kind), kind) != 0))
            continue;
        en = tbl_get(R->scalars, i, (size_t)R->sc_entity);
        for (size_t j = 0; j < n && !dup; j++)
            dup = strcmp(e[j], en) == 0;
        if (dup)
            continue;
        e = realloc(e, (n + 1) * sizeof *e);
        if (!e)
            SIM_OOM("plot: out of memory");
        e[n++] = strdup(en);
    }
    *out = e;
    return n;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_strs(char **s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i]);
    free(s);
}

/* Value of (metric, kind, entity) in each run: v[run], NaN when absent. */
static void sc_per_run(struct rdir *R, const char *metric, const char *kind,
                       const char *entity, double *v)
{
    for (size_t r = 0; r < R->nruns; r++)
        v[r] = NAN;
    for (size_t i = 0; R->scalars && i < tbl_rows(R->scalars); i++) {
        if (strcmp(tbl_get(R->scalars, i, (size_t)R->sc_metric), metric) != 0 ||
            (kind && strcmp(tbl_get(R->scalars, i, (size_t)R->sc_kind), kind) != 0) ||
            strcmp(tbl_get(R->scalars, i, (size_t)R->sc_entity), entity) != 0)
            continue;
        v[run_index(R, tbl_get(R->scalars, i, (size_t)R->sc_run))] = sc_value(R, i);
    }
}

/* ---- time series ---- */

static size_t gpu_index(struct rdir *R, const char *name)
{
    size_t old, g = R->last_gpu;

    /* Rows cycle through the models in a fixed order: try the last one
     * and its successor before searching. */
    if (g < R->ngpu && strcmp(R->gpus[g], name) == 0)
        return g;
    if (g + 1 < R->ngpu && strcmp(R->gpus[g + 1], name) == 0)
        return R->last_gpu = g + 1;
    for (size_t i = R->ngpu; i-- > 0;)
        if (strcmp(R->gpus[i], name) == 0)
            return R->last_gpu = i;
    if (R->ngpu == R->capgpu) {
        R->capgpu = R->capgpu ? 2 * R->capgpu : 16;
        R->gpus = realloc(R->gpus, R->capgpu * sizeof *R->gpus);
        if (!R->gpus)
            SIM_OOM("plot: out of memory");
    }
    R->gpus[R->ngpu] = strdup(name);
    R->last_gpu = R->ngpu;
    old = R->ncells;
    R->ncells = (R->ngpu + 1) * NMET * R->nruns;
    R->cells = realloc(R->cells, R->ncells * sizeof *R->cells);
    if (!R->cells)
        SIM_OOM("plot: out of memory");
    memset(R->cells + old, 0, (R->ncells - old) * sizeof *R->cells);
    return R->ngpu++;
}

static struct ts *cell(const struct rdir *R, size_t e, size_t m, size_t r)
{
    return &R->cells[(e * NMET + m) * R->nruns + r];
}

static int bad_num(struct rdir *R, int line, const char *col, const char *s)
{
    struct srcloc at = { R->ts_path, line };

    diag_error(R->d, &at, "column '%s': expected a number, got \"%s\"", col, s);
    return SIM_EPARSE;
}

static int on_ts_row(void *ctx, const char *const *f, size_t n, int line)
{
    static const char need[6][12] = { "run_id", "t_h", "metric",
                                         "entity_kind", "entity", "value" };
    struct rdir *R = ctx;
    const char *metric, *ts, *vs;
    size_t m, r, e;
    double v;
    struct ts *s;
    char *end;

    if (line == 1) {
        for (int k = 0; k < 6; k++) {
            R->col[k] = -1;
            for (size_t i = 0; i < n; i++)
                if (strcmp(f[i], need[k]) == 0)
                    R->col[k] = (int)i;
            if (R->col[k] < 0) {
                struct srcloc at = { R->ts_path, 1 };

                return diag_error(R->d, &at, "missing column '%s'", need[k]);
            }
        }
        return 0;
    }
    metric = f[R->col[2]];
    if (metric[0] != 'g' && metric[0] != 'u' && metric[0] != 'p')
        return 0;               /* cheap reject of most unused metrics */
    m = R->last_m + 1 < NMET ? R->last_m + 1 : 0;
    if (strcmp(metric, ts_names[m]) != 0)
        for (m = 0; m < NMET; m++)
            if (strcmp(metric, ts_names[m]) == 0)
                break;
    if (m < NMET)
        R->last_m = m;
    if (m == NMET || strcmp(f[R->col[3]], "gpu") != 0)
        return 0;
    if (R->last_run >= R->nruns || strcmp(R->runs[R->last_run], f[R->col[0]]) != 0) {
        size_t before = R->nruns;

        R->last_run = run_index(R, f[R->col[0]]);
        if (R->nruns != before) {
            /* A new run id: re-lay the cells for the wider run dimension. */
            struct ts *nc = calloc(R->ngpu * NMET * R->nruns + 1, sizeof *nc);

            if (!nc)
                SIM_OOM("plot: out of memory");
            for (size_t i = 0; i < R->ngpu * NMET; i++)
                for (size_t k = 0; k < before; k++)
                    nc[i * R->nruns + k] = R->cells[i * before + k];
            free(R->cells);
            R->cells = nc;
            R->ncells = R->ngpu * NMET * R->nruns;
        }
    }
    r = R->last_run;
    e = gpu_index(R, f[R->col[4]]);
    ts = f[R->col[1]];
    /* Rows of one sample time come together: parse each time once. */
    if (strncmp(ts, R->last_t, sizeof R->last_t) != 0) {
        R->last_tv = strtod(ts, &end);
        if (!*ts || *end || !isfinite(R->last_tv))
            return bad_num(R, line, "t_h", ts);
        snprintf(R->last_t, sizeof R->last_t, "%s", ts);
    }
    vs = f[R->col[5]];
    if (!*vs) {
        v = NAN;                /* not measured at this sample (no rentals) */
    } else {
        v = strtod(vs, &end);
        if (*end)
            return bad_num(R, line, "value", vs);
    }
    s = cell(R, e, m, r);
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->t = realloc(s->t, s->cap * sizeof *s->t);
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        if (!s->t || !s->v)
            SIM_OOM("plot: out of memory");
    }
    s->t[s->n] = R->last_tv;
    s->v[s->n++] = v;
    return 0;
}

static int read_series(struct rdir *R)
{
    char *p = path_in(R->dir, "timeseries.csv");
    int rc = SIM_OK;

    R->ts_path = p;
    R->last_run = SIZE_MAX;
    R->last_t[0] = '\0';
    if (exists(p)) {
        rc = tbl_scan(p, on_ts_row, R, R->d);
        if (rc > 0)
            rc = SIM_EPARSE;
    }
    R->ts_path = NULL;
    free(p);
    return rc;
}

static double ts_mean(const struct ts *s)
{
    double sum = 0;
    size_t k = 0;

    for (size_t i = 0; i < s->n; i++)
        if (isfinite(s->v[i])) {
            sum += s->v[i];
            k++;
        }
    return k ? sum / (double)k : (double)NAN;
}

/* Ranks GPU models by mean GPUs listed (ties and missing by name) and
 * registers them in that order, so the biggest models get the first
 * colours in every chart. */
static void rank_gpus(struct rdir *R)
{
    double *w = malloc((R->ngpu ? R->ngpu : 1) * sizeof *w);

    R->rank = malloc((R->ngpu ? R->ngpu : 1) * sizeof *R->rank);
    if (!w || !R->rank)
        SIM_OOM("plot: out of memory");
    for (size_t e = 0; e < R->ngpu; e++) {
        double sum = 0;

        for (size_t r = 0; r < R->nruns; r++) {
            double m = ts_mean(cell(R, e, M_LISTED, r));

            if (isfinite(m))
                sum += m;
        }
        w[e] = sum;
        R->rank[e] = e;
    }
    /* Insertion sort: a few dozen models. */
    for (size_t i = 1; i < R->ngpu; i++) {
        size_t x = R->rank[i], j = i;

        while (j > 0 && (w[R->rank[j - 1]] < w[x] ||
                         (w[R->rank[j - 1]] == w[x] &&
                          strcmp(R->gpus[R->rank[j - 1]], R->gpus[x]) > 0))) {
            R->rank[j] = R->rank[j - 1];
            j--;
        }
        R->rank[j] = x;
    }
    for (size_t i = 0; i < R->ngpu; i++)
        plot_palette_style(R->pal, "gpu", R->gpus[R->rank[i]]);
    free(w);
}

/* The sorted union of the sample times of 'ns' series, equal times
 * (within 1e-9 h) once: runs of a swept sim.horizon or sample interval
 * have different grids, and one run's grid once cut the others short. */
static size_t union_grid(const struct ts *const *s, size_t ns, double **out)
{
    size_t n = 0, k = 0;
    double *t;

    for (size_t i = 0; i < ns; i++)
        n += s[i]->n;
    t = malloc((n ? n : 1) * sizeof *t);
    if (!t)
        SIM_OOM("plot: out of memory");
    for (size_t i = 0; i < ns; i++) {
        if (s[i]->n == 0)
            continue;   /* an empty series may have no array at all */
        memcpy(t + k, s[i]->t, s[i]->n * sizeof *t);
        k += s[i]->n;
    }
    qsort(t, n, sizeof *t, cmp_dbl);
    k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || t[i] - t[k - 1] > 1e-9)
            t[k++] = t[i];
    *out = t;
    return k;
}

/* The series of (gpu e, metric m) aggregated over runs on the union of
 * their time grids: at each time, median and P10/P90 of the runs that
 * have a sample then. With one run 'lo'/'hi' are the run's own values
 * (the caller picks P10/P90 metrics). Returns the number of points;
 * arrays are malloc'ed. */
static size_t across_runs(const struct rdir *R, size_t e, size_t m,
                          double **t, double **mid, double **lo, double **hi)
{
    const struct ts **runs = malloc((R->nruns + 1) * sizeof *runs);
    double *buf;
    size_t n, *pos;

    if (!runs)
        SIM_OOM("plot: out of memory");
    for (size_t r = 0; r < R->nruns; r++)
        runs[r] = cell(R, e, m, r);
    *mid = *lo = *hi = NULL;
    n = union_grid(runs, R->nruns, t);
    if (n == 0) {
        free(*t);
        *t = NULL;
        free(runs);
        return 0;
    }
    *mid = malloc(n * sizeof **mid);
    *lo = malloc(n * sizeof **lo);
    *hi = malloc(n * sizeof **hi);
    buf = malloc((R->nruns + 1) * sizeof *buf);
    pos = calloc(R->nruns + 1, sizeof *pos);
    if (!*mid || !*lo || !*hi || !buf || !pos)
        SIM_OOM("plot: out of memory");
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;

        for (size_t r = 0; r < R->nruns; r++) {
            const struct ts *s = runs[r];

            /* Each run's samples are in time order: walk it forward. */
            while (pos[r] < s->n && s->t[pos[r]] < (*t)[i] - 1e-9)
                pos[r]++;
            /* A run without a value then (no rentals: NaN) is left out
             * here: quantile() packs the finite values to the front of
             * 'buf', so a NaN kept in once made the P10 and P90 calls
             * read a repeated value in its place. */
            if (pos[r] < s->n && fabs(s->t[pos[r]] - (*t)[i]) <= 1e-9 &&
                isfinite(s->v[pos[r]]))
                buf[k++] = s->v[pos[r]];
        }
        (*mid)[i] = quantile(buf, k, 0.5);
        (*lo)[i] = quantile(buf, k, 0.1);
        (*hi)[i] = quantile(buf, k, 0.9);
    }
    free(buf);
    free(pos);
    free(runs);
    return n;
}

static void hours_to_days(double *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        t[i] /= 24.0;
}

/* Time axes start at 0, the start of every run: with one sample (at
 * t = 0) the axis once ran from -1 to 1 day around it. */
static void time_axis(struct plot_chart *c)
{
    plot_chart_xrange(c, 0.0, NAN);
}

static void add_warmup(struct plot_chart *c, const struct rdir *R)
{
    if (R->warmup_h > 0)
        plot_chart_shade_x(c, 0.0, R->warmup_h / 24.0, "warm-up");
}

static size_t ntop(const struct rdir *R)
{
    return R->ngpu < TOP_GPUS ? R->ngpu : TOP_GPUS;
}

static void top_note(struct plot_chart *c, const struct rdir *R,
                     const char *what)
{
    char buf[200];

    if (R->ngpu > TOP_GPUS) {
        snprintf(buf, sizeof buf, "%s; the %d of %zu GPU models with most GPUs listed",
                 what, TOP_GPUS, R->ngpu);
        plot_chart_subtitle(c, buf);
    } else
        plot_chart_subtitle(c, what);
}

/* Under a chart drawn across the runs of a study of several sweep
 * points: its bands and intervals pool the points. */
static void pooled_note(struct plot_chart *c, const struct rdir *R, const char *also)
{
    char buf[400];

    if (R->npoints <= 1) {
        if (also)
            plot_chart_note(c, also);
        return;
    }
    snprintf(buf, sizeof buf, "%s%s%zu sweep points pooled: spreads mix points and noise "
             "(summary.csv, contrasts.csv compare them)", also ? also : "", also ? "; " : "",
             R->npoints);
    plot_chart_note(c, buf);
}

/* ---- the charts ---- */

static struct plot_chart *chart_price(struct rdir *R)
{
    const char *const panels[2] = { "On-demand", "Interruptible" };
    static const int mids[2] = { M_POD50, M_PINT50 };
    static const int los[2] = { M_POD10, M_PINT10 };
    static const int his[2] = { M_POD90, M_PINT90 };
    struct plot_chart *c = plot_chart_new(PLOT_LINE, "Price over time by GPU model");
    bool multi = R->nruns > 1;

    plot_chart_axes(c, "Time [days]", "Price [USD/GPU-h]");
    plot_chart_csv_names(c, "t_days", "price_usd_per_gpu_h");
    time_axis(c);
    plot_chart_panels(c, 2, panels);
    top_note(c, R, multi ? "median across runs of the median realised price"
                         : "median realised price of running rentals");
    plot_chart_band_note(c, multi ? "band: P10-P90 across runs" : "band: P10-P90 of rentals");
    add_warmup(c, R);
    for (size_t p = 0; p < 2; p++)
        for (size_t k = 0; k < ntop(R); k++) {
            size_t e = R->rank[k], n, i;
            double *t, *mid, *lo, *hi;
            struct plot_style st = plot_palette_style(R->pal, "gpu", R->gpus[e]);

            n = across_runs(R, e, (size_t)mids[p], &t, &mid, &lo, &hi);
            if (!multi && n) {
                double *t2, *m2, *l2, *h2;

                free(lo);
                free(hi);
                /* One run: its own P10/P90 on the same grid. */
                across_runs(R, e, (size_t)los[p], &t2, &lo, &l2, &h2);
                free(t2), free(l2), free(h2);
                across_runs(R, e, (size_t)his[p], &t2, &hi, &l2, &h2);
                free(t2), free(l2), free(h2);
                if (!lo || !hi || cell(R, e, (size_t)los[p], 0)->n != n ||
                    cell(R, e, (size_t)his[p], 0)->n != n) {
                    free(lo);
                    free(hi);
                    lo = hi = NULL;
                }
                (void)m2;
            }
            hours_to_days(t, n);
            i = plot_chart_add(c, R->gpus[e], &st, n, t, mid, lo, hi);
            plot_series_panel(c, i, p);
            free(t);
            free(mid);
            free(lo);
            free(hi);
        }
    pooled_note(c, R, NULL);
    return c;
}

static struct plot_chart *chart_util(struct rdir *R)
{
    struct plot_chart *c = plot_chart_new(PLOT_LINE, "Utilisation over time by GPU model");
    bool multi = R->nruns > 1;

    plot_chart_axes(c, "Time [days]", "Utilisation [%]");
    plot_chart_csv_names(c, "t_days", "utilisation_pct");
    time_axis(c);
    plot_chart_yrange(c, 0.0, 100.0);
    top_note(c, R, multi ? "running GPUs / listed GPUs, median across runs"
                         : "running GPUs / listed GPUs");
    if (multi)
        plot_chart_band_note(c, "band: P10-P90 across runs");
    add_warmup(c, R);
    for (size_t k = 0; k < ntop(R); k++) {
        size_t e = R->rank[k], n;
        double *t, *mid, *lo, *hi;
        struct plot_style st = plot_palette_style(R->pal, "gpu", R->gpus[e]);

        n = across_runs(R, e, M_UTIL, &t, &mid, &lo, &hi);
        hours_to_days(t, n);
        for (size_t i = 0; i < n; i++) {
            mid[i] *= 100.0;
            lo[i] *= 100.0;
            hi[i] *= 100.0;
        }
        plot_chart_add(c, R->gpus[e], &st, n, t, mid, multi ? lo : NULL,
                       multi ? hi : NULL);
        free(t);
        free(mid);
        free(lo);
        free(hi);
    }
    pooled_note(c, R, NULL);
    return c;
}

static struct plot_chart *chart_supply(struct rdir *R)
{
    static const int ms[5] = { M_OD, M_RES, M_INT, M_IDLE, M_FAILED };
    static const char names[5][24] = {
        "rented on-demand", "rented reserved", "rented interruptible", "idle",
        "failed",
    };
    /* Dark to light for the rented states, then idle in pale orange and
     * failed in vermillion: adjacent layers differ in lightness as well
     * as hue, so the stack reads in grey too. */
    static const struct plot_rgb cols[5] = {
        { 0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0 },
        { 0x56 / 255.0, 0xB4 / 255.0, 0xE9 / 255.0 },
        { 0x00 / 255.0, 0x9E / 255.0, 0x73 / 255.0 },
        { 0xF3 / 255.0, 0xD0 / 255.0, 0x8A / 255.0 },
        { 0xD5 / 255.0, 0x5E / 255.0, 0x00 / 255.0 },
    };
    struct plot_chart *c = plot_chart_new(PLOT_AREA, "Supply by state, all GPU models");
    static const struct ts none;    /* a run without a supply sample */
    size_t n, *cnt;
    const struct ts **longest = calloc(R->nruns + 1, sizeof *longest);
    double *grid;

    if (!longest)
        SIM_OOM("plot: out of memory");
    plot_chart_axes(c, "Time [days]", "GPUs");
    plot_chart_csv_names(c, "t_days", "gpus");
    time_axis(c);
    plot_chart_subtitle(c, R->nruns > 1 ? "mean across runs, stacked"
                                        : "GPUs in each state, stacked");
    add_warmup(c, R);
    /* The grid: every time any run sampled. A run samples every state
     * of every model at once, so its longest series holds its times. A
     * run counts at a time when it has a sample then, and the mean is
     * over those runs: a run that had ended (a swept sim.horizon) once
     * counted as 0 GPUs, on the grid of the longest run alone. */
    for (size_t e = 0; e < R->ngpu; e++)
        for (size_t k = 0; k < 5; k++)
            for (size_t r = 0; r < R->nruns; r++)
                if (!longest[r] || cell(R, e, (size_t)ms[k], r)->n > longest[r]->n)
                    longest[r] = cell(R, e, (size_t)ms[k], r);
    for (size_t r = 0; r < R->nruns; r++)
        if (!longest[r])
            longest[r] = &none;
    n = union_grid(longest, R->nruns, &grid);
    cnt = calloc(n + 1, sizeof *cnt);
    if (!cnt)
        SIM_OOM("plot: out of memory");
    for (size_t r = 0; r < R->nruns; r++) {
        const struct ts *s = longest[r];

        for (size_t i = 0, j = 0; i < n && j < s->n; i++) {
            while (j < s->n && s->t[j] < grid[i] - 1e-9)
                j++;
            if (j < s->n && fabs(s->t[j] - grid[i]) <= 1e-9)
                cnt[i]++;
        }
    }
    for (size_t k = 0; k < 5; k++) {
        struct plot_style st = { cols[k], 0, PLOT_MARK_NONE };
        double *t = calloc(n + 1, sizeof *t), *v = calloc(n + 1, sizeof *v);
        bool any = false;

        if (!t || !v)
            SIM_OOM("plot: out of memory");
        for (size_t i = 0; i < n; i++)
            t[i] = grid[i] / 24.0;
        for (size_t e = 0; e < R->ngpu; e++)
            for (size_t r = 0; r < R->nruns; r++) {
                const struct ts *s = cell(R, e, (size_t)ms[k], r);
                size_t j = 0;

                for (size_t i = 0; i < n; i++) {
                    while (j < s->n && s->t[j] < grid[i] - 1e-9)
                        j++;
                    if (j < s->n && fabs(s->t[j] - grid[i]) <= 1e-9 &&
                        isfinite(s->v[j])) {
                        v[i] += s->v[j] / (double)(cnt[i] ? cnt[i] : 1);
                        any = true;
                    }
                }
            }
        plot_chart_add(c, names[k], &st, any ? n : 0, t, v, NULL, NULL);
        free(t);
        free(v);
    }
    free(longest);
    free(grid);
    free(cnt);
    pooled_note(c, R, NULL);
    return c;
}

/* Archetypes named in wait_h_quantile_<archetype>, sorted. */
static size_t wait_archetypes(const struct rdir *R, char ***out)
{
    static const char pre[] = "wait_h_quantile_";
    char **a = NULL;
    size_t n = 0;

    for (size_t i = 0; R->scalars && i < tbl_rows(R->scalars); i++) {
        const char *m = tbl_get(R->scalars, i, (size_t)R->sc_metric);
        bool dup = false;

        if (strncmp(m, pre, sizeof pre - 1) != 0)
            continue;
        m += sizeof pre - 1;
        for (size_t j = 0; j < n && !dup; j++)
            dup = strcmp(a[j], m) == 0;
        if (dup)
            continue;
        a = realloc(a, (n + 1) * sizeof *a);
        if (!a)
            SIM_OOM("plot: out of memory");
        a[n++] = strdup(m);
    }
    if (n)
        qsort(a, n, sizeof *a, cmp_str);
    *out = a;
    return n;
}

static int cmp_num_str(const void *a, const void *b)
{
    double x = strtod(*(char *const *)a, NULL), y = strtod(*(char *const *)b, NULL);

    return (x > y) - (x < y);
}

static struct plot_chart *chart_wait(struct rdir *R)
{
    struct plot_chart *c = plot_chart_new(PLOT_ECDF, "Wait-time distribution by archetype");
    char **arch;
    size_t na = wait_archetypes(R, &arch);
    double *runv = malloc((R->nruns + 1) * sizeof *runv), minpos = INFINITY;

    if (!runv)
        SIM_OOM("plot: out of memory");
    plot_chart_axes(c, "Wait before start [min] (log scale)", "Fraction of jobs started");
    plot_chart_csv_names(c, "wait_min", "fraction");
    plot_chart_log(c, true, false);
    plot_chart_subtitle(c, R->nruns > 1 ? "empirical CDF, quantiles averaged across runs"
                                        : "empirical CDF of waiting time");
    for (size_t a = 0; a < na; a++) {
        char metric[256], **qs;
        size_t nq;
        double *x, *y;
        struct plot_style st = plot_palette_style(R->pal, "archetype", arch[a]);

        snprintf(metric, sizeof metric, "wait_h_quantile_%s", arch[a]);
        nq = sc_entities(R, metric, NULL, &qs);
        qsort(qs, nq, sizeof *qs, cmp_num_str);
        x = malloc((nq + 1) * sizeof *x);
        y = malloc((nq + 1) * sizeof *y);
        if (!x || !y)
            SIM_OOM("plot: out of memory");
        for (size_t i = 0; i < nq; i++) {
            double m, h;

            sc_per_run(R, metric, NULL, qs[i], runv);
            mean_ci(runv, R->nruns, &m, &h);
            x[i] = m * 60.0;
            y[i] = strtod(qs[i], NULL);
            if (x[i] > 0 && x[i] < minpos)
                minpos = x[i];
        }
        plot_chart_add(c, arch[a], &st, nq, x, y, NULL, NULL);
        free(x);
        free(y);
        free_strs(qs, nq);
    }
    pooled_note(c, R, isfinite(minpos) ? "jobs that waited less than the axis minimum are drawn "
                                          "at its left edge" : NULL);
    free_strs(arch, na);
    free(runv);
    return c;
}

static struct plot_chart *chart_reliability(struct rdir *R)
{
    static const char pre[] = "reliability_hist_";
    struct plot_chart *c = plot_chart_new(PLOT_HIST, "Host reliability by host class");
    char **cls = NULL, **titles;
    size_t nc = 0;
    double *runv = malloc((R->nruns + 1) * sizeof *runv);

    if (!runv)
        SIM_OOM("plot: out of memory");
    for (size_t i = 0; R->scalars && i < tbl_rows(R->scalars); i++) {
        const char *m = tbl_get(R->scalars, i, (size_t)R->sc_metric);
        bool dup = false;

        if (strncmp(m, pre, sizeof pre - 1) != 0)
            continue;
        m += sizeof pre - 1;
        for (size_t j = 0; j < nc && !dup; j++)
            dup = strcmp(cls[j], m) == 0;
        if (!dup) {
            cls = realloc(cls, (nc + 1) * sizeof *cls);
            if (!cls)
                SIM_OOM("plot: out of memory");
            cls[nc++] = strdup(m);
        }
    }
    if (nc)
        qsort(cls, nc, sizeof *cls, cmp_str);
    titles = cls;
    plot_chart_panels(c, nc, (const char *const *)titles);
    plot_chart_axes(c, "Reliability score", "Machines");
    plot_chart_csv_names(c, "bin_low", "machines");
    plot_chart_subtitle(c, R->nruns > 1 ? "machines per 0.01-wide score bin at the end (the first "
                                          "holds every score below 0.51), mean across runs"
                                        : "machines per 0.01-wide score bin at the end of the run "
                                          "(the first holds every score below 0.51)");
    for (size_t k = 0; k < nc; k++) {
        char metric[256], **bins;
        size_t nb, i;
        double *x, *y;
        struct plot_style st = plot_palette_style(R->pal, "host_class", cls[k]);

        snprintf(metric, sizeof metric, "%s%s", pre, cls[k]);
        nb = sc_entities(R, metric, NULL, &bins);
        qsort(bins, nb, sizeof *bins, cmp_num_str);
        x = malloc((nb + 1) * sizeof *x);
        y = malloc((nb + 1) * sizeof *y);
        if (!x || !y)
            SIM_OOM("plot: out of memory");
        for (i = 0; i < nb; i++) {
            double m, h;

            sc_per_run(R, metric, NULL, bins[i], runv);
            for (size_t r = 0; r < R->nruns; r++)
                if (!isfinite(runv[r]))
                    runv[r] = 0.0;      /* a run without the bin had none */
            mean_ci(runv, R->nruns, &m, &h);
            x[i] = strtod(bins[i], NULL);
            y[i] = m;
        }
        i = plot_chart_add(c, cls[k], &st, nb, x, y, NULL, NULL);
        plot_series_panel(c, i, k);
        free(x);
        free(y);
        free_strs(bins, nb);
    }
    free_strs(cls, nc);
    free(runv);
    pooled_note(c, R, NULL);
    return c;
}

static struct plot_chart *chart_cost(struct rdir *R)
{
    struct plot_chart *c = plot_chart_new(PLOT_BARS, "Cost per unit of work by archetype");
    char **arch;
    size_t na = sc_entities(R, "cost_per_work_usd", "archetype", &arch);
    double *runv = malloc((R->nruns + 1) * sizeof *runv);
    double *m = malloc((na + 1) * sizeof *m), *lo = malloc((na + 1) * sizeof *lo),
           *hi = malloc((na + 1) * sizeof *hi);
    struct plot_style st;
    const char *label = R->config ? R->config : "run";

    if (!runv || !m || !lo || !hi)
        SIM_OOM("plot: out of memory");
    if (na)
        qsort(arch, na, sizeof *arch, cmp_str);
    plot_chart_axes(c, "Archetype", "Cost [USD per reference GPU-h of work]");
    plot_chart_csv_names(c, "archetype", "cost_usd_per_work_h");
    plot_chart_categories(c, na, (const char *const *)arch);
    plot_chart_subtitle(c, R->nruns > 1 ? "mean across runs with 95% confidence interval"
                                        : "one run: no confidence interval");
    for (size_t a = 0; a < na; a++) {
        double h;

        sc_per_run(R, "cost_per_work_usd", "archetype", arch[a], runv);
        mean_ci(runv, R->nruns, &m[a], &h);
        lo[a] = m[a] - h;
        hi[a] = m[a] + h;
    }
    /* a kind of its own: colours must not depend on which charts are
     * drawn (--only), and the sweep charts once started a colour later
     * when this chart took the first "policy" style */
    st = plot_palette_style(R->pal, "config", label);
    plot_chart_add(c, label, &st, na, NULL, m, R->nruns > 1 ? lo : NULL,
                   R->nruns > 1 ? hi : NULL);
    free_strs(arch, na);
    free(runv);
    free(m);
    free(lo);
    free(hi);
    pooled_note(c, R, NULL);
    return c;
}

/* The rows of scalars.csv whose metric is 'metric', in file order (*n of
 * them; NULL when none). */
static size_t *metric_rows(const struct rdir *R, const char *metric, size_t *n)
{
    size_t rows = R->scalars ? tbl_rows(R->scalars) : 0, *v = NULL;

    *n = 0;
    for (size_t i = 0; i < rows; i++)
        if (strcmp(tbl_get(R->scalars, i, (size_t)R->sc_metric), metric) == 0) {
            v = realloc(v, (*n + 1) * sizeof *v);
            if (!v)
                SIM_OOM("plot: out of memory");
            v[(*n)++] = i;
        }
    return v;
}

/* Of the rows idx[0..n), the one of run 'run', kind 'kind' and entity
 * 'id', or SIZE_MAX. Rows of one metric are usually written in the same
 * order as another's: the search starts at *hint, the entry after the
 * last one found. */
static size_t join_row(const struct rdir *R, const size_t *idx, size_t n, const char *run,
                       const char *kind, const char *id, size_t *hint)
{
    for (size_t k = 0; k < n; k++) {
        size_t at = (*hint + k) % n, j = idx[at];

        if (strcmp(tbl_get(R->scalars, j, (size_t)R->sc_entity), id) == 0 &&
            strcmp(tbl_get(R->scalars, j, (size_t)R->sc_kind), kind) == 0 &&
            strcmp(tbl_get(R->scalars, j, (size_t)R->sc_run), run) == 0) {
            *hint = (at + 1) % n;
            return j;
        }
    }
    return SIZE_MAX;
}

static struct plot_chart *chart_price_perf(struct rdir *R)
{
    struct plot_chart *c = plot_chart_new(PLOT_SCATTER, "Price vs DLPerf of open offers");
    size_t rows = R->scalars ? tbl_rows(R->scalars) : 0;
    size_t ngroups = ntop(R) + 1, *cnt = calloc(ngroups, sizeof *cnt);
    double **gx = calloc(ngroups, sizeof *gx), **gy = calloc(ngroups, sizeof *gy);
    size_t nperf, nfree, perf_hint = 0, free_hint = 0;
    size_t *perf_row = metric_rows(R, "offer_dlperf_per_gpu", &nperf);
    size_t *free_row = metric_rows(R, "offer_free_gpus", &nfree);

    if (!cnt || !gx || !gy)
        SIM_OOM("plot: out of memory");
    plot_chart_axes(c, "DLPerf per GPU", "Price [USD/GPU-h]");
    /* no price is negative: the least-squares line dipping below 0 near
     * x = 0 once took the axis down to -5 */
    plot_chart_yrange(c, 0.0, NAN);
    plot_chart_csv_names(c, "dlperf_per_gpu", "price_usd_per_gpu_h");
    plot_chart_subtitle(c, "offers open at the end of the run (a GPU not held on demand or "
                           "reserved); line: price-performance frontier");
    for (size_t g = 0; g < ngroups; g++) {
        gx[g] = malloc((rows + 1) * sizeof **gx);
        gy[g] = malloc((rows + 1) * sizeof **gy);
        if (!gx[g] || !gy[g])
            SIM_OOM("plot: out of memory");
    }
    /* Each price row joined to its offer's DLPerf and free GPUs on (run,
     * kind, id). A machine whose GPUs on-demand and reserved renters hold
     * all of is listed but no offer: nobody can rent it, and its ask,
     * raised while it was full, is one nobody pays (README, T9's
     * Community row counts offers alike). Results from before the free
     * GPUs were written draw every listed machine. */
    for (size_t i = 0; i < rows; i++) {
        const char *kind, *id, *run;
        size_t g = ngroups - 1, j, f;

        if (strcmp(tbl_get(R->scalars, i, (size_t)R->sc_metric), "offer_price_per_gpu_h") != 0)
            continue;
        run = tbl_get(R->scalars, i, (size_t)R->sc_run);
        kind = tbl_get(R->scalars, i, (size_t)R->sc_kind);
        id = tbl_get(R->scalars, i, (size_t)R->sc_entity);
        j = join_row(R, perf_row, nperf, run, kind, id, &perf_hint);
        if (j == SIZE_MAX)
            continue;
        f = join_row(R, free_row, nfree, run, kind, id, &free_hint);
        if (f != SIZE_MAX && !(sc_value(R, f) > 0))
            continue;
        if (strncmp(kind, "offer:", 6) == 0)
            for (size_t t = 0; t < ntop(R); t++)
                if (strcmp(R->gpus[R->rank[t]], kind + 6) == 0)
                    g = t;
        if (R->ngpu == 0 && strncmp(kind, "offer:", 6) == 0)
            g = ngroups - 1;
        gx[g][cnt[g]] = sc_value(R, j);
        gy[g][cnt[g]] = sc_value(R, i);
        cnt[g]++;
    }
    /* "Other" first, so the named models are drawn on top of the grey. */
    for (size_t k = 0; k < ngroups; k++) {
        size_t g = (k + ngroups - 1) % ngroups;
        bool other = g + 1 == ngroups;
        struct plot_style st = other ? plot_style_grey()
                                     : plot_palette_style(R->pal, "gpu", R->gpus[R->rank[g]]);

        if (!other || cnt[g])
            plot_chart_add(c, !other ? R->gpus[R->rank[g]]
                                     : R->ngpu ? "other GPU models" : "offers",
                           &st, cnt[g], gx[g], gy[g], NULL, NULL);
        free(gx[g]);
        free(gy[g]);
    }
    plot_chart_add_fit(c, SIZE_MAX, PLOT_FIT_FRONTIER, "frontier");
    plot_chart_add_fit(c, SIZE_MAX, PLOT_FIT_OLS, "least-squares line");
    free(perf_row);
    free(free_row);
    free(cnt);
    free(gx);
    free(gy);
    return c;
}

/* ---- sweep and contrasts (later analyses write these files) ---- */

/* The note under a chart's intervals: their level, from the ci_level
 * texts of the rows drawn (NULL or empty: no interval). summary.csv and
 * contrasts.csv follow --level, so a fixed "95%" once sat under 80%
 * intervals; rows of different levels (a hand-made or merged file) are
 * said to differ rather than given one level. */
static void level_note(const char *bars, const char *what, const char *file,
                       const char *const *lev, size_t n, char *buf, size_t size)
{
    double seen[4];
    size_t ns = 0, len;
    bool more = false;

    for (size_t i = 0; i < n; i++) {
        char *end;
        double v;
        bool dup = false;

        if (!lev[i] || !*lev[i])
            continue;
        v = strtod(lev[i], &end);
        if (*end || !isfinite(v))
            continue;
        for (size_t k = 0; k < ns && !dup; k++)
            dup = fabs(seen[k] - v) <= 1e-9;
        if (dup)
            continue;
        if (ns < 4)
            seen[ns++] = v;
        else
            more = true;
    }
    if (ns == 0) {
        snprintf(buf, size, "%s: confidence interval of %s (%s records no level)", bars, what,
                 file);
        return;
    }
    qsort(seen, ns, sizeof *seen, cmp_dbl);
    if (ns == 1) {
        snprintf(buf, size, "%s: %.4g%% confidence interval of %s", bars, 100.0 * seen[0], what);
        return;
    }
    snprintf(buf, size, "%s: confidence intervals of %s at ", bars, what);
    for (size_t k = 0; k < ns; k++) {
        len = strlen(buf);
        snprintf(buf + len, size - len, "%s%.4g%%", k ? ", " : "", 100.0 * seen[k]);
    }
    len = strlen(buf);
    snprintf(buf + len, size - len, "%s (the rows of %s differ in ci_level)",
             more ? ", ..." : "", file);
}

/* The metrics with a contrast chart each, as for the sweep charts: a
 * forest of every row of contrasts.csv (6,286 rows for two axes of a
 * market study) overprinted its labels on one x axis, on which a
 * utilisation difference could not be seen beside a revenue one. */
static const char headline_metrics[4][24] = {
    "cost_per_work_usd", "wait_h_mean", "utilisation", "platform_revenue_usd",
};

/* Rows drawn in one contrast chart at most: as many labels as its
 * height holds at the tick font. The rest are counted in a note. */
#define CONTRAST_ROWS 28

/* "<what> [unit]" in buf, the unit the first row of 'metric' in
 * scalars.csv gives: the sweep and contrast charts put it on their value
 * axis (DESIGN.md 8: units on axes). A fraction ("1"), no unit or no row
 * adds nothing. */
static const char *value_label(const struct rdir *R, const char *what, const char *metric,
                               char *buf, size_t len)
{
    int cu = R->scalars ? tbl_col(R->scalars, "unit") : -1;
    const char *unit = "";

    for (size_t i = 0; cu >= 0 && i < tbl_rows(R->scalars); i++)
        if (strcmp(tbl_get(R->scalars, i, (size_t)R->sc_metric), metric) == 0) {
            unit = tbl_get(R->scalars, i, (size_t)cu);
            break;
        }
    if (*unit && strcmp(unit, "1") != 0)
        snprintf(buf, len, "%s [%s]", what, unit);
    else
        snprintf(buf, len, "%s", what);
    return buf;
}

/* Does column k take two values among rows[0..n) of t? */
static bool col_varies(const struct tbl *t, int k, const size_t *rows, size_t n)
{
    for (size_t i = 1; k >= 0 && i < n; i++)
        if (strcmp(tbl_get(t, rows[i], (size_t)k), tbl_get(t, rows[0], (size_t)k)) != 0)
            return true;
    return false;
}

/* Forest plot of one metric's rows of contrasts.csv: a row per entity
 * and value of every other sweep axis that varies among them
 * (name=value), coloured by the comparison ("fee=0.3 vs 0.1"). The
 * chart's CSV repeats the source columns, so each point maps back to
 * its row of contrasts.csv. NULL when the metric has no row; '*bad' is
 * set on a malformed number. */
static struct plot_chart *chart_contrast(struct rdir *R, struct tbl *t, const char *metric,
                                         bool *bad)
{
    int cc = tbl_col(t, "config"), cm = tbl_col(t, "metric"), ck = tbl_col(t, "entity_kind");
    int ce = tbl_col(t, "entity"), ca = tbl_col(t, "axis"), cp = tbl_col(t, "level");
    int cb = tbl_col(t, "baseline_level"), cd = tbl_col(t, "mean_diff");
    int cl = tbl_col(t, "ci_low"), ch = tbl_col(t, "ci_high"), cv = tbl_col(t, "ci_level");
    int first_axis = cc >= 0 ? cc + 1 : 0;
    size_t nt = tbl_rows(t), n = 0, all = 0, ncol = 0;
    size_t *rows = malloc((nt + 1) * sizeof *rows);
    char **labels, **groups, note[600], title[200], sub[200], xl[160];
    const char **lev, **colname, **colval;
    double *d, *lo, *hi;
    struct plot_chart *c = NULL;

    if (!rows)
        SIM_OOM("plot: out of memory");
    for (size_t i = 0; i < nt; i++)
        if (strcmp(tbl_get(t, i, (size_t)cm), metric) == 0 && all++ < CONTRAST_ROWS)
            rows[n++] = i;
    if (n == 0) {
        free(rows);
        return NULL;
    }
    labels = calloc(n, sizeof *labels);
    groups = calloc(n, sizeof *groups);
    lev = calloc(n, sizeof *lev);
    d = malloc(n * sizeof *d);
    lo = malloc(n * sizeof *lo);
    hi = malloc(n * sizeof *hi);
    /* CSV columns: config, the other axes, then metric to ci_level. */
    colname = calloc(tbl_cols(t) + 1, sizeof *colname);
    colval = calloc(n * (tbl_cols(t) + 1), sizeof *colval);
    if (!labels || !groups || !lev || !d || !lo || !hi || !colname || !colval)
        SIM_OOM("plot: out of memory");
    for (int k = 0; k < (int)tbl_cols(t); k++)
        if (k == cc || (k >= first_axis && k < cm) || k == cm || k == ck || k == ce ||
            k == ca || k == cp || k == cb || k == cv)
            colname[ncol++] = tbl_col_name(t, (size_t)k);
    for (size_t i = 0; i < n; i++) {
        size_t r = rows[i], len, j = 0;
        char buf[512];

        /* entity, then config, entity kind and the axes that vary */
        snprintf(buf, sizeof buf, "%s", ce >= 0 ? tbl_get(t, r, (size_t)ce) : "");
        if (ck >= 0 && col_varies(t, ck, rows, n)) {
            len = strlen(buf);
            snprintf(buf + len, sizeof buf - len, "%s(%s)", len ? " " : "",
                     tbl_get(t, r, (size_t)ck));
        }
        if (cc >= 0 && col_varies(t, cc, rows, n)) {
            len = strlen(buf);
            snprintf(buf + len, sizeof buf - len, "%s%s", len ? " " : "",
                     tbl_get(t, r, (size_t)cc));
        }
        for (int k = first_axis; k < cm; k++) {
            len = strlen(buf);
            if (*tbl_get(t, r, (size_t)k) && col_varies(t, k, rows, n) && len < sizeof buf)
                snprintf(buf + len, sizeof buf - len, "%s%s=%s", len ? " " : "",
                         tbl_col_name(t, (size_t)k), tbl_get(t, r, (size_t)k));
        }
        labels[i] = strdup(*buf ? buf : metric);
        snprintf(buf, sizeof buf, "%s%s%s vs %s", ca >= 0 ? tbl_get(t, r, (size_t)ca) : "",
                 ca >= 0 ? "=" : "", cp >= 0 ? tbl_get(t, r, (size_t)cp) : "?",
                 cb >= 0 ? tbl_get(t, r, (size_t)cb) : "baseline");
        groups[i] = strdup(buf);
        lev[i] = cv >= 0 ? tbl_get(t, r, (size_t)cv) : NULL;
        for (int k = 0; k < (int)tbl_cols(t); k++)
            if (k == cc || (k >= first_axis && k < cm) || k == cm || k == ck || k == ce ||
                k == ca || k == cp || k == cb || k == cv)
                colval[i * ncol + j++] = tbl_get(t, r, (size_t)k);
        lo[i] = hi[i] = NAN;
        if (tbl_get_num(t, r, (size_t)cd, &d[i], R->d) ||
            (cl >= 0 && *tbl_get(t, r, (size_t)cl) &&
             tbl_get_num(t, r, (size_t)cl, &lo[i], R->d)) ||
            (ch >= 0 && *tbl_get(t, r, (size_t)ch) &&
             tbl_get_num(t, r, (size_t)ch, &hi[i], R->d))) {
            *bad = true;
            goto out;
        }
    }
    snprintf(title, sizeof title, "Contrasts: %s (common random numbers)", metric);
    c = plot_forest(title, value_label(R, "Paired mean difference", metric, xl, sizeof xl),
                    R->pal, "contrast", n, (const char *const *)labels,
                    (const char *const *)groups, d, lo, hi);
    snprintf(sub, sizeof sub, "compared value minus baseline, in the metric's own units, not "
             "standardised (every metric: contrasts.csv)");
    plot_chart_subtitle(c, sub);
    plot_chart_columns(c, ncol, colname);
    plot_chart_row_columns(c, colval);
    level_note("bars", "the paired difference", "contrasts.csv", lev, n, note, sizeof note);
    if (all > n) {
        size_t len = strlen(note);

        snprintf(note + len, sizeof note - len, "; the first %zu of %zu rows drawn", n, all);
    }
    plot_chart_note(c, note);
out:
    free_strs(labels, n);
    free_strs(groups, n);
    free(lev);
    free(d);
    free(lo);
    free(hi);
    free(colname);
    free(colval);
    free(rows);
    return c;
}

/* Does every row of column k hold a number (all of it, none empty)? */
static bool col_numeric(const struct tbl *t, int k)
{
    for (size_t i = 0; i < tbl_rows(t); i++) {
        const char *s = tbl_get(t, i, (size_t)k);
        char *end;

        (void)strtod(s, &end);
        if (end == s || *end != '\0')
            return false;
    }
    return true;
}

/* The x axis of the sweep charts: the first sweep variable of summary.csv
 * (its columns between 'config' and 'metric') that is not the policy and
 * whose values are all numbers. A variable like ipolicy (vast,
 * queue-delay, fixed) once went through strtod as x = 0 for every point.
 * -1 when there is none; '*others' then counts the sweep variables other
 * than the policy, none of them numeric. */
static int sweep_x(const struct tbl *t, size_t *others)
{
    int cc = tbl_col(t, "config"), cm = tbl_col(t, "metric"), cp = tbl_col(t, "policy");

    *others = 0;
    for (int k = cc + 1; cc >= 0 && k < cm; k++)
        if (k != cp) {
            if (col_numeric(t, k))
                return k;
            ++*others;
        }
    return -1;
}

/* A summary row of the metric charted, by its x text (sweep_splits). */
struct xrow {
    const char *x;      /* the row's sweep_x text */
    size_t i;           /* its row */
};

static int cmp_xrow(const void *a, const void *b)
{
    const struct xrow *p = a, *q = b;
    int c = strcmp(p->x, q->x);

    return c ? c : (p->i > q->i) - (p->i < q->i);
}

/* Which sweep variables of summary.csv split the lines of a sweep chart
 * of 'metric' against column cx: those that take two values at one x
 * (split[k]). One set with x (${lambda=... ! c}) follows it and splits
 * nothing. The rows are sorted by x once and each column is checked
 * against the first row of its x group: a pairwise scan was quadratic
 * in sweep points for a column that moves with x (a Sobol study's), 58 s
 * for 400 points. */
static bool *sweep_splits(const struct tbl *t, int cx, const char *metric)
{
    int cc = tbl_col(t, "config"), cm = tbl_col(t, "metric");
    size_t n = tbl_rows(t), nr = 0;
    bool *split = calloc(tbl_cols(t) ? tbl_cols(t) : 1, sizeof *split);
    struct xrow *r = calloc(n ? n : 1, sizeof *r);

    if (!split || !r)
        SIM_OOM("plot: out of memory");
    for (size_t i = 0; i < n; i++)
        if (strcmp(tbl_get(t, i, (size_t)cm), metric) == 0)
            r[nr++] = (struct xrow){ tbl_get(t, i, (size_t)cx), i };
    qsort(r, nr, sizeof *r, cmp_xrow);
    for (int k = cc + 1; k < cm; k++) {
        if (k == cx)
            continue;
        for (size_t g = 0, j = 1; j < nr && !split[k]; j++) {
            if (strcmp(r[g].x, r[j].x) != 0)
                g = j;          /* a new x: its first row leads the group */
            else
                split[k] = strcmp(tbl_get(t, r[g].i, (size_t)k), tbl_get(t, r[j].i, (size_t)k)) != 0;
        }
    }
    free(r);
    return split;
}

/* A sweep chart's line: the policy (or the config when there is no
 * policy axis), every other sweep variable that splits lines
 * (sweep_splits) as name=value, and the entity. Rows differing in a
 * second sweep variable once shared a line and overwrote each other. A
 * policy set with x ('locked': ${policy=0,0.9 ! filter}, one policy per
 * x) names no line, so an entity's line runs across the policies; the
 * config stands in when nothing else names the line. */
static void sweep_key(const struct tbl *t, size_t i, const bool *split, bool locked,
                      char *key, size_t size)
{
    int cc = tbl_col(t, "config"), cm = tbl_col(t, "metric"), cp = tbl_col(t, "policy");
    int ce = tbl_col(t, "entity");
    size_t len;

    snprintf(key, size, "%s", locked ? "" : tbl_get(t, i, (size_t)(cp >= 0 ? cp : cc)));
    for (int k = cc + 1; k < cm; k++) {
        len = strlen(key);
        if (split[k] && k != cp && len < size)
            snprintf(key + len, size - len, "%s%s=%s", len ? " " : "",
                     tbl_col_name(t, (size_t)k), tbl_get(t, i, (size_t)k));
    }
    len = strlen(key);
    if (ce >= 0 && *tbl_get(t, i, (size_t)ce) && len < size)
        snprintf(key + len, size - len, "%s%s", len ? " " : "", tbl_get(t, i, (size_t)ce));
    if (!*key)
        snprintf(key, size, "%s", tbl_get(t, i, (size_t)cc));
}

/* The first row of 'metric' in t (column cm); tbl_rows() if none. */
static size_t first_row(const struct tbl *t, int cm, const char *metric)
{
    size_t i = 0;

    while (i < tbl_rows(t) && strcmp(tbl_get(t, i, (size_t)cm), metric) != 0)
        i++;
    return i;
}

/* The index of 'name' in names[0..*n), appended (copied) when new. */
static size_t name_index(char ***names, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*names)[i], name) == 0)
            return i;
    *names = realloc(*names, (*n + 1) * sizeof **names);
    if (!*names || !((*names)[*n] = strdup(name)))
        SIM_OOM("plot: out of memory");
    return (*n)++;
}

/* Sweep response of one metric against sweep variable cx (sweep_x), one
 * line per sweep_key(). */
static struct plot_chart *chart_sweep(struct rdir *R, struct tbl *t, int cx,
                                      const char *metric)
{
    int cm = tbl_col(t, "metric"), cmean = tbl_col(t, "mean");
    int cl = tbl_col(t, "ci_low"), ch = tbl_col(t, "ci_high"), cv = tbl_col(t, "ci_level");
    int cp = tbl_col(t, "policy"), ce = tbl_col(t, "entity"), ck = tbl_col(t, "entity_kind");
    size_t first;           /* the metric's first row */
    const char *pal_kind = "sweep";
    size_t n = tbl_rows(t), nl = 0, nx = 0, clash = 0, np = 0, nent = 0, *line_pol = NULL;
    char **lines = NULL, note[600], **pols = NULL, **ents = NULL;
    const char **labels;
    bool facet, locked = false;
    const char **lev;
    double *xs = NULL, *mean, *lo, *hi;
    bool *split;
    struct plot_chart *c;
    char title[200], yl[160];

    if (cx < 0 || cm < 0 || cmean < 0)
        return NULL;
    split = sweep_splits(t, cx, metric);
    first = first_row(t, cm, metric);
    /* a policy that takes two values but never two at one x is set with x */
    for (size_t i = first + 1; cp >= 0 && !split[cp] && i < n && !locked; i++)
        locked = strcmp(tbl_get(t, i, (size_t)cm), metric) == 0 &&
                 strcmp(tbl_get(t, i, (size_t)cp), tbl_get(t, first, (size_t)cp)) != 0;
    for (size_t i = 0; i < n; i++) {
        char key[512];
        double x;
        bool dup = false;

        if (strcmp(tbl_get(t, i, (size_t)cm), metric) != 0)
            continue;
        sweep_key(t, i, split, locked, key, sizeof key);
        for (size_t j = 0; j < nl && !dup; j++)
            dup = strcmp(lines[j], key) == 0;
        if (!dup) {
            lines = realloc(lines, (nl + 1) * sizeof *lines);
            line_pol = realloc(line_pol, (nl + 1) * sizeof *line_pol);
            if (!lines || !line_pol)
                SIM_OOM("plot: out of memory");
            lines[nl] = strdup(key);
            line_pol[nl++] = cp >= 0 && !locked ? name_index(&pols, &np,
                                                             tbl_get(t, i, (size_t)cp)) : 0;
        }
        if (ce >= 0)
            name_index(&ents, &nent, tbl_get(t, i, (size_t)ce));
        x = strtod(tbl_get(t, i, (size_t)cx), NULL);
        dup = false;
        for (size_t j = 0; j < nx && !dup; j++)
            dup = xs[j] == x;
        if (!dup) {
            xs = realloc(xs, (nx + 1) * sizeof *xs);
            xs[nx++] = x;
        }
    }
    if (!nl || !nx) {
        free_strs(lines, nl);
        free_strs(pols, np);
        free_strs(ents, nent);
        free(line_pol);
        free(xs);
        free(split);
        return NULL;
    }
    qsort(xs, nx, sizeof *xs, cmp_dbl);
    mean = malloc(nl * nx * sizeof *mean);
    lo = malloc(nl * nx * sizeof *lo);
    hi = malloc(nl * nx * sizeof *hi);
    lev = calloc(nl * nx, sizeof *lev);
    if (!mean || !lo || !hi || !lev)
        SIM_OOM("plot: out of memory");
    for (size_t i = 0; i < nl * nx; i++)
        mean[i] = lo[i] = hi[i] = NAN;
    for (size_t i = 0; i < n; i++) {
        char key[512];
        double x = strtod(tbl_get(t, i, (size_t)cx), NULL);
        size_t li = 0, xi = 0, at;

        if (strcmp(tbl_get(t, i, (size_t)cm), metric) != 0)
            continue;
        sweep_key(t, i, split, locked, key, sizeof key);
        while (li < nl && strcmp(lines[li], key) != 0)
            li++;
        while (xi < nx && xs[xi] != x)
            xi++;
        at = li * nx + xi;
        /* Same line and x as an earlier row (several configs with one
         * policy axis, say): the first is drawn, the note says so. */
        if (!isnan(mean[at])) {
            clash++;
            continue;
        }
        mean[at] = strtod(tbl_get(t, i, (size_t)cmean), NULL);
        if (cl >= 0 && *tbl_get(t, i, (size_t)cl))
            lo[at] = strtod(tbl_get(t, i, (size_t)cl), NULL);
        if (ch >= 0 && *tbl_get(t, i, (size_t)ch))
            hi[at] = strtod(tbl_get(t, i, (size_t)ch), NULL);
        if (cv >= 0 && !isnan(lo[at]) && !isnan(hi[at]))
            lev[at] = tbl_get(t, i, (size_t)cv);
    }
    /* Small multiples when a metric per entity meets a policy axis: a
     * panel per policy, a line per entity in the same colour in every
     * panel. Three clearing rules by six archetypes drew 18 lines on one
     * axis, the eight colours cycling, two lines to a colour. */
    facet = np >= 2 && np <= 6 && nent >= 2;
    if (facet && ck >= 0) {
        /* entities in their colours of the other charts ("the same
         * colour for an archetype everywhere"), taken in sorted order,
         * as the wait chart takes archetypes, so --only does not move
         * them */
        pal_kind = tbl_get(t, first, (size_t)ck);
        qsort(ents, nent, sizeof *ents, cmp_str);
        for (size_t k = 0; k < nent; k++)
            (void)plot_palette_style(R->pal, pal_kind, ents[k]);
    }
    labels = malloc(nl * sizeof *labels);
    if (!labels)
        SIM_OOM("plot: out of memory");
    for (size_t li = 0; li < nl; li++) {
        size_t skip = facet ? strlen(pols[line_pol[li]]) : 0;

        labels[li] = lines[li] + skip + (facet && lines[li][skip] == ' ');
    }
    snprintf(title, sizeof title, "Sweep response: %s", metric);
    c = plot_sweep(title, tbl_col_name(t, (size_t)cx),
                   value_label(R, metric, metric, yl, sizeof yl), R->pal, pal_kind, nl,
                   labels, nx, xs, mean, lo, hi);
    if (c && facet) {
        char **pt = calloc(np, sizeof *pt);

        if (!pt)
            SIM_OOM("plot: out of memory");
        for (size_t k = 0; k < np; k++) {
            char buf[300];

            snprintf(buf, sizeof buf, "policy=%s", pols[k]);
            if (!(pt[k] = strdup(buf)))
                SIM_OOM("plot: out of memory");
        }
        plot_chart_panels(c, np, (const char *const *)pt);
        for (size_t li = 0; li < nl; li++)
            plot_series_panel(c, li, line_pol[li]);
        free_strs(pt, np);
    }
    free(labels);
    free_strs(pols, np);
    free_strs(ents, nent);
    free(line_pol);
    if (c) {
        static const char *const levcol[1] = { "ci_level" };

        level_note("error bars", "the mean", "summary.csv", lev, nl * nx, note, sizeof note);
        if (clash) {
            size_t len = strlen(note);

            snprintf(note + len, sizeof note - len, "; %zu summary rows not drawn: the same "
                     "line and %s as another row", clash, tbl_col_name(t, (size_t)cx));
        }
        plot_chart_note(c, note);
        /* the level of each point's interval, in the chart's CSV */
        plot_chart_columns(c, 1, levcol);
        for (size_t li = 0; li < nl; li++)
            plot_series_columns(c, li, lev + li * nx);
    }
    free(lev);
    free_strs(lines, nl);
    free(xs);
    free(split);
    free(mean);
    free(lo);
    free(hi);
    return c;
}

/* ---- driver ---- */

/* Workers by state over time, from the first run's time series (one
 * panel per endpoint, a step line per state: stacked areas do not take
 * panels). The file is scanned again only
 * when the scalars name an endpoint, so market-only results pay nothing. */
static const char ws_names[4][20] = {
    "workers_ready", "workers_loading", "workers_creating", "workers_inactive",
};

struct ws_scan {
    struct rdir *R;
    char **eps;
    size_t ne;
    int col[5];                 /* run_id, t_h, metric, entity, value */
    char *run;                  /* the first run id seen, owned */
    struct ts *cells;           /* [endpoint * 4 + state], owned */
};

static int on_ws_row(void *ctx, const char *const *f, size_t n, int line)
{
    static const char need[5][12] = { "run_id", "t_h", "metric", "entity", "value" };
    struct ws_scan *W = ctx;
    size_t m, e;
    struct ts *c;

    if (line == 1) {
        for (int k = 0; k < 5; k++) {
            W->col[k] = -1;
            for (size_t i = 0; i < n; i++)
                if (strcmp(f[i], need[k]) == 0)
                    W->col[k] = (int)i;
            if (W->col[k] < 0)
                return 1;
        }
        return 0;
    }
    if (strncmp(f[W->col[2]], "workers_", 8) != 0)
        return 0;
    if (!W->run)
        W->run = strdup(f[W->col[0]]);
    if (strcmp(W->run, f[W->col[0]]) != 0)
        return 0;
    for (m = 0; m < 4 && strcmp(ws_names[m], f[W->col[2]]) != 0; m++)
        ;
    for (e = 0; e < W->ne && strcmp(W->eps[e], f[W->col[3]]) != 0; e++)
        ;
    if (m == 4 || e == W->ne)
        return 0;
    c = &W->cells[e * 4 + m];
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 256;
        c->t = realloc(c->t, c->cap * sizeof *c->t);
        c->v = realloc(c->v, c->cap * sizeof *c->v);
        if (!c->t || !c->v)
            SIM_OOM("plot: out of memory");
    }
    c->t[c->n] = strtod(f[W->col[1]], NULL) / 24.0;
    c->v[c->n++] = strtod(f[W->col[4]], NULL);
    return 0;
}

static struct plot_chart *chart_workers(struct rdir *R)
{
    static const char labels[4][12] = { "Ready", "Loading", "Creating", "Inactive" };
    struct ws_scan W;
    struct plot_chart *c = NULL;
    char *p;

    memset(&W, 0, sizeof W);
    W.R = R;
    W.ne = sc_entities(R, "latency_p99_s", "endpoint", &W.eps);
    if (W.ne == 0) {
        free(W.eps);
        return NULL;
    }
    qsort(W.eps, W.ne, sizeof *W.eps, cmp_str);
    W.cells = calloc(W.ne * 4, sizeof *W.cells);
    if (!W.cells)
        SIM_OOM("plot: out of memory");
    p = path_in(R->dir, "timeseries.csv");
    if (exists(p) && tbl_scan(p, on_ws_row, &W, R->d) == SIM_OK && W.run) {
        char sub[160];

        c = plot_chart_new(PLOT_LINE, "Serverless workers by state");
        snprintf(sub, sizeof sub, "run %s; Ready and Loading bill GPU time, Creating and "
                 "Inactive storage only", W.run);
        plot_chart_subtitle(c, sub);
        plot_chart_axes(c, "Time [days]", "Workers");
        plot_chart_csv_names(c, "t_days", "workers");
        time_axis(c);
        plot_chart_panels(c, W.ne, (const char *const *)W.eps);
        add_warmup(c, R);
        for (size_t e = 0; e < W.ne; e++)
            for (size_t m = 0; m < 4; m++) {
                const struct ts *s = &W.cells[e * 4 + m];
                struct plot_style st = plot_palette_style(R->pal, "worker_state", labels[m]);
                size_t idx;

                if (s->n == 0)
                    continue;
                idx = plot_chart_add(c, labels[m], &st, s->n, s->t, s->v, NULL, NULL);
                plot_series_panel(c, idx, e);
                plot_series_draw(c, idx, PLOT_DRAW_STEP);
            }
    }
    free(p);
    for (size_t i = 0; i < W.ne * 4; i++) {
        free(W.cells[i].t);
        free(W.cells[i].v);
    }
    free(W.cells);
    free(W.run);
    free_strs(W.eps, W.ne);
    return c;
}

/* Serverless endpoints: cost per 1,000 requests against P99 latency, one
 * panel per endpoint, one point per run, coloured by the run's 'policy'
 * sweep variable when runs.csv has one (scenarios/serverless.ini -c
 * Scalers), else by its sweep point (every sweep variable as name=value:
 * the two pools of scenarios/reproduce/serverless.ini once shared a
 * colour), else by the config. Both axes are logarithmic, so runs with a
 * cost or latency of 0 (sls-mmc has no market and pays nothing) are left
 * out and a note says so. NULL when no endpoint was simulated. */
static struct plot_chart *chart_serverless(struct rdir *R)
{
    char **eps, **grp, **names = NULL, *p;
    size_t ne = sc_entities(R, "latency_p99_s", "endpoint", &eps), ng = 0, off_axis = 0;
    double *x, *y, *gx, *gy;
    struct plot_chart *c;
    struct tbl *t;

    if (ne == 0) {
        free(eps);
        return NULL;
    }
    qsort(eps, ne, sizeof *eps, cmp_str);
    grp = calloc(R->nruns, sizeof *grp);
    x = malloc(R->nruns * sizeof *x);
    y = malloc(R->nruns * sizeof *y);
    gx = malloc(R->nruns * sizeof *gx);
    gy = malloc(R->nruns * sizeof *gy);
    if (!grp || !x || !y || !gx || !gy)
        SIM_OOM("plot: out of memory");
    p = path_in(R->dir, "runs.csv");
    t = exists(p) ? tbl_load(p, R->d) : NULL;
    if (t) {
        int cid = tbl_col(t, "run_id"), cp = tbl_col(t, "policy");
        int cseed = tbl_col(t, "base_seed"), cst = tbl_col(t, "status");

        /* read_meta() read the same file: every id is a known run, listed
         * once (duplicate_runs) */
        for (size_t i = 0; cid >= 0 && i < tbl_rows(t); i++) {
            size_t r = run_index(R, tbl_get(t, i, (size_t)cid));
            char buf[256] = "";

            SIM_ASSERT(r < R->nruns && !grp[r]);
            if (cp >= 0)
                snprintf(buf, sizeof buf, "%s", tbl_get(t, i, (size_t)cp));
            for (int k = cseed + 1; cp < 0 && cseed >= 0 && k < cst; k++) {
                size_t len = strlen(buf);

                snprintf(buf + len, sizeof buf - len, "%s%s=%s", len ? " " : "",
                         tbl_col_name(t, (size_t)k), tbl_get(t, i, (size_t)k));
            }
            if (*buf)
                grp[r] = strdup(buf);
        }
        tbl_free(t);
    }
    free(p);
    for (size_t r = 0; r < R->nruns; r++) {
        bool dup = false;

        if (!grp[r])
            grp[r] = strdup(R->config ? R->config : "run");
        for (size_t k = 0; k < ng && !dup; k++)
            dup = strcmp(names[k], grp[r]) == 0;
        if (!dup) {
            names = realloc(names, (ng + 1) * sizeof *names);
            if (!names)
                SIM_OOM("plot: out of memory");
            names[ng++] = grp[r];
        }
    }
    c = plot_chart_new(PLOT_SCATTER, "Serverless endpoints: cost against tail latency");
    plot_chart_subtitle(c, "one point per run");
    plot_chart_axes(c, "Cost [USD per 1,000 requests]", "P99 latency [s]");
    plot_chart_csv_names(c, "cost_per_1000_requests_usd", "latency_p99_s");
    plot_chart_log(c, true, true);     /* endpoints differ by orders of magnitude */
    plot_chart_panels(c, ne, (const char *const *)eps);
    for (size_t e = 0; e < ne; e++) {
        sc_per_run(R, "cost_per_1000_requests_usd", "endpoint", eps[e], x);
        sc_per_run(R, "latency_p99_s", "endpoint", eps[e], y);
        for (size_t k = 0; k < ng; k++) {
            struct plot_style st = plot_palette_style(R->pal, "policy", names[k]);
            size_t n = 0, idx;

            for (size_t r = 0; r < R->nruns; r++) {
                if (strcmp(grp[r], names[k]) != 0 || isnan(x[r]) || isnan(y[r]))
                    continue;
                if (x[r] > 0 && y[r] > 0) {
                    gx[n] = x[r];
                    gy[n++] = y[r];
                } else
                    off_axis++;
            }
            if (n == 0)
                continue;
            idx = plot_chart_add(c, names[k], &st, n, gx, gy, NULL, NULL);
            plot_series_panel(c, idx, e);
            plot_series_draw(c, idx, PLOT_DRAW_POINTS);
        }
    }
    if (off_axis) {
        char note[160];

        snprintf(note, sizeof note, "%zu point%s at a cost or latency of 0 (no market: "
                 "sls-mmc) left off the log axes", off_axis, off_axis == 1 ? "" : "s");
        plot_chart_note(c, note);
    }
    free(names);
    free_strs(grp, R->nruns);
    free_strs(eps, ne);
    free(x);
    free(y);
    free(gx);
    free(gy);
    return c;
}

/* T5 (scenarios/reproduce/spot.ini): the price-availability curve of
 * each instance type, the fraction of time its price was at most x
 * (x a fraction of on-demand), from scalars spot.time_cdf with entity
 * "ON-DEMAND@X"; the mean across runs. NULL when the run is not T5's. */
static struct plot_chart *chart_spot(struct rdir *R)
{
    char **ents, *types[8];
    size_t ne = sc_entities(R, "spot.time_cdf", "type", &ents), nt = 0;
    double *runv, *x, *y;
    struct plot_chart *c;

    if (ne == 0) {
        free(ents);
        return NULL;
    }
    runv = malloc((R->nruns + 1) * sizeof *runv);
    x = malloc(ne * sizeof *x);
    y = malloc(ne * sizeof *y);
    if (!runv || !x || !y)
        SIM_OOM("plot: out of memory");
    /* the types, as written before the '@', in the order they first
     * appear (each entity is checked against every type found so far, so
     * a type's points need not be together) */
    for (size_t i = 0; i < ne; i++) {
        size_t len = strcspn(ents[i], "@");
        bool seen = false;

        for (size_t k = 0; k < nt; k++)
            seen |= strncmp(types[k], ents[i], len) == 0 && types[k][len] == '@';
        if (!seen && nt < sizeof types / sizeof *types)
            types[nt++] = ents[i];
    }
    c = plot_chart_new(PLOT_LINE, "Spot price: fraction of time at or below a price");
    plot_chart_axes(c, "Price [fraction of on-demand]", "Fraction of time");
    plot_chart_csv_names(c, "price_over_ondemand", "time_fraction");
    plot_chart_subtitle(c, "one line per instance type (its on-demand price); the hidden "
                           "reserve's band is where the line rises");
    plot_chart_yrange(c, 0.0, 1.0);
    for (size_t k = 0; k < nt; k++) {
        size_t len = strcspn(types[k], "@"), n = 0;
        char label[64];
        struct plot_style st;
        double h;

        for (size_t i = 0; i < ne; i++) {
            if (strncmp(ents[i], types[k], len) != 0 || ents[i][len] != '@')
                continue;
            x[n] = strtod(ents[i] + len + 1, NULL);
            sc_per_run(R, "spot.time_cdf", "type", ents[i], runv);
            mean_ci(runv, R->nruns, &y[n], &h);
            n++;
        }
        /* in x order: the names sort as text ("0.4" before "0.375") */
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && x[j] < x[j - 1]; j--) {
                double tx = x[j], ty = y[j];

                x[j] = x[j - 1];
                y[j] = y[j - 1];
                x[j - 1] = tx;
                y[j - 1] = ty;
            }
        snprintf(label, sizeof label, "%.*s USD/h", (int)len, types[k]);
        st = plot_palette_style(R->pal, "type", label);
        plot_chart_add(c, label, &st, n, x, y, NULL, NULL);
    }
    free_strs(ents, ne);
    free(runv);
    free(x);
    free(y);
    return c;
}

/* T6 (scenarios/reproduce/spotckpt.ini): mean cost per job by
 * checkpointing policy, one bar per bid (scalars spotckpt.cost, entity
 * "POLICY@BID"), with a CI across runs when there are several; a note
 * names each policy and bid whose jobs were not all done by their
 * deadline (their cost is what they paid by then). NULL when the run is
 * not T6's. */
static struct plot_chart *chart_spotckpt(struct rdir *R)
{
    static const char *const pols[] = { "NONE", "HOUR", "EDGE", "ADAPT", "OPT" };
    const size_t np = sizeof pols / sizeof *pols;
    char **ents, note[512] = "";
    const char *bids[16];
    size_t ne = sc_entities(R, "spotckpt.cost", "policy", &ents), nb = 0, len = 0;
    double *runv, m[5], lo[5], hi[5];
    struct plot_chart *c;

    if (ne == 0) {
        free(ents);
        return NULL;
    }
    /* the bids, as written after the '@', dearest first */
    for (size_t i = 0; i < ne; i++) {
        const char *at = strchr(ents[i], '@');
        bool seen = false;

        if (!at)
            continue;
        for (size_t b = 0; b < nb; b++)
            seen |= strcmp(bids[b], at + 1) == 0;
        if (!seen && nb < sizeof bids / sizeof *bids)
            bids[nb++] = at + 1;
    }
    for (size_t i = 1; i < nb; i++)
        for (size_t k = i; k > 0 && strtod(bids[k], NULL) > strtod(bids[k - 1], NULL); k--) {
            const char *t = bids[k];

            bids[k] = bids[k - 1];
            bids[k - 1] = t;
        }
    if (!(runv = malloc((R->nruns + 1) * sizeof *runv)))
        SIM_OOM("plot: out of memory");
    c = plot_chart_new(PLOT_BARS, "Spot checkpointing: cost per job by policy");
    plot_chart_axes(c, "Checkpointing policy", "Cost [USD per job]");
    plot_chart_csv_names(c, "policy", "cost_usd_per_job");
    plot_chart_categories(c, np, pols);
    plot_chart_subtitle(c, R->nruns > 1 ? "one bar per bid (a fraction of on-demand); mean "
                                          "across runs with 95% confidence interval"
                                        : "one bar per bid (a fraction of on-demand); one run");
    for (size_t b = 0; b < nb; b++) {
        char label[64];
        struct plot_style st;

        for (size_t k = 0; k < np; k++) {
            char ent[96];
            double h, done, dh;

            snprintf(ent, sizeof ent, "%s@%s", pols[k], bids[b]);
            sc_per_run(R, "spotckpt.cost", "policy", ent, runv);
            mean_ci(runv, R->nruns, &m[k], &h);
            lo[k] = m[k] - h;
            hi[k] = m[k] + h;
            sc_per_run(R, "spotckpt.done", "policy", ent, runv);
            mean_ci(runv, R->nruns, &done, &dh);
            if (done < 1.0 && len < sizeof note - 64)
                len += (size_t)snprintf(note + len, sizeof note - len, "%s%s at %s: %.1f%%",
                                        len ? ", " : "", pols[k], bids[b], 100.0 * done);
        }
        snprintf(label, sizeof label, "bid %s", bids[b]);
        st = plot_palette_style(R->pal, "bid", label);
        plot_chart_add(c, label, &st, np, NULL, m, R->nruns > 1 ? lo : NULL,
                       R->nruns > 1 ? hi : NULL);
    }
    if (len) {
        char full[600];

        snprintf(full, sizeof full, "done by the deadline (the rest paid what they had by "
                 "then): %s", note);
        plot_chart_note(c, full);
    }
    free_strs(ents, ne);
    free(runv);
    return c;
}

static bool wanted(const char *only, const char *name)
{
    size_t n = strlen(name);

    if (!only)
        return true;
    for (const char *p = only; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);

        if (len == n && strncmp(p, name, n) == 0)
            return true;
        if (!e)
            break;
        p = e + 1;
    }
    return false;
}

/* Names of the default set, in report order. */
static const char chart_names[][12] = {
    "price", "utilisation", "supply", "wait_ecdf", "reliability", "cost",
    "price_perf", "serverless", "workers", "spot", "spotckpt", "sweep", "contrasts",
};
/* check_only() lists them all in one 256-byte line */
_Static_assert(sizeof chart_names / sizeof *chart_names * (sizeof *chart_names + 2) <= 256,
               "chart names do not fit check_only()'s list");

static int check_only(const char *only, struct diag *d)
{
    int rc = SIM_OK;
    char *copy, *tok, *save = NULL;

    if (!only)
        return SIM_OK;
    copy = strdup(only);
    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        bool ok = false;
        struct param_near near;
        char names[256] = "", hint[160];
        size_t at = 0;

        param_near_init(&near, tok);
        for (size_t i = 0; i < sizeof chart_names / sizeof *chart_names; i++) {
            ok |= strcmp(tok, chart_names[i]) == 0;
            param_near_offer(&near, chart_names[i]);
            at += (size_t)snprintf(names + at, sizeof names - at, "%s%s", i ? ", " : "",
                                   chart_names[i]);
        }
        if (!ok)
            rc = diag_error(d, NULL, "unknown chart '%s'%s (%s)", tok,
                            param_hint(param_near_best(&near), hint, sizeof hint), names);
    }
    free(copy);
    return rc;
}

/* Names the charts --only asked for that drew nothing (a serverless
 * chart of a market without endpoints, sweep charts of a single run): a
 * run that exits 0 having drawn nothing said nothing about why. Charts
 * that write their own note (sweep, contrasts with rows) are named too,
 * for one line per chart. */
static void note_undrawn(const char *only, const char *dir, char names[][64], size_t nch,
                         struct diag *d)
{
    struct srcloc at = { dir, 0 };

    for (size_t i = 0; only && i < sizeof chart_names / sizeof *chart_names; i++) {
        size_t n = strlen(chart_names[i]);
        bool drawn = false;

        if (!wanted(only, chart_names[i]))
            continue;
        for (size_t k = 0; k < nch && !drawn; k++)
            drawn = strcmp(names[k], chart_names[i]) == 0 ||
                    (strncmp(names[k], chart_names[i], n) == 0 && names[k][n] == '_' &&
                     (strcmp(chart_names[i], "sweep") == 0 ||
                      strcmp(chart_names[i], "contrasts") == 0));
        if (!drawn)
            diag_note(d, &at, "no '%s' chart: the results hold nothing it draws",
                      chart_names[i]);
    }
}

static void rdir_free(struct rdir *R)
{
    free_strs(R->runs, R->nruns);
    free(R->config);
    free(R->model);
    free(R->scenario);
    free(R->version);
    free(R->digest);
    free(R->seed);
    free(R->events);
    tbl_free(R->scalars);
    for (size_t i = 0; i < R->ncells; i++) {
        free(R->cells[i].t);
        free(R->cells[i].v);
    }
    free(R->cells);
    free_strs(R->gpus, R->ngpu);
    free(R->rank);
    plot_palette_free(R->pal);
}

/* Key figures for the report's title page: sums over entities, means over
 * runs. */
static size_t key_facts(struct rdir *R, char facts[][128], size_t max)
{
    static const struct { char metric[24], kind[12], label[20], unit[8]; int dec; } k[] = {
        { "jobs_arrived", "archetype", "Jobs arrived", "", 0 },
        { "jobs_completed", "archetype", "Jobs completed", "", 0 },
        { "renter_spend_usd", "platform", "Renter spend", " USD", 2 },
        { "host_revenue_usd", "platform", "Host revenue", " USD", 2 },
        { "platform_revenue_usd", "platform", "Platform revenue", " USD", 2 },
    };
    size_t n = 0;
    char buf[96];

    if (R->horizon_h > 0)
        snprintf(facts[n++], 128, "Horizon\t%.4g days", R->horizon_h / 24.0);
    if (R->warmup_h > 0)
        snprintf(facts[n++], 128, "Warm-up\t%.4g days", R->warmup_h / 24.0);
    snprintf(facts[n++], 128, "GPU models\t%zu", R->ngpu);
    for (size_t i = 0; i < sizeof k / sizeof *k && n < max; i++) {
        double sum = 0;
        bool any = false;

        for (size_t r = 0; R->scalars && r < tbl_rows(R->scalars); r++)
            if (strcmp(tbl_get(R->scalars, r, (size_t)R->sc_metric), k[i].metric) == 0 &&
                strcmp(tbl_get(R->scalars, r, (size_t)R->sc_kind), k[i].kind) == 0 &&
                isfinite(sc_value(R, r))) {
                sum += sc_value(R, r);
                any = true;
            }
        if (!any)
            continue;
        snprintf(buf, sizeof buf, "%.*f%s", k[i].dec,
                 sum / (double)(R->nruns ? R->nruns : 1), k[i].unit);
        snprintf(facts[n++], 128, "%s%s\t%s", k[i].label,
                 R->nruns > 1 ? " (mean per run)" : "", buf);
    }
    return n;
}

/* ---- rendering, in parallel ---- */

/* Drawing and compressing the files is most of the time after reading, and
 * every chart is independent: worker threads take the next job (the report
 * first, being the longest, then one chart each) until none is left. Each
 * job writes its messages to its own buffer, replayed in job order, so the
 * output does not depend on thread timing. Cairo surfaces are per job and
 * Pango keeps a font map per thread, so nothing is shared while drawing. */
struct render_job {
    const struct plot_chart *const *charts;
    char (*names)[64];
    size_t n;
    const char *pdir;
    unsigned fmt;
    const struct plot_report_info *info;
    char *report;               /* NULL: no report */
    pthread_mutex_t lock;
    size_t next;                /* next job, under 'lock' */
    char **msg;                 /* per job messages */
    size_t *msglen;
    int *rc;
    int *nerr;
};

static void *render_worker(void *arg)
{
    struct render_job *J = arg;

    for (;;) {
        size_t k;
        char *buf = NULL;
        size_t len = 0;
        FILE *f;
        struct diag jd;

        pthread_mutex_lock(&J->lock);
        k = J->next++;
        pthread_mutex_unlock(&J->lock);
        if (k > J->n)
            break;
        f = open_memstream(&buf, &len);
        if (!f)
            SIM_OOM("plot: out of memory");
        jd = (struct diag)DIAG_INIT(f);
        if (k == 0)
            J->rc[k] = J->report ? plot_report(J->report, J->info, J->charts, J->n, &jd)
                                 : SIM_OK;
        else
            J->rc[k] = plot_chart_save(J->charts[k - 1], J->pdir, J->names[k - 1],
                                       J->fmt, &jd);
        fclose(f);
        J->msg[k] = buf;
        J->msglen[k] = len;
        J->nerr[k] = jd.nerrors;
    }
    return NULL;
}

static int render_all(struct render_job *J, struct diag *d)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nt = ncpu > 1 ? (size_t)ncpu : 1, started = 0;
    pthread_t th[16];
    int rc = SIM_OK;

    if (nt > 16)
        nt = 16;
    if (nt > J->n + 1)
        nt = J->n + 1;
    J->next = 0;
    J->msg = calloc(J->n + 1, sizeof *J->msg);
    J->msglen = calloc(J->n + 1, sizeof *J->msglen);
    J->rc = calloc(J->n + 1, sizeof *J->rc);
    J->nerr = calloc(J->n + 1, sizeof *J->nerr);
    if (!J->msg || !J->msglen || !J->rc || !J->nerr)
        SIM_OOM("plot: out of memory");
    pthread_mutex_init(&J->lock, NULL);
    for (size_t i = 1; i < nt; i++)
        if (pthread_create(&th[started], NULL, render_worker, J) == 0)
            started++;
    render_worker(J);           /* this thread works too */
    for (size_t i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    pthread_mutex_destroy(&J->lock);
    for (size_t k = 0; k <= J->n; k++) {
        if (J->msglen[k])
            fwrite(J->msg[k], 1, J->msglen[k], d->out);
        d->nerrors += J->nerr[k];
        if (J->rc[k] != SIM_OK)
            rc = J->rc[k];
        free(J->msg[k]);
    }
    free(J->msg);
    free(J->msglen);
    free(J->rc);
    free(J->nerr);
    return rc;
}

int plot_result_dir(const char *dir, const char *formats, const char *only,
                    struct diag *d)
{
    struct rdir R;
    unsigned fmt;
    /* eleven default charts, four sweep and four contrast charts at most */
    struct plot_chart *charts[24];
    char names[24][64];
    size_t nch = 0;
    char *pdir, *p;
    int rc;
    bool market;

    memset(&R, 0, sizeof R);
    R.dir = dir;
    R.d = d;
    if (plot_parse_formats(formats, &fmt, d) != SIM_OK || check_only(only, d) != SIM_OK)
        return SIM_EINVAL;
    fmt |= PLOT_FMT_CSV;
    p = path_in(dir, "runs.csv");
    if (!exists(p)) {
        char *q = path_in(dir, "manifest.ini");
        bool ok = exists(q);

        free(q);
        if (!ok) {
            struct srcloc at = { dir, 0 };

            free(p);
            return diag_error(d, &at, "not a result directory (no runs.csv or manifest.ini)");
        }
    }
    free(p);
    R.pal = plot_palette_new();
    if (!R.pal)
        return SIM_ENOMEM;
    rc = read_meta(&R);
    if (rc == SIM_OK)
        rc = read_scalars(&R);
    if (rc == SIM_OK)
        rc = read_series(&R);
    if (rc != SIM_OK) {
        rdir_free(&R);
        return rc;
    }
    if (R.nruns == 0)
        run_index(&R, "none");  /* keeps per-run arrays non-empty */
    rank_gpus(&R);
    pdir = path_in(dir, "plots");
    if (mkdir(pdir, 0777) != 0 && errno != EEXIST) {
        struct srcloc at = { pdir, 0 };

        diag_error(d, &at, "cannot create: %s", strerror(errno));
        free(pdir);
        rdir_free(&R);
        return SIM_EIO;
    }

    /* The market's charts for a market's results, or for a directory
     * that does not say its model (one made by hand); another model's
     * results get them only when --only names them. */
    market = R.market || !R.model_known || only;
#define ADD(name, expr)                                 \
    if (wanted(only, name)) {                           \
        struct plot_chart *c_ = (expr);                 \
        if (c_) {                                       \
            charts[nch] = c_;                           \
            snprintf(names[nch++], 64, "%s", name);     \
        }                                               \
    }
    if (market) {
        ADD("price", chart_price(&R));
        ADD("utilisation", chart_util(&R));
        ADD("supply", chart_supply(&R));
        ADD("wait_ecdf", chart_wait(&R));
        ADD("reliability", chart_reliability(&R));
        ADD("cost", chart_cost(&R));
        ADD("price_perf", chart_price_perf(&R));
    }
    ADD("serverless", chart_serverless(&R));
    ADD("workers", chart_workers(&R));
    ADD("spot", chart_spot(&R));
    ADD("spotckpt", chart_spotckpt(&R));
#undef ADD
    p = path_in(dir, "summary.csv");
    if (wanted(only, "sweep") && exists(p)) {
        struct tbl *t = tbl_load(p, d);
        size_t others = 0;
        int cx = t ? sweep_x(t, &others) : -1;

        if (!t)
            rc = SIM_EPARSE;
        else if (cx < 0 && others > 0) {
            struct srcloc at = { p, 0 };

            diag_note(d, &at, "no sweep charts: %zu sweep variable%s besides 'policy', none "
                      "with numbers for values to put on an x axis (see the contrasts chart)",
                      others, others == 1 ? "" : "s");
        }
        for (size_t i = 0; t && i < sizeof headline_metrics / sizeof *headline_metrics; i++) {
            struct plot_chart *c = chart_sweep(&R, t, cx, headline_metrics[i]);

            if (c && nch < 24) {
                charts[nch] = c;
                snprintf(names[nch++], 64, "sweep_%.40s", headline_metrics[i]);
            } else
                plot_chart_free(c);
        }
        tbl_free(t);
    }
    free(p);
    p = path_in(dir, "contrasts.csv");
    if (wanted(only, "contrasts") && exists(p)) {
        struct tbl *t = tbl_load(p, d);
        bool bad = !t || tbl_need_col(t, "metric", d) < 0 || tbl_need_col(t, "mean_diff", d) < 0;
        size_t drawn = 0;

        /* A study without an axis (one run, or repetitions only) has a
         * contrasts.csv of its header alone: nothing to chart. */
        for (size_t i = 0; !bad && i < sizeof headline_metrics / sizeof *headline_metrics; i++) {
            struct plot_chart *c = chart_contrast(&R, t, headline_metrics[i], &bad);

            if (c && nch < 24) {
                charts[nch] = c;
                snprintf(names[nch++], 64, "contrasts_%.40s", headline_metrics[i]);
                drawn++;
            } else
                plot_chart_free(c);
        }
        if (bad)
            rc = SIM_EPARSE;
        else if (!drawn && tbl_rows(t) > 0) {
            struct srcloc at = { p, 0 };

            diag_note(d, &at, "no contrast charts: none of the headline metrics "
                      "(cost_per_work_usd, wait_h_mean, utilisation, platform_revenue_usd) "
                      "has a row");
        }
        tbl_free(t);
    }
    free(p);
    if (rc == SIM_OK)
        note_undrawn(only, dir, names, nch, d);
    if (rc == SIM_OK && nch == 0 && !market) {
        struct srcloc at = { dir, 0 };

        diag_note(d, &at, "no charts: the runs are of model '%s', whose results none of the "
                  "default charts draws (--only NAME draws a market chart anyway)", R.model);
    }

    if (rc == SIM_OK) {
        char facts[12][128];
        const char *fp[12];
        struct plot_report_info info;
        size_t nf = key_facts(&R, facts, 12);
        char runs[32];
        struct render_job job;

        for (size_t i = 0; i < nf; i++)
            fp[i] = facts[i];
        snprintf(runs, sizeof runs, "%zu", R.nruns);
        info.scenario = R.scenario;
        info.config = R.config;
        info.seed = R.seed;
        info.version = R.version;
        info.digest = R.digest;
        info.runs = runs;
        info.facts = fp;
        info.nfacts = nf;
        job.charts = (const struct plot_chart *const *)charts;
        job.names = names;
        job.n = nch;
        job.pdir = pdir;
        job.fmt = fmt;
        job.info = &info;
        job.report = only ? NULL : path_in(dir, "report.pdf");
        rc = render_all(&job, d);
        free(job.report);
    }
    for (size_t i = 0; i < nch; i++)
        plot_chart_free(charts[i]);
    free(pdir);
    rdir_free(&R);
    return rc;
}
