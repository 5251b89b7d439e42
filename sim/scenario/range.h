/*
 * range.h — the valid values of every numeric scenario key and of every
 * distribution's parameters, in one place: the loader validates with these
 * rules (scenario_load.c) and `influsim sensitivity` builds its factors'
 * domains from the same ones (scenario_params.c), so the two never disagree.
 */
#ifndef INFL_SIM_RANGE_H
#define INFL_SIM_RANGE_H

#include "scenario/scenario_internal.h"

#include <stdbool.h>
#include <stddef.h>

/* A closed or open interval that a value must lie in. */
typedef struct {
    double lo, hi;
    bool lo_open, hi_open;
    const char *text; /* "in [0, 1]", "> 0", ... for messages */
} infl__range;

/* Smallest Beta or Dirichlet shape parameter (mean x kappa): below it the
 * gamma sampler underflows and draws NaN. Real scenarios use shapes near 1
 * and above. */
#define INFL__MIN_SHAPE 1e-3

extern const infl__range INFL__RANGE_RATE;        /* [0, 1]: shares and probabilities */
extern const infl__range INFL__RANGE_OPEN_RATE;   /* (0, 1]: a Dirichlet's mean shares */
extern const infl__range INFL__RANGE_UNIT_OPEN;   /* (0, 1): a beta's mean */
extern const infl__range INFL__RANGE_POSITIVE;    /* > 0 */
extern const infl__range INFL__RANGE_NONNEGATIVE; /* >= 0 */
extern const infl__range INFL__RANGE_ANY;         /* every finite number */

/* Whether v lies in r. */
bool infl__range_contains(const infl__range *r, double v);

/* A numeric key of the scenario and the values it may take: a key path
 * ("budget", "product.price", "tiers.*.reach_rate" for every tier), the
 * range its values (or a distribution's draws) must lie in, whether only
 * whole numbers are valid, whether it may be a distribution, and for the
 * documentation what else constrains it. */
typedef struct {
    const char *key;
    infl__range range;
    bool integer;
    bool dist;        /* a constant or a distribution (else a plain number) */
    bool assumption;  /* in `--factors assumptions`: a figure of the product, the market or a
                         tier (not the budget, a hiring rule or a label) */
    const char *note; /* further rules, or "" */
} infl__key_domain;

/* The table, in the resolved scenario's order; n entries. */
const infl__key_domain *infl__key_domain_at(size_t i);
size_t infl__key_domain_count(void);
/* The entry of key ("tiers.micro.price" finds "tiers.*.price"), or NULL. */
const infl__key_domain *infl__key_domain_find(const char *key);

/* Parameter `which` (0 or 1) of a distribution of `kind`: its name ("mean",
 * "kappa", ...) and the values it may take on its own (the checks between
 * parameters and against the key's range are infl__dist_check's). */
const char *infl__dist_param_name(infl_dist_kind kind, int which);
infl__range infl__dist_param_range(infl_dist_kind kind, int which);

/* What infl__dist_check finds wrong, as bits: a parameter outside its own
 * range, a beta's shapes too small, a max below its min, or draws outside
 * the key's range. The later checks run only when the earlier pass. */
enum {
    INFL__DIST_BAD_A = 1,
    INFL__DIST_BAD_B = 2,
    INFL__DIST_SHAPE = 4,
    INFL__DIST_ORDER = 8,
    INFL__DIST_SUPPORT = 16,
};
unsigned infl__dist_check(const infl_dist *d, const infl__range *key);

/* The support of d as an interval (a beta's and a spread lognormal's ends open). */
infl__range infl__dist_support_range(const infl_dist *d);
/* Whether support s lies within r. */
bool infl__range_within(const infl__range *s, const infl__range *r);

/* Whether a Dirichlet's kappa is valid with these mean shares (kappa > 0,
 * every mean x kappa at least INFL__MIN_SHAPE). */
bool infl__dirichlet_kappa_ok(double kappa, const double *mean, size_t n);

/* A tier's engagement per follower against the rest of the tier
 * (docs/model.md, "Engagement per follower"): its largest value (a
 * lognormal's mean) at most 1, and its mean at most the views per follower
 * (real_share x reach_rate + nonfollower_views, means). */
typedef enum {
    INFL__ENGAGEMENT_OK,
    INFL__ENGAGEMENT_PERCENT,    /* values above 1 but at most 100: a percentage */
    INFL__ENGAGEMENT_ABOVE_ONE,  /* values above 100 */
    INFL__ENGAGEMENT_PER_VIEWER, /* more than one engagement per viewer */
} infl__engagement_fault;
infl__engagement_fault infl__engagement_check(const infl_tier *t);
/* The values the check compares: the largest value (a lognormal's mean), the
 * mean, and the views per follower. */
void infl__engagement_figures(const infl_tier *t, double *hi, double *mean, double *viewers);

#endif
