/*
 * optimize.c — the search for the best budget shares (influsim/optimize.h).
 *
 * Two tiers: one free share x (the first tier's; the second gets 1 - x). A
 * grid brackets the best point; GSL's Brent minimiser then narrows the
 * bracket to the tolerance. Brent needs the middle point strictly better
 * than both ends; where it is not (the objective is flat there, as a quantile
 * of whole counts can be), a finer grid over the bracket replaces it.
 *
 * Three or more tiers: a lattice on the simplex, then GSL's Nelder–Mead
 * simplex (nmsimplex2) over the first n - 1 shares. A point off the simplex
 * is evaluated at its Euclidean projection onto it, less a penalty growing
 * with the distance, so the search may settle on a face (a tier at 0) while
 * never evaluating an infeasible split.
 *
 * Every point is evaluated once and remembered; the optimum is the best
 * point of every stage. Common random numbers make the objective a fixed
 * function of the shares, so a minimiser never chases noise between calls.
 * Where the first grid has the same value everywhere there is nothing for a
 * minimiser to find, and none runs.
 *
 * Last, the answer is judged: the first grid (and the best split per unit of
 * spend) is evaluated again beside the optimum's per-trial values, which
 * gives each of them its paired difference from the optimum; those say
 * whether the objective is flat, and each point's mean spend says whether
 * the optimum is merely the split that spends least (influsim/optimize.h).
 */
#include "influsim/optimize.h"

#include <float.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Points evaluated per call of the caller's function (bounds its memory). */
#define EVAL_CHUNK 16
#define BRENT_MAX_ITERATIONS 100
#define NELDER_MEAD_MAX_ITERATIONS 400
#define REFINE_MAX_ROUNDS 12
/* Nelder–Mead stops when its best split has not improved for this many
 * iterations: against the boundary of the simplex, or on a plateau of a
 * quantile of whole counts, its simplex may never shrink to the tolerance. */
#define NELDER_MEAD_STALL_ITERATIONS 60
/* A share at most this is 0: the optimum is on the edge of the simplex. */
#define EDGE 1e-12
/* Among the splits that spend least: a mean spend in the lowest SPEND_LEAST
 * of the range of mean spend over the splits tried. */
#define SPEND_LEAST 0.1
/* A profile point better than the optimum by this many standard errors of
 * the difference becomes the optimum, and the profile is redone. */
#define SIGNIFICANT 2.0
#define PROFILE_MAX_ROUNDS 3

static const double profile_steps[2 * INFL_OPTIMIZE_STEPS] = {-0.2, -0.1, -0.05, -0.02, -0.01,
                                                              0.01, 0.02, 0.05,  0.1,   0.2};

typedef struct {
    const infl_optimize_options *opt;
    infl_optimize_result *r;
    size_t k;            /* tiers */
    uint64_t n;          /* trials */
    size_t capacity;     /* of r's point arrays */
    double *mean;        /* per point: the mean of its per-trial values, to break ties */
    double *batch;       /* EVAL_CHUNK x n per-trial values */
    double *batch_spend; /* EVAL_CHUNK x n per-trial spend */
    double *best_trial, *best_spend; /* per-trial values and spend of the best point */
    double *cand_trial, *cand_spend; /* of the best profile point that beats it */
    double *scratch;                 /* 2n */
    double spend_se_max;             /* the largest standard error of a point's mean spend */
    infl_error *err;
    infl_status rc; /* the first failure */
    int stage;
    /* profile outputs for the current call (may be NULL) */
    double *diff, *diff_se;
    size_t candidate; /* profile point to adopt, or SIZE_MAX */
    double candidate_gain;
} search;

static bool grow(search *s, size_t more)
{
    infl_optimize_result *r = s->r;
    if (r->n_points + more <= s->capacity)
        return true;
    size_t cap = s->capacity ? s->capacity : 64;
    while (cap < r->n_points + more)
        cap *= 2;
    double *sh = realloc(r->shares, cap * s->k * sizeof *sh);
    if (sh == NULL)
        return false;
    r->shares = sh;
    double *v = realloc(r->value, cap * sizeof *v);
    if (v == NULL)
        return false;
    r->value = v;
    double *e = realloc(r->se, cap * sizeof *e);
    if (e == NULL)
        return false;
    r->se = e;
    int *st = realloc(r->stage, cap * sizeof *st);
    if (st == NULL)
        return false;
    r->stage = st;
    double **columns[] = {&r->spend, &r->per_spend, &r->per_spend_se, &r->gap, &r->gap_se};
    for (size_t c = 0; c < sizeof columns / sizeof *columns; c++) {
        double *col = realloc(*columns[c], cap * sizeof *col);
        if (col == NULL)
            return false;
        *columns[c] = col;
    }
    double *mn = realloc(s->mean, cap * sizeof *mn);
    if (mn == NULL)
        return false;
    s->mean = mn;
    s->capacity = cap;
    return true;
}

