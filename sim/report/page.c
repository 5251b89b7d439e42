/*
 * page.c — the report of a results file (influsim/report.h): reads the file
 * through the library's guarded readers (its kind first, then the reader of
 * that kind and the report's extras), and writes one self-contained page:
 * the answer in a sentence, the table, the figures, the assumptions, what
 * the model leaves out, and where the numbers came from. Nothing on the
 * page is fetched: the style sheet and the SVG figures are inline, there is
 * no script. The page is built in memory and written atomically
 * (base/atomic_file.h), so a failure leaves no half page behind.
 */
#include "report/report.h"

#include "base/atomic_file.h"
#include "h5/report_reader.h"

#include "influsim/h5.h"
#include "influsim/report.h"
#include "influsim/version.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What every kind of page shares. */
typedef struct {
    const char *path;
    infl_h5_kind kind;
    const infl_h5_meta *meta;
    const infl__h5_report_extras *x;
    char sha[65];
    infl_h5_integrity integrity;
} page;

static const char *kind_name(infl_h5_kind k)
{
    switch (k) {
    case INFL_H5_KIND_RUN:
        return "a run";
    case INFL_H5_KIND_SWEEP:
        return "a sweep";
    case INFL_H5_KIND_OPTIMIZE:
        return "an optimisation";
    case INFL_H5_KIND_SELECT:
        return "a creator selection";
    case INFL_H5_KIND_SENSITIVITY:
        return "a sensitivity study";
    }
    return "a results file";
}

/* The trials behind each number: a sweep's, select's and sensitivity
 * study's files record trials_done 0, and trials is then a point's. */
static uint64_t trials_of(const infl_h5_meta *m)
{
    return m->trials_done ? m->trials_done : m->trials;
}

static const char *trials_where(infl_h5_kind k)
{
    return k == INFL_H5_KIND_SWEEP         ? " at each point"
           : k == INFL_H5_KIND_SENSITIVITY ? " at each evaluation"
                                           : "";
}

static void head(infl__strbuf *b, const page *p)
{
    const char *name = p->meta->scenario_name ? p->meta->scenario_name : "influsim";
    infl__strbuf_put(b,
                     "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<meta name=\"generator\" content=\"influsim %s\">\n<title>",
                     infl_version());
    infl__report_escape(b, name);
    infl__strbuf_put(b,
                     " \xe2\x80\x94 influsim report</title>\n<style>\n%s</style>\n</head>\n"
                     "<body>\n<header>\n<h1>",
                     infl__report_css);
    infl__report_escape(b, name);
    infl__strbuf_put(b, "</h1>\n<p class=\"sub\">The report of %s: ", kind_name(p->kind));
    char n[64];
    infl__report_number(n, sizeof n, (double)trials_of(p->meta), 0);
    infl__strbuf_put(b, "%s simulated campaigns%s", n, trials_where(p->kind));
    if (p->x && isfinite(p->x->budget) && p->x->budget > 0) {
        char money[64];
        infl__report_money(money, sizeof money, p->x->budget, p->meta->currency);
        infl__strbuf_put(b, ", a budget of %s", money);
    }
    infl__strbuf_put(b, ".</p>\n");
    /* What show says on stderr, on the page: it may be handed on without
     * the terminal. */
    if (p->integrity == INFL_H5_MODIFIED)
        infl__strbuf_put(b, "<p class=\"warn\" id=\"integrity\">This file has changed since "
                            "influsim wrote it (edited, or a dataset added); everything in it "
                            "reads back with valid checksums, and the page shows it as it is "
                            "now.</p>\n");
    else if (p->integrity == INFL_H5_UNVERIFIED)
        infl__strbuf_put(b, "<p class=\"warn\" id=\"integrity\">This file has no integrity "
                            "record (written before influsim recorded one), so it cannot be "
                            "verified.</p>\n");
    infl__strbuf_put(b, "</header>\n");
}

static void answer_open(infl__strbuf *b)
{
    infl__strbuf_put(b, "<p class=\"answer\" id=\"answer\">");
}

static void answer_close(infl__strbuf *b)
{
    infl__strbuf_put(b, "</p>\n");
}

/* --- runs (and the run at an optimum) ----------------------------------- */

static double mean_of(const infl_summary *sm, size_t s, const char *metric)
{
    const infl_stat *st = infl_summary_stat(sm, s, metric);
    return st ? st->mean : NAN;
}

static double total_of(const infl_summary *sm, size_t s, const char *metric)
{
    const infl_stat *st = infl_summary_stat(sm, s, metric);
    return st ? st->ratio_of_totals : NAN;
}

/* An end of a 90 % range: a quantile interpolated between counts, whole
 * from 10 up, else to 2 significant digits. */
static void range_number(char *buf, size_t size, double v)
{
    if (fabs(v) >= 10 || v == floor(v) || isnan(v))
        infl__report_number(buf, size, round(v), 0);
    else
        infl__report_number(buf, size, v,
                            infl__report_pow10((int)floor(infl__report_log10(fabs(v)))));
}

/* A share for a table cell: "<1 %" and ">99 %" for the sentence's "fewer
 * than 1 %" and "more than 99 %". */
