/*
 * summary.c — exact statistics of per-trial results (see infl_summary_compute
 * in include/influsim/results.h).
 *
 * Two phases. The first reads the columns in trial order: counts, mean and
 * standard deviation (GSL's running formulas in long double, skipping NaN),
 * the sums behind ratios of totals, and the pairwise comparisons. The second
 * needs only the set of values: it sorts each column's defined values (in a
 * per-thread copy, or in place for infl_summary_compute_inplace, which then
 * needs no memory beyond the samples) for min, max and quantiles. Each cell is
 * computed whole by one OpenMP thread, so the numbers depend only on the
 * values, never on the thread count. Quantiles interpolate linearly between
 * order statistics (numpy's default), so a reader can check them with
 * numpy.quantile on the per-trial datasets.
 */
#include "influsim/results.h"

#include "base/threads.h"
#include "model/metrics.h"
#include "stats/quantile.h"

#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Phase 1 for one column: n, missing, zeros, mean and sd, as gsl_stats_mean
 * and gsl_stats_sd_m compute them over the defined values in order. */
static void moments_of(const double *x, uint64_t n, infl_stat *st)
{
    memset(st, 0, sizeof *st);
    st->ratio_of_totals = NAN;
    long double mean = 0.0L;
    uint64_t k = 0, zeros = 0;
    for (uint64_t t = 0; t < n; t++) {
        if (isnan(x[t]))
            continue;
        k++;
        mean += (x[t] - mean) / (long double)k;
        zeros += x[t] == 0.0;
    }
    st->n = k;
    st->n_missing = n - k;
    if (k == 0) {
        st->mean = st->sd = st->se = st->min = st->max = st->p_zero = NAN;
        for (size_t i = 0; i < INFL_N_QUANTILES; i++)
            st->q[i] = NAN;
        return;
    }
    st->mean = (double)mean;
    st->p_zero = (double)zeros / (double)k;
    if (k > 1) {
        long double variance = 0.0L, m = st->mean;
        uint64_t i = 0;
        for (uint64_t t = 0; t < n; t++) {
            if (isnan(x[t]))
                continue;
            const long double delta = x[t] - m;
            i++;
            variance += (delta * delta - variance) / (long double)i;
        }
        st->sd = sqrt((double)variance * ((double)k / (double)(k - 1)));
        st->se = st->sd / sqrt((double)k);
    } else {
        st->sd = st->se = NAN;
    }
}

/* Phase 2 for one column: sorts the k defined values of `defined` (which it
 * may reorder) for min, max and quantiles. */
static void order_of(double *defined, uint64_t k, infl_stat *st)
{
    if (k == 0)
        return;
    gsl_sort(defined, 1, k);
    st->min = defined[0];
    st->max = defined[k - 1];
    for (size_t i = 0; i < INFL_N_QUANTILES; i++)
        st->q[i] = infl__quantile_sorted(defined, k, infl_quantile_levels[i]);
}

/* Moves the defined values of x[0..n) to its front, in order; returns their count. */
static uint64_t compact(double *x, uint64_t n)
{
    uint64_t k = 0;
    for (uint64_t t = 0; t < n; t++)
        if (!isnan(x[t]))
            x[k++] = x[t];
    return k;
}

static double column_sum(const double *x, uint64_t n)
{
    double s = 0.0;
    for (uint64_t t = 0; t < n; t++)
        s += x[t];
    return s;
}

/* The comparison of strategies a and b on conversions, trial by trial. */
static void compare(const double *xa, const double *xb, uint64_t n, infl_summary *sm, size_t a,
                    size_t b)
{
    const size_t ns = sm->n_strategies;
    uint64_t greater = 0, tie = 0;
    long double mean = 0.0L;
    for (uint64_t t = 0; t < n; t++) {
        greater += xa[t] > xb[t];
        tie += xa[t] == xb[t];
        mean += ((xa[t] - xb[t]) - mean) / (long double)(t + 1);
    }
    double sd = NAN;
    if (n > 1) {
        long double variance = 0.0L, m = (double)mean;
        for (uint64_t t = 0; t < n; t++) {
            const long double delta = (xa[t] - xb[t]) - m;
            variance += (delta * delta - variance) / (long double)(t + 1);
        }
        sd = sqrt((double)variance * ((double)n / (double)(n - 1)));
    }
    sm->p_greater[a * ns + b] = n ? (double)greater / (double)n : NAN;
    sm->p_tie[a * ns + b] = n ? (double)tie / (double)n : NAN;
    sm->mean_difference[a * ns + b] = n ? (double)mean : NAN;
    sm->se_difference[a * ns + b] = n > 1 ? sd / sqrt((double)n) : NAN;
}