static size_t find_point(const search *s, const double *shares)
{
    const infl_optimize_result *r = s->r;
    for (size_t p = 0; p < r->n_points; p++)
        if (r->stage[p] != INFL_STAGE_PROFILE &&
            memcmp(r->shares + p * s->k, shares, s->k * sizeof *shares) == 0)
            return p;
    return SIZE_MAX;
}

/* Whether point p beats point q: a higher objective or, on a tie (a
 * quantile of whole counts is often flat over a range of splits), a higher
 * mean of the same per-trial values, e.g. more conversions on average. */
static bool better(const search *s, size_t p, size_t q)
{
    const double *v = s->r->value;
    return v[p] > v[q] || (v[p] == v[q] && s->mean[p] > s->mean[q]);
}

/* Mean and standard error of x[0..n). */
static double mean_se(const double *x, uint64_t n, double *se)
{
    double m = 0.0, s2 = 0.0;
    for (uint64_t t = 0; t < n; t++) {
        double d = x[t] - m;
        m += d / (double)(t + 1);
        s2 += d * (x[t] - m);
    }
    *se = n > 1 ? sqrt(s2 / (double)(n - 1) / (double)n) : NAN;
    return m;
}

/* Records the evaluated point p (per-trial values x, spend sp): its value,
 * spend and value per spend, and whether it is the new best (grid and
 * minimiser) or beats the optimum (profile). */
static void record(search *s, size_t p, const double *x, const double *sp, size_t profile_slot)
{
    infl_optimize_result *r = s->r;
    const infl_objective *o = &s->opt->objective;
    infl_objective_evaluate(o, x, s->n, s->scratch, &r->value[p], &r->se[p]);
    infl_objective_per_spend(o, x, sp, s->n, &r->per_spend[p], &r->per_spend_se[p]);
    double unused, spend_se;
    s->mean[p] = mean_se(x, s->n, &unused);
    r->spend[p] = mean_se(sp, s->n, &spend_se);
    if (spend_se > s->spend_se_max)
        s->spend_se_max = spend_se;
    r->gap[p] = r->gap_se[p] = NAN;
    if (s->stage != INFL_STAGE_PROFILE) {
        if (r->best == SIZE_MAX || better(s, p, r->best)) {
            r->best = p;
            memcpy(s->best_trial, x, s->n * sizeof *x);
            memcpy(s->best_spend, sp, s->n * sizeof *sp);
        }
        return;
    }
    double d, e;
    infl_objective_difference(&s->opt->objective, x, s->best_trial, s->n, s->opt->seed, s->scratch,
                              &d, &e);
    s->diff[profile_slot] = d;
    s->diff_se[profile_slot] = e;
    if (d > 0.0 && d > SIGNIFICANT * e && d > s->candidate_gain) {
        s->candidate = p;
        s->candidate_gain = d;
        memcpy(s->cand_trial, x, s->n * sizeof *x);
        memcpy(s->cand_spend, sp, s->n * sizeof *sp);
    }
}

/*
 * Evaluates m share vectors (m x k), appending the new ones to the result;
 * index[i] gets each one's point index. In the profile stage every point is
 * evaluated afresh (its per-trial values are needed) and slot[i] says where
 * its difference goes. Returns false on failure (s->rc set).
 */
