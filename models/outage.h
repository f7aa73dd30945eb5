/* models/outage.h -- host failures, repairs, disconnects, maintenance and
 * correlated regional outages.
 *
 * Per host class (hostclass.<name>.*): time to failure is exponential or
 * Weibull with mean 'mtbf_h' (a repaired host is as good as new, so
 * failures form a renewal process); repair time is lognormal with median
 * 'repair_median_h' and log-sd 'repair_sigma'; disconnects are a Poisson
 * process of short exponential outages; a container start fails with
 * 'failed_start_prob'; scheduled maintenance comes as a Poisson process of
 * fixed-length windows announced 'maint_notice_h' ahead (0 interval = none).
 *
 * Per region (region.<name>.*): regional outages are a Poisson process
 * ('rate_per_year'), each of lognormal duration, taking down a fraction of
 * the region's hosts at once; each is a power outage (instances die) with
 * probability 'power_share', else an internet outage (hosts unreachable).
 *
 * Availability (up-time fraction) of a class is MTBF / (MTBF + MTTR) by the
 * renewal-reward theorem, whatever the two distributions; disconnects are
 * separate. The samplers only draw: the market owns the events. Randomness
 * comes only from the caller's stream; nothing here allocates or prints.
 */
#ifndef MODELS_OUTAGE_H
#define MODELS_OUTAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "sim/err.h"

struct param_registry;
struct scn_run;

enum outage_dist { OUTAGE_EXP, OUTAGE_WEIBULL };

struct outage_params {
    enum outage_dist failure_dist;
    double mtbf_h;              /* mean time between failures (up time) */
    double shape;               /* Weibull k (< 1 infant mortality, > 1 wear-out) */
    double repair_median_h;     /* lognormal median of repair time */
    double repair_sigma;        /* lognormal sd of log repair time */
    double disconnect_per_day;  /* Poisson rate of disconnects */
    double disconnect_h;        /* mean disconnect length (exponential) */
    double failed_start_prob;   /* a container start fails */
    double maint_interval_h;    /* mean time between maintenances, 0 = none */
    double maint_duration_h;    /* length of a maintenance window */
    double maint_notice_h;      /* announced this long before it starts */
};

/* Where each field came from, for messages (any may be NULL), and the
 * keys' prefix, so a message names the key (NULL: it names the field). */
struct outage_where {
    const struct srcloc *mtbf, *shape, *repair_median, *repair_sigma,
        *disconnect_rate, *disconnect_duration, *failed_start, *maint_interval,
        *maint_duration, *maint_notice;
    const char *prefix;         /* of the keys, "hostclass.farm.": messages name them */
};

enum outage_kind { OUTAGE_POWER, OUTAGE_INTERNET };

struct outage_region_params {
    double rate_per_year;       /* regional outages per year */
    double duration_median_h;   /* lognormal median */
    double duration_sigma;      /* lognormal sd of log duration */
    double fraction;            /* share of the region's hosts hit, [0, 1] */
    double power_share;         /* P(power outage), else internet */
};

struct outage_region_where {
    const struct srcloc *rate, *duration, *sigma, *fraction, *power_share;
    const char *prefix;         /* of the keys, "region.us." */
};

/* Reports every bad field ("file:line: error: ..."); 'w' may be NULL. */
int outage_check(const struct outage_params *p, const struct outage_where *w,
                 struct diag *d);
int outage_region_check(const struct outage_region_params *p,
                        const struct outage_region_where *w, struct diag *d);

/* ---- samplers (hours; INFINITY when the process is off) ---- */
double outage_next_failure_h(const struct outage_params *p, gsl_rng *r);
/* The time to the first failure of a host already running since long ago
 * when the simulation starts (equilibrium residual life): drawing a new
 * host's life instead bunched early failures for Weibull shapes below 1
 * (1.7 per host in the first 30 days at k = 0.5, against 0.75 later). */
double outage_residual_failure_h(const struct outage_params *p, gsl_rng *r);
double outage_repair_h(const struct outage_params *p, gsl_rng *r);
/* The rest of a repair under way since long ago (its equilibrium law), for a
 * host found down when the simulation starts. */
double outage_residual_repair_h(const struct outage_params *p, gsl_rng *r);
double outage_next_disconnect_h(const struct outage_params *p, gsl_rng *r);
double outage_disconnect_h(const struct outage_params *p, gsl_rng *r);
bool outage_start_fails(const struct outage_params *p, gsl_rng *r);
double outage_next_maintenance_h(const struct outage_params *p, gsl_rng *r);

double outage_region_next_h(const struct outage_region_params *p, gsl_rng *r);
double outage_region_duration_h(const struct outage_region_params *p,
                                 gsl_rng *r);
enum outage_kind outage_region_kind(const struct outage_region_params *p,
                                    gsl_rng *r);
/* Chooses which of a region's 'n' hosts, ids[0..n), an outage hits:
 * k = round(fraction n) hosts (stochastic rounding, so the mean is exactly
 * fraction n), all distinct, kept in ids[0..k) in their order (in place:
 * the ids themselves, not their positions). Returns k. Selection sampling:
 * O(n), no allocation. */
size_t outage_region_pick(const struct outage_region_params *p, size_t n,
                          uint32_t *ids, gsl_rng *r);

/* ---- closed forms ---- */
double outage_mttr_h(const struct outage_params *p);   /* lognormal mean */
double outage_availability(const struct outage_params *p);
/* Weibull scale giving mean mtbf_h. */
double outage_weibull_scale_h(const struct outage_params *p);

/* ---- scenario keys ---- */

/* hostclass.*.{failure-dist,mtbf,failure-shape,repair-median,repair-sigma,
 * disconnect-rate,disconnect-duration,failed-start-prob,maint-interval,
 * maint-duration,maint-notice} with exact defaults for hobbyist, farm and
 * datacenter; region.*.outage-{rate,duration,sigma,fraction,power-share}. */
/* Adds only the keys not yet defined (the market defines some itself). */
void outage_register_params(struct param_registry *reg);
/* Fills 'p' for host class 'cls' from a resolved run and checks it. */
int outage_params_from_run(const struct scn_run *run, const char *cls,
                           struct outage_params *p, struct diag *d);
int outage_region_from_run(const struct scn_run *run, const char *region,
                           struct outage_region_params *p, struct diag *d);

#endif
