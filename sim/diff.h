/* sim/diff.h -- `gpumarket diff`: the economics regression test.
 *
 * Compares two result directories sweep point by sweep point and metric
 * by metric (metric, entity_kind, entity), using the replications of each:
 * Welch's t-test of mean(B) - mean(A). A change is flagged when it is
 * significant (p < alpha) AND its relative size |B - A| / |A| exceeds
 * rtol. With fewer than two replications on a side there is no variance,
 * and any difference beyond rtol is flagged. A point or metric present in
 * only one directory is flagged too, and so is a mean that is infinite on
 * one side only (or a different infinity on each).
 */
#ifndef SIM_DIFF_H
#define SIM_DIFF_H

#include <stdbool.h>
#include <stddef.h>

struct stats_welch;

/* The decision for one metric (unit-tested). */
bool diff_flagged(const struct stats_welch *w, size_t na, size_t nb,
                  double rtol, double alpha);

/* `gpumarket diff DIR_A DIR_B`: 0 nothing moved, 1 a change, 2 trouble. */
int diff_main(int argc, char **argv);

#endif