static bool evaluate(search *s, size_t m, const double *shares, size_t *index, const size_t *slot)
{
    infl_optimize_result *r = s->r;
    const size_t k = s->k;
    size_t pending[EVAL_CHUNK], pending_from[EVAL_CHUNK], n_pending = 0;
    for (size_t i = 0; i <= m; i++) {
        if (i < m) {
            /* Points pending in this call are already recorded, so a repeat
             * within the call is found too. */
            size_t p = s->stage == INFL_STAGE_PROFILE ? SIZE_MAX : find_point(s, shares + i * k);
            if (p != SIZE_MAX) {
                if (index)
                    index[i] = p;
                continue;
            }
            if (!grow(s, 1)) {
                s->rc = infl_error_add(s->err, INFL_ENOMEM, "out of memory");
                return false;
            }
            p = r->n_points++;
            memcpy(r->shares + p * k, shares + i * k, k * sizeof *shares);
            r->stage[p] = s->stage;
            r->value[p] = r->se[p] = NAN;
            if (index)
                index[i] = p;
            pending_from[n_pending] = i;
            pending[n_pending++] = p;
        }
        if (n_pending == EVAL_CHUNK || (i == m && n_pending > 0)) {
            /* the pending points are consecutive: appended in order */
            infl_status rc = s->opt->eval(s->opt->user, n_pending, r->shares + pending[0] * k,
                                          s->batch, s->batch_spend, s->err);
            if (rc != INFL_OK) {
                s->rc = rc;
                return false;
            }
            for (size_t j = 0; j < n_pending; j++)
                record(s, pending[j], s->batch + j * s->n, s->batch_spend + j * s->n,
                       slot ? slot[pending_from[j]] : 0);
            n_pending = 0;
        }
    }
    return true;
}

/* ---- two tiers ----------------------------------------------------------- */

static double value_at(search *s, double x, bool *ok)
{
    double sh[2] = {x, 1.0 - x};
    size_t p;
    *ok = evaluate(s, 1, sh, &p, NULL);
    return *ok ? s->r->value[p] : NAN;
}

typedef struct {
    search *s;
    bool failed;
} brent_ctx;

static double brent_f(double x, void *user)
{
    brent_ctx *c = user;
    if (c->failed)
        return DBL_MAX / 4;
    bool ok;
    double v = value_at(c->s, x, &ok);
    if (!ok || !isfinite(v)) {
        c->failed = !ok;
        return DBL_MAX / 4; /* finite, so GSL carries on to where we stop it */
    }
    return -v;
}

/* Evaluates g points evenly over [a, b] (shares of the first tier); *best_x
 * and the bracket around it come back. */
static bool grid_1d(search *s, double a, double b, unsigned g, double *lo, double *mid, double *hi,
                    double *f_lo, double *f_mid, double *f_hi)
{
    double *sh = calloc(2 * (size_t)g, sizeof *sh);
    size_t *idx = malloc(g * sizeof *idx);
    if (sh == NULL || idx == NULL) {
        free(sh);
        free(idx);
        s->rc = infl_error_add(s->err, INFL_ENOMEM, "out of memory");
        return false;
    }
    for (unsigned i = 0; i < g; i++) {
        double x = i == g - 1 ? b : a + (b - a) * (double)i / (double)(g - 1);
        sh[2 * i] = x;
        sh[2 * i + 1] = 1.0 - x;
    }
    bool ok = evaluate(s, g, sh, idx, NULL);
    if (ok) {
        unsigned bi = 0;
        for (unsigned i = 1; i < g; i++)
            if (better(s, idx[i], idx[bi]))
                bi = i;
        unsigned li = bi ? bi - 1 : bi, hi_i = bi + 1 < g ? bi + 1 : bi;
        *lo = sh[2 * li];
        *mid = sh[2 * bi];
        *hi = sh[2 * hi_i];
        *f_lo = s->r->value[idx[li]];
        *f_mid = s->r->value[idx[bi]];
        *f_hi = s->r->value[idx[hi_i]];
    }
    free(sh);
    free(idx);
    return ok;
}

/* Whether every point evaluated so far has the best point's value exactly
 * (a constant objective: nothing for a minimiser to find). */
static bool all_equal(const search *s)
{
    const infl_optimize_result *r = s->r;
    for (size_t p = 0; p < r->n_points; p++)
        if (!(r->value[p] == r->value[r->best]))
            return false;
    return true;
}

