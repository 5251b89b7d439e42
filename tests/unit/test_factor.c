/*
 * test_factor.c — the factors of a sensitivity study (influsim/factor.h) and
 * the scenario's parameters they come from (infl_scenario_parameters): the
 * spec forms, every refusal's message, the ±P % assumptions of the French
 * brand (count, ranges, clipping), that every value and every corner of
 * their box loads, the domains against the loader, value/override round
 * trips, and a --set of one parameter of a preset's distribution.
 */
#include "check.h"

#include "influsim/factor.h"
#include "influsim/scenario.h"
#include "scenario/range.h"

#include <float.h>

/* A scenario of experiments/ (the French brand default: french-brand.yaml). */
static infl_scenario *experiment(const char *file)
{
    const char *dir = getenv("INFLUSIM_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/experiments/%s", dir ? dir : "..", file);
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    infl_scenario_load_file(path, NULL, 0, &sc, &err);
    if (sc == NULL)
        fprintf(stderr, "%s: %s\n", path, infl_error_message(&err));
    infl_error_destroy(&err);
    return sc;
}

static infl_scenario *text(const char *yaml, const char *const *sets, size_t n)
{
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    infl_scenario_load_text(yaml, strlen(yaml), "t.yaml", sets, n, &sc, &err);
    if (sc == NULL && n == 0)
        fprintf(stderr, "t.yaml: %s\n", infl_error_message(&err));
    infl_error_destroy(&err);
    return sc;
}

/* Whether sc with the overrides loads (derive). */
static bool loads(const infl_scenario *sc, const char *const *sets, size_t n, char *why,
                  size_t size)
{
    infl_error err;
    infl_error_init(&err);
    infl_scenario *d = NULL;
    infl_scenario_derive(sc, sets, n, &d, &err);
    if (why != NULL)
        snprintf(why, size, "%s", infl_error_message(&err));
    infl_error_destroy(&err);
    bool ok = d != NULL;
    infl_scenario_free(d);
    return ok;
}

/* The message of parsing spec against sc into list (which it leaves as is). */
static void refused(const infl_scenario *sc, infl_factor_list *list, const char *spec,
                    const char *want)
{
    infl_error err;
    infl_error_init(&err);
    size_t before = list->n;
    infl_status rc = infl_factor_parse(sc, spec, list, &err);
    CHECK_INT(rc, INFL_EARG);
    CHECK_INT(list->n, before);
    const char *got = infl_error_message(&err);
    if (strcmp(got, want) != 0) {
        check_failures++;
        fprintf(stderr, "message of %s:\n  got:    %s  wanted: %s\n", spec, got, want);
    }
    check_count++;
    infl_error_destroy(&err);
}

static const infl_factor *factor_of(const infl_factor_list *l, const char *key)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->items[i].key, key))
            return &l->items[i];
    return NULL;
}

