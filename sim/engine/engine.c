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

#include "base/threads.h"
#include "stats/accum.h"
#include "engine/checkpoint_internal.h"
#include "random/dist.h"
#include "model/metrics.h"
#include "model/model.h"
#include "scenario/scenario_internal.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned long infl_engine_openmp_version(void)
{
    return infl__threads_openmp_version();
}

unsigned infl_engine_default_threads(void)
{
    return infl__threads_default();
}

/* The result's names and metric descriptions, and with keep_values the
 * per-trial columns. */
static infl_trials *trials_new(const infl_scenario *sc, bool keep_values)
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
    if (!keep_values) {
        if (!tr->metrics || !tr->strategy_names)
            goto fail;
        goto names;
    }
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
names:
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
    infl_tally_stream *tally; /* no_trials: this thread's order-free tallies */
} thread_state;

/*
 * The worst relative standard error of mean conversions over the strategies
 * whose mean is not 0, after trials [lo, hi) are added to conv (with kept
 * trials, in trial order) or, streaming, from the merged moments.
 */
static double relative_se(infl_moments *conv, const infl_block_moments *total,
                          const infl_trials *tr, size_t n_metrics, size_t n_strategies, uint64_t lo,
                          uint64_t hi)
{
    double worst = 0.0;
    for (size_t s = 0; s < n_strategies; s++) {
        const size_t c = s * n_metrics + INFL_M_CONVERSIONS;
        if (total != NULL) {
            conv[s] = total->cells[c];
        } else {
            const double *x = tr->values + c * tr->n_trials;
            for (uint64_t t = lo; t < hi; t++)
                infl_moments_add(&conv[s], x[t]);
        }
        const infl_moments *m = &conv[s];
        if (m->n < 2)
            return INFINITY;
        if (m->mean == 0.0)
            continue; /* never a conversion yet: no relative error to speak of */
        double se = sqrt(m->m2 / (double)(m->n - 1)) / sqrt((double)m->n) / m->mean;
        if (se > worst)
            worst = se;
    }
    return worst;
}

/* Saves the progress after the blocks before next_block (called between
 * rounds, every other thread waiting). A failure is counted, not fatal: the
 * run goes on and the caller warns. */
static void save_checkpoint(const infl_scenario *sc, const infl_run_options *opt,
                            const infl_trials *tr, const infl_block_moments *total,
                            const thread_state *state, int threads, uint64_t next_block,
                            infl_run_stats *stats)
{
    const bool streaming = opt->no_trials;
    uint64_t hires = 0;
    for (int i = 0; i < threads; i++)
        hires += state[i].hires;
    infl_tally_stream *merged = NULL;
    infl_error err;
    infl_error_init(&err);
    infl_status rc = INFL_OK;
    if (streaming) {
        merged = infl_tally_stream_new(sc->n_strategies, infl_metric_count(sc));
        for (int i = 0; merged && i < threads; i++)
            if (!infl_tally_stream_merge(merged, state[i].tally)) {
                infl_tally_stream_free(merged);
                merged = NULL;
            }
        if (merged == NULL)
            rc = infl_error_add(&err, INFL_ENOMEM, "out of memory saving a checkpoint");
    }
    uint64_t done = next_block * INFL_ENGINE_BLOCK;
    infl_checkpoint_view v = {.source = opt->checkpoint_source,
                              .seed = sc->seed,
                              .trials = sc->trials,
                              .no_trials = streaming,
                              .n_strategies = sc->n_strategies,
                              .n_metrics = infl_metric_count(sc),
                              .next_block = next_block,
                              .done_trials = done < sc->trials ? done : sc->trials,
                              .hires = hires,
                              .tr = tr,
                              .moments = total,
                              .tally = merged};
    if (rc == INFL_OK)
        rc = infl_checkpoint_save(opt->checkpoint_path, &v, &err);
    if (stats && rc == INFL_OK)
        stats->checkpoints++;
    /* The first failure's messages go to the caller's warnings; later ones
     * are only counted. */
    if (rc != INFL_OK && (stats == NULL || stats->checkpoint_failures++ == 0))
        infl_error_merge(opt->warnings, &err);
    infl_tally_stream_free(merged);
    infl_error_destroy(&err);
}

