/*
 * The model's extensions (docs/model.md, "Extensions"), each against a value
 * known in advance:
 *  1. `skip` spends within one cheapest post of the budget where the cheapest
 *     post is known (a gifted post at the unit cost), and `stop` does not;
 *  2. `reallocate` moves exactly the leftover: constant prices where the pool
 *     and what it buys are worked out by hand;
 *  3. a creator who does not post: the fee returns as unspent, overhead is
 *     spent, the funnel is zero, and P(post) is post_probability within error;
 *  4. repeat orders are Poisson(lambda C): E[O - lambda C] = 0 and
 *     E[(O - lambda C)^2] = lambda E[C] (the analytic conditional mean and
 *     variance), with and without audience overlap;
 *  5. engagement_per_follower gives the means of the equivalent
 *     engagement_rate (E[F rho r e/(rho r)] = E[F] e), and the cap is counted;
 *  6. with no repeat orders, orders = conversions and ltv_profit = profit
 *     bit for bit;
 *  7. bad values of the new keys are refused with the fix in the message.
 * Seeds are fixed; tolerances are 4 standard errors, so a failure is a defect.
 */
#include "check.h"
#include "run_text.h"
#include "influsim/engine.h"
#include "influsim/scenario.h"
#include "influsim/study.h"
#include "influsim/unspent.h"

/* Paid posts cost 250; half the creators take a product (unit cost 10)
 * instead, so the cheapest post is 10. */
static const char *GIFTED = "name: gifted\n"
                            "seed: 99\n"
                            "trials: 2000\n"
                            "budget: 5000\n"
                            "regions: [{name: home, shippable: true}]\n"
                            "product: {price: 40, unit_cost: 10}\n"
                            "market: {purchase_rate: 0.02}\n"
                            "tiers:\n"
                            "  micro:\n"
                            "    followers: {loguniform: {min: 5000, max: 50000}}\n"
                            "    price: 250\n"
                            "    gifted_share: 0.5\n"
                            "    reach_rate: 0.3\n"
                            "    engagement_rate: 0.05\n"
                            "    audience: [1.0]\n"
                            "    interest_share: 0.2\n"
                            "strategies: [{name: only, allocation: {micro: 1}}]\n";

static void check_skip_spends_the_budget(void)
{
    infl_trials *skip = run_text(GIFTED, NULL, 0);
    const char *stop_set[] = {"hiring.rule=stop"};
    infl_trials *stop = run_text(GIFTED, stop_set, 1);
    CHECK(skip != NULL && stop != NULL);
    if (skip == NULL || stop == NULL)
        goto done;
    const uint64_t n = skip->n_trials;
    const double *u_skip = col(skip, 0, "unspent"), *u_stop = col(stop, 0, "unspent");
    double worst = 0;
    uint64_t stop_short = 0;
    for (uint64_t t = 0; t < n; t++) {
        worst = u_skip[t] > worst ? u_skip[t] : worst;
        stop_short += u_stop[t] >= 10.0;
    }
    printf("skip: most left unspent %.2f (cheapest post 10); stop leaves >= 10 in %llu of %llu\n",
           worst, (unsigned long long)stop_short, (unsigned long long)n);
    /* 25 paid creators in a row would be needed to end the tier early:
     * 2^-25 a time, never in 2,000 trials with this seed. */
    CHECK(worst < 10.0);
    CHECK(stop_short > n / 2);
done:
    infl_trials_free(skip);
    infl_trials_free(stop);
}

/* Tier a: 300 a post, tier b: 70; 500 each. a hires 1 (200 left), b hires 7
 * (10 left); the pool of 210 goes to a first (tie: tier order), where 300
 * does not fit, then to b: 3 more posts, exactly the 210. */
