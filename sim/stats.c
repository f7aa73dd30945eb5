/* sim/stats.c -- summary, contrasts and Welch tests across replications. */
#define _DEFAULT_SOURCE             /* strdup */
#include "sim/stats.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "sim/param.h"
#include "sim/table.h"

/* ---- math ---- */

/* gsl_stats_mean is a running mean, m += (x - m) / (i + 1), and one
 * infinite value makes it NaN from the next value on ({inf, 1, 2} gives
 * NaN, not inf). A plain sum gives inf, or NaN only for inf + -inf. Finite
 * data keep GSL's mean, so results without infinities are unchanged to
 * the last bit. */
static double mean_of(const double *x, size_t n)
{
    double sum = 0.0;

    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) {
            for (size_t j = 0; j < n; j++)
                sum += x[j];
            return sum / (double)n;
        }
    return gsl_stats_mean(x, 1, n);
}

void stats_ci(const double *x, size_t n, double level, struct stats_ci *out)
{
    out->n = n;
    out->mean = out->sd = out->lo = out->hi = NAN;
    if (n == 0)
        return;
    out->mean = mean_of(x, n);
    if (n < 2)
        return;
    out->sd = gsl_stats_sd_m(x, 1, n, out->mean);
    {
        double half = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, (double)(n - 1)) *
                      out->sd / sqrt((double)n);

        out->lo = out->mean - half;
        out->hi = out->mean + half;
    }
}

void stats_welch(const double *a, size_t na, const double *b, size_t nb,
                 struct stats_welch *out)
{
    double ma = na ? mean_of(a, na) : (double)NAN;
    double mb = nb ? mean_of(b, nb) : (double)NAN;
    double va = na > 1 ? gsl_stats_variance_m(a, 1, na, ma) : 0.0;
    double vb = nb > 1 ? gsl_stats_variance_m(b, 1, nb, mb) : 0.0;
    double sa = na ? va / (double)na : 0.0, sb = nb ? vb / (double)nb : 0.0;
    double se2 = sa + sb;

    out->mean_a = ma;
    out->mean_b = mb;
    out->diff = mb - ma;
    if (ma != 0.0)
        out->rel = out->diff / fabs(ma);
    else
        out->rel = out->diff == 0.0 ? 0.0 : (out->diff > 0 ? (double)INFINITY : -(double)INFINITY);
    if (!isfinite(ma) || !isfinite(mb)) {
        out->t = out->df = out->p = NAN;    /* no test on infinities */
        return;
    }
    if (se2 == 0.0) {
        out->t = out->diff == 0.0 ? 0.0 : copysign(INFINITY, out->diff);
        out->df = (double)(na + nb) - 2.0;
        out->p = out->diff == 0.0 ? 1.0 : 0.0;
        return;
    }
    out->t = out->diff / sqrt(se2);
    {
        double den = (na > 1 ? sa * sa / (double)(na - 1) : 0.0) +
                     (nb > 1 ? sb * sb / (double)(nb - 1) : 0.0);

        out->df = den > 0 ? se2 * se2 / den : 1.0;
    }
    out->p = 2.0 * gsl_cdf_tdist_Q(fabs(out->t), out->df);
}

void stats_paired(const double *a, const double *b, size_t n, double level,
                  struct stats_ci *out)
{
    double *d = malloc((n ? n : 1) * sizeof *d);

    if (!d)
        SIM_OOM("stats: out of memory");
    for (size_t i = 0; i < n; i++)
        d[i] = b[i] - a[i];
    stats_ci(d, n, level, out);
    free(d);
}

/* ---- a small string -> index map ---- */

struct strmap {
    char **keys;            /* owned */
    size_t *vals;
    size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    while (*s)
        h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
    return h;
}

static void map_free(struct strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
}

