#!/bin/sh
# tests/cli/repro4.sh -- 'gpumarket reproduce' T3 (ckpt), T4 (llama) and T7
# (bathtub): the bookkeeping, argmin and tolerance columns that the
# default tables cannot tell apart, with answers from the closed forms in
# REPRODUCTIONS.md or worked by hand. Run by 'make test' with GM_BIN
# pointing at the binary; prints "N passed, M failed" and exits non-zero
# on any failure.
. tests/cli_lib.sh

# -- T3: the restart is itself interruptible ------------------------------------
# Daly's T_w = M e^(R/M) (e^((tau+delta)/M) - 1) T_s / tau; at R = M = 1440,
# delta = 5, tau = 100, T_s = 1000 min that is 1440 e (e^(105/1440) - 1) 10
# = 2960.83 min. A restart that failures cannot interrupt costs R, not
# M (e^(R/M) - 1): (M + R)(e^(105/1440) - 1) 10 = 2178.46, 26% less. At
# 20,000 jobs the mean's sd is about 0.6%; accept +-5%.
expect_status "ckpt with R = M" 0 "$GM" reproduce --fast --set ckptjob.restart=1440min \
    --set ckptjob.work=1000min --set ckptjob.taus=100 --set ckptjob.jobs=20000 ckpt
if awk '/^T3 Daly T_w\(tau=100\) / { n++; if ($(NF-4) != "2960.83" ||
        $(NF-3) < 2960.83 * 0.95 || $(NF-3) > 2960.83 * 1.05) bad = 1 }
        END { exit bad || n != 1 }' "$T/out"; then ok
else bad "ckpt with R = M: row"; cat "$T/out" >&2; fi

# -- T3: the argmin of a tie is its first interval ------------------------------
# 100 min of work: tau = 100 and tau = 200 both run one segment of 100 + 5
# min (same failures, common random numbers: the same wall time), tau = 50
# pays a second checkpoint. The argmin is the first of the tie, 100.
expect_status "ckpt argmin of a tie" 0 "$GM" reproduce --fast --set ckptjob.work=100min \
    --set ckptjob.taus=100,200,50 ckpt
if grep -E '^T3 argmin tau .* 116\.69 +100 +- ' "$T/out" >/dev/null; then ok
else bad "ckpt argmin of a tie"; cat "$T/out" >&2; fi

# -- T3: an interval with no finished job is not the argmin ----------------------
# tau = 0.001 min needs 10^7 checkpoints of 5 min, past the horizon: not
# simulated, no mean. Of 60 (T_w 11,158.78) and 100 (10,968.19) the argmin
# is 100; a NaN mean taken as a best made the row "-".
expect_status "ckpt with an unsimulated interval" 1 "$GM" reproduce --fast \
    --set ckptjob.taus=60,100,0.001 ckpt
if grep -E '^T3 argmin tau .* 116\.69 +100 +- .* pass$' "$T/out" >/dev/null; then ok
else bad "ckpt with an unsimulated interval: argmin"; cat "$T/out" >&2; fi

# -- T3: the argmin band is REPRODUCTIONS.md's [100, 135] scaled to tau* ------
# Default (M = 1440, delta = 5): [100, 135]. At M = 185.58 min Daly's tau*
# is 39.810 (REPRODUCTIONS.md's table), so 39.810 x [100, 135] / 116.69 =
# [34.12, 46.06].
"$GM" reproduce --fast ckpt >"$T/out" 2>&1
if grep -E '^T3 argmin tau .* \[100, 135\]  pass$' "$T/out" >/dev/null; then ok
else bad "ckpt default argmin band"; cat "$T/out" >&2; fi
"$GM" reproduce --fast --set ckptjob.mtbf=185.58min ckpt >"$T/out" 2>&1
if grep -E '^T3 argmin tau .* 39\.8101 .* \[34\.12, 46\.06\]  pass$' "$T/out" >/dev/null; then ok
else bad "ckpt argmin band at M = 185.58"; cat "$T/out" >&2; fi

# -- T3: a one-point band [lo, lo] is allowed; tau 0 is not ----------------------
expect_status "ckpt argmin band [120, 120]" 0 "$GM" reproduce --fast \
    --set ckptjob.argmin-lo=120min --set ckptjob.argmin-hi=120min ckpt
