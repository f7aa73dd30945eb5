#!/bin/sh
# tests/cli/docs2.sh -- the README as a user's manual: what it says about
# commands, their output and the metric names holds.
# Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# -- `gpumarket runs` lists the runs as CSV (README "Command line") ----------
# A swept value in double quotes may hold commas (README "Scenario files");
# `runs` printed it bare, so the row had one field too many.
cat >"$T/q.ini" <<'INI'
[General]
sim.model = market
market.catalog = ${cat="a,b.csv",c.csv}
INI
check "runs, a value with a comma" "$GM" runs "$T/q.ini"
if [ "$(sed -n 2p "$T/out")" = '0,0,0,"a,b.csv"' ] && [ "$(sed -n 3p "$T/out")" = '1,0,0,c.csv' ]
then ok; else bad "runs: a value with a comma is not one quoted CSV field"; cat "$T/out" >&2; fi

# -- the include graph is the one README "Source layout" describes ----------
# Every directory-to-directory include that exists is named there as
# `FROM -> TO` (models/registry.c includes plots/plot.h for the `plot`
# command, and README said only `models -> sim`), and sim/ includes
# neither models/ nor plots/.
for from in sim models plots; do
    for to in sim models plots; do
        [ "$from" = "$to" ] && continue
        if grep -rqs "#include \"$to/" "$from"; then
            if [ "$from" = sim ]; then bad "sim/ includes $to/ (README: sim/ never does)"
            elif grep -qF "\`$from -> $to\`" README.md; then ok
            else bad "README Source layout does not name the include $from -> $to"; fi
        fi
    done
done


cli_done
