#!/bin/sh
# tests/cli/merge.sh -- what `gpumarket merge` refuses, counts and
# publishes, and `gpumarket diff`'s edges, each found unchecked by
# mutation testing of sim/merge.c and sim/diff.c. Expectations come from
# README ('Experiments at scale', 'Outputs') and the usage texts, not from
# the program's output. Run by 'make test' with GM_BIN pointing at the
# binary; prints "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

cat >"$T/m.ini" <<'INI'
[General]
sim.model = phold
sim.horizon = 100s
sim.sample-interval = 50s
phold.lps = 8
phold.events-per-lp = 2
seed = 5
repeat = 4

[Config Eleven]
repeat = 11

[Config Ax]
repeat = 2
phold.remote = ${remote=0.1,0.5}
INI
FILES="runs.csv params.csv scalars.csv timeseries.csv summary.csv contrasts.csv"
same() {    # same NAME DIR: DIR's files are the whole sweep's, byte for byte
    for f in $FILES; do
        if cmp -s "$T/whole/$f" "$2/$f"; then ok; else bad "$1: $f differs from the sweep's"; fi
    done
}
mark_failed() {     # mark_failed RUNS_CSV ID: the run's status becomes failed
    sed "s/^\(\"$2\",.*\)\"ok\"/\1\"failed\"/" "$1" >"$T/rc" && mv "$T/rc" "$1"
}
"$GM" sweep "$T/m.ini" -o "$T/whole" -q --no-plots 2>"$T/err" || bad "sweep"
for r in 0 1 2 3; do     # the Slurm-array layout: one run per part
    "$GM" run "$T/m.ini" -r $r -o "$T/s/runs/General-$r" -q --no-plots || bad "run -r $r"
done
fresh() { rm -rf "$T/$1"; mkdir -p "$T/$1"; cp -r "$T/s/runs" "$T/$1/runs"; }
edit_manifest() {   # edit_manifest DIR RUN SED-ARGS...: sed run RUN's part's manifest in place
    f="$T/$1/runs/General-$2/manifest.ini"; shift 2
    sed "$@" "$f" >"$T/mf" && mv "$T/mf" "$f"
}
merged_gen() {      # merged_gen NAME DIR WANT: DIR's merged manifest lists 'generator = gsl WANT'
    v=$(grep -m 1 '^generator = ' "$T/$2/manifest.ini")
    if [ "$v" = "generator = gsl $3" ]; then ok
    else bad "$1: merged generators '$v', want 'generator = gsl $3'"; fi
}

# -- parts of several runs each, interleaved -------------------------------
# README: the tiers give byte-identical merged files. With parts holding
# runs 0,2 and 1,3, a run's rows must stop where the next run's start
# (extending over the rest of the part put run 2's rows after run 0's).
"$GM" run "$T/m.ini" -r 0,2 -o "$T/il/runs/even" -q --no-plots || bad "run -r 0,2"
"$GM" run "$T/m.ini" -r 1,3 -o "$T/il/runs/odd" -q --no-plots || bad "run -r 1,3"
# [timing] wall_s of the merge is the parts' sum (each part once, not once
# per run it holds): 1.250 + 2.500 = 3.750.
sed 's/^wall_s = .*/wall_s = 1.250/' "$T/il/runs/even/manifest.ini" >"$T/mf" && mv "$T/mf" "$T/il/runs/even/manifest.ini"
sed 's/^wall_s = .*/wall_s = 2.500/' "$T/il/runs/odd/manifest.ini" >"$T/mf" && mv "$T/mf" "$T/il/runs/odd/manifest.ini"
expect_status "merge of interleaved two-run parts" 0 "$GM" merge "$T/il"
same "interleaved parts" "$T/il"
v=$(grep -m 1 '^wall_s = ' "$T/il/manifest.ini")
if [ "$v" = "wall_s = 3.750" ]; then ok; else bad "merged wall time '$v', the parts sum to 3.750"; fi
# its per-run line "runs = N" becomes the study's: 4 runs (in 2 parts)
v=$(grep -m 1 '^runs = ' "$T/il/manifest.ini")
if [ "$v" = "runs = 4" ]; then ok; else bad "merged manifest says '$v', the study has 4 runs"; fi
# README 'Outputs': FAILED only when a run failed its checks
if [ -e "$T/il/FAILED" ]; then bad "a merge of ok runs wrote FAILED"; cat "$T/il/FAILED" >&2; else ok; fi

