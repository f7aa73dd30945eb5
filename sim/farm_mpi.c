/* sim/farm_mpi.c -- manager/worker task farm on Open MPI. */
#include "sim/farm_mpi.h"

#ifdef GM_HAVE_MPI
#include <mpi.h>
#include <stdint.h>

/* Message tags: a worker sends TAG_RESULT {run, status} (run -1 on its
 * first request); the manager answers TAG_WORK {run} or {-1} to stop. */
enum { TAG_RESULT = 1, TAG_WORK = 2 };

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

void farm_manage(const size_t *runs, size_t n,
                 void (*done)(void *ctx, size_t run, int status),
                 int (*stop)(void *ctx), void *ctx)
{
    int size, active;
    size_t next = 0;

    MPI_Comm_size(MPI_COMM_WORLD, &size);
    active = size - 1;
    while (active > 0) {
        int64_t msg[2], work;
        MPI_Status st;

        MPI_Recv(msg, 2, MPI_INT64_T, MPI_ANY_SOURCE, TAG_RESULT,
                 MPI_COMM_WORLD, &st);
        if (msg[0] >= 0)
            done(ctx, (size_t)msg[0], (int)msg[1]);
        if (next < n && !stop(ctx)) {
            work = (int64_t)runs[next++];
        } else {
            work = -1;
            active--;
        }
        MPI_Send(&work, 1, MPI_INT64_T, st.MPI_SOURCE, TAG_WORK, MPI_COMM_WORLD);
    }
}

void farm_work(int (*exec)(void *ctx, size_t run), void *ctx)
{
    int64_t msg[2] = { -1, 0 }, work;

    for (;;) {
        MPI_Send(msg, 2, MPI_INT64_T, 0, TAG_RESULT, MPI_COMM_WORLD);
        MPI_Recv(&work, 1, MPI_INT64_T, 0, TAG_WORK, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
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
