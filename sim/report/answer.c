/*
 * answer.c — the report's first sentence: what the file says, in words a
 * boss reads once. Every number in it is computed from the file: the ratio
 * of mean conversions of the best strategy to the weakest, P(the best
 * converts more) from the file's comparisons (same simulated campaigns),
 * the share of campaigns that make a profit on first purchases and, with
 * repeat orders, over the lifetime. The wording follows the numbers (one
 * strategy or several, "neither" or "none", pays back or not), never the
 * other way round.
 */
#include "report/report.h"

#include <math.h>
#include <string.h>

size_t infl__report_best(const infl_summary *sm)
{
    size_t best = 0;
    double best_mean = -INFINITY;
    for (size_t s = 0; s < sm->n_strategies; s++) {
        const infl_stat *c = infl_summary_stat(sm, s, "conversions");
        if (c != NULL && c->mean > best_mean) {
            best_mean = c->mean;
            best = s;
        }
    }
    return best;
}

bool infl__report_has_repeat_orders(const infl_summary *sm)
{
    for (size_t s = 0; s < sm->n_strategies; s++) {
        const infl_stat *o = infl_summary_stat(sm, s, "orders");
        const infl_stat *c = infl_summary_stat(sm, s, "conversions");
        if (o && c && o->mean > c->mean)
            return true;
    }
    return false;
}

double infl__report_share_positive(const infl_stat *st, bool *exact)
{
    *exact = true;
    if (st == NULL || st->n == 0)
        return NAN;
    if (st->max <= 0)
        return 0;
    if (st->min > 0)
        return 1;
    *exact = false;
    /* The distribution function through (min, 0), the quantiles, (max, 1). */
    double xs[INFL_N_QUANTILES + 2], ps[INFL_N_QUANTILES + 2];
    xs[0] = st->min;
    ps[0] = 0;
    for (size_t i = 0; i < INFL_N_QUANTILES; i++) {
        xs[i + 1] = st->q[i];
        ps[i + 1] = infl_quantile_levels[i];
    }
    xs[INFL_N_QUANTILES + 1] = st->max;
    ps[INFL_N_QUANTILES + 1] = 1;
    /* P(X <= 0): the last point at or below 0, interpolated to the next. */
    double cdf = 0;
    for (size_t i = 0; i + 1 < INFL_N_QUANTILES + 2; i++) {
        if (xs[i] <= 0 && xs[i + 1] > 0) {
            double w = xs[i + 1] - xs[i];
            cdf = w > 0 ? ps[i] + (ps[i + 1] - ps[i]) * (0 - xs[i]) / w : ps[i];
            break;
        }
        if (xs[i + 1] <= 0)
            cdf = ps[i + 1];
    }
    return 1 - cdf;
}

static void name(infl__strbuf *b, const infl_summary *sm, size_t s)
{
    infl__strbuf_put(b, "<b>");
    infl__report_escape(b, sm->strategy_names[s]);
    infl__strbuf_put(b, "</b>");
}

