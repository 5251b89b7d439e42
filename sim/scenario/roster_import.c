/*
 * roster_import.c — flat roster records to canonical creators (see
 * roster_import.h), and the settings of `roster_file:`.
 *
 * Each record is read column by column into a table of the known columns;
 * then each group of columns that gives one tier key (three ways to give an
 * engagement rate, three for real_share, ...) is checked and translated. The
 * one model step here is the spread of engagement: a dashboard's rate is a
 * mean over n posts, and the next post varies around the creator's true
 * rate with a post-to-post lognormal sigma v, so the next post's rate is
 * lognormal with sigma s = v*sqrt(1 + 1/n) and median er*exp(-s^2/2), whose
 * mean is exactly er.
 */
#include "scenario/roster_import.h"

#include "base/fmath.h"

#include "scenario/roster.h"

#include "base/suggest.h"
#include "scenario/country.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_FAULTS 50

/* The known columns. Order matters only for the table below. */
typedef enum {
    COL_HANDLE,
    COL_TIER,
    COL_PLATFORM,
    COL_FOLLOWERS,
    COL_ER,
    COL_ER_PERCENT,
    COL_ER_FRACTION,
    COL_POSTS_OBSERVED,
    COL_REAL_SHARE,
    COL_CREDIBILITY,
    COL_CREDIBILITY_SCORE,
    COL_PRICE,
    COL_PRICE_MIN,
    COL_PRICE_MAX,
    COL_GIFTED_OK,
    COL_AUDIENCE,
    COL_AUDIENCE_PERCENT,
    COL_AUDIENCE_FRACTION,
    /* Tier keys taken as constants. */
    COL_REACH_RATE,
    COL_INTEREST_SHARE,
    COL_OVERHEAD_PER_HIRE,
    COL_POST_PROBABILITY,
    COL_PLATFORM_FEE,
    COL_CONVERSATIONS_PER_ENGAGEMENT,
    COL_GIFTED_SHARE,
    COL_ENGAGEMENT_PER_FOLLOWER,
    /* Labels: read, not used. */
    COL_NAME,
    COL_URL,
    COL_NOTES,
    N_COLS
} col_id;

static const char *const COLUMN_NAMES[N_COLS] = {
    "handle",
    "tier",
    "platform",
    "followers",
    "engagement_rate",
    "engagement_rate_percent",
    "engagement_rate_fraction",
    "posts_observed",
    "real_share",
    "credibility",
    "credibility_score",
    "price",
    "price_min",
    "price_max",
    "gifted_ok",
    "audience",
    "audience_percent",
    "audience_fraction",
    "reach_rate",
    "interest_share",
    "overhead_per_hire",
    "post_probability",
    "platform_fee",
    "conversations_per_engagement",
    "gifted_share",
    "engagement_per_follower",
    "name",
    "url",
    "notes",
};

typedef struct {
    const infl__roster_settings *s;
    infl_error *err;
    size_t faults;
} importer;

/* Adds one fault "FILE:LINE: column: what (got VALUE)" about node `at`
 * (at most MAX_FAULTS are written; all are counted). */
__attribute__((format(printf, 4, 5))) static void fault(importer *im, const infl_node *at,
                                                        const char *column, const char *fmt, ...)
{
    if (im->faults++ >= MAX_FAULTS)
        return;
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    infl_error_add(im->err, INFL_EINVAL, "%s:%zu: %s: %s", at->origin, at->line, column, msg);
}

/* The value of a scalar for "(got ...)", cut to 60 characters. */
static const char *got(const infl_node *n, char *buf, size_t size)
{
    if (n->kind != INFL_NODE_SCALAR)
        return n->kind == INFL_NODE_MAP ? "a mapping" : "a list";
    size_t len = strlen(n->text);
    snprintf(buf, size, "%.*s%s", len > 60 ? 60 : (int)len, n->text, len > 60 ? "..." : "");
    return buf;
}

/* A number as the scenario writes it: the shortest of %.15g and %.17g that
 * reads back to the same double. */
static void format_number(double v, char *buf, size_t n)
{
    snprintf(buf, n, "%.15g", v);
    if (strtod(buf, NULL) != v)
        snprintf(buf, n, "%.17g", v);
}

/* The text of `s` without spaces around it, into buf; false if too long. */
static bool trimmed(const char *s, size_t len, char *buf, size_t n)
{
    while (len > 0 && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    if (len >= n)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return true;
}

/*
 * Reads a plain decimal number (digits, one '.', an optional sign and
 * exponent; no hex, inf or nan) from s[0..len), spaces around it allowed,
 * with an optional trailing '%' (then *percent is true). With `suffixes`, a
 * trailing k, M or B (any case) multiplies by 1e3, 1e6 or 1e9 and digit
 * groups with ',' (12,300) are read. Returns false if it is not such a
 * number; *decimal_comma then says whether it looked like "0,5".
 */
static bool read_number(const char *s, size_t len, bool suffixes, double *out, bool *percent,
                        bool *decimal_comma)
{
    char buf[64], clean[64];
    *percent = false;
    if (decimal_comma)
        *decimal_comma = false;
    if (!trimmed(s, len, buf, sizeof buf) || buf[0] == '\0')
        return false;
    size_t n = strlen(buf);
    if (buf[n - 1] == '%') {
        *percent = true;
        buf[--n] = '\0';
        while (n > 0 && buf[n - 1] == ' ')
            buf[--n] = '\0';
    }
    double scale = 1;
    if (suffixes && n > 1) {
        char c = (char)tolower((unsigned char)buf[n - 1]);
        if (c == 'k' || c == 'm' || c == 'b') {
            scale = c == 'k' ? 1e3 : c == 'm' ? 1e6 : 1e9;
            buf[--n] = '\0';
        }
    }
    /* Digit groups: 1,234,567 (only with suffixes, i.e. counts and prices). */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == ',') {
            size_t digits = 0;
            while (isdigit((unsigned char)buf[i + 1 + digits]))
                digits++;
            bool ok = suffixes && i > 0 && isdigit((unsigned char)buf[i - 1]) && digits == 3 &&
                      (buf[i + 4] == '\0' || buf[i + 4] == ',' || buf[i + 4] == '.');
            if (!ok) {
                if (decimal_comma)
                    *decimal_comma = true;
                return false;
            }
            continue;
        }
        char c = buf[i];
        if (!isdigit((unsigned char)c) && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E')
            return false;
        clean[k++] = c;
    }
    clean[k] = '\0';
    if (k == 0)
        return false;
    char *end = NULL;
    double v = strtod(clean, &end);
    if (end == clean || *end != '\0' || !isfinite(v))
        return false;
    *out = v * scale;
    return isfinite(*out);
}

