/*
 * optimize_layout.c — the file of `influsim optimize` (see docs/output.md and
 * influsim/optimize.h): a run's file for the scenario's strategies and the
 * optimum (where there is one), then /optimize with the search's outcome
 * (an optimum, a constant or flat objective, or one that spending less
 * improves), every point the search evaluated (shares, objective, standard
 * error, why it was evaluated, mean spend, objective per unit of spend, the
 * difference from the optimum), the optimum, and the profile of the
 * objective around it tier by tier.
 */
#include "h5/summary_layout.h"
#include "h5/writer.h"

#include "influsim/optimize.h"

#include <hdf5_hl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The file's currency (the root attribute the run layout wrote) into buf;
 * "" if it cannot be read. */
static void file_currency(hid_t file, char *buf, size_t size)
{
    buf[0] = '\0';
    hid_t a = H5Aexists(file, "currency") > 0 ? H5Aopen(file, "currency", H5P_DEFAULT) : -1;
    hid_t t = a >= 0 ? infl__h5_str_type() : -1;
    char *v = NULL;
    if (t >= 0 && H5Aread(a, t, &v) >= 0 && v != NULL)
        snprintf(buf, size, "%s", v);
    if (v != NULL)
        H5free_memory(v);
    if (t >= 0)
        H5Tclose(t);
    if (a >= 0)
        H5Aclose(a);
}