static bool search_1d(search *s)
{
    infl_optimize_result *r = s->r;
    const double tol = s->opt->tolerance;
    unsigned g = s->opt->grid;
    double lo, mid, hi, flo, fmid, fhi;
    s->stage = INFL_STAGE_GRID;
    if (!grid_1d(s, 0.0, 1.0, g, &lo, &mid, &hi, &flo, &fmid, &fhi))
        return false;
    s->stage = INFL_STAGE_MINIMISER;
    if (all_equal(s)) {
        snprintf(r->method, sizeof r->method, "grid (constant)");
        return true;
    }
    snprintf(r->method, sizeof r->method, "grid");
    for (unsigned round = 0; round < REFINE_MAX_ROUNDS; round++) {
        if (hi - lo <= 2.0 * tol) {
            r->converged = true;
            return true;
        }
        bool interior = lo < mid && mid < hi;
        if (interior && fmid > flo && fmid > fhi) {
            gsl_min_fminimizer *m = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
            if (m == NULL) {
                s->rc = infl_error_add(s->err, INFL_ENOMEM, "out of memory");
                return false;
            }
            brent_ctx c = {.s = s};
            gsl_function f = {.function = brent_f, .params = &c};
            int status = gsl_min_fminimizer_set_with_values(m, &f, mid, -fmid, lo, -flo, hi, -fhi);
            unsigned it = 0;
            while (status == GSL_SUCCESS && it < BRENT_MAX_ITERATIONS) {
                it++;
                status = gsl_min_fminimizer_iterate(m);
                if (c.failed || status != GSL_SUCCESS)
                    break;
                double a = gsl_min_fminimizer_x_lower(m), b = gsl_min_fminimizer_x_upper(m);
                if (gsl_min_test_interval(a, b, tol, 0.0) == GSL_SUCCESS) {
                    r->converged = true;
                    break;
                }
            }
            gsl_min_fminimizer_free(m);
            r->iterations += it;
            snprintf(r->method, sizeof r->method, round ? "grid refinement, then brent" : "brent");
            if (c.failed)
                return false;
            if (status == GSL_SUCCESS)
                return true;
            /* GSL gave up (it could not make progress): a finer grid takes over. */
        }
        /* Flat or at a corner: a finer grid over the bracket. */
        r->iterations++;
        snprintf(r->method, sizeof r->method, "grid refinement");
        if (!grid_1d(s, lo, hi, g, &lo, &mid, &hi, &flo, &fmid, &fhi))
            return false;
    }
    r->converged = hi - lo <= 2.0 * tol;
    return true;
}

/* ---- three or more tiers -------------------------------------------------- */

/* Euclidean projection of v (k values) onto the probability simplex
 * (Duchi, Shalev-Shwartz, Singer and Chandra, 2008). */
static void project_simplex(const double *v, size_t k, double *out)
{
    double u[INFL_OPTIMIZE_MAX_TIERS];
    memcpy(u, v, k * sizeof *u);
    gsl_sort(u, 1, k); /* ascending: walk it from the top */
    double cum = 0.0, theta = 0.0;
    for (size_t j = 0; j < k; j++) {
        double uj = u[k - 1 - j];
        cum += uj;
        double t = (cum - 1.0) / (double)(j + 1);
        if (uj - t > 0.0)
            theta = t;
    }
    for (size_t j = 0; j < k; j++)
        out[j] = fmax(v[j] - theta, 0.0);
}

typedef struct {
    search *s;
    double penalty; /* objective units per unit of distance off the simplex */
    bool failed;
} nm_ctx;

static double nm_f(const gsl_vector *y, void *user)
{
    nm_ctx *c = user;
    search *s = c->s;
    const size_t k = s->k;
    if (c->failed)
        return DBL_MAX / 4;
    double full[INFL_OPTIMIZE_MAX_TIERS], p[INFL_OPTIMIZE_MAX_TIERS], rest = 1.0, d2 = 0.0;
    for (size_t t = 0; t + 1 < k; t++) {
        full[t] = gsl_vector_get(y, t);
        rest -= full[t];
    }
    full[k - 1] = rest;
    project_simplex(full, k, p);
    for (size_t t = 0; t < k; t++)
        d2 += (full[t] - p[t]) * (full[t] - p[t]);
    size_t idx;
    if (!evaluate(s, 1, p, &idx, NULL)) {
        c->failed = true;
        return DBL_MAX / 4;
    }
    double v = s->r->value[idx];
    return isfinite(v) ? -v + c->penalty * sqrt(d2) : DBL_MAX / 4;
}

/* Appends to sh every composition of `left` lattice steps into tiers t..k-1. */
static void lattice(double *sh, size_t *count, size_t k, unsigned div, size_t t, unsigned left,
                    unsigned *parts)
{
    if (t == k - 1) {
        parts[t] = left;
        for (size_t j = 0; j < k; j++)
            sh[*count * k + j] = (double)parts[j] / (double)div;
        (*count)++;
        return;
    }
    for (unsigned a = 0; a <= left; a++) {
        parts[t] = left - a;
        lattice(sh, count, k, div, t + 1, a, parts);
    }
}

