#!/bin/sh
# tests/cli/spot.sh -- 'gpumarket reproduce spot' (T5, the hidden reserve
# price) and 'spotckpt' (T6, checkpointing on its trace): rows follow the
# scenario's own parameters, a market that binds often fails the "rarely
# binds" row, a never-cut job's times and bills match a hand count, and
# bad values are errors at their key. Run by 'make test' with GM_BIN
# pointing at the binary.
. tests/cli_lib.sh

sval() {  # sval DIR METRIC ENTITY: the value column of DIR/scalars.csv
    awk -F, -v m="\"$2\"" -v e="\"$3\"" '$2 == m && $4 == e { print $5; exit }' "$1/scalars.csv"
}
row() {   # row NAME PATTERN: a line of the last table matches the extended regex
    if grep -Eq -- "$2" "$T/out"; then ok; else bad "$1: no line matches '$2'"; cat "$T/out" >&2; fi
}

expect_status "spot, fast" 0 "$GM" reproduce --fast spot
row "spot, fast: five rows" '^5 rows, 5 passed, 0 failed$'
# The reserve mean's tolerance is spot.tol-mean (5%) of the band C - F:
# 0.05 x (0.45 - 0.35) = 0.005, not 0.05 itself.
row "spot, fast: reserve mean within 5% of the band" '^T5 reserve mean .* 0\.4 .* \+-0\.005 +pass$'

# The expected autocorrelation is -a1 of the run, not of the scenario file.
# (A negative a1 trends the walk into the band's edges, where the clip
# pulls the autocorrelation towards 0: +0.40 for +0.5 at sigma 0.01; the
# README says so. A positive a1 is the paper's case.)
expect_status "spot at a1 = 0.3" 0 "$GM" reproduce --fast --set spot.a1=0.3 spot
row "spot at a1 = 0.3" '^T5 lag-1 autocorrelation .* -0\.3 +-0\.[23][0-9]* .* pass$'

# One load for every type; a load of 1.2 keeps more requests present than
# the markets can run, so the bidders, not the reserve, set the price most
# of the time: the row that says the market rarely binds must fail.
expect_status "spot, overloaded" 1 "$GM" reproduce --fast --set spot.load=1.2 spot
row "spot, overloaded" '^T5 share of time the market sets the price .* FAIL$'
# ... while the reserve, hidden behind the bids, keeps its own mean (the
# market moves the price, never the reserve: their streams are separate).
row "spot, overloaded: the reserve's mean is still the midpoint" '^T5 reserve mean .* pass$'

# A short run (70 days after the warm-up: about 84 increments a batch and
# type) still estimates the autocorrelation from every batch. (Its exit
# status is not the point: the reserve's mean is too imprecise there.)
"$GM" reproduce --fast --set sim.horizon=100d spot >"$T/out" 2>"$T/err"
row "spot, 100 days: autocorrelation" '^T5 lag-1 autocorrelation .* -0\.7 .* pass$'

# The time-CDF is the price's, not the reserve's: with one of three types
# loaded past its capacity (load 1.2: Poisson(120) requests for 100
# places, so its bidders set the price much of the time, above the
# reserve) and the others unloaded, that type's CDF on the band falls
# well short of the pooled one: the collapse row fails.
expect_status "spot, one type overloaded" 1 "$GM" reproduce --fast --set spot.load=0,0,1.2 spot
row "spot, one type overloaded" '^T5 types collapse: largest CDF gap to the pooled .* FAIL$'

# Ten microseconds after the warm-up, fewer than the 20 batches: the
# empty batches are left out, so the reserve's mean is still a mean of
# reserves, in the band [0.35, 0.45], not a 0/0.
"$GM" reproduce --fast --set sim.horizon=1h --set sim.warmup=3599.99999s spot >"$T/out" 2>"$T/err"
row "spot, ten microseconds: a reserve mean" '^T5 reserve mean / on-demand = \(F\+C\)/2 +0\.4 +(0\.3[5-9]|0\.4[0-4]|0\.45 )'

