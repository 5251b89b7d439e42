/*
 * dist.h — the parameter distributions a scenario may give for any rate or
 * size: a constant, beta (mean, kappa), lognormal (median, sigma), loguniform
 * and uniform (min, max); and for a share vector, a constant vector or a
 * Dirichlet (mean vector, kappa). Plain structs; drawing takes an infl_rng.
 */
#ifndef INFL_SIM_DIST_H
#define INFL_SIM_DIST_H

#include "random/rng.h"
#include "random/sample.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    INFL_DIST_CONSTANT,   /* a = value */
    INFL_DIST_BETA,       /* a = mean, b = kappa: Beta(a*b, (1-a)*b) */
    INFL_DIST_LOGNORMAL,  /* a = median, b = sigma: exp(Normal(ln a, b)) */
    INFL_DIST_LOGUNIFORM, /* a = min, b = max: exp(Uniform(ln a, ln b)) */
    INFL_DIST_UNIFORM,    /* a = min, b = max */
} infl_dist_kind;

typedef struct {
    infl_dist_kind kind;
    double a, b;
    /* Sampler constants, filled by infl__dist_prepare; a distribution built
     * without it computes them at each draw and gives the same numbers. */
    bool prepared;
    infl_gamma_shape shape_a, shape_b; /* beta: Gamma(a b) and Gamma((1 - a) b) */
    double log_a, log_b;               /* lognormal: log median; loguniform: log min, log max */
} infl_dist;

/* Computes d's sampler constants once (the loader calls it for every
 * distribution it builds). */
void infl__dist_prepare(infl_dist *d);

/* Returns the name used in scenarios ("constant", "beta", ...). */
const char *infl__dist_kind_name(infl_dist_kind kind);

/* Returns a constant distribution. */
infl_dist infl__dist_constant(double value);

/* Whether d is the constant 0 (an optional term that is off). */
static inline bool infl__dist_is_zero(const infl_dist *d)
{
    return d->kind == INFL_DIST_CONSTANT && d->a == 0.0;
}

/* Draws one value. Constants consume no random numbers. */
double infl__dist_draw(const infl_dist *d, infl_rng *r);

/* Returns the mean of the distribution (analytic). */
double infl__dist_mean(const infl_dist *d);

/* Returns the smallest and largest value the distribution can produce
 * (+inf for an unbounded upper end). */
void infl__dist_support(const infl_dist *d, double *lo, double *hi);

/* A share vector over n categories: constant (`mean` used as is) or
 * Dirichlet(mean * kappa). Owns `mean` and `alpha`. */
typedef struct {
    bool dirichlet;
    size_t n;
    double kappa;
    double *mean;             /* n entries, sum 1 */
    double *alpha;            /* n entries, mean * kappa (Dirichlet only, else NULL) */
    infl_gamma_shape *shapes; /* n entries for alpha, or NULL: computed at each draw */
} infl_share_dist;

/* Computes the sampler constants of a Dirichlet's alpha; false if out of memory. */
bool infl__dist_share_prepare(infl_share_dist *d);

/* Draws one share vector into out[n]. */
void infl__dist_share_draw(const infl_share_dist *d, infl_rng *r, double *out);

/* Releases the arrays of d (not d itself); accepts a zeroed struct. */
void infl__dist_share_destroy(infl_share_dist *d);

#endif
