/*
 * sensitivity_layout.c — the file of `influsim sensitivity` (docs/output.md,
 * "Sensitivity files"): the root attributes and /strategies as a run's file
 * begins, then /sensitivity with every dimension (factor, strategy, output,
 * decision, statistic, run) a dimension scale, so that one line of xarray
 * (`xr.open_dataset(f, group="sensitivity", engine="h5netcdf")`) reads the
 * indices, the design and every evaluation as labelled arrays.
 *
 * The statistics' dimension is `statistic`, not `method`: xarray's
 * `.sel(method=...)` is its own argument (nearest-neighbour lookup), so a
 * dimension called `method` could not be selected by keyword.
 */
#include "h5/writer.h"

#include "influsim/sensitivity.h"

#include <hdf5_hl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The statistics a method fills, in the order of the `statistic` scale. */
typedef struct {
    const char *name, *long_name;
} statistic;

static const statistic tornado_stats[] = {
    {"at_lo", "the output with the factor at its low end, the others at base"},
    {"at_hi", "the output with the factor at its high end, the others at base"},
    {"swing", "|at_hi - at_lo|"},
};
static const statistic morris_stats[] = {
    {"mu", "mean elementary effect (per full range of the factor)"},
    {"mu_star", "mean absolute elementary effect (Campolongo et al. 2007)"},
    {"mu_star_lo", "mu_star's bootstrap interval, low end"},
    {"mu_star_hi", "mu_star's bootstrap interval, high end"},
    {"sigma", "standard deviation of the elementary effects"},
};
static const statistic sobol_stats[] = {
    {"S1", "first-order index (Saltelli et al. 2010)"},
    {"S1_lo", "S1's bootstrap interval, low end"},
    {"S1_hi", "S1's bootstrap interval, high end"},
    {"ST", "total index (Jansen 1999)"},
    {"ST_lo", "ST's bootstrap interval, low end"},
    {"ST_hi", "ST's bootstrap interval, high end"},
};

static const statistic *stats_of(infl_sens_method m, size_t *n)
{
    switch (m) {
    case INFL_SENS_TORNADO:
        *n = sizeof tornado_stats / sizeof tornado_stats[0];
        return tornado_stats;
    case INFL_SENS_MORRIS:
        *n = sizeof morris_stats / sizeof morris_stats[0];
        return morris_stats;
    case INFL_SENS_SOBOL:
        break;
    }
    *n = sizeof sobol_stats / sizeof sobol_stats[0];
    return sobol_stats;
}

/* Statistic i of the method from one index. */
static double stat_value(infl_sens_method m, const infl_sens_index *x, size_t i)
{
    switch (m) {
    case INFL_SENS_TORNADO: {
        const double v[] = {x->at_lo, x->at_hi, x->swing};
        return v[i];
    }
    case INFL_SENS_MORRIS: {
        const double v[] = {x->mu, x->mu_star.value, x->mu_star.lo, x->mu_star.hi, x->sigma};
        return v[i];
    }
    case INFL_SENS_SOBOL:
        break;
    }
    const double v[] = {x->s1.value, x->s1.lo, x->s1.hi, x->st.value, x->st.lo, x->st.hi};
    return v[i];
}

/* A string dimension scale of g called name. */
static bool string_scale(infl__h5_io *io, hid_t g, const char *name, char *const *v, size_t n,
                         const char *long_name, hid_t *out)
{
    if (!infl__h5_string_column(io, g, name, v, n, long_name, out))
        return false;
    if (H5DSset_scale(*out, name) < 0)
        return infl__h5_fail(io, "dimension scale", name);
    return true;
}

