/*
 * yaml_tree.c — libyaml's document loader turned into an infl_node tree with
 * source positions, and editing of that tree by key path (see yaml_tree.h).
 */
#include "scenario/yaml_tree.h"

#include "base/suggest.h"
#include "base/text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Deeper nesting than this is no scenario; it also bounds recursion on
 * pathological input (aliases that expand into deep trees). */
#define INFL_YAML_MAX_DEPTH 64
/* Aliases may repeat subtrees; bound the nodes built so a "billion laughs"
 * document cannot exhaust memory. */
#define INFL_YAML_MAX_NODES 1000000
/* Aliases copy text; cap the bytes copied at this multiple of the input (plus
 * a floor), so a small file cannot expand into gigabytes. */
#define INFL_YAML_EXPANSION 16
#define INFL_YAML_EXPANSION_FLOOR (1u << 20)
/* Duplicate keys are found by comparing each key with those before it; no
 * scenario has a mapping anywhere near this large. */
#define INFL_YAML_MAX_KEYS 10000

typedef struct {
    yaml_document_t *doc;
    const char *origin;
    infl_error *err;
    size_t built;
    size_t bytes; /* scalar text copied so far */
    size_t max_bytes;
} tree_builder;

static infl_node *node_new(infl_node_kind kind, const char *origin, size_t line, size_t column)
{
    infl_node *n = calloc(1, sizeof *n);
    if (n == NULL)
        return NULL;
    n->kind = kind;
    n->origin = origin;
    n->line = line;
    n->column = column;
    return n;
}

/* The number of items a SEQ node's array has room for: every list's array
 * is allocated to this size (the power of two at or above its count, at
 * least 4), so infl__yaml_tree_seq_append knows when it is full and grows it
 * by doubling (a roster file appends up to 100,000 records). */
static size_t seq_capacity(size_t count)
{
    size_t cap = 4;
    while (cap < count)
        cap *= 2;
    return cap;
}

void infl__yaml_tree_free(infl_node *node)
{
    if (node == NULL)
        return;
    free(node->text);
    for (size_t i = 0; i < node->count; i++) {
        if (node->kind == INFL_NODE_MAP) {
            free(node->pairs[i].key);
            infl__yaml_tree_free(node->pairs[i].value);
        } else if (node->kind == INFL_NODE_SEQ) {
            infl__yaml_tree_free(node->items[i]);
        }
    }
    free(node->pairs);
    free(node->items);
    free(node);
}

/* True if the node has no tag or one of YAML's core tags for its kind.
 * Other tags (!!binary, !!timestamp, !custom) would be silently ignored by
 * validation, which reads values as text, so they are refused. */
static bool plain_tag(const yaml_node_t *yn)
{
    const char *tag = (const char *)yn->tag;
    if (tag == NULL)
        return true;
    static const char *const scalar[] = {YAML_STR_TAG, YAML_INT_TAG, YAML_FLOAT_TAG, YAML_BOOL_TAG,
                                         YAML_NULL_TAG};
    switch (yn->type) {
    case YAML_SCALAR_NODE:
        for (size_t i = 0; i < sizeof scalar / sizeof scalar[0]; i++)
            if (strcmp(tag, scalar[i]) == 0)
                return true;
        return false;
    case YAML_SEQUENCE_NODE:
        return strcmp(tag, YAML_SEQ_TAG) == 0;
    case YAML_MAPPING_NODE:
        return strcmp(tag, YAML_MAP_TAG) == 0;
    default:
        return false;
    }
}

