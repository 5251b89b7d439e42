/*
 * Unit tests of the samplers in sim/sample.c against GSL's distribution
 * functions, over a grid of parameters (small and large n, tiny and moderate
 * p, every branch of every algorithm).
 *
 * Each case draws DRAWS variates from a fixed stream and compares them with
 * the exact distribution by a chi-square test on up to BINS cells of nearly
 * equal probability (cut points found by bisection on GSL's cdf; continuous
 * distributions through the probability integral transform). A case fails
 * when its p-value is below 1e-6; the p-values of all cases, which should be
 * uniform if every sampler is right, are then tested together (KS, p > 1e-3),
 * which catches a small bias repeated across cases that no single case shows.
 * The streams are fixed, so the outcome never changes from run to run.
 */
#include "check.h"
#include "random/rng.h"
#include "random/sample.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sort.h>

enum { DRAWS = 200000, BINS = 64, MAX_CASES = 256 };

static double pvalues[MAX_CASES];
static int n_cases;
static infl_rng rng;

typedef double (*cdf_fn)(double k, const double *par); /* P(X <= k) */

/* Chi-square of counts against probabilities; records and returns the p-value. */
static double chisq(const char *what, const double *count, const double *prob, int cells)
{
    double x2 = 0.0;
    int used = 0;
    for (int i = 0; i < cells; i++) {
        if (prob[i] <= 0.0) {
            CHECK(count[i] == 0.0); /* a draw where the distribution has no mass */
            continue;
        }
        double e = prob[i] * DRAWS;
        x2 += (count[i] - e) * (count[i] - e) / e;
        used++;
    }
    double p = used > 1 ? gsl_cdf_chisq_Q(x2, used - 1) : 1.0;
    printf("%-52s chi2 %9.1f on %3d dof, p = %.4f\n", what, x2, used - 1, p);
    if (!(p > 1e-6))
        fprintf(stderr, "FAIL: %s: p = %g\n", what, p);
    CHECK(p > 1e-6);
    if (n_cases < MAX_CASES && used > 1)
        pvalues[n_cases++] = p;
    return p;
}

/* Discrete distribution with (practically) all its mass in [lo, hi]: cut
 * points by bisection on the cdf. The first cell takes everything below its
 * cut, the last everything to hi. */
static void discrete_case_in(const char *what, const double *draws, cdf_fn cdf, const double *par,
                             double lo_bound, double hi)
{
    double cut[BINS + 1], prob[BINS + 1], count[BINS + 1] = {0};
    int cells = 0;
    double prev_cdf = 0.0, prev_cut = -1.0;
    for (int j = 1; j <= BINS; j++) {
        double k;
        if (j == BINS) {
            k = hi;
        } else {
            /* smallest k with cdf(k) >= j / BINS */
            double lo = lo_bound, up = hi, target = (double)j / BINS;
            if (cdf(lo_bound, par) >= target) {
                up = lo_bound;
            } else {
                while (up - lo > 1.0) {
                    double mid = floor(0.5 * (lo + up));
                    if (cdf(mid, par) >= target)
                        up = mid;
                    else
                        lo = mid;
                }
            }
            k = up;
        }
        if (k <= prev_cut)
            continue;
        double c = j == BINS ? 1.0 : cdf(k, par);
        cut[cells] = k;
        prob[cells] = c - prev_cdf;
        prev_cdf = c;
        prev_cut = k;
        cells++;
    }
    for (int i = 0; i < DRAWS; i++) {
        double x = draws[i];
        int lo = 0, up = cells - 1; /* first cell whose cut >= x */
        if (x > cut[cells - 1] || x < 0 || x != floor(x)) {
            CHECK(!"draw outside the support");
            return;
        }
        while (lo < up) {
            int mid = (lo + up) / 2;
            if (cut[mid] >= x)
                up = mid;
            else
                lo = mid + 1;
        }
        count[lo]++;
    }
    chisq(what, count, prob, cells);
}

static void discrete_case(const char *what, const double *draws, cdf_fn cdf, const double *par,
                          double hi)
{
    discrete_case_in(what, draws, cdf, par, 0.0, hi);
}

