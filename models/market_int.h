/* models/market_int.h -- the market's private types, shared by its files.
 *
 * models/market.c runs the market (supply, search, contracts, billing,
 * outages); models/market_load.c turns the scenario and the data tables
 * into the structs below; models/market_metrics.c samples, closes the
 * books and checks the invariants. Nothing outside models/market*.c
 * includes this: the public face is models/market.h.
 */
#ifndef MODELS_MARKET_INT_H
#define MODELS_MARKET_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <gsl/gsl_rng.h>
#include "models/checkpoint.h"
#include "models/dlperf.h"
#include "models/ledger.h"
#include "models/market.h"
#include "models/offerindex.h"
#include "models/outage.h"
#include "models/pricing.h"
#include "models/priority.h"
#include "models/reliability.h"
#include "sim/engine.h"
#include "sim/err.h"
#include "sim/evq.h"
#include "sim/money.h"
#include "sim/rng.h"
#include "sim/scenario.h"
#include "sim/time.h"

#define NONE UINT32_MAX
#define MAX_GPUS 16
#define MAX_CLAIMS 48           /* contracts on one machine, paused included */
#define NTIERS 3
#define NWORKLOADS 5
#define PI 3.14159265358979323846
#define NBANDS 7
#define NaN ((double)NAN)

enum { TIER_CONSUMER, TIER_WORKSTATION, TIER_DATACENTER };
enum contract_type { C_ONDEMAND, C_RESERVED, C_INTERRUPTIBLE };
enum cstate { CS_LOADING, CS_RUNNING, CS_PAUSED };
enum sortkey { SORT_PRICE, SORT_DLPERF_PER_DOLLAR, SORT_SCORE };
/* Why a machine is down; several can overlap, and it is up again only
 * when all have ended. Failures and power outages kill instances (work
 * since the last checkpoint is lost); disconnects, internet outages and
 * maintenance suspend them (no GPU billing, no progress, nothing lost). */
enum { DOWN_FAILURE = 1, DOWN_DISCONNECT = 2, DOWN_MAINT = 4, DOWN_POWER = 8,
       DOWN_NET = 16 };
enum jstate { J_WAITING, J_RENTING, J_DONE };


struct gpu {
    char name[48];              /* catalogue spelling, "RTX 4090" */
    char id[48];                /* key spelling, "rtx-4090" */
    const struct dlperf_gpu *cat;   /* borrowed from the DLPerf model */
    double vram_gb, tdp_w, street_usd, share;
    double max_spd[OIX_KCLASSES];   /* fastest machine of this model, for search cut-offs */
    double min_spd[OIX_KCLASSES];   /* slowest so far (0: none yet): could a job run a month? */
    double min_spd_dc[OIX_KCLASSES];    /* the same over datacenter hosts: a Secure Cloud job's */
    money ask_p50;              /* median listed ask, refreshed at every sample */
    money ask_ref;              /* median ask of the reliable tier, at every repricing */
    int tier;
};

struct pick { double p; double v; };        /* value:probability pairs */
struct dist { struct pick v[16]; int n; };

struct hostclass {
    const char *name;           /* borrowed from the scenario */
    double share, pue, amort_h, mk_min, mk_max, ask_floor, ask_ceil, bid_factor;
    /* ask_floor and ask_ceil net of the take (x 1 / (1 - fee)), in
     * millionths of the cost floor: the repricing bounds, set once */
    int64_t lo_ppm, hi_ppm;
    double verified_p, bw_mbps, overhead;
    struct outage_params op;    /* failures, disconnects, maintenance */
    double max_discount;
    int min_chunk;
    money storage_price, bw_price;  /* per GB-month, per GB */
    money storage_idle;         /* per GB-month while the instance is stopped
                                 * (storage-inactive x storage_price) */
    sim_time offer_dur;         /* rolling offer end date: a contract ends this long after rental */
    double auto_extend;         /* probability the host extends a contract at its end date */
    double anticipate;          /* share of hosts pricing from yesterday's cycle */
    struct dist gpus, tiers;
    struct dist cpu, ram, disk;     /* per GPU, per GPU, per machine */
    bool datacenter;
};

struct region {
    const char *name;
    double share, kwh;
    struct outage_region_params op;     /* correlated outages */
    gsl_rng *r_outage;          /* "outages.regional.<region>": when, how long, which kind */
};

