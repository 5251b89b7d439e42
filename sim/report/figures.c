/*
 * figures.c — the report's figures, drawn as inline SVG (svg.c): each fits
 * a slide as it stands. Titles say what is shown in plain words; a strategy
 * whose values are tiny beside the others stays visible (a logarithmic axis
 * once they differ by more than 20×); wherever money is shown, the
 * break-even line is drawn and named; a fan chart has one legend entry per
 * strategy and bands light enough to overlap; the optimiser's figure marks
 * the optimum and says what it maximised.
 */
#include "report/report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define WIDTH 680.0
#define LEFT 150.0      /* room for strategy names */
#define BARS_LEFT 250.0 /* and for a creator's handle or an assumption's label */
#define RIGHT 110.0     /* room for the averages written right of the bars */
#define ROW 46.0

static double minimum(double a, double b)
{
    return a < b ? a : b;
}

static double maximum(double a, double b)
{
    return a > b ? a : b;
}

/* The row label: the name, cut to fit the left margin. */
static void row_name_at(infl__strbuf *b, double left, double y, const char *name)
{
    /* About 7 px a character at the names' 12 px. */
    size_t fits = (size_t)((left - 14) / 7.2);
    char cut[96];
    size_t n = strlen(name);
    if (n > fits && fits > 2 && fits < sizeof cut - 4)
        snprintf(cut, sizeof cut, "%.*s\xe2\x80\xa6", (int)(fits - 1), name);
    else
        snprintf(cut, sizeof cut, "%.90s", name);
    infl__report_svg_text(b, left - 10, y + 4, "end", "name", cut);
}

static void row_name(infl__strbuf *b, double y, const char *name)
{
    row_name_at(b, LEFT, y, name);
}

/* Draws one row's distribution: the 5-95 % bar, the 25-75 % bar, the median
 * and the mean; the mean's value written to the right. */
static void distribution_row(infl__strbuf *b, const infl__report_scale *x, double y,
                             const infl_stat *st, const char *color, const char *value_text)
{
    double x05 = infl__report_scale_at(x, st->q[1]), x95 = infl__report_scale_at(x, st->q[7]);
    double x25 = infl__report_scale_at(x, st->q[3]), x75 = infl__report_scale_at(x, st->q[5]);
    infl__strbuf_put(b,
                     "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" fill=\"%s\" "
                     "fill-opacity=\"0.3\"/>\n",
                     x05, y - 7, maximum(x95 - x05, 1), color);
    infl__strbuf_put(b,
                     "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" fill=\"%s\" "
                     "fill-opacity=\"0.85\"/>\n",
                     x25, y - 7, maximum(x75 - x25, 1), color);
    double xm = infl__report_scale_at(x, st->q[4]);
    infl__report_svg_line(b, xm, y - 7, xm, y + 7, "median");
    double xmean = infl__report_scale_at(x, st->mean);
    infl__report_svg_line(b, xmean, y - 11, xmean, y + 11, "mean");
    infl__report_svg_text(b, x95 + 6, y + 4, "start", "small", value_text);
}

/* The legend under a distribution figure: what the bars and ticks mean. */
static void distribution_legend(infl__strbuf *b, double y)
{
    infl__strbuf_put(b,
                     "<rect x=\"%.1f\" y=\"%.1f\" width=\"22\" height=\"10\" fill=\"#777\" "
                     "fill-opacity=\"0.3\"/>\n",
                     LEFT, y - 8);
    infl__report_svg_text(b, LEFT + 28, y, "start", "small", "90 % of campaigns");
    infl__strbuf_put(b,
                     "<rect x=\"%.1f\" y=\"%.1f\" width=\"22\" height=\"10\" fill=\"#777\" "
                     "fill-opacity=\"0.85\"/>\n",
                     LEFT + 150, y - 8);
    infl__report_svg_text(b, LEFT + 178, y, "start", "small", "middle half");
    infl__report_svg_line(b, LEFT + 268, y - 10, LEFT + 268, y + 2, "mean");
    infl__report_svg_text(b, LEFT + 276, y, "start", "small", "average");
}