/* The scalar of a column, or NULL with a fault if the value is not one. */
static const infl_node *scalar(importer *im, const infl_node *v, const char *column)
{
    if (v == NULL)
        return NULL;
    if (v->kind != INFL_NODE_SCALAR) {
        fault(im, v, column, "expected a single value (got %s)",
              v->kind == INFL_NODE_MAP ? "a mapping" : "a list");
        return NULL;
    }
    return v;
}

/* A number of a column; false (with a fault) if it is not one. */
static bool number(importer *im, const infl_node *v, const char *column, bool suffixes, double *out,
                   bool *percent)
{
    char buf[80];
    bool comma = false;
    if (read_number(v->text, strlen(v->text), suffixes, out, percent, &comma))
        return true;
    if (comma)
        fault(im, v, column, "not a number: write decimals with a point (got %s)",
              got(v, buf, sizeof buf));
    else
        fault(im, v, column, "not a number (got %s)", got(v, buf, sizeof buf));
    return false;
}

/* Appends key: value (a new node at `at`) to a creator; false if no memory. */
static bool put(infl_node *creator, const char *key, const infl_node *at, infl_node *value)
{
    if (value == NULL)
        return false;
    return infl__yaml_tree_map_append(creator, key, at->line, at->column, value) == INFL_OK;
}

static infl_node *number_node(double v, const infl_node *at)
{
    char buf[40];
    format_number(v, buf, sizeof buf);
    return infl__yaml_tree_new_scalar(buf, at->origin, at->line, at->column);
}

/* {DIST: {a: va, b: vb}} at `at`, or NULL if out of memory. */
static infl_node *dist_node(const char *dist, const char *a, double va, const char *b, double vb,
                            const infl_node *at)
{
    infl_node *outer = infl__yaml_tree_new_map(at->origin, at->line, at->column);
    infl_node *params = infl__yaml_tree_new_map(at->origin, at->line, at->column);
    if (outer == NULL || params == NULL ||
        infl__yaml_tree_map_append(params, a, at->line, at->column, number_node(va, at)) !=
            INFL_OK ||
        infl__yaml_tree_map_append(params, b, at->line, at->column, number_node(vb, at)) !=
            INFL_OK) {
        infl__yaml_tree_free(outer);
        infl__yaml_tree_free(params);
        return NULL;
    }
    if (infl__yaml_tree_map_append(outer, dist, at->line, at->column, params) != INFL_OK) {
        infl__yaml_tree_free(outer);
        return NULL;
    }
    return outer;
}

static const char *unit_word(infl__roster_unit u)
{
    return u == INFL_ROSTER_UNIT_PERCENT ? "percent"
           : u == INFL_ROSTER_UNIT_SCORE ? "score"
                                         : "fraction";
}

/* A share (engagement rate, credibility) as a fraction, from a value in
 * `unit`; checks that the value fits the unit. `setting` names the
 * roster_file.units key that declares the unit, or NULL where the column's
 * name does. A trailing '%' always means percent. */
static bool share(importer *im, const infl_node *v, const char *column, infl__roster_unit unit,
                  const char *setting, double max_fraction, double *out)
{
    char buf[80];
    double x;
    bool pct;
    if (!number(im, v, column, false, &x, &pct))
        return false;
    if (x < 0) {
        fault(im, v, column, "must not be negative (got %s)", got(v, buf, sizeof buf));
        return false;
    }
    char declared[120];
    if (setting != NULL)
        snprintf(declared, sizeof declared, "roster_file.units.%s is %s", setting, unit_word(unit));
    else
        snprintf(declared, sizeof declared, "the column is in %s", unit_word(unit));
    if (pct) {
        x /= 100;
    } else if (unit == INFL_ROSTER_UNIT_FRACTION) {
        if (x > max_fraction) {
            fault(im, v, column,
                  "looks like a %s, but %s (got %s); write it as a fraction (0.035 for 3.5 %%), "
                  "with a %% sign, or declare the unit%s",
                  setting && !strcmp(setting, "credibility") ? "score" : "percent", declared,
                  got(v, buf, sizeof buf),
                  setting ? "" : " by the column's name (_percent, _score)");
            return false;
        }
    } else {
        if (x > 0 && x <= 1) {
            fault(im, v, column,
                  "looks like a fraction, but %s (got %s); write %g for %g %%, or %s%% if it "
                  "really is under one",
                  declared, got(v, buf, sizeof buf), x * 100, x * 100, v->text);
            return false;
        }
        x /= 100;
    }
    if (x > max_fraction) {
        fault(im, v, column, "more than %g%s (got %s)", max_fraction * 100, " %",
              got(v, buf, sizeof buf));
        return false;
    }
    *out = x;
    return true;
}