static infl_status build(tree_builder *b, yaml_node_t *yn, int depth, infl_node **out)
{
    *out = NULL;
    size_t line = yn->start_mark.line + 1, column = yn->start_mark.column + 1;
    if (depth > INFL_YAML_MAX_DEPTH)
        return infl_error_add(b->err, INFL_ESYNTAX,
                              "%s:%zu:%zu: syntax error: nesting deeper than %d levels", b->origin,
                              line, column, INFL_YAML_MAX_DEPTH);
    if (++b->built > INFL_YAML_MAX_NODES)
        return infl_error_add(b->err, INFL_ESYNTAX,
                              "%s:%zu:%zu: syntax error: document expands to more than %d nodes",
                              b->origin, line, column, INFL_YAML_MAX_NODES);

    infl_status rc = INFL_OK;
    infl_node *n = NULL;
    if (!plain_tag(yn)) {
        return infl_error_add(b->err, INFL_ESYNTAX,
                              "%s:%zu:%zu: syntax error: YAML tag '%s' is not supported; write "
                              "the value without a tag",
                              b->origin, line, column, (const char *)yn->tag);
    }
    switch (yn->type) {
    case YAML_SCALAR_NODE:
        n = node_new(INFL_NODE_SCALAR, b->origin, line, column);
        if (n == NULL)
            goto nomem;
        b->bytes += yn->data.scalar.length;
        if (b->bytes > b->max_bytes) {
            rc = infl_error_add(b->err, INFL_ESYNTAX,
                                "%s:%zu:%zu: syntax error: aliases expand the document to more "
                                "than %zu bytes of text",
                                b->origin, line, column, b->max_bytes);
            goto fail;
        }
        n->text = malloc(yn->data.scalar.length + 1);
        if (n->text == NULL)
            goto nomem;
        memcpy(n->text, yn->data.scalar.value, yn->data.scalar.length);
        n->text[yn->data.scalar.length] = '\0';
        if (strlen(n->text) != yn->data.scalar.length) {
            rc = infl_error_add(b->err, INFL_ESYNTAX,
                                "%s:%zu:%zu: syntax error: NUL character in a value", b->origin,
                                line, column);
            goto fail;
        }
        n->quoted = yn->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                    yn->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
        break;
    case YAML_SEQUENCE_NODE: {
        n = node_new(INFL_NODE_SEQ, b->origin, line, column);
        if (n == NULL)
            goto nomem;
        size_t count = (size_t)(yn->data.sequence.items.top - yn->data.sequence.items.start);
        n->items = calloc(seq_capacity(count), sizeof *n->items);
        if (n->items == NULL)
            goto nomem;
        for (size_t i = 0; i < count; i++) {
            yaml_node_t *child = yaml_document_get_node(b->doc, yn->data.sequence.items.start[i]);
            if (child == NULL)
                goto internal;
            rc = build(b, child, depth + 1, &n->items[i]);
            n->count = i + 1;
            if (rc != INFL_OK)
                goto fail;
        }
        break;
    }
    case YAML_MAPPING_NODE: {
        n = node_new(INFL_NODE_MAP, b->origin, line, column);
        if (n == NULL)
            goto nomem;
        size_t count = (size_t)(yn->data.mapping.pairs.top - yn->data.mapping.pairs.start);
        if (count > INFL_YAML_MAX_KEYS) {
            rc = infl_error_add(b->err, INFL_ESYNTAX,
                                "%s:%zu:%zu: syntax error: a mapping with %zu keys (at most %d)",
                                b->origin, line, column, count, INFL_YAML_MAX_KEYS);
            goto fail;
        }
        n->pairs = calloc(count ? count : 1, sizeof *n->pairs);
        if (n->pairs == NULL)
            goto nomem;
        for (size_t i = 0; i < count; i++) {
            yaml_node_pair_t *p = &yn->data.mapping.pairs.start[i];
            yaml_node_t *k = yaml_document_get_node(b->doc, p->key);
            yaml_node_t *v = yaml_document_get_node(b->doc, p->value);
            if (k == NULL || v == NULL)
                goto internal;
            size_t kl = k->start_mark.line + 1, kc = k->start_mark.column + 1;
            if (k->type != YAML_SCALAR_NODE) {
                rc = infl_error_add(b->err, INFL_ESYNTAX,
                                    "%s:%zu:%zu: syntax error: a key must be a plain name, not a "
                                    "%s",
                                    b->origin, kl, kc,
                                    k->type == YAML_MAPPING_NODE ? "mapping" : "list");
                goto fail;
            }
            const char *key = (const char *)k->data.scalar.value;
            for (size_t j = 0; j < n->count; j++) {
                if (strcmp(n->pairs[j].key, key) == 0) {
                    rc = infl_error_add(b->err, INFL_ESYNTAX,
                                        "%s:%zu:%zu: syntax error: duplicate key '%s' (first "
                                        "at line %zu)",
                                        b->origin, kl, kc, key, n->pairs[j].line);
                    goto fail;
                }
            }
            infl_node_pair *pair = &n->pairs[n->count];
            pair->key = strdup(key);
            if (pair->key == NULL)
                goto nomem;
            pair->line = kl;
            pair->column = kc;
            n->count++;
            rc = build(b, v, depth + 1, &pair->value);
            if (rc != INFL_OK)
                goto fail;
        }
        break;
    }
    default:
        goto internal;
    }
    *out = n;
    return INFL_OK;

nomem:
    rc = infl_error_add(b->err, INFL_ENOMEM, "%s: out of memory while reading the scenario",
                        b->origin);
    goto fail;
internal:
    rc = infl_error_add(b->err, INFL_EINTERNAL, "%s:%zu:%zu: unexpected YAML node", b->origin, line,
                        column);
fail:
    infl__yaml_tree_free(n);
    return rc;
}

