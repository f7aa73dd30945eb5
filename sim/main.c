/* sim/main.c -- the gpumarket command line.
 *
 * git-style subcommands, each with its own getopt_long table. stdout
 * carries only data (run lists, parameter docs, reports); everything meant
 * for a person goes to stderr. Exit status: 0 ok, 1 a check was negative,
 * 2 trouble (usage, unreadable input), 3 out of memory, 130 interrupted.
 */
#define _DEFAULT_SOURCE             /* getopt_long, strdup, isatty */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "sim/engine.h"
#include "sim/err.h"
#include "sim/model.h"
#include "sim/param.h"
#include "sim/results.h"
#include "sim/diff.h"
#include "sim/merge.h"
#include "sim/runner.h"
#include "sim/stats.h"
#include "sim/sweep.h"
#include "sim/scenario.h"
#include "sim/table.h"

#define EXIT_CHECK 1
#define EXIT_TROUBLE 2
#define EXIT_INTERRUPTED 130
#define DEFAULT_SCENARIO "scenarios/default.ini"

/* The one piece of process-wide state: a signal handler can only talk to
 * the loop through a flag like this. It lives in main.c, outside the
 * library, so two engines in one process never share it by accident. */
static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* Everything the scenario-reading commands share. */
struct study_args {
    const char *scenario;
    const char *config;
    const char **sets;          /* NULL-terminated --set values */
    size_t nsets;
    struct param_registry *reg;
    struct scn *scn;
    struct scn_study *st;
};

static void add_set(struct study_args *a, const char *kv)
{
    a->sets = realloc(a->sets, (a->nsets + 2) * sizeof *a->sets);
    if (!a->sets)
        SIM_OOM("out of memory");
    a->sets[a->nsets++] = kv;
    a->sets[a->nsets] = NULL;
}

static int load_study(struct study_args *a, struct diag *d)
{
    a->reg = preg_new();
    if (!a->reg)
        return SIM_ENOMEM;
    sim_register_all_params(a->reg);
    a->scn = scn_load(a->scenario, a->reg, d);
    if (!a->scn)
        return SIM_EINVAL;
    a->st = scn_study_new(a->scn, a->config, a->sets, d);
    return a->st ? SIM_OK : SIM_EINVAL;
}

static void free_study(struct study_args *a)
{
    scn_study_free(a->st);
    scn_free(a->scn);
    preg_free(a->reg);
    free(a->sets);
}

/* Parses "0..3,5,9" into a sorted list of run numbers below 'n'. An
 * empty list or an empty item is an error, not "no runs": -r "" (an unset
 * $SLURM_ARRAY_TASK_ID) replaced a result directory with an empty one.
 * On an error 'why' says which item is wrong and how. */
static int parse_runs(const char *spec, size_t n, size_t **out, size_t *count,
                      char *why, size_t whysz)
{
    char *s = strdup(spec), *tok, *next;
    bool *want = calloc(n ? n : 1, sizeof *want);
    int rc = SIM_OK;

    if (!s || !want)
        SIM_OOM("out of memory");
    for (tok = s; tok; tok = next) {
        char *end, *dots, *comma = strchr(tok, ',');
        unsigned long lo, hi;

        next = comma ? comma + 1 : NULL;
        if (comma)
            *comma = '\0';
        dots = strstr(tok, "..");
        rc = SIM_EINVAL;
        if (!*tok) {
            snprintf(why, whysz, *spec ? "an empty item" : "it is empty");
            break;
        }
        lo = strtoul(tok, &end, 10);
        hi = lo;
        if (dots && end == dots && isdigit((unsigned char)dots[2]))
            hi = strtoul(dots + 2, &end, 10);
        if (!isdigit((unsigned char)*tok) || *end != '\0') {
            snprintf(why, whysz, "'%s' is neither a run number nor a range A..B", tok);
            break;
        }
        if (lo > hi) {
            snprintf(why, whysz, "the range %s runs backwards", tok);
            break;
        }
        if (hi >= n) {
            snprintf(why, whysz, "there is no run %lu", hi);
            break;
        }
        rc = SIM_OK;
        for (unsigned long i = lo; i <= hi; i++)
            want[i] = true;
    }
    *count = 0;
    *out = malloc((n ? n : 1) * sizeof **out);
    if (!*out)
        SIM_OOM("out of memory");
    for (size_t i = 0; i < n && rc == SIM_OK; i++)
        if (want[i])
            (*out)[(*count)++] = i;
    free(s);
    free(want);
    return rc;
}

