/*
 * exchange.c — the bytes the ranks of a cluster send each other (see
 * exchange.h).
 */
#include "engine/exchange.h"
#include "stats/moments.h"

#include "influsim/engine.h"

#include <stdlib.h>
#include <string.h>

/* An infl_sink over a wire (the tallies' save writes through one). */
static bool wire_sink(void *wire, const void *p, size_t n)
{
    return infl__wire_put_bytes(wire, p, n);
}

/* Where rank r's share of [first, end) begins (r = n: the end). */
static uint64_t cut(uint64_t first, uint64_t end, uint64_t r, uint64_t n)
{
    if (r == 0 || r == n)
        return r == 0 ? first : end;
    const uint64_t len = end - first, u = INFL_ENGINE_UNIT_BLOCKS;
    /* len * r / n without overflow: len is at most 2^57 blocks. */
    uint64_t at = first + len / n * r + len % n * r / n;
    if (len / n >= u) {
        /* The nearest unit edge (moves a cut by at most half a unit, less
         * than a share, so the cuts stay in order). */
        at = (at + u / 2) / u * u;
        at = at < first ? first : at > end ? end : at;
    }
    return at;
}

void infl__exchange_share(uint64_t first, uint64_t end, int rank, int size, uint64_t *lo,
                          uint64_t *hi)
{
    *lo = cut(first, end, (uint64_t)rank, (uint64_t)size);
    *hi = cut(first, end, (uint64_t)rank + 1, (uint64_t)size);
}

/* Where the whole unit that begins at block b ends if it ends by hi; b if
 * b begins none (a unit's first block is a multiple of the unit; its last
 * is the next's first, or the run's last). */
static uint64_t whole_unit_end(uint64_t b, uint64_t hi, uint64_t n_blocks)
{
    if (b % INFL_ENGINE_UNIT_BLOCKS != 0)
        return b;
    uint64_t e = b + INFL_ENGINE_UNIT_BLOCKS < n_blocks ? b + INFL_ENGINE_UNIT_BLOCKS : n_blocks;
    return e <= hi ? e : b;
}

static void put_moments(infl__wire *b, const infl_block_moments *m)
{
    infl__wire_put_bytes(b, m->cells, m->n_cells * sizeof *m->cells);
    infl__wire_put_bytes(b, m->pairs, m->n_pairs * sizeof *m->pairs);
}

/* Blocks [lo, hi)'s moments, each whole unit folded. */
static void put_slots(infl__wire *b, const infl_block_moments *slots, uint64_t lo, uint64_t hi,
                      uint64_t n_blocks)
{
    infl_block_moments unit = {.n_cells = slots[0].n_cells, .n_pairs = slots[0].n_pairs};
    for (uint64_t k = lo; k < hi && !b->bad;) {
        const uint64_t e = whole_unit_end(k, hi, n_blocks);
        if (e == k) {
            put_moments(b, &slots[k - lo]);
            k++;
            continue;
        }
        if (unit.cells == NULL) {
            unit.cells = malloc((unit.n_cells ? unit.n_cells : 1) * sizeof *unit.cells);
            unit.pairs = malloc((unit.n_pairs ? unit.n_pairs : 1) * sizeof *unit.pairs);
            if (unit.cells == NULL || unit.pairs == NULL) {
                b->bad = true;
                break;
            }
        }
        infl__moments_block_clear(&unit);
        for (; k < e; k++)
            infl__moments_block_merge(&unit, &slots[k - lo]);
        put_moments(b, &unit);
    }
    free(unit.cells);
    free(unit.pairs);
}

static void put_u64(infl__wire *b, uint64_t v)
{
    infl__wire_put_bytes(b, &v, sizeof v);
}

/* The per-trial columns a round sends: every strategy's metrics, then the
 * market draws. */
static size_t kept_columns(const infl_trials *tr)
{
    return tr->n_strategies * tr->n_metrics + 4;
}

static double *kept_column(infl_trials *tr, size_t k)
{
    const size_t cells = tr->n_strategies * tr->n_metrics;
    if (k < cells)
        return tr->values + k * tr->n_trials;
    double *market[4] = {tr->purchase_rate, tr->wom_purchase_factor, tr->addressable,
                         tr->repeat_orders};
    return market[k - cells];
}