/* Both phases; `values` is tr->values when the columns may be reordered in
 * place, else NULL (each thread sorts a copy). */
static infl_status summarise(const infl_trials *tr, double *values, unsigned threads,
                             infl_summary **out, infl_error *err)
{
    *out = NULL;
    const size_t ns = tr->n_strategies, nm = tr->n_metrics;
    const uint64_t n = tr->n_trials;
    infl_summary *sm = calloc(1, sizeof *sm);
    if (sm == NULL)
        goto nomem;
    sm->n_strategies = ns;
    sm->n_metrics = nm;
    sm->n_trials = n;
    sm->strategy_names = infl_names_copy(tr->strategy_names, ns);
    sm->metrics = infl_metric_info_copy(tr->metrics, nm);
    sm->stats = calloc(ns * nm, sizeof *sm->stats);
    sm->p_greater = calloc(ns * ns, sizeof(double));
    sm->p_tie = calloc(ns * ns, sizeof(double));
    sm->mean_difference = calloc(ns * ns, sizeof(double));
    sm->se_difference = calloc(ns * ns, sizeof(double));
    if (!sm->strategy_names || !sm->metrics || !sm->stats || !sm->p_greater || !sm->p_tie ||
        !sm->mean_difference || !sm->se_difference)
        goto nomem;

    const long cells = (long)(ns * nm), rows = (long)ns;
    const size_t conv = INFL_M_CONVERSIONS;
    int nomem = 0;
#pragma omp parallel num_threads(threads ? (int)threads : (int)infl__threads_default())            \
    reduction(|                                                                                    \
              : nomem)
    {
        /* Phase 1: everything that depends on the order of the trials. */
#pragma omp for schedule(dynamic, 1)
        for (long c = 0; c < cells; c++) {
            size_t s = (size_t)c / nm, m = (size_t)c % nm;
            infl_stat *st = &sm->stats[c];
            moments_of(infl_trials_column(tr, s, m), n, st);
            size_t num, den;
            if (tr->metrics[m].ratio && infl__metrics_ratio_parts(m, &num, &den)) {
                double d = column_sum(infl_trials_column(tr, s, den), n);
                st->ratio_of_totals =
                    d > 0 ? column_sum(infl_trials_column(tr, s, num), n) / d : NAN;
            }
        }
#pragma omp for schedule(dynamic, 1)
        for (long a = 0; a < rows; a++)
            for (size_t b = 0; b < ns; b++)
                compare(infl_trials_column(tr, (size_t)a, conv), infl_trials_column(tr, b, conv), n,
                        sm, (size_t)a, b);
        /* (the loop's barrier: no column is reordered before every reader is done) */

        /* Phase 2: sorting, in place or in a copy. */
        double *scratch = values ? NULL : malloc((n ? n : 1) * sizeof *scratch);
        if (!values && scratch == NULL)
            nomem = 1;
#pragma omp for schedule(dynamic, 1)
        for (long c = 0; c < cells; c++) {
            size_t s = (size_t)c / nm, m = (size_t)c % nm;
            const double *x = infl_trials_column(tr, s, m);
            if (values != NULL) {
                double *own = values + ((size_t)c) * n;
                order_of(own, compact(own, n), &sm->stats[c]);
            } else if (scratch != NULL) {
                uint64_t k = 0;
                for (uint64_t t = 0; t < n; t++)
                    if (!isnan(x[t]))
                        scratch[k++] = x[t];
                order_of(scratch, k, &sm->stats[c]);
            }
        }
        free(scratch);
    }
    if (nomem)
        goto nomem;
    *out = sm;
    return INFL_OK;

nomem:
    infl_summary_free(sm);
    return infl_error_add(err, INFL_ENOMEM, "out of memory computing the summary");
}

infl_status infl_summary_compute(const infl_trials *tr, unsigned threads, infl_summary **out,
                                 infl_error *err)
{
    return summarise(tr, NULL, threads, out, err);
}

infl_status infl_summary_compute_inplace(infl_trials *tr, unsigned threads, infl_summary **out,
                                         infl_error *err)
{
    return summarise(tr, tr->values, threads, out, err);
}
