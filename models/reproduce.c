/* models/reproduce.c -- `gpumarket reproduce`: validation targets as a
 * pass/fail table.
 *
 * Every target is a scenario in scenarios/reproduce/<name>.ini naming one
 * of the small models of models/repro_*.c. This command runs every run of
 * each scenario's study (sweep points are the cases of a target, e.g. the
 * five (c, lambda) rows of T1), then prints the rows the models recorded.
 * Because the expected values are computed from the scenario's parameters,
 * `--set 'mmc.servers=${c=7}'` with the keys swept in lock-step with c
 * (README) checks a case the paper never tabulated.
 */
#define _DEFAULT_SOURCE             /* getopt_long */
#include "models/reproduce.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "sim/engine.h"
#include "sim/param.h"
#include "sim/results.h"
#include "sim/scenario.h"

/* where the targets' scenarios are, from the source tree's root */
#define REPRO_DIR "scenarios/reproduce"

/* Width of the table's target column: the longest built-in row name
 * (T4's and T6's, 63) fits, so the numbers line up. */
#define NAME_W 64

/* ---- helpers for the models ---- */

bool repro_target(struct engine *e, const char *name, double expected,
                  double simulated, double ci95, enum repro_tol kind,
                  double tol, double tol2)
{
    struct results *r = eng_results(e);
    double diff = fabs(simulated - expected), band;
    bool pass, imprecise = false;

    /* A row used to pass when within its tolerance OR when its 95% CI
     * covered the expected value, so the less precise the run, the easier
     * the pass. The CI branch now counts only when the CI is itself no
     * wider than the tolerance; then diff <= CI <= tol, so it is implied
     * by the tolerance test and only that test remains. A row outside its
     * tolerance whose (wider) CI still covers the expected value fails as
     * imprecise: the run is too short to tell, which is not a pass. */
    switch (kind) {
    case REPRO_ABS:
    case REPRO_REL:
        band = kind == REPRO_ABS ? tol : tol * fabs(expected);
        pass = diff <= band;
        imprecise = !pass && ci95 > band && diff <= ci95;
        break;
    case REPRO_MIN:   pass = simulated >= tol; break;
    case REPRO_RANGE: pass = simulated >= tol && simulated <= tol2; break;
    default:          SIM_PANIC("bad tolerance kind %d", (int)kind);
    }
    if (isnan(simulated))           /* a NaN must never pass */
        pass = false;
    res_scalar(r, "repro.expected", "target", name, expected, "");
    res_scalar(r, "repro.simulated", "target", name, simulated, "");
    res_scalar(r, "repro.ci95", "target", name, ci95, "");
    res_scalar(r, "repro.tol-kind", "target", name, (double)kind, "");
    res_scalar(r, "repro.tol", "target", name, tol, "");
    res_scalar(r, "repro.tol2", "target", name, tol2, "");
    res_scalar(r, "repro.pass", "target", name, pass ? 1.0 : 0.0, "");
    res_scalar(r, "repro.imprecise", "target", name, imprecise ? 1.0 : 0.0, "");
    return pass;
}

double repro_erlang_b(unsigned c, double a)
{
    double b = 1.0;

    for (unsigned k = 1; k <= c; k++)
        b = a * b / (k + a * b);
    return b;
}

double repro_erlang_c(unsigned c, double a)
{
    double b = repro_erlang_b(c, a);

    SIM_ASSERT(a < (double)c);
    return (double)c * b / ((double)c - a * (1.0 - b));
}

double repro_t95(unsigned df)
{
    /* Table for small df; the normal quantile beyond 30 is within 2%. */
    static const double t[31] = {
        NAN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
        2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093,
        2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045,
        2.042,
    };
    return df <= 30 ? t[df] : 1.96 + 2.4 / (double)df;
}

double repro_ci95(double n, double s, double ss)
{
    if (!(n >= 2.0))
        return NAN;
    return repro_t95((unsigned)(n - 1.0)) * sqrt(fmax(0.0, (ss - s * s / n) / (n - 1.0)) / n);
}

