#!/bin/sh
# tests/cli/docs2.sh -- the README as a user's manual: what it says about
# commands, their output and the metric names holds.
# Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# -- `gpumarket runs` lists the runs as CSV (README "Command line") ----------
# A swept value in double quotes may hold commas (README "Scenario files");
# `runs` printed it bare, so the row had one field too many.
cat >"$T/q.ini" <<'INI'
[General]
sim.model = market
market.catalog = ${cat="a,b.csv",c.csv}
INI
check "runs, a value with a comma" "$GM" runs "$T/q.ini"
if [ "$(sed -n 2p "$T/out")" = '0,0,0,"a,b.csv"' ] && [ "$(sed -n 3p "$T/out")" = '1,0,0,c.csv' ]
then ok; else bad "runs: a value with a comma is not one quoted CSV field"; cat "$T/out" >&2; fi

# -- `params` with no match: exit 1 (README "Command line") and says so ------
# It printed a bare header and exited 1 with nothing on stderr.
expect_status "params, a pattern nothing matches" 1 "$GM" params nomatchxyz
grep_err "params, a pattern nothing matches" "no parameter key contains 'nomatchxyz'"
# and prints nothing on stdout, which carries only data (README "Command
# line"): it printed the table's header over no rows.
if [ ! -s "$T/out" ]; then ok; else bad "params, a pattern nothing matches: stdout is not empty"; cat "$T/out" >&2; fi
expect_status "params, a pattern that matches" 0 "$GM" params market.fee

# -- the include graph is the one README "Source layout" describes ----------
# Every directory-to-directory include that exists is named there as
# `FROM -> TO` (models/registry.c includes plots/plot.h for the `plot`
# command, and README said only `models -> sim`), and sim/ includes
# neither models/ nor plots/.
for from in sim models plots; do
    for to in sim models plots; do
        [ "$from" = "$to" ] && continue
        if grep -rqs "#include \"$to/" "$from"; then
            if [ "$from" = sim ]; then bad "sim/ includes $to/ (README: sim/ never does)"
            elif grep -qF "\`$from -> $to\`" README.md; then ok
            else bad "README Source layout does not name the include $from -> $to"; fi
        fi
    done
done

# -- metric names: what a run writes is in docs/METRICS.md ------------------
# A short Quick run of the market and a short serverless run (their
# scalars and time series); per-entity families are documented by their
# pattern (wait_h_quantile_<archetype>, reliability_hist_<host_class>...).
check "metrics: a short Quick run" "$GM" run scenarios/default.ini -c Quick \
    --set sim.horizon=4d --set sim.warmup=1d -o "$T/mq" --no-plots -q
check "metrics: a short serverless run" "$GM" run scenarios/serverless.ini \
    --set sim.horizon=1d --set sim.warmup=0.5d --set supply.gpus=300 -o "$T/ms" --no-plots -q
for d in "$T/mq" "$T/ms"; do
    { cut -d, -f2 "$d/scalars.csv"; cut -d, -f3 "$d/timeseries.csv"; } | tr -d '"' |
        grep -v '^metric$' | sed -e 's/^wait_h_quantile_.*/wait_h_quantile_<archetype>/' \
            -e 's/^reliability_hist_listed_.*/reliability_hist_listed_<host_class>/' \
            -e 's/^reliability_hist_[^<]*$/reliability_hist_<host_class>/' | sort -u
done | sort -u >"$T/metrics"
[ -s "$T/metrics" ] || bad "metrics: the runs wrote no metric"
while read -r m; do
    if grep -qF "\`$m\`" docs/METRICS.md; then ok; else bad "metric '$m' is written but not in docs/METRICS.md"; fi
done <"$T/metrics"
grep -qx 'latency_p99_s' "$T/metrics" && grep -qx 'gpus_listed' "$T/metrics" && ok ||
    bad "metrics: the runs lack latency_p99_s or gpus_listed"

# -- metric names in README are in docs/METRICS.md --------------------------
# Every snake_case name the README quotes is a metric of docs/METRICS.md,
# a column of a result file, or one of the other names below (Vast's
# fields, C identifiers, a kernel, a --sobol axis, an input column).
others=' dlperf_per_dphtotal dph_total gpu_name gsl_rng_mt19937 market_fee market_sls_recruit min_bid policy_changes_no_machine_outage price_usd res_sample res_scalar scn_where sgemm_fp32 sim_time sls_worst study_runs '
cols=" $(head -q -n 1 "$T/mq"/*.csv | tr ',\n' '  ') "
for t in $(grep -o '`[a-z][a-z0-9]*\(_[a-z0-9]*\)\{1,\}`' README.md | tr -d '`' | sort -u); do
    case "$others$cols" in *" $t "*) ok; continue ;; esac
    if grep -qF "\`$t\`" docs/METRICS.md; then ok; else bad "README names '$t', which docs/METRICS.md does not list"; fi
done

cli_done
