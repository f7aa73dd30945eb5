/* models/repro_bathtub.c -- T7: bathtub-shaped preemptions of transient VMs
 * (Kadupitiya, Jadhao, Sharma, HPDC 2020).
 *
 * A pool of preemptible VMs is a renewal process: each VM lives a time
 * drawn from a mixture of an infant-mortality Weibull (k < 1) and a
 * wear-out Weibull (k > 1), cut at the 24 h lifetime cap, and is replaced
 * when preempted. At regular probes after the warm-up a job of length L is
 * placed by two policies:
 *   - memoryless: any VM (so at a random age, whose density is S(a)/E[T]);
 *   - bathtub-aware: only VMs aged in [safe-age, cap - L], past infant
 *     mortality and far enough from the cap.
 * The job fails if its VM dies before it ends; the VM's death time is
 * already drawn, so a probe needs no events of its own.
 *
 * Closed forms (S the survival function, 0 past the cap, A = [a0, cap-L]):
 *   P_mem   = int_0^L S / E[T]
 *   P_aware = int_A (S(a) - S(a+L)) da / int_A S(a) da
 *   E[attempt] = int_A int_0^L S(a+x) dx da / int_A S(a) da
 * and a job retried on fresh aware placements pays E[attempt] / (1 -
 * P_aware) preemptible hours per success, so the on-demand / preemptible
 * cost ratio is L / (price_ratio E[attempt] / (1 - P_aware)).
 */
#include "models/reproduce.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include "sim/engine.h"
#include "sim/param.h"
#include "sim/scenario.h"

#define NBATCH 20

struct vm {
    sim_time born, dies;
};

struct bathtub {
    uint32_t n;
    double cap, w1, k1, s1, k2, s2, job, safe, price_ratio;   /* hours */
    uint32_t probes;
    double min_ratio, tol_p, tol_p_rel, tol_cost, max_overhead;
    struct vm *vm;          /* owned */
    gsl_rng *life, *pick;
    unsigned k_die;
    sim_time first, end;    /* first probe and end of run, for the blocks */
    /* per batch: placements and failures by policy, attempt hours */
    double mem_n[NBATCH], mem_f[NBATCH], aw_n[NBATCH], aw_f[NBATCH], aw_t[NBATCH];
};

/* For the closed forms only. At t = cap itself it is the left limit: the
 * integrals of S(a + L) over the aware window, and of S over [0, cap],
 * end exactly at the cap, where S drops to 0; with 0 there Simpson's rule
 * put an error of h/3 x S(cap-) in them (P_aware 0.0178 for 0.0176 with
 * 'wear-scale = 100h', job 6 h). */
static double survival(const struct bathtub *b, double t)
{
    if (t > b->cap)
        return 0.0;
    return b->w1 * exp(-pow(t / b->s1, b->k1))
           + (1.0 - b->w1) * exp(-pow(t / b->s2, b->k2));
}

static double lifetime(struct bathtub *b)
{
    double t = gsl_rng_uniform(b->life) < b->w1
               ? gsl_ran_weibull(b->life, b->s1, b->k1)
               : gsl_ran_weibull(b->life, b->s2, b->k2);
    return fmin(t, b->cap);
}

static void spawn(struct bathtub *b, struct engine *e, uint32_t i)
{
    b->vm[i].born = eng_now(e);
    b->vm[i].dies = eng_now(e) + sim_time_from_hours(lifetime(b));
    eng_at(e, b->vm[i].dies, b->k_die, i);
}

static void on_die(struct engine *e, const struct evq_event *ev, void *model)
{
    spawn(model, e, ev->subject);
}

