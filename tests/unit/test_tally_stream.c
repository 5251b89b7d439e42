/*
 * Unit tests of the streaming tallies (sim/stats/tally_stream.c, sim/stats/moments.c): moments
 * merged block by block equal one pass over the same values; histogram quantiles equal the exact
 * ones for integers below 2048 and are within the documented resolution otherwise; tallies merged
 * from parts equal one tally of the whole; NaN, zeros, negatives and infinities are counted where
 * they belong.
 */
#include "stats/tally_stream.h"
#include "check.h"
#include "model/metrics.h"
#include "random/rng.h"
#include "random/sample.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

enum { N = 20000, NM = 3, NS = 2 };

/* Exact quantile as stats/summary.c computes it, and the order statistics around it. */
static double exact_quantile(const double *sorted, size_t n, double f, double *lo, double *hi)
{
    double index = f * (double)(n - 1);
    size_t lhs = (size_t)index;
    *lo = sorted[lhs];
    *hi = sorted[lhs + 1 < n ? lhs + 1 : lhs];
    return gsl_stats_quantile_from_sorted_data(sorted, 1, n, f);
}

int main(void)
{
    infl_rng r;
    infl__rng_init(&r, 77);
    infl__rng_seek(&r, 1, 0, 0, INFL_STREAM_FUNNEL);

    /* Metric 0: integer counts below 2048 (binomial); metric 1: doubles over
     * several octaves of both signs; metric 2: a ratio, NaN one time in ten. */
    double *values = malloc((size_t)NS * NM * N * sizeof *values);
    CHECK(values != NULL);
    for (int t = 0; t < N; t++) {
        for (int s = 0; s < NS; s++) {
            double *row = values + ((size_t)t * NS + (size_t)s) * NM;
            row[0] = infl__sample_binomial(&r, 0.3 + 0.1 * s, 1500);
            row[1] = (infl__rng_uniform(&r) - 0.3) * exp(8.0 * infl__sample_normal(&r));
            row[2] = infl__rng_uniform(&r) < 0.1 ? NAN : infl__sample_gamma(&r, 2.0);
        }
    }
    values[0 * NM + 1] = 0.0; /* a zero */

    infl_metric_info metrics[NM] = {
        {.name = "count", .long_name = "count", .units = "1", .integer = true},
        {.name = "money", .long_name = "money", .units = "EUR"},
        {.name = "ratio", .long_name = "ratio", .units = "1", .ratio = true},
    };
    char *names[NS] = {"a", "b"};

    /* One stream over everything; and two streams over halves (as two
     * threads), blocks of 128 merged in order. */
    infl_tally_stream *whole = infl__tally_stream_new(NS, NM);
    infl_tally_stream *part[2] = {infl__tally_stream_new(NS, NM), infl__tally_stream_new(NS, NM)};
    infl_block_moments one, total, block;
    CHECK(infl__moments_block_init(&one, NS, NM) && infl__moments_block_init(&total, NS, NM) &&
          infl__moments_block_init(&block, NS, NM));
    for (int t = 0; t < N; t++)
        CHECK(infl__tally_stream_add(whole, &one, values + (size_t)t * NS * NM, 0));
    for (int b = 0; b * 128 < N; b++) {
        infl__moments_block_clear(&block);
        for (int t = b * 128; t < N && t < (b + 1) * 128; t++)
            CHECK(infl__tally_stream_add(part[b % 2], &block, values + (size_t)t * NS * NM, 0));
        infl__moments_block_merge(&total, &block);
    }
    CHECK(infl__tally_stream_merge(part[0], part[1]));

    infl_summary *sw = NULL, *sp = NULL;
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl__tally_stream_summary(whole, &one, N, metrics, names, &sw, &err), INFL_OK);
    CHECK_INT(infl__tally_stream_summary(part[0], &total, N, metrics, names, &sp, &err), INFL_OK);

    double *col = malloc(N * sizeof *col);
    for (int s = 0; s < NS; s++) {
        for (int m = 0; m < NM; m++) {
            const infl_stat *a = &sw->stats[s * NM + m], *b = &sp->stats[s * NM + m];
            size_t k = 0, zeros = 0;
            for (int t = 0; t < N; t++) {
                double x = values[((size_t)t * NS + (size_t)s) * NM + (size_t)m];
                if (!isnan(x)) {
                    col[k++] = x;
                    zeros += x == 0.0;
                }
            }
            /* Counts and extremes exact; moments equal to rounding, whether
             * merged from blocks or not, and against GSL's two-pass values. */
            CHECK_INT(a->n, k);
            CHECK_INT(a->n_missing, N - k);
            CHECK_INT(b->n, k);
            CHECK_NEAR(a->p_zero, (double)zeros / (double)k, 0);
            double mean = gsl_stats_mean(col, 1, k), sd = gsl_stats_sd_m(col, 1, k, mean);
            CHECK_NEAR(a->mean, mean, 1e-9 * fabs(mean) + 1e-12 * sd);
            CHECK_NEAR(b->mean, mean, 1e-9 * fabs(mean) + 1e-12 * sd);
            CHECK_NEAR(a->sd, sd, 1e-9 * sd);
            CHECK_NEAR(b->sd, sd, 1e-9 * sd);
            gsl_sort(col, 1, k);
            CHECK_NEAR(a->min, col[0], 0);
            CHECK_NEAR(a->max, col[k - 1], 0);
            /* Quantiles: the whole and the merged parts agree exactly (the
             * histograms are the same counts); against the exact quantile,
             * exact for the integer metric, else within half a bucket
             * (2^-11 relative) of the order statistics it interpolates. */
            int exact = 1, within = 1;
            for (int i = 0; i < INFL_N_QUANTILES; i++) {
                double lo, hi, q = exact_quantile(col, k, infl_quantile_levels[i], &lo, &hi);
                CHECK_NEAR(a->q[i], b->q[i], 0);
                if (m == 0)
                    exact &= a->q[i] == q;
                else
                    within &= fabs(a->q[i] - q) <= 0x1p-11 * (fabs(lo) + fabs(hi));
            }
            CHECK(exact);
            CHECK(within);
        }
        /* Ratio of totals from the block-ordered sums: not a ratio metric
         * pair here, so NaN. */
        CHECK(isnan(sw->stats[s * NM + 2].ratio_of_totals));
    }
    /* Pairwise comparisons of metric 0. */
    for (int a = 0; a < NS; a++) {
        for (int b = 0; b < NS; b++) {
            uint64_t greater = 0, tie = 0;
            for (int t = 0; t < N; t++) {
                double xa = values[((size_t)t * NS + (size_t)a) * NM];
                double xb = values[((size_t)t * NS + (size_t)b) * NM];
                greater += xa > xb;
                tie += xa == xb;
            }
            CHECK_NEAR(sw->p_greater[a * NS + b], (double)greater / N, 0);
            CHECK_NEAR(sp->p_tie[a * NS + b], (double)tie / N, 0);
        }
    }
    CHECK(infl__tally_stream_bytes(whole) < 4u << 20);

    /* Infinities and negative zero land at the ends and in the zero bucket. */
    infl_tally_stream *edge = infl__tally_stream_new(1, 1);
    infl_block_moments em;
    CHECK(infl__moments_block_init(&em, 1, 1));
    const double xs[] = {-INFINITY, -0.0, 5.0, INFINITY, 1e-310, -3.0};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
        CHECK(infl__tally_stream_add(edge, &em, &xs[i], 0));
    infl_summary *se = NULL;
    CHECK_INT(infl__tally_stream_summary(edge, &em, 6, metrics + 1, names, &se, &err), INFL_OK);
    CHECK(se->stats[0].q[0] == -INFINITY);
    CHECK(se->stats[0].q[INFL_N_QUANTILES - 1] == INFINITY);
    CHECK_NEAR(se->stats[0].p_zero, 1.0 / 6.0, 0);

    infl_summary_free(se);
    infl__moments_block_destroy(&em);
    infl__tally_stream_free(edge);
    infl_summary_free(sw);
    infl_summary_free(sp);
    infl__moments_block_destroy(&one);
    infl__moments_block_destroy(&total);
    infl__moments_block_destroy(&block);
    infl__tally_stream_free(whole);
    infl__tally_stream_free(part[0]);
    infl__tally_stream_free(part[1]);
    infl_error_destroy(&err);
    free(col);
    free(values);
    return check_exit();
}
