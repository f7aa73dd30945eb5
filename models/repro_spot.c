/* models/repro_spot.c -- T5: spot prices set by a hidden reserve price
 * (Agmon Ben-Yehuda, Ben-Yehuda, Schuster, Tsafrir, CloudCom 2011).
 *
 * Each instance type has its own trace (models/spotprice.c): an AR(1) on
 * the reserve's increments, clipped to a band [floor, ceil] x on-demand,
 * beside a market of bidders that sets the price only when it binds. The
 * paper's parameter values were not retrieved (REPRODUCTIONS.md), so the
 * rows are the shape targets it lists, checked against the scenario's own
 * parameters:
 *   - the lag-1 autocorrelation of the price's increments is -a1;
 *   - the fraction of time the price is at most p is close to linear in p
 *     between floor and ceil (R^2 of a line through 19 points);
 *   - normalised by on-demand, the types' prices fall on one curve (the
 *     largest gap between a type's time-CDF and the pooled one);
 *   - the market rarely binds (share of time the price is above the
 *     reserve);
 *   - the reserve's time mean is the band's midpoint: the clipped walk is
 *     symmetric about it (P -> floor + ceil - P, dP -> -dP).
 * Update events walk each trace so that only time after the warm-up
 * counts; batch means over NBATCH consecutive stretches of it (pooled
 * over types) give the 95% CIs.
 */
#include "models/reproduce.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "models/spotprice.h"
#include "sim/engine.h"
#include "sim/param.h"
#include "sim/results.h"
#include "sim/scenario.h"

#define NBATCH 20
#define MAX_TYPES SPOT_MAX_TYPES
#define NBINS 400           /* time-CDF resolution across the band */

struct stype {
    struct spot_trace *tr;  /* owned */
    size_t next;            /* the next update to apply */
    double od;              /* on-demand, micro-dollars per hour */
    double p, r;            /* price and reserve in force, fractions of on-demand */
    sim_time since;         /* when they came into force */
    bool have_dp;           /* a previous increment after the warm-up */
    double dp;
    /* time-weighted: bin 0 is at or below floor, NBINS + 1 above ceil */
    double bin_h[NBINS + 2];
    /* per batch: increments' sums for the lag-1 autocorrelation, hours,
     * reserve x hours, hours the market binds */
    double n[NBATCH], s1[NBATCH], s2[NBATCH], q1[NBATCH], q2[NBATCH], s12[NBATCH];
    double hrs[NBATCH], res_h[NBATCH], bind_h[NBATCH];
};

struct spot {
    struct spot_params base;
    struct stype t[MAX_TYPES];
    size_t ntypes;
    double tol_acf, min_r2, tol_collapse, max_bind, tol_mean;
    unsigned k_update;
    sim_time first, end;
};

static unsigned batch_of(const struct spot *s, sim_time at)
{
    unsigned k = (unsigned)((double)(at - s->first) * NBATCH / (double)(s->end - s->first + 1));

    return k < NBATCH ? k : NBATCH - 1;
}

static unsigned bin_of(const struct spot *s, double x)
{
    double w = (s->base.ceil - s->base.floor) / NBINS;

    if (x <= s->base.floor)
        return 0;
    if (x > s->base.ceil)
        return NBINS + 1;
    /* (floor + (k-1)w, floor + kw] is bin k */
    return (unsigned)fmin(NBINS, fmax(1.0, ceil((x - s->base.floor) / w)));
}

/* Credits the price and reserve in force since t->since up to 'now' to
 * the stretches after the warm-up it covers. */
