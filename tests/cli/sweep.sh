#!/bin/sh
# tests/cli/sweep.sh -- sweep, run and merge at their edges: signals, result
# directories made or taken meanwhile, what merge accepts, what manifests
# and runs.csv record. Run by 'make test' with GM_BIN pointing at the
# binary; prints "N passed, M failed" and exits non-zero on any failure.
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

[Config Rep2]
repeat = 4
phold.lps = 32

# runs of about a second each: long enough to act on while they run
[Config Long]
sim.horizon = 50000s
sim.sample-interval = 10000s
repeat = 3

# runs of many seconds: a sweep interrupted must not wait for them
[Config Longer]
sim.horizon = 1000000s
sim.sample-interval = 200000s
repeat = 2
INI

now() { date +%s.%N; }
# child_of DIR: the pid of a sweep child running in DIR (its part's
# temporary directory is named after it), once one runs
child_of() {
    wait_for "$1.tmp-*/runs/*.tmp-*" || return 1
    for c in "$1".tmp-*/runs/*.tmp-*; do echo "${c##*.tmp-}"; return 0; done
}
# wait_for GLOB: until a path matching GLOB exists (up to 20 s)
wait_for() {
    i=0
    while [ $i -lt 400 ]; do
        for f in $1; do [ -e "$f" ] && return 0; done
        sleep 0.05; i=$((i + 1))
    done
    return 1
}

# -- runs.csv: seeds are unsigned 64-bit -------------------------------------
# 2^64-1 was written through int64 as -1, while the manifest said 2^64-1.
expect_status "run with the largest seed" 0 "$GM" run "$T/p.ini" -s seed=18446744073709551615 \
    -o "$T/bigseed" -q --no-plots
v=$(col "$T/bigseed/runs.csv" base_seed)
if [ "$v" = 18446744073709551615 ]; then ok; else bad "runs.csv base_seed is '$v', not 18446744073709551615"; fi

# -- run stops between short runs on SIGINT ---------------------------------
# Runs of fewer than 4096 events never polled the flag: run went on to the
# end, exit 0, with a complete directory.
if command -v timeout >/dev/null 2>&1; then
    timeout --preserve-status -s INT 1 "$GM" run scenarios/default.ini -c Quick \
        -s sim.horizon=4d -s supply.gpus=100 -s repeat=300 -o "$T/sm" -q --no-plots 2>"$T/err"
    rc=$?
    if [ $rc = 130 ]; then ok; else bad "run of short runs, SIGINT after 1 s: exit $rc, want 130"; fi
    left=$(cd "$T" && ls -d sm sm.tmp-* 2>/dev/null)
    if [ -z "$left" ]; then ok; else bad "interrupted run left $left"; fi
fi

# -- the merged manifest describes the whole study ---------------------------
# merge copied run 0's generator and wall time as the study's.
"$GM" sweep "$T/p.ini" -c Rep -s 'sim.rng=${r=mt19937,taus2}' -o "$T/rng" -q --no-plots 2>"$T/err"
"$GM" run "$T/p.ini" -c Rep -s 'sim.rng=${r=mt19937,taus2}' -o "$T/rng-run" -q --no-plots 2>"$T/err"
v=$(grep '^generator' "$T/rng/manifest.ini")
if [ "$v" = "generator = gsl mt19937, taus2" ]; then ok; else bad "sweep manifest says '$v'"; fi
w=$(grep '^generator' "$T/rng-run/manifest.ini")
if [ "$v" = "$w" ]; then ok; else bad "sweep says '$v', run says '$w'"; fi
sum=$(cat "$T"/rng/runs/*/manifest.ini | awk '/^wall_s = /{s+=$3}END{printf "wall_s = %.3f\n", s}')
v=$(grep -m 1 '^wall_s = ' "$T/rng/manifest.ini")
if [ "$v" = "$sum" ]; then ok; else bad "merged [timing] '$v', the parts sum to '$sum'"; fi

