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

# -- merge: a merge stopped midway leaves no mix of two merges ---------------
# merge rewrote DIR's files one by one: a merge after more parts came in,
# stopped between two of them, left runs.csv listing every run beside the
# earlier merge's scalars.csv, summary.csv and manifest.ini, a directory
# that looked whole (plot and diff read it); one that failed at the
# statistics (a --contrast baseline the study lacks) left the same mix.
cat >"$T/m.ini" <<'INI'
[General]
sim.model = phold
sim.horizon = 200s
sim.sample-interval = 50s
phold.lps = 64
phold.events-per-lp = 4
seed = 9
phold.remote = ${r=0.1,0.5}
repeat = 2
INI
for n in 0 1 2 3; do
    "$GM" run "$T/m.ini" -r $n -o "$T/all/runs/General-$n" -q --no-plots || bad "part $n"
done
expect_status "merge of the four parts" 0 "$GM" merge "$T/all"
mkdir -p "$T/half/runs" && cp -R "$T/all/runs/General-0" "$T/all/runs/General-1" "$T/half/runs/"
expect_status "merge of two parts of four" 1 "$GM" merge "$T/half"
files="runs.csv scalars.csv timeseries.csv summary.csv contrasts.csv"
# same_as DIR REF: DIR's merged files are REF's (manifest.ini: but wall_s)
same_as() {
    for f in $files; do cmp -s "$1/$f" "$2/$f" || return 1; done
    grep -v '^wall_s' "$1/manifest.ini" >"$T/m1" && grep -v '^wall_s' "$2/manifest.ini" >"$T/m2" &&
        cmp -s "$T/m1" "$T/m2"
}
# whole_or_not DIR WHAT: DIR is the earlier merge or the new one, whole, or
# has neither runs.csv nor manifest.ini
whole_or_not() {
    if [ ! -e "$1/runs.csv" ] && [ ! -e "$1/manifest.ini" ]; then ok
    elif [ -e "$1/runs.csv" ] && [ -e "$1/manifest.ini" ] && { same_as "$1" "$T/half" || same_as "$1" "$T/all"; }; then ok
    else bad "$2: $1 holds files of two merges: $(wc -l "$1/runs.csv" "$1/scalars.csv" 2>&1 | tr -s ' \n' ' ')"; fi
}
rm -rf "$T/more" && cp -R "$T/half" "$T/more" && cp -R "$T/all/runs/General-2" "$T/all/runs/General-3" "$T/more/runs/"
expect_status "merge with a contrast baseline the study lacks" 2 "$GM" merge --contrast r=0.7 "$T/more"
whole_or_not "$T/more" "merge that failed at its statistics"
if same_as "$T/more" "$T/half"; then ok; else bad "a failed merge changed the earlier merge's files"; fi
# stopped at one moment or another: every rename takes 0.3 s more
if command -v strace >/dev/null 2>&1 &&
   strace -o /dev/null -e trace=rename -e inject=rename:delay_exit=1 true 2>/dev/null; then
    for at in 0.45 1.05 2.85 3.45; do
        rm -rf "$T/more" && cp -R "$T/half" "$T/more" &&
            cp -R "$T/all/runs/General-2" "$T/all/runs/General-3" "$T/more/runs/"
        strace -o /dev/null -e trace=rename -e inject=rename:delay_exit=300000 \
            "$GM" merge "$T/more" 2>"$T/err" &
        sp=$!
        sleep $at
        c=$(pgrep -P $sp) && kill -TERM "$c"
        wait $sp 2>/dev/null
        whole_or_not "$T/more" "merge stopped after $at s"
        expect_status "merge again after a merge stopped after $at s" 0 "$GM" merge "$T/more"
        if same_as "$T/more" "$T/all"; then ok; else bad "merge again after $at s: not the whole study's files"; fi
    done
else
    echo "skip merge stopped midway (no strace with syscall delays)"
fi

cli_done
