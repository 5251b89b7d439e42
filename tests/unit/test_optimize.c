/*
 * Unit tests of the optimiser (sim/optimize.c) and its objectives
 * (sim/objective.c) on synthetic evaluation functions with known optima:
 * each trial t carries a fixed noise z_t (common random numbers), and the
 * per-trial value at shares s is a known function of s and z_t.
 */
#include "check.h"
#include "influsim/optimize.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

typedef enum { QUADRATIC, LINEAR, QUANTILE_TRADEOFF, PLATEAU, FAIL_LATER } shape;

typedef struct {
    shape kind;
    size_t k;
    double centre[INFL_OPTIMIZE_MAX_TIERS];
    const double *z; /* per-trial noise */
    uint64_t n;
    unsigned calls, fail_at;
    size_t points;
} synthetic;

static infl_status eval(void *user, size_t m, const double *shares, double *values, infl_error *err)
{
    synthetic *f = user;
    f->calls++;
    if (f->kind == FAIL_LATER && f->calls == f->fail_at)
        return infl_error_add(err, INFL_EIO, "synthetic failure at call %u", f->calls);
    for (size_t p = 0; p < m; p++) {
        const double *s = shares + p * f->k;
        double sum = 0.0, d2 = 0.0;
        for (size_t t = 0; t < f->k; t++) {
            CHECK(s[t] >= 0.0 && s[t] <= 1.0);
            sum += s[t];
            d2 += (s[t] - f->centre[t]) * (s[t] - f->centre[t]);
        }
        CHECK_NEAR(sum, 1.0, 1e-9);
        f->points++;
        for (uint64_t t = 0; t < f->n; t++) {
            double v;
            switch (f->kind) {
            case QUADRATIC:
            case FAIL_LATER:
                v = 100.0 * (1.0 - d2) + f->z[t];
                break;
            case LINEAR:
                v = 10.0 * s[0] + f->z[t];
                break;
            case PLATEAU: /* 5 in 88 % of trials whatever the split: q10 is flat */
                v = f->z[t] < 1.2 ? 5.0 : 5.0 + 100.0 * s[0];
                break;
            default: /* q10 = 10 s - 20 s^2 |z_0.1|: a mean-risk trade-off */
                v = 10.0 * s[0] + 20.0 * s[0] * s[0] * f->z[t];
                break;
            }
            values[p * f->n + t] = v;
        }
    }
    return INFL_OK;
}

static infl_optimize_result *optimise(synthetic *f, const char *objective, infl_status want)
{
    infl_optimize_options o = {
        .n_tiers = f->k, .n_trials = f->n, .seed = 7, .eval = eval, .user = f};
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl_objective_parse(objective, &o.objective, &err), INFL_OK);
    infl_optimize_result *r = NULL;
    infl_status rc = infl_optimize_run(&o, &r, &err);
    CHECK_INT(rc, want);
    if (rc != want)
        fprintf(stderr, "  %s\n", infl_error_message(&err));
    infl_error_destroy(&err);
    return r;
}

/* The share range the profile calls flat contains `want`, and each step's
 * difference is consistent with its standard error. */
static void check_result(const infl_optimize_result *r, const double *want, double tol)
{
    for (size_t t = 0; t < r->n_tiers; t++)
        CHECK_NEAR(r->optimum[t], want[t], tol);
    double sum = 0.0;
    for (size_t t = 0; t < r->n_tiers; t++)
        sum += r->optimum[t];
    CHECK_NEAR(sum, 1.0, 1e-12);
    CHECK(r->converged);
    CHECK(r->value_at_optimum == r->value[r->best]);
    for (size_t p = 0; p < r->n_points; p++)
        if (r->stage[p] != INFL_STAGE_PROFILE)
            CHECK(r->value[p] <= r->value_at_optimum);
    for (size_t t = 0; t < r->n_profile_tiers; t++) {
        CHECK(r->flat_low[t] <= r->optimum[t] && r->optimum[t] <= r->flat_high[t]);
        CHECK(r->flat_low[t] <= want[t] + tol && want[t] - tol <= r->flat_high[t]);
    }
}

