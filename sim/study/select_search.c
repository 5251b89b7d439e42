/*
 * select_search.c — the roster search behind `influsim select`
 * (select_search.h): which creators to hire under a budget, on outcomes
 * already simulated with common random numbers.
 *
 * A plan is evaluated trial by trial with the sequential-fit rule of a run's
 * `hire: [...]`: members in ascending roster order, each hired if its cost
 * fits what is left (the model's relative slack of 1e-12; a NaN cost never
 * fits). The search compares plans by their sampled objective, computed as
 * the plain mean in trial order (a probability: the share of trials with a
 * metric > 0; a quantile: infl__quantile_select); the values reported come
 * from infl_objective_evaluate on the chosen plans' per-trial values.
 *
 * Plans whose metric is the same in every trial are the same answer (a
 * creator who fits in no trial adds nothing); the runner-up is therefore the
 * best plan the search saw whose per-trial metric differs from the chosen
 * plan's in at least one trial. Among plans of equal value the one with
 * fewer members wins, then the lexicographically smaller member list.
 *
 * Exact search (at most exact_limit free creators): depth-first over the
 * non-excluded creators in roster order; a node is the set of free creators
 * chosen so far, its children add one later free creator, so every subset is
 * one node. A node carries the per-trial state of its prefix (cost so far,
 * spend, conversions, orders), so a child costs O(trials): the hires of a
 * prefix never change when later creators are added. A child whose creator
 * fits in no trial is skipped (its subtree repeats its parent's with the same
 * hires), and no free child is tried where no later free creator fits in any
 * trial. For mean conversions, mean profit and mean lifetime profit a node is
 * also skipped when an upper bound of every plan below it, the prefix's
 * mean metric plus the mean over trials of the positive parts of every later
 * creator's own contribution, is below the runner-up's value: every later
 * hire adds exactly its own contribution, so the bound holds on the sampled
 * trials whatever fits.
 *
 * Heuristic (more free creators): greedy additions from the must-include
 * set, each step adding the creator of the largest gain per unit of mean
 * cost among those with a positive gain (ties: lower roster index); then
 * best-improvement local search in two neighbourhoods: every add and drop of
 * a free creator, and, only where none of those improves, every swap (drop
 * k, add j). The best move (first in the order adds by j, drops by k, swaps
 * by k then j, on ties) is applied if it improves by more than 1e-9 (1 +
 * |value|); the search stops when none does. The runner-up is the best
 * neighbour of the final plan (add, drop or swap). A move is evaluated in
 * O(trials) where the current plan hires everyone with room to spare (a
 * relative 1e-9 below the budget, far above any rounding of the sums) and,
 * after the move, still does (its total cost stays below that); costs must
 * then be nonnegative, which is checked. Other trials are replayed by the
 * sequential rule, creator by creator over the list of such trials. Moves
 * are evaluated in parallel (a bare OpenMP loop into an array per move) and
 * chosen serially in move order, so the thread count changes nothing.
 *
 * Audience overlap (p->overlap): a hire's conversions and orders are drawn
 * (infl__model_overlap) from the people its plan reached before it, so a
 * plan's state in a trial also carries `seen`, and a hire's values are
 * computed when it is added at that state. The exact search's nodes still
 * cost O(trials) (a prefix's hires and seen never change when later creators
 * are added). Its bound changes: a later hire adds at most its word of mouth
 * plus min(interested, M) direct buyers, and all later hires together at
 * most M - seen direct buyers (each buyer is among the people reached first
 * by the hire, and those are at most what is left of the market), so per
 * trial the later creators add at most min(A, B + margin x (M - seen)), A the
 * sum of their positive parts with min(interested, M) buyers each and B with
 * none: valid on every sampled trial whatever fits. Lifetime profit has no
 * such bound where repeat orders are drawn (a Poisson count is unbounded):
 * the bound is then off. In local search no O(1) update holds (a change
 * early in the plan changes what every later hire reaches): a move is
 * replayed from the first member it touches, each later member redrawn at
 * the new state, until the trial rejoins its old trajectory (the same cost
 * so far and the same seen before the same member) or nothing later fits.
 *
 * Bootstrap: resample b draws its trials from the counter-based stream
 * (seed, trial = b, candidate 1, INFL_STREAM_BOOTSTRAP) — candidate 1 so
 * the streams differ from those of infl_objective_difference's quantile
 * errors, which use candidate 0 — and reruns the search on the resampled
 * trials: exactly where at most min(exact_limit, 12) creators are free
 * (4,096 plans), else greedy + local search.
 */
#include "study/select_search.h"

#include "model/model.h"
#include "base/threads.h"
#include "random/rng.h"
#include "stats/quantile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_EXACT_LIMIT 20
/* Free creators up to which a bootstrap resample is searched exactly. */
#define BOOTSTRAP_EXACT_LIMIT 12
/* The model's slack: B/c hires fit when B is an exact multiple of c. */
#define FIT_SLACK 1e-12
/* How far below the budget a plan's total must be for the O(1) update. */
#define SAFE_MARGIN 1e-9
/* An improvement smaller than this (relative to 1 + |value|) is none. */
#define IMPROVE_TOL 1e-9
/* Messages list at most this many must-include creators. */
#define MAX_NAMED 10

/* The search's view of a problem: sizes, limits and per-creator constants. */
typedef struct {
    const infl__select_problem *p;
    size_t T, N;
    double limit;       /* budget with the model's slack */
    double safe_limit;  /* below it a total surely fits at every prefix */
    bool incremental;   /* no negative cost: the O(1) updates are valid */
    infl_objective obj; /* what plans are compared by: p's objective, or a greedy's surrogate */
    const unsigned char *must, *excluded;
    double *mean_cost;              /* N: over the trials where the cost is finite */
    const infl__select_overlap *ov; /* NULL: no overlap */
} ctx;

/* Column t of creator i's outcomes. */
#define AT(a, i, t) ((a)[(i)*c->T + (t)])

/* The metric a plan's trial gives, written as the model writes a run's
 * (profit = revenue - cost of goods - spend; lifetime profit adds the repeat
 * orders' margin; ROI divides by spend), so that select's numbers are a
 * run's to the last bit. */
static double metric_of(infl_objective_kind kind, const infl__select_problem *p, double sp,
                        double cv, double od)
{
    double price = p->price, uc = p->unit_cost;
    if (price == 0 && uc == 0)
        price = p->margin;
    double profit = cv * price - cv * uc - sp;
    switch (kind) {
    case INFL_OBJECTIVE_PROFIT:
        return profit;
    case INFL_OBJECTIVE_LTV_PROFIT:
        return profit + (od - cv) * (price - uc);
    case INFL_OBJECTIVE_P_ROI:
        return sp > 0 ? profit / sp : NAN;
    case INFL_OBJECTIVE_P_LTV_ROI:
        return sp > 0 ? (profit + (od - cv) * (price - uc)) / sp : NAN;
    case INFL_OBJECTIVE_MEAN:
    case INFL_OBJECTIVE_QUANTILE:
    default:
        return cv;
    }
}

/* The metric of the objective the search compares by (c->obj); for a mean
 * objective also one creator's own contribution to it. */
#define METRIC(c, sp, cv, od) metric_of((c)->obj.kind, (c)->p, sp, cv, od)

/* Whether the exact search may bound by positive contributions. */
static bool boundable(const infl_objective *o)
{
    return infl_objective_is_mean(o);
}

/* The sampled objective the search compares plans by; scratch holds n. */
static double sample_value(const infl_objective *o, const double *x, size_t n, double *scratch)
{
    if (o->kind == INFL_OBJECTIVE_QUANTILE) {
        memcpy(scratch, x, n * sizeof *x);
        return infl__quantile_select(scratch, n, o->level);
    }
    double s = 0.0;
    if (infl_objective_is_probability(o))
        for (size_t t = 0; t < n; t++)
            s += x[t] > 0.0;
    else
        for (size_t t = 0; t < n; t++)
            s += x[t];
    return s / (double)n;
}

static bool same_values(const double *x, const double *y, size_t n)
{
    for (size_t t = 0; t < n; t++)
        if (!(x[t] == y[t] || (isnan(x[t]) && isnan(y[t]))))
            return false;
    return true;
}

