/*
 * Unit tests of the optimiser on a scenario (infl_optimize_scenario_run), on
 * tests/scenarios/optimum.yaml with 200 trials: tiers the scenario lacks are
 * refused with the scenario's tiers named; the search finds the split the
 * CLI finds (reach 0.3, talk 0.7, as test_optimize.py checks at more
 * trials); the scenario it hands back holds the scenario's strategies and
 * the optimum's shares as strategy "optimum", or "optimum-2" when the
 * scenario already has an "optimum"; runs and hires are counted. Each
 * split's mean spend is the scenario's (constant prices: 100 posts of 100);
 * where there is no optimum (P(ROI > 0) is 1 at every split) the scenario
 * handed back holds the scenario's strategies alone; an objective whose
 * metric the runs lack is refused naming it.
 */
#include "check.h"
#include "influsim/optimize.h"

static infl_scenario *load(const char *const *sets, size_t n)
{
    const char *src = getenv("INFLUSIM_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/scenarios/optimum.yaml", src ? src : ".");
    infl_scenario *sc = NULL;
    infl_error err;
    infl_error_init(&err);
    if (infl_scenario_load_file(path, sets, n, &sc, &err) != INFL_OK)
        fprintf(stderr, "%s", infl_error_message(&err));
    infl_error_destroy(&err);
    return sc;
}

/* Posts of 100 out of 20,000: each split spends a whole number of posts, at
 * most one fewer per tier than the budget buys (a share that buys 74.5 posts
 * buys 74). */
static void check_spend(const infl_optimize_result *r)
{
    for (size_t p = 0; p < r->n_points; p++) {
        CHECK(r->spend[p] >= 19800.0 - 1e-6 && r->spend[p] <= 20000.0 + 1e-6);
        CHECK_NEAR(remainder(r->spend[p], 100.0), 0.0, 1e-6);
    }
}

static void test_tiers(const infl_scenario *base)
{
    const char *bad[] = {"reach", "nope"};
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl_optimize_scenario_check_tiers(base, bad, 2, &err), INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err),
                   "--tiers: no tier 'nope' in the scenario (it has reach, talk)");
    const char *good[] = {"talk", "reach"};
    CHECK_INT(infl_optimize_scenario_check_tiers(base, good, 2, NULL), INFL_OK);

    infl_optimize_scenario_options o = {.tiers = bad, .n_tiers = 2, .threads = 2};
    infl_optimize_scenario_result r = {0};
    infl_error_clear(&err);
    CHECK_INT(infl_optimize_scenario_run(base, &o, &r, &err), INFL_EARG);
    CHECK(r.search == NULL && r.scenario == NULL);
    CHECK_INT(r.runs, 0);
    infl_optimize_scenario_result_destroy(&r);
    infl_error_destroy(&err);
}

static void test_run(const infl_scenario *base, const char *want_name)
{
    const char *tiers[] = {"reach", "talk"};
    infl_optimize_scenario_options o = {.tiers = tiers, .n_tiers = 2, .threads = 2};
    CHECK_INT(infl_objective_parse("mean", &o.objective, NULL), INFL_OK);
    infl_optimize_scenario_result r = {0};
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl_optimize_scenario_run(base, &o, &r, &err), INFL_OK);
    fprintf(stderr, "%s", infl_error_message(&err));
    CHECK(r.search != NULL && r.scenario != NULL);
    if (r.search == NULL || r.scenario == NULL)
        return;
    CHECK_NEAR(r.search->optimum[0], 0.3, 0.02);
    CHECK_NEAR(r.search->optimum[0] + r.search->optimum[1], 1, 1e-12);
    CHECK(r.runs >= 1 && r.runs <= r.search->n_points);
    CHECK(r.hires > 0);
    CHECK(strcmp(r.strategy, want_name) == 0);
    const size_t n = infl_scenario_strategy_count(base);
    CHECK_INT(infl_scenario_strategy_count(r.scenario), n + 1);
    for (size_t s = 0; s < n; s++) {
        CHECK(strcmp(infl_scenario_strategy_name(r.scenario, s),
                     infl_scenario_strategy_name(base, s)) == 0);
        for (size_t t = 0; t < infl_scenario_tier_count(base); t++)
            CHECK_NEAR(infl_scenario_strategy_share(r.scenario, s, t),
                       infl_scenario_strategy_share(base, s, t), 0);
    }
    CHECK(strcmp(infl_scenario_strategy_name(r.scenario, n), want_name) == 0);
    CHECK_NEAR(infl_scenario_strategy_share(r.scenario, n, 0), r.search->optimum[0], 0);
    CHECK_NEAR(infl_scenario_strategy_share(r.scenario, n, 1), r.search->optimum[1], 0);
    CHECK_INT(infl_scenario_seed(r.scenario), infl_scenario_seed(base));
    CHECK_INT(infl_scenario_trials(r.scenario), 200);
    CHECK_INT(r.search->outcome, INFL_OPTIMIZE_OPTIMUM);
    check_spend(r.search);
    infl_optimize_scenario_result_destroy(&r);
    CHECK(r.search == NULL && r.scenario == NULL);
    infl_error_destroy(&err);
}

