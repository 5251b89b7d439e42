/*
 * Unit tests of a sweep's file read back (infl_h5_read_sweep): a 2-D sweep of
 * tests/scenarios/small.yaml written as `influsim sweep` writes it, then read:
 * the axes (keys, names, grid values, spacing), the metadata, and at every
 * point every statistic, count and comparison equal to the sweep's own
 * summary, bit for bit (NaN where it was NaN), with trials missing = trials
 * less n; the crossovers of a 1-D sweep recomputed from the file equal those
 * of the sweep. infl_h5_read_kind tells a run's file from a sweep's; each
 * reader refuses the other's file, and a sweep's file cut short, with a
 * message naming it.
 */
#include "check.h"
#include "influsim/h5.h"
#include "influsim/pipeline.h"
#include "influsim/study.h"
#include "influsim/sweep.h"

#include <unistd.h>

/* Equal doubles, NaN equal to NaN. */
static bool same(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

/* Whether two summaries hold the same numbers (names, stats, comparisons). */
static bool same_summary(const infl_summary *a, const infl_summary *b)
{
    if (a->n_strategies != b->n_strategies || a->n_metrics != b->n_metrics ||
        a->n_trials != b->n_trials)
        return false;
    const size_t ns = a->n_strategies, nm = a->n_metrics;
    bool ok = true;
    for (size_t s = 0; s < ns; s++)
        ok = ok && strcmp(a->strategy_names[s], b->strategy_names[s]) == 0;
    for (size_t m = 0; m < nm; m++)
        ok = ok && strcmp(a->metrics[m].name, b->metrics[m].name) == 0 &&
             a->metrics[m].ratio == b->metrics[m].ratio;
    for (size_t i = 0; i < ns * nm; i++) {
        const infl_stat *x = &a->stats[i], *y = &b->stats[i];
        ok = ok && x->n == y->n && x->n_missing == y->n_missing && same(x->mean, y->mean) &&
             same(x->sd, y->sd) && same(x->se, y->se) && same(x->min, y->min) &&
             same(x->max, y->max) && same(x->p_zero, y->p_zero) &&
             same(x->ratio_of_totals, y->ratio_of_totals);
        for (size_t q = 0; q < INFL_N_QUANTILES; q++)
            ok = ok && same(x->q[q], y->q[q]);
    }
    for (size_t i = 0; i < ns * ns; i++)
        ok = ok && same(a->p_greater[i], b->p_greater[i]) && same(a->p_tie[i], b->p_tie[i]) &&
             same(a->mean_difference[i], b->mean_difference[i]) &&
             same(a->se_difference[i], b->se_difference[i]);
    return ok;
}

/* Sweeps base over axes and writes the file at path; the sweep's result. */
static infl_status sweep_to(const infl_scenario *base, const infl_sweep_axis *axes, size_t n,
                            const char *path, infl_sweep_result *r)
{
    infl_sweep_options opt = {.threads = 2};
    infl_status rc = infl_sweep_run(base, axes, n, &opt, r, NULL);
    if (rc != INFL_OK)
        return rc;
    return infl_pipeline_write_sweep(path, true, base, r->threads, axes, n, r->points, 0.5, NULL);
}

static void test_grid(const infl_scenario *base, const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/grid.h5", dir);
    infl_sweep_axis axes[2];
    CHECK_INT(infl_sweep_axis_parse("--vary", "budget=2000:20000:3:log", &axes[0], NULL), INFL_OK);
    CHECK_INT(infl_sweep_axis_parse("--vary", "tiers.macro.price_per_1k_followers=6:18:2", &axes[1],
                                    NULL),
              INFL_OK);
    infl_sweep_result r = {0};
    CHECK_INT(sweep_to(base, axes, 2, path, &r), INFL_OK);

    infl_h5_kind kind = INFL_H5_KIND_RUN;
    CHECK_INT(infl_h5_read_kind(path, &kind, NULL), INFL_OK);
    CHECK_INT(kind, INFL_H5_KIND_SWEEP);

    infl_h5_sweep sw;
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl_h5_read_sweep(path, &sw, &err), INFL_OK);
    fprintf(stderr, "%s", infl_error_message(&err));
    CHECK_INT(sw.n_axes, 2);
    CHECK_INT(sw.n_points, 6);
    CHECK_INT(sw.meta.trials, 200);
    CHECK_INT(sw.meta.trials_done, 200);
    CHECK_INT(sw.meta.seed, infl_scenario_seed(base));
    CHECK(sw.meta.complete);
    CHECK(sw.meta.currency != NULL && strcmp(sw.meta.currency, "EUR") == 0);
    for (size_t a = 0; a < 2 && a < sw.n_axes; a++) {
        CHECK(strcmp(sw.axes[a].key, axes[a].key) == 0);
        CHECK(strcmp(sw.axes[a].name, axes[a].name) == 0);
        CHECK_INT(sw.axes[a].n, axes[a].n);
        CHECK_INT(sw.axes[a].log, axes[a].log);
        for (size_t i = 0; i < axes[a].n && i < sw.axes[a].n; i++)
            CHECK(sw.axes[a].values[i] == axes[a].values[i]);
    }
    size_t equal = 0;
    for (size_t p = 0; p < sw.n_points && p < r.n_points; p++)
        equal += same_summary(r.points[p], sw.points[p]);
    CHECK_INT(equal, 6);
    /* Trials missing where a ratio is undefined: trials less n. */
    if (sw.n_points > 0) {
        const infl_summary *sm = sw.points[0];
        for (size_t i = 0; i < sm->n_strategies * sm->n_metrics; i++)
            CHECK_INT(sm->stats[i].n + sm->stats[i].n_missing, 200);
    }
    infl_h5_sweep_destroy(&sw);
    infl_h5_sweep_destroy(&sw); /* twice: harmless */

    /* The run reader refuses it, naming the file and the way to read it. */
    infl_error_clear(&err);
    infl_summary *sm = NULL;
    infl_h5_meta meta;
    CHECK_INT(infl_h5_read_summary(path, &sm, &meta, &err), INFL_EFORMAT);
    CHECK_CONTAINS(infl_error_message(&err), path);
    CHECK_CONTAINS(infl_error_message(&err), "infl_h5_read_sweep");

    /* Cut short: an error naming the file, nothing held. */
    char cut[512];
    snprintf(cut, sizeof cut, "%s/cut.h5", dir);
    FILE *in = fopen(path, "rb"), *out = fopen(cut, "wb");
    char buf[4096];
    size_t got = in ? fread(buf, 1, sizeof buf, in) : 0;
    if (out)
        fwrite(buf, 1, got, out);
    if (in)
        fclose(in);
    if (out)
        fclose(out);
    infl_error_clear(&err);
    CHECK_INT(infl_h5_read_sweep(cut, &sw, &err), INFL_EFORMAT);
    CHECK_CONTAINS(infl_error_message(&err), cut);
    CHECK(sw.points == NULL && sw.axes == NULL);
    unlink(cut);

    infl_error_destroy(&err);
    infl_sweep_result_destroy(&r);
    infl_sweep_axis_destroy(&axes[0]);
    infl_sweep_axis_destroy(&axes[1]);
    unlink(path);
}

