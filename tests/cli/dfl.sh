#!/bin/sh
# tests/cli/dfl.sh -- 'gpumarket plot' on the command line: its argument
# errors and exit statuses, and result directories it must refuse (none
# at all, a failed run listed first). Hand-made directories, no run.
# Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

mkdir "$T/one"
cat >"$T/one/runs.csv" <<'CSV'
run_id,config,status
"x-0","x","ok"
CSV

# -- usage: one directory, --help on stdout with status 0 -------------------
# (mutations killed: a second directory accepted; --help exiting 2)
expect_status "plot with two directories" 2 "$GM" plot "$T/one" "$T/one"
grep_err "plot with two directories" "Usage: gpumarket plot DIR"
expect_status "plot --help" 0 "$GM" plot --help
usage_is "plot --help" "Usage: gpumarket plot DIR [--format png,svg,pdf] [--only NAMES]"

# -- --only of separators alone names no chart (exit 2) ---------------------
# (mutation killed: only an empty string refused, ',' then drew nothing)
expect_status "plot --only ','" 2 "$GM" plot "$T/one" --only ','
grep_err "plot --only ','" "--only needs at least one chart name"

# -- a directory with no runs.csv or manifest.ini is refused (exit 2) -------
# (mutation killed: charts drawn, empty, into any directory)
mkdir "$T/none"
expect_status "plot of a directory that holds no results" 2 "$GM" plot "$T/none"
grep_err "plot of a directory that holds no results" \
    "none: error: not a result directory (no runs.csv or manifest.ini)"
# and the command's own line says the charts of DIR were not drawn
grep_err "plot of a directory that holds no results" "gpumarket plot: charts of $T/none not (all) drawn"
if [ -e "$T/none/plots" ]; then bad "plot wrote plots/ into a non-result directory"; else ok; fi

# -- a failed run, listed first, refuses the directory (exit 1) --------------
# README: a directory holding a failed run is not charted, exit 1
# (mutations killed: the first row's status not checked; exit 2 for it)
mkdir "$T/failed"
cat >"$T/failed/runs.csv" <<'CSV'
run_id,config,status
"x-0","x","failed"
"x-1","x","ok"
CSV
expect_status "plot with its first run failed" 1 "$GM" plot "$T/failed"
grep_err "plot with its first run failed" "runs.csv:2: error: run x-0: status failed"
if [ -e "$T/failed/report.pdf" ]; then bad "plot drew a report of a failed run"; else ok; fi

cli_done
