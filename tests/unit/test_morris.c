/*
 * Unit tests of Morris's elementary effects (study/morris.c): the design's
 * grid, steps and orders (and that its start levels and first steps are
 * uniform); a linear function, whose effects are its coefficients with no
 * spread; a function with an interaction, whose spread is known; a factor
 * the function ignores; the same numbers on 1, 2 and 3 threads; and the
 * errors, among them designs that break the contract.
 */
#include "check.h"
#include "study/morris.h"

static const uint64_t SEED = 20261202;
static const double CONF = 0.95;

/* The design and the values of f on it (caller frees). */
typedef struct {
    size_t r, k;
    double *x, *y;
    size_t *changed;
} design;

static design make(size_t r, size_t k, size_t p, uint64_t seed)
{
    design d = {r, k, malloc(r * (k + 1) * k * sizeof(double)),
                malloc(r * (k + 1) * sizeof(double)), malloc(r * k * sizeof(size_t))};
    CHECK(d.x && d.y && d.changed);
    CHECK_INT(infl__morris_design(r, k, p, seed, d.x, d.changed, NULL), INFL_OK);
    return d;
}

static void design_free(design *d)
{
    free(d->x);
    free(d->y);
    free(d->changed);
}

/* Every coordinate on the grid, each step changing its factor by +-Delta and
 * nothing else, each trajectory changing every factor once; the same for the
 * same seed and not for another. */
static void test_design(void)
{
    const size_t r = 50, k = 5;
    const size_t levels[] = {2, 4, 6};
    for (size_t l = 0; l < 3; l++) {
        const size_t p = levels[l];
        const double delta = (double)p / (2.0 * (double)(p - 1));
        design d = make(r, k, p, SEED);
        size_t on_grid = 0, steps = 0, still = 0, once = 0;
        for (size_t t = 0; t < r; t++) {
            int seen[5] = {0};
            for (size_t s = 0; s <= k; s++)
                for (size_t i = 0; i < k; i++) {
                    double v = d.x[(t * (k + 1) + s) * k + i] * (double)(p - 1);
                    on_grid += v >= 0 && v <= (double)(p - 1) && fabs(v - round(v)) < 1e-12;
                }
            for (size_t s = 0; s < k; s++) {
                size_t f = d.changed[t * k + s];
                CHECK(f < k);
                if (f >= k)
                    continue;
                once += !seen[f]++;
                const double *before = d.x + (t * (k + 1) + s) * k, *after = before + k;
                for (size_t i = 0; i < k; i++)
                    if (i == f)
                        steps += fabs(fabs(after[i] - before[i]) - delta) < 1e-12;
                    else
                        still += after[i] == before[i];
            }
        }
        CHECK_INT(on_grid, r * (k + 1) * k);
        CHECK_INT(steps, r * k);
        CHECK_INT(still, r * k * (k - 1));
        CHECK_INT(once, r * k);
        if (p == 2)
            for (size_t j = 0; j < r * (k + 1) * k; j++)
                CHECK(d.x[j] == 0.0 || d.x[j] == 1.0);

        design again = make(r, k, p, SEED), other = make(r, k, p, SEED + 1);
        CHECK(memcmp(d.x, again.x, r * (k + 1) * k * sizeof *d.x) == 0);
        CHECK(memcmp(d.changed, again.changed, r * k * sizeof *d.changed) == 0);
        CHECK(memcmp(d.x, other.x, r * (k + 1) * k * sizeof *d.x) != 0);
        design_free(&d);
        design_free(&again);
        design_free(&other);
    }
}

/* Over 6000 trajectories of 3 factors on 4 levels the 18000 start levels
 * fall on each level with probability 1/4 (expected 4500, sd 58) and each
 * factor is changed first with probability 1/3 (2000, sd 37): within 5 sd. */
static void test_uniform(void)
{
    const size_t r = 6000, k = 3, p = 4;
    design d = make(r, k, p, SEED);
    size_t level[4] = {0}, first[3] = {0};
    for (size_t t = 0; t < r; t++) {
        for (size_t i = 0; i < k; i++)
            level[(size_t)round(d.x[t * (k + 1) * k + i] * 3)]++;
        first[d.changed[t * k]]++;
    }
    for (size_t l = 0; l < 4; l++)
        CHECK_NEAR(level[l], 4500, 5 * 58);
    for (size_t i = 0; i < 3; i++)
        CHECK_NEAR(first[i], 2000, 5 * 37);
    design_free(&d);
}

/* y = sum c_i x_i: every effect is c_i, so mu = c_i, mu* = |c_i| and
 * sigma = 0. On p = 2 the points are 0 and 1 and the sums are exact, so the
 * results are too; on p = 4 (thirds) y's rounding leaves about 1e-15. The
 * factor with c = 0 gets exactly 0 either way (its steps leave y as it was). */