static const struct sim_command *find_command(const char *name)
{
    for (size_t i = 0; sim_commands[i].name; i++)
        if (strcmp(sim_commands[i].name, name) == 0)
            return &sim_commands[i];
    return NULL;
}

/* The nearest name to a mistyped command or benchmark, or NULL when none
 * is near enough (the same limit as for scenario keys); read it up to its
 * first blank. 'prefix' picks the two-word commands that start with it
 * ("bench ") and compares their second words; NULL compares the first
 * words of them all and the built-in commands (main()'s own list). */
static const char *nearest_command(const char *typed, const char *prefix)
{
    static const char *const builtin[] = { "run", "runs", "validate", "params", "sweep",
                                           "merge", "diff", "help", NULL };
    struct param_near near;
    size_t plen = prefix ? strlen(prefix) : 0;
    char word[64];

    param_near_init(&near, typed);
    for (size_t i = 0; !prefix && builtin[i]; i++)
        param_near_offer(&near, builtin[i]);
    for (size_t i = 0; sim_commands[i].name; i++) {
        const char *name = sim_commands[i].name;

        if (prefix && strncmp(name, prefix, plen) != 0)
            continue;
        if (prefix)
            name += plen;
        snprintf(word, sizeof word, "%.*s", (int)strcspn(name, " "), name);
        /* compared by its first word; the caller prints that word */
        param_near_offer_d(&near, name, param_edit_distance(typed, word));
    }
    return param_near_best(&near);
}

/* " (did you mean 'X'?)" after an error about 'typed', when a name is near. */
static void suggest_command(const char *typed, const char *prefix)
{
    const char *near = nearest_command(typed, prefix);

    if (near)
        fprintf(stderr, " (did you mean '%.*s'?)", (int)strcspn(near, " "), near);
}

static void run_usage(FILE *f)
{
    fprintf(f,
"Usage: gpumarket run [SCENARIO] [-c CONFIG] [-r RUNS] [--set KEY=VALUE]...\n"
"                     [-o DIR] [--contrast AXIS[=BASELINE]] [--level L]\n"
"                     [--no-plots] [-q]\n"
"Run one or more runs of a scenario into a result directory.\n\n"
"  SCENARIO            scenario file (default " DEFAULT_SCENARIO ")\n"
"  -c, --config NAME   [Config NAME] to run (default General)\n"
"  -r, --runs LIST     run numbers, e.g. 0..3,7 (default all)\n"
"  -s, --set KEY=VAL   override a parameter (repeatable; sweeps allowed)\n"
"  -o, --output DIR    result directory (default results/CONFIG)\n"
"      --contrast AXIS[=B]  axis and baseline value of contrasts.csv (default:\n"
"                      'policy' if it is an axis, else the first axis; its\n"
"                      first value among the runs)\n"
"      --level L       confidence level of the intervals (default 0.95)\n"
"      --no-plots      do not draw charts\n"
"  -q, --quiet         no per-run lines on stderr\n"
"  -h, --help          this text\n\n"
"Writes DIR/{runs,params,scalars,timeseries}.csv, then summary.csv and\n"
"contrasts.csv over the runs in DIR, by the code of sweep and merge: the\n"
"same runs give the same bytes. With -r they describe only the runs\n"
"chosen; merge recomputes them for the whole study from the parts.\n"
"The directory is written as DIR.tmp-PID and renamed when complete.\n"
"Exit status: 0 ok, 1 an invariant failed, 2 trouble, 3 out of memory, 130 interrupted.\n");
}

