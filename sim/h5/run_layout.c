/*
 * run_layout.c — what every results file starts with, and a run's file (see
 * docs/output.md): the root attributes that describe the run (format,
 * versions, the scenario as given and as resolved, seed, trials; `complete`
 * false until the very end), /strategy, the market draws under /trials, and a
 * group per strategy under /strategies with its per-trial datasets. The
 * summaries follow in summary_layout.c.
 *
 * The per-trial columns are the bulk of a file: their chunks are compressed
 * on the run's threads (chunk_set.c) and written in order on this one.
 */
#include "h5/chunk_set.h"
#include "h5/summary_layout.h"
#include "h5/writer.h"

#include "base/text.h"
#include "base/threads.h"
#include "influsim/version.h"
#include "scenario/scenario_internal.h"
#include "scenario/yaml_tree.h"

#include <gsl/gsl_version.h>
#include <hdf5_hl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * Writes every metric of strategy s as a per-trial dataset in group gt. The
 * chunks are compressed on the run's threads a batch at a time, then written
 * in order on this one, so the memory needed beyond the samples is bounded.
 */
static bool trial_columns(infl__h5_io *io, hid_t gt, const infl_trials *tr, size_t s, hid_t scale)
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
        io->rc = infl_error_add(io->err, INFL_ENOMEM, "out of memory");
        return false;
    }
    for (size_t m = 0; m < nm; m++)
        d[m] = -1;
    for (size_t m = 0; m < nm; m++) {
        const infl_metric_info *mi = &tr->metrics[m];
        cols[m] = (infl_chunk_column){
            .values = infl_trials_column(tr, s, m), .n = n, .as_u64 = mi->integer};
        d[m] = infl__h5_dataset_1d(io, gt, mi->name, mi->integer ? H5T_STD_U64LE : H5T_IEEE_F64LE,
                                   n, true);
        if (d[m] < 0)
            goto done;
    }
    set = infl__chunk_set_new(cols, nm, n < INFL__H5_CHUNK_MAX ? n : INFL__H5_CHUNK_MAX);
    if (set == NULL) {
        io->rc = infl_error_add(io->err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    const size_t total = infl__chunk_set_count(set), batch = infl__chunk_set_batch(set);
    for (size_t first = 0; first < total; first += batch) {
        size_t count = total - first < batch ? total - first : batch;
        if (!infl__chunk_set_compress(set, first, count, INFL__H5_DEFLATE_LEVEL, io->threads)) {
            io->rc = infl_error_add(io->err, INFL_ENOMEM,
                                    "out of memory compressing the trials of a strategy");
            goto done;
        }
        if (infl__chunk_set_write(set, first, count, d) < 0) {
            infl__h5_fail(io, "per-trial datasets of strategy", tr->strategy_names[s]);
            goto done;
        }
    }
    for (size_t m = 0; m < nm; m++) {
        const infl_metric_info *mi = &tr->metrics[m];
        if (!infl__h5_label(io, d[m], mi->units, mi->long_name) ||
            (scale >= 0 && H5DSattach_scale(d[m], scale, 0) < 0)) {
            infl__h5_fail(io, "dataset", mi->name);
            goto done;
        }
    }
    ok = true;
done:
    for (size_t m = 0; m < nm; m++)
        if (d[m] >= 0 && H5Dclose(d[m]) < 0 && ok)
            ok = infl__h5_fail(io, "dataset", tr->metrics[m].name);
    infl__chunk_set_free(set);
    free(cols);
    free(d);
    return ok;
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
static hid_t trial_index(infl__h5_io *io, hid_t loc, const double *index, uint64_t n)
{
    hid_t d = infl__h5_dataset_1d(io, loc, "trial", H5T_STD_U64LE, n, true);
    if (d < 0)
        return -1;
    if ((n && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, index) < 0) ||
        !infl__h5_label(io, d, "1", "trial index") || H5DSset_scale(d, "trial") < 0) {
        H5Dclose(d);
        infl__h5_fail(io, "dataset", "trial");
        return -1;
    }
    return d;
}

/* Creates strategy s's group with its attributes and, when tr holds them,
 * its per-trial datasets. */
static bool begin_strategy(infl__h5_io *io, hid_t strategies, const infl_scenario *sc,
                           const infl_trials *tr, size_t s, const double *index)
{
    bool ok = false;
    hid_t g = -1, gt = -1, trial_scale = -1;
    char *alloc = NULL;

    if ((g = infl__h5_group(io, strategies, sc->strategies[s].name)) < 0)
        goto done;
    if ((alloc = allocation_text(sc, s)) == NULL) {
        io->rc = infl_error_add(io->err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    if (!infl__h5_attr_str(io, g, "allocation", alloc) || !infl__h5_attr_u64(io, g, "index", s))
        goto done;
    /* Each strategy has its own trial scale: a dimension scale lists every
     * dataset attached to it, and rewriting one list shared by thousands of
     * datasets grows the file quadratically. */
    if (tr != NULL) {
        if ((trial_scale = trial_index(io, g, index, tr->n_trials)) < 0 ||
            (gt = infl__h5_group(io, g, "trials")) < 0)
            goto done;
        if (!trial_columns(io, gt, tr, s, trial_scale))
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

/* The root attributes, in the order readers see them (attribute creation
 * order is kept): what the file is, what made it, the scenario, the run.
 * trials_done and wall_time_s are placeholders, rewritten by the finish;
 * `complete` is false until the very last write. */
static bool write_root(infl__h5_io *io, hid_t file, const infl_scenario *sc, bool trials_kept)
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
    char *origin = infl__text_sanitized(sc->origin);
    if (resolved == NULL || origin == NULL) {
        free(resolved);
        free(origin);
        io->rc = infl_error_add(io->err, INFL_ENOMEM, "out of memory");
        return false;
    }
    bool ok = infl__h5_attr_str(io, file, "format", INFL_H5_FORMAT) &&
              infl__h5_attr_u64(io, file, "format_version", INFL_H5_FORMAT_VERSION) &&
              infl__h5_attr_str(io, file, "program", "influsim") &&
              infl__h5_attr_str(io, file, "program_version", infl_version()) &&
              infl__h5_attr_str(io, file, "git_revision", infl_git_revision()) &&
              infl__h5_attr_str(io, file, "created", created) &&
              infl__h5_attr_str(io, file, "scenario_name", sc->name) &&
              infl__h5_attr_str(io, file, "scenario_origin", origin) &&
              infl__h5_attr_str(io, file, "scenario_text", sc->source_text) &&
              infl__h5_attr_str(io, file, "scenario_overrides", infl_scenario_overrides(sc)) &&
              infl__h5_attr_str(io, file, "scenario_resolved", resolved) &&
              infl__h5_attr_str(io, file, "currency", sc->currency) &&
              infl__h5_attr_f64(io, file, "budget", sc->budget) &&
              infl__h5_attr_u64(io, file, "seed", sc->seed) &&
              infl__h5_attr_u64(io, file, "trials", sc->trials) &&
              infl__h5_attr_u64(io, file, "trials_done", 0) && /* set when the file is finished */
              infl__h5_attr_u64(io, file, "threads", io->threads) &&
              infl__h5_attr_f64(io, file, "wall_time_s", NAN) && /* set when the file is finished */
              infl__h5_attr_str(io, file, "hdf5_version", hdf5v) &&
              infl__h5_attr_str(io, file, "gsl_version", gslv) &&
              infl__h5_attr_str(io, file, "compiler", INFLUSIM_COMPILER) &&
              infl__h5_attr_str(io, file, "build_flags", infl_build_flags()) &&
              infl__h5_attr_str(io, file, "zlib_version", infl__chunk_set_zlib_version()) &&
              infl__h5_attr_str(io, file, "libyaml_version", infl__yaml_tree_libyaml_version()) &&
              infl__h5_attr_u64(io, file, "openmp_version", infl__threads_openmp_version()) &&
              infl__h5_attr_str(io, file, "rng",
                                "Philox4x32-10 (Random123), streams keyed by "
                                "(seed, trial, tier, candidate, purpose)") &&
              infl__h5_attr_f64_array(io, file, "quantile_levels", infl_quantile_levels,
                                      INFL_N_QUANTILES) &&
              infl__h5_attr_bool(io, file, "trials_kept", trials_kept) &&
              infl__h5_attr_str(io, file, "quantile_method",
                                trials_kept
                                    ? "exact: linear interpolation between order statistics"
                                    : "histogram: linear interpolation between order statistics "
                                      "read from log-linear buckets of relative width 2^-10; exact "
                                      "for integer metrics below 2048") &&
              infl__h5_attr_bool(io, file, "complete", false);
    free(resolved);
    free(origin);
    return ok;
}

/* Writes everything that does not need the summary: root attributes
 * (`complete` false), the strategy names, and the per-trial datasets. */
static bool write_begin(infl__h5_io *io, hid_t file, const infl_scenario *sc, const infl_trials *tr)
{
    bool ok = false;
    hid_t trial_scale = -1, strategy_scale = -1, gtr = -1, gst = -1;
    double *index = NULL;
    char **names = NULL;

    if (!write_root(io, file, sc, tr != NULL))
        goto done;
    const uint64_t n_index = tr ? tr->n_trials : 0;
    index = malloc((n_index ? n_index : 1) * sizeof *index);
    names = malloc((sc->n_strategies ? sc->n_strategies : 1) * sizeof *names);
    if (index == NULL || names == NULL) {
        io->rc = infl_error_add(io->err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    for (uint64_t t = 0; t < n_index; t++)
        index[t] = (double)t;
    for (size_t k = 0; k < sc->n_strategies; k++)
        names[k] = sc->strategies[k].name;
    if (!infl__h5_string_column(io, file, "strategy", names, sc->n_strategies, "strategy name",
                                &strategy_scale) ||
        H5DSset_scale(strategy_scale, "strategy") < 0) {
        infl__h5_fail(io, "dataset", "strategy");
        goto done;
    }

    if (tr == NULL)
        goto strategies; /* --no-trials: summaries only */
    if ((trial_scale = trial_index(io, file, index, tr->n_trials)) < 0)
        goto done;
    if ((gtr = infl__h5_group(io, file, "trials")) < 0 ||
        !infl__h5_column(
            io, gtr, "purchase_rate", H5T_IEEE_F64LE, tr->purchase_rate, tr->n_trials, true, "1",
            "purchase rate of an interested, shippable person (drawn per trial)", trial_scale) ||
        !infl__h5_column(io, gtr, "wom_purchase_factor", H5T_IEEE_F64LE, tr->wom_purchase_factor,
                         tr->n_trials, true, "1",
                         "purchase rate of a word-of-mouth contact relative to purchase_rate",
                         trial_scale))
        goto done;
    if (sc->has_addressable &&
        !infl__h5_column(
            io, gtr, "addressable", H5T_STD_U64LE, tr->addressable, tr->n_trials, true, "1",
            "distinct interested people in the shippable regions (drawn per trial)", trial_scale))
        goto done;
    if (infl__scenario_has_repeat_orders(sc) &&
        !infl__h5_column(io, gtr, "repeat_orders", H5T_IEEE_F64LE, tr->repeat_orders, tr->n_trials,
                         true, "1",
                         "mean further orders of one converted customer over the horizon (drawn "
                         "per trial)",
                         trial_scale))
        goto done;

strategies:
    if ((gst = infl__h5_group(io, file, "strategies")) < 0)
        goto done;
    for (size_t k = 0; k < sc->n_strategies; k++)
        if (!begin_strategy(io, gst, sc, tr, k, index))
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

infl_status infl_h5_writer_begin(const char *path, const infl_scenario *sc, const infl_trials *tr,
                                 unsigned threads, bool replace, infl_h5_writer **out,
                                 infl_error *err)
{
    *out = NULL;
    infl_h5_writer *h = NULL;
    infl_status rc = infl__h5_writer_open(path, threads, replace, &h, err);
    if (rc != INFL_OK)
        return rc;
    infl__h5_io *io = infl__h5_writer_resume(h, err);
    bool ok = write_begin(io, h->file, sc, tr);
    if ((rc = infl__h5_writer_pause(h, ok)) != INFL_OK)
        return rc;
    *out = h;
    return INFL_OK;
}

infl_status infl_h5_writer_finish(infl_h5_writer *h, const infl_summary *sm, double wall_seconds,
                                  bool complete, infl_error *err)
{
    infl__h5_io *io = infl__h5_writer_resume(h, err);
    bool ok = infl__h5_summary_finish(io, h->file, sm, wall_seconds, complete);
    infl_status rc = infl__h5_writer_pause(h, ok);
    if (rc != INFL_OK)
        return rc;
    return infl__h5_writer_close(h, err);
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