static void credit(struct spot *s, struct stype *t, sim_time now)
{
    sim_time from = t->since > s->first ? t->since : s->first;

    while (from < now) {
        unsigned k = batch_of(s, from);
        /* the end of batch k, or 'now' if that comes first */
        sim_time kend = s->first + (sim_time)ceil((double)(k + 1) *
                                                  (double)(s->end - s->first + 1) / NBATCH);
        sim_time to = k + 1 == NBATCH || kend > now ? now : kend;
        double h;

        if (to <= from)
            to = now;       /* rounding at a batch edge: the rest goes to k */
        h = sim_time_to_hours(to - from);
        t->hrs[k] += h;
        t->res_h[k] += h * t->r;
        if (t->p > t->r)
            t->bind_h[k] += h;
        t->bin_h[bin_of(s, t->p)] += h;
        from = to;
    }
    t->since = now;
}

static void apply_update(struct spot *s, struct engine *e, uint32_t ti)
{
    struct stype *t = &s->t[ti];
    sim_time now = eng_now(e);
    double p = (double)spot_trace_price(t->tr, t->next) / t->od;

    credit(s, t, now);
    if (now >= s->first && t->next > 0) {
        double dp = p - t->p;
        unsigned k = batch_of(s, now);

        if (t->have_dp) {
            t->n[k]++;
            t->s1[k] += dp;
            t->s2[k] += t->dp;
            t->q1[k] += dp * dp;
            t->q2[k] += t->dp * t->dp;
            t->s12[k] += dp * t->dp;
        }
        t->dp = dp;
        t->have_dp = true;
    }
    t->p = p;
    t->r = (double)spot_trace_reserve(t->tr, t->next) / t->od;
    if (++t->next < spot_trace_count(t->tr))
        eng_at(e, spot_trace_at(t->tr, t->next), s->k_update, ti);
}

static void on_update(struct engine *e, const struct evq_event *ev, void *model)
{
    apply_update(model, e, ev->subject);
}

static const struct param_def spot_defs[] = {
    { "spot.ondemand", PT_STRING, "USD/h", "0.085,0.34,0.68", 0, -1, NULL,
      "on-demand price of each instance type (comma-separated, at most 8)" },
    { "spot.load", PT_STRING, "1", "0.5,0.7,0.85", 0, -1, NULL,
      "mean requests present / capacity, per type (one value: every type)" },
    { "spot.floor", PT_PROB, "1", "0.35", 0, 1, NULL, "reserve band's floor F, a fraction of on-demand" },
    { "spot.ceil", PT_PROB, "1", "0.45", 0, 1, NULL, "reserve band's ceiling C, a fraction of on-demand" },
    { "spot.a1", PT_REAL, "1", "0.7", -0.99, 0.99, NULL,
      "AR(1) coefficient: dP_i = -a1 dP_(i-1) + eps" },
    { "spot.sigma", PT_REAL, "1", "0.01", 0, 1, NULL, "sd of eps, a fraction of on-demand" },
    { "spot.update-mean", PT_TIME, "h", "1h", 0, -1, NULL, "mean gap between price updates (exponential)" },
    { "spot.capacity", PT_INT, "1", "100", 1, 1e6, NULL, "requests each type's market can run" },
    { "spot.hold-mean", PT_TIME, "h", "6h", 0, -1, NULL, "mean stay of a request (exponential)" },
    { "spot.bid-lo", PT_REAL, "1", "0.3", 0, 100, NULL, "bids uniform from this x on-demand" },
    { "spot.bid-hi", PT_REAL, "1", "1", 0, 100, NULL, "... to this x on-demand" },
    { "spot.tol-acf", PT_REAL, "1", "0.05", 0, 2, NULL,
      "absolute tolerance on the lag-1 autocorrelation of increments (REPRODUCTIONS: 0.05)" },
    { "spot.min-r2", PT_PROB, "1", "0.95", 0, 1, NULL,
      "R^2 of a line through the time-CDF on (F, C) must be at least this" },
    { "spot.tol-collapse", PT_PROB, "1", "0.1", 0, 1, NULL,
      "largest gap between a type's normalised time-CDF and the pooled one" },
    { "spot.max-bind", PT_PROB, "1", "0.1", 0, 1, NULL,
      "share of time the market may set the price (above the reserve)" },
    { "spot.tol-mean", PT_PROB, "1", "0.05", 0, 1, NULL,
      "tolerance on the reserve's mean, a fraction of the band C - F" },
};