void infl__exchange_pack_round(infl__wire *b, const infl__exchange_head *h,
                               const infl_block_moments *slots, uint64_t lo, uint64_t hi,
                               uint64_t n_blocks, const infl_trials *tr, uint64_t t_lo,
                               uint64_t t_hi)
{
    const size_t msg = strlen(h->message);
    put_u64(b, h->failed_block);
    put_u64(b, (uint64_t)h->status);
    put_u64(b, h->hires);
    put_u64(b, msg);
    infl__wire_put_bytes(b, h->message, msg);
    if (slots != NULL && lo < hi)
        put_slots(b, slots, lo, hi, n_blocks);
    if (tr != NULL && tr->values != NULL)
        for (size_t k = 0; k < kept_columns(tr); k++)
            infl__wire_put_bytes(b, kept_column((infl_trials *)tr, k) + t_lo,
                                 (size_t)(t_hi - t_lo) * sizeof(double));
}

typedef struct {
    const unsigned char *p;
    size_t left;
} reader;

static bool take(reader *r, void *out, size_t n)
{
    if (n > r->left)
        return false;
    if (n > 0)
        memcpy(out, r->p, n);
    r->p += n;
    r->left -= n;
    return true;
}

static bool take_u64(reader *r, uint64_t *v)
{
    return take(r, v, sizeof *v);
}

static bool take_moments(reader *r, infl_block_moments *m)
{
    return take(r, m->cells, m->n_cells * sizeof *m->cells) &&
           take(r, m->pairs, m->n_pairs * sizeof *m->pairs);
}

bool infl__exchange_unpack_round(const unsigned char *p, size_t n, infl__exchange_head *h,
                                 infl_block_moments *slots, uint64_t lo, uint64_t hi,
                                 uint64_t n_blocks, infl_trials *tr, uint64_t t_lo, uint64_t t_hi)
{
    reader r = {p, n};
    uint64_t status, msg;
    if (!take_u64(&r, &h->failed_block) || !take_u64(&r, &status) || !take_u64(&r, &h->hires) ||
        !take_u64(&r, &msg) || msg > r.left)
        return false;
    h->status = (infl_status)status;
    h->message = (const char *)r.p; /* not terminated in the packet */
    h->message_len = (size_t)msg;
    r.p += msg;
    r.left -= msg;
    for (uint64_t k = lo; slots != NULL && k < hi;) {
        const uint64_t e = whole_unit_end(k, hi, n_blocks);
        if (!take_moments(&r, &slots[k - lo]))
            return false;
        /* A unit's fold in its first block's slot; the rest fold nothing. */
        for (k++; k < e; k++)
            infl__moments_block_clear(&slots[k - lo]);
    }
    if (tr != NULL && tr->values != NULL)
        for (size_t k = 0; k < kept_columns(tr); k++)
            if (!take(&r, kept_column(tr, k) + t_lo, (size_t)(t_hi - t_lo) * sizeof(double)))
                return false;
    return r.left == 0;
}

static bool source(void *ctx, void *data, size_t n)
{
    return take(ctx, data, n);
}

bool infl__exchange_tallies(const infl_cluster *cl, const infl_tally_stream *mine,
                            size_t n_strategies, size_t n_metrics, infl_tally_stream *into)
{
    infl__wire b;
    infl__wire_init(&b);
    if (mine != NULL && !infl__tally_stream_save(mine, wire_sink, &b)) {
        infl__wire_destroy(&b);
        return false;
    }
    void *all = NULL;
    size_t *counts = calloc((size_t)cl->size, sizeof *counts);
    bool ok = counts != NULL && cl->allgather(cl->user, b.data, b.len, &all, counts);
    infl__wire_destroy(&b);
    const unsigned char *p = all;
    for (int i = 0; ok && i < cl->size; i++) {
        if (into != NULL && i != cl->rank && counts[i] > 0) {
            reader r = {p, counts[i]};
            infl_tally_stream *t = infl__tally_stream_load(n_strategies, n_metrics, source, &r);
            ok = t != NULL && r.left == 0 && infl__tally_stream_merge(into, t);
            infl__tally_stream_free(t);
        }
        p += counts[i];
    }
    free(all);
    free(counts);
    return ok;
}