/* followers: a positive count, with k/M/B suffixes and digit groups. */
static bool count(importer *im, const infl_node *v, const char *column, double *out)
{
    char buf[80];
    double x;
    bool pct;
    if (!number(im, v, column, true, &x, &pct))
        return false;
    if (pct) {
        fault(im, v, column, "a count, not a percentage (got %s)", got(v, buf, sizeof buf));
        return false;
    }
    if (x < 0) {
        fault(im, v, column, "must not be negative (got %s)", got(v, buf, sizeof buf));
        return false;
    }
    x = floor(x + 0.5);
    if (x < 1) {
        fault(im, v, column, "must be at least 1 (got %s)", got(v, buf, sizeof buf));
        return false;
    }
    if (x > 1e10) {
        fault(im, v, column, "more than ten billion (got %s)", got(v, buf, sizeof buf));
        return false;
    }
    *out = x;
    return true;
}

/* A price or price bound: a non-negative number (k suffix, digit groups). */
static bool price_value(importer *im, const infl_node *v, const char *column, const char *text,
                        size_t len, double *out)
{
    char buf[80];
    bool pct;
    if (!read_number(text, len, true, out, &pct, NULL) || pct) {
        fault(im, v, column,
              "not a price: write a number in the scenario's currency, or a range such as "
              "500-900 (got %s)",
              got(v, buf, sizeof buf));
        return false;
    }
    if (*out < 0) {
        fault(im, v, column, "must not be negative (got %s)", got(v, buf, sizeof buf));
        return false;
    }
    return true;
}

/* price from a min and a max: a constant if equal, else loguniform. */
static infl_node *price_range(importer *im, const infl_node *at, const char *column, double lo,
                              double hi, bool *ok)
{
    char buf[80];
    *ok = false;
    if (lo > hi) {
        fault(im, at, column, "the range's low end is above its high end (got %s)",
              got(at, buf, sizeof buf));
        return NULL;
    }
    if (lo == hi) {
        *ok = true;
        return number_node(lo, at);
    }
    if (lo <= 0) {
        fault(im, at, column,
              "a price range must start above 0 (prices are drawn log-uniformly) (got %s)",
              got(at, buf, sizeof buf));
        return NULL;
    }
    *ok = true;
    return dist_node("loguniform", "min", lo, "max", hi, at);
}

/* The price column: "500", "1.2k" or a range "500-900" (also with an en
 * dash or spaces). */
static infl_node *price(importer *im, const infl_node *v, bool *ok)
{
    const char *t = v->text;
    *ok = false;
    size_t skip = strspn(t, " ");
    const char *dash = NULL;
    size_t dash_len = 0;
    for (const char *p = t + skip + (t[skip] != '\0'); *p; p++) {
        if (*p == '-' && p[-1] != 'e' && p[-1] != 'E') {
            dash = p;
            dash_len = 1;
            break;
        }
        if (strncmp(p, "\xe2\x80\x93", 3) == 0) { /* en dash */
            dash = p;
            dash_len = 3;
            break;
        }
    }
    double lo, hi;
    if (dash == NULL) {
        if (!price_value(im, v, "price", t, strlen(t), &lo))
            return NULL;
        *ok = true;
        return number_node(lo, v);
    }
    if (!price_value(im, v, "price", t, (size_t)(dash - t), &lo) ||
        !price_value(im, v, "price", dash + dash_len, strlen(dash + dash_len), &hi))
        return NULL;
    return price_range(im, v, "price", lo, hi, ok);
}

/* gifted_ok: yes/no, true/false, y/n, 1/0 (any case). */
static bool yes_no(importer *im, const infl_node *v, const char *column, bool *out)
{
    static const char *const yes[] = {"yes", "y", "true", "1"};
    static const char *const no[] = {"no", "n", "false", "0"};
    char buf[80];
    char t[16];
    if (trimmed(v->text, strlen(v->text), t, sizeof t)) {
        for (size_t i = 0; i < 4; i++) {
            if (strcasecmp(t, yes[i]) == 0) {
                *out = true;
                return true;
            }
            if (strcasecmp(t, no[i]) == 0) {
                *out = false;
                return true;
            }
        }
    }
    fault(im, v, column, "expected yes or no (got %s)", got(v, buf, sizeof buf));
    return false;
}

/* The audience column: "FR:55;BE:10;other:5" (also ',' or '|' between
 * entries, '=' for ':', names for codes) into a MAP {FR: 0.55, ...}. */