/* An integer index 0..n-1 as the dimension scale `name`. */
static bool index_scale(infl__h5_io *io, hid_t g, const char *name, size_t n, const char *long_name,
                        hid_t *out)
{
    double *index = malloc((n ? n : 1) * sizeof *index);
    if (index == NULL) {
        io->rc = infl_error_add(io->err, INFL_ENOMEM, "out of memory");
        return false;
    }
    for (size_t i = 0; i < n; i++)
        index[i] = (double)i;
    *out = infl__h5_dataset_1d(io, g, name, H5T_STD_U64LE, n, false);
    bool ok =
        *out >= 0 &&
        (n == 0 || H5Dwrite(*out, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, index) >= 0) &&
        infl__h5_label(io, *out, "1", long_name) && H5DSset_scale(*out, name) >= 0;
    free(index);
    return ok || infl__h5_fail(io, "dimension scale", name);
}

/* The factors' table along the `factor` scale. */
static bool write_factors(infl__h5_io *io, hid_t g, const infl_sens_result *r, hid_t factor)
{
    const size_t k = r->n_factors;
    char **labels = calloc(k, sizeof *labels), **scale = calloc(k, sizeof *scale);
    double *col = malloc(k * sizeof *col);
    bool ok = labels && scale && col;
    if (!ok)
        io->rc = infl_error_add(io->err, INFL_ENOMEM, "out of memory");
    for (size_t f = 0; ok && f < k; f++) {
        labels[f] = r->factors[f].label;
        scale[f] = r->factors[f].scale == INFL_FACTOR_LOG ? "log" : "linear";
    }
    hid_t d = -1;
    ok = ok && infl__h5_string_column(io, g, "factor_label", labels, k, "factor, readable", &d);
    if (d >= 0) {
        ok = ok && (H5DSattach_scale(d, factor, 0) >= 0 ||
                    infl__h5_fail(io, "dimension scale", "factor_label"));
        H5Dclose(d);
        d = -1;
    }
    ok = ok && infl__h5_string_column(io, g, "factor_scale", scale, k,
                                      "how the design spreads the factor: linear or log", &d);
    if (d >= 0) {
        ok = ok && (H5DSattach_scale(d, factor, 0) >= 0 ||
                    infl__h5_fail(io, "dimension scale", "factor_scale"));
        H5Dclose(d);
    }
#define FACTOR_COLUMN(field, cname, clong)                                                         \
    do {                                                                                           \
        for (size_t f = 0; ok && f < k; f++)                                                       \
            col[f] = r->factors[f].field;                                                          \
        ok = ok && infl__h5_column(io, g, cname, H5T_IEEE_F64LE, col, k, false, "scenario units",  \
                                   clong, factor);                                                 \
    } while (0)
    FACTOR_COLUMN(lo, "factor_lo", "low end of the factor's range");
    FACTOR_COLUMN(hi, "factor_hi", "high end of the factor's range");
    FACTOR_COLUMN(base, "factor_base", "the scenario's value");
#undef FACTOR_COLUMN
    free(labels);
    free(scale);
    free(col);
    return ok;
}

/* A string column of g along the dimension scale `scale`. */
static bool string_along(infl__h5_io *io, hid_t g, const char *name, char *const *v, size_t n,
                         const char *long_name, hid_t scale)
{
    hid_t d = -1;
    bool ok = infl__h5_string_column(io, g, name, v, n, long_name, &d);
    if (d >= 0) {
        ok = ok &&
             (H5DSattach_scale(d, scale, 0) >= 0 || infl__h5_fail(io, "dimension scale", name));
        H5Dclose(d);
    }
    return ok;
}

/* /sensitivity/flips: a tornado's ranking changes, one row each, along the
 * scale `flip` (so xarray reads the group in one line too). */
