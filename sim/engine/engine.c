/*
 * engine.c — infl_engine_run (see include/influsim/engine.h): turns a run's
 * options into the engine core's job and its round hooks, and the hooks'
 * outcome into the run's stats.
 *
 * The hooks, asked in this order after every round: the stop flag (a signal
 * handler's; the simplest hook, here), the target SE (target_se.c), the
 * caller's own (opt->round_hook), and last the checkpoint (checkpoint_hook.c),
 * which must see whether an earlier one stopped the run so that a stopped run
 * is saved where it stopped.
 */
#include "influsim/engine.h"

#include "base/threads.h"
#include "engine/checkpoint_internal.h"
#include "engine/core.h"
#include "engine/target_se.h"
#include "model/metrics.h"
#include "scenario/scenario_internal.h"

#include <math.h>

unsigned long infl_engine_openmp_version(void)
{
    return infl__threads_openmp_version();
}

unsigned infl_engine_default_threads(void)
{
    return infl__threads_default();
}

/* The stop hook (user: the flag's address): STOP once the flag is set. */
static infl_round_action stop_flag_hook(void *flag, const infl_round *r)
{
    (void)r;
    const volatile sig_atomic_t *const *stop = flag;
    return **stop ? INFL_ROUND_STOP : INFL_ROUND_CONTINUE;
}

/* Saves a shard's partial run at opt->checkpoint_path. */
static infl_status save_partial(const infl_scenario *sc, const infl_run_options *opt,
                                const infl__core_job *job, const infl__core_partial *p,
                                uint64_t hires, infl_error *err)
{
    infl__checkpoint_view v = {
        .source = opt->checkpoint_source,
        .seed = sc->seed,
        .trials = sc->trials,
        .no_trials = opt->no_trials,
        .n_strategies = sc->n_strategies,
        .n_metrics = infl__metrics_count(sc),
        .first_block = job->shard_first,
        .next_block = job->shard_end,
        .done_trials = infl__checkpoint_trials_in(sc->trials, job->shard_first, job->shard_end),
        .hires = hires,
        .shard = opt->shard,
        .tr = p->trials,
        .units = p->units,
        .n_units = p->n_units,
        .tally = p->tally};
    infl_block_moments none = {0};
    if (opt->no_trials) {
        /* A shard's moments are its units; a checkpoint's total and open
         * unit are empty in it. */
        if (!infl__moments_block_init(&none, sc->n_strategies, infl__metrics_count(sc)))
            return infl_error_add(err, INFL_ENOMEM, "out of memory saving the shard");
        v.moments = v.open = &none;
    }
    infl_status rc = infl__checkpoint_save(opt->checkpoint_path, &v, err);
    infl__moments_block_destroy(&none);
    return rc;
}

infl_status infl_engine_run(const infl_scenario *sc, const infl_run_options *opt,
                            infl_trials **trials_out, infl_summary **summary_out,
                            infl_run_stats *stats, infl_error *err)
{
    static const infl_run_options defaults = {0};
    if (opt == NULL)
        opt = &defaults;
    *trials_out = NULL;
    if (summary_out)
        *summary_out = NULL;
    /* A shard saves its partial run once, at its end, where a checkpoint
     * would go; it has no checkpoints of its own. */
    const bool shard = opt->shard.count > 0;
    if (shard &&
        (opt->resume != NULL || opt->target_se > 0 || opt->checkpoint_path == NULL ||
         opt->checkpoint_source == NULL || opt->shard.index >= opt->shard.count || sc->trials == 0))
        return infl_error_add(err, INFL_EARG,
                              "a shard needs a path for its partial run and a scenario source, "
                              "and takes no resume or target SE");
    infl_round_hook hooks[4];
    size_t n_hooks = 0;
    /* Under a cluster what depends on the outside world (a signal, the
     * clock, a file) is rank 0's alone; its decisions reach the others. */
    const bool root = infl_cluster_is_root(opt->cluster);
    const volatile sig_atomic_t *stop = opt->stop;
    if (stop != NULL && root)
        hooks[n_hooks++] = (infl_round_hook){stop_flag_hook, &stop};
    infl__target_se target = {.worst = NAN};
    const bool with_target = opt->target_se > 0;
    if (with_target) {
        if (!infl__target_se_init(&target, opt->target_se, sc->n_strategies,
                                  infl__metrics_count(sc))) {
            infl__target_se_destroy(&target);
            return infl_error_add(err, INFL_ENOMEM, "out of memory for the target SE");
        }
        hooks[n_hooks++] = (infl_round_hook){infl__target_se_hook, &target};
    }
    if (opt->round_hook.fn != NULL)
        hooks[n_hooks++] = opt->round_hook;
    infl__checkpoint_saver saver = {0};
    if (opt->checkpoint_path != NULL && !shard && root) {
        infl__checkpoint_saver_init(&saver, sc, opt);
        hooks[n_hooks++] = (infl_round_hook){infl__checkpoint_saver_hook, &saver};
    }
    /* A target SE needs rounds that do not depend on the thread count. */
    uint64_t round_blocks = opt->round_blocks;
    if (round_blocks == 0 && with_target)
        round_blocks = INFL_ENGINE_TARGET_BATCH;
    infl__core_job job = {.sc = sc,
                          .threads = opt->threads,
                          .no_trials = opt->no_trials,
                          .round_blocks = round_blocks,
                          .progress = opt->progress,
                          .progress_user = opt->progress_user,
                          .resume = opt->resume,
                          .hooks = hooks,
                          .n_hooks = n_hooks,
                          .cluster = opt->cluster};
    job.shard = shard;
    if (shard)
        infl_shard_blocks(opt->shard, sc->trials, &job.shard_first, &job.shard_end);
    infl__core_result res;
    infl__core_partial partial = {0};
    infl_status rc =
        infl__core_run(&job, trials_out, summary_out, shard ? &partial : NULL, &res, err);
    if (rc == INFL_OK && shard && root)
        rc = save_partial(sc, opt, &job, &partial, res.hires, err);
    infl__core_partial_destroy(&partial);
    if (stats) {
        stats->checkpoints = saver.saved;
        stats->checkpoint_failures = saver.failures;
    }
    if (rc == INFL_OK && stats) {
        stats->threads = res.threads;
        stats->hires_simulated = res.hires;
        stats->trials_done = res.trials_done;
        stats->target_met = target.met;
        stats->achieved_se = target.worst;
        /* Stopped early by a signal or the caller's hook, not by reaching
         * the target. */
        stats->stopped = !shard && res.trials_done < sc->trials && !target.met;
    }
    infl__target_se_destroy(&target);
    return rc;
}
