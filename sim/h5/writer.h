/*
 * writer.h — the results file's writer as the layouts see it: an open HDF5
 * file under a temporary name, and the steps that write into it and finally
 * put it in place (life cycle in writer.c; what goes into the file in
 * run_layout.c, summary_layout.c, sweep_layout.c and optimize_layout.c).
 *
 * A public entry point of a layout reads:
 *     infl__h5_io *io = infl__h5_writer_resume(h, err);
 *     bool ok = <write into h->file through io>;
 *     if ((rc = infl__h5_writer_pause(h, ok)) != INFL_OK)   <- h is freed
 *         return rc;
 *     return infl__h5_writer_close(h, err);                  <- or keep h open
 */
#ifndef INFL_SIM_H5_WRITER_H
#define INFL_SIM_H5_WRITER_H

#include "h5/h5io.h"
#include "influsim/h5.h"

struct infl_h5_writer {
    infl__h5_io io;
    char *path;                 /* as given, for messages */
    char *resolved;             /* the symlink's target, or NULL */
    char *tmp;                  /* the temporary file, NULL once moved into place */
    hid_t file;                 /* the HDF5 file open on tmp, or negative */
    bool replace;               /* an existing file at the target may be replaced */
    infl__h5_quiet_state quiet; /* HDF5's error printing, between resume and pause */
};

/*
 * Checks the target as infl_h5_check_target does, removes stale temporaries
 * of it, creates the temporary and an empty HDF5 file on it (the 1.10
 * format, with a user block for the integrity record). *out is the writer (infl_h5_writer_abandon
 * or a layout's finish frees it). Failure: the status and err's message; nothing is left behind.
 */
infl_status infl__h5_writer_open(const char *path, unsigned threads, bool replace,
                                 infl_h5_writer **out, infl_error *err);

/* Starts a step of writing: messages to err, no failure yet, HDF5 quiet,
 * errno cleared (see infl__h5_fail). Returns the writer's io. */
infl__h5_io *infl__h5_writer_resume(infl_h5_writer *h, infl_error *err);

/*
 * Ends the step: restores HDF5's error printing. If the step failed (!ok or
 * a failure recorded), abandons h (frees it) and returns the failure's status;
 * otherwise returns INFL_OK and h stays open.
 */
infl_status infl__h5_writer_pause(infl_h5_writer *h, bool ok);

/*
 * Writes /integrity (the strings' hashes), closes the HDF5 file, writes the
 * integrity record into its user block (integrity.h), flushes it and puts it
 * in place at the target
 * (replacing a file there only if the writer was opened with `replace`), then
 * frees h, whatever happens. Failure: INFL_EIO naming the path and the step;
 * the target is untouched and the temporary removed.
 */
infl_status infl__h5_writer_close(infl_h5_writer *h, infl_error *err);

/* Sets the root attribute `complete` to true: the very last write of a file. */
bool infl__h5_mark_complete(infl__h5_io *io, hid_t file);

#endif
