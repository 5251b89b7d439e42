/*
 * h5io.c — checked HDF5 building blocks for the results file (see h5io.h):
 * attributes, string types, labelled datasets, dimension scales, and the
 * switch that keeps HDF5 from printing its error stack.
 */
#include "h5/h5io.h"

#include <errno.h>
#include <hdf5_hl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool infl__h5_fail(infl__h5_io *io, const char *what, const char *name)
{
    if (io->rc != INFL_OK)
        return false;
    /* HDF5 reports no cause; the system's, when it is about space, is the
     * one a user can act on. (errno is cleared when writing starts.) */
    int e = errno;
    if (e == ENOSPC || e == EFBIG || e == EDQUOT || e == EIO)
        io->rc = infl_error_add(io->err, INFL_EIO, "%s: cannot write %s '%s': %s", io->path, what,
                                name, strerror(e));
    else
        io->rc =
            infl_error_add(io->err, INFL_EHDF5, "%s: cannot write %s '%s'", io->path, what, name);
    return false;
}

infl__h5_quiet_state infl__h5_quiet(void)
{
    infl__h5_quiet_state q = {NULL, NULL};
    H5Eget_auto2(H5E_DEFAULT, &q.func, &q.data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return q;
}

void infl__h5_restore(infl__h5_quiet_state q)
{
    H5Eset_auto2(H5E_DEFAULT, q.func, q.data);
}

hid_t infl__h5_str_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0)
        return t;
    if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return -1;
    }
    return t;
}

uint64_t infl__h5_string_hash(uint64_t h, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    do {
        h ^= *p;
        h *= 0x100000001b3ull;
    } while (*p++ != '\0');
    return h;
}

void infl__h5_string_log_destroy(infl__h5_string_log *log)
{
    if (log == NULL)
        return;
    for (size_t i = 0; i < log->n; i++)
        free(log->names[i]);
    free(log->names);
    free(log->hashes);
    free(log->addresses);
    memset(log, 0, sizeof *log);
}

/* Notes the hash of what was written at loc (attribute `attr`, or the
 * dataset loc itself when attr is NULL) in the writer's log. */
static void log_string(infl__h5_io *io, hid_t loc, const char *attr, uint64_t hash)
{
    infl__h5_string_log *log = io->strings;
    if (log == NULL || log->failed)
        return;
    char path[1024];
    ssize_t n = H5Iget_name(loc, path, sizeof path);
    char *name = NULL;
    if (n > 0 && (size_t)n < sizeof path) {
        size_t len = (size_t)n + (attr ? strlen(attr) + 1 : 0) + 1;
        if ((name = malloc(len)) != NULL)
            snprintf(name, len, "%s%s%s", path, attr ? "@" : "", attr ? attr : "");
    }
    if (name != NULL && log->n == log->cap) {
        size_t cap = log->cap ? 2 * log->cap : 64;
        char **names = realloc(log->names, cap * sizeof *names);
        if (names != NULL)
            log->names = names;
        uint64_t *hashes = names ? realloc(log->hashes, cap * sizeof *hashes) : NULL;
        if (hashes != NULL)
            log->hashes = hashes;
        uint64_t *addresses = hashes ? realloc(log->addresses, cap * sizeof *addresses) : NULL;
        if (addresses != NULL) {
            log->addresses = addresses;
            log->cap = cap;
        }
    }
    if (name == NULL || log->n == log->cap) {
        free(name);
        log->failed = true;
        return;
    }
    H5O_info_t info;
    log->names[log->n] = name;
    log->addresses[log->n] =
        attr == NULL && H5Oget_info2(loc, &info, H5O_INFO_BASIC) >= 0 ? (uint64_t)info.addr : 0;
    log->hashes[log->n++] = hash;
}

/* Creates attribute `name` of loc with the given type and space and writes
 * value in the file's type. */
static bool attr_write(infl__h5_io *io, hid_t loc, const char *name, hid_t type, hid_t space,
                       const void *value)
{
    hid_t a = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    bool ok = a >= 0 && H5Awrite(a, type, value) >= 0;
    if (a >= 0 && H5Aclose(a) < 0)
        ok = false;
    return ok ? true : infl__h5_fail(io, "attribute", name);
}

