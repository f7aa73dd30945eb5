/* sim/sweep.c -- the local process pool and the `sweep` command. */
#define _XOPEN_SOURCE 700           /* nftw */
#define _DEFAULT_SOURCE             /* getopt_long, strdup, isatty */
#include "sim/sweep.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <ftw.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gsl/gsl_qrng.h>
#include "sim/err.h"
#include "sim/farm_mpi.h"
#include "sim/merge.h"
#include "sim/model.h"
#include "sim/param.h"
#include "sim/results.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/stats.h"

static int rm_entry(const char *path, const struct stat *sb, int flag,
                    struct FTW *ftw)
{
    (void)sb; (void)flag; (void)ftw;
    return remove(path);
}

static void remove_tree(const char *dir)
{
    struct stat st;

    if (lstat(dir, &st) == 0)
        nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- one run in a child ---- */

static char *part_dir(const struct sweep *sw, size_t number)
{
    size_t n = strlen(sw->work) + strlen(scn_study_config(sw->st)) + 48;
    char *p = malloc(n);

    if (!p)
        SIM_OOM("sweep: out of memory");
    snprintf(p, n, "%s/runs/%s-%zu", sw->work, scn_study_config(sw->st), number);
    return p;
}

pid_t sweep_spawn(const struct sweep *sw, size_t number)
{
    pid_t pid, parent = getpid();

    fflush(NULL);
    pid = fork();
    if (pid != 0)
        return pid;
    {
        struct runner_opts ro = { false, true, sw->interrupted, 0, 1, NULL, number == 0 };
        char *dir;
        int status;

        signal(SIGCHLD, SIG_DFL);
#ifdef __linux__
        /* A parent killed outright (an MPI rank under mpirun's SIGKILL)
         * would leave this run going on alone: stop with it. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
        if (getppid() != parent)            /* it died before prctl */
            _exit(RUNNER_EXIT_INTERRUPTED);
        if (sw->crash_run >= 0 && (size_t)sw->crash_run == number)
            raise(SIGKILL);
        dir = part_dir(sw, number);
        status = runner_run_dir(sw->scn, sw->st, &number, 1, dir, sw->argc,
                                sw->argv, &ro);
        free(dir);
        fflush(NULL);
        _exit(status);
    }
}

/* A run that left no part of its own gets one saying what happened. */
static void write_placeholder(const struct sweep *sw, size_t number,
                              const char *status, const char *why)
{
    struct diag d = DIAG_INIT(stderr);
    struct scn_run *run = scn_run_new(sw->st, number, &d);
    char *dir = part_dir(sw, number);
    struct res_dir *rd;

    if (run && (rd = res_dir_begin(dir, sw->scn, sw->st, sw->argc, sw->argv))) {
        struct res_run_info info = { .run = run, .status = status, .why = why };

        res_dir_add_run(rd, &info, NULL);
        res_dir_commit(rd);
    }
    scn_run_free(run);
    free(dir);
}

/* What a child that stopped early may have left of its part: the result
 * writer's temporary twin, DIR/runs/<config>-<N>.tmp-<child pid>. */
static void remove_child_tmp(const struct sweep *sw, size_t number, pid_t pid)
{
    char *dir = part_dir(sw, number);
    size_t n = strlen(dir) + 32;
    char *tmp = malloc(n);

    if (!tmp)
        SIM_OOM("sweep: out of memory");
    snprintf(tmp, n, "%s.tmp-%ld", dir, (long)pid);
    remove_tree(tmp);
    free(tmp);
    free(dir);
}

static bool stop_asked(const struct sweep *sw)
{
    return sw->interrupted && *sw->interrupted;
}

static bool halted(const struct sweep *sw)
{
    return sw->halted && sw->halted();
}

/* Did the child of run 'number' commit its part? */
static bool part_written(const struct sweep *sw, size_t number)
{
    char *dir = part_dir(sw, number);
    struct stat st;
    bool ok = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);

    free(dir);
    return ok;
}