static bool write_flips(infl__h5_io *io, hid_t g, const infl_sens_result *r)
{
    const size_t n = r->n_flips, m = n ? n : 1;
    char **factor = calloc(m, sizeof *factor), **from = calloc(m, sizeof *from),
         **to = calloc(m, sizeof *to);
    double *col = malloc(m * sizeof *col);
    hid_t fl = -1, flip = -1;
    bool ok = factor && from && to && col;
    if (!ok)
        io->rc = infl_error_add(io->err, INFL_ENOMEM, "out of memory");
    for (size_t i = 0; ok && i < n; i++) {
        factor[i] = r->factors[r->flips[i].factor].key;
        from[i] = r->strategy_names[r->flips[i].from];
        to[i] = r->strategy_names[r->flips[i].to];
    }
    ok = ok && (fl = infl__h5_group(io, g, "flips")) >= 0 &&
         index_scale(io, fl, "flip", n, "where the compared pair's ranking flips", &flip) &&
         string_along(io, fl, "factor", factor, n, "factor whose value flips the pair", flip) &&
         string_along(io, fl, "from_strategy", from, n, "the pair's leader below the flip", flip) &&
         string_along(io, fl, "to_strategy", to, n, "the pair's leader above the flip", flip);
#define FLIP_COLUMN(field, cname, clong)                                                           \
    do {                                                                                           \
        for (size_t i = 0; ok && i < n; i++)                                                       \
            col[i] = r->flips[i].field;                                                            \
        ok = ok && infl__h5_column(io, fl, cname, H5T_IEEE_F64LE, col, n, false, "scenario units", \
                                   clong, flip);                                                   \
    } while (0)
    FLIP_COLUMN(at, "at", "the factor's value where the pair's difference changes sign");
    FLIP_COLUMN(lower, "lower", "below it: from_strategy leads (the bisection's bracket)");
    FLIP_COLUMN(upper, "upper", "above it: to_strategy leads (the bisection's bracket)");
#undef FLIP_COLUMN
    if (flip >= 0)
        H5Dclose(flip);
    if (fl >= 0)
        H5Gclose(fl);
    free(factor);
    free(from);
    free(to);
    free(col);
    return ok;
}

/* The attributes of /sensitivity: how the study was run. */
static bool write_attributes(infl__h5_io *io, hid_t g, const infl_sens_result *r)
{
    return infl__h5_attr_str(io, g, "method", infl_sens_method_name(r->method)) &&
           infl__h5_attr_str(io, g, "compare_a", r->strategy_names[r->compare_a]) &&
           infl__h5_attr_str(io, g, "compare_b", r->strategy_names[r->compare_b]) &&
           infl__h5_attr_u64(io, g, "trials_per_run", r->trials) &&
           infl__h5_attr_u64(io, g, "runs", r->n_runs) &&
           infl__h5_attr_u64(io, g, "samples", r->samples) &&
           infl__h5_attr_u64(io, g, "levels", r->levels) &&
           infl__h5_attr_u64(io, g, "bootstrap", r->bootstrap) &&
           infl__h5_attr_f64(io, g, "confidence", r->confidence) &&
           infl__h5_attr_f64(io, g, "noise_limit", INFL_SENS_NOISE_LIMIT);
}

/* The arrays of /sensitivity, given its scales. buf holds max(n_runs, k) *
 * n_targets * n_stats values. */
