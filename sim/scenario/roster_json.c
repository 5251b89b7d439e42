/*
 * roster_json.c — Modash-style report JSON to flat roster records (see
 * roster_json.h). libyaml reads JSON, which keeps every value's position for
 * messages, but it refuses the UTF-16 surrogate pairs JSON uses for
 * characters beyond the Basic Multilingual Plane ("\ud83d\ude00"; Python's
 * json module writes every emoji so). Such text is rewritten before it is
 * parsed: a pair becomes one YAML escape ("\U0001f600", two characters
 * shorter) and the string's closing quote is followed by as many spaces, so
 * every position after the string stays where it was.
 */
#include "scenario/roster_json.h"

#include "base/strbuf.h"

#include "scenario/roster_csv.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_FAULTS 50

static int hex4(const char *s, size_t n, unsigned *out)
{
    if (n < 4)
        return 0;
    unsigned v = 0;
    for (size_t i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return 0;
    }
    *out = v;
    return 1;
}

/* Returns a copy of text with surrogate escapes rewritten (see the top of
 * the file) in *out (length *out_len), or sets *out to NULL when there are
 * none. False if out of memory. */
static bool rewrite_surrogates(const char *text, size_t length, char **out, size_t *out_len)
{
    *out = NULL;
    bool any = false;
    for (size_t i = 0; i + 5 < length && !any; i++)
        any = text[i] == '\\' && (text[i + 1] == 'u' || text[i + 1] == 'U') &&
              (text[i + 2] == 'd' || text[i + 2] == 'D');
    if (!any)
        return true;
    char *buf = malloc(length + 1);
    if (buf == NULL)
        return false;
    size_t o = 0, pad = 0;
    bool in_string = false;
    for (size_t i = 0; i < length;) {
        char c = text[i];
        if (!in_string) {
            buf[o++] = c;
            in_string = c == '"';
            i++;
            continue;
        }
        if (c == '"') {
            buf[o++] = c;
            for (; pad > 0; pad--)
                buf[o++] = ' ';
            in_string = false;
            i++;
            continue;
        }
        if (c != '\\' || i + 1 >= length) {
            buf[o++] = c;
            i++;
            continue;
        }
        unsigned hi, lo;
        if (text[i + 1] == 'u' && hex4(text + i + 2, length - i - 2, &hi) && hi >= 0xd800 &&
            hi <= 0xdfff) {
            if (hi <= 0xdbff && i + 11 < length && text[i + 6] == '\\' && text[i + 7] == 'u' &&
                hex4(text + i + 8, length - i - 8, &lo) && lo >= 0xdc00 && lo <= 0xdfff) {
                unsigned cp = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
                o += (size_t)snprintf(buf + o, 11, "\\U%08x", cp);
                pad += 2;
                i += 12;
            } else { /* a lone surrogate: the replacement character */
                memcpy(buf + o, "\\ufffd", 6);
                o += 6;
                i += 6;
            }
            continue;
        }
        /* Any other escape: copied with the character it escapes. */
        buf[o++] = text[i++];
        buf[o++] = text[i++];
    }
    for (; pad > 0; pad--) /* an unclosed string: the parser will say so */
        buf[o++] = ' ';
    buf[o] = '\0';
    *out = buf;
    *out_len = o;
    return true;
}

typedef struct {
    infl_error *err;
    size_t faults;
} reader;

__attribute__((format(printf, 3, 4))) static void fault(reader *r, const infl_node *at,
                                                        const char *fmt, ...)
{
    if (r->faults++ >= MAX_FAULTS)
        return;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    infl_error_add(r->err, INFL_EINVAL, "%s:%zu:%zu: %s", at->origin, at->line, at->column, msg);
}

/* A scalar that is not JSON null, else NULL. */
static const infl_node *value(const infl_node *map, const char *key)
{
    const infl_node *v = infl__yaml_tree_get(map, key);
    if (v == NULL || v->kind != INFL_NODE_SCALAR)
        return NULL;
    if (!v->quoted &&
        (strcmp(v->text, "null") == 0 || strcmp(v->text, "~") == 0 || v->text[0] == '\0'))
        return NULL;
    return v;
}