static void test_parse(const infl_scenario *sc)
{
    infl_error err;
    infl_error_init(&err);
    infl_factor_list list = {0};
    CHECK_INT(infl_factor_parse(sc, "tiers.micro.reach_rate.beta.mean=0.2:0.5", &list, &err),
              INFL_OK);
    CHECK_INT(infl_factor_parse(sc, "product.price=60:240:log", &list, &err), INFL_OK);
    CHECK_INT(infl_factor_parse(sc, "hiring.max_skips=5:50", &list, &err), INFL_OK);
    CHECK_INT(list.n, 3);
    if (list.n == 3) {
        const infl_factor *f = &list.items[0];
        CHECK(!strcmp(f->key, "tiers.micro.reach_rate.beta.mean"));
        CHECK(!strcmp(f->label, "micro reach rate (mean)"));
        CHECK(f->lo == 0.2 && f->hi == 0.5 && f->base == 0.35);
        CHECK(f->scale == INFL_FACTOR_LINEAR && !f->integer);
        f = &list.items[1];
        CHECK(!strcmp(f->label, "product price") && f->scale == INFL_FACTOR_LOG);
        CHECK(f->base == 120);
        CHECK(list.items[2].integer);
    }

    refused(sc, &list, "budget", "factor budget: expected KEY=LO:HI or KEY=LO:HI:log\n");
    refused(sc, &list, "budget=1000",
            "factor budget=1000: expected KEY=LO:HI or KEY=LO:HI:log (got \"1000\" after '=')\n");
    refused(sc, &list, "budget=1:2:lin",
            "factor budget=1:2:lin: expected KEY=LO:HI or KEY=LO:HI:log (got \"1:2:lin\" after "
            "'=')\n");
    refused(sc, &list, "budget=abc:2", "factor budget=abc:2: LO is not a number (got \"abc\")\n");
    refused(sc, &list, "budget=1:", "factor budget=1:: HI is not a number (got \"\")\n");
    refused(sc, &list, "budget=nan:2", "factor budget=nan:2: LO and HI must be finite numbers\n");
    refused(sc, &list, "budget=1:inf", "factor budget=1:inf: LO and HI must be finite numbers\n");
    refused(sc, &list, "tiers.micro.reach_rat.beta.mean=0.1:0.2",
            "factor tiers.micro.reach_rat.beta.mean=0.1:0.2: unknown key "
            "tiers.micro.reach_rat.beta.mean; did you mean 'tiers.micro.reach_rate.beta.mean'?\n");
    refused(sc, &list, "colour=1:2",
            "factor colour=1:2: unknown key colour (`influsim check --sources` lists the "
            "scenario's keys)\n");
    refused(sc, &list, "tiers.micro.reach_rate=0.1:0.2",
            "factor tiers.micro.reach_rate=0.1:0.2: tiers.micro.reach_rate is a distribution; a "
            "factor is one of its parameters: tiers.micro.reach_rate.beta.mean, "
            "tiers.micro.reach_rate.beta.kappa\n");
    refused(sc, &list, "seed=1:5",
            "factor seed=1:5: seed is structural, not a factor: every run of a study shares it\n");
    refused(sc, &list, "trials=100:200",
            "factor trials=100:200: trials is structural, not a factor: every run of a study "
            "shares it\n");
    refused(sc, &list, "strategies[0].allocation.micro=0:1",
            "factor strategies[0].allocation.micro=0:1: strategies[0].allocation.micro: the "
            "strategies are what a study compares, not a factor\n");
    refused(sc, &list, "tiers.micro.audience.dirichlet.mean[0]=0.4:0.6",
            "factor tiers.micro.audience.dirichlet.mean[0]=0.4:0.6: "
            "tiers.micro.audience.dirichlet.mean[0]: the audience's shares sum to 1, so one "
            "cannot vary alone (its kappa, tiers.<tier>.audience.dirichlet.kappa, can)\n");
    refused(sc, &list, "hiring.rule=0:1",
            "factor hiring.rule=0:1: hiring.rule is not a numeric key\n");
    refused(sc, &list, "currency=0:1", "factor currency=0:1: currency is not a numeric key\n");
    refused(sc, &list, "product.price=100:200",
            "factor product.price=100:200: product.price is already a factor\n");
    refused(sc, &list, "budget=5000:5000",
            "factor budget=5000:5000: LO must be less than HI (got 5000:5000)\n");
    refused(sc, &list, "budget=9000:5000",
            "factor budget=9000:5000: LO must be less than HI (got 9000:5000)\n");
    refused(sc, &list, "budget=0:5000:log",
            "factor budget=0:5000:log: a log scale needs LO > 0 (got 0)\n");
    refused(sc, &list, "product.unit_cost=0:50",
            "factor product.unit_cost=0:50: 0 is outside product.unit_cost's valid values (0, "
            "inf) (with the other parameters at the scenario's values)\n");
    refused(sc, &list, "tiers.micro.gifted_share=0:1.5",
            "factor tiers.micro.gifted_share=0:1.5: 1.5 is outside tiers.micro.gifted_share's "
            "valid values [0, 1] (with the other parameters at the scenario's values)\n");
    refused(sc, &list, "tiers.macro.reach_rate.beta.mean=0.1:1",
            "factor tiers.macro.reach_rate.beta.mean=0.1:1: 1 is outside "
            "tiers.macro.reach_rate.beta.mean's valid values [0.019375, 0.999975] (with the "
            "other parameters at the scenario's values)\n");
    /* A min above the scenario's max: the domain says where the max is. */
    refused(sc, &list, "tiers.micro.platform_fee.uniform.min=0.1:0.35",
            "factor tiers.micro.platform_fee.uniform.min=0.1:0.35: 0.35 is outside "
            "tiers.micro.platform_fee.uniform.min's valid values [0, 0.3] (with the other "
            "parameters at the scenario's values)\n");
    refused(sc, &list, "hiring.max_skips=5:50",
            "factor hiring.max_skips=5:50: hiring.max_skips is already a factor\n");
    infl_factor_list empty = {0};
    refused(sc, &empty, "hiring.max_skips=1.5:50",
            "factor hiring.max_skips=1.5:50: hiring.max_skips takes whole numbers; LO and HI "
            "must be whole\n");
    refused(sc, &empty, "hiring.max_skips=1:200000",
            "factor hiring.max_skips=1:200000: 200000 is outside hiring.max_skips's valid values "
            "[1, 100000] (with the other parameters at the scenario's values)\n");
    /* Each alone is valid, together not: a min above a max. */
    CHECK_INT(infl_factor_parse(sc, "tiers.micro.platform_fee.uniform.min=0.1:0.28", &list, &err),
              INFL_OK);
    refused(sc, &list, "tiers.micro.platform_fee.uniform.max=0.22:0.4",
            "factor tiers.micro.platform_fee.uniform.max=0.22:0.4: with the factor "
            "tiers.micro.platform_fee.uniform.min, some combinations of values give a scenario "
            "that does not load; narrow a range\n");
    CHECK_INT(infl_factor_parse(sc, "tiers.micro.platform_fee.uniform.max=0.28:0.4", &list, &err),
              INFL_OK);
    /* A tier's engagement per follower against its views: more engagements
     * than viewers, with reach and engagement both at their worst ends. */
    CHECK_INT(infl_factor_parse(sc, "tiers.micro.engagement_per_follower.beta.mean=0.01:0.09",
                                &list, &err),
              INFL_OK);
    refused(sc, &list, "tiers.micro.real_share.beta.mean=0.1:0.9",
            "factor tiers.micro.real_share.beta.mean=0.1:0.9: with the factors "
            "tiers.micro.reach_rate.beta.mean and tiers.micro.engagement_per_follower.beta.mean, "
            "some combinations of values give a scenario that does not load; narrow a range\n");
    infl_factor_list_destroy(&list);
    CHECK_INT(list.n, 0);
    infl_factor_list_destroy(&list); /* twice: an empty list */

    /* The assumptions spec forms. */
    const char *forms[] = {"assumptions", "assumptions:30%", "assumptions:±30%",
                           "assumptions:+-30%", "assumptions:30"};
    size_t first = 0;
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        CHECK_INT(infl_factor_assumptions(sc, forms[i], &list, &err), INFL_OK);
        if (i == 0)
            first = list.n;
        CHECK_INT(list.n, first);
        infl_factor_list_destroy(&list);
    }
    const char *bad[][2] = {
        {"assume", "factors assume: expected assumptions or assumptions:±P% (such as "
                   "assumptions:30%)\n"},
        {"assumptions:x%", "factors assumptions:x%: expected assumptions or assumptions:±P% "
                           "(such as assumptions:30%)\n"},
        {"assumptions;30", "factors assumptions;30: expected assumptions or assumptions:±P% "
                           "(such as assumptions:30%)\n"},
        {"assumptions:0%", "factors assumptions:0%: P must be more than 0 and at most 100 "
                           "(percent)\n"},
        {"assumptions:150%", "factors assumptions:150%: P must be more than 0 and at most 100 "
                             "(percent)\n"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        infl_error_clear(&err);
        CHECK_INT(infl_factor_assumptions(sc, bad[i][0], &list, &err), INFL_EARG);
        CHECK(!strcmp(infl_error_message(&err), bad[i][1]));
        if (strcmp(infl_error_message(&err), bad[i][1]) != 0)
            fprintf(stderr, "  got: %s", infl_error_message(&err));
        CHECK_INT(list.n, 0);
    }
    /* Keys already in the list are kept as they are. */
    CHECK_INT(infl_factor_parse(sc, "product.price=100:101", &list, &err), INFL_OK);
    CHECK_INT(infl_factor_assumptions(sc, "assumptions", &list, &err), INFL_OK);
    CHECK_INT(list.n, first);
    CHECK(list.items[0].lo == 100 && list.items[0].hi == 101);
    infl_factor_list_destroy(&list);
    /* A range given by --factor is kept even where it binds an assumption of
     * its group: the assumption gives way. */
    CHECK_INT(infl_factor_parse(sc, "tiers.micro.platform_fee.uniform.max=0.21:0.3", &list, &err),
              INFL_OK);
    CHECK_INT(infl_factor_assumptions(sc, "assumptions", &list, &err), INFL_OK);
    const infl_factor *given = factor_of(&list, "tiers.micro.platform_fee.uniform.max");
    const infl_factor *gave = factor_of(&list, "tiers.micro.platform_fee.uniform.min");
    CHECK(given != NULL && given->lo == 0.21 && given->hi == 0.3);
    CHECK(gave != NULL && gave->lo == 0.2 * (1 - 30.0 / 100) && gave->hi <= 0.21);
    CHECK_NEAR(gave ? gave->hi : 0, 0.21, 1e-12);
    infl_factor_list_destroy(&list);
    infl_error_destroy(&err);
}

