/*
 * report.h — the pieces of the HTML report (influsim/report.h), one concept
 * a file: escaping text into HTML (escape.c), numbers as a reader should see
 * them (number.c), the answer in one sentence (answer.c), SVG drawing
 * (svg.c) and the figures of each kind of file (figures.c), the assumptions'
 * table (assumptions.c), the file's SHA-256 (sha256.c), the style sheet
 * (style.c) and the page (page.c). Everything renders into an infl__strbuf,
 * whose failure (out of memory) the page checks once at the end.
 */
#ifndef INFL_SIM_REPORT_REPORT_H
#define INFL_SIM_REPORT_REPORT_H

#include "base/strbuf.h"

#include "influsim/results.h"
#include "influsim/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- escape.c --- */
/* Appends s to b as HTML text (also safe inside a double-quoted attribute):
 * & < > " ' as entities, control characters and invalid UTF-8 bytes as
 * U+FFFD, so nothing from a file can open a tag or an attribute. NULL
 * appends nothing. */
void infl__report_escape(infl__strbuf *b, const char *s);
/* Appends the first n bytes of s, escaped as above. */
void infl__report_escape_n(infl__strbuf *b, const char *s, size_t n);

/* --- number.c --- */
/* log10 through base/fmath.h (libm's varies by CPU), and 10^k exactly as
 * far as doubles hold it. */
double infl__report_log10(double x);
double infl__report_pow10(int k);
/* value rounded to two significant digits of its standard error se, grouped
 * by thousands with a thin space ("12 345", "31.2"); with se 0 or NaN, 3
 * significant digits (every integer digit from a thousand up); NaN as "–". */
void infl__report_number(char *buf, size_t size, double value, double se);
/* A whole amount of money with thousands separators and the currency
 * ("15,000 USD", "−1,234 USD"); cents below 100. */
void infl__report_money(char *buf, size_t size, double amount, const char *currency);
/* A share as a percentage a reader can say aloud: "62 %", "more than 99 %"
 * (≥ 99.5 % but not 1), "every" never; "fewer than 1 %" (> 0 but < 0.5 %),
 * "0 %", "100 %"; NaN as "–". */
void infl__report_percent(char *buf, size_t size, double share);
/* A ratio a ≥ 1 as "21×" (from 10 up), "1.3×" (below). */
void infl__report_times(char *buf, size_t size, double ratio);

/* --- answer.c --- */
/* P(value > 0) estimated from a summary's quantiles (for files without the
 * per-trial values): 0 when max ≤ 0, 1 when min > 0, else the piecewise
 * linear distribution function through (min, 0), the quantiles and (max, 1)
 * at 0; *exact says whether it is one of the exact cases. */
double infl__report_share_positive(const infl_stat *st, bool *exact);
/* Whether any strategy orders more than it converts (repeat orders). */
bool infl__report_has_repeat_orders(const infl_summary *sm);
/*
 * The answer of a run's file in one sentence, appended to b as HTML:
 * the best strategy by mean conversions against the weakest (the ratio of
 * means) and P(it converts more) against each other strategy from the
 * comparisons, then whether any pays back on first purchases (p_profit[s]:
 * the share of trials with profit > 0) and, where there are repeat orders,
 * with them (p_ltv[s]). p_exact false: the shares are estimates from the
 * quantiles, said "about". Strategy names are escaped.
 */
void infl__report_answer(infl__strbuf *b, const infl_summary *sm, const double *p_profit,
                         const double *p_ltv, bool p_exact);
/* The index of the strategy with the highest mean conversions (the first). */
size_t infl__report_best(const infl_summary *sm);

/* --- svg.c --- */
/* A linear or logarithmic scale from a domain to pixels. */
typedef struct {
    double d0, d1; /* domain (log: both > 0) */
    double p0, p1; /* pixels */
    bool log;
} infl__report_scale;
double infl__report_scale_at(const infl__report_scale *s, double v);
/* "Nice" ticks over the scale's domain (1-2-5 steps, or powers of ten on a
 * log scale): at most max, into ticks; returns how many. */
