/* models/bench/kern_c.c -- the plain-C back-end: the host CPU.
 *
 * SGEMM follows Goto and van de Geijn ("Anatomy of high-performance matrix
 * multiplication", 2008): B is packed into KC x NR panels that stay in L1,
 * A into MC x KC blocks that stay in L2, and a register-blocked micro-kernel
 * computes an MR x NR tile of C with FMAs. The micro-kernel is compiled for
 * several instruction sets with target attributes and picked at run time,
 * so the default build (-O2, no -march) still runs AVX-512 where the CPU
 * has it and the binary stays portable. Threads split the rows of C; each
 * packs its own copy of B, which costs O(n^2) against O(n^3) of work.
 *
 * The triad streams with non-temporal stores, as tuned STREAM builds do:
 * a normal store first reads the line it overwrites (write-allocate), a
 * fourth array of traffic the triad's byte count does not include.
 */
#include "models/bench/kern.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sim/err.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define KC_X86 1
#include <immintrin.h>
#else
#define KC_X86 0
#endif

#define KC 256                  /* depth of a packed block (L1: KC*NR floats) */
#define MC 144                  /* rows of a packed A block (L2), mult. of MR */
#define NC 4096                 /* columns of a packed B block (L3) */
#define MAX_THREADS 64

struct kern_cpu {
    int threads;
    char name[160];
};

int kern_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

int kern_cpu_open(struct kern_cpu **out, char *why, size_t whylen)
{
    struct kern_cpu *k = calloc(1, sizeof *k);
    FILE *f;
    char line[256];

    if (!k) {
        snprintf(why, whylen, "out of memory");
        return SIM_ENOMEM;
    }
    k->threads = kern_cpu_count();
    snprintf(k->name, sizeof k->name, "cpu");
    f = fopen("/proc/cpuinfo", "r");
    while (f && fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');

        if (strncmp(line, "model name", 10) == 0 && colon) {
            colon += 1 + strspn(colon + 1, " \t");
            colon[strcspn(colon, "\n")] = '\0';
            snprintf(k->name, sizeof k->name, "%s", colon);
            break;
        }
    }
    if (f)
        fclose(f);
    *out = k;
    return SIM_OK;
}

void kern_cpu_close(struct kern_cpu *k)
{
    free(k);
}

const char *kern_cpu_device(const struct kern_cpu *k)
{
    return k->name;
}

int kern_cpu_threads(const struct kern_cpu *k)
{
    return k->threads;
}

/* ---- micro-kernels: C[mr x nr] += Ap[kc x mr]^T Bp[kc x nr] ---- */

typedef void ukernel_fn(int kc, const float *ap, const float *bp, float *c,
                        size_t ldc);

struct isa {
    int mr, nr;
    ukernel_fn *uk;
};

#if KC_X86
/* 12 x 32: 24 zmm accumulators, two for B, one broadcast, of 32 registers. */
__attribute__((target("avx512f")))
static void uk_avx512(int kc, const float *ap, const float *bp, float *c,
                      size_t ldc)
{
    __m512 acc[12][2];

#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) {
        acc[i][0] = _mm512_loadu_ps(c + (size_t)i * ldc);
        acc[i][1] = _mm512_loadu_ps(c + (size_t)i * ldc + 16);
    }
    for (int l = 0; l < kc; l++) {
        __m512 b0 = _mm512_load_ps(bp), b1 = _mm512_load_ps(bp + 16);

#pragma GCC unroll 12
        for (int i = 0; i < 12; i++) {
            __m512 a = _mm512_set1_ps(ap[i]);

            acc[i][0] = _mm512_fmadd_ps(a, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(a, b1, acc[i][1]);
        }
        ap += 12;
        bp += 32;
    }
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) {
        _mm512_storeu_ps(c + (size_t)i * ldc, acc[i][0]);
        _mm512_storeu_ps(c + (size_t)i * ldc + 16, acc[i][1]);
    }
}

