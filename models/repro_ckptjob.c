/* models/repro_ckptjob.c -- T3: Young/Daly checkpoint intervals and Daly's
 * expected wall time, measured on our engine.
 *
 * One job of 'work' minutes on a machine with exponential failures (MTBF
 * M) checkpoints every tau of work at cost delta; a failure loses the
 * segment in progress and costs a restart R (itself interruptible). That
 * is exactly the model behind Daly's T_w(tau), so the mean completion time
 * must match it (summed over whole segments: ckpt_segments_wall()).
 * 'jobs' replications run side by side in one engine, for every tau of
 * the sweep list. Job j draws its failures from its own
 * counter-based stream seeded by j alone, so job j sees the same failure
 * times at every tau: common random numbers make the empirical argmin over
 * tau far more stable than independent runs would.
 */
#include "models/reproduce.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "models/checkpoint.h"
#include "sim/engine.h"
#include "sim/param.h"
#include "sim/rng.h"
#include "sim/scenario.h"

#define MAX_TAUS 32

struct cjob {
    struct rng_lite g;
    double saved;           /* minutes of work behind a checkpoint */
    double seg;             /* work in the segment being attempted */
    evq_id next;            /* segment end or restart end */
    evq_id fail;
};

struct ckptjob {
    double work, delta, restart, mtbf;      /* minutes */
    double taus[MAX_TAUS];
    double tw[MAX_TAUS];                    /* Daly's expected wall time at each */
    size_t ntaus;
    uint32_t jobs;
    double tol, tol_floor, lo, hi;
    struct cjob *j;                         /* ntaus * jobs, owned */
    double sum[MAX_TAUS], sumsq[MAX_TAUS];
    uint32_t done[MAX_TAUS];
    unsigned k_seg, k_fail, k_restart;
};

static sim_time minutes(double m)
{
    return sim_time_from_sec(60.0 * m);
}

static double exp_draw(struct rng_lite *g, double mean)
{
    return -mean * log1p(-rng_lite_uniform(g));
}

static double tau_of(const struct ckptjob *c, uint32_t id)
{
    return c->taus[id / c->jobs];
}

static void start_segment(struct ckptjob *c, struct engine *e, uint32_t id)
{
    struct cjob *j = &c->j[id];

    j->seg = fmin(tau_of(c, id), c->work - j->saved);
    j->next = eng_after(e, minutes(j->seg + c->delta), c->k_seg, id);
}

static void on_seg(struct engine *e, const struct evq_event *ev, void *model)
{
    struct ckptjob *c = model;
    struct cjob *j = &c->j[ev->subject];

    j->saved += j->seg;
    /* A relative epsilon absorbs the rounding of fmin(tau, rest). */
    if (j->saved >= c->work * (1.0 - 1e-12)) {
        size_t t = ev->subject / c->jobs;
        double done = sim_time_to_sec(eng_now(e)) / 60.0;
        eng_cancel(e, j->fail);
        c->sum[t] += done;
        c->sumsq[t] += done * done;
        c->done[t]++;
        return;
    }
    start_segment(c, e, ev->subject);
}

static void on_fail(struct engine *e, const struct evq_event *ev, void *model)
{
    struct ckptjob *c = model;
    struct cjob *j = &c->j[ev->subject];

    eng_cancel(e, j->next);     /* the segment or the restart in progress */
    j->next = eng_after(e, minutes(c->restart), c->k_restart, ev->subject);
    j->fail = eng_after(e, minutes(exp_draw(&j->g, c->mtbf)), c->k_fail,
                        ev->subject);
}

static void on_restart(struct engine *e, const struct evq_event *ev, void *model)
{
    start_segment(model, e, ev->subject);
}

static const struct param_def ckptjob_defs[] = {
    { "ckptjob.work", PT_TIME, "min", "10000min", 0, -1, NULL, "solve time T_s of the job" },
    { "ckptjob.delta", PT_TIME, "min", "5min", 0, -1, NULL, "checkpoint write time delta" },
    { "ckptjob.restart", PT_TIME, "min", "10min", 0, -1, NULL, "restart time R after a failure" },
    { "ckptjob.mtbf", PT_TIME, "min", "1440min", 0, -1, NULL, "machine MTBF M (exponential)" },
    { "ckptjob.taus", PT_STRING, "min", "60,100,116.69,120,150,200", 0, -1, NULL,
      "checkpoint intervals to simulate (minutes, comma-separated; 'daly' and 'young' name the formulas)" },
    { "ckptjob.jobs", PT_INT, "1", "20000", 2, 1e7, NULL, "replications per interval" },
    { "ckptjob.tol", PT_REAL, "1", "0.01", 0, 1, NULL,
      "relative tolerance on mean completion time: the ceiling (REPRODUCTIONS.md's 1%)" },
    { "ckptjob.tol-floor", PT_REAL, "1", "0.001", 0, 1, NULL,
      "relative tolerance floor; a row's tolerance is max(3 x its 95% CI, this), capped by ckptjob.tol" },
    { "ckptjob.argmin-lo", PT_TIME, "min", "0min", 0, -1, NULL,
      "empirical argmin must be >= this (0: Daly tau* x 100 / 116.69, the spec's band scaled)" },
    { "ckptjob.argmin-hi", PT_TIME, "min", "0min", 0, -1, NULL,
      "empirical argmin must be <= this (0: Daly tau* x 135 / 116.69, the spec's band scaled)" },
};

