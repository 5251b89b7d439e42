/*
 * number.c — numbers as the page shows them: a Monte Carlo estimate to the
 * digits its standard error supports, money and counts grouped by
 * thousands, shares as percentages a reader can say aloud, ratios as "21×".
 * (The command line has its own, sim/cli/number.c; the library cannot call
 * the program's code, and the page's typography differs: a thin space
 * between thousands, a true minus sign.)
 */
#include "report/report.h"

#include "base/fmath.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

double infl__report_log10(double x)
{
    return infl__fmath_log(x) / 2.302585092994045684;
}

double infl__report_pow10(int k)
{
    double v = 1;
    for (int i = 0; i < k; i++)
        v *= 10;
    for (int i = 0; i > k; i--)
        v /= 10;
    return v;
}

/* Digits in plain form (no sign) with groups of three separated by sep,
 * once the integer part has at least min_len digits. */
static void group(char *out, size_t size, const char *digits, const char *sep, size_t min_len)
{
    const char *dot = strchr(digits, '.');
    size_t int_len = dot ? (size_t)(dot - digits) : strlen(digits);
    size_t o = 0;
    for (size_t i = 0; i < int_len && o + 8 < size; i++) {
        if (i > 0 && (int_len - i) % 3 == 0 && int_len >= min_len) {
            size_t sl = strlen(sep);
            memcpy(out + o, sep, sl);
            o += sl;
        }
        out[o++] = digits[i];
    }
    if (dot != NULL)
        o += (size_t)snprintf(out + o, size > o ? size - o : 0, "%s", dot);
    if (o < size)
        out[o] = '\0';
    else if (size > 0)
        out[size - 1] = '\0';
}

/* value with `places` decimals (or 0), sign as U+2212, grouped with sep. */
static void fixed(char *buf, size_t size, double value, int places, const char *sep, size_t min_len)
{
    char digits[64], grouped[96];
    double a = fabs(value);
    snprintf(digits, sizeof digits, "%.*f", places < 0 ? 0 : places, a);
    group(grouped, sizeof grouped, digits, sep, min_len);
    /* Nothing prints as "-0". */
    bool negative = value < 0 && strspn(digits, "0.") != strlen(digits);
    snprintf(buf, size, "%s%s", negative ? "\xe2\x88\x92" : "", grouped);
}

void infl__report_number(char *buf, size_t size, double value, double se)
{
    if (isnan(value)) {
        snprintf(buf, size, "\xe2\x80\x93");
        return;
    }
    if (isinf(value)) {
        snprintf(buf, size, value > 0 ? "\xe2\x88\x9e" : "\xe2\x88\x92\xe2\x88\x9e");
        return;
    }
    int places;
    if (se > 0 && isfinite(se)) {
        /* Two significant digits of se. */
        places = 1 - (int)floor(infl__report_log10(se));
    } else if (value == floor(value) && fabs(value) < 1e15) {
        /* A whole number (a count, a quantile of counts) stays whole. */
        places = 0;
    } else {
        double a = fabs(value);
        places = a == 0 ? 0 : 2 - (int)floor(infl__report_log10(a));
    }
    if (places < 0) {
        double unit = infl__report_pow10(-places);
        value = round(value / unit) * unit;
        places = 0;
    }
    if (places > 6)
        places = 6;
    fixed(buf, size, value, places, "\xe2\x80\x89", 5);
}

void infl__report_money(char *buf, size_t size, double amount, const char *currency)
{
    char num[96];
    if (isnan(amount))
        snprintf(num, sizeof num, "\xe2\x80\x93");
    else
        fixed(num, sizeof num, amount, fabs(amount) < 100 && amount != floor(amount) ? 2 : 0, ",",
              4);
    if (currency != NULL && *currency != '\0' && !isnan(amount))
        snprintf(buf, size, "%s\xc2\xa0%s", num, currency);
    else
        snprintf(buf, size, "%s", num);
}

void infl__report_percent(char *buf, size_t size, double share)
{
    if (isnan(share))
        snprintf(buf, size, "\xe2\x80\x93");
    else if (share > 0 && share < 0.005)
        snprintf(buf, size, "fewer than 1\xc2\xa0%%");
    else if (share < 1 && share >= 0.995)
        snprintf(buf, size, "more than 99\xc2\xa0%%");
    else
        snprintf(buf, size, "%.0f\xc2\xa0%%", share * 100);
}

void infl__report_times(char *buf, size_t size, double ratio)
{
    if (!isfinite(ratio))
        snprintf(buf, size, "\xe2\x80\x93");
    else if (ratio >= 9.95)
        snprintf(buf, size, "%.0f\xc3\x97", ratio);
    else
        snprintf(buf, size, "%.1f\xc3\x97", ratio);
}
