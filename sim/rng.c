/* sim/rng.c -- named random streams.
 *
 * Streams live in a small array searched linearly by name: a run creates a
 * few dozen streams once and models cache the gsl_rng pointers they get
 * back, so lookup speed does not matter but creation order does not either
 * (seeds come from the name alone).
 */
#include "sim/rng.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/err.h"

struct stream {
    char *name;             /* owned */
    uint32_t seed;
    gsl_rng *rng;           /* owned */
};

struct rng_set {
    uint64_t base_seed, seed_set;
    const gsl_rng_type *type;
    struct stream *v;       /* owned array */
    size_t n, cap;
};

/* SplitMix64's finaliser: a bijection with good avalanche, so nearby
 * inputs (seed 1, 2, 3...) give unrelated outputs. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t rng_hash(uint64_t base_seed, uint64_t seed_set, const char *name)
{
    /* FNV-1a over the name, then mixed with both seeds. */
    uint64_t h = 0xcbf29ce484222325ULL;

    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    h = mix64(h ^ mix64(base_seed + 0x9e3779b97f4a7c15ULL));
    return mix64(h ^ mix64(seed_set + 0x632be59bd9b4e019ULL));
}

uint32_t rng_seed_for(uint64_t base_seed, uint64_t seed_set, const char *name)
{
    uint64_t h = rng_hash(base_seed, seed_set, name);
    uint32_t s = (uint32_t)(h ^ (h >> 32));

    return s ? s : 1;       /* mt19937 would turn 0 into its default 4357 */
}

struct rng_set *rng_set_new(uint64_t base_seed, uint64_t seed_set,
                            const gsl_rng_type *type)
{
    struct rng_set *rs = calloc(1, sizeof *rs);

    if (!rs)
        return NULL;
    rs->base_seed = base_seed;
    rs->seed_set = seed_set;
    rs->type = type ? type : gsl_rng_mt19937;
    return rs;
}

void rng_set_free(struct rng_set *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->n; i++) {
        free(rs->v[i].name);
        gsl_rng_free(rs->v[i].rng);
    }
    free(rs->v);
    free(rs);
}

gsl_rng *rng_get(struct rng_set *rs, const char *name)
{
    struct stream *s;

    for (size_t i = 0; i < rs->n; i++)
        if (strcmp(rs->v[i].name, name) == 0)
            return rs->v[i].rng;
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? 2 * rs->cap : 16;
        struct stream *v = realloc(rs->v, cap * sizeof *v);

        if (!v)
            SIM_OOM("rng: out of memory");
        rs->v = v;
        rs->cap = cap;
    }
    s = &rs->v[rs->n];
    s->name = strdup(name);
    s->rng = gsl_rng_alloc(rs->type);
    if (!s->name || !s->rng)
        SIM_OOM("rng: out of memory");
    s->seed = rng_seed_for(rs->base_seed, rs->seed_set, name);
    gsl_rng_set(s->rng, s->seed);
    rs->n++;
    return s->rng;
}

gsl_rng *rng_getf(struct rng_set *rs, const char *fmt, ...)
{
    char name[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    return rng_get(rs, name);
}

size_t rng_count(const struct rng_set *rs) { return rs->n; }
const char *rng_name_at(const struct rng_set *rs, size_t i) { return rs->v[i].name; }
uint32_t rng_seed_at(const struct rng_set *rs, size_t i) { return rs->v[i].seed; }
const char *rng_type_name(const struct rng_set *rs) { return rs->type->name; }

void rng_lite_init(struct rng_lite *g, uint64_t seed, uint64_t id)
{
    g->s = mix64(seed ^ mix64(id + 0x9e3779b97f4a7c15ULL));
    /* An odd increment per stream: distinct Weyl sequences. */
    g->inc = mix64(id ^ 0xd1b54a32d192ed03ULL ^ mix64(seed)) | 1;
}

/* The generator behind rng_lite_gsl(): 32-bit integers from the high
 * half (gsl_rng_uniform_int() wants max - min + 1 to fit), doubles with
 * all 53 bits. 'set' is there for gsl_rng_set(); a view is never seeded
 * through it. */
static unsigned long lite_get(void *state)
{
    return (unsigned long)(rng_lite_next(state) >> 32);
}

static double lite_get_double(void *state)
{
    return rng_lite_uniform(state);
}

static void lite_set(void *state, unsigned long seed)
{
    rng_lite_init(state, seed, 0);
}

static const gsl_rng_type lite_type = {
    "rng_lite", 0xffffffffUL, 0, sizeof(struct rng_lite), lite_set, lite_get, lite_get_double
};

gsl_rng rng_lite_gsl(struct rng_lite *g)
{
    return (gsl_rng){ &lite_type, g };
}