struct archetype {
    const char *name;
    double rate, tz, amp, weekend, boost, vram, wmed, wsig, value, vsig, min_rel;
    double p_od, p_res, p_int, bid_frac, bid_cap, bid_raise, fail_wait, fail_move, vram_value;
    double big_p, big_vram;
    double p_secure;            /* Secure Cloud filter (datacenter hosts only) */
    double p_pin;               /* named-model search (one GPU model only) */
    double pin_speed;           /* ref-GPU-h a named card's hour is worth at least */
    bool *models;               /* owned: GPU models this archetype accepts; NULL = any */
    double storage_gb, image_gb;
    double min_cpu, min_ram;    /* per GPU: Vast's cpu_cores and cpu_ram filters */
    double min_dlperf;          /* Vast's dlperf filter, on the rented bundle */
    sim_time window, patience, retry, pause_patience, ck_interval, ck_cost, restart;
    int ndead, dead[16];
    enum sortkey sort;
    enum ckpt_policy ck;
    bool verified_only;
    money budget;
    /* Credits out: the chance the renter adds another 'budget' and the
     * mean time it takes (0: a saved card billed at once, no stop). */
    double topup;
    sim_time topup_delay;
    /* An on-demand renter tries its host for this long, then prepays the
     * rest of its run if a term costs less (0: never converts). */
    sim_time prepay_after;
    /* The chance a renter withdraws a reservation whose machine loses its
     * verification, and moves (0: keeps it running). */
    double withdraw;
    struct dist gpus, mix;
    double peak;                /* thinning bound, jobs per µs */
    gsl_rng *arrivals, *draws;  /* demand streams (borrowed from the engine) */
    gsl_rng *secure;            /* its own stream: p_secure = 0 draws nothing */
    gsl_rng *pin;               /* its own stream: p_pin = 0 draws nothing */
    /* statistics */
    uint64_t arrived, started, completed, abandoned, interruptions, failures_hit;
    uint64_t resumed_same;      /* waited out a failure and rented that machine again */
    /* the same three over the whole run, warm-up included: jobs.accounted */
    uint64_t arrived_all, completed_all, abandoned_all;
    uint64_t out_of_budget, topups;
    uint64_t prepaid_later;     /* on-demand rentals converted to reserved */
    uint64_t withdrawn;         /* reservations withdrawn from a deverified machine */
    uint64_t expired, extended; /* contracts stopped / extended at their end date */
    /* extensions at a new price, and price increases the renter turned
     * down (market.extend-price = ask; those are in 'expired' too) */
    uint64_t repriced, increase_rejected;
    double wait_sum_h, paid_gpu_h[3], gpu_usd, lost_work, spend_usd;
    /* After the warm-up, in reference-GPU-hours: the work jobs kept
     * (progress that survived: saved at stops and checkpoints, handed back
     * by resumed instances), and what the GPU time they paid for could
     * have done at its speed. goodput and cost_per_work_usd divide by them. */
    double useful_work, paid_ref;
    /* Whole-life spend of the jobs that arrived after the warm-up, by how
     * they ended: the money renters put into work they got, and into work
     * they gave up on (job_spend_* in the results). */
    double spend_done_usd, spend_abandoned_usd;
    double *waits;              /* owned: every first-start wait, hours */
    size_t nwaits, capwaits;
};

/* The first 128 bytes hold what a search reads for every offer it looks
 * at (two cache lines, prefetched ahead of use); the rest is cold. */
