/*
 * sensitivity_reader.c — a sensitivity study's file read back
 * (infl_h5_read_sensitivity in include/influsim/h5.h) into the library's
 * infl_sens_result, so `influsim show` prints the tables `influsim
 * sensitivity` printed. The layout is sensitivity_layout.c's (docs/output.md,
 * "Sensitivity files").
 *
 * Nothing is taken on trust: every array must be there with the shape the
 * scales give (factor, strategy, output, decision, statistic, run), the
 * statistics must be the method's, the compared pair and the flips' names
 * must be strategies; the first fault is reported as "PATH: /sensitivity/...:
 * what is wrong". As every reader of a results file, it parses in a child
 * process (guard.h) that sends the result back over a pipe (wire.h): the
 * HDF5 library may crash or hang on a damaged file, the program must not.
 */
#include "influsim/h5.h"

#include "h5/guard.h"
#include "h5/reader.h"
#include "h5/wire.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef infl__h5_io reader;

/* At most this many values in one array: a damaged shape cannot ask for
 * gigabytes. */
#define MAX_VALUES (UINT64_C(1) << 31)

static bool fault(reader *r, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool fault(reader *r, const char *where, const char *fmt, ...)
{
    char what[400], msg[640];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(msg, sizeof msg, "/sensitivity/%s: %s", where, what);
    return infl__h5_read_bad(r, msg);
}

/* The numeric array `name` of g, of exactly rank dims, into a new array
 * (*out, free()). */
static bool read_array(reader *r, hid_t g, const char *name, int rank, const hsize_t *dims,
                       double **out)
{
    *out = NULL;
    if (H5Lexists(g, name, H5P_DEFAULT) <= 0)
        return fault(r, name, "missing");
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    hid_t s = d >= 0 ? H5Dget_space(d) : -1, t = d >= 0 ? H5Dget_type(d) : -1;
    int got = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1;
    hsize_t have[8] = {0};
    bool ok = false;
    H5T_class_t cls = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
    if (d < 0 || s < 0 || t < 0)
        fault(r, name, "cannot open (damaged file?)");
    else if (got != rank)
        fault(r, name, "has %d dimensions, not %d", got, rank);
    else if (cls != H5T_FLOAT && cls != H5T_INTEGER)
        fault(r, name, "is not numeric");
    else {
        H5Sget_simple_extent_dims(s, have, NULL);
        uint64_t n = 1;
        ok = true;
        for (int i = 0; ok && i < rank; i++) {
            if (have[i] != dims[i])
                ok = fault(r, name, "dimension %d has %llu entries, not %llu", i,
                           (unsigned long long)have[i], (unsigned long long)dims[i]);
            n *= dims[i] ? dims[i] : 1;
        }
        if (ok && n > MAX_VALUES)
            ok = fault(r, name, "is too large");
        if (ok && (*out = malloc((size_t)n * sizeof **out)) == NULL)
            ok = fault(r, name, "out of memory");
        bool empty = false;
        for (int i = 0; i < rank; i++)
            empty |= dims[i] == 0;
        if (ok && !empty && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) < 0)
            ok = fault(r, name, "cannot read (damaged file?)");
    }
    if (t >= 0)
        H5Tclose(t);
    if (s >= 0)
        H5Sclose(s);
    if (d >= 0)
        H5Dclose(d);
    if (!ok) {
        free(*out);
        *out = NULL;
    }
    return ok;
}

/* The index of name among names[0..n), or n after the fault. */
static size_t find(reader *r, const char *where, char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    fault(r, where, "'%.100s' is not a strategy of the file", name);
    return n;
}