/* 6 x 16: 12 ymm accumulators of 16 registers. */
__attribute__((target("avx2,fma")))
static void uk_avx2(int kc, const float *ap, const float *bp, float *c,
                    size_t ldc)
{
    __m256 acc[6][2];

#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) {
        acc[i][0] = _mm256_loadu_ps(c + (size_t)i * ldc);
        acc[i][1] = _mm256_loadu_ps(c + (size_t)i * ldc + 8);
    }
    for (int l = 0; l < kc; l++) {
        __m256 b0 = _mm256_load_ps(bp), b1 = _mm256_load_ps(bp + 8);

#pragma GCC unroll 6
        for (int i = 0; i < 6; i++) {
            __m256 a = _mm256_broadcast_ss(ap + i);

            acc[i][0] = _mm256_fmadd_ps(a, b0, acc[i][0]);
            acc[i][1] = _mm256_fmadd_ps(a, b1, acc[i][1]);
        }
        ap += 6;
        bp += 16;
    }
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) {
        _mm256_storeu_ps(c + (size_t)i * ldc, acc[i][0]);
        _mm256_storeu_ps(c + (size_t)i * ldc + 8, acc[i][1]);
    }
}
#endif

/* Portable 4 x 8 kernel; the compiler vectorises the inner j loop. */
static void uk_generic(int kc, const float *ap, const float *bp, float *c,
                       size_t ldc)
{
    float acc[4][8];

    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            acc[i][j] = c[(size_t)i * ldc + (size_t)j];
    for (int l = 0; l < kc; l++) {
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 8; j++)
                acc[i][j] += ap[i] * bp[j];
        ap += 4;
        bp += 8;
    }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            c[(size_t)i * ldc + (size_t)j] = acc[i][j];
}

static struct isa pick_isa(void)
{
#if KC_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && getenv("GM_NO_AVX512") == NULL)
        return (struct isa){ 12, 32, uk_avx512 };
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return (struct isa){ 6, 16, uk_avx2 };
#endif
    return (struct isa){ 4, 8, uk_generic };
}

/* ---- packing ---- */

static void pack_a(int mc, int kc, const float *a, size_t lda, int mr,
                   float *ap)
{
    for (int p = 0; p < mc; p += mr)
        for (int l = 0; l < kc; l++)
            for (int r = 0; r < mr; r++)
                *ap++ = p + r < mc ? a[(size_t)(p + r) * lda + (size_t)l] : 0.0f;
}

static void pack_b(int kc, int nc, const float *b, size_t ldb, int nr,
                   float *bp)
{
    for (int q = 0; q < nc; q += nr)
        for (int l = 0; l < kc; l++) {
            const float *row = b + (size_t)l * ldb + (size_t)q;

            if (q + nr <= nc) {
                memcpy(bp, row, (size_t)nr * sizeof *bp);
                bp += nr;
            } else {
                for (int j = 0; j < nr; j++)
                    *bp++ = q + j < nc ? row[j] : 0.0f;
            }
        }
}

struct gemm_job {
    int n, m0, m1;
    const float *a, *b;
    float *c;
    struct isa isa;
    int rc;
};

static void *gemm_rows(void *arg)
{
    struct gemm_job *j = arg;
    size_t n = (size_t)j->n;
    int mr = j->isa.mr, nr = j->isa.nr;
    int mcb = MC / mr * mr;                     /* MC rounded to MR */
    float *ap = aligned_alloc(64, (size_t)(mcb + mr) * KC * sizeof(float));
    float *bp = aligned_alloc(64, ((size_t)NC + (size_t)nr) * KC * sizeof(float));
    float tile[12 * 32] __attribute__((aligned(64)));

    if (!ap || !bp) {
        free(ap), free(bp);
        j->rc = SIM_ENOMEM;
        return NULL;
    }
    for (int i = j->m0; i < j->m1; i++)
        memset(j->c + (size_t)i * n, 0, n * sizeof(float));
    for (int jc = 0; jc < j->n; jc += NC) {
        int nc = j->n - jc < NC ? j->n - jc : NC;

        for (int pc = 0; pc < j->n; pc += KC) {
            int kc = j->n - pc < KC ? j->n - pc : KC;

            pack_b(kc, nc, j->b + (size_t)pc * n + (size_t)jc, n, nr, bp);
            for (int ic = j->m0; ic < j->m1; ic += mcb) {
                int mc = j->m1 - ic < mcb ? j->m1 - ic : mcb;

                pack_a(mc, kc, j->a + (size_t)ic * n + (size_t)pc, n, mr, ap);
                for (int jr = 0; jr < nc; jr += nr) {
                    const float *bpan = bp + (size_t)(jr / nr) * (size_t)kc * (size_t)nr;

                    for (int ir = 0; ir < mc; ir += mr) {
                        const float *apan = ap + (size_t)(ir / mr) * (size_t)kc * (size_t)mr;
                        float *cij = j->c + (size_t)(ic + ir) * n + (size_t)(jc + jr);
                        int rows = mc - ir < mr ? mc - ir : mr;
                        int cols = nc - jr < nr ? nc - jr : nr;

                        if (rows == mr && cols == nr) {
                            j->isa.uk(kc, apan, bpan, cij, n);
                            continue;
                        }
                        /* Edge tile: run the full kernel on a scratch
                         * tile and add back only the part inside C. */
                        memset(tile, 0, sizeof tile);
                        j->isa.uk(kc, apan, bpan, tile, (size_t)nr);
                        for (int r = 0; r < rows; r++)
                            for (int s = 0; s < cols; s++)
                                cij[(size_t)r * n + (size_t)s] += tile[r * nr + s];
                    }
                }
            }
        }
    }
    free(ap);
    free(bp);
    j->rc = SIM_OK;
    return NULL;
}

