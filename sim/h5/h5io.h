/*
 * h5io.h — the checked HDF5 building blocks that the results file's writer
 * and reader share: one file being written or read with its first failure,
 * HDF5's own error printing turned off, the UTF-8 string type, scalar
 * attributes, labelled 1-D and N-D datasets and their dimension scales.
 *
 * Every helper checks every HDF5 call. The writer's helpers record the first
 * failure in the infl__h5_io (naming the object: "PATH: cannot write
 * attribute 'seed'") and return false (or a negative id), so a caller chains
 * them with && and later failures add no noise.
 */
#ifndef INFL_SIM_H5IO_H
#define INFL_SIM_H5IO_H

#include "influsim/error.h"

#include <hdf5.h>
#include <stdbool.h>
#include <stdint.h>

/* Per-trial datasets: chunk length (values) and deflate level. */
#define INFL__H5_CHUNK_MAX 65536
#define INFL__H5_DEFLATE_LEVEL 4

/* What a writer wrote as variable-length strings, which HDF5 keeps in its
 * global heap without a checksum: for each string attribute ("PATH@NAME")
 * and each string dataset ("PATH"), a hash of its value(s)
 * (infl__h5_string_hash), written into /integrity at the end (integrity.h)
 * so that a read-through can check them. */
typedef struct {
    char **names;
    uint64_t *hashes;
    uint64_t *addresses; /* a string dataset's object header address (0: an attribute) */
    size_t n, cap;
    bool failed; /* out of memory: the log is incomplete and is not written */
} infl__h5_string_log;

/* A file being written or read: where messages go, and the first failure. */
typedef struct {
    infl_error *err;
    const char *path;             /* the file as the user named it, for messages */
    infl_status rc;               /* INFL_OK until something fails */
    unsigned threads;             /* the writer's: threads for compressing chunks */
    infl__h5_string_log *strings; /* the writer's (NULL: nothing logged) */
} infl__h5_io;

/* FNV-1a (64 bits) of s and its terminating zero, continuing from h (start
 * with INFL__H5_HASH_START): the hash of a string, or of a string dataset's
 * values in order. */
#define INFL__H5_HASH_START 0xcbf29ce484222325ull
uint64_t infl__h5_string_hash(uint64_t h, const char *s);

/* Frees the log's entries (the struct is the caller's). */
void infl__h5_string_log_destroy(infl__h5_string_log *log);

/*
 * Records a failure to write `what` ("attribute", "dataset", "group") named
 * `name`, unless one is recorded already: INFL_EIO with the system's reason
 * when errno says the disk is full, a size limit or an I/O error (HDF5 gives
 * no cause of its own; clear errno before writing), INFL_EHDF5 otherwise.
 * Returns false.
 */
bool infl__h5_fail(infl__h5_io *io, const char *what, const char *name);

/* HDF5's automatic error printing, saved by infl__h5_quiet (which turns it
 * off, so a library call never prints) and put back by infl__h5_restore. */
typedef struct {
    H5E_auto2_t func;
    void *data;
} infl__h5_quiet_state;
infl__h5_quiet_state infl__h5_quiet(void);
void infl__h5_restore(infl__h5_quiet_state q);

/* A variable-length UTF-8 string type (h5py reads it as str), owned by the
 * caller (H5Tclose); negative on failure. */
hid_t infl__h5_str_type(void);

/* Scalar attributes of loc: a string, an unsigned 64-bit integer, a double,
 * and a boolean as h5py writes one (an int8 enum FALSE/TRUE, read back as
 * bool); then a 1-D array of doubles. False (failure recorded) on error. */
bool infl__h5_attr_str(infl__h5_io *io, hid_t loc, const char *name, const char *value);
bool infl__h5_attr_u64(infl__h5_io *io, hid_t loc, const char *name, uint64_t v);
bool infl__h5_attr_f64(infl__h5_io *io, hid_t loc, const char *name, double v);
bool infl__h5_attr_bool(infl__h5_io *io, hid_t loc, const char *name, bool v);
bool infl__h5_attr_f64_array(infl__h5_io *io, hid_t loc, const char *name, const double *v,
                             size_t n);
/* Rewrites an attribute written earlier, from memory of type mem_type (the
 * file keeps the attribute's type and its place in the creation order). */
bool infl__h5_attr_update(infl__h5_io *io, hid_t loc, const char *name, hid_t mem_type,
                          const void *v);

/* Creates a group; its id (the caller closes it), or negative (recorded). */
hid_t infl__h5_group(infl__h5_io *io, hid_t loc, const char *name);

/* Creates a 1-D dataset of n values stored as file_type, chunked (at most
 * INFL__H5_CHUNK_MAX values) and checksummed (Fletcher-32: HDF5 refuses a
 * damaged chunk) unless file_type is a variable-length string (HDF5
 * filters none), shuffled and deflated when `compress`; its id
 * (the caller closes it), or negative (recorded). */
hid_t infl__h5_dataset_1d(infl__h5_io *io, hid_t loc, const char *name, hid_t file_type, hsize_t n,
                          bool compress);

/* Gives dataset d its `units` and `long_name` attributes. */
bool infl__h5_label(infl__h5_io *io, hid_t d, const char *units, const char *long_name);

/* Writes a labelled 1-D column of n doubles, stored as file_type (the
 * values converted), with `scale` (if >= 0) attached as its dimension scale. */
bool infl__h5_column(infl__h5_io *io, hid_t loc, const char *name, hid_t file_type, const double *v,
                     hsize_t n, bool compress, const char *units, const char *long_name,
                     hid_t scale);

/* Writes a 1-D column of n UTF-8 strings, units "1". With keep non-NULL the
 * dataset stays open and *keep gets it (the caller closes it; to make it a
 * dimension scale). */
bool infl__h5_string_column(infl__h5_io *io, hid_t loc, const char *name, char *const *v, hsize_t n,
                            const char *long_name, hid_t *keep);

/* Writes a 1-D column of n UTF-8 strings as infl__h5_string_column does,
 * with `scale` attached as its dimension scale (a table's row index), so
 * that netCDF readers (xarray) see its dimension. */
bool infl__h5_string_column_on(infl__h5_io *io, hid_t loc, const char *name, char *const *v,
                               hsize_t n, const char *long_name, hid_t scale);

/* Writes the row index 0..n-1 (uint64, labelled) as the dimension scale
 * `name` of loc, the dimension of a table whose rows have no label of their
 * own; *out gets it open (the caller closes it). False (recorded) on error. */
bool infl__h5_index_scale(infl__h5_io *io, hid_t loc, const char *name, hsize_t n, bool compress,
                          const char *long_name, hid_t *out);

/* Writes a labelled float64 array of dims[0..rank) (one chunk, with a
 * Fletcher-32 checksum), with scales[k] attached to dimension k. */
bool infl__h5_nd_array(infl__h5_io *io, hid_t loc, const char *name, int rank, const hsize_t *dims,
                       const double *v, const hid_t *scales, const char *units,
                       const char *long_name);

#endif
