/*
 * objective.c — what the optimiser maximises: parsing an objective, its value
 * over the trials with a Monte Carlo standard error, the standard error of
 * the difference between two share vectors evaluated on the same trials, and
 * the objective per unit of spend (a ratio of totals, delta-method errors).
 */
#include "influsim/objective.h"

#include "random/rng.h"
#include "stats/quantile.h"

#include <ctype.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Paired bootstrap resamples for the standard error of a quantile's change:
 * 200 put the standard error within about 5 % of itself. */
#define BOOTSTRAP_RESAMPLES 200

/* The objectives by name, in the order the "unknown objective" message
 * lists them (quantiles, written qNN, apart). */
static const struct {
    const char *name;
    infl_objective_kind kind;
    const char *metric;
    const char *label;
} named[] = {
    {"mean", INFL_OBJECTIVE_MEAN, "conversions", "mean conversions"},
    {"profit", INFL_OBJECTIVE_PROFIT, "profit", "mean profit"},
    {"p-roi", INFL_OBJECTIVE_P_ROI, "roi", "P(ROI > 0)"},
    {"ltv-profit", INFL_OBJECTIVE_LTV_PROFIT, "ltv_profit", "mean lifetime profit"},
    {"p-ltv-roi", INFL_OBJECTIVE_P_LTV_ROI, "ltv_roi", "P(lifetime ROI > 0)"},
};
#define N_NAMED (sizeof named / sizeof *named)

bool infl_objective_is_probability(const infl_objective *o)
{
    return o->kind == INFL_OBJECTIVE_P_ROI || o->kind == INFL_OBJECTIVE_P_LTV_ROI;
}

bool infl_objective_counts_spend(const infl_objective *o)
{
    return o->kind == INFL_OBJECTIVE_PROFIT || o->kind == INFL_OBJECTIVE_LTV_PROFIT;
}

bool infl_objective_is_mean(const infl_objective *o)
{
    return o->kind == INFL_OBJECTIVE_MEAN || infl_objective_counts_spend(o);
}

const char *infl_objective_units(const infl_objective *o, const char *currency)
{
    if (infl_objective_counts_spend(o))
        return currency;
    return infl_objective_is_probability(o) ? "1" : "conversions";
}

infl_status infl_objective_parse(const char *text, infl_objective *out, infl_error *err)
{
    memset(out, 0, sizeof *out);
    if (text == NULL)
        text = "";
    size_t i = 0;
    while (i < N_NAMED && strcmp(text, named[i].name) != 0)
        i++;
    if (i < N_NAMED) {
        out->kind = named[i].kind;
    } else if (text[0] == 'q' && text[1] != '\0' && strlen(text) < sizeof out->name) {
        /* q10 and q2.5 are percentages; q0.025 (a leading "0.") is the level itself. */
        char *end = NULL;
        double v = strtod(text + 1, &end);
        bool fraction = text[1] == '0' && text[2] == '.';
        double level = fraction ? v : v / 100.0;
        if (end == text + 1 || *end != '\0' || !(level > 0.0 && level < 1.0) || text[1] == '-' ||
            text[1] == '+' || isspace((unsigned char)text[1]))
            return infl_error_add(
                err, INFL_EARG,
                "--objective: '%s' is not a quantile: write qNN with NN a "
                "percentage between 0 and 100 (q10, q2.5) or a level q0.NNN (q0.025)",
                text);
        out->kind = INFL_OBJECTIVE_QUANTILE;
        out->level = level;
    } else {
        return infl_error_add(err, INFL_EARG,
                              "--objective: unknown objective '%s' (choose mean, qNN such as "
                              "q10, profit, p-roi, ltv-profit or p-ltv-roi)",
                              text);
    }
    snprintf(out->name, sizeof out->name, "%s", text);
    return INFL_OK;
}

const char *infl_objective_metric(const infl_objective *o)
{
    for (size_t i = 0; i < N_NAMED; i++)
        if (named[i].kind == o->kind)
            return named[i].metric;
    return "conversions"; /* a quantile */
}

void infl_objective_describe(const infl_objective *o, char *buf, size_t size)
{
    for (size_t i = 0; i < N_NAMED; i++)
        if (named[i].kind == o->kind) {
            snprintf(buf, size, "%s", named[i].label);
            return;
        }
    snprintf(buf, size, "%.4g %% quantile of conversions", 100.0 * o->level);
}

/* The per-trial value an objective averages: a probability averages an
 * indicator (an undefined ROI, nothing spent, is not a positive one). */
static double transformed(const infl_objective *o, double x)
{
    return infl_objective_is_probability(o) ? (double)(x > 0.0) : x;
}

/* Mean and standard error of per-trial values f(i), Welford's recurrence. */
#define MEAN_AND_SE(n, expr, mean_out, se_out)                                                     \
    do {                                                                                           \
        double m_ = 0.0, s2_ = 0.0;                                                                \
        for (uint64_t i = 0; i < (n); i++) {                                                       \
            double v_ = (expr), d_ = v_ - m_;                                                      \
            m_ += d_ / (double)(i + 1);                                                            \
            s2_ += d_ * (v_ - m_);                                                                 \
        }                                                                                          \
        *(mean_out) = m_;                                                                          \
        *(se_out) = (n) > 1 ? sqrt(s2_ / (double)((n)-1) / (double)(n)) : NAN;                     \
    } while (0)

