/*
 * A roster of named creators at the scenario level (docs/model.md, "Named
 * creators"):
 *  1. every bad input is refused with one message that names the key path
 *     and the line, and suggests the fix where one is close (handles equal
 *     once case and '@' are ignored, an unknown tier, a key neither the
 *     creator nor its tier gives, a hire of an unknown handle or of one
 *     handle twice, a hire without a roster, an unknown country code, an
 *     audience by country over 1 or without regions that list countries, a
 *     code in two regions, two `rest` regions, a strategy with neither hire
 *     nor allocation, handles with spaces, commas, dots or nothing; a
 *     handle with two leading '@' is refused or found as written);
 *  2. a scenario of named creators only, without `tiers`, loads and runs;
 *  3. the resolved YAML of a roster scenario loads back to itself (a fixed
 *     point) and runs to the same trials, bit for bit;
 *  4. `--set` reaches a creator (by index; by handle once yaml_tree
 *     addresses list items by `handle`).
 */
#include "check.h"
#include "run_text.h"
#include "same_results.h"
#include "influsim/engine.h"
#include "influsim/scenario.h"

/* Line numbers matter: the messages below name them. */
static const char *BASE =
    "name: roster\n"                                                       /* 1 */
    "seed: 3\n"                                                            /* 2 */
    "trials: 300\n"                                                        /* 3 */
    "budget: 5000\n"                                                       /* 4 */
    "regions:\n"                                                           /* 5 */
    "  - {name: France, shippable: true, countries: [FR, MC]}\n"           /* 6 */
    "  - {name: Belgium, shippable: true, countries: [BE]}\n"              /* 7 */
    "  - {name: elsewhere, shippable: false, countries: rest}\n"           /* 8 */
    "product: {price: 40, unit_cost: 12}\n"                                /* 9 */
    "market: {purchase_rate: 0.02}\n"                                      /* 10 */
    "tiers:\n"                                                             /* 11 */
    "  micro:\n"                                                           /* 12 */
    "    followers: {loguniform: {min: 10000, max: 100000}}\n"             /* 13 */
    "    price: 300\n"                                                     /* 14 */
    "    reach_rate: 0.3\n"                                                /* 15 */
    "    engagement_rate: 0.05\n"                                          /* 16 */
    "    audience: [0.6, 0.1, 0.3]\n"                                      /* 17 */
    "    interest_share: 0.2\n"                                            /* 18 */
    "roster:\n"                                                            /* 19 */
    "  - {handle: \"@anna\", tier: micro, followers: 40000, price: 500,\n" /* 20 */
    "     audience: {FR: 0.5, BE: 0.1, US: 0.2}}\n"                        /* 21 */
    "  - {handle: bob, tier: micro, followers: 90000, price: 2000}\n"      /* 22 */
    "  - {handle: Cleo, tier: micro, followers: 15000, price: 4000}\n"     /* 23 */
    "strategies:\n"                                                        /* 24 */
    "  - {name: all-micro, allocation: {micro: 1}}\n"                      /* 25 */
    "  - {name: named, hire: [anna, cleo]}\n"                              /* 26 */
    "  - {name: mixed, hire: [cleo], allocation: {micro: 1}}\n";           /* 27 */

static infl_scenario *load(const char *text, const char *const *sets, size_t n_sets)
{
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    if (infl_scenario_load_text(text, strlen(text), "t.yaml", sets, n_sets, &sc, &err) != INFL_OK)
        fprintf(stderr, "load failed:\n%s", infl_error_message(&err));
    infl_error_destroy(&err);
    return sc;
}

/* A load that must fail with exactly one message, which holds each of the
 * NULL-terminated `want` (the position "t.yaml:LINE:", the key path, the
 * words of the fix). */
