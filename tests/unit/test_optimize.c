/*
 * Unit tests of the optimiser (sim/study/optimize.c) and its objectives
 * (sim/study/objective.c) on synthetic evaluation functions with known
 * optima: each trial t carries a fixed noise z_t (common random numbers), and
 * the per-trial value and spend at shares s are known functions of s and
 * z_t. Besides the optima: the degenerate answers (a constant objective, a
 * flat one, a profit that only spending less improves, every split losing at
 * equal spend), the edge of the simplex, and the objective per unit of spend.
 */
#include "check.h"
#include "influsim/optimize.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

typedef enum {
    QUADRATIC,
    LINEAR,
    QUANTILE_TRADEOFF,
    PLATEAU,
    FAIL_LATER,
    ALWAYS_LOSES, /* ROI -1 in every trial: P(ROI > 0) = 0 everywhere */
    NOISE,        /* the same mean everywhere up to noise well within its error */
    SPEND_LESS,   /* a loss that falls with spend: tier 0 leaves 70 % unspent */
    LOSS_EVEN,    /* a loss at the same spend everywhere, least at s0 = 0.3 */
    STEPS,        /* whole steps in s0, highest at the vertex s0 = 1 */
} shape;

typedef struct {
    shape kind;
    size_t k;
    double centre[INFL_OPTIMIZE_MAX_TIERS];
    const double *z; /* per-trial noise */
    uint64_t n;
    unsigned calls, fail_at;
    size_t points;
    double offset; /* NOISE: the mean of z, whose multiple is the objective */
} synthetic;

/* The money a split spends in a trial: 1,000, except where tier 0 leaves
 * 70 % of its share unspent (SPEND_LESS). */
static double spend_of(const synthetic *f, const double *s)
{
    return f->kind == SPEND_LESS ? 1000.0 * (0.3 * s[0] + (1.0 - s[0])) : 1000.0;
}

static infl_status eval(void *user, size_t m, const double *shares, double *values, double *spend,
                        infl_error *err)
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
            case ALWAYS_LOSES:
                v = -1.0;
                break;
            case NOISE: /* mean s0 (z_mean + offset): within 1/2 se of its value at s0 = 0 */
                v = 50.0 + (f->z[t] + f->offset) * s[0];
                break;
            case SPEND_LESS: /* ROI -0.9 on tier 0's spend, -0.5 on tier 1's */
                v = -0.9 * 300.0 * s[0] - 0.5 * 1000.0 * (1.0 - s[0]) + 10.0 * f->z[t];
                break;
            case LOSS_EVEN:
                v = -500.0 - 1000.0 * (s[0] - 0.3) * (s[0] - 0.3) + 10.0 * f->z[t];
                break;
            case STEPS:
                v = floor(20.0 * s[0]) + 0.5 * floor(20.0 * s[1]) + f->z[t];
                break;
            default: /* q10 = 10 s - 20 s^2 |z_0.1|: a mean-risk trade-off */
                v = 10.0 * s[0] + 20.0 * s[0] * s[0] * f->z[t];
                break;
            }
            values[p * f->n + t] = v;
            spend[p * f->n + t] = spend_of(f, s);
        }
    }
    return INFL_OK;
}

/* Evaluations the judging of the answer made: the first grid but the
 * optimum, and the best per unit of spend where it is neither. */
