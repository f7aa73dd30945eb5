/* models/bench/kern.h -- the DLPerf benchmark kernels behind one interface.
 *
 * Four kernels, each run by three back-ends:
 *   sgemm  C = A B, FP32, n x n row-major;
 *   hgemm  C = A B with A and B in IEEE half (bit patterns in uint16_t),
 *          products accumulated in FP32 (what mixed-precision training and
 *          the catalogue's fp16_tensor_tflops column measure);
 *   triad  a[i] = b[i] + s c[i], the STREAM memory-bandwidth kernel;
 *   h2d    host-to-device copy of 'bytes' (for the CPU: memcpy).
 * Back-ends: KERN_CPU (plain C, blocked and threaded), KERN_OPENCL (any
 * OpenCL 1.2 device; on the CPU through PoCL in CI), KERN_CUDA (built only
 * when nvcc is present, GM_HAVE_CUDA; WMMA tensor cores for hgemm).
 *
 * Every kernel leaves its result in host memory so the caller can verify it
 * with kern_verify_*(): a benchmark whose answer is wrong measures nothing.
 * Times are the best of 'reps' runs of the kernel alone (inputs already on
 * the device), in seconds.
 *
 * Ownership: a struct kern is owned by whoever kern_open()ed it; inputs are
 * borrowed for the call, outputs are caller-allocated. No state is global.
 * The header is also read by nvcc (C++), hence the extern "C" block.
 */
#ifndef MODELS_BENCH_KERN_H
#define MODELS_BENCH_KERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum kern_kind { KERN_CPU, KERN_OPENCL, KERN_CUDA };

struct kern;                        /* opaque: one open back-end and device */

/* "cpu", "opencl" or "cuda" to a kind; -1 when unknown. */
int kern_kind_parse(const char *s);
const char *kern_kind_name(enum kern_kind k);

/* Opens a back-end on its first device. Returns 0, or a negative SIM_E*
 * code with a reason in 'why' ("not built", "no OpenCL platform"...). */
int kern_open(enum kern_kind kind, struct kern **out, char *why, size_t whylen);
void kern_close(struct kern *k);                   /* NULL is a no-op */
const char *kern_device_name(const struct kern *k);
/* True when the device is the host CPU (PoCL, or KERN_CPU), so its peak is
 * the measured CPU peak rather than a catalogue row. */
bool kern_device_is_cpu(const struct kern *k);
int kern_threads(const struct kern *k);            /* CPU back-end threads */

int kern_sgemm(struct kern *k, int n, const float *a, const float *b,
               float *c, int reps, double *best_s);
int kern_hgemm(struct kern *k, int n, const uint16_t *a, const uint16_t *b,
               float *c, int reps, double *best_s);
int kern_triad(struct kern *k, size_t n, const float *b, const float *c,
               float s, float *a, int reps, double *best_s);
/* Copies 'src' to the device and back into 'dst' once (for verification)
 * and times the host-to-device direction only. */
int kern_h2d(struct kern *k, size_t bytes, const void *src, void *dst,
             int reps, double *best_s);

/* ---- verification and helpers (models/bench/kern.c) ---- */

/* Checks C = A B by Freivalds' method: compares C x with A (B x) for two
 * random vectors x in double, O(n^2), so even n = 4096 checks in well
 * under a second. The tolerance is 64 times the expected FP32 rounding
 * of the k-term dot products (correct kernels score ~0.03 here); an entry
 * off by more than ~1e-3 of its magnitude fails. 'seed' picks x. Returns
 * the worst ratio |error| / tolerance (> 1 is a failure; NaN gives inf). */
double kern_verify_gemm(int n, const float *a, const float *b, const float *c,
                        uint64_t seed);
/* Same for hgemm, with A and B given as halves. */
double kern_verify_hgemm(int n, const uint16_t *a, const uint16_t *b,
                         const float *c, uint64_t seed);
/* Recomputes every element in double; allows 4 ulp of |b| + |s c|, which
 * covers both the fused and the unfused rounding. Same return. */
double kern_verify_triad(size_t n, const float *b, const float *c, float s,
                         const float *a);

