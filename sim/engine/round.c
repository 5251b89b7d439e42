/*
 * round.c — what a round hook may ask of the round it is shown beyond the
 * fields of infl_round (see include/influsim/engine.h): the moments of one
 * strategy's metric, whether the run keeps its trials or streams them, so a
 * caller's stopping rule reads both kinds of run the same way.
 */
#include "engine/core.h"

#include <math.h>

bool infl_round_moments(const infl_round *r, size_t strategy, size_t metric, uint64_t *n,
                        double *mean, double *variance)
{
    infl_moments m = {0};
    if (r->tallies != NULL) {
        const infl_round_tallies *t = r->tallies;
        if (strategy >= t->n_strategies || metric >= t->n_metrics)
            return false;
        m = t->moments->cells[strategy * t->n_metrics + metric];
    } else {
        const infl_trials *tr = r->trials;
        if (tr == NULL || strategy >= tr->n_strategies || metric >= tr->n_metrics)
            return false;
        const double *x = infl_trials_column(tr, strategy, metric);
        for (uint64_t i = 0; i < r->trials_done; i++)
            if (!isnan(x[i]))
                infl__moments_add(&m, x[i]);
    }
    *n = m.n;
    *mean = m.n > 0 ? m.mean : NAN;
    *variance = m.n > 1 ? m.m2 / (double)(m.n - 1) : NAN;
    return true;
}
