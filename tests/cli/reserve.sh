#!/bin/sh
# tests/cli/reserve.sh -- end-to-end tests of scenario keys that must mean
# something: a key no model reads is not offered.
# Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# -- checkpoint.* (policy, interval, cost, restart) were registered, listed
# by 'params' and docs/PARAMS.md, and read by no model (jobs read
# archetype.*.checkpoint*, T3 ckptjob.*): setting one changed nothing and
# their checks never ran (checkpoint.interval = 0s was accepted). They are
# gone: writing one is an unknown key, and 'params' does not list them.
for k in "policy = young" "interval = 0s" "cost = 2min" "restart = 5min"; do
    printf '[General]\nsim.model = market\ncheckpoint.%s\n' "$k" >"$T/ck.ini"
    expect_status "checkpoint.$k is an unknown key" 1 "$GM" validate "$T/ck.ini"
    grep_err "checkpoint.$k is an unknown key" "ck.ini:3: error: unknown key 'checkpoint."
done
check "params" "$GM" params
if grep -q '^checkpoint\.' "$T/out"; then bad "params lists checkpoint.* keys"; else ok; fi
if grep -q '`checkpoint\.' docs/PARAMS.md; then bad "docs/PARAMS.md lists checkpoint.* keys"
else ok; fi

cli_done
