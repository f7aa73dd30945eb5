/* models/reliability.c -- the reliability score renters filter and rank on.
 *
 * The Vast-like rule keeps two exponentially decayed integrals, W (time
 * observed) and B (badness), with one kernel e^{-(t-s)/H}. Between events
 * the badness rate is constant, so advancing from t0 to t1 is closed form:
 *     X(t1) = X(t0) e^{-dt/H} + rate H (1 - e^{-dt/H}),
 * and the state is O(1) whatever the machine's history. The prior enters
 * as a virtual history of W0 hours at score 'prior' that decays with the
 * same kernel from the listing time: old machines are judged on what they
 * did, new ones on the prior, and nothing jumps.
 *
 * See the header for the rules and why RunPod's window is a ring.
 */
#include "models/reliability.h"

#include <math.h>
#include <string.h>
#include "sim/param.h"
#include "sim/scenario.h"

void rel_init(struct rel_state *s, sim_time now, bool datacenter)
{
    memset(s, 0, sizeof *s);
    s->born = now;
    s->last = now;
    s->datacenter = datacenter;
}

/* Decays W and B to 'now' at the current badness rate. */
void rel_init_history(struct rel_state *s, const struct rel_params *p,
                      sim_time now, bool datacenter, double age_h,
                      double availability)
{
    double f = exp(-age_h / p->horizon_h);

    rel_init(s, now, datacenter);
    /* born in the past (negative times are fine for a birth date) */
    s->born = now - sim_time_from_hours(age_h);
    s->seen_h = p->horizon_h * (1.0 - f);
    s->bad_h = s->seen_h * (1.0 - availability);
}

static void advance(struct rel_state *s, const struct rel_params *p,
                    sim_time now)
{
    double dt, f;

    SIM_ASSERT(now >= s->last);
    dt = sim_time_to_hours(now - s->last);
    f = exp(-dt / p->horizon_h);
    s->seen_h = s->seen_h * f + p->horizon_h * (1.0 - f);
    s->bad_h = s->bad_h * f + s->rate * p->horizon_h * (1.0 - f);
    s->last = now;
}

/* RunPod ring: appends the closed down interval [from, to). When full,
 * the two neighbours with the shortest gap between them (of equal gaps,
 * the oldest pair: the block's blur leaves the window first) become one
 * block from the first's start to the second's end, holding both downtimes:
 * merging the two oldest instead piled every merge onto the oldest start,
 * and with more than a handful of outages a month most of the window's
 * downtime then left it at once (a machine down a tenth of the time
 * scored up to 0.998). */
static void ring_push(struct rel_state *s, sim_time from, sim_time to)
{
    if (to <= from)
        return;
    if (s->nslots == REL_RUNPOD_SLOTS) {
        unsigned k = 0;

        for (unsigned i = 1; i + 1 < s->nslots; i++)
            if (s->win[i + 1].from - s->win[i].to < s->win[k + 1].from - s->win[k].to)
                k = i;
        s->win[k].to = s->win[k + 1].to;
        s->win[k].down += s->win[k + 1].down;
        memmove(&s->win[k + 1], &s->win[k + 2],
                (s->nslots - k - 2) * sizeof s->win[0]);
        s->nslots--;
    }
    s->win[s->nslots].from = from;
    s->win[s->nslots].to = to;
    s->win[s->nslots].down = to - from;
    s->nslots++;
}

/* Drops intervals that ended before the window starts. */
static void ring_expire(struct rel_state *s, sim_time window_start)
{
    unsigned k = 0;

    while (k < s->nslots && s->win[k].to <= window_start)
        k++;
    if (k) {
        memmove(&s->win[0], &s->win[k], (s->nslots - k) * sizeof s->win[0]);
        s->nslots = (uint8_t)(s->nslots - k);
    }
}

static double badness_rate(const struct rel_params *p, enum rel_down cause,
                           bool during_rental)
{
    if (cause == REL_DOWN_MAINTENANCE)
        return p->maintenance_weight;
    return during_rental ? p->rental_down_weight : 1.0;
}

