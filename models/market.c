/* models/market.c -- supply, demand, search, contracts, billing, outages.
 *
 * One struct market per run holds every array; events carry an index into
 * one of them (machine, contract, job or archetype) as their subject. The
 * rules, in the order a job meets them:
 *
 *  1. Arrival: per archetype, a non-homogeneous Poisson process by
 *     thinning: candidates at the peak rate, each kept with probability
 *     rate(t) / peak (daily cycle in the archetype's time zone, weekends,
 *     conference deadlines). Every demand draw comes from "demand.*"
 *     streams, so two policies see the same renters (common random
 *     numbers); outcome-driven draws (search picks, bids) use other streams.
 *  2. Search: the offer index (models/offerindex.h) yields the cheapest
 *     machines of each acceptable GPU model that could host the job now;
 *     filters (verified, reliability, price cap from the job's value per
 *     unit of work, offer duration) cut them; a sort key (price, DLPerf per
 *     dollar, or a noisy score) ranks them; the renter takes one of the
 *     top few. No offer: wait and search again, or abandon after patience.
 *  3. Contract: on-demand and reserved hold their GPUs to the end; an
 *     interruptible's bid competes on the machine (models/priority.h) and
 *     a loser is paused, keeping its progress and paying storage.
 *  4. Start: the image and data download over the host's bandwidth
 *     (loading: no GPU billing), then the job runs at the speed of the
 *     machine's DLPerf relative to the reference GPU, writing checkpoints.
 *  5. A failure stops every instance on the machine: work since the last
 *     checkpoint is lost, and the renter waits for repair, moves, or
 *     abandons. Reliability scores move with uptime and failed starts.
 *  6. Billing: each running segment is one invoice line, prorated to the
 *     microsecond and rounded once; storage from creation to destruction;
 *     bandwidth per GB; reserved prepay with discount and early-cancel fee.
 *     Money is checked for conservation at the end of every run.
 *
 * The structs are in models/market_int.h; models/market_load.c fills them
 * from the scenario and the data tables; models/market_metrics.c samples
 * the market, closes the books and checks the invariants.
 */
#include "models/market.h"
#include "models/market_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "models/checkpoint.h"
#include "models/dlperf.h"
#include "models/ledger.h"
#include "models/offerindex.h"
#include "models/outage.h"
#include "models/pricing.h"
#include "models/priority.h"
#include "models/reliability.h"
#include "models/serverless.h"
#include "sim/engine.h"
#include "sim/results.h"
#include "sim/rng.h"
#include "sim/scenario.h"

static double draw_dist(const struct dist *d, gsl_rng *r)
{
    double u = gsl_rng_uniform(r), acc = 0;

    for (int i = 0; i < d->n; i++) {
        acc += d->v[i].p;
        if (u < acc)
            return d->v[i].v;
    }
    return d->v[d->n - 1].v;
}

static size_t pick_weighted(const double *w, size_t n, gsl_rng *r)
{
    double total = 0, u, acc = 0;

    for (size_t i = 0; i < n; i++)
        total += w[i];
    u = gsl_rng_uniform(r) * total;
    for (size_t i = 0; i < n; i++) {
        acc += w[i];
        if (u < acc)
            return i;
    }
    return n - 1;
}

/* ---- catalogue and DLPerf ---- */

static double bundle_dlperf(const struct market *mk, const struct machine *m,
                            uint32_t gpus)
{
    return dlperf_of_gpu(mk->dlp, mk->gpus[m->gpu].cat, (int)gpus, m->derate);
}

/* ---- reliability ----
 *
 * Scores come from models/reliability.c (the Vast-like default or the
 * RunPod rule, 'reliability.rule'); a machine's up/down history is fed
 * to it as it happens. The score renters see is cached per machine and
 * refreshed whenever the history changes and at every sample, which is
 * how often a real marketplace refreshes it, and cheap to read in the
 * search loop.
 */
static uint32_t band_of(const struct market *mk, const struct machine *m);

static bool machine_verified(const struct market *mk, const struct machine *m)
{
    return m->verified && m->score >= mk->relp.verify_threshold;
}

/* The renter of reservation cid, whose machine has just lost its
 * verification, may withdraw the unused balance whole and move
 * (MARKET-FACTS.md 19), with its archetype's withdraw-deverified chance
 * (drawn only where it is not 0): at once, by an event of the contract's
 * own (on_withdraw), not the renter's timer, which a resumed instance
 * gives up (start_running), and the machine is often deverified as it
 * comes back online. */
static void renter_may_withdraw(struct market *mk, uint32_t cid)
{
    struct contract *c = &mk->c[cid];
    const struct job *jb = &mk->j[c->job];

    if (jb->arch >= mk->nar || mk->ar[jb->arch].withdraw == 0)
        return;
    if (gsl_rng_uniform(mk->r_withdraw) < mk->ar[jb->arch].withdraw) {
        c->withdrawing = true;
        eng_at(mk->e, eng_now(mk->e), mk->k_withdraw, cid);
    }
}

/* What the index entries carry of the score is derived here, when it
 * changes, not for every offer a search ranks or every index update:
 * the score to the fourth power (the score sort's factor) and which
 * archetypes' reliability filters it passes. */
static void set_score(struct market *mk, struct machine *m, double score)
{
    bool was_verified = machine_verified(mk, m);

    m->score = score;
    m->score4 = pow(score, 4);
    m->rel_ok = 0;
    for (size_t i = 0; i < mk->nar && i < 32; i++)
        if (!(score < mk->ar[i].min_rel))
            m->rel_ok |= 1u << i;
    /* Deverified (its score fell below the threshold): the reservations
     * on it may be withdrawn whole from now on, even if it earns its
     * verification back before they end. */
    if (was_verified && !machine_verified(mk, m))
        for (uint32_t k = 0; k < m->nclaims; k++) {
            struct contract *c = &mk->c[m->cids[k]];

            if (c->type == C_RESERVED && !c->deverified) {
                c->deverified = true;
                renter_may_withdraw(mk, m->cids[k]);
            }
        }
}

/* Brings the machine's up/down totals to 'now': every interval is
 * counted under the state it had throughout (callers account before they
 * change the state). */
static void account_state(struct market *mk, struct machine *m, sim_time now)
{
    sim_time dt = now - m->state_mark;

    if (dt > 0) {
        sim_time from = m->state_mark > eng_warmup(mk->e) ? m->state_mark : eng_warmup(mk->e);

        if (m->down) {
            m->down_us_total += (double)dt;
        } else {
            m->up_us_total += (double)dt;
            /* capacity in the market (utilisation's denominator) ends
             * when a leaving machine's last rental has ended */
            if (now > from && (!m->leaving || m->run_gpus > 0))
                m->up_post_us += (double)(now - from);
        }
        /* Uptime as renters meet it: machine time in the market after the
         * warm-up, up or down for any cause, by host class and by the
         * reliability band the machine was in when the interval began. A
         * leaving host is in it until its last instance ends (end_contract()
         * accounts then): its renters still meet its outages. */
        if (now > from && !mkt_gone(m))
            mk->uptime[((size_t)m->cls * NBANDS + band_of(mk, m)) * 2 + (m->down ? 1 : 0)] +=
                (double)(now - from);
        m->state_mark = now;
    }
}

void mkt_rel_refresh(struct market *mk, struct machine *m, sim_time now)
{
    account_state(mk, m, now);
    set_score(mk, m, rel_score(&m->rel, &mk->relp, now));
}

static bool machine_listed(const struct market *mk, const struct machine *m)
{
    if (m->down || m->leaving || m->maint_pending)
        return false;
    return rel_listed(&m->rel, &mk->relp, eng_now(mk->e));
}

/* ---- supply ---- */

/* Index bands: 0 = not verified; then verified machines by score, so a
 * renter filtering on reliability skips whole buckets. */
const double mkt_band_lo[NBANDS] = { 0, 0, 0.95, 0.97, 0.98, 0.99, 0.995 };

static uint32_t band_of(const struct market *mk, const struct machine *m)
{
    uint32_t b = NBANDS - 1;

    if (!machine_verified(mk, m))
        return 0;
    while (b > 1 && m->score < mkt_band_lo[b])
        b--;
    return b;
}

static void compute_thresholds(const struct market *mk, struct machine *m);
static money bid_from(const struct market *mk, const struct archetype *a,
                      uint32_t gpu, money ask, money min_bid);

/* What the index carries for machine m (models/offerindex.h): the least
 * winning interruptible bid matters only for chunk sizes the unclaimed
 * GPUs cannot hold, and only those are computed. Lose bit i is set when
 * archetype i's interruptible searches turn the offer down on price
 * (scan_bucket): its bid (bid_from: the model's going ask caps it, so
 * every entry is refreshed when that moves, in mkt_sample) is 0 or below
 * the threshold. Most claimed offers are claimed by a like renter's bid
 * one micro-dollar under the threshold, so only the exact bid will do,
 * not a bound. Archetypes past the eighth get no bit (they read every
 * entry). */
void mkt_hot_fields(const struct market *mk, struct machine *m, uint32_t free,
                       struct oix_hot *hot)
{
    money bid[8];
    size_t nb = mk->nar < 8 ? mk->nar : 8;
    bool priced = false;

    hot->min_bid = m->min_bid;
    hot->score4 = m->score4;
    hot->cls = m->cls;
    hot->room = m->nclaims < MAX_CLAIMS - 1;
    for (int c = 0; c < OIX_KCLASSES; c++) {
        uint32_t k = 1u << c;

        hot->spd[c] = m->spd[c];
        hot->fit[c] = m->fit[c] & m->rel_ok;
        hot->thr[c] = 0;
        hot->lose[c] = 0;
        if (k < m->min_chunk || k > free)
            continue;           /* no entry in that bucket */
        if (m->hp_gpus + m->int_gpus + k > m->ngpu) {
            if (!m->thr_ok)
                compute_thresholds(mk, m);
            hot->thr[c] = m->thr[c];
        }
        if (!priced) {
            for (size_t i = 0; i < nb; i++)
                bid[i] = bid_from(mk, &mk->ar[i], m->gpu, m->ask, m->min_bid);
            priced = true;
        }
        for (size_t i = 0; i < nb; i++)
            if (bid[i] == 0 || bid[i] < hot->thr[c])
                hot->lose[c] |= (uint8_t)(1u << i);
    }
}

/* Every change to a machine's ask, floor, claims, state or score ends
 * here, so the index never serves a stale offer. */
void mkt_index_machine(struct market *mk, uint32_t id)
{
    struct machine *m = &mk->m[id];
    bool listed = machine_listed(mk, m);
    uint32_t free = listed ? m->ngpu - m->hp_gpus : 0;
    struct oix_hot hot;

    m->listed = listed;
    mkt_hot_fields(mk, m, free, &hot);
    oix_set(mk->ix, id, m->gpu, band_of(mk, m), free, m->min_chunk, m->ask, &hot);
}

/* The claims on machine id changed (a rental, an end, a bid change). */
static void claims_changed(struct market *mk, uint32_t id)
{
    mk->m[id].thr_ok = false;
    mkt_index_machine(mk, id);
}

static void util_mark(struct market *mk, struct machine *m, sim_time now)
{
    m->util_gpu_us += (double)m->run_gpus * (double)(now - m->util_mark);
    m->run_gpu_us += (int64_t)m->run_gpus * (now - m->util_mark);
    if (m->run_gpus < m->ngpu)
        m->part_us += now - m->util_mark;
    if (m->hp_gpus < m->ngpu)
        m->soft_us += now - m->util_mark;
    m->util_mark = now;
    /* A leaving machine stays in the market (utilisation's denominator)
     * while it runs a rental: its running GPUs are about to change, so
     * the time so far is counted under the old count. Counted only at
     * the next refresh, a last rental ending between two samples dropped
     * the hours it ran from the denominator while they stayed in the
     * numerator (datacenter utilisation 1.16 with profit-driven exit). */
    if (m->leaving)
        account_state(mk, m, now);
}

static double power_cost_per_gpu_h(const struct market *mk, const struct gpu *g,
                                   const struct hostclass *hc, const struct region *rg)
{
    (void)mk;
    return g->tdp_w / 1000.0 * hc->pue * rg->kwh;
}

/* 64 bits from a named stream, to key per-machine rng_lite streams by. */
static uint64_t salt_of(gsl_rng *r)
{
    uint64_t hi = gsl_rng_get(r);

    return (hi << 32) ^ gsl_rng_get(r);
}

/* The platform posts one price per model (market.pricing = posted): the
 * model's cost floor at the fleet's average power and amortisation, the
 * averages over the scenario's machine shares of host classes (PUE, the
 * write-off rate 1 / amortisation) and regions (electricity), which are
 * drawn independently. Host overheads are the hosts' own business. */
static double fleet_floor(const struct market *mk, const struct gpu *g)
{
    double pue = 0, per_h = 0, wc = 0, kwh = 0, wr = 0;

    for (size_t h = 0; h < mk->nhc; h++) {
        pue += mk->hc[h].share * mk->hc[h].pue;
        per_h += mk->hc[h].share / mk->hc[h].amort_h;
        wc += mk->hc[h].share;
    }
    for (size_t r = 0; r < mk->nrg; r++) {
        kwh += mk->rg[r].share * mk->rg[r].kwh;
        wr += mk->rg[r].share;
    }
    return g->tdp_w / 1000.0 * (pue / wc) * (kwh / wr) + g->street_usd * per_h / wc;
}

/* 'aged': a machine already in service when the run starts, whose first
 * failure is its residual life, not a new machine's. */
static void schedule_failure(struct market *mk, uint32_t id, bool aged)
{
    const struct outage_params *op = &mk->hc[mk->m[id].cls].op;
    gsl_rng r = rng_lite_gsl(&mk->clk[id].fail);
    double h = aged ? outage_residual_failure_h(op, &r) : outage_next_failure_h(op, &r);

    eng_after(mk->e, sim_time_from_hours(h), mk->k_fail, id);
}

static void schedule_disconnect(struct market *mk, uint32_t id)
{
    const struct outage_params *op = &mk->hc[mk->m[id].cls].op;
    gsl_rng r = rng_lite_gsl(&mk->clk[id].disc);

    if (op->disconnect_per_day > 0)
        eng_after(mk->e, sim_time_from_hours(outage_next_disconnect_h(op, &r)), mk->k_disc, id);
}

static void schedule_maintenance(struct market *mk, uint32_t id)
{
    const struct outage_params *op = &mk->hc[mk->m[id].cls].op;
    gsl_rng r = rng_lite_gsl(&mk->clk[id].maint);
    double h;

    if (op->maint_interval_h <= 0)
        return;
    /* The notice comes first; the window starts 'notice' later. */
    h = outage_next_maintenance_h(op, &r) - op->maint_notice_h;
    eng_after(mk->e, sim_time_from_hours(h > 0 ? h : 0), mk->k_maint_notice, id);
}

/* Profit-driven entry: a new host buys the models whose machines earned
 * most against their cost at their last review, weight x (earnings /
 * floor)^elasticity, the ratio clamped to [0.05, 20] so no model is ruled
 * out forever. A model with no reviewed machine keeps its weight. */
static void entry_weights(struct market *mk, double *w, size_t ng)
{
    double *earn = xcalloc(2 * ng, sizeof *earn), *cost = earn + ng;

    for (size_t i = 0; i < mk->nm; i++) {
        const struct machine *m = &mk->m[i];

        if (m->reviewed && !m->leaving && m->gpu < ng) {
            earn[m->gpu] += m->net_rate * m->ngpu;
            cost[m->gpu] += money_to_usd(m->floor) * m->ngpu;
        }
    }
    for (size_t g = 0; g < ng; g++)
        if (cost[g] > 0)
            w[g] *= pow(fmin(fmax(earn[g] / cost[g], 0.05), 20.0), mk->entry_elast);
    free(earn);
}

/* A machine present at the start has lived 'age_h' hours: its score is
 * built from a past drawn from its class's own outage processes, replayed
 * through the score rule, so the initial spread emerges as it does later
 * (the mean history gave every machine its class's availability: a
 * hobbyist P10 of 0.99 at the start against 0.93 a month on). The last
 * five score horizons are replayed (what came before weighs e^-5 and is
 * taken at the class's availability): host failures (residual life first,
 * lognormal repairs) and disconnects, each during a rental with
 * probability 0.6 [E: the default market's utilisation, 0.57-0.64 by
 * class]. Maintenance (weight 0 by default), regional outages and failed
 * starts are not replayed. Downtime still open at the start ends there:
 * the market's machines start up. */
enum { HIST_FAIL, HIST_DISC };

struct hist_event {
    double at_h;                /* hours after the window's start */
    uint8_t kind, starts, rented;
};

static int cmp_hist(const void *a, const void *b)
{
    const struct hist_event *x = a, *y = b;

    if (x->at_h != y->at_h)
        return x->at_h < y->at_h ? -1 : 1;
    return (int)x->starts - (int)y->starts;     /* an end before a start at one time */
}

static void replay_history(struct market *mk, uint32_t id, double age_h)
{
    struct machine *m = &mk->m[id];
    const struct hostclass *hc = &mk->hc[m->cls];
    const struct outage_params *op = &hc->op;
    double span = fmin(age_h, 5 * mk->relp.horizon_h);
    sim_time t0 = m->joined - sim_time_from_hours(span);
    struct rng_lite g;
    gsl_rng r;
    struct hist_event *ev = NULL;
    size_t n = 0, cap = 0;

    rng_lite_init(&g, mk->salt_hist, id);
    r = rng_lite_gsl(&g);
    rel_init_history(&m->rel, &mk->relp, t0, hc->datacenter, age_h - span,
                     outage_availability(op));
    for (int kind = HIST_FAIL; kind <= HIST_DISC; kind++) {
        double x = kind == HIST_FAIL ? outage_residual_failure_h(op, &r)
                                     : outage_next_disconnect_h(op, &r);

        while (x < span) {
            double d = kind == HIST_FAIL ? outage_repair_h(op, &r) : outage_disconnect_h(op, &r);
            uint8_t rented = gsl_rng_uniform(&r) < 0.6;

            if (n + 2 > cap) {
                cap = cap ? 2 * cap : 16;
                ev = xrealloc(ev, cap * sizeof *ev);
            }
            ev[n++] = (struct hist_event){ x, (uint8_t)kind, 1, rented };
            ev[n++] = (struct hist_event){ fmin(x + d, span), (uint8_t)kind, 0, rented };
            x += d + (kind == HIST_FAIL ? outage_next_failure_h(op, &r)
                                        : outage_next_disconnect_h(op, &r));
        }
    }
    if (n)
        qsort(ev, n, sizeof *ev, cmp_hist);
    for (size_t i = 0; i < n; i++) {
        sim_time at = t0 + sim_time_from_hours(ev[i].at_h);
        enum rel_down k = ev[i].kind == HIST_FAIL ? REL_DOWN_FAILURE : REL_DOWN_DISCONNECT;

        if (at > m->joined)
            at = m->joined;
        if (ev[i].starts)
            rel_on_down(&m->rel, &mk->relp, at, k, ev[i].rented);
        else
            rel_on_cause_end(&m->rel, &mk->relp, at, k, ev[i].rented);
    }
    free(ev);
}

/* Vast's cpu_cores, cpu_ram and disk_space filters for a job of
 * archetype a on 'gpus' of the machine's 'ngpu' GPUs: per GPU for CPU and
 * RAM; the offer's share of the disk (k of n GPUs get k/n of it) must
 * hold the instance's storage. Compared as disk x k >= storage x n: a
 * per-GPU disk cut to whole GB offered a 16-GPU machine's 1000 GB as
 * 992. */
static bool spec_fits(const struct mspec *sp, uint32_t ngpu, const struct archetype *a,
                      uint32_t gpus)
{
    return sp->cpu >= a->min_cpu && sp->ram >= a->min_ram &&
           (double)sp->disk * gpus >= a->storage_gb * ngpu;
}

/* market.posted-interruptible in parts per million, as money_muldiv()
 * applies it: rounded (a cast truncated 0.062507 to 62506). */
static int64_t posted_int_ppm(const struct market *mk)
{
    return llround(mk->posted_int * 1e6);
}

/* The range a host's ask stays in: its cost floor x ask-floor and x
 * ask-ceiling, grossed up for the platform's take (lo_ppm, hi_ppm). */
static void ask_bounds(const struct market *mk, const struct machine *m, money *lo, money *hi)
{
    const struct hostclass *hc = &mk->hc[m->cls];

    *lo = money_muldiv(m->floor, hc->lo_ppm, 1000000);
    *hi = money_muldiv(m->floor, hc->hi_ppm, 1000000);
}

