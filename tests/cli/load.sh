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

# -- three catalogue rows with one key name: each later row reported once ----
# mkt_load_catalog names the first earlier row that shares the id and
# stops there: lines 9 and 10 both point at line 8, and line 10 is not
# reported a second time against line 9 (two errors, not three).
{ head -n 8 data/gpus.csv; echo "RTX_4090,24,1008,82.6,165,450,4,2022,1599,0"
  echo "Rtx 4090,24,1008,82.6,165,450,4,2022,1599,0"; tail -n +9 data/gpus.csv; } >"$T/three.csv"
expect_status "three rows with one key name" 1 "$GM" validate scenarios/default.ini -c Quick \
    -s market.catalog="$T/three.csv"
grep_err "three rows with one key name: the second" \
    "three.csv:9: error: GPU model 'RTX_4090' has the key name 'rtx-4090' of 'RTX 4090' (line 8)"
grep_err "three rows with one key name: the third" \
    "three.csv:10: error: GPU model 'Rtx 4090' has the key name 'rtx-4090' of 'RTX 4090' (line 8)"
n=$(grep -c "has the key name" "$T/err")
if [ "$n" = 2 ]; then ok; else bad "three rows with one key name: $n errors, want 2"; cat "$T/err" >&2; fi

# -- a catalogue name's key id: every letter lower-cased, A to Z -------------
# key_id (market_load.c): "lower case, and every character a key part
# cannot hold ... a '-'": the Z of "ZX 9000" is a letter like the others,
# so the model's keys are gpu.zx-9000.*, not gpu.-x-9000.*.
{ cat data/gpus.csv; echo "ZX 9000,24,1008,82.6,165,450,4,2022,1599,0"; } >"$T/z.csv"
check "a model name with a Z" "$GM" validate scenarios/default.ini -c Quick \
    -s market.catalog="$T/z.csv" -s gpu.zx-9000.share=1

# -- only a bare '*' is the pattern: "*x" is a name, and no model's ----------
# check_entity_names (market_load.c): every key written for gpu.* must
# name a member; '*' alone stands for all of them, a name that merely
# starts with '*' does not, and was read by nobody.
printf '[General]\nsim.model = market\ngpu.*x.share = 1\n' >"$T/star.ini"
expect_status "a gpu named *x" 1 "$GM" validate "$T/star.ini"
grep_err "a gpu named *x" "star.ini:3: error: gpu.*x.share: no gpu named '*x'"

# -- the catalogue's size limit: 64 models is the most, and allowed ---------
# add_machine draws a model from at most 64 (market_load.c): 64 are taken,
# a 65th is refused, naming the catalogue (no row: it is the whole file).
# data/gpus.csv has 30 models; 34 or 35 more are added.
n=$(($(wc -l <data/gpus.csv) - 1))
for extra in $((64 - n)) $((65 - n)); do
    awk -F, -v k="$extra" 'NR == 2 { row = $0 } { print }
        END { for (i = 0; i < k; i++) { sub(/^[^,]*/, "Fake " i, row); print row } }' \
        data/gpus.csv >"$T/cat$extra.csv"
done
check "a catalogue of 64 models" "$GM" validate scenarios/default.ini -c Quick \
    -s market.catalog="$T/cat$((64 - n)).csv"
expect_status "a catalogue of 65 models" 1 "$GM" validate scenarios/default.ini -c Quick \
    -s market.catalog="$T/cat$((65 - n)).csv"
grep_err "a catalogue of 65 models" "cat$((65 - n)).csv: error: 65 GPU models; the market takes at most 64"

