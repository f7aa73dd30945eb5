#!/bin/sh
# tests/cli/repro3.sh -- T3 (reproduce ckpt) at parameters its table was
# not written for: a tiny MTBF, work shorter than every interval, a run
# too short for any job. Run by 'make test' with GM_BIN pointing at the
# binary; prints "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# -- a 1-minute MTBF: Daly's wall time is past any horizon ---------------------
# At M = 1 min, delta = 5 and R = 10 min, T_w(tau) >= M e^(R/M) (e^((tau+delta)/M)
# - 1) > e^16 min for every tau >= 1 min, far past the year of the horizon:
# those jobs are not simulated (they ran for minutes on end, failing every
# minute of the year), every row fails and the message says why.
expect_status "ckpt at a 1-minute MTBF" 1 timeout 20 "$GM" reproduce --fast \
    --set ckptjob.mtbf=1min ckpt
grep_err "ckpt at a 1-minute MTBF" "more than sim.horizon (525600 min): not simulated"
if [ "$(grep -c '^T3 Daly T_w.* FAIL$' "$T/out")" = 6 ] &&
   grep -E '^T3 argmin tau .* +1 +- +- .* FAIL$' "$T/out" >/dev/null; then ok
else bad "ckpt at a 1-minute MTBF: rows"; cat "$T/out" >&2; fi

# -- work shorter than every interval: nothing to choose between ----------------
# One minute of work never reaches a checkpoint at tau >= 60 min, so every
# tau has the same wall time and the argmin of a tie says nothing about
# Daly's optimum: the T_w rows are checked, the argmin row is not shown.
expect_status "ckpt with 1 minute of work" 0 "$GM" reproduce --fast --set ckptjob.work=1min ckpt
if [ "$(grep -c '^T3 Daly T_w.* pass$' "$T/out")" = 6 ] && ! grep -q argmin "$T/out"; then ok
else bad "ckpt with 1 minute of work: rows"; cat "$T/out" >&2; fi

# -- no job finished: the argmin has no value -----------------------------------
expect_status "ckpt over one second" 1 "$GM" reproduce --fast --set sim.horizon=1s ckpt
if grep -E '^T3 argmin tau .* 116\.69 +- +- .* FAIL$' "$T/out" >/dev/null; then ok
else bad "ckpt over one second: argmin"; cat "$T/out" >&2; fi

# -- an argmin band that holds no interval is refused -------------------------
# argmin-lo 150 min above argmin-hi 100 min: no argmin could pass, so the
# target cannot run (exit 2) and the error names the key and the band.
expect_status "ckpt with argmin-lo above argmin-hi" 2 "$GM" reproduce --fast \
    --set ckptjob.argmin-lo=150min --set ckptjob.argmin-hi=100min ckpt
grep_err "the empty band is named" "ckptjob.argmin-hi: argmin band [150, 100] min is empty"

cli_done
