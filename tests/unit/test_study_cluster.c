/*
 * A study's runs dealt to the ranks of a cluster (study/spread.c) give every
 * rank the results of one process, bit for bit: a sweep's points (1-D and
 * 2-D, kept and streaming, more ranks than points) and a sensitivity
 * study's design (the tornado, whose flips are single runs split across the
 * ranks, and Morris's batches), at 2 ranks x 2 threads, 3 x 1 and 7 x 2; and a
 * failing point (a bad scenario, a run that fails) reported as one process
 * reports it, the lowest point's, whichever rank met it. Ranks are threads
 * over fake_cluster.h's transport, so this runs under the sanitizers.
 */
#include "check.h"
#include "cluster_scenario.h"
#include "fake_cluster.h"
#include "influsim/factor.h"
#include "influsim/scenario.h"
#include "influsim/sensitivity.h"
#include "influsim/sweep.h"
#include "same_results.h"
#include "study/spread.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The cluster tests' scenario, smaller and with cheaper macro posts (so that
 * the sweeps' budgets hire some). */
static const char *const BASE_SETS[] = {"seed=7", "trials=1000",
                                        "tiers.macro.price.uniform.min=1500",
                                        "tiers.macro.price.uniform.max=2500"};
enum { N_BASE_SETS = 4 };

static infl_scenario *load(const char *const *sets, size_t n)
{
    const char *all[N_BASE_SETS + 4];
    for (size_t i = 0; i < N_BASE_SETS; i++)
        all[i] = BASE_SETS[i];
    for (size_t i = 0; i < n && i < 4; i++)
        all[N_BASE_SETS + i] = sets[i];
    infl_scenario *sc = NULL;
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl_scenario_load_text(CLUSTER_SCENARIO, strlen(CLUSTER_SCENARIO), "studies", all,
                                      N_BASE_SETS + (n < 4 ? n : 4), &sc, &err),
              INFL_OK);
    if (sc == NULL)
        fprintf(stderr, "%s", infl_error_message(&err));
    infl_error_destroy(&err);
    return sc;
}

/* The clusters each study is run on: ranks x threads per rank (7 ranks:
 * more than a sweep's points). */
static const int ranks[] = {2, 3, 7};
static const unsigned threads[] = {2, 1, 2};

/* --- the deal ------------------------------------------------------------ */

/* Largest first, each to the least loaded rank: 9, 7, 5, 3, 1 on 2 ranks
 * go 9 -> 0, 7 -> 1, 5 -> 1 (7 < 9), 3 -> 0 (9 < 12), 1 -> 0 (12 = 12: the
 * lower rank). */
static void test_assign(void)
{
    const double cost[] = {3, 9, 1, 7, 5};
    int owner[5];
    size_t order[5];
    infl__spread_assign(cost, 5, 2, owner, order);
    const size_t want_order[] = {1, 3, 4, 0, 2};
    const int want_owner[] = {0, 0, 0, 1, 1};
    for (int i = 0; i < 5; i++) {
        CHECK_INT(order[i], want_order[i]);
        CHECK_INT(owner[i], want_owner[i]);
    }
    /* Equal costs: round robin in index order. More ranks than runs: each
     * run on a rank of its own. */
    const double same[] = {1, 1, 1, 1};
    infl__spread_assign(same, 4, 3, owner, order);
    CHECK(owner[0] == 0 && owner[1] == 1 && owner[2] == 2 && owner[3] == 0);
    infl__spread_assign(same, 2, 7, owner, order);
    CHECK(owner[0] == 0 && owner[1] == 1);
}

/* --- sweeps -------------------------------------------------------------- */

typedef struct {
    size_t n;
    size_t points[64];
} visits;

static void visit(void *user, size_t point, const double *values, const infl_summary *sm)
{
    (void)values;
    (void)sm;
    visits *v = user;
    if (v->n < 64)
        v->points[v->n++] = point;
}

typedef struct {
    fake_rank me; /* first: fake_cluster_run fills it in */
    const infl_scenario *sc;
    const infl_sweep_axis *axes;
    size_t n_axes;
    infl_sweep_options opt;
    visits seen;
    infl_sweep_result result;
    infl_status rc;
    infl_error err;
} sweep_job;

