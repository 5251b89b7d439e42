/*
 * influsim/optimize.h — the best split of the budget across tiers.
 *
 * An objective (influsim/objective.h) is a function of the budget shares of
 * the tiers named. Every
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
 * Then the answer is judged (infl_optimize_outcome): the first grid is
 * evaluated again beside the optimum, on the same trials, and where no split
 * of it is worse than the optimum by more than 2 standard errors of the
 * paired difference the objective is flat (or constant, where every split
 * has the same value) and there is no optimum to report. The split with the
 * best objective per unit of spend (for a profit, its ROI) compares the
 * splits at equal spend; where the objective counts spend as a cost (a
 * profit), is clearly below 0 at the optimum, and the optimum owes its
 * advantage to spending less (measured: each split's mean spend), spending
 * less is what improves it.
 *
 * The evaluation itself is the caller's (a callback): the library runs the
 * search, the statistics and the bookkeeping, and is tested against
 * functions with a known optimum.
 */
#ifndef INFLUSIM_OPTIMIZE_H
#define INFLUSIM_OPTIMIZE_H

#include "influsim/cluster.h"
#include "influsim/error.h"
#include "influsim/objective.h"
#include "influsim/scenario.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most tiers a search spans. */
#define INFL_OPTIMIZE_MAX_TIERS 8
/* Share changes of the profile, per side. */
#define INFL_OPTIMIZE_STEPS 5

/*
 * Evaluates n_points share vectors (shares[p * n_tiers + t], each summing to 1)
 * on the same trials, writing each point's per-trial values of the
 * objective's metric to values[p * n_trials + t] and the money spent in that
 * trial to spend[p * n_trials + t]. Returns INFL_OK or an error status with
 * err set.
 */
typedef infl_status (*infl_optimize_eval_fn)(void *user, size_t n_points, const double *shares,
                                             double *values, double *spend, infl_error *err);

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

/* What the search found. */
typedef enum {
    /* A split the objective prefers: some split of the first grid is worse
     * than it by more than 2 standard errors. */
    INFL_OPTIMIZE_OPTIMUM = 0,
    /* Every split evaluated has exactly the objective's value at the best
     * (P(ROI > 0) = 0 everywhere, say): no optimum. */
    INFL_OPTIMIZE_CONSTANT = 1,
    /* Every split of the first grid is within 2 standard errors of the best
     * (paired): the simulation cannot tell them apart; no optimum. */
    INFL_OPTIMIZE_FLAT = 2,
    /* An optimum of an objective that counts spend (a profit), clearly below
     * 0 there (`losing`), that spending less explains: either it is clearly
     * worse per money spent than the best split per money spent
     * (best_per_spend) and spends less than it, so all of its advantage
     * over that split is the money it does not spend; or it is as good per
     * money spent and among the splits that spend least (its mean spend in
     * the lowest tenth of the range over the splits tried, a range that at
     * its return changes the objective by more than 2 standard errors). */
    INFL_OPTIMIZE_SPEND_LESS = 3,
} infl_optimize_outcome;

