/*
 * Unit tests of the sensitivity study (sim/study/sensitivity.c) on a
 * scenario whose mean conversions are a product of independent factors: one
 * region, constant rates, no overlap (no addressable market), no word of
 * mouth, 10 posts of 100,000 followers each. Strategy all-a's mean
 * conversions are then 10 x 100,000 x reach x engagement x interest x
 * purchase, and the analytic first-order and total indices of a product of
 * independent uniforms are known (below); tier b's interest share moves only
 * all-b, so all-a's indices on it must be 0 exactly (its runs are bit for bit
 * the same: common random numbers, and tier b's draws are its own).
 */
#include "check.h"
#include "influsim/sensitivity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char scenario[] = "name: product\n"
                               "seed: 7\n"
                               "trials: 400\n"
                               "budget: 10000\n"
                               "regions: [{name: home, shippable: true}]\n"
                               "product: {price: 50, unit_cost: 10}\n"
                               "market: {purchase_rate: 0.02, wom_purchase_factor: 0}\n"
                               "tiers:\n"
                               "  a:\n"
                               "    followers: 100000\n"
                               "    price: 1000\n"
                               "    real_share: 1\n"
                               "    reach_rate: 0.2\n"
                               "    engagement_rate: 0.1\n"
                               "    audience: [1]\n"
                               "    interest_share: 0.2\n"
                               "    conversations_per_engagement: 0\n"
                               "  b:\n"
                               "    followers: 100000\n"
                               "    price: 1000\n"
                               "    real_share: 1\n"
                               "    reach_rate: 0.2\n"
                               "    engagement_rate: 0.1\n"
                               "    audience: [1]\n"
                               "    interest_share: 0.15\n"
                               "    conversations_per_engagement: 0\n"
                               "strategies:\n"
                               "  - {name: all-a, allocation: {a: 1}}\n"
                               "  - {name: all-b, allocation: {b: 1}}\n";

static char k_reach[] = "tiers.a.reach_rate", k_eng[] = "tiers.a.engagement_rate",
            k_int[] = "tiers.a.interest_share", k_pur[] = "market.purchase_rate",
            k_other[] = "tiers.b.interest_share";

/* The four product factors, each uniform over base -/+ 50 %, and tier b's
 * interest share, which all-a ignores. */
static infl_factor factors[5] = {
    {.key = k_reach, .label = k_reach, .lo = 0.1, .hi = 0.3, .base = 0.2},
    {.key = k_eng, .label = k_eng, .lo = 0.05, .hi = 0.15, .base = 0.1},
    {.key = k_int, .label = k_int, .lo = 0.1, .hi = 0.3, .base = 0.2},
    {.key = k_pur, .label = k_pur, .lo = 0.01, .hi = 0.03, .base = 0.02},
    {.key = k_other, .label = k_other, .lo = 0.1, .hi = 0.18, .base = 0.15},
};

static infl_scenario *load(void)
{
    infl_scenario *sc = NULL;
    infl_error err;
    infl_error_init(&err);
    if (infl_scenario_load_text(scenario, strlen(scenario), "product.yaml", NULL, 0, &sc, &err) !=
        INFL_OK)
        fprintf(stderr, "%s", infl_error_message(&err));
    infl_error_destroy(&err);
    return sc;
}

/* Analytic indices of Y = X1 X2 X3 X4 with Xi ~ U(lo_i, hi_i) independent:
 * with m_i = E[Xi] and s_i = E[Xi^2], V = prod s - prod m^2;
 * S1_i = Var(Xi) prod_{j != i} m_j^2 / V (the variance of E[Y | Xi]);
 * ST_i = 1 - m_i^2 (prod_{j != i} s_j - prod_{j != i} m_j^2) / V (one minus
 * the variance of E[Y | X~i]). */
static void analytic(double *s1, double *st)
{
    double m[4], s[4], pm = 1, ps = 1;
    for (int i = 0; i < 4; i++) {
        double lo = factors[i].lo, hi = factors[i].hi;
        m[i] = 0.5 * (lo + hi);
        s[i] = (lo * lo + lo * hi + hi * hi) / 3;
        pm *= m[i] * m[i];
        ps *= s[i];
    }
    const double v = ps - pm;
    for (int i = 0; i < 4; i++) {
        double var = s[i] - m[i] * m[i];
        s1[i] = var * (pm / (m[i] * m[i])) / v;
        st[i] = 1 - m[i] * m[i] * (ps / s[i] - pm / (m[i] * m[i])) / v;
    }
}

