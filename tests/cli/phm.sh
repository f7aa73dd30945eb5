#!/bin/sh
# tests/cli/phm.sh -- `bench phold` and the command line's edges found
# unchecked by mutation testing of models/phold.c and sim/main.c.
# Expectations come from bench/PHOLD.md, the --help texts and the exit
# codes main.c's header documents, not from the program's output. Run by
# 'make test' with GM_BIN pointing at the binary; prints "N passed, M
# failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# -- bench phold: the presets of bench/PHOLD.md ------------------------------
# S is N = 1,024, E = 16, END = 1000; L is 1,000,000 x 1, END = 10; XL is
# 1,000,000 x 16, END = 2. The header line shows the configuration before
# anything runs; each preset is shrunk by one later option so that the rest
# of it shows and the run takes milliseconds (--end 1e-6 is before the
# 0.1 s lookahead, so no event commits). Kills a changed preset number.
phold_head() {   # phold_head NAME WANT ARGS...: the header contains WANT
    name=$1; want=$2; shift 2
    check "$name" "$GM" bench phold "$@"
    if head -n 1 "$T/out" | grep -qF -- "$want"; then ok
    else bad "$name: header lacks '$want'"; head -n 1 "$T/out" >&2; fi
}
phold_head "preset S, N" "lps=1024 events_per_lp=1 " --preset S --events-per-lp 1 --end 1e-6
phold_head "preset S, E and END" "lps=1 events_per_lp=16 end_s=1000 " --preset S --lps 1
phold_head "default is S" "lps=1 events_per_lp=16 end_s=1000 " --lps 1
phold_head "preset L, N and E" "lps=1000000 events_per_lp=1 " --preset L --end 1e-6
phold_head "preset L, END" "lps=1 events_per_lp=1 end_s=10 " --preset L --lps 1
phold_head "preset XL, N" "lps=1000000 events_per_lp=1 " --preset XL --events-per-lp 1 --end 1e-6
phold_head "preset XL, E and END" "lps=1 events_per_lp=16 end_s=2 " --preset XL --lps 1
expect_status "unknown preset" 2 "$GM" bench phold --preset M
grep_err "unknown preset" "unknown preset 'M' (S, L or XL)"

# The options reach the configuration: the header echoes them. Kills
# --seed and --remote parsed but not stored.
phold_head "--seed and --remote" "remote=0.5 seed=7" --lps 4 --events-per-lp 1 --end 1 \
    --remote 0.5 --seed 7

# -- bench phold: no event before the lookahead ------------------------------
# Every increment is Exp(mean) + 0.1 s, so with END = 1e-6 s nothing
# commits, on either engine; and --compare runs the reference too.
check "bench phold --compare, END before the lookahead" "$GM" bench phold --lps 16 \
    --events-per-lp 2 --end 1e-6 --compare
if grep -q '^gpumarket  *committed=0 ' "$T/out" && grep -q '^reference  *committed=0 ' "$T/out"
then ok; else bad "END before the lookahead commits nothing"; cat "$T/out" >&2; fi
check "bench phold without --compare" "$GM" bench phold --lps 16 --events-per-lp 2 --end 1
if grep -q '^reference' "$T/out"; then bad "the reference ran without --compare"; else ok; fi

# --repeat K reports "(median of K)"; K = 64 is the documented top.
check "bench phold --repeat 3" "$GM" bench phold --lps 4 --events-per-lp 1 --end 1 --repeat 3
grep_out "bench phold --repeat 3" "(median of 3)"