# -- what is not a part ----------------------------------------------------
# A result being replaced is moved aside as DIR.old-PID (sim/results.c);
# one left there is the run again, not a second copy. A file or folder
# without runs.csv (a Slurm log, notes) is no part either.
fresh side
cp -r "$T/side/runs/General-1" "$T/side/runs/General-1.old-4242"
echo "slurm log" >"$T/side/runs/slurm-77_1.out"
mkdir "$T/side/runs/notes"
expect_status "merge skips .old-, a stray file and a folder without runs.csv" 0 "$GM" merge "$T/side"
same "beside .old- and strays" "$T/side"
# ... nor a part still being written: the result writer builds it as
# DIR.tmp-PID (sim/results.c) and renames it when whole
fresh sidetmp
cp -r "$T/sidetmp/runs/General-1" "$T/sidetmp/runs/General-1.tmp-4242"
expect_status "merge skips a .tmp- part" 0 "$GM" merge "$T/sidetmp"
same "beside a .tmp- part" "$T/sidetmp"

# -- missing runs: exit 1, counted wherever they are -----------------------
# README: merge exits 1 when runs are missing, the study's last ones
# included. Four runs, one part gone: 1 missing.
fresh first; rm -r "$T/first/runs/General-0"
expect_status "merge without run 0" 1 "$GM" merge "$T/first"
grep_err "merge counts run 0 missing" "(0 failed, 1 missing)"
fresh last; rm -r "$T/last/runs/General-3"
expect_status "merge without the last run" 1 "$GM" merge "$T/last"
grep_err "merge counts the last run missing" "(0 failed, 1 missing)"

# -- a failed run: exit 1, FAILED, counted in the manifest -------------------
fresh fail
mark_failed "$T/fail/runs/General-2/runs.csv" General-2
echo 'General-2: invariant phold.order violated at t=0.01 h' >"$T/fail/runs/General-2/FAILED"
expect_status "merge with a failed run" 1 "$GM" merge "$T/fail"
grep_err "merge counts the failed run" "(1 failed, 0 missing)"
if [ "$(cat "$T/fail/FAILED")" = 'General-2: invariant phold.order violated at t=0.01 h' ]; then ok
else bad "merged FAILED"; cat "$T/fail/FAILED" >&2; fi
if grep -qx 'failed_runs = 1' "$T/fail/manifest.ini" && grep -qx 'failed = 1' "$T/fail/manifest.ini"
then ok; else bad "merged manifest does not count the failed run"; cat "$T/fail/manifest.ini" >&2; fi
# the run redone (a Slurm task resubmitted): merge again, FAILED goes
rm -r "$T/fail/runs/General-2" && cp -r "$T/s/runs/General-2" "$T/fail/runs/"
expect_status "merge again with the run redone" 0 "$GM" merge "$T/fail"
if [ -e "$T/fail/FAILED" ]; then bad "the last merge's FAILED outlived the redone run"; else ok; fi
same "merge again after the redo" "$T/fail"

# FAILED takes each run's own line from its part: 'Eleven-1' is not the
# start of 'Eleven-10: ...' (a part holding runs 1 and 10, its FAILED in
# any order).
"$GM" run "$T/m.ini" -c Eleven -r 1,10 -o "$T/e/runs/p" -q --no-plots || bad "run -r 1,10"
mark_failed "$T/e/runs/p/runs.csv" Eleven-1
mark_failed "$T/e/runs/p/runs.csv" Eleven-10
printf 'Eleven-10: invariant b violated\nEleven-1: invariant a violated\n' >"$T/e/runs/p/FAILED"
expect_status "merge of a part with runs 1 and 10 failed" 1 "$GM" merge "$T/e"
if [ "$(cat "$T/e/FAILED")" = "$(printf 'Eleven-1: invariant a violated\nEleven-10: invariant b violated')" ]
then ok; else bad "merged FAILED mixes up Eleven-1 and Eleven-10"; cat "$T/e/FAILED" >&2; fi

# -- parts that do not fit are refused (exit 2), nothing published -----------
refused() {     # refused NAME DIR MESSAGE
    expect_status "$1" 2 "$GM" merge "$T/$2"
    grep_err "$1: says why" "$3"
    if [ -e "$T/$2/scalars.csv" ]; then bad "$1: a refused merge wrote scalars.csv"; else ok; fi
}
fresh hdr
sed '1s/,events,/,events_n,/' "$T/hdr/runs/General-2/runs.csv" >"$T/rc" && mv "$T/rc" "$T/hdr/runs/General-2/runs.csv"
refused "merge refuses a runs.csv with another header" hdr "General-2/runs.csv:1: error: header differs from the other parts'"
fresh nostat
for r in 0 1 2 3; do    # every part alike without its status column
    f="$T/nostat/runs/General-$r/runs.csv"
    awk -F, -v OFS=, 'NR==1{for(i=1;i<=NF;i++)if($i=="status")k=i} {s="";for(i=1;i<=NF;i++)if(i!=k)s=s (s==""&&i==1?"":OFS) $i;print s}' "$f" >"$T/rc" && mv "$T/rc" "$f"
