#!/bin/sh
# tests/cli/relout.sh -- end-to-end tests of the outage and reliability
# outputs: what they count against what the scenario makes certain.
# Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# -- gpus_failed counts only machines in the market ------------------------
# Hosts leave at a hazard of 100 a year (mean stay 3.65 d) and nobody rents
# (so a leaving host has no instance to wait for and is gone at once).
# P(a machine is still there at day 40) = exp(-40 x 100 / 365.25) < 2e-5,
# so from day 40 on no GPU is in the market and none can be down; hosts
# fail every 2 days for 12 h, so early on about a fifth of them are. A
# departed host's failure clock runs on, and its downtime was counted:
# 24 to 54 GPUs "failed" at every sample of days 52-58, with none there.
cat >"$T/gone.ini" <<'INI'
[General]
sim.model = market
sim.horizon = 60d
sim.warmup = 0d
sim.sample-interval = 2d
supply.gpus = 200
seed = 5
supply.join-rate = 0
supply.leave-rate = 100
archetype.*.rate = 0
hostclass.*.mtbf = 2d
hostclass.*.repair-median = 12h
hostclass.*.repair-sigma = 0
hostclass.*.disconnect-rate = 0
hostclass.*.maint-interval = 0
region.*.outage-rate = 0
INI
check "run a market whose hosts all leave" "$GM" run "$T/gone.ini" -o "$T/gone" --no-plots -q
# sums over GPU models per sample: t_h, listed, failed
tr -d '"' <"$T/gone/timeseries.csv" | awk -F, '
    $3 == "gpus_listed" { l[$2] += $6 } $3 == "gpus_failed" { f[$2] += $6; t[$2] = 1 }
    END { for (k in t) print k, l[k] + 0, f[k] + 0 }' | sort -n >"$T/gone.txt"
if awk '$1 < 240 && $3 > 0 { n++ } END { exit !(n > 0) }' "$T/gone.txt"; then ok
else bad "gpus_failed: no GPU down in the first 10 days"; cat "$T/gone.txt" >&2; fi
if awk '$1 >= 960 { n++; if ($2 != 0 || $3 != 0) exit 1 } END { exit !(n >= 10) }' "$T/gone.txt"; then ok
else bad "gpus_failed counts departed hosts"; cat "$T/gone.txt" >&2; fi

cli_done