static void probe(struct engine *e, void *ctx)
{
    struct bathtub *b = ctx;
    sim_time now = eng_now(e), L = sim_time_from_hours(b->job);
    bool aware = true;

    /* Batch k is the k-th of NBATCH consecutive, equal stretches of time.
     * Batches used to be interleaved (probe number mod NBATCH), so every
     * batch saw the same pool states and their means were not independent:
     * the batch-means CI came out too narrow. */
    unsigned k = (unsigned)((double)(now - b->first) * NBATCH
                            / (double)(b->end - b->first + 1));

    if (k >= NBATCH)
        k = NBATCH - 1;
    for (uint32_t p = 0; p < b->probes; p++) {
        const struct vm *v = &b->vm[gsl_rng_uniform_int(b->pick, b->n)];
        uint32_t tries = 0;

        b->mem_n[k]++;
        b->mem_f[k] += v->dies < now + L;
        /* Aware: rejection-sample a VM in the safe age window. When 64 n
         * draws find none, the pool has none in it at this probe (the
         * ages do not change within it), and the other placements of
         * the probe would draw 64 n in vain each: a pool whose VMs never
         * reach the safe age spent minutes per simulated day. */
        if (!aware)
            continue;
        for (; tries < 64u * b->n; tries++) {
            double age;
            v = &b->vm[gsl_rng_uniform_int(b->pick, b->n)];
            age = sim_time_to_hours(now - v->born);
            if (age >= b->safe && age <= b->cap - b->job) {
                b->aw_n[k]++;
                b->aw_f[k] += v->dies < now + L;
                b->aw_t[k] += sim_time_to_hours((v->dies < now + L ? v->dies : now + L) - now);
                break;
            }
        }
        aware = tries < 64u * b->n;
    }
}

/* Simpson's rule with n (even) panels. */
static double integrate(const struct bathtub *b, double lo, double hi, double shift,
                        unsigned n)
{
    double h = (hi - lo) / n, s = 0.0;

    if (!(hi > lo))
        return 0.0;
    for (unsigned i = 0; i <= n; i++) {
        double w = i == 0 || i == n ? 1.0 : i % 2 ? 4.0 : 2.0;
        s += w * survival(b, lo + i * h + shift);
    }
    return s * h / 3.0;
}

struct closed { double p_mem, p_aware, attempt; };

static void closed_forms(const struct bathtub *b, struct closed *c)
{
    double lo = b->safe, hi = b->cap - b->job, mass, inner = 0.0;
    const unsigned n = 2000, m = 200;
    double h = (hi - lo) / m;

    c->p_mem = integrate(b, 0.0, b->job, 0.0, n) / integrate(b, 0.0, b->cap, 0.0, 4 * n);
    mass = integrate(b, lo, hi, 0.0, n);
    c->p_aware = (mass - integrate(b, lo, hi, b->job, n)) / mass;
    for (unsigned i = 0; i <= m; i++) {     /* outer Simpson over the age */
        double w = i == 0 || i == m ? 1.0 : i % 2 ? 4.0 : 2.0;
        inner += w * integrate(b, lo + i * h, lo + i * h + b->job, 0.0, 200);
    }
    c->attempt = inner * h / 3.0 / mass;
}

static const struct param_def bathtub_defs[] = {
    { "bathtub.vms", PT_INT, "1", "2000", 1, 1e7, NULL, "preemptible VMs in the pool" },
    { "bathtub.cap", PT_TIME, "h", "24h", 0, -1, NULL, "lifetime cap (Google: 24 h)" },
    { "bathtub.infant-weight", PT_PROB, "1", "0.35", 0, 1, NULL, "share of VMs from the infant-mortality Weibull" },
    { "bathtub.infant-shape", PT_REAL, "1", "0.5", 0, -1, NULL, "infant Weibull shape (< 1)" },
    { "bathtub.infant-scale", PT_TIME, "h", "1h", 0, -1, NULL, "infant Weibull scale" },
    { "bathtub.wear-shape", PT_REAL, "1", "30", 0, -1, NULL, "wear-out Weibull shape (> 1)" },
    { "bathtub.wear-scale", PT_TIME, "h", "23.8h", 0, -1, NULL, "wear-out Weibull scale" },
    { "bathtub.job", PT_TIME, "h", "2h", 0, -1, NULL, "job length L" },
    { "bathtub.safe-age", PT_TIME, "h", "3h", 0, -1, NULL, "aware policy: minimum VM age" },
    { "bathtub.price-ratio", PT_PROB, "1", "0.2", 0, 1, NULL, "preemptible price / on-demand price" },
    { "bathtub.probes", PT_INT, "1", "20", 1, 1e6, NULL, "placements per probe tick (every sim.sample-interval)" },
    { "bathtub.min-ratio", PT_REAL, "1", "2", 0, -1, NULL, "P(fail) ratio memoryless / aware must be at least this" },
    { "bathtub.tol-pfail", PT_PROB, "1", "0.01", 0, 1, NULL, "absolute tolerance on P(fail)" },
    { "bathtub.tol-pfail-rel", PT_REAL, "1", "0.25", 0, 1, NULL,
      "P(fail) tolerance is also at most this x the expected P(fail)" },
    { "bathtub.tol-cost", PT_REAL, "1", "1", 0, -1, NULL, "absolute tolerance on the cost ratio" },
    { "bathtub.max-overhead", PT_REAL, "1", "0.03", 0, -1, NULL,
      "preemptible overhead (paid hours / L - 1) must be below this (paper: < 3%)" },
};

