#!/bin/sh
# tests/cli/mergeset.sh -- merge takes parts whose --set overrides change
# no run (they restate the file's value or a default) and refuses parts
# whose overrides do; the MPI farm stops every rank when a run cannot be
# set up. Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh


cat >"$T/m.ini" <<'INI'
[General]
sim.model = market
sim.horizon = 1d
sim.warmup = 0d
supply.gpus = 50
archetype.*.retry = 2h
seed = 3

[Config S]
repeat = 2
market.fee = ${fee=0.1,0.2}

[Config T]
market.fee = ${fee=0.1,0.2}
market.clearing = ${clearing=pay-as-bid,uniform}
INI

# digest CONFIG ARGS...: the scenario_digest of run 0 made with ARGS
n=0
digest() {
    c=$1; shift
    n=$((n + 1))
    "$GM" run "$T/m.ini" -c "$c" -r 0 -o "$T/d$n" -q --no-plots "$@" 2>"$T/err" ||
        { bad "run -c $c $*"; cat "$T/err" >&2; }
    col "$T/d$n/runs.csv" scenario_digest
}

# -- a --set that changes no run is no other study ----------------------------
# merge refused a part made with --set supply.gpus=50 when the file says
# supply.gpus = 50 (the digest hashed every --set given).
base=$(digest S)
same() {    # same NAME ARGS...: the overrides change no run of config S
    name=$1; shift
    v=$(digest S "$@")
    if [ -n "$v" ] && [ "$v" = "$base" ]; then ok; else bad "$name: digest $v, without it $base"; fi
}
differs() {    # differs NAME CONFIG ARGS...: the overrides change the study
    name=$1; shift
    b=$(digest "$1"); v=$(digest "$@")
    if [ -n "$v" ] && [ "$v" != "$b" ]; then ok; else bad "$name: digest $v is the one without it"; fi
}
same "the file's value restated" -s supply.gpus=50
same "the file's value spelled otherwise" -s sim.horizon=24h
same "a default restated" -s phold.remote=0.25
same "an entity key restating the file's '*' key" -s archetype.indie.retry=120min
same "the file's '*' key restated" -s 'archetype.*.retry=2h'
same "the file's only sweep restated" -s 'market.fee=${fee=0.1,0.2}'
same "two restatements and a value given twice" -s supply.gpus=60 -s supply.gpus=50 -s sim.warmup=0h
differs "another value" S -s supply.gpus=51
differs "an entity's built-in default where the file's '*' key sets it" S -s archetype.indie.retry=0.5h
differs "a sweep made one value" S -s market.fee=0.1
differs "a sweep with another value" S -s 'market.fee=${fee=0.1,0.3}'
differs "a sweep restated that moves to the last axis" T -s 'market.fee=${fee=0.1,0.2}'
differs "a key that names a new entity" S -s archetype.newone.retry=2h
differs "a restatement beside a change" S -s supply.gpus=50 -s sim.warmup=1h
differs "a seed-set that follows the run number" S -s 'seed-set=${runnumber}'

# merge: both directions, with parts made the Slurm-array way
part() {    # part DIR N ARGS...
    d=$1; k=$2; shift 2
    "$GM" run "$T/m.ini" -c S -r "$k" -o "$T/$d/runs/S-$k" -q --no-plots "$@" 2>"$T/err" ||
        { bad "part $d S-$k"; cat "$T/err" >&2; }
}
part restate 0; part restate 1 -s supply.gpus=50; part restate 2 -s sim.horizon=86400s
part restate 3 -s 'archetype.*.retry=2h' -s phold.remote=0.25
expect_status "merge of parts whose --set restates the file" 0 "$GM" merge "$T/restate"
"$GM" sweep "$T/m.ini" -c S -o "$T/whole" -q --no-plots 2>"$T/err" || bad "sweep -c S"
if cmp -s "$T/whole/scalars.csv" "$T/restate/scalars.csv"; then ok; else
    bad "merged restating parts differ from the sweep's scalars.csv"; fi
part change 0; part change 1; part change 2 -s supply.gpus=51; part change 3
expect_status "merge refuses a part whose --set changes a value" 2 "$GM" merge "$T/change"
grep_err "merge names the changed part" "S-2/runs.csv: run 2 was made from a different scenario"
# ... and a part from another build (the digest covers the study, not the code)
part build 0; part build 1; part build 2; part build 3
sed 's/^git_describe = .*/git_describe = 0000000-other/' "$T/build/runs/S-3/manifest.ini" >"$T/mf" &&
    mv "$T/mf" "$T/build/runs/S-3/manifest.ini"
expect_status "merge refuses a part from another build" 2 "$GM" merge "$T/build"
grep_err "merge names the other build" "S-3 was made by another build (version 0.1.0, git 0000000-other)"
if [ -e "$T/build/scalars.csv" ]; then bad "a refused merge wrote scalars.csv"; else ok; fi

# -- MPI: a run that cannot be set up stops the runs going on other ranks -----
# Rank 0 stopped handing out runs but the other ranks' runs went on to
# their end (minutes here) before the study was thrown away; the local
# pool (sweep -j, tests/cli/sweep.sh) stops its children at once.
now() { date +%s.%N; }
cat >"$T/la.ini" <<'INI'
[General]
sim.model = phold
sim.horizon = 100000000s
sim.sample-interval = 10000000s
phold.lps = 1000
phold.lookahead = 0
phold.mean = ${m=1s,0s,2s}
INI
if command -v mpirun >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1 &&
   command -v pgrep >/dev/null 2>&1 &&
   ! "$GM" sweep "$T/m.ini" --mpi -o "$T/nompi" -q 2>&1 | grep -q 'no Open MPI'; then
    for np in 3 4; do
        t0=$(now)
        OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ASAN_OPTIONS=detect_leaks=0 \
            timeout 40 mpirun --oversubscribe -np $np "$GM" sweep "$T/la.ini" --mpi \
            -o "$T/la$np" -q --no-plots >"$T/mpi.log" 2>&1
        rc=$?
        t1=$(now)
        if [ $rc = 2 ]; then ok; else bad "mpirun -np $np sweep, one run cannot be set up: exit $rc, want 2 (124: waited)"; fi
        if awk -v a="$t0" -v b="$t1" 'BEGIN{exit !(b - a < 20)}'; then ok; else
            bad "mpirun -np $np sweep took $(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}') s to stop on a setup error"; fi
        if grep -q "both zero: time would not advance" "$T/mpi.log"; then ok; else
            bad "mpirun -np $np sweep does not say which run cannot be set up"; cat "$T/mpi.log" >&2; fi
        if grep -q "interrupted by a signal" "$T/mpi.log"; then
            bad "mpirun -np $np sweep calls the run it stopped interrupted"; else ok; fi
        left=$(cd "$T" && ls -d la$np la$np.tmp-* 2>/dev/null)
        if [ -z "$left" ]; then ok; else bad "mpirun -np $np sweep stopped on a setup error left $left"; fi
        sleep 0.2
        if pgrep -f "$T/la.ini" >/dev/null; then
            bad "a run of mpirun -np $np sweep outlived the study"
            for p in $(pgrep -f "$T/la.ini"); do kill "$p"; done
        else ok; fi
    done
else
    echo "skip mpirun (no Open MPI in this build or no mpirun)"
fi

cli_done
