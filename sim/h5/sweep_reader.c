/*
 * sweep_reader.c — a sweep's file read back (infl_h5_read_sweep in
 * include/influsim/h5.h): the grid from the dimension scales of /sweep/mean,
 * then every statistic and comparison array split into one summary per
 * point, as the sweep held them, so `influsim show` prints the sweep's table
 * from the file. The reading steps and their messages are reader.c's.
 */
#include "influsim/h5.h"

#include "h5/guard.h"
#include "h5/reader.h"

#include <hdf5_hl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef infl__h5_io reader;

/* The format's limit on the axes (sweep_layout.c): two more dimensions follow. */
#define MAX_AXES 4

/* Statistics arrays over (axis..., strategy, metric), in the order of infl_stat. */
static const char *const qnames[INFL_N_QUANTILES] = {"q01", "q05", "q10", "q25", "q50",
                                                     "q75", "q90", "q95", "q99"};

/* H5DSiterate_scales' visitor: the first scale of a dimension, opened again
 * by the caller from its path (*user, a buffer of 512). */
static herr_t scale_path(hid_t did, unsigned dim, hid_t dsid, void *user)
{
    (void)did;
    (void)dim;
    ssize_t n = H5Iget_name(dsid, user, 512);
    return n > 0 && n < 512 ? 1 : -1;
}

/* Reads the axis along dimension `dim` of `mean` (of size n) into *ax. */
static bool read_axis(reader *r, hid_t file, hid_t mean, unsigned dim, hsize_t n,
                      infl_sweep_axis *ax)
{
    char path[512] = "", msg[640];
    snprintf(msg, sizeof msg, "no grid scale on dimension %u of /sweep/mean", dim);
    if (H5DSget_num_scales(mean, dim) < 1 ||
        H5DSiterate_scales(mean, dim, NULL, scale_path, path) != 1)
        return infl__h5_read_bad(r, msg);
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    hid_t s = d >= 0 ? H5Dget_space(d) : -1;
    hsize_t len = 0;
    char *spacing = NULL;
    bool ok = s >= 0 && H5Sget_simple_extent_ndims(s) == 1 &&
              H5Sget_simple_extent_dims(s, &len, NULL) == 1 && len == n && n > 0;
    snprintf(msg, sizeof msg, "malformed grid scale '%.500s'", path);
    if (ok) {
        ax->n = n;
        ax->values = malloc(n * sizeof *ax->values);
        const char *base = strrchr(path, '/');
        ax->name = strdup(base ? base + 1 : path);
        ok = ax->values && ax->name &&
             H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, ax->values) >= 0;
    }
    ok = ok && infl__h5_read_attr_str(r, d, "key", &ax->key) &&
         infl__h5_read_attr_str(r, d, "spacing", &spacing);
    if (ok)
        ax->log = strcmp(spacing, "log") == 0;
    free(spacing);
    if (s >= 0)
        H5Sclose(s);
    if (d >= 0)
        H5Dclose(d);
    return ok ? true : infl__h5_read_bad(r, msg);
}

/* Opens /sweep/<name> and checks that its shape is dims[0..rank). */
static hid_t open_array(reader *r, hid_t g, const char *name, int rank, const hsize_t *dims)
{
    char msg[256];
    snprintf(msg, sizeof msg, "missing or malformed dataset '/sweep/%s'", name);
    if (H5Lexists(g, name, H5P_DEFAULT) <= 0) {
        infl__h5_read_bad(r, msg);
        return -1;
    }
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    hid_t s = d >= 0 ? H5Dget_space(d) : -1;
    hsize_t got[MAX_AXES + 2];
    bool ok = s >= 0 && H5Sget_simple_extent_ndims(s) == rank &&
              H5Sget_simple_extent_dims(s, got, NULL) == rank;
    for (int k = 0; ok && k < rank; k++)
        ok = got[k] == dims[k];
    if (s >= 0)
        H5Sclose(s);
    if (!ok) {
        if (d >= 0)
            H5Dclose(d);
        infl__h5_read_bad(r, msg);
        return -1;
    }
    return d;
}

/* Reads the whole of /sweep/<name>, of shape dims[0..rank), into buf. */
static bool read_array(reader *r, hid_t g, const char *name, int rank, const hsize_t *dims,
                       double *buf)
{
    hid_t d = open_array(r, g, name, rank, dims);
    if (d < 0)
        return false;
    bool ok = H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
    H5Dclose(d);
    if (!ok) {
        char msg[256];
        snprintf(msg, sizeof msg, "cannot read dataset '/sweep/%s' (damaged file?)", name);
        return infl__h5_read_bad(r, msg);
    }
    return true;
}

