/* sim/rng.h -- random number streams named by purpose.
 *
 * One gsl_rng per purpose ("arrivals.academic", "failures.consumer",
 * "bids"), owned by a struct rng_set. A stream's seed is a hash of (base
 * seed, seed-set, name), folded to 32 bits with 0 mapped to 1 (GSL's mt19937
 * and taus2 keep only 32 bits and turn 0 into a default), so adding a
 * stream never shifts the numbers of another, and two policies that draw
 * demand from the same names see the same renters (common random numbers).
 * gsl_rng_env_setup() is never called: the environment cannot change a run.
 *
 * For very many per-entity streams (PHOLD's million LPs) struct rng_lite is
 * a 16-byte counter-based generator seeded the same way.
 */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

struct rng_set;

/* Streams use 'type' (NULL = gsl_rng_mt19937). NULL on out of memory. */
struct rng_set *rng_set_new(uint64_t base_seed, uint64_t seed_set,
                            const gsl_rng_type *type);
void rng_set_free(struct rng_set *rs);              /* NULL is a no-op */

/* The stream for 'name', created on first use; borrowed until
 * rng_set_free(). Aborts on out of memory. */
gsl_rng *rng_get(struct rng_set *rs, const char *name);
/* printf-style name: rng_getf(rs, "arrivals.%s", arch) */
gsl_rng *rng_getf(struct rng_set *rs, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

size_t rng_count(const struct rng_set *rs);
const char *rng_name_at(const struct rng_set *rs, size_t i); /* creation order */
uint32_t rng_seed_at(const struct rng_set *rs, size_t i);
const char *rng_type_name(const struct rng_set *rs);

/* The seed rule itself, exposed for tests and for the manifest. */
uint64_t rng_hash(uint64_t base_seed, uint64_t seed_set, const char *name);
uint32_t rng_seed_for(uint64_t base_seed, uint64_t seed_set, const char *name);

/* A splitmix64-based stream: state = hash of (seed, id), 16 bytes. */
struct rng_lite { uint64_t s, inc; };
void rng_lite_init(struct rng_lite *g, uint64_t seed, uint64_t id);

static inline uint64_t rng_lite_next(struct rng_lite *g)
{
    uint64_t z = (g->s += g->inc);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1) with 53 random bits. */
static inline double rng_lite_uniform(struct rng_lite *g)
{
    return (double)(rng_lite_next(g) >> 11) * 0x1.0p-53;
}

/* A gsl_rng that draws from 'g', so the gsl_ran_* samplers can use one
 * stream per entity without a gsl_rng_alloc() each: the value borrows
 * 'g' (nothing to free) and every draw advances it. */
gsl_rng rng_lite_gsl(struct rng_lite *g);

#endif
