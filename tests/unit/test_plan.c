/*
 * Unit tests of infl_plan_run on a cheap scenario (tests/scenarios/small.yaml
 * with 200 trials): the budget found reaches the target and the lower end of
 * the bracket does not, checked by runs of their own; the bracket is within
 * the tolerance; the callback sees every budget in the order tried, starting
 * at the scenario's, the same sequence on a second call; the steps' indices,
 * standard errors and times; the expected mode; --max-budget above the answer
 * (the same answer), below the scenario's budget (the search starts there)
 * and below the answer (not reached, the score at the max budget); the
 * forecast after the first step against the budgets the search then tried;
 * and a strategy the scenario lacks.
 */
#include "check.h"
#include "influsim/plan.h"
#include "influsim/study.h"

enum { MAX_EVALS = 200 };

typedef struct {
    size_t n;
    double budget[MAX_EVALS], score[MAX_EVALS];
    infl_plan_step first;
    bool steps_ok; /* every step's index, se, trials and time as expected */
} trace;

static void record(void *user, const infl_plan_step *step)
{
    trace *t = user;
    if (t->n == 0) {
        t->first = *step;
        t->steps_ok = true;
    }
    if (t->n < MAX_EVALS) {
        t->budget[t->n] = step->budget;
        t->score[t->n] = step->score;
    }
    t->steps_ok = t->steps_ok && step->index == t->n && step->trials == 200 && step->seconds >= 0 &&
                  step->se >= 0 && step->mean >= 0;
    t->n++;
}

/* P(conversions of `strategy` >= n) or the mean, at budget b, by a run of its own. */
static double score_at(const infl_scenario *base, const char *strategy, double n, bool expected,
                       double b)
{
    char over[64];
    snprintf(over, sizeof over, "budget=%.17g", b);
    const char *sets[1] = {over};
    infl_scenario *sc = NULL;
    infl_trials *tr = NULL;
    double score = NAN;
    if (infl_scenario_derive(base, sets, 1, &sc, NULL) != INFL_OK ||
        infl_study_trials(sc, 2, NULL, &tr, NULL, NULL) != INFL_OK)
        goto done;
    for (size_t s = 0; s < tr->n_strategies; s++)
        if (strcmp(tr->strategy_names[s], strategy) == 0) {
            const double *c =
                infl_trials_column(tr, s, infl_trials_metric_index(tr, "conversions"));
            double reached = 0, sum = 0;
            for (uint64_t t = 0; t < tr->n_trials; t++) {
                reached += c[t] >= n;
                sum += c[t];
            }
            score = (expected ? sum : reached) / (double)tr->n_trials;
        }
done:
    infl_trials_free(tr);
    infl_scenario_free(sc);
    return score;
}

/* The score of a budget the trace holds (NaN if it was not tried). */
static double traced(const trace *t, double b)
{
    for (size_t i = 0; i < t->n && i < MAX_EVALS; i++)
        if (t->budget[i] == b)
            return t->score[i];
    return NAN;
}

