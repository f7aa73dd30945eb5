/* models/repro_seed.c -- seed 002's own tables (REPRODUCTIONS.md T9).
 *
 * sim.model = seedtables runs the ordinary market (market_model) in this
 * engine, then reads only its published outputs (docs/METRICS.md) and
 * compares them with the seed's figures. How each simulated number is
 * derived:
 *  - Vast (all / 97%+ / 99%+): probe archetypes named by seed.probe-* (tiny
 *    arrival rate, 1 GPU, on-demand only, sort by price, min-reliability =
 *    the filter) rent in the market; their price_paid_per_gpu_h x the job
 *    length is the cost of the job. Several probe archetypes per platform
 *    are independent replicates: mean and Student-t 95% CI across them.
 *  - RunPod Community (median): the median ask of the seed.gpu offers a
 *    renter could take at the end (offer_price_per_gpu_h of the offers
 *    with offer_free_gpus > 0) x job length; CI from order stats.
 *  - RunPod Secure: a second market run of the same scenario with
 *    market.pricing = posted and market.posted-markup = seed.secure-markup;
 *    its realised price_ondemand_mean of seed.gpu x job length.
 *  - price gap = 1 - Vast probe price / secure price (all, then 99%+).
 *  - checkpointing: lost work per host failure of the checkpointing probes
 *    (lost_work_h / failures_hit, converted from reference-GPU-hours to
 *    wall hours by the mean offer DLPerf) against half the interval.
 *  - break-even hours = street price of seed.gpu (street_price_usd, the
 *    catalogue's figure the hosts amortise) / its realised
 *    price_ondemand_mean in the marketplace run.
 *  - uptime: the market's measured uptime (fraction of machine time up
 *    after the warm-up, every kind of downtime counted): all machines,
 *    the verified machines scoring >= 0.99, and seed.secure-class.
 */
#include "models/reproduce.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "models/market.h"
#include "models/serverless.h"
#include "sim/engine.h"
#include "sim/param.h"
#include "sim/results.h"
#include "sim/scenario.h"

/* The seed's figures (seeds/002, "Real Cost Scenario: Training a LoRA
 * Model"): hourly rate x 2 h. */
#define SEED_SECURE_USD     1.18
#define SEED_COMMUNITY_USD  0.98
#define SEED_VAST99_USD     1.04
#define SEED_VAST97_USD     0.76

struct seedtab {
    const struct scn_run *run;  /* borrowed; outlives finish() */
    void *market;               /* market_model state in this engine */
    /* read at setup, as a model reads every key it uses, so validate
     * (which sets models up but never runs them) sees them read */
    double tol, markup, job_h;
};

static const struct param_def seed_defs[] = {
    { "seed.gpu", PT_STRING, "", "RTX 4090", 0, -1, NULL,
      "catalogue GPU model of the seed's cost table" },
    { "seed.job", PT_TIME, "h", "2h", 0, -1, NULL, "length of the seed's job (LoRA run)" },
    { "seed.probe-all", PT_STRING, "", "", 0, -1, NULL,
      "probe archetypes with no reliability filter (replicates)" },
    { "seed.probe-97", PT_STRING, "", "", 0, -1, NULL,
      "probe archetypes filtering reliability >= 0.97 (replicates)" },
    { "seed.probe-99", PT_STRING, "", "", 0, -1, NULL,
      "probe archetypes filtering reliability >= 0.99 (replicates)" },
    { "seed.probe-ckpt", PT_STRING, "", "", 0, -1, NULL,
      "probe archetypes checkpointing at a fixed interval" },
    { "seed.secure-markup", PT_REAL, "1", "4.1", 1, 20, NULL,
      "market.posted-markup of the RunPod Secure run" },
    { "seed.secure-class", PT_STRING, "", "datacenter", 0, -1, NULL,
      "host class standing for RunPod Secure's datacenters" },
    { "seed.tol", PT_PROB, "1", "0.15", 0, 1, NULL, "relative tolerance on the costs" },
};

static void seed_register(struct param_registry *reg)
{
    preg_add(reg, seed_defs, sizeof seed_defs / sizeof seed_defs[0]);
}

/* Is 'name' one of the config's entities of 'kind'? Reports at 'key'
 * when not, with the nearest as a hint. */
static bool entity_named(const struct scn_run *run, struct diag *d, const char *key,
                         const char *kind, const char *what, const char *name)
{
    const char **names;
    size_t n = scn_entities(run, kind, &names);
    struct param_near pn;
    char hint[160];

    param_near_init(&pn, name);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0)
            return true;
        param_near_offer(&pn, names[i]);
    }
    scn_error(d, run, key, "'%s' is not %s of the scenario%s", name, what,
              param_hint(param_near_best(&pn), hint, sizeof hint));
    return false;
}

