/*
 * test_select.c — select on a scenario (influsim/select.h): the plan it
 * chooses, run as the strategy of the scenario it derives, gives per trial
 * exactly the values select computed for it (the same trials, the same
 * draws); the answer does not depend on the thread count; must-include and
 * exclude are kept; and the refusals (no roster, outcomes too large, unknown
 * handles) say why. With audience overlap (a market small next to what the
 * creators reach) the same: the plan's run gives select's values trial by
 * trial, and its conversions are fewer than its members' alone.
 */
#include "check.h"

#include "influsim/engine.h"
#include "influsim/select.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Five creators with uncertain prices and rates, undelivered posts (fees
 * refunded, overhead spent), word of mouth and repeat orders: every part of
 * a creator's outcome varies by trial. */
static const char *ROSTER =
    "name: tiny\n"
    "trials: 3000\n"
    "seed: 11\n"
    "budget: 1000\n"
    "product: {price: 400, unit_cost: 100, repeat_orders: 0.4}\n"
    "market: {purchase_rate: {beta: {mean: 0.1, kappa: 100}}}\n"
    "regions: [{name: home, shippable: true}, {name: away, shippable: false}]\n"
    "tiers:\n"
    "  micro: {followers: 8000, price: 150, platform_fee: 0.1, reach_rate: {beta: {mean: 0.3, "
    "kappa: 40}},\n"
    "          engagement_rate: 0.05, audience: {dirichlet: {mean: [0.8, 0.2], kappa: 30}},\n"
    "          interest_share: {beta: {mean: 0.2, kappa: 30}}, overhead_per_hire: 20,\n"
    "          post_probability: 0.85, conversations_per_engagement: 0.05}\n"
    "roster:\n"
    "  - {handle: alice, tier: micro, followers: 10000, price: {uniform: {min: 200, max: "
    "400}}}\n"
    "  - {handle: '@Bob', tier: micro, followers: 30000, price: 500}\n"
    "  - {handle: carol, tier: micro, followers: 5000, price: 100}\n"
    "  - {handle: dan, platform: tiktok, tier: micro, followers: 20000,\n"
    "     price: {loguniform: {min: 300, max: 700}}}\n"
    "  - {handle: eve, tier: micro, followers: 2000, price: 60, gifted_share: 0.5}\n"
    "strategies:\n"
    "  - {name: all-micro, allocation: {micro: 1}}\n"
    "  - {name: pick, hire: [alice, bob]}\n";

static infl_scenario *load(const char *yaml, const char *const *sets, size_t n_sets)
{
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    if (infl_scenario_load_text(yaml, strlen(yaml), "test", sets, n_sets, &sc, &err) != INFL_OK)
        fprintf(stderr, "load failed:\n%s", infl_error_message(&err));
    infl_error_destroy(&err);
    return sc;
}

/* Runs select; NULL (message on stderr) if it fails. */
static infl_select_result *select_on(const infl_scenario *sc, const infl_select_options *o)
{
    infl_error err;
    infl_error_init(&err);
    infl_select_result *r = NULL;
    if (infl_select_run(sc, o, &r, &err) != INFL_OK)
        fprintf(stderr, "select failed:\n%s", infl_error_message(&err));
    infl_error_destroy(&err);
    return r;
}

/* The status and message of a select that should fail. */
static infl_status select_fails(const infl_scenario *sc, const infl_select_options *o, char *msg,
                                size_t size)
{
    infl_error err;
    infl_error_init(&err);
    infl_select_result *r = NULL;
    infl_status rc = infl_select_run(sc, o, &r, &err);
    snprintf(msg, size, "%s", infl_error_message(&err));
    CHECK(r == NULL);
    infl_select_result_free(r);
    infl_error_destroy(&err);
    return rc;
}

static size_t strategy_index(const infl_trials *tr, const char *name)
{
    for (size_t s = 0; s < tr->n_strategies; s++)
        if (!strcmp(tr->strategy_names[s], name))
            return s;
    return (size_t)-1;
}

