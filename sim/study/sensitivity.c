/*
 * sensitivity.c — a scenario run over a design of its factors, and the
 * indices of every output on every factor (influsim/sensitivity.h).
 *
 * Every evaluation is the loaded scenario derived with one override per
 * factor (only those away from their base value, so the base run is the
 * scenario itself) and run with its own trials and seed: the design's points
 * differ only in their factors, never in their random numbers (common random
 * numbers), which is what lets a few hundred trials per point separate
 * factors at all. The estimators (sobol.c, morris.c) see only the vector of
 * evaluations; the Monte Carlo noise of each evaluation is kept beside it, so
 * the result can say when the noise is a sizeable share of the variance the
 * indices divide.
 */
#include "influsim/sensitivity.h"

#include "base/fmath.h"

#include "influsim/study.h"
#include "influsim/sweep.h"
#include "study/morris.h"
#include "study/sobol.h"
#include "base/threads.h"
#include "study/spread.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const method_names[] = {"tornado", "morris", "sobol"};
static const char *const output_names[INFL_SENS_N_OUTPUTS] = {"conversions_mean", "conversions_q10",
                                                              "profit_mean", "ltv_profit_mean"};
static const char *const decision_names[INFL_SENS_N_DECISIONS] = {"conversions_difference",
                                                                  "p_beats"};

const char *infl_sens_method_name(infl_sens_method m)
{
    return (unsigned)m < 3 ? method_names[m] : "?";
}

bool infl_sens_method_parse(const char *name, infl_sens_method *out)
{
    for (unsigned m = 0; m < 3; m++)
        if (strcmp(name, method_names[m]) == 0) {
            *out = (infl_sens_method)m;
            return true;
        }
    return false;
}

const char *infl_sens_output_name(infl_sens_output o)
{
    return (unsigned)o < INFL_SENS_N_OUTPUTS ? output_names[o] : "?";
}

const char *infl_sens_decision_name(infl_sens_decision d)
{
    return (unsigned)d < INFL_SENS_N_DECISIONS ? decision_names[d] : "?";
}

/* The options with their defaults filled in. */
static infl_sens_options with_defaults(const infl_sens_options *opt)
{
    infl_sens_options o = *opt;
    if (o.samples == 0)
        o.samples = o.method == INFL_SENS_SOBOL ? INFL_SENS_DEFAULT_SOBOL_SAMPLES
                                                : INFL_SENS_DEFAULT_MORRIS_TRAJECTORIES;
    if (o.levels == 0)
        o.levels = INFL_SENS_DEFAULT_LEVELS;
    if (o.bootstrap == 0)
        o.bootstrap = INFL_SENS_DEFAULT_BOOTSTRAP;
    if (o.confidence == 0)
        o.confidence = 0.95;
    return o;
}

size_t infl_sens_runs(const infl_sens_options *opt, size_t k)
{
    infl_sens_options o = with_defaults(opt);
    switch (o.method) {
    case INFL_SENS_TORNADO:
        return 1 + 2 * k;
    case INFL_SENS_MORRIS:
        return 1 + o.samples * (k + 1);
    case INFL_SENS_SOBOL:
        return 1 + o.samples * (k + 2);
    }
    return 0;
}

const char *infl_sens_target_name(const infl_sens_result *r, size_t t, char *buf, size_t size)
{
    size_t outputs = r->n_strategies * INFL_SENS_N_OUTPUTS;
    if (t < outputs)
        snprintf(buf, size, "%s/%s", r->strategy_names[t / INFL_SENS_N_OUTPUTS],
                 output_names[t % INFL_SENS_N_OUTPUTS]);
    else
        snprintf(buf, size, "decision/%s", decision_names[(t - outputs) % INFL_SENS_N_DECISIONS]);
    return buf;
}

/* --- the growing list of evaluations ------------------------------------ */

/* Appends a run with unit coordinates u (n_factors of them; NaN: at base) to
 * r's design, its values computed from them. Returns the run's index, or
 * (size_t)-1 when out of memory. */
static size_t add_run(infl_sens_result *r, size_t *cap, const double *u)
{
    const size_t k = r->n_factors;
    if (r->n_runs == *cap) {
        size_t grown = *cap ? 2 * *cap : 64;
        double *unit = realloc(r->unit, grown * k * sizeof *unit);
        if (unit == NULL)
            return (size_t)-1;
        r->unit = unit;
        double *values = realloc(r->values, grown * k * sizeof *values);
        if (values == NULL)
            return (size_t)-1;
        r->values = values;
        double *targets = realloc(r->targets, grown * r->n_targets * sizeof *targets);
        if (targets == NULL)
            return (size_t)-1;
        r->targets = targets;
        size_t *best = realloc(r->best, grown * sizeof *best);
        if (best == NULL)
            return (size_t)-1;
        r->best = best;
        double *noise = realloc(r->run_noise, grown * r->n_targets * sizeof *noise);
        if (noise == NULL)
            return (size_t)-1;
        r->run_noise = noise;
        *cap = grown;
    }
    size_t run = r->n_runs++;
    for (size_t f = 0; f < k; f++) {
        r->unit[run * k + f] = u[f];
        r->values[run * k + f] =
            isnan(u[f]) ? r->factors[f].base : infl_factor_value(&r->factors[f], u[f]);
    }
    return run;
}

