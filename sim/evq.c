/* sim/evq.c -- a 4-ary heap of packed 128-bit keys.
 *
 * Key layout, most significant first:
 *
 *     at (48 bits) | seq (39 bits) | dead (1 bit) | kind (8 bits) | subject (32 bits)
 *
 * Comparing two keys as unsigned 128-bit integers compares (at, seq); the
 * dead bit, kind and subject never decide because seq is unique. One
 * fused comparison is what keeps the loop fast: a two-field (t, seq)
 * compare costs about 20 ns an event more at PHOLD scale (../shared/bench/PHOLD.md).
 *
 * The array is laid out so that the four children of a node share one
 * 64-byte line: the root sits at index 3, and the children of node i are
 * 4(i-2) .. 4(i-2)+3. Slots 0..2 are padding.
 *
 * Cancelled events stay where they are; their sequence numbers sit in an
 * open-addressing set until they surface and are dropped. There are two
 * sets, because a pop must not look up a large one: a market cancels about
 * one event in three (pausing an interruptible cancels its completion,
 * placing a job its patience timer), mostly events days ahead, and a
 * lookup in a set of tens of thousands is a cache miss on every pop.
 *
 *     far   cancelled while waiting outside the heap. When its bucket
 *           moves into the heap the entry's key gets the dead bit, so a
 *           pop sees it in the key itself.
 *     near  cancelled while in the heap: the key cannot be found to mark
 *           it, so pops look these up, but the set only holds events of
 *           the heap's short window and stays in cache.
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
#define SEQ_BITS 39
#define SEQ_MAX ((((uint64_t)1) << SEQ_BITS) - 1)

#define SPILL_DEFAULT ((size_t)1 << 16)   /* 1 MiB of heap: past L2 */
#define TARGET_DEFAULT ((size_t)1 << 14)  /* bucket the heap takes in */
#define NB_MAX ((size_t)1 << 20)          /* buckets per rung, at most */
#define SAMPLES 1024                      /* keys sampled per re-bucketing */
#define TIME_INF (SIM_TIME_MAX + 1)       /* above every event time */
#define DEAD_BIT ((u128)1 << 40)          /* in a key: cancelled */
#define LOW_BITS ((DEAD_BIT << 1) - 1)    /* dead, kind and subject */

/* Cancelled events dropped when no live pop followed (evq_next_time, or
 * a pop_before that found nothing live): 'last' stays where it was, so a
 * push between it and them is still the future. Every id issued before
 * 'mark' (the next sequence number then) with a key at or below 'key' has
 * left the queue: everything in it was after 'key' when it was recorded. */
struct gone {
    u128 key;
    uint64_t mark;
};

/* An unsorted list of keys: chunks of 1 KiB, newest chunk first. */
#define CHUNK 63
struct chunk {
    struct chunk *next;
    uint64_t n;
    u128 e[CHUNK];
};

#define SLAB 256                          /* chunks per allocation */

/* A set of sequence numbers: open addressing with linear probing, stored
 * as seq + 1 so that 0 (empty) never collides with one (seq starts at 1).
 * Removal shifts the entries after the hole back instead of leaving a
 * tombstone: a queue cancels and drops events all the time, and
 * tombstones made the table of the far set grow to several times its
 * entries, past what the cache holds. */
struct seqset {
    uint64_t *v;
    size_t cap;             /* power of two, or 0 */
    size_t used;            /* entries */
};

struct evq {
    u128 *heap;             /* owned; heap[ROOT .. ROOT+n-1] */
    size_t n;               /* entries in the heap, cancelled included */
    size_t cap;             /* entries the array can hold past ROOT */
    uint64_t next_seq;      /* next sequence number to hand out (1-based) */
    u128 last;              /* key of the last live event popped (0 = none) */
    struct seqset far, near;    /* cancelled, not yet dropped (top of file) */
    struct gone *gone;      /* owned: dropped beyond 'last' (see evq_cancel) */
    size_t ngone, gone_cap;

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
    size_t resplit;         /* laddered: a heap past this is re-bucketed */
    struct chunk *spare;    /* free chunks */
    void **slab;            /* owned allocations of SLAB chunks */
    size_t nslab, slab_cap;
};

