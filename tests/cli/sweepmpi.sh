#!/bin/sh
# tests/cli/sweepmpi.sh -- the sweep's waits for its children, under MPI
# and on signals; interrupted and resumed studies; merges of parts. Run by
# 'make test' with GM_BIN pointing at the binary; prints "N passed,
# M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

cat >"$T/p.ini" <<'INI'
[General]
sim.model = phold
sim.horizon = 200s
sim.sample-interval = 50s
phold.lps = 64
phold.events-per-lp = 4
seed = 9

[Config Rep]
repeat = 4

# runs of many seconds: a sweep interrupted must not wait for them
[Config Longer]
sim.horizon = 1000000s
sim.sample-interval = 200000s
repeat = 2
INI

now() { date +%s.%N; }
# wait_for GLOB: until a path matching GLOB exists (up to 20 s)
wait_for() {
    i=0
    while [ $i -lt 400 ]; do
        for f in $1; do [ -e "$f" ] && return 0; done
        sleep 0.05; i=$((i + 1))
    done
    return 1
}
mpi() {
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
        ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0 "$@"
}

# -- MPI: a rank's wait for its child does not lose the child's exit --------
# A rank has Open MPI's threads besides its own, and they block no signal:
# a SIGCHLD sent while the waiting thread blocked it (between its
# waitpid(WNOHANG) and its sleep) went to one of them, and the sleep, until
# the next signal, never ended. On a loaded machine that gap is a
# preemption; this shim makes it 300 ms on every wait, so the exit comes in
# it each time. (The MPI SIGTERM test of sweep.sh once timed out so.)
if command -v mpirun >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1 &&
   command -v pgrep >/dev/null 2>&1 &&
   ! "$GM" sweep "$T/p.ini" --mpi -o "$T/nompi" -q 2>&1 | grep -q 'no Open MPI' &&
   cat >"$T/late.c" <<'C' && ${CC:-cc} -shared -fPIC -o "$T/late.so" "$T/late.c" -ldl 2>"$T/err"
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <sys/select.h>
#include <time.h>
/* the sleeps that unblock signals start 300 ms late */
static void late(void)
{
    struct timespec ts = { 0, 300000000 };

    nanosleep(&ts, NULL);
}
int sigsuspend(const sigset_t *mask)
{
    int (*real)(const sigset_t *) = (int (*)(const sigset_t *))dlsym(RTLD_NEXT, "sigsuspend");

    late();
    return real(mask);
}
int pselect(int n, fd_set *r, fd_set *w, fd_set *e, const struct timespec *t,
            const sigset_t *mask)
{
    int (*real)(int, fd_set *, fd_set *, fd_set *, const struct timespec *,
                const sigset_t *) =
        (int (*)(int, fd_set *, fd_set *, fd_set *, const struct timespec *,
                 const sigset_t *))dlsym(RTLD_NEXT, "pselect");

    late();
    return real(n, r, w, e, t, mask);
}
C
then
    # mpirun -np 1 --mpi: the local pool in a threaded process; four short
    # runs, two at a time, every exit in the gap (it hung at the first)
    t0=$(now)
    mpi timeout 30 mpirun --oversubscribe -np 1 -x LD_PRELOAD="$T/late.so" "$GM" sweep \
        "$T/p.ini" -c Rep --mpi -j 2 -o "$T/np1" -q --no-plots >"$T/mpi.log" 2>&1
    rc=$?
    t1=$(now)
    if [ $rc = 0 ]; then ok; else bad "mpirun -np 1 sweep -j 2, late sleeps: exit $rc, want 0 (124: hung)"; fi
    v=$(awk -F, 'NR>1{n++}END{print n+0}' "$T/np1/runs.csv" 2>/dev/null)
    if [ "$v" = 4 ]; then ok; else bad "mpirun -np 1 sweep -c Rep recorded $v runs, want 4"; fi
    if awk -v a="$t0" -v b="$t1" 'BEGIN{exit !(b - a < 30)}'; then ok; else
        bad "mpirun -np 1 sweep of four short runs took $(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}') s"; fi

    # SIGTERM to every rank: each stops its child and waits for its exit
    # (not through mpi(): a function run in the background is a subshell)
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
        ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0 \
        timeout 30 mpirun --oversubscribe -np 3 -x LD_PRELOAD="$T/late.so" "$GM" sweep \
        "$T/p.ini" -c Longer --mpi -o "$T/mterm" -q --no-plots >"$T/mpi.log" 2>&1 &
    pid=$!
    wait_for "$T/mterm.tmp-*/runs/*.tmp-*" || bad "mpirun sweep -c Longer never started a run"
    t0=$(now)
    for m in $(pgrep -P $pid); do           # timeout -> mpirun -> the ranks
        for r in $(pgrep -P "$m"); do kill -TERM "$r"; done
    done
    wait $pid; rc=$?
    t1=$(now)
    if [ $rc = 130 ]; then ok; else bad "mpirun sweep, late sleeps, SIGTERM to the ranks: exit $rc, want 130 (124: hung)"; fi
    if awk -v a="$t0" -v b="$t1" 'BEGIN{exit !(b - a < 20)}'; then ok; else
        bad "mpirun sweep took $(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}') s to stop after SIGTERM"; fi
    left=$(cd "$T" && ls -d mterm mterm.tmp-* 2>/dev/null)
    if [ -z "$left" ]; then ok; else bad "interrupted mpirun sweep left $left"; fi