static bool write_arrays(infl__h5_io *io, hid_t g, const infl_sens_result *r, const hid_t *sc,
                         double *buf)
{
    enum { FACTOR, STRATEGY, OUTPUT, DECISION, STATISTIC, RUN };
    const size_t k = r->n_factors, ns = r->n_strategies, no = INFL_SENS_N_OUTPUTS,
                 nd = INFL_SENS_N_DECISIONS, nt = r->n_targets, d0 = ns * no;
    size_t nst = 0;
    stats_of(r->method, &nst);
    bool ok = true;
    /* indices (factor, strategy, output, statistic); decision_indices (factor, decision,
     * statistic) */
    for (size_t f = 0; f < k; f++)
        for (size_t t = 0; t < d0; t++)
            for (size_t i = 0; i < nst; i++)
                buf[(f * d0 + t) * nst + i] = stat_value(r->method, &r->indices[f * nt + t], i);
    {
        const hsize_t dims[] = {k, ns, no, nst};
        const hid_t s[] = {sc[FACTOR], sc[STRATEGY], sc[OUTPUT], sc[STATISTIC]};
        ok = ok && infl__h5_nd_array(io, g, "indices", 4, dims, buf, s, "output units or 1",
                                     "each output's sensitivity to each factor");
    }
    for (size_t f = 0; f < k; f++)
        for (size_t d = 0; d < nd; d++)
            for (size_t i = 0; i < nst; i++)
                buf[(f * nd + d) * nst + i] =
                    stat_value(r->method, &r->indices[f * nt + d0 + d], i);
    {
        const hsize_t dims[] = {k, nd, nst};
        const hid_t s[] = {sc[FACTOR], sc[DECISION], sc[STATISTIC]};
        ok =
            ok && infl__h5_nd_array(io, g, "decision_indices", 3, dims, buf, s, "output units or 1",
                                    "the compared pair's sensitivity to each factor");
    }
    /* the design and the evaluations (run, ...) */
    {
        const hsize_t dims[] = {r->n_runs, k};
        const hid_t s[] = {sc[RUN], sc[FACTOR]};
        ok = ok &&
             infl__h5_nd_array(io, g, "design", 2, dims, r->values, s, "scenario units",
                               "each run's factor values (run 0: the base)") &&
             infl__h5_nd_array(io, g, "design_unit", 2, dims, r->unit, s, "1",
                               "each run's place in the unit cube (NaN: at base)");
    }
    for (size_t run = 0; run < r->n_runs; run++)
        memcpy(buf + run * d0, r->targets + run * nt, d0 * sizeof *buf);
    {
        const hsize_t dims[] = {r->n_runs, ns, no};
        const hid_t s[] = {sc[RUN], sc[STRATEGY], sc[OUTPUT]};
        ok = ok && infl__h5_nd_array(io, g, "outputs", 3, dims, buf, s, "output units",
                                     "each run's outputs");
    }
    for (size_t run = 0; run < r->n_runs; run++)
        memcpy(buf + run * nd, r->targets + run * nt + d0, nd * sizeof *buf);
    {
        const hsize_t dims[] = {r->n_runs, nd};
        const hid_t s[] = {sc[RUN], sc[DECISION]};
        ok = ok && infl__h5_nd_array(io, g, "decisions", 2, dims, buf, s, "output units",
                                     "each run's compared-pair outputs");
    }
    for (size_t run = 0; run < r->n_runs; run++)
        buf[run] = (double)r->best[run];
    ok = ok && infl__h5_column(io, g, "best", H5T_STD_U64LE, buf, r->n_runs, false, "1",
                               "index in `strategy` of the run's best strategy by mean "
                               "conversions",
                               sc[RUN]);
    /* the noise, per target: (strategy, output) and (decision) */
    const struct {
        const double *v;
        const char *name, *long_name;
    } noise[] = {
        {r->base, "base", "the outputs at the base point"},
        {r->noise, "noise_variance", "one run's Monte Carlo variance (mean of se^2 over runs)"},
        {r->design, "design_variance", "the variance of the runs' values across the design"},
    };
    for (size_t i = 0; i < sizeof noise / sizeof noise[0]; i++) {
        const hsize_t dims[] = {ns, no};
        const hid_t s[] = {sc[STRATEGY], sc[OUTPUT]};
        char name[64];
        snprintf(name, sizeof name, "decision_%s", noise[i].name);
        ok = ok &&
             infl__h5_nd_array(io, g, noise[i].name, 2, dims, noise[i].v, s, "output units",
                               noise[i].long_name) &&
             infl__h5_nd_array(io, g, name, 1, (const hsize_t[]){nd}, noise[i].v + d0,
                               (const hid_t[]){sc[DECISION]}, "output units", noise[i].long_name);
    }
    for (size_t t = 0; t < nt; t++)
        buf[t] = (double)r->trials_needed[t];
    {
        const hsize_t dims[] = {ns, no};
        const hid_t s[] = {sc[STRATEGY], sc[OUTPUT]};
        ok = ok &&
             infl__h5_nd_array(io, g, "trials_needed", 2, dims, buf, s, "1",
                               "trials per run that would bring the noise under noise_limit of "
                               "the design variance (0: it is)") &&
             infl__h5_nd_array(io, g, "decision_trials_needed", 1, (const hsize_t[]){nd}, buf + d0,
                               (const hid_t[]){sc[DECISION]}, "1",
                               "trials per run that would bring the noise under noise_limit");
    }
    return ok;
}