static void cell_percent(char *buf, size_t size, double share)
{
    if (share > 0 && share < 0.005)
        snprintf(buf, size, "&lt;1\xc2\xa0%%");
    else if (share < 1 && share >= 0.995)
        snprintf(buf, size, "&gt;99\xc2\xa0%%");
    else
        infl__report_percent(buf, size, share);
}

static void td_num(infl__strbuf *b, const char *text)
{
    infl__strbuf_put(b, "<td class=\"n\">%s</td>", text);
}

/* P(s beats the best other): the best against the runner-up by mean, any
 * other against the best. */
static void beats_cell(infl__strbuf *b, const infl_summary *sm, size_t s, size_t best)
{
    const size_t ns = sm->n_strategies;
    char pct[64];
    if (ns < 2) {
        td_num(b, "\xe2\x80\x93");
        return;
    }
    size_t other = best;
    if (s == best) {
        double m = -INFINITY;
        for (size_t t = 0; t < ns; t++)
            if (t != best && mean_of(sm, t, "conversions") > m) {
                m = mean_of(sm, t, "conversions");
                other = t;
            }
    }
    infl__report_percent(pct, sizeof pct, sm->p_greater[s * ns + other]);
    infl__strbuf_put(b, "<td class=\"n\">%s<br><small>than ", pct);
    infl__report_escape(b, sm->strategy_names[other]);
    infl__strbuf_put(b, "</small></td>");
}

static void strategies_table(infl__strbuf *b, const infl_summary *sm, const page *p,
                             const double *p_profit, const double *p_ltv)
{
    const size_t ns = sm->n_strategies;
    const char *cur = p->meta->currency;
    bool ltv = infl__report_has_repeat_orders(sm);
    size_t best = infl__report_best(sm);
    infl__strbuf_put(b,
                     "<section id=\"strategies\">\n<h2>The strategies</h2>\n"
                     "<table class=\"strategies\"><thead><tr><th>strategy</th>"
                     "<th class=\"n\">sales<br><small>average</small></th>"
                     "<th class=\"n\">sales<br><small>90&nbsp;%% range</small></th>"
                     "<th class=\"n\">spent, %s<br><small>average (unspent)</small></th>"
                     "<th class=\"n\">ROI<br><small>all campaigns</small></th>"
                     "<th class=\"n\">cost per sale<br><small>%s</small></th>"
                     "<th class=\"n\">profitable<br><small>first purchases</small></th>",
                     cur ? cur : "", cur ? cur : "");
    if (ltv)
        infl__strbuf_put(b,
                         "<th class=\"n\">lifetime profit<br><small>average, %s</small></th>"
                         "<th class=\"n\">profitable<br><small>with repeat orders</small></th>",
                         cur ? cur : "");
    if (ns <= 2)
        infl__strbuf_put(b, "<th class=\"n\">sells more<br><small>same campaigns</small></th>");
    infl__strbuf_put(b, "</tr></thead><tbody>\n");
    for (size_t s = 0; s < ns; s++) {
        const infl_stat *c = infl_summary_stat(sm, s, "conversions");
        char v[96], lo[64], hi[64];
        infl__strbuf_put(b, "<tr data-strategy=\"");
        infl__report_escape(b, sm->strategy_names[s]);
        infl__strbuf_put(b, "\"><td>");
        infl__report_escape(b, sm->strategy_names[s]);
        infl__strbuf_put(b, "</td>");
        infl__report_number(v, sizeof v, c ? c->mean : NAN, c ? c->se : NAN);
        infl__strbuf_put(b, "<td class=\"n\" data-mean=\"%.17g\" data-se=\"%.17g\">%s</td>",
                         c ? c->mean : NAN, c ? c->se : NAN, v);
        range_number(lo, sizeof lo, c ? c->q[1] : NAN);
        range_number(hi, sizeof hi, c ? c->q[7] : NAN);
        infl__strbuf_put(b, "<td class=\"n\">%s\xe2\x80\x93%s</td>", lo, hi);
        char un[64];
        infl__report_money(v, sizeof v, mean_of(sm, s, "spend"), NULL);
        infl__report_money(un, sizeof un, mean_of(sm, s, "unspent"), NULL);
        infl__strbuf_put(b, "<td class=\"n\">%s<br><small>(%s)</small></td>", v, un);
        double roi = total_of(sm, s, "roi");
        if (isnan(roi))
            snprintf(v, sizeof v, "\xe2\x80\x93");
        else
            snprintf(v, sizeof v, "%s%.0f\xc2\xa0%%", roi < 0 ? "\xe2\x88\x92" : "",
                     fabs(roi) * 100);
        td_num(b, v);
        infl__report_money(v, sizeof v, total_of(sm, s, "cost_per_acquisition"), NULL);
        td_num(b, v);
        cell_percent(v, sizeof v, p_profit ? p_profit[s] : NAN);
        td_num(b, v);
        if (ltv) {
            infl__report_money(v, sizeof v, mean_of(sm, s, "ltv_profit"), NULL);
            td_num(b, v);
            cell_percent(v, sizeof v, p_ltv ? p_ltv[s] : NAN);
            td_num(b, v);
        }
        if (ns <= 2)
            beats_cell(b, sm, s, best);
        infl__strbuf_put(b, "</tr>\n");
    }
    infl__strbuf_put(b, "</tbody></table>\n<p class=\"note\">Sales are first purchases per "
                        "campaign; an average is rounded to what its Monte Carlo error supports. "
                        "ROI is total profit over total spend across all simulated campaigns; "
                        "cost per sale, total spend over total sales. <i>Profitable</i>: the "
                        "share of campaigns whose sales pay back what was spent. How often one "
                        "strategy sells more than another is counted over the same simulated "
                        "campaigns (the same market, the same creators).</p>\n");
    if (ns > 2) {
        infl__strbuf_put(b, "<h3>How often the row sells more than the column</h3>\n"
                            "<table class=\"pairs\"><thead><tr><th></th>");
        for (size_t t = 0; t < ns; t++) {
            infl__strbuf_put(b, "<th class=\"n\">");
            infl__report_escape(b, sm->strategy_names[t]);
            infl__strbuf_put(b, "</th>");
        }
        infl__strbuf_put(b, "</tr></thead><tbody>\n");
        for (size_t s = 0; s < ns; s++) {
            infl__strbuf_put(b, "<tr><th>");
            infl__report_escape(b, sm->strategy_names[s]);
            infl__strbuf_put(b, "</th>");
            for (size_t t = 0; t < ns; t++) {
                char pct[64] = "\xe2\x80\x93";
                if (s != t)
                    cell_percent(pct, sizeof pct, sm->p_greater[s * ns + t]);
                td_num(b, pct);
            }
            infl__strbuf_put(b, "</tr>\n");
        }
        infl__strbuf_put(b, "</tbody></table>\n");
    }
    infl__strbuf_put(b, "</section>\n");
}

