/* models/repro_llama.c -- T4: the Llama 3 405B interruption process.
 *
 * 2,048 hosts x 8 H100 fail independently (exponential) at the per-GPU
 * rate implied by 419 unexpected interruptions in 54 days on 16,384 GPUs,
 * each failure's cause drawn in proportion to the Table 5 counts; planned
 * maintenance is a cluster-wide Poisson process (47 in 54 days). One
 * gang-scheduled job spans every GPU, so any failure interrupts it: it
 * loses the work since its last checkpoint (Daly interval from the job's
 * MTBF) and pays a restart; a planned maintenance is preceded by a
 * checkpoint, so it costs only the restart. 'reps' independent clusters
 * run side by side (subject = rep * hosts + host) for the 95% CIs.
 *
 * The table's "GPU" percentages as printed sum to 58.7 %, but its counts
 * give 268/419 = 64.0 % (148/419 is 35.3 %, not the printed 30.1 %).
 * Following REPRODUCTIONS.md we simulate with the counts, so the expected
 * share is computed from the counts; the gap to the printed 58.7 % is a
 * property of the paper's table, not of the simulation.
 */
#include "models/reproduce.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include "models/checkpoint.h"
#include "sim/engine.h"
#include "sim/param.h"
#include "sim/scenario.h"

struct cause {
    const char *component, *category;
    unsigned count;
};

/* Llama 3 paper, Table 5 (counts; see CALIBRATION.md 3.2 for status). */
static const struct cause causes[] = {
    { "Faulty GPU", "GPU", 148 },
    { "GPU HBM3 memory", "GPU", 72 },
    { "Software bug", "Dependency", 54 },
    { "Network switch/cable", "Network", 35 },
    { "Host maintenance", "Unplanned maintenance", 32 },
    { "GPU SRAM memory", "GPU", 19 },
    { "GPU system processor", "GPU", 17 },
    { "NIC", "Host", 7 },
    { "NCCL watchdog timeouts", "Unknown", 7 },
    { "Silent data corruption", "GPU", 6 },
    { "GPU thermal interface + sensor", "GPU", 6 },
    { "SSD", "Host", 3 },
    { "Power supply", "Host", 3 },
    { "Server chassis", "Host", 2 },
    { "IO expansion board", "Host", 2 },
    { "Dependency", "Dependency", 2 },
    { "CPU", "Host", 2 },
    { "System memory", "Host", 2 },
};
#define NCAUSES (sizeof causes / sizeof causes[0])
#define HBM3 1

struct rep {
    sim_time seg_start;     /* when computing (re)started; valid if !restarting */
    bool restarting;
    evq_id restart;
    double useful_h;        /* work kept */
    unsigned unexpected, gpu, hbm3;
};

struct llama {
    uint32_t hosts, gpus, reps;
    double days, unexpected, planned;
    double host_mtbf_h, job_mtbf_h, planned_mean_h;
    double delta_h, restart_h, tau_h;
    double tol_share_gpu, tol_share_hbm, tol_mtbi, tol_eff, claim;
    gsl_ran_discrete_t *pick;   /* owned */
    gsl_rng *rng;
    struct rep *r;              /* owned */
    unsigned k_fail, k_maint, k_restart;
};

static void interrupt(struct llama *l, struct engine *e, uint32_t rep, bool planned)
{
    struct rep *r = &l->r[rep];

    if (r->restarting) {        /* interrupted again: the restart starts over */
        eng_cancel(e, r->restart);
    } else {
        struct ckpt_state cs;
        ckpt_at_wall(l->tau_h, l->delta_h,
                     sim_time_to_hours(eng_now(e) - r->seg_start), &cs);
        /* Planned: a checkpoint is written just before, nothing is lost. */
        r->useful_h += cs.saved + (planned ? cs.unsaved : 0.0);
    }
    r->restarting = true;
    r->restart = eng_after(e, sim_time_from_hours(l->restart_h), l->k_restart, rep);
}

