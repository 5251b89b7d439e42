/*
 * h5out.c — writes a run's results as an HDF5 file (layout: docs/output.md).
 *
 * The file is built under a temporary name in the target folder, closed,
 * fsynced, renamed into place and the folder fsynced, so a reader never sees a
 * half-written file at the target path. Every HDF5 call is checked; HDF5's own
 * error printing is silenced for the duration and failures are reported
 * through infl_error with the object being written.
 */
#include "influsim/h5.h"

#include "h5/h5chunks.h"
#include "base/threads.h"
#include "influsim/optimize.h"
#include "influsim/version.h"

#include "scenario/scenario_internal.h"
#include "base/text.h"
#include "scenario/yaml_tree.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <gsl/gsl_version.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHUNK_MAX 65536
#define DEFLATE_LEVEL 4

typedef struct {
    infl_error *err;
    const char *path; /* the target, for messages */
    infl_status rc;
    unsigned threads; /* for compressing chunks */
} writer;

/* Records the first failure; later ones add no noise. Returns false. */
static bool fail(writer *w, const char *what, const char *name)
{
    if (w->rc != INFL_OK)
        return false;
    /* HDF5 reports no cause; the system's, when it is about space, is the
     * one a user can act on. (errno is cleared when writing starts.) */
    int e = errno;
    if (e == ENOSPC || e == EFBIG || e == EDQUOT || e == EIO)
        w->rc = infl_error_add(w->err, INFL_EIO, "%s: cannot write %s '%s': %s", w->path, what,
                               name, strerror(e));
    else
        w->rc = infl_error_add(w->err, INFL_EHDF5, "%s: cannot write %s '%s'", w->path, what, name);
    return false;
}

static hid_t str_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0)
        return t;
    if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return -1;
    }
    return t;
}

static bool attr_write(writer *w, hid_t loc, const char *name, hid_t type, hid_t space,
                       const void *value)
{
    hid_t a = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    bool ok = a >= 0 && H5Awrite(a, type, value) >= 0;
    if (a >= 0 && H5Aclose(a) < 0)
        ok = false;
    return ok ? true : fail(w, "attribute", name);
}

static bool attr_str(writer *w, hid_t loc, const char *name, const char *value)
{
    hid_t t = str_type(), s = H5Screate(H5S_SCALAR);
    bool ok = t >= 0 && s >= 0 && attr_write(w, loc, name, t, s, &value);
    if (t >= 0)
        H5Tclose(t);
    if (s >= 0)
        H5Sclose(s);
    return ok ? true : fail(w, "attribute", name);
}

static bool attr_scalar(writer *w, hid_t loc, const char *name, hid_t file_type, hid_t mem_type,
                        const void *value)
{
    hid_t s = H5Screate(H5S_SCALAR);
    bool ok = s >= 0;
    if (ok) {
        hid_t a = H5Acreate2(loc, name, file_type, s, H5P_DEFAULT, H5P_DEFAULT);
        ok = a >= 0 && H5Awrite(a, mem_type, value) >= 0;
        if (a >= 0 && H5Aclose(a) < 0)
            ok = false;
        H5Sclose(s);
    }
    return ok ? true : fail(w, "attribute", name);
}

static bool attr_u64(writer *w, hid_t loc, const char *name, uint64_t v)
{
    return attr_scalar(w, loc, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &v);
}

static bool attr_f64(writer *w, hid_t loc, const char *name, double v)
{
    return attr_scalar(w, loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v);
}

/* A boolean as h5py writes one (an int8 enum FALSE/TRUE), so it reads back as bool. */
static bool attr_bool(writer *w, hid_t loc, const char *name, bool v)
{
    hid_t t = H5Tenum_create(H5T_NATIVE_INT8);
    signed char f = 0, tr = 1, val = v ? 1 : 0;
    bool ok = t >= 0 && H5Tenum_insert(t, "FALSE", &f) >= 0 && H5Tenum_insert(t, "TRUE", &tr) >= 0;
    ok = ok && attr_scalar(w, loc, name, t, t, &val);
    if (t >= 0)
        H5Tclose(t);
    return ok ? true : fail(w, "attribute", name);
}

static bool attr_f64_array(writer *w, hid_t loc, const char *name, const double *v, size_t n)
{
    hsize_t dim = n;
    hid_t s = H5Screate_simple(1, &dim, NULL);
    bool ok = s >= 0 && attr_write(w, loc, name, H5T_IEEE_F64LE, s, v);
    if (s >= 0)
        H5Sclose(s);
    return ok;
}

