#!/bin/sh
# tests/cli/load.sh -- end-to-end tests of the market's set-up from the
# scenario and the data tables (models/market_load.c): which key a check
# over two keys blames, and the GPU catalogue's name checks.
# Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# -- a check over two keys blames the --set one over the file's ---------------
# models/market_int.h (struct mkt_blame): of several keys written, the
# later is blamed, and --set comes after any file. The file's markup-max
# at line 3 is not the key to blame when --set wrote markup-min.
printf '[General]\nsim.model = market\nhostclass.farm.markup-max = 2\n' >"$T/mk.ini"
expect_status "markup-min from --set" 1 "$GM" validate "$T/mk.ini" -s hostclass.farm.markup-min=3
grep_err "markup-min from --set" "--set: error: hostclass farm: markup-max 2 is below markup-min 3"
# and the same with the two the other way round: the --set markup-max
printf '[General]\nsim.model = market\nhostclass.farm.markup-min = 3\n' >"$T/mk2.ini"
expect_status "markup-max from --set" 1 "$GM" validate "$T/mk2.ini" -s hostclass.farm.markup-max=2
grep_err "markup-max from --set" "--set: error: hostclass farm: markup-max 2 is below markup-min 3"

# -- two catalogue rows with one key name, next to each other -----------------
# Every earlier row is compared, the one just before included: RTX_4090
# at line 9 shares gpu.rtx-4090.* with the RTX 4090 of line 8.
{ head -n 8 data/gpus.csv; echo "RTX_4090,24,1008,82.6,165,450,4,2022,1599,0"
  tail -n +9 data/gpus.csv; } >"$T/adj.csv"
expect_status "adjacent rows with one key name" 1 "$GM" validate scenarios/default.ini -c Quick \
    -s market.catalog="$T/adj.csv"
grep_err "adjacent rows with one key name" \
    "adj.csv:9: error: GPU model 'RTX_4090' has the key name 'rtx-4090' of 'RTX 4090' (line 8)"

cli_done