int sweep_reaped(const struct sweep *sw, size_t number, pid_t pid, int wstatus)
{
    const char *status = "crashed", *why = "its process crashed before writing results";
    char what[96];

    if (WIFEXITED(wstatus)) {
        int code = WEXITSTATUS(wstatus);
        bool wrote = code == RUNNER_EXIT_OK || code == RUNNER_EXIT_CHECK;

        if (wrote && part_written(sw, number))
            return code;            /* the part says "ok" or "failed" */
        if (code == RUNNER_EXIT_INTERRUPTED && stop_asked(sw))
            return code;            /* the whole study stops */
        if (code == RUNNER_EXIT_TROUBLE) {
            /* bad input (its setup refused it): as `run`, the study
             * stops with no result */
            remove_child_tmp(sw, number, pid);
            return code;
        }
        if (wrote) {
            /* exit 0 or 1 with no part: a crash its own handler turned
             * into an exit (AddressSanitizer reports a SIGSEGV and exits 1) */
            snprintf(what, sizeof what, "crashed (exit %d, no results); the study goes on", code);
        } else if (code == RUNNER_EXIT_INTERRUPTED) {
            /* a signal to this child alone loses its run, not the study */
            snprintf(what, sizeof what, "was interrupted by a signal to its process; the study "
                     "goes on");
            status = "interrupted";
            why = "its process was stopped by a signal before writing results";
        } else {
            snprintf(what, sizeof what, "stopped with status %d", code);
            status = "error";
            why = "its process stopped with an error before writing results";
        }
    } else if (WIFSIGNALED(wstatus)) {
        if (stop_asked(sw))
            return RUNNER_EXIT_INTERRUPTED;
        snprintf(what, sizeof what, "crashed (signal %d); the study goes on", WTERMSIG(wstatus));
    } else {
        return RUNNER_EXIT_TROUBLE;
    }
    /* the run is lost: no temporary part of it stays, a placeholder says why */
    remove_child_tmp(sw, number, pid);
    fprintf(stderr, "gpumarket sweep: run %zu %s\n", number, what);
    write_placeholder(sw, number, status, why);
    return RUNNER_EXIT_CHECK;
}

static void on_sigchld(int sig)
{
    (void)sig;                  /* only wakes sigsuspend() in wait_child() */
}

/* Waits for child 'which' (-1: any). When 'interruptible', returns -1 with
 * errno EINTR as soon as the interrupt flag is set: SIGCHLD, SIGINT and
 * SIGTERM are blocked between the test of the flag and the sleep, which
 * unblocks them, so in this thread a signal cannot slip in between. An MPI
 * rank has other threads (Open MPI's), though, which block nothing: a
 * SIGCHLD sent while this thread blocks it is taken by one of them, and a
 * sleep until the next signal never ended (a rank told to stop waited
 * forever for a child already gone). So the sleep is bounded: 50 ms, and
 * waitpid() and the flags are looked at again. An MPI worker (sw->halted)
 * also returns so when rank 0 stops the study, which no signal says. */
static pid_t wait_child(const struct sweep *sw, pid_t which, int *ws, bool interruptible)
{
    sigset_t block, old;
    const struct timespec poll = { 0, 50000000 };
    pid_t pid;

    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &old);
    for (;;) {
        pid = waitpid(which, ws, WNOHANG);
        if (pid != 0)
            break;              /* a child, or an error (no children) */
        if (interruptible && (stop_asked(sw) || halted(sw))) {
            errno = EINTR;
            pid = -1;
            break;
        }
        pselect(0, NULL, NULL, NULL, &poll, &old);
    }
    {
        int e = errno;

        sigprocmask(SIG_SETMASK, &old, NULL);
        errno = e;
    }
    return pid;
}

int sweep_exec(const struct sweep *sw, size_t number)
{
    pid_t pid, got;
    int ws;

    if (stop_asked(sw))
        return RUNNER_EXIT_INTERRUPTED;
    pid = sweep_spawn(sw, number);
    if (pid < 0)
        return RUNNER_EXIT_TROUBLE;
    got = wait_child(sw, pid, &ws, true);
    if (got < 0 && errno == EINTR) {
        kill(pid, SIGTERM);     /* the run stops at its next poll */
        got = wait_child(sw, pid, &ws, false);
        if (got >= 0 && !stop_asked(sw)) {
            /* rank 0 stopped the study (a run that cannot be set up): this
             * run is thrown away with it, as the local pool drops its
             * children's, not recorded as interrupted */
            remove_child_tmp(sw, number, pid);
            return RUNNER_EXIT_INTERRUPTED;
        }
    }
    if (got < 0)
        return RUNNER_EXIT_TROUBLE;
    return sweep_reaped(sw, number, pid, ws);
}

/* ---- progress ---- */

void sweep_tally_show(const struct sweep_tally *t, bool final)
{
    double el = runner_wall() - t->started;
    double eta = t->done ? el / (double)t->done * (double)(t->total - t->done) : 0.0;

    if (t->quiet)
        return;
    fprintf(stderr, "%s[sweep] %zu/%zu runs done, %zu failed, %zu running, "
                    "elapsed %d:%02d, ETA %d:%02d%s",
            t->tty ? "\r" : "", t->done, t->total, t->failed, t->running,
            (int)(el / 60), (int)el % 60, (int)(eta / 60), (int)eta % 60,
            t->tty ? (final ? "\n" : "   ") : "\n");
}

