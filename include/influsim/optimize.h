/*
 * influsim/optimize.h — the best split of the budget across tiers.
 *
 * An objective (mean conversions, a quantile of conversions, mean profit or
 * P(ROI > 0)) is a function of the budget shares of the tiers named. Every
 * share vector is evaluated on the same simulated trials (common random
 * numbers), so the objective is a deterministic function of the shares and
 * the difference between two share vectors is known far more precisely than
 * either value.
 *
 * The search, over two tiers: a grid of shares, then GSL's Brent minimiser in
 * the grid bracket around the best point (or, where the objective is flat
 * between grid points, as a quantile of whole counts often is, a finer grid
 * there). Over three or more: a lattice on the simplex, then GSL's
 * Nelder–Mead simplex started at the best lattice point, on the shares
 * projected onto the simplex. Then a profile: the objective when one tier's
 * share moves by ±0.01 ... ±0.2 (the other tiers rescaled), with the standard
 * error of each change from the paired trials, which says how flat the
 * objective is near the optimum.
 *
 * The evaluation itself is the caller's (a callback): the library runs the
 * search, the statistics and the bookkeeping, and is tested against
 * functions with a known optimum.
 */
#ifndef INFLUSIM_OPTIMIZE_H
#define INFLUSIM_OPTIMIZE_H

#include "influsim/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most tiers a search spans. */
#define INFL_OPTIMIZE_MAX_TIERS 8
/* Share changes of the profile, per side. */
#define INFL_OPTIMIZE_STEPS 5

typedef enum {
    INFL_OBJECTIVE_MEAN,     /* mean conversions */
    INFL_OBJECTIVE_QUANTILE, /* a quantile of conversions (q10: the 10 % quantile) */
    INFL_OBJECTIVE_PROFIT,   /* mean profit */
    INFL_OBJECTIVE_P_ROI,    /* P(ROI > 0): the chance that the campaign pays for itself */
} infl_objective_kind;

typedef struct {
    infl_objective_kind kind;
    double level;  /* QUANTILE: the level, in (0, 1) */
    char name[16]; /* as written: "mean", "q10", "profit", "p-roi" */
} infl_objective;

/* Parses "mean", "qNN" (a percentage: q10, q2.5), "q0.NNN" (the level
 * itself: q0.025), "profit" or "p-roi". INFL_EARG with a message naming the choices if not. */
infl_status infl_objective_parse(const char *text, infl_objective *out, infl_error *err);
/* The per-trial metric the objective reads ("conversions", "profit", "roi"). */
const char *infl_objective_metric(const infl_objective *o);
/* A label for tables and plots: "mean conversions", "10 % quantile of conversions". */
void infl_objective_describe(const infl_objective *o, char *buf, size_t size);

/*
 * The objective of per-trial values x[0..n) (the metric above; NaN where a
 * ratio is undefined, which P(ROI > 0) counts as not positive) and its Monte
 * Carlo standard error: sd / sqrt(n) for a mean or probability; for a
 * quantile, a quarter of the spread between the order statistics two binomial
 * standard deviations either side of its rank. scratch holds n doubles.
 * Quantiles interpolate linearly between order statistics, as the summary's do.
 */
void infl_objective_evaluate(const infl_objective *o, const double *x, uint64_t n, double *scratch,
                             double *value, double *se);
/*
 * value(x) - value(y) for paired trials (the same trials under two share
 * vectors) and its standard error: that of the per-trial differences for a
 * mean or probability; for a quantile, from 200 paired bootstrap resamples
 * drawn from a stream keyed by `seed` (deterministic). scratch holds 2n doubles.
 */
void infl_objective_difference(const infl_objective *o, const double *x, const double *y,
                               uint64_t n, uint64_t seed, double *scratch, double *diff,
                               double *se);

/*
 * Evaluates n_points share vectors (shares[p * n_tiers + t], each summing to 1)
 * on the same trials, writing each point's per-trial metric values to
 * values[p * n_trials + t]. Returns INFL_OK or an error status with err set.
 */
typedef infl_status (*infl_optimize_eval_fn)(void *user, size_t n_points, const double *shares,
                                             double *values, infl_error *err);

typedef struct {
    size_t n_tiers;    /* 2 .. INFL_OPTIMIZE_MAX_TIERS */
    uint64_t n_trials; /* per-trial values per point */
    infl_objective objective;
    unsigned grid;    /* two tiers: grid points (0: 11); more: lattice divisions (0: 4) */
    double tolerance; /* how finely to locate the optimum, in share (0: 0.005) */
    uint64_t seed;    /* of the bootstrap stream */
    infl_optimize_eval_fn eval;
    void *user;
} infl_optimize_options;

/* Why a point was evaluated. */
typedef enum {
    INFL_STAGE_GRID = 0,      /* the first grid or lattice */
    INFL_STAGE_MINIMISER = 1, /* Brent, Nelder–Mead, or the finer grid */
    INFL_STAGE_PROFILE = 2,   /* around the optimum */
} infl_optimize_stage;

typedef struct {
    size_t n_tiers;
    unsigned grid; /* the options as used, defaults filled in */
    double tolerance;
    /* Every point evaluated, in order (none twice outside the profile). */
    size_t n_points;
    double *shares; /* n_points x n_tiers */
    double *value;  /* the objective */
    double *se;     /* its Monte Carlo standard error */
    int *stage;     /* infl_optimize_stage */
    /* The optimum: the best point of every stage. */
    size_t best;     /* its index among the points */
    double *optimum; /* n_tiers shares (a copy of shares[best]) */
    double value_at_optimum, se_at_optimum;
    char method[64];     /* "brent", "nelder-mead", "grid refinement", "grid (a corner)" */
    unsigned iterations; /* of the minimiser */
    bool converged;      /* it met the tolerance within its iteration limit */
    /* The profile: tier t's share moved by steps[j] (negative: less), the
     * others rescaled. Two tiers: only the first tier's (the other mirrors it). */
    size_t n_profile_tiers;
    size_t n_steps;
    double steps[2 * INFL_OPTIMIZE_STEPS]; /* ascending */
    double *difference; /* n_profile_tiers x n_steps: value there - at the optimum; NaN: outside */
    double *difference_se;        /* its standard error from the paired trials */
    double *flat_low, *flat_high; /* per profile tier: the share range over which no step is
                                     worse than the optimum by more than 2 standard errors */
} infl_optimize_result;

/*
 * Runs the search. On success *out is a new result (infl_optimize_result_free).
 * Fails with INFL_EARG for bad options, or the status of a failed evaluation.
 */
infl_status infl_optimize_run(const infl_optimize_options *opt, infl_optimize_result **out,
                              infl_error *err);
void infl_optimize_result_free(infl_optimize_result *r);

#endif
