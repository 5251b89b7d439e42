/*
 * influsim/select.h — which creators of a scenario's roster to hire under a
 * budget (`influsim select`, docs/select.md).
 *
 * Every creator of the roster is simulated alone in every trial, with the
 * draws a run's `hire: [...]` of that creator makes (common random numbers:
 * creator i in trial t is the same post whoever else is hired). A plan is a
 * set of creators hired in ascending roster order, each only if its cost fits
 * what is left of the budget in that trial, which is exactly what a run does
 * with the strategy `hire: [plan]`; so the value of a plan in a trial is
 * known from the creators' outcomes alone, and every plan is compared on the
 * same trials. The search over plans is exact (every subset, with pruning)
 * when at most exact_limit creators are free to choose, else greedy by
 * marginal gain per unit of cost followed by add / drop / swap local search.
 * Resampling the trials (bootstrap) and searching again says how often each
 * creator is chosen: the robustness of the answer to Monte Carlo noise.
 *
 * Audience overlap (market.addressable) makes a creator's sales depend on who
 * was hired before it; plans are then evaluated trial by trial with the very
 * overlap draws a run makes (docs/select.md, "Audience overlap").
 */
#ifndef INFLUSIM_SELECT_H
#define INFLUSIM_SELECT_H

#include "influsim/error.h"
#include "influsim/objective.h"
#include "influsim/scenario.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Defaults of infl_select_options_init. */
#define INFL_SELECT_EXACT_LIMIT 20
/* 30 resamples put a creator's frequency within about 9 points; each repeats
 * the search, in parallel on the threads. */
#define INFL_SELECT_RESAMPLES 30
/* Most memory the per-trial, per-creator outcomes may take (four doubles per
 * creator and trial, and two counts more with audience overlap), in bytes:
 * 2 GiB. */
#define INFL_SELECT_MAX_OUTCOME_BYTES 2147483648.0

typedef struct {
    double budget;            /* > 0; 0: the scenario's */
    infl_objective objective; /* what a plan maximises (influsim/objective.h) */
    uint64_t trials;          /* 0: the scenario's */
    unsigned threads;         /* 0: the default (the results do not depend on it) */
    /* Handles of creators every plan holds, and of creators no plan holds,
     * compared as the roster compares them (case and one leading '@'
     * ignored). Borrowed. */
    const char *const *must_include;
    size_t n_must_include;
    const char *const *exclude;
    size_t n_exclude;
    size_t exact_limit; /* search exactly when at most this many creators are free */
    size_t resamples;   /* bootstrap resamples for the robustness table (0: none) */
} infl_select_options;

/* Fills *o with the defaults: the scenario's budget and trials, mean
 * conversions, INFL_SELECT_EXACT_LIMIT, INFL_SELECT_RESAMPLES, no handles. */
void infl_select_options_init(infl_select_options *o);

/* What select found. Everything is owned by the result
 * (infl_select_result_free). Creator arrays have n_creators entries in roster
 * order; money is in the scenario's currency. */
typedef struct {
    infl_objective objective;
    double budget;
    uint64_t n_trials, seed;
    size_t resamples;
    /* The roster. */
    size_t n_creators;
    char **handle;   /* as written, without a leading '@' */
    char **tier;     /* the tier that filled in its keys, or "" */
    char **platform; /* a label, or "" */
    /* Each creator hired alone: mean cost that must fit (fee, or product,
     * and overhead), mean conversions (direct and word of mouth) and the
     * standard error of that mean. */
    double *mean_cost, *mean_conversions, *conversions_se;
    unsigned char *chosen; /* 1 for the plan's members */
    /* For a member, the objective of the plan minus that of the plan without
     * it; for another creator, the objective with it added minus the plan's;
     * NaN for an excluded one. */
    double *marginal;
    /* Share of bootstrap resamples whose plan holds the creator (NaN with
     * resamples 0). */
    double *frequency;
    /* The plan: roster indices, ascending, and its objective with the Monte
     * Carlo standard error. */
    size_t n_plan;
    size_t *plan;
    double value, se;
    /* The plan in the trials (hired in roster order, each if it fits): mean
     * cost, mean spend (less fees refunded for posts not made), mean
     * conversions and its standard error, mean members that did not fit. */
    double plan_cost, plan_spend, plan_conversions, plan_conversions_se, plan_unhired;
    /* The runner-up: the best other plan the search saw (n_runner_up 0 and
     * value NaN when there is none), its objective, P(the plan's metric >
     * the runner-up's) and P(equal) over the same trials, and the
     * difference of the objectives with its standard error (paired). */
    size_t n_runner_up;
    size_t *runner_up;
    double runner_up_value, runner_up_se, p_beats, p_tie, diff, diff_se;
    /* Per trial (n_trials): the objective's metric (infl_objective_metric)
     * of the plan and of the runner-up (NaN throughout without one). */
    double *chosen_values, *runner_up_values;
    bool exact;               /* found by enumeration, else greedy + local search */
    uint64_t plans_evaluated; /* objective evaluations the search made */
    double seconds;           /* simulation and search */
    /* The plan as a strategy beside the scenario's own: its name
     * ("select-<objective>", or with "-2", "-3", ... where the scenario has
     * one of that name; "" for an empty plan, which is no strategy), the
     * --set overrides that make it (budget, trials, strategies), and the
     * scenario they derive: running it compares the plan with the
     * scenario's strategies on the same trials. */
    char strategy[64];
    size_t n_sets;
    char **sets;
    infl_scenario *scenario;
} infl_select_result;

/*
 * Runs select on sc with the options opt. On success *out is a new result
 * (infl_select_result_free). Fails, with *out NULL, with INFL_EARG for a
 * scenario without a roster, a negative budget,
 * an unknown handle (with a suggestion) or outcomes over
 * INFL_SELECT_MAX_OUTCOME_BYTES (the message says how many trials fit);
 * INFL_EINVAL from the search (a creator both must-include and excluded, or
 * must-include creators who cost more than the budget); a derived scenario's
 * status; a trial's failure (the first in trial order); INFL_ENOMEM.
 */
infl_status infl_select_run(const infl_scenario *sc, const infl_select_options *opt,
                            infl_select_result **out, infl_error *err);
void infl_select_result_free(infl_select_result *r);

/*
 * A --set override that replaces sc's strategies with the same strategies
 * (their named hires and budget shares) and one more: {name: NAME, hire:
 * [handles of roster indices idx[0..n)]}, in that order. NULL if out of
 * memory; free().
 */
char *infl_select_plan_override(const infl_scenario *sc, const char *name, const size_t *idx,
                                size_t n);

#endif
