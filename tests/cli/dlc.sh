#!/bin/sh
# tests/cli/dlc.sh -- mutation-testing gaps of models/dlperf_cmd.c and
# sim/runner.c. First, what 'gpumarket bench dlperf' prints about one small
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

# -- run: a run that cannot be set up stops the study before any run ------
# (runner.h: runner_check_runs() checks every run "before anything runs"
# and reports the first that fails: exit 2, nothing run, no result.) Run 0
# is sound, run 1's warm-up (300 s) is past its horizon (200 s); run 0
# must not have run. Kills the check going on past a failing run and
# answering ok: run 0 ran ("run 0: ok") and run 1 failed only when it
# started.
cat >"$T/w.ini" <<'INI'
[General]
sim.model = phold
sim.horizon = 200s
sim.sample-interval = 50s
phold.lps = 8
phold.events-per-lp = 2
phold.mean = 0s
phold.lookahead = 10s
seed = 3
sim.warmup = ${w=50s,300s}
INI
expect_status "run with run 1 past its horizon" 2 "$GM" run "$T/w.ini" -o "$T/w" --no-plots
grep_err "run with run 1 past its horizon" "run 1 of the study cannot be set up; nothing was run"
if grep -q "run 0: ok" "$T/err"; then bad "run ran run 0 before finding run 1 cannot be set up"; else ok; fi
if [ -e "$T/w" ]; then bad "run that cannot be set up left $T/w"; else ok; fi

cli_done
