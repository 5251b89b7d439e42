/*
 * influsim/sweep.h — the grid of a parameter sweep: `--vary KEY=FROM:TO:POINTS[:log]`.
 *
 * Each axis names a scenario key (anything `--set` accepts that takes a
 * number) and the values it takes, evenly spaced or, with `log`, evenly
 * spaced in logarithm. A sweep runs the scenario once per grid point with the
 * same seed, so every point sees the same simulated campaigns (common random
 * numbers) and differences between points are not noise between runs.
 */
#ifndef INFLUSIM_SWEEP_H
#define INFLUSIM_SWEEP_H

#include "influsim/cluster.h"
#include "influsim/error.h"
#include "influsim/results.h"
#include "influsim/scenario.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most points on one axis, and most axes (a 2-D grid). */
#define INFL_SWEEP_MAX_POINTS 10000
#define INFL_SWEEP_MAX_AXES 2

typedef struct {
    char *key;      /* the scenario key, as --set takes it ("budget", "tiers.macro.price") */
    char *name;     /* the key as a dimension name: letters, digits and '_' */
    double *values; /* n values, from FROM to TO */
    size_t n;
    bool log;
} infl_sweep_axis;

/* Parses "KEY=FROM:TO:POINTS[:log]" into *out (owned; infl_sweep_axis_destroy).
 * INFL_EARG with a message naming `option` if malformed. */
infl_status infl_sweep_axis_parse(const char *option, const char *spec, infl_sweep_axis *out,
                                  infl_error *err);
void infl_sweep_axis_destroy(infl_sweep_axis *a);

/* Writes value i of the axis as a --set override "KEY=VALUE" (shortest text
 * that reads back to the same double) into buf; false if it does not fit. */
bool infl_sweep_axis_override(const infl_sweep_axis *a, size_t i, char *buf, size_t size);

/* Called after each point, in grid order: values[a] is the point's value
 * on axis a, sm its summary (owned by the sweep). */
typedef void (*infl_sweep_point_fn)(void *user, size_t point, const double *values,
                                    const infl_summary *sm);

typedef struct {
    unsigned threads;          /* 0: the default */
    bool no_trials;            /* streaming summaries, as infl_run_options.no_trials */
    infl_sweep_point_fn point; /* may be NULL */
    void *user;
    /* When shard_count > 0: run only the points of shard shard_index of
     * shard_count (infl_sweep_shard_points); the others stay NULL. */
    uint64_t shard_index, shard_count;
    /* Not NULL with more than one rank: the points are dealt to the ranks,
     * the costliest first, each run whole on its rank's threads, and every
     * rank ends with every point's summary (the same as one process; `point`
     * is then called for them all once they are in). Every rank calls
     * infl_sweep_run with the same arguments. */
    const infl_cluster *cluster;
} infl_sweep_options;

/* The points [*first, *end) of shard `index` of `count` of a sweep of
 * n_points (in grid order, as even as whole points allow; count 0: all). */
void infl_sweep_shard_points(size_t n_points, uint64_t index, uint64_t count, size_t *first,
                             size_t *end);

typedef struct {
    size_t n_points;       /* the product of the axes' sizes */
    infl_summary **points; /* row-major over the axes (the last axis varies fastest) */
    unsigned threads;      /* threads the runs used */
} infl_sweep_result;

/*
 * Runs base at every point of the grid of n_axes axes (1 to
 * INFL_SWEEP_MAX_AXES), each point derived from base with the axes' values
 * as overrides after base's own (infl_scenario_derive), so a point equals a
 * run of base with those --set overrides, number for number, and base's file
 * is never read again. On success *out holds every point's summary
 * (infl_sweep_result_destroy). On failure err says which point failed ("at
 * the sweep point KEY=VALUE[, KEY=VALUE]" after the scenario's messages), the
 * status is the failing run's (INFL_EARG for bad axes), and *out holds
 * nothing to use (destroy it all the same).
 */
infl_status infl_sweep_run(const infl_scenario *base, const infl_sweep_axis *axes, size_t n_axes,
                           const infl_sweep_options *opt, infl_sweep_result *out, infl_error *err);
void infl_sweep_result_destroy(infl_sweep_result *r);

/* Where the best strategy changes along a 1-D sweep. */
typedef struct {
    bool by_median;      /* best by median conversions (ties: by mean); else by mean */
    double lower, upper; /* the grid values around the change */
    size_t from, to;     /* the best strategy at lower, and at upper */
    double p_to_upper;   /* P(conversions of `to` > those of `from`) at upper */
    double p_from_lower; /* P(conversions of `from` > those of `to`) at lower */
} infl_crossover;

/* The best strategy of a summary: highest mean conversions, or (by_median)
 * highest median with ties broken by the mean; the first such strategy. */
size_t infl_sweep_best_strategy(const infl_summary *sm, bool by_median);

/*
 * Finds every change of the best strategy between consecutive points of a 1-D
 * sweep (points[i] at axis->values[i]), by mean and by median conversions.
 * *out (owned, free()) gets them in grid order, means first, and *n_out how
 * many; INFL_ENOMEM (with *out NULL) when out of memory.
 */
infl_status infl_sweep_crossovers(const infl_sweep_axis *axis, infl_summary *const *points,
                                  infl_crossover **out, size_t *n_out, infl_error *err);

#endif
