#!/bin/sh
# tests/cli/sweep.sh -- sweep, run and merge at their edges: signals, result
# directories made or taken meanwhile, what merge accepts, what manifests
# and runs.csv record. Run by 'make test' with GM_BIN pointing at the
# binary; prints "N passed, M failed" and exits non-zero on any failure.
set -u
GM=${GM_BIN:-build/gpumarket}
T=$(mktemp -d /tmp/gmsweep.XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() {   # check NAME CMD...: the command must succeed
    name=$1; shift
    if "$@" >"$T/out" 2>"$T/err"; then ok; else bad "$name"; cat "$T/err" >&2; fi
}
expect_status() {   # expect_status NAME STATUS CMD...
    name=$1; want=$2; shift 2
    "$@" >"$T/out" 2>"$T/err"; got=$?
    if [ "$got" = "$want" ]; then ok; else bad "$name (exit $got, want $want)"; cat "$T/err" >&2; fi
}
grep_err() {   # grep_err NAME PATTERN: stderr of the last command contains it
    if grep -qF -- "$2" "$T/err"; then ok; else bad "$1: stderr lacks '$2'"; cat "$T/err" >&2; fi
}
# Column of a CSV by header name (fields here hold no commas).
col() { awk -F, -v c="$2" 'NR==1{for(i=1;i<=NF;i++)if($i==c)k=i;next}{gsub(/"/,"");print $k}' "$1"; }

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

# runs of about a second each: long enough to act on while they run
[Config Long]
sim.horizon = 50000s
sim.sample-interval = 10000s
repeat = 3
INI

# wait_for GLOB: until a path matching GLOB exists (up to 20 s)
wait_for() {
    i=0
    while [ $i -lt 400 ]; do
        for f in $1; do [ -e "$f" ] && return 0; done
        sleep 0.05; i=$((i + 1))
    done
    return 1
}

# -- runs.csv: seeds are unsigned 64-bit -------------------------------------
# 2^64-1 was written through int64 as -1, while the manifest said 2^64-1.
expect_status "run with the largest seed" 0 "$GM" run "$T/p.ini" -s seed=18446744073709551615 \
    -o "$T/bigseed" -q --no-plots
v=$(col "$T/bigseed/runs.csv" base_seed)
if [ "$v" = 18446744073709551615 ]; then ok; else bad "runs.csv base_seed is '$v', not 18446744073709551615"; fi

# -- run stops between short runs on SIGINT ---------------------------------
# Runs of fewer than 4096 events never polled the flag: run went on to the
# end, exit 0, with a complete directory.
if command -v timeout >/dev/null 2>&1; then
    timeout --preserve-status -s INT 1 "$GM" run scenarios/default.ini -c Quick \
        -s sim.horizon=4d -s supply.gpus=100 -s repeat=300 -o "$T/sm" -q --no-plots 2>"$T/err"
    rc=$?
    if [ $rc = 130 ]; then ok; else bad "run of short runs, SIGINT after 1 s: exit $rc, want 130"; fi
    left=$(cd "$T" && ls -d sm sm.tmp-* 2>/dev/null)
    if [ -z "$left" ]; then ok; else bad "interrupted run left $left"; fi
fi

# -- the destination is checked again when the study is complete -----------
# A folder made at -o while the sweep ran was moved aside and deleted.
"$GM" sweep "$T/p.ini" -c Long -j 1 -o "$T/victim" -q --no-plots 2>"$T/err" &
pid=$!
wait_for "$T/victim.tmp-*/runs/*" || bad "sweep -c Long never started its runs"
mkdir "$T/victim" && echo x >"$T/victim/precious.txt"
wait $pid; rc=$?
if [ $rc = 2 ]; then ok; else bad "sweep onto a folder made meanwhile: exit $rc, want 2"; fi
if [ -f "$T/victim/precious.txt" ]; then ok; else bad "sweep deleted a folder made at -o meanwhile"; fi
grep_err "sweep refuses the folder made meanwhile" "is not a gpumarket result directory"
grep_err "sweep says where the study is" "the merged study is left in $T/victim.tmp-"
if ls -d "$T"/victim.old-* >/dev/null 2>&1; then bad "sweep left victim.old-*"; else ok; fi
rm -rf "$T"/victim*

# -- MPI: a refused -o stops every rank --------------------------------------
# Rank 0 alone checked -o and left the other ranks in farm_bcast forever.
if command -v mpirun >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1 &&
   ! "$GM" sweep "$T/p.ini" --mpi -o "$T/nompi" -q 2>&1 | grep -q 'no Open MPI'; then
    mkdir -p "$T/theirs" && echo x >"$T/theirs/f"
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ASAN_OPTIONS=detect_leaks=0 \
        timeout 30 mpirun --oversubscribe -np 3 "$GM" sweep "$T/p.ini" --mpi -o "$T/theirs" \
        -q --no-plots >"$T/mpi.log" 2>&1
    rc=$?
    if [ $rc != 0 ] && [ $rc != 124 ]; then ok; else bad "mpirun sweep onto a non-result -o: exit $rc (124: hung)"; fi
    if [ -f "$T/theirs/f" ]; then ok; else bad "mpirun sweep removed a non-result -o"; fi
else
    echo "skip mpirun (no Open MPI in this build or no mpirun)"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
