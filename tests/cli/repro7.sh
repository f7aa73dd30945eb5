#!/bin/sh
# tests/cli/repro7.sh -- 'gpumarket reproduce' T7 (bathtub), T3 (ckpt) and T6
# (spotckpt): expected values away from the default tables, from closed
# forms worked outside the program, so that a slip in a formula that the
# default parameters hide (a term that happens to equal 2 h, a panel count)
# shows. Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# The value of the repro.expected row of scalars.csv whose target starts
# with $2 (the next-to-last field: a target's name may hold a comma).
expected() {   # expected DIR TARGET-PREFIX
    awk -F, -v t="\"$2" '$2 == "\"repro.expected\"" && index($4, t) == 1 { print $(NF-1) }' \
        "$1/scalars.csv"
}
near() {   # near NAME GOT WANT RELTOL: |GOT - WANT| <= RELTOL x |WANT|
    if awk -v g="$2" -v w="$3" -v r="$4" 'BEGIN { d = g - w; if (d < 0) d = -d
            a = w < 0 ? -w : w; exit !(g != "" && d <= r * a) }'; then ok
    else bad "$1: got '$2', want $3 (+-$4 relative)"; fi
}

# -- T7: closed forms at a 10 h job --------------------------------------------------
# int_0^x of the mixture's survival is w s1/k1 g(1/k1, (x/s1)^k1) + (1 - w)
# s2/k2 g(1/k2, (x/s2)^k2), g the lower incomplete gamma (series), 0 past
# the 24 h cap. With w = 0.35, k1 = 0.5, s1 = 0.01 h, k2 = 30, s2 = 23.8 h,
# L = 10 h, safe age 3 h (A = [3, 14] h):
#   P_mem = G(10) / G(24) = 0.43027568, P_aware = 0.067711522,
#   E[attempt] = int_A (G(a + 10) - G(a)) da / int_A S (20,000 Simpson
#   panels of the smooth G) and the overhead E[attempt] / (1 - P_aware) / L
#   - 1 = 0.066378070.
# The default job is 2 h, so a closed form that used 2 for L (or a coarse
# inner integral: 20 panels read 0.0663786) passed the default table.
# P_mem's Simpson sum meets the infant density's 1/sqrt(t) at 0: it is
# good to about 2e-5 there, the others to 1e-6.
"$GM" run scenarios/reproduce/bathtub.ini -c Fast --set sim.horizon=4d --set bathtub.job=10h \
    --set bathtub.infant-scale=0.01h -o "$T/bt10" -q --no-plots >/dev/null 2>&1
near "T7 L=10h: P_mem" "$(expected "$T/bt10" "T7 P(fail) memoryless")" 0.43027568 5e-5
near "T7 L=10h: P_aware" "$(expected "$T/bt10" "T7 P(fail) bathtub-aware")" 0.067711522 1e-6
near "T7 L=10h: overhead" "$(expected "$T/bt10" "T7 preemptible overhead")" 0.066378070 1e-6
near "T7 L=10h: ratio" "$(expected "$T/bt10" "T7 P(fail) ratio")" 6.3545416 5e-5

# -- T7: a zero price ratio is refused ------------------------------------------------
# bathtub.price-ratio is a probability, so the parameter table lets 0 in;
# the cost ratio L / (price ratio x paid hours) would be infinite, so the
# model's setup refuses it (exit 2, the parameter named).
expect_status "T7 price ratio 0" 2 "$GM" reproduce --fast --set bathtub.price-ratio=0 bathtub
grep_err "T7 price ratio 0" "bathtub.price-ratio: price ratio must be > 0"

# -- T7: zero Weibull shapes and scales are refused -----------------------------------
# The parameter table lets 0 in for all four; a Weibull needs shape > 0 and
# scale > 0 (a scale of 0 makes lifetimes of 0: VMs preempted and replaced
# at one instant without end), so setup refuses each (exit 2, named).
for p in infant-shape:shape infant-scale:scale wear-shape:shape wear-scale:scale; do
    expect_status "T7 bathtub.${p%%:*} 0" 2 "$GM" reproduce --fast --set "bathtub.${p%%:*}=0" bathtub
    grep_err "T7 bathtub.${p%%:*} 0" "bathtub.${p%%:*}: ${p#*:} must be > 0, got 0"
