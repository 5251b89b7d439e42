/*
 * The memory estimate (infl_engine_estimate): the kept samples grow linearly
 * with the trials, a run without them does not; hires per trial follow from
 * the mean cost of a post (budget share / cost, the most hiring strategy per
 * tier); and max_trials_in agrees with the limit it was computed for.
 */
#include "check.h"
#include "influsim/engine.h"
#include "influsim/scenario.h"

/* Tier a: a post costs 5000 + 25% fee = 6250. Tier b: 20 per 1,000 of 50,000
 * followers = 1000 with no fee, gifted half the time at the unit cost 20:
 * 0.5 * 20 + 0.5 * 1000 = 510. */
static const char *SCENARIO = "name: estimate\n"
                              "seed: 1\n"
                              "trials: 1000\n"
                              "budget: 20000\n"
                              "regions: [{name: A, shippable: true}]\n"
                              "product: {price: 80, unit_cost: 20}\n"
                              "market:\n"
                              "  purchase_rate: 0.02\n"
                              "  addressable: 10000\n"
                              "  wom_purchase_factor: 0.5\n"
                              "tiers:\n"
                              "  a:\n"
                              "    followers: 700000\n"
                              "    price: 5000\n"
                              "    platform_fee: 0.25\n"
                              "    reach_rate: 0.2\n"
                              "    engagement_rate: 0.05\n"
                              "    audience: [1]\n"
                              "    interest_share: 0.03\n"
                              "  b:\n"
                              "    followers: 50000\n"
                              "    price_per_1k_followers: 20\n"
                              "    gifted_share: 0.5\n"
                              "    reach_rate: 0.2\n"
                              "    engagement_rate: 0.05\n"
                              "    audience: [1]\n"
                              "    interest_share: 0.03\n"
                              "strategies:\n"
                              "  - {name: only-a, allocation: {a: 1}}\n"
                              "  - {name: half, allocation: {a: 0.5, b: 0.5}}\n";

static infl_scenario *load(const char *trials)
{
    const char *sets[] = {trials};
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    if (infl_scenario_load_text(SCENARIO, strlen(SCENARIO), "estimate", sets, 1, &sc, &err) !=
        INFL_OK)
        fprintf(stderr, "%s", infl_error_message(&err));
    infl_error_destroy(&err);
    return sc;
}

static infl_run_estimate estimate(const char *trials, bool no_trials, double limit)
{
    infl_run_estimate est = {0};
    infl_scenario *sc = load(trials);
    CHECK(sc != NULL);
    if (sc != NULL)
        infl_engine_estimate(sc, &(infl_run_options){.threads = 2, .no_trials = no_trials}, limit,
                             &est);
    infl_scenario_free(sc);
    return est;
}

int main(void)
{
    /* Linear in the trials with them kept; none without. */
    infl_run_estimate e1 = estimate("trials=1000", false, 0);
    infl_run_estimate e2 = estimate("trials=2000", false, 0);
    infl_run_estimate e4 = estimate("trials=4000", false, 0);
    CHECK(e1.sample_bytes > 0);
    CHECK_NEAR(e2.sample_bytes, 2 * e1.sample_bytes, 0);
    CHECK_NEAR(e4.sample_bytes, 4 * e1.sample_bytes, 0);
    CHECK_NEAR(e4.sample_bytes - e2.sample_bytes, 2 * (e2.sample_bytes - e1.sample_bytes), 0);
    CHECK(e2.bytes > e1.bytes && e4.bytes > e2.bytes);
    infl_run_estimate n1 = estimate("trials=1000", true, 0);
    infl_run_estimate n4 = estimate("trials=4000", true, 0);
    CHECK_NEAR(n1.sample_bytes, 0, 0);
    CHECK_NEAR(n4.sample_bytes, 0, 0);
    CHECK_NEAR(n1.bytes, n1.bytes_no_trials, 0);
    CHECK_NEAR(n1.bytes_no_trials, n4.bytes_no_trials, 0);
    CHECK_NEAR(e1.bytes_no_trials, e4.bytes_no_trials, 0);
    CHECK_NEAR(e1.bytes_no_trials, n1.bytes_no_trials, 0);
    CHECK_INT(e1.max_trials_in, 0); /* no limit given */

    /* Tier a: only-a hires 20000 / 6250 = 3.2 (half hires 1.6); tier b: half
     * hires 10000 / 510. */
    CHECK_NEAR(e1.hires_per_trial, 3.2 + 10000.0 / 510.0, 1e-9);
    CHECK_NEAR(n4.hires_per_trial, e1.hires_per_trial, 0);

    /* A run of max_trials_in trials fits in the limit; one of twice as many
     * does not. */
    const double limit = 1024.0 * 1048576.0;
    infl_run_estimate lim = estimate("trials=1000", false, limit);
    CHECK(lim.max_trials_in > 1000);
    char set[64];
    snprintf(set, sizeof set, "trials=%" PRIu64, lim.max_trials_in);
    infl_run_estimate at = estimate(set, false, limit);
    CHECK(at.bytes <= limit);
    CHECK_INT(at.max_trials_in, lim.max_trials_in); /* does not depend on the trials */
    snprintf(set, sizeof set, "trials=%" PRIu64, 2 * lim.max_trials_in);
    infl_run_estimate twice = estimate(set, false, limit);
    CHECK(twice.bytes > limit);
    /* A limit below the fixed costs fits nothing. */
    CHECK_INT(estimate("trials=1000", false, 1.0).max_trials_in, 0);
    return check_exit();
}
