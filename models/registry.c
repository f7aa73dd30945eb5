/* models/registry.c -- the models and model-side commands the CLI knows.
 *
 * To add a model: write models/<name>.c with a 'const struct sim_model',
 * list it in sim_models below, and give it a scenario in scenarios/.
 * To add a subcommand: list its main() in sim_commands ("bench x" names
 * are reached as `gpumarket bench x`).
 */
#include "sim/model.h"

#include <string.h>
#include "models/phold.h"
#include "plots/plot.h"
#include "sim/engine.h"

const struct sim_model *const sim_models[] = {
    &phold_model,
    NULL,
};

const struct sim_command sim_commands[] = {
    { "bench phold", "PHOLD engine benchmark (bench/PHOLD.md)", phold_bench_main },
    { "plot", "draw the charts of a result directory", plot_main },
    { NULL, NULL, NULL },
};

void sim_register_all_params(struct param_registry *reg)
{
    eng_register_params(reg);
    for (size_t i = 0; sim_models[i]; i++)
        sim_models[i]->register_params(reg);
}

const struct sim_model *sim_find_model(const char *name)
{
    for (size_t i = 0; sim_models[i]; i++)
        if (strcmp(sim_models[i]->name, name) == 0)
            return sim_models[i];
    return NULL;
}