static void test_probability(const infl_scenario *base)
{
    trace t = {0}, again = {0};
    infl_plan_options o = {.strategy = "micro-only",
                           .conversions = 5,
                           .confidence = 0.9,
                           .tolerance = 0.01,
                           .threads = 2,
                           .evaluated = record,
                           .user = &t};
    infl_plan_result r = {0};
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl_plan_run(base, &o, &r, &err), INFL_OK);
    fprintf(stderr, "%s", infl_error_message(&err));
    CHECK(r.p >= 0.9);
    CHECK(r.p_lower < 0.9);
    CHECK(r.lower < r.budget);
    CHECK(r.budget - r.lower <= 0.01 * r.budget);
    CHECK(score_at(base, "micro-only", 5, false, r.budget) >= 0.9);
    CHECK(score_at(base, "micro-only", 5, false, r.lower) < 0.9);
    CHECK_NEAR(score_at(base, "micro-only", 5, false, r.budget), r.p, 0);
    CHECK(r.reached);
    CHECK(r.lower_tried);
    CHECK_INT(r.evaluations, t.n);
    CHECK(t.steps_ok);
    /* The binomial standard error of each end's probability. */
    CHECK_NEAR(r.se, sqrt(r.p * (1 - r.p) / 200), 1e-12);
    CHECK_NEAR(r.se_lower, sqrt(r.p_lower * (1 - r.p_lower) / 200), 1e-12);

    /* Every budget through the callback, from the scenario's own. */
    CHECK(t.n >= 3 && t.n <= MAX_EVALS);
    CHECK_NEAR(t.budget[0], infl_scenario_budget(base), 0);
    CHECK_NEAR(traced(&t, r.budget), r.p, 0);
    CHECK_NEAR(traced(&t, r.lower), r.p_lower, 0);
    /* After the bracket, each budget halves the bracket the earlier ones left. */
    double lo = 0, hi = INFINITY;
    for (size_t i = 0; i < t.n && i < MAX_EVALS; i++) {
        CHECK(t.budget[i] > 0);
        if (t.score[i] >= 0.9)
            hi = fmin(hi, t.budget[i]);
        else
            lo = fmax(lo, t.budget[i]);
    }
    CHECK_NEAR(hi, r.budget, 0);
    CHECK_NEAR(lo, r.lower, 0);

    /* The same sequence again: the budgets depend only on the scenario and seed. */
    o.user = &again;
    o.threads = 1;
    infl_plan_result r2 = {0};
    CHECK_INT(infl_plan_run(base, &o, &r2, &err), INFL_OK);
    CHECK_INT(again.n, t.n);
    for (size_t i = 0; i < t.n && i < again.n && i < MAX_EVALS; i++)
        CHECK_NEAR(again.budget[i], t.budget[i], 0);
    CHECK_NEAR(r2.budget, r.budget, 0);
    CHECK_NEAR(r2.p_lower, r.p_lower, 0);
    infl_error_destroy(&err);
}

static void test_expected(const infl_scenario *base)
{
    infl_plan_options o = {.strategy = "balanced",
                           .conversions = 20,
                           .expected = true,
                           .tolerance = 0.02,
                           .threads = 2};
    infl_plan_result r = {0};
    CHECK_INT(infl_plan_run(base, &o, &r, NULL), INFL_OK);
    CHECK(r.p >= 20);
    CHECK(r.p_lower < 20);
    CHECK_NEAR(score_at(base, "balanced", 20, true, r.budget), r.p, 1e-9 * r.p);
    CHECK(r.se > 0 && r.se < r.p);
    CHECK(r.se_lower > 0);
}

/* --max-budget: above the answer nothing changes; below the scenario's
 * budget the search starts at it; below the answer the target is not
 * reached, with the score at the max budget. */
static void test_max_budget(const infl_scenario *base)
{
    infl_plan_options o = {.strategy = "micro-only",
                           .conversions = 5,
                           .confidence = 0.9,
                           .tolerance = 0.01,
                           .threads = 2};
    infl_plan_result free_r = {0}, r = {0};
    CHECK_INT(infl_plan_run(base, &o, &free_r, NULL), INFL_OK);
    CHECK(free_r.reached);

    o.max_budget = 4 * free_r.budget;
    CHECK_INT(infl_plan_run(base, &o, &r, NULL), INFL_OK);
    CHECK(r.reached);
    CHECK(r.p >= 0.9 && r.p_lower < 0.9);
    CHECK(r.budget <= o.max_budget);

    trace t = {0};
    o.evaluated = record;
    o.user = &t;
    o.max_budget = 0.5 * infl_scenario_budget(base);
    CHECK_INT(infl_plan_run(base, &o, &r, NULL), INFL_OK);
    CHECK_NEAR(t.budget[0], o.max_budget, 0);
    for (size_t i = 0; i < t.n && i < MAX_EVALS; i++)
        CHECK(t.budget[i] <= o.max_budget);
    if (r.reached)
        CHECK(r.budget <= o.max_budget);

    trace u = {0};
    o.user = &u;
    o.max_budget = 0.5 * free_r.lower;
    CHECK_INT(infl_plan_run(base, &o, &r, NULL), INFL_OK);
    CHECK(!r.reached);
    CHECK(isnan(r.budget) && isnan(r.p));
    CHECK_NEAR(r.lower, o.max_budget, 0);
    CHECK(r.p_lower < 0.9);
    CHECK_NEAR(r.p_lower, score_at(base, "micro-only", 5, false, o.max_budget), 0);
    CHECK(u.n >= 1 && u.n <= MAX_EVALS);
    CHECK_NEAR(u.budget[u.n - 1], o.max_budget, 0);
    for (size_t i = 0; i < u.n && i < MAX_EVALS; i++)
        CHECK(u.budget[i] <= o.max_budget);

    o.max_budget = -1;
    CHECK_INT(infl_plan_run(base, &o, &r, NULL), INFL_EARG);
}

