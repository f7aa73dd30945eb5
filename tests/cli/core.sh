#!/bin/sh
# tests/cli/core.sh -- end-to-end tests of the gpumarket command line.
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

[Config Sweep]
phold.remote = ${remote=0.1,0.5}
repeat = 2

[Config Rep]
repeat = 3
INI

# -- help and usage --------------------------------------------------------
# Each --help prints its own command's usage line first, on stdout.
check "help" "$GM" --help
usage_is "help" "Usage: gpumarket [--version] [--help] COMMAND [ARGS]"
expect_status "no command" 2 "$GM"
expect_status "unknown command" 2 "$GM" frobnicate
check "bench --help" "$GM" bench --help
if grep -q '^Benchmarks: .*phold.*market.*dlperf' "$T/out"; then ok; else bad "bench --help lists the benchmarks"; fi

# -o never deletes what is not a result: a directory holding the
# analyst's files is refused (it was replaced, and so removed); a previous
# result (it has a manifest.ini) or an empty directory is replaced
mkdir -p "$T/mine/sub" && echo draft >"$T/mine/thesis.tex"
expect_status "run -o onto the analyst's directory" 2 "$GM" run "$T/phold.ini" -c Sweep -r 0 \
    -o "$T/mine" --no-plots -q
grep_err "run -o onto the analyst's directory" "is not a gpumarket result directory (no manifest.ini)"
expect_status "sweep -o onto the analyst's directory" 2 "$GM" sweep "$T/phold.ini" -c Sweep \
    -o "$T/mine" --no-plots -q
if [ -f "$T/mine/thesis.tex" ] && [ -d "$T/mine/sub" ]; then ok; else bad "-o deleted the analyst's files"; fi
check "run -o onto a previous result" "$GM" run "$T/phold.ini" -c Sweep -r 0 -o "$T/x0" --no-plots -q
check "run -o onto a previous result, again" "$GM" run "$T/phold.ini" -c Sweep -r 1 -o "$T/x0" \
    --no-plots -q
if grep -q '"Sweep-1"' "$T/x0/runs.csv" && ! grep -q '"Sweep-0"' "$T/x0/runs.csv"; then ok
else bad "a previous result is replaced"; fi

# a catalogue of more models than the supply can draw from is refused
# (models past the 64th were silently never supplied)
D0=data/gpus.csv
[ -f "$D0" ] || D0=$(dirname "$0")/../../data/gpus.csv
awk -F, 'NR == 2 { row = $0 } { print } END { for (i = 0; i < 70; i++) { sub(/^[^,]*/, "Fake " i, row); print row } }' \
    "$D0" >"$T/big.csv"
expect_status "a catalogue of 100 models" 1 "$GM" validate scenarios/default.ini \
    --set "market.catalog=$T/big.csv"
grep_err "a catalogue of 100 models" "GPU models; the market takes at most 64"

# a wrong number of operands says what is wrong, then the usage
expect_status "runs with no scenario" 2 $GM runs
grep_err "runs with no scenario" "gpumarket runs: no scenario file given"
expect_status "validate with two scenarios" 2 $GM validate a.ini b.ini
grep_err "validate with two scenarios" "gpumarket validate: one scenario file at a time"
expect_status "run with two scenarios" 2 $GM run a.ini b.ini
grep_err "run with two scenarios" "gpumarket run: one scenario file at a time (got 'b.ini' too)"
expect_status "diff with one directory" 2 $GM diff a
grep_err "diff with one directory" "gpumarket diff: two result directories, got 1"
grep_err "diff with one directory shows how to call it" "Usage: gpumarket diff DIR_A DIR_B"

# bench dlperf: the OpenBLAS/memcpy comparison and the fit report run; a
# table --calibrate writes is one the next run reads (twice: 1 + 2 x 4
# rows). The memcpy peak once came from a first copy into unmapped pages
# (1 GB/s for some 50): the triad's efficiency of 49 was appended, and
# the second run refused the table. Best of 3 reps: one rep on a busy
# machine can measure a peak low enough to be refused (rightly).
DL="bench dlperf --device cpu --size 128 --reps 3"
check "bench dlperf --compare --fit" $GM $DL --triad-size 4096 --compare --fit
if grep -q 'side by side on the host CPU' "$T/out" && grep -q '^DLPerf model (ln space' "$T/out"
then ok; else bad "bench dlperf --compare --fit: no comparison or fit report"; fi
check "bench dlperf --calibrate" $GM $DL --triad-size 4194304 --calibrate --calibration "$T/cal.csv"
check "bench dlperf --calibrate, again" $GM $DL --triad-size 4194304 --calibrate \
    --calibration "$T/cal.csv"
