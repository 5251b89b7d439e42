/*
 * run_text.h — for the model's unit tests: a scenario from YAML text run on
 * two threads, and one column of its per-trial values by metric name.
 */
#ifndef INFL_TEST_RUN_TEXT_H
#define INFL_TEST_RUN_TEXT_H

#include "influsim/engine.h"
#include "influsim/scenario.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The trials of yaml with n_sets overrides (NULL, with the message on
 * stderr, if it does not load or run); the caller frees them. */
static inline infl_trials *run_text(const char *yaml, const char *const *sets, size_t n_sets)
{
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    infl_trials *tr = NULL;
    if (infl_scenario_load_text(yaml, strlen(yaml), "test", sets, n_sets, &sc, &err) != INFL_OK ||
        infl_engine_run(sc, &(infl_run_options){.threads = 2}, &tr, NULL, NULL, &err) != INFL_OK) {
        fprintf(stderr, "setup failed:\n%s", infl_error_message(&err));
        tr = NULL;
    }
    infl_scenario_free(sc);
    infl_error_destroy(&err);
    return tr;
}

/* Strategy s's column of `metric`; aborts if there is no such metric. */
static inline const double *col(const infl_trials *tr, size_t s, const char *metric)
{
    size_t m = infl_trials_metric_index(tr, metric);
    if (m == (size_t)-1) {
        fprintf(stderr, "no metric %s\n", metric);
        abort();
    }
    return infl_trials_column(tr, s, m);
}

/* A copy of text (the caller frees it) with its first `old` replaced by
 * `new`; aborts if text has no `old`. */
static inline char *replaced(const char *text, const char *old, const char *new)
{
    const char *at = strstr(text, old);
    if (at == NULL) {
        fprintf(stderr, "test setup: no \"%s\" in the text\n", old);
        abort();
    }
    size_t head = (size_t)(at - text), n = strlen(text) - strlen(old) + strlen(new);
    char *out = malloc(n + 1);
    if (out == NULL)
        abort();
    memcpy(out, text, head);
    strcpy(out + head, new);
    strcat(out, at + strlen(old));
    return out;
}

/* Mean of x[0..n) and its standard error. */
static inline double mean_se(const double *x, uint64_t n, double *se)
{
    double s = 0, ss = 0;
    for (uint64_t i = 0; i < n; i++)
        s += x[i];
    double m = s / (double)n;
    for (uint64_t i = 0; i < n; i++)
        ss += (x[i] - m) * (x[i] - m);
    *se = sqrt(ss / (double)(n - 1) / (double)n);
    return m;
}

#endif