static void refused_once(const char *label, const char *text, const char *const *sets,
                         size_t n_sets, const char *const *want)
{
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    infl_status rc = infl_scenario_load_text(text, strlen(text), "t.yaml", sets, n_sets, &sc, &err);
    const char *msg = infl_error_message(&err);
    printf("%s: %s\n", label, msg[0] ? msg : "(no message)");
    CHECK(rc == INFL_EINVAL);
    CHECK(sc == NULL);
    if (err.count != 1) {
        check_failures++;
        fprintf(stderr, "%s: expected one message, got %zu:\n%s\n", label, err.count, msg);
    }
    for (size_t i = 0; want[i] != NULL; i++) {
        check_count++;
        if (strstr(msg, want[i]) == NULL) {
            check_failures++;
            fprintf(stderr, "%s: expected a message with \"%s\", got:\n%s\n", label, want[i], msg);
        }
    }
    infl_scenario_free(sc);
    infl_error_destroy(&err);
}

/* BASE with one replacement, refused once with each of want. */
static void refused_with(const char *label, const char *old, const char *new,
                         const char *const *want)
{
    char *text = replaced(BASE, old, new);
    refused_once(label, text, NULL, 0, want);
    free(text);
}

static void check_base_loads(void)
{
    infl_scenario *sc = load(BASE, NULL, 0);
    CHECK(sc != NULL);
    infl_scenario_free(sc);
}

static void check_handles(void)
{
    refused_with("same handle", "handle: bob", "handle: Anna",
                 (const char *[]){"t.yaml:22:", "roster.Anna", "handles must differ",
                                  "also at t.yaml:20", NULL});
    refused_with("same handle, both with @", "handle: bob", "handle: \"@ANNA\"",
                 (const char *[]){"t.yaml:22:", "handles must differ", NULL});
    const char *bad[] = {"\"an na\"", "\"a,b\"", "\"\"", "\"@\"", "\"@@anna\"", "\"x=1\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char repl[64];
        snprintf(repl, sizeof repl, "handle: %s", bad[i]);
        refused_with(
            bad[i], "handle: bob", repl,
            (const char *[]){
                "t.yaml:22:", "roster[1].handle",
                "a handle is 1-100 characters after one leading '@', without spaces, commas",
                NULL});
    }
    /* Only one leading '@' is dropped: "@@anna" is written "@anna" inside,
     * then compared with a second '@' dropped, so the creator cannot be
     * hired by the handle it was given (and "anna" finds it). Either refuse
     * such a handle, or find it by what was written and render it so that
     * it loads back to itself. */
    {
        char *at2 = replaced(BASE, "handle: bob", "handle: \"@@bo\"");
        char *hire = replaced(at2, "hire: [anna, cleo]", "hire: [anna, \"@@bo\"]");
        infl_error err;
        infl_error_init(&err);
        infl_scenario *s2 = NULL;
        infl_status rc = infl_scenario_load_text(hire, strlen(hire), "t.yaml", NULL, 0, &s2, &err);
        bool refused_handle = rc == INFL_EINVAL && strstr(infl_error_message(&err), "t.yaml:22:") &&
                              strstr(infl_error_message(&err), "handle") &&
                              !strstr(infl_error_message(&err), "hire");
        bool fixed = false;
        if (rc == INFL_OK) {
            char *y1 = infl_scenario_resolved_yaml(s2);
            infl_scenario *s3 = y1 ? load(y1, NULL, 0) : NULL;
            char *y2 = s3 ? infl_scenario_resolved_yaml(s3) : NULL;
            fixed = y1 && y2 && !strcmp(y1, y2);
            free(y1);
            free(y2);
            infl_scenario_free(s3);
        }
        if (!refused_handle && !fixed)
            fprintf(stderr,
                    "handle \"@@bo\", hire [\"@@bo\"]: neither refused at the handle nor "
                    "a fixed point:\n%s\n",
                    infl_error_message(&err));
        CHECK(refused_handle || fixed);
        infl_scenario_free(s2);
        infl_error_destroy(&err);
        free(at2);
        free(hire);
    }
    /* The same creator with '@' or other case in a hire list: found. */
    char *text = replaced(BASE, "hire: [anna, cleo]", "hire: [\"@Anna\", CLEO]");
    infl_scenario *sc = load(text, NULL, 0);
    CHECK(sc != NULL);
    infl_scenario_free(sc);
    free(text);
}

