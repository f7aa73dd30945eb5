/* tests/check_rng.c -- named streams: reproducible and independent. */
#include <math.h>
#include "sim/rng.h"
#include "tests/suites.h"

START_TEST(same_name_same_numbers_regardless_of_order)
{
    struct rng_set *a = rng_set_new(42, 0, NULL), *b = rng_set_new(42, 0, NULL);
    gsl_rng *a1, *b1;

    /* b creates other streams first: creation order must not matter. */
    rng_get(b, "failures.consumer");
    rng_get(b, "bids");
    a1 = rng_get(a, "arrivals.academic");
    b1 = rng_get(b, "arrivals.academic");
    for (int i = 0; i < 1000; i++)
        ck_assert_uint_eq(gsl_rng_get(a1), gsl_rng_get(b1));
    ck_assert_ptr_eq(rng_get(a, "arrivals.academic"), a1);
    rng_set_free(a);
    rng_set_free(b);
}
END_TEST

START_TEST(names_seeds_and_seed_sets_all_change_the_stream)
{
    uint32_t s0 = rng_seed_for(1, 0, "x");

    ck_assert_uint_ne(s0, rng_seed_for(1, 0, "y"));
    ck_assert_uint_ne(s0, rng_seed_for(2, 0, "x"));
    ck_assert_uint_ne(s0, rng_seed_for(1, 1, "x"));
    /* GSL keeps 32 bits: seeds 1 and 2^32+1 must still differ for us. */
    ck_assert_uint_ne(rng_seed_for(1, 0, "x"), rng_seed_for((1ULL << 32) + 1, 0, "x"));
    ck_assert_uint_ne(rng_seed_for(0, 0, ""), 0);
}
END_TEST

/* The stream-seed formula as README (Reproducibility) and manifest.ini
 * state it, coded here from that text and not from sim/rng.c:
 * fold32(mix(mix(fnv1a64(name) ^ mix(seed + 0x9e3779b97f4a7c15))
 *        ^ mix(seed_set + 0x632be59bd9b4e019))), 0 -> 1. */
static uint64_t doc_mix(uint64_t z)
{
    z ^= z >> 30;
    z *= 0xbf58476d1ce4e5b9ULL;
    z ^= z >> 27;
    z *= 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return z;
}

static uint32_t doc_stream_seed(uint64_t seed, uint64_t seed_set, const char *name)
{
    uint64_t fnv = 0xcbf29ce484222325ULL, h;
    uint32_t s;

    for (size_t i = 0; name[i]; i++) {
        fnv ^= (unsigned char)name[i];
        fnv *= 0x100000001b3ULL;
    }
    h = doc_mix(doc_mix(fnv ^ doc_mix(seed + 0x9e3779b97f4a7c15ULL)) ^
                doc_mix(seed_set + 0x632be59bd9b4e019ULL));
    s = (uint32_t)(h ^ (h >> 32));
    return s ? s : 1;
}

/* A stream's seed can be derived from the documented formula alone, and
 * the stream is GSL's generator seeded with it. */
START_TEST(stream_seeds_follow_the_documented_formula)
{
    static const char *const names[] = { "", "supply", "demand.arrivals.academic", "bids" };
    static const uint64_t seeds[] = { 0, 1, 42, 0xffffffffffffffffULL };
    struct rng_set *rs = rng_set_new(42, 7, NULL);
    gsl_rng *ref = gsl_rng_alloc(gsl_rng_mt19937), *got = rng_get(rs, "supply");

    for (size_t n = 0; n < sizeof names / sizeof *names; n++)
        for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++)
            for (uint64_t set = 0; set < 3; set++)
                ck_assert_uint_eq(rng_seed_for(seeds[i], set, names[n]),
                                  doc_stream_seed(seeds[i], set, names[n]));
    gsl_rng_set(ref, doc_stream_seed(42, 7, "supply"));
    for (int i = 0; i < 100; i++)
        ck_assert_uint_eq(gsl_rng_get(got), gsl_rng_get(ref));
    gsl_rng_free(ref);
    rng_set_free(rs);
}
END_TEST

/* rng.h: the hash is "folded to 32 bits with 0 mapped to 1" (mt19937
 * would turn a 0 seed into its default 4357). Base seed 5092236042,
 * seed-set 0, name "x" folds to exactly 0: found by a search over base
 * seeds with the documented formula (doc_stream_seed above without its
 * last line), and checked here with that formula's pieces. Killed: the
 * 0 -> 1 mapping dropped. */
