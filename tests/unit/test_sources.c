/*
 * test_sources.c — infl_scenario_sources: each resolved key names where its
 * value came from: the scenario's line, an override (--set:N), a tier preset
 * with its sources, the tier a roster creator takes it from, or the loader's
 * default.
 */
#include "check.h"

#include "influsim/scenario.h"

static const char *TEXT = "name: sources\n"                            /* 1 */
                          "trials: 400\n"                              /* 2 */
                          "budget: 20000\n"                            /* 3 */
                          "regions: [{name: home, shippable: true}]\n" /* 4 */
                          "product: {price: 40, unit_cost: 10}\n"      /* 5 */
                          "market: {purchase_rate: 0.02}\n"            /* 6 */
                          "tiers:\n"                                   /* 7 */
                          "  micro:\n"                                 /* 8 */
                          "    preset: instagram/micro\n"              /* 9 */
                          "    audience: [1]\n"                        /* 10 */
                          "    interest_share: 0.2\n"                  /* 11 */
                          "roster:\n"                                  /* 12 */
                          "  - handle: anna\n"                         /* 13 */
                          "    tier: micro\n"                          /* 14 */
                          "    followers: 12000\n"                     /* 15 */
                          "strategies: [{name: all, allocation: {micro: 1}}]\n";

static const infl_scenario_source *find(const infl_scenario_source *s, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(s[i].path, path))
            return &s[i];
    return NULL;
}

int main(void)
{
    infl_error err;
    infl_error_init(&err);
    const char *sets[] = {"seed=7", "tiers.micro.reach_rate={beta: {mean: 0.3, kappa: 20}}"};
    infl_scenario *sc = NULL;
    CHECK(infl_scenario_load_text(TEXT, strlen(TEXT), "s.yaml", sets, 2, &sc, &err) == INFL_OK);
    if (sc == NULL) {
        fprintf(stderr, "%s\n", infl_error_message(&err));
        return check_exit();
    }
    infl_scenario_source *s = NULL;
    size_t n = 0;
    CHECK(infl_scenario_sources(sc, &s, &n, &err) == INFL_OK);
    CHECK(n > 20);
    char buf[1024];
    const infl_scenario_source *e;

    /* The scenario's own lines. */
    CHECK((e = find(s, n, "budget")) != NULL && e->kind == INFL_SOURCE_FILE && e->line == 3 &&
          !strcmp(e->origin, "s.yaml") && !strcmp(e->value, "20000"));
    CHECK((e = find(s, n, "product.unit_cost")) != NULL && e->kind == INFL_SOURCE_FILE &&
          e->line == 5);
    CHECK((e = find(s, n, "tiers.micro.interest_share")) != NULL && e->kind == INFL_SOURCE_FILE &&
          e->line == 11);
    CHECK(e != NULL && !strcmp(infl_scenario_source_describe(e, buf, sizeof buf), "s.yaml:11"));
    CHECK((e = find(s, n, "tiers.micro.audience")) != NULL && !strcmp(e->value, "[1]"));

    /* Overrides, numbered as given. */
    CHECK((e = find(s, n, "seed")) != NULL && e->kind == INFL_SOURCE_SET && e->line == 1 &&
          !strcmp(e->value, "7"));
    CHECK((e = find(s, n, "tiers.micro.reach_rate")) != NULL && e->kind == INFL_SOURCE_SET &&
          e->line == 2 && !strcmp(e->value, "{beta: {mean: 0.3, kappa: 20}}"));
    CHECK(e != NULL && !strcmp(infl_scenario_source_describe(e, buf, sizeof buf), "--set:2"));

    /* The preset fills in what neither the scenario nor --set gives. */
    CHECK((e = find(s, n, "tiers.micro.followers")) != NULL && e->kind == INFL_SOURCE_PRESET &&
          !strcmp(e->preset, "instagram/micro") && e->preset_sources != NULL && e->value[0] == '{');
    CHECK(e != NULL && !strncmp(infl_scenario_source_describe(e, buf, sizeof buf),
                                "preset instagram/micro (", 24));
    CHECK((e = find(s, n, "tiers.micro.engagement_per_follower")) != NULL &&
          e->kind == INFL_SOURCE_PRESET);

    /* Defaults: keys no one gave. */
    CHECK((e = find(s, n, "tiers.micro.platform_fee")) != NULL && e->kind == INFL_SOURCE_DEFAULT &&
          !strcmp(e->value, "0") && e->origin == NULL);
    CHECK(e != NULL && !strcmp(infl_scenario_source_describe(e, buf, sizeof buf), "default"));
    CHECK((e = find(s, n, "hiring.max_skips")) != NULL && e->kind == INFL_SOURCE_DEFAULT);
    CHECK((e = find(s, n, "market.wom_purchase_factor")) != NULL && e->kind == INFL_SOURCE_DEFAULT);

    /* A roster creator: its own keys, and its tier's (the preset, --set). */
    CHECK((e = find(s, n, "roster.anna.followers")) != NULL && e->kind == INFL_SOURCE_FILE &&
          e->line == 15 && e->via == NULL);
    CHECK((e = find(s, n, "roster.anna.real_share")) != NULL && e->kind == INFL_SOURCE_PRESET &&
          e->via != NULL && !strcmp(e->via, "tiers.micro"));
    CHECK((e = find(s, n, "roster.anna.reach_rate")) != NULL && e->kind == INFL_SOURCE_SET &&
          e->line == 2);
    CHECK((e = find(s, n, "roster.anna.interest_share")) != NULL && e->kind == INFL_SOURCE_FILE &&
          e->line == 11);
    CHECK(e != NULL && !strcmp(infl_scenario_source_describe(e, buf, sizeof buf),
                               "s.yaml:11 (from tiers.micro)"));
    CHECK((e = find(s, n, "roster.anna.platform_fee")) != NULL && e->kind == INFL_SOURCE_DEFAULT);
    infl_scenario_sources_free(s, n);

    /* A derived scenario's sources count its base's overrides first. */
    infl_scenario *d = NULL;
    const char *more[] = {"budget=9000"};
    CHECK(infl_scenario_derive(sc, more, 1, &d, &err) == INFL_OK);
    if (d != NULL && infl_scenario_sources(d, &s, &n, &err) == INFL_OK) {
        CHECK((e = find(s, n, "budget")) != NULL && e->kind == INFL_SOURCE_SET && e->line == 3);
        infl_scenario_sources_free(s, n);
    }
    infl_scenario_free(d);
    infl_scenario_free(sc);
    infl_error_destroy(&err);
    return check_exit();
}