/* Reports libyaml's failure with the position of the fault. Reader errors
 * (bad UTF-8, control characters) carry a byte offset instead of a mark, so
 * the line and column are counted from the text; a tab where YAML expects
 * indentation is named, since libyaml's own words do not say "tab". */
static infl_status syntax_error(const yaml_parser_t *parser, const char *text, size_t length,
                                const char *origin, infl_error *err)
{
    size_t line, column, offset;
    if (parser->error == YAML_READER_ERROR) {
        offset = parser->problem_offset < length ? parser->problem_offset : length;
        line = 1;
        column = 1;
        for (size_t i = 0; i < offset; i++) {
            if (text[i] == '\n') {
                line++;
                column = 1;
            } else if (((unsigned char)text[i] & 0xc0) != 0x80) {
                column++; /* count characters, not UTF-8 continuation bytes */
            }
        }
    } else {
        line = parser->problem_mark.line + 1;
        column = parser->problem_mark.column + 1;
        offset = parser->problem_mark.index;
    }
    const char *problem = parser->problem ? parser->problem : "malformed YAML";
    const char *context = parser->context ? parser->context : "";
    const char *hint = "";
    if (offset < length && text[offset] == '\t')
        hint = " (a tab character: YAML indents with spaces only)";
    return infl_error_add(err, INFL_ESYNTAX, "%s:%zu:%zu: syntax error: %s%s%s%s", origin, line,
                          column, problem, *context ? " " : "", context, hint);
}

/* Checks the nesting of flow collections ([ and {) with libyaml's scanner
 * before the document is loaded: loading slows to minutes on hundreds of
 * thousands of nested brackets, long before our own depth limit could apply,
 * while the scanner reports them one token at a time and can stop at the
 * limit. Returns false (with the position of the first bracket too deep)
 * only for too deep a nesting; a scanning error is left for the loader to
 * report in full. */
static bool flow_depth_ok(const char *text, size_t length, size_t limit, size_t *line,
                          size_t *column)
{
    yaml_parser_t scanner;
    if (!yaml_parser_initialize(&scanner))
        return true; /* the loader will report the lack of memory */
    yaml_parser_set_input_string(&scanner, (const unsigned char *)text, length);
    size_t depth = 0;
    bool ok = true, more = true;
    while (more) {
        yaml_token_t token;
        if (!yaml_parser_scan(&scanner, &token))
            break;
        switch (token.type) {
        case YAML_FLOW_SEQUENCE_START_TOKEN:
        case YAML_FLOW_MAPPING_START_TOKEN:
            if (++depth > limit) {
                ok = more = false;
                *line = token.start_mark.line + 1;
                *column = token.start_mark.column + 1;
            }
            break;
        case YAML_FLOW_SEQUENCE_END_TOKEN:
        case YAML_FLOW_MAPPING_END_TOKEN:
            depth -= depth > 0;
            break;
        case YAML_STREAM_END_TOKEN:
            more = false;
            break;
        default:
            break;
        }
        yaml_token_delete(&token);
    }
    yaml_parser_delete(&scanner);
    return ok;
}

