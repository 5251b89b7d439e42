/*
 * shard.c — a run in parts: which blocks a shard runs (infl_shard_blocks),
 * and merging the partial runs that shards saved into a checkpoint of the
 * whole run (infl_checkpoint_merge), which a resumed run turns into the very
 * file one process would have written.
 *
 * Why the merge is exact: every trial's numbers depend only on the seed and
 * the trial; kept values are columns, so the merge concatenates them; the
 * streaming moments are folded in block order within each unit and the
 * units in unit order by every run (engine/core.c), and shards split at unit
 * boundaries, each keeping its units' moments apart, so the merge folds the
 * same units in the same order; counts, extremes and histograms are
 * order-free.
 */
#include "engine/checkpoint_internal.h"

#include "base/text.h"

#include <stdlib.h>
#include <string.h>

void infl_shard_blocks(infl_shard sh, uint64_t n_trials, uint64_t *first, uint64_t *end)
{
    const uint64_t n_blocks = (n_trials + INFL_ENGINE_BLOCK - 1) / INFL_ENGINE_BLOCK;
    if (sh.count == 0) {
        *first = 0;
        *end = n_blocks;
        return;
    }
    const uint64_t n_units = (n_blocks + INFL_ENGINE_UNIT_BLOCKS - 1) / INFL_ENGINE_UNIT_BLOCKS;
    /* Units [index*U/count, (index+1)*U/count): as even as whole units allow,
     * every unit in exactly one shard. U < 2^50 and count < 2^20, so the
     * products fit in 64 bits (the loader bounds trials; the CLI, count). */
    const uint64_t u0 = sh.index * n_units / sh.count;
    const uint64_t u1 = (sh.index + 1) * n_units / sh.count;
    *first = u0 * INFL_ENGINE_UNIT_BLOCKS < n_blocks ? u0 * INFL_ENGINE_UNIT_BLOCKS : n_blocks;
    *end = u1 * INFL_ENGINE_UNIT_BLOCKS < n_blocks ? u1 * INFL_ENGINE_UNIT_BLOCKS : n_blocks;
}

uint64_t infl__checkpoint_trials_in(uint64_t n_trials, uint64_t first, uint64_t end)
{
    uint64_t a = first * INFL_ENGINE_BLOCK, b = end * INFL_ENGINE_BLOCK;
    if (a > n_trials)
        a = n_trials;
    if (b > n_trials)
        b = n_trials;
    return b > a ? b - a : 0;
}

infl_status infl_checkpoint_shard(const infl_checkpoint *cp, uint64_t *index, uint64_t *count)
{
    *index = cp->shard.index;
    *count = cp->shard.count;
    return INFL_OK;
}

/* What two parts must share to be parts of one run; the first difference
 * found, or NULL. */
static const char *difference(const infl_checkpoint *a, const infl_checkpoint *b)
{
    if (strcmp(a->version, b->version) != 0)
        return "influsim version";
    if (a->seed != b->seed)
        return "seed";
    if (a->trials != b->trials)
        return "number of trials";
    if (a->no_trials != b->no_trials)
        return "--no-trials";
    if (a->n_strategies != b->n_strategies || a->n_metrics != b->n_metrics)
        return "strategies or metrics";
    if (strcmp(a->text, b->text) != 0)
        return "scenario";
    if (!infl__text_lists_equal(a->sets, a->n_sets, b->sets, b->n_sets))
        return "--set overrides";
    if (a->shard.count != b->shard.count)
        return "number of shards";
    return NULL;
}

/* Checks that parts[0..n) are the shards of one run, each once; fills
 * order[i] with the part of shard i. */
static infl_status check_parts(infl_checkpoint *const *parts, const char *const *names, size_t n,
                               size_t *order, infl_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (parts[i]->shard.count == 0)
            return infl_error_add(err, INFL_EINVAL,
                                  "%s: a checkpoint, not a shard's partial run (resume it with "
                                  "`influsim run --resume`)",
                                  names[i]);
    for (size_t i = 1; i < n; i++) {
        const char *what = difference(parts[0], parts[i]);
        if (what != NULL)
            return infl_error_add(err, INFL_EINVAL,
                                  "%s: not a shard of the same run as %s (the %s differs)",
                                  names[i], names[0], what);
    }
    const uint64_t count = parts[0]->shard.count;
    /* Fewer parts than shards: name the first missing one. (More parts than
     * shards: two are the same shard, found below; order has room for
     * every shard index then, as count < n.) */
    if (count > n)
        for (uint64_t s = 0; s < count; s++) {
            bool found = false;
            for (size_t i = 0; i < n && !found; i++)
                found = parts[i]->shard.index == s;
            if (!found)
                return infl_error_add(
                    err, INFL_EINVAL, "shard %llu/%llu is missing (%zu part%s given)",
                    (unsigned long long)(s + 1), (unsigned long long)count, n, n == 1 ? "" : "s");
        }
    for (size_t i = 0; i < n; i++)
        order[i] = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        const infl_checkpoint *p = parts[i];
        size_t s = (size_t)p->shard.index;
        if (order[s] != SIZE_MAX)
            return infl_error_add(err, INFL_EINVAL, "%s and %s are both shard %llu/%llu",
                                  names[order[s]], names[i], (unsigned long long)(s + 1),
                                  (unsigned long long)count);
        order[s] = i;
        uint64_t first, end;
        infl_shard_blocks(p->shard, p->trials, &first, &end);
        const size_t want_units =
            (size_t)((end - first + INFL_ENGINE_UNIT_BLOCKS - 1) / INFL_ENGINE_UNIT_BLOCKS);
        if (p->first_block != first || p->next_block != end ||
            (p->no_trials && p->n_units != want_units))
            return infl_error_add(err, INFL_EINVAL,
                                  "%s: shard %llu/%llu should cover blocks [%llu, %llu), it covers "
                                  "[%llu, %llu)",
                                  names[i], (unsigned long long)(s + 1), (unsigned long long)count,
                                  (unsigned long long)first, (unsigned long long)end,
                                  (unsigned long long)p->first_block,
                                  (unsigned long long)p->next_block);
    }
    return INFL_OK;
}