/* Every assumption factor at lo and hi loads, and so do the box's corners
 * (all at lo, all at hi, alternating, and 64 pseudo-random corners). */
static void test_assumptions(const infl_scenario *sc, const char *spec, size_t *count)
{
    infl_error err;
    infl_error_init(&err);
    infl_factor_list list = {0};
    CHECK_INT(infl_factor_assumptions(sc, spec, &list, &err), INFL_OK);
    *count = list.n;
    char why[4096];
    for (size_t i = 0; i < list.n; i++) {
        const infl_factor *f = &list.items[i];
        CHECK(f->lo < f->hi && f->lo <= f->base && f->base <= f->hi);
        for (int end = 0; end < 2; end++) {
            char buf[256];
            CHECK(infl_factor_override(f, end ? f->hi : f->lo, buf, sizeof buf));
            const char *sets[] = {buf};
            bool ok = loads(sc, sets, 1, why, sizeof why);
            CHECK(ok);
            if (!ok)
                fprintf(stderr, "%s %s: %s", spec, buf, why);
        }
    }
    char(*bufs)[256] = calloc(list.n ? list.n : 1, sizeof *bufs);
    const char **sets = calloc(list.n ? list.n : 1, sizeof *sets);
    uint64_t x = 88172645463325252ull;
    for (int corner = 0; corner < 68 && bufs && sets; corner++) {
        for (size_t i = 0; i < list.n; i++) {
            bool hi;
            if (corner < 4)
                hi = corner == 0 ? false : corner == 1 ? true : (i + (size_t)corner) % 2;
            else {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                hi = x & 1;
            }
            const infl_factor *f = &list.items[i];
            infl_factor_override(f, hi ? f->hi : f->lo, bufs[i], sizeof bufs[i]);
            sets[i] = bufs[i];
        }
        bool ok = loads(sc, sets, list.n, why, sizeof why);
        CHECK(ok);
        if (!ok)
            fprintf(stderr, "%s corner %d: %s", spec, corner, why);
    }
    free(bufs);
    free(sets);
    infl_factor_list_destroy(&list);
    infl_error_destroy(&err);
}

