/*
 * Named creators in the model (docs/model.md, "Named creators"), each
 * against a value known in advance:
 *  1. common random numbers: per trial, a strategy hiring [a, b] gets
 *     exactly what [a] and [b] get apart (no overlap, budget ample), and a
 *     creator's numbers are the same bit for bit when the roster gains
 *     creators, is reordered, or its tier moves;
 *  2. a creator's mean conversions are the product of the means of its
 *     rates (beta-distributed, with a per-trial purchase rate), and its
 *     engagements by region and unknown follow its audience by country;
 *  3. a named creator whose cost does not fit is counted in named_unhired,
 *     hires follow the list's order, and exactly the rest of the budget
 *     goes to the allocation (the same tier hires as a run with that budget);
 *  4. post_probability and overhead on a creator: the fee is refunded, the
 *     overhead spent, as for a tier's hire;
 *  5. with market.addressable, named hires come first in the overlap order;
 *  6. the same numbers on 1 and 2 threads.
 * Seeds are fixed; tolerances are 4 standard errors, so a failure is a defect.
 */
#include "check.h"
#include "run_text.h"
#include "same_results.h"
#include "influsim/engine.h"
#include "influsim/scenario.h"

/* The trials of yaml on `threads` threads (NULL, with the message on
 * stderr, if it does not load or run). */
static infl_trials *run_threads(const char *yaml, const char *const *sets, size_t n_sets,
                                unsigned threads)
{
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    infl_trials *tr = NULL;
    if (infl_scenario_load_text(yaml, strlen(yaml), "test", sets, n_sets, &sc, &err) != INFL_OK ||
        infl_engine_run(sc, &(infl_run_options){.threads = threads}, &tr, NULL, NULL, &err) !=
            INFL_OK) {
        fprintf(stderr, "setup failed:\n%s", infl_error_message(&err));
        tr = NULL;
    }
    infl_scenario_free(sc);
    infl_error_destroy(&err);
    return tr;
}

/* The index of strategy `name` in tr (aborts if none). */
static size_t strategy(const infl_trials *tr, const char *name)
{
    for (size_t s = 0; s < tr->n_strategies; s++)
        if (!strcmp(tr->strategy_names[s], name))
            return s;
    fprintf(stderr, "no strategy %s\n", name);
    abort();
}

/* Whether metric m of strategy sa in a equals that of sb in b, trial by
 * trial, bit for bit. */
static bool same_column(const infl_trials *a, size_t sa, const infl_trials *b, size_t sb,
                        const char *m)
{
    return a->n_trials == b->n_trials &&
           memcmp(col(a, sa, m), col(b, sb, m), a->n_trials * sizeof(double)) == 0;
}

/* ---- 1. common random numbers ---------------------------------------- */

/* Creators with distributions of their own and the tier's, word of mouth
 * and repeat orders, so every stream of a creator is used. */
static const char *CRN =
    "name: crn\n"
    "seed: 8\n"
    "trials: 2000\n"
    "budget: 3000\n"
    "regions:\n"
    "  - {name: home, shippable: true, countries: [FR]}\n"
    "  - {name: away, shippable: false, countries: rest}\n"
    "product: {price: 40, unit_cost: 12, repeat_orders: 0.5}\n"
    "market: {purchase_rate: {beta: {mean: 0.03, kappa: 40}}}\n"
    "tiers:\n"
    "  micro:\n"
    "    followers: {loguniform: {min: 10000, max: 100000}}\n"
    "    price: 300\n"
    "    real_share: {beta: {mean: 0.8, kappa: 30}}\n"
    "    reach_rate: 0.3\n"
    "    engagement_rate: {beta: {mean: 0.05, kappa: 50}}\n"
    "    audience: {dirichlet: {mean: [0.8, 0.2], kappa: 20}}\n"
    "    interest_share: 0.2\n"
    "    conversations_per_engagement: 0.1\n"
    "roster:\n"
    "  - {handle: a, tier: micro, followers: 30000, price: {uniform: {min: 200, max: 400}},\n"
    "     post_probability: 0.8, overhead_per_hire: 20}\n"
    "  - {handle: b, tier: micro, followers: 50000, price: 500, audience: {FR: 0.6, US: 0.1}}\n"
    "strategies:\n"
    "  - {name: ab, hire: [a, b]}\n"
    "  - {name: a, hire: [a]}\n"
    "  - {name: b, hire: [b]}\n"
    "  - {name: ba, hire: [b, a]}\n"
    "  - {name: micro, allocation: {micro: 1}}\n";

