/* models/reproduce.h -- validation targets: the `reproduce` command and the
 * small models behind it (REPRODUCTIONS.md T1-T7, T9, availability).
 *
 * Each target is an ordinary model (sim.model = mmc | ckptjob | llama |
 * bathtub | availability | seedtables | spot | spotckpt) run from a scenario in scenarios/reproduce/. Its
 * finish() computes the expected value from the closed form with the
 * scenario's own parameters and records one row per check with
 * repro_target(); `gpumarket reproduce` runs every run of each scenario
 * and prints the rows as a pass/fail table. Rows live in the run's
 * results as scalars "repro.*" (entity kind "target", entity = row name),
 * so `gpumarket run scenarios/reproduce/mmc.ini` writes them to CSV too.
 */
#ifndef MODELS_REPRODUCE_H
#define MODELS_REPRODUCE_H

#include <stdbool.h>
#include <stddef.h>
#include "sim/model.h"
#include "sim/time.h"

struct engine;

enum repro_tol {
    REPRO_ABS,      /* |sim - expected| <= tol */
    REPRO_REL,      /* |sim - expected| <= tol |expected| */
    REPRO_MIN,      /* sim >= tol (a published lower bound) */
    REPRO_RANGE     /* tol <= sim <= tol2 */
};

/* Records a check row. 'ci95' is the half-width of the simulated value's
 * 95% confidence interval (NAN if none). ABS and REL rows pass only
 * within the tolerance: a CI covering the expected value (REPRODUCTIONS.md
 * T1's batch-means criterion) is accepted only when the CI is no wider
 * than the tolerance, which the tolerance test already implies; a row that
 * misses the tolerance while a wider CI covers the expected value fails as
 * imprecise. Returns whether it passed. */
bool repro_target(struct engine *e, const char *name, double expected,
                  double simulated, double ci95, enum repro_tol kind,
                  double tol, double tol2);

/* Erlang B by the stable recursion B(0)=1, B(k)=aB(k-1)/(k+aB(k-1)). */
double repro_erlang_b(unsigned c, double a);
/* Erlang C from B: C = cB / (c - a(1 - B)); requires a < c. */
double repro_erlang_c(unsigned c, double a);

/* Two-sided 95% Student t quantile for 'df' degrees of freedom. */
double repro_t95(unsigned df);
/* The half-width of the 95% CI of the mean of n values (batch means,
 * replications) whose sum is s and sum of squares ss: Student t on n - 1
 * degrees of freedom. NAN when n < 2 (no spread to measure). */
double repro_ci95(double n, double s, double ss);

struct scn_run;
struct diag;

/* Splits list key 'key' (comma-separated decimals) into v: at most 'max'
 * values ("at most MAX WHAT" beyond), each > 0 when 'positive', else
 * >= 0. Errors at the key; returns how many, 0 after an error (an empty
 * list is one). */
size_t repro_list(const struct scn_run *run, const char *key, bool positive, double *v,
                  size_t max, const char *what, struct diag *d);

/* T5's instance types from the spot.* keys (at most SPOT_MAX_TYPES), each checked
 * for a run of 'horizon' (errors at their key in d); the number of types,
 * 0 after an error. T6 runs on the first. */
#define SPOT_MAX_TYPES 8
struct spot_params;
size_t spot_read_types(const struct scn_run *run, sim_time horizon, struct spot_params *types,
                       struct diag *d);

/* The command: gpumarket reproduce [--fast] [-d DIR] [NAME...] */
int reproduce_main(int argc, char **argv);

extern const struct sim_model repro_mmc_model;
extern const struct sim_model repro_ckptjob_model;
extern const struct sim_model repro_llama_model;
extern const struct sim_model repro_bathtub_model;
extern const struct sim_model repro_availability_model;
extern const struct sim_model repro_seed_model;
extern const struct sim_model repro_spot_model;
extern const struct sim_model repro_spotckpt_model;

#endif