static void bathtub_register(struct param_registry *reg)
{
    preg_add(reg, bathtub_defs, sizeof bathtub_defs / sizeof bathtub_defs[0]);
}

static void bathtub_free(void *state)
{
    struct bathtub *b = state;

    if (b)
        free(b->vm);
    free(b);
}

static double hours(const struct scn_run *run, const char *key)
{
    return sim_time_to_hours(scn_time(run, key));
}

static void *bathtub_setup(struct engine *e, const struct scn_run *run, struct diag *d)
{
    struct bathtub *b = calloc(1, sizeof *b);

    if (!b)

        SIM_OOM("bathtub: out of memory");
    b->n = (uint32_t)scn_int(run, "bathtub.vms");
    b->cap = hours(run, "bathtub.cap");
    b->w1 = scn_real(run, "bathtub.infant-weight");
    b->k1 = scn_real(run, "bathtub.infant-shape");
    b->s1 = hours(run, "bathtub.infant-scale");
    b->k2 = scn_real(run, "bathtub.wear-shape");
    b->s2 = hours(run, "bathtub.wear-scale");
    b->job = hours(run, "bathtub.job");
    b->safe = hours(run, "bathtub.safe-age");
    b->price_ratio = scn_real(run, "bathtub.price-ratio");
    b->probes = (uint32_t)scn_int(run, "bathtub.probes");
    b->min_ratio = scn_real(run, "bathtub.min-ratio");
    b->tol_p = scn_real(run, "bathtub.tol-pfail");
    b->tol_p_rel = scn_real(run, "bathtub.tol-pfail-rel");
    b->tol_cost = scn_real(run, "bathtub.tol-cost");
    b->max_overhead = scn_real(run, "bathtub.max-overhead");
    if (!(b->k1 > 0.0))
        scn_error(d, run, "bathtub.infant-shape", "shape must be > 0, got %g", b->k1);
    if (!(b->k2 > 0.0))
        scn_error(d, run, "bathtub.wear-shape", "shape must be > 0, got %g", b->k2);
    if (!(b->s1 > 0.0))
        scn_error(d, run, "bathtub.infant-scale", "scale must be > 0, got %g h", b->s1);
    if (!(b->s2 > 0.0))
        scn_error(d, run, "bathtub.wear-scale", "scale must be > 0, got %g h", b->s2);
    if (!(b->job > 0.0 && b->safe + b->job < b->cap))
        scn_error(d, run, "bathtub.job",
                   "need 0 < job and safe-age + job < cap, got job %g h", b->job);
    if (!(b->price_ratio > 0.0))
        scn_error(d, run, "bathtub.price-ratio", "price ratio must be > 0");
    if (d->nerrors) {
        bathtub_free(b);
        return NULL;
    }
    if (!(b->vm = calloc(b->n, sizeof *b->vm))) {
        scn_error(d, run, "bathtub.vms", "cannot allocate %u VMs: out of memory", b->n);
        bathtub_free(b);
        return NULL;
    }
    b->life = eng_rng(e, "bathtub.lifetimes");
    b->pick = eng_rng(e, "bathtub.placement");
    b->k_die = eng_kind(e, "bathtub.preempt", on_die, b);
    for (uint32_t i = 0; i < b->n; i++)
        spawn(b, e, i);
    b->first = eng_warmup(e) > 0 ? eng_warmup(e) : 1;
    b->end = eng_end(e);
    eng_every(e, b->first,
              scn_time(run, "sim.sample-interval"), probe, b);
    return b;
}

