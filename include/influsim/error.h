/*
 * influsim/error.h — status codes and the error object every library call fills.
 *
 * Library functions return an infl_status and, on failure, append a message to
 * the caller's infl_error with the context that failed (file, line, key path,
 * dataset name). Only the program's main prints messages and picks exit codes.
 * The codes and their one-line descriptions come from one X-macro table.
 */
#ifndef INFLUSIM_ERROR_H
#define INFLUSIM_ERROR_H

#include <stdarg.h>
#include <stddef.h>

#define INFL_STATUS_TABLE(X)                                                                       \
    X(INFL_OK, 0, "success")                                                                       \
    X(INFL_ENOMEM, -1, "out of memory")                                                            \
    X(INFL_EIO, -2, "input/output error")                                                          \
    X(INFL_ESYNTAX, -3, "syntax error in scenario")                                                \
    X(INFL_EINVAL, -4, "invalid scenario")                                                         \
    X(INFL_EARG, -5, "invalid argument")                                                           \
    X(INFL_EHDF5, -6, "HDF5 library error")                                                        \
    X(INFL_EFORMAT, -7, "not a readable influsim results file")                                    \
    X(INFL_ELIMIT, -8, "limit exceeded")                                                           \
    X(INFL_EINTERNAL, -9, "internal error")

typedef enum {
#define INFL__STATUS_ENUM(name, value, text) name = value,
    INFL_STATUS_TABLE(INFL__STATUS_ENUM)
#undef INFL__STATUS_ENUM
} infl_status;

/* Returns the fixed description of a status code ("unknown status" if none). */
const char *infl_status_str(infl_status status);

/*
 * An error collects one or more messages (a scenario can have many faults) and
 * the status of the first. Caller-allocated: infl_error_init before use,
 * infl_error_destroy after. Every function that takes an infl_error * accepts
 * NULL, in which case messages are discarded and only the status is returned.
 */
typedef struct {
    infl_status status; /* status of the first message, INFL_OK if none */
    size_t count;       /* number of messages */
    char *text;         /* messages, one per line, each ending in '\n' */
    size_t length;      /* bytes used in text, excluding the terminator */
    size_t capacity;    /* bytes allocated for text */
} infl_error;

void infl_error_init(infl_error *err);
void infl_error_destroy(infl_error *err);
/* Discards all messages and resets the status to INFL_OK. */
void infl_error_clear(infl_error *err);

/*
 * Appends one message (printf format, no trailing newline needed) and returns
 * `status`, so a failing path can read `return infl_error_add(err, ...)`.
 * If memory for the message cannot be found, the status is still recorded.
 */
infl_status infl_error_add(infl_error *err, infl_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
infl_status infl_error_vadd(infl_error *err, infl_status status, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Appends every message of src to dst (status and count as if added one by
 * one) and returns src's status. Used to pass on errors collected elsewhere,
 * such as by a worker thread. */
infl_status infl_error_merge(infl_error *dst, const infl_error *src);

/* Appends each line of the len bytes at text (messages as infl_error_message
 * returns them, from another process say) with `status`; returns status. */
infl_status infl_error_add_lines(infl_error *dst, infl_status status, const char *text, size_t len);

/* Returns the collected messages ("" if none). Owned by err. */
const char *infl_error_message(const infl_error *err);

#endif