static uint32_t add_machine(struct market *mk, size_t cls, bool initial)
{
    struct machine *m;
    const struct hostclass *hc = &mk->hc[cls];
    double w[64];
    uint32_t id;
    size_t ng = mk->ngpus < 64 ? mk->ngpus : 64;
    double tierw[NTIERS] = { 0 };
    const struct gpu *g;
    double floor, markup;

    if (mk->nm == mk->capm) {
        mk->capm = mk->capm ? 2 * mk->capm : 1024;
        mk->m = xrealloc(mk->m, mk->capm * sizeof *mk->m);
        mk->spec = xrealloc(mk->spec, mk->capm * sizeof *mk->spec);
        mk->clk = xrealloc(mk->clk, mk->capm * sizeof *mk->clk);
    }
    id = (uint32_t)mk->nm++;
    m = &mk->m[id];
    memset(m, 0, sizeof *m);
    m->cls = (uint8_t)cls;
    for (int i = 0; i < hc->tiers.n; i++)
        tierw[(int)hc->tiers.v[i].v] = hc->tiers.v[i].p;
    for (size_t i = 0; i < ng; i++)
        w[i] = mk->gpus[i].share * tierw[mk->gpus[i].tier];
    {
        double total = 0;

        for (size_t i = 0; i < ng; i++)
            total += w[i];
        /* The class's tiers leave it no model of the supply (a market of
         * RTX 3090s only has no datacenter parts): it hosts the supply's
         * models rather than none (pick_weighted would take the last). */
        if (!(total > 0))
            for (size_t i = 0; i < ng; i++)
                w[i] = mk->gpus[i].share;
    }
    if (!initial && mk->entry_elast > 0)
        entry_weights(mk, w, ng);
    m->gpu = (uint32_t)pick_weighted(w, ng, mk->r_supply);
    g = &mk->gpus[m->gpu];
    m->ngpu = (uint8_t)draw_dist(&hc->gpus, mk->r_supply);
    m->region = (uint8_t)pick_weighted(mk->rg_share, mk->nrg, mk->r_supply);
    /* A host that slices no finer than min-chunk GPUs sells a smaller
     * machine whole: its largest power of two (it once fell back to
     * single GPUs, the opposite of what the setting asks). */
    if (hc->min_chunk <= m->ngpu) {
        m->min_chunk = (uint8_t)hc->min_chunk;
    } else {
        m->min_chunk = 1;
        while (2u * m->min_chunk <= m->ngpu)
            m->min_chunk = (uint8_t)(2u * m->min_chunk);
    }
    m->verified = gsl_rng_uniform(mk->r_supply) < hc->verified_p;
    /* Per-machine derating (CPU, PCIe, thermals): the fitted spread around
     * the model's median (1, or what the kernel calibration measured); the
     * draw is made whatever the scale, so the scale does not shift the
     * supply stream. */
    m->derate = g->cat->derate_median *
                pow(dlperf_draw_derate(mk->dlp, mk->r_supply), mk->derate_scale);
    mk->spec[id] = (struct mspec){
        (uint16_t)draw_dist(&hc->cpu, mk->r_spec), (uint16_t)draw_dist(&hc->ram, mk->r_spec),
        (uint32_t)draw_dist(&hc->disk, mk->r_spec)
    };
    m->dlperf = bundle_dlperf(mk, m, 1);
    for (int c = 0; c < OIX_KCLASSES; c++) {
        struct gpu *gm = &mk->gpus[m->gpu];

        m->fit[c] = 0;
        for (size_t i = 0; i < mk->nar && i < 32; i++)
            if (spec_fits(&mk->spec[id], m->ngpu, &mk->ar[i], 1u << c))
                m->fit[c] |= 1u << i;

        m->spd[c] = (float)(bundle_dlperf(mk, m, 1u << c) / ((double)(1u << c) * mk->ref_dlperf));
        if ((double)m->spd[c] > gm->max_spd[c])
            gm->max_spd[c] = (double)m->spd[c];
        if (gm->min_spd[c] == 0 || (double)m->spd[c] < gm->min_spd[c])
            gm->min_spd[c] = (double)m->spd[c];
        if (hc->datacenter && (gm->min_spd_dc[c] == 0 || (double)m->spd[c] < gm->min_spd_dc[c]))
            gm->min_spd_dc[c] = (double)m->spd[c];
    }
    m->power_cost = power_cost_per_gpu_h(mk, g, hc, &mk->rg[m->region]);
    floor = m->power_cost + g->street_usd / hc->amort_h + hc->overhead;
    m->floor = money_from_usd(floor);
    markup = hc->mk_min + (hc->mk_max - hc->mk_min) * gsl_rng_uniform(mk->r_supply);
    if (mk->posted) {
        markup = 1.0;
        m->ask = money_from_usd(fleet_floor(mk, g) * mk->posted_markup);
        m->min_bid = money_muldiv(m->ask, posted_int_ppm(mk), 1000000);
    } else {
        money lo, hi;

        /* The markup draw is clamped to the ask's bounds as repricing
         * does: markup 10 under a ceiling of 6 once asked 12.5x the floor
         * until the first repricing. */
        ask_bounds(mk, m, &lo, &hi);
        m->ask = money_from_usd(floor * mk->net_gross * markup);  /* net of the take */
        m->ask = m->ask < lo ? lo : m->ask > hi ? hi : m->ask;
        m->outside = money_from_usd(m->power_cost * hc->bid_factor * mk->net_gross);
        m->min_bid = m->outside < m->ask ? m->outside : m->ask;
    }
    m->joined = eng_now(mk->e);
    m->state_mark = m->joined;
    m->util_since = m->util_mark = m->joined;
    /* Machines present at the start have a history, so the initial market
     * is not all at the new-machine prior; machines that join later start
     * at the prior. Their ages follow the fleet's own stationary law: a
     * fleet renewed at the join rate J a year (or worn out at the leave
     * rate, whichever turns it over faster) has ages exponential with mean
     * 1/J years. They were exponential with twice the score's horizon (60
     * days), far younger than any fleet the market would reach, and the
     * scores took about 80 days to climb out of the prior: past the
     * warm-up of every shipped scenario. With no turnover at all the
     * prior is long gone (ten horizons). */
    if (initial) {
        double turnover = fmax(mk->join_rate, mk->leave_rate);
        double mean_age_h = turnover > 0 ? SIM_YEAR_H / turnover : 10 * mk->relp.horizon_h;

        replay_history(mk, id, gsl_ran_exponential(mk->r_supply, mean_age_h));
    }
    else
        rel_init(&m->rel, m->joined, hc->datacenter);
    set_score(mk, m, rel_score(&m->rel, &mk->relp, m->joined));
    rng_lite_init(&mk->clk[id].fail, mk->salt_fail, id);
    rng_lite_init(&mk->clk[id].disc, mk->salt_disc, id);
    rng_lite_init(&mk->clk[id].maint, mk->salt_maint, id);
    schedule_failure(mk, id, initial);
    schedule_disconnect(mk, id);
    schedule_maintenance(mk, id);
    if (mk->leave_rate > 0)
        eng_after(mk->e, sim_time_from_hours(gsl_ran_exponential(mk->r_supply,
                  SIM_YEAR_H / mk->leave_rate)), mk->k_leave, id);
    m->review_mark = m->joined;
    if (mk->exit_thr > 0 || mk->entry_elast > 0)
        /* The first review after one to two intervals, so reviews do not
         * come in lockstep; a machine that joins later first gets the
         * grace period to build its score (it starts at the new-machine
         * prior, which few renters accept). */
        eng_after(mk->e, (initial ? 0 : mk->exit_grace) +
                  (sim_time)((double)mk->review * (1 + gsl_rng_uniform(mk->r_exit))),
                  mk->k_review, id);
    /* drawn only where a class anticipates: otherwise the stream is untouched */
    if (hc->anticipate > 0 && gsl_rng_uniform(mk->r_anticipate) < hc->anticipate) {
        m->uday = xcalloc(mk->day_slots, sizeof *m->uday);
        for (size_t k = 0; k < mk->day_slots; k++)
            m->uday[k] = NAN;
    }
    mkt_index_machine(mk, id);
    return id;
}

/* ---- jobs and contracts ---- */

static uint32_t new_job(struct market *mk)
{
    uint32_t id;

    if (mk->free_j != NONE) {
        id = mk->free_j;
        mk->free_j = mk->j[id].next_free;
    } else {
        if (mk->nj == mk->capj) {
            mk->capj = mk->capj ? 2 * mk->capj : 4096;
            mk->j = xrealloc(mk->j, mk->capj * sizeof *mk->j);
        }
        id = (uint32_t)mk->nj++;
    }
    memset(&mk->j[id], 0, sizeof mk->j[id]);
    mk->j[id].contract = NONE;
    mk->j[id].wait_machine = NONE;
    mk->j[id].next_free = NONE;
    mk->j[id].pin = NONE;
    return id;
}

static void free_job(struct market *mk, uint32_t id)
{
    mk->j[id].state = J_DONE;
    mk->j[id].next_free = mk->free_j;
    mk->free_j = id;
}

/* What job jb pays per GPU-hour on demand or reserved when the ask
 * 'ask' locks in: the ask, less a serverless active worker's discount
 * (rounded to the micro-dollar). Host and platform shares are taken from
 * what is paid, as for any rental. */
static money locked_rate(const struct job *jb, money ask)
{
    return jb->disc_ppm ? ask - money_muldiv(ask, jb->disc_ppm, 1000000) : ask;
}

static uint32_t new_contract(struct market *mk)
{
    uint32_t id;

    if (mk->free_c != NONE) {
        id = mk->free_c;
        mk->free_c = mk->c[id].next;
    } else {
        if (mk->nc == mk->capc) {
            mk->capc = mk->capc ? 2 * mk->capc : 4096;
            mk->c = xrealloc(mk->c, mk->capc * sizeof *mk->c);
        }
        id = (uint32_t)mk->nc++;
    }
    memset(&mk->c[id], 0, sizeof mk->c[id]);
    mk->c[id].in_use = true;
    mk->c[id].next = NONE;
    return id;
}

/* Relative speed per GPU of a job on machine m (1 = reference GPU). */
static double speed(const struct market *mk, const struct machine *m, uint32_t gpus)
{
    int c = oix_kclass(gpus);

    if (c >= 0 && (1u << c) == gpus)
        return (double)m->spd[c];
    return bundle_dlperf(mk, m, gpus) / ((double)gpus * mk->ref_dlperf);
}

/* Work (reference-GPU-hours) done by 'useful' µs of running. */
static double work_of(const struct market *mk, const struct contract *c, sim_time useful)
{
    const struct machine *m = &mk->m[c->machine];

    return sim_time_to_hours(useful) * speed(mk, m, c->gpus) * (double)c->gpus;
}

/* Useful and checkpointed running time after 'w' µs of a segment that
 * starts with 'overhead' µs of restart work (models/checkpoint.h does the
 * accounting; tau 0 means no checkpoints). */
static void segment(sim_time w, sim_time overhead, sim_time tau, sim_time cost,
                    sim_time *useful, sim_time *saved)
{
    struct ckpt_state st;

    if (w - overhead <= 0) {
        *useful = *saved = 0;
        return;
    }
    ckpt_at_wall(tau > 0 ? (double)tau : (double)INFINITY, (double)cost,
                 (double)(w - overhead), &st);
    *saved = (sim_time)st.saved;
    *useful = (sim_time)(st.saved + st.unsaved);
}

/* Wall time a segment needs for 'useful' µs of work. */
static sim_time segment_wall(sim_time useful, sim_time overhead, sim_time tau,
                             sim_time cost)
{
    if (useful <= 0)
        return overhead;
    return overhead + (sim_time)ceil(ckpt_wall_for_work(tau > 0 ? (double)tau : (double)INFINITY,
                                                        (double)cost, (double)useful));
}

/* Checkpoint interval for a job renting machine m, fixed for the contract
 * at rental time (rent() stores it in c->tau, so the segment the job is
 * scheduled by and the progress folded from it use the same interval,
 * however the score moves meanwhile). 0 means no checkpoints.
 *
 * Young / Daly need an MTBF, and a renter knows only what the offer shows:
 * the machine's reliability score. Read as the host's up-time fraction
 * r = MTBF / (MTBF + MTTR), it gives MTBF = MTTR r / (1 - r), with MTTR the
 * mean repair time of the host's class (what a renter learns of how long
 * such hosts stay down; models/outage.h). The class's configured 'mtbf'
 * would give every machine of a class one interval, however it has
 * behaved. r is clamped to [0.5, 0.999]: at 1 the MTBF is infinite, and
 * 0.999 already trusts a host for about 1000 repair times (a Vast score
 * never quite reaches 1); below 0.5 the score says more about failed
 * starts and disconnects than about up time (a new machine starts at
 * 0.60), and a host down more than it is up gets checkpoints as if it
 * failed once per repair time. So a new machine (0.60, MTBF 1.5 MTTR) is
 * checkpointed often, a proven one (0.99, 99 MTTR) about 8 times less. */
sim_time mkt_ckpt_tau(const struct market *mk, const struct job *jb,
                      const struct machine *m)
{
    const struct archetype *a = &mk->ar[jb->arch];
    double r = fmin(fmax(score_of(m), 0.5), 0.999);
    double mtbf_h = outage_mttr_h(&mk->hc[m->cls].op) * r / (1.0 - r);
    double tau;

    if (!jb->checkpoints || a->ck == CKPT_NONE)
        return 0;
    tau = ckpt_interval(a->ck, (double)a->ck_interval, (double)a->ck_cost,
                        mtbf_h * 3600e6);
    /* Young and Daly put free checkpoints (cost 0) at interval 0: as often
     * as the clock ticks, not never (0 here means none). */
    return isfinite(tau) ? (sim_time)fmax(tau, 1.0) : 0;
}

static void claims_of(const struct market *mk, const struct machine *m,
                      struct prio_claim *cl, uint32_t *ids, size_t *n)
{
    size_t k = 0;

    /* the claim fields straddle a line in about half the contracts */
    for (uint32_t i = 0; i < m->nclaims; i++) {
        __builtin_prefetch(&mk->c[m->cids[i]].job);
        __builtin_prefetch(&mk->c[m->cids[i]].order);
    }
    for (uint32_t i = m->nclaims; i-- > 0;) {
        uint32_t id = m->cids[i];
        const struct contract *c = &mk->c[id];

        if (c->stopped)
            continue;   /* a stopped serverless worker: interruptibles may use its GPU */
        SIM_ASSERT(k < MAX_CLAIMS);
        cl[k] = (struct prio_claim){ c->gpus, c->type != C_INTERRUPTIBLE, c->bid,
                                     c->order, false, 0 };
        ids[k++] = id;
    }
    *n = k;
}

static void start_running(struct market *mk, uint32_t cid, sim_time now);
static void resume_loading(struct market *mk, uint32_t cid);
static void pause_contract(struct market *mk, uint32_t cid, sim_time now);
static void job_search(struct market *mk, uint32_t jid);
static void job_wait(struct market *mk, uint32_t jid);
static bool contract_expire(struct market *mk, uint32_t cid, sim_time now);

/* The renter of a paused contract reconsiders after its pause patience
 * (on_retry: raise the bid, or move). */
static void renter_reconsiders(struct market *mk, uint32_t cid)
{
    struct job *jb = &mk->j[mk->c[cid].job];

    eng_cancel(mk->e, jb->ev);
    jb->ev = eng_after(mk->e, mk->ar[jb->arch].pause_patience, mk->k_retry, mk->c[cid].job);
}

static void end_contract(struct market *mk, uint32_t cid, sim_time now, bool lose_unsaved);
static void resolve(struct market *mk, uint32_t mid);

/* The renter leaves contract cid (a paused bid it gives up on, an end
 * date, GPUs taken while its instance was stopped) for a fresh search
 * with fresh patience, its saved work with it: it kept the patience it
 * arrived with, so a job paused long after its arrival was dropped,
 * progress and all, without a look at the market. */
static void renter_moves(struct market *mk, uint32_t cid, sim_time now)
{
    uint32_t jid = mk->c[cid].job, mid = mk->c[cid].machine;
    struct job *jb = &mk->j[jid];

    end_contract(mk, cid, now, false);
    resolve(mk, mid);
    eng_cancel(mk->e, jb->ev);
    jb->ev = EVQ_ID_NONE;
    jb->state = J_WAITING;
    jb->give_up = now + mk->ar[jb->arch].patience;
    job_search(mk, jid);
}

/* Whether something that happens at t is measured: the scalars count
 * from the warm-up on, the instant it ends included, as for an arrival
 * (README, Outputs). */
static bool measured(const struct market *mk, sim_time t)
{
    return t >= eng_warmup(mk->e);
}

/* A suspended instance (its host went offline, machine_down) stays
 * paused without a renter's timer: the renter waits for the host. When
 * the host is back and the instance has lost its place meanwhile (a
 * paused bid was raised, a download finished), it is outbid like any
 * other: the renter gets its timer and the pause counts as an
 * interruption. Without this it waited, with no timer, until the auction
 * happened to resume it, which could be never. */
static void outbid_while_suspended(struct market *mk, uint32_t cid, sim_time now)
{
    const struct contract *c = &mk->c[cid];
    const struct job *jb = &mk->j[c->job];

    if (jb->arch >= mk->nar || jb->ev.seq != 0)
        return;         /* a serverless worker, or a renter already deciding */
    if (c->ran && measured(mk, now))
        mk->ar[jb->arch].interruptions++;
    renter_reconsiders(mk, cid);
}

bool mkt_prices_current(const struct market *mk, char *msg, size_t len)
{
    for (size_t i = 0; i < mk->nm; i++) {
        const struct machine *m = &mk->m[i];
        struct prio_claim cl[MAX_CLAIMS];
        uint32_t ids[MAX_CLAIMS];
        size_t n;
        bool settled = true;

        if (m->down || !m->nclaims)
            continue;
        claims_of(mk, m, cl, ids, &n);
        /* a winner still downloading has not displaced the loser yet
         * (resolve pauses losers only when it starts): not settled */
        for (size_t k = 0; k < n; k++)
            settled &= mk->c[ids[k]].state != CS_LOADING;
        if (!settled)
            continue;
        prio_resolve(cl, n, m->ngpu, m->min_bid, mk->clearing);
        for (size_t k = 0; k < n; k++) {
            const struct contract *c = &mk->c[ids[k]];

            if (c->type == C_INTERRUPTIBLE && c->state == CS_RUNNING && cl[k].runs &&
                cl[k].price != c->rate) {
                snprintf(msg, len, "contract %u on machine %zu pays %lld micro-dollars, "
                         "the auction's rule %lld", ids[k], i, (long long)c->rate,
                         (long long)cl[k].price);
                return false;
            }
        }
    }
    return true;
}

/* Re-runs the per-machine auction after any change on machine 'mid'. */
static void resolve(struct market *mk, uint32_t mid)
{
    struct machine *m = &mk->m[mid];
    struct prio_claim cl[MAX_CLAIMS];
    uint32_t ids[MAX_CLAIMS];
    size_t n;
    sim_time now = eng_now(mk->e);

    if (m->down)
        return;
    claims_of(mk, m, cl, ids, &n);
    prio_resolve(cl, n, m->ngpu, m->min_bid, mk->clearing);
    /* Pause losers first so winners never overbook the machine. */
    for (size_t i = 0; i < n; i++) {
        struct contract *c = &mk->c[ids[i]];

        if (!cl[i].runs && c->state != CS_PAUSED)
            pause_contract(mk, ids[i], now);
        else if (!cl[i].runs && !c->stopped)
            outbid_while_suspended(mk, ids[i], now);
    }
    for (size_t i = 0; i < n; i++) {
        struct contract *c = &mk->c[ids[i]];

        if (!cl[i].runs)
            continue;
        if (c->type == C_INTERRUPTIBLE && cl[i].price != c->rate &&
            c->state == CS_RUNNING) {
            mkt_bill_segment(mk, c, now);       /* close the line at the old price */
            c->rate = cl[i].price;
        } else if (c->type == C_INTERRUPTIBLE) {
            c->rate = cl[i].price;
        }
        if (c->state == CS_PAUSED && !c->stopped) {
            if (c->loaded)
                start_running(mk, ids[i], now);
            else
                resume_loading(mk, ids[i]);
        }
    }
}

/* ---- billing ---- */

void mkt_charge(struct market *mk, struct job *jb, struct machine *m,
                   enum bill_kind kind, money amount)
{
    sim_time now = eng_now(mk->e);

    mkt_charge_over(mk, jb, m, kind, amount, now, now);
}

/* The share of something that accrued evenly over [from, to] that falls
 * after the warm-up: what the measures (spend, useful work) count, as the
 * measured GPU-hours and requests are. A point in time (from == to)
 * counts whole or not at all, as measured() says. */
static double after_warmup(const struct market *mk, sim_time from, sim_time to)
{
    sim_time w = eng_warmup(mk->e);

    if (from == to)
        return measured(mk, to) ? 1.0 : 0.0;
    if (to <= w)
        return 0.0;
    return from >= w ? 1.0 : (double)(to - w) / (double)(to - from);
}

void mkt_charge_over(struct market *mk, struct job *jb, struct machine *m,
                     enum bill_kind kind, money amount, sim_time from, sim_time to)
{
    if (amount <= 0)
        return;
    bill_charge(mk->ledger, jb->arch, m->cls, kind, amount);
    m->earned += amount;
    jb->spent += amount;
    mk->ar[jb->arch].spend_usd += money_to_usd(amount) * after_warmup(mk, from, to);
}

/* Where the open GPU line of contract c starts: its billing mark, or a
 * reservation's end when the mark is inside the prepaid term. */
static sim_time due_from(const struct contract *c)
{
    return c->type == C_RESERVED && c->bill_start < c->res_end ? c->res_end : c->bill_start;
}

/* What the running segment of c owes for GPU time up to 'now' (0 when it
 * is not running). Reserved: GPU time within the reservation is prepaid;
 * past its end the rental continues at the undiscounted rate. */
static money segment_due(const struct contract *c, sim_time now)
{
    sim_time from = due_from(c);

    if (c->state != CS_RUNNING)
        return 0;
    return now > from ? bill_gpu_line(c->rate, c->gpus, now - from) : 0;
}

