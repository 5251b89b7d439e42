/*
 * Unit tests of a select's file read back (infl_h5_read_select): select on a
 * small roster written as `influsim select` writes it (infl_pipeline_select),
 * then read: infl_h5_read_kind says it is a select's; every field of the
 * result equals select's own, bit for bit (NaN where it was NaN: frequency
 * without resamples, marginal of an excluded creator), the seed is the
 * file's, and what the file does not hold is empty. infl_h5_read_summary
 * refuses the file by name. Edited copies (HDF5 itself: a dataset deleted,
 * `chosen` rewritten shorter, an attribute of the wrong class, the kind
 * changed) fail with INFL_EFORMAT naming the file and the part, *out NULL.
 */
#include "check.h"
#include "influsim/h5.h"
#include "influsim/pipeline.h"
#include "influsim/select.h"

#include <hdf5.h>
#include <unistd.h>

static const char *const SCENARIO =
    "name: tiny\n"
    "trials: 400\n"
    "seed: 9\n"
    "budget: 5000\n"
    "product: {price: 400, unit_cost: 100}\n"
    "market: {purchase_rate: 0.1}\n"
    "regions: [{name: home, shippable: true}]\n"
    "tiers:\n"
    "  micro: {followers: 8000, price: 150, platform_fee: 0.1,\n"
    "          reach_rate: {beta: {mean: 0.3, kappa: 40}},\n"
    "          engagement_rate: 0.05, audience: [1],\n"
    "          interest_share: 0.2}\n"
    "roster:\n"
    "  - {handle: alice, tier: micro, followers: 10000,\n"
    "     price: {uniform: {min: 200, max: 400}}}\n"
    "  - {handle: '@Bob', tier: micro, platform: instagram,\n"
    "     followers: 30000, price: 500}\n"
    "  - {handle: carol, tier: micro, followers: 5000, price: 100}\n"
    "  - {handle: eve, tier: micro, followers: 2000, price: 60}\n"
    "strategies:\n"
    "  - {name: all-micro, allocation: {micro: 1}}\n";

/* Equal doubles, NaN equal to NaN. */
static bool same(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

static bool same_array(const double *a, const double *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!same(a[i], b[i]))
            return false;
    return true;
}

/* Whether the file's result f holds what select returned in r. */
static void check_same(const infl_select_result *r, const infl_select_result *f)
{
    CHECK_INT(f->objective.kind, r->objective.kind);
    CHECK(strcmp(f->objective.name, r->objective.name) == 0);
    CHECK(same(f->budget, r->budget));
    CHECK_INT(f->n_trials, r->n_trials);
    CHECK_INT(f->seed, r->seed);
    CHECK_INT(f->resamples, r->resamples);
    CHECK_INT(f->n_creators, r->n_creators);
    if (f->n_creators != r->n_creators)
        return;
    const size_t n = r->n_creators;
    for (size_t i = 0; i < n; i++) {
        CHECK(strcmp(f->handle[i], r->handle[i]) == 0);
        CHECK(strcmp(f->tier[i], r->tier[i]) == 0);
        CHECK(strcmp(f->platform[i], r->platform[i]) == 0);
        CHECK_INT(f->chosen[i], r->chosen[i]);
    }
    CHECK(same_array(f->mean_cost, r->mean_cost, n));
    CHECK(same_array(f->mean_conversions, r->mean_conversions, n));
    CHECK(same_array(f->conversions_se, r->conversions_se, n));
    CHECK(same_array(f->marginal, r->marginal, n));
    CHECK(same_array(f->frequency, r->frequency, n));
    CHECK_INT(f->n_plan, r->n_plan);
    for (size_t k = 0; k < r->n_plan && k < f->n_plan; k++)
        CHECK_INT(f->plan[k], r->plan[k]);
    CHECK_INT(f->n_runner_up, r->n_runner_up);
    for (size_t k = 0; k < r->n_runner_up && k < f->n_runner_up; k++)
        CHECK_INT(f->runner_up[k], r->runner_up[k]);
    CHECK(same(f->value, r->value) && same(f->se, r->se));
    CHECK(same(f->plan_cost, r->plan_cost) && same(f->plan_spend, r->plan_spend));
    CHECK(same(f->plan_conversions, r->plan_conversions) &&
          same(f->plan_conversions_se, r->plan_conversions_se));
    CHECK(same(f->plan_unhired, r->plan_unhired));
    CHECK(same(f->runner_up_value, r->runner_up_value) && same(f->runner_up_se, r->runner_up_se));
    CHECK(same(f->p_beats, r->p_beats) && same(f->p_tie, r->p_tie));
    CHECK(same(f->diff, r->diff) && same(f->diff_se, r->diff_se));
    CHECK(same_array(f->chosen_values, r->chosen_values, r->n_trials));
    CHECK(same_array(f->runner_up_values, r->runner_up_values, r->n_trials));
    CHECK_INT(f->exact, r->exact);
    CHECK_INT(f->plans_evaluated, r->plans_evaluated);
    CHECK(same(f->seconds, r->seconds));
    CHECK(strcmp(f->strategy, r->strategy) == 0);
    /* Not in the file. */
    CHECK_INT(f->n_sets, 0);
    CHECK(f->scenario == NULL);
}