static int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "runs", required_argument, NULL, 'r' },
        { "set", required_argument, NULL, 's' },
        { "output", required_argument, NULL, 'o' },
        { "contrast", required_argument, NULL, 'C' },
        { "level", required_argument, NULL, 'L' },
        { "no-plots", no_argument, NULL, 'P' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct study_args a = { DEFAULT_SCENARIO, NULL, NULL, 0, NULL, NULL, NULL };
    struct diag d = DIAG_INIT(stderr);
    struct stats_opts so = { 0.95, NULL, NULL, false };
    char *contrast = NULL;      /* owned copy: argv goes into the manifest whole */
    const char *runs_spec = NULL, *out = NULL;
    bool plots = true, quiet = false, progress = isatty(STDERR_FILENO), named;
    size_t *runs = NULL, nruns = 0;
    char outbuf[512];
    int opt, status = 0;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "c:r:s:o:qh", opts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            if (!sim_opt_once("run", "-c", &a.config, optarg))
                goto trouble;
            break;
        case 'r':
            if (!sim_opt_once("run", "-r", &runs_spec, optarg))
                goto trouble;
            break;
        case 's': add_set(&a, optarg); break;
        case 'o':
            if (!sim_opt_once("run", "-o", &out, optarg))
                goto trouble;
            break;
        case 'C':
            free(contrast);
            contrast = strdup(optarg);
            if (!contrast)
                SIM_OOM("out of memory");
            so.axis = so.baseline = NULL;
            if (merge_parse_contrast(contrast, &so) != SIM_OK)
                goto usage;
            break;
        case 'L':
            if (merge_parse_level(optarg, &so, "run") != SIM_OK)
                goto usage;
            break;
        case 'P': plots = false; break;
        case 'q': quiet = true; break;
        case 'h': run_usage(stdout); free(a.sets); free(contrast); return 0;
        default: goto usage;
        }
    }
    named = optind < argc;
    if (named)
        a.scenario = argv[optind++];
    if (optind < argc) {
        fprintf(stderr, "gpumarket run: one scenario file at a time (got '%s' too)\n",
                argv[optind]);
        goto usage;
    }
    if (load_study(&a, &d) != SIM_OK) {
        /* the default is a path in the source tree, not an installed file */
        if (!named && access(DEFAULT_SCENARIO, R_OK) != 0)
            fprintf(stderr, "note: no SCENARIO was named, and the default " DEFAULT_SCENARIO
                    " is read from the current directory: run from the gpumarket directory, "
                    "or name a scenario file\n");
        free_study(&a);
        free(contrast);
        return EXIT_TROUBLE;
    }
    if (runs_spec) {
        so.part = true;
        char why[160];

        if (parse_runs(runs_spec, scn_study_run_count(a.st), &runs, &nruns, why,
                       sizeof why) != SIM_OK) {
            size_t n = scn_study_run_count(a.st);

            if (n == 1)
                fprintf(stderr, "error: bad run list '%s': %s (the study has 1 run: 0)\n",
                        runs_spec, why);
            else
                fprintf(stderr, "error: bad run list '%s': %s (the study has %zu runs: 0..%zu)\n",
                        runs_spec, why, n, n - 1);
            free(runs);
            free_study(&a);
            free(contrast);
            return EXIT_TROUBLE;
        }
    } else {
        nruns = scn_study_run_count(a.st);
        runs = malloc((nruns ? nruns : 1) * sizeof *runs);
        if (!runs)
            SIM_OOM("out of memory");
        for (size_t i = 0; i < nruns; i++)
            runs[i] = i;
    }
    if (!out) {
        snprintf(outbuf, sizeof outbuf, "results/%s", scn_study_config(a.st));
        out = outbuf;
    } else if (res_dir_name(out, outbuf, sizeof outbuf)) {
        out = outbuf;           /* "DIR/" is written, and reported, as DIR */
    } else {
        free(runs);
        free_study(&a);
        free(contrast);
        return EXIT_TROUBLE;
    }
    if (merge_check_contrast(a.st, runs, nruns, &so, &d) != SIM_OK) {
        free(runs);
        free_study(&a);
        free(contrast);
        return EXIT_TROUBLE;
    }
    signal(SIGINT, on_sigint);
    signal(SIGTERM, on_sigint);
    {
        struct runner_opts ro = { progress, quiet, &interrupted, 0, nruns, &so, true };

        status = runner_run_dir(a.scn, a.st, runs, nruns, out, argc, argv, &ro);
    }
    free(runs);
    free(contrast);
    if (status == EXIT_INTERRUPTED || status == EXIT_TROUBLE) {
        fprintf(stderr, "gpumarket: %s; no result directory written\n",
                status == EXIT_INTERRUPTED ? "interrupted" : "stopped");
        free_study(&a);
        return status;
    }
    if (!quiet)
        fprintf(stderr, "results in %s\n", out);
    if (plots && find_command("plot")) {
        char plot_name[] = "plot", *out_copy = strdup(out);
        char *pargv[] = { plot_name, out_copy, NULL };

        if (find_command("plot")->main(2, pargv) != 0 && status == 0)
            status = EXIT_TROUBLE;
        free(out_copy);
    }
    free_study(&a);
    return status;
usage:
    run_usage(stderr);
