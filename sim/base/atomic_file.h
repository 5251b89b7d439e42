/*
 * atomic_file.h — replacing a file so that whoever opens it sees the old
 * file or the new one, never a part of either.
 *
 * The new content is written under a temporary name in the target's folder
 * (the same file system, so the final move is a rename), flushed to disk,
 * then moved over the target: rename(), which replaces a file atomically, or,
 * when the caller must not replace one, link(), which fails atomically if the
 * name exists. The folder is flushed last so the move itself survives a power
 * cut. On any failure the temporary is removed and the target is as it was.
 *
 * Two ways in: a writer that has another library write the file (HDF5 writes
 * the results file itself) asks for a temporary name, lets that library write
 * it, then commits it; a writer that has the bytes (or streams them) uses
 * infl__atomic_write_bytes, or opens the temporary's descriptor and commits.
 *
 * Errors are values: each function returns a status and appends a message to
 * err that names the path and the system's reason; errno is left at that
 * reason, so a caller that words its own message can pass err NULL.
 */
#ifndef INFL_SIM_ATOMIC_FILE_H
#define INFL_SIM_ATOMIC_FILE_H

#include "influsim/error.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Creates an empty file under a new temporary name beside `target`:
 * "DIR/.BASE.tmp.PID.N" (DIR and BASE as dirname and basename of target),
 * with mode 0666 less the umask (results are ordinary files; mkstemp would
 * make them 0600), never an existing file. *tmp gets its path (owned: free).
 * With fd non-NULL, *fd gets a write-only descriptor on it (owned: close);
 * with fd NULL the descriptor is closed.
 * `shown` names the target in messages (the name the user gave; NULL: target).
 * Failure: INFL_ENOMEM ("out of memory") or INFL_EIO ("SHOWN: cannot create a
 * file in folder 'DIR': REASON"); *tmp is NULL, *fd is -1, nothing is created.
 */
infl_status infl__atomic_temp_open(const char *target, const char *shown, char **tmp, int *fd,
                                   infl_error *err);

/*
 * Puts the finished temporary `tmp` (written and closed by the caller, in
 * target's folder) in place at `target`: flushes it to disk, then replaces
 * target (`replace`), or puts it there only if no file is (link(), or where
 * hard links are not supported, a check just before rename()), then flushes
 * the folder. `shown` as for infl__atomic_temp_open. tmp is consumed: on
 * success it is the target, on failure it is removed; target is untouched
 * unless the call succeeds. The string tmp stays the caller's.
 * Failure (INFL_EIO, or INFL_ENOMEM "out of memory"):
 *   "SHOWN: cannot flush to disk: REASON"
 *   "SHOWN: cannot move the finished file into place: REASON"
 *   "SHOWN: a file appeared there during the run; not replacing it (...)"
 *   (errno EEXIST) when !replace and a file is at target.
 * A failure to flush the folder after the move loses nothing written and is
 * not reported.
 */
infl_status infl__atomic_commit(const char *tmp, const char *target, const char *shown,
                                bool replace, infl_error *err);

/*
 * Writes n bytes of data to `target` atomically as above (temporary, flush,
 * commit). Failure: the messages of the two calls above, or
 * "TARGET: cannot write: REASON"; nothing is left behind.
 */
infl_status infl__atomic_write_bytes(const char *target, const void *data, size_t n, bool replace,
                                     infl_error *err);

/*
 * Removes the temporaries of `target` (the names infl__atomic_temp_open
 * makes) whose writing process no longer runs: what a run killed while
 * writing (SIGKILL, a power cut) left behind. A temporary of this process, of
 * a live one, or of a PID reused since, is left alone. Best effort: errors
 * are ignored.
 */
void infl__atomic_remove_stale(const char *target);

#endif
