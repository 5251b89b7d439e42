/*
 * test_preset_load.c — a tier's `preset:` in a scenario: the preset fills in
 * what the tier does not give, the scenario's keys (and --set's) win, an
 * unknown preset is refused with a suggestion, and the resolved scenario
 * (every key written out) loads back to itself.
 */
#include "check.h"
#include "run_text.h"

#include "influsim/scenario.h"
#include "scenario/preset.h"

static const char *BASE =
    "name: presets\n"
    "trials: 400\n"
    "budget: 20000\n"
    "regions: [{name: home, shippable: true}, {name: away, shippable: false}]\n"
    "product: {price: 40, unit_cost: 10}\n"
    "market: {purchase_rate: 0.02}\n"
    "tiers:\n"
    "  micro:\n"
    "    preset: instagram/micro\n"
    "    audience: [0.7, 0.3]\n"
    "    interest_share: 0.2\n"
    "strategies: [{name: all-micro, allocation: {micro: 1}}]\n";

static infl_scenario *load(const char *text, const char *const *sets, size_t n, infl_error *err)
{
    infl_scenario *sc = NULL;
    infl_error_clear(err);
    infl_scenario_load_text(text, strlen(text), "p.yaml", sets, n, &sc, err);
    return sc;
}

/* The resolved text's value of `key` under the first tier, as written. */
static void value_of(const char *yaml, const char *key, char *out, size_t size)
{
    const char *t = strstr(yaml, "\ntiers:\n");
    out[0] = '\0';
    if (t == NULL)
        return;
    char want[64];
    snprintf(want, sizeof want, "\n    %s: ", key);
    const char *v = strstr(t, want);
    if (v == NULL)
        return;
    v += strlen(want);
    size_t n = strcspn(v, "\n");
    if (n >= size)
        n = size - 1;
    memcpy(out, v, n);
    out[n] = '\0';
}

int main(void)
{
    infl_error err;
    infl_error_init(&err);

    /* Every preset fills in a tier that gives only the brand's keys, and the
     * scenario validates and runs. */
    for (size_t i = 0; i < infl__preset_count(); i++) {
        const char *name = infl__preset_at(i)->name;
        char set[128];
        snprintf(set, sizeof set, "tiers.micro.preset=%s", name);
        const char *sets[] = {set};
        infl_scenario *sc = load(BASE, sets, 1, &err);
        CHECK(sc != NULL);
        if (sc == NULL) {
            fprintf(stderr, "%s: %s\n", name, infl_error_message(&err));
            continue;
        }
        infl_trials *tr = run_text(BASE, sets, 1);
        CHECK(tr != NULL);
        infl_trials_free(tr);
        /* The resolved scenario writes the preset's keys out and loads back
         * to the very same text. */
        char *once = infl_scenario_resolved_yaml(sc);
        CHECK(once != NULL && strstr(once, "preset:") == NULL);
        infl_scenario *again = once ? load(once, NULL, 0, &err) : NULL;
        CHECK(again != NULL);
        char *twice = again ? infl_scenario_resolved_yaml(again) : NULL;
        CHECK(twice != NULL && once != NULL && strcmp(once, twice) == 0);
        free(once);
        free(twice);
        infl_scenario_free(again);
        infl_scenario_free(sc);
    }

    /* The preset's value where the tier gives none; the tier's own where it
     * does, also in the other form (engagement_rate replaces the preset's
     * engagement_per_follower, price_per_1k_followers its price). */
    infl_scenario *sc = load(BASE, NULL, 0, &err);
    CHECK(sc != NULL);
    char *text = sc ? infl_scenario_resolved_yaml(sc) : NULL;
    char got[256];
    value_of(text ? text : "", "followers", got, sizeof got);
    CHECK(got[0] == '{'); /* a distribution from the preset */
    free(text);
    infl_scenario_free(sc);
    const char *own[] = {"tiers.micro.engagement_rate=0.05",
                         "tiers.micro.price_per_1k_followers=12", "tiers.micro.followers=20000"};
    sc = load(BASE, own, 3, &err);
    CHECK(sc != NULL);
    text = sc ? infl_scenario_resolved_yaml(sc) : NULL;
    value_of(text ? text : "", "engagement_rate", got, sizeof got);
    CHECK(strcmp(got, "0.05") == 0);
    value_of(text ? text : "", "price_per_1k_followers", got, sizeof got);
    CHECK(strcmp(got, "12") == 0);
    value_of(text ? text : "", "followers", got, sizeof got);
    CHECK(strcmp(got, "20000") == 0);
    CHECK(text != NULL && strstr(text, "engagement_per_follower") == NULL);
    CHECK(text != NULL && strstr(text, "\n    price: ") == NULL);
    free(text);
    infl_scenario_free(sc);

    /* An unknown preset: refused, with the closest name. */
    const char *typo[] = {"tiers.micro.preset=instagram/mikro"};
    sc = load(BASE, typo, 1, &err);
    CHECK(sc == NULL);
    CHECK_CONTAINS(infl_error_message(&err), "tiers.micro.preset: no preset of that name");
    CHECK_CONTAINS(infl_error_message(&err), "did you mean 'instagram/micro'");
    const char *far[] = {"tiers.micro.preset=myspace/giga"};
    sc = load(BASE, far, 1, &err);
    CHECK(sc == NULL);
    CHECK_CONTAINS(infl_error_message(&err), "the presets are: ");
    /* A platform and a tier that exist, but not together: no "did you mean
     * tiktok/micro", the platform's presets instead. */
    const char *none[] = {"tiers.micro.preset=TikTok/macro"};
    sc = load(BASE, none, 1, &err);
    CHECK(sc == NULL);
    CHECK_CONTAINS(infl_error_message(&err),
                   "tiers.micro.preset: no published figures for TikTok/macro creators, so there "
                   "is no such preset; the TikTok presets are: tiktok/nano, tiktok/micro, "
                   "tiktok/mid (docs/presets.md)");
    CHECK(strstr(infl_error_message(&err), "did you mean") == NULL);

    /* A preset without the brand's keys is still refused for them. */
    const char *bare = "name: bare\nbudget: 1000\nregions: [{name: home, shippable: true}]\n"
                       "product: {price: 40, unit_cost: 10}\nmarket: {purchase_rate: 0.02}\n"
                       "tiers: {micro: {preset: instagram/micro}}\n"
                       "strategies: [{name: a, allocation: {micro: 1}}]\n";
    sc = load(bare, NULL, 0, &err);
    CHECK(sc == NULL);
    CHECK_CONTAINS(infl_error_message(&err), "tiers.micro.audience: required key is missing");
    CHECK_CONTAINS(infl_error_message(&err), "tiers.micro.interest_share: required key is missing");

    infl_error_destroy(&err);
    return check_exit();
}
