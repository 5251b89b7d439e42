/*
 * outlook.c — what a scenario implies before it is run (influsim/outlook.h):
 * per tier, the means of engagement per follower and per viewer, of cost per
 * hire and per engagement and of conversions per hire; per strategy, its
 * expected hires and conversions. `check` prints it so that a unit mistake
 * shows before a run.
 *
 * The funnel of a hire (docs/model.md, "One trial, step by step") multiplies
 * independent draws: followers from the candidate's stream, the rates and the
 * audience from the hire's, the purchase rate from the trial's. The mean of a
 * product of independent factors is the product of their means, so most of
 * what follows is exact; the exceptions, each noted where it is made, are the
 * cap at one engagement per viewer, min(1, p x w), the flooring of follower
 * counts, audience overlap, and the hiring itself (which creators fit the
 * money left depends on their cost, not only its mean).
 */
#include "influsim/outlook.h"

#include "base/fmath.h"

#include "random/dist.h"
#include "scenario/scenario_internal.h"

#include <math.h>
#include <stdlib.h>

/* E[X^2] of a distribution (analytic), for the spread of costs. */
static double dist_mean_sq(const infl_dist *d)
{
    double a = d->a, b = d->b;
    switch (d->kind) {
    case INFL_DIST_CONSTANT:
        return a * a;
    case INFL_DIST_BETA: /* mean a, kappa b: variance a (1 - a) / (b + 1) */
        return a * a + a * (1.0 - a) / (b + 1.0);
    case INFL_DIST_LOGNORMAL: /* median a, sigma b */
        return a * a * infl__fmath_exp(2.0 * b * b);
    case INFL_DIST_LOGUNIFORM:
        return a == b ? a * a : (b * b - a * a) / (2.0 * (infl__fmath_log(b) - infl__fmath_log(a)));
    case INFL_DIST_UNIFORM:
        return (a * a + a * b + b * b) / 3.0;
    }
    return NAN;
}

static double ratio(double num, double den)
{
    return den > 0 ? num / den : NAN;
}

/* The implied means of tier t (or of a named creator: its parameters; every
 * field but hires_whole_budget), with the market's mean purchase rate p and
 * word-of-mouth rate pw. */
static void tier_outlook(const infl_scenario *sc, const infl_tier *t, double p, double pw,
                         infl_outlook_tier *o)
{
    o->name = t->name;
    o->per_follower = t->per_follower;
    o->followers = infl__dist_mean(&t->followers);

    /* Cost: a paid hire pays price x (1 + fee), a gifted one the unit cost;
     * both pay the overhead. The draws are independent, so for the second
     * moment E[(P (1 + f) + o)^2] = E[P^2] E[(1 + f)^2] + 2 E[P] E[1 + f] E[o]
     * + E[o^2]. A price per 1,000 followers multiplies by F / 1000 (the
     * model floors F; left out). */
    double price = infl__dist_mean(&t->price), price_sq = dist_mean_sq(&t->price);
    if (t->price_per_1k) {
        price *= o->followers / 1000.0;
        price_sq *= dist_mean_sq(&t->followers) / 1e6;
    }
    double fee = infl__dist_mean(&t->platform_fee);
    double fee1 = 1.0 + fee, fee1_sq = 1.0 + 2.0 * fee + dist_mean_sq(&t->platform_fee);
    double over = infl__dist_mean(&t->overhead_per_hire);
    double over_sq = dist_mean_sq(&t->overhead_per_hire);
    double g = infl__dist_mean(&t->gifted_share), u = sc->unit_cost;
    double pay = price * fee1;
    o->gifted = g;
    o->post_probability = infl__dist_mean(&t->post_probability);
    o->cost_per_hire = g * u + (1.0 - g) * pay + over;
    o->cost_sq_per_hire = g * (u * u + 2.0 * u * over + over_sq) +
                          (1.0 - g) * (price_sq * fee1_sq + 2.0 * pay * over + over_sq);
    /* A paid fee returns when the post is not delivered; a gifted product
     * and the overhead are spent either way. */
    o->spend_per_hire = g * u + (1.0 - g) * pay * o->post_probability + over;

    /* Engagement. For engagement_per_follower e, a hire's rate per viewer is
     * min(1, e / (rho r + u)) and its engagements per follower min(rho r + u, e):
     * the mean of e is an upper bound, exact where the cap never binds. */
    o->nonfollower_views = infl__dist_mean(&t->nonfollower_views);
    o->viewers_per_follower = infl__dist_mean(&t->real_share) * infl__dist_mean(&t->reach_rate) +
                              infl__dist_mean(&t->nonfollower_views);
    if (t->per_follower) {
        /* E[min(rho r, e)] <= min(E[rho r], E[e]) (min is concave). */
        double e = infl__dist_mean(&t->engagement_per_follower);
        o->engagement_per_follower = e < o->viewers_per_follower ? e : o->viewers_per_follower;
        o->engagement_per_viewer = ratio(o->engagement_per_follower, o->viewers_per_follower);
    } else {
        o->engagement_per_viewer = infl__dist_mean(&t->engagement_rate);
        o->engagement_per_follower = o->viewers_per_follower * o->engagement_per_viewer;
    }
    const double q = o->post_probability;
    o->engagements_per_hire = o->followers * o->engagement_per_follower * q;

    /* Conversions: of E engagements, S = E x a_S shippable on average (the
     * multinomial split by the hire's audience), I = S x interest
     * interested, and p I buy; word of mouth adds E x cpe conversations, of
     * which interest x a_S are prospects who buy at min(1, p w). */
    double ship = 0.0;
    for (size_t i = 0; i < sc->n_regions && i < t->audience.n; i++)
        if (sc->regions[i].shippable)
            ship += t->audience.mean[i];
    o->shippable_share = ship > 1.0 ? 1.0 : ship;
    double interest = infl__dist_mean(&t->interest_share);
    double cpe = infl__dist_mean(&t->conversations_per_engagement);
    o->interested_per_hire = o->engagements_per_hire * o->shippable_share * interest;
    o->wom_conversions_per_hire =
        o->engagements_per_hire * cpe * interest * o->shippable_share * pw;
    o->conversions_per_hire = o->interested_per_hire * p + o->wom_conversions_per_hire;
    o->cost_per_engagement = ratio(o->spend_per_hire, o->engagements_per_hire);
    o->cost_per_conversion = ratio(o->spend_per_hire, o->conversions_per_hire);

    /* A per-viewer rate that lies in the range dashboards quote per follower,
     * is itself implausibly low per viewer, and implies an engagement per
     * follower below every published one: probably pasted from a dashboard. */
    o->looks_per_follower = !t->per_follower &&
                            o->engagement_per_viewer >= INFL_OUTLOOK_PER_FOLLOWER_LOW &&
                            o->engagement_per_viewer < INFL_OUTLOOK_PER_VIEWER_LOW &&
                            o->engagement_per_follower < INFL_OUTLOOK_PER_FOLLOWER_LOW;
}