/* The method's statistics in the file's order must be the writer's. */
static bool read_statistics(reader *r, hid_t g, infl_sens_method m, size_t *nst)
{
    static const char *const names[3][6] = {
        {"at_lo", "at_hi", "swing"},
        {"mu", "mu_star", "mu_star_lo", "mu_star_hi", "sigma"},
        {"S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi"},
    };
    static const size_t count[3] = {3, 5, 6};
    hsize_t n = count[m];
    char **got = NULL;
    if (!infl__h5_read_strings(r, g, "sensitivity", "statistic", &n, &got))
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < count[m]; i++)
        if (strcmp(got[i], names[m][i]) != 0)
            ok = fault(r, "statistic", "entry %zu is '%.60s', not '%s'", i, got[i], names[m][i]);
    infl_names_free(got, (size_t)n);
    *nst = count[m];
    return ok;
}

/* One index from the method's statistics v[0..nst). */
static void set_index(infl_sens_method m, const double *v, infl_sens_index *x)
{
    const double nan = NAN;
    *x = (infl_sens_index){
        nan, nan, nan, nan, nan, {nan, nan, nan}, {nan, nan, nan}, {nan, nan, nan}};
    switch (m) {
    case INFL_SENS_TORNADO:
        x->at_lo = v[0], x->at_hi = v[1], x->swing = v[2];
        break;
    case INFL_SENS_MORRIS:
        x->mu = v[0], x->mu_star = (infl_sens_interval){v[1], v[2], v[3]}, x->sigma = v[4];
        break;
    case INFL_SENS_SOBOL:
        x->s1 = (infl_sens_interval){v[0], v[1], v[2]};
        x->st = (infl_sens_interval){v[3], v[4], v[5]};
        break;
    }
}

static bool read_factors(reader *r, hid_t g, infl_sens_result *res)
{
    hsize_t k = 0;
    char **keys = NULL, **labels = NULL, **scales = NULL;
    double *lo = NULL, *hi = NULL, *base = NULL;
    bool ok = infl__h5_read_strings(r, g, "sensitivity", "factor", &k, &keys);
    if (ok && k == 0)
        ok = fault(r, "factor", "empty");
    hsize_t n = k;
    ok = ok && infl__h5_read_strings(r, g, "sensitivity", "factor_label", &n, &labels);
    n = k;
    ok = ok && infl__h5_read_strings(r, g, "sensitivity", "factor_scale", &n, &scales);
    const hsize_t dims[1] = {k};
    ok = ok && read_array(r, g, "factor_lo", 1, dims, &lo) &&
         read_array(r, g, "factor_hi", 1, dims, &hi) &&
         read_array(r, g, "factor_base", 1, dims, &base);
    if (ok && (res->factors = calloc((size_t)k, sizeof *res->factors)) == NULL)
        ok = fault(r, "factor", "out of memory");
    if (ok) {
        res->n_factors = (size_t)k;
        for (size_t f = 0; f < k; f++) {
            infl_factor *x = &res->factors[f];
            x->key = keys[f];
            x->label = labels[f];
            keys[f] = labels[f] = NULL;
            x->lo = lo[f];
            x->hi = hi[f];
            x->base = base[f];
            x->scale = strcmp(scales[f], "log") == 0 ? INFL_FACTOR_LOG : INFL_FACTOR_LINEAR;
        }
    }
    infl_names_free(keys, (size_t)k);
    infl_names_free(labels, (size_t)k);
    infl_names_free(scales, (size_t)k);
    free(lo);
    free(hi);
    free(base);
    return ok;
}