void sweep_tally_done(struct sweep_tally *t, int status)
{
    t->done++;
    if (status != RUNNER_EXIT_OK)
        t->failed++;
    sweep_tally_show(t, t->done == t->total);
}

/* ---- the local pool ---- */

struct slot {
    pid_t pid;
    size_t run;
};

static int pool_run(const struct sweep *sw, const size_t *runs, size_t n,
                    int jobs, struct sweep_tally *t)
{
    struct slot *slots = calloc((size_t)jobs, sizeof *slots);
    size_t next = 0;
    int worst = RUNNER_EXIT_OK;
    bool stopping = false;      /* the running children were told to stop */
    bool dropping = false;      /* ... because a run could not be set up */

    if (!slots)
        SIM_OOM("sweep: out of memory");
    for (;;) {
        pid_t pid;
        int ws;

        while (t->running < (size_t)jobs && next < n && !stop_asked(sw) &&
               worst != RUNNER_EXIT_TROUBLE) {
            size_t k = 0;

            while (slots[k].pid)
                k++;
            slots[k].run = runs[next];
            slots[k].pid = sweep_spawn(sw, runs[next]);
            if (slots[k].pid < 0) {
                fprintf(stderr, "gpumarket sweep: fork: %s\n", strerror(errno));
                slots[k].pid = 0;
                free(slots);
                return RUNNER_EXIT_TROUBLE;
            }
            next++;
            t->running++;
        }
        /* Interrupted: the children are told now, not left to finish whole
         * runs that would be thrown away (a terminal's ^C reaches them
         * anyway; a kill of the sweep alone does not). */
        /* A run that cannot be set up ends the study with no result, so the
         * runs still going are stopped too, not waited for whole (they
         * once were, minutes for nothing). */
        if ((stop_asked(sw) || worst == RUNNER_EXIT_TROUBLE) && !stopping) {
            for (int k = 0; k < jobs; k++)
                if (slots[k].pid > 0)
                    kill(slots[k].pid, SIGTERM);
            stopping = true;
            dropping = !stop_asked(sw);
        }
        if (t->running == 0)
            break;
        pid = wait_child(sw, -1, &ws, !stopping);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int k = 0; k < jobs; k++) {
            if (slots[k].pid != pid)
                continue;
            if (dropping) {
                /* stopped by us, its run thrown away with the study: not
                 * "interrupted by a signal to its process", no placeholder */
                remove_child_tmp(sw, slots[k].run, pid);
                slots[k].pid = 0;
                t->running--;
                continue;
            }
            {
                int s = sweep_reaped(sw, slots[k].run, pid, ws);

                slots[k].pid = 0;
                t->running--;
                if (s == RUNNER_EXIT_INTERRUPTED || s > worst)
                    worst = s == RUNNER_EXIT_INTERRUPTED || worst == RUNNER_EXIT_INTERRUPTED
                          ? RUNNER_EXIT_INTERRUPTED : s;
                if (s != RUNNER_EXIT_INTERRUPTED)
                    sweep_tally_done(t, s);
            }
        }
    }
    free(slots);
    if (stop_asked(sw))
        return RUNNER_EXIT_INTERRUPTED;
    return worst;
}

/* ---- MPI glue ---- */

#ifdef GM_HAVE_MPI
struct mpi_ctx {
    const struct sweep *sw;
    struct sweep_tally *t;
    int worst;
};

static void mpi_start(void *ctx, size_t run)
{
    struct mpi_ctx *c = ctx;

    (void)run;
    c->t->running++;
}

static void mpi_done(void *ctx, size_t run, int status)
{
    struct mpi_ctx *c = ctx;

    (void)run;
    c->t->running--;
    /* 130 after a run that cannot be set up: a run stopped by mpi_stop,
     * thrown away with the study; the study's status stays 2 */
    if (status == RUNNER_EXIT_INTERRUPTED && c->worst == RUNNER_EXIT_TROUBLE)
        return;
    if (status > c->worst && c->worst != RUNNER_EXIT_INTERRUPTED)
        c->worst = status;
    if (status != RUNNER_EXIT_INTERRUPTED)
        sweep_tally_done(c->t, status);
}

static int mpi_stop(void *ctx)
{
    const struct mpi_ctx *c = ctx;

    /* After a run that cannot be set up the study has no result: no more
     * runs go out, and those going on other ranks are stopped (farm_manage
     * tells their ranks), as pool_run stops its children. So after a rank
     * interrupted alone (a SIGTERM to its process): the study ends with
     * 130 and no result, and the other ranks' runs went on whole for it. */
    return stop_asked(c->sw) || c->worst == RUNNER_EXIT_TROUBLE ||
           c->worst == RUNNER_EXIT_INTERRUPTED;
}

