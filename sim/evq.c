/* sim/evq.c -- a 4-ary heap of packed 128-bit keys.
 *
 * Key layout, most significant first:
 *
 *     at (48 bits) | seq (40 bits) | kind (8 bits) | subject (32 bits)
 *
 * Comparing two keys as unsigned 128-bit integers compares (at, seq); kind
 * and subject never decide because seq is unique. One fused comparison is
 * what keeps the loop fast: a two-field (t, seq) compare costs about 20 ns
 * an event more at PHOLD scale (bench/PHOLD.md).
 *
 * The array is laid out so that the four children of a node share one
 * 64-byte line: the root sits at index 3, and the children of node i are
 * 4(i-2) .. 4(i-2)+3. Slots 0..2 are padding.
 *
 * Cancelled events stay in the heap; their sequence numbers sit in a small
 * open-addressing set until they surface and are dropped. Pushing is
 * rarely followed by cancelling in practice (completions cancelled by a
 * failure), so the set is usually tiny and pop checks it only when it is
 * non-empty.
 */
#include "sim/evq.h"

#include <stdlib.h>
#include <string.h>
#include "sim/err.h"

__extension__ typedef unsigned __int128 u128;

#define ROOT 3
#define SEQ_BITS 40
#define SEQ_MAX ((((uint64_t)1) << SEQ_BITS) - 1)

struct evq {
    u128 *heap;             /* owned; heap[ROOT .. ROOT+n-1] */
    size_t n;               /* entries in the heap, cancelled included */
    size_t cap;             /* entries the array can hold past ROOT */
    uint64_t next_seq;      /* next sequence number to hand out (1-based) */
    u128 last;              /* key of the last event popped (0 = none) */
    /* cancelled sequence numbers: open addressing, 0 = empty, 1 = tomb */
    uint64_t *dead;
    size_t dead_cap;        /* power of two, or 0 */
    size_t dead_used;       /* live entries */
    size_t dead_fill;       /* live + tombstones */
};

static inline u128 make_key(sim_time at, uint64_t seq, unsigned kind,
                            uint32_t subject)
{
    uint64_t hi = ((uint64_t)at << 16) | (seq >> 24);
    uint64_t lo = ((seq & 0xffffff) << 40) | ((uint64_t)kind << 32) | subject;

    return ((u128)hi << 64) | lo;
}

static inline sim_time key_at(u128 k) { return (sim_time)(uint64_t)(k >> 80); }
static inline uint64_t key_seq(u128 k) { return (uint64_t)(k >> 40) & SEQ_MAX; }

static int grow(struct evq *q, size_t need)
{
    size_t cap = q->cap ? q->cap : 64;
    u128 *h;

    while (cap < need)
        cap *= 2;
    /* 64-byte alignment keeps each sibling group in one cache line. */
    h = aligned_alloc(64, ((cap + ROOT + 3) & ~(size_t)3) * sizeof *h);
    if (!h)
        return SIM_ENOMEM;
    if (q->heap) {
        memcpy(h + ROOT, q->heap + ROOT, q->n * sizeof *h);
        free(q->heap);
    }
    q->heap = h;
    q->cap = cap;
    return SIM_OK;
}

struct evq *evq_new(size_t capacity_hint)
{
    struct evq *q = calloc(1, sizeof *q);

    if (!q)
        return NULL;
    q->next_seq = 1;
    if (grow(q, capacity_hint ? capacity_hint : 64) != SIM_OK) {
        free(q);
        return NULL;
    }
    return q;
}

void evq_free(struct evq *q)
{
    if (!q)
        return;
    free(q->heap);
    free(q->dead);
    free(q);
}

static void sift_up(u128 *h, size_t i, u128 k)
{
    while (i > ROOT) {
        size_t p = i / 4 + 2;

        if (h[p] <= k)
            break;
        h[i] = h[p];
        i = p;
    }
    h[i] = k;
}

evq_id evq_push(struct evq *q, sim_time at, unsigned kind, uint32_t subject)
{
    uint64_t seq = q->next_seq++;
    u128 k;

    SIM_ASSERT(at >= 0 && at <= SIM_TIME_MAX);
    SIM_ASSERT(kind < EVQ_KINDS);
    SIM_ASSERT(seq <= SEQ_MAX);
    if (q->n == q->cap && grow(q, q->cap * 2) != SIM_OK)
        SIM_PANIC("event queue: out of memory at %zu events", q->n);
    k = make_key(at, seq, kind, subject);
    if (k < q->last)
        SIM_PANIC("event scheduled in the past: t=%lld us, now=%lld us",
                  (long long)at, (long long)key_at(q->last));
    sift_up(q->heap, ROOT + q->n, k);
    q->n++;
    return (evq_id){ at, seq };
}

static size_t dead_slot(uint64_t seq, size_t cap)
{
    /* Fibonacci hashing spreads consecutive sequence numbers. */
    return (size_t)((seq * 0x9e3779b97f4a7c15ULL) >> 20) & (cap - 1);
}

static bool dead_has(const struct evq *q, uint64_t seq)
{
    size_t i;

    if (q->dead_used == 0)
        return false;
    for (i = dead_slot(seq, q->dead_cap); q->dead[i] != 0;
         i = (i + 1) & (q->dead_cap - 1))
        if (q->dead[i] == seq + 1)
            return true;
    return false;
}

