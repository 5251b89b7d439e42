/*
 * scenario_load.c — from a YAML tree to a validated, fully resolved
 * infl_scenario (see include/influsim/scenario.h).
 *
 * Validation does not stop at the first fault: every value is checked and each
 * fault is reported with its position and key path, so a strategist fixes the
 * whole file in one pass. Cross-checks (audience length against regions, tiers
 * named in allocations) run only once the parts they compare are valid, so one
 * mistake does not cascade into many messages.
 */
#include "scenario/scenario_internal.h"
#include "random/rng.h"
#include "base/suggest.h"
#include "scenario/country.h"
#include "scenario/preset.h"
#include "scenario/range.h"
#include "scenario/roster.h"
#include "scenario/roster_csv.h"
#include "scenario/roster_import.h"
#include "scenario/roster_json.h"
#include "scenario/yaml_tree.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PATH_LEN 512
#define MAX_MESSAGES 50
#define MIN_SHAPE INFL__MIN_SHAPE
/* Shares (audience, allocation) must sum to 1 within this. */
#define SHARE_TOLERANCE 1e-6
/* An audience by country may sum to 1 within this (rounded percentages). */
#define ALLOCATION_SLACK_AUDIENCE 0.005
/* Defaults of the extensions (docs/model.md): a buyer passes over a creator
 * who does not fit and gives up after 25 in a row. */
#define DEFAULT_MAX_SKIPS 25
#define DEFAULT_HORIZON_MONTHS 12.0

typedef struct {
    infl_error *err;
    size_t faults;
} loader;

/* The ranges of values (scenario/range.h, shared with the sensitivity
 * study's factors). */
typedef infl__range range;
static const range *const RATE = &INFL__RANGE_RATE;

/* The range of a numeric key in range.c's table ("tiers.*.reach_rate"). */
static const range *key_range(const char *key)
{
    const infl__key_domain *d = infl__key_domain_find(key);
    return d != NULL ? &d->range : &INFL__RANGE_ANY;
}

__attribute__((format(printf, 4, 5))) static void fault(loader *L, const infl_node *at,
                                                        const char *path, const char *fmt, ...)
{
    char raw[512], msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    /* A value quoted in a message may hold line breaks; each message stays
     * on one line, so escape them. */
    size_t j = 0;
    for (const char *c = raw; *c && j + 5 < sizeof msg; c++) {
        unsigned char ch = (unsigned char)*c;
        if (ch == '\n' || ch == '\r' || ch == '\t') {
            msg[j++] = '\\';
            msg[j++] = ch == '\n' ? 'n' : ch == '\r' ? 'r' : 't';
        } else {
            msg[j++] = (char)(ch < 0x20 ? '?' : ch);
        }
    }
    msg[j] = '\0';
    /* Past this many, further faults are counted but not listed: a file
     * that wrong needs its first screenful fixed, not a flood. */
    if (L->faults++ >= MAX_MESSAGES) {
        if (L->faults == MAX_MESSAGES + 1)
            infl_error_add(L->err, INFL_EINVAL,
                           "%s:%zu:%zu: %s: more faults from here on; fix these first", at->origin,
                           at->line, at->column, path);
        return;
    }
    infl_error_add(L->err, INFL_EINVAL, "%s:%zu:%zu: %s: %s", at->origin, at->line, at->column,
                   path, msg);
}

/* Formats a key path into out[PATH_LEN]; a path too long is cut, never overrun. */
__attribute__((format(printf, 2, 3))) static void pathf(char *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, PATH_LEN, fmt, ap);
    va_end(ap);
}

static void join(char *out, const char *path, const char *key)
{
    if (*path)
        pathf(out, "%s.%s", path, key);
    else
        pathf(out, "%s", key);
}

/* Reports keys of `map` not in `allowed` (NULL-terminated), with suggestions. */
static void check_keys(loader *L, const infl_node *map, const char *path,
                       const char *const *allowed)
{
    size_t n = 0;
    while (allowed[n] != NULL)
        n++;
    for (size_t i = 0; i < map->count; i++) {
        const infl_node_pair *p = &map->pairs[i];
        bool known = false;
        for (size_t j = 0; j < n && !known; j++)
            known = strcmp(p->key, allowed[j]) == 0;
        if (known)
            continue;
        char full[PATH_LEN];
        join(full, path, p->key);
        infl_node at = {.origin = p->value->origin, .line = p->line, .column = p->column};
        const char *hint = infl__suggest(p->key, allowed, n);
        if (hint)
            fault(L, &at, full, "unknown key; did you mean '%s'?", hint);
        else {
            char list[256] = "";
            for (size_t j = 0; j < n; j++) {
                if (j)
                    strncat(list, ", ", sizeof list - strlen(list) - 1);
                strncat(list, allowed[j], sizeof list - strlen(list) - 1);
            }
            fault(L, &at, full, "unknown key (known here: %s)", list);
        }
    }
}

/* True if `map` has a key that is a likely misspelling of `key`: the unknown-key
 * message already says "did you mean", so "missing" would only repeat it. */
static bool misspelt(const infl_node *map, const char *key)
{
    for (size_t i = 0; i < map->count; i++)
        if (strcmp(map->pairs[i].key, key) != 0 && infl__suggest(map->pairs[i].key, &key, 1))
            return true;
    return false;
}

/* Returns the value of a required key, or reports it missing and returns NULL. */
static const infl_node *require(loader *L, const infl_node *map, const char *path, const char *key)
{
    const infl_node *v = infl__yaml_tree_get(map, key);
    if (v == NULL && misspelt(map, key)) {
        L->faults++; /* reported as an unknown key */
        return NULL;
    }
    if (v == NULL) {
        char full[PATH_LEN];
        join(full, path, key);
        fault(L, map, full, "required key is missing");
    }
    return v;
}

static bool expect_kind(loader *L, const infl_node *n, const char *path, infl_node_kind kind)
{
    if (n->kind == kind)
        return true;
    char buf[96];
    const char *want = kind == INFL_NODE_MAP   ? "a mapping"
                       : kind == INFL_NODE_SEQ ? "a list"
                                               : "a value";
    fault(L, n, path, "expected %s (got %s)", want, infl__yaml_tree_describe(n, buf, sizeof buf));
    return false;
}

static bool parse_number(loader *L, const infl_node *n, const char *path, double *out)
{
    char buf[96];
    if (n->kind == INFL_NODE_SCALAR && n->quoted) {
        fault(L, n, path, "expected a number, not quoted text (got \"%s\"; remove the quotes)",
              n->text);
        return false;
    }
    if (n->kind != INFL_NODE_SCALAR) {
        fault(L, n, path, "expected a number (got %s)",
              infl__yaml_tree_describe(n, buf, sizeof buf));
        return false;
    }
    const char *s = n->text;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || isspace((unsigned char)*s)) {
        /* YAML spells infinity and NaN with a dot; name them rather than call them text. */
        if (strcasecmp(s, ".inf") == 0 || strcasecmp(s, "-.inf") == 0 ||
            strcasecmp(s, "+.inf") == 0 || strcasecmp(s, ".nan") == 0)
            fault(L, n, path, "must be a finite number (got %s)", s);
        else
            fault(L, n, path, "expected a number (got \"%s\")", s);
        return false;
    }
    if (!isfinite(v)) {
        fault(L, n, path, "must be a finite number (got %s)", s);
        return false;
    }
    *out = v;
    return true;
}

static bool in_range(double v, const range *r)
{
    return infl__range_contains(r, v);
}

static bool parse_ranged(loader *L, const infl_node *n, const char *path, const range *r,
                         double *out)
{
    double v;
    if (!parse_number(L, n, path, &v))
        return false;
    if (!in_range(v, r)) {
        fault(L, n, path, "must be %s (got %s)", r->text, n->text);
        return false;
    }
    *out = v;
    return true;
}

static bool parse_uint64(loader *L, const infl_node *n, const char *path, uint64_t lo, uint64_t hi,
                         uint64_t *out)
{
    char buf[96];
    if (n->kind != INFL_NODE_SCALAR || n->quoted) {
        fault(L, n, path, "expected a whole number (got %s)",
              infl__yaml_tree_describe(n, buf, sizeof buf));
        return false;
    }
    const char *s = n->text;
    char *end = NULL;
    errno = 0;
    if (!isdigit((unsigned char)s[0])) {
        fault(L, n, path, "expected a whole number >= %llu (got \"%s\")", (unsigned long long)lo,
              s);
        return false;
    }
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0') {
        fault(L, n, path, "expected a whole number (got \"%s\")", s);
        return false;
    }
    if (errno == ERANGE || v < lo || v > hi) {
        fault(L, n, path, "must be between %llu and %llu (got %s)", (unsigned long long)lo,
              (unsigned long long)hi, s);
        return false;
    }
    *out = v;
    return true;
}

static bool parse_bool(loader *L, const infl_node *n, const char *path, bool *out)
{
    char buf[96];
    if (n->kind == INFL_NODE_SCALAR && !n->quoted) {
        const char *s = n->text;
        if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "yes") || !strcmp(s, "on")) {
            *out = true;
            return true;
        }
        if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "no") || !strcmp(s, "off")) {
            *out = false;
            return true;
        }
    }
    fault(L, n, path, "expected true or false (got %s)",
          infl__yaml_tree_describe(n, buf, sizeof buf));
    return false;
}

static bool parse_string(loader *L, const infl_node *n, const char *path, char **out)
{
    char buf[96];
    if (n->kind != INFL_NODE_SCALAR) {
        fault(L, n, path, "expected text (got %s)", infl__yaml_tree_describe(n, buf, sizeof buf));
        return false;
    }
    char *s = strdup(n->text);
    if (s == NULL) {
        fault(L, n, path, "out of memory");
        return false;
    }
    free(*out);
    *out = s;
    return true;
}

static const char *const DIST_NAMES[] = {"beta", "lognormal", "loguniform", "uniform", NULL};