done
if head -n 1 "$T/nostat/runs/General-0/runs.csv" | grep -q status; then bad "test setup: status column kept"; else ok; fi
refused "merge refuses runs.csv without a status column" nostat "not a runs.csv (needs run_id, run_number, status)"
fresh badnum
sed 's/^\("General-2","General",\)2,/\12x,/' "$T/badnum/runs/General-2/runs.csv" >"$T/rc" && mv "$T/rc" "$T/badnum/runs/General-2/runs.csv"
refused "merge refuses run_number 2x" badnum "bad run_number '2x'"
fresh stray
grep '^"General-1",' "$T/stray/runs/General-1/scalars.csv" >>"$T/stray/runs/General-0/scalars.csv"
refused "merge refuses rows of a run another part lists" stray \
    "rows of run 'General-1', which this part's runs.csv does not list"
fresh tshdr
sed '1s/^run_id,t_h,/run_id,t_s,/' "$T/tshdr/runs/General-2/timeseries.csv" >"$T/rc" && mv "$T/rc" "$T/tshdr/runs/General-2/timeseries.csv"
refused "merge refuses a timeseries.csv with another header" tshdr \
    "General-2/timeseries.csv:1: error: header differs from the other parts'"
fresh noscal; rm "$T/noscal/runs/General-2/scalars.csv"
refused "merge refuses a part without scalars.csv" noscal "General-2/scalars.csv: cannot read"
mkdir -p "$T/empty/runs"
refused "merge of an empty runs/" empty "no run directories to merge"

# A part without a manifest says nothing of its build (sim/merge.c,
# part_build: "" when the part has no manifest): not refused for it.
fresh noman; rm "$T/noman/runs/General-3/manifest.ini"
expect_status "merge of a part without a manifest" 0 "$GM" merge "$T/noman"

# -- more edges, found unchecked by mutation testing of sim/merge.c --------
# an empty run_number is not run 0 (strtoull reads "" as 0): refused
fresh nonum
sed 's/^\("General-2","General",\)2,/\1,/' "$T/nonum/runs/General-2/runs.csv" >"$T/rc" && mv "$T/rc" "$T/nonum/runs/General-2/runs.csv"
refused "merge refuses an empty run_number" nonum "bad run_number ''"
# one run in two parts is named as such ("run N is in both A and B"), not
# taken for stray rows of one of them
fresh dup; cp -r "$T/dup/runs/General-1" "$T/dup/runs/General-1b"
refused "merge refuses a run in two parts" dup "run 1 is in both"
# part_build: a manifest that gives its version but no git_describe still
# says which build made the part ("" only when it says neither), so parts
# of two versions are refused
fresh onlyver
for r in 0 1 2 3; do edit_manifest onlyver $r '/^git_describe = /d'; done
edit_manifest onlyver 2 's/^version = .*/version = 0.0.9/'
refused "merge refuses parts of two versions without git_describe" onlyver "General-2 was made by another build (version 0.0.9, git )"
# generators are listed once each by whole name (manifest_facts): run 0's
# mt19937_1999 does not already list run 1's mt19937
fresh gens
edit_manifest gens 0 's/^generator = gsl .*/generator = gsl mt19937_1999/'
edit_manifest gens 1 's/^generator = gsl .*/generator = gsl mt19937/'
expect_status "merge of parts with two generators" 0 "$GM" merge "$T/gens"
merged_gen "gens generators" gens "mt19937_1999, mt19937"
# ... and from the start too: run 1's ran2 is no generator run 0's
# knuthran2 already lists (GSL has both names)
edit_manifest gens 0 's/^generator = gsl .*/generator = gsl knuthran2/'
edit_manifest gens 1 's/^generator = gsl .*/generator = gsl ran2/'
expect_status "merge of parts with generators knuthran2 and ran2" 0 "$GM" merge "$T/gens"
merged_gen "gens generators" gens "knuthran2, ran2, mt19937"
# 'repetition' is no contrast axis (merge_check_contrast): refused up front
expect_status "run --contrast repetition" 2 "$GM" run "$T/m.ini" -o "$T/crep" -q --no-plots \
    --contrast repetition
grep_err "run --contrast repetition says why" "contrast axis 'repetition' is not an iteration variable"
# ... before any run, not by the statistics after every run ("stopped; no
# result directory written" is what a study stopped after its runs says)
if grep -q 'stopped; no result directory written' "$T/err"; then
    bad "run --contrast repetition was refused after its runs, not up front"; else ok; fi
if [ -e "$T/crep" ]; then bad "run --contrast repetition wrote $T/crep"; else ok; fi
# a part (run -r) checks the baseline against the whole study: run 3 of Ax
# (remote 0.1, 0.5, two repetitions each) has remote 0.5 whichever way the
# axes nest, and 0.1 is still a value of the study's axis
expect_status "run -r 3 --contrast remote=0.1" 0 "$GM" run "$T/m.ini" -c Ax -r 3 \
    -o "$T/axp/runs/Ax-3" -q --no-plots --contrast remote=0.1