static size_t lattice_size(size_t k, unsigned div)
{
    /* C(div + k - 1, k - 1) */
    double c = 1.0;
    for (size_t i = 1; i < k; i++)
        c = c * (double)(div + i) / (double)i;
    return (size_t)llround(c);
}

static bool search_nd(search *s)
{
    infl_optimize_result *r = s->r;
    const size_t k = s->k;
    const unsigned div = s->opt->grid;
    size_t n_lat = lattice_size(k, div), count = 0;
    double *sh = malloc(n_lat * k * sizeof *sh);
    if (sh == NULL) {
        s->rc = infl_error_add(s->err, INFL_ENOMEM, "out of memory");
        return false;
    }
    unsigned parts[INFL_OPTIMIZE_MAX_TIERS];
    lattice(sh, &count, k, div, 0, div, parts);
    s->stage = INFL_STAGE_GRID;
    bool ok = evaluate(s, count, sh, NULL, NULL);
    free(sh);
    if (!ok)
        return false;
    if (all_equal(s)) {
        snprintf(r->method, sizeof r->method, "grid (constant)");
        return true;
    }
    double lo = INFINITY, hi = -INFINITY;
    for (size_t p = 0; p < r->n_points; p++) {
        lo = fmin(lo, r->value[p]);
        hi = fmax(hi, r->value[p]);
    }
    /* Off the simplex, always worse than the objective's whole range. */
    nm_ctx c = {.s = s, .penalty = 10.0 * (hi - lo + r->se[r->best]) + 1e-9};
    s->stage = INFL_STAGE_MINIMISER;
    snprintf(r->method, sizeof r->method, "nelder-mead");
    gsl_vector *x = gsl_vector_alloc(k - 1), *step = gsl_vector_alloc(k - 1);
    gsl_multimin_fminimizer *m =
        gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, k - 1);
    if (x == NULL || step == NULL || m == NULL) {
        gsl_vector_free(x);
        gsl_vector_free(step);
        gsl_multimin_fminimizer_free(m);
        s->rc = infl_error_add(s->err, INFL_ENOMEM, "out of memory");
        return false;
    }
    for (size_t t = 0; t + 1 < k; t++) {
        gsl_vector_set(x, t, r->shares[r->best * k + t]);
        gsl_vector_set(step, t, 0.5 / (double)div);
    }
    gsl_multimin_function f = {.f = nm_f, .n = k - 1, .params = &c};
    int status = gsl_multimin_fminimizer_set(m, &f, x, step);
    unsigned it = 0, since_better = 0;
    size_t best = r->best;
    while (status == GSL_SUCCESS && !c.failed && it < NELDER_MEAD_MAX_ITERATIONS) {
        it++;
        status = gsl_multimin_fminimizer_iterate(m);
        if (status != GSL_SUCCESS || c.failed)
            break;
        if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), s->opt->tolerance) ==
            GSL_SUCCESS) {
            r->converged = true;
            break;
        }
        since_better = r->best == best ? since_better + 1 : 0;
        best = r->best;
        if (since_better >= NELDER_MEAD_STALL_ITERATIONS) {
            r->stalled = true;
            break;
        }
    }
    r->iterations = it;
    gsl_vector_free(x);
    gsl_vector_free(step);
    gsl_multimin_fminimizer_free(m);
    return !c.failed;
}

/* ---- the profile ----------------------------------------------------------- */

/* The optimum with tier t's share moved by delta, the others rescaled in
 * proportion (or, when they are all 0, sharing the change equally). */
static bool moved(const double *opt, size_t k, size_t t, double delta, double *out)
{
    double st = opt[t] + delta;
    if (st < -1e-12 || st > 1.0 + 1e-12)
        return false;
    st = fmin(fmax(st, 0.0), 1.0);
    double rest = 1.0 - opt[t];
    for (size_t j = 0; j < k; j++)
        out[j] = j == t         ? st
                 : rest > 1e-12 ? opt[j] * (1.0 - st) / rest
                                : (1.0 - st) / (double)(k - 1);
    return true;
}