/* --- one evaluation ----------------------------------------------------- */

/* What one evaluation leaves beside its targets: each target's noise variance. */
typedef struct {
    const infl_scenario *base;
    const infl_sens_options *opt;
    size_t i_conversions, i_profit, i_ltv_profit; /* metric indices */
    unsigned threads;                             /* the study's */
    size_t done, total;
} evaluator;

/* The standard error of the p-quantile of n sorted values, from the
 * distribution-free interval between the order statistics of ranks
 * n p -/+ 1.96 sqrt(n p (1 - p)), as if that interval were normal. */
static double quantile_se(const double *sorted, size_t n, double p)
{
    if (n < 2)
        return NAN;
    const double z = 1.959963984540054, h = z * sqrt((double)n * p * (1 - p));
    double lo = floor((double)n * p - h), hi = ceil((double)n * p + h);
    if (lo < 0)
        lo = 0;
    if (hi > (double)(n - 1))
        hi = (double)(n - 1);
    return (sorted[(size_t)hi] - sorted[(size_t)lo]) / (2 * z);
}

/* The level index of the 10 % quantile in infl_stat's q. */
static size_t q10_level(void)
{
    for (size_t i = 0; i < INFL_N_QUANTILES; i++)
        if (infl_quantile_levels[i] == 0.10)
            return i;
    return 2;
}

/* Derives run `run` of r, its factors away from base, into *sc (owned). */
static infl_status derive_run(const evaluator *ev, const infl_sens_result *r, size_t run,
                              infl_scenario **sc, infl_error *err)
{
    *sc = NULL;
    const size_t k = r->n_factors;
    char(*over)[512] = calloc(k ? k : 1, sizeof *over);
    const char **sets = calloc(k ? k : 1, sizeof *sets);
    if (over == NULL || sets == NULL) {
        free(over);
        free(sets);
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    }
    size_t n_sets = 0;
    infl_status rc = INFL_OK;
    for (size_t f = 0; f < k && rc == INFL_OK; f++) {
        double v = r->values[run * k + f];
        if (v == r->factors[f].base)
            continue;
        if (!infl_factor_override(&r->factors[f], v, over[n_sets], sizeof over[n_sets]))
            rc = infl_error_add(err, INFL_EARG, "factor %s: key too long", r->factors[f].key);
        sets[n_sets] = over[n_sets];
        n_sets++;
    }
    if (rc == INFL_OK && (rc = infl_scenario_derive(ev->base, sets, n_sets, sc, err)) != INFL_OK)
        /* Name the point: its first overrides are usually enough to find it. */
        infl_error_add(err, rc, "at the design point %zu (%s%s%s)", run,
                       n_sets ? sets[0] : "the base", n_sets > 1 ? ", " : "",
                       n_sets > 1 ? sets[1] : "");
    free(over);
    free(sets);
    return rc;
}

/* Evaluates run `run` of r: derives the scenario with its factors away from
 * base, runs it (on `threads` threads, split across cl's ranks unless NULL),
 * and writes the targets, the leader and the noise. */
