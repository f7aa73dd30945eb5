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
 * Cancelled events stay where they are; their sequence numbers sit in a
 * small open-addressing set until they surface and are dropped. Pushing is
 * rarely followed by cancelling in practice (completions cancelled by a
 * failure), so the set is usually tiny and pop checks it only when it is
 * non-empty.
 *
 * Large queues: a heap of millions of entries costs a memory latency at
 * each of its deepest levels on every pop. So once the heap outgrows
 * 'spill' entries, the queue becomes a two-rung ladder (after Tang, Goh
 * and Thng's ladder queue):
 *
 *     heap      every event before 'bound', ordered (small, in cache)
 *     rung      buckets of width 2^shift us from 'base': unsorted lists
 *     top       every event at or after 'rung_end': one unsorted list
 *
 * A push appends to the list its time falls in: a store into one of a few
 * thousand list tails, which stay in cache. When the heap runs dry the
 * next non-empty bucket is heapified into it (Floyd, linear), and when the
 * rung is spent the top is re-bucketed with a width sampled so that a
 * bucket holds about 'target' events. Order is still exactly (at, seq):
 * the tiers only decide where an event waits, never which comes first.
 * A top small enough goes back into the heap whole, so a cache-sized
 * queue never pays for the ladder.
 */
#include "sim/evq.h"

#include <stdlib.h>
#include <string.h>
#include "sim/err.h"

__extension__ typedef unsigned __int128 u128;

#define ROOT 3
#define SEQ_BITS 40
#define SEQ_MAX ((((uint64_t)1) << SEQ_BITS) - 1)

#define SPILL_DEFAULT ((size_t)1 << 16)   /* 1 MiB of heap: past L2 */
#define TARGET_DEFAULT ((size_t)1 << 14)  /* bucket the heap takes in */
#define NB_MAX ((size_t)1 << 20)          /* buckets per rung, at most */
#define SAMPLES 1024                      /* keys sampled per re-bucketing */
#define TIME_INF (SIM_TIME_MAX + 1)       /* above every event time */

/* An unsorted list of keys: chunks of 1 KiB, newest chunk first. */
#define CHUNK 63
struct chunk {
    struct chunk *next;
    uint64_t n;
    u128 e[CHUNK];
};

#define SLAB 256                          /* chunks per allocation */

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
    size_t dead_heap;       /* of those, events now in the heap: a pop looks
                             * its event up only when there are any */
    size_t dead_fill;       /* live + tombstones */

    /* The ladder (see the top of the file). Invariant: every heap key is
     * before 'bound' <= every rung key < 'rung_end' <= every top key, and
     * bucket i of the rung holds [base + i 2^shift, base + (i+1) 2^shift).
     * Pure heap mode: bound = rung_end = TIME_INF, no rung, empty top. */
    sim_time bound;
    sim_time base;
    sim_time rung_end;
    unsigned shift;
    struct chunk **bucket;  /* owned; nb heads, [cur, nb) still to drain */
    size_t nb, cur, bucket_cap;
    size_t rung_n;          /* entries in the rung, cancelled included */
    struct chunk *top;
    size_t top_n;
    sim_time top_min, top_max;
    bool laddered;          /* false: pure heap mode */
    size_t spill, target;
    struct chunk *spare;    /* free chunks */
    void **slab;            /* owned allocations of SLAB chunks */
    size_t nslab, slab_cap;
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

struct evq *evq_new_tuned(size_t capacity_hint, size_t spill, size_t target)
{
    struct evq *q = calloc(1, sizeof *q);

    if (!q)
        return NULL;
    q->next_seq = 1;
    q->spill = spill ? spill : SPILL_DEFAULT;
    q->target = target ? target : TARGET_DEFAULT;
    q->bound = q->rung_end = TIME_INF;
    q->top_min = TIME_INF;
    /* The heap never holds much more than 'spill' events for long, so a
     * huge hint is better served by the ladder's chunks. */
    if (capacity_hint > q->spill)
        capacity_hint = q->spill;
    if (grow(q, capacity_hint ? capacity_hint : 64) != SIM_OK) {
        free(q);
        return NULL;
    }
    return q;
}

struct evq *evq_new(size_t capacity_hint)
{
    return evq_new_tuned(capacity_hint, 0, 0);
}

void evq_free(struct evq *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->nslab; i++)
        free(q->slab[i]);
    free(q->slab);
    free(q->bucket);
    free(q->heap);
    free(q->dead);
    free(q);
}

static struct chunk *chunk_get(struct evq *q)
{
    struct chunk *c = q->spare;