/* The same creators among others, in another order, their tier second, and
 * the strategies in another order. */
static const char *CRN_MORE =
    "name: crn-more\n"
    "seed: 8\n"
    "trials: 2000\n"
    "budget: 3000\n"
    "regions:\n"
    "  - {name: home, shippable: true, countries: [FR]}\n"
    "  - {name: away, shippable: false, countries: rest}\n"
    "product: {price: 40, unit_cost: 12, repeat_orders: 0.5}\n"
    "market: {purchase_rate: {beta: {mean: 0.03, kappa: 40}}}\n"
    "tiers:\n"
    "  nano: {followers: 3000, price: 50, reach_rate: 0.3, engagement_rate: 0.05,\n"
    "         audience: [1, 0], interest_share: 0.2}\n"
    "  micro:\n"
    "    followers: {loguniform: {min: 10000, max: 100000}}\n"
    "    price: 300\n"
    "    real_share: {beta: {mean: 0.8, kappa: 30}}\n"
    "    reach_rate: 0.3\n"
    "    engagement_rate: {beta: {mean: 0.05, kappa: 50}}\n"
    "    audience: {dirichlet: {mean: [0.8, 0.2], kappa: 20}}\n"
    "    interest_share: 0.2\n"
    "    conversations_per_engagement: 0.1\n"
    "roster:\n"
    "  - {handle: zed, tier: nano}\n"
    "  - {handle: b, tier: micro, followers: 50000, price: 500, audience: {FR: 0.6, US: 0.1}}\n"
    "  - {handle: yan, tier: micro, followers: 70000, price: 800}\n"
    "  - {handle: \"@A\", tier: micro, followers: 30000, price: {uniform: {min: 200, max: 400}},\n"
    "     post_probability: 0.8, overhead_per_hire: 20}\n"
    "strategies:\n"
    "  - {name: mixed, hire: [yan, zed], allocation: {nano: 0.5, micro: 0.5}}\n"
    "  - {name: ba, hire: [b, a]}\n"
    "  - {name: b, hire: [b]}\n"
    "  - {name: a, hire: [A]}\n"
    "  - {name: ab, hire: [a, b]}\n";

static const char *const ADDITIVE[] = {"hires",
                                       "spend",
                                       "reach",
                                       "engagements",
                                       "interested",
                                       "conversations",
                                       "conversions",
                                       "conversions_direct",
                                       "orders",
                                       "lost_conversions",
                                       "undelivered",
                                       "refunded_fees",
                                       "engagements_home",
                                       "engagements_away",
                                       "engagements_unknown",
                                       "named_hires",
                                       "spend_named",
                                       NULL};