static void check_creator_keys(void)
{
    refused_with("unknown tier", "handle: bob, tier: micro", "handle: bob, tier: micr",
                 (const char *[]){"t.yaml:22:", "roster.bob.tier", "did you mean 'micro'?",
                                  "(got micr)", NULL});
    /* Without a tier, every required key is the creator's own. */
    refused_with("missing key", "{handle: bob, tier: micro, followers: 90000, price: 2000}",
                 "{handle: bob, followers: 90000, price: 2000, engagement_rate: 0.05,\n"
                 "     audience: [0.6, 0.1, 0.3], interest_share: 0.2}",
                 (const char *[]){"t.yaml:22:", "roster.bob.reach_rate",
                                  "required key is missing (give it, or a `tier` that has it)",
                                  NULL});
    /* ... and with all of them it loads. */
    char *text = replaced(BASE, "{handle: bob, tier: micro, followers: 90000, price: 2000}",
                          "{handle: bob, followers: 90000, price: 2000, engagement_rate: 0.05,\n"
                          "     reach_rate: 0.3, audience: [0.6, 0.1, 0.3], interest_share: 0.2}");
    infl_scenario *sc = load(text, NULL, 0);
    CHECK(sc != NULL);
    infl_scenario_free(sc);
    free(text);
    refused_with(
        "unknown creator key", "followers: 90000", "follower: 90000",
        (const char *[]){"t.yaml:22:", "roster.bob.follower", "did you mean 'followers'?", NULL});
}

static void check_hire_lists(void)
{
    refused_with("unknown handle", "hire: [anna, cleo]", "hire: [anna, clea]",
                 (const char *[]){"t.yaml:26:", "strategies[1].hire[1]",
                                  "no creator of that handle in the roster; did you mean 'Cleo'?",
                                  "(got clea)", NULL});
    /* Handles compare without case, so the suggestion should too: "clea"
     * is one letter from "cleo" (two from "Cleo" as written). */
    refused_with(
        "unknown handle, same case", "hire: [anna, cleo]", "hire: [anna, Clea]",
        (const char *[]){"t.yaml:26:", "strategies[1].hire[1]", "did you mean 'Cleo'?", NULL});
    refused_with("handle twice", "hire: [anna, cleo]", "hire: [anna, cleo, \"@ANNA\"]",
                 (const char *[]){"t.yaml:26:", "strategies[1].hire[2]", "listed twice", NULL});
    refused_with("empty hire list", "hire: [anna, cleo]", "hire: []",
                 (const char *[]){"t.yaml:26:", "strategies[1].hire", "at least one handle", NULL});
    /* No roster at all: the one strategy that hires by name is told so. */
    char *cut = replaced(BASE, "roster:\n", "");
    char *a = replaced(cut,
                       "  - {handle: \"@anna\", tier: micro, followers: 40000, price: 500,\n"
                       "     audience: {FR: 0.5, BE: 0.1, US: 0.2}}\n",
                       "");
    char *b = replaced(a, "  - {handle: bob, tier: micro, followers: 90000, price: 2000}\n", "");
    char *c = replaced(b, "  - {handle: Cleo, tier: micro, followers: 15000, price: 4000}\n", "");
    char *d = replaced(c, "  - {name: mixed, hire: [cleo], allocation: {micro: 1}}\n", "");
    /* strategies now start at line 20: all-micro 20, named 21. */
    refused_once("hire without a roster", d, NULL, 0,
                 (const char *[]){"t.yaml:21:", "strategies[1].hire", "needs a roster", NULL});
    free(cut);
    free(a);
    free(b);
    free(c);
    free(d);
    /* Neither a hire list nor an allocation: the message names the key that
     * is missing. (It could also name `hire`, the other way to spend; the
     * loader asks for the allocation only.) */
    refused_with("neither hire nor allocation", "{name: named, hire: [anna, cleo]}",
                 "{name: named}",
                 (const char *[]){"t.yaml:26:", "strategies[1].allocation",
                                  "required key is missing", NULL});
}

