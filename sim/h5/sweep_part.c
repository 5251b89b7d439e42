/*
 * sweep_part.c — a shard's part of a sweep (see influsim/h5.h): saved,
 * loaded and merged. The payload is wire.c's encoding (the summaries as the
 * guarded readers send them: every field, doubles bit for bit), framed by a
 * magic, the payload's length and its CRC-32, so a damaged or cut part is
 * refused before anything in it is believed; the decoder checks every count
 * against the bytes left besides.
 */
#include "base/atomic_file.h"
#include "h5/wire.h"
#include "base/text.h"
#include "influsim/version.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static const char MAGIC[8] = {'I', 'N', 'F', 'L', 'S', 'W', 'P', '1'};
#define FRAME (sizeof MAGIC + 16)

/* The part's payload, before the frame. */
static bool put_part(infl__wire *w, const infl_h5_sweep_part *p)
{
    bool ok = infl__wire_put_str(w, infl_version()) && infl__wire_put_str(w, p->origin) &&
              infl__wire_put_str(w, p->text) && infl__wire_put_strs(w, p->sets, p->n_sets) &&
              infl__wire_put_u64(w, p->seed) && infl__wire_put_u64(w, p->trials) &&
              infl__wire_put_u64(w, p->no_trials) && infl__wire_put_u64(w, p->shard_index) &&
              infl__wire_put_u64(w, p->shard_count) && infl__wire_put_u64(w, p->n_axes);
    for (size_t a = 0; ok && a < p->n_axes; a++) {
        const infl_sweep_axis *ax = &p->axes[a];
        ok = infl__wire_put_str(w, ax->key) && infl__wire_put_str(w, ax->name) &&
             infl__wire_put_u64(w, ax->log) && infl__wire_put_u64(w, ax->n) &&
             infl__wire_put_f64s(w, ax->values, ax->n);
    }
    ok = ok && infl__wire_put_u64(w, p->n_points) && infl__wire_put_u64(w, p->first) &&
         infl__wire_put_u64(w, p->end);
    for (size_t i = p->first; ok && i < p->end; i++)
        ok = infl__wire_put_summary(w, p->points[i]);
    return ok;
}

infl_status infl_h5_sweep_part_save(const char *path, bool replace, const infl_h5_sweep_part *p,
                                    infl_error *err)
{
    infl__wire w;
    infl__wire_init(&w);
    unsigned char frame[FRAME];
    infl_status rc = INFL_OK;
    if (!put_part(&w, p)) {
        infl__wire_destroy(&w);
        return infl_error_add(err, INFL_ENOMEM, "out of memory saving the sweep's part");
    }
    const unsigned char *payload = w.data;
    const size_t n = w.len;
    uint64_t header[2] = {n, crc32(crc32(0L, Z_NULL, 0), payload, (uInt)n)};
    memcpy(frame, MAGIC, sizeof MAGIC);
    memcpy(frame + sizeof MAGIC, header, sizeof header);
    unsigned char *file = malloc(FRAME + n);
    if (file == NULL) {
        infl__wire_destroy(&w);
        return infl_error_add(err, INFL_ENOMEM, "out of memory saving the sweep's part");
    }
    memcpy(file, frame, FRAME);
    memcpy(file + FRAME, payload, n);
    rc = infl__atomic_write_bytes(path, file, FRAME + n, replace, err);
    free(file);
    infl__wire_destroy(&w);
    return rc;
}

void infl_h5_sweep_part_destroy(infl_h5_sweep_part *p)
{
    if (p == NULL)
        return;
    free(p->version);
    free(p->origin);
    free(p->text);
    for (size_t i = 0; p->sets && i < p->n_sets; i++)
        free(p->sets[i]);
    free(p->sets);
    for (size_t a = 0; a < p->n_axes && a < INFL_SWEEP_MAX_AXES; a++)
        infl_sweep_axis_destroy(&p->axes[a]);
    for (size_t i = 0; p->points && i < p->n_points; i++)
        infl_summary_free(p->points[i]);
    free(p->points);
    memset(p, 0, sizeof *p);
}

