/* models/serverless.c -- endpoints, workers, request routing, autoscalers.
 *
 * Requests are not events of their own while they run: a worker serves
 * its queue FIFO at its perf (load units per second), so when a request is
 * assigned its start and finish are known (start = when the worker's
 * queue drains, finish = start + load / perf). One event per worker marks
 * the finish of the request at the head of its queue; it records the
 * latency and lets the worker pull from the endpoint's global queue. A
 * worker that is lost (failure, preemption) hands its unfinished requests
 * back to the global queue, keeping their arrival times.
 *
 * Worker states and what the market bills (MARKET-FACTS.md 34):
 *   Creating  -- the rental is downloading the image (market "loading"):
 *                storage and bandwidth, no GPU time;
 *   Loading   -- the model loads into the GPU: GPU time and storage;
 *   Ready     -- serving: GPU time and storage;
 *   Inactive  -- stopped (cold): storage only (market_sls_stop);
 *   Error     -- preempted or its host offline, about to be released:
 *                storage until then.
 * A cold start is Creating + Loading for a new worker (the download time
 * comes from the image size and the host's bandwidth, in the market) or
 * Loading alone for an Inactive worker woken up.
 *
 * Randomness: "serverless.<endpoint>.arrivals" (arrival candidates and
 * thinning), ".loads" (request sizes) and ".perf" (per-GPU-model deviation
 * of measured perf from the DLPerf prediction, found by benchmarking).
 * Demand streams do not depend on the policy, so policies are compared on
 * the same requests (common random numbers).
 */
#include "models/serverless.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "models/reproduce.h"
#include "sim/engine.h"
#include "sim/param.h"
#include "sim/results.h"
#include "sim/rng.h"
#include "sim/scenario.h"

#define NONE UINT32_MAX
#define WBITS 20                /* event subject = endpoint << WBITS | worker */
#define PI 3.14159265358979323846
#define NaN ((double)NAN)

enum wstate { W_CREATING, W_LOADING, W_READY, W_INACTIVE, W_ERROR, W_DEAD };

struct req {
    sim_time arrived, start, finish;
    double load;
    bool timed_out;             /* stopped at the execution timeout */
};

struct ring {                   /* FIFO of requests, owned array */
    struct req *v;
    size_t cap, head, len;
};

struct worker {
    uint32_t contract;
    uint8_t state;
    bool want_active;           /* serve once loaded; else go Inactive (cold) */
    bool always_on;             /* one of RunPod's active workers: billed at the
                                 * endpoint's active-discount, never scaled down */
    bool warm;                  /* FlashBoot hire, not loaded yet: the short load */
    bool downloaded;            /* its image is on its host (it has run) */
    uint32_t machine;           /* its host, for FlashBoot */
    uint32_t gpu;               /* catalogue model */
    double perf;                /* true perf, load units/s */
    double predicted;           /* DLPerf x perf-per-dlperf x learned weight */
    double price_h;             /* USD per hour of the worker's GPU time */
    sim_time free_at;           /* when its queue drains */
    sim_time idle_since;        /* last time its queue became empty */
    sim_time since;             /* entered the current state */
    struct ring q;
    evq_id ev;                  /* head request's finish, or end of loading */
};

struct endpoint {
    const char *name;           /* borrowed from the scenario */
    struct sls_params p;
    double gpu_ram, image_gb, rate, amp, tz, burst_rate, burst_size, load_mean;
    double active_discount;     /* off the ask for its active workers (w->always_on) */
    double perf_per_dlperf, perf_sigma, load_alpha, peak;
    sim_time model_load, reject_after, create_timeout, down_delay;
    sim_time exec_timeout, ttl;         /* RunPod's limits; 0: none */
    bool flashboot;
    sim_time fb_window, fb_load;
    uint32_t *warm_m;           /* owned: machines holding a released worker's state */
    sim_time *warm_until;       /* owned: until when, in release order */
    size_t nwarm, capwarm;
    /* every state kept, whole run: kept = expired + used + still held
     * (check_warm_states) */
    uint64_t warm_kept, warm_expired, warm_used;
    sim_time down_since;        /* target below the active count since (-1: not) */
    sim_time decay_two, decay_zero;     /* idle-decay thresholds; decay_two < 0: off */
    sim_time cold_since;        /* cold pool above its target since (-1: not) */
    bool interruptible, learning;
    bool perf_rel;              /* count workers at perf x host reliability */
    uint32_t gpus;              /* GPUs per worker */
    size_t nprio;               /* RunPod GPU priority list length (0: off) */
    uint32_t prio[SLS_MAX_PRIO];        /* catalogue models, first choice first */
    double spread;              /* share each lower priority keeps from 5 workers */
    int learn_models;
    uint32_t payer;
    uint8_t *allowed;           /* owned, per catalogue model */
    uint8_t *trying;            /* owned: a worker of this model is being benchmarked */
    bool *learned;              /* owned */
    double *weight;             /* owned: measured / predicted perf per model */
    double *factor;             /* owned: true perf deviation per model (NaN = not drawn) */
    uint64_t *hired_by;         /* owned: hires after warm-up per model */
    struct worker *w;           /* owned */
    size_t nw, capw;
    struct ring gq;             /* global queue: start and finish unknown yet */
    double gq_load, tick_load, ewma, perf_guess;
    sim_time last_arrival;
    gsl_rng *arr, *sz, *rperf;
    /* statistics, requests arriving after warm-up */
    uint64_t requests, rejections, served, cold_starts, lost, hires, wakes, preempted;
    uint64_t timed_out, expired;        /* execution timeout, job TTL */
    uint64_t flashboots;                /* hires on a machine holding the state */
    uint64_t disconnected;              /* paused by a host gone offline (sls_on_offline) */
    uint64_t wake_failed;               /* Inactive, outbid or host offline while stopped */
    double load_served, qsum, lsum;
    double *lat, *qt;           /* owned: latency and queue time per served request */
    size_t nlat, caplat;
};

struct sls {
    struct engine *e;
    struct market *mk;          /* borrowed; NULL for the stand-alone queue */
    struct endpoint *ep;
    size_t nep, ngpus;
    unsigned k_arrive, k_burst, k_done, k_ready, k_release;
    double solo_perf;           /* stand-alone workers' perf */
    uint8_t *outcome;           /* owned, sls-mmc with a TTL: 1 = dropped, per request */
    size_t nout, capout;
    bool log_outcomes;
};

/* ---- small helpers ---- */

static void *xrealloc(void *p, size_t size)
{
    p = realloc(p, size ? size : 1);
    if (!p)
        SIM_OOM("serverless: out of memory");
    return p;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);

    if (!p)
        SIM_OOM("serverless: out of memory");
    return p;
}

static void ring_push(struct ring *r, const struct req *x)
{
    if (r->len == r->cap) {     /* grow, unrolling the ring */
        size_t ncap = r->cap ? 2 * r->cap : 16;
        struct req *nv = xrealloc(NULL, ncap * sizeof *nv);

        for (size_t i = 0; i < r->len; i++)
            nv[i] = r->v[(r->head + i) % r->cap];
        free(r->v);
        r->v = nv;
        r->cap = ncap;
        r->head = 0;
    }
    r->v[(r->head + r->len++) % r->cap] = *x;
}

static struct req *ring_front(struct ring *r)
{
    return r->len ? &r->v[r->head] : NULL;
}

static struct req ring_pop(struct ring *r)
{
    struct req x = r->v[r->head];

    SIM_ASSERT(r->len > 0);
    r->head = (r->head + 1) % r->cap;
    r->len--;
    return x;
}

/* ---- the decision (pure) ---- */

struct sls_target sls_decide(const struct sls_params *p, const struct sls_obs *o)
{
    struct sls_target t = { 0, 0 };
    double perf = o->worker_perf > 1e-9 ? o->worker_perf : 1e-9;

    switch (p->policy) {
    case SLS_FIXED:
        t.active = t.total = p->fixed_workers;
        break;
    case SLS_QUEUE_DELAY:
        /* RunPod: one more worker whenever the oldest request has waited
         * longer than the threshold (the threshold scaled by the workers
         * already starting, so a long queue does not recruit one per
         * second of waiting); idle workers leave after the idle timeout,
         * which the executor applies (it knows which are idle). */
        t.active = o->active;
        if (o->queue_s > p->queue_delay_s * (1 + o->starting))
            t.active = o->active + 1;
        else if (o->backlog <= 0)
            t.active = o->active - o->idle;
        t.total = t.active;
        break;
    case SLS_REQUEST_COUNT: {
        /* RunPod's other scaler: ceil((in queue + in progress) / scaler
         * value) workers (MARKET-FACTS.md, RunPod). Up at once; down only
         * by workers idle for the idle timeout, as the queue-delay
         * scaler, so a worker that just served the last request of a
         * burst stays for it. */
        int want = (int)ceil(fmin((double)o->requests / p->per_worker,
                                  (double)p->max_workers + 1) - 1e-9);

        t.active = want > o->active - o->idle ? want : o->active - o->idle;
        t.total = t.active;
        break;
    }
    case SLS_VAST:
    default: {
        /* Active capacity = anticipated load / target_util, at least
         * min_load; a global queue older than target_queue_time adds the
         * capacity that drains its backlog within that time. After
         * inactivity_timeout without requests, and none waiting, no
         * active capacity at all (with requests queued it once scaled to
         * zero too: a worker lost or timed out then was not replaced, and
         * the queue waited for the next arrival, hours for a batch). */
        double act, tot;

        if (p->inactivity_s > 0 && o->idle_s >= p->inactivity_s && o->backlog <= 0) {
            act = 0;
        } else {
            act = fmax(p->min_load, o->load_rate / p->target_util);
            if (o->queue_s > p->target_queue_s)
                act += o->backlog / p->target_queue_s;
        }
        /* Total (active + cold) capacity: cold_mult x load, at least
         * min_cold_load, and at least min_workers workers. */
        tot = fmax(p->min_cold_load, p->cold_mult * o->load_rate);
        /* capped before the conversion: a count past INT_MAX (a huge
         * backlog while nothing serves) made the cast undefined, and on
         * x86 INT_MIN, i.e. no active worker at all */
        t.active = (int)ceil(fmin(act / perf, (double)p->max_workers + 1) - 1e-9);
        t.total = (int)ceil(fmin(tot / perf, (double)p->max_workers + 1) - 1e-9);
        if (t.total < p->min_workers)
            t.total = p->min_workers;
        break;
    }
    }
    /* RunPod's active workers run whatever the scaler says (the cap below
     * still wins: an idle endpoint's max workers can fall under them). */
    if (t.active < p->active_workers)
        t.active = p->active_workers;
    if (t.active < 0)
        t.active = 0;
    if (t.active > p->max_workers)
        t.active = p->max_workers;
    if (t.total > p->max_workers)
        t.total = p->max_workers;
    if (t.total < t.active)
        t.total = t.active;
    return t;
}

