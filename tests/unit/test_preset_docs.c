/*
 * docs/presets.md cannot drift from the table in sim/scenario/preset.c: for
 * every preset the test finds its row in the doc's table of presets and
 * checks, against the preset's own yaml (parsed with infl__yaml_tree_parse),
 *   - each distribution cell's YAML (same form, same parameters),
 *   - its printed mean (loguniform (b-a)/ln(b/a), beta mean, lognormal
 *     median*exp(sigma^2/2), uniform (a+b)/2, a constant itself) and its
 *     printed 10-90 % range, each to the precision the doc prints it,
 *   - the "gifted / post / overhead" constants (gifted_share absent is 0),
 *   - the nonfollower_views cell ("—" for a preset without it),
 *   - "per viewer at means", E[epf] / (E[real_share] * E[reach_rate] +
 *     E[nonfollower_views]);
 * and that the table has no row for a preset the program lacks. The doc's
 * path is $INFLUSIM_SOURCE_DIR/docs/presets.md (default ".").
 */
#include "check.h"
#include "scenario/preset.h"
#include "scenario/yaml_tree.h"

#include <ctype.h>
#include <gsl/gsl_cdf.h>
#include <math.h>

#define Z90 1.2815515655446004 /* the standard normal's 90 % quantile */

/* The distribution columns of the table, in order after "preset" and "band". */
static const char *const DIST_KEYS[] = {"followers", "price", "real_share", "reach_rate",
                                        "engagement_per_follower"};
#define N_DIST (sizeof DIST_KEYS / sizeof DIST_KEYS[0])
/* Then a key only some presets give ("—" where absent), the constants and
 * the rate per viewer. */
#define OPTIONAL_KEY "nonfollower_views"
#define N_COLS (2 + N_DIST + 1 + 2)

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1)
            break;
        char *grown = realloc(buf, cap * 2);
        if (grown == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = grown;
        cap *= 2;
    }
    fclose(f);
    if (buf != NULL)
        buf[n] = '\0';
    return buf;
}

/* A number as the doc prints it: its value (unit applied) and the size of
 * half a unit in its last printed digit (unit applied), the rounding allowed. */
typedef struct {
    double value, half_ulp;
} printed;

/* Reads a number at *s ("3909", "24.9 k", "3.91 M", "2.94 %", "0.697"),
 * advancing *s past it and its unit. Returns 0 if there is no number. */
static int read_printed(const char **s, printed *out)
{
    const char *p = *s;
    while (*p == ' ')
        p++;
    if (!isdigit((unsigned char)*p))
        return 0;
    char *end = NULL;
    double v = strtod(p, &end);
    int decimals = 0;
    const char *dot = memchr(p, '.', (size_t)(end - p));
    if (dot != NULL)
        decimals = (int)(end - dot - 1);
    double scale = 1;
    p = end;
    if (p[0] == ' ' && (p[1] == 'k' || p[1] == 'M' || p[1] == '%')) {
        scale = p[1] == 'k' ? 1e3 : p[1] == 'M' ? 1e6 : 0.01;
        p += 2;
    }
    out->value = v * scale;
    out->half_ulp = 0.5 * pow(10, -decimals) * scale;
    *s = p;
    return 1;
}

/* |doc - computed| within the doc's rounding (and a hair for binary floats). */
static int matches(printed doc, double computed)
{
    return fabs(doc.value - computed) <= doc.half_ulp * (1 + 1e-9) + 1e-12 * fabs(computed);
}

static double num(const infl_node *n)
{
    return n != NULL && n->kind == INFL_NODE_SCALAR ? strtod(n->text, NULL) : NAN;
}

static double param(const infl_node *params, const char *key)
{
    return num(infl__yaml_tree_get(params, key));
}

/* The mean and the 10 % and 90 % quantiles of a tier key's value. Returns 0
 * for a form this test does not know. */
static int moments(const infl_node *v, double *mean, double *q10, double *q90)
{
    if (v == NULL)
        return 0;
    if (v->kind == INFL_NODE_SCALAR) {
        *mean = *q10 = *q90 = num(v);
        return 1;
    }
    if (v->kind != INFL_NODE_MAP || v->count != 1)
        return 0;
    const char *form = v->pairs[0].key;
    const infl_node *p = v->pairs[0].value;
    if (strcmp(form, "loguniform") == 0) {
        double a = param(p, "min"), b = param(p, "max");
        *mean = a == b ? a : (b - a) / log(b / a);
        *q10 = a * pow(b / a, 0.1);
        *q90 = a * pow(b / a, 0.9);
        return 1;
    }
    if (strcmp(form, "uniform") == 0) {
        double a = param(p, "min"), b = param(p, "max");
        *mean = (a + b) / 2;
        *q10 = a + 0.1 * (b - a);
        *q90 = a + 0.9 * (b - a);
        return 1;
    }
    if (strcmp(form, "beta") == 0) {
        double m = param(p, "mean"), k = param(p, "kappa");
        *mean = m;
        *q10 = gsl_cdf_beta_Pinv(0.1, m * k, (1 - m) * k);
        *q90 = gsl_cdf_beta_Pinv(0.9, m * k, (1 - m) * k);
        return 1;
    }
    if (strcmp(form, "lognormal") == 0) {
        double med = param(p, "median"), s = param(p, "sigma");
        *mean = med * exp(s * s / 2);
        *q10 = med * exp(-Z90 * s);
        *q90 = med * exp(Z90 * s);
        return 1;
    }
    return 0;
}

