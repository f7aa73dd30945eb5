/* models/ledger.c -- three sets of books that must agree. */
#include "models/ledger.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "sim/err.h"

struct bill_ledger {
    size_t np, nh;
    int64_t fee_ppb;
    money *spend;           /* [np][BILL_KINDS] gross paid by each renter group */
    money *refunded;        /* [np] */
    money *revenue;         /* [nh] host net revenue */
    money platform;         /* platform net revenue */
    /* The platform's own totals, kept on a separate path. */
    money total_in, total_out;
};

struct bill_ledger *bill_new(size_t n_payers, size_t n_payees, int64_t fee_ppb)
{
    struct bill_ledger *l = calloc(1, sizeof *l);

    SIM_ASSERT(fee_ppb >= 0 && fee_ppb <= BILL_PPB);
    if (!l)
        return NULL;
    l->np = n_payers;
    l->nh = n_payees;
    l->fee_ppb = fee_ppb;
    l->spend = calloc(n_payers * BILL_KINDS + 1, sizeof *l->spend);
    l->refunded = calloc(n_payers + 1, sizeof *l->refunded);
    l->revenue = calloc(n_payees + 1, sizeof *l->revenue);
    if (!l->spend || !l->refunded || !l->revenue) {
        bill_free(l);
        return NULL;
    }
    return l;
}

void bill_free(struct bill_ledger *l)
{
    if (!l)
        return;
    free(l->spend);
    free(l->refunded);
    free(l->revenue);
    free(l);
}

money bill_charge(struct bill_ledger *l, size_t payer, size_t payee,
                  enum bill_kind kind, money gross)
{
    money fee;

    SIM_ASSERT(payer < l->np && payee < l->nh && gross >= 0);
    if (gross == 0)
        return 0;
    fee = money_muldiv(gross, l->fee_ppb, BILL_PPB);
    l->spend[payer * BILL_KINDS + kind] += gross;
    l->revenue[payee] += gross - fee;
    l->platform += fee;
    l->total_in += gross;
    return fee;
}

void bill_platform_charge(struct bill_ledger *l, size_t payer, money gross)
{
    SIM_ASSERT(payer < l->np && gross >= 0);
    l->spend[payer * BILL_KINDS + BILL_FEE] += gross;
    l->platform += gross;
    l->total_in += gross;
}

void bill_refund(struct bill_ledger *l, size_t payer, size_t payee,
                 money from_host, money from_platform)
{
    SIM_ASSERT(payer < l->np && payee < l->nh);
    SIM_ASSERT(from_host >= 0 && from_platform >= 0);
    l->revenue[payee] -= from_host;
    l->platform -= from_platform;
    l->refunded[payer] += from_host + from_platform;
    l->total_out += from_host + from_platform;
}

money bill_spend(const struct bill_ledger *l, size_t payer)
{
    money s = 0;

    for (int k = 0; k < BILL_KINDS; k++)
        s += l->spend[payer * BILL_KINDS + k];
    return s;
}

money bill_spend_kind(const struct bill_ledger *l, size_t payer, enum bill_kind k)
{
    return l->spend[payer * BILL_KINDS + k];
}

money bill_revenue(const struct bill_ledger *l, size_t payee) { return l->revenue[payee]; }
money bill_platform(const struct bill_ledger *l) { return l->platform; }
int64_t bill_fee_ppb(const struct bill_ledger *l) { return l->fee_ppb; }

money bill_total_spend(const struct bill_ledger *l)
{
    money s = 0;

    for (size_t p = 0; p < l->np; p++)
        s += bill_spend(l, p);
    return s;
}

money bill_total_refunds(const struct bill_ledger *l)
{
    money s = 0;

    for (size_t p = 0; p < l->np; p++)
        s += l->refunded[p];
    return s;
}