/* Mean cost of one post of tier k: gifted posts cost the unit cost, others
 * the price (per post, or per 1,000 followers) plus the platform fee. */
static double mean_post_cost(const infl_scenario *sc, size_t k)
{
    const infl_tier *t = &sc->tiers[k];
    double price = infl_dist_mean(&t->price);
    if (t->price_per_1k)
        price *= infl_dist_mean(&t->followers) / 1000.0;
    double g = infl_dist_mean(&t->gifted_share);
    return g * sc->unit_cost + (1.0 - g) * price * (1.0 + infl_dist_mean(&t->platform_fee));
}

void infl_engine_estimate(const infl_scenario *sc, const infl_run_options *opt, double limit,
                          infl_run_estimate *out)
{
    const double ns = (double)sc->n_strategies, nm = (double)infl_metric_count(sc);
    const double threads =
        (double)(opt && opt->threads ? opt->threads : infl_engine_default_threads());
    double hires = 0.0, workspace = 0.0;
    for (size_t k = 0; k < sc->n_tiers; k++) {
        double cost = mean_post_cost(sc, k), most = 0.0;
        for (size_t s = 0; s < sc->n_strategies; s++) {
            const infl_strategy *st = &sc->strategies[s];
            double h = cost > 0 ? sc->budget * (st->share[k] / st->share_total) / cost : 0.0;
            if (h > most)
                most = h;
        }
        hires += most;
        /* A tier's workspace grows to twice the hires (see model.c). */
        workspace += 2.0 * (most < 32 ? 32 : most) * (53.0 + 4.0 * (double)sc->n_regions);
    }
    const double trials = (double)sc->trials;
    const double per_trial = (ns * nm + 3.0 + 1.0) * 8.0; /* values, market draws, index */
    /* Code, libraries and HDF5's buffers (about 24 MiB measured); a batch of
     * compressed chunks. */
    const double base = 24.0 * 1048576.0, batch = fmin(32.0 * 1048576.0, trials * nm * 8.0);
    /* Streaming: per thread a histogram set (about 32 KiB a cell measured), and the
     * moments of a round of blocks. */
    const double tallies =
        threads * ns * nm * 32768.0 + 64.0 * threads * (ns * nm + ns * ns) * sizeof(infl_moments);
    out->hires_per_trial = hires;
    out->bytes_no_trials = base + threads * workspace + tallies;
    out->sample_bytes = opt && opt->no_trials ? 0.0 : trials * per_trial;
    out->bytes = opt && opt->no_trials ? out->bytes_no_trials
                                       : base + batch + threads * workspace + trials * per_trial;
    out->max_trials_in = 0;
    double room = limit - (base + 32.0 * 1048576.0 + threads * workspace);
    if (limit > 0 && room > 0)
        out->max_trials_in = (uint64_t)(room / per_trial);
}

/* Blocks per round: enough for every thread to stay busy, few enough that the
 * per-block moments waiting to be merged stay small. The numbers do not
 * depend on it (blocks are merged in block order whatever the rounds). */
static uint64_t round_blocks(int threads, size_t moments_per_block)
{
    uint64_t want = 64u * (uint64_t)threads;
    uint64_t cap = (UINT64_C(64) << 20) / (moments_per_block * sizeof(infl_moments) + 1);
    if (want > cap)
        want = cap;
    return want < 2u * (uint64_t)threads ? 2u * (uint64_t)threads : want;
}