static char *dup_or_null(const char *s, bool *ok)
{
    if (s == NULL)
        return NULL;
    char *d = strdup(s);
    if (d == NULL)
        *ok = false;
    return d;
}

/* The parts' per-trial values, in shard order, as one run's columns. */
static bool merge_values(infl_checkpoint *m, infl_checkpoint *const *parts, const size_t *order,
                         size_t n)
{
    const size_t cells = (size_t)(m->n_strategies * m->n_metrics), total = (size_t)m->trials;
    const size_t slots = total ? total : 1;
    /* No trials: no values, whatever the cells (which the parts' payloads
     * bound only through their trials). */
    m->values = malloc((total ? total * cells : 1) * sizeof(double));
    m->purchase_rate = malloc(slots * sizeof(double));
    m->wom_purchase_factor = malloc(slots * sizeof(double));
    m->addressable = malloc(slots * sizeof(double));
    m->repeat_orders = malloc(slots * sizeof(double));
    if (!m->values || !m->purchase_rate || !m->wom_purchase_factor || !m->addressable ||
        !m->repeat_orders)
        return false;
    size_t at = 0;
    for (size_t s = 0; s < n; s++) {
        const infl_checkpoint *p = parts[order[s]];
        const size_t d = (size_t)p->done_trials;
        for (size_t c = 0; d > 0 && c < cells; c++) /* a part of no trials has no values */
            memcpy(m->values + c * total + at, p->values + c * d, d * sizeof(double));
        memcpy(m->purchase_rate + at, p->purchase_rate, d * sizeof(double));
        memcpy(m->wom_purchase_factor + at, p->wom_purchase_factor, d * sizeof(double));
        memcpy(m->addressable + at, p->addressable, d * sizeof(double));
        memcpy(m->repeat_orders + at, p->repeat_orders, d * sizeof(double));
        at += d;
    }
    return true;
}

/* The parts' units folded in shard and unit order, and their tallies. */
static bool merge_streaming(infl_checkpoint *m, infl_checkpoint *const *parts, const size_t *order,
                            size_t n)
{
    const size_t ns = (size_t)m->n_strategies, nm = (size_t)m->n_metrics;
    if (!infl__moments_block_init(&m->moments, ns, nm) ||
        !infl__moments_block_init(&m->open, ns, nm) ||
        (m->tally = infl__tally_stream_new(ns, nm)) == NULL)
        return false;
    for (size_t s = 0; s < n; s++) {
        const infl_checkpoint *p = parts[order[s]];
        for (size_t u = 0; u < p->n_units; u++)
            infl__moments_block_merge(&m->moments, &p->units[u]);
        if (!infl__tally_stream_merge(m->tally, p->tally))
            return false;
    }
    return true;
}

infl_status infl_checkpoint_merge(infl_checkpoint *const *parts, const char *const *names, size_t n,
                                  infl_checkpoint **out, infl_error *err)
{
    *out = NULL;
    if (n == 0)
        return infl_error_add(err, INFL_EARG, "no partial runs to merge");
    size_t *order = calloc(n, sizeof *order);
    if (order == NULL)
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    infl_status rc = check_parts(parts, names, n, order, err);
    if (rc != INFL_OK) {
        free(order);
        return rc;
    }
    const infl_checkpoint *first = parts[order[0]];
    infl_checkpoint *m = calloc(1, sizeof *m);
    bool ok = m != NULL;
    if (ok) {
        m->version = dup_or_null(first->version, &ok);
        m->origin = dup_or_null(first->origin, &ok);
        m->text = dup_or_null(first->text, &ok);
        m->seed = first->seed;
        m->trials = first->trials;
        m->no_trials = first->no_trials;
        m->n_strategies = first->n_strategies;
        m->n_metrics = first->n_metrics;
        m->next_block = (first->trials + INFL_ENGINE_BLOCK - 1) / INFL_ENGINE_BLOCK;
        m->done_trials = first->trials;
        m->n_sets = first->n_sets;
        m->sets = calloc(first->n_sets ? first->n_sets : 1, sizeof *m->sets);
        ok = ok && m->sets != NULL;
        for (size_t i = 0; ok && i < first->n_sets; i++)
            m->sets[i] = dup_or_null(first->sets[i], &ok);
        for (size_t i = 0; i < n; i++)
            m->hires += parts[i]->hires;
    }
    ok = ok &&
         (m->no_trials ? merge_streaming(m, parts, order, n) : merge_values(m, parts, order, n));
    free(order);
    if (!ok) {
        infl_checkpoint_free(m);
        return infl_error_add(err, INFL_ENOMEM, "out of memory merging %zu partial runs", n);
    }
    *out = m;
    return INFL_OK;
}
