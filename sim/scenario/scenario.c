/*
 * scenario.c — lifetime, accessors and the resolved-YAML rendering of a
 * scenario (loading and validation live in scenario_load.c).
 */
#include "scenario/scenario_internal.h"

#include "base/strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void infl_scenario_free(infl_scenario *sc)
{
    if (sc == NULL)
        return;
    free(sc->origin);
    free(sc->source_text);
    free(sc->overrides);
    for (size_t i = 0; i < sc->n_sets; i++)
        free(sc->sets[i]);
    free(sc->sets);
    free(sc->name);
    free(sc->description);
    free(sc->currency);
    for (size_t i = 0; i < sc->n_regions; i++) {
        free(sc->regions[i].name);
        free(sc->regions[i].slug);
        free(sc->regions[i].countries);
    }
    free(sc->regions);
    for (size_t k = 0; k < sc->n_tiers; k++) {
        free(sc->tiers[k].name);
        infl__dist_share_destroy(&sc->tiers[k].audience);
    }
    free(sc->tiers);
    for (size_t s = 0; s < sc->n_strategies; s++) {
        free(sc->strategies[s].name);
        free(sc->strategies[s].share);
        free(sc->strategies[s].named);
    }
    free(sc->strategies);
    for (size_t i = 0; i < sc->n_creators; i++) {
        infl_creator *c = &sc->creators[i];
        free(c->handle);
        free(c->platform);
        free(c->origin);
        free(c->codes);
        free(c->code_share);
        free(c->p.name);
        infl__dist_share_destroy(&c->p.audience);
    }
    free(sc->creators);
    if (sc->roster_source != NULL) {
        free(sc->roster_source->path);
        free(sc->roster_source->text);
        free(sc->roster_source);
    }
    free(sc);
}

const char *infl_scenario_name(const infl_scenario *sc)
{
    return sc->name;
}
const char *infl_scenario_origin(const infl_scenario *sc)
{
    return sc->origin;
}
const char *infl_scenario_source_text(const infl_scenario *sc)
{
    return sc->source_text;
}
const char *infl_scenario_overrides(const infl_scenario *sc)
{
    return sc->overrides ? sc->overrides : "";
}
size_t infl_scenario_set_count(const infl_scenario *sc)
{
    return sc->n_sets;
}
const char *const *infl_scenario_sets(const infl_scenario *sc)
{
    return (const char *const *)sc->sets;
}
const char *infl_scenario_currency(const infl_scenario *sc)
{
    return sc->currency;
}
uint64_t infl_scenario_seed(const infl_scenario *sc)
{
    return sc->seed;
}
uint64_t infl_scenario_trials(const infl_scenario *sc)
{
    return sc->trials;
}
double infl_scenario_budget(const infl_scenario *sc)
{
    return sc->budget;
}

double infl__scenario_tier_mean_cost(const infl_scenario *sc, size_t k)
{
    const infl_tier *t = &sc->tiers[k];
    double price = infl__dist_mean(&t->price);
    if (t->price_per_1k)
        price *= infl__dist_mean(&t->followers) / 1000.0;
    double g = infl__dist_mean(&t->gifted_share);
    return g * sc->unit_cost + (1.0 - g) * price * (1.0 + infl__dist_mean(&t->platform_fee)) +
           infl__dist_mean(&t->overhead_per_hire);
}

const char *infl__tier_key_alternative(const char *key)
{
    static const char *const pairs[][2] = {{"price", "price_per_1k_followers"},
                                           {"engagement_rate", "engagement_per_follower"}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        if (!strcmp(key, pairs[i][0]))
            return pairs[i][1];
        if (!strcmp(key, pairs[i][1]))
            return pairs[i][0];
    }
    return NULL;
}

bool infl_scenario_has_repeat_orders(const infl_scenario *sc)
{
    return infl__scenario_has_repeat_orders(sc);
}