infl_status infl__yaml_tree_parse(const char *text, size_t length, const char *origin,
                                  infl_node **out, infl_error *err)
{
    size_t bad_line = 0, bad_column = 0;
    if (!flow_depth_ok(text, length, INFL_YAML_MAX_DEPTH, &bad_line, &bad_column)) {
        *out = NULL;
        return infl_error_add(err, INFL_ESYNTAX,
                              "%s:%zu:%zu: syntax error: brackets nested deeper than %d levels",
                              origin, bad_line, bad_column, INFL_YAML_MAX_DEPTH);
    }

    *out = NULL;
    yaml_parser_t parser;
    yaml_document_t doc;
    bool parser_ok = false, doc_ok = false;
    infl_status rc = INFL_OK;

    if (!yaml_parser_initialize(&parser))
        return infl_error_add(err, INFL_ENOMEM, "%s: cannot start the YAML parser", origin);
    parser_ok = true;
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, length);

    if (!yaml_parser_load(&parser, &doc)) {
        rc = syntax_error(&parser, text, length, origin, err);
        goto done;
    }
    doc_ok = true;

    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root == NULL) {
        *out = node_new(INFL_NODE_MAP, origin, 1, 1);
        if (*out == NULL)
            rc = infl_error_add(err, INFL_ENOMEM, "%s: out of memory", origin);
        goto done;
    }
    tree_builder b = {.doc = &doc,
                      .origin = origin,
                      .err = err,
                      .max_bytes = INFL_YAML_EXPANSION * length + INFL_YAML_EXPANSION_FLOOR};
    rc = build(&b, root, 0, out);
    if (rc != INFL_OK)
        goto done;

    /* One scenario per file: a second document is a mistake worth naming. */
    yaml_document_delete(&doc);
    doc_ok = false;
    if (!yaml_parser_load(&parser, &doc)) {
        rc = syntax_error(&parser, text, length, origin, err);
        goto done;
    }
    doc_ok = true;
    yaml_node_t *second = yaml_document_get_root_node(&doc);
    if (second != NULL) {
        rc = infl_error_add(err, INFL_ESYNTAX,
                            "%s:%zu:%zu: syntax error: a second YAML document ('---'); a "
                            "scenario file holds one",
                            origin, second->start_mark.line + 1, second->start_mark.column + 1);
        goto done;
    }

done:
    if (doc_ok)
        yaml_document_delete(&doc);
    if (parser_ok)
        yaml_parser_delete(&parser);
    if (rc != INFL_OK) {
        infl__yaml_tree_free(*out);
        *out = NULL;
    }
    return rc;
}

infl_node_pair *infl__yaml_tree_get_pair(const infl_node *map, const char *key)
{
    if (map == NULL || map->kind != INFL_NODE_MAP)
        return NULL;
    for (size_t i = 0; i < map->count; i++)
        if (strcmp(map->pairs[i].key, key) == 0)
            return &map->pairs[i];
    return NULL;
}

infl_node *infl__yaml_tree_get(const infl_node *map, const char *key)
{
    infl_node_pair *p = infl__yaml_tree_get_pair(map, key);
    return p ? p->value : NULL;
}

const char *infl__yaml_tree_describe(const infl_node *node, char *buf, size_t n)
{
    if (node == NULL)
        snprintf(buf, n, "nothing");
    else if (node->kind == INFL_NODE_MAP)
        snprintf(buf, n, "a mapping");
    else if (node->kind == INFL_NODE_SEQ)
        snprintf(buf, n, "a list");
    else if (node->text[0] == '\0' && !node->quoted)
        snprintf(buf, n, "an empty value");
    else if (strlen(node->text) > 60)
        snprintf(buf, n, "\"%.57s...\"", node->text);
    else
        snprintf(buf, n, "\"%s\"", node->text);
    return buf;
}