static infl_status evaluate(evaluator *ev, infl_sens_result *r, size_t run, unsigned threads,
                            const infl_cluster *cl, infl_error *err)
{
    infl_scenario *sc = NULL;
    infl_trials *tr = NULL;
    infl_summary *sm = NULL;
    infl_run_stats stats = {0};
    infl_status rc = derive_run(ev, r, run, &sc, err);
    if (rc != INFL_OK)
        goto done;
    rc = infl_study_trials(sc, threads, cl, &tr, &stats, err);
    if (rc != INFL_OK)
        goto done;
    if (ev->i_conversions == (size_t)-1) {
        /* The metrics' places, from the first run (the same at every point:
         * factors change numbers, never the scenario's shape). */
        ev->i_conversions = infl_trials_metric_index(tr, "conversions");
        ev->i_profit = infl_trials_metric_index(tr, "profit");
        ev->i_ltv_profit = infl_trials_metric_index(tr, "ltv_profit");
        if (ev->i_ltv_profit == (size_t)-1) /* nobody reorders: lifetime is first orders */
            ev->i_ltv_profit = ev->i_profit;
        if (ev->i_conversions == (size_t)-1 || ev->i_profit == (size_t)-1) {
            rc = infl_error_add(err, INFL_EINTERNAL, "a run without conversions or profit");
            goto done;
        }
    }
    const uint64_t n = tr->n_trials;
    /* The summary sorts every column in place (results.h): the conversions
     * (never NaN) are then in order for the 10 % quantile's interval. */
    rc = infl_summary_compute_inplace(tr, stats.threads, &sm, err);
    if (rc != INFL_OK)
        goto done;
    const size_t ns = r->n_strategies, q10 = q10_level();
    double *y = r->targets + run * r->n_targets, *noise = r->run_noise + run * r->n_targets;
    for (size_t s = 0; s < ns; s++) {
        const infl_stat *c = &sm->stats[s * sm->n_metrics + ev->i_conversions],
                        *p = &sm->stats[s * sm->n_metrics + ev->i_profit],
                        *l = &sm->stats[s * sm->n_metrics + ev->i_ltv_profit];
        double *ys = y + s * INFL_SENS_N_OUTPUTS, *vs = noise + s * INFL_SENS_N_OUTPUTS;
        ys[INFL_SENS_CONVERSIONS_MEAN] = c->mean;
        vs[INFL_SENS_CONVERSIONS_MEAN] = c->se * c->se;
        ys[INFL_SENS_CONVERSIONS_Q10] = c->q[q10];
        const double q10_se = quantile_se(infl_trials_column(tr, s, ev->i_conversions), n, 0.10);
        vs[INFL_SENS_CONVERSIONS_Q10] = q10_se * q10_se;
        ys[INFL_SENS_PROFIT_MEAN] = p->mean;
        vs[INFL_SENS_PROFIT_MEAN] = p->se * p->se;
        ys[INFL_SENS_LTV_PROFIT_MEAN] = l->mean;
        vs[INFL_SENS_LTV_PROFIT_MEAN] = l->se * l->se;
    }
    const size_t ab = r->compare_a * ns + r->compare_b, d0 = ns * INFL_SENS_N_OUTPUTS;
    const double pb = sm->p_greater[ab];
    y[d0 + INFL_SENS_DIFFERENCE] = sm->mean_difference[ab];
    noise[d0 + INFL_SENS_DIFFERENCE] = sm->se_difference[ab] * sm->se_difference[ab];
    y[d0 + INFL_SENS_P_BEATS] = pb;
    noise[d0 + INFL_SENS_P_BEATS] = pb * (1 - pb) / (double)n;
    r->best[run] = infl_sweep_best_strategy(sm, false);
    /* One thread at a time: the count and the caller's callback. */
#pragma omp critical(infl_sens_progress)
    {
        ev->done++;
        if (ev->opt->progress != NULL)
            ev->opt->progress(ev->opt->user, ev->done, ev->total);
    }
done:
    infl_summary_free(sm);
    infl_trials_free(tr);
    infl_scenario_free(sc);
    return rc;
}

/* Evaluates the n runs of r listed in runs[] (already in its design), and
 * notes the lowest failing run in *failed, whichever thread met it; a run
 * above a failure already noted is not started (it would not be reported).
 * With at least as many runs as threads, the runs are spread over the
 * threads, each on one thread of its own: a study's runs are many and small,
 * and a run of a few thousand trials keeps two threads busy for less time
 * than it takes to start them. Each run's numbers depend only on its
 * scenario, so the result is the same for any thread count. */
static void evaluate_list(evaluator *ev, infl_sens_result *r, const size_t *runs, size_t n,
                          infl__spread_failure *failed)
{
    const unsigned threads = ev->threads;
    if (threads <= 1 || n < threads) {
        for (size_t i = 0; i < n; i++) {
            if (runs[i] > failed->run)
                continue;
            infl_error own;
            infl_error_init(&own);
            infl_status rc = evaluate(ev, r, runs[i], threads, NULL, &own);
            if (rc != INFL_OK)
                infl__spread_failure_note(failed, runs[i], rc, &own);
            infl_error_destroy(&own);
        }
        return;
    }
#pragma omp parallel for schedule(dynamic, 1) num_threads((int)threads)
    for (size_t i = 0; i < n; i++) {
        size_t lowest;
#pragma omp critical(infl_sens_failure)
        lowest = failed->run;
        if (runs[i] > lowest)
            continue;
        infl_error own;
        infl_error_init(&own);
        infl_status rc = evaluate(ev, r, runs[i], 1, NULL, &own);
        if (rc != INFL_OK) {
#pragma omp critical(infl_sens_failure)
            infl__spread_failure_note(failed, runs[i], rc, &own);
        }
        infl_error_destroy(&own);
    }
}

/* Where another rank's numbers of a batch's runs go. */
typedef struct {
    evaluator *ev;
    infl_sens_result *r;
    size_t first; /* the batch's first run: the exchange counts from it */
} spread_ctx;