# -- merge: parts of one study only ------------------------------------------
# Parts run with other --set overrides or another config were merged (the
# digest covered only the scenario file's text).
part() {    # part DIR CONFIG N ARGS...: a Slurm-array style part
    d=$1; c=$2; n=$3; shift 3
    "$GM" run "$T/p.ini" -c "$c" -r "$n" -o "$T/$d/runs/$c-$n" -q --no-plots "$@" ||
        bad "part $d $c-$n"
}
for n in 0 1 2 3; do    # the same overrides, given in either order: one study
    if [ $n = 1 ] || [ $n = 3 ]; then
        part same Rep $n -s phold.remote=0.2 -s phold.lps=32
    else
        part same Rep $n -s phold.lps=32 -s phold.remote=0.2
    fi
done
expect_status "merge of parts with the same overrides in any order" 0 "$GM" merge "$T/same"
# one value spelled two ways is one study: the digest hashed the text
for n in 0 1 2 3; do
    if [ $n = 2 ]; then part spell Rep $n -s phold.remote=0.20 -s sim.horizon=200.0s; else part spell Rep $n -s phold.remote=0.2 -s sim.horizon=200s; fi
done
expect_status "merge of parts with one value spelled two ways" 0 "$GM" merge "$T/spell"
for n in 0 1 2 3; do
    if [ $n = 2 ]; then part sets Rep $n -s phold.remote=0.3; else part sets Rep $n -s phold.remote=0.2; fi
done
expect_status "merge refuses a part run with another --set" 2 "$GM" merge "$T/sets"
grep_err "merge says which part differs" "Rep-2/runs.csv: run 2 was made from a different scenario, config or --set overrides"
for n in 0 1 2 3; do
    if [ $n = 1 ]; then part cfg Rep2 $n; else part cfg Rep $n; fi
done
expect_status "merge refuses a part run with another config" 2 "$GM" merge "$T/cfg"
grep_err "merge names the part of the other config" "Rep2-1/runs.csv: run 1 was made from a different"

# -- a run that cannot be set up stops the runs already going ---------------
# The pool stopped handing out runs but waited for the running ones to end
# (minutes here) before it threw the study away.
cat >"$T/la.ini" <<'INI'
[General]
sim.model = phold
sim.horizon = 100000000s
sim.sample-interval = 10000000s
phold.lps = 1000
phold.lookahead = 0
phold.mean = ${m=1s,0s}
INI
if command -v timeout >/dev/null 2>&1; then
    expect_status "sweep -j2, one run cannot be set up, the other long" 2 \
        timeout 20 "$GM" sweep "$T/la.ini" -j2 -o "$T/la" -q --no-plots
    grep_err "sweep -j2 says which run cannot be set up" "both zero: time would not advance"
    # the long run is stopped by the sweep, thrown away with the study: not
    # a run "interrupted by a signal to its process" that "the study goes on"
    # past (sim/sweep.c pool_run, "dropping"), as mergeset.sh asks of MPI
    if grep -q "interrupted by a signal" "$T/err"; then
        bad "sweep -j2 calls the run it stopped on a setup error interrupted"; cat "$T/err" >&2; else ok; fi
    left=$(cd "$T" && ls -d la la.tmp-* 2>/dev/null)
    if [ -z "$left" ]; then ok; else bad "sweep stopped on a setup error left $left"; fi
fi

# -- a run that cannot be set up: bad input, for run and sweep alike --------
# sweep exited 1 with a result and FAILED; run ran every run, then exit 2.
for cmd in run sweep; do
    expect_status "$cmd with a warm-up past the horizon in some runs" 2 "$GM" $cmd "$T/p.ini" \
        -c Rep -s 'sim.warmup=${w=50s,300s}' -o "$T/setup-$cmd" -q --no-plots
    grep_err "$cmd says which run cannot be set up" "run 4 of the study cannot be set up; nothing was run"
    left=$(cd "$T" && ls -d setup-$cmd* 2>/dev/null)
    if [ -z "$left" ]; then ok; else bad "$cmd with a run that cannot be set up left $left"; fi
