/*
 * select_reader.c — a select's file read back (infl_h5_read_select in
 * include/influsim/h5.h): the attributes of /select, the roster table, the
 * plan, the runner-up and their per-trial values, into the library's
 * infl_select_result, so `influsim show` prints the answer `influsim select`
 * printed. The layout is select_layout.c's (docs/output.md, "Select files").
 *
 * A file may have been damaged or edited by hand (h5py makes that easy), so
 * nothing is taken on trust: every dataset must be there, one-dimensional,
 * of the right class and as long as the roster (or the trials), every
 * attribute a single value of the right kind, and the table must agree with
 * itself (`chosen` is the plan, indices are in the roster and ascending).
 * The first fault is reported as "PATH: /select/...: what is wrong".
 */
#include "influsim/h5.h"

#include "h5/guard.h"
#include "h5/reader.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef infl__h5_io reader;

/* Longest fixed-length string a roster column may hold, in bytes. */
#define MAX_STRING 4096

/* Records "PATH: WHERE: what" as the failure (reader.c's rule: the first
 * one wins). False. */
static bool fault(reader *r, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool fault(reader *r, const char *where, const char *fmt, ...)
{
    char what[400], msg[640];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(msg, sizeof msg, "%s: %s", where, what);
    return infl__h5_read_bad(r, msg);
}

/* Opens attribute `name` of loc (at `where`) and checks it holds one value
 * of class cls (H5T_NO_CLASS: an integer or a float); negative after the
 * fault. *type gets its file type (the caller closes both). */
static hid_t open_attr(reader *r, hid_t loc, const char *where, const char *name, H5T_class_t cls,
                       hid_t *type)
{
    *type = -1;
    if (H5Aexists(loc, name) <= 0) {
        fault(r, where, "missing attribute '%s'", name);
        return -1;
    }
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    hid_t s = a >= 0 ? H5Aget_space(a) : -1;
    hid_t t = a >= 0 ? H5Aget_type(a) : -1;
    H5T_class_t c = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
    bool one = s >= 0 && H5Sget_simple_extent_npoints(s) == 1;
    bool kind = cls == H5T_NO_CLASS ? c == H5T_INTEGER || c == H5T_FLOAT : c == cls;
    if (s >= 0)
        H5Sclose(s);
    if (!one || !kind) {
        fault(r, where, "attribute '%s' is not %s", name,
              !one                 ? "a single value"
              : cls == H5T_STRING  ? "a string"
              : cls == H5T_INTEGER ? "a whole number"
                                   : "a number");
        if (t >= 0)
            H5Tclose(t);
        if (a >= 0)
            H5Aclose(a);
        return -1;
    }
    *type = t;
    return a;
}

/* A numeric attribute as a double. */
static bool attr_f64(reader *r, hid_t g, const char *name, double *out)
{
    hid_t t, a = open_attr(r, g, "/select", name, H5T_NO_CLASS, &t);
    if (a < 0)
        return false;
    bool ok = H5Aread(a, H5T_NATIVE_DOUBLE, out) >= 0;
    H5Tclose(t);
    H5Aclose(a);
    return ok ? true : fault(r, "/select", "cannot read attribute '%s'", name);
}

/* A whole, non-negative attribute. */
static bool attr_u64(reader *r, hid_t g, const char *name, uint64_t *out)
{
    hid_t t, a = open_attr(r, g, "/select", name, H5T_INTEGER, &t);
    if (a < 0)
        return false;
    bool ok, negative = false;
    if (H5Tget_sign(t) == H5T_SGN_2) {
        int64_t v = 0;
        ok = H5Aread(a, H5T_NATIVE_INT64, &v) >= 0;
        negative = v < 0;
        *out = (uint64_t)v;
    } else
        ok = H5Aread(a, H5T_NATIVE_UINT64, out) >= 0;
    H5Tclose(t);
    H5Aclose(a);
    if (!ok)
        return fault(r, "/select", "cannot read attribute '%s'", name);
    return negative ? fault(r, "/select", "attribute '%s' is negative", name) : true;
}

/* A string attribute (variable or fixed length) into a new string (free()). */
static bool attr_str(reader *r, hid_t g, const char *name, char **out)
{
    hid_t t, a = open_attr(r, g, "/select", name, H5T_STRING, &t);
    if (a < 0)
        return false;
    bool ok = false;
    hid_t m = H5Tcopy(H5T_C_S1);
    if (m >= 0 && H5Tset_cset(m, H5Tget_cset(t)) >= 0) {
        if (H5Tis_variable_str(t) > 0) {
            char *v = NULL;
            ok = H5Tset_size(m, H5T_VARIABLE) >= 0 && H5Aread(a, m, &v) >= 0 && v != NULL;
            if (ok)
                *out = strdup(v);
            if (v != NULL)
                H5free_memory(v);
        } else {
            size_t w = H5Tget_size(t);
            char *v = w > 0 && w <= MAX_STRING ? calloc(1, w + 1) : NULL;
            ok = v != NULL && H5Tset_size(m, w + 1) >= 0 &&
                 H5Tset_strpad(m, H5T_STR_NULLTERM) >= 0 && H5Aread(a, m, v) >= 0;
            if (ok)
                *out = v;
            else
                free(v);
        }
    }
    if (m >= 0)
        H5Tclose(m);
    H5Tclose(t);
    H5Aclose(a);
    if (ok && *out == NULL)
        return fault(r, "/select", "out of memory");
    return ok ? true : fault(r, "/select", "cannot read attribute '%s'", name);
}

/*
 * Opens dataset `name` of loc (its full path `where`, for messages) and
 * checks that it is a 1-D dataset of class cls with *n entries; with *n 0
 * any length is taken and *n gets it. `of` says where *n came from
 * ("/select/roster/handle has", "attribute 'trials' says"). *type gets the
 * file type (the caller closes both). Negative after the fault.
 */
static hid_t open_column(reader *r, hid_t loc, const char *where, const char *name, H5T_class_t cls,
                         hsize_t *n, const char *of, hid_t *type)
{
    *type = -1;
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0) {
        fault(r, where, "missing");
        return -1;
    }
    hid_t o = H5Oopen(loc, name, H5P_DEFAULT);
    const bool dataset = o >= 0 && H5Iget_type(o) == H5I_DATASET;
    if (o >= 0)
        H5Oclose(o);
    if (!dataset) {
        fault(r, where, "not a dataset");
        return -1;
    }
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    hid_t s = d >= 0 ? H5Dget_space(d) : -1;
    hid_t t = d >= 0 ? H5Dget_type(d) : -1;
    int rank = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1;
    hsize_t dim = 0;
    if (rank == 1)
        H5Sget_simple_extent_dims(s, &dim, NULL);
    if (s >= 0)
        H5Sclose(s);
    bool ok = false;
    if (d < 0 || t < 0)
        fault(r, where, "cannot open (damaged file?)");
    else if (rank != 1)
        fault(r, where, "has %d dimensions, not 1", rank);
    else if (H5Tget_class(t) != cls)
        fault(r, where, "is not %s",
              cls == H5T_STRING    ? "a column of strings"
              : cls == H5T_INTEGER ? "a column of whole numbers"
                                   : "a column of floating-point numbers");
    else if (*n != 0 && dim != *n)
        fault(r, where, "has %llu entries, but %s %llu", (unsigned long long)dim, of,
              (unsigned long long)*n);
    else
        ok = true;
    if (!ok) {
        if (t >= 0)
            H5Tclose(t);
        if (d >= 0)
            H5Dclose(d);
        return -1;
    }
    *n = dim;
    *type = t;
    return d;
}