# -- bench phold: argument bounds -------------------------------------------
# num_arg takes [lo, hi] closed: the ends are in, a step past them is out,
# and a number must be all of the argument.
check "--lps 1 (the bottom)" "$GM" bench phold --lps 1 --events-per-lp 1 --end 1
check "--repeat 64 (the top)" "$GM" bench phold --lps 1 --events-per-lp 1 --end 1e-6 --repeat 64
check "--remote 0" "$GM" bench phold --lps 4 --events-per-lp 1 --end 1 --remote 0
check "--remote 1" "$GM" bench phold --lps 4 --events-per-lp 1 --end 1 --remote 1
for bad_arg in "--lps 0" "--lps 100000001" "--lps 5x" "--events-per-lp 0" \
        "--events-per-lp 1000001" "--end 0" "--remote 1.01" "--remote -0.1" \
        "--repeat 0" "--repeat 65" "--seed -1"; do
    # shellcheck disable=SC2086
    expect_status "bench phold $bad_arg" 2 "$GM" bench phold $bad_arg --lps 1 --end 1e-6
    # the message names the option, not only its value
    grep_err "bench phold $bad_arg" "bench phold: ${bad_arg%% *}: '${bad_arg#* }' is not a number"
done
# (--lps 1 after the bad one: the last value wins, so a bad value that is
# stored and forgotten still fails the run with status 2.)
expect_status "bench phold --lps 5x names it" 2 "$GM" bench phold --lps 5x
grep_err "bench phold --lps 5x" "--lps: '5x' is not a number in [1, 1e+08]"
# an end before the least delay commits nothing on either engine: the
# ratio of two zero rates is not a number to print
check "bench phold --compare, nothing committed" "$GM" bench phold --lps 10 --end 0.05 --compare
grep_out "nothing committed: the ratio" "ratio gpumarket/reference = n/a (no events committed)"
expect_status "bench phold with an operand" 2 "$GM" bench phold --lps 1 --end 1e-6 extra
check "bench phold --help" "$GM" bench phold --help
usage_is "bench phold --help on stdout" "Usage: gpumarket bench phold [--preset S|L|XL] [OPTIONS]"


# -- the phold model: where events go ---------------------------------------
# With phold.mean = 0 every increment is the 10 s lookahead: the 8 LPs x 2
# initial events fire at 10, 20, ..., 190 s (200 s is the end), 19 rounds.
# remote = 0: every event stays at its LP (bench/PHOLD.md: "else i"), so
# each LP commits exactly 2 x 19 = 38. remote = 1: every destination is
# uniform over the 8 LPs, so an LP receives Binomial(16, 1/8) events a
# round, 2 on average (sd 1.3); over 18 such rounds its count is 38 +- 5.6,
# and 8 LPs all equal, or one of them below 10 (5 sd), does not happen.
# Kills the remote test inverted, destinations never remote, and remote
# destinations that never reach LP N-1.
cat >"$T/dst.ini" <<'INI'
[General]
sim.model = phold
sim.horizon = 200s
sim.sample-interval = 50s
phold.lps = 8
phold.events-per-lp = 2
phold.mean = 0s
phold.lookahead = 10s
phold.remote = ${remote=0,1}
INI
check "phold remote 0 and 1" "$GM" run "$T/dst.ini" -o "$T/dst" -q --no-plots
lp_scalar() {   # lp_scalar RUN METRIC
    awk -F, -v r="\"General-$1\"" -v m="\"$2\"" '$1 == r && $2 == m { print $5 }' "$T/dst/scalars.csv"
}
if [ "$(lp_scalar 0 events_per_lp_min)" = 38 ] && [ "$(lp_scalar 0 events_per_lp_max)" = 38 ]
then ok; else bad "remote 0: per-LP counts $(lp_scalar 0 events_per_lp_min)..$(lp_scalar 0 events_per_lp_max), want 38..38"; fi
mn=$(lp_scalar 1 events_per_lp_min); mx=$(lp_scalar 1 events_per_lp_max)
if [ -n "$mn" ] && [ "$mn" -ge 10 ] && [ "$mx" -gt "$mn" ]; then ok
else bad "remote 1: per-LP counts '$mn'..'$mx', want spread and every LP reached"; fi
# and every committed event is counted once: 16 tokens x 19 rounds
if [ "$(lp_scalar 1 events_committed)" = 304 ]; then ok
else bad "remote 1: events_committed '$(lp_scalar 1 events_committed)', want 304"; fi