money mkt_storage_due(const struct market *mk, const struct contract *c, sim_time now)
{
    const struct hostclass *hc = &mk->hc[mk->m[c->machine].cls];
    double gb = mk->ar[mk->j[c->job].arch].storage_gb;
    money life = bill_storage_line(hc->storage_price, gb, mkt_storage_time(c, now));
    sim_time idle;

    /* The whole life at the running price, then the stopped part's
     * difference: with one price for both (storage-inactive = 1) there is
     * none, and the line rounds as a single one (this runs for every
     * budgeted contract at every repricing: the default skips the two
     * extra lines). Not negative either way: the first term bills the
     * stopped part too. */
    if (hc->storage_idle == hc->storage_price || (idle = mkt_idle_time(c, now)) == 0)
        return life;
    return life + bill_storage_line(hc->storage_idle, gb, idle) -
           bill_storage_line(hc->storage_price, gb, idle);
}

/* Bills the running segment of contract c up to 'now' and restarts it. */
void mkt_bill_segment(struct market *mk, struct contract *c, sim_time now)
{
    struct job *jb = &mk->j[c->job];
    struct machine *m = &mk->m[c->machine];

    if (c->state != CS_RUNNING || now <= c->bill_start)
        return;
    mkt_charge_over(mk, jb, m, BILL_GPU, segment_due(c, now), due_from(c), now);
    {
        struct archetype *a = &mk->ar[jb->arch];

        if (now > eng_warmup(mk->e)) {
            sim_time from = c->bill_start > eng_warmup(mk->e) ? c->bill_start
                                                               : eng_warmup(mk->e);
            double gh = sim_time_to_hours(now - from) * c->gpus;
            double price = money_to_usd(c->rate);

            double usd = gh * price;

            a->paid_gpu_h[c->type] += gh;
            a->paid_ref += work_of(mk, c, now - from);
            mk->cls_run_h[m->cls] += gh;
            if (c->type == C_RESERVED && from < c->res_end) {
                /* a reservation's hours within its prepaid term cost its
                 * discounted rate; past it, the full rate (segment_due) */
                sim_time to = now < c->res_end ? now : c->res_end;

                usd -= sim_time_to_hours(to - from) * c->gpus * price * c->discount;
            }
            a->gpu_usd += usd;
            /* by contract type, as the price series: a reserved hour at
             * the undiscounted ask made the on-demand mean the ask where
             * renters paid 0.7 of it */
            if (c->type == C_INTERRUPTIBLE) {
                mk->int_price_sum[m->gpu] += usd;
                mk->int_price_w[m->gpu] += gh;
            } else if (c->type == C_RESERVED) {
                mk->res_price_sum[m->gpu] += usd;
                mk->res_price_w[m->gpu] += gh;
            } else {
                mk->od_price_sum[m->gpu] += usd;
                mk->od_price_w[m->gpu] += gh;
            }
        }
    }
    util_mark(mk, m, now);
    c->bill_start = now;
}

/* What happens to the running segment's work since its last checkpoint
 * when the segment ends. */
enum unsaved {
    UNSAVED_KEEP,       /* the job's (a pause, a normal end: saved on stopping) */
    UNSAVED_LOSE,       /* lost (the host failed or lost power) */
    UNSAVED_HOLD        /* held in the suspended instance (c->held): the host
                         * went offline; the job's if it resumes, lost if
                         * the host fails first (release_held) */
};

/* A job kept 'work' more, done over [from, to]: its part after the
 * warm-up is the archetype's useful work. */
static void count_useful(struct market *mk, const struct job *jb, double work,
                         sim_time from, sim_time to)
{
    if (work > 0)
        mk->ar[jb->arch].useful_work += work * after_warmup(mk, from, to);
}

/* Progress of the current running segment folds into the job. */
static void fold_progress(struct market *mk, struct contract *c, sim_time now,
                          enum unsaved how)
{
    struct job *jb = &mk->j[c->job];
    sim_time useful, saved;
    double unsaved, before = jb->saved;

    if (c->state != CS_RUNNING)
        return;
    segment(now - c->seg_start, c->overhead, c->tau,
            jb->ck_cost, &useful, &saved);
    if (how == UNSAVED_KEEP) {
        jb->saved += work_of(mk, c, useful);
    } else {
        jb->saved += work_of(mk, c, saved);
        unsaved = work_of(mk, c, useful - saved);
        if (how == UNSAVED_HOLD)
            c->held += unsaved;
        else if (measured(mk, now))
            mk->ar[jb->arch].lost_work += unsaved;
    }
    if (jb->saved > jb->work)
        jb->saved = jb->work;
    count_useful(mk, jb, jb->saved - before, c->seg_start, now);
}

static void release_held(struct market *mk, struct contract *c, bool lose, sim_time now);

void mkt_fold_at_end(struct market *mk, struct contract *c, sim_time now)
{
    if (c->state == CS_RUNNING) {
        fold_progress(mk, c, now, UNSAVED_KEEP);
        c->seg_start = now;
        c->overhead = 0;
    }
    release_held(mk, c, false, now);    /* held by an instance offline at the end */
}

/* Work a suspended instance held: the job's when it resumes or ends
 * normally, lost when its host fails or loses power. */
static void release_held(struct market *mk, struct contract *c, bool lose, sim_time now)
{
    struct job *jb = &mk->j[c->job];

    if (c->held <= 0)
        return;
    if (lose) {
        if (measured(mk, now))
            mk->ar[jb->arch].lost_work += c->held;
    } else {
        double before = jb->saved;

        jb->saved += c->held;
        if (jb->saved > jb->work)
            jb->saved = jb->work;
        /* done in the segment the host's going offline cut short (its
         * start is still the contract's segment start): counted as a
         * point at the cut, all of it was useful work after the warm-up
         * even when the segment began before it, and goodput came out
         * above 1 */
        count_useful(mk, jb, jb->saved - before,
                     c->seg_start < c->off_since ? c->seg_start : c->off_since, c->off_since);
    }
    c->held = 0;
}

/* Adds contract cid as the newest on machine m. */
static void attach(struct machine *m, uint32_t cid)
{
    if (m->nclaims == m->ccap) {
        uint32_t cap = m->ccap ? 2u * m->ccap : 4u;

        if (cap > UINT8_MAX)
            SIM_PANIC("machine with more than %u contracts", (unsigned)UINT8_MAX);
        m->cids = xrealloc(m->cids, cap * sizeof *m->cids);
        m->ccap = (uint8_t)cap;
    }
    m->cids[m->nclaims++] = cid;
}

/* Contract c holds its GPUs on m (rented, or started again after its
 * renter topped up): on-demand and reserved against other renters,
 * interruptibles as claims in the auction. */
static void hold(struct machine *m, const struct contract *c)
{
    if (c->type != C_INTERRUPTIBLE)
        m->hp_gpus += c->gpus;
    else
        m->int_gpus += c->gpus;
}

/* Contract c no longer holds its GPUs on m (ended, or stopped for good). */
static void unhold(struct machine *m, const struct contract *c)
{
    if (c->type != C_INTERRUPTIBLE)
        m->hp_gpus -= c->gpus;
    else
        m->int_gpus -= c->gpus;
}

static void detach(struct market *mk, uint32_t cid)
{
    struct contract *c = &mk->c[cid];
    struct machine *m = &mk->m[c->machine];
    uint32_t i = 0;

    while (m->cids[i] != cid) {
        i++;
        SIM_ASSERT(i < m->nclaims);
    }
    memmove(&m->cids[i], &m->cids[i + 1], (m->nclaims - i - 1) * sizeof *m->cids);
    m->nclaims--;
    m->thr_ok = false;
    util_mark(mk, m, eng_now(mk->e));   /* the time held so far counts as held */
    if (!c->released)
        unhold(m, c);
}

/* Ends a contract: bills what is open, storage for its life, settles a
 * reservation, frees the slot. The caller re-resolves the machine. */
static void end_contract(struct market *mk, uint32_t cid, sim_time now,
                         bool lose_unsaved)
{
    struct contract *c = &mk->c[cid];
    struct job *jb = &mk->j[c->job];
    struct machine *m = &mk->m[c->machine];

    if (c->state == CS_RUNNING) {
        util_mark(mk, m, now);
        m->run_gpus -= c->gpus;
        fold_progress(mk, c, now, lose_unsaved ? UNSAVED_LOSE : UNSAVED_KEEP);
        mkt_bill_segment(mk, c, now);
    }
    release_held(mk, c, lose_unsaved, now);
    eng_cancel(mk->e, c->ev);
    /* Storage for the instance's whole life, paused time included, its
     * host's offline time not. */
    mkt_charge_over(mk, jb, m, BILL_STORAGE, mkt_storage_due(mk, c, now), c->created, now);
    if (c->type == C_RESERVED && now < c->res_end) {
        /* Ended by the renter (work done, credits out): the early-cancel
         * rule. Killed by its host's failure (lose_unsaved), or on a
         * machine deverified since the rental: the unused balance back,
         * no penalty. */
        sim_time span = c->res_end - c->res_start, used = now - c->res_start;
        money refund = lose_unsaved || c->deverified
            ? bill_unused_prepay(c->prepaid, span, used)
            : bill_early_cancel_refund(c->prepaid, c->rate, c->gpus, span, used,
                                       mk->cancel_fee);

        if (refund > 0) {
            /* The prepaid money was split host/platform at payment; the
             * refund comes back in the same proportion. */
            money from_platform = money_muldiv(refund, bill_fee_ppb(mk->ledger), BILL_PPB);

            bill_refund(mk->ledger, jb->arch, m->cls, refund - from_platform, from_platform);
            m->earned -= refund;
            jb->spent -= refund;
            /* The refund follows its prepay into the measured spend:
             * a prepay made before the warm-up was not counted, and
             * taking its refund off drove a measured spend negative
             * (enterprise's came out 26% low in Quick). */
            if (measured(mk, c->created))
                mk->ar[jb->arch].spend_usd -= money_to_usd(refund);
        }
    }
    /* Before the claim goes: a leaving machine's last one takes it out of
     * the market, and util_mark() counts its time up to now as in it. */
    util_mark(mk, m, now);
    detach(mk, cid);
    jb->contract = NONE;
    c->in_use = false;
    c->next = mk->free_c;
    mk->free_c = cid;
    mkt_index_machine(mk, c->machine);
}

static void pause_contract(struct market *mk, uint32_t cid, sim_time now)
{
    struct contract *c = &mk->c[cid];
    struct machine *m = &mk->m[c->machine];
    struct job *jb = &mk->j[c->job];

    if (c->state == CS_RUNNING) {
        util_mark(mk, m, now);
        m->run_gpus -= c->gpus;
        fold_progress(mk, c, now, UNSAVED_KEEP);       /* paused keeps its data */
        mkt_bill_segment(mk, c, now);
        if (measured(mk, now))
            mk->ar[jb->arch].interruptions++;
    } else if (c->state == CS_LOADING) {
        /* outbid while downloading: the rest of the download waits on
         * the host's disk with the instance */
        c->load_left = c->ev.at > now ? c->ev.at - now : 0;
    }
    eng_cancel(mk->e, c->ev);
    c->ev = EVQ_ID_NONE;
    c->state = CS_PAUSED;
    mkt_idle_sync(c, now);
    if (jb->arch >= mk->nar) {          /* a serverless worker: its endpoint decides */
        sls_on_paused(mk->sls, cid);
        return;
    }
    renter_reconsiders(mk, cid);
}

/* A running contract holds one event: the job's completion, or its end
 * date when that comes first (on_expire). An end date already past (a
 * contract resumed after it, from a pause or a suspension) expires at
 * once; the event keeps that out of the auction that resumed it. */
static void schedule_contract_event(struct market *mk, uint32_t cid, sim_time now)
{
    struct contract *c = &mk->c[cid];

    if (c->done_at <= c->end)
        c->ev = eng_at(mk->e, c->done_at, mk->k_done, cid);
    else
        c->ev = eng_at(mk->e, c->end > now ? c->end : now, mk->k_expire, cid);
}

/* A contract outbid before its download finished wins again: the
 * download goes on where it stopped (on_loaded then runs the auction). */
static void resume_loading(struct market *mk, uint32_t cid)
{
    struct contract *c = &mk->c[cid];
    struct job *jb = &mk->j[c->job];

    eng_cancel(mk->e, jb->ev);      /* downloading, the renter waits, as at rental */
    jb->ev = EVQ_ID_NONE;
    c->state = CS_LOADING;
    mkt_idle_sync(c, eng_now(mk->e));
    c->ev = eng_after(mk->e, c->load_left, mk->k_loaded, cid);
    c->load_left = 0;
}

static void start_running(struct market *mk, uint32_t cid, sim_time now)
{
    struct contract *c = &mk->c[cid];
    struct job *jb = &mk->j[c->job];
    struct machine *m = &mk->m[c->machine];
    double remaining;
    sim_time useful, wall;

    if (!c->loaded)
        eng_fail(mk->e, "contracts.loading", "contract %u starts running before its "
                 "download finished", (unsigned)cid);
    if (c->ran)         /* resuming after a pause: a restart from the preserved state */
        c->overhead = mk->ar[jb->arch].restart;
    release_held(mk, c, false, now);    /* back online: what it held is the job's */
    remaining = jb->work - jb->saved;
    /* running, the renter has nothing to reconsider (paused since it
     * loaded, or since it last ran, it held a pause-patience timer) */
    eng_cancel(mk->e, jb->ev);
    jb->ev = EVQ_ID_NONE;
    /* but for the prepay it means to weigh once it has tried the host
     * (on_prepay); a pause or a stop took that timer, so it is set again
     * here, at once if the time has come meanwhile */
    if (c->type == C_ONDEMAND && !c->prepay_asked && jb->arch < mk->nar &&
        mk->ar[jb->arch].prepay_after > 0) {
        sim_time at = c->created + mk->ar[jb->arch].prepay_after;

        jb->ev = eng_at(mk->e, at > now ? at : now, mk->k_prepay, c->job);
    }
    util_mark(mk, m, now);
    m->run_gpus += c->gpus;
    if (m->run_gpus > m->ngpu || m->down)
        eng_fail(mk->e, "capacity", "machine %u runs %u of its %u GPUs%s", c->machine,
                 (unsigned)m->run_gpus, (unsigned)m->ngpu, m->down ? " while down" : "");
    c->state = CS_RUNNING;
    mkt_idle_sync(c, now);
    c->ran = true;
    c->seg_start = c->bill_start = now;
    useful = sim_time_from_hours(remaining / (speed(mk, m, c->gpus) * (double)c->gpus));
    if (useful < 1)
        useful = 1;
    wall = segment_wall(useful, c->overhead, c->tau, jb->ck_cost);
    c->done_at = now + wall;
    schedule_contract_event(mk, cid, now);
    if (jb->arch >= mk->nar)
        sls_on_running(mk->sls, cid);
}

/* ---- search ---- */

struct cand {
    uint32_t machine;
    double key;                 /* larger is better */
    money price;                /* per GPU-hour the renter would pay */
};

static int by_key(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;

    if (x->key != y->key)
        return x->key > y->key ? -1 : 1;
    return x->machine < y->machine ? -1 : x->machine > y->machine;
}

/* Caches, per machine, the least interruptible bid that would run now
 * for each power-of-two GPU count (models/priority.h): searches compare
 * against it until the machine's claims change. */
static void compute_thresholds(const struct market *mk, struct machine *m)
{
    struct prio_claim cl[MAX_CLAIMS];
    uint32_t ids[MAX_CLAIMS];
    size_t n;

    static const uint32_t sizes[] = { 1, 2, 4, 8, 16 };
    _Static_assert(sizeof sizes / sizeof *sizes == OIX_KCLASSES, "a size per chunk class");

    claims_of(mk, m, cl, ids, &n);
    prio_thresholds(cl, n, m->ngpu, sizes, m->thr, OIX_KCLASSES);
    m->thr_ok = true;
}

/* The speed job jb's value is applied to on a card of model g whose
 * DLPerf speed is 'spd': a job that names model g needs that card for
 * something DLPerf does not measure (its software, FP64, MIG, a paper's
 * set-up), so it values an hour of it as at least 'name-pin-speed'
 * reference-GPU-hours, not by DLPerf alone. Its work still runs at 'spd'. */
static double valued_speed(const struct market *mk, const struct job *jb, uint32_t g,
                           double spd)
{
    if (jb->pin != g)
        return spd;
    return fmax(spd, mk->ar[jb->arch].pin_speed);
}

/* What job jb would pay at most per GPU-hour for a card of model g
 * running at 'spd': the value of its throughput plus the value of the
 * card's memory. Rising with 'spd', so a search bounds a bucket's offers
 * by it at their most speed. */
static double value_cap_at(const struct market *mk, const struct job *jb, uint32_t g,
                           double spd)
{
    return jb->value * valued_speed(mk, jb, g, spd) +
           mk->ar[jb->arch].vram_value * mk->gpus[g].vram_gb;
}

/* value_cap_at() on machine m. */
static double value_cap(const struct market *mk, const struct job *jb,
                        const struct machine *m)
{
    return value_cap_at(mk, jb, m->gpu, speed(mk, m, jb->gpus));
}

/* Archetype a's bid-cap in parts per million: the multiplier
 * bid_limit_at() applies, and the one a search's bounds must use. */
static int64_t cap_ppm(const struct archetype *a)
{
    return (int64_t)(a->bid_cap * 1e6);
}

/* The most archetype a bids per GPU-hour on an offer of model 'gpu' asking
 * 'ask': bid-cap x the lower of this ask and the model's going (median)
 * ask. An interruption is worth a discount on the going on-demand price,
 * not on the dearest machine left; one limit for a new bid, a raise and a
 * cut. */
static money bid_limit_at(const struct market *mk, const struct archetype *a,
                          uint32_t gpu, money ask)
{
    money ref = mk->gpus[gpu].ask_p50 && mk->gpus[gpu].ask_p50 < ask
                ? mk->gpus[gpu].ask_p50 : ask;

    return money_muldiv(ref, cap_ppm(a), 1000000);
}

static money bid_limit(const struct market *mk, const struct archetype *a,
                       const struct machine *m)
{
    return bid_limit_at(mk, a, m->gpu, m->ask);
}

/* The bid a job of archetype a would place on an offer (model 'gpu',
 * 'ask', 'min_bid'): bid-fraction x the ask, at least min_bid, at most
 * bid_limit(). 0 when the floor is above what an interruption is worth
 * to the renter. Takes the offer's fields, not its machine, so a search
 * can price an index entry alone. */
static money bid_uncapped(const struct market *mk, const struct archetype *a, money ask,
                          money min_bid)
{
    money b;

    if (mk->posted)
        return min_bid;
    b = money_from_usd(money_to_usd(ask) * a->bid_frac);
    return b < min_bid ? min_bid : b;
}

/* bid_from() given its uncapped bid 'b' (bid_uncapped()), which a search
 * has already computed to turn most offers down. */
static money bid_capped(const struct market *mk, const struct archetype *a, uint32_t gpu,
                        money ask, money min_bid, money b)
{
    money capb;

    if (mk->posted)
        return b;
    capb = bid_limit_at(mk, a, gpu, ask);
    if (b > capb)
        b = capb;
    return b < min_bid ? 0 : b;
}

static money bid_from(const struct market *mk, const struct archetype *a,
                      uint32_t gpu, money ask, money min_bid)
{
    return bid_capped(mk, a, gpu, ask, min_bid, bid_uncapped(mk, a, ask, min_bid));
}

static money bid_for(const struct market *mk, const struct archetype *a,
                     const struct machine *m)
{
    return bid_from(mk, a, m->gpu, m->ask, m->min_bid);
}

/* specs_fit() for any job: serverless workers (payers past the
 * archetypes) bring no such needs. */
static bool specs_fit(const struct market *mk, const struct job *jb,
                      const struct archetype *a, uint32_t mid)
{
    if (jb->arch >= mk->nar)
        return true;
    return spec_fits(&mk->spec[mid], mk->m[mid].ngpu, a, jb->gpus);
}

/* Vast's dlperf filter: the DLPerf of the bundle the job would rent. */
static bool dlperf_fits(const struct market *mk, const struct job *jb,
                        const struct archetype *a, double spd_per_gpu)
{
    return a->min_dlperf <= 0 || jb->arch >= mk->nar ||
           spd_per_gpu * jb->gpus * mk->ref_dlperf >= a->min_dlperf;
}

/* Vast's duration filter: the offer (of host class cls, at speed spd per
 * GPU) must last for the job's expected run with a margin of 1.3. */
static bool lasts_for(const struct market *mk, const struct job *jb, double spd, uint8_t cls)
{
    return sim_time_from_hours((jb->work - jb->saved) / (spd * (double)jb->gpus) * 1.3) <=
           mk->hc[cls].offer_dur;
}

/* Could machine m host job jb as 'type' now, and at what price? Checks
 * run cheapest and most selective first: the search calls this for every
 * offer it looks at. */
static bool admissible(struct market *mk, const struct job *jb, uint32_t mid,
                       enum contract_type type, money *price, money *bid)
{
    struct machine *m = &mk->m[mid];
    const struct archetype *a = &mk->ar[jb->arch];
    money b = 0;
    double sp, cap;