/* An infl__spread_get_fn: another rank's numbers of one run. */
static bool get_run(void *user, size_t offset, infl__wire *w)
{
    spread_ctx *c = user;
    infl_sens_result *r = c->r;
    const size_t nt = r->n_targets, run = c->first + offset;
    uint64_t best = 0;
    bool ok = infl__wire_get_f64s(w, r->targets + run * nt, nt) &&
              infl__wire_get_f64s(w, r->run_noise + run * nt, nt) && infl__wire_get_u64(w, &best) &&
              best < r->n_strategies;
    r->best[run] = (size_t)best;
    if (ok) {
        c->ev->done++;
        if (c->ev->opt->progress != NULL)
            c->ev->opt->progress(c->ev->opt->user, c->ev->done, c->ev->total);
    }
    return ok;
}

/* Runs [first, first + n) dealt to the ranks of the study's cluster, the
 * costliest first, each run whole on its rank; then every rank holds every
 * run's numbers and *failed the lowest failure of all. runs[] (n long) is
 * the caller's scratch. */
static infl_status evaluate_spread(evaluator *ev, infl_sens_result *r, size_t first, size_t n,
                                   size_t *runs, infl__spread_failure *failed, infl_error *err)
{
    const infl_cluster *cl = ev->opt->cluster;
    double *cost = calloc(n ? n : 1, sizeof *cost);
    int *owner = calloc(n ? n : 1, sizeof *owner);
    size_t *order = calloc(n ? n : 1, sizeof *order);
    infl__wire mine;
    infl__wire_init(&mine);
    /* A rank out of memory still takes part in the exchange (the others
     * wait for it), with nothing, which every rank then fails to decode. */
    bool ok = cost != NULL && owner != NULL && order != NULL;
    size_t n_ok = n, n_mine = 0, n_sent = 0;
    for (size_t i = 0; ok && i < n; i++) {
        infl_scenario *sc = NULL;
        infl_error bad;
        infl_error_init(&bad);
        infl_status st = derive_run(ev, r, first + i, &sc, &bad);
        if (st == INFL_OK)
            cost[i] = infl__spread_cost(sc);
        else /* every rank meets it alike, before anything runs */
            infl__spread_failure_note(failed, first + i, st, &bad);
        infl_error_destroy(&bad);
        infl_scenario_free(sc);
        if (st != INFL_OK) {
            n_ok = i;
            break;
        }
    }
    if (ok) {
        infl__spread_assign(cost, n_ok, cl->size, owner, order);
        for (size_t k = 0; k < n_ok; k++)
            if (owner[order[k]] == cl->rank)
                runs[n_mine++] = first + order[k];
        evaluate_list(ev, r, runs, n_mine, failed);
        const size_t nt = r->n_targets;
        for (size_t i = 0; ok && i < n_mine; i++) {
            if (runs[i] >= failed->run)
                continue; /* failed, or not run: nothing to send */
            ok = infl__wire_put_u64(&mine, runs[i] - first) &&
                 infl__wire_put_f64s(&mine, r->targets + runs[i] * nt, nt) &&
                 infl__wire_put_f64s(&mine, r->run_noise + runs[i] * nt, nt) &&
                 infl__wire_put_u64(&mine, r->best[runs[i]]);
            n_sent++;
        }
    }
    if (!ok || mine.bad) /* a run said, none sent: every other rank fails to decode */
        mine.len = 0, n_sent = 1;
    spread_ctx ctx = {.ev = ev, .r = r, .first = first};
    infl_status rc = infl__spread_exchange(cl, n_ok, &mine, n_sent, failed, get_run, &ctx, err);
    if (rc == INFL_OK && (!ok || mine.bad))
        rc = infl_error_add(err, INFL_ENOMEM, "out of memory sending the design's runs");
    infl__wire_destroy(&mine);
    free(cost);
    free(owner);
    free(order);
    return rc;
}

/* Evaluates runs [first, first + n) of r, already in its design: on this
 * process's threads, or dealt to the ranks of a cluster. The failure
 * reported is the first in run order, wherever it was met. */
static infl_status evaluate_batch(evaluator *ev, infl_sens_result *r, size_t first, size_t n,
                                  infl_error *err)
{
    size_t *runs = malloc((n ? n : 1) * sizeof *runs);
    if (runs == NULL)
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    infl__spread_failure failed;
    infl__spread_failure_init(&failed);
    infl_status rc = INFL_OK;
    const infl_cluster *cl = ev->opt->cluster;
    if (cl != NULL && cl->size > 1) {
        rc = evaluate_spread(ev, r, first, n, runs, &failed, err);
    } else {
        for (size_t i = 0; i < n; i++)
            runs[i] = first + i;
        evaluate_list(ev, r, runs, n, &failed);
    }
    if (rc == INFL_OK && failed.run != (size_t)-1) {
        infl_error_merge(err, &failed.err);
        rc = failed.status;
    }
    infl__spread_failure_destroy(&failed);
    free(runs);
    return rc;
}

