#!/bin/sh
# tests/cli/mm.sh -- the market's parameter table (models/market_params.c):
# the kinds a scenario may add members to are open, so a name near a
# built-in one is warned about as a likely typing error.
# Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# -- mistyped regions and host classes add one, with a warning --------------
# README: a scenario may add archetypes, host classes and regions; all three
# kinds are declared open, and each warns at a name near a built-in one
# (only the archetype's warning was tested: with the region or host class
# kind left closed, 'europ' and 'farms' were added without a word).
printf '[General]\nsim.model = market\nregion.europ.share = 0.1\nhostclass.farms.share = 0.1\n' >"$T/rg.ini"
expect_status "region and host class near built-in names" 0 "$GM" validate "$T/rg.ini"
grep_err "region near a built-in name" "rg.ini:3: warning: no built-in region is named 'europ' (did you mean 'europe'?)"
grep_err "host class near a built-in name" "rg.ini:4: warning: no built-in hostclass is named 'farms' (did you mean 'farm'?)"

cli_done