static bool profile(search *s)
{
    infl_optimize_result *r = s->r;
    const size_t k = s->k, nt = r->n_profile_tiers, ns = r->n_steps;
    double *sh = malloc(nt * ns * k * sizeof *sh);
    size_t *slot = malloc(nt * ns * sizeof *slot);
    if (sh == NULL || slot == NULL) {
        free(sh);
        free(slot);
        s->rc = infl_error_add(s->err, INFL_ENOMEM, "out of memory");
        return false;
    }
    bool ok = true;
    for (unsigned round = 0; ok && round < PROFILE_MAX_ROUNDS; round++) {
        const double *opt = r->shares + r->best * k;
        size_t m = 0;
        for (size_t t = 0; t < nt; t++)
            for (size_t j = 0; j < ns; j++) {
                r->difference[t * ns + j] = r->difference_se[t * ns + j] = NAN;
                if (moved(opt, k, t, r->steps[j], sh + m * k))
                    slot[m++] = t * ns + j;
            }
        s->stage = INFL_STAGE_PROFILE;
        s->diff = r->difference;
        s->diff_se = r->difference_se;
        s->candidate = SIZE_MAX;
        s->candidate_gain = 0.0;
        ok = evaluate(s, m, sh, NULL, slot);
        if (!ok || s->candidate == SIZE_MAX)
            break;
        /* A point nearby is clearly better: it becomes the optimum. */
        r->best = s->candidate;
        double *tmp = s->best_trial;
        s->best_trial = s->cand_trial;
        s->cand_trial = tmp;
        tmp = s->best_spend;
        s->best_spend = s->cand_spend;
        s->cand_spend = tmp;
    }
    free(sh);
    free(slot);
    if (!ok)
        return false;
    const double *opt = r->shares + r->best * k;
    for (size_t t = 0; t < nt; t++) {
        r->flat_low[t] = r->flat_high[t] = opt[t];
        for (size_t j = INFL_OPTIMIZE_STEPS; j < ns; j++) { /* upward */
            double d = r->difference[t * ns + j], e = r->difference_se[t * ns + j];
            if (!(d >= -SIGNIFICANT * e))
                break;
            r->flat_high[t] = fmin(opt[t] + r->steps[j], 1.0);
        }
        for (size_t j = INFL_OPTIMIZE_STEPS; j-- > 0;) { /* downward */
            double d = r->difference[t * ns + j], e = r->difference_se[t * ns + j];
            if (!(d >= -SIGNIFICANT * e))
                break;
            r->flat_low[t] = fmax(opt[t] + r->steps[j], 0.0);
        }
    }
    return true;
}

/* ---- the answer judged ----------------------------------------------------- */

/* The points compared with the optimum: those of the first grid, and the
 * best per unit of spend of all the points (r->best_per_spend, set here);
 * each one's gap (and, for the best per spend, the per-spend gap) from the
 * same trials. */
static bool compare_with_optimum(search *s)
{
    infl_optimize_result *r = s->r;
    const infl_objective *o = &s->opt->objective;
    const size_t k = s->k;
    r->best_per_spend = SIZE_MAX;
    r->per_spend_gap = r->per_spend_gap_se = NAN;
    for (size_t p = 0; p < r->n_points; p++)
        if (!isnan(r->per_spend[p]) &&
            (r->best_per_spend == SIZE_MAX || r->per_spend[p] > r->per_spend[r->best_per_spend]))
            r->best_per_spend = p;
    size_t chunk[EVAL_CHUNK], m = 0;
    double shares[EVAL_CHUNK * INFL_OPTIMIZE_MAX_TIERS];
    for (size_t p = 0; p <= r->n_points; p++) {
        bool wanted = p < r->n_points && (r->stage[p] == INFL_STAGE_GRID || p == r->best_per_spend);
        if (wanted && p == r->best) { /* the optimum itself: no difference */
            r->gap[p] = r->gap_se[p] = 0.0;
            if (p == r->best_per_spend)
                r->per_spend_gap = r->per_spend_gap_se = 0.0;
            wanted = false;
        }
        if (wanted) {
            memcpy(shares + m * k, r->shares + p * k, k * sizeof *shares);
            chunk[m++] = p;
        }
        if (m == EVAL_CHUNK || (p == r->n_points && m > 0)) {
            infl_status rc =
                s->opt->eval(s->opt->user, m, shares, s->batch, s->batch_spend, s->err);
            if (rc != INFL_OK) {
                s->rc = rc;
                return false;
            }
            for (size_t j = 0; j < m; j++) {
                const double *x = s->batch + j * s->n, *sp = s->batch_spend + j * s->n;
                infl_objective_difference(o, x, s->best_trial, s->n, s->opt->seed, s->scratch,
                                          &r->gap[chunk[j]], &r->gap_se[chunk[j]]);
                if (chunk[j] == r->best_per_spend)
                    infl_objective_per_spend_difference(o, s->best_trial, s->best_spend, x, sp,
                                                        s->n, &r->per_spend_gap,
                                                        &r->per_spend_gap_se);
            }
            m = 0;
        }
    }
    return true;
}