/* --- the designs -------------------------------------------------------- */

/* The base point's unit coordinate of factor f, or NaN if base lies outside
 * the factor's range. */
static double base_unit(const infl_factor *f)
{
    double u = f->scale == INFL_FACTOR_LOG
                   ? infl__fmath_log(f->base / f->lo) / infl__fmath_log(f->hi / f->lo)
                   : (f->base - f->lo) / (f->hi - f->lo);
    return u >= 0 && u <= 1 ? u : NAN;
}

/* The sign of the compared pair's difference at a run (0: a tie). */
static int pair_sign(const infl_sens_result *r, size_t run)
{
    double d = r->targets[run * r->n_targets + r->n_strategies * INFL_SENS_N_OUTPUTS +
                          INFL_SENS_DIFFERENCE];
    return (d > 0) - (d < 0);
}

/* Bisects factor f's unit interval [u1, u2], whose end u1 (run r1) and end
 * u2 have opposite pair signs, for INFL_SENS_FLIP_STEPS evaluations (fewer once an
 * integer factor's bracket cannot shrink), and records the flip. */
static infl_status bisect_flip(evaluator *ev, infl_sens_result *r, size_t *cap, size_t f, double u1,
                               size_t r1, double u2, infl_error *err)
{
    const infl_factor *fac = &r->factors[f];
    const int s1 = pair_sign(r, r1);
    double u[r->n_factors];
    for (size_t i = 0; i < r->n_factors; i++)
        u[i] = NAN;
    for (int step = 0; step < INFL_SENS_FLIP_STEPS; step++) {
        double mid = 0.5 * (u1 + u2);
        double vm = infl_factor_value(fac, mid);
        if (vm == infl_factor_value(fac, u1) || vm == infl_factor_value(fac, u2))
            break;
        u[f] = mid;
        ev->total++;
        size_t run = add_run(r, cap, u);
        if (run == (size_t)-1)
            return infl_error_add(err, INFL_ENOMEM, "out of memory");
        infl_status rc = evaluate(ev, r, run, ev->threads, ev->opt->cluster, err);
        if (rc != INFL_OK)
            return rc;
        int sm = pair_sign(r, run);
        if (sm == s1 || sm == 0) {
            u1 = mid;
            r1 = run;
        } else {
            u2 = mid;
        }
    }
    infl_sens_flip *more = realloc(r->flips, (r->n_flips + 1) * sizeof *more);
    if (more == NULL)
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    r->flips = more;
    const double at = infl_factor_value(fac, 0.5 * (u1 + u2));
    const bool a_first = s1 > 0;
    r->flips[r->n_flips++] = (infl_sens_flip){
        .factor = f,
        .at = at,
        .lower = infl_factor_value(fac, u1),
        .upper = infl_factor_value(fac, u2),
        .from = a_first ? r->compare_a : r->compare_b,
        .to = a_first ? r->compare_b : r->compare_a,
    };
    return INFL_OK;
}

/* The tornado: each factor at its two ends, then, where the pair's sign
 * differs between neighbouring points (low end, base, high end), where. */
static infl_status run_tornado(evaluator *ev, infl_sens_result *r, size_t *cap, infl_error *err)
{
    const size_t k = r->n_factors;
    double u[k];
    for (size_t f = 0; f < k; f++)
        u[f] = NAN;
    for (size_t f = 0; f < k; f++)
        for (int end = 0; end <= 1; end++) {
            u[f] = end;
            if (add_run(r, cap, u) == (size_t)-1)
                return infl_error_add(err, INFL_ENOMEM, "out of memory");
            u[f] = NAN;
        }
    infl_status rc = evaluate_batch(ev, r, 1, 2 * k, err);
    if (rc != INFL_OK)
        return rc;
    for (size_t f = 0; f < k; f++) {
        const size_t lo = 1 + 2 * f, hi = 2 + 2 * f;
        const double ub = base_unit(&r->factors[f]);
        /* The points in the order of the factor's values: low, base, high. */
        double pu[3];
        size_t pr[3], n = 0;
        pu[n] = 0, pr[n++] = lo;
        if (!isnan(ub) && ub > 0 && ub < 1)
            pu[n] = ub, pr[n++] = 0;
        pu[n] = 1, pr[n++] = hi;
        for (size_t i = 0; i + 1 < n; i++) {
            int a = pair_sign(r, pr[i]), b = pair_sign(r, pr[i + 1]);
            if (a * b < 0) {
                rc = bisect_flip(ev, r, cap, f, pu[i], pr[i], pu[i + 1], err);
                if (rc != INFL_OK)
                    return rc;
            }
        }
    }
    for (size_t f = 0; f < k; f++)
        for (size_t t = 0; t < r->n_targets; t++) {
            infl_sens_index *x = &r->indices[f * r->n_targets + t];
            x->at_lo = r->targets[(1 + 2 * f) * r->n_targets + t];
            x->at_hi = r->targets[(2 + 2 * f) * r->n_targets + t];
            x->swing = fabs(x->at_hi - x->at_lo);
        }
    return INFL_OK;
}

