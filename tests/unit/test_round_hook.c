/*
 * The round hook (infl_run_options.round_hook): it is called once per round,
 * in block order, the last round included, with what the run has done; a hook
 * that stops after round k gives exactly the trials (or, streaming, the very
 * summary) of a run of that many blocks, whatever the thread count; it sees a
 * stop asked by an earlier hook (the stop flag), and a run it stops is
 * reported as stopped. infl_round_moments gives it the summary's moments.
 * With fixed rounds (round_blocks) the stop is at the same block for any
 * thread count.
 */
#include "check.h"
#include "same_results.h"
#include "influsim/engine.h"
#include "influsim/scenario.h"

/* 133 blocks: rounds of 64 blocks with 1 thread (3 rounds), 128 with 2 (2). */
#define TRIALS 17000
#define BLOCKS ((TRIALS + INFL_ENGINE_BLOCK - 1) / INFL_ENGINE_BLOCK)

typedef struct {
    unsigned stop_after; /* rounds; 0: never stop */
    unsigned calls;
    int in_order;        /* each round starts where the last ended */
    int consistent;      /* trials, hires and the data pointers make sense */
    int saw_stopping;    /* r->stopping was set at some call */
    uint64_t next_block; /* where the next round must start */
    uint64_t hires;
    bool no_trials;
    /* infl_round_moments of strategy 1, metric 0 at the last call. */
    uint64_t n;
    double mean, variance;
    int out_of_range_refused;
} hook_log;

static infl_round_action on_round(void *user, const infl_round *r)
{
    hook_log *h = user;
    h->calls++;
    h->in_order &= r->round_first_block == h->next_block && r->blocks_done > r->round_first_block;
    h->next_block = r->blocks_done;
    uint64_t expect_done = r->blocks_done * INFL_ENGINE_BLOCK;
    if (expect_done > TRIALS)
        expect_done = TRIALS;
    h->consistent &=
        r->blocks_total == BLOCKS && r->trials_total == TRIALS && r->trials_done == expect_done &&
        r->round_first_trial == r->round_first_block * INFL_ENGINE_BLOCK && r->hires > h->hires &&
        (h->no_trials ? r->tallies != NULL && !r->trials : r->trials != NULL && !r->tallies);
    h->hires = r->hires;
    h->saw_stopping |= r->stopping;
    h->consistent &= infl_round_moments(r, 1, 0, &h->n, &h->mean, &h->variance);
    uint64_t n;
    double mean, variance;
    h->out_of_range_refused = !infl_round_moments(r, 4, 0, &n, &mean, &variance) &&
                              !infl_round_moments(r, 0, 1000, &n, &mean, &variance);
    return h->stop_after && h->calls >= h->stop_after ? INFL_ROUND_STOP : INFL_ROUND_CONTINUE;
}

typedef struct {
    infl_trials *tr;
    infl_summary *sm;
    infl_run_stats stats;
} outcome;

static void run(const infl_scenario *sc, const infl_run_options *opt, outcome *o)
{
    infl_error err;
    infl_error_init(&err);
    *o = (outcome){0};
    CHECK_INT(infl_engine_run(sc, opt, &o->tr, &o->sm, &o->stats, &err), INFL_OK);
    if (err.status != INFL_OK)
        fprintf(stderr, "run failed: %s", infl_error_message(&err));
    infl_error_destroy(&err);
}

static void outcome_free(outcome *o)
{
    infl_trials_free(o->tr);
    infl_summary_free(o->sm);
}

static infl_scenario *load(const char *trials)
{
    const char *src = getenv("INFLUSIM_SOURCE_DIR");
    char file[1024];
    snprintf(file, sizeof file, "%s/tests/scenarios/small.yaml", src ? src : ".");
    const char *sets[] = {trials, "budget=2000"}; /* quick trials */
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    if (infl_scenario_load_file(file, sets, 2, &sc, &err) != INFL_OK)
        fprintf(stderr, "%s", infl_error_message(&err));
    infl_error_destroy(&err);
    return sc;
}