struct machine {
    uint32_t gpu;               /* catalogue model */
    uint8_t ngpu, cls, region, min_chunk;
    bool verified, leaving, listed, maint_pending;
    bool thr_ok;                /* thr[] is up to date with the claims */
    uint8_t down;               /* bit set of DOWN_* causes; up when 0 */
    uint8_t down_rented;        /* those that began during a rental (the
                                 * score's rate, rel_on_cause_end) */
    uint8_t ccap;               /* room in cids[] */
    uint8_t nclaims;            /* at most ccap */
    /* GPU counts (a machine has at most 255 GPUs and 255 claims) */
    uint16_t hp_gpus;           /* held by on-demand and reserved */
    uint16_t int_gpus;          /* claimed by interruptibles, running or paused */
    uint16_t run_gpus;          /* running (any type) */
    double score;               /* cached rel_score (set_score) */
    double score4;              /* score to the fourth: the score sort's factor,
                                 * carried in the index entries */
    float spd[OIX_KCLASSES];    /* speed per GPU vs the reference, by bundle size */
    uint32_t rel_ok;            /* bit i: the score passes archetype i's
                                 * min-reliability (0-31; set_score) */
    money thr[OIX_KCLASSES];    /* least winning interruptible bid for 2^c GPUs */
    money ask, min_bid;         /* per GPU-hour */
    /* Owned: the contracts on the machine, oldest first, nclaims of them
     * (walked newest first). An array, not a list through the contracts:
     * the auction reads every claim, and a list made that a chain of
     * cache misses, one contract after another; from an array the
     * contracts are fetched together. */
    uint32_t *cids;
    /* The third line: what the hourly repricing reads of every machine
     * besides the first two (so it walks three lines per machine, not
     * four) and what an index update reads. */
    /* utilisation since the last repricing, the time in it some GPU
     * stood idle (the machine was not full), and the time some GPU was
     * not held on demand or reserved (market.raise-on = firm) */
    sim_time util_since, util_mark, part_us, soft_us;
    double util_gpu_us;
    int64_t run_gpu_us;         /* GPUs running x µs, whole run (capacity check) */
    money floor;                /* per GPU-hour */
    /* Bit i of fit[c]: archetype i's CPU, RAM and disk filters pass a
     * 2^c-GPU offer here (specs_fit(); archetypes 0-31). The specs never
     * change, so it is set once; the index entries carry it with the
     * min-reliability filters' bits (mkt_hot_fields). */
    uint32_t fit[OIX_KCLASSES];
    /* cold */
    money outside;              /* the host's outside option per GPU-hour:
                                 * min_bid is it, or the ask when lower */
    double power_cost;          /* USD per GPU-hour */
    double dlperf;              /* single-GPU DLPerf, derated */
    double derate;              /* this machine's factor on the model's DLPerf */
    sim_time joined;
    struct rel_state rel;       /* reliability history (models/reliability.h) */
    sim_time state_mark;        /* last time up/down totals were brought up to date */
    double up_us_total, down_us_total;
    double up_post_us;          /* up time after the warm-up */
    /* the host's books since its last review (supply.review) */
    money earned;               /* billed to renters on this machine */
    money accrued_mark;         /* earned by time but not in 'earned' (or
                                 * billed ahead of time: negative) at the
                                 * last review (accrued_due in market.c) */
    sim_time review_from;       /* the window the last review covered */
    sim_time review_mark;
    double net_rate;            /* last review: host's USD per GPU-hour */
    bool reviewed;
    /* Owned, a host that anticipates the daily cycle (hostclass.*.anticipate):
     * the utilisation of each repricing interval of the last day, by its
     * place in the day (NaN: none seen yet, or the machine was down);
     * NULL for the others. */
    float *uday;
};

/* A machine's CPU and RAM per GPU and its disk, drawn once: what Vast's
 * cpu_cores_effective, cpu_ram and disk_space filters read. Kept apart
 * from struct machine (a small array a search can afford to touch) and
 * drawn from their own stream, so the rest of the supply is the same
 * whatever the specs. */
struct mspec {
    uint16_t cpu;               /* cores per GPU */
    uint16_t ram;               /* GB per GPU */
    uint32_t disk;              /* GB on the machine (an offer of k of its
                                 * n GPUs has k/n of it: spec_fits) */
};

/* A machine's own streams for what its hardware and host do, whoever
 * rents it (models/outage.h): failures and repair times, disconnects and
 * reconnect times, maintenance. Keyed by machine number, so a policy that
 * changes the rentals, or which machines later join or leave, changes no
 * machine's outage history (common random numbers). Kept apart from
 * struct machine, which a search walks. */
struct mclock {
    struct rng_lite fail, disc, maint;
};