static infl_node *audience(importer *im, const infl_node *v, const char *column,
                           infl__roster_unit unit, bool declared_by_setting, bool *ok)
{
    char buf[80];
    *ok = false;
    infl_node *map = infl__yaml_tree_new_map(v->origin, v->line, v->column);
    if (map == NULL)
        return NULL;
    size_t before = im->faults;
    double raw_sum = 0, sum = 0;
    bool any_sign = false, any_over_one = false;
    const char *p = v->text;
    size_t n_entries = 0;
    double shares[300];
    while (*p != '\0') {
        size_t len = strcspn(p, ";,|");
        char entry[128];
        if (!trimmed(p, len, entry, sizeof entry)) {
            fault(im, v, column, "an entry is too long (got %s)", got(v, buf, sizeof buf));
            break;
        }
        p += len + (p[len] != '\0');
        if (entry[0] == '\0')
            continue;
        char *colon = strpbrk(entry, ":=");
        if (colon == NULL) {
            fault(im, v, column, "an entry is not COUNTRY:SHARE such as FR:55 (got %s)", entry);
            continue;
        }
        *colon = '\0';
        char key[80];
        trimmed(entry, strlen(entry), key, sizeof key);
        const char *share_text = colon + 1;
        char code[8];
        if (strcasecmp(key, "other") == 0) {
            snprintf(code, sizeof code, "other");
        } else {
            size_t c = infl__country_find(key);
            if (c == INFL_COUNTRY_NONE) {
                char hint[96];
                if (infl__country_suggest(key, hint, sizeof hint) != NULL)
                    fault(im, v, column,
                          "'%s' is not an ISO 3166 country code; did you mean %s? (got %s:%s)", key,
                          hint, key, share_text);
                else
                    fault(im, v, column,
                          "'%s' is not an ISO 3166 country code (two letters such as FR, or "
                          "'other') (got %s:%s)",
                          key, key, share_text);
                continue;
            }
            snprintf(code, sizeof code, "%s", infl__country_code(c));
        }
        if (infl__yaml_tree_get(map, code) != NULL) {
            fault(im, v, column, "%s is listed twice (got %s)", code, got(v, buf, sizeof buf));
            continue;
        }
        double x;
        bool pct;
        if (!read_number(share_text, strlen(share_text), false, &x, &pct, NULL)) {
            fault(im, v, column, "the share of %s is not a number (got %s:%s)", code, key,
                  share_text);
            continue;
        }
        if (x < 0) {
            fault(im, v, column, "the share of %s is negative (got %s:%s)", code, key, share_text);
            continue;
        }
        if (pct)
            any_sign = true;
        else
            raw_sum += x;
        double f = pct || unit == INFL_ROSTER_UNIT_PERCENT ? x / 100 : x;
        if (!pct && unit == INFL_ROSTER_UNIT_FRACTION && x > 1)
            any_over_one = true;
        if (n_entries == sizeof shares / sizeof shares[0]) {
            fault(im, v, column, "more than %zu countries (got %s)", n_entries,
                  got(v, buf, sizeof buf));
            break;
        }
        shares[n_entries++] = f;
        sum += f;
        infl_node *num = number_node(f, v);
        if (num == NULL ||
            infl__yaml_tree_map_append(map, code, v->line, v->column, num) != INFL_OK)
            goto nomem;
    }
    const char *declared =
        declared_by_setting ? "roster_file.units.audience is" : "the column is in";
    if (im->faults == before && n_entries == 0)
        fault(im, v, column, "no country shares, such as FR:55;BE:10 (got %s)",
              got(v, buf, sizeof buf));
    else if (im->faults == before && any_over_one)
        fault(im, v, column,
              "shares above 1 look like percentages, but %s fraction (got %s); declare "
              "percent or write fractions",
              declared, got(v, buf, sizeof buf));
    else if (im->faults == before && unit == INFL_ROSTER_UNIT_PERCENT && !any_sign && raw_sum > 0 &&
             raw_sum <= 1)
        fault(im, v, column,
              "the shares sum to %g, which looks like fractions, but %s percent (got %s); "
              "write percentages (55 for 55 %%) or declare fraction",
              raw_sum, declared, got(v, buf, sizeof buf));
    else if (im->faults == before && sum > 1.005)
        fault(im, v, column, "the shares sum to %g %%, more than 100 %% (got %s)", sum * 100,
              got(v, buf, sizeof buf));
    if (im->faults != before) {
        infl__yaml_tree_free(map);
        return NULL;
    }
    if (sum > 1) { /* rounding in the export: scaled to sum to 1 */
        for (size_t i = 0; i < map->count; i++) {
            infl__yaml_tree_free(map->pairs[i].value);
            map->pairs[i].value = number_node(shares[i] / sum, v);
            if (map->pairs[i].value == NULL)
                goto nomem;
        }
    }
    *ok = true;
    return map;
nomem:
    infl__yaml_tree_free(map);
    return NULL;
}

/* The handle without one leading '@', lower-cased, into buf. */
static void normalized_handle(const char *h, char *buf, size_t n)
{
    char t[256];
    if (!trimmed(h, strlen(h), t, sizeof t))
        snprintf(t, sizeof t, "%s", h);
    const char *s = t + (t[0] == '@');
    size_t i = 0;
    for (; s[i] != '\0' && i + 1 < n; i++)
        buf[i] = (char)tolower((unsigned char)s[i]);
    buf[i] = '\0';
}

static bool ignored(const infl__roster_settings *s, const char *key)
{
    for (size_t i = 0; i < s->n_ignore; i++)
        if (s->ignore[i] != NULL && strcasecmp(s->ignore[i], key) == 0)
            return true;
    return false;
}

/* The first of `cols` given in a record, and a fault for each other one:
 * they all give the same tier key. */
static col_id one_of(importer *im, const infl_node *const *vals, const col_id *cols, size_t n)
{
    col_id first = N_COLS;
    for (size_t i = 0; i < n; i++) {
        if (vals[cols[i]] == NULL)
            continue;
        if (first == N_COLS) {
            first = cols[i];
            continue;
        }
        char buf[80];
        fault(im, vals[cols[i]], COLUMN_NAMES[cols[i]],
              "gives the same as %s in this row; keep one of them (got %s)", COLUMN_NAMES[first],
              got(vals[cols[i]], buf, sizeof buf));
    }
    return first;
}

typedef struct {
    char *key; /* normalized handle */
    size_t line;
} seen_handle;

