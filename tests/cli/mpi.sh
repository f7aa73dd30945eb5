#!/bin/sh
# tests/cli/mpi.sh -- the sweep command's argument edges, its progress
# counts and the facts its manifest records, in the local pool and under
# Open MPI. Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh


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

# -- --sobol takes 1 to 40 --vary keys (GSL's Sobol has up to 40 dimensions)
# Forty probabilities of the market's archetypes (a phold study ignores
# them): the one point is the middle of every range, 0.1 + 0.5 * 0.1.
vs= i=0
for a in academic company consultant enterprise hobbyist indie; do
    for k in bid-raise big-model-prob day-amplitude secure-cloud min-reliability name-pin on-failure-move; do
        [ $i -lt 40 ] && vs="$vs --vary archetype.$a.$k=0.1..0.2"
        i=$((i + 1))
    done
done
# shellcheck disable=SC2086
expect_status "sweep --sobol 1 with 40 --vary keys" 0 "$GM" sweep "$T/p.ini" -c Rep -o "$T/v40" \
    -q --no-plots --sobol 1 --set repeat=1 $vs
v=$(col "$T/v40/runs.csv" archetype_indie_min_reliability 2>/dev/null)
if [ "$v" = 0.15 ]; then ok; else bad "the 40th --vary key's point is '$v', want 0.15"; fi
# a 41st is refused by name, with the usage (exit 2), and no result is made
# shellcheck disable=SC2086
expect_status "sweep --sobol 1 with 41 --vary keys" 2 "$GM" sweep "$T/p.ini" -c Rep -o "$T/v41" \
    -q --no-plots --sobol 1 --set repeat=1 $vs --vary archetype.indie.on-failure-move=0.1..0.2
grep_err "the 41st --vary is named" "--vary wants KEY=LO..HI with LO < HI, got 'archetype.indie.on-failure-move=0.1..0.2'"
if [ ! -e "$T/v41" ]; then ok; else bad "sweep with 41 --vary keys made $T/v41"; fi

# -- under Open MPI ----------------------------------------------------------
if command -v mpirun >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1 &&
   ! "$GM" sweep "$T/p.ini" --mpi -o "$T/nompi" -q 2>&1 | grep -q 'no Open MPI'; then
    mpi() {
        OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
            ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0 timeout 60 mpirun --oversubscribe "$@"
    }
    # the manifest records the farm: K ranks are rank 0 and K-1 workers
    mpi -np 3 "$GM" sweep "$T/p.ini" -c Rep --mpi -o "$T/np3" -q --no-plots >"$T/mpi.log" 2>&1
    v=$(sed -n '/^\[sweep\]/,/^$/p' "$T/np3/manifest.ini" 2>/dev/null | grep -E '^(mode|workers)' | tr '\n' ';')
    if [ "$v" = "mode = mpi;workers = 2;" ]; then ok; else bad "mpirun -np 3 --mpi recorded '$v'"; cat "$T/mpi.log" >&2; fi
    # every run is counted as it ends, run 0 too: run 0 crashes, and the
    # last progress line says 4 of 4 done, 1 failed (rank 0 alone prints it)
    mpi -np 2 "$GM" sweep "$T/p.ini" -c Rep --mpi -o "$T/mcrash" --no-plots \
        --test-crash-run 0 >"$T/mpi.log" 2>&1
    rc=$?
    if [ $rc = 1 ]; then ok; else bad "mpirun sweep, run 0 crashed: exit $rc, want 1"; fi
    v=$(grep '\[sweep\]' "$T/mpi.log" | tail -n 1 | sed 's/.*\[sweep\]/[sweep]/; s/, elapsed.*//')
    if [ "$v" = "[sweep] 4/4 runs done, 1 failed, 0 running" ]; then ok; else
        bad "mpirun sweep, last progress line after run 0 crashed: '$v'"; fi
    # a run that cannot be set up (found when it starts) stops the study
    # with status 2, as in the local pool: the run stopped on the other
    # rank for it does not turn it into an interrupt (130)
    cat >"$T/la.ini" <<'INI'
[General]
sim.model = phold
sim.horizon = 100000000s
sim.sample-interval = 10000000s
phold.lps = 1000
phold.lookahead = 0
phold.mean = ${m=1s,0s}
INI
    mpi -np 3 "$GM" sweep "$T/la.ini" --mpi -o "$T/mla" -q --no-plots >"$T/mpi.log" 2>&1
    rc=$?
    if [ $rc = 2 ]; then ok; else bad "mpirun sweep, one run cannot be set up: exit $rc, want 2"; cat "$T/mpi.log" >&2; fi
    left=$(cd "$T" && ls -d mla mla.tmp-* 2>/dev/null)
    if [ -z "$left" ]; then ok; else bad "mpirun sweep stopped on a setup error left $left"; fi
    # one worker: run 0 cannot be set up, and run 1 (long) is not handed
    # out after it (it was, and ran whole: minutes, then thrown away)
    sed 's/^phold.mean = .*/phold.mean = ${m=0s,1s}/' "$T/la.ini" >"$T/la0.ini"
    now() { date +%s.%N; }
    t0=$(now)
    mpi -np 2 "$GM" sweep "$T/la0.ini" --mpi -o "$T/mla0" -q --no-plots >"$T/mpi.log" 2>&1
    rc=$?
    t1=$(now)
    if [ $rc = 2 ]; then ok; else bad "mpirun -np 2 sweep, run 0 cannot be set up: exit $rc, want 2"; fi
    if awk -v a="$t0" -v b="$t1" 'BEGIN{exit !(b - a < 20)}'; then ok; else
        bad "mpirun -np 2 sweep took $(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}') s to stop after run 0 could not be set up"; fi
else
    echo "skip mpirun (no Open MPI in this build or no mpirun)"
fi

cli_done