double infl_scenario_horizon_months(const infl_scenario *sc)
{
    return sc->horizon_months;
}
size_t infl_scenario_strategy_count(const infl_scenario *sc)
{
    return sc->n_strategies;
}
const char *infl_scenario_strategy_name(const infl_scenario *sc, size_t i)
{
    return i < sc->n_strategies ? sc->strategies[i].name : NULL;
}
double infl_scenario_strategy_share(const infl_scenario *sc, size_t s, size_t tier)
{
    return s < sc->n_strategies && tier < sc->n_tiers ? sc->strategies[s].share[tier] : NAN;
}
size_t infl_scenario_tier_count(const infl_scenario *sc)
{
    return sc->n_tiers;
}
const char *infl_scenario_tier_name(const infl_scenario *sc, size_t i)
{
    return i < sc->n_tiers ? sc->tiers[i].name : NULL;
}
size_t infl_scenario_region_count(const infl_scenario *sc)
{
    return sc->n_regions;
}
const char *infl_scenario_roster_file(const infl_scenario *sc)
{
    return sc->roster_source != NULL ? sc->roster_source->path : NULL;
}
size_t infl_scenario_creator_count(const infl_scenario *sc)
{
    return sc->n_creators;
}
const char *infl_scenario_creator_handle(const infl_scenario *sc, size_t i)
{
    return i < sc->n_creators ? sc->creators[i].handle : NULL;
}
const char *infl_scenario_region_name(const infl_scenario *sc, size_t i)
{
    return i < sc->n_regions ? sc->regions[i].name : NULL;
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

char *infl_scenario_strategies_override(size_t n, const char *const *names,
                                        const char *const *tiers, size_t n_tiers,
                                        const double *shares)
{
    strbuf b = {0};
    char buf[32];
    put(&b, "strategies=[");
    for (size_t i = 0; i < n; i++) {
        put(&b, "%s{name: ", i ? ", " : "");
        put_quoted(&b, names[i]);
        put(&b, ", allocation: {");
        bool first = true;
        for (size_t t = 0; t < n_tiers; t++) {
            double v = shares[i * n_tiers + t];
            if (v == 0.0)
                continue;
            put(&b, "%s", first ? "" : ", ");
            put_quoted(&b, tiers[t]);
            put(&b, ": %s", infl__shortest_decimal(buf, v));
            first = false;
        }
        put(&b, "}}");
    }
    put(&b, "]");
    return infl__strbuf_take(&b);
}

static void put_dist(strbuf *b, const infl_dist *d)
{
    char x[32], y[32];
    switch (d->kind) {
    case INFL_DIST_CONSTANT:
        put(b, "%s", infl__shortest_decimal(x, d->a));
        break;
    case INFL_DIST_BETA:
        put(b, "{beta: {mean: %s, kappa: %s}}", infl__shortest_decimal(x, d->a),
            infl__shortest_decimal(y, d->b));
        break;
    case INFL_DIST_LOGNORMAL:
        put(b, "{lognormal: {median: %s, sigma: %s}}", infl__shortest_decimal(x, d->a),
            infl__shortest_decimal(y, d->b));
        break;
    case INFL_DIST_LOGUNIFORM:
        put(b, "{loguniform: {min: %s, max: %s}}", infl__shortest_decimal(x, d->a),
            infl__shortest_decimal(y, d->b));
        break;
    case INFL_DIST_UNIFORM:
        put(b, "{uniform: {min: %s, max: %s}}", infl__shortest_decimal(x, d->a),
            infl__shortest_decimal(y, d->b));
        break;
    }
}

static void put_vector(strbuf *b, const double *v, size_t n)
{
    char x[32];
    put(b, "[");
    for (size_t i = 0; i < n; i++)
        put(b, "%s%s", i ? ", " : "", infl__shortest_decimal(x, v[i]));
    put(b, "]");
}

/* Every key of a tier (or of a roster creator, c != NULL, whose audience
 * by country is written as given) at indent `in`. */
static void put_tier_keys(strbuf *b, const infl_tier *t, const char *in, const infl_creator *c)
{
    char x[32];
    struct {
        const char *key;
        const infl_dist *d;
    } f[] = {
        {"followers", &t->followers},
        {t->price_per_1k ? "price_per_1k_followers" : "price", &t->price},
        {"platform_fee", &t->platform_fee},
        {"gifted_share", &t->gifted_share},
        {"real_share", &t->real_share},
        {"reach_rate", &t->reach_rate},
        {t->per_follower ? "engagement_per_follower" : "engagement_rate",
         t->per_follower ? &t->engagement_per_follower : &t->engagement_rate},
        {"interest_share", &t->interest_share},
        {"conversations_per_engagement", &t->conversations_per_engagement},
        {"overhead_per_hire", &t->overhead_per_hire},
        {"post_probability", &t->post_probability},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        put(b, "%s%s: ", in, f[i].key);
        put_dist(b, f[i].d);
        put(b, "\n");
    }
    /* Written only when on, so a scenario without the term resolves to the
     * same text as before it existed (checkpoints compare that text). */
    const infl_dist *views = &t->nonfollower_views;
    if (!infl__dist_is_zero(views)) {
        put(b, "%snonfollower_views: ", in);
        put_dist(b, views);
        put(b, "\n");
    }
    put(b, "%saudience: ", in);
    if (c != NULL && c->n_codes > 0) {
        put(b, "{");
        for (size_t j = 0; j < c->n_codes; j++)
            put(b, "%s%s: %s", j ? ", " : "", strcmp(c->codes[j], "OTHER") ? c->codes[j] : "other",
                infl__shortest_decimal(x, c->code_share[j]));
        put(b, "}\n");
    } else if (t->audience.dirichlet) {
        put(b, "{dirichlet: {mean: ");
        put_vector(b, t->audience.mean, t->audience.n);
        put(b, ", kappa: %s}}\n", infl__shortest_decimal(x, t->audience.kappa));
    } else {
        put_vector(b, t->audience.mean, t->audience.n);
        put(b, "\n");
    }
}

char *infl_scenario_resolved_yaml(const infl_scenario *sc)
{
    strbuf b = {0};
    put(&b, "# resolved scenario: every key, defaults filled in\nname: ");
    put_quoted(&b, sc->name);
    put(&b, "\ndescription: ");
    put_quoted(&b, sc->description);
    put(&b, "\nseed: %llu\ntrials: %llu\ncurrency: ", (unsigned long long)sc->seed,
        (unsigned long long)sc->trials);
    put_quoted(&b, sc->currency);
    char x[32], y[32];
    put(&b, "\nbudget: %s\nregions:\n", infl__shortest_decimal(x, sc->budget));
    for (size_t i = 0; i < sc->n_regions; i++) {
        const infl_region *r = &sc->regions[i];
        put(&b, "  - {name: ");
        put_quoted(&b, r->name);
        put(&b, ", shippable: %s", r->shippable ? "true" : "false");
        if (r->rest) {
            put(&b, ", countries: rest");
        } else if (r->n_countries > 0) {
            put(&b, ", countries: [");
            for (size_t j = 0; j < r->n_countries; j++)
                put(&b, "%s%s", j ? ", " : "", r->countries[j]);
            put(&b, "]");
        }
        put(&b, "}\n");
    }
    put(&b, "product:\n  price: %s\n  unit_cost: %s\n", infl__shortest_decimal(x, sc->price),
        infl__shortest_decimal(y, sc->unit_cost));
    put(&b, "  repeat_orders: ");
    put_dist(&b, &sc->repeat_orders);
    put(&b, "\n  horizon_months: %s\n", infl__shortest_decimal(x, sc->horizon_months));
    put(&b, "hiring:\n  rule: %s\n  max_skips: %llu\n  reallocate: %s\n",
        sc->hiring_rule == INFL_HIRING_STOP ? "stop" : "skip", (unsigned long long)sc->max_skips,
        sc->reallocate ? "true" : "false");
    put(&b, "market:\n  purchase_rate: ");
    put_dist(&b, &sc->purchase_rate);
    put(&b, "\n");
    if (sc->has_addressable) {
        put(&b, "  addressable: ");
        put_dist(&b, &sc->addressable);
        put(&b, "\n");
    } else {
        put(&b, "  # addressable: not set (unlimited market, no audience overlap)\n");
    }
    put(&b, "  wom_purchase_factor: ");
    put_dist(&b, &sc->wom_purchase_factor);
    put(&b, "\n");
    if (sc->n_tiers > 0)
        put(&b, "tiers:\n");
    for (size_t k = 0; k < sc->n_tiers; k++) {
        put(&b, "  %s:\n", sc->tiers[k].name);
        put_tier_keys(&b, &sc->tiers[k], "    ", NULL);
    }
    if (sc->n_creators > 0)
        put(&b, "roster:\n");
    for (size_t i = 0; i < sc->n_creators; i++) {
        const infl_creator *c = &sc->creators[i];
        put(&b, "  - handle: ");
        put_quoted(&b, c->handle);
        put(&b, "\n");
        if (c->platform != NULL) {
            put(&b, "    platform: ");
            put_quoted(&b, c->platform);
            put(&b, "\n");
        }
        /* Its tier's keys are filled in below; naming the tier keeps the
         * label, and changes nothing when it loads back. */
        if (c->tier != SIZE_MAX)
            put(&b, "    tier: %s\n", sc->tiers[c->tier].name);
        put_tier_keys(&b, &c->p, "    ", c);
    }
    put(&b, "strategies:\n");
    for (size_t s = 0; s < sc->n_strategies; s++) {
        put(&b, "  - name: ");
        put_quoted(&b, sc->strategies[s].name);
        const infl_strategy *st = &sc->strategies[s];
        if (st->n_named > 0) {
            put(&b, "\n    hire: [");
            for (size_t j = 0; j < st->n_named; j++) {
                put(&b, "%s", j ? ", " : "");
                put_quoted(&b, sc->creators[st->named[j]].handle);
            }
            put(&b, "]");
        }
        if (st->has_allocation) {
            put(&b, "\n    allocation: {");
            for (size_t k = 0; k < sc->n_tiers; k++)
                put(&b, "%s%s: %s", k ? ", " : "", sc->tiers[k].name,
                    infl__shortest_decimal(x, st->share[k]));
            put(&b, "}");
        }
        put(&b, "\n");
    }
    return infl__strbuf_take(&b);
}
