/*
 * factor.c — the factors of a sensitivity study (influsim/factor.h): a
 * --factor spec read and checked against the scenario's parameters, the
 * ±P % "assumptions" set built and clipped, and a factor's value at a unit
 * coordinate of the design.
 *
 * The domains and the checks are the scenario's (infl_scenario_parameters,
 * infl__params_check: the loader's rules), so a factor never
 * reaches a value the loader would refuse. Only parameters of one group
 * constrain one another, and every rule is monotone in each parameter, so a
 * box of ranges is valid when the corners of each group's box are.
 */
#include "influsim/factor.h"

#include "base/fmath.h"
#include "base/strbuf.h"
#include "base/suggest.h"
#include "scenario/scenario_params.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Most factors of one group whose corners are checked together (a tier's
 * engagement group has at most 8 parameters: 256 corners). */
#define MAX_GROUP 12

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

/* The parameters of sc, or an error. */
typedef struct {
    infl_scenario_parameter *p;
    size_t n;
    infl__params_check *check;
} params;

static const infl_scenario_parameter *find(const params *ps, const char *key)
{
    for (size_t i = 0; i < ps->n; i++)
        if (!strcmp(ps->p[i].path, key))
            return &ps->p[i];
    return NULL;
}

static const infl_factor *in_list(const infl_factor_list *l, const char *key)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->items[i].key, key))
            return &l->items[i];
    return NULL;
}

/* A domain as "[0, 1]", "(0, inf)". */
static const char *domain_text(const infl_scenario_parameter *p, char *buf, size_t size)
{
    char a[32], b[32];
    snprintf(buf, size, "%s%s, %s%s", p->min_open ? "(" : "[",
             isinf(p->min) ? "-inf" : infl__shortest_decimal(a, p->min),
             isinf(p->max) ? "inf" : infl__shortest_decimal(b, p->max), p->max_open ? ")" : "]");
    return buf;
}

static bool in_domain(const infl_scenario_parameter *p, double v)
{
    bool lo_ok = p->min_open ? v > p->min : v >= p->min;
    bool hi_ok = p->max_open ? v < p->max : v <= p->max;
    return lo_ok && hi_ok;
}

/* Whether every corner of the box of the factors of list in p's group, with
 * p's key over [lo, hi], loads. */
static bool corners_ok(const params *ps, const infl_factor_list *list,
                       const infl_scenario_parameter *p, double lo, double hi)
{
    size_t at[MAX_GROUP + 1];
    double los[MAX_GROUP + 1], his[MAX_GROUP + 1], values[MAX_GROUP + 1];
    size_t m = 0;
    at[m] = infl__params_check_index(ps->check, p->path);
    los[m] = lo;
    his[m++] = hi;
    for (size_t i = 0; i < list->n && m <= MAX_GROUP; i++) {
        const infl_scenario_parameter *q = find(ps, list->items[i].key);
        if (q != NULL && q != p && q->group == p->group) {
            at[m] = infl__params_check_index(ps->check, q->path);
            los[m] = list->items[i].lo;
            his[m++] = list->items[i].hi;
        }
    }
    for (unsigned long c = 0; c < (1ul << m); c++) {
        for (size_t j = 0; j < m; j++)
            values[j] = (c >> j) & 1 ? his[j] : los[j];
        if (!infl__params_check_valid(ps->check, at, values, m))
            return false;
    }
    return true;
}

/* The keys of list's factors in p's group, "A" or "A, B and C", into buf. */
static const char *group_keys(const params *ps, const infl_factor_list *list,
                              const infl_scenario_parameter *p, char *buf, size_t size)
{
    const char *keys[MAX_GROUP];
    size_t m = 0;
    for (size_t i = 0; i < list->n && m < MAX_GROUP; i++) {
        const infl_scenario_parameter *q = find(ps, list->items[i].key);
        if (q != NULL && q != p && q->group == p->group)
            keys[m++] = list->items[i].key;
    }
    buf[0] = '\0';
    for (size_t j = 0; j < m; j++) {
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, "%s%s", j == 0 ? "" : j + 1 == m ? " and " : ", ", keys[j]);
    }
    return buf;
}