/* The outcome, from the gaps and the spend of every point. */
static void judge(search *s)
{
    infl_optimize_result *r = s->r;
    const infl_objective *o = &s->opt->objective;
    bool constant = true, flat = true;
    r->spend_low = INFINITY;
    r->spend_high = -INFINITY;
    for (size_t p = 0; p < r->n_points; p++) {
        if (!(r->value[p] == r->value[r->best]))
            constant = false;
        if (r->stage[p] == INFL_STAGE_GRID && !(r->gap[p] >= -SIGNIFICANT * r->gap_se[p]))
            flat = false;
        r->spend_low = fmin(r->spend_low, r->spend[p]);
        r->spend_high = fmax(r->spend_high, r->spend[p]);
    }
    const double range = r->spend_high - r->spend_low;
    const size_t b = r->best, q = r->best_per_spend;
    r->losing = infl_objective_counts_spend(o) && r->value[b] + SIGNIFICANT * r->se[b] < 0.0;
    /* V = r S: against q, the split with the best return r per money spent,
     * V_b - V_q = (r_b - r_q) S_b + r_q (S_b - S_q). Where the optimum's r is
     * clearly the lower, all of its advantage is r_q (S_b - S_q): spending
     * less, at a loss. */
    const bool worse_at_equal = q != SIZE_MAX && q != b &&
                                r->per_spend_gap < -SIGNIFICANT * r->per_spend_gap_se &&
                                r->spend[b] < r->spend[q];
    /* As good at equal spend: then spending less explains the optimum where
     * it is among the splits that spend least, by a range that changes the
     * objective by more than its error (and spend by more than its own). */
    const bool tie_at_equal = q != SIZE_MAX && !worse_at_equal &&
                              !(r->per_spend_gap < -SIGNIFICANT * r->per_spend_gap_se);
    r->spends_least =
        r->spend[b] <= r->spend_low + SPEND_LEAST * range && range > 4.0 * s->spend_se_max;
    const bool least = r->spends_least && fabs(r->per_spend[b]) * range > SIGNIFICANT * r->se[b];
    r->outcome = constant ? INFL_OPTIMIZE_CONSTANT
                 : flat   ? INFL_OPTIMIZE_FLAT
                 : r->losing && (worse_at_equal || (tie_at_equal && least))
                     ? INFL_OPTIMIZE_SPEND_LESS
                     : INFL_OPTIMIZE_OPTIMUM;
    r->on_edge = false;
    for (size_t t = 0; t < s->k; t++)
        if (r->shares[r->best * s->k + t] <= EDGE)
            r->on_edge = true;
}

const char *infl_optimize_outcome_name(infl_optimize_outcome o)
{
    switch (o) {
    case INFL_OPTIMIZE_CONSTANT:
        return "constant";
    case INFL_OPTIMIZE_FLAT:
        return "flat";
    case INFL_OPTIMIZE_SPEND_LESS:
        return "spend-less";
    default:
        return "optimum";
    }
}

/* ---- the whole search ------------------------------------------------------ */

void infl_optimize_result_free(infl_optimize_result *r)
{
    if (r == NULL)
        return;
    free(r->shares);
    free(r->value);
    free(r->se);
    free(r->stage);
    free(r->spend);
    free(r->per_spend);
    free(r->per_spend_se);
    free(r->gap);
    free(r->gap_se);
    free(r->optimum);
    free(r->difference);
    free(r->difference_se);
    free(r->flat_low);
    free(r->flat_high);
    free(r);
}

