/*
 * influsim/starter.h — a commented starting scenario from a few answers
 * (`influsim new`): the platform, the creator tiers, the budget, the product's
 * price and unit cost, and the countries the brand ships to. The text it
 * writes uses the tier presets (docs/presets.md) for what published figures
 * give, and cautious, wide distributions, each with a comment saying where to
 * find the brand's own number, for what they do not (purchase rate, audience,
 * interest). It always loads: the text is loaded before it is returned.
 */
#ifndef INFLUSIM_STARTER_H
#define INFLUSIM_STARTER_H

#include "influsim/error.h"

typedef struct {
    const char *name;     /* the scenario's name; NULL or "": "new-campaign" */
    const char *platform; /* "instagram", "tiktok" or "youtube" (ASCII case ignored) */
    const char *tiers;    /* comma-separated preset tiers, "nano,micro,macro" */
    const char *ships;    /* comma-separated ISO 3166-1 alpha-2 codes, "US,CA" */
    double budget;        /* > 0 and at most 10^15 */
    double price;         /* the product's price, > 0 */
    double unit_cost;     /* cost of goods per unit sold, > 0 */
} infl_starter_options;

/*
 * Writes a starting scenario for o into *out (YAML text with comments; the
 * caller frees it), having loaded it with infl_scenario_load_text, so it is
 * valid and runs. The tiers are named after their preset (`nano:` with
 * `preset: instagram/nano`), in the order given; the regions are `ships`
 * (the countries of o->ships, shippable) and `elsewhere` (every other
 * country, not shippable); the strategies are `all-<tier>` for each tier and,
 * with two tiers or more, `even-split`. On failure *out is NULL, err holds
 * one message per fault, and the status is INFL_EARG (a platform or tier with
 * no preset, an unknown or repeated country or tier, a budget, price or
 * unit cost out of range), INFL_ENOMEM, or INFL_EINTERNAL (the text did not
 * load: the loader's messages follow).
 */
infl_status infl_scenario_starter(const infl_starter_options *o, char **out, infl_error *err);

#endif