    if (!c) {
        struct chunk *s;

        if (q->nslab == q->slab_cap) {
            size_t ncap = q->slab_cap ? 2 * q->slab_cap : 16;
            void **ns = realloc(q->slab, ncap * sizeof *ns);

            if (!ns)
                SIM_PANIC("event queue: out of memory");
            q->slab = ns;
            q->slab_cap = ncap;
        }
        s = aligned_alloc(64, SLAB * sizeof *s);
        if (!s)
            SIM_PANIC("event queue: out of memory");
        q->slab[q->nslab++] = s;
        for (size_t i = 0; i < SLAB - 1; i++)
            s[i].next = &s[i + 1];
        s[SLAB - 1].next = NULL;
        c = s;
    }
    q->spare = c->next;
    return c;
}

static void chunk_put(struct evq *q, struct chunk *c)
{
    c->next = q->spare;
    q->spare = c;
}

static inline void list_push(struct evq *q, struct chunk **head, u128 k)
{
    struct chunk *c = *head;

    if (!c || c->n == CHUNK) {
        c = chunk_get(q);
        c->next = *head;
        c->n = 0;
        *head = c;
    }
    c->e[c->n++] = k;
}

static inline void top_push(struct evq *q, u128 k)
{
    sim_time at = key_at(k);

    list_push(q, &q->top, k);
    q->top_n++;
    if (at < q->top_min)
        q->top_min = at;
    if (at > q->top_max)
        q->top_max = at;
}

static void spill_heap(struct evq *q);

static inline __attribute__((always_inline)) void sift_up(u128 *h, size_t i, u128 k)
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
    if (at < q->bound) {
        sift_up(q->heap, ROOT + q->n, k);
        if (++q->n > q->spill && !q->laddered)
            spill_heap(q);
    } else if (at < q->rung_end) {
        list_push(q, &q->bucket[(uint64_t)(at - q->base) >> q->shift], k);
        q->rung_n++;
    } else {
        top_push(q, k);
    }
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
    if (id.at < q->bound)       /* it waits in the heap */
        q->dead_heap++;
    return true;
}

/* Removes the root. The element moved from the end is almost always one
 * of the latest events, so instead of comparing it at every level
 * (Floyd's observation) the hole walks down along the smallest children
 * to a leaf and the element then sifts up the one or two levels it needs:
 * three comparisons per level instead of four. */
static inline __attribute__((always_inline)) u128 pop_root(struct evq *q)
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

/* Plain sift-down, for heapifying a bucket. */
static void sift_down(u128 *h, size_t i, size_t end)
{
    u128 k = h[i];

    for (;;) {
        size_t c = 4 * (i - 2), m = c, stop;

        if (c >= end)
            break;
        stop = c + 4 < end ? c + 4 : end;
        for (size_t j = c + 1; j < stop; j++)
            if (h[j] < h[m])
                m = j;
        if (h[m] >= k)
            break;
        h[i] = h[m];
        i = m;
    }
    h[i] = k;
}

/* Moves a list into the (empty) heap and frees its chunks. */
static void heap_take(struct evq *q, struct chunk *c, size_t count)
{
    size_t end;

    if (count > q->cap && grow(q, count) != SIM_OK)
        SIM_PANIC("event queue: out of memory at %zu events", count);
    while (c) {
        struct chunk *next = c->next;

        memcpy(q->heap + ROOT + q->n, c->e, c->n * sizeof *c->e);
        q->n += c->n;
        if (q->dead_used)
            for (size_t j = 0; j < c->n; j++)
                q->dead_heap += dead_has(q, key_seq(c->e[j]));
        chunk_put(q, c);
        c = next;
    }
    end = ROOT + q->n;
    if (q->n > 1)
        for (size_t i = (end - 1) / 4 + 3; i-- > ROOT;)
            sift_down(q->heap, i, end);
}

/* The heap has outgrown the cache in pure heap mode: everything moves to
 * the top, to be bucketed when the heap is next needed. */
static void spill_heap(struct evq *q)
{
    for (size_t i = ROOT; i < ROOT + q->n; i++)
        top_push(q, q->heap[i]);
    q->n = 0;
    q->dead_heap = 0;           /* they moved with the rest */
    q->bound = q->rung_end = 0;
    q->nb = q->cur = 0;
    q->laddered = true;
}

static int cmp_time(const void *a, const void *b)
{
    sim_time x = *(const sim_time *)a, y = *(const sim_time *)b;

    return (x > y) - (x < y);
}

/* Bucket width: the spacing of the earliest sampled keys, scaled so that
 * a bucket near the front holds about 'target' events. The front is what
 * matters: later buckets can be re-bucketed when they come up. */
static unsigned choose_shift(const struct evq *q)
{
    sim_time s[SAMPLES];
    size_t ns = 0, stride = q->top_n / SAMPLES + 1, k, i = 0;
    double w;
    unsigned shift = 0;

    for (const struct chunk *c = q->top; c; c = c->next) {
        /* i is the index of c->e[0] in the whole list. */
        for (size_t j = (stride - i % stride) % stride; j < c->n && ns < SAMPLES;
             j += stride)
            s[ns++] = key_at(c->e[j]);
        i += c->n;
    }
    qsort(s, ns, sizeof *s, cmp_time);
    k = ns / 32 + 1 < ns ? ns / 32 + 1 : ns - 1;
    /* k sampled gaps stand for about k * top_n / ns events. */
    w = (double)(s[k] - s[0]) * (double)q->target * (double)ns /
        ((double)k * (double)q->top_n);
    while (shift < 46 && (double)((sim_time)2 << shift) <= w)
        shift++;
    return shift;
}