void infl__report_figure_conversions(infl__strbuf *b, const infl_summary *sm)
{
    const size_t ns = sm->n_strategies;
    double lo_pos = INFINITY, hi = 0, mean_lo = INFINITY, mean_hi = 0;
    for (size_t s = 0; s < ns; s++) {
        const infl_stat *c = infl_summary_stat(sm, s, "conversions");
        if (c == NULL || c->n == 0)
            continue;
        hi = maximum(hi, c->q[7]);
        hi = maximum(hi, c->mean);
        if (c->mean > 0) {
            mean_lo = minimum(mean_lo, c->mean);
            mean_hi = maximum(mean_hi, c->mean);
        }
        for (size_t i = 1; i <= 7; i++)
            if (c->q[i] > 0)
                lo_pos = minimum(lo_pos, c->q[i]);
    }
    if (!(hi > 0))
        hi = 1;
    bool log = mean_lo < INFINITY && mean_hi / mean_lo > 20;
    infl__report_scale x = {.d0 = 0, .d1 = hi * 1.08, .p0 = LEFT, .p1 = WIDTH - RIGHT};
    if (log) {
        double lo = infl__report_pow10((int)floor(infl__report_log10(minimum(lo_pos, mean_lo))));
        x = (infl__report_scale){
            .d0 = minimum(lo, 1), .d1 = hi * 1.3, .p0 = LEFT, .p1 = WIDTH - RIGHT, .log = true};
    }
    double top = 34, h = top + ROW * (double)ns + 70;
    infl__report_svg_open(b, WIDTH, h, "Sales (first purchases) per strategy");
    infl__report_svg_text(b, 10, 18, "start", "title",
                          log ? "Sales per campaign (first purchases; logarithmic scale)"
                              : "Sales per campaign (first purchases)");
    double bottom = top + ROW * (double)ns;
    infl__report_svg_xaxis(b, &x, bottom, top, "sales per campaign", NULL);
    for (size_t s = 0; s < ns; s++) {
        const infl_stat *c = infl_summary_stat(sm, s, "conversions");
        double y = top + ROW * ((double)s + 0.5);
        row_name(b, y, sm->strategy_names[s]);
        if (c == NULL || c->n == 0)
            continue;
        char num[64], text[96];
        infl__report_number(num, sizeof num, c->mean, c->se);
        snprintf(text, sizeof text, "average %s", num);
        distribution_row(b, &x, y, c, infl__report_color(s), text);
    }
    distribution_legend(b, h - 8);
    infl__report_svg_close(b);
}

/* One money panel: each strategy's metric (profit or ltv_profit). */
static void money_panel(infl__strbuf *b, const infl_summary *sm, const char *metric,
                        const char *title, const char *currency, double y0)
{
    const size_t ns = sm->n_strategies;
    double lo = 0, hi = 0;
    for (size_t s = 0; s < ns; s++) {
        const infl_stat *p = infl_summary_stat(sm, s, metric);
        if (p == NULL || p->n == 0)
            continue;
        lo = minimum(lo, p->q[1]);
        hi = maximum(hi, p->q[7]);
    }
    if (!(hi > lo))
        hi = lo + 1;
    double pad = (hi - lo) * 0.06;
    infl__report_scale x = {.d0 = lo - pad, .d1 = hi + pad, .p0 = LEFT, .p1 = WIDTH - RIGHT};
    double top = y0 + 30, bottom = top + ROW * (double)ns;
    infl__report_svg_text(b, 10, y0 + 16, "start", "title", title);
    infl__report_svg_xaxis(b, &x, bottom, top, "profit per campaign", currency);
    double x0 = infl__report_scale_at(&x, 0);
    infl__report_svg_line(b, x0, top - 6, x0, bottom, "zero");
    infl__report_svg_text(b, x0 + 4, top - 8, "start", "small", "break-even");
    for (size_t s = 0; s < ns; s++) {
        const infl_stat *p = infl_summary_stat(sm, s, metric);
        double y = top + ROW * ((double)s + 0.5);
        row_name(b, y, sm->strategy_names[s]);
        if (p == NULL || p->n == 0)
            continue;
        char num[64], text[96];
        infl__report_money(num, sizeof num, p->mean, currency);
        snprintf(text, sizeof text, "average %s", num);
        distribution_row(b, &x, y, p, infl__report_color(s), text);
    }
}