START_TEST(a_hash_that_folds_to_zero_seeds_with_one)
{
    const uint64_t seed = 5092236042ULL;
    uint64_t fnv = (0xcbf29ce484222325ULL ^ 'x') * 0x100000001b3ULL;
    uint64_t h = doc_mix(doc_mix(fnv ^ doc_mix(seed + 0x9e3779b97f4a7c15ULL)) ^
                         doc_mix(0 + 0x632be59bd9b4e019ULL));
    struct rng_set *rs = rng_set_new(seed, 0, NULL);
    gsl_rng *ref = gsl_rng_alloc(gsl_rng_mt19937), *got;

    ck_assert_uint_eq((uint32_t)(h ^ (h >> 32)), 0);
    ck_assert_uint_eq(rng_hash(seed, 0, "x"), h);
    ck_assert_uint_eq(rng_seed_for(seed, 0, "x"), 1);
    got = rng_get(rs, "x");
    ck_assert_uint_eq(rng_seed_at(rs, 0), 1);
    gsl_rng_set(ref, 1);
    for (int i = 0; i < 10; i++)
        ck_assert_uint_eq(gsl_rng_get(got), gsl_rng_get(ref));
    gsl_rng_free(ref);
    rng_set_free(rs);
}
END_TEST

/* rng.h: rng_name_at / rng_seed_at list the streams in creation order
 * (the manifest's order), each with its documented seed, and the set
 * uses the generator it was given. Three streams, the second through
 * rng_getf, a lookup of the first in between (no new stream), with
 * taus2. Killed: names listed last first; every seed reported as the
 * first stream's; the type argument ignored (mt19937 always). */
START_TEST(streams_are_listed_in_creation_order_with_their_seeds)
{
    static const char *const names[] = { "supply", "arrivals.academic", "bids" };
    struct rng_set *rs = rng_set_new(11, 2, gsl_rng_taus2);
    gsl_rng *ref = gsl_rng_alloc(gsl_rng_taus2), *first;

    first = rng_get(rs, "supply");
    rng_getf(rs, "arrivals.%s", "academic");
    ck_assert_ptr_eq(rng_get(rs, "supply"), first);
    rng_get(rs, "bids");
    ck_assert_uint_eq(rng_count(rs), 3);
    ck_assert_str_eq(rng_type_name(rs), "taus2");
    for (size_t i = 0; i < 3; i++) {
        ck_assert_str_eq(rng_name_at(rs, i), names[i]);
        ck_assert_uint_eq(rng_seed_at(rs, i), doc_stream_seed(11, 2, names[i]));
    }
    gsl_rng_set(ref, doc_stream_seed(11, 2, "supply"));
    for (int i = 0; i < 10; i++)
        ck_assert_uint_eq(gsl_rng_get(first), gsl_rng_get(ref));
    gsl_rng_free(ref);
    rng_set_free(rs);
}
END_TEST

/* A stream is found by its whole name (rng.h: one stream per purpose):
 * names that share a prefix, or where one is a prefix of the other,
 * are different purposes and get different streams, each seeded from
 * its own name by the documented formula. Kills the lookup comparing
 * only a prefix (strncmp of the first 3 characters: "arrivals.company"
 * came back as the "arrivals.academic" stream). */
START_TEST(names_sharing_a_prefix_are_different_streams)
{
    static const char *const names[] = { "arrivals.academic", "arrivals.company",
                                         "bid", "bids" };
    struct rng_set *rs = rng_set_new(42, 0, NULL);
    gsl_rng *got[4];

    for (size_t i = 0; i < 4; i++)
        got[i] = rng_get(rs, names[i]);
    ck_assert_uint_eq(rng_count(rs), 4);
    for (size_t i = 0; i < 4; i++) {
        ck_assert_str_eq(rng_name_at(rs, i), names[i]);
        ck_assert_uint_eq(rng_seed_at(rs, i), doc_stream_seed(42, 0, names[i]));
        for (size_t j = 0; j < i; j++)
            ck_assert_ptr_ne(got[i], got[j]);
        ck_assert_ptr_eq(rng_get(rs, names[i]), got[i]);
    }
    rng_set_free(rs);
}
END_TEST

/* rng_lite is splitmix64-based (rng.h), a Weyl sequence s += inc, which
 * visits all 2^64 states only for an odd increment: an even one (half
 * the hashes) gives a stream whose low state bit never changes and a
 * period of at most 2^63. Every (seed, id) must get an odd increment.
 * Kills the '| 1' dropped from rng_lite_init. */
