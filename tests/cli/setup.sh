#!/bin/sh
# tests/cli/setup.sh -- end-to-end tests of the market's set-up checks:
# catalogue names as scenario keys, and errors at the line the analyst
# wrote. Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# -- a catalogue name with a '.' is a key like any other ---------------------
# ("GH200 96.5GB" made gpu.gh200-96.5gb.share, not registered: exit 134)
{ cat data/gpus.csv; echo "GH200 96.5GB,96,4000,67,990,700,5,2024,30000,0"; } >"$T/dot.csv"
check "validate, a '.' in a GPU name" "$GM" validate scenarios/default.ini -c Quick \
    -s market.catalog="$T/dot.csv" -s gpu.gh200-96-5gb.share=5
check "run, a '.' in a GPU name" "$GM" run scenarios/default.ini -c Quick \
    -s market.catalog="$T/dot.csv" -s gpu.gh200-96-5gb.share=5 -s sim.horizon=2d \
    -s sim.warmup=0s -s supply.gpus=100 -o "$T/dot" --no-plots -q
if grep -q '"GH200 96.5GB",[1-9]' "$T/dot/scalars.csv"; then ok
else bad "the GH200 96.5GB was not supplied"; fi

# -- two names with one key name are refused at the second row ---------------
# (RTX_4090 silently shared gpu.rtx-4090.* with the RTX 4090)
{ cat data/gpus.csv; echo "RTX_4090,24,1008,82.6,165,450,4,2022,1599,0"; } >"$T/us.csv"
expect_status "validate, two GPUs with one key name" 1 "$GM" validate scenarios/default.ini \
    -c Quick -s market.catalog="$T/us.csv"
grep_err "validate, two GPUs with one key name" \
    "us.csv:32: error: GPU model 'RTX_4090' has the key name 'rtx-4090' of 'RTX 4090' (line 8)"
{ cat data/gpus.csv; echo "a10,24,600,31,125,150,4,2021,3000,0"; } >"$T/case.csv"
expect_status "validate, two GPUs differing in case" 1 "$GM" validate scenarios/default.ini \
    -c Quick -s market.catalog="$T/case.csv"
grep_err "validate, two GPUs differing in case" \
    "case.csv:32: error: GPU model 'a10' has the key name 'a10' of 'A10' (line 19)"

# -- every gpu share zero, the first catalogue model unknown to the registry --
# (blaming gpu.aaa-test.share, a key the run does not hold, aborted: 134)
{ head -n 1 data/gpus.csv; echo "AAA Test,96,4000,67,990,700,5,2024,30000,0"
  tail -n +2 data/gpus.csv; } >"$T/first.csv"
expect_status "validate, every gpu share zero" 1 "$GM" validate scenarios/default.ini -c Quick \
    -s market.catalog="$T/first.csv" -s 'gpu.*.share=0'
grep_err "validate, every gpu share zero" "--set: error: gpu.rtx-3060.share: every gpu.*.share"

# -- reliability-filter.ini: the baseline 0 is no filter ---------------------
# (every archetype asked for verified machines, which need a score of 0.90,
# so the points 0 and 0.90 were the same runs bit for bit)
for r in 0 1; do
    check "reliability-filter.ini point $r" "$GM" run scenarios/reliability-filter.ini -c Filter \
        -r $r -s repeat=1 -s sim.horizon=4d -s sim.warmup=1d -s supply.gpus=100 \
        -o "$T/rf$r" --no-plots -q
    cut -d, -f2- "$T/rf$r/scalars.csv" >"$T/rf$r.csv"
done
if cmp -s "$T/rf0.csv" "$T/rf1.csv"; then bad "reliability filters 0 and 0.90 give the same runs"
else ok; fi

# -- a '*' key reaches catalogue models the scenario never names -----------
# (gpu.*.share=1 left a model of a loaded catalogue at the pattern's default
# 0, so a market of that model alone was refused as having no supply)
{ cat data/gpus.csv; echo "AAA Test,96,4000,67,990,700,5,2024,30000,0"; } >"$T/aaa.csv"
check "a '*' share reaches a loaded catalogue's model" "$GM" run scenarios/default.ini -c Quick \
    -s market.catalog="$T/aaa.csv" -s 'gpu.*.share=1' -s 'supply.gpu-models=AAA Test' \
    -s sim.horizon=1d -s sim.warmup=0 -s supply.gpus=64 -o "$T/aaa" --no-plots -q
if grep -q '^"[^"]*","gpus_listed","gpu","AAA Test",' "$T/aaa/scalars.csv" 2>/dev/null ||
   grep -q '"AAA Test"' "$T/aaa/timeseries.csv" 2>/dev/null; then ok
else bad "the market of the loaded model lists none of it"; fi
# an exact key still beats the '*' key: that model's share 0 leaves no supply
expect_status "an exact share beats the '*' share" 1 "$GM" validate scenarios/default.ini -c Quick \
    -s market.catalog="$T/aaa.csv" -s 'gpu.*.share=1' -s 'gpu.aaa-test.share=0' \
    -s 'supply.gpu-models=AAA Test'

cli_done