/* The shares of profitable campaigns: counted from the trials where the
 * file kept them, else estimated from the quantiles (*exact false). */
static void profit_shares(const infl_summary *sm, const infl__h5_report_extras *x, double *pp,
                          double *pl, bool *exact)
{
    *exact = true;
    for (size_t s = 0; s < sm->n_strategies; s++) {
        bool counted = x != NULL && s < x->n_strategies &&
                       strcmp(x->strategies[s], sm->strategy_names[s]) == 0 &&
                       !isnan(x->p_profit[s]);
        if (counted) {
            pp[s] = x->p_profit[s];
            pl[s] = x->p_ltv_profit[s];
            continue;
        }
        bool e1 = true, e2 = true;
        pp[s] = infl__report_share_positive(infl_summary_stat(sm, s, "profit"), &e1);
        pl[s] = infl__report_share_positive(infl_summary_stat(sm, s, "ltv_profit"), &e2);
        *exact = *exact && e1 && e2;
    }
}

static void figure(infl__strbuf *b, const char *caption)
{
    infl__strbuf_put(b, "<figcaption>");
    infl__report_escape(b, caption);
    infl__strbuf_put(b, "</figcaption></figure>\n");
}

static void run_figures(infl__strbuf *b, const infl_summary *sm, const page *p)
{
    infl__strbuf_put(b, "<section id=\"figures\">\n<h2>Figures</h2>\n<figure>");
    infl__report_figure_conversions(b, sm);
    figure(b, "Each bar spans the middle 90 % of simulated campaigns (the darker part the middle "
              "half); the white tick is the median campaign, the black one the average.");
    if (infl_summary_stat(sm, 0, "profit") != NULL) {
        infl__strbuf_put(b, "<figure>");
        infl__report_figure_money(b, sm, p->meta->currency);
        figure(b, "Profit is revenue less the product's cost and the campaign's spend; to the "
                  "right of the dashed line a campaign pays for itself.");
    }
    infl__strbuf_put(b, "</section>\n");
}

static void render_run_body(infl__strbuf *b, const infl_summary *sm, const page *p,
                            bool with_answer)
{
    const size_t ns = sm->n_strategies;
    double *pp = calloc(ns ? ns : 1, sizeof *pp), *pl = calloc(ns ? ns : 1, sizeof *pl);
    if (pp == NULL || pl == NULL) {
        b->failed = true;
        free(pp);
        free(pl);
        return;
    }
    bool exact = true;
    profit_shares(sm, p->x, pp, pl, &exact);
    bool has_profit = infl_summary_stat(sm, 0, "profit") != NULL;
    if (with_answer) {
        answer_open(b);
        infl__report_answer(b, sm, has_profit ? pp : NULL, has_profit ? pl : NULL, exact);
        answer_close(b);
    }
    strategies_table(b, sm, p, pp, pl);
    run_figures(b, sm, p);
    free(pp);
    free(pl);
}