static void on_fail(struct engine *e, const struct evq_event *ev, void *model)
{
    struct llama *l = model;
    uint32_t rep = ev->subject / l->hosts;
    struct rep *r = &l->r[rep];
    size_t c = gsl_ran_discrete(l->rng, l->pick);

    r->unexpected++;
    r->gpu += strcmp(causes[c].category, "GPU") == 0;
    r->hbm3 += c == HBM3;
    interrupt(l, e, rep, false);
    /* The host is swapped for a spare: its slot fails again later. */
    eng_after(e, sim_time_from_hours(gsl_ran_exponential(l->rng, l->host_mtbf_h)),
              l->k_fail, ev->subject);
}

static void on_maint(struct engine *e, const struct evq_event *ev, void *model)
{
    struct llama *l = model;

    interrupt(l, e, ev->subject, true);
    eng_after(e, sim_time_from_hours(gsl_ran_exponential(l->rng, l->planned_mean_h)),
              l->k_maint, ev->subject);
}

static void on_restart(struct engine *e, const struct evq_event *ev, void *model)
{
    struct llama *l = model;
    struct rep *r = &l->r[ev->subject];

    r->restarting = false;
    r->seg_start = eng_now(e);
}

static const struct param_def llama_defs[] = {
    { "llama.hosts", PT_INT, "1", "2048", 1, 1e6, NULL, "hosts in the cluster" },
    { "llama.gpus-per-host", PT_INT, "1", "8", 1, 64, NULL, "GPUs per host" },
    { "llama.days", PT_REAL, "d", "54", 0, -1, NULL, "observation window (set sim.horizon to match)" },
    { "llama.unexpected", PT_REAL, "1", "419", 0, 1e5, NULL,
      "unexpected interruptions in the window (sets the per-GPU rate; causes split by Table 5)" },
    { "llama.planned", PT_REAL, "1", "47", 0, 1e5, NULL, "planned maintenances in the window" },
    { "llama.ckpt-cost", PT_TIME, "min", "20s", 0, -1, NULL, "checkpoint write time delta" },
    { "llama.restart", PT_TIME, "min", "5min", 0, -1, NULL, "restart time after an interruption" },
    { "llama.reps", PT_INT, "1", "100", 2, 1e4, NULL, "independent clusters simulated" },
    { "llama.tol-mtbi", PT_PROB, "1", "0.097", 0, 1, NULL,
      "relative tolerance on the mean time between interruptions (the spec's 0.3 h at 3.09 h)" },
    { "llama.tol-gpu-share", PT_PROB, "1", "0.05", 0, 1, NULL, "tolerance on the GPU-category share" },
    { "llama.tol-hbm3-share", PT_PROB, "1", "0.04", 0, 1, NULL, "tolerance on the HBM3 share" },
    { "llama.tol-effective", PT_PROB, "1", "0.01", 0, 1, NULL, "tolerance on effective training time vs Daly" },
    { "llama.effective-claim", PT_PROB, "1", "0.90", 0, 1, NULL, "published lower bound on effective training time" },
};

static void llama_register(struct param_registry *reg)
{
    preg_add(reg, llama_defs, sizeof llama_defs / sizeof llama_defs[0]);
}

static void llama_free(void *state)
{
    struct llama *l = state;

    if (l) {
        gsl_ran_discrete_free(l->pick);
        free(l->r);
    }
    free(l);
}