/* Appends a new pair to a MAP node; returns its value slot or NULL. */
static infl_node_pair *map_add(infl_node *map, const char *key, size_t line, size_t column)
{
    infl_node_pair *grown = realloc(map->pairs, (map->count + 1) * sizeof *grown);
    if (grown == NULL)
        return NULL;
    map->pairs = grown;
    infl_node_pair *p = &map->pairs[map->count];
    memset(p, 0, sizeof *p);
    p->key = strdup(key);
    if (p->key == NULL)
        return NULL;
    p->line = line;
    p->column = column;
    map->count++;
    return p;
}

/* Moves a tree parsed from a --set value to where that value sits on the
 * command line: every node on `line`, columns offset by `offset`. */
static void shift_positions(infl_node *n, size_t line, size_t offset)
{
    n->line = line;
    n->column += offset;
    for (size_t i = 0; i < n->count; i++) {
        if (n->kind == INFL_NODE_MAP) {
            n->pairs[i].line = line;
            n->pairs[i].column += offset;
            shift_positions(n->pairs[i].value, line, offset);
        } else if (n->kind == INFL_NODE_SEQ) {
            shift_positions(n->items[i], line, offset);
        }
    }
}

/* The name of a list item that is a mapping with a plain `name` or, failing
 * that, a plain `handle` (a roster creator); NULL if it has neither. */
static const char *item_name(const infl_node *item)
{
    const infl_node *name = infl__yaml_tree_get(item, "name");
    if (name != NULL && name->kind == INFL_NODE_SCALAR)
        return name->text;
    const infl_node *handle = infl__yaml_tree_get(item, "handle");
    return handle != NULL && handle->kind == INFL_NODE_SCALAR ? handle->text : NULL;
}

/* True if a list's items can be addressed by name: some item has one. */
static bool named_items(const infl_node *seq)
{
    for (size_t i = 0; i < seq->count; i++)
        if (item_name(seq->items[i]) != NULL)
            return true;
    return false;
}

/* If the path at `p` starts with the name of `item` followed by '.', '[' or
 * the end, returns the number of path bytes it takes, else 0. A `name`
 * matches exactly; a `handle` (an item without a name) ignores ASCII case
 * and one leading '@' on either side. */
static size_t item_match(const infl_node *item, const char *p)
{
    const infl_node *name = infl__yaml_tree_get(item, "name");
    if (name != NULL && name->kind == INFL_NODE_SCALAR) {
        size_t len = strlen(name->text);
        return len > 0 && strncmp(p, name->text, len) == 0 && strchr(".[", p[len]) != NULL ? len
                                                                                           : 0;
    }
    const char *h = item_name(item);
    if (h == NULL)
        return 0;
    const char *start = p;
    h += *h == '@';
    p += *p == '@';
    size_t len = strlen(h);
    if (len == 0)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char a = (unsigned char)p[i], b = (unsigned char)h[i];
        if (a == '\0' || (a != b && (a >= 0x80 || b >= 0x80 || tolower(a) != tolower(b))))
            return 0;
    }
    return strchr(".[", p[len]) != NULL ? (size_t)(p - start) + len : 0;
}

/* The index of the item of `seq` whose name or handle takes the longest
 * part of the path at `p` (so a handle holding '.' can be addressed), with
 * that length in *taken; (size_t)-1 if none matches. The first of equals
 * wins. */
static size_t longest_item(const infl_node *seq, const char *p, size_t *taken)
{
    size_t best = (size_t)-1;
    *taken = 0;
    for (size_t i = 0; i < seq->count; i++) {
        size_t len = item_match(seq->items[i], p);
        if (len > *taken) {
            *taken = len;
            best = i;
        }
    }
    return best;
}

/* The slot of the first item of `seq` whose `name` is `name`. If none is,
 * returns NULL with *rc and a message in err that offers a close name with
 * its index (`regions[1]`), or lists the names there are. The list is at
 * path[0..parent_len) in the --set path. */