if [ "$(wc -l <"$T/cal.csv")" -eq 9 ] && grep -q "appended 4 rows to $T/cal.csv" "$T/out"
then ok; else bad "bench dlperf --calibrate: $(wc -l <"$T/cal.csv") lines in the table, want 9"; fi
expect_status "bench nosuch" 2 "$GM" bench nosuch
grep_err "bench nosuch" "'nosuch' is not a benchmark"
if grep -q "did you mean" "$T/err"; then bad "bench nosuch: suggests a benchmark"; else ok; fi
# a slip gets the nearest name: a swap of two letters is one edit
expect_status "bench pohld" 2 "$GM" bench pohld
grep_err "bench pohld" "'pohld' is not a benchmark (did you mean 'phold'?)"
expect_status "rnu" 2 "$GM" rnu scenarios/default.ini
grep_err "rnu" "'rnu' is not a command (did you mean 'run'?)"
expect_status "reprodce" 2 "$GM" reprodce
grep_err "reprodce" "(did you mean 'reproduce'?)"
expect_status "xyzzy" 2 "$GM" xyzzy
if grep -q "did you mean" "$T/err"; then bad "xyzzy: suggests a command"; else ok; fi
# a command is compared by its first word ("bench" of "bench phold"), and
# a benchmark's hint names only a benchmark, never a command ('rnu' is one
# swap from 'run'; 'duce' is the tail of 'reproduce' past "bench ")
expect_status "bnech" 2 "$GM" bnech
grep_err "bnech" "'bnech' is not a command (did you mean 'bench'?)"
expect_status "bench rnu" 2 "$GM" bench rnu
grep_err "bench rnu" "'rnu' is not a benchmark"
if grep -q "did you mean" "$T/err"; then bad "bench rnu: suggests a command"; else ok; fi
expect_status "bench duce" 2 "$GM" bench duce
if grep -q "did you mean" "$T/err"; then bad "bench duce: suggests a non-benchmark"; else ok; fi
for c in run runs validate params "bench phold"; do
    # shellcheck disable=SC2086
    check "$c --help" "$GM" $c --help
    case $(head -n 1 "$T/out") in
    "Usage: gpumarket $c "*) ok ;;
    *) bad "$c --help: no 'Usage: gpumarket $c' line"; head -n 3 "$T/out" >&2 ;;
    esac
done

# -- run: complete, reproducible result directories -------------------------
check "run phold" "$GM" run "$T/phold.ini" -o "$T/a" --no-plots -q
check "run phold again" "$GM" run "$T/phold.ini" -o "$T/b" --no-plots -q
for f in runs.csv params.csv scalars.csv timeseries.csv scenario.resolved.ini; do
    if cmp -s "$T/a/$f" "$T/b/$f"; then ok; else bad "same seed, $f differs"; fi
done
for f in manifest.ini runs.csv params.csv scalars.csv timeseries.csv; do
    if [ -s "$T/a/$f" ]; then ok; else bad "missing $f"; fi
done
if ls "$T" | grep -q '\.tmp-'; then bad "temporary directory left behind"; else ok; fi
check "run with --set" "$GM" run "$T/phold.ini" -o "$T/c" --no-plots -q --set seed=10
if cmp -s "$T/a/scalars.csv" "$T/c/scalars.csv"; then bad "another seed gave the same scalars"; else ok; fi

# run writes summary.csv and contrasts.csv by merge's code: the bytes of sweep
check "run Sweep" "$GM" run "$T/phold.ini" -c Sweep -o "$T/rsw" --no-plots -q
check "sweep -j 2 Sweep" "$GM" sweep "$T/phold.ini" -c Sweep -j 2 -o "$T/ssw" --no-plots -q
for f in summary.csv contrasts.csv; do
    if [ -s "$T/rsw/$f" ] && cmp -s "$T/rsw/$f" "$T/ssw/$f"; then ok; else bad "run and sweep -j 2: $f differs"; fi
done
if [ "$(wc -l <"$T/rsw/contrasts.csv")" -gt 1 ]; then ok; else bad "run Sweep: contrasts.csv has no rows"; fi
check "run --contrast" "$GM" run "$T/phold.ini" -c Sweep -o "$T/rswc" --no-plots -q --contrast remote=0.5
check "sweep --contrast" "$GM" sweep "$T/phold.ini" -c Sweep -j 2 -o "$T/sswc" --no-plots -q --contrast remote=0.5
if cmp -s "$T/rswc/contrasts.csv" "$T/sswc/contrasts.csv" &&
   grep -q '^"Sweep","events_committed","model","phold","remote","0.1","0.5",2,' "$T/rswc/contrasts.csv"
then ok; else bad "run --contrast remote=0.5"; cat "$T/rswc/contrasts.csv" >&2; fi
if grep -q -- '--contrast remote=0.5' "$T/rswc/manifest.ini" && grep -q -- '--contrast remote=0.5' "$T/sswc/manifest.ini"
then ok; else bad "manifest command keeps --contrast AXIS=BASELINE whole"; fi
expect_status "run --contrast, no such baseline" 2 "$GM" run "$T/phold.ini" -c Sweep -o "$T/nob" -q --no-plots --contrast remote=0.7
grep_err "baseline message" "baseline '0.7' is not a value of axis 'remote' (its values: '0.1', '0.5')"
# a misspelt text baseline is hinted, as a misspelt axis is (error audit;
# refused before any run, so the market study costs nothing)
expect_status "run --contrast policy=secnd-price" 2 "$GM" run scenarios/fee-study.ini -c FeeQuick \
    -o "$T/nob" -q --no-plots --contrast policy=secnd-price