static void ckptjob_register(struct param_registry *reg)
{
    preg_add(reg, ckptjob_defs, sizeof ckptjob_defs / sizeof ckptjob_defs[0]);
}

static void ckptjob_free(void *state)
{
    struct ckptjob *c = state;

    if (c)
        free(c->j);
    free(c);
}

static double tmin(const struct scn_run *run, const char *key)
{
    return sim_time_to_sec(scn_time(run, key)) / 60.0;
}

static int parse_taus(struct ckptjob *c, const char *text,
                      const struct srcloc *at, struct diag *d)
{
    char buf[512], *save = NULL;

    snprintf(buf, sizeof buf, "%s", text);
    for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        double v;

        if (c->ntaus == MAX_TAUS)
            return diag_error(d, at, "ckptjob.taus: at most %d intervals", MAX_TAUS);
        if (strcmp(tok, "daly") == 0)
            v = ckpt_daly(c->delta, c->mtbf);
        else if (strcmp(tok, "young") == 0)
            v = ckpt_young(c->delta, c->mtbf);
        else {
            if (!param_parse_real(tok, &v) || !(v > 0.0))
                return diag_error(d, at, "ckptjob.taus: expected intervals in minutes (> 0), "
                                  "'young' or 'daly', got '%s'", tok);
        }
        c->taus[c->ntaus++] = v;
    }
    if (!c->ntaus)
        return diag_error(d, at, "ckptjob.taus: no checkpoint interval given");
    return SIM_OK;
}

static void *ckptjob_setup(struct engine *e, const struct scn_run *run,
                           struct diag *d)
{
    struct ckptjob *c = calloc(1, sizeof *c);
    uint64_t seed = rng_hash(scn_run_seed(run), scn_run_seed_set(run), "ckptjob.failures");

    if (!c)
        SIM_OOM("ckptjob: out of memory");
    c->work = tmin(run, "ckptjob.work");
    c->delta = tmin(run, "ckptjob.delta");
    c->restart = tmin(run, "ckptjob.restart");
    c->mtbf = tmin(run, "ckptjob.mtbf");
    c->jobs = (uint32_t)scn_int(run, "ckptjob.jobs");
    c->tol = scn_real(run, "ckptjob.tol");
    c->tol_floor = scn_real(run, "ckptjob.tol-floor");
    c->lo = tmin(run, "ckptjob.argmin-lo");
    c->hi = tmin(run, "ckptjob.argmin-hi");
    if (!(c->work > 0.0))
        scn_error(d, run, "ckptjob.work", "work must be > 0, got %g min", c->work);
    if (!(c->mtbf > 0.0))
        scn_error(d, run, "ckptjob.mtbf", "MTBF must be > 0, got %g min", c->mtbf);
    /* 0 would put the Young/Daly optimum at 0: checkpoints without end */
    if (!(c->delta > 0.0))
        scn_error(d, run, "ckptjob.delta", "checkpoint cost must be > 0, got %g min", c->delta);
    if (!(c->restart >= 0.0))
        scn_error(d, run, "ckptjob.restart", "restart cost must be >= 0, got %g min", c->restart);
    if (d->nerrors == 0)
        parse_taus(c, scn_str(run, "ckptjob.taus"), scn_where(run, "ckptjob.taus"), d);
    /* REPRODUCTIONS.md's [100, 135] min is for its tau* = 116.69 min: by
     * default the band is that one scaled to this scenario's tau*, so
     * other parameters are judged by their own optimum */
    if (d->nerrors == 0 && c->lo == 0.0)
        c->lo = ckpt_daly(c->delta, c->mtbf) * 100.0 / 116.69;
    if (d->nerrors == 0 && c->hi == 0.0)
        c->hi = ckpt_daly(c->delta, c->mtbf) * 135.0 / 116.69;
    if (d->nerrors == 0 && !(c->lo <= c->hi))
        scn_error(d, run, "ckptjob.argmin-hi", "argmin band [%g, %g] min is empty", c->lo, c->hi);
    /* Job ids are 32-bit: more than that would wrap. */
    if (d->nerrors == 0 && (uint64_t)c->ntaus * c->jobs > UINT32_MAX)
        scn_error(d, run, "ckptjob.jobs", "%zu intervals x %u jobs is more than %u jobs",
                  c->ntaus, c->jobs, UINT32_MAX);
    if (d->nerrors) {
        ckptjob_free(c);
        return NULL;
    }
    c->j = calloc((size_t)c->ntaus * c->jobs, sizeof *c->j);
    if (!c->j) {
        scn_error(d, run, "ckptjob.jobs", "cannot allocate %zu intervals x %u jobs: out of memory",
                  c->ntaus, c->jobs);
        ckptjob_free(c);
        return NULL;
    }
    c->k_seg = eng_kind(e, "ckptjob.segment", on_seg, c);
    c->k_fail = eng_kind(e, "ckptjob.failure", on_fail, c);
    c->k_restart = eng_kind(e, "ckptjob.restart", on_restart, c);
    for (size_t t = 0; t < c->ntaus; t++)
        c->tw[t] = ckpt_segments_wall(c->taus[t], c->delta, c->restart, c->mtbf, c->work);
    for (uint32_t id = 0; id < c->ntaus * c->jobs; id++) {
        struct cjob *j = &c->j[id];

        /* Jobs expected to need longer than the run are not simulated:
         * most could not finish, so the row fails anyway (finish says
         * why), and at a tiny MTBF they would fail every few minutes of
         * a year-long horizon (a 1-minute MTBF ran for minutes on end). */
        if (c->tw[id / c->jobs] > sim_time_to_sec(eng_end(e)) / 60.0)
            continue;
        rng_lite_init(&j->g, seed, id % c->jobs);   /* same stream at every tau */
        j->fail = eng_at(e, minutes(exp_draw(&j->g, c->mtbf)), c->k_fail, id);
        start_segment(c, e, id);
    }
    return c;
}