void sls_priority_order(const int *count, size_t n, double share, size_t *order)
{
    int live = 1;               /* the worker about to be hired */
    size_t k = 0;
    bool first[SLS_MAX_PRIO] = { false };

    SIM_ASSERT(n >= 1 && n <= SLS_MAX_PRIO);
    for (size_t i = 0; i < n; i++)
        live += count[i];
    /* RunPod: "for endpoints with five or more workers, Runpod distributes
     * workers across your selected GPU priorities. Most workers run on
     * your primary GPU type, with fewer assigned to secondary and
     * tertiary"; below five every worker takes the first available. */
    if (live >= 5)
        for (size_t i = 1; i < n; i++)
            if (count[i] < (int)floor(share * live + 1e-9)) {
                order[k++] = i;
                first[i] = true;
            }
    for (size_t i = 0; i < n; i++)
        if (!first[i])
            order[k++] = i;
}

/* ---- parameters ---- */

#define NOMAX 0, -1
#define EP(key, ...) { "endpoint.*." key, __VA_ARGS__ }

static const struct param_def sls_defs[] = {
    EP("enabled", PT_BOOL, "", "false", NOMAX, NULL, "simulate this endpoint"),
    EP("policy", PT_ENUM, "", "vast", NOMAX, "vast|queue-delay|request-count|fixed",
       "autoscaler: Vast's load-based engine, RunPod's queue-delay or request-count scaler, "
       "or a fixed pool"),
    EP("min-workers", PT_INT, "1", "5", 0, 1000, NULL,
       "Vast min_workers / cold_workers: workers kept with the model loaded (active or inactive)"),
    EP("max-workers", PT_INT, "1", "16", 0, 1000, NULL, "hard cap on active + inactive workers"),
    EP("active-workers", PT_INT, "1", "0", 0, 1000, NULL,
       "RunPod active workers: at least this many active (Ready) under any policy"),
    EP("active-discount", PT_PROB, "1", "0", NOMAX, NULL,
       "RunPod: share off the ask an on-demand active worker pays (up to 0.3 once published; "
       "now by sales inquiry)"),
    EP("idle-decay", PT_BOOL, "", "false", NOMAX, NULL,
       "RunPod: an endpoint without requests lowers its max workers to 2, later to 0, "
       "for the rest of the run"),
    EP("idle-decay-two", PT_TIME, "d", "3d", 0, 1e9, NULL,
       "idle-decay: no request for this long: max workers at most 2"),
    EP("idle-decay-zero", PT_TIME, "d", "7d", 0, 1e9, NULL,
       "idle-decay: no request for this long: max workers 0 (requests rejected)"),
    EP("min-load", PT_REAL, "perf/s", "1", 0, 1e9, NULL, "minimum active capacity"),
    EP("min-cold-load", PT_REAL, "perf/s", "0", 0, 1e9, NULL, "floor of total (active + cold) capacity"),
    EP("target-util", PT_REAL, "1", "0.9", 0.01, 1, NULL, "active capacity = anticipated load / target-util"),
    EP("cold-mult", PT_REAL, "1", "3", 0, 1000, NULL, "total capacity as a multiple of the anticipated load"),
    EP("inactivity-timeout", PT_TIME, "s", "0s", 0, 1e9, NULL,
       "no requests for this long and none queued: scale active workers to zero (0 = never)"),
    EP("max-queue-time", PT_TIME, "s", "30s", 0, 1e6, NULL,
       "route to a worker only if its expected wait is at most this, else the global queue"),
    EP("target-queue-time", PT_TIME, "s", "10s", 0.001, 1e6, NULL,
       "a global queue older than this triggers aggressive scale-up"),
    EP("queue-delay", PT_TIME, "s", "4s", 0.001, 1e6, NULL, "queue-delay policy: add a worker past this wait"),
    EP("request-count", PT_REAL, "requests", "4", 0.001, 1e6, NULL,
       "request-count policy: one worker per this many requests queued or in service "
       "(RunPod's scaler value; our default)"),
    EP("idle-timeout", PT_TIME, "s", "5s", 0, 1e6, NULL,
       "a worker idle this long may be scaled down (RunPod idle timeout)"),
    EP("scale-down-delay", PT_TIME, "s", "60s", 0, 1e7, NULL,
       "vast policy: the target must stay below the active count this long before a worker goes"),
    EP("fixed-workers", PT_INT, "1", "4", 0, 1000, NULL, "fixed policy: pool size"),
    EP("gpu-ram", PT_REAL, "GB", "24", 0, 1e4, NULL, "worker group search: minimum GPU memory"),
    EP("gpus-per-worker", PT_INT, "1", "1", 1, 16, NULL,
       "GPUs of one machine per worker (1, 2, 4, 8 or 16): perf = the bundle's DLPerf x "
       "perf-per-dlperf, price = that many GPUs"),
    EP("gpus", PT_STRING, "", "", NOMAX, NULL, "allowed GPU models, comma-separated (empty = any)"),
    EP("gpu-priority", PT_BOOL, "", "false", NOMAX, NULL,
       "gpus is RunPod's priority list (1-3 models): a worker takes the first listed model "
       "with an offer; from 5 workers up, each lower priority keeps spread-share of them"),
    EP("spread-share", PT_REAL, "1", "0.2", 0, 0.3, NULL,
       "gpu-priority: share of the workers each lower priority keeps (RunPod: most on the "
       "primary, fewer on the others; our default)"),
    EP("interruptible", PT_BOOL, "", "false", NOMAX, NULL, "rent workers as interruptible"),
    EP("image", PT_REAL, "GB", "30", 0, 1e5, NULL, "image + model size: download time and storage"),
    EP("model-load", PT_TIME, "s", "20s", 0, 1e6, NULL, "model load into the GPU (Loading state)"),
    EP("rate", PT_REAL, "1/s", "1", 0, 1e7, NULL, "mean request rate"),
    EP("day-amplitude", PT_PROB, "1", "0.5", NOMAX, NULL, "daily cycle amplitude (peak at 14:00 local)"),
    EP("tz", PT_REAL, "h", "0", -12, 14, NULL, "users' time zone offset"),
    EP("burst-rate", PT_REAL, "1/d", "0", 0, 1e6, NULL, "bursts (batch submissions) per day"),
    EP("burst-size", PT_REAL, "1", "0", 0, 1e7, NULL, "requests submitted at once in a burst"),
    EP("load-mean", PT_REAL, "perf", "100", 1e-6, 1e12, NULL, "mean load per request (exponential)"),
    EP("perf-per-dlperf", PT_REAL, "perf/s", "1", 1e-9, 1e9, NULL, "worker perf = DLPerf x this"),
    EP("perf-sigma", PT_REAL, "1", "0.15", 0, 5, NULL,
       "log-sd of each GPU model's measured perf around the DLPerf prediction"),
    EP("perf-reliability", PT_BOOL, "", "true", NOMAX, NULL,
       "the engine counts a worker at perf x its host's reliability score (Vast's worker "
       "list): capacity, hiring, wake and release order; requests are served at full perf"),
    EP("learning", PT_BOOL, "", "true", NOMAX, NULL,
       "learning phase: recruit untested GPU models first and benchmark them"),
    EP("learning-models", PT_INT, "1", "4", 0, 100, NULL, "GPU models the learning phase benchmarks"),
    EP("load-window", PT_TIME, "s", "60s", 1, 1e7, NULL, "time constant of the anticipated-load average"),
    EP("reject-after", PT_TIME, "s", "300s", 0, 1e9, NULL,
       "reject a request whose expected global-queue wait exceeds this"),
    EP("flashboot", PT_BOOL, "", "false", NOMAX, NULL,
       "RunPod FlashBoot: a host keeps each released worker's state for flashboot-window; "
       "a worker hired there again uses one up, downloads nothing and loads in flashboot-load"),
    EP("flashboot-window", PT_TIME, "min", "10min", 0, 1e9, NULL,
       "how long a host keeps a released worker's state (unpublished: ours)"),
    EP("flashboot-load", PT_TIME, "s", "2s", 0, 1e6, NULL,
       "load time of a FlashBoot start (RunPod: seconds; ours)"),
    EP("execution-timeout", PT_TIME, "s", "0s", 0, 1e9, NULL,
       "a request running longer is stopped and fails (0 = none; RunPod's default is 600 s)"),
    EP("job-ttl", PT_TIME, "h", "0s", 0, 1e9, NULL,
       "a request not started this long after it arrived is dropped (0 = none; RunPod's "
       "default is 24 h)"),
    EP("create-timeout", PT_TIME, "s", "3600s", 1, 1e9, NULL, "give up on a worker still Creating after this"),
    { "serverless.sample-interval", PT_TIME, "min", "10min", 0.001, 1e7, NULL,
      "interval of the workers-by-state time series" },
    { "sls-mmc.perf", PT_REAL, "perf/s", "1", 1e-9, 1e12, NULL, "sls-mmc: perf of every worker" },
    { "sls-mmc.batches", PT_INT, "1", "20", 2, 1000, NULL, "sls-mmc: batches for batch-means CIs" },
    { "sls-mmc.tol", PT_REAL, "1", "0.05", 0, 1, NULL, "sls-mmc: relative tolerance on W_q" },
};

void sls_register_params(struct param_registry *reg)
{
    preg_add(reg, sls_defs, sizeof sls_defs / sizeof sls_defs[0]);
}

/* ---- workers ---- */

static struct endpoint *ep_of(struct sls *s, uint32_t subject, uint32_t *wid)
{
    *wid = subject & ((1u << WBITS) - 1);
    return &s->ep[subject >> WBITS];
}