/* Adds the n rows of a unit design x (n rows of k) to the design and evaluates them. */
static infl_status run_rows(evaluator *ev, infl_sens_result *r, size_t *cap, const double *x,
                            size_t n, infl_error *err)
{
    const size_t first = r->n_runs;
    for (size_t i = 0; i < n; i++)
        if (add_run(r, cap, x + i * r->n_factors) == (size_t)-1)
            return infl_error_add(err, INFL_ENOMEM, "out of memory");
    return evaluate_batch(ev, r, first, n, err);
}

/* Target t's values over runs [first, first + n) into y. */
static void column(const infl_sens_result *r, size_t t, size_t first, size_t n, double *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = r->targets[(first + i) * r->n_targets + t];
}

static infl_status run_morris(evaluator *ev, infl_sens_result *r, size_t *cap, infl_error *err)
{
    const size_t k = r->n_factors, rt = r->samples, points = rt * (k + 1);
    double *x = malloc(points * k * sizeof *x), *y = malloc(points * sizeof *y);
    size_t *changed = malloc(rt * k * sizeof *changed);
    infl__morris_index *mx = malloc(k * sizeof *mx);
    infl_status rc = INFL_OK;
    if (x == NULL || y == NULL || changed == NULL || mx == NULL) {
        rc = infl_error_add(err, INFL_ENOMEM, "out of memory for the Morris design");
        goto done;
    }
    rc = infl__morris_design(rt, k, r->levels, r->seed, x, changed, err);
    if (rc == INFL_OK)
        rc = run_rows(ev, r, cap, x, points, err);
    for (size_t t = 0; rc == INFL_OK && t < r->n_targets; t++) {
        column(r, t, 1, points, y);
        rc = infl__morris_effects_threads(rt, k, x, changed, y, r->bootstrap, r->confidence,
                                          r->seed, r->threads, mx, err);
        for (size_t f = 0; rc == INFL_OK && f < k; f++) {
            infl_sens_index *o = &r->indices[f * r->n_targets + t];
            o->mu = mx[f].mu;
            o->sigma = mx[f].sigma;
            o->mu_star = (infl_sens_interval){mx[f].mu_star, mx[f].mu_star_lo, mx[f].mu_star_hi};
        }
    }
done:
    free(x);
    free(y);
    free(changed);
    free(mx);
    return rc;
}

static infl_status run_sobol(evaluator *ev, infl_sens_result *r, size_t *cap, infl_error *err)
{
    const size_t k = r->n_factors, n = r->samples;
    double *a = malloc(n * k * sizeof *a), *b = malloc(n * k * sizeof *b),
           *ab = malloc(n * k * sizeof *ab), *fa = malloc(n * sizeof *fa),
           *fb = malloc(n * sizeof *fb), *fab = malloc(n * k * sizeof *fab);
    infl__sobol_index *sx = malloc(k * sizeof *sx);
    infl_status rc = INFL_OK;
    if (!a || !b || !ab || !fa || !fb || !fab || !sx) {
        rc = infl_error_add(err, INFL_ENOMEM, "out of memory for the Sobol design");
        goto done;
    }
    rc = infl__sobol_design(n, k, a, b, err);
    if (rc == INFL_OK)
        rc = run_rows(ev, r, cap, a, n, err);
    if (rc == INFL_OK)
        rc = run_rows(ev, r, cap, b, n, err);
    /* AB_i: A with column i from B, for each i in turn. */
    for (size_t i = 0; rc == INFL_OK && i < k; i++) {
        memcpy(ab, a, n * k * sizeof *ab);
        for (size_t j = 0; j < n; j++)
            ab[j * k + i] = b[j * k + i];
        rc = run_rows(ev, r, cap, ab, n, err);
    }
    for (size_t t = 0; rc == INFL_OK && t < r->n_targets; t++) {
        column(r, t, 1, n, fa);
        column(r, t, 1 + n, n, fb);
        for (size_t i = 0; i < k; i++)
            column(r, t, 1 + (2 + i) * n, n, fab + i * n);
        rc = infl__sobol_indices_threads(n, k, fa, fb, fab, r->bootstrap, r->confidence, r->seed,
                                         r->threads, sx, err);
        for (size_t f = 0; rc == INFL_OK && f < k; f++) {
            infl_sens_index *o = &r->indices[f * r->n_targets + t];
            o->s1 = (infl_sens_interval){sx[f].s1, sx[f].s1_lo, sx[f].s1_hi};
            o->st = (infl_sens_interval){sx[f].st, sx[f].st_lo, sx[f].st_hi};
        }
    }
done:
    free(a);
    free(b);
    free(ab);
    free(fa);
    free(fb);
    free(fab);
    free(sx);
    return rc;
}

