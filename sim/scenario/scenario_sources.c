/*
 * scenario_sources.c — where each resolved value came from (`influsim check
 * --sources`, include/influsim/scenario.h). The scenario's tree is rebuilt
 * as its load built it (text, roster bytes, overrides, presets; every node
 * remembers its origin and line) and walked beside the resolved scenario,
 * parsed back: a key the resolved scenario has and the tree lacks is the
 * loader's default.
 */
#include "scenario/scenario_internal.h"
#include "base/strbuf.h"
#include "scenario/preset.h"
#include "scenario/roster.h"
#include "scenario/yaml_tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    infl_scenario_source *s;
    size_t n, cap;
    const infl_scenario *scratch; /* the rebuilt tree's origins point into it */
    bool failed;
} sources;

/* Appends n in flow form ({a: 1, b: [2, 3]}), scalars as written. */
static void render(infl__strbuf *b, const infl_node *n)
{
    switch (n->kind) {
    case INFL_NODE_SCALAR:
        if (n->quoted)
            infl__strbuf_put_quoted(b, n->text);
        else
            infl__strbuf_put(b, "%s", n->text);
        break;
    case INFL_NODE_MAP:
        infl__strbuf_put(b, "{");
        for (size_t i = 0; i < n->count; i++) {
            infl__strbuf_put(b, "%s%s: ", i ? ", " : "", n->pairs[i].key);
            render(b, n->pairs[i].value);
        }
        infl__strbuf_put(b, "}");
        break;
    case INFL_NODE_SEQ:
        infl__strbuf_put(b, "[");
        for (size_t i = 0; i < n->count; i++) {
            infl__strbuf_put(b, "%s", i ? ", " : "");
            render(b, n->items[i]);
        }
        infl__strbuf_put(b, "]");
        break;
    }
}

/* The last --set below n (n itself included), or NULL: a value partly
 * overridden (`--set tiers.micro.reach_rate.beta.mean=0.3`) is the override's. */
static const infl_node *last_set(const infl_node *n)
{
    const infl_node *best = !strcmp(n->origin, "--set") ? n : NULL;
    size_t count = n->kind == INFL_NODE_SCALAR ? 0 : n->count;
    for (size_t i = 0; i < count; i++) {
        const infl_node *c = last_set(n->kind == INFL_NODE_MAP ? n->pairs[i].value : n->items[i]);
        if (c != NULL && (best == NULL || c->line > best->line))
            best = c;
    }
    return best;
}

/* The preset whose name `origin` is (the very pointer expand_presets gave
 * its nodes), or NULL. */
static const infl__preset *preset_of(const char *origin)
{
    for (size_t i = 0; i < infl__preset_count(); i++)
        if (infl__preset_at(i)->name == origin)
            return infl__preset_at(i);
    return NULL;
}

/* Appends the source of `path`: the pair given (NULL: a default, whose
 * value is the resolved one), through the tier `via` (or NULL). */
static void add(sources *S, const char *path, const infl_node_pair *given,
                const infl_node *resolved, const char *via)
{
    if (S->failed)
        return;
    if (S->n == S->cap) {
        size_t cap = S->cap ? 2 * S->cap : 64;
        infl_scenario_source *grown = realloc(S->s, cap * sizeof *grown);
        if (grown == NULL) {
            S->failed = true;
            return;
        }
        S->s = grown;
        S->cap = cap;
    }
    infl_scenario_source *e = &S->s[S->n++];
    memset(e, 0, sizeof *e);
    infl__strbuf b = {0};
    render(&b, given ? given->value : resolved);
    e->value = infl__strbuf_take(&b);
    e->path = strdup(path);
    e->via = via ? strdup(via) : NULL;
    if (given == NULL) {
        e->kind = INFL_SOURCE_DEFAULT;
    } else {
        const infl_node *set = last_set(given->value);
        const infl__preset *preset = preset_of(given->value->origin);
        const infl_roster_source *roster = S->scratch->roster_source;
        if (set != NULL) {
            e->kind = INFL_SOURCE_SET;
            e->origin = strdup("--set");
            e->line = set->line;
        } else if (preset != NULL) {
            e->kind = INFL_SOURCE_PRESET;
            e->preset = preset->name;
            e->preset_sources = preset->sources;
        } else {
            e->kind = roster != NULL && given->value->origin == roster->path
                          ? INFL_SOURCE_ROSTER_FILE
                          : INFL_SOURCE_FILE;
            e->origin = strdup(given->value->origin);
            e->line = e->kind == INFL_SOURCE_ROSTER_FILE ? given->value->line : given->line;
        }
    }
    if (e->value == NULL || e->path == NULL || (via && e->via == NULL) ||
        (e->kind != INFL_SOURCE_DEFAULT && e->kind != INFL_SOURCE_PRESET && e->origin == NULL))
        S->failed = true;
}