# -- merge's arguments ------------------------------------------------------
expect_status "merge --level 1" 2 "$GM" merge "$T/s" --level 1
grep_err "merge --level 1 says why" "--level must be a number in (0, 1)"
expect_status "merge --level 0" 2 "$GM" merge "$T/s" --level 0
expect_status "merge --contrast with no axis" 2 "$GM" merge "$T/s" --contrast =0.1
grep_err "merge --contrast with no axis gives the usage" "Usage: gpumarket merge DIR"
expect_status "merge of two directories" 2 "$GM" merge "$T/s" "$T/il"

# --contrast AXIS without a baseline: the axis's first value (run's usage),
# the same contrasts as the default on a study whose only axis it is
"$GM" run "$T/m.ini" -c Ax -o "$T/ax" -q --no-plots || bad "run -c Ax"
expect_status "run --contrast remote (no baseline)" 0 "$GM" run "$T/m.ini" -c Ax -o "$T/axc" \
    -q --no-plots --contrast remote
if [ "$(wc -l <"$T/ax/contrasts.csv")" -gt 1 ] && cmp -s "$T/ax/contrasts.csv" "$T/axc/contrasts.csv"
then ok; else bad "run --contrast remote differs from the default contrasts"; fi

# merge names the nearest axis of a misspelt --contrast, as run and sweep
# do (README "Scenario files": every hint, --contrast axes included): its
# own check said only that the axis was none of the study's
mkdir -p "$T/axm/runs"
for r in 0 1 2 3; do
    "$GM" run "$T/m.ini" -c Ax -r $r -o "$T/axm/runs/Ax-$r" -q --no-plots || bad "run -c Ax -r $r"
done
expect_status "merge --contrast remot" 2 "$GM" merge "$T/axm" --contrast remot
grep_err "merge --contrast remot names the axis" "(did you mean 'remote'?)"

# -- diff on hand-made directories -------------------------------------------
# Two points (fee 0.1 and 0.2), two runs each. In A, metric x exists at
# fee=0.1 only; y everywhere, constant. B has x at both points.
mkdir -p "$T/da" "$T/db" "$T/dz" "$T/d2" "$T/d1"
runs4='run_id,config,run_number,repetition,seed_set,base_seed,fee,status
"S-0","S",0,0,0,1,"0.1","ok"
"S-1","S",1,1,1,1,"0.1","ok"
"S-2","S",2,0,2,1,"0.2","ok"
"S-3","S",3,1,3,1,"0.2","ok"'
echo "$runs4" >"$T/da/runs.csv"; echo "$runs4" >"$T/db/runs.csv"; echo "$runs4" >"$T/dz/runs.csv"
cat >"$T/da/scalars.csv" <<'CSV'
run_id,metric,entity_kind,entity,value,unit
"S-0","x","model","m",10,"1"
"S-1","x","model","m",10,"1"
"S-0","y","model","m",5,"1"
"S-1","y","model","m",5,"1"
"S-2","y","model","m",5,"1"
"S-3","y","model","m",5,"1"
CSV
{ cat "$T/da/scalars.csv"; printf '"S-2","x","model","m",10,"1"\n"S-3","x","model","m",10,"1"\n'; } >"$T/db/scalars.csv"
{ cat "$T/da/scalars.csv"; printf '"S-0","z","model","m",1,"1"\n"S-1","z","model","m",1,"1"\n'; } >"$T/dz/scalars.csv"
# A metric absent at a point of A is no comparison there: A against itself
# makes 3 comparisons (x at 0.1, y at 0.1 and 0.2), none moved.
expect_status "diff A A, x at one point only" 0 "$GM" diff "$T/da" "$T/da"
grep_err "diff A A counts 3 comparisons" "diff: 0 of 3 comparisons moved"
if grep -q "different studies" "$T/err"; then bad "diff A A called them different studies"; else ok; fi
# two studies that share no point are said to be different studies, not
# only listed point by point as missing (error audit)
mkdir -p "$T/dq"
echo "$runs4" | sed 's/"S"/"Q"/; s/"0.1"/"0.5"/g; s/"0.2"/"0.6"/g; s/"S-/"S-/g' >"$T/dq/runs.csv"
cp "$T/da/scalars.csv" "$T/dq/scalars.csv"
expect_status "diff of two studies with no common point" 1 "$GM" diff "$T/da" "$T/dq"
grep_err "diff of two studies says so" "no sweep point of $T/da (config 'S') is one of $T/dq (config"
# ... and where B has it but A does not, it is new in B (usage: "present
# on one side only are flagged")
expect_status "diff A B, x new at fee=0.2" 1 "$GM" diff "$T/da" "$T/db"
if grep -q '^fee=0.2 .* x .*MOVED (new in B)' "$T/out"; then ok; else bad "x at fee=0.2 is not 'new in B'"; cat "$T/out" >&2; fi
grep_err "diff A B counts it" "diff: 1 of 4 comparisons moved: 1 on one side only"
# --metrics may name a metric B has and A lacks (it must name something in
# A or B): flagged as new (exit 1), not refused as unknown (exit 2)
expect_status "diff --metrics z, z only in B" 1 "$GM" diff "$T/da" "$T/dz" --metrics z
grep_out "z is new in B" "MOVED (new in B)"
# --rtol 0 is allowed ("a number >= 0"); --alpha 0 is not ("in (0, 1)")
expect_status "diff --rtol 0" 0 "$GM" diff "$T/da" "$T/da" --rtol 0
expect_status "diff --alpha 0" 2 "$GM" diff "$T/da" "$T/da" --alpha 0
grep_err "diff --alpha 0 says why" "--alpha wants a number in (0, 1)"
expect_status "diff of three directories" 2 "$GM" diff "$T/da" "$T/da" "$T/da"
grep_err "diff of three directories says why" "two result directories, got 3"
# Two runs in A (10, 12), one in B (20): fewer than 2 on a side is no test,
# so no p-value ("p=-"), whatever Welch's formula gives with one variance.
printf 'run_id,config,run_number,repetition,seed_set,base_seed,status\n"R-0","R",0,0,0,1,"ok"\n"R-1","R",1,1,1,1,"ok"\n' >"$T/d2/runs.csv"
printf 'run_id,metric,entity_kind,entity,value,unit\n"R-0","x","model","m",10,"1"\n"R-1","x","model","m",12,"1"\n' >"$T/d2/scalars.csv"
printf 'run_id,config,run_number,repetition,seed_set,base_seed,status\n"R-0","R",0,0,0,1,"ok"\n' >"$T/d1/runs.csv"
printf 'run_id,metric,entity_kind,entity,value,unit\n"R-0","x","model","m",20,"1"\n' >"$T/d1/scalars.csv"
expect_status "diff of 2 runs against 1" 1 "$GM" diff "$T/d2" "$T/d1"
if grep -q ' x .*p=- .*MOVED (n < 2, no test)' "$T/out"; then ok
else bad "2 runs against 1: not 'p=-' and 'MOVED (n < 2, no test)'"; cat "$T/out" >&2; fi