/* --- the study ---------------------------------------------------------- */

static infl_status check_options(const infl_scenario *base, size_t n_factors,
                                 const infl_sens_options *o, infl_error *err)
{
    const size_t ns = infl_scenario_strategy_count(base);
    if (n_factors == 0)
        return infl_error_add(err, INFL_EARG,
                              "sensitivity needs factors: --factor KEY=LO:HI or --factors "
                              "assumptions");
    if (ns < 2)
        return infl_error_add(err, INFL_EARG,
                              "sensitivity compares strategies: the scenario has %zu", ns);
    if (o->compare_a >= ns || o->compare_b >= ns || o->compare_a == o->compare_b)
        return infl_error_add(err, INFL_EARG,
                              "--compare: two different strategies of the scenario");
    if ((unsigned)o->method > INFL_SENS_SOBOL)
        return infl_error_add(err, INFL_EARG, "--method: tornado, morris or sobol");
    if (o->method == INFL_SENS_SOBOL && n_factors > INFL__SOBOL_MAX_FACTORS)
        return infl_error_add(err, INFL_EARG,
                              "--method sobol: at most %d factors (got %zu): GSL's Sobol sequence "
                              "has %d dimensions and the design needs 2 per factor; screen them "
                              "with --method morris first and pass the ones that matter with "
                              "--factor",
                              INFL__SOBOL_MAX_FACTORS, n_factors, 2 * INFL__SOBOL_MAX_FACTORS);
    if (o->method == INFL_SENS_SOBOL && (o->samples < 8 || o->samples > (1u << 20)))
        return infl_error_add(err, INFL_EARG, "--samples: from 8 to %u for Sobol (got %zu)",
                              1u << 20, o->samples);
    if (o->method == INFL_SENS_MORRIS && (o->samples < 2 || o->samples > 100000))
        return infl_error_add(err, INFL_EARG,
                              "--samples: from 2 to 100000 Morris trajectories (got %zu)",
                              o->samples);
    if (o->method == INFL_SENS_MORRIS && (o->levels < 2 || o->levels % 2 || o->levels > 64))
        return infl_error_add(err, INFL_EARG, "--levels: an even number from 2 to 64 (got %zu)",
                              o->levels);
    if (o->bootstrap > 100000)
        return infl_error_add(err, INFL_EARG, "--bootstrap: at most 100000 replicates (got %zu)",
                              o->bootstrap);
    if (!(o->confidence > 0 && o->confidence < 1))
        return infl_error_add(err, INFL_EARG, "--confidence: a level between 0 and 1 (got %g)",
                              o->confidence);
    return INFL_OK;
}

infl_status infl_sens_check(const infl_scenario *base, const infl_factor *factors, size_t n_factors,
                            const infl_sens_options *opt, infl_error *err)
{
    (void)factors;
    const infl_sens_options o = with_defaults(opt);
    return check_options(base, n_factors, &o, err);
}

/* Deep copies of the factors' strings, so the result outlives the list. */
static bool copy_factors(infl_sens_result *r, const infl_factor *factors, size_t n)
{
    r->factors = calloc(n, sizeof *r->factors);
    if (r->factors == NULL)
        return false;
    r->n_factors = n;
    for (size_t f = 0; f < n; f++) {
        r->factors[f] = factors[f];
        r->factors[f].key = strdup(factors[f].key);
        r->factors[f].label = strdup(factors[f].label ? factors[f].label : factors[f].key);
        if (r->factors[f].key == NULL || r->factors[f].label == NULL)
            return false;
    }
    return true;
}

/* The noise against the design's variance, per target. */
static void noise_ratio(infl_sens_result *r, size_t first, size_t last)
{
    const size_t n = last - first;
    for (size_t t = 0; t < r->n_targets; t++) {
        /* Every run's own noise, summed in run order whatever the threads. */
        double noise = 0;
        for (size_t run = 0; run < r->n_runs; run++) {
            double v = r->run_noise[run * r->n_targets + t];
            noise += isfinite(v) ? v : 0.0;
        }
        double mean = 0, var = 0;
        bool constant = true;
        for (size_t i = 0; i < n; i++) {
            mean += r->targets[(first + i) * r->n_targets + t];
            constant &=
                r->targets[(first + i) * r->n_targets + t] == r->targets[first * r->n_targets + t];
        }
        mean /= (double)n;
        if (constant)
            mean = r->targets[first * r->n_targets + t]; /* no rounding residue: variance 0 */
        for (size_t i = 0; i < n; i++) {
            double d = r->targets[(first + i) * r->n_targets + t] - mean;
            var += d * d;
        }
        var = n > 1 ? var / (double)(n - 1) : 0.0;
        r->noise[t] = noise / (double)r->n_runs;
        r->design[t] = var;
        r->trials_needed[t] = 0;
        if (var > 0 && r->noise[t] > INFL_SENS_NOISE_LIMIT * var) {
            /* The noise variance falls as 1 / trials. */
            double need = ceil((double)r->trials * r->noise[t] / (INFL_SENS_NOISE_LIMIT * var));
            r->trials_needed[t] = need < 1e18 ? (uint64_t)need : UINT64_MAX;
        }
    }
}

