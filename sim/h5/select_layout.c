/*
 * select_layout.c — /select, the group of `influsim select`'s file (see
 * select_layout.h and docs/output.md): the answer's scalars as attributes,
 * the roster as a table of equal-length columns (handles, tiers and
 * platforms as fixed-length UTF-8 strings, so the file needs no global heap
 * for them), the plan and its runner-up as roster indices, and both plans'
 * per-trial values of the objective's metric.
 */
#include "h5/select_layout.h"

#include "h5/writer.h"

#include <hdf5_hl.h>
#include <stdlib.h>
#include <string.h>

/* A 1-D dataset of n fixed-length, NUL-terminated UTF-8 strings, as long as
 * the longest (at least 1 byte), units "1", along the dimension scale `row`. */
static bool fixed_strings(infl__h5_io *io, hid_t loc, const char *name, char *const *v, size_t n,
                          const char *long_name, hid_t row)
{
    size_t w = 1;
    for (size_t i = 0; i < n; i++)
        if (strlen(v[i]) + 1 > w)
            w = strlen(v[i]) + 1;
    char *buf = calloc(n ? n : 1, w);
    if (buf == NULL) {
        io->rc = infl_error_add(io->err, INFL_ENOMEM, "out of memory");
        return false;
    }
    for (size_t i = 0; i < n; i++)
        memcpy(buf + i * w, v[i], strlen(v[i]));
    hid_t t = H5Tcopy(H5T_C_S1), d = -1;
    bool ok = t >= 0 && H5Tset_size(t, w) >= 0 && H5Tset_strpad(t, H5T_STR_NULLTERM) >= 0 &&
              H5Tset_cset(t, H5T_CSET_UTF8) >= 0 &&
              (d = infl__h5_dataset_1d(io, loc, name, t, n, false)) >= 0 &&
              (n == 0 || H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0) &&
              infl__h5_label(io, d, "1", long_name) && H5DSattach_scale(d, row, 0) >= 0;
    if (d >= 0 && H5Dclose(d) < 0)
        ok = false;
    if (t >= 0)
        H5Tclose(t);
    free(buf);
    return ok ? true : infl__h5_fail(io, "dataset", name);
}

/* A 1-D dataset of n roster indices (uint64), distinct and ascending: its
 * own dimension scale, so that netCDF readers see the dimension `name`. */
