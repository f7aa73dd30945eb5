#!/bin/sh
# tests/cli/repro5.sh -- 'gpumarket reproduce' mmc/erlangb (T1, T2), llama
# (T4) and availability: the tolerance columns, the batch bookkeeping and
# the end-of-run checks, each with an answer
# from the spec's defaults, a bound that holds on every sample path, or
# an invariance. Written by mutation testing: each check names the change
# to the code it catches. Run by 'make test' with GM_BIN pointing at the
# binary; prints "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

MMC2="--set mmc.servers=\${c=2} --set mmc.lambda=\${lambda=1}"

# -- T1/T2: each row has its own tolerance ------------------------------------
# README (Validation) and the mmc.* defaults: P(wait) +-0.005 absolute,
# blocking +-0.003, each capped at 20% of its expected value (1/3 and 4/9
# here, so the caps do not bind); W_q and L_q 3% relative; Little's law 1%.
# The P(wait) and blocking rows taking each other's tolerance, W_q taking
# Little's, or Little's taking W_q's passed every test.
"$GM" reproduce --fast $MMC2 --set 'mmc.jobs=${jobs=20000}' \
    --set 'mmc.warmup-jobs=${warm=1000}' mmc >"$T/out" 2>&1
if grep -E '^T1 Erlang C P\(wait\) c=2 a=1 .* \+-0\.005  ' "$T/out" >/dev/null &&
   grep -E '^T1 Erlang C W_q c=2 a=1 .* \+-3%  ' "$T/out" >/dev/null &&
   grep -E '^T1 Erlang C L_q \(time-avg\) c=2 a=1 .* \+-3%  ' "$T/out" >/dev/null &&
   grep -E '^T1 Little L\(time-avg\) = lambda W c=2 a=1 .* \+-1%  ' "$T/out" >/dev/null; then ok
else bad "mmc tolerance columns"; cat "$T/out" >&2; fi
"$GM" reproduce --fast --set 'mmc.servers=${c=1}' --set 'mmc.lambda=${lambda=0.8}' \
    --set 'mmc.jobs=${jobs=20000}' erlangb >"$T/out" 2>&1
if grep -E '^T2 Erlang B blocking c=1 a=0\.8 +0\.444444 .* \+-0\.003  ' "$T/out" >/dev/null; then ok
else bad "erlangb tolerance column"; cat "$T/out" >&2; fi

# -- T1: the point estimates do not depend on the batching ----------------------
# P(wait), W_q and L_q are totals over every measured renter (and the whole
# window) divided once; the batches only give the CI. The same seed split
# into 2, 7 or 20 batches (1003 renters: unequal batches) must print the
# same simulated values (the rows fail as imprecise, so the result column
# has more than one word: fields are counted from "a=1"). The mean of the
# per-batch ratios differed.
for b in 2 7 20; do
    "$GM" reproduce --fast $MMC2 --set 'mmc.jobs=${jobs=1003}' \
        --set 'mmc.warmup-jobs=${warm=100}' --set mmc.batches=$b mmc 2>&1 |
        awk '/^T1 Erlang C/ { for (i = 1; i < NF; i++) if ($i == "a=1") print $(i + 2) }' >"$T/b$b"
done
if [ "$(wc -l <"$T/b2")" = 3 ] && cmp -s "$T/b2" "$T/b7" && cmp -s "$T/b2" "$T/b20"; then ok
else bad "mmc point estimates depend on mmc.batches"; cat "$T/b2" "$T/b7" "$T/b20" >&2; fi

# -- T1: empty batches do not count in the CI -------------------------------------
# 22 renters in 20 batches are batches of ceil(22 / 20) = 2: the first 11
# hold them and 9 are empty, which is the same split as 11 batches of 2.
# The CIs must be the same; counting the empty batches in n (t(19) and
# sqrt(20) for t(10) and sqrt(11)) changed them.
for b in 11 20; do
    "$GM" reproduce --fast $MMC2 --set 'mmc.jobs=${jobs=22}' \
        --set 'mmc.warmup-jobs=${warm=100}' --set mmc.batches=$b mmc 2>&1 |
        awk '/^T1 Erlang C/ { for (i = 1; i < NF; i++) if ($i == "a=1") print $(i + 3) }' >"$T/e$b"
done
if [ "$(wc -l <"$T/e11")" = 3 ] && cmp -s "$T/e11" "$T/e20"; then ok
else bad "mmc CI counts empty batches"; cat "$T/e11" "$T/e20" >&2; fi

# -- T1: Little's simulated side is the time average over the window --------------------------
# 5000 servers, 20 renters arriving at rate 1 with rentals of mean 1000 s,
# no warm-up: in the window [first, last measured arrival] at most the 20
# measured renters are present, so the time-averaged L is at most 20 on
# every sample path (near 10, as N(t) climbs from 1 to 20), while lambda W
# is near 19/19 s x 1000 s (the row fails, as it should: the window is far
# from steady state). The row's expected and simulated columns swapped
# (lambda W as the simulated L) passed every test.
"$GM" reproduce --fast --set 'mmc.servers=${c=5000}' --set 'mmc.lambda=${lambda=1}' \
    --set mmc.mu=0.001 --set 'mmc.jobs=${jobs=20}' --set 'mmc.warmup-jobs=${warm=0}' mmc >"$T/out" 2>&1
if awk '/^T1 Little L\(time-avg\) = lambda W c=5000 a=1000 / {
        n++; if ($(NF-4) < 100 || $(NF-3) <= 1 || $(NF-3) > 20) bad = 1 }
        END { exit bad || n != 1 }' "$T/out"; then ok
else bad "mmc Little's L past the window"; cat "$T/out" >&2; fi

# -- T1: a measured renter still queueing at the horizon breaks the run -------------
# c = 1 at a = 0.999 is nearly critical: after 10,000 s the queue is long
# (its length grows like sqrt(t)), so renters who arrived by the horizon
# are still waiting there. The run must stop at the invariant (exit 2,
# no rows) rather than judge fewer renters than mmc.jobs; checking only
# that every renter arrived printed rows from 9,982 served.
expect_status "mmc with renters still queueing" 2 "$GM" reproduce --fast --set sim.horizon=10000s \
    --set 'mmc.servers=${c=1}' --set 'mmc.lambda=${lambda=0.999}' \
    --set 'mmc.jobs=${jobs=10000}' --set 'mmc.warmup-jobs=${warm=0}' mmc
grep_err "mmc with renters still queueing" "10000 of 10000 measured renters arrived and"

cli_done