grep_err "baseline hint" "baseline 'secnd-price' is not a value of axis 'policy' (did you mean 'second-price'?)"
if [ ! -e "$T/nob" ]; then ok; else bad "a refused --contrast left a directory"; fi
# a mistyped axis is hinted (one edit from 'remote'); 'repetition' is no axis
expect_status "run --contrast remot" 2 "$GM" run "$T/phold.ini" -c Sweep -o "$T/nob" -q --no-plots --contrast remot=0.5
grep_err "axis hint" "contrast axis 'remot' is not an iteration variable of this study (did you mean 'remote'?)"
expect_status "run --contrast repetition" 2 "$GM" run "$T/phold.ini" -c Sweep -o "$T/nob" -q --no-plots --contrast repetition
grep_err "repetition is no axis" "contrast axis 'repetition' is not an iteration variable of this study"
expect_status "sweep: bad baseline up front" 2 "$GM" sweep "$T/phold.ini" -c Sweep -j 2 -o "$T/nosw" -q --no-plots --contrast remote=0.7
grep_err "sweep names the baseline" "baseline '0.7' is not a value of axis 'remote'"
if [ -e "$T/nosw" ] || grep -q '^run ' "$T/err"; then bad "sweep ran or wrote before refusing"; else ok; fi
expect_status "run --level 2" 2 "$GM" run "$T/phold.ini" -o "$T/nob" -q --no-plots --level 2
for cmd in run sweep; do    # not a number, then a number with a tail: refused, not read as 0.9
    expect_status "$cmd --level x" 2 "$GM" $cmd "$T/phold.ini" -o "$T/nob" -q --no-plots --level x
    expect_status "$cmd --level 0.9x" 2 "$GM" $cmd "$T/phold.ini" -o "$T/nob" -q --no-plots --level 0.9x
    grep_err "$cmd --level says why" "--level must be a number in (0, 1), got '0.9x'"
done
expect_status "merge --level 0.9x" 2 "$GM" merge "$T/nob" --level 0.9x
# repeat = 3: one summary row per metric, each over the 3 replications
check "run Rep" "$GM" run "$T/phold.ini" -c Rep -o "$T/rep" --no-plots -q
v=$(awk -F, 'NR==1{for(i=1;i<=NF;i++)if($i=="n")k=i;next}{print $k}' "$T/rep/summary.csv" | sort -u)
if [ "$v" = 3 ] && grep -q '^"Rep","events_committed","model","phold",3,' "$T/rep/summary.csv"
then ok; else bad "run Rep: summary.csv n = 3"; cat "$T/rep/summary.csv" >&2; fi
if [ "$(wc -l <"$T/rep/contrasts.csv")" = 1 ]; then ok; else bad "run Rep: contrasts without an axis"; fi
check "plot Rep" "$GM" plot "$T/rep"
if [ -d "$T/rep/plots" ] && ! ls "$T/rep/plots" | grep -q '^contrasts'; then ok
else bad "plot of a study without an axis: no contrasts chart"; ls "$T/rep/plots" >&2; fi
# nor the market's charts, for a phold study (README "Outputs": they once
# came out empty, "no data", for any model), and a note says why plots/ is
# empty; --only draws one anyway
if [ ! -e "$T/rep/plots/price.png" ] && [ ! -e "$T/rep/plots/cost.png" ]; then ok
else bad "plot of a phold study drew the market's charts"; ls "$T/rep/plots" >&2; fi
grep_err "plot of a phold study says why there is no chart" "note: no charts: the runs are of model 'phold'"
check "plot Rep --only price" "$GM" plot "$T/rep" --only price
if [ -f "$T/rep/plots/price.png" ]; then ok; else bad "plot --only price of a phold study drew nothing"; fi

# the manifest names the generator and seeds the runs really used
check "run taus2" "$GM" run "$T/phold.ini" -o "$T/t2" --no-plots -q --set sim.rng=taus2 --set seed=77
if grep -qx 'generator = gsl taus2' "$T/t2/manifest.ini" && grep -qx 'seeds = 77' "$T/t2/manifest.ini"
then ok; else bad "manifest rng/seeds"; cat "$T/t2/manifest.ini" >&2; fi
if grep -qx 'generator = gsl mt19937' "$T/a/manifest.ini"; then ok; else bad "manifest mt19937"; fi

# -- a run that fails its checks: numbers kept, never passed off as results --
# (zero tolerances make the M/M/c target's own checks fail every run)
cat >"$T/miss.ini" <<'INI'
[General]
sim.model = mmc
sim.horizon = 1000000s
mmc.jobs = 2000
mmc.tol-wq = 0
mmc.tol-pwait = 0
mmc.tol-little = 0
repeat = 2
INI
expect_status "failed run exits 1" 1 "$GM" run "$T/miss.ini" -o "$T/miss"
if [ -f "$T/miss/runs.csv" ] && grep -q '^General-0: ' "$T/miss/FAILED" &&
   grep -q '^General-1: ' "$T/miss/FAILED" && grep -qx 'failed_runs = 2.*' "$T/miss/manifest.ini"