static const char *REALLOC = "name: realloc\n"
                             "seed: 7\n"
                             "trials: 50\n"
                             "budget: 1000\n"
                             "regions: [{name: home, shippable: true}]\n"
                             "product: {price: 40, unit_cost: 10}\n"
                             "market: {purchase_rate: 0.02}\n"
                             "hiring: {reallocate: true}\n"
                             "tiers:\n"
                             "  a: {followers: 1000, price: 300, reach_rate: 0.3,\n"
                             "      engagement_rate: 0.05, audience: [1], interest_share: 0.2}\n"
                             "  b: {followers: 1000, price: 70, reach_rate: 0.3,\n"
                             "      engagement_rate: 0.05, audience: [1], interest_share: 0.2}\n"
                             "strategies:\n"
                             "  - {name: half, allocation: {a: 0.5, b: 0.5}}\n"
                             "  - {name: mostly-b, allocation: {a: 0.3, b: 0.7}}\n";

static void check_reallocate(void)
{
    const char *rules[] = {"hiring.rule=stop", "hiring.rule=skip"};
    for (int i = 0; i < 2; i++) {
        infl_trials *tr = run_text(REALLOC, &rules[i], 1);
        CHECK(tr != NULL);
        if (tr == NULL)
            continue;
        /* half: a 1 (300), b 7 + 3 (700). mostly-b: a 300 -> 1 (0 left), b 700
         * -> 10 (0 left); nothing to move. */
        CHECK_INT(col(tr, 0, "hires_a")[0], 1);
        CHECK_INT(col(tr, 0, "hires_b")[0], 10);
        CHECK_NEAR(col(tr, 0, "spend_b")[0], 700.0, 1e-9);
        CHECK_NEAR(col(tr, 0, "unspent")[0], 0.0, 1e-9);
        CHECK_INT(col(tr, 1, "hires_a")[0], 1);
        CHECK_INT(col(tr, 1, "hires_b")[0], 10);
        infl_trials_free(tr);
    }
    /* Without reallocation the 210 stays unspent. */
    const char *off[] = {"hiring.reallocate=false"};
    infl_trials *tr = run_text(REALLOC, off, 1);
    CHECK(tr != NULL);
    if (tr != NULL) {
        CHECK_INT(col(tr, 0, "hires_b")[0], 7);
        CHECK_NEAR(col(tr, 0, "unspent")[0], 210.0, 1e-9);
        infl_trials_free(tr);
    }
    /* Largest share first: a gets 0.6 (600: 2 posts, 0 left), b 400 (5
     * posts, 50 left); the pool of 50 buys nothing in a (300) nor b (70). With
     * b at 0.6: b 600 -> 8 (40 left), a 400 -> 1 (100 left); pool 140 goes to
     * b first: 2 more posts. */
    const char *shares[] = {"strategies=[{name: s, allocation: {a: 0.4, b: 0.6}}]"};
    tr = run_text(REALLOC, shares, 1);
    CHECK(tr != NULL);
    if (tr != NULL) {
        CHECK_INT(col(tr, 0, "hires_a")[0], 1);
        CHECK_INT(col(tr, 0, "hires_b")[0], 10);
        CHECK_NEAR(col(tr, 0, "unspent")[0], 0.0, 1e-9);
        infl_trials_free(tr);
    }
}

/* 100 a post plus 10 overhead: 9 hires fit 1000. A creator who does not post
 * costs only the overhead. */
static const char *FLAKY = "name: flaky\n"
                           "seed: 5\n"
                           "trials: 4000\n"
                           "budget: 1000\n"
                           "regions: [{name: home, shippable: true}]\n"
                           "product: {price: 40, unit_cost: 10}\n"
                           "market: {purchase_rate: 0.05}\n"
                           "tiers:\n"
                           "  micro: {followers: 20000, price: 100, overhead_per_hire: 10,\n"
                           "          post_probability: 0.7, reach_rate: 0.3,\n"
                           "          engagement_rate: 0.05, audience: [1], interest_share: 0.2}\n"
                           "strategies: [{name: only, allocation: {micro: 1}}]\n";