static double tolerance(double v)
{
    return IMPROVE_TOL * (1.0 + fabs(v));
}

/* Creator i hired in trial t of T after `seen` people of the market were
 * reached, under overlap: its conversions, orders and the people it reaches
 * first. validate() has ruled out the model's one failure (too many repeat
 * orders), so there is none to report. */
static void overlap_hire(const infl__select_overlap *ov, size_t T, size_t i, size_t t, double seen,
                         double *cv, double *od, double *fresh)
{
    const size_t e = i * T + t;
    const unsigned interested = ov->interested[e], wom = ov->conversions_wom[e];
    if (interested == 0 && wom == 0) {
        *cv = *od = *fresh = 0.0;
        return;
    }
    infl_overlap_draw d;
    infl__model_overlap(ov->seed, ov->trial ? ov->trial[t] : (uint64_t)t, ov->key[i], NULL,
                        &ov->market[t], (unsigned)seen, interested, wom, &d, NULL);
    *cv = (double)d.bought + (double)wom;
    *od = *cv + (double)d.repeat;
    *fresh = (double)d.fresh;
}

void infl__select_plan_trial(const infl__select_problem *p, const size_t *idx, size_t n, size_t t,
                             infl__select_trial *out)
{
    const size_t T = p->n_trials;
    const double limit = p->budget * (1.0 + FIT_SLACK);
    double acc = 0.0, sp = 0.0, cv = 0.0, od = 0.0, seen = 0.0, unhired = 0.0;
    for (size_t k = 0; k < n; k++) {
        const size_t e = idx[k] * T + t;
        if (!(acc + p->cost[e] <= limit)) {
            unhired += 1.0;
            continue;
        }
        acc += p->cost[e];
        sp += p->spend[e];
        if (p->overlap) {
            double v, o, fresh;
            overlap_hire(p->overlap, T, idx[k], t, seen, &v, &o, &fresh);
            cv += v;
            od += o;
            seen += fresh;
        } else {
            cv += p->conversions[e];
            od += p->orders[e];
        }
    }
    *out = (infl__select_trial){acc, sp, cv, od, unhired};
}

void infl__select_plan_values(const infl__select_problem *p, const size_t *idx, size_t n, double *x)
{
    for (size_t t = 0; t < p->n_trials; t++) {
        infl__select_trial r;
        infl__select_plan_trial(p, idx, n, t, &r);
        x[t] = metric_of(p->objective.kind, p, r.spend, r.conversions, r.orders);
    }
}

/* ---- Plans kept: the best and the runner-up ---------------------------- */

typedef struct {
    size_t *idx, n;
    double value;
    bool set;
    double *x; /* T: its per-trial metric */
} kept;

typedef struct {
    kept best, second;
    uint64_t evaluations;
} found;

/* a (na members, value va) before b under the tie rule. */
static bool better(double va, const size_t *a, size_t na, double vb, const size_t *b, size_t nb)
{
    if (va != vb)
        return va > vb;
    if (na != nb)
        return na < nb;
    for (size_t k = 0; k < na; k++)
        if (a[k] != b[k])
            return a[k] < b[k];
    return false;
}

static void keep(const ctx *c, kept *k, const size_t *idx, size_t n, double value, const double *x)
{
    memcpy(k->idx, idx, n * sizeof *idx);
    k->n = n;
    k->value = value;
    k->set = true;
    memcpy(k->x, x, c->T * sizeof *x);
}

static void swap_kept(kept *a, kept *b)
{
    kept t = *a;
    *a = *b;
    *b = t;
}

/* Offers a plan (its members, sampled value and per-trial metric). */
static void consider(const ctx *c, found *f, const size_t *idx, size_t n, double value,
                     const double *x)
{
    kept *b = &f->best, *s = &f->second;
    if (!b->set || better(value, idx, n, b->value, b->idx, b->n)) {
        if (b->set && !same_values(b->x, x, c->T))
            swap_kept(b, s); /* the old best becomes the runner-up */
        keep(c, b, idx, n, value, x);
        return;
    }
    if (same_values(b->x, x, c->T))
        return;
    if (!s->set || better(value, idx, n, s->value, s->idx, s->n))
        keep(c, s, idx, n, value, x);
}

static bool found_init(found *f, size_t N, size_t T)
{
    memset(f, 0, sizeof *f);
    kept *ks[2] = {&f->best, &f->second};
    for (int i = 0; i < 2; i++) {
        ks[i]->idx = malloc((N ? N : 1) * sizeof *ks[i]->idx);
        ks[i]->x = malloc(T * sizeof *ks[i]->x);
        ks[i]->value = NAN;
        if (!ks[i]->idx || !ks[i]->x)
            return false;
    }
    return true;
}

static void found_destroy(found *f)
{
    free(f->best.idx);
    free(f->best.x);
    free(f->second.idx);
    free(f->second.x);
}

/* ---- Exact search --------------------------------------------------------- */

/* Per-trial state of a prefix: cost so far, spend, conversions, orders,
 * people of the market reached (overlap; else 0). */
typedef struct {
    double *acc, *sp, *cv, *od, *sn;
} state;

typedef struct {
    const ctx *c;
    found *f;
    size_t *L, nL;     /* the non-excluded creators, in roster order */
    state *lev, *base; /* per depth */
    double *minfree;   /* (nL + 1) x T: least cost of a free L[j], j >= pos */
    double *bound;     /* nL + 1: mean over trials of the positive contributions from pos */
    /* Overlap: (nL + 1) x T sums over L[j], j >= pos, of the positive parts
     * of a hire's contribution with min(interested, M) buyers (ova) and with
     * none (ovb), and what one more buyer adds (ov_rate). */
    double *ova, *ovb, ov_rate;
    bool use_bound;
    unsigned char *chosen; /* N: free creators on the current path */
    size_t *plan;
    double *x, *scratch;
} dfs;

/* to = from with creator i offered in every trial; returns the trials it fits. */
static size_t state_add(const ctx *c, state *to, const state *from, size_t i)
{
    size_t hired = 0;
    const double *cost = c->p->cost + i * c->T, *spend = c->p->spend + i * c->T;
    if (c->ov) {
        for (size_t t = 0; t < c->T; t++) {
            const double a = from->acc[t];
            if (a + cost[t] <= c->limit) {
                double cv, od, fresh;
                overlap_hire(c->ov, c->T, i, t, from->sn[t], &cv, &od, &fresh);
                to->acc[t] = a + cost[t];
                to->sp[t] = from->sp[t] + spend[t];
                to->cv[t] = from->cv[t] + cv;
                to->od[t] = from->od[t] + od;
                to->sn[t] = from->sn[t] + fresh;
                hired++;
            } else {
                to->acc[t] = a;
                to->sp[t] = from->sp[t];
                to->cv[t] = from->cv[t];
                to->od[t] = from->od[t];
                to->sn[t] = from->sn[t];
            }
        }
        return hired;
    }
    const double *conv = c->p->conversions + i * c->T, *ord = c->p->orders + i * c->T;
    for (size_t t = 0; t < c->T; t++) {
        const double a = from->acc[t];
        if (a + cost[t] <= c->limit) {
            to->acc[t] = a + cost[t];
            to->sp[t] = from->sp[t] + spend[t];
            to->cv[t] = from->cv[t] + conv[t];
            to->od[t] = from->od[t] + ord[t];
            hired++;
        } else {
            to->acc[t] = a;
            to->sp[t] = from->sp[t];
            to->cv[t] = from->cv[t];
            to->od[t] = from->od[t];
        }
    }
    return hired;
}

/* The plan of the current path with every must-include creator. */
static size_t path_plan(const dfs *d)
{
    size_t n = 0;
    for (size_t j = 0; j < d->nL; j++) {
        size_t i = d->L[j];
        if (d->c->must[i] || d->chosen[i])
            d->plan[n++] = i;
    }
    return n;
}