# ... and the relative change is B's against A's mean: (20 - 11) / 11 =
# +81.818% (with A and B swapped in the test it read -45.000%)
if grep -q ' x .*+81\.818%' "$T/out"; then ok
else bad "2 runs (10, 12) against 1 (20): change not +81.818%"; cat "$T/out" >&2; fi

# -- more diff edges, found unchecked by mutation testing of sim/diff.c ----
# --alpha 1 is outside (0, 1) as --help gives it
expect_status "diff --alpha 1" 2 "$GM" diff "$T/da" "$T/da" --alpha 1
grep_err "diff --alpha 1 says why" "--alpha wants a number in (0, 1)"
# --all prints every comparison: A against itself, 3 lines, all ok
expect_status "diff --all" 0 "$GM" diff "$T/da" "$T/da" --all
if [ "$(grep -c ' ok$' "$T/out")" = 3 ]; then ok; else bad "diff --all: not 3 'ok' lines"; cat "$T/out" >&2; fi
# a point of A that B lacks: B has fee=0.1 only (x and y there), so x and
# y at fee=0.2 are missing points, not metrics missing at a point
mkdir -p "$T/dp"
head -3 "$T/da/runs.csv" >"$T/dp/runs.csv"
grep -v '"S-[23]"' "$T/db/scalars.csv" >"$T/dp/scalars.csv"
expect_status "diff A B, B without fee=0.2" 1 "$GM" diff "$T/db" "$T/dp"
if [ "$(grep -c '^fee=0.2 .*MOVED (point missing in B)$' "$T/out")" = 2 ]; then ok
else bad "fee=0.2's x and y are not 'point missing in B'"; cat "$T/out" >&2; fi
grep_err "diff A B, B without fee=0.2, counts them" "diff: 2 of 4 comparisons moved: 2 on one side only"
# the default alpha is 0.05: A (10, 12) against B (15, 17) is Welch's t =
# 5 / sqrt(2/2 + 2/2) = 3.5355 on df = (1 + 1)^2 / (1 + 1) = 2, whose
# two-sided p = 1 - t / sqrt(2 + t^2) = 0.0715 (Student t, 2 df, closed
# form): beyond rtol but not significant at 0.05 (ok, exit 0); at --alpha
# 0.1 it moved
mkdir -p "$T/w1" "$T/w2"
printf 'run_id,config,run_number,repetition,seed_set,base_seed,status\n"R-0","R",0,0,0,1,"ok"\n"R-1","R",1,1,1,1,"ok"\n' >"$T/w1/runs.csv"
cp "$T/w1/runs.csv" "$T/w2/runs.csv"
printf 'run_id,metric,entity_kind,entity,value,unit\n"R-0","x","model","m",10,"1"\n"R-1","x","model","m",12,"1"\n' >"$T/w1/scalars.csv"
printf 'run_id,metric,entity_kind,entity,value,unit\n"R-0","x","model","m",15,"1"\n"R-1","x","model","m",17,"1"\n' >"$T/w2/scalars.csv"
expect_status "diff p = 0.0715 at the default alpha 0.05" 0 "$GM" diff "$T/w1" "$T/w2" --all
if grep -q ' x .*+45\.455%  p=0\.0715 ' "$T/out"; then ok
else bad "10,12 against 15,17: not +45.455% and p=0.0715"; cat "$T/out" >&2; fi
expect_status "diff p = 0.0715 at --alpha 0.1" 1 "$GM" diff "$T/w1" "$T/w2" --alpha 0.1
grep_out "diff p = 0.0715 at --alpha 0.1 moved" "MOVED"

