/*
 * report_reader.c — the parts of a results file that `influsim report`
 * shows and no other reader returns (report_reader.h): the scenario file's
 * text with its comments, the budget, each strategy's share of profitable
 * trials counted from its per-trial columns, an optimiser's points.
 *
 * The shares are counted here, in the guarded child, a chunk of values at a
 * time, so that a file of any number of trials is read in bounded memory and
 * only two numbers a strategy travel back. Everything is optional but what
 * every results file has (the format, checked by infl__h5_read_open): a part
 * that is absent is reported as absent (NULL, NaN), a part that is present
 * but malformed fails the read as the other readers do.
 */
#include "h5/report_reader.h"

#include "h5/guard.h"
#include "h5/reader.h"

#include "influsim/results.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef infl__h5_io reader;

/* Values read at a time when counting a per-trial column. */
#define CHUNK 65536

void infl__h5_report_extras_destroy(infl__h5_report_extras *x)
{
    if (x == NULL)
        return;
    free(x->scenario_text);
    free(x->scenario_origin);
    free(x->git_revision);
    infl_names_free(x->strategies, x->n_strategies);
    free(x->p_profit);
    free(x->p_ltv_profit);
    free(x->opt_objective);
    free(x->opt_long_name);
    free(x->opt_units);
    free(x->opt_outcome);
    free(x->opt_strategy);
    infl_names_free(x->opt_tiers, x->opt_n_tiers);
    free(x->opt_optimum);
    free(x->opt_shares);
    free(x->opt_values);
    free(x->opt_ses);
    free(x->opt_stage);
    memset(x, 0, sizeof *x);
}

/* An optional string attribute: absent leaves *out NULL; present must read. */
static bool optional_str(reader *r, hid_t loc, const char *name, char **out)
{
    return H5Aexists(loc, name) <= 0 || infl__h5_read_attr_str(r, loc, name, out);
}

/* The share of the values of the 1-D dataset `name` in loc that are > 0
 * (NaN counts as not), read CHUNK values at a time; NaN when it is absent. */
static bool share_positive(reader *r, hid_t loc, const char *shown, const char *name, double *out)
{
    *out = NAN;
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0)
        return true;
    char msg[600];
    snprintf(msg, sizeof msg, "cannot read dataset '%s/%s' (damaged file?)", shown, name);
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    hid_t s = d >= 0 ? H5Dget_space(d) : -1;
    hsize_t n = 0;
    bool ok =
        s >= 0 && H5Sget_simple_extent_ndims(s) == 1 && H5Sget_simple_extent_dims(s, &n, NULL) == 1;
    double *buf = ok ? malloc(CHUNK * sizeof *buf) : NULL;
    ok = ok && buf != NULL;
    uint64_t positive = 0;
    for (hsize_t start = 0; ok && start < n; start += CHUNK) {
        hsize_t count = n - start < CHUNK ? n - start : CHUNK;
        hid_t mem = H5Screate_simple(1, &count, NULL);
        ok = mem >= 0 && H5Sselect_hyperslab(s, H5S_SELECT_SET, &start, NULL, &count, NULL) >= 0 &&
             H5Dread(d, H5T_NATIVE_DOUBLE, mem, s, H5P_DEFAULT, buf) >= 0;
        if (mem >= 0)
            H5Sclose(mem);
        for (hsize_t i = 0; ok && i < count; i++)
            positive += buf[i] > 0;
    }
    free(buf);
    if (s >= 0)
        H5Sclose(s);
    if (d >= 0)
        H5Dclose(d);
    if (!ok)
        return infl__h5_read_bad(r, msg);
    *out = n > 0 ? (double)positive / (double)n : NAN;
    return true;
}

/* A 1-D (rank 1) or 2-D (rank 2) float dataset of exactly dims into a new *out. */
static bool read_array(reader *r, hid_t g, const char *name, int rank, const hsize_t *dims,
                       double **out)
{
    char msg[300];
    snprintf(msg, sizeof msg, "missing or malformed dataset 'optimize/%s'", name);
    if (H5Lexists(g, name, H5P_DEFAULT) <= 0)
        return infl__h5_read_bad(r, msg);
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    hid_t s = d >= 0 ? H5Dget_space(d) : -1;
    hsize_t got[2] = {0, 0};
    size_t total = rank == 1 ? dims[0] : dims[0] * dims[1];
    bool ok = s >= 0 && H5Sget_simple_extent_ndims(s) == rank &&
              H5Sget_simple_extent_dims(s, got, NULL) == rank && got[0] == dims[0] &&
              (rank == 1 || got[1] == dims[1]);
    *out = ok ? malloc((total ? total : 1) * sizeof **out) : NULL;
    ok = ok && *out != NULL &&
         (total == 0 || H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) >= 0);
    if (s >= 0)
        H5Sclose(s);
    if (d >= 0)
        H5Dclose(d);
    return ok ? true : infl__h5_read_bad(r, msg);
}

