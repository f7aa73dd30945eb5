/* models/registry.c -- the models and model-side commands the CLI knows.
 *
 * To add a model: write models/<name>.c with a 'const struct sim_model',
 * list it in sim_models below, and give it a scenario in scenarios/.
 * To add a subcommand: list its main() in sim_commands ("bench x" names
 * are reached as `gpumarket bench x`).
 */
#include "sim/model.h"

#include <stdio.h>
#include <string.h>
#include "models/dlperf.h"
#include "models/market.h"
#include "models/outage.h"
#include "models/phold.h"
#include "models/reliability.h"
#include "models/reproduce.h"
#include "models/serverless.h"
#include "plots/plot.h"
#include "sim/engine.h"
#include "sim/param.h"
#include "sim/scenario.h"

const struct sim_model *const sim_models[] = {
    &market_model,
    &phold_model,
    &repro_mmc_model,
    &repro_ckptjob_model,
    &repro_llama_model,
    &repro_bathtub_model,
    &repro_availability_model,
    &repro_seed_model,
    &repro_spot_model,
    &repro_spotckpt_model,
    &sls_mmc_model,
    NULL,
};

const struct sim_command sim_commands[] = {
    { "bench phold", "PHOLD engine benchmark (../shared/bench/PHOLD.md)", phold_bench_main },
    { "bench market", "market events/s and ns per event by kind", market_bench_main },
    { "bench dlperf", "DLPerf benchmark kernels (C, OpenCL, CUDA)", dlperf_bench_main },
    { "reproduce", "validation and reproduction targets (pass/fail table)", reproduce_main },
    { "plot", "draw the charts of a result directory", plot_main },
    { NULL, NULL, NULL },
};

void sim_register_all_params(struct param_registry *reg)
{
    eng_register_params(reg);
    for (size_t i = 0; sim_models[i]; i++)
        sim_models[i]->register_params(reg);
    /* Outage and reliability keys are shared by the market and the
     * reproduce models, so they are registered once, here, after the
     * models: a key a model already defines (the market's own
     * hostclass.*.mtbf, say) keeps that model's definition. Checkpoints
     * have no run-wide keys: market jobs read archetype.*.checkpoint*,
     * T3 its ckptjob.* (a checkpoint.* set that nothing read was removed). */
    outage_register_params(reg);
    rel_register_params(reg);
}

const struct sim_model *sim_find_model(const char *name)
{
    for (size_t i = 0; sim_models[i]; i++)
        if (strcmp(sim_models[i]->name, name) == 0)
            return sim_models[i];
    return NULL;
}

const struct sim_model *sim_run_model(const struct scn_run *run, struct diag *d)
{
    const char *name = scn_str(run, "sim.model");
    const struct sim_model *m = sim_find_model(name);
    struct param_near near;
    char names[256], hint[160];
    size_t at = 0;

    if (m)
        return m;
    names[0] = '\0';
    param_near_init(&near, name);
    for (size_t i = 0; sim_models[i]; i++) {
        int n = at < sizeof names ? snprintf(names + at, sizeof names - at, "%s%s",
                                             i ? ", " : "", sim_models[i]->name) : 0;

        if (n > 0)
            at += (size_t)n;
        param_near_offer(&near, sim_models[i]->name);
    }
    diag_error(d, scn_where(run, "sim.model"), "unknown model '%s'%s (models: %s)", name,
               param_hint(param_near_best(&near), hint, sizeof hint), names);
    return NULL;
}

void *sim_run_setup(const struct sim_model *m, struct engine *e,
                    const struct scn_run *run, struct diag *d)
{
    int before = d->nerrors;
    void *state = m->setup(e, run, d);

    if (!state && d->nerrors == before)
        diag_error(d, scn_where(run, "sim.model"),
                   "run %zu could not be set up: model '%s' stopped without saying why "
                   "(a bug in the model)", scn_run_number(run), m->name);
    return state;
}