static int mpi_exec(void *ctx, size_t run)
{
    return sweep_exec(ctx, run);
}
#endif

/* ---- the command ---- */

static int make_dirs(const char *path)
{
    char *p = strdup(path);
    int rc = 0;

    if (!p)
        SIM_OOM("sweep: out of memory");
    for (char *q = p + 1; *q; q++) {
        if (*q == '/') {
            *q = '\0';
            mkdir(p, 0777);
            *q = '/';
        }
    }
    if (mkdir(p, 0777) != 0 && errno != EEXIST)
        rc = -1;
    free(p);
    return rc;
}

static void sweep_usage(FILE *f)
{
    fprintf(f,
"Usage: gpumarket sweep SCENARIO [-c CONFIG] [-j N] [--mpi] [-o DIR]\n"
"                       [--set KEY=VALUE]... [--sobol N --vary KEY=LO..HI...]\n"
"                       [--contrast AXIS[=BASELINE]] [--level L] [--no-plots] [-q]\n"
"Run every run of a study (sweep axes x repetitions), each in its own child\n"
"process, then merge the results in run-number order and compute the\n"
"statistics. A crashed run is reported and recorded, and the study goes on.\n\n"
"  -c, --config NAME    [Config NAME] (default General)\n"
"  -j, --jobs N         parallel runs (default: online CPUs)\n"
"      --mpi            Open MPI task farm: mpirun -np K gpumarket sweep ... --mpi\n"
"                       (rank 0 hands out runs, ranks 1..K-1 execute them)\n"
"  -o, --output DIR     result directory (default results/CONFIG)\n"
"  -s, --set KEY=VAL    override a parameter (repeatable; sweeps allowed)\n"
"      --sobol N        a Sobol design (gsl_qrng_sobol) of N points over the\n"
"      --vary KEY=LO..HI  parameters given with --vary (repeatable), instead of\n"
"                       a full grid; run as one lock-step axis per key, with\n"
"                       'repeat' and 'seed-set' applying as usual (CRN: every\n"
"                       point sees the same seeds per repetition)\n"
"      --contrast AXIS[=B]  axis and baseline value of contrasts.csv (default:\n"
"                       'policy' if it is an axis, else the first axis; its\n"
"                       first value)\n"
"      --level L        confidence level (default 0.95)\n"
"      --no-plots       do not draw charts\n"
"  -q, --quiet          no progress line\n"
"  -h, --help           this text\n\n"
"Writes DIR/runs/CONFIG-N/ per run, then DIR/{runs,params,scalars,timeseries,\n"
"summary,contrasts}.csv: byte-identical for any -j or rank count. The study\n"
"is built in DIR.tmp-PID and renamed when complete.\n"
"Exit status: 0 ok, 1 some runs failed, crashed or went missing, 2 trouble, 3 out of memory,\n"
"130 interrupted.\n");
}

struct vary {
    const char *key;
    double lo, hi;
};

/* A whole number in [1, most], all of 's' (strtoul would take "-3" as a
 * huge count and "4x" as 4). */
static bool count_arg(const char *s, size_t most, size_t *out)
{
    char *end;
    unsigned long long v;

    if (!isdigit((unsigned char)s[0]))
        return false;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end || v < 1 || v > most)
        return false;
    *out = (size_t)v;
    return true;
}

/* A design point's value of key 'def' as the --set text it goes in as. */
static void sobol_cell(const struct param_def *def, double val, char *cell, size_t size)
{
    if (def->type == PT_INT)
        snprintf(cell, size, "%lld", (long long)llround(val));
    else if (def->type == PT_MONEY)
        snprintf(cell, size, "%.6f", val);
    else
        snprintf(cell, size, "%.10g", val);
}

/* Builds the --set overrides of a Sobol design: the first key an axis, the
 * others lock-step with it. Returns the number of strings added. */
