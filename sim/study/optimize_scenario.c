/*
 * optimize_scenario.c — the optimiser on a scenario (influsim/optimize.h):
 * the search's evaluations as runs derived from the scenario loaded once
 * (each split's objective metric, read by name, and its spend), and the
 * scenario that holds the optimum, where there is one, beside the
 * scenario's own strategies.
 */
#include "influsim/optimize.h"

#include "influsim/study.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the evaluations share, and what they count. */
typedef struct {
    const infl_scenario *base;
    const char *const *tiers;
    size_t n_tiers;
    const char *metric;
    unsigned threads;
    const infl_cluster *cluster;
    uint64_t n_trials, n_metrics;
    unsigned runs;
    uint64_t hires;
} eval_ctx;

/* Share vectors per engine run: as many as keep a run's per-trial values
 * (every metric of every strategy; 40 metrics assumed before the first run)
 * within about 512 MiB, at most INFL_OPTIMIZE_POINTS_PER_RUN. */
static size_t points_per_run(const eval_ctx *c)
{
    double per_point = (double)c->n_trials * (double)(c->n_metrics ? c->n_metrics : 40) * 8.0;
    double n = floor(512.0 * 1048576.0 / per_point);
    return n < 1 ? 1 : (size_t)fmin(n, INFL_OPTIMIZE_POINTS_PER_RUN);
}

/* The search's evaluation function (infl_optimize_eval_fn): each batch is one
 * run of the base with the batch's share vectors as its strategies. */
static infl_status evaluate(void *user, size_t n_points, const double *shares, double *values,
                            double *spend, infl_error *err)
{
    eval_ctx *c = user;
    const size_t k = c->n_tiers, per_run = points_per_run(c);
    for (size_t first = 0; first < n_points; first += per_run) {
        size_t m = n_points - first < per_run ? n_points - first : per_run;
        char names[INFL_OPTIMIZE_POINTS_PER_RUN][32];
        const char *name_of[INFL_OPTIMIZE_POINTS_PER_RUN];
        for (size_t p = 0; p < m; p++) {
            snprintf(names[p], sizeof names[p], "point-%zu", first + p);
            name_of[p] = names[p];
        }
        char *buf = infl_scenario_strategies_override(m, name_of, c->tiers, k, shares + first * k);
        if (buf == NULL)
            return infl_error_add(err, INFL_ENOMEM, "out of memory");
        const char *extra[1] = {buf};
        infl_scenario *sc = NULL;
        infl_status rc = infl_scenario_derive(c->base, extra, 1, &sc, err);
        free(buf);
        if (rc != INFL_OK)
            return rc;
        infl_trials *tr = NULL;
        infl_run_stats st = {0};
        rc = infl_study_trials(sc, c->threads, c->cluster, &tr, &st, err);
        infl_scenario_free(sc);
        c->runs++;
        c->hires += st.hires_simulated;
        if (rc != INFL_OK)
            return rc;
        const size_t metric = infl_trials_metric_index(tr, c->metric);
        const size_t spent = infl_trials_metric_index(tr, "spend");
        c->n_metrics = tr->n_metrics;
        if (metric == (size_t)-1 || spent == (size_t)-1) {
            infl_trials_free(tr);
            return infl_error_add(err, INFL_EARG,
                                  "--objective: the runs have no metric '%s' to optimise%s",
                                  metric == (size_t)-1 ? c->metric : "spend",
                                  metric == (size_t)-1 && !strncmp(c->metric, "ltv_", 4)
                                      ? " (this build does not model lifetime value)"
                                      : "");
        }
        for (size_t p = 0; p < m; p++) {
            memcpy(values + (first + p) * c->n_trials, infl_trials_column(tr, p, metric),
                   c->n_trials * sizeof *values);
            memcpy(spend + (first + p) * c->n_trials, infl_trials_column(tr, p, spent),
                   c->n_trials * sizeof *spend);
        }
        infl_trials_free(tr);
    }
    return INFL_OK;
}

infl_status infl_optimize_scenario_check_tiers(const infl_scenario *sc, const char *const *tiers,
                                               size_t n_tiers, infl_error *err)
{
    const size_t n = infl_scenario_tier_count(sc);
    for (size_t t = 0; t < n_tiers; t++) {
        size_t i = 0;
        while (i < n && strcmp(infl_scenario_tier_name(sc, i), tiers[t]) != 0)
            i++;
        if (i == n) {
            char known[512] = "";
            for (size_t j = 0; j < n; j++)
                snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", j ? ", " : "",
                         infl_scenario_tier_name(sc, j));
            return infl_error_add(err, INFL_EARG,
                                  "--tiers: no tier '%s' in the scenario (it has %s)", tiers[t],
                                  known);
        }
    }
    return INFL_OK;
}

