/*
 * plan.c — the smallest sufficient budget by bracketing and bisection
 * (influsim/plan.h). The sequence of budgets is a contract: the same
 * scenario, options and seed try the same budgets in the same order, so a
 * plan's numbers can be reproduced from its command line.
 *
 * One search drives both the plan and its forecast: it asks a probe whether a
 * budget is enough, which for the plan runs the scenario there and for the
 * forecast answers from a guessed answer, so the forecast counts exactly the
 * budgets the search would try if the guess were right.
 */
#include "influsim/plan.h"

#include "influsim/study.h"
#include "stats/quantile.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Asks whether budget b is enough (and, for the plan, its score and se). */
typedef infl_status (*probe_fn)(void *ctx, double b, bool *enough, double *score, double *se,
                                infl_error *err);

/* Where a search ended. */
typedef struct {
    bool reached, lower_tried;
    double lo, hi;      /* hi only when reached */
    double s_lo, se_lo; /* at lo (0 when untried) */
    double s_hi, se_hi; /* at hi */
    size_t evaluations; /* budgets probed */
    size_t bracketing;  /* of which until the bracket was found (the first included) */
} search_end;

static double max_budget_of(const infl_plan_options *p)
{
    return p->max_budget > 0 ? p->max_budget : INFL_PLAN_MAX_BUDGET;
}

static double tolerance_of(const infl_plan_options *p)
{
    return p->tolerance > 0 ? p->tolerance : 0.005;
}

/*
 * The search itself, from `start` (capped at the max budget): doubling or
 * halving to a bracket, then bisection. With no budget up to the max enough,
 * e->reached is false and e->lo the max budget (probed). A probe's failure is
 * returned as it is.
 */