static void evaluate_node(dfs *d, const state *s)
{
    const ctx *c = d->c;
    found *f = d->f;
    f->evaluations++;
    double value;
    if (c->obj.kind == INFL_OBJECTIVE_MEAN) {
        /* The common case, without the per-trial array unless it is kept. */
        double sum = 0.0;
        for (size_t t = 0; t < c->T; t++)
            sum += s->cv[t];
        value = sum / (double)c->T;
        if (f->second.set && value < f->second.value)
            return;
        memcpy(d->x, s->cv, c->T * sizeof *d->x);
    } else {
        for (size_t t = 0; t < c->T; t++)
            d->x[t] = METRIC(c, s->sp[t], s->cv[t], s->od[t]);
        value = sample_value(&c->obj, d->x, c->T, d->scratch);
        if (f->second.set && value < f->second.value)
            return;
    }
    size_t n = path_plan(d);
    consider(c, f, d->plan, n, value, d->x);
}

/* The node at depth `depth`: creators L[0..pos) decided, state d->lev[depth]. */
static void dfs_node(dfs *d, size_t depth, size_t pos)
{
    const ctx *c = d->c;
    const size_t T = c->T;
    const state *s = &d->lev[depth];
    if (d->use_bound && d->f->second.set) {
        double sum = 0.0, bound;
        for (size_t t = 0; t < T; t++)
            sum += METRIC(c, s->sp[t], s->cv[t], s->od[t]);
        if (c->ov) {
            const double *a = d->ova + pos * T, *b = d->ovb + pos * T;
            for (size_t t = 0; t < T; t++) {
                double later = a[t];
                if (d->ov_rate > 0) {
                    double capped = b[t] + d->ov_rate * (c->ov->market[t].addressable - s->sn[t]);
                    later = capped < later ? capped : later;
                }
                sum += later;
            }
            bound = sum / (double)T;
        } else {
            bound = sum / (double)T + d->bound[pos];
        }
        if (bound + tolerance(bound) < d->f->second.value)
            return;
    }
    /* Whether any later free creator fits in some trial. */
    bool any_fit = false;
    const double *mf = d->minfree + pos * T;
    for (size_t t = 0; t < T && !any_fit; t++)
        any_fit = s->acc[t] + mf[t] <= c->limit;
    const state *b = s; /* the prefix with the must-include creators met so far */
    for (size_t j = pos; j < d->nL; j++) {
        const size_t i = d->L[j];
        if (c->must[i]) {
            state_add(c, &d->base[depth], b, i);
            b = &d->base[depth];
            continue;
        }
        if (!any_fit)
            continue;
        if (state_add(c, &d->lev[depth + 1], b, i) == 0)
            continue;
        d->chosen[i] = 1;
        dfs_node(d, depth + 1, j + 1);
        d->chosen[i] = 0;
    }
    evaluate_node(d, b);
}

static bool exact_search(const ctx *c, found *f)
{
    const size_t T = c->T, N = c->N;
    dfs d = {.c = c, .f = f};
    size_t nfree = 0;
    bool ok = false;
    d.L = malloc((N ? N : 1) * sizeof *d.L);
    d.plan = malloc((N ? N : 1) * sizeof *d.plan);
    d.chosen = calloc(N ? N : 1, 1);
    d.x = malloc(T * sizeof *d.x);
    d.scratch = malloc(T * sizeof *d.scratch);
    if (!d.L || !d.plan || !d.chosen || !d.x || !d.scratch)
        goto done;
    for (size_t i = 0; i < N; i++)
        if (!c->excluded[i]) {
            d.L[d.nL++] = i;
            nfree += !c->must[i];
        }
    const size_t levels = nfree + 1;
    d.lev = calloc(levels, sizeof *d.lev);
    d.base = calloc(levels, sizeof *d.base);
    d.minfree = malloc((d.nL + 1) * T * sizeof *d.minfree);
    d.bound = malloc((d.nL + 1) * sizeof *d.bound);
    if (!d.lev || !d.base || !d.minfree || !d.bound)
        goto done;
    for (size_t l = 0; l < levels; l++) {
        state *ss[2] = {&d.lev[l], &d.base[l]};
        for (int k = 0; k < 2; k++) {
            ss[k]->acc = malloc(5 * T * sizeof(double));
            if (!ss[k]->acc)
                goto done;
            ss[k]->sp = ss[k]->acc + T;
            ss[k]->cv = ss[k]->sp + T;
            ss[k]->od = ss[k]->cv + T;
            ss[k]->sn = ss[k]->od + T;
        }
    }
    for (size_t t = 0; t < T; t++)
        d.minfree[d.nL * T + t] = INFINITY;
    d.bound[d.nL] = 0.0;
    d.use_bound = boundable(&c->obj);
    if (c->ov && d.use_bound) {
        /* Lifetime profit: bounded only where no trial draws repeat orders. */
        for (size_t t = 0; t < T && d.use_bound; t++)
            if (c->obj.kind == INFL_OBJECTIVE_LTV_PROFIT && c->ov->market[t].repeat_orders > 0)
                d.use_bound = false;
    }
    if (c->ov && d.use_bound) {
        d.ova = malloc((d.nL + 1) * T * sizeof *d.ova);
        d.ovb = malloc((d.nL + 1) * T * sizeof *d.ovb);
        if (!d.ova || !d.ovb)
            goto done;
        d.ov_rate = c->obj.kind == INFL_OBJECTIVE_MEAN ? 1.0 : c->p->margin;
        for (size_t t = 0; t < T; t++)
            d.ova[d.nL * T + t] = d.ovb[d.nL * T + t] = 0.0;
    }
    for (size_t j = d.nL; j-- > 0;) {
        const size_t i = d.L[j];
        double pos = 0.0;
        for (size_t t = 0; t < T; t++) {
            double m = d.minfree[(j + 1) * T + t], ct = AT(c->p->cost, i, t);
            d.minfree[j * T + t] = (!c->must[i] && ct < m) ? ct : m;
            if (!d.use_bound)
                continue;
            if (c->ov) {
                /* The contribution without direct buyers, then with the most. */
                const size_t e = i * T + t;
                const double wom = c->ov->conversions_wom[e], M = c->ov->market[t].addressable;
                const double reach = c->ov->interested[e] < M ? c->ov->interested[e] : M;
                const double none = METRIC(c, AT(c->p->spend, i, t), wom, wom);
                const double most = d.ov_rate > 0
                                        ? METRIC(c, AT(c->p->spend, i, t), wom + reach, wom + reach)
                                        : none;
                d.ova[j * T + t] = d.ova[(j + 1) * T + t] + (most > 0 ? most : 0.0);
                d.ovb[j * T + t] = d.ovb[(j + 1) * T + t] + (none > 0 ? none : 0.0);
                continue;
            }
            double v = METRIC(c, AT(c->p->spend, i, t), AT(c->p->conversions, i, t),
                              AT(c->p->orders, i, t));
            pos += v > 0 ? v : 0.0;
        }
        d.bound[j] = d.bound[j + 1] + pos / (double)T;
    }
    memset(d.lev[0].acc, 0, 5 * T * sizeof(double));
    dfs_node(&d, 0, 0);
    ok = true;
done:
    if (d.lev)
        for (size_t l = 0; l <= nfree; l++) {
            free(d.lev[l].acc);
            free(d.base[l].acc);
        }
    free(d.lev);
    free(d.base);
    free(d.minfree);
    free(d.bound);
    free(d.ova);
    free(d.ovb);
    free(d.L);
    free(d.plan);
    free(d.chosen);
    free(d.x);
    free(d.scratch);
    return ok;
}

/* ---- Greedy and local search ---------------------------------------------- */

/* A per-trial state (cost so far, spend, conversions, orders, people of the
 * market reached), or one hire's outcomes (its cost, ..., the people it
 * reached first). */
typedef struct {
    double acc, sp, cv, od, sn;
} stv;

/* The trajectories of a plan are kept while they take at most this much. */
#define MAX_TRAJECTORY_BYTES ((size_t)256 << 20)

/* The current plan and its per-trial state. */
typedef struct {
    size_t *plan, m;
    unsigned char *in; /* N */
    double *acc, *sp, *cv, *od, *sn, *x;
    unsigned char *safe; /* T: everyone hired, total below safe_limit */
    double value;
    /* Trajectories (NULL where too large): pre[t (m + 1) + q] the state
     * before member q in trial t, mem[t m + q] member q's outcomes (with
     * overlap: as hired there, if it was), hired[t m + q] whether it was
     * hired. */
    stv *pre, *mem;
    double *sufmin; /* [t (m + 1) + q]: the least cost of members q.. in trial t */
    unsigned char *hired;
    size_t cap; /* members the trajectories have room for */
} current;

