/*
 * dist.c — drawing from the scenario's parameter distributions (see dist.h).
 */
#include "dist.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *infl_dist_kind_name(infl_dist_kind kind)
{
    switch (kind) {
    case INFL_DIST_CONSTANT:
        return "constant";
    case INFL_DIST_BETA:
        return "beta";
    case INFL_DIST_LOGNORMAL:
        return "lognormal";
    case INFL_DIST_LOGUNIFORM:
        return "loguniform";
    case INFL_DIST_UNIFORM:
        return "uniform";
    }
    return "unknown";
}

infl_dist infl_dist_constant(double value)
{
    return (infl_dist){.kind = INFL_DIST_CONSTANT, .a = value, .b = 0.0};
}

double infl_dist_draw(const infl_dist *d, const gsl_rng *r)
{
    switch (d->kind) {
    case INFL_DIST_CONSTANT:
        return d->a;
    case INFL_DIST_BETA:
        return gsl_ran_beta(r, d->a * d->b, (1.0 - d->a) * d->b);
    case INFL_DIST_LOGNORMAL:
        /* sigma 0 is the constant median exactly, not exp(log(median)). */
        return d->b == 0.0 ? d->a : gsl_ran_lognormal(r, log(d->a), d->b);
    case INFL_DIST_LOGUNIFORM:
        return exp(gsl_ran_flat(r, log(d->a), log(d->b)));
    case INFL_DIST_UNIFORM:
        return d->a == d->b ? d->a : gsl_ran_flat(r, d->a, d->b);
    }
    return NAN;
}

double infl_dist_mean(const infl_dist *d)
{
    switch (d->kind) {
    case INFL_DIST_CONSTANT:
        return d->a;
    case INFL_DIST_BETA:
        return d->a;
    case INFL_DIST_LOGNORMAL:
        return d->a * exp(0.5 * d->b * d->b);
    case INFL_DIST_LOGUNIFORM:
        return d->a == d->b ? d->a : (d->b - d->a) / (log(d->b) - log(d->a));
    case INFL_DIST_UNIFORM:
        return 0.5 * (d->a + d->b);
    }
    return NAN;
}

void infl_dist_support(const infl_dist *d, double *lo, double *hi)
{
    switch (d->kind) {
    case INFL_DIST_CONSTANT:
        *lo = *hi = d->a;
        return;
    case INFL_DIST_BETA:
        *lo = 0.0;
        *hi = 1.0;
        return;
    case INFL_DIST_LOGNORMAL:
        *lo = 0.0;
        *hi = d->b == 0.0 ? d->a : INFINITY;
        if (d->b == 0.0)
            *lo = d->a;
        return;
    case INFL_DIST_LOGUNIFORM:
    case INFL_DIST_UNIFORM:
        *lo = d->a;
        *hi = d->b;
        return;
    }
    *lo = *hi = NAN;
}

void infl_share_draw(const infl_share_dist *d, const gsl_rng *r, double *out)
{
    if (d->dirichlet)
        gsl_ran_dirichlet(r, d->n, d->alpha, out);
    else
        memcpy(out, d->mean, d->n * sizeof *out);
}

void infl_share_dist_destroy(infl_share_dist *d)
{
    if (d == NULL)
        return;
    free(d->mean);
    free(d->alpha);
    memset(d, 0, sizeof *d);
}