# -- bench phold with no options: preset S in full ---------------------------
# "bench phold" alone is a two-word command with nothing after it (main.c
# looks two-word names up when argc >= 3). It runs preset S, whose count
# bench/PHOLD.md puts at about 14.9 M: N x E x END / (mean + lookahead) =
# 1024 x 16 x 1000 / 1.1 = 14.89 M, and a spread of a few thousand. About
# two seconds. Kills the two-word lookup needing an argument after the name.
check "bench phold (preset S)" "$GM" bench phold
if head -n 1 "$T/out" | grep -qF "preset=S lps=1024 events_per_lp=16 end_s=1000 remote=0.25 seed=1"
then ok; else bad "bench phold: header"; head -n 1 "$T/out" >&2; fi
n=$(sed -n 's/^gpumarket  *committed=\([0-9]*\) .*/\1/p' "$T/out")
if [ -n "$n" ] && [ "$n" -gt 14850000 ] && [ "$n" -lt 14940000 ]; then ok
else bad "bench phold preset S: committed '$n', want about 14.89 M"; fi

# -- the top level: help, and bench without a benchmark ----------------------
# main.c: -h, --help and help print the usage on stdout with status 0.
for h in -h --help help; do
    check "gpumarket $h" "$GM" $h
    usage_is "gpumarket $h" "Usage: gpumarket [--version] [--help] COMMAND [ARGS]"
done
expect_status "no command" 2 "$GM"
# bench -h / --help list the benchmarks on stdout (0); bench alone, or with
# more after --help, is a usage error (2) with the list on stderr.
check "bench -h" "$GM" bench -h
grep_out "bench -h lists phold" "Benchmarks: phold"
expect_status "bench alone" 2 "$GM" bench
grep_err "bench alone lists on stderr" "Benchmarks: phold"
expect_status "bench --help extra" 2 "$GM" bench --help extra

# -- run -r: the list must name runs the study has ---------------------------
# dst.ini has 2 runs, 0 and 1: 2 is one past the end; an empty item, text
# between a number and '..', a range without an end, and a range that goes
# down are errors (main.c's parse_runs), all status 2 with nothing run.
# So is text after a number or a range's end ("1x", "0..1x"): not run 1.
# Each says which item is wrong and how (one message for all hid whether
# "5..2" was out of range or backwards).
while IFS='|' read -r spec why; do
    expect_status "run -r '$spec'" 2 "$GM" run "$T/dst.ini" -r "$spec" -o "$T/rr" -q --no-plots
    grep_err "run -r '$spec' says why" "bad run list '$spec': $why (the study has 2 runs: 0..1)"
done <<'EOS'
2|there is no run 2
0..2|there is no run 2
0,|an empty item
1x..1|'1x..1' is neither a run number nor a range A..B
0..|'0..' is neither a run number nor a range A..B
1..0|the range 1..0 runs backwards
1x|'1x' is neither a run number nor a range A..B
0..1x|'0..1x' is neither a run number nor a range A..B
-1|'-1' is neither a run number nor a range A..B
0,,1|an empty item
EOS
# a study of one run says so in the singular
expect_status "run -r 1 of one run" 2 "$GM" run scenarios/default.ini -c Quick -r 1 -o "$T/rr" -q --no-plots
grep_err "run -r 1 of one run says why" "bad run list '1': there is no run 1 (the study has 1 run: 0)"
if [ -e "$T/rr" ]; then bad "a bad run list wrote $T/rr"; else ok; fi
check "run -r 1 (the last run)" "$GM" run "$T/dst.ini" -r 1 -o "$T/rr" -q --no-plots

