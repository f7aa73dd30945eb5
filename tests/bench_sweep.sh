#!/bin/sh
# tests/bench_sweep.sh BIN -- sweep throughput: -j 1 against -j 2.
# Prints one line: runs/s for each and the speed-up (target >= 1.8 on two
# idle cores); the merged files must also be byte-identical.
set -eu
G=${1:-build/gpumarket}
T=$(mktemp -d /tmp/gmbench-XXXXXX)
now() { date +%s.%N; }
t0=$(now); "$G" sweep tests/data/bench-sweep.ini -c Scaling -j 1 -o "$T/j1" -q --no-plots; t1=$(now)
"$G" sweep tests/data/bench-sweep.ini -c Scaling -j 2 -o "$T/j2" -q --no-plots; t2=$(now)
n=$(($(wc -l <"$T/j1/runs.csv") - 1))
same=identical; for f in runs.csv scalars.csv summary.csv; do cmp -s "$T/j1/$f" "$T/j2/$f" || same=DIFFERENT; done
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$n" -v s="$same" -v cpus="$(nproc)" 'BEGIN{
    j1 = b - a; j2 = c - b;
    printf "sweep scaling: %d runs, -j 1 %.2f s (%.1f runs/s), -j 2 %.2f s (%.1f runs/s), speed-up %.2fx on %d CPUs (target >= 1.8), outputs %s\n",
           n, j1, n / j1, j2, n / j2, j1 / j2, cpus, s }'
rm -rf "$T"