# -- 256 host classes and 256 regions are the most, and allowed -------------
# A machine keeps its class and region in a byte (market_load.c,
# MAX_SUPPLY_ENTITIES): 256 of each, the built-in ones (3 classes, 5
# regions) included, are taken; a 257th class is refused.
entities() {   # entities CLASSES REGIONS FILE
    { printf '[General]\nsim.model = market\n'
      i=0; while [ "$i" -lt "$1" ]; do printf 'hostclass.h%03d.share = 0.5\n' "$i"; i=$((i + 1)); done
      i=0; while [ "$i" -lt "$2" ]; do printf 'region.r%03d.share = 0.5\n' "$i"; i=$((i + 1)); done
    } >"$3"
}
entities 253 251 "$T/e256.ini"
check "256 host classes and 256 regions" "$GM" validate "$T/e256.ini"
entities 254 251 "$T/e257.ini"
expect_status "257 host classes" 1 "$GM" validate "$T/e257.ini"
grep_err "257 host classes" "e257.ini:256: error: 257 host classes; the market takes at most 256"
entities 253 252 "$T/r257.ini"
expect_status "257 regions" 1 "$GM" validate "$T/r257.ini"
grep_err "257 regions" "r257.ini:507: error: 257 regions; the market takes at most 256"

# -- parameter ranges: both ends taken, just past either refused -------------
# The ranges docs/PARAMS.md gives (closed intervals): market.fee [0, 0.9],
# demand.start-day [0, 364], archetype.*.tz [-12, 14], hostclass.*.min-chunk
# [1, 16], market.reliability-reference [0, 0.999], archetype.*.retry
# [0.001 h, ...], hostclass.*.pue [1, 3], supply.gpus [1, ...],
# archetype.*.bid-cap [0.01, 1].
check "range edges accepted (low)" "$GM" validate scenarios/default.ini -c Quick \
    -s market.fee=0 -s demand.start-day=0 -s archetype.indie.tz=-12 -s hostclass.farm.min-chunk=1 \
    -s market.reliability-reference=0 -s archetype.indie.retry=0.001h -s hostclass.farm.pue=1 \
    -s supply.gpus=1 -s archetype.indie.bid-cap=0.01
check "range edges accepted (high)" "$GM" validate scenarios/default.ini -c Quick \
    -s market.fee=0.9 -s demand.start-day=364 -s archetype.indie.tz=14 \
    -s hostclass.farm.min-chunk=16 -s hostclass.farm.machine-gpus=16:1 \
    -s market.reliability-reference=0.999 -s hostclass.farm.pue=3 -s archetype.indie.bid-cap=1
for kv in market.fee=0.901 market.fee=-0.001 demand.start-day=365 archetype.indie.tz=14.5 \
          archetype.indie.tz=-12.5 hostclass.farm.min-chunk=17 market.reliability-reference=1 \
          archetype.indie.retry=0h hostclass.farm.pue=0.99 supply.gpus=0 archetype.indie.bid-cap=0; do
    expect_status "$kv refused" 1 "$GM" validate scenarios/default.ini -c Quick -s "$kv"
    grep_err "$kv refused" "--set: error: ${kv%%=*}: "
done

