/*
 * starter.c — `influsim new`: a commented starting scenario from a few
 * answers (influsim/starter.h). The published figures come from the tier
 * presets (scenario/preset.h); what no published figure gives (the purchase
 * rate, each tier's audience by region and interest share) is a cautious,
 * wide distribution with a comment saying where the brand finds its own
 * number. The text is loaded before it is returned, so a starter always runs.
 */
#include "influsim/starter.h"

#include "base/strbuf.h"
#include "influsim/scenario.h"
#include "scenario/country.h"
#include "scenario/preset.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_NAME "new-campaign"
#define MAX_BUDGET 1e15
#define COMMENT_WIDTH 88

/* A comma-separated list split into trimmed items: `text` is a copy with a
 * '\0' in place of each comma, `items` points into it. */
typedef struct {
    char *text;
    char **items;
    size_t n;
} list;

static void list_free(list *l)
{
    free(l->text);
    free(l->items);
    *l = (list){0};
}

/* Splits s on commas; an empty list or an empty item is INFL_EARG, named `what`. */
static infl_status list_split(const char *s, const char *what, list *l, infl_error *err)
{
    *l = (list){0};
    if (s == NULL || *s == '\0')
        return infl_error_add(err, INFL_EARG, "%s: none given", what);
    size_t len = strlen(s), n = 1;
    for (const char *c = s; *c; c++)
        n += *c == ',';
    l->text = malloc(len + 1);
    l->items = malloc(n * sizeof *l->items);
    if (l->text == NULL || l->items == NULL) {
        list_free(l);
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    }
    memcpy(l->text, s, len + 1);
    char *p = l->text;
    for (size_t i = 0; i < n; i++) {
        char *comma = strchr(p, ',');
        if (comma != NULL)
            *comma = '\0';
        while (isspace((unsigned char)*p))
            p++;
        char *end = p + strlen(p);
        while (end > p && isspace((unsigned char)end[-1]))
            *--end = '\0';
        if (*p == '\0') {
            infl_status rc = infl_error_add(err, INFL_EARG, "%s: an empty item in '%s'", what, s);
            list_free(l);
            return rc;
        }
        l->items[l->n++] = p;
        p = comma != NULL ? comma + 1 : p + strlen(p);
    }
    return INFL_OK;
}

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

/* The follower band of a preset tier, as docs/presets.md gives it. */
static const char *band(const char *tier)
{
    static const char *const bands[][2] = {{"nano", "1-10k"},
                                           {"micro", "10-50k"},
                                           {"mid", "50-500k"},
                                           {"macro", "500k-1M"},
                                           {"mega", "1-10M"}};
    for (size_t i = 0; i < sizeof bands / sizeof bands[0]; i++)
        if (!strcmp(bands[i][0], tier))
            return bands[i][1];
    return "?";
}

/* The platform as its owner writes it. */
static const char *display_name(const char *platform)
{
    if (!strcmp(platform, "tiktok"))
        return "TikTok";
    if (!strcmp(platform, "youtube"))
        return "YouTube";
    if (!strcmp(platform, "instagram"))
        return "Instagram";
    return platform;
}

/* Where a creator's audience by country is shown, per platform. */
static const char *audience_tab(const char *platform)
{
    if (!strcmp(platform, "tiktok"))
        return "TikTok Studio > Analytics > Viewers (or Followers) > Top locations";
    if (!strcmp(platform, "youtube"))
        return "YouTube Studio > Analytics > Audience > Top geographies";
    return "Instagram Insights > Audience (or Total followers) > Top locations > Countries";
}

/* Writes text as comment lines ("# ...") indented by `indent` spaces,
 * wrapped at COMMENT_WIDTH columns between words. */