static void test_crossovers_and_runs(const infl_scenario *base, const char *dir)
{
    char path[512], run[512];
    snprintf(path, sizeof path, "%s/line.h5", dir);
    snprintf(run, sizeof run, "%s/run.h5", dir);
    infl_sweep_axis axis;
    CHECK_INT(infl_sweep_axis_parse("--vary", "budget=500:50000:5:log", &axis, NULL), INFL_OK);
    infl_sweep_result r = {0};
    CHECK_INT(sweep_to(base, &axis, 1, path, &r), INFL_OK);
    infl_h5_sweep sw;
    CHECK_INT(infl_h5_read_sweep(path, &sw, NULL), INFL_OK);
    infl_crossover *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    CHECK_INT(infl_sweep_crossovers(&axis, r.points, &a, &na, NULL), INFL_OK);
    if (sw.n_axes == 1)
        CHECK_INT(infl_sweep_crossovers(&sw.axes[0], sw.points, &b, &nb, NULL), INFL_OK);
    CHECK_INT(nb, na);
    for (size_t i = 0; i < na && i < nb; i++)
        CHECK(a[i].lower == b[i].lower && a[i].upper == b[i].upper && a[i].from == b[i].from &&
              a[i].to == b[i].to && a[i].by_median == b[i].by_median &&
              same(a[i].p_to_upper, b[i].p_to_upper));
    free(a);
    free(b);
    infl_h5_sweep_destroy(&sw);

    /* A run's file: its kind, and the sweep reader refuses it. */
    infl_pipeline_options po = {.output = run, .replace = true, .run = {.threads = 2}};
    infl_pipeline_result pr = {0};
    infl_status rc = infl_pipeline_run(base, &po, &pr, NULL);
    CHECK_INT(rc, INFL_OK);
    infl_pipeline_result_destroy(&pr);
    if (rc == INFL_OK) {
        infl_h5_kind kind = INFL_H5_KIND_SWEEP;
        CHECK_INT(infl_h5_read_kind(run, &kind, NULL), INFL_OK);
        CHECK_INT(kind, INFL_H5_KIND_RUN);
        infl_error err;
        infl_error_init(&err);
        CHECK_INT(infl_h5_read_sweep(run, &sw, &err), INFL_EFORMAT);
        CHECK_CONTAINS(infl_error_message(&err), "not a sweep's results");
        infl_error_destroy(&err);
    }
    infl_h5_kind kind;
    char none[600];
    snprintf(none, sizeof none, "%s/none.h5", dir);
    CHECK_INT(infl_h5_read_kind(none, &kind, NULL), INFL_EIO);
    infl_sweep_result_destroy(&r);
    infl_sweep_axis_destroy(&axis);
    unlink(path);
    unlink(run);
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
    char dir[] = "/tmp/influsim-test-h5-sweep-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    if (base != NULL) {
        infl_h5_process_init();
        test_grid(base, dir);
        test_crossovers_and_runs(base, dir);
    } else {
        fprintf(stderr, "%s", infl_error_message(&err));
    }
    rmdir(dir);
    infl_scenario_free(base);
    infl_error_destroy(&err);
    return check_exit();
}