static int sobol_overrides(const struct param_registry *reg,
                           const struct vary *v, size_t nv, size_t npts,
                           char ***sets, size_t *nsets)
{
    gsl_qrng *q;
    char **bufs;
    size_t *lens;
    FILE **fs;
    double x[40];
    char axis0[128];

    if (nv == 0 || nv > 40) {
        fprintf(stderr, "gpumarket sweep: --sobol needs 1 to 40 --vary keys, got %zu\n", nv);
        return -1;
    }
    for (size_t k = 0; k < nv; k++) {
        const struct param_def *def = preg_find(reg, v[k].key);

        if (!def) {
            const char *near = preg_suggest(reg, v[k].key);
            char hint[160];

            fprintf(stderr, "gpumarket sweep: --vary: unknown key '%s'%s\n", v[k].key,
                    param_hint(near, hint, sizeof hint));
            return -1;
        }
        if (def->type == PT_BOOL || def->type == PT_STRING || def->type == PT_ENUM) {
            fprintf(stderr, "gpumarket sweep: --vary: '%s' has type %s, not a number\n",
                    v[k].key, param_type_name(def->type));
            return -1;
        }
        /* The range must lie in the key's own: a point past it was refused
         * later as a --set error, naming a value the user never wrote. */
        for (int end = 0; end < 2; end++) {
            char cell[32], err[256];
            struct param_value pv;

            sobol_cell(def, end ? v[k].hi : v[k].lo, cell, sizeof cell);
            if (param_parse(def, cell, &pv, err, sizeof err) != SIM_OK) {
                fprintf(stderr, "gpumarket sweep: --vary %s=%g..%g: %s\n", v[k].key,
                        v[k].lo, v[k].hi, err);
                return -1;
            }
        }
    }
    q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)nv);
    bufs = calloc(nv, sizeof *bufs);
    lens = calloc(nv, sizeof *lens);
    fs = calloc(nv, sizeof *fs);
    if (!q || !bufs || !lens || !fs)
        SIM_OOM("sweep: out of memory");
    for (size_t k = 0; k < nv; k++) {
        char name[128];

        snprintf(name, sizeof name, "%s", v[k].key);
        for (char *c = name; *c; c++)
            if (*c == '.' || *c == '-')
                *c = '_';
        if (k == 0)
            snprintf(axis0, sizeof axis0, "%s", name);
        fs[k] = open_memstream(&bufs[k], &lens[k]);
        if (!fs[k])
            SIM_OOM("sweep: out of memory");
        fprintf(fs[k], "%s=${%s=", v[k].key, name);
    }
    /* GSL's Sobol sequence starts at (0.5, ...), not at the corner. A
     * point that rounding integer keys makes equal to an earlier one is
     * left out: the statistics group runs by their values, and would take
     * its runs (with the same seeds) for more replications of that point. */
    {
        /* the points kept, and an open-addressing set of them by hash */
        size_t cap = 2 * npts + 1, kept = 0;
        char **rows = calloc(npts, sizeof *rows);
        size_t *slot = calloc(cap, sizeof *slot);      /* row index + 1; 0 = empty */

        if (!rows || !slot)
            SIM_OOM("sweep: out of memory");
        for (size_t i = 0; i < npts; i++) {
            char row[40 * 32], cell[40][32];
            size_t len = 0;
            bool dup = false;

            gsl_qrng_get(q, x);
            for (size_t k = 0; k < nv; k++) {
                const struct param_def *def = preg_find(reg, v[k].key);
                double val = v[k].lo + x[k] * (v[k].hi - v[k].lo);

                sobol_cell(def, val, cell[k], sizeof cell[k]);
                len += (size_t)snprintf(row + len, sizeof row - len, "%s;", cell[k]);
            }
            {
                uint64_t h = 1469598103934665603ULL;
                size_t at;

                for (const char *c = row; *c; c++)
                    h = (h ^ (unsigned char)*c) * 1099511628211ULL;
                for (at = (size_t)(h % cap); slot[at]; at = (at + 1) % cap)
                    if (strcmp(rows[slot[at] - 1], row) == 0) {
                        dup = true;
                        break;
                    }
                if (dup)
                    continue;
                if (!(rows[kept++] = strdup(row)))
                    SIM_OOM("sweep: out of memory");
                slot[at] = kept;
            }
            for (size_t k = 0; k < nv; k++)
                fprintf(fs[k], "%s%s", kept > 1 ? "," : "", cell[k]);
        }
        if (kept < npts)
            fprintf(stderr, "gpumarket sweep: --sobol %zu: %zu points repeat an earlier one "
                    "once integer keys are rounded; the design runs the %zu distinct ones\n",
                    npts, npts - kept, kept);
        for (size_t j = 0; j < kept; j++)
            free(rows[j]);
        free(rows);
        free(slot);
    }
    for (size_t k = 0; k < nv; k++) {
        if (k > 0)
            fprintf(fs[k], " ! %s", axis0);
        fputc('}', fs[k]);
        fclose(fs[k]);
        *sets = realloc(*sets, (*nsets + 2) * sizeof **sets);
        if (!*sets)
            SIM_OOM("sweep: out of memory");
        (*sets)[(*nsets)++] = bufs[k];
        (*sets)[*nsets] = NULL;
    }
    free(bufs);
    free(lens);
    free(fs);
    gsl_qrng_free(q);
    return (int)nv;
}

