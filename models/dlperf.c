/* models/dlperf.c -- catalogue loading and the DLPerf fits.
 *
 * All fits are ordinary least squares in log space through GSL's
 * gsl_multifit_linear. Log space because DLPerf spans two orders of
 * magnitude (T4 4.3 to B200 681) and the errors are multiplicative: a
 * linear fit would be decided by the three largest parts alone.
 */
#include "models/dlperf.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_randist.h>
#include "sim/table.h"

#define Z90 1.2815515655446004      /* standard normal 90th percentile */

struct obs {                        /* one fitted single-GPU median */
    char name[48];
    double fp32, bw, fp16, dlperf, pred;
    int line;                       /* its row in the observed table */
};

struct bundle {
    char name[48];
    int n;
    bool sxm;                       /* its model's interconnect (set_dlperf1) */
    const struct dlperf_gpu *gpu;   /* the model dlperf_of() finds for the name */
    double per_gpu, fitted;         /* observed; simulated (fit_bundle_class) */
    int line;                       /* its row in the bundle table */
};

struct dlperf_model {
    struct dlperf_gpu *gpus;        /* owned */
    size_t ngpus;
    struct obs *obs;                /* owned */
    size_t nobs;
    struct bundle *bundles;         /* owned */
    size_t nbundles;
    double coef2[3], coef3[4];      /* two- and three-term forms */
    double r2_2, r2_3, rmse;
    bool use_fp16;
    double k[2], q[2];              /* [sxm] */
    double sigma_lo, sigma_hi;      /* derate spreads in ln */
    double ref_eff;                 /* kernels' reference efficiency */
    size_t ref_rows;                /* GPU rows behind it; 0: the fallback */
    size_t ncalib;                  /* rows of the calibration table */
};

/* Catalogue files without a 'class' column get one from the name: GeForce
 * "RTX <digit>...", server parts by family, the rest workstation. */
static enum dlperf_class class_from_name(const char *s)
{
    if (strncmp(s, "RTX ", 4) == 0 && s[4] >= '0' && s[4] <= '9')
        return DLPERF_CONSUMER;
    if (strncmp(s, "RTX", 3) == 0)
        return DLPERF_WORKSTATION;
    return DLPERF_DATACENTER;
}

static bool word_prefix(const char *prefix, const char *name)
{
    size_t n = strlen(prefix);

    return strncmp(prefix, name, n) == 0 && name[n] == ' ';
}

const struct dlperf_gpu *dlperf_catalog_find(const struct dlperf_model *m,
                                             const char *name)
{
    for (size_t i = 0; i < m->ngpus; i++)
        if (strcmp(m->gpus[i].name, name) == 0)
            return &m->gpus[i];
    for (size_t i = 0; i < m->ngpus; i++)
        if (word_prefix(name, m->gpus[i].name))
            return &m->gpus[i];
    return NULL;
}

/* OLS of y on the n x p row-major X; coefficients into 'coef', R^2 (with
 * an intercept in X) into '*r2' and fitted values into 'fit' if given. */
static int ols(size_t n, size_t p, const double *X, const double *y,
               double *coef, double *r2, double *fit)
{
    gsl_matrix *gx = gsl_matrix_alloc(n, p), *cov = gsl_matrix_alloc(p, p);
    gsl_vector *gy = gsl_vector_alloc(n), *gc = gsl_vector_alloc(p);
    gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(n, p);
    double chisq = 0.0, mean = 0.0, tss = 0.0;
    int rc = SIM_OK;

    if (!gx || !cov || !gy || !gc || !w) {
        rc = SIM_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < p; j++)
            gsl_matrix_set(gx, i, j, X[i * p + j]);
        gsl_vector_set(gy, i, y[i]);
        mean += y[i] / (double)n;
    }
    if (gsl_multifit_linear(gx, gy, gc, cov, &chisq, w) != GSL_SUCCESS) {
        rc = SIM_EINVAL;
        goto out;
    }
    for (size_t j = 0; j < p; j++)
        coef[j] = gsl_vector_get(gc, j);
    for (size_t i = 0; i < n; i++) {
        tss += (y[i] - mean) * (y[i] - mean);
        if (fit) {
            fit[i] = 0.0;
            for (size_t j = 0; j < p; j++)
                fit[i] += X[i * p + j] * coef[j];
        }
    }
    if (r2)
        *r2 = tss > 0.0 ? 1.0 - chisq / tss : 1.0;
out:
    gsl_matrix_free(gx), gsl_matrix_free(cov);
    gsl_vector_free(gy), gsl_vector_free(gc);
    gsl_multifit_linear_free(w);
    return rc;
}

/* ---- loading ---- */

static int need_cols(const struct tbl *t, const char (*names)[24], int *cols,
                     size_t n, struct diag *d)
{
    int bad = 0;

    for (size_t i = 0; i < n; i++)
        if ((cols[i] = tbl_need_col(t, names[i], d)) < 0)
            bad = 1;
    return bad ? SIM_EINVAL : SIM_OK;
}