/* Parses a constant or a named distribution whose values must lie in r. */
static bool parse_dist(loader *L, const infl_node *n, const char *path, const range *r,
                       infl_dist *out)
{
    char buf[96];
    if (n->kind == INFL_NODE_SCALAR) {
        double v;
        if (!parse_ranged(L, n, path, r, &v))
            return false;
        *out = infl__dist_constant(v);
        return true;
    }
    if (n->kind != INFL_NODE_MAP || n->count != 1) {
        fault(L, n, path,
              "expected a number or one distribution such as {beta: {mean: M, kappa: K}} (got "
              "%s)",
              n->kind == INFL_NODE_MAP ? "a mapping with several keys"
                                       : infl__yaml_tree_describe(n, buf, sizeof buf));
        return false;
    }
    const infl_node_pair *p = &n->pairs[0];
    char dpath[PATH_LEN];
    join(dpath, path, p->key);
    infl_node at = {.origin = p->value->origin, .line = p->line, .column = p->column};
    const infl_node *params = p->value;
    const char *pa = NULL, *pb = NULL;
    infl_dist d = {0};
    if (!strcmp(p->key, "beta")) {
        d.kind = INFL_DIST_BETA;
        pa = "mean";
        pb = "kappa";
    } else if (!strcmp(p->key, "lognormal")) {
        d.kind = INFL_DIST_LOGNORMAL;
        pa = "median";
        pb = "sigma";
    } else if (!strcmp(p->key, "loguniform") || !strcmp(p->key, "uniform")) {
        d.kind = p->key[0] == 'l' ? INFL_DIST_LOGUNIFORM : INFL_DIST_UNIFORM;
        pa = "min";
        pb = "max";
    } else if (!strcmp(p->key, "dirichlet")) {
        fault(L, &at, dpath, "a Dirichlet is for share vectors (audience), not a single value");
        return false;
    } else {
        const char *hint = infl__suggest(p->key, DIST_NAMES, 4);
        if (hint)
            fault(L, &at, dpath, "unknown distribution; did you mean '%s'?", hint);
        else
            fault(L, &at, dpath,
                  "unknown distribution (known: beta, lognormal, loguniform, uniform)");
        return false;
    }
    if (!expect_kind(L, params, dpath, INFL_NODE_MAP))
        return false;
    const char *allowed[] = {pa, pb, NULL};
    size_t before = L->faults;
    check_keys(L, params, dpath, allowed);
    const infl_node *na = require(L, params, dpath, pa);
    const infl_node *nb = require(L, params, dpath, pb);
    if (L->faults != before)
        return false;
    char patha[PATH_LEN], pathb[PATH_LEN];
    join(patha, dpath, pa);
    join(pathb, dpath, pb);
    /* Both parsed, so both faults are reported. */
    bool ok_a = parse_number(L, na, patha, &d.a);
    bool ok_b = parse_number(L, nb, pathb, &d.b);
    if (!ok_a || !ok_b)
        return false;
    /* The rules are range.c's; the messages say which one failed. */
    unsigned bad = infl__dist_check(&d, r);
    if (bad & INFL__DIST_BAD_A) {
        infl__range ra = infl__dist_param_range(d.kind, 0);
        fault(L, na, patha, "must be %s (got %s)", ra.text, na->text);
    }
    if (bad & INFL__DIST_BAD_B) {
        infl__range rb = infl__dist_param_range(d.kind, 1);
        fault(L, nb, pathb, "must be %s (got %s)", rb.text, nb->text);
    }
    if (bad & INFL__DIST_SHAPE)
        fault(L, nb, pathb,
              "too small: mean x kappa and (1 - mean) x kappa must be at least %g (got %s)",
              MIN_SHAPE, nb->text);
    if (bad & INFL__DIST_ORDER)
        fault(L, nb, pathb, "must be >= min (%s) (got %s)", na->text, nb->text);
    if (bad & INFL__DIST_SUPPORT) {
        range s = infl__dist_support_range(&d);
        if (d.kind == INFL_DIST_LOGNORMAL && isinf(r->hi) == 0 && s.hi > r->hi)
            fault(L, &at, dpath,
                  "a lognormal can exceed %g; this value must be %s (use beta "
                  "or uniform)",
                  r->hi, r->text);
        else
            fault(L, &at, dpath,
                  "draws must be %s, but this distribution gives values in %s%g, "
                  "%g%s",
                  r->text, s.lo_open ? "(" : "[", s.lo, s.hi, s.hi_open ? ")" : "]");
    }
    if (bad)
        return false;
    infl__dist_prepare(&d);
    *out = d;
    return true;
}

/* Parses a list of n numbers into a new array; each must be in r. */
static bool parse_vector(loader *L, const infl_node *n, const char *path, size_t expect,
                         const range *r, double **out)
{
    if (!expect_kind(L, n, path, INFL_NODE_SEQ))
        return false;
    if (expect != 0 && n->count != expect) {
        fault(L, n, path, "expected %zu shares, one per region in `regions` order (got %zu)",
              expect, n->count);
        return false;
    }
    double *v = calloc(n->count ? n->count : 1, sizeof *v);
    if (v == NULL) {
        fault(L, n, path, "out of memory");
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < n->count; i++) {
        char ipath[PATH_LEN];
        pathf(ipath, "%s[%zu]", path, i);
        ok &= parse_ranged(L, n->items[i], ipath, r, &v[i]);
    }
    if (!ok) {
        free(v);
        return false;
    }
    *out = v;
    return true;
}

static bool check_sum_one(loader *L, const infl_node *at, const char *path, double *v, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    if (fabs(sum - 1.0) > SHARE_TOLERANCE) {
        fault(L, at, path, "shares must sum to 1 (got a sum of %.9g)", sum);
        return false;
    }
    /* The values are kept as written (not rescaled), so the resolved scenario
     * prints them back exactly and loading it again gives the same numbers. */
    return true;
}

/* Audience: a list of shares, or {dirichlet: {mean: [...], kappa: K}}. */
static bool parse_share_dist(loader *L, const infl_node *n, const char *path, size_t n_regions,
                             infl_share_dist *out)
{
    infl_share_dist d = {0};
    if (n->kind == INFL_NODE_SEQ) {
        if (!parse_vector(L, n, path, n_regions, RATE, &d.mean))
            return false;
        d.n = n->count;
        if (!check_sum_one(L, n, path, d.mean, d.n)) {
            infl__dist_share_destroy(&d);
            return false;
        }
        *out = d;
        return true;
    }
    const infl_node *dn = infl__yaml_tree_get(n, "dirichlet");
    if (n->kind != INFL_NODE_MAP || n->count != 1 || dn == NULL) {
        char buf[96];
        fault(L, n, path,
              "expected a list of shares or {dirichlet: {mean: [...], kappa: K}} (got %s)",
              infl__yaml_tree_describe(n, buf, sizeof buf));
        return false;
    }
    char dpath[PATH_LEN], mpath[PATH_LEN], kpath[PATH_LEN];
    join(dpath, path, "dirichlet");
    if (!expect_kind(L, dn, dpath, INFL_NODE_MAP))
        return false;
    static const char *const allowed[] = {"mean", "kappa", NULL};
    size_t before = L->faults;
    check_keys(L, dn, dpath, allowed);
    const infl_node *mn = require(L, dn, dpath, "mean");
    const infl_node *kn = require(L, dn, dpath, "kappa");
    if (L->faults != before)
        return false;
    join(mpath, dpath, "mean");
    join(kpath, dpath, "kappa");
    bool ok = parse_ranged(L, kn, kpath, key_range("tiers.*.audience.dirichlet.kappa"), &d.kappa);
    if (!parse_vector(L, mn, mpath, n_regions, &INFL__RANGE_OPEN_RATE, &d.mean))
        return false;
    d.n = mn->count;
    d.dirichlet = true;
    ok = ok && check_sum_one(L, mn, mpath, d.mean, d.n);
    for (size_t i = 0; ok && i < d.n; i++) {
        if (!(d.mean[i] * d.kappa >= MIN_SHAPE)) {
            fault(L, kn, kpath,
                  "too small: every mean x kappa must be at least %g (mean[%zu] x kappa is %g)",
                  MIN_SHAPE, i, d.mean[i] * d.kappa);
            ok = false;
        }
    }
    if (ok) {
        d.alpha = calloc(d.n, sizeof *d.alpha);
        if (d.alpha == NULL) {
            fault(L, n, path, "out of memory");
            ok = false;
        } else {
            for (size_t i = 0; i < d.n; i++)
                d.alpha[i] = d.mean[i] * d.kappa;
            if (!infl__dist_share_prepare(&d)) {
                fault(L, n, path, "out of memory");
                ok = false;
            }
        }
    }
    if (!ok) {
        infl__dist_share_destroy(&d);
        return false;
    }
    *out = d;
    return true;
}

static bool valid_tier_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
            return false;
    return true;
}

static char *slug_of(const char *name)
{
    size_t n = strlen(name);
    char *s = malloc(n + 1);
    if (s == NULL)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        /* ASCII letters are lowercased; letters beyond ASCII (UTF-8 bytes)
         * are kept as they are, so Österreich stays recognisable. */
        if (c >= 0x80)
            s[j++] = (char)c;
        else if (isalnum(c))
            s[j++] = (char)tolower(c);
        else if (j > 0 && s[j - 1] != '_')
            s[j++] = '_';
    }
    while (j > 0 && s[j - 1] == '_')
        j--;
    s[j] = '\0';
    return s;
}

/* A country code as the scenario may write it: two ASCII letters of ISO
 * 3166-1 alpha-2, in either case, upper-cased into out. Returns false and
 * reports the fault (with a suggestion) if code is none. */
static bool parse_country(loader *L, const infl_node *n, const char *path, char out[3])
{
    char buf[96];
    if (n->kind != INFL_NODE_SCALAR) {
        fault(L, n, path, "expected a country code such as FR (got %s)",
              infl__yaml_tree_describe(n, buf, sizeof buf));
        return false;
    }
    size_t i = infl__country_find_code(n->text);
    if (i == INFL_COUNTRY_NONE) {
        char hint[96];
        if (infl__country_suggest(n->text, hint, sizeof hint) != NULL)
            fault(L, n, path, "not an ISO 3166-1 alpha-2 country code; did you mean %s? (got %s)",
                  hint, n->text);
        else
            fault(L, n, path, "not an ISO 3166-1 alpha-2 country code (got %s)", n->text);
        return false;
    }
    memcpy(out, infl__country_code(i), 3);
    return true;
}

/* `countries: [FR, BE, ...]` or `countries: rest` of region i. A code may
 * belong to one region only, and one region at most may be the rest. */
static void parse_region_countries(loader *L, const infl_node *n, const char *path,
                                   infl_scenario *sc, size_t i)
{
    infl_region *reg = &sc->regions[i];
    if (n->kind == INFL_NODE_SCALAR && !n->quoted && !strcmp(n->text, "rest")) {
        for (size_t j = 0; j < i; j++)
            if (sc->regions[j].rest)
                fault(L, n, path, "only one region may take the rest (regions[%zu] does)", j);
        reg->rest = true;
        return;
    }
    if (n->kind != INFL_NODE_SEQ) {
        char buf[96];
        fault(L, n, path, "expected a list of country codes such as [FR, BE] or rest (got %s)",
              infl__yaml_tree_describe(n, buf, sizeof buf));
        return;
    }
    reg->countries = calloc(n->count ? n->count : 1, sizeof *reg->countries);
    if (reg->countries == NULL) {
        fault(L, n, path, "out of memory");
        return;
    }
    for (size_t k = 0; k < n->count; k++) {
        char sub[PATH_LEN], code[3];
        pathf(sub, "%s[%zu]", path, k);
        if (!parse_country(L, n->items[k], sub, code))
            continue;
        bool dup = false;
        for (size_t j = 0; j <= i && !dup; j++) {
            const infl_region *o = &sc->regions[j];
            size_t m = j == i ? reg->n_countries : o->n_countries;
            for (size_t q = 0; q < m && !dup; q++) {
                if (strcmp(o->countries[q], code) != 0)
                    continue;
                dup = true;
                if (j == i)
                    fault(L, n->items[k], sub, "%s is listed twice", code);
                else
                    fault(L, n->items[k], sub, "%s is already in regions[%zu] (%s)", code, j,
                          o->name ? o->name : "?");
            }
        }
        if (!dup)
            memcpy(reg->countries[reg->n_countries++], code, 3);
    }
}