/* "optimum", "constant", "flat", "spend-less" (static). */
const char *infl_optimize_outcome_name(infl_optimize_outcome o);

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
    double *spend;  /* mean money spent per trial */
    /* An objective that is a mean (infl_objective_is_mean): the objective per
     * unit of spend (infl_objective_per_spend) and its standard error; NaN
     * for other objectives. */
    double *per_spend, *per_spend_se;
    /* Points of the first grid (and the best at equal spend): the objective
     * there minus at the optimum, and the standard error of that difference
     * from the same trials; NaN for the points not compared. */
    double *gap, *gap_se;
    /* The optimum: the best point of every stage (with outcome CONSTANT or
     * FLAT, only the best of equals: the one with the highest mean of the
     * metric). */
    size_t best;     /* its index among the points */
    double *optimum; /* n_tiers shares (a copy of shares[best]) */
    double value_at_optimum, se_at_optimum;
    char method[64];     /* "brent", "nelder-mead", "grid refinement", "grid (constant)" */
    unsigned iterations; /* of the minimiser */
    bool converged;      /* it met the tolerance within its iteration limit */
    bool stalled;        /* Nelder–Mead stopped: no better split in its last 60 iterations */
    bool on_edge;        /* some tier's share at the optimum is 0 (a face or vertex) */
    infl_optimize_outcome outcome;
    /* An objective that counts spend, clearly below 0 at the optimum (value
     * + 2 se < 0), so below 0 at every split evaluated: every split loses. */
    bool losing;
    double spend_low, spend_high; /* the least and most mean spend of the points */
    /* The optimum is among the splits that spend least: its mean spend in
     * the lowest tenth of [spend_low, spend_high], a range of more than 4
     * standard errors of a mean spend. */
    bool spends_least;
    /* An objective that is a mean: the point with the highest objective per
     * unit of spend (SIZE_MAX for other objectives), and the optimum's
     * per-spend value minus its, from the same trials. */
    size_t best_per_spend;
    double per_spend_gap, per_spend_gap_se;
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

/*
 * On a scenario (sim/study/optimize_scenario.c): the search above with every
 * evaluation a run of the scenario. Each batch of share vectors the search
 * asks for runs as one scenario derived from the base whose strategies are
 * those vectors (at most INFL_OPTIMIZE_POINTS_PER_RUN, and fewer when their
 * per-trial values would pass about 512 MiB), with the base's seed: every
 * vector sees the same simulated influencers (common random numbers) and the
 * funnels are drawn once per batch for all its strategies.
 */
#define INFL_OPTIMIZE_POINTS_PER_RUN 64

typedef struct {
    const char *const *tiers; /* n_tiers names of tiers of the scenario */
    size_t n_tiers;           /* 2 .. INFL_OPTIMIZE_MAX_TIERS */
    infl_objective objective;
    unsigned grid;    /* as infl_optimize_options (0: the default) */
    double tolerance; /* as infl_optimize_options (0: the default) */
    unsigned threads; /* 0: the default */
    /* Not NULL: every rank of the cluster searches alike, each batch's run
     * split across the ranks (infl_study_trials), so every rank evaluates
     * the same points and finds the same optimum. */
    const infl_cluster *cluster;
} infl_optimize_scenario_options;

typedef struct {
    infl_optimize_result *search; /* the search, on the base's trials and seed */
    /* The base with one more strategy, the optimum's shares, called
     * `strategy`: "optimum", or "optimum-2", "optimum-3", ... when the base
     * has a strategy of that name. Where the search found no optimum
     * (outcome CONSTANT or FLAT), the base's strategies alone, and
     * `strategy` is "". */
    infl_scenario *scenario;
    char strategy[64];
    unsigned runs;  /* engine runs the search made */
    uint64_t hires; /* funnels those runs drew */
} infl_optimize_scenario_result;

/*
 * Checks that every tier named is one of sc's; INFL_EARG ("--tiers: no tier
 * 'NAME' in the scenario (it has A, B, ...)") if not.
 */
infl_status infl_optimize_scenario_check_tiers(const infl_scenario *sc, const char *const *tiers,
                                               size_t n_tiers, infl_error *err);

/*
 * Checks the tiers, runs the search on base's trials (its trials per split,
 * its seed for the bootstrap) and derives the scenario with the optimum
 * (where there is one). A tier's metric missing from the runs (the
 * objective's, or `spend`) is INFL_EARG naming it. On
 * success *out owns the search and that scenario
 * (infl_optimize_scenario_result_destroy); on failure the status is the
 * check's, the search's or a run's, and *out holds nothing (destroy it all
 * the same).
 */
infl_status infl_optimize_scenario_run(const infl_scenario *base,
                                       const infl_optimize_scenario_options *opt,
                                       infl_optimize_scenario_result *out, infl_error *err);
void infl_optimize_scenario_result_destroy(infl_optimize_scenario_result *r);

#endif