static void spot_register(struct param_registry *reg)
{
    preg_add(reg, spot_defs, sizeof spot_defs / sizeof spot_defs[0]);
}

static void spot_free(void *state)
{
    struct spot *s = state;

    if (!s)
        return;
    for (size_t i = 0; i < s->ntypes; i++)
        spot_trace_free(s->t[i].tr);
    free(s);
}

/* What one process may cost: the trace is built in memory before the run
 * and each update reads the requests present, so these bound the updates
 * a type posts, the requests present and the work of the two together. */
#define MAX_UPDATES 1e7
#define MAX_PRESENT 1e4
#define MAX_ARRIVALS 1e8
#define MAX_WORK 1e9

size_t spot_read_types(const struct scn_run *run, sim_time horizon, struct spot_params *types,
                       struct diag *d)
{
    struct spot_params b = { 0 };
    double od[MAX_TYPES], load[MAX_TYPES], updates, h = sim_time_to_hours(horizon);
    size_t n, nload;
    int errors = d->nerrors;

    b.floor = scn_real(run, "spot.floor");
    b.ceil = scn_real(run, "spot.ceil");
    b.a1 = scn_real(run, "spot.a1");
    b.sigma = scn_real(run, "spot.sigma");
    b.update_mean = scn_time(run, "spot.update-mean");
    b.capacity = (uint32_t)scn_int(run, "spot.capacity");
    b.hold_mean = scn_time(run, "spot.hold-mean");
    b.bid_lo = scn_real(run, "spot.bid-lo");
    b.bid_hi = scn_real(run, "spot.bid-hi");
    n = repro_list(run, "spot.ondemand", true, od, MAX_TYPES, "instance types", d);
    nload = repro_list(run, "spot.load", false, load, MAX_TYPES, "instance types", d);
    if (n && nload && nload != 1 && nload != n)
        scn_error(d, run, "spot.load", "give one load or one per type (%zu), got %zu", n, nload);
    if (!(b.floor > 0.0 && b.floor < b.ceil))
        scn_error(d, run, "spot.floor", "need 0 < floor < ceil, got floor %g, ceil %g",
                  b.floor, b.ceil);
    if (!(b.hold_mean > 0))
        scn_error(d, run, "spot.hold-mean", "must be > 0");
    if (!(b.bid_lo <= b.bid_hi))
        scn_error(d, run, "spot.bid-lo", "need bid-lo <= bid-hi, got %g > %g", b.bid_lo,
                  b.bid_hi);
    updates = b.update_mean > 0 ? h / sim_time_to_hours(b.update_mean) : HUGE_VAL;
    if (!(b.update_mean > 0))
        scn_error(d, run, "spot.update-mean", "must be > 0");
    else if (updates > MAX_UPDATES)
        scn_error(d, run, "spot.update-mean", "%g h over a %g d horizon is %.3g updates a type "
                  "(at most %g)", sim_time_to_hours(b.update_mean), h / 24, updates, MAX_UPDATES);
    for (size_t i = 0; i < n && d->nerrors == errors; i++) {
        double l = load[nload == 1 ? 0 : i], present = l * b.capacity;

        /* a narrower band rounds to one price, in whole micro-dollars */
        if (!(od[i] >= 0.001 && od[i] <= 1e6))
            scn_error(d, run, "spot.ondemand", "on-demand prices must be in [0.001, 1e+06] "
                      "USD/h, got %g", od[i]);
        else if ((b.ceil - b.floor) * od[i] < 1e-4)
            scn_error(d, run, "spot.floor", "the band (ceil - floor) x on-demand must span at "
                      "least 0.0001 USD/h, got %g at %g USD/h", (b.ceil - b.floor) * od[i], od[i]);
        else if (present > MAX_PRESENT)
            scn_error(d, run, "spot.load", "load x capacity is the mean of requests present, "
                      "at most %g, got %g", MAX_PRESENT, present);
        else if (present * h / sim_time_to_hours(b.hold_mean) > MAX_ARRIVALS)
            scn_error(d, run, "spot.hold-mean", "%g requests present staying %g h on average "
                      "over %g d is %.3g arrivals (at most %g)", present,
                      sim_time_to_hours(b.hold_mean), h / 24,
                      present * h / sim_time_to_hours(b.hold_mean), MAX_ARRIVALS);
        else if (present * updates > MAX_WORK)
            scn_error(d, run, "spot.load", "%g requests present read at %.3g updates is more "
                      "than %g: fewer, or fewer updates", present, updates, MAX_WORK);
        if (d->nerrors != errors)
            break;
        types[i] = b;
        types[i].ondemand = money_from_usd(od[i]);
        types[i].load = l;
    }
    return d->nerrors == errors ? n : 0;
}