void infl__report_figure_money(infl__strbuf *b, const infl_summary *sm, const char *currency)
{
    const size_t ns = sm->n_strategies;
    bool ltv = infl__report_has_repeat_orders(sm);
    double panel = 30 + ROW * (double)ns + 50;
    double h = panel * (ltv ? 2 : 1) + 24;
    infl__report_svg_open(b, WIDTH, h, "Profit per campaign and break-even");
    money_panel(b, sm, "profit", "Profit on first purchases (after the campaign's cost)", currency,
                0);
    if (ltv)
        money_panel(b, sm, "ltv_profit", "Profit with repeat orders (lifetime value)", currency,
                    panel);
    distribution_legend(b, h - 8);
    infl__report_svg_close(b);
}

void infl__report_figure_fan(infl__strbuf *b, const char *axis_label, const double *values,
                             size_t n, infl_summary *const *points, bool log_x,
                             const char *currency)
{
    if (n == 0 || points[0] == NULL)
        return;
    const size_t ns = points[0]->n_strategies;
    double hi = 0, mean_lo = INFINITY, mean_hi = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t s = 0; s < ns; s++) {
            const infl_stat *c = infl_summary_stat(points[i], s, "conversions");
            if (c == NULL)
                continue;
            hi = maximum(hi, c->q[7]);
            if (c->mean > 0) {
                mean_lo = minimum(mean_lo, c->mean);
                mean_hi = maximum(mean_hi, c->mean);
            }
        }
    if (!(hi > 0))
        hi = 1;
    bool log_y = mean_lo < INFINITY && mean_hi / mean_lo > 20;
    const double legend_w = 150, left = 70, top = 40, bottom = 330, h = 390;
    infl__report_scale x = {.d0 = values[0],
                            .d1 = values[n - 1],
                            .p0 = left,
                            .p1 = WIDTH - legend_w,
                            .log = log_x && values[0] > 0};
    infl__report_scale y = {.d0 = 0, .d1 = hi * 1.05, .p0 = bottom, .p1 = top};
    if (log_y)
        y = (infl__report_scale){
            .d0 = minimum(1, infl__report_pow10((int)floor(infl__report_log10(mean_lo)))),
            .d1 = hi * 1.3,
            .p0 = bottom,
            .p1 = top,
            .log = true};
    infl__report_svg_open(b, WIDTH, h, "Sales over the swept value, per strategy");
    infl__report_svg_text(b, 10, 18, "start", "title",
                          log_y ? "Average sales (line) and 90 % of campaigns (band); "
                                  "logarithmic scale"
                                : "Average sales (line) and 90 % of campaigns (band)");
    infl__report_svg_yaxis(b, &y, left, WIDTH - legend_w, "sales per campaign", NULL);
    infl__report_svg_xaxis(b, &x, bottom, top, axis_label, currency);
    for (size_t s = 0; s < ns; s++) {
        const char *color = infl__report_color(s);
        /* The band: 5 % forward, 95 % back. */
        infl__strbuf_put(b,
                         "<path fill=\"%s\" fill-opacity=\"0.07\" stroke=\"%s\" "
                         "stroke-opacity=\"0.6\" stroke-width=\"1\" "
                         "stroke-dasharray=\"3 2\" d=\"",
                         color, color);
        for (size_t i = 0; i < n; i++) {
            const infl_stat *c = infl_summary_stat(points[i], s, "conversions");
            double v = c ? (log_y ? maximum(c->q[1], y.d0) : c->q[1]) : 0;
            infl__strbuf_put(b, "%s%.1f %.1f", i ? " L" : "M", infl__report_scale_at(&x, values[i]),
                             infl__report_scale_at(&y, v));
        }
        for (size_t i = n; i-- > 0;) {
            const infl_stat *c = infl_summary_stat(points[i], s, "conversions");
            double v = c ? (log_y ? maximum(c->q[7], y.d0) : c->q[7]) : 0;
            infl__strbuf_put(b, " L%.1f %.1f", infl__report_scale_at(&x, values[i]),
                             infl__report_scale_at(&y, v));
        }
        infl__strbuf_put(b, " Z\"/>\n");
    }
    for (size_t s = 0; s < ns; s++) {
        const char *color = infl__report_color(s);
        infl__strbuf_put(b, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" d=\"", color);
        for (size_t i = 0; i < n; i++) {
            const infl_stat *c = infl_summary_stat(points[i], s, "conversions");
            infl__strbuf_put(b, "%s%.1f %.1f", i ? " L" : "M", infl__report_scale_at(&x, values[i]),
                             infl__report_scale_at(&y, c ? c->mean : 0));
        }
        infl__strbuf_put(b, "\"/>\n");
        for (size_t i = 0; i < n; i++) {
            const infl_stat *c = infl_summary_stat(points[i], s, "conversions");
            infl__strbuf_put(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
                             infl__report_scale_at(&x, values[i]),
                             infl__report_scale_at(&y, c ? c->mean : 0), color);
        }
        /* Legend: one entry a strategy. */
        double ly = top + 10 + 22 * (double)s;
        infl__strbuf_put(b,
                         "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                         "stroke-width=\"3\"/>\n",
                         WIDTH - legend_w + 16, ly, WIDTH - legend_w + 38, ly, color);
        char cut[40];
        const char *name = points[0]->strategy_names[s];
        if (strlen(name) > 16)
            snprintf(cut, sizeof cut, "%.15s\xe2\x80\xa6", name);
        else
            snprintf(cut, sizeof cut, "%s", name);
        infl__report_svg_text(b, WIDTH - legend_w + 44, ly + 4, "start", "name", cut);
    }
    infl__report_svg_close(b);
}

