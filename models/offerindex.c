/* models/offerindex.c -- sorted buckets per (model, chunk). */
#include "models/offerindex.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sim/err.h"

/* A bucket's entries sit in the middle of their buffers, with room on
 * both sides: an insert or removal shifts the shorter side, not all that
 * follows. Most updates land among the cheapest offers (rentals take
 * them, ended rentals put them back), so a sorted array that always
 * shifted its tail moved most of a large bucket each time, the largest
 * source of cache misses in a 100,000-GPU run. */
struct bucket {
    struct oix_entry *buf;  /* owned, cap entries */
    uint8_t *lbuf;          /* owned, cap bytes */
    size_t off;             /* the first entry's place in them */
    struct oix_entry *v;    /* buf + off: the n entries, sorted */
    uint8_t *lose;          /* lbuf + off: lose[i] = v[i].lose (oix_view) */
    size_t n, cap;
    size_t depth;           /* entries a search reads at most (oix_new) */
    struct oix_head *head;  /* its size, first ask, open bits and fastest,
                             * in oix->head */
    float fast;             /* the most spd of the first 'depth' entries */
    bool slow;              /* the fastest of them left: 'fast' may be above
                             * the most of those now there (spd_out) */
};

/* The head's fastest of the first 'depth' entries is kept as entries come
 * into and go out of them: reading their speeds on every update touched
 * two dozen lines, to learn something that changes only when the fastest
 * leaves. spd_in() and spd_out() are told of every entry that comes or
 * goes; set_first() reads the speeds again only after the fastest went. */
static void spd_in(struct bucket *b, float spd)
{
    if (spd > b->fast)
        b->fast = spd;
}

static void spd_out(struct bucket *b, float spd)
{
    if (spd >= b->fast)
        b->slow = true;
}

/* The upper half of a float's bits, rounded up: a bound within 1 in 128
 * that keeps a head in 16 bytes (a search reads hundreds of heads). Bits
 * of floats >= 0 order as the floats do, so it is no less than 'x'. */
static uint16_t spd_half(float x)
{
    uint32_t u;

    memcpy(&u, &x, sizeof u);
    return (uint16_t)((u + 0xffffu) >> 16);
}

_Static_assert(sizeof(struct oix_head) == 16, "four heads to a cache line");

/* Brings the bucket's head up to date after any change to its entries
 * (their speeds through spd_in() and spd_out()). */
static void set_first(struct bucket *b)
{
    size_t n = b->n < b->depth ? b->n : b->depth, i = 0;
    uint64_t acc = 0;
    uint8_t open = 0;

    if (b->slow) {
        float fast = 0;

        for (size_t k = 0; k < n; k++)
            fast = b->v[k].spd > fast ? b->v[k].spd : fast;
        b->fast = fast;
        b->slow = false;
    }

    /* OR of ~lose over the first n, eight bytes at a time */
    for (; i + 8 <= n; i += 8) {
        uint64_t w;

        memcpy(&w, b->lose + i, sizeof w);
        acc |= ~w;
    }
    for (; i < n; i++)
        open |= (uint8_t)~b->lose[i];
    acc |= acc >> 32;
    acc |= acc >> 16;
    acc |= acc >> 8;
    b->head->n = (uint32_t)b->n;
    b->head->first = b->n ? b->v[0].ask : 0;
    b->head->open = (uint8_t)(open | (uint8_t)acc);
    b->head->spd = spd_half(b->fast);
}

struct slot {               /* where a machine currently is */
    money ask;
    uint32_t model, band;
    uint8_t mask;           /* bit c set: present in k class c */
    struct oix_hot hot;     /* what its entries carry */
};

struct oix {
    size_t nmodels, nbands;
    struct bucket *b;       /* owned, [nmodels][OIX_KCLASSES][nbands] */
    struct oix_head *head;  /* owned, [OIX_KCLASSES][nmodels][nbands]: a
                             * search reads every model's heads for one
                             * chunk size, a short run of memory */
    struct slot *m;         /* owned, per machine */
    size_t nm;
};

int oix_kclass(uint32_t gpus)
{
    for (int c = 0; c < OIX_KCLASSES; c++)
        if (gpus <= (1u << c))
            return c;
    return -1;
}

static size_t bidx(const struct oix *ix, uint32_t model, int c, uint32_t band)
{
    return ((size_t)model * OIX_KCLASSES + (size_t)c) * ix->nbands + band;
}

