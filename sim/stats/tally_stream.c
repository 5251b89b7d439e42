/*
 * tally_stream.c — streaming statistics for runs that keep no per-trial
 * values (see tally_stream.h for what is kept and how quantiles are found).
 */
#include "stats/tally_stream.h"

#include "model/metrics.h"
#include "stats/quantile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SUB_BITS 10
#define SUB (1u << SUB_BITS) /* buckets per binary octave */

/* One sign of a histogram: counts for the octaves (biased exponents) lo..hi,
 * SUB buckets each; counts == NULL while empty. */
typedef struct {
    int lo, hi;
    uint64_t *counts;
} hist_side;

typedef struct {
    hist_side pos, neg;
    uint64_t zeros, pos_inf, neg_inf;
} histogram;

struct infl_tally_stream {
    size_t ns, nm;
    uint64_t *missing; /* [cell] */
    uint64_t *zeros;   /* [cell] */
    double *min, *max; /* [cell] */
    histogram *hist;   /* [cell] */
    uint64_t *greater; /* [a * ns + b] */
    uint64_t *tie;     /* [a * ns + b] */
};

/* The bucket key of a finite, nonzero magnitude: biased exponent and the top
 * SUB_BITS bits of the mantissa, which orders like the value itself. */
static uint32_t bucket_key(double magnitude)
{
    uint64_t bits;
    memcpy(&bits, &magnitude, sizeof bits);
    return (uint32_t)(bits >> (52 - SUB_BITS));
}

