/* Unit tests of the Philox streams: determinism, independence of streams,
 * the whole 64-bit seed used, uniformity, and GSL samplers drawing from it. */
#include "check.h"
#include "rng.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

static void draw(gsl_rng *r, uint64_t t, uint32_t k, uint32_t c, infl_stream_purpose p,
                 unsigned long *out, size_t n)
{
    infl_rng_seek(r, t, k, c, p);
    for (size_t i = 0; i < n; i++)
        out[i] = gsl_rng_get(r);
}

static int same(const unsigned long *a, const unsigned long *b, size_t n)
{
    return memcmp(a, b, n * sizeof *a) == 0;
}

int main(void)
{
    gsl_rng *r = infl_rng_new(42);
    gsl_rng *r2 = infl_rng_new(42);
    CHECK(r != NULL && r2 != NULL);
    CHECK(strcmp(gsl_rng_name(r), "influsim-philox4x32-10") == 0);
    CHECK_INT(gsl_rng_max(r), 0xffffffffUL);

    enum { N = 64 };
    unsigned long a[N], b[N];
    /* Same stream, same numbers, whatever came before. */
    draw(r, 5, 1, 3, INFL_STREAM_FUNNEL, a, N);
    draw(r2, 99, 0, 0, INFL_STREAM_MARKET, b, 7);
    draw(r2, 5, 1, 3, INFL_STREAM_FUNNEL, b, N);
    CHECK(same(a, b, N));
    /* Each coordinate of the key changes the stream. */
    draw(r2, 6, 1, 3, INFL_STREAM_FUNNEL, b, N);
    CHECK(!same(a, b, N));
    draw(r2, 5, 2, 3, INFL_STREAM_FUNNEL, b, N);
    CHECK(!same(a, b, N));
    draw(r2, 5, 1, 4, INFL_STREAM_FUNNEL, b, N);
    CHECK(!same(a, b, N));
    draw(r2, 5, 1, 3, INFL_STREAM_ATTRIBUTES, b, N);
    CHECK(!same(a, b, N));
    draw(r2, 5 + (UINT64_C(1) << 32), 1, 3, INFL_STREAM_FUNNEL, b, N);
    CHECK(!same(a, b, N));

    /* The high half of the seed matters (GSL's mt19937 would drop it). */
    gsl_rng *hi = infl_rng_new(42 + (UINT64_C(1) << 40));
    draw(hi, 5, 1, 3, INFL_STREAM_FUNNEL, b, N);
    CHECK(!same(a, b, N));
    gsl_rng_free(hi);

    /* Known-answer: Philox4x32-10 with zero key and counter (Random123's kat_vectors). */
    gsl_rng *zero = infl_rng_new(0);
    infl_rng_seek(zero, 0, 0, 0, INFL_STREAM_MARKET);
    CHECK_INT(gsl_rng_get(zero), 0x6627e8d5UL);
    CHECK_INT(gsl_rng_get(zero), 0xe169c58dUL);
    CHECK_INT(gsl_rng_get(zero), 0xbc57ac4cUL);
    CHECK_INT(gsl_rng_get(zero), 0x9b00dbd8UL);
    gsl_rng_free(zero);

    /* Uniformity: chi-square over 100 bins of 200,000 draws, a fixed stream.
     * The threshold is the 0.1 % tail, so this fixed seed passing is meaningful
     * and cannot flake (the numbers never change). */
    enum { BINS = 100, DRAWS = 200000 };
    unsigned counts[BINS] = {0};
    infl_rng_seek(r, 123, 0, 0, INFL_STREAM_CONVERSION);
    double sum = 0;
    for (int i = 0; i < DRAWS; i++) {
        double u = gsl_rng_uniform(r);
        CHECK(u >= 0.0 && u < 1.0);
        counts[(int)(u * BINS)]++;
        sum += u;
    }
    double chi2 = 0, expect = (double)DRAWS / BINS;
    for (int i = 0; i < BINS; i++)
        chi2 += (counts[i] - expect) * (counts[i] - expect) / expect;
    double pvalue = gsl_cdf_chisq_Q(chi2, BINS - 1);
    printf("uniformity: chi2 = %.1f on %d dof, p = %.3f\n", chi2, BINS - 1, pvalue);
    CHECK(pvalue > 0.001);
    /* Mean within 4 standard errors (sd of U(0,1) is 1/sqrt(12)). */
    CHECK_NEAR(sum / DRAWS, 0.5, 4.0 / sqrt(12.0 * DRAWS));

    /* A GSL sampler through the wrapper: Poisson(3) mean. */
    infl_rng_seek(r, 7, 0, 0, INFL_STREAM_MARKET);
    double ps = 0;
    for (int i = 0; i < 100000; i++)
        ps += gsl_ran_poisson(r, 3.0);
    CHECK_NEAR(ps / 100000, 3.0, 4.0 * sqrt(3.0 / 100000));

    gsl_rng_free(r);
    gsl_rng_free(r2);
    return check_exit();
}
