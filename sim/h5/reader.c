/*
 * reader.c — reads the summary and run metadata back from a results file
 * (see infl_h5_read_summary in include/influsim/h5.h), for `influsim show`,
 * and the checked reading steps that the sweep's reader shares (reader.h):
 * opening a file and checking what it is, its root attributes, strings and
 * columns.
 *
 * Anything may arrive here: an empty file, a text file, a truncated or
 * foreign HDF5 file. Each step checks what it reads and fails with a message
 * that names the file and the part that is missing or malformed. Because
 * the HDF5 library itself may crash or hang on a damaged file, the public
 * readers parse in a child process (guard.h) and decode its reply (wire.h).
 */
#include "influsim/h5.h"

#include "h5/guard.h"
#include "h5/reader.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef infl__h5_io reader;

bool infl__h5_read_bad(reader *r, const char *what)
{
    if (r->rc == INFL_OK)
        r->rc = infl_error_add(r->err, INFL_EFORMAT, "%s: %s", r->path, what);
    return false;
}

bool infl__h5_read_is_ratio(const char *name)
{
    size_t len = strlen(name);
    return strncmp(name, "cost_per_", 9) == 0 || strcmp(name, "roi") == 0 ||
           (len > 4 && strcmp(name + len - 4, "_roi") == 0);
}

infl_status infl__h5_read_guarded(const char *path, infl__h5_guard_parse parse, void *ctx,
                                  infl__wire *reply, infl_error *err)
{
    infl__wire_init(reply);
    infl_h5_integrity state;
    infl_status rc = infl_h5_verify(path, &state, err);
    if (rc != INFL_OK)
        return rc;
    return infl__h5_guard_run(path, parse, ctx, INFL__H5_GUARD_SECONDS, reply, err);
}

static bool bad(reader *r, const char *what)
{
    return infl__h5_read_bad(r, what);
}

bool infl__h5_read_attr_str(reader *r, hid_t loc, const char *name, char **out)
{
    char msg[160];
    snprintf(msg, sizeof msg, "missing or malformed attribute '%s'", name);
    if (H5Aexists(loc, name) <= 0)
        return bad(r, msg);
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    hid_t ft = a >= 0 ? H5Aget_type(a) : -1;
    hid_t t = infl__h5_str_type();
    char *v = NULL;
    bool ok = a >= 0 && ft >= 0 && t >= 0 && H5Tget_class(ft) == H5T_STRING &&
              H5Tis_variable_str(ft) > 0 && H5Aread(a, t, &v) >= 0 && v != NULL;
    if (ok)
        *out = strdup(v);
    if (v != NULL)
        H5free_memory(v);
    if (t >= 0)
        H5Tclose(t);
    if (ft >= 0)
        H5Tclose(ft);
    if (a >= 0)
        H5Aclose(a);
    if (ok && *out == NULL)
        return bad(r, "out of memory");
    return ok ? true : bad(r, msg);
}

bool infl__h5_read_attr_num(reader *r, hid_t loc, const char *name, hid_t mem_type, void *out)
{
    char msg[160];
    snprintf(msg, sizeof msg, "missing or malformed attribute '%s'", name);
    if (H5Aexists(loc, name) <= 0)
        return bad(r, msg);
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    hid_t s = a >= 0 ? H5Aget_space(a) : -1;
    bool ok =
        a >= 0 && s >= 0 && H5Sget_simple_extent_npoints(s) == 1 && H5Aread(a, mem_type, out) >= 0;
    if (s >= 0)
        H5Sclose(s);
    if (a >= 0)
        H5Aclose(a);
    return ok ? true : bad(r, msg);
}

/* Reads a boolean attribute written as an int8 enum (or a plain small integer). */
static bool read_attr_bool(reader *r, hid_t loc, const char *name, bool *out)
{
    char msg[160];
    snprintf(msg, sizeof msg, "missing or malformed attribute '%s'", name);
    if (H5Aexists(loc, name) <= 0)
        return bad(r, msg);
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    hid_t ft = a >= 0 ? H5Aget_type(a) : -1;
    hid_t nt = ft >= 0 ? H5Tget_native_type(ft, H5T_DIR_ASCEND) : -1;
    signed char v = 0;
    bool ok = nt >= 0 && H5Tget_size(nt) == 1 &&
              (H5Tget_class(ft) == H5T_ENUM || H5Tget_class(ft) == H5T_INTEGER) &&
              H5Aread(a, nt, &v) >= 0;
    if (nt >= 0)
        H5Tclose(nt);
    if (ft >= 0)
        H5Tclose(ft);
    if (a >= 0)
        H5Aclose(a);
    *out = v != 0;
    return ok ? true : bad(r, msg);
}

