/*
 * The checks the model must pass (docs/model.md, "Checks"):
 *  1. constant rates, one region, no overlap, no word of mouth: the
 *     conversions of one hire are exactly Binomial(F, real*reach*eng*interest*p),
 *     tested with a chi-square against GSL's binomial pmf;
 *  2. a constant price c with budget B gives floor(B / c) hires;
 *  3. random rates, no overlap: mean conversions per hire equal the product of
 *     the means, within Monte Carlo error;
 *  4. with market.addressable = M, distinct interested people never exceed M.
 * Seeds are fixed, so each check gives the same numbers every run: the
 * tolerances (4 standard errors, a 0.1 % chi-square tail) make a pass
 * meaningful and a failure a real defect, never a flake.
 */
#include "check.h"
#include "run_text.h"
#include "influsim/engine.h"
#include "influsim/scenario.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

static double mean_of(const double *x, uint64_t n, double *se)
{
    double s = 0, ss = 0;
    for (uint64_t i = 0; i < n; i++)
        s += x[i];
    double m = s / (double)n;
    for (uint64_t i = 0; i < n; i++)
        ss += (x[i] - m) * (x[i] - m);
    *se = sqrt(ss / (double)(n - 1) / (double)n);
    return m;
}

static const char *EXACT = "name: exact\n"
                           "seed: 2024\n"
                           "trials: 20000\n"
                           "budget: 100\n"
                           "regions: [{name: home, shippable: true}]\n"
                           "product: {price: 50, unit_cost: 10}\n"
                           "market: {purchase_rate: 0.2}\n"
                           "tiers:\n"
                           "  solo:\n"
                           "    followers: 1000\n"
                           "    price: 100\n"
                           "    real_share: 0.9\n"
                           "    reach_rate: 0.4\n"
                           "    engagement_rate: 0.25\n"
                           "    audience: [1.0]\n"
                           "    interest_share: 0.5\n"
                           "strategies: [{name: only, allocation: {solo: 1}}]\n";

static void check_exact_binomial(void)
{
    infl_trials *tr = run_text(EXACT, NULL, 0);
    CHECK(tr != NULL);
    if (tr == NULL)
        return;
    const unsigned F = 1000;
    const double q = 0.9 * 0.4 * 0.25 * 0.5 * 0.2;
    const double *conv = col(tr, 0, "conversions");
    const double *hires = col(tr, 0, "hires");
    enum { KMAX = 60 };
    double observed[KMAX + 1] = {0};
    int one_hire = 1;
    for (uint64_t t = 0; t < tr->n_trials; t++) {
        one_hire &= hires[t] == 1.0;
        unsigned k = (unsigned)conv[t];
        observed[k < KMAX ? k : KMAX]++;
    }
    CHECK(one_hire);
    /* Chi-square over bins with expected counts >= 5, tails merged. */
    double n = (double)tr->n_trials, chi2 = 0, acc_o = 0, acc_e = 0;
    int dof = -1;
    for (unsigned k = 0; k <= KMAX; k++) {
        double e =
            k < KMAX ? n * gsl_ran_binomial_pdf(k, q, F) : n * gsl_cdf_binomial_Q(KMAX - 1, q, F);
        acc_o += observed[k];
        acc_e += e;
        if (acc_e >= 5.0 || k == KMAX) {
            chi2 += (acc_o - acc_e) * (acc_o - acc_e) / (acc_e > 0 ? acc_e : 1);
            dof++;
            acc_o = acc_e = 0;
        }
    }
    double p = gsl_cdf_chisq_Q(chi2, dof);
    printf("exact binomial: chi2 = %.2f on %d dof, p = %.3f\n", chi2, dof, p);
    CHECK(dof >= 10);
    CHECK(p > 0.001);
    double se;
    CHECK_NEAR(mean_of(conv, tr->n_trials, &se), F * q, 4 * sqrt(F * q * (1 - q) / n));
    infl_trials_free(tr);
}

static void check_floor_hires(void)
{
    struct {
        const char *budget, *price, *fee, *gifted;
        double expect;
    } cases[] = {
        {"budget=1000", "tiers.solo.price=7", "tiers.solo.platform_fee=0",
         "tiers.solo.gifted_share=0", 142},
        {"budget=10000", "tiers.solo.price=180", "tiers.solo.platform_fee=0.25",
         "tiers.solo.gifted_share=0", 44},
        {"budget=1000000", "tiers.solo.price=3", "tiers.solo.platform_fee=0",
         "tiers.solo.gifted_share=0", 333333},
        {"budget=1", "tiers.solo.price=0.1", "tiers.solo.platform_fee=0",
         "tiers.solo.gifted_share=0", 10},
        {"budget=99.99", "tiers.solo.price=100", "tiers.solo.platform_fee=0",
         "tiers.solo.gifted_share=0", 0},
        /* Every candidate gifted: each post costs the product's unit cost (10). */
        {"budget=1005", "tiers.solo.price=100", "tiers.solo.platform_fee=0.3",
         "tiers.solo.gifted_share=1", 100},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *sets[] = {cases[i].budget, cases[i].price, cases[i].fee, cases[i].gifted,
                              "trials=50"};
        infl_trials *tr = run_text(EXACT, sets, 5);
        CHECK(tr != NULL);
        if (tr == NULL)
            continue;
        const double *h = col(tr, 0, "hires"), *spend = col(tr, 0, "spend"),
                     *unspent = col(tr, 0, "unspent"), *roi = col(tr, 0, "roi");
        double budget = atof(cases[i].budget + 7);
        for (uint64_t t = 0; t < tr->n_trials; t++) {
            if (h[t] != cases[i].expect) {
                fprintf(stderr, "case %zu trial %llu: %g hires, expected %g\n", i,
                        (unsigned long long)t, h[t], cases[i].expect);
                CHECK(0);
                break;
            }
            CHECK_NEAR(spend[t] + unspent[t], budget, 1e-6 * budget);
            if (h[t] == 0)
                CHECK(isnan(roi[t]));
        }
        infl_trials_free(tr);
    }
}