# The price-availability curve (scalars spot.time_cdf, the chart 'spot'):
# per type a CDF, so it never falls, ends at the ceiling at 1 less the
# share of time above it (at most max-bind, 0.1), and the chart draws
# exactly the scalars. Every metric the run writes is documented.
expect_status "spot, a run" 0 "$GM" run scenarios/reproduce/spot.ini -c Fast -o "$T/t5" -q
awk -F, 'NR > 1 && $2 == "\"spot.time_cdf\"" { gsub(/"/, "", $4); split($4, e, "@"); print e[1], e[2], $5 }' \
    "$T/t5/scalars.csv" | sort -k1,1g -k2,2g >"$T/t5cdf"
if [ "$(wc -l <"$T/t5cdf")" = 63 ] && awk '
        $1 != t { t = $1; last = -1 }
        $3 < last || $3 < 0 || $3 > 1 { bad = 1 }
        { last = $3 }
        $2 == 0.45 && $3 < 0.9 { bad = 1 }
        END { exit bad }' "$T/t5cdf"; then ok
else bad "spot, a run: the time-CDFs are not 3 x 21 rising points ending above 0.9"; cat "$T/t5cdf" >&2; fi
awk -F, 'NR > 1 { gsub(/"/, ""); sub(/ USD\/h$/, "", $1); print $1, $3, $4 }' "$T/t5/plots/spot.csv" |
    sort -k1,1g -k2,2g >"$T/t5chart"
if awk 'NR == FNR { v[$1 " " sprintf("%.6f", $2)] = $3; next }
        { k = $1 " " sprintf("%.6f", $2); if (!(k in v) || v[k] + 0 != $3 + 0) bad = 1; n++ }
        END { exit bad || n != 63 }' "$T/t5cdf" "$T/t5chart"; then ok
else bad "spot, a run: the chart is not the scalars"; head "$T/t5chart" >&2; fi
for m in $(cut -d, -f2 "$T/t5/scalars.csv" | tr -d '"' | grep -v '^metric$' | sort -u); do
    if grep -qF "\`$m\`" docs/METRICS.md; then ok; else bad "metric '$m' is not in docs/METRICS.md"; fi
done

# Lists are checked item by item, at their key.
expect_status "spot, loads for two of three types" 2 "$GM" reproduce --fast \
    --set spot.load=0.5,0.6 spot
grep_err "spot, loads for two of three types" "spot.load: give one load or one per type (3), got 2"
expect_status "spot, hexadecimal price" 2 "$GM" reproduce --fast --set spot.ondemand=0x10 spot
grep_err "spot, hexadecimal price" "spot.ondemand: expected numbers > 0, got '0x10'"
expect_status "spot, nine types" 2 "$GM" reproduce --fast --set spot.ondemand=1,1,1,1,1,1,1,1,1 spot
grep_err "spot, nine types" "spot.ondemand: at most 8 instance types"
expect_status "spot, negative load" 2 "$GM" reproduce --fast --set spot.load=-1 spot
grep_err "spot, negative load" "spot.load: expected numbers >= 0, got '-1'"
expect_status "spot, floor above ceiling" 2 "$GM" reproduce --fast --set spot.floor=0.5 spot
grep_err "spot, floor above ceiling" "need 0 < floor < ceil, got floor 0.5, ceil 0.45"
expect_status "spot, bids inverted" 2 "$GM" reproduce --fast --set spot.bid-lo=2 spot
grep_err "spot, bids inverted" "need bid-lo <= bid-hi, got 2 > 1"

# The traces are built in memory before the run: the updates, requests
# present and arrivals a run would need are bounded, with the numbers.
expect_status "spot, an update a second" 2 "$GM" reproduce --fast --set spot.update-mean=1s spot
grep_err "spot, an update a second" "spot.update-mean: 0.000277778 h over a 1000 d horizon is 8.64e+07 updates a type (at most 1e+07)"
expect_status "spot, a crowd" 2 "$GM" reproduce --fast --set spot.load=200 spot
grep_err "spot, a crowd" "spot.load: load x capacity is the mean of requests present, at most 10000, got 20000"
# A stay of zero is refused at its key before any bound divides by it.
expect_status "spot, stays of zero" 2 "$GM" reproduce --fast --set spot.hold-mean=0s spot
grep_err "spot, stays of zero" "spot.hold-mean: must be > 0"
expect_status "spot, stays of a microsecond" 2 "$GM" reproduce --fast --set spot.hold-mean=1us spot
grep_err "spot, stays of a microsecond" "arrivals (at most 1e+08)"
expect_status "spot, a price of 1e300" 2 "$GM" reproduce --fast --set spot.ondemand=1e300 \
    --set spot.load=0.5 spot