static inline u128 make_key(sim_time at, uint64_t seq, unsigned kind,
                            uint32_t subject)
{
    uint64_t hi = ((uint64_t)at << 16) | (seq >> 23);
    uint64_t lo = ((seq & 0x7fffff) << 41) | ((uint64_t)kind << 32) | subject;

    return ((u128)hi << 64) | lo;
}

static inline sim_time key_at(u128 k) { return (sim_time)(uint64_t)(k >> 80); }
static inline uint64_t key_seq(u128 k) { return (uint64_t)(k >> 41) & SEQ_MAX; }

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
    free(q->far.v);
    free(q->near.v);
    free(q->gone);
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
                SIM_OOM("event queue: out of memory");
            q->slab = ns;
            q->slab_cap = ncap;
        }
        s = aligned_alloc(64, SLAB * sizeof *s);
        if (!s)
            SIM_OOM("event queue: out of memory");
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

static void flatten(struct evq *q);

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
        SIM_OOM("event queue: out of memory at %zu events", q->n);
    k = make_key(at, seq, kind, subject);
    if (k < q->last)
        SIM_PANIC("event scheduled in the past: t=%lld us, now=%lld us",
                  (long long)at, (long long)key_at(q->last));
    if (at < q->bound) {
        sift_up(q->heap, ROOT + q->n, k);
        if (++q->n > (q->laddered ? q->resplit : q->spill))
            flatten(q);
    } else if (at < q->rung_end) {
        list_push(q, &q->bucket[(uint64_t)(at - q->base) >> q->shift], k);
        q->rung_n++;
    } else {
        top_push(q, k);
    }
    return (evq_id){ at, seq };
}

static size_t ss_slot(uint64_t seq, size_t cap)
{
    /* Fibonacci hashing spreads consecutive sequence numbers. */
    return (size_t)((seq * 0x9e3779b97f4a7c15ULL) >> 20) & (cap - 1);
}

static bool ss_has(const struct seqset *s, uint64_t seq)
{
    size_t i;

    if (s->used == 0)
        return false;
    for (i = ss_slot(seq, s->cap); s->v[i] != 0; i = (i + 1) & (s->cap - 1))
        if (s->v[i] == seq + 1)
            return true;
    return false;
}

static void ss_remove(struct seqset *s, uint64_t seq)
{
    size_t mask = s->cap - 1, i, j;

    for (i = ss_slot(seq, s->cap); s->v[i] != seq + 1; i = (i + 1) & mask)
        if (s->v[i] == 0)
            SIM_PANIC("event queue: cancelled event %llu not in its set",
                      (unsigned long long)seq);
    /* Close the hole at i: an entry further on may move into it unless
     * its home slot lies cyclically in (i, j], where it already is. */
    for (j = (i + 1) & mask; s->v[j] != 0; j = (j + 1) & mask) {
        size_t home = ss_slot(s->v[j] - 1, s->cap);
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);

        if (!stays) {
            s->v[i] = s->v[j];
            i = j;
        }
    }
    s->v[i] = 0;
    s->used--;
}

static void ss_insert(struct seqset *s, uint64_t seq)
{
    size_t i;

    if ((s->used + 1) * 2 > s->cap) {   /* at most half full */
        size_t ncap = s->cap ? 2 * s->cap : 16;
        uint64_t *old = s->v, *nv = calloc(ncap, sizeof *nv);

        if (!nv)
            SIM_OOM("event queue: out of memory for cancellations");
        for (size_t j = 0; j < s->cap; j++) {
            if (old[j] != 0) {
                size_t k = ss_slot(old[j] - 1, ncap);

                while (nv[k] != 0)
                    k = (k + 1) & (ncap - 1);
                nv[k] = old[j];
            }
        }
        free(old);
        s->v = nv;
        s->cap = ncap;
    }
    for (i = ss_slot(seq, s->cap); s->v[i] != 0; i = (i + 1) & (s->cap - 1))
        ;
    s->v[i] = seq + 1;
    s->used++;
}