static void *sweep_rank(void *arg)
{
    sweep_job *j = arg;
    j->opt.cluster = &j->me.cl;
    j->opt.point = visit;
    j->opt.user = &j->seen;
    j->rc = infl_sweep_run(j->sc, j->axes, j->n_axes, &j->opt, &j->result, &j->err);
    return NULL;
}

/* The sweep on one process, then on 2, 3 and 7 ranks x 1 and 2 threads:
 * every rank the same status, message, summaries and points visited. */
static void compare_sweep(const infl_scenario *sc, const infl_sweep_axis *axes, size_t n_axes,
                          bool no_trials, infl_status expect)
{
    infl_sweep_options opt = {.threads = 1, .no_trials = no_trials};
    visits ref_seen = {0};
    opt.point = visit;
    opt.user = &ref_seen;
    infl_sweep_result ref = {0};
    infl_error ref_err;
    infl_error_init(&ref_err);
    infl_status want = infl_sweep_run(sc, axes, n_axes, &opt, &ref, &ref_err);
    CHECK_INT(want, expect);
    for (size_t k = 0; k < 3; k++) {
        const unsigned t = threads[k];
        sweep_job jobs[FAKE_MAX_RANKS];
        for (int r = 0; r < ranks[k]; r++) {
            jobs[r] = (sweep_job){.sc = sc,
                                  .axes = axes,
                                  .n_axes = n_axes,
                                  .opt = {.threads = t, .no_trials = no_trials}};
            infl_error_init(&jobs[r].err);
        }
        fake_cluster_run(ranks[k], jobs, sizeof *jobs, sweep_rank);
        for (int r = 0; r < ranks[k]; r++) {
            sweep_job *j = &jobs[r];
            int ok = j->rc == want && j->seen.n == ref_seen.n &&
                     !memcmp(j->seen.points, ref_seen.points, ref_seen.n * sizeof(size_t)) &&
                     !strcmp(infl_error_message(&j->err), infl_error_message(&ref_err));
            for (size_t p = 0; ok && want == INFL_OK && p < ref.n_points; p++)
                ok = same_summary(ref.points[p], j->result.points[p]);
            if (!ok)
                fprintf(stderr,
                        "sweep (%zu axes, %s) on %d ranks x %u threads: rank %d "
                        "differs from one process: %s\n",
                        n_axes, no_trials ? "no_trials" : "kept", ranks[k], t, r,
                        infl_error_message(&j->err));
            CHECK(ok);
            infl_sweep_result_destroy(&j->result);
            infl_error_destroy(&j->err);
        }
    }
    infl_sweep_result_destroy(&ref);
    infl_error_destroy(&ref_err);
}

static void axis(const char *spec, infl_sweep_axis *a)
{
    CHECK_INT(infl_sweep_axis_parse("--vary", spec, a, NULL), INFL_OK);
}

static void test_sweeps(void)
{
    infl_scenario *sc = load(NULL, 0);
    if (sc == NULL)
        return;
    infl_sweep_axis a[2];
    /* Five points of rising cost: the costliest dealt first. */
    axis("budget=500:6000:5:log", &a[0]);
    compare_sweep(sc, a, 1, false, INFL_OK);
    compare_sweep(sc, a, 1, true, INFL_OK);
    axis("tiers.macro.reach_rate=0.1:0.3:3", &a[1]);
    compare_sweep(sc, a, 2, false, INFL_OK);
    infl_sweep_axis_destroy(&a[0]);
    infl_sweep_axis_destroy(&a[1]);
    /* The third point's scenario is bad (a share above 1): the first two
     * are visited, then the same message on every rank. */
    axis("tiers.nano.gifted_share=0.5:1.5:3", &a[0]);
    compare_sweep(sc, a, 1, false, INFL_EINVAL);
    infl_sweep_axis_destroy(&a[0]);
    infl_scenario_free(sc);
    /* Runs that fail (every trial's hires exceed what a trial may hold) at
     * the second and third points: the second's message. */
    const char *huge[] = {"tiers.nano.gifted_share=1", "trials=200"};
    sc = load(huge, 2);
    if (sc == NULL)
        return;
    axis("budget=3000:1e12:3", &a[0]);
    compare_sweep(sc, a, 1, false, INFL_ELIMIT);
    compare_sweep(sc, a, 1, true, INFL_ELIMIT);
    infl_sweep_axis_destroy(&a[0]);
    infl_scenario_free(sc);
}

