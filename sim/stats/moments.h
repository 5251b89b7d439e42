/*
 * moments.h — running moments of a series (count, mean, sum of squared
 * deviations, sum), and the set of them one block of trials contributes.
 *
 * Moments depend on the order values are added, so a streaming run keeps one
 * set per block of trials and merges the blocks in block order
 * (infl__moments_merge, Chan et al.'s formula): the same numbers for any
 * thread count, rank or shard that computed the blocks.
 */
#ifndef INFL_SIM_STATS_MOMENTS_H
#define INFL_SIM_STATS_MOMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Moments of one series, in the order values were added. */
typedef struct {
    uint64_t n;      /* values that are not NaN */
    double mean, m2; /* Welford: running mean and sum of squared deviations */
    double sum;      /* plain sum (ratio of totals) */
} infl_moments;

/* Adds x (not NaN) to m. */
static inline void infl__moments_add(infl_moments *m, double x)
{
    m->n++;
    double d = x - m->mean;
    m->mean += d / (double)m->n;
    m->m2 += d * (x - m->mean);
    m->sum += x;
}

/* Appends the series b to the series a (Chan et al.'s parallel formula). */
void infl__moments_merge(infl_moments *a, const infl_moments *b);

/* The moments one block of trials contributes: per strategy and metric, and
 * per ordered pair of strategies the difference of conversions. */
typedef struct {
    size_t n_cells; /* n_strategies * n_metrics */
    size_t n_pairs; /* n_strategies * n_strategies */
    infl_moments *cells;
    infl_moments *pairs;
} infl_block_moments;

bool infl__moments_block_init(infl_block_moments *b, size_t n_strategies, size_t n_metrics);
void infl__moments_block_clear(infl_block_moments *b);
void infl__moments_block_destroy(infl_block_moments *b);
/* Appends block `from` to `into` (same shape). */
void infl__moments_block_merge(infl_block_moments *into, const infl_block_moments *from);

#endif