/* The heap's events are leaving it: its cancelled ones join 'far', to be
 * marked when they come back. */
static void near_to_far(struct evq *q)
{
    for (size_t i = 0; q->near.used && i < q->near.cap; i++)
        if (q->near.v[i] != 0) {
            ss_insert(&q->far, q->near.v[i] - 1);
            q->near.v[i] = 0;
            q->near.used--;
        }
    /* Before the first spill every cancel lands here; a table left that
     * large would spread the next window's few entries over lines a pop
     * then misses. */
    if (q->near.cap > 1024) {
        free(q->near.v);
        q->near.v = NULL;
        q->near.cap = 0;
    }
}

/* Records at or below 'last' say nothing that 'last' does not. */
static void gone_prune(struct evq *q)
{
    while (q->ngone && q->gone[q->ngone - 1].key <= q->last)
        q->ngone--;
}

/* 'key' is the largest of the cancelled events just dropped, and nothing
 * live at or before it remains. The records are kept by key descending,
 * so marks ascending: one at or below 'key' is now said by this one. */
static void gone_add(struct evq *q, u128 key)
{
    gone_prune(q);
    while (q->ngone && q->gone[q->ngone - 1].key <= key)
        q->ngone--;
    if (q->ngone == q->gone_cap) {
        size_t ncap = q->gone_cap ? 2 * q->gone_cap : 4;
        struct gone *g = realloc(q->gone, ncap * sizeof *g);

        if (!g)
            SIM_OOM("event queue: out of memory");
        q->gone = g;
        q->gone_cap = ncap;
    }
    q->gone[q->ngone++] = (struct gone){ key, q->next_seq };
}

/* Whether the event (probe, seq), above 'last', was dropped: the nearest
 * record at or above it has the latest mark of all that cover it. */
static bool gone_has(struct evq *q, u128 probe, uint64_t seq)
{
    gone_prune(q);
    for (size_t i = q->ngone; i-- > 0;)
        if (probe <= q->gone[i].key)
            return seq < q->gone[i].mark;
    return false;
}

