#!/bin/sh
# tests/cli/dlc.sh -- what 'gpumarket bench dlperf' prints about one small
# CPU run, checked against its own rows. The kernel efficiency line says
# "geometric mean of sgemm and triad": sqrt(eff_sgemm * eff_triad) of the
# eff column, within the rounding of the printed percentages (one decimal)
# and of the two printed decimals. Without --fit no fit report is printed
# (the usage: "--fit  also print the DLPerf fit report"). Mutations that
# survived: the mean taken arithmetic, the fit report always printed,
# --size 0 accepted (the usage: "a whole number from 1"). Run
# by 'make test' with GM_BIN pointing at the binary.
. tests/cli_lib.sh

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