/* A column of n floating-point numbers into a new array (*out, free()). */
static bool read_f64(reader *r, hid_t loc, const char *where, const char *name, hsize_t n,
                     const char *of, double **out)
{
    hsize_t m = n;
    hid_t t, d = open_column(r, loc, where, name, H5T_FLOAT, &m, of, &t);
    if (d < 0)
        return false;
    /* n comes from the file: calloc checks the product for overflow. */
    *out = n > SIZE_MAX / sizeof **out ? NULL : calloc(n ? (size_t)n : 1, sizeof **out);
    bool ok = *out != NULL &&
              (n == 0 || H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) >= 0);
    H5Tclose(t);
    H5Dclose(d);
    return ok ? true : fault(r, where, *out ? "cannot read (damaged file?)" : "out of memory");
}

/* A column of whole numbers, each below `limit`, into a new array (*out,
 * free()); *n as open_column takes it. */
static bool read_whole(reader *r, hid_t loc, const char *where, const char *name, hsize_t *n,
                       const char *of, uint64_t limit, const char *limit_what, uint64_t **out)
{
    hid_t t, d = open_column(r, loc, where, name, H5T_INTEGER, n, of, &t);
    if (d < 0)
        return false;
    const bool is_signed = H5Tget_sign(t) == H5T_SGN_2;
    *out = *n > SIZE_MAX / sizeof **out ? NULL : calloc(*n ? (size_t)*n : 1, sizeof **out);
    bool ok =
        *out != NULL && (*n == 0 || H5Dread(d, is_signed ? H5T_NATIVE_INT64 : H5T_NATIVE_UINT64,
                                            H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) >= 0);
    H5Tclose(t);
    H5Dclose(d);
    if (!ok)
        return fault(r, where, *out ? "cannot read (damaged file?)" : "out of memory");
    for (hsize_t i = 0; i < *n; i++) {
        if (is_signed && (int64_t)(*out)[i] < 0)
            return fault(r, where, "entry %llu is %lld, negative", (unsigned long long)i,
                         (long long)(int64_t)(*out)[i]);
        if ((*out)[i] >= limit)
            return fault(r, where, "entry %llu is %llu, %s", (unsigned long long)i,
                         (unsigned long long)(*out)[i], limit_what);
    }
    return true;
}