static infl_status run(const infl_scenario *sc, infl_sens_method method, size_t k, size_t samples,
                       unsigned threads, infl_sens_result *r)
{
    infl_sens_options opt = {.method = method,
                             .samples = samples,
                             .bootstrap = 400,
                             .threads = threads,
                             .compare_a = 0,
                             .compare_b = 1};
    infl_error err;
    infl_error_init(&err);
    infl_status rc = infl_sens_run(sc, factors, k, &opt, r, &err);
    if (rc != INFL_OK)
        fprintf(stderr, "%s", infl_error_message(&err));
    infl_error_destroy(&err);
    return rc;
}

/* Sobol on the product: every analytic index inside its bootstrap interval,
 * ST within 0.05 and S1 within 0.1 of the estimate (N = 256: the 95 %
 * intervals are about +/- 0.07 wide for ST and +/- 0.1 for S1 here, the
 * Saltelli estimator of S1 being the noisier, so 0.1 is about two standard
 * deviations of S1's); the ignored factor's exactly 0. */
static void test_sobol_product(const infl_scenario *sc)
{
    infl_sens_result r;
    CHECK_INT(run(sc, INFL_SENS_SOBOL, 5, 256, 2, &r), INFL_OK);
    CHECK_INT(r.n_runs, 1 + 256 * (5 + 2));
    double s1[4], st[4];
    analytic(s1, st);
    const size_t t = 0 * INFL_SENS_N_OUTPUTS + INFL_SENS_CONVERSIONS_MEAN; /* all-a */
    for (size_t f = 0; r.indices != NULL && f < 4; f++) {
        const infl_sens_index *x = &r.indices[f * r.n_targets + t];
        printf("  factor %zu: S1 %.4f [%.4f, %.4f] (analytic %.4f), ST %.4f [%.4f, %.4f] "
               "(analytic %.4f)\n",
               f, x->s1.value, x->s1.lo, x->s1.hi, s1[f], x->st.value, x->st.lo, x->st.hi, st[f]);
        CHECK(x->s1.lo <= s1[f] && s1[f] <= x->s1.hi);
        CHECK(x->st.lo <= st[f] && st[f] <= x->st.hi);
        CHECK_NEAR(x->s1.value, s1[f], 0.1);
        CHECK_NEAR(x->st.value, st[f], 0.05);
    }
    if (r.indices != NULL) {
        const infl_sens_index *x = &r.indices[4 * r.n_targets + t];
        CHECK(x->st.value == 0);
        CHECK(x->s1.value == 0);
        /* ... and the Monte Carlo noise is a tiny share of the design's variance. */
        CHECK(r.noise[t] < 0.01 * r.design[t]);
        CHECK_INT(r.trials_needed[t], 0);
    }
    infl_sens_result_destroy(&r);
}

/* The same numbers, bit for bit, on 1 and 2 threads (and Morris's too). */
static void test_threads(const infl_scenario *sc)
{
    for (int m = INFL_SENS_MORRIS; m <= INFL_SENS_SOBOL; m++) {
        infl_sens_result a, b;
        const size_t samples = m == INFL_SENS_SOBOL ? 32 : 10;
        CHECK_INT(run(sc, (infl_sens_method)m, 5, samples, 1, &a), INFL_OK);
        CHECK_INT(run(sc, (infl_sens_method)m, 5, samples, 2, &b), INFL_OK);
        CHECK_INT(a.n_runs, b.n_runs);
        if (a.n_runs == b.n_runs && a.targets && b.targets) {
            CHECK(memcmp(a.targets, b.targets, a.n_runs * a.n_targets * sizeof *a.targets) == 0);
            CHECK(memcmp(a.indices, b.indices, a.n_factors * a.n_targets * sizeof *a.indices) == 0);
        }
        infl_sens_result_destroy(&a);
        infl_sens_result_destroy(&b);
    }
}

/* Morris: the ignored factor's effects on all-a are 0 exactly; the product's
 * four factors all matter, each mu* above its interval's floor of 0. */
static void test_morris(const infl_scenario *sc)
{
    infl_sens_result r;
    CHECK_INT(run(sc, INFL_SENS_MORRIS, 5, 20, 2, &r), INFL_OK);
    CHECK_INT(r.n_runs, 1 + 20 * 6);
    const size_t t = INFL_SENS_CONVERSIONS_MEAN;
    for (size_t f = 0; r.indices != NULL && f < 5; f++) {
        const infl_sens_index *x = &r.indices[f * r.n_targets + t];
        printf("  morris factor %zu: mu* %.3f [%.3f, %.3f], sigma %.3f\n", f, x->mu_star.value,
               x->mu_star.lo, x->mu_star.hi, x->sigma);
        if (f == 4)
            CHECK(x->mu_star.value == 0 && x->mu == 0 && x->sigma == 0);
        else
            CHECK(x->mu_star.lo > 0);
    }
    infl_sens_result_destroy(&r);
}