static void parse_regions(loader *L, const infl_node *n, infl_scenario *sc)
{
    if (!expect_kind(L, n, "regions", INFL_NODE_SEQ))
        return;
    if (n->count == 0) {
        fault(L, n, "regions", "at least one region is required");
        return;
    }
    sc->regions = calloc(n->count, sizeof *sc->regions);
    if (sc->regions == NULL) {
        fault(L, n, "regions", "out of memory");
        return;
    }
    size_t before = L->faults;
    bool any_shippable = false;
    for (size_t i = 0; i < n->count; i++) {
        const infl_node *r = n->items[i];
        char path[PATH_LEN], sub[PATH_LEN];
        pathf(path, "regions[%zu]", i);
        if (!expect_kind(L, r, path, INFL_NODE_MAP))
            continue;
        static const char *const allowed[] = {"name", "shippable", "countries", NULL};
        check_keys(L, r, path, allowed);
        infl_region *reg = &sc->regions[i];
        const infl_node *cn = infl__yaml_tree_get(r, "countries");
        if (cn != NULL) {
            join(sub, path, "countries");
            parse_region_countries(L, cn, sub, sc, i);
        }
        const infl_node *nn = require(L, r, path, "name");
        const infl_node *sn = require(L, r, path, "shippable");
        if (nn) {
            join(sub, path, "name");
            if (parse_string(L, nn, sub, &reg->name)) {
                reg->slug = slug_of(reg->name);
                if (reg->slug == NULL || reg->slug[0] == '\0') {
                    fault(L, nn, sub, "a region needs a name with letters or digits (got \"%s\")",
                          nn->text);
                } else {
                    for (size_t j = 0; j < i; j++)
                        if (sc->regions[j].slug && !strcmp(sc->regions[j].slug, reg->slug))
                            fault(L, nn, sub,
                                  "region names must differ (\"%s\" repeats \"%s\" of "
                                  "regions[%zu])",
                                  reg->name, sc->regions[j].name, j);
                }
            }
        }
        if (sn) {
            join(sub, path, "shippable");
            if (parse_bool(L, sn, sub, &reg->shippable) && reg->shippable)
                any_shippable = true;
        }
    }
    sc->n_regions = n->count;
    if (L->faults == before && !any_shippable)
        fault(L, n, "regions", "at least one region must be shippable (got none)");
}

static const infl_node *tier_get(const infl_node *n, const infl_node *base, const char *key);

/*
 * A tier's engagement: exactly one of engagement_rate (per viewer, the model's
 * own rate) and engagement_per_follower (what dashboards quote). The two are
 * easy to confuse, and the mistake costs a factor of 3 to 6 in sales, so a
 * per-follower figure that cannot be one (its mean would make more than one
 * engagement per viewer) is refused with the form that was probably meant.
 * Needs real_share and reach_rate parsed (t's fields; a fault there leaves
 * them zero and the cross-check is skipped).
 */
static void parse_engagement(loader *L, const infl_node *n, const infl_node *base, const char *path,
                             infl_tier *t)
{
    char sub[PATH_LEN];
    const infl_node *rate = tier_get(n, base, "engagement_rate");
    const infl_node *epf = tier_get(n, base, "engagement_per_follower");
    /* A --set of one form replaces the other form given in the file (or by
     * an earlier --set): "try this tier with the dashboard's figure" is one
     * override, not two. */
    if (rate && epf) {
        bool rate_set = !strcmp(rate->origin, "--set"), epf_set = !strcmp(epf->origin, "--set");
        if (rate_set && (!epf_set || rate->line > epf->line))
            epf = NULL;
        else if (epf_set && (!rate_set || epf->line > rate->line))
            rate = NULL;
    }
    if (rate && epf) {
        join(sub, path, "engagement_per_follower");
        fault(L, epf, sub,
              "give either engagement_rate (per viewer) or engagement_per_follower (as "
              "dashboards quote it), not both");
        return;
    }
    if (!rate && !epf) {
        join(sub, path, "engagement_rate");
        if (misspelt(n, "engagement_rate") || misspelt(n, "engagement_per_follower"))
            L->faults++; /* reported as an unknown key with a suggestion */
        else
            fault(L, n, sub,
                  "required key is missing (or give engagement_per_follower, the rate "
                  "dashboards quote)");
        return;
    }
    if (rate) {
        join(sub, path, "engagement_rate");
        parse_dist(L, rate, sub, key_range("tiers.*.engagement_rate"), &t->engagement_rate);
        return;
    }
    join(sub, path, "engagement_per_follower");
    t->per_follower = true;
    if (!parse_dist(L, epf, sub, key_range("tiers.*.engagement_per_follower"),
                    &t->engagement_per_follower))
        return;
    /* The rules are range.c's (infl__engagement_check); the messages say
     * what was probably meant. */
    double hi, e, viewers;
    infl__engagement_figures(t, &hi, &e, &viewers);
    switch (infl__engagement_check(t)) {
    case INFL__ENGAGEMENT_OK:
        return;
    case INFL__ENGAGEMENT_PERCENT:
        fault(L, epf, sub,
              "must be a fraction in [0, 1] (got values up to %g); if the dashboard quoted "
              "%g %%, write %g",
              hi, e, e / 100.0);
        return;
    case INFL__ENGAGEMENT_ABOVE_ONE:
        fault(L, epf, sub, "must be a fraction in [0, 1] (got values up to %g)", hi);
        return;
    case INFL__ENGAGEMENT_PER_VIEWER:
        break;
    }
    double rho = infl__dist_mean(&t->real_share), r = infl__dist_mean(&t->reach_rate);
    double u = infl__dist_mean(&t->nonfollower_views);
    char seeing[128];
    if (u > 0)
        snprintf(seeing, sizeof seeing,
                 "%g views per follower (real_share %g x reach_rate %g + nonfollower_views %g)",
                 viewers, rho, r, u);
    else
        snprintf(seeing, sizeof seeing,
                 "%g of followers seeing a post (real_share %g x reach_rate %g)", viewers, rho, r);
    fault(L, epf, sub,
          "a mean of %g engagements per follower, with %s, means %.3g engagements per "
          "viewer, more than one; this is probably the share of viewers who engage: write "
          "it as engagement_rate: %g",
          e, seeing, e / viewers, e);
}

/* The optional `hiring` section: the rule, its misfit limit, reallocation. */
static void parse_hiring(loader *L, const infl_node *root, infl_scenario *sc)
{
    sc->hiring_rule = INFL_HIRING_SKIP;
    sc->max_skips = DEFAULT_MAX_SKIPS;
    sc->reallocate = false;
    const infl_node *n = infl__yaml_tree_get(root, "hiring");
    if (n == NULL || !expect_kind(L, n, "hiring", INFL_NODE_MAP))
        return;
    static const char *const allowed[] = {"rule", "max_skips", "reallocate", NULL};
    check_keys(L, n, "hiring", allowed);
    const infl_node *v;
    if ((v = infl__yaml_tree_get(n, "rule")) != NULL) {
        if (v->kind == INFL_NODE_SCALAR && !strcmp(v->text, "skip"))
            sc->hiring_rule = INFL_HIRING_SKIP;
        else if (v->kind == INFL_NODE_SCALAR && !strcmp(v->text, "stop"))
            sc->hiring_rule = INFL_HIRING_STOP;
        else
            fault(L, v, "hiring.rule",
                  "must be skip (pass over a creator who does not fit) or stop (the first "
                  "who does not fit ends the tier) (got %s)",
                  infl__yaml_tree_describe(v, (char[96]){0}, 96));
    }
    if ((v = infl__yaml_tree_get(n, "max_skips")) != NULL)
        parse_uint64(L, v, "hiring.max_skips", 1, INFL_MAX_SKIPS_LIMIT, &sc->max_skips);
    if ((v = infl__yaml_tree_get(n, "reallocate")) != NULL)
        parse_bool(L, v, "hiring.reallocate", &sc->reallocate);
}

/* The tier keys, for check_keys (a roster creator takes these and its own). */
#define TIER_KEYS                                                                                  \
    "followers", "price", "price_per_1k_followers", "platform_fee", "gifted_share", "real_share",  \
        "reach_rate", "engagement_rate", "engagement_per_follower", "audience", "interest_share",  \
        "conversations_per_engagement", "overhead_per_hire", "post_probability",                   \
        "nonfollower_views"

/* The value of a tier key in n, or, where n has neither it nor its other
 * form, in base (the tier a roster creator names; NULL for a tier). */
static const infl_node *tier_get(const infl_node *n, const infl_node *base, const char *key)
{
    const infl_node *v = infl__yaml_tree_get(n, key);
    if (v != NULL || base == NULL || base->kind != INFL_NODE_MAP)
        return v;
    const char *alt = infl__tier_key_alternative(key);
    if (alt != NULL && infl__yaml_tree_get(n, alt) != NULL)
        return NULL;
    return infl__yaml_tree_get(base, key);
}

static void parse_creator_audience(loader *L, const infl_node *n, const char *path, infl_creator *c,
                                   const infl_scenario *sc);

/*
 * The keys of a tier (or of a roster creator, c != NULL, whose missing keys
 * come from base, the mapping of the tier it names) under `path` into t.
 */
static void parse_tier_keys(loader *L, const infl_node *n, const infl_node *base, const char *path,
                            infl_tier *t, const infl_scenario *sc, bool regions_ok, infl_creator *c)
{
    char sub[PATH_LEN];
    struct {
        const char *key;
        infl_dist *dst;
        bool required;
        double fallback;
    } fields[] = {
        {"followers", &t->followers, true, 0},
        {"platform_fee", &t->platform_fee, false, 0.0},
        {"gifted_share", &t->gifted_share, false, 0.0},
        {"real_share", &t->real_share, false, 1.0},
        {"reach_rate", &t->reach_rate, true, 0},
        {"interest_share", &t->interest_share, true, 0},
        {"conversations_per_engagement", &t->conversations_per_engagement, false, 0.0},
        {"overhead_per_hire", &t->overhead_per_hire, false, 0.0},
        {"post_probability", &t->post_probability, false, 1.0},
        {"nonfollower_views", &t->nonfollower_views, false, 0.0},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const infl_node *v = tier_get(n, base, fields[i].key);
        join(sub, path, fields[i].key);
        if (v == NULL) {
            if (fields[i].required && misspelt(n, fields[i].key))
                L->faults++; /* reported as an unknown key with a suggestion */
            else if (fields[i].required && c != NULL)
                fault(L, n, sub, "required key is missing (give it, or a `tier` that has it)");
            else if (fields[i].required)
                fault(L, n, sub, "required key is missing");
            else
                *fields[i].dst = infl__dist_constant(fields[i].fallback);
            continue;
        }
        char pattern[PATH_LEN];
        pathf(pattern, "tiers.*.%s", fields[i].key);
        parse_dist(L, v, sub, key_range(pattern), fields[i].dst);
    }

    const infl_node *price = tier_get(n, base, "price");
    const infl_node *per1k = tier_get(n, base, "price_per_1k_followers");
    if (price && per1k) {
        join(sub, path, "price_per_1k_followers");
        fault(L, per1k, sub, "give either price or price_per_1k_followers, not both");
    } else if (!price && !per1k) {
        join(sub, path, "price");
        fault(L, n, sub, "required key is missing (or give price_per_1k_followers)");
    } else {
        join(sub, path, price ? "price" : "price_per_1k_followers");
        t->price_per_1k = per1k != NULL;
        parse_dist(L, price ? price : per1k, sub,
                   key_range(price ? "tiers.*.price" : "tiers.*.price_per_1k_followers"),
                   &t->price);
    }

    parse_engagement(L, n, base, path, t);

    const infl_node *aud = tier_get(n, base, "audience");
    join(sub, path, "audience");
    if (aud == NULL)
        fault(L, n, sub, "required key is missing");
    else if (regions_ok && c != NULL && aud->kind == INFL_NODE_MAP &&
             infl__yaml_tree_get(aud, "dirichlet") == NULL)
        parse_creator_audience(L, aud, sub, c, sc);
    else if (regions_ok)
        parse_share_dist(L, aud, sub, sc->n_regions, &t->audience);
}