infl_status infl_engine_run(const infl_scenario *sc, const infl_run_options *opt,
                            infl_trials **trials_out, infl_summary **summary_out,
                            infl_run_stats *stats, infl_error *err)
{
    *trials_out = NULL;
    if (summary_out)
        *summary_out = NULL;
    const bool streaming = opt && opt->no_trials;
    if (streaming && summary_out == NULL)
        return infl_error_add(err, INFL_EINTERNAL, "no_trials needs somewhere to put the summary");
    const uint64_t n_trials = sc->trials;
    const uint64_t n_blocks = (n_trials + INFL_ENGINE_BLOCK - 1) / INFL_ENGINE_BLOCK;
    const size_t n_metrics = infl_metric_count(sc);
    const size_t n_strategies = sc->n_strategies;
    int threads = (int)(opt && opt->threads ? opt->threads : infl_engine_default_threads());
    if ((uint64_t)threads > n_blocks)
        threads = (int)n_blocks;
    if (threads < 1)
        threads = 1;

    infl_status rc = INFL_OK;
    infl_trials *tr = trials_new(sc, !streaming);
    thread_state *state = calloc((size_t)threads, sizeof *state);
    const double target_se = opt ? opt->target_se : 0.0;
    const uint64_t per_round =
        target_se > 0
            ? INFL_ENGINE_TARGET_BATCH
            : round_blocks(threads, n_strategies * n_metrics + n_strategies * n_strategies);
    /* With a target SE: conversions' moments per strategy, in trial order. */
    infl_moments *conv = calloc(n_strategies ? n_strategies : 1, sizeof *conv);
    double worst_se = NAN;
    int target_met = 0;
    infl_block_moments total = {0}, *slots = NULL;
    bool ready = tr != NULL && state != NULL && conv != NULL;
    if (ready && streaming) {
        slots = calloc(per_round, sizeof *slots);
        ready = slots != NULL && infl_block_moments_init(&total, n_strategies, n_metrics);
        for (uint64_t i = 0; ready && i < per_round; i++)
            ready = infl_block_moments_init(&slots[i], n_strategies, n_metrics);
        for (int i = 0; ready && i < threads; i++)
            ready = (state[i].tally = infl_tally_stream_new(n_strategies, n_metrics)) != NULL;
    }
    if (!ready) {
        rc = infl_error_add(err, INFL_ENOMEM,
                            "out of memory for %llu trials x %zu strategies x %zu metrics%s",
                            (unsigned long long)n_trials, n_strategies, n_metrics,
                            streaming ? "" : " (run --no-trials keeps no per-trial values)");
        goto cleanup;
    }
    for (int i = 0; i < threads; i++) {
        state[i].block = UINT64_MAX;
        infl_error_init(&state[i].err);
    }
    uint64_t done = 0;
    uint64_t first_block = 0;
    if (opt && opt->resume) {
        /* Carry on from a checkpoint: its trials, tallies and hires as if
         * this run had made them. */
        const infl_checkpoint *cp = opt->resume;
        if (cp->seed != sc->seed || cp->trials != n_trials || cp->no_trials != streaming ||
            cp->n_strategies != n_strategies || cp->n_metrics != n_metrics ||
            cp->next_block > n_blocks) {
            for (int i = 0; i < threads; i++)
                infl_error_destroy(&state[i].err);
            rc = infl_error_add(err, INFL_EINVAL,
                                "the checkpoint does not match this run (seed, trials, "
                                "strategies, metrics or --no-trials differ)");
            goto cleanup;
        }
        first_block = cp->next_block;
        done = cp->done_trials;
        state[0].hires = cp->hires;
        if (streaming) {
            infl_block_moments_merge(&total, &cp->moments);
            if (!infl_tally_stream_merge(state[0].tally, cp->tally)) {
                for (int i = 0; i < threads; i++)
                    infl_error_destroy(&state[i].err);
                rc = infl_error_add(err, INFL_ENOMEM, "out of memory resuming");
                goto cleanup;
            }
        } else {
            const size_t cells = n_strategies * n_metrics, d = (size_t)cp->done_trials;
            for (size_t c = 0; c < cells; c++)
                memcpy(tr->values + c * n_trials, cp->values + c * d, d * sizeof(double));
            memcpy(tr->purchase_rate, cp->purchase_rate, d * sizeof(double));
            memcpy(tr->wom_purchase_factor, cp->wom_purchase_factor, d * sizeof(double));
            memcpy(tr->addressable, cp->addressable, d * sizeof(double));
        }
    }
    double last_checkpoint = omp_get_wtime();
    if (stats) {
        stats->checkpoints = stats->checkpoint_failures = 0;
    }
    /* Lowest block known to have failed. Blocks above it are skipped; blocks
     * below it still run, so the error reported is the first in trial order
     * whatever the schedule. */
    uint64_t failed_block = UINT64_MAX;
    int team = 1;
    int stop_now = 0;
    uint64_t blocks_done = first_block; /* blocks of the rounds finished */

#pragma omp parallel num_threads(threads)
    {
        const int me = omp_get_thread_num();
#pragma omp single
        team = omp_get_num_threads();
        thread_state *mine = &state[me];
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
        for (uint64_t round = first_block; round < n_blocks; round += per_round) {
            const uint64_t round_end = round + per_round < n_blocks ? round + per_round : n_blocks;
#pragma omp for schedule(dynamic, 1)
            for (uint64_t b = round; b < round_end; b++) {
                uint64_t lowest_failure;
#pragma omp atomic read
                lowest_failure = failed_block;
                if (b > lowest_failure || mine->block != UINT64_MAX)
                    continue;
                infl_block_moments *bm = streaming ? &slots[b - round] : NULL;
                if (bm)
                    infl_block_moments_clear(bm);
                uint64_t first = b * INFL_ENGINE_BLOCK;
                uint64_t last =
                    first + INFL_ENGINE_BLOCK < n_trials ? first + INFL_ENGINE_BLOCK : n_trials;
                for (uint64_t t = first; t < last; t++) {
                    infl_market_draw mk;
                    infl_status trc = infl_model_trial(ws, t, rows, &mk, &mine->err);
                    if (trc == INFL_OK && bm &&
                        !infl_tally_stream_add(mine->tally, bm, rows, INFL_M_CONVERSIONS))
                        trc = infl_error_add(&mine->err, INFL_ENOMEM,
                                             "trial %llu: out of memory for the histograms",
                                             (unsigned long long)t);
                    if (trc != INFL_OK) {
                        mine->block = b;
                        mine->status = trc;
#pragma omp critical(infl_failure)
                        if (b < failed_block) {
#pragma omp atomic write
                            failed_block = b;
                        }
                        break;
                    }
                    mine->hires += infl_model_funnels(ws);
                    if (bm)
                        continue;
                    tr->purchase_rate[t] = mk.purchase_rate;
                    tr->wom_purchase_factor[t] = mk.wom_purchase_factor;
                    tr->addressable[t] = mk.addressable;
                    for (size_t s = 0; s < n_strategies; s++)
                        for (size_t m = 0; m < n_metrics; m++)
                            tr->values[(s * n_metrics + m) * n_trials + t] =
                                rows[s * n_metrics + m];
                }
                if (mine->block == UINT64_MAX && opt && opt->progress) {
#pragma omp critical(infl_progress)
                    {
                        done += last - first;
                        opt->progress(opt->progress_user, done, n_trials);
                    }
                }
            }
            /* The loop's barrier has passed: every block of the round is done.
             * Every thread reads the failure mark before any can write it
             * again (the barrier), so all take the same branch. */
            uint64_t lowest_failure;
#pragma omp atomic read
            lowest_failure = failed_block;
#pragma omp barrier
            if (lowest_failure != UINT64_MAX)
                break;
                /* Merge the round's moments in block order, and decide for every
                 * thread whether to stop here (the single's barrier publishes it). */
#pragma omp single
            {
                if (streaming)
                    for (uint64_t b = round; b < round_end; b++)
                        infl_block_moments_merge(&total, &slots[b - round]);
                blocks_done = round_end;
                stop_now = opt && opt->stop && *opt->stop && round_end < n_blocks;
                if (target_se > 0) {
                    uint64_t lo = round * INFL_ENGINE_BLOCK;
                    uint64_t hi = round_end * INFL_ENGINE_BLOCK < n_trials
                                      ? round_end * INFL_ENGINE_BLOCK
                                      : n_trials;
                    worst_se = relative_se(conv, streaming ? &total : NULL, tr, n_metrics,
                                           n_strategies, lo, hi);
                    if (worst_se <= target_se && round_end < n_blocks)
                        target_met = stop_now = 1;
                }
                /* Due, or stopping (so that the stopped run can be resumed). */
                if (opt && opt->checkpoint_path && round_end < n_blocks &&
                    (stop_now || omp_get_wtime() - last_checkpoint >= opt->checkpoint_seconds)) {
                    save_checkpoint(sc, opt, tr, &total, state, threads, round_end, stats);
                    last_checkpoint = omp_get_wtime();
                }
            }
            if (stop_now)
                break;
        }
        free(rows);
        infl_model_ws_free(ws);
    }

    uint64_t hires = 0;
    for (int i = 0; i < threads; i++)
        hires += state[i].hires;
    thread_state *first = NULL;
    for (int i = 0; i < threads; i++)
        if (state[i].block != UINT64_MAX && (!first || state[i].block < first->block))
            first = &state[i];
    if (first != NULL)
        rc = infl_error_merge(err, &first->err);
    for (int i = 0; i < threads; i++)
        infl_error_destroy(&state[i].err);
    const uint64_t done_trials =
        blocks_done * INFL_ENGINE_BLOCK < n_trials ? blocks_done * INFL_ENGINE_BLOCK : n_trials;
    if (target_se > 0 && !target_met && done_trials == n_trials)
        target_met = worst_se <= target_se;
    if (rc == INFL_OK && !streaming && done_trials < n_trials) {
        /* Stopped early: the first done_trials of every column, packed. */
        const size_t cells = n_strategies * n_metrics;
        for (size_t c = 1; c < cells; c++)
            memmove(tr->values + c * done_trials, tr->values + c * n_trials,
                    done_trials * sizeof *tr->values);
        tr->n_trials = done_trials;
    }
    if (rc == INFL_OK && streaming) {
        for (int i = 1; i < threads && rc == INFL_OK; i++)
            if (!infl_tally_stream_merge(state[0].tally, state[i].tally))
                rc = infl_error_add(err, INFL_ENOMEM, "out of memory merging the histograms");
        if (rc == INFL_OK)
            rc = infl_tally_stream_summary(state[0].tally, &total, done_trials, tr->metrics,
                                           tr->strategy_names, summary_out, err);
    }
    if (rc != INFL_OK)
        goto cleanup;
    if (stats) {
        stats->threads = (unsigned)team;
        stats->hires_simulated = hires;
        stats->trials_done = done_trials;
        stats->target_met = target_met;
        stats->achieved_se = worst_se;
        /* Stopped early by a signal, not by reaching the target. */
        stats->stopped = done_trials < n_trials && !target_met;
    }
    if (!streaming) {
        *trials_out = tr;
        tr = NULL;
    }
cleanup:
    free(conv);
    for (uint64_t i = 0; slots && i < per_round; i++)
        infl_block_moments_destroy(&slots[i]);
    free(slots);
    infl_block_moments_destroy(&total);
    for (int i = 0; state && i < threads; i++)
        infl_tally_stream_free(state[i].tally);
    free(state);
    infl_trials_free(tr);
    return rc;
}
