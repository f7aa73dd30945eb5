/* models/dlperf_cmd.c -- `gpumarket bench dlperf`: run, verify and rate the
 * DLPerf kernels on one back-end, and place the device on the DLPerf scale.
 *
 * Efficiency is achieved / peak. For a GPU the peak is its catalogue row
 * (data/gpus.csv); for the host CPU (the C back-end, or OpenCL on PoCL)
 * there is no spec sheet to trust inside a VM, so the peak is measured:
 * FMA chains in registers for FLOP/s, multi-threaded memcpy for bytes/s.
 *
 * --compare runs OpenBLAS's sgemm and memcpy on the same inputs, side by
 * side. OpenBLAS is dlopen()ed here and nowhere else, so the simulator does
 * not depend on it; without it the comparison says so and is skipped.
 */
#define _DEFAULT_SOURCE             /* getopt_long */
#include "models/dlperf.h"

#include <dlfcn.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "models/bench/kern.h"
#include "sim/table.h"

#define CBLAS_ROW_MAJOR 101
#define CBLAS_NO_TRANS 111

typedef void cblas_sgemm_fn(int order, int ta, int tb, int m, int n, int k,
                            float alpha, const float *a, int lda,
                            const float *b, int ldb, float beta, float *c,
                            int ldc);

struct bench_opts {
    enum kern_kind kind;
    int n, reps;
    size_t triad_n;
    bool compare, calibrate, fit;
    const char *data, *calib_path;
};

struct row {                        /* one measured line of the report */
    const char *kernel, *unit;
    long long size;
    double achieved, peak;          /* in 'unit' */
    double check;                   /* verifier ratio, <= 1 passes */
};

static void usage(FILE *f)
{
    fputs("Usage: gpumarket bench dlperf [--device cpu|opencl|cuda] [--size N]\n"
          "         [--triad-size N] [--reps R] [--compare] [--calibrate]\n"
          "         [--calibration FILE] [--data DIR] [--fit]\n"
          "Runs FP32 GEMM, FP16 GEMM, the triad and host-to-device copy on one\n"
          "back-end, verifies every result, and prints TFLOPS, GB/s, efficiency\n"
          "against the device's peak and the device's DLPerf estimate.\n"
          "  --device K        back-end (default cpu)\n"
          "  --size N          GEMM edge (default 1024)\n"
          "  --triad-size N    triad elements (default 16777216)\n"
          "  --reps R          timed repetitions, best kept (default 3)\n"
          "  --compare         OpenBLAS sgemm and memcpy side by side (CPU)\n"
          "  --calibrate       append the rows to the calibration table\n"
          "  --calibration F   calibration table (default DIR/calibration.csv), read\n"
          "                    if it exists: its GPU rows set the reference efficiency\n"
          "  --data DIR        gpus.csv, dlperf_observed.csv, dlperf_bundles.csv\n"
          "  --fit             also print the DLPerf fit report\n"
          "Exit status: 0 ok, 1 a result failed verification or the back-end\n"
          "could not run, 2 usage or a data table that cannot be read, is invalid\n"
          "or cannot be appended to, 3 out of memory.\n", f);
}