static long map_get(const struct strmap *m, const char *key)
{
    if (!m->cap)
        return -1;
    for (size_t i = hash_str(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
        if (strcmp(m->keys[i], key) == 0)
            return (long)m->vals[i];
    return -1;
}

static void map_put(struct strmap *m, const char *key, size_t val)
{
    size_t i;

    if ((m->n + 1) * 2 > m->cap) {
        struct strmap nm = { NULL, NULL, m->cap ? m->cap * 2 : 64, 0 };

        nm.keys = calloc(nm.cap, sizeof *nm.keys);
        nm.vals = calloc(nm.cap, sizeof *nm.vals);
        if (!nm.keys || !nm.vals)
            SIM_OOM("stats: out of memory");
        for (size_t j = 0; j < m->cap; j++) {
            if (!m->keys[j])
                continue;
            for (i = hash_str(m->keys[j]) & (nm.cap - 1); nm.keys[i]; i = (i + 1) & (nm.cap - 1))
                ;
            nm.keys[i] = m->keys[j];
            nm.vals[i] = m->vals[j];
            nm.n++;
        }
        free(m->keys);
        free(m->vals);
        *m = nm;
    }
    for (i = hash_str(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
        if (strcmp(m->keys[i], key) == 0) {
            m->vals[i] = val;
            return;
        }
    m->keys[i] = strdup(key);
    if (!m->keys[i])
        SIM_OOM("stats: out of memory");
    m->vals[i] = val;
    m->n++;
}

/* ---- loading ---- */

struct srun {
    size_t number, rep;
    char *id;                   /* owned run_id */
    char *seed_set;             /* owned text */
    bool ok;
    size_t point;
    char **vals;                /* owned: values of the non-repetition vars */
};

struct smetric {
    char *metric, *kind, *entity, *unit;    /* owned */
};

struct stats_data {
    char *config;               /* owned */
    size_t nvars;
    char **vars;                /* owned names, repetition excluded */
    struct srun *runs;          /* owned, in run-number order */
    size_t nruns, nfailed;
    size_t npoints;
    size_t *point_run;          /* owned: first run of each point */
    char **point_label;         /* owned */
    char **point_key;           /* owned: what points match on across directories */
    struct smetric *metrics;    /* owned, first-appearance order */
    size_t nmetrics, capmetrics;
    double *val;                /* owned: nruns x capmetrics, NaN = missing */
    char **rec_metric;          /* owned: the per-run records' metric names */
    size_t nrec;
    struct strmap metric_map, run_map, point_map, key_map;
};

static char *xstrdup(const char *s)
{
    char *p = strdup(s ? s : "");

    if (!p)
        SIM_OOM("stats: out of memory");
    return p;
}

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);

    if (!p)
        SIM_OOM("stats: out of memory");
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static size_t add_metric(struct stats_data *sd, const char *metric,
                         const char *kind, const char *entity, const char *unit)
{
    size_t klen = strlen(metric) + strlen(kind) + strlen(entity) + 3;
    char *key = malloc(klen);
    long at;

    if (!key)
        SIM_OOM("stats: out of memory");
    snprintf(key, klen, "%s\x1f%s\x1f%s", metric, kind, entity);
    at = map_get(&sd->metric_map, key);
    if (at >= 0) {
        free(key);
        return (size_t)at;
    }
    if (sd->nmetrics == sd->capmetrics) {
        size_t ncap = sd->capmetrics ? sd->capmetrics * 2 : 16;
        double *nv = malloc((sd->nruns ? sd->nruns : 1) * ncap * sizeof *nv);

        if (!nv)
            SIM_OOM("stats: out of memory");
        for (size_t r = 0; r < sd->nruns; r++)
            for (size_t m = 0; m < ncap; m++)
                nv[r * ncap + m] = m < sd->nmetrics ? sd->val[r * sd->capmetrics + m] : (double)NAN;
        free(sd->val);
        sd->val = nv;
        sd->capmetrics = ncap;
        sd->metrics = realloc(sd->metrics, ncap * sizeof *sd->metrics);
        if (!sd->metrics)
            SIM_OOM("stats: out of memory");
    }
    sd->metrics[sd->nmetrics] = (struct smetric){ xstrdup(metric), xstrdup(kind),
                                                  xstrdup(entity), xstrdup(unit) };
    map_put(&sd->metric_map, key, sd->nmetrics);
    free(key);
    return sd->nmetrics++;
}

static int cmp_run(const void *a, const void *b)
{
    const struct srun *x = a, *y = b;

    return (x->number > y->number) - (x->number < y->number);
}

static int load_runs(struct stats_data *sd, const char *dir, struct diag *d)
{
    char *path = path_in(dir, "runs.csv");
    struct tbl *t = tbl_load(path, d);
    int c_id, c_cfg, c_num, c_rep, c_seed, c_base, c_status, rc = SIM_OK;
    size_t first_var, nvar_all;
    long rep_var = -1;

    free(path);
    if (!t)
        return SIM_EIO;
    c_id = tbl_need_col(t, "run_id", d);
    c_cfg = tbl_need_col(t, "config", d);
    c_num = tbl_need_col(t, "run_number", d);
    c_rep = tbl_need_col(t, "repetition", d);
    c_seed = tbl_need_col(t, "seed_set", d);
    c_base = tbl_need_col(t, "base_seed", d);
    c_status = tbl_need_col(t, "status", d);
    if (c_id < 0 || c_cfg < 0 || c_num < 0 || c_rep < 0 || c_seed < 0 ||
        c_base < 0 || c_status < 0) {
        tbl_free(t);
        return SIM_EINVAL;
    }
    if (c_status < c_base) {
        struct srcloc at = { tbl_path(t), 1 };

        diag_error(d, &at, "column 'status' comes before 'base_seed' "
                   "(the sweep axes sit between them)");
        tbl_free(t);
        return SIM_EINVAL;
    }
    /* Iteration variables sit between base_seed and status. */
    first_var = (size_t)c_base + 1;
    nvar_all = (size_t)c_status - first_var;
    sd->vars = calloc(nvar_all + 1, sizeof *sd->vars);
    if (!sd->vars)
        SIM_OOM("stats: out of memory");
    for (size_t i = 0; i < nvar_all; i++) {
        const char *name = tbl_col_name(t, first_var + i);

        if (strcmp(name, "repetition") == 0)
            rep_var = (long)i;
        else
            sd->vars[sd->nvars++] = xstrdup(name);
    }
    sd->nruns = tbl_rows(t);
    sd->runs = calloc(sd->nruns ? sd->nruns : 1, sizeof *sd->runs);
    if (!sd->runs)
        SIM_OOM("stats: out of memory");
    for (size_t r = 0; r < sd->nruns; r++) {
        struct srun *u = &sd->runs[r];
        int64_t num, rep;
        size_t k = 0;

        if (tbl_get_int(t, r, (size_t)c_num, &num, d) != SIM_OK ||
            tbl_get_int(t, r, (size_t)c_rep, &rep, d) != SIM_OK) {
            rc = SIM_EINVAL;
            break;
        }
        if (num < 0 || rep < 0) {
            struct srcloc at = { tbl_path(t), tbl_line(t, r) };

            rc = diag_error(d, &at, "column '%s': expected a number >= 0, got %lld",
                            num < 0 ? "run_number" : "repetition",
                            (long long)(num < 0 ? num : rep));
            break;
        }
        u->number = (size_t)num;
        u->rep = (size_t)rep;
        u->seed_set = xstrdup(tbl_get(t, r, (size_t)c_seed));
        u->ok = strcmp(tbl_get(t, r, (size_t)c_status), "ok") == 0;
        u->id = xstrdup(tbl_get(t, r, (size_t)c_id));
        u->vals = calloc(sd->nvars + 1, sizeof *u->vals);
        if (!u->vals)
            SIM_OOM("stats: out of memory");
        for (size_t i = 0; i < nvar_all; i++)
            if ((long)i != rep_var)
                u->vals[k++] = xstrdup(tbl_get(t, r, first_var + i));
        if (!sd->config)
            sd->config = xstrdup(tbl_get(t, r, (size_t)c_cfg));
    }
    if (!sd->config)
        sd->config = xstrdup("");
    tbl_free(t);
    if (rc != SIM_OK)
        return rc;
    /* runs.csv is written in run-number order; sort anyway. */
    qsort(sd->runs, sd->nruns, sizeof *sd->runs, cmp_run);
    for (size_t r = 0; r < sd->nruns; r++) {
        if (map_get(&sd->run_map, sd->runs[r].id) >= 0)
            return diag_error(d, NULL, "%s/runs.csv: run '%s' appears twice",
                              dir, sd->runs[r].id);
        map_put(&sd->run_map, sd->runs[r].id, r);
        if (!sd->runs[r].ok)
            sd->nfailed++;
    }
    return SIM_OK;
}

/* The identity of run r's point across directories: its (variable, value)
 * pairs sorted by name, a value that is a number written as that number.
 * The label keeps the declared order and the values as typed, so the same
 * study with its axes declared in another order, or ${fee=0.10,0.20}
 * against ${fee=0.1,0.2}, matched no point at all. */
static char *point_key(const struct stats_data *sd, const struct srun *u)
{
    size_t *order = malloc((sd->nvars + 1) * sizeof *order);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!order || !f)
        SIM_OOM("stats: out of memory");
    /* Insertion sort by name: a study has a handful of axes. */
    for (size_t i = 0; i < sd->nvars; i++) {
        size_t j = i;

        for (; j > 0 && strcmp(sd->vars[order[j - 1]], sd->vars[i]) > 0; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    for (size_t k = 0; k < sd->nvars; k++) {
        const char *v = u->vals[order[k]];
        char *end;
        double x = strtod(v, &end);

        fprintf(f, "%s\x1f", sd->vars[order[k]]);
        if (*v && !*end && isfinite(x))
            fprintf(f, "%.17g\x1e", x == 0.0 ? 0.0 : x);      /* -0 is 0 */
        else
            fprintf(f, "%s\x1e", v);
    }
    fclose(f);
    free(order);
    return buf;
}

bool stats_same_value(const char *a, const char *b)
{
    char *ea, *eb;
    double x, y;

    if (strcmp(a, b) == 0)
        return true;
    x = strtod(a, &ea);
    y = strtod(b, &eb);
    return *a && *b && !*ea && !*eb && isfinite(x) && isfinite(y) && x == y;
}

static void index_points(struct stats_data *sd)
{
    sd->point_run = calloc(sd->nruns ? sd->nruns : 1, sizeof *sd->point_run);
    sd->point_label = calloc(sd->nruns ? sd->nruns : 1, sizeof *sd->point_label);
    sd->point_key = calloc(sd->nruns ? sd->nruns : 1, sizeof *sd->point_key);
    if (!sd->point_run || !sd->point_label || !sd->point_key)
        SIM_OOM("stats: out of memory");
    for (size_t r = 0; r < sd->nruns; r++) {
        struct srun *u = &sd->runs[r];
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        long p;

        if (!f)
            SIM_OOM("stats: out of memory");
        for (size_t i = 0; i < sd->nvars; i++)
            fprintf(f, "%s%s=%s", i ? ", " : "", sd->vars[i], u->vals[i]);
        if (sd->nvars == 0)
            fputs("all", f);
        fclose(f);
        p = map_get(&sd->point_map, buf);
        if (p < 0) {
            p = (long)sd->npoints;
            sd->point_run[sd->npoints] = r;
            sd->point_key[sd->npoints] = point_key(sd, u);
            /* Two points of one study equal as numbers (${x=1,1.0}): the
             * first is the one matched. */
            if (map_get(&sd->key_map, sd->point_key[sd->npoints]) < 0)
                map_put(&sd->key_map, sd->point_key[sd->npoints], (size_t)p);
            sd->point_label[sd->npoints++] = buf;
            map_put(&sd->point_map, buf, (size_t)p);
        } else {
            free(buf);
        }
        u->point = (size_t)p;
    }
}

bool stats_record_kind(const char *kind)
{
    return strchr(kind, ':') != NULL;
}

/* Remembers a per-run record's metric name (a handful of them: a linear
 * look is enough). */
static void note_record(struct stats_data *sd, const char *metric)
{
    char **grown;

    for (size_t i = 0; i < sd->nrec; i++)
        if (strcmp(sd->rec_metric[i], metric) == 0)
            return;
    if (!(grown = realloc(sd->rec_metric, (sd->nrec + 1) * sizeof *grown)))
        SIM_OOM("stats: out of memory");
    sd->rec_metric = grown;
    sd->rec_metric[sd->nrec++] = xstrdup(metric);
}

static int load_scalars(struct stats_data *sd, const char *dir, struct diag *d)
{
    char *path = path_in(dir, "scalars.csv");
    struct tbl *t = tbl_load(path, d);
    int c_id, c_m, c_k, c_e, c_v, c_u, rc = SIM_OK;

    free(path);
    if (!t)
        return SIM_EIO;
    c_id = tbl_need_col(t, "run_id", d);
    c_m = tbl_need_col(t, "metric", d);
    c_k = tbl_need_col(t, "entity_kind", d);
    c_e = tbl_need_col(t, "entity", d);
    c_v = tbl_need_col(t, "value", d);
    c_u = tbl_need_col(t, "unit", d);
    if (c_id < 0 || c_m < 0 || c_k < 0 || c_e < 0 || c_v < 0 || c_u < 0) {
        tbl_free(t);
        return SIM_EINVAL;
    }
    for (size_t i = 0; i < tbl_rows(t); i++) {
        long r = map_get(&sd->run_map, tbl_get(t, i, (size_t)c_id));
        size_t m;
        double v = NAN;

        if (r < 0) {
            struct srcloc at = { tbl_path(t), tbl_line(t, i) };

            rc = diag_error(d, &at, "run '%s' is not in runs.csv",
                            tbl_get(t, i, (size_t)c_id));
            break;
        }
        if (*tbl_get(t, i, (size_t)c_v) &&
            tbl_get_num(t, i, (size_t)c_v, &v, d) != SIM_OK) {
            rc = SIM_EINVAL;
            break;
        }
        if (stats_record_kind(tbl_get(t, i, (size_t)c_k))) {
            note_record(sd, tbl_get(t, i, (size_t)c_m));
            continue;
        }
        m = add_metric(sd, tbl_get(t, i, (size_t)c_m), tbl_get(t, i, (size_t)c_k),
                       tbl_get(t, i, (size_t)c_e), tbl_get(t, i, (size_t)c_u));
        sd->val[(size_t)r * sd->capmetrics + m] = v;
    }
    tbl_free(t);
    return rc;
}

/* Warm-up of each run (hours) from params.csv's sim.warmup; 0 if absent. */
static void load_warmups(const struct stats_data *sd, const char *dir,
                         double *warm_h, struct diag *d)
{
    static const struct param_def warm_def = {
        "sim.warmup", PT_TIME, "d", "0d", 0, -1, NULL, "warm-up"
    };
    char *path = path_in(dir, "params.csv");
    struct diag quiet = DIAG_SILENT;
    struct tbl *t;
    int c_id, c_k, c_v;

    (void)d;
    for (size_t r = 0; r < sd->nruns; r++)
        warm_h[r] = 0.0;
    t = tbl_load(path, &quiet);
    free(path);
    if (!t)
        return;
    c_id = tbl_col(t, "run_id");
    c_k = tbl_col(t, "key");
    c_v = tbl_col(t, "value");
    for (size_t i = 0; c_id >= 0 && c_k >= 0 && c_v >= 0 && i < tbl_rows(t); i++) {
        struct param_value pv;
        char err[128];
        long r;

        if (strcmp(tbl_get(t, i, (size_t)c_k), "sim.warmup") != 0)
            continue;
        r = map_get(&sd->run_map, tbl_get(t, i, (size_t)c_id));
        if (r >= 0 && param_parse(&warm_def, tbl_get(t, i, (size_t)c_v), &pv,
                                  err, sizeof err) == SIM_OK)
            warm_h[r] = sim_time_to_hours(pv.u.t);
    }
    tbl_free(t);
}

/* Warm-up deletion: the mean of each time series after the warm-up. */
static int load_series(struct stats_data *sd, const char *dir, struct diag *d)
{
    char *path = path_in(dir, "timeseries.csv");
    struct tbl *t;
    int c_id, c_t, c_m, c_k, c_e, c_v, rc = SIM_OK;
    double *warm_h, *sum = NULL;
    size_t *cnt = NULL, cap = 0;
    FILE *probe = fopen(path, "rb");

    if (!probe) {
        free(path);
        return SIM_OK;
    }
    fclose(probe);
    t = tbl_load(path, d);
    free(path);
    if (!t)
        return SIM_EIO;
    if (tbl_rows(t) == 0) {
        tbl_free(t);
        return SIM_OK;
    }
    c_id = tbl_need_col(t, "run_id", d);
    c_t = tbl_need_col(t, "t_h", d);
    c_m = tbl_need_col(t, "metric", d);
    c_k = tbl_need_col(t, "entity_kind", d);
    c_e = tbl_need_col(t, "entity", d);
    c_v = tbl_need_col(t, "value", d);
    if (c_id < 0 || c_t < 0 || c_m < 0 || c_k < 0 || c_e < 0 || c_v < 0) {
        tbl_free(t);
        return SIM_EINVAL;
    }
    warm_h = malloc((sd->nruns ? sd->nruns : 1) * sizeof *warm_h);
    if (!warm_h)
        SIM_OOM("stats: out of memory");
    load_warmups(sd, dir, warm_h, d);
    for (size_t i = 0; i < tbl_rows(t); i++) {
        long r = map_get(&sd->run_map, tbl_get(t, i, (size_t)c_id));
        double th, v;
        size_t m;
        char name[512];

        /* An empty value is a NaN sample (tbl_num writes NaN so): a
         * missing sample, as in scalars.csv, not a broken directory. */
        if (r < 0 || !*tbl_get(t, i, (size_t)c_v))
            continue;
        if (tbl_get_num(t, i, (size_t)c_t, &th, d) != SIM_OK ||
            tbl_get_num(t, i, (size_t)c_v, &v, d) != SIM_OK) {
            rc = SIM_EINVAL;
            break;
        }
        if (th < warm_h[r])
            continue;
        snprintf(name, sizeof name, "%s.steady_mean", tbl_get(t, i, (size_t)c_m));
        /* No unit: timeseries.csv carries none (docs/METRICS.md). */
        m = add_metric(sd, name, tbl_get(t, i, (size_t)c_k),
                       tbl_get(t, i, (size_t)c_e), "");
        if (sd->capmetrics * sd->nruns > cap) {
            size_t ncap = sd->capmetrics * sd->nruns;

            sum = realloc(sum, ncap * sizeof *sum);
            cnt = realloc(cnt, ncap * sizeof *cnt);
            if (!sum || !cnt)
                SIM_OOM("stats: out of memory");
            /* capmetrics may have grown: re-lay the accumulators. */
            memset(sum, 0, ncap * sizeof *sum);
            memset(cnt, 0, ncap * sizeof *cnt);
            cap = ncap;
            i = (size_t)-1;         /* restart: layout changed */
            continue;
        }
        sum[(size_t)r * sd->capmetrics + m] += v;
        cnt[(size_t)r * sd->capmetrics + m]++;
    }
    for (size_t r = 0; rc == SIM_OK && r < sd->nruns; r++)
        for (size_t m = 0; m < sd->nmetrics; m++) {
            size_t k = r * sd->capmetrics + m;

            if (k < cap && cnt[k])
                sd->val[k] = sum[k] / (double)cnt[k];
        }
    free(sum);
    free(cnt);
    free(warm_h);
    tbl_free(t);
    return rc;
}

struct stats_data *stats_load(const char *dir, struct diag *d)
{
    struct stats_data *sd = calloc(1, sizeof *sd);

    if (!sd)
        SIM_OOM("stats: out of memory");
    if (load_runs(sd, dir, d) != SIM_OK) {
        stats_free(sd);
        return NULL;
    }
    index_points(sd);
    if (load_scalars(sd, dir, d) != SIM_OK || load_series(sd, dir, d) != SIM_OK) {
        stats_free(sd);
        return NULL;
    }
    return sd;
}

void stats_free(struct stats_data *sd)
{
    if (!sd)
        return;
    for (size_t r = 0; r < sd->nruns; r++) {
        for (size_t i = 0; sd->runs[r].vals && i < sd->nvars; i++)
            free(sd->runs[r].vals[i]);
        free(sd->runs[r].vals);
        free(sd->runs[r].seed_set);
        free(sd->runs[r].id);
    }
    free(sd->runs);
    for (size_t i = 0; i < sd->nvars; i++)
        free(sd->vars[i]);
    free(sd->vars);
    for (size_t p = 0; p < sd->npoints; p++) {
        free(sd->point_label[p]);
        free(sd->point_key[p]);
    }
    free(sd->point_label);
    free(sd->point_key);
    free(sd->point_run);
    for (size_t m = 0; m < sd->nmetrics; m++) {
        free(sd->metrics[m].metric);
        free(sd->metrics[m].kind);
        free(sd->metrics[m].entity);
        free(sd->metrics[m].unit);
    }
    free(sd->metrics);
    free(sd->val);
    for (size_t i = 0; i < sd->nrec; i++)
        free(sd->rec_metric[i]);
    free(sd->rec_metric);
    free(sd->config);
    map_free(&sd->metric_map);
    map_free(&sd->run_map);
    map_free(&sd->point_map);
    map_free(&sd->key_map);
    free(sd);
}

const char *stats_config(const struct stats_data *sd)
{
    return sd->config ? sd->config : "";
}

size_t stats_run_count(const struct stats_data *sd) { return sd->nruns; }
size_t stats_failed_count(const struct stats_data *sd) { return sd->nfailed; }
size_t stats_point_count(const struct stats_data *sd) { return sd->npoints; }
size_t stats_metric_count(const struct stats_data *sd) { return sd->nmetrics; }
size_t stats_record_metric_count(const struct stats_data *sd) { return sd->nrec; }
const char *stats_record_metric(const struct stats_data *sd, size_t i) { return sd->rec_metric[i]; }

const char *stats_point_value(const struct stats_data *sd, size_t p, size_t i)
{
    return sd->runs[sd->point_run[p]].vals[i];
}

const char *stats_point_label(const struct stats_data *sd, size_t p)
{
    return sd->point_label[p];
}

void stats_metric(const struct stats_data *sd, size_t m, const char **metric,
                  const char **kind, const char **entity, const char **unit)
{
    *metric = sd->metrics[m].metric;
    *kind = sd->metrics[m].kind;
    *entity = sd->metrics[m].entity;
    if (unit)
        *unit = sd->metrics[m].unit;
}

long stats_find_metric(const struct stats_data *sd, const char *metric,
                       const char *kind, const char *entity)
{
    size_t klen = strlen(metric) + strlen(kind) + strlen(entity) + 3;
    char *key = malloc(klen);
    long at;

    if (!key)
        SIM_OOM("stats: out of memory");
    snprintf(key, klen, "%s\x1f%s\x1f%s", metric, kind, entity);
    at = map_get(&sd->metric_map, key);
    free(key);
    return at;
}

long stats_match_point(const struct stats_data *sd, const struct stats_data *other,
                       size_t q)
{
    return map_get(&sd->key_map, other->point_key[q]);
}

size_t stats_values(const struct stats_data *sd, size_t p, size_t m, double *out)
{
    size_t n = 0;

    for (size_t r = 0; r < sd->nruns; r++) {
        double v;

        if (sd->runs[r].point != p || !sd->runs[r].ok)
            continue;
        v = sd->val[r * sd->capmetrics + m];
        if (!isnan(v))
            out[n++] = v;
    }
    return n;
}

/* ---- summary.csv ---- */

static const char *const summary_tail[] = {
    "metric", "entity_kind", "entity", "n", "mean", "sd", "ci_level",
    "ci_low", "ci_high", "p05", "p50", "p95", "unit"
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static struct tbl_writer *open_with_vars(const char *path, const char *const *head,
                                         size_t nhead, const struct stats_data *sd,
                                         long skip, const bool *locked,
                                         const char *const *tail, size_t ntail)
{
    size_t n = 0;
    const char **cols = malloc((nhead + sd->nvars + ntail) * sizeof *cols);
    struct tbl_writer *w;

    if (!cols)
        SIM_OOM("stats: out of memory");
    for (size_t i = 0; i < nhead; i++)
        cols[n++] = head[i];
    for (size_t i = 0; i < sd->nvars; i++)
        if ((long)i != skip && !(locked && locked[i]))
            cols[n++] = sd->vars[i];
    for (size_t i = 0; i < ntail; i++)
        cols[n++] = tail[i];
    w = tbl_create(path, cols, n);
    free(cols);
    return w;
}

int stats_write_summary(const struct stats_data *sd, const char *path,
                        double level)
{
    static const char *const head[] = { "config" };
    struct tbl_writer *w = open_with_vars(path, head, 1, sd, -1, NULL, summary_tail,
                                          NELEM(summary_tail));
    double *x = malloc((sd->nruns ? sd->nruns : 1) * sizeof *x);

    if (!x)
        SIM_OOM("stats: out of memory");
    if (!w) {
        free(x);
        return SIM_EIO;
    }
    for (size_t p = 0; p < sd->npoints; p++) {
        for (size_t m = 0; m < sd->nmetrics; m++) {
            size_t n = stats_values(sd, p, m, x);
            struct stats_ci ci;

            if (n == 0)
                continue;
            stats_ci(x, n, level, &ci);
            gsl_sort(x, 1, n);
            tbl_str(w, sd->config);
            for (size_t i = 0; i < sd->nvars; i++)
                tbl_str(w, stats_point_value(sd, p, i));
            tbl_str(w, sd->metrics[m].metric);
            tbl_str(w, sd->metrics[m].kind);
            tbl_str(w, sd->metrics[m].entity);
            tbl_int(w, (int64_t)n);
            tbl_num(w, ci.mean);
            tbl_num(w, ci.sd);
            tbl_num(w, level);
            tbl_num(w, ci.lo);
            tbl_num(w, ci.hi);
            tbl_num(w, gsl_stats_quantile_from_sorted_data(x, 1, n, 0.05));
            tbl_num(w, gsl_stats_quantile_from_sorted_data(x, 1, n, 0.50));
            tbl_num(w, gsl_stats_quantile_from_sorted_data(x, 1, n, 0.95));
            tbl_str(w, sd->metrics[m].unit);
            tbl_end_row(w);
        }
    }
    free(x);
    return tbl_close(w);
}

/* ---- contrasts.csv ---- */

static const char *const contrast_tail[] = {
    "metric", "entity_kind", "entity", "axis", "level", "baseline_level", "n",
    "mean_diff", "sd_diff", "ci_level", "ci_low", "ci_high", "method",
    "common_seeds"
};

/* Runs of the point that equals point 'p' except that variable 'ax' is
 * 'value'; -1 if there is none. */
static long sibling_point(const struct stats_data *sd, size_t p, size_t ax,
                          const bool *locked, const char *value)
{
    for (size_t q = 0; q < sd->npoints; q++) {
        bool same = strcmp(stats_point_value(sd, q, ax), value) == 0;

        for (size_t i = 0; same && i < sd->nvars; i++)
            if (i != ax && !locked[i] && strcmp(stats_point_value(sd, q, i), stats_point_value(sd, p, i)) != 0)
                same = false;
        if (same)
            return (long)q;
    }
    return -1;
}

/* Variables in lock-step with the axis ('${a,b ! axis}'): equal values of
 * one mean equal values of the other, over every point. They move with
 * the contrast and are not matched on. */
static bool *lockstep_vars(const struct stats_data *sd, size_t ax)
{
    bool *locked = calloc(sd->nvars + 1, sizeof *locked);

    if (!locked)
        SIM_OOM("stats: out of memory");
    for (size_t i = 0; i < sd->nvars; i++) {
        bool lk = i != ax;

        for (size_t p = 0; lk && p < sd->npoints; p++)
            for (size_t q = p + 1; lk && q < sd->npoints; q++) {
                bool sa = strcmp(stats_point_value(sd, p, ax), stats_point_value(sd, q, ax)) == 0;
                bool si = strcmp(stats_point_value(sd, p, i), stats_point_value(sd, q, i)) == 0;

                lk = sa == si;
            }
        locked[i] = lk;
    }
    return locked;
}

/* The ok run of point p with repetition 'rep', or -1. */
static long run_at(const struct stats_data *sd, size_t p, size_t rep)
{
    for (size_t r = 0; r < sd->nruns; r++)
        if (sd->runs[r].point == p && sd->runs[r].rep == rep && sd->runs[r].ok)
            return (long)r;
    return -1;
}

int stats_write_contrasts(const struct stats_data *sd, const char *path,
                          const struct stats_opts *o, struct diag *d)
{
    static const char *const head[] = { "config" };
    long ax = -1;
    const char *base = o->baseline;
    struct tbl_writer *w;
    double *a, *b;
    bool *locked;

    for (size_t i = 0; i < sd->nvars; i++)
        if (strcmp(sd->vars[i], o->axis ? o->axis : "policy") == 0)
            ax = (long)i;
    if (ax < 0 && o->axis) {
        /* the hint run and sweep give (merge.c), for merge's own check */
        struct param_near near;
        char hint[160];

        param_near_init(&near, o->axis);
        for (size_t i = 0; i < sd->nvars; i++)
            if (strcmp(sd->vars[i], "repetition") != 0)
                param_near_offer(&near, sd->vars[i]);
        diag_error(d, NULL, "contrast axis '%s' is not an iteration variable of this study%s",
                   o->axis, param_hint(param_near_best(&near), hint, sizeof hint));
        return SIM_EINVAL;
    }
    if (ax < 0 && sd->nvars > 0)
        ax = 0;
    locked = ax >= 0 ? lockstep_vars(sd, (size_t)ax) : NULL;
    w = open_with_vars(path, head, 1, sd, ax, locked, contrast_tail, NELEM(contrast_tail));
    if (!w) {
        free(locked);
        return SIM_EIO;
    }
    if (ax < 0 || sd->nruns == 0) {
        free(locked);
        return tbl_close(w);
    }
    if (!base)
        base = sd->runs[0].vals[ax];
    {
        bool found = false;

        /* the baseline as the axis spells it: --contrast fee=0.3 names
         * the point written 0.30, as points match everywhere else */
        for (size_t p = 0; p < sd->npoints && !found; p++)
            if (stats_same_value(stats_point_value(sd, p, (size_t)ax), base)) {
                base = stats_point_value(sd, p, (size_t)ax);
                found = true;
            }
        if (!found && o->part) {
            /* run -r of runs away from the baseline: nothing to pair
             * here; merge pairs them when the parts come together */
            free(locked);
            return tbl_close(w);
        }
        if (!found) {
            /* the axis's values (the first eight), as run and sweep list them */
            char vals[256] = "";
            size_t len = 0, nv = 0;

            for (size_t p = 0; p < sd->npoints; p++) {
                const char *v = stats_point_value(sd, p, (size_t)ax);
                char item[136];

                snprintf(item, sizeof item, "'%s'", v);
                if (strlen(v) >= 128 || strstr(vals, item))
                    continue;
                if (nv++ < 8 && len + strlen(item) + 3 < sizeof vals)
                    len += (size_t)snprintf(vals + len, sizeof vals - len, "%s%s",
                                            len ? ", " : "", item);
                else if (len + 6 < sizeof vals && !strstr(vals, ", ...")) {
                    snprintf(vals + len, sizeof vals - len, ", ...");
                    len += 5;
                }
            }
            tbl_close(w);
            free(locked);
            return diag_error(d, NULL, "baseline '%s' is not a value of axis '%s' (its values: %s)",
                              base, sd->vars[ax], vals);
        }
    }
    a = malloc(sd->nruns * sizeof *a);
    b = malloc(sd->nruns * sizeof *b);
    if (!a || !b)
        SIM_OOM("stats: out of memory");
    /* Points in first-appearance order; each non-baseline point is paired
     * with the baseline point that shares its other variables. */
    for (size_t p = 0; p < sd->npoints; p++) {
        long q;

        if (strcmp(stats_point_value(sd, p, (size_t)ax), base) == 0)
            continue;
        q = sibling_point(sd, p, (size_t)ax, locked, base);
        if (q < 0)
            continue;
        for (size_t m = 0; m < sd->nmetrics; m++) {
            size_t n = 0;
            bool common = true;
            struct stats_ci ci;

            for (size_t r = 0; r < sd->nruns; r++) {
                long rb;
                double vp, vb;

                if (sd->runs[r].point != p || !sd->runs[r].ok)
                    continue;
                rb = run_at(sd, (size_t)q, sd->runs[r].rep);
                if (rb < 0)
                    continue;
                vp = sd->val[r * sd->capmetrics + m];
                vb = sd->val[(size_t)rb * sd->capmetrics + m];
                if (isnan(vp) || isnan(vb))
                    continue;
                if (strcmp(sd->runs[r].seed_set, sd->runs[rb].seed_set) != 0)
                    common = false;
                a[n] = vb;
                b[n++] = vp;
            }
            if (n == 0)
                continue;
            stats_paired(a, b, n, o->level, &ci);
            tbl_str(w, sd->config);
            for (size_t i = 0; i < sd->nvars; i++)
                if ((long)i != ax && !locked[i])
                    tbl_str(w, stats_point_value(sd, p, i));
            tbl_str(w, sd->metrics[m].metric);
            tbl_str(w, sd->metrics[m].kind);
            tbl_str(w, sd->metrics[m].entity);
            tbl_str(w, sd->vars[ax]);
            tbl_str(w, stats_point_value(sd, p, (size_t)ax));
            tbl_str(w, base);
            tbl_int(w, (int64_t)n);
            tbl_num(w, ci.mean);
            tbl_num(w, ci.sd);
            tbl_num(w, o->level);
            tbl_num(w, ci.lo);
            tbl_num(w, ci.hi);
            tbl_str(w, "paired-t");
            tbl_int(w, common ? 1 : 0);
            tbl_end_row(w);
        }
    }
    free(a);
    free(b);
    free(locked);
    return tbl_close(w);
}

/* Moves 'tmp' to 'final'; a failure says which file (it said nothing,
 * and merge exited 2 without a word when the rename failed). */
static int commit_file(const char *tmp, const char *final, struct diag *d)
{
    if (rename(tmp, final) != 0) {
        int e = errno;

        remove(tmp);
        diag_error(d, NULL, "cannot rename %s to %s: %s", tmp, final, strerror(e));
        return SIM_EIO;
    }
    return SIM_OK;
}

int stats_write_all(const char *dir, const char *shown, const struct stats_opts *o,
                    struct diag *d)
{
    struct stats_data *sd = stats_load(dir, d);
    char *s_tmp = path_in(dir, ".summary.csv.tmp"), *s_fin = path_in(dir, "summary.csv");
    char *c_tmp = path_in(dir, ".contrasts.csv.tmp"), *c_fin = path_in(dir, "contrasts.csv");
    char *s_shown = path_in(shown ? shown : dir, "summary.csv");
    char *c_shown = path_in(shown ? shown : dir, "contrasts.csv");
    int rc = SIM_EIO;

    /* A writer that cannot open or close its file returns SIM_EIO with
     * errno set and says nothing: the reason is given here. */
    if (sd) {
        errno = 0;
        rc = stats_write_summary(sd, s_tmp, o->level);
        if (rc == SIM_OK) {
            rc = commit_file(s_tmp, s_fin, d);
        } else {
            int e = errno ? errno : EIO;

            remove(s_tmp);
            diag_error(d, NULL, "cannot write %s: %s", s_shown, strerror(e));
        }
        if (rc == SIM_OK) {
            errno = 0;
            rc = stats_write_contrasts(sd, c_tmp, o, d);
            if (rc == SIM_OK) {
                rc = commit_file(c_tmp, c_fin, d);
            } else {
                int e = errno ? errno : EIO;

                remove(c_tmp);
                if (rc == SIM_EIO)      /* other errors said what they were */
                    diag_error(d, NULL, "cannot write %s: %s", c_shown, strerror(e));
            }
        }
    }
    stats_free(sd);
    free(s_tmp);
    free(s_fin);
    free(c_tmp);
    free(c_fin);
    free(s_shown);
    free(c_shown);
    return rc;
}