/*
 * A creator's audience by country, {FR: 0.55, BE: 0.1, other: 0.2}: fractions
 * of its audience, summing to at most 1 (within 0.5 %, then scaled to 1); the
 * remainder, and codes no region covers, are the unknown share, which is not
 * shippable. Becomes a constant share vector with one entry per region and
 * the unknown share last.
 */
static void parse_creator_audience(loader *L, const infl_node *n, const char *path, infl_creator *c,
                                   const infl_scenario *sc)
{
    if (!infl__roster_has_countries(sc)) {
        fault(L, n, path,
              "an audience by country needs regions that say which countries they cover "
              "(regions[].countries: [FR, ...], and one region may take `countries: rest`)");
        return;
    }
    if (n->count == 0) {
        fault(L, n, path, "an audience by country needs at least one country");
        return;
    }
    c->codes = calloc(n->count, sizeof *c->codes);
    c->code_share = calloc(n->count, sizeof *c->code_share);
    double *v = calloc(sc->n_regions + 1, sizeof *v);
    if (c->codes == NULL || c->code_share == NULL || v == NULL) {
        free(v);
        fault(L, n, path, "out of memory");
        return;
    }
    size_t before = L->faults;
    double total = 0.0;
    for (size_t i = 0; i < n->count; i++) {
        const infl_node_pair *q = &n->pairs[i];
        char sub[PATH_LEN], code[6];
        join(sub, path, q->key);
        infl_node at = {.origin = q->value->origin, .line = q->line, .column = q->column};
        if (!strcasecmp(q->key, "other")) {
            memcpy(code, "OTHER", 6);
        } else {
            infl_node key = at;
            key.kind = INFL_NODE_SCALAR;
            key.text = q->key;
            char two[3];
            if (!parse_country(L, &key, sub, two))
                continue;
            memcpy(code, two, 3);
        }
        bool dup = false;
        for (size_t j = 0; j < c->n_codes && !dup; j++)
            dup = !strcmp(c->codes[j], code);
        if (dup) {
            fault(L, &at, sub, "%s is given twice", code);
            continue;
        }
        double share;
        if (!parse_ranged(L, q->value, sub, RATE, &share))
            continue;
        memcpy(c->codes[c->n_codes], code, 6);
        c->code_share[c->n_codes++] = share;
        total += share;
    }
    if (L->faults != before) {
        free(v);
        return;
    }
    if (total > 1.0 + ALLOCATION_SLACK_AUDIENCE) {
        fault(L, n, path, "the shares sum to %g, more than 1 (write fractions: 0.55 for 55 %%)",
              total);
        free(v);
        return;
    }
    double scale = total > 1.0 ? 1.0 / total : 1.0;
    for (size_t j = 0; j < c->n_codes; j++) {
        size_t r = infl__roster_region_of(sc, c->codes[j]);
        v[r == SIZE_MAX ? sc->n_regions : r] += c->code_share[j] * scale;
    }
    double known = 0.0;
    for (size_t r = 0; r < sc->n_regions; r++)
        known += v[r];
    /* Shares that sum to one up to rounding leave nothing unknown. */
    v[sc->n_regions] = known >= 1.0 - 1e-9 ? 0.0 : 1.0 - known;
    c->unknown_share = v[sc->n_regions];
    c->p.audience = (infl_share_dist){.n = sc->n_regions + 1, .mean = v};
}

/* A handle as the scenario may give it: text of 1 to INFL_ROSTER_HANDLE_MAX
 * bytes after a leading '@', without spaces, commas, '=', brackets or control
 * characters (they would not survive a CSV or a --set path). Dots are common
 * in handles (coton.bruxelles); --set matches the longest handle. */
static bool valid_handle(const char *h)
{
    const char *b = h[0] == '@' ? h + 1 : h;
    size_t n = strlen(b);
    if (n == 0 || n > INFL_ROSTER_HANDLE_MAX || b[0] == '@')
        return false;
    for (const unsigned char *p = (const unsigned char *)b; *p; p++)
        if (*p <= 0x20 || *p == 0x7f || *p == ',' || *p == '=' || *p == '[' || *p == ']')
            return false;
    return true;
}

/* The roster: `roster:` entries, then those read from `roster_file:` (which
 * the loader appended to the same list). */
static void parse_roster(loader *L, const infl_node *n, infl_scenario *sc, const infl_node *tiers,
                         bool regions_ok)
{
    if (!expect_kind(L, n, "roster", INFL_NODE_SEQ))
        return;
    if (n->count > INFL_MAX_CREATORS) {
        fault(L, n, "roster", "at most %u creators are supported (got %zu)", INFL_MAX_CREATORS,
              n->count);
        return;
    }
    if (n->count == 0)
        return;
    sc->creators = calloc(n->count, sizeof *sc->creators);
    if (sc->creators == NULL) {
        fault(L, n, "roster", "out of memory");
        return;
    }
    sc->n_creators = n->count;
    const char **tier_names = calloc(sc->n_tiers + 1, sizeof *tier_names);
    if (tier_names == NULL) {
        fault(L, n, "roster", "out of memory");
        return;
    }
    for (size_t k = 0; k < sc->n_tiers; k++)
        tier_names[k] = sc->tiers[k].name;
    /* Handles are compared through their keys, so a roster of 100,000 is
     * checked in linear time. */
    infl__roster_index index;
    bool have_index = infl__roster_index_init(&index, n->count);
    if (!have_index)
        fault(L, n, "roster", "out of memory");
    for (size_t i = 0; i < n->count; i++) {
        const infl_node *e = n->items[i];
        infl_creator *c = &sc->creators[i];
        c->tier = SIZE_MAX;
        c->line = e->line;
        c->origin = strdup(e->origin);
        char path[PATH_LEN], sub[PATH_LEN];
        pathf(path, "roster[%zu]", i);
        if (c->origin == NULL) {
            fault(L, e, path, "out of memory");
            continue;
        }
        if (!expect_kind(L, e, path, INFL_NODE_MAP))
            continue;
        static const char *const allowed[] = {"handle", "tier", "platform", TIER_KEYS, NULL};
        const infl_node *hn = require(L, e, path, "handle");
        if (hn != NULL) {
            join(sub, path, "handle");
            if (parse_string(L, hn, sub, &c->handle)) {
                if (!valid_handle(c->handle)) {
                    fault(L, hn, sub,
                          "a handle is 1-%d characters after one leading '@', without spaces, "
                          "commas, '=' or brackets (got \"%s\")",
                          INFL_ROSTER_HANDLE_MAX, c->handle);
                } else {
                    if (c->handle[0] == '@')
                        memmove(c->handle, c->handle + 1, strlen(c->handle));
                    pathf(path, "roster.%s", c->handle);
                    c->key = infl__roster_key(c->handle);
                    size_t j = have_index ? infl__roster_index_add(&index, c->key, i) : SIZE_MAX;
                    const infl_creator *o = j != SIZE_MAX ? &sc->creators[j] : NULL;
                    if (o != NULL && infl__roster_same_handle(o->handle, c->handle))
                        fault(L, hn, path, "handles must differ (\"%s\" is also at %s:%zu)",
                              c->handle, o->origin, o->line);
                    else if (o != NULL)
                        fault(L, hn, path,
                              "handles \"%s\" and \"%s\" (%s:%zu) share a random stream "
                              "key, a one-in-10^14 event; rename one",
                              c->handle, o->handle, o->origin, o->line);
                }
            }
        }
        check_keys(L, e, path, allowed);
        const infl_node *pn = infl__yaml_tree_get(e, "platform");
        if (pn != NULL) {
            join(sub, path, "platform");
            parse_string(L, pn, sub, &c->platform);
        }
        const infl_node *base = NULL;
        const infl_node *tn = infl__yaml_tree_get(e, "tier");
        if (tn != NULL) {
            join(sub, path, "tier");
            char buf[96];
            if (tn->kind != INFL_NODE_SCALAR) {
                fault(L, tn, sub, "expected a tier's name (got %s)",
                      infl__yaml_tree_describe(tn, buf, sizeof buf));
                continue;
            }
            size_t k = 0;
            while (k < sc->n_tiers && strcmp(sc->tiers[k].name, tn->text) != 0)
                k++;
            if (k == sc->n_tiers) {
                const char *hint = infl__suggest(tn->text, tier_names, sc->n_tiers);
                if (hint)
                    fault(L, tn, sub, "no tier of that name; did you mean '%s'? (got %s)", hint,
                          tn->text);
                else
                    fault(L, tn, sub, "no tier of that name is defined under `tiers` (got %s)",
                          tn->text);
                continue;
            }
            c->tier = k;
            base = tiers != NULL ? tiers->pairs[k].value : NULL;
        }
        if ((c->p.name = strdup(c->handle ? c->handle : "?")) == NULL) {
            fault(L, e, path, "out of memory");
            continue;
        }
        parse_tier_keys(L, e, base, path, &c->p, sc, regions_ok, c);
    }
    infl__roster_index_destroy(&index);
    free(tier_names);
}

static void parse_tier(loader *L, const infl_node_pair *p, infl_tier *t, const infl_scenario *sc,
                       bool regions_ok)
{
    char path[PATH_LEN];
    pathf(path, "tiers.%s", p->key);
    t->name = strdup(p->key);
    if (t->name == NULL) {
        fault(L, p->value, path, "out of memory");
        return;
    }
    infl_node at = {.origin = p->value->origin, .line = p->line, .column = p->column};
    if (!valid_tier_name(p->key))
        fault(L, &at, path,
              "a tier name may use only letters, digits, '_' and '-' (at most 64 characters)");
    const infl_node *n = p->value;
    if (!expect_kind(L, n, path, INFL_NODE_MAP))
        return;
    /* `preset` was expanded into the tree's keys before validation. */
    static const char *const allowed[] = {TIER_KEYS, "preset", NULL};
    check_keys(L, n, path, allowed);
    parse_tier_keys(L, n, NULL, path, t, sc, regions_ok, NULL);
}

static void parse_tiers(loader *L, const infl_node *n, infl_scenario *sc, bool regions_ok)
{
    if (!expect_kind(L, n, "tiers", INFL_NODE_MAP))
        return;
    if (n->count == 0) {
        fault(L, n, "tiers", "at least one tier is required");
        return;
    }
    if (n->count >= INFL_RNG_MAX_TIERS) {
        fault(L, n, "tiers", "at most %u tiers are supported (got %zu)", INFL_RNG_MAX_TIERS - 1,
              n->count);
        return;
    }
    sc->tiers = calloc(n->count, sizeof *sc->tiers);
    if (sc->tiers == NULL) {
        fault(L, n, "tiers", "out of memory");
        return;
    }
    sc->n_tiers = n->count;
    for (size_t i = 0; i < n->count; i++)
        parse_tier(L, &n->pairs[i], &sc->tiers[i], sc, regions_ok);
}

