/*
 * influsim/scenario.h — loading, validating and describing a scenario.
 *
 * A scenario is a YAML file (its keys are described in docs/model.md, "Scenario keys"). Loading
 * parses it, applies `--set key.path=value` overrides, validates every value and fills in defaults;
 * the result is an immutable, fully resolved description that the engine runs. Every validation
 * fault is reported, each as `FILE:LINE:COLUMN: key.path: what is wrong (got VALUE)`.
 */
#ifndef INFLUSIM_SCENARIO_H
#define INFLUSIM_SCENARIO_H

#include "influsim/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct infl_scenario infl_scenario;

/* Defaults for keys a scenario may leave out. */
#define INFL_DEFAULT_TRIALS UINT64_C(10000)
#define INFL_DEFAULT_SEED UINT64_C(1)

/*
 * Loads a scenario from YAML text. `origin` names it in messages (a file
 * path). `sets` holds n_sets overrides, each "key.path=value". On success
 * *out is a new scenario owned by the caller (free with infl_scenario_free);
 * on failure *out is NULL, err holds one message per fault, and the status is
 * INFL_ESYNTAX (unreadable YAML), INFL_EINVAL (invalid values), INFL_EARG (a
 * malformed override) or INFL_ENOMEM.
 */
infl_status infl_scenario_load_text(const char *text, size_t length, const char *origin,
                                    const char *const *sets, size_t n_sets, infl_scenario **out,
                                    infl_error *err);

/* As infl_scenario_load_text, reading the file at `path` (INFL_EIO if it
 * cannot be read). */
infl_status infl_scenario_load_file(const char *path, const char *const *sets, size_t n_sets,
                                    infl_scenario **out, infl_error *err);

/*
 * A new scenario from base's own source: the text and origin it was loaded
 * from and its overrides, then `sets` (n_sets more, applied after base's), as
 * if loaded from that text with every override at once, so the numbers and the
 * messages (a bad override's --set:N position counts base's overrides first)
 * are those of such a load. The file base came from is not read again. On
 * success *out is owned by the caller; on failure *out is NULL and the status
 * is one of infl_scenario_load_text's. base is not changed.
 */
infl_status infl_scenario_derive(const infl_scenario *base, const char *const *sets, size_t n_sets,
                                 infl_scenario **out, infl_error *err);

/* Frees a scenario; accepts NULL. */
void infl_scenario_free(infl_scenario *sc);

/*
 * Returns the resolved scenario (every key, defaults filled in) as YAML text
 * that loads back into the same scenario, or NULL if out of memory. The
 * caller owns the string (free()).
 */
char *infl_scenario_resolved_yaml(const infl_scenario *sc);

/*
 * A --set override that replaces the strategies: "strategies=[{name: ...,
 * allocation: {tier: share, ...}}, ...]" for n strategies named names[i] with
 * shares[i * n_tiers + t] of tiers[t] (shares of 0 left out; every number
 * written so that it reads back exactly). NULL if out of memory; free().
 */
char *infl_scenario_strategies_override(size_t n, const char *const *names,
                                        const char *const *tiers, size_t n_tiers,
                                        const double *shares);

/* Accessors. Strings are owned by the scenario and live as long as it. */
const char *infl_scenario_name(const infl_scenario *sc);
const char *infl_scenario_origin(const infl_scenario *sc);      /* file path or origin */
const char *infl_scenario_source_text(const infl_scenario *sc); /* the YAML as given */
const char *infl_scenario_overrides(const infl_scenario *sc);   /* "--set" lines, or "" */
/* The overrides it was loaded with, as given ("key.path=value"), in order. */
size_t infl_scenario_set_count(const infl_scenario *sc);
const char *const *infl_scenario_sets(const infl_scenario *sc);
const char *infl_scenario_currency(const infl_scenario *sc);
uint64_t infl_scenario_seed(const infl_scenario *sc);
uint64_t infl_scenario_trials(const infl_scenario *sc);
double infl_scenario_budget(const infl_scenario *sc);
/* Whether customers order again (product.repeat_orders is not the constant 0). */
bool infl_scenario_has_repeat_orders(const infl_scenario *sc);
/* The horizon product.repeat_orders counts over, in months (a label). */
double infl_scenario_horizon_months(const infl_scenario *sc);
size_t infl_scenario_strategy_count(const infl_scenario *sc);
const char *infl_scenario_strategy_name(const infl_scenario *sc, size_t i);
/* The budget share strategy s gives tier `tier` (NaN if either is out of range). */
double infl_scenario_strategy_share(const infl_scenario *sc, size_t s, size_t tier);
size_t infl_scenario_tier_count(const infl_scenario *sc);
const char *infl_scenario_tier_name(const infl_scenario *sc, size_t i);
size_t infl_scenario_region_count(const infl_scenario *sc);
/* The roster file it read (`roster_file:`, resolved against the scenario's
 * folder), or NULL. */
const char *infl_scenario_roster_file(const infl_scenario *sc);
/* Named creators of its roster, and the handle of creator i (NULL if out of range). */
size_t infl_scenario_creator_count(const infl_scenario *sc);
const char *infl_scenario_creator_handle(const infl_scenario *sc, size_t i);
const char *infl_scenario_region_name(const infl_scenario *sc, size_t i);

