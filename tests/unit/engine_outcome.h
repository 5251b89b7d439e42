/*
 * engine_outcome.h — one engine run's results and stats, for the unit tests
 * that compare a stopped, resumed or sharded run with an uninterrupted one.
 */
#ifndef INFL_TEST_ENGINE_OUTCOME_H
#define INFL_TEST_ENGINE_OUTCOME_H

#include "influsim/engine.h"

#include <stdio.h>

typedef struct {
    infl_trials *tr;
    infl_summary *sm;
    infl_run_stats stats;
} outcome;

static inline void outcome_free(outcome *o)
{
    infl_trials_free(o->tr);
    infl_summary_free(o->sm);
}

static inline infl_status run(const infl_scenario *sc, const infl_run_options *opt, outcome *o)
{
    infl_error err;
    infl_error_init(&err);
    *o = (outcome){0};
    infl_status rc = infl_engine_run(sc, opt, &o->tr, &o->sm, &o->stats, &err);
    if (rc != INFL_OK)
        fprintf(stderr, "run failed: %s", infl_error_message(&err));
    infl_error_destroy(&err);
    return rc;
}

#endif