static int load_catalog(struct dlperf_model *m, const char *path, struct diag *d)
{
    static const char names[][24] = {
        "model", "vram_gb", "mem_bw_gbs", "fp32_tflops", "fp16_tensor_tflops",
        "tdp_w", "pcie_gen", "year", "street_price_usd",
    };
    /* Far past any real part, but bounded: power, memory and price feed
     * the hosts' cost floors in micro-dollars, which must not overflow. */
    static const double most[8] = {
        4096,           /* vram_gb */
        1e6,            /* mem_bw_gbs */
        1e5,            /* fp32_tflops */
        1e6,            /* fp16_tensor_tflops */
        1e5,            /* tdp_w */
        16,             /* pcie_gen */
        2200,           /* year */
        1e7,            /* street_price_usd */
    };
    int c[9], ccls, csxm, err0 = d->nerrors;
    struct tbl *t = tbl_load(path, d);

    if (!t)
        return SIM_EINVAL;
    if (need_cols(t, names, c, 9, d) != SIM_OK) {
        tbl_free(t);
        return SIM_EINVAL;
    }
    ccls = tbl_col(t, "class");
    csxm = tbl_col(t, "sxm");
    /* A header alone: every later table's rows would be blamed for
     * naming GPUs "not in the catalogue", and this file never named. */
    if (tbl_rows(t) == 0) {
        struct srcloc at = { path, 0 };

        tbl_free(t);
        return diag_error(d, &at, "no GPU rows: the catalogue needs at least one model");
    }
    m->ngpus = tbl_rows(t);
    m->gpus = calloc(m->ngpus ? m->ngpus : 1, sizeof *m->gpus);
    if (!m->gpus) {
        tbl_free(t);
        return SIM_ENOMEM;
    }
    for (size_t i = 0; i < m->ngpus; i++) {
        struct dlperf_gpu *g = &m->gpus[i];
        struct srcloc at = { path, tbl_line(t, i) };
        double v[8];
        int bad = 0;

        snprintf(g->name, sizeof g->name, "%s", tbl_get(t, i, (size_t)c[0]));
        g->line = at.line;
        for (int j = 0; j < 8; j++)
            if (tbl_get_num(t, i, (size_t)c[j + 1], &v[j], d) != SIM_OK)
                bad = 1;
        if (bad)
            continue;
        if (g->name[0] == '\0')
            diag_error(d, &at, "empty GPU model name");
        for (int j = 0; j < 8; j++)
            if (!(v[j] > 0.0 && isfinite(v[j])))
                diag_error(d, &at, "column '%s': must be positive, got %g",
                           names[j + 1], v[j]);
            else if (v[j] > most[j])
                diag_error(d, &at, "column '%s': %g is out of range (0, %g]",
                           names[j + 1], v[j], most[j]);
            /* a PCIe generation and a year are whole (read as ints: 0.5
             * was generation 0) */
            else if ((j == 5 || j == 6) && v[j] != floor(v[j]))
                diag_error(d, &at, "column '%s': expected a whole number, got %g",
                           names[j + 1], v[j]);
        g->vram_gb = v[0], g->mem_bw_gbs = v[1], g->fp32_tflops = v[2];
        g->fp16_tflops = v[3], g->tdp_w = v[4], g->pcie_gen = (int)v[5];
        g->year = (int)v[6], g->street_price_usd = v[7];
        g->cls = class_from_name(g->name);
        g->derate_median = 1.0;
        if (ccls >= 0) {
            const char *s = tbl_get(t, i, (size_t)ccls);

            if (strcmp(s, "consumer") == 0)
                g->cls = DLPERF_CONSUMER;
            else if (strcmp(s, "workstation") == 0)
                g->cls = DLPERF_WORKSTATION;
            else if (strcmp(s, "datacenter") == 0)
                g->cls = DLPERF_DATACENTER;
            else
                diag_error(d, &at, "column 'class': expected consumer, "
                           "workstation or datacenter, got \"%s\"", s);
        }
        g->sxm = strstr(g->name, "SXM") != NULL;
        if (csxm >= 0) {
            int64_t s;

            if (tbl_get_int(t, i, (size_t)csxm, &s, d) == SIM_OK) {
                if (s != 0 && s != 1)
                    diag_error(d, &at, "column 'sxm': expected 0 or 1, got %lld",
                               (long long)s);
                g->sxm = s == 1;
            }
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(m->gpus[j].name, g->name) == 0)
                diag_error(d, &at, "duplicate GPU model '%s'", g->name);
    }
    tbl_free(t);
    return d->nerrors > err0 ? SIM_EINVAL : SIM_OK;
}

/* Geometric mean of the specs of every catalogue row the observed name
 * covers ("A100 PCIE" is the 40 and the 80 GB card), or of the one row of
 * that exact name when there is one ("H200" is the H200, not also the
 * H200 NVL, which a prefix match once averaged in). */
