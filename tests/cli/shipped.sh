#!/bin/sh
# tests/cli/shipped.sh -- every scenario the repository ships is valid in
# every config it names: the General section and each [Config NAME] of
# scenarios/*.ini and scenarios/reproduce/*.ini. A key renamed in the code
# but not in a shipped config, or a config added with a typo, is found
# here rather than by the analyst who first runs it.
# Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

n=0
for f in scenarios/*.ini scenarios/reproduce/*.ini; do
    check "$f validates" "$GM" validate "$f"
    for c in $(sed -n 's/^\[Config \([A-Za-z0-9_-]*\)\].*/\1/p' "$f"); do
        check "$f -c $c validates" "$GM" validate "$f" -c "$c"
        n=$((n + 1))
    done
done
# the files hold configs to check (a pattern that matched none would pass
# every file on its General section alone)
if [ "$n" -ge 10 ]; then ok; else bad "only $n [Config] sections found in scenarios/"; fi

# and a broken config is caught: the same check on a copy of default.ini
# whose Anticipation config misspells its key
sed 's/^hostclass\.\*\.anticipate = /hostclass.*.anticipat = /' scenarios/default.ini > "$T/broken.ini"
expect_status "a misspelt key in a config" 1 "$GM" validate "$T/broken.ini" -c Anticipation
grep_err "the misspelt key is named" "unknown key 'hostclass.*.anticipat'"

cli_done