infl_status infl_optimize_run(const infl_optimize_options *in, infl_optimize_result **out,
                              infl_error *err)
{
    *out = NULL;
    infl_optimize_options opt = *in;
    if (opt.n_tiers < 2 || opt.n_tiers > INFL_OPTIMIZE_MAX_TIERS)
        return infl_error_add(err, INFL_EARG, "--tiers: name 2 to %d tiers (got %zu)",
                              INFL_OPTIMIZE_MAX_TIERS, opt.n_tiers);
    if (opt.n_trials < 2 || opt.eval == NULL)
        return infl_error_add(err, INFL_EARG, "optimize: needs at least 2 trials");
    if (opt.grid == 0)
        opt.grid = opt.n_tiers == 2 ? 11 : 4;
    if (opt.tolerance == 0.0)
        opt.tolerance = 0.005;
    if (opt.n_tiers == 2 ? (opt.grid < 3 || opt.grid > 1001) : (opt.grid < 1 || opt.grid > 20))
        return infl_error_add(err, INFL_EARG,
                              "--grid: %u is out of range (two tiers: 3 to 1001 points; more: "
                              "1 to 20 divisions)",
                              opt.grid);
    if (opt.n_tiers > 2 && lattice_size(opt.n_tiers, opt.grid) > 5000)
        return infl_error_add(err, INFL_EARG,
                              "--grid: %u divisions of %zu tiers make %zu lattice points; "
                              "use fewer",
                              opt.grid, opt.n_tiers, lattice_size(opt.n_tiers, opt.grid));
    if (!(opt.tolerance > 0.0 && opt.tolerance < 0.5))
        return infl_error_add(err, INFL_EARG,
                              "--tolerance: expected a share between 0 and 0.5 (got %g)",
                              opt.tolerance);

    infl_optimize_result *r = calloc(1, sizeof *r);
    search s = {.opt = &opt, .r = r, .k = opt.n_tiers, .n = opt.n_trials, .err = err};
    if (r == NULL)
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    r->n_tiers = opt.n_tiers;
    r->grid = opt.grid;
    r->tolerance = opt.tolerance;
    r->best = SIZE_MAX;
    r->n_profile_tiers = opt.n_tiers == 2 ? 1 : opt.n_tiers;
    r->n_steps = 2 * INFL_OPTIMIZE_STEPS;
    memcpy(r->steps, profile_steps, sizeof profile_steps);
    const size_t cells = r->n_profile_tiers * r->n_steps;
    r->optimum = calloc(opt.n_tiers, sizeof *r->optimum);
    r->difference = calloc(cells, sizeof *r->difference);
    r->difference_se = calloc(cells, sizeof *r->difference_se);
    r->flat_low = calloc(r->n_profile_tiers, sizeof *r->flat_low);
    r->flat_high = calloc(r->n_profile_tiers, sizeof *r->flat_high);
    const size_t n = (size_t)opt.n_trials;
    s.batch = malloc(n * EVAL_CHUNK * sizeof *s.batch);
    s.batch_spend = malloc(n * EVAL_CHUNK * sizeof *s.batch_spend);
    s.best_trial = malloc(n * sizeof *s.best_trial);
    s.best_spend = malloc(n * sizeof *s.best_spend);
    s.cand_trial = malloc(n * sizeof *s.cand_trial);
    s.cand_spend = malloc(n * sizeof *s.cand_spend);
    s.scratch = malloc(2 * n * sizeof *s.scratch);
    infl_status rc = INFL_OK;
    if (!r->optimum || !r->difference || !r->difference_se || !r->flat_low || !r->flat_high ||
        !s.batch || !s.batch_spend || !s.best_trial || !s.best_spend || !s.cand_trial ||
        !s.cand_spend || !s.scratch) {
        rc = infl_error_add(err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    bool ok = opt.n_tiers == 2 ? search_1d(&s) : search_nd(&s);
    ok = ok && profile(&s) && compare_with_optimum(&s);
    if (ok)
        judge(&s);
    if (!ok) {
        rc = s.rc != INFL_OK ? s.rc : infl_error_add(err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    memcpy(r->optimum, r->shares + r->best * r->n_tiers, r->n_tiers * sizeof *r->optimum);
    r->value_at_optimum = r->value[r->best];
    r->se_at_optimum = r->se[r->best];
done:
    free(s.batch);
    free(s.batch_spend);
    free(s.best_trial);
    free(s.best_spend);
    free(s.cand_trial);
    free(s.cand_spend);
    free(s.scratch);
    free(s.mean);
    if (rc != INFL_OK) {
        infl_optimize_result_free(r);
        return rc;
    }
    *out = r;
    return INFL_OK;
}
