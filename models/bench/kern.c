/* models/bench/kern.c -- back-end dispatch and result verification.
 *
 * The back-ends are chosen by a switch rather than a table of function
 * pointers: a const table of pointers still lands in a writable relocated
 * section of a PIE, and the switch says at a glance which kinds exist.
 * Verification lives here, once, so a back-end cannot grade itself.
 */
#include "models/bench/kern.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sim/err.h"

struct kern {
    enum kern_kind kind;
    union {
        struct kern_cpu *cpu;
        struct kern_ocl *ocl;
        struct kern_cuda *cuda;
    } u;
};

int kern_kind_parse(const char *s)
{
    if (strcmp(s, "cpu") == 0 || strcmp(s, "c") == 0)
        return KERN_CPU;
    if (strcmp(s, "opencl") == 0 || strcmp(s, "ocl") == 0)
        return KERN_OPENCL;
    if (strcmp(s, "cuda") == 0)
        return KERN_CUDA;
    return -1;
}

const char *kern_kind_name(enum kern_kind k)
{
    switch (k) {
    case KERN_CPU: return "cpu";
    case KERN_OPENCL: return "opencl";
    case KERN_CUDA: return "cuda";
    }
    return "?";
}

int kern_open(enum kern_kind kind, struct kern **out, char *why, size_t whylen)
{
    struct kern *k = calloc(1, sizeof *k);
    int rc = SIM_EINVAL;

    *out = NULL;
    if (!k) {
        snprintf(why, whylen, "out of memory");
        return SIM_ENOMEM;
    }
    k->kind = kind;
    switch (kind) {
    case KERN_CPU:
        rc = kern_cpu_open(&k->u.cpu, why, whylen);
        break;
    case KERN_OPENCL:
        rc = kern_ocl_open(&k->u.ocl, why, whylen);
        break;
    case KERN_CUDA:
#ifdef GM_HAVE_CUDA
        rc = kern_cuda_open(&k->u.cuda, why, whylen);
#else
        snprintf(why, whylen, "the CUDA back-end was not built (no nvcc)");
        rc = SIM_EIO;
#endif
        break;
    }
    if (rc != SIM_OK) {
        free(k);
        return rc;
    }
    *out = k;
    return SIM_OK;
}

void kern_close(struct kern *k)
{
    if (!k)
        return;
    switch (k->kind) {
    case KERN_CPU: kern_cpu_close(k->u.cpu); break;
    case KERN_OPENCL: kern_ocl_close(k->u.ocl); break;
    case KERN_CUDA:
#ifdef GM_HAVE_CUDA
        kern_cuda_close(k->u.cuda);
#endif
        break;
    }
    free(k);
}

const char *kern_device_name(const struct kern *k)
{
    switch (k->kind) {
    case KERN_CPU: return kern_cpu_device(k->u.cpu);
    case KERN_OPENCL: return kern_ocl_device(k->u.ocl);
    case KERN_CUDA:
#ifdef GM_HAVE_CUDA
        return kern_cuda_device(k->u.cuda);
#else
        break;
#endif
    }
    return "?";
}

bool kern_device_is_cpu(const struct kern *k)
{
    return k->kind == KERN_CPU ||
           (k->kind == KERN_OPENCL && kern_ocl_is_cpu(k->u.ocl));
}

int kern_threads(const struct kern *k)
{
    return k->kind == KERN_CPU ? kern_cpu_threads(k->u.cpu) : kern_cpu_count();
}

/* The CUDA entry points exist only in a CUDA build; elsewhere kern_open()
 * has already refused, so reaching them is a bug. */
#ifdef GM_HAVE_CUDA
#define CUDA_CALL(call) return call
#else
#define CUDA_CALL(call) SIM_PANIC("CUDA back-end used but not built")
#endif

int kern_sgemm(struct kern *k, int n, const float *a, const float *b,
               float *c, int reps, double *best_s)
{
    switch (k->kind) {
    case KERN_CPU: return kern_cpu_sgemm(k->u.cpu, n, a, b, c, reps, best_s);
    case KERN_OPENCL: return kern_ocl_sgemm(k->u.ocl, n, a, b, c, reps, best_s);
    case KERN_CUDA: CUDA_CALL(kern_cuda_sgemm(k->u.cuda, n, a, b, c, reps, best_s));
    }
    return SIM_EINVAL;
}