static bool get_part(infl__wire *w, infl_h5_sweep_part *p)
{
    uint64_t no_trials = 0, n_axes = 0, n_points = 0, first = 0, end = 0;
    bool ok = infl__wire_get_text(w, &p->version) && infl__wire_get_str(w, &p->origin) &&
              infl__wire_get_text(w, &p->text) && infl__wire_get_strs(w, &p->n_sets, &p->sets) &&
              infl__wire_get_u64(w, &p->seed) && infl__wire_get_u64(w, &p->trials) &&
              infl__wire_get_u64(w, &no_trials) && infl__wire_get_u64(w, &p->shard_index) &&
              infl__wire_get_u64(w, &p->shard_count) && infl__wire_get_u64(w, &n_axes) &&
              no_trials <= 1 && n_axes >= 1 && n_axes <= INFL_SWEEP_MAX_AXES &&
              p->shard_count > 0 && p->shard_index < p->shard_count;
    p->no_trials = no_trials != 0;
    size_t grid = 1;
    for (size_t a = 0; ok && a < n_axes; a++) {
        infl_sweep_axis *ax = &p->axes[a];
        uint64_t log = 0, nv = 0;
        p->n_axes = a + 1; /* so that destroy frees what was read */
        ok = infl__wire_get_text(w, &ax->key) && infl__wire_get_text(w, &ax->name) &&
             infl__wire_get_u64(w, &log) && log <= 1 && infl__wire_get_u64(w, &nv) && nv >= 1 &&
             nv <= INFL_SWEEP_MAX_POINTS && nv <= (w->len - w->pos) / 8;
        if (ok) {
            ax->log = log != 0;
            ax->n = (size_t)nv;
            grid *= ax->n;
            ok = (ax->values = malloc(ax->n * sizeof *ax->values)) != NULL &&
                 infl__wire_get_f64s(w, ax->values, ax->n);
        }
    }
    ok = ok && infl__wire_get_u64(w, &n_points) && infl__wire_get_u64(w, &first) &&
         infl__wire_get_u64(w, &end) && n_points == grid && first <= end && end <= n_points;
    if (ok) {
        p->n_points = (size_t)n_points;
        p->first = (size_t)first;
        p->end = (size_t)end;
        ok = (p->points = calloc(p->n_points, sizeof *p->points)) != NULL;
    }
    for (size_t i = p->first; ok && i < p->end; i++)
        ok = infl__wire_get_summary(w, &p->points[i]);
    return ok && infl__wire_done(w);
}

bool infl_h5_is_sweep_part(const char *path)
{
    FILE *f = fopen(path, "rb");
    char magic[sizeof MAGIC];
    bool yes = f != NULL && fread(magic, 1, sizeof magic, f) == sizeof magic &&
               memcmp(magic, MAGIC, sizeof MAGIC) == 0;
    if (f != NULL)
        fclose(f);
    return yes;
}