static int sgemm_once(int threads, int n, const float *a, const float *b,
                      float *c, struct isa isa)
{
    struct gemm_job jobs[MAX_THREADS];
    pthread_t tid[MAX_THREADS];
    int nt = threads, rc = SIM_OK, started[MAX_THREADS] = { 0 };
    int per;

    /* Give every thread whole MR panels; small problems use fewer. */
    while (nt > 1 && n / nt < isa.mr)
        nt--;
    per = (n / isa.mr + nt - 1) / nt * isa.mr;
    for (int t = 0; t < nt; t++) {
        int m0 = t * per, m1 = (t + 1) * per;

        jobs[t] = (struct gemm_job){ n, m0 < n ? m0 : n, m1 < n && t + 1 < nt ? m1 : n,
                                     a, b, c, isa, SIM_OK };
    }
    for (int t = 1; t < nt; t++)
        started[t] = pthread_create(&tid[t], NULL, gemm_rows, &jobs[t]) == 0;
    for (int t = 1; t < nt; t++)
        if (!started[t])        /* no thread: do its share here */
            gemm_rows(&jobs[t]);
    gemm_rows(&jobs[0]);
    for (int t = 1; t < nt; t++)
        if (started[t])
            pthread_join(tid[t], NULL);
    for (int t = 0; t < nt; t++)
        if (jobs[t].rc != SIM_OK)
            rc = jobs[t].rc;
    return rc;
}

int kern_cpu_sgemm(struct kern_cpu *k, int n, const float *a, const float *b,
                   float *c, int reps, double *best_s)
{
    struct isa isa = pick_isa();
    double best = 1e300;

    for (int r = 0; r < (reps > 0 ? reps : 1); r++) {
        double t0 = kern_now();
        int rc = sgemm_once(k->threads, n, a, b, c, isa);

        if (rc != SIM_OK)
            return rc;
        if (kern_now() - t0 < best)
            best = kern_now() - t0;
    }
    *best_s = best;
    return SIM_OK;
}

/* The CPU has no FP16 multiplier worth the name: convert to FP32 (timed,
 * it is part of the work) and run the FP32 kernel. */
int kern_cpu_hgemm(struct kern_cpu *k, int n, const uint16_t *a,
                   const uint16_t *b, float *c, int reps, double *best_s)
{
    size_t nn = (size_t)n * (size_t)n;
    float *fa = malloc(nn * sizeof *fa), *fb = malloc(nn * sizeof *fb);
    struct isa isa = pick_isa();
    double best = 1e300;
    int rc = SIM_OK;

    if (!fa || !fb) {
        free(fa), free(fb);
        return SIM_ENOMEM;
    }
    for (int r = 0; r < (reps > 0 ? reps : 1) && rc == SIM_OK; r++) {
        double t0 = kern_now();

        for (size_t i = 0; i < nn; i++) {
            fa[i] = kern_half_to_float(a[i]);
            fb[i] = kern_half_to_float(b[i]);
        }
        rc = sgemm_once(k->threads, n, fa, fb, c, isa);
        if (kern_now() - t0 < best)
            best = kern_now() - t0;
    }
    free(fa), free(fb);
    *best_s = best;
    return rc;
}

