#!/bin/sh
# tests/cli/scn.sh -- end-to-end tests of scenario reading and run lists:
# sweep ranges, extends order, enum values, run lists, unreadable input.
# Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# -- sweep ranges over nan or inf ended never (and ate memory) ---------------
# ulimit keeps a regression from taking the machine's memory with it
# (not under AddressSanitizer, whose shadow memory needs terabytes of
# address space: timeout alone bounds it there).
vlimit=2000000
if ldd "$GM" 2>/dev/null | grep -q libasan; then vlimit=unlimited; fi
printf '[General]\nsupply.gpus = ${x=0..nan}\n' >"$T/nan.ini"
expect_status "range to nan" 1 sh -c 'ulimit -v '$vlimit'; exec timeout 20 "$0" validate "$1"' "$GM" "$T/nan.ini"
grep_err "range to nan" "nan.ini:2: error: supply.gpus: bad sweep"
printf '[General]\nsupply.gpus = 10\n' >"$T/ten.ini"
expect_status "--set range over inf" 1 sh -c 'ulimit -v '$vlimit'; exec timeout 20 "$0" validate "$1" --set "supply.gpus=\${x=inf..inf}"' "$GM" "$T/ten.ini"
grep_err "--set range over inf" "bad range start (expected a finite number)"

# -- a value twice in a sweep made identical runs that inflated n ------------
printf '[General]\nsim.model = phold\nphold.remote = ${r=0.5,0.50}\nrepeat = 2\n' >"$T/dup.ini"
expect_status "duplicate sweep value" 1 "$GM" validate "$T/dup.ini"
grep_err "duplicate sweep value" "dup.ini:3: error: sweep 'r' has the value 0.5 twice"
expect_status "duplicate sweep value in runs" 2 "$GM" runs "$T/dup.ini"
# ... but under seed-set = ${runnumber} equal points have their own seeds:
# independent samples, not copies, and they were refused all the same.
printf '[General]\nsim.model = phold\nseed-set = ${runnumber}\nphold.remote = ${r=0.5,0.5}\n' >"$T/dupr.ini"
check "equal sweep values under seed-set = \${runnumber}" "$GM" validate "$T/dupr.ini"
printf '[General]\nsim.model = phold\nphold.remote = ${r=0.5,0.5}\n' >"$T/dupr.ini"
expect_status "equal sweep values, shared seeds" 1 "$GM" validate "$T/dupr.ini"
grep_err "equal sweep values, shared seeds" "sweep 'r' has the value 0.5 twice"
printf '[General]\nsim.model = phold\nseed-set = 7\nphold.remote = ${r=0.5,0.5}\n' >"$T/dupr.ini"
expect_status "equal sweep values, a fixed seed set" 1 "$GM" validate "$T/dupr.ini"

# -- an empty run list (-r "$UNSET") emptied the result directory -----------
printf '[General]\nsim.model = phold\nsim.horizon = 20s\nsim.sample-interval = 10s\nphold.lps = 4\nphold.events-per-lp = 2\n' >"$T/small.ini"
check "run -r 0" "$GM" run "$T/small.ini" -r 0 -o "$T/res" --no-plots -q
for spec in "" "," "0," ",0" "0,,0" " " "0x..0"; do
    expect_status "run -r '$spec'" 2 "$GM" run "$T/small.ini" -r "$spec" -o "$T/res" --no-plots -q
    grep_err "run -r '$spec'" "error: bad run list '$spec'"
    if [ "$(wc -l <"$T/res/runs.csv")" -ge 2 ]; then ok; else bad "run -r '$spec': the earlier result is kept"; fi
done

# -- a long entity name aborted (assertion, or an unregistered key) ---------
# rep N C: the character C N times (no python3: make deps does not install it)
rep() { printf "%${1}s" '' | tr ' ' "$2"; }
printf '[General]\narchetype.%s.rate = 1\n' "$(rep 600 x)" >"$T/long.ini"
expect_status "600-byte entity name" 1 "$GM" validate "$T/long.ini"
grep_err "600-byte entity name" "long.ini:2: error: key 'archetype."
printf '[General]\nsim.model = market\nsim.horizon = 1d\n[archetype %s]\nrate = 1\n' "$(rep 140 a)" >"$T/long.ini"
expect_status "140-byte archetype name" 1 "$GM" validate "$T/long.ini"
grep_err "140-byte archetype name" "long.ini:5: error: key 'archetype."
# the longest name allowed fits the models' key buffers
printf '[General]\nsim.model = market\nsim.horizon = 1d\n[archetype %s]\nrate = 1\n[hostclass %s]\nshare = 0.5\n[endpoint %s]\nenabled = true\nfixed-workers = 1\n' \
    "$(rep 128 a)" "$(rep 128 h)" "$(rep 128 e)" >"$T/long.ini"
check "128-byte entity names" "$GM" validate "$T/long.ini"

# -- a directory is unreadable input: exit 2 and the reason, not "I/O error" --
mkdir -p "$T/dir.ini"
expect_status "validate a directory" 2 "$GM" validate "$T/dir.ini"
grep_err "validate a directory" "dir.ini: error: cannot read file: Is a directory"
expect_status "run a directory" 2 "$GM" run "$T/dir.ini" -o "$T/never"
grep_err "run a directory" "dir.ini: error: cannot open scenario: Is a directory"