done
# ... with -r too: the runs checked are those asked for, not the first ones
# of the study. Run 0 (50 s warm-up) can be set up, run 4 (300 s) cannot:
# README 'Outputs', "resolve every run before running any", so run 0 is not
# run (no "run 0:" line, -q being off) and the error names run 4.
expect_status "run -r 0,4, run 4 cannot be set up" 2 "$GM" run "$T/p.ini" -c Rep \
    -s 'sim.warmup=${w=50s,300s}' -r 0,4 -o "$T/setup-r" --no-plots
grep_err "run -r 0,4 says run 4 cannot be set up" "run 4 of the study cannot be set up; nothing was run"
if grep -q '^run 0:' "$T/err"; then bad "run -r 0,4 ran run 0 before finding run 4 cannot be set up"; else ok; fi
if [ -e "$T/setup-r" ] || ls -d "$T"/setup-r.tmp-* >/dev/null 2>&1; then bad "run -r 0,4 left a result"; else ok; fi
# a model's own setup refusing a run (found only when it starts) stops the
# study at once, with no result, for both
for cmd in run "sweep -j 1"; do
    # shellcheck disable=SC2086
    expect_status "$cmd with a model setup that fails" 2 "$GM" $cmd "$T/p.ini" -c Rep \
        -s 'phold.mean=${m=0s,1s}' -s phold.lookahead=0 -o "$T/msetup-${cmd%% *}" -q --no-plots
    n=$(grep -c "time would not advance" "$T/err")
    if [ "$n" = 1 ]; then ok; else bad "$cmd went on after a run's setup failed ($n failures)"; fi
    left=$(cd "$T" && ls -d "msetup-${cmd%% *}"* 2>/dev/null)
    if [ -z "$left" ]; then ok; else bad "$cmd with a failed model setup left $left"; fi
done

# -- the destination is checked again when the study is complete -----------
# A folder made at -o while the sweep ran was moved aside and deleted.
"$GM" sweep "$T/p.ini" -c Long -j 1 -o "$T/victim" -q --no-plots 2>"$T/err" &
pid=$!
wait_for "$T/victim.tmp-*/runs/*" || bad "sweep -c Long never started its runs"
mkdir "$T/victim" && echo x >"$T/victim/precious.txt"
wait $pid; rc=$?
if [ $rc = 2 ]; then ok; else bad "sweep onto a folder made meanwhile: exit $rc, want 2"; fi
if [ -f "$T/victim/precious.txt" ]; then ok; else bad "sweep deleted a folder made at -o meanwhile"; fi
grep_err "sweep refuses the folder made meanwhile" "is not a gpumarket result directory"
grep_err "sweep says where the study is" "the merged study is left in $T/victim.tmp-"
if ls -d "$T"/victim.old-* >/dev/null 2>&1; then bad "sweep left victim.old-*"; else ok; fi
rm -rf "$T"/victim*

# -- signals and the sweep's children ---------------------------------------
# SIGINT to the sweep alone: its children are told to stop, not waited for
# through whole runs (glibc's signal() restarted waitpid, so the sweep
# noticed only when a run ended).
"$GM" sweep "$T/p.ini" -c Longer -j 2 -o "$T/int" -q --no-plots 2>"$T/err" &
pid=$!
c=$(child_of "$T/int") || bad "sweep -c Longer never started a run"
t0=$(now)
kill -INT $pid
wait $pid; rc=$?
t1=$(now)
if [ $rc = 130 ]; then ok; else bad "sweep, SIGINT: exit $rc, want 130"; fi
if awk -v a="$t0" -v b="$t1" 'BEGIN{exit !(b - a < 5)}'; then ok; else
    bad "sweep took $(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}') s to stop after SIGINT"; fi