static void test_french_assumptions(const infl_scenario *sc)
{
    infl_error err;
    infl_error_init(&err);
    infl_factor_list list = {0};
    CHECK_INT(infl_factor_assumptions(sc, "assumptions", &list, &err), INFL_OK);
    printf("French brand, assumptions at ±30 %%: %zu factors\n", list.n);
    for (size_t i = 0; i < list.n; i++)
        printf("  %-52s %-42s %.9g .. %.9g (base %.9g)\n", list.items[i].key, list.items[i].label,
               list.items[i].lo, list.items[i].hi, list.items[i].base);
    CHECK_INT(list.n, 41);
    const infl_factor *f = factor_of(&list, "tiers.micro.reach_rate.beta.mean");
    CHECK(f != NULL && f->lo == 0.35 * 0.7 && f->hi == 0.35 * 1.3);
    /* Left out: the budget, structural keys, a label, bases of 0. */
    const char *out[] = {"budget",
                         "hiring.max_skips",
                         "product.horizon_months",
                         "product.repeat_orders",
                         "tiers.macro.platform_fee",
                         "tiers.macro.gifted_share",
                         "tiers.micro.nonfollower_views"};
    for (size_t i = 0; i < sizeof out / sizeof out[0]; i++)
        CHECK(factor_of(&list, out[i]) == NULL);
    /* Clipped: a rate at 0.95 x 1.3 stays at most 1. */
    f = factor_of(&list, "tiers.macro.post_probability");
    CHECK(f != NULL && f->hi == 1.0 && f->lo == 0.95 * 0.7);
    /* A min and a max of one uniform: the max (later) starts where the min's
     * range ends, so min <= max everywhere in the box. */
    const infl_factor *mn = factor_of(&list, "tiers.micro.platform_fee.uniform.min");
    const infl_factor *mx = factor_of(&list, "tiers.micro.platform_fee.uniform.max");
    CHECK(mn != NULL && mx != NULL);
    if (mn && mx) {
        CHECK_NEAR(mn->lo, 0.14, 1e-15);
        CHECK_NEAR(mn->hi, 0.26, 1e-15);
        CHECK(mx->lo >= mn->hi);
        CHECK_NEAR(mx->lo, 0.26, 1e-6);
        CHECK_NEAR(mx->hi, 0.39, 1e-15);
    }
    infl_factor_list_destroy(&list);

    /* ±100 %: ranges down to 0, clipped strictly inside open bounds. */
    CHECK_INT(infl_factor_assumptions(sc, "assumptions:100%", &list, &err), INFL_OK);
    f = factor_of(&list, "product.price");
    CHECK(f != NULL && f->lo == 120 * 1e-9 && f->hi == 240);
    f = factor_of(&list, "tiers.micro.reach_rate.beta.mean");
    CHECK(f != NULL && f->lo > 0 && f->hi < 1);
    f = factor_of(&list, "tiers.macro.post_probability");
    CHECK(f != NULL && f->lo == 0 && f->hi == 1);
    infl_factor_list_destroy(&list);
    infl_error_destroy(&err);

    size_t n = 0;
    test_assumptions(sc, "assumptions", &n);
    test_assumptions(sc, "assumptions:60%", &n);
    test_assumptions(sc, "assumptions:100%", &n);
}

