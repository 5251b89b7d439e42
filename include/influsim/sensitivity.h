/*
 * influsim/sensitivity.h — which assumption decides the answer: a scenario
 * run over a design of its factors (influsim/factor.h), with the indices of
 * each output's dependence on each factor.
 *
 * Three methods: the one-at-a-time tornado (each factor at its two ends with
 * the others at base, and where the compared pair's ranking flips), Morris's
 * elementary effects for screening many factors, and Sobol's first-order and
 * total indices (Saltelli 2010 and Jansen 1999 on GSL's Sobol sequence), each
 * index with a bootstrap interval. Every evaluation is a run of the
 * scenario's trials with its seed (common random numbers across the design),
 * derived from the one loaded scenario; the evaluations' Monte Carlo noise is
 * measured against the variance across the design. docs/sensitivity.md.
 */
#ifndef INFLUSIM_SENSITIVITY_H
#define INFLUSIM_SENSITIVITY_H

#include "influsim/cluster.h"
#include "influsim/error.h"
#include "influsim/factor.h"
#include "influsim/scenario.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    INFL_SENS_TORNADO = 0, /* one at a time: each factor at lo and hi, the others at base */
    INFL_SENS_MORRIS = 1,  /* elementary effects on r trajectories */
    INFL_SENS_SOBOL = 2,   /* first-order and total indices */
} infl_sens_method;

/* The method's name ("tornado", "morris", "sobol"), and back (false if unknown). */
const char *infl_sens_method_name(infl_sens_method m);
bool infl_sens_method_parse(const char *name, infl_sens_method *out);

/* What is measured at every evaluation, per strategy. */
typedef enum {
    INFL_SENS_CONVERSIONS_MEAN = 0,
    INFL_SENS_CONVERSIONS_Q10 = 1, /* the 10 % quantile of conversions */
    INFL_SENS_PROFIT_MEAN = 2,
    INFL_SENS_LTV_PROFIT_MEAN = 3, /* lifetime profit (profit when nobody reorders) */
    INFL_SENS_N_OUTPUTS = 4
} infl_sens_output;

/* And for the compared pair (A, B). */
typedef enum {
    INFL_SENS_DIFFERENCE = 0, /* mean conversions of A minus those of B */
    INFL_SENS_P_BEATS = 1,    /* P(conversions of A > those of B) in one campaign */
    INFL_SENS_N_DECISIONS = 2
} infl_sens_decision;

/* Names as written in files and tables ("conversions_mean", "p_beats", ...). */
const char *infl_sens_output_name(infl_sens_output o);
const char *infl_sens_decision_name(infl_sens_decision d);

/* Called after each evaluation, from one thread at a time (a study spreads
 * its runs over threads). */
typedef void (*infl_sens_progress_fn)(void *user, size_t done, size_t total);

typedef struct {
    infl_sens_method method;
    /* Sobol: the base design's N (runs N (k + 2)); Morris: the trajectories r
     * (runs r (k + 1)); 0: the defaults (INFL_SENS_DEFAULT_*). Unused by the
     * tornado. */
    size_t samples;
    size_t levels;     /* Morris's grid levels p (even; 0: 4) */
    size_t bootstrap;  /* bootstrap replicates for the intervals (0: 1000) */
    double confidence; /* interval level (0: 0.95) */
    unsigned threads;  /* each run's threads (0: the default) */
    size_t compare_a;  /* the compared pair: strategies of the scenario */
    size_t compare_b;
    infl_sens_progress_fn progress; /* may be NULL */
    void *user;
    /* Not NULL with more than one rank: each batch of the design's runs is
     * dealt to the ranks, the costliest first, each run whole on its rank,
     * and every rank ends with every run's numbers (the same as one
     * process). Every rank calls the study with the same arguments. */
    const infl_cluster *cluster;
} infl_sens_options;

#define INFL_SENS_DEFAULT_SOBOL_SAMPLES 256
#define INFL_SENS_DEFAULT_MORRIS_TRAJECTORIES 20
#define INFL_SENS_DEFAULT_LEVELS 4
#define INFL_SENS_DEFAULT_BOOTSTRAP 1000
#define INFL_SENS_NOISE_LIMIT 0.10 /* noise above this share of the design's variance: warn */

/* The evaluations a study of k factors costs with these options (the base
 * run included; a tornado's flip searches come on top, at most
 * INFL_SENS_FLIP_STEPS per factor). */