int main(void)
{
    infl_scenario *sc = load("trials=17000");
    /* 128 blocks: what round 2 of 1 thread, or round 1 of 2, ends with. */
    infl_scenario *short_sc = load("trials=16384");
    CHECK(sc != NULL && short_sc != NULL);
    if (sc == NULL || short_sc == NULL)
        return check_exit();

    for (int no_trials = 0; no_trials <= 1; no_trials++) {
        /* Never stopping: one call per round, in block order, to the end. */
        hook_log all = {.in_order = 1, .consistent = 1, .no_trials = no_trials};
        outcome full;
        run(sc,
            &(infl_run_options){
                .threads = 1, .no_trials = no_trials, .round_hook = {on_round, &all}},
            &full);
        CHECK_INT(all.calls, (BLOCKS + 63) / 64);
        CHECK(all.in_order);
        CHECK(all.consistent);
        CHECK_INT(all.next_block, BLOCKS);
        CHECK_INT(all.hires, full.stats.hires_simulated);
        CHECK(!all.saw_stopping);
        CHECK(!full.stats.stopped);
        CHECK_INT(full.stats.trials_done, TRIALS);
        /* The moments a hook reads at the last round are the summary's. */
        infl_summary *computed = NULL;
        if (!no_trials)
            CHECK_INT(infl_summary_compute(full.tr, 1, &computed, NULL), INFL_OK);
        const infl_summary *sm = no_trials ? full.sm : computed;
        CHECK(all.out_of_range_refused);
        if (sm != NULL) {
            const infl_stat *st = &sm->stats[1 * sm->n_metrics + 0];
            CHECK_INT(all.n, st->n);
            CHECK_NEAR(all.mean, st->mean, 1e-12 * fabs(st->mean));
            CHECK_NEAR(sqrt(all.variance), st->sd, 1e-9 * st->sd);
        }
        infl_summary_free(computed);

        outcome want;
        run(short_sc, &(infl_run_options){.threads = 1, .no_trials = no_trials}, &want);
        for (unsigned threads = 1; threads <= 2; threads++) {
            hook_log h = {
                .stop_after = 3 - threads, .in_order = 1, .consistent = 1, .no_trials = no_trials};
            outcome got;
            run(sc,
                &(infl_run_options){
                    .threads = threads, .no_trials = no_trials, .round_hook = {on_round, &h}},
                &got);
            CHECK_INT(h.calls, 3 - threads);
            CHECK(h.in_order && h.consistent);
            CHECK(got.stats.stopped);
            CHECK(!got.stats.target_met);
            CHECK_INT(got.stats.trials_done, 16384);
            CHECK_INT(got.stats.hires_simulated, want.stats.hires_simulated);
            int same = no_trials ? same_summary(got.sm, want.sm) : same_trials(got.tr, want.tr);
            if (!same)
                fprintf(stderr,
                        "stopped after %u rounds (%s, %u threads) differs from 16384 trials\n",
                        3 - threads, no_trials ? "streaming" : "kept", threads);
            CHECK(same);
            outcome_free(&got);
        }
        outcome_free(&want);
        outcome_free(&full);
    }

    /* Fixed rounds: a stop after round 5 of 8 blocks is 40 blocks for any
     * thread count. */
    infl_scenario *blocks40 = load("trials=5120");
    CHECK(blocks40 != NULL);
    outcome want;
    run(blocks40, &(infl_run_options){.threads = 1}, &want);
    for (unsigned threads = 1; threads <= 3; threads += 2) {
        hook_log h = {.stop_after = 5, .in_order = 1, .consistent = 1};
        outcome got;
        run(sc,
            &(infl_run_options){
                .threads = threads, .round_blocks = 8, .round_hook = {on_round, &h}},
            &got);
        CHECK_INT(h.calls, 5);
        CHECK_INT(h.next_block, 40);
        CHECK(h.in_order && h.consistent);
        CHECK_INT(got.stats.trials_done, 5120);
        CHECK(same_trials(got.tr, want.tr));
        outcome_free(&got);
    }
    outcome_free(&want);
    infl_scenario_free(blocks40);

    /* The stop flag is asked first: the hook sees the run stopping at round 1. */
    volatile sig_atomic_t stop = 1;
    hook_log h = {.in_order = 1, .consistent = 1};
    outcome got;
    run(sc, &(infl_run_options){.threads = 1, .stop = &stop, .round_hook = {on_round, &h}}, &got);
    CHECK_INT(h.calls, 1);
    CHECK(h.saw_stopping);
    CHECK(got.stats.stopped);
    CHECK_INT(got.stats.trials_done, 64 * INFL_ENGINE_BLOCK);
    outcome_free(&got);

    infl_scenario_free(short_sc);
    infl_scenario_free(sc);
    return check_exit();
}