/* The forecast from the first step: where mean conversions are proportional
 * to the budget (the expected mode), it counts the budgets the search tried,
 * give or take the bracket's doublings; its time is a positive number; and a
 * first step that made nothing has no guessed answer. */
static void test_forecast(const infl_scenario *base)
{
    trace t = {0};
    infl_plan_options o = {.strategy = "balanced",
                           .conversions = 20,
                           .expected = true,
                           .tolerance = 0.02,
                           .threads = 2,
                           .evaluated = record,
                           .user = &t};
    infl_plan_result r = {0};
    CHECK_INT(infl_plan_run(base, &o, &r, NULL), INFL_OK);
    infl_plan_forecast f = infl_plan_forecast_after(&o, &t.first);
    size_t more = f.bracketing + f.bisection;
    CHECK(f.bisection >= 1);
    CHECK(more + 1 + 2 >= t.n && more + 1 <= t.n + 2);
    CHECK(f.seconds >= 0 && isfinite(f.seconds));
    CHECK(!f.reaches_max);
    CHECK_NEAR(f.answer, t.first.budget * 20 / t.first.mean, 1e-9 * f.answer);

    /* A guess that even the max budget is short: the search's last budget is it. */
    o.max_budget = 0.5 * f.answer;
    infl_plan_step first = t.first;
    first.budget = fmin(first.budget, o.max_budget);
    first.enough = false;
    f = infl_plan_forecast_after(&o, &first);
    CHECK(f.reaches_max);

    /* Nothing made at the first budget: no guessed answer, still a count. */
    first = t.first;
    first.mean = 0;
    first.score = 0;
    first.enough = false;
    o.max_budget = 0;
    f = infl_plan_forecast_after(&o, &first);
    CHECK(isnan(f.answer));
    CHECK(f.bracketing >= 1 && f.bisection >= 1);
}

static void test_no_strategy(const infl_scenario *base)
{
    trace t = {0};
    infl_plan_options o = {.strategy = "nope",
                           .conversions = 5,
                           .confidence = 0.9,
                           .threads = 2,
                           .evaluated = record,
                           .user = &t};
    infl_plan_result r = {0};
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl_plan_run(base, &o, &r, &err), INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err), "--strategy: no strategy 'nope' in the scenario");
    CHECK_INT(t.n, 0);
    infl_error_destroy(&err);
}

int main(void)
{
    const char *src = getenv("INFLUSIM_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/scenarios/small.yaml", src ? src : ".");
    const char *sets[] = {"trials=200"};
    infl_scenario *base = NULL;
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl_scenario_load_file(path, sets, 1, &base, &err), INFL_OK);
    if (base == NULL) {
        fprintf(stderr, "%s", infl_error_message(&err));
        return check_exit();
    }
    test_probability(base);
    test_expected(base);
    test_max_budget(base);
    test_forecast(base);
    test_no_strategy(base);
    infl_scenario_free(base);
    infl_error_destroy(&err);
    return check_exit();
}