static void check_countries(void)
{
    refused_with("unknown code in an audience", "{FR: 0.5, BE: 0.1, US: 0.2}",
                 "{FR: 0.5, UK: 0.1, US: 0.2}",
                 (const char *[]){"t.yaml:21:", "roster.anna.audience.UK",
                                  "not an ISO 3166-1 alpha-2 country code; did you mean GB", NULL});
    refused_with("unknown code in a region", "countries: [BE]", "countries: [UK]",
                 (const char *[]){"t.yaml:7:", "regions[1].countries[0]", "did you mean GB", NULL});
    refused_with(
        "audience over 1", "{FR: 0.5, BE: 0.1, US: 0.2}", "{FR: 0.7, BE: 0.2, US: 0.2}",
        (const char *[]){"t.yaml:21:", "roster.anna.audience", "sum to 1.1, more than 1", NULL});
    /* Within half a percent of 1 (rounded percentages): accepted. */
    char *text = replaced(BASE, "{FR: 0.5, BE: 0.1, US: 0.2}", "{FR: 0.503, BE: 0.3, US: 0.2}");
    infl_scenario *sc = load(text, NULL, 0);
    CHECK(sc != NULL);
    infl_scenario_free(sc);
    free(text);
    refused_with("a percent as a share", "{FR: 0.5, BE: 0.1, US: 0.2}",
                 "{FR: 50, BE: 0.1, US: 0.2}",
                 (const char *[]){"t.yaml:21:", "roster.anna.audience.FR", NULL});
    char *a = replaced(BASE, ", countries: [FR, MC]", "");
    char *b = replaced(a, ", countries: [BE]", "");
    char *c = replaced(b, ", countries: rest", "");
    refused_once("audience by country without countries", c, NULL, 0,
                 (const char *[]){"t.yaml:21:", "roster.anna.audience",
                                  "needs regions that say which countries they cover", NULL});
    free(a);
    free(b);
    free(c);
    refused_with("code in two regions", "countries: [BE]", "countries: [BE, FR]",
                 (const char *[]){"t.yaml:7:", "regions[1].countries[1]",
                                  "FR is already in regions[0] (France)", NULL});
    refused_with(
        "code twice in a region", "countries: [BE]", "countries: [BE, be]",
        (const char *[]){"t.yaml:7:", "regions[1].countries[1]", "BE is listed twice", NULL});
    refused_with("two rest regions", "countries: [BE]", "countries: rest",
                 (const char *[]){"t.yaml:8:", "regions[2].countries",
                                  "only one region may take the rest (regions[1] does)", NULL});
    refused_with("code twice in an audience", "{FR: 0.5, BE: 0.1, US: 0.2}",
                 "{FR: 0.5, BE: 0.1, fr: 0.2}",
                 (const char *[]){"t.yaml:21:", "roster.anna.audience", "FR is given twice", NULL});
}

/* Named creators only: no tiers, no allocation. */
static const char *ONLY_NAMED = "name: only-named\n"
                                "seed: 5\n"
                                "trials: 300\n"
                                "budget: 1000\n"
                                "regions: [{name: home, shippable: true}]\n"
                                "product: {price: 40, unit_cost: 12}\n"
                                "market: {purchase_rate: 0.02}\n"
                                "roster:\n"
                                "  - {handle: a, followers: 20000, price: 400, reach_rate: 0.3,\n"
                                "     engagement_rate: 0.05, audience: [1], interest_share: 0.2}\n"
                                "  - {handle: b, followers: 30000, price: 500, reach_rate: 0.3,\n"
                                "     engagement_rate: 0.05, audience: [1], interest_share: 0.2}\n"
                                "strategies: [{name: s, hire: [a, b]}, {name: t, hire: [b]}]\n";

