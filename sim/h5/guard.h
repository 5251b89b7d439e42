/*
 * guard.h — reading a results file without trusting it. The HDF5 library
 * does not defend itself against malformed files: a damaged size field or
 * heap address can crash it (SIGSEGV inside H5HG_read, H5C_protect), make it
 * loop for seconds or allocate gigabytes. So every reader of a results file
 * parses in a child process, which sends what it read back over a pipe
 * (wire.h) and exits; the parent bounds the child's time and memory and
 * turns a crash, a hang or a malformed reply into "PATH: damaged (...)"
 * (INFL_EFORMAT), which the command line reports with exit status 1.
 *
 * A reader that opens a results file does this (reader.c, sweep_reader.c,
 * select_reader.c):
 *   1. its parse, unchanged, as a function of the infl__h5_guard_parse type
 *      that on success encodes what it read into the wire (infl__wire_put_*);
 *   2. its public function calls infl__h5_read_guarded (reader.h: the
 *      file's integrity record checked first, integrity.h, then the parse
 *      here for INFL__H5_GUARD_SECONDS) with it, then decodes
 *      the reply with infl__wire_get_* and checks infl__wire_done, calling
 *      infl__h5_guard_bad_reply when decoding fails.
 * The parse's own failures (a missing attribute) travel back as its
 * infl_error's status and messages, unchanged.
 */
#ifndef INFL_SIM_H5_GUARD_H
#define INFL_SIM_H5_GUARD_H

#include "h5/wire.h"
#include "influsim/error.h"

/* How long a child may take (wall clock, seconds) and how much memory it
 * may add to what the parent already has (bytes). A results file's
 * summaries read in milliseconds and a few megabytes. */
#define INFL__H5_GUARD_SECONDS 4
/* A read-through of a whole file (integrity.c) gets as much again per this
 * many bytes. */
#define INFL__H5_GUARD_BYTES_PER_S 50e6
#define INFL__H5_GUARD_BYTES (1024.0 * 1024 * 1024)
/* The largest reply the parent accepts (bytes). */
#define INFL__H5_GUARD_REPLY_MAX ((size_t)1 << 30)

/* Reads `path` in the child: fills w on success; returns the status, with
 * messages in err. ctx is the caller's (read-only in the child). */
typedef infl_status (*infl__h5_guard_parse)(const char *path, void *ctx, infl__wire *w,
                                            infl_error *err);

/*
 * Runs parse(path, ctx, ...) in a child process with the signal handlers
 * reset to their defaults (a Ctrl-C handler of the program's must not run in
 * the child), a CPU time and address space limit, for at most `seconds`
 * (wall clock and processor time), and returns:
 * INFL_OK with *reply holding what the parse encoded (infl__wire_destroy);
 * the parse's own status and messages; INFL_EFORMAT with "PATH: damaged
 * (...)" when the child crashed, ran past `seconds` or sent a
 * malformed reply; INFL_EIO when no child could be started or the reading
 * was interrupted (SIGINT, SIGTERM). *reply is empty on failure.
 */
infl_status infl__h5_guard_run(const char *path, infl__h5_guard_parse parse, void *ctx,
                               double seconds, infl__wire *reply, infl_error *err);

/* Records "PATH: damaged (the reader's reply is malformed)" for a reply that
 * does not decode; returns INFL_EFORMAT. */
infl_status infl__h5_guard_bad_reply(const char *path, infl_error *err);

#endif
