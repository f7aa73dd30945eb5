/* models/pricing.h -- how a host revisits its on-demand ask.
 *
 * Every repricing interval a host looks at two things:
 *
 *  1. Utilisation since the last repricing: above 'util_high' it raises
 *     its ask by 'step', below 'util_low' it cuts by 'step' (prices then
 *     follow the daily demand cycle with a lag; nothing writes a curve).
 *     The caller passes a machine that was busy but not full (some GPU
 *     idle for more than 1 - util_high of the time) as util_high: an
 *     idle GPU beside busy ones is no reason to raise (market.c's
 *     reprice).
 *  2. Its reliability score against the market's reliable tier: renters
 *     filter on the score (min-reliability) and rank by it, so a less
 *     reliable machine sells less at the same price. A host whose score
 *     is below 'rel_reference' caps its ask at the going price of the
 *     reliable tier of its GPU model (the median ask of machines scoring
 *     at least 'rel_reference', the caller's 'ref') cut by 'rel_slope'
 *     for every doubling of its unreliability (1 - score) over the
 *     reference's:
 *
 *         cap = ref x max(0, 1 - rel_slope x log2((1 - score) / (1 - rel_reference)))
 *
 *     Unreliability in ratios, because that is what a renter pays for:
 *     a machine down 2% of the time costs twice the lost work and
 *     restarts of one down 1%, while 11% against 10% hardly matters.
 *     Machines at or above the reference are not capped, so the
 *     reference is set by utilisation alone and cannot spiral down.
 *     rel_slope = 0 turns the rule off.
 *
 * The result is then held within [lo, hi] (the host's cost floor x
 * ask-floor and x ask-ceiling): a host never prices below cost, so a
 * machine too unreliable to sell above cost simply sells less.
 *
 * Pure functions over plain values, so each rule has a unit test; money
 * is scaled through money_muldiv() (parts per million) only.
 */
#ifndef MODELS_PRICING_H
#define MODELS_PRICING_H

#include <stdint.h>
#include "sim/money.h"

struct pricing_rule {
    double util_low, util_high;     /* utilisation thresholds, [0, 1] */
    double step;                    /* relative change per repricing */
    double rel_reference;           /* score of the reliable tier, < 1 */
    double rel_slope;               /* relative cut per doubling of unreliability */
};

/* The most a machine scoring 'score' asks when the reliable tier's going
 * price is 'ref'; INT64_MAX when uncapped (score at or above the
 * reference, no reference yet (ref <= 0), or the rule off). */
money pricing_rel_cap(const struct pricing_rule *p, double score, money ref);

/* The ask after one repricing: the utilisation step, then the reliability
 * cap, then [lo, hi] (lo wins over the cap). */
money pricing_next_ask(const struct pricing_rule *p, money ask, double util,
                       double score, money ref, money lo, money hi);

#endif