expect_status "ckpt tau 0" 2 "$GM" reproduce --fast --set ckptjob.taus=60,0 ckpt
grep_err "ckpt tau 0" "ckptjob.taus: expected intervals in minutes (> 0), 'young' or 'daly', got '0'"
expect_status "ckpt tau not a number" 2 "$GM" reproduce --fast --set ckptjob.taus=60,abc ckpt
grep_err "ckpt tau not a number" "--set: error: ckptjob.taus: expected intervals"
# a refused value names its key, as every scenario error does (these named
# only the line, and a --set value no key at all)
expect_status "mmc, fewer jobs than batches" 2 "$GM" reproduce --fast --set mmc.jobs=10 mmc
grep_err "mmc, fewer jobs than batches" \
    "--set: error: mmc.jobs: need at least one job per batch (10 jobs, mmc.batches 20)"
expect_status "mmc, unstable" 2 "$GM" reproduce --fast --set 'mmc.lambda=${l=5}' \
    --set 'mmc.servers=${c=2}' --set 'mmc.jobs=${j=1000}' --set 'mmc.warmup-jobs=${w=0}' mmc
grep_err "mmc, unstable" "--set: error: mmc.lambda: queue is unstable"
expect_status "llama, zero checkpoint cost" 2 "$GM" reproduce --fast --set llama.ckpt-cost=0 llama
grep_err "llama, zero checkpoint cost" "--set: error: llama.ckpt-cost: checkpoint cost must be > 0"
printf '[General]\nsim.model = phold\nphold.mean = 0\nphold.lookahead = 0\n' >"$T/still.ini"
expect_status "phold, time that cannot advance" 2 "$GM" run "$T/still.ini" -o "$T/still" -q --no-plots
grep_err "phold, time that cannot advance" "still.ini:3: error: phold.mean: phold.mean and phold.lookahead are both zero"

# -- T3: a row's tolerance is min(tol, max(3 CI / T_w, tol-floor)) -----------------
# (ckptjob.tol-floor's help: 1% ceiling, 0.1% floor). Each row's tolerance
# column must be that of its own expected value and CI (to print rounding).
"$GM" reproduce --fast ckpt >"$T/out" 2>&1
if awk '/^T3 Daly T_w/ { n++; ci = substr($(NF-2), 3); tol = substr($(NF-1), 3) + 0
        want = 300 * ci / $(NF-4); if (want < 0.1) want = 0.1; if (want > 1) want = 1
        if (tol < want * 0.995 || tol > want * 1.005) bad = 1 }
        END { exit bad || n != 6 }' "$T/out"; then ok
else bad "ckpt tolerance column"; cat "$T/out" >&2; fi
# The CI is that of a mean: 4 times the jobs, half the CI (the sample sd
# is +-3% at 3,000 jobs: accept a ratio of 1.8 to 2.2).
"$GM" reproduce --fast --set ckptjob.taus=100 --set ckptjob.jobs=3000 ckpt >"$T/a" 2>&1
"$GM" reproduce --fast --set ckptjob.taus=100 --set ckptjob.jobs=12000 ckpt >"$T/b" 2>&1
a=$(awk '/^T3 Daly T_w/ { print substr($(NF-2), 3) }' "$T/a")
b=$(awk '/^T3 Daly T_w/ { print substr($(NF-2), 3) }' "$T/b")
if awk -v a="$a" -v b="$b" 'BEGIN { exit !(b > 0 && a / b > 1.8 && a / b < 2.2) }'; then ok
else bad "ckpt CI scales with 1/sqrt(jobs): $a at 3000, $b at 12000"; fi

# -- T3: common random numbers: job j sees the same failures at every tau -----
# tau = 100 and 100.01 differ by 0.01 min a segment: with the same failure
# times their means differ by far less than a minute (independent draws:
# by about the CI, +-7 min).
"$GM" reproduce --fast --set ckptjob.taus=100,100.01 ckpt >"$T/out" 2>&1
if awk '/^T3 Daly T_w\(tau=100\) / { a = $(NF-3) } /^T3 Daly T_w\(tau=100\.01\) / { b = $(NF-3) }
        END { d = a - b; if (d < 0) d = -d; exit !(a > 0 && b > 0 && d < 0.5) }' "$T/out"; then ok
else bad "ckpt common random numbers"; cat "$T/out" >&2; fi

