#!/bin/sh
# tests/cli/walk.sh -- a new user's walk through README.md: what the manual
# promises about the command line, checked as a user would run it.
# Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

cat >"$T/phold.ini" <<'INI'
[General]
sim.model = phold
sim.horizon = 200s
sim.sample-interval = 50s
phold.lps = 64
phold.events-per-lp = 4
seed = 9
phold.remote = ${policy=0.1,0.5}
repeat = 2
INI

# -- Experiments at scale: every part of a Slurm array or GNU parallel job
# runs the same command line with its own -r N; "all three take --contrast
# AXIS[=BASELINE]". A part whose runs are not at the baseline was refused
# (exit 2, "baseline '0.5' is not a value of axis 'policy'", nothing run),
# so half the array failed; it now runs, with a header-only contrasts.csv,
# and merge pairs the parts.
for n in 0 1 2 3; do
    check "part $n with --contrast policy=0.5" "$GM" run "$T/phold.ini" -r $n \
        -o "$T/arr/runs/General-$n" --no-plots -q --contrast policy=0.5
done
if [ "$(wc -l <"$T/arr/runs/General-0/contrasts.csv")" = 1 ]; then ok
else bad "a part away from the baseline: header-only contrasts.csv"; fi
check "merge the parts with --contrast policy=0.5" "$GM" merge "$T/arr" --contrast policy=0.5
check "sweep with --contrast policy=0.5" "$GM" sweep "$T/phold.ini" -j 2 -o "$T/sw" --no-plots -q \
    --contrast policy=0.5
if cmp -s "$T/arr/contrasts.csv" "$T/sw/contrasts.csv" &&
   grep -q '"policy","0.1","0.5",2,' "$T/arr/contrasts.csv"
then ok; else bad "merged parts' contrasts = sweep's"; fi
# a baseline the study does not have is still refused, part or not
expect_status "part with a baseline the study lacks" 2 "$GM" run "$T/phold.ini" -r 0 \
    -o "$T/nob" --no-plots -q --contrast policy=0.7
grep_err "part with a baseline the study lacks" "baseline '0.7' is not a value of axis 'policy'"

# -- What it models, Supply: "any other name works too" for a host class.
# Its share is a weight beside the others' (normalised): the parameter help
# said "share of the initial machines", so a class added with share 0.3
# beside the built-in ones (summing to 1) looked like 30% and was 23%.
"$GM" params hostclass.farm.share >"$T/out" 2>"$T/err"
grep_out "hostclass share help says it is a weight" "normalised to sum to 1"
"$GM" params region.us.share >"$T/out" 2>"$T/err"
grep_out "region share help says it is a weight" "normalised to sum to 1"
cat >"$T/garage.ini" <<'INI'
[General]
sim.horizon = 1d
sim.warmup = 0d
supply.gpus = 600
[hostclass garage]
share = 1
INI
check "a host class of one's own" "$GM" run "$T/garage.ini" -o "$T/garage" --no-plots -q
# machines listed at t = 0 by class: garage's weight 1 beside 0.5+0.35+0.15
awk -F, '$2 == 0 && $3 ~ /^"reliability_hist_listed_/ { n[$3] += $6; all += $6 }
         END { g = n["\"reliability_hist_listed_garage\""] / all; exit !(g > 0.4 && g < 0.6) }' \
    "$T/garage/timeseries.csv" && ok || bad "host class share 1 beside the built-in 1: half the machines"

cli_done