/* Pooled proportion and batch-means 95% half-width. */
static void prop(const double *num, const double *den, double *mean, double *half)
{
    double s = 0.0, ss = 0.0, tn = 0.0, td = 0.0;
    unsigned n = 0;

    for (unsigned k = 0; k < NBATCH; k++) {
        if (den[k] <= 0.0)
            continue;
        s += num[k] / den[k];
        ss += (num[k] / den[k]) * (num[k] / den[k]);
        tn += num[k];
        td += den[k];
        n++;
    }
    *mean = td > 0.0 ? tn / td : (double)NAN;
    *half = repro_ci95(n, s, ss);
}

static int bathtub_finish(struct engine *e, void *state)
{
    struct bathtub *b = state;
    struct closed c;
    double pm, pmh, pa, pah, att, atth, paid, paid_exp;
    bool ok = true;
    char name[160];

    closed_forms(b, &c);
    /* Every batch needs placements of both policies (and the aware one
     * failures or not, a finite ratio): too few probes (a long
     * sim.sample-interval, a short run) would leave rows that read as
     * numbers, and a ratio of infinity that passes ">= 2". This row says
     * how many batches hold placements, and fails unless all do. */
    {
        unsigned full = 0;

        for (unsigned k = 0; k < NBATCH; k++)
            full += b->mem_n[k] > 0.0 && b->aw_n[k] > 0.0;
        ok &= repro_target(e, "T7 batches with placements (batch means need all)", NBATCH,
                           (double)full, NAN, REPRO_MIN, NBATCH, 0.0);
    }
    prop(b->mem_f, b->mem_n, &pm, &pmh);
    prop(b->aw_f, b->aw_n, &pa, &pah);
    prop(b->aw_t, b->aw_n, &att, &atth);
    paid = att / (1.0 - pa);
    paid_exp = c.attempt / (1.0 - c.p_aware);
    /* +-0.01 suits the default table (P 0.10 and 0.042); for short jobs it
     * could not fail: at L = 0.25 h, P_aware = 0.0091, and a model whose
     * aware placements never failed passed. The band is also at most
     * tol-pfail-rel x expected (0.25: the default rows keep +-0.01). */
    snprintf(name, sizeof name, "T7 P(fail) memoryless placement, L=%gh", b->job);
    ok &= repro_target(e, name, c.p_mem, pm, pmh, REPRO_ABS,
                       fmin(b->tol_p, b->tol_p_rel * c.p_mem), 0.0);
    snprintf(name, sizeof name, "T7 P(fail) bathtub-aware (age>=%gh)", b->safe);
    ok &= repro_target(e, name, c.p_aware, pa, pah, REPRO_ABS,
                       fmin(b->tol_p, b->tol_p_rel * c.p_aware), 0.0);
    ok &= repro_target(e, "T7 P(fail) ratio memoryless/aware (paper >2x)",
                       c.p_mem / c.p_aware, pa > 0.0 ? pm / pa : (double)NAN, NAN, REPRO_MIN,
                       b->min_ratio, 0.0);     /* no aware failures: no ratio to claim */
    /* The paper's claim is an upper bound, so that is the gate (it used
     * to be +-0.01 around the closed form while its label said < 3%). */
    ok &= repro_target(e, "T7 preemptible overhead paid/L - 1 (paper: < 3%)",
                       paid_exp / b->job - 1.0, paid / b->job - 1.0, NAN,
                       REPRO_RANGE, 0.0, b->max_overhead);
    /* With the price ratio fixed at 20% [E], the cost ratio is
     * 5 / (1 + overhead): it passes 5 +- 1 for any overhead up to 25%, so
     * it adds nothing to the overhead row, and its text gives the formula. The
     * paper's ~5x is at that ratio; another ratio expects its own. */
    ok &= repro_target(e, "T7 cost ratio (1/price ratio)/(1 + overhead), paper ~5x",
                       1.0 / b->price_ratio, b->job / (b->price_ratio * paid), NAN,
                       REPRO_ABS, b->tol_cost, 0.0);
    return ok ? SIM_OK : SIM_ECHECK;
}

const struct sim_model repro_bathtub_model = {
    "bathtub", "preemptible VMs with a bathtub hazard (reproduce T7)",
    bathtub_register, bathtub_setup, bathtub_finish, bathtub_free,
};
