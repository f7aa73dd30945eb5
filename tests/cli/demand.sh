#!/bin/sh
# tests/cli/demand.sh -- end-to-end tests of the market's renter demand:
# archetype and deadline limits the scenario checker enforces.
# Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# -- archetype count -------------------------------------------------------
# A job records its archetype in a byte: with the 6 built-in archetypes,
# 249 more make 255, the most a market holds, and run with every job
# accounted for; one more is refused with the count. A 256th was accepted
# and its jobs were filed under archetype 0 (run: jobs.accounted failed).
archetypes() {   # archetypes N FILE: a small market with N extra archetypes
    printf '[General]\nsim.model = market\nsim.horizon = 2d\nsim.warmup = 0\n' >"$2"
    printf 'supply.gpus = 100\nseed = 1\n' >>"$2"
    i=1
    while [ "$i" -le "$1" ]; do
        printf '[archetype x%03d]\nrate = 100\n' "$i" >>"$2"
        i=$((i + 1))
    done
}
archetypes 249 "$T/a255.ini"
archetypes 250 "$T/a256.ini"
check "255 archetypes are valid" "$GM" validate "$T/a255.ini"
check "255 archetypes run" "$GM" run "$T/a255.ini" -o "$T/a255"
if grep -q '^"[^"]*","jobs_arrived","archetype","x249",[1-9]' "$T/a255/scalars.csv"
then ok; else bad "the 255th archetype's jobs arrive under its name"; fi
expect_status "256 archetypes are refused" 1 "$GM" validate "$T/a256.ini"
grep_err "256 archetypes: the count" "too many archetypes: 256, built-in ones included (at most 255)"
expect_status "256 archetypes do not run" 2 "$GM" run "$T/a256.ini" -o "$T/a256"

# -- deadlines ---------------------------------------------------------------
# Up to 16 deadline days, each 0-364 (the model's year has 365 days, as
# demand.start-day counts them). A 17th was dropped without a word, and
# day 365 was taken as day 0.
deadlines() {   # deadlines LIST FILE
    printf '[General]\nsim.model = market\nsim.horizon = 1d\n' >"$2"
    printf '[archetype academic]\ndeadlines = %s\n' "$1" >>"$2"
}
deadlines "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,364" "$T/d16.ini"
check "16 deadlines, days 0 to 364" "$GM" validate "$T/d16.ini"
deadlines "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,300" "$T/d17.ini"
expect_status "a 17th deadline is refused" 1 "$GM" validate "$T/d17.ini"
grep_err "17 deadlines: where" "d17.ini:5: error: archetype.academic.deadlines: at most 16 deadlines"
deadlines "28,365" "$T/d365.ini"
expect_status "day 365 is refused" 1 "$GM" validate "$T/d365.ini"
grep_err "day 365: the range" "expected days of the year (0-364)"

cli_done