/* select with objective and resamples, excluding eve, into path; the result. */
static infl_select_result *select_to(const infl_scenario *sc, const char *objective,
                                     size_t resamples, const char *path)
{
    infl_select_options o;
    infl_select_options_init(&o);
    CHECK_INT(infl_objective_parse(objective, &o.objective, NULL), INFL_OK);
    o.budget = 900;
    o.threads = 2;
    o.resamples = resamples;
    static const char *const excluded[] = {"eve"};
    o.exclude = excluded;
    o.n_exclude = 1;
    const infl_pipeline_select_options p = {.output = path, .plan = NULL, .replace = true};
    infl_select_result *r = NULL;
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl_pipeline_select(sc, &o, &p, &r, &err), INFL_OK);
    if (r == NULL)
        fprintf(stderr, "%s", infl_error_message(&err));
    infl_error_destroy(&err);
    return r;
}

static void test_round_trip(const infl_scenario *sc, const char *path, const char *objective,
                            size_t resamples)
{
    infl_select_result *r = select_to(sc, objective, resamples, path);
    if (r == NULL)
        return;
    infl_h5_kind kind = INFL_H5_KIND_RUN;
    CHECK_INT(infl_h5_read_kind(path, &kind, NULL), INFL_OK);
    CHECK_INT(kind, INFL_H5_KIND_SELECT);
    infl_select_result *f = NULL;
    infl_h5_meta meta;
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl_h5_read_select(path, &f, &meta, &err), INFL_OK);
    if (f != NULL) {
        check_same(r, f);
        CHECK(strcmp(meta.scenario_name, "tiny") == 0);
        CHECK(strcmp(meta.currency, "USD") == 0);
        CHECK_INT(meta.seed, 9);
        CHECK(meta.complete);
        CHECK(meta.scenario_resolved != NULL);
        /* eve is excluded: no marginal value. */
        CHECK(isnan(f->marginal[3]));
        if (resamples == 0)
            CHECK(isnan(f->frequency[0]));
    } else
        fprintf(stderr, "%s", infl_error_message(&err));
    infl_select_result_free(f);
    infl_h5_meta_destroy(&meta);
    infl_error_destroy(&err);

    /* Not a run's file: read_summary says what it is. */
    infl_error_init(&err);
    infl_summary *sm = NULL;
    CHECK_INT(infl_h5_read_summary(path, &sm, &meta, &err), INFL_EFORMAT);
    CHECK(sm == NULL);
    CHECK_CONTAINS(infl_error_message(&err), "a select's results");
    CHECK_CONTAINS(infl_error_message(&err), "infl_h5_read_select");
    infl_error_destroy(&err);
    infl_select_result_free(r);
}

