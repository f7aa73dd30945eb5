/* models/outage.c -- failure, repair, disconnect, maintenance and regional
 * outage processes (see the header for the model).
 *
 * Defaults for the three built-in host classes are our choice [E]
 * (CALIBRATION.md 3.4: no public Vast outage statistics exist). 3.4
 * suggests consumer MTBF 30-60 days with lognormal repair of 2-24 h
 * (median 4 h) and datacenter MTBF 120-365 days with median repair 1 h,
 * as starting values to tune against the public score range. Tuned:
 * hobbyist MTBF 40 d, repair median 6 h; datacenter 300 d, 1 h; small
 * farms, which 3.4 does not cover, between the two (90 d, 3 h). With
 * disconnects and maintenance the measured uptime of a calibrated year is
 * 0.986 (hobbyist), 0.997 (farm) and 0.9994 (datacenter), which with the
 * reliability EWMA puts most offers in the public 0.92-0.999 range.
 */
#include "models/outage.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include "sim/param.h"
#include "sim/scenario.h"
#include "sim/time.h"

/* ---- checks ---- */

/* "hostclass.farm.repair-sigma: " for a message about that key, or ""
 * when the caller gave no prefix (the message then names the field). */
static const char *key(const char *prefix, const char *name, char *buf, size_t len)
{
    if (!prefix)
        return "";
    snprintf(buf, len, "%s%s: ", prefix, name);
    return buf;
}

/* The key of field 'name' for a message, in these two checks. */
#define K(name) key(w->prefix, name, kb, sizeof kb)

int outage_check(const struct outage_params *p, const struct outage_where *w,
                 struct diag *d)
{
    static const struct outage_where none;
    int before = d->nerrors;
    char kb[200];

    if (!w)
        w = &none;
    /* Each test is written so NaN fails too. */
    if (!(p->mtbf_h > 0.0))
        diag_error(d, w->mtbf, "%sMTBF must be > 0, got %g h", K("mtbf"), p->mtbf_h);
    if (!(p->shape > 0.0))
        diag_error(d, w->shape, "%sfailure shape must be > 0, got %g", K("failure-shape"),
                   p->shape);
    if (!(p->repair_median_h > 0.0))
        diag_error(d, w->repair_median, "%srepair median must be > 0, got %g h",
                   K("repair-median"), p->repair_median_h);
    if (!(p->repair_sigma >= 0.0))
        diag_error(d, w->repair_sigma, "%srepair sigma must be >= 0, got %g",
                   K("repair-sigma"), p->repair_sigma);
    if (!(p->disconnect_per_day >= 0.0))
        diag_error(d, w->disconnect_rate,
                   "%sdisconnect rate must be >= 0, got %g per day",
                   K("disconnect-rate"), p->disconnect_per_day);
    if (!(p->disconnect_h >= 0.0))
        diag_error(d, w->disconnect_duration,
                   "%sdisconnect duration must be >= 0, got %g h",
                   K("disconnect-duration"), p->disconnect_h);
    if (!(p->failed_start_prob >= 0.0 && p->failed_start_prob <= 1.0))
        diag_error(d, w->failed_start,
                   "%sfailed-start probability must be in [0, 1], got %g",
                   K("failed-start-prob"), p->failed_start_prob);
    if (!(p->maint_interval_h >= 0.0))
        diag_error(d, w->maint_interval,
                   "%smaintenance interval must be >= 0 (0 = none), got %g h",
                   K("maint-interval"), p->maint_interval_h);
    if (!(p->maint_duration_h >= 0.0))
        diag_error(d, w->maint_duration,
                   "%smaintenance duration must be >= 0, got %g h",
                   K("maint-duration"), p->maint_duration_h);
    if (!(p->maint_notice_h >= 0.0))
        diag_error(d, w->maint_notice,
                   "%smaintenance notice must be >= 0, got %g h",
                   K("maint-notice"), p->maint_notice_h);
    return d->nerrors > before ? SIM_EINVAL : SIM_OK;
}

