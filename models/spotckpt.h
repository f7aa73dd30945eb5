/* models/spotckpt.h -- a job on a spot instance under a checkpointing
 * policy, walked through a price trace (REPRODUCTIONS.md T6, after Yi,
 * Kondo, Andrzejak, IEEE CLOUD 2010).
 *
 * The job needs 'work' of computing on one instance with bid b. An
 * instance runs while the posted price is at most b; the first update
 * above b terminates it ("out of bid") and the work since the last
 * completed checkpoint is lost. When the price falls back to b a new
 * instance starts; if anything is saved it first restores it ('restart',
 * no progress). A checkpoint takes 'delta' without progress; one cut short
 * by the termination is not complete.
 *
 * Billing, EC2 in 2010: by the instance hour, each at the price posted at
 * its start; an hour the provider cuts short is free, one the user ends
 * (the job done) is charged whole.
 *
 * Policies, checkpoint when:
 *   NONE   never (a termination restarts the job from zero);
 *   HOUR   ending at each instance-hour boundary: from then a termination
 *          costs no money;
 *   EDGE   the price rises (an update above the last, still within b);
 *   ADAPT  at HOUR's moments, only when the expected loss of not doing so,
 *          P(out of bid within the hour | price level) x unsaved work, is
 *          more than delta;
 *   OPT    an oracle: ending a microsecond before each termination, unless
 *          the job would finish first.
 * A policy writes only while computing with work unsaved (a rise during a
 * write, or just after one, starts none). What ends at the instant of a
 * cut happens before it: the job done, a write complete, an hour complete
 * and charged.
 * A job cannot move the price, so its whole run is a function of the
 * trace: spck_walk() computes it at once.
 */
#ifndef MODELS_SPOTCKPT_H
#define MODELS_SPOTCKPT_H

#include <stdbool.h>
#include <stdint.h>
#include "models/spotprice.h"

enum spck_policy { SPCK_NONE, SPCK_HOUR, SPCK_EDGE, SPCK_ADAPT, SPCK_OPT, SPCK_NPOLICIES };

const char *spck_policy_name(enum spck_policy p);   /* "NONE", "HOUR", ... */

struct spck_job {
    sim_time work;          /* > 0 */
    sim_time delta;         /* checkpoint cost, 0 < delta < 1 h */
    sim_time restart;       /* restoring a checkpoint, >= 0 */
    sim_time deadline;      /* after submission: censored there */
};

/* ADAPT's estimate: the probability of going out of bid within an hour,
 * by price level, the band [lo, hi] cut in SPCK_LEVELS (prices outside
 * it count in the end levels). */
#define SPCK_LEVELS 10
struct spck_hazard {
    money lo, hi;
    double p[SPCK_LEVELS];
};

/* Estimates h->p from the updates of 'tr' whose following hour ends by
 * 'history': the share at each level (prices at most 'bid') followed
 * within the hour by an update above 'bid'. A level never seen takes the
 * share of all, and with no data at all 0.5. h->lo and h->hi must be set. */
void spck_estimate(struct spck_hazard *h, const struct spot_trace *tr, money bid,
                   sim_time history);
unsigned spck_level(const struct spck_hazard *h, money price);

struct spck_outcome {
    money cost;             /* instance hours charged */
    sim_time took;          /* submission to completion, or the deadline */
    bool done;              /* false: censored at the deadline (or the trace's end) */
    uint32_t outs;          /* terminations */
};

/* The job submitted at 'submit' under policy 'pol' with bid 'bid'; 'h'
 * is read by ADAPT only (NULL for the others). A censored job has paid
 * the whole hours up to the deadline. */
void spck_walk(const struct spot_trace *tr, const struct spck_job *j, enum spck_policy pol,
               money bid, const struct spck_hazard *h, sim_time submit,
               struct spck_outcome *o);

#endif
