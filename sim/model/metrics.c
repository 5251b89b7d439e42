/*
 * metrics.c — names, units and descriptions of the per-trial metrics
 * (see metrics.h). These names are part of the output format's contract.
 */
#include "model/metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *name;
    const char *long_name;
    int units; /* 0: count, 1: money, 2: ratio (money per thing or 1) */
    const char *per;
    bool ratio;
} fixed_metric;

static const fixed_metric FIXED[INFL_M_FIXED_COUNT] = {
    [INFL_M_HIRES] = {"hires", "sponsored posts bought (all tiers)", 0, NULL, false},
    [INFL_M_GIFTED_HIRES] = {"gifted_hires", "posts paid with a free product", 0, NULL, false},
    [INFL_M_SPEND] = {"spend",
                      "money spent: fees, platform fees, gifted products and overhead per hire "
                      "(the fees of posts not delivered returned)",
                      1, NULL, false},
    [INFL_M_UNSPENT] = {"unspent", "budget left unspent", 1, NULL, false},
    [INFL_M_REACH] = {"reach", "real followers who saw a post (sum over posts)", 0, NULL, false},
    [INFL_M_ENGAGEMENTS] = {"engagements", "viewers who engaged with a post", 0, NULL, false},
    [INFL_M_SHIPPABLE_ENGAGEMENTS] = {"shippable_engagements",
                                      "engagements from regions the brand ships to", 0, NULL,
                                      false},
    [INFL_M_INTERESTED] = {"interested", "engaged, interested people the brand can ship to", 0,
                           NULL, false},
    [INFL_M_DISTINCT_INTERESTED] = {"distinct_interested",
                                    "interested people reached for the first time (after overlap)",
                                    0, NULL, false},
    [INFL_M_CONVERSATIONS] = {"conversations", "word-of-mouth conversations started", 0, NULL,
                              false},
    [INFL_M_WOM_PROSPECTS] = {"wom_prospects",
                              "interested, shippable people reached by word of mouth", 0, NULL,
                              false},
    [INFL_M_CONVERSIONS_DIRECT] = {"conversions_direct", "purchases by engaged followers", 0, NULL,
                                   false},
    [INFL_M_CONVERSIONS_WOM] = {"conversions_wom", "purchases through word of mouth", 0, NULL,
                                false},
    [INFL_M_CONVERSIONS] = {"conversions", "purchases (direct and word of mouth)", 0, NULL, false},
    [INFL_M_LOST_CONVERSIONS] = {"lost_conversions",
                                 "purchases lost in regions the brand cannot ship to", 0, NULL,
                                 false},
    [INFL_M_REVENUE] = {"revenue", "conversions times product price", 1, NULL, false},
    [INFL_M_PROFIT] = {"profit", "revenue minus cost of goods minus spend", 1, NULL, false},
    [INFL_M_ROI] = {"roi", "return on investment: profit / spend", 2, NULL, true},
    [INFL_M_COST_PER_ENGAGEMENT] = {"cost_per_engagement", "spend / engagements", 2, "engagement",
                                    true},
    [INFL_M_COST_PER_ACQUISITION] = {"cost_per_acquisition", "spend / conversions", 2, "conversion",
                                     true},
    [INFL_M_UNDELIVERED] = {"undelivered", "hired creators who did not post (fee returned)", 0,
                            NULL, false},
    [INFL_M_REFUNDED_FEES] = {"refunded_fees",
                              "fees of posts not delivered, returned to the budget (unspent)", 1,
                              NULL, false},
    [INFL_M_CAPPED_ENGAGEMENT] = {"capped_engagement",
                                  "hires whose engagement per follower implied more than one "
                                  "engagement per viewer (capped at one)",
                                  0, NULL, false},
    [INFL_M_ORDERS] = {"orders", "first purchases and repeat orders over the horizon", 0, NULL,
                       false},
    [INFL_M_LTV_REVENUE] = {"ltv_revenue", "orders times product price (lifetime revenue)", 1, NULL,
                            false},
    [INFL_M_LTV_PROFIT] = {"ltv_profit", "orders times (price - unit cost) minus spend", 1, NULL,
                           false},
    [INFL_M_LTV_ROI] = {"ltv_roi", "lifetime return on investment: ltv_profit / spend", 2, NULL,
                        true},
};

