/*
 * scenario_internal.h — the resolved scenario as the library's modules see it.
 * Built only by scenario_load.c; read-only everywhere else.
 */
#ifndef INFL_SIM_SCENARIO_INTERNAL_H
#define INFL_SIM_SCENARIO_INTERNAL_H

#include "random/dist.h"
#include "influsim/scenario.h"

#include <stdbool.h>

typedef struct {
    char *name;
    char *slug; /* name in snake_case, for metric names (engagements_<slug>) */
    bool shippable;
    char (*countries)[3]; /* ISO 3166-1 alpha-2 codes it covers, upper case (n_countries) */
    size_t n_countries;
    bool rest; /* `countries: rest`: every code no other region lists */
} infl_region;

typedef struct {
    char *name;
    infl_dist followers;
    infl_dist price; /* per post, or per 1,000 followers if price_per_1k */
    bool price_per_1k;
    infl_dist platform_fee;
    infl_dist gifted_share;
    infl_dist real_share;
    infl_dist reach_rate;
    /* Exactly one of the two is given: engagement_rate is per viewer; with
     * per_follower set, engagement_per_follower holds the dashboard figure and
     * a hire's rate per viewer is min(1, e / (real_share * reach_rate)). */
    infl_dist engagement_rate;
    infl_dist engagement_per_follower;
    bool per_follower;
    infl_share_dist audience; /* n = number of regions (a roster creator's from countries: one
                                 more, the share in no region, which is not shippable) */
    infl_dist interest_share;
    infl_dist conversations_per_engagement;
    infl_dist overhead_per_hire; /* money per hire on top of the fee; gifted hires pay it too */
    infl_dist post_probability;  /* chance that a hired creator delivers the post */
    /* Views from people who do not follow the creator (For You, Reels), per
     * follower; a constant 0 (the default) turns the term off. */
    infl_dist nonfollower_views;
} infl_tier;

/* How a tier's candidates are hired (docs/model.md, "Hiring"). */
typedef enum {
    INFL_HIRING_STOP, /* the reference rule: the first candidate that does not fit ends the tier */
    INFL_HIRING_SKIP, /* a misfit is passed over; max_skips misfits in a row end the tier */
} infl_hiring_rule;

/* Most consecutive misfits a scenario may allow under `skip`. */
#define INFL_MAX_SKIPS_LIMIT 100000u

/* A named creator of the roster (docs/model.md, "Named creators"). */
typedef struct {
    char *handle;   /* as written, without a leading '@' */
    char *platform; /* a label, or NULL */
    size_t tier;    /* the tier that filled in its keys, or SIZE_MAX */
    uint64_t key;   /* 48-bit identity from the handle: keys its random streams */
    infl_tier p;    /* its parameters; p.name is the handle */
    /* Its audience by country, when given so (n_codes > 0): codes upper case
     * ("OTHER" for countries not listed), fractions; p.audience holds the
     * shares by region that they map to, and the unknown remainder last. */
    char (*codes)[6];
    double *code_share;
    size_t n_codes;
    double unknown_share; /* share of its audience in no region (not shippable) */
    size_t line;          /* where it was given, for messages */
    char *origin;
} infl_creator;

/* Most creators a roster may hold. */
#define INFL_MAX_CREATORS 100000u

typedef struct {
    char *name;
    double *share; /* per tier: as written, or normalised (percent, relative, a sum within 0.5 %) */
    double share_total;  /* their exact sum: tier k gets budget * share[k] / share_total */
    bool has_allocation; /* false: only named hires (share all 0, share_total 0) */
    size_t *named;       /* creators to hire by name, first, in this order (n_named) */
    size_t n_named;
} infl_strategy;

/* A roster file as read when the scenario was loaded, kept so that a derived
 * scenario does not read it again. */
typedef struct {
    char *path; /* as resolved against the scenario's folder */
    char *text;
    size_t length;
} infl_roster_source;

struct infl_scenario {
    char *origin;
    char *source_text;
    size_t source_length; /* bytes of source_text (it may hold a NUL) */
    char **sets;          /* the overrides as given, in order (n_sets) */
    size_t n_sets;
    char *overrides; /* the same joined as "--set ...\n" lines */
    char *name;
    char *description;
    char *currency;
    uint64_t seed;
    uint64_t trials;
    double budget;
    size_t n_regions;
    infl_region *regions;
    double price;
    double unit_cost;
    infl_dist repeat_orders; /* mean further orders of a converted customer (per trial) */
    double horizon_months;   /* the horizon repeat_orders counts over; a label */
    infl_hiring_rule hiring_rule;
    uint64_t max_skips;
    bool reallocate; /* pool every tier's leftover and offer it again, largest share first */
    infl_dist purchase_rate;
    infl_dist wom_purchase_factor;
    bool has_addressable;
    infl_dist addressable;
    size_t n_tiers;
    infl_tier *tiers;
    size_t n_strategies;
    infl_strategy *strategies;
    size_t n_creators;
    infl_creator *creators;
    bool has_named;                    /* some strategy hires by name: the named_* metrics exist */
    infl_roster_source *roster_source; /* the roster_file's bytes, or NULL */
};

/* Whether the scenario has repeat orders (product.repeat_orders not the constant 0). */
static inline bool infl__scenario_has_repeat_orders(const infl_scenario *sc)
{
    return !(sc->repeat_orders.kind == INFL_DIST_CONSTANT && sc->repeat_orders.a == 0.0);
}

/* The other form of a tier key given one way or another (price or per 1,000
 * followers; engagement per viewer or per follower), or NULL. */
const char *infl__tier_key_alternative(const char *key);

/* What one hire of tier k costs on average before any refund, from the
 * distributions' means: the fee with its platform fee (or, gifted, the
 * product at unit cost) and the overhead per hire. */
double infl__scenario_tier_mean_cost(const infl_scenario *sc, size_t k);

/*
 * The tree a load of base validates, rebuilt from base's own text, overrides
 * and roster bytes (as infl_scenario_derive loads): parsed, roster file read,
 * --set applied, presets expanded; not validated. *scratch is a bare scenario
 * that the tree's origins point into: free the tree (infl__yaml_tree_free)
 * first, then *scratch (infl_scenario_free). On failure both are NULL.
 */
struct infl_node;
infl_status infl__scenario_expanded(const infl_scenario *base, infl_scenario **scratch,
                                    struct infl_node **root, infl_error *err);

#endif