void infl__report_figure_objective(infl__strbuf *b, const char *tier, const double *shares,
                                   size_t n_tiers, const double *values, const double *ses,
                                   size_t n_points, const double *optimum, double opt_value,
                                   const char *objective_label, bool has_optimum)
{
    if (n_points == 0)
        return;
    const double left = 80, top = 40, bottom = 320, h = 370, right = WIDTH - 30;
    bool two = n_tiers == 2;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n_points; i++) {
        double e = isfinite(ses[i]) ? 2 * ses[i] : 0;
        if (isfinite(values[i])) {
            lo = minimum(lo, values[i] - e);
            hi = maximum(hi, values[i] + e);
        }
    }
    if (has_optimum && isfinite(opt_value)) {
        lo = minimum(lo, opt_value);
        hi = maximum(hi, opt_value);
    }
    if (!(hi > lo)) {
        lo = isfinite(lo) ? lo - 1 : 0;
        hi = lo + 2;
    }
    double pad = (hi - lo) * 0.08;
    infl__report_scale x = {
        .d0 = 0, .d1 = two ? 100 : (double)(n_points - 1), .p0 = left, .p1 = right};
    if (!two && n_points == 1)
        x.d1 = 1;
    infl__report_scale y = {.d0 = lo - pad, .d1 = hi + pad, .p0 = bottom, .p1 = top};
    infl__report_svg_open(b, WIDTH, h, "The optimiser's objective over the splits it tried");
    char title[300];
    snprintf(title, sizeof title, "%s of each split tried (\xc2\xb1 2 standard errors)",
             objective_label);
    if (title[0] >= 'a' && title[0] <= 'z')
        title[0] = (char)(title[0] - 'a' + 'A');
    infl__report_svg_text(b, 10, 18, "start", "title", title);
    infl__report_svg_yaxis(b, &y, left, right, NULL, NULL);
    char xl[200];
    if (two)
        snprintf(xl, sizeof xl, "share of the budget to %s (%%)", tier);
    else
        snprintf(xl, sizeof xl, "split tried (in the order tried)");
    infl__report_svg_xaxis(b, &x, bottom, top, xl, NULL);
    for (size_t i = 0; i < n_points; i++) {
        double xv = two ? 100 * shares[i * n_tiers] : (double)i;
        double px = infl__report_scale_at(&x, xv);
        if (isfinite(ses[i]) && ses[i] > 0)
            infl__report_svg_line(b, px, infl__report_scale_at(&y, values[i] - 2 * ses[i]), px,
                                  infl__report_scale_at(&y, values[i] + 2 * ses[i]), "err");
        infl__strbuf_put(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>\n", px,
                         infl__report_scale_at(&y, values[i]), infl__report_color(0));
    }
    if (has_optimum && two && optimum != NULL) {
        double px = infl__report_scale_at(&x, 100 * optimum[0]);
        double py = infl__report_scale_at(&y, opt_value);
        infl__report_svg_line(b, px, top, px, bottom, "optimum");
        infl__strbuf_put(b,
                         "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"7\" fill=\"none\" stroke=\"%s\" "
                         "stroke-width=\"2.5\"/>\n",
                         px, py, infl__report_color(1));
        char lab[128];
        snprintf(lab, sizeof lab, "optimum: %.0f %% to %s", optimum[0] * 100, tier);
        infl__report_svg_text(b, px + (px > (left + right) / 2 ? -8 : 8), top + 14,
                              px > (left + right) / 2 ? "end" : "start", "label", lab);
    }
    infl__report_svg_close(b);
}

