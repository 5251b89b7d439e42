/*
 * pipeline.c — a run and its results file in one call (influsim/pipeline.h).
 *
 * The order matters for memory and for what a failure leaves: the target is
 * checked and the memory estimated before a trial runs; the per-trial
 * datasets are written before the summary is computed, because computing it
 * in place sorts every column and the file must hold the trials in order;
 * the temporary file is reported to the caller as soon as it exists and
 * forgotten just before it is renamed, so a signal handler removes only an
 * unfinished file. A shard (opt->run.shard) writes no results file: the
 * engine saves its partial run at the output, atomically.
 */
#include "influsim/pipeline.h"

#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void temp_file(const infl_pipeline_options *opt, const char *path)
{
    if (opt->temp_file != NULL)
        opt->temp_file(opt->user, path);
}

infl_status infl_pipeline_run(const infl_scenario *sc, const infl_pipeline_options *opt,
                              infl_pipeline_result *out, infl_error *err)
{
    memset(out, 0, sizeof *out);
    infl_trials *tr = NULL;
    infl_h5_writer *writer = NULL;
    /* Under a cluster rank 0 writes the file; the others run their share
     * and compute what it prints, and follow rank 0's checks, so that no
     * rank waits for another that gave up. */
    const infl_cluster *cl = opt->run.cluster;
    const bool root = infl_cluster_is_root(cl);
    infl_status rc = root ? infl_h5_check_target(opt->output, opt->replace, err) : INFL_OK;

    /* The estimate reads only the thread count and whether trials are kept. */
    infl_run_options probe = {.threads = opt->run.threads, .no_trials = opt->run.no_trials};
    double limit = opt->memory_limit > 0 ? opt->memory_limit : 0.0;
    infl_engine_estimate(sc, &probe, limit, &out->estimate);
    if (root && rc == INFL_OK && limit > 0 && out->estimate.bytes > limit) {
        out->too_big = true;
        rc = infl_error_add(
            err, INFL_ELIMIT, "%s: this run needs about %.2f GiB, more than the %.2f GiB allowed",
            infl_scenario_name(sc), out->estimate.bytes / 1073741824.0, limit / 1073741824.0);
    }
    if ((rc = infl_cluster_agree(cl, rc, err)) != INFL_OK)
        goto done;

    const double t_simulate = now();
    rc = infl_engine_run(sc, &opt->run, &tr, &out->summary, &out->stats, err);
    const double t_begin = now();
    out->simulate_seconds = t_begin - t_simulate;
    if (opt->simulated != NULL)
        opt->simulated(opt->user, rc, &out->stats);
    if (rc != INFL_OK)
        goto done;
    if (opt->run.shard.count > 0) {
        /* A shard's partial run is saved by the engine, at the output. */
        out->wall_seconds = out->simulate_seconds;
        goto done;
    }

    if (!root) {
        if (tr != NULL)
            rc = infl_summary_compute_inplace(tr, out->stats.threads, &out->summary, err);
        goto done;
    }
    rc = infl_h5_writer_begin(opt->output, sc, tr, out->stats.threads, opt->replace, &writer, err);
    if (rc != INFL_OK)
        goto done;
    temp_file(opt, infl_h5_writer_temp_path(writer));
    const double t_summary = now();
    if (tr != NULL && (rc = infl_summary_compute_inplace(tr, out->stats.threads, &out->summary,
                                                         err)) != INFL_OK) {
        temp_file(opt, NULL);
        infl_h5_writer_abandon(writer);
        goto done;
    }
    const double t_finish = now();
    out->statistics_seconds = t_finish - t_summary;
    out->wall_seconds = opt->earlier_seconds + out->simulate_seconds + out->statistics_seconds;
    /* Once renamed, the file at the target is the finished one: a second
     * Ctrl-C must not remove it, so the temporary name is forgotten first. */
    temp_file(opt, NULL);
    if (opt->optimize != NULL)
        rc = infl_h5_writer_finish_optimize(writer, out->summary, out->wall_seconds, opt->optimize,
                                            err);
    else
        rc = infl_h5_writer_finish(writer, out->summary, out->wall_seconds, !out->stats.stopped,
                                   err);
    out->write_seconds = (t_summary - t_begin) + (now() - t_finish);

done:
    infl_trials_free(tr);
    return rc;
}

void infl_pipeline_result_destroy(infl_pipeline_result *r)
{
    if (r == NULL)
        return;
    infl_summary_free(r->summary);
    r->summary = NULL;
}

infl_status infl_pipeline_write_sweep(const char *output, bool replace, const infl_scenario *base,
                                      unsigned threads, const infl_sweep_axis *axes, size_t n_axes,
                                      infl_summary *const *points, double wall_seconds,
                                      infl_error *err)
{
    infl_h5_writer *writer = NULL;
    infl_status rc = infl_h5_writer_begin(output, base, NULL, threads, replace, &writer, err);
    if (rc != INFL_OK)
        return rc;
    return infl_h5_writer_finish_sweep(writer, axes, n_axes, points, wall_seconds, err);
}

infl_status infl_pipeline_write_sensitivity(const char *output, bool replace,
                                            const infl_scenario *base, const infl_sens_result *r,
                                            double wall_seconds, infl_error *err)
{
    infl_h5_writer *writer = NULL;
    infl_status rc = infl_h5_writer_begin(output, base, NULL, r->threads, replace, &writer, err);
    if (rc != INFL_OK)
        return rc;
    return infl_h5_writer_finish_sensitivity(writer, r, wall_seconds, err);
}