# -- runs, validate, params: operands and status -----------------------------
expect_status "runs with two scenarios" 2 "$GM" runs "$T/dst.ini" "$T/dst.ini"
grep_err "runs with two scenarios" "gpumarket runs: one scenario file at a time"
# validate of a study of one run: "1 run", singular, and no seed-set note
# (one point has nothing to share its seeds with), so the line ends there.
expect_status "validate, one run" 0 "$GM" validate "$T/dst.ini" --set phold.remote=0.5
if [ "$(cat "$T/err")" = "$T/dst.ini: config General: 1 run, valid" ]; then ok
else bad "validate, one run: '$(cat "$T/err")'"; fi
expect_status "params, no match" 1 "$GM" params nomatchxyz
expect_status "params, unknown option" 2 "$GM" params --bogus


# -- runs and validate on a study whose later point is out of range ---------
# phold.remote is a probability, [0, 1] (params phold.remote): the point
# r=2 is an error found when the study is read: runs exits 2 (trouble,
# main.c's header), validate 1 (errors found).
printf '[General]\nsim.model = phold\nrepeat = 2\nphold.remote = ${r=0.5,2}\n' >"$T/late.ini"
expect_status "runs, a point out of range" 2 "$GM" runs "$T/late.ini"
grep_err "runs, a point out of range" "phold.remote: 2 is out of range [0, 1]"
expect_status "validate, the second point out of range" 1 "$GM" validate "$T/late.ini"
grep_err "validate, the second point out of range" "phold.remote: 2 is out of range [0, 1]"
# A model's own check fails only at the second point (run 2 with repeat 2):
# mean and lookahead both zero would not advance time. validate sets up
# the first run of every point, so it finds it: status 1.
printf '[General]\nsim.model = phold\nrepeat = 2\nphold.mean = 0s\nphold.lookahead = ${la=1s,0s}\n' >"$T/la.ini"
expect_status "validate, a model check fails at the second point" 1 "$GM" validate "$T/la.ini"
grep_err "validate, a model check fails at the second point" "phold.mean and phold.lookahead are both zero"

# runs --help: "run_number, repetition, seed_set, then one column per
# variable"; the repetition is not a variable column too.
printf '[General]\nsim.model = phold\nrepeat = 2\nphold.remote = ${remote=0.5,1}\n' >"$T/rep2.ini"
check "runs with repeat 2" "$GM" runs "$T/rep2.ini"
usage_is "runs header" "run_number,repetition,seed_set,remote"

# A run that cannot be set up stops the command (status 2, run --help) with
# "no result directory written", and no "results in" line after it.
printf '[General]\nsim.model = phold\nsim.horizon = 200s\nphold.lps = 8\nsim.warmup = 300s\n' >"$T/wp.ini"
expect_status "run, warm-up past the horizon" 2 "$GM" run "$T/wp.ini" -o "$T/wp"
grep_err "run, warm-up past the horizon" "gpumarket: stopped; no result directory written"
if grep -q "results in" "$T/err" || [ -e "$T/wp" ]; then bad "a stopped run reported or left results"; else ok; fi

# -- an option that takes one value, given twice -----------------------------
# "-c A -c B" ran B alone, silently; each command now refuses a second,
# different value before it reads or writes anything (the same one twice
# is harmless).
expect_status "run -c twice" 2 "$GM" run "$T/dst.ini" -c A -c B -o "$T/twice" -q --no-plots
grep_err "run -c twice says so" "gpumarket run: -c given twice ('A', then 'B'): give it once"
expect_status "run -o twice" 2 "$GM" run "$T/dst.ini" -o "$T/t1" -o "$T/t2" -q --no-plots
grep_err "run -o twice says so" "-o given twice"
expect_status "run -r twice" 2 "$GM" run "$T/dst.ini" -r 0 -r 1 -o "$T/twice" -q --no-plots
grep_err "run -r twice says so" "-r given twice ('0', then '1')"
if [ -e "$T/twice" ] || [ -e "$T/t1" ] || [ -e "$T/t2" ]; then bad "an option given twice wrote results"; else ok; fi
check "run -r 1 -r 1 (the same value)" "$GM" run "$T/dst.ini" -r 1 -r 1 -o "$T/twice" -q --no-plots
expect_status "sweep -c twice" 2 "$GM" sweep "$T/dst.ini" -c A -c B -o "$T/twice2"
grep_err "sweep -c twice says so" "gpumarket sweep: -c given twice"
expect_status "validate -c twice" 2 "$GM" validate "$T/dst.ini" -c A -c B
grep_err "validate -c twice says so" "gpumarket validate: -c given twice"
expect_status "bench market -c twice" 2 "$GM" bench market -c Quick -c Large
grep_err "bench market -c twice says so" "gpumarket bench market: -c given twice ('Quick', then 'Large')"
expect_status "reproduce -c twice" 2 "$GM" reproduce -c A -c B
grep_err "reproduce -c twice says so" "gpumarket reproduce: -c given twice"
expect_status "bench market, two scenarios" 2 "$GM" bench market scenarios/default.ini scenarios/large.ini
grep_err "bench market, two scenarios" "one scenario file at a time (got 'scenarios/large.ini' too)"

