/*
 * plan.c — the smallest sufficient budget by bracketing and bisection
 * (influsim/plan.h). The sequence of budgets is a contract: the same
 * scenario, options and seed try the same budgets in the same order, so a
 * plan's numbers can be reproduced from its command line.
 */
#include "influsim/plan.h"

#include "influsim/study.h"

#include <stdio.h>
#include <string.h>

/* Runs base at budget b; *score is P(conversions >= N) or, expected, the mean. */
static infl_status evaluate(const infl_scenario *base, const infl_plan_options *p, double b,
                            double *score, infl_error *err)
{
    char over[64];
    snprintf(over, sizeof over, "budget=%.17g", b);
    const char *extra[1] = {over};
    infl_scenario *sc = NULL;
    infl_status rc = infl_scenario_derive(base, extra, 1, &sc, err);
    if (rc != INFL_OK)
        return rc;
    infl_trials *tr = NULL;
    rc = infl_study_trials(sc, p->threads, &tr, NULL, err);
    infl_scenario_free(sc);
    if (rc != INFL_OK)
        return rc;
    size_t s = 0;
    while (s < tr->n_strategies && strcmp(tr->strategy_names[s], p->strategy) != 0)
        s++;
    if (s == tr->n_strategies) {
        infl_trials_free(tr);
        return infl_error_add(err, INFL_EARG, "--strategy: no strategy '%s' in the scenario",
                              p->strategy);
    }
    const double *c = infl_trials_column(tr, s, infl_trials_metric_index(tr, "conversions"));
    const double n = (double)p->conversions;
    uint64_t reached = 0;
    double mean = 0.0;
    for (uint64_t t = 0; t < tr->n_trials; t++) {
        reached += c[t] >= n;
        mean += (c[t] - mean) / (double)(t + 1);
    }
    *score = p->expected ? mean : (double)reached / (double)tr->n_trials;
    infl_trials_free(tr);
    if (p->evaluated != NULL)
        p->evaluated(p->user, b, *score);
    return INFL_OK;
}

static bool enough(const infl_plan_options *p, double score)
{
    return p->expected ? score >= (double)p->conversions : score >= p->confidence;
}

infl_status infl_plan_run(const infl_scenario *base, const infl_plan_options *p,
                          infl_plan_result *out, infl_error *err)
{
    /* A bracket [lo, hi] with lo not enough and hi enough, from the
     * scenario's budget by doubling or halving. */
    double hi = infl_scenario_budget(base), lo = 0.0, s_hi = 0.0, s_lo = 0.0, s;
    infl_status rc;
    if ((rc = evaluate(base, p, hi, &s_hi, err)) != INFL_OK)
        return rc;
    if (enough(p, s_hi)) {
        for (lo = hi / 2; lo > 1e-2; lo /= 2) {
            if ((rc = evaluate(base, p, lo, &s, err)) != INFL_OK)
                return rc;
            if (!enough(p, s)) {
                s_lo = s;
                break;
            }
            hi = lo;
            s_hi = s;
        }
    } else {
        lo = hi;
        s_lo = s_hi;
        for (hi = lo * 2; !enough(p, s_hi); hi *= 2) {
            if (hi > INFL_PLAN_MAX_BUDGET)
                return infl_error_add(err, INFL_ELIMIT,
                                      "%s does not reach %llu conversions %s with any budget up "
                                      "to 10^12",
                                      p->strategy, (unsigned long long)p->conversions,
                                      p->expected ? "on average" : "with that probability");
            if ((rc = evaluate(base, p, hi, &s_hi, err)) != INFL_OK)
                return rc;
            if (!enough(p, s_hi)) {
                lo = hi;
                s_lo = s_hi;
            }
        }
        hi /= 2; /* the loop doubled once past the budget found */
    }
    const double tolerance = p->tolerance > 0 ? p->tolerance : 0.005;
    while (hi - lo > tolerance * hi) {
        double mid = 0.5 * (lo + hi);
        if ((rc = evaluate(base, p, mid, &s, err)) != INFL_OK)
            return rc;
        if (enough(p, s)) {
            hi = mid;
            s_hi = s;
        } else {
            lo = mid;
            s_lo = s;
        }
    }
    *out = (infl_plan_result){.budget = hi, .lower = lo, .p = s_hi, .p_lower = s_lo};
    return INFL_OK;
}