/* A move: add creator `add` and/or drop `drop` (SIZE_MAX: none). */
typedef struct {
    size_t add, drop;
} move;

/* One thread's scratch for evaluating moves. */
typedef struct {
    double *xs, *scratch, *wa, *ws, *wv, *wo, *wn;
    size_t *slow;
} move_ws;

static bool move_ws_init(move_ws *w, size_t T)
{
    w->xs = malloc(7 * T * sizeof(double));
    w->slow = malloc(T * sizeof *w->slow);
    if (!w->xs || !w->slow) {
        free(w->xs);
        free(w->slow);
        w->xs = NULL;
        w->slow = NULL;
        return false;
    }
    w->scratch = w->xs + T;
    w->wa = w->scratch + T;
    w->ws = w->wa + T;
    w->wv = w->ws + T;
    w->wo = w->wv + T;
    w->wn = w->wo + T;
    return true;
}

static void move_ws_destroy(move_ws *w)
{
    free(w->xs);
    free(w->slow);
}

/* Replays plan (m members, with `add` inserted and `drop` left out) by the
 * sequential rule in trials slow[0..ns), creator by creator; metric into xs.
 * The path where no trajectories are kept. */
static void replay(const ctx *c, const size_t *plan, size_t m, move mv, move_ws *w, size_t ns,
                   double *xs)
{
    for (size_t q = 0; q < ns; q++)
        w->wa[q] = w->ws[q] = w->wv[q] = w->wo[q] = w->wn[q] = 0.0;
    size_t k = 0;
    bool added = mv.add == SIZE_MAX;
    while (k < m || !added) {
        size_t i;
        if (!added && (k == m || mv.add < plan[k])) {
            i = mv.add;
            added = true;
        } else {
            i = plan[k++];
            if (i == mv.drop)
                continue;
        }
        const double *cost = c->p->cost + i * c->T, *spend = c->p->spend + i * c->T;
        for (size_t q = 0; q < ns; q++) {
            const size_t t = w->slow[q];
            if (w->wa[q] + cost[t] <= c->limit) {
                w->wa[q] += cost[t];
                w->ws[q] += spend[t];
                if (c->ov) {
                    double cv, od, fresh;
                    overlap_hire(c->ov, c->T, i, t, w->wn[q], &cv, &od, &fresh);
                    w->wv[q] += cv;
                    w->wo[q] += od;
                    w->wn[q] += fresh;
                } else {
                    w->wv[q] += AT(c->p->conversions, i, t);
                    w->wo[q] += AT(c->p->orders, i, t);
                }
            }
        }
    }
    for (size_t q = 0; q < ns; q++)
        xs[w->slow[q]] = METRIC(c, w->ws[q], w->wv[q], w->wo[q]);
}

/* The metric in trial t after mv, from the trajectory: the members before
 * the first one the move touches keep their hires; from there the trial is
 * replayed until its cost so far (and with overlap, the people reached) is
 * again what it was before the same member (the rest then hires as before).
 * With overlap a member replayed at another state is drawn again there. qa:
 * where mv.add goes, qd: mv.drop's position (SIZE_MAX: none). */
static double trajectory(const ctx *c, const current *cur, move mv, size_t qa, size_t qd, size_t t)
{
    const size_t m = cur->m;
    const stv *pre = cur->pre + t * (m + 1), *mem = cur->mem + t * m;
    const double *sufmin = cur->sufmin + t * (m + 1);
    stv j = {0, 0, 0, 0, 0};
    if (mv.add != SIZE_MAX) {
        j.acc = AT(c->p->cost, mv.add, t);
        if (mv.drop == SIZE_MAX && !(pre[qa].acc + j.acc <= c->limit))
            return cur->x[t]; /* it does not fit: nothing changes */
        j.sp = AT(c->p->spend, mv.add, t);
        if (!c->ov) {
            j.cv = AT(c->p->conversions, mv.add, t);
            j.od = AT(c->p->orders, mv.add, t);
        }
    }
    if (mv.add == SIZE_MAX && !cur->hired[t * m + qd])
        return cur->x[t]; /* it was not hired: nothing changes */
    const size_t q0 = qa < qd ? qa : qd;
    stv s = pre[q0];
    bool pending = mv.add != SIZE_MAX;
    for (size_t r = q0;; r++) {
        if (pending && r == qa) {
            if (s.acc + j.acc <= c->limit) {
                if (c->ov)
                    overlap_hire(c->ov, c->T, mv.add, t, s.sn, &j.cv, &j.od, &j.sn);
                s.acc += j.acc;
                s.sp += j.sp;
                s.cv += j.cv;
                s.od += j.od;
                s.sn += j.sn;
            }
            pending = false;
        }
        if (r == m || (!pending && s.acc + sufmin[r] > c->limit))
            break; /* no later member fits (and the one added is placed) */
        if (r == qd)
            continue;
        if (!pending && (qd == SIZE_MAX || r > qd) && s.acc == pre[r].acc && s.sn == pre[r].sn)
            return METRIC(c, s.sp + (pre[m].sp - pre[r].sp), s.cv + (pre[m].cv - pre[r].cv),
                          s.od + (pre[m].od - pre[r].od));
        const stv *o = &mem[r];
        if (s.acc + o->acc <= c->limit) {
            stv h = *o;
            if (c->ov && !(cur->hired[t * m + r] && s.sn == pre[r].sn))
                overlap_hire(c->ov, c->T, cur->plan[r], t, s.sn, &h.cv, &h.od, &h.sn);
            s.acc += h.acc;
            s.sp += h.sp;
            s.cv += h.cv;
            s.od += h.od;
            s.sn += h.sn;
        }
    }
    return METRIC(c, s.sp, s.cv, s.od);
}