static bool has_conversions(char *const *metrics, size_t nm)
{
    for (size_t m = 0; m < nm; m++)
        if (strcmp(metrics[m], "conversions") == 0)
            return true;
    return false;
}

/* A new summary for one point: names and metrics copied, arrays allocated. */
static infl_summary *point_new(char *const *strategies, size_t ns, char *const *metrics, size_t nm,
                               uint64_t trials)
{
    infl_summary *sm = calloc(1, sizeof *sm);
    if (sm == NULL)
        return NULL;
    sm->n_strategies = ns;
    sm->n_trials = trials;
    sm->strategy_names = infl_names_copy(strategies, ns);
    sm->metrics = calloc(nm, sizeof *sm->metrics);
    sm->stats = calloc(ns * nm, sizeof *sm->stats);
    sm->p_greater = calloc(ns * ns, sizeof(double));
    sm->p_tie = calloc(ns * ns, sizeof(double));
    sm->mean_difference = calloc(ns * ns, sizeof(double));
    sm->se_difference = calloc(ns * ns, sizeof(double));
    bool ok = sm->strategy_names && sm->metrics && sm->stats && sm->p_greater && sm->p_tie &&
              sm->mean_difference && sm->se_difference;
    for (size_t m = 0; ok && m < nm; m++) {
        sm->n_metrics = m + 1; /* what infl_summary_free must free */
        infl_metric_info *mi = &sm->metrics[m];
        mi->name = strdup(metrics[m]);
        mi->units = strdup("");
        mi->long_name = strdup("");
        ok = mi->name && mi->units && mi->long_name;
        mi->ratio = ok && infl__h5_read_is_ratio(mi->name);
    }
    if (!ok) {
        infl_summary_free(sm);
        return NULL;
    }
    sm->n_metrics = nm;
    return sm;
}

/* Reads every statistic and comparison array into the points' summaries. */
static bool read_points(reader *r, hid_t g, infl_h5_sweep *out, int rank, hsize_t *dims, size_t ns,
                        size_t nm)
{
    const size_t np = out->n_points, cells = ns * nm;
    double *buf = malloc(np * (cells > ns * ns ? cells : ns * ns) * sizeof *buf);
    if (buf == NULL)
        return infl__h5_read_bad(r, "out of memory");
    bool ok = false;
#define POINT_STAT(cname, assign)                                                                  \
    do {                                                                                           \
        if (!read_array(r, g, cname, rank, dims, buf))                                             \
            goto done;                                                                             \
        for (size_t p = 0; p < np; p++)                                                            \
            for (size_t c = 0; c < cells; c++) {                                                   \
                infl_stat *st = &out->points[p]->stats[c];                                         \
                double v = buf[p * cells + c];                                                     \
                assign;                                                                            \
            }                                                                                      \
    } while (0)
    POINT_STAT("mean", st->mean = v);
    POINT_STAT("sd", st->sd = v);
    POINT_STAT("se", st->se = v);
    POINT_STAT("min", st->min = v);
    POINT_STAT("max", st->max = v);
    for (size_t i = 0; i < INFL_N_QUANTILES; i++)
        POINT_STAT(qnames[i], st->q[i] = v);
    POINT_STAT("p_zero", st->p_zero = v);
    POINT_STAT("ratio_of_totals", st->ratio_of_totals = v);
    if (!read_array(r, g, "n", rank, dims, buf))
        goto done;
    for (size_t p = 0; p < np; p++) {
        infl_summary *sm = out->points[p];
        for (size_t c = 0; c < cells; c++) {
            double v = buf[p * cells + c];
            if (!(v >= 0 && v <= (double)sm->n_trials && v == floor(v))) {
                char msg[160];
                snprintf(msg, sizeof msg,
                         "dataset '/sweep/n' holds %g, not a count of at most %llu trials", v,
                         (unsigned long long)sm->n_trials);
                infl__h5_read_bad(r, msg);
                goto done;
            }
            sm->stats[c].n = (uint64_t)v;
            sm->stats[c].n_missing = sm->n_trials - (uint64_t)v;
            if (!isnan(sm->stats[c].ratio_of_totals))
                sm->metrics[c % nm].ratio = true;
        }
    }
#undef POINT_STAT
    dims[rank - 1] = ns; /* the comparisons: (axis..., strategy, strategy_b) */
    static const char *const cmp[] = {"p_greater", "p_tie", "mean_difference", "se_difference"};
    for (size_t k = 0; k < 4; k++) {
        if (!read_array(r, g, cmp[k], rank, dims, buf))
            goto done;
        for (size_t p = 0; p < np; p++) {
            infl_summary *sm = out->points[p];
            double *dst = k == 0   ? sm->p_greater
                          : k == 1 ? sm->p_tie
                          : k == 2 ? sm->mean_difference
                                   : sm->se_difference;
            memcpy(dst, buf + p * ns * ns, ns * ns * sizeof *dst);
        }
    }
    ok = true;
done:
    free(buf);
    return ok;
}