static int match_specs(const struct dlperf_model *m, const char *name,
                       double *fp32, double *bw, double *fp16)
{
    int n = 0;
    double l32 = 0.0, lbw = 0.0, l16 = 0.0;
    bool exact = false;

    for (size_t i = 0; i < m->ngpus && !exact; i++)
        exact = strcmp(m->gpus[i].name, name) == 0;
    for (size_t i = 0; i < m->ngpus; i++) {
        const struct dlperf_gpu *g = &m->gpus[i];

        if (strcmp(g->name, name) != 0 && (exact || !word_prefix(name, g->name)))
            continue;
        l32 += log(g->fp32_tflops), lbw += log(g->mem_bw_gbs), l16 += log(g->fp16_tflops);
        n++;
    }
    if (n == 0)
        return 0;
    *fp32 = exp(l32 / n), *bw = exp(lbw / n), *fp16 = exp(l16 / n);
    return n;
}

/* True, with an error at 'at', when 'name' already has a median. */
static bool dup_obs(const struct dlperf_model *m, const char *name,
                    const struct srcloc *at, struct diag *d)
{
    for (size_t j = 0; j < m->nobs; j++)
        if (strcmp(m->obs[j].name, name) == 0) {
            diag_error(d, at, "GPU '%s' is listed again (first at line %d)", name,
                       m->obs[j].line);
            return true;
        }
    return false;
}

static int load_observed(struct dlperf_model *m, const char *path,
                         struct diag *d)
{
    static const char names[][24] = {
        "gpu_name", "offers", "dlperf_median", "dlperf_p10", "dlperf_p90",
    };
    int c[5], err0 = d->nerrors;
    double wsum = 0.0, lo = 0.0, hi = 0.0;
    struct tbl *t = tbl_load(path, d);

    if (!t)
        return SIM_EINVAL;
    if (need_cols(t, names, c, 5, d) != SIM_OK) {
        tbl_free(t);
        return SIM_EINVAL;
    }
    /* the fit's own count ("needs at least 6 observed GPUs") names no file */
    if (tbl_rows(t) == 0) {
        struct srcloc at = { path, 0 };

        tbl_free(t);
        return diag_error(d, &at, "no observed GPU rows: the DLPerf fit needs at least 6");
    }
    m->obs = calloc(tbl_rows(t) ? tbl_rows(t) : 1, sizeof *m->obs);
    if (!m->obs) {
        tbl_free(t);
        return SIM_ENOMEM;
    }
    for (size_t i = 0; i < tbl_rows(t); i++) {
        struct obs *o = &m->obs[m->nobs];
        struct srcloc at = { path, tbl_line(t, i) };
        double offers, med, p10, p90;
        int bad = 0;

        snprintf(o->name, sizeof o->name, "%s", tbl_get(t, i, (size_t)c[0]));
        bad |= tbl_get_num(t, i, (size_t)c[1], &offers, d);
        bad |= tbl_get_num(t, i, (size_t)c[2], &med, d);
        bad |= tbl_get_num(t, i, (size_t)c[3], &p10, d);
        bad |= tbl_get_num(t, i, (size_t)c[4], &p90, d);
        if (bad)
            continue;
        /* "inf" is a number to tbl_get_num: an infinite p90 or count of
         * offers made every spread infinite and the run failed its index
         * check, far from the cell */
        if (!(med > 0.0 && p10 > 0.0 && p10 <= med && med <= p90 && isfinite(p90) &&
              offers >= 1.0 && isfinite(offers) && offers == floor(offers))) {
            diag_error(d, &at, "GPU '%s': need 0 < p10 <= median <= p90, finite, and a whole "
                       "number of offers >= 1, got %g <= %g <= %g, %g offers",
                       o->name, p10, med, p90, offers);
            continue;
        }
        if (!match_specs(m, o->name, &o->fp32, &o->bw, &o->fp16)) {
            diag_error(d, &at, "unknown GPU '%s' (not in the catalogue)", o->name);
            continue;
        }
        /* A second median would enter the fit while the market kept the
         * first (set_dlperf1 stops at the first exact name). */
        if (dup_obs(m, o->name, &at, d))
            continue;
        o->dlperf = med;
        o->line = at.line;
        m->nobs++;
        /* Spreads of ln DLPerf below and above the median, weighted by
         * how many offers each median stands for. */
        wsum += offers;
        lo += offers * log(med / p10) / Z90;
        hi += offers * log(p90 / med) / Z90;
    }
    tbl_free(t);
    if (wsum > 0.0)
        m->sigma_lo = lo / wsum, m->sigma_hi = hi / wsum;
    return d->nerrors > err0 ? SIM_EINVAL : SIM_OK;
}

static int load_bundles(struct dlperf_model *m, const char *path,
                        struct diag *d)
{
    static const char names[][24] = {
        "gpu_name", "num_gpus", "dlperf_per_gpu_median",
    };
    int c[3], err0 = d->nerrors;
    struct tbl *t = tbl_load(path, d);