/* sc's parameters and the check of their values. */
static infl_status load_params(const infl_scenario *sc, params *ps, infl_error *err)
{
    infl_status rc = infl_scenario_parameters(sc, &ps->p, &ps->n, err);
    if (rc != INFL_OK)
        return rc;
    ps->check = infl__params_check_new(sc);
    if (ps->check == NULL) {
        infl_scenario_parameters_free(ps->p, ps->n);
        ps->p = NULL;
        return infl_error_add(err, INFL_ENOMEM, "factors: out of memory");
    }
    return INFL_OK;
}

static void free_params(params *ps)
{
    infl_scenario_parameters_free(ps->p, ps->n);
    infl__params_check_free(ps->check);
}

static infl_status append(infl_factor_list *list, const infl_scenario_parameter *p, double lo,
                          double hi, infl_factor_scale scale, infl_error *err)
{
    infl_factor *grown = realloc(list->items, (list->n + 1) * sizeof *grown);
    if (grown == NULL)
        return infl_error_add(err, INFL_ENOMEM, "factors: out of memory");
    list->items = grown;
    infl_factor *f = &list->items[list->n];
    *f = (infl_factor){.key = dup(p->path),
                       .label = dup(p->label),
                       .lo = lo,
                       .hi = hi,
                       .base = p->value,
                       .scale = scale,
                       .integer = p->integer};
    if (f->key == NULL || f->label == NULL) {
        free(f->key);
        free(f->label);
        return infl_error_add(err, INFL_ENOMEM, "factors: out of memory");
    }
    list->n++;
    return INFL_OK;
}

/* Why key, which is none of the parameters, cannot be a factor. */
static infl_status not_a_parameter(const params *ps, const char *spec, const char *key,
                                   infl_error *err)
{
    /* A distribution's key: its parameters are the factors. */
    size_t len = strlen(key);
    char list[512] = "";
    size_t found = 0;
    for (size_t i = 0; i < ps->n; i++) {
        if (strncmp(ps->p[i].path, key, len) == 0 && ps->p[i].path[len] == '.') {
            if (found++)
                strncat(list, ", ", sizeof list - strlen(list) - 1);
            strncat(list, ps->p[i].path, sizeof list - strlen(list) - 1);
        }
    }
    if (found > 0)
        return infl_error_add(err, INFL_EARG,
                              "factor %s: %s is a distribution; a factor is one of its "
                              "parameters: %s",
                              spec, key, list);
    static const char *const structural[] = {"seed", "trials"};
    for (size_t i = 0; i < 2; i++)
        if (!strcmp(key, structural[i]))
            return infl_error_add(err, INFL_EARG,
                                  "factor %s: %s is structural, not a factor: every run of a "
                                  "study shares it",
                                  spec, key);
    static const char *const prefixes[][2] = {
        {"strategies", "the strategies are what a study compares, not a factor"},
        {"regions", "regions are structural, not a factor"},
        {"roster", "named creators' keys are not factors (vary their tier's)"},
    };
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(prefixes[i][0]);
        if (!strncmp(key, prefixes[i][0], n) &&
            (key[n] == '\0' || key[n] == '.' || key[n] == '[' || key[n] == '_'))
            return infl_error_add(err, INFL_EARG, "factor %s: %s: %s", spec, key, prefixes[i][1]);
    }
    if (!strncmp(key, "tiers.", 6) && strstr(key, ".audience") != NULL)
        return infl_error_add(err, INFL_EARG,
                              "factor %s: %s: the audience's shares sum to 1, so one cannot "
                              "vary alone (its kappa, tiers.<tier>.audience.dirichlet.kappa, "
                              "can)",
                              spec, key);
    static const char *const text[] = {"name",        "description",       "currency",
                                       "hiring.rule", "hiring.reallocate", "roster_file"};
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
        if (!strcmp(key, text[i]))
            return infl_error_add(err, INFL_EARG, "factor %s: %s is not a numeric key", spec, key);
    if (!strncmp(key, "tiers.", 6) && len > 7 && !strcmp(key + len - 7, ".preset"))
        return infl_error_add(err, INFL_EARG, "factor %s: %s is not a numeric key", spec, key);
    if (!strcmp(key, "market.addressable"))
        return infl_error_add(err, INFL_EARG,
                              "factor %s: market.addressable is not set (an unlimited market); "
                              "give it a value in the scenario to vary it",
                              spec);
    const char **paths = malloc((ps->n ? ps->n : 1) * sizeof *paths);
    if (paths == NULL)
        return infl_error_add(err, INFL_ENOMEM, "factors: out of memory");
    for (size_t i = 0; i < ps->n; i++)
        paths[i] = ps->p[i].path;
    const char *hint = infl__suggest(key, paths, ps->n);
    /* A key cut short ("tiers.micro.reach"): the parameters it begins, which
     * are too far from it in letters for the suggestion above. */
    const char *first = NULL, *second = NULL;
    size_t n_prefixed = 0;
    for (size_t i = 0; hint == NULL && i < ps->n; i++)
        if (strncmp(paths[i], key, len) == 0) {
            if (n_prefixed == 0)
                first = paths[i];
            else if (n_prefixed == 1)
                second = paths[i];
            n_prefixed++;
        }
    infl_status rc;
    if (n_prefixed > 0)
        rc = infl_error_add(err, INFL_EARG, "factor %s: unknown key %s; did you mean '%s'%s%s%s%s?",
                            spec, key, first, second ? " or '" : "", second ? second : "",
                            second ? "'" : "", n_prefixed > 2 ? " (or another of its keys)" : "");
    else if (hint != NULL)
        rc = infl_error_add(err, INFL_EARG, "factor %s: unknown key %s; did you mean '%s'?", spec,
                            key, hint);
    else
        rc = infl_error_add(err, INFL_EARG,
                            "factor %s: unknown key %s (`influsim check --sources` lists the "
                            "scenario's keys)",
                            spec, key);
    free(paths);
    return rc;
}