static int parse_vary(const char *arg, struct vary *v)
{
    const char *eq = strchr(arg, '='), *dots;
    char *lo, *end;

    v->key = NULL;
    if (!eq || eq == arg || !(dots = strstr(eq + 1, "..")))
        return -1;
    v->key = strndup(arg, (size_t)(eq - arg));
    lo = strndup(eq + 1, (size_t)(dots - eq - 1));   /* "16..64": not "16." */
    if (!v->key || !lo)
        SIM_OOM("sweep: out of memory");
    v->lo = strtod(lo, &end);
    if (end == lo || *end != '\0') {
        free(lo);
        return -1;
    }
    free(lo);
    v->hi = strtod(dots + 2, &end);
    if (end == dots + 2 || *end != '\0' || !(v->hi > v->lo))
        return -1;
    return 0;
}

static const struct sim_command *plot_command(void)
{
    for (size_t i = 0; sim_commands[i].name; i++)
        if (strcmp(sim_commands[i].name, "plot") == 0)
            return &sim_commands[i];
    return NULL;
}

/* Appends the sweep's own facts to the merged manifest. */
static void note_manifest(const char *dir, const char *mode, int workers,
                          double wall_s, char *const *sets, size_t nsets)
{
    size_t n = strlen(dir) + 16;
    char *path = malloc(n);
    FILE *f;

    if (!path)
        SIM_OOM("sweep: out of memory");
    snprintf(path, n, "%s/manifest.ini", dir);
    f = fopen(path, "ab");
    free(path);
    if (!f)
        return;
    fprintf(f, "\n[sweep]\nmode = %s\nworkers = %d\n", mode, workers);
    for (size_t i = 0; i < nsets; i++)
        fprintf(f, "set = %s\n", sets[i]);
    fprintf(f, "\n[sweep.timing]\nwall_s = %.3f\n", wall_s);
    fclose(f);
}

int sweep_main(int argc, char **argv, volatile sig_atomic_t *interrupted)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "jobs", required_argument, NULL, 'j' },
        { "mpi", no_argument, NULL, 'M' },
        { "output", required_argument, NULL, 'o' },
        { "set", required_argument, NULL, 's' },
        { "sobol", required_argument, NULL, 'S' },
        { "vary", required_argument, NULL, 'V' },
        { "contrast", required_argument, NULL, 'C' },
        { "level", required_argument, NULL, 'L' },
        { "no-plots", no_argument, NULL, 'P' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { "test-crash-run", required_argument, NULL, 'X' },   /* testing aid */
        { NULL, 0, NULL, 0 },
    };
    const char *scenario = NULL, *config = NULL, *out = NULL;
    char **sets = NULL, **owned = NULL, outbuf[512], *work = NULL, *contrast = NULL;
    size_t nsets = 0, nowned = 0, nvary = 0, sobol = 0, nruns = 0, *runs = NULL, count;
    struct vary vary[40];
    struct stats_opts so = { 0.95, NULL, NULL, false };
    struct sweep sw = { NULL, NULL, NULL, argc, argv, -1, interrupted, NULL };
    struct sweep_tally t = { 0 };
    struct param_registry *reg = NULL;
    struct scn *scn = NULL;
    struct scn_study *st = NULL;
    struct diag d = DIAG_INIT(stderr);
    bool mpi = false, mpi_on = false, plots = true, quiet = false;
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    int opt, status = RUNNER_EXIT_OK, rank = 0, size = 1;
    double t0 = runner_wall();

    optind = 1;
    while ((opt = getopt_long(argc, argv, "c:j:o:s:qh", opts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            if (!sim_opt_once("sweep", "-c", &config, optarg))
                goto trouble;
            break;
        case 'j':
            if (!count_arg(optarg, 4096, &count)) {
                fprintf(stderr, "gpumarket sweep: -j needs 1..4096, got '%s'\n", optarg);
                goto usage;
            }
            jobs = (long)count;
            break;
        case 'M': mpi = true; break;
        case 'o':
            if (!sim_opt_once("sweep", "-o", &out, optarg))
                goto trouble;
            break;
        case 's':
            sets = realloc(sets, (nsets + 2) * sizeof *sets);
            if (!sets)
                SIM_OOM("sweep: out of memory");
            sets[nsets++] = optarg;
            sets[nsets] = NULL;
            break;
        case 'S':
            if (!count_arg(optarg, 1000000, &sobol)) {
                fprintf(stderr, "gpumarket sweep: --sobol needs 1..1000000 points, got '%s'\n",
                        optarg);
                goto usage;
            }
            break;
        case 'V':
            if (nvary == 40 || parse_vary(optarg, &vary[nvary]) != 0) {
                fprintf(stderr, "gpumarket sweep: --vary wants KEY=LO..HI with LO < HI, got '%s'\n",
                        optarg);
                if (nvary < 40)
                    free((char *)(uintptr_t)vary[nvary].key);
                goto usage;
            }
            nvary++;
            break;
        case 'C':
            /* Split a copy: argv goes into the manifest whole. */
            free(contrast);
            contrast = strdup(optarg);
            if (!contrast)
                SIM_OOM("sweep: out of memory");
            so.axis = so.baseline = NULL;
            if (merge_parse_contrast(contrast, &so) != SIM_OK)
                goto usage;
            break;
        case 'L':
            if (merge_parse_level(optarg, &so, "sweep") != SIM_OK)
                goto usage;
            break;
        case 'P': plots = false; break;
        case 'q': quiet = true; break;
        case 'X': sw.crash_run = strtol(optarg, NULL, 10); break;
        case 'h':
            sweep_usage(stdout);
            status = RUNNER_EXIT_OK;
            goto done;
        default:
            goto usage;
        }
    }
    if ((sobol > 0) != (nvary > 0)) {
        fprintf(stderr, "gpumarket sweep: %s\n", sobol ? "--sobol N needs at least one --vary "
                "KEY=LO..HI" : "--vary sets the range of a --sobol design: give --sobol N too");
        goto usage;
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "gpumarket sweep: %s\n", optind == argc ? "no scenario file given"
                : "one scenario file at a time");
        goto usage;
    }
    scenario = argv[optind];