/* Opens a 1-D dataset and checks it has n elements (n == 0: any; *n set). */
static hid_t open_1d(reader *r, hid_t loc, const char *group, const char *name, hsize_t *n)
{
    char msg[512];
    snprintf(msg, sizeof msg, "missing or malformed dataset '%s/%s'", group, name);
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0) {
        bad(r, msg);
        return -1;
    }
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    hid_t s = d >= 0 ? H5Dget_space(d) : -1;
    hsize_t dim = 0;
    bool ok = s >= 0 && H5Sget_simple_extent_ndims(s) == 1 &&
              H5Sget_simple_extent_dims(s, &dim, NULL) == 1 && (*n == 0 || dim == *n);
    if (s >= 0)
        H5Sclose(s);
    if (!ok) {
        if (d >= 0)
            H5Dclose(d);
        bad(r, msg);
        return -1;
    }
    *n = dim;
    return d;
}

static bool read_doubles(reader *r, hid_t loc, const char *group, const char *name, hsize_t n,
                         double *out)
{
    hsize_t m = n;
    hid_t d = open_1d(r, loc, group, name, &m);
    if (d < 0)
        return false;
    bool ok = H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) >= 0;
    H5Dclose(d);
    if (!ok) {
        char msg[512];
        snprintf(msg, sizeof msg, "cannot read dataset '%s/%s' (damaged file?)", group, name);
        return bad(r, msg);
    }
    return true;
}

/* Reads a column of counts, each a whole number that fits a uint64_t. */
static bool read_counts(reader *r, hid_t loc, const char *group, const char *name, hsize_t n,
                        double *out)
{
    if (!read_doubles(r, loc, group, name, n, out))
        return false;
    for (hsize_t i = 0; i < n; i++) {
        if (!(out[i] >= 0 && out[i] < 0x1p64 && out[i] == floor(out[i]))) {
            char msg[512];
            snprintf(msg, sizeof msg, "dataset '%s/%s' holds %g, not a count", group, name, out[i]);
            return bad(r, msg);
        }
    }
    return true;
}

bool infl__h5_read_strings(reader *r, hid_t loc, const char *group, const char *name, hsize_t *n,
                           char ***out)
{
    hid_t d = open_1d(r, loc, group, name, n);
    if (d < 0)
        return false;
    char msg[512];
    snprintf(msg, sizeof msg, "cannot read string dataset '%s/%s'", group, name);
    hid_t t = infl__h5_str_type(), ft = H5Dget_type(d), s = H5Dget_space(d);
    char **raw = calloc(*n ? *n : 1, sizeof *raw);
    char **copy = calloc(*n ? *n : 1, sizeof *copy);
    bool ok = t >= 0 && ft >= 0 && s >= 0 && raw && copy && H5Tget_class(ft) == H5T_STRING &&
              H5Tis_variable_str(ft) > 0 &&
              (*n == 0 || H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) >= 0);
    for (hsize_t i = 0; ok && i < *n; i++)
        ok = raw[i] != NULL && (copy[i] = strdup(raw[i])) != NULL;
    if (raw != NULL && t >= 0 && s >= 0 && *n > 0)
        H5Dvlen_reclaim(t, s, H5P_DEFAULT, raw);
    free(raw);
    if (s >= 0)
        H5Sclose(s);
    if (ft >= 0)
        H5Tclose(ft);
    if (t >= 0)
        H5Tclose(t);
    H5Dclose(d);
    if (!ok) {
        infl_names_free(copy, *n);
        return bad(r, msg);
    }
    *out = copy;
    return true;
}

static bool read_matrix(reader *r, hid_t g, const char *name, size_t n, double *out)
{
    char msg[256];
    snprintf(msg, sizeof msg, "missing or malformed dataset 'comparisons/%s'", name);
    if (H5Lexists(g, name, H5P_DEFAULT) <= 0)
        return bad(r, msg);
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    hid_t s = d >= 0 ? H5Dget_space(d) : -1;
    hsize_t dims[2] = {0, 0};
    bool ok = s >= 0 && H5Sget_simple_extent_ndims(s) == 2 &&
              H5Sget_simple_extent_dims(s, dims, NULL) == 2 && dims[0] == n && dims[1] == n &&
              H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) >= 0;
    if (s >= 0)
        H5Sclose(s);
    if (d >= 0)
        H5Dclose(d);
    return ok ? true : bad(r, msg);
}

