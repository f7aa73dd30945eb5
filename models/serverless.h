/* models/serverless.h -- Vast-style serverless endpoints inside a market run.
 *
 * An endpoint owns a worker group: workers are GPU rentals recruited
 * through the market's search (best price-performance first) and released
 * worst price-performance first. Requests arrive (daily cycle, bursts),
 * carry a load in perf units and are routed to the worker with the
 * smallest expected wait if that wait is within max_queue_time, else to
 * the endpoint's global FIFO queue. An autoscaler (Vast's load-based
 * engine, a RunPod-style queue-delay scaler, or a fixed pool) decides how
 * many workers are active (Ready/Loading: GPU billed) and how many cold
 * (Inactive: storage billed only) (MARKET-FACTS.md 31-34).
 *
 * The market calls in (sls_on_*) when a worker's contract starts running,
 * is paused by preemption, or is killed by a failure; the endpoints call
 * out through market_sls_* (implemented in models/market.c, "serverless
 * hooks"). With no endpoint enabled sls_new() returns NULL having drawn no
 * random number and scheduled no event, so a market run is unchanged.
 *
 * The same queueing code runs without a market (mk == NULL): workers are
 * then synthetic, identical and free, which is what the M/M/c validation
 * model "sls-mmc" uses.
 */
#ifndef MODELS_SERVERLESS_H
#define MODELS_SERVERLESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sim/err.h"
#include "sim/model.h"
#include "sim/money.h"

struct engine;
struct market;
struct param_registry;
struct results;
struct scn_run;
struct sls;

enum sls_policy { SLS_VAST, SLS_QUEUE_DELAY, SLS_FIXED, SLS_REQUEST_COUNT };

/* The parameters the scaling decision reads (a plain bundle). */
struct sls_params {
    enum sls_policy policy;
    int min_workers, max_workers, fixed_workers;
    double min_load, min_cold_load, target_util, cold_mult;   /* perf units/s */
    double inactivity_s;        /* 0: never scale to zero */
    double max_queue_s, target_queue_s, queue_delay_s, idle_s;
    double per_worker;          /* request-count: requests per worker (> 0) */
    int active_workers;         /* RunPod active workers: a floor on active */
};

/* What the engine observes at a decision (one load report). */
struct sls_obs {
    double load_rate;           /* anticipated load, perf units/s */
    double queue_s;             /* oldest request's wait in the global queue */
    double backlog;             /* load waiting in the global queue */
    double worker_perf;         /* mean perf a worker counts at (units/s), > 0 */
    int active;                 /* Ready + Loading + Creating-for-active */
    int total;                  /* active + inactive + creating cold */
    int starting;               /* active ones still Creating or Loading */
    int idle;                   /* Ready ones idle for at least idle-timeout */
    double idle_s;              /* time since the last request arrived */
    int requests;               /* queued (global and at workers) or in service */
};

struct sls_target {
    int active;                 /* workers that should be Ready (GPU billed) */
    int total;                  /* active + cold (Inactive) */
};

/* The autoscaler as a pure function, so each rule is unit-testable. */
struct sls_target sls_decide(const struct sls_params *p, const struct sls_obs *o);

/* Scale-down picks the eligible worker with the lowest perf per dollar
 * (ties: the first); returns n if none is eligible. */
struct sls_worker_view {
    double perf, price_h;
    bool eligible;
};
size_t sls_worst(const struct sls_worker_view *v, size_t n);
/* Scale-up, once no cold worker is still starting, wakes the eligible
 * (Inactive) worker with the highest perf per dollar (ties: the first);
 * returns n if none is eligible. */
size_t sls_best(const struct sls_worker_view *v, size_t n);

/* RunPod's GPU priority list (up to SLS_MAX_PRIO models): the order in
 * which a new worker's GPU model is tried. 'count' holds the live
 * workers on each listed model, 'share' the part of the workers each
 * lower priority keeps once the endpoint has five or more (the new one
 * counted): a lower priority short of floor(share x workers) comes first,
 * the rest follow in the list's order. Writes n indices into 'order'. */
#define SLS_MAX_PRIO 3
void sls_priority_order(const int *count, size_t n, double share, size_t *order);

/* The share of requests an M/M/1 queue drops when each must start within
 * tau of its arrival (M/M/1+D; arrival rate lambda, service rate mu). */
