/* sim/runner.h -- run resolved runs into a result directory.
 *
 * The one place a run is executed: `gpumarket run` calls it for a list of
 * runs into one directory, and `gpumarket sweep` calls it in a forked child
 * for one run into DIR/runs/<config>-<N>/. A run is a pure function of
 * (scenario, config, overrides, run number), so where it executes never
 * changes what it writes.
 *
 * Functions return process exit statuses (RUNNER_EXIT_*), because their
 * callers are commands: 0 ok, 1 an invariant failed, 2 trouble, 130
 * interrupted.
 */
#ifndef SIM_RUNNER_H
#define SIM_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

enum {
    RUNNER_EXIT_OK = 0,
    RUNNER_EXIT_CHECK = 1,
    RUNNER_EXIT_TROUBLE = 2,
    RUNNER_EXIT_INTERRUPTED = 130
};

struct diag;
struct res_dir;
struct stats_opts;
struct scn;
struct scn_run;
struct scn_study;

struct runner_opts {
    bool progress;                      /* redraw a progress line on stderr */
    bool quiet;                         /* no "run N: ok, ..." line */
    volatile sig_atomic_t *interrupted; /* borrowed; NULL = not interruptible */
    size_t index, total;                /* position in the batch, for progress */
    /* runner_run_dir(): write summary.csv and contrasts.csv (sim/stats.h)
     * with these options before the commit; borrowed. NULL = no statistics:
     * sweep's per-run parts, which merge_dir() combines and then computes
     * the statistics of the whole study once. */
    const struct stats_opts *stats;
    /* warn about the analyst's keys the first run (index 0) never read:
     * they have no effect (scn_reads_each_unread); run sets it, and sweep
     * for the part that runs run 0 (once a study, not once a run) */
    bool warn_unread;
};

/* Runs one resolved run and appends it to 'rd' (may be NULL) unless it was
 * interrupted. Returns an exit status. */
int runner_run(const struct scn_run *run, struct res_dir *rd,
               const struct runner_opts *o);

/* Runs runs[0..n-1] of 'st' (in that order, which must be ascending) into
 * the result directory 'out', committed atomically, with the statistics of
 * o->stats computed from its files first (by stats_write_all(), the code
 * merge uses, so the same runs give the same bytes). 'argc/argv' go into
 * the manifest. Returns the worst exit status; on 2 or 130 no directory is
 * left behind (statistics that cannot be written are trouble too, and a
 * run that cannot be set up stops the rest: runner_check_runs() first). */
int runner_run_dir(const struct scn *s, const struct scn_study *st,
                   const size_t *runs, size_t n, const char *out, int argc,
                   char **argv, const struct runner_opts *o);

/* Resolves runs[0..n-1] of 'st' (runs NULL: 0..n-1) and checks what can be
 * checked of each before anything runs: its model exists, its engine
 * settings hold (sim.warmup before sim.horizon). Reports the first that
 * fails to 'd' and returns its error: bad input, exit 2 with no result,
 * for run and sweep alike. runner_run_dir() calls it first. */
int runner_check_runs(const struct scn_study *st, const size_t *runs, size_t n,
                      struct diag *d);

/* Seconds on a monotonic clock. */
double runner_wall(void);

#endif
