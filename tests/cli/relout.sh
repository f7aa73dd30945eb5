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

# -- a regional outage takes its share of the region's hosts together ------
# Every host in one region (us), nothing fails but regional outages:
# 100 a year (mean gap 3.65 d) lasting exactly 12 h (sigma 0), each taking
# the whole region (outage-fraction = 1). So at every hourly sample either
# no GPU or every GPU is down, and the all-down samples come 12 to an
# outage (an interval [s, s + 12 h) holds 12 whole hours). P(no outage in
# 30 d) = exp(-30 x 100 / 365.25) < 3e-4. With outage-fraction = 0 the
# same outages take no host, and nothing is ever down.
cat >"$T/corr.ini" <<'INI'
[General]
sim.model = market
sim.horizon = 30d
sim.warmup = 0d
sim.sample-interval = 1h
supply.gpus = 200
seed = 7
supply.join-rate = 0
supply.leave-rate = 0
archetype.*.rate = 0
region.asia.share = 0
region.canada.share = 0
region.europe.share = 0
region.nordics.share = 0
region.us.share = 1
hostclass.*.mtbf = 100000d
hostclass.*.disconnect-rate = 0
hostclass.*.maint-interval = 0
region.*.outage-rate = 100
region.*.outage-duration = 12h
region.*.outage-sigma = 0
INI
# per sample: all GPUs (listed + failed), failed
sums() {
    tr -d '"' <"$1" | awk -F, '
        $3 == "gpus_listed" { l[$2] += $6 } $3 == "gpus_failed" { f[$2] += $6; t[$2] = 1 }
        END { for (k in t) print l[k] + f[k], f[k] + 0 }'
}
cp "$T/corr.ini" "$T/all.ini"
echo "region.*.outage-fraction = 1" >>"$T/all.ini"
check "run regional outages that take every host" "$GM" run "$T/all.ini" -o "$T/all" --no-plots -q
sums "$T/all/timeseries.csv" >"$T/all.txt"
if awk '$1 <= 0 || ($2 != 0 && $2 != $1) { exit 1 } $2 == $1 { n++ }
        END { exit !(n > 0 && n % 12 == 0) }' "$T/all.txt"; then ok
else bad "outage-fraction = 1: not all or nothing down, 12 h per outage"; sort "$T/all.txt" | uniq -c >&2; fi
cp "$T/corr.ini" "$T/none.ini"
echo "region.*.outage-fraction = 0" >>"$T/none.ini"
check "run regional outages that take no host" "$GM" run "$T/none.ini" -o "$T/none" --no-plots -q
sums "$T/none/timeseries.csv" >"$T/none.txt"
if awk '$1 <= 0 || $2 != 0 { exit 1 } { n++ } END { exit !(n >= 720) }' "$T/none.txt"; then ok
else bad "outage-fraction = 0: a GPU was down"; sort "$T/none.txt" | uniq -c >&2; fi

# -- bad reliability and outage values name the file, line and key --------
printf '[General]\nsim.model = market\nsim.horizon = 2d\nsupply.gpus = 20\nreliability.horizon = 0d\n' >"$T/badrel.ini"
expect_status "reliability.horizon = 0 is refused" 2 "$GM" run "$T/badrel.ini" -o "$T/badrel" --no-plots -q
grep_err "reliability.horizon = 0" "badrel.ini:5: error: reliability.horizon: reliability horizon must be > 0 h, got 0"
printf '[General]\nsim.model = market\nsim.horizon = 2d\nsupply.gpus = 20\nregion.*.outage-sigma = -1\n' >"$T/badreg.ini"
expect_status "region.*.outage-sigma = -1 is refused" 2 "$GM" run "$T/badreg.ini" -o "$T/badreg" --no-plots -q
grep_err "region.*.outage-sigma = -1" "badreg.ini:5: error: region.us.outage-sigma: regional outage sigma must be >= 0, got -1"

cli_done