then ok; else bad "FAILED and manifest of a failed run"; ls "$T/miss" >&2; fi
if [ -z "$(ls "$T/miss/plots" 2>/dev/null)" ]; then ok; else bad "charts drawn from failed runs"; fi
grep_err "run says why no charts" "its numbers are not results"
if grep -q "gpumarket plot:" "$T/err"; then bad "run names a plot command never typed"; else ok; fi
expect_status "plot refuses failed runs" 1 "$GM" plot "$T/miss"
grep_err "plot names the run" "run General-0: status failed"
expect_status "sweep with failed runs" 1 "$GM" sweep "$T/miss.ini" -j 2 -o "$T/missw" -q --no-plots
if grep -q '^General-0: a check' "$T/missw/FAILED" && grep -q '^General-1: a check' "$T/missw/FAILED"
then ok; else bad "merged FAILED"; cat "$T/missw/FAILED" >&2; fi
check "a good run leaves no FAILED" test ! -e "$T/a/FAILED"
# a failed run followed by an ok one: the study's status is the worst of its
# runs' (README 'Command line': exit 1 when "a run failed its checks"), not
# the last run's. Run 0 has the zero tolerances above, run 1 tolerances of
# 1 (100 %, the widest the keys allow), which the M/M/c checks pass.
cat >"$T/miss1.ini" <<'INI'
[General]
sim.model = mmc
sim.horizon = 1000000s
mmc.jobs = 2000
mmc.tol-wq = ${t=0,1}
mmc.tol-pwait = ${0,1 ! t}
mmc.tol-little = ${0,1 ! t}
INI
expect_status "run: a failed run, then an ok one" 1 "$GM" run "$T/miss1.ini" -o "$T/miss1" -q --no-plots
v=$(col "$T/miss1/runs.csv" status | tr '\n' ' ')
if [ "$v" = "failed ok " ]; then ok; else bad "runs.csv statuses '$v', want 'failed ok '"; fi
v=$(cut -d: -f1 "$T/miss1/FAILED" 2>/dev/null | tr '\n' ' ')
if [ "$v" = "General-0 " ]; then ok; else bad "FAILED lists '$v', want General-0 alone"; fi
# sweep of it: exit 1, and the progress lines (stderr not a terminal: one
# per run ended, -j 1 in run order) count run 0 failed as it ends, as they
# count a crashed run (tests/cli/sweep.sh), whatever merge says at the end
expect_status "sweep -j 1: a failed run, then an ok one" 1 "$GM" sweep "$T/miss1.ini" -j 1 \
    -o "$T/miss1w" --no-plots
v=$(grep -o '^\[sweep\] [0-9]*/[0-9]* runs done, [0-9]* failed' "$T/err" | tr '\n' ';')
if [ "$v" = "[sweep] 1/2 runs done, 1 failed;[sweep] 2/2 runs done, 1 failed;" ]; then ok
else bad "sweep progress after a failed run 0: '$v'"; cat "$T/err" >&2; fi

# -- runs / validate / params ----------------------------------------------
check "runs" "$GM" runs "$T/phold.ini" -c Sweep
if [ "$(wc -l <"$T/out")" = 5 ] && sed -n 2p "$T/out" | grep -q '^0,0,0,0.1$' &&
   sed -n 5p "$T/out" | grep -q '^3,1,1,0.5$'; then ok; else bad "runs listing"; cat "$T/out" >&2; fi
check "validate" "$GM" validate "$T/phold.ini" -c Sweep
# Sweep: two values of remote x repeat 2 = 4 runs.
grep_err "validate names the config and its runs" "$T/phold.ini: config Sweep: 4 runs, valid"
# ... and what seed-set makes of the sweep points, as written: the default
# ${repetition} shares seeds across them, ${runnumber} does not
grep_err "validate: the default seed-set is CRN" "valid (seed-set: common random numbers"
expect_status "validate, independent seeds" 0 "$GM" validate "$T/phold.ini" -c Sweep --set 'seed-set=${runnumber}'
grep_err "validate: seed-set = \${runnumber} is independent" "valid (seed-set: independent seeds at every sweep point)"
printf '[General]\nsim.model = phold\nphold.lpz = 3\n' >"$T/bad.ini"
expect_status "validate unknown key" 1 "$GM" validate "$T/bad.ini"
grep_err "did-you-mean" "bad.ini:3: error: unknown key 'phold.lpz'"
# A wrong section, or another tool's word: the hint names the key by its
# last part, and the section typed picks one of two keys sharing it.
printf '[General]\nsim.duration = 30d\nhorizon = 30d\nsim.seed = 3\n' >"$T/bad.ini"
expect_status "validate keys named elsewhere" 1 "$GM" validate "$T/bad.ini"
grep_err "section hint" "bad.ini:2: error: unknown key 'sim.duration' (did you mean 'sim.horizon'?)"
grep_err "two-key hint" "bad.ini:3: error: unknown key 'horizon' (did you mean 'reliability.horizon' or 'sim.horizon'?)"
grep_err "built-in hint" "bad.ini:4: error: unknown key 'sim.seed' (did you mean 'seed'?)"
expect_status "validate missing file" 2 "$GM" validate "$T/nope.ini"
# run without a SCENARIO elsewhere: the default is a source-tree path, and
# the note says so (a named file that is missing gets no such note)
GMA=$(cd "$(dirname "$GM")" && pwd)/$(basename "$GM")
(cd "$T" && "$GMA" run -o "$T/nodef") >"$T/out" 2>"$T/err"
if [ $? = 2 ]; then ok; else bad "run with no default scenario here: not exit 2"; fi
grep_err "default scenario note" "note: no SCENARIO was named, and the default scenarios/default.ini is read from the current directory"
expect_status "run of a missing named file" 2 "$GM" run "$T/nope.ini" -o "$T/nodef"
if grep -q "no SCENARIO was named" "$T/err"; then bad "a named missing file got the default's note"; else ok; fi
# so do reproduce's default directory and bench market's default scenario
# (README audit: elsewhere they said only "cannot open scenario")
(cd "$T" && "$GMA" reproduce --fast mmc) >"$T/out" 2>"$T/err"
if [ $? = 2 ]; then ok; else bad "reproduce with no scenarios/reproduce here: not exit 2"; fi
grep_err "reproduce's default directory note" "note: the default scenario directory scenarios/reproduce is read from the current directory"
expect_status "reproduce -d of a missing directory" 2 "$GM" reproduce --fast -d "$T/nodir" mmc
if grep -q "note: the default scenario directory" "$T/err"; then bad "a named missing directory got the default's note"; else ok; fi
(cd "$T" && "$GMA" bench market) >"$T/out" 2>"$T/err"
if [ $? = 2 ]; then ok; else bad "bench market with no default scenario here: not exit 2"; fi
grep_err "bench market's default scenario note" "note: no SCENARIO was named, and the default scenarios/default.ini is read from the current directory"
check "params" "$GM" params phold.
if grep -q 'phold.remote' "$T/out"; then ok; else bad "params lists phold.remote"; fi
expect_status "params takes one pattern" 2 "$GM" params phold. sim.
grep_err "params pattern count" "one PATTERN at most"
expect_status "bench phold --lps -1" 2 "$GM" bench phold --lps -1
grep_err "bench phold numbers" "'-1' is not a number in [1, 1e+08]"
expect_status "run bad run list" 2 "$GM" run "$T/phold.ini" -c Sweep -r 9 -o "$T/x" --no-plots
grep_err "run bad run list says which exist" "bad run list '9': there is no run 9 (the study has 4 runs: 0..3)"
check "run -r with a range" "$GM" run "$T/phold.ini" -c Sweep -r 3..3,1 -o "$T/r10" --no-plots -q
if [ "$(awk -F, 'NR > 1 { print $3 }' "$T/r10/runs.csv" | tr '\n' ' ')" = "1 3 " ]; then ok
else bad "run -r 3..3,1 runs 1 and 3, in order"; fi
check "--version" "$GM" --version
if grep -q '^gpumarket [0-9][0-9.]* (' "$T/out"; then ok; else bad "--version prints the version"; fi
# a word after --version is a mistake (a command typed after it), not ignored
expect_status "--version extra" 2 "$GM" --version run
grep_err "--version extra says why" "gpumarket --version takes no arguments (got 'run')"
# degenerate validation inputs are refused, not run (they hung or aborted)
expect_status "reproduce ckpt, zero checkpoint cost" 2 "$GM" reproduce ckpt --set ckptjob.delta=0
grep_err "ckptjob.delta message" "checkpoint cost must be > 0"
expect_status "reproduce availability, unknown class" 2 "$GM" reproduce availability \
    --set availability.classes=0
