/*
 * range.c — the valid values of the scenario's numeric keys and of the
 * distributions' parameters (range.h). The loader's checks call these, and
 * so do the factors of a sensitivity study, so what one accepts the other
 * accepts.
 */
#include "scenario/range.h"

#include <math.h>
#include <string.h>

const infl__range INFL__RANGE_RATE = {0.0, 1.0, false, false, "in [0, 1]"};
const infl__range INFL__RANGE_OPEN_RATE = {0.0, 1.0, true, false, "in (0, 1]"};
const infl__range INFL__RANGE_UNIT_OPEN = {0.0, 1.0, true, true, "in (0, 1)"};
const infl__range INFL__RANGE_POSITIVE = {0.0, INFINITY, true, true, "> 0"};
const infl__range INFL__RANGE_NONNEGATIVE = {0.0, INFINITY, false, true, ">= 0"};
const infl__range INFL__RANGE_ANY = {-INFINITY, INFINITY, true, true, "a finite number"};

bool infl__range_contains(const infl__range *r, double v)
{
    bool lo_ok = r->lo_open ? v > r->lo : v >= r->lo;
    bool hi_ok = r->hi_open ? v < r->hi : v <= r->hi;
    return lo_ok && hi_ok;
}

#define RATE                                                                                       \
    {                                                                                              \
        0.0, 1.0, false, false, "in [0, 1]"                                                        \
    }
#define POSITIVE                                                                                   \
    {                                                                                              \
        0.0, INFINITY, true, true, "> 0"                                                           \
    }
#define NONNEGATIVE                                                                                \
    {                                                                                              \
        0.0, INFINITY, false, true, ">= 0"                                                         \
    }

static const infl__key_domain KEYS[] = {
    {"budget", {0.0, 1e15, true, false, "in (0, 1e15]"}, false, false, false, ""},
    {"product.price", POSITIVE, false, false, true, ""},
    {"product.unit_cost", POSITIVE, false, false, true, ""},
    /* A thousand further orders over any horizon is already beyond any
     * product; the bound keeps Poisson means within the sampler's range. */
    {"product.repeat_orders", {0.0, 1000.0, false, false, "in [0, 1000]"}, false, true, true, ""},
    {"product.horizon_months",
     {0.0, 1200.0, true, false, "in (0, 1200]"},
     false,
     false,
     false,
     "a label of repeat_orders: changes no number"},
    {"hiring.max_skips",
     {1.0, INFL_MAX_SKIPS_LIMIT, false, false, "in [1, 100000]"},
     true,
     false,
     false,
     ""},
    {"market.purchase_rate", RATE, false, true, true, ""},
    /* Counts are floored, at least 1, and capped at 4294967295 when drawn. */
    {"market.addressable", POSITIVE, false, true, true, "floored when drawn, at least 1"},
    {"market.wom_purchase_factor", NONNEGATIVE, false, true, true, ""},
    {"tiers.*.followers", POSITIVE, false, true, true, "floored when drawn, at least 1"},
    {"tiers.*.price", POSITIVE, false, true, true, ""},
    {"tiers.*.price_per_1k_followers", POSITIVE, false, true, true, ""},
    {"tiers.*.platform_fee", RATE, false, true, true, ""},
    {"tiers.*.gifted_share", RATE, false, true, true, ""},
    {"tiers.*.real_share", RATE, false, true, true, ""},
    {"tiers.*.reach_rate", RATE, false, true, true, ""},
    {"tiers.*.engagement_rate", RATE, false, true, true, ""},
    {"tiers.*.engagement_per_follower", NONNEGATIVE, false, true, true,
     "largest value (a lognormal's mean) at most 1; mean at most the views per follower "
     "(real_share x reach_rate + nonfollower_views, means)"},
    {"tiers.*.interest_share", RATE, false, true, true, ""},
    {"tiers.*.conversations_per_engagement", NONNEGATIVE, false, true, true, ""},
    {"tiers.*.overhead_per_hire", NONNEGATIVE, false, true, true, ""},
    {"tiers.*.post_probability", RATE, false, true, true, ""},
    {"tiers.*.nonfollower_views", NONNEGATIVE, false, true, true, ""},
    {"tiers.*.audience.dirichlet.kappa", POSITIVE, false, false, true,
     "every mean share x kappa at least 0.001"},
};

const infl__key_domain *infl__key_domain_at(size_t i)
{
    return i < sizeof KEYS / sizeof KEYS[0] ? &KEYS[i] : NULL;
}

size_t infl__key_domain_count(void)
{
    return sizeof KEYS / sizeof KEYS[0];
}

/* Whether key matches pattern, where "*" in the pattern stands for one
 * segment of any characters but '.' (a tier's name has no dot). */
static bool matches(const char *pattern, const char *key)
{
    while (*pattern && *key) {
        if (*pattern == '*') {
            while (*key && *key != '.')
                key++;
            pattern++;
            continue;
        }
        if (*pattern++ != *key++)
            return false;
    }
    return *pattern == '\0' && *key == '\0';
}

