/*
 * sample.h — the random variates the model draws, from an infl_rng stream.
 *
 * These replace GSL's gsl_ran_* samplers in the hot loop (GSL remains the
 * reference they are tested against, in tests/unit/test_sample.c, and the
 * library for every statistic). Each is exact in the sense of its published
 * algorithm: rejection and inversion tests run in double precision with
 * log-factorials accurate to about 1e-15 relative, and uniforms have 32-bit
 * resolution (so probabilities below about 2^-32 are not resolved).
 *
 *   normal          ziggurat, 128 layers (Marsaglia and Tsang 2000)
 *   gamma           Marsaglia and Tsang (2000); shapes below 1 by boosting
 *   beta, Dirichlet ratios of gammas, in log space when a shape is below 1
 *   binomial        inversion when min(p, 1-p) n < 10, else BTRS (Hoermann 1993)
 *   Poisson         inversion when mu < 10, else PTRS (Hoermann 1993)
 *   hypergeometric  inversion when the mean is below 10, else HRUA (Stadlober 1989)
 *   multinomial     conditional binomials, stopping when nothing is left
 */
#ifndef INFL_SIM_SAMPLE_H
#define INFL_SIM_SAMPLE_H

#include "rng.h"

#include <stddef.h>
#include <stdint.h>

/* The ziggurat's layer edges and the density at them (ziggurat_table.c). */
extern const double infl_zig_x[129];
extern const double infl_zig_f[129];

/* log(k!), for any k (a table below 30, Stirling's series above). */
double infl_log_factorial(double k);

/* log(a! / b!) for whole numbers a, b >= 0, accurate when a and b are large
 * and close (no cancellation between two large log-factorials). */
double infl_log_factorial_ratio(double a, double b);

/* Standard normal. */
double infl_sample_normal(infl_rng *r);

/* The constants of the gamma sampler for one shape a > 0, computed once per
 * scenario rather than once per draw (a square root and two divisions, a
 * third of a gamma draw's cost). Shapes below 1 draw Gamma(a + 1) and boost. */
typedef struct {
    double d, c;  /* Marsaglia and Tsang: d = a' - 1/3, c = 1 / sqrt(9 d), a' = max(a, a + 1) */
    double inv_a; /* 1 / a, for the boost U^(1/a) when a < 1 */
    int boost;    /* a < 1 */
} infl_gamma_shape;

/* Fills g for shape a > 0. */
void infl_gamma_shape_init(infl_gamma_shape *g, double a);

/* Gamma with shape a > 0 and scale 1 (infl_sample_gamma_shape with g prepared). */
double infl_sample_gamma(infl_rng *r, double a);
double infl_sample_gamma_shape(infl_rng *r, const infl_gamma_shape *g);

/* Beta(a, b), a, b > 0, as X / (X + Y) of gammas (in logs when a shape is
 * below 1). The two functions give the same numbers for the same shapes. */
double infl_sample_beta(infl_rng *r, double a, double b);
double infl_sample_beta_shapes(infl_rng *r, const infl_gamma_shape *a, const infl_gamma_shape *b);

/* Dirichlet(alpha[0..n-1]) into out[n]; every alpha > 0. The second form
 * takes the prepared shapes of alpha and gives the same numbers. */
void infl_sample_dirichlet(infl_rng *r, size_t n, const double *alpha, double *out);
void infl_sample_dirichlet_shapes(infl_rng *r, size_t n, const infl_gamma_shape *g, double *out);

/* Binomial(n, p); p outside (0, 1) is taken as 0 or 1. */
uint32_t infl_sample_binomial(infl_rng *r, double p, uint32_t n);

/* Poisson(mu), 0 <= mu <= 2e9. */
uint32_t infl_sample_poisson(infl_rng *r, double mu);

/* Hypergeometric: of `draws` items taken without replacement from `good` +
 * `bad`, how many are good. draws > good + bad is taken as all of them. */
uint32_t infl_sample_hypergeometric(infl_rng *r, uint32_t good, uint32_t bad, uint32_t draws);

/* Multinomial(n, p[0..k-1]) into out[k]; p sums to 1 (up to rounding; the
 * last category takes what is left). */
void infl_sample_multinomial(infl_rng *r, size_t k, uint32_t n, const double *p, uint32_t *out);

#endif