/* The first letter of the sentence is the strategy's name, as written. */
static void conversions_clause(infl__strbuf *b, const infl_summary *sm, size_t best)
{
    const size_t ns = sm->n_strategies;
    const infl_stat *cb = infl_summary_stat(sm, best, "conversions");
    char num[64], lo[64], hi[64];
    if (ns == 1 || cb == NULL) {
        infl__report_number(num, sizeof num, cb ? cb->mean : NAN, cb ? cb->se : NAN);
        infl__report_number(lo, sizeof lo, cb ? cb->q[1] : NAN, 0);
        infl__report_number(hi, sizeof hi, cb ? cb->q[7] : NAN, 0);
        name(b, sm, best);
        infl__strbuf_put(b,
                         " sells about %s for this budget (%s to %s in 90\xc2\xa0%% of simulated "
                         "campaigns)",
                         num, lo, hi);
        return;
    }
    /* The weakest by mean conversions: the contrast the decision is about. */
    size_t worst = best;
    double worst_mean = INFINITY;
    for (size_t s = 0; s < ns; s++) {
        const infl_stat *c = infl_summary_stat(sm, s, "conversions");
        if (s != best && c != NULL && c->mean < worst_mean) {
            worst_mean = c->mean;
            worst = s;
        }
    }
    name(b, sm, best);
    double ratio = worst_mean > 0 ? cb->mean / worst_mean : INFINITY;
    if (worst_mean <= 0) {
        infl__report_number(num, sizeof num, cb->mean, cb->se);
        infl__strbuf_put(b, " sells about %s for this budget, ", num);
        name(b, sm, worst);
        infl__strbuf_put(b, " none");
    } else if (ratio < 1.05) {
        infl__strbuf_put(b, " sells about as much as ");
        name(b, sm, worst);
        infl__strbuf_put(b, " for this budget");
    } else {
        char times[32];
        infl__report_times(times, sizeof times, ratio);
        infl__strbuf_put(b, " sells about %s as much as ", times);
        name(b, sm, worst);
        infl__strbuf_put(b, " for this budget");
    }
    char pct[64];
    infl__report_percent(pct, sizeof pct, sm->p_greater[best * ns + worst]);
    infl__strbuf_put(b, " and beats it in %s of simulated campaigns", pct);
    /* The others, each with its own P(beats). */
    bool first = true;
    for (size_t s = 0; s < ns; s++) {
        if (s == best || s == worst)
            continue;
        infl__report_percent(pct, sizeof pct, sm->p_greater[best * ns + s]);
        infl__strbuf_put(b, first ? " (" : ", ");
        infl__strbuf_put(b, "%s", pct);
        infl__strbuf_put(b, " against ");
        name(b, sm, s);
        first = false;
    }
    if (!first)
        infl__strbuf_put(b, ")");
}

/* "neither pays back on first purchases", "X breaks even in 62 % ...". */
static void money_clause(infl__strbuf *b, const infl_summary *sm, const double *p, bool exact,
                         const char *what, bool ltv)
{
    const size_t ns = sm->n_strategies;
    size_t top = 0;
    double top_p = -1;
    bool any = false;
    for (size_t s = 0; s < ns; s++) {
        if (!isnan(p[s]) && p[s] > top_p) {
            top_p = p[s];
            top = s;
            any = true;
        }
    }
    if (!any)
        return;
    infl__strbuf_put(b, "; ");
    const char *who = ns == 1 ? "it never" : ns == 2 ? "neither" : "none";
    /* "None" only when no campaign did: an estimate from the quantiles of
     * a share above 0 is said as a share. */
    if (top_p == 0) {
        if (ltv)
            infl__strbuf_put(b, "even with repeat orders %s pays back", who);
        else
            infl__strbuf_put(b, "%s pays back %s", who, what);
        return;
    }
    char pct[64];
    infl__report_percent(pct, sizeof pct, top_p);
    infl__strbuf_put(b, "%s", ltv ? "with repeat orders " : "");
    name(b, sm, top);
    if (top_p >= 1)
        infl__strbuf_put(b, " pays back%s%s in every simulated campaign", ltv ? "" : " ",
                         ltv ? "" : what);
    else
        infl__strbuf_put(b, " breaks even%s%s in %s%s of campaigns", ltv ? "" : " ",
                         ltv ? "" : what, exact || pct[0] < '0' || pct[0] > '9' ? "" : "about ",
                         pct);
}

void infl__report_answer(infl__strbuf *b, const infl_summary *sm, const double *p_profit,
                         const double *p_ltv, bool p_exact)
{
    size_t best = infl__report_best(sm);
    conversions_clause(b, sm, best);
    if (p_profit != NULL)
        money_clause(b, sm, p_profit, p_exact, "on first purchases", false);
    if (p_ltv != NULL && infl__report_has_repeat_orders(sm))
        money_clause(b, sm, p_ltv, p_exact, "with repeat orders", true);
    infl__strbuf_put(b, ".");
}
