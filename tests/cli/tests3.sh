#!/bin/sh
# tests/cli/tests3.sh -- merge and diff behaviour that mutation testing
# found unchecked: a run in two parts, a leftover part being written
# (.tmp-), points on one side only, and the CI diff prints. Run by
# 'make test' with GM_BIN pointing at the binary.
. tests/cli_lib.sh

cat >"$T/m.ini" <<'INI'
[General]
sim.model = phold
sim.horizon = 100s
sim.sample-interval = 50s
phold.lps = 8
phold.events-per-lp = 2
seed = 5
repeat = 3
INI
for r in 0 1 2; do
    "$GM" run "$T/m.ini" -r $r -o "$T/m/runs/General-$r" -q --no-plots || bad "run -r $r"
done
check "merge of three parts" "$GM" merge "$T/m"
cp -r "$T/m" "$T/m0"

# -- a run in two parts is refused, not counted twice ----------------------
# (dropping the duplicate check merged 4 runs of a 3-run study)
cp -r "$T/m/runs/General-1" "$T/m/runs/General-1b"
expect_status "merge refuses run 1 in two parts" 2 "$GM" merge "$T/m"
grep_err "merge names both parts" "run 1 is in both $T/m/runs/General-1 and $T/m/runs/General-1b"
rm -rf "$T/m/runs/General-1b"

# -- a part still being written (DIR.tmp-PID) is not a part ----------------
# (README: a study is built in DIR.tmp-PID and renamed when complete; one
# left by an interrupted 'run -o runs/General-1' made run 1 a duplicate)
cp -r "$T/m/runs/General-1" "$T/m/runs/General-1.tmp-4242"
check "merge skips runs/General-1.tmp-4242" "$GM" merge "$T/m"
for f in runs.csv scalars.csv timeseries.csv params.csv summary.csv contrasts.csv; do
    if cmp -s "$T/m0/$f" "$T/m/$f"; then ok; else bad "merge with a .tmp- part: $f differs"; fi
done
rm -rf "$T/m/runs/General-1.tmp-4242"

# -- diff prints each side's 95% CI half-width, the one summary.csv has ----
# (summary.csv's CI is checked against t quantiles in tests/check_stats.c)
"$GM" diff --all "$T/m0" "$T/m0" >"$T/out" 2>"$T/err"
want=$(awk -F, '$2=="\"events_committed\"" { printf "%.3g", $10 - $6 }' "$T/m0/summary.csv")
line=$(grep '^all  *events_committed ' "$T/out")
a=$(echo "$line" | sed -n 's/.* A [^ ]* ±\([^ ]*\) .*/\1/p')
b=$(echo "$line" | sed -n 's/.* B [^ ]* ±\([^ ]*\) .*/\1/p')
if [ -n "$want" ] && [ "$a" = "$want" ] && [ "$b" = "$want" ]; then ok
else bad "diff's ± is A '$a', B '$b'; summary.csv's 95% half-width is '$want'"; echo "$line" >&2; fi

# -- points on one side only are flagged, by name --------------------------
cat >"$T/p.ini" <<'INI'
[General]
sim.model = phold
sim.horizon = 100s
sim.sample-interval = 50s
phold.lps = 8
phold.events-per-lp = 2
seed = 5

[Config A]
phold.remote = ${remote=0.1,0.5}

[Config B]
phold.remote = ${remote=0.1,0.9}
INI
"$GM" run "$T/p.ini" -c A -o "$T/pa" -q --no-plots || bad "run A"
"$GM" run "$T/p.ini" -c B -o "$T/pb" -q --no-plots || bad "run B"
expect_status "diff with a point on each side only" 1 "$GM" diff "$T/pa" "$T/pb" \
    --metrics events_committed
if grep -q 'remote=0.5 .*events_committed .*MOVED (point missing in B)' "$T/out"; then ok
else bad "diff: remote=0.5 is not 'point missing in B'"; cat "$T/out" >&2; fi
if grep -q 'remote=0.9 .*events_committed .*MOVED (point new in B)' "$T/out"; then ok
else bad "diff: remote=0.9 is not 'point new in B'"; cat "$T/out" >&2; fi
if grep -q 'remote=0.1 ' "$T/out"; then bad "diff flagged the common point"; cat "$T/out" >&2; else ok; fi
grep_err "diff counts them" "diff: 2 of 3 comparisons moved: 2 on one side only"

cli_done
