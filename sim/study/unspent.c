/*
 * unspent.c — notes on strategies that leave money unspent (influsim/unspent.h).
 *
 * The cause is read from the run's own per-tier means, not guessed from the
 * scenario: the tier holding most of the money left, how many posts it bought
 * and what one cost it on average. Causes are tried from the most to the least
 * specific, and the note names the key that changes it.
 */
#include "influsim/unspent.h"

#include "scenario/scenario_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static double mean_of(const infl_summary *sm, size_t s, const char *metric)
{
    const infl_stat *st = infl_summary_stat(sm, s, metric);
    return st ? st->mean : NAN;
}

/* What tier k of strategy s had on average: its share of the budget that
 * the named hires left (their mean spend, metric spend_named). */
static double tier_money(const infl_scenario *sc, const infl_summary *sm, size_t s, size_t k)
{
    const infl_strategy *st = &sc->strategies[s];
    double named = st->n_named > 0 ? mean_of(sm, s, "spend_named") : 0.0;
    if (!(named >= 0))
        named = 0.0;
    return (sc->budget - named) * (st->share[k] / st->share_total);
}

/* The tier of strategy s with the most money left on average (its share less
 * its spend: fees returned to it included) and its mean hires. */
static size_t worst_tier(const infl_scenario *sc, const infl_summary *sm, size_t s, double *left,
                         double *hires)
{
    const infl_strategy *st = &sc->strategies[s];
    size_t worst = (size_t)-1;
    *left = -INFINITY;
    for (size_t k = 0; k < sc->n_tiers; k++) {
        if (!(st->share[k] > 0))
            continue;
        char name[96];
        snprintf(name, sizeof name, "spend_%s", sc->tiers[k].name);
        double spent = mean_of(sm, s, name);
        snprintf(name, sizeof name, "hires_%s", sc->tiers[k].name);
        double h = mean_of(sm, s, name);
        double l = tier_money(sc, sm, s, k) - spent;
        if (l > *left) {
            *left = l;
            *hires = h;
            worst = k;
        }
    }
    return worst;
}

/* The tiers strategy s gives a share, and the cheapest of them on average. */
static size_t tiers_used(const infl_scenario *sc, size_t s, size_t *cheapest)
{
    size_t n = 0;
    *cheapest = (size_t)-1;
    for (size_t k = 0; k < sc->n_tiers; k++) {
        if (!(sc->strategies[s].share[k] > 0))
            continue;
        if (n++ == 0 ||
            infl__scenario_tier_mean_cost(sc, k) < infl__scenario_tier_mean_cost(sc, *cheapest))
            *cheapest = k;
    }
    return n;
}

/* Writes the cause of strategy s's unspent money u into buf. */
static void cause(const infl_scenario *sc, const infl_summary *sm, size_t s, double u, char *buf,
                  size_t size)
{
    const char *cur = sc->currency;
    double refunded = mean_of(sm, s, "refunded_fees");
    if (!(refunded >= 0))
        refunded = 0;
    if (refunded > 0.5 * u) {
        snprintf(buf, size,
                 "%.0f %s of it are the fees of creators who did not post "
                 "(post_probability), returned at the end",
                 refunded, cur);
        return;
    }
    const infl_strategy *st = &sc->strategies[s];
    if (st->n_named > 0) {
        double unhired = mean_of(sm, s, "named_unhired");
        if (unhired > 0) {
            snprintf(buf, size,
                     "on average %.2g of its %zu named creators did not fit what was left of "
                     "the budget (metric named_unhired)%s",
                     unhired, st->n_named,
                     st->has_allocation ? ""
                                        : "; give it an allocation to spend the rest on tiers");
            return;
        }
        if (!st->has_allocation) {
            snprintf(buf, size,
                     "its named creators cost less than the budget and it has no allocation for "
                     "the rest (add one, or lower the budget)");
            return;
        }
    }
    size_t cheapest;
    size_t used = tiers_used(sc, s, &cheapest);
    if (used == 0) {
        snprintf(buf, size, "no tier has a share of the budget");
        return;
    }
    if (sc->reallocate) {
        /* What is left was pooled and offered to every tier: no one tier
         * keeps it. */
        char besides[96] = "";
        if (refunded > 0)
            snprintf(besides, sizeof besides, " (besides %.0f %s of returned fees)", refunded, cur);
        snprintf(buf, size,
                 "after reallocation %.0f %s is left on average%s, less than a post of any tier "
                 "it was offered to (the cheapest, %s, costs %.0f %s on average)",
                 u - refunded, cur, besides, sc->tiers[cheapest].name,
                 infl__scenario_tier_mean_cost(sc, cheapest), cur);
        return;
    }
    double left = 0, hires = 0;
    size_t k = worst_tier(sc, sm, s, &left, &hires);
    if (k == (size_t)-1) {
        snprintf(buf, size, "its tiers' spend is not in the results");
        return;
    }
    const char *tier = sc->tiers[k].name;
    const double cost = infl__scenario_tier_mean_cost(sc, k);
    double allotted = tier_money(sc, sm, s, k);
    const char *realloc_hint =
        used > 1 ? ", or set hiring.reallocate: true to offer its money to the other tiers" : "";
    char kept[160];
    if (refunded > 0)
        snprintf(kept, sizeof kept, "%.0f %s on average (returned fees included)", left, cur);
    else
        snprintf(kept, sizeof kept, "%.0f %s on average", left, cur);
    if (hires < 0.5) {
        snprintf(buf, size,
                 "tier %s's share (%.0f %s) rarely buys one post (%.2f posts a trial on "
                 "average; one costs %.0f %s on average); give it a larger share%s",
                 tier, allotted, cur, hires, cost, cur, realloc_hint);
        return;
    }
    if (sc->hiring_rule == INFL_HIRING_STOP) {
        snprintf(buf, size,
                 "tier %s keeps %s: hiring.rule is stop, so the first creator who does not fit "
                 "ends the tier's hiring; hiring.rule: skip passes them over",
                 tier, kept);
        return;
    }
    snprintf(buf, size, "tier %s keeps %s, less than the %.0f %s a post of it costs on average%s",
             tier, kept, cost, cur,
             used > 1 ? "; hiring.reallocate: true offers what each tier keeps to the others" : "");
}

size_t infl_unspent_notes(const infl_scenario *sc, const infl_summary *sm, infl_unspent_note *notes,
                          size_t max)
{
    size_t n = 0;
    if (sm->n_strategies != sc->n_strategies)
        return 0;
    for (size_t s = 0; s < sm->n_strategies; s++) {
        double u = mean_of(sm, s, "unspent");
        if (!(u > INFL_UNSPENT_WARN_SHARE * sc->budget))
            continue;
        if (n < max) {
            infl_unspent_note *note = &notes[n];
            note->strategy = s;
            note->unspent = u;
            note->share = u / sc->budget;
            char why[480];
            cause(sc, sm, s, u, why, sizeof why);
            snprintf(note->text, sizeof note->text,
                     "%s leaves %.0f %s (%.0f %% of the budget) unspent on average: %s",
                     sm->strategy_names[s], u, sc->currency, 100.0 * note->share, why);
        }
        n++;
    }
    return n;
}