int outage_region_check(const struct outage_region_params *p,
                        const struct outage_region_where *w, struct diag *d)
{
    static const struct outage_region_where none;
    int before = d->nerrors;
    char kb[200];

    if (!w)
        w = &none;
    if (!(p->rate_per_year >= 0.0))
        diag_error(d, w->rate, "%sregional outage rate must be >= 0, got %g per year",
                   K("outage-rate"), p->rate_per_year);
    if (!(p->duration_median_h > 0.0))
        diag_error(d, w->duration,
                   "%sregional outage duration must be > 0, got %g h",
                   K("outage-duration"), p->duration_median_h);
    if (!(p->duration_sigma >= 0.0))
        diag_error(d, w->sigma, "%sregional outage sigma must be >= 0, got %g",
                   K("outage-sigma"), p->duration_sigma);
    if (!(p->fraction >= 0.0 && p->fraction <= 1.0))
        diag_error(d, w->fraction,
                   "%sregional outage fraction must be in [0, 1], got %g",
                   K("outage-fraction"), p->fraction);
    if (!(p->power_share >= 0.0 && p->power_share <= 1.0))
        diag_error(d, w->power_share,
                   "%sregional outage power share must be in [0, 1], got %g",
                   K("outage-power-share"), p->power_share);
#undef K
    return d->nerrors > before ? SIM_EINVAL : SIM_OK;
}

/* ---- samplers ---- */

double outage_weibull_scale_h(const struct outage_params *p)
{
    /* In logs: gamma(1 + 1/k) overflows (and GSL aborts) for k < 0.006. */
    return exp(log(p->mtbf_h) - gsl_sf_lngamma(1.0 + 1.0 / p->shape));
}

double outage_next_failure_h(const struct outage_params *p, gsl_rng *r)
{
    if (p->failure_dist == OUTAGE_WEIBULL)
        return gsl_ran_weibull(r, outage_weibull_scale_h(p), p->shape);
    return gsl_ran_exponential(r, p->mtbf_h);
}

/* The residual life of a host that has been running since long ago: the
 * equilibrium (forward recurrence) law, density S(x) / MTBF. For a Weibull
 * of scale L and shape k its CDF is P(1/k, (x/L)^k), the regularised
 * incomplete gamma, so x = L G^(1/k) with G ~ Gamma(1/k, 1). (Memoryless,
 * the exponential is its own.) */
double outage_residual_failure_h(const struct outage_params *p, gsl_rng *r)
{
    if (p->failure_dist == OUTAGE_WEIBULL)
        return outage_weibull_scale_h(p) * pow(gsl_ran_gamma(r, 1.0 / p->shape, 1.0),
                                                1.0 / p->shape);
    return gsl_ran_exponential(r, p->mtbf_h);
}

double outage_repair_h(const struct outage_params *p, gsl_rng *r)
{
    return gsl_ran_lognormal(r, log(p->repair_median_h), p->repair_sigma);
}

/* A repair found under way is length-biased, density x f(x) / MTTR: for a
 * lognormal (mu, sigma) that is the lognormal (mu + sigma^2, sigma). The time
 * left of it is uniform over its length, so the mean is E[R^2] / (2 E[R]) =
 * median e^(3 sigma^2 / 2) / 2 (half the repair when it is fixed). */
double outage_residual_repair_h(const struct outage_params *p, gsl_rng *r)
{
    double s = p->repair_sigma;
    double len = gsl_ran_lognormal(r, log(p->repair_median_h) + s * s, s);

    return gsl_rng_uniform(r) * len;
}

double outage_next_disconnect_h(const struct outage_params *p, gsl_rng *r)
{
    if (!(p->disconnect_per_day > 0.0))
        return INFINITY;
    return gsl_ran_exponential(r, 24.0 / p->disconnect_per_day);
}

double outage_disconnect_h(const struct outage_params *p, gsl_rng *r)
{
    return p->disconnect_h > 0.0 ? gsl_ran_exponential(r, p->disconnect_h) : 0.0;
}

bool outage_start_fails(const struct outage_params *p, gsl_rng *r)
{
    /* Draw even when the probability is 0 or 1, so changing it does not
     * shift later numbers of the stream. */
    return gsl_rng_uniform(r) < p->failed_start_prob;
}

double outage_next_maintenance_h(const struct outage_params *p, gsl_rng *r)
{
    if (!(p->maint_interval_h > 0.0))
        return INFINITY;
    return gsl_ran_exponential(r, p->maint_interval_h);
}

double outage_region_next_h(const struct outage_region_params *p, gsl_rng *r)
{
    if (!(p->rate_per_year > 0.0))
        return INFINITY;
    return gsl_ran_exponential(r, SIM_YEAR_H / p->rate_per_year);
}