/* An allocation's shares as written may miss 1 (or 100 %) by this much, a
 * rounding such as 0.333 + 0.333 + 0.333 or 33.3 % x 3; they are then
 * normalised. A sum within SHARE_TOLERANCE of 1 is kept exactly as written. */
#define ALLOCATION_SLACK 0.005

/* How a strategy writes its shares: its `shares` key. */
typedef enum { SHARES_FRACTION, SHARES_PERCENT, SHARES_RELATIVE } share_form;

/* One share of an allocation as written. */
typedef struct {
    double written;   /* the number written (a percentage without its % sign) */
    double hundredth; /* written / 100, read from the text with the point moved two places */
    bool percent;     /* written with a % sign */
    bool ratio;       /* written as a/b */
    int decimals;     /* digits after the decimal point, or -1 (exponent, hex, a/b) */
} share_text;

/* Digits after the point if s[0..len) is a plain decimal ([+-]d*[.d*], at
 * least one digit), else -1. */
static int decimals_of(const char *s, size_t len)
{
    size_t i = 0, digits = 0;
    int after = -1;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    for (; i < len; i++) {
        if (isdigit((unsigned char)s[i])) {
            digits++;
            after += after >= 0;
        } else if (s[i] == '.' && after < 0) {
            after = 0;
        } else {
            return -1;
        }
    }
    if (digits == 0)
        return -1;
    return after < 0 ? 0 : after;
}