    if (!t)
        return SIM_EINVAL;
    if (need_cols(t, names, c, 3, d) != SIM_OK) {
        tbl_free(t);
        return SIM_EINVAL;
    }
    m->bundles = calloc(tbl_rows(t) ? tbl_rows(t) : 1, sizeof *m->bundles);
    if (!m->bundles) {
        tbl_free(t);
        return SIM_ENOMEM;
    }
    for (size_t i = 0; i < tbl_rows(t); i++) {
        struct bundle *b = &m->bundles[m->nbundles];
        struct srcloc at = { path, tbl_line(t, i) };
        double fp32, bw, fp16, v;
        int64_t n;
        size_t j;

        snprintf(b->name, sizeof b->name, "%s", tbl_get(t, i, (size_t)c[0]));
        if (tbl_get_int(t, i, (size_t)c[1], &n, d) != SIM_OK ||
            tbl_get_num(t, i, (size_t)c[2], &v, d) != SIM_OK)
            continue;
        if (n < 1 || n > 1024 || !(v > 0.0 && isfinite(v))) {
            diag_error(d, &at, "GPU '%s': need 1 <= num_gpus <= 1024 and a "
                       "positive, finite DLPerf, got %lld and %g", b->name, (long long)n, v);
            continue;
        }
        if (!match_specs(m, b->name, &fp32, &bw, &fp16)) {
            diag_error(d, &at, "unknown GPU '%s' (not in the catalogue)", b->name);
            continue;
        }
        for (j = 0; j < m->nbundles; j++)
            if (m->bundles[j].n == (int)n && strcmp(m->bundles[j].name, b->name) == 0)
                break;
        if (j < m->nbundles) {
            diag_error(d, &at, "GPU '%s' x%lld is listed again (first at line %d)",
                       b->name, (long long)n, m->bundles[j].line);
            continue;
        }
        b->n = (int)n;
        b->per_gpu = v;
        b->line = at.line;
        m->nbundles++;
    }
    tbl_free(t);
    return d->nerrors > err0 ? SIM_EINVAL : SIM_OK;
}

/* ---- kernel calibration (data/calibration.csv) ---- */

#define TOK_MAX 16

/* Splits a name into upper-case words at every character that is not a
 * letter or a digit and wherever letters and digits meet, so CUDA's and
 * Vast's spellings meet: "NVIDIA A100-SXM4-80GB" is NVIDIA A 100 SXM 4 80
 * GB, "A100 SXM4 80GB" is A 100 SXM 4 80 GB and "RTX 6000Ada" is RTX 6000
 * ADA. Words past TOK_MAX are dropped; returns the count. */
static size_t name_words(const char *name, char (*w)[24], size_t max)
{
    size_t n = 0, len = 0;
    int prev = 0;                   /* 0 other, 1 letter, 2 digit */

    for (const char *s = name;; s++) {
        unsigned char c = (unsigned char)*s;
        int k = isalpha(c) ? 1 : isdigit(c) ? 2 : 0;

        if (len > 0 && k != prev) {
            w[n++][len] = '\0';
            len = 0;
        }
        if (c == '\0')
            break;
        if (k != 0 && n < max && len < 23)
            w[n][len++] = (char)toupper(c);
        prev = k;
    }
    return n;
}

/* Words that make another card of the same number: a device name with
 * one of these matches only a catalogue name that has it too, so an
 * "RTX 3080 Ti" never takes the RTX 3080's calibration. */
static bool variant_word(const char *w)
{
    static const char *const v[] = { "TI", "SUPER", "XT", "XTX", "MAX", "Q", "LAPTOP",
                                     "MOBILE", "D", "LHR" };

    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (strcmp(w, v[i]) == 0)
            return true;
    return false;
}

static bool has_word(char (*w)[24], size_t n, const char *x)
{
    for (size_t k = 0; k < n; k++)
        if (strcmp(w[k], x) == 0)
            return true;
    return false;
}