bool evq_cancel(struct evq *q, evq_id id)
{
    u128 probe;

    if (id.seq == 0 || id.seq >= q->next_seq)
        return false;
    /* Everything at or below the last popped key has fired or been
     * dropped already; the dead, kind and subject bits do not matter. */
    probe = make_key(id.at, id.seq, 0, 0);
    if (probe <= (q->last & ~LOW_BITS))
        return false;
    if (q->ngone && gone_has(q, probe, id.seq))
        return false;
    if (ss_has(&q->near, id.seq) || ss_has(&q->far, id.seq))
        return false;
    if (id.at < q->bound)       /* it waits in the heap */
        ss_insert(&q->near, id.seq);
    else
        ss_insert(&q->far, id.seq);
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

/* Moves a list into the (empty) heap and frees its chunks. Events
 * cancelled while they waited get the dead bit here. */
static void heap_take(struct evq *q, struct chunk *c, size_t count)
{
    size_t end;

    if (count > q->cap && grow(q, count) != SIM_OK)
        SIM_OOM("event queue: out of memory at %zu events", count);
    while (c) {
        struct chunk *next = c->next;
        u128 *h = q->heap + ROOT + q->n;

        memcpy(h, c->e, c->n * sizeof *c->e);
        if (q->far.used)
            for (size_t j = 0; j < c->n; j++)
                if (ss_has(&q->far, key_seq(h[j])))
                    h[j] |= DEAD_BIT;
        q->n += c->n;
        chunk_put(q, c);
        c = next;
    }
    end = ROOT + q->n;
    if (q->n > 1)
        for (size_t i = (end - 1) / 4 + 3; i-- > ROOT;)
            sift_down(q->heap, i, end);
    /* A bucket's width was chosen for the events it held then; when pushes
     * into the heap's window double it past that, the window is too wide
     * for the cache and the ladder is rebuilt (see evq_push). */
    q->resplit = 2 * (q->n > q->target ? q->n : q->target);
}

/* Everything moves to the top, to be bucketed again when the heap is next
 * needed: in pure heap mode once the heap has outgrown the cache, and in
 * a ladder when the heap's window has filled far past its bucket. The
 * order is unaffected: the tiers only decide where an event waits. */
static void flatten(struct evq *q)
{
    near_to_far(q);
    for (size_t i = ROOT; i < ROOT + q->n; i++)
        top_push(q, q->heap[i]);
    q->n = 0;
    for (size_t b = q->cur; b < q->nb; b++) {
        struct chunk *c = q->bucket[b];

        q->bucket[b] = NULL;
        while (c) {
            struct chunk *next = c->next;

            for (size_t j = 0; j < c->n; j++)
                top_push(q, c->e[j]);
            chunk_put(q, c);
            c = next;
        }
    }
    q->rung_n = 0;
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
            SIM_OOM("event queue: out of memory");
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
    SIM_ASSERT(q->n == 0 && q->near.used == 0);
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
    u128 k, dropped = 0;

    /* A cancelled event dropped here moves 'last' only if a live one is
     * popped after it (and then past it): when none is, a push between
     * the last live pop and the dropped event is still the future, and
     * the drop goes to the records evq_cancel reads instead. */
    for (;;) {
        if (q->n == 0 && !refill(q))
            goto none;
        k = q->heap[ROOT];
        /* Nothing at or after the limit is touched, cancelled or not. */
        if (key_at(k) >= limit)
            goto none;
        if (k & DEAD_BIT) {
            dropped = pop_root(q);
            ss_remove(&q->far, key_seq(k));
            continue;
        }
        if (q->near.used && ss_has(&q->near, key_seq(k))) {
            dropped = pop_root(q);
            ss_remove(&q->near, key_seq(k));
            continue;
        }
        break;
    }
    q->last = pop_root(q);
    out->at = key_at(k);
    out->kind = (unsigned)(k >> 32) & 0xff;
    out->subject = (uint32_t)k;
    return true;
none:
    if (dropped)
        gone_add(q, dropped);
    return false;
}

bool evq_pop(struct evq *q, struct evq_event *out)
{
    return evq_pop_before(q, TIME_INF, out);
}

sim_time evq_next_time(struct evq *q)
{
    u128 dropped = 0;
    sim_time at = SIM_TIME_MAX;

    /* Drop cancelled events at the top so the answer is a live event;
     * nothing is popped live, so 'last' stays (see evq_pop_before). */
    for (;;) {
        u128 k;

        if (q->n == 0 && !refill(q))
            break;
        k = q->heap[ROOT];
        if (k & DEAD_BIT) {
            ss_remove(&q->far, key_seq(k));
        } else if (q->near.used && ss_has(&q->near, key_seq(k))) {
            ss_remove(&q->near, key_seq(k));
        } else {
            at = key_at(k);
            break;
        }
        dropped = pop_root(q);
    }
    if (dropped)
        gone_add(q, dropped);
    return at;
}

size_t evq_size(const struct evq *q)
{
    return q->n + q->rung_n + q->top_n - q->far.used - q->near.used;
}

size_t evq_bytes(const struct evq *q)
{
    return sizeof *q + (q->cap + ROOT + 3) * sizeof(u128) +
           (q->far.cap + q->near.cap) * sizeof(uint64_t) +
           q->bucket_cap * sizeof *q->bucket +
           q->nslab * SLAB * sizeof(struct chunk) +
           q->slab_cap * sizeof *q->slab;
}