void infl__report_figure_bars(infl__strbuf *b, const char *title, char *const *labels,
                              const double *values, const double *err, size_t n,
                              const char *value_label, const char *currency)
{
    if (n == 0)
        return;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < n; i++) {
        double e = err && isfinite(err[i]) ? err[i] : 0;
        if (isfinite(values[i])) {
            lo = minimum(lo, values[i] - e);
            hi = maximum(hi, values[i] + e);
        }
    }
    if (!(hi > lo))
        hi = lo + 1;
    double pad = (hi - lo) * 0.06;
    const double top = 34, row = 28;
    double bottom = top + row * (double)n, h = bottom + 50;
    infl__report_scale x = {
        .d0 = lo < 0 ? lo - pad : 0, .d1 = hi + pad, .p0 = BARS_LEFT, .p1 = WIDTH - 60};
    infl__report_svg_open(b, WIDTH, h, title);
    infl__report_svg_text(b, 10, 18, "start", "title", title);
    infl__report_svg_xaxis(b, &x, bottom, top, value_label, currency);
    double x0 = infl__report_scale_at(&x, 0);
    for (size_t i = 0; i < n; i++) {
        double y = top + row * ((double)i + 0.5);
        row_name_at(b, BARS_LEFT, y, labels[i]);
        if (!isfinite(values[i]))
            continue;
        double xv = infl__report_scale_at(&x, values[i]);
        infl__report_svg_rect(b, minimum(x0, xv), y - 8, fabs(xv - x0), 16, NULL,
                              infl__report_color(values[i] < 0 ? 1 : 0));
        if (err && isfinite(err[i]) && err[i] > 0)
            infl__report_svg_line(b, infl__report_scale_at(&x, values[i] - err[i]), y,
                                  infl__report_scale_at(&x, values[i] + err[i]), y, "err");
        char num[64];
        infl__report_number(num, sizeof num, values[i], err ? err[i] / 2 : NAN);
        infl__report_svg_text(b, maximum(x0, xv) + 6, y + 4, "start", "small", num);
    }
    infl__report_svg_line(b, x0, top, x0, bottom, "axis");
    infl__report_svg_close(b);
}
