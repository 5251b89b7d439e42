/*
 * wire.c — the small encoding of stats/wire.h: every value is 8
 * little-endian bytes (an integer, a double's bits, or a length), a string is
 * its length plus one (0: NULL) then its bytes. Decoding checks each length
 * against what is left, so bytes cut short or scrambled fail cleanly.
 */
#include "stats/wire.h"

#include "influsim/results.h"

#include <stdlib.h>
#include <string.h>

void infl__wire_init(infl__wire *w)
{
    memset(w, 0, sizeof *w);
}

void infl__wire_over(infl__wire *w, const void *data, size_t len)
{
    memset(w, 0, sizeof *w);
    w->data = (unsigned char *)data;
    w->len = len;
    w->cap = 0; /* borrowed: nothing to free */
}

void infl__wire_destroy(infl__wire *w)
{
    if (w == NULL)
        return;
    if (w->cap > 0)
        free(w->data);
    memset(w, 0, sizeof *w);
}

bool infl__wire_put_bytes(infl__wire *w, const void *p, size_t n)
{
    if (w->bad)
        return false;
    if (n > w->cap - w->len) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap - w->len < n) {
            if (cap > SIZE_MAX / 2) {
                w->bad = true;
                return false;
            }
            cap *= 2;
        }
        unsigned char *grown = realloc(w->data, cap);
        if (grown == NULL) {
            w->bad = true;
            return false;
        }
        w->data = grown;
        w->cap = cap;
    }
    if (n > 0)
        memcpy(w->data + w->len, p, n);
    w->len += n;
    return true;
}

bool infl__wire_put_u64(infl__wire *w, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    return infl__wire_put_bytes(w, b, sizeof b);
}

bool infl__wire_put_f64(infl__wire *w, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return infl__wire_put_u64(w, bits);
}

bool infl__wire_put_str(infl__wire *w, const char *s)
{
    if (s == NULL)
        return infl__wire_put_u64(w, 0);
    size_t n = strlen(s);
    return infl__wire_put_u64(w, (uint64_t)n + 1) && infl__wire_put_bytes(w, s, n);
}

bool infl__wire_put_f64s(infl__wire *w, const double *v, size_t n)
{
    bool ok = !w->bad;
    for (size_t i = 0; ok && i < n; i++)
        ok = infl__wire_put_f64(w, v[i]);
    return ok;
}

bool infl__wire_put_strs(infl__wire *w, char *const *v, size_t n)
{
    bool ok = infl__wire_put_u64(w, n);
    for (size_t i = 0; ok && i < n; i++)
        ok = infl__wire_put_str(w, v[i]);
    return ok;
}

bool infl__wire_fail(infl__wire *w)
{
    w->bad = true;
    return false;
}

bool infl__wire_get_u64(infl__wire *w, uint64_t *v)
{
    if (w->bad || w->len - w->pos < 8)
        return infl__wire_fail(w);
    uint64_t x = 0;
    for (int i = 0; i < 8; i++)
        x |= (uint64_t)w->data[w->pos + (size_t)i] << (8 * i);
    w->pos += 8;
    *v = x;
    return true;
}

bool infl__wire_get_f64(infl__wire *w, double *v)
{
    uint64_t bits;
    if (!infl__wire_get_u64(w, &bits))
        return false;
    memcpy(v, &bits, sizeof *v);
    return true;
}

bool infl__wire_get_count(infl__wire *w, size_t item_bytes, size_t *n)
{
    uint64_t v;
    if (!infl__wire_get_u64(w, &v))
        return false;
    size_t left = w->len - w->pos;
    if (item_bytes == 0 ? v > left : v > left / item_bytes)
        return infl__wire_fail(w);
    *n = (size_t)v;
    return true;
}

bool infl__wire_get_str(infl__wire *w, char **s)
{
    *s = NULL;
    uint64_t tag;
    if (!infl__wire_get_u64(w, &tag))
        return false;
    if (tag == 0)
        return true;
    size_t n = (size_t)(tag - 1);
    if (tag - 1 > w->len - w->pos || memchr(w->data + w->pos, '\0', n) != NULL)
        return infl__wire_fail(w);
    char *t = malloc(n + 1);
    if (t == NULL)
        return infl__wire_fail(w);
    memcpy(t, w->data + w->pos, n);
    t[n] = '\0';
    w->pos += n;
    *s = t;
    return true;
}

bool infl__wire_get_text(infl__wire *w, char **s)
{
    if (!infl__wire_get_str(w, s))
        return false;
    return *s != NULL ? true : infl__wire_fail(w);
}

bool infl__wire_get_f64s(infl__wire *w, double *out, size_t n)
{
    bool ok = !w->bad;
    for (size_t i = 0; ok && i < n; i++)
        ok = infl__wire_get_f64(w, &out[i]);
    return ok;
}

bool infl__wire_get_strs(infl__wire *w, size_t *n, char ***out)
{
    *out = NULL;
    *n = 0;
    size_t count;
    if (!infl__wire_get_count(w, 8, &count))
        return false;
    char **v = calloc(count ? count : 1, sizeof *v);
    if (v == NULL)
        return infl__wire_fail(w);
    for (size_t i = 0; i < count; i++) {
        if (!infl__wire_get_text(w, &v[i])) {
            infl_names_free(v, count);
            return false;
        }
    }
    *n = count;
    *out = v;
    return true;
}

bool infl__wire_done(const infl__wire *w)
{
    return !w->bad && w->pos == w->len;
}

