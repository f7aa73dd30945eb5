/* models/market_metrics.c -- what the market reports, and its checks.
 *
 * mkt_sample() runs every sim.sample-interval: per GPU model the supply by
 * state, utilisation, realised and asked price quantiles, per archetype
 * the waiting demand, per host class the reliability quantiles, and the
 * offer-index invariant. mkt_finish() closes the books at the end (bills
 * what is still open), checks every invariant of DESIGN.md section 9 and
 * records the scalars. Metric names are documented in docs/METRICS.md.
 */
#include "models/market_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "models/ledger.h"
#include "models/serverless.h"
#include "sim/results.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

struct keyed { double key, v; };

static int by_keyed(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;

    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->v > y->v) - (x->v < y->v);
}

/* Quantile of the sorted values v[0..n-1] (linear interpolation). */
static double sorted_quantile(const struct keyed *v, size_t n, double q)
{
    double pos = q * (double)(n - 1), frac;
    size_t i = (size_t)pos;

    frac = pos - (double)i;
    return i + 1 < n ? v[i].v * (1 - frac) + v[i + 1].v * frac : v[i].v;
}

/* Emits p10/p50/p90 (or just p50) of every key group of 'v'. */
static void emit_groups(struct results *res, sim_time now, struct keyed *v, size_t n,
                        const char *const *names, const char *kind,
                        const char *const metric[3], double *p50)
{
    qsort(v, n, sizeof *v, by_keyed);
    for (size_t i = 0; i < n;) {
        size_t j = i;

        while (j < n && v[j].key == v[i].key)
            j++;
        for (int q = 0; q < 3; q++)
            if (metric[q])
                res_sample(res, now, metric[q], kind, names[(size_t)v[i].key],
                           sorted_quantile(&v[i], j - i, q == 0 ? 0.1 : q == 1 ? 0.5 : 0.9));
        if (p50)
            p50[(size_t)v[i].key] = sorted_quantile(&v[i], j - i, 0.5);
        i = j;
    }
}

static struct keyed *keyed_buf(struct market *mk, size_t n)
{
    if (n * 2 > mk->scratch_cap) {
        mk->scratch_cap = n * 2 + 64;
        mk->scratch = xrealloc(mk->scratch, mk->scratch_cap * sizeof *mk->scratch);
    }
    return (struct keyed *)(void *)mk->scratch;
}

/* One pass over machines and one over contracts per sample: sampling a
 * 100,000-GPU market hourly must not cost more than simulating it. */
/* Invariant: every index entry carries what its machine would give it now
 * (searches turn offers down on these copies alone). */
static bool index_check(const struct market *mk, char *msg, size_t len)
{
    for (size_t i = 0; i < mk->nm; i++) {
        struct machine m = mk->m[i];        /* a copy: thresholds recomputed */
        uint32_t free = m.listed ? m.ngpu - m.hp_gpus : 0;
        struct oix_hot hot;

        m.thr_ok = false;
        mkt_hot_fields(mk, &m, free, &hot);
        for (int c = 0; c < OIX_KCLASSES; c++) {
            uint32_t k = 1u << c;
            bool want = k >= m.min_chunk && k <= free;
            struct oix_entry en;
            bool got = oix_get(mk->ix, (uint32_t)i, c, &en);

            if (want != got || (got && !oix_entry_is(&en, m.ask, &hot, c))) {
                snprintf(msg, len, "machine %zu, %u-GPU offers: the index is stale", i, k);
                return false;
            }
        }
    }
    return true;
}

/* The invariants checked at every sample, on the market's whole state
 * (DESIGN.md section 9; README "Invariants"). */
