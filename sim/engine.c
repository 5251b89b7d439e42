/*
 * engine.c — runs a scenario's trials in parallel with OpenMP (see
 * include/influsim/engine.h). The only file that includes omp.h.
 *
 * Trials are cut into blocks of INFL_ENGINE_BLOCK; threads take blocks in any
 * order, each with its own model workspace, and every trial writes only its
 * own slots of the result columns. Nothing is reduced across threads, so the
 * output cannot depend on the thread count or the schedule. If a trial fails,
 * the error reported is the one of the lowest failing block, again whatever
 * the schedule.
 */
#include "influsim/engine.h"

#include "metrics.h"
#include "model.h"
#include "scenario_internal.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

unsigned infl_engine_default_threads(void)
{
    int n = omp_get_max_threads();
    return n > 0 ? (unsigned)n : 1u;
}

static infl_trials *trials_new(const infl_scenario *sc)
{
    infl_trials *tr = calloc(1, sizeof *tr);
    if (tr == NULL)
        return NULL;
    tr->n_trials = sc->trials;
    tr->n_strategies = sc->n_strategies;
    tr->n_metrics = infl_metric_count(sc);
    tr->metrics = infl_metrics_new(sc);
    tr->strategy_names = calloc(sc->n_strategies, sizeof *tr->strategy_names);
    size_t cells = tr->n_strategies * tr->n_metrics;
    /* Overflow guard: the loader bounds trials, but cells * trials must fit. */
    if (tr->n_trials > SIZE_MAX / sizeof(double) / (cells ? cells : 1))
        goto fail;
    tr->values = malloc(cells * tr->n_trials * sizeof *tr->values);
    tr->purchase_rate = malloc(tr->n_trials * sizeof(double));
    tr->wom_purchase_factor = malloc(tr->n_trials * sizeof(double));
    tr->addressable = malloc(tr->n_trials * sizeof(double));
    if (!tr->metrics || !tr->strategy_names || !tr->values || !tr->purchase_rate ||
        !tr->wom_purchase_factor || !tr->addressable)
        goto fail;
    for (size_t s = 0; s < sc->n_strategies; s++)
        if ((tr->strategy_names[s] = strdup(sc->strategies[s].name)) == NULL)
            goto fail;
    return tr;
fail:
    infl_trials_free(tr);
    return NULL;
}

typedef struct {
    uint64_t block; /* lowest failed block on this thread, UINT64_MAX if none */
    uint64_t hires; /* funnels this thread simulated */
    infl_status status;
    infl_error err;
} thread_failure;

infl_status infl_engine_run(const infl_scenario *sc, const infl_run_options *opt, infl_trials **out,
                            infl_run_stats *stats, infl_error *err)
{
    *out = NULL;
    infl_trials *tr = trials_new(sc);
    if (tr == NULL)
        return infl_error_add(
            err, INFL_ENOMEM, "out of memory for %llu trials x %zu strategies x %zu metrics",
            (unsigned long long)sc->trials, sc->n_strategies, infl_metric_count(sc));
    const uint64_t n_trials = sc->trials;
    const uint64_t n_blocks = (n_trials + INFL_ENGINE_BLOCK - 1) / INFL_ENGINE_BLOCK;
    const size_t n_metrics = tr->n_metrics;
    const size_t n_strategies = tr->n_strategies;
    int threads = (int)(opt && opt->threads ? opt->threads : infl_engine_default_threads());
    if ((uint64_t)threads > n_blocks)
        threads = (int)n_blocks;
    if (threads < 1)
        threads = 1;

    thread_failure *failures = calloc((size_t)threads, sizeof *failures);
    if (failures == NULL) {
        infl_trials_free(tr);
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    }
    for (int i = 0; i < threads; i++) {
        failures[i].block = UINT64_MAX;
        infl_error_init(&failures[i].err);
    }
    uint64_t done = 0;
    /* Lowest block known to have failed. Blocks above it are skipped; blocks
     * below it still run, so the error reported is the first in trial order
     * whatever the schedule. */
    uint64_t failed_block = UINT64_MAX;
    int team = 1;

#pragma omp parallel num_threads(threads)
    {
        const int me = omp_get_thread_num();
#pragma omp single
        team = omp_get_num_threads();
        thread_failure *mine = &failures[me];
        infl_model_ws *ws = infl_model_ws_new(sc);
        double *rows = malloc(n_strategies * n_metrics * sizeof *rows);
        if (ws == NULL || rows == NULL) {
            mine->block = 0;
            mine->status =
                infl_error_add(&mine->err, INFL_ENOMEM, "out of memory for a thread's workspace");
#pragma omp critical(infl_failure)
            {
#pragma omp atomic write
                failed_block = 0;
            }
        }
#pragma omp for schedule(dynamic, 1)
        for (uint64_t b = 0; b < n_blocks; b++) {
            uint64_t lowest_failure;
#pragma omp atomic read
            lowest_failure = failed_block;
            if (b > lowest_failure || mine->block != UINT64_MAX)
                continue;
            uint64_t first = b * INFL_ENGINE_BLOCK;
            uint64_t last =
                first + INFL_ENGINE_BLOCK < n_trials ? first + INFL_ENGINE_BLOCK : n_trials;
            for (uint64_t t = first; t < last; t++) {
                infl_market_draw mk;
                infl_status rc = infl_model_trial(ws, t, rows, &mk, &mine->err);
                if (rc != INFL_OK) {
                    mine->block = b;
                    mine->status = rc;
#pragma omp critical(infl_failure)
                    if (b < failed_block) {
#pragma omp atomic write
                        failed_block = b;
                    }
                    break;
                }
                mine->hires += infl_model_funnels(ws);
                tr->purchase_rate[t] = mk.purchase_rate;
                tr->wom_purchase_factor[t] = mk.wom_purchase_factor;
                tr->addressable[t] = mk.addressable;
                for (size_t s = 0; s < n_strategies; s++)
                    for (size_t m = 0; m < n_metrics; m++)
                        tr->values[(s * n_metrics + m) * n_trials + t] = rows[s * n_metrics + m];
            }
            if (mine->block == UINT64_MAX && opt && opt->progress) {
#pragma omp critical(infl_progress)
                {
                    done += last - first;
                    opt->progress(opt->progress_user, done, n_trials);
                }
            }
        }
        free(rows);
        infl_model_ws_free(ws);
    }

    infl_status rc = INFL_OK;
    uint64_t hires = 0;
    for (int i = 0; i < threads; i++)
        hires += failures[i].hires;
    thread_failure *first = NULL;
    for (int i = 0; i < threads; i++)
        if (failures[i].block != UINT64_MAX && (!first || failures[i].block < first->block))
            first = &failures[i];
    if (first != NULL)
        rc = infl_error_merge(err, &first->err);
    for (int i = 0; i < threads; i++)
        infl_error_destroy(&failures[i].err);
    free(failures);
    if (rc != INFL_OK) {
        infl_trials_free(tr);
        return rc;
    }
    if (stats) {
        stats->threads = (unsigned)team;
        stats->hires_simulated = hires;
    }
    *out = tr;
    return INFL_OK;
}
