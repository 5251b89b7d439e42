/*
 * Unit tests of the summary: mean, sd (n - 1), standard error, quantiles by
 * linear interpolation (numpy's default), P(zero), missing ratios and ratios
 * of totals, and the pairwise comparisons, on hand-made columns with known answers.
 */
#include "check.h"
#include "influsim/results.h"
#include "model/metrics.h"

#include <stdbool.h>

static infl_metric_info *metrics_new(size_t n)
{
    infl_metric_info *m = calloc(n, sizeof *m);
    for (size_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "m%zu", i);
        m[i].name = strdup(i == INFL_M_CONVERSIONS ? "conversions" : name);
        m[i].long_name = strdup("test");
        m[i].units = strdup("1");
        m[i].ratio =
            i == INFL_M_ROI || i == INFL_M_COST_PER_ACQUISITION || i == INFL_M_COST_PER_ENGAGEMENT;
    }
    return m;
}

int main(void)
{
    const size_t nm = INFL_M_FIXED_COUNT, ns = 2, n = 5;
    infl_trials tr = {.n_trials = n, .n_strategies = ns, .n_metrics = nm};
    tr.metrics = metrics_new(nm);
    char *names[] = {"a", "b"};
    tr.strategy_names = infl_names_copy(names, 2);
    tr.values = calloc(ns * nm * n, sizeof(double));
    double *a_conv = tr.values + (0 * nm + INFL_M_CONVERSIONS) * n;
    double *b_conv = tr.values + (1 * nm + INFL_M_CONVERSIONS) * n;
    const double av[5] = {0, 3, 1, 10, 4}, bv[5] = {1, 3, 0, 2, 4};
    memcpy(a_conv, av, sizeof av);
    memcpy(b_conv, bv, sizeof bv);
    /* ROI of a: one trial undefined; profit and spend for the ratio of totals. */
    double *roi = tr.values + (0 * nm + INFL_M_ROI) * n;
    double *profit = tr.values + (0 * nm + INFL_M_PROFIT) * n;
    double *spend = tr.values + (0 * nm + INFL_M_SPEND) * n;
    const double rv[5] = {NAN, 1, -1, 0.5, 2}, pv[5] = {0, 10, -5, 5, 20},
                 sv[5] = {0, 10, 5, 10, 10};
    memcpy(roi, rv, sizeof rv);
    memcpy(profit, pv, sizeof pv);
    memcpy(spend, sv, sizeof sv);

    infl_summary *sm = NULL;
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl_summary_compute(&tr, 2, &sm, &err), INFL_OK);
    const infl_stat *c = infl_summary_stat(sm, 0, "conversions");
    CHECK(c != NULL);
    /* a = {0, 1, 3, 4, 10}: mean 3.6, sd sqrt(61.2 / 4), quantiles by interpolation. */
    CHECK_NEAR(c->mean, 3.6, 1e-12);
    CHECK_NEAR(c->sd, sqrt(61.2 / 4), 1e-12);
    CHECK_NEAR(c->se, sqrt(61.2 / 4) / sqrt(5), 1e-12);
    CHECK_NEAR(c->min, 0, 0);
    CHECK_NEAR(c->max, 10, 0);
    CHECK_NEAR(c->q[4], 3, 1e-12);    /* median */
    CHECK_NEAR(c->q[3], 1, 1e-12);    /* 25 %: position 1 */
    CHECK_NEAR(c->q[7], 8.8, 1e-12);  /* 95 %: position 3.8 -> 4 + 0.8 * 6 */
    CHECK_NEAR(c->q[0], 0.04, 1e-12); /* 1 %: position 0.04 */
    CHECK_NEAR(c->p_zero, 0.2, 1e-12);
    CHECK_INT(c->n, 5);
    CHECK_INT(c->n_missing, 0);
    CHECK(isnan(c->ratio_of_totals));

    const infl_stat *r = &sm->stats[0 * nm + INFL_M_ROI];
    CHECK_INT(r->n, 4);
    CHECK_INT(r->n_missing, 1);
    CHECK_NEAR(r->mean, 0.625, 1e-12);
    CHECK_NEAR(r->ratio_of_totals, 30.0 / 35.0, 1e-12);

    /* Strategy b's ROI is undefined in every trial (nothing spent). */
    for (size_t t = 0; t < n; t++)
        tr.values[(1 * nm + INFL_M_ROI) * n + t] = NAN;
    infl_summary *sm2 = NULL;
    CHECK_INT(infl_summary_compute(&tr, 1, &sm2, &err), INFL_OK);
    const infl_stat *rb = &sm2->stats[1 * nm + INFL_M_ROI];
    CHECK_INT(rb->n, 0);
    CHECK_INT(rb->n_missing, 5);
    CHECK(isnan(rb->mean) && isnan(rb->q[4]) && isnan(rb->ratio_of_totals));
    infl_summary_free(sm2);

    /* Comparisons: a - b = {-1, 0, 1, 8, 0}. */
    CHECK_NEAR(sm->p_greater[0 * ns + 1], 0.4, 1e-12);
    CHECK_NEAR(sm->p_greater[1 * ns + 0], 0.2, 1e-12);
    CHECK_NEAR(sm->p_tie[0 * ns + 1], 0.4, 1e-12);
    CHECK_NEAR(sm->mean_difference[0 * ns + 1], 1.6, 1e-12);
    CHECK_NEAR(sm->mean_difference[1 * ns + 0], -1.6, 1e-12);
    double var = ((-2.6 * -2.6) + (1.6 * 1.6) + (0.6 * 0.6) + (6.4 * 6.4) + (1.6 * 1.6)) / 4;
    CHECK_NEAR(sm->se_difference[0 * ns + 1], sqrt(var / 5), 1e-12);
    CHECK_NEAR(sm->p_tie[0], 1.0, 0);

    infl_summary_free(sm);
    infl_summary_free(NULL);
    infl_metric_info_free(tr.metrics, nm);
    infl_names_free(tr.strategy_names, ns);
    free(tr.values);
    infl_error_destroy(&err);
    return check_exit();
}