/* After a cause began or ended: the rate is the worst of those down now,
 * and the RunPod interval opens or closes when the counted causes start
 * or stop (a closed one goes into the ring). */
static void causes_changed(struct rel_state *s, const struct rel_params *p, sim_time now)
{
    bool any = false, counted = false;

    s->rate = 0.0;
    for (int k = 0; k < REL_DOWN_KINDS; k++)
        if (s->active[k]) {
            any = true;
            counted = counted || k != REL_DOWN_MAINTENANCE;
            s->rate = fmax(s->rate, s->kind_rate[k]);
        }
    if (counted && !s->counted)
        s->down_since = now;
    else if (!counted && s->counted) {
        ring_expire(s, now - sim_time_from_hours(p->runpod_window_h));
        ring_push(s, s->down_since, now);
    }
    s->counted = counted;
    s->down = any;
}

/* The worst rate of the causes of kind k down now: those begun during a
 * rental and the others (0 when none is). */
static double kind_rate_now(const struct rel_state *s, const struct rel_params *p,
                            enum rel_down k)
{
    double r = 0.0;

    if (s->rented[k])
        r = badness_rate(p, k, true);
    if (s->active[k] > s->rented[k])
        r = fmax(r, badness_rate(p, k, false));
    return r;
}

void rel_on_down(struct rel_state *s, const struct rel_params *p, sim_time now,
                 enum rel_down cause, bool during_rental)
{
    SIM_ASSERT((unsigned)cause < REL_DOWN_KINDS && s->active[cause] < UINT8_MAX);
    advance(s, p, now);
    if (cause == REL_DOWN_DISCONNECT && !s->down)
        s->bad_h += p->disconnect_penalty_h;
    s->active[cause]++;
    s->rented[cause] += during_rental;
    s->kind_rate[cause] = kind_rate_now(s, p, cause);
    causes_changed(s, p, now);
}

void rel_on_cause_end(struct rel_state *s, const struct rel_params *p, sim_time now,
                      enum rel_down kind, bool during_rental)
{
    SIM_ASSERT((unsigned)kind < REL_DOWN_KINDS);
    if (!s->active[kind])
        return;
    advance(s, p, now);
    s->active[kind]--;
    if (during_rental && s->rented[kind])
        s->rented[kind]--;
    if (s->rented[kind] > s->active[kind])      /* told differently than it began */
        s->rented[kind] = s->active[kind];
    s->kind_rate[kind] = kind_rate_now(s, p, kind);
    causes_changed(s, p, now);
}

void rel_on_up(struct rel_state *s, const struct rel_params *p, sim_time now)
{
    if (!s->down)
        return;
    advance(s, p, now);
    memset(s->active, 0, sizeof s->active);
    memset(s->rented, 0, sizeof s->rented);
    memset(s->kind_rate, 0, sizeof s->kind_rate);
    causes_changed(s, p, now);
}

void rel_on_failed_start(struct rel_state *s, const struct rel_params *p,
                         sim_time now)
{
    advance(s, p, now);
    s->bad_h += p->failed_start_penalty_h;
}

static double clamp01(double x)
{
    return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
}

static double vast_score(const struct rel_state *s, const struct rel_params *p,
                         sim_time now)
{
    struct rel_state t = *s;
    double age_h, w0, bad;

    advance(&t, p, now);
    age_h = sim_time_to_hours(now - s->born);
    w0 = p->prior_weight_h * exp(-age_h / p->horizon_h);
    bad = t.bad_h * (s->datacenter ? 1.0 - p->datacenter_bonus : 1.0);
    if (w0 + t.seen_h <= 0.0)           /* W0 = 0 and age 0 */
        return p->prior;
    return clamp01(1.0 - ((1.0 - p->prior) * w0 + bad) / (w0 + t.seen_h));
}