static void comment(infl__strbuf *b, int indent, const char *text)
{
    const int room = COMMENT_WIDTH - indent - 2;
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *line_end = p, *q = p;
        /* Take words while they fit (a longer word alone on its line). */
        while (*q) {
            const char *w = q;
            while (*w && *w != ' ')
                w++;
            if (w - p > room && line_end > p)
                break;
            line_end = w;
            q = w;
            while (*q == ' ')
                q++;
            if (w - p > room)
                break;
        }
        infl__strbuf_put(b, "%*s# %.*s\n", indent, "", (int)(line_end - p), p);
        p = line_end;
    }
}

/* A number written so that it reads back exactly. */
static const char *num(char buf[32], double v)
{
    return infl__shortest_decimal(buf, v);
}

/* INFL_EARG unless x is finite and in (0, hi]. */
static infl_status check_positive(const char *what, double x, double hi, infl_error *err)
{
    if (isfinite(x) && x > 0 && x <= hi)
        return INFL_OK;
    char v[32];
    if (hi < INFINITY)
        return infl_error_add(err, INFL_EARG, "%s: must be above 0 and at most %g (got %s)", what,
                              hi, isfinite(x) ? num(v, x) : "not a number");
    return infl_error_add(err, INFL_EARG, "%s: must be above 0 (got %s)", what,
                          isfinite(x) ? num(v, x) : "not a number");
}

/* Checks the platform (lower-cased in place) against the presets' platforms. */
static infl_status check_platform(char *platform, infl_error *err)
{
    lower(platform);
    const size_t n = infl__preset_count();
    for (size_t i = 0; i < n; i++)
        if (!strcmp(infl__preset_at(i)->platform, platform))
            return INFL_OK;
    infl__strbuf known = {0};
    for (size_t i = 0; i < n; i++) {
        const char *p = infl__preset_at(i)->platform;
        if (i == 0 || strcmp(infl__preset_at(i - 1)->platform, p))
            infl__strbuf_put(&known, "%s%s", known.len ? ", " : "", p);
    }
    char *k = infl__strbuf_take(&known);
    infl_status rc =
        infl_error_add(err, INFL_EARG, "platform: no presets for '%s'; the platforms are: %s",
                       platform, k ? k : "?");
    free(k);
    return rc;
}

/* The preset of each tier (lower-cased in place) on platform, into presets[]. */
static infl_status check_tiers(const char *platform, list *tiers, const infl__preset **presets,
                               infl_error *err)
{
    infl_status rc = INFL_OK;
    for (size_t t = 0; t < tiers->n; t++) {
        char *tier = tiers->items[t];
        lower(tier);
        for (size_t u = 0; u < t; u++)
            if (!strcmp(tiers->items[u], tier)) {
                rc = infl_error_add(err, INFL_EARG, "tiers: '%s' is given twice", tier);
                break;
            }
        if (rc != INFL_OK)
            break;
        infl__strbuf name = {0};
        infl__strbuf_put(&name, "%s/%s", platform, tier);
        char *s = infl__strbuf_take(&name);
        if (s == NULL)
            return infl_error_add(err, INFL_ENOMEM, "out of memory");
        presets[t] = infl__preset_find(s);
        if (presets[t] == NULL) {
            infl__strbuf known = {0};
            for (size_t i = 0; i < infl__preset_count(); i++)
                if (!strcmp(infl__preset_at(i)->platform, platform))
                    infl__strbuf_put(&known, "%s%s", known.len ? ", " : "",
                                     infl__preset_at(i)->tier);
            char *k = infl__strbuf_take(&known);
            rc = infl_error_add(err, INFL_EARG,
                                "tiers: no preset %s (no published figures for %s %s creators); "
                                "the %s tiers are: %s",
                                s, platform, tier, platform, k ? k : "?");
            free(k);
        }
        free(s);
    }
    return rc;
}

