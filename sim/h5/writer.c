/*
 * writer.c — the life of a results file (see writer.h and influsim/h5.h):
 * the target checked, the file built under a temporary name in the target's
 * folder, closed, then flushed and moved into place by base/atomic_file, so a
 * reader never sees a half-written file at the target path; on any failure
 * the temporary is removed. The integrity record goes into the file's user
 * block last, after HDF5 has closed it (integrity.c). HDF5's own error
 * printing is off while the
 * library writes; failures reach the caller through infl_error.
 *
 * What goes into the file is the layouts' business: run_layout.c,
 * summary_layout.c, sweep_layout.c, optimize_layout.c.
 */
#include "h5/writer.h"

#include "base/atomic_file.h"
#include "h5/integrity.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Only a regular file is ever replaced, and only when `replace`. A symlink is
 * followed, so the file it points to is replaced and the link kept (*resolved
 * gets the target, owned); a FIFO, device or folder at the path is refused
 * (run as root, `-o /dev/null` must not replace /dev/null).
 */
static infl_status check_target(const char *path, bool replace, char **resolved, infl_error *err)
{
    const char *target = path;
    *resolved = NULL;
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        *resolved = realpath(path, NULL);
        if (*resolved == NULL)
            return infl_error_add(err, INFL_EIO, "%s: a symbolic link to nothing (%s)", path,
                                  strerror(errno));
        target = *resolved;
    }
    if (stat(target, &st) != 0)
        return INFL_OK;
    if (!S_ISREG(st.st_mode))
        return infl_error_add(err, INFL_EIO, "%s: is %s, not a regular file; not replacing it",
                              path,
                              S_ISDIR(st.st_mode)                          ? "a folder"
                              : S_ISFIFO(st.st_mode)                       ? "a named pipe"
                              : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                                                                           : "a special file");
    if (!replace)
        return infl_error_add(err, INFL_EARG,
                              "%s: already exists; not replacing it (use --force to replace it, "
                              "or choose another file with -o)",
                              path);
    return INFL_OK;
}

void infl_h5_process_init(void)
{
    H5dont_atexit();
}

infl_status infl_h5_check_target(const char *path, bool replace, infl_error *err)
{
    char *resolved = NULL;
    infl_status rc = check_target(path, replace, &resolved, err);
    free(resolved);
    return rc;
}

const char *infl_h5_writer_temp_path(const infl_h5_writer *h)
{
    return h->tmp;
}

void infl_h5_writer_abandon(infl_h5_writer *h)
{
    if (h == NULL)
        return;
    infl__h5_quiet_state q = infl__h5_quiet();
    if (h->file >= 0)
        H5Fclose(h->file);
    infl__h5_restore(q);
    if (h->tmp != NULL)
        unlink(h->tmp);
    infl__h5_string_log_destroy(h->io.strings);
    free(h->io.strings);
    free(h->path);
    free(h->resolved);
    free(h->tmp);
    free(h);
}