static void *llama_setup(struct engine *e, const struct scn_run *run, struct diag *d)
{
    struct llama *l = calloc(1, sizeof *l);
    double w[NCAUSES], gpus;

    if (!l)

        SIM_OOM("llama: out of memory");
    l->hosts = (uint32_t)scn_int(run, "llama.hosts");
    l->gpus = (uint32_t)scn_int(run, "llama.gpus-per-host");
    l->reps = (uint32_t)scn_int(run, "llama.reps");
    l->days = scn_real(run, "llama.days");
    l->unexpected = scn_real(run, "llama.unexpected");
    l->planned = scn_real(run, "llama.planned");
    l->delta_h = sim_time_to_hours(scn_time(run, "llama.ckpt-cost"));
    l->restart_h = sim_time_to_hours(scn_time(run, "llama.restart"));
    l->tol_mtbi = scn_real(run, "llama.tol-mtbi");
    l->tol_share_gpu = scn_real(run, "llama.tol-gpu-share");
    l->tol_share_hbm = scn_real(run, "llama.tol-hbm3-share");
    l->tol_eff = scn_real(run, "llama.tol-effective");
    l->claim = scn_real(run, "llama.effective-claim");
    if (!(l->days > 0.0))
        scn_error(d, run, "llama.days", "window must be > 0 days, got %g", l->days);
    if (!(l->unexpected > 0.0))
        scn_error(d, run, "llama.unexpected", "interruptions must be > 0, got %g", l->unexpected);
    /* 0 would put the Young/Daly interval at 0: checkpoints without end */
    if (!(l->delta_h > 0.0))
        scn_error(d, run, "llama.ckpt-cost", "checkpoint cost must be > 0, got %g h",
                  l->delta_h);
    if ((uint64_t)l->hosts * l->reps > UINT32_MAX)
        scn_error(d, run, "llama.reps", "hosts x reps too large (%u x %u, at most 2^32 - 1)",
                  (unsigned)l->hosts, (unsigned)l->reps);
    if (d->nerrors) {
        llama_free(l);
        return NULL;
    }
    gpus = (double)l->hosts * l->gpus;
    /* Per-GPU rate lambda_g = unexpected / (GPUs days); a host fails at
     * gpus-per-host times that, and the job at GPUs times that. */
    l->host_mtbf_h = 24.0 * l->days * gpus / (l->unexpected * l->gpus);
    l->job_mtbf_h = 24.0 * l->days / l->unexpected;
    l->planned_mean_h = l->planned > 0.0 ? 24.0 * l->days / l->planned : (double)INFINITY;
    l->tau_h = ckpt_interval(CKPT_DALY, 0.0, l->delta_h, l->job_mtbf_h);
    for (size_t i = 0; i < NCAUSES; i++)
        w[i] = causes[i].count;
    l->pick = gsl_ran_discrete_preproc(NCAUSES, w);
    l->r = calloc(l->reps, sizeof *l->r);
    if (!l->pick || !l->r) {
        scn_error(d, run, "llama.reps", "cannot allocate %u replications: out of memory", l->reps);
        llama_free(l);
        return NULL;
    }
    l->rng = eng_rng(e, "llama.failures");
    l->k_fail = eng_kind(e, "llama.failure", on_fail, l);
    l->k_maint = eng_kind(e, "llama.maintenance", on_maint, l);
    l->k_restart = eng_kind(e, "llama.restart", on_restart, l);
    for (uint32_t i = 0; i < l->hosts * l->reps; i++)
        eng_at(e, sim_time_from_hours(gsl_ran_exponential(l->rng, l->host_mtbf_h)),
               l->k_fail, i);
    if (l->planned > 0.0)
        for (uint32_t i = 0; i < l->reps; i++)
            eng_at(e, sim_time_from_hours(gsl_ran_exponential(l->rng, l->planned_mean_h)),
                   l->k_maint, i);
    return l;
}

struct acc { double s, ss, n; };

static void acc_add(struct acc *a, double x)
{
    a->s += x;
    a->ss += x * x;
    a->n++;
}
static double acc_mean(const struct acc *a) { return a->s / a->n; }
static double acc_ci(const struct acc *a)
{
    return repro_ci95(a->n, a->s, a->ss);
}

/* The long-run share of wall time that is kept work, exact for this
 * model (renewal-reward). Failures (rate 1/M) and planned stops (rate
 * lambda_p = planned / window) are independent Poisson processes, total
 * rate L. A compute epoch starts after a restart and lasts X ~ Exp(L);
 * with the period p = tau + delta, X = n p + r keeps n tau, and a planned
 * stop also keeps min(r, tau) (a checkpoint written just before; during a
 * write the whole segment is kept). Then a restart R that any interruption
 * starts over lasts (e^{LR} - 1) / L on average. So
 *   eff = L e^{-LR} (tau E[n] + (lambda_p / L) E[min(r, tau)]),
 *   E[n] = q / (1 - q), q = e^{-Lp},
 *   E[min(r, tau)] = ((1 - e^{-L tau}(1 + L tau)) / L + tau (e^{-L tau} - q)) / (1 - q).
 * Without planned stops it is 1 / Daly's T_w per unit of work. It used to
 * be (1 - planned R / window) / T_w, which misses that a planned stop
 * saves the unsaved work for free, ends the segment and that restarts are
 * interrupted too: 0.798 against the exact (and simulated) 0.810 at 2,000
 * planned stops, a correct run failing its +-0.01. */