/* Continuous distribution: BINS equal cells of u = cdf(x). */
static void continuous_case(const char *what, const double *draws, cdf_fn cdf, const double *par)
{
    double prob[BINS], count[BINS] = {0};
    for (int j = 0; j < BINS; j++)
        prob[j] = 1.0 / BINS;
    for (int i = 0; i < DRAWS; i++) {
        double u = cdf(draws[i], par);
        int j = (int)(u * BINS);
        count[j < 0 ? 0 : j >= BINS ? BINS - 1 : j]++;
    }
    chisq(what, count, prob, BINS);
}

static double cdf_binomial(double k, const double *par)
{
    return gsl_cdf_binomial_P((unsigned)k, par[0], (unsigned)par[1]);
}
static double cdf_poisson(double k, const double *par)
{
    return gsl_cdf_poisson_P((unsigned)k, par[0]);
}
static double cdf_hyper(double k, const double *par)
{
    return gsl_cdf_hypergeometric_P((unsigned)k, (unsigned)par[0], (unsigned)par[1],
                                    (unsigned)par[2]);
}
static double cdf_normal(double x, const double *par)
{
    (void)par;
    return gsl_cdf_ugaussian_P(x);
}
static double cdf_gamma(double x, const double *par)
{
    return gsl_cdf_gamma_P(x, par[0], 1.0);
}
static double cdf_beta(double x, const double *par)
{
    return gsl_cdf_beta_P(x, par[0], par[1]);
}

static double *draws;

static void seek(int id)
{
    infl__rng_seek(&rng, (uint64_t)id, 1, 2, INFL_STREAM_FUNNEL);
}

static void test_binomial(void)
{
    static const double ns[] = {1, 7, 30, 100, 1000, 13000, 1e6, 4e9};
    static const double ps[] = {1e-6, 0.008, 0.12, 0.35, 0.5, 0.88, 0.999};
    int id = 0;
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        for (size_t j = 0; j < sizeof ps / sizeof ps[0]; j++) {
            double par[2] = {ps[j], ns[i]};
            seek(100 + id++);
            for (int d = 0; d < DRAWS; d++)
                draws[d] = infl__sample_binomial(&rng, par[0], (uint32_t)par[1]);
            char what[80];
            snprintf(what, sizeof what, "binomial n=%g p=%g (%s)", ns[i], ps[j],
                     ns[i] * fmin(ps[j], 1 - ps[j]) < 10 ? "inversion" : "BTRS");
            discrete_case(what, draws, cdf_binomial, par, ns[i]);
        }
    }
    /* Edges: n = 0, p = 0, p = 1, p NaN. */
    CHECK_INT(infl__sample_binomial(&rng, 0.3, 0), 0);
    CHECK_INT(infl__sample_binomial(&rng, 0.0, 50), 0);
    CHECK_INT(infl__sample_binomial(&rng, 1.0, 50), 50);
    CHECK_INT(infl__sample_binomial(&rng, NAN, 50), 0);
}

static void test_poisson(void)
{
    static const double mus[] = {1e-4, 0.5, 3, 9.99, 10, 17, 110, 1e4, 1e6};
    for (size_t i = 0; i < sizeof mus / sizeof mus[0]; i++) {
        double par[1] = {mus[i]};
        seek(300 + (int)i);
        for (int d = 0; d < DRAWS; d++)
            draws[d] = infl__sample_poisson(&rng, mus[i]);
        char what[80];
        snprintf(what, sizeof what, "poisson mu=%g (%s)", mus[i],
                 mus[i] < 10 ? "inversion" : "PTRS");
        /* Away from the mean GSL's cdf errs for large mu; the mass beyond 12
         * standard deviations is below 1e-30, taken as 0. */
        double sd = sqrt(mus[i]);
        discrete_case_in(what, draws, cdf_poisson, par, fmax(0.0, floor(mus[i] - 12 * sd - 30)),
                         ceil(mus[i] + 12 * sd + 30));
    }
    CHECK_INT(infl__sample_poisson(&rng, 0.0), 0);
    /* At the model's limit (2e9; GSL's cdf fails from about 1e7): mean and
     * variance within 4 standard errors. */
    enum { BIG = 20000 };
    double s = 0, ss = 0, mu = 2e9;
    seek(399);
    for (int d = 0; d < BIG; d++) {
        double x = infl__sample_poisson(&rng, mu) - mu;
        s += x;
        ss += x * x;
    }
    CHECK_NEAR(s / BIG, 0.0, 4 * sqrt(mu / BIG));
    CHECK_NEAR(ss / BIG / mu, 1.0, 4 * sqrt(2.0 / BIG));
}

