#!/bin/sh
# tests/cli/stats.sh -- `gpumarket diff` and the statistics read back from
# a result directory. Run by 'make test' with GM_BIN pointing at the
# binary; prints "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# Two sweep axes, one run per point (repeat = 1, as in the default scenario).
cat >"$T/p.ini" <<'INI'
[General]
sim.model = phold
sim.horizon = 200s
sim.sample-interval = 50s
phold.lps = 16
phold.events-per-lp = 2
seed = 9

[Config S]
phold.remote = ${remote=0.1,0.5}
phold.lps = ${lps=16,32}

# S again, its axes declared in the other order, the values spelt otherwise
[Config Swapped]
phold.lps = ${lps=16,32}
phold.remote = ${remote=0.10,5e-1}

[Config Rep]
repeat = 2

[Config Shift]
extends = S
phold.mean = 1.05s
INI
"$GM" run "$T/p.ini" -c S -o "$T/a" -q --no-plots || bad "run S"
"$GM" run "$T/p.ini" -c Shift -o "$T/shift" -q --no-plots || bad "run Shift"

# -- points match on their (axis, value) pairs, not on the label's text ----
"$GM" run "$T/p.ini" -c Swapped -o "$T/swapped" -q --no-plots || bad "run Swapped"
expect_status "diff: axes in another order, 0.10 for 0.1" 0 "$GM" diff "$T/a" "$T/swapped"
grep_err "diff: every point matched" "diff: 0 of 20 comparisons moved"
expect_status "diff the other way round" 0 "$GM" diff "$T/swapped" "$T/a"

# -- a run that failed its checks is not a result: diff refuses it ------
# (as `run` leaves it: status failed in runs.csv and a FAILED file). The
# other replication survives, so compared on it alone nothing moved.
"$GM" run "$T/p.ini" -c Rep -o "$T/rep" -q --no-plots || bad "run Rep"
cp -r "$T/rep" "$T/failed"
sed 's/^\("Rep-1",.*\)"ok"/\1"failed"/' "$T/rep/runs.csv" >"$T/failed/runs.csv"
echo 'Rep-1: invariant phold.order violated at t=0.01 h' >"$T/failed/FAILED"
if grep -q '"Rep-1",.*"failed"' "$T/failed/runs.csv"; then ok; else bad "test setup: Rep-1 not failed"; fi
expect_status "diff with a failed run in B" 1 "$GM" diff "$T/rep" "$T/failed" --rtol 0.5
grep_err "diff says B has a failed run" "$T/failed: 1 of 2 runs did not end ok"
if [ -s "$T/out" ]; then bad "diff compared a directory with a failed run"; else ok; fi
expect_status "diff with a failed run in A" 1 "$GM" diff "$T/failed" "$T/rep" --rtol 0.5
grep_err "diff says A has a failed run" "$T/failed: 1 of 2 runs did not end ok"
expect_status "diff of the same without the failed run passes" 0 "$GM" diff "$T/rep" "$T/rep"

# -- n < 2: no CI, no test; the closing line says why things moved ----------
expect_status "diff of a shift with one run a side" 1 "$GM" diff "$T/a" "$T/shift"
grep_out "one run: the CI is n/a, not ±0" "events_committed"
if grep 'events_committed ' "$T/out" | grep -q '±n/a.*±n/a.*p=- .*MOVED (n < 2, no test)'; then ok
else bad "one run a side: ±n/a, p=-, MOVED (n < 2, no test)"; cat "$T/out" >&2; fi
if grep -q '±0 \|p=0 ' "$T/out"; then bad "one run a side printed ±0 or p=0"; cat "$T/out" >&2; else ok; fi
grep_err "closing line counts the untested moves" "beyond 1% with fewer than 2 runs on a side (no test)"
if grep -q 'significant' "$T/err"; then bad "closing line calls untested moves significant"; else ok; fi

# -- values the writer writes are read back: inf, subnormals, empty (NaN) --
cp -r "$T/rep" "$T/inf"
awk -F, 'BEGIN{OFS=","} $1=="\"Rep-0\"" && $2=="\"events_committed\"" {$5="inf"} {print}' \
    "$T/rep/scalars.csv" >"$T/inf/scalars.csv"
