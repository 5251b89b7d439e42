/*
 * scenario_params.c — the numeric parameters of a resolved scenario that
 * `--set` reaches, each with its readable name and its valid domain
 * (influsim/scenario.h, infl_scenario_parameters).
 *
 * A domain is found with the loader's own rules (scenario/range.h): from the
 * parameter's value, outward to the bound its range allows, each candidate
 * value is checked on a copy of the scenario's numbers as the loader would
 * check it (the distribution's rules and the tier's engagement check), and
 * where a rule between parameters binds first (a min above its max, a beta's
 * shape below 0.001), the last valid value is found by bisection over the
 * doubles. Every rule is monotone in each parameter, so that edge is the
 * domain's.
 */
#include "scenario/scenario_params.h"
#include "scenario/range.h"
#include "scenario/scenario_internal.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_LEN 192

/* The scenario's numbers, copied so that a candidate value can be tried. */
typedef struct {
    double budget, price, unit_cost, horizon, max_skips;
    infl_dist repeat_orders, purchase_rate, addressable, wom;
    infl_tier *tiers; /* shallow copies: the audience's arrays stay sc's, read only */
    size_t n_tiers;
    const infl_scenario *sc; /* its original values, and the roster's creators */
} work;

/* One parameter: where its value lives in the work copy and its rules. */
typedef struct {
    char key[KEY_LEN];
    char label[KEY_LEN];
    double *x;         /* a plain number, or a Dirichlet's kappa */
    infl_dist *d;      /* or a distribution: its a (which 0) or b (which 1) */
    int which;         /* for d, or -1 */
    infl_tier *tier;   /* the tier it belongs to, or NULL */
    size_t tier_index; /* its index, or SIZE_MAX */
    const work *w;
    const infl_share_dist *audience; /* a Dirichlet's kappa: its means */
    const infl__range *range;        /* the key's range */
    bool engagement;                 /* part of an engagement check: of a per-follower tier, or of a
                                        per-follower creator that names the tier */
    bool integer, assumption;
    size_t group;
} ref;

static bool work_init(work *w, const infl_scenario *sc)
{
    *w = (work){.budget = sc->budget,
                .price = sc->price,
                .unit_cost = sc->unit_cost,
                .horizon = sc->horizon_months,
                .max_skips = (double)sc->max_skips,
                .repeat_orders = sc->repeat_orders,
                .purchase_rate = sc->purchase_rate,
                .addressable = sc->addressable,
                .wom = sc->wom_purchase_factor,
                .n_tiers = sc->n_tiers,
                .sc = sc};
    w->tiers = malloc((sc->n_tiers ? sc->n_tiers : 1) * sizeof *w->tiers);
    if (w->tiers == NULL)
        return false;
    if (sc->n_tiers > 0)
        memcpy(w->tiers, sc->tiers, sc->n_tiers * sizeof *w->tiers);
    return true;
}

static double get(const ref *r)
{
    if (r->x != NULL)
        return *r->x;
    return r->which == 0 ? r->d->a : r->d->b;
}

static void set(const ref *r, double v)
{
    if (r->x != NULL)
        *r->x = v;
    else if (r->which == 0)
        r->d->a = v;
    else
        r->d->b = v;
}

static bool same_dist(const infl_dist *a, const infl_dist *b)
{
    return a->kind == b->kind && a->a == b->a && a->b == b->b;
}

/*
 * The engagement check of every per-follower creator that names tier k,
 * with the tier's current values where the creator took the tier's (a
 * creator's distribution equal to the tier's original is taken to be the
 * tier's: if the creator wrote the same itself, the check is only stricter).
 */