/* Two values written the same: the same constant, or the same form with the
 * same parameters (compared as numbers). */
static int same_value(const infl_node *a, const infl_node *b)
{
    if (a == NULL || b == NULL || a->kind != b->kind)
        return 0;
    if (a->kind == INFL_NODE_SCALAR)
        return num(a) == num(b);
    if (a->kind != INFL_NODE_MAP || a->count != 1 || b->count != 1 ||
        strcmp(a->pairs[0].key, b->pairs[0].key) != 0)
        return 0;
    const infl_node *pa = a->pairs[0].value, *pb = b->pairs[0].value;
    if (pa->kind != INFL_NODE_MAP || pb->kind != INFL_NODE_MAP || pa->count != pb->count)
        return 0;
    for (size_t i = 0; i < pa->count; i++)
        if (!(num(pa->pairs[i].value) == num(infl__yaml_tree_get(pb, pa->pairs[i].key))))
            return 0;
    return 1;
}

/* Splits a table row "| a | b | ... |" in place into at most max cells,
 * trimmed; returns the number of cells. */
static size_t split_row(char *row, char **cells, size_t max)
{
    size_t n = 0;
    char *p = strchr(row, '|');
    while (p != NULL && n < max) {
        char *start = p + 1, *next = strchr(start, '|');
        if (next == NULL)
            break;
        *next = '\0';
        while (*start == ' ')
            start++;
        char *end = next;
        while (end > start && end[-1] == ' ')
            *--end = '\0';
        cells[n++] = start;
        p = next;
    }
    return n;
}

/* A copy of the row of the doc that starts "| `name` |", or NULL. */
static char *find_row(const char *doc, const char *name)
{
    char head[96];
    snprintf(head, sizeof head, "| `%s` |", name);
    for (const char *line = doc; line != NULL && *line;) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        if (strncmp(line, head, strlen(head)) == 0) {
            char *copy = malloc(len + 1);
            if (copy != NULL) {
                memcpy(copy, line, len);
                copy[len] = '\0';
            }
            return copy;
        }
        line = eol ? eol + 1 : NULL;
    }
    return NULL;
}

static double mean_of(const infl_node *tier, const char *key)
{
    double mean = NAN, q10, q90;
    const infl_node *v = infl__yaml_tree_get(tier, key);
    if (v == NULL)
        return 0; /* a key the preset does not give (gifted_share above micro) */
    return moments(v, &mean, &q10, &q90) ? mean : NAN;
}

/* One distribution cell: "`{yaml}`<br>mean M, 10–90 % L–H". */
static void check_cell(const char *preset, const char *key, const char *cell, const infl_node *tier)
{
    const infl_node *want = infl__yaml_tree_get(tier, key);
    CHECK(want != NULL);
    if (want == NULL) {
        fprintf(stderr, "  %s gives no %s\n", preset, key);
        return;
    }
    const char *open = strchr(cell, '`'), *close = open ? strchr(open + 1, '`') : NULL;
    CHECK(open != NULL && close != NULL);
    if (open == NULL || close == NULL) {
        fprintf(stderr, "  %s %s: no `yaml` in \"%s\"\n", preset, key, cell);
        return;
    }
    infl_node *got = NULL;
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl__yaml_tree_parse(open + 1, (size_t)(close - open - 1), "presets.md", &got, &err),
              INFL_OK);
    if (!same_value(got, want)) {
        CHECK(0);
        fprintf(stderr, "  %s %s: docs/presets.md says %.*s, preset.c differs\n", preset, key,
                (int)(close - open - 1), open + 1);
    }
    infl__yaml_tree_free(got);
    infl_error_destroy(&err);

    double mean = NAN, q10 = NAN, q90 = NAN;
    CHECK(moments(want, &mean, &q10, &q90));
    const char *s = strstr(close, "mean ");
    printed doc_mean = {NAN, 0}, lo = {NAN, 0}, hi = {NAN, 0};
    int ok = s != NULL && (s += 5, read_printed(&s, &doc_mean));
    CHECK(ok);
    if (ok && !matches(doc_mean, mean)) {
        CHECK(0);
        fprintf(stderr, "  %s %s: docs/presets.md prints mean %g, preset.c gives %.6g\n", preset,
                key, doc_mean.value, mean);
    }
    s = s ? strstr(s, "10\xe2\x80\x93"
                      "90 % ")
          : NULL; /* "10–90 % " */
    ok = s != NULL && (s += strlen("10\xe2\x80\x93"
                                   "90 % "),
                       read_printed(&s, &lo));
    ok = ok && strncmp(s, "\xe2\x80\x93", 3) == 0 && (s += 3, read_printed(&s, &hi));
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "  %s %s: no \"10-90 %% L-H\" in \"%s\"\n", preset, key, cell);
        return;
    }
    if (!matches(lo, q10) || !matches(hi, q90)) {
        CHECK(0);
        fprintf(stderr,
                "  %s %s: docs/presets.md prints 10-90 %% %g-%g, preset.c gives %.6g-%.6g\n",
                preset, key, lo.value, hi.value, q10, q90);
    }
}