static void check_roster_only(void)
{
    infl_trials *tr = run_text(ONLY_NAMED, NULL, 0);
    CHECK(tr != NULL);
    if (tr == NULL)
        return;
    bool exact = true;
    for (uint64_t t = 0; t < tr->n_trials; t++) {
        exact &= col(tr, 0, "named_hires")[t] == 2 && col(tr, 0, "spend")[t] == 900;
        exact &= col(tr, 0, "spend_named")[t] == 900 && col(tr, 0, "unspent")[t] == 100;
        exact &= col(tr, 1, "named_hires")[t] == 1 && col(tr, 1, "spend")[t] == 500;
        exact &= col(tr, 0, "named_unhired")[t] == 0 && col(tr, 0, "hires")[t] == 2;
    }
    CHECK(exact);
    double conv = 0;
    for (uint64_t t = 0; t < tr->n_trials; t++)
        conv += col(tr, 0, "conversions")[t];
    CHECK(conv > 0);
    /* No tier, so no tier metrics; audience by region, so no unknown. */
    CHECK(infl_trials_metric_index(tr, "engagements_unknown") == (size_t)-1);
    infl_trials_free(tr);
    /* Without a roster, `tiers` is still required. */
    char *text = replaced(ONLY_NAMED, "roster:\n", "rosters:\n");
    printf("expected to fail (no roster, no tiers):\n");
    infl_scenario *sc = load(text, NULL, 0);
    CHECK(sc == NULL);
    infl_scenario_free(sc);
    free(text);
}

/* The resolved YAML loads back to the same resolved YAML and the same
 * trials: BASE has a tier that fills in creators, an audience by country,
 * a rest region; LOADED adds a Dirichlet tier audience and a distribution. */
static void check_fixed_point(const char *label, const char *text, const char *const *sets,
                              size_t n_sets)
{
    infl_scenario *a = load(text, sets, n_sets);
    CHECK(a != NULL);
    if (a == NULL)
        return;
    char *ya = infl_scenario_resolved_yaml(a);
    infl_scenario *b = ya ? load(ya, NULL, 0) : NULL;
    CHECK(b != NULL);
    char *yb = b ? infl_scenario_resolved_yaml(b) : NULL;
    CHECK(ya != NULL && yb != NULL && strcmp(ya, yb) == 0);
    if (ya != NULL && yb != NULL && strcmp(ya, yb) != 0)
        fprintf(stderr, "%s: resolved YAML differs after loading back:\n%s\n----\n%s\n", label, ya,
                yb);
    if (b != NULL) {
        infl_error err;
        infl_error_init(&err);
        infl_trials *ta = NULL, *tb = NULL;
        infl_run_options opt = {.threads = 2};
        CHECK(infl_engine_run(a, &opt, &ta, NULL, NULL, &err) == INFL_OK);
        CHECK(infl_engine_run(b, &opt, &tb, NULL, NULL, &err) == INFL_OK);
        CHECK(ta != NULL && tb != NULL && ta->n_metrics == tb->n_metrics);
        CHECK(same_trials(ta, tb));
        printf("%s: resolved YAML is a fixed point (%zu bytes), trials identical: %s\n", label,
               strlen(ya), same_trials(ta, tb) ? "yes" : "no");
        infl_trials_free(ta);
        infl_trials_free(tb);
        infl_error_destroy(&err);
    }
    free(ya);
    free(yb);
    infl_scenario_free(a);
    infl_scenario_free(b);
}