static void check_common_random_numbers(void)
{
    infl_trials *tr = run_text(CRN, NULL, 0);
    infl_trials *more = run_text(CRN_MORE, NULL, 0);
    CHECK(tr != NULL && more != NULL);
    if (tr == NULL || more == NULL)
        goto done;
    const size_t ab = strategy(tr, "ab"), a = strategy(tr, "a"), b = strategy(tr, "b"),
                 ba = strategy(tr, "ba");
    const uint64_t n = tr->n_trials;
    for (size_t i = 0; ADDITIVE[i] != NULL; i++) {
        const char *m = ADDITIVE[i];
        const double *x = col(tr, ab, m), *y = col(tr, ba, m), *xa = col(tr, a, m),
                     *xb = col(tr, b, m);
        uint64_t bad = 0;
        for (uint64_t t = 0; t < n; t++)
            bad += x[t] != xa[t] + xb[t] || y[t] != x[t];
        if (bad) {
            check_failures++;
            fprintf(stderr, "%s: [a, b] != [a] + [b] (or != [b, a]) in %llu of %llu trials\n", m,
                    (unsigned long long)bad, (unsigned long long)n);
        }
        check_count++;
    }
    /* Something happened: a creator who posts and customers. */
    double conv = 0, undelivered = 0;
    for (uint64_t t = 0; t < n; t++) {
        conv += col(tr, ab, "conversions")[t];
        undelivered += col(tr, a, "undelivered")[t];
    }
    printf("crn: mean conversions [a, b] %.2f; a did not post in %.0f of %llu trials\n",
           conv / (double)n, undelivered, (unsigned long long)n);
    CHECK(conv > n);
    CHECK(undelivered > 0.1 * n && undelivered < 0.3 * n);

    /* Another roster, order, tiers and strategies: the same creators' numbers. */
    const char *const kept[] = {"hires",
                                "spend",
                                "reach",
                                "engagements",
                                "interested",
                                "conversions",
                                "orders",
                                "refunded_fees",
                                "named_hires",
                                "spend_named",
                                "named_unhired",
                                "engagements_home",
                                "engagements_unknown",
                                "profit",
                                "wom_prospects",
                                NULL};
    const char *const names[] = {"ab", "a", "b", "ba"};
    for (size_t k = 0; k < 4; k++) {
        size_t s1 = strategy(tr, names[k]), s2 = strategy(more, names[k]);
        for (size_t i = 0; kept[i] != NULL; i++) {
            check_count++;
            if (!same_column(tr, s1, more, s2, kept[i])) {
                check_failures++;
                fprintf(stderr, "strategy %s: %s changed with the roster around it\n", names[k],
                        kept[i]);
            }
        }
    }
    /* The market of a trial does not depend on the roster either. */
    CHECK(memcmp(tr->purchase_rate, more->purchase_rate, n * sizeof(double)) == 0);
done:
    infl_trials_free(tr);
    infl_trials_free(more);
}

/* A roster beside a tier changes nothing of a strategy that hires no one by
 * name; the named metrics exist only where some strategy hires by name, and
 * engagements_unknown only where a creator's audience is by country. */
static void check_metrics_present(void)
{
    const char *sets[] = {"strategies=[{name: micro, allocation: {micro: 1}}]"};
    infl_trials *with = run_text(CRN, sets, 1);
    const char *gone[] = {"strategies=[{name: micro, allocation: {micro: 1}}]", "roster=[]"};
    infl_trials *without = run_text(CRN, gone, 2);
    CHECK(with != NULL && without != NULL);
    if (with != NULL && without != NULL) {
        CHECK(infl_trials_metric_index(with, "named_hires") == (size_t)-1);
        CHECK(infl_trials_metric_index(with, "spend_named") == (size_t)-1);
        CHECK(infl_trials_metric_index(with, "engagements_unknown") != (size_t)-1);
        CHECK(infl_trials_metric_index(without, "engagements_unknown") == (size_t)-1);
        const char *const m[] = {"conversions", "spend", "orders", "engagements_home"};
        for (size_t i = 0; i < 4; i++)
            CHECK(same_column(with, 0, without, 0, m[i]));
    }
    infl_trials_free(with);
    infl_trials_free(without);
    /* Audiences by region only: no engagements_unknown. */
    const char *by_region[] = {"roster[1].audience=[0.7, 0.3]"};
    infl_trials *tr = run_text(CRN, by_region, 1);
    CHECK(tr != NULL);
    if (tr != NULL) {
        CHECK(infl_trials_metric_index(tr, "engagements_unknown") == (size_t)-1);
        CHECK(infl_trials_metric_index(tr, "named_unhired") != (size_t)-1);
    }
    infl_trials_free(tr);
}

/* ---- 2. the analytic mean ------------------------------------------- */

/* anna: France 0.4, Belgium 0.1, elsewhere (US) 0.2, unknown 0.3.
 * bea: France 0.4, elsewhere (`other`) 0.3, unknown 0.3. */
