/* models/dlperf.h -- the GPU catalogue and the DLPerf model.
 *
 * Vast's DLPerf formula is not public, so it is fitted (CALIBRATION.md 2):
 *  - single GPU: log-linear least squares of observed single-GPU medians
 *    (data/dlperf_observed.csv) on spec-sheet numbers (data/gpus.csv),
 *      ln DLPerf = c + a ln FP32_TFLOPS + b ln BW_GBs [+ t ln FP16_TC_TFLOPS]
 *    both forms are fitted; the one with the better adjusted R^2 is used.
 *    A GPU with an observed median uses the median; the fit fills the rest.
 *  - bundles: per-GPU DLPerf of an n-GPU offer falls as a power of n,
 *      dlperf(n) = n d1 n^-(k + q ln n),
 *    fitted per class on data/dlperf_bundles.csv as the shape only, the
 *    target ln(per_gpu / d1) with d1 the single-GPU DLPerf the simulator
 *    uses (a free level per GPU once fitted curves it never simulated):
 *    SXM parts (NVLink/NVSwitch) and PCIe cards (consumer cards, and every
 *    other PCIe card, which share their fit for want of data). q = 0 is the
 *    plain power law of CALIBRATION.md 2.3; the curvature is kept only when
 *    the class has enough bundle sizes to pin it (>= 4 distinct n).
 *  - per machine: a multiplicative derate, log-split-normal with the
 *    offer-weighted spreads of the observed p10/p50/p90, around a median
 *    per GPU model that is 1 unless the kernel calibration says otherwise.
 *  - kernel calibration (optional, data/calibration.csv, written by
 *    `gpumarket bench dlperf --calibrate`): efficiency = achieved / peak
 *    of the benchmark kernels. A device's efficiency is the geometric mean
 *    of its sgemm_fp32 and triad medians; the reference efficiency is that
 *    over every GPU row (back-end cuda or opencl; host-CPU rows never
 *    count), or DLPERF_REF_EFF_FALLBACK without such rows. A catalogue
 *    model matched by device name gets derate median = its efficiency /
 *    the reference; the local machine's estimate is derated by its own
 *    efficiency / the reference.
 *
 * The model is immutable after dlperf_model_fit(); every accessor takes it
 * const, so one model can serve all runs of a sweep. Names follow Vast's
 * gpu_name spelling; lookup is exact, else by the observed name being a
 * word prefix of the catalogue name ("A100 PCIE" -> "A100 PCIE 40GB").
 */
#ifndef MODELS_DLPERF_H
#define MODELS_DLPERF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <gsl/gsl_rng.h>
#include "sim/err.h"

enum dlperf_class {
    DLPERF_CONSUMER,        /* GeForce RTX */
    DLPERF_WORKSTATION,     /* RTX A-series, RTX 6000 Ada, RTX PRO */
    DLPERF_DATACENTER       /* passively cooled server parts, PCIe or SXM */
};

/* One catalogue row (plain; copied out or borrowed from the model). */
struct dlperf_gpu {
    char name[48];              /* Vast spelling, e.g. "RTX 4090" */
    double vram_gb;
    double mem_bw_gbs;          /* spec-sheet DRAM bandwidth */
    double fp32_tflops;
    double fp16_tflops;         /* dense tensor FP16, FP32 accumulate */
    double tdp_w;
    int pcie_gen;
    int year;
    double street_price_usd;    /* MSRP, or an estimate for datacenter parts */
    enum dlperf_class cls;
    bool sxm;                   /* NVLink/NVSwitch board: bundles scale well */
    double dlperf1;             /* single-GPU DLPerf the market uses */
    double dlperf_fit;          /* the spec model's prediction */
    bool observed;              /* dlperf1 is an observed median */
    double derate_median;       /* per-machine derate median: 1, or the
                                   calibrated efficiency / the reference */
    size_t calib_rows;          /* calibration rows behind it (0: none) */
    int line;                   /* its row's line in the catalogue file */
};

/* Reference kernel efficiency when no GPU was measured [E]: what a tuned
 * GEMM and triad reach on a typical GPU (50-70 % of spec). */
#define DLPERF_REF_EFF_FALLBACK 0.6
/* An efficiency above this in the calibration table is an error: the peak
 * or the unit is wrong (a measured CPU peak lets a triad beat memcpy by
 * some 20 %, nothing honest triples it). */
#define DLPERF_EFF_MAX 3.0

struct dlperf_model;

/* Loads the tables and fits. 'bundles_csv' may be NULL (no bundle
 * scaling), 'calib_csv' NULL (no kernel calibration: every derate median
 * 1, reference efficiency DLPERF_REF_EFF_FALLBACK); a path given must be
 * readable. CSV problems are reported as "file:row: error: ..." to 'd';
 * returns NULL on any error. */
struct dlperf_model *dlperf_model_fit(const char *gpus_csv,
                                      const char *observed_csv,
                                      const char *bundles_csv,
                                      const char *calib_csv, struct diag *d);
