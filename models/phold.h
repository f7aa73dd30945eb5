/* models/phold.h -- PHOLD, the standard engine benchmark (../shared/bench/PHOLD.md),
 * as a scenario model ("sim.model = phold") and as `gpumarket bench phold`.
 *
 * N logical processes; each starts with E events to itself at Exp(mean) +
 * lookahead; handling an event at LP i draws u ~ U[0,1) from LP i's own
 * stream and sends exactly one event, to a uniform LP when u < remote and
 * to i otherwise, at t + Exp(mean) + lookahead. The committed count depends
 * only on the random streams, so any correct queue gives the same count.
 */
#ifndef MODELS_PHOLD_H
#define MODELS_PHOLD_H

#include <stdint.h>
#include "sim/model.h"
#include "sim/time.h"

struct phold_config {
    uint32_t lps;           /* N */
    uint32_t events_per_lp; /* E */
    sim_time end;           /* events at t >= end are not processed */
    double remote;          /* probability of a remote destination */
    sim_time mean;          /* mean of the exponential increment */
    sim_time lookahead;     /* added to every increment */
    uint64_t seed;
};

struct phold_result {
    uint64_t committed;
    double loop_s;
    double process_s;       /* set up + loop + tear down */
    long peak_rss_kb;
    double bytes_per_pending;
};

/* Runs PHOLD on the gpumarket engine. */
int phold_run_engine(const struct phold_config *c, struct phold_result *r);
/* The same on a minimal hand-written binary-heap engine, for side-by-side
 * comparison; it must commit exactly the same number of events. */
int phold_run_reference(const struct phold_config *c, struct phold_result *r);

extern const struct sim_model phold_model;
int phold_bench_main(int argc, char **argv);

#endif