static bool read_flips(reader *r, hid_t g, infl_sens_result *res)
{
    if (H5Lexists(g, "flips", H5P_DEFAULT) <= 0)
        return fault(r, "flips", "missing (a tornado's file records its flips)");
    hid_t fl = H5Gopen2(g, "flips", H5P_DEFAULT);
    if (fl < 0)
        return fault(r, "flips", "not a group");
    hsize_t n = 0;
    char **factor = NULL, **from = NULL, **to = NULL;
    double *at = NULL, *lower = NULL, *upper = NULL;
    bool ok = infl__h5_read_strings(r, fl, "sensitivity/flips", "factor", &n, &factor);
    hsize_t m = n;
    ok = ok && infl__h5_read_strings(r, fl, "sensitivity/flips", "from_strategy", &m, &from);
    m = n;
    ok = ok && infl__h5_read_strings(r, fl, "sensitivity/flips", "to_strategy", &m, &to);
    const hsize_t dims[1] = {n};
    ok = ok && read_array(r, fl, "at", 1, dims, &at) &&
         read_array(r, fl, "lower", 1, dims, &lower) && read_array(r, fl, "upper", 1, dims, &upper);
    if (ok && n > 0 && (res->flips = calloc((size_t)n, sizeof *res->flips)) == NULL)
        ok = fault(r, "flips", "out of memory");
    for (size_t i = 0; ok && i < n; i++) {
        infl_sens_flip *x = &res->flips[i];
        size_t f = 0;
        while (f < res->n_factors && strcmp(res->factors[f].key, factor[i]) != 0)
            f++;
        if (f == res->n_factors) {
            ok = fault(r, "flips/factor", "'%.100s' is not a factor of the file", factor[i]);
            break;
        }
        x->factor = f;
        x->from = find(r, "flips/from_strategy", res->strategy_names, res->n_strategies, from[i]);
        x->to = find(r, "flips/to_strategy", res->strategy_names, res->n_strategies, to[i]);
        ok = x->from < res->n_strategies && x->to < res->n_strategies;
        x->at = at[i];
        x->lower = lower[i];
        x->upper = upper[i];
        res->n_flips = i + 1;
    }
    infl_names_free(factor, (size_t)n);
    infl_names_free(from, (size_t)n);
    infl_names_free(to, (size_t)n);
    free(at);
    free(lower);
    free(upper);
    H5Gclose(fl);
    return ok;
}

/* Per-target arrays of (strategy, output) and the decision's beside them,
 * into one array over all targets. */
static bool read_targets(reader *r, hid_t g, const char *name, const infl_sens_result *res,
                         double **out)
{
    const size_t ns = res->n_strategies, d0 = ns * INFL_SENS_N_OUTPUTS;
    char dname[64];
    snprintf(dname, sizeof dname, "decision_%s", name);
    double *o = NULL, *d = NULL;
    const hsize_t dims[2] = {ns, INFL_SENS_N_OUTPUTS}, ddims[1] = {INFL_SENS_N_DECISIONS};
    bool ok = read_array(r, g, name, 2, dims, &o) && read_array(r, g, dname, 1, ddims, &d) &&
              (*out = malloc(res->n_targets * sizeof **out)) != NULL;
    if (ok) {
        memcpy(*out, o, d0 * sizeof **out);
        memcpy(*out + d0, d, INFL_SENS_N_DECISIONS * sizeof **out);
    } else if (r->rc == INFL_OK) {
        fault(r, name, "out of memory");
    }
    free(o);
    free(d);
    return ok;
}

static bool read_attributes(reader *r, hid_t g, infl_sens_result *res, char **a, char **b)
{
    char *method = NULL;
    bool ok = infl__h5_read_attr_str(r, g, "method", &method);
    if (ok && !infl_sens_method_parse(method, &res->method))
        ok = fault(r, "", "unknown method '%.60s'", method);
    free(method);
    uint64_t runs = 0, samples = 0, levels = 0, bootstrap = 0;
    ok = ok && infl__h5_read_attr_str(r, g, "compare_a", a) &&
         infl__h5_read_attr_str(r, g, "compare_b", b) &&
         infl__h5_read_attr_num(r, g, "trials_per_run", H5T_NATIVE_UINT64, &res->trials) &&
         infl__h5_read_attr_num(r, g, "runs", H5T_NATIVE_UINT64, &runs) &&
         infl__h5_read_attr_num(r, g, "samples", H5T_NATIVE_UINT64, &samples) &&
         infl__h5_read_attr_num(r, g, "levels", H5T_NATIVE_UINT64, &levels) &&
         infl__h5_read_attr_num(r, g, "bootstrap", H5T_NATIVE_UINT64, &bootstrap) &&
         infl__h5_read_attr_num(r, g, "confidence", H5T_NATIVE_DOUBLE, &res->confidence);
    if (ok && (runs == 0 || runs > MAX_VALUES))
        ok = fault(r, "", "attribute 'runs' is %llu", (unsigned long long)runs);
    res->n_runs = (size_t)runs;
    res->samples = (size_t)samples;
    res->levels = (size_t)levels;
    res->bootstrap = (size_t)bootstrap;
    return ok;
}