/* The length of the 1-D dataset `name` in g, or false. */
static bool length_of(reader *r, hid_t g, const char *name, hsize_t *n)
{
    char msg[300];
    snprintf(msg, sizeof msg, "missing or malformed dataset 'optimize/%s'", name);
    if (H5Lexists(g, name, H5P_DEFAULT) <= 0)
        return infl__h5_read_bad(r, msg);
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    hid_t s = d >= 0 ? H5Dget_space(d) : -1;
    bool ok =
        s >= 0 && H5Sget_simple_extent_ndims(s) == 1 && H5Sget_simple_extent_dims(s, n, NULL) == 1;
    if (s >= 0)
        H5Sclose(s);
    if (d >= 0)
        H5Dclose(d);
    return ok ? true : infl__h5_read_bad(r, msg);
}

static bool read_optimize(reader *r, hid_t file, infl__h5_report_extras *x)
{
    hid_t g = H5Gopen2(file, "optimize", H5P_DEFAULT);
    if (g < 0)
        return infl__h5_read_bad(r, "cannot open group 'optimize'");
    hsize_t nt = 0, np = 0;
    bool ok = infl__h5_read_attr_str(r, g, "objective", &x->opt_objective) &&
              infl__h5_read_attr_str(r, g, "objective_long_name", &x->opt_long_name) &&
              infl__h5_read_attr_str(r, g, "objective_units", &x->opt_units) &&
              infl__h5_read_attr_str(r, g, "outcome", &x->opt_outcome) &&
              infl__h5_read_attr_str(r, g, "strategy", &x->opt_strategy) &&
              infl__h5_read_attr_num(r, g, "value", H5T_NATIVE_DOUBLE, &x->opt_value) &&
              infl__h5_read_attr_num(r, g, "se", H5T_NATIVE_DOUBLE, &x->opt_se) &&
              infl__h5_read_strings(r, g, "optimize", "tier", &nt, &x->opt_tiers);
    if (ok) {
        x->opt_n_tiers = nt;
        ok = length_of(r, g, "value", &np);
    }
    if (ok) {
        x->opt_n_points = np;
        hsize_t d1[1] = {np}, dt[1] = {nt}, d2[2] = {np, nt};
        ok = read_array(r, g, "optimum", 1, dt, &x->opt_optimum) &&
             read_array(r, g, "shares", 2, d2, &x->opt_shares) &&
             read_array(r, g, "value", 1, d1, &x->opt_values) &&
             read_array(r, g, "se", 1, d1, &x->opt_ses) &&
             read_array(r, g, "stage", 1, d1, &x->opt_stage);
    }
    x->has_optimize = ok;
    H5Gclose(g);
    return ok;
}