/* An int dataset of n values (the search stage of each point). */
static bool int_column(infl__h5_io *io, hid_t loc, const char *name, const int *v, hsize_t n,
                       const char *long_name, hid_t scale)
{
    hid_t d = infl__h5_dataset_1d(io, loc, name, H5T_STD_I8LE, n, false);
    bool ok =
        d >= 0 && (n == 0 || H5Dwrite(d, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0) &&
        infl__h5_label(io, d, "1", long_name) && (scale < 0 || H5DSattach_scale(d, scale, 0) >= 0);
    if (d >= 0 && H5Dclose(d) < 0)
        ok = false;
    return ok ? true : infl__h5_fail(io, "dataset", name);
}

/* Closes dataset d (if open); a failure to close fails the group. */
static bool close_dataset(infl__h5_io *io, hid_t d, bool ok)
{
    if (d >= 0 && H5Dclose(d) < 0 && ok)
        return infl__h5_fail(io, "group", "optimize");
    return ok;
}

/* The search's attributes on the group: objective, outcome, method,
 * convergence, the value at the optimum, the range of spend, the best per
 * unit of spend. */
static bool search_attrs(infl__h5_io *io, hid_t g, const infl_h5_optimize *o,
                         const char *objective_label)
{
    const infl_optimize_result *r = o->result;
    if (r->best_per_spend != SIZE_MAX &&
        (!infl__h5_attr_u64(io, g, "best_per_spend", r->best_per_spend) ||
         !infl__h5_attr_f64(io, g, "per_spend_gap", r->per_spend_gap) ||
         !infl__h5_attr_f64(io, g, "per_spend_gap_se", r->per_spend_gap_se)))
        return infl__h5_fail(io, "group", "optimize");
    if (!infl__h5_attr_str(io, g, "objective", o->objective->name) ||
        !infl__h5_attr_str(io, g, "outcome", infl_optimize_outcome_name(r->outcome)) ||
        !infl__h5_attr_bool(io, g, "losing", r->losing) ||
        !infl__h5_attr_bool(io, g, "spends_least", r->spends_least) ||
        !infl__h5_attr_bool(io, g, "on_edge", r->on_edge) ||
        !infl__h5_attr_bool(io, g, "stalled", r->stalled) ||
        !infl__h5_attr_f64(io, g, "spend_low", r->spend_low) ||
        !infl__h5_attr_f64(io, g, "spend_high", r->spend_high) ||
        !infl__h5_attr_str(io, g, "objective_long_name", objective_label) ||
        !infl__h5_attr_str(io, g, "objective_units", o->objective_units) ||
        !infl__h5_attr_str(io, g, "strategy", o->strategy) ||
        !infl__h5_attr_str(io, g, "method", r->method) ||
        !infl__h5_attr_u64(io, g, "iterations", r->iterations) ||
        !infl__h5_attr_bool(io, g, "converged", r->converged) ||
        !infl__h5_attr_f64(io, g, "tolerance", r->tolerance) ||
        !infl__h5_attr_u64(io, g, "grid", r->grid) ||
        !infl__h5_attr_f64(io, g, "value", r->value_at_optimum) ||
        !infl__h5_attr_f64(io, g, "se", r->se_at_optimum) ||
        !infl__h5_attr_str(io, g, "stages", "0 first grid or lattice, 1 minimiser, 2 profile"))
        return infl__h5_fail(io, "group", "optimize");
    return true;
}

/* Every point the search evaluated, in order: `point` as a dimension scale,
 * the shares over (point, tier), the objective, its standard error, and why
 * the point was evaluated. */
static bool evaluated_points(infl__h5_io *io, hid_t g, const infl_h5_optimize *o,
                             const char *objective_label, hid_t tier, const char *currency)
{
    const infl_optimize_result *r = o->result;
    char per_units[160]; /* a profit per money spent is a ratio, units 1 */
    if (strcmp(o->objective_units, currency) == 0)
        snprintf(per_units, sizeof per_units, "1");
    else
        snprintf(per_units, sizeof per_units, "%s per %s", o->objective_units, currency);
    bool ok = false;
    hid_t point = -1;
    double *index = malloc((r->n_points ? r->n_points : 1) * sizeof *index);
    if (index == NULL) {
        io->rc = infl_error_add(io->err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t p = 0; p < r->n_points; p++)
        index[p] = (double)p;
    if ((point = infl__h5_dataset_1d(io, g, "point", H5T_STD_U64LE, r->n_points, false)) < 0 ||
        (r->n_points &&
         H5Dwrite(point, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, index) < 0) ||
        !infl__h5_label(io, point, "1",
                        "evaluated point, in the order the search evaluated them") ||
        H5DSset_scale(point, "point") < 0) {
        infl__h5_fail(io, "dataset", "point");
        goto done;
    }
    const hsize_t dims[2] = {r->n_points, r->n_tiers};
    const hid_t scales[2] = {point, tier};
    ok = infl__h5_nd_array(io, g, "shares", 2, dims, r->shares, scales, "1",
                           "budget share of each tier") &&
         infl__h5_column(io, g, "value", H5T_IEEE_F64LE, r->value, r->n_points, false,
                         o->objective_units, objective_label, point) &&
         infl__h5_column(io, g, "se", H5T_IEEE_F64LE, r->se, r->n_points, false, o->objective_units,
                         "Monte Carlo standard error of the objective", point) &&
         int_column(io, g, "stage", r->stage, r->n_points,
                    "why evaluated: 0 first grid or lattice, 1 minimiser, 2 profile", point) &&
         infl__h5_column(io, g, "spend", H5T_IEEE_F64LE, r->spend, r->n_points, false, currency,
                         "mean money spent per trial", point) &&
         infl__h5_column(io, g, "per_spend", H5T_IEEE_F64LE, r->per_spend, r->n_points, false,
                         per_units,
                         "objective per unit of spend: total over total spend (NaN: the "
                         "objective is not a mean)",
                         point) &&
         infl__h5_column(io, g, "per_spend_se", H5T_IEEE_F64LE, r->per_spend_se, r->n_points, false,
                         per_units, "standard error of per_spend (delta method)", point) &&
         infl__h5_column(io, g, "gap", H5T_IEEE_F64LE, r->gap, r->n_points, false,
                         o->objective_units,
                         "objective there minus at the optimum, same trials (NaN: not compared; "
                         "the first grid and the best per unit of spend are)",
                         point) &&
         infl__h5_column(io, g, "gap_se", H5T_IEEE_F64LE, r->gap_se, r->n_points, false,
                         o->objective_units, "standard error of gap, from the same trials", point);
done:
    free(index);
    return close_dataset(io, point, ok);
}

/* The profile around the optimum: `profile_tier` and `step` as dimension
 * scales, the difference from the optimum and its standard error over
 * (profile_tier, step), and each tier's flat range. */
static bool profile(infl__h5_io *io, hid_t g, const infl_h5_optimize *o)
{
    const infl_optimize_result *r = o->result;
    bool ok = false;
    hid_t ptier = -1, step = -1;
    char **profile_names = calloc(r->n_profile_tiers, sizeof *profile_names);
    if (profile_names == NULL) {
        io->rc = infl_error_add(io->err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t t = 0; t < r->n_profile_tiers; t++)
        profile_names[t] = o->tier_names[t];
    if (!infl__h5_string_column(io, g, "profile_tier", profile_names, r->n_profile_tiers,
                                "tier whose share the profile moves (the others rescaled)",
                                &ptier) ||
        H5DSset_scale(ptier, "profile_tier") < 0) {
        infl__h5_fail(io, "dataset", "profile_tier");
        goto done;
    }
    if ((step = infl__h5_dataset_1d(io, g, "step", H5T_IEEE_F64LE, r->n_steps, false)) < 0 ||
        H5Dwrite(step, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, r->steps) < 0 ||
        !infl__h5_label(io, step, "1", "change of the tier's share from the optimum") ||
        H5DSset_scale(step, "step") < 0) {
        infl__h5_fail(io, "dataset", "step");
        goto done;
    }
    const hsize_t dims[2] = {r->n_profile_tiers, r->n_steps};
    const hid_t scales[2] = {ptier, step};
    ok = infl__h5_nd_array(io, g, "difference", 2, dims, r->difference, scales, o->objective_units,
                           "objective there minus at the optimum (NaN: share outside 0..1)") &&
         infl__h5_nd_array(io, g, "difference_se", 2, dims, r->difference_se, scales,
                           o->objective_units,
                           "standard error of the difference, from the same trials") &&
         infl__h5_nd_array(
             io, g, "flat_low", 1, dims, r->flat_low, &ptier, "1",
             "lowest share of the tier not worse than the optimum by 2 standard errors") &&
         infl__h5_nd_array(
             io, g, "flat_high", 1, dims, r->flat_high, &ptier, "1",
             "highest share of the tier not worse than the optimum by 2 standard errors");
done:
    free(profile_names);
    ok = close_dataset(io, step, ok);
    return close_dataset(io, ptier, ok);
}

/* /optimize: the search's attributes, `tier` as a dimension scale, every
 * point the search evaluated, the optimum and the profile around it (see
 * influsim/optimize.h and docs/output.md). */
static bool write_optimize(infl__h5_io *io, hid_t file, const infl_h5_optimize *o)
{
    const infl_optimize_result *r = o->result;
    bool ok = false;
    hid_t g = -1, tier = -1;
    char objective_label[96];
    infl_objective_describe(o->objective, objective_label, sizeof objective_label);
    if ((g = infl__h5_group(io, file, "optimize")) < 0 || !search_attrs(io, g, o, objective_label))
        goto done;
    if (!infl__h5_string_column(io, g, "tier", o->tier_names, r->n_tiers,
                                "tier whose budget share is chosen", &tier) ||
        H5DSset_scale(tier, "tier") < 0) {
        infl__h5_fail(io, "dataset", "tier");
        goto done;
    }
    const hsize_t n_tiers = r->n_tiers;
    char currency[64];
    file_currency(file, currency, sizeof currency);
    ok = evaluated_points(io, g, o, objective_label, tier, currency) &&
         infl__h5_nd_array(io, g, "optimum", 1, &n_tiers, r->optimum, &tier, "1",
                           "budget shares that maximise the objective (outcome constant or "
                           "flat: the best of equals, not an optimum)") &&
         profile(io, g, o);
done:
    ok = close_dataset(io, tier, ok);
    if (g >= 0 && H5Gclose(g) < 0 && ok)
        ok = infl__h5_fail(io, "group", "optimize");
    return ok;
}

infl_status infl_h5_writer_finish_optimize(infl_h5_writer *h, const infl_summary *sm,
                                           double wall_seconds, const infl_h5_optimize *o,
                                           infl_error *err)
{
    infl__h5_io *io = infl__h5_writer_resume(h, err);
    bool ok = infl__h5_summary_finish(io, h->file, sm, wall_seconds, false) &&
              write_optimize(io, h->file, o) &&
              infl__h5_attr_str(io, h->file, "kind", "optimize") &&
              infl__h5_mark_complete(io, h->file);
    infl_status rc = infl__h5_writer_pause(h, ok);
    if (rc != INFL_OK)
        return rc;
    return infl__h5_writer_close(h, err);
}
