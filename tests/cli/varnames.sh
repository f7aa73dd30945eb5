#!/bin/sh
# tests/cli/varnames.sh -- a study variable becomes a column of runs.csv,
# summary.csv, contrasts.csv and the contrast charts' CSVs: it may not take
# the name of one of their own columns (README "Scenario files"). An axis
# named 'metric' gave summary.csv two 'metric' columns, one named 'status'
# failed every run. Each fixed column the program really writes is tried
# as a variable name and must be refused at its line, so a column added to
# a writer without being reserved (sim/scenario.c, reserved_vars) fails
# here.
. tests/cli_lib.sh

cat >"$T/s.ini" <<INI
include $PWD/scenarios/default.ini
[Config V]
extends = Quick
sim.horizon = 2d
sim.warmup = 1d
market.fee = \${v=0.1,0.2}
market.clearing = \${p=pay-as-bid,second-price}
INI
check "a study with variables v and p" "$GM" sweep "$T/s.ini" -c V -o "$T/r" -q --contrast v
check "gpumarket runs lists it" "$GM" runs "$T/s.ini" -c V
cp "$T/out" "$T/runs.txt"
forest=$(ls "$T"/r/plots/contrasts_*.csv 2>/dev/null | head -n 1)
if [ -n "$forest" ]; then ok; else bad "no contrast chart CSV to read columns from"; fi
cols=$(for f in "$T/r/runs.csv" "$T/r/summary.csv" "$T/r/contrasts.csv" $forest "$T/runs.txt"; do
           head -n 1 "$f" | tr ',' '\n'
       done | sort -u | grep -vx 'v' | grep -vx 'p')
n=0
for c in $cols; do
    n=$((n + 1))
    printf '[General]\nsim.model = phold\n\nphold.lps = ${%s=4,8}\n' "$c" >"$T/c.ini"
    expect_status "variable named '$c'" 2 "$GM" runs "$T/c.ini"
    grep_err "variable named '$c'" "c.ini:4: error: phold.lps: sweep variable name '$c' is reserved"
    # (repetition is seed-set's ${repetition}, refused for that first)
    [ "$c" = repetition ] || grep_err "variable named '$c'" "have a column of that name"
done
# the files' columns were read, not an empty list: config, metric, axis...
if [ "$n" -ge 30 ]; then ok; else bad "only $n fixed columns found"; fi
# a name that is no column is a variable as before (default.ini's FeeQuick
# sweeps one named policy)
printf '[General]\nsim.model = phold\nphold.lps = ${policy=4,8}\n' >"$T/ok.ini"
check "a variable named policy" "$GM" runs "$T/ok.ini"
grep_out "a variable named policy" "run_number,repetition,seed_set,policy"
cli_done