static bool creators_ok(const work *w, size_t k)
{
    const infl_scenario *sc = w->sc;
    const infl_tier *orig = &sc->tiers[k], *now = &w->tiers[k];
    for (size_t i = 0; i < sc->n_creators; i++) {
        const infl_creator *c = &sc->creators[i];
        if (c->tier != k || !c->p.per_follower)
            continue;
        infl_tier p = c->p;
        infl_dist *mine[] = {&p.engagement_per_follower, &p.real_share, &p.reach_rate,
                             &p.nonfollower_views};
        const infl_dist *was[] = {&orig->engagement_per_follower, &orig->real_share,
                                  &orig->reach_rate, &orig->nonfollower_views};
        const infl_dist *is[] = {&now->engagement_per_follower, &now->real_share, &now->reach_rate,
                                 &now->nonfollower_views};
        for (size_t j = 0; j < 4; j++)
            if (same_dist(mine[j], was[j]))
                *mine[j] = *is[j];
        if (infl__engagement_check(&p) != INFL__ENGAGEMENT_OK)
            return false;
    }
    return true;
}

/* Whether r's value passes the loader's checks (integrality aside). */
static bool valid(const ref *r)
{
    if (r->audience != NULL)
        return infl__dirichlet_kappa_ok(*r->x, r->audience->mean, r->audience->n);
    if (r->x != NULL)
        return isfinite(*r->x) && infl__range_contains(r->range, *r->x);
    if (infl__dist_check(r->d, r->range) != 0)
        return false;
    if (r->engagement) {
        /* The engagement check reads the other three distributions: each
         * must itself be valid for it to mean anything. */
        const infl_tier *t = r->tier;
        const infl_dist *ds[] = {&t->engagement_per_follower, &t->real_share, &t->reach_rate,
                                 &t->nonfollower_views};
        const char *keys[] = {"tiers.*.engagement_per_follower", "tiers.*.real_share",
                              "tiers.*.reach_rate", "tiers.*.nonfollower_views"};
        for (size_t i = 0; i < 4; i++)
            if (infl__dist_check(ds[i], &infl__key_domain_find(keys[i])->range) != 0)
                return false;
        if (t->per_follower && infl__engagement_check(t) != INFL__ENGAGEMENT_OK)
            return false;
        return creators_ok(r->w, r->tier_index);
    }
    return true;
}

/* Readable words for a key: underscores as spaces, but for a few names. */
static void words(char *out, size_t size, const char *key)
{
    static const char *const names[][2] = {
        {"nonfollower_views", "non-follower views"},
        {"wom_purchase_factor", "word-of-mouth purchase factor"},
        {"addressable", "addressable market"},
        {"unit_cost", "unit cost"},
        {"max_skips", "most creators skipped in a row"},
        {"horizon_months", "repeat-order horizon (months)"},
        {"price_per_1k_followers", "price per 1k followers"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!strcmp(key, names[i][0])) {
            snprintf(out, size, "%s", names[i][1]);
            return;
        }
    }
    snprintf(out, size, "%s", key);
    for (char *c = out; *c; c++)
        if (*c == '_')
            *c = ' ';
}

/* Collects the parameters into out (NULL: only counts them). */
typedef struct {
    ref *out;
    size_t n;
    size_t groups;
    const work *w;
} collector;

static ref *add(collector *c)
{
    if (c->out == NULL) {
        c->n++;
        return NULL;
    }
    ref *r = &c->out[c->n++];
    memset(r, 0, sizeof *r);
    r->which = -1;
    r->tier_index = SIZE_MAX;
    r->w = c->w;
    return r;
}

/* A plain number `key` (a section's prefix for the label, or ""). */
static void add_number(collector *c, const char *key, const char *prefix, const char *name,
                       double *x)
{
    ref *r = add(c);
    size_t g = c->groups++;
    if (r == NULL)
        return;
    const infl__key_domain *dom = infl__key_domain_find(key);
    snprintf(r->key, sizeof r->key, "%s", key);
    char w[96];
    words(w, sizeof w, name);
    snprintf(r->label, sizeof r->label, "%s%s", prefix, w);
    r->x = x;
    r->range = &dom->range;
    r->integer = dom->integer;
    r->assumption = dom->assumption;
    r->group = g;
}

