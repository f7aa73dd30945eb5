/* models/spotprice.h -- a spot price trace set by a hidden reserve price
 * (REPRODUCTIONS.md T5, after Agmon Ben-Yehuda et al., CloudCom 2011).
 *
 * The provider posts a new price at update instants (exponential gaps).
 * A hidden reserve P, a fraction of the on-demand price, moves by an
 * AR(1) on its increments,
 *     dP_i = -a1 dP_{i-1} + eps_i,   eps_i ~ N(0, sigma),
 * and is clipped to the band [floor, ceil]; the increment carried to the
 * next step is the one realised after the clip, so the posted series
 * keeps the AR(1) between the band's edges. Beside it runs a small market:
 * requests arrive as a Poisson process, each with a bid drawn uniformly
 * in [bid-lo, bid-hi] x on-demand, and stay an exponential time; the
 * market can run 'capacity' of them, so with more present the clearing
 * price is the capacity-th highest bid. The posted price is
 * max(reserve, clearing): in most intervals the reserve, as the paper
 * found. A request's stay does not depend on the price (the market only
 * sets it), so the trace is built ahead of the run and read as a table:
 * a checkpointing oracle (T6) may look at the future.
 *
 * Prices are integer micro-dollars per hour (rounded from the fraction x
 * on-demand); times are sim_time. Ownership: spot_trace_build() returns
 * a new trace the caller frees with spot_trace_free() (NULL-safe).
 */
#ifndef MODELS_SPOTPRICE_H
#define MODELS_SPOTPRICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "sim/money.h"
#include "sim/time.h"

struct spot_params {
    money ondemand;         /* on-demand price per hour, > 0 */
    double floor, ceil;     /* reserve band, fractions of on-demand, 0 < floor < ceil */
    double a1;              /* AR(1) coefficient on increments, in (-1, 1) */
    double sigma;           /* increment noise, a fraction of on-demand, >= 0 */
    sim_time update_mean;   /* mean gap between price updates, > 0 */
    uint32_t capacity;      /* requests the market can run at once, >= 1 */
    double load;            /* mean requests present / capacity, >= 0 */
    sim_time hold_mean;     /* mean stay of a request, > 0 */
    double bid_lo, bid_hi;  /* bids uniform in [lo, hi] x on-demand, 0 <= lo <= hi */
};

struct spot_trace;          /* opaque: update times strictly rise from 0 */

/* Builds the trace of updates in [0, end): the first at 0, from the
 * reserve drawn uniformly in the band. 'upd' drives the update times and
 * the reserve, 'dem' the requests: the two processes have their own
 * streams. Returns NULL when out of memory. */
struct spot_trace *spot_trace_build(const struct spot_params *p, gsl_rng *upd, gsl_rng *dem,
                                    sim_time end);
/* A trace of 'n' recorded updates (a price history; the reserve is the
 * price): 'at' must start at 0 and rise strictly, prices be >= 0.
 * Returns NULL if they do not, or when out of memory. */
struct spot_trace *spot_trace_from(const sim_time *at, const money *price, size_t n);
void spot_trace_free(struct spot_trace *t);

size_t spot_trace_count(const struct spot_trace *t);
/* Update i: when it was posted, the posted price and the reserve. */
sim_time spot_trace_at(const struct spot_trace *t, size_t i);
money spot_trace_price(const struct spot_trace *t, size_t i);
money spot_trace_reserve(const struct spot_trace *t, size_t i);
/* The update in force at time 'at' >= 0: the last one posted at or
 * before it. */
size_t spot_trace_find(const struct spot_trace *t, sim_time at);

#endif