/* seed.* names parts of the market: a catalogue model, probe archetypes,
 * a host class. A name that is none left every row it feeds NaN, failing
 * with no word why; so did an empty probe list, and a checkpoint probe
 * that does not checkpoint at a fixed interval measured something else
 * than its row's half interval. */
static bool seed_names_ok(const struct scn_run *run, const struct market *mk, struct diag *d)
{
    static const char *const lists[] = {
        "seed.probe-all", "seed.probe-97", "seed.probe-99", "seed.probe-ckpt",
    };
    const char *gpu = scn_str(run, "seed.gpu");
    bool ok = false;

    for (size_t g = 0; g < market_sls_gpu_count(mk) && !ok; g++)
        ok = strcmp(market_sls_gpu_name(mk, g), gpu) == 0;
    if (!ok) {
        char hint[160];

        scn_error(d, run, "seed.gpu", "'%s' is not in the catalogue%s", gpu,
                  param_hint(market_sls_gpu_near(mk, gpu), hint, sizeof hint));
    }
    if (!entity_named(run, d, "seed.secure-class", "hostclass", "a host class",
                      scn_str(run, "seed.secure-class")))
        ok = false;
    for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++) {
        char buf[512], *save = NULL;
        size_t n = 0;

        snprintf(buf, sizeof buf, "%s", scn_str(run, lists[k]));
        for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save), n++) {
            if (!entity_named(run, d, lists[k], "archetype", "an archetype", t))
                ok = false;
            else if (k == 3 && strcmp(scn_strf(run, "archetype.%s.checkpoint", t), "fixed") != 0) {
                scn_error(d, run, lists[k], "archetype %s checkpoints '%s': a checkpoint "
                          "probe needs checkpoint = fixed (its row expects half the interval)",
                          t, scn_strf(run, "archetype.%s.checkpoint", t));
                ok = false;
            }
        }
        if (n == 0) {
            scn_error(d, run, lists[k], "names no archetype: the rows it feeds need at "
                      "least one probe");
            ok = false;
        }
    }
    return ok;
}

static void *seed_setup(struct engine *e, const struct scn_run *run, struct diag *d)
{
    struct seedtab *s = calloc(1, sizeof *s);

    if (!s)
        SIM_OOM("seed: out of memory");
    s->run = run;
    s->tol = scn_real(run, "seed.tol");
    s->markup = scn_real(run, "seed.secure-markup");
    s->job_h = sim_time_to_hours(scn_time(run, "seed.job"));
    s->market = market_model.setup(e, run, d);
    if (!s->market || !seed_names_ok(run, s->market, d)) {
        if (s->market)
            market_model.free(s->market);
        free(s);
        return NULL;
    }
    return s;
}

/* Mean and 95% CI half-width of a metric over a comma list of entities. */
static double over_list(const struct results *r, const char *metric, const char *kind,
                        const char *list, double *ci)
{
    char buf[512], *save = NULL;
    double s = 0, ss = 0, n = 0;

    snprintf(buf, sizeof buf, "%s", list);
    for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        double v = res_get(r, metric, kind, t);

        if (isnan(v))
            continue;
        s += v;
        ss += v * v;
        n++;
    }
    if (n < 1) {
        *ci = (double)NAN;
        return NAN;
    }
    *ci = repro_ci95(n, s, ss);
    return s / n;
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Median of metric over entity kind 'kind' with a distribution-free 95%
 * CI (order statistics n/2 -+ 0.98 sqrt(n)); NAN if none. Also the mean.
 * With 'rentable', only offers with a GPU free for an on-demand renter
 * (offer_free_gpus > 0): a machine fully rented is no offer anyone can
 * take, and a platform's quoted price is one a renter can rent at. */
