/* sim/engine.h -- the clock, the event loop and everything a run owns.
 *
 * The engine owns the queue, the RNG streams, the result store and the
 * clock; models own their own arrays and register handlers here, the way
 * ROSS models hand over an LP type. There is no global state: two engines
 * can run side by side in one process (tests compare them).
 *
 * Only the engine writes the clock. A handler reads eng_now() and schedules
 * at eng_now(e) + dt. Periodic work (samplers, billing sweeps, autoscaler
 * ticks) uses eng_every(), which re-pushes itself.
 */
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "sim/evq.h"
#include "sim/time.h"

struct engine;
struct rng_set;
struct results;
struct param_registry;
struct scn_run;

typedef void (*eng_handler)(struct engine *e, const struct evq_event *ev,
                            void *model);
typedef void (*eng_tick)(struct engine *e, void *ctx);
typedef void (*eng_progress_fn)(const struct engine *e, void *ctx);

struct eng_config {
    sim_time end;               /* events at t >= end are not processed;
                                 * 0: no end */
    sim_time warmup;            /* statistics before this are discarded by models */
    uint64_t seed;              /* base seed */
    uint64_t seed_set;          /* seed-set of this run */
    const gsl_rng_type *rng_type;   /* NULL = mt19937 */
    size_t queue_hint;          /* expected pending events, 0 = default */
};

struct engine *eng_new(const struct eng_config *cfg);   /* NULL on OOM */

/* The engine's own scenario keys: sim.model, sim.horizon, sim.warmup,
 * sim.sample-interval, sim.rng. */
void eng_register_params(struct param_registry *reg);
/* Fills 'cfg' from a resolved run (horizon, warm-up, seeds, generator).
 * SIM_EINVAL, reported at the key's line, when the keys disagree (a
 * warm-up as long as the run would leave no statistics at all). */
struct diag;
int eng_config_from_run(const struct scn_run *run, struct eng_config *cfg, struct diag *d);
void eng_free(struct engine *e);                         /* NULL is a no-op */

/* Registers a handler and returns its event kind (0..EVQ_KINDS-1); 'name'
 * (borrowed, static) labels per-kind counts in benchmarks. */
unsigned eng_kind(struct engine *e, const char *name, eng_handler fn,
                  void *model);

/* Schedules an event at absolute time 'at' (>= now). Events at or past the
 * end are still accepted (they simply never fire). */
evq_id eng_at(struct engine *e, sim_time at, unsigned kind, uint32_t subject);
static inline evq_id eng_after(struct engine *e, sim_time dt, unsigned kind,
                               uint32_t subject);
bool eng_cancel(struct engine *e, evq_id id);

/* Calls fn every 'interval' starting at 'first' (before events of the
 * same instant scheduled later). */
void eng_every(struct engine *e, sim_time first, sim_time interval,
               eng_tick fn, void *ctx);
/* Calls fn once when the loop ends (in registration order), with now ==
 * end, e.g. to close open rentals and check invariants. A run without an
 * end (end 0 in eng_config: SIM_TIME_MAX) leaves now at its last event:
 * closing rentals at the end of time would bill them for years. A run
 * that failed (eng_fail) or was interrupted calls none of them. */
void eng_at_end(struct engine *e, eng_tick fn, void *ctx);

/* Progress callback every 'every_events' events (0 disables), at the
 * first check after each: the loop looks every 4096 events, so a count
 * that is not a multiple of 4096 fires up to 4095 events late. */
void eng_progress(struct engine *e, uint64_t every_events,
                  eng_progress_fn fn, void *ctx);
/* Times every handler call (for `bench market`: ns per event by kind).
 * Costs two clock reads per event, so it is off unless asked for. */
void eng_profile(struct engine *e, bool on);
double eng_kind_seconds(const struct engine *e, unsigned kind);

/* A flag set by a signal handler; the loop stops between events. */
void eng_interrupt_on(struct engine *e, volatile sig_atomic_t *flag);

/* Runs until the queue is empty or the next event is at or past the end.
 * Returns SIM_OK, SIM_EINTR when interrupted, or SIM_ECHECK when a model
 * reported a failed invariant through eng_fail(). */
int eng_run(struct engine *e);

/* A model found a broken invariant: prints "invariant <name> violated:
 * <msg>" and makes eng_run() stop and return SIM_ECHECK. */
void eng_fail(struct engine *e, const char *invariant, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool eng_failed(const struct engine *e);
/* The first failure's message ("invariant <name> violated at t=...: ..."),
 * or NULL when nothing failed. */
const char *eng_fail_reason(const struct engine *e);

sim_time eng_now(const struct engine *e);
sim_time eng_end(const struct engine *e);
sim_time eng_warmup(const struct engine *e);
uint64_t eng_events(const struct engine *e);         /* events processed */
uint64_t eng_kind_events(const struct engine *e, unsigned kind);
const char *eng_kind_name(const struct engine *e, unsigned kind);
unsigned eng_kind_count(const struct engine *e);
double eng_loop_seconds(const struct engine *e);     /* wall time in eng_run */
size_t eng_pending(const struct engine *e);
struct evq *eng_queue(struct engine *e);

struct rng_set *eng_rngs(struct engine *e);
gsl_rng *eng_rng(struct engine *e, const char *name);     /* see rng_get() */
struct results *eng_results(struct engine *e);

static inline evq_id eng_after(struct engine *e, sim_time dt, unsigned kind,
                               uint32_t subject)
{
    return eng_at(e, eng_now(e) + dt, kind, subject);
}

#endif
