/*
 * study.c — one run of a study (influsim/study.h). Sweeps, plans and the
 * optimiser all run the engine through here, so a point runs as `influsim
 * run` runs it: the exact summary is computed in place from the trials.
 */
#include "influsim/study.h"

#include <stddef.h>

infl_status infl_study_trials(const infl_scenario *sc, unsigned threads,
                              const infl_cluster *cluster, infl_trials **trials,
                              infl_run_stats *stats, infl_error *err)
{
    *trials = NULL;
    infl_run_options opt = {.threads = threads, .cluster = cluster};
    return infl_engine_run(sc, &opt, trials, NULL, stats, err);
}

infl_status infl_study_summary(const infl_scenario *sc, unsigned threads,
                               const infl_cluster *cluster, bool no_trials, infl_summary **summary,
                               infl_run_stats *stats, infl_error *err)
{
    *summary = NULL;
    infl_run_options opt = {.threads = threads, .no_trials = no_trials, .cluster = cluster};
    infl_run_stats st = {0};
    infl_trials *tr = NULL;
    infl_status rc = infl_engine_run(sc, &opt, &tr, summary, &st, err);
    if (rc == INFL_OK && tr != NULL)
        rc = infl_summary_compute_inplace(tr, st.threads, summary, err);
    infl_trials_free(tr);
    if (stats != NULL)
        *stats = st;
    return rc;
}
