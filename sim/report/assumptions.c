/*
 * assumptions.c — the resolved scenario as a table a reader can check: one
 * row a key (its path, "tiers.micro.reach_rate"), its value in words where
 * it is a distribution ("beta (mean 0.35, kappa 40)"), and its source: the
 * comment above or beside that key in the scenario file as written, where
 * the author gave one. Both texts are block YAML as influsim writes and
 * reads them; they are read a line at a time by indentation, which is all
 * the resolved text needs (scenario.c writes it) and enough to find the
 * comments of a hand-written file. A line this reading does not follow is
 * shown as it stands, never dropped.
 */
#include "report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 16
#define MAX_PATH 512

typedef struct {
    size_t indent;
    char key[128];
    size_t items; /* list items seen under this key */
} level;

/* A key path and the comment that documents it (owned). */
typedef struct {
    char *path;
    char *comment;
} note;

typedef struct {
    note *v;
    size_t n, cap;
} notes;

/* One line split: indent, whether it is a list item ("- "), key (NULL for a
 * bare item), value (possibly empty), trailing comment (NULL). Pointers into
 * buf, which the caller owns. */
typedef struct {
    size_t indent;
    bool item;
    char *key, *value, *comment;
} yline;

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Cuts a trailing " # comment" outside quotes off s; returns it or NULL. */
static char *cut_comment(char *s)
{
    bool in_d = false, in_s = false;
    for (char *p = s; *p; p++) {
        if (*p == '\\' && in_d && p[1] != '\0')
            p++;
        else if (*p == '"' && !in_s)
            in_d = !in_d;
        else if (*p == '\'' && !in_d)
            in_s = !in_s;
        else if (*p == '#' && !in_d && !in_s && (p == s || p[-1] == ' ' || p[-1] == '\t')) {
            *p = '\0';
            return trim(p + 1);
        }
    }
    return NULL;
}

/* Splits buf (one line, modified) into *l; false for a blank line. */
static bool split(char *buf, yline *l)
{
    memset(l, 0, sizeof *l);
    size_t i = 0;
    while (buf[i] == ' ')
        i++;
    l->indent = i;
    char *s = buf + i;
    l->comment = cut_comment(s);
    s = trim(s);
    l->value = s;
    if (*s == '\0')
        return l->comment != NULL;
    if (s[0] == '-' && (s[1] == ' ' || s[1] == '\0')) {
        l->item = true;
        s = trim(s + 1);
    }
    /* "key: value" with a plain key (no flow, no quotes). */
    char *colon = NULL;
    if (*s != '{' && *s != '[' && *s != '"' && *s != '\'') {
        for (char *p = s; *p; p++) {
            if (*p == ':' && (p[1] == ' ' || p[1] == '\0')) {
                colon = p;
                break;
            }
        }
    }
    if (colon != NULL) {
        *colon = '\0';
        l->key = trim(s);
        l->value = trim(colon + 1);
    } else {
        l->value = s;
    }
    return true;
}

/* The path of the key on a line at indent, given the levels open above it. */
static void path_of(const level *lv, size_t depth, const char *key, char *out, size_t size)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t d = 0; d < depth && o < size; d++)
        o += (size_t)snprintf(out + o, size - o, "%s%s", o ? "." : "", lv[d].key);
    if (key != NULL && o < size)
        snprintf(out + o, size - o, "%s%s", o ? "." : "", key);
}

/* Reads YAML text a line at a time, calling row(path, key, value, comment,
 * pending) for every key with a value or a list item, and open(path) for
 * every key that opens a block; pending is the comment lines just above. */
typedef void (*row_fn)(void *ctx, const char *path, size_t depth, const char *value,
                       const char *comment);

/* A list item that is a mapping, gathered into one row: a roster of forty
 * creators is forty rows, not six hundred. */
typedef struct {
    bool active;
    size_t indent; /* of its "- " */
    size_t depth;
    char path[MAX_PATH];
    infl__strbuf text;
    char *comment;
} item;

static void item_flush(item *it, row_fn row, void *ctx)
{
    if (!it->active)
        return;
    char *v = infl__strbuf_take(&it->text);
    row(ctx, it->path, it->depth, v ? v : "", it->comment);
    free(v);
    free(it->comment);
    it->comment = NULL;
    it->active = false;
}

/* A value without its quotes, into out. */
static void unquoted(char *out, size_t size, const char *v)
{
    size_t vl = strlen(v);
    if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"')
        snprintf(out, size, "%.*s", (int)(vl - 2), v + 1);
    else
        snprintf(out, size, "%s", v);
}

