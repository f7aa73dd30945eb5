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

cli_done
