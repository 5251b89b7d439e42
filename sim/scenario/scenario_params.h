/*
 * scenario_params.h — the numeric parameters of a resolved scenario, for the
 * factors of a sensitivity study (study/factor.c): whether a set of values
 * would pass the loader's checks, decided by the very rules the loader uses
 * (scenario/range.h), without loading.
 */
#ifndef INFL_SIM_SCENARIO_PARAMS_H
#define INFL_SIM_SCENARIO_PARAMS_H

#include "influsim/scenario.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether sc with some of its parameters at other values would pass the
 * loader's checks of every parameter they reach: its range, its
 * distribution's rules, the engagement check of its tier and of the creators
 * that name the tier. Prepared once (a copy of sc's numbers and its
 * parameters, owned by the caller) for
 * many sets of values, such as a box's corners.
 */
typedef struct infl__params_check infl__params_check;

/* A new check of sc's parameters, or NULL if out of memory. */
infl__params_check *infl__params_check_new(const infl_scenario *sc);
/* The index of parameter `key`, or SIZE_MAX if it is none of sc's. */
size_t infl__params_check_index(const infl__params_check *c, const char *key);
/* Whether the parameters at[i] at values[i] (i < n) pass the loader's
 * checks; the copy holds sc's values again on return. */
bool infl__params_check_valid(infl__params_check *c, const size_t *at, const double *values,
                              size_t n);
void infl__params_check_free(infl__params_check *c);

#endif