/* A finite number filling s[0..len) but for surrounding spaces; false if none. */
static bool read_number(const char *s, size_t len, double *out)
{
    while (len > 0 && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end = NULL;
    double v = strtod(buf, &end);
    if (end != buf + len || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* v / 100 for a number written as s[0..len): a plain decimal is read again with
 * its point moved two places ("33.3" as 33.3e-2), so 33.3 % is exactly the
 * double that 0.333 is; anything else is divided. */
static double hundredth_of(const char *s, size_t len, double v)
{
    char buf[72];
    if (decimals_of(s, len) < 0 || len + 4 >= sizeof buf)
        return v / 100.0;
    memcpy(buf, s, len);
    memcpy(buf + len, "e-2", 4);
    return strtod(buf, NULL);
}

/* One share: a number (0.3), a percentage ("30%", quoted or not) or a
 * fraction a/b ("1/3", b > 0); a percentage may also be a/b ("100/3%"). */
static bool parse_share(loader *L, const infl_node *n, const char *path, share_text *out)
{
    memset(out, 0, sizeof *out);
    const char *s = n->kind == INFL_NODE_SCALAR ? n->text : "";
    size_t len = strlen(s);
    while (len > 0 && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    out->percent = len > 0 && s[len - 1] == '%';
    size_t body = out->percent ? len - 1 : len;
    const char *slash = memchr(s, '/', body);
    if (n->kind != INFL_NODE_SCALAR || (!out->percent && slash == NULL)) {
        /* A plain number, with parse_number's messages for anything else. */
        if (!parse_number(L, n, path, &out->written))
            return false;
        out->decimals = decimals_of(n->text, strlen(n->text));
        out->hundredth = hundredth_of(n->text, strlen(n->text), out->written);
        return true;
    }
    if (slash != NULL) {
        double a, b;
        size_t la = (size_t)(slash - s);
        if (!read_number(s, la, &a) || !read_number(slash + 1, body - la - 1, &b)) {
            fault(L, n, path, "expected a fraction a/b of two numbers, such as 1/3 (got \"%s\")",
                  n->text);
            return false;
        }
        if (!(b > 0)) {
            fault(L, n, path, "the denominator of a/b must be > 0 (got \"%s\")", n->text);
            return false;
        }
        out->written = a / b;
        if (!isfinite(out->written)) {
            fault(L, n, path, "a/b must be a finite number (got \"%s\")", n->text);
            return false;
        }
        out->ratio = true;
        out->decimals = -1;
        out->hundredth = out->written / 100.0;
        return true;
    }
    if (!read_number(s, body, &out->written)) {
        fault(L, n, path, "expected a percentage such as 30%% (got \"%s\")", n->text);
        return false;
    }
    while (body > 0 && isspace((unsigned char)s[body - 1]))
        body--;
    out->decimals = decimals_of(s, body);
    out->hundredth = hundredth_of(s, body, out->written);
    return true;
}

/* A strategy's `shares` key: fraction, percent or relative. */
static bool parse_share_form(loader *L, const infl_node *n, const char *path, share_form *out)
{
    static const char *const forms[] = {"fraction", "percent", "relative"};
    char buf[96];
    if (n->kind == INFL_NODE_SCALAR) {
        for (size_t i = 0; i < 3; i++) {
            if (strcmp(n->text, forms[i]) == 0) {
                *out = (share_form)i;
                return true;
            }
        }
        const char *hint = infl__suggest(n->text, forms, 3);
        if (hint != NULL) {
            fault(L, n, path, "must be fraction, percent or relative (got %s); did you mean '%s'?",
                  infl__yaml_tree_describe(n, buf, sizeof buf), hint);
            return false;
        }
    }
    fault(L, n, path, "must be fraction, percent or relative (got %s)",
          infl__yaml_tree_describe(n, buf, sizeof buf));
    return false;
}

/* Writes into out[64] the value that share j must take for the allocation to
 * sum to `target` exactly, the others staying as written: with as many
 * decimals as the shares were written with (more if needed), as a/b where
 * the shares use a/b and a small denominator fits, or NULL if no value in
 * [0, target] does. */
static const char *share_fix(const share_text *v, size_t n, size_t j, double target, char out[64])
{
    double others = 0;
    int decimals = 0;
    bool ratios = false;
    for (size_t i = 0; i < n; i++) {
        if (i != j)
            others += v[i].written;
        decimals = v[i].decimals > decimals ? v[i].decimals : decimals;
        ratios |= v[i].ratio;
    }
    double want = target - others;
    if (want < 0 && want > -1e-12 * target)
        want = 0;
    if (!(want >= 0 && want <= target))
        return NULL;
    const char *pct = v[j].percent ? "%" : "";
    for (long q = 1; ratios && q <= 12; q++) {
        double p = round(want * (double)q);
        if (fabs(p / (double)q - want) <= 1e-9 * target) {
            long a = (long)p, b = q, x = a, y = b;
            while (y != 0) {
                long r = x % y;
                x = y;
                y = r;
            }
            a /= x;
            b /= x;
            if (b == 1)
                snprintf(out, 64, "%ld%s", a, pct);
            else
                snprintf(out, 64, "%ld/%ld%s", a, b, pct);
            return out;
        }
    }
    for (int d = decimals; d <= 17; d++) {
        snprintf(out, 64, "%.*f", d, want);
        if (fabs(others + strtod(out, NULL) - target) <= SHARE_TOLERANCE * target) {
            size_t len = strlen(out);
            while (strchr(out, '.') != NULL && (out[len - 1] == '0' || out[len - 1] == '.'))
                out[--len] = '\0';
            strncat(out, pct, 63 - len);
            return out;
        }
    }
    snprintf(out, 64, "%.17g%s", want, pct);
    return out;
}

/*
 * Turns an allocation's shares as written (v[j] for the tier tier_of[j],
 * an->pairs[j] in the file) into fractions share[k] for every tier (0 where
 * none is written), or reports why it cannot. A % sign on every share or
 * `shares: percent` makes them percentages; `shares: relative` weights,
 * divided by their sum. Fractions and percentages summing to 1 (100) within
 * SHARE_TOLERANCE are kept as written, so a strategy written as fractions
 * gives the numbers it always gave; within ALLOCATION_SLACK they are divided
 * by their sum; further off, the message names the share to change and its value.
 */
static bool resolve_allocation(loader *L, const infl_node *an, const char *path, share_form form,
                               const share_text *v, const size_t *tier_of, size_t n_tiers,
                               double *share)
{
    const size_t n = an->count;
    size_t n_percent = 0, first_plain = 0, first_percent = 0;
    for (size_t j = n; j-- > 0;) {
        if (v[j].percent) {
            n_percent++;
            first_percent = j;
        } else {
            first_plain = j;
        }
    }
    if (n_percent > 0 && n_percent < n) {
        fault(L, an, path,
              "mixes percentages and plain numbers (%s: %s, %s: %s); write every share of an "
              "allocation the same way",
              an->pairs[first_percent].key, an->pairs[first_percent].value->text,
              an->pairs[first_plain].key, an->pairs[first_plain].value->text);
        return false;
    }
    for (size_t k = 0; k < n_tiers; k++)
        share[k] = 0;

    if (form == SHARES_RELATIVE) {
        bool ok = true;
        for (size_t j = 0; j < n; j++) {
            if (v[j].written < 0) {
                char tpath[PATH_LEN];
                join(tpath, path, an->pairs[j].key);
                fault(L, an->pairs[j].value, tpath, "a relative weight must be >= 0 (got %s)",
                      an->pairs[j].value->text);
                ok = false;
            }
            share[tier_of[j]] = v[j].written;
        }
        if (!ok)
            return false;
        double sum = 0;
        for (size_t k = 0; k < n_tiers; k++)
            sum += share[k];
        if (!isfinite(sum)) {
            fault(L, an, path, "relative weights too large: their sum overflows");
            return false;
        }
        if (!(sum > 0)) {
            fault(L, an, path, "relative weights must not all be 0");
            return false;
        }
        for (size_t k = 0; k < n_tiers; k++)
            share[k] /= sum;
        return true;
    }

    const bool percent = form == SHARES_PERCENT || n_percent == n;
    const double target = percent ? 100.0 : 1.0;
    const char *unit = n_percent ? "%" : "";
    bool negative = false;
    for (size_t j = 0; j < n; j++)
        negative |= v[j].written < 0;
    if (negative) {
        /* Out of range one by one: a sum of shares below 0 would mislead. */
        for (size_t j = 0; j < n; j++) {
            if (v[j].written >= 0 && v[j].written <= target)
                continue;
            char tpath[PATH_LEN];
            join(tpath, path, an->pairs[j].key);
            fault(L, an->pairs[j].value, tpath, "must be in [0%s, %g%s] (got %s)", unit, target,
                  unit, an->pairs[j].value->text);
        }
        return false;
    }
    double written_sum = 0, sum = 0;
    for (size_t j = 0; j < n; j++) {
        written_sum += v[j].written;
        share[tier_of[j]] = percent ? v[j].hundredth : v[j].written;
    }
    for (size_t k = 0; k < n_tiers; k++)
        sum += share[k];
    if (fabs(sum - 1.0) <= SHARE_TOLERANCE)
        return true;
    if (fabs(sum - 1.0) <= ALLOCATION_SLACK + 1e-12) { /* 0.5 + 0.495 is 0.995 to a person */
        for (size_t k = 0; k < n_tiers; k++)
            share[k] /= sum;
        return true;
    }

    char got[160], fix[64];
    snprintf(got, sizeof got, "shares must sum to %g%s (to within %g%s; got a sum of %.9g%s)",
             target, unit, ALLOCATION_SLACK * target, unit, written_sum, unit);
    if (!percent && fabs(written_sum - 100.0) <= 100.0 * ALLOCATION_SLACK + 1e-10) {
        fault(L, an, path,
              "%s; for percentages add `shares: percent` to the strategy, or write each share "
              "with a %% sign (%s: %s%%)",
              got, an->pairs[0].key, an->pairs[0].value->text);
        return false;
    }
    static const char *const relative = "add `shares: relative` to the strategy to have them "
                                        "normalised";
    for (size_t j = n; j-- > 0;) {
        if (share_fix(v, n, j, target, fix) != NULL) {
            fault(L, an, path, "%s; make %s %s (or %s)", got, an->pairs[j].key, fix, relative);
            return false;
        }
    }
    fault(L, an, path, "%s; %s, or change them to sum to %g%s", got, relative, target, unit);
    return false;
}

/* The handle among the n closest to `word`, compared as handles are (no
 * leading '@', no case), or NULL. */
static const char *suggest_handle(const char *word, const char *const *handles, size_t n)
{
    char **low = calloc(n ? n : 1, sizeof *low);
    char *w = strdup(word[0] == '@' ? word + 1 : word);
    const char *hint = NULL;
    bool ok = low != NULL && w != NULL;
    for (size_t i = 0; ok && i < n; i++)
        ok = (low[i] = strdup(handles[i])) != NULL;
    if (ok) {
        for (char *c = w; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        for (size_t i = 0; i < n; i++)
            for (char *c = low[i]; *c; c++)
                *c = (char)tolower((unsigned char)*c);
        const char *best = infl__suggest(w, (const char *const *)low, n);
        for (size_t i = 0; best != NULL && i < n; i++)
            if (best == low[i])
                hint = handles[i];
    }
    for (size_t i = 0; low != NULL && i < n; i++)
        free(low[i]);
    free(low);
    free(w);
    return hint;
}

/* A strategy's `hire: [handle, ...]`: creators of the roster, each once. */
static void parse_hire(loader *L, const infl_node *n, const char *path, const infl_scenario *sc,
                       infl_strategy *st)
{
    char buf[96];
    if (!expect_kind(L, n, path, INFL_NODE_SEQ))
        return;
    if (n->count == 0) {
        fault(L, n, path, "a hire list needs at least one handle (or leave it out)");
        return;
    }
    if (sc->n_creators == 0) {
        fault(L, n, path, "hiring by name needs a roster (`roster:` or `roster_file:`)");
        return;
    }
    st->named = calloc(n->count, sizeof *st->named);
    const char **handles = calloc(sc->n_creators, sizeof *handles);
    if (st->named == NULL || handles == NULL) {
        free(handles);
        fault(L, n, path, "out of memory");
        return;
    }
    size_t known = 0;
    for (size_t j = 0; j < sc->n_creators; j++)
        if (sc->creators[j].handle != NULL)
            handles[known++] = sc->creators[j].handle;
    for (size_t i = 0; i < n->count; i++) {
        const infl_node *h = n->items[i];
        char sub[PATH_LEN];
        pathf(sub, "%s[%zu]", path, i);
        if (h->kind != INFL_NODE_SCALAR) {
            fault(L, h, sub, "expected a creator's handle (got %s)",
                  infl__yaml_tree_describe(h, buf, sizeof buf));
            continue;
        }
        size_t j = 0;
        while (j < sc->n_creators && !(sc->creators[j].handle &&
                                       infl__roster_same_handle(sc->creators[j].handle, h->text)))
            j++;
        if (j == sc->n_creators) {
            const char *hint = suggest_handle(h->text, handles, known);
            if (hint)
                fault(L, h, sub,
                      "no creator of that handle in the roster; did you mean '%s'? (got %s)", hint,
                      h->text);
            else
                fault(L, h, sub, "no creator of that handle in the roster (got %s)", h->text);
            continue;
        }
        bool dup = false;
        for (size_t q = 0; q < st->n_named && !dup; q++)
            dup = st->named[q] == j;
        if (dup) {
            fault(L, h, sub, "%s is listed twice", h->text);
            continue;
        }
        st->named[st->n_named++] = j;
    }
    free(handles);
}

static void parse_strategies(loader *L, const infl_node *n, infl_scenario *sc, bool tiers_ok)
{
    if (!expect_kind(L, n, "strategies", INFL_NODE_SEQ))
        return;
    if (n->count == 0) {
        fault(L, n, "strategies", "at least one strategy is required");
        return;
    }
    sc->strategies = calloc(n->count, sizeof *sc->strategies);
    if (sc->strategies == NULL) {
        fault(L, n, "strategies", "out of memory");
        return;
    }
    sc->n_strategies = n->count;
    const char **tier_names = calloc(sc->n_tiers + 1, sizeof *tier_names);
    if (tier_names == NULL) {
        fault(L, n, "strategies", "out of memory");
        return;
    }
    for (size_t k = 0; k < sc->n_tiers; k++)
        tier_names[k] = sc->tiers[k].name;

    for (size_t i = 0; i < n->count; i++) {
        const infl_node *s = n->items[i];
        infl_strategy *st = &sc->strategies[i];
        char path[PATH_LEN], sub[PATH_LEN];
        pathf(path, "strategies[%zu]", i);
        if (!expect_kind(L, s, path, INFL_NODE_MAP))
            continue;
        static const char *const allowed[] = {"name", "allocation", "shares", "hire", NULL};
        check_keys(L, s, path, allowed);
        const infl_node *nn = require(L, s, path, "name");
        const infl_node *hn = infl__yaml_tree_get(s, "hire");
        const infl_node *an = infl__yaml_tree_get(s, "allocation");
        if (an == NULL && hn == NULL) {
            join(sub, path, "allocation");
            if (misspelt(s, "allocation") || misspelt(s, "hire"))
                L->faults++; /* reported as an unknown key with a suggestion */
            else
                fault(L, s, sub,
                      "required key is missing (or give `hire: [handle, ...]` to hire named "
                      "creators)");
        }
        if (hn != NULL) {
            join(sub, path, "hire");
            parse_hire(L, hn, sub, sc, st);
        }
        if (an == NULL && hn != NULL) {
            /* Only named hires: no tier gets money; what they leave is unspent. */
            st->share = calloc(sc->n_tiers ? sc->n_tiers : 1, sizeof *st->share);
            if (st->share == NULL)
                fault(L, s, path, "out of memory");
            st->share_total = 0.0;
        }
        const infl_node *fn = infl__yaml_tree_get(s, "shares");
        share_form form = SHARES_FRACTION;
        bool form_ok = true;
        if (fn != NULL) {
            join(sub, path, "shares");
            form_ok = parse_share_form(L, fn, sub, &form);
        }
        if (nn) {
            join(sub, path, "name");
            if (parse_string(L, nn, sub, &st->name)) {
                if (st->name[0] == '\0' || strchr(st->name, '/') || !strcmp(st->name, ".") ||
                    strlen(st->name) > 64)
                    fault(L, nn, sub,
                          "a strategy name must be 1-64 characters without '/' (got \"%s\")",
                          st->name);
                for (size_t j = 0; j < i; j++)
                    if (sc->strategies[j].name && !strcmp(sc->strategies[j].name, st->name))
                        fault(L, nn, sub,
                              "strategy names must differ (\"%s\" is also "
                              "strategies[%zu])",
                              st->name, j);
            }
        }
        if (an == NULL || !tiers_ok || !form_ok)
            continue;
        join(sub, path, "allocation");
        if (!expect_kind(L, an, sub, INFL_NODE_MAP))
            continue;
        if (an->count == 0) {
            fault(L, an, sub, "an allocation needs at least one tier");
            continue;
        }
        st->share = calloc(sc->n_tiers ? sc->n_tiers : 1, sizeof *st->share);
        share_text *written = calloc(an->count, sizeof *written);
        size_t *tier_of = calloc(an->count, sizeof *tier_of);
        if (st->share == NULL || written == NULL || tier_of == NULL) {
            fault(L, an, sub, "out of memory");
            free(written);
            free(tier_of);
            continue;
        }
        bool ok = true;
        for (size_t j = 0; j < an->count; j++) {
            const infl_node_pair *p = &an->pairs[j];
            char tpath[PATH_LEN];
            join(tpath, sub, p->key);
            size_t k = 0;
            while (k < sc->n_tiers && strcmp(sc->tiers[k].name, p->key) != 0)
                k++;
            if (k == sc->n_tiers) {
                infl_node at = {.origin = p->value->origin, .line = p->line, .column = p->column};
                const char *hint = infl__suggest(p->key, tier_names, sc->n_tiers);
                if (hint)
                    fault(L, &at, tpath, "no tier of that name; did you mean '%s'?", hint);
                else
                    fault(L, &at, tpath, "no tier of that name is defined under `tiers`");
                ok = false;
                continue;
            }
            tier_of[j] = k;
            ok &= parse_share(L, p->value, tpath, &written[j]);
        }
        if (ok && resolve_allocation(L, an, sub, form, written, tier_of, sc->n_tiers, st->share)) {
            st->has_allocation = true;
            st->share_total = 0;
            for (size_t k = 0; k < sc->n_tiers; k++)
                st->share_total += st->share[k];
        }
        free(written);
        free(tier_of);
    }
    free(tier_names);
}

static infl_status resolve(loader *L, const infl_node *root, infl_scenario *sc)
{
    if (!expect_kind(L, root, "(top level)", INFL_NODE_MAP))
        return INFL_EINVAL;
    static const char *const top[] = {"name",   "description", "seed",    "trials",      "currency",
                                      "budget", "regions",     "product", "market",      "hiring",
                                      "tiers",  "strategies",  "roster",  "roster_file", NULL};
    check_keys(L, root, "", top);
    const infl_node *n;

    if ((n = require(L, root, "", "name")) != NULL && parse_string(L, n, "name", &sc->name) &&
        sc->name[0] == '\0')
        fault(L, n, "name", "must not be empty (got %s)",
              infl__yaml_tree_describe(n, (char[32]){0}, 32));
    if ((n = infl__yaml_tree_get(root, "description")) != NULL)
        parse_string(L, n, "description", &sc->description);
    sc->seed = INFL_DEFAULT_SEED;
    if ((n = infl__yaml_tree_get(root, "seed")) != NULL)
        parse_uint64(L, n, "seed", 0, UINT64_MAX, &sc->seed);
    sc->trials = INFL_DEFAULT_TRIALS;
    if ((n = infl__yaml_tree_get(root, "trials")) != NULL)
        parse_uint64(L, n, "trials", 1, INFL_RNG_MAX_TRIALS, &sc->trials);
    if ((n = infl__yaml_tree_get(root, "currency")) != NULL)
        parse_string(L, n, "currency", &sc->currency);
    if (sc->currency == NULL && (sc->currency = strdup("USD")) == NULL)
        return infl_error_add(L->err, INFL_ENOMEM, "out of memory");
    if (sc->description == NULL && (sc->description = strdup("")) == NULL)
        return infl_error_add(L->err, INFL_ENOMEM, "out of memory");

    sc->repeat_orders = infl__dist_constant(0.0);
    sc->horizon_months = DEFAULT_HORIZON_MONTHS;
    if ((n = require(L, root, "", "budget")) != NULL)
        parse_ranged(L, n, "budget", key_range("budget"), &sc->budget);

    /* Later checks need only the number of regions and the tier names, so a
     * fault inside a region or a tier does not silence them. */
    if ((n = require(L, root, "", "regions")) != NULL)
        parse_regions(L, n, sc);
    bool regions_ok = sc->n_regions > 0;

    if ((n = require(L, root, "", "product")) != NULL &&
        expect_kind(L, n, "product", INFL_NODE_MAP)) {
        static const char *const allowed[] = {"price", "unit_cost", "repeat_orders",
                                              "horizon_months", NULL};
        check_keys(L, n, "product", allowed);
        const infl_node *v;
        if ((v = require(L, n, "product", "price")) != NULL)
            parse_ranged(L, v, "product.price", key_range("product.price"), &sc->price);
        if ((v = require(L, n, "product", "unit_cost")) != NULL)
            parse_ranged(L, v, "product.unit_cost", key_range("product.unit_cost"), &sc->unit_cost);
        if ((v = infl__yaml_tree_get(n, "repeat_orders")) != NULL)
            parse_dist(L, v, "product.repeat_orders", key_range("product.repeat_orders"),
                       &sc->repeat_orders);
        if ((v = infl__yaml_tree_get(n, "horizon_months")) != NULL)
            parse_ranged(L, v, "product.horizon_months", key_range("product.horizon_months"),
                         &sc->horizon_months);
    }
    parse_hiring(L, root, sc);

    sc->wom_purchase_factor = infl__dist_constant(0.5);
    if ((n = require(L, root, "", "market")) != NULL &&
        expect_kind(L, n, "market", INFL_NODE_MAP)) {
        static const char *const allowed[] = {"purchase_rate", "addressable", "wom_purchase_factor",
                                              NULL};
        check_keys(L, n, "market", allowed);
        const infl_node *v;
        if ((v = require(L, n, "market", "purchase_rate")) != NULL)
            parse_dist(L, v, "market.purchase_rate", key_range("market.purchase_rate"),
                       &sc->purchase_rate);
        if ((v = infl__yaml_tree_get(n, "wom_purchase_factor")) != NULL)
            parse_dist(L, v, "market.wom_purchase_factor", key_range("market.wom_purchase_factor"),
                       &sc->wom_purchase_factor);
        if ((v = infl__yaml_tree_get(n, "addressable")) != NULL) {
            sc->has_addressable = true;
            parse_dist(L, v, "market.addressable", key_range("market.addressable"),
                       &sc->addressable);
        }
    }

    /* A scenario of named creators only needs no tiers. */
    const infl_node *roster = infl__yaml_tree_get(root, "roster");
    const infl_node *tiers = infl__yaml_tree_get(root, "tiers");
    if (tiers != NULL || roster == NULL)
        tiers = require(L, root, "", "tiers");
    if (tiers != NULL)
        parse_tiers(L, tiers, sc, regions_ok);
    bool tiers_ok = sc->n_tiers > 0 || (tiers == NULL && roster != NULL);
    if (tiers != NULL && tiers->kind != INFL_NODE_MAP)
        tiers = NULL;

    if (roster != NULL && (tiers_ok || tiers == NULL))
        parse_roster(L, roster, sc, tiers, regions_ok);

    if ((n = require(L, root, "", "strategies")) != NULL)
        parse_strategies(L, n, sc, tiers_ok);
    for (size_t s = 0; s < sc->n_strategies; s++)
        if (sc->strategies[s].n_named > 0)
            sc->has_named = true;

    return L->faults ? INFL_EINVAL : INFL_OK;
}

/* Applies "key.path=value" overrides to the tree, recording them in sc. */
static infl_status apply_sets(infl_node *root, const char *const *sets, size_t n_sets,
                              infl_scenario *sc, infl_error *err)
{
    size_t total = 1;
    for (size_t i = 0; i < n_sets; i++)
        total += strlen(sets[i]) + 7;
    sc->overrides = calloc(total, 1);
    sc->sets = calloc(n_sets ? n_sets : 1, sizeof *sc->sets);
    if (sc->overrides == NULL || sc->sets == NULL)
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    for (; sc->n_sets < n_sets; sc->n_sets++)
        if ((sc->sets[sc->n_sets] = strdup(sets[sc->n_sets])) == NULL)
            return infl_error_add(err, INFL_ENOMEM, "out of memory");
    infl_status rc = INFL_OK;
    for (size_t i = 0; i < n_sets; i++) {
        const char *eq = strchr(sets[i], '=');
        strcat(sc->overrides, "--set ");
        strcat(sc->overrides, sets[i]);
        strcat(sc->overrides, "\n");
        if (eq == NULL) {
            rc = infl_error_add(err, INFL_EARG,
                                "--set:%zu:1: %s: expected key.path=value (no '=' found)", i + 1,
                                sets[i]);
            continue;
        }
        char path[PATH_LEN];
        size_t len = (size_t)(eq - sets[i]);
        if (len >= sizeof path) {
            rc = infl_error_add(err, INFL_EARG, "--set:%zu:1: key path too long", i + 1);
            continue;
        }
        memcpy(path, sets[i], len);
        path[len] = '\0';
        /* The value's column in the --set argument, so messages point at it. */
        infl_status r = infl__yaml_tree_set_path(root, path, eq + 1, "--set", i + 1, len + 2, err);
        if (r != INFL_OK)
            rc = r;
    }
    return rc;
}

/* Reads a whole file of at most `limit` bytes into a new NUL-terminated
 * buffer; on failure returns NULL with errno set (EFBIG when larger). */
static char *read_all(const char *path, size_t limit, size_t *length)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            if (len > limit) {
                free(buf);
                fclose(f);
                errno = EFBIG;
                return NULL;
            }
            /* Doubling, but never past what a file at the limit needs. */
            cap = cap ? cap * 2 : 8192;
            if (cap > limit + 4097)
                cap = limit + 4097;
            char *grown = realloc(buf, cap);
            if (grown == NULL) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return NULL;
            }
            buf = grown;
        }
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    if (len > limit) {
        free(buf);
        errno = EFBIG;
        return NULL;
    }
    buf[len] = '\0';
    *length = len;
    return buf;
}

/* The roster file's path: as written if absolute, else relative to the
 * folder of the scenario file `origin`. NULL if out of memory. */
static char *beside(const char *origin, const char *path)
{
    const char *slash = strrchr(origin, '/');
    if (path[0] == '/' || slash == NULL)
        return strdup(path);
    size_t dir = (size_t)(slash - origin) + 1, n = strlen(path);
    char *out = malloc(dir + n + 1);
    if (out != NULL) {
        memcpy(out, origin, dir);
        memcpy(out + dir, path, n + 1);
    }
    return out;
}

/*
 * `roster_file:` — reads the file (or takes the bytes a base scenario read,
 * `preread`, so that a derived scenario does not read it again), parses it
 * as CSV or JSON, translates its rows into creators and appends them to the
 * tree's `roster` list, where `--set` and validation find them. The bytes
 * are kept in sc (their path is every new node's origin).
 */
static infl_status load_roster_file(infl_node *root, infl_scenario *sc,
                                    const infl_roster_source *preread, infl_error *err)
{
    infl_node_pair *pair = infl__yaml_tree_get_pair(root, "roster_file");
    if (pair == NULL)
        return INFL_OK;
    infl__roster_settings set;
    infl_status rc = infl__roster_settings_parse(pair->value, &set, err);
    if (rc != INFL_OK)
        return rc;
    sc->roster_source = calloc(1, sizeof *sc->roster_source);
    if (sc->roster_source == NULL)
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    infl_roster_source *src = sc->roster_source;
    if (preread != NULL) {
        src->path = strdup(preread->path);
        src->text = malloc(preread->length + 1);
        if (src->path == NULL || src->text == NULL)
            return infl_error_add(err, INFL_ENOMEM, "out of memory");
        memcpy(src->text, preread->text, preread->length + 1);
        src->length = preread->length;
    } else {
        if ((src->path = beside(sc->origin, set.path)) == NULL)
            return infl_error_add(err, INFL_ENOMEM, "out of memory");
        src->text = read_all(src->path, INFL_ROSTER_MAX_BYTES, &src->length);
        /* A roster file too large is bad input like a bad row (exit 2). */
        if (src->text == NULL && errno == EFBIG)
            return infl_error_add(err, INFL_EINVAL,
                                  "%s:%zu:%zu: roster_file: %s is larger than %zu MiB; a roster "
                                  "holds at most %u creators",
                                  pair->value->origin, pair->line, pair->column, src->path,
                                  (size_t)INFL_ROSTER_MAX_BYTES >> 20, INFL_MAX_CREATORS);
        if (src->text == NULL)
            return infl_error_add(err, INFL_EIO, "%s:%zu:%zu: roster_file: cannot read %s: %s",
                                  pair->value->origin, pair->line, pair->column, src->path,
                                  strerror(errno));
    }
    set.origin = src->path;
    infl_node *records = NULL, *creators = NULL;
    if (infl__roster_settings_format(&set) == INFL_ROSTER_FORMAT_JSON)
        rc = infl__roster_json_parse(src->text, src->length, src->path, &records, err);
    else
        rc = infl__roster_csv_parse(src->text, src->length, src->path, &records, err);
    if (rc == INFL_OK)
        rc = infl__roster_import(records, &set, &creators, err);
    infl__yaml_tree_free(records);
    /* Too many rows is the file's fault, like a bad row: invalid input. */
    if (rc == INFL_ELIMIT)
        rc = INFL_EINVAL;
    if (rc != INFL_OK)
        return rc;
    infl_node *list = infl__yaml_tree_get(root, "roster");
    if (list == NULL) {
        list = infl__yaml_tree_new_seq(pair->value->origin, pair->line, pair->column);
        if (list == NULL ||
            infl__yaml_tree_map_append(root, "roster", pair->line, pair->column, list) != INFL_OK) {
            infl__yaml_tree_free(creators);
            return infl_error_add(err, INFL_ENOMEM, "out of memory");
        }
    }
    if (list->kind != INFL_NODE_SEQ) {
        infl__yaml_tree_free(creators);
        return INFL_OK; /* validation says `roster` must be a list */
    }
    for (size_t i = 0; i < creators->count; i++) {
        if (rc == INFL_OK)
            rc = infl__yaml_tree_seq_append(list, creators->items[i]);
        else
            infl__yaml_tree_free(creators->items[i]);
        creators->items[i] = NULL;
    }
    /* The items moved into the scenario's list (or were freed by a failed
     * append); free only the emptied list. */
    creators->count = 0;
    infl__yaml_tree_free(creators);
    if (rc != INFL_OK)
        return infl_error_add(err, rc, "out of memory");
    return INFL_OK;
}

/*
 * A tier key that gives the preset's distribution with some of its
 * parameters, such as `--set tiers.micro.reach_rate.beta.mean=0.1`, which
 * makes {beta: {mean: 0.1}}: the preset's value of each missing parameter is
 * copied in, so that one override changes one parameter. A key of another
 * form (a constant, another distribution) is the tier's own and is left as
 * it is.
 */
static infl_status fill_parameters(infl_node *own, const infl_node *preset)
{
    if (own->kind != INFL_NODE_MAP || own->count != 1 || preset->kind != INFL_NODE_MAP ||
        preset->count != 1 || strcmp(own->pairs[0].key, preset->pairs[0].key) != 0)
        return INFL_OK;
    infl_node *mine = own->pairs[0].value;
    const infl_node *theirs = preset->pairs[0].value;
    if (mine->kind != INFL_NODE_MAP || theirs->kind != INFL_NODE_MAP)
        return INFL_OK;
    for (size_t i = 0; i < theirs->count; i++) {
        const infl_node_pair *q = &theirs->pairs[i];
        if (infl__yaml_tree_get(mine, q->key) != NULL)
            continue;
        /* The map takes the copy whatever happens. */
        infl_node *copy = infl__yaml_tree_copy(q->value);
        if (copy == NULL ||
            infl__yaml_tree_map_append(mine, q->key, q->line, q->column, copy) != INFL_OK)
            return INFL_ENOMEM;
    }
    return INFL_OK;
}

/*
 * Each tier's `preset: platform/tier` (scenario/preset.h) fills in, in the
 * tree, every key the tier gives in neither form, from the preset's mapping,
 * whose nodes name the preset as their origin. So validation, creators that
 * name the tier, and the resolved scenario all see ordinary keys, and the
 * scenario's own keys (and --set's) win. Runs after the overrides, so that
 * `--set tiers.micro.preset=tiktok/micro` works.
 */
static infl_status expand_presets(infl_node *root, infl_error *err)
{
    const infl_node *tiers = infl__yaml_tree_get(root, "tiers");
    if (tiers == NULL || tiers->kind != INFL_NODE_MAP)
        return INFL_OK;
    infl_status rc = INFL_OK;
    for (size_t k = 0; k < tiers->count; k++) {
        infl_node *tier = tiers->pairs[k].value;
        const infl_node *pn =
            tier->kind == INFL_NODE_MAP ? infl__yaml_tree_get(tier, "preset") : NULL;
        if (pn == NULL)
            continue;
        const infl__preset *preset =
            pn->kind == INFL_NODE_SCALAR ? infl__preset_find(pn->text) : NULL;
        if (preset == NULL) {
            const size_t n = infl__preset_count();
            const char *names[128];
            char list[2048] = "";
            for (size_t i = 0; i < n && i < 128; i++) {
                names[i] = infl__preset_at(i)->name;
                if (i)
                    strncat(list, ", ", sizeof list - strlen(list) - 1);
                strncat(list, names[i], sizeof list - strlen(list) - 1);
            }
            char buf[96], platform[512];
            const char *missing = pn->kind == INFL_NODE_SCALAR
                                      ? infl__preset_missing(pn->text, platform, sizeof platform)
                                      : NULL;
            const char *hint = pn->kind == INFL_NODE_SCALAR && missing == NULL
                                   ? infl__suggest(pn->text, names, n < 128 ? n : 128)
                                   : NULL;
            if (missing)
                rc = infl_error_add(err, INFL_EINVAL,
                                    "%s:%zu:%zu: tiers.%s.preset: no published figures for %s "
                                    "creators, so there is no such preset; the %.*s presets are: "
                                    "%s (docs/presets.md)",
                                    pn->origin, pn->line, pn->column, tiers->pairs[k].key, pn->text,
                                    (int)(strchr(pn->text, '/') - pn->text), pn->text, missing);
            else if (hint)
                rc = infl_error_add(err, INFL_EINVAL,
                                    "%s:%zu:%zu: tiers.%s.preset: no preset of that name; did "
                                    "you mean '%s'? (got %s)",
                                    pn->origin, pn->line, pn->column, tiers->pairs[k].key, hint,
                                    infl__yaml_tree_describe(pn, buf, sizeof buf));
            else
                rc = infl_error_add(err, INFL_EINVAL,
                                    "%s:%zu:%zu: tiers.%s.preset: no preset of that name (got "
                                    "%s); the presets are: %s",
                                    pn->origin, pn->line, pn->column, tiers->pairs[k].key,
                                    infl__yaml_tree_describe(pn, buf, sizeof buf), list);
            continue;
        }
        infl_node *keys = NULL;
        infl_status r =
            infl__yaml_tree_parse(preset->yaml, strlen(preset->yaml), preset->name, &keys, err);
        if (r != INFL_OK) {
            rc = infl_error_add(err, INFL_EINTERNAL, "preset %s does not parse", preset->name);
            continue;
        }
        for (size_t i = 0; r == INFL_OK && keys->kind == INFL_NODE_MAP && i < keys->count; i++) {
            const infl_node_pair *q = &keys->pairs[i];
            const char *alt = infl__tier_key_alternative(q->key);
            infl_node *own = infl__yaml_tree_get(tier, q->key);
            if (own != NULL) {
                r = fill_parameters(own, q->value);
                continue;
            }
            if (alt != NULL && infl__yaml_tree_get(tier, alt) != NULL)
                continue;
            infl_node *copy = infl__yaml_tree_copy(q->value);
            r = copy == NULL ? INFL_ENOMEM
                             : infl__yaml_tree_map_append(tier, q->key, q->line, q->column, copy);
        }
        infl__yaml_tree_free(keys);
        if (r != INFL_OK)
            return infl_error_add(err, INFL_ENOMEM, "out of memory");
    }
    return rc;
}

/* Whether a node or any below it came from a --set. */
static bool touched_by_set(const infl_node *n)
{
    if (!strcmp(n->origin, "--set"))
        return true;
    for (size_t i = 0; n->kind == INFL_NODE_MAP && i < n->count; i++)
        if (touched_by_set(n->pairs[i].value))
            return true;
    for (size_t i = 0; n->kind == INFL_NODE_SEQ && i < n->count; i++)
        if (touched_by_set(n->items[i]))
            return true;
    return false;
}

/*
 * The tree load() validates: `text` parsed (sc->origin naming it), the roster
 * file's creators appended (its bytes kept in sc), the overrides applied
 * (recorded in sc) and the presets expanded. The nodes' origins point into sc
 * (or are static), so the tree is freed before sc. On failure *out is NULL.
 */
static infl_status expanded_tree(const char *text, size_t length, const char *const *sets,
                                 size_t n_sets, const infl_roster_source *preread,
                                 infl_scenario *sc, infl_node **out, infl_error *err)
{
    infl_node *root = NULL;
    infl_status rc = infl__yaml_tree_parse(text, length, sc->origin, &root, err);
    if (rc != INFL_OK)
        goto done;
    if (root->kind == INFL_NODE_MAP && (rc = load_roster_file(root, sc, preread, err)) != INFL_OK)
        goto done;
    const infl_node *roster_file = infl__yaml_tree_get(root, "roster_file");
    rc = apply_sets(root, sets, n_sets, sc, err);
    if (rc != INFL_OK)
        goto done;
    /* The file was read before the overrides, so that --set reaches its
     * creators; an override of roster_file itself would be silently ignored. */
    const infl_node *after =
        root->kind == INFL_NODE_MAP ? infl__yaml_tree_get(root, "roster_file") : NULL;
    if (after != roster_file || (after != NULL && touched_by_set(after))) {
        rc = infl_error_add(err, INFL_EARG,
                            "--set cannot change roster_file (the file is read before the "
                            "overrides); edit the scenario, or set the creators' keys with "
                            "--set roster.<handle>.<key>=value");
        goto done;
    }
    if (root->kind == INFL_NODE_MAP)
        rc = expand_presets(root, err);
done:
    if (rc != INFL_OK) {
        infl__yaml_tree_free(root);
        root = NULL;
    }
    *out = root;
    return rc;
}

/* A new scenario holding only its origin and a copy of text, or NULL. */
static infl_scenario *new_scenario(const char *text, size_t length, const char *origin)
{
    infl_scenario *sc = calloc(1, sizeof *sc);
    if (sc == NULL)
        return NULL;
    sc->origin = strdup(origin);
    sc->source_text = malloc(length + 1);
    if (sc->origin == NULL || sc->source_text == NULL) {
        infl_scenario_free(sc);
        return NULL;
    }
    memcpy(sc->source_text, text, length);
    sc->source_text[length] = '\0';
    sc->source_length = length;
    return sc;
}

static infl_status load(const char *text, size_t length, const char *origin,
                        const char *const *sets, size_t n_sets, const infl_roster_source *preread,
                        infl_scenario **out, infl_error *err)
{
    *out = NULL;
    infl_node *root = NULL;
    infl_scenario *sc = new_scenario(text, length, origin);
    if (sc == NULL)
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    infl_status rc = expanded_tree(text, length, sets, n_sets, preread, sc, &root, err);
    if (rc == INFL_OK) {
        loader L = {.err = err, .faults = 0};
        rc = resolve(&L, root, sc);
    }
    infl__yaml_tree_free(root);
    if (rc != INFL_OK) {
        infl_scenario_free(sc);
        return rc;
    }
    *out = sc;
    return INFL_OK;
}

infl_status infl__scenario_expanded(const infl_scenario *base, infl_scenario **scratch,
                                    infl_node **root, infl_error *err)
{
    *scratch = NULL;
    *root = NULL;
    infl_scenario *sc = new_scenario(base->source_text, base->source_length, base->origin);
    if (sc == NULL)
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    infl_status rc =
        expanded_tree(sc->source_text, sc->source_length, (const char *const *)base->sets,
                      base->n_sets, base->roster_source, sc, root, err);
    if (rc != INFL_OK) {
        infl_scenario_free(sc);
        return rc;
    }
    *scratch = sc;
    return INFL_OK;
}

infl_status infl_scenario_load_text(const char *text, size_t length, const char *origin,
                                    const char *const *sets, size_t n_sets, infl_scenario **out,
                                    infl_error *err)
{
    return load(text, length, origin, sets, n_sets, NULL, out, err);
}

infl_status infl_scenario_load_file(const char *path, const char *const *sets, size_t n_sets,
                                    infl_scenario **out, infl_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return infl_error_add(err, INFL_EIO, "%s: cannot open scenario: %s", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0;
    infl_status rc = INFL_OK;
    for (;;) {
        if (len + 4096 > cap) {
            cap = cap ? cap * 2 : 8192;
            if (cap > (64u << 20)) {
                rc = infl_error_add(err, INFL_ELIMIT, "%s: scenario larger than 64 MiB", path);
                goto done;
            }
            char *grown = realloc(buf, cap);
            if (grown == NULL) {
                rc = infl_error_add(err, INFL_ENOMEM, "%s: out of memory", path);
                goto done;
            }
            buf = grown;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        rc = infl_error_add(err, INFL_EIO, "%s: cannot read scenario: %s", path, strerror(errno));
        goto done;
    }
    rc = infl_scenario_load_text(buf ? buf : "", len, path, sets, n_sets, out, err);
done:
    free(buf);
    fclose(f);
    return rc;
}

infl_status infl_scenario_derive(const infl_scenario *base, const char *const *sets, size_t n_sets,
                                 infl_scenario **out, infl_error *err)
{
    *out = NULL;
    size_t n = base->n_sets + n_sets;
    const char **all = malloc((n ? n : 1) * sizeof *all);
    if (all == NULL)
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    for (size_t i = 0; i < base->n_sets; i++)
        all[i] = base->sets[i];
    for (size_t i = 0; i < n_sets; i++)
        all[base->n_sets + i] = sets[i];
    infl_status rc = load(base->source_text, base->source_length, base->origin, all, n,
                          base->roster_source, out, err);
    free(all);
    return rc;
}