/* ---- triad and copies ---- */

struct triad_job {
    size_t i0, i1;
    const float *b, *c;
    float s;
    float *a;
};

static void *triad_part(void *arg)
{
    struct triad_job *j = arg;
    size_t i = j->i0;

#if KC_X86
    __m128 vs = _mm_set1_ps(j->s);

    for (; i < j->i1 && ((uintptr_t)(j->a + i) & 15); i++)
        j->a[i] = j->b[i] + j->s * j->c[i];
    for (; i + 16 <= j->i1; i += 16)
        for (size_t v = 0; v < 16; v += 4)
            _mm_stream_ps(j->a + i + v,
                          _mm_add_ps(_mm_loadu_ps(j->b + i + v),
                                     _mm_mul_ps(vs, _mm_loadu_ps(j->c + i + v))));
    _mm_sfence();
#endif
    for (; i < j->i1; i++)
        j->a[i] = j->b[i] + j->s * j->c[i];
    return NULL;
}

struct copy_job {
    char *dst;
    const char *src;
    size_t bytes;
};

static void *copy_part(void *arg)
{
    struct copy_job *j = arg;

    memcpy(j->dst, j->src, j->bytes);
    return NULL;
}

/* Runs fn on 'nt' jobs, one per thread, the caller taking job 0. */
static void run_parallel(void *(*fn)(void *), void *jobs, size_t size, int nt)
{
    pthread_t tid[MAX_THREADS];
    int started[MAX_THREADS] = { 0 };

    for (int t = 1; t < nt; t++)
        started[t] = pthread_create(&tid[t], NULL, fn, (char *)jobs + (size_t)t * size) == 0;
    for (int t = 1; t < nt; t++)
        if (!started[t])
            fn((char *)jobs + (size_t)t * size);
    fn(jobs);
    for (int t = 1; t < nt; t++)
        if (started[t])
            pthread_join(tid[t], NULL);
}

int kern_cpu_triad(struct kern_cpu *k, size_t n, const float *b,
                   const float *c, float s, float *a, int reps, double *best_s)
{
    struct triad_job jobs[MAX_THREADS];
    int nt = n < 65536 ? 1 : k->threads;
    double best = 1e300;

    for (int t = 0; t < nt; t++)
        jobs[t] = (struct triad_job){ n * (size_t)t / (size_t)nt,
                                      n * (size_t)(t + 1) / (size_t)nt, b, c, s, a };
    for (int r = 0; r < (reps > 0 ? reps : 1); r++) {
        double t0 = kern_now();

        run_parallel(triad_part, jobs, sizeof jobs[0], nt);
        if (kern_now() - t0 < best)
            best = kern_now() - t0;
    }
    *best_s = best;
    return SIM_OK;
}

/* Host to "device" on the CPU is a memcpy: the number a GPU's PCIe copy
 * is compared with. */
int kern_cpu_h2d(struct kern_cpu *k, size_t bytes, const void *src, void *dst,
                 int reps, double *best_s)
{
    double best = 1e300;

    (void)k;
    for (int r = 0; r < (reps > 0 ? reps : 1); r++) {
        double t0 = kern_now();

        memcpy(dst, src, bytes);
        if (kern_now() - t0 < best)
            best = kern_now() - t0;
    }
    *best_s = best;
    return SIM_OK;
}

