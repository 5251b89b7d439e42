/*
 * influsim/plan.h — the smallest budget at which a strategy reaches N
 * conversions with a given probability (or in expectation).
 *
 * Every budget tried is derived from the scenario loaded once, with its seed
 * (common random numbers). Then each trial's conversions never fall as the
 * budget grows (a larger budget hires the same candidates and more), so the
 * probability of reaching N is non-decreasing in the budget and bisection
 * brackets the smallest sufficient budget.
 */
#ifndef INFLUSIM_PLAN_H
#define INFLUSIM_PLAN_H

#include "influsim/error.h"
#include "influsim/scenario.h"

#include <stdbool.h>
#include <stdint.h>

/* The largest budget a plan tries before it gives up. */
#define INFL_PLAN_MAX_BUDGET 1e12

/* Called after each budget tried, in order, with its score: P(conversions
 * >= N) or, expected, the mean conversions. */
typedef void (*infl_plan_eval_fn)(void *user, double budget, double score);

typedef struct {
    const char *strategy;        /* the strategy to plan for, by name */
    uint64_t conversions;        /* N, at least 1 */
    double confidence;           /* the probability to reach N with, in (0, 1) */
    bool expected;               /* reach N on average instead */
    double tolerance;            /* stop when the bracket is within tolerance * budget (0: 0.005) */
    unsigned threads;            /* 0: the default */
    infl_plan_eval_fn evaluated; /* may be NULL */
    void *user;
} infl_plan_options;

typedef struct {
    double budget;  /* the smallest budget found enough */
    double lower;   /* the largest found not enough (if every budget tried was enough:
                       the bracket's end below 0.01, untried, with p_lower 0) */
    double p;       /* the score at budget */
    double p_lower; /* the score at lower */
} infl_plan_result;

/*
 * Starts from base's budget, doubles or halves it until a bracket is found
 * (halving stops at 0.01; doubling past INFL_PLAN_MAX_BUDGET fails with
 * INFL_ELIMIT and a message saying no budget up to 10^12 suffices), then
 * bisects until the bracket is within the tolerance. A strategy base does not
 * have is INFL_EARG ("--strategy: no strategy 'NAME' in the scenario"); a run
 * that fails gives its status. *out is filled only on success.
 */
infl_status infl_plan_run(const infl_scenario *base, const infl_plan_options *opt,
                          infl_plan_result *out, infl_error *err);

#endif