# -- T4: a restart interrupted by a failure starts over -------------------------
# Without planned stops the kept share is 1 / Daly's T_w per unit of work,
# tau / (M e^(R/M) (e^((tau+delta)/M) - 1)): M = 54 x 24 / 419 = 3.0931 h,
# delta = 20 s, Daly tau = 10.902 min, R = 3 h give 0.35685. A restart that
# ignores failures would give tau / ((M + R)(e^((tau+delta)/M) - 1)) = 0.478.
expect_status "llama with 3-hour restarts" 1 "$GM" reproduce --fast --set llama.restart=3h \
    --set llama.planned=0 llama
if awk '/^T4 effective training time \(Daly tau=10.9 min\)/ { n++
        if ($(NF-4) < 0.3568 || $(NF-4) > 0.3569 || $(NF-3) < 0.337 || $(NF-3) > 0.377) bad = 1 }
        END { exit bad || n != 1 }' "$T/out"; then ok
else bad "llama with 3-hour restarts: effective row"; cat "$T/out" >&2; fi

# -- T4: work in progress at the end of the window is kept ------------------------
# At 1e-6 interruptions a day the job's Daly interval is ~31,000 min, past
# the one-day window: no checkpoint, no failure, the whole day is kept (1).
"$GM" reproduce --fast --set sim.horizon=1d --set llama.days=1 --set llama.unexpected=1e-6 \
    --set llama.planned=0 llama >"$T/out" 2>&1
if grep -E '^T4 effective training time \(Daly.* +1 +\+-0 +\+-0\.01  pass$' "$T/out" >/dev/null; then ok
else bad "llama, no interruption in the window: effective row"; cat "$T/out" >&2; fi

# -- T4: the horizon must be the window ------------------------------------------
expect_status "llama with a 10-day horizon" 1 "$GM" reproduce --fast --set sim.horizon=10d llama
grep_err "llama with a 10-day horizon" "must equal llama.days"

# -- T4: the count rows' expected values and bands ---------------------------------
# P(379 <= N <= 459) for N ~ Poisson(419) (419 -+ 1.96 sqrt(419) = 378.88,
# 459.12), summed by hand: 0.952201; band -3 binomial sd over 40 runs:
# 0.952201 - 3 sqrt(0.952201 x 0.047799 / 40) = 0.851. The mean count's
# band is 3 sqrt(419 / 40) = 9.71. The dispersion band is the 99% chi2(39)
# band / 39, by Wilson-Hilferty [0.512, 1.680] (accept +-0.01).
"$GM" reproduce --fast llama >"$T/out" 2>&1
if grep -E '^T4 share of runs with 419 .* 0\.952201 .* \[0\.851, 1\]  pass$' "$T/out" >/dev/null &&
   grep -E '^T4 mean interruptions in 54 d .* \+-9\.71  pass$' "$T/out" >/dev/null &&
   awk '/^T4 dispersion index/ { n++; lo = substr($(NF-2), 2) + 0; hi = $(NF-1) + 0
        if (lo < 0.502 || lo > 0.522 || hi < 1.67 || hi > 1.69) bad = 1 }
        END { exit bad || n != 1 }' "$T/out"; then ok
else bad "llama count rows' expected values and bands"; cat "$T/out" >&2; fi

# -- T7: closed forms of the default table -------------------------------------------
# Integrated by hand (trapezoid, 20,000 panels) from the mixture's survival:
# P_mem = 0.100674, P_aware = 0.042193, overhead E[attempt] / (1 - P_aware)
# / L - 1 = 0.027477; and at L = 0.25 h P_mem = 0.0142947, whose band is
# min(0.01, 0.25 x 0.0142947) = 0.003574.
"$GM" reproduce --fast bathtub >"$T/out" 2>&1
if grep -E '^T7 P\(fail\) memoryless placement, L=2h +0\.100674 ' "$T/out" >/dev/null &&
   grep -E '^T7 P\(fail\) bathtub-aware \(age>=3h\) +0\.042193' "$T/out" >/dev/null &&
   grep -E '^T7 preemptible overhead .* 0\.02748 ' "$T/out" >/dev/null; then ok
else bad "bathtub closed forms"; cat "$T/out" >&2; fi
# The cost ratio is (1 / price ratio) / (1 + overhead), overhead as simulated
# (the overhead row's tolerance is a range, two fields: its simulated is $(NF-4)).
if awk '/^T7 preemptible overhead/ { o = $(NF-4) } /^T7 cost ratio/ { c = $(NF-3) }
        END { w = 1 / (0.2 * (1 + o)); exit !(c > 0 && c > w * 0.999 && c < w * 1.001) }' "$T/out"; then ok