static bool read_sensitivity(reader *r, hid_t file, infl_sens_result *res)
{
    if (H5Lexists(file, "sensitivity", H5P_DEFAULT) <= 0)
        return fault(r, "", "missing (a sensitivity file without its study)");
    hid_t g = H5Gopen2(file, "sensitivity", H5P_DEFAULT);
    if (g < 0)
        return fault(r, "", "not a group");
    char *a = NULL, *b = NULL;
    hsize_t ns = 0;
    size_t nst = 0;
    double *ix = NULL, *dx = NULL, *outputs = NULL, *decisions = NULL, *best = NULL;
    bool ok = read_attributes(r, g, res, &a, &b) && read_factors(r, g, res) &&
              infl__h5_read_strings(r, g, "sensitivity", "strategy", &ns, &res->strategy_names);
    if (ok) {
        res->n_strategies = (size_t)ns;
        if (ns < 2)
            ok = fault(r, "strategy", "fewer than two strategies");
    }
    if (ok) {
        res->compare_a = find(r, "compare_a", res->strategy_names, res->n_strategies, a);
        res->compare_b = find(r, "compare_b", res->strategy_names, res->n_strategies, b);
        ok = res->compare_a < ns && res->compare_b < ns;
    }
    ok = ok && read_statistics(r, g, res->method, &nst);
    const size_t k = res->n_factors, no = INFL_SENS_N_OUTPUTS, nd = INFL_SENS_N_DECISIONS,
                 runs = res->n_runs;
    res->n_targets = (size_t)ns * no + nd;
    const size_t nt = res->n_targets, d0 = (size_t)ns * no;
    {
        const hsize_t di[4] = {k, ns, no, nst}, dd[3] = {k, nd, nst}, dr[3] = {runs, ns, no},
                      dn[2] = {runs, nd}, dk[2] = {runs, k}, d1[1] = {runs};
        ok = ok && read_array(r, g, "indices", 4, di, &ix) &&
             read_array(r, g, "decision_indices", 3, dd, &dx) &&
             read_array(r, g, "outputs", 3, dr, &outputs) &&
             read_array(r, g, "decisions", 2, dn, &decisions) &&
             read_array(r, g, "design", 2, dk, &res->values) &&
             read_array(r, g, "design_unit", 2, dk, &res->unit) &&
             read_array(r, g, "best", 1, d1, &best) &&
             read_targets(r, g, "base", res, &res->base) &&
             read_targets(r, g, "noise_variance", res, &res->noise) &&
             read_targets(r, g, "design_variance", res, &res->design);
    }
    double *needed = NULL;
    ok = ok && read_targets(r, g, "trials_needed", res, &needed);
    if (ok) {
        res->indices = malloc(k * nt * sizeof *res->indices);
        res->targets = malloc(runs * nt * sizeof *res->targets);
        res->best = malloc(runs * sizeof *res->best);
        res->trials_needed = malloc(nt * sizeof *res->trials_needed);
        if (!res->indices || !res->targets || !res->best || !res->trials_needed)
            ok = fault(r, "", "out of memory");
    }
    for (size_t f = 0; ok && f < k; f++) {
        for (size_t t = 0; t < d0; t++)
            set_index(res->method, ix + (f * d0 + t) * nst, &res->indices[f * nt + t]);
        for (size_t d = 0; d < nd; d++)
            set_index(res->method, dx + (f * nd + d) * nst, &res->indices[f * nt + d0 + d]);
    }
    for (size_t run = 0; ok && run < runs; run++) {
        memcpy(res->targets + run * nt, outputs + run * d0, d0 * sizeof *res->targets);
        memcpy(res->targets + run * nt + d0, decisions + run * nd, nd * sizeof *res->targets);
        if (!(best[run] >= 0 && best[run] < (double)ns))
            ok = fault(r, "best", "entry %zu is not a strategy's index", run);
        else
            res->best[run] = (size_t)best[run];
    }
    for (size_t t = 0; ok && t < nt; t++)
        res->trials_needed[t] = needed[t] >= 0 && needed[t] < 1.8e19 ? (uint64_t)needed[t] : 0;
    if (ok && res->method == INFL_SENS_TORNADO)
        ok = read_flips(r, g, res);
    free(a);
    free(b);
    free(ix);
    free(dx);
    free(outputs);
    free(decisions);
    free(best);
    free(needed);
    H5Gclose(g);
    return ok;
}

