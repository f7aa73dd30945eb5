#!/bin/sh
# tests/cli/charts.sh -- end-to-end tests of 'gpumarket plot' on studies
# (confidence level, contrasts, runs of different lengths, one sample,
# colours under --only) and of 'gpumarket bench dlperf' (its option
# errors, an OpenCL queue that cannot be created, the first launch kept
# out of the timing).
# Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# -- bench dlperf: a bad value names the option typed ----------------------
# (--triad-size 0 was "bad value '0' for -t", an option that does not exist)
expect_status "bench dlperf --triad-size 0" 2 "$GM" bench dlperf --triad-size 0
grep_err "bench dlperf --triad-size 0" "bad value '0' for --triad-size (a whole number from 1"
expect_status "bench dlperf --reps 0" 2 "$GM" bench dlperf --reps 0
grep_err "bench dlperf --reps 0" "bad value '0' for --reps"
expect_status "bench dlperf --size x" 2 "$GM" bench dlperf --size x
grep_err "bench dlperf --size x" "bad value 'x' for --size"

cli_done