/* A whole field as a finite number; false if it is not one. */
static bool number(const char *s, size_t len, double *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf || isspace((unsigned char)s[0]))
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end = NULL;
    double v = strtod(buf, &end);
    if (end != buf + len)
        return false;
    *out = v;
    return true;
}

infl_status infl_factor_parse(const infl_scenario *sc, const char *spec, infl_factor_list *list,
                              infl_error *err)
{
    const char *eq = strchr(spec, '=');
    if (eq == NULL || eq == spec)
        return infl_error_add(err, INFL_EARG, "factor %s: expected KEY=LO:HI or KEY=LO:HI:log",
                              spec);
    char key[256];
    size_t klen = (size_t)(eq - spec);
    if (klen >= sizeof key)
        return infl_error_add(err, INFL_EARG, "factor %s: key too long", spec);
    memcpy(key, spec, klen);
    key[klen] = '\0';
    const char *range = eq + 1;
    const char *c1 = strchr(range, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    infl_factor_scale scale = INFL_FACTOR_LINEAR;
    if (c1 == NULL || (c2 != NULL && strcmp(c2 + 1, "log") != 0))
        return infl_error_add(err, INFL_EARG,
                              "factor %s: expected KEY=LO:HI or KEY=LO:HI:log (got \"%s\" after "
                              "'=')",
                              spec, range);
    if (c2 != NULL)
        scale = INFL_FACTOR_LOG;
    double lo, hi;
    size_t lo_len = (size_t)(c1 - range);
    size_t hi_len = c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
    if (!number(range, lo_len, &lo))
        return infl_error_add(err, INFL_EARG, "factor %s: LO is not a number (got \"%.*s\")", spec,
                              (int)lo_len, range);
    if (!number(c1 + 1, hi_len, &hi))
        return infl_error_add(err, INFL_EARG, "factor %s: HI is not a number (got \"%.*s\")", spec,
                              (int)hi_len, c1 + 1);
    if (!isfinite(lo) || !isfinite(hi))
        return infl_error_add(err, INFL_EARG, "factor %s: LO and HI must be finite numbers", spec);

    params ps = {0};
    infl_status rc = load_params(sc, &ps, err);
    if (rc != INFL_OK)
        return rc;
    const infl_scenario_parameter *p = find(&ps, key);
    char dom[96], a[32], b[32], keys[1024];
    if (p == NULL)
        rc = not_a_parameter(&ps, spec, key, err);
    else if (in_list(list, key) != NULL)
        rc = infl_error_add(err, INFL_EARG, "factor %s: %s is already a factor", spec, key);
    else if (!(lo < hi))
        rc = infl_error_add(err, INFL_EARG, "factor %s: LO must be less than HI (got %s:%s)", spec,
                            infl__shortest_decimal(a, lo), infl__shortest_decimal(b, hi));
    else if (scale == INFL_FACTOR_LOG && !(lo > 0))
        rc = infl_error_add(err, INFL_EARG, "factor %s: a log scale needs LO > 0 (got %s)", spec,
                            infl__shortest_decimal(a, lo));
    else if (p->integer && (lo != floor(lo) || hi != floor(hi)))
        rc =
            infl_error_add(err, INFL_EARG,
                           "factor %s: %s takes whole numbers; LO and HI must be whole", spec, key);
    else if (!in_domain(p, lo) || !in_domain(p, hi))
        rc = infl_error_add(
            err, INFL_EARG,
            "factor %s: %s is outside %s's valid values %s (with the other "
            "parameters at the scenario's values)",
            spec, !in_domain(p, lo) ? infl__shortest_decimal(a, lo) : infl__shortest_decimal(a, hi),
            key, domain_text(p, dom, sizeof dom));
    /* group_keys fills keys (and is never NULL) for the message. */
    else if (!corners_ok(&ps, list, p, lo, hi) && group_keys(&ps, list, p, keys, sizeof keys))
        rc = infl_error_add(err, INFL_EARG,
                            "factor %s: with the factor%s %s, some combinations of values give a "
                            "scenario that does not load; narrow a range",
                            spec, strstr(keys, " and ") ? "s" : "", keys);
    else
        rc = append(list, p, lo, hi, scale, err);
    free_params(&ps);
    return rc;
}

/* P of "assumptions[:[±|+-]P[%]]"; false if spec has another form. */
static bool assumptions_percent(const char *spec, double *pct)
{
    static const char word[] = "assumptions";
    if (strncmp(spec, word, sizeof word - 1) != 0)
        return false;
    const char *s = spec + sizeof word - 1;
    *pct = 30.0;
    if (*s == '\0')
        return true;
    if (*s++ != ':')
        return false;
    if (!strncmp(s, "\xc2\xb1", 2))
        s += 2;
    else if (!strncmp(s, "+-", 2))
        s += 2;
    size_t len = strlen(s);
    if (len > 0 && s[len - 1] == '%')
        len--;
    return number(s, len, pct);
}

/* An open bound b moved inside by 1e-9 x max(|b|, |base|), toward base. */
static double inside(double b, double base)
{
    double step = 1e-9 * fmax(fabs(b), fabs(base));
    return base > b ? b + step : b - step;
}

/* The largest t in [0, 1] for which the corners load with end `which` (0 lo,
 * 1 hi) at base + t (end - base), the other end at `other`. */
static double shrink(const params *ps, const infl_factor_list *list,
                     const infl_scenario_parameter *p, double end, double other, int which)
{
    /* The end itself where it fits: no need to give anything up. */
    if (which == 0 ? corners_ok(ps, list, p, end, other) : corners_ok(ps, list, p, other, end))
        return 1.0;
    double good = 0.0, fail = 1.0;
    for (int i = 0; i < 48; i++) {
        double t = (good + fail) / 2;
        double v = p->value + t * (end - p->value);
        bool ok =
            which == 0 ? corners_ok(ps, list, p, v, other) : corners_ok(ps, list, p, other, v);
        if (ok)
            good = t;
        else
            fail = t;
    }
    return good;
}

/* The point a fraction t of the way from base to end (end itself at t = 1). */
static double toward(double base, double end, double t)
{
    return t >= 1.0 ? end : base + t * (end - base);
}

/*
 * p over [*lo, *hi] conflicts with the factors of its group already in the
 * list: draws ends towards their bases, by bisection, until every corner
 * loads, in whichever of two ways loses the smaller share of a range: p's own
 * ends (each as far as it must), or every earlier factor of the group that
 * this call added (from list->items[first] on; a range given by --factor is
 * kept as given), both ends by one common fraction, p's range kept. So a beta's mean clipped near
 * 1 gives up a sliver of its top rather than its kappa most of its range,
 * and a uniform's max starts where its min's range ends.
 */
static void settle(const params *ps, infl_factor_list *list, size_t first,
                   const infl_scenario_parameter *p, double *lo, double *hi)
{
    double lo_a = toward(p->value, *lo, shrink(ps, list, p, *lo, p->value, 0));
    double hi_a = toward(p->value, *hi, shrink(ps, list, p, *hi, lo_a, 1));
    if (p->integer) {
        lo_a = ceil(lo_a);
        hi_a = floor(hi_a);
    }
    double loss_a = 1 - (hi_a - lo_a) / (*hi - *lo);
    size_t m = 0;
    size_t at[MAX_GROUP];
    double lo0[MAX_GROUP], hi0[MAX_GROUP];
    for (size_t i = first; i < list->n && m < MAX_GROUP; i++) {
        const infl_scenario_parameter *q = find(ps, list->items[i].key);
        if (q != NULL && q != p && q->group == p->group && !q->integer) {
            at[m] = i;
            lo0[m] = list->items[i].lo;
            hi0[m++] = list->items[i].hi;
        }
    }
    double good = 0.0, fail = 1.0;
    for (int it = 0; m > 0 && it < 48; it++) {
        double t = (good + fail) / 2;
        for (size_t j = 0; j < m; j++) {
            infl_factor *q = &list->items[at[j]];
            q->lo = q->base + t * (lo0[j] - q->base);
            q->hi = q->base + t * (hi0[j] - q->base);
        }
        if (corners_ok(ps, list, p, *lo, *hi))
            good = t;
        else
            fail = t;
    }
    for (size_t j = 0; j < m; j++) {
        infl_factor *q = &list->items[at[j]];
        bool keep = m > 0 && 1 - good < loss_a;
        q->lo = keep ? toward(q->base, lo0[j], good) : lo0[j];
        q->hi = keep ? toward(q->base, hi0[j], good) : hi0[j];
    }
    if (m > 0 && 1 - good < loss_a)
        return;
    *lo = lo_a;
    *hi = hi_a;
}

infl_status infl_factor_assumptions(const infl_scenario *sc, const char *spec,
                                    infl_factor_list *list, infl_error *err)
{
    double pct;
    if (!assumptions_percent(spec, &pct))
        return infl_error_add(err, INFL_EARG,
                              "factors %s: expected assumptions or assumptions:±P%% (such as "
                              "assumptions:30%%)",
                              spec);
    if (!(pct > 0 && pct <= 100))
        return infl_error_add(err, INFL_EARG,
                              "factors %s: P must be more than 0 and at most 100 (percent)", spec);
    params ps = {0};
    infl_status rc = load_params(sc, &ps, err);
    if (rc != INFL_OK)
        return rc;
    const size_t first = list->n;
    for (size_t i = 0; rc == INFL_OK && i < ps.n; i++) {
        const infl_scenario_parameter *p = &ps.p[i];
        if (!p->assumption || p->value == 0.0 || in_list(list, p->path) != NULL)
            continue;
        double lo = p->value * (1 - pct / 100), hi = p->value * (1 + pct / 100);
        if (lo > hi) {
            double t = lo;
            lo = hi;
            hi = t;
        }
        if (p->integer) {
            lo = floor(lo);
            hi = ceil(hi);
        }
        if (lo < p->min || (lo == p->min && p->min_open))
            lo = p->min_open ? inside(p->min, p->value) : p->min;
        if (hi > p->max || (hi == p->max && p->max_open))
            hi = p->max_open ? inside(p->max, p->value) : p->max;
        if (p->integer) {
            lo = ceil(lo);
            hi = floor(hi);
        }
        if (lo < hi && !corners_ok(&ps, list, p, lo, hi))
            settle(&ps, list, first, p, &lo, &hi);
        if (!(lo < hi))
            continue;
        rc = append(list, p, lo, hi, INFL_FACTOR_LINEAR, err);
    }
    free_params(&ps);
    return rc;
}

double infl_factor_value(const infl_factor *f, double u)
{
    if (!(u > 0))
        return f->lo;
    if (u >= 1)
        return f->hi;
    double v = f->scale == INFL_FACTOR_LOG
                   ? infl__fmath_exp(infl__fmath_log(f->lo) + u * infl__fmath_log(f->hi / f->lo))
                   : f->lo + u * (f->hi - f->lo);
    if (f->integer)
        v = round(v);
    return v < f->lo ? f->lo : v > f->hi ? f->hi : v;
}

bool infl_factor_override(const infl_factor *f, double value, char *buf, size_t size)
{
    /* The shortest decimal that reads back as the same double (as %.17g
     * would, in fewer digits: 0.1, not 0.10000000000000001). */
    char v[32];
    int n = snprintf(buf, size, "%s=%s", f->key, infl__shortest_decimal(v, value));
    return n >= 0 && (size_t)n < size;
}

void infl_factor_list_destroy(infl_factor_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].key);
        free(l->items[i].label);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}
