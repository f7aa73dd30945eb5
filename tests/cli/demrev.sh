#!/bin/sh
# tests/cli/demrev.sh -- end-to-end tests of renters' demand: what the
# parameters' documentation promises about a job's work.
# Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# -- work-median is per GPU ---------------------------------------------------
# A job's work is the lognormal draw times its GPU count (on_arrive); the
# help said "median work of a job", so an analyst setting 2 ref-GPU-h for
# 2-GPU jobs got jobs of 4. Closed form: 2-GPU jobs with no spread in
# their work (work-sigma 0) of work-median 2 hold 4 ref-GPU-h each; on RTX
# 4090 pairs, with the reference DLPerf the 4090's own and a bundle
# scaling at most linearly, each GPU runs at speed <= 1, so a finished job
# paid 2 GPUs x 4 / (2 x speed) >= 4 GPU-hours (>= 2 as documented).
if "$GM" params archetype.indie.work-median | grep -q "median work per GPU of a job"
then ok; else bad "work-median's help says the work is per GPU"; fi
cat >"$T/w2.ini" <<'INI'
[General]
sim.model = market
sim.horizon = 10d
sim.warmup = 0
seed = 5
supply.gpus = 16
supply.join-rate = 0
supply.leave-rate = 0
supply.gpu-models = RTX 4090
market.reference-dlperf = 97.2
market.dlperf-derate-scale = 0
hostclass.hobbyist.share = 1
hostclass.farm.share = 0
hostclass.datacenter.share = 0
hostclass.hobbyist.machine-gpus = 2:1
hostclass.hobbyist.mtbf = 100000d
hostclass.hobbyist.failed-start-prob = 0
hostclass.hobbyist.verified-prob = 1
reliability.verify-threshold = 0
archetype.*.rate = 0
archetype.hobbyist.rate = 300
archetype.hobbyist.gpus = 2:1
archetype.hobbyist.work-median = 2
archetype.hobbyist.work-sigma = 0
archetype.hobbyist.mix = finetune:1
workload.finetune.work-scale = 1
archetype.hobbyist.value = 100
archetype.hobbyist.p-ondemand = 1
archetype.hobbyist.p-interruptible = 0
archetype.hobbyist.p-reserved = 0
archetype.hobbyist.checkpoint = none
archetype.hobbyist.min-reliability = 0
archetype.hobbyist.name-pin = 0
INI
check "2-GPU jobs run" "$GM" run "$T/w2.ini" -o "$T/w2"
awk -F, '$2 == "\"jobs_completed\"" && $4 == "\"hobbyist\"" { n = $5 }
         $2 == "\"jobs_running_at_end\"" && $4 == "\"hobbyist\"" { r = $5 }
         $2 == "\"paid_gpu_h\"" && $4 == "\"hobbyist\"" { h = $5 }
         END { exit !(n >= 20 && r == 0 && h >= 4 * n - 1e-6) }' "$T/w2/scalars.csv" &&
    ok || bad "2-GPU jobs of work-median 2 pay at least 4 GPU-h each"

cli_done
