/*
 * sens_report.c — a sensitivity study on screen: the decision first (the
 * compared pair's difference, the factors ranked by how much they move it,
 * and where the ranking flips), then each strategy's mean conversions and
 * profit, then whether the runs' Monte Carlo noise is small enough for the
 * indices to be read at all.
 */
#include "cli.h"

#include "influsim/sensitivity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* What ranks factors for target t: the method's main index. */
static double importance(const infl_sens_result *r, size_t f, size_t t)
{
    const infl_sens_index *x = &r->indices[f * r->n_targets + t];
    switch (r->method) {
    case INFL_SENS_TORNADO:
        return x->swing;
    case INFL_SENS_MORRIS:
        return x->mu_star.value;
    case INFL_SENS_SOBOL:
        break;
    }
    return x->st.value;
}

typedef struct {
    const infl_sens_result *r;
    size_t *targets; /* rank by the largest importance over these */
    size_t n_targets;
} rank_by;

static double rank_key(const rank_by *by, size_t f)
{
    double best = -INFINITY;
    for (size_t i = 0; i < by->n_targets; i++) {
        double v = importance(by->r, f, by->targets[i]);
        if (isfinite(v) && v > best)
            best = v;
    }
    return best;
}

/* The factors in decreasing order of importance (ties: in the study's order). */
static size_t *ranked(const rank_by *by)
{
    const size_t k = by->r->n_factors;
    size_t *order = malloc((k ? k : 1) * sizeof *order);
    double *key = malloc((k ? k : 1) * sizeof *key);
    if (order == NULL || key == NULL) {
        free(order);
        free(key);
        return NULL;
    }
    for (size_t f = 0; f < k; f++) {
        order[f] = f;
        key[f] = rank_key(by, f);
    }
    /* Insertion sort: stable, and k is at most a few hundred. */
    for (size_t i = 1; i < k; i++) {
        size_t v = order[i], j = i;
        while (j > 0 && key[order[j - 1]] < key[v]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
    free(key);
    return order;
}

/* A number in a table: 4 significant digits, "-" for NaN. */
static const char *num(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else if (v != 0 && fabs(v) < 1e-3)
        snprintf(buf, size, "%.1e", v);
    else if (fabs(v) >= 1e4 && fabs(v) < 1e12)
        snprintf(buf, size, "%.0f", v); /* money: whole units, no exponent */
    else
        snprintf(buf, size, "%.4g", v);
    return buf;
}

/* An index and its interval: "0.412 [0.380, 0.445]". */
static const char *interval(char *buf, size_t size, infl_sens_interval x)
{
    if (isnan(x.value))
        snprintf(buf, size, "-");
    else if (isnan(x.lo))
        snprintf(buf, size, "%.3f", x.value);
    else
        snprintf(buf, size, "%.3f [%.3f, %.3f]", x.value, x.lo, x.hi);
    return buf;
}

/* A factor's range: "0.07 .. 0.13 (base 0.1)". */
static const char *range(char *buf, size_t size, const infl_factor *f)
{
    snprintf(buf, size, "%.4g .. %.4g%s", f->lo, f->hi, f->scale == INFL_FACTOR_LOG ? " log" : "");
    return buf;
}

static size_t label_width(const infl_sens_result *r, const size_t *order, size_t n)
{
    size_t w = 6;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(r->factors[order[i]].label);
        if (l > w)
            w = l;
    }
    return w > 44 ? 44 : w;
}

/* The decision's table: one row per factor, the method's statistics of the
 * pair's difference in mean conversions. */
static void print_decision(FILE *out, const infl_sens_result *r, size_t top)
{
    const size_t d0 = r->n_strategies * INFL_SENS_N_OUTPUTS, t = d0 + INFL_SENS_DIFFERENCE,
                 tp = d0 + INFL_SENS_P_BEATS;
    const char *a = r->strategy_names[r->compare_a], *b = r->strategy_names[r->compare_b];
    size_t targets[] = {t};
    rank_by by = {r, targets, 1};
    size_t *order = ranked(&by);
    if (order == NULL)
        return;
    const size_t n = top == 0 || top > r->n_factors ? r->n_factors : top;
    const int w = (int)label_width(r, order, n);
    char x1[64], x2[64], x3[64], x4[64];
    fprintf(out, "\nThe decision: %s against %s, mean conversions of %s minus %s\n", a, b, a, b);
    fprintf(out, "at base: %s (se %s), P(%s converts more in one campaign) = %s\n\n",
            num(x1, sizeof x1, r->base[t]), num(x2, sizeof x2, sqrt(r->noise[t])), a,
            num(x3, sizeof x3, r->base[tp]));
    switch (r->method) {
    case INFL_SENS_TORNADO:
        fprintf(out, "%4s  %-*s  %-24s  %10s  %10s  %10s  leader low/high\n", "rank", w, "factor",
                "range", "at low", "at high", "swing");
        for (size_t i = 0; i < n; i++) {
            const size_t f = order[i];
            const infl_sens_index *x = &r->indices[f * r->n_targets + t];
            char rg[64];
            fprintf(out, "%4zu  %-*.*s  %-24s  %10s  %10s  %10s  %s/%s\n", i + 1, w, w,
                    r->factors[f].label, range(rg, sizeof rg, &r->factors[f]),
                    num(x1, sizeof x1, x->at_lo), num(x2, sizeof x2, x->at_hi),
                    num(x3, sizeof x3, x->swing),
                    x->at_lo > 0   ? a
                    : x->at_lo < 0 ? b
                                   : "tie",
                    x->at_hi > 0   ? a
                    : x->at_hi < 0 ? b
                                   : "tie");
        }
        break;
    case INFL_SENS_MORRIS:
        fprintf(out, "%4s  %-*s  %-26s  %10s  %10s\n", "rank", w, "factor", "mu* [interval]", "mu",
                "sigma");
        for (size_t i = 0; i < n; i++) {
            const size_t f = order[i];
            const infl_sens_index *x = &r->indices[f * r->n_targets + t];
            fprintf(out, "%4zu  %-*.*s  %-26s  %10s  %10s\n", i + 1, w, w, r->factors[f].label,
                    interval(x1, sizeof x1, x->mu_star), num(x2, sizeof x2, x->mu),
                    num(x3, sizeof x3, x->sigma));
        }
        fputs("(effects per full range of the factor, in conversions)\n", out);
        break;
    case INFL_SENS_SOBOL:
        fprintf(out, "%4s  %-*s  %-26s  %-26s\n", "rank", w, "factor", "total ST [interval]",
                "first-order S1 [interval]");
        for (size_t i = 0; i < n; i++) {
            const size_t f = order[i];
            const infl_sens_index *x = &r->indices[f * r->n_targets + t];
            fprintf(out, "%4zu  %-*.*s  %-26s  %-26s\n", i + 1, w, w, r->factors[f].label,
                    interval(x1, sizeof x1, x->st), interval(x4, sizeof x4, x->s1));
        }
        break;
    }
    if (n < r->n_factors)
        fprintf(out, "(%zu more factor%s in the file; --top 0 lists all)\n", r->n_factors - n,
                r->n_factors - n == 1 ? "" : "s");
    free(order);
}

/* Where the pair's ranking flips (tornado), or how often each leads across
 * the design (the others). */
static void print_flips(FILE *out, const infl_sens_result *r)
{
    const char *a = r->strategy_names[r->compare_a], *b = r->strategy_names[r->compare_b];
    if (r->method == INFL_SENS_TORNADO) {
        if (r->n_flips == 0) {
            fprintf(out,
                    "\nNo factor alone, within its range, changes which of %s and %s "
                    "converts more on average.\n",
                    a, b);
            return;
        }
        fprintf(out, "\nWhere the ranking flips (one factor moved, the others at base):\n");
        for (size_t i = 0; i < r->n_flips; i++) {
            const infl_sens_flip *fl = &r->flips[i];
            const infl_factor *f = &r->factors[fl->factor];
            fprintf(out, "  %s = %.4g (base %.4g): %s leads below, %s above  [%s]\n", f->label,
                    fl->at, f->base, r->strategy_names[fl->from], r->strategy_names[fl->to],
                    f->key);
        }
        return;
    }
    const size_t d0 = r->n_strategies * INFL_SENS_N_OUTPUTS;
    size_t ahead = 0, n = 0;
    for (size_t run = 1; run < r->n_runs; run++, n++)
        ahead += r->targets[run * r->n_targets + d0 + INFL_SENS_DIFFERENCE] > 0;
    fprintf(out,
            "\n%s converts more than %s on average in %zu of the design's %zu runs (%.1f %%)\n", a,
            b, ahead, n, n ? 100.0 * (double)ahead / (double)n : 0.0);
    size_t *best = calloc(r->n_strategies, sizeof *best);
    if (best == NULL)
        return;
    for (size_t run = 1; run < r->n_runs; run++)
        best[r->best[run]]++;
    fputs("best strategy by mean conversions:", out);
    for (size_t s = 0; s < r->n_strategies; s++)
        fprintf(out, " %s %.1f %%%s", r->strategy_names[s],
                n ? 100.0 * (double)best[s] / (double)n : 0.0,
                s + 1 < r->n_strategies ? "," : "\n");
    free(best);
}

/* One output of every strategy: a column per strategy, factors ranked by
 * the largest index over them. */
static void print_output(FILE *out, const infl_sens_result *r, infl_sens_output o, size_t top,
                         const char *what)
{
    const size_t ns = r->n_strategies;
    size_t *targets = malloc(ns * sizeof *targets);
    if (targets == NULL)
        return;
    for (size_t s = 0; s < ns; s++)
        targets[s] = s * INFL_SENS_N_OUTPUTS + o;
    rank_by by = {r, targets, ns};
    size_t *order = ranked(&by);
    if (order == NULL) {
        free(targets);
        return;
    }
    const size_t n = top == 0 || top > r->n_factors ? r->n_factors : top;
    const int w = (int)label_width(r, order, n);
    const char *index = r->method == INFL_SENS_TORNADO  ? "swing (high end - low end)"
                        : r->method == INFL_SENS_MORRIS ? "mu*"
                                                        : "total index ST";
    fprintf(out, "\n%s: %s per strategy\n%4s  %-*s", what, index, "rank", w, "factor");
    for (size_t s = 0; s < ns; s++)
        fprintf(out, "  %12.12s", r->strategy_names[s]);
    fprintf(out, "\n%4s  %-*s", "", w, "at base");
    char x[64];
    for (size_t s = 0; s < ns; s++)
        fprintf(out, "  %12s", num(x, sizeof x, r->base[targets[s]]));
    fputc('\n', out);
    for (size_t i = 0; i < n; i++) {
        const size_t f = order[i];
        fprintf(out, "%4zu  %-*.*s", i + 1, w, w, r->factors[f].label);
        for (size_t s = 0; s < ns; s++) {
            const infl_sens_index *ix = &r->indices[f * r->n_targets + targets[s]];
            double v = r->method == INFL_SENS_TORNADO ? ix->at_hi - ix->at_lo
                                                      : importance(r, f, targets[s]);
            fprintf(out, "  %12s", num(x, sizeof x, v));
        }
        fputc('\n', out);
    }
    free(order);
    free(targets);
}

/* The noise against the design's variance: a warning per target over the
 * limit, or one line saying all are under. */
static void print_noise(FILE *out, const infl_sens_result *r)
{
    char name[256];
    size_t over = 0, worst = 0;
    double worst_share = -1;
    for (size_t t = 0; t < r->n_targets; t++) {
        double share = r->design[t] > 0 ? r->noise[t] / r->design[t] : NAN;
        if (isfinite(share) && share > worst_share) {
            worst_share = share;
            worst = t;
        }
        over += r->trials_needed[t] > 0;
    }
    fputc('\n', out);
    if (over == 0) {
        if (worst_share >= 0)
            fprintf(out,
                    "Monte Carlo noise: under %.0f %% of the design's variance for every output "
                    "(largest %.1f %%, %s)\n",
                    100 * INFL_SENS_NOISE_LIMIT, 100 * worst_share,
                    infl_sens_target_name(r, worst, name, sizeof name));
        return;
    }
    fprintf(out,
            "warning: for %zu of the %zu outputs, one run's Monte Carlo variance is over %.0f %% "
            "of the variance across the design, so their indices are biased (noise counts as "
            "sensitivity); more trials per run fix it:\n",
            over, r->n_targets, 100 * INFL_SENS_NOISE_LIMIT);
    for (size_t t = 0; t < r->n_targets; t++)
        if (r->trials_needed[t] > 0)
            fprintf(out, "  %-40s noise %5.1f %% of the design's variance: -n %llu\n",
                    infl_sens_target_name(r, t, name, sizeof name),
                    100 * r->noise[t] / r->design[t], (unsigned long long)r->trials_needed[t]);
}

void infl_sens_print(FILE *out, const infl_sens_result *r, const char *scenario_name,
                     const char *currency, double wall_seconds, size_t top)
{
    fprintf(out,
            "%s: %s of %zu factor%s, %zu runs of %llu trials each, seed %llu, %u thread%s, "
            "%.2f s\n",
            scenario_name, infl_sens_method_name(r->method), r->n_factors,
            r->n_factors == 1 ? "" : "s", r->n_runs, (unsigned long long)r->trials,
            (unsigned long long)r->seed, r->threads, r->threads == 1 ? "" : "s", wall_seconds);
    if (r->method == INFL_SENS_SOBOL)
        fprintf(out, "Sobol: N = %zu, %zu bootstrap replicates, %.0f %% intervals\n", r->samples,
                r->bootstrap, 100 * r->confidence);
    else if (r->method == INFL_SENS_MORRIS)
        fprintf(out,
                "Morris: %zu trajectories on %zu levels, %zu bootstrap replicates, %.0f %% "
                "intervals\n",
                r->samples, r->levels, r->bootstrap, 100 * r->confidence);
    print_decision(out, r, top);
    print_flips(out, r);
    print_output(out, r, INFL_SENS_CONVERSIONS_MEAN, top, "Mean conversions");
    char what[64];
    snprintf(what, sizeof what, "Mean profit (%s)", currency);
    print_output(out, r, INFL_SENS_PROFIT_MEAN, top, what);
    print_noise(out, r);
}