grep_err "availability.classes message" "unknown host class '0'"
# a warm-up as long as the run would measure nothing: refused at its line
printf '[General]\nsim.model = phold\nsim.horizon = 10s\nsim.warmup = 20s\n' >"$T/warm.ini"
expect_status "warm-up past the horizon" 2 "$GM" run "$T/warm.ini" -o "$T/warm" --no-plots
grep_err "warm-up message" "warm.ini:4: error: sim.warmup (20s) must be shorter than sim.horizon (10s)"

# a trailing '/' names the same directory; an empty name is refused up front
check "run -o DIR/" "$GM" run "$T/phold.ini" -o "$T/slash/" --no-plots
if [ -f "$T/slash/runs.csv" ] && ! ls -a "$T/slash" | grep -q 'tmp-'; then ok; else bad "run -o DIR/ result"; fi
if grep -qx "results in $T/slash" "$T/err"; then ok; else bad "run -o DIR/ reports DIR"; cat "$T/err" >&2; fi
check "sweep -o DIR/" "$GM" sweep "$T/phold.ini" -c Sweep -j 2 -o "$T/swslash/" -q
if [ -f "$T/swslash/runs.csv" ]; then ok; else bad "sweep -o DIR/ result"; fi
expect_status "run -o ''" 2 "$GM" run "$T/phold.ini" -o '' --no-plots
grep_err "empty result directory" "needs a name"
expect_status "sweep -o /" 2 "$GM" sweep "$T/phold.ini" -o /
# without -o the result goes to results/CONFIG under the current
# directory, CONFIG the one chosen with -c (run --help)
mkdir "$T/wd"
(cd "$T/wd" && "$GMA" run "$T/phold.ini" -c Rep --no-plots) >"$T/out" 2>"$T/err"
if [ $? = 0 ] && [ -f "$T/wd/results/Rep/runs.csv" ] && grep -qx 'results in results/Rep' "$T/err"
then ok; else bad "run without -o: no results/Rep"; ls -R "$T/wd" >&2; fi
# a market scenario's relative data paths (data/gpus.csv and the DLPerf
# tables) are read from the project tree when the current directory has
# no data/ (models/market_load.c: "works from anywhere")
scn=$(pwd)/scenarios/default.ini
(cd "$T/wd" && "$GMA" validate "$scn" -c Quick) >"$T/out" 2>"$T/err"
if [ $? = 0 ] && grep -q 'config Quick: 1 run, valid' "$T/out" "$T/err"
then ok; else bad "validate from another directory"; cat "$T/err" >&2; fi