int kern_hgemm(struct kern *k, int n, const uint16_t *a, const uint16_t *b,
               float *c, int reps, double *best_s)
{
    switch (k->kind) {
    case KERN_CPU: return kern_cpu_hgemm(k->u.cpu, n, a, b, c, reps, best_s);
    case KERN_OPENCL: return kern_ocl_hgemm(k->u.ocl, n, a, b, c, reps, best_s);
    case KERN_CUDA: CUDA_CALL(kern_cuda_hgemm(k->u.cuda, n, a, b, c, reps, best_s));
    }
    return SIM_EINVAL;
}

int kern_triad(struct kern *k, size_t n, const float *b, const float *c,
               float s, float *a, int reps, double *best_s)
{
    switch (k->kind) {
    case KERN_CPU: return kern_cpu_triad(k->u.cpu, n, b, c, s, a, reps, best_s);
    case KERN_OPENCL: return kern_ocl_triad(k->u.ocl, n, b, c, s, a, reps, best_s);
    case KERN_CUDA: CUDA_CALL(kern_cuda_triad(k->u.cuda, n, b, c, s, a, reps, best_s));
    }
    return SIM_EINVAL;
}

int kern_h2d(struct kern *k, size_t bytes, const void *src, void *dst,
             int reps, double *best_s)
{
    switch (k->kind) {
    case KERN_CPU: return kern_cpu_h2d(k->u.cpu, bytes, src, dst, reps, best_s);
    case KERN_OPENCL: return kern_ocl_h2d(k->u.ocl, bytes, src, dst, reps, best_s);
    case KERN_CUDA: CUDA_CALL(kern_cuda_h2d(k->u.cuda, bytes, src, dst, reps, best_s));
    }
    return SIM_EINVAL;
}

/* ---- helpers ---- */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double unit(uint64_t *s)                   /* [0, 1) */
{
    return (double)(splitmix(s) >> 11) * 0x1.0p-53;
}

void kern_fill(float *x, size_t n, uint64_t seed)
{
    uint64_t s = seed;

    for (size_t i = 0; i < n; i++)
        x[i] = (float)(2.0 * unit(&s) - 1.0);
}

double kern_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double kern_gemm_flops(int n)
{
    return 2.0 * (double)n * (double)n * (double)n;
}

double kern_triad_bytes(size_t n)
{
    return 3.0 * (double)n * (double)sizeof(float);
}

uint16_t kern_half_from_float(float f)
{
    uint32_t x, sign, mant;
    int32_t exp;

    memcpy(&x, &f, sizeof x);
    sign = (x >> 16) & 0x8000u;
    exp = (int32_t)((x >> 23) & 0xff) - 127 + 15;
    mant = x & 0x7fffffu;
    if (((x >> 23) & 0xff) == 0xff)                 /* inf or NaN */
        return (uint16_t)(sign | 0x7c00u | (mant ? 0x200u : 0));
    if (exp >= 31)
        return (uint16_t)(sign | 0x7c00u);
    if (exp <= 0) {                                 /* subnormal or zero */
        uint32_t m, shift, r, half;

        if (exp < -10)
            return (uint16_t)sign;
        m = mant | 0x800000u;
        shift = (uint32_t)(14 - exp);
        r = m >> shift;
        half = 1u << (shift - 1);
        if ((m & ((half << 1) - 1)) > half || ((m & ((half << 1) - 1)) == half && (r & 1)))
            r++;
        return (uint16_t)(sign | r);
    }
    {
        uint32_t h = sign | ((uint32_t)exp << 10) | (mant >> 13);
        uint32_t rest = mant & 0x1fffu;

        /* Round to nearest even; a carry into the exponent is correct. */
        if (rest > 0x1000u || (rest == 0x1000u && (h & 1)))
            h++;
        return (uint16_t)h;
    }
}