if [ -n "$c" ] && kill -0 "$c" 2>/dev/null; then bad "sweep child $c still runs"; kill "$c"; else ok; fi
left=$(cd "$T" && ls -d int int.tmp-* 2>/dev/null)
if [ -z "$left" ]; then ok; else bad "interrupted sweep left $left"; fi

# SIGTERM to one child: that run is lost and recorded, the study goes on
# (it was taken for an interrupt of the whole sweep: every other run was
# run, then all thrown away, exit 130).
"$GM" sweep "$T/p.ini" -c Long -j 2 -o "$T/one" -q --no-plots 2>"$T/err" &
pid=$!
c=$(child_of "$T/one") && kill -TERM "$c"
wait $pid; rc=$?
if [ $rc = 1 ]; then ok; else bad "sweep, SIGTERM to one child: exit $rc, want 1"; fi
v=$(col "$T/one/runs.csv" status 2>/dev/null | sort | uniq -c | tr -s ' ' | tr '\n' ';')
if [ "$v" = " 1 interrupted; 2 ok;" ]; then ok; else bad "runs.csv statuses after one child's SIGTERM: '$v'"; fi
grep_err "the sweep says which run was interrupted" "was interrupted by a signal to its process"

# A child that crashes mid-run: its partial temporary part is not kept in
# the result beside the placeholder.
"$GM" sweep "$T/p.ini" -c Long -j 2 -o "$T/segv" -q --no-plots 2>"$T/err" &
pid=$!
c=$(child_of "$T/segv") && kill -SEGV "$c"
wait $pid; rc=$?
if [ $rc = 1 ]; then ok; else bad "sweep, SIGSEGV to one child: exit $rc, want 1"; fi
left=$(cd "$T/segv/runs" 2>/dev/null && ls -d *.tmp-* 2>/dev/null)
if [ -z "$left" ]; then ok; else bad "crashed run left runs/$left in the result"; fi
v=$(col "$T/segv/runs.csv" status 2>/dev/null | sort | uniq -c | tr -s ' ' | tr '\n' ';')
if [ "$v" = " 1 crashed; 2 ok;" ]; then ok; else bad "runs.csv statuses after a crash: '$v'"; fi

# -- MPI: a refused -o stops every rank --------------------------------------
# Rank 0 alone checked -o and left the other ranks in farm_bcast forever.
if command -v mpirun >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1 &&
   command -v pgrep >/dev/null 2>&1 &&
   ! "$GM" sweep "$T/p.ini" --mpi -o "$T/nompi" -q 2>&1 | grep -q 'no Open MPI'; then
    mkdir -p "$T/theirs" && echo x >"$T/theirs/f"
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ASAN_OPTIONS=detect_leaks=0 \
        timeout 30 mpirun --oversubscribe -np 3 "$GM" sweep "$T/p.ini" --mpi -o "$T/theirs" \
        -q --no-plots >"$T/mpi.log" 2>&1
    rc=$?
    if [ $rc != 0 ] && [ $rc != 124 ]; then ok; else bad "mpirun sweep onto a non-result -o: exit $rc (124: hung)"; fi
    if [ -f "$T/theirs/f" ]; then ok; else bad "mpirun sweep removed a non-result -o"; fi
    # one rank runs the local pool, and the manifest says so (it said mpi, 0 workers)
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ASAN_OPTIONS=detect_leaks=0 \
        timeout 60 mpirun --oversubscribe -np 1 "$GM" sweep "$T/p.ini" -c Rep --mpi -j 2 \
        -o "$T/np1" -q --no-plots >"$T/mpi.log" 2>&1
    v=$(sed -n '/^\[sweep\]/,/^$/p' "$T/np1/manifest.ini" 2>/dev/null | grep -E '^(mode|workers)' | tr '\n' ';')
    if [ "$v" = "mode = local;workers = 2;" ]; then ok; else bad "mpirun -np 1 --mpi -j 2 recorded '$v'"; cat "$T/mpi.log" >&2; fi
    # SIGTERM to every rank (what a cancelled Slurm job does): the ranks
    # stop their children's runs instead of waiting for them to end
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ASAN_OPTIONS=detect_leaks=0 \
        timeout 120 mpirun --oversubscribe -np 3 "$GM" sweep "$T/p.ini" -c Longer --mpi \
        -o "$T/mterm" -q --no-plots >"$T/mpi.log" 2>&1 &
    pid=$!
    c=$(child_of "$T/mterm") || bad "mpirun sweep -c Longer never started a run"
    t0=$(now)
    for m in $(pgrep -P $pid); do           # timeout -> mpirun -> the ranks
        for r in $(pgrep -P "$m"); do kill -TERM "$r"; done
    done
    wait $pid; rc=$?
    t1=$(now)
    if [ $rc = 130 ]; then ok; else bad "mpirun sweep, SIGTERM to the ranks: exit $rc, want 130"; fi
    if awk -v a="$t0" -v b="$t1" 'BEGIN{exit !(b - a < 10)}'; then ok; else
        bad "mpirun sweep took $(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}') s to stop after SIGTERM"; fi
    if [ -n "$c" ] && kill -0 "$c" 2>/dev/null; then bad "run process $c outlived its rank"; kill "$c"; else ok; fi
