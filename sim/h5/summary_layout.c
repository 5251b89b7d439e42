/*
 * summary_layout.c — what a run's file gets once the summary is known (see
 * docs/output.md): under /strategies/NAME/summary one row per metric and one
 * column per statistic, the /comparisons between strategies, then the root
 * attributes that could not be known at the start (wall time, trials done)
 * and, last, `complete`.
 */
#include "h5/summary_layout.h"

#include "h5/writer.h"
#include "influsim/results.h"

#include <hdf5_hl.h>
#include <stdio.h>
#include <stdlib.h>

/* The rows of a summary table: `metric` (kept open as *metric_scale, a
 * dimension scale, for the caller to close), its units and long names. */
static bool metric_rows(infl__h5_io *io, hid_t gs, const infl_summary *sm, hid_t *metric_scale)
{
    const size_t nm = sm->n_metrics;
    char **names = malloc(nm * sizeof *names), **units = malloc(nm * sizeof *units),
         **longs = malloc(nm * sizeof *longs);
    bool ok = names && units && longs;
    if (ok) {
        for (size_t m = 0; m < nm; m++) {
            names[m] = sm->metrics[m].name;
            units[m] = sm->metrics[m].units;
            longs[m] = sm->metrics[m].long_name;
        }
        ok = infl__h5_string_column(io, gs, "metric", names, nm, "metric name", metric_scale) &&
             H5DSset_scale(*metric_scale, "metric") >= 0 &&
             infl__h5_string_column_on(io, gs, "units", units, nm, "units of the metric",
                                       *metric_scale) &&
             infl__h5_string_column_on(io, gs, "long_name", longs, nm, "what the metric counts",
                                       *metric_scale);
    }
    free(names);
    free(units);
    free(longs);
    return ok;
}

/* Writes strategy s's summary table into its group (made by begin_strategy). */
static bool summary_strategy(infl__h5_io *io, hid_t strategies, const infl_summary *sm, size_t s,
                             double *buf)
{
    const size_t nm = sm->n_metrics;
    bool ok = false;
    hid_t g = -1, gs = -1, metric_scale = -1;

    if ((g = H5Gopen2(strategies, sm->strategy_names[s], H5P_DEFAULT)) < 0) {
        infl__h5_fail(io, "group", sm->strategy_names[s]);
        goto done;
    }
    /* The summary: one row per metric, one column per statistic. */
    if ((gs = infl__h5_group(io, g, "summary")) < 0)
        goto done;
    if (!metric_rows(io, gs, sm, &metric_scale)) {
        infl__h5_fail(io, "summary of strategy", sm->strategy_names[s]);
        goto done;
    }

    const infl_stat *st = &sm->stats[s * nm];
#define STAT_COLUMN(field, cname, cunits, clong)                                                   \
    do {                                                                                           \
        for (size_t m = 0; m < nm; m++)                                                            \
            buf[m] = (double)st[m].field;                                                          \
        if (!infl__h5_column(io, gs, cname, H5T_IEEE_F64LE, buf, nm, false, cunits, clong,         \
                             metric_scale))                                                        \
            goto done;                                                                             \
    } while (0)
    for (size_t m = 0; m < nm; m++)
        buf[m] = (double)st[m].n;
    if (!infl__h5_column(io, gs, "n", H5T_STD_U64LE, buf, nm, false, "1",
                         "trials where the metric is defined", metric_scale))
        goto done;
    for (size_t m = 0; m < nm; m++)
        buf[m] = (double)st[m].n_missing;
    if (!infl__h5_column(io, gs, "n_missing", H5T_STD_U64LE, buf, nm, false, "1",
                         "trials where the metric is undefined (zero denominator)", metric_scale))
        goto done;
    STAT_COLUMN(mean, "mean", "metric units", "mean over trials");
    STAT_COLUMN(sd, "sd", "metric units", "standard deviation over trials (n - 1)");
    STAT_COLUMN(se, "se", "metric units", "Monte Carlo standard error of the mean");
    STAT_COLUMN(min, "min", "metric units", "smallest value");
    STAT_COLUMN(max, "max", "metric units", "largest value");
    static const char *const qnames[INFL_N_QUANTILES] = {"q01", "q05", "q10", "q25", "q50",
                                                         "q75", "q90", "q95", "q99"};
    for (size_t i = 0; i < INFL_N_QUANTILES; i++) {
        char longq[64];
        snprintf(longq, sizeof longq, "%g %% quantile (linear interpolation)",
                 infl_quantile_levels[i] * 100);
        STAT_COLUMN(q[i], qnames[i], "metric units", longq);
    }
    STAT_COLUMN(p_zero, "p_zero", "1", "share of trials with value 0");
    STAT_COLUMN(ratio_of_totals, "ratio_of_totals", "metric units",
                "ratios only: sum of numerators over sum of denominators across trials");
#undef STAT_COLUMN
    ok = true;
done:
    if (metric_scale >= 0)
        H5Dclose(metric_scale);
    if (gs >= 0)
        H5Gclose(gs);
    if (g >= 0)
        H5Gclose(g);
    return ok;
}