/* Each key of the resolved mapping `res`, found in the given mapping `src`
 * (NULL or not a mapping: none given), under `prefix`. */
static void add_keys(sources *S, const char *prefix, const infl_node *res, const infl_node *src)
{
    for (size_t i = 0; res->kind == INFL_NODE_MAP && i < res->count; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s.%s", prefix, res->pairs[i].key);
        const infl_node_pair *given = src && src->kind == INFL_NODE_MAP
                                          ? infl__yaml_tree_get_pair(src, res->pairs[i].key)
                                          : NULL;
        add(S, path, given, res->pairs[i].value, NULL);
    }
}

/* A handle as the loader compares them (roster.h). */
static bool same_handle(const infl_node *a, const infl_node *b)
{
    return a != NULL && b != NULL && a->kind == INFL_NODE_SCALAR && b->kind == INFL_NODE_SCALAR &&
           infl__roster_same_handle(a->text, b->text);
}

/* The given creator with res's handle: item i if it matches, else the first. */
static const infl_node *given_creator(const infl_node *list, size_t i, const infl_node *res)
{
    if (list == NULL || list->kind != INFL_NODE_SEQ)
        return NULL;
    const infl_node *h = infl__yaml_tree_get(res, "handle");
    if (i < list->count && same_handle(infl__yaml_tree_get(list->items[i], "handle"), h))
        return list->items[i];
    for (size_t j = 0; j < list->count; j++)
        if (same_handle(infl__yaml_tree_get(list->items[j], "handle"), h))
            return list->items[j];
    return NULL;
}

/* Each key of each resolved creator: its own, else its tier's (when it
 * gives neither form of the key), else a default. */
static void add_creators(sources *S, const infl_node *res, const infl_node *root)
{
    const infl_node *list = infl__yaml_tree_get(root, "roster");
    const infl_node *tiers = infl__yaml_tree_get(root, "tiers");
    for (size_t i = 0; res->kind == INFL_NODE_SEQ && i < res->count; i++) {
        const infl_node *cr = res->items[i];
        const infl_node *h = infl__yaml_tree_get(cr, "handle");
        const infl_node *t = infl__yaml_tree_get(cr, "tier");
        if (cr->kind != INFL_NODE_MAP || h == NULL || h->kind != INFL_NODE_SCALAR)
            continue;
        const infl_node *src = given_creator(list, i, cr);
        const infl_node *tier =
            t && t->kind == INFL_NODE_SCALAR && tiers && tiers->kind == INFL_NODE_MAP
                ? infl__yaml_tree_get(tiers, t->text)
                : NULL;
        char via[512];
        if (tier != NULL)
            snprintf(via, sizeof via, "tiers.%s", t->text);
        for (size_t k = 0; k < cr->count; k++) {
            const char *key = cr->pairs[k].key;
            char path[512];
            snprintf(path, sizeof path, "roster.%s.%s", h->text, key);
            const infl_node_pair *given =
                src && src->kind == INFL_NODE_MAP ? infl__yaml_tree_get_pair(src, key) : NULL;
            const char *alt = infl__tier_key_alternative(key);
            bool other_form = src && src->kind == INFL_NODE_MAP && alt != NULL &&
                              infl__yaml_tree_get(src, alt) != NULL;
            if (given == NULL && !other_form && tier != NULL && tier->kind == INFL_NODE_MAP &&
                strcmp(key, "handle") && strcmp(key, "tier")) {
                const infl_node_pair *from = infl__yaml_tree_get_pair(tier, key);
                if (from != NULL) {
                    add(S, path, from, cr->pairs[k].value, via);
                    continue;
                }
            }
            add(S, path, given, cr->pairs[k].value, NULL);
        }
    }
}

