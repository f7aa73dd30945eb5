#!/bin/sh
# Runs a short market (default.ini, Quick, one simulated day) once per
# scenario parameter and edge value (zero, negative, huge, tiny, NaN, not
# a number, empty, the range's ends, and malformed lists and times), then
# once per edge value of a field in every third row of each data table,
# then once per key and edge value of each validation target, and
# reports every run that ends other than ok (0), failed verification (1)
# or a clean input error (2), or that runs past the time limit. Bad input
# must give an error, never a crash or a hang: `make fuzz`.
#
#   sh tests/fuzz_params.sh [GPUMARKET] [SECONDS-PER-RUN]
#
# Prints one line per finding and a summary; exits 1 if anything was found.
GM=${1:-build/gpumarket}
LIMIT=${2:-10}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
found=0
runs=0
strict=1

# judge RC WHAT PATTERN [LIMIT]: counts one run that exited RC; a finding
# unless it is ok (0), a failed check (1) or an input error (2) whose
# stderr matches PATTERN. While 'strict' is 1 (the market runs) a run
# that fails its checks (1) is a finding too: whatever the input, it is
# refused (2) or the run's invariants hold (an 'inf' in a data table once
# passed the row checks and failed the run at t=0). A validation target
# may fail (1) on a parameter it cannot meet.
judge() {
    runs=$((runs + 1))
    case $1 in
    1) [ "$strict" = 1 ] || return
       echo "run failed its checks: $2: $(grep -m 1 -i 'error' "$OUT/err")" ;;
    0) return ;;
    2) grep -q -- "$3" "$OUT/err" && return
       echo "no error message matching '$3': $2" ;;
    124) echo "hang (> ${4:-$LIMIT}s): $2" ;;
    *) echo "exit $1: $2: $(tail -n 1 "$OUT/err")" ;;
    esac
    found=$((found + 1))
}

entity() {     # a built-in entity for a '*' key
    case "$1" in
    archetype.*) echo academic ;;
    hostclass.*) echo farm ;;
    region.*) echo us ;;
    gpu.*) echo "RTX 4090" ;;
    *) echo x ;;
    esac
}

# key type min max, one per line (the range column is "[min, max]" or empty)
"$GM" params | tail -n +2 | awk '{
    lo = ""; hi = "";
    if (match($0, /\[[^]]*\]/)) {
        r = substr($0, RSTART + 1, RLENGTH - 2); split(r, p, ", "); lo = p[1]; hi = p[2]
    }
    print $1 "\t" $2 "\t" lo "\t" hi
}' > "$OUT/keys"

while IFS='	' read -r key type lo hi; do
    # every run sets the horizon; its range's end (years) is only slow
    [ "$key" = sim.horizon ] && continue
    case "$key" in
    *'*'*) key=$(printf '%s' "$key" | sed "s/\*/$(entity "$key")/") ;;
    esac
    set -- 0 -1 1e300 1e-300 nan x ''
    [ -n "$lo" ] && set -- "$@" "$lo" "$hi"
    case "$type" in
    string) set -- "$@" 1:0 3:1 a,b : 1:1,1:1 0:1 -1:1 1:-1 1:nan ;;
    time) set -- "$@" 1y 0s -5h 5x 1e9d ;;
    esac
    # a key that only matters beside another: set that one too (a Weibull
    # shape is read only when the failure distribution is Weibull; the
    # range's low end once overflowed gamma() and aborted)
    with=
    case "$key" in
    hostclass.*.failure-shape) with=${key%failure-shape}failure-dist=weibull ;;
    esac
    for v in "$@"; do
        timeout "$LIMIT" "$GM" run scenarios/default.ini -c Quick --set sim.horizon=1d \
            --set sim.warmup=0d --no-plots -o "$OUT/run" --set "$key=$v" \
            ${with:+--set} ${with:+"$with"} > /dev/null 2> "$OUT/err"
        rc=$?
        rm -rf "$OUT/run" "$OUT"/run.tmp-*
        judge $rc "$key=$v" 'error'
    done
done < "$OUT/keys"
# The data tables the market loads: one field at a time set to an edge
# value, in every third row (a bad table must give file:row errors).
for spec in market.catalog=data/gpus.csv market.dlperf-observed=data/dlperf_observed.csv \
            market.dlperf-bundles=data/dlperf_bundles.csv \
            market.dlperf-calibration=data/calibration.csv; do
    key=${spec%%=*}
    file=${spec#*=}
    rows=$(wc -l < "$file")
    cols=$(head -n 1 "$file" | awk -F, '{print NF}')
    r=2
    while [ "$r" -le "$rows" ]; do
        c=1
        while [ "$c" -le "$cols" ]; do
            for v in x -1 0 1e309 nan inf 0x10 1.5 99999999999999999999 ''; do
                awk -F, -v OFS=, -v r="$r" -v c="$c" -v v="$v" \
                    'NR == r { $c = v } { print }' "$file" > "$OUT/table.csv"
                timeout "$LIMIT" "$GM" run scenarios/default.ini -c Quick \
                    --set sim.horizon=1d --set sim.warmup=0d --no-plots -o "$OUT/run" \
                    --set "$key=$OUT/table.csv" > /dev/null 2> "$OUT/err"
                rc=$?
                rm -rf "$OUT/run" "$OUT"/run.tmp-*
                judge $rc "$file row $r col $c = '$v'" ':[0-9]*: error'
            done
            c=$((c + 1))
        done
        r=$((r + 3))
    done
done
strict=0
# The validation targets' own keys, through gpumarket reproduce --fast
# (the full serverless target alone takes 21 s of the 30 s limit on an idle
# machine of this class, and read as a hang whenever another job shared it;
# --fast runs the same code on fewer jobs).
for spec in mmc=mmc bathtub=bathtub ckptjob=ckpt llama=llama availability=availability \
            sls-mmc=serverless spot=spot spot=spotckpt spotckpt=spotckpt; do
    prefix=${spec%%=*}
    target=${spec#*=}
    grep "^$prefix\." "$OUT/keys" > "$OUT/target-keys"
    while IFS='	' read -r key type lo hi; do
        set -- 0 -1 1e300 nan x ''
        [ -n "$lo" ] && set -- "$@" "$lo" "$hi"
        for v in "$@"; do
            timeout "$((LIMIT * 3))" "$GM" reproduce --fast "$target" --set "$key=$v" \
                > /dev/null 2> "$OUT/err"
            judge $? "reproduce --fast $target $key=$v" 'error' "$((LIMIT * 3))"
        done
    done < "$OUT/target-keys"
done
echo "fuzz: $runs runs, $found findings"
[ "$found" -eq 0 ]