static void test_hypergeometric(void)
{
    /* good, bad, draws: the overlap case (few seen), small and large means,
     * both symmetries (good > bad, draws > half), and a product of more than
     * 32 factors. (GSL's cdf sums term by term, so counts stay moderate.) */
    static const double cases[][3] = {
        {296000, 4000, 30}, {150000, 150000, 3000}, {10, 20, 5},  {20, 10, 25},      {5, 995, 500},
        {300, 300000, 60},  {1e9, 2e6, 1e4},        {40, 60, 50}, {3e4, 1e3, 2.5e4}, {1, 1, 1},
        {2e4, 2e4, 1e4},    {1e6, 100, 200},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const double *par = cases[i];
        seek(400 + (int)i);
        for (int d = 0; d < DRAWS; d++)
            draws[d] = infl__sample_hypergeometric(&rng, (uint32_t)par[0], (uint32_t)par[1],
                                                   (uint32_t)par[2]);
        char what[80];
        snprintf(what, sizeof what, "hypergeometric good=%g bad=%g draws=%g", par[0], par[1],
                 par[2]);
        discrete_case(what, draws, cdf_hyper, par, fmin(par[0], par[2]));
    }
    /* Counts near 2^31: mean and variance within 4 standard errors. */
    enum { BIG = 20000 };
    const double good = 2e9, bad = 1.5e9, n = 1e9, total = good + bad;
    const double mean = n * good / total, var = mean * (bad / total) * (total - n) / (total - 1);
    double s = 0, ss = 0;
    seek(499);
    for (int d = 0; d < BIG; d++) {
        double x = infl__sample_hypergeometric(&rng, (uint32_t)good, (uint32_t)bad, (uint32_t)n);
        s += x - mean;
        ss += (x - mean) * (x - mean);
    }
    CHECK_NEAR(s / BIG, 0.0, 4 * sqrt(var / BIG));
    CHECK_NEAR(ss / BIG / var, 1.0, 4 * sqrt(2.0 / BIG));
    CHECK_INT(infl__sample_hypergeometric(&rng, 10, 5, 0), 0);
    CHECK_INT(infl__sample_hypergeometric(&rng, 10, 5, 15), 10);
    CHECK_INT(infl__sample_hypergeometric(&rng, 10, 5, 99), 10);
    CHECK_INT(infl__sample_hypergeometric(&rng, 0, 5, 3), 0);
    CHECK_INT(infl__sample_hypergeometric(&rng, 7, 0, 3), 3);
}

