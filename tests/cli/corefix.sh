#!/bin/sh
# tests/cli/corefix.sh -- end-to-end tests of the engine-side fixes: a
# model that cannot be set up says why (validate fails, run stops with
# the reason), and the CSV readers' edge cases (unreadable path, BOM,
# line endings) as the commands see them.
# Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# -- phold.lps too large to allocate: an error at the key -------------------
# (validate said "valid", exit 0, and run stopped with exit 2 and no reason)
# The address-space limit makes the allocation fail on any machine; the
# sanitizers reserve more address space than it allows, so they skip it.
cat >"$T/ph.ini" <<'INI'
[General]
sim.model = phold
sim.horizon = 0.001d
INI
case $GM in
*/build-san/*) ok; ok; ok; ok ;;
*)
    expect_status "validate, phold.lps too large" 1 \
        sh -c 'ulimit -v 4000000 && exec "$0" validate "$1" --set phold.lps=4000000000' "$GM" "$T/ph.ini"
    grep_err "validate, phold.lps too large" "--set: error: cannot allocate 4000000000 logical processes"
    expect_status "run, phold.lps too large" 2 \
        sh -c 'ulimit -v 4000000 && exec "$0" run -q "$1" -o "$2" --set phold.lps=4000000000' \
        "$GM" "$T/ph.ini" "$T/phout"
    grep_err "run, phold.lps too large" "cannot allocate 4000000000 logical processes"
    ;;
esac

cli_done