trouble:
    free(a.sets);
    free(contrast);
    return EXIT_TROUBLE;
}

static void runs_usage(FILE *f)
{
    fprintf(f,
"Usage: gpumarket runs SCENARIO [-c CONFIG] [--set KEY=VALUE]...\n"
"List the runs of a study with their iteration variables, as CSV on stdout\n"
"(run_number, repetition, seed_set, then one column per variable).\n"
"Exit status: 0 ok, 2 trouble (usage, unreadable file, errors in the scenario).\n");
}

/* The options `runs` and `validate` share: SCENARIO [-c CONFIG]
 * [--set K=V]... Returns -1 to go on, else the exit status to return
 * (help printed, or a usage error). */
static int parse_study_args(int argc, char **argv, struct study_args *a,
                            void (*usage_fn)(FILE *))
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "set", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int opt;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "c:s:h", opts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            if (!sim_opt_once(argv[0], "-c", &a->config, optarg))
                return EXIT_TROUBLE;
            break;
        case 's': add_set(a, optarg); break;
        case 'h': usage_fn(stdout); return 0;
        default: usage_fn(stderr); return EXIT_TROUBLE;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "gpumarket %s: %s\n", argv[0], optind == argc
                ? "no scenario file given" : "one scenario file at a time");
        usage_fn(stderr);
        return EXIT_TROUBLE;
    }
    a->scenario = argv[optind];
    return -1;
}

/* One CSV field of `runs`: as is, or quoted (RFC 4180) when the text holds
 * a comma, a quote or a line break, so that a swept value such as
 * ${cat="a,b.csv",c.csv} stays one field. */
static void put_csv_field(const char *s)
{
    if (strpbrk(s, ",\"\r\n"))
        tbl_fput_str(stdout, s);
    else
        fputs(s, stdout);
}

static int cmd_runs(int argc, char **argv)
{
    struct study_args a = { NULL, NULL, NULL, 0, NULL, NULL, NULL };
    struct diag d = DIAG_INIT(stderr);
    int st = parse_study_args(argc, argv, &a, runs_usage);

    if (st >= 0) {
        free(a.sets);
        return st;
    }
    if (load_study(&a, &d) != SIM_OK) {
        free_study(&a);
        return EXIT_TROUBLE;
    }
    printf("run_number,repetition,seed_set");
    for (size_t i = 0; i < scn_study_var_count(a.st); i++)
        if (strcmp(scn_study_var_name(a.st, i), "repetition") != 0)
            printf(",%s", scn_study_var_name(a.st, i));
    putchar('\n');
    for (size_t r = 0; r < scn_study_run_count(a.st); r++) {
        struct scn_run *run = scn_run_new(a.st, r, &d);

        if (!run)
            break;
        printf("%zu,%zu,%llu", r, scn_run_repetition(run),
               (unsigned long long)scn_run_seed_set(run));
        for (size_t i = 0; i < scn_study_var_count(a.st); i++)
            if (strcmp(scn_study_var_name(a.st, i), "repetition") != 0) {
                putchar(',');
                put_csv_field(scn_run_var_value(run, i));
            }
        putchar('\n');
        scn_run_free(run);
    }
    free_study(&a);
    return d.nerrors ? EXIT_TROUBLE : 0;
}