# --metrics takes globs (usage: "names or globs"): 'x*' is x alone, at
# fee=0.1 (ok) and new in B at fee=0.2; y is not compared
expect_status "diff --metrics 'x*'" 1 "$GM" diff "$T/da" "$T/db" --metrics 'x*'
grep_err "diff --metrics 'x*' compares x only" "diff: 1 of 2 comparisons moved: 1 on one side only"
# ... and one naming nothing in either directory is refused (exit 2)
expect_status "diff --metrics xx" 2 "$GM" diff "$T/da" "$T/db" --metrics xx
grep_err "diff --metrics xx says why" "--metrics: no metric 'xx' in either directory"
# a list of no names is refused too: it compared nothing and exited 0 (a
# CI gate built on an empty variable would always pass)
for m in "" ",,"; do
    expect_status "diff --metrics '$m'" 2 "$GM" diff "$T/da" "$T/db" --metrics "$m"
    grep_err "diff --metrics '$m' says why" "--metrics names no metric"
done
# significant but within rtol is not flagged: A (100, 100.002) against B
# (100.5, 100.502) is t = 0.5 / sqrt(2e-6) = 354 on 2 df, p = 1 - t /
# sqrt(2 + t^2) = 8e-6, a change of 0.5 / 100.001 = 0.5% < the 1% rtol
mkdir -p "$T/w3" "$T/w4"
cp "$T/w1/runs.csv" "$T/w3/runs.csv"; cp "$T/w1/runs.csv" "$T/w4/runs.csv"
printf 'run_id,metric,entity_kind,entity,value,unit\n"R-0","x","model","m",100,"1"\n"R-1","x","model","m",100.002,"1"\n' >"$T/w3/scalars.csv"
printf 'run_id,metric,entity_kind,entity,value,unit\n"R-0","x","model","m",100.5,"1"\n"R-1","x","model","m",100.502,"1"\n' >"$T/w4/scalars.csv"
expect_status "diff significant within rtol" 0 "$GM" diff "$T/w3" "$T/w4" --all
grep_out "diff significant within rtol says so" "significant, within rtol"
# the CI half-width shown: two runs (10, 12) have s = sqrt(2), the mean's
# standard error 1 and t(0.975, 1 df) = 12.706 (t table), so "11 ±12.7";
# (15, 17) "16 ±12.7"
expect_status "diff --all of (10, 12) and (15, 17)" 0 "$GM" diff "$T/w1" "$T/w2" --all
if grep -q 'A 11 ±12\.7 .*B 16 ±12\.7 ' "$T/out"; then ok
else bad "(10, 12) and (15, 17): not 11 ±12.7 and 16 ±12.7"; cat "$T/out" >&2; fi

# a point new in B, listed first in B: B has fee=0.2 (runs S-0, S-1) before
# fee=0.1 (S-2, S-3), A fee=0.1 only; B's points are matched to A's by
# value, not by position, so x and y at fee=0.2 are new points
mkdir -p "$T/dq"
printf 'run_id,config,run_number,repetition,seed_set,base_seed,fee,status\n"S-0","S",0,0,0,1,"0.2","ok"\n"S-1","S",1,1,1,1,"0.2","ok"\n"S-2","S",2,0,2,1,"0.1","ok"\n"S-3","S",3,1,3,1,"0.1","ok"\n' >"$T/dq/runs.csv"
cp "$T/db/scalars.csv" "$T/dq/scalars.csv"
expect_status "diff A B, B's new point first" 1 "$GM" diff "$T/dp" "$T/dq"
if [ "$(grep -c '^fee=0.2 .*MOVED (point new in B)$' "$T/out")" = 2 ]; then ok
else bad "fee=0.2's x and y, first in B, are not 'point new in B'"; cat "$T/out" >&2; fi
grep_err "diff A B, B's new point first, counts them" "diff: 2 of 4 comparisons moved: 2 on one side only"
# metrics match by name, not position: A's scalars with the y lines first
# are A (x 10, y 5 against y 5, x 10 would move)
mkdir -p "$T/dy"
cp "$T/da/runs.csv" "$T/dy/runs.csv"
{ head -1 "$T/da/scalars.csv"; grep '"y"' "$T/da/scalars.csv"; grep '"x"' "$T/da/scalars.csv"; } >"$T/dy/scalars.csv"
expect_status "diff A, A with its metrics reordered" 0 "$GM" diff "$T/da" "$T/dy"
grep_err "diff A, A reordered: nothing moved" "diff: 0 of 3 comparisons moved"
expect_status "diff A reordered, A" 0 "$GM" diff "$T/dy" "$T/da"
# --metrics leaves out what B alone has too: z (only in B) is not wanted
expect_status "diff --metrics x, z only in B" 0 "$GM" diff "$T/da" "$T/dz" --metrics x
grep_err "diff --metrics x compares x alone" "diff: 0 of 1 comparisons moved"

