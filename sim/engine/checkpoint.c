/*
 * checkpoint.c — the checkpoint file: saving a run's progress, loading it,
 * and restoring it into a resumed run (see include/influsim/checkpoint.h and
 * engine/checkpoint_internal.h). When a save is due is checkpoint_hook.c's.
 *
 * Layout: the magic "INFLCKP3", then the payload's length (u64) and CRC-32
 * (u32), then the payload: counts and sizes, the blocks it covers and its
 * shard, the version and the scenario source, then either the per-trial
 * values of the trials it covers or the moments and tallies. A shard's
 * partial run is the same file with a first block and its units' moments. Integers and doubles are
 * stored as in memory; the magic includes a byte-order and size probe.
 */
#include "engine/checkpoint_internal.h"

#include "base/atomic_file.h"
#include "influsim/version.h"
#include "model/metrics.h"
#include "scenario/scenario_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* 2: with the per-trial repeat-order rate (issue 12's extensions). 3: the
 * version, a first block and a shard; the moments folded by units (the
 * total of the whole units, the open unit's, and a shard's units). */
static const char MAGIC[8] = {'I', 'N', 'F', 'L', 'C', 'K', 'P', '3'};
/* Written after the magic: reads back differently on another byte order. */
static const uint64_t PROBE = UINT64_C(0x0102030405060708);

typedef struct {
    FILE *f;
    uLong crc;
    uint64_t bytes;
} out_stream;

static bool sink(void *ctx, const void *data, size_t n)
{
    out_stream *o = ctx;
    if (n == 0)
        return true;
    o->crc = crc32(o->crc, data, (uInt)n); /* n fits: callers write at most a column */
    o->bytes += n;
    return fwrite(data, 1, n, o->f) == n;
}

/* Writes a large array in pieces (crc32 takes 32-bit lengths). */
static bool sink_big(out_stream *o, const void *data, size_t n)
{
    const unsigned char *p = data;
    while (n > 0) {
        size_t part = n > (1u << 30) ? (1u << 30) : n;
        if (!sink(o, p, part))
            return false;
        p += part;
        n -= part;
    }
    return true;
}

static bool sink_u64(out_stream *o, uint64_t v)
{
    return sink(o, &v, sizeof v);
}

static bool sink_str(out_stream *o, const char *s)
{
    uint64_t n = s ? strlen(s) : 0;
    return sink_u64(o, n) && sink(o, s, (size_t)n);
}

static bool sink_block(out_stream *o, const infl_block_moments *b)
{
    return sink_big(o, b->cells, b->n_cells * sizeof(infl_moments)) &&
           sink_big(o, b->pairs, b->n_pairs * sizeof(infl_moments));
}