static const char *ANALYTIC = "name: analytic\n"
                              "seed: 21\n"
                              "trials: 20000\n"
                              "budget: 100000\n"
                              "regions:\n"
                              "  - {name: France, shippable: true, countries: [FR, MC]}\n"
                              "  - {name: Belgium, shippable: true, countries: [BE]}\n"
                              "  - {name: elsewhere, shippable: false, countries: rest}\n"
                              "product: {price: 40, unit_cost: 12}\n"
                              "market: {purchase_rate: {beta: {mean: 0.03, kappa: 40}}}\n"
                              "roster:\n"
                              "  - handle: \"@anna\"\n"
                              "    followers: 200000\n"
                              "    price: 1000\n"
                              "    real_share: {beta: {mean: 0.8, kappa: 30}}\n"
                              "    reach_rate: {beta: {mean: 0.3, kappa: 20}}\n"
                              "    engagement_rate: {beta: {mean: 0.05, kappa: 50}}\n"
                              "    interest_share: {beta: {mean: 0.2, kappa: 25}}\n"
                              "    audience: {FR: 0.4, BE: 0.1, US: 0.2}\n"
                              "  - handle: bea\n"
                              "    followers: 200000\n"
                              "    price: 1000\n"
                              "    real_share: {beta: {mean: 0.8, kappa: 30}}\n"
                              "    reach_rate: {beta: {mean: 0.3, kappa: 20}}\n"
                              "    engagement_rate: {beta: {mean: 0.05, kappa: 50}}\n"
                              "    interest_share: {beta: {mean: 0.2, kappa: 25}}\n"
                              "    audience: {fr: 0.4, other: 0.3}\n"
                              "strategies:\n"
                              "  - {name: anna, hire: [anna]}\n"
                              "  - {name: bea, hire: [bea]}\n";

static void near_mean(const infl_trials *tr, size_t s, const char *m, double want)
{
    double se, got = mean_se(col(tr, s, m), tr->n_trials, &se);
    printf("  %-20s %10.3f +- %.3f (analytic %.3f)\n", m, got, se, want);
    CHECK(want == 0 || se > 0);
    CHECK_NEAR(got, want, 4 * se);
}

static void check_analytic_means(void)
{
    infl_trials *tr = run_text(ANALYTIC, NULL, 0);
    CHECK(tr != NULL);
    if (tr == NULL)
        return;
    const double F = 200000, rho = 0.8, r = 0.3, e = 0.05, i = 0.2, p = 0.03;
    const double E = F * rho * r * e; /* 2400 engagements */
    struct {
        const char *name;
        double france, belgium, elsewhere, unknown;
    } who[] = {{"anna", 0.4, 0.1, 0.2, 0.3}, {"bea", 0.4, 0.0, 0.3, 0.3}};
    for (size_t k = 0; k < 2; k++) {
        size_t s = strategy(tr, who[k].name);
        double ship = who[k].france + who[k].belgium;
        printf("%s:\n", who[k].name);
        near_mean(tr, s, "reach", F * rho * r);
        near_mean(tr, s, "engagements", E);
        near_mean(tr, s, "engagements_france", E * who[k].france);
        near_mean(tr, s, "engagements_belgium", E * who[k].belgium);
        near_mean(tr, s, "engagements_elsewhere", E * who[k].elsewhere);
        near_mean(tr, s, "engagements_unknown", E * who[k].unknown);
        near_mean(tr, s, "shippable_engagements", E * ship);
        near_mean(tr, s, "interested", E * ship * i);
        near_mean(tr, s, "conversions", E * ship * i * p);
        near_mean(tr, s, "lost_conversions", E * (1 - ship) * i * p);
        /* Every engagement is in exactly one region or unknown. */
        bool sums = true;
        for (uint64_t t = 0; t < tr->n_trials; t++)
            sums &= col(tr, s, "engagements")[t] == col(tr, s, "engagements_france")[t] +
                                                        col(tr, s, "engagements_belgium")[t] +
                                                        col(tr, s, "engagements_elsewhere")[t] +
                                                        col(tr, s, "engagements_unknown")[t];
        CHECK(sums);
    }
    /* bea lists no Belgian audience: none at all. */
    double be = 0;
    for (uint64_t t = 0; t < tr->n_trials; t++)
        be += col(tr, strategy(tr, "bea"), "engagements_belgium")[t];
    CHECK(be == 0);
    infl_trials_free(tr);
}

