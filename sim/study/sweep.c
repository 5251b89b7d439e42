/*
 * sweep.c — a sweep (include/influsim/sweep.h): parsing an axis and its grid
 * values, running the scenario at every grid point, and where the best
 * strategy changes along one axis.
 */
#include "influsim/sweep.h"

#include "base/fmath.h"

#include "study/spread.h"

#include "influsim/study.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool parse_number(const char *text, size_t len, double *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, text, len);
    buf[len] = '\0';
    char *end = NULL;
    errno = 0;
    *out = strtod(buf, &end);
    return end == buf + len && errno == 0 && isfinite(*out);
}

infl_status infl_sweep_axis_parse(const char *option, const char *spec, infl_sweep_axis *out,
                                  infl_error *err)
{
    memset(out, 0, sizeof *out);
    const char *eq = strchr(spec, '=');
    if (eq == NULL || eq == spec)
        return infl_error_add(err, INFL_EARG,
                              "%s: expected KEY=FROM:TO:POINTS[:log], e.g. "
                              "budget=1000:1000000:25:log (got '%s')",
                              option, spec);
    const char *parts[4] = {eq + 1, NULL, NULL, NULL};
    size_t n_parts = 1;
    for (const char *p = eq + 1; *p; p++)
        if (*p == ':') {
            if (n_parts == 4)
                return infl_error_add(err, INFL_EARG,
                                      "%s: too many ':' in '%s' (KEY=FROM:TO:POINTS[:log])", option,
                                      spec);
            parts[n_parts++] = p + 1;
        }
    if (n_parts < 3)
        return infl_error_add(err, INFL_EARG, "%s: expected KEY=FROM:TO:POINTS[:log] (got '%s')",
                              option, spec);
    double from, to, points;
    size_t len0 = (size_t)(parts[1] - parts[0] - 1), len1 = (size_t)(parts[2] - parts[1] - 1);
    size_t len2 = n_parts > 3 ? (size_t)(parts[3] - parts[2] - 1) : strlen(parts[2]);
    bool log_scale = n_parts == 4;
    if (log_scale && strcmp(parts[3], "log") != 0)
        return infl_error_add(err, INFL_EARG, "%s: the fourth part must be 'log' (got '%s')",
                              option, parts[3]);
    if (!parse_number(parts[0], len0, &from) || !parse_number(parts[1], len1, &to))
        return infl_error_add(err, INFL_EARG, "%s: FROM and TO must be finite numbers (got '%s')",
                              option, spec);
    if (!parse_number(parts[2], len2, &points) || points != floor(points) || points < 1 ||
        points > INFL_SWEEP_MAX_POINTS)
        return infl_error_add(err, INFL_EARG,
                              "%s: POINTS must be a whole number from 1 to %d (got '%.*s')", option,
                              INFL_SWEEP_MAX_POINTS, (int)len2, parts[2]);
    if (log_scale && !(from > 0 && to > 0))
        return infl_error_add(err, INFL_EARG, "%s: a log axis needs FROM and TO above 0", option);
    size_t n = (size_t)points;
    if (n == 1 && from != to)
        return infl_error_add(err, INFL_EARG, "%s: one point needs FROM = TO", option);
    out->key = strndup(spec, (size_t)(eq - spec));
    out->name = strdup(out->key);
    out->values = malloc(n * sizeof *out->values);
    if (!out->key || !out->name || !out->values) {
        infl_sweep_axis_destroy(out);
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    }
    for (char *c = out->name; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_')
            *c = '_';
    out->n = n;
    out->log = log_scale;
    for (size_t i = 0; i < n; i++) {
        double f = n == 1 ? 0.0 : (double)i / (double)(n - 1);
        out->values[i] = log_scale
                             ? infl__fmath_exp(infl__fmath_log(from) +
                                               f * (infl__fmath_log(to) - infl__fmath_log(from)))
                             : from + f * (to - from);
    }
    /* The ends exactly as written, not as the formula rounds them. */
    out->values[0] = from;
    out->values[n - 1] = to;
    return INFL_OK;
}

void infl_sweep_axis_destroy(infl_sweep_axis *a)
{
    if (a == NULL)
        return;
    free(a->key);
    free(a->name);
    free(a->values);
    memset(a, 0, sizeof *a);
}

bool infl_sweep_axis_override(const infl_sweep_axis *a, size_t i, char *buf, size_t size)
{
    /* The shortest of %.15g .. %.17g that reads back to the same double. */
    for (int digits = 15; digits <= 17; digits++) {
        int k = snprintf(buf, size, "%s=%.*g", a->key, digits, a->values[i]);
        if (k < 0 || (size_t)k >= size)
            return false;
        if (strtod(strchr(buf, '=') + 1, NULL) == a->values[i])
            return true;
    }
    return true;
}

size_t infl_sweep_best_strategy(const infl_summary *sm, bool by_median)
{
    size_t best = 0;
    for (size_t s = 1; s < sm->n_strategies; s++) {
        const infl_stat *a = infl_summary_stat(sm, s, "conversions");
        const infl_stat *b = infl_summary_stat(sm, best, "conversions");
        double qa = a->q[4], qb = b->q[4]; /* q[4]: the 50 % level */
        bool better = by_median ? (qa > qb || (qa == qb && a->mean > b->mean)) : a->mean > b->mean;
        if (better)
            best = s;
    }
    return best;
}

infl_status infl_sweep_crossovers(const infl_sweep_axis *axis, infl_summary *const *points,
                                  infl_crossover **out, size_t *n_out, infl_error *err)
{
    *out = NULL;
    *n_out = 0;
    size_t n = 0, cap = 0;
    for (int median = 0; median <= 1; median++) {
        for (size_t i = 0; i + 1 < axis->n; i++) {
            size_t from = infl_sweep_best_strategy(points[i], median),
                   to = infl_sweep_best_strategy(points[i + 1], median);
            if (from == to)
                continue;
            if (n == cap) {
                size_t grown = cap ? 2 * cap : 8;
                infl_crossover *more = realloc(*out, grown * sizeof *more);
                if (more == NULL) {
                    free(*out);
                    *out = NULL;
                    return infl_error_add(err, INFL_ENOMEM, "out of memory listing crossovers");
                }
                *out = more;
                cap = grown;
            }
            const size_t ns = points[i]->n_strategies;
            (*out)[n++] = (infl_crossover){.by_median = median,
                                           .lower = axis->values[i],
                                           .upper = axis->values[i + 1],
                                           .from = from,
                                           .to = to,
                                           .p_to_upper = points[i + 1]->p_greater[to * ns + from],
                                           .p_from_lower = points[i]->p_greater[from * ns + to]};
        }
    }
    *n_out = n;
    return INFL_OK;
}

void infl_sweep_shard_points(size_t n_points, uint64_t index, uint64_t count, size_t *first,
                             size_t *end)
{
    if (count == 0) {
        *first = 0;
        *end = n_points;
        return;
    }
    /* n_points <= INFL_SWEEP_MAX_POINTS^2 and count < 2^20: no overflow. */
    *first = (size_t)(index * n_points / count);
    *end = (size_t)((index + 1) * n_points / count);
}

/* Point p's value on each axis, into at[]. */
static void derive_at(const infl_sweep_axis *axes, size_t n_axes, size_t p, double *at)
{
    for (size_t a = n_axes; a-- > 0; p /= axes[a].n)
        at[a] = axes[a].values[p % axes[a].n];
}

/* Point p's overrides, one per axis, into over[]; false if a key is too long. */
static bool point_overrides(const infl_sweep_axis *axes, size_t n_axes, size_t p, char (*over)[512])
{
    for (size_t a = n_axes; a-- > 0; p /= axes[a].n)
        if (!infl_sweep_axis_override(&axes[a], p % axes[a].n, over[a], sizeof over[a]))
            return false;
    return true;
}

/* Adds "at the sweep point KEY=VALUE[, KEY=VALUE]" to err; returns rc. */
static infl_status name_point(const infl_sweep_axis *axes, size_t n_axes, size_t p, infl_status rc,
                              infl_error *err)
{
    char over[INFL_SWEEP_MAX_AXES][512];
    if (!point_overrides(axes, n_axes, p, over))
        return rc;
    return infl_error_add(err, rc, "at the sweep point %s%s%s", over[0], n_axes > 1 ? ", " : "",
                          n_axes > 1 ? over[1] : "");
}

/* Derives point p of the grid from base into *sc (owned), its values on
 * each axis into at[]. */
static infl_status derive_point(const infl_scenario *base, const infl_sweep_axis *axes,
                                size_t n_axes, size_t p, infl_scenario **sc, double *at,
                                infl_error *err)
{
    char over[INFL_SWEEP_MAX_AXES][512];
    const char *extra[INFL_SWEEP_MAX_AXES] = {NULL};
    if (!point_overrides(axes, n_axes, p, over))
        return infl_error_add(err, INFL_EARG, "--vary: key too long");
    for (size_t a = 0; a < n_axes; a++)
        extra[a] = over[a];
    derive_at(axes, n_axes, p, at);
    infl_status rc = infl_scenario_derive(base, extra, n_axes, sc, err);
    return rc == INFL_OK ? INFL_OK : name_point(axes, n_axes, p, rc, err);
}

/* Runs point p into out->points[p]; its values on the axes into at[]. A run
 * that fails names the point after the engine's messages. */
static infl_status run_point(const infl_scenario *base, const infl_sweep_axis *axes, size_t n_axes,
                             const infl_sweep_options *opt, size_t p, double *at,
                             infl_sweep_result *out, infl_error *err)
{
    infl_scenario *sc = NULL;
    infl_status rc = derive_point(base, axes, n_axes, p, &sc, at, err);
    if (rc != INFL_OK)
        return rc;
    infl_run_stats stats = {0};
    rc = infl_study_summary(sc, opt->threads, NULL, opt->no_trials, &out->points[p], &stats, err);
    infl_scenario_free(sc);
    if (rc != INFL_OK)
        return name_point(axes, n_axes, p, rc, err);
    out->threads = stats.threads;
    return INFL_OK;
}

/* An infl__spread_get_fn: another rank's summary of a point. */
typedef struct {
    infl_sweep_result *out;
    size_t first;
} spread_ctx;

static bool get_point(void *user, size_t run, infl__wire *w)
{
    spread_ctx *c = user;
    infl_summary **slot = &c->out->points[c->first + run];
    return *slot == NULL && infl__wire_get_summary(w, slot);
}

/* Points [first, end) dealt to the ranks of opt->cluster, costliest first
 * (a point's trials times its funnels), each run whole on one rank; then
 * every rank holds them all. The failure reported is the lowest point's, as
 * one process reports it: a bad point's scenario (known to every rank before
 * anything runs) or a failing run, whichever comes first in grid order. */
static infl_status run_spread(const infl_scenario *base, const infl_sweep_axis *axes, size_t n_axes,
                              const infl_sweep_options *opt, size_t first, size_t end,
                              infl_sweep_result *out, infl_error *err)
{
    const infl_cluster *cl = opt->cluster;
    const size_t n = end - first;
    double *cost = calloc(n ? n : 1, sizeof *cost);
    int *owner = calloc(n ? n : 1, sizeof *owner);
    size_t *order = calloc(n ? n : 1, sizeof *order);
    infl_error bad_point;
    infl_error_init(&bad_point);
    infl__spread_failure failed;
    infl__spread_failure_init(&failed);
    infl__wire mine;
    infl__wire_init(&mine);
    infl_status rc = INFL_OK;
    /* A rank out of memory still joins the exchange (the others wait for
     * it), with bytes that every other rank fails to decode. */
    const bool ready = cost != NULL && owner != NULL && order != NULL;
    size_t n_ok = ready ? n : 0; /* the points before the first whose scenario is bad */
    double at[INFL_SWEEP_MAX_AXES];
    for (size_t i = 0; i < n_ok; i++) {
        infl_scenario *sc = NULL;
        if (derive_point(base, axes, n_axes, first + i, &sc, at, &bad_point) != INFL_OK) {
            n_ok = i;
            break;
        }
        cost[i] = infl__spread_cost(sc);
        infl_scenario_free(sc);
    }
    if (ready)
        infl__spread_assign(cost, n_ok, cl->size, owner, order);
    size_t n_mine = 0;
    for (size_t k = 0; k < n_ok; k++) {
        const size_t i = order[k];
        /* A point above this rank's failure would not be reported. */
        if (owner[i] != cl->rank || (failed.run != (size_t)-1 && i > failed.run))
            continue;
        infl_error own;
        infl_error_init(&own);
        infl_status st = run_point(base, axes, n_axes, opt, first + i, at, out, &own);
        if (st != INFL_OK)
            infl__spread_failure_note(&failed, i, st, &own);
        else if (infl__wire_put_u64(&mine, i) &&
                 infl__wire_put_summary(&mine, out->points[first + i]))
            n_mine++;
        infl_error_destroy(&own);
    }
    if (!ready || mine.bad) /* a point said, none sent: every other rank fails to decode */
        mine.len = 0, n_mine = 1;
    spread_ctx ctx = {.out = out, .first = first};
    rc = infl__spread_exchange(cl, n_ok, &mine, n_mine, &failed, get_point, &ctx, err);
    if (rc == INFL_OK && (!ready || mine.bad))
        rc = infl_error_add(err, INFL_ENOMEM, "out of memory sending the sweep's points");
    if (rc != INFL_OK)
        goto done;
    if (out->threads == 0) /* this rank ran no point */
        out->threads = opt->threads ? opt->threads : infl_engine_default_threads();
    const size_t stop = failed.run != (size_t)-1 ? failed.run : n_ok;
    for (size_t i = 0; opt->point != NULL && i < stop; i++) {
        derive_at(axes, n_axes, first + i, at);
        opt->point(opt->user, first + i, at, out->points[first + i]);
    }
    if (failed.run != (size_t)-1) {
        infl_error_merge(err, &failed.err);
        rc = failed.status;
    } else if (n_ok < n) {
        rc = infl_error_merge(err, &bad_point);
    }
done:
    infl__wire_destroy(&mine);
    infl__spread_failure_destroy(&failed);
    infl_error_destroy(&bad_point);
    free(cost);
    free(owner);
    free(order);
    return rc;
}

infl_status infl_sweep_run(const infl_scenario *base, const infl_sweep_axis *axes, size_t n_axes,
                           const infl_sweep_options *opt, infl_sweep_result *out, infl_error *err)
{
    memset(out, 0, sizeof *out);
    if (n_axes < 1 || n_axes > INFL_SWEEP_MAX_AXES)
        return infl_error_add(err, INFL_EARG, "--vary: from 1 to %d keys (got %zu)",
                              INFL_SWEEP_MAX_AXES, n_axes);
    size_t n_points = 1;
    for (size_t a = 0; a < n_axes; a++)
        n_points *= axes[a].n;
    out->points = calloc(n_points, sizeof *out->points);
    if (out->points == NULL)
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    out->n_points = n_points;
    size_t first, end;
    infl_sweep_shard_points(n_points, opt->shard_index, opt->shard_count, &first, &end);
    if (opt->cluster != NULL && opt->cluster->size > 1)
        return run_spread(base, axes, n_axes, opt, first, end, out, err);
    for (size_t p = first; p < end; p++) {
        double at[INFL_SWEEP_MAX_AXES] = {0};
        infl_status rc = run_point(base, axes, n_axes, opt, p, at, out, err);
        if (rc != INFL_OK)
            return rc;
        if (opt->point != NULL)
            opt->point(opt->user, p, at, out->points[p]);
    }
    return INFL_OK;
}

void infl_sweep_result_destroy(infl_sweep_result *r)
{
    if (r == NULL)
        return;
    for (size_t p = 0; r->points != NULL && p < r->n_points; p++)
        infl_summary_free(r->points[p]);
    free(r->points);
    memset(r, 0, sizeof *r);
}