static void sample_checks(struct engine *e, const struct market *mk)
{
    char msg[160];

    if (!index_check(mk, msg, sizeof msg))
        eng_fail(e, "offer-index", "%s", msg);
    if (!mkt_prices_current(mk, msg, sizeof msg))
        eng_fail(e, "contracts.clearing-price", "%s", msg);
    /* A renter whose instance is paused on a host that is up holds a
     * timer (its pause patience: raise the bid or move); without one it
     * would wait for the auction to resume it, maybe for ever. */
    for (size_t i = 0; i < mk->nc; i++) {
        const struct contract *c = &mk->c[i];

        if (c->in_use && c->state == CS_PAUSED && !c->stopped && !mk->m[c->machine].down &&
            mk->j[c->job].arch < mk->nar && mk->j[c->job].ev.seq == 0) {
            eng_fail(e, "contracts.paused-timer", "contract %zu is paused on machine %u, "
                     "which is up, and its renter holds no timer", i, c->machine);
            break;
        }
        /* Storage bills by the two marks: an instance is offline exactly
         * while its host is down, and on the stopped clock exactly while
         * paused on a host that is up (a state change that skipped
         * mkt_idle_sync would bill its time at the wrong price). */
        if (c->in_use && (c->offline != (mk->m[c->machine].down != 0) ||
                          c->idle != mkt_idle_now(c))) {
            eng_fail(e, "contracts.storage-clock", "contract %zu, %s on machine %u, which is "
                     "%s: offline mark %s, stopped-storage clock %s", i,
                     c->state == CS_PAUSED ? "paused" : c->state == CS_RUNNING ? "running" :
                     "downloading", c->machine, mk->m[c->machine].down ? "down" : "up",
                     c->offline ? "set" : "clear", c->idle ? "on" : "off");
            break;
        }
        /* an offline host downloads nothing (its instances wait) */
        if (c->in_use && c->state == CS_LOADING && mk->m[c->machine].down) {
            eng_fail(e, "contracts.loading", "contract %zu downloads on machine %u, which "
                     "is down", i, c->machine);
            break;
        }
    }
    /* A renter that rents has no machine it waits for: a mark left from
     * an earlier failure would send it back to that host later. */
    for (size_t i = 0; i < mk->nj; i++)
        if (mk->j[i].state == J_RENTING && mk->j[i].wait_machine != NONE) {
            eng_fail(e, "jobs.wait-mark", "job %zu rents and still waits for machine %u", i,
                     mk->j[i].wait_machine);
            break;
        }
}