/* The extras read in the reader's process (the child, guard.h). */
static infl_status read_here(const char *path, infl__h5_report_extras *x, infl_error *err)
{
    memset(x, 0, sizeof *x);
    x->budget = NAN;
    reader r = {.err = err, .path = path, .rc = INFL_OK};
    infl_h5_meta meta = {0};
    infl_h5_kind kind = INFL_H5_KIND_RUN;
    infl__h5_quiet_state q = infl__h5_quiet();
    hid_t file = infl__h5_read_open(&r, &meta, &kind);
    bool ok = file >= 0 && optional_str(&r, file, "scenario_text", &x->scenario_text) &&
              optional_str(&r, file, "scenario_origin", &x->scenario_origin) &&
              optional_str(&r, file, "git_revision", &x->git_revision) &&
              (H5Aexists(file, "budget") <= 0 ||
               infl__h5_read_attr_num(&r, file, "budget", H5T_NATIVE_DOUBLE, &x->budget));
    if (ok && H5Aexists(file, "trials_kept") > 0) {
        signed char kept = 0;
        hid_t a = H5Aopen(file, "trials_kept", H5P_DEFAULT);
        hid_t ft = a >= 0 ? H5Aget_type(a) : -1;
        hid_t nt = ft >= 0 ? H5Tget_native_type(ft, H5T_DIR_ASCEND) : -1;
        ok = nt >= 0 && H5Tget_size(nt) == 1 && H5Aread(a, nt, &kept) >= 0;
        if (nt >= 0)
            H5Tclose(nt);
        if (ft >= 0)
            H5Tclose(ft);
        if (a >= 0)
            H5Aclose(a);
        if (!ok)
            infl__h5_read_bad(&r, "missing or malformed attribute 'trials_kept'");
        x->trials_kept = kept != 0;
    } else if (ok) {
        x->trials_kept = kind == INFL_H5_KIND_RUN || kind == INFL_H5_KIND_OPTIMIZE;
    }
    if (kind == INFL_H5_KIND_SWEEP || kind == INFL_H5_KIND_SELECT ||
        kind == INFL_H5_KIND_SENSITIVITY)
        x->trials_kept = false;
    hsize_t ns = 0;
    if (ok && H5Lexists(file, "strategy", H5P_DEFAULT) > 0) {
        ok = infl__h5_read_strings(&r, file, "", "strategy", &ns, &x->strategies);
        x->n_strategies = ok ? ns : 0;
    }
    if (ok) {
        x->p_profit = malloc((ns ? ns : 1) * sizeof *x->p_profit);
        x->p_ltv_profit = malloc((ns ? ns : 1) * sizeof *x->p_ltv_profit);
        ok = x->p_profit && x->p_ltv_profit;
        if (!ok)
            infl__h5_read_bad(&r, "out of memory");
    }
    for (size_t s = 0; ok && s < ns; s++) {
        x->p_profit[s] = x->p_ltv_profit[s] = NAN;
        if (!x->trials_kept)
            continue;
        char name[600];
        snprintf(name, sizeof name, "strategies/%s/trials", x->strategies[s]);
        if (H5Lexists(file, "strategies", H5P_DEFAULT) <= 0)
            continue;
        hid_t g = H5Gopen2(file, "strategies", H5P_DEFAULT);
        hid_t gs = g >= 0 && H5Lexists(g, x->strategies[s], H5P_DEFAULT) > 0
                       ? H5Gopen2(g, x->strategies[s], H5P_DEFAULT)
                       : -1;
        hid_t gt = gs >= 0 && H5Lexists(gs, "trials", H5P_DEFAULT) > 0
                       ? H5Gopen2(gs, "trials", H5P_DEFAULT)
                       : -1;
        if (gt >= 0)
            ok = share_positive(&r, gt, name, "profit", &x->p_profit[s]) &&
                 share_positive(&r, gt, name, "ltv_profit", &x->p_ltv_profit[s]);
        if (gt >= 0)
            H5Gclose(gt);
        if (gs >= 0)
            H5Gclose(gs);
        if (g >= 0)
            H5Gclose(g);
    }
    if (ok && kind == INFL_H5_KIND_OPTIMIZE && H5Lexists(file, "optimize", H5P_DEFAULT) > 0)
        read_optimize(&r, file, x);
    if (file >= 0)
        H5Fclose(file);
    infl__h5_restore(q);
    infl_h5_meta_destroy(&meta);
    if (r.rc != INFL_OK)
        infl__h5_report_extras_destroy(x);
    return r.rc;
}