static void check_post_probability(void)
{
    infl_trials *tr = run_text(FLAKY, NULL, 0);
    CHECK(tr != NULL);
    if (tr == NULL)
        return;
    const uint64_t n = tr->n_trials;
    const double *hires = col(tr, 0, "hires"), *undel = col(tr, 0, "undelivered");
    const double *spend = col(tr, 0, "spend"), *unspent = col(tr, 0, "unspent");
    const double *refund = col(tr, 0, "refunded_fees"), *eng = col(tr, 0, "engagements");
    bool exact = true, none_zero = true;
    double *posted = malloc(n * sizeof *posted);
    for (uint64_t t = 0; t < n; t++) {
        exact &= hires[t] == 9.0;
        exact &= fabs(spend[t] - (90.0 + 100.0 * (9.0 - undel[t]))) < 1e-9;
        exact &= fabs(refund[t] - 100.0 * undel[t]) < 1e-9;
        exact &= fabs(unspent[t] - (10.0 + refund[t])) < 1e-9;
        none_zero &= !(undel[t] == 9.0 && eng[t] > 0);
        posted[t] = (9.0 - undel[t]) / 9.0;
    }
    CHECK(exact);
    CHECK(none_zero);
    double se, p = mean_se(posted, n, &se);
    printf("post_probability 0.7: posted %.4f +- %.4f\n", p, se);
    CHECK_NEAR(p, 0.7, 4 * se);
    free(posted);
    infl_trials_free(tr);
}

static const char *REPEAT = "name: repeat\n"
                            "seed: 31\n"
                            "trials: 20000\n"
                            "budget: 3000\n"
                            "regions: [{name: home, shippable: true}, {name: away, shippable: "
                            "false}]\n"
                            "product: {price: 40, unit_cost: 10, repeat_orders: 2.5}\n"
                            "market: {purchase_rate: {beta: {mean: 0.03, kappa: 30}}}\n"
                            "tiers:\n"
                            "  micro:\n"
                            "    followers: {loguniform: {min: 5000, max: 50000}}\n"
                            "    price: {uniform: {min: 150, max: 350}}\n"
                            "    reach_rate: 0.3\n"
                            "    engagement_rate: 0.06\n"
                            "    audience: [0.8, 0.2]\n"
                            "    interest_share: 0.2\n"
                            "    conversations_per_engagement: 0.2\n"
                            "strategies: [{name: only, allocation: {micro: 1}}]\n";

static void check_repeat_orders(const char *label, const char *const *sets, size_t n_sets)
{
    infl_trials *tr = run_text(REPEAT, sets, n_sets);
    CHECK(tr != NULL);
    if (tr == NULL)
        return;
    const uint64_t n = tr->n_trials;
    const double lambda = 2.5;
    const double *conv = col(tr, 0, "conversions"), *orders = col(tr, 0, "orders");
    double *d = malloc(n * sizeof *d), *v = malloc(n * sizeof *v);
    for (uint64_t t = 0; t < n; t++) {
        double o = orders[t] - conv[t];
        d[t] = o - lambda * conv[t];
        v[t] = d[t] * d[t] - lambda * conv[t];
    }
    double se_d, se_v, se_c;
    double md = mean_se(d, n, &se_d), mv = mean_se(v, n, &se_v), mc = mean_se(conv, n, &se_c);
    printf("repeat orders (%s): E[C] %.2f; E[O - lC] %.3f +- %.3f; E[(O - lC)^2 - lC] %.2f +- "
           "%.2f\n",
           label, mc, md, se_d, mv, se_v);
    CHECK(mc > 5); /* enough customers for the check to mean something */
    CHECK_NEAR(md, 0.0, 4 * se_d);
    CHECK_NEAR(mv, 0.0, 4 * se_v);
    free(d);
    free(v);
    infl_trials_free(tr);
}

/* text with its first `old` replaced by `new` (a --set cannot remove a key);
 * the caller frees it. */