infl_status infl__h5_writer_open(const char *path, unsigned threads, bool replace,
                                 infl_h5_writer **out, infl_error *err)
{
    *out = NULL;
    infl_h5_writer *h = calloc(1, sizeof *h);
    if (h == NULL)
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    h->file = -1;
    h->replace = replace;
    h->io = (infl__h5_io){.err = err,
                          .path = path,
                          .rc = INFL_OK,
                          .threads = threads,
                          .strings = calloc(1, sizeof(infl__h5_string_log))};
    infl__h5_io *io = &h->io;
    infl__h5_quiet_state q = infl__h5_quiet();
    hid_t fapl = -1, fcpl = -1;
    const char *target = path;

    if ((io->rc = check_target(path, replace, &h->resolved, err)) != INFL_OK)
        goto done;
    if (h->resolved != NULL)
        target = h->resolved;
    if ((h->path = strdup(path)) == NULL) {
        io->rc = infl_error_add(err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    infl__atomic_remove_stale(target);
    if ((io->rc = infl__atomic_temp_open(target, path, &h->tmp, NULL, err)) != INFL_OK)
        goto done;
    /* The 1.10 file format: every piece of metadata (superblock, object
     * headers, B-trees, heaps of links and attributes) carries a checksum,
     * so HDF5 refuses damaged metadata instead of following it; and large
     * attribute lists are stored densely (the /trial dimension scale is
     * attached to every per-trial dataset, and its back-references outgrow
     * the 64 KiB object header of the oldest format after about 4,000
     * datasets). h5py, pandas and xarray read it (HDF5 1.10 or later). The
     * user block holds the integrity record, written last (integrity.h). */
    fapl = H5Pcreate(H5P_FILE_ACCESS);
    fcpl = H5Pcreate(H5P_FILE_CREATE);
    if (fapl < 0 || H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_V110) < 0 || fcpl < 0 ||
        H5Pset_userblock(fcpl, INFL__H5_USERBLOCK) < 0) {
        io->rc =
            infl_error_add(err, INFL_EHDF5, "%s: cannot set HDF5 file access properties", path);
        goto done;
    }
    h->file = H5Fcreate(h->tmp, H5F_ACC_TRUNC, fcpl, fapl);
    if (h->file < 0) {
        io->rc = infl_error_add(err, INFL_EHDF5, "%s: cannot create HDF5 file '%s'", path, h->tmp);
        goto done;
    }
done:
    if (fapl >= 0)
        H5Pclose(fapl);
    if (fcpl >= 0)
        H5Pclose(fcpl);
    infl__h5_restore(q);
    infl_status rc = io->rc;
    if (rc != INFL_OK) {
        infl_h5_writer_abandon(h);
        return rc;
    }
    *out = h;
    return INFL_OK;
}

infl__h5_io *infl__h5_writer_resume(infl_h5_writer *h, infl_error *err)
{
    h->io.err = err;
    h->io.rc = INFL_OK;
    h->quiet = infl__h5_quiet();
    errno = 0;
    return &h->io;
}

infl_status infl__h5_writer_pause(infl_h5_writer *h, bool ok)
{
    infl__h5_restore(h->quiet);
    infl_status rc = h->io.rc;
    if (ok && rc == INFL_OK)
        return INFL_OK;
    /* Every failing step records why; should one not, say so rather than
     * report success for a file that is not there. */
    if (rc == INFL_OK)
        rc = infl_error_add(h->io.err, INFL_EHDF5, "%s: cannot write the file", h->path);
    infl_h5_writer_abandon(h);
    return rc;
}

infl_status infl__h5_writer_close(infl_h5_writer *h, infl_error *err)
{
    infl__h5_io *io = &h->io;
    io->err = err;
    io->rc = INFL_OK;
    const char *path = h->path;
    const char *target = h->resolved ? h->resolved : h->path;
    infl__h5_quiet_state q = infl__h5_quiet();
    errno = 0;
    /* The strings' hashes, which HDF5's checksums do not cover. */
    if (!infl__h5_integrity_write_log(io, h->file))
        goto done;
    herr_t closed = H5Fclose(h->file);
    h->file = -1;
    if (closed < 0) {
        int e = errno;
        io->rc = infl_error_add(err, INFL_EIO, "%s: cannot finish writing: %s", path,
                                e ? strerror(e) : "HDF5 could not close the file (disk full?)");
        goto done;
    }
    /* The integrity record last, once HDF5 has written everything. */
    if ((io->rc = infl__h5_integrity_seal(h->tmp, path, err)) != INFL_OK)
        goto done;
    /* The temporary is in place or removed now, whatever the outcome. */
    io->rc = infl__atomic_commit(h->tmp, target, path, h->replace, err);
    free(h->tmp);
    h->tmp = NULL;
done:
    infl__h5_restore(q);
    infl_status rc = io->rc;
    infl_h5_writer_abandon(h);
    return rc;
}

/* `complete` is an enum (h5py's bool), so it is written with its own type. */
bool infl__h5_mark_complete(infl__h5_io *io, hid_t file)
{
    signed char yes = 1;
    hid_t a = H5Aopen(file, "complete", H5P_DEFAULT);
    hid_t t = a >= 0 ? H5Aget_type(a) : -1;
    bool ok = a >= 0 && t >= 0 && H5Awrite(a, t, &yes) >= 0;
    if (t >= 0)
        H5Tclose(t);
    if (a >= 0 && H5Aclose(a) < 0)
        ok = false;
    return ok ? true : infl__h5_fail(io, "attribute", "complete");
}
