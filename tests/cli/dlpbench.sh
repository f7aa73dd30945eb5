#!/bin/sh
# tests/cli/dlpbench.sh -- 'gpumarket bench dlperf' on bad data tables:
# README's exit status for every command gives 2 to unreadable input and
# to errors in it; the bench gave 1, its code for a kernel whose result
# failed verification, so a script could not tell a wrong kernel from a
# missing file. Run by 'make test' with GM_BIN pointing at the binary.
. tests/cli_lib.sh

small="--size 8 --triad-size 64 --reps 1"

# -- a missing data directory, and a table with a repeated GPU -------------
expect_status "bench dlperf --data missing" 2 "$GM" bench dlperf --data "$T/none" $small
grep_err "bench dlperf --data missing" "$T/none/gpus.csv: error: cannot open"
mkdir "$T/d"
cp data/gpus.csv data/dlperf_observed.csv data/dlperf_bundles.csv "$T/d/"
echo "RTX 3090,10,80.0,79,81" >>"$T/d/dlperf_observed.csv"
expect_status "bench dlperf, a median listed twice" 2 "$GM" bench dlperf --data "$T/d" $small
grep_err "bench dlperf, a median listed twice" \
    "dlperf_observed.csv:29: error: GPU 'RTX 3090' is listed again (first at line 5)"

# -- a calibration table that cannot be created ----------------------------
# (refused before any kernel runs: a measured efficiency above 3, refused
# after the run, once came first on a busy machine and the test failed)
expect_status "bench dlperf --calibrate into a missing directory" 2 \
    "$GM" bench dlperf --size 64 --triad-size 65536 --reps 1 --calibrate \
    --calibration "$T/none/calib.csv"
grep_err "bench dlperf --calibrate into a missing directory" "cannot append to $T/none/calib.csv"

# -- the help says so ------------------------------------------------------
check "bench dlperf --help" "$GM" bench dlperf --help
grep_out "bench dlperf --help" "2 usage or a data table that cannot be read"

cli_done