/* The reading itself, in the guarded child (guard.h). */
static infl_status read_sensitivity_here(const char *path, infl_sens_result *out,
                                         infl_h5_meta *meta, infl_error *err)
{
    memset(out, 0, sizeof *out);
    memset(meta, 0, sizeof *meta);
    reader r = {.err = err, .path = path, .rc = INFL_OK};
    infl__h5_quiet_state q = infl__h5_quiet();
    infl_h5_kind kind = INFL_H5_KIND_RUN;
    hid_t file = infl__h5_read_open(&r, meta, &kind);
    bool ok = file >= 0;
    if (ok && kind != INFL_H5_KIND_SENSITIVITY)
        ok = infl__h5_read_bad(&r, "not a sensitivity study's results (no /sensitivity)");
    ok = ok && infl__h5_read_meta(&r, file, meta);
    if (ok) {
        out->seed = meta->seed;
        out->threads = (unsigned)meta->threads;
        read_sensitivity(&r, file, out);
    }
    if (file >= 0)
        H5Fclose(file);
    infl__h5_restore(q);
    if (r.rc != INFL_OK) {
        infl_sens_result_destroy(out);
        infl_h5_meta_destroy(meta);
        return r.rc;
    }
    return INFL_OK;
}

/* --- the guarded reading (guard.h) ------------------------------------- */

/* The doubles of one index, in a fixed order. */
enum { INDEX_DOUBLES = 14 };

static void index_doubles(const infl_sens_index *x, double *v)
{
    const double d[INDEX_DOUBLES] = {x->at_lo,    x->at_hi,         x->swing,      x->mu,
                                     x->sigma,    x->mu_star.value, x->mu_star.lo, x->mu_star.hi,
                                     x->s1.value, x->s1.lo,         x->s1.hi,      x->st.value,
                                     x->st.lo,    x->st.hi};
    memcpy(v, d, sizeof d);
}

static void doubles_index(const double *v, infl_sens_index *x)
{
    *x = (infl_sens_index){v[0],
                           v[1],
                           v[2],
                           v[3],
                           v[4],
                           {v[5], v[6], v[7]},
                           {v[8], v[9], v[10]},
                           {v[11], v[12], v[13]}};
}