done

# -- T3: the last segment ends the job despite rounding -------------------------------
# 0.9 min of work in segments of 0.3: in doubles 0.3 + 0.3 + 0.3 comes to
# 0.8999999999999999, below 0.9, so a job that asked for saved >= work
# exactly would write a fourth checkpoint after ~1e-16 min of work. With
# delta = 5 min, R = 0 and M = 1e6 min (a failure within a job's 16 min
# has probability 1.6e-5), every job takes 0.9 + 3 x 5 = 15.9 min: a fourth
# checkpoint makes it 20.9, and the row fails.
expect_status "T3 rounding of the last segment" 0 "$GM" reproduce --fast --set ckptjob.work=0.9min \
    --set ckptjob.taus=0.3 --set ckptjob.delta=5min --set ckptjob.mtbf=1000000min \
    --set ckptjob.restart=0 --set ckptjob.jobs=100 ckpt
if grep -Eq '^T3 Daly T_w\(tau=0\.3\) M=1e\+06 d=5 +15\.9 +15\.9 ' "$T/out"; then ok
else bad "T3 rounding of the last segment: expected and simulated are not 15.9"; cat "$T/out" >&2; fi

# -- T3: 'young' and 'daly' name the two formulas ------------------------------------
# Young: sqrt(2 delta M) = sqrt(2 x 5 x 1440) = 120 min; Daly: 120 (1 +
# sqrt(5/2880)/3 + (5/2880)/9) - 5 = 116.69 min. A restart cost of 0 is
# allowed (R >= 0); each segment of length s then costs M (e^((s + delta)/M)
# - 1), so at tau = 120 and T_s = 1000 min (8 whole segments and one of 40)
# T_w = 1440 (8 (e^(125/1440) - 1) + e^(45/1440) - 1) = 1090.40 (with R =
# 10 min it would be e^(10/1440) times that, 1098.0). The row's name shows
# each interval.
expect_status "T3 young and daly, R = 0" 0 "$GM" reproduce --fast --set ckptjob.taus=young,daly \
    --set ckptjob.restart=0 --set ckptjob.work=1000min ckpt
if grep -Eq '^T3 Daly T_w\(tau=120\) M=1440 d=5 +1090\.4 ' "$T/out"; then ok
else bad "T3 young: no row at tau = 120 expecting 1090.4"; cat "$T/out" >&2; fi
grep_out "T3 daly" "T3 Daly T_w(tau=116.69) M=1440 d=5"

# -- T3: the 95% CI is 1.96 standard errors of the mean completion time ----------------
# One segment (tau = 1000 >= T_s = 995 min) plus its checkpoint is s = 1000
# min = M of uninterrupted time, with R = 0: the job ends at the first
# failure-free stretch of length s, a renewal argument (T = s if no failure
# in s, else the failure time U plus a fresh T) gives, with x = s / M = 1,
#   E[T] = M (e^x - 1) = 1718.28 min (Daly's T_w at R = 0),
#   E[T^2] = M^2 e^x (e^-x x^2 + int_0^x u^2 e^-u du + 2 (e^x - 1) int_0^x
#            u e^-u du) = M^2 (2e^2 - 4e), so Var T = M^2 (e^2 - 2e - 1)
#   = 0.952492 M^2, sd 975.957 min.
# Over 100,000 jobs the CI is 1.96 x 975.957 / sqrt(100000) = 6.049 min;
# the sample sd is good to about 0.4% there (seeds 1-6 read 6.012 to
# 6.069): accept +-1.5%. The CI also sets each row's tolerance (3 CIs):
# one standard error for the CI (1.0 for 1.96), which halved the band,
# or 2.0 for 1.96, passed every test.
"$GM" reproduce --fast --set ckptjob.work=995min --set ckptjob.delta=5min --set ckptjob.restart=0 \
    --set ckptjob.mtbf=1000min --set ckptjob.taus=1000 --set ckptjob.jobs=100000 ckpt >"$T/out" 2>&1
