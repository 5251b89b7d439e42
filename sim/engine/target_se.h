/*
 * target_se.h — the round hook that stops a run once every strategy's mean
 * conversions is known to a relative standard error (--target-se).
 */
#ifndef INFL_SIM_ENGINE_TARGET_SE_H
#define INFL_SIM_ENGINE_TARGET_SE_H

#include "stats/tally_stream.h"
#include "influsim/engine.h"

typedef struct {
    double target;
    size_t n_strategies, n_metrics;
    /* With per-trial values: conversions' moments per strategy, of the trials
     * of the rounds this hook has seen, in trial order. */
    infl_moments *conv;
    double worst; /* the worst relative SE at the last round seen (NaN before) */
    bool met;     /* the target was reached (before the trials ran out, or at the end) */
} infl__target_se;

/* Prepares t for a run of n_strategies x n_metrics; false when out of memory.
 * The run must use rounds of INFL_ENGINE_TARGET_BATCH blocks, so that where it
 * stops depends on the scenario and seed only. */
bool infl__target_se_init(infl__target_se *t, double target, size_t n_strategies, size_t n_metrics);
void infl__target_se_destroy(infl__target_se *t);

/* The hook (user: an infl__target_se). Records the worst relative standard
 * error of mean conversions over the strategies whose mean is not 0 (infinite
 * while any has fewer than 2 trials); answers STOP when it is at most the
 * target before the last round. */
infl_round_action infl__target_se_hook(void *target_se, const infl_round *r);

#endif
