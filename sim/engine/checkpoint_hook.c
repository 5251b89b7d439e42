/*
 * checkpoint_hook.c — the round hook that saves a run's progress: between
 * rounds, when a save is due or the run is stopping, it gathers what the
 * blocks so far produced (the kept columns, or the moments and the merge of
 * every thread's tallies) into a view for infl__checkpoint_save. It reads the
 * clock itself (CLOCK_MONOTONIC) so that only the core includes omp.h.
 */
#include "engine/checkpoint_internal.h"

#include "engine/core.h"
#include "model/metrics.h"
#include "scenario/scenario_internal.h"

#include <time.h>

static double now_seconds(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0.0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void infl__checkpoint_saver_init(infl__checkpoint_saver *s, const infl_scenario *sc,
                                 const infl_run_options *opt)
{
    *s = (infl__checkpoint_saver){.sc = sc,
                                  .path = opt->checkpoint_path,
                                  .every = opt->checkpoint_seconds,
                                  .source = opt->checkpoint_source,
                                  .no_trials = opt->no_trials,
                                  .warnings = opt->warnings,
                                  .last = now_seconds()};
}

/* Saves r's progress; the caller counts the outcome. */
static infl_status save(const infl__checkpoint_saver *s, const infl_round *r, infl_error *err)
{
    const infl_scenario *sc = s->sc;
    infl_tally_stream *merged = NULL;
    if (s->no_trials) {
        const infl_round_tallies *t = r->tallies;
        merged = infl__tally_stream_new(sc->n_strategies, infl__metrics_count(sc));
        for (size_t i = 0; merged && i < t->n_threads; i++)
            if (!infl__tally_stream_merge(merged, t->threads[i])) {
                infl__tally_stream_free(merged);
                merged = NULL;
            }
        if (merged == NULL)
            return infl_error_add(err, INFL_ENOMEM, "out of memory saving a checkpoint");
        /* Under a cluster the other ranks' tallies are part of the run. */
        if (t->remote != NULL && !t->remote(t->remote_user, merged)) {
            infl__tally_stream_free(merged);
            return infl_error_add(
                err, INFL_EIO, "the other ranks' tallies could not be gathered for a checkpoint");
        }
    }
    infl__checkpoint_view v = {.source = s->source,
                               .seed = sc->seed,
                               .trials = sc->trials,
                               .no_trials = s->no_trials,
                               .n_strategies = sc->n_strategies,
                               .n_metrics = infl__metrics_count(sc),
                               .next_block = r->blocks_done,
                               .done_trials = r->trials_done,
                               .hires = r->hires,
                               .tr = r->trials,
                               .moments = s->no_trials ? r->tallies->units_done : NULL,
                               .open = s->no_trials ? r->tallies->unit_open : NULL,
                               .tally = merged};
    infl_status rc = infl__checkpoint_save(s->path, &v, err);
    infl__tally_stream_free(merged);
    return rc;
}

infl_round_action infl__checkpoint_saver_hook(void *saver, const infl_round *r)
{
    infl__checkpoint_saver *s = saver;
    if (r->blocks_done >= r->blocks_total)
        return INFL_ROUND_CONTINUE; /* the run is complete: nothing to resume */
    if (!r->stopping && now_seconds() - s->last < s->every)
        return INFL_ROUND_CONTINUE;
    infl_error err;
    infl_error_init(&err);
    if (save(s, r, &err) == INFL_OK)
        s->saved++;
    else if (s->failures++ == 0)
        infl_error_merge(s->warnings, &err); /* later failures are only counted */
    infl_error_destroy(&err);
    s->last = now_seconds();
    return INFL_ROUND_CONTINUE;
}