/* A distribution-valued key: the constant itself, or each parameter.
 * `pattern` is its key in range.c's table, `tier` its tier or NULL; the
 * engagement group of a per-follower tier is `engagement_group`. */
static void add_dist(collector *c, const char *key, const char *pattern, const char *prefix,
                     const char *name, infl_dist *d, infl_tier *tier, size_t tier_index,
                     bool engagement, size_t engagement_group)
{
    const infl__key_domain *dom = infl__key_domain_find(pattern);
    size_t g = engagement ? engagement_group : c->groups++;
    char w[96];
    words(w, sizeof w, name);
    size_t n = d->kind == INFL_DIST_CONSTANT ? 1 : 2;
    for (size_t i = 0; i < n; i++) {
        ref *r = add(c);
        if (r == NULL)
            continue;
        const char *p = infl__dist_param_name(d->kind, (int)i);
        if (p == NULL) {
            snprintf(r->key, sizeof r->key, "%s", key);
            snprintf(r->label, sizeof r->label, "%s%s", prefix, w);
        } else {
            snprintf(r->key, sizeof r->key, "%s.%s.%s", key, infl__dist_kind_name(d->kind), p);
            snprintf(r->label, sizeof r->label, "%s%s (%s)", prefix, w, p);
        }
        r->d = d;
        r->which = (int)i;
        r->tier = tier;
        r->tier_index = tier_index;
        r->w = c->w;
        r->range = &dom->range;
        r->engagement = engagement;
        r->assumption = dom->assumption;
        r->group = g;
    }
}

static void collect(collector *c, work *w, const infl_scenario *sc)
{
    add_number(c, "budget", "", "budget", &w->budget);
    add_number(c, "product.price", "product ", "price", &w->price);
    add_number(c, "product.unit_cost", "product ", "unit_cost", &w->unit_cost);
    add_dist(c, "product.repeat_orders", "product.repeat_orders", "", "repeat_orders",
             &w->repeat_orders, NULL, SIZE_MAX, false, 0);
    add_number(c, "product.horizon_months", "", "horizon_months", &w->horizon);
    add_number(c, "hiring.max_skips", "", "max_skips", &w->max_skips);
    add_dist(c, "market.purchase_rate", "market.purchase_rate", "", "purchase_rate",
             &w->purchase_rate, NULL, SIZE_MAX, false, 0);
    if (sc->has_addressable)
        add_dist(c, "market.addressable", "market.addressable", "", "addressable", &w->addressable,
                 NULL, SIZE_MAX, false, 0);
    add_dist(c, "market.wom_purchase_factor", "market.wom_purchase_factor", "",
             "wom_purchase_factor", &w->wom, NULL, SIZE_MAX, false, 0);
    for (size_t k = 0; k < w->n_tiers; k++) {
        infl_tier *t = &w->tiers[k];
        char prefix[96], key[KEY_LEN], pattern[KEY_LEN];
        snprintf(prefix, sizeof prefix, "%s ", t->name);
        const bool pf = t->per_follower;
        /* Its real share, reach and views enter an engagement check if the
         * tier, or a creator that names it, gives engagement per follower. */
        bool engaged = pf;
        for (size_t i = 0; i < sc->n_creators && !engaged; i++)
            engaged = sc->creators[i].tier == k && sc->creators[i].p.per_follower;
        const size_t eg = engaged ? c->groups++ : 0;
        struct {
            const char *key;
            infl_dist *d;
            bool engagement;
        } f[] = {
            {"followers", &t->followers, false},
            {t->price_per_1k ? "price_per_1k_followers" : "price", &t->price, false},
            {"platform_fee", &t->platform_fee, false},
            {"gifted_share", &t->gifted_share, false},
            {"real_share", &t->real_share, engaged},
            {"reach_rate", &t->reach_rate, engaged},
            {pf ? "engagement_per_follower" : "engagement_rate",
             pf ? &t->engagement_per_follower : &t->engagement_rate, pf},
            {"interest_share", &t->interest_share, false},
            {"conversations_per_engagement", &t->conversations_per_engagement, false},
            {"overhead_per_hire", &t->overhead_per_hire, false},
            {"post_probability", &t->post_probability, false},
            {"nonfollower_views", &t->nonfollower_views, engaged},
        };
        for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
            snprintf(key, sizeof key, "tiers.%s.%s", t->name, f[i].key);
            snprintf(pattern, sizeof pattern, "tiers.*.%s", f[i].key);
            add_dist(c, key, pattern, prefix, f[i].key, f[i].d, t, k, f[i].engagement, eg);
        }
        if (t->audience.dirichlet) {
            ref *r = add(c);
            size_t g = c->groups++;
            if (r != NULL) {
                const infl__key_domain *dom =
                    infl__key_domain_find("tiers.*.audience.dirichlet.kappa");
                snprintf(r->key, sizeof r->key, "tiers.%s.audience.dirichlet.kappa", t->name);
                snprintf(r->label, sizeof r->label, "%saudience (kappa)", prefix);
                r->x = &t->audience.kappa;
                r->audience = &t->audience;
                r->tier = t;
                r->range = &dom->range;
                r->assumption = dom->assumption;
                r->group = g;
            }
        }
    }
}