START_TEST(lite_streams_have_odd_increments)
{
    static const uint64_t seeds[] = { 0, 1, 42, 0xffffffffffffffffULL };

    for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++)
        for (uint64_t id = 0; id < 64; id++) {
            struct rng_lite g;

            rng_lite_init(&g, seeds[i], id);
            ck_assert_uint_eq(g.inc & 1, 1);
        }
}
END_TEST

START_TEST(streams_are_uncorrelated)
{
    struct rng_set *rs = rng_set_new(7, 3, NULL);
    gsl_rng *x = rng_get(rs, "a"), *y = rng_get(rs, "b");
    double sx = 0, sy = 0, sxy = 0, sxx = 0, syy = 0;
    const int n = 100000;

    for (int i = 0; i < n; i++) {
        double u = gsl_rng_uniform(x), v = gsl_rng_uniform(y);

        sx += u; sy += v; sxy += u * v; sxx += u * u; syy += v * v;
    }
    {
        double cov = sxy / n - (sx / n) * (sy / n);
        double r = cov / sqrt((sxx / n - sx * sx / n / n) * (syy / n - sy * sy / n / n));

        /* |r| < 4/sqrt(n) is about 4 standard errors. */
        ck_assert_double_lt(fabs(r), 4.0 / sqrt(n));
        ck_assert_double_lt(fabs(sx / n - 0.5), 0.01);
    }
    rng_set_free(rs);
}
END_TEST

START_TEST(lite_streams_are_reproducible_and_uniform)
{
    struct rng_lite g1, g2, g3;
    double sum = 0;

    rng_lite_init(&g1, 1, 5);
    rng_lite_init(&g2, 1, 5);
    rng_lite_init(&g3, 1, 6);
    for (int i = 0; i < 100; i++) {
        uint64_t a = rng_lite_next(&g1);

        ck_assert_uint_eq(a, rng_lite_next(&g2));
        ck_assert_uint_ne(a, rng_lite_next(&g3));
    }
    for (int i = 0; i < 100000; i++) {
        double u = rng_lite_uniform(&g1);

        ck_assert(u >= 0.0 && u < 1.0);
        sum += u;
    }
    ck_assert_double_lt(fabs(sum / 100000 - 0.5), 0.005);
}
END_TEST

/* The gsl_rng view draws the lite stream's own numbers and advances it,
 * so a gsl_ran_* sampler on a view continues where the last one stopped;
 * integers span the full 32 bits gsl_rng_uniform_int() relies on. */
START_TEST(lite_view_draws_the_lite_numbers)
{
    struct rng_lite g, h;
    gsl_rng v;
    unsigned long max = 0;

    rng_lite_init(&g, 3, 9);
    h = g;
    v = rng_lite_gsl(&g);
    for (int i = 0; i < 100; i++)
        ck_assert_double_eq(gsl_rng_uniform(&v), rng_lite_uniform(&h));
    v = rng_lite_gsl(&g);       /* a new view of the same stream */
    ck_assert_double_eq(gsl_rng_uniform(&v), rng_lite_uniform(&h));
    ck_assert_uint_eq(gsl_rng_get(&v), rng_lite_next(&h) >> 32);
    ck_assert_uint_eq(gsl_rng_max(&v), 0xffffffffUL);
    for (int i = 0; i < 10000; i++) {
        unsigned long x = gsl_rng_get(&v);

        max = x > max ? x : max;
    }
    ck_assert_uint_gt(max, 0xff000000UL);
}
END_TEST

Suite *rng_suite(void)
{
    Suite *s = suite_create("rng");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, same_name_same_numbers_regardless_of_order);
    tcase_add_test(tc, names_seeds_and_seed_sets_all_change_the_stream);
    tcase_add_test(tc, stream_seeds_follow_the_documented_formula);
    tcase_add_test(tc, a_hash_that_folds_to_zero_seeds_with_one);
    tcase_add_test(tc, streams_are_listed_in_creation_order_with_their_seeds);
    tcase_add_test(tc, streams_are_uncorrelated);
    tcase_add_test(tc, lite_streams_are_reproducible_and_uniform);
    tcase_add_test(tc, lite_view_draws_the_lite_numbers);
    tcase_add_test(tc, names_sharing_a_prefix_are_different_streams);
    tcase_add_test(tc, lite_streams_have_odd_increments);
    suite_add_tcase(s, tc);
    return s;
}