bool bill_check(const struct bill_ledger *l, char *msg, size_t len)
{
    money spend = bill_total_spend(l), refunds = bill_total_refunds(l), rev = 0;

    for (size_t h = 0; h < l->nh; h++)
        rev += l->revenue[h];
    if (spend - refunds != rev + l->platform) {
        snprintf(msg, len, "renter spend %" PRId64 " - refunds %" PRId64
                 " != host revenue %" PRId64 " + platform %" PRId64 " (micro-USD)",
                 spend, refunds, rev, l->platform);
        return false;
    }
    if (spend != l->total_in || refunds != l->total_out) {
        snprintf(msg, len, "renter books (%" PRId64 " in, %" PRId64 " out) disagree"
                 " with platform totals (%" PRId64 ", %" PRId64 ")",
                 spend, refunds, l->total_in, l->total_out);
        return false;
    }
    if (l->platform < 0) {
        snprintf(msg, len, "negative platform balance %" PRId64, l->platform);
        return false;
    }
    for (size_t h = 0; h < l->nh; h++) {
        if (l->revenue[h] < 0) {
            snprintf(msg, len, "negative revenue %" PRId64 " for host group %zu",
                     l->revenue[h], h);
            return false;
        }
    }
    return true;
}

money bill_gpu_line(money per_gpu_hour, uint32_t gpus, sim_time dt)
{
    SIM_ASSERT(dt >= 0);
    return money_muldiv(per_gpu_hour * (money)gpus, dt, SIM_HOUR);
}

money bill_storage_line(money per_gb_month, double gb, sim_time lifetime)
{
    /* GB in thousandths keeps the rate exact for sizes like 12.5 GB. */
    money per_month = money_muldiv(per_gb_month, (int64_t)llround(gb * 1000), 1000);

    SIM_ASSERT(lifetime >= 0);
    return money_muldiv(per_month, lifetime, 30 * SIM_DAY);
}

money bill_prepay(money per_gpu_hour, uint32_t gpus, sim_time span, double discount)
{
    return money_muldiv(bill_gpu_line(per_gpu_hour, gpus, span),
                        (int64_t)llround((1.0 - discount) * 1e6), 1000000);
}

money bill_unused_prepay(money prepaid, sim_time span, sim_time used)
{
    SIM_ASSERT(span > 0 && used >= 0 && used <= span);
    return prepaid - money_muldiv(prepaid, used, span);
}

money bill_early_cancel_refund(money prepaid, money per_gpu_hour, uint32_t gpus,
                               sim_time span, sim_time used, double fee)
{
    money used_prepaid, unused, received, refund;

    SIM_ASSERT(span > 0 && used >= 0 && used <= span);
    used_prepaid = money_muldiv(prepaid, used, span);
    unused = prepaid - used_prepaid;
    received = bill_gpu_line(per_gpu_hour, gpus, used) - used_prepaid;
    refund = unused - received - money_muldiv(unused, (int64_t)llround(fee * 1e6), 1000000);
    return refund > 0 ? refund : 0;
}

money bill_reserved_cost(money per_gpu_hour, uint32_t gpus, sim_time span,
                         double discount, double fee, sim_time run)
{
    money prepaid = bill_prepay(per_gpu_hour, gpus, span, discount);

    SIM_ASSERT(span > 0 && run >= 0);
    if (run >= span)
        return prepaid + bill_gpu_line(per_gpu_hour, gpus, run - span);
    return prepaid - bill_early_cancel_refund(prepaid, per_gpu_hour, gpus, span, run, fee);
}

int bill_cheapest_term(money per_gpu_hour, uint32_t gpus, sim_time run,
                       const struct bill_term *terms, int n, double fee, money credit)
{
    money best = bill_gpu_line(per_gpu_hour, gpus, run);
    int pick = -1;

    for (int i = 0; i < n; i++) {
        money cost;

        if (bill_prepay(per_gpu_hour, gpus, terms[i].span, terms[i].discount) >= credit)
            continue;
        cost = bill_reserved_cost(per_gpu_hour, gpus, terms[i].span, terms[i].discount,
                                  fee, run);
        if (cost < best) {
            best = cost;
            pick = i;
        }
    }
    return pick;
}