# -- found unchecked by mutation testing of sim/merge.c and sim/results.c --
# CSV quoting (RFC 4180, as sim/table.c writes it): a quoted field may hold
# a newline or a comma, and a record ends only at a newline outside
# quotes. A value of General-1's params.csv with both, and a "" inside,
# is one row of run General-1: merged byte for byte (README), not split
# into a row of a run named '' (ending records at every newline did).
fresh quoted
f="$T/quoted/runs/General-1/params.csv"
awk '/^"General-1","phold.lps",/ { sub(/,"8",/, ",\"8,\n\"\"eight\"\"\","); } { print }' "$f" >"$T/pc" && mv "$T/pc" "$f"
if grep -q '^""eight""",' "$f"; then ok; else bad "test setup: no quoted newline in $f"; fi
expect_status "merge of a quoted field holding a newline and a comma" 0 "$GM" merge "$T/quoted"
grep_err "merge of a quoted newline: nothing failed or missing" "(0 failed, 0 missing)"
{ head -n 1 "$T/quoted/runs/General-0/params.csv"
  for r in 0 1 2 3; do tail -n +2 "$T/quoted/runs/General-$r/params.csv"; done; } >"$T/pcat"
if cmp -s "$T/pcat" "$T/quoted/params.csv"; then ok; else bad "merged params.csv is not the parts' rows in run order"; fi
# ... and a comma inside a quoted field before status: Ax's remote column
# ("0.1" made "0.1,x" in run 0's row) is one field, so status (after it) is
# still "ok" and the digest (last) still the study's
for r in 0 1 2 3; do
    "$GM" run "$T/m.ini" -c Ax -r $r -o "$T/qc/runs/Ax-$r" -q --no-plots || bad "run -c Ax -r $r"
done
f="$T/qc/runs/Ax-0/runs.csv"
sed '2s/,"0\.1",/,"0.1,x",/' "$f" >"$T/rc" && mv "$T/rc" "$f"
if grep -q '"0\.1,x"' "$f"; then ok; else bad "test setup: no quoted comma in $f"; fi
expect_status "merge of a quoted field holding a comma" 0 "$GM" merge "$T/qc"
grep_err "merge of a quoted comma: nothing failed or missing" "(0 failed, 0 missing)"

# scenario.resolved.ini and the manifest are run 0's (sim/merge.c: "come
# from the first run"), wherever its part sorts: here last, as x0
rm -rf "$T/r0"; mkdir -p "$T/r0/runs"
cp -r "$T/s/runs/General-0" "$T/r0/runs/x0"
for r in 1 2 3; do cp -r "$T/s/runs/General-$r" "$T/r0/runs/"; done
expect_status "merge with run 0's part sorting last" 0 "$GM" merge "$T/r0"
if cmp -s "$T/s/runs/General-0/scenario.resolved.ini" "$T/r0/scenario.resolved.ini"; then ok
else bad "merged scenario.resolved.ini is not run 0's"; head -n 1 "$T/r0/scenario.resolved.ini" >&2; fi
if head -n 1 "$T/r0/scenario.resolved.ini" | grep -q ' as run 0 saw it$'; then ok
else bad "merged scenario.resolved.ini: not 'as run 0 saw it'"; fi
if grep -q '^command = .* -r 0 ' "$T/r0/manifest.ini"; then ok
else bad "merged manifest's command is not run 0's"; grep '^command' "$T/r0/manifest.ini" >&2; fi

# generators: a part whose manifest names none ("gsl none (no runs)",
# sim/results.c) adds none to the list, whose words are no generators
fresh nogen
for r in 0 1 2 3; do edit_manifest nogen $r 's/^generator = gsl .*/generator = gsl none (no runs)/'; done
expect_status "merge of parts naming no generator" 0 "$GM" merge "$T/nogen"
merged_gen "nogen generators" nogen "none (no runs)"
rm -r "$T/nogen/runs/General-2" && cp -r "$T/s/runs/General-2" "$T/nogen/runs/"
expect_status "merge of one part with a generator, three with none" 0 "$GM" merge "$T/nogen"
merged_gen "nogen generators" nogen "mt19937"