/* select with objective `objective`, then a run of the scenario it derives:
 * the plan strategy's per-trial metric equals select's chosen_values
 * (conversions exactly; a profit within 1e-9 of its terms' size, since a run
 * computes revenue - conversions x unit_cost - spend and select conversions x
 * margin - spend), and the scenario's own strategies are still there. */
static void test_plan_runs_as_selected(const infl_scenario *sc, const char *objective, bool overlap)
{
    infl_select_options o;
    infl_select_options_init(&o);
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl_objective_parse(objective, &o.objective, &err), INFL_OK);
    o.budget = 900;
    o.threads = 2;
    o.resamples = 20;
    infl_select_result *r = select_on(sc, &o);
    CHECK(r != NULL);
    if (r == NULL)
        return;
    CHECK(r->exact);
    CHECK(r->n_plan > 0);
    CHECK_NEAR(r->budget, 900.0, 0.0);
    CHECK(r->strategy[0] != '\0');
    CHECK_NEAR(infl_scenario_budget(r->scenario), 900.0, 0.0);
    CHECK_INT(infl_scenario_strategy_count(r->scenario), 3);
    CHECK(!strcmp(infl_scenario_strategy_name(r->scenario, 0), "all-micro"));
    CHECK(!strcmp(infl_scenario_strategy_name(r->scenario, 1), "pick"));
    CHECK(!strcmp(infl_scenario_strategy_name(r->scenario, 2), r->strategy));
    CHECK(r->plan_cost <= 900.0 * (1 + 1e-12));

    infl_trials *tr = NULL;
    CHECK_INT(
        infl_engine_run(r->scenario, &(infl_run_options){.threads = 2}, &tr, NULL, NULL, &err),
        INFL_OK);
    if (tr == NULL) {
        fprintf(stderr, "%s", infl_error_message(&err));
        infl_error_destroy(&err);
        infl_select_result_free(r);
        return;
    }
    CHECK_INT(tr->n_trials, r->n_trials);
    const size_t s = strategy_index(tr, r->strategy);
    CHECK(s != (size_t)-1);
    const size_t m = infl_trials_metric_index(tr, infl_objective_metric(&o.objective));
    const size_t conv = infl_trials_metric_index(tr, "conversions");
    const size_t spend = infl_trials_metric_index(tr, "spend");
    const size_t unhired = infl_trials_metric_index(tr, "named_unhired");
    const double *x = infl_trials_column(tr, s, m);
    const bool exact = o.objective.kind == INFL_OBJECTIVE_MEAN;
    size_t differ = 0, inexact = 0;
    double sum_conv = 0, sum_spend = 0, sum_unhired = 0;
    for (uint64_t t = 0; t < tr->n_trials; t++) {
        const double c = infl_trials_column(tr, s, conv)[t],
                     sp = infl_trials_column(tr, s, spend)[t];
        const double tol = exact ? 0.0 : 1e-9 * (c * 400.0 * 2.0 + sp + 1.0);
        if (!(fabs(x[t] - r->chosen_values[t]) <= tol))
            differ++;
        if (x[t] != r->chosen_values[t])
            inexact++;
        sum_conv += c;
        sum_spend += sp;
        sum_unhired += infl_trials_column(tr, s, unhired)[t];
    }
    printf("%s: plan of %zu, value %.6g +- %.3g; of %llu trials %zu differ from the run, %zu "
           "not bit for bit\n",
           objective, r->n_plan, r->value, r->se, (unsigned long long)tr->n_trials, differ,
           inexact);
    CHECK_INT(differ, 0);
    const double T = (double)tr->n_trials;
    if (overlap) {
        /* Overlap binds: the plan converts fewer than its members alone. */
        double alone = 0;
        for (size_t k = 0; k < r->n_plan; k++)
            alone += r->mean_conversions[r->plan[k]];
        printf("%s with overlap: plan %.4g conversions, its members alone %.4g\n", objective,
               r->plan_conversions, alone);
        if (r->n_plan > 1)
            CHECK(r->plan_conversions < alone - 0.05 * alone);
    }
    CHECK_NEAR(sum_conv / T, r->plan_conversions, 1e-9 * (1 + r->plan_conversions));
    CHECK_NEAR(sum_spend / T, r->plan_spend, 1e-9 * (1 + r->plan_spend));
    CHECK_NEAR(sum_unhired / T, r->plan_unhired, 1e-12);
    infl_trials_free(tr);
    infl_error_destroy(&err);
    infl_select_result_free(r);
}