# -- a NUL byte cut the line short (UTF-16 files are full of them) ---------
printf '[General]\nsim.model = phold\nphold.remote = 0.1\000junk\n' >"$T/nul.ini"
expect_status "NUL byte" 1 "$GM" validate "$T/nul.ini"
grep_err "NUL byte" "nul.ini:3: error: NUL byte in this line: binary file or UTF-16?"

# -- ';' inside double quotes is no comment: an include's file name --------
printf '[General]\nsim.model = phold\n' >"$T/a ;b.ini"
printf 'include "a ;b.ini"   ; the base\n[Config X]  # a variant\n' >"$T/inc.ini"
check "quoted include name holding ';'" "$GM" validate "$T/inc.ini" -c X

# -- region.*.tz was read and never used: no such key ------------------------
printf '[General]\nregion.us.tz = 3\n' >"$T/tz.ini"
expect_status "region.us.tz" 1 "$GM" validate "$T/tz.ini"
grep_err "region.us.tz" "tz.ini:2: error: unknown key 'region.us.tz'"


# -- a mistyped archetype adds one, with a warning; a mistyped GPU is refused
printf '[General]\nsim.model = market\nsim.horizon = 1d\nsupply.gpus = 50\n[archetype academik]\nrate = 5\n' >"$T/typo.ini"
expect_status "archetype near a built-in name" 0 "$GM" run "$T/typo.ini" -o "$T/typo" -q --no-plots
grep_err "archetype near a built-in name" "typo.ini:6: warning: no built-in archetype is named 'academik' (did you mean 'academic'?)"
v=$(grep -F '"archetype","academik"' "$T/typo/scalars.csv" | head -n 1)
if [ -n "$v" ]; then ok; else bad "the archetype 'academik' has no scalars: it was not added"; fi
expect_status "an unknown GPU model" 1 "$GM" validate "$T/typo.ini" --set gpu.rtx-409.share=1
grep_err "an unknown GPU model" "--set: error: gpu.rtx-409.share: no gpu named 'rtx-409' (did you mean 'rtx-4090'?)"
if grep -q "warning: no built-in gpu" "$T/err"; then bad "a mistyped GPU model warned beside its error"; cat "$T/err" >&2; else ok; fi

# -- mistyped regions and host classes add one, with a warning --------------
# README: a scenario may add archetypes, host classes and regions; all three
# kinds are declared open, and each warns at a name near a built-in one
# (only the archetype's warning was tested: with the region or host class
# kind left closed, 'europ' and 'farms' were added without a word).
printf '[General]\nsim.model = market\nregion.europ.share = 0.1\nhostclass.farms.share = 0.1\n' >"$T/rg.ini"
expect_status "region and host class near built-in names" 0 "$GM" validate "$T/rg.ini"
grep_err "region near a built-in name" "rg.ini:3: warning: no built-in region is named 'europ' (did you mean 'europe'?)"
grep_err "host class near a built-in name" "rg.ini:4: warning: no built-in hostclass is named 'farms' (did you mean 'farm'?)"
# -- a key or value in the wrong case gets the right hint ----------------------
# Case is no edit (sim/param.c): RATE had the hint 'gpus' (as far as 'rate'
# with case counted), MARKET.FEE and Pay-As-Bid none (error audit).
printf '[General]\nsim.model = market\narchetype.academic.RATE = 5\nMARKET.FEE = 0.1\nmarket.clearing = Pay-As-Bid\n' >"$T/case.ini"
expect_status "keys and a value in the wrong case" 1 "$GM" validate "$T/case.ini"
grep_err "RATE's hint" "case.ini:3: error: unknown key 'archetype.academic.RATE' (did you mean 'archetype.academic.rate'?)"
grep_err "MARKET.FEE's hint" "case.ini:4: error: unknown key 'MARKET.FEE' (did you mean 'market.fee'?)"
grep_err "Pay-As-Bid's hint" "got \"Pay-As-Bid\" (did you mean 'pay-as-bid'?)"

# -- a section header of an unknown kind is named, at its own line --------------
# [config Quick] read as the entity section config.Quick: each key below
# was an unknown "config.Quick.<key>" with a hint that fixed nothing, and
# line 1 was never named (error audit).
for h in "config Quick" "Confg Quick"; do
    printf '[%s]\nsim.horizon = 1d\n' "$h" >"$T/sec.ini"
    expect_status "[$h]" 1 "$GM" validate "$T/sec.ini"
    grep_err "[$h] named" "sec.ini:1: error: unknown section kind '${h% *}' in [$h] (did you mean [Config Quick]?)"
    if grep -q "sec.ini:2" "$T/err"; then bad "[$h]: the key below it blamed too"; else ok; fi
done
printf '[archetyp academic]\nrate = 1\n' >"$T/sec.ini"
expect_status "[archetyp academic]" 1 "$GM" validate "$T/sec.ini"
grep_err "[archetyp academic] named" "sec.ini:1: error: unknown section kind 'archetyp' in [archetyp academic] (did you mean [archetype academic]?)"
printf '[foo bar]\nrate = 1\n' >"$T/sec.ini"
expect_status "[foo bar]" 1 "$GM" validate "$T/sec.ini"
grep_err "[foo bar] named" "sec.ini:1: error: unknown section kind 'foo' in [foo bar]: expected [General], [Config <name>] or [<kind> <name>]"
printf '[General]\nsim.model = market\n[archetype academic]\nrate = 1\n' >"$T/sec.ini"
expect_status "[archetype academic], a known kind" 0 "$GM" validate "$T/sec.ini"

cli_done
