/*
 * influsim/named.h — named creators whose cost does not fit.
 *
 * A strategy pays its named hires first, in the order listed, each only if
 * its cost fits what is left of the budget; one that does not fit is not
 * hired. That must never pass unseen: these notes say, for each strategy and
 * named creator that did not fit in some trials, how often and at what cost.
 * They replay only the creators' attribute draws (followers, price, fees),
 * which is fast, so `check` can show them before a run.
 */
#ifndef INFLUSIM_NAMED_H
#define INFLUSIM_NAMED_H

#include "influsim/error.h"
#include "influsim/scenario.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    size_t strategy;  /* index in the scenario */
    size_t position;  /* in its hire list */
    double share;     /* of the trials looked at, where it did not fit */
    double mean_cost; /* its mean cost over those trials */
    char text[400];   /* "hand-picked: @bigstar did not fit ... in 100 % of trials ..." */
} infl_named_note;

/*
 * Looks at the first `trials` trials (at most the scenario's; 0: the
 * scenario's) and writes a note for each named creator that did not fit in
 * at least one of them, at most max, into notes; *count receives how many
 * there are (which may exceed max). INFL_ENOMEM if out of memory.
 */
infl_status infl_named_notes(const infl_scenario *sc, uint64_t trials, infl_named_note *notes,
                             size_t max, size_t *count, infl_error *err);

#endif