void mkt_sample(struct engine *e, void *ctx)
{
    static const char *const od_q[3] = { "price_ondemand_p10", "price_ondemand_p50", "price_ondemand_p90" };
    static const char *const int_q[3] = { "price_interruptible_p10", "price_interruptible_p50", "price_interruptible_p90" };
    static const char *const ask_q[3] = { NULL, "price_ask_p50", NULL };
    static const char *const rel_q[3] = { "reliability_p10", "reliability_p50", "reliability_p90" };
    struct market *mk = ctx;
    struct results *res = eng_results(e);
    sim_time now = eng_now(e);
    size_t ng = mk->ngpus, n;
    double *listed = xcalloc(ng, sizeof *listed), *failed = xcalloc(ng, sizeof *failed);
    double *rented = xcalloc(ng * 3, sizeof *rented);
    const char **gnames = xcalloc(ng, sizeof *gnames), **hnames = xcalloc(mk->nhc, sizeof *hnames);
    struct keyed *v;
    size_t *waiting;

    sample_checks(e, mk);
    for (size_t g = 0; g < ng; g++)
        gnames[g] = mk->gpus[g].name;
    for (size_t h = 0; h < mk->nhc; h++)
        hnames[h] = mk->hc[h].name;
    for (size_t i = 0; i < mk->nm; i++) {
        const struct machine *m = &mk->m[i];

        /* a departed host's failure clock runs on: its downtime is no
         * longer the market's (it made gpus_failed grow as hosts left) */
        if (mkt_gone(m))
            continue;
        if (m->down)
            failed[m->gpu] += m->ngpu;
        else if (m->listed || m->nclaims > 0)
            listed[m->gpu] += m->ngpu;
    }
    for (size_t i = 0; i < mk->nc; i++) {
        const struct contract *c = &mk->c[i];

        if (c->in_use && c->state == CS_RUNNING)
            rented[mk->m[c->machine].gpu * 3 + c->type] += c->gpus;
    }
    for (size_t g = 0; g < ng; g++) {
        const char *id = mk->gpus[g].name;
        double run = rented[g * 3] + rented[g * 3 + 1] + rented[g * 3 + 2];

        /* a model of the market with none of its machines there now is
         * sampled as 0s, not left out (means over time count it) */
        if (listed[g] == 0 && failed[g] == 0 && !(mk->gpus[g].share > 0))
            continue;
        res_sample(res, now, "gpus_listed", "gpu", id, listed[g]);
        res_sample(res, now, "gpus_rented_ondemand", "gpu", id, rented[g * 3]);
        res_sample(res, now, "gpus_rented_reserved", "gpu", id, rented[g * 3 + 1]);
        res_sample(res, now, "gpus_rented_interruptible", "gpu", id, rented[g * 3 + 2]);
        res_sample(res, now, "gpus_idle", "gpu", id, listed[g] - run > 0 ? listed[g] - run : 0);
        res_sample(res, now, "gpus_failed", "gpu", id, failed[g]);
        if (run > listed[g])    /* counts of GPUs: exact */
            eng_fail(e, "utilisation.range", "%s: %.0f GPUs running of %.0f in the market",
                     id, run, listed[g]);
        res_sample(res, now, "utilisation", "gpu", id, listed[g] > 0 ? run / listed[g] : 0);
        /* the going price: on-demand rentals that started since the last sample */
        if (mk->new_price_n[g] > 0)
            res_sample(res, now, "price_new_ondemand", "gpu", id,
                       mk->new_price_sum[g] / mk->new_price_n[g]);
        mk->new_price_sum[g] = mk->new_price_n[g] = 0;
    }
    /* realised prices of running rentals, by contract type */
    for (int t = 0; t < 2; t++) {
        v = keyed_buf(mk, mk->nc + 1);
        n = 0;
        for (size_t i = 0; i < mk->nc; i++) {
            const struct contract *c = &mk->c[i];

            if (c->in_use && c->state == CS_RUNNING &&
                (t == 0 ? c->type == C_ONDEMAND : c->type == C_INTERRUPTIBLE))
                v[n++] = (struct keyed){ (double)mk->m[c->machine].gpu, money_to_usd(c->rate) };
        }
        emit_groups(res, now, v, n, gnames, "gpu", t == 0 ? od_q : int_q, NULL);
    }
    v = keyed_buf(mk, mk->nm + 1);
    n = 0;
    for (size_t i = 0; i < mk->nm; i++)
        if (mk->m[i].listed)
            v[n++] = (struct keyed){ (double)mk->m[i].gpu, money_to_usd(mk->m[i].ask) };
    {
        double *p50 = xcalloc(ng, sizeof *p50);

        emit_groups(res, now, v, n, gnames, "gpu", ask_q, p50);
        for (size_t g = 0; g < ng; g++)
            if (p50[g] > 0)
                mk->gpus[g].ask_p50 = money_from_usd(p50[g]);
        free(p50);
    }
    n = 0;
    for (size_t i = 0; i < mk->nm; i++) {
        struct machine *m = &mk->m[i];

        /* Scores move with time alone (a window slides past old
         * downtime): every machine the score could list or delist is
         * refreshed and re-indexed, the band may have moved too. One the
         * RunPod rule delisted comes back here once its score has
         * recovered; nothing else happens to an idle machine at its floor
         * price to list it again. */
        if (!m->listed && (m->down || m->leaving || m->maint_pending))
            continue;
        mkt_rel_refresh(mk, m, now);
        mkt_index_machine(mk, (uint32_t)i);
        if (m->listed)
            v[n++] = (struct keyed){ (double)m->cls, score_of(m) };
    }
    emit_groups(res, now, v, n, hnames, "host_class", rel_q, NULL);
    /* The whole distribution over time, not only three quantiles: listed
     * machines per score bin (width 0.01 from 0.5, the end-of-run
     * histogram's bins), every bin of every class at every sample, empty
     * ones as 0: a bin written only when it held any had its steady mean
     * taken over the samples where it did (one machine at 2 samples of
     * 108 read as 1, not 0.019). v is sorted by class. */
    for (size_t h = 0, i = 0; h < mk->nhc; h++) {
        double hist[50] = { 0 };
        char metric[128], bin[16];

        for (; i < n && (size_t)v[i].key == h; i++) {
            int b = (int)floor((v[i].v - 0.5) / 0.01);

            hist[b < 0 ? 0 : b > 49 ? 49 : b]++;
        }
        snprintf(metric, sizeof metric, "reliability_hist_listed_%s", hnames[h]);
        for (int b = 0; b < 50; b++) {
            snprintf(bin, sizeof bin, "%.2f", 0.5 + 0.01 * b);
            res_sample(res, now, metric, "bin", bin, hist[b]);
        }
    }
    waiting = xcalloc(mk->nar, sizeof *waiting);
    for (size_t i = 0; i < mk->nj; i++)
        if (mk->j[i].state == J_WAITING)
            waiting[mk->j[i].arch]++;
    for (size_t a = 0; a < mk->nar; a++)
        res_sample(res, now, "demand_waiting", "archetype", mk->ar[a].name, (double)waiting[a]);
    free(waiting);
    free(listed);
    free(failed);
    free(rented);
    free(gnames);
    free(hnames);
}