static bool write_sensitivity(infl__h5_io *io, hid_t file, const infl_sens_result *r)
{
    enum { FACTOR, STRATEGY, OUTPUT, DECISION, STATISTIC, RUN, N_SCALES };
    hid_t g = -1, sc[N_SCALES];
    for (int i = 0; i < N_SCALES; i++)
        sc[i] = -1;
    const size_t k = r->n_factors;
    size_t nst = 0;
    const statistic *st = stats_of(r->method, &nst);
    char **keys = calloc(k, sizeof *keys);
    char *outputs[INFL_SENS_N_OUTPUTS], *decisions[INFL_SENS_N_DECISIONS], *stat_names[8];
    for (size_t o = 0; o < INFL_SENS_N_OUTPUTS; o++)
        outputs[o] = (char *)infl_sens_output_name((infl_sens_output)o);
    for (size_t d = 0; d < INFL_SENS_N_DECISIONS; d++)
        decisions[d] = (char *)infl_sens_decision_name((infl_sens_decision)d);
    for (size_t i = 0; i < nst; i++)
        stat_names[i] = (char *)st[i].name;
    size_t rows = r->n_runs > k ? r->n_runs : k;
    double *buf = malloc((rows * r->n_targets * nst + r->n_targets + 1) * sizeof *buf);
    bool ok = false;
    if (keys == NULL || buf == NULL) {
        io->rc = infl_error_add(io->err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t f = 0; f < k; f++)
        keys[f] = r->factors[f].key;
    ok = (g = infl__h5_group(io, file, "sensitivity")) >= 0 && write_attributes(io, g, r) &&
         string_scale(io, g, "factor", keys, k, "factor: the scenario key it sets", &sc[FACTOR]) &&
         string_scale(io, g, "strategy", r->strategy_names, r->n_strategies, "strategy name",
                      &sc[STRATEGY]) &&
         string_scale(io, g, "output", outputs, INFL_SENS_N_OUTPUTS,
                      "what is measured per strategy", &sc[OUTPUT]) &&
         string_scale(io, g, "decision", decisions, INFL_SENS_N_DECISIONS,
                      "what is measured of the compared pair (compare_a against compare_b)",
                      &sc[DECISION]) &&
         string_scale(io, g, "statistic", stat_names, nst, "the method's statistic",
                      &sc[STATISTIC]) &&
         index_scale(io, g, "run", r->n_runs, "evaluation, in the order they ran (0: the base)",
                     &sc[RUN]) &&
         write_factors(io, g, r, sc[FACTOR]) && write_arrays(io, g, r, sc, buf) &&
         (r->method != INFL_SENS_TORNADO || write_flips(io, g, r));
done:
    for (int i = 0; i < N_SCALES; i++)
        if (sc[i] >= 0)
            H5Dclose(sc[i]);
    if (g >= 0)
        H5Gclose(g);
    free(keys);
    free(buf);
    return ok;
}

infl_status infl_h5_writer_finish_sensitivity(infl_h5_writer *h, const infl_sens_result *r,
                                              double wall_seconds, infl_error *err)
{
    infl__h5_io *io = infl__h5_writer_resume(h, err);
    bool ok = write_sensitivity(io, h->file, r) &&
              infl__h5_attr_update(io, h->file, "wall_time_s", H5T_NATIVE_DOUBLE, &wall_seconds) &&
              infl__h5_attr_str(io, h->file, "kind", "sensitivity") &&
              infl__h5_mark_complete(io, h->file);
    infl_status rc = infl__h5_writer_pause(h, ok);
    if (rc != INFL_OK)
        return rc;
    return infl__h5_writer_close(h, err);
}