static bool read_strategy(reader *r, hid_t strategies, infl_summary *sm, size_t s, double *col)
{
    char gname[512];
    snprintf(gname, sizeof gname, "strategies/%s/summary", sm->strategy_names[s]);
    htri_t exists = H5Lexists(strategies, sm->strategy_names[s], H5P_DEFAULT);
    hid_t g = exists > 0 ? H5Gopen2(strategies, sm->strategy_names[s], H5P_DEFAULT) : -1;
    htri_t has_summary = g >= 0 ? H5Lexists(g, "summary", H5P_DEFAULT) : -1;
    hid_t gs = has_summary > 0 ? H5Gopen2(g, "summary", H5P_DEFAULT) : -1;
    bool ok = false;
    if (gs < 0) {
        char msg[600];
        snprintf(msg, sizeof msg, "missing group '%s'", gname);
        bad(r, msg);
        goto done;
    }
    const size_t nm = sm->n_metrics;
    infl_stat *st = &sm->stats[s * nm];
#define READ_STAT(field, cname)                                                                    \
    do {                                                                                           \
        if (!read_doubles(r, gs, gname, cname, nm, col))                                           \
            goto done;                                                                             \
        for (size_t m = 0; m < nm; m++)                                                            \
            st[m].field = col[m];                                                                  \
    } while (0)
    READ_STAT(mean, "mean");
    READ_STAT(sd, "sd");
    READ_STAT(se, "se");
    READ_STAT(min, "min");
    READ_STAT(max, "max");
    static const char *const qnames[INFL_N_QUANTILES] = {"q01", "q05", "q10", "q25", "q50",
                                                         "q75", "q90", "q95", "q99"};
    for (size_t i = 0; i < INFL_N_QUANTILES; i++)
        READ_STAT(q[i], qnames[i]);
    READ_STAT(p_zero, "p_zero");
    READ_STAT(ratio_of_totals, "ratio_of_totals");
#undef READ_STAT
    if (!read_counts(r, gs, gname, "n", nm, col))
        goto done;
    for (size_t m = 0; m < nm; m++)
        st[m].n = (uint64_t)col[m];
    if (!read_counts(r, gs, gname, "n_missing", nm, col))
        goto done;
    for (size_t m = 0; m < nm; m++)
        st[m].n_missing = (uint64_t)col[m];
    ok = true;
done:
    if (gs >= 0)
        H5Gclose(gs);
    if (g >= 0)
        H5Gclose(g);
    return ok;
}

static bool read_metric_info(reader *r, hid_t strategies, infl_summary *sm)
{
    char gname[512];
    snprintf(gname, sizeof gname, "strategies/%s/summary", sm->strategy_names[0]);
    hid_t g = H5Lexists(strategies, sm->strategy_names[0], H5P_DEFAULT) > 0
                  ? H5Gopen2(strategies, sm->strategy_names[0], H5P_DEFAULT)
                  : -1;
    hid_t gs = g >= 0 && H5Lexists(g, "summary", H5P_DEFAULT) > 0
                   ? H5Gopen2(g, "summary", H5P_DEFAULT)
                   : -1;
    char **names = NULL, **units = NULL, **longs = NULL;
    hsize_t n = 0;
    bool ok = false;
    if (gs < 0) {
        char msg[600];
        snprintf(msg, sizeof msg, "missing group '%s'", gname);
        bad(r, msg);
        goto done;
    }
    /* `metric` fixes the number of rows; the other columns must match it. */
    if (!infl__h5_read_strings(r, gs, gname, "metric", &n, &names))
        goto done;
    if (n == 0) {
        bad(r, "the summary lists no metrics");
        goto done;
    }
    if (!infl__h5_read_strings(r, gs, gname, "units", &n, &units) ||
        !infl__h5_read_strings(r, gs, gname, "long_name", &n, &longs))
        goto done;
    sm->metrics = calloc(n, sizeof *sm->metrics);
    if (sm->metrics == NULL) {
        bad(r, "out of memory");
        goto done;
    }
    sm->n_metrics = n;
    for (hsize_t m = 0; m < n; m++) {
        sm->metrics[m].name = names[m];
        sm->metrics[m].units = units[m];
        sm->metrics[m].long_name = longs[m];
        names[m] = units[m] = longs[m] = NULL;
        sm->metrics[m].integer = strcmp(sm->metrics[m].units, "1") == 0;
        /* Also any metric whose ratio of totals is recorded (read_tables). */
        sm->metrics[m].ratio = infl__h5_read_is_ratio(sm->metrics[m].name);
    }
    ok = true;
done:
    infl_names_free(names, n);
    infl_names_free(units, n);
    infl_names_free(longs, n);
    if (gs >= 0)
        H5Gclose(gs);
    if (g >= 0)
        H5Gclose(g);
    return ok;
}

