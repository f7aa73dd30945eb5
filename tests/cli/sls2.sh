#!/bin/sh
# tests/cli/sls2.sh -- end-to-end tests of serverless endpoint settings
# (models/serverless.c): what 'validate' and 'run' say about them.
# Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# -- endpoint.*.gpus: spaces around a comma are not part of a name ----------
# ("RTX 3090 , RTX 4090" was an unknown GPU model "RTX 3090 ")
cat >"$T/gpus.ini" <<'INI'
[General]
sim.model = market
supply.gpus = 300
endpoint.api.enabled = true
endpoint.api.gpus = RTX 3090 , RTX 4090 ,A100 SXM4 40GB
INI
if grep -q '^A100 SXM4,' data/gpus.csv 2>/dev/null || grep -q '"A100 SXM4"' data/gpus.csv 2>/dev/null; then :; fi
check "gpus list with spaces around commas" "$GM" validate "$T/gpus.ini"
sed 's/RTX 4090 ,/RTX 9999 ,/' "$T/gpus.ini" >"$T/gpus_bad.ini"
expect_status "gpus list with an unknown model" 1 "$GM" validate "$T/gpus_bad.ini"
grep_err "gpus list with an unknown model" "error: endpoint api: unknown GPU model \"RTX 9999\""
# a near miss is named (the catalogue writes RTX and PCIE in capitals)
sed 's/RTX 4090 ,/rtx 4090 ,/' "$T/gpus.ini" >"$T/gpus_case.ini"
expect_status "gpus list, a model in lower case" 1 "$GM" validate "$T/gpus_case.ini"
grep_err "gpus list, a model in lower case" \
    "unknown GPU model \"rtx 4090\" (did you mean 'RTX 4090'?)"
expect_status "gpu-models, PCIe for PCIE" 1 "$GM" validate scenarios/default.ini -c Quick \
    --set 'archetype.academic.gpu-models=RTX 3090,A100 PCIe 40GB'
grep_err "gpu-models, PCIe for PCIE" \
    "'A100 PCIe 40GB' is not in the catalogue (did you mean 'A100 PCIE 40GB'?)"
expect_status "gpu-models, nothing near" 1 "$GM" validate scenarios/default.ini -c Quick \
    --set 'supply.gpu-models=Voodoo2'
grep_err "gpu-models, nothing near" "'Voodoo2' is not in the catalogue"
if grep -q "did you mean" "$T/err"; then bad "a hint for a name nothing is near"; else ok; fi
# the catalogue's first model (data/gpus.csv row 1) is a hint like any other
expect_status "gpu-models, the first model in lower case" 1 "$GM" validate scenarios/default.ini \
    -c Quick --set 'supply.gpu-models=rtx 3060'
grep_err "gpu-models, the first model in lower case" \
    "'rtx 3060' is not in the catalogue (did you mean 'RTX 3060'?)"
# a model's id (the gpu.<id>.* key's form) where its name belongs names the
# name: the id, or one near it, is how the analyst knows the model
expect_status "gpu-models, an id for a name" 1 "$GM" validate scenarios/default.ini \
    -c Quick --set 'supply.gpu-models=rtx-4090'
grep_err "gpu-models, an id for a name" \
    "'rtx-4090' is not in the catalogue (did you mean 'RTX 4090'?)"
expect_status "gpu-models, a near id" 1 "$GM" validate scenarios/default.ini \
    -c Quick --set 'archetype.academic.gpu-models=rtx-409'
grep_err "gpu-models, a near id" \
    "'rtx-409' is not in the catalogue (did you mean 'RTX 4090'?)"
# a gpu.<id>.* key names a catalogue id; a far one gets no hint (it got
# the nearest id, however far: "zzzzzzzz" was "did you mean 'a100-pcie-40gb'")
expect_status "gpu.<id>, near" 1 "$GM" validate scenarios/default.ini -c Quick --set 'gpu.rtx409.share=1'
grep_err "gpu.<id>, near" "gpu.rtx409.share: no gpu named 'rtx409' (did you mean 'rtx-4090'?)"
expect_status "gpu.<id>, far" 1 "$GM" validate scenarios/default.ini -c Quick --set 'gpu.zzzzzzzz.share=1'
grep_err "gpu.<id>, far" "gpu.zzzzzzzz.share: no gpu named 'zzzzzzzz'"
if grep -q "did you mean" "$T/err"; then bad "a hint for an id nothing is near"; else ok; fi

# -- sls-mmc with too few requests for its batch means says so -------------
# (the run failed, exit 1, "its messages went to stderr", with none there)
cat >"$T/mmc.ini" <<'INI'
[General]
sim.model = sls-mmc
sim.horizon = 2h
sim.warmup = 1h
endpoint.m.enabled = true
endpoint.m.policy = fixed
endpoint.m.fixed-workers = 2
endpoint.m.rate = 0.001
endpoint.m.day-amplitude = 0
INI
expect_status "sls-mmc, too few requests" 1 "$GM" run "$T/mmc.ini" -o "$T/mmc" --no-plots -q
grep_err "sls-mmc, too few requests" "fewer than sls-mmc.batches = 20"

# -- fixed-workers may equal max-workers, not exceed it ---------------------
# (the error says "exceeds": a pool of exactly max-workers is allowed)
cat >"$T/fixed.ini" <<'INI'
[General]
sim.model = market
supply.gpus = 300
endpoint.api.enabled = true
endpoint.api.policy = fixed
endpoint.api.fixed-workers = 4
endpoint.api.max-workers = 4
endpoint.api.min-workers = 1
INI
check "fixed-workers = max-workers" "$GM" validate "$T/fixed.ini"
sed 's/fixed-workers = 4/fixed-workers = 5/' "$T/fixed.ini" >"$T/fixed_bad.ini"
expect_status "fixed-workers > max-workers" 1 "$GM" validate "$T/fixed_bad.ini"
grep_err "fixed-workers > max-workers" "endpoint api: fixed-workers 5 exceeds max-workers 4"

cli_done