bool infl__h5_attr_str(infl__h5_io *io, hid_t loc, const char *name, const char *value)
{
    hid_t t = infl__h5_str_type(), s = H5Screate(H5S_SCALAR);
    bool ok = t >= 0 && s >= 0 && attr_write(io, loc, name, t, s, &value);
    if (t >= 0)
        H5Tclose(t);
    if (s >= 0)
        H5Sclose(s);
    if (ok)
        log_string(io, loc, name, infl__h5_string_hash(INFL__H5_HASH_START, value));
    return ok ? true : infl__h5_fail(io, "attribute", name);
}

/* A scalar attribute stored as file_type, written from mem_type. */
static bool attr_scalar(infl__h5_io *io, hid_t loc, const char *name, hid_t file_type,
                        hid_t mem_type, const void *value)
{
    hid_t s = H5Screate(H5S_SCALAR);
    bool ok = s >= 0;
    if (ok) {
        hid_t a = H5Acreate2(loc, name, file_type, s, H5P_DEFAULT, H5P_DEFAULT);
        ok = a >= 0 && H5Awrite(a, mem_type, value) >= 0;
        if (a >= 0 && H5Aclose(a) < 0)
            ok = false;
        H5Sclose(s);
    }
    return ok ? true : infl__h5_fail(io, "attribute", name);
}

bool infl__h5_attr_u64(infl__h5_io *io, hid_t loc, const char *name, uint64_t v)
{
    return attr_scalar(io, loc, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &v);
}

bool infl__h5_attr_f64(infl__h5_io *io, hid_t loc, const char *name, double v)
{
    return attr_scalar(io, loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v);
}

bool infl__h5_attr_bool(infl__h5_io *io, hid_t loc, const char *name, bool v)
{
    hid_t t = H5Tenum_create(H5T_NATIVE_INT8);
    signed char f = 0, tr = 1, val = v ? 1 : 0;
    bool ok = t >= 0 && H5Tenum_insert(t, "FALSE", &f) >= 0 && H5Tenum_insert(t, "TRUE", &tr) >= 0;
    ok = ok && attr_scalar(io, loc, name, t, t, &val);
    if (t >= 0)
        H5Tclose(t);
    return ok ? true : infl__h5_fail(io, "attribute", name);
}

bool infl__h5_attr_f64_array(infl__h5_io *io, hid_t loc, const char *name, const double *v,
                             size_t n)
{
    hsize_t dim = n;
    hid_t s = H5Screate_simple(1, &dim, NULL);
    bool ok = s >= 0 && attr_write(io, loc, name, H5T_IEEE_F64LE, s, v);
    if (s >= 0)
        H5Sclose(s);
    return ok;
}

bool infl__h5_attr_update(infl__h5_io *io, hid_t loc, const char *name, hid_t mem_type,
                          const void *v)
{
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    bool ok = a >= 0 && H5Awrite(a, mem_type, v) >= 0;
    if (a >= 0 && H5Aclose(a) < 0)
        ok = false;
    return ok ? true : infl__h5_fail(io, "attribute", name);
}

hid_t infl__h5_group(infl__h5_io *io, hid_t loc, const char *name)
{
    hid_t g = H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        infl__h5_fail(io, "group", name);
    return g;
}