#ifndef GM_HAVE_MPI
    if (mpi) {
        fprintf(stderr, "gpumarket sweep: --mpi: this build has no Open MPI "
                        "(install libopenmpi-dev and rebuild with make MPI=1)\n");
        status = RUNNER_EXIT_TROUBLE;
        goto done;
    }
#else
    if (mpi && farm_init(&argc, &argv, &rank, &size) != 0) {
        fprintf(stderr, "gpumarket sweep: MPI_Init failed\n");
        status = RUNNER_EXIT_TROUBLE;
        goto done;
    }
    mpi_on = mpi;
#endif
    /* Every rank loads the study: runs are pure functions of it. */
    reg = preg_new();
    if (!reg)
        SIM_OOM("sweep: out of memory");
    sim_register_all_params(reg);
    if (sobol) {
        size_t before = nsets;

        if (sobol_overrides(reg, vary, nvary, sobol, &sets, &nsets) < 0) {
            status = RUNNER_EXIT_TROUBLE;
            goto done;
        }
        owned = sets + before;
        nowned = nsets - before;
    }
    d.silent = rank != 0;       /* rank 0 alone reports */
    scn = scn_load(scenario, reg, &d);
    if (scn)
        st = scn_study_new(scn, config, (const char *const *)sets, &d);
    /* a contrast that cannot fit is refused now, not after every run */
    if (st && merge_check_contrast(st, NULL, scn_study_run_count(st), &so, &d) != SIM_OK) {
        scn_study_free(st);
        st = NULL;
    }
    /* a run that cannot be set up is bad input, refused before any runs */
    if (st && runner_check_runs(st, NULL, scn_study_run_count(st), &d) != SIM_OK) {
        scn_study_free(st);
        st = NULL;
    }
    d.silent = false;
    if (!st) {
        status = RUNNER_EXIT_TROUBLE;
        goto done;
    }
    nruns = scn_study_run_count(st);
    runs = malloc((nruns ? nruns : 1) * sizeof *runs);
    if (!runs)
        SIM_OOM("sweep: out of memory");
    for (size_t i = 0; i < nruns; i++)
        runs[i] = i;
    if (!out) {
        snprintf(outbuf, sizeof outbuf, "results/%s", scn_study_config(st));
        out = outbuf;
    } else if (res_dir_name(out, outbuf, sizeof outbuf)) {
        out = outbuf;
    } else {
        status = RUNNER_EXIT_TROUBLE;
        goto done;
    }
    /* The study is built beside DIR and renamed when complete; under MPI
     * rank 0 names the directory for everyone. */
    {
        char wbuf[1024];

        snprintf(wbuf, sizeof wbuf, "%s.tmp-%ld", out, (long)getpid());
#ifdef GM_HAVE_MPI
        if (mpi)
            farm_bcast(wbuf, sizeof wbuf);
#endif
        work = strdup(wbuf);
        if (!work)
            SIM_OOM("sweep: out of memory");
    }
    /* Rank 0 alone looks at DIR and makes the work directory; the others
     * learn from the flag below whether to go on (a rank 0 that stopped
     * alone left them waiting in farm_bcast forever). */
    if (rank == 0 && !res_dir_replaceable(out))
        status = RUNNER_EXIT_TROUBLE;
    if (rank == 0 && status == RUNNER_EXIT_OK) {
        size_t n = strlen(work) + 8;
        char *rd = malloc(n);

        if (!rd)
            SIM_OOM("sweep: out of memory");
        snprintf(rd, n, "%s/runs", work);
        remove_tree(work);
        if (make_dirs(rd) != 0) {
            fprintf(stderr, "gpumarket sweep: cannot create %s: %s\n", rd, strerror(errno));
            status = RUNNER_EXIT_TROUBLE;
        }
        free(rd);
    }
