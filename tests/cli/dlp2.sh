#!/bin/sh
# tests/cli/dlp2.sh -- 'gpumarket bench dlperf' option bounds and data
# paths, without running a kernel. Every range is closed, as the usage
# says ("a whole number from 1 to N"): the bound itself is accepted, one
# past it refused naming the option typed. An accepted value is told
# from a refused one by what stops the run next: a data directory that
# does not exist (exit 2 as well, but "cannot open", not "bad value").
# Mutations that survived every test: each upper bound exclusive
# (16384, 1000, 2^30 refused), --reps capped at 100, a stray argument
# ignored, and the calibration table read from data/ whatever --data
# says. Run by 'make test' with GM_BIN pointing at the binary.
. tests/cli_lib.sh

none="--data $T/none"

# -- each bound accepted, one past it refused ------------------------------
for ok in "--size 16384" "--reps 1000" "--triad-size 1073741824" "--reps 101"; do
    expect_status "bench dlperf $ok" 2 "$GM" bench dlperf $ok $none
    grep_err "bench dlperf $ok" "$T/none/gpus.csv: error: cannot open"
    if grep -q "bad value" "$T/err"; then bad "bench dlperf $ok: refused"; else ok; fi
done
expect_status "bench dlperf --size 16385" 2 "$GM" bench dlperf --size 16385 $none
grep_err "bench dlperf --size 16385" \
    "bad value '16385' for --size (a whole number from 1 to 16384)"
expect_status "bench dlperf --reps 1001" 2 "$GM" bench dlperf --reps 1001 $none
grep_err "bench dlperf --reps 1001" "bad value '1001' for --reps (a whole number from 1 to 1000)"
expect_status "bench dlperf --triad-size 2^30+1" 2 \
    "$GM" bench dlperf --triad-size 1073741825 $none
grep_err "bench dlperf --triad-size 2^30+1" \
    "bad value '1073741825' for --triad-size (a whole number from 1 to 1073741824)"

# -- a stray argument is a usage error, before any table is read -----------
expect_status "bench dlperf stray" 2 "$GM" bench dlperf $none stray
grep_err "bench dlperf stray" "bench dlperf: unexpected argument 'stray'"
if grep -q "cannot open" "$T/err"; then bad "bench dlperf stray: read the tables"; else ok; fi

# -- --data DIR: the calibration table is DIR/calibration.csv ---------------
# (the usage: "default DIR/calibration.csv"); a bad row there stops the
# bench at its row, before any kernel runs.
mkdir "$T/d"
cp data/gpus.csv data/dlperf_observed.csv data/dlperf_bundles.csv "$T/d/"
printf 'device,kernel,size,achieved,unit,peak,efficiency,date,build\n%s\n' \
    '"cuda:NVIDIA H200",triad,1,1,GB/s,1,-1,d,b' >"$T/d/calibration.csv"
expect_status "bench dlperf --data DIR with a bad DIR/calibration.csv" 2 \
    "$GM" bench dlperf --data "$T/d" --size 8 --triad-size 64 --reps 1
grep_err "bench dlperf --data DIR with a bad DIR/calibration.csv" \
    "$T/d/calibration.csv:2: error: need a positive peak and 0 < efficiency <= 3"

cli_done
