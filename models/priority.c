/* models/priority.c -- the per-machine auction. */
#include "models/priority.h"

#include <stdlib.h>
#include "sim/err.h"

/* Beats: higher bid, then earlier contract. */
static bool beats(const struct prio_claim *a, const struct prio_claim *b)
{
    return a->bid != b->bid ? a->bid > b->bid : a->order < b->order;
}

void prio_resolve(struct prio_claim *c, size_t n, uint32_t ngpu,
                  money min_bid, enum prio_rule rule)
{
    size_t idx[64], m = 0;
    uint32_t left = ngpu;
    money lowest_win = -1, best_loser = -1;

    SIM_ASSERT(n <= 64);
    for (size_t i = 0; i < n; i++) {
        c[i].runs = false;
        c[i].price = 0;
        if (c[i].high) {
            SIM_ASSERT(c[i].gpus <= left);
            left -= c[i].gpus;
            c[i].runs = true;
            continue;
        }
        /* insertion sort of interruptibles by (bid desc, order asc) */
        {
            size_t j = m++;

            while (j > 0 && beats(&c[i], &c[idx[j - 1]])) {
                idx[j] = idx[j - 1];
                j--;
            }
            idx[j] = i;
        }
    }
    for (size_t j = 0; j < m; j++) {
        struct prio_claim *x = &c[idx[j]];

        if (x->gpus <= left) {
            left -= x->gpus;
            x->runs = true;
            lowest_win = x->bid;
        } else if (best_loser < 0) {
            best_loser = x->bid;
        }
    }
    for (size_t j = 0; j < m; j++) {
        struct prio_claim *x = &c[idx[j]];
        money p;

        if (!x->runs)
            continue;
        switch (rule) {
        case PRIO_SECOND_PRICE:
            p = best_loser > min_bid ? best_loser : min_bid;
            break;
        case PRIO_UNIFORM:
            p = lowest_win > min_bid ? lowest_win : min_bid;
            break;
        case PRIO_PAY_AS_BID:
        default:
            p = x->bid;
            break;
        }
        x->price = p < x->bid ? p : x->bid;
    }
}

bool prio_would_run(const struct prio_claim *c, size_t n, uint32_t ngpu,
                    uint32_t gpus, money bid)
{
    struct prio_claim tmp[64];
    uint64_t last = 0;

    if (n >= 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        tmp[i] = c[i];
        last = c[i].order > last ? c[i].order : last;
    }
    tmp[n] = (struct prio_claim){ gpus, false, bid, last + 1, false, 0 };
    prio_resolve(tmp, n + 1, ngpu, 0, PRIO_PAY_AS_BID);
    return tmp[n].runs;
}

static int by_bid_desc(const void *a, const void *b)
{
    const struct prio_claim *x = a, *y = b;

    if (x->bid != y->bid)
        return x->bid > y->bid ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

/* Claims on one machine are a handful: insertion sort beats qsort's
 * indirect calls, and the order (a total one) is the same. */
static void sort_by_bid(struct prio_claim *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct prio_claim x = v[i];
        size_t j = i;

        while (j > 0 && by_bid_desc(&x, &v[j - 1]) < 0) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

/* A newcomer goes after every interruptible bidding at least as much
 * (ties go to the earlier claim), and the GPUs left before a position
 * only shrink further down the order: so it runs iff it is placed at or
 * above the deepest position that still leaves room, i.e. iff it beats
 * the bid found there by at least one micro-dollar. */
void prio_thresholds(const struct prio_claim *c, size_t n, uint32_t ngpu,
                     const uint32_t *gpus, money *out, size_t nq)
{
    struct prio_claim v[64];
    uint32_t left = ngpu, left_at[65];
    size_t k = 0;

    SIM_ASSERT(n <= 64);
    for (size_t i = 0; i < n; i++) {
        if (c[i].high) {
            left = left >= c[i].gpus ? left - c[i].gpus : 0;
            continue;
        }
        v[k++] = c[i];
    }
    sort_by_bid(v, k);
    for (size_t p = 0; p <= k; p++) {
        left_at[p] = left;
        if (p < k && v[p].gpus <= left)
            left -= v[p].gpus;
    }
    for (size_t q = 0; q < nq; q++) {
        out[q] = INT64_MAX;
        for (size_t p = k + 1; p-- > 0;) {
            if (left_at[p] >= gpus[q]) {
                out[q] = p == k ? 0 : v[p].bid + 1;
                break;
            }
        }
    }
}

money prio_threshold(const struct prio_claim *c, size_t n, uint32_t ngpu,
                     uint32_t gpus)
{
    money t;

    prio_thresholds(c, n, ngpu, &gpus, &t, 1);
    return t;
}