static double runpod_score(const struct rel_state *s,
                           const struct rel_params *p, sim_time now)
{
    sim_time win = sim_time_from_hours(p->runpod_window_h);
    sim_time start = now - win > s->born ? now - win : s->born;
    sim_time span = now - start, down = 0;

    if (span <= 0)
        return 1.0;
    for (unsigned k = 0; k < s->nslots; k++) {
        if (s->win[k].to <= start)
            continue;
        if (s->win[k].from >= start)
            down += s->win[k].down;
        else        /* cut by the window's start: the part inside, pro rata */
            down += (sim_time)((double)s->win[k].down * (double)(s->win[k].to - start) /
                               (double)(s->win[k].to - s->win[k].from));
    }
    if (s->down && s->counted)
        down += now - (s->down_since > start ? s->down_since : start);
    return clamp01((sim_time_to_hours(span - down) + p->runpod_buffer_h)
                   / sim_time_to_hours(span));
}

double rel_score(const struct rel_state *s, const struct rel_params *p,
                 sim_time now)
{
    double r = p->rule == REL_RUNPOD ? runpod_score(s, p, now)
                                     : vast_score(s, p, now);

    SIM_ASSERT(r >= 0.0 && r <= 1.0);
    return r;
}

bool rel_listed(const struct rel_state *s, const struct rel_params *p,
                sim_time now)
{
    if (p->rule != REL_RUNPOD)
        return true;
    return rel_score(s, p, now) >= p->runpod_delist;
}

bool rel_verified(const struct rel_state *s, const struct rel_params *p,
                  sim_time now)
{
    return rel_score(s, p, now) >= p->verify_threshold;
}

bool rel_rule_parse(const char *name, enum rel_rule *out)
{
    if (strcmp(name, "vast") == 0)
        *out = REL_VAST;
    else if (strcmp(name, "runpod") == 0)
        *out = REL_RUNPOD;
    else
        return false;
    return true;
}

/* ---- parameters ---- */

static const struct param_def rel_defs[] = {
    { "reliability.rule", PT_ENUM, "", "vast", 0, -1, "vast|runpod",
      "score rule: vast (prior-weighted EWMA of uptime, our model) or runpod ((up min + 10)/window, 30-day window)" },
    { "reliability.prior", PT_PROB, "1", "0.60", 0, 1, NULL,
      "score of a new machine (Vast: all machines start at 60%)" },
    { "reliability.prior-weight", PT_TIME, "d", "7d", 0, -1, NULL,
      "how much uptime the prior is worth at listing (decays with the horizon)" },
    { "reliability.horizon", PT_TIME, "d", "30d", 0, -1, NULL,
      "time constant of the exponentially weighted uptime" },
    { "reliability.rental-down-weight", PT_REAL, "1", "3", 0, 1000, NULL,
      "badness per hour down during a rental (1 = same as idle downtime)" },
    { "reliability.maintenance-weight", PT_REAL, "1", "0", 0, 1000, NULL,
      "badness per hour of scheduled maintenance" },
    { "reliability.disconnect-penalty", PT_TIME, "h", "1h", 0, -1, NULL,
      "extra badness per disconnect, as hours of downtime" },
    { "reliability.failed-start-penalty", PT_TIME, "h", "1h", 0, -1, NULL,
      "extra badness per failed container start, as hours of downtime" },
    { "reliability.datacenter-bonus", PT_PROB, "1", "0.5", 0, 1, NULL,
      "fraction of a datacenter machine's badness forgiven" },
    { "reliability.verify-threshold", PT_PROB, "1", "0.90", 0, 1, NULL,
      "verified needs a score at least this (older Vast minimum: 90%)" },
    { "reliability.runpod-window", PT_TIME, "d", "30d", 0, -1, NULL,
      "RunPod rule: sliding window" },
    { "reliability.runpod-buffer", PT_TIME, "min", "10min", 0, -1, NULL,
      "RunPod rule: minutes added to uptime" },
    { "reliability.runpod-delist", PT_PROB, "1", "0.98", 0, 1, NULL,
      "RunPod rule: machines below this score are delisted" },
};

void rel_register_params(struct param_registry *reg)
{
    preg_add(reg, rel_defs, sizeof rel_defs / sizeof rel_defs[0]);
}

static const struct srcloc *loc(const struct scn_run *run, const char *key)
{
    return run ? scn_where(run, key) : NULL;
}

