/*
 * dist.h — the parameter distributions a scenario may give for any rate or
 * size: a constant, beta (mean, kappa), lognormal (median, sigma), loguniform
 * and uniform (min, max); and for a share vector, a constant vector or a
 * Dirichlet (mean vector, kappa). Plain structs; drawing takes a gsl_rng.
 */
#ifndef INFL_SIM_DIST_H
#define INFL_SIM_DIST_H

#include <gsl/gsl_rng.h>
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
} infl_dist;

/* Returns the name used in scenarios ("constant", "beta", ...). */
const char *infl_dist_kind_name(infl_dist_kind kind);

/* Returns a constant distribution. */
infl_dist infl_dist_constant(double value);

/* Draws one value. Constants consume no random numbers. */
double infl_dist_draw(const infl_dist *d, const gsl_rng *r);

/* Returns the mean of the distribution (analytic). */
double infl_dist_mean(const infl_dist *d);

/* Returns the smallest and largest value the distribution can produce
 * (+inf for an unbounded upper end). */
void infl_dist_support(const infl_dist *d, double *lo, double *hi);

/* A share vector over n categories: constant (`mean` used as is) or
 * Dirichlet(mean * kappa). Owns `mean` and `alpha`. */
typedef struct {
    bool dirichlet;
    size_t n;
    double kappa;
    double *mean;  /* n entries, sum 1 */
    double *alpha; /* n entries, mean * kappa (Dirichlet only, else NULL) */
} infl_share_dist;

/* Draws one share vector into out[n]. */
void infl_share_draw(const infl_share_dist *d, const gsl_rng *r, double *out);

/* Releases the arrays of d (not d itself); accepts a zeroed struct. */
void infl_share_dist_destroy(infl_share_dist *d);

#endif