static double key_value(uint64_t key)
{
    uint64_t bits = key << (52 - SUB_BITS);
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

/* Makes room for octave `page` in s; false when out of memory. */
static bool side_reserve(hist_side *s, int page)
{
    if (s->counts != NULL && page >= s->lo && page <= s->hi)
        return true;
    int lo = s->counts == NULL ? page : page < s->lo ? page : s->lo;
    int hi = s->counts == NULL ? page : page > s->hi ? page : s->hi;
    uint64_t *c = calloc((size_t)(hi - lo + 1) * SUB, sizeof *c);
    if (c == NULL)
        return false;
    if (s->counts != NULL)
        memcpy(c + (size_t)(s->lo - lo) * SUB, s->counts,
               (size_t)(s->hi - s->lo + 1) * SUB * sizeof *c);
    free(s->counts);
    s->counts = c;
    s->lo = lo;
    s->hi = hi;
    return true;
}

static bool side_add(hist_side *s, uint32_t key, uint64_t count)
{
    int page = (int)(key >> SUB_BITS);
    if (!side_reserve(s, page))
        return false;
    s->counts[(size_t)(page - s->lo) * SUB + (key & (SUB - 1))] += count;
    return true;
}

static bool hist_add(histogram *h, double x)
{
    if (x == 0.0) {
        h->zeros++;
        return true;
    }
    if (isinf(x)) {
        if (x > 0)
            h->pos_inf++;
        else
            h->neg_inf++;
        return true;
    }
    return x > 0 ? side_add(&h->pos, bucket_key(x), 1) : side_add(&h->neg, bucket_key(-x), 1);
}

static bool side_merge(hist_side *into, const hist_side *from)
{
    if (from->counts == NULL)
        return true;
    if (!side_reserve(into, from->lo) || !side_reserve(into, from->hi))
        return false;
    size_t off = (size_t)(from->lo - into->lo) * SUB, n = (size_t)(from->hi - from->lo + 1) * SUB;
    for (size_t i = 0; i < n; i++)
        into->counts[off + i] += from->counts[i];
    return true;
}

infl_tally_stream *infl__tally_stream_new(size_t n_strategies, size_t n_metrics)
{
    infl_tally_stream *ts = calloc(1, sizeof *ts);
    if (ts == NULL)
        return NULL;
    size_t cells = n_strategies * n_metrics, pairs = n_strategies * n_strategies;
    ts->ns = n_strategies;
    ts->nm = n_metrics;
    ts->missing = calloc(cells ? cells : 1, sizeof *ts->missing);
    ts->zeros = calloc(cells ? cells : 1, sizeof *ts->zeros);
    ts->min = malloc((cells ? cells : 1) * sizeof *ts->min);
    ts->max = malloc((cells ? cells : 1) * sizeof *ts->max);
    ts->hist = calloc(cells ? cells : 1, sizeof *ts->hist);
    ts->greater = calloc(pairs ? pairs : 1, sizeof *ts->greater);
    ts->tie = calloc(pairs ? pairs : 1, sizeof *ts->tie);
    if (!ts->missing || !ts->zeros || !ts->min || !ts->max || !ts->hist || !ts->greater ||
        !ts->tie) {
        infl__tally_stream_free(ts);
        return NULL;
    }
    for (size_t c = 0; c < cells; c++) {
        ts->min[c] = INFINITY;
        ts->max[c] = -INFINITY;
    }
    return ts;
}

void infl__tally_stream_free(infl_tally_stream *ts)
{
    if (ts == NULL)
        return;
    if (ts->hist != NULL) {
        for (size_t c = 0; c < ts->ns * ts->nm; c++) {
            free(ts->hist[c].pos.counts);
            free(ts->hist[c].neg.counts);
        }
    }
    free(ts->missing);
    free(ts->zeros);
    free(ts->min);
    free(ts->max);
    free(ts->hist);
    free(ts->greater);
    free(ts->tie);
    free(ts);
}

bool infl__tally_stream_add(infl_tally_stream *ts, infl_block_moments *b, const double *rows,
                            size_t conversion)
{
    const size_t ns = ts->ns, nm = ts->nm;
    bool ok = true;
    for (size_t c = 0; c < ns * nm; c++) {
        double x = rows[c];
        if (isnan(x)) {
            ts->missing[c]++;
            continue;
        }
        infl__moments_add(&b->cells[c], x);
        ts->zeros[c] += x == 0.0;
        if (x < ts->min[c])
            ts->min[c] = x;
        if (x > ts->max[c])
            ts->max[c] = x;
        ok &= hist_add(&ts->hist[c], x);
    }
    for (size_t a = 0; a < ns; a++) {
        double xa = rows[a * nm + conversion];
        for (size_t o = 0; o < ns; o++) {
            double xb = rows[o * nm + conversion];
            ts->greater[a * ns + o] += xa > xb;
            ts->tie[a * ns + o] += xa == xb;
            infl__moments_add(&b->pairs[a * ns + o], xa - xb);
        }
    }
    return ok;
}

bool infl__tally_stream_merge(infl_tally_stream *into, const infl_tally_stream *from)
{
    const size_t cells = into->ns * into->nm, pairs = into->ns * into->ns;
    for (size_t c = 0; c < cells; c++) {
        into->missing[c] += from->missing[c];
        into->zeros[c] += from->zeros[c];
        if (from->min[c] < into->min[c])
            into->min[c] = from->min[c];
        if (from->max[c] > into->max[c])
            into->max[c] = from->max[c];
        histogram *h = &into->hist[c];
        const histogram *g = &from->hist[c];
        h->zeros += g->zeros;
        h->pos_inf += g->pos_inf;
        h->neg_inf += g->neg_inf;
        if (!side_merge(&h->pos, &g->pos) || !side_merge(&h->neg, &g->neg))
            return false;
    }
    for (size_t p = 0; p < pairs; p++) {
        into->greater[p] += from->greater[p];
        into->tie[p] += from->tie[p];
    }
    return true;
}

size_t infl__tally_stream_bytes(const infl_tally_stream *ts)
{
    size_t cells = ts->ns * ts->nm, bytes = sizeof *ts;
    bytes += cells * (2 * sizeof(uint64_t) + 2 * sizeof(double) + sizeof(histogram));
    bytes += 2 * ts->ns * ts->ns * sizeof(uint64_t);
    for (size_t c = 0; c < cells; c++) {
        const histogram *h = &ts->hist[c];
        if (h->pos.counts)
            bytes += (size_t)(h->pos.hi - h->pos.lo + 1) * SUB * sizeof(uint64_t);
        if (h->neg.counts)
            bytes += (size_t)(h->neg.hi - h->neg.lo + 1) * SUB * sizeof(uint64_t);
    }
    return bytes;
}

/* The value standing for a bucket of magnitudes [lo, hi): the one integer in
 * it when the metric counts and there is exactly one, else the midpoint. */
static double bucket_value(uint32_t key, bool integer)
{
    double lo = key_value(key), hi = key_value((uint64_t)key + 1);
    if (integer) {
        double k = ceil(lo);
        if (k < hi && k + 1.0 >= hi)
            return k;
    }
    return isinf(hi) ? lo : 0.5 * (lo + hi);
}

/* Visits the buckets in increasing order of value and fills out[i] with the
 * value of order statistic want[i] (0-based, want ascending). */
static void order_statistics(const histogram *h, bool integer, const uint64_t *want, size_t n_want,
                             double *out)
{
    size_t i = 0;
    uint64_t seen = 0;
#define TAKE(count, value)                                                                         \
    do {                                                                                           \
        seen += (count);                                                                           \
        while (i < n_want && want[i] < seen)                                                       \
            out[i++] = (value);                                                                    \
    } while (0)
    TAKE(h->neg_inf, -INFINITY);
    if (h->neg.counts != NULL) {
        for (int page = h->neg.hi; page >= h->neg.lo && i < n_want; page--) {
            for (int sub = SUB - 1; sub >= 0; sub--) {
                uint64_t c = h->neg.counts[(size_t)(page - h->neg.lo) * SUB + (size_t)sub];
                if (c)
                    TAKE(c, -bucket_value((uint32_t)page << SUB_BITS | (uint32_t)sub, integer));
            }
        }
    }
    TAKE(h->zeros, 0.0);
    if (h->pos.counts != NULL) {
        for (int page = h->pos.lo; page <= h->pos.hi && i < n_want; page++) {
            for (unsigned sub = 0; sub < SUB; sub++) {
                uint64_t c = h->pos.counts[(size_t)(page - h->pos.lo) * SUB + sub];
                if (c)
                    TAKE(c, bucket_value((uint32_t)page << SUB_BITS | sub, integer));
            }
        }
    }
    TAKE(h->pos_inf, INFINITY);
#undef TAKE
    while (i < n_want)
        out[i++] = NAN; /* not reached when the counts add up */
}

infl_status infl__tally_stream_summary(const infl_tally_stream *ts, const infl_block_moments *mom,
                                       uint64_t n_trials, const infl_metric_info *metrics,
                                       char *const *strategy_names, infl_summary **out,
                                       infl_error *err)
{
    *out = NULL;
    const size_t ns = ts->ns, nm = ts->nm;
    infl_summary *sm = calloc(1, sizeof *sm);
    if (sm == NULL)
        goto nomem;
    sm->n_strategies = ns;
    sm->n_metrics = nm;
    sm->n_trials = n_trials;
    sm->strategy_names = infl_names_copy(strategy_names, ns);
    sm->metrics = infl_metric_info_copy(metrics, nm);
    const size_t cells = ns * nm > 0 ? ns * nm : 1, pairs = ns > 0 ? ns * ns : 1;
    sm->stats = calloc(cells, sizeof *sm->stats);
    sm->p_greater = calloc(pairs, sizeof(double));
    sm->p_tie = calloc(pairs, sizeof(double));
    sm->mean_difference = calloc(pairs, sizeof(double));
    sm->se_difference = calloc(pairs, sizeof(double));
    if (!sm->strategy_names || !sm->metrics || !sm->stats || !sm->p_greater || !sm->p_tie ||
        !sm->mean_difference || !sm->se_difference)
        goto nomem;

    for (size_t s = 0; s < ns; s++) {
        for (size_t m = 0; m < nm; m++) {
            size_t c = s * nm + m;
            const infl_moments *mo = &mom->cells[c];
            infl_stat *st = &sm->stats[c];
            uint64_t k = mo->n;
            st->n = k;
            st->n_missing = ts->missing[c];
            st->ratio_of_totals = NAN;
            if (k == 0) {
                st->mean = st->sd = st->se = st->min = st->max = st->p_zero = NAN;
                for (size_t i = 0; i < INFL_N_QUANTILES; i++)
                    st->q[i] = NAN;
            } else {
                st->mean = mo->mean;
                st->sd = k > 1 ? sqrt(mo->m2 / (double)(k - 1)) : NAN;
                st->se = k > 1 ? st->sd / sqrt((double)k) : NAN;
                st->min = ts->min[c];
                st->max = ts->max[c];
                st->p_zero = (double)ts->zeros[c] / (double)k;
                /* Each quantile between two order statistics (quantile.h). */
                uint64_t want[2 * INFL_N_QUANTILES];
                infl__quantile_rank rank[INFL_N_QUANTILES];
                double got[2 * INFL_N_QUANTILES];
                for (size_t i = 0; i < INFL_N_QUANTILES; i++) {
                    rank[i] = infl__quantile_rank_of(infl_quantile_levels[i], k);
                    want[2 * i] = rank[i].lower;
                    want[2 * i + 1] = rank[i].upper;
                }
                order_statistics(&ts->hist[c], metrics[m].integer, want, 2 * INFL_N_QUANTILES, got);
                for (size_t i = 0; i < INFL_N_QUANTILES; i++) {
                    double lo = fmin(fmax(got[2 * i], st->min), st->max);
                    double hi = fmin(fmax(got[2 * i + 1], st->min), st->max);
                    st->q[i] = infl__quantile_between(&rank[i], lo, hi);
                }
            }
            size_t num, den;
            if (metrics[m].ratio && infl__metrics_ratio_parts(m, &num, &den)) {
                double d = mom->cells[s * nm + den].sum;
                st->ratio_of_totals = d > 0 ? mom->cells[s * nm + num].sum / d : NAN;
            }
        }
    }
    for (size_t p = 0; p < ns * ns; p++) {
        const infl_moments *mo = &mom->pairs[p];
        double n = (double)n_trials;
        sm->p_greater[p] = n_trials ? (double)ts->greater[p] / n : NAN;
        sm->p_tie[p] = n_trials ? (double)ts->tie[p] / n : NAN;
        sm->mean_difference[p] = mo->n ? mo->mean : NAN;
        sm->se_difference[p] = mo->n > 1 ? sqrt(mo->m2 / (double)(mo->n - 1)) / sqrt(n) : NAN;
    }
    *out = sm;
    return INFL_OK;

nomem:
    infl_summary_free(sm);
    return infl_error_add(err, INFL_ENOMEM, "out of memory computing the summary");
}

static bool side_save(const hist_side *h, infl_sink sink, void *ctx)
{
    int32_t range[3] = {h->counts != NULL, h->lo, h->hi};
    if (!sink(ctx, range, sizeof range))
        return false;
    return h->counts == NULL ||
           sink(ctx, h->counts, (size_t)(h->hi - h->lo + 1) * SUB * sizeof *h->counts);
}

static bool side_load(hist_side *h, infl_source src, void *ctx)
{
    int32_t range[3];
    if (!src(ctx, range, sizeof range))
        return false;
    if (range[0] == 0)
        return true;
    /* Octaves are biased exponents of doubles, 0 .. 2047. */
    if (range[0] != 1 || range[1] < 0 || range[2] < range[1] || range[2] > 2047)
        return false;
    h->lo = range[1];
    h->hi = range[2];
    size_t n = (size_t)(h->hi - h->lo + 1) * SUB;
    h->counts = malloc(n * sizeof *h->counts);
    return h->counts != NULL && src(ctx, h->counts, n * sizeof *h->counts);
}

bool infl__tally_stream_save(const infl_tally_stream *ts, infl_sink sink, void *ctx)
{
    const size_t cells = ts->ns * ts->nm, pairs = ts->ns * ts->ns;
    if (!sink(ctx, ts->missing, cells * sizeof *ts->missing) ||
        !sink(ctx, ts->zeros, cells * sizeof *ts->zeros) ||
        !sink(ctx, ts->min, cells * sizeof *ts->min) ||
        !sink(ctx, ts->max, cells * sizeof *ts->max) ||
        !sink(ctx, ts->greater, pairs * sizeof *ts->greater) ||
        !sink(ctx, ts->tie, pairs * sizeof *ts->tie))
        return false;
    for (size_t c = 0; c < cells; c++) {
        const histogram *h = &ts->hist[c];
        uint64_t counts[3] = {h->zeros, h->pos_inf, h->neg_inf};
        if (!sink(ctx, counts, sizeof counts) || !side_save(&h->pos, sink, ctx) ||
            !side_save(&h->neg, sink, ctx))
            return false;
    }
    return true;
}

infl_tally_stream *infl__tally_stream_load(size_t n_strategies, size_t n_metrics, infl_source src,
                                           void *ctx)
{
    infl_tally_stream *ts = infl__tally_stream_new(n_strategies, n_metrics);
    if (ts == NULL)
        return NULL;
    const size_t cells = n_strategies * n_metrics, pairs = n_strategies * n_strategies;
    bool ok = src(ctx, ts->missing, cells * sizeof *ts->missing) &&
              src(ctx, ts->zeros, cells * sizeof *ts->zeros) &&
              src(ctx, ts->min, cells * sizeof *ts->min) &&
              src(ctx, ts->max, cells * sizeof *ts->max) &&
              src(ctx, ts->greater, pairs * sizeof *ts->greater) &&
              src(ctx, ts->tie, pairs * sizeof *ts->tie);
    for (size_t c = 0; ok && c < cells; c++) {
        histogram *h = &ts->hist[c];
        uint64_t counts[3];
        ok = src(ctx, counts, sizeof counts) && side_load(&h->pos, src, ctx) &&
             side_load(&h->neg, src, ctx);
        h->zeros = counts[0];
        h->pos_inf = counts[1];
        h->neg_inf = counts[2];
    }
    if (!ok) {
        infl__tally_stream_free(ts);
        return NULL;
    }
    return ts;
}