static infl_node **named_item(infl_node *seq, const char *name, const char *path, int parent_len,
                              const char *origin, size_t line, size_t column, infl_error *err,
                              infl_status *rc)
{
    for (size_t i = 0; i < seq->count; i++) {
        const char *n = item_name(seq->items[i]);
        if (n != NULL && strcmp(n, name) == 0)
            return &seq->items[i];
    }
    const char **names = calloc(seq->count, sizeof *names);
    if (names == NULL) {
        *rc = infl_error_add(err, INFL_ENOMEM, "out of memory");
        return NULL;
    }
    size_t n_names = 0;
    for (size_t i = 0; i < seq->count; i++)
        if ((names[n_names] = item_name(seq->items[i])) != NULL)
            n_names++;
    const char *hint = infl__suggest(name, names, n_names);
    char where[600];
    snprintf(where, sizeof where, "%s:%zu:%zu: %s: no item named '%s' in %s%.*s (%s:%zu:%zu)",
             origin, line, column, path, name, parent_len ? "" : "the top-level list", parent_len,
             path, seq->origin, seq->line, seq->column);
    if (hint != NULL) {
        size_t at = 0;
        while (item_name(seq->items[at]) != hint)
            at++;
        *rc = infl_error_add(err, INFL_EARG, "%s; did you mean '%s' (%.*s[%zu])?", where, hint,
                             parent_len, path, at);
    } else {
        /* Each name with the index that addresses it too: names holding
         * '.' or '[' can only be reached by index. */
        char list[320] = "";
        for (size_t i = 0, shown = 0; i < seq->count; i++) {
            const char *n = item_name(seq->items[i]);
            if (n == NULL)
                continue;
            size_t used = strlen(list);
            if (shown++ == 8 || used > 240) {
                snprintf(list + used, sizeof list - used, ", ...");
                break;
            }
            snprintf(list + used, sizeof list - used, "%s%.40s (%.*s[%zu])", used ? ", " : "", n,
                     parent_len, path, i);
        }
        *rc = infl_error_add(err, INFL_EARG, "%s; its items are named: %s", where, list);
    }
    free(names);
    return NULL;
}

/* INFL_OK unless `key`, missing from `map`, is close to a key that is there:
 * then an INFL_EARG message that suggests it and says how to add a new key. */
static infl_status refuse_lookalike(const infl_node *map, const char *key, const char *path,
                                    int parent_len, const char *origin, size_t line, size_t column,
                                    infl_error *err)
{
    const char **keys = calloc(map->count ? map->count : 1, sizeof *keys);
    if (keys == NULL)
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    for (size_t i = 0; i < map->count; i++)
        keys[i] = map->pairs[i].key;
    const char *hint = infl__suggest(key, keys, map->count);
    infl_status rc = INFL_OK;
    if (hint != NULL) {
        int key_end = parent_len + (parent_len > 0) + (int)strlen(key);
        rc = infl_error_add(err, INFL_EARG,
                            "%s:%zu:%zu: %s: no key '%s' %s%.*s (%s:%zu:%zu); did you mean "
                            "'%s'? (to add '%s', set it whole: %.*s={...})",
                            origin, line, column, path, key,
                            parent_len ? "in " : "at the top level", parent_len, path, map->origin,
                            map->line, map->column, hint, key, key_end, path);
    }
    free(keys);
    return rc;
}

