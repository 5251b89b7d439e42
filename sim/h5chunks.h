/*
 * h5chunks.h — compressing many columns' HDF5 chunks on several threads.
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

/* The compressed chunks of a set of columns. */
typedef struct infl_chunk_set infl_chunk_set;

/*
 * Compresses every chunk of every column (chunks of `chunk` values, the last
 * padded with zeros as HDF5 stores it) at deflate `level`, on `threads`
 * threads (0: OpenMP's default). Returns NULL when out of memory.
 */
infl_chunk_set *infl_chunk_set_compress(const infl_chunk_column *cols, size_t n_cols,
                                        uint64_t chunk, int level, unsigned threads);

/* Writes column i's chunks into dataset d (created with the same chunk size
 * and with the shuffle and deflate filters, in that order). Returns a
 * negative value on an HDF5 failure. */
herr_t infl_chunk_set_write(const infl_chunk_set *set, size_t i, hid_t d);

void infl_chunk_set_free(infl_chunk_set *set);

#endif