grep_err "spot, a price of 1e300" "spot.ondemand: on-demand prices must be in [0.001, 1e+06] USD/h, got 1e+300"
expect_status "spot, a band narrower than a micro-dollar" 2 "$GM" reproduce --fast \
    --set spot.ceil=0.3500001 spot
grep_err "spot, a band narrower than a micro-dollar" "must span at least 0.0001 USD/h"
# The bounds at their edges: a band of 0.0005 x 0.085 = 4.25e-5 USD/h is
# under 1e-4; 101 x 100 = 10100 requests present is over 10000; 10 x 100
# requests read at 24000 h / 0.012 h = 2e6 updates is 2e9 > 1e9.
expect_status "spot, a band of 4e-5 USD/h" 2 "$GM" reproduce --fast --set spot.ceil=0.3505 spot
grep_err "spot, a band of 4e-5 USD/h" "must span at least 0.0001 USD/h, got 4.25e-05 at 0.085 USD/h"
expect_status "spot, 10100 present" 2 "$GM" reproduce --fast --set spot.load=101 spot
grep_err "spot, 10100 present" "spot.load: load x capacity is the mean of requests present, at most 10000, got 10100"
expect_status "spot, 2e9 reads" 2 "$GM" reproduce --fast --set spot.load=10 --set spot.update-mean=43.2s spot
grep_err "spot, 2e9 reads" "spot.load: 1000 requests present read at 2e+06 updates is more than 1e+09"
# (an arrival gap past the largest time once wrapped the clock: a hang)
expect_status "spot, a load of 1e-300" 0 timeout 60 "$GM" reproduce --fast --set spot.load=1e-300 spot
# (and exactly at them, all allowed: tests/check_spot.c, read_types_bounds_inclusive)

# The collapse row is the largest gap |type's CDF - pooled CDF| over the
# band, of either sign. With loads 0, 0, 1.2 the overloaded type's CDF
# lies below the pooled one (its mean, the types' hours being equal) by
# twice what each unloaded one lies above it, so the row is at least the
# largest such gap read off the 21 points of spot.time_cdf (a signed gap
# would see only the unloaded types' half of it).
expect_status "spot, one type overloaded, a run" 1 "$GM" run scenarios/reproduce/spot.ini -c Fast \
    --set spot.load=0,0,1.2 -o "$T/over" -q
if awk -F, '$2 == "\"spot.time_cdf\"" { gsub(/"/, "", $4); split($4, e, "@"); c[e[1], e[2]] = $5; x[e[2]] = 1 }
        $2 == "\"repro.simulated\"" && $4 ~ /collapse/ { row = $5 }
        END { for (p in x) { m = (c[0.085, p] + c[0.34, p] + c[0.68, p]) / 3
                  for (o = 1; o <= 3; o++) { v = c[o == 1 ? 0.085 : o == 2 ? 0.34 : 0.68, p] - m
                      if (v < 0) v = -v; if (v > g) g = v } }
              exit !(g > 0.1 && row >= g - 1e-9) }' "$T/over/scalars.csv"; then ok
else bad "spot, one type overloaded: the collapse row is not the largest absolute CDF gap"; fi
# ... and at most what the 21 points allow between them: each CDF, the
# pooled one included, rises, so between neighbouring points a < b a
# type's gap is at most max(c(b) - P(a), P(b) - c(a)). (A gap measured
# to one type rather than to the pooled CDF, here to an unloaded one,
# would be the overloaded type's whole shortfall, half again as large.)
if awk -F, '$2 == "\"spot.time_cdf\"" { gsub(/"/, "", $4); split($4, e, "@"); c[e[1], e[2] + 0] = $5 }
        $2 == "\"repro.simulated\"" && $4 ~ /collapse/ { row = $5 }
        END { n = split("0.085 0.34 0.68", ty, " ")
              for (j = 0; j <= 20; j++) { x[j] = 0.35 + 0.005 * j; x[j] = sprintf("%.3f", x[j]) + 0
                  m[j] = 0; for (o = 1; o <= n; o++) m[j] += c[ty[o], x[j]] / n }
              for (o = 1; o <= n; o++) for (j = 0; j < 20; j++) {
                  v = c[ty[o], x[j + 1]] - m[j]; w = m[j + 1] - c[ty[o], x[j]]
                  if (v > u) u = v; if (w > u) u = w }
              exit !(u > 0 && u < 1 && row <= u + 1e-9) }' "$T/over/scalars.csv"; then ok