/* What the child read, onto the wire (a put that fails marks it bad). */
static bool put_sens(infl__wire *w, const infl_sens_result *r)
{
    const size_t k = r->n_factors, nt = r->n_targets, runs = r->n_runs;
    bool ok = infl__wire_put_u64(w, (uint64_t)r->method) &&
              infl__wire_put_strs(w, r->strategy_names, r->n_strategies) &&
              infl__wire_put_u64(w, r->compare_a) && infl__wire_put_u64(w, r->compare_b) &&
              infl__wire_put_u64(w, r->trials) && infl__wire_put_u64(w, r->seed) &&
              infl__wire_put_u64(w, r->samples) && infl__wire_put_u64(w, r->levels) &&
              infl__wire_put_u64(w, r->bootstrap) && infl__wire_put_f64(w, r->confidence) &&
              infl__wire_put_u64(w, r->threads) && infl__wire_put_u64(w, k);
    for (size_t f = 0; ok && f < k; f++) {
        const infl_factor *x = &r->factors[f];
        ok = infl__wire_put_str(w, x->key) && infl__wire_put_str(w, x->label) &&
             infl__wire_put_f64(w, x->lo) && infl__wire_put_f64(w, x->hi) &&
             infl__wire_put_f64(w, x->base) && infl__wire_put_u64(w, (uint64_t)x->scale);
    }
    ok = ok && infl__wire_put_u64(w, runs) && infl__wire_put_f64s(w, r->unit, runs * k) &&
         infl__wire_put_f64s(w, r->values, runs * k) &&
         infl__wire_put_f64s(w, r->targets, runs * nt);
    for (size_t i = 0; ok && i < runs; i++)
        ok = infl__wire_put_u64(w, r->best[i]);
    ok = ok && infl__wire_put_f64s(w, r->base, nt) && infl__wire_put_f64s(w, r->noise, nt) &&
         infl__wire_put_f64s(w, r->design, nt);
    for (size_t t = 0; ok && t < nt; t++)
        ok = infl__wire_put_u64(w, r->trials_needed[t]);
    for (size_t i = 0; ok && i < k * nt; i++) {
        double v[INDEX_DOUBLES];
        index_doubles(&r->indices[i], v);
        ok = infl__wire_put_f64s(w, v, INDEX_DOUBLES);
    }
    ok = ok && infl__wire_put_u64(w, r->n_flips);
    for (size_t i = 0; ok && i < r->n_flips; i++) {
        const infl_sens_flip *x = &r->flips[i];
        ok = infl__wire_put_u64(w, x->factor) && infl__wire_put_f64(w, x->at) &&
             infl__wire_put_f64(w, x->lower) && infl__wire_put_f64(w, x->upper) &&
             infl__wire_put_u64(w, x->from) && infl__wire_put_u64(w, x->to);
    }
    return ok;
}

/* n doubles into a new array (*out), n checked against the bytes left. */
static bool get_doubles(infl__wire *w, size_t n, double **out)
{
    if (n > (w->len - w->pos) / 8)
        return false;
    *out = malloc((n ? n : 1) * sizeof **out);
    return *out != NULL && infl__wire_get_f64s(w, *out, n);
}

/* The parent's side: every count checked against what follows, every index
 * against its range, before anything is allocated or used. */