/* The country index of each code or name of ships, into idx[]. */
static infl_status check_ships(const list *ships, size_t *idx, infl_error *err)
{
    infl_status rc = INFL_OK;
    for (size_t i = 0; i < ships->n; i++) {
        const char *s = ships->items[i];
        idx[i] = infl__country_find(s);
        if (idx[i] == INFL_COUNTRY_NONE) {
            char buf[96];
            const char *hint = infl__country_suggest(s, buf, sizeof buf);
            if (hint != NULL)
                rc = infl_error_add(err, INFL_EARG,
                                    "ships: '%s' is not an ISO 3166-1 alpha-2 country code; did "
                                    "you mean %s?",
                                    s, hint);
            else
                rc = infl_error_add(err, INFL_EARG,
                                    "ships: '%s' is not an ISO 3166-1 alpha-2 country code "
                                    "(such as US, CA, GB, FR)",
                                    s);
            continue;
        }
        for (size_t j = 0; j < i; j++)
            if (idx[j] == idx[i]) {
                rc = infl_error_add(err, INFL_EARG, "ships: %s is given twice",
                                    infl__country_code(idx[i]));
                break;
            }
    }
    return rc;
}

static void write_text(infl__strbuf *b, const infl_starter_options *o, const char *name,
                       const char *platform, const list *tiers, const infl__preset **presets,
                       const size_t *countries, size_t n_countries)
{
    char v[32];
    /* The header: how it was made, what to do next. */
    infl__strbuf head = {0};
    infl__strbuf_put(&head, "A starting scenario written by `influsim new --platform %s --tiers ",
                     platform);
    for (size_t t = 0; t < tiers->n; t++)
        infl__strbuf_put(&head, "%s%s", t ? "," : "", tiers->items[t]);
    infl__strbuf_put(&head, " --budget %s", num(v, o->budget));
    infl__strbuf_put(&head, " --price %s", num(v, o->price));
    infl__strbuf_put(&head, " --unit-cost %s --ships ", num(v, o->unit_cost));
    for (size_t i = 0; i < n_countries; i++)
        infl__strbuf_put(&head, "%s%s", i ? "," : "", infl__country_code(countries[i]));
    infl__strbuf_put(&head, "`.");
    char *head_text = infl__strbuf_take(&head);
    if (head_text == NULL) {
        b->failed = true;
        return;
    }
    comment(b, 0, head_text);
    free(head_text);
    comment(b, 0,
            "It runs as it is, but its answer is only as good as its guesses. The tier presets "
            "give what published figures say about creators (docs/presets.md); the keys marked "
            "REPLACE are the brand's own and are set here to cautious, wide guesses: replace "
            "them with your numbers where you have them: docs/writing-a-scenario.md says where "
            "to find each, and docs/model.md (\"Scenario keys\") defines every key. Then: "
            "`influsim check FILE` prints what the numbers imply per "
            "tier (hires, cost per conversion) before a run, and `influsim run FILE` runs it.");
    infl__strbuf_put(b, "\nname: ");
    infl__strbuf_put_quoted(b, name);
    infl__strbuf_put(b, "\ndescription: ");
    infl__strbuf_put_quoted(b, "A starting scenario: which creator tiers to spend the budget on.");
    infl__strbuf_put(b, "\nseed: 1                       # any fixed value gives the same numbers "
                        "again\ntrials: 10000\n");
    infl__strbuf_put(b,
                     "currency: USD                 # the presets' prices are in US dollars\n\n");
    comment(b, 0,
            "The money for the whole campaign: creators' fees, marketplace fees, the overhead of "
            "each hire and gifted products. A tier's share of it buys creators until it runs "
            "out.");
    infl__strbuf_put(b, "budget: %s\n\n", num(v, o->budget));

    comment(b, 0,
            "Where the audience lives, in the order of every audience below. Only people in a "
            "shippable region can buy.");
    infl__strbuf_put(b, "regions:\n  - {name: ships, shippable: true, countries: [");
    for (size_t i = 0; i < n_countries; i++)
        infl__strbuf_put(b, "%s%s", i ? ", " : "", infl__country_code(countries[i]));
    infl__strbuf_put(b, "]}\n  - {name: elsewhere, shippable: false, countries: rest}\n\n");

    infl__strbuf_put(b, "product:\n");
    comment(b, 2, "Revenue per order: what a customer pays for one order.");
    infl__strbuf_put(b, "  price: %s\n", num(v, o->price));
    comment(b, 2,
            "Cost of goods and shipping per unit sold; also what a gifted post costs. (The "
            "presets' overhead_per_hire includes a product sent at about 25 USD: for a much "
            "dearer product, give a tier its own overhead_per_hire.)");
    infl__strbuf_put(b, "  unit_cost: %s\n", num(v, o->unit_cost));
    comment(b, 2,
            "Repeat orders per customer are 0 here (the default): the answer rests on first "
            "purchases. A product customers come back for could try `repeat_orders: 0.2`.");
    infl__strbuf_put(b, "\nmarket:\n");
    comment(b, 2,
            "REPLACE: the chance that a person who engaged with a post (liked, commented, saved, "
            "clicked), is interested in the category and lives where you ship, buys. Your own "
            "number: your shop's conversion rate from social traffic (Shopify: Analytics > "
            "Sessions by social source and their conversion rate; Google Analytics: conversions "
            "over sessions from Organic and Paid Social), or a past campaign's orders with a "
            "creator's discount code over that post's engagements. Published: about 0.8 % for "
            "Instagram traffic (Oribi, 2020). Cautious guess: a mean of 0.5 %, below that, and "
            "kappa 100 for a wide spread (sd about 0.7 points) while the brand has no number of "
            "its own; drawn once per trial.");
    infl__strbuf_put(b, "  purchase_rate: {beta: {mean: 0.005, kappa: 100}}\n");
    comment(b, 2,
            "Optional: `addressable: N`, the number of distinct interested people in the "
            "shippable regions, makes creators' audiences overlap (the same person reached twice "
            "buys once). Left out: unlimited.");

    infl__strbuf_put(b, "\ntiers:\n");
    for (size_t t = 0; t < tiers->n; t++) {
        const infl__preset *p = presets[t];
        infl__strbuf_put(b, "  %s:\n", tiers->items[t]);
        infl__strbuf line = {0};
        infl__strbuf_put(&line,
                         "%s %s creators (%s followers): followers, price, real_share, "
                         "reach_rate, engagement_per_follower, post_probability and "
                         "overhead_per_hire from the preset (docs/presets.md); a key written "
                         "here wins over it. Sources: %s.",
                         display_name(platform), p->tier, band(p->tier), p->sources);
        char *text = infl__strbuf_take(&line);
        if (text == NULL) {
            b->failed = true;
            return;
        }
        comment(b, 4, text);
        free(text);
        infl__strbuf_put(b, "    preset: %s\n", p->name);
        infl__strbuf aud = {0};
        infl__strbuf_put(&aud,
                         "REPLACE: the share of the creators' audience in each region (ships, "
                         "elsewhere). Replace it with the creators' audience tab (%s): the share "
                         "in the countries you ship to against the rest, as a list such as [0.7, "
                         "0.3] for one creator or as the mean of a dirichlet for a tier. Cautious "
                         "guess: half, varying widely from creator to creator (kappa 5: most "
                         "between about a quarter and three quarters).",
                         audience_tab(platform));
        text = infl__strbuf_take(&aud);
        if (text == NULL) {
            b->failed = true;
            return;
        }
        comment(b, 4, text);
        free(text);
        infl__strbuf_put(b, "    audience: {dirichlet: {mean: [0.5, 0.5], kappa: 5}}\n");
        comment(b, 4,
                "REPLACE: the share of the audience genuinely interested in the product's "
                "category. No published figure measures it: creators in the brand's niche may "
                "reach 10-15 %, a general audience a few percent (experiments/french-brand.yaml: "
                "12 % and 3 %). A past campaign's clicks over reach, or the audience interests a "
                "creator's media kit lists, say more. Cautious guess: a mean of 5 %, wide "
                "(kappa 10).");
        infl__strbuf_put(b, "    interest_share: {beta: {mean: 0.05, kappa: 10}}\n");
        comment(b, 4,
                "Word of mouth: conversations started per engagement. Off here; "
                "experiments/french-brand.yaml uses 0.01 (macro) to 0.05 (micro).");
        infl__strbuf_put(b, "    conversations_per_engagement: 0\n");
    }

    infl__strbuf_put(b, "\n");
    comment(b, 0,
            "What to compare: each tier with the whole budget, and an even split between the "
            "tiers. `influsim optimize FILE --tiers A,B` searches for the best split.");
    if (tiers->n < 2)
        comment(b, 0, "(With one tier there is no split to compare; add a tier to compare two.)");
    infl__strbuf_put(b, "strategies:\n");
    for (size_t t = 0; t < tiers->n; t++)
        infl__strbuf_put(b, "  - {name: all-%s, allocation: {%s: 1}}\n", tiers->items[t],
                         tiers->items[t]);
    if (tiers->n >= 2) {
        infl__strbuf_put(b, "  - {name: even-split, shares: relative, allocation: {");
        for (size_t t = 0; t < tiers->n; t++)
            infl__strbuf_put(b, "%s%s: 1", t ? ", " : "", tiers->items[t]);
        infl__strbuf_put(b, "}}\n");
    }
}