static int parse(int argc, char **argv, struct bench_opts *o)
{
    const struct option opts[] = {
        { "device", required_argument, NULL, 'd' },
        { "size", required_argument, NULL, 'n' },
        { "triad-size", required_argument, NULL, 't' },
        { "reps", required_argument, NULL, 'r' },
        { "compare", no_argument, NULL, 'c' },
        { "calibrate", no_argument, NULL, 'C' },
        { "calibration", required_argument, NULL, 'f' },
        { "data", required_argument, NULL, 'D' },
        { "fit", no_argument, NULL, 'F' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int opt, kind;
    char *end;
    long long v;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "d:n:r:h", opts, NULL)) != -1) {
        switch (opt) {
        case 'd':
            if ((kind = kern_kind_parse(optarg)) < 0) {
                fprintf(stderr, "bench dlperf: unknown device '%s' (cpu, opencl or cuda)\n", optarg);
                return 2;
            }
            o->kind = (enum kern_kind)kind;
            break;
        case 'n': case 't': case 'r':
            v = strtoll(optarg, &end, 10);
            if (*end || v < 1 || (opt == 'n' && v > 16384) || (opt == 'r' && v > 1000) ||
                (opt == 't' && v > (1LL << 30))) {
                /* Name the long option the analyst typed: 't' is only
                 * getopt's code for --triad-size, there is no -t. */
                fprintf(stderr, "bench dlperf: bad value '%s' for %s (a whole number from 1 "
                        "to %s)\n", optarg, opt == 'n' ? "--size" : opt == 'r' ? "--reps"
                                                                         : "--triad-size",
                        opt == 'n' ? "16384" : opt == 'r' ? "1000" : "1073741824");
                return 2;
            }
            if (opt == 'n')
                o->n = (int)v;
            else if (opt == 'r')
                o->reps = (int)v;
            else
                o->triad_n = (size_t)v;
            break;
        case 'c': o->compare = true; break;
        case 'C': o->calibrate = true; break;
        case 'f': o->calib_path = optarg; break;
        case 'D': o->data = optarg; break;
        case 'F': o->fit = true; break;
        case 'h':
            usage(stdout);
            return -1;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "bench dlperf: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    return 0;
}

/* The catalogue row a device name stands for: the model it names
 * (dlperf_catalog_match_device: "NVIDIA GeForce RTX 4090" is "RTX 4090");
 * failing that, for the peak alone, the first row whose first word it
 * contains ("NVIDIA H100 80GB HBM3" is the first H100 row). The
 * calibration uses only the full match. */
static const struct dlperf_gpu *find_device(const struct dlperf_model *m,
                                            const char *dev)
{
    const struct dlperf_gpu *g = dlperf_catalog_match_device(m, dev);

    for (size_t i = 0; !g && i < dlperf_catalog_count(m); i++) {
        const struct dlperf_gpu *c = dlperf_catalog_get(m, i);
        size_t n = strcspn(c->name, " ");
        char w[48];

        snprintf(w, sizeof w, "%.*s", (int)n, c->name);
        if (n > 2 && strstr(dev, w))
            g = c;
    }
    return g;
}

static double pcie_gbs(int gen)                     /* x16, one direction */
{
    return gen >= 5 ? 63.0 : gen == 4 ? 31.5 : gen == 3 ? 15.75 : 8.0;
}

static void print_row(const struct row *r)
{
    char eff[16] = "-";

    if (r->peak > 0.0)
        snprintf(eff, sizeof eff, "%5.1f%%", 100.0 * r->achieved / r->peak);
    printf("  %-15s %10lld %10.3f %-6s %10.3f %7s  %s (%.3g)\n", r->kernel, r->size,
           r->achieved, r->unit, r->peak, eff, r->check <= 1.0 ? "ok" : "WRONG",
           r->check);
}

/* Could --calibrate append to 'path': the file writable, or its directory
 * one a file can be made in? Asked before the kernels run, so a typo in
 * --calibration fails at once, not after minutes of measuring (or, when a
 * measured efficiency is refused first, with the wrong complaint). */
static bool can_append(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');

    if (access(path, F_OK) == 0)
        return access(path, W_OK) == 0;
    if (!slash)
        return access(".", W_OK | X_OK) == 0;
    snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    return access(dir, W_OK | X_OK) == 0;
}

static int append_calibration(const char *path, const char *device,
                              const struct row *rows, size_t nrows)
{
    const char *const cols[] = {
        "device", "kernel", "size", "achieved", "unit", "peak", "efficiency",
        "date", "build",
    };
    struct tbl_writer *w = tbl_open(path, cols, 9, true);
    char date[32];
    time_t now = time(NULL);
    struct tm tm;

    if (!w) {
        fprintf(stderr, "bench dlperf: cannot append to %s\n", path);
        return SIM_EIO;
    }
    strftime(date, sizeof date, "%Y-%m-%d", gmtime_r(&now, &tm));
    for (size_t i = 0; i < nrows; i++) {
        tbl_str(w, device);
        tbl_str(w, rows[i].kernel);
        tbl_int(w, rows[i].size);
        tbl_num(w, rows[i].achieved);
        tbl_str(w, rows[i].unit);
        tbl_num(w, rows[i].peak > 0.0 ? rows[i].peak : (double)NAN);
        tbl_num(w, rows[i].peak > 0.0 ? rows[i].achieved / rows[i].peak : (double)NAN);
        tbl_str(w, date);
#ifdef __VERSION__
        tbl_str(w, "gcc " __VERSION__
#else
        tbl_str(w, "cc"
#endif
#ifdef GM_HAVE_CUDA
                " +cuda"
#endif
                );
        tbl_end_row(w);
    }
    return tbl_close(w);
}

/* OpenBLAS sgemm on the same inputs: best seconds, or < 0 if absent. */
static double openblas_sgemm(int n, const float *a, const float *b, float *c,
                             int reps, double *check)
{
    void *h = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
    void *sym;
    cblas_sgemm_fn *fn;
    double best = 1e300;

    if (!h)
        h = dlopen("libopenblas.so", RTLD_NOW | RTLD_LOCAL);
    if (!h || !(sym = dlsym(h, "cblas_sgemm"))) {
        if (h)
            dlclose(h);
        return -1.0;
    }
    /* ISO C has no cast from object to function pointer; POSIX guarantees
     * the representation, so copy the bits. */
    memcpy(&fn, &sym, sizeof fn);
    for (int r = 0; r < reps; r++) {
        double t0 = kern_now();

        fn(CBLAS_ROW_MAJOR, CBLAS_NO_TRANS, CBLAS_NO_TRANS, n, n, n, 1.0f, a, n,
           b, n, 0.0f, c, n);
        if (kern_now() - t0 < best)
            best = kern_now() - t0;
    }
    *check = kern_verify_gemm(n, a, b, c, 99);
    dlclose(h);
    return best;
}

static int run(const struct bench_opts *o)
{
    char why[512], p1[1024], p2[1024], p3[1024], p4[1100], devlabel[300];
    struct diag d = DIAG_INIT(stderr);
    struct dlperf_model *m;
    struct kern *k = NULL;
    const struct dlperf_gpu *gpu = NULL;
    struct row rows[8];
    size_t nrows = 0, nn = (size_t)o->n * (size_t)o->n, tn = o->triad_n;
    float *a = NULL, *b = NULL, *c = NULL, *ta = NULL, *tb = NULL, *tc = NULL;
    uint16_t *ha = NULL, *hb = NULL;
    double t, cpu_peak = 0.0, cpu_bw = 0.0, flop = kern_gemm_flops(o->n);
    int rc = 0, threads;
    bool is_cpu;

    snprintf(p1, sizeof p1, "%s/gpus.csv", o->data);
    snprintf(p2, sizeof p2, "%s/dlperf_observed.csv", o->data);
    snprintf(p3, sizeof p3, "%s/dlperf_bundles.csv", o->data);
    if (o->calib_path)
        snprintf(p4, sizeof p4, "%s", o->calib_path);
    else
        snprintf(p4, sizeof p4, "%s/calibration.csv", o->data);
    /* The calibration table is optional here: --calibrate creates it. */
    /* A back-end that fails without saying why must not print stack
     * garbage. */
    why[0] = '\0';
    m = dlperf_model_fit(p1, p2, p3, access(p4, F_OK) == 0 ? p4 : NULL, &d);
    if (!m)
        return 2;                   /* unreadable or invalid input */
    if (o->calibrate && !can_append(p4)) {
        fprintf(stderr, "bench dlperf: cannot append to %s\n", p4);
        dlperf_model_free(m);
        return 2;
    }
    if (kern_open(o->kind, &k, why, sizeof why) != SIM_OK) {
        fprintf(stderr, "bench dlperf: %s: %s\n", kern_kind_name(o->kind),
                why[0] ? why : "the back-end could not be opened");
        dlperf_model_free(m);
        return 1;
    }
    is_cpu = kern_device_is_cpu(k);
    threads = kern_threads(k);
    snprintf(devlabel, sizeof devlabel, "%s%s:%s", kern_kind_name(o->kind),
             o->kind == KERN_OPENCL && is_cpu ? "-pocl" : "", kern_device_name(k));
    printf("bench dlperf: %s (%s%s)\n", devlabel, is_cpu ? "host CPU, " : "",
           is_cpu ? "measured peak" : "catalogue peak");
    if (is_cpu) {
        cpu_peak = kern_cpu_peak_flops(threads) * 1e-12;
        /* The host's bandwidth varies from run to run in a shared VM:
         * take the best memcpy, on one thread or all. */
        cpu_bw = fmax(kern_cpu_memcpy_bw(tn * sizeof(float), threads, o->reps),
                      kern_cpu_memcpy_bw(tn * sizeof(float), 1, o->reps)) * 1e-9;
        printf("  peak: %.3f TFLOPS FP32 (FMA loop, %d threads), %.1f GB/s (memcpy)\n",
               cpu_peak, threads, cpu_bw);
    } else if ((gpu = find_device(m, kern_device_name(k))))
        printf("  catalogue row: %s\n", gpu->name);
    else
        printf("  device not in the catalogue: no peak, efficiency not shown\n");

    a = malloc(nn * sizeof *a), b = malloc(nn * sizeof *b), c = malloc(nn * sizeof *c);
    ha = malloc(nn * sizeof *ha), hb = malloc(nn * sizeof *hb);
    ta = malloc(tn * sizeof *ta), tb = malloc(tn * sizeof *tb), tc = malloc(tn * sizeof *tc);
    if (!a || !b || !c || !ha || !hb || !ta || !tb || !tc) {
        fprintf(stderr, "bench dlperf: out of memory\n");
        rc = 3;
        goto out;
    }
    kern_fill(a, nn, 1), kern_fill(b, nn, 2);
    for (size_t i = 0; i < nn; i++)
        ha[i] = kern_half_from_float(a[i]), hb[i] = kern_half_from_float(b[i]);
    kern_fill(tb, tn, 3), kern_fill(tc, tn, 4);
    memset(ta, 0, tn * sizeof *ta);

    printf("  %-15s %10s %10s %-6s %10s %7s  %s\n", "kernel", "size", "achieved",
           "unit", "peak", "eff", "check (err/tol)");
    if (kern_sgemm(k, o->n, a, b, c, o->reps, &t) == SIM_OK)
        rows[nrows++] = (struct row){ "sgemm_fp32", "TFLOPS", o->n, flop / t * 1e-12,
                                      is_cpu ? cpu_peak : gpu ? gpu->fp32_tflops : 0.0,
                                      kern_verify_gemm(o->n, a, b, c, 11) };
    else
        rc = 1;
    if (kern_hgemm(k, o->n, ha, hb, c, o->reps, &t) == SIM_OK)
        rows[nrows++] = (struct row){ "hgemm_fp16", "TFLOPS", o->n, flop / t * 1e-12,
                                      is_cpu ? cpu_peak : gpu ? gpu->fp16_tflops : 0.0,
                                      kern_verify_hgemm(o->n, ha, hb, c, 12) };
    else
        rc = 1;
    if (kern_triad(k, tn, tb, tc, 3.0f, ta, o->reps, &t) == SIM_OK)
        rows[nrows++] = (struct row){ "triad", "GB/s", (long long)tn,
                                      kern_triad_bytes(tn) / t * 1e-9,
                                      is_cpu ? cpu_bw : gpu ? gpu->mem_bw_gbs : 0.0,
                                      kern_verify_triad(tn, tb, tc, 3.0f, ta) };
    else
        rc = 1;
    memset(ta, 0, tn * sizeof *ta);
    if (kern_h2d(k, tn * sizeof(float), tb, ta, o->reps, &t) == SIM_OK)
        rows[nrows++] = (struct row){ "h2d", "GB/s", (long long)(tn * sizeof(float)),
                                      (double)(tn * sizeof(float)) / t * 1e-9,
                                      is_cpu ? cpu_bw / 2.0 : gpu ? pcie_gbs(gpu->pcie_gen) : 0.0,
                                      memcmp(ta, tb, tn * sizeof *ta) == 0 ? 0.0 : HUGE_VAL };
    else
        rc = 1;
    if (rc)
        fprintf(stderr, "bench dlperf: a kernel failed to run on %s\n", devlabel);
    for (size_t i = 0; i < nrows; i++) {
        print_row(&rows[i]);
        if (!(rows[i].check <= 1.0)) {
            fprintf(stderr, "bench dlperf: %s: result failed verification\n", rows[i].kernel);
            rc = 1;
        }
    }

    if (o->compare) {
        double chk = 0.0, ob = openblas_sgemm(o->n, a, b, c, o->reps, &chk);
        double mc1 = kern_cpu_memcpy_bw(tn * sizeof(float), 1, o->reps) * 1e-9;
        double mcn = kern_cpu_memcpy_bw(tn * sizeof(float), threads, o->reps) * 1e-9;

        printf("  side by side on the host CPU:\n");
        if (ob > 0.0) {
            rows[nrows++] = (struct row){ "openblas_sgemm", "TFLOPS", o->n,
                                          flop / ob * 1e-12, cpu_peak, chk };
            print_row(&rows[nrows - 1]);
            if (rows[0].achieved > 0.0)
                printf("  sgemm / OpenBLAS sgemm: %.1f%%\n",
                       100.0 * rows[0].achieved / rows[nrows - 1].achieved);
        } else
            printf("  OpenBLAS (libopenblas.so.0) not found: sgemm comparison skipped\n");
        rows[nrows++] = (struct row){ "memcpy_1t", "GB/s", (long long)(tn * sizeof(float)),
                                      mc1, cpu_bw, 0.0 };
        print_row(&rows[nrows - 1]);
        rows[nrows++] = (struct row){ "memcpy", "GB/s", (long long)(tn * sizeof(float)),
                                      mcn, cpu_bw, 0.0 };
        print_row(&rows[nrows - 1]);
        if (nrows > 2 && strcmp(rows[2].kernel, "triad") == 0)
            printf("  triad / memcpy (%d threads): %.1f%%, / memcpy (1 thread): %.1f%%\n",
                   threads, 100.0 * rows[2].achieved / mcn, 100.0 * rows[2].achieved / mc1);
    }

    /* Place the device on the DLPerf scale. A catalogue GPU has its market
     * value; any device also gets the spec model applied to its measured
     * peak (CPU) or its achieved throughput, derated by its kernels'
     * efficiency relative to the calibrated reference. */
    if (gpu)
        printf("DLPerf: %s = %.1f (%s), one GPU; simulated machines derated "
               "around %.3f\n", gpu->name, gpu->dlperf1,
               gpu->observed ? "observed median" : "spec model", gpu->derate_median);
    if (nrows >= 3) {
        double f32 = is_cpu ? cpu_peak : gpu ? gpu->fp32_tflops : rows[0].achieved;
        double f16 = is_cpu ? cpu_peak : gpu ? gpu->fp16_tflops : rows[1].achieved;
        double bw = is_cpu ? cpu_bw : gpu ? gpu->mem_bw_gbs : rows[2].achieved;
        double est = dlperf_predict(m, f32, bw, f16);
        /* Derate by how far the kernels fall short of peak, relative to
         * the reference efficiency of the calibration table's GPUs (or
         * the 50-70% a tuned GEMM and triad reach): a slow machine is slow. */
        double eff = rows[0].peak > 0.0 && rows[2].peak > 0.0 ?
                     sqrt(rows[0].achieved / rows[0].peak * rows[2].achieved / rows[2].peak) : (double)NAN;

        printf("DLPerf estimate: %.2f (spec model on %.3f TFLOPS FP32, %.3f FP16, %.1f GB/s)\n",
               est, f32, f16, bw);
        if (isfinite(eff)) {
            size_t nref;
            double ref = dlperf_ref_efficiency(m, &nref);

            printf("  kernel efficiency (geometric mean of sgemm and triad): %.2f;"
                   " derated estimate %.2f\n", eff, dlperf_derated_estimate(m, est, eff));
            if (nref > 0)
                printf("  reference efficiency %.3f: median of %zu GPU rows in %s\n",
                       ref, nref, p4);
            else
                printf("  reference efficiency %.2f [E]: no GPU sgemm_fp32 and triad "
                       "rows in %s\n", ref, p4);
        }
    }
    if (o->fit)
        dlperf_print_fit(m, stdout);
    if (o->calibrate && nrows > 0 && rc == 0) {
        /* Append only what the table's reader accepts (load_calibration):
         * an efficiency above DLPERF_EFF_MAX means the rate was measured
         * on a working set that fits in a cache, or the peak on a busy
         * machine (one rep of memcpy can come out at a seventh of the
         * best), and a table holding it would stop every later run that
         * reads it. There is no lower bound: honest rows go as low as
         * 1-2 % (PoCL's sgemm and hgemm against the FMA-loop peak, a
         * plain FP16 GEMM against a tensor-core peak), as low as a first
         * launch that was timed with its compilation, which the kernels
         * now keep out of the timing instead. */
        for (size_t i = 0; i < nrows; i++) {
            double e = rows[i].achieved / rows[i].peak;

            if (rows[i].peak > 0.0 && !(e > 0.0 && e <= DLPERF_EFF_MAX)) {
                fprintf(stderr, "bench dlperf: %s: efficiency %.3g against a peak of %.4g %s "
                        "is outside (0, %g] (a working set that fits in a cache, or a peak "
                        "measured low on a busy machine: raise --size, --triad-size or "
                        "--reps): nothing appended to %s\n", rows[i].kernel,
                        e, rows[i].peak, rows[i].unit, DLPERF_EFF_MAX, p4);
                rc = 1;
            }
        }
    }
    if (o->calibrate && nrows > 0 && rc == 0) {
        if (append_calibration(p4, devlabel, rows, nrows) != SIM_OK)
            rc = 2;
        else
            printf("appended %zu rows to %s\n", nrows, p4);
    }
out:
    free(a), free(b), free(c), free(ha), free(hb), free(ta), free(tb), free(tc);
    kern_close(k);
    dlperf_model_free(m);
    return rc;
}

int dlperf_bench_main(int argc, char **argv)
{
    struct bench_opts o = { KERN_CPU, 1024, 3, (size_t)1 << 24, false, false, false,
                            "data", NULL };
    int rc = parse(argc, argv, &o);

    if (rc != 0)
        return rc < 0 ? 0 : rc;
    return run(&o);
}