static uint32_t subject_of(const struct sls *s, const struct endpoint *ep, size_t wid)
{
    return (uint32_t)(ep - s->ep) << WBITS | (uint32_t)wid;
}

static bool after_warmup(const struct sls *s, sim_time t)
{
    return t >= eng_warmup(s->e);
}

static void set_state(struct sls *s, struct worker *w, enum wstate st)
{
    w->state = (uint8_t)st;
    w->since = eng_now(s->e);
}

/* The stand-alone queue's batch means need each request's outcome in
 * order: dropped by its TTL or not (served, or stopped by the timeout). */
static void note_outcome(struct sls *s, bool dropped)
{
    if (!s->log_outcomes)
        return;
    if (s->nout == s->capout) {
        s->capout = s->capout ? 2 * s->capout : 4096;
        s->outcome = xrealloc(s->outcome, s->capout);
    }
    s->outcome[s->nout++] = dropped;
}

/* A request dropped by its time to live. */
static void expire(struct sls *s, struct endpoint *ep, const struct req *r)
{
    if (!after_warmup(s, r->arrived))
        return;
    ep->expired++;
    note_outcome(s, true);
}

static void record(struct sls *s, struct endpoint *ep, const struct req *r)
{
    if (!after_warmup(s, r->arrived))
        return;
    note_outcome(s, false);
    if (r->timed_out) {         /* failed: no result, no latency */
        ep->timed_out++;
        return;
    }
    if (ep->nlat == ep->caplat) {
        ep->caplat = ep->caplat ? 2 * ep->caplat : 4096;
        ep->lat = xrealloc(ep->lat, ep->caplat * sizeof *ep->lat);
        ep->qt = xrealloc(ep->qt, ep->caplat * sizeof *ep->qt);
    }
    ep->lat[ep->nlat] = sim_time_to_sec(r->finish - r->arrived);
    ep->qt[ep->nlat++] = sim_time_to_sec(r->start - r->arrived);
    ep->served++;
    ep->load_served += r->load;
    ep->qsum += sim_time_to_sec(r->start - r->arrived);
    ep->lsum += sim_time_to_sec(r->finish - r->arrived);
}

/* Puts request r at the end of worker wid's queue. */
static void assign(struct sls *s, struct endpoint *ep, size_t wid, struct req r)
{
    struct worker *w = &ep->w[wid];
    sim_time now = eng_now(s->e);

    r.start = w->free_at > now ? w->free_at : now;
    if (ep->ttl > 0 && r.start - r.arrived > ep->ttl) {
        expire(s, ep, &r);      /* would start past its time to live */
        return;
    }
    r.finish = r.start + sim_time_from_sec(r.load / w->perf);
    if (r.finish <= r.start)
        r.finish = r.start + 1;
    r.timed_out = ep->exec_timeout > 0 && r.finish - r.start > ep->exec_timeout;
    if (r.timed_out)            /* the worker stops it, and is busy until then */
        r.finish = r.start + ep->exec_timeout;
    w->free_at = r.finish;
    ring_push(&w->q, &r);
    if (w->q.len == 1)
        w->ev = eng_at(s->e, r.finish, s->k_done, subject_of(s, ep, wid));
}

static sim_time wait_of(const struct sls *s, const struct worker *w)
{
    sim_time now = eng_now(s->e);

    return w->free_at > now ? w->free_at - now : 0;
}

/* A Ready worker takes requests from the global queue while its own
 * expected wait stays within max_queue_time. */
static void pull(struct sls *s, struct endpoint *ep, size_t wid)
{
    sim_time maxq = sim_time_from_sec(ep->p.max_queue_s);

    while (ep->gq.len && ep->w[wid].state == W_READY && wait_of(s, &ep->w[wid]) <= maxq) {
        struct req r = ring_pop(&ep->gq);

        ep->gq_load -= r.load;
        assign(s, ep, wid, r);
    }
    if (!ep->gq.len)
        ep->gq_load = 0;        /* no drift from float subtraction */
}

/* Unfinished requests of a lost worker go back to the global queue, at
 * its head and in their order: they arrived before anything waiting
 * there was routed (at the back, the queue's oldest request, which both
 * scaling policies watch, looked younger than it was). */
static void requeue(struct sls *s, struct endpoint *ep, struct worker *w)
{
    eng_cancel(s->e, w->ev);
    w->ev = EVQ_ID_NONE;
    if (w->q.len) {
        struct ring q = { NULL, 0, 0, 0 };

        /* Merged by arrival (the worker's first on a tie): both queues
         * are in arrival order, and so stays the global one. Put in front
         * of it whole, a second lost worker's newer requests went ahead
         * of the first one's older ones, and the queue's oldest request,
         * which both scaling policies watch, looked younger than it was. */
        while (w->q.len || ep->gq.len) {
            bool mine = w->q.len &&
                        (!ep->gq.len || ring_front(&w->q)->arrived <= ring_front(&ep->gq)->arrived);
            struct req r = ring_pop(mine ? &w->q : &ep->gq);

            if (mine)
                ep->gq_load += r.load;
            ring_push(&q, &r);
        }
        free(ep->gq.v);
        ep->gq = q;
    }
    w->free_at = eng_now(s->e);
}

static double ready_perf(const struct endpoint *ep)
{
    double p = 0;

    for (size_t i = 0; i < ep->nw; i++)
        if (ep->w[i].state == W_READY)
            p += ep->w[i].perf;
    return p;
}

static void route(struct sls *s, struct endpoint *ep, struct req r)
{
    sim_time maxq = sim_time_from_sec(ep->p.max_queue_s), best_wait = 0;
    size_t best = SIZE_MAX;
    bool counted = after_warmup(s, r.arrived);

    ep->last_arrival = r.arrived;
    ep->tick_load += r.load;
    if (counted)
        ep->requests++;
    if (ep->gq.len)             /* waits shrink between events: let workers catch up */
        for (size_t i = 0; i < ep->nw; i++)
            pull(s, ep, i);
    for (size_t i = 0; i < ep->nw; i++) {
        sim_time wt;

        if (ep->w[i].state != W_READY)
            continue;
        wt = wait_of(s, &ep->w[i]);
        if (best == SIZE_MAX || wt < best_wait) {
            best = i;
            best_wait = wt;
        }
    }
    if (best != SIZE_MAX && best_wait <= maxq && ep->gq.len == 0) {
        assign(s, ep, best, r);
        return;
    }
    {
        /* Expected wait in the global queue: its load over the serving
         * capacity. With nothing serving the request waits for a worker
         * to start, unless none can: max_workers 0, or a fixed pool of
         * none (fixed-workers 0 once queued every request for good). */
        double perf = ready_perf(ep);
        double est = perf > 0 ? (ep->gq_load + r.load) / perf : 0;
        bool no_workers = ep->p.max_workers == 0 ||
                          (ep->p.policy == SLS_FIXED && ep->p.fixed_workers == 0);

        if (est > sim_time_to_sec(ep->reject_after) || no_workers) {
            if (counted)
                ep->rejections++;
            return;
        }
    }
    ep->gq_load += r.load;
    ring_push(&ep->gq, &r);
}

/* A cleared worker record (a dead one reused, keeping its queue's
 * storage, or a new one). */
/* RunPod's active workers alive (any state but dead). */
static int live_always_on(const struct endpoint *ep)
{
    int n = 0;

    for (size_t i = 0; i < ep->nw; i++)
        n += ep->w[i].always_on && ep->w[i].state != W_DEAD;
    return n;
}

/* RunPod's active workers are a kind of worker, not a count: a worker
 * that is made to serve (hired, promoted while starting, or woken) while
 * fewer than active-workers of them are alive becomes one for its life,
 * billed at the discount from then on (an interruptible one still pays
 * its bid). */
static void maybe_always_on(struct sls *s, struct endpoint *ep, struct worker *w)
{
    if (!s->mk || w->always_on || live_always_on(ep) >= ep->p.active_workers)
        return;
    w->always_on = true;
    w->price_h = money_to_usd(market_sls_always_on(s->mk, w->contract, ep->active_discount)) *
                 ep->gpus;
}

static size_t new_worker_slot(struct endpoint *ep)
{
    size_t i = 0;
    struct ring q = { NULL, 0, 0, 0 };

    while (i < ep->nw && ep->w[i].state != W_DEAD)
        i++;
    if (i == ep->nw) {
        if (ep->nw == ep->capw) {
            ep->capw = ep->capw ? 2 * ep->capw : 16;
            ep->w = xrealloc(ep->w, ep->capw * sizeof *ep->w);
        }
        ep->nw++;
    } else {
        q = ep->w[i].q;
        q.head = q.len = 0;
    }
    memset(&ep->w[i], 0, sizeof ep->w[i]);
    ep->w[i].q = q;
    ep->w[i].ev = EVQ_ID_NONE;
    ep->w[i].state = W_DEAD;
    return i;
}

static double model_factor(struct endpoint *ep, uint32_t g)
{
    if (isnan(ep->factor[g]))   /* drawn once per model, when first hired */
        ep->factor[g] = exp(gsl_ran_gaussian(ep->rperf, ep->perf_sigma));
    return ep->factor[g];
}

static void become_ready(struct sls *s, struct endpoint *ep, size_t wid)
{
    struct worker *w = &ep->w[wid];

    set_state(s, w, W_READY);
    w->free_at = eng_now(s->e);
    w->idle_since = eng_now(s->e);
    pull(s, ep, wid);
}

/* FlashBoot's memory, one entry per released worker in release order:
 * drops the entries past their window. */
static void warm_forget(struct endpoint *ep, sim_time now)
{
    size_t k = 0;

    for (size_t i = 0; i < ep->nwarm; i++)
        if (ep->warm_until[i] > now) {
            ep->warm_m[k] = ep->warm_m[i];
            ep->warm_until[k++] = ep->warm_until[i];
        }
    ep->warm_expired += ep->nwarm - k;
    ep->nwarm = k;
}

/* A worker hired on machine 'mid' from its state uses up the latest of
 * the released workers' states kept there (the one the market chose:
 * it reads the list latest first); others kept there stay for further
 * hires, as each worker's state is its own. */