else
    echo "skip mpirun (no Open MPI in this build or no mpirun)"
fi

# -- counts and --vary ranges at their edges (mutation testing of
# sim/sweep.c); expectations from sweep's usage text and count_arg's
# header comment ("a whole number in [1, most]"), not from its output.
# -j 0 is no worker at all: refused, as "-j N  parallel runs" wants 1..4096
expect_status "sweep -j 0" 2 "$GM" sweep "$T/p.ini" -c Rep -j 0 -o "$T/j0" -q --no-plots
grep_err "sweep -j 0 says why" "-j needs 1..4096, got '0'"
# the top of the range is allowed (the pool never starts more children
# than the study has runs), one past it is not
expect_status "sweep -j 4096" 0 "$GM" sweep "$T/p.ini" -c Rep -j 4096 -o "$T/j4096" -q --no-plots
expect_status "sweep -j 4097" 2 "$GM" sweep "$T/p.ini" -c Rep -j 4097 -o "$T/j4097" -q --no-plots
grep_err "sweep -j 4097 says why" "-j needs 1..4096, got '4097'"
# strtoull would take a sign or leading blanks ("+2", " 2"); a count is
# digits only, as the usage writes it
expect_status "sweep -j +2" 2 "$GM" sweep "$T/p.ini" -c Rep -j +2 -o "$T/jplus" -q --no-plots
grep_err "sweep -j +2 says why" "-j needs 1..4096, got '+2'"
expect_status "sweep -j ' 2'" 2 "$GM" sweep "$T/p.ini" -c Rep -j ' 2' -o "$T/jsp" -q --no-plots
# LO < HI (usage: "--vary wants KEY=LO..HI with LO < HI"): an empty range
# LO = HI is refused like a reversed one
expect_status "sweep --vary LO..LO" 2 "$GM" sweep "$T/p.ini" -c Rep -o "$T/vq" -q --no-plots \
    --sobol 2 --vary phold.remote=0.5..0.5
grep_err "sweep --vary LO..LO says why" "--vary wants KEY=LO..HI with LO < HI, got 'phold.remote=0.5..0.5'"
# a --vary without a key is malformed, not "unknown key ''"
expect_status "sweep --vary =LO..HI" 2 "$GM" sweep "$T/p.ini" -c Rep -o "$T/vq" -q --no-plots \
    --sobol 2 --vary =0.1..0.9