/* Reads /sweep of an open sweep file into out (meta read already). */
static bool read_sweep_group(reader *r, hid_t file, infl_h5_sweep *out)
{
    hid_t g = -1, mean = -1;
    char **strategies = NULL, **metrics = NULL;
    hsize_t ns = 0, nm = 0;
    bool ok = false;
    if (H5Lexists(file, "sweep", H5P_DEFAULT) <= 0 ||
        (g = H5Gopen2(file, "sweep", H5P_DEFAULT)) < 0) {
        infl__h5_read_bad(r, "missing group '/sweep'");
        goto done;
    }
    if (!infl__h5_read_strings(r, g, "/sweep", "strategy", &ns, &strategies) ||
        !infl__h5_read_strings(r, g, "/sweep", "metric", &nm, &metrics))
        goto done;
    if (ns == 0 || nm == 0) {
        infl__h5_read_bad(r, "the sweep lists no strategies or no metrics");
        goto done;
    }
    /* Every sweep has it, and its table and crossovers are of it. */
    if (!has_conversions(metrics, nm)) {
        infl__h5_read_bad(r, "'/sweep/metric' does not list 'conversions'");
        goto done;
    }
    /* The grid: the dimensions of /sweep/mean before (strategy, metric). */
    if (H5Lexists(g, "mean", H5P_DEFAULT) <= 0 || (mean = H5Dopen2(g, "mean", H5P_DEFAULT)) < 0) {
        infl__h5_read_bad(r, "missing dataset '/sweep/mean'");
        goto done;
    }
    hid_t space = H5Dget_space(mean);
    int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    hsize_t dims[MAX_AXES + 2];
    bool shaped = rank >= 3 && rank <= MAX_AXES + 2 &&
                  H5Sget_simple_extent_dims(space, dims, NULL) == rank && dims[rank - 2] == ns &&
                  dims[rank - 1] == nm;
    if (space >= 0)
        H5Sclose(space);
    if (!shaped) {
        infl__h5_read_bad(r, "'/sweep/mean' is not an array over (axis..., strategy, metric)");
        goto done;
    }
    out->n_axes = (size_t)rank - 2;
    out->axes = calloc(out->n_axes, sizeof *out->axes);
    if (out->axes == NULL) {
        infl__h5_read_bad(r, "out of memory");
        goto done;
    }
    size_t np = 1;
    for (size_t a = 0; a < out->n_axes; a++) {
        if (!read_axis(r, file, mean, (unsigned)a, dims[a], &out->axes[a]))
            goto done;
        if (dims[a] > SIZE_MAX / np / (ns * (nm > ns ? nm : ns)) / sizeof(double)) {
            infl__h5_read_bad(r, "a grid too large to read");
            goto done;
        }
        np *= (size_t)dims[a];
    }
    out->points = calloc(np, sizeof *out->points);
    if (out->points == NULL) {
        infl__h5_read_bad(r, "out of memory");
        goto done;
    }
    out->n_points = np;
    for (size_t p = 0; p < np; p++)
        if ((out->points[p] = point_new(strategies, ns, metrics, nm, out->meta.trials)) == NULL) {
            infl__h5_read_bad(r, "out of memory");
            goto done;
        }
    ok = read_points(r, g, out, rank, dims, ns, nm);
done:
    infl_names_free(strategies, ns);
    infl_names_free(metrics, nm);
    if (mean >= 0)
        H5Dclose(mean);
    if (g >= 0)
        H5Gclose(g);
    return ok;
}

void infl_h5_sweep_destroy(infl_h5_sweep *s)
{
    if (s == NULL)
        return;
    for (size_t p = 0; s->points != NULL && p < s->n_points; p++)
        infl_summary_free(s->points[p]);
    free(s->points);
    for (size_t a = 0; s->axes != NULL && a < s->n_axes; a++)
        infl_sweep_axis_destroy(&s->axes[a]);
    free(s->axes);
    infl_h5_meta_destroy(&s->meta);
    memset(s, 0, sizeof *s);
}