static void warm_take(struct endpoint *ep, uint32_t mid)
{
    for (size_t i = ep->nwarm; i-- > 0;)
        if (ep->warm_m[i] == mid) {
            memmove(ep->warm_m + i, ep->warm_m + i + 1, (ep->nwarm - i - 1) * sizeof *ep->warm_m);
            memmove(ep->warm_until + i, ep->warm_until + i + 1,
                    (ep->nwarm - i - 1) * sizeof *ep->warm_until);
            ep->nwarm--;
            ep->warm_used++;
            return;
        }
    SIM_ASSERT(!"a FlashBoot hire on a machine holding no state");
}

/* RunPod's FlashBoot: a host keeps a released worker's state (image and
 * loaded model) for a while, so a worker hired there again starts in
 * seconds. Its length is unpublished: flashboot-window. */
static void warm_remember(struct sls *s, struct endpoint *ep, const struct worker *w)
{
    sim_time now = eng_now(s->e);

    if (!ep->flashboot || !w->downloaded || w->contract == NONE)
        return;
    warm_forget(ep, now);
    if (ep->nwarm == ep->capwarm) {
        ep->capwarm = ep->capwarm ? 2 * ep->capwarm : 16;
        ep->warm_m = xrealloc(ep->warm_m, ep->capwarm * sizeof *ep->warm_m);
        ep->warm_until = xrealloc(ep->warm_until, ep->capwarm * sizeof *ep->warm_until);
    }
    ep->warm_m[ep->nwarm] = w->machine;
    ep->warm_until[ep->nwarm++] = now + ep->fb_window;
    ep->warm_kept++;
}

/* RunPod's priority list: one model at a time, in sls_priority_order()'s
 * order over the live workers. */
static bool recruit_by_priority(struct sls *s, struct endpoint *ep, struct sls_query *q,
                                struct sls_hire *h)
{
    int count[SLS_MAX_PRIO] = { 0 };
    size_t order[SLS_MAX_PRIO];
    uint8_t *mask = xcalloc(s->ngpus, 1);
    bool ok = false;

    for (size_t i = 0; i < ep->nw; i++)
        for (size_t k = 0; k < ep->nprio; k++)
            count[k] += ep->w[i].state != W_DEAD && ep->w[i].gpu == ep->prio[k];
    sls_priority_order(count, ep->nprio, ep->spread, order);
    q->allowed = mask;
    for (size_t k = 0; k < ep->nprio && !ok; k++) {
        mask[ep->prio[order[k]]] = 1;
        ok = market_sls_recruit(s->mk, q, h);
        mask[ep->prio[order[k]]] = 0;
    }
    q->allowed = ep->allowed;
    free(mask);
    return ok;
}

/* Recruits one worker; false when the market has nothing suitable. */
static bool recruit(struct sls *s, struct endpoint *ep, bool active)
{
    struct sls_hire h;
    size_t wid;
    struct worker *w;
    bool ok = false;

    if (!s->mk) {               /* stand-alone: an identical free worker, at once */
        wid = new_worker_slot(ep);
        w = &ep->w[wid];
        w->perf = w->predicted = s->solo_perf;
        w->price_h = 0;
        w->want_active = true;
        w->contract = NONE;
        become_ready(s, ep, wid);
        return true;
    }
    {
        struct sls_query q = { ep->payer, ep->gpu_ram, ep->gpus, ep->allowed, ep->weight,
                               ep->interruptible, ep->perf_rel, NULL, 0 };
        int nlearned = 0;

        if (ep->flashboot) {
            warm_forget(ep, eng_now(s->e));
            q.warm = ep->warm_m;
            q.nwarm = ep->nwarm;
        }

        for (size_t g = 0; g < s->ngpus; g++)
            nlearned += ep->learned[g] || ep->trying[g];
        if (ep->nprio) {
            /* The user's priority list decides the model, not the
             * learning phase (its benchmark still learns the weight). */
            ok = recruit_by_priority(s, ep, &q, &h);
        } else if (ep->learning && nlearned < ep->learn_models) {
            /* Learning phase: a model nobody has benchmarked yet. */
            uint8_t *mask = xcalloc(s->ngpus, 1);

            for (size_t g = 0; g < s->ngpus; g++)
                mask[g] = ep->allowed[g] && !ep->learned[g] && !ep->trying[g];
            q.allowed = mask;
            ok = market_sls_recruit(s->mk, &q, &h);
            free(mask);
            q.allowed = ep->allowed;
        }
        if (!ok && !ep->nprio)
            ok = market_sls_recruit(s->mk, &q, &h);
    }
    if (!ok)
        return false;
    wid = new_worker_slot(ep);
    w = &ep->w[wid];
    w->contract = h.contract;
    w->gpu = h.gpu;
    w->machine = h.machine;
    w->warm = h.warm;
    if (h.warm) {
        warm_take(ep, h.machine);
        if (after_warmup(s, eng_now(s->e)))
            ep->flashboots++;
    }
    w->predicted = h.dlperf * ep->perf_per_dlperf * ep->weight[h.gpu];
    w->perf = h.dlperf * ep->perf_per_dlperf * model_factor(ep, h.gpu);
    w->price_h = money_to_usd(h.price) * ep->gpus;
    w->want_active = active;
    w->ev = EVQ_ID_NONE;
    w->free_at = eng_now(s->e);
    if (!ep->learned[h.gpu])
        ep->trying[h.gpu] = 1;
    if (after_warmup(s, eng_now(s->e))) {
        ep->hires++;
        ep->hired_by[h.gpu]++;
    }
    set_state(s, w, W_CREATING);
    if (active)
        maybe_always_on(s, ep, w);
    return true;
}

static void release(struct sls *s, struct endpoint *ep, struct worker *w)
{
    warm_remember(s, ep, w);
    requeue(s, ep, w);
    /* released before it was benchmarked (outbid while creating or
     * loading, or timed out): its model is free to try again */
    if ((w->state == W_CREATING || w->state == W_LOADING || w->state == W_ERROR) &&
        !ep->learned[w->gpu])
        ep->trying[w->gpu] = 0;
    set_state(s, w, W_DEAD);
    if (s->mk && w->contract != NONE)
        market_sls_release(s->mk, w->contract);
    w->contract = NONE;
}

static struct worker *find(struct sls *s, uint32_t cid, struct endpoint **out)
{
    for (size_t e = 0; e < s->nep; e++)
        for (size_t i = 0; i < s->ep[e].nw; i++) {
            struct worker *w = &s->ep[e].w[i];

            if (w->state != W_DEAD && w->contract == cid) {
                *out = &s->ep[e];
                return w;
            }
        }
    return NULL;
}

void sls_on_running(struct sls *s, uint32_t cid)
{
    struct endpoint *ep;
    struct worker *w = find(s, cid, &ep);

    if (!w || w->state == W_LOADING || w->state == W_READY)
        return;
    /* The model loads into the GPU: billed, not serving yet (seconds
     * on a host that kept the state: FlashBoot). */
    set_state(s, w, W_LOADING);
    if (after_warmup(s, eng_now(s->e)))
        ep->cold_starts++;
    w->downloaded = true;
    w->ev = eng_after(s->e, w->warm ? ep->fb_load : ep->model_load, s->k_ready,
                      subject_of(s, ep, (size_t)(w - ep->w)));
    w->warm = false;
}

/* A worker paused by the market, outbid (interruptible) or on a host gone
 * offline: useless to the endpoint, which cannot tell when it would run
 * again; released by an event, not here, because the market is in the
 * middle of its auction or of taking the host down. */
static void worker_paused(struct sls *s, uint32_t cid, bool offline)
{
    struct endpoint *ep;
    struct worker *w = find(s, cid, &ep);

    if (!w)
        return;
    requeue(s, ep, w);
    set_state(s, w, W_ERROR);
    if (after_warmup(s, eng_now(s->e)))
        ++*(offline ? &ep->disconnected : &ep->preempted);
    eng_after(s->e, 0, s->k_release, subject_of(s, ep, (size_t)(w - ep->w)));
}

void sls_on_paused(struct sls *s, uint32_t cid)
{
    worker_paused(s, cid, false);
}

void sls_on_offline(struct sls *s, uint32_t cid)
{
    worker_paused(s, cid, true);
}

void sls_on_lost(struct sls *s, uint32_t cid)
{
    struct endpoint *ep;
    struct worker *w = find(s, cid, &ep);

    if (!w)
        return;
    requeue(s, ep, w);
    /* An Error worker (paused, its release event pending at this same
     * instant) keeps its model's "being benchmarked" mark: its host would
     * have to fail in the very microsecond of the pause. Harmless even
     * then: the learning phase counts the model as tried and so may stop
     * one model early, but it never waits on the mark (recruit() falls
     * back to the whole market) and never mislabels a model (on_ready
     * measures the worker's own GPU); the next worker of that model to be
     * benchmarked, or released before it is, clears it. */
    if (w->state == W_CREATING || w->state == W_LOADING)
        ep->trying[w->gpu] = 0;
    set_state(s, w, W_DEAD);
    w->contract = NONE;         /* the market has already ended it */
    if (after_warmup(s, eng_now(s->e)))
        ep->lost++;
}

/* ---- events ---- */

static double rate_at(const struct endpoint *ep, sim_time t)
{
    double hour = fmod(sim_time_to_hours(t) + ep->tz, 24.0);

    return ep->rate * (1.0 + ep->amp * cos(2 * PI * (hour - 14.0) / 24.0));
}

static void on_arrive(struct engine *e, const struct evq_event *ev, void *model)
{
    struct sls *s = model;
    struct endpoint *ep = &s->ep[ev->subject];
    double u;

    eng_after(e, 1 + sim_time_from_sec(gsl_ran_exponential(ep->arr, 1.0 / ep->peak)),
              s->k_arrive, ev->subject);
    /* Thinning: both draws happen whatever the outcome (common numbers). */
    u = gsl_rng_uniform(ep->arr);
    if (u * ep->peak > rate_at(ep, ev->at))
        return;
    route(s, ep, (struct req){ .arrived = ev->at, .load = gsl_ran_exponential(ep->sz, ep->load_mean) });
}

static void on_burst(struct engine *e, const struct evq_event *ev, void *model)
{
    struct sls *s = model;
    struct endpoint *ep = &s->ep[ev->subject];
    long n = lround(ep->burst_size);

    eng_after(e, 1 + sim_time_from_sec(gsl_ran_exponential(ep->arr, 86400.0 / ep->burst_rate)),
              s->k_burst, ev->subject);
    for (long i = 0; i < n; i++)
        route(s, ep, (struct req){ .arrived = ev->at, .load = gsl_ran_exponential(ep->sz, ep->load_mean) });
}

