/*
 * tally.c — statistics of per-trial results (see infl_summary_compute in
 * include/influsim/results.h).
 *
 * Every statistic is computed from the complete columns in trial order, so the
 * numbers depend only on the values, never on the thread count (cells are
 * spread over OpenMP threads, each computed whole by one of them). Quantiles
 * interpolate linearly between order statistics (numpy's default), so a
 * reader can check them with numpy.quantile on the per-trial datasets.
 */
#include "influsim/engine.h"
#include "influsim/results.h"

#include "metrics.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void stat_of(const double *x, uint64_t n, double *scratch, infl_stat *st)
{
    size_t k = 0;
    for (uint64_t t = 0; t < n; t++)
        if (!isnan(x[t]))
            scratch[k++] = x[t];
    memset(st, 0, sizeof *st);
    st->n = k;
    st->n_missing = n - k;
    st->ratio_of_totals = NAN;
    if (k == 0) {
        st->mean = st->sd = st->se = st->min = st->max = st->p_zero = NAN;
        for (size_t i = 0; i < INFL_N_QUANTILES; i++)
            st->q[i] = NAN;
        return;
    }
    st->mean = gsl_stats_mean(scratch, 1, k);
    st->sd = k > 1 ? gsl_stats_sd_m(scratch, 1, k, st->mean) : NAN;
    st->se = k > 1 ? st->sd / sqrt((double)k) : NAN;
    size_t zeros = 0;
    for (size_t i = 0; i < k; i++)
        zeros += scratch[i] == 0.0;
    st->p_zero = (double)zeros / (double)k;
    gsl_sort(scratch, 1, k);
    st->min = scratch[0];
    st->max = scratch[k - 1];
    for (size_t i = 0; i < INFL_N_QUANTILES; i++)
        st->q[i] = gsl_stats_quantile_from_sorted_data(scratch, 1, k, infl_quantile_levels[i]);
}

static double column_sum(const double *x, uint64_t n)
{
    double s = 0.0;
    for (uint64_t t = 0; t < n; t++)
        s += x[t];
    return s;
}

infl_status infl_summary_compute(const infl_trials *tr, unsigned threads, infl_summary **out,
                                 infl_error *err)
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

    /* Every cell (strategy, metric) and every pair is computed on its own
     * from the complete columns, so the threads share nothing but the
     * read-only input and the numbers do not depend on their count. */
    const long cells = (long)(ns * nm), rows = (long)ns;
    int nomem = 0;
#pragma omp parallel num_threads(threads ? (int)threads : (int)infl_engine_default_threads())      \
    reduction(|                                                                                    \
              : nomem)
    {
        double *scratch = malloc((n ? n : 1) * sizeof *scratch);
        if (scratch == NULL)
            nomem = 1;
#pragma omp for schedule(dynamic, 1)
        for (long c = 0; c < cells; c++) {
            if (scratch == NULL)
                continue;
            size_t s = (size_t)c / nm, m = (size_t)c % nm;
            infl_stat *st = &sm->stats[c];
            stat_of(infl_trials_column(tr, s, m), n, scratch, st);
            size_t num, den;
            if (tr->metrics[m].ratio && infl_metric_ratio_parts(m, &num, &den)) {
                double d = column_sum(infl_trials_column(tr, s, den), n);
                st->ratio_of_totals =
                    d > 0 ? column_sum(infl_trials_column(tr, s, num), n) / d : NAN;
            }
        }
        const size_t conv = INFL_M_CONVERSIONS;
#pragma omp for schedule(dynamic, 1)
        for (long ai = 0; ai < rows; ai++) {
            if (scratch == NULL)
                continue;
            size_t a = (size_t)ai;
            const double *xa = infl_trials_column(tr, a, conv);
            for (size_t b = 0; b < ns; b++) {
                const double *xb = infl_trials_column(tr, b, conv);
                uint64_t greater = 0, tie = 0;
                for (uint64_t t = 0; t < n; t++) {
                    scratch[t] = xa[t] - xb[t];
                    greater += xa[t] > xb[t];
                    tie += xa[t] == xb[t];
                }
                double mean = n ? gsl_stats_mean(scratch, 1, n) : NAN;
                double sd = n > 1 ? gsl_stats_sd_m(scratch, 1, n, mean) : NAN;
                sm->p_greater[a * ns + b] = n ? (double)greater / (double)n : NAN;
                sm->p_tie[a * ns + b] = n ? (double)tie / (double)n : NAN;
                sm->mean_difference[a * ns + b] = mean;
                sm->se_difference[a * ns + b] = n > 1 ? sd / sqrt((double)n) : NAN;
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