/* Copies src to dst byte for byte. */
static bool copy_file(const char *src, const char *dst)
{
    FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    bool ok = in && out;
    char buf[65536];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        ok = false;
    return ok;
}

typedef void (*edit_fn)(hid_t file);

static void delete_handle(hid_t file)
{
    CHECK(H5Ldelete(file, "select/roster/handle", H5P_DEFAULT) >= 0);
}

static void short_chosen(hid_t file)
{
    CHECK(H5Ldelete(file, "select/roster/chosen", H5P_DEFAULT) >= 0);
    hsize_t n = 2;
    unsigned char v[2] = {1, 0};
    hid_t s = H5Screate_simple(1, &n, NULL);
    hid_t d = H5Dcreate2(file, "select/roster/chosen", H5T_STD_U8LE, s, H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT);
    CHECK(d >= 0 && H5Dwrite(d, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Dclose(d);
    H5Sclose(s);
}

static void value_as_array(hid_t file)
{
    hid_t g = H5Gopen2(file, "select", H5P_DEFAULT);
    CHECK(H5Adelete(g, "value") >= 0);
    hsize_t n = 3;
    double v[3] = {1, 2, 3};
    hid_t s = H5Screate_simple(1, &n, NULL);
    hid_t a = H5Acreate2(g, "value", H5T_IEEE_F64LE, s, H5P_DEFAULT, H5P_DEFAULT);
    CHECK(a >= 0 && H5Awrite(a, H5T_NATIVE_DOUBLE, v) >= 0);
    H5Aclose(a);
    H5Sclose(s);
    H5Gclose(g);
}

static void kind_run(hid_t file)
{
    CHECK(H5Adelete(file, "kind") >= 0);
}

/* A copy of good edited by edit fails to read with a message holding each of words. */
static void test_damaged(const char *good, const char *dir, const char *name, edit_fn edit,
                         const char *w1, const char *w2)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.h5", dir, name);
    CHECK(copy_file(good, path));
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    CHECK(file >= 0);
    if (file < 0)
        return;
    edit(file);
    H5Fclose(file);
    infl_select_result *f = (infl_select_result *)1;
    infl_h5_meta meta;
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl_h5_read_select(path, &f, &meta, &err), INFL_EFORMAT);
    CHECK(f == NULL);
    CHECK(meta.scenario_name == NULL);
    CHECK_CONTAINS(infl_error_message(&err), path);
    CHECK_CONTAINS(infl_error_message(&err), w1);
    CHECK_CONTAINS(infl_error_message(&err), w2);
    infl_error_destroy(&err);
    unlink(path);
}

int main(void)
{
    infl_scenario *sc = NULL;
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl_scenario_load_text(SCENARIO, strlen(SCENARIO), "tiny.yaml", NULL, 0, &sc, &err),
              INFL_OK);
    char dir[] = "/tmp/influsim-test-h5-select-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    if (sc != NULL) {
        infl_h5_process_init();
        char path[512];
        snprintf(path, sizeof path, "%s/profit.h5", dir);
        test_round_trip(sc, path, "profit", 0);
        unlink(path);
        snprintf(path, sizeof path, "%s/mean.h5", dir);
        test_round_trip(sc, path, "mean", 20);
        /* Edited copies of the last file. */
        test_damaged(path, dir, "no-handle", delete_handle, "/select/roster/handle", "missing");
        test_damaged(path, dir, "short-chosen", short_chosen, "/select/roster/chosen: has 2",
                     "/select/roster/handle has 4");
        test_damaged(path, dir, "value-array", value_as_array, "/select: attribute 'value'",
                     "single value");
        test_damaged(path, dir, "kind-run", kind_run, "a run's results", "not a select's");
        unlink(path);
    } else
        fprintf(stderr, "%s", infl_error_message(&err));
    rmdir(dir);
    infl_scenario_free(sc);
    infl_error_destroy(&err);
    return check_exit();
}