/* Creates a 1-D dataset of n values; chunked and compressed when `compress`. */
static hid_t dataset_1d(writer *w, hid_t loc, const char *name, hid_t file_type, hsize_t n,
                        bool compress)
{
    hid_t space = H5Screate_simple(1, &n, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t d = -1;
    if (space < 0 || dcpl < 0)
        goto done;
    if (compress && n > 0) {
        hsize_t chunk = n < CHUNK_MAX ? n : CHUNK_MAX;
        if (H5Pset_chunk(dcpl, 1, &chunk) < 0 || H5Pset_shuffle(dcpl) < 0 ||
            H5Pset_deflate(dcpl, DEFLATE_LEVEL) < 0)
            goto done;
    }
    d = H5Dcreate2(loc, name, file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
done:
    if (space >= 0)
        H5Sclose(space);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (d < 0)
        fail(w, "dataset", name);
    return d;
}

static bool label(writer *w, hid_t d, const char *units, const char *long_name)
{
    return attr_str(w, d, "units", units) && attr_str(w, d, "long_name", long_name);
}

/* Writes a 1-D column of doubles, stored as `file_type`, labelled, and with
 * `scale` (if >= 0) attached as its dimension scale. */
static bool column(writer *w, hid_t loc, const char *name, hid_t file_type, const double *v,
                   hsize_t n, bool compress, const char *units, const char *long_name, hid_t scale)
{
    hid_t d = dataset_1d(w, loc, name, file_type, n, compress);
    if (d < 0)
        return false;
    bool ok = (n == 0 || H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0) &&
              label(w, d, units, long_name) && (scale < 0 || H5DSattach_scale(d, scale, 0) >= 0);
    if (H5Dclose(d) < 0)
        ok = false;
    return ok ? true : fail(w, "dataset", name);
}

/*
 * Writes every metric of strategy s as a per-trial dataset in group gt. The
 * chunks are compressed on the run's threads a batch at a time, then written
 * in order on this one, so the memory needed beyond the samples is bounded.
 */
static bool trial_columns(writer *w, hid_t gt, const infl_trials *tr, size_t s, hid_t scale)
{
    const size_t nm = tr->n_metrics;
    const uint64_t n = tr->n_trials;
    bool ok = false;
    infl_chunk_set *set = NULL;
    infl_chunk_column *cols = malloc((nm ? nm : 1) * sizeof *cols);
    hid_t *d = malloc((nm ? nm : 1) * sizeof *d);
    if (cols == NULL || d == NULL) {
        free(cols);
        free(d);
        w->rc = infl_error_add(w->err, INFL_ENOMEM, "out of memory");
        return false;
    }
    for (size_t m = 0; m < nm; m++)
        d[m] = -1;
    for (size_t m = 0; m < nm; m++) {
        const infl_metric_info *mi = &tr->metrics[m];
        cols[m] = (infl_chunk_column){
            .values = infl_trials_column(tr, s, m), .n = n, .as_u64 = mi->integer};
        d[m] = dataset_1d(w, gt, mi->name, mi->integer ? H5T_STD_U64LE : H5T_IEEE_F64LE, n, true);
        if (d[m] < 0)
            goto done;
    }
    set = infl_chunk_set_new(cols, nm, n < CHUNK_MAX ? n : CHUNK_MAX);
    if (set == NULL) {
        w->rc = infl_error_add(w->err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    const size_t total = infl_chunk_set_count(set), batch = infl_chunk_set_batch(set);
    for (size_t first = 0; first < total; first += batch) {
        size_t count = total - first < batch ? total - first : batch;
        if (!infl_chunk_set_compress(set, first, count, DEFLATE_LEVEL, w->threads)) {
            w->rc = infl_error_add(w->err, INFL_ENOMEM,
                                   "out of memory compressing the trials of a strategy");
            goto done;
        }
        if (infl_chunk_set_write(set, first, count, d) < 0) {
            fail(w, "per-trial datasets of strategy", tr->strategy_names[s]);
            goto done;
        }
    }
    for (size_t m = 0; m < nm; m++) {
        const infl_metric_info *mi = &tr->metrics[m];
        if (!label(w, d[m], mi->units, mi->long_name) ||
            (scale >= 0 && H5DSattach_scale(d[m], scale, 0) < 0)) {
            fail(w, "dataset", mi->name);
            goto done;
        }
    }
    ok = true;
done:
    for (size_t m = 0; m < nm; m++)
        if (d[m] >= 0 && H5Dclose(d[m]) < 0 && ok)
            ok = fail(w, "dataset", tr->metrics[m].name);
    infl_chunk_set_free(set);
    free(cols);
    free(d);
    return ok;
}

static bool string_column(writer *w, hid_t loc, const char *name, char *const *v, hsize_t n,
                          const char *long_name, hid_t *keep)
{
    hid_t t = str_type();
    if (t < 0)
        return fail(w, "dataset", name);
    hid_t d = dataset_1d(w, loc, name, t, n, false);
    bool ok = d >= 0 && (n == 0 || H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0) &&
              label(w, d, "1", long_name);
    H5Tclose(t);
    if (keep != NULL && ok) {
        *keep = d;
        return true;
    }
    if (d >= 0 && H5Dclose(d) < 0)
        ok = false;
    return ok ? true : fail(w, "dataset", name);
}

static hid_t group(writer *w, hid_t loc, const char *name)
{
    hid_t g = H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        fail(w, "group", name);
    return g;
}

static char *allocation_text(const infl_scenario *sc, size_t s)
{
    size_t cap = 64;
    for (size_t k = 0; k < sc->n_tiers; k++)
        cap += strlen(sc->tiers[k].name) + 32;
    char *text = malloc(cap);
    if (text == NULL)
        return NULL;
    size_t len = 0;
    text[0] = '\0';
    for (size_t k = 0; k < sc->n_tiers; k++) {
        if (sc->strategies[s].share[k] == 0.0)
            continue;
        len += (size_t)snprintf(text + len, cap - len, "%s%s: %.6g", len ? ", " : "",
                                sc->tiers[k].name, sc->strategies[s].share[k]);
    }
    return text;
}

/* Writes the trial index 0..n-1 as a dimension scale named "trial" at loc. */
static hid_t trial_index(writer *w, hid_t loc, const double *index, uint64_t n)
{
    hid_t d = dataset_1d(w, loc, "trial", H5T_STD_U64LE, n, true);
    if (d < 0)
        return -1;
    if ((n && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, index) < 0) ||
        !label(w, d, "1", "trial index") || H5DSset_scale(d, "trial") < 0) {
        H5Dclose(d);
        fail(w, "dataset", "trial");
        return -1;
    }
    return d;
}

/* Creates strategy s's group with its attributes and, when tr holds them,
 * its per-trial datasets. */
static bool begin_strategy(writer *w, hid_t strategies, const infl_scenario *sc,
                           const infl_trials *tr, size_t s, const double *index)
{
    bool ok = false;
    hid_t g = -1, gt = -1, trial_scale = -1;
    char *alloc = NULL;

    if ((g = group(w, strategies, sc->strategies[s].name)) < 0)
        goto done;
    if ((alloc = allocation_text(sc, s)) == NULL) {
        w->rc = infl_error_add(w->err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    if (!attr_str(w, g, "allocation", alloc) || !attr_u64(w, g, "index", s))
        goto done;
    /* Each strategy has its own trial scale: a dimension scale lists every
     * dataset attached to it, and rewriting one list shared by thousands of
     * datasets grows the file quadratically. */
    if (tr != NULL) {
        if ((trial_scale = trial_index(w, g, index, tr->n_trials)) < 0 ||
            (gt = group(w, g, "trials")) < 0)
            goto done;
        if (!trial_columns(w, gt, tr, s, trial_scale))
            goto done;
    }
    ok = true;
done:
    free(alloc);
    if (trial_scale >= 0)
        H5Dclose(trial_scale);
    if (gt >= 0)
        H5Gclose(gt);
    if (g >= 0)
        H5Gclose(g);
    return ok;
}

/* Writes strategy s's summary table into its group (made by begin_strategy). */
static bool summary_strategy(writer *w, hid_t strategies, const infl_summary *sm, size_t s,
                             double *buf)
{
    const size_t nm = sm->n_metrics;
    bool ok = false;
    hid_t g = -1, gs = -1, metric_scale = -1;

    if ((g = H5Gopen2(strategies, sm->strategy_names[s], H5P_DEFAULT)) < 0) {
        fail(w, "group", sm->strategy_names[s]);
        goto done;
    }
    /* The summary: one row per metric, one column per statistic. */
    if ((gs = group(w, g, "summary")) < 0)
        goto done;
    char **names = malloc(nm * sizeof *names), **units = malloc(nm * sizeof *units),
         **longs = malloc(nm * sizeof *longs);
    bool lists = names && units && longs;
    if (lists) {
        for (size_t m = 0; m < nm; m++) {
            names[m] = sm->metrics[m].name;
            units[m] = sm->metrics[m].units;
            longs[m] = sm->metrics[m].long_name;
        }
        lists = string_column(w, gs, "metric", names, nm, "metric name", &metric_scale) &&
                H5DSset_scale(metric_scale, "metric") >= 0 &&
                string_column(w, gs, "units", units, nm, "units of the metric", NULL) &&
                string_column(w, gs, "long_name", longs, nm, "what the metric counts", NULL);
    }
    free(names);
    free(units);
    free(longs);
    if (!lists) {
        fail(w, "summary of strategy", sm->strategy_names[s]);
        goto done;
    }

    const infl_stat *st = &sm->stats[s * nm];
#define STAT_COLUMN(field, cname, cunits, clong)                                                   \
    do {                                                                                           \
        for (size_t m = 0; m < nm; m++)                                                            \
            buf[m] = (double)st[m].field;                                                          \
        if (!column(w, gs, cname, H5T_IEEE_F64LE, buf, nm, false, cunits, clong, metric_scale))    \
            goto done;                                                                             \
    } while (0)
    for (size_t m = 0; m < nm; m++)
        buf[m] = (double)st[m].n;
    if (!column(w, gs, "n", H5T_STD_U64LE, buf, nm, false, "1",
                "trials where the metric is defined", metric_scale))
        goto done;
    for (size_t m = 0; m < nm; m++)
        buf[m] = (double)st[m].n_missing;
    if (!column(w, gs, "n_missing", H5T_STD_U64LE, buf, nm, false, "1",
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

static bool matrix(writer *w, hid_t loc, const char *name, const double *v, size_t n,
                   const char *units, const char *long_name, hid_t strategy_scale,
                   hid_t strategy_b_scale)
{
    hsize_t dims[2] = {n, n};
    hid_t space = H5Screate_simple(2, dims, NULL);
    hid_t d = space < 0 ? -1
                        : H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT,
                                     H5P_DEFAULT);
    bool ok = d >= 0 && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0 &&
              label(w, d, units, long_name) && H5DSattach_scale(d, strategy_scale, 0) >= 0 &&
              H5DSattach_scale(d, strategy_b_scale, 1) >= 0;
    if (d >= 0 && H5Dclose(d) < 0)
        ok = false;
    if (space >= 0)
        H5Sclose(space);
    return ok ? true : fail(w, "dataset", name);
}

static bool write_comparisons(writer *w, hid_t file, const infl_summary *sm, hid_t strategy_scale)
{
    const size_t n = sm->n_strategies;
    hid_t g = group(w, file, "comparisons"), gp = -1, sb = -1;
    bool ok = false;
    size_t pairs = n * (n - 1);
    char **a = calloc(pairs ? pairs : 1, sizeof *a), **b = calloc(pairs ? pairs : 1, sizeof *b);
    double *col = calloc(pairs ? pairs : 1, sizeof *col);
    if (g < 0)
        goto done;
    if (!a || !b || !col) {
        w->rc = infl_error_add(w->err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    /* The second axis has its own scale (the same names): a dimension may
     * appear once per array for netCDF readers such as xarray. */
    if (!string_column(w, g, "strategy_b", sm->strategy_names, n,
                       "second strategy of a comparison (b)", &sb) ||
        H5DSset_scale(sb, "strategy_b") < 0) {
        fail(w, "dataset", "strategy_b");
        goto done;
    }
    if (!attr_str(w, g, "metric", "conversions") ||
        !matrix(w, g, "p_greater", sm->p_greater, n, "1", "P(conversions of a > conversions of b)",
                strategy_scale, sb) ||
        !matrix(w, g, "p_tie", sm->p_tie, n, "1", "P(conversions of a = conversions of b)",
                strategy_scale, sb) ||
        !matrix(w, g, "mean_difference", sm->mean_difference, n, "conversions",
                "mean of conversions of a minus conversions of b", strategy_scale, sb) ||
        !matrix(w, g, "se_difference", sm->se_difference, n, "conversions",
                "standard error of the mean difference (paired, same trials)", strategy_scale, sb))
        goto done;
    if ((gp = group(w, g, "pairs")) < 0)
        goto done;
    size_t i = 0;
    for (size_t x = 0; x < n; x++)
        for (size_t y = 0; y < n; y++)
            if (x != y) {
                a[i] = sm->strategy_names[x];
                b[i] = sm->strategy_names[y];
                i++;
            }
    if (!string_column(w, gp, "strategy_a", a, pairs, "first strategy of the pair", NULL) ||
        !string_column(w, gp, "strategy_b", b, pairs, "second strategy of the pair", NULL))
        goto done;
    struct {
        const char *name;
        const double *m;
        int op; /* 0: m[a,b]; 2: m[b,a] (the transpose, for "b greater") */
        const char *units, *long_name;
    } cols[] = {
        {"p_a_greater", sm->p_greater, 0, "1", "P(conversions of a > conversions of b)"},
        {"p_tie", sm->p_tie, 0, "1", "P(conversions of a = conversions of b)"},
        {"p_b_greater", sm->p_greater, 2, "1", "P(conversions of b > conversions of a)"},
        {"mean_difference", sm->mean_difference, 0, "conversions", "mean of a minus b"},
        {"se_difference", sm->se_difference, 0, "conversions", "standard error of mean_difference"},
    };
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        i = 0;
        for (size_t x = 0; x < n; x++)
            for (size_t y = 0; y < n; y++)
                if (x != y)
                    col[i++] = cols[c].op == 2 ? cols[c].m[y * n + x] : cols[c].m[x * n + y];
        if (!column(w, gp, cols[c].name, H5T_IEEE_F64LE, col, pairs, false, cols[c].units,
                    cols[c].long_name, -1))
            goto done;
    }
    ok = true;
done:
    free(a);
    free(b);
    free(col);
    if (sb >= 0 && H5Dclose(sb) < 0)
        ok = false;
    if (gp >= 0)
        H5Gclose(gp);
    if (g >= 0)
        H5Gclose(g);
    return ok;
}

static bool write_root(writer *w, hid_t file, const infl_scenario *sc, bool trials_kept)
{
    char created[32], hdf5v[32], gslv[32];
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &utc);
    unsigned maj, min, rel;
    H5get_libversion(&maj, &min, &rel);
    snprintf(hdf5v, sizeof hdf5v, "%u.%u.%u", maj, min, rel);
    snprintf(gslv, sizeof gslv, "%s", gsl_version);
    char *resolved = infl_scenario_resolved_yaml(sc);
    /* A file path need not be UTF-8; the attribute must be. */
    char *origin = infl_text_sanitized(sc->origin);
    if (resolved == NULL || origin == NULL) {
        free(resolved);
        free(origin);
        w->rc = infl_error_add(w->err, INFL_ENOMEM, "out of memory");
        return false;
    }
    bool ok = attr_str(w, file, "format", INFL_H5_FORMAT) &&
              attr_u64(w, file, "format_version", INFL_H5_FORMAT_VERSION) &&
              attr_str(w, file, "program", "influsim") &&
              attr_str(w, file, "program_version", infl_version()) &&
              attr_str(w, file, "git_revision", infl_git_revision()) &&
              attr_str(w, file, "created", created) &&
              attr_str(w, file, "scenario_name", sc->name) &&
              attr_str(w, file, "scenario_origin", origin) &&
              attr_str(w, file, "scenario_text", sc->source_text) &&
              attr_str(w, file, "scenario_overrides", infl_scenario_overrides(sc)) &&
              attr_str(w, file, "scenario_resolved", resolved) &&
              attr_str(w, file, "currency", sc->currency) &&
              attr_f64(w, file, "budget", sc->budget) && attr_u64(w, file, "seed", sc->seed) &&
              attr_u64(w, file, "trials", sc->trials) && attr_u64(w, file, "trials_done", 0) &&
              /* set when the file is finished */ attr_u64(w, file, "threads", w->threads) &&
              attr_f64(w, file, "wall_time_s", NAN) && /* set when the file is finished */
              attr_str(w, file, "hdf5_version", hdf5v) && attr_str(w, file, "gsl_version", gslv) &&
              attr_str(w, file, "compiler", INFLUSIM_COMPILER) &&
              attr_str(w, file, "build_flags", infl_build_flags()) &&
              attr_str(w, file, "zlib_version", infl_zlib_version()) &&
              attr_str(w, file, "libyaml_version", infl_yaml_version()) &&
              attr_u64(w, file, "openmp_version", infl__threads_openmp_version()) &&
              attr_str(w, file, "rng",
                       "Philox4x32-10 (Random123), streams keyed by "
                       "(seed, trial, tier, candidate, purpose)") &&
              attr_f64_array(w, file, "quantile_levels", infl_quantile_levels, INFL_N_QUANTILES) &&
              attr_bool(w, file, "trials_kept", trials_kept) &&
              attr_str(w, file, "quantile_method",
                       trials_kept ? "exact: linear interpolation between order statistics"
                                   : "histogram: linear interpolation between order statistics "
                                     "read from log-linear buckets of relative width 2^-10; exact "
                                     "for integer metrics below 2048") &&
              attr_bool(w, file, "complete", false);
    free(resolved);
    free(origin);
    return ok;
}

/* Writes everything that does not need the summary: root attributes
 * (`complete` false), the strategy names, and the per-trial datasets. */
static bool write_begin(writer *w, hid_t file, const infl_scenario *sc, const infl_trials *tr)
{
    bool ok = false;
    hid_t trial_scale = -1, strategy_scale = -1, gtr = -1, gst = -1;
    double *index = NULL;
    char **names = NULL;

    if (!write_root(w, file, sc, tr != NULL))
        goto done;
    const uint64_t n_index = tr ? tr->n_trials : 0;
    index = malloc((n_index ? n_index : 1) * sizeof *index);
    names = malloc((sc->n_strategies ? sc->n_strategies : 1) * sizeof *names);
    if (index == NULL || names == NULL) {
        w->rc = infl_error_add(w->err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    for (uint64_t t = 0; t < n_index; t++)
        index[t] = (double)t;
    for (size_t k = 0; k < sc->n_strategies; k++)
        names[k] = sc->strategies[k].name;
    if (!string_column(w, file, "strategy", names, sc->n_strategies, "strategy name",
                       &strategy_scale) ||
        H5DSset_scale(strategy_scale, "strategy") < 0) {
        fail(w, "dataset", "strategy");
        goto done;
    }

    if (tr == NULL)
        goto strategies; /* --no-trials: summaries only */
    if ((trial_scale = trial_index(w, file, index, tr->n_trials)) < 0)
        goto done;
    if ((gtr = group(w, file, "trials")) < 0 ||
        !column(w, gtr, "purchase_rate", H5T_IEEE_F64LE, tr->purchase_rate, tr->n_trials, true, "1",
                "purchase rate of an interested, shippable person (drawn per trial)",
                trial_scale) ||
        !column(w, gtr, "wom_purchase_factor", H5T_IEEE_F64LE, tr->wom_purchase_factor,
                tr->n_trials, true, "1",
                "purchase rate of a word-of-mouth contact relative to purchase_rate", trial_scale))
        goto done;
    if (sc->has_addressable &&
        !column(w, gtr, "addressable", H5T_STD_U64LE, tr->addressable, tr->n_trials, true, "1",
                "distinct interested people in the shippable regions (drawn per trial)",
                trial_scale))
        goto done;

strategies:
    if ((gst = group(w, file, "strategies")) < 0)
        goto done;
    for (size_t k = 0; k < sc->n_strategies; k++)
        if (!begin_strategy(w, gst, sc, tr, k, index))
            goto done;
    ok = true;
done:
    free(index);
    free(names);
    if (gst >= 0)
        H5Gclose(gst);
    if (gtr >= 0)
        H5Gclose(gtr);
    if (strategy_scale >= 0)
        H5Dclose(strategy_scale);
    if (trial_scale >= 0)
        H5Dclose(trial_scale);
    return ok;
}

/* Sets the root attribute `complete` to true: the very last write of a file.
 * It is an enum (h5py's bool), so it is written with its own type. */
static bool mark_complete(writer *w, hid_t file)
{
    signed char yes = 1;
    hid_t a = H5Aopen(file, "complete", H5P_DEFAULT);
    hid_t t = a >= 0 ? H5Aget_type(a) : -1;
    bool ok = a >= 0 && t >= 0 && H5Awrite(a, t, &yes) >= 0;
    if (t >= 0)
        H5Tclose(t);
    if (a >= 0 && H5Aclose(a) < 0)
        ok = false;
    return ok ? true : fail(w, "attribute", "complete");
}

/* Rewrites a root attribute written earlier (same type). */
static bool attr_update(writer *w, hid_t file, const char *name, hid_t mem_type, const void *v)
{
    hid_t a = H5Aopen(file, name, H5P_DEFAULT);
    bool ok = a >= 0 && H5Awrite(a, mem_type, v) >= 0;
    if (a >= 0 && H5Aclose(a) < 0)
        ok = false;
    return ok ? true : fail(w, "attribute", name);
}

/* Writes the summaries, the comparisons, the wall time and the trials done,
 * then, for a run that finished, sets `complete` as the very last write. */
static bool write_finish(writer *w, hid_t file, const infl_summary *sm, double wall_seconds,
                         bool complete)
{
    bool ok = false;
    hid_t gst = -1, strategy_scale = -1;
    size_t nbuf = sm->n_metrics > 16 ? sm->n_metrics : 16;
    double *buf = malloc(nbuf * sizeof *buf);
    if (buf == NULL) {
        w->rc = infl_error_add(w->err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    if ((gst = H5Gopen2(file, "strategies", H5P_DEFAULT)) < 0 ||
        (strategy_scale = H5Dopen2(file, "strategy", H5P_DEFAULT)) < 0) {
        fail(w, "group", "strategies");
        goto done;
    }
    for (size_t k = 0; k < sm->n_strategies; k++)
        if (!summary_strategy(w, gst, sm, k, buf))
            goto done;
    if (!write_comparisons(w, file, sm, strategy_scale))
        goto done;
    uint64_t done_trials = sm->n_trials;
    if (!attr_update(w, file, "wall_time_s", H5T_NATIVE_DOUBLE, &wall_seconds) ||
        !attr_update(w, file, "trials_done", H5T_NATIVE_UINT64, &done_trials))
        goto done;
    ok = !complete || mark_complete(w, file);
done:
    free(buf);
    if (gst >= 0)
        H5Gclose(gst);
    if (strategy_scale >= 0)
        H5Dclose(strategy_scale);
    return ok;
}

/* fsyncs a path (file or folder); returns 0 or an errno value. */
static int sync_path(const char *p, int flags)
{
    int fd = open(p, flags);
    if (fd < 0)
        return errno;
    int rc = fsync(fd) == 0 ? 0 : errno;
    close(fd);
    return rc;
}

/*
 * Only a regular file is ever replaced, and only when `replace`. A symlink is
 * followed, so the file it points to is replaced and the link kept (*resolved
 * gets the target, owned); a FIFO, device or folder at the path is refused
 * (run as root, `-o /dev/null` must not replace /dev/null).
 */
static infl_status check_target(const char *path, bool replace, char **resolved, infl_error *err)
{
    const char *target = path;
    *resolved = NULL;
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        *resolved = realpath(path, NULL);
        if (*resolved == NULL)
            return infl_error_add(err, INFL_EIO, "%s: a symbolic link to nothing (%s)", path,
                                  strerror(errno));
        target = *resolved;
    }
    if (stat(target, &st) != 0)
        return INFL_OK;
    if (!S_ISREG(st.st_mode))
        return infl_error_add(err, INFL_EIO, "%s: is %s, not a regular file; not replacing it",
                              path,
                              S_ISDIR(st.st_mode)                          ? "a folder"
                              : S_ISFIFO(st.st_mode)                       ? "a named pipe"
                              : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                                                                           : "a special file");
    if (!replace)
        return infl_error_add(err, INFL_EARG,
                              "%s: already exists; not replacing it (use --force to replace it, "
                              "or choose another file with -o)",
                              path);
    return INFL_OK;
}

void infl_h5_process_init(void)
{
    H5dont_atexit();
}

infl_status infl_h5_check_target(const char *path, bool replace, infl_error *err)
{
    char *resolved = NULL;
    infl_status rc = check_target(path, replace, &resolved, err);
    free(resolved);
    return rc;
}

/* Moves the finished file into place: replacing whatever is there, or, when
 * !replace, only if nothing is (link() fails if the name exists, atomically;
 * where hard links are not supported, a check just before rename()). */
static infl_status put_in_place(const char *tmp, const char *target, const char *path, bool replace,
                                infl_error *err)
{
    if (replace) {
        if (rename(tmp, target) != 0)
            return infl_error_add(err, INFL_EIO, "%s: cannot move the finished file into place: %s",
                                  path, strerror(errno));
        return INFL_OK;
    }
    if (link(tmp, target) == 0) {
        unlink(tmp);
        return INFL_OK;
    }
    if (errno == EEXIST)
        return infl_error_add(err, INFL_EIO,
                              "%s: a file appeared there during the run; not replacing it (use "
                              "--force to replace it)",
                              path);
    struct stat st;
    if (lstat(target, &st) == 0)
        return infl_error_add(err, INFL_EIO,
                              "%s: a file appeared there during the run; not replacing it", path);
    if (rename(tmp, target) != 0)
        return infl_error_add(err, INFL_EIO, "%s: cannot move the finished file into place: %s",
                              path, strerror(errno));
    return INFL_OK;
}

/* Removes ".BASE.tmp.PID.N" files in dir whose writer PID no longer runs:
 * what a run killed while writing (SIGKILL, a power cut) left behind. A
 * file of a live process, or of a PID reused since, is left alone. */
static void remove_stale_temporaries(const char *dir, const char *base)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    size_t blen = strlen(base);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (n[0] != '.' || strncmp(n + 1, base, blen) != 0 || strncmp(n + 1 + blen, ".tmp.", 5))
            continue;
        char *end = NULL;
        long pid = strtol(n + 1 + blen + 5, &end, 10);
        if (pid <= 0 || end == NULL || *end != '.' || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        size_t len = strlen(dir) + strlen(n) + 2;
        char *path = malloc(len);
        if (path != NULL) {
            snprintf(path, len, "%s/%s", dir, n);
            unlink(path);
            free(path);
        }
    }
    closedir(d);
}

struct infl_h5_writer {
    writer w;
    char *path;     /* as given, for messages */
    char *resolved; /* the symlink's target, or NULL */
    char *tmp;      /* the temporary file */
    char *dir;      /* its folder, for the final fsync */
    hid_t file;
    bool replace; /* an existing file at the target may be replaced */
};

/* HDF5's automatic error printing, off while one of our calls runs. */
typedef struct {
    H5E_auto2_t func;
    void *data;
} quiet_hdf5;

static quiet_hdf5 hdf5_quiet(void)
{
    quiet_hdf5 q = {NULL, NULL};
    H5Eget_auto2(H5E_DEFAULT, &q.func, &q.data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return q;
}

static void hdf5_restore(quiet_hdf5 q)
{
    H5Eset_auto2(H5E_DEFAULT, q.func, q.data);
}

const char *infl_h5_writer_temp_path(const infl_h5_writer *h)
{
    return h->tmp;
}

void infl_h5_writer_abandon(infl_h5_writer *h)
{
    if (h == NULL)
        return;
    quiet_hdf5 q = hdf5_quiet();
    if (h->file >= 0)
        H5Fclose(h->file);
    hdf5_restore(q);
    if (h->tmp != NULL)
        unlink(h->tmp);
    free(h->path);
    free(h->resolved);
    free(h->tmp);
    free(h->dir);
    free(h);
}

infl_status infl_h5_writer_begin(const char *path, const infl_scenario *sc, const infl_trials *tr,
                                 unsigned threads, bool replace, infl_h5_writer **out,
                                 infl_error *err)
{
    *out = NULL;
    infl_h5_writer *h = calloc(1, sizeof *h);
    if (h == NULL)
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    h->file = -1;
    h->replace = replace;
    h->w = (writer){.err = err, .path = path, .rc = INFL_OK, .threads = threads};
    writer *w = &h->w;
    quiet_hdf5 q = hdf5_quiet();
    hid_t fapl = -1;
    const char *target = path;
    char *dir_copy = NULL, *base_copy = NULL;

    if ((w->rc = check_target(path, replace, &h->resolved, err)) != INFL_OK)
        goto done;
    if (h->resolved != NULL)
        target = h->resolved;
    h->path = strdup(path);
    dir_copy = strdup(target);
    base_copy = strdup(target);
    size_t tlen = strlen(target) + 64;
    char *tmp = malloc(tlen);
    if (!h->path || !dir_copy || !base_copy || !tmp) {
        free(tmp);
        w->rc = infl_error_add(err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    const char *dir = dirname(dir_copy), *base = basename(base_copy);
    if ((h->dir = strdup(dir)) == NULL) {
        free(tmp);
        w->rc = infl_error_add(err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    remove_stale_temporaries(dir, base);
    /* mkstemp would create the file 0600; results are ordinary files, so
     * create it 0666 less the umask, under a name no one else is using. */
    int fd = -1;
    for (unsigned attempt = 0; fd < 0 && attempt < 100; attempt++) {
        snprintf(tmp, tlen, "%s/.%s.tmp.%ld.%u", dir, base, (long)getpid(), attempt);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        free(tmp);
        w->rc = infl_error_add(err, INFL_EIO, "%s: cannot create a file in folder '%s': %s", path,
                               dir, strerror(errno));
        goto done;
    }
    close(fd);
    h->tmp = tmp;
    /* The 1.8 file format or later stores large attribute lists densely: the
     * /trial dimension scale is attached to every per-trial dataset, and its
     * back-references outgrow the 64 KiB object header of the oldest format
     * after about 4,000 datasets. */
    fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST) < 0) {
        w->rc = infl_error_add(err, INFL_EHDF5, "%s: cannot set HDF5 file access properties", path);
        goto done;
    }
    h->file = H5Fcreate(h->tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    if (h->file < 0) {
        w->rc = infl_error_add(err, INFL_EHDF5, "%s: cannot create HDF5 file '%s'", path, h->tmp);
        goto done;
    }
    errno = 0;
    write_begin(w, h->file, sc, tr);

done:
    if (fapl >= 0)
        H5Pclose(fapl);
    free(dir_copy);
    free(base_copy);
    hdf5_restore(q);
    infl_status rc = w->rc;
    if (rc != INFL_OK) {
        infl_h5_writer_abandon(h);
        return rc;
    }
    *out = h;
    return INFL_OK;
}

static infl_status writer_close(infl_h5_writer *h, infl_error *err);

infl_status infl_h5_writer_finish(infl_h5_writer *h, const infl_summary *sm, double wall_seconds,
                                  bool complete, infl_error *err)
{
    h->w.err = err;
    h->w.rc = INFL_OK;
    quiet_hdf5 q = hdf5_quiet();
    errno = 0;
    bool ok = write_finish(&h->w, h->file, sm, wall_seconds, complete);
    hdf5_restore(q);
    if (!ok) {
        infl_status rc = h->w.rc;
        infl_h5_writer_abandon(h);
        return rc;
    }
    return writer_close(h, err);
}

/* Closes, flushes and moves the finished file into place; frees h. */
static infl_status writer_close(infl_h5_writer *h, infl_error *err)
{
    writer *w = &h->w;
    w->err = err;
    w->rc = INFL_OK;
    const char *path = h->path;
    const char *target = h->resolved ? h->resolved : h->path;
    quiet_hdf5 q = hdf5_quiet();
    errno = 0;
    herr_t closed = H5Fclose(h->file);
    h->file = -1;
    if (closed < 0) {
        int e = errno;
        w->rc = infl_error_add(err, INFL_EIO, "%s: cannot finish writing: %s", path,
                               e ? strerror(e) : "HDF5 could not close the file (disk full?)");
        goto done;
    }
    int e = sync_path(h->tmp, O_RDONLY);
    if (e != 0) {
        w->rc = infl_error_add(err, INFL_EIO, "%s: cannot flush to disk: %s", path, strerror(e));
        goto done;
    }
    if ((w->rc = put_in_place(h->tmp, target, path, h->replace, err)) != INFL_OK)
        goto done;
    free(h->tmp);
    h->tmp = NULL;
    /* Make the rename itself durable; a failure here loses nothing already
     * written, so it is not reported as an error. */
    (void)sync_path(h->dir, O_RDONLY | O_DIRECTORY);
done:
    hdf5_restore(q);
    infl_status rc = w->rc;
    infl_h5_writer_abandon(h);
    return rc;
}

/* An N-D float64 dataset (dims[0..rank)) labelled, with one scale per
 * dimension. */
static bool nd_array(writer *w, hid_t loc, const char *name, int rank, const hsize_t *dims,
                     const double *v, const hid_t *scales, const char *units, const char *long_name)
{
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t d = space < 0 ? -1
                        : H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT,
                                     H5P_DEFAULT);
    bool ok = d >= 0 && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0 &&
              label(w, d, units, long_name);
    for (int k = 0; ok && k < rank; k++)
        ok = H5DSattach_scale(d, scales[k], (unsigned)k) >= 0;
    if (d >= 0 && H5Dclose(d) < 0)
        ok = false;
    if (space >= 0)
        H5Sclose(space);
    return ok ? true : fail(w, "dataset", name);
}

/* /sweep/crossovers: one row per change of the best strategy along a 1-D
 * sweep (see infl_sweep_crossovers). */
static bool write_crossovers(writer *w, hid_t sweep, const infl_sweep_axis *axis,
                             infl_summary *const *points)
{
    infl_crossover *cx = NULL;
    size_t n = 0;
    if ((w->rc = infl_sweep_crossovers(axis, points, &cx, &n, w->err)) != INFL_OK)
        return false;
    char *const *names = points[0]->strategy_names;
    char **by = calloc(n ? n : 1, sizeof *by), **from = calloc(n ? n : 1, sizeof *from),
         **to = calloc(n ? n : 1, sizeof *to);
    double *col = calloc(n ? n : 1, sizeof *col);
    hid_t g = -1;
    bool ok = by && from && to && col && (g = group(w, sweep, "crossovers")) >= 0;
    for (size_t i = 0; ok && i < n; i++) {
        by[i] = cx[i].by_median ? "median" : "mean";
        from[i] = names[cx[i].from];
        to[i] = names[cx[i].to];
    }
    ok = ok && attr_str(w, g, "key", axis->key) &&
         string_column(w, g, "by", by, n, "best by mean or by median conversions", NULL) &&
         string_column(w, g, "from_strategy", from, n, "best strategy at lower", NULL) &&
         string_column(w, g, "to_strategy", to, n, "best strategy at upper", NULL);
#define CX_COLUMN(field, cname, cunits, clong)                                                     \
    do {                                                                                           \
        for (size_t i = 0; i < n; i++)                                                             \
            col[i] = cx[i].field;                                                                  \
        ok = ok && column(w, g, cname, H5T_IEEE_F64LE, col, n, false, cunits, clong, -1);          \
    } while (0)
    CX_COLUMN(lower, "lower", "scenario units", "grid value below the change");
    CX_COLUMN(upper, "upper", "scenario units", "grid value above the change");
    CX_COLUMN(p_to_upper, "p_to_greater_at_upper", "1",
              "P(conversions of to_strategy > from_strategy) at upper");
    CX_COLUMN(p_from_lower, "p_from_greater_at_lower", "1",
              "P(conversions of from_strategy > to_strategy) at lower");
#undef CX_COLUMN
    if (!ok && w->rc == INFL_OK)
        w->rc = infl_error_add(w->err, INFL_ENOMEM, "out of memory");
    if (g >= 0)
        H5Gclose(g);
    free(by);
    free(from);
    free(to);
    free(col);
    free(cx);
    return ok;
}

/* The /sweep group: per statistic an array (axis..., strategy, metric), per
 * comparison an array (axis..., strategy, strategy_b), every dimension with
 * its scale, so h5netcdf/xarray read labelled arrays. */
static bool write_sweep(writer *w, hid_t file, const infl_sweep_axis *axes, size_t n_axes,
                        infl_summary *const *points)
{
    const infl_summary *first = points[0];
    const size_t ns = first->n_strategies, nm = first->n_metrics;
    size_t n_points = 1;
    for (size_t a = 0; a < n_axes; a++)
        n_points *= axes[a].n;
    bool ok = false;
    hid_t g = -1, scales[6] = {-1, -1, -1, -1, -1, -1}, strategy = -1, strategy_b = -1, metric = -1;
    char **metric_names = calloc(nm, sizeof *metric_names);
    double *buf = malloc(n_points * (ns * nm > ns * ns ? ns * nm : ns * ns) * sizeof *buf);
    if (metric_names == NULL || buf == NULL) {
        w->rc = infl_error_add(w->err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    if ((g = group(w, file, "sweep")) < 0)
        goto done;
    char keys[1024] = "";
    for (size_t a = 0; a < n_axes; a++) {
        const infl_sweep_axis *ax = &axes[a];
        scales[a] = dataset_1d(w, g, ax->name, H5T_IEEE_F64LE, ax->n, false);
        if (scales[a] < 0 ||
            H5Dwrite(scales[a], H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, ax->values) < 0 ||
            !label(w, scales[a], "scenario units", ax->key) ||
            !attr_str(w, scales[a], "key", ax->key) ||
            !attr_str(w, scales[a], "spacing", ax->log ? "log" : "linear") ||
            H5DSset_scale(scales[a], ax->name) < 0) {
            fail(w, "sweep axis", ax->name);
            goto done;
        }
        snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s%s", a ? ", " : "", ax->key);
    }
    for (size_t m = 0; m < nm; m++)
        metric_names[m] = first->metrics[m].name;
    if (!string_column(w, g, "strategy", first->strategy_names, ns, "strategy name", &strategy) ||
        H5DSset_scale(strategy, "strategy") < 0 ||
        !string_column(w, g, "strategy_b", first->strategy_names, ns,
                       "second strategy of a comparison", &strategy_b) ||
        H5DSset_scale(strategy_b, "strategy_b") < 0 ||
        !string_column(w, g, "metric", metric_names, nm, "metric name", &metric) ||
        H5DSset_scale(metric, "metric") < 0 || !attr_str(w, g, "axes", keys) ||
        !attr_u64(w, g, "points", n_points)) {
        fail(w, "group", "sweep");
        goto done;
    }
    hsize_t dims[6];
    for (size_t a = 0; a < n_axes; a++)
        dims[a] = axes[a].n;
    const int rank = (int)n_axes + 2;
    dims[n_axes] = ns;
    dims[n_axes + 1] = nm;
    scales[n_axes] = strategy;
    scales[n_axes + 1] = metric;
#define SWEEP_STAT(expr, cname, cunits, clong)                                                     \
    do {                                                                                           \
        for (size_t p = 0; p < n_points; p++)                                                      \
            for (size_t c = 0; c < ns * nm; c++) {                                                 \
                const infl_stat *st = &points[p]->stats[c];                                        \
                buf[p * ns * nm + c] = (double)(expr);                                             \
            }                                                                                      \
        if (!nd_array(w, g, cname, rank, dims, buf, scales, cunits, clong))                        \
            goto done;                                                                             \
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
    dims[n_axes + 1] = ns;
    scales[n_axes + 1] = strategy_b;
    struct {
        const char *name, *units, *long_name;
        size_t field;
    } cmp[] = {
        {"p_greater", "1", "P(conversions of strategy > conversions of strategy_b)", 0},
        {"p_tie", "1", "P(conversions of strategy = conversions of strategy_b)", 1},
        {"mean_difference", "conversions", "mean of strategy minus strategy_b", 2},
        {"se_difference", "conversions", "standard error of mean_difference", 3},
    };
    for (size_t k = 0; k < sizeof cmp / sizeof cmp[0]; k++) {
        for (size_t p = 0; p < n_points; p++) {
            const infl_summary *sm = points[p];
            const double *src = cmp[k].field == 0   ? sm->p_greater
                                : cmp[k].field == 1 ? sm->p_tie
                                : cmp[k].field == 2 ? sm->mean_difference
                                                    : sm->se_difference;
            memcpy(buf + p * ns * ns, src, ns * ns * sizeof *buf);
        }
        if (!nd_array(w, g, cmp[k].name, rank, dims, buf, scales, cmp[k].units, cmp[k].long_name))
            goto done;
    }
    if (n_axes == 1 && !write_crossovers(w, g, &axes[0], points))
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
    h->w.err = err;
    h->w.rc = INFL_OK;
    quiet_hdf5 q = hdf5_quiet();
    errno = 0;
    bool ok = write_sweep(&h->w, h->file, axes, n_axes, points) &&
              attr_update(&h->w, h->file, "wall_time_s", H5T_NATIVE_DOUBLE, &wall_seconds) &&
              attr_str(&h->w, h->file, "kind", "sweep") && mark_complete(&h->w, h->file);
    hdf5_restore(q);
    if (!ok) {
        infl_status rc = h->w.rc;
        infl_h5_writer_abandon(h);
        return rc;
    }
    /* Everything written; close, flush and move into place as a run's file. */
    return writer_close(h, err);
}

/* An int dataset of n values (the search stage of each point). */
static bool int_column(writer *w, hid_t loc, const char *name, const int *v, hsize_t n,
                       const char *long_name, hid_t scale)
{
    hid_t d = dataset_1d(w, loc, name, H5T_STD_I8LE, n, false);
    bool ok = d >= 0 &&
              (n == 0 || H5Dwrite(d, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0) &&
              label(w, d, "1", long_name) && (scale < 0 || H5DSattach_scale(d, scale, 0) >= 0);
    if (d >= 0 && H5Dclose(d) < 0)
        ok = false;
    return ok ? true : fail(w, "dataset", name);
}

/* /optimize: every point the search evaluated, the optimum and the profile
 * around it (see influsim/optimize.h and docs/output.md). */
static bool write_optimize(writer *w, hid_t file, const infl_h5_optimize *o)
{
    const infl_optimize_result *r = o->result;
    bool ok = false;
    hid_t g = -1, tier = -1, point = -1, ptier = -1, step = -1;
    double *index = malloc((r->n_points ? r->n_points : 1) * sizeof *index);
    char **profile_names = calloc(r->n_profile_tiers, sizeof *profile_names);
    if (index == NULL || profile_names == NULL) {
        w->rc = infl_error_add(w->err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t p = 0; p < r->n_points; p++)
        index[p] = (double)p;
    for (size_t t = 0; t < r->n_profile_tiers; t++)
        profile_names[t] = o->tier_names[t];
    char objective_label[96];
    infl_objective_describe(o->objective, objective_label, sizeof objective_label);
    if ((g = group(w, file, "optimize")) < 0)
        goto done;
    if (!attr_str(w, g, "objective", o->objective->name) ||
        !attr_str(w, g, "objective_long_name", objective_label) ||
        !attr_str(w, g, "objective_units", o->objective_units) ||
        !attr_str(w, g, "strategy", o->strategy) || !attr_str(w, g, "method", r->method) ||
        !attr_u64(w, g, "iterations", r->iterations) ||
        !attr_bool(w, g, "converged", r->converged) || !attr_f64(w, g, "tolerance", r->tolerance) ||
        !attr_u64(w, g, "grid", r->grid) || !attr_f64(w, g, "value", r->value_at_optimum) ||
        !attr_f64(w, g, "se", r->se_at_optimum) ||
        !attr_str(w, g, "stages", "0 first grid or lattice, 1 minimiser, 2 profile")) {
        fail(w, "group", "optimize");
        goto done;
    }
    if (!string_column(w, g, "tier", o->tier_names, r->n_tiers, "tier whose budget share is chosen",
                       &tier) ||
        H5DSset_scale(tier, "tier") < 0) {
        fail(w, "dataset", "tier");
        goto done;
    }
    if ((point = dataset_1d(w, g, "point", H5T_STD_U64LE, r->n_points, false)) < 0 ||
        (r->n_points &&
         H5Dwrite(point, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, index) < 0) ||
        !label(w, point, "1", "evaluated point, in the order the search evaluated them") ||
        H5DSset_scale(point, "point") < 0) {
        fail(w, "dataset", "point");
        goto done;
    }
    hsize_t dims[2] = {r->n_points, r->n_tiers};
    hid_t sc2[2] = {point, tier};
    if (!nd_array(w, g, "shares", 2, dims, r->shares, sc2, "1", "budget share of each tier") ||
        !column(w, g, "value", H5T_IEEE_F64LE, r->value, r->n_points, false, o->objective_units,
                objective_label, point) ||
        !column(w, g, "se", H5T_IEEE_F64LE, r->se, r->n_points, false, o->objective_units,
                "Monte Carlo standard error of the objective", point) ||
        !int_column(w, g, "stage", r->stage, r->n_points,
                    "why evaluated: 0 first grid or lattice, 1 minimiser, 2 profile", point))
        goto done;
    dims[0] = r->n_tiers;
    if (!nd_array(w, g, "optimum", 1, dims, r->optimum, &tier, "1",
                  "budget shares that maximise the objective"))
        goto done;
    if (!string_column(w, g, "profile_tier", profile_names, r->n_profile_tiers,
                       "tier whose share the profile moves (the others rescaled)", &ptier) ||
        H5DSset_scale(ptier, "profile_tier") < 0) {
        fail(w, "dataset", "profile_tier");
        goto done;
    }
    if ((step = dataset_1d(w, g, "step", H5T_IEEE_F64LE, r->n_steps, false)) < 0 ||
        H5Dwrite(step, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, r->steps) < 0 ||
        !label(w, step, "1", "change of the tier's share from the optimum") ||
        H5DSset_scale(step, "step") < 0) {
        fail(w, "dataset", "step");
        goto done;
    }
    dims[0] = r->n_profile_tiers;
    dims[1] = r->n_steps;
    hid_t sc3[2] = {ptier, step};
    if (!nd_array(w, g, "difference", 2, dims, r->difference, sc3, o->objective_units,
                  "objective there minus at the optimum (NaN: share outside 0..1)") ||
        !nd_array(w, g, "difference_se", 2, dims, r->difference_se, sc3, o->objective_units,
                  "standard error of the difference, from the same trials") ||
        !nd_array(w, g, "flat_low", 1, dims, r->flat_low, &ptier, "1",
                  "lowest share of the tier not worse than the optimum by 2 standard errors") ||
        !nd_array(w, g, "flat_high", 1, dims, r->flat_high, &ptier, "1",
                  "highest share of the tier not worse than the optimum by 2 standard errors"))
        goto done;
    ok = true;
done:
    free(index);
    free(profile_names);
    hid_t ids[] = {step, ptier, point, tier, g};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
        if (ids[i] >= 0 && (i == 4 ? H5Gclose(ids[i]) : H5Dclose(ids[i])) < 0)
            ok = ok ? fail(w, "group", "optimize") : false;
    return ok;
}

infl_status infl_h5_writer_finish_optimize(infl_h5_writer *h, const infl_summary *sm,
                                           double wall_seconds, const infl_h5_optimize *o,
                                           infl_error *err)
{
    h->w.err = err;
    h->w.rc = INFL_OK;
    quiet_hdf5 q = hdf5_quiet();
    errno = 0;
    bool ok = write_finish(&h->w, h->file, sm, wall_seconds, false) &&
              write_optimize(&h->w, h->file, o) && attr_str(&h->w, h->file, "kind", "optimize") &&
              mark_complete(&h->w, h->file);
    hdf5_restore(q);
    if (!ok) {
        infl_status rc = h->w.rc;
        infl_h5_writer_abandon(h);
        return rc;
    }
    return writer_close(h, err);
}

infl_status infl_h5_write(const char *path, const infl_scenario *sc, const infl_trials *tr,
                          const infl_summary *sm, const infl_run_info *info, infl_error *err)
{
    infl_h5_writer *h = NULL;
    infl_status rc = infl_h5_writer_begin(path, sc, tr, info->threads, true, &h, err);
    if (rc != INFL_OK)
        return rc;
    return infl_h5_writer_finish(h, sm, info->wall_seconds, true, err);
}