/* An optimiser's: the optimum first, then the run of the strategies. */
static void render_optimize_body(infl__strbuf *b, const infl_summary *sm, const page *p)
{
    const infl__h5_report_extras *x = p->x;
    if (x == NULL || !x->has_optimize) {
        render_run_body(b, sm, p, true);
        return;
    }
    char v[64], se[64];
    infl__report_number(v, sizeof v, x->opt_value, x->opt_se);
    infl__report_number(se, sizeof se, x->opt_se, x->opt_se);
    answer_open(b);
    infl__strbuf_put(b, "The best split of the budget gives ");
    for (size_t t = 0; t < x->opt_n_tiers; t++) {
        infl__strbuf_put(b, "%s%.0f\xc2\xa0%% to <b>",
                         t == 0                    ? ""
                         : t + 1 == x->opt_n_tiers ? " and "
                                                   : ", ",
                         x->opt_optimum[t] * 100);
        infl__report_escape(b, x->opt_tiers[t]);
        infl__strbuf_put(b, "</b>");
    }
    infl__strbuf_put(b, ": ");
    infl__report_escape(b, x->opt_long_name);
    infl__strbuf_put(b, " about %s (\xc2\xb1\xc2\xa0%s)", v, se);
    if (p->meta->currency != NULL && strcmp(x->opt_units, p->meta->currency) == 0)
        infl__strbuf_put(b, " %s", p->meta->currency);
    infl__strbuf_put(b, ".");
    answer_close(b);
    infl__strbuf_put(b, "<section id=\"optimum\">\n<h2>The optimum</h2>\n<table><thead><tr>"
                        "<th>tier</th><th class=\"n\">share of the budget</th></tr></thead>"
                        "<tbody>\n");
    for (size_t t = 0; t < x->opt_n_tiers; t++) {
        infl__strbuf_put(b, "<tr><td>");
        infl__report_escape(b, x->opt_tiers[t]);
        infl__strbuf_put(b, "</td><td class=\"n\">%.1f\xc2\xa0%%</td></tr>\n",
                         x->opt_optimum[t] * 100);
    }
    infl__strbuf_put(b, "</tbody></table>\n<figure>");
    infl__report_figure_objective(b, x->opt_n_tiers ? x->opt_tiers[0] : "", x->opt_shares,
                                  x->opt_n_tiers, x->opt_values, x->opt_ses, x->opt_n_points,
                                  x->opt_optimum, x->opt_value, x->opt_long_name, true);
    figure(b, "Every split the optimiser evaluated, with its Monte Carlo error; the circle marks "
              "the optimum (its value from the run at the optimum).");
    infl__strbuf_put(b, "</section>\n");
    render_run_body(b, sm, p, false);
}

/* --- sweeps -------------------------------------------------------------- */

static size_t leader(const infl_summary *sm)
{
    return infl__report_best(sm);
}

static void axis_value(char *buf, size_t size, const infl_sweep_axis *a, double v,
                       const char *currency)
{
    if (strcmp(a->key, "budget") == 0 || strstr(a->key, "price") != NULL ||
        strstr(a->key, "cost") != NULL)
        infl__report_money(buf, size, v, currency);
    else
        infl__report_number(buf, size, v, 0);
}

