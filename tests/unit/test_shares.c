/*
 * Unit tests of how a strategy's shares may be written: fractions, percentages
 * (30%, or plain numbers with `shares: percent`), relative weights (`shares:
 * relative`) and a/b. The same split written any of these ways gives the same
 * shares and share total, bit for bit where the arithmetic allows and so the
 * same runs; the fraction form keeps every share exactly as written (so runs of
 * existing scenarios do not change); sums off by rounding are normalised and
 * sums further off are refused with the change that fixes them; the resolved
 * YAML of every form loads back to the same numbers.
 */
#include "check.h"
#include "same_results.h"
#include "influsim/engine.h"
#include "influsim/scenario.h"
#include "scenario/scenario_internal.h"

/* Three tiers; the strategies are appended. Small enough to run quickly. */
static const char *HEAD = "name: shares\n"
                          "seed: 11\n"
                          "trials: 300\n"
                          "budget: 30000\n"
                          "regions: [{name: home, shippable: true}]\n"
                          "product: {price: 60, unit_cost: 15}\n"
                          "market: {purchase_rate: {beta: {mean: 0.02, kappa: 100}}, "
                          "addressable: 50000}\n"
                          "tiers:\n"
                          "  nano:\n"
                          "    followers: {loguniform: {min: 1000, max: 5000}}\n"
                          "    price: {lognormal: {median: 60, sigma: 0.3}}\n"
                          "    reach_rate: {beta: {mean: 0.4, kappa: 20}}\n"
                          "    engagement_rate: 0.08\n"
                          "    audience: [1]\n"
                          "    interest_share: 0.2\n"
                          "  micro:\n"
                          "    followers: {loguniform: {min: 10000, max: 50000}}\n"
                          "    price: {lognormal: {median: 300, sigma: 0.3}}\n"
                          "    reach_rate: 0.3\n"
                          "    engagement_rate: 0.05\n"
                          "    audience: [1]\n"
                          "    interest_share: 0.1\n"
                          "  macro:\n"
                          "    followers: {lognormal: {median: 500000, sigma: 0.2}}\n"
                          "    price: {uniform: {min: 3000, max: 6000}}\n"
                          "    reach_rate: 0.2\n"
                          "    engagement_rate: 0.03\n"
                          "    audience: [1]\n"
                          "    interest_share: 0.05\n"
                          "strategies:\n";

/* The scenario HEAD + `strategies` (YAML list items), or NULL with err set. */
static infl_scenario *load(const char *strategies, infl_error *err)
{
    char text[8192];
    snprintf(text, sizeof text, "%s%s", HEAD, strategies);
    infl_scenario *sc = NULL;
    infl_error_clear(err);
    infl_scenario_load_text(text, strlen(text), "s.yaml", NULL, 0, &sc, err);
    return sc;
}

/* Loads one strategy `{name: s, ...}` and returns its scenario, or NULL
 * (printing the messages) if it does not load. */
static infl_scenario *one(const char *strategy)
{
    char list[1024];
    snprintf(list, sizeof list, "  - %s\n", strategy);
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = load(list, &err);
    if (sc == NULL)
        fprintf(stderr, "did not load: %s\n%s", strategy, infl_error_message(&err));
    infl_error_destroy(&err);
    return sc;
}

/* True if strategy 0 of a and b have the very same shares and total. */
static int same_shares(const infl_scenario *a, const infl_scenario *b)
{
    return a && b && a->n_tiers == b->n_tiers &&
           memcmp(a->strategies[0].share, b->strategies[0].share, a->n_tiers * sizeof(double)) ==
               0 &&
           memcmp(&a->strategies[0].share_total, &b->strategies[0].share_total, sizeof(double)) ==
               0;
}

/* The messages of loading a strategy that must be refused. */
static const char *refused(const char *strategy, infl_error *err)
{
    char list[1024];
    snprintf(list, sizeof list, "  - %s\n", strategy);
    infl_scenario *sc = load(list, err);
    CHECK(sc == NULL);
    infl_scenario_free(sc);
    return infl_error_message(err);
}

static infl_trials *run(const infl_scenario *sc)
{
    infl_error err;
    infl_error_init(&err);
    infl_trials *tr = NULL;
    infl_run_options opt = {.threads = 2};
    infl_run_stats stats = {0};
    if (infl_engine_run(sc, &opt, &tr, NULL, &stats, &err) != INFL_OK)
        fprintf(stderr, "run failed: %s", infl_error_message(&err));
    infl_error_destroy(&err);
    return tr;
}