size_t infl__report_ticks(const infl__report_scale *s, double *ticks, size_t max);
/* Opens an <svg> of w × h with a title (escaped, for screen readers). */
void infl__report_svg_open(infl__strbuf *b, double w, double h, const char *title);
void infl__report_svg_close(infl__strbuf *b);
/* Text at (x, y); anchor "start", "middle" or "end"; cls a CSS class or NULL. */
void infl__report_svg_text(infl__strbuf *b, double x, double y, const char *anchor, const char *cls,
                           const char *text);
void infl__report_svg_line(infl__strbuf *b, double x1, double y1, double x2, double y2,
                           const char *cls);
void infl__report_svg_rect(infl__strbuf *b, double x, double y, double w, double h, const char *cls,
                           const char *fill);
/* A horizontal axis at y from the scale, ticks labelled with their numbers
 * (money when currency is not NULL), a label below; grid lines up to top. */
void infl__report_svg_xaxis(infl__strbuf *b, const infl__report_scale *s, double y, double top,
                            const char *label, const char *currency);
/* A vertical axis at x from the scale, ticks labelled, grid lines right to
 * `right`, the label above it. */
void infl__report_svg_yaxis(infl__strbuf *b, const infl__report_scale *s, double x, double right,
                            const char *label, const char *currency);
/* The colour of series i (a palette that stays apart in print and for
 * colour-blind readers). */
const char *infl__report_color(size_t i);

/* --- figures.c --- */
/* A run's conversions per strategy: the 90 % range (5–95 %) as a bar, the
 * 25–75 % range darker, the median and the mean marked, on a log axis when
 * the strategies differ by more than 20× (so a tiny one stays visible). */
void infl__report_figure_conversions(infl__strbuf *b, const infl_summary *sm);
/* Profit per strategy (first purchases, and lifetime value where there are
 * repeat orders): 90 % ranges and means, with the break-even line at 0. */
void infl__report_figure_money(infl__strbuf *b, const infl_summary *sm, const char *currency);
/* A 1-D sweep's fan chart: per strategy the mean conversions over the swept
 * value as a line and its 5–95 % range as a light band; one legend entry
 * each. values: the axis's n values; points[i] the summary at values[i]. */
void infl__report_figure_fan(infl__strbuf *b, const char *axis_label, const double *values,
                             size_t n, infl_summary *const *points, bool log_x,
                             const char *currency);
/* An optimiser's objective over the first tier's share (2 tiers), or over
 * the points in order (more), the optimum marked and labelled. */
void infl__report_figure_objective(infl__strbuf *b, const char *tier, const double *shares,
                                   size_t n_tiers, const double *values, const double *ses,
                                   size_t n_points, const double *optimum, double opt_value,
                                   const char *objective_label, bool has_optimum);
/* Horizontal bars: n labelled values (a creator's contribution, a factor's
 * effect), with an error bar where err is not NULL. */
void infl__report_figure_bars(infl__strbuf *b, const char *title, char *const *labels,
                              const double *values, const double *err, size_t n,
                              const char *value_label, const char *currency);

/* --- assumptions.c --- */
/* The resolved scenario (YAML text) as a table of key, value and source:
 * the comment above or beside the key in the scenario file's text (NULL:
 * none), where it has one. Appended to b as HTML; INFL_OK, or the YAML's
 * syntax error (the table is then left out by the caller). */
infl_status infl__report_assumptions(infl__strbuf *b, const char *resolved, const char *text,
                                     infl_error *err);

/* --- sha256.c --- */
/* The SHA-256 of the file at path as 64 hex digits and a NUL in hex;
 * INFL_EIO naming the path when it cannot be read. */
infl_status infl__report_sha256_file(const char *path, char hex[65], infl_error *err);
/* The SHA-256 of n bytes (for the tests). */
void infl__report_sha256(const void *data, size_t n, unsigned char digest[32]);

/* --- style.c --- */
/* The page's style sheet: screen and A4 print. */
extern const char infl__report_css[];

#endif
