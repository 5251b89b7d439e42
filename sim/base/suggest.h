/*
 * suggest.h — "did you mean ...?" for misspelt keys and names: the closest
 * candidate by edit distance, if it is close enough to be a likely typo.
 */
#ifndef INFL_SIM_SUGGEST_H
#define INFL_SIM_SUGGEST_H

#include <stddef.h>

/* Returns the candidate closest to `word` by Levenshtein distance if that
 * distance is at most 2 and less than half the word's length, else NULL.
 * The returned pointer is one of `candidates`. */
const char *infl__suggest(const char *word, const char *const *candidates, size_t n);

/* Levenshtein distance between two strings (bytes), capped at 255. */
size_t infl__suggest_edit_distance(const char *a, const char *b);

#endif