static void on_done(struct engine *e, const struct evq_event *ev, void *model)
{
    struct sls *s = model;
    uint32_t wid;
    struct endpoint *ep = ep_of(s, ev->subject, &wid);
    struct worker *w = &ep->w[wid];
    struct req r = ring_pop(&w->q);

    SIM_ASSERT(r.finish == eng_now(e));
    w->ev = EVQ_ID_NONE;
    record(s, ep, &r);
    if (w->q.len)
        w->ev = eng_at(e, ring_front(&w->q)->finish, s->k_done, ev->subject);
    else
        w->idle_since = eng_now(e);
    pull(s, ep, wid);
}

static void on_ready(struct engine *e, const struct evq_event *ev, void *model)
{
    struct sls *s = model;
    uint32_t wid;
    struct endpoint *ep = ep_of(s, ev->subject, &wid);
    struct worker *w = &ep->w[wid];

    (void)e;
    w->ev = EVQ_ID_NONE;
    /* The benchmark: what this GPU model really does against DLPerf. */
    if (!ep->learned[w->gpu]) {
        ep->learned[w->gpu] = true;
        ep->trying[w->gpu] = 0;
        ep->weight[w->gpu] = w->perf / w->predicted * ep->weight[w->gpu];
    }
    w->predicted = w->perf;
    if (w->want_active) {
        become_ready(s, ep, wid);
    } else {
        set_state(s, w, W_INACTIVE);
        market_sls_stop(s->mk, w->contract);
    }
}

static void on_release(struct engine *e, const struct evq_event *ev, void *model)
{
    struct sls *s = model;
    uint32_t wid;
    struct endpoint *ep = ep_of(s, ev->subject, &wid);

    (void)e;
    if (ep->w[wid].state == W_ERROR)
        release(s, ep, &ep->w[wid]);
}

/* The perf the engine counts worker w at, given the perf it knows ('perf':
 * what its benchmark measured, or DLPerf's prediction before that): times
 * the host's reliability score when the endpoint follows Vast's worker
 * list (perf = measured_perf x reliability, MARKET-FACTS.md 23), so a host
 * that may drop out counts for less in the capacity estimate and in the
 * price-performance order of wakes and releases. Requests are served at
 * the worker's true perf all the same: the score discounts a host's
 * expected presence, not its GPU. */
static double counted_perf(const struct sls *s, const struct endpoint *ep,
                           const struct worker *w, double perf)
{
    return ep->perf_rel && s->mk ? perf * market_sls_reliability(s->mk, w->contract) : perf;
}

/* The eligible worker of highest (dir 1) or lowest (dir -1) performance
 * per dollar, the first of a tie; n if none is eligible. */
static size_t extreme_ppd(const struct sls_worker_view *v, size_t n, int dir)
{
    size_t pick = n;
    double best = 0;

    for (size_t i = 0; i < n; i++) {
        double r;

        if (!v[i].eligible)
            continue;
        r = dir * v[i].perf / (v[i].price_h > 0 ? v[i].price_h : 1e-9);
        if (pick == n || r > best) {
            pick = i;
            best = r;
        }
    }
    return pick;
}

size_t sls_worst(const struct sls_worker_view *v, size_t n)
{
    return extreme_ppd(v, n, -1);
}

size_t sls_best(const struct sls_worker_view *v, size_t n)
{
    return extreme_ppd(v, n, 1);
}

/* The worker in 'state' (idle ones only when Ready) with the worst
 * (best: 'best') price-performance, or NULL: the one the engine gives up
 * first (MARKET-FACTS.md 33), an active worker (w->always_on) only once idle
 * decay has cut max-workers below them, or the Inactive one a scale-up
 * wakes. */
static struct worker *pick(struct sls *s, struct endpoint *ep, enum wstate st, sim_time idle,
                           bool best)
{
    struct sls_worker_view *v = xcalloc(ep->nw, sizeof *v);
    sim_time now = eng_now(s->e);
    /* active workers are kept unless the cap fell below them (idle decay) */
    bool keep_always_on = !best && live_always_on(ep) <= ep->p.max_workers;
    size_t k;

    for (size_t i = 0; i < ep->nw; i++) {
        const struct worker *w = &ep->w[i];

        v[i].price_h = w->price_h;
        /* an active worker runs 24/7: never the one scaled down */
        v[i].eligible = w->state == st && !(w->always_on && keep_always_on) &&
                        !(st == W_READY && (w->q.len || now - w->idle_since < idle));
        if (v[i].eligible)      /* a dead slot has no host */
            v[i].perf = counted_perf(s, ep, w, w->perf);
    }
    k = best ? sls_best(v, ep->nw) : sls_worst(v, ep->nw);
    free(v);
    return k < ep->nw ? &ep->w[k] : NULL;
}

/* One load report and decision for endpoint ep. */
static void scale(struct sls *s, struct endpoint *ep, double dt_s)
{
    sim_time now = eng_now(s->e), idle = sim_time_from_sec(ep->p.idle_s);
    struct sls_obs o = { .backlog = ep->gq_load,
                         .idle_s = sim_time_to_sec(now - ep->last_arrival) };
    struct sls_target t;
    double perf_sum = 0;
    int nperf = 0, cold = 0;

    for (size_t i = 0; ep->gq.len && i < ep->nw; i++)
        pull(s, ep, i);
    /* RunPod's job TTL: a request still in the global queue this long
     * after it arrived will not run (the queue is in arrival order). */
    while (ep->ttl > 0 && ep->gq.len && now - ring_front(&ep->gq)->arrived > ep->ttl) {
        struct req r = ring_pop(&ep->gq);

        ep->gq_load -= r.load;
        expire(s, ep, &r);
    }
    if (!ep->gq.len)
        ep->gq_load = 0;
    ep->ewma += ep->load_alpha * (ep->tick_load / dt_s - ep->ewma);
    ep->tick_load = 0;
    o.load_rate = ep->ewma;
    o.requests = (int)ep->gq.len;       /* and those at workers, below */
    if (ep->gq.len)
        o.queue_s = sim_time_to_sec(now - ring_front(&ep->gq)->arrived);
    for (size_t i = 0; i < ep->nw; i++) {
        struct worker *w = &ep->w[i];

        if (w->state == W_DEAD || w->state == W_ERROR)
            continue;
        o.requests += (int)w->q.len;
        perf_sum += counted_perf(s, ep, w, w->predicted);
        nperf++;
        if (w->state == W_CREATING && now - w->since > ep->create_timeout) {
            release(s, ep, w);  /* never got its GPU (outbid at start) */
            continue;
        }
        if (w->want_active && w->state != W_INACTIVE) {
            o.active++;
            o.starting += w->state != W_READY;
            o.idle += w->state == W_READY && !w->q.len && now - w->idle_since >= idle;
        } else {
            cold++;
        }
    }
    /* RunPod: "idle endpoints: after 3 days, max workers -> 2; after 7
     * days, -> 0", a change to the endpoint's settings that stays until
     * its owner raises them, so for the rest of the run. Idle: no request
     * arrived for that long, and none is waiting or in service. */
    if (ep->decay_two >= 0 && o.requests == 0) {
        sim_time quiet = now - ep->last_arrival;
        int cap = quiet >= ep->decay_zero ? 0 : quiet >= ep->decay_two ? 2 : ep->p.max_workers;

        if (cap < ep->p.max_workers)
            ep->p.max_workers = cap;
    }
    if (nperf)
        ep->perf_guess = perf_sum / nperf;
    o.worker_perf = ep->perf_guess;
    o.total = o.active + cold;
    t = sls_decide(&ep->p, &o);
    /* Scale up: promote cold workers still starting, wake the best
     * Inactive one, else recruit from the market. */
    for (int need = t.active - o.active; need > 0; need--) {
        struct worker *best = NULL;

        for (size_t i = 0; i < ep->nw && !best; i++) {
            struct worker *w = &ep->w[i];

            if (!w->want_active && (w->state == W_CREATING || w->state == W_LOADING))
                best = w;
        }
        if (!best)
            best = pick(s, ep, W_INACTIVE, 0, true);
        if (best) {
            best->want_active = true;
            cold--;
            if (best->state == W_INACTIVE) {
                bool woke = market_sls_wake(s->mk, best->contract);

                /* counted once the market has said: a wake that fails is
                 * no wake (workers_woken), but a worker gone all the same */
                if (after_warmup(s, now))
                    ++*(woke ? &ep->wakes : &ep->wake_failed);
                if (!woke) {
                    /* An interruptible outbid while stopped: useless. */
                    release(s, ep, best);
                    continue;
                }
            }
            maybe_always_on(s, ep, best);
        } else if (o.active + cold < ep->p.max_workers && recruit(s, ep, true)) {
            /* counted as active below */
        } else {
            break;
        }
        o.active++;
    }
    /* Scale down, one worker per report, worst price-performance first:
     * to Inactive if the cold pool wants it, else released. The Vast
     * engine waits until the lower target has held for a while, so load
     * noise around a worker boundary does not cost a cold start each
     * time (the queue-delay policy has its idle timeout instead). */
    if (t.active >= o.active)
        ep->down_since = -1;
    else if (ep->down_since < 0)
        ep->down_since = now;
    if (t.active < o.active &&
        (ep->p.policy != SLS_VAST || now - ep->down_since >= ep->down_delay)) {
        struct worker *w = pick(s, ep, W_READY, idle, false);

        if (w) {
            w->want_active = false;
            if (cold < t.total - t.active && s->mk) {
                set_state(s, w, W_INACTIVE);
                market_sls_stop(s->mk, w->contract);
                cold++;
            } else {
                release(s, ep, w);
            }
            o.active--;
        }
    }
    /* The cold pool: what the total leaves beside the active workers,
     * those still active above a target that fell (waiting out the
     * scale-down delay) included. Against the target alone it hired a
     * cold worker for each of them, and the one scaled down then found
     * the pool full and was released: with an inactivity timeout every
     * quiet spell rented a new worker and dropped a loaded one. */
    if (cold < t.total - (o.active > t.active ? o.active : t.active) &&
        o.active + cold < ep->p.max_workers && s->mk)
        recruit(s, ep, false);
    /* A one-worker dead band: the count target moves with the mean perf
     * of the workers, which moves with every hire and release. */
    if (cold <= t.total - t.active + 1)
        ep->cold_since = -1;
    else if (ep->cold_since < 0)
        ep->cold_since = now;
    if (cold > t.total - t.active + 1 && now - ep->cold_since >= ep->down_delay) {
        struct worker *w = pick(s, ep, W_INACTIVE, 0, false);

        if (w)
            release(s, ep, w);
    }
}

