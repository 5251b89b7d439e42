/*
 * roster_csv.c — CSV text to flat records (see roster_csv.h). The text is
 * first checked to be text at all (a binary file, a UTF-16 or Latin-1 export
 * or a saved web page would otherwise give one fault a line), then read
 * record by record with a small state machine that tracks the line and the
 * column (in characters) of every field, so roster_import can name them.
 */
#include "scenario/roster_csv.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FAULTS 50

typedef struct {
    size_t start, length; /* bytes of the field's value in the scratch buffer */
    size_t line, column;
} field;

typedef struct {
    const char *text;
    size_t length, pos;
    size_t line, column;
    const char *origin;
    infl_error *err;
    size_t faults;
    /* The current record: fields and their text. */
    field *fields;
    size_t n_fields, cap_fields;
    char *scratch;
    size_t n_scratch, cap_scratch;
} reader;

/* Adds a fault of a row (at most MAX_FAULTS are written; all are counted). */
__attribute__((format(printf, 4, 5))) static void fault(reader *r, size_t line, size_t column,
                                                        const char *fmt, ...)
{
    if (r->faults++ >= MAX_FAULTS)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    infl_error_add(r->err, INFL_ESYNTAX, "%s:%zu:%zu: %s", r->origin, line, column, msg);
}

/* The length of the valid UTF-8 sequence at s (n bytes left), or 0 if the
 * bytes there are not one (overlong forms and surrogates included). */
