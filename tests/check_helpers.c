/* tests/check_helpers.c -- small file helpers shared by the suites. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/engine.h"
#include "sim/model.h"
#include "sim/param.h"
#include "sim/scenario.h"
#include "tests/suites.h"

/* Under the run's own directory (GM_TEST_TMP, made and removed by
 * check_main.c), so the suites leave nothing behind in /tmp: each test
 * runs in a forked child, which could not clean up after a failed
 * assertion anyway. */
char *test_tmpdir(void)
{
    const char *base = getenv("GM_TEST_TMP");
    char tmpl[4096];

    snprintf(tmpl, sizeof tmpl, "%s/t-XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(tmpl) ? strdup(tmpl) : NULL;
}

char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;

    if (!f)
        return NULL;
    do {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            buf = realloc(buf, cap);
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int test_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");

    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* Parses 'text' and resolves one run; every step must succeed. */
static struct scn_run *load_run(const char *name, const char *text,
                                const char *config, const char *const *sets,
                                size_t number, struct diag *d,
                                struct param_registry **reg, struct scn **s,
                                struct scn_study **st)
{
    struct scn_run *run;

    *reg = preg_new();
    sim_register_all_params(*reg);
    *s = scn_load_string(name, text, *reg, d);
    ck_assert_msg(*s != NULL, "scenario did not parse");
    *st = scn_study_new(*s, config, sets, d);
    ck_assert_ptr_nonnull(*st);
    run = scn_run_new(*st, number, d);
    ck_assert_ptr_nonnull(run);
    return run;
}

static struct test_run run_with(const char *text, const char *config,
                                const char *const *sets, size_t number,
                                void (*tamper)(void *state));

struct test_run test_run_text(const char *text, const char *config,
                              const char *const *sets, size_t number)
{
    return run_with(text, config, sets, number, NULL);
}

struct test_run test_run_tampered(const char *text, void (*tamper)(void *state))
{
    return run_with(text, NULL, NULL, 0, tamper);
}

static struct test_run run_with(const char *text, const char *config,
                                const char *const *sets, size_t number,
                                void (*tamper)(void *state))
{
    struct test_run o = { 0, 0, NULL };
    struct diag d = DIAG_INIT(stderr);
    struct param_registry *reg;
    struct scn *s;
    struct scn_study *st;
    struct scn_run *run = load_run("test.ini", text, config, sets, number, &d, &reg, &s, &st);
    const struct sim_model *m = sim_find_model(scn_str(run, "sim.model"));
    struct eng_config ec;
    void *state;

    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(eng_config_from_run(run, &ec, &d), SIM_OK);
    o.e = eng_new(&ec);
    state = m->setup(o.e, run, &d);
    o.setup_ok = state != NULL;
    if (state) {
        o.rc = eng_run(o.e);
        if (tamper)
            tamper(state);
        if (o.rc == SIM_OK)
            o.rc = m->finish(o.e, state);
        m->free(state);
    }
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    preg_free(reg);
    return o;
}

char *test_setup_errors(const char *name, const char *text, int *nerrors)
{
    char *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&buf, &len));
    struct param_registry *reg;
    struct scn *s;
    struct scn_study *st;
    struct scn_run *run = load_run(name, text, NULL, NULL, 0, &d, &reg, &s, &st);
    const struct sim_model *m = sim_find_model(scn_str(run, "sim.model"));
    struct eng_config ec;
    struct engine *e;

    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(eng_config_from_run(run, &ec, &d), SIM_OK);
    e = eng_new(&ec);
    ck_assert_ptr_null(m->setup(e, run, &d));
    fclose(d.out);
    *nerrors = d.nerrors;
    eng_free(e);
    scn_run_free(run);
    scn_study_free(st);
    scn_free(s);
    preg_free(reg);
    return buf;
}
