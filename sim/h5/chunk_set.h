/*
 * chunk_set.h — compressing many columns' HDF5 chunks on several threads.
 *
 * HDF5's filter pipeline compresses one chunk at a time on the calling
 * thread, and the library is not thread-safe; with per-trial columns of
 * millions of values, deflate then takes as long as a good part of the
 * simulation. Here each chunk is converted to its file type, byte-shuffled
 * and deflated exactly as HDF5's shuffle and deflate filters would (zlib's
 * compress2), on OpenMP threads; the caller then writes the finished chunks
 * in order with H5Dwrite_chunk on one thread. Readers see an ordinary
 * shuffle+deflate dataset.
 */
#ifndef INFL_SIM_H5CHUNKS_H
#define INFL_SIM_H5CHUNKS_H

#include <hdf5.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One column to compress: n doubles, stored as IEEE f64 LE or, when
 * as_u64, as unsigned 64-bit LE integers (the values must be whole and >= 0). */
typedef struct {
    const double *values;
    uint64_t n;
    bool as_u64;
} infl_chunk_column;

/* The chunks of a set of columns, compressed a batch at a time. */
typedef struct infl_chunk_set infl_chunk_set;

/* Returns the chunk list of the columns (chunks of `chunk` values; the last
 * of each column padded with zeros as HDF5 stores it), or NULL when out of
 * memory. The columns must outlive the set. */
infl_chunk_set *infl__chunk_set_new(const infl_chunk_column *cols, size_t n_cols, uint64_t chunk);

/* Number of chunks of all columns, column after column. */
size_t infl__chunk_set_count(const infl_chunk_set *set);

/* Largest batch whose compressed chunks are held at once: the memory the
 * writer needs beyond the samples does not grow with the trials. */
size_t infl__chunk_set_batch(const infl_chunk_set *set);

/*
 * Compresses chunks [first, first + count) at deflate `level` on `threads`
 * threads (0: OpenMP's default), releasing the previous batch; count must not
 * exceed infl__chunk_set_batch. Returns false when out of memory.
 */
bool infl__chunk_set_compress(infl_chunk_set *set, size_t first, size_t count, int level,
                              unsigned threads);

/* Writes the compressed chunks [first, first + count) into datasets[column]
 * (each created with the same chunk size and the shuffle, deflate and
 * fletcher32 filters, in that order: infl__h5_dataset_1d's). Returns a negative value on an HDF5
 * failure. */
herr_t infl__chunk_set_write(const infl_chunk_set *set, size_t first, size_t count,
                             const hid_t *datasets);

void infl__chunk_set_free(infl_chunk_set *set);

/* The version of zlib in use. */
const char *infl__chunk_set_zlib_version(void);

#endif
