/* sim/farm_mpi.c -- manager/worker task farm on Open MPI. */
#include "sim/farm_mpi.h"

#ifdef GM_HAVE_MPI
#include <mpi.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include "sim/err.h"

/* Message tags: a worker sends TAG_RESULT {run, status} (run -1 on its
 * first request); the manager answers TAG_WORK {run}, or {-1} to stop, or
 * {-2} to stop when it also sent that worker a TAG_STOP, which the worker
 * then receives (nothing is left unreceived at MPI_Finalize). TAG_STOP
 * goes to every worker with a run going when the manager stops: the
 * worker probes for it while its run goes on, and stops the run. */
enum { TAG_RESULT = 1, TAG_WORK = 2, TAG_STOP = 3 };
enum { WORK_NONE = -1, WORK_NONE_STOP_SENT = -2 };

int farm_init(int *argc, char ***argv, int *rank, int *size)
{
    if (MPI_Init(argc, argv) != MPI_SUCCESS)
        return -1;
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
    return 0;
}

void farm_finalize(void)
{
    MPI_Finalize();
}

void farm_bcast(void *buf, size_t len)
{
    MPI_Bcast(buf, (int)len, MPI_BYTE, 0, MPI_COMM_WORLD);
}

/* Stopping: the runs going on other ranks are stopped too, not waited
 * for whole (the local pool kills its children alike). */
static bool halt(int size, const bool *busy, bool *told)
{
    int64_t stopmsg = 0;

    for (int r = 1; r < size; r++)
        if (busy[r]) {
            MPI_Send(&stopmsg, 1, MPI_INT64_T, r, TAG_STOP, MPI_COMM_WORLD);
            told[r] = true;
        }
    return true;
}

void farm_manage(const size_t *runs, size_t n,
                 void (*start)(void *ctx, size_t run),
                 void (*done)(void *ctx, size_t run, int status),
                 int (*stop)(void *ctx), void *ctx)
{
    int size, active;
    size_t next = 0;
    bool halted = false;
    bool *busy, *told;          /* per rank: a run going; sent TAG_STOP */

    MPI_Comm_size(MPI_COMM_WORLD, &size);
    busy = calloc((size_t)size, sizeof *busy);
    told = calloc((size_t)size, sizeof *told);
    if (!busy || !told)
        SIM_OOM("farm: out of memory");
    active = size - 1;
    while (active > 0) {
        int64_t msg[2], work;
        MPI_Status st;
        int src, flag = 0;

        /* Asked while no result comes too: a SIGTERM to rank 0 alone was
         * noticed only when some run ended (whole runs, for nothing). */
        if (!halted && stop(ctx))
            halted = halt(size, busy, told);
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, &st);
        if (!flag) {
            struct timespec poll = { 0, 10000000 };

            nanosleep(&poll, NULL);
            continue;
        }
        src = st.MPI_SOURCE;
        MPI_Recv(msg, 2, MPI_INT64_T, src, TAG_RESULT, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        busy[src] = false;
        if (msg[0] >= 0)
            done(ctx, (size_t)msg[0], (int)msg[1]);
        if (!halted && stop(ctx))
            halted = halt(size, busy, told);
        if (next < n && !halted) {
            work = (int64_t)runs[next++];
            busy[src] = true;
            start(ctx, (size_t)work);
        } else {
            work = told[src] ? WORK_NONE_STOP_SENT : WORK_NONE;
            active--;
        }
        MPI_Send(&work, 1, MPI_INT64_T, src, TAG_WORK, MPI_COMM_WORLD);
    }
    free(busy);
    free(told);
}

int farm_stopped(void)
{
    int flag = 0;

    /* probed, not received: farm_work receives it at the end */
    MPI_Iprobe(0, TAG_STOP, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
    return flag;
}

void farm_work(int (*exec)(void *ctx, size_t run), void *ctx)
{
    int64_t msg[2] = { -1, 0 }, work;

    for (;;) {
        MPI_Send(msg, 2, MPI_INT64_T, 0, TAG_RESULT, MPI_COMM_WORLD);
        MPI_Recv(&work, 1, MPI_INT64_T, 0, TAG_WORK, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        if (work == WORK_NONE_STOP_SENT) {
            int64_t stopmsg;

            MPI_Recv(&stopmsg, 1, MPI_INT64_T, 0, TAG_STOP, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
        }
        if (work < 0)
            break;
        msg[0] = work;
        msg[1] = exec(ctx, (size_t)work);
    }
}

#else
/* Built without Open MPI: the sweep refuses --mpi before calling these. */
typedef int farm_mpi_unused;
#endif