static void *spot_setup(struct engine *e, const struct scn_run *run, struct diag *d)
{
    struct spot *s = calloc(1, sizeof *s);
    struct spot_params p[MAX_TYPES];

    if (!s)
        SIM_OOM("spot: out of memory");
    s->tol_acf = scn_real(run, "spot.tol-acf");
    s->min_r2 = scn_real(run, "spot.min-r2");
    s->tol_collapse = scn_real(run, "spot.tol-collapse");
    s->max_bind = scn_real(run, "spot.max-bind");
    s->tol_mean = scn_real(run, "spot.tol-mean");
    s->ntypes = spot_read_types(run, eng_end(e), p, d);
    if (s->ntypes == 0) {
        spot_free(s);
        return NULL;
    }
    s->base = p[0];
    s->k_update = eng_kind(e, "spot.update", on_update, s);
    s->first = eng_warmup(e);
    s->end = eng_end(e);
    for (size_t i = 0; i < s->ntypes; i++) {
        struct stype *t = &s->t[i];
        char upd[64], dem[64];

        snprintf(upd, sizeof upd, "spot.reserve.%zu", i);
        snprintf(dem, sizeof dem, "spot.demand.%zu", i);
        t->tr = spot_trace_build(&p[i], eng_rng(e, upd), eng_rng(e, dem), s->end);
        if (!t->tr) {
            scn_error(d, run, "spot.update-mean", "cannot allocate the price trace: out of memory");
            spot_free(s);
            return NULL;
        }
        t->od = (double)p[i].ondemand;
        eng_at(e, 0, s->k_update, (uint32_t)i);
    }
    return s;
}

/* The time-CDF of type t (all types when t is NULL) at the upper edge of
 * bin k. */
static double cdf_at(const struct spot *s, const struct stype *t, unsigned k)
{
    double below = 0.0, all = 0.0;

    for (size_t i = 0; i < s->ntypes; i++) {
        if (t && &s->t[i] != t)
            continue;
        for (unsigned j = 0; j <= NBINS + 1; j++) {
            all += s->t[i].bin_h[j];
            if (j <= k)
                below += s->t[i].bin_h[j];
        }
    }
    return all > 0.0 ? below / all : (double)NAN;
}

/* R^2 of the least-squares line through the time-CDF at 19 points evenly
 * inside (floor, ceil). */
static double linear_r2(const struct spot *s, const struct stype *t)
{
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, n = 19;

    for (unsigned j = 1; j <= 19; j++) {
        double x = (double)j / 20.0, y = cdf_at(s, t, j * NBINS / 20);

        sx += x;
        sy += y;
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
    }
    {
        double cxy = sxy - sx * sy / n, cxx = sxx - sx * sx / n, cyy = syy - sy * sy / n;

        /* a flat CDF (all time at one edge) has no line to fit */
        return cyy > 0.0 ? cxy * cxy / (cxx * cyy) : 0.0;
    }
}

/* Mean and batch-means 95% half-width of per-batch values x[k] (pooled
 * over types, so 'n' values). */
