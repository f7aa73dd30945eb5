/* models/priority.h -- who runs on a machine, and at what price.
 *
 * Vast's rules (MARKET-FACTS.md 1-5): on-demand and reserved contracts are
 * high priority and always run; interruptible contracts compete for the
 * GPUs left over, highest per-GPU bid first (ties: the earlier contract);
 * the losers are paused, not destroyed. A multi-GPU bid that does not fit
 * is skipped and a smaller, lower bid may still run in the gap (greedy
 * fill in bid order): GPUs are never left idle while a bid could use them.
 *
 * The price a running interruptible pays is a policy:
 *  - pay-as-bid (Vast's implied default): its own bid;
 *  - second price: the highest paused bid on the machine, or min_bid when
 *    nothing is paused, never above its own bid;
 *  - uniform: every winner pays the lowest winning bid.
 * This is a pure function over a small array, so every rule has a unit
 * test of its own.
 */
#ifndef MODELS_PRIORITY_H
#define MODELS_PRIORITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sim/money.h"

enum prio_rule { PRIO_PAY_AS_BID, PRIO_SECOND_PRICE, PRIO_UNIFORM };

struct prio_claim {
    uint32_t gpus;          /* GPUs the contract needs */
    bool high;              /* on-demand or reserved */
    money bid;              /* per GPU-hour; interruptible only */
    uint64_t order;         /* creation order, breaks ties in bids */
    /* outputs */
    bool runs;
    money price;            /* per GPU-hour while running (interruptible) */
};

/* Decides 'runs' and 'price' for every claim. High-priority claims must fit
 * in 'ngpu' together (the caller never admits more); that is asserted. */
void prio_resolve(struct prio_claim *c, size_t n, uint32_t ngpu,
                  money min_bid, enum prio_rule rule);

/* Would a new interruptible claim of 'gpus' at 'bid' run right now if
 * it joined these claims (as the latest one)? */
bool prio_would_run(const struct prio_claim *c, size_t n, uint32_t ngpu,
                    uint32_t gpus, money bid);

/* The least bid with which a new interruptible claim of 'gpus' would run
 * now (what prio_would_run() decides for one bid, for all bids at once):
 * a new claim would run iff its bid >= the result. INT64_MAX when no bid
 * can (high-priority claims hold too much); 0 when any bid can. */
money prio_threshold(const struct prio_claim *c, size_t n, uint32_t ngpu,
                     uint32_t gpus);

/* prio_threshold() for several sizes gpus[0..nq-1] at once (one sort). */
void prio_thresholds(const struct prio_claim *c, size_t n, uint32_t ngpu,
                     const uint32_t *gpus, money *out, size_t nq);

#endif
