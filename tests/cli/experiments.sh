#!/bin/sh
# tests/cli/experiments.sh -- command-level tests of the experiments layer: sweep,
# merge, diff, MPI. Run by 'make test' with GM_BIN set to the binary.
# Prints "N passed, M failed" and exits non-zero on any failure.
set -u
G=${GM_BIN:-build/gpumarket}
S=tests/data/sweep.ini
T=$(mktemp -d /tmp/gmcli-XXXXXX)
pass=0; fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
same() { for f in runs.csv scalars.csv summary.csv contrasts.csv params.csv timeseries.csv; do cmp -s "$1/$f" "$2/$f" || { echo "  $1/$f and $2/$f differ"; return 1; }; done; }
# Column of a CSV by header name (fields here hold no commas).
col() { awk -F, -v c="$2" 'NR==1{for(i=1;i<=NF;i++)if($i==c)k=i;next}{gsub(/"/,"");print $k}' "$1"; }
# Mean CI width of a contrasts.csv for one metric.
ciw() { awk -F, -v m="\"$2\"" 'NR==1{for(i=1;i<=NF;i++){if($i=="ci_low")l=i;if($i=="ci_high")h=i;if($i=="metric")k=i};next}
        $k==m{s+=$h-$l;n++}END{printf "%.6g\n", n?s/n:-1}' "$1"; }

# Each --help exits 0 and starts with its own command's usage line.
for c in sweep merge diff; do
    check "$c --help exits 0" sh -c "'$G' $c --help >'$T/help.txt'"
    check "$c --help gives its usage line" \
        sh -c "head -n 1 '$T/help.txt' | grep -q '^Usage: gpumarket $c '"
done
check "sweep without scenario is a usage error (2)" sh -c "'$G' sweep >/dev/null 2>&1; [ \$? = 2 ]"

# -j 1 and -j 2 give byte-identical merged files.
"$G" sweep $S -c Sweep -j 1 -o "$T/j1" -q
check "sweep -j 1 exits 0" [ $? = 0 ]
"$G" sweep $S -c Sweep -j 2 -o "$T/j2" 2>"$T/progress.txt"
check "sweep -j 2 exits 0" [ $? = 0 ]
check "sweep -j 1 and -j 2 are byte-identical" same "$T/j1" "$T/j2"
v=$(col "$T/j1/runs.csv" run_number | tr '\n' ' ')
check "runs.csv has 18 runs in run-number order" [ "$v" = "$(seq 0 17 | tr '\n' ' ')" ]
check "summary.csv has a row per point and metric with n = 6" \
    sh -c "[ \$(grep -c '\"events_committed\",\"model\",\"phold\",6,' '$T/j1/summary.csv') = 3 ]"
# Warm-up deletion, recomputed from timeseries.csv: the mean of the samples
# at t >= the warm-up. With a 100 s warm-up, samples at 50, 100 and 150 s
# keep the last two (the one at exactly 100 s counts); one run, so the
# summary's mean is that run's steady mean, printed to 17 digits.
"$G" run $S -c Sweep -r 0 -s sim.warmup=100s -o "$T/warm" -q --no-plots
tmean() { awk -F, -v w="$2" 'NR>1 && $3=="\"events_committed\"" && $2*3600 >= w-1e-6 {s+=$6;n++}
          END{if(n)printf "%.17g\n", s/n}' "$1/timeseries.csv"; }
steady=$(tmean "$T/warm" 100); all=$(tmean "$T/warm" 0)
sm=$(awk -F, '$3=="\"events_committed.steady_mean\""{print $7}' "$T/warm/summary.csv")
near() { awk -v a="$1" -v b="$2" -v tol="$3" 'BEGIN{d=a-b; if(d<0)d=-d; exit !(a!="" && b!="" && d<=tol)}'; }
check "warm-up deletion: steady_mean is the mean of the samples at t >= warm-up" \
    near "$steady" "$sm" 1e-6
far() { [ -n "$1" ] && [ -n "$2" ] && ! near "$1" "$2" "$3"; }
check "warm-up deletion: the steady mean differs from the all-sample mean" \
    far "$steady" "$all" 1e-6
check "progress line shows done, failed and ETA" \
    grep -q 'runs done, 0 failed, .* ETA' "$T/progress.txt"

# Open MPI: rank 0 hands out runs, same bytes. (Leak checking is off for
# the ranks: Open MPI's dlopened plugins keep memory until exit, and their
# frames cannot be named in a suppression once unloaded.)
if command -v mpirun >/dev/null 2>&1 && ! "$G" sweep $S -c Sweep --mpi -o "$T/nompi" -q 2>&1 | grep -q 'no Open MPI'; then
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
        ASAN_OPTIONS=detect_leaks=0 \
        mpirun --oversubscribe -np 3 "$G" sweep $S -c Sweep --mpi -o "$T/mpi3" -q >"$T/mpi.log" 2>&1
    check "mpirun -np 3 sweep --mpi exits 0" [ $? = 0 ]
    check "mpirun -np 3 is byte-identical to -j 1" same "$T/j1" "$T/mpi3"
else
    echo "skip mpirun (no Open MPI in this build or no mpirun)"
fi

# The contract for Slurm arrays / GNU parallel: run -r N into DIR/runs/, merge.
n=$("$G" runs $S -c Sweep | tail -n +2 | wc -l)
for r in $(seq 0 $((n - 1))); do
    "$G" run $S -c Sweep -r $r -o "$T/arr/runs/Sweep-$r" -q --no-plots || bad "run -r $r"
done
"$G" merge "$T/arr" 2>/dev/null
check "run -r N + merge exits 0" [ $? = 0 ]
check "run -r N + merge is byte-identical to sweep" same "$T/j1" "$T/arr"
v=$(grep -m 1 '^runs = ' "$T/arr/manifest.ini")
check "the merged manifest's [scenario] counts the study's runs, not run 0's" [ "$v" = "runs = $n" ]
# parts missing the study's last runs are missing too (the manifests say
# how many runs the study has); a part made from another scenario is refused
mkdir -p "$T/short/runs" && cp -r "$T/arr/runs/"* "$T/short/runs/" &&
    rm -rf "$T/short/runs/Sweep-$((n - 1))" "$T/short/runs/Sweep-$((n - 2))"
"$G" merge "$T/short" 2>"$T/err.txt"
check "merge without the last two runs exits 1" [ $? = 1 ]
check "merge counts the last two runs missing" grep -q '(0 failed, 2 missing)' "$T/err.txt"
mkdir -p "$T/mixed/runs" && cp -r "$T/arr/runs/"* "$T/mixed/runs/" && rm -rf "$T/mixed/runs/Sweep-3"
sed 's/^phold.lps = .*/phold.lps = 48/' $S >"$T/edited.ini"
"$G" run "$T/edited.ini" -c Sweep -r 3 -o "$T/mixed/runs/Sweep-3" -q --no-plots
"$G" merge "$T/mixed" 2>"$T/err.txt"
check "merge refuses a part from another scenario (exit 2)" [ $? = 2 ]
check "merge says which part differs" grep -q 'Sweep-3/runs.csv: run 3 was made from a different scenario' "$T/err.txt"

# A crashed run is reported and recorded; the study goes on.
"$G" sweep $S -c Sweep -j 2 -o "$T/crash" -q --test-crash-run 4 2>"$T/crash.log"
check "a crashed run makes the sweep exit 1" [ $? = 1 ]
check "the crash is reported" grep -q 'run 4 crashed' "$T/crash.log"
v=$(col "$T/crash/runs.csv" status | sort | uniq -c | tr -s ' ' | tr '\n' ';')
check "the crashed run is in runs.csv, the others ok" [ "$v" = " 1 crashed; 17 ok;" ]
check "summary counts 5 replications at the crashed point" \
    grep -q '"Sweep","0.1","events_committed","model","phold",5,' "$T/crash/summary.csv"

# CRN: the CI of a paired policy difference is much narrower than with
# independent seeds (seed-set = ${runnumber}).
"$G" sweep $S -c Crn -o "$T/crn" -q && "$G" sweep $S -c Indep -o "$T/ind" -q
w_crn=$(ciw "$T/crn/contrasts.csv" events_committed)
w_ind=$(ciw "$T/ind/contrasts.csv" events_committed)
echo "     CI width of the paired difference: CRN $w_crn, independent $w_ind"
check "CRN contrast CI is under half the independent one" \
    awk -v a="$w_crn" -v b="$w_ind" 'BEGIN{exit !(a > 0 && b > 0 && a < 0.5 * b)}'
v=$(col "$T/crn/contrasts.csv" common_seeds | sort -u)
check "contrasts.csv says the seeds were common" [ "$v" = 1 ]

"$G" sweep $S -c Lock -o "$T/lock" -q
check "contrasts pair points across a lock-step axis" \
    grep -q '"Lock","events_committed","model","phold","policy","1.05s","1s",3,' "$T/lock/contrasts.csv"

# diff: the economics regression test.
"$G" sweep $S -c Regress -o "$T/ra" -q
"$G" sweep $S -c Regress -o "$T/rb" -q
"$G" sweep $S -c Regress -o "$T/rs" -q --set phold.mean=1.05s
"$G" diff "$T/ra" "$T/rb" --rtol 0.02 >"$T/diff0.txt" 2>&1
check "diff passes a rerun of the same study (exit 0)" [ $? = 0 ]
"$G" diff "$T/ra" "$T/rs" --rtol 0.02 >"$T/diff1.txt" 2>/dev/null
check "diff flags a deliberate 5% shift (exit 1)" [ $? = 1 ]
check "diff names what moved and by how much" grep -q 'events_committed .*-4\.[0-9]*%.*MOVED' "$T/diff1.txt"
"$G" diff "$T/ra" "$T/rs" --rtol 0.10 >/dev/null 2>&1
check "diff accepts the shift within a 10% tolerance" [ $? = 0 ]
"$G" diff "$T/ra" "$T/rs" --rtol 0.02 --metrics 'events_pending*' >/dev/null 2>&1
check "diff --metrics restricts the comparison" [ $? = 0 ]
# a misspelt metric compares nothing: refused with the nearest name, not "0 moved"
"$G" diff "$T/ra" "$T/rs" --metrics events_comitted >/dev/null 2>"$T/err.txt"
check "diff --metrics with no such metric exits 2" [ $? = 2 ]
check "diff suggests the metric" grep -q "did you mean 'events_committed'" "$T/err.txt"
# per-run records (an entity kind with a ':', the market's offer snapshot)
# name different things in different runs: not compared, so two studies
# differing only there did not move, and --metrics naming them says why
for d in rr1 rr2; do mkdir -p "$T/$d" && cp "$T/ra/"*.csv "$T/$d/"; done
rid=$(sed -n 2p "$T/ra/runs.csv" | cut -d, -f1)
echo "$rid,\"offer_price_per_gpu_h\",\"offer:H100\",\"0\",1,\"USD/GPU-h\"" >>"$T/rr1/scalars.csv"
echo "$rid,\"offer_price_per_gpu_h\",\"offer:H100\",\"0\",9,\"USD/GPU-h\"" >>"$T/rr2/scalars.csv"
"$G" diff "$T/rr1" "$T/rr2" >/dev/null 2>&1
check "diff leaves per-run records out (exit 0)" [ $? = 0 ]
"$G" diff "$T/rr1" "$T/rr2" --metrics 'offer_*' >/dev/null 2>"$T/err.txt"
check "diff --metrics naming only records exits 2" [ $? = 2 ]
check "diff says records are not compared" grep -q "'offer_\*' names per-run records" "$T/err.txt"

# a metric on one side only is flagged, whichever side
mkdir -p "$T/rm" && cp "$T/ra/"*.csv "$T/rm/" &&
    grep -v '"events_per_lp_max"' "$T/ra/scalars.csv" >"$T/rm/scalars.csv"
"$G" diff "$T/ra" "$T/rm" >"$T/diff2.txt" 2>/dev/null
check "diff flags a metric missing in B (exit 1)" [ $? = 1 ]
check "diff says it is missing in B" grep -q 'events_per_lp_max .*MOVED (missing in B)' "$T/diff2.txt"
"$G" diff "$T/rm" "$T/ra" >"$T/diff3.txt" 2>/dev/null
check "diff flags a metric new in B (exit 1)" [ $? = 1 ]
check "diff says it is new in B" grep -q 'events_per_lp_max .*MOVED (new in B)' "$T/diff3.txt"
"$G" diff "$T/ra" "$T/rb" --alpha 1 >/dev/null 2>"$T/err.txt"
check "diff --alpha 1 is refused (exit 2)" [ $? = 2 ]
check "diff --alpha 1 says why" grep -q -- "--alpha wants a number in (0, 1)" "$T/err.txt"

# a fixed seed set under repeat > 1 would make copies, not replications
"$G" run $S -c Regress --set seed-set=5 -o "$T/fixed" -q --no-plots 2>"$T/err.txt"
check "a fixed seed-set with repeat > 1 is refused (exit 2)" [ $? = 2 ]
check "the refusal says why" grep -q 'seed-set = 5 with repeat = 8: every repetition would run the same seeds' "$T/err.txt"

# Sobol design instead of a full grid.
"$G" sweep $S -c Regress -o "$T/sobol" -q --sobol 5 --vary phold.remote=0.1..0.9 --set repeat=2
v=$(col "$T/sobol/runs.csv" run_number | wc -l)
check "sweep --sobol 5 runs 5 points x 2 repetitions" [ "$v" = 10 ]
# counts are whole numbers in range: "-3" is not a huge count, "2x" not 2
"$G" sweep $S -c Regress -o "$T/bad" -q --sobol -3 --vary phold.remote=0.1..0.9 2>"$T/err.txt"
check "sweep --sobol -3 is refused" [ $? = 2 ]
check "sweep --sobol -3 says why" grep -q -- "--sobol needs 1..1000000" "$T/err.txt"
"$G" sweep $S -c Regress -o "$T/bad" -q -j 2x 2>"$T/err.txt"
check "sweep -j 2x is refused" [ $? = 2 ]
v=$(col "$T/sobol/runs.csv" phold_remote | sort -u | wc -l)
check "Sobol points are distinct" [ "$v" = 5 ]
# rounding an integer key can make Sobol points equal: each is run once
# (their runs would count as more replications of one point)
"$G" sweep $S -c Regress -o "$T/sobint" -q --no-plots --sobol 4 --vary phold.lps=16..18 \
    2>"$T/err.txt"
v=$(col "$T/sobint/runs.csv" run_number | wc -l)
check "a Sobol design over an integer key runs its distinct points (2 x 8 runs)" [ "$v" = 16 ]
check "it says how many points repeated" grep -q -- '--sobol 4: 2 points repeat an earlier one' "$T/err.txt"
# each bad --sobol / --vary is refused with its reason, not just the usage
for bad in "--sobol 4:--sobol N needs at least one --vary" \
           "--vary phold.remote=0.1..0.9:give --sobol N too" \
           "--sobol 4 --vary phold.nosuch=0.1..0.9:--vary: unknown key 'phold.nosuch'" \
           "--sobol 4 --vary phold.remot=0.1..0.9:--vary: unknown key 'phold.remot' (did you mean 'phold.remote'?)" \
           "--sobol 4 --vary sim.model=1..2:--vary: 'sim.model' has type string, not a number" \
           "--sobol 4 --vary phold.remote=0.1..2:--vary phold.remote=0.1..2: phold.remote: 2 is out of range" \
           "--sobol 4 --vary phold.remote=0.9..0.1:wants KEY=LO..HI with LO < HI"; do
    # shellcheck disable=SC2086
    "$G" sweep $S -c Regress -o "$T/bad" -q ${bad%%:*} 2>"$T/err.txt"
    check "sweep ${bad%%:*} is refused" [ $? = 2 ]
    check "sweep ${bad%%:*} says why" grep -qF -- "${bad#*:}" "$T/err.txt"
done
check "no result directory for a refused sweep" [ ! -e "$T/bad" ]

# --level sets the confidence level of the merged statistics; the charts
# are still drawn (an option's parsing fell through into --no-plots)
"$G" sweep $S -c Regress -o "$T/lvl" -q --level 0.9 --set repeat=2
check "sweep --level 0.9 exits 0" [ $? = 0 ]
v=$(col "$T/lvl/summary.csv" ci_level | sort -u | tr '\n' ' ')
check "summary.csv's intervals are at the level asked for" [ "$v" = "0.90000000000000002 " ]
check "sweep --level 0.9 still draws its charts" [ -s "$T/lvl/report.pdf" ]

rm -rf "$T"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
