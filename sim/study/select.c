/*
 * select.c — `influsim select` in the library (influsim/select.h): the
 * per-trial, per-creator outcomes of a scenario's roster, simulated with the
 * model's one-creator draws (model/model.h) on all threads, the search over
 * plans on them (study/select_search.h), and the plan written back as a
 * strategy beside the scenario's own, so that a run compares it with them on
 * the same trials.
 *
 * The outcomes are creator-major ([i * n_trials + t]); each trial's slots are
 * written by the one thread that simulates the trial, and a creator's draws
 * depend on (seed, trial, creator) only, so the matrices, and everything
 * computed from them, are the same for any thread count.
 *
 * With audience overlap (market.addressable) a creator's direct sales depend
 * on whom the plan reached before it: the trials' markets and each post's
 * interested people and word-of-mouth conversions are kept, and the search
 * draws each hire's buyers at the plan's state (study/select_search.h). The
 * conversions and orders matrices then hold each creator hired alone (first,
 * in a market nobody else reached), for the roster table.
 */
#include "influsim/select.h"

#include "base/strbuf.h"
#include "base/suggest.h"
#include "base/threads.h"
#include "model/model.h"
#include "scenario/roster.h"
#include "study/select_search.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void infl_select_options_init(infl_select_options *o)
{
    memset(o, 0, sizeof *o);
    o->objective = (infl_objective){.kind = INFL_OBJECTIVE_MEAN, .name = "mean"};
    o->exact_limit = INFL_SELECT_EXACT_LIMIT;
    o->resamples = INFL_SELECT_RESAMPLES;
}

/* The file's short names for the shared buffer (base/strbuf.h). */
typedef infl__strbuf strbuf;
__attribute__((format(printf, 2, 3))) static void put(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    infl__strbuf_vput(b, fmt, ap);
    va_end(ap);
}

static void put_quoted(strbuf *b, const char *s)
{
    infl__strbuf_put_quoted(b, s);
}

static void put_hire(strbuf *b, const infl_scenario *sc, const size_t *idx, size_t n)
{
    put(b, "hire: [");
    for (size_t j = 0; j < n; j++) {
        put(b, "%s", j ? ", " : "");
        put_quoted(b, sc->creators[idx[j]].handle);
    }
    put(b, "]");
}

char *infl_select_plan_override(const infl_scenario *sc, const char *name, const size_t *idx,
                                size_t n)
{
    strbuf b = {0};
    char x[32];
    put(&b, "strategies=[");
    for (size_t s = 0; s < sc->n_strategies; s++) {
        const infl_strategy *st = &sc->strategies[s];
        put(&b, "%s{name: ", s ? ", " : "");
        put_quoted(&b, st->name);
        if (st->n_named > 0) {
            put(&b, ", ");
            put_hire(&b, sc, st->named, st->n_named);
        }
        if (st->has_allocation) {
            put(&b, ", allocation: {");
            bool first = true;
            for (size_t k = 0; k < sc->n_tiers; k++) {
                if (st->share[k] == 0.0)
                    continue;
                put(&b, "%s", first ? "" : ", ");
                put_quoted(&b, sc->tiers[k].name);
                put(&b, ": %s", infl__shortest_decimal(x, st->share[k]));
                first = false;
            }
            put(&b, "}");
        }
        put(&b, "}");
    }
    put(&b, "%s{name: ", sc->n_strategies ? ", " : "");
    put_quoted(&b, name);
    put(&b, ", ");
    put_hire(&b, sc, idx, n);
    put(&b, "}]");
    return infl__strbuf_take(&b);
}

/* "select-<objective>", or the first of "...-2", "...-3" no strategy of sc has. */
static void plan_name(const infl_scenario *sc, const infl_objective *obj, char *name, size_t size)
{
    char base[48];
    snprintf(base, sizeof base, "select-%s", obj->name);
    snprintf(name, size, "%s", base);
    for (size_t s = 0, clash = 1; s < sc->n_strategies; s++)
        if (!strcmp(sc->strategies[s].name, name)) {
            snprintf(name, size, "%s-%zu", base, ++clash);
            s = (size_t)-1; /* check the new name against them all */
        }
}

/* Marks in flags[] the creators named by handles[] (for messages: option);
 * INFL_EARG naming an unknown one, with the closest handle if one is close. */