/* Translates one record into *out (NULL if it has faults). */
static infl_status one_creator(importer *im, const infl_node *rec, infl_node **out,
                               seen_handle *seen, size_t *n_seen, infl__roster_index *index)
{
    *out = NULL;
    const infl_node *vals[N_COLS] = {0};
    char buf[80];
    size_t before = im->faults;
    for (size_t i = 0; i < rec->count; i++) {
        const infl_node_pair *p = &rec->pairs[i];
        for (size_t c = 0; c < N_COLS; c++) {
            if (strcmp(p->key, COLUMN_NAMES[c]) == 0) {
                vals[c] = scalar(im, p->value, p->key);
                break;
            }
        }
    }
    infl_node *cr = infl__yaml_tree_new_map(rec->origin, rec->line, rec->column);
    if (cr == NULL)
        return INFL_ENOMEM;

    const infl_node *h = vals[COL_HANDLE];
    if (h == NULL) {
        fault(im, rec, "handle", "missing: every creator needs a unique handle");
    } else {
        char key[256];
        normalized_handle(h->text, key, sizeof key);
        if (key[0] == '\0') {
            fault(im, h, "handle", "empty after the '@' (got %s)", got(h, buf, sizeof buf));
        } else {
            /* By key (roster.h), so 100,000 rows are checked in linear time;
             * a key shared by two different handles is the loader's to report. */
            size_t dup = infl__roster_index_add(index, infl__roster_key(key), *n_seen);
            if (dup != SIZE_MAX && strcmp(seen[dup].key, key) != 0)
                dup = SIZE_MAX;
            if (dup != SIZE_MAX) {
                fault(im, h, "handle", "the same creator as line %zu (got %s)", seen[dup].line,
                      got(h, buf, sizeof buf));
            } else {
                seen[*n_seen].key = strdup(key);
                if (seen[*n_seen].key == NULL)
                    goto nomem;
                seen[(*n_seen)++].line = h->line;
            }
        }
        char t[256];
        if (!trimmed(h->text, strlen(h->text), t, sizeof t)) {
            fault(im, h, "handle", "longer than 255 characters (got %s)", got(h, buf, sizeof buf));
        } else if (!put(cr, "handle", h,
                        infl__yaml_tree_new_scalar(t, h->origin, h->line, h->column)))
            goto nomem;
    }
    if (vals[COL_TIER] != NULL) {
        if (!put(cr, "tier", vals[COL_TIER], infl__yaml_tree_copy(vals[COL_TIER])))
            goto nomem;
    } else if (im->s->default_tier != NULL) {
        if (!put(cr, "tier", rec,
                 infl__yaml_tree_new_scalar(im->s->default_tier, rec->origin, rec->line,
                                            rec->column)))
            goto nomem;
    }
    if (vals[COL_PLATFORM] != NULL &&
        !put(cr, "platform", vals[COL_PLATFORM], infl__yaml_tree_copy(vals[COL_PLATFORM])))
        goto nomem;

    double x;
    const infl_node *v;
    if ((v = vals[COL_FOLLOWERS]) != NULL && count(im, v, "followers", &x) &&
        !put(cr, "followers", v, number_node(x, v)))
        goto nomem;

    /* Engagement: a rate per follower with the spread of a mean of n posts,
     * or a constant / distribution-free engagement_per_follower column. */
    static const col_id er_cols[] = {COL_ER, COL_ER_PERCENT, COL_ER_FRACTION,
                                     COL_ENGAGEMENT_PER_FOLLOWER};
    col_id er = one_of(im, vals, er_cols, 4);
    if (er != N_COLS && er != COL_ENGAGEMENT_PER_FOLLOWER) {
        v = vals[er];
        infl__roster_unit unit = er == COL_ER           ? im->s->engagement_rate
                                 : er == COL_ER_PERCENT ? INFL_ROSTER_UNIT_PERCENT
                                                        : INFL_ROSTER_UNIT_FRACTION;
        double n = im->s->posts_observed_default;
        bool n_ok = true;
        const infl_node *pv = vals[COL_POSTS_OBSERVED];
        if (pv != NULL) {
            bool pct;
            n_ok = number(im, pv, "posts_observed", false, &n, &pct);
            if (n_ok && (pct || n < 1 || n != floor(n) || n > 1e6)) {
                fault(im, pv, "posts_observed", "expected a count of posts, at least 1 (got %s)",
                      got(pv, buf, sizeof buf));
                n_ok = false;
            }
        }
        if (share(im, v, COLUMN_NAMES[er], unit, er == COL_ER ? "engagement_rate" : NULL, 1.0,
                  &x) &&
            n_ok) {
            double s = im->s->post_variation * sqrt(1 + 1 / n);
            infl_node *node = x > 0 && s > 0
                                  ? dist_node("lognormal", "median",
                                              x * infl__fmath_exp(-s * s / 2), "sigma", s, v)
                                  : number_node(x, v);
            if (!put(cr, "engagement_per_follower", v, node))
                goto nomem;
        }
    }

    static const col_id real_cols[] = {COL_REAL_SHARE, COL_CREDIBILITY, COL_CREDIBILITY_SCORE};
    col_id rs = one_of(im, vals, real_cols, 3);
    if (rs != N_COLS) {
        v = vals[rs];
        infl__roster_unit unit = rs == COL_REAL_SHARE    ? INFL_ROSTER_UNIT_FRACTION
                                 : rs == COL_CREDIBILITY ? im->s->credibility
                                                         : INFL_ROSTER_UNIT_SCORE;
        if (share(im, v, COLUMN_NAMES[rs], unit, rs == COL_CREDIBILITY ? "credibility" : NULL, 1.0,
                  &x) &&
            !put(cr, "real_share", v, number_node(x, v)))
            goto nomem;
    }

    /* price, or price_min with price_max. */
    const infl_node *pmin = vals[COL_PRICE_MIN], *pmax = vals[COL_PRICE_MAX];
    if (vals[COL_PRICE] != NULL && (pmin != NULL || pmax != NULL)) {
        const infl_node *other = pmin ? pmin : pmax;
        fault(im, other, pmin ? "price_min" : "price_max",
              "gives the same as price in this row; keep one of them (got %s)",
              got(other, buf, sizeof buf));
    } else if (vals[COL_PRICE] != NULL) {
        bool ok;
        infl_node *node = price(im, vals[COL_PRICE], &ok);
        if (ok && !put(cr, "price", vals[COL_PRICE], node))
            goto nomem;
    } else if (pmin != NULL || pmax != NULL) {
        double lo, hi;
        if (pmin == NULL || pmax == NULL) {
            const infl_node *one = pmin ? pmin : pmax;
            fault(im, one, pmin ? "price_min" : "price_max", "given without %s (got %s)",
                  pmin ? "price_max" : "price_min", got(one, buf, sizeof buf));
        } else if (price_value(im, pmin, "price_min", pmin->text, strlen(pmin->text), &lo) &&
                   price_value(im, pmax, "price_max", pmax->text, strlen(pmax->text), &hi)) {
            bool ok;
            infl_node *node = price_range(im, pmin, "price_min", lo, hi, &ok);
            if (ok && !put(cr, "price", pmin, node))
                goto nomem;
        }
    }

    static const col_id gift_cols[] = {COL_GIFTED_OK, COL_GIFTED_SHARE};
    col_id gift = one_of(im, vals, gift_cols, 2);
    bool yes;
    if (gift == COL_GIFTED_OK && yes_no(im, vals[gift], "gifted_ok", &yes) &&
        !put(cr, "gifted_share", vals[gift], number_node(yes ? 1 : 0, vals[gift])))
        goto nomem;

    static const col_id aud_cols[] = {COL_AUDIENCE, COL_AUDIENCE_PERCENT, COL_AUDIENCE_FRACTION};
    col_id aud = one_of(im, vals, aud_cols, 3);
    if (aud != N_COLS) {
        infl__roster_unit unit = aud == COL_AUDIENCE           ? im->s->audience
                                 : aud == COL_AUDIENCE_PERCENT ? INFL_ROSTER_UNIT_PERCENT
                                                               : INFL_ROSTER_UNIT_FRACTION;
        bool ok;
        size_t faults = im->faults;
        infl_node *node =
            audience(im, vals[aud], COLUMN_NAMES[aud], unit, aud == COL_AUDIENCE, &ok);
        if (ok && !put(cr, "audience", vals[aud], node))
            goto nomem;
        if (!ok && im->faults == faults)
            goto nomem;
    }

    /* Tier keys as constants (gifted_share here only if gifted_ok is not). */
    for (col_id c = COL_REACH_RATE; c <= COL_ENGAGEMENT_PER_FOLLOWER; c++) {
        if ((v = vals[c]) == NULL || (c == COL_GIFTED_SHARE && gift != COL_GIFTED_SHARE) ||
            (c == COL_ENGAGEMENT_PER_FOLLOWER && er != COL_ENGAGEMENT_PER_FOLLOWER))
            continue;
        bool pct;
        if (!number(im, v, COLUMN_NAMES[c], false, &x, &pct))
            continue;
        if (pct)
            x /= 100;
        if (!put(cr, COLUMN_NAMES[c], v, number_node(x, v)))
            goto nomem;
    }

    if (im->faults != before) {
        infl__yaml_tree_free(cr);
        return INFL_OK;
    }
    *out = cr;
    return INFL_OK;
nomem:
    infl__yaml_tree_free(cr);
    return INFL_ENOMEM;
}

