/*
 * sobol.h — variance-based global sensitivity indices (Sobol' indices) of a
 * function of k factors on the unit cube, estimated from a quasi-random base
 * design: the design itself, and the first-order and total indices with
 * percentile-bootstrap intervals from the function's values on it. Pure
 * estimators: the sensitivity study evaluates the simulator on the design and
 * hands the values here.
 *
 * Cost: n (k + 2) evaluations of the function (A, B and each AB_i).
 */
#ifndef INFL_SIM_STUDY_SOBOL_H
#define INFL_SIM_STUDY_SOBOL_H

#include "influsim/error.h"

#include <stddef.h>
#include <stdint.h>

/* gsl_qrng_sobol has 40 dimensions; A and B need k each. */
#define INFL__SOBOL_MAX_FACTORS 20
/* GSL's Sobol' generator gives 2^30 - 1 points; the design skips one. */
#define INFL__SOBOL_MAX_ROWS (((size_t)1 << 30) - 2)

/*
 * The base design: n rows of A and of B (each n x k, row-major, in (0,1)^k),
 * A from the first k and B from the next k dimensions of GSL's Sobol' sequence
 * in 2k dimensions, skipping its first point. (GSL already leaves out the
 * point at the origin: its first point is 1/2 in every dimension, where A's
 * row equals B's, which adds nothing to either estimator.) a and b are the
 * caller's, n * k each. n in 2..INFL__SOBOL_MAX_ROWS, k in
 * 1..INFL__SOBOL_MAX_FACTORS, else INFL_EARG. INFL_ENOMEM if GSL cannot
 * allocate (with GSL's default error handler, GSL aborts first).
 *
 * The sequence is not scrambled, so a few rows hold a coordinate that is the
 * same in A and B (about 1.5 % of rows for k = 1 and 0.3 % of coordinates for
 * k = 20 at n = 4096; with k = 2, 4 or 16 the first two rows are equal in
 * full): such a row is a point of the quadrature where the estimators'
 * integrands are 0, part of the quasi-Monte Carlo error, not a fault.
 */
infl_status infl__sobol_design(size_t n, size_t k, double *a, double *b, infl_error *err);

typedef struct {
    double s1, s1_lo, s1_hi; /* first-order index and its interval */
    double st, st_lo, st_hi; /* total index and its interval */
} infl__sobol_index;

/*
 * The indices from fa[n] = f(A rows), fb[n] = f(B rows) and fab[i*n + j] =
 * f(AB_i row j), AB_i being A with column i taken from B, into out[k]:
 *   first-order S1_i = mean(fb (fab_i - fa)) / V   (Saltelli et al. 2010),
 *   total       ST_i = mean((fa - fab_i)^2) / (2V) (Jansen 1999),
 * V the variance of fa and fb pooled (2n values, divided by 2n). Every value
 * is first taken relative to the pooled mean, which leaves the expectation of
 * each estimator unchanged (E fab_i = E fa) and makes the indices the same
 * for f and f + c (uncentred, S1 carries c mean(fab_i - fa) / V of noise).
 *
 * Intervals: percentile bootstrap over rows, the same resampled rows for
 * every index of one replicate; n_boot replicates at level conf in (0, 1)
 * (e.g. 0.95), the bounds the (1 -+ conf) / 2 quantiles of the replicates
 * (stats/quantile.h's definition) over those whose V is not 0. Replicate b
 * draws its n rows from Philox keyed by seed at (trial b, tier 0, candidate
 * 0, INFL_STREAM_SENSITIVITY), two words a row, so the intervals are the same
 * bit for bit on any number of threads. n_boot = 0: the intervals are NaN.
 *
 * n >= 2 and k >= 1 (else INFL_EARG). V == 0 (a constant output): every
 * index NaN and INFL_OK; the caller reports it. A non-finite value:
 * INFL_EINVAL naming it. INFL_ENOMEM if the replicates cannot be stored.
 * out[k] is the caller's, and complete only on INFL_OK.
 */
infl_status infl__sobol_indices(size_t n, size_t k, const double *fa, const double *fb,
                                const double *fab, size_t n_boot, double conf, uint64_t seed,
                                infl__sobol_index *out, infl_error *err);

/* infl__sobol_indices on `threads` threads (0: OMP_NUM_THREADS or every
 * core, as infl__sobol_indices does); the same numbers for any count. */
infl_status infl__sobol_indices_threads(size_t n, size_t k, const double *fa, const double *fb,
                                        const double *fab, size_t n_boot, double conf,
                                        uint64_t seed, unsigned threads, infl__sobol_index *out,
                                        infl_error *err);

/* A percentile-bootstrap interval (here and in morris.c): the values of one
 * index over n_boot replicates, stride apart in table, sorted into scratch
 * (n_boot, the caller's) leaving out NaN, and their (1 -+ conf) / 2
 * quantiles into lo and hi; NaN if every replicate's is NaN. */
void infl__sobol_percentiles(const double *table, size_t n_boot, size_t stride, double conf,
                             double *scratch, double *lo, double *hi);

#endif