void dlperf_model_free(struct dlperf_model *m);             /* NULL ok */

/* ---- catalogue ---- */
size_t dlperf_catalog_count(const struct dlperf_model *m);
/* Row i of the catalogue, 0 .. count - 1; NULL past the end. */
const struct dlperf_gpu *dlperf_catalog_get(const struct dlperf_model *m,
                                            size_t i);
/* Exact name, else a catalogue name of which 'name' is a word prefix;
 * NULL when unknown. Borrowed until dlperf_model_free(). */
const struct dlperf_gpu *dlperf_catalog_find(const struct dlperf_model *m,
                                             const char *name);
/* The catalogue model a benchmark device name stands for ("NVIDIA GeForce
 * RTX 4090", "NVIDIA A100-SXM4-80GB"): every word of the model's name,
 * split at spaces, punctuation and letter-digit changes and compared
 * without case, is a word of the device name; the model with most words
 * wins. NULL when none matches or two match equally ("NVIDIA H100 80GB
 * HBM3" names no form factor). */
const struct dlperf_gpu *dlperf_catalog_match_device(const struct dlperf_model *m,
                                                     const char *device);

/* ---- the market's entry points ---- */

/* DLPerf of a whole 'num_gpus' offer of 'gpu_name', times 'derate'
 * (1 = typical machine). NaN for an unknown GPU or num_gpus < 1. */
double dlperf_of(const struct dlperf_model *m, const char *gpu_name,
                 int num_gpus, double derate);
/* Same from a catalogue row. */
double dlperf_of_gpu(const struct dlperf_model *m, const struct dlperf_gpu *g,
                     int num_gpus, double derate);
/* Bundle DLPerf / single-GPU DLPerf, i.e. n^(1 - k - q ln n). */
double dlperf_bundle_factor(const struct dlperf_model *m, bool sxm, int n);
/* A machine's derate spread, median 1; the stream is the caller's. The
 * machine's derate is its model's derate_median times this. */
double dlperf_draw_derate(const struct dlperf_model *m, gsl_rng *r);
/* Reference kernel efficiency; '*gpu_rows' (if given) gets the number of
 * GPU calibration rows behind it, 0 when it is the fallback. */
double dlperf_ref_efficiency(const struct dlperf_model *m, size_t *gpu_rows);
/* A spec-model 'estimate' for a machine whose kernels reach 'efficiency'
 * (achieved / peak): scaled down by efficiency / the reference, never up. */
double dlperf_derated_estimate(const struct dlperf_model *m, double estimate,
                               double efficiency);
/* Spec model alone: for a GPU not in the catalogue (or the local CPU).
 * fp16_tflops <= 0 means unknown: the two-term form is used. */
double dlperf_predict(const struct dlperf_model *m, double fp32_tflops,
                      double mem_bw_gbs, double fp16_tflops);

/* ---- fit diagnostics ---- */
double dlperf_r2(const struct dlperf_model *m);          /* ln space, chosen form */
double dlperf_r2_form(const struct dlperf_model *m, bool with_fp16);
double dlperf_rmse_log(const struct dlperf_model *m);
bool dlperf_uses_fp16(const struct dlperf_model *m);
/* Coefficients of the chosen form: c, a (fp32), b (bw), t (fp16, 0 if
 * unused). */
void dlperf_coefs(const struct dlperf_model *m, double out[4]);
/* Fitted observations: name, observed and predicted single DLPerf. */
size_t dlperf_nobs(const struct dlperf_model *m);
void dlperf_residual(const struct dlperf_model *m, size_t i,
                     const char **name, double *observed, double *predicted);
double dlperf_bundle_k(const struct dlperf_model *m, bool sxm);
double dlperf_bundle_q(const struct dlperf_model *m, bool sxm);
/* Bundle rows: name, n, observed per-GPU DLPerf and the simulator's
 * (dlperf_of(name, n, 1) / n). */
size_t dlperf_nbundles(const struct dlperf_model *m);
void dlperf_bundle_row(const struct dlperf_model *m, size_t i,
                       const char **name, int *n, double *observed,
                       double *fitted);
/* Largest |simulated / observed - 1| over the bundle rows (0 if none). */
double dlperf_bundle_max_err(const struct dlperf_model *m);
double dlperf_derate_sigma(const struct dlperf_model *m, bool upper);
/* Human-readable fit report (coefficients, R^2, residuals, k). */
void dlperf_print_fit(const struct dlperf_model *m, FILE *out);

/* `gpumarket bench dlperf` (models/dlperf_cmd.c); argv[0] is "dlperf".
 * Exit status: 0 ok, 1 a kernel failed verification or could not run,
 * 2 usage or a data table unreadable, invalid or not appendable, 3 out
 * of memory (README's convention for every command). */
int dlperf_bench_main(int argc, char **argv);

#endif
