/*
 * text.h — checks on text that enters the results file from outside YAML
 * (command-line values, file paths): HDF5 strings are declared UTF-8, and the
 * resolved scenario must load back, so such text must be valid UTF-8 without
 * control characters; and comparing lists of such text.
 */
#ifndef INFL_SIM_TEXT_H
#define INFL_SIM_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Returns the byte offset of the first invalid UTF-8 sequence or control
 * character (below 0x20, or 0x7f; tab allowed) in s, or (size_t)-1 if none. */
size_t infl__text_check(const char *s);

/* Returns a copy of s with every invalid byte or control character replaced
 * by '?', or NULL if out of memory. The caller frees it. */
char *infl__text_sanitized(const char *s);

/* Whether two lists of strings are the same, in the same order (the --set
 * overrides two saved parts of a run or sweep must share). */
bool infl__text_lists_equal(char *const *a, size_t na, char *const *b, size_t nb);

#endif