static void test_linear(void)
{
    enum { K = 4 };
    const double c[K] = {3, -2, 0.5, 0};
    const size_t r = 40;
    for (size_t p = 2; p <= 4; p += 2) {
        design d = make(r, K, p, SEED);
        for (size_t j = 0; j < r * (K + 1); j++) {
            d.y[j] = 0.0;
            for (size_t i = 0; i < K; i++)
                d.y[j] += c[i] * d.x[j * K + i];
        }
        infl__morris_index out[K];
        CHECK_INT(infl__morris_effects(r, K, d.x, d.changed, d.y, 200, CONF, SEED, out, NULL),
                  INFL_OK);
        const double tol = p == 2 ? 0.0 : 1e-12;
        for (size_t i = 0; i < K; i++) {
            CHECK_NEAR(out[i].mu, c[i], tol);
            CHECK_NEAR(out[i].mu_star, fabs(c[i]), tol);
            CHECK_NEAR(out[i].sigma, 0.0, tol);
            CHECK_NEAR(out[i].mu_star_lo, fabs(c[i]), tol);
            CHECK_NEAR(out[i].mu_star_hi, fabs(c[i]), tol);
        }
        CHECK(out[K - 1].mu == 0.0 && out[K - 1].mu_star == 0.0 && out[K - 1].sigma == 0.0);
        CHECK(out[K - 1].mu_star_lo == 0.0 && out[K - 1].mu_star_hi == 0.0);
        design_free(&d);
    }
}

/*
 * y = x0 x1 + x2 (x3 ignored), p = 4. The effect of x0 is the value of x1 at
 * that step, which is on each of the levels {0, 1/3, 2/3, 1} with
 * probability 1/4 (it is uniform at the start and a step maps the lower
 * half onto the upper): mu = mu* = 1/2 and sigma = the levels' sd =
 * sqrt(14/36 - 1/4) = sqrt(5/36) = 0.373, and likewise for x1. x2's effects
 * are all 1, x3's 0. With r = 400 the standard error of mu* is
 * 0.373 / 20 = 0.019, so mu* is held to about 4 of them (0.08); that of
 * sigma is about 0.373 sqrt((kurtosis - 1) / 4r) = 0.0075 (the levels'
 * kurtosis is 1.64), held to about 5 (0.04).
 */
static void test_interaction(void)
{
    enum { K = 4 };
    const size_t r = 400;
    design d = make(r, K, 4, SEED);
    for (size_t j = 0; j < r * (K + 1); j++)
        d.y[j] = d.x[j * K] * d.x[j * K + 1] + d.x[j * K + 2];
    infl__morris_index out[K];
    CHECK_INT(infl__morris_effects(r, K, d.x, d.changed, d.y, 1000, CONF, SEED, out, NULL),
              INFL_OK);
    for (size_t i = 0; i < 2; i++) {
        printf("x%zu: mu %.4f, mu* %.4f [%.4f, %.4f], sigma %.4f\n", i, out[i].mu, out[i].mu_star,
               out[i].mu_star_lo, out[i].mu_star_hi, out[i].sigma);
        CHECK_NEAR(out[i].mu_star, 0.5, 0.08);
        CHECK(out[i].mu_star_lo <= 0.5 && 0.5 <= out[i].mu_star_hi);
        CHECK(out[i].mu_star_lo < out[i].mu_star && out[i].mu_star < out[i].mu_star_hi);
        CHECK_NEAR(out[i].mu, out[i].mu_star, 1e-15); /* every effect >= 0 */
        CHECK_NEAR(out[i].sigma, sqrt(5.0 / 36.0), 0.04);
    }
    CHECK_NEAR(out[2].mu_star, 1.0, 1e-12);
    CHECK_NEAR(out[2].sigma, 0.0, 1e-12);
    CHECK(out[3].mu_star == 0.0 && out[3].sigma == 0.0 && out[3].mu_star_hi == 0.0);

    /* The same numbers on 1, 2 and 3 threads and by the default entry. */
    infl__morris_index by[4][K];
    for (unsigned t = 1; t <= 3; t++)
        CHECK_INT(infl__morris_effects_threads(r, K, d.x, d.changed, d.y, 1000, CONF, SEED, t,
                                               by[t - 1], NULL),
                  INFL_OK);
    CHECK(memcmp(by[0], out, sizeof by[0]) == 0);
    CHECK(memcmp(by[1], out, sizeof by[0]) == 0);
    CHECK(memcmp(by[2], out, sizeof by[0]) == 0);
    /* Another seed moves the interval, not the estimates; none, NaN. */
    CHECK_INT(infl__morris_effects(r, K, d.x, d.changed, d.y, 1000, CONF, SEED + 1, by[3], NULL),
              INFL_OK);
    CHECK(by[3][0].mu_star == out[0].mu_star && by[3][0].mu_star_lo != out[0].mu_star_lo);
    CHECK_INT(infl__morris_effects(r, K, d.x, d.changed, d.y, 0, CONF, SEED, by[3], NULL), INFL_OK);
    CHECK(by[3][0].sigma == out[0].sigma && isnan(by[3][0].mu_star_lo) &&
          isnan(by[3][0].mu_star_hi));
    design_free(&d);
}