static void tick(struct engine *e, void *ctx)
{
    struct sls *s = ctx;

    (void)e;
    for (size_t i = 0; i < s->nep; i++)
        scale(s, &s->ep[i], 1.0);
}

static void sample(struct engine *e, void *ctx)
{
    struct sls *s = ctx;
    struct results *res = eng_results(e);
    sim_time now = eng_now(e);

    for (size_t k = 0; k < s->nep; k++) {
        const struct endpoint *ep = &s->ep[k];
        double n[W_DEAD + 1] = { 0 };

        for (size_t i = 0; i < ep->nw; i++)
            n[ep->w[i].state]++;
        res_sample(res, now, "workers_creating", "endpoint", ep->name, n[W_CREATING]);
        res_sample(res, now, "workers_loading", "endpoint", ep->name, n[W_LOADING]);
        res_sample(res, now, "workers_ready", "endpoint", ep->name, n[W_READY]);
        res_sample(res, now, "workers_inactive", "endpoint", ep->name, n[W_INACTIVE]);
        res_sample(res, now, "queue_length", "endpoint", ep->name, (double)ep->gq.len);
    }
}

/* ---- set-up and results ---- */

static int load_endpoint(struct sls *s, struct endpoint *ep, const struct scn_run *r,
                         const char *nm, struct diag *d)
{
    const char *pol = scn_strf(r, "endpoint.%s.policy", nm), *list;
    char key[160];
    int nerr;
    bool prio;

    ep->name = nm;
    ep->p.policy = strcmp(pol, "fixed") == 0 ? SLS_FIXED :
                   strcmp(pol, "queue-delay") == 0 ? SLS_QUEUE_DELAY :
                   strcmp(pol, "request-count") == 0 ? SLS_REQUEST_COUNT : SLS_VAST;
    ep->p.per_worker = scn_realf(r, "endpoint.%s.request-count", nm);
    ep->p.min_workers = (int)scn_intf(r, "endpoint.%s.min-workers", nm);
    ep->p.max_workers = (int)scn_intf(r, "endpoint.%s.max-workers", nm);
    ep->p.active_workers = (int)scn_intf(r, "endpoint.%s.active-workers", nm);
    ep->active_discount = scn_realf(r, "endpoint.%s.active-discount", nm);
    ep->decay_two = ep->decay_zero = -1;
    if (scn_boolf(r, "endpoint.%s.idle-decay", nm)) {
        ep->decay_two = scn_timef(r, "endpoint.%s.idle-decay-two", nm);
        ep->decay_zero = scn_timef(r, "endpoint.%s.idle-decay-zero", nm);
        if (ep->decay_zero < ep->decay_two) {
            snprintf(key, sizeof key, "endpoint.%s.idle-decay-zero", nm);
            diag_error(d, scn_where(r, key), "endpoint %s: idle-decay-zero %gd is shorter "
                       "than idle-decay-two %gd", nm, sim_time_to_sec(ep->decay_zero) / 86400,
                       sim_time_to_sec(ep->decay_two) / 86400);
        }
    }
    ep->p.fixed_workers = (int)scn_intf(r, "endpoint.%s.fixed-workers", nm);
    ep->p.min_load = scn_realf(r, "endpoint.%s.min-load", nm);
    ep->p.min_cold_load = scn_realf(r, "endpoint.%s.min-cold-load", nm);
    ep->p.target_util = scn_realf(r, "endpoint.%s.target-util", nm);
    ep->p.cold_mult = scn_realf(r, "endpoint.%s.cold-mult", nm);
    ep->p.inactivity_s = sim_time_to_sec(scn_timef(r, "endpoint.%s.inactivity-timeout", nm));
    ep->p.max_queue_s = sim_time_to_sec(scn_timef(r, "endpoint.%s.max-queue-time", nm));
    ep->p.target_queue_s = sim_time_to_sec(scn_timef(r, "endpoint.%s.target-queue-time", nm));
    ep->p.queue_delay_s = sim_time_to_sec(scn_timef(r, "endpoint.%s.queue-delay", nm));
    ep->p.idle_s = sim_time_to_sec(scn_timef(r, "endpoint.%s.idle-timeout", nm));
    ep->gpu_ram = scn_realf(r, "endpoint.%s.gpu-ram", nm);
    ep->gpus = (uint32_t)scn_intf(r, "endpoint.%s.gpus-per-worker", nm);
    if (ep->gpus & (ep->gpus - 1)) {
        snprintf(key, sizeof key, "endpoint.%s.gpus-per-worker", nm);
        diag_error(d, scn_where(r, key), "endpoint %s: gpus-per-worker must be 1, 2, 4, 8 or "
                   "16 (offers come in powers of two), got %u", nm, (unsigned)ep->gpus);
    }
    ep->image_gb = scn_realf(r, "endpoint.%s.image", nm);
    ep->model_load = scn_timef(r, "endpoint.%s.model-load", nm);
    ep->rate = scn_realf(r, "endpoint.%s.rate", nm);
    ep->amp = scn_realf(r, "endpoint.%s.day-amplitude", nm);
    ep->tz = scn_realf(r, "endpoint.%s.tz", nm);
    ep->burst_rate = scn_realf(r, "endpoint.%s.burst-rate", nm);
    ep->burst_size = scn_realf(r, "endpoint.%s.burst-size", nm);
    ep->load_mean = scn_realf(r, "endpoint.%s.load-mean", nm);
    ep->perf_per_dlperf = scn_realf(r, "endpoint.%s.perf-per-dlperf", nm);
    ep->perf_sigma = scn_realf(r, "endpoint.%s.perf-sigma", nm);
    ep->interruptible = scn_boolf(r, "endpoint.%s.interruptible", nm);
    ep->learning = scn_boolf(r, "endpoint.%s.learning", nm);
    ep->perf_rel = scn_boolf(r, "endpoint.%s.perf-reliability", nm);
    ep->learn_models = (int)scn_intf(r, "endpoint.%s.learning-models", nm);
    ep->load_alpha = 1.0 - exp(-1.0 / sim_time_to_sec(scn_timef(r, "endpoint.%s.load-window", nm)));
    ep->reject_after = scn_timef(r, "endpoint.%s.reject-after", nm);
    ep->create_timeout = scn_timef(r, "endpoint.%s.create-timeout", nm);
    ep->exec_timeout = scn_timef(r, "endpoint.%s.execution-timeout", nm);
    ep->flashboot = scn_boolf(r, "endpoint.%s.flashboot", nm);
    ep->fb_window = scn_timef(r, "endpoint.%s.flashboot-window", nm);
    ep->fb_load = scn_timef(r, "endpoint.%s.flashboot-load", nm);
    ep->ttl = scn_timef(r, "endpoint.%s.job-ttl", nm);
    ep->down_delay = scn_timef(r, "endpoint.%s.scale-down-delay", nm);
    ep->down_since = ep->cold_since = -1;
    ep->peak = ep->rate * (1.0 + ep->amp);
    ep->perf_guess = 100.0 * ep->perf_per_dlperf * ep->gpus;  /* reference GPUs, until one is hired */
    if (ep->p.min_workers > ep->p.max_workers) {
        snprintf(key, sizeof key, "endpoint.%s.min-workers", nm);
        diag_error(d, scn_where(r, key), "endpoint %s: min-workers %d exceeds max-workers %d",
                   nm, ep->p.min_workers, ep->p.max_workers);
    }
    if (ep->p.active_workers > ep->p.max_workers) {
        snprintf(key, sizeof key, "endpoint.%s.active-workers", nm);
        diag_error(d, scn_where(r, key), "endpoint %s: active-workers %d exceeds max-workers %d",
                   nm, ep->p.active_workers, ep->p.max_workers);
    }
    if (ep->p.policy == SLS_FIXED && ep->p.fixed_workers > ep->p.max_workers) {
        snprintf(key, sizeof key, "endpoint.%s.fixed-workers", nm);
        diag_error(d, scn_where(r, key), "endpoint %s: fixed-workers %d exceeds max-workers %d",
                   nm, ep->p.fixed_workers, ep->p.max_workers);
    }
    if (ep->burst_rate > 0 && !(ep->burst_size >= 1)) {
        snprintf(key, sizeof key, "endpoint.%s.burst-size", nm);
        diag_error(d, scn_where(r, key), "endpoint %s: burst-rate > 0 needs burst-size >= 1, got %g",
                   nm, ep->burst_size);
    }
    s->ngpus = s->mk ? market_sls_gpu_count(s->mk) : 1;
    ep->allowed = xcalloc(s->ngpus, 1);
    ep->trying = xcalloc(s->ngpus, 1);
    ep->learned = xcalloc(s->ngpus, sizeof *ep->learned);
    ep->weight = xcalloc(s->ngpus, sizeof *ep->weight);
    ep->factor = xcalloc(s->ngpus, sizeof *ep->factor);
    ep->hired_by = xcalloc(s->ngpus, sizeof *ep->hired_by);
    for (size_t g = 0; g < s->ngpus; g++) {
        ep->weight[g] = 1.0;
        ep->factor[g] = NaN;
    }
    /* Allowed GPU models: a comma-separated list of catalogue names. */
    list = scn_strf(r, "endpoint.%s.gpus", nm);
    nerr = d->nerrors;
    snprintf(key, sizeof key, "endpoint.%s.gpus", nm);
    prio = scn_boolf(r, "endpoint.%s.gpu-priority", nm) && s->mk;
    ep->spread = scn_realf(r, "endpoint.%s.spread-share", nm);
    if (prio && !*list) {
        snprintf(key, sizeof key, "endpoint.%s.gpu-priority", nm);
        diag_error(d, scn_where(r, key), "endpoint %s: gpu-priority needs 1-%d GPU models "
                   "in gpus, first choice first", nm, SLS_MAX_PRIO);
        snprintf(key, sizeof key, "endpoint.%s.gpus", nm);
    }
    if (!*list || !s->mk) {
        memset(ep->allowed, 1, s->ngpus);
    } else {
        for (const char *p = list; *p;) {
            size_t len = strcspn(p, ",");
            bool found = false;

            while (len && (*p == ' ')) {
                p++;
                len--;
            }
            while (len && p[len - 1] == ' ')     /* "RTX 3090 , RTX 4090" */
                len--;
            for (size_t g = 0; g < s->ngpus; g++) {
                const char *gn = market_sls_gpu_name(s->mk, g);

                if (strlen(gn) == len && strncmp(gn, p, len) == 0) {
                    if (ep->allowed[g] && prio)
                        diag_error(d, scn_where(r, key), "endpoint %s: GPU model \"%s\" "
                                   "listed twice in a priority list", nm, gn);
                    else if (prio && ep->nprio == SLS_MAX_PRIO)
                        diag_error(d, scn_where(r, key), "endpoint %s: a priority list "
                                   "names at most %d GPU models", nm, SLS_MAX_PRIO);
                    else if (prio)
                        ep->prio[ep->nprio++] = (uint32_t)g;
                    ep->allowed[g] = 1;
                    found = true;
                }
            }
            if (!found) {
                char typed[128], hint[160];

                snprintf(typed, sizeof typed, "%.*s", (int)len, p);
                diag_error(d, scn_where(r, key), "endpoint %s: unknown GPU model \"%.*s\"%s",
                           nm, (int)len, p,
                           param_hint(market_sls_gpu_near(s->mk, typed), hint, sizeof hint));
            }
            p += strcspn(p, ",");
            if (*p == ',')
                p++;
        }
    }
    /* The search hires only GPUs with at least gpu-ram GB: with no
     * allowed model that large the endpoint can never have a worker, and
     * its requests waited in the global queue for good, none rejected
     * and nothing said. */
    if (s->mk && d->nerrors == nerr) {     /* the list was good */
        double most = 0;

        for (size_t g = 0; g < s->ngpus; g++)
            if (ep->allowed[g] && market_sls_gpu_vram(s->mk, g) > most)
                most = market_sls_gpu_vram(s->mk, g);
        if (most < ep->gpu_ram) {
            snprintf(key, sizeof key, "endpoint.%s.gpu-ram", nm);
            diag_error(d, scn_where(r, key), "endpoint %s: gpu-ram %g GB exceeds every allowed "
                       "GPU model (the largest has %g GB): no worker could be hired",
                       nm, ep->gpu_ram, most);
        }
    }
    return d->nerrors ? SIM_EINVAL : SIM_OK;
}

