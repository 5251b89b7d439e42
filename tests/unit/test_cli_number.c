/*
 * Unit tests of the command line's number formatting (sim/cli/number.c,
 * compiled into this test: the CLI is not part of the library): estimates
 * rounded to two significant digits of their standard error, including an se
 * that rounds into the next decade and an se larger than the value; zero, NaN
 * and infinite se and values; no "-0"; money with separators, cents, negative
 * amounts, fixed places and no currency.
 */
#include "check.h"
#include "cli.h"

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *sa_ = (a), *sb_ = (b);                                                         \
        check_count++;                                                                             \
        if (strcmp(sa_, sb_) != 0) {                                                               \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: CHECK_STR failed: %s == \"%s\" (got \"%s\")\n", __FILE__,      \
                    __LINE__, #a, sb_, sa_);                                                       \
        }                                                                                          \
    } while (0)

static const char *est(double v, double se)
{
    static char buf[128];
    infl_cli_format_estimate(buf, sizeof buf, v, se);
    return buf;
}

static const char *se_(double se)
{
    static char buf[128];
    infl_cli_format_se(buf, sizeof buf, se);
    return buf;
}

static const char *pm(double v, double se)
{
    static char buf[128];
    infl_cli_format_pm(buf, sizeof buf, v, se);
    return buf;
}

static const char *money(double v, const char *cur)
{
    static char buf[128];
    infl_cli_format_money(buf, sizeof buf, v, cur);
    return buf;
}

static const char *money_places(double v, int places)
{
    static char buf[128];
    infl_cli_format_money_places(buf, sizeof buf, v, places, "USD");
    return buf;
}

static void test_estimate(void)
{
    /* Two significant digits of the se fix the decimals of both. */
    CHECK_STR(est(31.2437, 0.25), "31.24");
    CHECK_STR(pm(31.2437, 0.25), "31.24 ± 0.25");
    CHECK_STR(est(12345, 1234), "12300");
    CHECK_STR(pm(12345, 1234), "12300 ± 1200");
    CHECK_STR(pm(2501.3, 2.46), "2501.3 ± 2.5");
    CHECK_STR(pm(0.8612, 0.0437), "0.861 ± 0.044");
    CHECK_STR(pm(95.58, 12), "96 ± 12");
    CHECK_STR(pm(1000000, 31000), "1000000 ± 31000");
    /* An se that rounds into the next decade keeps two digits, not three. */
    CHECK_STR(pm(5.04321, 0.0996), "5.04 ± 0.10");
    CHECK_STR(pm(123.456, 9.96), "123 ± 10");
    CHECK_STR(pm(12345, 995), "12300 ± 1000");
    /* Half away from zero, in the value and the se alike. */
    CHECK_STR(est(0.125, 0.1), "0.13");
    CHECK_STR(est(-0.125, 0.1), "-0.13");
    CHECK_STR(est(0.125, 0.01), "0.125");
    CHECK_STR(se_(0.125), "0.13");
    /* A value smaller than its error. */
    CHECK_STR(pm(3, 1234), "0 ± 1200");
    CHECK_STR(pm(-0.001, 0.25), "0.00 ± 0.25");
    CHECK_STR(pm(-40, 1234), "0 ± 1200");
    CHECK_STR(pm(-1.5, 0.25), "-1.50 ± 0.25");
    /* se 0 (every trial the same) or unknown: six significant digits. */
    CHECK_STR(pm(0, 0), "0 ± 0");
    CHECK_STR(pm(-0.0, 0), "0 ± 0");
    CHECK_STR(pm(10006.72, 0), "10006.7 ± 0");
    CHECK_STR(est(1234567, 0), "1234567");
    CHECK_STR(est(1.5e20, 0), "1.5e+20");
    CHECK_STR(est(0.000123456789, 0), "0.000123457");
    CHECK_STR(pm(2.5, NAN), "2.5 ± -");
    CHECK_STR(est(2.5, INFINITY), "2.5");
    CHECK_STR(se_(-1), "-");
    CHECK_STR(est(NAN, 0.1), "-");
    CHECK_STR(est(INFINITY, 0.1), "inf");
    CHECK_STR(est(-INFINITY, 0.1), "-inf");
    /* A tiny se: at most 12 decimals. */
    CHECK_STR(est(1, 1e-20), "1.000000000000");
    /* A huge value with a tiny se: all its digits, no overflow. */
    CHECK_STR(est(1e17, 1e-3), "100000000000000000.0000");
    /* snprintf's contract: truncated, NUL-terminated, the full count. */
    char small[6];
    CHECK_INT(infl_cli_format_pm(small, sizeof small, 31.2437, 0.25), strlen("31.24 ± 0.25"));
    CHECK_STR(small, "31.24");
}

static void test_money(void)
{
    CHECK_STR(money(15000, "USD"), "15,000 USD");
    CHECK_STR(money(1234567.4, "EUR"), "1,234,567 EUR");
    CHECK_STR(money(999, "USD"), "999 USD");
    CHECK_STR(money(100, "USD"), "100 USD");
    CHECK_STR(money(0, "USD"), "0 USD");
    /* Cents below 1,000 where they are not zero; whole units above. */
    CHECK_STR(money(9.99, "USD"), "9.99 USD");
    CHECK_STR(money(0.5, "USD"), "0.50 USD");
    CHECK_STR(money(9.999, "USD"), "10 USD");
    CHECK_STR(money(999.996, "USD"), "1,000 USD");
    CHECK_STR(money(1234.56, "USD"), "1,235 USD");
    CHECK_STR(money(6324.555, "USD"), "6,325 USD");
    /* Negative amounts; nothing prints as -0. */
    CHECK_STR(money(-1234, "EUR"), "-1,234 EUR");
    CHECK_STR(money(-1234567.8, "EUR"), "-1,234,568 EUR");
    CHECK_STR(money(-0.6, "USD"), "-0.60 USD");
    CHECK_STR(money(-0.004, "USD"), "0 USD");
    CHECK_STR(money(-999, "USD"), "-999 USD");
    /* No currency; not finite; beyond any budget. */
    CHECK_STR(money(15000, NULL), "15,000");
    CHECK_STR(money(15000, ""), "15,000");
    CHECK_STR(money(NAN, "USD"), "- USD");
    CHECK_STR(money(INFINITY, "USD"), "inf USD");
    CHECK_STR(money(-INFINITY, "USD"), "-inf USD");
    CHECK_STR(money(1e12, "USD"), "1,000,000,000,000 USD");
    CHECK_STR(money(2.5e20, "USD"), "2.5e+20 USD");
    /* Fixed places, for values whole units would not tell apart. */
    CHECK_STR(money_places(1000.25, 2), "1,000.25 USD");
    CHECK_STR(money_places(1000.25, 1), "1,000.3 USD");
    CHECK_STR(money_places(1000.25, 0), "1,000 USD");
    CHECK_STR(money_places(-1000.25, 2), "-1,000.25 USD");
    CHECK_STR(money_places(-0.001, 2), "0.00 USD");
    CHECK_STR(money_places(9.99, -1), "9.99 USD");
}

int main(void)
{
    test_estimate();
    test_money();
    return check_exit();
}