infl_status infl__yaml_tree_set_path(infl_node *root, const char *path, const char *value,
                                     const char *origin, size_t line, size_t column,
                                     infl_error *err)
{
    infl_node **slot = &root;
    const char *p = path;
    char key[256];

    if (*path == '\0')
        return infl_error_add(err, INFL_EARG, "%s:%zu:%zu: empty key path", origin, line, column);
    while (*p != '\0') {
        /* One segment: a key up to '.', '[' or the end, then any [i] indices. */
        size_t len = strcspn(p, ".[");
        if (len == 0 || len >= sizeof key)
            return infl_error_add(err, INFL_EARG, "%s:%zu:%zu: %s: malformed key path", origin,
                                  line, column, path);
        memcpy(key, p, len);
        key[len] = '\0';
        /* The path up to this segment, for messages ("tiers", "regions"). */
        int parent_len = (int)(p - path) - (p > path && p[-1] == '.');
        infl_node *node = *slot;
        size_t taken = 0, at = (size_t)-1;
        if (node->kind == INFL_NODE_SEQ && named_items(node))
            at = longest_item(node, p, &taken);
        p += at != (size_t)-1 ? taken : len;
        if (at != (size_t)-1) {
            slot = &node->items[at];
        } else if (node->kind == INFL_NODE_SEQ && named_items(node)) {
            infl_status rc = INFL_OK;
            infl_node **item =
                named_item(node, key, path, parent_len, origin, line, column, err, &rc);
            if (item == NULL)
                return rc;
            slot = item;
        } else if (node->kind != INFL_NODE_MAP) {
            char buf[80];
            return infl_error_add(
                err, INFL_EARG, "%s:%zu:%zu: %s: cannot set '%s' inside %s (%s:%zu:%zu)", origin,
                line, column, path, key, infl__yaml_tree_describe(node, buf, sizeof buf),
                node->origin, node->line, node->column);
        } else {
            infl_node_pair *pair = infl__yaml_tree_get_pair(node, key);
            if (pair == NULL) {
                /* A missing key in the middle of the path would be created as
                 * a mapping; if it looks like a misspelling of a key beside it,
                 * that is a typo, not something new. */
                if (*p != '\0') {
                    infl_status rc =
                        refuse_lookalike(node, key, path, parent_len, origin, line, column, err);
                    if (rc != INFL_OK)
                        return rc;
                }
                pair = map_add(node, key, line, column);
                if (pair == NULL)
                    return infl_error_add(err, INFL_ENOMEM, "out of memory");
                /* A created key holds a mapping until the path says otherwise. */
                pair->value = node_new(INFL_NODE_MAP, origin, line, column);
                if (pair->value == NULL)
                    return infl_error_add(err, INFL_ENOMEM, "out of memory");
            }
            slot = &pair->value;
        }
        while (*p == '[') {
            char *end = NULL;
            unsigned long long idx = strtoull(p + 1, &end, 10);
            if (end == p + 1 || *end != ']')
                return infl_error_add(err, INFL_EARG,
                                      "%s:%zu:%zu: %s: malformed list index (write it as [N])",
                                      origin, line, column, path);
            if ((*slot)->kind != INFL_NODE_SEQ || idx >= (*slot)->count) {
                char buf[80];
                return infl_error_add(err, INFL_EARG,
                                      "%s:%zu:%zu: %s: no item [%llu] in %s (%s:%zu:%zu)", origin,
                                      line, column, path, idx,
                                      (*slot)->kind == INFL_NODE_SEQ
                                          ? "a list that short"
                                          : infl__yaml_tree_describe(*slot, buf, sizeof buf),
                                      (*slot)->origin, (*slot)->line, (*slot)->column);
            }
            slot = &(*slot)->items[idx];
            p = end + 1;
        }
        if (*p == '.')
            p++;
        else if (*p != '\0')
            return infl_error_add(err, INFL_EARG, "%s:%zu:%zu: %s: malformed key path", origin,
                                  line, column, path);
    }
    infl_node *replacement = NULL;
    if (value[0] != '\0' && strchr("{[\"'", value[0]) != NULL) {
        /* A flow mapping, list or quoted string: parse it as YAML, so that
         * --set can also put a distribution where a constant was. */
        infl_error inner;
        infl_error_init(&inner);
        infl_status rc = infl__yaml_tree_parse(value, strlen(value), origin, &replacement, &inner);
        if (rc != INFL_OK) {
            /* The inner message starts "ORIGIN:1:COL: "; the position that
             * matters is this --set's, so report the words after it. */
            const char *words = strstr(infl_error_message(&inner), "syntax error: ");
            words = words ? words + strlen("syntax error: ") : infl_error_message(&inner);
            int len = (int)strcspn(words, "\n");
            infl_error_add(err, rc, "%s:%zu:%zu: %s: cannot read the value as YAML: %.*s", origin,
                           line, column, path, len, words);
            infl_error_destroy(&inner);
            return rc;
        }
        infl_error_destroy(&inner);
        shift_positions(replacement, line, column - 1);
    } else {
        size_t bad = infl__text_check(value);
        if (bad != (size_t)-1)
            return infl_error_add(err, INFL_EARG,
                                  "%s:%zu:%zu: %s: the value has %s at character %zu", origin, line,
                                  column + bad, path,
                                  (unsigned char)value[bad] < 0x80 ? "a control character"
                                                                   : "bytes that are not UTF-8",
                                  bad + 1);
        replacement = node_new(INFL_NODE_SCALAR, origin, line, column);
        if (replacement == NULL || (replacement->text = strdup(value)) == NULL) {
            infl__yaml_tree_free(replacement);
            return infl_error_add(err, INFL_ENOMEM, "out of memory");
        }
    }
    infl__yaml_tree_free(*slot);
    *slot = replacement;
    return INFL_OK;
}