static void render_sweep_body(infl__strbuf *b, const infl_h5_sweep *sw, const page *p)
{
    const infl_sweep_axis *a = &sw->axes[0];
    const infl_summary *first = sw->points[0];
    const size_t ns = first->n_strategies;
    const char *cur = p->meta->currency;
    /* The stride of axis 0 in the row-major grid; the other axes at their
     * first value. */
    size_t stride = 1;
    for (size_t k = 1; k < sw->n_axes; k++)
        stride *= sw->axes[k].n;
    char lo[64], hi[64];
    axis_value(lo, sizeof lo, a, a->values[0], cur);
    axis_value(hi, sizeof hi, a, a->values[a->n - 1], cur);
    answer_open(b);
    infl__strbuf_put(b, "As <b>");
    infl__report_escape(b, a->key);
    infl__strbuf_put(b, "</b> goes from %s to %s, ", lo, hi);
    /* The leader along axis 0, and where it changes. */
    size_t prev = leader(sw->points[0]);
    size_t changes = 0;
    for (size_t i = 1; i < a->n; i++)
        if (leader(sw->points[i * stride]) != prev) {
            changes++;
            prev = leader(sw->points[i * stride]);
        }
    if (changes == 0) {
        size_t l = leader(sw->points[0]);
        infl__strbuf_put(b, "<b>");
        infl__report_escape(b, first->strategy_names[l]);
        infl__strbuf_put(b, "</b> sells the most at every point");
        const infl_summary *end = sw->points[(a->n - 1) * stride];
        if (ns > 1) {
            size_t second = l == 0 ? 1 : 0;
            for (size_t s = 0; s < ns; s++)
                if (s != l && mean_of(end, s, "conversions") > mean_of(end, second, "conversions"))
                    second = s;
            char pct[64];
            infl__report_percent(pct, sizeof pct, end->p_greater[l * ns + second]);
            infl__strbuf_put(b, "; at %s it beats <b>", hi);
            infl__report_escape(b, first->strategy_names[second]);
            infl__strbuf_put(b, "</b> in %s of simulated campaigns", pct);
        }
    } else {
        prev = leader(sw->points[0]);
        infl__strbuf_put(b, "<b>");
        infl__report_escape(b, first->strategy_names[prev]);
        infl__strbuf_put(b, "</b> sells the most at first");
        for (size_t i = 1; i < a->n; i++) {
            size_t l = leader(sw->points[i * stride]);
            if (l == prev)
                continue;
            char at[64];
            axis_value(at, sizeof at, a, a->values[i], cur);
            infl__strbuf_put(b, ", <b>");
            infl__report_escape(b, first->strategy_names[l]);
            infl__strbuf_put(b, "</b> from %s", at);
            prev = l;
        }
    }
    if (sw->n_axes > 1)
        infl__strbuf_put(b, " (the other axes at their first value)");
    infl__strbuf_put(b, ".");
    answer_close(b);

    /* The table: per point, each strategy's average sales and 90 % range. */
    infl__strbuf_put(b, "<section id=\"strategies\">\n<h2>The strategies at each point</h2>\n"
                        "<table class=\"sweep\"><thead><tr>");
    for (size_t k = 0; k < sw->n_axes; k++) {
        infl__strbuf_put(b, "<th class=\"n\">");
        infl__report_escape(b, sw->axes[k].key);
        infl__strbuf_put(b, "</th>");
    }
    for (size_t s = 0; s < ns; s++) {
        infl__strbuf_put(b, "<th class=\"n\">");
        infl__report_escape(b, first->strategy_names[s]);
        infl__strbuf_put(b, "<br><small>sales (90&nbsp;%%)</small></th>");
    }
    infl__strbuf_put(b, "<th>sells most</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < sw->n_points; i++) {
        const infl_summary *pt = sw->points[i];
        infl__strbuf_put(b, "<tr data-point=\"%zu\">", i);
        size_t rem = i;
        size_t idx[8] = {0};
        for (size_t k = sw->n_axes; k-- > 0;) {
            idx[k] = rem % sw->axes[k].n;
            rem /= sw->axes[k].n;
        }
        for (size_t k = 0; k < sw->n_axes; k++) {
            char v[64];
            axis_value(v, sizeof v, &sw->axes[k], sw->axes[k].values[idx[k]], cur);
            td_num(b, v);
        }
        for (size_t s = 0; s < ns; s++) {
            const infl_stat *c = infl_summary_stat(pt, s, "conversions");
            char m[64], q5[64], q95[64];
            infl__report_number(m, sizeof m, c ? c->mean : NAN, c ? c->se : NAN);
            range_number(q5, sizeof q5, c ? c->q[1] : NAN);
            range_number(q95, sizeof q95, c ? c->q[7] : NAN);
            infl__strbuf_put(b,
                             "<td class=\"n\" data-mean=\"%.17g\" data-se=\"%.17g\">%s "
                             "<small>(%s\xe2\x80\x93%s)</small></td>",
                             c ? c->mean : NAN, c ? c->se : NAN, m, q5, q95);
        }
        infl__strbuf_put(b, "<td>");
        infl__report_escape(b, pt->strategy_names[leader(pt)]);
        infl__strbuf_put(b, "</td></tr>\n");
    }
    infl__strbuf_put(b, "</tbody></table>\n</section>\n");

    /* The fan chart along axis 0. */
    infl_summary **along = malloc(a->n * sizeof *along);
    if (along == NULL) {
        b->failed = true;
        return;
    }
    for (size_t i = 0; i < a->n; i++)
        along[i] = sw->points[i * stride];
    infl__strbuf_put(b, "<section id=\"figures\">\n<h2>Figures</h2>\n<figure>");
    bool money = strcmp(a->key, "budget") == 0 || strstr(a->key, "price") != NULL;
    infl__report_figure_fan(b, a->key, a->values, a->n, along, a->log, money ? cur : NULL);
    figure(b, "The line is the average campaign at each swept value, the band the middle 90 % of "
              "simulated campaigns there.");
    infl__strbuf_put(b, "</section>\n");
    free(along);
}

/* --- select -------------------------------------------------------------- */

