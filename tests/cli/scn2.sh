#!/bin/sh
# tests/cli/scn2.sh -- scenario reading: quotes, comments and '*' keys
# across the lookup levels, end to end through the binary.
# Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# -- 'include = "x"' loses its quotes as 'include "x"' and every value do --
# (it looked for a file named '"a ;b.ini"', quotes and all)
printf '[General]\nsim.model = phold\n' >"$T/a ;b.ini"
printf 'include = "a ;b.ini"   ; the base\n' >"$T/inc.ini"
check "include = \"quoted name\"" "$GM" validate "$T/inc.ini"
printf 'include = "a ;b.ini\n' >"$T/inc2.ini"
expect_status "include = unbalanced quote" 1 "$GM" validate "$T/inc2.ini"
grep_err "include = unbalanced quote" "cannot open include file '\"a'"

# -- docs/PARAMS.md says what a '*' key does across the lookup levels ------
# (it said an entity's own key always beats it; a --set '*' key beats the
# file's exact keys: default.ini's enterprise min-reliability 0.99 -> 0)
if grep -qF "except where an entity's own key is written" docs/PARAMS.md; then
    bad "docs/PARAMS.md: an exact key at any level beats a '*' key"
else
    ok
fi
"$GM" run scenarios/default.ini -c Quick --set 'archetype.*.min-reliability=0' \
    --set sim.horizon=1h --set sim.warmup=0 --set supply.gpus=20 -q --no-plots -o "$T/wild" >"$T/out" 2>"$T/err"
if grep -qF '"archetype.enterprise.min-reliability","0","1","cli"' "$T/wild/params.csv"; then
    ok
else
    bad "--set 'archetype.*.min-reliability=0' sets enterprise's"; grep enterprise.min "$T/wild/params.csv" >&2
fi

# -- scenario.resolved.ini reads back: a value holding " #" is quoted -----
# (a catalogue under "run #2/" was written bare and read back as "run")
mkdir "$T/run #2"
cp data/gpus.csv "$T/run #2/cat.csv"
printf 'include %s/scenarios/default.ini\n[Config Q]\nextends = Quick\nmarket.catalog = "%s/run #2/cat.csv"\n' \
    "$PWD" "$T" >"$T/cat.ini"
check "run with a catalogue path holding ' #'" "$GM" run "$T/cat.ini" -c Q --set sim.horizon=1h \
    --set sim.warmup=0 --set supply.gpus=20 -q --no-plots -o "$T/cat"
check "its scenario.resolved.ini validates" "$GM" validate "$T/cat/scenario.resolved.ini"
if grep -qF "market.catalog = \"$T/run #2/cat.csv\"" "$T/cat/scenario.resolved.ini"; then
    ok
else
    bad "resolved.ini quotes the catalogue path"; grep catalog "$T/cat/scenario.resolved.ini" >&2
fi

cli_done