static int check(const struct rel_params *p, const struct scn_run *run,
                 struct diag *d)
{
    int before = d->nerrors;

/* A message names its key when the values came from a scenario. */
#define NEED(cond, key, what, val) \
    if (!(cond)) diag_error(d, loc(run, key), "%s%s%s, got %g", run ? key : "", \
                            run ? ": " : "", what, (double)(val))
    NEED(p->prior >= 0.0 && p->prior <= 1.0, "reliability.prior",
         "reliability prior must be in [0, 1]", p->prior);
    NEED(p->prior_weight_h >= 0.0, "reliability.prior-weight",
         "reliability prior weight must be >= 0 h", p->prior_weight_h);
    NEED(p->horizon_h > 0.0, "reliability.horizon",
         "reliability horizon must be > 0 h", p->horizon_h);
    NEED(p->rental_down_weight >= 0.0, "reliability.rental-down-weight",
         "rental down weight must be >= 0", p->rental_down_weight);
    NEED(p->maintenance_weight >= 0.0, "reliability.maintenance-weight",
         "maintenance weight must be >= 0", p->maintenance_weight);
    NEED(p->disconnect_penalty_h >= 0.0, "reliability.disconnect-penalty",
         "disconnect penalty must be >= 0 h", p->disconnect_penalty_h);
    NEED(p->failed_start_penalty_h >= 0.0, "reliability.failed-start-penalty",
         "failed-start penalty must be >= 0 h", p->failed_start_penalty_h);
    NEED(p->datacenter_bonus >= 0.0 && p->datacenter_bonus <= 1.0,
         "reliability.datacenter-bonus",
         "datacenter bonus must be in [0, 1]", p->datacenter_bonus);
    NEED(p->verify_threshold >= 0.0 && p->verify_threshold <= 1.0,
         "reliability.verify-threshold",
         "verify threshold must be in [0, 1]", p->verify_threshold);
    NEED(p->runpod_window_h > 0.0, "reliability.runpod-window",
         "RunPod window must be > 0 h", p->runpod_window_h);
    NEED(p->runpod_buffer_h >= 0.0, "reliability.runpod-buffer",
         "RunPod buffer must be >= 0 h", p->runpod_buffer_h);
    NEED(p->runpod_delist >= 0.0 && p->runpod_delist <= 1.0,
         "reliability.runpod-delist",
         "RunPod delist threshold must be in [0, 1]", p->runpod_delist);
#undef NEED
    return d->nerrors > before ? SIM_EINVAL : SIM_OK;
}

int rel_params_check(const struct rel_params *p, struct diag *d)
{
    return check(p, NULL, d);
}

int rel_params_from_run(const struct scn_run *run, struct rel_params *p,
                        struct diag *d)
{
    if (!rel_rule_parse(scn_str(run, "reliability.rule"), &p->rule))
        SIM_PANIC("reliability.rule not validated by the registry");
    p->prior = scn_real(run, "reliability.prior");
    p->prior_weight_h = sim_time_to_hours(scn_time(run, "reliability.prior-weight"));
    p->horizon_h = sim_time_to_hours(scn_time(run, "reliability.horizon"));
    p->rental_down_weight = scn_real(run, "reliability.rental-down-weight");
    p->maintenance_weight = scn_real(run, "reliability.maintenance-weight");
    p->disconnect_penalty_h =
        sim_time_to_hours(scn_time(run, "reliability.disconnect-penalty"));
    p->failed_start_penalty_h =
        sim_time_to_hours(scn_time(run, "reliability.failed-start-penalty"));
    p->datacenter_bonus = scn_real(run, "reliability.datacenter-bonus");
    p->verify_threshold = scn_real(run, "reliability.verify-threshold");
    p->runpod_window_h = sim_time_to_hours(scn_time(run, "reliability.runpod-window"));
    p->runpod_buffer_h = sim_time_to_hours(scn_time(run, "reliability.runpod-buffer"));
    p->runpod_delist = scn_real(run, "reliability.runpod-delist");
    return check(p, run, d);
}
