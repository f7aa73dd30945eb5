/* sim/engine.c -- clock, handler table and the event loop. */
#include "sim/engine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sim/err.h"
#include "sim/param.h"
#include "sim/results.h"
#include "sim/rng.h"
#include "sim/scenario.h"

struct handler {
    eng_handler fn;
    void *model;            /* borrowed */
    const char *name;       /* borrowed, static */
    uint64_t count;
    double seconds;         /* handler time when profiling */
};

struct ticker {
    eng_tick fn;
    void *ctx;              /* borrowed */
    sim_time interval;
};

struct engine {
    struct evq *q;                  /* owned */
    struct rng_set *rngs;           /* owned */
    struct results *res;            /* owned */
    sim_time now, end, warmup;
    struct handler on[EVQ_KINDS];
    unsigned nkinds;
    unsigned tick_kind;             /* the engine's own kind for eng_every */
    struct ticker *tickers;         /* owned; subject of a tick event */
    size_t ntickers;
    struct ticker *enders;          /* owned; eng_at_end callbacks */
    size_t nenders;
    eng_progress_fn progress;
    void *progress_ctx;
    uint64_t progress_every;
    volatile sig_atomic_t *interrupt;   /* borrowed, may be NULL */
    uint64_t events;
    double loop_s;
    bool failed;
    bool profile;
    char why[256];      /* the first failure, for the result directory */
};

static void on_tick(struct engine *e, const struct evq_event *ev, void *model)
{
    struct ticker *t = &e->tickers[ev->subject];

    (void)model;
    /* Re-push first, so a tick that schedules work at the same instant
     * keeps FIFO order relative to the next tick. */
    eng_at(e, e->now + t->interval, e->tick_kind, ev->subject);
    t->fn(e, t->ctx);
}

struct engine *eng_new(const struct eng_config *cfg)
{
    struct engine *e = calloc(1, sizeof *e);

    if (!e)
        return NULL;
    e->q = evq_new(cfg->queue_hint ? cfg->queue_hint : 1024);
    e->rngs = rng_set_new(cfg->seed, cfg->seed_set, cfg->rng_type);
    e->res = res_new();
    if (!e->q || !e->rngs || !e->res) {
        eng_free(e);
        return NULL;
    }
    e->end = cfg->end > 0 ? cfg->end : SIM_TIME_MAX;
    e->warmup = cfg->warmup;
    e->tick_kind = eng_kind(e, "engine.tick", on_tick, NULL);
    return e;
}

void eng_free(struct engine *e)
{
    if (!e)
        return;
    evq_free(e->q);
    rng_set_free(e->rngs);
    res_free(e->res);
    free(e->tickers);
    free(e->enders);
    free(e);
}

unsigned eng_kind(struct engine *e, const char *name, eng_handler fn,
                  void *model)
{
    unsigned k = e->nkinds++;

    SIM_ASSERT(k < EVQ_KINDS);
    e->on[k] = (struct handler){ fn, model, name, 0, 0.0 };
    return k;
}

evq_id eng_at(struct engine *e, sim_time at, unsigned kind, uint32_t subject)
{
    SIM_ASSERT(at >= e->now);
    SIM_ASSERT(kind < e->nkinds);
    if (at > SIM_TIME_MAX)
        at = SIM_TIME_MAX;
    return evq_push(e->q, at, kind, subject);
}

bool eng_cancel(struct engine *e, evq_id id)
{
    return evq_cancel(e->q, id);
}

static struct ticker *add_ticker(struct ticker **v, size_t *n)
{
    struct ticker *nv = realloc(*v, (*n + 1) * sizeof *nv);

    if (!nv)
        SIM_OOM("engine: out of memory");
    *v = nv;
    return &nv[(*n)++];
}

void eng_every(struct engine *e, sim_time first, sim_time interval,
               eng_tick fn, void *ctx)
{
    struct ticker *t;

    SIM_ASSERT(interval > 0);
    t = add_ticker(&e->tickers, &e->ntickers);
    *t = (struct ticker){ fn, ctx, interval };
    eng_at(e, first, e->tick_kind, (uint32_t)(e->ntickers - 1));
}

void eng_at_end(struct engine *e, eng_tick fn, void *ctx)
{
    struct ticker *t = add_ticker(&e->enders, &e->nenders);

    *t = (struct ticker){ fn, ctx, 0 };
}

void eng_progress(struct engine *e, uint64_t every_events,
                  eng_progress_fn fn, void *ctx)
{
    e->progress = fn;
    e->progress_ctx = ctx;
    e->progress_every = every_events;
}

void eng_interrupt_on(struct engine *e, volatile sig_atomic_t *flag)
{
    e->interrupt = flag;
}

