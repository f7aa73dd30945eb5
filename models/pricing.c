/* models/pricing.c -- a host's repricing rule (see the header). */
#include "models/pricing.h"

#include <math.h>
#include <stdint.h>

/* 'm' scaled by the factor 'f' >= 0, to parts per million. */
static money scale(money m, double f)
{
    return money_muldiv(m, (int64_t)llround(f * 1e6), 1000000);
}

money pricing_rel_cap(const struct pricing_rule *p, double score, money ref)
{
    double f;

    if (!(p->rel_slope > 0) || ref <= 0 || !(score < p->rel_reference))
        return INT64_MAX;
    f = 1.0 - p->rel_slope * log2((1.0 - score) / (1.0 - p->rel_reference));
    return f > 0 ? scale(ref, f) : 0;
}

money pricing_next_ask(const struct pricing_rule *p, money ask, double util,
                       double score, money ref, money lo, money hi)
{
    money cap = pricing_rel_cap(p, score, ref);

    if (util > p->util_high)
        ask = scale(ask, 1 + p->step);
    else if (util < p->util_low)
        ask = scale(ask, 1 - p->step);
    if (ask > cap)
        ask = cap;
    if (ask > hi)
        ask = hi;
    if (ask < lo)
        ask = lo;
    return ask;
}
