/*
 * influsim/outlook.h — what a scenario implies before it is run: per tier, the
 * means of engagement per follower and per viewer, cost per hire, expected
 * hires, cost per engagement and per expected conversion; per strategy, its
 * expected hires and conversions. `influsim check` prints it, so that a unit
 * mistake (a dashboard's engagement per follower given as the per-viewer
 * engagement_rate, a price per post given per 1,000 followers) shows at a
 * glance, before any trial is run.
 *
 * Everything is computed analytically from the means of the scenario's
 * distributions (and, for hires under `hiring.rule: stop`, their second
 * moments). The draws of one hire are independent, so the means of a product
 * multiply; what that leaves out is said field by field and in docs/model.md
 * ("What check prints"). These are not Monte Carlo estimates: a run gives the
 * answer, the outlook says whether the inputs make sense.
 */
#ifndef INFLUSIM_OUTLOOK_H
#define INFLUSIM_OUTLOOK_H

#include "influsim/error.h"
#include "influsim/scenario.h"

#include <stdbool.h>
#include <stddef.h>

/* Published engagement per follower on Instagram lies roughly between these
 * (docs/model.md, "What check prints"); the heuristic warning uses them. */
#define INFL_OUTLOOK_PER_FOLLOWER_LOW 0.002
#define INFL_OUTLOOK_PER_FOLLOWER_HIGH 0.10
/* Below this an engagement per viewer is implausible: published figures imply
 * 2 % to 25 % of viewers engage. */
#define INFL_OUTLOOK_PER_VIEWER_LOW 0.02

/* A share of the budget below this many mean costs per hire buys few hires,
 * whose count depends on the spread of prices more than on their mean. */
#define INFL_OUTLOOK_FEW_HIRES 2.0

/* The implied means of one tier. Money is in the scenario's currency. */
typedef struct {
    const char *name;  /* the tier's name, owned by the scenario */
    bool per_follower; /* engagement given as engagement_per_follower */
    double followers;  /* mean followers of a candidate (the draw before flooring) */
    /* Mean cost that must fit the budget: the fee (price x (1 + platform_fee),
     * the price per post or per 1,000 followers x followers / 1000), or
     * unit_cost for a gifted hire, plus overhead_per_hire. */
    double cost_per_hire;
    double cost_sq_per_hire; /* its second moment, E[cost^2] */
    /* Mean money a hire spends in the end: cost_per_hire less the fee that
     * returns when the post is not delivered. */
    double spend_per_hire;
    double gifted;               /* chance that a hire is gifted: mean gifted_share */
    double post_probability;     /* chance that a hire posts: mean post_probability */
    double nonfollower_views;    /* mean views from outside the followers, per follower */
    double viewers_per_follower; /* mean real_share x mean reach_rate + mean nonfollower_views */
    /* Engagements per follower of a delivered post: engagement_per_follower's
     * mean (the cap at one engagement per viewer left out, so an upper bound),
     * or viewers_per_follower x engagement_rate's mean. */
    double engagement_per_follower;
    /* Engagements per viewer over many posts (a ratio of means):
     * engagement_rate's mean, or engagement_per_follower / viewers_per_follower.
     * Equal for the two forms of the same tier. */
    double engagement_per_viewer;
    double engagements_per_hire; /* followers x engagement_per_follower x post_probability */
    double shippable_share;      /* mean share of the audience in shippable regions */
    /* Expected conversions of one hire, without audience overlap: direct
     * (engagements x shippable x interest x purchase_rate) plus word of mouth
     * (engagements x conversations_per_engagement x interest x shippable x
     * min(1, purchase_rate x wom_purchase_factor)), each mean multiplied. */
    double conversions_per_hire;
    double wom_conversions_per_hire; /* the word-of-mouth part of it */
    double interested_per_hire;      /* interested shippable people a hire reaches */
    double cost_per_engagement;      /* spend_per_hire / engagements_per_hire (NaN for 0) */
    double cost_per_conversion;      /* spend_per_hire / conversions_per_hire (NaN for 0) */
    /* Expected hires if the whole budget went to this tier, under the
     * scenario's hiring rule (see infl_outlook_strategy.hires). */
    double hires_whole_budget;
    bool few; /* the budget is below INFL_OUTLOOK_FEW_HIRES mean costs per hire */
    /* The heuristic: engagement_rate was given, its mean lies in the range of
     * published per-follower figures and below INFL_OUTLOOK_PER_VIEWER_LOW,
     * and the engagement per follower it implies is below every published
     * one (INFL_OUTLOOK_PER_FOLLOWER_LOW): it is probably a dashboard's
     * per-follower figure. Never set for engagement_per_follower. */
    bool looks_per_follower;
    /* A named creator's: the share of its audience in no region (unknown or
     * uncovered countries, not shippable); 0 for a tier. */
    double unknown_share;
} infl_outlook_tier;

/* One strategy's expected hires and what they bring. */
typedef struct {
    const char *name; /* owned by the scenario */
    /*
     * Expected hires of each tier (n_tiers entries) from the strategy's share
     * of the budget B and the tier's mean cost c: under `skip`, B / c; under
     * `stop`, where the first creator who does not fit ends the tier, the
     * renewal-theory count B / c + E[c^2] / (2 c^2) - 1 (never below 0; the
     * exact count lies between B / c - 1 and B / c + E[c^2] / c^2 - 1).
     * Reallocation, which only adds hires, is left out.
     */
    double *hires;
    bool *few; /* per tier: a share, not 0, below INFL_OUTLOOK_FEW_HIRES mean costs */
    /* Named creators hired first, in the order listed, each if its mean cost
     * fits what is left; the tiers share the rest. */
    double named_hires, named_unhired;
    double hires_total;
    double spend;       /* sum over tiers of hires x spend_per_hire */
    double engagements; /* sum over tiers of hires x engagements_per_hire */
    /* Expected conversions: word of mouth as per hire; direct ones with
     * audience overlap (market.addressable, mean M) as purchase_rate x the
     * distinct interested people, M (1 - prod_k (1 - I_k / M)^hires_k), I_k a
     * tier's interested_per_hire: exact for fixed counts, approximate for
     * random ones. */
    double conversions;
    double cost_per_conversion; /* spend / conversions (NaN for 0) */
} infl_outlook_strategy;

typedef struct {
    size_t n_tiers, n_strategies, n_creators;
    infl_outlook_tier *tiers;          /* in the scenario's tier order */
    infl_outlook_tier *creators;       /* the roster's, in its order (hires_whole_budget: 1 or 0) */
    infl_outlook_strategy *strategies; /* in the scenario's strategy order */
    bool overlap;                      /* market.addressable is set */
    bool stop_rule;                    /* hiring.rule is stop */
    bool reallocate;                   /* hiring.reallocate is set (not counted in hires) */
    double margin;                     /* price - unit_cost: what a first order earns */
    double repeat_orders;              /* mean repeat orders of a customer */
    double purchase_rate;              /* its mean */
    double wom_purchase_rate;          /* min(1, mean purchase_rate x mean wom factor) */
    bool wom_rate_exact;               /* purchase_rate x factor never exceeds 1 */
} infl_outlook;

/*
 * Computes the outlook of sc. On success *out is a new outlook owned by the
 * caller (infl_outlook_free); it borrows names from sc, so it must not
 * outlive it. INFL_ENOMEM (and a message in err) when out of memory.
 */
infl_status infl_outlook_new(const infl_scenario *sc, infl_outlook **out, infl_error *err);

/* Frees an outlook; accepts NULL. */
void infl_outlook_free(infl_outlook *o);

#endif