/* The same plan, values and robustness table on 1 and 3 threads. */
static void test_threads(const infl_scenario *sc)
{
    infl_select_options o;
    infl_select_options_init(&o);
    o.resamples = 30;
    o.threads = 1;
    infl_select_result *a = select_on(sc, &o);
    o.threads = 3;
    infl_select_result *b = select_on(sc, &o);
    CHECK(a != NULL && b != NULL);
    if (a && b) {
        CHECK_INT(a->n_plan, b->n_plan);
        CHECK(a->n_plan == b->n_plan && !memcmp(a->plan, b->plan, a->n_plan * sizeof *a->plan));
        CHECK(!memcmp(a->chosen_values, b->chosen_values, a->n_trials * sizeof(double)));
        CHECK(!memcmp(a->frequency, b->frequency, a->n_creators * sizeof(double)));
        CHECK(!memcmp(a->mean_conversions, b->mean_conversions, a->n_creators * sizeof(double)));
        CHECK(a->value == b->value && a->se == b->se);
        /* The handles as written, the tier that filled in, the platform. */
        CHECK_INT(a->n_creators, 5);
        CHECK(!strcmp(a->handle[1], "Bob"));
        CHECK(!strcmp(a->tier[3], "micro"));
        CHECK(!strcmp(a->platform[3], "tiktok") && !strcmp(a->platform[0], ""));
        for (size_t i = 0; i < a->n_creators; i++)
            CHECK(a->frequency[i] >= 0 && a->frequency[i] <= 1);
    }
    infl_select_result_free(a);
    infl_select_result_free(b);
}

static void test_must_exclude(const infl_scenario *sc)
{
    infl_select_options o;
    infl_select_options_init(&o);
    o.resamples = 0;
    const char *must[] = {"@BOB"}, *ex[] = {"carol"};
    o.must_include = must;
    o.n_must_include = 1;
    o.exclude = ex;
    o.n_exclude = 1;
    infl_select_result *r = select_on(sc, &o);
    CHECK(r != NULL);
    if (r) {
        CHECK(r->chosen[1] == 1);
        CHECK(r->chosen[2] == 0);
        CHECK(isnan(r->marginal[2]));
        CHECK(isnan(r->frequency[0]));
    }
    infl_select_result_free(r);

    char msg[1024];
    const char *typo[] = {"alcie"};
    o.must_include = typo;
    o.exclude = NULL;
    o.n_exclude = 0;
    CHECK_INT(select_fails(sc, &o, msg, sizeof msg), INFL_EARG);
    CHECK_CONTAINS(msg, "--must-include: no creator 'alcie'");
    CHECK_CONTAINS(msg, "did you mean 'alice'");
    o.must_include = NULL;
    o.n_must_include = 0;
    o.exclude = typo;
    o.n_exclude = 1;
    CHECK_INT(select_fails(sc, &o, msg, sizeof msg), INFL_EARG);
    CHECK_CONTAINS(msg, "--exclude: no creator 'alcie'");
}