const struct dlperf_gpu *dlperf_catalog_match_device(const struct dlperf_model *m,
                                                     const char *device)
{
    char dw[TOK_MAX][24], gw[TOK_MAX][24];
    size_t nd = name_words(device, dw, TOK_MAX), best = 0;
    const struct dlperf_gpu *hit = NULL;
    bool tie = false;

    for (size_t i = 0; i < m->ngpus; i++) {
        size_t ng = name_words(m->gpus[i].name, gw, TOK_MAX), j, k;

        for (j = 0; j < ng && has_word(dw, nd, gw[j]); j++)
            ;
        for (k = 0; k < nd && !(variant_word(dw[k]) && !has_word(gw, ng, dw[k])); k++)
            ;
        if (ng == 0 || j < ng || k < nd)
            continue;
        if (ng > best)
            best = ng, hit = &m->gpus[i], tie = false;
        else if (ng == best)
            tie = true;
    }
    return tie ? NULL : hit;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Median of v[0..n), reordering v; NaN when n is 0. */
static double median(double *v, size_t n)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* One usable row: which catalogue model (-1 none), which of the two
 * kernels the efficiency combines (0 sgemm_fp32, 1 triad). */
struct calrow {
    int gpu, kernel;
    double eff;
};

/* Median efficiencies of 'rows' of the two kernels, over the rows of
 * catalogue model 'gpu' (or every GPU row when gpu < 0), combined as the
 * local estimate combines them: the geometric mean of sgemm_fp32 and
 * triad. NaN unless both kernels have a row. 'buf' holds n doubles. */
static double calib_eff(const struct calrow *rows, size_t n, int gpu,
                        double *buf, size_t *used)
{
    double med[2];
    size_t total = 0;

    for (int k = 0; k < 2; k++) {
        size_t nb = 0;

        for (size_t i = 0; i < n; i++)
            if (rows[i].kernel == k && (gpu < 0 || rows[i].gpu == gpu))
                buf[nb++] = rows[i].eff;
        med[k] = median(buf, nb);
        total += nb;
    }
    if (used)
        *used = total;
    return sqrt(med[0] * med[1]);
}

/* Kernel results of `gpumarket bench dlperf --calibrate`. Rows measured
 * on a GPU (back-end cuda or opencl, not the host CPU through "cpu" or
 * "opencl-pocl") give the reference efficiency; a GPU whose device name
 * is a catalogue model (dlperf_catalog_match_device) gets a per-machine
 * derate median of its own efficiency over the reference. */
static int load_calibration(struct dlperf_model *m, const char *path,
                            struct diag *d)
{
    static const char names[][24] = {
        "device", "kernel", "size", "achieved", "unit", "peak", "efficiency",
    };
    int c[7], err0 = d->nerrors;
    struct tbl *t = tbl_load(path, d);
    struct calrow *rows;
    double *buf;
    size_t nrows = 0;

    if (!t)
        return SIM_EINVAL;
    if (need_cols(t, names, c, 7, d) != SIM_OK) {
        tbl_free(t);
        return SIM_EINVAL;
    }
    m->ncalib = tbl_rows(t);
    rows = calloc(m->ncalib ? m->ncalib : 1, sizeof *rows);
    buf = calloc(m->ncalib ? m->ncalib : 1, sizeof *buf);
    if (!rows || !buf) {
        free(rows), free(buf), tbl_free(t);
        return SIM_ENOMEM;
    }
    for (size_t i = 0; i < m->ncalib; i++) {
        struct srcloc at = { path, tbl_line(t, i) };
        const char *dev = tbl_get(t, i, (size_t)c[0]);
        const char *kern = tbl_get(t, i, (size_t)c[1]);
        const char *unit = tbl_get(t, i, (size_t)c[4]);
        const char *colon = strchr(dev, ':');
        size_t blen = colon ? (size_t)(colon - dev) : 0;
        bool gpu_backend = false, no_peak;
        double achieved, peak = NAN, eff = NAN;
        int64_t size;
        int bad = 0;

        if (colon && blen == 4 && strncmp(dev, "cuda", 4) == 0)
            gpu_backend = true;
        else if (colon && blen == 6 && strncmp(dev, "opencl", 6) == 0)
            gpu_backend = true;
        else if (!(colon && ((blen == 3 && strncmp(dev, "cpu", 3) == 0) ||
                             (blen == 11 && strncmp(dev, "opencl-pocl", 11) == 0)))) {
            diag_error(d, &at, "device '%s': expected <back-end>:<name> with "
                       "back-end cpu, opencl-pocl, opencl or cuda", dev);
            continue;
        }
        if (colon[1] == '\0' || kern[0] == '\0') {
            diag_error(d, &at, "empty device name or kernel");
            continue;
        }
        if (strcmp(unit, "TFLOPS") != 0 && strcmp(unit, "GB/s") != 0) {
            diag_error(d, &at, "column 'unit': expected TFLOPS or GB/s, got \"%s\"", unit);
            continue;
        }
        bad |= tbl_get_int(t, i, (size_t)c[2], &size, d);
        bad |= tbl_get_num(t, i, (size_t)c[3], &achieved, d);
        /* A device with no known peak is written with both fields empty:
         * a valid row that says nothing about efficiency. */
        no_peak = tbl_get(t, i, (size_t)c[5])[0] == '\0' &&
                  tbl_get(t, i, (size_t)c[6])[0] == '\0';
        if (!no_peak) {
            bad |= tbl_get_num(t, i, (size_t)c[5], &peak, d);
            bad |= tbl_get_num(t, i, (size_t)c[6], &eff, d);
        }
        if (bad)
            continue;
        if (size < 1 || !(achieved > 0.0 && isfinite(achieved))) {
            diag_error(d, &at, "need size >= 1 and a positive achieved rate, "
                       "got %lld and %g", (long long)size, achieved);
            continue;
        }
        if (no_peak)
            continue;
        if (!(peak > 0.0 && isfinite(peak) && eff > 0.0 && eff <= DLPERF_EFF_MAX)) {
            diag_error(d, &at, "need a positive peak and 0 < efficiency <= %g, "
                       "got %g and %g", DLPERF_EFF_MAX, peak, eff);
            continue;
        }
        if (fabs(achieved / peak - eff) > 0.01 * eff) {
            diag_error(d, &at, "efficiency %g is not achieved / peak (%g)",
                       eff, achieved / peak);
            continue;
        }
        if (!gpu_backend)
            continue;
        {
            const struct dlperf_gpu *g = dlperf_catalog_match_device(m, colon + 1);
            struct calrow *r = &rows[nrows];

            r->kernel = strcmp(kern, "sgemm_fp32") == 0 ? 0 :
                        strcmp(kern, "triad") == 0 ? 1 : -1;
            if (r->kernel < 0)
                continue;
            r->gpu = g ? (int)(g - m->gpus) : -1;
            r->eff = eff;
            nrows++;
        }
    }
    tbl_free(t);
    if (d->nerrors == err0) {
        double ref = calib_eff(rows, nrows, -1, buf, &m->ref_rows);

        if (isfinite(ref))
            m->ref_eff = ref;
        else
            m->ref_rows = 0;
        for (size_t g = 0; isfinite(ref) && g < m->ngpus; g++) {
            double e = calib_eff(rows, nrows, (int)g, buf, &m->gpus[g].calib_rows);

            if (isfinite(e))
                m->gpus[g].derate_median = e / ref;
            else
                m->gpus[g].calib_rows = 0;
        }
    }
    free(rows), free(buf);
    return d->nerrors > err0 ? SIM_EINVAL : SIM_OK;
}

/* ---- fitting ---- */

static int fit_single(struct dlperf_model *m, struct diag *d)
{
    size_t n = m->nobs;
    double *X3 = malloc(n * 4 * sizeof *X3), *X2 = malloc(n * 3 * sizeof *X2);
    double *y = malloc(n * sizeof *y), *f2 = malloc(n * sizeof *f2);
    double *f3 = malloc(n * sizeof *f3), adj2, adj3, sse = 0.0;
    int rc = SIM_ENOMEM;

    if (n < 6) {
        free(X3), free(X2), free(y), free(f2), free(f3);
        return diag_error(d, NULL, "DLPerf fit needs at least 6 observed GPUs, got %zu", n);
    }
    if (!X3 || !X2 || !y || !f2 || !f3)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const struct obs *o = &m->obs[i];

        X2[i * 3] = 1.0, X2[i * 3 + 1] = log(o->fp32), X2[i * 3 + 2] = log(o->bw);
        X3[i * 4] = 1.0, X3[i * 4 + 1] = log(o->fp32), X3[i * 4 + 2] = log(o->bw);
        X3[i * 4 + 3] = log(o->fp16);
        y[i] = log(o->dlperf);
    }
    if ((rc = ols(n, 3, X2, y, m->coef2, &m->r2_2, f2)) != SIM_OK ||
        (rc = ols(n, 4, X3, y, m->coef3, &m->r2_3, f3)) != SIM_OK)
        goto out;
    /* Adjusted R^2 charges the FP16 term for its extra parameter. */
    adj2 = 1.0 - (1.0 - m->r2_2) * (double)(n - 1) / (double)(n - 3);
    adj3 = 1.0 - (1.0 - m->r2_3) * (double)(n - 1) / (double)(n - 4);
    m->use_fp16 = adj3 > adj2;
    for (size_t i = 0; i < n; i++) {
        double f = m->use_fp16 ? f3[i] : f2[i];

        m->obs[i].pred = exp(f);
        sse += (y[i] - f) * (y[i] - f);
    }
    m->rmse = sqrt(sse / (double)n);
out:
    free(X3), free(X2), free(y), free(f2), free(f3);
    return rc;
}