if awk '/^T3 Daly T_w\(tau=1000\) M=1000 d=5 / { n++; ci = substr($(NF-2), 3)
        if ($(NF-4) != "1718.28" || $NF != "pass" || ci < 6.049 * 0.985 || ci > 6.049 * 1.015) bad = 1 }
        END { exit bad || n != 1 }' "$T/out"; then ok
else bad "T3 CI of one segment of M: want +-6.049"; cat "$T/out" >&2; fi

# -- T3: the parameter checks ----------------------------------------------------------
# M = 0 or T_s = 0 have no Daly interval (ckpt_daly asserts M > 0); an
# empty list has no interval to run; 33 intervals overflow the 32 kept.
expect_status "T3 MTBF 0" 2 "$GM" reproduce --fast --set ckptjob.mtbf=0 ckpt
grep_err "T3 MTBF 0" "ckptjob.mtbf: MTBF must be > 0, got 0 min"
expect_status "T3 work 0" 2 "$GM" reproduce --fast --set ckptjob.work=0 ckpt
grep_err "T3 work 0" "ckptjob.work: work must be > 0, got 0 min"
expect_status "T3 no interval" 2 "$GM" reproduce --fast --set ckptjob.taus=, ckpt
grep_err "T3 no interval" "ckptjob.taus: no checkpoint interval given"
expect_status "T3 33 intervals" 2 "$GM" reproduce --fast \
    --set ckptjob.taus=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33 ckpt
grep_err "T3 33 intervals" "ckptjob.taus: at most 32 intervals"

# -- T3: a row's tolerance is capped at ckptjob.tol ------------------------------------
# ckptjob.tol-floor's help: max(3 x the row's 95% CI, the floor), capped by
# ckptjob.tol (1%). Ten jobs of 10,000 min have a CI near 1% of T_w, so
# 3 CIs is about 3% and the band must read 1%.
"$GM" reproduce --fast --set ckptjob.jobs=10 --set ckptjob.taus=100 ckpt >"$T/out" 2>&1
if awk '/^T3 Daly T_w\(tau=100\)/ { n++; ci = substr($(NF-2), 3); if (!(3 * ci / $(NF-4) > 0.01) ||
        $(NF-1) != "+-1%") bad = 1 } END { exit bad || n != 1 }' "$T/out"; then ok
else bad "T3 tolerance capped at 1%"; cat "$T/out" >&2; fi

# -- T3: jobs unfinished at the horizon fail the run -----------------------------------
# 1,000 min of work in segments of 100 take 1,050 min without a failure, and
# a failure costs a restart and the segment lost; by 1,300 min a few jobs
# of 3,000 are still running (the ones with 3 or more failures). The mean
# of the finished ones can still pass its row, so the run must fail on
# its own (ckptjob.finished): 'run' exits 1.
expect_status "T3 unfinished jobs" 1 "$GM" run scenarios/reproduce/ckpt.ini -c Fast \
    --set ckptjob.work=1000min --set ckptjob.taus=100 --set sim.horizon=1300min \
    -o "$T/unf" -q --no-plots
grep_err "T3 unfinished jobs" "jobs at tau 100 did not finish by the horizon"

# -- T6: a free, flat recorded history -----------------------------------------------
# load_history takes prices of at least 0 USD/h. One update, 0 USD/h at
# 0 h: at a bid of 2 x 0.34 nothing is ever cut, so every policy finishes
# its 24 h job (done 1) and NONE takes 24 h for 0 USD; ADAPT's price levels
# span a single price (its range is widened by one unit) and it, too,
# never sees a cut: 24 h. The cost rows are 0/0, so the run fails (exit 1),
# not the load (exit 2).
sval() { awk -F, -v m="\"$2\"" -v p="\"$3\"" '$2 == m && $4 == p { print $5 }' "$1/scalars.csv"; }
printf 't_h,price_usd\n0,0\n' >"$T/free.csv"
expect_status "T6 a free history" 1 "$GM" run scenarios/reproduce/spotckpt.ini -c Fast \
    --set spotckpt.trace="$T/free.csv" --set spotckpt.bid=2 --set spotckpt.bids=0.4,0.4 \
    --set spotckpt.jobs=20 -o "$T/free" -q