grep_err "sweep --vary =LO..HI says why" "--vary wants KEY=LO..HI with LO < HI, got '=0.1..0.9'"
if [ -e "$T/vq" ]; then bad "a refused --vary left $T/vq"; else ok; fi
# an integer key is rounded to the nearest whole number: GSL's Sobol
# sequence starts at 0.5 (sim/sweep.c), so --sobol 1 over 16..19.2 is the
# point 16 + 0.5 * 3.2 = 17.6, which rounds to 18 (truncation gives 17)
expect_status "sweep --sobol 1 over an integer key" 0 "$GM" sweep "$T/p.ini" -o "$T/sob1" -q \
    --no-plots --sobol 1 --vary phold.lps=16..19.2
v=$(col "$T/sob1/runs.csv" phold_lps)
if [ "$v" = 18 ]; then ok; else bad "--sobol 1 over phold.lps=16..19.2 ran lps '$v', want 18 (17.6 rounded)"; fi

# the progress line counts a crashed run as failed (usage: exit 1 when
# "some runs failed, crashed or went missing"): run 1 of 4 crashes
expect_status "sweep with a crashed run, progress shown" 1 "$GM" sweep "$T/p.ini" -c Rep -j 1 \
    -o "$T/tally" --no-plots --test-crash-run 1
grep_err "the progress line counts the crashed run" "[sweep] 4/4 runs done, 1 failed"
# ... and the lines in turn, stderr not a terminal (one line per run ended):
# -j 1 hands out runs 0..3 in order, one child at a time, and a line is
# shown once its run has ended, before the next starts, so 0 running each
# time; the crash of run 1 is counted from the second line on
v=$(grep -o '^\[sweep\] [0-9]*/[0-9]* runs done, [0-9]* failed, [0-9]* running' "$T/err" |
    sed 's/^\[sweep\] //; s/ runs done, /:/; s/ failed, /:/; s/ running$//' | tr '\n' ' ')
if [ "$v" = "1/4:0:0 2/4:1:0 3/4:1:0 4/4:1:0 " ]; then ok; else
    bad "sweep -j 1 progress lines (done:failed:running) '$v', want 1/4:0:0 2/4:1:0 3/4:1:0 4/4:1:0"; cat "$T/err" >&2; fi

# -- the progress line on a terminal -----------------------------------------
# README 'Command line': "a progress line goes to stderr when it is a
# terminal": one line, each update written over the last from its start
# ('\r'), ended once every run is done, so "results in ..." starts a line of
# its own. script(1) gives the sweep a terminal and records what it wrote
# (the terminal turns '\n' into '\r\n'). Four runs with -j 1: four updates,
# all on one recorded line, which ends after the last.
if script -qec true /dev/null </dev/null >/dev/null 2>&1; then
    script -qec "$GM sweep $T/p.ini -c Rep -j 1 -o $T/tty --no-plots" "$T/ts" </dev/null >/dev/null 2>&1
    n=$(grep -c '\[sweep\]' "$T/ts")
    if [ "$n" = 1 ]; then ok; else bad "the terminal's progress updates span $n lines, want 1"; od -c "$T/ts" | head -40 >&2; fi
    n=$(grep '\[sweep\]' "$T/ts" | grep -o "$(printf '\r')\[sweep\] [0-9]/4 runs done" | tr '\n' ';')
    if [ "$n" = "$(printf '\r[sweep] 1/4 runs done;\r[sweep] 2/4 runs done;\r[sweep] 3/4 runs done;\r[sweep] 4/4 runs done;')" ]
    then ok; else bad "the terminal's progress updates do not each start with a carriage return"; od -c "$T/ts" | head -40 >&2; fi
    if grep '\[sweep\]' "$T/ts" | grep -q "4/4 runs done.*ETA [0-9]*:[0-9][0-9]$(printf '\r')\$"; then ok
    else bad "the terminal's progress line is not ended after the last run"; od -c "$T/ts" | head -40 >&2; fi
    if grep -q '^results in ' "$T/ts"; then ok; else bad "'results in' does not start a line on the terminal"; od -c "$T/ts" | head -40 >&2; fi
else
    echo "skip the progress line on a terminal (no util-linux script)"
fi

cli_done