/* One class: ln (per_gpu / dlperf1) = - k ln n [- q (ln n)^2], where
 * dlperf1 is the single-GPU DLPerf the simulator gives the bundle's model
 * (set_dlperf1). Only the shape is fitted: the simulator anchors every
 * bundle at dlperf1 (dlperf_of_gpu), so a free level per model would fit
 * curves it never uses, and 'fitted' would not be what it simulates. */
static int fit_bundle_class(struct dlperf_model *m, bool sxm)
{
    size_t nrow = 0, p, r = 0;
    int sizes[64], nsizes = 0;
    double *X, *y, *coef;
    bool curve;
    int rc;

    for (size_t i = 0; i < m->nbundles; i++) {
        const struct bundle *b = &m->bundles[i];
        int s;

        if (b->sxm != sxm)
            continue;
        nrow++;
        for (s = 0; s < nsizes && sizes[s] != b->n; s++)
            ;
        if (s == nsizes && nsizes < 64)
            sizes[nsizes++] = b->n;
    }
    m->k[sxm] = m->q[sxm] = 0.0;
    /* The curvature term needs four sizes and two spare rows. */
    curve = nsizes >= 4 && nrow >= 4;
    p = curve ? 2 : 1;
    if (nsizes >= 2 && nrow > p) {
        X = calloc(nrow * p, sizeof *X), y = calloc(nrow, sizeof *y);
        coef = calloc(p, sizeof *coef);
        if (!X || !y || !coef) {
            free(X), free(y), free(coef);
            return SIM_ENOMEM;
        }
        for (size_t i = 0; i < m->nbundles; i++) {
            const struct bundle *b = &m->bundles[i];
            double ln = log((double)b->n);

            if (b->sxm != sxm)
                continue;
            X[r * p] = -ln;
            if (curve)
                X[r * p + 1] = -ln * ln;
            y[r++] = log(b->per_gpu / b->gpu->dlperf1);
        }
        rc = ols(nrow, p, X, y, coef, NULL, NULL);
        free(X), free(y);
        if (rc != SIM_OK) {
            free(coef);
            return rc;
        }
        m->k[sxm] = coef[0];
        m->q[sxm] = curve ? coef[1] : 0.0;
        free(coef);
    }
    /* What the simulator gives each bundle, per GPU (nothing to say about
     * scaling with fewer than two sizes: flat) */
    for (size_t i = 0; i < m->nbundles; i++) {
        struct bundle *b = &m->bundles[i];

        if (b->sxm == sxm)
            b->fitted = dlperf_of_gpu(m, b->gpu, b->n, 1.0) / (double)b->n;
    }
    return SIM_OK;
}