double outage_region_duration_h(const struct outage_region_params *p,
                                 gsl_rng *r)
{
    return gsl_ran_lognormal(r, log(p->duration_median_h), p->duration_sigma);
}

enum outage_kind outage_region_kind(const struct outage_region_params *p,
                                    gsl_rng *r)
{
    return gsl_rng_uniform(r) < p->power_share ? OUTAGE_POWER : OUTAGE_INTERNET;
}

size_t outage_region_pick(const struct outage_region_params *p, size_t n,
                          uint32_t *ids, gsl_rng *r)
{
    double want = p->fraction * (double)n;
    size_t k = (size_t)floor(want), got = 0;

    if (gsl_rng_uniform(r) < want - (double)k)
        k++;
    if (k > n)
        k = n;
    /* Knuth's algorithm S: host i is taken with probability
     * (still needed) / (still left), which gives every k-subset the same
     * chance and the output in order. Kept in place: got <= i, so a
     * write never lands on an id still to be read. */
    for (size_t i = 0; i < n && got < k; i++)
        if ((double)(n - i) * gsl_rng_uniform(r) < (double)(k - got))
            ids[got++] = ids[i];
    SIM_ASSERT(got == k);
    return k;
}

/* ---- closed forms ---- */

double outage_mttr_h(const struct outage_params *p)
{
    return p->repair_median_h * exp(0.5 * p->repair_sigma * p->repair_sigma);
}

double outage_availability(const struct outage_params *p)
{
    return p->mtbf_h / (p->mtbf_h + outage_mttr_h(p));
}

/* ---- scenario keys ---- */

/* One class's definitions; "*" is the pattern every other class uses. */
#define CLASS_DEFS(cls, dist, mtbf, shape, rmed, rsig, drate, ddur, fstart, \
                   mint, mdur, mnot)                                          \
    { "hostclass." cls ".failure-dist", PT_ENUM, "", dist, 0, -1, "exp|weibull", \
      "time-to-failure distribution (repaired hosts are as good as new)" },   \
    { "hostclass." cls ".mtbf", PT_TIME, "d", mtbf, 0, -1, NULL,              \
      "mean up time between failures" },                                      \
    { "hostclass." cls ".failure-shape", PT_REAL, "1", shape, 0.1, 100, NULL, \
      "Weibull shape k (< 1 infant mortality, > 1 wear-out)" },               \
    { "hostclass." cls ".repair-median", PT_TIME, "h", rmed, 0, -1, NULL,     \
      "median repair time (lognormal)" },                                     \
    { "hostclass." cls ".repair-sigma", PT_REAL, "1", rsig, 0, -1, NULL,      \
      "sd of log repair time (lognormal)" },                                  \
    { "hostclass." cls ".disconnect-rate", PT_REAL, "1/d", drate, 0, 1440, NULL, \
      "disconnects per day (Poisson; at most one a minute)" },                \
    { "hostclass." cls ".disconnect-duration", PT_TIME, "min", ddur, 0, -1, NULL, \
      "mean disconnect length (exponential)" },                               \
    { "hostclass." cls ".failed-start-prob", PT_PROB, "1", fstart, 0, 1, NULL, \
      "probability that a container start fails" },                           \
    { "hostclass." cls ".maint-interval", PT_TIME, "d", mint, 0, -1, NULL,    \
      "mean time between scheduled maintenances (0 = none)" },                \
    { "hostclass." cls ".maint-duration", PT_TIME, "h", mdur, 0, -1, NULL,    \
      "length of a scheduled maintenance" },                                  \
    { "hostclass." cls ".maint-notice", PT_TIME, "d", mnot, 0, -1, NULL,      \
      "maintenance is announced (and the machine unlisted) this long ahead" }

