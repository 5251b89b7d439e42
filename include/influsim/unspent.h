/*
 * influsim/unspent.h — why a strategy leaves money unspent, in words.
 *
 * A strategy that leaves much of its budget unspent is not the same campaign
 * as one that spends it all, and comparing the two silently misleads (the one
 * that spends least can look best on profit). After a run, each strategy whose
 * mean unspent money exceeds INFL_UNSPENT_WARN_SHARE of the budget gets a note
 * naming the strategy and the cause read from its per-tier results: a tier
 * whose posts cost more than its share, the `stop` rule, fees returned by
 * creators who did not post, or leftovers too small for another post.
 */
#ifndef INFLUSIM_UNSPENT_H
#define INFLUSIM_UNSPENT_H

#include "influsim/results.h"
#include "influsim/scenario.h"

#include <stddef.h>

/* Mean unspent money above this share of the budget gets a note. */
#define INFL_UNSPENT_WARN_SHARE 0.05

typedef struct {
    size_t strategy; /* index in the summary */
    double unspent;  /* mean money left, in the scenario's currency */
    double share;    /* unspent / budget */
    char text[640];  /* "mix: leaves 2,535 USD (17 %) unspent on average: ..." */
} infl_unspent_note;

/*
 * Writes a note for each strategy of sm (a summary of a run of sc) that
 * leaves more than INFL_UNSPENT_WARN_SHARE of the budget unspent on average,
 * at most max of them, into notes; returns how many there are (which may
 * exceed max). Needs the metrics unspent, refunded_fees, hires_<tier> and
 * spend_<tier>; a summary without them gets no notes.
 */
size_t infl_unspent_notes(const infl_scenario *sc, const infl_summary *sm, infl_unspent_note *notes,
                          size_t max);

#endif
