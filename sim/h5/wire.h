/*
 * wire.h — the small encoding in which a guarded reader's child process
 * (guard.c) sends what it read back to its parent: unsigned 64-bit integers,
 * doubles and strings, little-endian and length-prefixed, appended to a
 * growing buffer and taken back in the same order.
 *
 * The parent trusts nothing it receives: a reply cut short by a crash, or
 * one whose counts are absurd, fails to decode (every get returns false once
 * anything is wrong, and a count is checked against the bytes left before
 * anything is allocated for it), never reads past the buffer and never
 * allocates more than the reply's own size would justify.
 *
 * The encodings of the structs that more than one reader sends (a file's
 * metadata, a summary) are here too; each reader encodes its own result with
 * these pieces.
 */
#ifndef INFL_SIM_H5_WIRE_H
#define INFL_SIM_H5_WIRE_H

#include "influsim/h5.h"

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

/* A file's metadata (infl_h5_meta) and a summary: put, and got back into
 * *meta (infl_h5_meta_destroy, even on failure) or a new *out (NULL on
 * failure; infl_summary_free). */
bool infl__wire_put_meta(infl__wire *w, const infl_h5_meta *meta);
bool infl__wire_get_meta(infl__wire *w, infl_h5_meta *meta);
bool infl__wire_put_summary(infl__wire *w, const infl_summary *sm);
bool infl__wire_get_summary(infl__wire *w, infl_summary **out);

#endif