static infl_status resolve_handles(const infl_scenario *sc, const char *option,
                                   const char *const *handles, size_t n, unsigned char *flags,
                                   infl_error *err)
{
    for (size_t h = 0; h < n; h++) {
        size_t j = 0;
        while (j < sc->n_creators && !infl__roster_same_handle(sc->creators[j].handle, handles[h]))
            j++;
        if (j < sc->n_creators) {
            flags[j] = 1;
            continue;
        }
        const char **names = malloc(sc->n_creators * sizeof *names);
        if (names == NULL)
            return infl_error_add(err, INFL_ENOMEM, "out of memory");
        for (size_t i = 0; i < sc->n_creators; i++)
            names[i] = sc->creators[i].handle;
        const char *word = handles[h][0] == '@' ? handles[h] + 1 : handles[h];
        const char *hint = infl__suggest(word, names, sc->n_creators);
        infl_status rc =
            hint ? infl_error_add(err, INFL_EARG,
                                  "%s: no creator '%s' in the roster; did you mean '%s'?", option,
                                  handles[h], hint)
                 : infl_error_add(
                       err, INFL_EARG,
                       "%s: no creator '%s' in the roster (it has %zu creators: %s%s%s%s)", option,
                       handles[h], sc->n_creators, names[0], sc->n_creators > 1 ? ", " : "",
                       sc->n_creators > 1 ? names[1] : "", sc->n_creators > 2 ? ", ..." : "");
        free(names);
        return rc;
    }
    return INFL_OK;
}

/* The outcome matrices, creator-major; with overlap also the markets
 * (n_trials) and each post's interested people and word of mouth. */
typedef struct {
    double *cost, *spend, *conversions, *orders;
    infl_market_draw *market;
    unsigned *interested, *conversions_wom;
} outcomes;

/* Simulates every creator alone in every trial of sc into o. The first
 * failure in trial order is the one reported. */
static infl_status simulate(const infl_scenario *sc, unsigned threads, outcomes *o, infl_error *err)
{
    const int64_t n_trials = (int64_t)sc->trials;
    const size_t n = sc->n_creators, T = (size_t)sc->trials;
    int nomem = 0;
    uint64_t first_bad = UINT64_MAX;
    infl_error bad;
    infl_error_init(&bad);
#pragma omp parallel num_threads(threads ? (int)threads : (int)infl__threads_default())            \
    reduction(|                                                                                    \
              : nomem)
    {
        infl_model_ws *ws = infl__model_ws_new(sc);
        infl_error local;
        infl_error_init(&local);
        if (ws == NULL)
            nomem = 1;
#pragma omp for schedule(dynamic, 16)
        for (int64_t t = 0; t < n_trials; t++) {
            if (ws == NULL)
                continue;
            infl_market_draw mk;
            infl_status rc = infl__model_market(ws, (uint64_t)t, &mk, &local);
            if (o->market)
                o->market[t] = mk;
            for (size_t i = 0; rc == INFL_OK && i < n; i++) {
                infl_creator_outcome c;
                rc = infl__model_creator(ws, (uint64_t)t, &mk, i, &c, &local);
                if (rc != INFL_OK)
                    break;
                const size_t at = i * T + (size_t)t;
                o->cost[at] = c.cost;
                o->spend[at] = c.spend;
                o->conversions[at] = c.conversions;
                o->orders[at] = c.orders;
                if (!o->market)
                    continue;
                /* Overlap: hired alone, its post reaches nobody seen before. */
                const unsigned interested = (unsigned)c.interested,
                               wom = (unsigned)c.conversions_wom;
                o->interested[at] = interested;
                o->conversions_wom[at] = wom;
                infl_overlap_draw d = {0, 0, 0};
                if ((interested > 0 || wom > 0) &&
                    (rc = infl__model_overlap(sc->seed, (uint64_t)t, sc->creators[i].key,
                                              sc->creators[i].handle, &mk, 0, interested, wom, &d,
                                              &local)) != INFL_OK)
                    break;
                o->conversions[at] = (double)d.bought + (double)wom;
                o->orders[at] = o->conversions[at] + (double)d.repeat;
            }
            if (rc != INFL_OK) {
#pragma omp critical(infl_select_failure)
                {
                    if ((uint64_t)t < first_bad) {
                        first_bad = (uint64_t)t;
                        infl_error_clear(&bad);
                        infl_error_merge(&bad, &local);
                    }
                }
                infl_error_clear(&local);
            }
        }
        infl_error_destroy(&local);
        infl__model_ws_free(ws);
    }
    infl_status rc = INFL_OK;
    if (first_bad != UINT64_MAX)
        rc = infl_error_merge(err, &bad);
    else if (nomem)
        rc = infl_error_add(err, INFL_ENOMEM, "out of memory for the model's workspaces");
    infl_error_destroy(&bad);
    return rc;
}