struct oix *oix_new(size_t nmodels, size_t nbands, size_t depth, size_t hint)
{
    struct oix *ix = calloc(1, sizeof *ix);

    if (!ix)
        return NULL;
    ix->nmodels = nmodels;
    ix->nbands = nbands ? nbands : 1;
    ix->b = calloc(nmodels * OIX_KCLASSES * ix->nbands + 1, sizeof *ix->b);
    ix->head = calloc(nmodels * OIX_KCLASSES * ix->nbands + 1, sizeof *ix->head);
    ix->nm = hint ? hint : 16;
    ix->m = calloc(ix->nm, sizeof *ix->m);
    if (!ix->b || !ix->head || !ix->m) {
        oix_free(ix);
        return NULL;
    }
    for (size_t g = 0; g < nmodels; g++)
        for (int c = 0; c < OIX_KCLASSES; c++)
            for (size_t band = 0; band < ix->nbands; band++) {
                struct bucket *b = &ix->b[bidx(ix, (uint32_t)g, c, (uint32_t)band)];

                b->head = &ix->head[((size_t)c * nmodels + g) * ix->nbands + band];
                b->depth = depth ? depth : SIZE_MAX;
            }
    return ix;
}

void oix_free(struct oix *ix)
{
    if (!ix)
        return;
    if (ix->b)
        for (size_t i = 0; i < ix->nmodels * OIX_KCLASSES * ix->nbands; i++) {
            free(ix->b[i].buf);
            free(ix->b[i].lbuf);
        }
    free(ix->b);
    free(ix->head);
    free(ix->m);
    free(ix);
}

static bool less(money ask, uint32_t id, const struct oix_entry *e)
{
    return ask != e->ask ? ask < e->ask : id < e->machine;
}

/* Does the key (ask, id) go at or before entry x? True from the place
 * where lower_bound() puts it to the end of the bucket. */
static bool at_or_before(const struct bucket *b, size_t x, money ask, uint32_t id)
{
    return less(ask, id, &b->v[x]) || (b->v[x].ask == ask && b->v[x].machine == id);
}

/* The place of (ask, id), known to be in [lo, hi]: the first entry it
 * goes at or before, or hi. */
static size_t bisect(const struct bucket *b, size_t lo, size_t hi, money ask, uint32_t id)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (at_or_before(b, mid, ask, id))
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static size_t lower_bound(const struct bucket *b, money ask, uint32_t id)
{
    return bisect(b, 0, b->n, ask, id);
}

/* lower_bound() for a key known to belong near position 'i': galloping
 * out from i touches the few lines around it where a full binary search
 * would touch a dozen across the bucket. An hourly repricing moves an ask
 * by a few percent, so its new place is usually a few entries away. */
static size_t lower_bound_near(const struct bucket *b, size_t i, money ask, uint32_t id)
{
    size_t lo, hi, step = 1;

    if (i < b->n && less(ask, id, &b->v[i])) {
        /* the place is at or before i: step back to an entry not after
         * the key, which bounds it from below */
        hi = i;
        for (;;) {
            if (step > hi) {
                lo = 0;
                break;
            }
            lo = hi - step;
            if (!less(ask, id, &b->v[lo]))
                break;
            hi = lo;
            step *= 2;
        }
    } else {
        /* after i (or i is the end): step on to an entry the key goes
         * at or before, which bounds it from above */
        lo = i;
        for (;;) {
            hi = lo + step;
            if (hi >= b->n) {
                hi = b->n;
                break;
            }
            if (at_or_before(b, hi, ask, id))
                break;
            lo = hi;
            step *= 2;
        }
    }
    return bisect(b, lo, hi, ask, id);
}

/* Points v and lose at the entries after 'off' moved. */
static void place(struct bucket *b, size_t off)
{
    b->off = off;
    b->v = b->buf + off;
    b->lose = b->lbuf + off;
}

/* A new buffer of twice the entries (16 at least), with them in its
 * middle: room for half as many again on either side. */
static void recentre(struct bucket *b)
{
    size_t cap = b->n < 8 ? 16 : 2 * b->n, off = (cap - b->n) / 2;
    struct oix_entry *buf = malloc(cap * sizeof *buf);
    uint8_t *lbuf = malloc(cap);

    if (!buf || !lbuf)
        SIM_OOM("offer index: out of memory");
    if (b->n) {
        memcpy(buf + off, b->v, b->n * sizeof *buf);
        memcpy(lbuf + off, b->lose, b->n);
    }
    free(b->buf);
    free(b->lbuf);
    b->buf = buf;
    b->lbuf = lbuf;
    b->cap = cap;
    place(b, off);
}

