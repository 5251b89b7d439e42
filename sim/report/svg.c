/*
 * svg.c — the few drawing primitives the report's figures need, written as
 * inline SVG: scales (linear and logarithmic), "nice" ticks, axes with grid
 * lines, text, lines and rectangles. Styling is by CSS class (style.c), so
 * the figures follow the page on screen and in print; only series colours
 * are attributes. Every text drawn is escaped.
 */
#include "report/report.h"

#include <math.h>
#include <stdio.h>

double infl__report_scale_at(const infl__report_scale *s, double v)
{
    double t;
    if (s->log) {
        double lo = infl__report_log10(s->d0), hi = infl__report_log10(s->d1);
        double lv = v > 0 ? infl__report_log10(v) : lo;
        t = hi > lo ? (lv - lo) / (hi - lo) : 0.5;
    } else {
        t = s->d1 > s->d0 ? (v - s->d0) / (s->d1 - s->d0) : 0.5;
    }
    if (t < -0.05)
        t = -0.05;
    if (t > 1.05)
        t = 1.05;
    return s->p0 + t * (s->p1 - s->p0);
}

size_t infl__report_ticks(const infl__report_scale *s, double *ticks, size_t max)
{
    size_t n = 0;
    if (s->log) {
        int k0 = (int)ceil(infl__report_log10(s->d0) - 1e-9);
        int k1 = (int)floor(infl__report_log10(s->d1) + 1e-9);
        /* Decades, with 2 and 5 between them when there are few. */
        bool fill = k1 - k0 < 3;
        for (int k = k0 - 1; k <= k1 && n < max; k++) {
            double p = infl__report_pow10(k);
            const double mult[3] = {1, 2, 5};
            for (int m = 0; m < (fill ? 3 : 1) && n < max; m++) {
                double v = p * mult[m];
                if (v >= s->d0 * (1 - 1e-9) && v <= s->d1 * (1 + 1e-9))
                    ticks[n++] = v;
            }
        }
        return n;
    }
    double span = s->d1 - s->d0;
    if (!(span > 0) || max == 0)
        return 0;
    double raw = span / 5;
    double p = infl__report_pow10((int)floor(infl__report_log10(raw)));
    double step = raw / p < 1.5 ? p : raw / p < 3 ? 2 * p : raw / p < 7 ? 5 * p : 10 * p;
    for (double v = ceil(s->d0 / step - 1e-9) * step; v <= s->d1 + step * 1e-9 && n < max;
         v += step)
        ticks[n++] = fabs(v) < step * 1e-9 ? 0 : v;
    return n;
}

/* A tick's label: "250", "1,500", "20k", "1.5M", "−3k", "0.02". */
static void tick_label(char *buf, size_t size, double v)
{
    double a = fabs(v);
    const char *minus = v < 0 ? "\xe2\x88\x92" : "";
    if (a >= 1e6)
        snprintf(buf, size, "%s%gM", minus, a / 1e6);
    else if (a >= 1e4)
        snprintf(buf, size, "%s%gk", minus, a / 1e3);
    else if (a >= 1000)
        snprintf(buf, size, "%s%d,%03d", minus, (int)(a / 1000), (int)a % 1000);
    else
        snprintf(buf, size, "%s%g", minus, a);
}

void infl__report_svg_open(infl__strbuf *b, double w, double h, const char *title)
{
    infl__strbuf_put(b,
                     "<svg viewBox=\"0 0 %.0f %.0f\" "
                     "width=\"%.0f\" height=\"%.0f\" role=\"img\" class=\"fig\"><title>",
                     w, h, w, h);
    infl__report_escape(b, title);
    infl__strbuf_put(b, "</title>\n");
}

void infl__report_svg_close(infl__strbuf *b)
{
    infl__strbuf_put(b, "</svg>\n");
}

void infl__report_svg_text(infl__strbuf *b, double x, double y, const char *anchor, const char *cls,
                           const char *text)
{
    infl__strbuf_put(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"", x, y, anchor);
    if (cls != NULL)
        infl__strbuf_put(b, " class=\"%s\"", cls);
    infl__strbuf_put(b, ">");
    infl__report_escape(b, text);
    infl__strbuf_put(b, "</text>\n");
}

void infl__report_svg_line(infl__strbuf *b, double x1, double y1, double x2, double y2,
                           const char *cls)
{
    infl__strbuf_put(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"%s\"/>\n",
                     x1, y1, x2, y2, cls);
}

void infl__report_svg_rect(infl__strbuf *b, double x, double y, double w, double h, const char *cls,
                           const char *fill)
{
    if (w < 0) {
        x += w;
        w = -w;
    }
    infl__strbuf_put(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"", x, y,
                     w < 1 ? 1 : w, h);
    if (cls != NULL)
        infl__strbuf_put(b, " class=\"%s\"", cls);
    if (fill != NULL)
        infl__strbuf_put(b, " fill=\"%s\"", fill);
    infl__strbuf_put(b, "/>\n");
}

void infl__report_svg_xaxis(infl__strbuf *b, const infl__report_scale *s, double y, double top,
                            const char *label, const char *currency)
{
    double ticks[40];
    size_t n = infl__report_ticks(s, ticks, 40);
    for (size_t i = 0; i < n; i++) {
        double x = infl__report_scale_at(s, ticks[i]);
        char t[64];
        tick_label(t, sizeof t, ticks[i]);
        infl__report_svg_line(b, x, top, x, y, "grid");
        infl__report_svg_text(b, x, y + 16, "middle", "tick", t);
    }
    infl__report_svg_line(b, s->p0, y, s->p1, y, "axis");
    if (label != NULL) {
        char full[300];
        snprintf(full, sizeof full, "%s%s%s%s", label, currency ? " (" : "",
                 currency ? currency : "", currency ? ")" : "");
        infl__report_svg_text(b, (s->p0 + s->p1) / 2, y + 36, "middle", "label", full);
    }
}

void infl__report_svg_yaxis(infl__strbuf *b, const infl__report_scale *s, double x, double right,
                            const char *label, const char *currency)
{
    double ticks[40];
    size_t n = infl__report_ticks(s, ticks, 40);
    for (size_t i = 0; i < n; i++) {
        double y = infl__report_scale_at(s, ticks[i]);
        char t[64];
        tick_label(t, sizeof t, ticks[i]);
        infl__report_svg_line(b, x, y, right, y, "grid");
        infl__report_svg_text(b, x - 6, y + 4, "end", "tick", t);
    }
    infl__report_svg_line(b, x, s->p0, x, s->p1, "axis");
    if (label != NULL) {
        char full[300];
        snprintf(full, sizeof full, "%s%s%s%s", label, currency ? " (" : "",
                 currency ? currency : "", currency ? ")" : "");
        infl__report_svg_text(b, x, (s->p0 < s->p1 ? s->p0 : s->p1) - 10, "start", "label", full);
    }
}

const char *infl__report_color(size_t i)
{
    /* Okabe and Ito's palette, without its yellow (too pale on white). */
    static const char *const palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                          "#56B4E9", "#E69F00", "#000000"};
    return palette[i % (sizeof palette / sizeof *palette)];
}