static void test_continuous(void)
{
    seek(500);
    for (int d = 0; d < DRAWS; d++)
        draws[d] = infl__sample_normal(&rng);
    continuous_case("normal (ziggurat)", draws, cdf_normal, NULL);
    /* The tail beyond R = 3.44: about 0.06 % of draws; test it alone. */
    double tail[BINS] = {0}, prob[BINS];
    const double big_r = infl__sample_zig_x[1], qr = gsl_cdf_ugaussian_Q(big_r);
    long n_tail = 0;
    seek(501);
    for (long d = 0; n_tail < DRAWS; d++) {
        double x = fabs(infl__sample_normal(&rng));
        if (x >= big_r) {
            double u = (qr - gsl_cdf_ugaussian_Q(x)) / qr;
            int j = (int)(u * BINS);
            tail[j < 0 ? 0 : j >= BINS ? BINS - 1 : j]++;
            n_tail++;
        }
    }
    for (int j = 0; j < BINS; j++)
        prob[j] = 1.0 / BINS;
    chisq("normal tail beyond R (|x| > 3.44)", tail, prob, BINS);

    /* Shapes below about 0.03 put most of the mass below the smallest double
     * (Gamma(0.001) is below 1e-308 half the time), where no chi-square on
     * the values can look; those are checked by their means below. */
    static const double shapes[] = {0.05, 0.3, 0.999, 1.0, 2.5, 10, 1e4};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        double par[1] = {shapes[i]};
        seek(510 + (int)i);
        for (int d = 0; d < DRAWS; d++)
            draws[d] = infl__sample_gamma(&rng, shapes[i]);
        char what[80];
        snprintf(what, sizeof what, "gamma shape=%g", shapes[i]);
        continuous_case(what, draws, cdf_gamma, par);
    }

    static const double betas[][2] = {{14, 26},   {0.5, 0.5}, {0.05, 0.5}, {3, 0.3},  {1, 1},
                                      {880, 120}, {0.4, 7},   {4e4, 1e4},  {1.5, 1.5}};
    for (size_t i = 0; i < sizeof betas / sizeof betas[0]; i++) {
        seek(530 + (int)i);
        int bad = 0;
        for (int d = 0; d < DRAWS; d++) {
            draws[d] = infl__sample_beta(&rng, betas[i][0], betas[i][1]);
            bad += !(draws[d] >= 0.0 && draws[d] <= 1.0);
        }
        CHECK_INT(bad, 0);
        char what[80];
        snprintf(what, sizeof what, "beta a=%g b=%g", betas[i][0], betas[i][1]);
        continuous_case(what, draws, cdf_beta, betas[i]);
    }
    /* The loader's smallest shapes (1e-3): no NaN, values in [0, 1], and the
     * mean a / (a + b) within 4 standard errors. */
    static const double tiny[][2] = {{0.002, 0.5}, {2, 0.01}, {0.001, 0.001}};
    for (size_t i = 0; i < sizeof tiny / sizeof tiny[0]; i++) {
        double s = 0, ss = 0;
        int bad = 0;
        seek(550 + (int)i);
        for (int d = 0; d < DRAWS; d++) {
            double x = infl__sample_beta(&rng, tiny[i][0], tiny[i][1]);
            bad += !(x >= 0.0 && x <= 1.0);
            s += x;
            ss += x * x;
        }
        double m = s / DRAWS, se = sqrt((ss / DRAWS - m * m) / DRAWS);
        printf("beta a=%g b=%g: mean %.5f (se %.5f), exact %.5f\n", tiny[i][0], tiny[i][1], m, se,
               tiny[i][0] / (tiny[i][0] + tiny[i][1]));
        CHECK_INT(bad, 0);
        CHECK_NEAR(m, tiny[i][0] / (tiny[i][0] + tiny[i][1]), 4 * se);
    }
    CHECK(infl__sample_gamma(&rng, 0.001) >= 0.0);

    /* Prepared shapes give the very same numbers as shapes built per draw. */
    infl_gamma_shape ga, gb;
    infl__sample_gamma_shape_init(&ga, 0.3);
    infl__sample_gamma_shape_init(&gb, 12.0);
    infl_rng other = rng;
    int same = 1;
    for (int d = 0; d < 1000; d++)
        same &= infl__sample_beta(&rng, 0.3, 12.0) == infl__sample_beta_shapes(&other, &ga, &gb);
    CHECK(same);
}

