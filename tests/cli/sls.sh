#!/bin/sh
# tests/cli/sls.sh -- end-to-end tests of 'gpumarket plot' on serverless
# and sweep results: bad input is an error at its row, not an abort, and
# a sweep with no numeric variable says why it has no sweep chart.
# Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# -- a run listed twice in runs.csv: bad input (exit 2) at its row ----------
# (the serverless chart aborted on it, exit 134)
mkdir "$T/dup"
cat >"$T/dup/runs.csv" <<'CSV'
run_id,config,policy,status
"S-0","S","vast","ok"
"S-1","S","fixed","ok"
"S-0","S","vast","ok"
CSV
cat >"$T/dup/scalars.csv" <<'CSV'
run_id,metric,entity_kind,entity,value,unit
"S-0","latency_p99_s","endpoint","api",2,"s"
"S-0","cost_per_1000_requests_usd","endpoint","api",0.5,"USD"
"S-1","latency_p99_s","endpoint","api",3,"s"
"S-1","cost_per_1000_requests_usd","endpoint","api",0.4,"USD"
CSV
expect_status "plot with a run listed twice" 2 "$GM" plot "$T/dup" --format png
grep_err "plot with a run listed twice" "runs.csv:4: error: run S-0 is listed again (first at line 2)"

# -- sweep charts need a numeric sweep variable besides the policy ----------
# (ipolicy of serverless.ini -c Scalers put every point at x = 0)
mkdir "$T/sc"
sed -n 1,3p "$T/dup/runs.csv" >"$T/sc/runs.csv"
cat >"$T/sc/summary.csv" <<'CSV'
config,policy,ipolicy,metric,entity_kind,entity,n,mean,sd,ci_level,ci_low,ci_high,p05,p50,p95,unit
"S","vast","vast","cost_per_work_usd","archetype","a",3,1,0,0.95,1,1,1,1,1,"USD"
"S","fixed","fixed","cost_per_work_usd","archetype","a",3,2,0,0.95,2,2,2,2,2,"USD"
CSV
check "plot --only sweep, no numeric variable" "$GM" plot "$T/sc" --only sweep --format png
grep_err "plot --only sweep, no numeric variable" "summary.csv: note: no sweep charts"
# an empty list is refused, not read as "nothing" (--only) or "all" (--format)
expect_status "plot --only ''" 2 "$GM" plot "$T/sc" --only ''
grep_err "plot --only ''" "--only needs at least one chart name"
expect_status "plot --format ','" 2 "$GM" plot "$T/sc" --format ','
grep_err "plot --format ','" "--format needs at least one of png, svg, pdf"
if ls "$T/sc/plots" | grep -q '^sweep_'; then bad "a sweep chart of a text variable was drawn"
else ok; fi

cli_done