static int ckptjob_finish(struct engine *e, void *state)
{
    struct ckptjob *c = state;
    size_t best = 0;
    double best_mean = NAN;     /* the least mean completion time so far */
    bool ok = true, distinct = false;
    char name[160];

    for (size_t t = 0; t < c->ntaus; t++) {
        double n = c->done[t], mean = c->sum[t] / n;
        double var = (c->sumsq[t] - n * mean * mean) / (n - 1.0);
        double tw = c->tw[t], end = sim_time_to_sec(eng_end(e)) / 60.0;
        double ci = 1.96 * sqrt(var / n), tol;

        if (tw > end)
            eng_fail(e, "ckptjob.finished", "jobs at tau %g need %g min on average, more than "
                     "sim.horizon (%g min): not simulated", c->taus[t], tw, end);
        else if (c->done[t] < c->jobs)
            eng_fail(e, "ckptjob.finished", "%u of %u jobs at tau %g did not finish by the horizon",
                     c->jobs - c->done[t], c->jobs, c->taus[t]);
        snprintf(name, sizeof name, "T3 Daly T_w(tau=%.5g) M=%g d=%g", c->taus[t],
                 c->mtbf, c->delta);
        /* The expected value is Daly's T_w summed over the job's whole
         * segments (the last one shorter when tau does not divide T_s);
         * his T_s / tau form is off by up to 0.4% then (tau 200 of
         * T_s 300 min), more than this gate allows.
         * The spec's flat 1% could not catch a model error: dropping the
         * restart cost R moves T_w by only 0.69% here, while the 95% CI
         * of 20,000 (even 3,000) replications is below 0.15%. The sum
         * is exact for this model (exponential failures, interruptible
         * restart), so the gate is statistical: 3 CIs (about 6 standard
         * errors, which a correct model never reaches by chance), but no
         * tighter than the floor (time is kept in whole microseconds and
         * a huge run should not trip on that) and never looser than 1%. */
        tol = fmin(c->tol, fmax(3.0 * ci / tw, c->tol_floor));
        ok &= repro_target(e, name, tw, mean, ci, REPRO_REL, tol, 0.0);
        if (c->done[t] > 0 && !(mean >= best_mean)) {
            best = t;
            best_mean = mean;
        }
        distinct |= tw != c->tw[0];
    }
    /* Intervals no shorter than the work all give the same wall time (no
     * checkpoint is ever taken): with nothing to choose between, the
     * argmin is the first of a tie, and no row of it is shown. */
    if (c->ntaus > 1 && distinct) {
        snprintf(name, sizeof name, "T3 argmin tau (Daly tau* expected) M=%g d=%g",
                 c->mtbf, c->delta);
        ok &= repro_target(e, name, ckpt_daly(c->delta, c->mtbf),
                           isnan(best_mean) ? (double)NAN : c->taus[best], NAN, REPRO_RANGE,
                           c->lo, c->hi);
    }
    return ok && !eng_failed(e) ? SIM_OK : SIM_ECHECK;
}

const struct sim_model repro_ckptjob_model = {
    "ckptjob", "one checkpointing job under exponential failures (reproduce T3)",
    ckptjob_register, ckptjob_setup, ckptjob_finish, ckptjob_free,
};
