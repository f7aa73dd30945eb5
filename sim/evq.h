/* sim/evq.h -- the pending-event queue of the engine.
 *
 * A min-queue ordered by (at, seq). 'seq' is a counter taken at push, so
 * events due at the same instant fire in the order they were scheduled: a
 * run is a function of (scenario, seed) alone, never of addresses.
 *
 * Each pending event is one 16-byte heap entry: time (48 bits), sequence
 * number (39 bits), a cancelled flag, kind (8 bits) and subject (32 bits)
 * packed into one 128-bit key, so ordering is a single unsigned comparison and there is no
 * payload pool and no malloc per event. The heap is 4-ary with each group
 * of four siblings in one 64-byte cache line; past about 64 K pending
 * events the queue becomes a ladder (a small heap of the nearest events,
 * unsorted time buckets, an unsorted far-future list) so that pops stay in
 * cache. Larger payloads live in the model's own entity, indexed by
 * 'subject'.
 *
 * Cancellation is lazy: evq_cancel() records the event's sequence number
 * and evq_pop() drops it when it surfaces. An id is the pair (at, seq), so
 * cancelling an event that already fired is detected exactly: its key is
 * below the last key popped.
 */
#ifndef SIM_EVQ_H
#define SIM_EVQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sim/time.h"

struct evq;                 /* opaque: the heap invariant lives inside */

/* Identifies one pushed event; {0, 0} is never valid (EVQ_ID_NONE). */
typedef struct evq_id {
    sim_time at;
    uint64_t seq;           /* 1-based */
} evq_id;

#define EVQ_ID_NONE ((evq_id){0, 0})
static inline bool evq_id_valid(evq_id id) { return id.seq != 0; }

#define EVQ_KINDS 256       /* kinds are 0..255 */

struct evq_event {
    sim_time at;            /* absolute time, not a delay */
    unsigned kind;          /* model-defined, < EVQ_KINDS */
    uint32_t subject;       /* host, instance or renter index */
};

struct evq *evq_new(size_t capacity_hint);      /* NULL on out of memory */
void evq_free(struct evq *q);                   /* NULL is a no-op */

/* evq_new with the ladder's thresholds chosen (0 = default): the heap
 * spills into the ladder past 'spill' entries and a bucket holds about
 * 'target' events. For tests, which need the ladder at small sizes, and
 * benchmarks; the order of events never depends on them. */
struct evq *evq_new_tuned(size_t capacity_hint, size_t spill, size_t target);

/* Returns the new event's id. Pushing an event earlier than the last one
 * popped, or outside [0, SIM_TIME_MAX], is a bug and asserts; running out
 * of memory aborts (the engine cannot continue without its queue). */
evq_id evq_push(struct evq *q, sim_time at, unsigned kind, uint32_t subject);

/* False if 'id' already fired, was already cancelled, or was never issued. */
bool evq_cancel(struct evq *q, evq_id id);

/* Moves the earliest live event into '*out'; false when empty. */
bool evq_pop(struct evq *q, struct evq_event *out);

/* The same, but only an event due before 'limit': false (and nothing
 * popped) when the earliest live event is at or after it. */
bool evq_pop_before(struct evq *q, sim_time limit, struct evq_event *out);

sim_time evq_next_time(struct evq *q);         /* SIM_TIME_MAX if empty */
size_t evq_size(const struct evq *q);          /* live pending events */
size_t evq_bytes(const struct evq *q);         /* memory held by the queue */

#endif