/* --- sensitivity ---------------------------------------------------------- */

typedef struct {
    fake_rank me;
    const infl_scenario *sc;
    const infl_factor *factors;
    size_t k;
    infl_sens_options opt;
    infl_sens_result result;
    infl_status rc;
    infl_error err;
} sens_job;

static void *sens_rank(void *arg)
{
    sens_job *j = arg;
    j->opt.cluster = &j->me.cl;
    j->rc = infl_sens_run(j->sc, j->factors, j->k, &j->opt, &j->result, &j->err);
    return NULL;
}

/* Bit for bit, NaN included. */
static int same_doubles(const double *a, const double *b, size_t n)
{
    return n == 0 || (a != NULL && b != NULL && memcmp(a, b, n * sizeof *a) == 0);
}

static int same_sens(const infl_sens_result *a, const infl_sens_result *b)
{
    const size_t k = a->n_factors, nt = a->n_targets;
    return a->n_runs == b->n_runs && b->n_factors == k && b->n_targets == nt &&
           same_doubles(a->unit, b->unit, a->n_runs * k) &&
           same_doubles(a->values, b->values, a->n_runs * k) &&
           same_doubles(a->targets, b->targets, a->n_runs * nt) &&
           same_doubles(a->run_noise, b->run_noise, a->n_runs * nt) &&
           !memcmp(a->best, b->best, a->n_runs * sizeof *a->best) &&
           same_doubles(a->base, b->base, nt) &&
           !memcmp(a->indices, b->indices, k * nt * sizeof *a->indices);
}

static void compare_sens(const infl_scenario *sc, const infl_factor *factors, size_t k,
                         infl_sens_options opt)
{
    infl_sens_result ref = {0};
    infl_error ref_err;
    infl_error_init(&ref_err);
    opt.threads = 1;
    infl_status want = infl_sens_run(sc, factors, k, &opt, &ref, &ref_err);
    CHECK_INT(want, INFL_OK);
    for (size_t n = 0; n < 3; n++) {
        const unsigned t = threads[n];
        sens_job jobs[FAKE_MAX_RANKS];
        opt.threads = t;
        for (int r = 0; r < ranks[n]; r++) {
            jobs[r] = (sens_job){.sc = sc, .factors = factors, .k = k, .opt = opt};
            infl_error_init(&jobs[r].err);
        }
        fake_cluster_run(ranks[n], jobs, sizeof *jobs, sens_rank);
        for (int r = 0; r < ranks[n]; r++) {
            sens_job *j = &jobs[r];
            int ok = j->rc == want && want == INFL_OK && same_sens(&ref, &j->result);
            if (!ok)
                fprintf(stderr,
                        "sensitivity (method %d) on %d ranks x %u threads: rank %d "
                        "differs from one process: %s\n",
                        (int)opt.method, ranks[n], t, r, infl_error_message(&j->err));
            CHECK(ok);
            infl_sens_result_destroy(&j->result);
            infl_error_destroy(&j->err);
        }
    }
    infl_sens_result_destroy(&ref);
    infl_error_destroy(&ref_err);
}

static void test_sensitivity(void)
{
    const char *small[] = {"trials=400"};
    infl_scenario *sc = load(small, 1);
    if (sc == NULL)
        return;
    infl_factor_list list = {0};
    CHECK_INT(infl_factor_parse(sc, "budget=1000:4000", &list, NULL), INFL_OK);
    CHECK_INT(infl_factor_parse(sc, "tiers.macro.reach_rate=0.05:0.4", &list, NULL), INFL_OK);
    if (list.n == 2) {
        compare_sens(sc, list.items, list.n,
                     (infl_sens_options){.method = INFL_SENS_TORNADO, .compare_b = 1});
        compare_sens(
            sc, list.items, list.n,
            (infl_sens_options){
                .method = INFL_SENS_MORRIS, .samples = 3, .bootstrap = 50, .compare_b = 1});
    }
    infl_factor_list_destroy(&list);
    infl_scenario_free(sc);
}

int main(void)
{
    test_assign();
    test_sweeps();
    test_sensitivity();
    return check_exit();
}
