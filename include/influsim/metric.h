/*
 * influsim/metric.h — what one per-trial metric is (name, units, whether it
 * counts or is a ratio): the model defines the list a scenario produces, and
 * the trials, summaries and files label their columns with it.
 */
#ifndef INFLUSIM_METRIC_H
#define INFLUSIM_METRIC_H

#include <stdbool.h>
#include <stddef.h>

/* What one metric is, for labels and units in the output. */
typedef struct {
    char *name;      /* snake_case, e.g. "conversions", "hires_micro" */
    char *long_name; /* a sentence fragment for plots and tables */
    char *units;     /* "1" (a count), "USD", "USD per conversion", ... */
    bool integer;    /* whole counts, written as 64-bit integers */
    bool ratio;      /* a ratio that is NaN where its denominator is zero */
} infl_metric_info;

/* Deep-copies n metric descriptions; NULL when out of memory. The caller owns
 * the copy (infl_metric_info_free). */
infl_metric_info *infl_metric_info_copy(const infl_metric_info *src, size_t n);
/* Frees n descriptions and their strings; accepts NULL. */
void infl_metric_info_free(infl_metric_info *m, size_t n);

#endif