# -- an interrupted run leaves no result that looks whole --------------------
printf '[General]\nsim.model = phold\nsim.horizon = 100000s\nphold.lps = 4096\n' >"$T/long.ini"
"$GM" run "$T/long.ini" -o "$T/int" --no-plots -q 2>"$T/interr" &
pid=$!
sleep 1
kill -INT $pid 2>/dev/null
t0=$(date +%s)
wait $pid
st=$?
if [ "$st" = 130 ]; then ok; else bad "interrupted run exit $st, want 130"; fi
# and it stops then, not at its end: the engine polls the flag every 4096
# events (this run takes many minutes; without the hookup it ran them)
if [ $(($(date +%s) - t0)) -le 30 ]; then ok; else bad "interrupted run took over 30 s to stop"; fi
if [ -e "$T/int" ] || ls "$T" | grep -q 'int\.tmp-'; then bad "interrupted run left files"; else ok; fi
# and says it was interrupted, not "stopped" (a run that failed to set up)
if grep -qx 'gpumarket: interrupted; no result directory written' "$T/interr"; then ok
else bad "interrupted run's message"; cat "$T/interr" >&2; fi

# -- bench market: rate, per-kind costs and what the searches read ----------
check "bench market" "$GM" bench market scenarios/default.ini -c Quick --set sim.horizon=3d \
    --set sim.warmup=1d
if grep -q '^searches on-demand .* entries read/search' "$T/out" &&
   grep -q '^searches interruptible ' "$T/out" && grep -q '^market.arrive ' "$T/out"; then ok
else bad "bench market report"; cat "$T/out" >&2; fi
# --compare: the full search as the reference, same events, both rates
check "bench market --compare" "$GM" bench market scenarios/default.ini -c Quick \
    --set sim.horizon=2d --set sim.warmup=1d --compare
if grep -q '^reference: .*search-prune = false' "$T/out" &&
   [ "$(grep -c '^events ' "$T/out")" = 2 ] &&
   [ "$(grep '^events ' "$T/out" | cut -d' ' -f2 | sort -u | wc -l)" = 1 ] &&
   grep -q '^pruned search .* events/s, full search .* events/s: [0-9.]*x$' "$T/out"; then ok
else bad "bench market --compare report"; cat "$T/out" >&2; fi
# tests/bench_ab.sh: a build against itself, pinned both ways (two CPUs only)
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    if sh "$(dirname "$0")/../bench_ab.sh" "$GM" "$GM" 1 -- scenarios/default.ini -c Quick \
           --set sim.horizon=1d --set sim.warmup=0 >"$T/ab" 2>&1 &&
       [ "$(grep -c '^old on cpu [01]: [0-9.]* s   new on cpu [01]: [0-9.]* s$' "$T/ab")" = 2 ] &&
       grep -q '^mean of 2 runs each: old .* new/old [0-9.]*$' "$T/ab" &&
       ! grep -q 'different numbers of events' "$T/ab"; then ok
    else bad "bench_ab.sh report"; cat "$T/ab" >&2; fi
fi

# -- every metric a market or serverless run writes is in docs/METRICS.md ---
# (the contract analysts and charts read: a name missing there is a name
# nobody can rely on). `prefix_<...>` rows there document families.
D=docs/METRICS.md
[ -f "$D" ] || D=$(dirname "$0")/../../docs/METRICS.md
check "metrics run: market" "$GM" run scenarios/default.ini -c Quick --set sim.horizon=6d \
    -o "$T/mq" --no-plots -q
# plot --only a chart the results cannot give (no endpoints in the
# market, one run: no sweep) says so, still exit 0; one it draws says
# nothing (it exited 0 in silence, having drawn nothing)
check "plot --only serverless,sweep on a market run" "$GM" plot "$T/mq" --only serverless,sweep,price --format svg
grep_err "plot --only serverless" "mq: note: no 'serverless' chart: the results hold nothing it draws"
grep_err "plot --only sweep" "mq: note: no 'sweep' chart"
# a mistyped chart name is hinted (one edit from 'price'), a far one is not
expect_status "plot --only pricez" 2 "$GM" plot "$T/mq" --only pricez,zzzzz --format svg
grep_err "plot --only pricez is hinted" "unknown chart 'pricez' (did you mean 'price'?) (price, utilisation,"
grep_err "plot --only zzzzz is not" "unknown chart 'zzzzz' (price, utilisation,"
if grep -q "'price' chart" "$T/err"; then bad "plot noted the price chart it drew"; else ok; fi
if [ -f "$T/mq/plots/price.svg" ]; then ok; else bad "plot --only price drew no price.svg"; fi
check "metrics run: runpod" "$GM" run scenarios/runpod.ini --set sim.horizon=3d \
    --set sim.warmup=1d --set supply.gpus=500 -o "$T/mr" --no-plots -q
check "runpod.ini -c Secure (posted prices, RunPod rule) runs with its checks" "$GM" run \
    scenarios/runpod.ini -c Secure --set sim.horizon=3d --set sim.warmup=1d \
    --set supply.gpus=500 -o "$T/msec" --no-plots -q
check "metrics run: serverless" "$GM" run scenarios/serverless.ini --set sim.horizon=3d \
    --set sim.warmup=1d -o "$T/ms" --no-plots -q
{ for d in mq mr ms; do
      cut -d, -f2 "$T/$d/scalars.csv" | tail -n +2
      cut -d, -f3 "$T/$d/timeseries.csv" | tail -n +2
  done; } | tr -d '"' | sort -u >"$T/metric_names"