static const char *ENGAGE = "name: engage\n"
                            "seed: 17\n"
                            "trials: 20000\n"
                            "budget: 2000\n"
                            "regions: [{name: home, shippable: true}]\n"
                            "product: {price: 40, unit_cost: 10}\n"
                            "market: {purchase_rate: 0.05}\n"
                            "tiers:\n"
                            "  micro:\n"
                            "    followers: {loguniform: {min: 5000, max: 50000}}\n"
                            "    price: 200\n"
                            "    real_share: {uniform: {min: 0.7, max: 0.9}}\n"
                            "    reach_rate: {uniform: {min: 0.2, max: 0.3}}\n"
                            "    engagement_rate: 0.05\n"
                            "    audience: [1]\n"
                            "    interest_share: 0.2\n"
                            "strategies: [{name: only, allocation: {micro: 1}}]\n";

static void check_engagement_per_follower(void)
{
    /* E[rho] E[r] = 0.8 x 0.25 = 0.2: 0.05 per viewer is 0.01 per follower;
     * rho r >= 0.14, so the cap never binds. */
    infl_trials *rate = run_text(ENGAGE, NULL, 0);
    char *text = replaced(ENGAGE, "engagement_rate: 0.05", "engagement_per_follower: 0.01");
    infl_trials *epf = run_text(text, NULL, 0);
    CHECK(rate != NULL && epf != NULL);
    if (rate != NULL && epf != NULL) {
        const char *metrics[] = {"engagements", "conversions"};
        for (int i = 0; i < 2; i++) {
            double se_a, se_b;
            double a = mean_se(col(rate, 0, metrics[i]), rate->n_trials, &se_a);
            double b = mean_se(col(epf, 0, metrics[i]), epf->n_trials, &se_b);
            printf("%s: engagement_rate %.2f +- %.2f, per follower %.2f +- %.2f\n", metrics[i], a,
                   se_a, b, se_b);
            CHECK_NEAR(a, b, 4 * sqrt(se_a * se_a + se_b * se_b));
        }
        double capped = 0;
        for (uint64_t t = 0; t < epf->n_trials; t++)
            capped += col(epf, 0, "capped_engagement")[t];
        CHECK(capped == 0);
    }
    infl_trials_free(epf);
    /* 0.2 per follower is more than rho r (at most 0.27) in most hires:
     * capped at one engagement per viewer, and counted. */
    free(text);
    text = replaced(ENGAGE, "engagement_rate: 0.05", "engagement_per_follower: 0.20");
    epf = run_text(text, NULL, 0);
    CHECK(epf != NULL);
    if (epf != NULL) {
        const double *capped = col(epf, 0, "capped_engagement"), *hires = col(epf, 0, "hires");
        double c = 0, h = 0;
        for (uint64_t t = 0; t < epf->n_trials; t++) {
            c += capped[t];
            h += hires[t];
        }
        printf("engagement 0.2 per follower: capped in %.0f of %.0f hires\n", c, h);
        CHECK(c > 0.5 * h && c < h);
    }
    free(text);
    infl_trials_free(rate);
    infl_trials_free(epf);
}

/* A --set of the other form replaces the file's: the same numbers as the
 * file written with that form. */
static void check_set_replaces_form(void)
{
    const char *set[] = {"tiers.micro.engagement_per_follower=0.01"};
    infl_trials *a = run_text(ENGAGE, set, 1);
    char *text = replaced(ENGAGE, "engagement_rate: 0.05", "engagement_per_follower: 0.01");
    infl_trials *b = run_text(text, NULL, 0);
    CHECK(a != NULL && b != NULL);
    if (a != NULL && b != NULL)
        CHECK(memcmp(col(a, 0, "conversions"), col(b, 0, "conversions"),
                     a->n_trials * sizeof(double)) == 0);
    free(text);
    infl_trials_free(a);
    infl_trials_free(b);
}