void infl_objective_evaluate(const infl_objective *o, const double *x, uint64_t n, double *scratch,
                             double *value, double *se)
{
    if (n == 0) {
        *value = *se = NAN;
        return;
    }
    if (o->kind != INFL_OBJECTIVE_QUANTILE) {
        MEAN_AND_SE(n, transformed(o, x[i]), value, se);
        return;
    }
    memcpy(scratch, x, n * sizeof *scratch);
    gsl_sort(scratch, 1, n);
    const double q = o->level;
    *value = infl__quantile_sorted(scratch, n, q);
    /* The rank of the q-quantile in n trials has binomial spread
     * s = sqrt(n q (1 - q)); the order statistics 2 s either side bound a
     * 95 % distribution-free interval, a quarter of whose width is the
     * error (two spreads rather than one: a steadier estimate of the
     * density there, from four times as many trials between them). */
    double m = 2.0 * sqrt((double)n * q * (1.0 - q)) / (double)n;
    double lo = infl__quantile_sorted(scratch, n, fmax(0.0, q - m));
    double hi = infl__quantile_sorted(scratch, n, fmin(1.0, q + m));
    *se = 0.25 * (hi - lo);
}

void infl_objective_difference(const infl_objective *o, const double *x, const double *y,
                               uint64_t n, uint64_t seed, double *scratch, double *diff, double *se)
{
    if (n == 0) {
        *diff = *se = NAN;
        return;
    }
    if (o->kind != INFL_OBJECTIVE_QUANTILE) {
        MEAN_AND_SE(n, transformed(o, x[i]) - transformed(o, y[i]), diff, se);
        return;
    }
    double *xs = scratch, *ys = scratch + n;
    memcpy(xs, x, n * sizeof *xs);
    memcpy(ys, y, n * sizeof *ys);
    *diff = infl__quantile_select(xs, n, o->level) - infl__quantile_select(ys, n, o->level);
    /* Resample whole trials, so both share vectors keep the same trials. */
    infl_rng rng;
    infl__rng_init(&rng, seed);
    double m = 0.0, s2 = 0.0;
    for (uint64_t b = 0; b < BOOTSTRAP_RESAMPLES; b++) {
        infl__rng_seek(&rng, b, 0, 0, INFL_STREAM_BOOTSTRAP);
        for (uint64_t i = 0; i < n; i++) {
            /* Two statements: the order of calls in one expression is
             * unspecified, and the first word is the high one. */
            uint64_t hi = infl__rng_u32(&rng);
            uint64_t lo = infl__rng_u32(&rng);
            uint64_t k = (hi << 32 | lo) % n;
            xs[i] = x[k];
            ys[i] = y[k];
        }
        double d = infl__quantile_select(xs, n, o->level) - infl__quantile_select(ys, n, o->level);
        double dm = d - m;
        m += dm / (double)(b + 1);
        s2 += dm * (d - m);
    }
    *se = sqrt(s2 / (BOOTSTRAP_RESAMPLES - 1));
}

/* sum x / sum s over n trials, and the mean of s; NaN where nothing is spent. */
static double ratio_of_totals(const double *x, const double *s, uint64_t n, double *mean_s)
{
    double mx = 0.0, ms = 0.0;
    for (uint64_t i = 0; i < n; i++) {
        mx += (x[i] - mx) / (double)(i + 1);
        ms += (s[i] - ms) / (double)(i + 1);
    }
    *mean_s = ms;
    return ms > 0.0 ? mx / ms : NAN;
}

void infl_objective_per_spend(const infl_objective *o, const double *x, const double *spend,
                              uint64_t n, double *ratio, double *se)
{
    *ratio = *se = NAN;
    if (!infl_objective_is_mean(o) || n == 0)
        return;
    double ms, unused;
    const double r = ratio_of_totals(x, spend, n, &ms);
    if (isnan(r))
        return;
    /* The delta method: r = mean x / mean s moves with the per-trial values
     * (x - r s) / mean s, whose mean is 0 and whose spread gives the error. */
    MEAN_AND_SE(n, (x[i] - r * spend[i]) / ms, &unused, se);
    *ratio = r;
}

void infl_objective_per_spend_difference(const infl_objective *o, const double *x, const double *sx,
                                         const double *y, const double *sy, uint64_t n,
                                         double *diff, double *se)
{
    double msx, msy, unused;
    *diff = *se = NAN;
    if (!infl_objective_is_mean(o) || n == 0)
        return;
    const double rx = ratio_of_totals(x, sx, n, &msx), ry = ratio_of_totals(y, sy, n, &msy);
    if (isnan(rx) || isnan(ry))
        return;
    *diff = rx - ry;
    MEAN_AND_SE(n, (x[i] - rx * sx[i]) / msx - (y[i] - ry * sy[i]) / msy, &unused, se);
}