static const struct param_def outage_defs[] = {
    CLASS_DEFS("*", "exp", "45d", "1", "4h", "1", "0.05", "15min", "0.01",
               "90d", "2h", "2d"),
    /* CALIBRATION.md 3.4 [E]: consumer MTBF 30-60 d, MTTR median hours;
     * datacenter MTBF 120-365 d, MTTR ~1 h; tuned so steady-state scores
     * spread as seeds 001/002 describe (most offers 0.92-0.999). */
    CLASS_DEFS("hobbyist", "exp", "40d", "1", "6h", "1", "0.1", "20min", "0.01",
               "60d", "3h", "1d"),
    CLASS_DEFS("farm", "exp", "90d", "1", "3h", "0.8", "0.05", "15min", "0.005",
               "90d", "2h", "2d"),
    CLASS_DEFS("datacenter", "exp", "300d", "1", "1h", "0.7", "0.01", "5min",
               "0.003", "120d", "1h", "7d"),
    /* Bounded: a rate so high that the gaps round to zero would repeat
     * outages at one instant for ever. */
    { "region.*.outage-rate", PT_REAL, "1/year", "1", 0, SIM_YEAR_H, NULL,
      "regional (correlated) outages per year (at most one an hour)" },
    { "region.*.outage-duration", PT_TIME, "h", "3h", 0, -1, NULL,
      "median length of a regional outage (lognormal)" },
    { "region.*.outage-sigma", PT_REAL, "1", "1", 0, -1, NULL,
      "sd of log regional outage length" },
    { "region.*.outage-fraction", PT_PROB, "1", "0.3", 0, 1, NULL,
      "share of the region's hosts a regional outage takes down" },
    { "region.*.outage-power-share", PT_PROB, "1", "0.5", 0, 1, NULL,
      "share of regional outages that cut power (instances die); the rest cut the internet" },
};

void outage_register_params(struct param_registry *reg)
{
    preg_add(reg, outage_defs, sizeof outage_defs / sizeof outage_defs[0]);
}

int outage_params_from_run(const struct scn_run *run, const char *cls,
                           struct outage_params *p, struct diag *d)
{
    char k[11][160];
    static const char *const names[11] = {
        "failure-dist", "mtbf", "failure-shape", "repair-median", "repair-sigma",
        "disconnect-rate", "disconnect-duration", "failed-start-prob",
        "maint-interval", "maint-duration", "maint-notice",
    };
    struct outage_where w;
    char prefix[140];

    snprintf(prefix, sizeof prefix, "hostclass.%s.", cls);
    for (int i = 0; i < 11; i++)
        snprintf(k[i], sizeof k[i], "hostclass.%s.%s", cls, names[i]);
    p->failure_dist = strcmp(scn_str(run, k[0]), "weibull") == 0
                      ? OUTAGE_WEIBULL : OUTAGE_EXP;
    p->mtbf_h = sim_time_to_hours(scn_time(run, k[1]));
    p->shape = scn_real(run, k[2]);
    p->repair_median_h = sim_time_to_hours(scn_time(run, k[3]));
    p->repair_sigma = scn_real(run, k[4]);
    p->disconnect_per_day = scn_real(run, k[5]);
    p->disconnect_h = sim_time_to_hours(scn_time(run, k[6]));
    p->failed_start_prob = scn_real(run, k[7]);
    p->maint_interval_h = sim_time_to_hours(scn_time(run, k[8]));
    p->maint_duration_h = sim_time_to_hours(scn_time(run, k[9]));
    p->maint_notice_h = sim_time_to_hours(scn_time(run, k[10]));
    w = (struct outage_where){
        scn_where(run, k[1]), scn_where(run, k[2]), scn_where(run, k[3]),
        scn_where(run, k[4]), scn_where(run, k[5]), scn_where(run, k[6]),
        scn_where(run, k[7]), scn_where(run, k[8]), scn_where(run, k[9]),
        scn_where(run, k[10]), prefix,
    };
    return outage_check(p, &w, d);
}

int outage_region_from_run(const struct scn_run *run, const char *region,
                           struct outage_region_params *p, struct diag *d)
{
    char k[5][160];
    static const char *const names[5] = {
        "outage-rate", "outage-duration", "outage-sigma", "outage-fraction",
        "outage-power-share",
    };
    struct outage_region_where w;
    char prefix[140];

    snprintf(prefix, sizeof prefix, "region.%s.", region);
    for (int i = 0; i < 5; i++)
        snprintf(k[i], sizeof k[i], "region.%s.%s", region, names[i]);
    p->rate_per_year = scn_real(run, k[0]);
    p->duration_median_h = sim_time_to_hours(scn_time(run, k[1]));
    p->duration_sigma = scn_real(run, k[2]);
    p->fraction = scn_real(run, k[3]);
    p->power_share = scn_real(run, k[4]);
    w = (struct outage_region_where){
        scn_where(run, k[0]), scn_where(run, k[1]), scn_where(run, k[2]),
        scn_where(run, k[3]), scn_where(run, k[4]), prefix,
    };
    return outage_region_check(p, &w, d);
}
