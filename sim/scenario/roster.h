/*
 * roster.h — what identifies a named creator and where its audience lives:
 * the handle as compared (case and a leading '@' ignored), the 48-bit key
 * that its random streams are keyed by, and the map from its audience by
 * country to the scenario's regions. Validation is scenario_load.c's; this
 * is the part that does not depend on how the roster was written.
 */
#ifndef INFL_SIM_ROSTER_H
#define INFL_SIM_ROSTER_H

#include "scenario/scenario_internal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest handle, in bytes (platforms allow 30 to 100 characters). */
#define INFL_ROSTER_HANDLE_MAX 100

/* Whether a and b name the same creator: equal once a leading '@' is dropped,
 * ASCII letters compared without case. */
bool infl__roster_same_handle(const char *a, const char *b);

/* The creator's identity: a 48-bit hash of its handle as compared (above), so
 * that its draws do not depend on its place in the roster. */
uint64_t infl__roster_key(const char *handle);

/*
 * The region each country code falls in: the region listing it, else the
 * region that takes the rest, else SIZE_MAX (no region: not shippable).
 * "OTHER" (countries not listed) goes to the rest region, else SIZE_MAX.
 */
size_t infl__roster_region_of(const infl_scenario *sc, const char *code);

/* Creators by key, to find a duplicate handle among n in O(n) overall (a
 * roster may hold 100,000). Open addressing over roster indices. */
typedef struct {
    size_t *slot; /* cap entries: an index + 1, or 0 for empty */
    uint64_t *key;
    size_t cap;
} infl__roster_index;

/* Room for n creators; false if out of memory. Free with _destroy. */
bool infl__roster_index_init(infl__roster_index *x, size_t n);
void infl__roster_index_destroy(infl__roster_index *x);
/* The index of a creator added before with the same key, or SIZE_MAX after
 * adding creator i with that key. */
size_t infl__roster_index_add(infl__roster_index *x, uint64_t key, size_t i);

/* Whether any region of sc says which countries it covers. */
bool infl__roster_has_countries(const infl_scenario *sc);

#endif
