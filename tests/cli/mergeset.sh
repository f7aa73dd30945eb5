#!/bin/sh
# tests/cli/mergeset.sh -- merge takes parts whose --set overrides change
# no run (they restate the file's value or a default) and refuses parts
# whose overrides do; the MPI farm stops every rank when a run cannot be
# set up. Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# Column of a CSV by header name (fields here hold no commas).
col() { awk -F, -v c="$2" 'NR==1{for(i=1;i<=NF;i++)if($i==c)k=i;next}{gsub(/"/,"");print $k}' "$1"; }

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

cli_done
