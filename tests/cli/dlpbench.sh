#!/bin/sh
# tests/cli/dlpbench.sh -- 'gpumarket bench dlperf' on bad data tables:
# README's exit status for every command gives 2 to unreadable input and
# to errors in it; the bench gave 1, its code for a kernel whose result
# failed verification, so a script could not tell a wrong kernel from a
# missing file. Last, its report on a small CPU run, checked against its
# own rows. Run by 'make test' with GM_BIN pointing at the binary.
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


# -- bench dlperf's own report on a small CPU run ---------------------------
# What 'gpumarket bench dlperf' prints about one small
# CPU run, checked against its own rows. The kernel efficiency line says
# "geometric mean of sgemm and triad": sqrt(eff_sgemm * eff_triad) of the
# eff column, within the rounding of the printed percentages (one decimal)
# and of the two printed decimals. Without --fit no fit report is printed
# (the usage: "--fit  also print the DLPerf fit report"). Mutations that
# survived: the mean taken arithmetic, the fit report always printed,
# --size 0 accepted (the usage: "a whole number from 1").

check "bench dlperf, small" "$GM" bench dlperf --device cpu --size 32 --triad-size 4096 --reps 1
if grep -q '^DLPerf model (ln space' "$T/out"; then
    bad "bench dlperf without --fit printed the fit report"
else ok; fi
if awk '
    $1 == "sgemm_fp32" { s = $6; sub(/%/, "", s) }
    $1 == "triad" { t = $6; sub(/%/, "", t) }
    /geometric mean of sgemm and triad/ { g = $9; sub(/;/, "", g) }
    END {
        if (s == "" || t == "" || g == "") exit 1
        lo = (s - 0.05 > 0 ? s - 0.05 : 0) * (t - 0.05 > 0 ? t - 0.05 : 0)
        lo = sqrt(lo) / 100 - 0.005
        hi = sqrt((s + 0.05) * (t + 0.05)) / 100 + 0.005
        exit !(g >= lo - 1e-9 && g <= hi + 1e-9)
    }' "$T/out"
then ok; else bad "bench dlperf: kernel efficiency is not the geometric mean of sgemm and triad"; cat "$T/out" >&2; fi

# -- --size 0 is refused before any table is read -------------------------
expect_status "bench dlperf --size 0" 2 "$GM" bench dlperf --size 0 --data "$T/none"
grep_err "bench dlperf --size 0" "bad value '0' for --size (a whole number from 1 to 16384)"

cli_done