static const char *RANDOM =
    "name: random-rates\n"
    "seed: 77\n"
    "trials: 40000\n"
    "budget: 100\n"
    "regions: [{name: home, shippable: true}, {name: away, shippable: false}]\n"
    "product: {price: 50, unit_cost: 10}\n"
    "market:\n"
    "  purchase_rate: {beta: {mean: 0.05, kappa: 50}}\n"
    "  wom_purchase_factor: 0.5\n"
    "tiers:\n"
    "  solo:\n"
    "    followers: 2000\n"
    "    price: 100\n"
    "    real_share: {beta: {mean: 0.8, kappa: 20}}\n"
    "    reach_rate: {beta: {mean: 0.3, kappa: 10}}\n"
    "    engagement_rate: {uniform: {min: 0.05, max: 0.15}}\n"
    "    audience: {dirichlet: {mean: [0.6, 0.4], kappa: 10}}\n"
    "    interest_share: {loguniform: {min: 0.1, max: 0.5}}\n"
    "    conversations_per_engagement: 0.5\n"
    "strategies: [{name: only, allocation: {solo: 1}}]\n";

static void check_product_of_means(void)
{
    infl_trials *tr = run_text(RANDOM, NULL, 0);
    CHECK(tr != NULL);
    if (tr == NULL)
        return;
    const double interest = (0.5 - 0.1) / log(0.5 / 0.1);
    const double engaged = 2000 * 0.8 * 0.3 * 0.1;
    double se, m;
    m = mean_of(col(tr, 0, "conversions_direct"), tr->n_trials, &se);
    printf("direct conversions per hire: %.4f +- %.4f, expected %.4f\n", m, se,
           engaged * 0.6 * interest * 0.05);
    CHECK_NEAR(m, engaged * 0.6 * interest * 0.05, 4 * se);
    m = mean_of(col(tr, 0, "lost_conversions"), tr->n_trials, &se);
    CHECK_NEAR(m, engaged * 0.4 * interest * 0.05, 4 * se);
    m = mean_of(col(tr, 0, "engagements"), tr->n_trials, &se);
    CHECK_NEAR(m, engaged, 4 * se);
    m = mean_of(col(tr, 0, "conversations"), tr->n_trials, &se);
    CHECK_NEAR(m, engaged * 0.5, 4 * se);
    /* Word of mouth: prospects ~ Binomial(W, interest * shippable share). */
    m = mean_of(col(tr, 0, "conversions_wom"), tr->n_trials, &se);
    printf("word-of-mouth conversions per hire: %.4f +- %.4f, expected %.4f\n", m, se,
           engaged * 0.5 * interest * 0.6 * 0.05 * 0.5);
    CHECK_NEAR(m, engaged * 0.5 * interest * 0.6 * 0.05 * 0.5, 4 * se);
    /* The market draw is recorded per trial. */
    CHECK_NEAR(mean_of(tr->purchase_rate, tr->n_trials, &se), 0.05, 4 * se);
    infl_trials_free(tr);
}

static const char *OVERLAP = "name: overlap\n"
                             "seed: 5\n"
                             "trials: 2000\n"
                             "budget: 5000\n"
                             "regions: [{name: home, shippable: true}]\n"
                             "product: {price: 50, unit_cost: 10}\n"
                             "market: {purchase_rate: 0.3, addressable: 100}\n"
                             "tiers:\n"
                             "  micro:\n"
                             "    followers: {loguniform: {min: 2000, max: 8000}}\n"
                             "    price: 100\n"
                             "    reach_rate: 0.5\n"
                             "    engagement_rate: 0.05\n"
                             "    audience: [1]\n"
                             "    interest_share: 0.2\n"
                             "  macro:\n"
                             "    followers: 200000\n"
                             "    price: 2500\n"
                             "    reach_rate: 0.2\n"
                             "    engagement_rate: 0.02\n"
                             "    audience: [1]\n"
                             "    interest_share: 0.15\n"
                             "strategies:\n"
                             "  - {name: micro, allocation: {micro: 1}}\n"
                             "  - {name: macro, allocation: {macro: 1}}\n"
                             "  - {name: mix, allocation: {micro: 0.5, macro: 0.5}}\n";

