/*
 * metrics.h — the list of per-trial metrics a scenario produces: a fixed set
 * (hires, spend, reach, conversions, ...) followed by hires per tier and
 * engagements per region. The model writes one row of these per strategy and
 * trial; the writer and the summary label them from the same table.
 */
#ifndef INFL_SIM_METRICS_H
#define INFL_SIM_METRICS_H

#include "influsim/metric.h"
#include "scenario/scenario_internal.h"

typedef enum {
    INFL_M_HIRES,
    INFL_M_GIFTED_HIRES,
    INFL_M_SPEND,
    INFL_M_UNSPENT,
    INFL_M_REACH,
    INFL_M_ENGAGEMENTS,
    INFL_M_SHIPPABLE_ENGAGEMENTS,
    INFL_M_INTERESTED,
    INFL_M_DISTINCT_INTERESTED,
    INFL_M_CONVERSATIONS,
    INFL_M_WOM_PROSPECTS,
    INFL_M_CONVERSIONS_DIRECT,
    INFL_M_CONVERSIONS_WOM,
    INFL_M_CONVERSIONS,
    INFL_M_LOST_CONVERSIONS,
    INFL_M_REVENUE,
    INFL_M_PROFIT,
    INFL_M_ROI,
    INFL_M_COST_PER_ENGAGEMENT,
    INFL_M_COST_PER_ACQUISITION,
    INFL_M_UNDELIVERED,       /* hires who did not post (post_probability) */
    INFL_M_REFUNDED_FEES,     /* their fees, returned: part of unspent */
    INFL_M_CAPPED_ENGAGEMENT, /* hires whose engagement per follower hit one per viewer */
    INFL_M_ORDERS,            /* first purchases and repeat orders */
    INFL_M_LTV_REVENUE,
    INFL_M_LTV_PROFIT,
    INFL_M_LTV_ROI,
    INFL_M_FIXED_COUNT /* then n_tiers of hires_<tier>, n_tiers of spend_<tier>, then
                          n_regions of engagements_<region>, then (a strategy hires by name)
                          named_hires, named_unhired, spend_named, then (a creator's audience
                          is given by country) engagements_unknown */
} infl_metric_id;

/* The metrics of hiring by name, in this order after the regions' engagements. */
typedef enum {
    INFL_M_NAMED_HIRES,
    INFL_M_NAMED_UNHIRED,
    INFL_M_SPEND_NAMED,
    INFL_M_NAMED_COUNT
} infl_named_metric;

/* Whether a creator's audience is given by country, so that part of it may
 * be in no region: then the metric engagements_unknown exists. */
static inline bool infl__metrics_has_unknown(const infl_scenario *sc)
{
    for (size_t i = 0; i < sc->n_creators; i++)
        if (sc->creators[i].n_codes > 0)
            return true;
    return false;
}

/* Index of hires_<tier k>, spend_<tier k> and engagements_<region r>. */
static inline size_t infl__metrics_tier_hires(size_t k)
{
    return INFL_M_FIXED_COUNT + k;
}
static inline size_t infl__metrics_tier_spend(const infl_scenario *sc, size_t k)
{
    return INFL_M_FIXED_COUNT + sc->n_tiers + k;
}
static inline size_t infl__metrics_region_engagements(const infl_scenario *sc, size_t r)
{
    return INFL_M_FIXED_COUNT + 2 * sc->n_tiers + r;
}
/* Index of a named_* metric (only when sc->has_named). */
static inline size_t infl__metrics_named(const infl_scenario *sc, infl_named_metric i)
{
    return INFL_M_FIXED_COUNT + 2 * sc->n_tiers + sc->n_regions + (size_t)i;
}
/* Index of engagements_unknown (only when infl__metrics_has_unknown). */
static inline size_t infl__metrics_unknown_engagements(const infl_scenario *sc)
{
    return INFL_M_FIXED_COUNT + 2 * sc->n_tiers + sc->n_regions +
           (sc->has_named ? (size_t)INFL_M_NAMED_COUNT : 0);
}
static inline size_t infl__metrics_count(const infl_scenario *sc)
{
    return INFL_M_FIXED_COUNT + 2 * sc->n_tiers + sc->n_regions +
           (sc->has_named ? (size_t)INFL_M_NAMED_COUNT : 0) +
           (infl__metrics_has_unknown(sc) ? 1 : 0);
}

/* Builds the metric descriptions for a scenario (n = infl__metrics_count).
 * Returns NULL when out of memory; free with infl_metric_info_free. */
infl_metric_info *infl__metrics_new(const infl_scenario *sc);

/* For ratio metrics, the numerator and denominator metrics of the ratio of
 * totals; returns false for other metrics. */
bool infl__metrics_ratio_parts(size_t m, size_t *numerator, size_t *denominator);

#endif
