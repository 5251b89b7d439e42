/*
 * The engine's results are bit-identical for any thread count: every random
 * number is keyed by what it simulates, and each trial writes its own slots.
 * Also: common random numbers (two strategies with the same allocation give
 * identical columns), a trial count that is not a multiple of the block size,
 * the progress callback, and a limit error reported for the first failing trial.
 */
#include "check.h"
#include "influsim/engine.h"
#include "influsim/scenario.h"

static const char *SCENARIO = "name: threads\n"
                              "seed: 18446744073709551615\n"
                              "trials: 1000\n"
                              "budget: 20000\n"
                              "regions: [{name: A, shippable: true}, {name: B, shippable: true}, "
                              "{name: C, shippable: false}]\n"
                              "product: {price: 80, unit_cost: 20}\n"
                              "market:\n"
                              "  purchase_rate: {beta: {mean: 0.02, kappa: 100}}\n"
                              "  addressable: {uniform: {min: 5000, max: 20000}}\n"
                              "  wom_purchase_factor: {uniform: {min: 0.2, max: 0.8}}\n"
                              "tiers:\n"
                              "  nano:\n"
                              "    followers: {loguniform: {min: 1000, max: 5000}}\n"
                              "    price_per_1k_followers: {lognormal: {median: 20, sigma: 0.3}}\n"
                              "    gifted_share: 0.3\n"
                              "    real_share: {beta: {mean: 0.9, kappa: 30}}\n"
                              "    reach_rate: {beta: {mean: 0.4, kappa: 20}}\n"
                              "    engagement_rate: {beta: {mean: 0.08, kappa: 40}}\n"
                              "    audience: {dirichlet: {mean: [0.5, 0.3, 0.2], kappa: 20}}\n"
                              "    interest_share: {beta: {mean: 0.15, kappa: 20}}\n"
                              "    conversations_per_engagement: 0.1\n"
                              "  macro:\n"
                              "    followers: {lognormal: {median: 700000, sigma: 0.3}}\n"
                              "    price: {uniform: {min: 4000, max: 9000}}\n"
                              "    platform_fee: 0.2\n"
                              "    reach_rate: 0.2\n"
                              "    engagement_rate: 0.05\n"
                              "    audience: [0.05, 0.05, 0.9]\n"
                              "    interest_share: 0.03\n"
                              "strategies:\n"
                              "  - {name: nano, allocation: {nano: 1}}\n"
                              "  - {name: macro, allocation: {macro: 1}}\n"
                              "  - {name: mix, allocation: {nano: 0.6, macro: 0.4}}\n"
                              "  - {name: nano-again, allocation: {nano: 1.0, macro: 0}}\n";

typedef struct {
    uint64_t calls, last;
    int monotone;
} progress_log;

static void on_progress(void *user, uint64_t done, uint64_t total)
{
    progress_log *p = user;
    p->monotone &= done > p->last && done <= total;
    p->last = done;
    p->calls++;
}

static infl_trials *run(const infl_scenario *sc, unsigned threads, progress_log *log)
{
    infl_error err;
    infl_error_init(&err);
    infl_trials *tr = NULL;
    infl_run_options opt = {
        .threads = threads, .progress = log ? on_progress : NULL, .progress_user = log};
    infl_run_stats stats = {0};
    if (infl_engine_run(sc, &opt, &tr, NULL, &stats, &err) != INFL_OK)
        fprintf(stderr, "run failed: %s", infl_error_message(&err));
    else
        CHECK_INT(stats.threads, threads);
    infl_error_destroy(&err);
    return tr;
}

static int same_doubles(const double *a, const double *b, size_t n)
{
    return memcmp(a, b, n * sizeof *a) == 0;
}

int main(void)
{
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    if (infl_scenario_load_text(SCENARIO, strlen(SCENARIO), "threads", NULL, 0, &sc, &err) !=
        INFL_OK) {
        fprintf(stderr, "%s", infl_error_message(&err));
        return 1;
    }
    progress_log log = {0, 0, 1};
    infl_trials *one = run(sc, 1, &log);
    CHECK(one != NULL);
    CHECK_INT(log.last, 1000);
    CHECK_INT(log.calls, (1000 + INFL_ENGINE_BLOCK - 1) / INFL_ENGINE_BLOCK);
    CHECK(log.monotone);
    size_t cells = one->n_strategies * one->n_metrics * one->n_trials;
    for (unsigned threads = 2; threads <= 5; threads++) {
        infl_trials *many = run(sc, threads, NULL);
        CHECK(many != NULL);
        if (many == NULL)
            continue;
        int same =
            same_doubles(one->values, many->values, cells) &&
            same_doubles(one->purchase_rate, many->purchase_rate, one->n_trials) &&
            same_doubles(one->wom_purchase_factor, many->wom_purchase_factor, one->n_trials) &&
            same_doubles(one->addressable, many->addressable, one->n_trials);
        if (!same)
            fprintf(stderr, "results with %u threads differ from 1 thread\n", threads);
        CHECK(same);
        infl_trials_free(many);
    }

    /* Common random numbers: identical allocations give identical columns. */
    size_t nm = one->n_metrics;
    CHECK(same_doubles(infl_trials_column(one, 0, 0), infl_trials_column(one, 3, 0),
                       nm * one->n_trials));
    /* ... and the macro strategy is not a copy of the nano one. */
    CHECK(!same_doubles(infl_trials_column(one, 0, 0), infl_trials_column(one, 1, 0),
                        nm * one->n_trials));

    /* A tier that would hire more than the limit fails with a message naming
     * the first trial, whatever the thread count. */
    const char *sets[] = {"budget=1e12", "tiers.nano.gifted_share=1", "trials=300"};
    infl_scenario *huge = NULL;
    CHECK_INT(infl_scenario_load_text(SCENARIO, strlen(SCENARIO), "threads", sets, 3, &huge, &err),
              INFL_OK);
    for (unsigned threads = 1; threads <= 2 && huge; threads++) {
        infl_trials *tr = NULL;
        infl_error_clear(&err);
        CHECK_INT(
            infl_engine_run(huge, &(infl_run_options){.threads = threads}, &tr, NULL, NULL, &err),
            INFL_ELIMIT);
        CHECK(tr == NULL);
        CHECK_CONTAINS(infl_error_message(&err), "trial 0: strategy 'nano' would hire more than");
    }
    infl_scenario_free(huge);

    infl_trials_free(one);
    infl_scenario_free(sc);
    infl_error_destroy(&err);
    return check_exit();
}