int main(void)
{
    gsl_set_error_handler_off();
    infl_error err;
    infl_error_init(&err);

    /* Objectives parse, and bad ones say what is accepted. */
    infl_objective o;
    CHECK_INT(infl_objective_parse("mean", &o, &err), INFL_OK);
    CHECK_INT(o.kind, INFL_OBJECTIVE_MEAN);
    CHECK_INT(infl_objective_parse("q10", &o, &err), INFL_OK);
    CHECK_INT(o.kind, INFL_OBJECTIVE_QUANTILE);
    CHECK_NEAR(o.level, 0.10, 1e-15);
    CHECK_INT(infl_objective_parse("q0.025", &o, &err), INFL_OK);
    CHECK_NEAR(o.level, 0.025, 1e-15);
    CHECK_INT(infl_objective_parse("q2.5", &o, &err), INFL_OK);
    CHECK_NEAR(o.level, 0.025, 1e-15);
    CHECK_INT(infl_objective_parse("profit", &o, &err), INFL_OK);
    CHECK_CONTAINS(infl_objective_metric(&o), "profit");
    CHECK_INT(infl_objective_parse("p-roi", &o, &err), INFL_OK);
    CHECK_CONTAINS(infl_objective_metric(&o), "roi");
    const char *bad[] = {"",    "q",      "q0",   "q100", "q-5", "qx",
                         "q 5", "median", "Mean", "q0.0", "q1e"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        infl_error_clear(&err);
        CHECK_INT(infl_objective_parse(bad[i], &o, &err), INFL_EARG);
        CHECK_CONTAINS(infl_error_message(&err), "--objective");
    }
    infl_error_clear(&err);

    /* Fixed noise: standard normal, one per trial. */
    const uint64_t n = 20000;
    double *z = malloc(n * sizeof *z), *scratch = malloc(2 * n * sizeof *scratch);
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 12345);
    for (uint64_t t = 0; t < n; t++)
        z[t] = gsl_ran_gaussian_ziggurat(g, 1.0);
    gsl_rng_free(g);

    /* Standard errors: a mean's is sd / sqrt(n); a quantile's is close to
     * the asymptotic sqrt(q (1 - q) / n) / density; a paired shift has none. */
    double v, se, d, dse;
    CHECK_INT(infl_objective_parse("mean", &o, &err), INFL_OK);
    infl_objective_evaluate(&o, z, n, scratch, &v, &se);
    CHECK_NEAR(v, 0.0, 4.0 / sqrt((double)n));
    CHECK_NEAR(se, 1.0 / sqrt((double)n), 0.05 / sqrt((double)n));
    CHECK_INT(infl_objective_parse("q10", &o, &err), INFL_OK);
    infl_objective_evaluate(&o, z, n, scratch, &v, &se);
    double zq = gsl_cdf_ugaussian_Pinv(0.1);
    double se_theory = sqrt(0.1 * 0.9 / (double)n) / gsl_ran_ugaussian_pdf(zq);
    CHECK_NEAR(v, zq, 4.0 * se_theory);
    CHECK_NEAR(se / se_theory, 1.0, 0.15);
    double *shifted = malloc(n * sizeof *shifted), *other = malloc(n * sizeof *other);
    for (uint64_t t = 0; t < n; t++) {
        shifted[t] = z[t] + 1.0;
        other[t] = z[(t * 7919) % n]; /* the same values, paired with other trials */
    }
    infl_objective_difference(&o, z, shifted, n, 1, scratch, &d, &dse);
    CHECK_NEAR(d, -1.0, 1e-12);
    CHECK_NEAR(dse, 0.0, 1e-12);
    /* Unrelated pairs: the bootstrap gives about sqrt(2) quantile errors. */
    infl_objective_difference(&o, z, other, n, 1, scratch, &d, &dse);
    CHECK_NEAR(d, 0.0, 1e-12);
    CHECK_NEAR(dse / (sqrt(2.0) * se_theory), 1.0, 0.25);
    /* The bootstrap is a fixed function of its seed. */
    double dse2;
    infl_objective_difference(&o, z, other, n, 1, scratch, &d, &dse2);
    CHECK(dse == dse2);
    /* P(ROI > 0): NaN counts as not positive. */
    CHECK_INT(infl_objective_parse("p-roi", &o, &err), INFL_OK);
    const double roi[4] = {NAN, 0.5, -1.0, 2.0};
    infl_objective_evaluate(&o, roi, 4, scratch, &v, &se);
    CHECK_NEAR(v, 0.5, 1e-15);
    CHECK_NEAR(se, sqrt(1.0 / 3.0 / 4.0), 1e-12);

    /* Two tiers, an interior maximum at 0.37 of the first tier: Brent. */
    synthetic q1 = {.kind = QUADRATIC, .k = 2, .centre = {0.37, 0.63}, .z = z, .n = n};
    infl_optimize_result *r = optimise(&q1, "mean", INFL_OK);
    if (r) {
        check_result(r, q1.centre, 0.005);
        CHECK_CONTAINS(r->method, "brent");
        CHECK_INT(r->n_profile_tiers, 1);
        /* Profile: moving 0.1 away from the optimum costs 100 * 2 * 0.1^2 = 2. */
        CHECK_NEAR(r->difference[8], -2.0, 0.1);
        CHECK_NEAR(r->difference[1], -2.0, 0.1);
        CHECK_NEAR(r->difference_se[8], 0.0, 1e-9); /* the noise cancels exactly */
        CHECK(q1.points == r->n_points);
        infl_optimize_result_free(r);
    }

    /* A corner: the first tier takes everything. */
    synthetic lin = {.kind = LINEAR, .k = 2, .z = z, .n = n};
    r = optimise(&lin, "mean", INFL_OK);
    if (r) {
        const double want[2] = {1.0, 0.0};
        check_result(r, want, 1e-12);
        CHECK_CONTAINS(r->method, "grid");
        /* Steps past the corner are outside; inside it loses 10 per unit of share. */
        CHECK(isnan(r->difference[5]));
        CHECK_NEAR(r->difference[2], -0.5, 1e-9);
        infl_optimize_result_free(r);
    }

    /* A quantile: 10 s + 20 s^2 z has q10 = 10 s - 20 |z_0.1| s^2, at most at
     * s = 10 / (40 |z_0.1|) = 0.195; the sample quantile of z moves it a little. */
    synthetic qt = {.kind = QUANTILE_TRADEOFF, .k = 2, .z = z, .n = n};
    r = optimise(&qt, "q10", INFL_OK);
    if (r) {
        const double s_star = 10.0 / (40.0 * fabs(zq));
        const double want[2] = {s_star, 1.0 - s_star};
        check_result(r, want, 0.01);
        infl_optimize_result_free(r);
    }

    /* A flat quantile: every split has q10 = 5; the tie goes to the split
     * with the highest mean, all on the first tier. */
    synthetic flat = {.kind = PLATEAU, .k = 2, .z = z, .n = n};
    r = optimise(&flat, "q10", INFL_OK);
    if (r) {
        const double want[2] = {1.0, 0.0};
        check_result(r, want, 1e-12);
        CHECK(r->value_at_optimum == 5.0);
        infl_optimize_result_free(r);
    }

    /* Three tiers, an interior optimum: Nelder–Mead. */
    synthetic q3 = {.kind = QUADRATIC, .k = 3, .centre = {0.2, 0.5, 0.3}, .z = z, .n = n};
    r = optimise(&q3, "mean", INFL_OK);
    if (r) {
        check_result(r, q3.centre, 0.01);
        CHECK_CONTAINS(r->method, "nelder-mead");
        CHECK_INT(r->n_profile_tiers, 3);
        infl_optimize_result_free(r);
    }

    /* Three tiers, the best split on a face of the simplex: the centre
     * (0.6, 0.6, -0.2) is outside it, and the best feasible split is its
     * projection (0.5, 0.5, 0). */
    synthetic face = {.kind = QUADRATIC, .k = 3, .centre = {0.6, 0.6, -0.2}, .z = z, .n = n};
    r = optimise(&face, "mean", INFL_OK);
    if (r) {
        const double want[3] = {0.5, 0.5, 0.0};
        check_result(r, want, 0.01);
        infl_optimize_result_free(r);
    }

    /* Four tiers. */
    synthetic q4 = {.kind = QUADRATIC, .k = 4, .centre = {0.1, 0.4, 0.15, 0.35}, .z = z, .n = n};
    r = optimise(&q4, "mean", INFL_OK);
    if (r) {
        check_result(r, q4.centre, 0.015);
        infl_optimize_result_free(r);
    }

    /* A failed evaluation ends the search with its status and message. */
    synthetic fail = {
        .kind = FAIL_LATER, .k = 2, .centre = {0.37, 0.63}, .z = z, .n = n, .fail_at = 3};
    r = optimise(&fail, "mean", INFL_EIO);
    CHECK(r == NULL);
    synthetic fail3 = {
        .kind = FAIL_LATER, .k = 3, .centre = {0.2, 0.5, 0.3}, .z = z, .n = n, .fail_at = 5};
    r = optimise(&fail3, "mean", INFL_EIO);
    CHECK(r == NULL);

    /* Bad options. */
    infl_optimize_options bad_opt = {.n_tiers = 1, .n_trials = n, .eval = eval, .user = &q1};
    CHECK_INT(infl_optimize_run(&bad_opt, &r, &err), INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err), "--tiers");
    infl_error_clear(&err);
    bad_opt.n_tiers = 2;
    bad_opt.tolerance = 0.7;
    CHECK_INT(infl_optimize_run(&bad_opt, &r, &err), INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err), "--tolerance");
    infl_error_clear(&err);
    bad_opt.tolerance = 0;
    bad_opt.n_tiers = 8;
    bad_opt.grid = 20;
    CHECK_INT(infl_optimize_run(&bad_opt, &r, &err), INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err), "lattice points");
    infl_error_clear(&err);

    free(z);
    free(scratch);
    free(shifted);
    free(other);
    infl_error_destroy(&err);
    return check_exit();
}