static infl_status parse(const char *path, void *ctx, infl__wire *w, infl_error *err)
{
    (void)ctx;
    infl__h5_report_extras x;
    infl_status rc = read_here(path, &x, err);
    if (rc != INFL_OK)
        return rc;
    infl__wire_put_str(w, x.scenario_text);
    infl__wire_put_str(w, x.scenario_origin);
    infl__wire_put_str(w, x.git_revision);
    infl__wire_put_u64(w, x.trials_kept);
    infl__wire_put_f64(w, x.budget);
    infl__wire_put_strs(w, x.strategies, x.n_strategies);
    infl__wire_put_f64s(w, x.p_profit, x.n_strategies);
    infl__wire_put_f64s(w, x.p_ltv_profit, x.n_strategies);
    infl__wire_put_u64(w, x.has_optimize);
    if (x.has_optimize) {
        infl__wire_put_str(w, x.opt_objective);
        infl__wire_put_str(w, x.opt_long_name);
        infl__wire_put_str(w, x.opt_units);
        infl__wire_put_str(w, x.opt_outcome);
        infl__wire_put_str(w, x.opt_strategy);
        infl__wire_put_f64(w, x.opt_value);
        infl__wire_put_f64(w, x.opt_se);
        infl__wire_put_strs(w, x.opt_tiers, x.opt_n_tiers);
        infl__wire_put_u64(w, x.opt_n_points);
        infl__wire_put_f64s(w, x.opt_optimum, x.opt_n_tiers);
        infl__wire_put_f64s(w, x.opt_shares, x.opt_n_points * x.opt_n_tiers);
        infl__wire_put_f64s(w, x.opt_values, x.opt_n_points);
        infl__wire_put_f64s(w, x.opt_ses, x.opt_n_points);
        infl__wire_put_f64s(w, x.opt_stage, x.opt_n_points);
    }
    infl__h5_report_extras_destroy(&x);
    return w->bad ? infl_error_add(err, INFL_ENOMEM, "out of memory") : INFL_OK;
}

/* A new array of n doubles from the wire (n checked against the bytes left). */
static bool get_doubles(infl__wire *w, size_t n, double **out)
{
    if (w->pos > w->len || n > (w->len - w->pos) / 8)
        return false;
    *out = malloc((n ? n : 1) * sizeof **out);
    return *out != NULL && infl__wire_get_f64s(w, *out, n);
}

infl_status infl__h5_read_report_extras(const char *path, infl__h5_report_extras *out,
                                        infl_error *err)
{
    memset(out, 0, sizeof *out);
    infl__wire reply;
    infl_status rc = infl__h5_read_guarded(path, parse, NULL, &reply, err);
    if (rc != INFL_OK)
        return rc;
    uint64_t kept = 0, has_opt = 0, np = 0;
    bool ok = infl__wire_get_str(&reply, &out->scenario_text) &&
              infl__wire_get_str(&reply, &out->scenario_origin) &&
              infl__wire_get_str(&reply, &out->git_revision) && infl__wire_get_u64(&reply, &kept) &&
              kept <= 1 && infl__wire_get_f64(&reply, &out->budget) &&
              infl__wire_get_strs(&reply, &out->n_strategies, &out->strategies) &&
              get_doubles(&reply, out->n_strategies, &out->p_profit) &&
              get_doubles(&reply, out->n_strategies, &out->p_ltv_profit) &&
              infl__wire_get_u64(&reply, &has_opt) && has_opt <= 1;
    out->trials_kept = kept != 0;
    if (ok && has_opt) {
        out->has_optimize = true;
        ok = infl__wire_get_str(&reply, &out->opt_objective) &&
             infl__wire_get_str(&reply, &out->opt_long_name) &&
             infl__wire_get_str(&reply, &out->opt_units) &&
             infl__wire_get_str(&reply, &out->opt_outcome) &&
             infl__wire_get_str(&reply, &out->opt_strategy) &&
             infl__wire_get_f64(&reply, &out->opt_value) &&
             infl__wire_get_f64(&reply, &out->opt_se) &&
             infl__wire_get_strs(&reply, &out->opt_n_tiers, &out->opt_tiers) &&
             infl__wire_get_u64(&reply, &np) && np <= reply.len / 8 &&
             out->opt_n_tiers <= reply.len / 8;
        if (ok) {
            out->opt_n_points = (size_t)np;
            ok = out->opt_n_tiers > 0 && out->opt_tiers != NULL && out->opt_objective != NULL &&
                 out->opt_outcome != NULL && out->opt_strategy != NULL &&
                 out->opt_long_name != NULL && out->opt_units != NULL &&
                 get_doubles(&reply, out->opt_n_tiers, &out->opt_optimum) &&
                 get_doubles(&reply, out->opt_n_points * out->opt_n_tiers, &out->opt_shares) &&
                 get_doubles(&reply, out->opt_n_points, &out->opt_values) &&
                 get_doubles(&reply, out->opt_n_points, &out->opt_ses) &&
                 get_doubles(&reply, out->opt_n_points, &out->opt_stage);
        }
    }
    ok = ok && infl__wire_done(&reply);
    infl__wire_destroy(&reply);
    if (!ok) {
        infl__h5_report_extras_destroy(out);
        return infl__h5_guard_bad_reply(path, err);
    }
    return INFL_OK;
}
