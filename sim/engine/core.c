/*
 * core.c — the engine core (see core.h): runs a scenario's trials with
 * OpenMP. The only file that includes omp.h.
 *
 * Trials are cut into blocks of INFL_ENGINE_BLOCK; threads take the blocks of
 * a round in any order, each with its own model workspace, and every trial
 * writes only its own slots of the result columns (or, streaming, its block's
 * moments and its thread's order-free tallies). Between rounds one thread,
 * the others waiting, merges the round's moments in block order and asks the
 * hooks whether to go on. The blocks' moments are folded in block order
 * within each unit of INFL_ENGINE_UNIT_BLOCKS, and the units' in unit order:
 * a shard keeps its units' moments apart, and a merge of shards folds them
 * exactly as one process does. Nothing else is reduced across threads, so the
 * output cannot depend on the thread count or the schedule. If a trial fails,
 * the error reported is the one of the lowest failing block, again whatever
 * the schedule.
 *
 * With a cluster (influsim/cluster.h) every rank runs this same code: a
 * round's blocks are split across the ranks, and after the round's blocks
 * each rank sends its part (exchange.h) so that every rank folds the same
 * moments, holds the same columns and knows the lowest failure. The hooks
 * then run on every rank; those that read the outside world (a stop flag, the
 * checkpoint's clock) only on rank 0, whose decision every rank takes.
 */
#include "engine/core.h"

#include "engine/checkpoint_internal.h"
#include "engine/exchange.h"
#include "model/metrics.h"
#include "model/model.h"
#include "scenario/scenario_internal.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* The result's names and metric descriptions, and with keep_values the
 * per-trial columns. */