static bool get_sens(infl__wire *w, infl_sens_result *r)
{
    uint64_t method = 0, a = 0, b = 0, samples = 0, levels = 0, bootstrap = 0, threads = 0;
    size_t ns = 0, k = 0;
    bool ok = infl__wire_get_u64(w, &method) && method <= INFL_SENS_SOBOL &&
              infl__wire_get_strs(w, &ns, &r->strategy_names) && ns >= 2;
    r->n_strategies = ns;
    ok = ok && infl__wire_get_u64(w, &a) && a < ns && infl__wire_get_u64(w, &b) && b < ns &&
         infl__wire_get_u64(w, &r->trials) && infl__wire_get_u64(w, &r->seed) &&
         infl__wire_get_u64(w, &samples) && infl__wire_get_u64(w, &levels) &&
         infl__wire_get_u64(w, &bootstrap) && infl__wire_get_f64(w, &r->confidence) &&
         infl__wire_get_u64(w, &threads) && threads <= UINT32_MAX &&
         infl__wire_get_count(w, 5 * 8, &k) && k > 0;
    if (!ok)
        return false;
    r->method = (infl_sens_method)method;
    r->compare_a = (size_t)a;
    r->compare_b = (size_t)b;
    r->samples = (size_t)samples;
    r->levels = (size_t)levels;
    r->bootstrap = (size_t)bootstrap;
    r->threads = (unsigned)threads;
    r->n_targets = ns * INFL_SENS_N_OUTPUTS + INFL_SENS_N_DECISIONS;
    const size_t nt = r->n_targets;
    if ((r->factors = calloc(k, sizeof *r->factors)) == NULL)
        return false;
    r->n_factors = k;
    for (size_t f = 0; ok && f < k; f++) {
        infl_factor *x = &r->factors[f];
        uint64_t scale = 0;
        ok = infl__wire_get_text(w, &x->key) && infl__wire_get_text(w, &x->label) &&
             infl__wire_get_f64(w, &x->lo) && infl__wire_get_f64(w, &x->hi) &&
             infl__wire_get_f64(w, &x->base) && infl__wire_get_u64(w, &scale) && scale <= 1;
        x->scale = scale ? INFL_FACTOR_LOG : INFL_FACTOR_LINEAR;
    }
    size_t runs = 0;
    ok = ok && infl__wire_get_count(w, 8 * (2 * k + nt + 1), &runs) && runs > 0;
    r->n_runs = runs;
    ok = ok && get_doubles(w, runs * k, &r->unit) && get_doubles(w, runs * k, &r->values) &&
         get_doubles(w, runs * nt, &r->targets) &&
         (r->best = malloc(runs * sizeof *r->best)) != NULL;
    for (size_t i = 0; ok && i < runs; i++) {
        uint64_t v = 0;
        ok = infl__wire_get_u64(w, &v) && v < ns;
        r->best[i] = (size_t)v;
    }
    ok = ok && get_doubles(w, nt, &r->base) && get_doubles(w, nt, &r->noise) &&
         get_doubles(w, nt, &r->design) &&
         (r->trials_needed = malloc(nt * sizeof *r->trials_needed)) != NULL;
    for (size_t t = 0; ok && t < nt; t++)
        ok = infl__wire_get_u64(w, &r->trials_needed[t]);
    ok = ok && k * nt <= (w->len - w->pos) / (8 * INDEX_DOUBLES) &&
         (r->indices = malloc(k * nt * sizeof *r->indices)) != NULL;
    for (size_t i = 0; ok && i < k * nt; i++) {
        double v[INDEX_DOUBLES];
        ok = infl__wire_get_f64s(w, v, INDEX_DOUBLES);
        doubles_index(v, &r->indices[i]);
    }
    size_t nf = 0;
    ok = ok && infl__wire_get_count(w, 6 * 8, &nf) &&
         (nf == 0 || (r->flips = calloc(nf, sizeof *r->flips)) != NULL);
    for (size_t i = 0; ok && i < nf; i++) {
        infl_sens_flip *x = &r->flips[i];
        uint64_t f = 0, from = 0, to = 0;
        ok = infl__wire_get_u64(w, &f) && f < k && infl__wire_get_f64(w, &x->at) &&
             infl__wire_get_f64(w, &x->lower) && infl__wire_get_f64(w, &x->upper) &&
             infl__wire_get_u64(w, &from) && from < ns && infl__wire_get_u64(w, &to) && to < ns;
        x->factor = (size_t)f;
        x->from = (size_t)from;
        x->to = (size_t)to;
        r->n_flips = i + 1;
    }
    return ok && infl__wire_done(w);
}

static infl_status parse_sensitivity(const char *path, void *ctx, infl__wire *w, infl_error *err)
{
    (void)ctx;
    infl_sens_result res;
    infl_h5_meta meta;
    infl_status rc = read_sensitivity_here(path, &res, &meta, err);
    if (rc != INFL_OK)
        return rc;
    /* A put that fails marks w bad, which the child reports. */
    if (infl__wire_put_meta(w, &meta))
        put_sens(w, &res);
    infl_sens_result_destroy(&res);
    infl_h5_meta_destroy(&meta);
    return INFL_OK;
}

infl_status infl_h5_read_sensitivity(const char *path, infl_sens_result *out, infl_h5_meta *meta,
                                     infl_error *err)
{
    memset(out, 0, sizeof *out);
    memset(meta, 0, sizeof *meta);
    infl__wire reply;
    infl_status rc = infl__h5_read_guarded(path, parse_sensitivity, NULL, &reply, err);
    if (rc != INFL_OK)
        return rc;
    bool ok = infl__wire_get_meta(&reply, meta) && get_sens(&reply, out);
    infl__wire_destroy(&reply);
    if (!ok) {
        infl_sens_result_destroy(out);
        infl_h5_meta_destroy(meta);
        return infl__h5_guard_bad_reply(path, err);
    }
    return INFL_OK;
}
