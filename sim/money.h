/* sim/money.h -- money as int64 micro-dollars.
 *
 * 1 USD = 1,000,000 (MONEY_USD); the range is +-9.2e12 USD. Prices in
 * scenario files are decimal text and reach money through money_parse()
 * with no double in between. Every scaling (proration, fees, discounts)
 * goes through money_muldiv(), which rounds half away from zero, so
 * conservation checks can use ==. A double becomes money in exactly one
 * place, money_from_usd(), used for prices that come out of models
 * (a host's adaptive ask, a drawn bid).
 */
#ifndef SIM_MONEY_H
#define SIM_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t money;

#define MONEY_USD ((money)1000000)

/* Parses "0.35", "-2", "1e-3" is rejected (no exponent), at most 6
 * decimals are significant; more are an error rather than silently
 * rounded. Returns 0 or SIM_EINVAL. */
int money_parse(const char *text, money *out);

/* round(m * num / den), half away from zero, with a 128-bit intermediate.
 * 'den' must be positive. Overflow of the result is a bug and asserts. */
money money_muldiv_wide(money m, int64_t num, int64_t den);  /* any size */

/* Inline because searches price every offer they look at: with a
 * constant 'den' the division becomes a multiplication. Products that
 * overflow 64 bits take the 128-bit path; the rounding is the same. */
static inline money money_muldiv(money m, int64_t num, int64_t den)
{
    int64_t p, q, r, ar;

    if (den <= 0 || __builtin_mul_overflow(m, num, &p))
        return money_muldiv_wide(m, num, den);
    q = p / den;
    r = p % den;
    ar = r < 0 ? -r : r;
    if (ar >= den - ar)             /* 2|r| >= den without overflow */
        q += p < 0 ? -1 : 1;
    return q;
}

/* Out-of-line diagnosis for money_from_usd(): does not return. */
void money_from_usd_range(double usd);

/* The one place a model's double price becomes money (nearest micro-dollar,
 * halves away from zero). Inline because a search prices every bid it
 * considers; the range check (NaN and infinities fail it too) calls out
 * only when it fails. */
static inline money money_from_usd(double usd)
{
    double m = usd * 1e6;

    if (!(__builtin_fabs(m) < 9.0e18))
        money_from_usd_range(usd);
    return (money)(m + (m >= 0 ? 0.5 : -0.5));
}
/* A multiplication, not a division: this sits in the search's inner loop. */
static inline double money_to_usd(money m) { return (double)m * 1e-6; }

/* Writes "12.345678" style text with trailing zeros trimmed ("0.35"). */
void money_format(money m, char *buf, size_t len);

#endif
