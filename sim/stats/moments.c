/*
 * moments.c — merging running moments, and the per-block sets (moments.h).
 */
#include "stats/moments.h"

#include <stdlib.h>
#include <string.h>

void infl__moments_merge(infl_moments *a, const infl_moments *b)
{
    if (b->n == 0)
        return;
    if (a->n == 0) {
        *a = *b;
        return;
    }
    double na = (double)a->n, nb = (double)b->n, n = na + nb;
    double d = b->mean - a->mean;
    a->mean += d * (nb / n);
    a->m2 += b->m2 + d * d * (na * nb / n);
    a->sum += b->sum;
    a->n += b->n;
}

bool infl__moments_block_init(infl_block_moments *b, size_t n_strategies, size_t n_metrics)
{
    b->n_cells = n_strategies * n_metrics;
    b->n_pairs = n_strategies * n_strategies;
    b->cells = calloc(b->n_cells ? b->n_cells : 1, sizeof *b->cells);
    b->pairs = calloc(b->n_pairs ? b->n_pairs : 1, sizeof *b->pairs);
    if (b->cells == NULL || b->pairs == NULL) {
        infl__moments_block_destroy(b);
        return false;
    }
    return true;
}

void infl__moments_block_clear(infl_block_moments *b)
{
    memset(b->cells, 0, b->n_cells * sizeof *b->cells);
    memset(b->pairs, 0, b->n_pairs * sizeof *b->pairs);
}

void infl__moments_block_destroy(infl_block_moments *b)
{
    free(b->cells);
    free(b->pairs);
    b->cells = b->pairs = NULL;
}

void infl__moments_block_merge(infl_block_moments *into, const infl_block_moments *from)
{
    for (size_t i = 0; i < into->n_cells; i++)
        infl__moments_merge(&into->cells[i], &from->cells[i]);
    for (size_t i = 0; i < into->n_pairs; i++)
        infl__moments_merge(&into->pairs[i], &from->pairs[i]);
}