infl_status infl_h5_sweep_part_load(const char *path, infl_h5_sweep_part *out, infl_error *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return infl_error_add(err, INFL_EIO, "%s: cannot open: %s", path, strerror(errno));
    unsigned char frame[FRAME];
    uint64_t header[2];
    infl_status rc = INFL_OK;
    unsigned char *payload = NULL;
    long size = -1;
    if (fread(frame, 1, FRAME, f) != FRAME || memcmp(frame, MAGIC, sizeof MAGIC) != 0) {
        rc = infl_error_add(err, INFL_EFORMAT, "%s: not a sweep's part (or cut short)", path);
        goto done;
    }
    memcpy(header, frame + sizeof MAGIC, sizeof header);
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
        header[0] != (uint64_t)size - FRAME) {
        rc = infl_error_add(err, INFL_EFORMAT,
                            "%s: the sweep's part is cut short or has bytes added", path);
        goto done;
    }
    if ((payload = malloc(header[0] ? (size_t)header[0] : 1)) == NULL) {
        rc = infl_error_add(err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    if (fseek(f, (long)FRAME, SEEK_SET) != 0 ||
        fread(payload, 1, (size_t)header[0], f) != (size_t)header[0]) {
        rc = infl_error_add(err, INFL_EIO, "%s: cannot read", path);
        goto done;
    }
    if (crc32(crc32(0L, Z_NULL, 0), payload, (uInt)header[0]) != header[1]) {
        rc = infl_error_add(err, INFL_EFORMAT,
                            "%s: the sweep's part is damaged (its checksum does not match)", path);
        goto done;
    }
    infl__wire w;
    infl__wire_over(&w, payload, (size_t)header[0]);
    bool ok = get_part(&w, out);
    infl__wire_destroy(&w);
    if (!ok)
        rc = infl_error_add(err, INFL_EFORMAT,
                            "%s: the sweep's part is damaged (inconsistent data)", path);
done:
    free(payload);
    fclose(f);
    return rc;
}

/* What two parts must share to be parts of one sweep; NULL if they do. */
static const char *difference(const infl_h5_sweep_part *a, const infl_h5_sweep_part *b)
{
    if (strcmp(a->version, b->version) != 0)
        return "influsim version";
    if (strcmp(a->text, b->text) != 0)
        return "scenario";
    if (!infl__text_lists_equal(a->sets, a->n_sets, b->sets, b->n_sets))
        return "--set overrides";
    if (a->seed != b->seed)
        return "seed";
    if (a->trials != b->trials)
        return "number of trials";
    if (a->no_trials != b->no_trials)
        return "--no-trials";
    if (a->n_axes != b->n_axes)
        return "--vary";
    for (size_t x = 0; x < a->n_axes; x++)
        if (strcmp(a->axes[x].key, b->axes[x].key) != 0 || a->axes[x].n != b->axes[x].n ||
            a->axes[x].log != b->axes[x].log ||
            memcmp(a->axes[x].values, b->axes[x].values, a->axes[x].n * sizeof(double)) != 0)
            return "--vary";
    if (a->shard_count != b->shard_count)
        return "number of shards";
    return NULL;
}

static bool copy_axis(infl_sweep_axis *to, const infl_sweep_axis *from)
{
    *to = (infl_sweep_axis){.n = from->n, .log = from->log};
    to->key = strdup(from->key);
    to->name = strdup(from->name);
    to->values = malloc(from->n * sizeof *to->values);
    if (to->values)
        memcpy(to->values, from->values, from->n * sizeof *to->values);
    return to->key && to->name && to->values;
}

infl_status infl_h5_sweep_parts_merge(infl_h5_sweep_part *parts, const char *const *names, size_t n,
                                      infl_h5_sweep_part *out, infl_error *err)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return infl_error_add(err, INFL_EARG, "no partial sweeps to merge");
    for (size_t i = 1; i < n; i++) {
        const char *what = difference(&parts[0], &parts[i]);
        if (what != NULL)
            return infl_error_add(err, INFL_EINVAL,
                                  "%s: not a shard of the same sweep as %s (the %s differs)",
                                  names[i], names[0], what);
    }
    const uint64_t count = parts[0].shard_count;
    for (uint64_t s = 0; s < count; s++) {
        size_t found = SIZE_MAX;
        for (size_t i = 0; i < n; i++) {
            if (parts[i].shard_index != s)
                continue;
            if (found != SIZE_MAX)
                return infl_error_add(err, INFL_EINVAL, "%s and %s are both shard %llu/%llu",
                                      names[found], names[i], (unsigned long long)(s + 1),
                                      (unsigned long long)count);
            found = i;
        }
        if (found == SIZE_MAX)
            return infl_error_add(err, INFL_EINVAL, "shard %llu/%llu is missing (%zu part%s given)",
                                  (unsigned long long)(s + 1), (unsigned long long)count, n,
                                  n == 1 ? "" : "s");
        size_t first, end;
        infl_sweep_shard_points(parts[found].n_points, s, count, &first, &end);
        if (parts[found].first != first || parts[found].end != end)
            return infl_error_add(err, INFL_EINVAL,
                                  "%s: shard %llu/%llu should hold points [%zu, %zu), it holds "
                                  "[%zu, %zu)",
                                  names[found], (unsigned long long)(s + 1),
                                  (unsigned long long)count, first, end, parts[found].first,
                                  parts[found].end);
    }
    const infl_h5_sweep_part *p0 = &parts[0];
    bool ok = (out->version = strdup(p0->version)) != NULL &&
              (p0->origin == NULL || (out->origin = strdup(p0->origin)) != NULL) &&
              (out->text = strdup(p0->text)) != NULL &&
              (out->sets = calloc(p0->n_sets ? p0->n_sets : 1, sizeof *out->sets)) != NULL &&
              (out->points = calloc(p0->n_points, sizeof *out->points)) != NULL;
    for (size_t i = 0; ok && i < p0->n_sets; i++, out->n_sets++)
        ok = (out->sets[i] = strdup(p0->sets[i])) != NULL;
    for (size_t a = 0; ok && a < p0->n_axes; a++, out->n_axes++)
        ok = copy_axis(&out->axes[a], &p0->axes[a]);
    if (!ok) {
        infl_h5_sweep_part_destroy(out);
        return infl_error_add(err, INFL_ENOMEM, "out of memory merging the sweep's parts");
    }
    out->seed = p0->seed;
    out->trials = p0->trials;
    out->no_trials = p0->no_trials;
    out->n_points = p0->n_points;
    out->first = 0;
    out->end = p0->n_points;
    for (size_t i = 0; i < n; i++)
        for (size_t q = parts[i].first; q < parts[i].end; q++) {
            out->points[q] = parts[i].points[q];
            parts[i].points[q] = NULL;
        }
    return INFL_OK;
}