    if (!m->listed || m->ngpu < jb->gpus || m->nclaims >= MAX_CLAIMS - 1)
        return false;
    if (type == C_INTERRUPTIBLE) {
        b = bid_for(mk, a, m);
        if (b == 0)
            return false;
        /* Enough GPUs nobody claims at all, or a bid above the cached
         * least winning bid (models/priority.h). */
        if (m->hp_gpus + m->int_gpus + jb->gpus > m->ngpu) {
            int c = oix_kclass(jb->gpus);

            /* Jobs ask for powers of two (parse_dist), so a threshold is
             * always cached for their size. */
            SIM_ASSERT(c >= 0 && (1u << c) == jb->gpus);
            if (!m->thr_ok)
                compute_thresholds(mk, m);
            if (b < m->thr[c])
                return false;
        }
    } else if ((uint32_t)(m->ngpu - m->hp_gpus) < jb->gpus) {
        return false;
    }
    if (a->verified_only && !machine_verified(mk, m))
        return false;
    if (jb->secure && !mk->hc[m->cls].datacenter)
        return false;
    if (!specs_fit(mk, jb, a, mid))
        return false;
    if (score_of(m) < a->min_rel)
        return false;
    if (!dlperf_fits(mk, jb, a, speed(mk, m, jb->gpus)))
        return false;
    if (mk->gpus[m->gpu].vram_gb < jb->vram)
        return false;
    sp = speed(mk, m, jb->gpus);
    cap = value_cap(mk, jb, m);
    if (money_to_usd(type == C_INTERRUPTIBLE ? b : m->ask) > cap)
        return false;
    if (!lasts_for(mk, jb, sp, m->cls))
        return false;
    *price = type == C_INTERRUPTIBLE ? b : m->ask;
    *bid = b;
    return true;
}

/* The prepaid terms a renter may choose, in months of 30 days. */
static const int reserve_months[] = { 1, 3 };
#define RESERVE_TERMS ((int)(sizeof reserve_months / sizeof *reserve_months))

/* A term's discount on a host of class hc: the market's, capped by the
 * host (credit_discount_max). */
static double term_discount(const struct market *mk, const struct hostclass *hc, int months)
{
    double d = months == 3 ? mk->disc3 : mk->disc1;

    return d < hc->max_discount ? d : hc->max_discount;
}

/* The shortest expected run, in hours, for which some term on some host
 * job 'jb' could rent costs less than on demand. A term of T hours at
 * discount d costs at least its prepay (1 - d) x T, and ended early costs
 * the hours used at the full rate plus the fee on the unused balance (the
 * early-cancel rule), more than on demand: it pays off only past
 * (1 - d) x T, 576 h for a month at 0.2. A term without a discount never
 * does (it costs its hours, and ties go to on demand), nor does a host
 * class the job cannot rent (a Secure Cloud job rents datacenters only):
 * HUGE_VAL when no term is left. Below this no renter prepays; above it
 * rent() compares the exact costs on the machine picked
 * (bill_cheapest_term). */
static double reserve_min_h(const struct market *mk, const struct job *jb)
{
    double best = HUGE_VAL;

    for (size_t k = 0; k < mk->nhc; k++) {
        if (jb->secure && !mk->hc[k].datacenter)
            continue;
        for (int t = 0; t < RESERVE_TERMS; t++) {
            double d = term_discount(mk, &mk->hc[k], reserve_months[t]);
            double h = (1.0 - d) * reserve_months[t] * 30 * 24;

            if (d > 0 && h < best)
                best = h;
        }
    }
    return best;
}

/* The prepaid term that costs job jb least for a run of 'run' on a host
 * of class hc at 'price' per GPU-hour, if one costs less than on demand,
 * among those the credits it has left pay for (a renter cannot prepay
 * what it does not have): returns its months, and sets its discount and
 * prepay; 0 for none (on demand). A term ended early costs more than its
 * hours on demand, so a quarter pays off only past about 1656 h at the
 * default discounts (a month and then per second is cheaper before). */
static int cheapest_term(const struct market *mk, const struct job *jb,
                         const struct hostclass *hc, money price, sim_time run, double *d,
                         money *prepaid)
{
    struct bill_term terms[RESERVE_TERMS];
    int pick;

    for (int t = 0; t < RESERVE_TERMS; t++) {
        terms[t].span = reserve_months[t] * 30 * SIM_DAY;
        terms[t].discount = term_discount(mk, hc, reserve_months[t]);
    }
    pick = bill_cheapest_term(price, jb->gpus, run, terms, RESERVE_TERMS, mk->cancel_fee,
                              jb->budget == 0 ? INT64_MAX : jb->budget - jb->spent);
    if (pick < 0)
        return 0;
    *d = terms[pick].discount;
    *prepaid = bill_prepay(price, jb->gpus, terms[pick].span, *d);
    return reserve_months[pick];
}

/* Contract cid becomes a reservation of 'months' from 'now' at discount
 * d, its renter paying 'prepaid' (at rental, or converting a running
 * on-demand rental: on_prepay). */
static void begin_term(struct market *mk, uint32_t cid, int months, double d, money prepaid,
                       sim_time now)
{
    struct contract *c = &mk->c[cid];

    c->type = C_RESERVED;
    c->discount = d;
    c->res_start = now;
    c->res_end = now + months * 30 * SIM_DAY;
    /* A host cannot stop a reservation inside its prepaid term (it is
     * rented for that term: on Vast, only up to the end date), so a
     * prepaid term never ends early at the end date, and the host never
     * owes a refund of the unused prepay there. */
    if (c->end < c->res_end)
        c->end = c->res_end;
    c->prepaid = prepaid;
    mkt_charge(mk, &mk->j[c->job], &mk->m[c->machine], BILL_PREPAY, c->prepaid);
}

static enum contract_type choose_type(const struct market *mk, const struct job *jb,
                                      double expected_h)
{
    if (jb->pref == C_RESERVED && expected_h <= reserve_min_h(mk, jb))
        return C_ONDEMAND;      /* too short for any prepay to pay off */
    return (enum contract_type)jb->pref;
}

static void rent(struct market *mk, uint32_t jid, uint32_t mid,
                 enum contract_type type, money price, money bid);

/* The score-sort noise for one offer in one search: a pure function of
 * (run salt, search number, machine), so which offers a search ends up
 * with never depends on the order it looks at buckets in, nor on how much
 * it could prune. Lognormal, clipped at noise_max. */
static double search_noise(const struct market *mk, uint32_t machine, double noise_max)
{
    struct rng_lite g;
    double u1, u2, z;

    rng_lite_init(&g, mk->noise_salt ^ mk->searches, machine);
    u1 = 1.0 - rng_lite_uniform(&g);        /* (0, 1] */
    u2 = rng_lite_uniform(&g);
    z = sqrt(-2.0 * log(u1)) * cos(2.0 * PI * u2);
    return fmin(exp(z * mk->noise), noise_max);
}

/* One bucket (model x band) a search may visit, with the best key any of
 * the offers it may look at could reach (their cheapest ask and most
 * speed). */
struct bucket_ref {
    double bound;
    double spmax;                   /* the most speed among those offers */
    uint32_t n, band;               /* offers it may look at; its band */
};

/* A model a search may visit. Once expanded (expand_model), its
 * acceptable buckets are br[first .. first + count), best first, and its
 * bound is theirs; before, a bound on them all (collect_models). */
struct model_ref {
    double bound;
    uint32_t g, first, count;
    bool expanded;
};

static bool model_before(const struct model_ref *x, const struct model_ref *y)
{
    if (x->bound != y->bound)
        return x->bound > y->bound;
    return x->g < y->g;
}

/* Models are visited best bound first from a binary max-heap: a search
 * usually stops after a few of them, so sorting all would be wasted. */
