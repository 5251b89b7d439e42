/*
 * checkpoint_internal.h — what a checkpoint holds, for the engine that saves
 * and restores it (see include/influsim/checkpoint.h).
 */
#ifndef INFL_SIM_CHECKPOINT_INTERNAL_H
#define INFL_SIM_CHECKPOINT_INTERNAL_H

#include "stats/accum.h"
#include "influsim/checkpoint.h"
#include "influsim/results.h"

#include <stdbool.h>

struct infl_checkpoint {
    char *origin, *text;
    char **sets;
    size_t n_sets;
    uint64_t seed, trials;
    bool no_trials;
    uint64_t n_strategies, n_metrics;
    uint64_t next_block;  /* the first block not yet run */
    uint64_t done_trials; /* trials before it */
    uint64_t hires;       /* funnels simulated so far */
    /* With per-trial values: column c's first done_trials values at
     * values[c * done_trials], and the three market draws. */
    double *values;
    double *purchase_rate, *wom_purchase_factor, *addressable;
    /* Without: the moments merged in block order, and the order-free tallies. */
    infl_block_moments moments;
    infl_tally_stream *tally;
};

/* What the engine hands to infl_checkpoint_save (borrowed). */
typedef struct {
    const infl_checkpoint_source *source;
    uint64_t seed, trials;
    bool no_trials;
    uint64_t n_strategies, n_metrics;
    uint64_t next_block, done_trials, hires;
    const infl_trials *tr; /* per-trial values, columns of stride tr->n_trials */
    const infl_block_moments *moments;
    const infl_tally_stream *tally;
} infl_checkpoint_view;

/* Saves v at `path` atomically (temporary name, fsync, rename, folder fsync). */
infl_status infl_checkpoint_save(const char *path, const infl_checkpoint_view *v, infl_error *err);

#endif