void infl_scenario_sources_free(infl_scenario_source *s, size_t n)
{
    for (size_t i = 0; s != NULL && i < n; i++) {
        free(s[i].path);
        free(s[i].value);
        free(s[i].origin);
        free(s[i].via);
    }
    free(s);
}

infl_status infl_scenario_sources(const infl_scenario *sc, infl_scenario_source **out, size_t *n,
                                  infl_error *err)
{
    *out = NULL;
    *n = 0;
    infl_scenario *scratch = NULL;
    infl_node *root = NULL, *res = NULL;
    infl_status rc = infl__scenario_expanded(sc, &scratch, &root, err);
    if (rc != INFL_OK)
        return rc;
    char *text = infl_scenario_resolved_yaml(sc);
    if (text == NULL) {
        rc = infl_error_add(err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    rc = infl__yaml_tree_parse(text, strlen(text), "resolved scenario", &res, err);
    free(text);
    if (rc != INFL_OK)
        goto done;
    sources S = {.scratch = scratch};
    for (size_t i = 0; res->kind == INFL_NODE_MAP && i < res->count; i++) {
        const infl_node_pair *p = &res->pairs[i];
        if (p->value->kind == INFL_NODE_SCALAR)
            add(&S, p->key, infl__yaml_tree_get_pair(root, p->key), p->value, NULL);
        else if (!strcmp(p->key, "product") || !strcmp(p->key, "hiring") ||
                 !strcmp(p->key, "market"))
            add_keys(&S, p->key, p->value, infl__yaml_tree_get(root, p->key));
        else if (!strcmp(p->key, "tiers") && p->value->kind == INFL_NODE_MAP) {
            const infl_node *tiers = infl__yaml_tree_get(root, "tiers");
            for (size_t k = 0; k < p->value->count; k++) {
                char prefix[512];
                snprintf(prefix, sizeof prefix, "tiers.%s", p->value->pairs[k].key);
                add_keys(&S, prefix, p->value->pairs[k].value,
                         tiers ? infl__yaml_tree_get(tiers, p->value->pairs[k].key) : NULL);
            }
        } else if (!strcmp(p->key, "roster"))
            add_creators(&S, p->value, root);
    }
    if (S.failed) {
        infl_scenario_sources_free(S.s, S.n);
        rc = infl_error_add(err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    *out = S.s;
    *n = S.n;
done:
    infl__yaml_tree_free(res);
    infl__yaml_tree_free(root);
    infl_scenario_free(scratch);
    return rc;
}

const char *infl_scenario_source_describe(const infl_scenario_source *s, char *buf, size_t n)
{
    int w = 0;
    switch (s->kind) {
    case INFL_SOURCE_FILE:
    case INFL_SOURCE_ROSTER_FILE:
        w = snprintf(buf, n, "%s:%zu", s->origin, s->line);
        break;
    case INFL_SOURCE_SET:
        w = snprintf(buf, n, "--set:%zu", s->line);
        break;
    case INFL_SOURCE_PRESET:
        w = snprintf(buf, n, "preset %s (%s)", s->preset, s->preset_sources);
        break;
    case INFL_SOURCE_DEFAULT:
        w = snprintf(buf, n, "default");
        break;
    }
    if (s->via != NULL && w >= 0 && (size_t)w < n)
        snprintf(buf + w, n - (size_t)w, " (from %s)", s->via);
    return buf;
}