else bad "bathtub cost ratio vs overhead"; cat "$T/out" >&2; fi
"$GM" reproduce --fast --set bathtub.job=0.25h bathtub >"$T/out" 2>&1
if grep -E '^T7 P\(fail\) memoryless placement, L=0.25h +0\.0142947 .* \+-0\.003574  pass$' "$T/out" >/dev/null
then ok
else bad "bathtub memoryless tolerance at L = 0.25 h"; cat "$T/out" >&2; fi

# -- T7: no aware failure, no ratio ---------------------------------------------------
# Every VM lives exactly to the 24 h cap (no infants, wear-out scale 1000 h):
# an aware placement (age <= cap - L) never fails, so the ratio has no value
# and its row fails rather than pass ">= 2" with infinity.
expect_status "bathtub, aware never fails" 1 "$GM" reproduce --fast --set bathtub.infant-weight=0 \
    --set bathtub.wear-scale=1000h --set bathtub.job=1h bathtub
if grep -E '^T7 P\(fail\) ratio .* inf +- +- +>= 2  FAIL$' "$T/out" >/dev/null; then ok
else bad "bathtub, aware never fails: ratio row"; cat "$T/out" >&2; fi

# -- T7: safe-age + job must be below the cap ------------------------------------------
expect_status "bathtub safe-age + job = cap" 2 "$GM" reproduce --fast --set bathtub.job=21h bathtub
grep_err "bathtub safe-age + job = cap" "safe-age + job < cap"

# -- T7: a batch needs placements of both policies ------------------------------------
# Infants only, scale 0.01 h: a VM reaches the 3 h safe age with probability
# exp(-sqrt(300)) = 3e-8, so the aware policy places nothing in any batch:
# the batches row counts 0 of 20 (memoryless placements alone do not make
# a batch) and fails.
expect_status "bathtub, no VM reaches the safe age" 1 "$GM" reproduce --fast \
    --set sim.horizon=10d --set bathtub.infant-weight=1 --set bathtub.infant-scale=0.01h \
    --set bathtub.vms=50 bathtub
if grep -E '^T7 batches with placements .* 20 +0 +- +>= 20  FAIL$' "$T/out" >/dev/null; then ok
else bad "bathtub, no VM reaches the safe age: batches row"; cat "$T/out" >&2; fi

# -- T7: the batch-means CI is that of a mean ------------------------------------------
# 20 placements every 10 min from day 3 to day 60: 57 x 144 x 20 = 164,160,
# at P = 0.1007 a binomial half-width of 2.093 sqrt(0.1007 x 0.8993 / 164160)
# = 0.00155. The batch means see some correlation (and their sd is +-16%):
# accept 0.5 to 2 times that; the batches' sd not divided by sqrt(20) is
# 4.5 times it.
"$GM" reproduce --fast bathtub >"$T/out" 2>&1
if awk '/^T7 P\(fail\) memoryless placement/ { n++; ci = substr($(NF-2), 3)
        if (ci < 0.00078 || ci > 0.0031) bad = 1 }
        END { exit bad || n != 1 }' "$T/out"; then ok
else bad "bathtub memoryless CI"; cat "$T/out" >&2; fi

# -- 'run' of a reproduce scenario: a failing row is a negative check (exit 1) ----
# 'reproduce' counts FAIL rows itself; 'run' has only the model's finish
# status. Each of these fails exactly one row: llama's effective time
# (0.91) below a 0.99 claim, bathtub's P(fail) ratio (2.35) below 3, ckpt's
# argmin (120 at Fast) below a band starting at 130.
expect_status "run llama, claim 0.99" 1 "$GM" run scenarios/reproduce/llama.ini -c Fast \
    --set llama.effective-claim=0.99 -o "$T/r1" -q --no-plots
expect_status "run bathtub, min-ratio 3" 1 "$GM" run scenarios/reproduce/bathtub.ini -c Fast \
    --set bathtub.min-ratio=3 -o "$T/r2" -q --no-plots
expect_status "run ckpt, argmin band from 130" 1 "$GM" run scenarios/reproduce/ckpt.ini -c Fast \
    --set ckptjob.argmin-lo=130min -o "$T/r3" -q --no-plots
expect_status "run llama" 0 "$GM" run scenarios/reproduce/llama.ini -c Fast -o "$T/r4" -q --no-plots

cli_done
