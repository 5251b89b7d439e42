/*
 * results.c — lifetime helpers for per-trial results and summaries, and the
 * deep copy of names they share.
 */
#include "influsim/results.h"

#include <stdlib.h>
#include <string.h>

const double infl_quantile_levels[INFL_N_QUANTILES] = {0.01, 0.05, 0.10, 0.25, 0.50,
                                                       0.75, 0.90, 0.95, 0.99};

void infl_names_free(char **names, size_t n)
{
    if (names == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

char **infl_names_copy(char *const *src, size_t n)
{
    char **names = calloc(n ? n : 1, sizeof *names);
    if (names == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if ((names[i] = strdup(src[i])) == NULL) {
            infl_names_free(names, i);
            return NULL;
        }
    }
    return names;
}

size_t infl_trials_metric_index(const infl_trials *tr, const char *name)
{
    for (size_t m = 0; m < tr->n_metrics; m++)
        if (strcmp(tr->metrics[m].name, name) == 0)
            return m;
    return (size_t)-1;
}

void infl_trials_free(infl_trials *tr)
{
    if (tr == NULL)
        return;
    infl_metric_info_free(tr->metrics, tr->n_metrics);
    infl_names_free(tr->strategy_names, tr->n_strategies);
    free(tr->values);
    free(tr->purchase_rate);
    free(tr->wom_purchase_factor);
    free(tr->addressable);
    free(tr->repeat_orders);
    free(tr);
}

const infl_stat *infl_summary_stat(const infl_summary *sm, size_t s, const char *name)
{
    if (s >= sm->n_strategies)
        return NULL;
    for (size_t m = 0; m < sm->n_metrics; m++)
        if (strcmp(sm->metrics[m].name, name) == 0)
            return &sm->stats[s * sm->n_metrics + m];
    return NULL;
}

void infl_summary_free(infl_summary *sm)
{
    if (sm == NULL)
        return;
    infl_names_free(sm->strategy_names, sm->n_strategies);
    infl_metric_info_free(sm->metrics, sm->n_metrics);
    free(sm->stats);
    free(sm->p_greater);
    free(sm->p_tie);
    free(sm->mean_difference);
    free(sm->se_difference);
    free(sm);
}