static void check_overlap_bound(void)
{
    infl_trials *tr = run_text(OVERLAP, NULL, 0);
    CHECK(tr != NULL);
    if (tr == NULL)
        return;
    for (size_t s = 0; s < tr->n_strategies; s++) {
        const double *d = col(tr, s, "distinct_interested"), *i = col(tr, s, "interested"),
                     *c = col(tr, s, "conversions_direct");
        double most = 0, most_interested = 0;
        int bounded = 1;
        for (uint64_t t = 0; t < tr->n_trials; t++) {
            bounded &= d[t] <= 100 && d[t] <= i[t] && c[t] <= d[t];
            most = d[t] > most ? d[t] : most;
            most_interested = i[t] > most_interested ? i[t] : most_interested;
        }
        printf("overlap, %s: most distinct %.0f of 100, most interested %.0f\n",
               tr->strategy_names[s], most, most_interested);
        CHECK(bounded);
        /* The bound must bind for the check to mean anything. */
        CHECK(most_interested > 150);
        CHECK(most > 90);
    }
    infl_trials_free(tr);
}

/* Limits: exactly 10,000,000 posts are allowed, one more is refused; a post
 * that would start more conversations than the Poisson sampler can draw is
 * refused with a message; shares summing to 1 only within 1e-6 never
 * overspend the budget. */
static void check_limits(void)
{
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    infl_trials *tr = NULL;
    const char *exact[] = {"budget=1000000", "tiers.solo.price=0.1", "trials=1"};
    CHECK_INT(infl_scenario_load_text(EXACT, strlen(EXACT), "test", exact, 3, &sc, &err), INFL_OK);
    CHECK_INT(infl_engine_run(sc, &(infl_run_options){.threads = 1}, &tr, NULL, NULL, &err),
              INFL_OK);
    if (tr)
        CHECK_NEAR(infl_trials_column(tr, 0, infl_trials_metric_index(tr, "hires"))[0], 1e7, 0);
    infl_trials_free(tr);
    infl_scenario_free(sc);

    const char *more[] = {"budget=1000000.1", "tiers.solo.price=0.1", "trials=1"};
    CHECK_INT(infl_scenario_load_text(EXACT, strlen(EXACT), "test", more, 3, &sc, &err), INFL_OK);
    CHECK_INT(infl_engine_run(sc, &(infl_run_options){.threads = 1}, &tr, NULL, NULL, &err),
              INFL_ELIMIT);
    CHECK_CONTAINS(infl_error_message(&err),
                   "would hire more than 10000000 posts from tier 'solo'");
    infl_scenario_free(sc);

    infl_error_clear(&err);
    const char *talk[] = {"tiers.solo.followers=4000000000",
                          "tiers.solo.real_share=1",
                          "tiers.solo.reach_rate=1",
                          "tiers.solo.engagement_rate=1",
                          "tiers.solo.conversations_per_engagement=1e8",
                          "trials=3"};
    CHECK_INT(infl_scenario_load_text(EXACT, strlen(EXACT), "test", talk, 6, &sc, &err), INFL_OK);
    CHECK_INT(infl_engine_run(sc, &(infl_run_options){.threads = 2}, &tr, NULL, NULL, &err),
              INFL_ELIMIT);
    CHECK_CONTAINS(infl_error_message(&err), "trial 0: tier 'solo', candidate 0: ");
    CHECK_CONTAINS(infl_error_message(&err), "expected conversations");
    infl_scenario_free(sc);

    infl_error_clear(&err);
    const char *two_tiers =
        "name: shares\n"
        "trials: 20\n"
        "budget: 1000000\n"
        "regions: [{name: home, shippable: true}]\n"
        "product: {price: 50, unit_cost: 10}\n"
        "market: {purchase_rate: 0.1}\n"
        "tiers:\n"
        "  a: {followers: 10, price: 500000.4, reach_rate: 1, engagement_rate: 1,"
        " audience: [1], interest_share: 1}\n"
        "  b: {followers: 10, price: 500000.3, reach_rate: 1, engagement_rate: 1,"
        " audience: [1], interest_share: 1}\n"
        "strategies: [{name: s, allocation: {a: 0.5000005, b: 0.5000004}}]\n";
    CHECK_INT(infl_scenario_load_text(two_tiers, strlen(two_tiers), "test", NULL, 0, &sc, &err),
              INFL_OK);
    CHECK_INT(infl_engine_run(sc, &(infl_run_options){.threads = 1}, &tr, NULL, NULL, &err),
              INFL_OK);
    if (tr) {
        const double *unspent = infl_trials_column(tr, 0, infl_trials_metric_index(tr, "unspent"));
        CHECK(unspent[0] >= 0);
    }
    infl_trials_free(tr);
    infl_scenario_free(sc);
    infl_error_destroy(&err);
}

int main(void)
{
    check_limits();
    check_exact_binomial();
    check_floor_hires();
    check_product_of_means();
    check_overlap_bound();
    return check_exit();
}