if [ "$(sval "$T/free" spotckpt.cost NONE@2)" = 0 ] && [ "$(sval "$T/free" spotckpt.time NONE@2)" = 24 ] &&
   [ "$(sval "$T/free" spotckpt.done NONE@2)" = 1 ] && [ "$(sval "$T/free" spotckpt.time ADAPT@2)" = 24 ] &&
   [ "$(sval "$T/free" spotckpt.done ADAPT@2)" = 1 ]
then ok; else bad "T6 a free history: NONE and ADAPT"; cat "$T/free/scalars.csv" >&2; fi

# -- T7: a P(fail) is pooled over the batches, not a mean of batch shares -----------
# Every VM lives 10 h (no infant share, wear-out shape 1e9: the Weibull is
# its scale to ~1e-8), so the whole pool is born at 0, 10 h, 20 h, ... and
# every VM has the same age. Probes every hour from 100.5 h to 399.5 h (300
# ticks; horizon 400 h) see ages 0.5, 1.5, ..., 9.5 h in turn, and the 20
# batches are 15 ticks each (batch k = tick / 15 of the 299.5 h + 1 us
# span). A 2 h job fails at ages 8.5 and 9.5 h; the aware policy places
# only at ages >= 3 h. Even batches see ages 0.5..9.5, 0.5..4.5: 9 aware
# ticks, 2 failing; odd ones 5.5..9.5, 0.5..9.5: 12 aware ticks, 4 failing.
# Pooled: 10 x 6 / (10 x 21) = 2/7 = 0.285714 (prop(): "Pooled
# proportion"); the mean of the batch shares, (2/9 + 4/12) / 2 = 0.277778,
# is what an unweighted mean reports. Memoryless: 2 of every 10 ticks, 0.2.
# An aware attempt lasts until the job ends or the VM dies: 2 h at ages
# 3.5..7.5, 1.5 h at 8.5, 0.5 h at 9.5, so 16 h per even batch, 20 h per
# odd one: E[attempt] = 360 / 210 = 12/7 h, paid = (12/7) / (1 - 2/7) =
# 2.4 h and the overhead 2.4 / 2 - 1 = 0.2 (every attempt counted as a
# full L gives 2.8 h, overhead 0.4).
# (Exit 1: the memoryless/aware ratio 0.7 is below 2, as it should be.)
simulated() {   # simulated DIR TARGET-PREFIX
    awk -F, -v t="\"$2" '$2 == "\"repro.simulated\"" && index($4, t) == 1 { print $(NF-1) }' \
        "$1/scalars.csv"
}
expect_status "T7 synchronised pool" 1 "$GM" run scenarios/reproduce/bathtub.ini \
    --set sim.warmup=100.5h --set sim.horizon=400h --set sim.sample-interval=1h \
    --set bathtub.vms=10 --set bathtub.infant-weight=0 --set bathtub.wear-shape=1e9 \
    --set bathtub.wear-scale=10h -o "$T/sync" -q --no-plots
near "T7 synchronised pool: P_aware pooled" "$(simulated "$T/sync" "T7 P(fail) bathtub-aware")" \
    0.28571428571 1e-9
near "T7 synchronised pool: P_mem" "$(simulated "$T/sync" "T7 P(fail) memoryless")" 0.2 1e-9
# (the attempt hours carry the lifetimes' ~1e-8 jitter, ~ms after 40 lives)
near "T7 synchronised pool: overhead" "$(simulated "$T/sync" "T7 preemptible overhead")" 0.2 1e-5

cli_done
