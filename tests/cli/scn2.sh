#!/bin/sh
# tests/cli/scn2.sh -- scenario reading: quotes, comments and '*' keys
# across the lookup levels, end to end through the binary.
# Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# -- 'include = "x"' loses its quotes as 'include "x"' and every value do --
# (it looked for a file named '"a ;b.ini"', quotes and all)
printf '[General]\nsim.model = phold\n' >"$T/a ;b.ini"
printf 'include = "a ;b.ini"   ; the base\n' >"$T/inc.ini"
check "include = \"quoted name\"" "$GM" validate "$T/inc.ini"
printf 'include = "a ;b.ini\n' >"$T/inc2.ini"
expect_status "include = unbalanced quote" 1 "$GM" validate "$T/inc2.ini"
grep_err "include = unbalanced quote" "cannot open include file '\"a'"

cli_done
