/* models/checkpoint.h -- checkpoint intervals and the accounting of work.
 *
 * A job computes in segments of 'tau' work followed by a checkpoint write
 * of 'delta' (wall time, no progress). A failure loses everything since the
 * last *completed* checkpoint, so the loss is at most tau (a checkpoint
 * being written when the failure hits is not complete). After a failure
 * the job pays 'restart' before computing again.
 *
 * Intervals: none (tau = infinity), fixed, Young (1974) sqrt(2 delta M),
 * Daly (2006) higher-order estimate. Daly's expected wall time T_w(tau) is
 * exact for exponential failures under this segment model (REPRODUCTIONS.md
 * T3), which is what `gpumarket reproduce` checks.
 *
 * Units: every duration here is a double in one unit of the caller's
 * choosing (hours in the market, minutes in T3); the formulas are
 * unit-free. Pure functions, no state, no I/O.
 */
#ifndef MODELS_CHECKPOINT_H
#define MODELS_CHECKPOINT_H

#include <stdbool.h>

enum ckpt_policy { CKPT_NONE, CKPT_FIXED, CKPT_YOUNG, CKPT_DALY };

/* "none" | "fixed" | "young" | "daly"; false if the name is unknown. */
bool ckpt_policy_parse(const char *name, enum ckpt_policy *out);
const char *ckpt_policy_name(enum ckpt_policy p);

/* tau* = sqrt(2 delta M). */
double ckpt_young(double delta, double mtbf);
/* tau* = sqrt(2 delta M) [1 + sqrt(delta/2M)/3 + (delta/2M)/9] - delta for
 * delta < 2M, else M. */
double ckpt_daly(double delta, double mtbf);
/* The interval a policy picks: INFINITY for CKPT_NONE, 'fixed' for
 * CKPT_FIXED, else Young or Daly from 'mtbf' (the host's expected MTBF). */
double ckpt_interval(enum ckpt_policy p, double fixed, double delta,
                     double mtbf);

/* Daly's expected wall time to finish 'solve' units of work:
 * T_w = M e^{R/M} (e^{(tau+delta)/M} - 1) solve / tau. */
double ckpt_daly_wall(double tau, double delta, double restart, double mtbf,
                      double solve);
/* The exact expected wall time of Daly's model run as whole segments:
 * floor(solve / tau) segments of tau and a last one of the rest, each
 * followed by its checkpoint write. ckpt_daly_wall() charges solve / tau
 * segments, exact only when tau divides solve. */
double ckpt_segments_wall(double tau, double delta, double restart, double mtbf,
                          double solve);
/* First-order waste fraction delta/tau + tau/(2M). */
double ckpt_waste_first_order(double tau, double delta, double mtbf);

/* Where a segment stands 'elapsed' wall time after it (re)started
 * computing (restart cost already paid). */
struct ckpt_state {
    double saved;       /* work protected by completed checkpoints */
    double unsaved;     /* work done since then: lost on a failure, <= tau */
    double overhead;    /* wall time spent writing checkpoints (incl. one
                           in progress) */
    unsigned long checkpoints;  /* completed checkpoints */
};
void ckpt_at_wall(double tau, double delta, double elapsed,
                  struct ckpt_state *out);

/* Wall time to finish 'work' from a fresh segment with no failure: work
 * plus one checkpoint after every full tau except a final one that would
 * coincide with completion (the result needs no checkpoint). */
double ckpt_wall_for_work(double tau, double delta, double work);

#endif
