/*
 * number.c — numbers as a reader should see them: a Monte Carlo estimate
 * rounded to its standard error (no digits the simulation cannot vouch for),
 * and money with thousands separators and its currency.
 */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Decimal places that keep two significant digits of se (0 for se >= 10;
 * negative means rounding to tens, hundreds, ...). */
static int se_decimals(double se)
{
    int d = 1 - (int)floor(log10(se));
    return d > 12 ? 12 : d;
}

int infl_cli_format_estimate(char *buf, size_t size, double value, double se)
{
    if (!isfinite(value))
        return snprintf(buf, size, "%s", isnan(value) ? "-" : value > 0 ? "inf" : "-inf");
    if (!(se > 0) || !isfinite(se))
        return snprintf(buf, size, "%.6g", value);
    int d = se_decimals(se);
    if (d >= 0)
        return snprintf(buf, size, "%.*f", d, value);
    double unit = pow(10.0, -d);
    double rounded = round(value / unit) * unit;
    return snprintf(buf, size, "%.0f", rounded == 0 ? 0.0 : rounded);
}

int infl_cli_format_se(char *buf, size_t size, double se)
{
    if (!(se > 0) || !isfinite(se))
        return snprintf(buf, size, "%s", se == 0 ? "0" : "-");
    int d = se_decimals(se);
    if (d >= 0)
        return snprintf(buf, size, "%.*f", d, se);
    double unit = pow(10.0, -d);
    return snprintf(buf, size, "%.0f", round(se / unit) * unit);
}

int infl_cli_format_pm(char *buf, size_t size, double value, double se)
{
    char v[64], e[64];
    infl_cli_format_estimate(v, sizeof v, value, se);
    infl_cli_format_se(e, sizeof e, se);
    return snprintf(buf, size, "%s ± %s", v, e);
}

int infl_cli_format_money(char *buf, size_t size, double amount, const char *currency)
{
    if (!isfinite(amount))
        return snprintf(buf, size, "%s", isnan(amount) ? "-" : "inf");
    char digits[64];
    /* Whole units at or above 1,000; cents below, where they matter. */
    bool cents = fabs(amount) < 1000.0 && fabs(amount - round(amount)) >= 0.005;
    snprintf(digits, sizeof digits, cents ? "%.2f" : "%.0f", fabs(amount));
    char grouped[96];
    size_t n = 0, len = strcspn(digits, ".");
    if (amount < 0 && round(amount * 100) != 0)
        grouped[n++] = '-';
    for (size_t i = 0; i < len; i++) {
        grouped[n++] = digits[i];
        if ((len - i - 1) % 3 == 0 && i + 1 < len)
            grouped[n++] = ',';
    }
    snprintf(grouped + n, sizeof grouped - n, "%s", digits + len);
    if (currency == NULL || currency[0] == '\0')
        return snprintf(buf, size, "%s", grouped);
    return snprintf(buf, size, "%s %s", grouped, currency);
}