/* The resolved YAML of sc loads back to the same shares, and is a fixed point. */
static void check_round_trip(const infl_scenario *sc)
{
    infl_error err;
    infl_error_init(&err);
    char *once = infl_scenario_resolved_yaml(sc);
    infl_scenario *again = NULL;
    CHECK(once != NULL);
    if (once != NULL)
        infl_scenario_load_text(once, strlen(once), "resolved.yaml", NULL, 0, &again, &err);
    CHECK(again != NULL);
    if (again != NULL) {
        for (size_t s = 0; s < sc->n_strategies; s++) {
            CHECK(memcmp(sc->strategies[s].share, again->strategies[s].share,
                         sc->n_tiers * sizeof(double)) == 0);
            CHECK(sc->strategies[s].share_total == again->strategies[s].share_total);
        }
        char *twice = infl_scenario_resolved_yaml(again);
        CHECK(twice != NULL && strcmp(once, twice) == 0);
        free(twice);
    } else {
        fprintf(stderr, "%s\n%s", once, infl_error_message(&err));
    }
    infl_scenario_free(again);
    free(once);
    infl_error_destroy(&err);
}

int main(void)
{
    infl_error err;
    infl_error_init(&err);

    /* The fraction form keeps each share exactly as strtod reads it, and the
     * total is their sum in tier order: the arithmetic of every scenario
     * written before the other forms existed, so its runs are unchanged. */
    infl_scenario *frac = one("{name: s, allocation: {nano: 0.3, micro: 0.5, macro: 0.2}}");
    CHECK(frac != NULL);
    if (frac == NULL)
        return check_exit();
    CHECK(frac->strategies[0].share[0] == strtod("0.3", NULL));
    CHECK(frac->strategies[0].share[1] == strtod("0.5", NULL));
    CHECK(frac->strategies[0].share[2] == strtod("0.2", NULL));
    CHECK(frac->strategies[0].share_total ==
          strtod("0.3", NULL) + strtod("0.5", NULL) + strtod("0.2", NULL));
    infl_scenario *frac_explicit =
        one("{name: s, shares: fraction, allocation: {nano: 0.3, micro: 0.5, macro: 0.2}}");
    CHECK(same_shares(frac, frac_explicit));

    /* The same split as percentages, percent numbers and relative weights:
     * identical doubles (a % is read with the point moved, weights divided
     * exactly), so identical runs. */
    const char *same_split[] = {
        "{name: s, allocation: {nano: 30%, micro: 50%, macro: 20%}}",
        "{name: s, allocation: {nano: \"30%\", micro: '50 %', macro: 20%}}",
        "{name: s, shares: percent, allocation: {nano: 30, micro: 50, macro: 20}}",
        "{name: s, shares: percent, allocation: {nano: 30%, micro: 50%, macro: 20%}}",
        "{name: s, shares: relative, allocation: {nano: 30, micro: 50, macro: 20}}",
        "{name: s, shares: relative, allocation: {nano: 3, micro: 5, macro: 2}}",
        "{name: s, shares: relative, allocation: {macro: 0.4, nano: 0.6, micro: 1}}",
        "{name: s, allocation: {nano: 3/10, micro: 1/2, macro: 1/5}}",
    };
    infl_trials *want = run(frac);
    CHECK(want != NULL);
    for (size_t i = 0; i < sizeof same_split / sizeof same_split[0]; i++) {
        infl_scenario *sc = one(same_split[i]);
        CHECK(same_shares(frac, sc));
        if (!same_shares(frac, sc))
            fprintf(stderr, "  not the same shares: %s\n", same_split[i]);
        if (sc != NULL && i < 5) {
            infl_trials *got = run(sc);
            CHECK(same_trials(want, got));
            infl_trials_free(got);
        }
        infl_scenario_free(sc);
    }
    infl_trials_free(want);

    /* Percentages with decimals give exactly the doubles of the fractions. */
    infl_scenario *a = one("{name: s, allocation: {nano: 0.333, micro: 0.334, macro: 0.333}}");
    infl_scenario *b = one("{name: s, allocation: {nano: 33.3%, micro: 33.4%, macro: 33.3%}}");
    CHECK(same_shares(a, b));
    infl_scenario_free(a);
    infl_scenario_free(b);

    /* Thirds: a/b, and relative 1:1:1, are the same doubles. */
    a = one("{name: s, allocation: {nano: 1/3, micro: 1/3, macro: 1/3}}");
    b = one("{name: s, shares: relative, allocation: {nano: 1, micro: 1, macro: 1}}");
    CHECK(a != NULL && a->strategies[0].share[1] == 1.0 / 3.0);
    CHECK(same_shares(a, b));
    infl_scenario *c = one("{name: s, allocation: {nano: 2/3, micro: 1/3}}");
    CHECK(c != NULL && c->strategies[0].share[0] == 2.0 / 3.0 && c->strategies[0].share[2] == 0);
    infl_scenario_free(c);

    /* Sums off by rounding (within 0.5 %) are normalised: 0.333 x 3 and 33.3% x 3
     * are thirds, within a few ulps of 1/3. */
    const char *rounded[] = {
        "{name: s, allocation: {nano: 0.333, micro: 0.333, macro: 0.333}}",
        "{name: s, allocation: {nano: 33.3%, micro: 33.3%, macro: 33.3%}}",
        "{name: s, shares: percent, allocation: {nano: 33.4, micro: 33.4, macro: 33.4}}",
    };
    for (size_t i = 0; i < sizeof rounded / sizeof rounded[0]; i++) {
        c = one(rounded[i]);
        CHECK(c != NULL);
        for (size_t k = 0; c != NULL && k < 3; k++)
            CHECK_NEAR(c->strategies[0].share[k], 1.0 / 3.0, 4e-16);
        if (c != NULL)
            CHECK_NEAR(c->strategies[0].share_total, 1.0, 1e-15);
        infl_scenario_free(c);
    }
    /* The edges of the slack: 0.995 and 1.005 load, 0.994 does not. */
    c = one("{name: s, allocation: {nano: 0.5, micro: 0.495}}");
    CHECK(c != NULL);
    infl_scenario_free(c);
    c = one("{name: s, allocation: {nano: 0.5, micro: 0.505}}");
    CHECK(c != NULL);
    infl_scenario_free(c);
    CHECK_CONTAINS(refused("{name: s, allocation: {nano: 0.5, micro: 0.494}}", &err),
                   "got a sum of 0.994); make micro 0.5 (or");

    /* The resolved YAML of every form loads back to the same numbers. */
    infl_scenario *all = load("  - {name: f, allocation: {nano: 0.3, micro: 0.5, macro: 0.2}}\n"
                              "  - {name: p, allocation: {nano: 30%, micro: 70%}}\n"
                              "  - {name: q, shares: percent, allocation: {micro: 100}}\n"
                              "  - {name: r, shares: relative, allocation: {nano: 1, macro: 6}}\n"
                              "  - {name: t, allocation: {nano: 1/3, micro: 2/3}}\n"
                              "  - {name: n, allocation: {nano: 0.333, micro: 0.333, macro: "
                              "0.333}}\n"
                              "  - {name: o, allocation: {nano: 0.7, micro: 0.301}}\n",
                              &err);
    CHECK(all != NULL);
    if (all != NULL) {
        CHECK_NEAR(all->strategies[3].share[0], 1.0 / 7.0, 0);
        CHECK_NEAR(all->strategies[3].share[2], 6.0 / 7.0, 0);
        check_round_trip(all);
        /* So does the override that optimize builds from the shares. */
        const char *names[7], *tiers[3];
        double shares[21];
        for (size_t s = 0; s < 7; s++) {
            names[s] = infl_scenario_strategy_name(all, s);
            for (size_t k = 0; k < 3; k++)
                shares[s * 3 + k] = infl_scenario_strategy_share(all, s, k);
        }
        for (size_t k = 0; k < 3; k++)
            tiers[k] = infl_scenario_tier_name(all, k);
        char *set = infl_scenario_strategies_override(7, names, tiers, 3, shares);
        const char *sets[] = {set};
        infl_scenario *derived = NULL;
        CHECK_INT(infl_scenario_derive(all, sets, 1, &derived, &err), INFL_OK);
        for (size_t s = 0; derived != NULL && s < 7; s++) {
            CHECK(memcmp(derived->strategies[s].share, all->strategies[s].share,
                         3 * sizeof(double)) == 0);
            CHECK(derived->strategies[s].share_total == all->strategies[s].share_total);
        }
        infl_scenario_free(derived);
        free(set);
    } else {
        fprintf(stderr, "%s", infl_error_message(&err));
    }
    infl_scenario_free(all);

    /* A sum off by more than 0.5 %: refused, with the share to change. */
    CHECK_CONTAINS(refused("{name: s, allocation: {nano: 0.3, micro: 0.5, macro: 0.19}}", &err),
                   "s.yaml:31:27: strategies[0].allocation: shares must sum to 1 (to within "
                   "0.005; got a sum of 0.99); make macro 0.2 (or add `shares: relative` to the "
                   "strategy to have them normalised)");
    CHECK_CONTAINS(refused("{name: s, allocation: {nano: 0.33, micro: 0.33, macro: 0.33}}", &err),
                   "got a sum of 0.99); make macro 0.34 (or add `shares: relative`");
    CHECK_CONTAINS(refused("{name: s, allocation: {nano: 0.6, micro: 0.3, macro: 0.2}}", &err),
                   "got a sum of 1.1); make macro 0.1 (or");
    /* The last share written that can absorb the difference is named. */
    CHECK_CONTAINS(refused("{name: s, allocation: {nano: 0.9, micro: 0.5, macro: 0.1}}", &err),
                   "got a sum of 1.5); make micro 0 (or");
    CHECK_CONTAINS(refused("{name: s, allocation: {micro: 0.5}}", &err),
                   "got a sum of 0.5); make micro 1 (or");
    CHECK_CONTAINS(refused("{name: s, allocation: {nano: 0.25, micro: 0.125}}", &err),
                   "make micro 0.75 (or");
    CHECK_CONTAINS(refused("{name: s, allocation: {nano: 30%, micro: 50%, macro: 19%}}", &err),
                   "s.yaml:31:27: strategies[0].allocation: shares must sum to 100% (to within "
                   "0.5%; got a sum of 99%); make macro 20% (or add `shares: relative` to the "
                   "strategy to have them normalised)");
    CHECK_CONTAINS(
        refused("{name: s, shares: percent, allocation: {nano: 30, micro: 50, macro: 10}}", &err),
        "shares must sum to 100 (to within 0.5; got a sum of 90); make macro 20 (or");
    CHECK_CONTAINS(refused("{name: s, allocation: {nano: 1/3, micro: 1/3, macro: 1/4}}", &err),
                   "make macro 1/3 (or");
    CHECK_CONTAINS(refused("{name: s, allocation: {nano: 0.9, micro: 0.9, macro: 0.9}}", &err),
                   "got a sum of 2.7); add `shares: relative` to the strategy to have them "
                   "normalised, or change them to sum to 1");
    /* Percent numbers without `shares: percent`, and weights without `shares: relative`. */
    CHECK_CONTAINS(refused("{name: s, allocation: {nano: 30, micro: 50, macro: 20}}", &err),
                   "strategies[0].allocation: shares must sum to 1 (to within 0.005; got a sum of "
                   "100); for percentages add `shares: percent` to the strategy, or write each "
                   "share with a % sign (nano: 30%)");
    CHECK_CONTAINS(refused("{name: s, allocation: {nano: 3, micro: 5, macro: 2}}", &err),
                   "got a sum of 10); add `shares: relative` to the strategy to have them "
                   "normalised, or change them to sum to 1");

    /* Mixed forms: a % on some shares and not others. */
    CHECK_CONTAINS(refused("{name: s, allocation: {nano: 0.3, micro: 50%, macro: 20%}}", &err),
                   "s.yaml:31:27: strategies[0].allocation: mixes percentages and plain numbers "
                   "(micro: 50%, nano: 0.3); write every share of an allocation the same way");
    CHECK_CONTAINS(refused("{name: s, shares: relative, allocation: {nano: 3, micro: 50%}}", &err),
                   "mixes percentages and plain numbers (micro: 50%, nano: 3)");
    /* a/b mixes with decimals: both are fractions of 1. */
    c = one("{name: s, allocation: {nano: 1/4, micro: 0.75}}");
    CHECK(c != NULL);
    infl_scenario_free(c);

    /* Out of range, one share at a time, when any is negative. */
    const char *msg = refused("{name: s, allocation: {nano: 1.5, micro: -0.5}}", &err);
    CHECK_CONTAINS(msg, "s.yaml:31:34: strategies[0].allocation.nano: must be in [0, 1] (got 1.5)");
    CHECK_CONTAINS(msg, "strategies[0].allocation.micro: must be in [0, 1] (got -0.5)");
    CHECK_CONTAINS(refused("{name: s, allocation: {nano: -10%, micro: 110%}}", &err),
                   "strategies[0].allocation.nano: must be in [0%, 100%] (got -10%)");
    CHECK_CONTAINS(refused("{name: s, shares: percent, allocation: {nano: -10, micro: 110}}", &err),
                   "strategies[0].allocation.micro: must be in [0, 100] (got 110)");

    /* Relative weights: >= 0, not all 0, a finite sum. */
    CHECK_CONTAINS(refused("{name: s, shares: relative, allocation: {nano: -1, micro: 3}}", &err),
                   "s.yaml:31:52: strategies[0].allocation.nano: a relative weight must be >= 0 "
                   "(got -1)");
    CHECK_CONTAINS(refused("{name: s, shares: relative, allocation: {nano: 0, micro: 0}}", &err),
                   "s.yaml:31:45: strategies[0].allocation: relative weights must not all be 0");
    CHECK_CONTAINS(
        refused("{name: s, shares: relative, allocation: {nano: 1e308, micro: 1e308}}", &err),
        "strategies[0].allocation: relative weights too large: their sum overflows");
    c = one("{name: s, shares: relative, allocation: {nano: 0, micro: 5e-324}}");
    CHECK(c != NULL && c->strategies[0].share[1] == 1.0);
    infl_scenario_free(c);

    /* What a share and the `shares` key may be. */
    CHECK_CONTAINS(refused("{name: s, allocation: {nano: 1/0, micro: 1}}", &err),
                   "strategies[0].allocation.nano: the denominator of a/b must be > 0 (got "
                   "\"1/0\")");
    CHECK_CONTAINS(refused("{name: s, allocation: {nano: 1/-2, micro: 1}}", &err),
                   "the denominator of a/b must be > 0 (got \"1/-2\")");
    CHECK_CONTAINS(refused("{name: s, allocation: {nano: one/3, micro: 1}}", &err),
                   "strategies[0].allocation.nano: expected a fraction a/b of two numbers, such "
                   "as 1/3 (got \"one/3\")");
    CHECK_CONTAINS(refused("{name: s, allocation: {nano: 1/2/3, micro: 1}}", &err),
                   "expected a fraction a/b of two numbers, such as 1/3 (got \"1/2/3\")");
    CHECK_CONTAINS(refused("{name: s, allocation: {nano: lots%, micro: 1}}", &err),
                   "strategies[0].allocation.nano: expected a percentage such as 30% (got "
                   "\"lots%\")");
    CHECK_CONTAINS(refused("{name: s, allocation: {nano: .inf%, micro: 1}}", &err),
                   "expected a percentage such as 30% (got \".inf%\")");
    CHECK_CONTAINS(refused("{name: s, allocation: {nano: \"0.5\", micro: 0.5}}", &err),
                   "strategies[0].allocation.nano: expected a number, not quoted text");
    CHECK_CONTAINS(refused("{name: s, shares: relativ, allocation: {nano: 1}}", &err),
                   "s.yaml:31:23: strategies[0].shares: must be fraction, percent or relative "
                   "(got \"relativ\"); did you mean 'relative'?");
    msg = refused("{name: s, shares: [percent], allocation: {nano: 1, micro: 2}}", &err);
    CHECK_CONTAINS(msg, "strategies[0].shares: must be fraction, percent or relative (got a list)");
    /* A bad `shares` key does not also fault the allocation it would read. */
    CHECK_INT(err.count, 1);
    CHECK_CONTAINS(refused("{name: s, share: percent, allocation: {nano: 1}}", &err),
                   "strategies[0].share: unknown key; did you mean 'shares'?");

    infl_scenario_free(a);
    infl_scenario_free(b);
    infl_scenario_free(frac_explicit);
    infl_scenario_free(frac);
    infl_error_destroy(&err);
    return check_exit();
}