static void render_select_body(infl__strbuf *b, const infl_select_result *r, const page *p)
{
    const char *cur = p->meta->currency;
    char obj[200], v[64], se[64], cost[64], budget[64];
    infl_objective_describe(&r->objective, obj, sizeof obj);
    infl__report_number(v, sizeof v, r->value, r->se);
    infl__report_number(se, sizeof se, r->se, r->se);
    infl__report_money(cost, sizeof cost, r->plan_cost, cur);
    infl__report_money(budget, sizeof budget, r->budget, cur);
    answer_open(b);
    infl__strbuf_put(b, "Hire %zu of the %zu creators (", r->n_plan, r->n_creators);
    for (size_t i = 0; i < r->n_plan && i < 6; i++) {
        infl__strbuf_put(b, "%s<b>", i ? ", " : "");
        infl__report_escape(b, r->handle[r->plan[i]]);
        infl__strbuf_put(b, "</b>");
    }
    if (r->n_plan > 6)
        infl__strbuf_put(b, " and %zu more", r->n_plan - 6);
    infl__strbuf_put(b, "): ");
    infl__report_escape(b, obj);
    infl__strbuf_put(b, " about %s (\xc2\xb1\xc2\xa0%s), for %s of the %s budget", v, se, cost,
                     budget);
    if (r->n_runner_up > 0 && !isnan(r->p_beats)) {
        char pct[64];
        char tie[64];
        infl__report_percent(pct, sizeof pct, r->p_beats);
        infl__report_percent(tie, sizeof tie, r->p_tie);
        infl__strbuf_put(b,
                         "; against the next best plan it sells more in %s of simulated "
                         "campaigns and as much in %s",
                         pct, tie);
    }
    infl__strbuf_put(b, ".");
    answer_close(b);
    infl__strbuf_put(b, "<section id=\"strategies\">\n<h2>The roster</h2>\n<table><thead><tr>"
                        "<th>creator</th><th>tier</th><th>hired</th>"
                        "<th class=\"n\">cost<br><small>average</small></th>"
                        "<th class=\"n\">sales alone<br><small>average</small></th>"
                        "<th class=\"n\">adds to the plan</th>"
                        "<th class=\"n\">in resampled plans</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < r->n_creators; i++) {
        char c[64], m[64], mg[64], fr[64];
        infl__report_money(c, sizeof c, r->mean_cost[i], cur);
        infl__report_number(m, sizeof m, r->mean_conversions[i], r->conversions_se[i]);
        infl__report_number(mg, sizeof mg, r->marginal[i], 0);
        infl__report_percent(fr, sizeof fr, r->frequency[i]);
        infl__strbuf_put(b, "<tr><td>");
        infl__report_escape(b, r->handle[i]);
        infl__strbuf_put(b, "</td><td>");
        infl__report_escape(b, r->tier[i]);
        infl__strbuf_put(b, "</td><td>%s</td>", r->chosen[i] ? "\xe2\x9c\x93 hired" : "");
        td_num(b, c);
        td_num(b, m);
        td_num(b, mg);
        td_num(b, fr);
        infl__strbuf_put(b, "</tr>\n");
    }
    infl__strbuf_put(b, "</tbody></table>\n<p class=\"note\"><i>Adds to the plan</i>: for a hired "
                        "creator, what the plan loses without them; for another, what the plan "
                        "would gain with them added.</p>\n</section>\n");
    /* The members' contributions. */
    char **labels = calloc(r->n_plan ? r->n_plan : 1, sizeof *labels);
    double *vals = calloc(r->n_plan ? r->n_plan : 1, sizeof *vals);
    if (labels == NULL || vals == NULL) {
        free(labels);
        free(vals);
        b->failed = true;
        return;
    }
    for (size_t i = 0; i < r->n_plan; i++) {
        labels[i] = r->handle[r->plan[i]];
        vals[i] = r->marginal[r->plan[i]];
    }
    infl__strbuf_put(b, "<section id=\"figures\">\n<h2>Figures</h2>\n<figure>");
    infl__report_figure_bars(b, "What each hired creator adds to the plan", labels, vals, NULL,
                             r->n_plan, obj, NULL);
    figure(b, "The plan's objective less that of the plan without the creator.");
    infl__strbuf_put(b, "</section>\n");
    free(labels);
    free(vals);
}

/* --- sensitivity --------------------------------------------------------- */

/* The importance of factor f for target t, by the study's method. */
static double importance(const infl_sens_result *r, size_t f, size_t t)
{
    const infl_sens_index *ix = &r->indices[f * r->n_targets + t];
    switch (r->method) {
    case INFL_SENS_TORNADO:
        return ix->swing;
    case INFL_SENS_MORRIS:
        return ix->mu_star.value;
    case INFL_SENS_SOBOL:
        return ix->st.value;
    }
    return NAN;
}