static double median_of(const struct results *r, const char *metric, const char *kind,
                        bool rentable, double *ci, double *mean)
{
    size_t n = 0, cap = res_scalar_count(r);
    double *v = malloc((cap + 1) * sizeof *v), med, s = 0;

    *ci = *mean = NAN;
    if (!v)
        return NAN;
    for (size_t i = 0; i < cap; i++) {
        const char *m, *k, *ent, *u;
        double x;

        res_scalar_at(r, i, &m, &k, &ent, &x, &u);
        if (strcmp(m, metric) == 0 && strcmp(k, kind) == 0
            && (!rentable || res_get(r, "offer_free_gpus", kind, ent) > 0)) {
            v[n++] = x;
            s += x;
        }
    }
    if (!n) {
        free(v);
        return NAN;
    }
    qsort(v, n, sizeof *v, cmp_dbl);
    med = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    {
        double h = 0.98 * sqrt((double)n);
        long lo = (long)floor((double)n / 2 - h), hi = (long)ceil((double)n / 2 + h);

        lo = lo < 0 ? 0 : lo;
        hi = hi > (long)n - 1 ? (long)n - 1 : hi;
        *ci = 0.5 * (v[hi] - v[lo]);
    }
    *mean = s / (double)n;
    free(v);
    return med;
}

/* Runs the same scenario once more as a market with posted pricing
 * (RunPod Secure) and returns its realised on-demand price of 'gpu'. The
 * resolved keys are written back as a [General] section, as
 * scenario.resolved.ini does, with the pricing keys replaced. */
static double secure_price(const struct scn_run *run, const char *gpu, double markup)
{
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    struct diag d = DIAG_INIT(stderr);
    struct param_registry *reg = preg_new();
    struct scn *s = NULL;
    struct scn_study *st = NULL;
    struct scn_run *sub = NULL;
    double price = NAN;

    if (!text || !reg)
        goto out;
    len += (size_t)snprintf(text, cap, "[General]\n");
    for (size_t i = 0, n = scn_run_key_count(run); i < n; i++) {
        const char *key, *value, *unit, *source;
        char *vtext;
        int w;

        scn_run_key_at(run, i, &key, &value, &unit, &source);
        if (strcmp(source, "default") == 0 || strcmp(key, "description") == 0
            || strcmp(key, "sim.model") == 0 || strcmp(key, "market.pricing") == 0
            || strcmp(key, "market.posted-markup") == 0 || strcmp(key, "repeat") == 0
            || strncmp(key, "seed.", 5) == 0)
            continue;
        /* quoted where a comment character or a blank would cut it */
        if (!(vtext = scn_value_for_file(value)))
            goto out;
        while ((w = snprintf(text + len, cap - len, "%s = %s\n", key, vtext)) < 0
               || (size_t)w >= cap - len) {
            char *t = realloc(text, cap * 2);

            if (!t || w < 0) {
                free(vtext);
                goto out;
            }
            text = t;
            cap *= 2;
        }
        free(vtext);
        len += (size_t)w;
    }
    {
        char tail[256];
        int w = snprintf(tail, sizeof tail,
                         "sim.model = market\nmarket.pricing = posted\n"
                         "market.posted-markup = %.17g\n", markup);

        if (w < 0 || (size_t)w >= cap - len)
            goto out;
        memcpy(text + len, tail, (size_t)w + 1);
    }
    sim_register_all_params(reg);
    s = scn_load_string("seed-secure.ini", text, reg, &d);
    if (s)
        st = scn_study_new(s, NULL, NULL, &d);
    if (st)
        sub = scn_run_new(st, 0, &d);
    if (sub) {
        struct eng_config ec;
        struct engine *e;
        void *m;

        e = eng_config_from_run(sub, &ec, &d) == SIM_OK ? eng_new(&ec) : NULL;
        if (e && (m = market_model.setup(e, sub, &d)) != NULL) {
            if (eng_run(e) == SIM_OK && market_model.finish(e, m) == SIM_OK)
                price = res_get(eng_results(e), "price_ondemand_mean", "gpu", gpu);
            market_model.free(m);
        }
        eng_free(e);
    }
out:
    scn_run_free(sub);
    scn_study_free(st);
    scn_free(s);
    preg_free(reg);
    free(text);
    return price;
}