/* P(ROI > 0) = 1 everywhere: constant, and no optimum strategy. */
static void test_constant(const infl_scenario *base)
{
    const char *tiers[] = {"reach", "talk"};
    infl_optimize_scenario_options o = {.tiers = tiers, .n_tiers = 2, .threads = 2};
    CHECK_INT(infl_objective_parse("p-roi", &o.objective, NULL), INFL_OK);
    infl_optimize_scenario_result r = {0};
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl_optimize_scenario_run(base, &o, &r, &err), INFL_OK);
    CHECK(r.search != NULL && r.scenario != NULL);
    if (r.search != NULL && r.scenario != NULL) {
        CHECK_INT(r.search->outcome, INFL_OPTIMIZE_CONSTANT);
        CHECK(r.search->value_at_optimum == 1.0);
        CHECK(r.strategy[0] == '\0');
        CHECK_INT(infl_scenario_strategy_count(r.scenario), infl_scenario_strategy_count(base));
        check_spend(r.search);
    }
    infl_optimize_scenario_result_destroy(&r);
    infl_error_destroy(&err);
}

/* Lifetime value: runs where the model has the metric, or refused naming it. */
static void test_ltv(const infl_scenario *base)
{
    const char *tiers[] = {"reach", "talk"};
    infl_optimize_scenario_options o = {.tiers = tiers, .n_tiers = 2, .threads = 2};
    CHECK_INT(infl_objective_parse("ltv-profit", &o.objective, NULL), INFL_OK);
    infl_optimize_scenario_result r = {0};
    infl_error err;
    infl_error_init(&err);
    infl_status rc = infl_optimize_scenario_run(base, &o, &r, &err);
    if (rc == INFL_OK) {
        CHECK(r.search != NULL && r.search->value_at_optimum == r.search->value[r.search->best]);
    } else {
        CHECK_INT(rc, INFL_EARG);
        CHECK_CONTAINS(infl_error_message(&err), "no metric 'ltv_profit'");
        CHECK(r.search == NULL && r.scenario == NULL);
    }
    infl_optimize_scenario_result_destroy(&r);
    infl_error_destroy(&err);
}

int main(void)
{
    const char *sets[] = {"trials=200"};
    infl_scenario *base = load(sets, 1);
    CHECK(base != NULL);
    if (base == NULL)
        return check_exit();
    test_tiers(base);
    test_run(base, "optimum");
    test_constant(base);
    test_ltv(base);
    infl_scenario_free(base);

    /* A strategy already called "optimum": the optimum is "optimum-2". */
    const char *clash[] = {"trials=200", "strategies[1].name=optimum"};
    base = load(clash, 2);
    CHECK(base != NULL);
    if (base != NULL)
        test_run(base, "optimum-2");
    infl_scenario_free(base);
    return check_exit();
}