# bench market kept the first 63 --set values and dropped the rest unread:
# a 65th that names no key must still be refused.
set --
i=0
while [ $i -lt 64 ]; do set -- "$@" --set sim.seed=7; i=$((i + 1)); done
expect_status "bench market, a bad 65th --set" 2 "$GM" bench market "$@" --set market.no-such-key=1
grep_err "bench market, a bad 65th --set" "no-such-key"

# -- a key no model reads has no effect, and validate and run say so -------
# market.fee in a phold scenario, or a --set of serverless.*, changed
# nothing and passed in silence. A warning, not an error: exit 0.
printf '[General]\nsim.model = phold\nsim.horizon = 20s\nphold.lps = 4\nmarket.fee = 0.3\n' >"$T/unr.ini"
check "validate, a key of another model" "$GM" validate "$T/unr.ini" --set serverless.sample-interval=5min
grep_err "validate names the unread key at its line" "$T/unr.ini:5: warning: market.fee has no effect: model 'phold' never reads it here"
grep_err "validate names an unread --set" "--set: warning: serverless.sample-interval has no effect"
if grep -q "phold.lps\|sim.horizon" "$T/err"; then bad "validate warned of a key phold reads"; else ok; fi
check "run, a key of another model" "$GM" run "$T/unr.ini" -o "$T/unr" -q --no-plots
grep_err "run names the unread key" "$T/unr.ini:5: warning: market.fee has no effect: model 'phold' never read it in run 0"
# validate sets a model up and never runs it: a key a model read only at
# its finish (seedtables' seed.tol, seed.job, seed.secure-markup) was
# warned of wrongly. Every seed.* key, set to a value of its own:
check "validate, every T9 key set" "$GM" validate scenarios/reproduce/seed.ini --set seed.tol=0.2 \
    --set seed.job=3h --set seed.secure-markup=1.3 --set seed.probe-ckpt=academic \
    --set 'seed.gpu=RTX 3090' --set seed.probe-all=hobbyist --set seed.probe-97=hobbyist \
    --set seed.probe-99=enterprise --set seed.secure-class=farm
if grep -q "warning" "$T/err"; then bad "validate warned of a key seedtables reads: $(cat "$T/err")"; else ok; fi
# sweep: once a study (run 0's), not once a run
check "sweep, a key of another model" "$GM" sweep "$T/unr.ini" -o "$T/unrs" -j 2 -q --no-plots --set 'phold.lps=${l=4,8}'
if [ "$(grep -c "market.fee has no effect" "$T/err")" = 1 ]; then ok; else bad "sweep warned of market.fee other than once: $(cat "$T/err")"; fi
# across sweep points: a key some point reads is not reported
printf '[General]\nsim.model = ${m=phold,market}\nsim.horizon = 20s\nphold.lps = 4\nmarket.fee = 0.3\n' >"$T/unr2.ini"
check "validate, two models swept" "$GM" validate "$T/unr2.ini" --set supply.gpus=50
if grep -q "warning" "$T/err"; then bad "validate warned of a key one sweep point reads"; else ok; fi

cli_done
