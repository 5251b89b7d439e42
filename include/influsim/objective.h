/*
 * influsim/objective.h — what an optimiser maximises over the trials of a
 * split: mean conversions, a quantile of conversions, mean profit, P(ROI > 0),
 * or their lifetime-value forms (repeat orders included: mean ltv_profit,
 * P(ltv_roi > 0)), each with its Monte Carlo standard error; the difference
 * between two splits evaluated on the same trials with the standard error of
 * that difference; and, for an objective that is a mean, the objective per
 * unit of spend, which compares splits that spend different amounts.
 */
#ifndef INFLUSIM_OBJECTIVE_H
#define INFLUSIM_OBJECTIVE_H

#include "influsim/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    INFL_OBJECTIVE_MEAN,       /* mean conversions */
    INFL_OBJECTIVE_QUANTILE,   /* a quantile of conversions (q10: the 10 % quantile) */
    INFL_OBJECTIVE_PROFIT,     /* mean profit */
    INFL_OBJECTIVE_P_ROI,      /* P(ROI > 0): the chance that the campaign pays for itself */
    INFL_OBJECTIVE_LTV_PROFIT, /* mean lifetime profit (metric ltv_profit: repeat orders in) */
    INFL_OBJECTIVE_P_LTV_ROI,  /* P(ltv_roi > 0): the chance it pays for itself over the horizon */
} infl_objective_kind;

typedef struct {
    infl_objective_kind kind;
    double level;  /* QUANTILE: the level, in (0, 1) */
    char name[16]; /* as written: "mean", "q10", "profit", "p-roi", "ltv-profit", "p-ltv-roi" */
} infl_objective;

/* Parses "mean", "qNN" (a percentage: q10, q2.5), "q0.NNN" (the level
 * itself: q0.025), "profit", "p-roi", "ltv-profit" or "p-ltv-roi". INFL_EARG
 * with a message naming the choices if not. */
infl_status infl_objective_parse(const char *text, infl_objective *out, infl_error *err);
/* The per-trial metric the objective reads, by its name in a run
 * ("conversions", "profit", "roi", "ltv_profit", "ltv_roi"; static). */
const char *infl_objective_metric(const infl_objective *o);
/* The objective's units: `currency` for a profit, "1" for a probability,
 * "conversions" otherwise (the string returned is currency or static). */
const char *infl_objective_units(const infl_objective *o, const char *currency);
/* A label for tables and plots: "mean conversions", "10 % quantile of conversions". */
void infl_objective_describe(const infl_objective *o, char *buf, size_t size);
/* Whether the objective is a probability (P(ROI > 0), P(ltv_roi > 0)). */
bool infl_objective_is_probability(const infl_objective *o);
/* Whether the objective counts spend as a cost (mean profit, mean lifetime
 * profit), so that where posts lose money, spending less raises it. */
bool infl_objective_counts_spend(const infl_objective *o);
/* Whether the objective is the mean of its metric (mean conversions, the
 * two profits): those have a value per unit of spend (below). */
bool infl_objective_is_mean(const infl_objective *o);

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
/*
 * For an objective that is a mean (infl_objective_is_mean): the objective
 * per unit of spend, sum x / sum spend over the trials (for a profit, the ROI
 * of totals; for conversions, conversions per unit of money), and its
 * standard error by the delta method. NaN (both) for other objectives or
 * where nothing is spent.
 */
void infl_objective_per_spend(const infl_objective *o, const double *x, const double *spend,
                              uint64_t n, double *ratio, double *se);
/*
 * The per-spend value of (x, sx) minus that of (y, sy) for paired trials, and
 * its standard error from the paired, linearised trials (delta method). NaN
 * as infl_objective_per_spend.
 */
void infl_objective_per_spend_difference(const infl_objective *o, const double *x, const double *sx,
                                         const double *y, const double *sy, uint64_t n,
                                         double *diff, double *se);

#endif
