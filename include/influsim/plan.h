/*
 * influsim/plan.h — the smallest budget at which a strategy reaches N
 * conversions with a given probability (or in expectation).
 *
 * Every budget tried is derived from the scenario loaded once, with its seed
 * (common random numbers). Under `hiring.rule: stop` (without reallocation)
 * each trial's conversions never fall as the budget grows (a larger budget
 * hires the same candidates and more), so the probability of reaching N is
 * non-decreasing in the budget and bisection brackets the smallest sufficient
 * budget. Under `skip` a creator passed over at one budget may be hired at a
 * larger one in place of cheaper later ones, so a trial's conversions can dip
 * as the budget grows; the probability and the mean still rise with the
 * budget except within Monte Carlo noise, and the bracket is the smallest
 * budget found enough among those tried (a noisy-monotone search).
 */
#ifndef INFLUSIM_PLAN_H
#define INFLUSIM_PLAN_H

#include "influsim/cluster.h"
#include "influsim/error.h"
#include "influsim/scenario.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest budget a plan tries when not told (infl_plan_options.max_budget 0). */
#define INFL_PLAN_MAX_BUDGET 1e12
/* Halving stops at this budget: below it every budget counts as not enough. */
#define INFL_PLAN_MIN_BUDGET 1e-2

/* One budget tried. */
typedef struct {
    size_t index;    /* 0 for the first (the scenario's budget, or max_budget below it) */
    double budget;   /* the budget tried */
    double score;    /* P(conversions >= N) or, expected, the mean conversions */
    double se;       /* its Monte Carlo standard error: sqrt(P (1 - P) / n), or sd / sqrt(n) */
    double mean;     /* the mean conversions (in both modes) */
    double quantile; /* the (1 - confidence) quantile of conversions (NaN when expected) */
    bool enough;     /* the score meets the target */
    uint64_t trials; /* trials run */
    double seconds;  /* wall time of the run (simulation and scoring) */
} infl_plan_step;

/* Called after each budget tried, in order. */
typedef void (*infl_plan_eval_fn)(void *user, const infl_plan_step *step);

typedef struct {
    const char *strategy; /* the strategy to plan for, by name */
    uint64_t conversions; /* N, at least 1 */
    double confidence;    /* the probability to reach N with, in (0, 1) */
    bool expected;        /* reach N on average instead */
    bool ltv;             /* count orders (first purchases and repeat orders over the
                             horizon, product.repeat_orders) instead of conversions */
    double tolerance;     /* stop when the bracket is within tolerance * budget (0: 0.005) */
    double max_budget;    /* the largest budget considered (0: INFL_PLAN_MAX_BUDGET) */
    unsigned threads;     /* 0: the default */
    /* Not NULL: every rank of the cluster plans alike, each budget's run
     * split across the ranks (infl_study_trials), so every rank takes the
     * same steps to the same answer. */
    const infl_cluster *cluster;
    infl_plan_eval_fn evaluated; /* may be NULL */
    void *user;
} infl_plan_options;

typedef struct {
    bool reached;       /* some budget up to the max budget meets the target */
    double budget;      /* reached: the smallest budget found enough; else NaN */
    double lower;       /* the largest budget found not enough: reached, the bracket's lower
                           end (if every budget tried was enough, the end below
                           INFL_PLAN_MIN_BUDGET, untried: lower_tried false); not reached,
                           the max budget */
    bool lower_tried;   /* lower was run (false only when every budget tried was enough) */
    double p, se;       /* the score at budget and its standard error (NaN when not reached) */
    double p_lower;     /* the score at lower (0 when untried) */
    double se_lower;    /* its standard error (0 when untried) */
    size_t evaluations; /* budgets tried */
} infl_plan_result;

/*
 * Starts from base's budget (or the max budget, if lower), doubles or halves
 * it until a bracket is found (halving stops at INFL_PLAN_MIN_BUDGET; doubling
 * stops at the max budget, which is tried itself), then bisects until the
 * bracket is within the tolerance. A target that even the max budget misses
 * is an answer, not an error: INFL_OK with out->reached false and the score
 * at the max budget. A strategy base does not have is INFL_EARG
 * ("--strategy: no strategy 'NAME' in the scenario"), a max budget not above
 * 0 INFL_EARG; a run that fails gives its status. *out is filled only on
 * success.
 */
infl_status infl_plan_run(const infl_scenario *base, const infl_plan_options *opt,
                          infl_plan_result *out, infl_error *err);

/* What a plan still has to do, as guessed after its first budget. */
typedef struct {
    size_t bracketing; /* budgets to try until the answer is bracketed */
    size_t bisection;  /* then budgets to bisect the bracket to the tolerance */
    double seconds;    /* their expected wall time, in all */
    double answer;     /* the budget the guess assumes suffices (NaN: no clue, the first
                          budget made no conversion) */
    bool reaches_max;  /* the guess is that even the max budget is not enough */
} infl_plan_forecast;

/*
 * A guess at the rest of a plan from its first step (first->index 0): it
 * assumes each trial's conversions grow in proportion to the budget, so the
 * target is met about where the mean (expected) or the (1 - confidence)
 * quantile reaches N (the mean where that quantile is 0; with no conversion
 * at all, somewhere between two and four times the first budget), and a
 * run's time grows in proportion too (but for a tenth that does not); then it
 * counts the budgets infl_plan_run would try to find that answer. An estimate
 * only: where a larger budget narrows the spread of conversions (many
 * independent posts) the answer comes sooner, and a funnel that is not
 * proportional to the budget can take more or fewer steps.
 */
infl_plan_forecast infl_plan_forecast_after(const infl_plan_options *opt,
                                            const infl_plan_step *first);

/*
 * A pilot before the search, for an estimate of its length before it starts:
 * the search's first budget (the scenario's, or the max budget below it) run
 * with `trials` trials (0 or more than the scenario's: the scenario's), as a
 * step for infl_plan_forecast_after whose seconds are scaled to the
 * scenario's trials (and trials set to them). Its score is the pilot's: a
 * rougher guess than the first budget's own. Fails as infl_plan_run would.
 */
infl_status infl_plan_pilot(const infl_scenario *base, const infl_plan_options *opt,
                            uint64_t trials, infl_plan_step *out, infl_error *err);

/* The per-trial metric a plan counts: "orders" with ltv, else "conversions". */
const char *infl_plan_metric(const infl_plan_options *p);

#endif