/* Mean of x[0..n) and the standard error of that mean (sd with n - 1). */
static void mean_se(const double *x, size_t n, double *mean, double *se)
{
    double s = 0;
    for (size_t t = 0; t < n; t++)
        s += x[t];
    const double m = n ? s / (double)n : NAN;
    double ss = 0;
    for (size_t t = 0; t < n; t++)
        ss += (x[t] - m) * (x[t] - m);
    *mean = m;
    *se = n > 1 ? sqrt(ss / (double)(n - 1) / (double)n) : NAN;
}

/* The plan idx[0..n) in the trials: hired in roster order, each if it fits
 * what is left, as a run's named hires are. */
static bool plan_stats(const infl__select_problem *p, const size_t *idx, size_t n,
                       infl_select_result *r)
{
    const size_t T = p->n_trials;
    double *conv = malloc((T ? T : 1) * sizeof *conv);
    if (conv == NULL)
        return false;
    double cost = 0, spend = 0, unhired = 0;
    for (size_t t = 0; t < T; t++) {
        infl__select_trial x;
        infl__select_plan_trial(p, idx, n, t, &x);
        cost += x.cost;
        spend += x.spend;
        unhired += x.unhired;
        conv[t] = x.conversions;
    }
    r->plan_cost = T ? cost / (double)T : NAN;
    r->plan_spend = T ? spend / (double)T : NAN;
    r->plan_unhired = T ? unhired / (double)T : NAN;
    mean_se(conv, T, &r->plan_conversions, &r->plan_conversions_se);
    free(conv);
    return true;
}

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

/* Fills r's roster columns, plan, runner-up and per-trial values from the
 * search s on problem p over scenario sc. False if out of memory. */
static bool fill_result(const infl_scenario *sc, const infl__select_problem *p,
                        const infl__select_result *s, infl_select_result *r)
{
    const size_t n = sc->n_creators, T = p->n_trials;
    r->n_creators = n;
    r->handle = calloc(n, sizeof *r->handle);
    r->tier = calloc(n, sizeof *r->tier);
    r->platform = calloc(n, sizeof *r->platform);
    r->mean_cost = calloc(n, sizeof *r->mean_cost);
    r->mean_conversions = calloc(n, sizeof *r->mean_conversions);
    r->conversions_se = calloc(n, sizeof *r->conversions_se);
    r->chosen = calloc(n, 1);
    r->marginal = calloc(n, sizeof *r->marginal);
    r->frequency = calloc(n, sizeof *r->frequency);
    r->plan = calloc(s->chosen.n ? s->chosen.n : 1, sizeof *r->plan);
    r->runner_up = calloc(s->runner_up.n ? s->runner_up.n : 1, sizeof *r->runner_up);
    r->chosen_values = calloc(T ? T : 1, sizeof *r->chosen_values);
    r->runner_up_values = calloc(T ? T : 1, sizeof *r->runner_up_values);
    if (!r->handle || !r->tier || !r->platform || !r->mean_cost || !r->mean_conversions ||
        !r->conversions_se || !r->chosen || !r->marginal || !r->frequency || !r->plan ||
        !r->runner_up || !r->chosen_values || !r->runner_up_values)
        return false;
    for (size_t i = 0; i < n; i++) {
        const infl_creator *c = &sc->creators[i];
        r->handle[i] = strdup(c->handle);
        r->tier[i] = dup_or_empty(c->tier < sc->n_tiers ? sc->tiers[c->tier].name : NULL);
        r->platform[i] = dup_or_empty(c->platform);
        if (!r->handle[i] || !r->tier[i] || !r->platform[i])
            return false;
        double se;
        mean_se(p->cost + i * T, T, &r->mean_cost[i], &se);
        mean_se(p->conversions + i * T, T, &r->mean_conversions[i], &r->conversions_se[i]);
        r->marginal[i] = s->marginal[i];
        r->frequency[i] = s->frequency ? s->frequency[i] : NAN;
    }
    r->n_plan = s->chosen.n;
    for (size_t k = 0; k < s->chosen.n; k++) {
        r->plan[k] = s->chosen.idx[k];
        r->chosen[s->chosen.idx[k]] = 1;
    }
    r->value = s->chosen.value;
    r->se = s->chosen.se;
    r->n_runner_up = s->runner_up.n;
    for (size_t k = 0; k < s->runner_up.n; k++)
        r->runner_up[k] = s->runner_up.idx[k];
    r->runner_up_value = s->runner_up.value;
    r->runner_up_se = s->runner_up.se;
    r->p_beats = s->p_beats;
    r->p_tie = s->p_tie;
    r->diff = s->diff;
    r->diff_se = s->diff_se;
    r->exact = s->exact;
    r->plans_evaluated = s->plans_evaluated;
    infl__select_plan_values(p, r->plan, r->n_plan, r->chosen_values);
    if (r->n_runner_up > 0 || !isnan(r->runner_up_value))
        infl__select_plan_values(p, r->runner_up, r->n_runner_up, r->runner_up_values);
    else
        for (size_t t = 0; t < T; t++)
            r->runner_up_values[t] = NAN;
    return plan_stats(p, r->plan, r->n_plan, r);
}