/* Faults for every column that is neither known nor ignored, once each, at
 * its key's position (the header cell of a CSV file). */
static void unknown_columns(importer *im, const infl_node *records, bool *any_known)
{
    const char **reported = NULL;
    size_t n_reported = 0;
    *any_known = false;
    for (size_t r = 0; r < records->count; r++) {
        const infl_node *rec = records->items[r];
        for (size_t i = 0; i < rec->count; i++) {
            const char *key = rec->pairs[i].key;
            bool known = false;
            for (size_t c = 0; c < N_COLS && !known; c++)
                known = strcmp(key, COLUMN_NAMES[c]) == 0;
            *any_known |= known;
            if (known || ignored(im->s, key))
                continue;
            bool done = false;
            for (size_t j = 0; j < n_reported && !done; j++)
                done = strcmp(reported[j], key) == 0;
            if (done)
                continue;
            const char **grown = realloc(reported, (n_reported + 1) * sizeof *grown);
            if (grown == NULL)
                break;
            reported = grown;
            reported[n_reported++] = key;
            infl_node at = {.origin = rec->origin, .line = rec->pairs[i].line};
            const char *hint = infl__suggest(key, COLUMN_NAMES, N_COLS);
            if (hint != NULL)
                fault(im, &at, key,
                      "unknown column; did you mean '%s'? (or list it under roster_file.ignore)",
                      hint);
            else
                fault(im, &at, key,
                      "unknown column (list it under roster_file.ignore to skip it; "
                      "docs/roster-files.md lists the columns)");
        }
    }
    free(reported);
}