struct sls *sls_new(struct engine *e, const struct scn_run *run, struct market *mk,
                    uint32_t payer0, struct diag *d, int *rc)
{
    const char **names;
    size_t n = scn_entities(run, "endpoint", &names), nen = 0;
    struct sls *s;
    int nerr = d->nerrors;

    *rc = SIM_OK;
    for (size_t i = 0; i < n; i++)
        nen += scn_boolf(run, "endpoint.%s.enabled", names[i]);
    if (nen == 0)
        return NULL;            /* nothing drawn, nothing scheduled */
    s = xcalloc(1, sizeof *s);
    s->e = e;
    s->mk = mk;
    s->ep = xcalloc(nen, sizeof *s->ep);
    for (size_t i = 0; i < n; i++) {
        struct endpoint *ep;

        if (!scn_boolf(run, "endpoint.%s.enabled", names[i]))
            continue;
        ep = &s->ep[s->nep];
        ep->payer = payer0 + (uint32_t)s->nep;
        s->nep++;
        load_endpoint(s, ep, run, names[i], d);
    }
    if (d->nerrors > nerr) {
        *rc = SIM_EINVAL;
        sls_free(s);
        return NULL;
    }
    s->k_arrive = eng_kind(e, "sls.arrive", on_arrive, s);
    s->k_burst = eng_kind(e, "sls.burst", on_burst, s);
    s->k_done = eng_kind(e, "sls.done", on_done, s);
    s->k_ready = eng_kind(e, "sls.ready", on_ready, s);
    s->k_release = eng_kind(e, "sls.release", on_release, s);
    for (size_t i = 0; i < s->nep; i++) {
        struct endpoint *ep = &s->ep[i];

        ep->arr = rng_getf(eng_rngs(e), "serverless.%s.arrivals", ep->name);
        ep->sz = rng_getf(eng_rngs(e), "serverless.%s.loads", ep->name);
        ep->rperf = rng_getf(eng_rngs(e), "serverless.%s.perf", ep->name);
        if (ep->peak > 0)
            eng_after(e, 1 + sim_time_from_sec(gsl_ran_exponential(ep->arr, 1.0 / ep->peak)),
                      s->k_arrive, (uint32_t)i);
        if (ep->burst_rate > 0)
            eng_after(e, 1 + sim_time_from_sec(gsl_ran_exponential(ep->arr, 86400.0 / ep->burst_rate)),
                      s->k_burst, (uint32_t)i);
    }
    /* Load reports every second, as PyWorkers post them. */
    eng_every(e, 0, SIM_SEC, tick, s);
    eng_every(e, 0, scn_time(run, "serverless.sample-interval"), sample, s);
    return s;
}

void sls_free(struct sls *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nep; i++) {
        struct endpoint *ep = &s->ep[i];

        for (size_t k = 0; k < ep->nw; k++)
            free(ep->w[k].q.v);
        free(ep->w);
        free(ep->gq.v);
        free(ep->allowed);
        free(ep->hired_by);
        free(ep->warm_m);
        free(ep->warm_until);
        free(ep->trying);
        free(ep->learned);
        free(ep->weight);
        free(ep->factor);
        free(ep->lat);
        free(ep->qt);
    }
    free(s->ep);
    free(s->outcome);
    free(s);
}

size_t sls_count(const struct sls *s)
{
    return s ? s->nep : 0;
}

const char *sls_name(const struct sls *s, size_t ep)
{
    return s->ep[ep].name;
}