/* r->sets: the budget and trials (where opt changes them) and, for a plan
 * with members, the strategies with the plan; then r->scenario from them. */
static infl_status plan_scenario(const infl_scenario *sc, const infl_scenario *work,
                                 const char *const *sets, size_t n_sets, infl_select_result *r,
                                 infl_error *err)
{
    r->sets = calloc(n_sets + 1, sizeof *r->sets);
    if (r->sets == NULL)
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    for (size_t k = 0; k < n_sets; k++) {
        if ((r->sets[k] = strdup(sets[k])) == NULL)
            return infl_error_add(err, INFL_ENOMEM, "out of memory");
        r->n_sets++;
    }
    if (r->n_plan > 0) {
        plan_name(work, &r->objective, r->strategy, sizeof r->strategy);
        if ((r->sets[r->n_sets] =
                 infl_select_plan_override(work, r->strategy, r->plan, r->n_plan)) == NULL)
            return infl_error_add(err, INFL_ENOMEM, "out of memory");
        r->n_sets++;
    }
    return infl_scenario_derive(sc, (const char *const *)r->sets, r->n_sets, &r->scenario, err);
}

/* Bytes of outcomes per creator and trial: four doubles, and with overlap
 * two counts (interested, word of mouth). */
static double outcome_bytes(const infl_scenario *sc)
{
    return 4.0 * sizeof(double) + (sc->has_addressable ? 2.0 * sizeof(unsigned) : 0.0);
}

/* The refusals that need no simulation. */
static infl_status check_scenario(const infl_scenario *work, infl_error *err)
{
    if (work->n_creators == 0)
        return infl_error_add(err, INFL_EARG,
                              "%s: select chooses among the creators of a roster, and the "
                              "scenario has none (add `roster:` or `roster_file:`)",
                              work->name);
    const double per_trial = outcome_bytes(work) * (double)work->n_creators;
    const double bytes = per_trial * (double)work->trials;
    if (bytes > INFL_SELECT_MAX_OUTCOME_BYTES) {
        const double fit = floor(INFL_SELECT_MAX_OUTCOME_BYTES / per_trial);
        return infl_error_add(err, INFL_EARG,
                              "%s: the outcomes of %zu creators over %llu trials take %.1f GiB, "
                              "more than the %.0f GiB select allows; at most %.0f trials fit "
                              "(-n %.0f)",
                              work->name, work->n_creators, (unsigned long long)work->trials,
                              bytes / 1073741824.0, INFL_SELECT_MAX_OUTCOME_BYTES / 1073741824.0,
                              fit, fit);
    }
    return INFL_OK;
}