static size_t utf8_length(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80)
        return 1;
    size_t len;
    unsigned min;
    unsigned cp;
    if ((s[0] & 0xe0) == 0xc0) {
        len = 2;
        cp = s[0] & 0x1f;
        min = 0x80;
    } else if ((s[0] & 0xf0) == 0xe0) {
        len = 3;
        cp = s[0] & 0x0f;
        min = 0x800;
    } else if ((s[0] & 0xf8) == 0xf0) {
        len = 4;
        cp = s[0] & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* Refuses text that is not CSV with one message, else INFL_OK. */
static infl_status check_text(const char *text, size_t length, size_t start, const char *origin,
                              infl_error *err)
{
    const unsigned char *s = (const unsigned char *)text;
    if (length >= 2 && ((s[0] == 0xff && s[1] == 0xfe) || (s[0] == 0xfe && s[1] == 0xff)))
        return infl_error_add(err, INFL_ESYNTAX,
                              "%s: not a CSV file in UTF-8: it is saved as UTF-16 (save it as "
                              "'CSV UTF-8')",
                              origin);
    size_t line = 1, column = 1;
    for (size_t i = start; i < length;) {
        unsigned char c = s[i];
        if (c == 0)
            return infl_error_add(err, INFL_ESYNTAX,
                                  "%s:%zu:%zu: not a CSV file: it holds NUL bytes (a binary file "
                                  "such as a spreadsheet, or text saved as UTF-16?)",
                                  origin, line, column);
        if (c == '\n') {
            line++;
            column = 1;
            i++;
            continue;
        }
        if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
            return infl_error_add(err, INFL_ESYNTAX,
                                  "%s:%zu:%zu: not a CSV file: it holds a control character "
                                  "(byte 0x%02x)",
                                  origin, line, column, c);
        size_t len = utf8_length(s + i, length - i);
        if (len == 0)
            return infl_error_add(err, INFL_ESYNTAX,
                                  "%s:%zu:%zu: not a CSV file in UTF-8: byte 0x%02x is not UTF-8 "
                                  "(saved as Latin-1 or Windows-1252? save it as 'CSV UTF-8')",
                                  origin, line, column, c);
        i += len;
        column++;
    }
    size_t i = start;
    while (i < length && isspace(s[i]))
        i++;
    if (i < length && s[i] == '<')
        return infl_error_add(err, INFL_ESYNTAX,
                              "%s: not a CSV file: it starts like HTML or XML (a web page saved "
                              "instead of the export?)",
                              origin);
    if (i < length && (s[i] == '{' || s[i] == '['))
        return infl_error_add(err, INFL_ESYNTAX,
                              "%s: not a CSV file: it starts like JSON (name it .json or say "
                              "`format: json` under roster_file)",
                              origin);
    if (i == length)
        return infl_error_add(err, INFL_ESYNTAX,
                              "%s: the file is empty; a roster needs a header row naming the "
                              "columns, then one row a creator",
                              origin);
    return INFL_OK;
}

static bool scratch_put(reader *r, char c)
{
    if (r->n_scratch == r->cap_scratch) {
        size_t cap = r->cap_scratch ? 2 * r->cap_scratch : 256;
        char *grown = realloc(r->scratch, cap);
        if (grown == NULL)
            return false;
        r->scratch = grown;
        r->cap_scratch = cap;
    }
    r->scratch[r->n_scratch++] = c;
    return true;
}

/* Moves one byte forward, keeping line and column (in characters). */
static void advance(reader *r)
{
    unsigned char c = (unsigned char)r->text[r->pos++];
    if (c == '\n' || (c == '\r' && (r->pos == r->length || r->text[r->pos] != '\n'))) {
        r->line++;
        r->column = 1;
    } else if ((c & 0xc0) != 0x80 && c != '\r') {
        r->column++;
    }
}

static bool at_line_end(const reader *r)
{
    return r->pos == r->length || r->text[r->pos] == '\n' || r->text[r->pos] == '\r';
}

/* Reads one record into r->fields. Returns INFL_OK, INFL_ENOMEM, or
 * INFL_ESYNTAX for a fault after which the rest cannot be read (a quote). */
static infl_status read_record(reader *r)
{
    r->n_fields = 0;
    r->n_scratch = 0;
    for (;;) {
        if (r->n_fields == r->cap_fields) {
            size_t cap = r->cap_fields ? 2 * r->cap_fields : 16;
            field *grown = realloc(r->fields, cap * sizeof *grown);
            if (grown == NULL)
                return INFL_ENOMEM;
            r->fields = grown;
            r->cap_fields = cap;
        }
        while (r->pos < r->length && (r->text[r->pos] == ' ' || r->text[r->pos] == '\t'))
            advance(r);
        field *f = &r->fields[r->n_fields++];
        f->start = r->n_scratch;
        f->line = r->line;
        f->column = r->column;
        if (r->pos < r->length && r->text[r->pos] == '"') {
            advance(r);
            for (;;) {
                if (r->pos == r->length) {
                    fault(r, f->line, f->column,
                          "a quote opens a field here and is never closed (the rest of the file "
                          "would be one field)");
                    return INFL_ESYNTAX;
                }
                char c = r->text[r->pos];
                if (c == '"') {
                    advance(r);
                    if (r->pos < r->length && r->text[r->pos] == '"') {
                        advance(r);
                        if (!scratch_put(r, '"'))
                            return INFL_ENOMEM;
                        continue;
                    }
                    break;
                }
                /* A line break inside quotes is kept as one '\n'. */
                if (c == '\r' && r->pos + 1 < r->length && r->text[r->pos + 1] == '\n') {
                    advance(r);
                    continue;
                }
                if (!scratch_put(r, c == '\r' ? '\n' : c))
                    return INFL_ENOMEM;
                advance(r);
            }
            f->length = r->n_scratch - f->start;
            while (r->pos < r->length && (r->text[r->pos] == ' ' || r->text[r->pos] == '\t'))
                advance(r);
            if (!at_line_end(r) && r->text[r->pos] != ',') {
                fault(r, r->line, r->column,
                      "text after the closing quote of a field that starts at column %zu (a "
                      "quote inside a field is written twice: \"\")",
                      f->column);
                return INFL_ESYNTAX;
            }
        } else {
            while (!at_line_end(r) && r->text[r->pos] != ',') {
                if (r->text[r->pos] == '"') {
                    fault(r, r->line, r->column,
                          "a quote inside an unquoted field (quote the whole field and write "
                          "the quote twice: \"5'10\"\"\")");
                    return INFL_ESYNTAX;
                }
                if (!scratch_put(r, r->text[r->pos]))
                    return INFL_ENOMEM;
                advance(r);
            }
            size_t end = r->n_scratch;
            while (end > f->start && (r->scratch[end - 1] == ' ' || r->scratch[end - 1] == '\t'))
                end--;
            r->n_scratch = end;
            f->length = end - f->start;
        }
        if (r->pos < r->length && r->text[r->pos] == ',') {
            advance(r);
            continue;
        }
        /* The end of the record: CRLF, LF or CR. */
        if (r->pos < r->length && r->text[r->pos] == '\r')
            advance(r); /* counts the line unless an LF follows */
        if (r->pos < r->length && r->text[r->pos] == '\n')
            advance(r);
        return INFL_OK;
    }
}

static bool record_empty(const reader *r)
{
    for (size_t i = 0; i < r->n_fields; i++)
        if (r->fields[i].length > 0)
            return false;
    return true;
}

static char *field_text(const reader *r, const field *f)
{
    char *s = malloc(f->length + 1);
    if (s != NULL) {
        memcpy(s, r->scratch + f->start, f->length);
        s[f->length] = '\0';
    }
    return s;
}

/* Describes a field for "(got ...)", cut to 40 characters. */
static const char *got(const reader *r, const field *f, char *buf, size_t n)
{
    int len = f->length > 40 ? 40 : (int)f->length;
    snprintf(buf, n, "%.*s%s", len, r->scratch + f->start, f->length > 40 ? "..." : "");
    return buf;
}

typedef struct {
    char *name; /* lower-cased, trimmed; "" for a column without a name */
    size_t line, column;
} column;

infl_status infl__roster_csv_parse(const char *text, size_t length, const char *origin,
                                   infl_node **out_seq, infl_error *err)
{
    *out_seq = NULL;
    if (length > INFL_ROSTER_MAX_BYTES)
        return infl_error_add(err, INFL_ELIMIT,
                              "%s: the file is %.1f MiB; a roster file may be at most %zu MiB",
                              origin, (double)length / (1 << 20), INFL_ROSTER_MAX_BYTES >> 20);
    size_t start = 0;
    if (length >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        start = 3;
    infl_status rc = check_text(text, length, start, origin, err);
    if (rc != INFL_OK)
        return rc;

    reader r = {.text = text,
                .length = length,
                .pos = start,
                .line = 1,
                .column = 1,
                .origin = origin,
                .err = err};
    column *cols = NULL;
    size_t n_cols = 0, rows = 0;
    infl_node *seq = NULL;
    char buf[64];

    /* The header: the first record that is not empty. */
    do {
        rc = read_record(&r);
        if (rc != INFL_OK)
            goto done;
    } while (record_empty(&r) && r.pos < r.length);
    if (record_empty(&r)) {
        rc = infl_error_add(err, INFL_ESYNTAX,
                            "%s: no header row: every line is empty; a roster needs a header "
                            "row naming the columns, then one row a creator",
                            origin);
        goto done;
    }
    seq = infl__yaml_tree_new_seq(origin, r.fields[0].line, 1);
    cols = calloc(r.n_fields, sizeof *cols);
    if (seq == NULL || cols == NULL) {
        rc = INFL_ENOMEM;
        goto done;
    }
    if (r.n_fields == 1 && (memchr(r.scratch, ';', r.fields[0].length) != NULL ||
                            memchr(r.scratch, '\t', r.fields[0].length) != NULL)) {
        bool semi = memchr(r.scratch, ';', r.fields[0].length) != NULL;
        fault(&r, r.fields[0].line, 1,
              "the header's columns are separated by %s, not commas (got %s); save the file "
              "as 'CSV UTF-8 (comma delimited)'",
              semi ? "';'" : "tabs", got(&r, &r.fields[0], buf, sizeof buf));
        rc = INFL_ESYNTAX;
        goto done;
    }
    for (size_t i = 0; i < r.n_fields; i++, n_cols++) {
        field *f = &r.fields[i];
        cols[i].line = f->line;
        cols[i].column = f->column;
        if ((cols[i].name = field_text(&r, f)) == NULL) {
            rc = INFL_ENOMEM;
            goto done;
        }
        char *name = cols[i].name;
        size_t skip = strspn(name, " \t"), len = strlen(name + skip);
        memmove(name, name + skip, len + 1);
        while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
            name[--len] = '\0';
        for (char *c = name; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        for (size_t j = 0; j < i && cols[i].name[0] != '\0'; j++)
            if (strcmp(cols[j].name, cols[i].name) == 0)
                fault(&r, f->line, f->column, "%s: duplicate column (also column %zu)",
                      cols[i].name, j + 1);
    }
    if (r.faults > 0)
        goto done;

    /* The data rows. */
    while (r.pos < r.length) {
        rc = read_record(&r);
        if (rc != INFL_OK)
            goto done;
        if (record_empty(&r))
            continue;
        if (++rows > INFL_ROSTER_MAX_ROWS) {
            rc = infl_error_add(err, INFL_ELIMIT,
                                "%s:%zu: more than %d creators; a roster file may hold at most "
                                "%d rows",
                                origin, r.fields[0].line, INFL_ROSTER_MAX_ROWS,
                                INFL_ROSTER_MAX_ROWS);
            goto done;
        }
        infl_node *rec = infl__yaml_tree_new_map(origin, r.fields[0].line, 1);
        if (rec == NULL || infl__yaml_tree_seq_append(seq, rec) != INFL_OK) {
            rc = INFL_ENOMEM;
            goto done;
        }
        for (size_t i = 0; i < r.n_fields; i++) {
            field *f = &r.fields[i];
            if (f->length == 0)
                continue;
            if (i >= n_cols) {
                fault(&r, f->line, f->column,
                      "a row with %zu fields; the header names %zu columns (got %s)", r.n_fields,
                      n_cols, got(&r, f, buf, sizeof buf));
                break;
            }
            if (cols[i].name[0] == '\0') {
                fault(&r, f->line, f->column,
                      "a value under column %zu, which has no name in the header (got %s)", i + 1,
                      got(&r, f, buf, sizeof buf));
                continue;
            }
            char *value = field_text(&r, f);
            infl_node *v =
                value ? infl__yaml_tree_new_scalar(value, origin, f->line, f->column) : NULL;
            free(value);
            if (v == NULL || infl__yaml_tree_map_append(rec, cols[i].name, cols[i].line,
                                                        cols[i].column, v) != INFL_OK) {
                rc = INFL_ENOMEM;
                goto done;
            }
        }
    }

done:
    if (rc == INFL_ENOMEM)
        infl_error_add(err, INFL_ENOMEM, "%s: out of memory while reading the roster", origin);
    else if (rc == INFL_OK && r.faults > 0)
        rc = INFL_ESYNTAX;
    if (r.faults > MAX_FAULTS)
        infl_error_add(err, INFL_ESYNTAX, "%s: %zu more faults not shown", origin,
                       r.faults - MAX_FAULTS);
    for (size_t i = 0; i < n_cols; i++)
        free(cols[i].name);
    free(cols);
    free(r.fields);
    free(r.scratch);
    if (rc != INFL_OK)
        infl__yaml_tree_free(seq);
    else
        *out_seq = seq;
    return rc;
}