# digests are 16 hex digits, leading zeros kept (sim/results.c "%016llx"):
# merge compares scenario_digest as text
for v in $(col "$T/whole/runs.csv" scenario_digest) \
         $(sed -n 's/^digest = //p' "$T/whole/manifest.ini"); do
    case $v in
    [0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]) ok ;;
    *) bad "digest '$v' is not 16 hex digits" ;;
    esac
done

# the merged manifest's [merge] section counts parts and runs apart: the
# interleaved merge above is 4 runs from 2 parts; and its [rng] seeds line,
# run 0's seeds alone in a part, is made the study's (per run in runs.csv)
if grep -qx 'parts = 2' "$T/il/manifest.ini"; then ok
else bad "merged manifest: not 'parts = 2'"; sed -n '/^\[merge\]/,$p' "$T/il/manifest.ini" >&2; fi
if grep -qx 'seeds = per run in runs.csv (base_seed)' "$T/il/manifest.ini"; then ok
else bad "merged manifest's seeds line is a part's"; grep '^seeds' "$T/il/manifest.ini" >&2; fi
# a failed run whose part has no FAILED (sim/merge.c write_failed: "a part
# without one: its status") is still listed in the merged FAILED
fresh nofail
mark_failed "$T/nofail/runs/General-2/runs.csv" General-2
expect_status "merge with a failed run, its part without FAILED" 1 "$GM" merge "$T/nofail"
if [ "$(cat "$T/nofail/FAILED" 2>/dev/null)" = 'General-2: status failed' ]; then ok
else bad "merged FAILED of a part without one: not 'General-2: status failed'"; cat "$T/nofail/FAILED" >&2; fi
# parts edited on Windows (CRLF line ends): the header's last column is
# still scenario_digest, not "scenario_digest\r" taken for no digest at
# all, so a part from another scenario is still refused
fresh crlf
for r in 0 1 2 3; do
    f="$T/crlf/runs/General-$r/runs.csv"
    sed 's/$/\r/' "$f" >"$T/rc" && mv "$T/rc" "$f"
done
f="$T/crlf/runs/General-2/runs.csv"
sed '2s/,"[0-9a-f]*"\r$/,"0123456789abcdef"\r/' "$f" >"$T/rc" && mv "$T/rc" "$f"
if grep -q '"0123456789abcdef"' "$f"; then ok; else bad "test setup: digest of $f not changed"; fi
refused "merge refuses a CRLF part from another scenario" crlf "run 2 was made from a different scenario"

# -- diff's summary line (stderr), found unchecked by mutation testing -----
# nothing moved: the tolerances it was judged by, the defaults of --help
# (rtol 0.01 = 1%, alpha 0.05)
expect_status "diff A A, the summary" 0 "$GM" diff "$T/da" "$T/da"
grep_err "diff A A names the default tolerances" "diff: 0 of 3 comparisons moved (rtol 1%, alpha 0.05)"
# reasons are listed after ': ', joined by ', ': one run a side, x 10 ->
# 20 is beyond rtol with no test, z 1 -> inf is not finite
mkdir -p "$T/f1" "$T/f2"
printf 'run_id,config,run_number,repetition,seed_set,base_seed,status\n"R-0","R",0,0,0,1,"ok"\n' >"$T/f1/runs.csv"
cp "$T/f1/runs.csv" "$T/f2/runs.csv"
printf 'run_id,metric,entity_kind,entity,value,unit\n"R-0","x","model","m",10,"1"\n"R-0","z","model","m",1,"1"\n' >"$T/f1/scalars.csv"
printf 'run_id,metric,entity_kind,entity,value,unit\n"R-0","x","model","m",20,"1"\n"R-0","z","model","m",inf,"1"\n' >"$T/f2/scalars.csv"
expect_status "diff, one run a side, x moved and z infinite" 1 "$GM" diff "$T/f1" "$T/f2"
grep_err "diff lists both reasons" "diff: 2 of 2 comparisons moved: 1 beyond 1% with fewer than 2 runs on a side (no test), 1 not finite on one side"
expect_status "diff, one run a side, x moved" 1 "$GM" diff "$T/f1" "$T/f2" --metrics x
grep_err "diff gives the one reason after ': '" "diff: 1 of 1 comparisons moved: 1 beyond 1% with fewer than 2 runs on a side (no test)"
# the columns line up on screen: '±' is one column but two bytes, so B's
# column starts where it does in a row whose A is '-' (x new in B at
# fee=0.2); with ± made one byte, "  B " is at one offset in every line
expect_status "diff --all of A and B" 1 "$GM" diff "$T/da" "$T/db" --all
n=$(sed 's/±/+/g' "$T/out" | awk '{ print index($0, "  B ") }' | sort -u | wc -l)
if [ "$n" = 1 ] && [ "$(wc -l <"$T/out")" = 4 ]; then ok
else bad "diff --all: B's column moves from line to line"; cat "$T/out" >&2; fi

cli_done