/* Each parameter's domain against the loader: its ends load where closed
 * and finite, and a value just outside is refused. */
static void test_domains(const infl_scenario *sc)
{
    infl_error err;
    infl_error_init(&err);
    infl_scenario_parameter *p = NULL;
    size_t n = 0;
    CHECK_INT(infl_scenario_parameters(sc, &p, &n, &err), INFL_OK);
    for (size_t i = 0; i < n; i++) {
        CHECK(p[i].min <= p[i].value && p[i].value <= p[i].max);
        double ends[2] = {p[i].min, p[i].max};
        bool open[2] = {p[i].min_open, p[i].max_open};
        for (int e = 0; e < 2; e++) {
            if (isinf(ends[e]))
                continue;
            char buf[256];
            double inside = open[e] ? nextafter(ends[e], p[i].value) : ends[e];
            double outside = open[e] ? ends[e] : nextafter(ends[e], e ? INFINITY : -INFINITY);
            if (p[i].integer)
                outside = ends[e] + (e ? 1 : -1);
            snprintf(buf, sizeof buf, "%s=%.17g", p[i].path, inside);
            const char *sets[] = {buf};
            char why[1024];
            bool ok = loads(sc, sets, 1, why, sizeof why);
            CHECK(ok);
            if (!ok)
                fprintf(stderr, "domain end %s: %s", buf, why);
            snprintf(buf, sizeof buf, "%s=%.17g", p[i].path, outside);
            ok = loads(sc, sets, 1, NULL, 0);
            CHECK(!ok);
            if (ok)
                fprintf(stderr, "beyond the domain, yet loads: %s\n", buf);
        }
    }
    infl_scenario_parameters_free(p, n);
    infl_error_destroy(&err);
}

/* Every distribution form, in a small scenario: parameters, labels, domains. */
static const char *FORMS =
    "name: forms\n"
    "budget: 5000\n"
    "regions: [{name: home, shippable: true}, {name: away, shippable: false}]\n"
    "product: {price: 40, unit_cost: 10, repeat_orders: {uniform: {min: 0.1, max: 0.5}}}\n"
    "market: {purchase_rate: {uniform: {min: 0.01, max: 0.03}}}\n"
    "tiers:\n"
    "  a:\n"
    "    followers: {lognormal: {median: 5000, sigma: 0.5}}\n"
    "    price_per_1k_followers: {loguniform: {min: 5, max: 20}}\n"
    "    reach_rate: {loguniform: {min: 0.1, max: 0.4}}\n"
    "    engagement_rate: {beta: {mean: 0.05, kappa: 30}}\n"
    "    audience: [0.8, 0.2]\n"
    "    interest_share: 0.1\n"
    "strategies: [{name: s, allocation: {a: 1}}]\n";