infl_status infl__roster_import(const infl_node *records, const infl__roster_settings *settings,
                                infl_node **out_seq, infl_error *err)
{
    *out_seq = NULL;
    if (records == NULL || records->kind != INFL_NODE_SEQ)
        return infl_error_add(err, INFL_EARG, "roster records must be a list");
    for (size_t i = 0; i < records->count; i++)
        if (records->items[i]->kind != INFL_NODE_MAP)
            return infl_error_add(err, INFL_EARG, "%s:%zu: a roster record must be a mapping",
                                  records->items[i]->origin, records->items[i]->line);
    infl__roster_settings defaults;
    if (settings == NULL) {
        infl__roster_settings_init(&defaults);
        settings = &defaults;
    }
    const char *origin = settings->origin ? settings->origin : records->origin;
    importer im = {.s = settings, .err = err};
    if (records->count == 0)
        return infl_error_add(err, INFL_EINVAL,
                              "%s:%zu: no creators: the file has no rows after its header", origin,
                              records->line);

    bool any_known;
    unknown_columns(&im, records, &any_known);
    bool any_handle = false;
    for (size_t i = 0; i < records->count && !any_handle; i++)
        any_handle = infl__yaml_tree_get(records->items[i], "handle") != NULL;
    if (!any_handle) {
        infl_node at = {.origin = origin, .line = records->line};
        fault(&im, &at, "handle", "no column named handle%s",
              any_known ? ""
                        : "; the first row must be a header naming "
                          "the columns (handle, followers, ...)");
    }

    infl_status rc = INFL_OK;
    infl_node *out = infl__yaml_tree_new_seq(records->origin, records->line, records->column);
    seen_handle *seen = calloc(records->count ? records->count : 1, sizeof *seen);
    size_t n_seen = 0;
    infl__roster_index index;
    bool have_index = infl__roster_index_init(&index, records->count);
    if (out == NULL || seen == NULL || !have_index) {
        rc = INFL_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < records->count && any_handle; i++) {
        infl_node *cr = NULL;
        rc = one_creator(&im, records->items[i], &cr, seen, &n_seen, &index);
        if (rc != INFL_OK)
            goto done;
        if (cr != NULL && infl__yaml_tree_seq_append(out, cr) != INFL_OK) {
            rc = INFL_ENOMEM;
            goto done;
        }
    }
done:
    for (size_t i = 0; i < n_seen; i++)
        free(seen[i].key);
    free(seen);
    infl__roster_index_destroy(&index);
    if (rc == INFL_ENOMEM)
        infl_error_add(err, INFL_ENOMEM, "%s: out of memory while importing the roster", origin);
    else if (im.faults > 0)
        rc = INFL_EINVAL;
    if (im.faults > MAX_FAULTS)
        infl_error_add(err, INFL_EINVAL, "%s: %zu more faults not shown", origin,
                       im.faults - MAX_FAULTS);
    if (rc != INFL_OK)
        infl__yaml_tree_free(out);
    else
        *out_seq = out;
    return rc;
}

/* --- roster_file: settings ---------------------------------------------- */

void infl__roster_settings_init(infl__roster_settings *s)
{
    memset(s, 0, sizeof *s);
    s->format = INFL_ROSTER_FORMAT_AUTO;
    s->engagement_rate = INFL_ROSTER_UNIT_FRACTION;
    s->audience = INFL_ROSTER_UNIT_PERCENT;
    s->credibility = INFL_ROSTER_UNIT_FRACTION;
    s->post_variation = 0.5;
    s->posts_observed_default = 12;
}

infl__roster_format infl__roster_settings_format(const infl__roster_settings *s)
{
    if (s->format != INFL_ROSTER_FORMAT_AUTO || s->path == NULL)
        return s->format == INFL_ROSTER_FORMAT_JSON ? INFL_ROSTER_FORMAT_JSON
                                                    : INFL_ROSTER_FORMAT_CSV;
    size_t n = strlen(s->path);
    return n >= 5 && strcasecmp(s->path + n - 5, ".json") == 0 ? INFL_ROSTER_FORMAT_JSON
                                                               : INFL_ROSTER_FORMAT_CSV;
}

typedef struct {
    infl_error *err;
    size_t faults;
} settings_reader;

__attribute__((format(printf, 4, 5))) static void sfault(settings_reader *sr, const infl_node *at,
                                                         const char *key, const char *fmt, ...)
{
    sr->faults++;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    infl_error_add(sr->err, INFL_EINVAL, "%s:%zu:%zu: roster_file%s%s: %s", at->origin, at->line,
                   at->column, key ? "." : "", key ? key : "", msg);
}

/* A plain scalar value of a setting, else NULL with a fault. */
static const char *setting_text(settings_reader *sr, const infl_node *v, const char *key)
{
    char buf[80];
    if (v->kind != INFL_NODE_SCALAR || v->text[0] == '\0') {
        sfault(sr, v, key, "expected a single value (got %s)",
               infl__yaml_tree_describe(v, buf, sizeof buf));
        return NULL;
    }
    return v->text;
}

/* One of the words of a unit setting; false with a fault otherwise. */
static bool unit_setting(settings_reader *sr, const infl_node *v, const char *key,
                         const char *const *words, const infl__roster_unit *units, size_t n,
                         infl__roster_unit *out)
{
    const char *t = setting_text(sr, v, key);
    if (t == NULL)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (strcasecmp(t, words[i]) == 0) {
            *out = units[i];
            return true;
        }
    }
    char buf[80];
    sfault(sr, v, key, "expected %s or %s (got %s)", words[0], words[1],
           infl__yaml_tree_describe(v, buf, sizeof buf));
    return false;
}

static void unknown_key(settings_reader *sr, const infl_node_pair *p, const infl_node *map,
                        const char *prefix, const char *const *allowed, size_t n)
{
    infl_node at = {.origin = map->origin, .line = p->line, .column = p->column};
    char key[200];
    snprintf(key, sizeof key, "%s%s", prefix, p->key);
    const char *hint = infl__suggest(p->key, allowed, n);
    if (hint != NULL)
        sfault(sr, &at, key, "unknown key; did you mean '%s'?", hint);
    else
        sfault(sr, &at, key, "unknown key");
}