size_t repro_list(const struct scn_run *run, const char *key, bool positive, double *v,
                  size_t max, const char *what, struct diag *d)
{
    char buf[512], *save = NULL;
    size_t n = 0;

    snprintf(buf, sizeof buf, "%s", scn_str(run, key));
    for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        if (n == max) {
            scn_error(d, run, key, "at most %zu %s", max, what);
            return 0;
        }
        if (!param_parse_real(tok, &v[n]) || !(positive ? v[n] > 0.0 : v[n] >= 0.0)) {
            scn_error(d, run, key, "expected numbers %s 0, got '%s'", positive ? ">" : ">=", tok);
            return 0;
        }
        n++;
    }
    if (n == 0)
        scn_error(d, run, key, "no value given");
    return n;
}

/* ---- the command ---- */

struct target {
    const char *name;       /* scenarios/reproduce/<name>.ini */
    const char *what;
    /* Run only when named: a target that fails against the current market
     * calibration would fail every plain `reproduce` (and make check). */
    bool named_only;
};

static const struct target targets[] = {
    { "mmc", "T1 M/M/c waiting (Erlang C), L_q, Little's law", false },
    { "erlangb", "T2 M/M/c/c blocking (Erlang B)", false },
    { "ckpt", "T3 Young/Daly checkpoint interval, Daly T_w(tau)", false },
    { "llama", "T4 Llama 3 interruption process and effective training time", false },
    { "bathtub", "T7 bathtub preemptions: P(fail) ratio and cost ratio", false },
    { "availability", "host availability = MTBF / (MTBF + MTTR) per class", false },
    { "serverless", "serverless fixed pool: mean queue time vs Erlang C (M/M/c)", false },
    { "serverless-ttl", "serverless job TTL: dropped share vs M/M/1+D", false },
    { "serverless-timeout", "serverless execution timeout: mean queue time vs M/G/1", false },
    { "spot", "T5 hidden reserve price: increments AR(1), linear price curve, types collapse",
      false },
    { "spotckpt", "T6 checkpointing on spot instances: cost order of NONE/HOUR/EDGE/ADAPT/OPT",
      false },
    { "seed", "T9 seed 002 tables: 2-hour job cost, price gap, checkpoints, break-even, uptime"
      " (named only)", true },
};
#define NTARGETS (sizeof targets / sizeof targets[0])

static void usage(FILE *f)
{
    fprintf(f,
        "Usage: gpumarket reproduce [--fast] [-c CONFIG] [-d DIR] [--set K=V]... [NAME...]\n"
        "\n"
        "Runs validation targets and prints target, expected, simulated, 95%% CI,\n"
        "tolerance and pass/fail. Exit 1 if any target fails.\n"
        "  --fast          use each scenario's [Config Fast] (what make check runs)\n"
        "  -c, --config    config to run (default General)\n"
        "  -d, --dir DIR   scenario directory (default " REPRO_DIR ")\n"
        "  --set K=V       override a parameter in every target\n"
        "  -l, --list      list the targets\n"
        "With no NAME, every target except those marked (named only) runs.\n"
        "targets:\n");
    for (size_t i = 0; i < NTARGETS; i++)
        fprintf(f, "  %-13s %s\n", targets[i].name, targets[i].what);
}

static void fmt_tol(char *buf, size_t len, int kind, double tol, double tol2)
{
    switch (kind) {
    case REPRO_ABS:   snprintf(buf, len, "+-%.4g", tol); break;
    case REPRO_REL:   snprintf(buf, len, "+-%.3g%%", 100.0 * tol); break;
    case REPRO_MIN:   snprintf(buf, len, ">= %.4g", tol); break;
    default:          snprintf(buf, len, "[%.4g, %.4g]", tol, tol2); break;
    }
}