infl_node *infl__yaml_tree_new_scalar(const char *text, const char *origin, size_t line,
                                      size_t column)
{
    infl_node *n = node_new(INFL_NODE_SCALAR, origin, line, column);
    if (n != NULL && (n->text = strdup(text)) == NULL) {
        free(n);
        n = NULL;
    }
    return n;
}

infl_node *infl__yaml_tree_new_map(const char *origin, size_t line, size_t column)
{
    return node_new(INFL_NODE_MAP, origin, line, column);
}

infl_node *infl__yaml_tree_new_seq(const char *origin, size_t line, size_t column)
{
    return node_new(INFL_NODE_SEQ, origin, line, column);
}

infl_status infl__yaml_tree_map_append(infl_node *map, const char *key, size_t line, size_t column,
                                       infl_node *value)
{
    if (map == NULL || map->kind != INFL_NODE_MAP || value == NULL || key == NULL) {
        infl__yaml_tree_free(value);
        return INFL_EARG;
    }
    infl_node_pair *p = map_add(map, key, line, column);
    if (p == NULL) {
        infl__yaml_tree_free(value);
        return INFL_ENOMEM;
    }
    p->value = value;
    return INFL_OK;
}

infl_status infl__yaml_tree_seq_append(infl_node *seq, infl_node *item)
{
    if (seq == NULL || seq->kind != INFL_NODE_SEQ || item == NULL) {
        infl__yaml_tree_free(item);
        return INFL_EARG;
    }
    if (seq->items == NULL || seq->count == seq_capacity(seq->count)) {
        size_t want = seq->items == NULL ? seq_capacity(seq->count) : 2 * seq->count;
        infl_node **grown = realloc(seq->items, want * sizeof *grown);
        if (grown == NULL) {
            infl__yaml_tree_free(item);
            return INFL_ENOMEM;
        }
        seq->items = grown;
    }
    seq->items[seq->count++] = item;
    return INFL_OK;
}

infl_node *infl__yaml_tree_copy(const infl_node *node)
{
    if (node == NULL)
        return NULL;
    infl_node *n = node_new(node->kind, node->origin, node->line, node->column);
    if (n == NULL)
        return NULL;
    n->quoted = node->quoted;
    if (node->text != NULL && (n->text = strdup(node->text)) == NULL)
        goto fail;
    if (node->kind == INFL_NODE_MAP) {
        n->pairs = calloc(node->count ? node->count : 1, sizeof *n->pairs);
        if (n->pairs == NULL)
            goto fail;
        for (size_t i = 0; i < node->count; i++) {
            infl_node_pair *d = &n->pairs[i];
            const infl_node_pair *s = &node->pairs[i];
            d->line = s->line;
            d->column = s->column;
            d->key = strdup(s->key);
            n->count = i + 1;
            if (d->key == NULL || (d->value = infl__yaml_tree_copy(s->value)) == NULL)
                goto fail;
        }
    } else if (node->kind == INFL_NODE_SEQ) {
        n->items = calloc(seq_capacity(node->count), sizeof *n->items);
        if (n->items == NULL)
            goto fail;
        for (size_t i = 0; i < node->count; i++) {
            n->count = i + 1;
            if ((n->items[i] = infl__yaml_tree_copy(node->items[i])) == NULL)
                goto fail;
        }
    }
    return n;
fail:
    infl__yaml_tree_free(n);
    return NULL;
}

const char *infl__yaml_tree_libyaml_version(void)
{
    return yaml_get_version_string();
}
