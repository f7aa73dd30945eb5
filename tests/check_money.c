/* tests/check_money.c -- exact decimal money. */
#include <signal.h>
#include <stdio.h>
#include "sim/err.h"
#include "sim/money.h"
#include "tests/suites.h"

START_TEST(parses_decimal_text_without_a_double)
{
    money m;

    ck_assert_int_eq(money_parse("0.35", &m), SIM_OK);
    ck_assert_int_eq(m, 350000);
    ck_assert_int_eq(money_parse("-2", &m), SIM_OK);
    ck_assert_int_eq(m, -2000000);
    ck_assert_int_eq(money_parse(" 1.000001 ", &m), SIM_OK);
    ck_assert_int_eq(m, 1000001);
    /* 0.1 + 0.2 style trouble cannot happen: 0.3 is exactly 300000. */
    ck_assert_int_eq(money_parse("0.3", &m), SIM_OK);
    ck_assert_int_eq(m, 300000);
    ck_assert_int_eq(money_parse("1.2300000", &m), SIM_OK);
    ck_assert_int_eq(m, 1230000);
    /* an explicit plus sign is the positive amount (kills the sign test
     * reading only '-') */
    ck_assert_int_eq(money_parse("+0.35", &m), SIM_OK);
    ck_assert_int_eq(m, 350000);
}
END_TEST

START_TEST(rejects_bad_text)
{
    money m;

    ck_assert_int_eq(money_parse("abc", &m), SIM_EINVAL);
    ck_assert_int_eq(money_parse("", &m), SIM_EINVAL);
    ck_assert_int_eq(money_parse("1e-3", &m), SIM_EINVAL);
    ck_assert_int_eq(money_parse("0.0000001", &m), SIM_EINVAL);  /* sub-micro */
    ck_assert_int_eq(money_parse("1.2.3", &m), SIM_EINVAL);
    ck_assert_int_eq(money_parse("99999999999999999999", &m), SIM_EINVAL);
}
END_TEST

/* The digit guard let whole dollars reach 9,223,372,036,859 and then
 * whole * 10^6 overflowed (UB; in practice a wrapped, negative amount). */
START_TEST(rejects_amounts_past_int64)
{
    money m;

    ck_assert_int_eq(money_parse("9223372036854.775807", &m), SIM_OK);
    ck_assert_int_eq(m, INT64_MAX);
    ck_assert_int_eq(money_parse("-9223372036854.775807", &m), SIM_OK);
    ck_assert_int_eq(m, -INT64_MAX);
    ck_assert_int_eq(money_parse("9223372036854.775808", &m), SIM_EINVAL);
    ck_assert_int_eq(money_parse("9223372036855", &m), SIM_EINVAL);
    ck_assert_int_eq(money_parse("9223372036859", &m), SIM_EINVAL);
    ck_assert_int_eq(money_parse("-9223372036859.5", &m), SIM_EINVAL);
}
END_TEST

START_TEST(muldiv_rounds_half_away_from_zero)
{
    /* 1 USD/h for 1 s = 277.777... micro-dollars -> 278 */
    ck_assert_int_eq(money_muldiv(MONEY_USD, 1, 3600), 278);
    ck_assert_int_eq(money_muldiv(-MONEY_USD, 1, 3600), -278);
    ck_assert_int_eq(money_muldiv(5, 1, 2), 3);     /* 2.5 -> 3 */
    ck_assert_int_eq(money_muldiv(-5, 1, 2), -3);
    ck_assert_int_eq(money_muldiv(7, 1, 2), 4);     /* 3.5 -> 4 */
    ck_assert_int_eq(money_muldiv(1000, 1500, 10000), 150);   /* 15% fee */
    /* Large values do not overflow in the intermediate. */
    ck_assert_int_eq(money_muldiv(INT64_C(4000000000000000000), 2, 4),
                     INT64_C(2000000000000000000));
}
END_TEST

/* The 128-bit path rounds as the 64-bit one does (money.h: "the
 * rounding is the same"): (3e18 + 1) x 4 / 8 overflows 64 bits in the
 * product and is 1.5e18 + 0.5, so half away from zero gives 1.5e18 + 1,
 * and its negative -(1.5e18 + 1). Kills, in money_muldiv_wide, '2r >= den'
 * to '>' (for either sign) and the rounding step always +1. */
START_TEST(wide_muldiv_rounds_half_away_from_zero)
{
    ck_assert_int_eq(money_muldiv(INT64_C(3000000000000000001), 4, 8),
                     INT64_C(1500000000000000001));
    ck_assert_int_eq(money_muldiv(-INT64_C(3000000000000000001), 4, 8),
                     -INT64_C(1500000000000000001));
    ck_assert_int_eq(money_muldiv(INT64_C(3000000000000000003), 4, 8),
                     INT64_C(1500000000000000002));     /* .5 up, not .5 + 1 */
}
END_TEST