static void remove_at(struct bucket *b, money ask, uint32_t id)
{
    size_t i = lower_bound(b, ask, id);

    SIM_ASSERT(i < b->n && b->v[i].machine == id);
    if (i < b->depth) {
        spd_out(b, b->v[i].spd);
        if (b->n > b->depth)
            spd_in(b, b->v[b->depth].spd);     /* moves up into the first */
    }
    if (i < b->n - 1 - i) {
        /* fewer before it: they move up one */
        memmove(&b->v[1], &b->v[0], i * sizeof *b->v);
        memmove(&b->lose[1], &b->lose[0], i);
        place(b, b->off + 1);
    } else {
        memmove(&b->v[i], &b->v[i + 1], (b->n - i - 1) * sizeof *b->v);
        memmove(&b->lose[i], &b->lose[i + 1], b->n - i - 1);
    }
    b->n--;
    set_first(b);
}

static struct oix_entry entry(money ask, uint32_t id, const struct oix_hot *hot, int c)
{
    if (!hot)
        return (struct oix_entry){ .ask = ask, .machine = id };
    return (struct oix_entry){ ask, hot->min_bid, hot->thr[c], hot->score4, id, hot->spd[c],
                               hot->fit[c], hot->cls, hot->room, hot->lose[c] };
}

/* Field by field (an entry has padding, so not memcmp): the one list of
 * what an entry carries, for the refresh test and for oix_entry_is(). */
static bool same_entry(const struct oix_entry *x, const struct oix_entry *y)
{
    return x->ask == y->ask && x->min_bid == y->min_bid && x->thr == y->thr &&
           x->score4 == y->score4 && x->machine == y->machine && x->spd == y->spd &&
           x->fit == y->fit && x->cls == y->cls && x->room == y->room && x->lose == y->lose;
}

bool oix_entry_is(const struct oix_entry *e, money ask, const struct oix_hot *hot, int c)
{
    struct oix_entry want = entry(ask, e->machine, hot, c);

    return same_entry(e, &want);
}

static void insert_at(struct bucket *b, struct oix_entry e)
{
    size_t i = lower_bound(b, e.ask, e.machine);

    if (i < b->depth) {
        spd_in(b, e.spd);
        if (b->n >= b->depth)
            spd_out(b, b->v[b->depth - 1].spd);    /* moves down out of the first */
    }
    if (i < b->n - i) {
        /* fewer before its place: they move down one */
        if (b->off == 0)
            recentre(b);
        place(b, b->off - 1);
        memmove(&b->v[0], &b->v[1], i * sizeof *b->v);
        memmove(&b->lose[0], &b->lose[1], i);
    } else {
        if (b->off + b->n == b->cap)
            recentre(b);
        memmove(&b->v[i + 1], &b->v[i], (b->n - i) * sizeof *b->v);
        memmove(&b->lose[i + 1], &b->lose[i], b->n - i);
    }
    b->v[i] = e;
    b->lose[i] = e.lose;
    b->n++;
    set_first(b);
}

/* Moves the entry of e.machine, now at 'old_ask', to its place for
 * e.ask in the same bucket. */
static void move_within(struct bucket *b, money old_ask, struct oix_entry e)
{
    size_t i = lower_bound(b, old_ask, e.machine), j;

    SIM_ASSERT(i < b->n && b->v[i].machine == e.machine);
    j = lower_bound_near(b, i, e.ask, e.machine);   /* counts the old entry when it is before */
    if (j > i)
        j--;                                /* the old entry leaves the gap */
    /* Among the first 'depth': the old entry goes and the new one comes
     * when they are there; the entries between move up or down by one,
     * so one crosses the edge when the move does. */
    if (i < b->depth)
        spd_out(b, b->v[i].spd);
    if (j < b->depth)
        spd_in(b, e.spd);
    if (i < b->depth && j >= b->depth)
        spd_in(b, b->v[b->depth].spd);          /* moves up into the first */
    else if (j < b->depth && i >= b->depth)
        spd_out(b, b->v[b->depth - 1].spd);     /* moves down out of them */
    if (j > i) {
        memmove(&b->v[i], &b->v[i + 1], (j - i) * sizeof *b->v);
        memmove(&b->lose[i], &b->lose[i + 1], j - i);
    } else if (j < i) {
        memmove(&b->v[j + 1], &b->v[j], (i - j) * sizeof *b->v);
        memmove(&b->lose[j + 1], &b->lose[j], i - j);
    }
    b->v[j] = e;
    b->lose[j] = e.lose;
    set_first(b);
}