/* The sweep read in the reader's process (guard.h). */
static infl_status read_sweep_here(const char *path, infl_h5_sweep *out, infl_error *err)
{
    memset(out, 0, sizeof *out);
    reader r = {.err = err, .path = path, .rc = INFL_OK};
    infl__h5_quiet_state q = infl__h5_quiet();
    infl_h5_kind kind = INFL_H5_KIND_RUN;
    hid_t file = infl__h5_read_open(&r, &out->meta, &kind);
    bool ok = file >= 0;
    if (ok && kind != INFL_H5_KIND_SWEEP)
        ok = infl__h5_read_bad(&r, "not a sweep's results (no kind \"sweep\"): a run's summary "
                                   "is read with infl_h5_read_summary");
    ok = ok && infl__h5_read_meta(&r, file, &out->meta) && read_sweep_group(&r, file, out);
    if (file >= 0)
        H5Fclose(file);
    infl__h5_restore(q);
    if (r.rc == INFL_OK && !ok)
        r.rc = infl_error_add(err, INFL_EFORMAT, "%s: cannot read the sweep", path);
    if (r.rc != INFL_OK) {
        infl_h5_sweep_destroy(out);
        return r.rc;
    }
    /* A sweep runs every point in full. */
    out->meta.trials_done = out->meta.trials;
    return INFL_OK;
}

static infl_status parse_sweep(const char *path, void *ctx, infl__wire *w, infl_error *err)
{
    (void)ctx;
    infl_h5_sweep sw;
    infl_status rc = read_sweep_here(path, &sw, err);
    if (rc != INFL_OK)
        return rc;
    bool ok = infl__wire_put_meta(w, &sw.meta) && infl__wire_put_u64(w, sw.n_axes);
    for (size_t a = 0; ok && a < sw.n_axes; a++) {
        const infl_sweep_axis *ax = &sw.axes[a];
        ok = infl__wire_put_str(w, ax->key) && infl__wire_put_str(w, ax->name) &&
             infl__wire_put_u64(w, ax->log) && infl__wire_put_u64(w, ax->n) &&
             infl__wire_put_f64s(w, ax->values, ax->n);
    }
    ok = ok && infl__wire_put_u64(w, sw.n_points);
    for (size_t p = 0; ok && p < sw.n_points; p++)
        ok = infl__wire_put_summary(w, sw.points[p]);
    infl_h5_sweep_destroy(&sw);
    return INFL_OK;
}

/* Decodes the sweep the child sent, checking that it is whole: the points
 * are the grid's and every point has the first's strategies and metrics. */
static bool get_sweep(infl__wire *w, infl_h5_sweep *out)
{
    uint64_t n_axes = 0;
    if (!infl__wire_get_meta(w, &out->meta) || !infl__wire_get_u64(w, &n_axes) || n_axes == 0 ||
        n_axes > MAX_AXES)
        return false;
    if ((out->axes = calloc((size_t)n_axes, sizeof *out->axes)) == NULL)
        return false;
    out->n_axes = (size_t)n_axes;
    size_t np = 1;
    for (size_t a = 0; a < out->n_axes; a++) {
        infl_sweep_axis *ax = &out->axes[a];
        uint64_t log = 0;
        size_t n = 0;
        if (!infl__wire_get_text(w, &ax->key) || !infl__wire_get_text(w, &ax->name) ||
            !infl__wire_get_u64(w, &log) || log > 1 || !infl__wire_get_count(w, 8, &n) || n == 0 ||
            (ax->values = malloc(n * sizeof *ax->values)) == NULL)
            return false;
        ax->n = n;
        ax->log = log != 0;
        if (!infl__wire_get_f64s(w, ax->values, n) || n > (w->len - w->pos) / np)
            return false;
        np *= n;
    }
    uint64_t n_points = 0;
    if (!infl__wire_get_u64(w, &n_points) || n_points != np ||
        (out->points = calloc(np, sizeof *out->points)) == NULL)
        return false;
    out->n_points = np;
    for (size_t p = 0; p < np; p++) {
        if (!infl__wire_get_summary(w, &out->points[p]))
            return false;
        const infl_summary *first = out->points[0], *sm = out->points[p];
        if (sm->n_strategies != first->n_strategies || sm->n_metrics != first->n_metrics ||
            infl_summary_stat(sm, 0, "conversions") == NULL)
            return false;
    }
    return infl__wire_done(w);
}

infl_status infl_h5_read_sweep(const char *path, infl_h5_sweep *out, infl_error *err)
{
    memset(out, 0, sizeof *out);
    infl__wire reply;
    infl_status rc = infl__h5_read_guarded(path, parse_sweep, NULL, &reply, err);
    if (rc != INFL_OK)
        return rc;
    bool ok = get_sweep(&reply, out);
    infl__wire_destroy(&reply);
    if (!ok) {
        infl_h5_sweep_destroy(out);
        return infl__h5_guard_bad_reply(path, err);
    }
    return INFL_OK;
}