static void model_down(struct model_ref *h, size_t n, size_t i)
{
    struct model_ref x = h[i];

    for (;;) {
        size_t c = 2 * i + 1;

        if (c >= n)
            break;
        if (c + 1 < n && model_before(&h[c + 1], &h[c]))
            c++;
        if (!model_before(&h[c], &x))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = x;
}

/* One search in progress: the renter's question and its best few so far. */
struct search {
    const struct job *jb;
    const struct archetype *a;
    int kc;                         /* chunk class of the job's GPU count */
    enum contract_type type;        /* reserved searches as on-demand */
    double cut;                     /* least fraction of an ask it bids (least_price) */
    double cap_lo;                  /* bid cap per USD of reference, as bid_limit_at applies it */
    double noise_max;               /* most the score noise can multiply */
    double rank_max;                /* most the datacenter rank can multiply */
    /* cap_lo rounded up, so a bid above cap_hi x reference + 1 micro-dollar
     * is surely above bid_limit_at() */
    double cap_hi;
    uint32_t bands[NBANDS];         /* the bands its filters let in (search_bands) */
    size_t nbands;
    uint32_t fit;                   /* the job's bit in oix_entry.fit; 0: ask specs_fit() */
    uint8_t mine;                   /* the job's lose bit; 0: read every entry */
    /* USD per GPU-hour the job's storage costs on each host class: added
     * to the GPU price in every sort key (storage_share) */
    double st[UINT8_MAX + 1];
    double st_min;                  /* the least of them */
    struct cand cands[128];
    size_t nc, worst, top;
    /* cands[worst].key once the top few are full, -HUGE_VAL before: no
     * bound or key (all finite) is at or below it until then */
    double wkey;
};

/* Vast sorts by dlperf_per_dphtotal and dph (dph_total): the total $/h
 * of an instance, GPU time and the storage it keeps (MARKET-FACTS.md 28).
 * Every sort key here counts the job's storage on each host class, per
 * GPU so it adds to the per-GPU price (the order is that of the bundle's
 * DLPerf per total $/h, or total $/h), at the hourly rate of the line
 * end_contract bills (bill_storage_line). Prices per GPU-hour are still
 * what the renter's cap and the bid rule compare: those are its value of
 * the GPU time, and storage is a cost of any host it would rent.
 * Storage raises every total by at least the least class's share (which
 * storage_share returns), so a bound from the least GPU price plus that
 * (key_bound) is still no less than any key an offer beyond it can reach;
 * the cut-offs stay exact. */
static double storage_share(const struct market *mk, const struct job *jb, double *st)
{
    double gb = mk->ar[jb->arch].storage_gb, least = HUGE_VAL;

    SIM_ASSERT(mk->nhc <= UINT8_MAX + 1);
    for (size_t k = 0; k < mk->nhc; k++) {
        st[k] = money_to_usd(bill_storage_line(mk->hc[k].storage_price, gb, SIM_HOUR)) /
                (double)jb->gpus;
        least = fmin(least, st[k]);
    }
    return least;
}

/* The least USD per GPU-hour a search could pay for an offer asking
 * 'ask' or more, of a model whose going (median) ask is 'ref' (USD;
 * HUGE_VAL when none): the search's cut-offs bound every key by it, so
 * it must be no more than any price the offer's checks can admit.
 * On-demand pays the ask. An interruptible pays its bid: bid-fraction x
 * the ask, or min_bid, but at most the bid limit, bid-cap x the lower of
 * the ask and the going ask (bid_from); under posted pricing, min_bid,
 * the posted share of the ask. Both rise with the ask, so the bound holds
 * for every later offer of a bucket sorted by ask; each is rounded to the
 * micro-dollar, which 2 micro-dollars of slack cover. */
static double least_price(const struct search *s, double ask, double ref)
{
    double lo;

    if (s->type != C_INTERRUPTIBLE)
        return ask;
    lo = ask * s->cut;
    if (s->cap_lo * (ask < ref ? ask : ref) < lo)
        lo = s->cap_lo * (ask < ref ? ask : ref);
    lo -= 2e-6;
    return lo > 0 ? lo : 0;
}

/* The going (median) ask of model g in USD, HUGE_VAL while it has none:
 * least_price()'s 'ref'. */
static double going_ask(const struct market *mk, uint32_t g)
{
    return mk->gpus[g].ask_p50 ? money_to_usd(mk->gpus[g].ask_p50) : HUGE_VAL;
}

/* The best key an offer at price 'lo' or more can reach on a model whose
 * fastest machine runs at 'spmax' (sort keys in scan_bucket). */
static double key_bound(const struct search *s, double lo, double spmax)
{
    lo += s->st_min;            /* every key counts some storage */
    return s->a->sort == SORT_PRICE ? -lo
                                    : spmax / (lo + 1e-6) * s->noise_max * s->rank_max;
}

/* Can nothing with best possible key 'bound' enter the top few? Strictly
 * below the worst kept key: an offer whose key equals it still enters
 * when its machine number is lower (by_key). */
static bool cut_off(const struct search *s, double bound)
{
    return bound < s->wkey;
}

/* Keeps 'c' if it belongs among the top few. */
static void offer_cand(struct search *s, struct cand c)
{
    if (s->nc < s->top)
        s->cands[s->nc++] = c;
    else if (by_key(&c, &s->cands[s->worst]) < 0)
        s->cands[s->worst] = c;
    else
        return;
    if (s->nc == s->top) {
        s->worst = 0;
        for (size_t k = 1; k < s->nc; k++)
            if (by_key(&s->cands[k], &s->cands[s->worst]) > 0)
                s->worst = k;
        s->wkey = s->cands[s->worst].key;
    }
}

/* The bands the archetype's filters let in, the same for every model:
 * band 0 (unverified) unless it wants verified machines only, and each
 * verified band whose best scores reach its min-reliability. */
static size_t search_bands(const struct archetype *a, uint32_t *bands)
{
    size_t n = 0;

    if (!a->verified_only)
        bands[n++] = 0;
    for (uint32_t band = 1; band < NBANDS; band++)
        if (band + 1 == NBANDS || mkt_band_lo[band + 1] > a->min_rel)
            bands[n++] = band;
    return n;
}

/* How many of a bucket's offers a search may look at, and the most speed
 * among them; 0 when it need not visit the bucket at all. */
static size_t band_reach(const struct market *mk, const struct search *s,
                         const struct oix_head *h, uint32_t g, double *spmax)
{
    size_t n = h->n;

    /* Like Vast's search, which shows a small subset of its listings, a
     * renter looks at the first 'search-depth' offers of a bucket. Vast
     * filters before it cuts the list, so a Secure Cloud search counts
     * only datacenter offers towards the depth (scan_bucket). */
    if (n > (size_t)mk->depth && !s->jb->secure)
        n = (size_t)mk->depth;
    if (n == 0)
        return 0;
    if (s->mine && !(h->open & s->mine))
        return 0;       /* every offer it would read turns the bid down */
    /* The head knows the fastest of the first search-depth offers, all a
     * search reads but a Secure Cloud one (which reads on past those it
     * filters out): the model's fastest machine can be much faster than
     * any of them. */
    *spmax = n <= (size_t)mk->depth ? (double)oix_head_spd(h) : mk->gpus[g].max_spd[s->kc];
    return n;
}

/* Lists the models a search may visit in mk->mref, each with a bound on
 * the best key any of its acceptable buckets could reach: from the
 * cheapest first ask and the most speed among them, a few loads and
 * compares a bucket. Bounding each bucket on its own costs a division
 * and more, and a search visits a few of the seventy or so buckets it
 * could; expand_model() does that for a model when its turn comes.
 * Returns the number of models. */
static size_t collect_models(struct market *mk, const struct search *s)
{
    const struct job *jb = s->jb;
    const struct archetype *a = s->a;
    struct model_ref *mr = mk->mref;
    size_t nm = 0;

    for (size_t g = 0; g < mk->ngpus; g++) {
        const struct oix_head *heads;
        money first = INT64_MAX;
        double spmax = 0, lo, capmax;

        if (mk->gpus[g].vram_gb < jb->vram || (a->models && !a->models[g]))
            continue;
        /* Vast's gpu_name filter: a job that names a model is shown that
         * model's offers and no other; everything below applies as for
         * any search. */
        if (jb->pin != NONE && jb->pin != g)
            continue;
        heads = oix_heads(mk->ix, (uint32_t)g, s->kc);
        for (size_t bi = 0; bi < s->nbands; bi++) {
            const struct oix_head *h = &heads[s->bands[bi]];
            double sp;

            if (band_reach(mk, s, h, (uint32_t)g, &sp) == 0)
                continue;
            if (h->first < first)
                first = h->first;
            if (sp > spmax)
                spmax = sp;
        }
        if (first == INT64_MAX)
            continue;
        lo = least_price(s, money_to_usd(first), going_ask(mk, (uint32_t)g));
        capmax = value_cap_at(mk, jb, (uint32_t)g, spmax);
        if (lo > capmax && mk->prune)
            continue;           /* sorted by ask: nothing is cheap enough */
        mr[nm++] = (struct model_ref){ key_bound(s, lo, spmax), (uint32_t)g, 0, 0, false };
    }
    return nm;
}

/* Lists model m's acceptable buckets, best bound first, in mk->bref from
 * mk->nbref on, and lowers its bound to the best of theirs: no more than
 * collect_models() gave it, which used the least ask and most speed of
 * them all. */
static void expand_model(struct market *mk, const struct search *s, struct model_ref *m)
{
    const struct job *jb = s->jb;
    struct bucket_ref *br = mk->bref;
    uint32_t g = m->g;
    size_t first = mk->nbref, nb = first;
    double ref = going_ask(mk, g);
    const struct oix_head *heads = oix_heads(mk->ix, g, s->kc);

    for (size_t bi = 0; bi < s->nbands; bi++) {
        uint32_t band = s->bands[bi];
        double lo, spmax, capmax;
        size_t n = band_reach(mk, s, &heads[band], g, &spmax), k;
        struct bucket_ref r;

        if (n == 0)
            continue;
        capmax = value_cap_at(mk, jb, g, spmax);
        lo = least_price(s, money_to_usd(heads[band].first), ref);
        if (lo > capmax && mk->prune)
            continue;       /* sorted by ask: nothing here is cheap enough */
        r = (struct bucket_ref){ key_bound(s, lo, spmax), spmax, (uint32_t)n, band };
        /* insertion, best first: a model has a handful of bands */
        for (k = nb++; k > first && br[k - 1].bound < r.bound; k--)
            br[k] = br[k - 1];
        br[k] = r;
    }
    mk->nbref = nb;
    m->first = (uint32_t)first;
    m->count = (uint32_t)(nb - first);
    m->expanded = true;
    if (m->count > 0)
        m->bound = br[first].bound;
}

/* The rest of admissible() for an index entry whose price checks in
 * scan_bucket passed ('b' its bid when interruptible), from the entry
 * alone: the entry carries what admissible() would read from the machine
 * record, and being in this bucket already means listed, enough GPUs free
 * (or unclaimed enough that 'thr' is 0) and the band's verification. */
static bool offer_fits(const struct market *mk, const struct search *s,
                       const struct oix_entry *e, money b, money *price)
{
    const struct job *jb = s->jb;

    if (!e->room ||
        !(s->fit ? (e->fit & s->fit) != 0
                 : !(score_of(&mk->m[e->machine]) < s->a->min_rel) &&
                   specs_fit(mk, jb, s->a, e->machine)) ||
        !dlperf_fits(mk, jb, s->a, (double)e->spd))
        return false;
    if (!lasts_for(mk, jb, (double)e->spd, e->cls))
        return false;
    *price = s->type == C_INTERRUPTIBLE ? b : e->ask;
    return true;
}

/* Looks at one bucket's offers, cheapest first, until 'candidates' pass
 * or nothing further can enter the top few. */
static void scan_bucket(struct market *mk, struct search *s, const struct bucket_ref *r,
                        uint32_t g)
{
    const struct job *jb = s->jb;
    const struct archetype *a = s->a;
    const struct oix_entry *v;
    const uint8_t *lose;
    double spmax = r->spmax;
    double capmax = value_cap_at(mk, jb, g, spmax);
    /* bid_limit_at()'s reference: the model's going ask, when there is one */
    double ref = mk->gpus[g].ask_p50 ? (double)mk->gpus[g].ask_p50 : HUGE_VAL;
    double ref_usd = going_ask(mk, g);
    size_t taken = 0, shown = 0;
    /* Offers that turn this renter's bid down (their lose bit) are passed
     * over on the packed column alone. The loop's breaks depend only on
     * the ask, which rises along the bucket, so deciding them at the next
     * offer not passed over ends the scan where reading every entry
     * would. */
    uint8_t mine = s->mine;
    size_t read = 0;

    oix_view(mk->ix, g, s->kc, r->band, &v, &lose);

    for (size_t i = 0; i < r->n && taken < (size_t)mk->candidates; i++) {
        money price, b = 0;
        double sp, key, lo, total;

        if (mine) {
            while (i < r->n && (lose[i] & mine))
                i++;
            if (i == r->n)
                break;
        }
        read++;
        if (mk->prune) {
            lo = least_price(s, money_to_usd(v[i].ask), ref_usd);
            if (lo > capmax)
                break;  /* sorted by ask: nothing further is cheap enough */
            if (cut_off(s, key_bound(s, lo, spmax)))
                break;  /* nothing further can enter the top few */
        }
        if (jb->secure) {
            if (!mk->hc[v[i].cls].datacenter)
                continue;       /* filtered out before the list is cut */
            if (shown++ == (size_t)mk->depth)
                break;
        }
        /* admissible(), from the entry alone: most offers fail its price
         * checks, and those that pass need no machine record either
         * (offer_fits; index_check keeps the entries exact). */
        if (s->type == C_INTERRUPTIBLE) {
            /* Renters without a lose bit: nine offers in ten an
             * interruptible looks at are fully claimed at a threshold
             * above any bid it could make, often by one micro-dollar (a
             * like renter's bid). A nonzero bid_from() is at most
             * max(ask x bid-fraction, min_bid), computed here as it does,
             * and at most the bid limit, bid-cap x min(ask, going ask),
             * bounded in doubles with a micro-dollar and then some to
             * spare for rounding: those offers are turned down without the
             * limit's exact arithmetic (and so are those whose min_bid is
             * above the limit, which bid 0). The exact check follows. */
            double ask = (double)v[i].ask;
            money most = bid_uncapped(mk, a, v[i].ask, v[i].min_bid);
            money need = v[i].thr > v[i].min_bid ? v[i].thr : v[i].min_bid;

            if (!mine && (most < v[i].thr ||
                          (double)need > s->cap_hi * (ask < ref ? ask : ref) + 1.0))
                continue;
            b = bid_capped(mk, a, g, v[i].ask, v[i].min_bid, most);
            if (b == 0 || b < v[i].thr)
                continue;
        }
        if (money_to_usd(s->type == C_INTERRUPTIBLE ? b : v[i].ask) >
            value_cap_at(mk, jb, g, (double)v[i].spd))
            continue;
        if (!offer_fits(mk, s, &v[i], b, &price))
            continue;
        sp = (double)v[i].spd;      /* speed(): job sizes are powers of two */
        total = money_to_usd(price) + s->st[v[i].cls];
        switch (a->sort) {
        case SORT_PRICE:
            key = -total;
            break;
        case SORT_SCORE: {
            /* Vast's auto ranking: DLPerf per dollar and reliability, with
             * an element of randomness (MARKET-FACTS.md 29), and datacenter
             * status ranked higher (26). */
            double rank = mk->hc[v[i].cls].datacenter ? mk->dc_rank : 1.0;

            key = sp / (total + 1e-6) * v[i].score4;
            /* The noise is at most noise_max, and a product rounds
             * monotonically: an offer that could not enter the full top
             * few even at noise_max is counted without drawing its noise
             * (three libm calls). The factors multiply in key_bound()'s
             * order, so neither bound rounds below a key. */
            if (key * s->noise_max * rank < s->wkey && mk->prune) {
                taken++;
                continue;
            }
            key = key * search_noise(mk, v[i].machine, s->noise_max) * rank;
            break;
        }
        case SORT_DLPERF_PER_DOLLAR:
        default:
            key = sp / (total + 1e-6);
            break;
        }
        taken++;
        offer_cand(s, (struct cand){ v[i].machine, key, price });
    }
    mk->stats.buckets[s->type == C_INTERRUPTIBLE]++;
    mk->stats.entries[s->type == C_INTERRUPTIBLE] += read;
}

static void job_search(struct market *mk, uint32_t jid)
{
    struct job *jb = &mk->j[jid];
    const struct archetype *a = &mk->ar[jb->arch];
    enum contract_type type = (enum contract_type)jb->pref;
    /* Assigned field by field: an initialiser would zero the 5 KiB of
     * st[] and cands[] on every search, which only ever reads what
     * storage_share() and offer_cand() wrote there. */
    struct search s;
    struct model_ref *mr = mk->mref;
    size_t nm;

    s.jb = jb;
    s.a = a;
    s.kc = oix_kclass(jb->gpus);
    s.type = type == C_RESERVED ? C_ONDEMAND : type;
    s.nc = s.worst = 0;
    /* Secure searches count what they pass (scan_bucket), so they read
     * every entry; so does a search that prunes nothing. */
    s.mine = mk->prune && s.type == C_INTERRUPTIBLE && !jb->secure && jb->arch < 8
             ? (uint8_t)(1u << jb->arch) : 0;
    s.wkey = -HUGE_VAL;
    s.fit = jb->arch < mk->nar && jb->arch < 32 && s.kc >= 0 && (1u << s.kc) == jb->gpus
            ? 1u << jb->arch : 0;
    s.top = (size_t)mk->top < 128 ? (size_t)mk->top : 128;

    if (s.kc < 0)
        goto none;
    mk->searches++;
    if (jb->wait_machine != NONE) {
        /* Waiting for a failed machine: only that one will do while it is
         * under repair (the renter looks again later, to its patience);
         * back up but taken, repriced past the renter's cap or leaving,
         * the renter searches the market. */
        money price, b;
        struct machine *m = &mk->m[jb->wait_machine];

        if (m->down && !m->leaving) {
            job_wait(mk, jid);
            return;
        }
        if (!m->down && admissible(mk, jb, jb->wait_machine, C_ONDEMAND == type ||
                                type == C_RESERVED ? type : C_INTERRUPTIBLE, &price, &b)) {
            /* the contract as a search would choose it: a renter who
             * prepays long runs reserves the repaired host again */
            double exp_h = (jb->work - jb->saved) / (speed(mk, m, jb->gpus) * jb->gpus);

            rent(mk, jid, jb->wait_machine, choose_type(mk, jb, exp_h), price, b);
            return;
        }
        jb->wait_machine = NONE;
    }
    /* An interruptible pays at least bid-fraction x ask, so within a
     * bucket sorted by ask the best key any later entry could reach is
     * bounded. Models are visited best bound first, so the renter's top
     * few fill with good offers early and the rest of the market is cut
     * off whole (best-first branch and bound). */
    /* least_price(): the multipliers as money_muldiv() applies them */
    s.cut = type != C_INTERRUPTIBLE ? 1.0
            : mk->posted ? (double)posted_int_ppm(mk) * 1e-6 : a->bid_frac;
    s.cap_lo = mk->posted ? HUGE_VAL : (double)cap_ppm(a) * 1e-6;
    s.cap_hi = s.cap_lo * (1.0 + 1e-9);
    s.noise_max = a->sort == SORT_SCORE ? exp(4.0 * mk->noise) : 1.0;
    s.rank_max = a->sort == SORT_SCORE ? mk->dc_rank : 1.0;
    s.st_min = storage_share(mk, jb, s.st);
    s.nbands = search_bands(a, s.bands);
    nm = collect_models(mk, &s);
    mk->nbref = 0;
    mk->stats.searches[s.type == C_INTERRUPTIBLE]++;
    for (size_t i = nm / 2; i-- > 0;)
        model_down(mr, nm, i);
    while (nm > 0) {
        struct model_ref cur = mr[0];

        if (mk->prune && cut_off(&s, cur.bound))
            break;          /* no later model can enter the top few */
        if (!cur.expanded) {
            /* its exact bound is no more than the one it had: back into
             * the heap with it, or out if no bucket is left */
            expand_model(mk, &s, &mr[0]);
            if (mr[0].count == 0)
                mr[0] = mr[--nm];
            model_down(mr, nm, 0);
            continue;
        }
        mr[0] = mr[--nm];
        model_down(mr, nm, 0);
        for (uint32_t bi = cur.first; bi < cur.first + cur.count; bi++) {
            if (mk->prune && cut_off(&s, mk->bref[bi].bound))
                break;      /* nor can this model's later buckets */
            scan_bucket(mk, &s, &mk->bref[bi], cur.g);
        }
    }
    if (s.nc > 0) {
        struct cand *cands = s.cands;

        mk->stats.found[s.type == C_INTERRUPTIBLE]++;
        size_t pick, nc = s.nc;
        money price, b;

        /* Order the few kept so the pick is independent of scan order. */
        for (size_t i = 0; i < nc; i++) {
            size_t best = i;

            for (size_t k = i + 1; k < nc; k++)
                if (by_key(&cands[k], &cands[best]) < 0)
                    best = k;
            if (best != i) {
                struct cand t = cands[i];

                cands[i] = cands[best];
                cands[best] = t;
            }
        }
        pick = (size_t)gsl_rng_uniform_int(mk->r_search, nc);
        /* The search judged the offer from its index entry; the machine
         * record must agree (every filter, the price and the bid), or the
         * entries no longer say what they stand for. */
        if (!admissible(mk, jb, cands[pick].machine, s.type, &price, &b)) {
            eng_fail(mk->e, "search", "job %u was offered machine %u, which its filters "
                     "turn down", jid, cands[pick].machine);
            goto none;          /* the run has failed: rent nothing unchecked */
        }
        if (price != cands[pick].price) {
            eng_fail(mk->e, "search", "job %u was offered machine %u at %lld micro-dollars "
                     "per GPU-hour, which the record prices at %lld", jid,
                     cands[pick].machine, (long long)cands[pick].price, (long long)price);
            goto none;
        }
        {
            double exp_h = (jb->work - jb->saved) /
                           (speed(mk, &mk->m[cands[pick].machine], jb->gpus) * jb->gpus);

            type = choose_type(mk, jb, exp_h);
        }
        rent(mk, jid, cands[pick].machine, type, price, b);
        return;
    }
none:
    job_wait(mk, jid);
}

static void job_abandon(struct market *mk, uint32_t jid)
{
    struct job *jb = &mk->j[jid];

    if (measured(mk, jb->arrived)) {
        mk->ar[jb->arch].abandoned++;
        mk->ar[jb->arch].spend_abandoned_usd += money_to_usd(jb->spent);
    }
    mk->ar[jb->arch].abandoned_all++;
    eng_cancel(mk->e, jb->ev);
    free_job(mk, jid);
}

static void job_wait(struct market *mk, uint32_t jid)
{
    struct job *jb = &mk->j[jid];
    const struct archetype *a = &mk->ar[jb->arch];
    /* Renters who keep finding nothing look less often (backing off to
     * 16x their retry interval), as people do. */
    sim_time mean = a->retry << (jb->retries < 4 ? jb->retries : 4);
    sim_time dt = sim_time_from_sec(gsl_ran_exponential(mk->r_search,
                                    sim_time_to_sec(mean)));

    jb->retries++;
    jb->state = J_WAITING;
    if (eng_now(mk->e) + dt > jb->give_up) {
        job_abandon(mk, jid);
        return;
    }
    /* A renter has one timer: one left from a pause would search again
     * early, or fire after the job is gone, on a reused slot. */
    eng_cancel(mk->e, jb->ev);
    jb->ev = eng_after(mk->e, dt, mk->k_retry, jid);
}

/* Lists contract cid for check_budgets: its job has credits. */
static void watch_budget(struct market *mk, uint32_t cid)
{
    if (mk->nbud == mk->capbud) {
        mk->capbud = mk->capbud ? 2 * mk->capbud : 256;
        mk->bud = xrealloc(mk->bud, mk->capbud * sizeof *mk->bud);
    }
    mk->bud[mk->nbud].cid = cid;
    mk->bud[mk->nbud++].order = mk->c[cid].order;
}

static void rent(struct market *mk, uint32_t jid, uint32_t mid,
                 enum contract_type type, money price, money bid)
{
    struct job *jb = &mk->j[jid];
    struct machine *m = &mk->m[mid];
    const struct hostclass *hc = &mk->hc[m->cls];
    const struct archetype *a = &mk->ar[jb->arch];
    sim_time now = eng_now(mk->e);
    uint32_t cid;
    struct contract *c;
    double load_s, d = 0;
    int months = 0;
    money prepaid = 0;

    /* A container that fails to start: the renter goes elsewhere, the
     * machine's score takes a hit (MARKET-FACTS.md 22). */
    if (outage_start_fails(&hc->op, mk->r_start)) {
        rel_on_failed_start(&m->rel, &mk->relp, now);
        mkt_rel_refresh(mk, m, now);
        mkt_index_machine(mk, mid);
        job_wait(mk, jid);
        return;
    }
    if (type == C_RESERVED) {
        double exp_h = (jb->work - jb->saved) / (speed(mk, m, jb->gpus) * jb->gpus);

        months = cheapest_term(mk, jb, hc, price, sim_time_from_hours(exp_h), &d, &prepaid);
        if (months == 0)
            type = C_ONDEMAND;
    }
    /* Rented again the host it waited out (failures_resumed_same_host):
     * counted once the container has started. Counted before rent(), a
     * failed start counted it, and every retry of the host again (more
     * than the failures that made renters wait, at failed-start-prob 0.9). */
    if (jb->wait_machine == mid && measured(mk, now))
        mk->ar[jb->arch].resumed_same++;
    /* whatever machine the renter waited for is behind it now: a later
     * failure of this one, a move or an end date searches afresh (a stale
     * mark sent a renter that chose to move back to wait for a dead host) */
    jb->wait_machine = NONE;
    /* The back-off counts searches that found nothing since the last
     * rental: a renter whose host later dies, or whose contract ends, has
     * not kept finding nothing. Carried on, a renter that once searched
     * four times looked again after 16 retry intervals on average, past a
     * hobbyist's patience (8 h at 0.5 h) a third of the time, and gave up
     * without a search. */
    jb->retries = 0;
    cid = new_contract(mk);
    c = &mk->c[cid];
    c->job = jid;
    c->machine = mid;
    c->gpus = jb->gpus;
    c->type = (uint8_t)type;
    c->order = ++mk->order;
    c->created = now;
    c->rate = price;            /* a worker's discount comes later (market_sls_always_on) */
    c->bid = bid;
    c->tau = mkt_ckpt_tau(mk, jb, m);     /* from the score the renter saw */
    /* The offer's rolling end date locks into the contract. A serverless
     * worker has none: its endpoint keeps it until it releases it (Vast's
     * autoscaler manages its workers' rentals; re-recruiting one at every
     * end date would only churn the pool). */
    c->end = jb->arch >= mk->nar ? SIM_TIME_MAX : now + hc->offer_dur;
    c->state = CS_LOADING;
    attach(m, cid);
    m->thr_ok = false;
    util_mark(mk, m, now);
    hold(m, c);
    jb->contract = cid;
    jb->state = J_RENTING;
    if (jb->budget > 0)
        watch_budget(mk, cid);
    eng_cancel(mk->e, jb->ev);
    jb->ev = EVQ_ID_NONE;
    if (jb->pin != NONE && jb->pin != m->gpu)
        eng_fail(mk->e, "jobs.named-model", "job %u named %s and rented a %s",
                 (unsigned)jid, mk->gpus[jb->pin].name, mk->gpus[m->gpu].name);
    if (!jb->started) {
        jb->started = true;
        if (measured(mk, jb->arrived)) {
            struct archetype *aw = &mk->ar[jb->arch];
            double w = sim_time_to_hours(now - jb->arrived);

            if (jb->pin != NONE)
                mk->pin_started[m->gpu]++;
            aw->started++;
            aw->wait_sum_h += w;
            if (aw->nwaits == aw->capwaits) {
                aw->capwaits = aw->capwaits ? 2 * aw->capwaits : 1024;
                aw->waits = xrealloc(aw->waits, aw->capwaits * sizeof *aw->waits);
            }
            aw->waits[aw->nwaits++] = w;
        }
    }
    if (type == C_RESERVED)
        begin_term(mk, cid, months, d, prepaid, now);
    if (type == C_ONDEMAND) {
        mk->new_price_sum[m->gpu] += money_to_usd(price);
        mk->new_price_n[m->gpu]++;
    }
    /* Bandwidth for the download, then loading (no GPU billing); a
     * serverless worker the host still holds the image of (FlashBoot)
     * downloads nothing. */
    if (!jb->warm)
        mkt_charge(mk, jb, m, BILL_BANDWIDTH,
                   money_muldiv(hc->bw_price, (int64_t)llround(a->image_gb * 1000), 1000));
    load_s = jb->warm ? 0.0 : a->image_gb * 8000.0 / hc->bw_mbps;
    c->overhead = jb->saved > 0 ? a->restart : 0;
    c->ev = eng_after(mk->e, sim_time_from_sec(load_s), mk->k_loaded, cid);
    mkt_index_machine(mk, mid);
    if (type == C_ONDEMAND || type == C_RESERVED)
        resolve(mk, mid);       /* may preempt interruptibles */
}

/* ---- serverless hooks (models/serverless.h) ----
 *
 * A worker is an ordinary one-GPU rental whose job record's archetype is
 * a payer index past the demand archetypes (ar[nar + endpoint] is a stub
 * holding the endpoint's image and storage size), so billing, preemption
 * and failures go through the same code as any renter; only the places
 * where a renter would decide something hand the decision to the
 * endpoint instead. */

bool market_sls_recruit(struct market *mk, const struct sls_query *q, struct sls_hire *out)
{
    enum contract_type type = q->interruptible ? C_INTERRUPTIBLE : C_ONDEMAND;
    sim_time now = eng_now(mk->e);
    uint32_t jid = new_job(mk), best = NONE;
    struct job *jb = &mk->j[jid];
    const struct archetype *a = &mk->ar[q->payer];
    double best_key = 0.0;
    money price, bid, best_price = 0, best_bid = 0;
    int kc = oix_kclass(q->gpus);
    /* least_price()'s bound on what the worker could pay, set up as a
     * renter's search sets it: an interruptible pays bid-fraction x the
     * ask or less (bid-cap x the going ask), or under posted pricing
     * only min_bid, the posted share of the ask. Only these fields of
     * the search are read. */
    struct search bound = {
        .type = type,
        .cut = type != C_INTERRUPTIBLE ? 1.0
               : mk->posted ? (double)posted_int_ppm(mk) * 1e-6 : a->bid_frac,
        .cap_lo = mk->posted ? HUGE_VAL : (double)cap_ppm(a) * 1e-6,
    };

    jb->arch = (uint8_t)q->payer;
    jb->gpus = q->gpus;
    jb->vram = q->gpu_ram;
    jb->work = 1.0;             /* for the offer-duration filter only */
    jb->value = 1e6;            /* endpoints take the best ratio, not a price cap */
    jb->pref = (uint8_t)type;
    jb->arrived = -1;           /* never counted as a renter */
    jb->give_up = SIM_TIME_MAX;
    /* FlashBoot: a machine that still holds the endpoint's worker state
     * (a worker released there lately) is taken first if it can be
     * rented again, the latest first, whatever the search would rank. */
    for (size_t k = q->nwarm; k-- > 0 && best == NONE;) {
        uint32_t mid = q->warm[k];
        uint32_t g = mk->m[mid].gpu;

        if ((q->allowed && !q->allowed[g]) || mk->gpus[g].vram_gb < q->gpu_ram ||
            !admissible(mk, jb, mid, type, &best_price, &best_bid))
            continue;
        best = mid;
        jb->warm = true;
    }
    /* Best DLPerf (times what the learning phase measured, and the
     * host's reliability score when the endpoint counts it) per dollar:
     * buckets are sorted by ask, so a bucket is left once even its
     * fastest machine at the least price the next ask allows cannot beat
     * the best so far, a score being at most 1 (market.search-prune =
     * false reads them all: the check of this cut-off). */
    for (size_t g = 0; g < mk->ngpus && !jb->warm; g++) {
        double w = q->weight ? q->weight[g] : 1.0, spmax = mk->gpus[g].max_spd[kc];
        double ref = going_ask(mk, (uint32_t)g);

        if ((q->allowed && !q->allowed[g]) || mk->gpus[g].vram_gb < q->gpu_ram)
            continue;
        for (uint32_t band = 0; band < NBANDS; band++) {
            const struct oix_entry *v;
            size_t n = oix_bucket(mk->ix, (uint32_t)g, q->gpus, band, &v);

            for (size_t i = 0; i < n; i++) {
                double lo = least_price(&bound, money_to_usd(v[i].ask), ref) + 1e-6, key;

                if (mk->prune && best != NONE && spmax * w / lo < best_key)
                    break;
                if (!admissible(mk, jb, v[i].machine, type, &price, &bid))
                    continue;
                key = speed(mk, &mk->m[v[i].machine], q->gpus) * w /
                      (money_to_usd(price) + 1e-6);
                if (q->by_reliability)
                    key *= score_of(&mk->m[v[i].machine]);
                if (best == NONE || key > best_key ||
                    (key == best_key && v[i].machine < best)) {
                    best = v[i].machine;
                    best_key = key;
                    best_price = price;
                    best_bid = bid;
                }
            }
        }
    }
    if (best == NONE) {
        free_job(mk, jid);
        return false;
    }
    rent(mk, jid, best, type, best_price, best_bid);
    if (jb->contract == NONE) {         /* the container failed to start */
        eng_cancel(mk->e, jb->ev);
        free_job(mk, jid);
        return false;
    }
    /* Enough work to outlast the run: a worker ends only when released. */
    jb->work = speed(mk, &mk->m[best], q->gpus) * q->gpus *
               sim_time_to_hours(eng_end(mk->e) - now + SIM_DAY);
    out->contract = jb->contract;
    out->gpu = mk->m[best].gpu;
    out->dlperf = bundle_dlperf(mk, &mk->m[best], q->gpus);    /* scaling losses in */
    out->price = mk->c[jb->contract].rate;
    out->machine = best;
    out->warm = jb->warm;
    jb->warm = false;
    return true;
}

void market_search_stats(const void *state, struct market_search_stats *out)
{
    *out = ((const struct market *)state)->stats;
}

void market_sls_release(struct market *mk, uint32_t cid)
{
    uint32_t jid = mk->c[cid].job, mid = mk->c[cid].machine;

    end_contract(mk, cid, eng_now(mk->e), false);
    eng_cancel(mk->e, mk->j[jid].ev);
    free_job(mk, jid);
    resolve(mk, mid);
}

/* Inactive: like a paused contract (storage keeps billing, GPU time does
 * not), but paused by its owner, so the auction never restarts it. The
 * claim leaves the auction while stopped (claims_of), so interruptible
 * bids may run on its GPUs, as Vast lets others use a stopped instance's
 * GPU; it still holds its place on the machine. Woken, an on-demand
 * serverless worker takes its GPUs back; an interruptible one runs only if
 * its bid wins again (market_sls_wake says which). An instance whose
 * renter's credits ran out (check_budgets) will not start again, so it
 * also 'release's its GPUs to on-demand renters: Vast's stopped instance
 * holds none (a serverless worker's stay held, README Serverless). */
static void stop_instance(struct market *mk, uint32_t cid, sim_time now, bool release)
{
    struct contract *c = &mk->c[cid];
    struct machine *m = &mk->m[c->machine];

    c->stopped = true;
    if (release) {      /* its GPUs are the market's again (detach skips them) */
        util_mark(mk, m, now);  /* the time so far was held (soft_us) */
        c->released = true;
        unhold(m, c);
    }
    claims_changed(mk, c->machine);
    if (c->state == CS_RUNNING) {
        util_mark(mk, m, now);
        m->run_gpus -= c->gpus;
        fold_progress(mk, c, now, UNSAVED_KEEP);
        mkt_bill_segment(mk, c, now);
    } else if (c->state == CS_LOADING) {
        c->load_left = c->ev.at > now ? c->ev.at - now : 0;
    }
    eng_cancel(mk->e, c->ev);
    c->ev = EVQ_ID_NONE;
    c->state = CS_PAUSED;
    mkt_idle_sync(c, now);
    /* its GPUs and its bid leave the auction: paused bids may run now,
     * and under uniform or second price the others' price may move (they
     * paid the stopped worker's bid until some other event; found by
     * contracts.clearing-price) */
    resolve(mk, c->machine);
}

void market_sls_stop(struct market *mk, uint32_t cid)
{
    SIM_ASSERT(mk->c[cid].state != CS_LOADING);
    stop_instance(mk, cid, eng_now(mk->e), false);
}

money market_sls_always_on(struct market *mk, uint32_t cid, double discount)
{
    struct contract *c = &mk->c[cid];
    struct job *jb = &mk->j[c->job];

    SIM_ASSERT(jb->disc_ppm == 0 && discount >= 0 && discount <= 1);
    if (c->type == C_INTERRUPTIBLE || discount == 0)
        return c->rate;
    if (c->state == CS_RUNNING)
        mkt_bill_segment(mk, c, eng_now(mk->e));    /* close the line at the old price */
    jb->disc_ppm = (uint32_t)lround(discount * 1e6);
    c->rate = locked_rate(jb, c->rate);
    return c->rate;
}

bool market_sls_wake(struct market *mk, uint32_t cid)
{
    mk->c[cid].stopped = false;
    claims_changed(mk, mk->c[cid].machine);
    resolve(mk, mk->c[cid].machine);
    return mk->c[cid].state == CS_RUNNING;
}

double market_sls_reliability(const struct market *mk, uint32_t cid)
{
    return score_of(&mk->m[mk->c[cid].machine]);
}

size_t market_sls_gpu_count(const struct market *mk)
{
    return mk->ngpus;
}

const char *market_sls_gpu_name(const struct market *mk, size_t g)
{
    return mk->gpus[g].name;
}

double market_sls_gpu_vram(const struct market *mk, size_t g)
{
    return mk->gpus[g].vram_gb;
}

double market_sls_spend_usd(const struct market *mk, uint32_t payer)
{
    return mk->ar[payer].spend_usd;
}

/* Builds the endpoints and gives each a payer stub after the archetypes. */
static int sls_attach(struct market *mk, struct diag *d)
{
    int rc = SIM_OK;

    mk->sls = sls_new(mk->e, mk->run, mk, (uint32_t)mk->nar, d, &rc);
    mk->nsls = sls_count(mk->sls);
    if (!mk->sls)
        return rc;
    if (mk->nar + mk->nsls > 255)
        return diag_error(d, NULL, "too many archetypes and endpoints (%zu)",
                          mk->nar + mk->nsls);
    mk->ar = xrealloc(mk->ar, (mk->nar + mk->nsls) * sizeof *mk->ar);
    for (size_t i = 0; i < mk->nsls; i++) {
        struct archetype *a = &mk->ar[mk->nar + i];

        memset(a, 0, sizeof *a);
        a->name = sls_name(mk->sls, i);
        a->storage_gb = a->image_gb = sls_image_gb(mk->sls, i);
        a->bid_frac = 0.6;      /* interruptible workers bid like the market's renters */
        a->bid_cap = 0.9;
        a->retry = a->pause_patience = a->patience = SIM_HOUR;
    }
    return SIM_OK;
}

/* ---- event handlers ---- */

static double arrival_rate(const struct market *mk, const struct archetype *a,
                           sim_time t)
{
    double h = sim_time_to_hours(t), local = h + a->tz;
    double hour = fmod(local, 24.0), r = a->rate;
    long day = (long)floor(local / 24.0);
    int dow = (int)(((day % 7) + 7) % 7);       /* 0 = Monday */
    int doy = (int)((((day + mk->start_day) % 365) + 365) % 365);

    if (hour < 0)
        hour += 24;
    r *= 1.0 + a->amp * cos(2 * PI * (hour - 14.0) / 24.0);
    if (dow >= 5)
        r *= a->weekend;
    /* A deadline falls at the end of its day, local time; the boost runs
     * for the window up to it, to the microsecond (whole days counted
     * 1.5 days as 2). The time left is in (0, 365 d]. */
    for (int i = 0; i < a->ndead; i++) {
        int before = (a->dead[i] - doy + 365) % 365;
        double left_h = (double)before * 24.0 + (24.0 - hour);

        if (left_h * (double)SIM_HOUR <= (double)a->window) {
            r *= a->boost;
            break;
        }
    }
    return r;
}

static void schedule_arrival(struct market *mk, uint32_t ai)
{
    struct archetype *a = &mk->ar[ai];

    double gap;

    if (a->peak <= 0)
        return;
    gap = gsl_ran_exponential(a->arrivals, 1.0 / a->peak);
    /* a rate of 1e-300 draws gaps no sim_time holds: an arrival after
     * the end of the run is never scheduled (it could never happen) */
    if (!(gap < (double)(eng_end(mk->e) - eng_now(mk->e))))
        return;
    eng_after(mk->e, 1 + (sim_time)gap, mk->k_arrive, ai);
}

/* Could a Secure Cloud search find model g at all? Only if some
 * datacenter host class lists its tier. */
static bool datacenter_hosts(const struct market *mk, uint32_t g)
{
    for (size_t h = 0; h < mk->nhc; h++)
        for (int i = 0; mk->hc[h].datacenter && i < mk->hc[h].tiers.n; i++)
            if ((int)mk->hc[h].tiers.v[i].v == mk->gpus[g].tier && mk->hc[h].tiers.v[i].p > 0)
                return true;
    return false;
}

/* The model a job that names one names, 'u' a uniform in [0, 1), or NONE
 * if none qualifies. The candidates are the models the job could rent
 * (listed in the supply, enough memory per GPU, on the archetype's
 * gpu-models list, hosted in a datacenter if it wants Secure Cloud) and
 * whose going (median listed) ask it would pay for the fastest machine of
 * its size; among them it names one with probability proportional to the
 * model's supply share. So named demand per listed GPU is the same for
 * every model a renter can afford, dominated or not: a renter names the
 * card its software was built and tested on, and which cards those are
 * follows what is installed, not DLPerf per dollar. The share is the
 * scenario's ('gpu.<id>.share'), not the live count, so the rule does not
 * chase hosts leaving. */
static uint32_t pick_named(const struct market *mk, const struct job *jb,
                           const struct archetype *a, double u)
{
    int kc = oix_kclass(jb->gpus);
    double total = 0, acc = 0;
    uint32_t last = NONE;

    if (kc < 0)
        return NONE;
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t g = 0; g < (uint32_t)mk->ngpus; g++) {
            const struct gpu *gm = &mk->gpus[g];
            double cap = jb->value * fmax(gm->max_spd[kc], a->pin_speed) +
                         a->vram_value * gm->vram_gb;

            if (gm->share <= 0 || gm->vram_gb < jb->vram || (a->models && !a->models[g]) ||
                (jb->secure && !datacenter_hosts(mk, g)) ||
                (gm->ask_p50 > 0 && cap < money_to_usd(gm->ask_p50)))
                continue;
            if (pass == 0) {
                total += gm->share;
                continue;
            }
            acc += gm->share;
            last = g;
            if (u * total < acc)
                return g;
        }
        if (total <= 0)
            return NONE;
    }
    return last;
}