/* ---- 3. what does not fit, order, the rest of the budget ------------ */

static const char *MISFIT =
    "name: misfit\n"
    "seed: 4\n"
    "trials: 1000\n"
    "budget: 4000\n"
    "regions: [{name: home, shippable: true}]\n"
    "product: {price: 40, unit_cost: 12}\n"
    "market: {purchase_rate: 0.03}\n"
    "tiers:\n"
    "  micro: {followers: {loguniform: {min: 5000, max: 50000}},\n"
    "          price: {uniform: {min: 200, max: 400}}, reach_rate: 0.3,\n"
    "          engagement_rate: 0.05, audience: [1], interest_share: 0.2}\n"
    "roster:\n"
    "  - {handle: big, tier: micro, followers: 100000, price: 3000}\n"
    "  - {handle: small, tier: micro, followers: 20000, price: 1500}\n"
    "  - {handle: huge, tier: micro, followers: 500000, price: 9000}\n"
    "  - {handle: tiny, tier: micro, followers: 8000, price: 500}\n"
    "strategies:\n"
    "  - {name: big-small, hire: [big, small]}\n"
    "  - {name: small-big, hire: [small, big]}\n"
    "  - {name: big-small-micro, hire: [big, small], allocation: {micro: 1}}\n"
    "  - {name: huge-micro, hire: [huge], allocation: {micro: 1}}\n"
    "  - {name: micro, allocation: {micro: 1}}\n"
    "  - {name: big-small-tiny, hire: [big, small, tiny]}\n";

static void check_misfits(void)
{
    infl_trials *tr = run_text(MISFIT, NULL, 0);
    const char *rest[] = {"budget=1000"};
    infl_trials *thousand = run_text(MISFIT, rest, 1);
    CHECK(tr != NULL && thousand != NULL);
    if (tr == NULL || thousand == NULL)
        goto done;
    const size_t bs = strategy(tr, "big-small"), sb = strategy(tr, "small-big"),
                 bsm = strategy(tr, "big-small-micro"), hm = strategy(tr, "huge-micro"),
                 mi = strategy(tr, "micro"), bst = strategy(tr, "big-small-tiny");
    bool exact = true, rest_exact = true;
    for (uint64_t t = 0; t < tr->n_trials; t++) {
        /* [big, small]: big (3000) fits, small (1500) not in the 1000 left. */
        exact &= col(tr, bs, "named_hires")[t] == 1 && col(tr, bs, "named_unhired")[t] == 1;
        exact &= col(tr, bs, "spend_named")[t] == 3000 && col(tr, bs, "unspent")[t] == 1000;
        exact &= col(tr, bs, "hires")[t] == 1;
        /* [small, big]: small fits, big not in the 2500 left. */
        exact &= col(tr, sb, "named_hires")[t] == 1 && col(tr, sb, "named_unhired")[t] == 1;
        exact &= col(tr, sb, "spend_named")[t] == 1500 && col(tr, sb, "spend")[t] == 1500;
        /* A misfit is passed over, not the end: tiny (500) fits after small. */
        exact &= col(tr, bst, "named_hires")[t] == 2 && col(tr, bst, "named_unhired")[t] == 1;
        exact &= col(tr, bst, "spend_named")[t] == 3500;
        /* With an allocation: spend = spend_named + spend_micro, and the
         * micro hires are those of a budget of 1000, bit for bit. */
        exact &= col(tr, bsm, "spend")[t] ==
                 col(tr, bsm, "spend_named")[t] + col(tr, bsm, "spend_micro")[t];
        exact &= col(tr, bsm, "spend_named")[t] == 3000 && col(tr, bsm, "named_unhired")[t] == 1;
        exact &= col(tr, bsm, "hires")[t] ==
                 col(tr, bsm, "named_hires")[t] + col(tr, bsm, "hires_micro")[t];
        exact &= col(tr, bsm, "spend_micro")[t] <= 1000;
        rest_exact &= col(tr, bsm, "hires_micro")[t] == col(thousand, mi, "hires_micro")[t];
        rest_exact &= col(tr, bsm, "spend_micro")[t] == col(thousand, mi, "spend_micro")[t];
        rest_exact &= col(tr, bsm, "conversions")[t] ==
                      col(tr, bs, "conversions")[t] + col(thousand, mi, "conversions")[t];
        /* huge (9000) never fits: all 4000 go to micro, as with no hire list. */
        exact &= col(tr, hm, "named_hires")[t] == 0 && col(tr, hm, "named_unhired")[t] == 1;
        exact &= col(tr, hm, "spend_named")[t] == 0;
        /* A strategy without a hire list reports no named hires. */
        exact &= col(tr, mi, "named_hires")[t] == 0 && col(tr, mi, "named_unhired")[t] == 0;
        exact &= col(tr, mi, "spend_named")[t] == 0;
    }
    CHECK(exact);
    CHECK(rest_exact);
    const char *const same[] = {"hires_micro", "spend_micro", "spend", "conversions",
                                "engagements"};
    for (size_t i = 0; i < 5; i++)
        CHECK(same_column(tr, hm, tr, mi, same[i]));
done:
    infl_trials_free(tr);
    infl_trials_free(thousand);
}