static infl_status parse_kind(const char *path, void *ctx, infl__wire *w, infl_error *err)
{
    (void)ctx;
    infl_h5_meta meta = {0};
    infl_h5_kind kind = INFL_H5_KIND_RUN;
    reader r = {.err = err, .path = path, .rc = INFL_OK};
    infl__h5_quiet_state q = infl__h5_quiet();
    hid_t file = infl__h5_read_open(&r, &meta, &kind);
    if (file >= 0)
        H5Fclose(file);
    infl__h5_restore(q);
    if (r.rc == INFL_OK)
        infl__wire_put_u64(w, (uint64_t)kind);
    return r.rc;
}

infl_status infl_h5_read_kind(const char *path, infl_h5_kind *kind, infl_error *err)
{
    infl__wire reply;
    infl_status rc = infl__h5_read_guarded(path, parse_kind, NULL, &reply, err);
    if (rc != INFL_OK)
        return rc;
    uint64_t k = 0;
    bool ok =
        infl__wire_get_u64(&reply, &k) && infl__wire_done(&reply) && k <= INFL_H5_KIND_SENSITIVITY;
    infl__wire_destroy(&reply);
    if (!ok)
        return infl__h5_guard_bad_reply(path, err);
    *kind = (infl_h5_kind)k;
    return INFL_OK;
}

void infl_h5_meta_destroy(infl_h5_meta *meta)
{
    if (meta == NULL)
        return;
    free(meta->scenario_name);
    free(meta->currency);
    free(meta->program_version);
    free(meta->created);
    free(meta->scenario_resolved);
    memset(meta, 0, sizeof *meta);
}

hid_t infl__h5_read_open(reader *r, infl_h5_meta *meta, infl_h5_kind *kind)
{
    hid_t file = -1;
    char *format = NULL;
    bool ok = false;
    FILE *probe = fopen(r->path, "rb");
    if (probe == NULL) {
        r->rc = infl_error_add(r->err, INFL_EIO, "%s: cannot open: %s", r->path, strerror(errno));
        goto done;
    }
    /* A shard's partial run or a checkpoint (engine/checkpoint.c's magic)
     * given where a results file is expected: say what to do with it. */
    char magic[7] = {0};
    bool partial = fread(magic, 1, sizeof magic, probe) == sizeof magic &&
                   (memcmp(magic, "INFLCKP", sizeof magic) == 0 ||
                    memcmp(magic, "INFLSWP", sizeof magic) == 0);
    fclose(probe);
    if (partial) {
        bad(r, "a shard's part of a run or sweep, or a checkpoint, not a results file (merge "
               "the shards with `influsim merge`, or resume the run with `influsim run "
               "--resume`)");
        goto done;
    }
    if (H5Fis_hdf5(r->path) <= 0) {
        bad(r, "not an HDF5 file (empty, truncated, or another format)");
        goto done;
    }
    file = H5Fopen(r->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) {
        bad(r, "cannot open as HDF5 (truncated or damaged file?)");
        goto done;
    }
    if (H5Aexists(file, "format") <= 0) {
        bad(r, "an HDF5 file, but not an influsim results file (no 'format' attribute)");
        goto done;
    }
    if (!infl__h5_read_attr_str(r, file, "format", &format))
        goto done;
    if (strcmp(format, INFL_H5_FORMAT) != 0) {
        char msg[256];
        snprintf(msg, sizeof msg, "not an influsim results file (format is \"%.100s\")", format);
        bad(r, msg);
        goto done;
    }
    uint64_t version = 0;
    if (!infl__h5_read_attr_num(r, file, "format_version", H5T_NATIVE_UINT64, &version))
        goto done;
    if (version > INFL_H5_FORMAT_VERSION || version == 0) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "results format version %llu; this influsim reads version %d (upgrade influsim)",
                 (unsigned long long)version, INFL_H5_FORMAT_VERSION);
        bad(r, msg);
        goto done;
    }
    meta->format_version = (long)version;
    /* A run's file has no `kind`; the others say what made them. */
    *kind = INFL_H5_KIND_RUN;
    if (H5Aexists(file, "kind") > 0) {
        char *text = NULL;
        if (!infl__h5_read_attr_str(r, file, "kind", &text))
            goto done;
        if (strcmp(text, "sweep") == 0)
            *kind = INFL_H5_KIND_SWEEP;
        else if (strcmp(text, "optimize") == 0)
            *kind = INFL_H5_KIND_OPTIMIZE;
        else if (strcmp(text, "select") == 0)
            *kind = INFL_H5_KIND_SELECT;
        else if (strcmp(text, "sensitivity") == 0)
            *kind = INFL_H5_KIND_SENSITIVITY;
        else if (strcmp(text, "run") != 0) {
            char msg[256];
            snprintf(msg, sizeof msg, "results of an unknown kind \"%.100s\" (a newer influsim's?)",
                     text);
            free(text);
            bad(r, msg);
            goto done;
        }
        free(text);
    }
    ok = true;
