/*
 * integrity.c — the integrity record of a results file (see integrity.h
 * and infl_h5_verify in influsim/h5.h): sealing a file once the HDF5
 * library has closed it, and checking a file before any reader trusts the
 * HDF5 library with it. zlib's crc32 is the checksum, as for checkpoints.
 */
#include "h5/integrity.h"

#include "h5/guard.h"
#include "h5/h5io.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define RECORD_PREFIX "influsim integrity record v"
#define RECORD_FORMAT "influsim integrity record v1: size %" PRIu64 " crc32 0x%08" PRIx32 "\n"

static const unsigned char hdf5_signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

/* The CRC-32 of the file at fd from offset 0 to size, the user block read
 * as zeros. False with errno on a read error or a file shorter than size. */
static bool file_crc(int fd, uint64_t size, uint32_t *out)
{
    static const unsigned char zeros[INFL__H5_USERBLOCK];
    uLong crc = crc32(0L, Z_NULL, 0);
    uint64_t head = size < INFL__H5_USERBLOCK ? size : INFL__H5_USERBLOCK;
    crc = crc32(crc, zeros, (uInt)head);
    size_t cap = 1 << 20;
    unsigned char *buf = malloc(cap);
    if (buf == NULL) {
        errno = ENOMEM;
        return false;
    }
    uint64_t at = head;
    bool ok = true;
    while (ok && at < size) {
        size_t want = size - at < cap ? (size_t)(size - at) : cap;
        ssize_t got = pread(fd, buf, want, (off_t)at);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            if (got == 0)
                errno = EIO;
            ok = false;
            break;
        }
        crc = crc32(crc, buf, (uInt)got);
        at += (uint64_t)got;
    }
    free(buf);
    *out = (uint32_t)crc;
    return ok;
}

infl_status infl__h5_integrity_seal(const char *tmp, const char *path, infl_error *err)
{
    int fd = open(tmp, O_RDWR);
    if (fd < 0)
        return infl_error_add(err, INFL_EIO, "%s: cannot seal the file: %s", path, strerror(errno));
    struct stat st;
    uint32_t crc = 0;
    bool ok = fstat(fd, &st) == 0 && st.st_size >= INFL__H5_USERBLOCK &&
              file_crc(fd, (uint64_t)st.st_size, &crc);
    char record[INFL__H5_USERBLOCK];
    memset(record, 0, sizeof record);
    if (ok) {
        snprintf(record, sizeof record, RECORD_FORMAT, (uint64_t)st.st_size, crc);
        ok = pwrite(fd, record, sizeof record, 0) == (ssize_t)sizeof record;
    }
    int e = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (!ok)
        return infl_error_add(err, INFL_EIO, "%s: cannot seal the file: %s", path,
                              e ? strerror(e) : "too short");
    return INFL_OK;
}