/* Bytes a statistic takes on the wire: n, n_missing and 16 doubles. */
#define STAT_BYTES ((2 + 5 + INFL_N_QUANTILES + 2) * 8)

static bool put_stat(infl__wire *w, const infl_stat *st)
{
    return infl__wire_put_u64(w, st->n) && infl__wire_put_u64(w, st->n_missing) &&
           infl__wire_put_f64(w, st->mean) && infl__wire_put_f64(w, st->sd) &&
           infl__wire_put_f64(w, st->se) && infl__wire_put_f64(w, st->min) &&
           infl__wire_put_f64(w, st->max) && infl__wire_put_f64s(w, st->q, INFL_N_QUANTILES) &&
           infl__wire_put_f64(w, st->p_zero) && infl__wire_put_f64(w, st->ratio_of_totals);
}

static bool get_stat(infl__wire *w, infl_stat *st)
{
    return infl__wire_get_u64(w, &st->n) && infl__wire_get_u64(w, &st->n_missing) &&
           infl__wire_get_f64(w, &st->mean) && infl__wire_get_f64(w, &st->sd) &&
           infl__wire_get_f64(w, &st->se) && infl__wire_get_f64(w, &st->min) &&
           infl__wire_get_f64(w, &st->max) && infl__wire_get_f64s(w, st->q, INFL_N_QUANTILES) &&
           infl__wire_get_f64(w, &st->p_zero) && infl__wire_get_f64(w, &st->ratio_of_totals);
}

bool infl__wire_put_summary(infl__wire *w, const infl_summary *sm)
{
    const size_t ns = sm->n_strategies, nm = sm->n_metrics;
    bool ok = infl__wire_put_u64(w, sm->n_trials) &&
              infl__wire_put_strs(w, sm->strategy_names, ns) && infl__wire_put_u64(w, nm);
    for (size_t m = 0; ok && m < nm; m++) {
        const infl_metric_info *mi = &sm->metrics[m];
        ok = infl__wire_put_str(w, mi->name) && infl__wire_put_str(w, mi->long_name) &&
             infl__wire_put_str(w, mi->units) && infl__wire_put_u64(w, mi->integer) &&
             infl__wire_put_u64(w, mi->ratio);
    }
    for (size_t i = 0; ok && i < ns * nm; i++)
        ok = put_stat(w, &sm->stats[i]);
    return ok && infl__wire_put_f64s(w, sm->p_greater, ns * ns) &&
           infl__wire_put_f64s(w, sm->p_tie, ns * ns) &&
           infl__wire_put_f64s(w, sm->mean_difference, ns * ns) &&
           infl__wire_put_f64s(w, sm->se_difference, ns * ns);
}

bool infl__wire_get_summary(infl__wire *w, infl_summary **out)
{
    *out = NULL;
    infl_summary *sm = calloc(1, sizeof *sm);
    if (sm == NULL)
        return infl__wire_fail(w);
    size_t ns = 0, nm = 0;
    bool ok =
        infl__wire_get_u64(w, &sm->n_trials) && infl__wire_get_strs(w, &ns, &sm->strategy_names);
    sm->n_strategies = ns;
    /* A metric's description takes at least 5 values on the wire. */
    ok = ok && ns > 0 && infl__wire_get_count(w, 5 * 8, &nm) && nm > 0;
    /* Every cell's statistic and the four comparison matrices must follow:
     * the counts are bounded by the bytes left before anything is allocated. */
    size_t left = w->len - w->pos;
    ok = ok && ns <= left / STAT_BYTES && nm <= left / STAT_BYTES / ns && ns <= left / (4 * 8) / ns;
    if (ok) {
        sm->metrics = calloc(nm, sizeof *sm->metrics);
        sm->stats = calloc(ns * nm, sizeof *sm->stats);
        sm->p_greater = malloc(ns * ns * sizeof(double));
        sm->p_tie = malloc(ns * ns * sizeof(double));
        sm->mean_difference = malloc(ns * ns * sizeof(double));
        sm->se_difference = malloc(ns * ns * sizeof(double));
        ok = sm->metrics && sm->stats && sm->p_greater && sm->p_tie && sm->mean_difference &&
             sm->se_difference;
    }
    if (ok)
        sm->n_metrics = nm;
    for (size_t m = 0; ok && m < nm; m++) {
        infl_metric_info *mi = &sm->metrics[m];
        uint64_t integer = 0, ratio = 0;
        ok = infl__wire_get_text(w, &mi->name) && infl__wire_get_text(w, &mi->long_name) &&
             infl__wire_get_text(w, &mi->units) && infl__wire_get_u64(w, &integer) &&
             infl__wire_get_u64(w, &ratio) && integer <= 1 && ratio <= 1;
        mi->integer = integer != 0;
        mi->ratio = ratio != 0;
    }
    for (size_t i = 0; ok && i < ns * nm; i++)
        ok = get_stat(w, &sm->stats[i]);
    ok = ok && infl__wire_get_f64s(w, sm->p_greater, ns * ns) &&
         infl__wire_get_f64s(w, sm->p_tie, ns * ns) &&
         infl__wire_get_f64s(w, sm->mean_difference, ns * ns) &&
         infl__wire_get_f64s(w, sm->se_difference, ns * ns);
    if (!ok) {
        infl_summary_free(sm);
        return infl__wire_fail(w);
    }
    *out = sm;
    return true;
}