static void test_forms(void)
{
    infl_scenario *sc = text(FORMS, NULL, 0);
    CHECK(sc != NULL);
    if (sc == NULL)
        return;
    infl_error err;
    infl_error_init(&err);
    infl_scenario_parameter *p = NULL;
    size_t n = 0;
    CHECK_INT(infl_scenario_parameters(sc, &p, &n, &err), INFL_OK);
    const char *want[] = {"budget",
                          "product.price",
                          "product.unit_cost",
                          "product.repeat_orders.uniform.min",
                          "product.repeat_orders.uniform.max",
                          "product.horizon_months",
                          "hiring.max_skips",
                          "market.purchase_rate.uniform.min",
                          "market.purchase_rate.uniform.max",
                          "market.wom_purchase_factor",
                          "tiers.a.followers.lognormal.median",
                          "tiers.a.followers.lognormal.sigma",
                          "tiers.a.price_per_1k_followers.loguniform.min",
                          "tiers.a.price_per_1k_followers.loguniform.max",
                          "tiers.a.platform_fee",
                          "tiers.a.gifted_share",
                          "tiers.a.real_share",
                          "tiers.a.reach_rate.loguniform.min",
                          "tiers.a.reach_rate.loguniform.max",
                          "tiers.a.engagement_rate.beta.mean",
                          "tiers.a.engagement_rate.beta.kappa",
                          "tiers.a.interest_share",
                          "tiers.a.conversations_per_engagement",
                          "tiers.a.overhead_per_hire",
                          "tiers.a.post_probability",
                          "tiers.a.nonfollower_views"};
    CHECK_INT(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n && i < sizeof want / sizeof want[0]; i++) {
        CHECK(!strcmp(p[i].path, want[i]));
        if (strcmp(p[i].path, want[i]) != 0)
            fprintf(stderr, "  parameter %zu: %s, wanted %s\n", i, p[i].path, want[i]);
    }
    if (n == sizeof want / sizeof want[0]) {
        CHECK(!strcmp(p[11].label, "a followers (sigma)"));
        CHECK(p[11].min == 0 && !p[11].min_open && isinf(p[11].max));
        CHECK(!strcmp(p[12].label, "a price per 1k followers (min)"));
        CHECK(p[12].min == 0 && p[12].min_open && p[12].max == 20 && !p[12].max_open);
        CHECK(p[13].min == 5 && isinf(p[13].max));
        CHECK(p[18].min == 0.1 && p[18].max == 1 && !p[18].max_open); /* a rate's max */
        CHECK(p[0].assumption == false && p[1].assumption && p[6].integer);
        CHECK(p[3].group == p[4].group && p[4].group != p[7].group);
    }
    infl_scenario_parameters_free(p, n);
    infl_scenario_parameters_free(NULL, 0);
    test_domains(sc);
    size_t count = 0;
    test_assumptions(sc, "assumptions:90%", &count);
    infl_error_destroy(&err);
    infl_scenario_free(sc);
}

/* A creator that names a per-viewer tier but gives engagement per follower:
 * the tier's reach is bounded by the creator's engagement check, which the
 * loader runs on the creator with the tier's reach. */
static const char *ROSTER =
    "name: roster\n"
    "budget: 5000\n"
    "regions: [{name: home, shippable: true}]\n"
    "product: {price: 40, unit_cost: 10}\n"
    "market: {purchase_rate: 0.02}\n"
    "tiers:\n"
    "  micro: {followers: 10000, price: 100, reach_rate: {beta: {mean: 0.3, kappa: 20}},\n"
    "          engagement_rate: 0.05, audience: [1], interest_share: 0.1}\n"
    "roster: [{handle: anna, tier: micro, engagement_per_follower: 0.06}]\n"
    "strategies: [{name: s, allocation: {micro: 1}}, {name: named, hire: [anna]}]\n";

static void test_roster(void)
{
    infl_scenario *sc = text(ROSTER, NULL, 0);
    CHECK(sc != NULL);
    if (sc == NULL)
        return;
    infl_error err;
    infl_error_init(&err);
    infl_scenario_parameter *p = NULL;
    size_t n = 0;
    CHECK_INT(infl_scenario_parameters(sc, &p, &n, &err), INFL_OK);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(p[i].path, "tiers.micro.reach_rate.beta.mean"))
            CHECK_NEAR(p[i].min, 0.06, 1e-15); /* 0.06 / (real_share 1 x reach) <= 1 */
    infl_scenario_parameters_free(p, n);
    infl_factor_list list = {0};
    refused(sc, &list, "tiers.micro.reach_rate.beta.mean=0.05:0.5",
            "factor tiers.micro.reach_rate.beta.mean=0.05:0.5: 0.05 is outside "
            "tiers.micro.reach_rate.beta.mean's valid values [0.06, 0.9999499999999999] (with the "
            "other parameters at the scenario's values)\n");
    CHECK_INT(infl_factor_parse(sc, "tiers.micro.reach_rate.beta.mean=0.2:0.5", &list, &err),
              INFL_OK);
    refused(
        sc, &list, "tiers.micro.real_share=0.1:1",
        "factor tiers.micro.real_share=0.1:1: with the factor tiers.micro.reach_rate.beta.mean, "
        "some combinations of values give a scenario that does not load; narrow a range\n");
    infl_factor_list_destroy(&list);
    test_domains(sc);
    size_t count = 0;
    test_assumptions(sc, "assumptions:100%", &count);
    infl_error_destroy(&err);
    infl_scenario_free(sc);
}

