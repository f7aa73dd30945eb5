/* tests/suites.h -- one Suite per module. To add a module's tests, write
 * tests/check_<module>.c with a 'Suite *<module>_suite(void)' and add one
 * SUITE(<module>) line below; check_main.c runs them in this order. */
#ifndef TESTS_SUITES_H
#define TESTS_SUITES_H

#include <check.h>

#define SUITES(SUITE) \
    SUITE(money)      \
    SUITE(evq)        \
    SUITE(rng)        \
    SUITE(engine)     \
    SUITE(table)      \
    SUITE(param)      \
    SUITE(scenario)   \
    SUITE(results)    \
    SUITE(market_rules) \
    SUITE(market)       \
    SUITE(stats)        \
    SUITE(reliability)        \
    SUITE(plots)        \
    SUITE(dlperf)       \
    SUITE(serverless)   \
    SUITE(spot)

#define DECLARE_SUITE(name) Suite *name##_suite(void);
SUITES(DECLARE_SUITE)
#undef DECLARE_SUITE

/* Shared helpers (tests/check_helpers.c). */
char *test_tmpdir(void);                         /* fresh directory, caller frees */
char *test_read_file(const char *path, size_t *len); /* NULL if unreadable */
int test_write_file(const char *path, const char *text);

/* Runs run 'number' of the scenario 'text' in-process (config NULL =
 * General, 'sets' NULL-terminated --set overrides or NULL): set-up, loop,
 * finish. The engine stays alive so its results can be read; free it
 * with eng_free(). */
struct engine;
struct test_run {
    int setup_ok;               /* the model's setup accepted the scenario */
    int rc;                     /* eng_run / finish status */
    struct engine *e;           /* owned by the caller */
};
struct test_run test_run_text(const char *text, const char *config,
                              const char *const *sets, size_t number);
/* The same, calling 'tamper' on the model's state between the loop and
 * finish: a test breaks the books there to see finish's checks catch it. */
struct test_run test_run_tampered(const char *text, void (*tamper)(void *state));

/* Runs only the model's set-up of run 0 of 'text' (named 'name' in
 * messages) and returns what it reported, malloc'd; '*nerrors' gets the
 * error count. The set-up must fail. */
char *test_setup_errors(const char *name, const char *text, int *nerrors);

#endif
