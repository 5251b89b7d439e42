/*
 * core.h — the engine core: a scenario's trials run in blocks of
 * INFL_ENGINE_BLOCK, in rounds, by an OpenMP team (the only code that
 * includes omp.h), with the round hooks asked between rounds.
 *
 * What the core guarantees, whatever the thread count and schedule: every
 * trial writes only its own slots; the moments of a run without per-trial
 * values are merged in block order; a failure reported is the one of the
 * lowest failing block; and the hooks see the same rounds. What to do
 * between rounds (stop on a signal, on a target SE, save a checkpoint) is the
 * hooks' business, not the core's (engine.c composes them from the options).
 */
#ifndef INFL_SIM_ENGINE_CORE_H
#define INFL_SIM_ENGINE_CORE_H

#include "stats/tally_stream.h"
#include "influsim/cluster.h"
#include "influsim/engine.h"

/* What a hook of a run without per-trial values may read (borrowed, valid
 * during the hook's call only). */
struct infl_round_tallies {
    size_t n_strategies, n_metrics;
    const infl_block_moments *moments; /* blocks [0, blocks_done), folded by units */
    /* What `moments` is made of: the whole units before blocks_done (folded
     * in unit order), and the blocks of the unit it falls in (folded in
     * block order; empty at a unit's end). A checkpoint saves both. */
    const infl_block_moments *units_done, *unit_open;
    /* Each thread's order-free tallies (a resumed run's in threads[0]); their
     * merge, in any order, is the run's. */
    infl_tally_stream *const *threads;
    size_t n_threads;
    /* With a cluster, on rank 0: merges the other ranks' tallies into
     * `into` (the others join in; a checkpoint needs them). NULL otherwise:
     * `threads` are all there is. False: the transport failed. */
    bool (*remote)(void *user, infl_tally_stream *into);
    void *remote_user;
};

/* What to run (all borrowed for the call). */
typedef struct {
    const infl_scenario *sc;
    unsigned threads; /* 0: the default; never more than the blocks */
    bool no_trials;   /* keep streaming tallies instead of per-trial values */
    /* Blocks per round; 0: chosen for the thread count (the numbers do not
     * depend on it, only when the hooks are asked does). */
    uint64_t round_blocks;
    infl_progress_fn progress; /* may be NULL; called after each block */
    void *progress_user;
    const infl_checkpoint *resume; /* may be NULL: start from its next block */
    const infl_round_hook *hooks;  /* asked in this order after every round */
    size_t n_hooks;
    /* With shard: run only blocks [shard_first, shard_end) (unit boundaries,
     * or the run's end; possibly none): the result is then a partial. */
    bool shard;
    uint64_t shard_first, shard_end;
    /* NULL: one process. Otherwise every rank runs the same job, each
     * round's blocks split across the ranks (see influsim/cluster.h). */
    const infl_cluster *cluster;
} infl__core_job;

/* A shard's result: what its blocks produced, to be saved and merged. */
typedef struct {
    /* Kept values: the columns (stride the scenario's trials), filled in the
     * shard's trials only. */
    infl_trials *trials;
    /* Without: each of the shard's units' moments, in unit order, and the
     * merge of its threads' order-free tallies. */
    infl_block_moments *units;
    size_t n_units;
    infl_tally_stream *tally;
} infl__core_partial;

void infl__core_partial_destroy(infl__core_partial *p);

/* What it did. */
typedef struct {
    unsigned threads;     /* the team that ran */
    uint64_t hires;       /* funnels simulated (with a resumed run's) */
    uint64_t trials_done; /* the scenario's trials, or fewer when a hook stopped it */
} infl__core_result;

/*
 * Runs job. A shard (job->shard) fills *partial (not NULL; owned by
 * the caller) and leaves *trials and *summary NULL. Otherwise, on success, without job->no_trials,
 * *trials holds the first res->trials_done trials (packed: stride trials_done) and *summary is
 * untouched; with it, *trials is NULL and *summary (not NULL) the streaming
 * summary of those trials. The caller owns both. On failure (out of memory,
 * a checkpoint that does not match, a trial's error: the lowest failing
 * block's) both are NULL, *res is unspecified and err says why.
 */
infl_status infl__core_run(const infl__core_job *job, infl_trials **trials, infl_summary **summary,
                           infl__core_partial *partial, infl__core_result *res, infl_error *err);

#endif