static void validate_usage(FILE *f)
{
    fprintf(f,
"Usage: gpumarket validate SCENARIO [-c CONFIG] [--set KEY=VALUE]...\n"
"Parse and check a scenario without running it: syntax, keys, types,\n"
"ranges, sweeps, includes, and each model's own checks on every run.\n"
"Exit status: 0 valid, 1 errors found, 2 unreadable.\n");
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

/* validate's unread-key warning: 'model' is the model every sweep point
 * set up ("" when they differ), 'npoints' how many there were. */
struct unread_ctx {
    struct diag *d;
    const char *model;
    size_t npoints;
};

static void warn_unread(void *ctx, const char *key, const struct srcloc *loc)
{
    const struct unread_ctx *u = ctx;

    if (u->npoints < 2)
        diag_warn(u->d, loc, "%s has no effect: model '%s' never reads it here", key, u->model);
    else if (*u->model)
        diag_warn(u->d, loc, "%s has no effect: model '%s' reads it at no sweep point", key,
                  u->model);
    else
        diag_warn(u->d, loc, "%s has no effect: no sweep point's model reads it", key);
}

static int cmd_validate(int argc, char **argv)
{
    struct study_args a = { NULL, NULL, NULL, 0, NULL, NULL, NULL };
    struct diag d = DIAG_INIT(stderr);
    int st = parse_study_args(argc, argv, &a, validate_usage);
    struct stat sb;
    int why = 0;
    size_t n, npoints = 0, distinct = 0;
    uint64_t *seeds;
    struct scn_reads *reads = NULL;
    const char *model = NULL;

    if (st >= 0) {
        free(a.sets);
        return st;
    }
    /* Unreadable input is exit 2 (validate --help), a directory included:
     * access() passes it and the load then failed as "errors found". */
    if (access(a.scenario, R_OK) != 0)
        why = errno;
    else if (stat(a.scenario, &sb) == 0 && S_ISDIR(sb.st_mode))
        why = EISDIR;
    if (why) {
        fprintf(stderr, "%s: error: cannot read file: %s\n", a.scenario, strerror(why));
        free(a.sets);
        return EXIT_TROUBLE;
    }
    if (load_study(&a, &d) != SIM_OK) {
        free_study(&a);
        return EXIT_CHECK;
    }
    /* A model's setup is its validator: build every point's model against
     * a throw-away engine and discard it. Repetitions differ only in their
     * seeds, so the first of each point stands for the rest ('repeat =
     * 1000000' took half an hour, setting up one model a million times). */
    n = scn_study_run_count(a.st);
    reads = scn_reads_new(a.st);
    seeds = malloc((n / scn_study_repeat(a.st) + 1) * sizeof *seeds);
    if (!seeds)
        SIM_OOM("out of memory");
    for (size_t r = 0; r < n; r += scn_study_repeat(a.st)) {
        struct scn_run *run = scn_run_new(a.st, r, &d);
        const struct sim_model *m;
        struct eng_config ec;
        struct engine *e;
        void *state;

        if (!run)
            break;
        /* what seed-set makes of the points' first repetitions */
        seeds[npoints++] = scn_run_seed_set(run);
        m = sim_run_model(run, &d);
        if (!m) {
            scn_run_free(run);
            break;
        }
        if (eng_config_from_run(run, &ec, &d) != SIM_OK) {
            scn_run_free(run);
            break;
        }
        e = eng_new(&ec);
        state = sim_run_setup(m, e, run, &d);
        if (state) {
            /* what setup read; a model that read more during its run would
             * be warned of here wrongly (each reads its keys at setup) */
            scn_reads_add(reads, run);
            model = model && strcmp(model, m->name) != 0 ? "" : m->name;
            m->free(state);
        }
        eng_free(e);
        scn_run_free(run);
        if (d.nerrors)
            break;
    }
    qsort(seeds, npoints, sizeof *seeds, cmp_u64);
    for (size_t i = 0; i < npoints; i++)
        distinct += i == 0 || seeds[i] != seeds[i - 1];
    free(seeds);
    if (d.nerrors == 0 && model) {
        struct unread_ctx u = { &d, model, npoints };

        scn_reads_each_unread(reads, warn_unread, &u);
    }
    scn_reads_free(reads);
    /* seed-set as it came out, not as the default would have it */
    if (d.nerrors == 0)
        fprintf(stderr, "%s: config %s: %zu run%s, valid%s\n", a.scenario,
                scn_study_config(a.st), n, n == 1 ? "" : "s",
                npoints < 2 ? "" : distinct == 1
                ? " (seed-set: common random numbers, every sweep point sees the same seeds)"
                : distinct == npoints ? " (seed-set: independent seeds at every sweep point)"
                : " (seed-set: some sweep points share their seeds)");
    free_study(&a);
    return d.nerrors ? EXIT_CHECK : 0;
}

static int cmd_params(int argc, char **argv)
{
    static const struct option opts[] = {
        { "markdown", no_argument, NULL, 'm' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct param_registry *reg;
    bool markdown = false;
    int opt;
    size_t n;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "mh", opts, NULL)) != -1) {
        switch (opt) {
        case 'm': markdown = true; break;
        case 'h':
            printf("Usage: gpumarket params [--markdown] [PATTERN]\n"
                   "Document every scenario parameter whose key contains PATTERN:\n"
                   "type, unit, default, range and help. The study keys seed, repeat,\n"
                   "seed-set, description and extends are not parameters (README).\n"
                   "Exit status: 0 ok, 1 no parameter matches, 2 usage.\n");
            return 0;
        default: return EXIT_TROUBLE;
        }
    }
    if (argc - optind > 1) {
        fprintf(stderr, "gpumarket params: one PATTERN at most, got %d\n", argc - optind);
        return EXIT_TROUBLE;
    }
    reg = preg_new();
    sim_register_all_params(reg);
    n = preg_print(reg, optind < argc ? argv[optind] : NULL, markdown, stdout);
    preg_free(reg);
    if (!n)
        fprintf(stderr, "gpumarket params: no parameter key contains '%s'\n",
                optind < argc ? argv[optind] : "");
    return n ? 0 : EXIT_CHECK;
}

