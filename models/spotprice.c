/* models/spotprice.c -- a spot price trace set by a hidden reserve price
 * (see spotprice.h). */
#include "models/spotprice.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include "sim/err.h"

struct spot_trace {
    size_t n, cap;
    sim_time *at;
    money *price, *reserve;
};

/* A request in the market: it leaves at 'leaves', bidding 'bid'
 * (a fraction of on-demand). */
struct request {
    sim_time leaves;
    double bid;
};

struct market {
    struct request *r;
    size_t n, cap;
    double *scratch;        /* bids, for the clearing price */
    sim_time next;          /* the next arrival */
    double rate_per_us;     /* arrivals per microsecond */
};

static bool push_update(struct spot_trace *t, sim_time at, money price, money reserve)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1024;
        sim_time *a = realloc(t->at, cap * sizeof *a);
        money *p, *r;

        if (!a)
            return false;
        t->at = a;
        if (!(p = realloc(t->price, cap * sizeof *p)))
            return false;
        t->price = p;
        if (!(r = realloc(t->reserve, cap * sizeof *r)))
            return false;
        t->reserve = r;
        t->cap = cap;
    }
    t->at[t->n] = at;
    t->price[t->n] = price;
    t->reserve[t->n] = reserve;
    t->n++;
    return true;
}

/* An exponential gap of mean 'mean', at least a microsecond (two updates,
 * or arrivals, at one instant would leave the first without a time in
 * force) and at most SIM_TIME_MAX (which two sums stay far from
 * overflowing). */
static sim_time gap(gsl_rng *r, double mean_us)
{
    double g = gsl_ran_exponential(r, mean_us);

    /* past the largest time, never: a request that rare does not come */
    return g < 1.0 ? 1 : g >= (double)SIM_TIME_MAX ? SIM_TIME_MAX : (sim_time)g;
}

/* Brings the market's requests up to time 'now': those arrived by then
 * join, those gone by then leave (a request both arriving and leaving
 * before 'now' is never seen, as it should not be). */
static bool market_advance(struct market *m, const struct spot_params *p, gsl_rng *dem,
                           sim_time now)
{
    if (m->rate_per_us > 0.0) {
        while (m->next <= now) {
            if (m->n == m->cap) {
                size_t cap = m->cap ? 2 * m->cap : 256;
                struct request *r = realloc(m->r, cap * sizeof *r);
                double *s = realloc(m->scratch, cap * sizeof *s);

                if (r)
                    m->r = r;
                if (s)
                    m->scratch = s;
                if (!r || !s)
                    return false;
                m->cap = cap;
            }
            m->r[m->n].leaves = m->next + gap(dem, (double)p->hold_mean);
            m->r[m->n].bid = p->bid_lo + (p->bid_hi - p->bid_lo) * gsl_rng_uniform(dem);
            m->n++;
            m->next += gap(dem, 1.0 / m->rate_per_us);
        }
    }
    for (size_t i = 0; i < m->n;)
        if (m->r[i].leaves <= now)
            m->r[i] = m->r[--m->n];
        else
            i++;
    return true;
}

/* The k-th smallest of x[0..n-1] (k < n), reordering x: Hoare's
 * selection, linear on average, where a sort per update was n log n.
 * Each pass splits [lo, hi] at j into x[lo..j] <= x[j+1..hi], with
 * lo <= j < hi (the pivot is the middle element), and keeps the side
 * holding k. */
static double select_kth(double *x, size_t n, size_t k)
{
    ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, want = (ptrdiff_t)k;

    while (lo < hi) {
        double pivot = x[lo + (hi - lo) / 2];
        ptrdiff_t i = lo - 1, j = hi + 1;

        for (;;) {
            double t;

            do
                i++;
            while (x[i] < pivot);
            do
                j--;
            while (x[j] > pivot);
            if (i >= j)
                break;
            t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
        if (want <= j)
            hi = j;
        else
            lo = j + 1;
    }
    return x[lo];
}

/* The clearing price (a fraction of on-demand): the capacity-th highest
 * bid present when more requests than the market can run are present,
 * else 0 (the market does not bind). */
static double clearing(struct market *m, uint32_t capacity)
{
    if (m->n <= capacity)
        return 0.0;
    for (size_t i = 0; i < m->n; i++)
        m->scratch[i] = m->r[i].bid;
    return select_kth(m->scratch, m->n, m->n - capacity);
}

static money of_ondemand(const struct spot_params *p, double frac)
{
    return (money)llround(frac * (double)p->ondemand);
}

struct spot_trace *spot_trace_build(const struct spot_params *p, gsl_rng *upd, gsl_rng *dem,
                                    sim_time end)
{
    struct spot_trace *t = calloc(1, sizeof *t);
    struct market m = { 0 };
    double res, d = 0.0;
    sim_time now = 0;
    bool ok = t != NULL;

    SIM_ASSERT(p->floor > 0.0 && p->floor < p->ceil && p->capacity >= 1 &&
               p->update_mean > 0 && p->hold_mean > 0 && p->bid_lo <= p->bid_hi);
    m.rate_per_us = p->load * (double)p->capacity / (double)p->hold_mean;
    if (m.rate_per_us > 0.0)
        m.next = gap(dem, 1.0 / m.rate_per_us);
    res = p->floor + (p->ceil - p->floor) * gsl_rng_uniform(upd);
    while (ok && now < end) {
        double cl, next;

        ok = market_advance(&m, p, dem, now);
        if (!ok)
            break;
        cl = clearing(&m, p->capacity);
        ok = push_update(t, now, of_ondemand(p, cl > res ? cl : res), of_ondemand(p, res));
        /* the next reserve: the AR(1) step, clipped to the band; the
         * realised increment is the one the next step sees */
        next = res + (-p->a1 * d + gsl_ran_gaussian(upd, p->sigma));
        next = next < p->floor ? p->floor : next > p->ceil ? p->ceil : next;
        d = next - res;
        res = next;
        now += gap(upd, (double)p->update_mean);
    }
    free(m.r);
    free(m.scratch);
    if (!ok) {
        spot_trace_free(t);
        return NULL;
    }
    return t;
}

struct spot_trace *spot_trace_from(const sim_time *at, const money *price, size_t n)
{
    struct spot_trace *t;

    if (n == 0 || at[0] != 0)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (price[i] < 0 || (i > 0 && at[i] <= at[i - 1]))
            return NULL;
    if (!(t = calloc(1, sizeof *t)))
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!push_update(t, at[i], price[i], price[i])) {
            spot_trace_free(t);
            return NULL;
        }
    return t;
}

void spot_trace_free(struct spot_trace *t)
{
    if (!t)
        return;
    free(t->at);
    free(t->price);
    free(t->reserve);
    free(t);
}

size_t spot_trace_count(const struct spot_trace *t)
{
    return t->n;
}

sim_time spot_trace_at(const struct spot_trace *t, size_t i)
{
    SIM_ASSERT(i < t->n);
    return t->at[i];
}

money spot_trace_price(const struct spot_trace *t, size_t i)
{
    SIM_ASSERT(i < t->n);
    return t->price[i];
}

money spot_trace_reserve(const struct spot_trace *t, size_t i)
{
    SIM_ASSERT(i < t->n);
    return t->reserve[i];
}

size_t spot_trace_find(const struct spot_trace *t, sim_time at)
{
    size_t lo = 0, hi = t->n;

    SIM_ASSERT(t->n > 0 && at >= 0);
    /* the last update posted at or before 'at': at[lo] <= at < at[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;

        if (t->at[mid] <= at)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}
