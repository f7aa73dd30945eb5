/* sim/farm_mpi.h -- the Open MPI task farm behind `sweep --mpi`.
 *
 * Compiled only with GM_HAVE_MPI (make MPI=1, automatic when mpicc
 * exists). Rank 0 is the manager: it hands out run numbers on demand
 * (MPI_ANY_SOURCE, so uneven runs balance) and is told each run's exit
 * status; ranks 1..K-1 are workers that execute runs (each in a forked
 * child, sim/sweep.h) into the shared result directory. Rank 0 then merges
 * in run-number order, so the output does not depend on K.
 */
#ifndef SIM_FARM_MPI_H
#define SIM_FARM_MPI_H

#include <stddef.h>

/* MPI_Init; returns 0 or -1. */
int farm_init(int *argc, char ***argv, int *rank, int *size);
void farm_finalize(void);
/* Broadcasts rank 0's buffer (len bytes) to every rank. */
void farm_bcast(void *buf, size_t len);
/* Rank 0: hands out runs[0..n-1] to ranks 1..size-1, calling start() for
 * each as it goes out; calls done() for each finished run with its exit
 * status, in completion order. stop() is asked after each result and
 * every 10 ms while none comes: once it is true no more work goes out and the ranks with a run going are
 * told to stop it (farm_stopped); their runs still report to done().
 * Always releases every worker. */
void farm_manage(const size_t *runs, size_t n,
                 void (*start)(void *ctx, size_t run),
                 void (*done)(void *ctx, size_t run, int status),
                 int (*stop)(void *ctx), void *ctx);
/* Ranks > 0: executes runs with exec() until rank 0 says stop. */
void farm_work(int (*exec)(void *ctx, size_t run), void *ctx);
/* Ranks > 0, from within exec(): has rank 0 told this rank to stop the
 * run it has going? Does not wait. */
int farm_stopped(void);

#endif