/* "0.06 / 0.8 / 40": gifted_share / post_probability / overhead_per_hire. */
static void check_constants(const char *preset, const char *cell, const infl_node *tier)
{
    static const char *const KEYS[] = {"gifted_share", "post_probability", "overhead_per_hire"};
    const char *s = cell;
    for (size_t k = 0; k < 3; k++) {
        printed doc;
        int ok = read_printed(&s, &doc);
        CHECK(ok);
        if (!ok)
            return;
        double want = mean_of(tier, KEYS[k]);
        if (!matches(doc, want)) {
            CHECK(0);
            fprintf(stderr, "  %s %s: docs/presets.md prints %g, preset.c gives %g\n", preset,
                    KEYS[k], doc.value, want);
        }
        while (*s == ' ')
            s++;
        if (k < 2) {
            CHECK(*s == '/');
            s += *s == '/';
        }
    }
}

int main(void)
{
    const char *src = getenv("INFLUSIM_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/presets.md", src ? src : ".");
    char *doc = read_all(path);
    CHECK(doc != NULL);
    if (doc == NULL) {
        fprintf(stderr, "cannot read %s (set INFLUSIM_SOURCE_DIR)\n", path);
        return check_exit();
    }

    size_t n = infl__preset_count();
    CHECK(n >= 13);
    for (size_t i = 0; i < n; i++) {
        const infl__preset *p = infl__preset_at(i);
        infl_node *tier = NULL;
        infl_error err;
        infl_error_init(&err);
        CHECK_INT(infl__yaml_tree_parse(p->yaml, strlen(p->yaml), p->name, &tier, &err), INFL_OK);
        char *row = find_row(doc, p->name);
        CHECK(row != NULL);
        if (row == NULL)
            fprintf(stderr, "  docs/presets.md has no row \"| `%s` |\"\n", p->name);
        char *cells[N_COLS + 1];
        size_t nc = row ? split_row(row, cells, N_COLS + 1) : 0;
        CHECK_INT(row ? nc : N_COLS, N_COLS);
        if (tier != NULL && nc == N_COLS) {
            for (size_t k = 0; k < N_DIST; k++)
                check_cell(p->name, DIST_KEYS[k], cells[2 + k], tier);
            if (infl__yaml_tree_get(tier, OPTIONAL_KEY) != NULL)
                check_cell(p->name, OPTIONAL_KEY, cells[2 + N_DIST], tier);
            else if (strcmp(cells[2 + N_DIST], "\xe2\x80\x94") != 0) { /* "—" */
                CHECK(0);
                fprintf(stderr, "  %s gives no %s, docs/presets.md says \"%s\"\n", p->name,
                        OPTIONAL_KEY, cells[2 + N_DIST]);
            }
            check_constants(p->name, cells[2 + N_DIST + 1], tier);
            double per_viewer = mean_of(tier, "engagement_per_follower") /
                                (mean_of(tier, "real_share") * mean_of(tier, "reach_rate") +
                                 mean_of(tier, OPTIONAL_KEY));
            printed doc_pv;
            const char *s = cells[2 + N_DIST + 2];
            CHECK(read_printed(&s, &doc_pv));
            if (!matches(doc_pv, per_viewer)) {
                CHECK(0);
                fprintf(stderr, "  %s per viewer at means: docs/presets.md %g, preset.c %.6g\n",
                        p->name, doc_pv.value, per_viewer);
            }
            CHECK(per_viewer <= 1);
        }
        free(row);
        infl__yaml_tree_free(tier);
        infl_error_destroy(&err);
    }

    /* No row documents a preset the program does not have. */
    size_t rows = 0;
    for (const char *line = doc; line != NULL && *line;) {
        if (strncmp(line, "| `", 3) == 0) {
            const char *tick = strchr(line + 3, '`');
            const char *slash = strchr(line + 3, '/');
            const char *star = strchr(line + 3, '*');
            if (tick != NULL && slash != NULL && slash < tick && (star == NULL || star > tick)) {
                char name[64];
                size_t len = (size_t)(tick - line - 3);
                snprintf(name, sizeof name, "%.*s", (int)len, line + 3);
                rows++;
                if (infl__preset_find(name) == NULL) {
                    CHECK(0);
                    fprintf(stderr, "  docs/presets.md has a row for %s, preset.c does not\n",
                            name);
                }
            }
        }
        const char *eol = strchr(line, '\n');
        line = eol ? eol + 1 : NULL;
    }
    CHECK_INT(rows, n);

    free(doc);
    return check_exit();
}