/* The slowest per-GPU speed a job could get: the slowest machine seen
 * so far of the models it could rent (enough memory per GPU, on its
 * archetype's list, the one it names if it names one, in the supply,
 * on a datacenter host if it wants Secure Cloud), no slower than its
 * DLPerf filter allows; 1 (the reference GPU) when there is none. A job
 * that would finish within a month even on it cannot prepay anywhere;
 * one that may not is the job p-reserved applies to. A secure job was
 * judged on every host's machines: the slow consumer cards it can never
 * rent made its short jobs long, and p-reserved sent them to on-demand. */
static double slowest_speed(const struct market *mk, const struct job *jb,
                            const struct archetype *a)
{
    int kc = oix_kclass(jb->gpus);
    double slowest = HUGE_VAL;

    for (size_t g = 0; kc >= 0 && g < mk->ngpus; g++) {
        const struct gpu *gm = &mk->gpus[g];
        double min = jb->secure ? gm->min_spd_dc[kc] : gm->min_spd[kc];

        if (min > 0 && min < slowest && gm->vram_gb >= jb->vram &&
            (!a->models || a->models[g]) && (jb->pin == NONE || jb->pin == g))
            slowest = min;
    }
    if (slowest == HUGE_VAL)
        return 1.0;
    /* an offer passes min-dlperf only if its bundle's DLPerf, speed x
     * GPUs x the reference's, reaches it */
    return fmax(slowest, a->min_dlperf / (jb->gpus * mk->ref_dlperf));
}

static void on_arrive(struct engine *e, const struct evq_event *ev, void *model)
{
    struct market *mk = model;
    struct archetype *a = &mk->ar[ev->subject];
    double lambda = arrival_rate(mk, a, ev->at) * mk->gpus0 / 1000.0 /
                    (24 * 3600e6) * mk->demand_scale;
    uint32_t jid;
    struct job *jb;
    double u, mix;

    (void)e;
    schedule_arrival(mk, ev->subject);
    /* Thinning: both uniforms come from the demand stream whatever the
     * outcome, so the sequence of renters is policy-independent. */
    u = gsl_rng_uniform(a->arrivals);
    if (u * a->peak > lambda)
        return;
    jid = new_job(mk);
    jb = &mk->j[jid];
    jb->arch = (uint8_t)ev->subject;
    jb->arrived = ev->at;
    jb->gpus = (uint32_t)draw_dist(&a->gpus, a->draws);
    jb->vram = a->vram;
    if (gsl_rng_uniform(a->draws) < a->big_p && a->big_vram > jb->vram)
        jb->vram = a->big_vram;     /* a model that needs a 48 GB-class card */
    mix = draw_dist(&a->mix, a->draws);
    jb->workload = (uint8_t)mix;
    jb->work = gsl_ran_lognormal(a->draws, log(a->wmed), a->wsig) *
               mk->wl_scale[jb->workload] * jb->gpus;
    jb->value = a->value * exp(gsl_ran_gaussian(a->draws, a->vsig));
    jb->checkpoints = mk->wl_ckpt[jb->workload];
    jb->ck_cost = a->ck_cost;
    jb->give_up = ev->at + a->patience;
    jb->budget = a->budget;
    jb->secure = a->p_secure > 0 && gsl_rng_uniform(a->secure) < a->p_secure;
    if (a->p_pin > 0) {
        /* Both uniforms are drawn whatever the outcome, from the
         * archetype's own stream: the renters' other draws, and every
         * other archetype's, are the same at any share. */
        double u_pin = gsl_rng_uniform(a->pin), u_model = gsl_rng_uniform(a->pin);

        if (u_pin < a->p_pin)
            jb->pin = pick_named(mk, jb, a, u_model);
        if (jb->pin != NONE && measured(mk, ev->at))
            mk->pin_named[jb->pin]++;
    }
    /* the contract, once the job knows what it may rent (slowest_speed
     * reads the named model); the streams differ, so the order changes
     * no draw */
    {
        /* p-reserved is the chance that a job which may run long
         * enough for a prepay to pay off (reserve_min_h, on the slowest
         * machine it could rent) prepays: it searches on-demand, and
         * reserves if, on the machine it picks, a term costs less than
         * on demand (choose_type, rent).
         * Every other job splits p-ondemand : p-interruptible, both 0
         * meaning on-demand. One uniform decides both, the split reading
         * it rescaled past p-reserved, so a job's draws, and every later
         * job's, do not depend on which it chose. Read as one three-way
         * split, the weights made short jobs, which can never prepay,
         * bid less as p-reserved grew. */
        double uc = gsl_rng_uniform(a->draws), split = a->p_od + a->p_int;
        bool long_run = jb->work / (jb->gpus * slowest_speed(mk, jb, a)) > reserve_min_h(mk, jb);

        if (long_run && uc < a->p_res) {
            jb->pref = C_RESERVED;
        } else {
            if (long_run)
                uc = (uc - a->p_res) / (1.0 - a->p_res);
            jb->pref = split > 0 && uc * split >= a->p_od ? C_INTERRUPTIBLE : C_ONDEMAND;
        }
    }
    if (measured(mk, ev->at))
        a->arrived++;
    a->arrived_all++;
    job_search(mk, jid);
}

static void on_retry(struct engine *e, const struct evq_event *ev, void *model)
{
    struct market *mk = model;
    struct job *jb = &mk->j[ev->subject];
    const struct archetype *a = &mk->ar[jb->arch];

    /* A job has one timer at a time, and it is this one, and only a
     * renter with something to decide holds one (waiting, or paused): a
     * timer left behind would search again early, or act on a reused job
     * slot. */
    if (jb->ev.seq == 0 || jb->ev.at != ev->at ||
        (jb->arch < mk->nar && jb->state != J_WAITING &&
         !(jb->state == J_RENTING && jb->contract != NONE &&
           mk->c[jb->contract].state == CS_PAUSED))) {
        eng_fail(e, "jobs.one-timer", "job %u woken at t=%lld us by a timer it should not hold",
                 (unsigned)ev->subject, (long long)ev->at);
        return;
    }
    jb->ev = EVQ_ID_NONE;
    if (jb->arch >= mk->nar)
        return;         /* serverless workers never search or re-bid */
    if (jb->state == J_WAITING) {
        job_search(mk, ev->subject);
        return;
    }
    /* A paused interruptible reconsiders: raise the bid, or move. */
    if (jb->state == J_RENTING && jb->contract != NONE &&
        mk->c[jb->contract].state == CS_PAUSED) {
        struct contract *c = &mk->c[jb->contract];
        struct machine *m = &mk->m[c->machine];
        money cap, raised;

        /* paused past its end date: the host extends, or the renter moves */
        if (c->end <= eng_now(mk->e) && contract_expire(mk, jb->contract, eng_now(mk->e)))
            return;
        cap = money_from_usd(value_cap(mk, jb, m));
        raised = money_muldiv(c->bid, 12, 10);
        if (raised > bid_limit(mk, a, m))
            raised = bid_limit(mk, a, m);

        if (!mk->posted && gsl_rng_uniform(mk->r_bid) < a->bid_raise && raised <= cap &&
            raised > c->bid) {
            c->bid = raised;            /* "bids can change" */
            jb->ev = eng_after(mk->e, a->pause_patience, mk->k_retry, ev->subject);
            resolve(mk, c->machine);
            claims_changed(mk, c->machine);
            return;
        }
        /* Moves, as after a failure or at an end date (with the
         * patience it arrived with, 4 moves in 10 in Quick dropped the
         * job without a look at the market). */
        renter_moves(mk, jb->contract, eng_now(mk->e));
    }
}

static void on_loaded(struct engine *e, const struct evq_event *ev, void *model)
{
    struct market *mk = model;
    struct contract *c = &mk->c[ev->subject];
    struct job *jb = &mk->j[c->job];

    c->ev = EVQ_ID_NONE;
    /* machine_down() stops the downloads of a host going offline */
    if (mk->m[c->machine].down)
        eng_fail(e, "contracts.loading", "contract %u finished its download on machine %u, "
                 "which is down", (unsigned)ev->subject, c->machine);
    /* Loading done: run if the auction says so, else wait paused. */
    c->loaded = true;
    c->state = CS_PAUSED;
    mkt_idle_sync(c, eng_now(e));
    eng_cancel(mk->e, jb->ev);
    jb->ev = EVQ_ID_NONE;
    resolve(mk, c->machine);
    /* Outbid on arrival: the auction gave the renter its pause-patience
     * timer, as to any paused loser (outbid_while_suspended; the timer
     * cancelled above leaves it none). A serverless worker holds no
     * timer: its endpoint decides, as for one outbid while downloading
     * (pause_contract). It was given the renter's timer, which did
     * nothing but outlive the worker when its host failed (machine_down
     * frees the job record) and fire on the slot's next job:
     * jobs.one-timer failed the run. */
    if (c->state == CS_PAUSED && jb->arch >= mk->nar)
        sls_on_paused(mk->sls, ev->subject);
}

static void job_finished(struct market *mk, uint32_t jid)
{
    struct job *jb = &mk->j[jid];
    struct archetype *a = &mk->ar[jb->arch];

    if (measured(mk, jb->arrived)) {
        a->completed++;
        a->spend_done_usd += money_to_usd(jb->spent);
    }
    a->completed_all++;
    eng_cancel(mk->e, jb->ev);
    free_job(mk, jid);
}

/* Contract cid has reached its end date, still alive (running, or paused:
 * a paused one is checked when its renter's pause timer fires or when it
 * would resume). The host extends it, with probability auto-extend, to
 * one offer-duration past now (the host acts when it is checked, so a
 * paused contract checked late gets the full duration from then) at the
 * same price or, under market.extend-price = ask, at its current ask
 * (below; a leaving host does not extend), or stops it
 * (MARKET-FACTS.md 12). Stopped, the instance cannot restart: the
 * contract ends, billed as any end (a reservation has no unused prepay by
 * then, see rent()), and the job keeps all it has done: the renter knew
 * the end date from the start and saved its work before it, so nothing
 * counts as lost (the 48 hours Vast keeps an expired instance's data are
 * for copying it out). The renter searches again with fresh patience, and
 * pays the restart on its next machine like any move. Returns whether the
 * contract ended. */
static bool contract_expire(struct market *mk, uint32_t cid, sim_time now)
{
    struct contract *c = &mk->c[cid];
    uint32_t jid = c->job, mid = c->machine;
    struct job *jb = &mk->j[jid];
    struct archetype *a = &mk->ar[jb->arch];
    const struct machine *m = &mk->m[mid];
    double p = mk->hc[m->cls].auto_extend;
    bool post = measured(mk, now);

    /* p = 0 or 1 draws nothing, so the stream serves only real choices */
    bool extend = !m->leaving && p > 0 && (p >= 1 || gsl_rng_uniform(mk->r_extend) < p);

    /* Under market.extend-price = ask the host extends on-demand and
     * reserved contracts (a reservation's end date is past its prepaid
     * term, so it bills per second by now) at its current ask: a lower
     * one simply applies, a higher one is Vast's price-increase challenge,
     * which the renter accepts when the new price is within what the job
     * is worth to it on this machine (the cap its searches apply), and
     * otherwise rejects: the instance stops as if not extended. */
    if (extend && mk->extend_at_ask && c->type != C_INTERRUPTIBLE &&
        locked_rate(jb, m->ask) != c->rate) {
        if (m->ask > c->rate && money_to_usd(m->ask) > value_cap(mk, jb, m)) {
            extend = false;
            if (post)
                a->increase_rejected++;
        } else {
            if (c->state == CS_RUNNING)
                mkt_bill_segment(mk, c, now);   /* close the line at the old price */
            c->rate = locked_rate(jb, m->ask);
            if (post)
                a->repriced++;
        }
    }
    if (extend) {
        c->end = now + mk->hc[m->cls].offer_dur;
        if (post)
            a->extended++;
        if (c->state == CS_RUNNING) {
            eng_cancel(mk->e, c->ev);
            schedule_contract_event(mk, cid, now);
        }
        return false;
    }
    if (post)
        a->expired++;
    renter_moves(mk, cid, now);
    return true;
}

static void on_expire(struct engine *e, const struct evq_event *ev, void *model)
{
    struct market *mk = model;

    (void)e;
    mk->c[ev->subject].ev = EVQ_ID_NONE;
    contract_expire(mk, ev->subject, eng_now(mk->e));
}

static void on_done(struct engine *e, const struct evq_event *ev, void *model)
{
    struct market *mk = model;
    struct contract *c = &mk->c[ev->subject];
    uint32_t jid = c->job, mid = c->machine;

    (void)e;
    c->ev = EVQ_ID_NONE;
    end_contract(mk, ev->subject, eng_now(mk->e), false);
    job_finished(mk, jid);
    resolve(mk, mid);
}

/* Stops what runs on a machine that goes down. With 'kill' (failures,
 * power cuts) every instance ends, the work since its last checkpoint is
 * lost, and each renter waits for the repair, moves, or abandons, per
 * archetype; otherwise (disconnects, internet outages, maintenance)
 * running instances are suspended with their progress and resume when the
 * machine is back, paying no GPU time meanwhile. */
static void machine_down(struct market *mk, uint32_t mid, unsigned cause,
                         enum rel_down why, bool kill)
{
    struct machine *m = &mk->m[mid];
    sim_time now = eng_now(mk->e);