grep -o '`[a-z0-9_]*<[a-z_]*>`' "$D" | sed 's/^`//; s/<.*//' | sort -u >"$T/metric_families"
undocumented=$(while read -r m; do
    grep -qF "\`$m\`" "$D" && continue
    fam=no
    while read -r p; do case $m in "$p"*) fam=yes ;; esac; done <"$T/metric_families"
    [ $fam = yes ] || echo "$m"
done <"$T/metric_names")
if [ "$(wc -l <"$T/metric_names")" -gt 40 ] && [ -z "$undocumented" ]; then ok
else bad "metrics missing from docs/METRICS.md: $undocumented"; fi
# ... and every metric it lists for the market and serverless is written
# by one of those runs (one no run writes any more is a promise nobody
# keeps, and a chart or analysis reading it finds nothing); a family by
# its prefix
sed -n '/^## Market time series/,/^## Validation targets/p' "$D" | grep '^| `' |
    cut -d'|' -f2 | grep -o '`[a-z0-9_<>]*`' | tr -d '`' | sort -u >"$T/documented"
unwritten=$(while read -r m; do
    case $m in
    *'<'*) grep -q "^${m%%<*}" "$T/metric_names" || echo "$m" ;;
    *) grep -qx "$m" "$T/metric_names" || echo "$m" ;;
    esac
done <"$T/documented")
if [ "$(wc -l <"$T/documented")" -gt 90 ] && [ -z "$unwritten" ]; then ok
else bad "docs/METRICS.md lists metrics no market or serverless run wrote: $unwritten"; fi

# -- bench phold: same seed, same committed count on both engines ------------
check "bench phold small" "$GM" bench phold --lps 256 --events-per-lp 2 --end 20 --compare

# an unknown model is named with the models there are, and sim.model's help
# (docs/PARAMS.md) lists every one of them
printf '[General]\nsim.model = nosuch\n' >"$T/nomodel.ini"
expect_status "unknown model" 1 "$GM" validate "$T/nomodel.ini"
grep_err "unknown model lists the models" "unknown model 'nosuch' (models: market, phold,"
expect_status "run: unknown model" 2 "$GM" run "$T/nomodel.ini" -o "$T/nomodel" -q
grep_err "run: unknown model lists the models" "unknown model 'nosuch' (models: market, phold,"
# a near name is hinted (one edit from 'market'), before the list
printf '[General]\nsim.model = markt\n' >"$T/nearmodel.ini"
expect_status "near model" 1 "$GM" validate "$T/nearmodel.ini"
grep_err "near model is hinted" "unknown model 'markt' (did you mean 'market'?) (models: market, phold,"
names=$(sed -n "s/.*(models: \(.*\))\$/\1/p" "$T/err" | tr -d ',')
"$GM" params >"$T/params.txt" 2>&1
missing=""
for m in $names; do
    grep '^sim\.model ' "$T/params.txt" | grep -q "[ (,]$m[,) ]" || missing="$missing $m"
done
if [ -n "$names" ] && [ -z "$missing" ]; then ok; else bad "sim.model help lacks:$missing"; fi
# -- reproduce: the fast subset of every covered target ----------------------
check "reproduce --help" "$GM" reproduce --help
check "reproduce --fast" "$GM" reproduce --fast
if grep -q ' 0 failed' "$T/out" && ! grep -q 'FAIL' "$T/out"; then ok; else bad "reproduce table"; cat "$T/out" >&2; fi
for t in T1 T2 T3 T4 T7 availability serverless; do
    if grep -q "^$t" "$T/out"; then ok; else bad "reproduce lacks $t rows"; fi
done
if grep -q "^serverless job TTL" "$T/out"; then ok; else bad "reproduce lacks job TTL rows"; fi
if grep -q "^serverless timeout" "$T/out"; then ok; else bad "reproduce lacks timeout rows"; fi
# a table: every row's numbers start at one column, after the 64 of the name
if awk '!/ rows?, / && substr($0, 65, 1) != " " { bad = 1 } END { exit bad }' "$T/out"; then ok
else bad "reproduce rows whose name runs into the numbers"; awk 'substr($0, 65, 1) != " "' "$T/out" >&2; fi
# a small expected count: the Poisson interval starts below 0, and the
# share expected inside it is still a probability (it came out negative)
"$GM" reproduce llama --set llama.unexpected=2 --set llama.reps=20 >"$T/out" 2>&1   # other rows may fail
if awk '/^T4 share of runs/ { e = $(NF-5); found = 1; if (!(e > 0.9 && e <= 1)) bad = 1 }
        END { exit !(found && !bad) }' "$T/out"; then ok
else bad "T4 share row at 2 interruptions"; grep 'share of runs' "$T/out" >&2; fi
# too few probes for T7's batch means: a failing row says so, and no
# infinite ratio passes ">= 2"
expect_status "T7 with too few probes" 1 "$GM" reproduce bathtub --fast --set sim.sample-interval=2000h
if grep -q '^T7 batches with placements.*FAIL' "$T/out" && ! grep -q 'ratio.* inf .*pass' "$T/out"
then ok; else bad "T7 too few probes"; cat "$T/out" >&2; fi
# another parameter value is checked against its own closed form
check "reproduce --set" "$GM" reproduce --fast --set mmc.loss=true --set 'mmc.servers=${c=7}' \
    --set 'mmc.lambda=${lambda=5}' --set 'mmc.jobs=${jobs=100000}' --set 'mmc.warmup-jobs=${warm=1000}' mmc