infl_status infl__checkpoint_save(const char *path, const infl__checkpoint_view *v, infl_error *err)
{
    char *tmp = NULL;
    int fd = -1;
    /* err NULL: the checkpoint words its own messages; errno is the reason. */
    if (infl__atomic_temp_open(path, NULL, &tmp, &fd, NULL) != INFL_OK) {
        if (errno == ENOMEM)
            return infl_error_add(err, INFL_ENOMEM, "out of memory saving a checkpoint");
        return infl_error_add(err, INFL_EIO, "%s: cannot write a checkpoint: %s", path,
                              strerror(errno));
    }
    out_stream o = {.f = fdopen(fd, "wb"), .crc = crc32(0L, Z_NULL, 0)};
    infl_status rc = INFL_OK;
    if (o.f == NULL) {
        int e = errno;
        close(fd);
        unlink(tmp);
        rc = infl_error_add(err, INFL_EIO, "%s: cannot write a checkpoint: %s", path, strerror(e));
        goto done;
    }
    uint64_t header[2] = {0, 0};
    bool ok = fwrite(MAGIC, 1, sizeof MAGIC, o.f) == sizeof MAGIC &&
              fwrite(&PROBE, sizeof PROBE, 1, o.f) == 1 &&
              fwrite(header, sizeof header, 1, o.f) == 1;
    /* The payload. */
    ok = ok && sink_u64(&o, v->seed) && sink_u64(&o, v->trials) && sink_u64(&o, v->no_trials) &&
         sink_u64(&o, v->n_strategies) && sink_u64(&o, v->n_metrics) &&
         sink_u64(&o, v->first_block) && sink_u64(&o, v->next_block) &&
         sink_u64(&o, v->done_trials) && sink_u64(&o, v->hires) && sink_u64(&o, v->shard.index) &&
         sink_u64(&o, v->shard.count) && sink_str(&o, infl_version()) &&
         sink_str(&o, v->source->origin) && sink_str(&o, v->source->text) &&
         sink_u64(&o, v->source->n_sets);
    for (size_t i = 0; ok && i < v->source->n_sets; i++)
        ok = sink_str(&o, v->source->sets[i]);
    const size_t cells = (size_t)(v->n_strategies * v->n_metrics);
    const size_t done = (size_t)v->done_trials;
    if (ok && !v->no_trials) {
        const infl_trials *tr = v->tr;
        const size_t t0 = (size_t)(v->first_block * INFL_ENGINE_BLOCK);
        for (size_t c = 0; ok && c < cells; c++)
            ok = sink_big(&o, tr->values + c * tr->n_trials + t0, done * sizeof(double));
        ok = ok && sink_big(&o, tr->purchase_rate + t0, done * sizeof(double)) &&
             sink_big(&o, tr->wom_purchase_factor + t0, done * sizeof(double)) &&
             sink_big(&o, tr->addressable + t0, done * sizeof(double)) &&
             sink_big(&o, tr->repeat_orders + t0, done * sizeof(double));
    } else if (ok) {
        ok = sink_block(&o, v->moments) && sink_block(&o, v->open) && sink_u64(&o, v->n_units);
        for (size_t u = 0; ok && u < v->n_units; u++)
            ok = sink_block(&o, &v->units[u]);
        ok = ok && infl__tally_stream_save(v->tally, sink, &o);
    }
    /* Length and CRC into the header. */
    header[0] = o.bytes;
    header[1] = o.crc;
    ok = ok && fseek(o.f, (long)(sizeof MAGIC + sizeof PROBE), SEEK_SET) == 0 &&
         fwrite(header, sizeof header, 1, o.f) == 1 && fflush(o.f) == 0;
    int e = errno;
    if (fclose(o.f) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (!ok) {
        unlink(tmp);
        rc = infl_error_add(err, INFL_EIO, "%s: cannot save the checkpoint: %s", path, strerror(e));
        goto done;
    }
    /* Flush, rename over the previous checkpoint, flush the folder; on
     * failure the temporary is removed and the previous checkpoint stays. */
    if (infl__atomic_commit(tmp, path, NULL, true, NULL) != INFL_OK)
        rc = infl_error_add(err, INFL_EIO, "%s: cannot save the checkpoint: %s", path,
                            strerror(errno));
done:
    free(tmp);
    return rc;
}

typedef struct {
    FILE *f;
    uLong crc;
    uint64_t left; /* payload bytes not read yet */
} in_stream;

static bool source(void *ctx, void *data, size_t n)
{
    in_stream *in = ctx;
    if (n == 0)
        return true;
    if (n > in->left || fread(data, 1, n, in->f) != n)
        return false;
    in->left -= n;
    in->crc = crc32(in->crc, data, (uInt)n);
    return true;
}

static bool source_big(in_stream *in, void *data, size_t n)
{
    unsigned char *p = data;
    while (n > 0) {
        size_t part = n > (1u << 30) ? (1u << 30) : n;
        if (!source(in, p, part))
            return false;
        p += part;
        n -= part;
    }
    return true;
}

static bool source_u64(in_stream *in, uint64_t *v)
{
    return source(in, v, sizeof *v);
}

/* Reads a block of moments of n_strategies x n_metrics into *b (initialised
 * here, destroyed by the caller whatever the outcome). */
static bool source_block(in_stream *in, infl_block_moments *b, size_t n_strategies,
                         size_t n_metrics)
{
    if ((n_strategies * n_metrics + n_strategies * n_strategies) * sizeof(infl_moments) > in->left)
        return false;
    return infl__moments_block_init(b, n_strategies, n_metrics) &&
           source_big(in, b->cells, b->n_cells * sizeof(infl_moments)) &&
           source_big(in, b->pairs, b->n_pairs * sizeof(infl_moments));
}

static bool source_str(in_stream *in, char **out)
{
    uint64_t n;
    if (!source_u64(in, &n) || n > in->left)
        return false;
    *out = malloc((size_t)n + 1);
    if (*out == NULL || !source(in, *out, (size_t)n))
        return false;
    (*out)[n] = '\0';
    return true;
}

void infl_checkpoint_free(infl_checkpoint *cp)
{
    if (cp == NULL)
        return;
    free(cp->version);
    free(cp->origin);
    free(cp->text);
    for (size_t i = 0; cp->sets && i < cp->n_sets; i++)
        free(cp->sets[i]);
    free(cp->sets);
    free(cp->values);
    free(cp->purchase_rate);
    free(cp->wom_purchase_factor);
    free(cp->addressable);
    free(cp->repeat_orders);
    infl__moments_block_destroy(&cp->moments);
    infl__moments_block_destroy(&cp->open);
    for (size_t u = 0; cp->units && u < cp->n_units; u++)
        infl__moments_block_destroy(&cp->units[u]);
    free(cp->units);
    infl__tally_stream_free(cp->tally);
    free(cp);
}

infl_status infl_checkpoint_load(const char *path, infl_checkpoint **out, infl_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return infl_error_add(err, INFL_EIO, "%s: cannot open the checkpoint: %s", path,
                              strerror(errno));
    infl_checkpoint *cp = calloc(1, sizeof *cp);
    char magic[8];
    uint64_t probe = 0, header[2];
    struct stat st;
    infl_status rc = INFL_OK;
    if (cp == NULL) {
        rc = infl_error_add(err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    if (fread(magic, 1, sizeof magic, f) != sizeof magic || memcmp(magic, MAGIC, sizeof magic) ||
        fread(&probe, sizeof probe, 1, f) != 1 || fread(header, sizeof header, 1, f) != 1) {
        rc = infl_error_add(err, INFL_EFORMAT, "%s: not an influsim checkpoint (or cut short)",
                            path);
        goto done;
    }
    if (probe != PROBE) {
        rc = infl_error_add(err, INFL_EFORMAT,
                            "%s: a checkpoint from a machine with another byte order", path);
        goto done;
    }
    if (fstat(fileno(f), &st) != 0 ||
        header[0] != (uint64_t)st.st_size - sizeof magic - sizeof probe - sizeof header) {
        rc = infl_error_add(err, INFL_EFORMAT,
                            "%s: the checkpoint is cut short or has bytes added (%llu bytes of "
                            "payload announced)",
                            path, (unsigned long long)header[0]);
        goto done;
    }
    in_stream in = {.f = f, .crc = crc32(0L, Z_NULL, 0), .left = header[0]};
    uint64_t no_trials = 0, n_sets = 0;
    bool ok = source_u64(&in, &cp->seed) && source_u64(&in, &cp->trials) &&
              source_u64(&in, &no_trials) && source_u64(&in, &cp->n_strategies) &&
              source_u64(&in, &cp->n_metrics) && source_u64(&in, &cp->first_block) &&
              source_u64(&in, &cp->next_block) && source_u64(&in, &cp->done_trials) &&
              source_u64(&in, &cp->hires) && source_u64(&in, &cp->shard.index) &&
              source_u64(&in, &cp->shard.count) && source_str(&in, &cp->version) &&
              source_str(&in, &cp->origin) && source_str(&in, &cp->text) &&
              source_u64(&in, &n_sets);
    cp->no_trials = no_trials != 0;
    /* Sizes checked against what the payload can hold before allocating. */
    const uint64_t cells = cp->n_strategies * cp->n_metrics;
    const uint64_t n_blocks = (cp->trials + INFL_ENGINE_BLOCK - 1) / INFL_ENGINE_BLOCK;
    ok = ok && no_trials <= 1 && n_sets <= in.left / 8 && cp->n_strategies > 0 &&
         cp->n_metrics > 0 && cp->n_strategies < (1u << 20) && cp->n_metrics < (1u << 20) &&
         cp->trials <= (UINT64_C(1) << 56) && cp->first_block <= cp->next_block &&
         cp->next_block <= n_blocks &&
         (cp->shard.count == 0 || cp->shard.index < cp->shard.count) &&
         (cp->shard.count > 0 || cp->first_block == 0) &&
         cp->done_trials == infl__checkpoint_trials_in(cp->trials, cp->first_block, cp->next_block);
    if (ok) {
        cp->n_sets = (size_t)n_sets;
        cp->sets = calloc(n_sets ? (size_t)n_sets : 1, sizeof *cp->sets);
        ok = cp->sets != NULL;
    }
    for (size_t i = 0; ok && i < cp->n_sets; i++)
        ok = source_str(&in, &cp->sets[i]);
    if (ok && !cp->no_trials) {
        const uint64_t done = cp->done_trials;
        ok = done <= in.left / 8 / (cells + 4);
        if (ok) {
            size_t n = (size_t)done;
            /* No trials done: no values, whatever the cells (which the
             * payload bounds only through the trials). */
            cp->values = malloc((n ? n * (size_t)cells : 1) * sizeof(double));
            cp->purchase_rate = malloc((n ? n : 1) * sizeof(double));
            cp->wom_purchase_factor = malloc((n ? n : 1) * sizeof(double));
            cp->addressable = malloc((n ? n : 1) * sizeof(double));
            cp->repeat_orders = malloc((n ? n : 1) * sizeof(double));
            ok = cp->values && cp->purchase_rate && cp->wom_purchase_factor && cp->addressable &&
                 cp->repeat_orders &&
                 source_big(&in, cp->values, n * (size_t)cells * sizeof(double)) &&
                 source_big(&in, cp->purchase_rate, n * sizeof(double)) &&
                 source_big(&in, cp->wom_purchase_factor, n * sizeof(double)) &&
                 source_big(&in, cp->addressable, n * sizeof(double)) &&
                 source_big(&in, cp->repeat_orders, n * sizeof(double));
        }
    } else if (ok) {
        const size_t ns = (size_t)cp->n_strategies, nm = (size_t)cp->n_metrics;
        uint64_t n_units = 0;
        ok = source_block(&in, &cp->moments, ns, nm) && source_block(&in, &cp->open, ns, nm) &&
             source_u64(&in, &n_units) &&
             n_units <=
                 in.left / ((cells + cp->n_strategies * cp->n_strategies) * sizeof(infl_moments));
        if (ok && n_units > 0) {
            cp->units = calloc((size_t)n_units, sizeof *cp->units);
            ok = cp->units != NULL;
            for (size_t u = 0; ok && u < (size_t)n_units; u++) {
                cp->n_units = u + 1; /* so that free destroys what was read */
                ok = source_block(&in, &cp->units[u], ns, nm);
            }
        }
        ok = ok && (cp->tally = infl__tally_stream_load(ns, nm, source, &in)) != NULL;
    }
    if (!ok || in.left != 0) {
        rc = infl_error_add(err, INFL_EFORMAT, "%s: the checkpoint is damaged (inconsistent data)",
                            path);
        goto done;
    }
    if (in.crc != header[1]) {
        rc = infl_error_add(err, INFL_EFORMAT,
                            "%s: the checkpoint is damaged (its checksum does not match)", path);
        goto done;
    }
done:
    fclose(f);
    if (rc != INFL_OK) {
        infl_checkpoint_free(cp);
        return rc;
    }
    *out = cp;
    return INFL_OK;
}

infl_checkpoint_source infl_checkpoint_scenario(const infl_checkpoint *cp)
{
    return (infl_checkpoint_source){.origin = cp->origin,
                                    .text = cp->text,
                                    .sets = (const char *const *)cp->sets,
                                    .n_sets = cp->n_sets};
}

uint64_t infl_checkpoint_trials_done(const infl_checkpoint *cp)
{
    return cp->done_trials;
}

int infl_checkpoint_no_trials(const infl_checkpoint *cp)
{
    return cp->no_trials;
}

infl_status infl__checkpoint_restore(const infl_checkpoint *cp, const infl_scenario *sc,
                                     bool no_trials, infl_trials *tr, infl_block_moments *moments,
                                     infl_block_moments *open, infl_tally_stream *tally,
                                     infl__checkpoint_start *start, infl_error *err)
{
    if (cp->shard.count > 0)
        return infl_error_add(err, INFL_EINVAL,
                              "this is shard %llu/%llu of a run, not a checkpoint: merge the "
                              "shards with `influsim merge`",
                              (unsigned long long)(cp->shard.index + 1),
                              (unsigned long long)cp->shard.count);
    if (strcmp(cp->version, infl_version()) != 0)
        return infl_error_add(err, INFL_EINVAL,
                              "the checkpoint was saved by influsim %s, this is %s: its numbers "
                              "would not be this version's (run it with that version)",
                              cp->version, infl_version());
    const uint64_t n_trials = sc->trials;
    const uint64_t n_blocks = (n_trials + INFL_ENGINE_BLOCK - 1) / INFL_ENGINE_BLOCK;
    const size_t n_strategies = sc->n_strategies, n_metrics = infl__metrics_count(sc);
    if (cp->seed != sc->seed || cp->trials != n_trials || cp->no_trials != no_trials ||
        cp->n_strategies != n_strategies || cp->n_metrics != n_metrics || cp->next_block > n_blocks)
        return infl_error_add(err, INFL_EINVAL,
                              "the checkpoint does not match this run (seed, trials, "
                              "strategies, metrics or --no-trials differ)");
    /* Its trials, tallies and hires as if this run had made them. */
    *start = (infl__checkpoint_start){
        .next_block = cp->next_block, .done_trials = cp->done_trials, .hires = cp->hires};
    if (no_trials) {
        infl__moments_block_merge(moments, &cp->moments);
        infl__moments_block_merge(open, &cp->open);
        if (!infl__tally_stream_merge(tally, cp->tally))
            return infl_error_add(err, INFL_ENOMEM, "out of memory resuming");
        return INFL_OK;
    }
    const size_t cells = n_strategies * n_metrics, d = (size_t)cp->done_trials;
    for (size_t c = 0; c < cells; c++)
        memcpy(tr->values + c * n_trials, cp->values + c * d, d * sizeof(double));
    memcpy(tr->purchase_rate, cp->purchase_rate, d * sizeof(double));
    memcpy(tr->wom_purchase_factor, cp->wom_purchase_factor, d * sizeof(double));
    memcpy(tr->addressable, cp->addressable, d * sizeof(double));
    memcpy(tr->repeat_orders, cp->repeat_orders, d * sizeof(double));
    return INFL_OK;
}
