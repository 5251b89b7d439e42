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
 * Whether sc with parameter keys[i] at values[i] (i < n; keys as
 * infl_scenario_parameters names them) passes the loader's checks of every
 * parameter they reach: its range, its distribution's rules, its tier's
 * engagement check. false if a key is none of sc's parameters, or if out of
 * memory.
 */
bool infl__scenario_params_valid(const infl_scenario *sc, const char *const *keys,
                                 const double *values, size_t n);

#endif
