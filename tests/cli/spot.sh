#!/bin/sh
# tests/cli/spot.sh -- 'gpumarket reproduce spot' (T5, the hidden reserve
# price): its rows follow the scenario's own parameters, a market that
# binds often fails the "rarely binds" row, and bad lists are errors at
# their key. Run by 'make test' with GM_BIN pointing at the binary.
. tests/cli_lib.sh

row() {   # row NAME PATTERN: a line of the last table matches the extended regex
    if grep -Eq -- "$2" "$T/out"; then ok; else bad "$1: no line matches '$2'"; cat "$T/out" >&2; fi
}

expect_status "spot, fast" 0 "$GM" reproduce --fast spot
row "spot, fast: five rows" '^5 rows, 5 passed, 0 failed$'

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

# T3's interval list reads decimals as every real does: 0x3c is not 60.
expect_status "ckptjob, hexadecimal interval" 2 "$GM" reproduce --fast --set ckptjob.taus=0x3c ckpt
grep_err "ckptjob, hexadecimal interval" "ckptjob.taus: expected intervals in minutes (> 0)"

cli_done