static size_t compared(const infl_optimize_result *r)
{
    size_t m = 0;
    for (size_t p = 0; p < r->n_points; p++)
        if (p != r->best && (r->stage[p] == INFL_STAGE_GRID || p == r->best_per_spend))
            m++;
    return m;
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
    CHECK_INT(r->outcome, INFL_OPTIMIZE_OPTIMUM);
    CHECK(!r->losing);
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
    CHECK(infl_objective_is_probability(&o) && !infl_objective_counts_spend(&o));
    /* Lifetime value: the metrics by name, their units and labels. */
    CHECK_INT(infl_objective_parse("ltv-profit", &o, &err), INFL_OK);
    CHECK_INT(o.kind, INFL_OBJECTIVE_LTV_PROFIT);
    CHECK(strcmp(infl_objective_metric(&o), "ltv_profit") == 0);
    CHECK(strcmp(infl_objective_units(&o, "EUR"), "EUR") == 0);
    CHECK(infl_objective_counts_spend(&o) && infl_objective_is_mean(&o));
    char label[96];
    infl_objective_describe(&o, label, sizeof label);
    CHECK_CONTAINS(label, "lifetime profit");
    CHECK_INT(infl_objective_parse("p-ltv-roi", &o, &err), INFL_OK);
    CHECK_INT(o.kind, INFL_OBJECTIVE_P_LTV_ROI);
    CHECK(strcmp(infl_objective_metric(&o), "ltv_roi") == 0);
    CHECK(strcmp(infl_objective_units(&o, "EUR"), "1") == 0);
    CHECK(infl_objective_is_probability(&o) && !infl_objective_is_mean(&o));
    CHECK_INT(infl_objective_parse("profit", &o, &err), INFL_OK);
    CHECK(strcmp(infl_objective_metric(&o), "profit") == 0);
    CHECK_INT(infl_objective_parse("mean", &o, &err), INFL_OK);
    CHECK(strcmp(infl_objective_metric(&o), "conversions") == 0);
    CHECK(infl_objective_is_mean(&o) && !infl_objective_counts_spend(&o));
    CHECK_INT(infl_objective_parse("q10", &o, &err), INFL_OK);
    CHECK(strcmp(infl_objective_metric(&o), "conversions") == 0);
    CHECK(!infl_objective_is_mean(&o));
    CHECK_INT(infl_objective_parse("median", &o, &err), INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err), "profit, p-roi, ltv-profit or p-ltv-roi");
    infl_error_clear(&err);
    CHECK(strcmp(infl_optimize_outcome_name(INFL_OPTIMIZE_OPTIMUM), "optimum") == 0);
    CHECK(strcmp(infl_optimize_outcome_name(INFL_OPTIMIZE_CONSTANT), "constant") == 0);
    CHECK(strcmp(infl_optimize_outcome_name(INFL_OPTIMIZE_FLAT), "flat") == 0);
    CHECK(strcmp(infl_optimize_outcome_name(INFL_OPTIMIZE_SPEND_LESS), "spend-less") == 0);
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
    CHECK_INT(infl_objective_parse("p-ltv-roi", &o, &err), INFL_OK);
    infl_objective_evaluate(&o, roi, 4, scratch, &v, &se);
    CHECK_NEAR(v, 0.5, 1e-15);

    /* Per unit of spend: a ratio of totals with a delta-method error. */
    double *sp = malloc(n * sizeof *sp), *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    for (uint64_t t = 0; t < n; t++) {
        sp[t] = 1000.0 + 100.0 * z[(t * 7919) % n]; /* spend varies, positive */
        x[t] = 2.0 * sp[t];
    }
    CHECK_INT(infl_objective_parse("profit", &o, &err), INFL_OK);
    infl_objective_per_spend(&o, x, sp, n, &v, &se);
    CHECK_NEAR(v, 2.0, 1e-12);
    CHECK_NEAR(se, 0.0, 1e-12); /* exactly proportional: no error */
    double zbar = 0.0;
    for (uint64_t t = 0; t < n; t++) {
        x[t] = -0.5 * 1000.0 + 10.0 * z[t];
        y[t] = x[t] - 100.0; /* 100 lower in every trial */
        sp[t] = 1000.0;
        zbar += z[t] / (double)n;
    }
    infl_objective_per_spend(&o, x, sp, n, &v, &se);
    CHECK_NEAR(v, -0.5 + 10.0 * zbar / 1000.0, 1e-12);
    CHECK_NEAR(se, 10.0 / 1000.0 / sqrt((double)n), 0.05 * 10.0 / 1000.0 / sqrt((double)n));
    infl_objective_per_spend_difference(&o, x, sp, y, sp, n, &d, &dse);
    CHECK_NEAR(d, 0.1, 1e-12);
    CHECK_NEAR(dse, 0.0, 1e-12); /* paired: the noise cancels */
    CHECK_INT(infl_objective_parse("q10", &o, &err), INFL_OK);
    infl_objective_per_spend(&o, x, sp, n, &v, &se);
    CHECK(isnan(v) && isnan(se)); /* not a mean */
    CHECK_INT(infl_objective_parse("mean", &o, &err), INFL_OK);
    for (uint64_t t = 0; t < n; t++)
        sp[t] = 0.0;
    infl_objective_per_spend(&o, x, sp, n, &v, &se);
    CHECK(isnan(v) && isnan(se)); /* nothing spent */
    free(sp);
    free(x);
    free(y);

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
        /* Every point once, then the first grid again beside the optimum. */
        CHECK_INT(q1.points, r->n_points + compared(r));
        CHECK(!r->on_edge);
        for (size_t p = 0; p < r->n_points; p++) {
            CHECK(r->stage[p] == INFL_STAGE_GRID ? !isnan(r->gap[p])
                                                 : p == r->best_per_spend || isnan(r->gap[p]));
            CHECK(r->spend[p] == 1000.0);
            CHECK_NEAR(r->per_spend[p], r->value[p] / 1000.0, 1e-12);
        }
        infl_optimize_result_free(r);
    }

    /* A corner: the first tier takes everything. */
    synthetic lin = {.kind = LINEAR, .k = 2, .z = z, .n = n};
    r = optimise(&lin, "mean", INFL_OK);
    if (r) {
        const double want[2] = {1.0, 0.0};
        check_result(r, want, 1e-12);
        CHECK_CONTAINS(r->method, "grid");
        CHECK(r->on_edge);
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

    /* A constant quantile: every split has q10 = 5, so no optimum; no
     * minimiser runs, and the best of equals is the split with the highest
     * mean, all on the first tier. */
    synthetic flat = {.kind = PLATEAU, .k = 2, .z = z, .n = n};
    r = optimise(&flat, "q10", INFL_OK);
    if (r) {
        CHECK_INT(r->outcome, INFL_OPTIMIZE_CONSTANT);
        CHECK(strcmp(r->method, "grid (constant)") == 0);
        CHECK_INT(r->iterations, 0);
        CHECK_NEAR(r->optimum[0], 1.0, 0);
        CHECK(r->value_at_optimum == 5.0);
        infl_optimize_result_free(r);
    }

    /* P(ROI > 0) = 0 at every split, on three tiers: constant, without a
     * minimiser (it once ran 400 Nelder–Mead iterations on a constant). */
    synthetic loses = {.kind = ALWAYS_LOSES, .k = 3, .z = z, .n = n};
    r = optimise(&loses, "p-roi", INFL_OK);
    if (r) {
        CHECK_INT(r->outcome, INFL_OPTIMIZE_CONSTANT);
        CHECK_INT(r->iterations, 0);
        CHECK(r->value_at_optimum == 0.0 && r->se_at_optimum == 0.0);
        CHECK(!r->losing); /* a probability does not count spend */
        CHECK(r->best_per_spend == SIZE_MAX && isnan(r->per_spend[0]));
        infl_optimize_result_free(r);
    }

    /* Flat: the mean is 50 + s0 (mean z + offset), and the offset puts the
     * change from s0 = 0 to any s0 at half its standard error (paired,
     * s0 sd(z) / sqrt(n)): every split of the grid within 2 of the best. */
    double zmean = 0.0, zsd = 0.0;
    for (uint64_t t = 0; t < n; t++)
        zmean += z[t] / (double)n;
    for (uint64_t t = 0; t < n; t++)
        zsd += (z[t] - zmean) * (z[t] - zmean) / (double)(n - 1);
    zsd = sqrt(zsd);
    synthetic noise = {
        .kind = NOISE, .k = 2, .z = z, .n = n, .offset = -zmean + 0.5 * zsd / sqrt((double)n)};
    r = optimise(&noise, "mean", INFL_OK);
    if (r) {
        CHECK_INT(r->outcome, INFL_OPTIMIZE_FLAT);
        size_t grid = 0;
        for (size_t p = 0; p < r->n_points; p++)
            if (r->stage[p] == INFL_STAGE_GRID) {
                grid++;
                CHECK(r->gap[p] <= 0.0 && r->gap[p] >= -2.0 * r->gap_se[p]);
            }
        CHECK_INT(grid, 11);
        CHECK_NEAR(r->optimum[0], 1.0, 0.01); /* the best of equals */
        infl_optimize_result_free(r);
    }
    /* The same with an offset of 3 standard errors: an optimum. */
    noise.offset = -zmean + 3.0 * zsd / sqrt((double)n);
    r = optimise(&noise, "mean", INFL_OK);
    if (r) {
        CHECK_INT(r->outcome, INFL_OPTIMIZE_OPTIMUM);
        CHECK_NEAR(r->optimum[0], 1.0, 1e-12);
        infl_optimize_result_free(r);
    }

    /* A loss that falls with spend: tier 0 spends only 30 % of its share,
     * at ROI -0.9; tier 1 all of it, at ROI -0.5. The optimum is all on
     * tier 0, where the least is spent (300 of 1,000), and the best split
     * at equal spend is all on tier 1, whose ROI is 0.4 higher. */
    synthetic less = {.kind = SPEND_LESS, .k = 2, .z = z, .n = n};
    r = optimise(&less, "profit", INFL_OK);
    if (r) {
        CHECK_INT(r->outcome, INFL_OPTIMIZE_SPEND_LESS);
        CHECK(r->losing && r->on_edge && r->spends_least);
        CHECK_NEAR(r->optimum[0], 1.0, 1e-12);
        CHECK_NEAR(r->spend_low, 300.0, 1e-9);
        CHECK_NEAR(r->spend_high, 1000.0, 1e-9);
        CHECK_NEAR(r->spend[r->best], 300.0, 1e-9);
        CHECK(r->best_per_spend != SIZE_MAX);
        if (r->best_per_spend != SIZE_MAX) {
            CHECK_NEAR(r->shares[r->best_per_spend * 2 + 1], 1.0, 1e-12);
            CHECK_NEAR(r->per_spend[r->best_per_spend], -0.5, 0.001);
        }
        CHECK_NEAR(r->per_spend[r->best], -0.9, 0.001);
        CHECK_NEAR(r->per_spend_gap, -0.4, 0.002);
        CHECK(r->per_spend_gap < -10.0 * r->per_spend_gap_se);
        infl_optimize_result_free(r);
    }
    /* The same split by mean conversions: no spend in the objective. */
    r = optimise(&less, "mean", INFL_OK);
    if (r) {
        CHECK_INT(r->outcome, INFL_OPTIMIZE_OPTIMUM);
        CHECK(!r->losing);
        infl_optimize_result_free(r);
    }

    /* Every split loses, at the same spend: an optimum (the least loss at
     * s0 = 0.3), said to lose, but not one that spending less explains. */
    synthetic even = {.kind = LOSS_EVEN, .k = 2, .z = z, .n = n};
    r = optimise(&even, "profit", INFL_OK);
    if (r) {
        CHECK_INT(r->outcome, INFL_OPTIMIZE_OPTIMUM);
        CHECK(r->losing && !r->on_edge);
        CHECK_NEAR(r->optimum[0], 0.3, 0.01);
        CHECK(r->spend_low == 1000.0 && r->spend_high == 1000.0 && !r->spends_least);
        infl_optimize_result_free(r);
    }

    /* Three tiers, whole steps (a plateau around every split) with the best
     * at a vertex: Nelder–Mead may never shrink there; it stops once no
     * better split has turned up for 60 iterations, on the edge. */
    synthetic steps = {.kind = STEPS, .k = 3, .z = z, .n = n};
    r = optimise(&steps, "mean", INFL_OK);
    if (r) {
        CHECK_INT(r->outcome, INFL_OPTIMIZE_OPTIMUM);
        CHECK_NEAR(r->optimum[0], 1.0, 1e-12);
        CHECK(r->on_edge);
        CHECK(r->converged || r->stalled);
        CHECK(r->iterations < 400);
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