static void test_refusals(const infl_scenario *sc)
{
    char msg[1024];
    infl_select_options o;
    infl_select_options_init(&o);
    o.trials = 100000000; /* 5 creators x 1e8 trials x 32 bytes = 15 GiB */
    CHECK_INT(select_fails(sc, &o, msg, sizeof msg), INFL_EARG);
    CHECK_CONTAINS(msg, "at most 13421772 trials fit");
    o.trials = 0;
    o.budget = -5;
    CHECK_INT(select_fails(sc, &o, msg, sizeof msg), INFL_EARG);
    o.budget = 0;

    /* With overlap each creator and trial also keeps two counts: 40 bytes. */
    const char *overlap[] = {"market.addressable=100000"};
    infl_scenario *ov = load(ROSTER, overlap, 1);
    CHECK(ov != NULL);
    if (ov) {
        o.trials = 100000000;
        CHECK_INT(select_fails(ov, &o, msg, sizeof msg), INFL_EARG);
        CHECK_CONTAINS(msg, "at most 10737418 trials fit");
        o.trials = 0;
    }
    infl_scenario_free(ov);

    static const char *NO_ROSTER =
        "name: pools\n"
        "trials: 100\n"
        "budget: 1000\n"
        "product: {price: 50, unit_cost: 10}\n"
        "market: {purchase_rate: 0.02}\n"
        "regions: [{name: home, shippable: true}]\n"
        "tiers:\n"
        "  micro: {followers: 8000, price: 150, reach_rate: 0.3, engagement_rate: 0.05,\n"
        "          audience: [1], interest_share: 0.2}\n"
        "strategies:\n"
        "  - {name: all-micro, allocation: {micro: 1}}\n";
    infl_scenario *pools = load(NO_ROSTER, NULL, 0);
    CHECK(pools != NULL);
    if (pools) {
        CHECK_INT(select_fails(pools, &o, msg, sizeof msg), INFL_EARG);
        CHECK_CONTAINS(msg, "has none");
    }
    infl_scenario_free(pools);
}

/* The override reproduces the scenario's strategies (named hires and
 * shares) and adds the plan; a name already taken gets a suffix. */
static void test_override(void)
{
    const char *sets[] = {
        "strategies=[{name: select-mean, shares: relative, allocation: {micro: 0.25}}, "
        "{name: pick, hire: [dan, eve], allocation: {micro: 1}}]"};
    infl_scenario *sc = load(ROSTER, sets, 1);
    CHECK(sc != NULL);
    if (sc == NULL)
        return;
    const size_t idx[] = {0, 2};
    char *ov = infl_select_plan_override(sc, "x", idx, 2);
    CHECK(ov != NULL);
    if (ov)
        CHECK_CONTAINS(ov, "{name: \"x\", hire: [\"alice\", \"carol\"]}");
    free(ov);
    infl_select_options o;
    infl_select_options_init(&o);
    o.resamples = 0;
    o.trials = 500;
    infl_select_result *r = select_on(sc, &o);
    CHECK(r != NULL);
    if (r) {
        CHECK(!strcmp(r->strategy, "select-mean-2"));
        CHECK_INT(infl_scenario_trials(r->scenario), 500);
        CHECK_INT(infl_scenario_strategy_count(r->scenario), 3);
        CHECK_NEAR(infl_scenario_strategy_share(r->scenario, 0, 0), 1, 0);
        CHECK_NEAR(infl_scenario_strategy_share(r->scenario, 1, 0), 1, 0);
        char *y = infl_scenario_resolved_yaml(r->scenario);
        CHECK(y != NULL);
        if (y)
            CHECK_CONTAINS(y, "hire: [\"dan\", \"eve\"]");
        free(y);
    }
    infl_select_result_free(r);
    infl_scenario_free(sc);
}

/* A market of 20 to 60 people, next to posts that reach about 25 people
 * interested each: most of a second creator's audience was reached before. */
static const char *OVERLAP[] = {"market.addressable={uniform: {min: 20, max: 60}}"};

int main(void)
{
    infl_scenario *sc = load(ROSTER, NULL, 0);
    CHECK(sc != NULL);
    if (sc == NULL)
        return check_exit();
    test_plan_runs_as_selected(sc, "mean", false);
    test_plan_runs_as_selected(sc, "profit", false);
    test_plan_runs_as_selected(sc, "ltv-profit", false);
    test_plan_runs_as_selected(sc, "q10", false);
    test_threads(sc);
    test_must_exclude(sc);
    test_refusals(sc);
    test_override();
    infl_scenario_free(sc);
    sc = load(ROSTER, OVERLAP, 1);
    CHECK(sc != NULL);
    if (sc == NULL)
        return check_exit();
    test_plan_runs_as_selected(sc, "mean", true);
    test_plan_runs_as_selected(sc, "profit", true);
    test_plan_runs_as_selected(sc, "ltv-profit", true);
    test_plan_runs_as_selected(sc, "q10", true);
    test_threads(sc);
    infl_scenario_free(sc);
    return check_exit();
}