const infl__key_domain *infl__key_domain_find(const char *key)
{
    for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++)
        if (matches(KEYS[i].key, key))
            return &KEYS[i];
    return NULL;
}

const char *infl__dist_param_name(infl_dist_kind kind, int which)
{
    switch (kind) {
    case INFL_DIST_CONSTANT:
        return NULL;
    case INFL_DIST_BETA:
        return which ? "kappa" : "mean";
    case INFL_DIST_LOGNORMAL:
        return which ? "sigma" : "median";
    case INFL_DIST_LOGUNIFORM:
    case INFL_DIST_UNIFORM:
        return which ? "max" : "min";
    }
    return NULL;
}

infl__range infl__dist_param_range(infl_dist_kind kind, int which)
{
    switch (kind) {
    case INFL_DIST_BETA:
        return which ? INFL__RANGE_POSITIVE : INFL__RANGE_UNIT_OPEN;
    case INFL_DIST_LOGNORMAL:
        return which ? INFL__RANGE_NONNEGATIVE : INFL__RANGE_POSITIVE;
    case INFL_DIST_LOGUNIFORM:
        return which ? INFL__RANGE_ANY : INFL__RANGE_POSITIVE;
    case INFL_DIST_UNIFORM:
    case INFL_DIST_CONSTANT:
        break;
    }
    return INFL__RANGE_ANY;
}

infl__range infl__dist_support_range(const infl_dist *d)
{
    infl__range s = {0};
    infl__dist_support(d, &s.lo, &s.hi);
    if (d->kind == INFL_DIST_BETA)
        s.lo_open = s.hi_open = true;
    if (d->kind == INFL_DIST_LOGNORMAL && d->b > 0)
        s.lo_open = s.hi_open = true;
    return s;
}

bool infl__range_within(const infl__range *s, const infl__range *r)
{
    bool lo_ok = s->lo > r->lo || (s->lo == r->lo && (!r->lo_open || s->lo_open));
    bool hi_ok = s->hi < r->hi || (s->hi == r->hi && (!r->hi_open || s->hi_open));
    return lo_ok && hi_ok;
}

unsigned infl__dist_check(const infl_dist *d, const infl__range *key)
{
    if (d->kind == INFL_DIST_CONSTANT)
        return isfinite(d->a) && infl__range_contains(key, d->a) ? 0u : INFL__DIST_SUPPORT;
    if (!isfinite(d->a) || !isfinite(d->b))
        return (isfinite(d->a) ? 0u : INFL__DIST_BAD_A) | (isfinite(d->b) ? 0u : INFL__DIST_BAD_B);
    infl__range ra = infl__dist_param_range(d->kind, 0), rb = infl__dist_param_range(d->kind, 1);
    unsigned bad = (infl__range_contains(&ra, d->a) ? 0u : INFL__DIST_BAD_A) |
                   (infl__range_contains(&rb, d->b) ? 0u : INFL__DIST_BAD_B);
    if (bad)
        return bad;
    /* Shapes this small underflow even the gamma sampler's logarithms. */
    if (d->kind == INFL_DIST_BETA &&
        !(d->a * d->b >= INFL__MIN_SHAPE && (1 - d->a) * d->b >= INFL__MIN_SHAPE))
        return INFL__DIST_SHAPE;
    if ((d->kind == INFL_DIST_UNIFORM || d->kind == INFL_DIST_LOGUNIFORM) && !(d->b >= d->a))
        return INFL__DIST_ORDER;
    infl__range s = infl__dist_support_range(d);
    return infl__range_within(&s, key) ? 0u : INFL__DIST_SUPPORT;
}

bool infl__dirichlet_kappa_ok(double kappa, const double *mean, size_t n)
{
    if (!infl__range_contains(&INFL__RANGE_POSITIVE, kappa) || !isfinite(kappa))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(mean[i] * kappa >= INFL__MIN_SHAPE))
            return false;
    return true;
}

void infl__engagement_figures(const infl_tier *t, double *hi, double *mean, double *viewers)
{
    double lo;
    *mean = infl__dist_mean(&t->engagement_per_follower);
    infl__dist_support(&t->engagement_per_follower, &lo, hi);
    /* A bounded distribution is judged by its largest value; a lognormal
     * (what a roster file's measured rate becomes) by its mean, since its
     * rare draws above one per viewer are capped like any other. */
    if (isinf(*hi))
        *hi = *mean;
    /* Views from outside the followers are viewers too. */
    *viewers = infl__dist_mean(&t->real_share) * infl__dist_mean(&t->reach_rate) +
               infl__dist_mean(&t->nonfollower_views);
}

infl__engagement_fault infl__engagement_check(const infl_tier *t)
{
    double hi, e, viewers;
    infl__engagement_figures(t, &hi, &e, &viewers);
    if (hi > 1.0 && hi <= 100.0)
        return INFL__ENGAGEMENT_PERCENT;
    if (hi > 1.0)
        return INFL__ENGAGEMENT_ABOVE_ONE;
    if (viewers > 0 && e / viewers > 1.0)
        return INFL__ENGAGEMENT_PER_VIEWER;
    return INFL__ENGAGEMENT_OK;
}