/* The position of creator i in cur's plan, or where it would go. */
static size_t position(const current *cur, size_t i)
{
    size_t lo = 0, hi = cur->m;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cur->plan[mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The sampled value of cur after mv, and whether its metric differs from
 * cur's in some trial. */
static double evaluate_move(const ctx *c, const current *cur, move mv, move_ws *w, bool *differs)
{
    const size_t T = c->T;
    const size_t qa = mv.add == SIZE_MAX ? SIZE_MAX : position(cur, mv.add);
    const size_t qd = mv.drop == SIZE_MAX ? SIZE_MAX : position(cur, mv.drop);
    size_t ns = 0;
    for (size_t t = 0; t < T; t++) {
        if (cur->safe[t]) {
            double a = cur->acc[t], s = cur->sp[t], v = cur->cv[t], o = cur->od[t];
            if (mv.drop != SIZE_MAX) {
                a -= AT(c->p->cost, mv.drop, t);
                s -= AT(c->p->spend, mv.drop, t);
                v -= AT(c->p->conversions, mv.drop, t);
                o -= AT(c->p->orders, mv.drop, t);
            }
            if (mv.add != SIZE_MAX) {
                a += AT(c->p->cost, mv.add, t);
                s += AT(c->p->spend, mv.add, t);
                v += AT(c->p->conversions, mv.add, t);
                o += AT(c->p->orders, mv.add, t);
            }
            if (a <= c->safe_limit) {
                w->xs[t] = METRIC(c, s, v, o);
                continue;
            }
        }
        if (cur->pre)
            w->xs[t] = trajectory(c, cur, mv, qa, qd, t);
        else
            w->slow[ns++] = t;
    }
    if (ns > 0)
        replay(c, cur->plan, cur->m, mv, w, ns, w->xs);
    *differs = !same_values(w->xs, cur->x, T);
    return sample_value(&c->obj, w->xs, T, w->scratch);
}

/* Evaluates n moves into value[] and differs[]; false if out of memory. */
static bool evaluate_moves(const ctx *c, const current *cur, const move *mv, size_t n,
                           double *value, unsigned char *differs)
{
    const long count = (long)n;
    int nomem = 0;
    const unsigned threads = c->p->threads ? c->p->threads : infl__threads_default();
#pragma omp parallel num_threads(threads) reduction(| : nomem)
    {
        move_ws w = {0};
        bool have = move_ws_init(&w, c->T);
        if (!have)
            nomem = 1;
#pragma omp for schedule(dynamic, 4)
        for (long k = 0; k < count; k++) {
            bool d = false;
            value[k] = have ? evaluate_move(c, cur, mv[k], &w, &d) : NAN;
            differs[k] = d;
        }
        if (have)
            move_ws_destroy(&w);
    }
    return !nomem;
}

/* Makes room for the trajectories of cur's plan; false (and none kept)
 * where they would be too large or memory is short: moves then replay. */
static bool trajectories_reserve(const ctx *c, current *cur)
{
    const size_t T = c->T, m = cur->m;
    if (cur->pre && m <= cur->cap)
        return true;
    free(cur->pre);
    free(cur->mem);
    free(cur->sufmin);
    free(cur->hired);
    cur->pre = cur->mem = NULL;
    cur->sufmin = NULL;
    cur->hired = NULL;
    cur->cap = 0;
    size_t cap = m < 8 ? 16 : 2 * m;
    const size_t per = (2 * sizeof(stv) + sizeof(double) + 1) * T;
    if (cap + 1 > MAX_TRAJECTORY_BYTES / per)
        cap = MAX_TRAJECTORY_BYTES / per - 1;
    if (MAX_TRAJECTORY_BYTES / per < 2 || cap < m)
        return false;
    cur->pre = malloc((cap + 1) * T * sizeof *cur->pre);
    cur->mem = malloc((cap ? cap : 1) * T * sizeof *cur->mem);
    cur->sufmin = malloc((cap + 1) * T * sizeof *cur->sufmin);
    cur->hired = malloc((cap ? cap : 1) * T);
    if (!cur->pre || !cur->mem || !cur->sufmin || !cur->hired) {
        free(cur->pre);
        free(cur->mem);
        free(cur->sufmin);
        free(cur->hired);
        cur->pre = cur->mem = NULL;
        cur->sufmin = NULL;
        cur->hired = NULL;
        return false;
    }
    cur->cap = cap;
    return true;
}

/* Recomputes cur's per-trial state, trajectories and value from its plan. */
static void refresh(const ctx *c, current *cur, double *scratch)
{
    const size_t T = c->T, m = cur->m;
    const bool traj = trajectories_reserve(c, cur);
    for (size_t t = 0; t < T; t++) {
        cur->acc[t] = cur->sp[t] = cur->cv[t] = cur->od[t] = cur->sn[t] = 0.0;
        cur->safe[t] = c->incremental;
        if (traj)
            cur->pre[t * (m + 1)] = (stv){0, 0, 0, 0, 0};
    }
    for (size_t k = 0; k < m; k++) {
        const size_t i = cur->plan[k];
        for (size_t t = 0; t < T; t++) {
            stv o = {AT(c->p->cost, i, t), AT(c->p->spend, i, t), 0, 0, 0};
            const bool fits = cur->acc[t] + o.acc <= c->limit;
            if (!c->ov) {
                o.cv = AT(c->p->conversions, i, t);
                o.od = AT(c->p->orders, i, t);
            } else if (fits) {
                overlap_hire(c->ov, T, i, t, cur->sn[t], &o.cv, &o.od, &o.sn);
            }
            if (fits) {
                cur->acc[t] += o.acc;
                cur->sp[t] += o.sp;
                cur->cv[t] += o.cv;
                cur->od[t] += o.od;
                cur->sn[t] += o.sn;
            } else {
                cur->safe[t] = 0;
            }
            if (traj) {
                cur->mem[t * m + k] = o;
                cur->hired[t * m + k] = fits;
                cur->pre[t * (m + 1) + k + 1] =
                    (stv){cur->acc[t], cur->sp[t], cur->cv[t], cur->od[t], cur->sn[t]};
            }
        }
    }
    if (traj)
        for (size_t t = 0; t < T; t++) {
            double *sm = cur->sufmin + t * (m + 1);
            const stv *o = cur->mem + t * m;
            sm[m] = INFINITY;
            for (size_t k = m; k-- > 0;)
                sm[k] = o[k].acc < sm[k + 1] ? o[k].acc : sm[k + 1];
        }
    for (size_t t = 0; t < T; t++) {
        if (!(cur->acc[t] <= c->safe_limit))
            cur->safe[t] = 0;
        cur->x[t] = METRIC(c, cur->sp[t], cur->cv[t], cur->od[t]);
    }
    cur->value = sample_value(&c->obj, cur->x, T, scratch);
}

static void apply(const ctx *c, current *cur, move mv, double *scratch)
{
    if (mv.drop != SIZE_MAX) {
        size_t k = position(cur, mv.drop);
        memmove(cur->plan + k, cur->plan + k + 1, (cur->m - k - 1) * sizeof *cur->plan);
        cur->m--;
        cur->in[mv.drop] = 0;
    }
    if (mv.add != SIZE_MAX) {
        size_t k = position(cur, mv.add);
        memmove(cur->plan + k + 1, cur->plan + k, (cur->m - k) * sizeof *cur->plan);
        cur->plan[k] = mv.add;
        cur->m++;
        cur->in[mv.add] = 1;
    }
    refresh(c, cur, scratch);
}

/* The members of cur after mv, in order, into out; returns their count. */
static size_t moved_plan(const current *cur, move mv, size_t *out)
{
    size_t n = 0;
    bool added = mv.add == SIZE_MAX;
    for (size_t k = 0; k < cur->m; k++) {
        if (!added && mv.add < cur->plan[k]) {
            out[n++] = mv.add;
            added = true;
        }
        if (cur->plan[k] != mv.drop)
            out[n++] = cur->plan[k];
    }
    if (!added)
        out[n++] = mv.add;
    return n;
}

typedef struct {
    current cur;
    move *mv;
    double *value;
    unsigned char *differs;
    size_t cap; /* of mv, value, differs */
    double *scratch;
    size_t *tmp;
    uint64_t evaluations;
} local;

static bool local_reserve(local *l, size_t n)
{
    if (n <= l->cap)
        return true;
    move *mv = realloc(l->mv, n * sizeof *mv);
    if (mv)
        l->mv = mv;
    double *v = realloc(l->value, n * sizeof *v);
    if (v)
        l->value = v;
    unsigned char *d = realloc(l->differs, n);
    if (d)
        l->differs = d;
    if (!mv || !v || !d)
        return false;
    l->cap = n;
    return true;
}

static bool is_free(const ctx *c, size_t i)
{
    return !c->must[i] && !c->excluded[i];
}

/* Fills l->mv with the adds and drops of free creators (kind 0) or the
 * swaps (kind 1); returns the count, or SIZE_MAX if out of memory. */
static size_t neighbourhood(const ctx *c, local *l, int kind)
{
    const current *cur = &l->cur;
    size_t nfree_in = 0, nfree_out = 0;
    for (size_t i = 0; i < c->N; i++)
        if (is_free(c, i))
            cur->in[i] ? nfree_in++ : nfree_out++;
    size_t n = kind == 0 ? nfree_in + nfree_out : nfree_in * nfree_out;
    if (!local_reserve(l, n ? n : 1))
        return SIZE_MAX;
    size_t k = 0;
    if (kind == 0) {
        for (size_t j = 0; j < c->N; j++)
            if (is_free(c, j) && !cur->in[j])
                l->mv[k++] = (move){j, SIZE_MAX};
        for (size_t d = 0; d < c->N; d++)
            if (is_free(c, d) && cur->in[d])
                l->mv[k++] = (move){SIZE_MAX, d};
    } else {
        for (size_t d = 0; d < c->N; d++) {
            if (!is_free(c, d) || !cur->in[d])
                continue;
            for (size_t j = 0; j < c->N; j++)
                if (is_free(c, j) && !cur->in[j])
                    l->mv[k++] = (move){j, d};
        }
    }
    return k;
}

/* Offers the n evaluated moves of l->mv to f as neighbours of cur (those
 * whose metric differs). */
static void offer_neighbours(local *l, size_t n, found *f)
{
    for (size_t k = 0; k < n; k++) {
        if (!l->differs[k])
            continue;
        kept *s = &f->second;
        size_t np = moved_plan(&l->cur, l->mv[k], l->tmp);
        if (!s->set || better(l->value[k], l->tmp, np, s->value, s->idx, s->n)) {
            memcpy(s->idx, l->tmp, np * sizeof *l->tmp);
            s->n = np;
            s->value = l->value[k];
            s->set = true;
        }
    }
}

/* Greedy from the must-include creators, comparing by c->obj: the largest
 * gain per unit of mean cost, while one is positive. */
static bool greedy(const ctx *c, local *l)
{
    current *cur = &l->cur;
    memset(cur->in, 0, c->N ? c->N : 1);
    cur->m = 0;
    for (size_t i = 0; i < c->N; i++)
        if (c->must[i]) {
            cur->plan[cur->m++] = i;
            cur->in[i] = 1;
        }
    refresh(c, cur, l->scratch);
    if (!local_reserve(l, c->N ? c->N : 1))
        return false;
    for (;;) {
        size_t n = 0;
        for (size_t j = 0; j < c->N; j++)
            if (is_free(c, j) && !cur->in[j])
                l->mv[n++] = (move){j, SIZE_MAX};
        if (n == 0)
            return true;
        if (!evaluate_moves(c, cur, l->mv, n, l->value, l->differs))
            return false;
        l->evaluations += n;
        size_t pick = SIZE_MAX;
        double best_ratio = 0.0;
        for (size_t k = 0; k < n; k++) {
            double gain = l->value[k] - cur->value;
            if (!l->differs[k] || !(gain > tolerance(cur->value)))
                continue;
            double mc = c->mean_cost[l->mv[k].add], floor_ = 1e-12 * c->p->budget;
            double ratio = gain / (mc > floor_ ? mc : floor_);
            if (pick == SIZE_MAX || ratio > best_ratio) {
                pick = k;
                best_ratio = ratio;
            }
        }
        if (pick == SIZE_MAX)
            return true;
        apply(c, cur, l->mv[pick], l->scratch);
    }
}

/* The mean objective behind one that moves in steps: a single hire rarely
 * changes a quantile of whole conversions or a share of trials, so a greedy
 * on them alone may stop at once. */
static bool surrogate(const infl_objective *o, infl_objective *out)
{
    *out = *o;
    switch (o->kind) {
    case INFL_OBJECTIVE_QUANTILE:
        out->kind = INFL_OBJECTIVE_MEAN;
        return true;
    case INFL_OBJECTIVE_P_ROI:
        out->kind = INFL_OBJECTIVE_PROFIT;
        return true;
    case INFL_OBJECTIVE_P_LTV_ROI:
        out->kind = INFL_OBJECTIVE_LTV_PROFIT;
        return true;
    default:
        return false;
    }
}

static bool heuristic_search(const ctx *c, found *f)
{
    const size_t T = c->T, N = c->N;
    local l = {0};
    current *cur = &l.cur;
    size_t *start = malloc((N ? N : 1) * sizeof *start), nstart = 0;
    bool ok = false;
    cur->plan = malloc((N ? N : 1) * sizeof *cur->plan);
    cur->in = calloc(N ? N : 1, 1);
    cur->acc = malloc(6 * T * sizeof(double));
    cur->safe = malloc(T);
    l.scratch = malloc(T * sizeof *l.scratch);
    l.tmp = malloc((N + 1) * sizeof *l.tmp);
    if (!start || !cur->plan || !cur->in || !cur->acc || !cur->safe || !l.scratch || !l.tmp)
        goto done;
    cur->sp = cur->acc + T;
    cur->cv = cur->sp + T;
    cur->od = cur->cv + T;
    cur->sn = cur->od + T;
    cur->x = cur->sn + T;

    /* For a stepped objective, the greedy on its mean surrogate too; local
     * search starts from whichever greedy plan is better on the objective
     * (the objective's own on ties). */
    ctx sc = *c;
    if (surrogate(&c->obj, &sc.obj)) {
        if (!greedy(&sc, &l))
            goto done;
        nstart = cur->m;
        memcpy(start, cur->plan, nstart * sizeof *start);
        for (size_t k = 0; k < nstart; k++)
            cur->in[start[k]] = 1;
        refresh(c, cur, l.scratch);
        double surrogate_value = cur->value;
        if (!greedy(c, &l))
            goto done;
        if (surrogate_value > cur->value + tolerance(cur->value)) {
            memset(cur->in, 0, N ? N : 1);
            memcpy(cur->plan, start, nstart * sizeof *start);
            cur->m = nstart;
            for (size_t k = 0; k < nstart; k++)
                cur->in[start[k]] = 1;
            refresh(c, cur, l.scratch);
        }
    } else if (!greedy(c, &l)) {
        goto done;
    }

    /* Local search: best improvement, adds and drops before swaps. The
     * runner-up is offered every neighbour of a plan that none improves on;
     * when a move is applied it starts again from nothing. */
    const size_t max_moves = 100 * (N + 1);
    for (size_t applied = 0;; applied++) {
        bool improved = false;
        f->second.set = false;
        f->second.value = NAN;
        f->second.n = 0;
        for (int kind = 0; kind < 2 && !improved; kind++) {
            size_t n = neighbourhood(c, &l, kind);
            if (n == SIZE_MAX || !evaluate_moves(c, cur, l.mv, n, l.value, l.differs))
                goto done;
            l.evaluations += n;
            size_t pick = SIZE_MAX;
            double best_gain = 0.0;
            for (size_t k = 0; k < n; k++) {
                double gain = l.value[k] - cur->value;
                if (l.differs[k] && gain > tolerance(cur->value) &&
                    (pick == SIZE_MAX || gain > best_gain)) {
                    pick = k;
                    best_gain = gain;
                }
            }
            /* A member whose drop changes no trial's value (one who never
             * fits, or brings nothing) goes: among plans of equal value the
             * one with fewer members wins, as in the exact search. */
            for (size_t k = 0; pick == SIZE_MAX && k < n; k++)
                if (!l.differs[k] && l.mv[k].add == SIZE_MAX && l.mv[k].drop != SIZE_MAX &&
                    !c->must[l.mv[k].drop])
                    pick = k;
            if (pick != SIZE_MAX && applied < max_moves) {
                apply(c, cur, l.mv[pick], l.scratch);
                improved = true;
            } else {
                offer_neighbours(&l, n, f);
            }
        }
        if (!improved)
            break;
    }
    keep(c, &f->best, cur->plan, cur->m, cur->value, cur->x);
    ok = true;
done:
    f->evaluations += l.evaluations;
    free(start);
    free(cur->plan);
    free(cur->in);
    free(cur->acc);
    free(cur->safe);
    free(cur->pre);
    free(cur->mem);
    free(cur->sufmin);
    free(cur->hired);
    free(l.scratch);
    free(l.tmp);
    free(l.mv);
    free(l.value);
    free(l.differs);
    return ok;
}

/* ---- The whole search ------------------------------------------------------ */

/* Sets up c for p (flags from p, or all-zero ones in zeros[N]). */
static bool ctx_init(ctx *c, const infl__select_problem *p, const unsigned char *zeros)
{
    c->p = p;
    c->T = p->n_trials;
    c->N = p->n_creators;
    c->limit = p->budget * (1.0 + FIT_SLACK);
    c->safe_limit = p->budget * (1.0 - SAFE_MARGIN);
    c->must = p->must ? p->must : zeros;
    c->excluded = p->excluded ? p->excluded : zeros;
    c->ov = p->overlap;
    /* With overlap no hire's values are its own: nothing is O(1). */
    c->incremental = c->ov == NULL;
    c->obj = p->objective;
    c->mean_cost = malloc((c->N ? c->N : 1) * sizeof *c->mean_cost);
    if (!c->mean_cost)
        return false;
    for (size_t i = 0; i < c->N; i++) {
        double s = 0.0;
        size_t n = 0;
        for (size_t t = 0; t < c->T; t++) {
            double v = AT(p->cost, i, t);
            if (v < 0)
                c->incremental = false;
            if (isfinite(v)) {
                s += v;
                n++;
            }
        }
        c->mean_cost[i] = n ? s / (double)n : INFINITY;
    }
    return true;
}

static size_t free_count(const ctx *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->N; i++)
        n += !c->must[i] && !c->excluded[i];
    return n;
}

/* Runs the search on c into f (exactly when asked); false if out of memory. */
static bool solve(const ctx *c, bool exact, found *f)
{
    return exact ? exact_search(c, f) : heuristic_search(c, f);
}

/* Appends creator i's name (or index) to buf. */
static void name_of(const infl__select_problem *p, size_t i, char *buf, size_t size)
{
    size_t used = strlen(buf);
    if (used + 1 >= size)
        return;
    if (p->names && p->names[i])
        snprintf(buf + used, size - used, "%s'%s'", used ? ", " : "", p->names[i]);
    else
        snprintf(buf + used, size - used, "%screator %zu", used ? ", " : "", i);
}

/* Overlap inputs present, each trial's market a count of people, and no
 * hire's repeat orders beyond what the model draws (their mean is at most
 * the repeat rate x (min(interested, M) + word of mouth) customers). */
static infl_status validate_overlap(const ctx *c, infl_error *err)
{
    const infl__select_overlap *ov = c->ov;
    const size_t T = c->T, N = c->N;
    if (!ov->market || (N > 0 && (!ov->interested || !ov->conversions_wom || !ov->key)))
        return infl_error_add(err, INFL_EINVAL, "select: the overlap inputs are missing");
    for (size_t t = 0; t < T; t++) {
        const double M = ov->market[t].addressable;
        if (!(M >= 0 && M <= 4294967295.0 && M == floor(M)))
            return infl_error_add(err, INFL_EINVAL,
                                  "select: trial %zu: the addressable market is not a count of "
                                  "people (got %g)",
                                  t, M);
        const double lambda = ov->market[t].repeat_orders;
        if (!(lambda > 0))
            continue;
        for (size_t i = 0; i < N; i++) {
            const size_t e = i * T + t;
            const double reach = ov->interested[e] < M ? ov->interested[e] : M;
            const double mu = lambda * (reach + (double)ov->conversions_wom[e]);
            if (mu > INFL_MODEL_MAX_CONVERSATIONS) {
                char who[160] = "";
                name_of(c->p, i, who, sizeof who);
                return infl_error_add(err, INFL_ELIMIT,
                                      "select: trial %zu: %s: up to %.3g expected repeat orders, "
                                      "beyond the model's limit of %.3g per post",
                                      t, who, mu, INFL_MODEL_MAX_CONVERSATIONS);
            }
        }
    }
    return INFL_OK;
}

static infl_status validate(const ctx *c, infl_error *err)
{
    const infl__select_problem *p = c->p;
    if (p->n_trials == 0)
        return infl_error_add(err, INFL_EINVAL, "select: no trials to search on");
    if (!(p->budget > 0) || !isfinite(p->budget))
        return infl_error_add(err, INFL_EINVAL, "select: the budget must be positive (got %g)",
                              p->budget);
    if (p->n_creators > 0 &&
        (!p->cost || !p->spend || (!p->overlap && (!p->conversions || !p->orders))))
        return infl_error_add(err, INFL_EINVAL, "select: the outcome matrices are missing");
    if (p->overlap) {
        infl_status rc = validate_overlap(c, err);
        if (rc != INFL_OK)
            return rc;
    }
    char names[512] = "";
    size_t conflicts = 0;
    for (size_t i = 0; i < c->N; i++)
        if (c->must[i] && c->excluded[i]) {
            if (conflicts++ < MAX_NAMED)
                name_of(p, i, names, sizeof names);
        }
    if (conflicts)
        return infl_error_add(err, INFL_EINVAL, "select: %s %s both required and excluded%s", names,
                              conflicts == 1 ? "is" : "are",
                              conflicts > MAX_NAMED ? " (and more)" : "");
    double total = 0.0;
    size_t n = 0;
    for (size_t i = 0; i < c->N; i++)
        if (c->must[i]) {
            total += c->mean_cost[i];
            if (n++ < MAX_NAMED)
                name_of(p, i, names, sizeof names);
        }
    if (total > c->limit)
        return infl_error_add(err, INFL_EINVAL,
                              "select: the required creators (%s%s) cost %.6g on average, more "
                              "than the budget %.6g",
                              names, n > MAX_NAMED ? " and more" : "", total, p->budget);
    return INFL_OK;
}

/* Sets pl to the members idx[0..n) and their objective; x receives their
 * per-trial values. */
static bool plan_set(const infl__select_problem *p, infl__select_plan *pl, const size_t *idx,
                     size_t n, double *x, double *scratch)
{
    pl->idx = malloc((n ? n : 1) * sizeof *pl->idx);
    if (!pl->idx)
        return false;
    memcpy(pl->idx, idx, n * sizeof *idx);
    pl->n = n;
    infl__select_plan_values(p, idx, n, x);
    infl_objective_evaluate(&p->objective, x, p->n_trials, scratch, &pl->value, &pl->se);
    return true;
}

/* marginal[i] as the header says, from exact plan values. */
static bool marginals(const ctx *c, const infl__select_plan *chosen, double *marginal, double *x,
                      double *scratch)
{
    const infl__select_problem *p = c->p;
    size_t *idx = malloc((chosen->n + 1) * sizeof *idx);
    if (!idx)
        return false;
    for (size_t i = 0; i < c->N; i++) {
        if (c->excluded[i]) {
            marginal[i] = NAN;
            continue;
        }
        size_t n = 0;
        bool member = false, placed = false;
        for (size_t k = 0; k < chosen->n; k++) {
            const size_t m = chosen->idx[k];
            if (m == i) {
                member = true;
                continue;
            }
            if (!placed && i < m) {
                idx[n++] = i;
                placed = true;
            }
            idx[n++] = m;
        }
        if (member) {
            n = 0;
            for (size_t k = 0; k < chosen->n; k++)
                if (chosen->idx[k] != i)
                    idx[n++] = chosen->idx[k];
        } else if (!placed) {
            idx[n++] = i;
        }
        double v, se;
        infl__select_plan_values(p, idx, n, x);
        infl_objective_evaluate(&p->objective, x, c->T, scratch, &v, &se);
        marginal[i] = member ? chosen->value - v : v - chosen->value;
    }
    free(idx);
    return true;
}

/* A uniform index below n from two words of r, the first the high one (in
 * two statements: the order of calls in one expression is unspecified). */
static size_t pick_index(infl_rng *r, size_t n)
{
    uint64_t hi = infl__rng_u32(r);
    uint64_t lo = infl__rng_u32(r);
    return (size_t)((hi << 32 | lo) % (uint64_t)n);
}

/* One thread's copy of the problem on a resampled set of trials. */
typedef struct {
    infl__select_problem q;
    infl__select_overlap qov;
    double *mat;
    size_t *pick;
    infl_market_draw *market;
    uint64_t *trial;
    unsigned *counts;
} resample_ws;

static void resample_ws_destroy(resample_ws *w)
{
    free(w->mat);
    free(w->pick);
    free(w->market);
    free(w->trial);
    free(w->counts);
}

static bool resample_ws_init(resample_ws *w, const infl__select_problem *p)
{
    memset(w, 0, sizeof *w);
    const size_t T = p->n_trials, N = p->n_creators;
    const size_t NT = N * T > 0 ? N * T : 1;
    w->q = *p;
    w->q.resamples = 0;
    w->mat = malloc(4 * NT * sizeof *w->mat);
    w->pick = malloc((T ? T : 1) * sizeof *w->pick);
    if (!w->mat || !w->pick)
        return false;
    w->q.cost = w->mat;
    w->q.spend = w->mat + NT;
    w->q.conversions = p->conversions ? w->mat + 2 * NT : NULL;
    w->q.orders = p->orders ? w->mat + 3 * NT : NULL;
    const infl__select_overlap *ov = p->overlap;
    if (ov) {
        /* A resampled trial keeps its market and its draws: the model's
         * index of the trial it copies. */
        w->market = malloc((T ? T : 1) * sizeof *w->market);
        w->trial = malloc((T ? T : 1) * sizeof *w->trial);
        w->counts = malloc(2 * NT * sizeof *w->counts);
        if (!w->market || !w->trial || !w->counts)
            return false;
        w->qov = (infl__select_overlap){.seed = ov->seed,
                                        .market = w->market,
                                        .trial = w->trial,
                                        .interested = w->counts,
                                        .conversions_wom = w->counts + NT,
                                        .key = ov->key};
        w->q.overlap = &w->qov;
    }
    return true;
}

/* Resample b of p's trials into w, searched into chosen[N] (1: in the plan). */
static bool resample_solve(const infl__select_problem *p, resample_ws *w, size_t b, bool exact,
                           const unsigned char *zeros, unsigned char *chosen)
{
    const size_t T = p->n_trials, N = p->n_creators;
    const size_t NT = N * T > 0 ? N * T : 1;
    const infl__select_overlap *ov = p->overlap;
    infl_rng rng;
    infl__rng_init(&rng, p->seed);
    infl__rng_seek(&rng, b, 0, 1, INFL_STREAM_BOOTSTRAP);
    for (size_t t = 0; t < T; t++)
        w->pick[t] = pick_index(&rng, T);
    double *cost = w->mat, *spend = w->mat + NT, *conv = w->mat + 2 * NT, *ord = w->mat + 3 * NT;
    for (size_t i = 0; i < N; i++)
        for (size_t t = 0; t < T; t++) {
            const size_t from = i * T + w->pick[t], to = i * T + t;
            cost[to] = p->cost[from];
            spend[to] = p->spend[from];
            if (p->conversions)
                conv[to] = p->conversions[from];
            if (p->orders)
                ord[to] = p->orders[from];
            if (ov) {
                w->counts[to] = ov->interested[from];
                w->counts[NT + to] = ov->conversions_wom[from];
            }
        }
    if (ov)
        for (size_t t = 0; t < T; t++) {
            w->market[t] = ov->market[w->pick[t]];
            w->trial[t] = ov->trial ? ov->trial[w->pick[t]] : (uint64_t)w->pick[t];
        }
    ctx rc = {0};
    found f;
    memset(&f, 0, sizeof f);
    bool good = ctx_init(&rc, &w->q, zeros) && found_init(&f, N, T);
    good = good && solve(&rc, exact, &f);
    if (good) {
        memset(chosen, 0, N);
        for (size_t k = 0; k < f.best.n; k++)
            chosen[f.best.idx[k]] = 1;
    }
    free(rc.mean_cost);
    found_destroy(&f);
    return good;
}

/* Most memory the resampled copies of the outcomes may take together: the
 * threads that search resamples at once are as many as fit in it. */
#define BOOTSTRAP_MEMORY ((size_t)1 << 30)

/*
 * frequency[i]: the share of bootstrap resamples whose plan holds i. The
 * resamples are searched in parallel, each by one thread (whose own searches
 * then run on one thread: nested regions are not active), each into its own
 * row of `chosen`; the rows are counted in resample order, so the result does
 * not depend on the thread count.
 */
static bool bootstrap(const ctx *c, size_t nfree, double *frequency)
{
    const infl__select_problem *p = c->p;
    const size_t N = c->N, T = c->T, B = p->resamples;
    const size_t limit = p->exact_limit ? p->exact_limit : DEFAULT_EXACT_LIMIT;
    const bool exact = nfree <= (limit < BOOTSTRAP_EXACT_LIMIT ? limit : BOOTSTRAP_EXACT_LIMIT);
    unsigned char *chosen = calloc(B * (N ? N : 1), 1);
    unsigned char *zeros = calloc(N ? N : 1, 1);
    if (!chosen || !zeros) {
        free(chosen);
        free(zeros);
        return false;
    }
    size_t per = (4 * sizeof(double) + 2 * sizeof(unsigned)) * (N * T > 0 ? N * T : 1);
    size_t fit = BOOTSTRAP_MEMORY / per;
    unsigned threads = p->threads ? p->threads : infl__threads_default();
    if (fit < threads)
        threads = fit > 0 ? (unsigned)fit : 1;
    if (threads > B)
        threads = (unsigned)B;
    int failed = 0;
    const long count = (long)B;
#pragma omp parallel num_threads(threads) reduction(| : failed)
    {
        resample_ws w;
        bool have = resample_ws_init(&w, p);
        if (!have)
            failed = 1;
#pragma omp for schedule(dynamic, 1)
        for (long b = 0; b < count; b++)
            if (have && !failed &&
                !resample_solve(p, &w, (size_t)b, exact, zeros, chosen + (size_t)b * N))
                failed = 1;
        resample_ws_destroy(&w);
    }
    if (!failed)
        for (size_t i = 0; i < N; i++) {
            uint64_t hits = 0;
            for (size_t b = 0; b < B; b++)
                hits += chosen[b * N + i];
            frequency[i] = (double)hits / (double)B;
        }
    free(chosen);
    free(zeros);
    return !failed;
}

infl_status infl__select_search(const infl__select_problem *p, infl__select_result *out,
                                infl_error *err)
{
    memset(out, 0, sizeof *out);
    out->chosen.value = out->chosen.se = NAN;
    out->runner_up.value = out->runner_up.se = NAN;
    out->p_beats = out->p_tie = out->diff = out->diff_se = NAN;
    const size_t N = p->n_creators, T = p->n_trials;
    unsigned char *zeros = calloc(N ? N : 1, 1);
    ctx c = {0};
    found f;
    bool have_found = false;
    double *xc = NULL, *xr = NULL, *scratch = NULL;
    infl_status rc = INFL_OK;
    if (!zeros || !ctx_init(&c, p, zeros))
        goto nomem;
    if ((rc = validate(&c, err)) != INFL_OK)
        goto done;
    if (!found_init(&f, N, T)) {
        found_destroy(&f);
        goto nomem;
    }
    have_found = true;
    const size_t nfree = free_count(&c);
    const size_t limit = p->exact_limit ? p->exact_limit : DEFAULT_EXACT_LIMIT;
    out->exact = nfree <= limit;
    if (!solve(&c, out->exact, &f))
        goto nomem;
    out->plans_evaluated = f.evaluations;

    xc = malloc(T * sizeof *xc);
    xr = malloc(T * sizeof *xr);
    scratch = malloc(2 * T * sizeof *scratch);
    out->marginal = malloc((N ? N : 1) * sizeof *out->marginal);
    out->frequency = malloc((N ? N : 1) * sizeof *out->frequency);
    if (!xc || !xr || !scratch || !out->marginal || !out->frequency)
        goto nomem;
    if (!plan_set(p, &out->chosen, f.best.idx, f.best.n, xc, scratch))
        goto nomem;
    if (f.second.set) {
        if (!plan_set(p, &out->runner_up, f.second.idx, f.second.n, xr, scratch))
            goto nomem;
        uint64_t greater = 0, tie = 0;
        for (size_t t = 0; t < T; t++) {
            greater += xc[t] > xr[t];
            tie += xc[t] == xr[t];
        }
        out->p_beats = (double)greater / (double)T;
        out->p_tie = (double)tie / (double)T;
        infl_objective_difference(&p->objective, xc, xr, T, p->seed, scratch, &out->diff,
                                  &out->diff_se);
    }
    if (!marginals(&c, &out->chosen, out->marginal, xr, scratch))
        goto nomem;
    for (size_t i = 0; i < N; i++)
        out->frequency[i] = NAN;
    if (p->resamples > 0 && !bootstrap(&c, nfree, out->frequency))
        goto nomem;
    goto done;
nomem:
    rc = infl_error_add(err, INFL_ENOMEM, "select: out of memory searching %zu creators",
                        p->n_creators);
done:
    if (rc != INFL_OK) {
        infl__select_result_destroy(out);
        memset(out, 0, sizeof *out);
        out->chosen.value = out->chosen.se = NAN;
        out->runner_up.value = out->runner_up.se = NAN;
        out->p_beats = out->p_tie = out->diff = out->diff_se = NAN;
    }
    if (have_found)
        found_destroy(&f);
    free(c.mean_cost);
    free(zeros);
    free(xc);
    free(xr);
    free(scratch);
    return rc;
}

void infl__select_result_destroy(infl__select_result *r)
{
    if (r == NULL)
        return;
    free(r->chosen.idx);
    free(r->runner_up.idx);
    free(r->marginal);
    free(r->frequency);
    r->chosen.idx = r->runner_up.idx = NULL;
    r->marginal = r->frequency = NULL;
    r->chosen.n = r->runner_up.n = 0;
}
