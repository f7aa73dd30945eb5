#!/bin/sh
# tests/bench_ab.sh -- two builds of gpumarket side by side on one market.
#
#   sh tests/bench_ab.sh OLD NEW [PAIRS] [-- bench market arguments...]
#
# Runs `bench market` of both binaries at once, each pinned to its own CPU
# (taskset), then again with the CPUs swapped, PAIRS times (default 2),
# and prints each run's loop seconds and the mean of each binary. On a
# shared VM two CPUs can differ in speed by half within one run, and the
# whole machine by 40% between runs: only runs made at once, in both
# placements, averaged, say which code is faster. The market arguments
# default to 6 days of scenarios/large.ini.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 OLD NEW [PAIRS] [-- bench market args]" >&2; exit 2; }
old=$1 new=$2
shift 2
pairs=2
if [ $# -gt 0 ] && [ "$1" != "--" ]; then pairs=$1; shift; fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
[ $# -gt 0 ] || set -- scenarios/large.ini -c Large --set sim.horizon=6d --set sim.warmup=1d
for b in "$old" "$new"; do
    [ -x "$b" ] || { echo "$0: $b: not an executable" >&2; exit 2; }
done
command -v taskset >/dev/null || { echo "$0: taskset (util-linux) is needed" >&2; exit 2; }
[ "$(nproc)" -ge 2 ] || { echo "$0: needs two CPUs" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
loop_s() { awk '/^events /{ print $4 }' "$1"; }
sum_old=0 sum_new=0 n=0
i=0
while [ $i -lt "$pairs" ]; do
    for cpu_old in 0 1; do
        cpu_new=$((1 - cpu_old))
        taskset -c $cpu_old "$old" bench market "$@" >"$tmp/old" 2>&1 &
        p_old=$!
        taskset -c $cpu_new "$new" bench market "$@" >"$tmp/new" 2>&1 &
        p_new=$!
        wait $p_old || { cat "$tmp/old" >&2; exit 1; }
        wait $p_new || { cat "$tmp/new" >&2; exit 1; }
        a=$(loop_s "$tmp/old") b=$(loop_s "$tmp/new")
        [ "$(awk '/^events /{ print $2 }' "$tmp/old")" = "$(awk '/^events /{ print $2 }' "$tmp/new")" ] ||
            echo "note: the two processed different numbers of events (different outputs)"
        echo "old on cpu $cpu_old: $a s   new on cpu $cpu_new: $b s"
        sum_old=$(awk -v s="$sum_old" -v x="$a" 'BEGIN { print s + x }')
        sum_new=$(awk -v s="$sum_new" -v x="$b" 'BEGIN { print s + x }')
        n=$((n + 1))
    done
    i=$((i + 1))
done
awk -v o="$sum_old" -v w="$sum_new" -v n=$n 'BEGIN {
    printf "mean of %d runs each: old %.3f s, new %.3f s, new/old %.3f\n", n, o / n, w / n, w / o }'
