/*
 * influsim/study.h — one run of a study: a point of a sweep, a budget a plan
 * tries, a batch of splits an optimiser evaluates.
 *
 * Every study loads its scenario once and derives each run from it with more
 * overrides (infl_scenario_derive), so the runs are the scenario as it was
 * loaded, with the same seed everywhere (common random numbers), whatever
 * happens to its file meanwhile. A study reads either the per-trial values or
 * the summary; these two calls are how every study runs the engine.
 */
#ifndef INFLUSIM_STUDY_H
#define INFLUSIM_STUDY_H

#include "influsim/engine.h"
#include "influsim/error.h"
#include "influsim/results.h"
#include "influsim/scenario.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Runs sc (a scenario a study derived) on `threads` threads (0: the default)
 * and hands back the per-trial values in *trials (owned by the caller).
 * With a cluster (NULL: one process) every rank calls this alike, runs a
 * share of the blocks and gets every trial (influsim/cluster.h). *stats, if
 * not NULL, says what the run did. On failure *trials is NULL and the status
 * is the engine's.
 */
infl_status infl_study_trials(const infl_scenario *sc, unsigned threads,
                              const infl_cluster *cluster, infl_trials **trials,
                              infl_run_stats *stats, infl_error *err);

/*
 * The same, handing back only the summary in *summary (owned by the caller):
 * the exact one, computed in place from the trials (which are then freed), or
 * with no_trials the streaming one. On failure *summary is NULL.
 */
infl_status infl_study_summary(const infl_scenario *sc, unsigned threads,
                               const infl_cluster *cluster, bool no_trials, infl_summary **summary,
                               infl_run_stats *stats, infl_error *err);

#endif