float kern_half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ffu, x;
    float f;

    if (exp == 0) {
        /* Subnormal halves are exact floats: mant * 2^-24. */
        f = ldexpf((float)mant, -24);
        return sign ? -f : f;
    }
    if (exp == 31)
        x = sign | 0x7f800000u | (mant << 13);
    else
        x = sign | ((exp - 15 + 127) << 23) | (mant << 13);
    memcpy(&f, &x, sizeof f);
    return f;
}

void kern_ref_gemm(int n, const float *a, const float *b, double *c)
{
    size_t nn = (size_t)n;

    for (size_t i = 0; i < nn; i++)
        for (size_t j = 0; j < nn; j++) {
            double s = 0.0;

            for (size_t l = 0; l < nn; l++)
                s += (double)a[i * nn + l] * (double)b[l * nn + j];
            c[i * nn + j] = s;
        }
}

/* Freivalds on float or half inputs: 'geta'/'getb' read element i. */
static double freivalds(int n, const void *a, const void *b, const float *c,
                        float (*get)(const void *, size_t), uint64_t seed)
{
    size_t nn = (size_t)n;
    double *x = malloc(nn * sizeof *x), *bx = malloc(nn * sizeof *bx);
    double *abx = malloc(nn * sizeof *abx);
    double worst = 0.0;
    uint64_t s = seed ? seed : 1;
    /* FP32 rounding of a k-term dot product behaves like a random walk, so
     * the error of (C x)_i scales like u w_i / sqrt(n) with w = |A||B||x|;
     * 64 is the safety factor over that estimate, capped by the rigorous
     * worst case k u w for small n. */
    double u = 0x1.0p-24, fac = fmin(2.0 * (double)n, 64.0 / sqrt((double)n));

    if (!x || !bx || !abx) {
        free(x), free(bx), free(abx);
        return HUGE_VAL;
    }
    for (int trial = 0; trial < 2; trial++) {
        for (size_t j = 0; j < nn; j++)
            x[j] = 1.0 + unit(&s);
        for (int pass = 0; pass < 2; pass++) {
            /* pass 0: A (B x); pass 1: |A| (|B| x) for the tolerance */
            for (size_t l = 0; l < nn; l++) {
                double t = 0.0;

                for (size_t j = 0; j < nn; j++) {
                    double v = (double)get(b, l * nn + j);

                    t += (pass ? fabs(v) : v) * x[j];
                }
                bx[l] = t;
            }
            for (size_t i = 0; i < nn; i++) {
                double t = 0.0;

                for (size_t l = 0; l < nn; l++) {
                    double v = (double)get(a, i * nn + l);

                    t += (pass ? fabs(v) : v) * bx[l];
                }
                if (pass == 0)
                    abx[i] = t;
                else {
                    double cx = 0.0, tol = u * fac * t + 1e-30, r;

                    for (size_t j = 0; j < nn; j++)
                        cx += (double)c[i * nn + j] * x[j];
                    r = fabs(cx - abx[i]) / tol;
                    if (!(r <= worst))      /* NaN makes the result inf */
                        worst = isnan(r) ? HUGE_VAL : r;
                }
            }
        }
    }
    free(x), free(bx), free(abx);
    return worst;
}

static float get_f32(const void *p, size_t i)
{
    return ((const float *)p)[i];
}

static float get_f16(const void *p, size_t i)
{
    return kern_half_to_float(((const uint16_t *)p)[i]);
}

double kern_verify_gemm(int n, const float *a, const float *b, const float *c,
                        uint64_t seed)
{
    return freivalds(n, a, b, c, get_f32, seed);
}

double kern_verify_hgemm(int n, const uint16_t *a, const uint16_t *b,
                         const float *c, uint64_t seed)
{
    return freivalds(n, a, b, c, get_f16, seed);
}

double kern_verify_triad(size_t n, const float *b, const float *c, float s,
                         const float *a)
{
    double worst = 0.0;

    for (size_t i = 0; i < n; i++) {
        double ref = (double)b[i] + (double)s * (double)c[i];
        double tol = 0x1.0p-22 * (fabs((double)b[i]) + fabs((double)s * (double)c[i])) + 1e-30;
        double r = fabs((double)a[i] - ref) / tol;

        if (!(r <= worst))
            worst = isnan(r) ? HUGE_VAL : r;
    }
    return worst;
}