/* Appends key: a copy of scalar v to rec; false if out of memory. */
static bool put(infl_node *rec, const char *key, const infl_node *v)
{
    if (v == NULL)
        return true;
    infl_node *c = infl__yaml_tree_new_scalar(v->text, v->origin, v->line, v->column);
    return c != NULL && infl__yaml_tree_map_append(rec, key, v->line, v->column, c) == INFL_OK;
}

/* The platform a profile url is on, or NULL. */
static const char *platform_of(const char *url)
{
    static const char *const sites[][2] = {{"instagram.com", "instagram"},
                                           {"tiktok.com", "tiktok"},
                                           {"youtube.com", "youtube"},
                                           {"youtu.be", "youtube"}};
    for (size_t i = 0; i < sizeof sites / sizeof sites[0]; i++) {
        const char *at = strstr(url, sites[i][0]);
        if (at != NULL && (at == url || at[-1] == '.' || at[-1] == '/'))
            return sites[i][1];
    }
    return NULL;
}

/* geoCountries [{code, weight}, ...] as "FR:0.55;BE:0.1" in a new scalar at
 * the list's position; NULL with a fault if an entry is not such a pair,
 * NULL without one if out of memory (*nomem set). */
static infl_node *countries(reader *r, const infl_node *list, bool *nomem)
{
    *nomem = false;
    if (list->kind != INFL_NODE_SEQ) {
        fault(r, list, "profile.audience.geoCountries: expected a list of {code, weight}");
        return NULL;
    }
    infl__strbuf b = {0};
    for (size_t i = 0; i < list->count; i++) {
        const infl_node *e = list->items[i];
        const infl_node *code = value(e, "code"), *w = value(e, "weight");
        if (code == NULL)
            code = value(e, "name");
        if (code == NULL || w == NULL || strlen(code->text) > 40 || strlen(w->text) > 30 ||
            strpbrk(code->text, ":;,|=") != NULL) {
            fault(r, e, "profile.audience.geoCountries[%zu]: expected {code, weight}", i);
            free(infl__strbuf_take(&b));
            return NULL;
        }
        infl__strbuf_put(&b, "%s%s:%s", i ? ";" : "", code->text, w->text);
    }
    char *text = infl__strbuf_take(&b);
    if (text == NULL) {
        *nomem = true;
        return NULL;
    }
    infl_node *n = infl__yaml_tree_new_scalar(text, list->origin, list->line, list->column);
    free(text);
    *nomem = n == NULL;
    return n;
}

/* One report into a record appended to seq. */
static infl_status one_report(reader *r, const infl_node *report, size_t index, infl_node *seq)
{
    if (report->kind != INFL_NODE_MAP) {
        fault(r, report, "report %zu: expected an object with a profile", index + 1);
        return INFL_OK;
    }
    const infl_node *p = infl__yaml_tree_get(report, "profile");
    const infl_node *pp = p ? infl__yaml_tree_get(p, "profile") : NULL;
    if (pp == NULL || pp->kind != INFL_NODE_MAP)
        pp = p;
    const infl_node *user = value(pp, "username");
    if (user == NULL) {
        fault(r, p && p->kind == INFL_NODE_MAP ? p : report,
              "report %zu: no profile.profile.username (the creator's handle)", index + 1);
        return INFL_OK;
    }
    infl_node *rec = infl__yaml_tree_new_map(report->origin, report->line, report->column);
    if (rec == NULL || infl__yaml_tree_seq_append(seq, rec) != INFL_OK)
        return INFL_ENOMEM;
    const infl_node *url = value(pp, "url");
    if (!put(rec, "handle", user) || !put(rec, "followers", value(pp, "followers")) ||
        !put(rec, "engagement_rate_fraction", value(pp, "engagementRate")) ||
        !put(rec, "name", value(pp, "fullname")) || !put(rec, "url", url))
        return INFL_ENOMEM;
    const infl_node *plat = value(report, "platform");
    if (plat == NULL && p != NULL)
        plat = value(p, "platform");
    if (plat != NULL) {
        if (!put(rec, "platform", plat))
            return INFL_ENOMEM;
    } else if (url != NULL && platform_of(url->text) != NULL) {
        infl_node *n =
            infl__yaml_tree_new_scalar(platform_of(url->text), url->origin, url->line, url->column);
        if (n == NULL ||
            infl__yaml_tree_map_append(rec, "platform", url->line, url->column, n) != INFL_OK)
            return INFL_ENOMEM;
    }
    const infl_node *aud = p ? infl__yaml_tree_get(p, "audience") : NULL;
    if (aud == NULL)
        aud = infl__yaml_tree_get(report, "audience");
    if (aud != NULL && aud->kind == INFL_NODE_MAP) {
        if (!put(rec, "real_share", value(aud, "credibility")))
            return INFL_ENOMEM;
        const infl_node *geo = infl__yaml_tree_get(aud, "geoCountries");
        if (geo != NULL && !(geo->kind == INFL_NODE_SCALAR && value(aud, "geoCountries") == NULL)) {
            bool nomem;
            infl_node *n = countries(r, geo, &nomem);
            if (nomem)
                return INFL_ENOMEM;
            if (n != NULL && infl__yaml_tree_map_append(rec, "audience_fraction", n->line,
                                                        n->column, n) != INFL_OK)
                return INFL_ENOMEM;
        }
    }
    return INFL_OK;
}