/* Drawn prices: each trial's outcome of [big, small] and [small, big] by
 * the rule (in order, each if its cost fits what is left), from the costs
 * that [big] and [small] alone reveal in a run with a budget where both
 * always fit (a creator's draws do not depend on the budget). big alone
 * sometimes costs more than the budget. */
static void check_order_rule(void)
{
    static const char strategies[] =
        "strategies=[{name: big, hire: [big]}, {name: small, hire: [small]},"
        " {name: big-small, hire: [big, small]}, {name: small-big, hire: [small, big]}]";
    const char *sets[] = {
        "roster[0].price={uniform: {min: 1500, max: 4500}}",
        "roster[1].price={uniform: {min: 800, max: 2600}}",
        strategies,
        "trials=4000",
        "budget=100000",
    };
    infl_trials *tr = run_text(MISFIT, sets, 4);
    infl_trials *rich = run_text(MISFIT, sets, 5);
    CHECK(tr != NULL && rich != NULL);
    if (tr == NULL || rich == NULL)
        goto done;
    const double B = 4000, limit = B * (1.0 + 1e-12);
    uint64_t both = 0, bad = 0, first_out = 0;
    for (uint64_t t = 0; t < tr->n_trials; t++) {
        double cb = col(rich, 0, "spend_named")[t], cs = col(rich, 1, "spend_named")[t];
        bad += col(rich, 0, "named_hires")[t] != 1 || col(rich, 1, "named_hires")[t] != 1;
        for (int order = 0; order < 2; order++) {
            size_t s = 2 + (size_t)order;
            double first = order == 0 ? cb : cs, second = order == 0 ? cs : cb;
            double spent = 0, hired = 0, unhired = 0;
            if (first <= limit) {
                spent += first;
                hired++;
            } else {
                unhired++;
            }
            if (spent + second <= limit) {
                spent += second;
                hired++;
            } else {
                unhired++;
            }
            bad += col(tr, s, "named_hires")[t] != hired;
            bad += col(tr, s, "named_unhired")[t] != unhired;
            bad += col(tr, s, "spend_named")[t] != spent;
            both += order == 0 && hired == 2;
            first_out += order == 0 && first > limit && hired == 1;
        }
    }
    printf("order: both fit in %llu of %llu trials, only the second in %llu; %llu disagreements "
           "with the rule\n",
           (unsigned long long)both, (unsigned long long)tr->n_trials,
           (unsigned long long)first_out, (unsigned long long)bad);
    CHECK(first_out > 0);
    CHECK_INT(bad, 0);
    CHECK(both > tr->n_trials / 10 && both < tr->n_trials * 9 / 10);
done:
    infl_trials_free(tr);
    infl_trials_free(rich);
}

