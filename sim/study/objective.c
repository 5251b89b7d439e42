/*
 * objective.c — what the optimiser maximises: parsing an objective, its value
 * over the trials with a Monte Carlo standard error, and the standard error
 * of the difference between two share vectors evaluated on the same trials.
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

const char *infl_objective_units(const infl_objective *o, const char *currency)
{
    switch (o->kind) {
    case INFL_OBJECTIVE_PROFIT:
        return currency;
    case INFL_OBJECTIVE_P_ROI:
        return "1";
    default:
        return "conversions";
    }
}

infl_status infl_objective_parse(const char *text, infl_objective *out, infl_error *err)
{
    memset(out, 0, sizeof *out);
    if (text == NULL)
        text = "";
    if (!strcmp(text, "mean")) {
        out->kind = INFL_OBJECTIVE_MEAN;
    } else if (!strcmp(text, "profit")) {
        out->kind = INFL_OBJECTIVE_PROFIT;
    } else if (!strcmp(text, "p-roi")) {
        out->kind = INFL_OBJECTIVE_P_ROI;
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
                              "q10, profit or p-roi)",
                              text);
    }
    snprintf(out->name, sizeof out->name, "%s", text);
    return INFL_OK;
}

const char *infl_objective_metric(const infl_objective *o)
{
    switch (o->kind) {
    case INFL_OBJECTIVE_PROFIT:
        return "profit";
    case INFL_OBJECTIVE_P_ROI:
        return "roi";
    default:
        return "conversions";
    }
}

void infl_objective_describe(const infl_objective *o, char *buf, size_t size)
{
    switch (o->kind) {
    case INFL_OBJECTIVE_MEAN:
        snprintf(buf, size, "mean conversions");
        break;
    case INFL_OBJECTIVE_QUANTILE:
        snprintf(buf, size, "%.4g %% quantile of conversions", 100.0 * o->level);
        break;
    case INFL_OBJECTIVE_PROFIT:
        snprintf(buf, size, "mean profit");
        break;
    case INFL_OBJECTIVE_P_ROI:
        snprintf(buf, size, "P(ROI > 0)");
        break;
    }
}

/* The per-trial value an objective averages: P(ROI > 0) averages an
 * indicator (an undefined ROI, nothing spent, is not a positive one). */
static double transformed(const infl_objective *o, double x)
{
    return o->kind == INFL_OBJECTIVE_P_ROI ? (double)(x > 0.0) : x;
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
            uint64_t k = ((uint64_t)infl__rng_u32(&rng) << 32 | infl__rng_u32(&rng)) % n;
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
