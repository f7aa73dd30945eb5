#!/bin/sh
# tests/cli/repro.sh -- 'gpumarket reproduce' where the availability and
# M/M/c targets' bookkeeping decides the row: answers worked out by hand.
# Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# -- availability: a repair still running at the horizon counts ---------------
# Hosts fail after an Exp(1 h) life and take exactly 1000 h to repair
# (sigma 0); the run is 100 h. Started stationary, a host is down with
# probability 1000/1001, for the rest of its repair, U(0, 1000 h): 90% of
# hosts are down the whole run (U = 1), and nearly all the rest come back
# once, fail an Exp(1 h) later and are down to the end (U about 0.99). The
# mean is the long-run 1 - MTBF / (MTBF + MTTR) = 1 - 1/1001 = 0.999001 at
# any horizon; the hosts' U have variance 0.9 x 0.1 x 0.01^2 + 0.1 x 0.01^2
# = 1.9e-5 (sd 0.0044), so over 1000 hosts the mean is within 6 sd
# (0.00083) of it and the 95% CI near 1.96 x 0.0044 / sqrt(1000) = 0.00027;
# one not divided by sqrt(hosts) would be 0.0086. Counting downtime only
# when a repair ends gave the hosts down all run 0. The tolerance is the
# tighter of 10% and 0.001 / 0.999 (availability.tol): 0.1%.
expect_status "availability, repairs longer than the run" 0 "$GM" reproduce --fast \
    --set availability.classes=hobbyist --set hostclass.hobbyist.mtbf=1h \
    --set hostclass.hobbyist.repair-median=1000h --set hostclass.hobbyist.repair-sigma=0 \
    --set sim.horizon=100h availability
if awk '/^availability: U = 1-A, hobbyist/ {
        n++; ci = substr($(NF-2), 3)
        if ($(NF-4) != "0.999001" || $(NF-3) < 0.99817 || $(NF-3) > 0.99983 ||
            ci < 0.00018 || ci > 0.00036 || $(NF-1) != "+-0.1%") bad = 1 }
        END { exit bad || n != 1 }' "$T/out"; then ok
else bad "availability, repairs longer than the run: row"; cat "$T/out" >&2; fi

# -- mmc: as many jobs as batches is allowed ------------------------------------
# mmc.jobs "need at least one job per batch": 20 jobs in 20 batches is
# one each, a valid (if imprecise) run that prints its rows, not exit 2.
"$GM" reproduce --fast --set 'mmc.servers=${c=2}' --set 'mmc.lambda=${lambda=1}' \
    --set 'mmc.jobs=${jobs=20}' --set 'mmc.warmup-jobs=${warm=0}' mmc >"$T/out" 2>"$T/err"
got=$?
if [ "$got" != 2 ] && ! grep -q "job per batch" "$T/err" &&
   grep -q '^T1 Erlang C P(wait) c=2 a=1 ' "$T/out"; then ok
else bad "mmc with 20 jobs in 20 batches (exit $got)"; cat "$T/err" >&2; fi

# -- mmc: the warm-up's renters are simulated before the measured ones ----------
# With a queue (no loss) and a horizon long enough to serve everyone, each
# of the warmup-jobs + jobs renters arrives once and departs once: 2 x
# (0 + 2000) = 4000 events without a warm-up, 2 x (5000 + 2000) = 14000
# with one of 5000 (the tolerances are opened so that both runs pass).
cat >"$T/warm.ini" <<'INI'
[General]
sim.model = mmc
sim.horizon = 100000000s
mmc.jobs = 2000
mmc.warmup-jobs = ${w=0,5000}
mmc.tol-wq = 1
mmc.tol-pwait = 1
mmc.tol-little = 1
INI
expect_status "mmc with and without warm-up renters" 0 "$GM" run "$T/warm.ini" -o "$T/warm" -q --no-plots
v=$(col "$T/warm/runs.csv" events | tr '\n' ' ')
if [ "$v" = "4000 14000 " ]; then ok; else bad "mmc events with warm-up 0 and 5000: '$v', want 4000 14000"; fi