infl_status infl_select_run(const infl_scenario *sc, const infl_select_options *opt,
                            infl_select_result **out, infl_error *err)
{
    *out = NULL;
    const double start = now();
    infl_status rc = INFL_OK;
    infl_scenario *derived = NULL;
    infl_select_result *r = NULL;
    outcomes o = {0};
    unsigned char *must = NULL, *excluded = NULL;
    uint64_t *keys = NULL;
    infl__select_result s = {0};
    char budget_set[64], trials_set[64], x[32];
    const char *sets[2];
    size_t n_sets = 0;

    if (!(opt->budget >= 0) || isinf(opt->budget)) {
        rc = infl_error_add(err, INFL_EARG, "--budget: expected a positive amount (got %g)",
                            opt->budget);
        goto done;
    }
    if (opt->budget > 0) {
        snprintf(budget_set, sizeof budget_set, "budget=%s",
                 infl__shortest_decimal(x, opt->budget));
        sets[n_sets++] = budget_set;
    }
    if (opt->trials > 0) {
        snprintf(trials_set, sizeof trials_set, "trials=%llu", (unsigned long long)opt->trials);
        sets[n_sets++] = trials_set;
    }
    if (n_sets > 0 && (rc = infl_scenario_derive(sc, sets, n_sets, &derived, err)) != INFL_OK)
        goto done;
    const infl_scenario *work = derived ? derived : sc;
    if ((rc = check_scenario(work, err)) != INFL_OK)
        goto done;

    const size_t n = work->n_creators, T = (size_t)work->trials;
    must = calloc(n, 1);
    excluded = calloc(n, 1);
    o.cost = malloc(n * T * sizeof *o.cost);
    o.spend = malloc(n * T * sizeof *o.spend);
    o.conversions = malloc(n * T * sizeof *o.conversions);
    o.orders = malloc(n * T * sizeof *o.orders);
    r = calloc(1, sizeof *r);
    const bool overlap = work->has_addressable;
    if (overlap) {
        o.market = malloc((T ? T : 1) * sizeof *o.market);
        o.interested = malloc((n * T > 0 ? n * T : 1) * sizeof *o.interested);
        o.conversions_wom = malloc((n * T > 0 ? n * T : 1) * sizeof *o.conversions_wom);
        keys = malloc((n ? n : 1) * sizeof *keys);
    }
    if (!must || !excluded || !o.cost || !o.spend || !o.conversions || !o.orders || !r ||
        (overlap && (!o.market || !o.interested || !o.conversions_wom || !keys))) {
        rc = infl_error_add(err, INFL_ENOMEM,
                            "out of memory for the outcomes of %zu creators "
                            "over %zu trials",
                            n, T);
        goto done;
    }
    if ((rc = resolve_handles(work, "--must-include", opt->must_include, opt->n_must_include, must,
                              err)) != INFL_OK ||
        (rc = resolve_handles(work, "--exclude", opt->exclude, opt->n_exclude, excluded, err)) !=
            INFL_OK)
        goto done;
    if ((rc = simulate(work, opt->threads, &o, err)) != INFL_OK)
        goto done;

    const char **names = malloc(n * sizeof *names);
    if (names == NULL) {
        rc = infl_error_add(err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        names[i] = work->creators[i].handle;
        if (keys)
            keys[i] = work->creators[i].key;
    }
    const infl__select_overlap ov = {.seed = work->seed,
                                     .market = o.market,
                                     .interested = o.interested,
                                     .conversions_wom = o.conversions_wom,
                                     .key = keys};
    const infl__select_problem p = {.n_trials = T,
                                    .n_creators = n,
                                    .cost = o.cost,
                                    .spend = o.spend,
                                    .conversions = o.conversions,
                                    .orders = o.orders,
                                    .overlap = overlap ? &ov : NULL,
                                    .budget = work->budget,
                                    .margin = work->price - work->unit_cost,
                                    .price = work->price,
                                    .threads = opt->threads,
                                    .unit_cost = work->unit_cost,
                                    .objective = opt->objective,
                                    .must = must,
                                    .excluded = excluded,
                                    .names = names,
                                    .exact_limit = opt->exact_limit,
                                    .resamples = opt->resamples,
                                    .seed = work->seed};
    rc = infl__select_search(&p, &s, err);
    free(names);
    if (rc != INFL_OK)
        goto done;
    r->objective = opt->objective;
    r->budget = work->budget;
    r->n_trials = work->trials;
    r->seed = work->seed;
    r->resamples = opt->resamples;
    if (!fill_result(work, &p, &s, r)) {
        rc = infl_error_add(err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = plan_scenario(sc, work, sets, n_sets, r, err)) != INFL_OK)
        goto done;
    r->seconds = now() - start;
    *out = r;
    r = NULL;
done:
    infl__select_result_destroy(&s);
    infl_select_result_free(r);
    free(o.cost);
    free(o.spend);
    free(o.conversions);
    free(o.orders);
    free(o.market);
    free(o.interested);
    free(o.conversions_wom);
    free(keys);
    free(must);
    free(excluded);
    infl_scenario_free(derived);
    return rc;
}

void infl_select_result_free(infl_select_result *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n_creators; i++) {
        if (r->handle)
            free(r->handle[i]);
        if (r->tier)
            free(r->tier[i]);
        if (r->platform)
            free(r->platform[i]);
    }
    free(r->handle);
    free(r->tier);
    free(r->platform);
    free(r->mean_cost);
    free(r->mean_conversions);
    free(r->conversions_se);
    free(r->chosen);
    free(r->marginal);
    free(r->frequency);
    free(r->plan);
    free(r->runner_up);
    free(r->chosen_values);
    free(r->runner_up_values);
    for (size_t k = 0; k < r->n_sets; k++)
        free(r->sets[k]);
    free(r->sets);
    infl_scenario_free(r->scenario);
    free(r);
}