/*
 * Where each resolved value came from (`influsim check --sources`): the
 * scenario's line, an override, a roster file's line, a tier preset, or the
 * loader's default.
 */
typedef enum {
    INFL_SOURCE_FILE,        /* the scenario file: origin is its path, line the line */
    INFL_SOURCE_SET,         /* an override: line is N of --set:N (1-based) */
    INFL_SOURCE_ROSTER_FILE, /* a roster_file row: origin is the file's path, line its line */
    INFL_SOURCE_PRESET,      /* a tier preset: preset is its name, preset_sources its sources */
    INFL_SOURCE_DEFAULT      /* given by no one: the loader's default */
} infl_source_kind;

typedef struct {
    char *path;  /* key path: "budget", "product.price", "tiers.micro.reach_rate",
                    "roster.anna.price" */
    char *value; /* as written (a mapping or list in flow form); a default as resolved */
    infl_source_kind kind;
    char *origin;               /* FILE, ROSTER_FILE: the path; SET: "--set"; else NULL */
    size_t line;                /* FILE, ROSTER_FILE: the line; SET: N; else 0 */
    const char *preset;         /* PRESET: "instagram/micro"; else NULL (static) */
    const char *preset_sources; /* PRESET: its sources, one line; else NULL (static) */
    char *via; /* a creator's key filled in by its tier: "tiers.micro"; else NULL */
} infl_scenario_source;

/*
 * The sources of sc's resolved keys: the top-level scalars (name, seed,
 * trials, currency, budget, ...), each key of product, hiring and market, of
 * every tier and of every roster creator, in the order the resolved
 * scenario writes them. Rebuilt from sc's own text, overrides and roster
 * bytes as infl_scenario_derive does (no file is read again). On success
 * *out holds *n entries owned by the caller (free with
 * infl_scenario_sources_free); on failure *out is NULL, *n 0.
 */
infl_status infl_scenario_sources(const infl_scenario *sc, infl_scenario_source **out, size_t *n,
                                  infl_error *err);

/* Frees what infl_scenario_sources returned; accepts NULL. */
void infl_scenario_sources_free(infl_scenario_source *s, size_t n);

/* Where s came from, in words: "FILE:LINE", "--set:N", "CSV:LINE",
 * "preset instagram/micro (SOURCES)" or "default", with " (from tiers.micro)"
 * added for a creator's key its tier filled in. Written into buf (size n,
 * cut if too small) and returned. */
const char *infl_scenario_source_describe(const infl_scenario_source *s, char *buf, size_t n);

/*
 * A numeric parameter of a scenario that `--set` reaches: a number (budget,
 * product.price), a constant given for a distribution-valued key
 * ("tiers.micro.gifted_share"), or one parameter of a distribution
 * ("tiers.micro.reach_rate.beta.mean"). The factors of a sensitivity study
 * (influsim/factor.h) are chosen among these; docs/sensitivity.md, "Factors".
 */
typedef struct {
    char *path;   /* the --set key reaching it: "budget", "product.price",
                     "tiers.micro.reach_rate.beta.mean", "market.purchase_rate" ... */
    char *label;  /* readable: "micro reach rate (mean)", "product price" */
    double value; /* the resolved value in sc */
    /* Its valid domain with every other parameter at its value in sc (so a
     * distribution's min is at most its max, a beta's mean and kappa keep
     * both shapes at least 0.001, a tier's engagement per follower stays
     * within its views per follower); may be -INFINITY/INFINITY. */
    double min, max;
    bool min_open, max_open; /* whether the bound itself is excluded */
    bool integer;            /* only whole numbers are valid */
    bool assumption;         /* part of --factors assumptions: a numeric parameter of a tier,
                                the market or the product that is not structural (not
                                budget, hiring.max_skips, product.horizon_months) */
    /* Parameters with the same group constrain one another (the two of one
     * distribution; a per-follower tier's engagement, real share, reach rate
     * and non-follower views); a box of values is valid when each group's
     * corners are. Numbered from 0 in order of first appearance. */
    size_t group;
} infl_scenario_parameter;

/*
 * Every numeric parameter of sc that `--set` reaches, in the resolved
 * scenario's order: budget, product, hiring.max_skips, market, then each
 * tier's keys (nonfollower_views also when 0) and its Dirichlet audience's
 * kappa. Left out: seed and trials (the runs of a study share them), the
 * audience's shares (one cannot move without the others: they sum to 1),
 * strategies' shares (the decisions compared, not assumptions), named
 * creators' keys, and market.addressable when not given (unlimited has no
 * value to vary). On success *out holds *n entries owned by the caller (free
 * with infl_scenario_parameters_free); on failure (INFL_ENOMEM) *out is NULL.
 */
infl_status infl_scenario_parameters(const infl_scenario *sc, infl_scenario_parameter **out,
                                     size_t *n, infl_error *err);

/* Frees what infl_scenario_parameters returned; accepts NULL. */
void infl_scenario_parameters_free(infl_scenario_parameter *p, size_t n);

#endif
