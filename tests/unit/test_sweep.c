/*
 * Unit tests of the sweep module: where the best strategy changes along a
 * 1-D grid, from synthetic summaries (a change by mean and a different one
 * by median, each with its P(A > B) from p_greater; no change, no
 * crossover), the best strategy's tie rules, the errors of parsing an axis,
 * and a small sweep of tests/scenarios/small.yaml (a point equals a run of
 * the scenario derived with its value; a rejected point is named).
 */
#include "check.h"
#include "influsim/study.h"
#include "influsim/sweep.h"

enum { N_STRATEGIES = 2, N_POINTS = 4 };

/* A summary of two strategies with only the conversions metric: their
 * means and medians, and P(a > b) = p_greater[a * 2 + b]. */
typedef struct {
    infl_summary sm;
    infl_metric_info metric;
    infl_stat stats[N_STRATEGIES];
    double p_greater[N_STRATEGIES * N_STRATEGIES];
    char *names[N_STRATEGIES];
} fake_summary;

static char conversions[] = "conversions", zero[] = "zero", one[] = "one";

static void fake(fake_summary *f, double mean0, double median0, double mean1, double median1,
                 double p01, double p10)
{
    memset(f, 0, sizeof *f);
    f->metric.name = conversions;
    f->names[0] = zero;
    f->names[1] = one;
    f->stats[0].mean = mean0;
    f->stats[0].q[4] = median0;
    f->stats[1].mean = mean1;
    f->stats[1].q[4] = median1;
    f->p_greater[0 * 2 + 1] = p01;
    f->p_greater[1 * 2 + 0] = p10;
    f->sm = (infl_summary){.n_strategies = N_STRATEGIES,
                           .n_metrics = 1,
                           .n_trials = 100,
                           .strategy_names = f->names,
                           .metrics = &f->metric,
                           .stats = f->stats,
                           .p_greater = f->p_greater};
}

static void test_crossovers(void)
{
    /* By mean, "one" overtakes "zero" between 20 and 30; by median already
     * between 10 and 20. */
    fake_summary f[N_POINTS];
    fake(&f[0], 10, 10, 5, 4, 0.7, 0.2);
    fake(&f[1], 10, 10, 8, 12, 0.6, 0.3);
    fake(&f[2], 10, 10, 9, 13, 0.55, 0.4);
    fake(&f[3], 10, 10, 15, 16, 0.3, 0.65);
    infl_summary *points[N_POINTS] = {&f[0].sm, &f[1].sm, &f[2].sm, &f[3].sm};
    double values[N_POINTS] = {0, 10, 20, 30};
    char key[] = "budget";
    infl_sweep_axis axis = {.key = key, .name = key, .values = values, .n = N_POINTS};

    CHECK_INT(infl_sweep_best_strategy(points[0], false), 0);
    CHECK_INT(infl_sweep_best_strategy(points[1], false), 0);
    CHECK_INT(infl_sweep_best_strategy(points[1], true), 1);
    CHECK_INT(infl_sweep_best_strategy(points[3], false), 1);

    infl_crossover *cx = NULL;
    size_t n = 99;
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl_sweep_crossovers(&axis, points, &cx, &n, &err), INFL_OK);
    CHECK_INT(n, 2);
    if (n == 2) {
        /* Means first. */
        CHECK(!cx[0].by_median);
        CHECK_NEAR(cx[0].lower, 20, 0);
        CHECK_NEAR(cx[0].upper, 30, 0);
        CHECK_INT(cx[0].from, 0);
        CHECK_INT(cx[0].to, 1);
        CHECK_NEAR(cx[0].p_to_upper, 0.65, 0);   /* P(one > zero) at 30 */
        CHECK_NEAR(cx[0].p_from_lower, 0.55, 0); /* P(zero > one) at 20 */
        CHECK(cx[1].by_median);
        CHECK_NEAR(cx[1].lower, 0, 0);
        CHECK_NEAR(cx[1].upper, 10, 0);
        CHECK_INT(cx[1].from, 0);
        CHECK_INT(cx[1].to, 1);
        CHECK_NEAR(cx[1].p_to_upper, 0.3, 0);
        CHECK_NEAR(cx[1].p_from_lower, 0.7, 0);
    }
    free(cx);

    /* The same best everywhere: no crossover, and no list. */
    fake_summary g[N_POINTS];
    for (size_t i = 0; i < N_POINTS; i++)
        fake(&g[i], 10, 10, 5 + (double)i, 5, 0.8, 0.1);
    infl_summary *flat[N_POINTS] = {&g[0].sm, &g[1].sm, &g[2].sm, &g[3].sm};
    cx = NULL;
    n = 99;
    CHECK_INT(infl_sweep_crossovers(&axis, flat, &cx, &n, &err), INFL_OK);
    CHECK_INT(n, 0);
    CHECK(cx == NULL);
    free(cx);

    /* Equal medians: the mean breaks the tie. */
    fake_summary t;
    fake(&t, 10, 7, 11, 7, 0.4, 0.5);
    CHECK_INT(infl_sweep_best_strategy(&t.sm, true), 1);
    infl_error_destroy(&err);
}

