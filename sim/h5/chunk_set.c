/*
 * chunk_set.c — parallel shuffle+deflate of HDF5 chunks (see chunk_set.h).
 */
#include "h5/chunk_set.h"

#include "base/threads.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Raw bytes compressed per batch, at most: the writer's memory beyond the
 * samples stays below about twice this. */
#define BATCH_BYTES ((size_t)32 << 20)

typedef struct {
    size_t column;
    uint64_t first;      /* index of the chunk's first value in its column */
    unsigned char *data; /* compressed bytes of the current batch, else NULL */
    size_t size;
} chunk_ref;

struct infl_chunk_set {
    const infl_chunk_column *cols;
    size_t n_cols;
    uint64_t chunk;
    size_t count;
    chunk_ref *chunks;
    size_t batch_first, batch_count; /* the batch whose data is held */
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

/* HDF5's Fletcher-32 (H5_checksum_fletcher32, used by its fletcher32
 * filter): sums of big-endian 16-bit words, folded every 360 words so that
 * neither sum overflows, an odd last byte as the high half of a word. */
static uint32_t fletcher32(const unsigned char *data, size_t len)
{
    uint32_t sum1 = 0, sum2 = 0;
    size_t words = len / 2;
    while (words > 0) {
        size_t t = words > 360 ? 360 : words;
        words -= t;
        do {
            sum1 += (uint32_t)((data[0] << 8) | data[1]);
            data += 2;
            sum2 += sum1;
        } while (--t);
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
    if (len % 2) {
        sum1 += (uint32_t)(data[0] << 8);
        sum2 += sum1;
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
    sum1 = (sum1 & 0xffff) + (sum1 >> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    return (sum2 << 16) | sum1;
}

/* Converts, shuffles (byte j of every element together, as H5Z's shuffle
 * filter does), deflates and checksums one chunk: the filters shuffle,
 * deflate and fletcher32 in that order, the checksum of the deflated bytes
 * appended little-endian as H5Z's fletcher32 filter appends it. */
static bool compress_chunk(const infl_chunk_column *col, chunk_ref *c, uint64_t chunk, int level,
                           unsigned char *raw, unsigned char *shuffled)
{
    const size_t bytes = (size_t)chunk * 8;
    uint64_t have = col->n - c->first < chunk ? col->n - c->first : chunk;
    for (uint64_t i = 0; i < have; i++)
        put_le(raw + 8 * i, col->values[c->first + i], col->as_u64);
    memset(raw + 8 * have, 0, (size_t)(chunk - have) * 8); /* the padding HDF5 stores */
    for (size_t j = 0; j < 8; j++)
        for (uint64_t i = 0; i < chunk; i++)
            shuffled[j * chunk + i] = raw[8 * i + j];
    uLongf size = compressBound((uLong)bytes);
    unsigned char *dst = malloc(size + 4);
    if (dst == NULL)
        return false;
    if (compress2(dst, &size, shuffled, (uLong)bytes, level) != Z_OK) {
        free(dst);
        return false;
    }
    uint32_t sum = fletcher32(dst, size);
    for (int b = 0; b < 4; b++)
        dst[size + (size_t)b] = (unsigned char)(sum >> (8 * b));
    c->data = dst;
    c->size = size + 4;
    return true;
}

infl_chunk_set *infl__chunk_set_new(const infl_chunk_column *cols, size_t n_cols, uint64_t chunk)
{
    infl_chunk_set *set = calloc(1, sizeof *set);
    if (set == NULL)
        return NULL;
    set->cols = cols;
    set->n_cols = n_cols;
    set->chunk = chunk ? chunk : 1;
    for (size_t c = 0; c < n_cols; c++)
        set->count += (size_t)((cols[c].n + set->chunk - 1) / set->chunk);
    set->chunks = calloc(set->count ? set->count : 1, sizeof *set->chunks);
    if (set->chunks == NULL) {
        free(set);
        return NULL;
    }
    size_t k = 0;
    for (size_t c = 0; c < n_cols; c++)
        for (uint64_t first = 0; first < cols[c].n; first += set->chunk)
            set->chunks[k++] = (chunk_ref){.column = c, .first = first};
    return set;
}

size_t infl__chunk_set_count(const infl_chunk_set *set)
{
    return set->count;
}

size_t infl__chunk_set_batch(const infl_chunk_set *set)
{
    size_t per = (size_t)set->chunk * 8;
    return per >= BATCH_BYTES ? 1 : BATCH_BYTES / per;
}

static void release_batch(infl_chunk_set *set)
{
    for (size_t k = set->batch_first; k < set->batch_first + set->batch_count; k++) {
        free(set->chunks[k].data);
        set->chunks[k].data = NULL;
    }
    set->batch_count = 0;
}

bool infl__chunk_set_compress(infl_chunk_set *set, size_t first, size_t count, int level,
                              unsigned threads)
{
    release_batch(set);
    set->batch_first = first;
    set->batch_count = count;
    const uint64_t chunk = set->chunk;
    const long n = (long)count;
    int failed = 0;
#pragma omp parallel num_threads(threads ? (int)threads : (int)infl__threads_default())            \
    reduction(|                                                                                    \
              : failed)
    {
        unsigned char *raw = malloc((size_t)chunk * 8), *shuffled = malloc((size_t)chunk * 8);
        if (raw == NULL || shuffled == NULL)
            failed = 1;
#pragma omp for schedule(dynamic, 1)
        for (long i = 0; i < n; i++) {
            chunk_ref *c = &set->chunks[first + (size_t)i];
            if (raw == NULL || shuffled == NULL)
                continue;
            if (!compress_chunk(&set->cols[c->column], c, chunk, level, raw, shuffled))
                failed = 1;
        }
        free(raw);
        free(shuffled);
    }
    return !failed;
}

herr_t infl__chunk_set_write(const infl_chunk_set *set, size_t first, size_t count,
                             const hid_t *datasets)
{
    for (size_t k = first; k < first + count; k++) {
        const chunk_ref *c = &set->chunks[k];
        hsize_t offset = c->first;
        if (c->data == NULL ||
            H5Dwrite_chunk(datasets[c->column], H5P_DEFAULT, 0, &offset, c->size, c->data) < 0)
            return -1;
    }
    return 0;
}

void infl__chunk_set_free(infl_chunk_set *set)
{
    if (set == NULL)
        return;
    release_batch(set);
    free(set->chunks);
    free(set);
}

const char *infl__chunk_set_zlib_version(void)
{
    return zlibVersion();
}