/* Prints every row of one run; counts rows and failures. */
static void print_rows(const struct results *r, int *rows, int *failed)
{
    for (size_t i = 0; i < res_scalar_count(r); i++) {
        const char *metric, *kind, *name, *unit;
        double expected, sim, ci, tk, tol, tol2, pass, impr;
        char tbuf[48], cbuf[32], sbuf[32];

        res_scalar_at(r, i, &metric, &kind, &name, &expected, &unit);
        if (strcmp(metric, "repro.expected") != 0)
            continue;
        sim = res_get(r, "repro.simulated", "target", name);
        ci = res_get(r, "repro.ci95", "target", name);
        tk = res_get(r, "repro.tol-kind", "target", name);
        tol = res_get(r, "repro.tol", "target", name);
        tol2 = res_get(r, "repro.tol2", "target", name);
        pass = res_get(r, "repro.pass", "target", name);
        impr = res_get(r, "repro.imprecise", "target", name);
        fmt_tol(tbuf, sizeof tbuf, (int)tk, tol, tol2);
        if (isnan(ci))
            snprintf(cbuf, sizeof cbuf, "-");
        else
            snprintf(cbuf, sizeof cbuf, "+-%.4g", ci);
        /* a NaN (no observations) reads "-", as a missing CI does, not "-nan" */
        if (isnan(sim))
            snprintf(sbuf, sizeof sbuf, "-");
        else
            snprintf(sbuf, sizeof sbuf, "%.6g", sim);
        printf("%-*s %12.6g %12s %12s %14s  %s\n", NAME_W, name, expected, sbuf,
               cbuf, tbuf, pass == 1.0 ? "pass" : impr == 1.0 ? "FAIL (imprecise: CI > tol)" : "FAIL");
        (*rows)++;
        if (pass != 1.0)
            (*failed)++;
    }
    fflush(stdout);
}

/* Runs one resolved run of a reproduce scenario; SIM_OK if it ran (its
 * rows may still fail). */
static int run_target(const struct scn_run *run, int *rows, int *failed,
                      struct diag *d)
{
    const struct sim_model *m = sim_run_model(run, d);
    struct eng_config ec;
    struct engine *e;
    void *state;
    int rc;

    if (!m)
        return SIM_EINVAL;
    if (eng_config_from_run(run, &ec, d) != SIM_OK)
        return SIM_EINVAL;
    e = eng_new(&ec);
    if (!e)
        return SIM_ENOMEM;
    state = sim_run_setup(m, e, run, d);
    if (!state) {
        eng_free(e);
        return SIM_EINVAL;
    }
    rc = eng_run(e);
    if (rc == SIM_OK || rc == SIM_ECHECK)
        rc = m->finish(e, state);
    m->free(state);
    if (rc == SIM_OK || rc == SIM_ECHECK) {
        int before = *rows;
        print_rows(eng_results(e), rows, failed);
        if (*rows == before)
            rc = diag_error(d, NULL, "model '%s' recorded no target rows", m->name);
        else
            rc = SIM_OK;
        /* A broken invariant (a job left unfinished at the horizon, a
         * window that does not match) means the rows describe a run that
         * did not do what its target assumes: they cannot pass it, even
         * where each row alone is within its tolerance. */
        if (rc == SIM_OK && eng_failed(e)) {
            printf("%-*s %12s %12s %12s %14s  FAIL\n", NAME_W, "(run broke an invariant, above)",
                   "-", "-", "-", "-");
            fflush(stdout);
            (*rows)++;
            (*failed)++;
        }
    }
    eng_free(e);
    return rc;
}

