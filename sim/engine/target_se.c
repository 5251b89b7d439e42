/*
 * target_se.c — stopping a run at a target relative standard error of every
 * strategy's mean conversions (see target_se.h). With streaming tallies the
 * moments are the core's, merged in block order; with per-trial values the
 * hook adds each round's trials, in trial order, to its own. Either way the
 * decision is a function of the trials so far, not of the schedule.
 */
#include "engine/target_se.h"

#include "engine/core.h"
#include "model/metrics.h"

#include <math.h>
#include <stdlib.h>

bool infl__target_se_init(infl__target_se *t, double target, size_t n_strategies, size_t n_metrics)
{
    *t = (infl__target_se){.target = target,
                           .n_strategies = n_strategies,
                           .n_metrics = n_metrics,
                           .conv = calloc(n_strategies ? n_strategies : 1, sizeof *t->conv),
                           .worst = NAN};
    return t->conv != NULL;
}

void infl__target_se_destroy(infl__target_se *t)
{
    free(t->conv);
    t->conv = NULL;
}

/* The worst relative SE after r's round is added to t->conv. */
static double relative_se(infl__target_se *t, const infl_round *r)
{
    double worst = 0.0;
    for (size_t s = 0; s < t->n_strategies; s++) {
        const size_t c = s * t->n_metrics + INFL_M_CONVERSIONS;
        if (r->tallies != NULL) {
            t->conv[s] = r->tallies->moments->cells[c];
        } else {
            const infl_trials *tr = r->trials;
            const double *x = tr->values + c * tr->n_trials;
            for (uint64_t i = r->round_first_trial; i < r->trials_done; i++)
                infl__moments_add(&t->conv[s], x[i]);
        }
        const infl_moments *m = &t->conv[s];
        if (m->n < 2)
            return INFINITY;
        if (m->mean == 0.0)
            continue; /* never a conversion yet: no relative error to speak of */
        double se = sqrt(m->m2 / (double)(m->n - 1)) / sqrt((double)m->n) / m->mean;
        if (se > worst)
            worst = se;
    }
    return worst;
}

infl_round_action infl__target_se_hook(void *target_se, const infl_round *r)
{
    infl__target_se *t = target_se;
    t->worst = relative_se(t, r);
    if (t->worst <= t->target) {
        t->met = true;
        if (r->blocks_done < r->blocks_total)
            return INFL_ROUND_STOP;
    }
    return INFL_ROUND_CONTINUE;
}