static void usage(FILE *f)
{
    fprintf(f,
"Usage: gpumarket [--version] [--help] COMMAND [ARGS]\n"
"A discrete-event simulator of peer-to-peer GPU rental markets.\n\n"
"Commands:\n"
"  run [SCENARIO]      run a scenario (default " DEFAULT_SCENARIO ")\n"
"  runs SCENARIO       list the runs of a study\n"
"  validate SCENARIO   parse and check a scenario\n"
"  params [PATTERN]    document scenario parameters\n"
"  sweep SCENARIO      run a whole study in parallel (-j N, or --mpi)\n"
"  merge DIR           merge per-run results (Slurm arrays, GNU parallel)\n"
"  diff DIR_A DIR_B    compare two studies; exit 1 on a significant change\n");
    for (size_t i = 0; sim_commands[i].name; i++)
        fprintf(f, "  %-19s %s\n", sim_commands[i].name, sim_commands[i].summary);
    fprintf(f, "\n'gpumarket COMMAND --help' describes a command.\n"
               "Exit status: 0 ok, 1 a check was negative, 2 trouble, 3 out of memory,\n"
               "130 interrupted.\n");
}

int main(int argc, char **argv)
{
    const struct sim_command *c;
    char name[128];

    sim_install_gsl_handler();
    if (argc < 2) {
        usage(stderr);
        return EXIT_TROUBLE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        if (argc > 2) {
            fprintf(stderr, "gpumarket --version takes no arguments (got '%s')\n", argv[2]);
            return EXIT_TROUBLE;
        }
        printf("gpumarket %s\n", res_version());
        return 0;
    }
    if (strcmp(argv[1], "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(argv[1], "runs") == 0)
        return cmd_runs(argc - 1, argv + 1);
    if (strcmp(argv[1], "validate") == 0)
        return cmd_validate(argc - 1, argv + 1);
    if (strcmp(argv[1], "params") == 0)
        return cmd_params(argc - 1, argv + 1);
    if (strcmp(argv[1], "sweep") == 0) {
        signal(SIGINT, on_sigint);
        signal(SIGTERM, on_sigint);
        return sweep_main(argc - 1, argv + 1, &interrupted);
    }
    if (strcmp(argv[1], "merge") == 0)
        return merge_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "diff") == 0)
        return diff_main(argc - 1, argv + 1);
    /* Two-word commands ("bench phold") first, then one-word ones. */
    if (argc >= 3) {
        snprintf(name, sizeof name, "%s %s", argv[1], argv[2]);
        if ((c = find_command(name)))
            return c->main(argc - 2, argv + 2);
    }
    if ((c = find_command(argv[1])))
        return c->main(argc - 1, argv + 1);
    if (strcmp(argv[1], "bench") == 0) {
        /* "bench" alone, or with --help or an unknown name: the list */
        bool help = argc == 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0);
        FILE *f = help ? stdout : stderr;

        fprintf(f, "Usage: gpumarket bench BENCHMARK [OPTIONS]   (gpumarket bench BENCHMARK --help)\n"
                   "Benchmarks:");
        for (size_t i = 0; sim_commands[i].name; i++)
            if (strncmp(sim_commands[i].name, "bench ", 6) == 0)
                fprintf(f, " %s", sim_commands[i].name + 6);
        fputc('\n', f);
        if (!help && argc >= 3) {
            fprintf(stderr, "gpumarket: '%s' is not a benchmark", argv[2]);
            suggest_command(argv[2], "bench ");
            fputc('\n', stderr);
        }
        return help ? 0 : EXIT_TROUBLE;
    }
    fprintf(stderr, "gpumarket: '%s' is not a command", argv[1]);
    suggest_command(argv[1], NULL);
    fputs("; see 'gpumarket --help'\n", stderr);
    return EXIT_TROUBLE;
}
