/*
 * quantile.h — the one definition of a quantile used everywhere (the exact
 * summary, the streaming summary, the optimiser's objectives): linear
 * interpolation between the order statistics floor(level * (n - 1)) and the
 * next, exactly as gsl_stats_quantile_from_sorted_data and numpy.quantile's
 * default compute it, so every route to a quantile gives the same double.
 */
#ifndef INFL_SIM_STATS_QUANTILE_H
#define INFL_SIM_STATS_QUANTILE_H

#include <stddef.h>
#include <stdint.h>

/* Where the level-quantile of n >= 1 sorted values lies: between the order
 * statistics `lower` and `upper` (0-based; equal at the top), with weight
 * `delta` on the upper one. */
typedef struct {
    uint64_t lower, upper;
    double delta;
} infl__quantile_rank;

infl__quantile_rank infl__quantile_rank_of(double level, uint64_t n);

/* The quantile from its two order statistics: `lower` alone when they are the
 * same order statistic, else (1 - delta) * lower + delta * upper. */
double infl__quantile_between(const infl__quantile_rank *r, double lower, double upper);

/* The level-quantile of sorted[0..n), n >= 1. */
double infl__quantile_sorted(const double *sorted, size_t n, double level);

/* The level-quantile of v[0..n), n >= 1, in O(n): v is reordered (a
 * selection, not a sort), and the value is the one infl__quantile_sorted
 * gives for the sorted values. */
double infl__quantile_select(double *v, size_t n, double level);

#endif
