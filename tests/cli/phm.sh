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
done
# (--lps 1 after the bad one: the last value wins, so a bad value that is
# stored and forgotten still fails the run with status 2.)
expect_status "bench phold --lps 5x names it" 2 "$GM" bench phold --lps 5x
grep_err "bench phold --lps 5x" "'5x' is not a number in [1, 1e+08]"
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

cli_done