static int seed_finish(struct engine *e, void *state)
{
    struct seedtab *s = state;
    const struct scn_run *run = s->run;
    const struct results *r;
    const char *gpu = scn_str(run, "seed.gpu");
    double job_h = s->job_h;
    double tol = s->tol;
    double p_all, ci_all, p97, ci97, p99, ci99, p_com, ci_com, p_sec, dl_mean, dummy;
    char kind[96];
    bool ok = true;
    int rc = market_model.finish(e, s->market);

    if (rc != SIM_OK)
        return rc;
    r = eng_results(e);
    snprintf(kind, sizeof kind, "offer:%s", gpu);
    p_all = over_list(r, "price_paid_per_gpu_h", "archetype", scn_str(run, "seed.probe-all"), &ci_all);
    p97 = over_list(r, "price_paid_per_gpu_h", "archetype", scn_str(run, "seed.probe-97"), &ci97);
    p99 = over_list(r, "price_paid_per_gpu_h", "archetype", scn_str(run, "seed.probe-99"), &ci99);
    p_com = median_of(r, "offer_price_per_gpu_h", kind, true, &ci_com, &dummy);
    (void)median_of(r, "offer_dlperf_per_gpu", kind, false, &dummy, &dl_mean);
    p_sec = secure_price(run, gpu, s->markup);

    /* 1. cost of the job per platform; ordering as in the seed's table */
    ok &= repro_target(e, "T9 job cost RunPod Secure (posted run)", SEED_SECURE_USD,
                       job_h * p_sec, NAN, REPRO_REL, tol, 0);
    ok &= repro_target(e, "T9 job cost RunPod Community (median ask)", SEED_COMMUNITY_USD,
                       job_h * p_com, job_h * ci_com, REPRO_REL, tol, 0);
    ok &= repro_target(e, "T9 job cost Vast 99%+ (probe price)", SEED_VAST99_USD,
                       job_h * p99, job_h * ci99, REPRO_REL, tol, 0);
    ok &= repro_target(e, "T9 job cost Vast 97%+ (probe price)", SEED_VAST97_USD,
                       job_h * p97, job_h * ci97, REPRO_REL, tol, 0);
    ok &= repro_target(e, "T9 order Secure>Vast99>Community>Vast97 (1=yes)", 1,
                       p_sec > p99 && p99 > p_com && p_com > p97 ? 1 : 0, NAN,
                       REPRO_RANGE, 1, 1);
    /* 2. the price gap to the fixed secure tier */
    ok &= repro_target(e, "T9 gap no filter 1-Vast/Secure", 0.40, 1 - p_all / p_sec,
                       ci_all / p_sec, REPRO_RANGE, 0.30, 0.50);
    ok &= repro_target(e, "T9 gap 99%+ filter 1-Vast99/Secure", 0.20, 1 - p99 / p_sec,
                       ci99 / p_sec, REPRO_RANGE, 0.15, 0.25);
    /* 3. lost work per failure with checkpoints: about half the interval */
    {
        char buf[512], *save = NULL;
        double lost = 0, hits = 0, interval = NAN;
        double speed = dl_mean / scn_real(run, "market.reference-dlperf");

        snprintf(buf, sizeof buf, "%s", scn_str(run, "seed.probe-ckpt"));
        for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
            lost += res_get(r, "lost_work_h", "archetype", t);
            hits += res_get(r, "failures_hit", "archetype", t);
            interval = sim_time_to_hours(scn_timef(run, "archetype.%s.checkpoint-interval", t));
        }
        ok &= repro_target(e, "T9 lost wall-h per failure, fixed ckpt (~interval/2)",
                           interval / 2, hits > 0 ? lost / speed / hits : (double)NAN, (double)NAN,
                           REPRO_REL, 0.25, 0);
    }
    /* 4. purchase break-even: the street price the market's hosts
     * amortise (market.catalog, published as street_price_usd) over the
     * mean realised on-demand price renters paid for the model */
    {
        double street = res_get(r, "street_price_usd", "gpu", gpu);
        double rent = res_get(r, "price_ondemand_mean", "gpu", gpu);

        ok &= repro_target(e, "T9 break-even h = street / on-demand price", 2750,
                           street / rent, NAN, REPRO_RANGE, 2500, 3000);
    }
    /* 5. uptime matrix: the measured fraction of machine time up after the
     * warm-up, every kind of downtime counted (failures, disconnects,
     * regional outages, maintenance) */
    ok &= repro_target(e, "T9 uptime all hosts (machine time)", 0.97,
                       res_get(r, "uptime", "platform", "all"), NAN, REPRO_RANGE, 0.95, 0.99);
    ok &= repro_target(e, "T9 uptime 99%+ filtered machines", 0.99,
                       res_get(r, "uptime", "min_reliability", "0.99"), NAN, REPRO_MIN, 0.99, 0);
    ok &= repro_target(e, "T9 uptime secure tier (datacenter class)", 0.995,
                       res_get(r, "uptime", "host_class", scn_str(run, "seed.secure-class")),
                       NAN, REPRO_MIN, 0.995, 0);
    return ok ? SIM_OK : SIM_ECHECK;
}

static void seed_free(void *state)
{
    struct seedtab *s = state;

    if (s)
        market_model.free(s->market);
    free(s);
}

const struct sim_model repro_seed_model = {
    "seedtables", "the market, compared with seed 002's tables (T9)",
    seed_register, seed_setup, seed_finish, seed_free,
};
