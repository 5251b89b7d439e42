/*
 * dist.c — drawing from the scenario's parameter distributions (see dist.h).
 */
#include "random/dist.h"

#include "base/fmath.h"

#include "random/sample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *infl__dist_kind_name(infl_dist_kind kind)
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

infl_dist infl__dist_constant(double value)
{
    return (infl_dist){.kind = INFL_DIST_CONSTANT, .a = value, .b = 0.0, .prepared = true};
}

void infl__dist_prepare(infl_dist *d)
{
    switch (d->kind) {
    case INFL_DIST_BETA:
        infl__sample_gamma_shape_init(&d->shape_a, d->a * d->b);
        infl__sample_gamma_shape_init(&d->shape_b, (1.0 - d->a) * d->b);
        break;
    case INFL_DIST_LOGNORMAL:
        d->log_a = infl__fmath_log(d->a);
        break;
    case INFL_DIST_LOGUNIFORM:
        d->log_a = infl__fmath_log(d->a);
        d->log_b = infl__fmath_log(d->b);
        break;
    case INFL_DIST_CONSTANT:
    case INFL_DIST_UNIFORM:
        break;
    }
    d->prepared = true;
}

double infl__dist_draw(const infl_dist *d, infl_rng *r)
{
    switch (d->kind) {
    case INFL_DIST_CONSTANT:
        return d->a;
    case INFL_DIST_BETA:
        if (d->prepared)
            return infl__sample_beta_shapes(r, &d->shape_a, &d->shape_b);
        return infl__sample_beta(r, d->a * d->b, (1.0 - d->a) * d->b);
    case INFL_DIST_LOGNORMAL:
        /* sigma 0 is the constant median exactly, not exp(log(median)). */
        if (d->b == 0.0)
            return d->a;
        return infl__fmath_exp((d->prepared ? d->log_a : infl__fmath_log(d->a)) +
                               d->b * infl__sample_normal(r));
    case INFL_DIST_LOGUNIFORM: {
        double lo = d->prepared ? d->log_a : infl__fmath_log(d->a),
               hi = d->prepared ? d->log_b : infl__fmath_log(d->b);
        return infl__fmath_exp(lo + (hi - lo) * infl__rng_uniform(r));
    }
    case INFL_DIST_UNIFORM:
        return d->a == d->b ? d->a : d->a + (d->b - d->a) * infl__rng_uniform(r);
    }
    return NAN;
}

double infl__dist_mean(const infl_dist *d)
{
    switch (d->kind) {
    case INFL_DIST_CONSTANT:
        return d->a;
    case INFL_DIST_BETA:
        return d->a;
    case INFL_DIST_LOGNORMAL:
        return d->a * infl__fmath_exp(0.5 * d->b * d->b);
    case INFL_DIST_LOGUNIFORM:
        return d->a == d->b ? d->a
                            : (d->b - d->a) / (infl__fmath_log(d->b) - infl__fmath_log(d->a));
    case INFL_DIST_UNIFORM:
        return 0.5 * (d->a + d->b);
    }
    return NAN;
}

void infl__dist_support(const infl_dist *d, double *lo, double *hi)
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

void infl__dist_share_draw(const infl_share_dist *d, infl_rng *r, double *out)
{
    if (d->dirichlet && d->shapes != NULL)
        infl__sample_dirichlet_shapes(r, d->n, d->shapes, out);
    else if (d->dirichlet)
        infl__sample_dirichlet(r, d->n, d->alpha, out);
    else
        memcpy(out, d->mean, d->n * sizeof *out);
}

bool infl__dist_share_prepare(infl_share_dist *d)
{
    if (!d->dirichlet || d->shapes != NULL)
        return true;
    d->shapes = malloc(d->n * sizeof *d->shapes);
    if (d->shapes == NULL)
        return false;
    for (size_t i = 0; i < d->n; i++)
        infl__sample_gamma_shape_init(&d->shapes[i], d->alpha[i]);
    return true;
}

void infl__dist_share_destroy(infl_share_dist *d)
{
    if (d == NULL)
        return;
    free(d->mean);
    free(d->alpha);
    free(d->shapes);
    memset(d, 0, sizeof *d);
}