static void render_sensitivity_body(infl__strbuf *b, const infl_sens_result *r, const page *p)
{
    (void)p;
    /* The decision's target: A's mean conversions less B's. */
    size_t t = r->n_strategies * INFL_SENS_N_OUTPUTS + INFL_SENS_DIFFERENCE;
    if (t >= r->n_targets)
        t = 0;
    size_t nf = r->n_factors;
    size_t *order = malloc((nf ? nf : 1) * sizeof *order);
    if (order == NULL) {
        b->failed = true;
        return;
    }
    for (size_t f = 0; f < nf; f++)
        order[f] = f;
    /* Largest first (insertion sort: a study has few factors). */
    for (size_t i = 1; i < nf; i++)
        for (size_t j = i; j > 0; j--) {
            double a = importance(r, order[j], t), c = importance(r, order[j - 1], t);
            if (!(a > c))
                break;
            size_t tmp = order[j];
            order[j] = order[j - 1];
            order[j - 1] = tmp;
        }
    const char *A = r->strategy_names[r->compare_a], *B = r->strategy_names[r->compare_b];
    answer_open(b);
    if (nf > 0) {
        const infl_factor *top = &r->factors[order[0]];
        infl__strbuf_put(b, "Of the %zu assumptions varied, <b>", nf);
        infl__report_escape(b, top->label ? top->label : top->key);
        infl__strbuf_put(b, "</b> moves the gap in sales between <b>");
        infl__report_escape(b, A);
        infl__strbuf_put(b, "</b> and <b>");
        infl__report_escape(b, B);
        infl__strbuf_put(b, "</b> the most");
        if (nf > 1) {
            const infl_factor *next = &r->factors[order[1]];
            infl__strbuf_put(b, ", then <b>");
            infl__report_escape(b, next->label ? next->label : next->key);
            infl__strbuf_put(b, "</b>");
        }
    }
    if (r->n_flips > 0) {
        const infl_sens_flip *fl = &r->flips[0];
        char at[64];
        infl__report_number(at, sizeof at, fl->at, 0);
        infl__strbuf_put(b, "; the leader changes from <b>");
        infl__report_escape(b, r->strategy_names[fl->from]);
        infl__strbuf_put(b, "</b> to <b>");
        infl__report_escape(b, r->strategy_names[fl->to]);
        infl__strbuf_put(b, "</b> when ");
        infl__report_escape(b, r->factors[fl->factor].label ? r->factors[fl->factor].label
                                                            : r->factors[fl->factor].key);
        infl__strbuf_put(b, " passes about %s", at);
    } else if (r->method == INFL_SENS_TORNADO) {
        infl__strbuf_put(b, "; no single assumption within its range changes which of the two "
                            "sells more");
    }
    infl__strbuf_put(b, ".");
    answer_close(b);
    const char *mname = r->method == INFL_SENS_TORNADO  ? "swing (high end less low end)"
                        : r->method == INFL_SENS_MORRIS ? "mean absolute effect (\xce\xbc*)"
                                                        : "total-effect index";
    infl__strbuf_put(b,
                     "<section id=\"strategies\">\n<h2>The assumptions varied</h2>\n<table>"
                     "<thead><tr><th>assumption</th><th>key</th><th class=\"n\">low</th>"
                     "<th class=\"n\">scenario</th><th class=\"n\">high</th>"
                     "<th class=\"n\">%s</th></tr></thead><tbody>\n",
                     mname);
    char **labels = calloc(nf ? nf : 1, sizeof *labels);
    double *vals = calloc(nf ? nf : 1, sizeof *vals);
    if (labels == NULL || vals == NULL) {
        free(labels);
        free(vals);
        free(order);
        b->failed = true;
        return;
    }
    for (size_t i = 0; i < nf; i++) {
        const infl_factor *f = &r->factors[order[i]];
        char lo[64], base[64], hi[64], imp[64];
        infl__report_number(lo, sizeof lo, f->lo, 0);
        infl__report_number(base, sizeof base, f->base, 0);
        infl__report_number(hi, sizeof hi, f->hi, 0);
        infl__report_number(imp, sizeof imp, importance(r, order[i], t), 0);
        infl__strbuf_put(b, "<tr><td>");
        infl__report_escape(b, f->label ? f->label : f->key);
        infl__strbuf_put(b, "</td><td class=\"k\">");
        infl__report_escape(b, f->key);
        infl__strbuf_put(b, "</td>");
        td_num(b, lo);
        td_num(b, base);
        td_num(b, hi);
        td_num(b, imp);
        infl__strbuf_put(b, "</tr>\n");
        labels[i] = f->label ? f->label : f->key;
        vals[i] = importance(r, order[i], t);
    }
    infl__strbuf_put(b, "</tbody></table>\n<p class=\"note\">Measured on the gap in average "
                        "sales between the two strategies compared.</p>\n</section>\n");
    infl__strbuf_put(b, "<section id=\"figures\">\n<h2>Figures</h2>\n<figure>");
    /* A slide holds a dozen bars; the table above has them all. */
    size_t shown = nf < 12 ? nf : 12;
    infl__report_figure_bars(b, "Which assumption moves the gap in sales most", labels, vals, NULL,
                             shown, mname, NULL);
    figure(b, shown < nf ? "The twelve assumptions with the largest effect on the difference in "
                           "average sales (all of them in the table above)."
                         : "Assumptions ranked by their effect on the difference in average "
                           "sales.");
    infl__strbuf_put(b, "</section>\n");
    free(labels);
    free(vals);
    free(order);
}

/* --- what every page ends with ------------------------------------------ */

static void leaves_out(infl__strbuf *b)
{
    infl__strbuf_put(
        b,
        "<section id=\"leaves-out\">\n<h2>What the model leaves out</h2>\n<ul class=\"leaves\">\n"
        "<li>Each hired creator posts once; there is no timing, no series of posts, no "
        "season and no trend.</li>\n"
        "<li>The brand's own channels, advertising and earlier customers are not modelled; "
        "sales are those the posts cause, directly and by word of mouth.</li>\n"
        "<li>Every rate (reach, engagement, interest, purchase) is a distribution the scenario "
        "assumes; the simulation shows what follows from them, not whether they are right. "
        "The assumptions are listed below.</li>\n"
        "<li>Returns, taxes, discounts and payment fees are not deducted unless the scenario's "
        "product cost includes them.</li>\n"
        "<li>Creators are drawn independently; named creators' figures come from the roster "
        "as given. Fake followers count only through the real share assumed.</li>\n"
        "<li>Repeat orders, where assumed, are a rate per customer over the horizon; no "
        "churn curve, no discounting of later revenue.</li>\n"
        "</ul>\n</section>\n");
}

static void provenance(infl__strbuf *b, const page *p)
{
    const infl_h5_meta *m = p->meta;
    infl__strbuf_put(b, "<section id=\"provenance\">\n<h2>Where the numbers come from</h2>\n"
                        "<dl class=\"prov\">\n<dt>results file</dt><dd><code>");
    infl__report_escape(b, p->path);
    infl__strbuf_put(b, "</code></dd>\n<dt>SHA-256</dt><dd><code id=\"sha256\">%s</code></dd>\n",
                     p->sha);
    infl__strbuf_put(b, "<dt>written by</dt><dd>influsim ");
    infl__report_escape(b, m->program_version);
    if (p->x && p->x->git_revision) {
        infl__strbuf_put(b, " (");
        infl__report_escape(b, p->x->git_revision);
        infl__strbuf_put(b, ")");
    }
    infl__strbuf_put(b, "</dd>\n<dt>date</dt><dd>");
    infl__report_escape(b, m->created);
    infl__strbuf_put(b,
                     "</dd>\n<dt>seed</dt><dd id=\"seed\">%llu</dd>\n"
                     "<dt>trials</dt><dd id=\"trials\">%llu",
                     (unsigned long long)m->seed, (unsigned long long)trials_of(m));
    if (m->trials_done > 0 && m->trials_done != m->trials)
        infl__strbuf_put(b, " of %llu asked for", (unsigned long long)m->trials);
    infl__strbuf_put(b, "%s", trials_where(p->kind));
    infl__strbuf_put(b, "%s</dd>\n", m->complete ? "" : " (the run was stopped early)");
    if (p->x && p->x->scenario_origin) {
        infl__strbuf_put(b, "<dt>scenario file</dt><dd><code>");
        infl__report_escape(b, p->x->scenario_origin);
        infl__strbuf_put(b, "</code></dd>\n");
    }
    infl__strbuf_put(b,
                     "<dt>report</dt><dd>influsim %s <code>report</code></dd>\n</dl>\n"
                     "<p class=\"note\">Check that this page describes the file: "
                     "<code>sha256sum FILE.h5</code> prints the same digest. The same seed "
                     "and scenario give the same numbers on any machine and thread count.</p>\n"
                     "</section>\n",
                     infl_version());
}

