#!/bin/sh
# tests/cli/walk2.sh -- an analyst's checks of what the docs promise about
# the market's books and the validation targets.
# Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh
D=docs/METRICS.md

# scalar VALUE-OF DIR METRIC ENTITY: the run's value of one scalar
scalar() {
    awk -F, -v m="\"$2\"" -v e="\"$3\"" '$2 == m && $4 == e { print $5 }' "$1/scalars.csv"
}

# -- the ledger totals cover the whole run, warm-up included ----------------
# docs/METRICS.md said every market scalar counts after the warm-up, but
# platform_revenue_usd (and the other ledger totals) did not move with
# sim.warmup, while spend_usd did: at fee 0.10, platform revenue over the
# archetypes' spend read as a 12.9% take. The same run with two warm-ups
# (the warm-up changes statistics only) must give the same ledger totals,
# and different per-archetype spend, and the docs must say so.
for w in 1d 4d; do
    check "Quick with warm-up $w" "$GM" run scenarios/default.ini -c Quick \
        --set sim.horizon=5d --set sim.warmup=$w --set supply.gpus=150 \
        -o "$T/wu$w" --no-plots -q
done
for m in platform_revenue_usd renter_spend_usd host_revenue_usd; do
    a=$(scalar "$T/wu1d" $m all); b=$(scalar "$T/wu4d" $m all)
    if [ -n "$a" ] && [ "$a" = "$b" ]; then ok
    else bad "$m moved with sim.warmup ($a, $b): not a whole-run total"; fi
done
a=$(scalar "$T/wu1d" spend_usd hobbyist); b=$(scalar "$T/wu4d" spend_usd hobbyist)
if [ -n "$a" ] && [ "$a" != "$b" ]; then ok
else bad "spend_usd did not move with sim.warmup ($a, $b)"; fi
for m in platform_revenue_usd renter_spend_usd; do
    if grep -F "\`$m\`" "$D" | grep -q 'whole run, warm-up included'; then ok
    else bad "docs/METRICS.md does not say $m covers the whole run"; fi
done
if grep -F '`revenue_usd` (' "$D" | grep -q 'whole run, warm-up included'; then ok
else bad "docs/METRICS.md does not say revenue_usd covers the whole run"; fi

# -- too many archetypes: the error points at the scenario's archetypes ---
# (it blamed "archetype.indie.rate", a built-in the scenario never wrote,
# with no line: the 256th name in sorted order). 250 added archetypes and
# the six built in are 256, one over the 255 a job's byte can name; the
# last key written, a250's rate, is at line 5 + 2 x 250 = 505.
{ printf '[General]\nsim.model = market\nsim.horizon = 1d\nsim.warmup = 0d\n'
  printf 'supply.gpus = 50\n'
  i=1
  while [ $i -le 250 ]; do printf '[archetype a%d]\nrate = 1\n' $i; i=$((i + 1)); done
} >"$T/many.ini"
expect_status "256 archetypes: validate" 1 "$GM" validate "$T/many.ini"
expect_status "256 archetypes: run" 2 "$GM" run "$T/many.ini" -o "$T/many" --no-plots -q
grep_err "256 archetypes: where" \
    "many.ini:505: error: archetype.a250.rate: too many archetypes: 256, built-in ones included (at most 255)"
# an archetype.*.* key written after them is every archetype's, not the
# one past the limit: the error stays at a250's rate (line 505)
{ cat "$T/many.ini"; printf '[General]\narchetype.*.weekend = 0.5\n'; } >"$T/many2.ini"
expect_status "256 archetypes, a '*' key last: validate" 1 "$GM" validate "$T/many2.ini"
grep_err "256 archetypes, a '*' key last: where" \
    "many2.ini:505: error: archetype.a250.rate: too many archetypes"
# the same 250 added by --set alone: no file line is theirs, so the error
# names a --set key, the last in key order (a99: '9' sorts after '2'),
# not the built-in archetype.indie.rate (the 256th name) with no line
printf '[General]\nsim.model = market\nsim.horizon = 1d\nsim.warmup = 0d\n' >"$T/few.ini"
set --
i=1
while [ $i -le 250 ]; do set -- "$@" -s "archetype.a$i.rate=1"; i=$((i + 1)); done
expect_status "256 archetypes from --set: validate" 1 "$GM" validate "$T/few.ini" "$@"
grep_err "256 archetypes from --set: where" \
    "--set: error: archetype.a99.rate: too many archetypes: 256, built-in ones included (at most 255)"
# a --set archetype beside the file's 250 (257 in all): a file wrote some,
# so the error stays at the last of them, many.ini:505
expect_status "257 archetypes, one from --set: validate" 1 "$GM" validate "$T/many.ini" \
    -s archetype.zz.rate=1
grep_err "257 archetypes, one from --set: where" \
    "many.ini:505: error: archetype.a250.rate: too many archetypes: 257"

cli_done