/* A column of strings (fixed or variable length) into (*out)[0..*n), each
 * a new string (free()); *n as open_column takes it. *out is allocated here
 * when NULL, else has *n entries. On failure every entry is NULL. */
static bool read_strings(reader *r, hid_t loc, const char *where, const char *name, hsize_t *n,
                         const char *of, char ***out)
{
    hid_t t, d = open_column(r, loc, where, name, H5T_STRING, n, of, &t);
    if (d < 0)
        return false;
    if (*out == NULL && (*out = calloc(*n ? *n : 1, sizeof **out)) == NULL) {
        H5Tclose(t);
        H5Dclose(d);
        return fault(r, where, "out of memory");
    }
    char **v = *out;
    bool ok = false;
    const char *why = "cannot read (damaged file?)";
    hid_t m = H5Tcopy(H5T_C_S1);
    if (m >= 0 && H5Tset_cset(m, H5Tget_cset(t)) >= 0) {
        if (H5Tis_variable_str(t) > 0) {
            char **raw = calloc(*n ? *n : 1, sizeof *raw);
            hid_t s = H5Dget_space(d);
            ok = raw != NULL && s >= 0 && H5Tset_size(m, H5T_VARIABLE) >= 0 &&
                 (*n == 0 || H5Dread(d, m, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) >= 0);
            if (ok && *n > 0) {
                for (hsize_t i = 0; i < *n; i++)
                    ok = ok && (v[i] = strdup(raw[i] ? raw[i] : "")) != NULL;
                H5Dvlen_reclaim(m, s, H5P_DEFAULT, raw);
            }
            if (s >= 0)
                H5Sclose(s);
            free(raw);
        } else {
            size_t w = H5Tget_size(t);
            char *buf = NULL;
            if (w == 0 || w > MAX_STRING)
                why = "strings longer than 4096 bytes";
            else if ((buf = calloc(*n ? *n : 1, w + 1)) == NULL)
                why = "out of memory";
            ok = buf != NULL && H5Tset_size(m, w + 1) >= 0 &&
                 H5Tset_strpad(m, H5T_STR_NULLTERM) >= 0 &&
                 (*n == 0 || H5Dread(d, m, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
            for (hsize_t i = 0; ok && i < *n; i++)
                ok = (v[i] = strndup(buf + i * (w + 1), w)) != NULL;
            free(buf);
        }
    }
    if (m >= 0)
        H5Tclose(m);
    H5Tclose(t);
    H5Dclose(d);
    if (ok)
        return true;
    for (hsize_t i = 0; i < *n; i++) {
        free(v[i]);
        v[i] = NULL;
    }
    return fault(r, where, "%s", why);
}

/* Roster indices of `where` (a plan) into *idx, *n entries, ascending. */
static bool read_plan(reader *r, hid_t g, const char *where, const char *name, size_t n_creators,
                      size_t **idx, size_t *n)
{
    hsize_t m = 0;
    uint64_t *v = NULL;
    bool ok = read_whole(r, g, where, name, &m, "", n_creators,
                         "not a creator of /select/roster/handle", &v);
    for (hsize_t k = 1; ok && k < m; k++)
        if (v[k] <= v[k - 1])
            ok = fault(r, where, "entries %llu and %llu are not ascending",
                       (unsigned long long)k - 1, (unsigned long long)k);
    if (ok && (*idx = malloc((m ? m : 1) * sizeof **idx)) == NULL)
        ok = fault(r, where, "out of memory");
    for (hsize_t k = 0; ok && k < m; k++)
        (*idx)[k] = (size_t)v[k];
    if (ok)
        *n = (size_t)m;
    free(v);
    return ok;
}

/* /select/roster into the creator arrays of res (n_creators set first, so
 * infl_select_result_free frees what was read). */
static bool read_roster(reader *r, hid_t g, infl_select_result *res)
{
    if (H5Lexists(g, "roster", H5P_DEFAULT) <= 0)
        return fault(r, "/select/roster", "missing");
    hid_t t = H5Gopen2(g, "roster", H5P_DEFAULT);
    if (t < 0)
        return fault(r, "/select/roster", "not a group");
    static const char *of = "/select/roster/handle has";
    hsize_t n = 0;
    uint64_t *chosen = NULL;
    bool ok = read_strings(r, t, "/select/roster/handle", "handle", &n, of, &res->handle);
    if (ok && n == 0)
        ok = fault(r, "/select/roster/handle", "the roster has no creators");
    if (ok) {
        res->n_creators = (size_t)n;
        res->tier = calloc(n, sizeof *res->tier);
        res->platform = calloc(n, sizeof *res->platform);
        res->chosen = malloc(n);
        if (!res->tier || !res->platform || !res->chosen)
            ok = fault(r, "/select/roster", "out of memory");
    }
    hsize_t m = n;
    ok = ok && read_strings(r, t, "/select/roster/tier", "tier", &m, of, &res->tier) &&
         read_strings(r, t, "/select/roster/platform", "platform", &m, of, &res->platform) &&
         read_f64(r, t, "/select/roster/mean_cost", "mean_cost", n, of, &res->mean_cost) &&
         read_f64(r, t, "/select/roster/mean_conversions", "mean_conversions", n, of,
                  &res->mean_conversions) &&
         read_f64(r, t, "/select/roster/conversions_se", "conversions_se", n, of,
                  &res->conversions_se) &&
         read_whole(r, t, "/select/roster/chosen", "chosen", &m, of, 2, "not 0 or 1", &chosen) &&
         read_f64(r, t, "/select/roster/marginal", "marginal", n, of, &res->marginal) &&
         read_f64(r, t, "/select/roster/frequency", "frequency", n, of, &res->frequency);
    for (hsize_t i = 0; ok && i < n; i++)
        res->chosen[i] = (unsigned char)chosen[i];
    free(chosen);
    H5Gclose(t);
    return ok;
}

/* `chosen` must mark exactly the plan's members. */
static bool check_chosen(reader *r, const infl_select_result *res)
{
    size_t k = 0;
    for (size_t i = 0; i < res->n_creators; i++) {
        const bool member = k < res->n_plan && res->plan[k] == i;
        k += member;
        if (member != (res->chosen[i] != 0))
            return fault(r, "/select/roster/chosen",
                         "entry %zu (%.64s) is %d, but /select/plan %s it", i, res->handle[i],
                         res->chosen[i], member ? "holds" : "does not hold");
    }
    return true;
}

/* The attributes of /select into res; the objective parsed and checked
 * against the metric the file says it reads. */
static bool read_answer(reader *r, hid_t g, infl_select_result *res)
{
    char *objective = NULL, *metric = NULL, *method = NULL, *strategy = NULL;
    bool ok = attr_str(r, g, "objective", &objective) && attr_str(r, g, "metric", &metric) &&
              attr_str(r, g, "method", &method) && attr_str(r, g, "strategy", &strategy) &&
              attr_f64(r, g, "value", &res->value) && attr_f64(r, g, "se", &res->se) &&
              attr_f64(r, g, "budget", &res->budget) &&
              attr_u64(r, g, "plans_evaluated", &res->plans_evaluated) &&
              attr_f64(r, g, "runner_up_value", &res->runner_up_value) &&
              attr_f64(r, g, "runner_up_se", &res->runner_up_se) &&
              attr_f64(r, g, "p_beats", &res->p_beats) && attr_f64(r, g, "p_tie", &res->p_tie) &&
              attr_f64(r, g, "diff", &res->diff) && attr_f64(r, g, "diff_se", &res->diff_se) &&
              attr_u64(r, g, "trials", &res->n_trials) &&
              attr_f64(r, g, "seconds", &res->seconds) &&
              attr_f64(r, g, "plan_cost", &res->plan_cost) &&
              attr_f64(r, g, "plan_spend", &res->plan_spend) &&
              attr_f64(r, g, "plan_conversions", &res->plan_conversions) &&
              attr_f64(r, g, "plan_conversions_se", &res->plan_conversions_se) &&
              attr_f64(r, g, "plan_unhired", &res->plan_unhired);
    uint64_t resamples = 0;
    ok = ok && attr_u64(r, g, "resamples", &resamples);
    res->resamples = (size_t)resamples;
    if (ok && infl_objective_parse(objective, &res->objective, NULL) != INFL_OK)
        ok = fault(r, "/select",
                   "attribute 'objective' is \"%.64s\", not an objective this "
                   "influsim knows",
                   objective);
    if (ok && strcmp(metric, infl_objective_metric(&res->objective)) != 0)
        ok = fault(r, "/select", "attribute 'metric' is \"%.64s\", but the objective %s reads %s",
                   metric, res->objective.name, infl_objective_metric(&res->objective));
    if (ok && strcmp(method, "exact") != 0 && strcmp(method, "greedy") != 0)
        ok = fault(r, "/select", "attribute 'method' is \"%.64s\", not exact or greedy", method);
    res->exact = ok && strcmp(method, "exact") == 0;
    if (ok && strlen(strategy) >= sizeof res->strategy)
        ok = fault(r, "/select", "attribute 'strategy' is longer than %zu bytes",
                   sizeof res->strategy - 1);
    if (ok)
        strcpy(res->strategy, strategy);
    free(objective);
    free(metric);
    free(method);
    free(strategy);
    return ok;
}

/* The whole of /select into res. */
static bool read_select(reader *r, hid_t file, infl_select_result *res)
{
    if (H5Lexists(file, "select", H5P_DEFAULT) <= 0)
        return fault(r, "/select", "missing (a select's file without its answer)");
    hid_t g = H5Gopen2(file, "select", H5P_DEFAULT);
    if (g < 0)
        return fault(r, "/select", "not a group");
    bool ok = read_answer(r, g, res) && read_roster(r, g, res) &&
              read_plan(r, g, "/select/plan", "plan", res->n_creators, &res->plan, &res->n_plan) &&
              read_plan(r, g, "/select/runner_up", "runner_up", res->n_creators, &res->runner_up,
                        &res->n_runner_up) &&
              check_chosen(r, res);
    hsize_t nt = res->n_trials;
    if (ok && nt == 0)
        ok = fault(r, "/select", "attribute 'trials' is 0");
    ok = ok &&
         read_f64(r, g, "/select/chosen_values", "chosen_values", nt, "attribute 'trials' says",
                  &res->chosen_values) &&
         read_f64(r, g, "/select/runner_up_values", "runner_up_values", nt,
                  "attribute 'trials' says", &res->runner_up_values);
    H5Gclose(g);
    return ok;
}

/* The select's answer read in the reader's process (guard.h). */
static infl_status read_select_here(const char *path, infl_select_result **out, infl_h5_meta *meta,
                                    infl_error *err)
{
    *out = NULL;
    memset(meta, 0, sizeof *meta);
    reader r = {.err = err, .path = path, .rc = INFL_OK};
    infl__h5_quiet_state q = infl__h5_quiet();
    infl_h5_kind kind = INFL_H5_KIND_RUN;
    infl_select_result *res = NULL;
    hid_t file = infl__h5_read_open(&r, meta, &kind);
    bool ok = file >= 0;
    if (ok && kind != INFL_H5_KIND_SELECT)
        ok = infl__h5_read_bad(&r, kind == INFL_H5_KIND_SWEEP ? "a sweep's results, not a select's"
                                                              : "a run's results, not a select's "
                                                                "(no /select)");
    ok = ok && infl__h5_read_meta(&r, file, meta);
    if (ok && (res = calloc(1, sizeof *res)) == NULL)
        ok = infl__h5_read_bad(&r, "out of memory");
    if (ok) {
        res->seed = meta->seed;
        read_select(&r, file, res);
    }
    if (file >= 0)
        H5Fclose(file);
    infl__h5_restore(q);
    if (r.rc != INFL_OK) {
        infl_select_result_free(res);
        infl_h5_meta_destroy(meta);
        return r.rc;
    }
    *out = res;
    return INFL_OK;
}

/* Roster indices (a plan, the runner-up). */
static bool put_indices(infl__wire *w, const size_t *v, size_t n)
{
    bool ok = infl__wire_put_u64(w, n);
    for (size_t i = 0; ok && i < n; i++)
        ok = infl__wire_put_u64(w, v[i]);
    return ok;
}

/* Indices back, each in the roster and ascending, as read_plan checked. */
static bool get_indices(infl__wire *w, size_t n_creators, size_t **out, size_t *n)
{
    if (!infl__wire_get_count(w, 8, n) || *n > n_creators ||
        (*out = malloc((*n ? *n : 1) * sizeof **out)) == NULL)
        return false;
    for (size_t i = 0; i < *n; i++) {
        uint64_t v = 0;
        if (!infl__wire_get_u64(w, &v) || v >= n_creators || (i > 0 && v <= (*out)[i - 1]))
            return false;
        (*out)[i] = (size_t)v;
    }
    return true;
}

static bool put_select(infl__wire *w, const infl_select_result *r)
{
    const size_t n = r->n_creators;
    bool ok = infl__wire_put_str(w, r->objective.name) && infl__wire_put_f64(w, r->budget) &&
              infl__wire_put_u64(w, r->n_trials) && infl__wire_put_u64(w, r->seed) &&
              infl__wire_put_u64(w, r->resamples) && infl__wire_put_strs(w, r->handle, n) &&
              infl__wire_put_strs(w, r->tier, n) && infl__wire_put_strs(w, r->platform, n) &&
              infl__wire_put_f64s(w, r->mean_cost, n) &&
              infl__wire_put_f64s(w, r->mean_conversions, n) &&
              infl__wire_put_f64s(w, r->conversions_se, n) &&
              infl__wire_put_f64s(w, r->marginal, n) && infl__wire_put_f64s(w, r->frequency, n);
    for (size_t i = 0; ok && i < n; i++)
        ok = infl__wire_put_u64(w, r->chosen[i]);
    return ok && put_indices(w, r->plan, r->n_plan) && infl__wire_put_f64(w, r->value) &&
           infl__wire_put_f64(w, r->se) && infl__wire_put_f64(w, r->plan_cost) &&
           infl__wire_put_f64(w, r->plan_spend) && infl__wire_put_f64(w, r->plan_conversions) &&
           infl__wire_put_f64(w, r->plan_conversions_se) &&
           infl__wire_put_f64(w, r->plan_unhired) && put_indices(w, r->runner_up, r->n_runner_up) &&
           infl__wire_put_f64(w, r->runner_up_value) && infl__wire_put_f64(w, r->runner_up_se) &&
           infl__wire_put_f64(w, r->p_beats) && infl__wire_put_f64(w, r->p_tie) &&
           infl__wire_put_f64(w, r->diff) && infl__wire_put_f64(w, r->diff_se) &&
           infl__wire_put_f64s(w, r->chosen_values, r->n_trials) &&
           infl__wire_put_f64s(w, r->runner_up_values, r->n_trials) &&
           infl__wire_put_u64(w, r->exact) && infl__wire_put_u64(w, r->plans_evaluated) &&
           infl__wire_put_f64(w, r->seconds) && infl__wire_put_str(w, r->strategy);
}

/* A creator column of n doubles, allocated and read. */
static bool get_column(infl__wire *w, size_t n, double **out)
{
    if (n > (w->len - w->pos) / 8 || (*out = malloc((n ? n : 1) * sizeof **out)) == NULL)
        return false;
    return infl__wire_get_f64s(w, *out, n);
}

/* Decodes the answer the child sent into r, checking it as read_select
 * did: the columns of the roster's length, the plan and runner-up indices
 * in the roster and ascending, `chosen` the plan, an objective this
 * program knows. */
static bool get_select(infl__wire *w, infl_select_result *r)
{
    char *objective = NULL, *strategy = NULL;
    uint64_t resamples = 0;
    size_t n = 0, m = 0, k = 0;
    bool ok = infl__wire_get_text(w, &objective) &&
              infl_objective_parse(objective, &r->objective, NULL) == INFL_OK &&
              infl__wire_get_f64(w, &r->budget) && infl__wire_get_u64(w, &r->n_trials) &&
              r->n_trials > 0 && infl__wire_get_u64(w, &r->seed) &&
              infl__wire_get_u64(w, &resamples) && infl__wire_get_strs(w, &n, &r->handle) && n > 0;
    free(objective);
    r->n_creators = n;
    r->resamples = (size_t)resamples;
    ok = ok && infl__wire_get_strs(w, &m, &r->tier) && m == n &&
         infl__wire_get_strs(w, &k, &r->platform) && k == n;
    if (!ok) {
        /* The arrays freed by infl_select_result_free hold n entries. */
        if (m != n) {
            infl_names_free(r->tier, m);
            r->tier = NULL;
        }
        if (k != n) {
            infl_names_free(r->platform, k);
            r->platform = NULL;
        }
        return false;
    }
    ok = get_column(w, n, &r->mean_cost) && get_column(w, n, &r->mean_conversions) &&
         get_column(w, n, &r->conversions_se) && get_column(w, n, &r->marginal) &&
         get_column(w, n, &r->frequency) && (r->chosen = malloc(n)) != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        uint64_t v = 0;
        ok = infl__wire_get_u64(w, &v) && v <= 1;
        r->chosen[i] = (unsigned char)v;
    }
    uint64_t exact = 0;
    ok = ok && get_indices(w, n, &r->plan, &r->n_plan) && infl__wire_get_f64(w, &r->value) &&
         infl__wire_get_f64(w, &r->se) && infl__wire_get_f64(w, &r->plan_cost) &&
         infl__wire_get_f64(w, &r->plan_spend) && infl__wire_get_f64(w, &r->plan_conversions) &&
         infl__wire_get_f64(w, &r->plan_conversions_se) &&
         infl__wire_get_f64(w, &r->plan_unhired) &&
         get_indices(w, n, &r->runner_up, &r->n_runner_up) &&
         infl__wire_get_f64(w, &r->runner_up_value) && infl__wire_get_f64(w, &r->runner_up_se) &&
         infl__wire_get_f64(w, &r->p_beats) && infl__wire_get_f64(w, &r->p_tie) &&
         infl__wire_get_f64(w, &r->diff) && infl__wire_get_f64(w, &r->diff_se) &&
         r->n_trials <= (w->len - w->pos) / 8 &&
         get_column(w, (size_t)r->n_trials, &r->chosen_values) &&
         get_column(w, (size_t)r->n_trials, &r->runner_up_values) &&
         infl__wire_get_u64(w, &exact) && exact <= 1 &&
         infl__wire_get_u64(w, &r->plans_evaluated) && infl__wire_get_f64(w, &r->seconds) &&
         infl__wire_get_text(w, &strategy) && strlen(strategy) < sizeof r->strategy;
    r->exact = exact != 0;
    if (ok)
        strcpy(r->strategy, strategy);
    free(strategy);
    for (size_t i = 0, p = 0; ok && i < n; i++) {
        const bool member = p < r->n_plan && r->plan[p] == i;
        p += member;
        ok = member == (r->chosen[i] != 0);
    }
    return ok && infl__wire_done(w);
}

static infl_status parse_select(const char *path, void *ctx, infl__wire *w, infl_error *err)
{
    (void)ctx;
    infl_select_result *res = NULL;
    infl_h5_meta meta;
    infl_status rc = read_select_here(path, &res, &meta, err);
    if (rc != INFL_OK)
        return rc;
    /* A put that fails marks w bad, which the child reports. */
    if (infl__wire_put_meta(w, &meta))
        put_select(w, res);
    infl_select_result_free(res);
    infl_h5_meta_destroy(&meta);
    return INFL_OK;
}

infl_status infl_h5_read_select(const char *path, infl_select_result **out, infl_h5_meta *meta,
                                infl_error *err)
{
    *out = NULL;
    memset(meta, 0, sizeof *meta);
    infl__wire reply;
    infl_status rc = infl__h5_read_guarded(path, parse_select, NULL, &reply, err);
    if (rc != INFL_OK)
        return rc;
    infl_select_result *res = calloc(1, sizeof *res);
    bool ok = res != NULL && infl__wire_get_meta(&reply, meta) && get_select(&reply, res);
    infl__wire_destroy(&reply);
    if (!ok) {
        infl_select_result_free(res);
        infl_h5_meta_destroy(meta);
        return res == NULL ? infl_error_add(err, INFL_ENOMEM, "%s: out of memory", path)
                           : infl__h5_guard_bad_reply(path, err);
    }
    *out = res;
    return INFL_OK;
}