else
    echo "skip mpirun waits (no Open MPI in this build, no mpirun or no C compiler)"
fi

# -- MPI: a SIGTERM to one rank alone stops the study at once ---------------
# The study ends with 130 and no result either way; it did so only after
# the runs on the other ranks had gone on whole: rank 0 looked at its flag
# only when a result came, and a worker's interrupted run did not stop
# the others (here about 30 s of runs each time, more on a loaded machine).
if command -v mpirun >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1 &&
   command -v pgrep >/dev/null 2>&1 &&
   ! "$GM" sweep "$T/p.ini" --mpi -o "$T/nompi" -q 2>&1 | grep -q 'no Open MPI'; then
    for who in manager worker; do
        OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ASAN_OPTIONS=detect_leaks=0 \
            timeout 60 mpirun --oversubscribe -np 3 "$GM" sweep "$T/p.ini" -c Longer --mpi \
            -o "$T/one-$who" -q --no-plots >"$T/mpi.log" 2>&1 &
        pid=$!
        i=0     # until both workers have a run going
        while [ $i -lt 400 ] && [ "$(ls -d "$T/one-$who".tmp-*/runs/*.tmp-* 2>/dev/null | wc -l)" -lt 2 ]; do
            sleep 0.05; i=$((i + 1))
        done
        m= w=   # rank 0 forks no run; a worker has its run's child
        for r in $(pgrep -P "$(pgrep -P $pid)"); do
            if pgrep -P "$r" >/dev/null; then w=$r; else m=$r; fi
        done
        if [ $who = manager ]; then v=$m; else v=$w; fi
        t0=$(now)
        if [ -n "$v" ]; then kill -TERM "$v"; else bad "no $who rank found"; fi
        wait $pid; rc=$?
        t1=$(now)
        if [ $rc = 130 ]; then ok; else bad "mpirun sweep, SIGTERM to the $who rank alone: exit $rc, want 130"; fi
        if awk -v a="$t0" -v b="$t1" 'BEGIN{exit !(b - a < 15)}'; then ok; else
            bad "mpirun sweep took $(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}') s to stop after a SIGTERM to the $who rank"; fi
        left=$(cd "$T" && ls -d one-$who one-$who.tmp-* 2>/dev/null)
        if [ -z "$left" ]; then ok; else bad "mpirun sweep, SIGTERM to the $who rank, left $left"; fi
    done
else
    echo "skip mpirun one-rank signals (no Open MPI in this build or no mpirun)"
fi

cli_done