bool infl__h5_integrity_write_log(infl__h5_io *io, hid_t file)
{
    infl__h5_string_log *log = io->strings;
    if (log == NULL || log->failed || log->n == 0)
        return true;
    /* The labels of /integrity's own datasets are not logged. */
    io->strings = NULL;
    size_t width = 1;
    for (size_t i = 0; i < log->n; i++)
        if (strlen(log->names[i]) + 1 > width)
            width = strlen(log->names[i]) + 1;
    char *flat = calloc(log->n, width);
    hid_t g = -1, t = -1, s = -1, d = -1, h = -1, a = -1;
    bool ok = flat != NULL;
    for (size_t i = 0; ok && i < log->n; i++)
        memcpy(flat + i * width, log->names[i], strlen(log->names[i]));
    hsize_t count = log->n;
    ok = ok && (g = infl__h5_group(io, file, "integrity")) >= 0 && (t = H5Tcopy(H5T_C_S1)) >= 0 &&
         H5Tset_size(t, width) >= 0 && H5Tset_strpad(t, H5T_STR_NULLTERM) >= 0 &&
         H5Tset_cset(t, H5T_CSET_UTF8) >= 0 && (s = H5Screate_simple(1, &count, NULL)) >= 0 &&
         (d = H5Acreate2(g, "name", t, s, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
         H5Awrite(d, t, flat) >= 0 &&
         (h = H5Acreate2(g, "fnv1a64", H5T_STD_U64LE, s, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
         H5Awrite(h, H5T_NATIVE_UINT64, log->hashes) >= 0 &&
         (a = H5Acreate2(g, "address", H5T_STD_U64LE, s, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
         H5Awrite(a, H5T_NATIVE_UINT64, log->addresses) >= 0;
    free(flat);
    if (a >= 0)
        H5Aclose(a);
    if (h >= 0)
        H5Aclose(h);
    if (d >= 0)
        H5Aclose(d);
    if (s >= 0)
        H5Sclose(s);
    if (t >= 0)
        H5Tclose(t);
    if (g >= 0)
        H5Gclose(g);
    io->strings = log;
    return ok ? true : infl__h5_fail(io, "group", "integrity");
}

/* Whether s reads as text someone could have written: valid UTF-8, no
 * control characters but tab, newline and carriage return. A string that
 * changed into such text is taken for an edit; one that changed into
 * anything else (what flipped or overwritten bytes almost always give) for
 * damage. */
static bool plausible_text(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p != '\0') {
        unsigned c = *p;
        int more = c < 0x80             ? 0
                   : (c & 0xe0) == 0xc0 ? 1
                   : (c & 0xf0) == 0xe0 ? 2
                   : (c & 0xf8) == 0xf0 ? 3
                                        : -1;
        if (more < 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f ||
            c == 0xc0 || c == 0xc1 || c > 0xf4)
            return false;
        p++;
        for (int k = 0; k < more; k++, p++)
            if ((*p & 0xc0) != 0x80)
                return false;
    }
    return true;
}

/* The hash of a string attribute `attr` of object `obj`, or of the string
 * dataset `obj` (attr NULL), as infl__h5_string_hash gives it: 1, or 0
 * when it is not there (deleted: an edit, for the reader to judge), -1
 * when it is there but does not read as strings. */
static int hash_of(hid_t file, const char *obj, const char *attr, uint64_t *out, bool *text,
                   uint64_t *address)
{
    *text = true;
    *address = 0;
    if (H5Lexists(file, obj, H5P_DEFAULT) <= 0 && strcmp(obj, "/") != 0)
        return 0;
    if (attr != NULL && H5Aexists_by_name(file, obj, attr, H5P_DEFAULT) <= 0)
        return 0;
    hid_t t = infl__h5_str_type();
    bool ok = false;
    uint64_t hash = INFL__H5_HASH_START;
    if (attr != NULL) {
        hid_t a = H5Aopen_by_name(file, obj, attr, H5P_DEFAULT, H5P_DEFAULT);
        char *v = NULL;
        ok = a >= 0 && t >= 0 && H5Aread(a, t, &v) >= 0 && v != NULL;
        if (ok) {
            hash = infl__h5_string_hash(hash, v);
            *text = plausible_text(v);
        }
        if (v != NULL)
            H5free_memory(v);
        if (a >= 0)
            H5Aclose(a);
    } else {
        hid_t d = H5Dopen2(file, obj, H5P_DEFAULT);
        H5O_info_t info;
        if (d >= 0 && H5Oget_info2(d, &info, H5O_INFO_BASIC) >= 0)
            *address = (uint64_t)info.addr;
        hid_t s = d >= 0 ? H5Dget_space(d) : -1;
        hssize_t n = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
        char **v = n >= 0 && n < (1 << 24) ? calloc((size_t)n + 1, sizeof *v) : NULL;
        ok =
            v != NULL && t >= 0 && (n == 0 || H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
        for (hssize_t i = 0; ok && i < n; i++) {
            ok = v[i] != NULL;
            if (ok) {
                hash = infl__h5_string_hash(hash, v[i]);
                *text = *text && plausible_text(v[i]);
            }
        }
        if (v != NULL && n > 0 && t >= 0 && s >= 0)
            H5Dvlen_reclaim(t, s, H5P_DEFAULT, v);
        free(v);
        if (s >= 0)
            H5Sclose(s);
        if (d >= 0)
            H5Dclose(d);
    }
    if (t >= 0)
        H5Tclose(t);
    *out = hash;
    return ok ? 1 : -1;
}

/* Checks every string the writer logged (/integrity) against the file:
 * true when each is unchanged, gone, or changed into text (an edit, for the
 * reader to judge), else `failed` names the first that does not read or
 * changed into bytes that are not text. A file without /integrity has nothing to check. */
static bool check_log(hid_t file, char *failed, size_t size)
{
    if (H5Lexists(file, "integrity", H5P_DEFAULT) <= 0)
        return true;
    hid_t g = H5Gopen2(file, "integrity", H5P_DEFAULT);
    hid_t d = g >= 0 && H5Aexists(g, "name") > 0 ? H5Aopen(g, "name", H5P_DEFAULT) : -1;
    hid_t h = g >= 0 && H5Aexists(g, "fnv1a64") > 0 ? H5Aopen(g, "fnv1a64", H5P_DEFAULT) : -1;
    hid_t ft = d >= 0 ? H5Aget_type(d) : -1, s = d >= 0 ? H5Aget_space(d) : -1;
    hid_t ad = g >= 0 && H5Aexists(g, "address") > 0 ? H5Aopen(g, "address", H5P_DEFAULT) : -1;
    hid_t hs = h >= 0 ? H5Aget_space(h) : -1;
    size_t width = ft >= 0 && H5Tget_class(ft) == H5T_STRING && H5Tis_variable_str(ft) == 0
                       ? H5Tget_size(ft)
                       : 0;
    hssize_t n = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
    bool ok = width > 0 && width < 4096 && n > 0 && n < (1 << 20) && hs >= 0 &&
              H5Sget_simple_extent_npoints(hs) == n;
    char *names = ok ? calloc((size_t)n, width) : NULL;
    uint64_t *hashes = ok ? calloc((size_t)n, sizeof *hashes) : NULL;
    uint64_t *addresses = ok ? calloc((size_t)n, sizeof *addresses) : NULL;
    ok = ok && names && hashes && addresses && H5Aread(d, ft, names) >= 0 &&
         H5Aread(h, H5T_NATIVE_UINT64, hashes) >= 0 && ad >= 0 &&
         H5Aread(ad, H5T_NATIVE_UINT64, addresses) >= 0;
    if (!ok)
        snprintf(failed, size, "/integrity");
    char *entry = ok ? malloc(width + 1) : NULL;
    ok = ok && entry != NULL;
    for (hssize_t i = 0; ok && i < n; i++) {
        memcpy(entry, names + (size_t)i * width, width);
        entry[width] = '\0';
        char *at = strrchr(entry, '@');
        if (at != NULL)
            *at = '\0';
        uint64_t now = 0, address = 0;
        bool text = true;
        int found =
            entry[0] == '/' ? hash_of(file, entry, at ? at + 1 : NULL, &now, &text, &address) : -1;
        /* A string dataset changed where influsim wrote it is damage; one
         * replaced (another object) is an edit, as is an attribute set to
         * other text. */
        bool edited = at != NULL ? text : address != addresses[i];
        ok = found == 0 || (found == 1 && (now == hashes[i] || edited));
        if (!ok) {
            if (at != NULL)
                *at = '@';
            snprintf(failed, size, "%s", entry);
        }
    }
    free(entry);
    free(names);
    free(hashes);
    free(addresses);
    if (hs >= 0)
        H5Sclose(hs);
    if (s >= 0)
        H5Sclose(s);
    if (ft >= 0)
        H5Tclose(ft);
    if (ad >= 0)
        H5Aclose(ad);
    if (h >= 0)
        H5Aclose(h);
    if (d >= 0)
        H5Aclose(d);
    if (g >= 0)
        H5Gclose(g);
    return ok;
}

/* Reads every attribute of an object (HDF5 checks the object header's
 * checksum when it loads it, and reads the attribute's data). */
static herr_t read_attr(hid_t loc, const char *name, const H5A_info_t *info, void *user)
{
    (void)info;
    (void)user;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    hid_t t = a >= 0 ? H5Aget_type(a) : -1;
    hid_t s = a >= 0 ? H5Aget_space(a) : -1;
    hssize_t n = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
    size_t size = t >= 0 ? H5Tget_size(t) : 0;
    herr_t rc = -1;
    if (n >= 0 && size > 0 && (uint64_t)n <= (64u << 20) / size) {
        void *buf = calloc((size_t)n ? (size_t)n : 1, size);
        if (buf != NULL && H5Aread(a, t, buf) >= 0) {
            rc = 0;
            if (H5Tdetect_class(t, H5T_VLEN) > 0 || H5Tis_variable_str(t) > 0)
                H5Dvlen_reclaim(t, s, H5P_DEFAULT, buf);
        }
        free(buf);
    }
    if (s >= 0)
        H5Sclose(s);
    if (t >= 0)
        H5Tclose(t);
    if (a >= 0)
        H5Aclose(a);
    return rc;
}

/* Reads a dataset whole, a slab of at most 16 MiB at a time along its
 * first dimension, so that HDF5 verifies each chunk's checksum. */
static bool read_dataset(hid_t d)
{
    hid_t t = H5Dget_type(d), s = H5Dget_space(d);
    int rank = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1;
    hsize_t dims[H5S_MAX_RANK];
    size_t size = t >= 0 ? H5Tget_size(t) : 0;
    bool vlen = t >= 0 && (H5Tdetect_class(t, H5T_VLEN) > 0 || H5Tis_variable_str(t) > 0);
    bool ok = rank >= 0 && size > 0 && H5Sget_simple_extent_dims(s, dims, NULL) == rank;
    uint64_t row = size;
    for (int k = 1; ok && k < rank; k++) {
        ok = dims[k] == 0 || row <= (16u << 20) / dims[k];
        row *= dims[k];
    }
    if (ok && rank > 0 && dims[0] > 0 && row > 0) {
        hsize_t per = (16u << 20) / row ? (16u << 20) / row : 1;
        void *buf = malloc((size_t)(per * row));
        ok = buf != NULL;
        for (hsize_t first = 0; ok && first < dims[0]; first += per) {
            hsize_t start[H5S_MAX_RANK] = {0}, count[H5S_MAX_RANK];
            memcpy(count, dims, sizeof(hsize_t) * (size_t)rank);
            start[0] = first;
            count[0] = dims[0] - first < per ? dims[0] - first : per;
            hid_t mem = H5Screate_simple(rank, count, NULL);
            ok = mem >= 0 &&
                 H5Sselect_hyperslab(s, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
                 H5Dread(d, t, mem, s, H5P_DEFAULT, buf) >= 0;
            if (ok && vlen)
                H5Dvlen_reclaim(t, mem, H5P_DEFAULT, buf);
            if (mem >= 0)
                H5Sclose(mem);
        }
        free(buf);
    } else if (ok && rank == 0) {
        void *buf = malloc(size);
        ok = buf != NULL && H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
        if (ok && vlen)
            H5Dvlen_reclaim(t, s, H5P_DEFAULT, buf);
        free(buf);
    }
    if (s >= 0)
        H5Sclose(s);
    if (t >= 0)
        H5Tclose(t);
    return ok;
}

static herr_t visit(hid_t loc, const char *name, const H5O_info_t *info, void *user)
{
    char *failed = user;
    hid_t o = H5Oopen(loc, name, H5P_DEFAULT);
    hsize_t idx = 0;
    bool ok = o >= 0 && H5Aiterate2(o, H5_INDEX_NAME, H5_ITER_NATIVE, &idx, read_attr, NULL) >= 0;
    if (ok && info->type == H5O_TYPE_DATASET)
        ok = read_dataset(o);
    if (o >= 0)
        H5Oclose(o);
    if (!ok)
        snprintf(failed, 512, "%s", name);
    return ok ? 0 : -1;
}

/* In a guarded child: every object of the file read. */
static infl_status read_through(const char *path, void *ctx, infl__wire *w, infl_error *err)
{
    (void)ctx;
    (void)w;
    infl__h5_quiet_state q = infl__h5_quiet();
    char failed[512] = "";
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    bool ok = file >= 0 && H5Ovisit(file, H5_INDEX_NAME, H5_ITER_NATIVE, visit, failed) >= 0 &&
              check_log(file, failed, sizeof failed);
    if (file >= 0 && H5Fclose(file) < 0)
        ok = false;
    infl__h5_restore(q);
    if (ok)
        return INFL_OK;
    return infl_error_add(err, INFL_EFORMAT,
                          "%s: damaged (it has changed since influsim wrote it, and %s%s%s "
                          "does not read back)",
                          path, *failed ? "'" : "", *failed ? failed : "the file",
                          *failed ? "'" : "");
}

static infl_status damaged(const char *path, const char *what, infl_error *err)
{
    return infl_error_add(err, INFL_EFORMAT, "%s: damaged (%s)", path, what);
}

infl_status infl_h5_verify(const char *path, infl_h5_integrity *state, infl_error *err)
{
    *state = INFL_H5_UNVERIFIED;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return infl_error_add(err, INFL_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    unsigned char head[INFL__H5_USERBLOCK + 8];
    memset(head, 0, sizeof head);
    ssize_t got = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? pread(fd, head, sizeof head, 0) : -1;
    if (got < 0) {
        int e = errno;
        close(fd);
        return infl_error_add(err, INFL_EIO, "%s: cannot read: %s", path,
                              e ? strerror(e) : "not a regular file");
    }
    const uint64_t size = (uint64_t)st.st_size;
    infl_status rc = INFL_OK;
    char msg[160];
    if (memcmp(head, RECORD_PREFIX, strlen(RECORD_PREFIX)) != 0) {
        /* No record: an older file (HDF5's signature at 0) or not
         * influsim's, for the reader to say; a user block whose record is
         * gone is damage. */
        if (got >= INFL__H5_USERBLOCK + 8 && memcmp(head, hdf5_signature, 8) != 0 &&
            memcmp(head + INFL__H5_USERBLOCK, hdf5_signature, 8) == 0)
            rc = damaged(path, "its integrity record is broken", err);
        close(fd);
        return rc;
    }
    uint64_t recorded = 0;
    uint32_t crc = 0;
    int used = 0;
    char line[INFL__H5_USERBLOCK + 1];
    memcpy(line, head, INFL__H5_USERBLOCK);
    line[INFL__H5_USERBLOCK] = '\0';
    bool sound =
        sscanf(line, "influsim integrity record v1: size %" SCNu64 " crc32 0x%8" SCNx32 "%n",
               &recorded, &crc, &used) == 2 &&
        used > 0 && line[used] == '\n';
    /* The line is what RECORD_FORMAT writes, and zeros follow it. */
    if (sound) {
        char again[INFL__H5_USERBLOCK];
        int n = snprintf(again, sizeof again, RECORD_FORMAT, recorded, crc);
        sound = n == used + 1 && memcmp(again, line, (size_t)n) == 0;
        for (size_t i = (size_t)n; sound && i < INFL__H5_USERBLOCK; i++)
            sound = head[i] == 0;
    }
    if (!sound || recorded < INFL__H5_USERBLOCK) {
        rc = damaged(path, "its integrity record is broken", err);
    } else if (size < recorded) {
        snprintf(msg, sizeof msg, "cut short: %" PRIu64 " of its %" PRIu64 " bytes", size,
                 recorded);
        rc = damaged(path, msg, err);
    } else {
        /* Changed bytes may be damage or an edit (h5py rewrites the
         * superblock and object headers in place when it adds a dataset):
         * only the read-through can tell. */
        uint32_t now = 0;
        if (size > recorded)
            *state = INFL_H5_MODIFIED;
        else if (!file_crc(fd, recorded, &now))
            rc = infl_error_add(err, INFL_EIO, "%s: cannot read: %s", path, strerror(errno));
        else
            *state = now == crc ? INFL_H5_INTACT : INFL_H5_MODIFIED;
    }
    close(fd);
    if (rc == INFL_OK && *state == INFL_H5_MODIFIED) {
        infl__wire reply;
        rc = infl__h5_guard_run(path, read_through, NULL,
                                INFL__H5_GUARD_SECONDS + (double)size / INFL__H5_GUARD_BYTES_PER_S,
                                &reply, err);
        infl__wire_destroy(&reply);
    }
    return rc;
}
