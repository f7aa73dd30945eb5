/* models/spotckpt.c -- a job on a spot instance under a checkpointing
 * policy (see spotckpt.h). */
#include "models/spotckpt.h"

#include <math.h>
#include "sim/err.h"

const char *spck_policy_name(enum spck_policy p)
{
    static const char *const names[SPCK_NPOLICIES] = { "NONE", "HOUR", "EDGE", "ADAPT", "OPT" };

    SIM_ASSERT(p >= 0 && p < SPCK_NPOLICIES);
    return names[p];
}

unsigned spck_level(const struct spck_hazard *h, money price)
{
    double x = (double)(price - h->lo) / (double)(h->hi - h->lo);
    double l = floor(x * SPCK_LEVELS);

    return (unsigned)(l < 0 ? 0 : l >= SPCK_LEVELS ? SPCK_LEVELS - 1 : l);
}

void spck_estimate(struct spck_hazard *h, const struct spot_trace *tr, money bid,
                   sim_time history)
{
    size_t n = spot_trace_count(tr);
    double cnt[SPCK_LEVELS] = { 0 }, out[SPCK_LEVELS] = { 0 }, call = 0, oall = 0;

    SIM_ASSERT(h->lo < h->hi);
    for (size_t k = 0; k < n && spot_trace_at(tr, k) + SIM_HOUR <= history; k++) {
        sim_time until = spot_trace_at(tr, k) + SIM_HOUR;
        unsigned l;
        bool hit = false;

        if (spot_trace_price(tr, k) > bid)
            continue;
        for (size_t m = k + 1; m < n && spot_trace_at(tr, m) <= until && !hit; m++)
            hit = spot_trace_price(tr, m) > bid;
        l = spck_level(h, spot_trace_price(tr, k));
        cnt[l]++;
        out[l] += hit;
        call++;
        oall += hit;
    }
    for (unsigned l = 0; l < SPCK_LEVELS; l++)
        h->p[l] = cnt[l] > 0 ? out[l] / cnt[l] : call > 0 ? oall / call : 0.5;
}

enum act { A_COMPUTE, A_RESTORE, A_CKPT };
enum ev { E_OUT, E_FIN, E_ACT, E_HOUR, E_UPD, E_DEC, E_LIMIT };

void spck_walk(const struct spot_trace *tr, const struct spck_job *j, enum spck_policy pol,
               money bid, const struct spck_hazard *h, sim_time submit,
               struct spck_outcome *o)
{
    size_t n = spot_trace_count(tr), i = spot_trace_find(tr, submit);
    sim_time t = submit, limit = submit + j->deadline, saved = 0;
    sim_time decided = -1;                  /* the last decision's moment */

    SIM_ASSERT(j->work > 0 && j->delta > 0 && j->delta < SIM_HOUR && j->restart >= 0);
    SIM_ASSERT(pol != SPCK_ADAPT || h);
    *o = (struct spck_outcome){ 0, j->deadline, false, 0 };
    for (;;) {
        size_t end, k;
        sim_time out, hs, unsaved = 0, act_end = 0;
        money hp;
        enum act act;

        /* waiting: until an update at most the bid */
        while (spot_trace_price(tr, i) > bid) {
            if (i + 1 == n || spot_trace_at(tr, i + 1) >= limit)
                return;                     /* censored */
            t = spot_trace_at(tr, ++i);
        }
        /* an instance, until the first update above the bid ('end') */
        for (end = i + 1; end < n && spot_trace_price(tr, end) <= bid; end++)
            ;
        out = end < n ? spot_trace_at(tr, end) : SIM_TIME_MAX;
        hs = t;                             /* the hour's start, and its price */
        hp = spot_trace_price(tr, i);
        k = i;                              /* the update in force */
        act = saved > 0 ? A_RESTORE : A_COMPUTE;
        if (act == A_RESTORE)
            act_end = t + j->restart;
        for (;;) {
            sim_time next = SIM_TIME_MAX, fin = SIM_TIME_MAX;
            enum ev what = E_LIMIT;

            /* The earliest of the candidates; on a tie the first listed.
             * What ends at the instant of a cut happened before it: the
             * job done, a checkpoint written, an hour complete (charged). */
#define CONSIDER(at, ev) do { if ((at) < next) { next = (at); what = (ev); } } while (0)
            if (act == A_COMPUTE) {
                fin = t + (j->work - saved - unsaved);
                CONSIDER(fin, E_FIN);
            } else {
                CONSIDER(act_end, E_ACT);
            }
            CONSIDER(hs + SIM_HOUR, E_HOUR);
            CONSIDER(out, E_OUT);
            if (k + 1 < end)
                CONSIDER(spot_trace_at(tr, k + 1), E_UPD);
            /* computing until a moment later than now, it has work to save
             * by then, even if it has none yet; a moment that is now (an
             * update posted at it came first, as listed) still decides once,
             * if there is work unsaved */
            if (act == A_COMPUTE) {
                sim_time dec = SIM_TIME_MAX;

                if (pol == SPCK_HOUR || pol == SPCK_ADAPT)
                    dec = hs + SIM_HOUR - j->delta;
                /* the oracle's write ends a microsecond before the
                 * termination, and only when the job would not finish
                 * first (finishing at the cut's instant is first) */
                if (pol == SPCK_OPT && out != SIM_TIME_MAX && fin > out)
                    dec = out - j->delta - 1;
                if (dec != SIM_TIME_MAX && dec != decided &&
                    (dec > t || (dec == t && unsaved > 0)))
                    CONSIDER(dec, E_DEC);
            }
            CONSIDER(limit, E_LIMIT);
#undef CONSIDER
            if (act == A_COMPUTE)
                unsaved += next - t;
            t = next;
            switch (what) {
            case E_OUT:         /* the provider's cut: this hour is free */
                o->outs++;
                i = end;
                break;
            case E_LIMIT:       /* censored: whole hours paid so far */
                return;
            case E_FIN:         /* the user's end: this hour is charged */
                o->cost += hp;
                o->done = true;
                o->took = t - submit;
                return;
            case E_ACT:
                if (act == A_CKPT) {
                    saved += unsaved;
                    unsaved = 0;
                }
                act = A_COMPUTE;
                continue;
            case E_HOUR:
                o->cost += hp;
                hs += SIM_HOUR;
                hp = spot_trace_price(tr, spot_trace_find(tr, hs));
                continue;
            case E_UPD:
                k++;
                if (pol == SPCK_EDGE && act == A_COMPUTE && unsaved > 0 &&
                    spot_trace_price(tr, k) > spot_trace_price(tr, k - 1)) {
                    act = A_CKPT;
                    act_end = t + j->delta;
                }
                continue;
            case E_DEC:
                decided = t;
                if (pol != SPCK_ADAPT ||
                    h->p[spck_level(h, spot_trace_price(tr, k))] * (double)unsaved >
                        (double)j->delta) {
                    act = A_CKPT;
                    act_end = t + j->delta;
                }
                continue;
            }
            break;              /* terminated: wait for the price again */
        }
    }
}