/* money_from_usd() rounds to the nearest micro-dollar, halves away from
 * zero (money.h), for negative amounts too: -(0.1 + 0.2) USD is -300000
 * and -2.5 micro-dollars -3 (2.5e-6 x 1e6 is exactly 2.5). Adding +0.5
 * whatever the sign, then truncating, gave -299999 and -2. */
START_TEST(usd_rounds_negative_amounts_away_from_zero)
{
    ck_assert_int_eq(money_from_usd(-(0.1 + 0.2)), -300000);
    ck_assert_int_eq(money_from_usd(-2.5e-6), -3);
    ck_assert_int_eq(money_from_usd(2.5e-6), 3);
}
END_TEST

/* Bugs stop loudly (STYLE 2.6): 9.25e12 USD is 9.25e18 micro-dollars,
 * past INT64_MAX (9.22e18), and must panic rather than convert (UB).
 * Kills the range check's 9.0e18 raised to 9.3e18. */
START_TEST(usd_out_of_range_aborts)
{
    (void)money_from_usd(9.25e12);
}
END_TEST

/* 'den' must be positive (money.h); a negative one is a bug that the
 * wide path asserts, not a value. The inline path handing den <= 0 on
 * kept that: without it, money_muldiv(1, 1, -1) returned 0. */
START_TEST(muldiv_by_a_non_positive_den_aborts)
{
    (void)money_muldiv(1, 1, -1);
}
END_TEST

/* A fraction without whole digits is still a number: ".5" is half a
 * dollar and "-.25" minus a quarter (the digits after the point count
 * towards the "no digits at all" check, which is there for "", "." and
 * "-"). Kills the fraction loop not counting its digits (".5" rejected). */
START_TEST(parses_a_fraction_without_whole_digits)
{
    money m;

    ck_assert_int_eq(money_parse(".5", &m), SIM_OK);
    ck_assert_int_eq(m, 500000);
    ck_assert_int_eq(money_parse("-.25", &m), SIM_OK);
    ck_assert_int_eq(m, -250000);
    ck_assert_int_eq(money_parse(".", &m), SIM_EINVAL);
    ck_assert_int_eq(money_parse("-", &m), SIM_EINVAL);
    ck_assert_int_eq(money_parse("-.", &m), SIM_EINVAL);
}
END_TEST

/* "Overflow of the result is a bug and asserts" (money.h): INT64_MAX x 2
 * / 1 does not fit and must stop, not wrap to -2. Kills the range
 * SIM_ASSERT in money_muldiv_wide deleted. */
START_TEST(muldiv_overflow_aborts)
{
    (void)money_muldiv(INT64_MAX, 2, 1);
}
END_TEST

/* 'den' must be positive (money.h): zero too is a bug that asserts
 * (SIGABRT), not a division by zero (SIGFPE) in the inline path. Kills
 * the inline guard 'den <= 0' weakened to 'den < 0'. */
START_TEST(muldiv_by_zero_aborts)
{
    (void)money_muldiv(1, 1, 0);
}
END_TEST

START_TEST(formats_trimmed_exact_text)
{
    char b[40];

    money_format(350000, b, sizeof b);
    ck_assert_str_eq(b, "0.35");
    money_format(-2000000, b, sizeof b);
    ck_assert_str_eq(b, "-2");
    money_format(1, b, sizeof b);
    ck_assert_str_eq(b, "0.000001");
    money_format(0, b, sizeof b);
    ck_assert_str_eq(b, "0");
    ck_assert_int_eq(money_from_usd(0.1 + 0.2), 300000);
}
END_TEST

Suite *money_suite(void)
{
    Suite *s = suite_create("money");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, parses_decimal_text_without_a_double);
    tcase_add_test(tc, rejects_bad_text);
    tcase_add_test(tc, rejects_amounts_past_int64);
    tcase_add_test(tc, muldiv_rounds_half_away_from_zero);
    tcase_add_test(tc, formats_trimmed_exact_text);
    tcase_add_test(tc, wide_muldiv_rounds_half_away_from_zero);
    tcase_add_test(tc, usd_rounds_negative_amounts_away_from_zero);
    tcase_add_test_raise_signal(tc, usd_out_of_range_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, muldiv_by_a_non_positive_den_aborts, SIGABRT);
    tcase_add_test(tc, parses_a_fraction_without_whole_digits);
    tcase_add_test_raise_signal(tc, muldiv_overflow_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, muldiv_by_zero_aborts, SIGABRT);
    suite_add_tcase(s, tc);
    return s;
}
