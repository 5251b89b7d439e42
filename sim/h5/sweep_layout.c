/*
 * sweep_layout.c — the file of `influsim sweep` (see docs/output.md): the
 * root attributes and /strategies as a run's file begins, then /sweep, with
 * per statistic an array over (axis..., strategy, metric) and per comparison
 * one over (axis..., strategy, strategy_b), every dimension with its scale so
 * that h5netcdf and xarray read labelled arrays; a 1-D sweep adds
 * /sweep/crossovers, where the best strategy changes along the axis.
 */
#include "h5/writer.h"

#include "influsim/sweep.h"

#include <hdf5_hl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* /sweep/crossovers: one row per change of the best strategy along a 1-D
 * sweep (see infl_sweep_crossovers). */
static bool write_crossovers(infl__h5_io *io, hid_t sweep, const infl_sweep_axis *axis,
                             infl_summary *const *points)
{
    infl_crossover *cx = NULL;
    size_t n = 0;
    if ((io->rc = infl_sweep_crossovers(axis, points, &cx, &n, io->err)) != INFL_OK)
        return false;
    char *const *names = points[0]->strategy_names;
    char **by = calloc(n ? n : 1, sizeof *by), **from = calloc(n ? n : 1, sizeof *from),
         **to = calloc(n ? n : 1, sizeof *to);
    double *col = calloc(n ? n : 1, sizeof *col);
    hid_t g = -1, row = -1;
    bool ok = by && from && to && col && (g = infl__h5_group(io, sweep, "crossovers")) >= 0;
    for (size_t i = 0; ok && i < n; i++) {
        by[i] = cx[i].by_median ? "median" : "mean";
        from[i] = names[cx[i].from];
        to[i] = names[cx[i].to];
    }
    ok =
        ok && infl__h5_attr_str(io, g, "key", axis->key) &&
        /* The rows' index, their dimension scale: xarray then opens the table. */
        infl__h5_index_scale(io, g, "crossover", n, false,
                             "change of the best strategy, in grid order", &row) &&
        infl__h5_string_column_on(io, g, "by", by, n, "best by mean or by median conversions",
                                  row) &&
        infl__h5_string_column_on(io, g, "from_strategy", from, n, "best strategy at lower", row) &&
        infl__h5_string_column_on(io, g, "to_strategy", to, n, "best strategy at upper", row);
#define CX_COLUMN(field, cname, cunits, clong)                                                     \
    do {                                                                                           \
        for (size_t i = 0; i < n; i++)                                                             \
            col[i] = cx[i].field;                                                                  \
        ok = ok &&                                                                                 \
             infl__h5_column(io, g, cname, H5T_IEEE_F64LE, col, n, false, cunits, clong, row);     \
    } while (0)
    CX_COLUMN(lower, "lower", "scenario units", "grid value below the change");
    CX_COLUMN(upper, "upper", "scenario units", "grid value above the change");
    CX_COLUMN(p_to_upper, "p_to_greater_at_upper", "1",
              "P(conversions of to_strategy > from_strategy) at upper");
    CX_COLUMN(p_from_lower, "p_from_greater_at_lower", "1",
              "P(conversions of from_strategy > to_strategy) at lower");
#undef CX_COLUMN
    if (!ok && io->rc == INFL_OK)
        io->rc = infl_error_add(io->err, INFL_ENOMEM, "out of memory");
    if (row >= 0)
        H5Dclose(row);
    if (g >= 0)
        H5Gclose(g);
    free(by);
    free(from);
    free(to);
    free(col);
    free(cx);
    return ok;
}

/* Axes of a grid the arrays can have: two more dimensions (strategy, and
 * metric or strategy_b) follow them. */
#define MAX_AXES 4

/* Writes each axis's grid values as a dimension scale of g (scales[a] gets
 * it, open) and lists the axes' keys in keys ("budget, tiers.small.price"). */