double kern_cpu_memcpy_bw(size_t bytes, int threads, int reps)
{
    char *src = malloc(bytes), *dst = malloc(bytes);
    struct copy_job jobs[MAX_THREADS];
    int nt = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
    double best = 1e300;

    if (!src || !dst) {
        free(src), free(dst);
        return 0.0;
    }
    /* Fault the pages in before timing, with a byte that is not zero:
     * gcc turns malloc and memset(0) into calloc, which leaves fresh pages
     * unmapped, and the first timed copy then paid for every fault (at
     * --reps 1, the "peak" came out at 1 GB/s instead of some 50). */
    memset(src, 1, bytes);
    memset(dst, 2, bytes);
    for (int t = 0; t < nt; t++) {
        size_t o0 = bytes * (size_t)t / (size_t)nt, o1 = bytes * (size_t)(t + 1) / (size_t)nt;

        jobs[t] = (struct copy_job){ dst + o0, src + o0, o1 - o0 };
    }
    /* and one copy untimed: the first is still slower (TLB, clocks), and
     * with --reps 1 it would be the only one */
    run_parallel(copy_part, jobs, sizeof jobs[0], nt);
    for (int r = 0; r < (reps > 0 ? reps : 1); r++) {
        double t0 = kern_now();

        run_parallel(copy_part, jobs, sizeof jobs[0], nt);
        if (kern_now() - t0 < best)
            best = kern_now() - t0;
    }
    free(src), free(dst);
    return 2.0 * (double)bytes / best;
}

/* ---- measured peak ---- */

struct peak_job {
    long iters;
    double flops;
    float sink;
};

#if KC_X86
/* 16 independent FMA chains hide the 4-cycle latency on 2 pipes. */
__attribute__((target("avx512f")))
static void peak_avx512(struct peak_job *j)
{
    __m512 acc[16], m = _mm512_set1_ps(0.999999f), add = _mm512_set1_ps(1e-7f);
    float out[16];

#pragma GCC unroll 16
    for (int i = 0; i < 16; i++)
        acc[i] = _mm512_set1_ps((float)i);
    for (long it = 0; it < j->iters; it++) {
#pragma GCC unroll 16
        for (int i = 0; i < 16; i++)
            acc[i] = _mm512_fmadd_ps(acc[i], m, add);
    }
    for (int i = 1; i < 16; i++)
        acc[0] = _mm512_add_ps(acc[0], acc[i]);
    _mm512_storeu_ps(out, acc[0]);
    j->sink = out[0];
    j->flops = (double)j->iters * 16.0 * 16.0 * 2.0;
}

__attribute__((target("avx2,fma")))
static void peak_avx2(struct peak_job *j)
{
    __m256 acc[12], m = _mm256_set1_ps(0.999999f), add = _mm256_set1_ps(1e-7f);
    float out[8];

#pragma GCC unroll 12
    for (int i = 0; i < 12; i++)
        acc[i] = _mm256_set1_ps((float)i);
    for (long it = 0; it < j->iters; it++) {
#pragma GCC unroll 12
        for (int i = 0; i < 12; i++)
            acc[i] = _mm256_fmadd_ps(acc[i], m, add);
    }
    for (int i = 1; i < 12; i++)
        acc[0] = _mm256_add_ps(acc[0], acc[i]);
    _mm256_storeu_ps(out, acc[0]);
    j->sink = out[0];
    j->flops = (double)j->iters * 12.0 * 8.0 * 2.0;
}
#endif

static void *peak_part(void *arg)
{
    struct peak_job *j = arg;

#if KC_X86
    if (__builtin_cpu_supports("avx512f") && getenv("GM_NO_AVX512") == NULL) {
        peak_avx512(j);
        return NULL;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        peak_avx2(j);
        return NULL;
    }
#endif
    {
        float acc[8] = { 0 };

        for (long it = 0; it < j->iters; it++)
            for (int i = 0; i < 8; i++)
                acc[i] = acc[i] * 0.999999f + 1e-7f;
        j->sink = acc[0] + acc[7];
        j->flops = (double)j->iters * 16.0;
    }
    return NULL;
}

double kern_cpu_peak_flops(int threads)
{
    struct peak_job jobs[MAX_THREADS];
    int nt = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
    double best = 0.0;

    __builtin_cpu_init();
    /* Five runs of ~0.1 s: clocks ramp up and neighbours come and go in a
     * shared VM, and the peak is the best the silicon showed. */
    for (int r = 0; r < 5; r++) {
        double t0, dt, flops = 0.0;

        for (int t = 0; t < nt; t++)
            jobs[t] = (struct peak_job){ 40L * 1000 * 1000, 0.0, 0.0f };
        t0 = kern_now();
        run_parallel(peak_part, jobs, sizeof jobs[0], nt);
        dt = kern_now() - t0;
        for (int t = 0; t < nt; t++)
            flops += jobs[t].flops;
        if (flops / dt > best)
            best = flops / dt;
    }
    return best;
}