/* Every catalogue model's single-GPU DLPerf: observed medians win; the
 * spec model fills the catalogue's gaps. Each bundle row then takes the
 * model dlperf_of() would simulate for its name, and its interconnect. */
static void set_dlperf1(struct dlperf_model *m)
{
    for (size_t i = 0; i < m->ngpus; i++) {
        struct dlperf_gpu *g = &m->gpus[i];

        g->dlperf_fit = dlperf_predict(m, g->fp32_tflops, g->mem_bw_gbs, g->fp16_tflops);
        g->dlperf1 = g->dlperf_fit;
        for (size_t j = 0; j < m->nobs; j++)
            if (strcmp(m->obs[j].name, g->name) == 0 || word_prefix(m->obs[j].name, g->name)) {
                g->dlperf1 = m->obs[j].dlperf;
                g->observed = true;
                /* An exact name beats a prefix ("H200" vs "H200 NVL"). */
                if (strcmp(m->obs[j].name, g->name) == 0)
                    break;
            }
    }
    for (size_t i = 0; i < m->nbundles; i++) {
        m->bundles[i].gpu = dlperf_catalog_find(m, m->bundles[i].name);
        m->bundles[i].sxm = m->bundles[i].gpu->sxm;
    }
}

struct dlperf_model *dlperf_model_fit(const char *gpus_csv,
                                      const char *observed_csv,
                                      const char *bundles_csv,
                                      const char *calib_csv, struct diag *d)
{
    struct dlperf_model *m = calloc(1, sizeof *m);

    if (!m) {
        diag_error(d, NULL, "out of memory");
        return NULL;
    }
    m->ref_eff = DLPERF_REF_EFF_FALLBACK;
    if (load_catalog(m, gpus_csv, d) != SIM_OK ||
        load_observed(m, observed_csv, d) != SIM_OK ||
        (bundles_csv && load_bundles(m, bundles_csv, d) != SIM_OK) ||
        (calib_csv && load_calibration(m, calib_csv, d) != SIM_OK) ||
        fit_single(m, d) != SIM_OK) {
        dlperf_model_free(m);
        return NULL;
    }
    set_dlperf1(m);
    if (fit_bundle_class(m, false) != SIM_OK || fit_bundle_class(m, true) != SIM_OK) {
        dlperf_model_free(m);
        return NULL;
    }
    return m;
}

void dlperf_model_free(struct dlperf_model *m)
{
    if (!m)
        return;
    free(m->gpus);
    free(m->obs);
    free(m->bundles);
    free(m);
}

/* ---- queries ---- */

size_t dlperf_catalog_count(const struct dlperf_model *m)
{
    return m->ngpus;
}

const struct dlperf_gpu *dlperf_catalog_get(const struct dlperf_model *m,
                                            size_t i)
{
    return i < m->ngpus ? &m->gpus[i] : NULL;
}

double dlperf_predict(const struct dlperf_model *m, double fp32_tflops,
                      double mem_bw_gbs, double fp16_tflops)
{
    if (!(fp32_tflops > 0.0 && mem_bw_gbs > 0.0))
        return NAN;
    if (m->use_fp16 && fp16_tflops > 0.0)
        return exp(m->coef3[0] + m->coef3[1] * log(fp32_tflops) +
                   m->coef3[2] * log(mem_bw_gbs) + m->coef3[3] * log(fp16_tflops));
    return exp(m->coef2[0] + m->coef2[1] * log(fp32_tflops) +
               m->coef2[2] * log(mem_bw_gbs));
}

double dlperf_bundle_factor(const struct dlperf_model *m, bool sxm, int n)
{
    double ln = log((double)n);

    return (double)n * exp(-(m->k[sxm] + m->q[sxm] * ln) * ln);
}

double dlperf_of_gpu(const struct dlperf_model *m, const struct dlperf_gpu *g,
                     int num_gpus, double derate)
{
    if (!g || num_gpus < 1)
        return NAN;
    return g->dlperf1 * dlperf_bundle_factor(m, g->sxm, num_gpus) * derate;
}

double dlperf_of(const struct dlperf_model *m, const char *gpu_name,
                 int num_gpus, double derate)
{
    return dlperf_of_gpu(m, dlperf_catalog_find(m, gpu_name), num_gpus, derate);
}

double dlperf_draw_derate(const struct dlperf_model *m, gsl_rng *r)
{
    double z = gsl_ran_ugaussian(r);

    return exp(z * (z < 0.0 ? m->sigma_lo : m->sigma_hi));
}

double dlperf_r2(const struct dlperf_model *m)
{
    return m->use_fp16 ? m->r2_3 : m->r2_2;
}

double dlperf_r2_form(const struct dlperf_model *m, bool with_fp16)
{
    return with_fp16 ? m->r2_3 : m->r2_2;
}

double dlperf_rmse_log(const struct dlperf_model *m)
{
    return m->rmse;
}