/* ---- 4. post probability and overhead -------------------------------- */

/* The same parameters as a named creator (paid or gifted) and as a tier. A
 * budget of 110 buys exactly one post of 100 plus 10 of overhead. */
static const char *FLAKY =
    "name: flaky\n"
    "seed: 5\n"
    "trials: 8000\n"
    "budget: 110\n"
    "regions: [{name: home, shippable: true}]\n"
    "product: {price: 40, unit_cost: 12}\n"
    "market: {purchase_rate: 0.05}\n"
    "tiers:\n"
    "  micro: {followers: 20000, price: 100, overhead_per_hire: 10, post_probability: 0.7,\n"
    "          reach_rate: 0.3, engagement_rate: 0.05, audience: [1], interest_share: 0.2}\n"
    "roster:\n"
    "  - {handle: paid, tier: micro}\n"
    "  - {handle: gift, tier: micro, gifted_share: 1}\n"
    "strategies:\n"
    "  - {name: paid, hire: [paid]}\n"
    "  - {name: tier, allocation: {micro: 1}}\n"
    "  - {name: gift, hire: [gift]}\n";

static void check_post_probability(void)
{
    infl_trials *tr = run_text(FLAKY, NULL, 0);
    CHECK(tr != NULL);
    if (tr == NULL)
        return;
    const uint64_t n = tr->n_trials;
    double *posted = malloc(n * sizeof *posted);
    double p[3], se[3];
    for (size_t s = 0; s < 3; s++) {
        const bool gifted = s == 2;
        const double *hires = col(tr, s, "hires"), *undel = col(tr, s, "undelivered");
        const double *spend = col(tr, s, "spend"), *unspent = col(tr, s, "unspent");
        const double *refund = col(tr, s, "refunded_fees"), *eng = col(tr, s, "engagements");
        bool exact = true;
        for (uint64_t t = 0; t < n; t++) {
            exact &= hires[t] == 1.0;
            if (gifted) /* the product is sent whether or not the post comes */
                exact &= spend[t] == 22.0 && refund[t] == 0.0 && unspent[t] == 88.0;
            else
                exact &= spend[t] == 10.0 + 100.0 * (1.0 - undel[t]) &&
                         refund[t] == 100.0 * undel[t] && unspent[t] == 110.0 - spend[t];
            exact &= !(undel[t] == 1.0 && eng[t] > 0);
            posted[t] = 1.0 - undel[t];
        }
        if (s != 1) {
            exact &= memcmp(col(tr, s, "spend_named"), spend, n * sizeof *spend) == 0;
            for (uint64_t t = 0; t < n; t++)
                exact &= col(tr, s, "named_hires")[t] == 1.0;
        } else {
            exact &= memcmp(col(tr, s, "spend_micro"), spend, n * sizeof *spend) == 0;
        }
        CHECK(exact);
        p[s] = mean_se(posted, n, &se[s]);
        printf("%s: posted %.4f +- %.4f (post_probability 0.7)\n", tr->strategy_names[s], p[s],
               se[s]);
        CHECK_NEAR(p[s], 0.7, 4 * se[s]);
    }
    /* A named creator's funnel is a tier hire's: the same mean engagements
     * when it posts. */
    double m[2], sem[2];
    for (size_t k = 0; k < 2; k++) {
        const double *eng = col(tr, k, "engagements"), *undel = col(tr, k, "undelivered");
        uint64_t c = 0;
        for (uint64_t t = 0; t < n; t++)
            if (undel[t] == 0)
                posted[c++] = eng[t];
        m[k] = mean_se(posted, c, &sem[k]);
    }
    printf("engagements when posted: named %.2f +- %.2f, tier %.2f +- %.2f (analytic 300)\n", m[0],
           sem[0], m[1], sem[1]);
    CHECK_NEAR(m[0], 300.0, 4 * sem[0]);
    CHECK_NEAR(m[1], 300.0, 4 * sem[1]);
    free(posted);
    infl_trials_free(tr);
}