/*
 * Expected hires that `money` buys from a tier with mean cost c and second
 * moment c2. Under `stop` the hires are the renewal count N(B) = #{n : S_n <=
 * B} of the cost sums, whose mean is B / c + E[c^2] / (2 c^2) - 1 + o(1)
 * (the elementary renewal theorem with its second-order term; Lorden's
 * bounds put it within B / c - 1 and B / c + E[c^2] / c^2 - 1 for every B).
 * Under `skip` a creator who does not fit is passed over and cheaper ones
 * fill the rest, so about B / c.
 */
static double hires_for(double money, double c, double c2, bool stop)
{
    if (!(money > 0))
        return 0.0;
    if (!(c > 0))
        return INFINITY; /* free posts: the run stops at its limit of hires */
    double h = money / c;
    if (stop && isfinite(c2)) {
        h += c2 / (2.0 * c * c) - 1.0;
        if (h < 0)
            h = 0.0;
    }
    return h;
}

static infl_status strategy_outlook(const infl_scenario *sc, const infl_outlook *ol, size_t s,
                                    infl_outlook_strategy *o, infl_error *err)
{
    const infl_strategy *st = &sc->strategies[s];
    const bool stop = sc->hiring_rule == INFL_HIRING_STOP;
    o->name = st->name;
    o->hires = calloc(sc->n_tiers ? sc->n_tiers : 1, sizeof *o->hires);
    o->few = calloc(sc->n_tiers ? sc->n_tiers : 1, sizeof *o->few);
    if (o->hires == NULL || o->few == NULL)
        return infl_error_add(err, INFL_ENOMEM, "outlook: out of memory");
    double direct_interested = 0.0, wom = 0.0, log_unseen = 0.0, p = ol->purchase_rate;
    double m = sc->has_addressable ? infl__dist_mean(&sc->addressable) : 0.0;
    /* Named hires first, each if its mean cost fits what is left (their
     * costs are often quoted prices, so the means are the costs). */
    double left = sc->budget;
    for (size_t i = 0; i < st->n_named; i++) {
        const infl_outlook_tier *t = &ol->creators[st->named[i]];
        if (!(t->cost_per_hire <= left)) {
            o->named_unhired += 1;
            continue;
        }
        left -= t->cost_per_hire;
        o->named_hires += 1;
        o->hires_total += 1;
        o->spend += t->spend_per_hire;
        o->engagements += t->engagements_per_hire;
        wom += t->wom_conversions_per_hire;
        direct_interested += t->interested_per_hire;
        if (m > 0) {
            double f = t->interested_per_hire / m;
            log_unseen += f >= 1.0 ? -INFINITY : infl__fmath_log1p(-f);
        }
    }
    for (size_t k = 0; k < sc->n_tiers; k++) {
        const infl_outlook_tier *t = &ol->tiers[k];
        double money = st->has_allocation ? left * (st->share[k] / st->share_total) : 0.0;
        double h = hires_for(money, t->cost_per_hire, t->cost_sq_per_hire, stop);
        o->hires[k] = h;
        o->few[k] = money > 0 && money < INFL_OUTLOOK_FEW_HIRES * t->cost_per_hire;
        o->hires_total += h;
        o->spend += h * t->spend_per_hire;
        o->engagements += h * t->engagements_per_hire;
        wom += h * t->wom_conversions_per_hire;
        direct_interested += h * t->interested_per_hire;
        /* Each post's interested people are a uniform sample of the M, so a
         * person stays unseen by h posts of I each with (1 - I / M)^h. */
        if (m > 0 && h > 0) {
            double f = t->interested_per_hire / m;
            log_unseen += h * (f >= 1.0 ? -INFINITY : infl__fmath_log1p(-f));
        }
    }
    double distinct = m > 0 ? m * -infl__fmath_expm1(log_unseen) : direct_interested;
    o->conversions = p * distinct + wom;
    o->cost_per_conversion = ratio(o->spend, o->conversions);
    return INFL_OK;
}