struct contract {
    /* what the auction reads (claims_of) first: one cache line */
    uint32_t job, machine, next;    /* next free contract, while free */
    uint32_t gpus;
    uint8_t type, state;
    bool stopped;               /* paused by its owner: a serverless Inactive
                                 * worker, or credits out (check_budgets) */
    bool released;              /* credits out: its GPUs no longer held (hp_gpus,
                                 * int_gpus), its storage still billing */
    money rate;                 /* per GPU-hour: locked ask, or clearing price */
    money bid;
    uint64_t order;
    /* cold */
    sim_time created, overhead;
    /* When the running segment began: its progress, overhead and
     * checkpoints count from here (fold_progress). Billing has its own
     * mark, moved each time the line is closed (a price change, a
     * sample): moving this one instead dropped the progress made so far. */
    sim_time seg_start, bill_start;
    sim_time tau;               /* checkpoint interval, fixed at rental (mkt_ckpt_tau) */
    evq_id ev;
    money prepaid;              /* reserved: prepaid amount */
    /* reserved: the prepaid term, from the rental or from the renter's
     * later prepay of an on-demand rental (archetype.*.prepay-after) */
    sim_time res_start, res_end;
    /* The end date locked in at rental (MARKET-FACTS.md 10-12), and when
     * the running segment would finish the job: the one contract event is
     * whichever comes first (start_running), so a rental that finishes
     * before its end date, as most do, costs no extra event. */
    sim_time end, done_at;
    double discount;
    /* The image and data download (CS_LOADING) must finish before the
     * first run: 'loaded' once it has, and the download time left while
     * an outbid contract waits paused before it finished. */
    sim_time load_left;
    /* Work done since the last checkpoint when the host went offline
     * (ref-GPU-h): still in the suspended instance, the job's when it
     * resumes, lost if the host fails or loses power first. */
    double held;
    /* Storage is not billed while the host is offline (MARKET-FACTS.md
     * 15): time offline so far, and since when while it is. */
    sim_time off_total, off_since;
    bool offline;
    /* Stopped storage may cost more than running storage (MARKET-FACTS.md
     * 16): time the instance has sat paused or stopped on a host that is
     * up, and since when while it does (mkt_idle_sync keeps it). */
    sim_time idle_total, idle_since;
    bool idle;
    bool in_use, ran, loaded;
    /* A reservation whose machine has lost its verification since the
     * rental: its renter may withdraw the whole unused balance without
     * the early-cancel penalty (MARKET-FACTS.md 19). */
    bool deverified;
    bool prepay_asked;          /* its renter has weighed a later prepay */
    bool withdrawing;           /* deverified: its renter withdraws (on_withdraw) */
};

struct job {
    uint8_t arch, workload, pref, state;
    uint32_t gpus, contract, wait_machine;
    double vram, work, saved, value;
    sim_time arrived, give_up, ck_interval, ck_cost;
    bool started, checkpoints;
    bool secure;                /* datacenter hosts only */
    bool warm;                  /* a serverless worker whose image the host holds */
    uint32_t pin;               /* the one GPU model searched, or NONE (any) */
    uint32_t retries;           /* failed searches, for the back-off (a byte wrapped) */
    /* A serverless active worker's discount off the ask, in parts per
     * million (endpoint.*.active-discount; 0 for the rest): its on-demand
     * rate is the ask less this, wherever the ask locks in (locked_rate) */
    uint32_t disc_ppm;
    money spent, budget;
    evq_id ev;
    uint32_t next_free;
};

struct bucket_ref;
struct model_ref;

