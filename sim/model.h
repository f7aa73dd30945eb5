/* sim/model.h -- how models and model-side commands plug into the CLI.
 *
 * sim/ never includes models/. Instead the models provide, at link time,
 * the tables declared here (models/registry.c): the models a scenario can
 * name with 'sim.model', and the subcommands they add (bench dlperf,
 * reproduce, ...). The tables are const data; nothing here is mutable.
 */
#ifndef SIM_MODEL_H
#define SIM_MODEL_H

#include "sim/err.h"

struct engine;
struct param_registry;
struct scn_run;

struct sim_model {
    const char *name;                       /* value of sim.model */
    const char *summary;
    /* Adds the model's parameter definitions. */
    void (*register_params)(struct param_registry *reg);
    /* Builds the model for one run: validates its parameters (reporting
     * "file:line: error:" through 'd'), registers handlers and schedules
     * the first events. Returns the model state or NULL on error. It
     * reads every key the model will use, here and not later: validate
     * sets models up without running them and warns of an analyst's key
     * that no setup read (scn_reads_each_unread). */
    void *(*setup)(struct engine *e, const struct scn_run *run,
                   struct diag *d);
    /* After eng_run(): records end-of-run scalars into eng_results() and
     * checks invariants; returns SIM_OK or SIM_ECHECK. */
    int (*finish)(struct engine *e, void *state);
    void (*free)(void *state);
};

struct sim_command {
    const char *name;                       /* "reproduce", "bench dlperf" */
    const char *summary;
    int (*main)(int argc, char **argv);     /* returns the exit status */
};

/* NULL-terminated, defined in models/registry.c. */
extern const struct sim_model *const sim_models[];
extern const struct sim_command sim_commands[];

/* Registers the engine's own keys (sim.*) and every model's keys. */
void sim_register_all_params(struct param_registry *reg);
const struct sim_model *sim_find_model(const char *name);
/* The model a run names in sim.model; NULL after "file:line: error:
 * unknown model 'x' (did you mean ...?) (models: market, phold, ...)" to 'd'. */
const struct sim_model *sim_run_model(const struct scn_run *run, struct diag *d);
/* m->setup(e, run, d), and where it returns NULL without an error of its
 * own, "run N could not be set up" to 'd': a model that fails silently
 * is a bug, and without the line validate said "valid" and run stopped
 * with no reason. Every caller of a model's setup goes through here. */
void *sim_run_setup(const struct sim_model *m, struct engine *e,
                    const struct scn_run *run, struct diag *d);

#endif