else bad "spot, one type overloaded: the collapse row is more than any gap to the pooled CDF"; fi

# Bin 0 of the time-CDF is at or below the floor: a sigma far above the
# band (1 x on-demand against a band of 0.1) clips nearly every step to
# one edge or the other, symmetrically, so about half the time is spent
# at the floor itself, and the CDF at the floor is about 0.5, not 0. (At
# 1 USD/h the floor, 350000 micro-dollars, reads back as 0.35 exactly.)
"$GM" run scenarios/reproduce/spot.ini -c Fast --set spot.ondemand=1 --set spot.load=0 \
    --set spot.sigma=1 --set sim.horizon=200d -o "$T/clip" -q 2>/dev/null
if awk -F, '$2 == "\"spot.time_cdf\"" && $4 == "\"1@0.35\"" { v = $5 }
        END { exit !(v > 0.4 && v < 0.6) }' "$T/clip/scalars.csv"; then ok
else bad "spot, sigma 1: the time-CDF at the floor is not about 0.5"; grep '1@0.35"' "$T/clip/scalars.csv" >&2; fi
# ... and the top bin ends at the ceiling itself: with no bidders the price
# is never above it, so the CDF there is 1, the time at the ceiling
# included.
if awk -F, '$2 == "\"spot.time_cdf\"" && $4 == "\"1@0.45\"" { v = $5 }
        END { exit !(v == 1) }' "$T/clip/scalars.csv"; then ok
else bad "spot, sigma 1: the time-CDF at the ceiling is not 1"; grep '1@0.45"' "$T/clip/scalars.csv" >&2; fi

# A price always above the band (500 bidders at 0.9 for 100 places) has a
# flat time-CDF on (F, C), 0 throughout: no line to fit, so R^2 is 0 and
# the linearity row fails rather than passing on a degenerate fit.
"$GM" reproduce --fast --set spot.bid-lo=0.9 --set spot.bid-hi=0.9 --set spot.load=5 \
    --set sim.horizon=100d spot >"$T/out" 2>"$T/err"
row "spot, always above the band: no line" '^T5 time-CDF linear on \(F, C\).* 0 .* FAIL$'
# The row is the least R^2 of the types: with only the first type so
# loaded (loads 5, 0, 0: Poisson(500) requests for 100 places, its price
# 0.9 x on-demand nearly always) its flat CDF gives 0, whatever the two
# unloaded types, whose price is their reserve, fit.
"$GM" reproduce --fast --set spot.bid-lo=0.9 --set spot.bid-hi=0.9 --set spot.load=5,0,0 \
    --set sim.horizon=100d spot >"$T/out" 2>"$T/err"
row "spot, the first type above the band: the least R^2" '^T5 time-CDF linear on \(F, C\).* 0 .* FAIL$'

# The bound on requests present is inclusive: load x capacity = 100 x 100
# = 10000 is allowed (the targets may fail on so short a run; no input
# error, so not status 2).
"$GM" reproduce --fast --set spot.ondemand=1 --set spot.load=100 --set sim.horizon=40d spot \
    >"$T/out" 2>"$T/err"
if [ $? -ne 2 ] && ! grep -q "spot.load" "$T/err"; then ok
else bad "spot, 10000 present: refused"; cat "$T/err" >&2; fi

# T3's interval list reads decimals as every real does: 0x3c is not 60.
expect_status "ckptjob, hexadecimal interval" 2 "$GM" reproduce --fast --set ckptjob.taus=0x3c ckpt
grep_err "ckptjob, hexadecimal interval" "ckptjob.taus: expected intervals in minutes (> 0)"