infl_status infl_scenario_starter(const infl_starter_options *o, char **out, infl_error *err)
{
    *out = NULL;
    list tiers = {0}, ships = {0};
    char *platform = NULL;
    const infl__preset **presets = NULL;
    size_t *countries = NULL;
    infl_error mine;
    infl_error_init(&mine);

    /* Every fault at once, as the loader reports a scenario's. */
    check_positive("budget", o->budget, MAX_BUDGET, &mine);
    check_positive("price", o->price, INFINITY, &mine);
    check_positive("unit_cost", o->unit_cost, INFINITY, &mine);
    bool platform_ok = false;
    if (o->platform == NULL || *o->platform == '\0') {
        infl_error_add(&mine, INFL_EARG, "platform: none given");
    } else if ((platform = strdup(o->platform)) == NULL) {
        infl_error_add(&mine, INFL_ENOMEM, "out of memory");
    } else {
        platform_ok = check_platform(platform, &mine) == INFL_OK;
    }
    if (list_split(o->tiers, "tiers", &tiers, &mine) == INFL_OK && platform_ok) {
        presets = calloc(tiers.n, sizeof *presets);
        if (presets == NULL)
            infl_error_add(&mine, INFL_ENOMEM, "out of memory");
        else
            check_tiers(platform, &tiers, presets, &mine);
    }
    if (list_split(o->ships, "ships", &ships, &mine) == INFL_OK) {
        countries = calloc(ships.n, sizeof *countries);
        if (countries == NULL)
            infl_error_add(&mine, INFL_ENOMEM, "out of memory");
        else
            check_ships(&ships, countries, &mine);
    }
    infl_status rc = mine.status;
    if (rc == INFL_OK) {
        infl__strbuf b = {0};
        write_text(&b, o, o->name != NULL && *o->name ? o->name : DEFAULT_NAME, platform, &tiers,
                   presets, countries, ships.n);
        char *text = infl__strbuf_take(&b);
        if (text == NULL) {
            rc = infl_error_add(&mine, INFL_ENOMEM, "out of memory");
        } else {
            /* Never hand back a scenario that does not load. */
            infl_scenario *sc = NULL;
            infl_error load;
            infl_error_init(&load);
            rc = infl_scenario_load_text(text, strlen(text), "influsim new", NULL, 0, &sc, &load);
            infl_scenario_free(sc);
            if (rc == INFL_OK) {
                *out = text;
            } else {
                free(text);
                rc = infl_error_add(&mine, rc == INFL_ENOMEM ? INFL_ENOMEM : INFL_EINTERNAL,
                                    "internal error: the starting scenario does not load:");
                infl_error_merge(&mine, &load);
            }
            infl_error_destroy(&load);
        }
    }
    infl_error_merge(err, &mine);
    infl_error_destroy(&mine);
    free(platform);
    free(presets);
    free(countries);
    list_free(&tiers);
    list_free(&ships);
    return rc;
}
