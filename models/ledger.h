/* models/ledger.h -- the billing ledger, in integer micro-dollars.
 *
 * Every charge is one invoice line: a renter pays 'gross', the platform
 * keeps its take (money_muldiv(gross, fee_ppb, 10^9), rounded once) and the
 * host gets the rest. Refunds flow back from host and platform to the
 * renter. The ledger keeps three independent sets of books (per renter
 * archetype, per host class, and the platform's own totals) so that
 * bill_check() compares sums that were accumulated on separate paths:
 *
 *     renter spend - refunds == host revenue + platform revenue
 *
 * exactly (==). A violation is a bug and fails the run.
 */
#ifndef MODELS_LEDGER_H
#define MODELS_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sim/money.h"
#include "sim/time.h"

enum bill_kind { BILL_GPU, BILL_STORAGE, BILL_BANDWIDTH, BILL_PREPAY, BILL_FEE,
                 BILL_KINDS };

struct bill_ledger;

/* 'n_payers' renter groups (archetypes), 'n_payees' host groups (classes).
 * 'fee_ppb' is the platform take in parts per billion (0..10^9): fine
 * enough that any fee written with up to nine decimals is exact. */
#define BILL_PPB 1000000000
struct bill_ledger *bill_new(size_t n_payers, size_t n_payees, int64_t fee_ppb);
void bill_free(struct bill_ledger *l);

/* Renter group 'payer' pays 'gross' (>= 0) for 'kind' to host group
 * 'payee'. Returns the platform's part. A zero charge is a no-op. */
money bill_charge(struct bill_ledger *l, size_t payer, size_t payee,
                  enum bill_kind kind, money gross);
/* A charge that goes to the platform alone (fees, penalties). */
void bill_platform_charge(struct bill_ledger *l, size_t payer, money gross);
/* Returns 'from_host' of a payee's revenue and 'from_platform' of the
 * platform's revenue to the payer (prepay refunds). */
void bill_refund(struct bill_ledger *l, size_t payer, size_t payee,
                 money from_host, money from_platform);

money bill_spend(const struct bill_ledger *l, size_t payer);   /* gross paid */
money bill_spend_kind(const struct bill_ledger *l, size_t payer, enum bill_kind k);
money bill_revenue(const struct bill_ledger *l, size_t payee);
money bill_platform(const struct bill_ledger *l);
money bill_total_spend(const struct bill_ledger *l);
money bill_total_refunds(const struct bill_ledger *l);
int64_t bill_fee_ppb(const struct bill_ledger *l);

/* ---- invoice arithmetic: each step rounded once, half away from zero ----
 * A GPU line is one rounding for all its GPUs; storage rounds the monthly
 * price of the instance's GB, then its proration; a prepay the full line,
 * then the discount (under half a micro-dollar each). */

/* GPU time: per-GPU-hour rate x GPUs x dt, prorated to the microsecond. */
money bill_gpu_line(money per_gpu_hour, uint32_t gpus, sim_time dt);
/* Storage: per-GB-month price (a month is 30 days) x GB x lifetime. It
 * depends only on how long the instance existed, never on whether it ran,
 * which is why a paused or stopped instance keeps paying it. */
money bill_storage_line(money per_gb_month, double gb, sim_time lifetime);
/* Prepay for a reservation of 'span' at 'per_gpu_hour' with 'discount'. */
money bill_prepay(money per_gpu_hour, uint32_t gpus, sim_time span, double discount);
/* A reservation its host ended (the machine failed under it): the unused
 * prepaid balance, without the early-cancel penalty (MARKET-FACTS.md 19:
 * full withdrawal if the machine is deverified). The discount on the time
 * used stays with the renter. */
money bill_unused_prepay(money prepaid, sim_time span, sim_time used);
/* Early cancel of a reservation (MARKET-FACTS.md 19): refund = unused
 * prepaid balance - discount already received - fee x unused balance,
 * never negative. */
money bill_early_cancel_refund(money prepaid, money per_gpu_hour, uint32_t gpus,
                               sim_time span, sim_time used, double fee);

/* What a renter pays for the GPU time of a run of 'run' on a reservation
 * of 'span' prepaid at 'discount': ending within the term, the prepay
 * less the early-cancel refund (fee 'fee'); running past it, the prepay
 * and the time past the term per second at the full rate. */
money bill_reserved_cost(money per_gpu_hour, uint32_t gpus, sim_time span,
                         double discount, double fee, sim_time run);

/* A prepaid term a renter may choose: its length and its discount. */
struct bill_term {
    sim_time span;
    double discount;
};
/* The cheapest way to pay for an expected run of 'run': on demand, or
 * prepaying one of the 'n' terms (bill_reserved_cost). Returns the index
 * of the term, or -1 for on demand. A term must be strictly cheaper than
 * on demand and every term before it (ties go to on demand, then the
 * earlier term), and its prepay less than 'credit' (what the renter's
 * credits still cover; a renter cannot prepay what it does not have). */
int bill_cheapest_term(money per_gpu_hour, uint32_t gpus, sim_time run,
                       const struct bill_term *terms, int n, double fee, money credit);

/* True when the books balance exactly; otherwise fills 'msg'. */
bool bill_check(const struct bill_ledger *l, char *msg, size_t len);

#endif
