/*
 * same_results.h — bit-identity of two runs' results, for the unit tests that
 * compare a stopped, resumed or hooked run with an uninterrupted one.
 */
#ifndef INFL_TEST_SAME_RESULTS_H
#define INFL_TEST_SAME_RESULTS_H

#include "influsim/results.h"

#include <string.h>

/* Every per-trial value and market draw the same, bit for bit. */
static inline int same_trials(const infl_trials *a, const infl_trials *b)
{
    if (a == NULL || b == NULL || a->n_trials != b->n_trials)
        return 0;
    size_t n = a->n_trials, cells = a->n_strategies * a->n_metrics;
    return memcmp(a->values, b->values, cells * n * sizeof(double)) == 0 &&
           memcmp(a->purchase_rate, b->purchase_rate, n * sizeof(double)) == 0 &&
           memcmp(a->wom_purchase_factor, b->wom_purchase_factor, n * sizeof(double)) == 0 &&
           memcmp(a->addressable, b->addressable, n * sizeof(double)) == 0 &&
           memcmp(a->repeat_orders, b->repeat_orders, n * sizeof(double)) == 0;
}

/* Every statistic and comparison the same, bit for bit. */
static inline int same_summary(const infl_summary *a, const infl_summary *b)
{
    if (a == NULL || b == NULL || a->n_trials != b->n_trials)
        return 0;
    size_t ns = a->n_strategies, pairs = ns * ns;
    return memcmp(a->stats, b->stats, ns * a->n_metrics * sizeof *a->stats) == 0 &&
           memcmp(a->p_greater, b->p_greater, pairs * sizeof(double)) == 0 &&
           memcmp(a->p_tie, b->p_tie, pairs * sizeof(double)) == 0 &&
           memcmp(a->mean_difference, b->mean_difference, pairs * sizeof(double)) == 0 &&
           memcmp(a->se_difference, b->se_difference, pairs * sizeof(double)) == 0;
}

#endif