# -- T6, checkpointing on spot instances --------------------------------------
expect_status "spotckpt, fast" 0 "$GM" reproduce --fast spotckpt
row "spotckpt, fast: nine rows" '^9 rows, 9 passed, 0 failed$'
# Jobs fall into 20 batches in submission order, so the ratios have a
# batch-means half-width.
row "spotckpt, fast: a 95% CI" '^T6 cost HOUR/OPT at bid 0\.4 .* \+-0\.[0-9]+ +>= 1 +pass$'
# the seven cost rows are at spotckpt.bid (0.4), not at the first of
# spotckpt.bids (0.45, 0.43, 0.41: the time rows')
if [ "$(grep -Ec '^T6 cost [A-Z]+/[A-Z]+ at bid 0\.4 \(' "$T/out")" = 7 ]; then ok
else bad "spotckpt, fast: the cost rows name bid 0.4"; cat "$T/out" >&2; fi
# a job of no work is refused by name
expect_status "spotckpt, no work" 2 "$GM" reproduce --fast --set spotckpt.work=0h spotckpt
grep_err "spotckpt, no work" "spotckpt.work: work must be > 0"

# A constant price (no noise, no bidders) below a bid of the whole
# on-demand price: no instance is ever cut. By hand: HOUR computes 55 min
# and writes 5 min each hour, so 24 h of work end at 26 h 10 min and 27
# hours are billed; every other policy writes nothing (no rise, a hazard
# of 0, no cut to foresee) and takes 24 h, 24 hours billed. (The run
# exits 1: the ordering rows need interruptions.)
expect_status "spotckpt, never cut" 1 "$GM" run scenarios/reproduce/spotckpt.ini -c Fast \
    --set spot.sigma=0 --set spot.load=0 --set spotckpt.bid=1 --set spotckpt.bids=1,1 \
    --set spotckpt.jobs=20 -o "$T/never" -q
val() { sval "$T/never" "$@"; }
if awk -v h="$(val spotckpt.time HOUR@1)" -v o="$(val spotckpt.time OPT@1)" \
       -v n="$(val spotckpt.time NONE@1)" -v a="$(val spotckpt.time ADAPT@1)" \
       -v d="$(val spotckpt.time EDGE@1)" \
       'BEGIN { exit !(h > 26.16666 && h < 26.16667 && o == 24 && n == 24 && a == 24 && d == 24) }'
then ok; else bad "spotckpt, never cut: times"; grep spotckpt.time "$T/never/scalars.csv" >&2; fi
if awk -v h="$(val spotckpt.cost HOUR@1)" -v o="$(val spotckpt.cost OPT@1)" \
       'BEGIN { r = h / o; exit !(r > 1.12499 && r < 1.12501) }'
then ok; else bad "spotckpt, never cut: HOUR bills 27 hours to OPT's 24"; grep spotckpt.cost "$T/never/scalars.csv" >&2; fi
# Every job is done (a share of 1, not 0 and not the count of 20); the
# EDGE/HOUR row compares EDGE's 24 hours with HOUR's 27, 24/27 = 0.8889
# (so it fails here); NONE takes OPT's 24 h, 1 x OPT, short of the
# min-diverge of 2 at the last bid, so that row fails too.
if [ "$(val spotckpt.done NONE@1)" = 1 ] && [ "$(val spotckpt.done OPT@1)" = 1 ]
then ok; else bad "spotckpt, never cut: every job done"; grep spotckpt.done "$T/never/scalars.csv" >&2; fi
if awk -v r="$(val repro.simulated 'T6 cost EDGE/HOUR at bid 1 (HOUR among the best)')" \
       'BEGIN { exit !(r > 0.888888 && r < 0.888890) }'
then ok; else bad "spotckpt, never cut: EDGE/HOUR = 24/27"; grep EDGE/HOUR "$T/never/scalars.csv" >&2; fi
if [ "$(val repro.simulated 'T6 time NONE/OPT at bid 1')" = 1 ] && \
   [ "$(val repro.pass 'T6 time NONE/OPT at bid 1')" = 0 ]
then ok; else bad "spotckpt, never cut: NONE/OPT = 1 < 2 fails"; grep "NONE/OPT at bid" "$T/never/scalars.csv" >&2; fi

# a bid listed more than once (here 1, three times) is one set of
# scalars: the CSV's keys (run, metric, kind, entity) stay unique
dups=$(cut -d, -f1-4 "$T/never/scalars.csv" | sort | uniq -d | head -n 3)
if [ -z "$dups" ]; then ok; else bad "spotckpt, never cut: scalars repeated: $dups"; fi