static void test_vectors(void)
{
    /* Dirichlet: every component is Beta(alpha_i, sum - alpha_i); draws sum to 1. */
    static const double alphas[][4] = {{22, 10, 3.2, 4.8}, {0.8, 1.2, 6, 12}, {0.01, 0.02, 5, 0.3}};
    double *cols[4];
    for (int c = 0; c < 4; c++)
        cols[c] = malloc(DRAWS * sizeof(double));
    for (size_t i = 0; i < sizeof alphas / sizeof alphas[0]; i++) {
        const double *al = alphas[i];
        double sum = al[0] + al[1] + al[2] + al[3], out[4];
        seek(600 + (int)i);
        int sums = 1;
        for (int d = 0; d < DRAWS; d++) {
            infl__sample_dirichlet(&rng, 4, al, out);
            sums &= fabs(out[0] + out[1] + out[2] + out[3] - 1.0) < 1e-12;
            for (int c = 0; c < 4; c++)
                cols[c][d] = out[c];
        }
        CHECK(sums);
        for (int c = 0; c < 4; c++) {
            double par[2] = {al[c], sum - al[c]};
            char what[80];
            snprintf(what, sizeof what, "dirichlet set %zu component %d", i, c);
            continuous_case(what, cols[c], cdf_beta, par);
        }
    }
    /* Multinomial: every count is Binomial(n, p_i); counts sum to n. */
    static const double ps[] = {0.55, 0.25, 0.0, 0.08, 0.12};
    static const uint32_t ns[] = {0, 1, 40, 3000, 2000000};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        uint32_t out[5];
        seek(620 + (int)i);
        int sums = 1;
        for (int d = 0; d < DRAWS; d++) {
            infl__sample_multinomial(&rng, 5, ns[i], ps, out);
            sums &= out[0] + out[1] + out[2] + out[3] + out[4] == ns[i];
            CHECK(out[2] == 0 || !"a zero-share category got a count");
            for (int c = 0; c < 4; c++)
                cols[c][d] = out[c == 2 ? 4 : c];
        }
        CHECK(sums);
        if (ns[i] == 0)
            continue;
        for (int c = 0; c < 4; c++) {
            double par[2] = {ps[c == 2 ? 4 : c], ns[i]};
            char what[80];
            snprintf(what, sizeof what, "multinomial n=%u component p=%g", ns[i], par[0]);
            discrete_case(what, cols[c], cdf_binomial, par, ns[i]);
        }
    }
    for (int c = 0; c < 4; c++)
        free(cols[c]);
}

static void test_log_factorial(void)
{
    double worst = 0.0;
    for (double k = 0; k < 4e9; k = k < 100 ? k + 1 : floor(k * 1.37)) {
        double want = gsl_sf_lnfact((unsigned)k), got = infl__sample_log_factorial(k);
        double rel = want > 0 ? fabs(got - want) / want : fabs(got - want);
        if (rel > worst)
            worst = rel;
    }
    printf("log_factorial: worst relative error %.2g\n", worst);
    CHECK(worst < 1e-14);
    /* Ratios of large close factorials: log(a!/b!) = sum of log(i), i = b+1..a. */
    static const double pairs[][2] = {{1e9 + 17, 1e9}, {4e9, 4e9 - 300}, {35, 31}, {1e6, 40}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        double a = pairs[i][0], b = pairs[i][1];
        long double sum = 0.0L;
        if (a - b < 1e5) {
            for (double j = b + 1; j <= a; j++)
                sum += logl((long double)j);
        } else {
            sum = (long double)gsl_sf_lnfact((unsigned)a) - (long double)gsl_sf_lnfact((unsigned)b);
        }
        double got = infl__sample_log_factorial_ratio(a, b);
        CHECK_NEAR(got, (double)sum, 1e-12 * fabs((double)sum) + 1e-12);
        CHECK_NEAR(infl__sample_log_factorial_ratio(b, a), -got, 0);
    }
}

int main(void)
{
    draws = malloc(DRAWS * sizeof *draws);
    if (draws == NULL)
        return 1;
    infl__rng_init(&rng, 20261125);
    test_log_factorial();
    test_binomial();
    test_poisson();
    test_hypergeometric();
    test_continuous();
    test_vectors();

    /* All p-values together: uniform if every sampler is right. */
    gsl_sort(pvalues, 1, (size_t)n_cases);
    double d = 0.0;
    for (int i = 0; i < n_cases; i++) {
        double lo = pvalues[i] - (double)i / n_cases, hi = (double)(i + 1) / n_cases - pvalues[i];
        d = fmax(d, fmax(lo, hi));
    }
    /* Kolmogorov's asymptotic tail, accurate enough for a few hundred cases. */
    double lambda = (sqrt((double)n_cases) + 0.12 + 0.11 / sqrt((double)n_cases)) * d, q = 0.0;
    for (int j = 1; j < 100; j++)
        q += 2.0 * (j % 2 ? 1.0 : -1.0) * exp(-2.0 * j * j * lambda * lambda);
    printf("%d cases; KS of their p-values against uniform: D = %.4f, p = %.4f\n", n_cases, d, q);
    CHECK(q > 1e-3);
    free(draws);
    return check_exit();
}