void oix_set(struct oix *ix, uint32_t machine, uint32_t model, uint32_t band,
             uint32_t free_gpus, uint32_t min_chunk, money ask,
             const struct oix_hot *hot)
{
    static const struct oix_hot none;
    struct slot *s;
    uint8_t want = 0;
    bool moved;

    SIM_ASSERT(model < ix->nmodels && band < ix->nbands);
    if (machine >= ix->nm) {
        size_t n = ix->nm;

        while (n <= machine)
            n *= 2;
        ix->m = realloc(ix->m, n * sizeof *ix->m);
        if (!ix->m)
            SIM_OOM("offer index: out of memory");
        memset(&ix->m[ix->nm], 0, (n - ix->nm) * sizeof *ix->m);
        ix->nm = n;
    }
    s = &ix->m[machine];
    for (int c = 0; c < OIX_KCLASSES; c++) {
        uint32_t k = 1u << c;

        if (k >= min_chunk && k <= free_gpus)
            want |= (uint8_t)(1u << c);
    }
    if (!hot)
        hot = &none;
    moved = s->ask != ask || s->model != model || s->band != band;
    for (int c = 0; c < OIX_KCLASSES; c++) {
        bool had = s->mask & (1u << c), has = want & (1u << c);
        struct bucket *b = &ix->b[bidx(ix, model, c, band)];
        struct oix_entry e = entry(ask, machine, hot, c);

        if (had && has && moved && s->model == model && s->band == band) {
            /* A new ask in the same bucket: shift only the entries
             * between the old and the new place. */
            move_within(b, s->ask, e);
            continue;
        }
        if (had && (!has || moved))
            remove_at(&ix->b[bidx(ix, s->model, c, s->band)], s->ask, machine);
        if (has && (!had || moved)) {
            insert_at(b, e);
        } else if (has) {
            /* Same place: refresh what it carries if that changed. */
            struct oix_entry was = entry(ask, machine, &s->hot, c);
            size_t i;

            if (same_entry(&e, &was))
                continue;
            i = lower_bound(b, ask, machine);
            SIM_ASSERT(i < b->n && b->v[i].machine == machine);
            if (i < b->depth) {
                spd_out(b, b->v[i].spd);
                spd_in(b, e.spd);
            }
            b->v[i] = e;
            b->lose[i] = e.lose;
            if (i < b->depth)
                set_first(b);
        }
    }
    s->mask = want;
    s->ask = ask;
    s->model = model;
    s->band = band;
    s->hot = *hot;
}

size_t oix_bucket(const struct oix *ix, uint32_t model, uint32_t k,
                  uint32_t band, const struct oix_entry **out)
{
    int c = oix_kclass(k);
    const struct bucket *b;

    if (c < 0 || (1u << c) != k || model >= ix->nmodels || band >= ix->nbands) {
        *out = NULL;
        return 0;
    }
    b = &ix->b[bidx(ix, model, c, band)];
    *out = b->v;
    return b->n;
}

bool oix_get(const struct oix *ix, uint32_t machine, int c, struct oix_entry *out)
{
    const struct slot *s;
    const struct bucket *b;
    size_t i;

    if (machine >= ix->nm || c < 0 || c >= OIX_KCLASSES)
        return false;
    s = &ix->m[machine];
    if (!(s->mask & (1u << c)))
        return false;
    b = &ix->b[bidx(ix, s->model, c, s->band)];
    i = lower_bound(b, s->ask, machine);
    SIM_ASSERT(i < b->n && b->v[i].machine == machine);
    *out = b->v[i];
    return true;
}

const struct oix_head *oix_heads(const struct oix *ix, uint32_t model, int c)
{
    SIM_ASSERT(model < ix->nmodels && c >= 0 && c < OIX_KCLASSES);
    return &ix->head[((size_t)c * ix->nmodels + model) * ix->nbands];
}

size_t oix_view(const struct oix *ix, uint32_t model, int c, uint32_t band,
                const struct oix_entry **v, const uint8_t **lose)
{
    const struct bucket *b;

    SIM_ASSERT(model < ix->nmodels && c >= 0 && c < OIX_KCLASSES && band < ix->nbands);
    b = &ix->b[bidx(ix, model, c, band)];
    *v = b->v;
    *lose = b->lose;
    return b->n;
}