# every metric the run wrote is documented
for m in $(cut -d, -f2 "$T/never/scalars.csv" | tr -d '"' | grep -v '^metric$' | sort -u); do
    if grep -qF "\`$m\`" docs/METRICS.md; then ok; else bad "metric '$m' is not in docs/METRICS.md"; fi
done

# A recorded history (spotckpt.trace): 0.10 USD/h for 5 h, then 0.50 for
# an hour, over and over. At a bid of 2 x 0.34 nothing is ever cut: NONE
# takes 24 h, and any 24 consecutive instance hours start 4 times in a
# 0.50 hour and 20 times in a 0.10 one, 4.00 USD whatever the phase. At
# 0.4 x 0.34 = 0.136 every 0.50 hour cuts the instance, so NONE (at most
# 5 h in one go) never finishes 24 h: censored at the 20-day deadline.
awk 'BEGIN { print "t_h,price_usd"; for (k = 0; k < 4000; k++) printf "%d,0.10\n%d,0.50\n", 6 * k, 6 * k + 5 }' \
    >"$T/history.csv"
expect_status "spotckpt, a recorded history" 1 "$GM" run scenarios/reproduce/spotckpt.ini -c Fast \
    --set spotckpt.trace="$T/history.csv" --set spotckpt.bid=2 --set spotckpt.bids=0.4,0.4 \
    --set spotckpt.jobs=20 -o "$T/rec" -q
rval() { sval "$T/rec" "$@"; }
if [ "$(rval spotckpt.cost NONE@2)" = 4 ] && [ "$(rval spotckpt.time NONE@2)" = 24 ] &&
   [ "$(rval spotckpt.done NONE@0.4)" = 0 ] && [ "$(rval spotckpt.time NONE@0.4)" = 480 ]
then ok; else bad "spotckpt, a recorded history: NONE's costs and times"; grep NONE "$T/rec/scalars.csv" >&2; fi

# ADAPT learns only from the history before the warm-up ends (60 d):
# a flat 0.10 there, then the 5 h / 1 h cycle, with 0.10 posted again
# half an hour before each cut. It has seen no cut, so it never writes,
# and like NONE never finishes a 24 h job at 0.4 x 0.34; reading the
# cuts to come (every second 0.10 update is followed by one within the
# hour: P = 0.5), it would write every hour as HOUR does, and finish.
awk 'BEGIN { print "t_h,price_usd"; print "0,0.10"
             for (k = 240; k < 4000; k++) printf "%d,0.10\n%.1f,0.10\n%d,0.50\n", 6 * k, 6 * k + 4.5, 6 * k + 5 }' \
    >"$T/calm.csv"
expect_status "spotckpt, a calm history" 0 "$GM" run scenarios/reproduce/spotckpt.ini -c Fast \
    --set spotckpt.trace="$T/calm.csv" --set spotckpt.bid=0.4 --set spotckpt.bids=0.4,0.4 \
    --set spotckpt.jobs=20 -o "$T/calm" -q
cval() { sval "$T/calm" "$@"; }
if [ "$(cval spotckpt.done ADAPT@0.4)" = 0 ] && [ "$(cval spotckpt.done HOUR@0.4)" = 1 ]; then ok
else bad "spotckpt, a calm history: ADAPT wrote what its history gave no reason to"
    grep 'done' "$T/calm/scalars.csv" >&2; fi
# its chart (a run that passes draws it): one bar per policy and bid,
# each the run's spotckpt.cost for that POLICY@BID
for pol in NONE HOUR EDGE ADAPT OPT; do
    bar=$(awk -F, -v p="\"$pol\"" '$1 == "\"bid 0.4\"" && $2 == p { print $3 }' "$T/calm/plots/spotckpt.csv")
    if [ -n "$bar" ] && awk -v a="$bar" -v b="$(cval spotckpt.cost "$pol@0.4")" \
           'BEGIN { exit !(a == b) }'; then ok
    else bad "spotckpt, a calm history: the chart's $pol bar is '$bar', not the scalar"; fi
done

bad_history() {   # bad_history NAME FILE CSV MESSAGE: spotckpt.trace refuses it
    printf "$3" >"$T/$2"
    expect_status "spotckpt, $1" 2 "$GM" reproduce --fast --set spotckpt.trace="$T/$2" spotckpt
    grep_err "spotckpt, $1" "$4"
}
bad_history "a history starting late" late.csv 't_h,price_usd\n1,0.1\n2,0.2\n' \
    "late.csv:2: error: column 't_h': the first update must be at 0 h, got 1"
