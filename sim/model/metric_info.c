/*
 * metric_info.c — copies and frees metric descriptions (influsim/metric.h).
 */
#include "influsim/metric.h"

#include <stdlib.h>
#include <string.h>

void infl_metric_info_free(infl_metric_info *m, size_t n)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        free(m[i].name);
        free(m[i].long_name);
        free(m[i].units);
    }
    free(m);
}

infl_metric_info *infl_metric_info_copy(const infl_metric_info *src, size_t n)
{
    infl_metric_info *m = calloc(n ? n : 1, sizeof *m);
    if (m == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        m[i] = src[i];
        m[i].name = strdup(src[i].name);
        m[i].long_name = strdup(src[i].long_name);
        m[i].units = strdup(src[i].units);
        if (!m[i].name || !m[i].long_name || !m[i].units) {
            infl_metric_info_free(m, i + 1);
            return NULL;
        }
    }
    return m;
}