/* Nobody sees a post and the dashboard says 0: no engagement, no error. */
static void check_nobody_sees(void)
{
    char *text = replaced(ENGAGE, "engagement_rate: 0.05", "engagement_per_follower: 0");
    const char *sets[] = {"tiers.micro.reach_rate=0", "trials=200"};
    infl_trials *tr = run_text(text, sets, 2);
    CHECK(tr != NULL);
    if (tr != NULL) {
        double eng = 0;
        for (uint64_t t = 0; t < tr->n_trials; t++)
            eng += col(tr, 0, "engagements")[t];
        CHECK(eng == 0);
    }
    free(text);
    infl_trials_free(tr);
}

/* Nobody posts, no overhead, reallocation on and prices that do not add up
 * exactly in binary: spend is exactly 0 (ROI missing), never a rounding
 * residue of the refunds. */
static const char *NOBODY_POSTS =
    "name: nobody-posts\n"
    "seed: 11\n"
    "trials: 400\n"
    "budget: 1000\n"
    "regions: [{name: home, shippable: true}]\n"
    "product: {price: 40, unit_cost: 10}\n"
    "market: {purchase_rate: 0.05}\n"
    "hiring: {reallocate: true}\n"
    "tiers:\n"
    "  a: {followers: 1000, price: {lognormal: {median: 50, sigma: 0.3}}, post_probability: 0,\n"
    "      reach_rate: 0.3, engagement_rate: 0.05, audience: [1], interest_share: 0.2}\n"
    "  b: {followers: 1000, price: 5000, reach_rate: 0.3, engagement_rate: 0.05,\n"
    "      audience: [1], interest_share: 0.2}\n"
    "strategies: [{name: s, allocation: {a: 0.1, b: 0.9}}]\n";

static void check_refunds_exact(void)
{
    infl_trials *tr = run_text(NOBODY_POSTS, NULL, 0);
    CHECK(tr != NULL);
    if (tr == NULL)
        return;
    bool zero = true, missing = true;
    for (uint64_t t = 0; t < tr->n_trials; t++) {
        zero &= col(tr, 0, "spend")[t] == 0.0 && col(tr, 0, "unspent")[t] == 1000.0;
        missing &= isnan(col(tr, 0, "roi")[t]) && isnan(col(tr, 0, "ltv_roi")[t]);
    }
    CHECK(zero);
    CHECK(missing);
    infl_trials_free(tr);
}

/* With reallocation the money left was offered to every tier: the note says
 * so instead of blaming the tier that gave its share away. Micro posts cost
 * 3000, macro 6000, 5000 each: micro buys 1 (2000 left), macro none (5000
 * left); the pool of 7000 buys 2 more micro posts, and 1000 stays. */
static const char *POOLED = "name: pooled\n"
                            "seed: 3\n"
                            "trials: 200\n"
                            "budget: 10000\n"
                            "regions: [{name: home, shippable: true}]\n"
                            "product: {price: 40, unit_cost: 10}\n"
                            "market: {purchase_rate: 0.05}\n"
                            "hiring: {reallocate: true}\n"
                            "tiers:\n"
                            "  micro: {followers: 1000, price: 3000, reach_rate: 0.3,\n"
                            "          engagement_rate: 0.05, audience: [1], interest_share: 0.2}\n"
                            "  macro: {followers: 1000, price: 6000, reach_rate: 0.3,\n"
                            "          engagement_rate: 0.05, audience: [1], interest_share: 0.2}\n"
                            "strategies: [{name: half, allocation: {micro: 0.5, macro: 0.5}}]\n";

