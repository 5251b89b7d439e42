/*
 * Unit tests of scenario loading: defaults, accessors, the resolved YAML as a
 * fixed point, --set overrides (scalars, new keys, list items by index or by
 * name), several faults reported at once, and the default scenario shipped in
 * experiments/.
 */
#include "check.h"
#include "influsim/scenario.h"
#include "scenario/scenario_internal.h"

static const char *BASE = "name: base\n"
                          "budget: 1000\n"
                          "regions:\n"
                          "  - {name: Home Land, shippable: true}\n"
                          "  - {name: Far Away, shippable: no}\n"
                          "product: {price: 40, unit_cost: 12}\n"
                          "market: {purchase_rate: {beta: {mean: 0.01, kappa: 100}}}\n"
                          "tiers:\n"
                          "  micro:\n"
                          "    followers: {loguniform: {min: 1000, max: 30000}}\n"
                          "    price: 150\n"
                          "    reach_rate: 0.3\n"
                          "    engagement_rate: 0.05\n"
                          "    audience: [0.75, 0.25]\n"
                          "    interest_share: 0.1\n"
                          "strategies:\n"
                          "  - {name: all, allocation: {micro: 1}}\n";

static infl_scenario *load(const char *text, const char *const *sets, size_t n, infl_error *err)
{
    infl_scenario *sc = NULL;
    infl_error_clear(err);
    infl_scenario_load_text(text, strlen(text), "base.yaml", sets, n, &sc, err);
    return sc;
}