static void bad_axis(const char *spec, const char *wanted)
{
    infl_error err;
    infl_error_init(&err);
    infl_sweep_axis a;
    CHECK_INT(infl_sweep_axis_parse("--vary", spec, &a, &err), INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err), wanted);
    CHECK_CONTAINS(infl_error_message(&err), "--vary");
    infl_sweep_axis_destroy(&a);
    infl_error_destroy(&err);
}

static void test_axes(void)
{
    infl_error err;
    infl_error_init(&err);
    infl_sweep_axis a;
    CHECK_INT(infl_sweep_axis_parse("--vary", "budget=1000:100000:3:log", &a, &err), INFL_OK);
    CHECK_INT(a.n, 3);
    CHECK(a.log);
    CHECK(strcmp(a.key, "budget") == 0);
    if (a.n == 3) {
        CHECK_NEAR(a.values[0], 1000, 0);
        CHECK_NEAR(a.values[1], 10000, 1e-9);
        CHECK_NEAR(a.values[2], 100000, 0);
    }
    char buf[64];
    CHECK(infl_sweep_axis_override(&a, 0, buf, sizeof buf));
    CHECK(strcmp(buf, "budget=1000") == 0);
    CHECK(!infl_sweep_axis_override(&a, 0, buf, 8)); /* does not fit */
    infl_sweep_axis_destroy(&a);
    infl_error_destroy(&err);

    bad_axis("budget", "expected KEY=FROM:TO:POINTS[:log]");
    bad_axis("=1:2:3", "expected KEY=FROM:TO:POINTS[:log]");
    bad_axis("budget=1:2", "expected KEY=FROM:TO:POINTS[:log]");
    bad_axis("budget=1:2:3:4:5", "too many ':'");
    bad_axis("budget=1:2:3:lin", "the fourth part must be 'log'");
    bad_axis("budget=a:2:3", "FROM and TO must be finite numbers");
    bad_axis("budget=1:2:0", "POINTS must be a whole number from 1 to 10000 (got '0')");
    bad_axis("budget=1:2:2.5", "POINTS must be a whole number from 1 to 10000 (got '2.5')");
    bad_axis("budget=0:2:3:log", "a log axis needs FROM and TO above 0");
    bad_axis("budget=1:2:1", "one point needs FROM = TO");
}

typedef struct {
    size_t calls;
    double values[8];
} point_trace;

static void on_point(void *user, size_t point, const double *values, const infl_summary *sm)
{
    point_trace *t = user;
    CHECK_INT(point, t->calls);
    CHECK(sm != NULL);
    if (t->calls < 8)
        t->values[t->calls] = values[0];
    t->calls++;
}

/* A small sweep: a point equals a run of the scenario derived with its value. */
static void test_run(void)
{
    const char *src = getenv("INFLUSIM_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/scenarios/small.yaml", src ? src : ".");
    const char *sets[] = {"trials=200"};
    infl_scenario *base = NULL;
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl_scenario_load_file(path, sets, 1, &base, &err), INFL_OK);
    if (base == NULL)
        return;
    infl_sweep_axis axis;
    CHECK_INT(infl_sweep_axis_parse("--vary", "budget=2000:8000:3", &axis, &err), INFL_OK);
    point_trace t = {0};
    infl_sweep_options o = {.threads = 2, .point = on_point, .user = &t};
    infl_sweep_result r = {0};
    CHECK_INT(infl_sweep_run(base, &axis, 1, &o, &r, &err), INFL_OK);
    CHECK_INT(r.n_points, 3);
    CHECK_INT(t.calls, 3);
    CHECK_NEAR(t.values[1], 5000, 0);
    const char *at[] = {"budget=5000"};
    infl_scenario *sc = NULL;
    infl_summary *sm = NULL;
    CHECK_INT(infl_scenario_derive(base, at, 1, &sc, &err), INFL_OK);
    CHECK_INT(infl_study_summary(sc, 1, NULL, false, &sm, NULL, &err), INFL_OK);
    if (sm != NULL && r.n_points == 3)
        for (size_t s = 0; s < sm->n_strategies; s++)
            CHECK_NEAR(infl_summary_stat(r.points[1], s, "conversions")->mean,
                       infl_summary_stat(sm, s, "conversions")->mean, 0);
    infl_summary_free(sm);
    infl_scenario_free(sc);
    infl_sweep_result_destroy(&r);
    infl_sweep_axis_destroy(&axis);

    /* A point the scenario rejects: its messages, then which point. */
    CHECK_INT(infl_sweep_axis_parse("--vary", "budget=-5:100:2", &axis, &err), INFL_OK);
    infl_error_clear(&err);
    CHECK_INT(infl_sweep_run(base, &axis, 1, &o, &r, &err), INFL_EINVAL);
    CHECK_CONTAINS(infl_error_message(&err), "--set:2:8: budget: must be in (0, 1e15] (got -5)\n"
                                             "at the sweep point budget=-5\n");
    infl_sweep_result_destroy(&r);
    infl_sweep_axis_destroy(&axis);
    infl_scenario_free(base);
    infl_error_destroy(&err);
}

int main(void)
{
    test_crossovers();
    test_axes();
    test_run();
    return check_exit();
}