static bool indices(infl__h5_io *io, hid_t loc, const char *name, const size_t *idx, size_t n,
                    const char *long_name)
{
    uint64_t *v = malloc((n ? n : 1) * sizeof *v);
    if (v == NULL) {
        io->rc = infl_error_add(io->err, INFL_ENOMEM, "out of memory");
        return false;
    }
    for (size_t i = 0; i < n; i++)
        v[i] = idx[i];
    hid_t d = infl__h5_dataset_1d(io, loc, name, H5T_STD_U64LE, n, false);
    bool ok = d >= 0 &&
              (n == 0 || H5Dwrite(d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0) &&
              infl__h5_label(io, d, "1", long_name) && H5DSset_scale(d, name) >= 0;
    if (d >= 0 && H5Dclose(d) < 0)
        ok = false;
    free(v);
    return ok ? true : infl__h5_fail(io, "dataset", name);
}

/* /select/roster: one row per creator, in roster order. */
static bool roster_table(infl__h5_io *io, hid_t g, const infl_select_result *r,
                         const char *currency, const char *units)
{
    const size_t n = r->n_creators;
    hid_t t = infl__h5_group(io, g, "roster");
    if (t < 0)
        return false;
    hid_t d = -1, row = -1;
    /* The rows' index is their dimension scale (xarray's `creator`); a
     * handle is a label, not a coordinate netCDF readers need. */
    bool ok =
        infl__h5_index_scale(io, t, "creator", n, false, "creator, in roster order", &row) &&
        fixed_strings(io, t, "handle", r->handle, n, "creator's handle, without a leading @",
                      row) &&
        fixed_strings(io, t, "tier", r->tier, n, "tier that filled in its keys (empty: none)",
                      row) &&
        fixed_strings(io, t, "platform", r->platform, n, "platform label (empty: none)", row) &&
        infl__h5_column(io, t, "mean_cost", H5T_IEEE_F64LE, r->mean_cost, n, false, currency,
                        "mean cost that must fit the budget (fee or product, and overhead)", row) &&
        infl__h5_column(io, t, "mean_conversions", H5T_IEEE_F64LE, r->mean_conversions, n, false,
                        "conversions", "mean conversions when hired (direct and word of mouth)",
                        row) &&
        infl__h5_column(io, t, "conversions_se", H5T_IEEE_F64LE, r->conversions_se, n, false,
                        "conversions", "Monte Carlo standard error of mean_conversions", row) &&
        (d = infl__h5_dataset_1d(io, t, "chosen", H5T_STD_U8LE, n, false)) >= 0 &&
        (n == 0 || H5Dwrite(d, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, r->chosen) >= 0) &&
        infl__h5_label(io, d, "1", "1 if in the plan, else 0") &&
        H5DSattach_scale(d, row, 0) >= 0 &&
        infl__h5_column(io, t, "marginal", H5T_IEEE_F64LE, r->marginal, n, false, units,
                        "member: objective of the plan minus without it; other: objective with "
                        "it added minus the plan's (NaN: excluded)",
                        row) &&
        infl__h5_column(io, t, "frequency", H5T_IEEE_F64LE, r->frequency, n, false, "1",
                        "share of bootstrap resamples whose plan holds the creator (NaN: no "
                        "resamples)",
                        row);
    if (d >= 0 && H5Dclose(d) < 0 && ok)
        ok = infl__h5_fail(io, "dataset", "chosen");
    if (row >= 0 && H5Dclose(row) < 0 && ok)
        ok = infl__h5_fail(io, "dataset", "creator");
    if (H5Gclose(t) < 0 && ok)
        ok = infl__h5_fail(io, "group", "roster");
    return ok;
}

static bool write_select(infl__h5_io *io, hid_t file, const infl_select_result *r)
{
    const char *currency = infl_scenario_currency(r->scenario);
    const char *units = infl_objective_units(&r->objective, currency);
    const char *metric = infl_objective_metric(&r->objective);
    char label[96], values_label[160];
    infl_objective_describe(&r->objective, label, sizeof label);
    hid_t g = infl__h5_group(io, file, "select");
    if (g < 0)
        return false;
    /* The metric's units: conversions, money for a profit, 1 for a ROI. */
    const char *metric_units = !strcmp(metric, "conversions")  ? "conversions"
                               : strstr(metric, "roi") != NULL ? "1"
                                                               : currency;
    bool ok =
        infl__h5_attr_str(io, g, "objective", r->objective.name) &&
        infl__h5_attr_str(io, g, "objective_long_name", label) &&
        infl__h5_attr_str(io, g, "metric", metric) && infl__h5_attr_str(io, g, "units", units) &&
        infl__h5_attr_f64(io, g, "value", r->value) && infl__h5_attr_f64(io, g, "se", r->se) &&
        infl__h5_attr_f64(io, g, "budget", r->budget) &&
        infl__h5_attr_str(io, g, "method", r->exact ? "exact" : "greedy") &&
        infl__h5_attr_u64(io, g, "plans_evaluated", r->plans_evaluated) &&
        infl__h5_attr_f64(io, g, "runner_up_value", r->runner_up_value) &&
        infl__h5_attr_f64(io, g, "runner_up_se", r->runner_up_se) &&
        infl__h5_attr_f64(io, g, "p_beats", r->p_beats) &&
        infl__h5_attr_f64(io, g, "p_tie", r->p_tie) && infl__h5_attr_f64(io, g, "diff", r->diff) &&
        infl__h5_attr_f64(io, g, "diff_se", r->diff_se) &&
        infl__h5_attr_u64(io, g, "trials", r->n_trials) &&
        infl__h5_attr_u64(io, g, "resamples", r->resamples) &&
        infl__h5_attr_f64(io, g, "seconds", r->seconds) &&
        infl__h5_attr_str(io, g, "strategy", r->strategy) &&
        infl__h5_attr_f64(io, g, "plan_cost", r->plan_cost) &&
        infl__h5_attr_f64(io, g, "plan_spend", r->plan_spend) &&
        infl__h5_attr_f64(io, g, "plan_conversions", r->plan_conversions) &&
        infl__h5_attr_f64(io, g, "plan_conversions_se", r->plan_conversions_se) &&
        infl__h5_attr_f64(io, g, "plan_unhired", r->plan_unhired) &&
        roster_table(io, g, r, currency, units) &&
        indices(io, g, "plan", r->plan, r->n_plan, "roster indices of the plan, ascending") &&
        indices(io, g, "runner_up", r->runner_up, r->n_runner_up,
                "roster indices of the runner-up plan, ascending");
    hid_t trial = -1;
    ok = ok && infl__h5_index_scale(io, g, "trial", r->n_trials, true, "trial index", &trial);
    snprintf(values_label, sizeof values_label, "%s of the plan, per trial", metric);
    ok = ok && infl__h5_column(io, g, "chosen_values", H5T_IEEE_F64LE, r->chosen_values,
                               r->n_trials, true, metric_units, values_label, trial);
    snprintf(values_label, sizeof values_label,
             "%s of the runner-up plan, per trial (NaN: no runner-up)", metric);
    ok = ok && infl__h5_column(io, g, "runner_up_values", H5T_IEEE_F64LE, r->runner_up_values,
                               r->n_trials, true, metric_units, values_label, trial);
    if (trial >= 0 && H5Dclose(trial) < 0 && ok)
        ok = infl__h5_fail(io, "dataset", "trial");
    if (H5Gclose(g) < 0 && ok)
        ok = infl__h5_fail(io, "group", "select");
    return ok;
}

infl_status infl__h5_writer_finish_select(infl_h5_writer *h, const infl_select_result *r,
                                          infl_error *err)
{
    infl__h5_io *io = infl__h5_writer_resume(h, err);
    const uint64_t done = r->n_trials;
    bool ok = write_select(io, h->file, r) &&
              infl__h5_attr_update(io, h->file, "trials_done", H5T_NATIVE_UINT64, &done) &&
              infl__h5_attr_update(io, h->file, "wall_time_s", H5T_NATIVE_DOUBLE, &r->seconds) &&
              infl__h5_attr_str(io, h->file, "kind", "select") &&
              infl__h5_mark_complete(io, h->file);
    infl_status rc = infl__h5_writer_pause(h, ok);
    if (rc != INFL_OK)
        return rc;
    return infl__h5_writer_close(h, err);
}