static infl_status search(const infl_plan_options *p, double start, probe_fn probe, void *ctx,
                          search_end *e, infl_error *err)
{
    const double max = max_budget_of(p), tolerance = tolerance_of(p);
    memset(e, 0, sizeof *e);
    double hi = start < max ? start : max, lo, s, se;
    bool ok;
    infl_status rc;
#define PROBE(b)                                                                                   \
    do {                                                                                           \
        if ((rc = probe(ctx, (b), &ok, &s, &se, err)) != INFL_OK)                                  \
            return rc;                                                                             \
        e->evaluations++;                                                                          \
    } while (0)
    PROBE(hi);
    if (ok) {
        e->s_hi = s;
        e->se_hi = se;
        for (lo = hi / 2; lo > INFL_PLAN_MIN_BUDGET; lo /= 2) {
            PROBE(lo);
            if (!ok) {
                e->lower_tried = true;
                e->s_lo = s;
                e->se_lo = se;
                break;
            }
            hi = lo;
            e->s_hi = s;
            e->se_hi = se;
        }
    } else {
        lo = hi;
        e->lower_tried = true;
        e->s_lo = s;
        e->se_lo = se;
        for (;;) {
            if (lo >= max) {
                e->lo = lo;
                e->bracketing = e->evaluations;
                return INFL_OK; /* not reached even at the max budget */
            }
            hi = 2 * lo < max ? 2 * lo : max;
            PROBE(hi);
            if (ok)
                break;
            lo = hi;
            e->s_lo = s;
            e->se_lo = se;
        }
        e->s_hi = s;
        e->se_hi = se;
    }
    e->bracketing = e->evaluations;
    while (hi - lo > tolerance * hi) {
        double mid = 0.5 * (lo + hi);
        PROBE(mid);
        if (ok) {
            hi = mid;
            e->s_hi = s;
            e->se_hi = se;
        } else {
            lo = mid;
            e->lower_tried = true;
            e->s_lo = s;
            e->se_lo = se;
        }
    }
#undef PROBE
    e->reached = true;
    e->lo = lo;
    e->hi = hi;
    return INFL_OK;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The plan's probe: its options, the scenario, and the budgets tried so far. */
typedef struct {
    const infl_plan_options *p;
    const infl_scenario *base;
    size_t tried;
} plan_probe;

static bool enough(const infl_plan_options *p, double score)
{
    return p->expected ? score >= (double)p->conversions : score >= p->confidence;
}

const char *infl_plan_metric(const infl_plan_options *p)
{
    return p->ltv ? "orders" : "conversions";
}

/*
 * Runs base at budget b (with `trials` trials, or the scenario's own when 0)
 * and fills *step (index 0) with its score: P(metric >= N) or, expected, the
 * mean, with its standard error, the mean and the quantile, and the time taken.
 */
static infl_status measure(const infl_scenario *base, const infl_plan_options *p, double b,
                           uint64_t trials_override, infl_plan_step *step, infl_error *err)
{
    double start = now_seconds();
    char over[64], trials_set[64];
    snprintf(over, sizeof over, "budget=%.17g", b);
    snprintf(trials_set, sizeof trials_set, "trials=%llu", (unsigned long long)trials_override);
    const char *extra[2] = {over, trials_set};
    infl_scenario *sc = NULL;
    infl_status rc = infl_scenario_derive(base, extra, trials_override ? 2 : 1, &sc, err);
    if (rc != INFL_OK)
        return rc;
    infl_trials *tr = NULL;
    rc = infl_study_trials(sc, p->threads, p->cluster, &tr, NULL, err);
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
    /* The column is this run's own: the quantile below may reorder it. */
    double *c =
        tr->values +
        (s * tr->n_metrics + infl_trials_metric_index(tr, infl_plan_metric(p))) * tr->n_trials;
    const double n = (double)p->conversions;
    const uint64_t trials = tr->n_trials;
    uint64_t reached = 0;
    double mean = 0.0, m2 = 0.0; /* Welford: the mean and the sum of squared deviations */
    for (uint64_t t = 0; t < trials; t++) {
        reached += c[t] >= n;
        double d = c[t] - mean;
        mean += d / (double)(t + 1);
        m2 += d * (c[t] - mean);
    }
    const double quantile =
        p->expected || trials == 0 ? NAN : infl__quantile_select(c, trials, 1 - p->confidence);
    infl_trials_free(tr);
    const double share = trials ? (double)reached / (double)trials : 0.0;
    const double sd_mean = trials > 1 ? sqrt(m2 / (double)(trials - 1) / (double)trials) : 0.0;
    const double score = p->expected ? mean : share;
    *step = (infl_plan_step){.budget = b,
                             .score = score,
                             .se = p->expected ? sd_mean
                                   : trials    ? sqrt(share * (1 - share) / (double)trials)
                                               : 0.0,
                             .mean = mean,
                             .quantile = quantile,
                             .enough = enough(p, score),
                             .trials = trials,
                             .seconds = now_seconds() - start};
    return INFL_OK;
}

/* A probe_fn: runs base at budget b; then the callback. */
static infl_status evaluate(void *ctx, double b, bool *ok, double *score, double *se,
                            infl_error *err)
{
    plan_probe *pp = ctx;
    const infl_plan_options *p = pp->p;
    infl_plan_step step;
    infl_status rc = measure(pp->base, p, b, 0, &step, err);
    if (rc != INFL_OK)
        return rc;
    step.index = pp->tried++;
    *score = step.score;
    *se = step.se;
    *ok = step.enough;
    if (p->evaluated != NULL)
        p->evaluated(p->user, &step);
    return INFL_OK;
}

infl_status infl_plan_pilot(const infl_scenario *base, const infl_plan_options *p, uint64_t trials,
                            infl_plan_step *out, infl_error *err)
{
    const uint64_t full = infl_scenario_trials(base);
    if (trials == 0 || trials > full)
        trials = full;
    const double b = fmin(infl_scenario_budget(base), max_budget_of(p));
    infl_status rc = measure(base, p, b, trials, out, err);
    if (rc != INFL_OK)
        return rc;
    /* The time of the search's first budget, at the scenario's trials; the
     * score is the pilot's own, as close to that budget's as its trials let. */
    out->seconds *= (double)full / (double)out->trials;
    out->trials = full;
    return INFL_OK;
}

infl_status infl_plan_run(const infl_scenario *base, const infl_plan_options *p,
                          infl_plan_result *out, infl_error *err)
{
    if (p->max_budget < 0 || isnan(p->max_budget))
        return infl_error_add(err, INFL_EARG, "--max-budget: must be above 0 (got %g)",
                              p->max_budget);
    plan_probe pp = {.p = p, .base = base};
    search_end e;
    infl_status rc = search(p, infl_scenario_budget(base), evaluate, &pp, &e, err);
    if (rc != INFL_OK)
        return rc;
    *out = (infl_plan_result){.reached = e.reached,
                              .budget = e.reached ? e.hi : NAN,
                              .lower = e.lo,
                              .lower_tried = e.lower_tried,
                              .p = e.reached ? e.s_hi : NAN,
                              .se = e.reached ? e.se_hi : NAN,
                              .p_lower = e.s_lo,
                              .se_lower = e.se_lo,
                              .evaluations = e.evaluations};
    return INFL_OK;
}

/* The forecast's probe: enough from the guessed answer, and the time a run
 * at each budget after the first would take. */
typedef struct {
    const infl_plan_step *first;
    double answer;
    double seconds;
    size_t calls;
} guess_probe;

/* A tenth of a run's time that does not grow with the budget (setup, the
 * market's draws); the rest grows with the hires, in proportion to it. */
#define FIXED_SHARE 0.1

/* A probe_fn: the first budget as it went, then the guess. */
static infl_status guess(void *ctx, double b, bool *ok, double *score, double *se, infl_error *err)
{
    guess_probe *g = ctx;
    (void)err;
    *score = *se = 0;
    if (g->calls++ == 0) {
        *ok = g->first->enough;
        return INFL_OK;
    }
    *ok = b >= g->answer;
    g->seconds += g->first->seconds * (FIXED_SHARE + (1 - FIXED_SHARE) * b / g->first->budget);
    return INFL_OK;
}

infl_plan_forecast infl_plan_forecast_after(const infl_plan_options *p, const infl_plan_step *first)
{
    infl_plan_forecast f = {.answer = NAN};
    const double b0 = first->budget;
    double answer = 3 * b0; /* no clue: between two and four times the first */
    const double n = (double)p->conversions;
    if (!p->expected && first->quantile > 0)
        answer = f.answer = b0 * n / first->quantile;
    else if (first->mean > 0)
        answer = f.answer = b0 * n / first->mean;
    /* The guess must agree with what the first budget showed. */
    if (first->enough && !(answer <= b0))
        answer = 0.75 * b0;
    if (!first->enough && !(answer > b0))
        answer = 1.5 * b0;
    if (!isnan(f.answer))
        f.answer = answer;
    guess_probe g = {.first = first, .answer = answer};
    search_end e;
    search(p, b0, guess, &g, &e, NULL);
    f.bracketing = e.bracketing - 1;
    f.bisection = e.evaluations - e.bracketing;
    f.seconds = g.seconds;
    f.reaches_max = !e.reached;
    return f;
}
