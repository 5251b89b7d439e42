/*
 * number.c — numbers as a reader should see them: a Monte Carlo estimate
 * rounded to its standard error (no digits the simulation cannot vouch for),
 * and money with thousands separators and its currency.
 *
 * Rounding is half away from zero throughout (round()), on the value and on
 * its standard error alike, so "0.125 ± 0.01" and a table of such numbers
 * agree with each other; a value that rounds to zero prints as 0, never -0.
 */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Most decimal places any number is printed with. */
enum { MAX_DECIMALS = 12 };

/* Decimal places that keep two significant digits of se (> 0 and finite): 2
 * for 0.25, 0 for 12, negative for rounding to tens, hundreds, ... (-2 for
 * 1234). An se that rounds up into the next decade (0.0996 -> 0.10, 9.96 ->
 * 10) keeps two digits, not three. */
static int se_decimals(double se)
{
    int d = 1 - (int)floor(log10(se));
    if (d > MAX_DECIMALS)
        return MAX_DECIMALS;
    if (round(se * pow(10.0, d)) >= 100.0)
        d--;
    return d;
}

/* x rounded to d decimal places (d may be negative), half away from zero;
 * +0 where it rounds to zero. */
static double round_to(double x, int d)
{
    if (!(fabs(x) * pow(10.0, d) < 0x1p53))
        return x; /* no digit left to round away */
    double r =
        d >= 0 ? round(x * pow(10.0, d)) / pow(10.0, d) : round(x / pow(10.0, -d)) * pow(10.0, -d);
    return r == 0 ? 0.0 : r;
}

/* x rounded to d places, written with max(d, 0) decimals. */
static int print_rounded(char *buf, size_t size, double x, int d)
{
    return snprintf(buf, size, "%.*f", d > 0 ? d : 0, round_to(x, d));
}

int infl_cli_format_estimate(char *buf, size_t size, double value, double se)
{
    if (!isfinite(value))
        return snprintf(buf, size, "%s", isnan(value) ? "-" : value > 0 ? "inf" : "-inf");
    if (value == 0)
        value = 0.0; /* not "-0" */
    if (!(se > 0) || !isfinite(se)) {
        /* Exact (or of unknown error): six significant digits, but every
         * integer digit of a large value rather than an exponent. */
        if (fabs(value) >= 1e6 && fabs(value) < 1e15)
            return snprintf(buf, size, "%.0f", value);
        return snprintf(buf, size, "%.6g", value);
    }
    return print_rounded(buf, size, value, se_decimals(se));
}

int infl_cli_format_se(char *buf, size_t size, double se)
{
    if (!(se > 0) || !isfinite(se))
        return snprintf(buf, size, "%s", se == 0 ? "0" : "-");
    return print_rounded(buf, size, se, se_decimals(se));
}

int infl_cli_format_pm(char *buf, size_t size, double value, double se)
{
    char v[64], e[64];
    infl_cli_format_estimate(v, sizeof v, value, se);
    infl_cli_format_se(e, sizeof e, se);
    return snprintf(buf, size, "%s ± %s", v, e);
}

int infl_cli_format_money_places(char *buf, size_t size, double amount, int places,
                                 const char *currency)
{
    const char *sep = currency == NULL || currency[0] == '\0' ? "" : " ";
    const char *cur = sep[0] ? currency : "";
    if (!isfinite(amount))
        return snprintf(buf, size, "%s%s%s",
                        isnan(amount) ? "-"
                        : amount > 0  ? "inf"
                                      : "-inf",
                        sep, cur);
    if (fabs(amount) >= 1e18) /* beyond any budget: no room for the digits */
        return snprintf(buf, size, "%.4g%s%s", amount, sep, cur);
    if (places > MAX_DECIMALS)
        places = MAX_DECIMALS;
    if (places < 0) {
        /* Whole units at or above 1,000; cents below, where they matter. */
        places = fabs(amount) < 1000.0 && fabs(amount - round(amount)) >= 0.005 ? 2 : 0;
    }
    char digits[64];
    double rounded = round_to(fabs(amount), places);
    snprintf(digits, sizeof digits, "%.*f", places, rounded);
    char grouped[96];
    size_t n = 0, len = strcspn(digits, ".");
    if (amount < 0 && rounded != 0)
        grouped[n++] = '-';
    for (size_t i = 0; i < len; i++) {
        grouped[n++] = digits[i];
        if ((len - i - 1) % 3 == 0 && i + 1 < len)
            grouped[n++] = ',';
    }
    snprintf(grouped + n, sizeof grouped - n, "%s", digits + len);
    return snprintf(buf, size, "%s%s%s", grouped, sep, cur);
}

int infl_cli_format_money(char *buf, size_t size, double amount, const char *currency)
{
    return infl_cli_format_money_places(buf, size, amount, -1, currency);
}

/* value rounded to se (infl_cli_format_estimate), its whole part grouped by
 * thousands when `money` ("-23,447", "-257.6"), "+" before a positive one
 * when `signed_`; no units. */
void infl_cli_format_number(char *buf, size_t size, double value, double se, bool money,
                            bool signed_)
{
    char v[64];
    infl_cli_format_estimate(v, sizeof v, value, se);
    const char *sign = signed_ && strtod(v, NULL) > 0 ? "+" : "";
    size_t n = (size_t)snprintf(buf, size, "%s", sign);
    const char *digits = v + (v[0] == '-');
    const size_t whole = strspn(digits, "0123456789");
    if (!money || whole < 4 || n >= size) {
        snprintf(buf + n, size - n, "%s", v);
        return;
    }
    if (v[0] == '-' && n + 1 < size)
        buf[n++] = '-';
    for (size_t i = 0; i < whole && n + 2 < size; i++) {
        buf[n++] = digits[i];
        if ((whole - i - 1) % 3 == 0 && i + 1 < whole)
            buf[n++] = ',';
    }
    snprintf(buf + n, size - n, "%s", digits + whole);
}
