/* models/reliability.h -- the reliability score renters filter and rank on.
 *
 * Pluggable by rule (reliability.rule):
 *
 *  - REL_VAST (default; Vast's formula is not public, MARKET-FACTS 21-22,
 *    so this is our documented model): a prior-weighted exponentially
 *    weighted average of "badness" over a horizon H (30 days). Badness
 *    accrues at rate 1 while the machine is down idle, at
 *    'rental_down_weight' while down during a rental (Vast: machines that
 *    earn less are penalised less for offline time), at
 *    'maintenance_weight' during scheduled maintenance, and as impulses of
 *    'disconnect_penalty_h' / 'failed_start_penalty_h' hours on a
 *    disconnect or a failed container start. With B the decayed badness,
 *    W the decayed observed time and a the age:
 *
 *        score = 1 - ((1 - prior) W0 e^{-a/H} + (1 - bonus) B)
 *                    / (W0 e^{-a/H} + W)
 *
 *    clamped to [0, 1]. A new machine (W = B = 0) scores exactly 'prior'
 *    (0.60), climbs as uptime is demonstrated while the prior's weight
 *    decays, and in steady state tends to the weighted availability.
 *    'bonus' (datacenter_bonus) forgives part of a datacenter's badness
 *    ("increased reliability scoring").
 *
 *  - REL_RUNPOD (RunPod's published host rule): over a sliding 30-day
 *    window, score = min(1, (uptime minutes + 10) / window minutes);
 *    scheduled maintenance does not count; below 0.98 the machine is
 *    delisted. A machine younger than the window is scored over its age.
 *    Down intervals are kept in a small ring; when it is full the two
 *    with the shortest gap between them merge into one block spanning
 *    both, which keeps their total downtime and its extent in time. A
 *    block the window's start cuts counts its downtime in proportion to
 *    the part still inside (exact for a single interval; with merged
 *    ones, downtime ages out gradually, as it happened, not all at once
 *    when the oldest block expires).
 *
 * struct rel_state is plain and embedded by value in a machine; every
 * function is O(1), allocation-free and I/O-free.
 */
#ifndef MODELS_RELIABILITY_H
#define MODELS_RELIABILITY_H

#include <stdbool.h>
#include <stdint.h>
#include "sim/err.h"
#include "sim/time.h"

struct param_registry;
struct scn_run;

enum rel_rule { REL_VAST, REL_RUNPOD };

/* Why a machine went down; maintenance is announced, the rest are not. */
enum rel_down {
    REL_DOWN_FAILURE,       /* host hardware/software failure */
    REL_DOWN_OUTAGE,        /* regional power/internet outage */
    REL_DOWN_DISCONNECT,    /* short loss of connection */
    REL_DOWN_MAINTENANCE,   /* scheduled, with notice */
    REL_DOWN_KINDS
};

struct rel_params {
    enum rel_rule rule;
    /* REL_VAST */
    double prior;                   /* score of a new machine, 0.60 */
    double prior_weight_h;          /* W0: the prior counts as this much uptime */
    double horizon_h;               /* H: EWMA time constant */
    double rental_down_weight;      /* badness rate while down during a rental */
    double maintenance_weight;      /* badness rate during scheduled maintenance */
    double disconnect_penalty_h;    /* impulse per disconnect */
    double failed_start_penalty_h;  /* impulse per failed container start */
    double datacenter_bonus;        /* fraction of badness forgiven, [0, 1] */
    /* both rules */
    double verify_threshold;        /* verified needs score >= this */
    /* REL_RUNPOD */
    double runpod_window_h;         /* 30 days */
    double runpod_buffer_h;         /* 10 minutes */
    double runpod_delist;           /* delisted below this, 0.98 */
};

#define REL_RUNPOD_SLOTS 8

struct rel_state {
    sim_time born;          /* when the machine was listed */
    sim_time last;          /* time of the last update of bad_h/seen_h */
    double seen_h;          /* W: decayed observed time */
    double bad_h;           /* B: decayed badness */
    double rate;            /* badness accrual now (0 when up): the worst
                             * of the causes down now */
    double kind_rate[REL_DOWN_KINDS];   /* the worst of the kind's causes down now */
    uint8_t active[REL_DOWN_KINDS];     /* causes down now, by kind */
    uint8_t rented[REL_DOWN_KINDS];     /* of those, begun during a rental */
    bool down;
    bool counted;           /* the open down interval counts for RunPod: a
                             * cause other than maintenance is down (it
                             * began at down_since) */
    bool datacenter;
    uint8_t nslots;         /* closed down intervals in 'win' */
    sim_time down_since;
    /* oldest first; 'down' <= to - from (less once merged) */
    struct { sim_time from, to, down; } win[REL_RUNPOD_SLOTS];
};

/* A machine listed at 'now', up. */
void rel_init(struct rel_state *s, sim_time now, bool datacenter);
/* A machine that was already listed for 'age_h' hours with the given
 * long-run availability when the simulation starts: its score begins
 * where such a history would have left it, not at the new-machine prior. */
void rel_init_history(struct rel_state *s, const struct rel_params *p,
                      sim_time now, bool datacenter, double age_h,
                      double availability);

/* A cause of downtime began at 'now'; 'during_rental' when an instance
 * was running on the machine. Causes overlap: each is told when it begins
 * and ends (rel_on_cause_end), the badness rate is the worst of those down
 * now, and RunPod counts the time while any but maintenance is down (a
 * failure during maintenance counts from the failure on, maintenance
 * after a repair does not). A disconnect's impulse applies only to an
 * up machine. */
void rel_on_down(struct rel_state *s, const struct rel_params *p, sim_time now,
                 enum rel_down cause, bool during_rental);
/* One cause of 'kind' ended at 'now'; 'during_rental' as it was told when
 * it began (two causes of one kind, a power cut during a rental and an
 * internet cut after it, accrue at different rates: the kind's is the
 * worse of those still down). */
void rel_on_cause_end(struct rel_state *s, const struct rel_params *p, sim_time now,
                      enum rel_down kind, bool during_rental);
/* Every cause ended: the machine is back at 'now'. No-op when it was up. */
void rel_on_up(struct rel_state *s, const struct rel_params *p, sim_time now);
/* A renter's container failed to start. */
void rel_on_failed_start(struct rel_state *s, const struct rel_params *p,
                         sim_time now);

/* The score at 'now' (>= the last event), in [0, 1]; does not modify s. */
double rel_score(const struct rel_state *s, const struct rel_params *p,
                 sim_time now);
/* May the machine be offered? RunPod delists below runpod_delist; the
 * Vast-like rule never delists (the verified filter does the work). */
bool rel_listed(const struct rel_state *s, const struct rel_params *p,
                sim_time now);
bool rel_verified(const struct rel_state *s, const struct rel_params *p,
                  sim_time now);

bool rel_rule_parse(const char *name, enum rel_rule *out);
int rel_params_check(const struct rel_params *p, struct diag *d);

/* Scenario keys reliability.*. */
void rel_register_params(struct param_registry *reg);
/* Reads reliability.* and checks it, "file:line: error:" through d. */
int rel_params_from_run(const struct scn_run *run, struct rel_params *p,
                        struct diag *d);

#endif
