/*
 * named.c — notes on named creators whose cost does not fit (influsim/named.h).
 */
#include "influsim/named.h"

#include "model/model.h"
#include "scenario/scenario_internal.h"

#include <stdio.h>
#include <stdlib.h>

infl_status infl_named_notes(const infl_scenario *sc, uint64_t trials, infl_named_note *notes,
                             size_t max, size_t *count, infl_error *err)
{
    *count = 0;
    if (!sc->has_named)
        return INFL_OK;
    if (trials == 0 || trials > sc->trials)
        trials = sc->trials;
    size_t most = 0;
    for (size_t s = 0; s < sc->n_strategies; s++)
        if (sc->strategies[s].n_named > most)
            most = sc->strategies[s].n_named;
    infl_model_ws *ws = infl__model_ws_new(sc);
    unsigned char *misfit = malloc(most);
    double *cost = malloc(most * sizeof *cost);
    uint64_t *misses = malloc(most * sizeof *misses);
    double *sum = malloc(most * sizeof *sum);
    if (ws == NULL || misfit == NULL || cost == NULL || misses == NULL || sum == NULL) {
        infl__model_ws_free(ws);
        free(misfit);
        free(cost);
        free(misses);
        free(sum);
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    }
    for (size_t s = 0; s < sc->n_strategies; s++) {
        const infl_strategy *st = &sc->strategies[s];
        if (st->n_named == 0)
            continue;
        for (size_t i = 0; i < st->n_named; i++) {
            misses[i] = 0;
            sum[i] = 0;
        }
        for (uint64_t t = 0; t < trials; t++) {
            infl__model_named_fit(ws, t, s, misfit, cost);
            for (size_t i = 0; i < st->n_named; i++) {
                misses[i] += misfit[i];
                sum[i] += cost[i];
            }
        }
        for (size_t i = 0; i < st->n_named; i++) {
            if (misses[i] == 0)
                continue;
            if (*count < max) {
                infl_named_note *n = &notes[*count];
                n->strategy = s;
                n->position = i;
                n->share = (double)misses[i] / (double)trials;
                n->mean_cost = sum[i] / (double)trials;
                double pct = 100.0 * n->share;
                char share[32];
                /* Never "100 %" for a creator who did fit once. */
                snprintf(share, sizeof share,
                         pct < 1                    ? "%.2g %%"
                         : pct >= 99.5 && pct < 100 ? "%.1f %%"
                                                    : "%.0f %%",
                         pct);
                snprintf(n->text, sizeof n->text,
                         "%s: %s (costing %.0f %s on average) did not fit what was left of the "
                         "budget in %s of %llu trials, and was not hired then",
                         st->name, sc->creators[st->named[i]].handle, n->mean_cost, sc->currency,
                         share, (unsigned long long)trials);
            }
            ++*count;
        }
    }
    infl__model_ws_free(ws);
    free(misfit);
    free(cost);
    free(misses);
    free(sum);
    return INFL_OK;
}
