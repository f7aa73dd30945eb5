/* models/market.h -- the Vast.ai-like GPU market as a scenario model.
 *
 * Hosts of three classes (hobbyist rig, small farm, datacenter) in regions
 * with their own electricity prices list machines of N GPUs of one catalog
 * model, sliced into power-of-two offers. Renters of six archetypes arrive
 * by non-homogeneous Poisson processes, search an index of offers, and rent
 * on-demand, reserved or interruptible (bidding). Interruptibles are paused
 * when outbid or preempted and resume in bid order. Machines fail and lose
 * the work since the last checkpoint; reliability scores move. Every charge
 * goes through the ledger and money is conserved to the micro-dollar.
 *
 * The metric names this model writes are listed in docs/METRICS.md.
 */
#ifndef MODELS_MARKET_H
#define MODELS_MARKET_H

#include <stdint.h>
#include "sim/model.h"

extern const struct sim_model market_model;

/* Adds every market.*, supply.*, gpu.*, hostclass.*, region.*,
 * archetype.* and workload.* key. */
void market_register_params(struct param_registry *reg);

/* `gpumarket bench market` (models/market_bench.c). */
int market_bench_main(int argc, char **argv);

/* What the market's searches did so far, [0] on-demand and reserved, [1]
 * interruptible: searches, those that found an offer, index buckets
 * scanned and entries read (offers an interruptible search passes over on
 * their lose bits are not read). For the benchmark's report. */
struct market_search_stats {
    uint64_t searches[2], found[2], buckets[2], entries[2];
};
void market_search_stats(const void *state, struct market_search_stats *out);

#endif