int main(void)
{
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = load(BASE, NULL, 0, &err);
    CHECK(sc != NULL);
    if (sc == NULL) {
        fprintf(stderr, "%s", infl_error_message(&err));
        return 1;
    }
    /* Defaults. */
    CHECK_INT(infl_scenario_trials(sc), INFL_DEFAULT_TRIALS);
    CHECK_INT(infl_scenario_seed(sc), INFL_DEFAULT_SEED);
    CHECK(strcmp(infl_scenario_currency(sc), "USD") == 0);
    CHECK(!sc->has_addressable);
    CHECK_NEAR(sc->wom_purchase_factor.a, 0.5, 0);
    CHECK_NEAR(sc->tiers[0].real_share.a, 1.0, 0);
    CHECK_NEAR(sc->tiers[0].platform_fee.a, 0.0, 0);
    CHECK_NEAR(sc->tiers[0].gifted_share.a, 0.0, 0);
    CHECK_NEAR(sc->tiers[0].conversations_per_engagement.a, 0.0, 0);
    CHECK(strcmp(sc->regions[0].slug, "home_land") == 0);
    CHECK(!sc->regions[1].shippable);
    CHECK_INT(infl_scenario_strategy_count(sc), 1);
    CHECK(strcmp(infl_scenario_strategy_name(sc, 0), "all") == 0);
    CHECK(infl_scenario_strategy_name(sc, 1) == NULL);
    CHECK(strcmp(infl_scenario_tier_name(sc, 0), "micro") == 0);
    CHECK(strcmp(infl_scenario_region_name(sc, 1), "Far Away") == 0);
    CHECK(strcmp(infl_scenario_source_text(sc), BASE) == 0);

    /* The resolved text loads back into a scenario that resolves identically. */
    char *resolved = infl_scenario_resolved_yaml(sc);
    CHECK(resolved != NULL);
    infl_scenario *again = load(resolved, NULL, 0, &err);
    CHECK(again != NULL);
    if (again) {
        char *twice = infl_scenario_resolved_yaml(again);
        CHECK(twice && strcmp(resolved, twice) == 0);
        free(twice);
    }
    infl_scenario_free(again);
    free(resolved);
    infl_scenario_free(sc);

    /* Overrides: a scalar, a new optional key, a list item, a nested distribution value. */
    const char *sets[] = {"budget=2500",
                          "market.addressable=50000",
                          "tiers.micro.audience[1]=0.5",
                          "tiers.micro.audience[0]=0.5",
                          "tiers.micro.followers.loguniform.max=20000",
                          "seed=18446744073709551615"};
    sc = load(BASE, sets, 6, &err);
    CHECK(sc != NULL);
    if (sc) {
        CHECK_NEAR(infl_scenario_budget(sc), 2500, 0);
        CHECK(sc->has_addressable && sc->addressable.a == 50000);
        CHECK_NEAR(sc->tiers[0].audience.mean[1], 0.5, 0);
        CHECK_NEAR(sc->tiers[0].followers.b, 20000, 0);
        CHECK(infl_scenario_seed(sc) == UINT64_MAX);
        CHECK_CONTAINS(infl_scenario_overrides(sc), "--set budget=2500\n");
    }
    infl_scenario_free(sc);

    /* A list item with a name is addressed by it as by its index. */
    const char *by_name[] = {"regions.Far Away.shippable=yes", "strategies.all.allocation.micro=1"};
    const char *by_index[] = {"regions[1].shippable=yes", "strategies[0].allocation.micro=1"};
    sc = load(BASE, by_name, 2, &err);
    infl_scenario *indexed = load(BASE, by_index, 2, &err);
    CHECK(sc != NULL && indexed != NULL);
    if (sc && indexed) {
        CHECK(sc->regions[1].shippable && indexed->regions[1].shippable);
        char *x = infl_scenario_resolved_yaml(sc), *y = infl_scenario_resolved_yaml(indexed);
        CHECK(x && y && strcmp(x, y) == 0);
        free(x);
        free(y);
    }
    infl_scenario_free(indexed);
    infl_scenario_free(sc);

    /* An override may replace a constant by a distribution (flow YAML). */
    const char *flow[] = {"tiers.micro.reach_rate={beta: {mean: 0.3, kappa: 20}}",
                          "tiers.micro.audience={dirichlet: {mean: [0.5, 0.5], kappa: 8}}"};
    sc = load(BASE, flow, 2, &err);
    CHECK(sc != NULL);
    if (sc) {
        CHECK_INT(sc->tiers[0].reach_rate.kind, INFL_DIST_BETA);
        CHECK_NEAR(sc->tiers[0].reach_rate.b, 20, 0);
        CHECK(sc->tiers[0].audience.dirichlet && sc->tiers[0].audience.alpha[1] == 4.0);
    }
    infl_scenario_free(sc);

    /* An override is validated like the file, and located in the --set list. */
    const char *bad_sets[] = {"budget=1000", "budget=-3"};
    sc = load(BASE, bad_sets, 2, &err);
    CHECK(sc == NULL);
    CHECK_INT(err.status, INFL_EINVAL);
    CHECK_CONTAINS(infl_error_message(&err), "--set:2:8: budget: must be in (0, 1e15] (got -3)");

    /* Several faults in one file are all reported. */
    const char *several = "name: x\n"
                          "budget: -1\n"
                          "regions: [{name: a, shippable: false}]\n"
                          "product: {price: 1, unit_cost: 0}\n"
                          "market: {purchase_rate: 2}\n"
                          "tiers: {t: {followers: 1, price: 1, reach_rate: 1, engagement_rate: 1,"
                          " audience: [1], interest_share: 1, colour: red}}\n"
                          "strategies: [{name: s, allocation: {t: 0.5}}]\n";
    sc = load(several, NULL, 0, &err);
    CHECK(sc == NULL);
    CHECK_CONTAINS(infl_error_message(&err),
                   "base.yaml:2:9: budget: must be in (0, 1e15] (got -1)");
    CHECK_CONTAINS(infl_error_message(&err), "regions: at least one region must be shippable");
    CHECK_CONTAINS(infl_error_message(&err), "product.unit_cost: must be > 0 (got 0)");
    CHECK_CONTAINS(infl_error_message(&err), "market.purchase_rate: must be in [0, 1] (got 2)");
    CHECK_CONTAINS(infl_error_message(&err), "tiers.t.colour: unknown key");
    CHECK_CONTAINS(infl_error_message(&err),
                   "strategies[0].allocation: shares must sum to 1 (to within 0.005; got a sum of "
                   "0.5); make t 1");
    CHECK(err.count >= 6);

    /* A file with a hundred faults lists the first fifty and says more follow. */
    char *flood = malloc(8192);
    strcpy(flood, BASE);
    for (int i = 0; i < 100; i++)
        sprintf(flood + strlen(flood), "junk%03d: 1\n", i);
    sc = load(flood, NULL, 0, &err);
    CHECK(sc == NULL);
    CHECK_INT(err.count, 51);
    CHECK_CONTAINS(infl_error_message(&err), ": more faults from here on; fix these first");
    free(flood);

    /* File loading: a missing file, and the shipped default scenario. */
    CHECK_INT(infl_scenario_load_file("/nonexistent/x.yaml", NULL, 0, &sc, &err), INFL_EIO);
    CHECK_CONTAINS(infl_error_message(&err), "/nonexistent/x.yaml: cannot open scenario");
    const char *src = getenv("INFLUSIM_SOURCE_DIR");
    if (src != NULL) {
        char path[1024];
        snprintf(path, sizeof path, "%s/experiments/french-brand.yaml", src);
        infl_error_clear(&err);
        CHECK_INT(infl_scenario_load_file(path, NULL, 0, &sc, &err), INFL_OK);
        if (sc) {
            CHECK_INT(infl_scenario_region_count(sc), 4);
            CHECK(infl_scenario_strategy_count(sc) >= 3);
        } else {
            fprintf(stderr, "%s", infl_error_message(&err));
        }
        infl_scenario_free(sc);
    }
    infl_scenario_free(NULL);
    infl_error_destroy(&err);
    return check_exit();
}