# -- mmc: jobs not a multiple of the batches ----------------------------------
# 200001 jobs in 20 batches: batches of ceil(200001 / 20) = 10001, the last
# one shorter. Batches of the floor, 10000, put job 200000 in a 21st batch
# that the end-of-run count missed: "200000 of 200001 measured renters
# arrived", an invariant failure row, exit 1. At c = 2, a = 1 the rows pass
# (the 200000-job Fast run of the T1 table).
expect_status "mmc with 200001 jobs in 20 batches" 0 "$GM" reproduce --fast \
    --set 'mmc.servers=${c=2}' --set 'mmc.lambda=${lambda=1}' \
    --set 'mmc.jobs=${jobs=200001}' --set 'mmc.warmup-jobs=${warm=10000}' mmc
if ! grep -q 'broke an invariant' "$T/out" && ! grep -q 'measured renters' "$T/err"; then ok
else bad "mmc with 200001 jobs in 20 batches: invariant"; cat "$T/out" "$T/err" >&2; fi
# Little's row expects lambda_obs W over the window from the first to the
# last measured arrival, about L = L_q + a = C(2, 1) x 1 / (2 - 1) + 1 =
# 4/3 (the W_q row's CI is +-3%: accept +-2%). A window never closed at
# the last arrival ran to the end of time: an expected value of ~1e-12.
if awk '/^T1 Little L\(time-avg\) = lambda W c=2 a=1 / {
        n++; if ($(NF-4) < 4 / 3 * 0.98 || $(NF-4) > 4 / 3 * 1.02) bad = 1 }
        END { exit bad || n != 1 }' "$T/out"; then ok
else bad "mmc with 200001 jobs in 20 batches: Little's row"; cat "$T/out" >&2; fi

# -- mmc: the batch-means CI of blocking at c = 1 -------------------------------
# With one server every arrival leaves it busy (it was, or the renter took
# it), and the next finds it still busy iff the exponential service outlasts
# the gap: probability lambda / (lambda + mu) = 0.8 / 1.8 = 4/9 whatever came
# before. So the blocking indicators are iid Bernoulli(4/9), and 200000 of
# them in 20 batches give a half-width near t(19) sqrt(p (1 - p) / N) =
# 2.093 x 0.001111 = 0.00233 (the batches' sd is itself +-16%: accept
# 0.0014 to 0.0034). A CI not divided by sqrt(batches) was 4.5 times that.
expect_status "erlang B at c=1 a=0.8" 0 "$GM" reproduce --fast --set mmc.loss=true \
    --set 'mmc.servers=${c=1}' --set 'mmc.lambda=${lambda=0.8}' \
    --set 'mmc.jobs=${jobs=200000}' --set 'mmc.warmup-jobs=${warm=1000}' mmc
if awk '/^T2 Erlang B blocking c=1 a=0.8 / {
        n++; ci = substr($(NF-2), 3)
        if ($(NF-4) != "0.444444" || $(NF-3) < 4 / 9 - 0.0045 || $(NF-3) > 4 / 9 + 0.0045 ||
            ci < 0.0014 || ci > 0.0034) bad = 1 }
        END { exit bad || n != 1 }' "$T/out"; then ok
else bad "erlang B at c=1 a=0.8: row"; cat "$T/out" >&2; fi

# -- mmc: empty batches are left out of the CI ---------------------------------
# 21 jobs in 20 batches: batches of 2, so batches 11-19 get no renter. The
# CI comes from the spread of the 11 that did, which is not nil (P(wait)
# of a batch of 2 is 0, 1/2 or 1). An empty batch (0 of 0) taken as a
# ratio made the spread NaN, which fmax(0, NaN) turned into a CI of +-0.
"$GM" reproduce --fast --set 'mmc.servers=${c=2}' --set 'mmc.lambda=${lambda=1}' \
    --set 'mmc.jobs=${jobs=21}' --set 'mmc.warmup-jobs=${warm=0}' mmc >"$T/out" 2>"$T/err"
if grep -E '^T1 Erlang C P\(wait\) c=2 a=1 +[0-9.]+ +[0-9.]+ +\+-(0\.[0-9]*[1-9]|[1-9])' "$T/out" >/dev/null &&
   grep -E '^T1 Erlang C W_q c=2 a=1 +[0-9.]+ +[0-9.]+ +\+-(0\.[0-9]*[1-9]|[1-9])' "$T/out" >/dev/null; then ok
else bad "mmc with empty batches: CI column"; cat "$T/out" >&2; fi

cli_done
