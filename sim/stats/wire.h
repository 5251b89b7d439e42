/*
 * wire.h — a small encoding of unsigned 64-bit integers, doubles and strings,
 * little-endian and length-prefixed, appended to a growing buffer and taken
 * back in the same order: what a guarded reader's child process sends its
 * parent (h5/guard.c), and what MPI ranks send each other of a study's
 * points (study/spread.c).
 *
 * The receiver trusts nothing: bytes cut short by a crash, or whose counts
 * are absurd, fail to decode (every get returns false once anything is
 * wrong, and a count is checked against the bytes left before anything is
 * allocated for it), never read past the buffer and never allocate more
 * than their own size would justify.
 *
 * A summary's encoding is here too, exact to the bit (doubles travel as
 * their bits), so a summary sent is the summary received.
 */
#ifndef INFL_SIM_STATS_WIRE_H
#define INFL_SIM_STATS_WIRE_H

#include "influsim/results.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A buffer being written (put) or read (get). `bad` is set by the first put
 * that cannot allocate or the first get that finds the bytes malformed or
 * exhausted; every call after that does nothing and returns false. */
typedef struct {
    unsigned char *data;
    size_t len, cap; /* bytes held, bytes allocated */
    size_t pos;      /* the next byte a get reads */
    bool bad;
} infl__wire;

/* An empty buffer to put into, or one over bytes to get from (borrowed:
 * infl__wire_destroy frees only what a put allocated). */
void infl__wire_init(infl__wire *w);
void infl__wire_over(infl__wire *w, const void *data, size_t len);
void infl__wire_destroy(infl__wire *w);

/* n bytes as they are (no length): for splicing one buffer into another. */
bool infl__wire_put_bytes(infl__wire *w, const void *p, size_t n);
bool infl__wire_put_u64(infl__wire *w, uint64_t v);
bool infl__wire_put_f64(infl__wire *w, double v);
/* A string or NULL (told apart on the wire). */
bool infl__wire_put_str(infl__wire *w, const char *s);
bool infl__wire_put_f64s(infl__wire *w, const double *v, size_t n);
bool infl__wire_put_strs(infl__wire *w, char *const *v, size_t n);

bool infl__wire_get_u64(infl__wire *w, uint64_t *v);
bool infl__wire_get_f64(infl__wire *w, double *v);
/* A count of items of at least `item_bytes` bytes each on the wire: fails
 * unless that many items could still follow, so a count is never trusted
 * further than the reply's length. */
bool infl__wire_get_count(infl__wire *w, size_t item_bytes, size_t *n);
/* A new string, or NULL if NULL was put (*s, free()). */
bool infl__wire_get_str(infl__wire *w, char **s);
/* A new string that must not be NULL. */
bool infl__wire_get_text(infl__wire *w, char **s);
/* n doubles into out (allocated by the caller). */
bool infl__wire_get_f64s(infl__wire *w, double *out, size_t n);
/* *n and a new array of *n non-NULL strings (infl_names_free). */
bool infl__wire_get_strs(infl__wire *w, size_t *n, char ***out);
/* True when every byte was read and nothing was wrong. */
bool infl__wire_done(const infl__wire *w);
/* Marks w bad and returns false: what an encoding of a struct calls when
 * the bytes it got make no sense. */
bool infl__wire_fail(infl__wire *w);

/* A summary: put, and got back into a new *out (NULL on failure;
 * infl_summary_free). */
bool infl__wire_put_summary(infl__wire *w, const infl_summary *sm);
bool infl__wire_get_summary(infl__wire *w, infl_summary **out);

#endif