if grep -q 'Erlang B blocking c=7 a=5' "$T/out"; then ok; else bad "reproduce --set"; cat "$T/out" >&2; fi
# one row is one row ("1 rows" before)
if [ "$(tail -n 1 "$T/out")" = "1 row, 1 passed, 0 failed" ]; then ok
else bad "reproduce's count of one row"; tail -n 1 "$T/out" >&2; fi
# every command's help starts the same way (plot, bench dlperf and
# reproduce said "usage:")
for c in "plot" "bench dlperf" "reproduce"; do
    check "$c --help" "$GM" $c --help
    case "$(head -n 1 "$T/out")" in
        "Usage: gpumarket $c "*) ok ;;
        *) bad "$c --help starts '$(head -n 1 "$T/out")'" ;;
    esac
done
# an impossible tolerance fails with exit 1
expect_status "reproduce failing target" 1 "$GM" reproduce --fast --set llama.effective-claim=0.99 llama
expect_status "reproduce unknown target" 2 "$GM" reproduce nosuch
grep_err "reproduce unknown target: the list" "reproduce: unknown target 'nosuch' (try --list)"
# a near miss names the target (error audit: 'mcc' only said try --list)
expect_status "reproduce mcc" 2 "$GM" reproduce mcc
grep_err "reproduce mcc: the hint" "reproduce: unknown target 'mcc' (did you mean 'mmc'?)"
# a run that breaks its model's invariant fails its target, whatever its rows
# say (a horizon too short for the slowest checkpoint interval: 7 of 3,000
# jobs unfinished, every T_w row still within tolerance)
expect_status "reproduce, invariant broken" 1 "$GM" reproduce --fast --set sim.horizon=8.6d ckpt
if grep -q '^(run broke an invariant, above) .*FAIL' "$T/out"; then ok
else bad "reproduce invariant row"; cat "$T/out" >&2; fi
# a horizon that ends before the measured renters have arrived cannot
# judge Erlang B (it passed on a quarter of the renters asked for)
expect_status "reproduce erlangb, horizon too short" 2 "$GM" reproduce --fast --set sim.horizon=2h erlangb
grep_err "erlangb horizon message" "invariant mmc.measured violated"
# Weibull hosts (shape 0.5) start as if long in service: from new they
# failed 21% more often than MTBF / (MTBF + MTTR) allows
check "reproduce availability, Weibull 0.5" "$GM" reproduce --fast --set hostclass.aging.failure-shape=0.5 \
    --set hostclass.aging.mtbf=200d --set availability.hosts=5000 availability
# bad outage parameters are rejected with file:line
mkdir -p "$T/rep"
printf '[General]\nsim.model = availability\nsim.horizon = 10d\nhostclass.hobbyist.failure-shape = 0\nhostclass.farm.failed-start-prob = 1.5\n' >"$T/rep/availability.ini"
expect_status "reproduce bad parameters" 2 "$GM" reproduce -d "$T/rep" availability
grep_err "shape <= 0" "availability.ini:4: error:"
grep_err "probability > 1" "availability.ini:5: error:"

# -- the parameter reference in docs/ is generated and must be current -------
if [ -f docs/PARAMS.md ]; then
    sh tests/gen_params_doc.sh "$GM" >"$T/params.md"
    if cmp -s "$T/params.md" docs/PARAMS.md; then ok; else bad "docs/PARAMS.md is stale: run 'make docs'"; fi
fi

# [timing] wall_s of a run: the seconds it ran (runner.c measures each run),
# more than zero for a run of about a million events and no more than the whole
# command took around it
t0=$(date +%s.%N)
check "run for its wall time" "$GM" run "$T/phold.ini" -r 0 -o "$T/wall" --no-plots -q \
    --set sim.horizon=5000s
t1=$(date +%s.%N)
v=$(sed -n 's/^wall_s = //p' "$T/wall/manifest.ini")
if awk -v w="$v" -v a="$t0" -v b="$t1" 'BEGIN{exit !(w > 0 && w <= b - a)}'; then ok; else
    bad "a run's wall_s is '$v', want > 0 and <= $(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}') s"; fi
# and runs.csv's sim_time_h is the simulated span: 5000 s = 1.3889 h
v=$(col "$T/wall/runs.csv" sim_time_h)
if awk -v h="$v" 'BEGIN{exit !(h > 0 && (h - 5000 / 3600) ^ 2 < 1e-18)}'; then ok; else
    bad "a 5000 s run's sim_time_h is '$v', want 5000 / 3600"; fi

# A result is the user's: its directories and files are made with the
# modes the umask leaves (0777 and 0666 less it), as mkdir(1) and a shell
# redirection would, not with modes of the program's own choosing.
(umask 027; "$GM" run "$T/phold.ini" -r 0 -o "$T/modes" -q >/dev/null 2>&1;
 "$GM" plot "$T/modes" --only cost >/dev/null 2>&1)
v=$(cd "$T/modes" 2>/dev/null && stat -c '%a' . plots plots/cost.pdf runs.csv | tr '\n' ' ')
if [ "$v" = "750 750 640 640 " ]; then ok; else
    bad "modes of the result, plots/, a chart and runs.csv under umask 027: '$v', want 750 750 640 640"; fi

cli_done