struct market {
    double net_gross;           /* 1 / (1 - fee): hosts price net of the take */
    struct engine *e;
    const struct scn_run *run;
    struct gpu *gpus;
    size_t ngpus;
    struct hostclass *hc;
    size_t nhc;
    struct region *rg;
    size_t nrg;
    double *hc_share, *rg_share;    /* owned: the shares, for pick_weighted */
    struct archetype *ar;
    size_t nar;
    double wl_scale[NWORKLOADS];
    bool wl_ckpt[NWORKLOADS];
    struct machine *m;
    struct mspec *spec;         /* owned: per machine, capm of them */
    struct mclock *clk;         /* owned: per machine, capm of them */
    uint64_t salt_fail, salt_disc, salt_maint;  /* key the mclock streams */
    uint64_t salt_hist;         /* initial machines' past outages (replay_history) */
    gsl_rng *r_spec;            /* "supply.specs" */
    size_t nm, capm;
    struct contract *c;
    size_t nc, capc;
    uint32_t free_c;            /* free list through 'next' */
    struct job *j;
    size_t nj, capj;
    uint32_t free_j;
    struct oix *ix;
    struct bill_ledger *ledger;
    enum prio_rule clearing;
    bool posted;
    bool raise_firm;            /* market.raise-on = firm */
    bool extend_at_ask;         /* market.extend-price = ask */
    double posted_markup, posted_int;
    double derate_scale;
    struct dlperf_model *dlp;   /* owned */
    struct rel_params relp;
    struct pricing_rule pricing;    /* hosts' repricing rule (models/pricing.h) */
    double fee, noise, ref_dlperf;
    double dc_rank;             /* the score sort's factor for datacenter offers, >= 1 */
    double disc1, disc3, cancel_fee;
    sim_time credit_grace;      /* a stopped instance's life once credits run out */
    int candidates, top, depth;
    bool prune;                 /* market.search-prune */
    double join_rate, leave_rate;
    sim_time review;            /* profit review interval */
    sim_time exit_grace;        /* before a joining machine's first review */
    double exit_thr, exit_p, entry_elast;
    gsl_rng *r_exit;            /* review stagger and exit decisions */
    int start_day;
    double demand_scale;
    struct { uint32_t cid; uint64_t order; } *bud;  /* owned: contracts of budgeted jobs */
    size_t nbud, capbud;
    uint64_t order;
    size_t gpus0;               /* GPUs built at the start: supply.gpus, rounded
                                 * up to whole machines (demand and joins scale
                                 * with it) */
    gsl_rng *r_search, *r_supply, *r_bid;
    gsl_rng *r_start;           /* "outages.starts": failed container starts */
    gsl_rng *r_after;           /* "outages.renters": wait, move or abandon after a failure */
    gsl_rng *r_extend;          /* "contracts.extend": does a host extend at the end date */
    gsl_rng *r_anticipate;      /* "supply.anticipate": which hosts anticipate the cycle */
    sim_time reprice_iv;        /* market.reprice-interval */
    size_t day_slots;           /* repricing intervals in the anticipators' memory */
    size_t blend_day;           /* anticipate-period = blend: intervals in a day; 0 otherwise */
    double week_weight;         /* market.anticipate-week-weight, for a blend */
    gsl_rng *r_topup;           /* "demand.topup": does a renter out of credits add more, when */
    gsl_rng *r_withdraw;        /* "demand.withdraw": does a deverified reservation's renter leave */
    uint64_t noise_salt;        /* keys the per-offer search noise */
    uint64_t searches;          /* searches so far (a noise key) */
    struct market_search_stats stats;   /* for gpumarket bench market */
    struct bucket_ref *bref;    /* owned scratch: ngpus x NBANDS buckets */
    size_t nbref;               /* those a search has listed so far */
    struct model_ref *mref;     /* owned scratch: ngpus models */
    unsigned k_arrive, k_retry, k_loaded, k_done, k_expire, k_fail, k_repair, k_join, k_leave;
    unsigned k_review;
    unsigned k_disc, k_reconn, k_maint_notice, k_maint, k_maint_end, k_region, k_region_end;
    unsigned k_delete, k_topup, k_prepay, k_withdraw;
    gsl_rng *r_region_pick;     /* "outages.regional.pick": which machines an outage hits */
    uint32_t *scratch_ids;      /* owned: machines of a region */
    /* per-GPU-model price statistics (after warm-up) */
    double *od_price_sum, *od_price_w, *int_price_sum, *int_price_w;
    double *res_price_sum, *res_price_w;    /* reserved, after the discount */
    double *new_price_sum, *new_price_n;    /* on-demand rentals since the last sample */
    double *cls_run_h;          /* GPU-hours run per host class, after warm-up */
    double *pin_named, *pin_started;    /* per model: jobs naming it, and of those started */
    double *uptime;             /* owned: machine-µs (up, down) per (class, band), after warm-up */
    double *scratch;            /* owned: for quantiles */
    size_t scratch_cap;
    struct sls *sls;            /* owned: serverless endpoints, NULL if none */
    size_t nsls;                /* their payers follow the archetypes in ar[] */
};

/* How long contract c's storage has billed by 'now': its life since
 * 'created', less the time its host was offline. */
static inline sim_time mkt_storage_time(const struct contract *c, sim_time now)
{
    return now - c->created - c->off_total - (c->offline ? now - c->off_since : 0);
}

/* Is contract c's storage billed at the stopped price now: paused
 * (outbid, waiting to start, stopped by its owner) on a host that is up?
 * An offline host bills no storage at all, and a download is a running
 * container. */
static inline bool mkt_idle_now(const struct contract *c)
{
    return c->state == CS_PAUSED && !c->offline;
}