awk -F, 'BEGIN{OFS=","} NR==2 {$6=""} NR==3 {$6="1e-310"} {print}' \
    "$T/rep/timeseries.csv" >"$T/inf/timeseries.csv"
expect_status "diff: finite -> inf is a change" 1 "$GM" diff "$T/rep" "$T/inf" --metrics events_committed
grep_out "diff: finite -> inf says so" "MOVED (not finite)"
# an infinite mean over two runs has no CI that means anything (its sd is
# NaN): "inf ±n/a", as for one run, not "inf ±nan" (print_side tested
# isfinite(hi); a test of n > 1 alone survived every test)
grep_out "diff: inf over two runs has no CI" "B inf ±n/a"
if grep -qi 'nan' "$T/out"; then bad "diff printed a NaN CI"; cat "$T/out" >&2; else ok; fi

# -- --rtol and --alpha are whole numbers, not a number and then text -----
# (usage: "--alpha A  significance level"; '0.1x' read as 0.1 survived)
expect_status "diff --alpha 0.1x is refused" 2 "$GM" diff "$T/rep" "$T/rep" --alpha 0.1x
grep_err "diff --alpha 0.1x says why" "--alpha wants a number in (0, 1), got '0.1x'"
expect_status "diff --rtol 0.1x is refused" 2 "$GM" diff "$T/rep" "$T/rep" --rtol 0.1x
grep_err "diff --rtol 0.1x says why" "--rtol wants a number >= 0, got '0.1x'"
expect_status "diff reads an empty and a subnormal series sample" 0 \
    "$GM" diff "$T/inf" "$T/inf" --metrics 'events_committed.steady_mean'

# -- exit codes as the README's command-line section gives them: a
# scenario with errors is 1 from validate, 2 from run, sweep and runs
printf '[General]\nsim.model = phold\nsim.horizon = -5s\n' >"$T/bad.ini"
expect_status "validate: a scenario with errors is 1" 1 "$GM" validate "$T/bad.ini"
grep_err "validate names the error" "sim.horizon"
expect_status "validate: an unreadable scenario is 2" 2 "$GM" validate "$T/none.ini"
for c in run sweep runs; do
    expect_status "$c: a scenario with errors is 2" 2 "$GM" $c "$T/bad.ini"
    grep_err "$c names the error" "sim.horizon"
done

# -- --contrast names a numeric baseline as any spelling of it -------------
# (0.3 on an axis written 0.30 was "not a value of axis", exit 2, while
# points match numerically everywhere else: diff, summary keys)
cat >"$T/ct.ini" <<'INI'
[General]
sim.model = phold
sim.horizon = 0.0001d
phold.remote = ${remote=0.10,0.20,0.30}
repeat = 2
INI
check "run --contrast remote=0.3 on 0.30" "$GM" run -q --no-plots "$T/ct.ini" --contrast remote=0.3 \
    -o "$T/ct"
if grep -q '"remote","0.10","0.30"' "$T/ct/contrasts.csv" 2>/dev/null; then ok
else bad "contrasts.csv does not pair against the point 0.30"; head -3 "$T/ct/contrasts.csv" >&2; fi
mkdir -p "$T/ctm/runs"
for n in 0 1 2 3 4 5; do
    "$GM" run -q --no-plots "$T/ct.ini" -r $n -o "$T/ctm/runs/General-$n" || bad "run -r $n"
done
check "merge --contrast remote=.3" "$GM" merge "$T/ctm" --contrast remote=.3
if cmp -s "$T/ct/contrasts.csv" "$T/ctm/contrasts.csv"; then ok
else bad "merge's contrasts differ from run's"; fi
expect_status "--contrast remote=0.4 is no value" 2 "$GM" run -q --no-plots "$T/ct.ini" \
    --contrast remote=0.4 -o "$T/ct4"
grep_err "--contrast remote=0.4 says why" "baseline '0.4' is not a value of axis 'remote'"
# merge's own check lists the axis's values too (error audit: it said only
# that the baseline was none of them)
expect_status "merge --contrast remote=0.4 is no value" 2 "$GM" merge "$T/ctm" --contrast remote=0.4
grep_err "merge --contrast remote=0.4 lists the values" "baseline '0.4' is not a value of axis 'remote' (its values: '0.10', '0.20', '0.30')"

cli_done