bool dlperf_uses_fp16(const struct dlperf_model *m)
{
    return m->use_fp16;
}

void dlperf_coefs(const struct dlperf_model *m, double out[4])
{
    if (m->use_fp16)
        memcpy(out, m->coef3, 4 * sizeof *out);
    else {
        memcpy(out, m->coef2, 3 * sizeof *out);
        out[3] = 0.0;
    }
}

size_t dlperf_nobs(const struct dlperf_model *m)
{
    return m->nobs;
}

void dlperf_residual(const struct dlperf_model *m, size_t i, const char **name,
                     double *observed, double *predicted)
{
    *name = m->obs[i].name;
    *observed = m->obs[i].dlperf;
    *predicted = m->obs[i].pred;
}

double dlperf_bundle_k(const struct dlperf_model *m, bool sxm)
{
    return m->k[sxm];
}

double dlperf_bundle_q(const struct dlperf_model *m, bool sxm)
{
    return m->q[sxm];
}

size_t dlperf_nbundles(const struct dlperf_model *m)
{
    return m->nbundles;
}

void dlperf_bundle_row(const struct dlperf_model *m, size_t i,
                       const char **name, int *n, double *observed,
                       double *fitted)
{
    *name = m->bundles[i].name;
    *n = m->bundles[i].n;
    *observed = m->bundles[i].per_gpu;
    *fitted = m->bundles[i].fitted;
}

double dlperf_bundle_max_err(const struct dlperf_model *m)
{
    double worst = 0.0;

    for (size_t i = 0; i < m->nbundles; i++)
        worst = fmax(worst, fabs(m->bundles[i].fitted / m->bundles[i].per_gpu - 1.0));
    return worst;
}

double dlperf_derate_sigma(const struct dlperf_model *m, bool upper)
{
    return upper ? m->sigma_hi : m->sigma_lo;
}

double dlperf_ref_efficiency(const struct dlperf_model *m, size_t *gpu_rows)
{
    if (gpu_rows)
        *gpu_rows = m->ref_rows;
    return m->ref_eff;
}

double dlperf_derated_estimate(const struct dlperf_model *m, double estimate,
                               double efficiency)
{
    return estimate * fmin(1.0, efficiency / m->ref_eff);
}

void dlperf_print_fit(const struct dlperf_model *m, FILE *out)
{
    double c[4];

    dlperf_coefs(m, c);
    fprintf(out, "DLPerf model (ln space, %zu single-GPU medians):\n", m->nobs);
    fprintf(out, "  2-term: DLPerf = exp(%.3f) FP32^%.3f BW^%.3f          R2 %.4f\n",
            m->coef2[0], m->coef2[1], m->coef2[2], m->r2_2);
    fprintf(out, "  3-term: DLPerf = exp(%.3f) FP32^%.3f BW^%.3f FP16^%.3f R2 %.4f\n",
            m->coef3[0], m->coef3[1], m->coef3[2], m->coef3[3], m->r2_3);
    fprintf(out, "  using the %s form (adjusted R2); RMSE %.3f in ln\n",
            m->use_fp16 ? "3-term" : "2-term", m->rmse);
    fprintf(out, "  %-14s %9s %9s %7s\n", "gpu", "observed", "model", "ratio");
    for (size_t i = 0; i < m->nobs; i++)
        fprintf(out, "  %-14s %9.1f %9.1f %7.2f\n", m->obs[i].name, m->obs[i].dlperf,
                m->obs[i].pred, m->obs[i].dlperf / m->obs[i].pred);
    fprintf(out, "Bundles: per-GPU = single-GPU DLPerf x n^-(k + q ln n); PCIe k %.3f "
            "q %.3f, SXM k %.3f q %.3f\n", m->k[0], m->q[0], m->k[1], m->q[1]);
    for (size_t i = 0; i < m->nbundles; i++)
        fprintf(out, "  %-14s x%-2d %8.1f simulated %8.1f (%+.1f%%)\n", m->bundles[i].name,
                m->bundles[i].n, m->bundles[i].per_gpu, m->bundles[i].fitted,
                100.0 * (m->bundles[i].fitted / m->bundles[i].per_gpu - 1.0));
    fprintf(out, "  worst bundle error %.1f%%\n", 100.0 * dlperf_bundle_max_err(m));
    fprintf(out, "Derate: ln-split-normal, sigma below %.3f, above %.3f\n",
            m->sigma_lo, m->sigma_hi);
    if (m->ref_rows > 0)
        fprintf(out, "Kernel calibration: %zu rows; reference efficiency %.3f "
                "(sgemm_fp32 x triad medians, %zu GPU rows)\n",
                m->ncalib, m->ref_eff, m->ref_rows);
    else
        fprintf(out, "Kernel calibration: %zu rows, none from a GPU with both "
                "sgemm_fp32 and triad; reference efficiency %.2f [E]\n",
                m->ncalib, m->ref_eff);
    for (size_t i = 0; i < m->ngpus; i++)
        if (m->gpus[i].calib_rows > 0)
            fprintf(out, "  %-14s derate median %.3f (%zu rows)\n", m->gpus[i].name,
                    m->gpus[i].derate_median, m->gpus[i].calib_rows);
}