static infl_trials *trials_new(const infl_scenario *sc, bool keep_values)
{
    infl_trials *tr = calloc(1, sizeof *tr);
    if (tr == NULL)
        return NULL;
    tr->n_trials = sc->trials;
    tr->n_strategies = sc->n_strategies;
    tr->n_metrics = infl__metrics_count(sc);
    tr->metrics = infl__metrics_new(sc);
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
    tr->repeat_orders = malloc(tr->n_trials * sizeof(double));
    if (!tr->metrics || !tr->strategy_names || !tr->values || !tr->purchase_rate ||
        !tr->wom_purchase_factor || !tr->addressable || !tr->repeat_orders)
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

/* Everything a run's threads share. Written only where noted. */
typedef struct {
    const infl__core_job *job;
    const infl_scenario *sc;
    bool streaming;
    uint64_t n_trials, n_blocks, per_round;
    size_t n_strategies, n_metrics;
    int threads;
    infl_trials *tr;             /* the columns (kept values), or names only */
    thread_state *state;         /* one per thread, written by its thread */
    infl_tally_stream **tallies; /* streaming: state[i].tally, for the hooks */
    infl_block_moments total;    /* streaming: the whole units before the open one */
    infl_block_moments open;     /* streaming: the open unit's blocks so far */
    infl_block_moments view;     /* streaming: total and open, for the hooks */
    infl_block_moments *slots;   /* streaming: a round's blocks' moments */
    infl_block_moments *units;   /* streaming shard: its units' moments, in order */
    size_t n_units, cap_units;
    bool shard;              /* run blocks [first_block, end_block) as a partial */
    uint64_t first_block;    /* where the run starts (a resumed one later) */
    uint64_t end_block;      /* where it ends: n_blocks, or the shard's end */
    uint64_t progress_total; /* trials it runs, for progress */
    uint64_t hires0;         /* a resumed run's funnels */
    uint64_t progress_done;  /* trials reported to progress (critical infl_progress) */
    /* Lowest block known to have failed (atomic). Blocks above it are
     * skipped; blocks below it still run, so the error reported is the first
     * in trial order whatever the schedule. */
    uint64_t failed_block;
    uint64_t blocks_done; /* blocks of the rounds finished (between rounds) */
    int team;             /* threads OpenMP gave */
    int stop_now;         /* a hook stopped the run (between rounds) */
    /* With a cluster (written between rounds, by the master thread). */
    const infl_cluster *cl;
    uint64_t remote_hires;  /* the other ranks' funnels so far */
    uint64_t remote_failed; /* lowest failed block of another rank, UINT64_MAX */
    infl_error remote_err;  /* its messages */
} run_ctx;

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

static uint64_t trials_before(const run_ctx *c, uint64_t block)
{
    return block * INFL_ENGINE_BLOCK < c->n_trials ? block * INFL_ENGINE_BLOCK : c->n_trials;
}

/* Allocates c's columns, tallies and thread states, and restores a resumed
 * run. On failure the caller still calls ctx_destroy. */
static infl_status ctx_init(run_ctx *c, const infl__core_job *job, infl_error *err)
{
    const infl_scenario *sc = job->sc;
    *c = (run_ctx){.job = job,
                   .sc = sc,
                   .streaming = job->no_trials,
                   .n_trials = sc->trials,
                   .n_blocks = (sc->trials + INFL_ENGINE_BLOCK - 1) / INFL_ENGINE_BLOCK,
                   .n_strategies = sc->n_strategies,
                   .n_metrics = infl__metrics_count(sc),
                   .failed_block = UINT64_MAX,
                   .team = 1,
                   .cl = job->cluster,
                   .remote_failed = UINT64_MAX};
    infl_error_init(&c->remote_err);
    c->end_block = c->n_blocks;
    if (job->shard) {
        if (job->resume != NULL || job->shard_first > job->shard_end ||
            job->shard_end > c->n_blocks)
            return infl_error_add(err, INFL_EINTERNAL, "a shard of blocks [%llu, %llu) of %llu",
                                  (unsigned long long)job->shard_first,
                                  (unsigned long long)job->shard_end,
                                  (unsigned long long)c->n_blocks);
        c->shard = true;
        c->first_block = job->shard_first;
        c->end_block = job->shard_end;
    }
    const uint64_t run_blocks = c->end_block - c->first_block;
    int threads = (int)(job->threads ? job->threads : infl_engine_default_threads());
    if ((uint64_t)threads > run_blocks)
        threads = (int)run_blocks;
    c->threads = threads < 1 ? 1 : threads;
    const size_t ns = c->n_strategies, nm = c->n_metrics;
    /* With a cluster a round feeds every rank's threads. */
    const int team_all = c->threads * (c->cl ? c->cl->size : 1);
    c->per_round =
        job->round_blocks ? job->round_blocks : round_blocks(team_all, ns * nm + ns * ns);
    if (c->cl != NULL && c->streaming && !job->round_blocks) {
        /* At least a unit per rank, so that the shares are whole units and
         * go folded (exchange.h): with a thousand ranks the 64 MiB cap
         * above would leave each a few blocks, sent one by one. Up to 1 GiB
         * of the round's moments for that. */
        const uint64_t least = INFL_ENGINE_UNIT_BLOCKS * (uint64_t)c->cl->size;
        const uint64_t most =
            (UINT64_C(1) << 30) / ((ns * nm + ns * ns) * sizeof(infl_moments) + 1);
        if (c->per_round < least)
            c->per_round = least < most ? least : most;
        /* Whole units a round, so that no unit straddles two. */
        if (c->per_round > INFL_ENGINE_UNIT_BLOCKS)
            c->per_round -= c->per_round % INFL_ENGINE_UNIT_BLOCKS;
    }
    /* A round longer than the run is the run: no more moments need wait. */
    if (c->per_round > run_blocks)
        c->per_round = run_blocks > 0 ? run_blocks : 1;
    c->tr = trials_new(sc, !c->streaming);
    c->state = calloc((size_t)c->threads, sizeof *c->state);
    if (c->shard)
        c->cap_units = (size_t)((c->end_block - c->first_block + INFL_ENGINE_UNIT_BLOCKS - 1) /
                                INFL_ENGINE_UNIT_BLOCKS);
    bool ready = c->tr != NULL && c->state != NULL;
    if (ready && c->streaming) {
        c->slots = calloc(c->per_round, sizeof *c->slots);
        c->tallies = calloc((size_t)c->threads, sizeof *c->tallies);
        ready = c->slots != NULL && c->tallies != NULL &&
                infl__moments_block_init(&c->total, ns, nm) &&
                infl__moments_block_init(&c->open, ns, nm) &&
                infl__moments_block_init(&c->view, ns, nm);
        if (ready && c->cap_units > 0) {
            c->units = calloc(c->cap_units, sizeof *c->units);
            ready = c->units != NULL;
            for (size_t i = 0; ready && i < c->cap_units; i++)
                ready = infl__moments_block_init(&c->units[i], ns, nm);
        }
        for (uint64_t i = 0; ready && i < c->per_round; i++)
            ready = infl__moments_block_init(&c->slots[i], ns, nm);
        for (int i = 0; ready && i < c->threads; i++)
            ready = (c->tallies[i] = c->state[i].tally = infl__tally_stream_new(ns, nm)) != NULL;
    }
    if (!ready)
        return infl_error_add(err, INFL_ENOMEM,
                              "out of memory for %llu trials x %zu strategies x %zu metrics%s",
                              (unsigned long long)c->n_trials, ns, nm,
                              c->streaming ? "" : " (run --no-trials keeps no per-trial values)");
    if (job->resume) {
        infl__checkpoint_start start;
        infl_status rc =
            infl__checkpoint_restore(job->resume, sc, c->streaming, c->tr, &c->total, &c->open,
                                     c->streaming ? c->state[0].tally : NULL, &start, err);
        if (rc != INFL_OK)
            return rc;
        c->first_block = start.next_block;
        c->progress_done = start.done_trials;
        c->hires0 = start.hires;
        if (c->cl != NULL && c->cl->rank != 0) {
            /* Every rank restored the checkpoint; its tallies and funnels
             * are counted once, on rank 0. */
            c->hires0 = 0;
            if (c->streaming) {
                infl__tally_stream_free(c->state[0].tally);
                c->tallies[0] = c->state[0].tally = infl__tally_stream_new(ns, nm);
                if (c->state[0].tally == NULL)
                    return infl_error_add(err, INFL_ENOMEM, "out of memory for the histograms");
            }
        }
    }
    c->blocks_done = c->first_block;
    c->progress_total =
        trials_before(c, c->end_block) - trials_before(c, c->shard ? c->first_block : 0);
    for (int i = 0; i < c->threads; i++) {
        c->state[i].block = UINT64_MAX;
        infl_error_init(&c->state[i].err);
    }
    c->state[0].hires = c->hires0;
    return INFL_OK;
}

/* Frees what ctx_init allocated (thread errors excepted: finish's). */
static void ctx_destroy(run_ctx *c)
{
    for (uint64_t i = 0; c->slots && i < c->per_round; i++)
        infl__moments_block_destroy(&c->slots[i]);
    free(c->slots);
    infl__moments_block_destroy(&c->total);
    infl__moments_block_destroy(&c->open);
    infl__moments_block_destroy(&c->view);
    for (size_t i = 0; c->units && i < c->cap_units; i++)
        infl__moments_block_destroy(&c->units[i]);
    free(c->units);
    for (int i = 0; c->state && i < c->threads; i++)
        infl__tally_stream_free(c->state[i].tally);
    free(c->tallies);
    free(c->state);
    infl_trials_free(c->tr);
    infl_error_destroy(&c->remote_err);
}

/* Marks block b failed on thread `mine` with status rc (its message already
 * in mine->err), lowering the run's failure mark if b is below it. */
static void fail_block(run_ctx *c, thread_state *mine, uint64_t b, infl_status rc)
{
    mine->block = b;
    mine->status = rc;
#pragma omp critical(infl_failure)
    if (b < c->failed_block) {
#pragma omp atomic write
        c->failed_block = b;
    }
}

/* Runs the trials of block b (of the round starting at `round`) on the
 * calling thread, with its workspace ws and a row buffer. */
static void run_block(run_ctx *c, thread_state *mine, infl_model_ws *ws, double *rows, uint64_t b,
                      uint64_t round)
{
    const size_t ns = c->n_strategies, nm = c->n_metrics;
    const uint64_t n_trials = c->n_trials;
    infl_trials *tr = c->tr;
    infl_block_moments *bm = c->streaming ? &c->slots[b - round] : NULL;
    if (bm)
        infl__moments_block_clear(bm);
    uint64_t first = b * INFL_ENGINE_BLOCK;
    uint64_t last = first + INFL_ENGINE_BLOCK < n_trials ? first + INFL_ENGINE_BLOCK : n_trials;
    for (uint64_t t = first; t < last; t++) {
        infl_market_draw mk;
        infl_status trc = infl__model_trial(ws, t, rows, &mk, &mine->err);
        if (trc == INFL_OK && bm &&
            !infl__tally_stream_add(mine->tally, bm, rows, INFL_M_CONVERSIONS))
            trc = infl_error_add(&mine->err, INFL_ENOMEM,
                                 "trial %llu: out of memory for the histograms",
                                 (unsigned long long)t);
        if (trc != INFL_OK) {
            fail_block(c, mine, b, trc);
            return;
        }
        mine->hires += infl__model_funnels(ws);
        if (bm)
            continue;
        tr->purchase_rate[t] = mk.purchase_rate;
        tr->wom_purchase_factor[t] = mk.wom_purchase_factor;
        tr->addressable[t] = mk.addressable;
        tr->repeat_orders[t] = mk.repeat_orders;
        for (size_t s = 0; s < ns; s++)
            for (size_t m = 0; m < nm; m++)
                tr->values[(s * nm + m) * n_trials + t] = rows[s * nm + m];
    }
    const infl__core_job *job = c->job;
    if (job->progress && c->cl == NULL) { /* a cluster's: between rounds */
#pragma omp critical(infl_progress)
        {
            c->progress_done += last - first;
            job->progress(job->progress_user, c->progress_done, c->progress_total);
        }
    }
}

/* Closes the open unit: a shard keeps it apart (its slots are allocated
 * with the run: a shard's units are known), a whole run folds it into the
 * total. */
static void close_unit(run_ctx *c)
{
    if (c->shard && c->n_units < c->cap_units)
        infl__moments_block_merge(&c->units[c->n_units++], &c->open);
    else
        infl__moments_block_merge(&c->total, &c->open);
    infl__moments_block_clear(&c->open);
}

/* Folds a round's blocks' moments, in block order, into the open unit,
 * closing each unit at its last block (or the run's). */
static void fold_round(run_ctx *c, uint64_t round, uint64_t round_end)
{
    for (uint64_t b = round; b < round_end; b++) {
        infl__moments_block_merge(&c->open, &c->slots[b - round]);
        if ((b + 1) % INFL_ENGINE_UNIT_BLOCKS == 0 || b + 1 == c->n_blocks)
            close_unit(c);
    }
}

/* The moments of blocks [0, blocks_done) for the hooks: the total, with the
 * open unit's blocks appended when it has any. */
static const infl_block_moments *prefix_view(run_ctx *c)
{
    bool open = false;
    for (size_t i = 0; i < c->open.n_cells && !open; i++)
        open = c->open.cells[i].n > 0;
    for (size_t i = 0; i < c->open.n_pairs && !open; i++)
        open = c->open.pairs[i].n > 0;
    if (!open)
        return &c->total;
    memcpy(c->view.cells, c->total.cells, c->total.n_cells * sizeof *c->view.cells);
    memcpy(c->view.pairs, c->total.pairs, c->total.n_pairs * sizeof *c->view.pairs);
    infl__moments_block_merge(&c->view, &c->open);
    return &c->view;
}

/* The thread with the lowest failed block, or NULL. */
static thread_state *lowest_failed(run_ctx *c)
{
    thread_state *first = NULL;
    for (int i = 0; i < c->threads; i++)
        if (c->state[i].block != UINT64_MAX && (!first || c->state[i].block < first->block))
            first = &c->state[i];
    return first;
}

/* Records another rank's failure of block b (the lowest known) and its
 * messages, line by line as infl_error_merge passes them on. */
static void remote_failure(run_ctx *c, uint64_t b, infl_status st, const char *msg, size_t len)
{
    c->remote_failed = b;
    infl_error_clear(&c->remote_err);
    infl_error_add_lines(&c->remote_err, st, msg, len);
    if (c->remote_err.status == INFL_OK) /* a failure without a message */
        infl_error_add(&c->remote_err, st, "block %llu failed", (unsigned long long)b);
}

/* With a cluster, on the master thread while the others wait, after the
 * round's blocks: every rank sends its part of the round and reads the
 * others', so that all hold the whole round; the run's failure mark becomes
 * the lowest of every rank. */
static void exchange_round(run_ctx *c, uint64_t round, uint64_t round_end)
{
    const infl_cluster *cl = c->cl;
    infl__exchange_head mine = {.failed_block = UINT64_MAX, .message = ""};
    const thread_state *first = lowest_failed(c);
    if (first != NULL)
        mine = (infl__exchange_head){.failed_block = first->block,
                                     .status = first->status,
                                     .message = infl_error_message(&first->err)};
    for (int i = 0; i < c->threads; i++)
        mine.hires += c->state[i].hires;
    uint64_t lo, hi;
    infl__exchange_share(round, round_end, cl->rank, cl->size, &lo, &hi);
    infl__wire out;
    infl__wire_init(&out);
    infl__exchange_pack_round(&out, &mine, c->streaming ? c->slots + (lo - round) : NULL, lo, hi,
                              c->n_blocks, c->streaming ? NULL : c->tr, trials_before(c, lo),
                              trials_before(c, hi));
    void *all = NULL;
    size_t *counts = calloc((size_t)cl->size, sizeof *counts);
    bool ok =
        !out.bad && counts != NULL && cl->allgather(cl->user, out.data, out.len, &all, counts);
    infl__wire_destroy(&out);
    uint64_t lowest = first ? first->block : UINT64_MAX, others = 0;
    const unsigned char *p = all;
    for (int r = 0; ok && r < cl->size; p += counts[r], r++) {
        if (r == cl->rank)
            continue;
        uint64_t rlo, rhi;
        infl__exchange_share(round, round_end, r, cl->size, &rlo, &rhi);
        infl__exchange_head h;
        ok = infl__exchange_unpack_round(
            p, counts[r], &h, c->streaming ? c->slots + (rlo - round) : NULL, rlo, rhi, c->n_blocks,
            c->streaming ? NULL : c->tr, trials_before(c, rlo), trials_before(c, rhi));
        others += h.hires;
        if (ok && h.failed_block < lowest) {
            lowest = h.failed_block;
            remote_failure(c, h.failed_block, h.status, h.message, h.message_len);
        }
    }
    free(all);
    free(counts);
    c->remote_hires = others;
    if (!ok) {
        /* The transport of an MPI program aborts the job before this; a
         * transport that returns is still obeyed: the run ends here. */
        lowest = round;
        c->remote_failed = round;
        infl_error_clear(&c->remote_err);
        infl_error_add(&c->remote_err, INFL_EIO,
                       "rank %d: the ranks' exchange after trial %llu failed", cl->rank,
                       (unsigned long long)trials_before(c, round));
    }
#pragma omp atomic write
    c->failed_block = lowest;
}

/* What rank 0 tells the others after a round's hooks. */
enum { CMD_DONE = 0, CMD_TALLIES = 1 };

/* This rank's threads' tallies merged, for another rank (NULL: out of
 * memory). */
static infl_tally_stream *local_tallies(run_ctx *c)
{
    infl_tally_stream *t = infl__tally_stream_new(c->n_strategies, c->n_metrics);
    for (int i = 0; t && i < c->threads; i++)
        if (!infl__tally_stream_merge(t, c->state[i].tally)) {
            infl__tally_stream_free(t);
            t = NULL;
        }
    return t;
}

/* infl_round_tallies.remote on rank 0: asks the others for their tallies. */
static bool fetch_remote(void *ctx, infl_tally_stream *into)
{
    run_ctx *c = ctx;
    uint64_t cmd[2] = {CMD_TALLIES, 0};
    return c->cl->bcast(c->cl->user, cmd, sizeof cmd) &&
           infl__exchange_tallies(c->cl, NULL, c->n_strategies, c->n_metrics, into);
}

/* After the hooks, with a cluster: rank 0 sends its decision; the others
 * answer its requests for tallies until it does, and take it. */
static bool cluster_decision(run_ctx *c, bool stopping)
{
    const infl_cluster *cl = c->cl;
    uint64_t cmd[2] = {CMD_DONE, stopping};
    if (cl->rank == 0)
        return !cl->bcast(cl->user, cmd, sizeof cmd) || stopping;
    for (;;) {
        if (!cl->bcast(cl->user, cmd, sizeof cmd))
            return true;
        if (cmd[0] == CMD_DONE)
            return cmd[1] != 0;
        infl_tally_stream *mine = local_tallies(c);
        /* Out of memory here still joins the collective (with nothing),
         * so that rank 0 is not left waiting: its checkpoint then lacks
         * this rank's tallies, and it fails to load rather than lie. */
        infl__exchange_tallies(cl, mine, c->n_strategies, c->n_metrics, NULL);
        infl__tally_stream_free(mine);
    }
}

/* Between rounds, on one thread while the others wait: folds the round's
 * moments and asks the hooks; sets c->stop_now. */
static void between_rounds(run_ctx *c, uint64_t round, uint64_t round_end)
{
    if (c->streaming)
        fold_round(c, round, round_end);
    c->blocks_done = round_end;
    infl_round_tallies tallies = {.n_strategies = c->n_strategies,
                                  .n_metrics = c->n_metrics,
                                  .moments = c->streaming ? prefix_view(c) : NULL,
                                  .units_done = &c->total,
                                  .unit_open = &c->open,
                                  .threads = c->tallies,
                                  .n_threads = (size_t)c->threads,
                                  .remote = c->cl && c->cl->rank == 0 ? fetch_remote : NULL,
                                  .remote_user = c};
    infl_round r = {.round_first_block = round,
                    .blocks_done = round_end,
                    .blocks_total = c->end_block,
                    .round_first_trial = trials_before(c, round),
                    .trials_done = trials_before(c, round_end),
                    .trials_total = trials_before(c, c->end_block),
                    .trials = c->streaming ? NULL : c->tr,
                    .tallies = c->streaming ? &tallies : NULL};
    for (int i = 0; i < c->threads; i++)
        r.hires += c->state[i].hires;
    r.hires += c->remote_hires;
    if (c->cl != NULL && c->job->progress) {
        c->progress_done += r.trials_done - r.round_first_trial;
        c->job->progress(c->job->progress_user, c->progress_done, c->progress_total);
    }
    for (size_t h = 0; h < c->job->n_hooks; h++) {
        const infl_round_hook *hook = &c->job->hooks[h];
        if (hook->fn && hook->fn(hook->user, &r) == INFL_ROUND_STOP)
            r.stopping = true;
    }
    if (c->cl != NULL)
        r.stopping = cluster_decision(c, r.stopping);
    c->stop_now = r.stopping && round_end < c->end_block;
}

/* One thread's part of the run: its workspace, then every round's blocks it
 * takes, and the hooks between rounds. */
static void run_thread(run_ctx *c)
{
    const int me = omp_get_thread_num();
#pragma omp single
    c->team = omp_get_num_threads();
    thread_state *mine = &c->state[me];
    infl_model_ws *ws = infl__model_ws_new(c->sc);
    double *rows = malloc(c->n_strategies * c->n_metrics * sizeof *rows);
    if (ws == NULL || rows == NULL) {
        infl_status rc =
            infl_error_add(&mine->err, INFL_ENOMEM, "out of memory for a thread's workspace");
        fail_block(c, mine, 0, rc);
    }
    for (uint64_t round = c->first_block; round < c->end_block; round += c->per_round) {
        const uint64_t round_end =
            round + c->per_round < c->end_block ? round + c->per_round : c->end_block;
        uint64_t lo = round, hi = round_end; /* this rank's share */
        if (c->cl != NULL)
            infl__exchange_share(round, round_end, c->cl->rank, c->cl->size, &lo, &hi);
#pragma omp for schedule(dynamic, 1)
        for (uint64_t b = lo; b < hi; b++) {
            uint64_t lowest_failure;
#pragma omp atomic read
            lowest_failure = c->failed_block;
            if (b > lowest_failure || mine->block != UINT64_MAX)
                continue;
            run_block(c, mine, ws, rows, b, round);
        }
        /* MPI is called from the master thread only (MPI_THREAD_FUNNELED). */
        if (c->cl != NULL) {
#pragma omp master
            exchange_round(c, round, round_end);
#pragma omp barrier
        }
        /* The loop's barrier has passed: every block of the round is done.
         * Every thread reads the failure mark before any can write it
         * again (the barrier), so all take the same branch; then the
         * single's barrier publishes the hooks' decision to every thread. */
        uint64_t lowest_failure;
#pragma omp atomic read
        lowest_failure = c->failed_block;
#pragma omp barrier
        if (lowest_failure != UINT64_MAX)
            break;
#pragma omp master
        between_rounds(c, round, round_end);
#pragma omp barrier
        if (c->stop_now)
            break;
    }
    free(rows);
    infl__model_ws_free(ws);
}

/* After the threads: the lowest failing block's error, or the results of the
 * blocks done (packed columns, or the streaming summary). */
static infl_status finish(run_ctx *c, infl_trials **trials, infl_summary **summary,
                          infl__core_partial *partial, infl__core_result *res, infl_error *err)
{
    infl_status rc = INFL_OK;
    uint64_t hires = 0;
    for (int i = 0; i < c->threads; i++)
        hires += c->state[i].hires;
    hires += c->remote_hires;
    thread_state *first = lowest_failed(c);
    if (c->remote_failed < (first ? first->block : UINT64_MAX))
        rc = infl_error_merge(err, &c->remote_err);
    else if (first != NULL)
        rc = infl_error_merge(err, &first->err);
    for (int i = 0; i < c->threads; i++)
        infl_error_destroy(&c->state[i].err);
    if (rc != INFL_OK)
        return rc;
    const uint64_t done_trials = trials_before(c, c->blocks_done);
    infl_trials *tr = c->tr;
    if (c->cl != NULL && c->streaming) {
        /* Every rank's tallies, on every rank (order-free): the others'
         * join thread 0's, and this rank's threads are merged below. */
        infl_tally_stream *mine = local_tallies(c);
        bool ok = infl__exchange_tallies(c->cl, mine, c->n_strategies, c->n_metrics,
                                         mine ? c->state[0].tally : NULL);
        infl__tally_stream_free(mine);
        if (!ok || mine == NULL)
            return infl_error_add(err, INFL_ENOMEM,
                                  "out of memory exchanging the histograms between ranks");
    }
    if (c->shard) {
        if (c->blocks_done < c->end_block)
            return infl_error_add(
                err, INFL_EARG,
                "the shard was stopped after %llu of its %llu trials; it saved "
                "nothing (run it again)",
                (unsigned long long)(done_trials - trials_before(c, c->first_block)),
                (unsigned long long)c->progress_total);
        for (int i = 1; c->streaming && i < c->threads; i++)
            if (!infl__tally_stream_merge(c->state[0].tally, c->state[i].tally))
                return infl_error_add(err, INFL_ENOMEM, "out of memory merging the histograms");
        *partial = (infl__core_partial){.trials = c->streaming ? NULL : tr,
                                        .units = c->units,
                                        .n_units = c->n_units,
                                        .tally = c->streaming ? c->state[0].tally : NULL};
        if (c->streaming) {
            /* Slots beyond n_units (none when the shard ran whole) stay
             * with the context. */
            c->state[0].tally = NULL;
            c->units = NULL;
            c->cap_units = 0;
        } else {
            c->tr = NULL;
        }
        *res = (infl__core_result){
            .threads = (unsigned)c->team, .hires = hires, .trials_done = c->progress_total};
        return INFL_OK;
    }
    if (!c->streaming && done_trials < c->n_trials) {
        /* Stopped early: the first done_trials of every column, packed. */
        const size_t cells = c->n_strategies * c->n_metrics;
        for (size_t k = 1; k < cells; k++)
            memmove(tr->values + k * done_trials, tr->values + k * c->n_trials,
                    done_trials * sizeof *tr->values);
        tr->n_trials = done_trials;
    }
    if (c->streaming) {
        infl__moments_block_merge(&c->total, &c->open); /* a run stopped within a unit */
        for (int i = 1; i < c->threads && rc == INFL_OK; i++)
            if (!infl__tally_stream_merge(c->state[0].tally, c->state[i].tally))
                rc = infl_error_add(err, INFL_ENOMEM, "out of memory merging the histograms");
        if (rc == INFL_OK)
            rc = infl__tally_stream_summary(c->state[0].tally, &c->total, done_trials, tr->metrics,
                                            tr->strategy_names, summary, err);
        if (rc != INFL_OK)
            return rc;
    } else {
        *trials = tr;
        c->tr = NULL;
    }
    *res = (infl__core_result){
        .threads = (unsigned)c->team, .hires = hires, .trials_done = done_trials};
    return INFL_OK;
}

void infl__core_partial_destroy(infl__core_partial *p)
{
    if (p == NULL)
        return;
    infl_trials_free(p->trials);
    for (size_t i = 0; p->units && i < p->n_units; i++)
        infl__moments_block_destroy(&p->units[i]);
    free(p->units);
    infl__tally_stream_free(p->tally);
    *p = (infl__core_partial){0};
}

infl_status infl__core_run(const infl__core_job *job, infl_trials **trials, infl_summary **summary,
                           infl__core_partial *partial, infl__core_result *res, infl_error *err)
{
    *trials = NULL;
    if (partial)
        *partial = (infl__core_partial){0};
    if (job->shard && partial == NULL)
        return infl_error_add(err, INFL_EINTERNAL, "a shard needs somewhere to put its partial");
    if (summary)
        *summary = NULL;
    if (job->no_trials && summary == NULL)
        return infl_error_add(err, INFL_EINTERNAL, "no_trials needs somewhere to put the summary");
    run_ctx c;
    infl_status rc = ctx_init(&c, job, err);
    if (rc == INFL_OK) {
#pragma omp parallel num_threads(c.threads)
        run_thread(&c);
        rc = finish(&c, trials, summary, partial, res, err);
    }
    ctx_destroy(&c);
    return rc;
}