    mkt_rel_refresh(mk, m, now);
    /* every cause is told to the score, not only the first: a failure
     * during maintenance is scored as a failure from then on */
    /* during a rental: any instance on it, running or not (a failure
     * while suspended instances wait out a disconnect or maintenance hits
     * rentals too; run_gpus is 0 then) */
    if (!(m->down & cause)) {
        rel_on_down(&m->rel, &mk->relp, now, why, m->nclaims > 0);
        if (m->nclaims > 0)
            m->down_rented |= (uint8_t)cause;
    }
    m->down |= (uint8_t)cause;
    if (kill) {
        while (m->nclaims > 0) {
            uint32_t cid = m->cids[m->nclaims - 1], jid = mk->c[cid].job;
            struct job *jb = &mk->j[jid];
            const struct archetype *a = &mk->ar[jb->arch];
            /* hit: running, or suspended with unsaved work that is now
             * lost (it was counted lost with no failure behind it) */
            bool hit = mk->c[cid].state == CS_RUNNING || mk->c[cid].held > 0;
            bool broke = mk->c[cid].stopped;    /* an archetype's: out of credits */
            double u = gsl_rng_uniform(mk->r_after);

            end_contract(mk, cid, now, true);
            if (jb->arch >= mk->nar) {  /* a serverless worker: its endpoint replaces it */
                sls_on_lost(mk->sls, cid);
                free_job(mk, jid);
                continue;
            }
            if (broke) {        /* in its credit grace: no money to move with */
                job_abandon(mk, jid);
                continue;
            }
            if (hit && measured(mk, now))
                mk->ar[jb->arch].failures_hit++;
            if (u < a->fail_wait) {
                jb->wait_machine = mid;
                jb->state = J_WAITING;
                jb->give_up = now + a->patience + SIM_DAY;
            } else if (u < a->fail_wait + a->fail_move) {
                jb->state = J_WAITING;
                jb->give_up = now + a->patience;
            } else {
                job_abandon(mk, jid);
                continue;
            }
            job_wait(mk, jid);
        }
    } else {
        for (uint32_t i = m->nclaims; i-- > 0;) {
            uint32_t id = m->cids[i];
            struct contract *c = &mk->c[id];

            if (!c->offline) {
                c->offline = true;
                c->off_since = now;
                mkt_idle_sync(c, now);  /* off every storage clock, paused or not */
            }
            if (c->state == CS_RUNNING) {
                util_mark(mk, m, now);
                m->run_gpus -= c->gpus;
                fold_progress(mk, c, now, UNSAVED_HOLD);
                mkt_bill_segment(mk, c, now);
                eng_cancel(mk->e, c->ev);
                c->ev = EVQ_ID_NONE;
                c->state = CS_PAUSED;
                if (mk->j[c->job].arch >= mk->nar)
                    sls_on_offline(mk->sls, id);    /* the endpoint stops routing to it */
            } else if (c->state == CS_LOADING) {
                /* an offline host downloads nothing: the rest waits for
                 * it to come back (resolve() resumes it then), as for an
                 * instance outbid while downloading */
                c->load_left = c->ev.at > now ? c->ev.at - now : 0;
                eng_cancel(mk->e, c->ev);
                c->ev = EVQ_ID_NONE;
                c->state = CS_PAUSED;
            }
        }
    }
    set_score(mk, m, rel_score(&m->rel, &mk->relp, now));
    mkt_index_machine(mk, mid);
}

/* The score's kind of a cause of downtime (DOWN_*). */
static enum rel_down rel_kind(unsigned cause)
{
    switch (cause) {
    case DOWN_FAILURE: return REL_DOWN_FAILURE;
    case DOWN_DISCONNECT: return REL_DOWN_DISCONNECT;
    case DOWN_MAINT: return REL_DOWN_MAINTENANCE;
    default: return REL_DOWN_OUTAGE;        /* DOWN_POWER, DOWN_NET */
    }
}

static void machine_up(struct market *mk, uint32_t mid, unsigned cause)
{
    struct machine *m = &mk->m[mid];
    sim_time now = eng_now(mk->e);

    mkt_rel_refresh(mk, m, now);
    if (m->down & cause)
        rel_on_cause_end(&m->rel, &mk->relp, now, rel_kind(cause),
                         (m->down_rented & cause) != 0);
    m->down &= (uint8_t)~cause;
    m->down_rented &= (uint8_t)~cause;
    if (m->down) {
        set_score(mk, m, rel_score(&m->rel, &mk->relp, now));
        return;
    }
    rel_on_up(&m->rel, &mk->relp, now);
    set_score(mk, m, rel_score(&m->rel, &mk->relp, now));
    for (uint32_t k = 0; k < m->nclaims; k++) {
        struct contract *c = &mk->c[m->cids[k]];

        if (c->offline) {       /* storage bills again from now */
            c->off_total += now - c->off_since;
            c->offline = false;
            mkt_idle_sync(c, now);
        }
    }
    util_mark(mk, m, now);
    mkt_index_machine(mk, mid);
    resolve(mk, mid);           /* suspended instances resume */
}

static void on_fail(struct engine *e, const struct evq_event *ev, void *model)
{
    struct market *mk = model;
    const struct outage_params *op = &mk->hc[mk->m[ev->subject].cls].op;
    gsl_rng r = rng_lite_gsl(&mk->clk[ev->subject].fail);

    machine_down(mk, ev->subject, DOWN_FAILURE, REL_DOWN_FAILURE, true);
    eng_after(e, sim_time_from_hours(outage_repair_h(op, &r)), mk->k_repair, ev->subject);
}

static void on_repair(struct engine *e, const struct evq_event *ev, void *model)
{
    struct market *mk = model;

    (void)e;
    machine_up(mk, ev->subject, DOWN_FAILURE);
    schedule_failure(mk, ev->subject, false);
}

static void on_disconnect(struct engine *e, const struct evq_event *ev, void *model)
{
    struct market *mk = model;
    const struct outage_params *op = &mk->hc[mk->m[ev->subject].cls].op;
    gsl_rng r = rng_lite_gsl(&mk->clk[ev->subject].disc);

    machine_down(mk, ev->subject, DOWN_DISCONNECT, REL_DOWN_DISCONNECT, false);
    eng_after(e, sim_time_from_hours(outage_disconnect_h(op, &r)), mk->k_reconn, ev->subject);
}

static void on_reconnect(struct engine *e, const struct evq_event *ev, void *model)
{
    struct market *mk = model;

    (void)e;
    machine_up(mk, ev->subject, DOWN_DISCONNECT);
    schedule_disconnect(mk, ev->subject);
}

/* Scheduled maintenance (MARKET-FACTS.md 14): announced ahead, the
 * machine is unlisted from the notice on so no new contract starts on it,
 * and running instances are suspended for the window. */
static void on_maint_notice(struct engine *e, const struct evq_event *ev, void *model)
{
    struct market *mk = model;
    struct machine *m = &mk->m[ev->subject];

    m->maint_pending = true;
    mkt_index_machine(mk, ev->subject);
    eng_after(e, sim_time_from_hours(mk->hc[m->cls].op.maint_notice_h), mk->k_maint,
              ev->subject);
}

static void on_maint(struct engine *e, const struct evq_event *ev, void *model)
{
    struct market *mk = model;
    struct machine *m = &mk->m[ev->subject];

    machine_down(mk, ev->subject, DOWN_MAINT, REL_DOWN_MAINTENANCE, false);
    eng_after(e, sim_time_from_hours(mk->hc[m->cls].op.maint_duration_h), mk->k_maint_end,
              ev->subject);
}

static void on_maint_end(struct engine *e, const struct evq_event *ev, void *model)
{
    struct market *mk = model;

    (void)e;
    mk->m[ev->subject].maint_pending = false;
    machine_up(mk, ev->subject, DOWN_MAINT);
    schedule_maintenance(mk, ev->subject);
}

/* A correlated regional outage: a share of the region's machines go down
 * together for the same time; a power cut kills instances, an internet
 * cut suspends them. The subject is the region. */
static void on_region(struct engine *e, const struct evq_event *ev, void *model)
{
    struct market *mk = model;
    const struct outage_region_params *op = &mk->rg[ev->subject].op;
    gsl_rng *r = mk->rg[ev->subject].r_outage;
    sim_time dur = sim_time_from_hours(outage_region_duration_h(op, r));
    bool power = outage_region_kind(op, r) == OUTAGE_POWER;
    size_t n = 0, hit;

    mk->scratch_ids = xrealloc(mk->scratch_ids, (mk->nm + 1) * sizeof *mk->scratch_ids);
    /* the region's machines in the market: departed hosts keep their
     * slots, and counted here they took their share of the hits (at a
     * fraction of 0.5, 1 of 6 machines there went down, or all 5) */
    for (size_t i = 0; i < mk->nm; i++)
        if (mk->m[i].region == ev->subject && !mkt_gone(&mk->m[i]) &&
            !(mk->m[i].down & (DOWN_POWER | DOWN_NET)))
            mk->scratch_ids[n++] = (uint32_t)i;
    /* How many machines are there to hit depends on who joined and left:
     * the pick has its own stream, so the outages' times do not. It keeps
     * the machines it hits at the front of the list. */
    hit = outage_region_pick(op, n, mk->scratch_ids, mk->r_region_pick);
    for (size_t i = 0; i < hit; i++) {
        uint32_t mid = mk->scratch_ids[i];

        machine_down(mk, mid, power ? DOWN_POWER : DOWN_NET, REL_DOWN_OUTAGE, power);
        /* the subject carries the machine; the kind says which cause ends */
        eng_after(e, dur, mk->k_region_end, mid * 2u + (power ? 1u : 0u));
    }
    eng_after(e, sim_time_from_hours(outage_region_next_h(op, r)), mk->k_region, ev->subject);
    if (measured(mk, eng_now(e)))
        res_add(eng_results(e), "regional_outages", "region", mk->rg[ev->subject].name, 1, "1");
}

static void on_region_end(struct engine *e, const struct evq_event *ev, void *model)
{
    struct market *mk = model;

    (void)e;
    machine_up(mk, ev->subject / 2u, ev->subject % 2u ? DOWN_POWER : DOWN_NET);
}

/* Machines joining per hour: supply.join-rate is new GPUs per year as a
 * fraction of the initial supply, and joins come as machines, of a host
 * class drawn by share (on_join) and a GPU count from its distribution.
 * (The rate once assumed 3 GPUs a machine; the defaults average 4, so a
 * third more GPUs joined than asked.) */
static double joins_per_hour(const struct market *mk)
{
    double share = 0, gpus = 0;

    for (size_t i = 0; i < mk->nhc; i++) {
        double mean = 0;

        for (int k = 0; k < mk->hc[i].gpus.n; k++)
            mean += mk->hc[i].gpus.v[k].p * mk->hc[i].gpus.v[k].v;
        share += mk->hc[i].share;
        gpus += mk->hc[i].share * mean;
    }
    return mk->join_rate * (double)mk->gpus0 / (gpus / share) / SIM_YEAR_H;
}

/* The next machine to join, when hosts join at all. */
static void schedule_join(struct market *mk)
{
    if (mk->join_rate > 0)
        eng_after(mk->e, sim_time_from_hours(gsl_ran_exponential(mk->r_supply,
                                                                 1.0 / joins_per_hour(mk))),
                  mk->k_join, 0);
}

static void on_join(struct engine *e, const struct evq_event *ev, void *model)
{
    struct market *mk = model;
    uint32_t id;

    (void)ev;
    id = add_machine(mk, pick_weighted(mk->hc_share, mk->nhc, mk->r_supply), false);
    if (measured(mk, eng_now(e)))
        res_add(eng_results(e), "gpus_joined", "gpu", mk->gpus[mk->m[id].gpu].name,
                mk->m[id].ngpu, "GPUs");
    schedule_join(mk);
}

/* A host leaves: the machine stops listing; running contracts are
 * honoured to their end dates, and not extended (contract_expire). */
static void machine_leave(struct market *mk, uint32_t id)
{
    mkt_rel_refresh(mk, &mk->m[id], eng_now(mk->e));
    mk->m[id].leaving = true;
    mkt_index_machine(mk, id);
}

static void on_leave(struct engine *e, const struct evq_event *ev, void *model)
{
    struct market *mk = model;

    (void)e;
    machine_leave(mk, ev->subject);
}

/* What the machine's contracts have earned by 'now' and 'earned' does not
 * hold yet, less what it holds ahead of time; a review counts the change
 * since the last one, so revenue falls in the review whose time it pays
 * for. Running GPU time not yet billed: a long rental is not idle time.
 * Storage, billed for the instance's whole life when it ends, accrues as
 * it goes. A reservation's prepay, billed whole at rental, is earned over
 * its term [res_start, res_end]: counted as a lump, a machine rented for 3
 * months showed months of revenue in one review and none in the next
 * (reviewed at a sixth of its cost floor while fully rented above it). */
static money accrued_due(const struct market *mk, const struct machine *m, sim_time now)
{
    money sum = 0;

    for (uint32_t k = 0; k < m->nclaims; k++) {
        const struct contract *c = &mk->c[m->cids[k]];

        sum += segment_due(c, now) + mkt_storage_due(mk, c, now);
        if (c->type == C_RESERVED && now < c->res_end && c->res_end > c->res_start)
            sum -= money_muldiv(c->prepaid, c->res_end - now, c->res_end - c->res_start);
    }
    return sum;
}

/* A host's periodic look at its books: what the machine earned since the
 * last review (net of the platform's take) per GPU-hour, against its cost
 * floor (power, amortisation, overhead). Hosts who cannot get near their
 * costs leave, and their record guides what new hosts buy (entry_weights). */
static void on_review(struct engine *e, const struct evq_event *ev, void *model)
{
    struct market *mk = model;
    struct machine *m = &mk->m[ev->subject];
    sim_time now = eng_now(e);
    money acc;
    double gpu_h, gross;

    if (m->leaving)
        return;
    acc = accrued_due(mk, m, now);
    gpu_h = sim_time_to_hours(now - m->review_mark) * m->ngpu;
    gross = money_to_usd(m->earned + acc - m->accrued_mark);
    m->net_rate = gpu_h > 0 ? gross * (1 - mk->fee) / gpu_h : 0;
    m->reviewed = true;
    m->earned = 0;
    m->accrued_mark = acc;
    m->review_from = m->review_mark;
    m->review_mark = now;
    if (mk->exit_thr > 0 && m->net_rate < mk->exit_thr * money_to_usd(m->floor) &&
        gsl_rng_uniform(mk->r_exit) < mk->exit_p) {
        machine_leave(mk, ev->subject);
        if (measured(mk, now)) {
            res_add(eng_results(e), "machines_exited", "host_class", mk->hc[m->cls].name, 1,
                    "machines");
            res_add(eng_results(e), "gpus_exited", "gpu", mk->gpus[m->gpu].name, m->ngpu, "GPUs");
        }
        return;
    }
    eng_after(e, mk->review, mk->k_review, ev->subject);
}

/* Another 'budget' of credits: a renter tops up (saturating: a renter
 * topping up for ever stays at the largest balance money holds). */
static void add_credits(struct market *mk, struct job *jb)
{
    money more = mk->ar[jb->arch].budget;

    jb->budget = jb->budget > INT64_MAX - more ? INT64_MAX : jb->budget + more;
    if (measured(mk, jb->arrived))
        mk->ar[jb->arch].topups++;
}

/* A renter whose credits ran out tops up during the grace (check_budgets):
 * the deletion is off and the instance starts again if the GPUs it let go
 * are still free (an interruptible bids for them again); taken by an
 * on-demand or reserved renter meanwhile, they are not, and the renter
 * moves, as from a paused contract: a fresh search with fresh patience
 * (Vast's stopped instance cannot start until its GPUs are free again;
 * its saved work goes with the job, as after a move). */
static void on_topup(struct engine *e, const struct evq_event *ev, void *model)
{
    struct market *mk = model;
    uint32_t jid = ev->subject;
    struct job *jb = &mk->j[jid];
    uint32_t cid = jb->contract;
    struct contract *c = &mk->c[cid];
    uint32_t mid = c->machine;
    struct machine *m = &mk->m[mid];
    sim_time now = eng_now(e);

    jb->ev = EVQ_ID_NONE;
    SIM_ASSERT(c->in_use && c->stopped && c->released);
    add_credits(mk, jb);
    eng_cancel(e, c->ev);       /* its deletion */
    c->ev = EVQ_ID_NONE;
    watch_budget(mk, cid);
    if (c->type == C_INTERRUPTIBLE || (uint32_t)(m->ngpu - m->hp_gpus) >= c->gpus) {
        util_mark(mk, m, now);  /* the time so far was not held */
        hold(m, c);
        c->released = false;
        c->stopped = false;
        claims_changed(mk, mid);
        /* a bid that loses waits paused, its renter reconsidering, as
         * after an outbid download (not an interruption: it was not
         * running) */
        if (c->type == C_INTERRUPTIBLE && !m->down)
            renter_reconsiders(mk, cid);
        resolve(mk, mid);
        return;
    }
    renter_moves(mk, cid, now);
}

/* An on-demand renter that has tried its host for its archetype's
 * prepay-after weighs prepaying the rest of its run there (Vast's
 * `prepay instance`, MARKET-FACTS.md 19): a term, from now, if one costs
 * less than on demand for the time it has left to run (at the contract's
 * rate, as at a rental, and within the credits it has left). Once: a
 * renter that stays on demand does not ask again. A renter whose
 * instance is paused or stopped now asks when it runs again
 * (start_running sets the timer again); a host that is leaving offers no
 * term. */
static void on_prepay(struct engine *e, const struct evq_event *ev, void *model)
{
    struct market *mk = model;
    struct job *jb = &mk->j[ev->subject];
    struct contract *c;
    struct machine *m;
    sim_time now = eng_now(e);
    double d = 0;
    money prepaid = 0;
    int months;

    /* set when its on-demand instance starts running (start_running),
     * and taken back by whatever ends it or gives the renter another
     * timer; a host gone offline leaves it (the instance, paused, asks
     * when it runs again) */
    SIM_ASSERT(jb->ev.seq != 0 && jb->ev.at == ev->at && jb->contract != NONE);
    jb->ev = EVQ_ID_NONE;
    c = &mk->c[jb->contract];
    m = &mk->m[c->machine];
    SIM_ASSERT(c->type == C_ONDEMAND && !c->prepay_asked);
    if (c->state != CS_RUNNING)
        return;
    c->prepay_asked = true;
    if (m->leaving)
        return;
    months = cheapest_term(mk, jb, &mk->hc[m->cls], c->rate, c->done_at - now, &d, &prepaid);
    if (months == 0)
        return;
    mkt_bill_segment(mk, c, now);       /* on demand up to now */
    begin_term(mk, jb->contract, months, d, prepaid, now);
    if (measured(mk, now))
        mk->ar[jb->arch].prepaid_later++;
    /* an end date before the term's end has moved to it */
    eng_cancel(e, c->ev);
    schedule_contract_event(mk, jb->contract, now);
}

/* A renter withdraws its reservation from a machine deverified since
 * the rental (renter_may_withdraw): the unused balance comes back whole
 * (end_contract) and the renter searches afresh with its saved work, as
 * any renter that moves. A contract that ended meanwhile (at the same
 * instant) is no longer in use, or its slot holds another one, which
 * never had it. */
static void on_withdraw(struct engine *e, const struct evq_event *ev, void *model)
{
    struct market *mk = model;
    struct contract *c = &mk->c[ev->subject];
    sim_time now = eng_now(e);

    if (!c->in_use || !c->withdrawing)
        return;
    SIM_ASSERT(c->type == C_RESERVED && c->deverified);
    c->withdrawing = false;
    if (measured(mk, now))
        mk->ar[mk->j[c->job].arch].withdrawn++;
    renter_moves(mk, ev->subject, now);
}

/* The end of a stopped instance's credit grace (check_budgets): deleted,
 * its storage billed to now, and its renter gives up the job. */
static void on_delete(struct engine *e, const struct evq_event *ev, void *model)
{
    struct market *mk = model;
    struct contract *c = &mk->c[ev->subject];
    uint32_t jid = c->job, mid = c->machine;

    c->ev = EVQ_ID_NONE;
    end_contract(mk, ev->subject, eng_now(e), false);
    job_abandon(mk, jid);
    resolve(mk, mid);
}

/* ---- host repricing ---- */

/* Credits that run out stop instances (MARKET-FACTS.md 18): checked at
 * every repricing tick, so a renter overspends by at most one tick of its
 * burn rate. An academic's grant is such a budget. The stopped instance
 * keeps its storage, billing on, for market.credit-grace before it is
 * deleted (on_delete); with no grace it is deleted at once. Either way
 * the renter, out of money, gives up its job. */
static void check_budgets(struct market *mk, sim_time now)
{
    size_t keep = 0;

    /* Only contracts of jobs with credits are listed (by rent()); an entry
     * whose slot was freed, or reused by another contract, drops out. */
    for (size_t k = 0; k < mk->nbud; k++) {
        uint32_t cid = mk->bud[k].cid;
        struct contract *c = &mk->c[cid];
        struct job *jb;
        money open;

        if (!c->in_use || c->order != mk->bud[k].order)
            continue;
        jb = &mk->j[c->job];
        /* What ending the contract now would bill: the open GPU segment
         * (a reservation's time past its end too) and the storage of the
         * instance's whole life, which end_contract bills in one line.
         * Leaving the storage out let 200 GB instances overrun their
         * credits by an eighth. */
        open = segment_due(c, now) + mkt_storage_due(mk, c, now);
        if (jb->spent + open >= jb->budget) {
            uint32_t jid = c->job, mid = c->machine;
            const struct archetype *a = &mk->ar[jb->arch];
            /* Does the renter add credits, and after how long? Drawn
             * only when it may: with no top-ups the stream is untouched. */
            bool topup = a->topup > 0 && gsl_rng_uniform(mk->r_topup) < a->topup;
            sim_time delay = topup && a->topup_delay > 0
                ? sim_time_from_sec(gsl_ran_exponential(mk->r_topup,
                                                        sim_time_to_sec(a->topup_delay)))
                : 0;

            if (measured(mk, jb->arrived))
                mk->ar[jb->arch].out_of_budget++;
            if (topup && a->topup_delay == 0) {     /* a saved card, billed at once */
                add_credits(mk, jb);
                mk->bud[keep++] = mk->bud[k];
                continue;
            }
            if (mk->credit_grace > 0) {
                stop_instance(mk, cid, now, true);
                /* the renter waits for nothing now (no timer, no move)
                 * but, topping up before the grace ends, its top-up */
                eng_cancel(mk->e, jb->ev);
                jb->ev = topup && delay < mk->credit_grace
                    ? eng_after(mk->e, delay, mk->k_topup, c->job) : EVQ_ID_NONE;
                mk->c[cid].ev = eng_after(mk->e, mk->credit_grace, mk->k_delete, cid);
                continue;
            }
            end_contract(mk, cid, now, false);
            job_abandon(mk, jid);
            resolve(mk, mid);
            continue;
        }
        mk->bud[keep++] = mk->bud[k];
    }
    mk->nbud = keep;
}

