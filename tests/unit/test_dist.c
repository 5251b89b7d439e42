/*
 * Unit tests of the parameter distributions: sample means against the analytic
 * means (4 standard errors, fixed streams), supports, constants consuming no
 * random numbers, and Dirichlet share vectors summing to 1 with the right means.
 */
#include "check.h"
#include "random/dist.h"
#include "random/rng.h"

static void check_mean(infl_rng *r, infl_dist d, const char *what)
{
    enum { N = 100000 };
    double s = 0, ss = 0, lo, hi;
    infl__dist_support(&d, &lo, &hi);
    int inside = 1;
    for (int i = 0; i < N; i++) {
        double x = infl__dist_draw(&d, r);
        inside &= x >= lo && x <= hi;
        s += x;
        ss += x * x;
    }
    double m = s / N, sd = sqrt((ss / N - m * m) * N / (N - 1));
    double want = infl__dist_mean(&d);
    printf("%-12s mean %.6g (se %.2g), analytic %.6g\n", what, m, sd / sqrt(N), want);
    CHECK_NEAR(m, want, 4 * sd / sqrt(N) + 1e-12);
    CHECK(inside);
}

int main(void)
{
    infl_rng rs, *r = &rs;
    infl__rng_init(r, 9);
    infl__rng_seek(r, 1, 2, 3, INFL_STREAM_FUNNEL);
    check_mean(r, (infl_dist){.kind = INFL_DIST_BETA, .a = 0.3, .b = 12}, "beta");
    check_mean(r, (infl_dist){.kind = INFL_DIST_BETA, .a = 0.01, .b = 2000}, "beta-narrow");
    check_mean(r, (infl_dist){.kind = INFL_DIST_LOGNORMAL, .a = 180, .b = 0.5}, "lognormal");
    check_mean(r, (infl_dist){.kind = INFL_DIST_LOGUNIFORM, .a = 5000, .b = 30000}, "loguniform");
    check_mean(r, (infl_dist){.kind = INFL_DIST_UNIFORM, .a = 0.2, .b = 0.3}, "uniform");
    check_mean(r, (infl_dist){.kind = INFL_DIST_UNIFORM, .a = 4, .b = 4}, "uniform-zero");
    check_mean(r, (infl_dist){.kind = INFL_DIST_LOGNORMAL, .a = 7, .b = 0}, "lognormal-0");
    CHECK_NEAR(infl__dist_mean(&(infl_dist){.kind = INFL_DIST_LOGUNIFORM, .a = 3, .b = 3}), 3, 0);

    /* A constant draws nothing from the stream. */
    infl__rng_seek(r, 4, 0, 0, INFL_STREAM_MARKET);
    uint32_t first = infl__rng_u32(r);
    infl__rng_seek(r, 4, 0, 0, INFL_STREAM_MARKET);
    infl_dist c = infl__dist_constant(0.25);
    CHECK_NEAR(infl__dist_draw(&c, r), 0.25, 0);
    CHECK_INT(infl__rng_u32(r), first);

    double lo, hi;
    infl__dist_support(&(infl_dist){.kind = INFL_DIST_LOGNORMAL, .a = 2, .b = 1}, &lo, &hi);
    CHECK(lo == 0 && isinf(hi));
    CHECK(strcmp(infl__dist_kind_name(INFL_DIST_LOGUNIFORM), "loguniform") == 0);

    /* Dirichlet: each draw sums to 1; component means match. */
    double mean[3] = {0.5, 0.3, 0.2}, alpha[3] = {5, 3, 2}, out[3], acc[3] = {0};
    infl_share_dist sd = {.dirichlet = true, .n = 3, .kappa = 10, .mean = mean, .alpha = alpha};
    enum { N = 50000 };
    int sums = 1;
    for (int i = 0; i < N; i++) {
        infl__dist_share_draw(&sd, r, out);
        sums &= fabs(out[0] + out[1] + out[2] - 1) < 1e-12;
        for (int j = 0; j < 3; j++)
            acc[j] += out[j];
    }
    CHECK(sums);
    for (int j = 0; j < 3; j++) {
        /* Var of a Dirichlet component: m (1 - m) / (kappa + 1). */
        double se = sqrt(mean[j] * (1 - mean[j]) / 11 / N);
        CHECK_NEAR(acc[j] / N, mean[j], 4 * se);
    }
    infl_share_dist fixed = {.dirichlet = false, .n = 3, .mean = mean};
    infl__dist_share_draw(&fixed, r, out);
    CHECK(memcmp(out, mean, sizeof mean) == 0);

    return check_exit();
}
