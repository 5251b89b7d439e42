/*
 * sweep_table.c — the table of a sweep (sweep_table.h), one function for
 * `influsim sweep` and `influsim show` alike.
 *
 * The layout depends only on the axes, the strategies' names and the width,
 * never on the numbers, so the sweep can print each row of the first block as
 * its point is done and `show` prints the same table from the file. Names too
 * long for a column wrap onto more header lines (at '-', '_', '.' or ' ' where
 * they can) rather than being cut; strategies that do not fit the width go
 * into further blocks, printed once every point is done. Widths count UTF-8
 * characters, not bytes ("±" is one column).
 */
#include "sweep_table.h"

#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

enum {
    GAP = 2,          /* spaces between columns */
    CELL_MIN = 14,    /* a strategy's column: "12345.6 ± 12.3" */
    NAME_MAX = 20,    /* wider names wrap */
    KEY_MAX = 16,     /* an axis's key wraps wider than its values and this */
    MONEY_PLACES = 6, /* the most decimals an axis of money gets */
};

size_t infl_cli_terminal_width(FILE *out)
{
    const char *columns = getenv("COLUMNS");
    if (columns != NULL && columns[0] != '\0') {
        char *end = NULL;
        long v = strtol(columns, &end, 10);
        if (*end == '\0' && v >= 1 && v <= 10000)
            return (size_t)v;
    }
    struct winsize ws;
    int fd = fileno(out);
    if (fd >= 0 && isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 0;
}

/* Does key's last part (after the last '.') equal word? */
static bool last_part_is(const char *key, const char *word)
{
    const char *dot = strrchr(key, '.');
    return strcmp(dot ? dot + 1 : key, word) == 0;
}

bool infl_cli_key_is_money(const char *key)
{
    static const char *const amounts[] = {"budget", "price", "unit_cost", "price_per_1k_followers",
                                          "overhead_per_hire"};
    const size_t n_amounts = sizeof amounts / sizeof amounts[0];
    for (size_t i = 0; i < n_amounts; i++)
        if (last_part_is(key, amounts[i]))
            return true;
    /* KEY.FORM.PARAM of a money key's distribution: median, min and max are
     * amounts (sigma, kappa, a Beta's mean are not). */
    static const char *const params[] = {"median", "min", "max"};
    static const char *const forms[] = {"lognormal", "uniform", "loguniform"};
    const char *dot = strrchr(key, '.');
    if (dot == NULL)
        return false;
    bool param = false;
    for (size_t i = 0; i < 3; i++)
        param = param || strcmp(dot + 1, params[i]) == 0;
    size_t len = (size_t)(dot - key);
    char head[256];
    if (!param || len >= sizeof head)
        return false;
    memcpy(head, key, len);
    head[len] = '\0';
    char *form = strrchr(head, '.');
    if (form == NULL)
        return false;
    bool known = false;
    for (size_t i = 0; i < 3; i++)
        known = known || strcmp(form + 1, forms[i]) == 0;
    *form = '\0';
    for (size_t i = 0; known && i < n_amounts; i++)
        if (last_part_is(head, amounts[i]))
            return true;
    return false;
}

/* Characters (UTF-8 code points) in the first `bytes` bytes of s. */
static size_t width_of(const char *s, size_t bytes)
{
    size_t w = 0;
    for (size_t i = 0; i < bytes && s[i]; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

static size_t text_width(const char *s)
{
    return width_of(s, strlen(s));
}

/* The next line of `text` from byte *pos wrapped at `width` characters:
 * its length in bytes; *pos moves past it. Breaks after the last '-', '_',
 * '.' or ' ' that fits, else at the width. */
static size_t next_line(const char *text, size_t *pos, size_t width)
{
    const char *p = text + *pos;
    size_t bytes = 0, chars = 0, cut = 0;
    while (p[bytes] != '\0') {
        size_t step = 1;
        while (((unsigned char)p[bytes + step] & 0xC0) == 0x80)
            step++;
        if (chars == width)
            break;
        bytes += step;
        chars++;
        if (strchr("-_. ", p[bytes - 1]) != NULL)
            cut = bytes;
    }
    if (p[bytes] != '\0' && cut > 0)
        bytes = cut;
    if (bytes == 0 && p[0] != '\0') { /* a width of 0: a character a line, never none */
        bytes = 1;
        while (((unsigned char)p[bytes] & 0xC0) == 0x80)
            bytes++;
    }
    *pos += bytes;
    return bytes;
}

/* Lines `text` takes wrapped at `width`. */
static size_t line_count(const char *text, size_t width)
{
    size_t pos = 0, n = 0;
    do {
        next_line(text, &pos, width);
        n++;
    } while (text[pos] != '\0');
    return n;
}

/* Line k of `text` wrapped at `width` (empty past the last), right-aligned
 * in `width` characters; an empty line above the text's own lines when the
 * header has `lines` of them (bottom-aligned). */
static void put_header(FILE *out, const char *text, size_t width, size_t lines, size_t k,
                       bool right)
{
    size_t own = line_count(text, width), skip = lines - own;
    const char *line = "";
    size_t len = 0;
    if (k >= skip) {
        size_t pos = 0;
        for (size_t i = 0; i <= k - skip; i++) {
            line = text + pos;
            len = next_line(text, &pos, width);
        }
    }
    size_t w = width_of(line, len);
    size_t pad = w < width ? width - w : 0;
    if (right)
        fprintf(out, "%*s%.*s", (int)pad, "", (int)len, line);
    else
        fprintf(out, "%.*s%*s", (int)len, line, (int)pad, "");
}

/* text right-aligned in width characters (wider text pushes the row). */
static void put_right(FILE *out, const char *text, size_t width)
{
    size_t w = text_width(text);
    fprintf(out, "%*s%s", (int)(w < width ? width - w : 0), "", text);
}

static void axis_text(const infl_sweep_table *t, size_t a, double v, char *buf, size_t size)
{
    if (t->money[a])
        infl_cli_format_money_places(buf, size, v, t->digits[a], t->currency);
    else
        snprintf(buf, size, "%.*g", t->digits[a], v);
}

/* Whether the axis's neighbouring values all read differently as printed. */
static bool tells_apart(const infl_sweep_table *t, size_t a)
{
    const infl_sweep_axis *ax = &t->axes[a];
    char prev[96], cur[96];
    for (size_t i = 0; i < ax->n; i++) {
        axis_text(t, a, ax->values[i], cur, sizeof cur);
        if (i > 0 && ax->values[i] != ax->values[i - 1] && strcmp(cur, prev) == 0)
            return false;
        memcpy(prev, cur, sizeof prev);
    }
    return true;
}

/* The axes' formats and widths: the shortest that tells the values apart. */
static void lay_out_axes(infl_sweep_table *t)
{
    for (size_t a = 0; a < t->n_axes; a++) {
        const infl_sweep_axis *ax = &t->axes[a];
        t->money[a] = infl_cli_key_is_money(ax->key);
        if (t->money[a]) {
            t->digits[a] = -1; /* infl_cli_format_money's own choice first */
            while (!tells_apart(t, a) && t->digits[a] < MONEY_PLACES)
                t->digits[a] = t->digits[a] < 0 ? 1 : t->digits[a] + 1;
        } else {
            t->digits[a] = 6;
            while (!tells_apart(t, a) && t->digits[a] < 17)
                t->digits[a]++;
        }
        size_t w = text_width(ax->key) < KEY_MAX ? text_width(ax->key) : KEY_MAX;
        char buf[96];
        for (size_t i = 0; i < ax->n; i++) {
            axis_text(t, a, ax->values[i], buf, sizeof buf);
            if (text_width(buf) > w)
                w = text_width(buf);
        }
        t->axis_width[a] = w;
    }
}

/* The width of the best strategy's column (the first block's last). */
static size_t best_width(const infl_sweep_table *t)
{
    size_t w = strlen("best");
    for (size_t s = 0; s < t->n_strategies; s++)
        if (text_width(t->names[s]) > w)
            w = text_width(t->names[s]);
    return w;
}

infl_status infl_sweep_table_init(infl_sweep_table *t, FILE *out, const infl_sweep_axis *axes,
                                  size_t n_axes, const char *const *names, size_t n_strategies,
                                  const char *currency, uint64_t trials, size_t width,
                                  infl_error *err)
{
    memset(t, 0, sizeof *t);
    if (n_axes < 1 || n_axes > INFL_SWEEP_MAX_AXES)
        return infl_cli_fail(err, INFL_EARG, "a sweep's table has 1 to %d axes, not %zu",
                             INFL_SWEEP_MAX_AXES, n_axes);
    *t = (infl_sweep_table){.out = out,
                            .axes = axes,
                            .n_axes = n_axes,
                            .names = names,
                            .n_strategies = n_strategies,
                            .currency = currency,
                            .trials = trials};
    t->column_width = calloc(n_strategies ? n_strategies : 1, sizeof *t->column_width);
    t->block_start = calloc(n_strategies + 2, sizeof *t->block_start);
    if (t->column_width == NULL || t->block_start == NULL)
        return infl_cli_fail(err, INFL_ENOMEM, "out of memory laying out the sweep's table");
    lay_out_axes(t);
    size_t fixed = 0;
    for (size_t a = 0; a < t->n_axes; a++)
        fixed += (a ? GAP : 0) + t->axis_width[a];
    for (size_t s = 0; s < n_strategies; s++) {
        size_t w = text_width(names[s]);
        t->column_width[s] = w < CELL_MIN ? CELL_MIN : w > NAME_MAX ? NAME_MAX : w;
    }
    /* Blocks: as many strategies as fit, at least one; the first block
     * also holds the best strategy's column. */
    size_t s = 0;
    do {
        t->block_start[t->n_blocks] = s;
        size_t used = fixed + (t->n_blocks == 0 ? GAP + best_width(t) : 0);
        size_t first = s;
        while (s < n_strategies &&
               (s == first || width == 0 || used + GAP + t->column_width[s] <= width))
            used += GAP + t->column_width[s++];
        t->n_blocks++;
    } while (s < n_strategies);
    t->block_start[t->n_blocks] = n_strategies;
    return INFL_OK;
}

void infl_sweep_table_destroy(infl_sweep_table *t)
{
    if (t == NULL)
        return;
    free(t->column_width);
    free(t->block_start);
    memset(t, 0, sizeof *t);
}

/* The head of block b: which strategies (when there are several blocks),
 * then the column names, wrapped and bottom-aligned. */
static void print_block_head(const infl_sweep_table *t, size_t b)
{
    FILE *out = t->out;
    const size_t from = t->block_start[b], to = t->block_start[b + 1];
    if (t->n_blocks > 1 && to == from + 1)
        fprintf(out, "strategy %zu of %zu%s\n", to, t->n_strategies,
                b == 0 ? " (the others below)" : "");
    else if (t->n_blocks > 1)
        fprintf(out, "strategies %zu to %zu of %zu%s\n", from + 1, to, t->n_strategies,
                b == 0 ? " (the others below)" : "");
    size_t lines = 1;
    for (size_t a = 0; a < t->n_axes; a++) {
        size_t n = line_count(t->axes[a].key, t->axis_width[a]);
        lines = n > lines ? n : lines;
    }
    for (size_t s = from; s < to; s++) {
        size_t n = line_count(t->names[s], t->column_width[s]);
        lines = n > lines ? n : lines;
    }
    for (size_t k = 0; k < lines; k++) {
        /* Each line in memory first, to print it without trailing blanks. */
        char *text = NULL;
        size_t len = 0;
        FILE *line = open_memstream(&text, &len);
        if (line == NULL)
            line = out;
        for (size_t a = 0; a < t->n_axes; a++) {
            fprintf(line, "%*s", a ? GAP : 0, "");
            put_header(line, t->axes[a].key, t->axis_width[a], lines, k, true);
        }
        for (size_t s = from; s < to; s++) {
            fprintf(line, "%*s", GAP, "");
            put_header(line, t->names[s], t->column_width[s], lines, k, true);
        }
        if (b == 0 && k + 1 == lines)
            fprintf(line, "%*sbest", GAP, "");
        if (line != out && fclose(line) == 0 && text != NULL) {
            while (len > 0 && text[len - 1] == ' ')
                len--;
            fprintf(out, "%.*s", (int)len, text);
        }
        free(text);
        fputc('\n', out);
    }
}

void infl_sweep_table_heads(const infl_sweep_table *t, const char *scenario_name, uint64_t seed)
{
    size_t n_points = 1;
    for (size_t a = 0; a < t->n_axes; a++)
        n_points *= t->axes[a].n;
    fprintf(t->out, "%s: %llu trials a point, seed %llu, %zu points\n", scenario_name,
            (unsigned long long)t->trials, (unsigned long long)seed, n_points);
    fprintf(t->out, "cells: mean conversions ± standard error; best: highest mean\n\n");
    print_block_head(t, 0);
    fflush(t->out);
}

/* Block b's row of a point at values[], summary sm. */
static void print_row(const infl_sweep_table *t, size_t b, const double *values,
                      const infl_summary *sm)
{
    FILE *out = t->out;
    char buf[128];
    for (size_t a = 0; a < t->n_axes; a++) {
        axis_text(t, a, values[a], buf, sizeof buf);
        fprintf(out, "%*s", a ? GAP : 0, "");
        put_right(out, buf, t->axis_width[a]);
    }
    for (size_t s = t->block_start[b]; s < t->block_start[b + 1]; s++) {
        const infl_stat *c = s < sm->n_strategies ? infl_summary_stat(sm, s, "conversions") : NULL;
        if (c == NULL)
            snprintf(buf, sizeof buf, "-");
        else
            infl_cli_format_pm(buf, sizeof buf, c->mean, c->se);
        fprintf(out, "%*s", GAP, "");
        put_right(out, buf, t->column_width[s]);
    }
    if (b == 0 && infl_summary_stat(sm, 0, "conversions") != NULL)
        fprintf(out, "%*s%s", GAP, "", sm->strategy_names[infl_sweep_best_strategy(sm, false)]);
    fputc('\n', out);
}

void infl_sweep_table_row(const infl_sweep_table *t, const double *values, const infl_summary *sm)
{
    print_row(t, 0, values, sm);
    fflush(t->out);
}

/* The grid values of point p (row-major over the axes, the last fastest). */
static void point_values(const infl_sweep_table *t, size_t p, double *values)
{
    for (size_t a = t->n_axes; a-- > 0;) {
        values[a] = t->axes[a].values[p % t->axes[a].n];
        p /= t->axes[a].n;
    }
}

/* A probability estimated from the point's trials, rounded to its
 * standard error. */
static void probability_text(const infl_sweep_table *t, double p, char *buf, size_t size)
{
    double se = t->trials > 0 ? sqrt(p * (1 - p) / (double)t->trials) : NAN;
    infl_cli_format_estimate(buf, size, p, se);
}

/* Where the best strategy changes along the single axis. */
static infl_status print_crossovers(const infl_sweep_table *t, infl_summary *const *points,
                                    infl_error *err)
{
    const infl_sweep_axis *axis = &t->axes[0];
    infl_crossover *cx = NULL;
    size_t n_cx = 0;
    infl_status rc = infl_sweep_crossovers(axis, points, &cx, &n_cx, err);
    if (rc != INFL_OK)
        return rc;
    char *const *names = points[0]->strategy_names;
    if (n_cx == 0)
        fprintf(t->out, "\nthe best strategy, by mean or by median, changes nowhere along %s\n",
                axis->key);
    else
        fprintf(t->out, "\nwhere the best strategy changes (by mean, then by median):\n");
    for (size_t i = 0; i < n_cx; i++) {
        char lo[96], hi[96], p_to[64], p_from[64];
        axis_text(t, 0, cx[i].lower, lo, sizeof lo);
        axis_text(t, 0, cx[i].upper, hi, sizeof hi);
        probability_text(t, cx[i].p_to_upper, p_to, sizeof p_to);
        probability_text(t, cx[i].p_from_lower, p_from, sizeof p_from);
        fprintf(t->out, "  by %s between %s %s and %s: %s -> %s\n",
                cx[i].by_median ? "median" : "mean", axis->key, lo, hi, names[cx[i].from],
                names[cx[i].to]);
        fprintf(t->out, "    P(%s > %s) = %s at %s; P(%s > %s) = %s at %s\n", names[cx[i].to],
                names[cx[i].from], p_to, hi, names[cx[i].from], names[cx[i].to], p_from, lo);
    }
    free(cx);
    return INFL_OK;
}

infl_status infl_sweep_table_rest(const infl_sweep_table *t, infl_summary *const *points,
                                  infl_error *err)
{
    size_t n_points = 1;
    for (size_t a = 0; a < t->n_axes; a++)
        n_points *= t->axes[a].n;
    double values[INFL_SWEEP_MAX_AXES];
    for (size_t b = 1; b < t->n_blocks; b++) {
        fputc('\n', t->out);
        print_block_head(t, b);
        for (size_t p = 0; p < n_points; p++) {
            point_values(t, p, values);
            print_row(t, b, values, points[p]);
        }
    }
    infl_status rc = INFL_OK;
    if (t->n_axes == 1 && n_points > 0)
        rc = print_crossovers(t, points, err);
    fflush(t->out);
    return rc;
}

infl_status infl_sweep_table_print(const infl_sweep_table *t, const char *scenario_name,
                                   uint64_t seed, infl_summary *const *points, infl_error *err)
{
    size_t n_points = 1;
    for (size_t a = 0; a < t->n_axes; a++)
        n_points *= t->axes[a].n;
    infl_sweep_table_heads(t, scenario_name, seed);
    double values[INFL_SWEEP_MAX_AXES];
    for (size_t p = 0; p < n_points; p++) {
        point_values(t, p, values);
        infl_sweep_table_row(t, values, points[p]);
    }
    return infl_sweep_table_rest(t, points, err);
}