size_t infl_sens_runs(const infl_sens_options *opt, size_t k);
#define INFL_SENS_FLIP_STEPS 12
#define INFL_SENS_FLIP_STEPS_TEXT "12"

/* One index with its interval (NaN where undefined: no interval asked, or
 * an output that does not vary). */
typedef struct {
    double value, lo, hi;
} infl_sens_interval;

/* The indices of one target (an output of a strategy, or a decision) on one
 * factor. Which fields are filled depends on the method; the rest are NaN. */
typedef struct {
    /* tornado: the target at the factor's low and high ends, others at base */
    double at_lo, at_hi, swing; /* swing = |at_hi - at_lo| */
    /* morris */
    double mu, sigma;
    infl_sens_interval mu_star;
    /* sobol */
    infl_sens_interval s1, st;
} infl_sens_index;

/* A tornado's flip: between base and one end of a factor, where the sign of
 * the compared pair's difference in mean conversions changes. */
typedef struct {
    size_t factor;
    double at;    /* the factor's value where the sign changes (bisection's midpoint) */
    double lower; /* the bracket the bisection ended with */
    double upper;
    size_t from, to; /* the pair's leader below `at` and above it (strategies) */
} infl_sens_flip;

/* A study's result. Targets are the outputs of every strategy, then the
 * decisions: target = s * INFL_SENS_N_OUTPUTS + o for an output, then
 * n_strategies * INFL_SENS_N_OUTPUTS + d. Owned (infl_sens_result_destroy). */
typedef struct {
    infl_sens_method method;
    size_t n_factors;
    infl_factor *factors; /* copies of the study's factors */
    size_t n_strategies;
    char **strategy_names;
    size_t compare_a, compare_b;
    size_t n_targets;
    uint64_t trials; /* per evaluation */
    uint64_t seed;
    size_t samples, levels, bootstrap;
    double confidence;
    /* The design: n_runs points, unit[r * n_factors + f] in [0, 1] and
     * values[...] the factor's value; run 0 is the base (unit NaN). */
    size_t n_runs;
    double *unit;
    double *values;
    double *targets;          /* [r * n_targets + t]: every evaluation's value */
    size_t *best;             /* [r]: the strategy with the highest mean conversions */
    double *run_noise;        /* [r * n_targets + t]: each evaluation's own Monte Carlo variance */
    double *base;             /* [t]: the targets at the base point (= targets of run 0) */
    infl_sens_index *indices; /* [f * n_targets + t] */
    /* Monte Carlo noise: noise[t] the variance of one evaluation of target t
     * from its trials (the mean of se^2 over the evaluations), design[t] the
     * variance of the evaluations across the design (tornado: across the
     * one-at-a-time runs), and trials_needed[t] the trials that would bring
     * noise under INFL_SENS_NOISE_LIMIT of it (0: already under, or the
     * target does not vary). */
    double *noise;
    double *design;
    uint64_t *trials_needed;
    size_t n_flips;
    infl_sens_flip *flips;
    unsigned threads; /* the study's */
} infl_sens_result;

/* The name of target t ("all-micro/conversions_mean", "decision/p_beats")
 * into buf (cut if too small); returns buf. */
const char *infl_sens_target_name(const infl_sens_result *r, size_t t, char *buf, size_t size);

/*
 * Runs the study of `base` over factors[0..n_factors) with opt. Every
 * evaluation is infl_scenario_derive of base with one override per factor
 * (infl_factor_override), run with base's trials and seed. Fails with
 * INFL_EARG for no factors, a compared pair that is not two different
 * strategies, options out of range, or more factors than the method's design
 * supports (Sobol: INFL__SOBOL_MAX_FACTORS, 20); with a derived scenario's
 * error (naming the evaluation's overrides) or the engine's. On success *out is filled (destroy it
 * either way).
 */
/* Checks base, the factors and opt as infl_sens_run does first, running
 * nothing (for an estimate before the study). */
infl_status infl_sens_check(const infl_scenario *base, const infl_factor *factors, size_t n_factors,
                            const infl_sens_options *opt, infl_error *err);

infl_status infl_sens_run(const infl_scenario *base, const infl_factor *factors, size_t n_factors,
                          const infl_sens_options *opt, infl_sens_result *out, infl_error *err);
void infl_sens_result_destroy(infl_sens_result *r);

#endif