# -- cross-parameter checks at their edges ------------------------------------
# docs/PARAMS.md: archetype.*.budget 0 is unlimited credits, so they never
# run out and a top-up after topup-delay can never be needed: no grace is
# asked for (indie's budget is 0 by default, its topup-delay 12h).
printf '[General]\nsim.model = market\n[archetype indie]\ntopup = 0.5\n' >"$T/tu0.ini"
check "topup with unlimited credits needs no grace" "$GM" validate "$T/tu0.ini"
# market.credit-grace "0 deletes it at once": any grace above 0, the
# shortest being one microsecond (the clock's tick), lets a delayed
# top-up act, so the run is accepted; at 0 it is refused (line 6, topup).
printf '[General]\nsim.model = market\nmarket.credit-grace = 1us\n[archetype indie]\nbudget = 50\ntopup = 0.5\n' >"$T/tu1.ini"
check "delayed topup with a 1us grace" "$GM" validate "$T/tu1.ini"
expect_status "delayed topup with no grace" 1 "$GM" validate "$T/tu1.ini" -s market.credit-grace=0
grep_err "delayed topup with no grace" "--set: error: archetype indie: topup = 0.5 after topup-delay"
# anticipating hosts need a market.reprice-interval that divides a day:
# 1d - 1us leaves a remainder of 1us (86400000000 mod 86399999999 = 1),
# so it is refused, at the anticipate line (5); 1d itself divides it.
printf '[General]\nsim.model = market\nmarket.reprice-interval = 86399999999us\n[hostclass farm]\nanticipate = 0.5\n' >"$T/an.ini"
expect_status "anticipate, interval 1d - 1us" 1 "$GM" validate "$T/an.ini"
grep_err "anticipate, interval 1d - 1us" "an.ini:5: error: hostclass farm: anticipate = 0.5 needs a market.reprice-interval"
check "anticipate, interval 1d" "$GM" validate "$T/an.ini" -s market.reprice-interval=1d
# every gpu.*.share zero with no supply.gpu-models list: the shares the
# '*' line (3) wrote are to blame there, not the list left at its default
# (which has no line)
printf '[General]\nsim.model = market\ngpu.*.share = 0\n' >"$T/g0.ini"
expect_status "every gpu share zero by '*'" 1 "$GM" validate "$T/g0.ini"
grep_err "every gpu share zero by '*'" "g0.ini:3: error: gpu."
# -- too many archetypes: an entity's own key after a '*' key of the setting --
# A '*' key at line 7 sets archetype.*.weekend for all 256; a250's own
# weekend at line 509 (505 lines of many.ini, then 4) is not set by the
# '*' line, so it is the key written last and takes the blame.
{ printf '[General]\nsim.model = market\nsim.horizon = 1d\nsim.warmup = 0d\n'
  printf 'supply.gpus = 50\n[General]\narchetype.*.weekend = 0.5\n'
  i=1
  while [ $i -le 250 ]; do printf '[archetype a%d]\nrate = 1\n' $i; i=$((i + 1)); done
  printf '[archetype a250]\nweekend = 0.7\n'
} >"$T/many3.ini"
expect_status "256 archetypes, own key after a '*' one" 1 "$GM" validate "$T/many3.ini"
grep_err "256 archetypes, own key after a '*' one" \
    "many3.ini:509: error: archetype.a250.weekend: too many archetypes: 256"

# -- min-chunk must be a power of two -----------------------------------------
# Offers are sliced at 1, 2, 4, 8 or 16 GPUs (README, Supply: Vast's
# min_gpu): a min-chunk of 3 acted as 4 without a word (error audit).
printf '[General]\nsim.model = market\nhostclass.farm.min-chunk = 3\n' >"$T/mc.ini"
expect_status "min-chunk 3" 1 "$GM" validate "$T/mc.ini"
grep_err "min-chunk 3" "mc.ini:3: error: hostclass farm: min-chunk = 3 is not a power of two"
for k in 1 2 4 8 16; do
    expect_status "min-chunk $k" 0 "$GM" validate "$T/mc.ini" -s hostclass.farm.min-chunk=$k
done

# -- a data table of its header alone is named ---------------------------------
# A catalogue with no rows made every later table's rows the culprits
# (data/dlperf_observed.csv:N: unknown GPU ...), an observed table with none
# a fit "needs at least 6 observed GPUs" from no file (error audit).
printf '[General]\nsim.model = market\n' >"$T/m0.ini"
head -n 1 data/gpus.csv >"$T/cat0.csv"
expect_status "a catalogue of its header alone" 1 "$GM" validate "$T/m0.ini" -s market.catalog="$T/cat0.csv"
grep_err "a catalogue of its header alone" "cat0.csv: error: no GPU rows"
if grep -q "dlperf_observed.csv" "$T/err"; then bad "an empty catalogue blamed on the observed table"; else ok; fi
head -n 1 data/dlperf_observed.csv >"$T/obs0.csv"
expect_status "an observed table of its header alone" 1 "$GM" validate "$T/m0.ini" -s market.dlperf-observed="$T/obs0.csv"
grep_err "an observed table of its header alone" "obs0.csv: error: no observed GPU rows"

cli_done