static void walk(const char *text, row_fn row, void *ctx)
{
    level lv[MAX_DEPTH];
    size_t depth = 0;
    infl__strbuf pending = {0};
    item it = {0};
    const char *p = text;
    while (p != NULL && *p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *buf = malloc(len + 1);
        if (buf == NULL)
            break;
        memcpy(buf, p, len);
        buf[len] = '\0';
        p = nl ? nl + 1 : NULL;
        yline l;
        if (!split(buf, &l)) {
            free(buf);
            free(infl__strbuf_take(&pending));
            continue;
        }
        if (l.key == NULL && !l.item && *l.value == '\0') {
            /* A comment line alone: it documents what follows. */
            infl__strbuf_put(&pending, "%s%s", pending.len ? " " : "", l.comment);
            free(buf);
            continue;
        }
        if (it.active && l.indent > it.indent && !(l.item && l.indent == it.indent)) {
            /* A line of the item being gathered. */
            if (l.key != NULL)
                infl__strbuf_put(&it.text, "%s%s%s%s", it.text.len ? "; " : "", l.key,
                                 *l.value ? ": " : ":", l.value);
            else
                infl__strbuf_put(&it.text, "%s%s", it.text.len ? ", " : "", l.value);
            free(infl__strbuf_take(&pending));
            free(buf);
            continue;
        }
        item_flush(&it, row, ctx);
        while (depth > 0 && lv[depth - 1].indent >= l.indent + (l.item ? 1 : 0))
            depth--;
        char *c = infl__strbuf_take(&pending);
        const char *comment = l.comment ? l.comment : c;
        char path[MAX_PATH];
        if (l.item) {
            /* Labelled by its name or handle where its first key is one. */
            char label[128];
            size_t n = depth > 0 ? lv[depth - 1].items++ : 0;
            bool named = l.key != NULL && *l.value != '\0' &&
                         (strcmp(l.key, "name") == 0 || strcmp(l.key, "handle") == 0);
            if (named)
                unquoted(label, sizeof label, l.value);
            else
                snprintf(label, sizeof label, "%zu", n + 1);
            path_of(lv, depth, label, path, sizeof path);
            if (l.key == NULL) {
                row(ctx, path, depth + 1, l.value, comment);
            } else {
                it.active = true;
                it.indent = l.indent;
                it.depth = depth + 1;
                snprintf(it.path, sizeof it.path, "%s", path);
                it.comment = comment ? strdup(comment) : NULL;
                if (!named)
                    infl__strbuf_put(&it.text, "%s%s%s", l.key, *l.value ? ": " : ":", l.value);
            }
        } else {
            path_of(lv, depth, l.key, path, sizeof path);
            if (l.key != NULL && *l.value == '\0') {
                row(ctx, path, depth, NULL, comment);
                if (depth < MAX_DEPTH) {
                    lv[depth] = (level){.indent = l.indent, .items = 0};
                    snprintf(lv[depth].key, sizeof lv[depth].key, "%s", l.key);
                    depth++;
                }
            } else {
                row(ctx, path, depth, l.value, comment);
            }
        }
        free(c);
        free(buf);
    }
    item_flush(&it, row, ctx);
    free(infl__strbuf_take(&pending));
}

static void collect(void *ctx, const char *path, size_t depth, const char *value,
                    const char *comment)
{
    (void)depth;
    (void)value;
    notes *ns = ctx;
    if (comment == NULL || *comment == '\0')
        return;
    if (ns->n == ns->cap) {
        size_t cap = ns->cap ? 2 * ns->cap : 32;
        note *v = realloc(ns->v, cap * sizeof *v);
        if (v == NULL)
            return;
        ns->v = v;
        ns->cap = cap;
    }
    ns->v[ns->n].path = strdup(path);
    ns->v[ns->n].comment = strdup(comment);
    if (ns->v[ns->n].path == NULL || ns->v[ns->n].comment == NULL) {
        free(ns->v[ns->n].path);
        free(ns->v[ns->n].comment);
        return;
    }
    ns->n++;
}

typedef struct {
    infl__strbuf *b;
    const notes *ns;
} table;

/* Quotes and escapes off strings, and numbers of more digits than a reader
 * needs (0.8099999999999998, from shares summed in the loader) to 4
 * significant digits. A new string, or NULL. */
static char *plain(const char *v)
{
    infl__strbuf out = {0};
    for (size_t i = 0; v[i] != '\0';) {
        if (v[i] == '"') {
            for (i++; v[i] != '\0' && v[i] != '"'; i++) {
                if (v[i] == '\\' && v[i + 1] != '\0') {
                    i++;
                    infl__strbuf_put(&out, "%c", v[i] == 'n' ? ' ' : v[i]);
                } else {
                    infl__strbuf_put(&out, "%c", v[i]);
                }
            }
            if (v[i] == '"')
                i++;
            continue;
        }
        bool starts =
            (v[i] >= '0' && v[i] <= '9') || (v[i] == '-' && v[i + 1] >= '0' && v[i + 1] <= '9');
        bool after_word = i > 0 && ((v[i - 1] >= 'a' && v[i - 1] <= 'z') ||
                                    (v[i - 1] >= 'A' && v[i - 1] <= 'Z') || v[i - 1] == '_');
        if (starts && !after_word) {
            size_t j = i + 1;
            while (strchr("0123456789.eE+-", v[j]) != NULL && v[j] != '\0')
                j++;
            char tok[64];
            if (j - i < sizeof tok) {
                memcpy(tok, v + i, j - i);
                tok[j - i] = '\0';
                char *e = NULL;
                double x = strtod(tok, &e);
                if (e == tok + (j - i) && j - i > 7 && strchr(tok, '.') != NULL)
                    infl__strbuf_put(&out, "%.4g", x);
                else
                    infl__strbuf_put(&out, "%s", tok);
                i = j;
                continue;
            }
        }
        infl__strbuf_put(&out, "%c", v[i]);
        i++;
    }
    return infl__strbuf_take(&out);
}

