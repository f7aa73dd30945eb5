#!/bin/sh
# tests/cli/mpi.sh -- the sweep command's argument edges, its progress
# counts and the facts its manifest records, in the local pool and under
# Open MPI. Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# Column of a CSV by header name (fields here hold no commas).
col() { awk -F, -v c="$2" 'NR==1{for(i=1;i<=NF;i++)if($i==c)k=i;next}{gsub(/"/,"");print $k}' "$1"; }

cat >"$T/p.ini" <<'INI'
[General]
sim.model = phold
sim.horizon = 200s
sim.sample-interval = 50s
phold.lps = 64
phold.events-per-lp = 4
seed = 9

[Config Rep]
repeat = 4
INI

# -- -j takes 1..4096, both ends included (its usage and message say so) ---
expect_status "sweep -j 0 is refused" 2 "$GM" sweep "$T/p.ini" -c Rep -j 0 -o "$T/j0" -q --no-plots
grep_err "sweep -j 0 says why" "-j needs 1..4096, got '0'"
if [ -e "$T/j0" ]; then bad "sweep -j 0 wrote a result"; else ok; fi
expect_status "sweep -j 4096, the most it takes" 0 "$GM" sweep "$T/p.ini" -c Rep -j 4096 \
    -o "$T/j4096" -q --no-plots
v=$(awk -F, 'NR>1{n++}END{print n+0}' "$T/j4096/runs.csv" 2>/dev/null)
if [ "$v" = 4 ]; then ok; else bad "sweep -j 4096 recorded $v runs, want 4"; fi

# -- --vary wants LO < HI: an empty range is refused too ---------------------
expect_status "sweep --vary with LO = HI" 2 "$GM" sweep "$T/p.ini" -c Rep -o "$T/eq" -q \
    --no-plots --sobol 2 --vary phold.remote=0.5..0.5
grep_err "sweep --vary LO = HI says why" "wants KEY=LO..HI with LO < HI"

# -- a Sobol point of an integer key is rounded to the nearest, not cut -----
# The Sobol sequence (after its zero point, which GSL skips) starts at 1/2
# in every dimension: --vary phold.lps=10..11.6 puts the one point at
# 10 + 0.5 * 1.6 = 10.8, which is 11 rounded, 10 truncated.
expect_status "sweep --sobol 1 over an integer key" 0 "$GM" sweep "$T/p.ini" -c Rep \
    -o "$T/sobr" -q --no-plots --sobol 1 --vary phold.lps=10..11.6 --set repeat=1
v=$(col "$T/sobr/runs.csv" phold_lps 2>/dev/null)
if [ "$v" = 11 ]; then ok; else bad "Sobol point 10.8 of phold.lps ran as '$v', want 11"; fi

# -- the progress line counts a crashed run as failed -----------------------
# One run of four crashes (--test-crash-run): the last progress line says
# 4 of 4 done, 1 failed; the study exits 1.
expect_status "sweep with one crashed run" 1 "$GM" sweep "$T/p.ini" -c Rep -j 1 \
    -o "$T/crash" --no-plots --test-crash-run 2
v=$(grep '^\[sweep\]' "$T/err" | tail -n 1 | sed 's/, elapsed.*//')
if [ "$v" = "[sweep] 4/4 runs done, 1 failed, 0 running" ]; then ok; else
    bad "last progress line after one crash: '$v'"; fi

cli_done
