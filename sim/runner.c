/* sim/runner.c -- run resolved runs into a result directory. */
#include "sim/runner.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sim/engine.h"
#include "sim/err.h"
#include "sim/model.h"
#include "sim/results.h"
#include "sim/rng.h"
#include "sim/scenario.h"
#include "sim/stats.h"

struct progress {
    size_t index, total;        /* this run's position in the batch */
    double started;
};

double runner_wall(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void show_progress(const struct engine *e, void *ctx)
{
    const struct progress *p = ctx;
    double el = runner_wall() - p->started;
    double frac = (double)eng_now(e) / (double)eng_end(e);
    double rate = el > 0 ? (double)eng_events(e) / el : 0.0;
    double eta = frac > 0 ? el * (1.0 - frac) / frac : 0.0;

    fprintf(stderr, "\r[run %zu/%zu] t=%.1fd/%.0fd  %.2fM ev/s  ETA %d:%02d   ",
            p->index + 1, p->total, sim_time_to_hours(eng_now(e)) / 24.0,
            sim_time_to_hours(eng_end(e)) / 24.0, rate / 1e6,
            (int)(eta / 60), (int)eta % 60);
}

struct unread {
    struct diag *d;
    const char *model;
    size_t run;
};

static void warn_unread(void *ctx, const char *key, const struct srcloc *loc)
{
    struct unread *u = ctx;

    diag_warn(u->d, loc, "%s has no effect: model '%s' never read it in run %zu", key,
              u->model, u->run);
}

int runner_run(const struct scn_run *run, struct res_dir *rd,
               const struct runner_opts *o)
{
    struct diag d = DIAG_INIT(stderr);
    const struct sim_model *m = sim_run_model(run, &d);
    struct eng_config ec;
    struct engine *e;
    struct progress pg = { o->index, o->total, runner_wall() };
    void *state;
    int rc, status = RUNNER_EXIT_OK;
    struct res_run_info info = { 0 };

    if (!m)
        return RUNNER_EXIT_TROUBLE;
    if (eng_config_from_run(run, &ec, &d) != SIM_OK)
        return RUNNER_EXIT_TROUBLE;
    e = eng_new(&ec);
    if (!e)
        SIM_OOM("out of memory");
    if (o->interrupted)
        eng_interrupt_on(e, o->interrupted);
    if (o->progress)
        eng_progress(e, 1u << 20, show_progress, &pg);
    state = sim_run_setup(m, e, run, &d);
    if (!state) {
        eng_free(e);
        return RUNNER_EXIT_TROUBLE;
    }
    rc = eng_run(e);
    if (o->progress)
        fputs("\r\033[K", stderr);
    if (rc == SIM_OK)
        rc = m->finish(e, state);
    if (rc == SIM_OK && o->warn_unread && o->index == 0) {
        struct unread u = { &d, m->name, scn_run_number(run) };
        struct scn_reads *reads = scn_reads_new(scn_run_study(run));

        scn_reads_add(reads, run);
        scn_reads_each_unread(reads, warn_unread, &u);
        scn_reads_free(reads);
    }
    info.run = run;
    info.rng = rng_type_name(eng_rngs(e));
    info.events = eng_events(e);
    info.sim_time_h = sim_time_to_hours(eng_now(e));
    info.wall_s = runner_wall() - pg.started;
    if (rc == SIM_EINTR) {
        info.status = "interrupted";
        status = RUNNER_EXIT_INTERRUPTED;
    } else if (rc != SIM_OK) {
        info.status = "failed";
        info.why = eng_fail_reason(e) ? eng_fail_reason(e) : "a check of the model failed (its messages went to stderr)";
        status = RUNNER_EXIT_CHECK;
    } else {
        info.status = "ok";
    }
    if (!o->quiet)
        fprintf(stderr, "run %zu: %s, %llu events, %.2f s (%.3g events/s)\n",
                scn_run_number(run), info.status,
                (unsigned long long)info.events, info.wall_s,
                info.wall_s > 0 ? (double)info.events / info.wall_s : 0.0);
    if (rd && status != RUNNER_EXIT_INTERRUPTED)
        res_dir_add_run(rd, &info, eng_results(e));
    m->free(state);
    eng_free(e);
    return status;
}

int runner_check_runs(const struct scn_study *st, const size_t *runs, size_t n,
                      struct diag *d)
{
    for (size_t i = 0; i < n; i++) {
        size_t number = runs ? runs[i] : i;
        struct scn_run *run = scn_run_new(st, number, d);
        struct eng_config ec;
        int rc = SIM_OK;

        if (!run)
            return SIM_EINVAL;
        if (!sim_run_model(run, d))
            rc = SIM_EINVAL;
        else
            rc = eng_config_from_run(run, &ec, d);
        scn_run_free(run);
        if (rc != SIM_OK) {
            fprintf(d->out, "error: run %zu of the study cannot be set up; nothing was run\n",
                    number);
            return rc;
        }
    }
    return SIM_OK;
}

int runner_run_dir(const struct scn *s, const struct scn_study *st,
                   const size_t *runs, size_t n, const char *out, int argc,
                   char **argv, const struct runner_opts *o)
{
    struct diag d = DIAG_INIT(stderr);
    struct res_dir *rd;
    int status = RUNNER_EXIT_OK;

    if (runner_check_runs(st, runs, n, &d) != SIM_OK)
        return RUNNER_EXIT_TROUBLE;
    rd = res_dir_begin(out, s, st, argc, argv);
    if (!rd)
        return RUNNER_EXIT_TROUBLE;
    /* A run that cannot start (a model's own setup refused its input) is
     * bad input, as runner_check_runs() would have said: stop at once,
     * as sweep does, rather than run the rest for nothing. */
    for (size_t i = 0; i < n && status != RUNNER_EXIT_INTERRUPTED &&
                       status != RUNNER_EXIT_TROUBLE; i++) {
        struct scn_run *run = scn_run_new(st, runs[i], &d);
        struct runner_opts ro = *o;
        int rs;

        if (!run) {
            status = RUNNER_EXIT_TROUBLE;
            break;
        }
        /* The engine polls the flag every 4096 events: runs shorter than
         * that would never see it, and the study would go on to the end. */
        if (o->interrupted && *o->interrupted) {
            status = RUNNER_EXIT_INTERRUPTED;
            scn_run_free(run);
            break;
        }
        ro.index = i;
        ro.total = n;
        rs = runner_run(run, rd, &ro);
        if (rs > status || rs == RUNNER_EXIT_INTERRUPTED)
            status = rs;
        scn_run_free(run);
    }
    if (o->interrupted && *o->interrupted)
        status = RUNNER_EXIT_INTERRUPTED;       /* after the last run, too */
    if (status == RUNNER_EXIT_INTERRUPTED || status == RUNNER_EXIT_TROUBLE) {
        res_dir_abort(rd);
        return status;
    }
    /* The statistics are read back from the closed files, as merge does,
     * inside the temporary directory: the result appears only complete. */
    if (res_dir_close(rd) != SIM_OK) {         /* it says which file */
        res_dir_abort(rd);
        return RUNNER_EXIT_TROUBLE;
    }
    if (o->stats && stats_write_all(res_dir_tmp_path(rd), out, o->stats, &d) != SIM_OK) {
        res_dir_abort(rd);
        return RUNNER_EXIT_TROUBLE;
    }
    if (res_dir_commit(rd) != SIM_OK)
        return RUNNER_EXIT_TROUBLE;
    return status;
}