static double effective_expected(const struct llama *l)
{
    double window_h = 24.0 * l->days, lf = 1.0 / l->job_mtbf_h;
    double lp = l->planned / window_h, lt = lf + lp, tau = l->tau_h;
    double q = exp(-lt * (tau + l->delta_h)), en = q / -expm1(-lt * (tau + l->delta_h));
    double emin = ((-expm1(-lt * tau) - lt * tau * exp(-lt * tau)) / lt
                   + tau * (exp(-lt * tau) - q)) / -expm1(-lt * (tau + l->delta_h));

    return lt * exp(-lt * l->restart_h) * (tau * en + lp / lt * emin);
}

static int llama_finish(struct engine *e, void *state)
{
    struct llama *l = state;
    double window_h = sim_time_to_hours(eng_now(e));
    double tot = 0.0, gpu = 0.0, hbm = 0.0, exp_gpu = 0.0, exp_hbm, eff_exp;
    struct acc count = { 0 }, eff = { 0 }, sgpu = { 0 }, shbm = { 0 };
    double lo95 = l->unexpected - 1.96 * sqrt(l->unexpected);
    double hi95 = l->unexpected + 1.96 * sqrt(l->unexpected);
    double inside = 0.0, p_in, sd_in, disp, df, cnt_mean, cnt_var;
    unsigned all = 0;
    char name[160];
    bool ok = true;

    if (fabs(window_h - 24.0 * l->days) > 1e-6)
        eng_fail(e, "llama.window", "sim.horizon (%g h) must equal llama.days (%g h)",
                 window_h, 24.0 * l->days);
    for (uint32_t i = 0; i < l->reps; i++) {
        struct rep *r = &l->r[i];
        if (!r->restarting) {   /* work in progress at the end is not lost */
            struct ckpt_state cs;
            ckpt_at_wall(l->tau_h, l->delta_h,
                         sim_time_to_hours(eng_now(e) - r->seg_start), &cs);
            r->useful_h += cs.saved + cs.unsaved;
        }
        acc_add(&count, r->unexpected);
        inside += r->unexpected >= lo95 && r->unexpected <= hi95;
        acc_add(&eff, r->useful_h / window_h);
        if (r->unexpected) {
            acc_add(&sgpu, (double)r->gpu / r->unexpected);
            acc_add(&shbm, (double)r->hbm3 / r->unexpected);
        }
        tot += r->unexpected;
        gpu += r->gpu;
        hbm += r->hbm3;
    }
    for (size_t c = 0; c < NCAUSES; c++) {
        all += causes[c].count;
        if (strcmp(causes[c].category, "GPU") == 0)
            exp_gpu += causes[c].count;
    }
    exp_gpu /= all;
    exp_hbm = (double)causes[HBM3].count / all;
    eff_exp = effective_expected(l);

    /* The spec's "419, Poisson, 95% interval 379-459" is about one run.
     * Comparing the mean of 'reps' runs with that single-run interval
     * could not fail, so the interval is checked on the spread across
     * runs: the share of runs inside it must match the exact Poisson
     * probability within 3 binomial standard errors (at 200 runs that is
     * about 90-99.6%), and the dispersion index var/mean must be 1 within
     * the 99% chi-square band of a Poisson sample ((n-1) D ~ chi2(n-1)).
     * A count that is too regular (D << 1) or clustered (D >> 1) fails. */
    cnt_mean = acc_mean(&count);
    cnt_var = (count.ss - count.n * cnt_mean * cnt_mean) / (count.n - 1.0);
    disp = cnt_var / cnt_mean;
    df = count.n - 1.0;
    /* P(lo95 <= N <= hi95); below 4 expected the interval starts below 0 */
    p_in = gsl_cdf_poisson_P((unsigned)floor(hi95), l->unexpected)
           - (lo95 > 0.0 ? gsl_cdf_poisson_P((unsigned)ceil(lo95) - 1u, l->unexpected) : 0.0);
    sd_in = sqrt(p_in * (1.0 - p_in) / count.n);
    snprintf(name, sizeof name, "T4 share of runs with %g +- 1.96 sqrt(%g) interruptions",
             l->unexpected, l->unexpected);
    ok &= repro_target(e, name, p_in, inside / count.n, NAN, REPRO_RANGE,
                       p_in - 3.0 * sd_in, fmin(1.0, p_in + 3.0 * sd_in));
    if (cnt_mean > 0.0)         /* no interruptions at all: nothing to disperse */
        ok &= repro_target(e, "T4 dispersion index var/mean of interruptions (Poisson: 1)",
                           1.0, disp, NAN, REPRO_RANGE, gsl_cdf_chisq_Pinv(0.005, df) / df,
                           gsl_cdf_chisq_Pinv(0.995, df) / df);
    /* The next rows' expected values are the model's own inputs (the rate
     * is set from 419 in 54 days, causes are drawn with the Table 5
     * counts), so they check the sampling, not the paper; the row text
     * says so. The mean count gets 3 standard errors of a mean of 'reps'
     * Poisson counts, not the single-run interval. */
    snprintf(name, sizeof name, "T4 mean interruptions in %g d (consistency: input rate)", l->days);
    ok &= repro_target(e, name, l->unexpected, cnt_mean, acc_ci(&count),
                       REPRO_ABS, 3.0 * sqrt(l->unexpected / count.n), 0.0);
    /* Relative, as the spec's 0.3 h is to its 3.09 h: a fixed 0.3 h
     * failed a correct model at other rates (MTBI 32 h at 40 interruptions
     * has a standard error of 0.36 h over 200 runs). The CI (the count's
     * Poisson error, carried to its reciprocal) marks a row too imprecise
     * to judge. */
    snprintf(name, sizeof name, "T4 mean time between interruptions, h (consistency: input rate)");
    ok &= repro_target(e, name, l->job_mtbf_h, window_h * l->reps / tot,
                       tot > 0 ? 1.96 * window_h * l->reps / tot / sqrt(tot) : (double)NAN,
                       REPRO_REL, l->tol_mtbi, 0.0);
    /* REPRODUCTIONS.md's [F] GPU share is 58.7% (the table's printed
     * percentages); the Table 5 counts we draw from give 268/419 = 64.0%,
     * 5.3 pp away, outside its +-5 pp. This row checks the draw against the
     * counts and says in its text that it is not the printed 58.7%. */
    snprintf(name, sizeof name, "T4 GPU share vs Table 5 counts %.1f%% (not the printed 58.7%%)",
             100.0 * exp_gpu);
    ok &= repro_target(e, name, exp_gpu,
                       gpu / tot, acc_ci(&sgpu), REPRO_ABS, l->tol_share_gpu, 0.0);
    snprintf(name, sizeof name, "T4 HBM3 share vs Table 5 count (consistency; paper 17.2%%)");
    ok &= repro_target(e, name, exp_hbm, hbm / tot, acc_ci(&shbm),
                       REPRO_ABS, l->tol_share_hbm, 0.0);
    snprintf(name, sizeof name, "T4 effective training time (Daly tau=%.3g min)",
             60.0 * l->tau_h);
    ok &= repro_target(e, name, eff_exp, acc_mean(&eff), acc_ci(&eff),
                       REPRO_ABS, l->tol_eff, 0.0);
    ok &= repro_target(e, "T4 effective training time > claim (paper: > 90%)",
                       l->claim, acc_mean(&eff), acc_ci(&eff), REPRO_MIN, l->claim, 0.0);
    return ok && !eng_failed(e) ? SIM_OK : SIM_ECHECK;
}

const struct sim_model repro_llama_model = {
    "llama", "Llama 3 cluster interruptions and a checkpointing gang job (reproduce T4)",
    llama_register, llama_setup, llama_finish, llama_free,
};