static int run_scenario(const char *path, const char *config,
                        const char *const *sets, int *rows, int *failed)
{
    struct diag d = DIAG_INIT(stderr);
    struct param_registry *reg = preg_new();
    struct scn *s = NULL;
    struct scn_study *st = NULL;
    int rc = SIM_OK;

    if (!reg)
        return SIM_ENOMEM;
    sim_register_all_params(reg);
    s = scn_load(path, reg, &d);
    if (s)
        st = scn_study_new(s, config, sets, &d);
    if (!st)
        rc = SIM_EINVAL;
    for (size_t i = 0; st && i < scn_study_run_count(st) && rc == SIM_OK; i++) {
        struct scn_run *run = scn_run_new(st, i, &d);
        if (!run) {
            rc = SIM_EINVAL;
            break;
        }
        rc = run_target(run, rows, failed, &d);
        scn_run_free(run);
    }
    scn_study_free(st);
    scn_free(s);
    preg_free(reg);
    return rc;
}

int reproduce_main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "fast", no_argument, NULL, 'f' },
        { "config", required_argument, NULL, 'c' },
        { "dir", required_argument, NULL, 'd' },
        { "set", required_argument, NULL, 's' },
        { "list", no_argument, NULL, 'l' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *config = NULL, *dir = REPRO_DIR;
    bool dir_named = false;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    size_t nsets = 0;
    int c, rows = 0, failed = 0, trouble = 0;
    bool fast = false;

    if (!sets)
        return 2;
    optind = 1;
    while ((c = getopt_long(argc, argv, "fc:d:s:lh", opts, NULL)) != -1) {
        switch (c) {
        case 'f': fast = true; break;
        case 'c':
            if (!sim_opt_once("reproduce", "-c", &config, optarg)) {
                free(sets);
                return 2;
            }
            break;
        case 'd': dir = optarg; dir_named = true; break;
        case 's': sets[nsets++] = optarg; break;
        case 'l':
            for (size_t i = 0; i < NTARGETS; i++)
                printf("%s\t%s\n", targets[i].name, targets[i].what);
            free(sets);
            return 0;
        case 'h': usage(stdout); free(sets); return 0;
        default:  usage(stderr); free(sets); return 2;
        }
    }
    if (!config)
        config = fast ? "Fast" : "General";
    for (int i = optind; i < argc; i++) {
        bool known = false;
        struct param_near near;
        char hint[160];

        param_near_init(&near, argv[i]);
        for (size_t k = 0; k < NTARGETS; k++) {
            known |= strcmp(argv[i], targets[k].name) == 0;
            param_near_offer(&near, targets[k].name);
        }
        if (!known) {
            const char *best = param_near_best(&near);

            fprintf(stderr, "reproduce: unknown target '%s'%s\n", argv[i],
                    best ? param_hint(best, hint, sizeof hint) : " (try --list)");
            free(sets);
            return 2;
        }
    }
    printf("%-*s %12s %12s %12s %14s  %s\n", NAME_W, "target", "expected",
           "simulated", "95% CI", "tolerance", "result");
    for (size_t k = 0; k < NTARGETS; k++) {
        char path[4096];
        bool want = optind == argc && !targets[k].named_only;

        for (int i = optind; i < argc; i++)
            want |= strcmp(argv[i], targets[k].name) == 0;
        if (!want)
            continue;
        snprintf(path, sizeof path, "%s/%s.ini", dir, targets[k].name);
        if (run_scenario(path, config, sets, &rows, &failed) != SIM_OK) {
            fprintf(stderr, "reproduce: target '%s' could not run\n", targets[k].name);
            trouble++;
        }
    }
    /* the default is a path in the source tree, not an installed one (as
     * for run's default scenario) */
    if (trouble && !dir_named && access(REPRO_DIR, R_OK | X_OK) != 0)
        fprintf(stderr, "note: the default scenario directory " REPRO_DIR " is read from the "
                "current directory: run from the gpumarket directory, or give -d DIR\n");
    printf("%d row%s, %d passed, %d failed%s\n", rows, rows == 1 ? "" : "s", rows - failed, failed,
           trouble ? " (some targets could not run)" : "");
    free(sets);
    if (trouble)
        return 2;
    return failed ? 1 : 0;
}