int mkt_finish(struct engine *e, void *state)
{
    struct market *mk = state;
    struct results *res = eng_results(e);
    sim_time now = eng_now(e);
    char msg[512];
    double listed_us = 0, rented_us = 0;
    int rc = SIM_OK;

    /* Bill what is still open: running segments and storage to the end.
     * Reservations are not settled: their prepay stays with the host. */
    for (size_t i = 0; i < mk->nc; i++) {
        struct contract *c = &mk->c[i];

        if (!c->in_use)
            continue;
        if (c->state == CS_RUNNING)
            mkt_bill_segment(mk, c, now);
        mkt_fold_at_end(mk, c, now);        /* goodput counts work in progress */
        {
            struct machine *m = &mk->m[c->machine];

            mkt_charge_over(mk, &mk->j[c->job], m, BILL_STORAGE, mkt_storage_due(mk, c, now),
                            c->created, now);
            c->created = now;
            c->off_total = 0;
            c->off_since = now;
            c->idle_total = 0;
            c->idle_since = now;
        }
    }
    if (!sls_finish(mk->sls, res))  /* after the books are closed */
        rc = SIM_ECHECK;
    if (!bill_check(mk->ledger, msg, sizeof msg)) {
        eng_fail(e, "money.conservation", "%s", msg);
        rc = SIM_ECHECK;
    }
    /* GPU-time run never exceeds GPU-time up: per machine exactly, in
     * integer GPU-µs over the whole run (start_running checks each moment);
     * then what renters and workers paid for after the warm-up against the
     * machines' time up in the market after it. */
    for (size_t i = 0; i < mk->nm; i++) {
        struct machine *m = &mk->m[i];
        int64_t ran = m->run_gpu_us + (int64_t)m->run_gpus * (now - m->util_mark);

        mkt_rel_refresh(mk, m, now);
        listed_us += m->up_post_us * m->ngpu;
        if (m->run_gpus > m->ngpu || ran > (int64_t)m->up_us_total * m->ngpu) {
            eng_fail(e, "capacity", "machine %zu runs %u of %u GPUs, ran %.17g GPU-h in "
                     "%.17g h up", i, m->run_gpus, m->ngpu, (double)ran / 3600e6,
                     m->up_us_total / 3600e6);
            rc = SIM_ECHECK;
        }
        if (!(score_of(m) >= 0 && score_of(m) <= 1)) {
            eng_fail(e, "reliability.range", "machine %zu has score %g", i, score_of(m));
            rc = SIM_ECHECK;
        }
    }
    for (size_t a = 0; a < mk->nar + mk->nsls; a++)  /* renters and serverless workers */
        rented_us += (mk->ar[a].paid_gpu_h[0] + mk->ar[a].paid_gpu_h[1] +
                      mk->ar[a].paid_gpu_h[2]) * 3600e6;
    if (rented_us > listed_us * (1 + 1e-9) + 1) {
        eng_fail(e, "capacity", "rented %.17g GPU-h > %.17g GPU-h up in the market",
                 rented_us / 3600e6, listed_us / 3600e6);
        rc = SIM_ECHECK;
    }
    /* Every job is accounted for. */
    for (size_t a = 0; a < mk->nar; a++) {
        struct archetype *ar = &mk->ar[a];
        const char *nm = ar->name;
        double paid = ar->paid_gpu_h[0] + ar->paid_gpu_h[1] + ar->paid_gpu_h[2];
        double spend = ar->spend_usd;      /* after warm-up */
        size_t running = 0;
        size_t running_all = 0;
        double spend_running = 0;

        for (size_t i = 0; i < mk->nj; i++)
            if (mk->j[i].state != J_DONE && mk->j[i].arch == a) {
                running_all++;
                if (mk->j[i].arrived >= eng_warmup(e)) {
                    running++;
                    spend_running += money_to_usd(mk->j[i].spent);
                }
            }
        /* every job, warm-up included, and the measured ones on their own */
        if (ar->arrived_all != ar->completed_all + ar->abandoned_all + running_all ||
            ar->arrived != ar->completed + ar->abandoned + running) {
            eng_fail(e, "jobs.accounted", "archetype %s: %llu arrived != %llu completed + "
                     "%llu abandoned + %zu in the system (after the warm-up: %llu, %llu, "
                     "%llu, %zu)", nm, (unsigned long long)ar->arrived_all,
                     (unsigned long long)ar->completed_all,
                     (unsigned long long)ar->abandoned_all, running_all,
                     (unsigned long long)ar->arrived, (unsigned long long)ar->completed,
                     (unsigned long long)ar->abandoned, running);
            rc = SIM_ECHECK;
        }
        res_scalar(res, "jobs_arrived", "archetype", nm, (double)ar->arrived, "1");
        res_scalar(res, "jobs_started", "archetype", nm, (double)ar->started, "1");
        res_scalar(res, "jobs_completed", "archetype", nm, (double)ar->completed, "1");
        res_scalar(res, "jobs_abandoned", "archetype", nm, (double)ar->abandoned, "1");
        res_scalar(res, "jobs_running_at_end", "archetype", nm, (double)running, "1");
        res_scalar(res, "job_spend_completed_usd", "archetype", nm, ar->spend_done_usd, "USD");
        res_scalar(res, "job_spend_abandoned_usd", "archetype", nm, ar->spend_abandoned_usd, "USD");
        res_scalar(res, "job_spend_running_usd", "archetype", nm, spend_running, "USD");
        res_scalar(res, "wait_h_mean", "archetype", nm,
                   ar->started ? ar->wait_sum_h / (double)ar->started : NaN, "h");
        res_scalar(res, "interruptions", "archetype", nm, (double)ar->interruptions, "1");
        res_scalar(res, "failures_hit", "archetype", nm, (double)ar->failures_hit, "1");
        res_scalar(res, "failures_resumed_same_host", "archetype", nm,
                   (double)ar->resumed_same, "1");
        res_scalar(res, "jobs_out_of_budget", "archetype", nm, (double)ar->out_of_budget, "1");
        res_scalar(res, "credit_topups", "archetype", nm, (double)ar->topups, "1");
        res_scalar(res, "prepaid_later", "archetype", nm, (double)ar->prepaid_later, "1");
        res_scalar(res, "reservations_withdrawn", "archetype", nm, (double)ar->withdrawn, "1");
        res_scalar(res, "contracts_expired", "archetype", nm, (double)ar->expired, "1");
        res_scalar(res, "contracts_extended", "archetype", nm, (double)ar->extended, "1");
        res_scalar(res, "contracts_repriced", "archetype", nm, (double)ar->repriced, "1");
        res_scalar(res, "price_increases_rejected", "archetype", nm,
                   (double)ar->increase_rejected, "1");
        res_scalar(res, "paid_gpu_h", "archetype", nm, paid, "GPU-h");
        res_scalar(res, "spend_usd", "archetype", nm, spend, "USD");
        /* both after the warm-up: what was spent then, over the work
         * kept then (completed jobs' whole work against all spending
         * made the figure fall 7x from a 10- to a 120-day horizon) */
        res_scalar(res, "cost_per_work_usd", "archetype", nm,
                   ar->useful_work > 0 ? spend / ar->useful_work : NaN, "USD/ref-GPU-h");
        res_scalar(res, "price_paid_per_gpu_h", "archetype", nm,
                   paid > 0 ? ar->gpu_usd / paid : NaN, "USD/GPU-h");
        res_scalar(res, "share_interruptible", "archetype", nm,
                   paid > 0 ? ar->paid_gpu_h[C_INTERRUPTIBLE] / paid : 0, "1");
        res_scalar(res, "lost_work_h", "archetype", nm, ar->lost_work, "ref-GPU-h");
        /* useful work over what the paid GPU time could have done:
         * checkpoint writes, restarts and work lost all lower it (it was
         * work done over work done plus lost, blind to the first two) */
        res_scalar(res, "goodput", "archetype", nm,
                   ar->paid_ref > 0 ? ar->useful_work / ar->paid_ref : NaN, "1");
        if (ar->nwaits > 0) {
            char metric[128], q[16];

            qsort(ar->waits, ar->nwaits, sizeof *ar->waits, cmp_double);
            snprintf(metric, sizeof metric, "wait_h_quantile_%s", nm);
            /* Every 5%, then a finer grid in the upper tail: most renters
             * start at once, and the tail is where archetypes differ. */
            static const double qs[] = {
                0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6,
                0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.92, 0.94, 0.95, 0.96, 0.97, 0.98,
                0.99, 0.995, 0.999, 1
            };

            for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
                double pos = qs[k] * (double)(ar->nwaits - 1);
                size_t i = (size_t)pos;
                double f = pos - (double)i;
                double val = i + 1 < ar->nwaits ? ar->waits[i] * (1 - f) + ar->waits[i + 1] * f
                                                : ar->waits[i];

                snprintf(q, sizeof q, "%g", qs[k]);
                res_scalar(res, metric, "q", q, val, "h");
            }
        }
    }
    for (size_t h = 0; h < mk->nhc; h++) {
        double up = 0;
        char metric[128], bin[16];
        double hist[50] = { 0 };

        for (size_t i = 0; i < mk->nm; i++) {
            const struct machine *m = &mk->m[i];
            int b;

            if (m->cls != h)
                continue;
            up += m->up_post_us * m->ngpu;
            /* The machines in the market at the end: a host that left
             * keeps its slot (leaving) and was counted here for good. One
             * leaving but still hosting instances counts until they end,
             * since its renters still meet its record. */
            if (mkt_gone(m))
                continue;
            b = (int)floor((score_of(m) - 0.5) / 0.01);
            hist[b < 0 ? 0 : b > 49 ? 49 : b]++;
        }
        res_scalar(res, "revenue_usd", "host_class", mk->hc[h].name,
                   money_to_usd(bill_revenue(mk->ledger, h)), "USD");
        {
            double u = 0, t = 0;

            for (size_t b = 0; b < NBANDS; b++) {
                u += mk->uptime[(h * NBANDS + b) * 2];
                t += mk->uptime[(h * NBANDS + b) * 2] + mk->uptime[(h * NBANDS + b) * 2 + 1];
            }
            res_scalar(res, "uptime", "host_class", mk->hc[h].name, t > 0 ? u / t : NaN, "1");
        }
        {
            double u = up > 0 ? mk->cls_run_h[h] * 3600e6 / up : 0;

            /* paid GPU-time over GPU-time up in the market (rounding aside) */
            if (!(u >= 0 && u <= 1 + 1e-9)) {
                eng_fail(e, "utilisation.range", "host class %s: utilisation %.17g",
                         mk->hc[h].name, u);
                rc = SIM_ECHECK;
            }
            res_scalar(res, "utilisation", "host_class", mk->hc[h].name, u, "1");
        }
        snprintf(metric, sizeof metric, "reliability_hist_%s", mk->hc[h].name);
        for (int b = 0; b < 50; b++) {
            snprintf(bin, sizeof bin, "%.2f", 0.5 + 0.01 * b);
            res_scalar(res, metric, "bin", bin, hist[b], "machines");
        }
    }
    /* Uptime of all machines, and of the verified machines a renter
     * filtering on reliability >= each band's lower edge would have seen. */
    for (size_t b0 = 0; b0 < NBANDS; b0 += b0 == 0 ? 2 : 1) {
        double u = 0, t = 0;
        char lo[16];

        for (size_t h = 0; h < mk->nhc; h++)
            for (size_t b = b0; b < NBANDS; b++) {
                u += mk->uptime[(h * NBANDS + b) * 2];
                t += mk->uptime[(h * NBANDS + b) * 2] + mk->uptime[(h * NBANDS + b) * 2 + 1];
            }
        snprintf(lo, sizeof lo, "%g", mkt_band_lo[b0]);
        if (b0 == 0)
            res_scalar(res, "uptime", "platform", "all", t > 0 ? u / t : NaN, "1");
        else
            res_scalar(res, "uptime", "min_reliability", lo, t > 0 ? u / t : NaN, "1");
    }
    res_scalar(res, "platform_revenue_usd", "platform", "all",
               money_to_usd(bill_platform(mk->ledger)), "USD");
    res_scalar(res, "renter_spend_usd", "platform", "all",
               money_to_usd(bill_total_spend(mk->ledger)), "USD");
    res_scalar(res, "refunds_usd", "platform", "all",
               money_to_usd(bill_total_refunds(mk->ledger)), "USD");
    {
        money hr = 0;

        for (size_t h = 0; h < mk->nhc; h++)
            hr += bill_revenue(mk->ledger, h);
        res_scalar(res, "host_revenue_usd", "platform", "all", money_to_usd(hr), "USD");
    }
    for (size_t g = 0; g < mk->ngpus; g++) {
        if (mk->od_price_w[g] > 0)
            res_scalar(res, "price_ondemand_mean", "gpu", mk->gpus[g].name,
                       mk->od_price_sum[g] / mk->od_price_w[g], "USD/GPU-h");
        if (mk->int_price_w[g] > 0)
            res_scalar(res, "price_interruptible_mean", "gpu", mk->gpus[g].name,
                       mk->int_price_sum[g] / mk->int_price_w[g], "USD/GPU-h");
        if (mk->res_price_w[g] > 0)
            res_scalar(res, "price_reserved_mean", "gpu", mk->gpus[g].name,
                       mk->res_price_sum[g] / mk->res_price_w[g], "USD/GPU-h");
        /* the means' weights, so models can be pooled (seed 002's "A100
         * 40GB" row covers the PCIe and SXM4 parts) */
        if (mk->od_price_w[g] > 0 || mk->int_price_w[g] > 0 || mk->res_price_w[g] > 0 ||
            mk->gpus[g].share > 0) {
            res_scalar(res, "gpu_h_ondemand", "gpu", mk->gpus[g].name, mk->od_price_w[g],
                       "GPU-h");
            res_scalar(res, "gpu_h_interruptible", "gpu", mk->gpus[g].name,
                       mk->int_price_w[g], "GPU-h");
            res_scalar(res, "gpu_h_reserved", "gpu", mk->gpus[g].name,
                       mk->res_price_w[g], "GPU-h");
        }
        if (mk->gpus[g].share > 0)
            res_scalar(res, "street_price_usd", "gpu", mk->gpus[g].name,
                       mk->gpus[g].street_usd, "USD");
        /* named-model demand (archetype.*.name-pin): absent when nobody names */
        if (mk->pin_named[g] > 0 || mk->pin_started[g] > 0) {
            res_scalar(res, "jobs_named", "gpu", mk->gpus[g].name, mk->pin_named[g], "1");
            res_scalar(res, "jobs_named_started", "gpu", mk->gpus[g].name,
                       mk->pin_started[g], "1");
        }
    }
    /* A snapshot of listed offers for the price-vs-DLPerf chart. */
    for (size_t i = 0; i < mk->nm; i++) {
        const struct machine *m = &mk->m[i];
        char kind[80], id[24];

        if (!m->listed)
            continue;
        snprintf(kind, sizeof kind, "offer:%s", mk->gpus[m->gpu].name);
        snprintf(id, sizeof id, "%zu", i);
        res_scalar(res, "offer_price_per_gpu_h", kind, id, money_to_usd(m->ask), "USD/GPU-h");
        res_scalar(res, "offer_dlperf_per_gpu", kind, id, m->dlperf, "1");
        res_scalar(res, "offer_reliability", kind, id, m->score, "1");
        res_scalar(res, "offer_free_gpus", kind, id, (double)(m->ngpu - m->hp_gpus), "GPUs");
    }
    return rc;
}
