/* sim/sweep.h -- run every run of a study in a pool of processes.
 *
 * `gpumarket sweep SCENARIO -c CONFIG [-j N] [--mpi] [-o DIR]` executes
 * each run in its own forked child, which writes DIR/runs/<config>-<N>/
 * through the ordinary result writer (sim/runner.h). A child that crashes
 * loses that run only: the parent records it with status "crashed" and
 * the study goes on. When every run is done the parts are merged in
 * run-number order (sim/merge.h), so the files are byte-identical for any
 * -j or MPI rank count. With --mpi (Open MPI build), rank 0 hands out run
 * numbers on demand and the other ranks execute them (sim/farm_mpi.h).
 */
#ifndef SIM_SWEEP_H
#define SIM_SWEEP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct scn;
struct scn_study;

struct sweep {
    const struct scn *scn;              /* borrowed */
    const struct scn_study *st;         /* borrowed */
    const char *work;                   /* borrowed: the directory holding runs/ */
    int argc;                           /* command line, for the manifests */
    char **argv;                        /* borrowed */
    long crash_run;                     /* testing aid: this run's child kills itself; -1 none */
    volatile sig_atomic_t *interrupted; /* borrowed, may be NULL */
    int (*halted)(void);                /* MPI worker: rank 0 stopped the study; or NULL */
};

/* Progress of a study: one line on stderr, redrawn on a terminal. */
struct sweep_tally {
    size_t total, done, failed, running;
    double started;                     /* runner_wall() at the start */
    bool tty, quiet;
};

/* Forks a child that runs run 'number' into work/runs/<config>-<N>/ and
 * exits with its status. Returns the child's pid, or -1. */
pid_t sweep_spawn(const struct sweep *sw, size_t number);
/* Turns the wait status of child 'pid' into the run's exit status; a
 * crashed, broken or singly interrupted run is written as a part with
 * status "crashed", "error" or "interrupted" (and its partial temporary
 * part removed). 130 only when the whole sweep was interrupted. */
int sweep_reaped(const struct sweep *sw, size_t number, pid_t pid, int wstatus);
/* Spawns and waits for one run (what an MPI worker does); on an interrupt
 * the child is told to stop (SIGTERM) and 130 returned. When sw->halted()
 * turns true meanwhile the child is stopped too, and its run dropped with
 * the study (no part, no placeholder): 130. */
int sweep_exec(const struct sweep *sw, size_t number);

/* Counts one finished run with exit status 'status' and redraws. */
void sweep_tally_done(struct sweep_tally *t, int status);
void sweep_tally_show(const struct sweep_tally *t, bool final);

/* `gpumarket sweep`: returns the exit status. 'interrupted' is main()'s
 * signal flag (SIGINT/SIGTERM handlers already installed). */
int sweep_main(int argc, char **argv, volatile sig_atomic_t *interrupted);

#endif