#ifdef GM_HAVE_MPI
    if (mpi) {
        int ok = status == RUNNER_EXIT_OK;

        farm_bcast(&ok, sizeof ok);
        if (!ok) {
            status = RUNNER_EXIT_TROUBLE;
            goto done;
        }
    }
#endif
    if (status != RUNNER_EXIT_OK)
        goto done;
    sw.scn = scn;
    sw.st = st;
    sw.work = work;
    t.total = nruns;
    t.started = t0;
    t.tty = isatty(STDERR_FILENO);
    t.quiet = quiet;
    {
        /* a child's exit wakes the waits of wait_child() */
        struct sigaction sa;

        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_sigchld;
        sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGCHLD, &sa, NULL);
    }
    if (!mpi || size == 1) {
        status = pool_run(&sw, runs, nruns, (int)jobs, &t);
    } else {
#ifdef GM_HAVE_MPI
        if (rank == 0) {
            struct mpi_ctx c = { &sw, &t, RUNNER_EXIT_OK };

            farm_manage(runs, nruns, mpi_start, mpi_done, mpi_stop, &c);
            status = c.worst;
            if (interrupted && *interrupted)
                status = RUNNER_EXIT_INTERRUPTED;
        } else {
            sw.halted = farm_stopped;
            farm_work(mpi_exec, &sw);
            if (stop_asked(&sw))
                status = RUNNER_EXIT_INTERRUPTED;   /* mpirun passes it on */
        }
#endif
    }
    if (rank != 0)
        goto done;
    if (status == RUNNER_EXIT_INTERRUPTED || status == RUNNER_EXIT_TROUBLE) {
        fprintf(stderr, "gpumarket sweep: %s; no result directory written\n",
                status == RUNNER_EXIT_INTERRUPTED ? "interrupted" : "stopped");
        remove_tree(work);
        goto done;
    }
    {
        struct merge_report rep;

        if (merge_dir(work, &so, &rep, &d) != SIM_OK) {
            status = RUNNER_EXIT_TROUBLE;
            goto done;
        }
        /* what ran the runs: mpirun -np 1 ... --mpi ran the local pool */
        note_manifest(work, mpi && size > 1 ? "mpi" : "local",
                      mpi && size > 1 ? size - 1 : (int)jobs,
                      runner_wall() - t0, owned, nowned);
        if (res_dir_replace(work, out) != SIM_OK) {
            /* a whole study is not thrown away for want of a name */
            fprintf(stderr, "gpumarket sweep: cannot rename %s to %s: %s; "
                    "the merged study is left in %s\n", work, out, strerror(errno), work);
            status = RUNNER_EXIT_TROUBLE;
            goto done;
        }
        if (!quiet)
            fprintf(stderr, "results in %s (%zu runs, %zu failed)\n", out,
                    rep.runs, rep.failed);
        /* a part gone from runs/ (deleted while the sweep ran) is a gap
         * merge counts as missing: exit 1, as merge itself does */
        if ((rep.failed || rep.missing) && status == RUNNER_EXIT_OK)
            status = RUNNER_EXIT_CHECK;
    }
    if (plots && plot_command()) {
        char name[] = "plot", *o = strdup(out);
        char *pargv[] = { name, o, NULL };

        if (plot_command()->main(2, pargv) != 0 && status == RUNNER_EXIT_OK)
            status = RUNNER_EXIT_TROUBLE;
        free(o);
    }
    goto done;
usage:
    sweep_usage(stderr);
trouble:
    status = RUNNER_EXIT_TROUBLE;
done:
#ifdef GM_HAVE_MPI
    if (mpi_on)
        farm_finalize();
#else
    (void)mpi_on;
#endif
    free(runs);
    free(work);
    free(contrast);
    scn_study_free(st);
    scn_free(scn);
    preg_free(reg);
    for (size_t i = 0; i < nowned; i++)
        free(owned[i]);
    free(sets);
    for (size_t i = 0; i < nvary; i++)
        free((char *)(uintptr_t)vary[i].key);
    return status;
}