/* The tornado: at_lo and at_hi are the runs of the factor's ends; all-a's
 * mean conversions are 400 x reach with the rest at base and all-b's 60,
 * so the pair flips at reach = 0.15, found within the noise. */
static void test_tornado(const infl_scenario *sc)
{
    infl_sens_result r;
    CHECK_INT(run(sc, INFL_SENS_TORNADO, 5, 0, 2, &r), INFL_OK);
    const size_t nt = r.n_targets, d = 2 * INFL_SENS_N_OUTPUTS + INFL_SENS_DIFFERENCE;
    if (r.indices != NULL) {
        CHECK(r.indices[0 * nt + 0].at_lo == r.targets[1 * nt + 0]);
        CHECK(r.indices[0 * nt + 0].at_hi == r.targets[2 * nt + 0]);
        /* 400 x 0.1 and 400 x 0.3, within 4 standard errors of a run */
        const double se = sqrt(r.noise[0]);
        CHECK_NEAR(r.indices[0].at_lo, 40, 4 * se);
        CHECK_NEAR(r.indices[0].at_hi, 120, 4 * se);
        /* the ignored factor moves all-a by exactly nothing */
        CHECK(r.indices[4 * nt + 0].swing == 0);
    }
    /* Flips: reach (0.15), engagement (0.075) and interest (0.15) each bring
     * all-a down to all-b below base; the market's purchase rate scales both
     * strategies alike, so it cannot, nor can tier b's interest share (all-b
     * at 0.18 makes 72). */
    CHECK_INT(r.n_flips, 3);
    const double expect[3] = {0.15, 0.075, 0.15};
    for (size_t i = 0; i < r.n_flips && i < 3; i++) {
        const infl_sens_flip *fl = &r.flips[i];
        CHECK_INT(fl->factor, i);
        /* The difference moves by (its base) / (factor's base) per unit of
         * the factor; the bracket must hold the true flip within 4 se. */
        const double slope = 80 / factors[i].base, tol = 4 * sqrt(r.noise[d]) / slope;
        printf("  flip %zu at %.5f [%.5f, %.5f] (analytic %.5f, tolerance %.5f)\n", i, fl->at,
               fl->lower, fl->upper, expect[i], tol);
        CHECK_NEAR(fl->at, expect[i], tol + (fl->upper - fl->lower));
        CHECK_INT(fl->from, 1); /* all-b leads below */
        CHECK_INT(fl->to, 0);
    }
    infl_sens_result_destroy(&r);
}

/* Bad options: each refused with INFL_EARG and a message. */
static void test_errors(const infl_scenario *sc)
{
    struct {
        infl_sens_options opt;
        size_t k;
        const char *message;
    } bad[] = {
        {{.method = INFL_SENS_TORNADO, .compare_a = 0, .compare_b = 0}, 5, "two different"},
        {{.method = INFL_SENS_TORNADO, .compare_a = 0, .compare_b = 7}, 5, "two different"},
        {{.method = INFL_SENS_SOBOL, .samples = 4, .compare_b = 1}, 5, "--samples"},
        {{.method = INFL_SENS_MORRIS, .levels = 3, .compare_b = 1}, 5, "--levels"},
        {{.method = INFL_SENS_TORNADO, .compare_b = 1}, 0, "needs factors"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        infl_sens_result r;
        infl_error err;
        infl_error_init(&err);
        CHECK_INT(infl_sens_run(sc, factors, bad[i].k, &bad[i].opt, &r, &err), INFL_EARG);
        CHECK_CONTAINS(infl_error_message(&err), bad[i].message);
        infl_error_destroy(&err);
        infl_sens_result_destroy(&r);
    }
    /* More factors than Sobol's design supports. */
    infl_factor many[21];
    for (size_t f = 0; f < 21; f++)
        many[f] = factors[0];
    infl_sens_options opt = {.method = INFL_SENS_SOBOL, .compare_b = 1};
    infl_sens_result r;
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl_sens_run(sc, many, 21, &opt, &r, &err), INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err), "at most 20 factors (got 21)");
    infl_error_destroy(&err);
    infl_sens_result_destroy(&r);
}

int main(void)
{
    infl_scenario *sc = load();
    CHECK(sc != NULL);
    if (sc != NULL) {
        test_sobol_product(sc);
        test_threads(sc);
        test_morris(sc);
        test_tornado(sc);
        test_errors(sc);
    }
    infl_scenario_free(sc);
    return check_exit();
}