infl_status infl_sens_run(const infl_scenario *base, const infl_factor *factors, size_t n_factors,
                          const infl_sens_options *opt_in, infl_sens_result *r, infl_error *err)
{
    memset(r, 0, sizeof *r);
    const infl_sens_options opt = with_defaults(opt_in);
    infl_status rc = check_options(base, n_factors, &opt, err);
    if (rc != INFL_OK)
        return rc;
    const size_t ns = infl_scenario_strategy_count(base);
    r->method = opt.method;
    r->n_strategies = ns;
    r->compare_a = opt.compare_a;
    r->compare_b = opt.compare_b;
    r->n_targets = ns * INFL_SENS_N_OUTPUTS + INFL_SENS_N_DECISIONS;
    r->trials = infl_scenario_trials(base);
    r->seed = infl_scenario_seed(base);
    r->samples = opt.method == INFL_SENS_TORNADO ? 0 : opt.samples;
    r->levels = opt.method == INFL_SENS_MORRIS ? opt.levels : 0;
    r->bootstrap = opt.method == INFL_SENS_TORNADO ? 0 : opt.bootstrap;
    r->confidence = opt.confidence;
    r->strategy_names = calloc(ns, sizeof *r->strategy_names);
    r->indices = malloc(n_factors * r->n_targets * sizeof *r->indices);
    r->base = malloc(r->n_targets * sizeof *r->base);
    r->noise = malloc(r->n_targets * sizeof *r->noise);
    r->design = malloc(r->n_targets * sizeof *r->design);
    r->trials_needed = malloc(r->n_targets * sizeof *r->trials_needed);
    bool ok = r->strategy_names && r->indices && r->base && r->noise && r->design &&
              r->trials_needed && copy_factors(r, factors, n_factors);
    for (size_t s = 0; ok && s < ns; s++)
        ok = (r->strategy_names[s] = strdup(infl_scenario_strategy_name(base, s))) != NULL;
    if (!ok)
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    const double nan = NAN;
    for (size_t i = 0; i < n_factors * r->n_targets; i++)
        r->indices[i] = (infl_sens_index){
            nan, nan, nan, nan, nan, {nan, nan, nan}, {nan, nan, nan}, {nan, nan, nan}};

    evaluator ev = {.base = base,
                    .opt = &opt,
                    .i_conversions = (size_t)-1,
                    .threads = opt.threads ? opt.threads : infl__threads_default(),
                    .total = infl_sens_runs(&opt, n_factors)};
    r->threads = ev.threads;
    size_t cap = 0;
    double u[n_factors];
    for (size_t f = 0; f < n_factors; f++)
        u[f] = NAN;
    if (add_run(r, &cap, u) == (size_t)-1)
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    /* The base first, alone: it finds the metrics' places for the others. */
    rc = evaluate(&ev, r, 0, ev.threads, opt.cluster, err);
    if (rc == INFL_OK) {
        memcpy(r->base, r->targets, r->n_targets * sizeof *r->base);
        switch (opt.method) {
        case INFL_SENS_TORNADO:
            rc = run_tornado(&ev, r, &cap, err);
            break;
        case INFL_SENS_MORRIS:
            rc = run_morris(&ev, r, &cap, err);
            break;
        case INFL_SENS_SOBOL:
            rc = run_sobol(&ev, r, &cap, err);
            break;
        }
    }
    if (rc == INFL_OK) {
        /* The tornado's variance is across its one-at-a-time points (base
         * included, flip searches not); the others' across the design. */
        if (opt.method == INFL_SENS_TORNADO)
            noise_ratio(r, 0, 1 + 2 * n_factors);
        else
            noise_ratio(r, 1, r->n_runs);
    }
    return rc;
}

void infl_sens_result_destroy(infl_sens_result *r)
{
    if (r == NULL)
        return;
    for (size_t f = 0; r->factors != NULL && f < r->n_factors; f++) {
        free(r->factors[f].key);
        free(r->factors[f].label);
    }
    free(r->factors);
    infl_names_free(r->strategy_names, r->n_strategies);
    free(r->unit);
    free(r->values);
    free(r->targets);
    free(r->best);
    free(r->run_noise);
    free(r->base);
    free(r->indices);
    free(r->noise);
    free(r->design);
    free(r->trials_needed);
    free(r->flips);
    memset(r, 0, sizeof *r);
}
