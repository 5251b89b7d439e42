/*
 * influsim/pipeline.h — a run and its results file in one call.
 *
 * The sequence every command that writes a run follows: refuse a target that
 * may not be written, refuse a run that would not fit in the memory given,
 * run the engine, write the per-trial datasets, compute the exact summary in
 * place (sorting the columns the file already holds, so no copy is made),
 * write the summaries and rename the file into place. What a program adds
 * around it (a progress bar, a stop flag, removing the temporary file on a
 * second Ctrl-C) comes in through the engine's options and the callbacks
 * here; the pipeline itself prints nothing. A sweep's file is written here
 * too, from the summaries its points produced.
 */
#ifndef INFLUSIM_PIPELINE_H
#define INFLUSIM_PIPELINE_H

#include "influsim/engine.h"
#include "influsim/error.h"
#include "influsim/h5.h"
#include "influsim/results.h"
#include "influsim/scenario.h"
#include "influsim/select.h"
#include "influsim/sensitivity.h"
#include "influsim/sweep.h"

#include <stdbool.h>

typedef struct {
    const char *output; /* the results file */
    bool replace;       /* replace a file already at output */
    /* Memory the run may use, in bytes; 0 or less: unknown, not checked. */
    double memory_limit;
    /* The engine's options (threads, no_trials, progress, stop, checkpoint,
     * target_se, warnings), passed on as they are. */
    infl_run_options run;
    /* Seconds spent before this run that the file's wall time includes (an
     * optimiser's search); 0 for a plain run. */
    double earlier_seconds;
    /* When not NULL, the file is an optimiser's: /optimize is written from it. */
    const infl_h5_optimize *optimize;
    /* Called once the engine has returned, with its status and stats, before
     * anything is written (may be NULL): where a program clears its progress
     * bar and says that the run was stopped. */
    void (*simulated)(void *user, infl_status rc, const infl_run_stats *stats);
    /* Called with the temporary file's path once it exists, and with NULL
     * just before it is renamed into place or removed (may be NULL): for a
     * signal handler that must remove an unfinished file. */
    void (*temp_file)(void *user, const char *path);
    void *user;
} infl_pipeline_options;

typedef struct {
    /* Always filled once the target is accepted: what the run will need. */
    infl_run_estimate estimate;
    /* The run was refused before it started: estimate.bytes is more than
     * memory_limit (the status is then INFL_ELIMIT). */
    bool too_big;
    infl_run_stats stats;
    infl_summary *summary; /* owned: infl_pipeline_result_destroy */
    double wall_seconds;   /* recorded in the file: earlier, simulation and statistics */
    double simulate_seconds, statistics_seconds, write_seconds;
} infl_pipeline_result;

/*
 * Runs sc and writes its results file as described above. On success *out
 * holds the summary and what the run did (a run stopped by opt->run.stop is
 * written with complete = false). On failure nothing is left at opt->output
 * that was not there before, err says why, and the status is the failing
 * step's: infl_h5_check_target's, INFL_ELIMIT (out->too_big, with the
 * estimate) for a run over the memory limit, the engine's or the writer's.
 * Destroy *out in either case.
 */
infl_status infl_pipeline_run(const infl_scenario *sc, const infl_pipeline_options *opt,
                              infl_pipeline_result *out, infl_error *err);
void infl_pipeline_result_destroy(infl_pipeline_result *r);

/*
 * Writes a sweep's results file at `output`: base's scenario and provenance,
 * no per-trial datasets, and /sweep from points (row-major over the axes).
 * The same guarantees and failures as infl_h5_writer_begin and
 * infl_h5_writer_finish_sweep.
 */
infl_status infl_pipeline_write_sweep(const char *output, bool replace, const infl_scenario *base,
                                      unsigned threads, const infl_sweep_axis *axes, size_t n_axes,
                                      infl_summary *const *points, double wall_seconds,
                                      infl_error *err);

/*
 * Writes a sensitivity study's results file at `output`: base's scenario and
 * provenance, no per-trial datasets, and /sensitivity from r. The same
 * guarantees and failures as infl_h5_writer_begin and
 * infl_h5_writer_finish_sensitivity.
 */
infl_status infl_pipeline_write_sensitivity(const char *output, bool replace,
                                            const infl_scenario *base, const infl_sens_result *r,
                                            double wall_seconds, infl_error *err);

/* Where `influsim select` writes (sim/pipeline/select_pipeline.c). */
typedef struct {
    const char *output; /* the results file (docs/output.md, "Select files") */
    const char *plan;   /* the plan's scenario, ready to run (NULL: not written) */
    bool replace;       /* replace files already at output and plan */
} infl_pipeline_select_options;

/*
 * Runs select on sc (infl_select_run) and writes its results file and the
 * plan's scenario (the resolved YAML of the result's scenario, under a
 * comment saying how to run it). Both targets are checked before the search
 * starts; the plan is written to a temporary beside its target first, then
 * the results file is put in place, then the plan. On success *out is the
 * result (infl_select_result_free). On failure *out is NULL, err says why,
 * and the status is a target check's, the search's, or the writer's;
 * neither target is changed, except that the results file stays in place
 * when the plan's final rename fails (the message says so).
 */
infl_status infl_pipeline_select(const infl_scenario *sc, const infl_select_options *opt,
                                 const infl_pipeline_select_options *popt, infl_select_result **out,
                                 infl_error *err);

#endif