double sls_mm1d_dropped(double lambda, double mu, double tau);
/* The mean queue time of an M/G/1 queue whose exponential service (rate
 * mu) is cut at t (execution timeout): Pollaczek-Khinchine. */
double sls_mg1_timeout_wq(double lambda, double mu, double t);

void sls_register_params(struct param_registry *reg);

/* Builds every enabled endpoint of the run; 'payer0' is the ledger payer
 * index of the first endpoint. Returns NULL with *rc == SIM_OK when no
 * endpoint is enabled, NULL with *rc < 0 after reporting errors. */
struct sls *sls_new(struct engine *e, const struct scn_run *run,
                    struct market *mk, uint32_t payer0, struct diag *d, int *rc);
void sls_free(struct sls *s);                   /* NULL is a no-op */
size_t sls_count(const struct sls *s);          /* 0 for NULL */
const char *sls_name(const struct sls *s, size_t ep);
double sls_image_gb(const struct sls *s, size_t ep);

/* Market -> endpoints: contract 'cid' of a worker ... */
void sls_on_running(struct sls *s, uint32_t cid);   /* started or resumed */
void sls_on_paused(struct sls *s, uint32_t cid);    /* preempted (interruptible) */
void sls_on_offline(struct sls *s, uint32_t cid);   /* paused: its host went offline */
void sls_on_lost(struct sls *s, uint32_t cid);      /* ended by a failure */

/* Records the endpoint scalars (after the market closed the books) and
 * checks that every request is accounted for (invariant
 * serverless.requests); false, with the failure reported, if not. */
bool sls_finish(struct sls *s, struct results *res);

/* ---- implemented by models/market.c ("serverless hooks") ---- */

struct sls_query {
    uint32_t payer;             /* ledger payer of the endpoint */
    double gpu_ram;             /* GB per GPU, at least */
    uint32_t gpus;              /* GPUs per worker: 1, 2, 4, 8 or 16 */
    const uint8_t *allowed;     /* per catalogue model, nonzero = allowed; NULL = all */
    const double *weight;       /* per model, measured/predicted perf; NULL = 1 */
    bool interruptible;
    bool by_reliability;        /* rank by perf x the host's reliability score */
    const uint32_t *warm;       /* machines holding the endpoint's worker state */
    size_t nwarm;               /* (FlashBoot), tried first, the last one first */
};

struct sls_hire {
    uint32_t contract;
    uint32_t gpu;               /* catalogue model index */
    double dlperf;              /* of the worker's GPUs together */
    money price;                /* per GPU-hour */
    uint32_t machine;
    bool warm;                  /* on a machine of q->warm: no image download */
};

/* Rents the best DLPerf-per-dollar machine for a worker; false if none
 * (or the container failed to start). */
bool market_sls_recruit(struct market *mk, const struct sls_query *q, struct sls_hire *out);
void market_sls_release(struct market *mk, uint32_t cid);   /* destroy */
/* Makes worker 'cid' one of RunPod's active workers: on demand it pays
 * its locked ask less 'discount' from now on (the GPU time so far is
 * billed at the old rate first); an interruptible worker keeps paying its
 * bid. Once per worker. Returns the rate it now pays per GPU-hour. */
money market_sls_always_on(struct market *mk, uint32_t cid, double discount);
void market_sls_stop(struct market *mk, uint32_t cid);      /* Inactive: storage only */
/* Back to running; false if an interruptible worker lost its GPU to a
 * higher bid while stopped (the contract stays paused). */
bool market_sls_wake(struct market *mk, uint32_t cid);
/* The reliability score the market shows for the host of contract 'cid'
 * now (Vast's worker list: perf = measured perf x reliability). */
double market_sls_reliability(const struct market *mk, uint32_t cid);
size_t market_sls_gpu_count(const struct market *mk);
const char *market_sls_gpu_name(const struct market *mk, size_t g);
/* The catalogue model named nearest 'typed', for a "did you mean" after
 * an unknown name (the rule of every hint, param_near_enough; the first
 * in catalogue order of equally near ones); NULL when none is near.
 * (models/market_load.c, which reports its own unknown names with it.) */
const char *market_sls_gpu_near(const struct market *mk, const char *typed);
double market_sls_gpu_vram(const struct market *mk, size_t g);     /* GB per GPU */
double market_sls_spend_usd(const struct market *mk, uint32_t payer);  /* after warm-up */

extern const struct sim_model sls_mmc_model;

#endif