static bool setting_number(settings_reader *sr, const infl_node *v, const char *key, double lo,
                           double hi, double *out)
{
    const char *t = setting_text(sr, v, key);
    if (t == NULL)
        return false;
    double x;
    bool pct;
    char buf[80];
    if (!read_number(t, strlen(t), false, &x, &pct, NULL) || pct || x < lo || x > hi) {
        sfault(sr, v, key, "expected a number from %g to %g (got %s)", lo, hi,
               infl__yaml_tree_describe(v, buf, sizeof buf));
        return false;
    }
    *out = x;
    return true;
}

infl_status infl__roster_settings_parse(const infl_node *node, infl__roster_settings *s,
                                        infl_error *err)
{
    infl__roster_settings_init(s);
    settings_reader sr = {.err = err};
    char buf[80];
    if (node == NULL)
        return infl_error_add(err, INFL_EARG, "roster_file: no value");
    if (node->kind == INFL_NODE_SCALAR) {
        s->path = setting_text(&sr, node, NULL);
        return sr.faults ? INFL_EINVAL : INFL_OK;
    }
    if (node->kind != INFL_NODE_MAP) {
        sfault(&sr, node, NULL, "expected a path or a mapping with a path (got %s)",
               infl__yaml_tree_describe(node, buf, sizeof buf));
        return INFL_EINVAL;
    }
    static const char *const keys[] = {
        "path", "format", "tier", "units", "ignore", "post_variation", "posts_observed_default"};
    for (size_t i = 0; i < node->count; i++) {
        const infl_node_pair *p = &node->pairs[i];
        const infl_node *v = p->value;
        if (strcmp(p->key, "path") == 0) {
            s->path = setting_text(&sr, v, "path");
        } else if (strcmp(p->key, "format") == 0) {
            const char *t = setting_text(&sr, v, "format");
            if (t != NULL && strcasecmp(t, "csv") == 0)
                s->format = INFL_ROSTER_FORMAT_CSV;
            else if (t != NULL && strcasecmp(t, "json") == 0)
                s->format = INFL_ROSTER_FORMAT_JSON;
            else if (t != NULL)
                sfault(&sr, v, "format", "expected csv or json (got %s)",
                       infl__yaml_tree_describe(v, buf, sizeof buf));
        } else if (strcmp(p->key, "tier") == 0) {
            s->default_tier = setting_text(&sr, v, "tier");
        } else if (strcmp(p->key, "units") == 0) {
            if (v->kind != INFL_NODE_MAP) {
                sfault(&sr, v, "units",
                       "expected a mapping such as {engagement_rate: percent} (got %s)",
                       infl__yaml_tree_describe(v, buf, sizeof buf));
                continue;
            }
            static const char *const ukeys[] = {"engagement_rate", "audience", "credibility"};
            static const char *const fp[] = {"fraction", "percent"};
            static const char *const fs[] = {"fraction", "score"};
            static const infl__roster_unit ufp[] = {INFL_ROSTER_UNIT_FRACTION,
                                                    INFL_ROSTER_UNIT_PERCENT};
            static const infl__roster_unit ufs[] = {INFL_ROSTER_UNIT_FRACTION,
                                                    INFL_ROSTER_UNIT_SCORE};
            for (size_t j = 0; j < v->count; j++) {
                const infl_node_pair *u = &v->pairs[j];
                if (strcmp(u->key, "engagement_rate") == 0)
                    unit_setting(&sr, u->value, "units.engagement_rate", fp, ufp, 2,
                                 &s->engagement_rate);
                else if (strcmp(u->key, "audience") == 0)
                    unit_setting(&sr, u->value, "units.audience", fp, ufp, 2, &s->audience);
                else if (strcmp(u->key, "credibility") == 0)
                    unit_setting(&sr, u->value, "units.credibility", fs, ufs, 2, &s->credibility);
                else
                    unknown_key(&sr, u, v, "units.", ukeys, 3);
            }
        } else if (strcmp(p->key, "ignore") == 0) {
            const infl_node *const *items =
                v->kind == INFL_NODE_SEQ ? (const infl_node *const *)v->items : &v;
            size_t n = v->kind == INFL_NODE_SEQ ? v->count : 1;
            for (size_t j = 0; j < n; j++) {
                const char *t = setting_text(&sr, items[j], "ignore");
                if (t == NULL)
                    continue;
                if (s->n_ignore == INFL_ROSTER_MAX_IGNORED) {
                    sfault(&sr, items[j], "ignore", "more than %d columns",
                           INFL_ROSTER_MAX_IGNORED);
                    break;
                }
                s->ignore[s->n_ignore++] = t;
            }
        } else if (strcmp(p->key, "post_variation") == 0) {
            setting_number(&sr, v, "post_variation", 0, 3, &s->post_variation);
        } else if (strcmp(p->key, "posts_observed_default") == 0) {
            double n;
            if (setting_number(&sr, v, "posts_observed_default", 1, 1e6, &n)) {
                if (n != floor(n))
                    sfault(&sr, v, "posts_observed_default", "expected a whole count (got %s)",
                           infl__yaml_tree_describe(v, buf, sizeof buf));
                else
                    s->posts_observed_default = n;
            }
        } else {
            unknown_key(&sr, p, node, "", keys, sizeof keys / sizeof keys[0]);
        }
    }
    if (s->path == NULL && infl__yaml_tree_get(node, "path") == NULL)
        sfault(&sr, node, "path", "missing: the roster file to read (relative to the scenario)");
    return sr.faults ? INFL_EINVAL : INFL_OK;
}
