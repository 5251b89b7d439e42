/*
 * morris.h — screening by elementary effects (Morris 1991) of a function of k
 * factors on the unit cube: the design of r random trajectories, and each
 * factor's mean effect, mean absolute effect (Campolongo et al. 2007) and
 * spread, with a percentile-bootstrap interval for the mean absolute effect.
 * Pure estimators: the sensitivity study evaluates the simulator on the
 * design and hands the values here.
 *
 * Cost: r (k + 1) evaluations of the function.
 */
#ifndef INFL_SIM_STUDY_MORRIS_H
#define INFL_SIM_STUDY_MORRIS_H

#include "influsim/error.h"

#include <stddef.h>
#include <stdint.h>

/* The grid's level count when the caller has no reason for another. */
#define INFL__MORRIS_DEFAULT_LEVELS 4

/*
 * r trajectories of k + 1 points each on the p-level grid {0, 1/(p-1), ..., 1}
 * of the unit cube, with the step Delta = p / (2 (p - 1)) (p even). Each
 * trajectory starts at a point whose every coordinate is a level drawn
 * uniformly, and changes its factors one at a time in a random order, each by
 * +Delta from the lower half of the levels and -Delta from the upper half (so
 * the points stay in [0, 1], and every level is equally likely at either end
 * of a step: Morris's random start and random signs in one draw).
 *
 * x (r (k + 1) rows of k, row-major) and changed (r k) are the caller's:
 * changed[t*k + s] = the factor that step s of trajectory t changes, from row
 * t (k + 1) + s to the next. Trajectory t draws from Philox keyed by seed at
 * (trial t, tier 0, candidate 2, INFL_STREAM_SENSITIVITY): k levels, then the
 * order by k - 1 draws of a Fisher-Yates shuffle, two words each; the Morris
 * and Sobol bootstraps use candidates 1 and 0, so no stream is shared.
 *
 * r >= 2 (below 2^48), k >= 1, p >= 2 even (below 2^32), else INFL_EARG.
 */
infl_status infl__morris_design(size_t r, size_t k, size_t p, uint64_t seed, double *x,
                                size_t *changed, infl_error *err);

typedef struct {
    double mu;                     /* mean elementary effect */
    double mu_star;                /* mean absolute elementary effect */
    double sigma;                  /* standard deviation of the effects (divided by r - 1) */
    double mu_star_lo, mu_star_hi; /* bootstrap interval of mu_star */
} infl__morris_index;

/*
 * The effects from y[r (k + 1)] = f(x rows) of a design laid out as
 * infl__morris_design's (x, changed), into out[k]: each step's elementary
 * effect EE = (y_after - y_before) / (x_after - x_before), the signed step in
 * unit coordinates, so an effect is per full range of the factor; then per
 * factor mu = mean EE, mu_star = mean |EE| and sigma = the standard
 * deviation of EE (divided by r - 1).
 *
 * Interval: percentile bootstrap over trajectories, n_boot replicates at
 * level conf in (0, 1), the bounds the (1 -+ conf) / 2 quantiles
 * (stats/quantile.h); replicate b draws its r trajectories from Philox keyed
 * by seed at (trial b, tier 0, candidate 1, INFL_STREAM_SENSITIVITY), two
 * words each, so the same bit for bit on any number of threads. n_boot = 0:
 * NaN.
 *
 * r >= 2 and k >= 1; every trajectory changes each factor once, by a nonzero
 * step, and nothing else (else INFL_EARG naming the step). A non-finite y:
 * INFL_EINVAL naming the row. INFL_ENOMEM if the effects cannot be stored.
 * out[k] is the caller's, and complete only on INFL_OK.
 */
infl_status infl__morris_effects(size_t r, size_t k, const double *x, const size_t *changed,
                                 const double *y, size_t n_boot, double conf, uint64_t seed,
                                 infl__morris_index *out, infl_error *err);

/* infl__morris_effects on `threads` threads (0: OMP_NUM_THREADS or every
 * core, as infl__morris_effects does); the same numbers for any count. */
infl_status infl__morris_effects_threads(size_t r, size_t k, const double *x, const size_t *changed,
                                         const double *y, size_t n_boot, double conf, uint64_t seed,
                                         unsigned threads, infl__morris_index *out,
                                         infl_error *err);

#endif