/* The rung is spent: a small top goes back into the heap whole; a large
 * one is spread over a new rung, what lies past it staying in the top. */
static void rebuild(struct evq *q)
{
    struct chunk *c = q->top;
    size_t nb, span;

    if (q->top_n <= q->spill) {
        size_t count = q->top_n;

        q->top = NULL;
        q->top_n = 0;
        q->top_min = TIME_INF;
        q->top_max = 0;
        q->bound = q->rung_end = TIME_INF;
        q->nb = q->cur = 0;
        q->laddered = false;
        heap_take(q, c, count);
        return;
    }
    q->laddered = true;
    q->shift = choose_shift(q);
    q->base = q->top_min;
    span = (size_t)((uint64_t)(q->top_max - q->base) >> q->shift) + 1;
    nb = (2 * q->top_n) / q->target + 1;
    if (nb > span)
        nb = span;
    if (nb > NB_MAX)
        nb = NB_MAX;
    if (nb > q->bucket_cap) {
        struct chunk **b = realloc(q->bucket, nb * sizeof *b);

        if (!b)
            SIM_PANIC("event queue: out of memory");
        q->bucket = b;
        q->bucket_cap = nb;
    }
    memset(q->bucket, 0, nb * sizeof *q->bucket);
    q->nb = nb;
    q->cur = 0;
    q->bound = q->base;
    q->rung_end = q->base + (sim_time)(nb << q->shift);
    q->top = NULL;
    q->top_n = 0;
    q->top_min = TIME_INF;
    q->top_max = 0;
    while (c) {
        struct chunk *next = c->next;

        for (size_t j = 0; j < c->n; j++) {
            u128 k = c->e[j];
            sim_time at = key_at(k);

            if (at < q->rung_end) {
                list_push(q, &q->bucket[(uint64_t)(at - q->base) >> q->shift], k);
                q->rung_n++;
            } else {
                top_push(q, k);
            }
        }
        chunk_put(q, c);
        c = next;
    }
}

/* Fills the empty heap from the ladder; false when nothing is left. */
static bool refill(struct evq *q)
{
    SIM_ASSERT(q->n == 0 && q->dead_heap == 0);
    for (;;) {
        while (q->cur < q->nb) {
            struct chunk *c = q->bucket[q->cur];
            size_t count = 0;

            q->bucket[q->cur++] = NULL;
            q->bound = q->base + (sim_time)(q->cur << q->shift);
            if (!c)
                continue;
            for (struct chunk *d = c; d; d = d->next)
                count += d->n;
            q->rung_n -= count;
            heap_take(q, c, count);
            return true;
        }
        if (q->top_n == 0)
            return false;
        rebuild(q);
        if (q->n)
            return true;
    }
}

bool evq_pop_before(struct evq *q, sim_time limit, struct evq_event *out)
{
    u128 k;

    for (;;) {
        if (q->n == 0 && !refill(q))
            return false;
        k = q->heap[ROOT];
        if (q->dead_heap && dead_has(q, key_seq(k))) {
            q->last = pop_root(q);
            dead_remove(q, key_seq(k));
            q->dead_heap--;
            continue;
        }
        if (key_at(k) >= limit)
            return false;
        break;
    }
    q->last = pop_root(q);
    out->at = key_at(k);
    out->kind = (unsigned)(k >> 32) & 0xff;
    out->subject = (uint32_t)k;
    return true;
}

bool evq_pop(struct evq *q, struct evq_event *out)
{
    return evq_pop_before(q, TIME_INF, out);
}

sim_time evq_next_time(struct evq *q)
{
    /* Drop cancelled events at the top so the answer is a live event. */
    for (;;) {
        u128 k;

        if (q->n == 0 && !refill(q))
            return SIM_TIME_MAX;
        if (!q->dead_heap || !dead_has(q, key_seq(q->heap[ROOT])))
            return key_at(q->heap[ROOT]);
        k = pop_root(q);
        q->last = k;
        dead_remove(q, key_seq(k));
        q->dead_heap--;
    }
}

size_t evq_size(const struct evq *q)
{
    return q->n + q->rung_n + q->top_n - q->dead_used;
}

size_t evq_bytes(const struct evq *q)
{
    return sizeof *q + (q->cap + ROOT + 3) * sizeof(u128) +
           q->dead_cap * sizeof(uint64_t) +
           q->bucket_cap * sizeof *q->bucket +
           q->nslab * SLAB * sizeof(struct chunk) +
           q->slab_cap * sizeof *q->slab;
}