void infl_outlook_free(infl_outlook *o)
{
    if (o == NULL)
        return;
    if (o->strategies != NULL) {
        for (size_t s = 0; s < o->n_strategies; s++) {
            free(o->strategies[s].hires);
            free(o->strategies[s].few);
        }
    }
    free(o->strategies);
    free(o->tiers);
    free(o->creators);
    free(o);
}

infl_status infl_outlook_new(const infl_scenario *sc, infl_outlook **out, infl_error *err)
{
    *out = NULL;
    infl_status rc = INFL_OK;
    infl_outlook *o = calloc(1, sizeof *o);
    if (o == NULL)
        return infl_error_add(err, INFL_ENOMEM, "outlook: out of memory");
    o->n_tiers = sc->n_tiers;
    o->n_strategies = sc->n_strategies;
    o->n_creators = sc->n_creators;
    o->tiers = calloc(sc->n_tiers ? sc->n_tiers : 1, sizeof *o->tiers);
    o->creators = calloc(sc->n_creators ? sc->n_creators : 1, sizeof *o->creators);
    o->strategies = calloc(sc->n_strategies, sizeof *o->strategies);
    if (o->tiers == NULL || o->creators == NULL || o->strategies == NULL) {
        rc = infl_error_add(err, INFL_ENOMEM, "outlook: out of memory");
        goto done;
    }
    o->overlap = sc->has_addressable;
    o->stop_rule = sc->hiring_rule == INFL_HIRING_STOP;
    o->reallocate = sc->reallocate;
    o->margin = sc->price - sc->unit_cost;
    o->repeat_orders = infl__dist_mean(&sc->repeat_orders);
    o->purchase_rate = infl__dist_mean(&sc->purchase_rate);
    double pw = o->purchase_rate * infl__dist_mean(&sc->wom_purchase_factor);
    o->wom_purchase_rate = pw > 1.0 ? 1.0 : pw;
    /* E[min(1, p w)] = E[p] E[w] exactly when p w can never exceed 1. */
    double p_lo, p_hi, w_lo, w_hi;
    infl__dist_support(&sc->purchase_rate, &p_lo, &p_hi);
    infl__dist_support(&sc->wom_purchase_factor, &w_lo, &w_hi);
    o->wom_rate_exact = p_hi * w_hi <= 1.0;
    for (size_t j = 0; j < sc->n_creators; j++) {
        infl_outlook_tier *t = &o->creators[j];
        tier_outlook(sc, &sc->creators[j].p, o->purchase_rate, o->wom_purchase_rate, t);
        t->hires_whole_budget = t->cost_per_hire <= sc->budget ? 1.0 : 0.0;
        t->unknown_share = sc->creators[j].unknown_share;
    }
    for (size_t k = 0; k < sc->n_tiers; k++) {
        tier_outlook(sc, &sc->tiers[k], o->purchase_rate, o->wom_purchase_rate, &o->tiers[k]);
        infl_outlook_tier *t = &o->tiers[k];
        t->hires_whole_budget =
            hires_for(sc->budget, t->cost_per_hire, t->cost_sq_per_hire, o->stop_rule);
        t->few = sc->budget < INFL_OUTLOOK_FEW_HIRES * t->cost_per_hire;
    }
    for (size_t s = 0; s < sc->n_strategies; s++)
        if ((rc = strategy_outlook(sc, o, s, &o->strategies[s], err)) != INFL_OK)
            goto done;
done:
    if (rc != INFL_OK) {
        infl_outlook_free(o);
        return rc;
    }
    *out = o;
    return INFL_OK;
}