static void test_value_override(void)
{
    infl_factor lin = {.key = "product.price", .lo = 0.1, .hi = 0.7, .base = 0.3};
    CHECK(infl_factor_value(&lin, 0) == 0.1 && infl_factor_value(&lin, 1) == 0.7);
    CHECK_NEAR(infl_factor_value(&lin, 0.5), 0.4, 1e-15);
    infl_factor lg = {.key = "k", .lo = 10, .hi = 1000, .scale = INFL_FACTOR_LOG};
    CHECK(infl_factor_value(&lg, 0) == 10 && infl_factor_value(&lg, 1) == 1000);
    CHECK_NEAR(infl_factor_value(&lg, 0.5), 100, 1e-12);
    infl_factor in = {.key = "hiring.max_skips", .lo = 1, .hi = 4, .integer = true};
    CHECK(infl_factor_value(&in, 0.0) == 1 && infl_factor_value(&in, 1.0) == 4);
    CHECK(infl_factor_value(&in, 0.45) == 2 && infl_factor_value(&in, 0.99) == 4);
    for (int i = 0; i <= 1000; i++) {
        double u = i / 1000.0;
        double v = infl_factor_value(&lg, u);
        CHECK(v >= 10 && v <= 1000);
        char buf[64];
        CHECK(infl_factor_override(&lin, infl_factor_value(&lin, u), buf, sizeof buf));
        CHECK(!strncmp(buf, "product.price=", 14));
        CHECK(strtod(buf + 14, NULL) == infl_factor_value(&lin, u)); /* reads back exactly */
    }
    char small[16];
    CHECK(!infl_factor_override(&lin, 0.1, small, sizeof small));
    char exact[22]; /* "product.price=0.1" and its NUL: 18 bytes */
    CHECK(infl_factor_override(&lin, 0.1, exact, 18) && !strcmp(exact, "product.price=0.1"));
    CHECK(!infl_factor_override(&lin, 0.1, exact, 17));
}

/* A --set of one parameter of a preset's distribution changes that one and
 * keeps the preset's other (a fix of the loader), and a preset tier's
 * parameters are factors like any others. */
static const char *PRESET =
    "name: preset\n"
    "budget: 20000\n"
    "regions: [{name: home, shippable: true}, {name: away, shippable: false}]\n"
    "product: {price: 40, unit_cost: 10}\n"
    "market: {purchase_rate: 0.02}\n"
    "tiers:\n"
    "  micro: {preset: instagram/micro, audience: [0.7, 0.3], interest_share: 0.2}\n"
    "strategies: [{name: all-micro, allocation: {micro: 1}}]\n";

static void test_preset(void)
{
    const char *sets[] = {"tiers.micro.reach_rate.beta.mean=0.1"};
    infl_scenario *sc = text(PRESET, sets, 1);
    CHECK(sc != NULL);
    char *yaml = sc ? infl_scenario_resolved_yaml(sc) : NULL;
    CHECK_CONTAINS(yaml, "reach_rate: {beta: {mean: 0.1, kappa: 20}}");
    free(yaml);
    infl_scenario_free(sc);
    /* The other parameter alone, and a distribution of another form. */
    const char *kappa[] = {"tiers.micro.reach_rate.beta.kappa=50"};
    sc = text(PRESET, kappa, 1);
    yaml = sc ? infl_scenario_resolved_yaml(sc) : NULL;
    CHECK_CONTAINS(yaml, "reach_rate: {beta: {mean: 0.293, kappa: 50}}");
    free(yaml);
    infl_scenario_free(sc);
    const char *other[] = {"tiers.micro.reach_rate.uniform.min=0.1"};
    sc = text(PRESET, other, 1);
    CHECK(sc == NULL); /* a uniform's max is not the preset's to give */

    sc = text(PRESET, NULL, 0);
    CHECK(sc != NULL);
    if (sc == NULL)
        return;
    infl_error err;
    infl_error_init(&err);
    infl_factor_list list = {0};
    CHECK_INT(infl_factor_parse(sc, "tiers.micro.reach_rate.beta.mean=0.1:0.4", &list, &err),
              INFL_OK);
    CHECK_INT(infl_factor_parse(sc, "tiers.micro.price.loguniform.min=50:150", &list, &err),
              INFL_OK);
    for (size_t i = 0; i < list.n; i++) {
        for (int end = 0; end < 2; end++) {
            char buf[256];
            const infl_factor *f = &list.items[i];
            infl_factor_override(f, end ? f->hi : f->lo, buf, sizeof buf);
            const char *s[] = {buf};
            char why[1024];
            bool ok = loads(sc, s, 1, why, sizeof why);
            CHECK(ok);
            if (!ok)
                fprintf(stderr, "%s: %s", buf, why);
        }
    }
    infl_factor_list_destroy(&list);
    size_t n = 0;
    test_assumptions(sc, "assumptions", &n);
    test_domains(sc);
    CHECK(n > 0);
    infl_error_destroy(&err);
    infl_scenario_free(sc);
}