bool infl__metrics_ratio_parts(size_t m, size_t *numerator, size_t *denominator)
{
    switch (m) {
    case INFL_M_ROI:
        *numerator = INFL_M_PROFIT;
        *denominator = INFL_M_SPEND;
        return true;
    case INFL_M_COST_PER_ENGAGEMENT:
        *numerator = INFL_M_SPEND;
        *denominator = INFL_M_ENGAGEMENTS;
        return true;
    case INFL_M_LTV_ROI:
        *numerator = INFL_M_LTV_PROFIT;
        *denominator = INFL_M_SPEND;
        return true;
    case INFL_M_COST_PER_ACQUISITION:
        *numerator = INFL_M_SPEND;
        *denominator = INFL_M_CONVERSIONS;
        return true;
    default:
        return false;
    }
}

static char *fmt_dup(const char *fmt, const char *a, const char *b)
{
    int n = snprintf(NULL, 0, fmt, a, b);
    char *s = n < 0 ? NULL : malloc((size_t)n + 1);
    if (s != NULL)
        snprintf(s, (size_t)n + 1, fmt, a, b);
    return s;
}

infl_metric_info *infl__metrics_new(const infl_scenario *sc)
{
    size_t n = infl__metrics_count(sc);
    infl_metric_info *m = calloc(n, sizeof *m);
    if (m == NULL)
        return NULL;
    bool ok = true;
    for (size_t i = 0; i < INFL_M_FIXED_COUNT; i++) {
        const fixed_metric *f = &FIXED[i];
        m[i].name = strdup(f->name);
        m[i].long_name = strdup(f->long_name);
        if (f->units == 0)
            m[i].units = strdup("1");
        else if (f->units == 1 || (f->units == 2 && f->per != NULL))
            m[i].units = f->per ? fmt_dup("%s per %s", sc->currency, f->per) : strdup(sc->currency);
        else
            m[i].units = strdup("1");
        m[i].integer = f->units == 0;
        m[i].ratio = f->ratio;
        ok &= m[i].name && m[i].long_name && m[i].units;
    }
    for (size_t k = 0; k < sc->n_tiers; k++) {
        infl_metric_info *x = &m[infl__metrics_tier_hires(k)];
        x->name = fmt_dup("hires_%s%s", sc->tiers[k].name, "");
        x->long_name = fmt_dup("posts bought from tier %s%s", sc->tiers[k].name, "");
        x->units = strdup("1");
        x->integer = true;
        ok &= x->name && x->long_name && x->units;
    }
    for (size_t k = 0; k < sc->n_tiers; k++) {
        infl_metric_info *x = &m[infl__metrics_tier_spend(sc, k)];
        x->name = fmt_dup("spend_%s%s", sc->tiers[k].name, "");
        x->long_name = fmt_dup("money spent on tier %s%s", sc->tiers[k].name, "");
        x->units = strdup(sc->currency);
        ok &= x->name && x->long_name && x->units;
    }
    for (size_t r = 0; r < sc->n_regions; r++) {
        infl_metric_info *x = &m[infl__metrics_region_engagements(sc, r)];
        x->name = fmt_dup("engagements_%s%s", sc->regions[r].slug, "");
        x->long_name = fmt_dup("engagements from region %s%s", sc->regions[r].name,
                               sc->regions[r].shippable ? " (shippable)" : " (not shippable)");
        x->units = strdup("1");
        x->integer = true;
        ok &= x->name && x->long_name && x->units;
    }
    if (sc->has_named) {
        static const struct {
            const char *name, *long_name;
            bool money;
        } named[INFL_M_NAMED_COUNT] = {
            [INFL_M_NAMED_HIRES] = {"named_hires",
                                    "creators hired by name (a strategy's hire list)", false},
            [INFL_M_NAMED_UNHIRED] = {"named_unhired",
                                      "creators on a strategy's hire list whose cost did not fit "
                                      "what was left of the budget",
                                      false},
            [INFL_M_SPEND_NAMED] = {"spend_named", "money spent on creators hired by name", true},
        };
        for (size_t i = 0; i < INFL_M_NAMED_COUNT; i++) {
            infl_metric_info *x = &m[infl__metrics_named(sc, (infl_named_metric)i)];
            x->name = strdup(named[i].name);
            x->long_name = strdup(named[i].long_name);
            x->units = strdup(named[i].money ? sc->currency : "1");
            x->integer = !named[i].money;
            ok &= x->name && x->long_name && x->units;
        }
    }
    if (infl__metrics_has_unknown(sc)) {
        infl_metric_info *x = &m[infl__metrics_unknown_engagements(sc)];
        x->name = strdup("engagements_unknown");
        x->long_name = strdup("engagements from audiences in no region (countries no region "
                              "covers, or not known; not shippable)");
        x->units = strdup("1");
        x->integer = true;
        ok &= x->name && x->long_name && x->units;
    }
    if (!ok) {
        infl_metric_info_free(m, n);
        return NULL;
    }
    return m;
}