/* The parameters of sc in a new array over w (*n of them), or NULL. */
static ref *refs_new(work *w, const infl_scenario *sc, size_t *n)
{
    collector count = {.w = w};
    collect(&count, w, sc);
    collector c = {.out = calloc(count.n ? count.n : 1, sizeof *c.out), .w = w};
    if (c.out == NULL)
        return NULL;
    collect(&c, w, sc);
    *n = c.n;
    return c.out;
}

/* Doubles in an order-preserving integer form, so that a bisection over
 * doubles takes at most 64 steps. */
static int64_t ordered(double x)
{
    int64_t i;
    memcpy(&i, &x, sizeof i);
    return i < 0 ? INT64_MIN - i : i;
}

static double unordered(int64_t i)
{
    if (i < 0)
        i = INT64_MIN - i;
    double x;
    memcpy(&x, &i, sizeof x);
    return x;
}

/* The domain's edge from r's value v0 toward b (open: b excluded): b itself
 * where the rules allow every value up to it, else the last valid value
 * (closed). r's value is v0 again on return. */
static double edge(const ref *r, double v0, double b, bool b_open, bool *open)
{
    const bool up = b > v0;
    double t = isinf(b) ? (up ? DBL_MAX : -DBL_MAX) : b_open ? nextafter(b, v0) : b;
    *open = false;
    if (up ? !(t > v0) : !(t < v0))
        return v0;
    set(r, t);
    bool ok = valid(r);
    set(r, v0);
    if (ok) {
        *open = b_open || isinf(b);
        return isinf(b) ? b : (b_open ? b : t);
    }
    int64_t good = ordered(v0), bad = ordered(t);
    for (;;) {
        int64_t mid = good / 2 + bad / 2 + (good % 2 + bad % 2) / 2;
        if (mid == good || mid == bad)
            break;
        set(r, unordered(mid));
        if (valid(r))
            good = mid;
        else
            bad = mid;
    }
    set(r, v0);
    return unordered(good);
}

/* The values r may take by its own rules before those between parameters:
 * its parameter range, and for a value (not a kappa or sigma) its key's. */