infl_status infl__roster_json_parse(const char *text, size_t length, const char *origin,
                                    infl_node **out_seq, infl_error *err)
{
    *out_seq = NULL;
    if (length > INFL_ROSTER_MAX_BYTES)
        return infl_error_add(err, INFL_ELIMIT,
                              "%s: the file is %.1f MiB; a roster file may be at most %zu MiB",
                              origin, (double)length / (1 << 20), INFL_ROSTER_MAX_BYTES >> 20);
    char *fixed = NULL;
    size_t fixed_len = 0;
    if (!rewrite_surrogates(text, length, &fixed, &fixed_len))
        return infl_error_add(err, INFL_ENOMEM, "%s: out of memory", origin);
    infl_node *tree = NULL, *seq = NULL;
    infl_status rc =
        infl__yaml_tree_parse(fixed ? fixed : text, fixed ? fixed_len : length, origin, &tree, err);
    free(fixed);
    if (rc != INFL_OK)
        return rc;
    reader r = {.err = err};
    const infl_node *reports = NULL;
    bool one = false;
    if (tree->kind == INFL_NODE_SEQ) {
        reports = tree;
    } else if (tree->kind == INFL_NODE_MAP && infl__yaml_tree_get(tree, "profile") != NULL) {
        reports = tree;
        one = true;
    } else if (tree->kind == INFL_NODE_MAP) {
        reports = infl__yaml_tree_get(tree, "reports");
        if (reports == NULL)
            reports = infl__yaml_tree_get(tree, "data");
        if (reports != NULL && reports->kind == INFL_NODE_MAP &&
            infl__yaml_tree_get(reports, "profile") != NULL)
            one = true;
        else if (reports != NULL && reports->kind != INFL_NODE_SEQ)
            reports = NULL;
    }
    if (reports == NULL) {
        rc = infl_error_add(err, INFL_ESYNTAX,
                            "%s:%zu:%zu: not a creator report: expected an object with a "
                            "\"profile\", a list of them, or a list under \"reports\" or "
                            "\"data\"",
                            origin, tree->line, tree->column);
        goto done;
    }
    size_t n = one ? 1 : reports->count;
    if (n > INFL_ROSTER_MAX_ROWS) {
        rc = infl_error_add(err, INFL_ELIMIT, "%s: %zu reports; a roster file may hold at most %d",
                            origin, n, INFL_ROSTER_MAX_ROWS);
        goto done;
    }
    seq = infl__yaml_tree_new_seq(origin, reports->line, reports->column);
    if (seq == NULL) {
        rc = INFL_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n && rc == INFL_OK; i++)
        rc = one_report(&r, one ? reports : reports->items[i], i, seq);
done:
    if (rc == INFL_ENOMEM)
        infl_error_add(err, INFL_ENOMEM, "%s: out of memory while reading the roster", origin);
    else if (rc == INFL_OK && r.faults > 0)
        rc = INFL_EINVAL;
    if (r.faults > MAX_FAULTS)
        infl_error_add(err, INFL_EINVAL, "%s: %zu more faults not shown", origin,
                       r.faults - MAX_FAULTS);
    infl__yaml_tree_free(tree);
    if (rc != INFL_OK)
        infl__yaml_tree_free(seq);
    else
        *out_seq = seq;
    return rc;
}
