/*
 * influsim/objective.h — what an optimiser maximises over the trials of a
 * split: mean conversions, a quantile of conversions, mean profit or
 * P(ROI > 0), each with its Monte Carlo standard error, and the difference
 * between two splits evaluated on the same trials with the standard error of
 * that difference.
 */
#ifndef INFLUSIM_OBJECTIVE_H
#define INFLUSIM_OBJECTIVE_H

#include "influsim/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    INFL_OBJECTIVE_MEAN,     /* mean conversions */
    INFL_OBJECTIVE_QUANTILE, /* a quantile of conversions (q10: the 10 % quantile) */
    INFL_OBJECTIVE_PROFIT,   /* mean profit */
    INFL_OBJECTIVE_P_ROI,    /* P(ROI > 0): the chance that the campaign pays for itself */
} infl_objective_kind;

typedef struct {
    infl_objective_kind kind;
    double level;  /* QUANTILE: the level, in (0, 1) */
    char name[16]; /* as written: "mean", "q10", "profit", "p-roi" */
} infl_objective;

/* Parses "mean", "qNN" (a percentage: q10, q2.5), "q0.NNN" (the level
 * itself: q0.025), "profit" or "p-roi". INFL_EARG with a message naming the choices if not. */
infl_status infl_objective_parse(const char *text, infl_objective *out, infl_error *err);
/* The per-trial metric the objective reads ("conversions", "profit", "roi"). */
const char *infl_objective_metric(const infl_objective *o);
/* The objective's units: `currency` for profit, "1" for a probability,
 * "conversions" otherwise (the string returned is currency or static). */
const char *infl_objective_units(const infl_objective *o, const char *currency);
/* A label for tables and plots: "mean conversions", "10 % quantile of conversions". */
void infl_objective_describe(const infl_objective *o, char *buf, size_t size);

/*
 * The objective of per-trial values x[0..n) (the metric above; NaN where a
 * ratio is undefined, which P(ROI > 0) counts as not positive) and its Monte
 * Carlo standard error: sd / sqrt(n) for a mean or probability; for a
 * quantile, a quarter of the spread between the order statistics two binomial
 * standard deviations either side of its rank. scratch holds n doubles.
 * Quantiles interpolate linearly between order statistics, as the summary's do.
 */
void infl_objective_evaluate(const infl_objective *o, const double *x, uint64_t n, double *scratch,
                             double *value, double *se);
/*
 * value(x) - value(y) for paired trials (the same trials under two share
 * vectors) and its standard error: that of the per-trial differences for a
 * mean or probability; for a quantile, from 200 paired bootstrap resamples
 * drawn from a stream keyed by `seed` (deterministic). scratch holds 2n doubles.
 */
void infl_objective_difference(const infl_objective *o, const double *x, const double *y,
                               uint64_t n, uint64_t seed, double *scratch, double *diff,
                               double *se);

#endif
