/*
 * select_search.h — which subset of a roster to hire under a budget: the
 * search behind `influsim select`, on outcomes already simulated.
 *
 * The problem is a matrix of per-trial, per-creator outcomes (common random
 * numbers: creator i in trial t is the same draw whatever else is hired). A
 * plan is a set of creators hired in ascending roster order, each only if its
 * cost fits what is left of the budget in that trial — what a run does with a
 * strategy `hire: [...]` — so a plan's value in a trial depends on the trial's
 * costs, not only on its members. Its objective (influsim/objective.h) is
 * evaluated over the trials' values of the objective's metric: conversions,
 * profit = conversions x price - conversions x unit cost - spend (as a run
 * writes it, so the numbers agree to the bit), ltv_profit = profit + repeat
 * orders x margin,
 * roi = profit / spend and ltv_roi (NaN where nothing is spent).
 *
 * Small problems (at most exact_limit free creators) are solved exactly on the
 * sampled objective by depth-first enumeration with pruning; larger ones by
 * greedy additions in order of marginal gain per unit of mean cost, then
 * add / drop / swap local search until no move improves. Everything is
 * deterministic (ties go to the lower roster index) and independent of the
 * thread count.
 *
 * With audience overlap (market.addressable; infl__select_overlap) a
 * creator's direct conversions and repeat orders depend on how many of the
 * trial's market its plan reached before it: each hire is drawn by
 * infl__model_overlap from the people reached so far, exactly as a run draws
 * it, so a plan's values are still a run's, bit for bit.
 */
#ifndef INFL_SIM_SELECT_SEARCH_H
#define INFL_SIM_SELECT_SEARCH_H

#include "influsim/error.h"
#include "influsim/objective.h"
#include "model/model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Audience overlap: what a plan's hire adds depends on whom the plan reached
 * before. Hired in plan order with `seen` of the trial's market reached so
 * far (0 at the start), creator i adds, from infl__model_overlap(seed,
 * trial[t], key[i], &market[t], seen, interested, conversions_wom): bought +
 * conversions_wom conversions, those and repeat orders, and fresh more people
 * reached. A creator who reaches nobody interested and has no word of mouth
 * (interested = conversions_wom = 0: no post, for one) adds nothing and draws
 * nothing. Matrices are creator-major, as the problem's; all borrowed.
 */
typedef struct {
    uint64_t seed;                   /* the scenario's seed */
    const infl_market_draw *market;  /* n_trials: each trial's market (addressable: M) */
    const uint64_t *trial;           /* n_trials: the model's index of each trial (NULL: t) */
    const unsigned *interested;      /* interested, shippable people the post reaches */
    const unsigned *conversions_wom; /* its word-of-mouth conversions (no overlap on them) */
    const uint64_t *key;             /* n_creators: each creator's 48-bit identity */
} infl__select_overlap;

/* Outcomes, creator-major: element [i * n_trials + t] is creator i in trial t. */
typedef struct {
    size_t n_trials, n_creators;
    const double *cost;        /* what must fit what is left: fee (or product) and overhead */
    const double *spend;       /* what is spent if hired: cost less a fee refunded for no post */
    const double *conversions; /* direct and word-of-mouth conversions (unused with overlap) */
    const double *orders;      /* conversions and their repeat orders (unused with overlap) */
    const infl__select_overlap *overlap; /* NULL: no overlap (the matrices above are the values) */
    double budget;                       /* > 0 */
    double margin;                       /* price - unit cost: profit per order before spend */
    double price, unit_cost; /* the product's; profit is computed from them as a run does. Both 0:
                                from margin alone (price = margin, unit_cost = 0) */
    infl_objective objective;
    const unsigned char *must;     /* n_creators flags (NULL: none): always in the plan */
    const unsigned char *excluded; /* n_creators flags (NULL: none): never in the plan */
    const char *const *names;      /* n_creators handles for messages (NULL: "creator 3") */
    size_t exact_limit;            /* enumerate when at most this many creators are free (0: 20) */
    size_t resamples;              /* bootstrap resamples for the robustness table (0: none) */
    unsigned threads;              /* threads of the search and the bootstrap (0: the default); the
                                      answer does not depend on it */
    uint64_t seed;                 /* keys the bootstrap's stream (INFL_STREAM_BOOTSTRAP) */
} infl__select_problem;

/* A plan: members in ascending roster order, and its objective on the trials. */
typedef struct {
    size_t n;
    size_t *idx;
    double value, se;
} infl__select_plan;

typedef struct {
    bool exact;               /* found by enumeration (else greedy + local search) */
    uint64_t plans_evaluated; /* objective evaluations the search made */
    infl__select_plan chosen; /* the best plan found */
    /* The best plan the search saw whose metric differs from chosen's in at
     * least one trial (n = 0 and value NaN if none); for greedy + local
     * search, the best neighbour (one add, drop or swap) of chosen. */
    infl__select_plan runner_up;
    double p_beats, p_tie; /* over trials: chosen's metric > (==) runner-up's (a NaN is neither) */
    double diff, diff_se;  /* objective(chosen) - objective(runner-up), paired, and its SE */
    double *marginal;  /* n_creators: for members, objective(chosen) - objective(chosen without i);
                          for others, objective(chosen with i added) - objective(chosen); NaN if
                          excluded */
    double *frequency; /* n_creators: share of bootstrap resamples whose plan holds i (NaN if
                          resamples = 0) */
} infl__select_result;

/*
 * Solves p. On success *out holds the result (free its arrays with
 * infl__select_result_destroy). Fails with INFL_EINVAL if a creator is both
 * must-include and excluded, or the must-include creators' mean cost together
 * exceeds the budget (the message names them), or if there are no trials,
 * the budget is not a positive number or a matrix is missing (with overlap:
 * also a market size that is not a count); INFL_ELIMIT with overlap where a
 * creator's repeat orders could exceed the model's limit
 * (INFL_MODEL_MAX_CONVERSATIONS, as a run would fail); INFL_ENOMEM if
 * out of memory (*out is then zeroed, its values NaN). Deterministic for any
 * thread count. Ties between plans of equal value go to fewer members, then
 * the lexicographically smaller member list.
 */
infl_status infl__select_search(const infl__select_problem *p, infl__select_result *out,
                                infl_error *err);

/* Per-trial values of the objective's metric for plan (n members idx[], in
 * ascending order) into x[n_trials]. */
void infl__select_plan_values(const infl__select_problem *p, const size_t *idx, size_t n,
                              double *x);

/* What a plan does in one trial. */
typedef struct {
    double cost;        /* the hires' costs */
    double spend;       /* what they spend (less refunded fees) */
    double conversions; /* direct and word of mouth */
    double orders;      /* conversions and their repeat orders */
    double unhired;     /* members whose cost did not fit */
} infl__select_trial;

/* Plan (n members idx[], ascending) in trial t into *out, as a run's `hire:
 * [...]` of it makes it (conversions and orders bit for bit). */
void infl__select_plan_trial(const infl__select_problem *p, const size_t *idx, size_t n, size_t t,
                             infl__select_trial *out);

/* Frees what infl__select_search allocated in r; accepts a zeroed r. */
void infl__select_result_destroy(infl__select_result *r);

#endif