static bool write_axes(infl__h5_io *io, hid_t g, const infl_sweep_axis *axes, size_t n_axes,
                       hid_t *scales, char *keys, size_t cap)
{
    keys[0] = '\0';
    for (size_t a = 0; a < n_axes; a++) {
        const infl_sweep_axis *ax = &axes[a];
        scales[a] = infl__h5_dataset_1d(io, g, ax->name, H5T_IEEE_F64LE, ax->n, false);
        if (scales[a] < 0 ||
            H5Dwrite(scales[a], H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, ax->values) < 0 ||
            !infl__h5_label(io, scales[a], "scenario units", ax->key) ||
            !infl__h5_attr_str(io, scales[a], "key", ax->key) ||
            !infl__h5_attr_str(io, scales[a], "spacing", ax->log ? "log" : "linear") ||
            H5DSset_scale(scales[a], ax->name) < 0)
            return infl__h5_fail(io, "sweep axis", ax->name);
        snprintf(keys + strlen(keys), cap - strlen(keys), "%s%s", a ? ", " : "", ax->key);
    }
    return true;
}

/* Per statistic, an array over (axis..., strategy, metric): dims and scales
 * hold all rank dimensions; buf room for every point's ns * nm values. */
static bool stat_arrays(infl__h5_io *io, hid_t g, infl_summary *const *points, size_t n_points,
                        int rank, const hsize_t *dims, const hid_t *scales, double *buf)
{
    const size_t cells = points[0]->n_strategies * points[0]->n_metrics;
#define SWEEP_STAT(expr, cname, cunits, clong)                                                     \
    do {                                                                                           \
        for (size_t p = 0; p < n_points; p++)                                                      \
            for (size_t c = 0; c < cells; c++) {                                                   \
                const infl_stat *st = &points[p]->stats[c];                                        \
                buf[p * cells + c] = (double)(expr);                                               \
            }                                                                                      \
        if (!infl__h5_nd_array(io, g, cname, rank, dims, buf, scales, cunits, clong))              \
            return false;                                                                          \
    } while (0)
    SWEEP_STAT(st->mean, "mean", "metric units", "mean over trials");
    SWEEP_STAT(st->sd, "sd", "metric units", "standard deviation over trials (n - 1)");
    SWEEP_STAT(st->se, "se", "metric units", "Monte Carlo standard error of the mean");
    SWEEP_STAT(st->min, "min", "metric units", "smallest value");
    SWEEP_STAT(st->max, "max", "metric units", "largest value");
    static const char *const qnames[INFL_N_QUANTILES] = {"q01", "q05", "q10", "q25", "q50",
                                                         "q75", "q90", "q95", "q99"};
    for (size_t i = 0; i < INFL_N_QUANTILES; i++)
        SWEEP_STAT(st->q[i], qnames[i], "metric units", "quantile (linear interpolation)");
    SWEEP_STAT(st->p_zero, "p_zero", "1", "share of trials with value 0");
    SWEEP_STAT(st->ratio_of_totals, "ratio_of_totals", "metric units",
               "ratios only: sum of numerators over sum of denominators across trials");
    SWEEP_STAT(st->n, "n", "1", "trials where the metric is defined");
#undef SWEEP_STAT
    return true;
}

/* Per comparison of conversions, an array over (axis..., strategy,
 * strategy_b); dims, scales and buf as for stat_arrays. */
static bool comparison_arrays(infl__h5_io *io, hid_t g, infl_summary *const *points,
                              size_t n_points, int rank, const hsize_t *dims, const hid_t *scales,
                              double *buf)
{
    const size_t ns = points[0]->n_strategies;
    static const struct {
        const char *name, *units, *long_name;
    } cmp[] = {
        {"p_greater", "1", "P(conversions of strategy > conversions of strategy_b)"},
        {"p_tie", "1", "P(conversions of strategy = conversions of strategy_b)"},
        {"mean_difference", "conversions", "mean of strategy minus strategy_b"},
        {"se_difference", "conversions", "standard error of mean_difference"},
    };
    for (size_t k = 0; k < sizeof cmp / sizeof cmp[0]; k++) {
        for (size_t p = 0; p < n_points; p++) {
            const infl_summary *sm = points[p];
            const double *src = k == 0   ? sm->p_greater
                                : k == 1 ? sm->p_tie
                                : k == 2 ? sm->mean_difference
                                         : sm->se_difference;
            memcpy(buf + p * ns * ns, src, ns * ns * sizeof *buf);
        }
        if (!infl__h5_nd_array(io, g, cmp[k].name, rank, dims, buf, scales, cmp[k].units,
                               cmp[k].long_name))
            return false;
    }
    return true;
}

/* The /sweep group: the axes, strategy, strategy_b and metric as dimension
 * scales, per statistic an array (axis..., strategy, metric), per comparison
 * an array (axis..., strategy, strategy_b), so h5netcdf/xarray read labelled
 * arrays; a 1-D sweep's crossovers. */