/* A value as words: "{beta: {mean: 0.35, kappa: 40}}" as "beta (mean 0.35,
 * kappa 40)" wherever it stands, a flow mapping's outer braces off, strings
 * unquoted (plain). */
static void put_value(infl__strbuf *b, const char *v)
{
    char *s = plain(v);
    if (s == NULL) {
        infl__report_escape(b, v);
        return;
    }
    infl__strbuf out = {0};
    const char *q = s;
    size_t n = strlen(s);
    bool flat = n >= 2 && s[0] == '{' && s[n - 1] == '}' && strchr(s + 1, '{') == NULL;
    if (flat) {
        s[n - 1] = '\0';
        q = s + 1;
    }
    while (*q != '\0') {
        /* {NAME: {INNER}} with a word for NAME and no braces in INNER */
        if (*q == '{') {
            size_t k = 1;
            while ((q[k] >= 'a' && q[k] <= 'z') || q[k] == '_')
                k++;
            if (k > 1 && strncmp(q + k, ": {", 3) == 0) {
                const char *inner = q + k + 3;
                const char *close = strchr(inner, '}');
                const char *open = strchr(inner, '{');
                if (close != NULL && close[1] == '}' && (open == NULL || open > close)) {
                    infl__strbuf_put(&out, "%.*s (", (int)(k - 1), q + 1);
                    for (const char *c = inner; c < close; c++)
                        if (!(c[0] == ':' && c[1] == ' '))
                            infl__strbuf_put(&out, "%c", *c);
                    infl__strbuf_put(&out, ")");
                    q = close + 2;
                    continue;
                }
            }
        }
        infl__strbuf_put(&out, "%c", *q);
        q++;
    }
    char *t = infl__strbuf_take(&out);
    infl__report_escape(b, t ? t : "");
    free(t);
    free(s);
}

static const char *find_note(const notes *ns, const char *path)
{
    for (size_t i = 0; i < ns->n; i++)
        if (strcmp(ns->v[i].path, path) == 0)
            return ns->v[i].comment;
    return NULL;
}

static void emit(void *ctx, const char *path, size_t depth, const char *value, const char *comment)
{
    (void)comment; /* the resolved text's own comments are not sources */
    table *t = ctx;
    const char *src = find_note(t->ns, path);
    if (value == NULL) {
        if (depth == 0) {
            infl__strbuf_put(t->b, "<tr class=\"group\"><th colspan=\"2\">");
            infl__report_escape(t->b, path);
            infl__strbuf_put(t->b, "</th><th class=\"src\">");
            infl__report_escape(t->b, src);
            infl__strbuf_put(t->b, "</th></tr>\n");
            return;
        }
        if (src == NULL)
            return;
        infl__strbuf_put(t->b, "<tr><td class=\"k\">");
        infl__report_escape(t->b, path);
        infl__strbuf_put(t->b, "</td><td class=\"v\"></td><td class=\"src\">");
        infl__report_escape(t->b, src);
        infl__strbuf_put(t->b, "</td></tr>\n");
        return;
    }
    infl__strbuf_put(t->b, "<tr><td class=\"k\">");
    infl__report_escape(t->b, path);
    infl__strbuf_put(t->b, "</td><td class=\"v\">");
    put_value(t->b, value);
    infl__strbuf_put(t->b, "</td><td class=\"src\">");
    infl__report_escape(t->b, src);
    infl__strbuf_put(t->b, "</td></tr>\n");
}

infl_status infl__report_assumptions(infl__strbuf *b, const char *resolved, const char *text,
                                     infl_error *err)
{
    (void)err;
    notes ns = {0};
    if (text != NULL)
        walk(text, collect, &ns);
    table t = {.b = b, .ns = &ns};
    infl__strbuf_put(b, "<table class=\"assumptions\"><colgroup><col style=\"width:24%%\">"
                        "<col style=\"width:44%%\"><col style=\"width:32%%\"></colgroup>"
                        "<thead><tr><th>key</th><th>value</th>"
                        "<th>source (the scenario file's comment)</th></tr></thead><tbody>\n");
    walk(resolved, emit, &t);
    infl__strbuf_put(b, "</tbody></table>\n");
    for (size_t i = 0; i < ns.n; i++) {
        free(ns.v[i].path);
        free(ns.v[i].comment);
    }
    free(ns.v);
    return INFL_OK;
}