static infl__range own_range(const ref *r)
{
    if (r->x != NULL)
        return *r->range;
    if (r->d->kind == INFL_DIST_CONSTANT)
        return *r->range;
    infl__range p = infl__dist_param_range(r->d->kind, r->which);
    bool is_value =
        r->d->kind != INFL_DIST_CONSTANT &&
        !((r->d->kind == INFL_DIST_BETA || r->d->kind == INFL_DIST_LOGNORMAL) && r->which == 1);
    if (is_value) {
        if (r->range->lo > p.lo || (r->range->lo == p.lo && r->range->lo_open)) {
            p.lo = r->range->lo;
            p.lo_open = r->range->lo_open;
        }
        if (r->range->hi < p.hi || (r->range->hi == p.hi && r->range->hi_open)) {
            p.hi = r->range->hi;
            p.hi_open = r->range->hi_open;
        }
    }
    return p;
}

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

infl_status infl_scenario_parameters(const infl_scenario *sc, infl_scenario_parameter **out,
                                     size_t *n, infl_error *err)
{
    *out = NULL;
    *n = 0;
    work w;
    if (!work_init(&w, sc))
        return infl_error_add(err, INFL_ENOMEM, "scenario parameters: out of memory");
    size_t count = 0;
    ref *refs = refs_new(&w, sc, &count);
    infl_scenario_parameter *p = refs ? calloc(count ? count : 1, sizeof *p) : NULL;
    infl_status rc = INFL_OK;
    if (p == NULL) {
        rc = infl_error_add(err, INFL_ENOMEM, "scenario parameters: out of memory");
        goto done;
    }
    for (size_t i = 0; i < count; i++) {
        const ref *r = &refs[i];
        infl_scenario_parameter *q = &p[i];
        q->path = dup(r->key);
        q->label = dup(r->label);
        if (q->path == NULL || q->label == NULL) {
            infl_scenario_parameters_free(p, count);
            p = NULL;
            rc = infl_error_add(err, INFL_ENOMEM, "scenario parameters: out of memory");
            goto done;
        }
        double v = get(r);
        infl__range own = own_range(r);
        q->value = v;
        q->min = edge(r, v, own.lo, own.lo_open, &q->min_open);
        q->max = edge(r, v, own.hi, own.hi_open, &q->max_open);
        q->integer = r->integer;
        q->assumption = r->assumption && !r->integer;
        q->group = r->group;
    }
    *out = p;
    *n = count;
done:
    free(refs);
    free(w.tiers);
    return rc;
}

void infl_scenario_parameters_free(infl_scenario_parameter *p, size_t n)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        free(p[i].path);
        free(p[i].label);
    }
    free(p);
}

struct infl__params_check {
    work w;
    ref *refs;
    size_t n;
};

infl__params_check *infl__params_check_new(const infl_scenario *sc)
{
    infl__params_check *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    if (!work_init(&c->w, sc)) {
        free(c);
        return NULL;
    }
    if ((c->refs = refs_new(&c->w, sc, &c->n)) == NULL) {
        infl__params_check_free(c);
        return NULL;
    }
    return c;
}

size_t infl__params_check_index(const infl__params_check *c, const char *key)
{
    for (size_t j = 0; j < c->n; j++)
        if (!strcmp(c->refs[j].key, key))
            return j;
    return SIZE_MAX;
}

bool infl__params_check_valid(infl__params_check *c, const size_t *at, const double *values,
                              size_t n)
{
    enum { MAX_AT = 64 };
    double saved[MAX_AT];
    if (n > MAX_AT)
        return false;
    bool ok = true;
    size_t i = 0;
    for (; i < n; i++) {
        if (at[i] >= c->n)
            break;
        saved[i] = get(&c->refs[at[i]]);
        set(&c->refs[at[i]], values[i]);
    }
    ok = i == n;
    for (size_t j = 0; ok && j < n; j++) {
        const ref *r = &c->refs[at[j]];
        ok = valid(r) && !(r->integer && values[j] != floor(values[j]));
    }
    /* Back in reverse order, so a parameter given twice gets its own value. */
    while (i-- > 0)
        set(&c->refs[at[i]], saved[i]);
    return ok;
}

void infl__params_check_free(infl__params_check *c)
{
    if (c == NULL)
        return;
    free(c->refs);
    free(c->w.tiers);
    free(c);
}