static void dead_remove(struct evq *q, uint64_t seq)
{
    size_t i;

    for (i = dead_slot(seq, q->dead_cap); q->dead[i] != 0;
         i = (i + 1) & (q->dead_cap - 1)) {
        if (q->dead[i] == seq + 1) {
            q->dead[i] = 1;         /* tombstone */
            q->dead_used--;
            if (q->dead_used == 0) {    /* cheap full reset */
                memset(q->dead, 0, q->dead_cap * sizeof *q->dead);
                q->dead_fill = 0;
            }
            return;
        }
    }
}

static void dead_insert(struct evq *q, uint64_t seq)
{
    size_t i;

    /* Entries are stored as seq + 1 so that 0 (empty) and 1 (tombstone)
     * can never collide with a real sequence number (which starts at 1). */
    if ((q->dead_fill + 1) * 2 > q->dead_cap) {
        size_t ncap = q->dead_cap ? q->dead_cap : 16, j;
        uint64_t *old = q->dead, *nd;

        while ((q->dead_used + 1) * 2 > ncap / 2)
            ncap *= 2;
        nd = calloc(ncap, sizeof *nd);
        if (!nd)
            SIM_PANIC("event queue: out of memory for cancellations");
        for (j = 0; j < q->dead_cap; j++) {
            if (old[j] > 1) {
                size_t k = dead_slot(old[j] - 1, ncap);

                while (nd[k] != 0)
                    k = (k + 1) & (ncap - 1);
                nd[k] = old[j];
            }
        }
        free(old);
        q->dead = nd;
        q->dead_cap = ncap;
        q->dead_fill = q->dead_used;
    }
    for (i = dead_slot(seq, q->dead_cap); q->dead[i] > 1;
         i = (i + 1) & (q->dead_cap - 1))
        ;
    if (q->dead[i] == 0)
        q->dead_fill++;
    q->dead[i] = seq + 1;
    q->dead_used++;
}

bool evq_cancel(struct evq *q, evq_id id)
{
    u128 probe;

    if (id.seq == 0 || id.seq >= q->next_seq)
        return false;
    /* Everything at or below the last popped key has fired or been
     * dropped already; kind and subject bits do not matter for that. */
    probe = make_key(id.at, id.seq, 0, 0);
    if (probe <= (q->last & ~(u128)0xffffffffffULL))
        return false;
    if (dead_has(q, id.seq))
        return false;
    dead_insert(q, id.seq);
    return true;
}

/* Removes the root. The element moved from the end is almost always one
 * of the latest events, so instead of comparing it at every level
 * (Floyd's observation) the hole walks down along the smallest children
 * to a leaf and the element then sifts up the one or two levels it needs:
 * three comparisons per level instead of four. */
static u128 pop_root(struct evq *q)
{
    u128 *h = q->heap, top = h[ROOT], last;
    size_t end, i = ROOT;

    q->n--;
    if (q->n == 0)
        return top;
    end = ROOT + q->n;
    last = h[end];
    for (;;) {
        size_t c = 4 * (i - 2), m = c;
        u128 mk;

        if (c + 3 < end) {
            /* The 16 grandchildren are four consecutive lines: fetch them
             * while this level is decided, so deep levels of a large heap
             * cost one memory latency per level instead of two. */
            size_t g = 4 * (c - 2);

            if (g < end) {
                __builtin_prefetch(&h[g]);
                __builtin_prefetch(&h[g + 4]);
                __builtin_prefetch(&h[g + 8]);
                __builtin_prefetch(&h[g + 12]);
            }
            /* A branch-free tournament: on random keys each of the three
             * comparisons is a coin flip, and mispredicted branches, not
             * cache misses, were what made this loop slow. */
            size_t m01 = c + (size_t)(h[c + 1] < h[c]);
            size_t m23 = c + 2 + (size_t)(h[c + 3] < h[c + 2]);

            m = m01 ^ ((m01 ^ m23) & (0 - (size_t)(h[m23] < h[m01])));
            mk = h[m];
        } else if (c < end) {
            mk = h[c];
            for (size_t j = c + 1; j < end; j++)
                if (h[j] < mk) { m = j; mk = h[j]; }
        } else {
            break;
        }
        h[i] = mk;
        i = m;
    }
    sift_up(h, i, last);
    return top;
}

bool evq_pop(struct evq *q, struct evq_event *out)
{
    u128 k;

    for (;;) {
        if (q->n == 0)
            return false;
        k = pop_root(q);
        q->last = k;
        if (q->dead_used && dead_has(q, key_seq(k))) {
            dead_remove(q, key_seq(k));
            continue;
        }
        break;
    }
    out->at = key_at(k);
    out->kind = (unsigned)(k >> 32) & 0xff;
    out->subject = (uint32_t)k;
    return true;
}

sim_time evq_next_time(struct evq *q)
{
    /* Drop cancelled events at the top so the answer is a live event. */
    while (q->n > 0 && q->dead_used && dead_has(q, key_seq(q->heap[ROOT]))) {
        u128 k = pop_root(q);

        q->last = k;
        dead_remove(q, key_seq(k));
    }
    return q->n ? key_at(q->heap[ROOT]) : SIM_TIME_MAX;
}

size_t evq_size(const struct evq *q)
{
    return q->n - q->dead_used;
}

size_t evq_bytes(const struct evq *q)
{
    return sizeof *q + (q->cap + ROOT + 3) * sizeof(u128) +
           q->dead_cap * sizeof(uint64_t);
}