/* The k-th smallest of v[0..n-1] (0-based), reordering v: Hoare's
 * selection with the middle element as pivot. */
static money money_select(money *v, size_t n, size_t k)
{
    ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;

    while (lo < hi) {
        money pivot = v[lo + (hi - lo) / 2];
        ptrdiff_t i = lo, j = hi;

        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                money t = v[i];

                v[i++] = v[j];
                v[j--] = t;
            }
        }
        if (kk <= j)
            hi = j;
        else if (kk >= i)
            lo = i;
        else
            break;      /* between the two parts: equal to the pivot */
    }
    return v[kk];
}

/* The going price of each GPU model's reliable tier: the median ask of
 * its listed machines scoring at least the pricing rule's reference (0
 * when there are none: nobody is capped). Computed at every repricing, so
 * the hosts' rule does not depend on how often results are sampled. */
static void reliable_asks(struct market *mk)
{
    size_t ng = mk->ngpus, n = 0;
    size_t *at = xcalloc(ng + 1, sizeof *at);
    money *v;

    for (size_t g = 0; g < ng; g++)
        mk->gpus[g].ask_ref = 0;
    if (!(mk->pricing.rel_slope > 0)) {
        free(at);
        return;
    }
    /* Group the asks by model (a counting pass, then a scatter) and
     * select each group's lower median: linear, where sorting every
     * machine each hour was a tenth of a year-long run. */
    for (size_t i = 0; i < mk->nm; i++) {
        const struct machine *m = &mk->m[i];

        if (m->listed && score_of(m) >= mk->pricing.rel_reference) {
            at[m->gpu + 1]++;
            n++;
        }
    }
    for (size_t g = 0; g < ng; g++)
        at[g + 1] += at[g];
    v = xcalloc(n + 1, sizeof *v);
    for (size_t i = 0; i < mk->nm; i++) {
        const struct machine *m = &mk->m[i];

        if (m->listed && score_of(m) >= mk->pricing.rel_reference)
            v[at[m->gpu]++] = m->ask;
    }
    /* at[g] is now the end of group g; it starts where g - 1 ends. */
    for (size_t g = 0; g < ng; g++) {
        size_t lo = g ? at[g - 1] : 0, cnt = at[g] - lo;

        /* the lower median: an ask some machine really has */
        if (cnt > 0)
            mk->gpus[g].ask_ref = money_select(v + lo, cnt, (cnt - 1) / 2);
    }
    free(v);
    free(at);
}

static void reprice(struct engine *e, void *ctx)
{
    struct market *mk = ctx;
    sim_time now = eng_now(e);

    check_budgets(mk, now);

    if (mk->posted)
        return;
    reliable_asks(mk);
    for (size_t i = 0; i < mk->nm; i++) {
        struct machine *m = &mk->m[i];
        double span, u;
        money lo, hi, ask;

        util_mark(mk, m, now);
        span = (double)(now - m->util_since) * m->ngpu;
        u = span > 0 ? m->util_gpu_us / span : 0;
        /* A busy machine raises only when it was full, every GPU rented,
         * for as long (util-high): with one job on 7 of 8 GPUs all
         * interval it is 88% utilised, but the eighth found no taker at
         * its price, and raising on that drove the idle GPU's ask to the
         * ceiling (6x cost in 60 hours at 3% an hour) for as long as the
         * job ran. On one GPU the two shares are the same. */
        if (u > mk->pricing.util_high && span > 0 &&
            1.0 - (double)m->part_us / (double)(now - m->util_since) <= mk->pricing.util_high)
            u = mk->pricing.util_high;
        /* Under raise-on = firm only on-demand and reserved renters fill
         * it: interruptibles on every GPU say that no renter took it at
         * its ask (an on-demand one would have displaced them), so such
         * a machine holds its ask rather than raise it. */
        if (mk->raise_firm && u > mk->pricing.util_high && span > 0 &&
            1.0 - (double)m->soft_us / (double)(now - m->util_since) <= mk->pricing.util_high)
            u = mk->pricing.util_high;
        m->util_gpu_us = 0;
        m->part_us = 0;
        m->soft_us = 0;
        m->util_since = now;
        if (m->uday) {          /* its class anticipates (add_machine) */
            /* A host that anticipates the demand cycle keeps the interval
             * just past (unknown if down now) and prices the coming one
             * on what the same interval saw a period (a day or a week, or
             * a blend of the two) before, when it has seen it: it raises
             * ahead of the peak and cuts ahead of the trough, where the
             * others follow them an interval late; a week's memory also
             * sees the weekend. */
            size_t k = (size_t)(now / mk->reprice_iv), n = mk->day_slots;
            float then;

            m->uday[(k + n - 1) % n] = m->down ? NAN : (float)u;
            then = m->uday[k % n];
            if (mk->blend_day) {
                /* a blend: last week's (slot k) and yesterday's (slot
                 * k - a day), either alone where the other is unknown */
                float day = m->uday[(k + n - mk->blend_day) % n];

                if (isnan(then))
                    then = day;
                else if (!isnan(day))
                    then = (float)(mk->week_weight * (double)then +
                                   (1.0 - mk->week_weight) * (double)day);
            }
            if (!isnan(then))
                u = then;
        }
        if (m->down || m->leaving)
            continue;
        /* Adapt the ask to demand (full machines raise, idle ones cut:
         * with the daily demand cycle this is what makes prices dip at
         * night without any price curve being written down) and to the
         * machine's reliability against its model's reliable tier. */
        ask_bounds(mk, m, &lo, &hi);
        ask = pricing_next_ask(&mk->pricing, m->ask, u, score_of(m),
                               mk->gpus[m->gpu].ask_ref, lo, hi);
        if (ask != m->ask) {
            bool lower = ask < m->ask, changed = false;
            money floor_was = m->min_bid;

            m->ask = ask;
            /* the floor follows the ask below the outside option and
             * comes back up with it (it once only ever went down) */
            m->min_bid = m->outside < ask ? m->outside : ask;
            /* Under second price (nothing paused) and uniform clearing
             * the floor can set what winners pay: the auction runs again
             * when it moves, or they paid the floor of the last one until
             * some unrelated event ran it. */
            if (m->min_bid != floor_was && mk->clearing != PRIO_PAY_AS_BID && m->nclaims)
                changed = true;
            if (lower) {
                /* Bidders above what they would now bid at most cut their
                 * bids to it: paying more than on-demand for less
                 * priority makes no sense ("bids can change"). */
                for (uint32_t k = m->nclaims; k-- > 0;) {
                    struct contract *c = &mk->c[m->cids[k]];
                    money cap;

                    if (c->type != C_INTERRUPTIBLE)
                        continue;       /* no bid (and no job record to read) */
                    cap = bid_limit(mk, &mk->ar[mk->j[c->job].arch], m);
                    if (c->bid > cap && cap >= m->min_bid) {
                        c->bid = cap;
                        m->thr_ok = false;
                        changed = true;
                    }
                }
            }
            if (changed)
                resolve(mk, (uint32_t)i);
            mkt_index_machine(mk, (uint32_t)i);
        }
    }
}


/* ---- set-up ---- */

static void market_free(void *state)
{
    struct market *mk = state;

    if (!mk)
        return;
    for (size_t i = 0; i < mk->nar; i++) {
        free(mk->ar[i].waits);
        free(mk->ar[i].models);
    }
    free(mk->ar);
    free(mk->hc);
    free(mk->rg);
    free(mk->hc_share);
    free(mk->rg_share);
    free(mk->gpus);
    dlperf_model_free(mk->dlp);
    for (size_t i = 0; i < mk->nm; i++) {
        free(mk->m[i].cids);
        free(mk->m[i].uday);
    }
    free(mk->m);
    free(mk->spec);
    free(mk->clk);
    free(mk->c);
    free(mk->j);
    free(mk->od_price_sum);
    free(mk->od_price_w);
    free(mk->int_price_sum);
    free(mk->int_price_w);
    free(mk->res_price_sum);
    free(mk->res_price_w);
    free(mk->new_price_sum);
    free(mk->new_price_n);
    free(mk->cls_run_h);
    free(mk->pin_named);
    free(mk->pin_started);
    free(mk->uptime);
    free(mk->scratch);
    free(mk->bref);
    free(mk->mref);
    free(mk->scratch_ids);
    free(mk->bud);
    oix_free(mk->ix);
    bill_free(mk->ledger);
    sls_free(mk->sls);
    free(mk);
}

static void *market_setup(struct engine *e, const struct scn_run *run, struct diag *d)
{
    struct market *mk = xcalloc(1, sizeof *mk);
    const char *s;
    int nerr = d->nerrors;

    mk->e = e;
    mk->run = run;
    mk->free_c = mk->free_j = NONE;
    /* Run every loader even after an error, so one pass reports every
     * bad value in the file. */
    mkt_load_catalog(mk, d);
    mk->bref = xcalloc(mk->ngpus * NBANDS + 1, sizeof *mk->bref);
    mk->mref = xcalloc(mk->ngpus + 1, sizeof *mk->mref);
    mkt_load_supply(mk, d);
    mkt_load_archetypes(mk, d);
    (void)rel_params_from_run(run, &mk->relp, d);
    mk->pricing.util_low = scn_real(run, "market.util-low");
    mk->pricing.util_high = scn_real(run, "market.util-high");
    if (mk->pricing.util_low > mk->pricing.util_high) {
        struct mkt_blame b = { "", NULL, false };

        mkt_blame(&b, run, "market.util-low");
        mkt_blame(&b, run, "market.util-high");
        diag_error(d, b.at,
                   "market.util-low %g is above market.util-high %g", mk->pricing.util_low,
                   mk->pricing.util_high);
    }
    if (!mk->dlp || d->nerrors > nerr) {
        market_free(mk);
        return NULL;
    }
    mk->fee = scn_real(run, "market.fee");
    /* Hosts price net of the platform's take: a host's cost floor and
     * outside option are what it must keep, so its asks and min_bid are
     * grossed up by 1 / (1 - fee). Vast's hosts keep 100% of their price
     * and the platform adds its surge on top (MARKET-FACTS.md 20): the
     * same split, a surge of fee / (1 - fee) on the host's net price. A
     * take that hosts ignored would pay them below cost at their floor
     * and never reach renters. */
    mk->net_gross = 1.0 / (1.0 - mk->fee);
    for (size_t h = 0; h < mk->nhc; h++) {
        mk->hc[h].lo_ppm = llround(mk->hc[h].ask_floor * mk->net_gross * 1e6);
        mk->hc[h].hi_ppm = llround(mk->hc[h].ask_ceil * mk->net_gross * 1e6);
    }
    mk->derate_scale = scn_real(run, "market.dlperf-derate-scale");
    s = scn_str(run, "market.clearing");
    mk->clearing = strcmp(s, "second-price") == 0 ? PRIO_SECOND_PRICE :
                   strcmp(s, "uniform") == 0 ? PRIO_UNIFORM : PRIO_PAY_AS_BID;
    mk->posted = strcmp(scn_str(run, "market.pricing"), "posted") == 0;
    mk->raise_firm = strcmp(scn_str(run, "market.raise-on"), "firm") == 0;
    mk->extend_at_ask = strcmp(scn_str(run, "market.extend-price"), "ask") == 0;
    mk->posted_markup = scn_real(run, "market.posted-markup");
    mk->posted_int = scn_real(run, "market.posted-interruptible");
    mk->pricing.step = scn_real(run, "market.reprice-step");
    mk->pricing.rel_reference = scn_real(run, "market.reliability-reference");
    mk->pricing.rel_slope = scn_real(run, "market.reliability-discount");
    mk->noise = scn_real(run, "market.score-noise");
    mk->dc_rank = scn_real(run, "market.datacenter-rank");
    mk->ref_dlperf = scn_real(run, "market.reference-dlperf");
    mk->disc1 = scn_real(run, "market.reserve-discount-1m");
    mk->disc3 = scn_real(run, "market.reserve-discount-3m");
    mk->cancel_fee = scn_real(run, "market.early-cancel-fee");
    mk->credit_grace = scn_time(run, "market.credit-grace");
    mk->candidates = (int)scn_int(run, "market.search-candidates");
    mk->top = (int)scn_int(run, "market.search-top");
    mk->depth = (int)scn_int(run, "market.search-depth");
    mk->prune = scn_bool(run, "market.search-prune");
    mk->join_rate = scn_real(run, "supply.join-rate");
    mk->leave_rate = scn_real(run, "supply.leave-rate");
    mk->review = scn_time(run, "supply.review");
    mk->exit_grace = scn_time(run, "supply.exit-grace");
    mk->exit_thr = scn_real(run, "supply.exit-threshold");
    mk->exit_p = scn_real(run, "supply.exit-prob");
    mk->entry_elast = scn_real(run, "supply.entry-elasticity");
    mk->start_day = (int)scn_int(run, "demand.start-day");
    mk->demand_scale = scn_real(run, "demand.scale");
    mk->gpus0 = (size_t)scn_int(run, "supply.gpus");
    if (sls_attach(mk, d) != SIM_OK) {
        market_free(mk);
        return NULL;
    }
    mk->ledger = bill_new(mk->nar + mk->nsls, mk->nhc, (int64_t)llround(mk->fee * BILL_PPB));
    mk->ix = oix_new(mk->ngpus, NBANDS, (size_t)mk->depth, mk->gpus0);
    mk->od_price_sum = xcalloc(mk->ngpus, sizeof(double));
    mk->od_price_w = xcalloc(mk->ngpus, sizeof(double));
    mk->int_price_sum = xcalloc(mk->ngpus, sizeof(double));
    mk->int_price_w = xcalloc(mk->ngpus, sizeof(double));
    mk->res_price_sum = xcalloc(mk->ngpus, sizeof(double));
    mk->res_price_w = xcalloc(mk->ngpus, sizeof(double));
    mk->new_price_sum = xcalloc(mk->ngpus, sizeof(double));
    mk->new_price_n = xcalloc(mk->ngpus, sizeof(double));
    mk->cls_run_h = xcalloc(mk->nhc, sizeof(double));
    mk->pin_named = xcalloc(mk->ngpus, sizeof(double));
    mk->pin_started = xcalloc(mk->ngpus, sizeof(double));
    mk->uptime = xcalloc(mk->nhc * NBANDS * 2, sizeof(double));
    mk->r_search = eng_rng(e, "search");
    {
        gsl_rng *salt = eng_rng(e, "search-noise");

        mk->noise_salt = ((uint64_t)gsl_rng_get(salt) << 32) ^ gsl_rng_get(salt);
    }
    mk->r_supply = eng_rng(e, "supply");
    /* Outages: the machine-side processes draw from per-machine streams
     * (struct mclock) keyed by these salts, so the stream names stay in
     * the run's list; what depends on rentals (failed starts, renters'
     * choices) and on the population (regional picks) has its own. */
    mk->salt_fail = salt_of(eng_rng(e, "failures"));
    mk->salt_disc = salt_of(eng_rng(e, "disconnects"));
    mk->salt_maint = salt_of(eng_rng(e, "maintenance"));
    mk->salt_hist = salt_of(eng_rng(e, "reliability.history"));
    mk->r_start = eng_rng(e, "outages.starts");
    mk->r_after = eng_rng(e, "outages.renters");
    mk->r_extend = eng_rng(e, "contracts.extend");
    mk->r_anticipate = eng_rng(e, "supply.anticipate");
    mk->reprice_iv = scn_time(run, "market.reprice-interval");
    /* the anticipators' memory: one period of intervals, a week for a
     * blend (a day before is then 'blend_day' slots back) */
    {
        const char *period = scn_str(run, "market.anticipate-period");
        size_t per_day = (size_t)(SIM_DAY / mk->reprice_iv);

        mk->day_slots = per_day * (strcmp(period, "day") == 0 ? 1 : 7);
        mk->blend_day = strcmp(period, "blend") == 0 ? per_day : 0;
        mk->week_weight = scn_real(run, "market.anticipate-week-weight");
    }
    mk->r_topup = eng_rng(e, "demand.topup");
    mk->r_withdraw = eng_rng(e, "demand.withdraw");
    mk->r_region_pick = eng_rng(e, "outages.regional.pick");
    for (size_t i = 0; i < mk->nrg; i++)
        mk->rg[i].r_outage = rng_getf(eng_rngs(e), "outages.regional.%s", mk->rg[i].name);
    mk->r_bid = eng_rng(e, "bids");
    mk->r_exit = eng_rng(e, "supply.exit");
    mk->r_spec = eng_rng(e, "supply.specs");
    mk->k_arrive = eng_kind(e, "market.arrive", on_arrive, mk);
    mk->k_retry = eng_kind(e, "market.retry", on_retry, mk);
    mk->k_loaded = eng_kind(e, "market.loaded", on_loaded, mk);
    mk->k_done = eng_kind(e, "market.done", on_done, mk);
    mk->k_expire = eng_kind(e, "market.expire", on_expire, mk);
    mk->k_fail = eng_kind(e, "market.fail", on_fail, mk);
    mk->k_repair = eng_kind(e, "market.repair", on_repair, mk);
    mk->k_join = eng_kind(e, "market.join", on_join, mk);
    mk->k_leave = eng_kind(e, "market.leave", on_leave, mk);
    mk->k_review = eng_kind(e, "market.review", on_review, mk);
    mk->k_disc = eng_kind(e, "market.disconnect", on_disconnect, mk);
    mk->k_reconn = eng_kind(e, "market.reconnect", on_reconnect, mk);
    mk->k_maint_notice = eng_kind(e, "market.maint-notice", on_maint_notice, mk);
    mk->k_maint = eng_kind(e, "market.maint", on_maint, mk);
    mk->k_maint_end = eng_kind(e, "market.maint-end", on_maint_end, mk);
    mk->k_region = eng_kind(e, "market.region-outage", on_region, mk);
    mk->k_region_end = eng_kind(e, "market.region-outage-end", on_region_end, mk);
    mk->k_delete = eng_kind(e, "market.delete", on_delete, mk);
    mk->k_topup = eng_kind(e, "market.topup", on_topup, mk);
    mk->k_prepay = eng_kind(e, "market.prepay", on_prepay, mk);
    mk->k_withdraw = eng_kind(e, "market.withdraw", on_withdraw, mk);
    /* Initial supply: machines until the GPU count is reached. The last
     * machine may overshoot it by up to 15 GPUs; demand and joins scale
     * with the GPUs built (supply.gpus = 2 built 9 GPUs and sized their
     * demand for 2). */
    {
        size_t gpus = 0;

        while (gpus < mk->gpus0) {
            uint32_t id = add_machine(mk, pick_weighted(mk->hc_share, mk->nhc, mk->r_supply),
                                      true);

            gpus += mk->m[id].ngpu;
        }
        mk->gpus0 = gpus;
    }
    schedule_join(mk);
    for (size_t i = 0; i < mk->nrg; i++)
        if (mk->rg[i].op.rate_per_year > 0)
            eng_after(e, sim_time_from_hours(outage_region_next_h(&mk->rg[i].op,
                                                                  mk->rg[i].r_outage)),
                      mk->k_region, (uint32_t)i);
    for (size_t i = 0; i < mk->nar; i++) {
        struct archetype *a = &mk->ar[i];
        double peak = a->rate * (1 + a->amp) * (a->weekend > 1 ? a->weekend : 1) *
                      (a->boost > 1 ? a->boost : 1);

        a->arrivals = rng_getf(eng_rngs(e), "demand.arrivals.%s", a->name);
        a->draws = rng_getf(eng_rngs(e), "demand.jobs.%s", a->name);
        a->secure = rng_getf(eng_rngs(e), "demand.secure.%s", a->name);
        a->pin = rng_getf(eng_rngs(e), "demand.pin.%s", a->name);
        a->peak = peak * (double)mk->gpus0 / 1000.0 / (24 * 3600e6) *
                  scn_real(run, "demand.scale");
        schedule_arrival(mk, (uint32_t)i);
    }
    eng_every(e, scn_time(run, "market.reprice-interval"),
              scn_time(run, "market.reprice-interval"), reprice, mk);
    eng_every(e, 0, scn_time(run, "sim.sample-interval"), mkt_sample, mk);
    /* Counts of events that may not happen in a run are written as 0 for
     * every entity from the start: a row missing from some runs would be
     * averaged over the runs that have it (summary.csv gave 2 joined RTX
     * 3090s for one run in four that had any, not 0.5) */
    for (size_t i = 0; i < mk->nrg; i++)
        res_add(eng_results(e), "regional_outages", "region", mk->rg[i].name, 0, "1");
    for (size_t g = 0; g < mk->ngpus; g++) {
        res_add(eng_results(e), "gpus_joined", "gpu", mk->gpus[g].name, 0, "GPUs");
        res_add(eng_results(e), "gpus_exited", "gpu", mk->gpus[g].name, 0, "GPUs");
    }
    for (size_t h = 0; h < mk->nhc; h++)
        res_add(eng_results(e), "machines_exited", "host_class", mk->hc[h].name, 0, "machines");
    return mk;
}

const struct sim_model market_model = {
    "market", "Vast.ai-like GPU rental market", market_register_params,
    market_setup, mkt_finish, market_free,
};