/* An n x n array over (strategy, strategy_b), labelled. */
static bool matrix(infl__h5_io *io, hid_t loc, const char *name, const double *v, size_t n,
                   const char *units, const char *long_name, hid_t strategy_scale,
                   hid_t strategy_b_scale)
{
    const hsize_t dims[2] = {n, n};
    const hid_t scales[2] = {strategy_scale, strategy_b_scale};
    return infl__h5_nd_array(io, loc, name, 2, dims, v, scales, units, long_name);
}

/* /comparisons/pairs: the comparisons as a table, one row per ordered pair
 * of different strategies (a, b). */
static bool comparison_pairs(infl__h5_io *io, hid_t g, const infl_summary *sm)
{
    const size_t n = sm->n_strategies;
    const size_t pairs = n * (n - 1);
    bool ok = false;
    hid_t gp = -1, row = -1;
    char **a = calloc(pairs ? pairs : 1, sizeof *a), **b = calloc(pairs ? pairs : 1, sizeof *b);
    double *col = calloc(pairs ? pairs : 1, sizeof *col);
    if (!a || !b || !col) {
        io->rc = infl_error_add(io->err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    if ((gp = infl__h5_group(io, g, "pairs")) < 0)
        goto done;
    size_t i = 0;
    for (size_t x = 0; x < n; x++)
        for (size_t y = 0; y < n; y++)
            if (x != y) {
                a[i] = sm->strategy_names[x];
                b[i] = sm->strategy_names[y];
                i++;
            }
    /* The rows' index, their dimension scale: xarray then opens the table. */
    if (!infl__h5_index_scale(io, gp, "pair", pairs, false, "ordered pair (a, b), a != b", &row) ||
        !infl__h5_string_column_on(io, gp, "strategy_a", a, pairs, "first strategy of the pair",
                                   row) ||
        !infl__h5_string_column_on(io, gp, "strategy_b", b, pairs, "second strategy of the pair",
                                   row))
        goto done;
    const struct {
        const char *name;
        const double *m;
        bool transpose; /* m[b,a], for "b greater"; else m[a,b] */
        const char *units, *long_name;
    } cols[] = {
        {"p_a_greater", sm->p_greater, false, "1", "P(conversions of a > conversions of b)"},
        {"p_tie", sm->p_tie, false, "1", "P(conversions of a = conversions of b)"},
        {"p_b_greater", sm->p_greater, true, "1", "P(conversions of b > conversions of a)"},
        {"mean_difference", sm->mean_difference, false, "conversions", "mean of a minus b"},
        {"se_difference", sm->se_difference, false, "conversions",
         "standard error of mean_difference"},
    };
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        i = 0;
        for (size_t x = 0; x < n; x++)
            for (size_t y = 0; y < n; y++)
                if (x != y)
                    col[i++] = cols[c].transpose ? cols[c].m[y * n + x] : cols[c].m[x * n + y];
        if (!infl__h5_column(io, gp, cols[c].name, H5T_IEEE_F64LE, col, pairs, false, cols[c].units,
                             cols[c].long_name, row))
            goto done;
    }
    ok = true;
done:
    if (row >= 0 && H5Dclose(row) < 0 && ok)
        ok = infl__h5_fail(io, "dataset", "pair");
    free(a);
    free(b);
    free(col);
    if (gp >= 0)
        H5Gclose(gp);
    return ok;
}

/* The /comparisons group: the paired comparisons of conversions between
 * strategies, as matrices over (strategy, strategy_b) and as a table of pairs. */
static bool write_comparisons(infl__h5_io *io, hid_t file, const infl_summary *sm)
{
    const size_t n = sm->n_strategies;
    hid_t g = infl__h5_group(io, file, "comparisons"), sa = -1, sb = -1;
    bool ok = false;
    if (g < 0)
        goto done;
    /* Both axes have scales of their own in the group (the names of
     * /strategy): a dimension may appear once per array for netCDF readers
     * such as xarray, and a group's own coordinates are what xarray's
     * .sel(strategy=...) needs when it opens the group alone. */
    if (!infl__h5_string_column(io, g, "strategy", sm->strategy_names, n,
                                "first strategy of a comparison (a)", &sa) ||
        H5DSset_scale(sa, "strategy") < 0) {
        infl__h5_fail(io, "dataset", "strategy");
        goto done;
    }
    if (!infl__h5_string_column(io, g, "strategy_b", sm->strategy_names, n,
                                "second strategy of a comparison (b)", &sb) ||
        H5DSset_scale(sb, "strategy_b") < 0) {
        infl__h5_fail(io, "dataset", "strategy_b");
        goto done;
    }
    ok = infl__h5_attr_str(io, g, "metric", "conversions") &&
         matrix(io, g, "p_greater", sm->p_greater, n, "1", "P(conversions of a > conversions of b)",
                sa, sb) &&
         matrix(io, g, "p_tie", sm->p_tie, n, "1", "P(conversions of a = conversions of b)", sa,
                sb) &&
         matrix(io, g, "mean_difference", sm->mean_difference, n, "conversions",
                "mean of conversions of a minus conversions of b", sa, sb) &&
         matrix(io, g, "se_difference", sm->se_difference, n, "conversions",
                "standard error of the mean difference (paired, same trials)", sa, sb) &&
         comparison_pairs(io, g, sm);
done:
    if (sa >= 0 && H5Dclose(sa) < 0 && ok)
        ok = infl__h5_fail(io, "dataset", "strategy");
    if (sb >= 0 && H5Dclose(sb) < 0 && ok)
        ok = infl__h5_fail(io, "dataset", "strategy_b");
    if (g >= 0)
        H5Gclose(g);
    return ok;
}

bool infl__h5_summary_finish(infl__h5_io *io, hid_t file, const infl_summary *sm,
                             double wall_seconds, bool complete)
{
    bool ok = false;
    hid_t gst = -1;
    size_t nbuf = sm->n_metrics > 16 ? sm->n_metrics : 16;
    double *buf = malloc(nbuf * sizeof *buf);
    if (buf == NULL) {
        io->rc = infl_error_add(io->err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    if ((gst = H5Gopen2(file, "strategies", H5P_DEFAULT)) < 0) {
        infl__h5_fail(io, "group", "strategies");
        goto done;
    }
    for (size_t k = 0; k < sm->n_strategies; k++)
        if (!summary_strategy(io, gst, sm, k, buf))
            goto done;
    if (!write_comparisons(io, file, sm))
        goto done;
    uint64_t done_trials = sm->n_trials;
    if (!infl__h5_attr_update(io, file, "wall_time_s", H5T_NATIVE_DOUBLE, &wall_seconds) ||
        !infl__h5_attr_update(io, file, "trials_done", H5T_NATIVE_UINT64, &done_trials))
        goto done;
    ok = !complete || infl__h5_mark_complete(io, file);
done:
    free(buf);
    if (gst >= 0)
        H5Gclose(gst);
    return ok;
}
