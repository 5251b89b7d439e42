/*
 * influsim/results.h — what a run produces: one value per trial for every
 * strategy and metric (infl_trials), and the statistics drawn from them
 * (infl_summary). Both are plain structs a researcher can read directly.
 */
#ifndef INFLUSIM_RESULTS_H
#define INFLUSIM_RESULTS_H

#include "influsim/error.h"
#include "influsim/metric.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Per-trial values. values[(s * n_metrics + m) * n_trials + t]. */
typedef struct {
    uint64_t n_trials;
    size_t n_strategies;
    size_t n_metrics;
    infl_metric_info *metrics; /* n_metrics entries */
    char **strategy_names;     /* n_strategies entries */
    double *values;
    double *purchase_rate;       /* per trial: the market's drawn purchase rate */
    double *wom_purchase_factor; /* per trial */
    double *addressable;         /* per trial: market size, NaN when unlimited */
    double *repeat_orders;       /* per trial: mean further orders per customer (lambda) */
} infl_trials;

/* Returns the column of strategy s, metric m (n_trials values). */
static inline const double *infl_trials_column(const infl_trials *tr, size_t s, size_t m)
{
    return tr->values + (s * tr->n_metrics + m) * tr->n_trials;
}

/* Returns the index of the metric called `name`, or (size_t)-1. */
size_t infl_trials_metric_index(const infl_trials *tr, const char *name);

/* Frees per-trial results; accepts NULL. */
void infl_trials_free(infl_trials *tr);

/* Quantile levels reported for every metric. */
#define INFL_N_QUANTILES 9
extern const double infl_quantile_levels[INFL_N_QUANTILES]; /* 0.01 ... 0.99 */

/* Statistics of one metric of one strategy over the trials where it is defined. */
typedef struct {
    uint64_t n;          /* trials where the value is defined */
    uint64_t n_missing;  /* trials where it is NaN (a ratio with a zero denominator) */
    double mean, sd, se; /* sd with n - 1; se = sd / sqrt(n) */
    double min, max;
    double q[INFL_N_QUANTILES]; /* linear interpolation between order statistics */
    double p_zero;              /* share of defined trials with value 0 */
    double ratio_of_totals;     /* ratios only: sum of numerators / sum of denominators */
} infl_stat;

/* Statistics per strategy and metric, and pairwise comparisons of conversions
 * (a and b index strategies; arrays are n_strategies x n_strategies, [a * n + b]). */
typedef struct {
    size_t n_strategies;
    size_t n_metrics;
    uint64_t n_trials;
    char **strategy_names;
    infl_metric_info *metrics;
    infl_stat *stats;        /* [s * n_metrics + m] */
    double *p_greater;       /* P(conversions of a > conversions of b) */
    double *p_tie;           /* P(equal) */
    double *mean_difference; /* mean of (a - b) */
    double *se_difference;   /* its standard error */
} infl_summary;

/* Returns the stat of strategy s, metric `name`, or NULL if no such metric. */
const infl_stat *infl_summary_stat(const infl_summary *sm, size_t s, const char *name);

/*
 * Computes the summary of per-trial results on `threads` threads (0: OpenMP's
 * default). The numbers depend only on the values, never on how they were
 * computed or on the thread count. The caller owns *out (free with
 * infl_summary_free).
 */
infl_status infl_summary_compute(const infl_trials *tr, unsigned threads, infl_summary **out,
                                 infl_error *err);

/* The same numbers without a copy of any column: sorts each column's values
 * in place, so afterwards tr->values no longer holds the trials in order (a
 * caller writes them out first; see infl_h5_writer_begin). */
infl_status infl_summary_compute_inplace(infl_trials *tr, unsigned threads, infl_summary **out,
                                         infl_error *err);

/* Frees a summary; accepts NULL. */
void infl_summary_free(infl_summary *sm);

/* Deep-copies names (a helper for builders of either struct); NULL when out
 * of memory. */
char **infl_names_copy(char *const *src, size_t n);
void infl_names_free(char **names, size_t n);

#endif