/* "optimum", or the first of "optimum-2", "optimum-3", ... no strategy of base has. */
static void optimum_name(const infl_scenario *base, char *name, size_t size)
{
    snprintf(name, size, "optimum");
    const size_t n = infl_scenario_strategy_count(base);
    for (size_t s = 0, clash = 1; s < n; s++)
        if (!strcmp(infl_scenario_strategy_name(base, s), name)) {
            snprintf(name, size, "optimum-%zu", ++clash);
            s = (size_t)-1; /* check the new name against them all */
        }
}

/* The base's strategies and one more, `name`, with the optimum's shares of
 * the tiers searched (the others get nothing), as one override. NULL if out of memory. */
static char *with_optimum(const infl_scenario *base, const infl_optimize_scenario_options *opt,
                          const double *optimum, const char *name)
{
    const size_t n_strategies = infl_scenario_strategy_count(base);
    const size_t n_all = infl_scenario_tier_count(base);
    char *out = NULL;
    const char **all_tiers = calloc(n_all ? n_all : 1, sizeof *all_tiers);
    const char **names = calloc(n_strategies + 1, sizeof *names);
    double *shares = calloc((n_strategies + 1) * (n_all ? n_all : 1), sizeof *shares);
    if (all_tiers && names && shares) {
        for (size_t t = 0; t < n_all; t++) {
            all_tiers[t] = infl_scenario_tier_name(base, t);
            for (size_t s = 0; s < n_strategies; s++)
                shares[s * n_all + t] = infl_scenario_strategy_share(base, s, t);
            for (size_t j = 0; j < opt->n_tiers; j++)
                if (!strcmp(all_tiers[t], opt->tiers[j]))
                    shares[n_strategies * n_all + t] = optimum[j];
        }
        for (size_t s = 0; s < n_strategies; s++)
            names[s] = infl_scenario_strategy_name(base, s);
        names[n_strategies] = name;
        out = infl_scenario_strategies_override(n_strategies + 1, names, all_tiers, n_all, shares);
    }
    free(all_tiers);
    free(names);
    free(shares);
    return out;
}

infl_status infl_optimize_scenario_run(const infl_scenario *base,
                                       const infl_optimize_scenario_options *opt,
                                       infl_optimize_scenario_result *out, infl_error *err)
{
    memset(out, 0, sizeof *out);
    char *strategies = NULL;
    infl_status rc = infl_optimize_scenario_check_tiers(base, opt->tiers, opt->n_tiers, err);
    if (rc != INFL_OK)
        goto done;
    eval_ctx c = {.base = base,
                  .tiers = opt->tiers,
                  .n_tiers = opt->n_tiers,
                  .metric = infl_objective_metric(&opt->objective),
                  .threads = opt->threads,
                  .cluster = opt->cluster,
                  .n_trials = infl_scenario_trials(base)};
    infl_optimize_options o = {.n_tiers = opt->n_tiers,
                               .n_trials = c.n_trials,
                               .objective = opt->objective,
                               .grid = opt->grid,
                               .tolerance = opt->tolerance,
                               .seed = infl_scenario_seed(base),
                               .eval = evaluate,
                               .user = &c};
    rc = infl_optimize_run(&o, &out->search, err);
    out->runs = c.runs;
    out->hires = c.hires;
    if (rc != INFL_OK)
        goto done;
    const infl_optimize_outcome outcome = out->search->outcome;
    if (outcome == INFL_OPTIMIZE_CONSTANT || outcome == INFL_OPTIMIZE_FLAT) {
        /* No optimum to hold: the base's strategies alone, on the same trials. */
        rc = infl_scenario_derive(base, NULL, 0, &out->scenario, err);
        goto done;
    }
    optimum_name(base, out->strategy, sizeof out->strategy);
    if ((strategies = with_optimum(base, opt, out->search->optimum, out->strategy)) == NULL) {
        rc = infl_error_add(err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    const char *extra[1] = {strategies};
    rc = infl_scenario_derive(base, extra, 1, &out->scenario, err);
done:
    free(strategies);
    return rc;
}

void infl_optimize_scenario_result_destroy(infl_optimize_scenario_result *r)
{
    if (r == NULL)
        return;
    infl_optimize_result_free(r->search);
    infl_scenario_free(r->scenario);
    memset(r, 0, sizeof *r);
}
