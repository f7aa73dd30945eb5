/* models/offerindex.h -- the search index over machines.
 *
 * Searching must not scan every offer. Machines are kept in buckets per
 * (GPU model, chunk size k = 1, 2, 4, 8, 16): a machine sits in bucket k
 * when it can host a new k-GPU high-priority rental now (Vast slices a
 * machine into power-of-two offers from min_gpu up). Each bucket is an
 * array sorted by (ask per GPU-hour, machine id), so a search walks the
 * cheapest offers of each acceptable model first and stops after a few
 * that pass its filters. Updates cost a binary search and a memmove of a
 * few kilobytes at most.
 */
#ifndef MODELS_OFFERINDEX_H
#define MODELS_OFFERINDEX_H

#include <stddef.h>
#include <stdint.h>
#include "sim/money.h"

#define OIX_KCLASSES 5      /* k = 1, 2, 4, 8, 16 */

struct oix_entry {
    money ask;
    uint32_t machine;
};

struct oix;

struct oix *oix_new(size_t nmodels, size_t nmachines_hint);
void oix_free(struct oix *ix);

/* Sets where 'machine' (of GPU model 'model') appears: in bucket k for
 * every power of two k with min_chunk <= k <= free_gpus, at price 'ask'.
 * free_gpus = 0 removes it everywhere (unlisted, down, full). */
void oix_set(struct oix *ix, uint32_t machine, uint32_t model,
             uint32_t free_gpus, uint32_t min_chunk, money ask);

/* The bucket for (model, k): a sorted array valid until the next update. */
size_t oix_bucket(const struct oix *ix, uint32_t model, uint32_t k,
                  const struct oix_entry **out);

/* Smallest chunk class >= gpus (k class index), or -1 if > 16. */
int oix_kclass(uint32_t gpus);

#endif