hid_t infl__h5_dataset_1d(infl__h5_io *io, hid_t loc, const char *name, hid_t file_type, hsize_t n,
                          bool compress)
{
    hid_t space = H5Screate_simple(1, &n, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t d = -1;
    if (space < 0 || dcpl < 0)
        goto done;
    /* Every dataset of numbers is chunked with a Fletcher-32 checksum, so
     * that HDF5 refuses damaged values instead of returning them
     * (integrity.h); HDF5 filters no variable-length strings. */
    if (n > 0 && H5Tis_variable_str(file_type) <= 0) {
        hsize_t chunk = n < INFL__H5_CHUNK_MAX ? n : INFL__H5_CHUNK_MAX;
        if (H5Pset_chunk(dcpl, 1, &chunk) < 0 ||
            (compress &&
             (H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, INFL__H5_DEFLATE_LEVEL) < 0)) ||
            H5Pset_fletcher32(dcpl) < 0)
            goto done;
    }
    d = H5Dcreate2(loc, name, file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
done:
    if (space >= 0)
        H5Sclose(space);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (d < 0)
        infl__h5_fail(io, "dataset", name);
    return d;
}

bool infl__h5_label(infl__h5_io *io, hid_t d, const char *units, const char *long_name)
{
    return infl__h5_attr_str(io, d, "units", units) &&
           infl__h5_attr_str(io, d, "long_name", long_name);
}

bool infl__h5_column(infl__h5_io *io, hid_t loc, const char *name, hid_t file_type, const double *v,
                     hsize_t n, bool compress, const char *units, const char *long_name,
                     hid_t scale)
{
    hid_t d = infl__h5_dataset_1d(io, loc, name, file_type, n, compress);
    if (d < 0)
        return false;
    bool ok = (n == 0 || H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0) &&
              infl__h5_label(io, d, units, long_name) &&
              (scale < 0 || H5DSattach_scale(d, scale, 0) >= 0);
    if (H5Dclose(d) < 0)
        ok = false;
    return ok ? true : infl__h5_fail(io, "dataset", name);
}

bool infl__h5_string_column(infl__h5_io *io, hid_t loc, const char *name, char *const *v, hsize_t n,
                            const char *long_name, hid_t *keep)
{
    hid_t t = infl__h5_str_type();
    if (t < 0)
        return infl__h5_fail(io, "dataset", name);
    hid_t d = infl__h5_dataset_1d(io, loc, name, t, n, false);
    bool ok = d >= 0 && (n == 0 || H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0) &&
              infl__h5_label(io, d, "1", long_name);
    H5Tclose(t);
    if (ok) {
        uint64_t h = INFL__H5_HASH_START;
        for (hsize_t i = 0; i < n; i++)
            h = infl__h5_string_hash(h, v[i]);
        log_string(io, d, NULL, h);
    }
    if (keep != NULL && ok) {
        *keep = d;
        return true;
    }
    if (d >= 0 && H5Dclose(d) < 0)
        ok = false;
    return ok ? true : infl__h5_fail(io, "dataset", name);
}

bool infl__h5_string_column_on(infl__h5_io *io, hid_t loc, const char *name, char *const *v,
                               hsize_t n, const char *long_name, hid_t scale)
{
    hid_t d = -1;
    if (!infl__h5_string_column(io, loc, name, v, n, long_name, &d))
        return false;
    bool ok = H5DSattach_scale(d, scale, 0) >= 0;
    if (H5Dclose(d) < 0)
        ok = false;
    return ok ? true : infl__h5_fail(io, "dataset", name);
}

bool infl__h5_index_scale(infl__h5_io *io, hid_t loc, const char *name, hsize_t n, bool compress,
                          const char *long_name, hid_t *out)
{
    uint64_t *index = malloc((n ? n : 1) * sizeof *index);
    *out = -1;
    if (index == NULL) {
        io->rc = infl_error_add(io->err, INFL_ENOMEM, "out of memory");
        return false;
    }
    for (hsize_t i = 0; i < n; i++)
        index[i] = i;
    hid_t d = infl__h5_dataset_1d(io, loc, name, H5T_STD_U64LE, n, compress);
    bool ok =
        d >= 0 &&
        (n == 0 || H5Dwrite(d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, index) >= 0) &&
        infl__h5_label(io, d, "1", long_name) && H5DSset_scale(d, name) >= 0;
    free(index);
    if (!ok) {
        if (d >= 0)
            H5Dclose(d);
        return infl__h5_fail(io, "dimension scale", name);
    }
    *out = d;
    return true;
}

bool infl__h5_nd_array(infl__h5_io *io, hid_t loc, const char *name, int rank, const hsize_t *dims,
                       const double *v, const hid_t *scales, const char *units,
                       const char *long_name)
{
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    /* One chunk, checksummed (Fletcher-32), as infl__h5_dataset_1d's. */
    bool empty = false;
    for (int k = 0; k < rank; k++)
        empty = empty || dims[k] == 0;
    bool props = dcpl >= 0 &&
                 (empty || (H5Pset_chunk(dcpl, rank, dims) >= 0 && H5Pset_fletcher32(dcpl) >= 0));
    hid_t d = space < 0 || !props
                  ? -1
                  : H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    bool ok = d >= 0 && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0 &&
              infl__h5_label(io, d, units, long_name);
    for (int k = 0; ok && k < rank; k++)
        ok = H5DSattach_scale(d, scales[k], (unsigned)k) >= 0;
    if (d >= 0 && H5Dclose(d) < 0)
        ok = false;
    if (space >= 0)
        H5Sclose(space);
    return ok ? true : infl__h5_fail(io, "dataset", name);
}