static void check_unspent_note_pooled(void)
{
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    infl_summary *sm = NULL;
    CHECK(infl_scenario_load_text(POOLED, strlen(POOLED), "t", NULL, 0, &sc, &err) == INFL_OK);
    CHECK(sc && infl_study_summary(sc, 2, NULL, false, &sm, NULL, &err) == INFL_OK);
    if (sm != NULL) {
        infl_unspent_note notes[4];
        size_t n = infl_unspent_notes(sc, sm, notes, 4);
        CHECK_INT(n, 1);
        if (n == 1) {
            printf("note: %s\n", notes[0].text);
            CHECK(strstr(notes[0].text, "half leaves 1000 USD (10 % of the budget)") != NULL);
            CHECK(strstr(notes[0].text, "after reallocation 1000 USD is left") != NULL);
            CHECK(strstr(notes[0].text, "the cheapest, micro, costs 3000 USD") != NULL);
        }
    }
    infl_summary_free(sm);
    infl_scenario_free(sc);
    infl_error_destroy(&err);
}

static void check_ltv_without_repeats(void)
{
    infl_trials *tr = run_text(ENGAGE, NULL, 0);
    CHECK(tr != NULL);
    if (tr == NULL)
        return;
    bool same = true;
    for (uint64_t t = 0; t < tr->n_trials; t++) {
        same &= col(tr, 0, "orders")[t] == col(tr, 0, "conversions")[t];
        same &= col(tr, 0, "ltv_profit")[t] == col(tr, 0, "profit")[t];
        same &= col(tr, 0, "ltv_revenue")[t] == col(tr, 0, "revenue")[t];
    }
    CHECK(same);
    infl_trials_free(tr);
}

/* A load that must fail with a message containing `want`. */
static void check_refused(const char *text, const char *const *sets, size_t n_sets,
                          const char *want)
{
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    infl_status rc = infl_scenario_load_text(text, strlen(text), "t.yaml", sets, n_sets, &sc, &err);
    CHECK(rc == INFL_EINVAL);
    const char *msg = infl_error_message(&err);
    if (strstr(msg, want) == NULL) {
        check_failures++;
        fprintf(stderr, "expected a message with \"%s\", got:\n%s\n", want, msg);
    }
    infl_scenario_free(sc);
    infl_error_destroy(&err);
}

static void check_bad_values(void)
{
    const char *rule[] = {"hiring.rule=greedy"};
    check_refused(ENGAGE, rule, 1, "hiring.rule: must be skip");
    const char *skips[] = {"hiring.max_skips=0"};
    check_refused(ENGAGE, skips, 1, "hiring.max_skips: must be between 1 and");
    char *both = replaced(ENGAGE, "engagement_rate: 0.05",
                          "engagement_rate: 0.05\n    engagement_per_follower: 0.01");
    check_refused(both, NULL, 0, "give either engagement_rate (per viewer) or");
    free(both);
    const char *cases[][2] = {
        {"engagement_per_follower: 1.78", "if the dashboard quoted 1.78 %, write 0.0178"},
        {"engagement_per_follower: 0.30",
         "probably the share of viewers who engage: write it as engagement_rate: 0.3"},
        {"engagement_rat: 0.05", "did you mean 'engagement_rate'?"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = replaced(ENGAGE, "engagement_rate: 0.05", cases[i][0]);
        check_refused(text, NULL, 0, cases[i][1]);
        free(text);
    }
    const char *post[] = {"tiers.micro.post_probability=1.2"};
    check_refused(ENGAGE, post, 1, "tiers.micro.post_probability: must be in [0, 1]");
    const char *over[] = {"tiers.micro.overhead_per_hire=-5"};
    check_refused(ENGAGE, over, 1, "tiers.micro.overhead_per_hire: must be >= 0");
    const char *rep[] = {"product.repeat_orders=-1"};
    check_refused(ENGAGE, rep, 1, "product.repeat_orders: must be in [0, 1000]");
}

int main(void)
{
    check_skip_spends_the_budget();
    check_reallocate();
    check_post_probability();
    check_repeat_orders("no overlap", NULL, 0);
    const char *overlap[] = {"market.addressable=30000"};
    check_repeat_orders("overlap", overlap, 1);
    check_engagement_per_follower();
    check_set_replaces_form();
    check_nobody_sees();
    check_refunds_exact();
    check_unspent_note_pooled();
    check_ltv_without_repeats();
    check_bad_values();
    return check_exit();
}