/* Naive triple loop in double, the reference for small tests. */
void kern_ref_gemm(int n, const float *a, const float *b, double *c);

uint16_t kern_half_from_float(float f);            /* round to nearest even */
float kern_half_to_float(uint16_t h);

/* Fills with uniform values in [-1, 1) from a small deterministic
 * generator (no global RNG state). */
void kern_fill(float *x, size_t n, uint64_t seed);

double kern_now(void);                             /* monotonic seconds */

/* The work one run does, which turns a best time into a rate. A GEMM of
 * edge n (sgemm or hgemm) is n^2 dot products of n multiply-adds: 2 n^3
 * FLOPs. The triad over n elements reads b and c and writes a: 3 n floats
 * (the CPU's non-temporal stores keep out the write-allocate read that
 * STREAM does not count either). h2d moves its 'bytes' once. */
double kern_gemm_flops(int n);
double kern_triad_bytes(size_t n);

/* ---- the CPU back-end's extras (models/bench/kern_c.c) ---- */

/* Measured peak FP32 FLOP/s of this CPU: independent FMA chains in
 * registers on every thread, best of a few runs. */
double kern_cpu_peak_flops(int threads);
/* Bandwidth in bytes/s (read + write) of memcpy over 'bytes' on one
 * thread and split over 'threads' threads; best of 'reps'. */
double kern_cpu_memcpy_bw(size_t bytes, int threads, int reps);
int kern_cpu_count(void);

/* ---- back-end entry points, used by kern.c's dispatch only ---- */

struct kern_cpu;
struct kern_ocl;
struct kern_cuda;

int kern_cpu_open(struct kern_cpu **out, char *why, size_t whylen);
void kern_cpu_close(struct kern_cpu *k);
const char *kern_cpu_device(const struct kern_cpu *k);
int kern_cpu_threads(const struct kern_cpu *k);
int kern_cpu_sgemm(struct kern_cpu *k, int n, const float *a, const float *b,
                   float *c, int reps, double *best_s);
int kern_cpu_hgemm(struct kern_cpu *k, int n, const uint16_t *a,
                   const uint16_t *b, float *c, int reps, double *best_s);
int kern_cpu_triad(struct kern_cpu *k, size_t n, const float *b,
                   const float *c, float s, float *a, int reps, double *best_s);
int kern_cpu_h2d(struct kern_cpu *k, size_t bytes, const void *src, void *dst,
                 int reps, double *best_s);

int kern_ocl_open(struct kern_ocl **out, char *why, size_t whylen);
void kern_ocl_close(struct kern_ocl *k);
const char *kern_ocl_device(const struct kern_ocl *k);
bool kern_ocl_is_cpu(const struct kern_ocl *k);
int kern_ocl_sgemm(struct kern_ocl *k, int n, const float *a, const float *b,
                   float *c, int reps, double *best_s);
int kern_ocl_hgemm(struct kern_ocl *k, int n, const uint16_t *a,
                   const uint16_t *b, float *c, int reps, double *best_s);
int kern_ocl_triad(struct kern_ocl *k, size_t n, const float *b,
                   const float *c, float s, float *a, int reps, double *best_s);
int kern_ocl_h2d(struct kern_ocl *k, size_t bytes, const void *src, void *dst,
                 int reps, double *best_s);

int kern_cuda_open(struct kern_cuda **out, char *why, size_t whylen);
void kern_cuda_close(struct kern_cuda *k);
const char *kern_cuda_device(const struct kern_cuda *k);
int kern_cuda_sgemm(struct kern_cuda *k, int n, const float *a, const float *b,
                    float *c, int reps, double *best_s);
int kern_cuda_hgemm(struct kern_cuda *k, int n, const uint16_t *a,
                    const uint16_t *b, float *c, int reps, double *best_s);
int kern_cuda_triad(struct kern_cuda *k, size_t n, const float *b,
                    const float *c, float s, float *a, int reps, double *best_s);
int kern_cuda_h2d(struct kern_cuda *k, size_t bytes, const void *src, void *dst,
                  int reps, double *best_s);

#ifdef __cplusplus
}
#endif

#endif
