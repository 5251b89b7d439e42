/*
 * A run split across the ranks of a cluster (influsim/cluster.h) gives every
 * rank the results of one process, bit for bit (also where ranks send their
 * whole units folded): ranks are threads here, with
 * an in-process transport (fake_cluster.h), so the engine's cluster path
 * runs under the sanitizers without MPI. Kept values and
 * streaming tallies, 1-5 ranks x 1-2 threads, ranks with no blocks, a target
 * SE (the same stopping trial), and a failing trial (the same message and
 * status on every rank, the lowest block's, when it is not rank 0's).
 */
#include "check.h"
#include "cluster_scenario.h"
#include "fake_cluster.h"
#include "influsim/engine.h"
#include "influsim/scenario.h"
#include "same_results.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    fake_rank me; /* first: fake_cluster_run fills it in */
    const infl_scenario *sc;
    infl_run_options opt;
    infl_status rc;
    infl_trials *trials;
    infl_summary *summary;
    infl_run_stats stats;
    infl_error err;
} rank_job;

static void *rank_main(void *arg)
{
    rank_job *j = arg;
    j->opt.cluster = &j->me.cl;
    j->rc = infl_engine_run(j->sc, &j->opt, &j->trials, j->opt.no_trials ? &j->summary : NULL,
                            &j->stats, &j->err);
    return NULL;
}

/* Runs sc on `ranks` ranks of `threads` threads with opt; checks every rank
 * against ref (the one-process run's, or its status and message). */
static void check_ranks(const infl_scenario *sc, int ranks, unsigned threads, infl_run_options opt,
                        infl_status want, const infl_trials *ref_trials,
                        const infl_summary *ref_summary, const infl_run_stats *ref_stats,
                        const char *ref_message)
{
    rank_job jobs[FAKE_MAX_RANKS];
    opt.threads = threads;
    for (int r = 0; r < ranks; r++) {
        jobs[r] = (rank_job){.sc = sc, .opt = opt};
        infl_error_init(&jobs[r].err);
    }
    fake_cluster_run(ranks, jobs, sizeof *jobs, rank_main);
    for (int r = 0; r < ranks; r++) {
        rank_job *j = &jobs[r];
        int ok = j->rc == want;
        if (want == INFL_OK) {
            ok = ok && j->stats.trials_done == ref_stats->trials_done &&
                 j->stats.hires_simulated == ref_stats->hires_simulated &&
                 j->stats.target_met == ref_stats->target_met &&
                 (ref_trials ? same_trials(ref_trials, j->trials)
                             : same_summary(ref_summary, j->summary));
        } else {
            ok = ok && strcmp(infl_error_message(&j->err), ref_message) == 0;
        }
        if (!ok)
            fprintf(stderr, "%d ranks x %u threads (%s): rank %d differs from one process%s%s\n",
                    ranks, threads, opt.no_trials ? "no_trials" : "kept", r,
                    want == INFL_OK ? "" : ": ",
                    want == INFL_OK ? "" : infl_error_message(&j->err));
        CHECK(ok);
        infl_trials_free(j->trials);
        infl_summary_free(j->summary);
        infl_error_destroy(&j->err);
    }
}

static void compare(const infl_scenario *sc, infl_run_options opt, const int *ranks, size_t n)
{
    infl_trials *tr = NULL;
    infl_summary *sm = NULL;
    infl_run_stats st = {0};
    infl_error err;
    infl_error_init(&err);
    opt.threads = 1;
    infl_status rc = infl_engine_run(sc, &opt, &tr, opt.no_trials ? &sm : NULL, &st, &err);
    for (size_t i = 0; i < n; i++)
        for (unsigned t = 1; t <= 2; t++)
            check_ranks(sc, ranks[i], t, opt, rc, tr, sm, &st, infl_error_message(&err));
    infl_trials_free(tr);
    infl_summary_free(sm);
    infl_error_destroy(&err);
}

static infl_scenario *load(const char *const *sets, size_t n)
{
    infl_scenario *sc = NULL;
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl_scenario_load_text(CLUSTER_SCENARIO, strlen(CLUSTER_SCENARIO), "cluster", sets,
                                      n, &sc, &err),
              INFL_OK);
    infl_error_destroy(&err);
    return sc;
}

int main(void)
{
    const int ranks[] = {1, 3, 5}; /* 9,000 trials: 71 blocks, two units */
    infl_scenario *sc = load(NULL, 0);
    if (sc) {
        compare(sc, (infl_run_options){0}, ranks, 3);
        compare(sc, (infl_run_options){.no_trials = true}, ranks, 3);
        /* Fixed rounds of 64 blocks: the same stopping trial on any ranks
         * (the target is met before the scenario's trials run out). */
        infl_summary *sm = NULL;
        infl_trials *none = NULL;
        infl_run_stats st = {0};
        CHECK_INT(infl_engine_run(sc, &(infl_run_options){.target_se = 0.05, .no_trials = true},
                                  &none, &sm, &st, NULL),
                  INFL_OK);
        CHECK(st.target_met && st.trials_done < 9000);
        infl_summary_free(sm);
        compare(sc, (infl_run_options){.target_se = 0.05, .no_trials = true}, ranks + 1, 2);
        compare(sc, (infl_run_options){.target_se = 0.05}, ranks + 1, 1);
    }
    infl_scenario_free(sc);
    /* Three units (24,576 trials): rounds of a unit per rank and thread,
     * so the ranks send whole units folded (engine/exchange.c): at 2 ranks x
     * 1 thread two rounds, the second's cut inside a unit (blocks one by
     * one); at 2 x 2 one round cut at the nearest unit edge; at 3 ranks a
     * unit each. */
    const char *long_sets[] = {"trials=24576"};
    infl_scenario *longer = load(long_sets, 1);
    if (longer) {
        const int two_three[] = {2, 3};
        compare(longer, (infl_run_options){.no_trials = true}, two_three, 2);
    }
    infl_scenario_free(longer);
    /* Two blocks on five ranks: ranks 0, 1 and 3 run none. */
    const char *tiny_sets[] = {"trials=200"};
    infl_scenario *tiny = load(tiny_sets, 1);
    if (tiny) {
        const int five[] = {5};
        compare(tiny, (infl_run_options){0}, five, 1);
        compare(tiny, (infl_run_options){.no_trials = true}, five, 1);
    }
    infl_scenario_free(tiny);
    /* Every trial fails: the lowest block's message on every rank, from rank
     * 2 when rank 0 has no block. */
    const char *huge_sets[] = {"budget=1e12", "tiers.nano.gifted_share=1", "trials=200"};
    infl_scenario *huge = load(huge_sets, 3);
    if (huge) {
        const int some[] = {2, 5};
        compare(huge, (infl_run_options){0}, some, 2);
        compare(huge, (infl_run_options){.no_trials = true}, some, 2);
    }
    infl_scenario_free(huge);
    return check_exit();
}