done:
    free(format);
    if (!ok && file >= 0) {
        H5Fclose(file);
        file = -1;
    }
    return file;
}

bool infl__h5_read_meta(reader *r, hid_t file, infl_h5_meta *meta)
{
    uint64_t threads = 0;
    if (!infl__h5_read_attr_str(r, file, "scenario_name", &meta->scenario_name) ||
        !infl__h5_read_attr_str(r, file, "currency", &meta->currency) ||
        !infl__h5_read_attr_str(r, file, "program_version", &meta->program_version) ||
        !infl__h5_read_attr_str(r, file, "created", &meta->created) ||
        !infl__h5_read_attr_num(r, file, "seed", H5T_NATIVE_UINT64, &meta->seed) ||
        !infl__h5_read_attr_num(r, file, "trials", H5T_NATIVE_UINT64, &meta->trials) ||
        !infl__h5_read_attr_num(r, file, "threads", H5T_NATIVE_UINT64, &threads) ||
        !infl__h5_read_attr_num(r, file, "wall_time_s", H5T_NATIVE_DOUBLE, &meta->wall_seconds) ||
        !read_attr_bool(r, file, "complete", &meta->complete))
        return false;
    meta->threads = threads;
    if (H5Aexists(file, "scenario_resolved") > 0 &&
        !infl__h5_read_attr_str(r, file, "scenario_resolved", &meta->scenario_resolved))
        return false;
    /* Files from before trials_done was recorded hold all their trials. */
    meta->trials_done = meta->trials;
    return H5Aexists(file, "trials_done") <= 0 ||
           infl__h5_read_attr_num(r, file, "trials_done", H5T_NATIVE_UINT64, &meta->trials_done);
}

/* Reads into sm (n_trials set) the strategies, the metrics, each strategy's
 * summary and the comparisons. */
static bool read_tables(reader *r, hid_t file, infl_summary *sm)
{
    hid_t strategies = -1, comparisons = -1;
    double *col = NULL;
    bool ok = false;
    hsize_t ns = 0;
    if (!infl__h5_read_strings(r, file, "", "strategy", &ns, &sm->strategy_names))
        goto done;
    sm->n_strategies = ns;
    if (ns == 0) {
        bad(r, "the file lists no strategies");
        goto done;
    }
    if (H5Lexists(file, "strategies", H5P_DEFAULT) <= 0 ||
        (strategies = H5Gopen2(file, "strategies", H5P_DEFAULT)) < 0) {
        bad(r, "missing group 'strategies'");
        goto done;
    }
    if (!read_metric_info(r, strategies, sm))
        goto done;
    sm->stats = calloc(ns * sm->n_metrics, sizeof *sm->stats);
    col = malloc(sm->n_metrics * sizeof *col);
    sm->p_greater = calloc(ns * ns, sizeof(double));
    sm->p_tie = calloc(ns * ns, sizeof(double));
    sm->mean_difference = calloc(ns * ns, sizeof(double));
    sm->se_difference = calloc(ns * ns, sizeof(double));
    if (!sm->stats || !col || !sm->p_greater || !sm->p_tie || !sm->mean_difference ||
        !sm->se_difference) {
        bad(r, "out of memory");
        goto done;
    }
    for (size_t s = 0; s < ns; s++)
        if (!read_strategy(r, strategies, sm, s, col))
            goto done;
    /* A ratio of totals is recorded only for ratios, whatever they are called. */
    for (size_t s = 0; s < ns; s++)
        for (size_t m = 0; m < sm->n_metrics; m++)
            if (!isnan(sm->stats[s * sm->n_metrics + m].ratio_of_totals))
                sm->metrics[m].ratio = true;
    if (H5Lexists(file, "comparisons", H5P_DEFAULT) <= 0 ||
        (comparisons = H5Gopen2(file, "comparisons", H5P_DEFAULT)) < 0) {
        bad(r, "missing group 'comparisons'");
        goto done;
    }
    ok = read_matrix(r, comparisons, "p_greater", ns, sm->p_greater) &&
         read_matrix(r, comparisons, "p_tie", ns, sm->p_tie) &&
         read_matrix(r, comparisons, "mean_difference", ns, sm->mean_difference) &&
         read_matrix(r, comparisons, "se_difference", ns, sm->se_difference);
done:
    free(col);
    if (comparisons >= 0)
        H5Gclose(comparisons);
    if (strategies >= 0)
        H5Gclose(strategies);
    return ok;
}

