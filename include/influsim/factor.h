/*
 * influsim/factor.h — the factors of a sensitivity study (`influsim
 * sensitivity`): which scenario parameters vary, over which ranges, and the
 * override that sets one to a value. A factor is one of the scenario's
 * numeric parameters (infl_scenario_parameters, influsim/scenario.h), uniform
 * or log-uniform over [lo, hi]; docs/sensitivity.md, "Factors".
 *
 * Every value of every factor, and every combination of them (each factor
 * anywhere in its range, the others anywhere in theirs), gives a scenario
 * that loads: the ranges are checked (infl_factor_parse) or clipped
 * (infl_factor_assumptions) against the loader's own rules.
 */
#ifndef INFLUSIM_FACTOR_H
#define INFLUSIM_FACTOR_H

#include "influsim/error.h"
#include "influsim/scenario.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum { INFL_FACTOR_LINEAR = 0, INFL_FACTOR_LOG = 1 } infl_factor_scale;

typedef struct {
    char *key;           /* the --set key */
    char *label;         /* readable name (the parameter's label) */
    double lo, hi, base; /* range; the scenario's value */
    infl_factor_scale scale;
    bool integer;
} infl_factor;

/* Factors in order; start from {0} (or {NULL, 0}); items owned by the list. */
typedef struct {
    infl_factor *items;
    size_t n;
} infl_factor_list;

/*
 * "KEY=LO:HI" or "KEY=LO:HI:log" against sc, appended to list. INFL_EARG,
 * with a message that names the spec ("factor SPEC: ..."), for: no '=' or a
 * range not LO:HI[:log]; LO or HI not a number, NaN or infinite; an unknown
 * key (with "did you mean ...?"); a key that is not numeric, is structural
 * (seed, trials, strategies, regions, roster, the audience's shares) or is a
 * distribution rather than one of its parameters (the message lists them); a
 * key already in the list; LO >= HI; log with LO <= 0; an integer key with
 * LO or HI not whole; a bound outside the key's valid domain (the domain is
 * said); a range that, with the factors already in the list that it
 * constrains (the same distribution, a tier's engagement), has combinations
 * that would not load. INFL_ENOMEM. On failure list is unchanged.
 */
infl_status infl_factor_parse(const infl_scenario *sc, const char *spec, infl_factor_list *list,
                              infl_error *err);

/*
 * "assumptions", "assumptions:30%", "assumptions:±30%", "assumptions:+-30%"
 * (P in (0, 100], default 30; the % sign may be left out): every parameter
 * with .assumption, at base * (1 - P/100) .. base * (1 + P/100), linear,
 * clipped to its domain (an open bound B is replaced by B moved inside by
 * 1e-9 x max(|B|, |base|), e.g. a beta mean's upper bound 1 by 1 - 1e-9); an
 * integer key's ends rounded outward (then clipped). Skipped: a base of 0
 * (it cannot be scaled), a key already in the list, and a range empty after
 * clipping. Where parameters constrain one another (a distribution's min and
 * max, a beta's mean and kappa, a tier's engagement per follower and its
 * views), the later one's ends are drawn towards its base, each end by
 * bisection, until every combination loads. Appends to list; INFL_EARG (a
 * message naming the spec) for a spec of another form, INFL_ENOMEM.
 */
infl_status infl_factor_assumptions(const infl_scenario *sc, const char *spec,
                                    infl_factor_list *list, infl_error *err);

/* The value at unit coordinate u in [0,1]: linear lo+u(hi-lo); log
 * exp(ln lo + u ln(hi/lo)); integer: rounded to the nearest whole number
 * within [lo,hi]. u <= 0 gives lo, u >= 1 hi exactly; always within [lo, hi]. */
double infl_factor_value(const infl_factor *f, double u);

/* The override "KEY=VALUE" for value, written so it reads back exactly (the
 * shortest such decimal, at most %.17g's digits: 0.1, not
 * 0.10000000000000001), into buf. false if it does not fit in size. */
bool infl_factor_override(const infl_factor *f, double value, char *buf, size_t size);

/* Frees the list's factors and empties it; accepts an empty list. */
void infl_factor_list_destroy(infl_factor_list *l);

#endif