/* ---- 5. overlap ------------------------------------------------------ */

/* star reaches ~25,000 interested people, far more than the market of
 * 1,000: as the first hire it takes the whole market, so the tier's hires
 * after it find no one new, and its direct sales are those it makes alone. */
static const char *OVERLAP =
    "name: overlap\n"
    "seed: 6\n"
    "trials: 2000\n"
    "budget: 20000\n"
    "regions: [{name: home, shippable: true}]\n"
    "product: {price: 40, unit_cost: 12}\n"
    "market: {purchase_rate: {beta: {mean: 0.03, kappa: 40}}, addressable: 1000}\n"
    "tiers:\n"
    "  micro: {followers: {loguniform: {min: 10000, max: 100000}}, price: 300,\n"
    "          reach_rate: 0.3, engagement_rate: 0.05, audience: [1], interest_share: 0.2}\n"
    "roster:\n"
    "  - {handle: star, followers: 1000000, price: 5000, reach_rate: 0.5,\n"
    "     engagement_rate: 0.1, audience: [1], interest_share: 0.5}\n"
    "strategies:\n"
    "  - {name: star, hire: [star]}\n"
    "  - {name: star-micro, hire: [star], allocation: {micro: 1}}\n"
    "  - {name: micro, allocation: {micro: 1}}\n";

static void check_overlap_order(void)
{
    infl_trials *tr = run_text(OVERLAP, NULL, 0);
    CHECK(tr != NULL);
    if (tr == NULL)
        return;
    bool exact = true;
    uint64_t micro_full = 0;
    for (uint64_t t = 0; t < tr->n_trials; t++) {
        exact &= col(tr, 0, "interested")[t] >= 1000; /* the premise */
        exact &= col(tr, 0, "distinct_interested")[t] == 1000;
        exact &= col(tr, 1, "distinct_interested")[t] == 1000;
        exact &= col(tr, 1, "conversions_direct")[t] == col(tr, 0, "conversions_direct")[t];
        exact &= col(tr, 1, "interested")[t] > col(tr, 0, "interested")[t];
        micro_full += col(tr, 2, "distinct_interested")[t] > 500;
    }
    CHECK(exact);
    /* The tier alone would have taken much of the market: the order matters. */
    CHECK(micro_full > tr->n_trials / 2);
    infl_trials_free(tr);

    /* A market larger than star's reach: star alone reaches min(I, M) new
     * people; mixed, at least what star reaches first and at most M. */
    const char *sets[] = {"market.addressable=30000"};
    tr = run_text(OVERLAP, sets, 1);
    CHECK(tr != NULL);
    if (tr == NULL)
        return;
    exact = true;
    for (uint64_t t = 0; t < tr->n_trials; t++) {
        double i0 = col(tr, 0, "interested")[t], d0 = col(tr, 0, "distinct_interested")[t];
        exact &= d0 == (i0 < 30000 ? i0 : 30000);
        for (size_t s = 0; s < 3; s++) {
            double d = col(tr, s, "distinct_interested")[t];
            exact &= d <= 30000 && d <= col(tr, s, "interested")[t];
        }
        exact &= col(tr, 1, "distinct_interested")[t] >= d0;
    }
    CHECK(exact);
    infl_trials_free(tr);
}

/* ---- 6. threads ------------------------------------------------------ */

static void check_threads(void)
{
    const char *texts[] = {CRN, CRN_MORE, MISFIT, OVERLAP};
    for (size_t i = 0; i < 4; i++) {
        infl_trials *one = run_threads(texts[i], NULL, 0, 1);
        infl_trials *two = run_threads(texts[i], NULL, 0, 2);
        CHECK(one != NULL && two != NULL);
        CHECK(same_trials(one, two));
        infl_trials_free(one);
        infl_trials_free(two);
    }
}

int main(void)
{
    check_common_random_numbers();
    check_metrics_present();
    check_analytic_means();
    check_misfits();
    check_order_rule();
    check_post_probability();
    check_overlap_order();
    check_threads();
    return check_exit();
}