bad_history "a history standing still" back.csv 't_h,price_usd\n0,0.1\n2,0.2\n2,0.3\n' \
    "back.csv:4: error: column 't_h': times must rise, got 2 h after 2 h"
bad_history "a negative price" neg.csv 't_h,price_usd\n0,0.1\n1,-0.2\n' \
    "neg.csv:3: error: column 'price_usd': expected a price in [0, 1e+06] USD/h, got -0.2"
bad_history "no price column" cols.csv 't_h,usd\n0,0.1\n' "missing column 'price_usd'"
bad_history "no updates" empty.csv 't_h,price_usd\n' "empty.csv:1: error: no price updates"
expect_status "spotckpt, no such history" 2 "$GM" reproduce --fast \
    --set spotckpt.trace="$T/nosuch.csv" spotckpt
grep_err "spotckpt, no such history" "nosuch.csv"

expect_status "spotckpt, a bid of 0" 2 "$GM" reproduce --fast --set spotckpt.bid=0 spotckpt
grep_err "spotckpt, a bid of 0" "spotckpt.bid: a bid must be > 0"
expect_status "spotckpt, one bid" 2 "$GM" reproduce --fast --set spotckpt.bids=0.45 spotckpt
grep_err "spotckpt, one bid" "spotckpt.bids: need at least two bids to see a trend"
# The bounds at their edges: eight bids beside spotckpt.bid, a warm-up of
# half a day, a deadline equal to the work, and 10000 x 4 x 5 walks of
# 7200 updates and 14400 hours' steps each, 4.32e9.
expect_status "spotckpt, eight bids" 2 "$GM" reproduce --fast \
    --set spotckpt.bids=0.45,0.44,0.43,0.42,0.41,0.4,0.39,0.38 spotckpt
grep_err "spotckpt, eight bids" "spotckpt.bids: at most 7 bids"
expect_status "spotckpt, half a day's history" 2 "$GM" reproduce --fast --set sim.warmup=12h spotckpt
grep_err "spotckpt, half a day's history" "need at least 1d, got 12 h"
expect_status "spotckpt, deadline = work" 2 "$GM" reproduce --fast --set spotckpt.deadline=1d spotckpt
grep_err "spotckpt, deadline = work" "need work < deadline < horizon - warm-up, got 24 h"
expect_status "spotckpt, 4.32e9 steps" 2 "$GM" reproduce --fast --set spotckpt.jobs=10000 \
    --set spotckpt.deadline=300d spotckpt
grep_err "spotckpt, 4.32e9 steps" "is 4.32e+09 steps (at most 2e9)"
expect_status "spotckpt, hour-long checkpoint" 2 "$GM" reproduce --fast --set spotckpt.delta=1h spotckpt
grep_err "spotckpt, hour-long checkpoint" "spotckpt.delta: need 0 < delta < 1h"
expect_status "spotckpt, no history" 2 "$GM" reproduce --fast --set sim.warmup=0s spotckpt
grep_err "spotckpt, no history" "need at least 1d, got 0 h"
expect_status "spotckpt, deadline past the horizon" 2 "$GM" reproduce --fast \
    --set spotckpt.deadline=1000d spotckpt
grep_err "spotckpt, deadline past the horizon" "need work < deadline < horizon - warm-up"
expect_status "spotckpt, a million job walks" 2 "$GM" reproduce --fast --set spotckpt.jobs=100000 \
    --set spotckpt.deadline=300d spotckpt
grep_err "spotckpt, a million job walks" "spotckpt.jobs: 100000 jobs x 4 bids x 5 policies over a 300 d deadline"
expect_status "spotckpt, a price of 1e300" 2 "$GM" reproduce --fast --set spot.ondemand=1e300 spotckpt
grep_err "spotckpt, a price of 1e300" "on-demand prices must be in [0.001, 1e+06] USD/h, got 1e+300"
expect_status "spotckpt, hexadecimal bid" 2 "$GM" reproduce --fast --set spotckpt.bids=0x1,0.4 spotckpt
grep_err "spotckpt, hexadecimal bid" "spotckpt.bids: expected numbers > 0, got '0x1'"

cli_done