/* docs/sensitivity.md, "Factors": its tables are the code's (range.c's
 * domains, the distributions' parameter rules, the French brand's
 * assumptions with their ranges). */
static char *read_doc(void)
{
    const char *dir = getenv("INFLUSIM_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/sensitivity.md", dir ? dir : "..");
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = calloc(1, 1 << 20);
    size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    (void)n;
    fclose(f);
    return buf;
}

static size_t rows_after(const char *doc, const char *heading, const char *start)
{
    const char *t = doc ? strstr(doc, heading) : NULL;
    size_t n = 0;
    if (t == NULL)
        return 0;
    const char *line = strstr(t, "\n|");
    while (line != NULL && line[1] == '|') {
        n += strncmp(line + 1, start, strlen(start)) == 0;
        line = strchr(line + 1, '\n');
    }
    return n;
}

/* A row the doc must hold; only the row is printed if it does not. */
static void doc_has(const char *doc, const char *row)
{
    check_count++;
    if (strstr(doc, row) == NULL) {
        check_failures++;
        fprintf(stderr, "docs/sensitivity.md lacks the row%s", row);
    }
}

static void test_docs(const infl_scenario *sc)
{
    char *doc = read_doc();
    CHECK(doc != NULL);
    if (doc == NULL)
        return;
    char row[1024];
    for (size_t i = 0; i < infl__key_domain_count(); i++) {
        const infl__key_domain *d = infl__key_domain_at(i);
        snprintf(row, sizeof row, "\n| `%s` | %s | %s | %s | %s |\n", d->key, d->range.text,
                 d->integer ? "whole number"
                 : d->dist  ? "constant or distribution"
                            : "number",
                 d->assumption ? "yes" : "no", d->note);
        doc_has(doc, row);
    }
    CHECK_INT(rows_after(doc, "### Valid values of each key", "| `"), infl__key_domain_count());
    const infl_dist_kind kinds[] = {INFL_DIST_BETA, INFL_DIST_LOGNORMAL, INFL_DIST_LOGUNIFORM,
                                    INFL_DIST_UNIFORM};
    for (size_t k = 0; k < 4; k++) {
        for (int w = 0; w < 2; w++) {
            infl__range r = infl__dist_param_range(kinds[k], w);
            snprintf(row, sizeof row, "\n| %s | %s | %s |", infl__dist_kind_name(kinds[k]),
                     infl__dist_param_name(kinds[k], w), r.text);
            doc_has(doc, row);
        }
    }
    infl_error err;
    infl_error_init(&err);
    infl_factor_list list = {0};
    CHECK_INT(infl_factor_assumptions(sc, "assumptions", &list, &err), INFL_OK);
    for (size_t i = 0; i < list.n; i++) {
        const infl_factor *f = &list.items[i];
        snprintf(row, sizeof row, "\n| `%s` | %s | %.6g | %.6g | %.6g |\n", f->key, f->label,
                 f->base, f->lo, f->hi);
        doc_has(doc, row);
    }
    CHECK_INT(rows_after(doc, "| key | label | value | lo | hi |", "| `"), list.n);
    infl_factor_list_destroy(&list);
    infl_error_destroy(&err);
    free(doc);
}

int main(void)
{
    infl_scenario *sc = experiment("french-brand.yaml");
    CHECK(sc != NULL);
    if (sc != NULL) {
        test_parse(sc);
        test_french_assumptions(sc);
        test_domains(sc);
        test_docs(sc);
    }
    infl_scenario_free(sc);
    /* Eight tiers from presets: lognormal engagement, non-follower views. */
    sc = experiment("platforms/platforms.yaml");
    CHECK(sc != NULL);
    if (sc != NULL) {
        size_t n = 0;
        test_assumptions(sc, "assumptions", &n);
        printf("experiments/platforms, assumptions at ±30 %%: %zu factors\n", n);
        test_assumptions(sc, "assumptions:100%", &n);
        test_domains(sc);
    }
    infl_scenario_free(sc);
    test_forms();
    test_roster();
    test_value_override();
    test_preset();
    return check_exit();
}
