#!/bin/sh
# tests/cli/eng.sh -- the runner's edges found unchecked by mutation
# testing of sim/runner.c and sim/engine.c. Expectations come from
# sim/runner.h and README, not from the program's output. Run by 'make
# test' with GM_BIN pointing at the binary; prints "N passed, M failed" and
# exits non-zero on any failure.
. tests/cli_lib.sh

# Run 0 is sound; run 1's warm-up (300 s) is past its horizon (200 s).
cat >"$T/w.ini" <<'INI'
[General]
sim.model = phold
sim.horizon = 200s
sim.sample-interval = 50s
phold.lps = 8
phold.events-per-lp = 2
phold.mean = 0s
phold.lookahead = 10s
seed = 3
sim.warmup = ${w=50s,300s}
INI

# -- run -r checks the runs it was given, not the first ones ----------------
# runner.h: runner_check_runs() resolves runs[0..n-1] and reports the first
# that fails, before anything runs. 'run -r 1' is given run 1 alone, so it
# names run 1 (and nothing is left). Kills runner_check_runs checking run i
# instead of runs[i]: run 0 passed the check, run 1 failed only when it
# started, without the "cannot be set up" line.
expect_status "run -r 1 with its warm-up past the horizon" 2 "$GM" run "$T/w.ini" -r 1 \
    -o "$T/w1" -q --no-plots
grep_err "run -r 1 names run 1" "run 1 of the study cannot be set up; nothing was run"
if [ -e "$T/w1" ]; then bad "run -r 1 that cannot be set up left $T/w1"; else ok; fi
# and run 0 alone is sound
check "run -r 0 with its warm-up before the horizon" "$GM" run "$T/w.ini" -r 0 \
    -o "$T/w0" -q --no-plots

# -- run: a run that cannot be set up stops the study before any run ------
# (runner.h: runner_check_runs() checks every run "before anything runs"
# and reports the first that fails: exit 2, nothing run, no result.) Run 0
# is sound, run 1 is not (w.ini above); run 0 must not have run. Kills
# the check going on past a failing run and answering ok: run 0 ran ("run
# 0: ok") and run 1 failed only when it started.
expect_status "run with run 1 past its horizon" 2 "$GM" run "$T/w.ini" -o "$T/w" --no-plots
grep_err "run with run 1 past its horizon" "run 1 of the study cannot be set up; nothing was run"
if grep -q "run 0: ok" "$T/err"; then bad "run ran run 0 before finding run 1 cannot be set up"; else ok; fi
if [ -e "$T/w" ]; then bad "run that cannot be set up left $T/w"; else ok; fi

# -- runs.csv counts the events a run processed -----------------------------
# With phold.mean = 0 every increment is the 10 s lookahead: the 8 LPs x 2
# initial events fire at 10, 20, ..., 190 s (19 rounds; 200 s is the end,
# which never fires), 16 x 19 = 304, plus the sampling ticks at 50, 100 and
# 150 s: 307 events. Kills runner_run recording 0 events.
ev=$(col "$T/w0/runs.csv" events)
if [ "$ev" = 307 ]; then ok; else bad "runs.csv events of run 0: '$ev', want 307"; fi

cli_done
