/*
 * h5chunks.c — parallel shuffle+deflate of HDF5 chunks (see h5chunks.h).
 */
#include "h5chunks.h"

#include "influsim/engine.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef struct {
    unsigned char *data; /* compressed bytes, NULL until done */
    size_t size;
} chunk_out;

struct infl_chunk_set {
    size_t n_cols;
    uint64_t chunk;
    size_t *first; /* index of each column's first chunk in `chunks` */
    size_t *count; /* chunks per column */
    chunk_out *chunks;
};

/* Stores v as 8 little-endian bytes of a double or of a uint64. */
static void put_le(unsigned char *out, double v, bool as_u64)
{
    uint64_t bits;
    if (as_u64) {
        bits = v >= 0.0 && v < 18446744073709551616.0 ? (uint64_t)v : 0;
    } else {
        memcpy(&bits, &v, sizeof bits);
    }
    for (int b = 0; b < 8; b++)
        out[b] = (unsigned char)(bits >> (8 * b));
}

/* Converts, shuffles (byte j of every element together, as H5Z's shuffle
 * filter does) and deflates one chunk. */
static bool compress_chunk(const infl_chunk_column *col, uint64_t first, uint64_t chunk, int level,
                           unsigned char *raw, unsigned char *shuffled, chunk_out *out)
{
    const size_t bytes = (size_t)chunk * 8;
    uint64_t have = col->n - first < chunk ? col->n - first : chunk;
    for (uint64_t i = 0; i < have; i++)
        put_le(raw + 8 * i, col->values[first + i], col->as_u64);
    memset(raw + 8 * have, 0, (size_t)(chunk - have) * 8); /* the padding HDF5 stores */
    for (size_t j = 0; j < 8; j++)
        for (uint64_t i = 0; i < chunk; i++)
            shuffled[j * chunk + i] = raw[8 * i + j];
    uLongf size = compressBound((uLong)bytes);
    unsigned char *dst = malloc(size);
    if (dst == NULL)
        return false;
    if (compress2(dst, &size, shuffled, (uLong)bytes, level) != Z_OK) {
        free(dst);
        return false;
    }
    out->data = dst;
    out->size = size;
    return true;
}

infl_chunk_set *infl_chunk_set_compress(const infl_chunk_column *cols, size_t n_cols,
                                        uint64_t chunk, int level, unsigned threads)
{
    infl_chunk_set *set = calloc(1, sizeof *set);
    if (set == NULL)
        return NULL;
    set->n_cols = n_cols;
    set->chunk = chunk;
    set->first = calloc(n_cols ? n_cols : 1, sizeof *set->first);
    set->count = calloc(n_cols ? n_cols : 1, sizeof *set->count);
    if (set->first == NULL || set->count == NULL) {
        infl_chunk_set_free(set);
        return NULL;
    }
    size_t total = 0;
    for (size_t c = 0; c < n_cols; c++) {
        set->first[c] = total;
        set->count[c] = (size_t)((cols[c].n + chunk - 1) / chunk);
        total += set->count[c];
    }
    set->chunks = calloc(total ? total : 1, sizeof *set->chunks);
    if (set->chunks == NULL) {
        infl_chunk_set_free(set);
        return NULL;
    }
    int failed = 0;
    const long n_chunks = (long)total;
#pragma omp parallel num_threads(threads ? (int)threads : (int)infl_engine_default_threads())      \
    reduction(|                                                                                    \
              : failed)
    {
        unsigned char *raw = malloc((size_t)chunk * 8), *shuffled = malloc((size_t)chunk * 8);
        if (raw == NULL || shuffled == NULL)
            failed = 1;
        size_t col = 0;
#pragma omp for schedule(dynamic, 1)
        for (long k = 0; k < n_chunks; k++) {
            if (raw == NULL || shuffled == NULL)
                continue;
            while (col + 1 < n_cols && set->first[col + 1] <= (size_t)k)
                col++;
            while ((size_t)k < set->first[col])
                col--;
            uint64_t first = (uint64_t)((size_t)k - set->first[col]) * chunk;
            if (!compress_chunk(&cols[col], first, chunk, level, raw, shuffled, &set->chunks[k]))
                failed = 1;
        }
        free(raw);
        free(shuffled);
    }
    if (failed) {
        infl_chunk_set_free(set);
        return NULL;
    }
    return set;
}

herr_t infl_chunk_set_write(const infl_chunk_set *set, size_t i, hid_t d)
{
    for (size_t k = 0; k < set->count[i]; k++) {
        const chunk_out *c = &set->chunks[set->first[i] + k];
        hsize_t offset = (hsize_t)k * set->chunk;
        if (H5Dwrite_chunk(d, H5P_DEFAULT, 0, &offset, c->size, c->data) < 0)
            return -1;
    }
    return 0;
}

void infl_chunk_set_free(infl_chunk_set *set)
{
    if (set == NULL)
        return;
    if (set->chunks != NULL) {
        size_t total = 0;
        for (size_t c = 0; c < set->n_cols; c++)
            total += set->count[c];
        for (size_t k = 0; k < total; k++)
            free(set->chunks[k].data);
    }
    free(set->chunks);
    free(set->first);
    free(set->count);
    free(set);
}
