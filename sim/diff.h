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

/* The decision for one metric (unit-tested), and why. */
enum diff_verdict {
    DIFF_OK,                    /* not moved */
    DIFF_WITHIN_RTOL,           /* significant, but within rtol: not moved */
    DIFF_MOVED,                 /* significant and beyond rtol */
    DIFF_FEW_RUNS,              /* beyond rtol with n < 2 on a side (no test) */
    DIFF_NOT_FINITE,            /* the mean is infinite on one side only */
    DIFF_ONE_SIDE,              /* present on one side only */
    DIFF_NVERDICTS
};
enum diff_verdict diff_judge(const struct stats_welch *w, size_t na, size_t nb,
                             double rtol, double alpha);
/* diff_judge says moved: neither DIFF_OK nor DIFF_WITHIN_RTOL. */
bool diff_flagged(const struct stats_welch *w, size_t na, size_t nb,
                  double rtol, double alpha);

/* `gpumarket diff DIR_A DIR_B`: 0 nothing moved, 1 a change or a failed
 * run on either side (then nothing is compared), 2 trouble. */
int diff_main(int argc, char **argv);

#endif