static void mean_ci(const double *x, unsigned n, double *mean, double *half)
{
    double s = 0.0, ss = 0.0;

    for (unsigned i = 0; i < n; i++) {
        s += x[i];
        ss += x[i] * x[i];
    }
    *mean = n ? s / n : (double)NAN;
    *half = repro_ci95(n, s, ss);
}

static int spot_finish(struct engine *e, void *state)
{
    struct spot *s = state;
    double acf[MAX_TYPES * NBATCH] = { 0 }, resm[MAX_TYPES * NBATCH] = { 0 };
    double bind[MAX_TYPES * NBATCH] = { 0 };
    unsigned nacf = 0, nres = 0;
    double v, h, r2 = HUGE_VAL, gap = 0.0, mid = (s->base.floor + s->base.ceil) / 2;
    bool ok = true;
    char name[160];

    for (size_t i = 0; i < s->ntypes; i++) {
        struct stype *t = &s->t[i];

        credit(s, t, eng_now(e));
        for (unsigned k = 0; k < NBATCH; k++) {
            double n = t->n[k];

            /* lag-1: the correlation of each increment with the one
             * before it, within the stretch */
            if (n > 2) {
                double c = t->s12[k] / n - (t->s1[k] / n) * (t->s2[k] / n);
                double v1 = t->q1[k] / n - (t->s1[k] / n) * (t->s1[k] / n);
                double v2 = t->q2[k] / n - (t->s2[k] / n) * (t->s2[k] / n);

                if (v1 > 0.0 && v2 > 0.0)
                    acf[nacf++] = c / sqrt(v1 * v2);
            }
            if (t->hrs[k] > 0.0) {
                resm[nres] = t->res_h[k] / t->hrs[k];
                bind[nres++] = t->bind_h[k] / t->hrs[k];
            }
        }
        r2 = fmin(r2, linear_r2(s, t));
        /* the price-availability curve itself, for the chart 'spot':
         * entity "ON-DEMAND@X", X a fraction of on-demand */
        for (unsigned j = 0; j <= 20; j++) {
            char ent[64];

            snprintf(ent, sizeof ent, "%g@%g", t->od * 1e-6,
                     s->base.floor + (s->base.ceil - s->base.floor) * j / 20.0);
            res_scalar(eng_results(e), "spot.time_cdf", "type", ent,
                       cdf_at(s, t, j * NBINS / 20), "1");
        }
        for (unsigned k = 0; k <= NBINS; k++)
            gap = fmax(gap, fabs(cdf_at(s, t, k) - cdf_at(s, NULL, k)));
    }
    mean_ci(acf, nacf, &v, &h);
    snprintf(name, sizeof name, "T5 lag-1 autocorrelation of price increments = -a1");
    ok &= repro_target(e, name, -s->base.a1, nacf ? v : (double)NAN, h, REPRO_ABS, s->tol_acf,
                       0.0);
    mean_ci(resm, nres, &v, &h);
    snprintf(name, sizeof name, "T5 reserve mean / on-demand = (F+C)/2");
    ok &= repro_target(e, name, mid, v, h, REPRO_ABS, s->tol_mean * (s->base.ceil - s->base.floor),
                       0.0);
    mean_ci(bind, nres, &v, &h);
    ok &= repro_target(e, "T5 share of time the market sets the price", 0.0, v, h, REPRO_RANGE,
                       0.0, s->max_bind);
    ok &= repro_target(e, "T5 time-CDF linear on (F, C): least R^2 of the types", 1.0,
                       r2 == HUGE_VAL ? (double)NAN : r2, NAN, REPRO_MIN, s->min_r2, 0.0);
    ok &= repro_target(e, "T5 types collapse: largest CDF gap to the pooled", 0.0, gap, NAN,
                       REPRO_RANGE, 0.0, s->tol_collapse);
    return ok ? SIM_OK : SIM_ECHECK;
}

const struct sim_model repro_spot_model = {
    "spot", "spot prices from a hidden AR(1) reserve in a band (reproduce T5)",
    spot_register, spot_setup, spot_finish, spot_free,
};
