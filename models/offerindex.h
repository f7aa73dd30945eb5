/* models/offerindex.h -- the search index over machines.
 *
 * Searching must not scan every offer. Machines are kept in buckets per
 * (GPU model, chunk size k = 1, 2, 4, 8, 16, band): a machine sits in
 * bucket k when it can host a new k-GPU high-priority rental now (Vast
 * slices a machine into power-of-two offers from min_gpu up). The band is
 * the caller's coarse filter class (the market uses verification and
 * reliability bands), so a search with a strict filter skips whole
 * buckets instead of rejecting their machines one by one. Each bucket is an
 * array sorted by (ask per GPU-hour, machine id), so a search walks the
 * cheapest offers of each acceptable model first and stops after a few
 * that pass its filters. Updates cost a binary search and a memmove of a
 * few kilobytes at most.
 */
#ifndef MODELS_OFFERINDEX_H
#define MODELS_OFFERINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "sim/money.h"

#define OIX_KCLASSES 5      /* k = 1, 2, 4, 8, 16 */

/* What a search needs to turn an offer down without reading its machine
 * record, which is scattered in memory (a cache miss per offer): the
 * caller passes it with every update, so entries never go stale. */
struct oix_hot {
    money min_bid;                  /* per GPU-hour */
    money thr[OIX_KCLASSES];        /* least bid that runs on 2^c GPUs now; 0 = any */
    float spd[OIX_KCLASSES];        /* speed per GPU on 2^c GPUs */
    double score4;                  /* the caller's factor on a sort key (the
                                     * reliability score to the fourth) */
    uint32_t fit[OIX_KCLASSES];     /* the caller's bitmask of searchers
                                     * whose filters a 2^c-GPU offer passes */
    uint8_t cls;                    /* the caller's host class */
    bool room;                      /* can take one more claim */
    uint8_t lose[OIX_KCLASSES];     /* the caller's bitmask of bidders whose
                                     * bid cannot reach thr[c] */
};

/* 48 bytes. fit, score4, cls and room let a search accept and rank an
 * offer, not only turn it down, without the machine record: reading that
 * record cost a cache miss per accepted offer, more than the wider scan of
 * the bucket's first few entries. */
struct oix_entry {
    money ask;
    money min_bid;
    money thr;                      /* hot.thr for this bucket's chunk size */
    double score4;                  /* hot.score4 */
    uint32_t machine;
    float spd;                      /* hot.spd for this bucket's chunk size */
    uint32_t fit;                   /* hot.fit for this bucket's chunk size */
    uint8_t cls;                    /* hot.cls */
    bool room;                      /* hot.room */
    uint8_t lose;                   /* hot.lose for this bucket's chunk size */
};

struct oix;

/* 'depth': how many entries of a bucket a search reads at most (the
 * heads' open bits cover those; 0 = all). 'nbands' 0 is one band. */
struct oix *oix_new(size_t nmodels, size_t nbands, size_t depth, size_t nmachines_hint);
void oix_free(struct oix *ix);

/* Sets where 'machine' (of GPU model 'model') appears: in bucket k for
 * every power of two k with min_chunk <= k <= free_gpus, at price 'ask',
 * carrying 'hot' (NULL: all zero). free_gpus = 0 removes it everywhere
 * (unlisted, down, full). */
void oix_set(struct oix *ix, uint32_t machine, uint32_t model, uint32_t band,
             uint32_t free_gpus, uint32_t min_chunk, money ask,
             const struct oix_hot *hot);

/* The bucket for (model, k, band): a sorted array valid until the next
 * update. */
size_t oix_bucket(const struct oix *ix, uint32_t model, uint32_t k,
                  uint32_t band, const struct oix_entry **out);

/* The entry of 'machine' in its bucket for chunk class c; false if it is
 * not there. For consistency checks. */
bool oix_get(const struct oix *ix, uint32_t machine, int c, struct oix_entry *out);

/* Does entry e carry exactly what oix_set() would give its machine now
 * for chunk class c, at price 'ask' with 'hot'? For consistency checks. */
bool oix_entry_is(const struct oix_entry *e, money ask, const struct oix_hot *hot, int c);

/* The heads of the buckets for (model, chunk class c), one per band:
 * what a search needs to rank a model's buckets before it reads any.
 * Valid until the next update. */
struct oix_head {
    money first;                    /* the bucket's lowest ask; 0 when empty */
    uint32_t n;                     /* entries in the bucket */
    uint16_t spd;                   /* the most spd of the first 'depth' entries,
                                     * rounded up: read it with oix_head_spd() */
    uint8_t open;                   /* bit i clear: lose bit i is set on each of
                                     * the first 'depth' entries (oix_new) */
};
const struct oix_head *oix_heads(const struct oix *ix, uint32_t model, int c);

/* No less than the spd of any of the bucket's first 'depth' entries, and
 * within 1 in 128 of the most (0 when empty): a search that reads no
 * further bounds their keys by it. (Inline: a search reads it for every
 * bucket it could visit.) */
static inline float oix_head_spd(const struct oix_head *h)
{
    uint32_t u = (uint32_t)h->spd << 16;
    float x;

    memcpy(&x, &u, sizeof x);
    return x;
}

/* The bucket for (model, chunk class c, band): its entries, sorted, and
 * their lose bits packed beside them (lose[i] = v[i].lose: a search reads
 * this column to pass over the offers its bids cannot reach). Returns the
 * count; views are valid until the next update. */
size_t oix_view(const struct oix *ix, uint32_t model, int c, uint32_t band,
                const struct oix_entry **v, const uint8_t **lose);

/* Smallest chunk class >= gpus (k class index), or -1 if > 16. */
int oix_kclass(uint32_t gpus);

#endif