double sls_image_gb(const struct sls *s, size_t ep)
{
    return s->ep[ep].image_gb;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double quantile(const double *v, size_t n, double q)
{
    double pos;
    size_t i;

    if (n == 0)
        return NaN;
    pos = q * (double)(n - 1);
    i = (size_t)pos;
    return i + 1 < n ? v[i] + (pos - (double)i) * (v[i + 1] - v[i]) : v[i];
}

/* Requests in 'r' that arrived after the warm-up (those the statistics
 * count). */
static uint64_t counted_in(const struct sls *s, const struct ring *r)
{
    uint64_t n = 0;

    for (size_t i = 0; i < r->len; i++)
        n += after_warmup(s, r->v[(r->head + i) % r->cap].arrived);
    return n;
}

/* Every request is accounted for: served, rejected, timed out, expired,
 * or still waiting at the end, in the global queue or a worker's. A request that a lost,
 * preempted or released worker held goes back to the global queue
 * (requeue); one dropped on the way would leave the latencies looking
 * better than they are. */
static bool check_requests(const struct sls *s, const struct endpoint *ep)
{
    uint64_t waiting = counted_in(s, &ep->gq);

    for (size_t i = 0; i < ep->nw; i++)
        waiting += counted_in(s, &ep->w[i].q);
    if (ep->requests == ep->served + ep->rejections + ep->timed_out + ep->expired + waiting)
        return true;
    eng_fail(s->e, "serverless.requests", "endpoint %s: %llu requests != %llu served + "
             "%llu rejected + %llu timed out + %llu expired + %llu waiting", ep->name,
             (unsigned long long)ep->requests, (unsigned long long)ep->served,
             (unsigned long long)ep->rejections, (unsigned long long)ep->timed_out,
             (unsigned long long)ep->expired, (unsigned long long)waiting);
    return false;
}

/* FlashBoot uses each state a released worker left at most once: every
 * state kept has expired, started one hire, or is still held. A state
 * used twice would count FlashBoot hires (and their 2-second loads) that
 * no release paid for. */
static bool check_warm_states(const struct sls *s, const struct endpoint *ep)
{
    if (ep->warm_kept == ep->warm_expired + ep->warm_used + ep->nwarm)
        return true;
    eng_fail(s->e, "serverless.flashboot", "endpoint %s: %llu worker states kept != %llu "
             "expired + %llu used + %zu held", ep->name, (unsigned long long)ep->warm_kept,
             (unsigned long long)ep->warm_expired, (unsigned long long)ep->warm_used, ep->nwarm);
    return false;
}

bool sls_finish(struct sls *s, struct results *res)
{
    bool ok = true;

    if (!s)
        return true;
    for (size_t k = 0; k < s->nep; k++) {
        struct endpoint *ep = &s->ep[k];
        const char *nm = ep->name;
        double *v = xcalloc(ep->nlat, sizeof *v);
        double cost = s->mk ? market_sls_spend_usd(s->mk, ep->payer) : 0.0;

        if (ep->nlat)
            memcpy(v, ep->lat, ep->nlat * sizeof *v);
        qsort(v, ep->nlat, sizeof *v, cmp_double);
        res_scalar(res, "latency_p50_s", "endpoint", nm, quantile(v, ep->nlat, 0.50), "s");
        res_scalar(res, "latency_p95_s", "endpoint", nm, quantile(v, ep->nlat, 0.95), "s");
        res_scalar(res, "latency_p99_s", "endpoint", nm, quantile(v, ep->nlat, 0.99), "s");
        res_scalar(res, "latency_mean_s", "endpoint", nm,
                   ep->served ? ep->lsum / (double)ep->served : NaN, "s");
        res_scalar(res, "queue_time_mean_s", "endpoint", nm,
                   ep->served ? ep->qsum / (double)ep->served : NaN, "s");
        res_scalar(res, "requests", "endpoint", nm, (double)ep->requests, "1");
        res_scalar(res, "served", "endpoint", nm, (double)ep->served, "1");
        res_scalar(res, "rejections", "endpoint", nm, (double)ep->rejections, "1");
        res_scalar(res, "timed_out", "endpoint", nm, (double)ep->timed_out, "1");
        res_scalar(res, "expired", "endpoint", nm, (double)ep->expired, "1");
        res_scalar(res, "cold_starts", "endpoint", nm, (double)ep->cold_starts, "1");
        res_scalar(res, "workers_lost", "endpoint", nm, (double)ep->lost, "1");
        res_scalar(res, "workers_hired", "endpoint", nm, (double)ep->hires, "1");
        res_scalar(res, "workers_flashbooted", "endpoint", nm, (double)ep->flashboots, "1");
        res_scalar(res, "workers_woken", "endpoint", nm, (double)ep->wakes, "1");
        res_scalar(res, "workers_wake_failed", "endpoint", nm, (double)ep->wake_failed, "1");
        res_scalar(res, "workers_preempted", "endpoint", nm, (double)ep->preempted, "1");
        res_scalar(res, "workers_disconnected", "endpoint", nm, (double)ep->disconnected, "1");
        res_scalar(res, "max_workers_at_end", "endpoint", nm, (double)ep->p.max_workers, "1");
        {
            size_t nb = 0;

            for (size_t g = 0; g < s->ngpus; g++)
                nb += ep->learned[g];
            res_scalar(res, "gpu_models_benchmarked", "endpoint", nm, (double)nb, "1");
        }
        if (s->mk) {            /* where the workers came from: models hired from only */
            char kind[160];

            snprintf(kind, sizeof kind, "endpoint:%s", nm);
            for (size_t g = 0; g < s->ngpus; g++)
                if (ep->hired_by[g])
                    res_scalar(res, "workers_hired", kind, market_sls_gpu_name(s->mk, g),
                               (double)ep->hired_by[g], "1");
        }
        res_scalar(res, "cost_usd", "endpoint", nm, cost, "USD");
        res_scalar(res, "cost_per_1000_requests_usd", "endpoint", nm,
                   ep->served ? 1000.0 * cost / (double)ep->served : NaN, "USD");
        res_scalar(res, "cost_per_load_usd", "endpoint", nm,
                   ep->load_served > 0 ? cost / ep->load_served : NaN, "USD/perf");
        free(v);
        ok &= check_requests(s, ep);
        ok &= check_warm_states(s, ep);
    }
    return ok;
}

/* ---- sls-mmc: the routing code as an M/M/c queue (reproduce) ----
 *
 * One endpoint of the scenario, fixed pool of c free identical workers,
 * Poisson arrivals (day-amplitude 0), exponential loads, max-queue-time 0
 * so a request goes only to an idle worker and otherwise waits in the
 * global FIFO queue: exactly M/M/c with mu = perf / load-mean. The mean
 * queue time is compared with Erlang C, W_q = C(c, a) / (c mu - lambda),
 * its 95% CI from batch means over consecutive served requests. */

struct solo {
    struct sls *s;
    int batches;
    double tol;
};

static void *solo_setup(struct engine *e, const struct scn_run *run, struct diag *d)
{
    struct solo *m = xcalloc(1, sizeof *m);
    int rc;

    m->batches = (int)scn_int(run, "sls-mmc.batches");
    m->tol = scn_real(run, "sls-mmc.tol");
    m->s = sls_new(e, run, NULL, 0, d, &rc);
    if (!m->s) {
        if (rc == SIM_OK)
            diag_error(d, NULL, "sls-mmc: no endpoint enabled");
        free(m);
        return NULL;
    }
    m->s->solo_perf = scn_real(run, "sls-mmc.perf");
    m->s->log_outcomes = m->s->ep[0].ttl > 0;
    {
        const struct endpoint *ep = &m->s->ep[0];
        double mu = m->s->solo_perf / ep->load_mean;
        /* a timeout cuts the service: its mean is (1 - e^-mu T) / mu */
        double mu_s = ep->exec_timeout > 0
                      ? mu / (1 - exp(-mu * sim_time_to_sec(ep->exec_timeout))) : mu;

        if (ep->p.policy != SLS_FIXED || ep->amp != 0 || ep->burst_rate > 0 ||
            /* on a = rate / mu, as Erlang C in solo_finish() needs: rate
             * < c mu could hold after rounding with a = c (an abort) */
            !(ep->rate / mu_s < (double)ep->p.fixed_workers)) {
            diag_error(d, NULL, "sls-mmc: endpoint %s must be a fixed pool with stationary "
                       "Poisson arrivals below capacity (rate %g, c mu %g)", ep->name,
                       ep->rate, ep->p.fixed_workers * mu_s);
            sls_free(m->s);
            free(m);
            return NULL;
        }
        if ((ep->ttl > 0 || ep->exec_timeout > 0) &&
            (ep->p.fixed_workers != 1 || (ep->ttl > 0 && ep->exec_timeout > 0))) {
            diag_error(d, NULL, "sls-mmc: endpoint %s: a job-ttl is checked against M/M/1+D "
                       "and an execution-timeout against M/G/1, one at a time, each with "
                       "fixed-workers 1 (got %d)", ep->name, ep->p.fixed_workers);
            sls_free(m->s);
            free(m);
            return NULL;
        }
    }
    return m;
}

/* Mean of n values in 'nb' consecutive batches and its 95% CI half-width
 * (batch means); false when there are fewer values than batches. */
static bool batch_means(size_t n, size_t nb, double (*at)(const void *, size_t),
                        const void *v, double *mean, double *half)
{
    size_t per = n / nb;
    double s1 = 0, s2 = 0;

    if (per == 0)
        return false;
    for (size_t b = 0; b < nb; b++) {
        double x = 0;

        for (size_t i = b * per; i < (b + 1) * per; i++)
            x += at(v, i);
        x /= (double)per;
        s1 += x;
        s2 += x * x;
    }
    *mean = s1 / (double)nb;
    *half = repro_ci95((double)nb, s1, s2);
    return true;
}

static double at_double(const void *v, size_t i) { return ((const double *)v)[i]; }
static double at_byte(const void *v, size_t i) { return ((const uint8_t *)v)[i]; }

/* With a job TTL tau on one worker the queue is M/M/1+D: a request is
 * dropped when the work ahead of it exceeds tau, and then adds none. The
 * virtual waiting time V has an atom p0 at 0 and density
 * p0 lambda e^-(mu-lambda)x on (0, tau], p0 lambda e^-(mu-lambda)tau
 * e^-mu(x-tau) beyond (equal rates of crossing each level up and down),
 * so P(dropped) = P(V > tau) = p0 lambda e^-(mu-lambda)tau / mu. */
/* With an execution timeout T on one worker the service time is
 * S = min(X, T), X exponential: E[S] = (1 - e^-mu T) / mu and E[S^2] =
 * the integral of 2x P(X > x) over [0, T] = 2 (1 - e^-mu T (1 + mu T)) /
 * mu^2. A request's wait does not depend on its own service, so the
 * served requests wait as all do: Pollaczek-Khinchine,
 * W_q = lambda E[S^2] / (2 (1 - lambda E[S])). */
double sls_mg1_timeout_wq(double lambda, double mu, double t)
{
    double q = exp(-mu * t), es = (1 - q) / mu, es2 = 2 * (1 - q * (1 + mu * t)) / (mu * mu);

    return lambda * es2 / (2 * (1 - lambda * es));
}

double sls_mm1d_dropped(double lambda, double mu, double tau)
{
    double q = exp(-(mu - lambda) * tau);
    double inv_p0 = 1 + lambda * q / mu +
                    (fabs(mu - lambda) > 1e-12 * mu ? lambda * (1 - q) / (mu - lambda)
                                                     : lambda * tau);

    return lambda * q / mu / inv_p0;
}

static int solo_finish(struct engine *e, void *state)
{
    struct solo *m = state;
    const struct endpoint *ep = &m->s->ep[0];
    unsigned c = (unsigned)ep->p.fixed_workers;
    double mu = m->s->solo_perf / ep->load_mean, lambda = ep->rate, a = lambda / mu;
    size_t nb = (size_t)m->batches;
    bool ttl = ep->ttl > 0, ok;
    double mean, half, tau = sim_time_to_sec(ep->ttl);
    char name[160];

    if (!sls_finish(m->s, eng_results(e)))
        return SIM_ECHECK;
    ok = ttl ? batch_means(m->s->nout, nb, at_byte, m->s->outcome, &mean, &half)
             : batch_means(ep->nlat, nb, at_double, ep->qt, &mean, &half);
    if (!ok) {                  /* it once failed here without a word */
        eng_fail(e, "sls-mmc.batches", "endpoint %s: %zu requests %s after the warm-up, "
                 "fewer than sls-mmc.batches = %zu: no batch means (run longer)",
                 ep->name, ttl ? m->s->nout : ep->nlat, ttl ? "ended" : "served", nb);
        return SIM_ECHECK;
    }
    if (ttl) {
        snprintf(name, sizeof name, "serverless job TTL: dropped share vs M/M/1+D a=%g "
                 "tau mu=%g", a, tau * mu);
        return repro_target(e, name, sls_mm1d_dropped(lambda, mu, tau), mean, half, REPRO_REL,
                            m->tol, 0.0) ? SIM_OK : SIM_ECHECK;
    }
    if (ep->exec_timeout > 0) {
        double t = sim_time_to_sec(ep->exec_timeout);

        snprintf(name, sizeof name, "serverless timeout: W_q vs M/G/1 (P-K) a=%g T mu=%g",
                 a, t * mu);
        return repro_target(e, name, sls_mg1_timeout_wq(lambda, mu, t), mean, half, REPRO_REL,
                            m->tol, 0.0) ? SIM_OK : SIM_ECHECK;
    }
    snprintf(name, sizeof name, "serverless fixed pool W_q vs Erlang C c=%u a=%g", c, a);
    return repro_target(e, name, repro_erlang_c(c, a) / (c * mu - lambda), mean, half,
                        REPRO_REL, m->tol, 0.0) ? SIM_OK : SIM_ECHECK;
}

static void solo_free(void *state)
{
    struct solo *m = state;

    if (m)
        sls_free(m->s);
    free(m);
}

static void solo_register(struct param_registry *reg)
{
    (void)reg;                  /* the market registers every endpoint key */
}

const struct sim_model sls_mmc_model = {
    "sls-mmc", "serverless routing as an M/M/c queue (reproduce: Erlang C; with a job TTL, M/M/1+D; with an execution timeout, M/G/1)",
    solo_register, solo_setup, solo_finish, solo_free,
};