static void assumptions(infl__strbuf *b, const page *p, infl_error *err)
{
    if (p->meta->scenario_resolved == NULL)
        return;
    infl__strbuf_put(b, "<section id=\"assumptions\">\n<h2>Assumptions</h2>\n<p class=\"note\">"
                        "The scenario as the simulation read it, every default filled in. "
                        "Distributions are written as their family and parameters.</p>\n");
    infl__report_assumptions(b, p->meta->scenario_resolved, p->x ? p->x->scenario_text : NULL, err);
    infl__strbuf_put(b, "</section>\n");
}

infl_status infl_report_render(const char *h5_path, char **html, infl_error *err)
{
    *html = NULL;
    infl_h5_integrity integrity = INFL_H5_INTACT;
    infl_status rc = infl_h5_verify(h5_path, &integrity, err);
    if (rc != INFL_OK)
        return rc;
    infl_h5_kind kind;
    rc = infl_h5_read_kind(h5_path, &kind, err);
    if (rc != INFL_OK)
        return rc;
    infl__h5_report_extras x;
    rc = infl__h5_read_report_extras(h5_path, &x, err);
    if (rc != INFL_OK)
        return rc;
    page p = {.path = h5_path, .kind = kind, .x = &x, .integrity = integrity};
    rc = infl__report_sha256_file(h5_path, p.sha, err);
    infl__strbuf b = {0};
    infl_summary *sm = NULL;
    infl_h5_meta meta = {0};
    infl_h5_sweep sw = {0};
    infl_select_result *sel = NULL;
    infl_sens_result sens;
    memset(&sens, 0, sizeof sens);
    bool have_sens = false;
    if (rc == INFL_OK) {
        switch (kind) {
        case INFL_H5_KIND_RUN:
        case INFL_H5_KIND_OPTIMIZE:
            rc = infl_h5_read_summary(h5_path, &sm, &meta, err);
            p.meta = &meta;
            break;
        case INFL_H5_KIND_SWEEP:
            rc = infl_h5_read_sweep(h5_path, &sw, err);
            p.meta = &sw.meta;
            break;
        case INFL_H5_KIND_SELECT:
            rc = infl_h5_read_select(h5_path, &sel, &meta, err);
            p.meta = &meta;
            break;
        case INFL_H5_KIND_SENSITIVITY:
            rc = infl_h5_read_sensitivity(h5_path, &sens, &meta, err);
            have_sens = rc == INFL_OK;
            p.meta = &meta;
            break;
        }
    }
    if (rc == INFL_OK) {
        head(&b, &p);
        switch (kind) {
        case INFL_H5_KIND_RUN:
            render_run_body(&b, sm, &p, true);
            break;
        case INFL_H5_KIND_OPTIMIZE:
            render_optimize_body(&b, sm, &p);
            break;
        case INFL_H5_KIND_SWEEP:
            render_sweep_body(&b, &sw, &p);
            break;
        case INFL_H5_KIND_SELECT:
            render_select_body(&b, sel, &p);
            break;
        case INFL_H5_KIND_SENSITIVITY:
            render_sensitivity_body(&b, &sens, &p);
            break;
        }
        assumptions(&b, &p, err);
        leaves_out(&b);
        provenance(&b, &p);
        infl__strbuf_put(&b, "</body>\n</html>\n");
        *html = infl__strbuf_take(&b);
        if (*html == NULL)
            rc = infl_error_add(err, INFL_ENOMEM, "%s: out of memory writing the report", h5_path);
    } else {
        free(infl__strbuf_take(&b));
    }
    infl_summary_free(sm);
    infl_h5_sweep_destroy(&sw);
    infl_select_result_free(sel);
    if (have_sens)
        infl_sens_result_destroy(&sens);
    infl_h5_meta_destroy(&meta);
    infl__h5_report_extras_destroy(&x);
    return rc;
}

infl_status infl_report_write(const char *h5_path, const char *html_path, bool replace,
                              infl_error *err)
{
    char *html = NULL;
    infl_status rc = infl_report_render(h5_path, &html, err);
    if (rc != INFL_OK)
        return rc;
    rc = infl__atomic_write_bytes(html_path, html, strlen(html), replace, err);
    free(html);
    return rc;
}
