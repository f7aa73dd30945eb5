/* sim/money.c -- exact decimal money. */
#include "sim/money.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "sim/err.h"

int money_parse(const char *s, money *out)
{
    bool neg = false;
    int64_t whole = 0, frac = 0;
    int nfrac = 0, ndigits = 0;

    while (isspace((unsigned char)*s))
        s++;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    for (; isdigit((unsigned char)*s); s++, ndigits++) {
        if (whole > (INT64_MAX / MONEY_USD) / 10)
            return SIM_EINVAL;
        whole = whole * 10 + (*s - '0');
    }
    if (*s == '.') {
        for (s++; isdigit((unsigned char)*s); s++, ndigits++) {
            if (++nfrac > 6) {
                if (*s != '0')          /* sub-micro-dollar precision */
                    return SIM_EINVAL;
                continue;
            }
            frac = frac * 10 + (*s - '0');
        }
    }
    while (isspace((unsigned char)*s))
        s++;
    if (*s != '\0' || ndigits == 0)
        return SIM_EINVAL;
    for (; nfrac < 6; nfrac++)
        frac *= 10;
    /* The digit guard above lets 'whole' reach 9,223,372,036,859; check
     * the product itself before forming it (signed overflow is UB). */
    if (whole > INT64_MAX / MONEY_USD
        || (whole == INT64_MAX / MONEY_USD && frac > INT64_MAX % MONEY_USD))
        return SIM_EINVAL;
    *out = (whole * MONEY_USD + frac) * (neg ? -1 : 1);
    return SIM_OK;
}

__extension__ typedef __int128 i128;

money money_muldiv_wide(money m, int64_t num, int64_t den)
{
    i128 p, q, r;

    SIM_ASSERT(den > 0);
    p = (i128)m * num;
    q = p / den;
    r = p % den;
    /* Round half away from zero: compare 2|r| with den. */
    if (r < 0 ? -2 * r >= den : 2 * r >= den)
        q += p < 0 ? -1 : 1;
    SIM_ASSERT(q <= INT64_MAX && q >= INT64_MIN);
    return (money)q;
}

void money_from_usd_range(double usd)
{
    SIM_PANIC("money_from_usd: %g USD is out of range", usd);
}

void money_format(money m, char *buf, size_t len)
{
    uint64_t a = m < 0 ? (uint64_t)0 - (uint64_t)m : (uint64_t)m;
    int n = snprintf(buf, len, "%s%llu.%06llu", m < 0 ? "-" : "",
                     (unsigned long long)(a / 1000000),
                     (unsigned long long)(a % 1000000));

    if (n <= 0 || (size_t)n >= len)
        return;
    while (n > 0 && buf[n - 1] == '0')
        buf[--n] = '\0';
    if (n > 0 && buf[n - 1] == '.')
        buf[--n] = '\0';
}