/* The summary and metadata read in the reader's process (guard.h). */
static infl_status read_summary_here(const char *path, infl_summary **out, infl_h5_meta *meta,
                                     infl_error *err)
{
    *out = NULL;
    memset(meta, 0, sizeof *meta);
    reader r = {.err = err, .path = path, .rc = INFL_OK};
    infl_summary *sm = NULL;
    infl__h5_quiet_state q = infl__h5_quiet();
    infl_h5_kind kind = INFL_H5_KIND_RUN;
    hid_t file = infl__h5_read_open(&r, meta, &kind);
    bool ok = file >= 0;
    if (ok && kind == INFL_H5_KIND_SWEEP)
        ok = bad(&r, "a sweep's results (influsim sweep): its summaries are the arrays in /sweep, "
                     "over the grid, the strategies and the metrics (docs/output.md); "
                     "infl_h5_read_sweep reads them, and `influsim show` prints their table");
    if (ok && kind == INFL_H5_KIND_SELECT)
        ok = bad(&r, "a select's results (influsim select): no summaries, its answer is /select "
                     "(docs/output.md); infl_h5_read_select reads it, and `influsim show` "
                     "prints it");
    if (ok && kind == INFL_H5_KIND_SENSITIVITY)
        ok = bad(&r, "a sensitivity study's results (influsim sensitivity): no summaries, its "
                     "indices and evaluations are in /sensitivity (docs/output.md); "
                     "infl_h5_read_sensitivity reads them, and `influsim show` prints them");
    ok = ok && infl__h5_read_meta(&r, file, meta);
    if (ok && (sm = calloc(1, sizeof *sm)) == NULL)
        ok = bad(&r, "out of memory");
    if (ok) {
        sm->n_trials = meta->trials_done;
        read_tables(&r, file, sm);
    }
    if (file >= 0)
        H5Fclose(file);
    infl__h5_restore(q);
    if (r.rc != INFL_OK) {
        infl_summary_free(sm);
        infl_h5_meta_destroy(meta);
        return r.rc;
    }
    *out = sm;
    return INFL_OK;
}

static infl_status parse_summary(const char *path, void *ctx, infl__wire *w, infl_error *err)
{
    (void)ctx;
    infl_summary *sm = NULL;
    infl_h5_meta meta;
    infl_status rc = read_summary_here(path, &sm, &meta, err);
    if (rc == INFL_OK) {
        infl__wire_put_meta(w, &meta);
        infl__wire_put_summary(w, sm);
        infl_summary_free(sm);
        infl_h5_meta_destroy(&meta);
    }
    return rc;
}

infl_status infl_h5_read_summary(const char *path, infl_summary **out, infl_h5_meta *meta,
                                 infl_error *err)
{
    *out = NULL;
    memset(meta, 0, sizeof *meta);
    infl__wire reply;
    infl_status rc = infl__h5_read_guarded(path, parse_summary, NULL, &reply, err);
    if (rc != INFL_OK)
        return rc;
    bool ok = infl__wire_get_meta(&reply, meta) && infl__wire_get_summary(&reply, out) &&
              infl__wire_done(&reply);
    infl__wire_destroy(&reply);
    if (!ok) {
        infl_summary_free(*out);
        *out = NULL;
        infl_h5_meta_destroy(meta);
        return infl__h5_guard_bad_reply(path, err);
    }
    return INFL_OK;
}