static bool write_sweep(infl__h5_io *io, hid_t file, const infl_sweep_axis *axes, size_t n_axes,
                        infl_summary *const *points)
{
    if (n_axes > MAX_AXES) {
        io->rc = infl_error_add(io->err, INFL_ELIMIT, "%s: a sweep has at most %d axes, not %zu",
                                io->path, MAX_AXES, n_axes);
        return false;
    }
    const infl_summary *first = points[0];
    const size_t ns = first->n_strategies, nm = first->n_metrics;
    size_t n_points = 1;
    for (size_t a = 0; a < n_axes; a++)
        n_points *= axes[a].n;
    bool ok = false;
    hid_t g = -1, scales[MAX_AXES + 2], strategy = -1, strategy_b = -1, metric = -1;
    for (size_t k = 0; k < MAX_AXES + 2; k++)
        scales[k] = -1;
    char **metric_names = calloc(nm, sizeof *metric_names);
    double *buf = malloc(n_points * (ns * nm > ns * ns ? ns * nm : ns * ns) * sizeof *buf);
    char keys[1024];
    if (metric_names == NULL || buf == NULL) {
        io->rc = infl_error_add(io->err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    if ((g = infl__h5_group(io, file, "sweep")) < 0 ||
        !write_axes(io, g, axes, n_axes, scales, keys, sizeof keys))
        goto done;
    for (size_t m = 0; m < nm; m++)
        metric_names[m] = first->metrics[m].name;
    if (!infl__h5_string_column(io, g, "strategy", first->strategy_names, ns, "strategy name",
                                &strategy) ||
        H5DSset_scale(strategy, "strategy") < 0 ||
        !infl__h5_string_column(io, g, "strategy_b", first->strategy_names, ns,
                                "second strategy of a comparison", &strategy_b) ||
        H5DSset_scale(strategy_b, "strategy_b") < 0 ||
        !infl__h5_string_column(io, g, "metric", metric_names, nm, "metric name", &metric) ||
        H5DSset_scale(metric, "metric") < 0 || !infl__h5_attr_str(io, g, "axes", keys) ||
        !infl__h5_attr_u64(io, g, "points", n_points)) {
        infl__h5_fail(io, "group", "sweep");
        goto done;
    }
    hsize_t dims[MAX_AXES + 2];
    for (size_t a = 0; a < n_axes; a++)
        dims[a] = axes[a].n;
    const int rank = (int)n_axes + 2;
    dims[n_axes] = ns;
    dims[n_axes + 1] = nm;
    scales[n_axes] = strategy;
    scales[n_axes + 1] = metric;
    if (!stat_arrays(io, g, points, n_points, rank, dims, scales, buf))
        goto done;
    dims[n_axes + 1] = ns;
    scales[n_axes + 1] = strategy_b;
    if (!comparison_arrays(io, g, points, n_points, rank, dims, scales, buf))
        goto done;
    if (n_axes == 1 && !write_crossovers(io, g, &axes[0], points))
        goto done;
    ok = true;
done:
    for (size_t a = 0; a < n_axes; a++)
        if (scales[a] >= 0)
            H5Dclose(scales[a]);
    if (strategy >= 0)
        H5Dclose(strategy);
    if (strategy_b >= 0)
        H5Dclose(strategy_b);
    if (metric >= 0)
        H5Dclose(metric);
    if (g >= 0)
        H5Gclose(g);
    free(metric_names);
    free(buf);
    return ok;
}

infl_status infl_h5_writer_finish_sweep(infl_h5_writer *h, const infl_sweep_axis *axes,
                                        size_t n_axes, infl_summary *const *points,
                                        double wall_seconds, infl_error *err)
{
    infl__h5_io *io = infl__h5_writer_resume(h, err);
    bool ok = write_sweep(io, h->file, axes, n_axes, points) &&
              infl__h5_attr_update(io, h->file, "wall_time_s", H5T_NATIVE_DOUBLE, &wall_seconds) &&
              infl__h5_attr_str(io, h->file, "kind", "sweep") &&
              infl__h5_mark_complete(io, h->file);
    infl_status rc = infl__h5_writer_pause(h, ok);
    if (rc != INFL_OK)
        return rc;
    /* Everything written; close, flush and move into place as a run's file. */
    return infl__h5_writer_close(h, err);
}