static double wall_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int eng_run(struct engine *e)
{
    struct evq_event ev;
    double t0 = wall_now();
    /* Checking the interrupt flag and the progress callback every event
     * would cost more than many handlers; every 4096 events is enough. */
    uint64_t next_poll = e->events + 4096, next_progress =
        e->progress_every ? e->events + e->progress_every : UINT64_MAX;
    int rc = SIM_OK;

    while (!e->failed) {
        if (e->events >= next_poll) {
            next_poll = e->events + 4096;
            if (e->interrupt && *e->interrupt) {
                rc = SIM_EINTR;
                break;
            }
            if (e->events >= next_progress) {
                next_progress = e->events + e->progress_every;
                e->loop_s = wall_now() - t0;
                e->progress(e, e->progress_ctx);
            }
        }
        if (!evq_pop_before(e->q, e->end, &ev))
            break;
        e->now = ev.at;                     /* the only write to the clock */
        e->on[ev.kind].count++;
        e->events++;
        if (e->profile) {
            double t = wall_now();

            e->on[ev.kind].fn(e, &ev, e->on[ev.kind].model);
            e->on[ev.kind].seconds += wall_now() - t;
        } else {
            e->on[ev.kind].fn(e, &ev, e->on[ev.kind].model);
        }
    }
    /* A run shorter than the polling interval checks the flag once here. */
    if (rc == SIM_OK && !e->failed && e->interrupt && *e->interrupt)
        rc = SIM_EINTR;
    if (rc == SIM_OK && !e->failed) {
        if (e->end != SIM_TIME_MAX)
            e->now = e->end;
        for (size_t i = 0; i < e->nenders; i++)
            e->enders[i].fn(e, e->enders[i].ctx);
    }
    e->loop_s = wall_now() - t0;
    return e->failed ? SIM_ECHECK : rc;
}

void eng_fail(struct engine *e, const char *invariant, const char *fmt, ...)
{
    char head[96];
    va_list ap;

    snprintf(head, sizeof head, "invariant %s violated at t=%.6f h: ", invariant,
             sim_time_to_hours(e->now));
    fprintf(stderr, "error: %s", head);
    va_start(ap, fmt);
    if (!e->failed) {
        /* the first failure is kept (cut to fit) for the result directory */
        size_t n = (size_t)snprintf(e->why, sizeof e->why, "%s", head);
        va_list aq;

        va_copy(aq, ap);
        if (n < sizeof e->why)
            vsnprintf(e->why + n, sizeof e->why - n, fmt, aq);
        va_end(aq);
    }
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    e->failed = true;
}

const char *eng_fail_reason(const struct engine *e) { return e->failed ? e->why : NULL; }

bool eng_failed(const struct engine *e) { return e->failed; }
void eng_profile(struct engine *e, bool on) { e->profile = on; }
double eng_kind_seconds(const struct engine *e, unsigned k) { return e->on[k].seconds; }
sim_time eng_now(const struct engine *e) { return e->now; }
sim_time eng_end(const struct engine *e) { return e->end; }
sim_time eng_warmup(const struct engine *e) { return e->warmup; }
uint64_t eng_events(const struct engine *e) { return e->events; }
uint64_t eng_kind_events(const struct engine *e, unsigned k) { return e->on[k].count; }
const char *eng_kind_name(const struct engine *e, unsigned k) { return e->on[k].name; }
unsigned eng_kind_count(const struct engine *e) { return e->nkinds; }
double eng_loop_seconds(const struct engine *e) { return e->loop_s; }
size_t eng_pending(const struct engine *e) { return evq_size(e->q); }
struct evq *eng_queue(struct engine *e) { return e->q; }
struct rng_set *eng_rngs(struct engine *e) { return e->rngs; }
gsl_rng *eng_rng(struct engine *e, const char *name) { return rng_get(e->rngs, name); }
struct results *eng_results(struct engine *e) { return e->res; }

static const struct param_def eng_params[] = {
    { "sim.model", PT_STRING, "", "market", 0, -1, NULL,
      "the model to run: market, phold, or a reproduce target's (mmc, ckptjob, llama, bathtub, "
      "availability, seedtables, spot, spotckpt, sls-mmc)" },
    { "sim.horizon", PT_TIME, "d", "365d", 1e-6, 3000, NULL,
      "simulated time span of a run (at most 3000 days, about 8.2 years)" },
    { "sim.warmup", PT_TIME, "d", "0d", 0, 3000, NULL,
      "statistics before this time are discarded" },
    { "sim.sample-interval", PT_TIME, "h", "1h", 1e-9, 1e6, NULL,
      "how often time series are sampled" },
    { "sim.rng", PT_ENUM, "", "mt19937", 0, -1, "mt19937|taus2",
      "GSL generator behind every named stream" },
};

void eng_register_params(struct param_registry *reg)
{
    preg_add(reg, eng_params, sizeof eng_params / sizeof eng_params[0]);
}

/* A time span for a message: days from two days on (36h reads better
 * than 1.5d), hours from an hour, else seconds. */
static const char *span_text(char *buf, size_t len, sim_time t)
{
    if (t >= 2 * SIM_DAY)
        snprintf(buf, len, "%gd", (double)t / (double)SIM_DAY);
    else if (t >= SIM_HOUR)
        snprintf(buf, len, "%gh", (double)t / (double)SIM_HOUR);
    else
        snprintf(buf, len, "%gs", (double)t / (double)SIM_SEC);
    return buf;
}

int eng_config_from_run(const struct scn_run *run, struct eng_config *cfg, struct diag *d)
{
    *cfg = (struct eng_config){ 0 };
    cfg->end = scn_time(run, "sim.horizon");
    cfg->warmup = scn_time(run, "sim.warmup");
    cfg->seed = scn_run_seed(run);
    cfg->seed_set = scn_run_seed_set(run);
    cfg->rng_type = strcmp(scn_str(run, "sim.rng"), "taus2") == 0
                    ? gsl_rng_taus2 : gsl_rng_mt19937;
    if (cfg->warmup >= cfg->end) {
        char w[32], h[32];

        return diag_error(d, scn_where(run, "sim.warmup"),
                          "sim.warmup (%s) must be shorter than sim.horizon (%s): "
                          "nothing after it would be measured",
                          span_text(w, sizeof w, cfg->warmup), span_text(h, sizeof h, cfg->end));
    }
    return SIM_OK;
}
