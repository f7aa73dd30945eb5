# tests/cli_lib.sh -- what every tests/cli/*.sh script starts with: the
# binary (GM_BIN), a scratch directory removed at exit, pass/fail counts
# and the checks. Sourced, not run: '. tests/cli_lib.sh' from the
# repository root, where 'make test' runs the scripts. cli_done prints
# "N passed, M failed" and gives the script's exit status.
set -u
GM=${GM_BIN:-build/gpumarket}
T=$(mktemp -d /tmp/gmcli.XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() {   # check NAME CMD...: the command must succeed
    name=$1; shift
    if "$@" >"$T/out" 2>"$T/err"; then ok; else bad "$name"; cat "$T/err" >&2; fi
}
expect_status() {   # expect_status NAME STATUS CMD...
    name=$1; want=$2; shift 2
    "$@" >"$T/out" 2>"$T/err"; got=$?
    if [ "$got" = "$want" ]; then ok; else bad "$name (exit $got, want $want)"; cat "$T/err" >&2; fi
}
grep_err() {   # grep_err NAME PATTERN: stderr of the last command contains it
    if grep -qF -- "$2" "$T/err"; then ok; else bad "$1: stderr lacks '$2'"; cat "$T/err" >&2; fi
}
usage_is() {   # usage_is NAME LINE: stdout of the last command starts with LINE
    if [ "$(head -n 1 "$T/out")" = "$2" ]; then ok; else bad "$1: first line is not '$2'"; head -n 3 "$T/out" >&2; fi
}
grep_out() {   # grep_out NAME PATTERN: stdout of the last command contains it
    if grep -qF -- "$2" "$T/out"; then ok; else bad "$1: stdout lacks '$2'"; cat "$T/out" >&2; fi
}
col() {   # col CSV NAME: the column NAME of CSV, unquoted (fields hold no commas)
    awk -F, -v c="$2" 'NR==1{for(i=1;i<=NF;i++)if($i==c)k=i;next}{gsub(/"/,"");print $k}' "$1"
}
cli_done() {
    echo "$pass passed, $fail failed"
    [ "$fail" = 0 ]
}