/* The formulas by hand, r = 3, k = 1: values that make the effects 1, -2
 * and 6, so mu = 5/3, mu* = 3 and sigma = sqrt(((-2/3)^2 + (-11/3)^2 +
 * (13/3)^2) / 2) = sqrt(294 / 18) (to rounding: y_after = e dx, then
 * divided by dx). */
static void test_by_hand(void)
{
    const double e[3] = {1, -2, 6};
    design d = make(3, 1, 4, SEED);
    for (size_t t = 0; t < 3; t++) {
        d.y[2 * t] = 0.0;
        d.y[2 * t + 1] = e[t] * (d.x[2 * t + 1] - d.x[2 * t]);
    }
    infl__morris_index out;
    CHECK_INT(infl__morris_effects(3, 1, d.x, d.changed, d.y, 0, CONF, SEED, &out, NULL), INFL_OK);
    CHECK_NEAR(out.mu, 5.0 / 3.0, 1e-14);
    CHECK_NEAR(out.mu_star, 3.0, 1e-14);
    CHECK_NEAR(out.sigma, sqrt(294.0 / 18.0), 1e-14);
    design_free(&d);
}

static void test_errors(void)
{
    infl_error err;
    infl_error_init(&err);
    double x[3 * 3 * 2];
    size_t changed[3 * 2];
    CHECK_INT(infl__morris_design(1, 2, 4, SEED, x, changed, &err), INFL_EARG);
    CHECK_INT(infl__morris_design(3, 0, 4, SEED, x, changed, &err), INFL_EARG);
    CHECK_INT(infl__morris_design(3, 2, 3, SEED, x, changed, &err), INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err), "3 levels (an even number");
    CHECK_INT(infl__morris_design(3, 2, 0, SEED, x, changed, &err), INFL_EARG);
    CHECK_INT(infl__morris_design(3, 2, 4, SEED, NULL, changed, &err), INFL_EARG);
    CHECK_INT(infl__morris_design((size_t)1 << 40, (size_t)1 << 31, 4, SEED, x, changed, &err),
              INFL_EARG);
    infl_error_clear(&err);

    /* r = 3, k = 2: rows t * 3 + (0, 1, 2). */
    CHECK_INT(infl__morris_design(3, 2, 4, SEED, x, changed, &err), INFL_OK);
    double y[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    infl__morris_index out[2];
    CHECK_INT(infl__morris_effects(3, 2, x, changed, y, 10, CONF, SEED, out, &err), INFL_OK);
    CHECK_INT(infl__morris_effects(1, 2, x, changed, y, 10, CONF, SEED, out, &err), INFL_EARG);
    CHECK_INT(infl__morris_effects(3, 0, x, changed, y, 10, CONF, SEED, out, &err), INFL_EARG);
    CHECK_INT(infl__morris_effects(3, 2, x, changed, NULL, 10, CONF, SEED, out, &err), INFL_EARG);
    CHECK_INT(infl__morris_effects(3, 2, x, changed, y, 10, 1.5, SEED, out, &err), INFL_EARG);
    infl_error_clear(&err);

    y[4] = NAN;
    CHECK_INT(infl__morris_effects(3, 2, x, changed, y, 10, CONF, SEED, out, &err), INFL_EINVAL);
    CHECK_CONTAINS(infl_error_message(&err), "f at row 4 (trajectory 1, point 1) is nan");
    infl_error_clear(&err);
    y[4] = 5;

    /* Trajectory 1 changes the same factor twice. */
    size_t twice[6];
    memcpy(twice, changed, sizeof twice);
    twice[3] = twice[2];
    CHECK_INT(infl__morris_effects(3, 2, x, twice, y, 10, CONF, SEED, out, &err), INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err), "step 1 of trajectory 1 changes factor");
    infl_error_clear(&err);
    twice[3] = 7;
    CHECK_INT(infl__morris_effects(3, 2, x, twice, y, 10, CONF, SEED, out, &err), INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err), "changes factor 7 (each of the 2 factors once)");
    infl_error_clear(&err);

    /* A step that also moves the factor it does not name. */
    double moved[18];
    memcpy(moved, x, sizeof moved);
    size_t other = 1 - changed[2 * 2]; /* trajectory 2, step 0 */
    moved[(2 * 3 + 1) * 2 + other] += 0.25;
    CHECK_INT(infl__morris_effects(3, 2, moved, changed, y, 10, CONF, SEED, out, &err), INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err), "step 0 of trajectory 2 moves factor");
    infl_error_clear(&err);
    /* A step of 0. */
    memcpy(moved, x, sizeof moved);
    size_t named = changed[0];
    moved[1 * 2 + named] = moved[named];
    CHECK_INT(infl__morris_effects(3, 2, moved, changed, y, 10, CONF, SEED, out, &err), INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err), "by 0 (it changes");
    infl_error_destroy(&err);
}

int main(void)
{
    test_design();
    test_uniform();
    test_linear();
    test_interaction();
    test_by_hand();
    test_errors();
    return check_exit();
}