static void check_resolved(void)
{
    check_fixed_point("base", BASE, NULL, 0);
    check_fixed_point("roster only", ONLY_NAMED, NULL, 0);
    /* Distributions on creators, a Dirichlet tier audience, an `other`
     * country share, a platform label, engagement per follower, overlap. */
    const char *sets[] = {
        "roster[1]={handle: bob, tier: micro, platform: instagram, followers: 90000,"
        " price: {loguniform: {min: 1500, max: 2500}}, real_share: {beta: {mean: 0.8, kappa: 40}},"
        " engagement_per_follower: {beta: {mean: 0.02, kappa: 50}},"
        " audience: {FR: 0.3, other: 0.5}}",
        "tiers.micro.audience={dirichlet: {mean: [0.6, 0.1, 0.3], kappa: 50}}",
        "market.addressable=200000",
        "strategies[1].hire=[bob, anna, cleo]",
    };
    check_fixed_point("distributions", BASE, sets, sizeof sets / sizeof sets[0]);
    /* The resolved text keeps the hire order, the `other` token, the label. */
    infl_scenario *sc = load(BASE, sets, sizeof sets / sizeof sets[0]);
    char *y = sc ? infl_scenario_resolved_yaml(sc) : NULL;
    CHECK(y != NULL);
    if (y != NULL) {
        CHECK_CONTAINS(y, "hire: [\"bob\", \"anna\", \"Cleo\"]");
        CHECK_CONTAINS(y, "other: 0.5");
        CHECK_CONTAINS(y, "platform: \"instagram\"");
        CHECK_CONTAINS(y, "countries: rest");
    }
    free(y);
    infl_scenario_free(sc);
}

static void check_set(void)
{
    /* By index: bob (2000) becomes 900; anna, bob, cleo = 500 + 900 + 4000 > 5000,
     * so with [anna, bob, cleo] cleo does not fit, and spend_named is 1400. */
    const char *by_index[] = {"roster[1].price=900", "strategies[1].hire=[anna, bob, cleo]"};
    infl_trials *tr = run_text(BASE, by_index, 2);
    CHECK(tr != NULL);
    if (tr != NULL) {
        CHECK_NEAR(col(tr, 1, "spend_named")[0], 1400.0, 1e-9);
        CHECK_INT(col(tr, 1, "named_unhired")[0], 1);
        infl_trials_free(tr);
    }
    /* By handle. yaml_tree on this branch addresses list items by `name`
     * only; the import helper is adding `handle`. Until then the set is
     * refused (an EARG about the list), and the check is skipped. */
    const char *by_handle[] = {"roster.bob.price=900", "strategies[1].hire=[anna, bob, cleo]"};
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    infl_status rc = infl_scenario_load_text(BASE, strlen(BASE), "t.yaml", by_handle, 2, &sc, &err);
    if (rc == INFL_EARG && strstr(infl_error_message(&err), "cannot set 'bob' inside") != NULL) {
        printf("skipped: --set roster.bob.price (list items by handle not on this branch)\n");
    } else {
        CHECK(rc == INFL_OK);
        infl_trials *th = NULL;
        if (sc != NULL && infl_engine_run(sc, &(infl_run_options){.threads = 2}, &th, NULL, NULL,
                                          &err) == INFL_OK) {
            CHECK_NEAR(col(th, 1, "spend_named")[0], 1400.0, 1e-9);
            CHECK_INT(col(th, 1, "named_unhired")[0], 1);
        } else {
            check_failures++;
            fprintf(stderr, "--set roster.bob.price=900: %s\n", infl_error_message(&err));
        }
        infl_trials_free(th);
    }
    infl_scenario_free(sc);
    infl_error_destroy(&err);
    /* A bad value through --set points at the --set and the creator's path. */
    refused_once("bad --set", BASE, (const char *[]){"roster[1].price=-3"}, 1,
                 (const char *[]){"--set:1:", "roster.bob.price", NULL});
}

int main(void)
{
    check_base_loads();
    check_handles();
    check_creator_keys();
    check_hire_lists();
    check_countries();
    check_roster_only();
    check_resolved();
    check_set();
    return check_exit();
}