/* Called after every change of c's state or offline mark: opens or closes
 * its stopped-storage interval. */
static inline void mkt_idle_sync(struct contract *c, sim_time now)
{
    bool idle = mkt_idle_now(c);

    if (idle == c->idle)
        return;
    if (idle)
        c->idle_since = now;
    else
        c->idle_total += now - c->idle_since;
    c->idle = idle;
}

/* The part of mkt_storage_time contract c has spent stopped by 'now'. */
static inline sim_time mkt_idle_time(const struct contract *c, sim_time now)
{
    return c->idle_total + (c->idle ? now - c->idle_since : 0);
}

/* Allocation failure is fatal: a run cannot go on without its arrays. */
static inline void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);

    if (!p)
        SIM_OOM("market: out of memory");
    return p;
}

static inline void *xrealloc(void *p, size_t size)
{
    p = realloc(p, size);
    if (!p)
        SIM_OOM("market: out of memory");
    return p;
}

static inline double score_of(const struct machine *m)
{
    return m->score;
}

/* A host that left and whose last instance has ended: it keeps its slot
 * (and its outage clocks run on), but it is no longer in the market, so
 * no count of the market's machines may include it. */
static inline bool mkt_gone(const struct machine *m)
{
    return m->leaving && m->nclaims == 0;
}

/* models/market.c, for the files beside it */
extern const double mkt_band_lo[NBANDS];    /* lower score edge of each search band */
void mkt_rel_refresh(struct market *mk, struct machine *m, sim_time now);
void mkt_hot_fields(const struct market *mk, struct machine *m, uint32_t free,
                    struct oix_hot *hot);
void mkt_index_machine(struct market *mk, uint32_t id);
void mkt_charge(struct market *mk, struct job *jb, struct machine *m,
                enum bill_kind kind, money amount);
/* The same for a line that accrued over [from, to]: the renter's measured
 * spend counts the part after the warm-up. */
void mkt_charge_over(struct market *mk, struct job *jb, struct machine *m,
                     enum bill_kind kind, money amount, sim_time from, sim_time to);
void mkt_bill_segment(struct market *mk, struct contract *c, sim_time now);
/* At the end of the run: the running segment's work so far is the job's
 * (what stopping would save), and so is what an instance suspended on an
 * offline host holds; both count as useful work. */
void mkt_fold_at_end(struct market *mk, struct contract *c, sim_time now);
/* Does every running interruptible pay what its machine's auction would
 * charge it now (the clearing rule at the machine's current floor)? On a
 * machine with a winner still downloading the auction is not settled and
 * is not checked. False with a message naming the first that does not. */
bool mkt_prices_current(const struct market *mk, char *msg, size_t len);
/* The storage contract c has run up by 'now' (mkt_storage_time at its
 * host class's price, its stopped part at the stopped price, for its
 * renter's storage): what ending it bills. */
money mkt_storage_due(const struct market *mk, const struct contract *c, sim_time now);
/* Checkpoint interval (µs; 0 = none) job jb would get renting machine m
 * now: Young / Daly from the MTBF its score implies. */
sim_time mkt_ckpt_tau(const struct market *mk, const struct job *jb,
                      const struct machine *m);

/* models/market_metrics.c: the periodic sample (an engine tick) and the
 * end of the run (closes the books, checks the invariants). */
void mkt_sample(struct engine *e, void *ctx);
int mkt_finish(struct engine *e, void *state);

/* models/market_load.c: each fills its part of 'mk' from mk->run and
 * reports every problem to 'd' at its file and line. */
int mkt_load_catalog(struct market *mk, struct diag *d);
int mkt_load_archetypes(struct market *mk, struct diag *d);
int mkt_load_supply(struct market *mk, struct diag *d);
/* The key a check over several keys blames when they fail together
 * (markup-min above markup-max, every share zero): offer each key with
 * mkt_blame(); it keeps the one the analyst wrote (in a file or with
 * --set), not one left at its default, and of several written the later
 * (--set after any file, a later line of the same file); the first key
 * offered when none was written. Report at 'at' (NULL: no place). */
struct mkt_blame {
    char key[160];
    const struct srcloc *at;    /* where 'key' was written; NULL: its default */
    bool cli;                   /* written with --set */
};
void mkt_blame(struct mkt_blame *b, const struct scn_run *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
