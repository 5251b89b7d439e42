/*
 * report.c — the summary tables printed after a run and by `influsim show`:
 * per strategy the distribution of conversions, spend, hires, ROI and cost per
 * acquisition; then the matrix of P(A converts more than B).
 */
#include "cli.h"

#include "influsim/unspent.h"
#include "influsim/named.h"

#include <math.h>
#include <string.h>

static double stat_or_nan(const infl_summary *sm, size_t s, const char *metric, int which)
{
    const infl_stat *st = infl_summary_stat(sm, s, metric);
    if (st == NULL)
        return NAN;
    switch (which) {
    case 0:
        return st->mean;
    case 1:
        return st->ratio_of_totals;
    case 2:
        return st->se;
    default:
        return NAN;
    }
}

static void cell(FILE *out, int width, int prec, double v)
{
    if (isnan(v))
        fprintf(out, " %*s", width, "-");
    else
        fprintf(out, " %*.*f", width, prec, v);
}

infl_report_header infl_report_header_of(const infl_scenario *sc, const infl_pipeline_result *r)
{
    return (infl_report_header){.scenario_name = infl_scenario_name(sc),
                                .currency = infl_scenario_currency(sc),
                                .trials = infl_scenario_trials(sc),
                                .trials_done = r->stats.trials_done,
                                .seed = infl_scenario_seed(sc),
                                .threads = r->stats.threads,
                                .wall_seconds = r->wall_seconds,
                                .complete = !r->stats.stopped,
                                .sc = sc};
}

/* The line above the tables: scenario, trials, seed, threads, time. */
static void print_title(FILE *out, const infl_report_header *h)
{
    if (h->complete && h->trials_done > 0 && h->trials_done < h->trials)
        fprintf(out, "%s: %llu trials (target standard error met; at most %llu)", h->scenario_name,
                (unsigned long long)h->trials_done, (unsigned long long)h->trials);
    else if (h->complete || h->trials_done == h->trials)
        fprintf(out, "%s: %llu trials", h->scenario_name, (unsigned long long)h->trials);
    else
        fprintf(out, "%s: %llu of %llu trials", h->scenario_name,
                (unsigned long long)h->trials_done, (unsigned long long)h->trials);
    fprintf(out, ", seed %llu, %u thread%s, %.2f s%s\n\n", (unsigned long long)h->seed, h->threads,
            h->threads == 1 ? "" : "s", h->wall_seconds, h->complete ? "" : "  (INCOMPLETE)");
}

/* v rounded to its standard error se, right-aligned in width. */
static void estimate_cell(FILE *out, int width, double v, double se)
{
    char buf[64];
    infl_cli_format_estimate(buf, sizeof buf, v, se);
    fprintf(out, " %*s", width, buf);
}

/* Strategy s's row of the main table, its name in nw characters. */
static void print_strategy(FILE *out, const infl_summary *sm, size_t s, int nw)
{
    const infl_stat *c = infl_summary_stat(sm, s, "conversions");
    fprintf(out, "%-*.*s", nw, nw, sm->strategy_names[s]);
    if (c == NULL) {
        fprintf(out, " (no conversions metric)\n");
        return;
    }
    char se[32];
    estimate_cell(out, 10, c->mean, c->se);
    infl_cli_format_se(se, sizeof se, c->se);
    if (isnan(c->se))
        fprintf(out, " %8s", "");
    else
        fprintf(out, " (%6s)", se);
    cell(out, 6, 0, c->q[1]);
    cell(out, 6, 0, c->q[4]);
    cell(out, 6, 0, c->q[7]);
    cell(out, 6, 3, c->p_zero);
    cell(out, 9, 0, stat_or_nan(sm, s, "spend", 0));
    cell(out, 8, 0, stat_or_nan(sm, s, "unspent", 0));
    cell(out, 7, 1, stat_or_nan(sm, s, "hires", 0));
    cell(out, 6, 2, stat_or_nan(sm, s, "roi", 1));
    cell(out, 9, 2, stat_or_nan(sm, s, "cost_per_acquisition", 1));
    cell(out, 6, 2, stat_or_nan(sm, s, "lost_conversions", 0));
    fputc('\n', out);
}

/* Whether any strategy has repeat orders (orders beyond first purchases). */
static bool has_repeat_orders(const infl_summary *sm)
{
    for (size_t s = 0; s < sm->n_strategies; s++) {
        const infl_stat *o = infl_summary_stat(sm, s, "orders");
        const infl_stat *c = infl_summary_stat(sm, s, "conversions");
        if (o && c && o->mean > c->mean)
            return true;
    }
    return false;
}

/* Lifetime value: orders, lifetime revenue, profit and ROI per strategy,
 * each mean rounded to its standard error. */
static void print_lifetime(FILE *out, const infl_report_header *h, const infl_summary *sm, int nw)
{
    if (h->sc != NULL)
        fprintf(out, "\nlifetime value (first purchases and repeat orders over %g months):\n",
                infl_scenario_horizon_months(h->sc));
    else
        fprintf(out, "\nlifetime value (first purchases and repeat orders):\n");
    fprintf(out, "%-*s %10s %8s %12s %12s %10s %8s\n", nw, "strategy", "orders", "(se)", "revenue",
            "profit", "(se)", "ROI");
    fprintf(out, "%-*s %10s %8s %12s %12s %10s %8s\n", nw, "", "mean", "", h->currency, h->currency,
            "", "total");
    for (size_t s = 0; s < sm->n_strategies; s++) {
        const infl_stat *o = infl_summary_stat(sm, s, "orders");
        const infl_stat *r = infl_summary_stat(sm, s, "ltv_revenue");
        const infl_stat *p = infl_summary_stat(sm, s, "ltv_profit");
        if (!o || !r || !p)
            continue;
        char se[32];
        fprintf(out, "%-*.*s", nw, nw, sm->strategy_names[s]);
        estimate_cell(out, 10, o->mean, o->se);
        infl_cli_format_se(se, sizeof se, o->se);
        fprintf(out, " (%6s)", se);
        estimate_cell(out, 12, r->mean, r->se);
        estimate_cell(out, 12, p->mean, p->se);
        infl_cli_format_se(se, sizeof se, p->se);
        fprintf(out, " (%8s)", se);
        cell(out, 8, 2, stat_or_nan(sm, s, "ltv_roi", 1));
        fputc('\n', out);
    }
}

/* What the columns mean, and the trials where a ratio is undefined. */
static void print_notes(FILE *out, const infl_summary *sm)
{
    fprintf(out, "\nROI and CPA are ratios of totals over all trials (profit / spend, spend / "
                 "conversions);\nmeans are rounded to their standard error; lost = conversions "
                 "lost in regions the\nbrand cannot ship to.\n");
    for (size_t s = 0; s < sm->n_strategies; s++) {
        const infl_stat *cpa = infl_summary_stat(sm, s, "cost_per_acquisition");
        const infl_stat *roi = infl_summary_stat(sm, s, "roi");
        if (cpa && cpa->n_missing)
            fprintf(out, "%s: cost per acquisition undefined in %llu trials (no conversions)\n",
                    sm->strategy_names[s], (unsigned long long)cpa->n_missing);
        if (roi && roi->n_missing)
            fprintf(out, "%s: ROI undefined in %llu trials (nothing spent)\n",
                    sm->strategy_names[s], (unsigned long long)roi->n_missing);
    }
}

/* The matrix of P(row converts more than column), names in nw characters. */
static void print_comparisons(FILE *out, const infl_summary *sm, int nw)
{
    const size_t ns = sm->n_strategies;
    const int cw = nw < 12 ? nw : 12;
    fprintf(out, "\nP(row converts more than column), same trials:\n%-*s", nw, "");
    for (size_t b = 0; b < ns; b++)
        fprintf(out, " %*.*s", cw, cw, sm->strategy_names[b]);
    fputc('\n', out);
    for (size_t a = 0; a < ns; a++) {
        fprintf(out, "%-*.*s", nw, nw, sm->strategy_names[a]);
        for (size_t b = 0; b < ns; b++) {
            if (a == b)
                fprintf(out, " %*s", cw, "-");
            else
                cell(out, cw, 3, sm->p_greater[a * ns + b]);
        }
        fputc('\n', out);
    }
}

void infl_report_print(FILE *out, const infl_report_header *h, const infl_summary *sm)
{
    const size_t ns = sm->n_strategies;
    int nw = 8;
    for (size_t s = 0; s < ns; s++) {
        int len = (int)strlen(sm->strategy_names[s]);
        if (len > nw)
            nw = len;
    }
    if (nw > 32)
        nw = 32;

    print_title(out, h);
    /* The six conversions columns take 51 characters; one label spans them. */
    fprintf(out, "%-*s %s %9s %8s %7s %6s %9s %6s\n", nw, "",
            "------------------ conversions ------------------", "spend", "unspent", "hires", "ROI",
            "CPA", "lost");
    fprintf(out, "%-*s %10s %8s %6s %6s %6s %6s %9s %8s %7s %6s %9s %6s\n", nw, "strategy", "mean",
            "(se)", "5%", "50%", "95%", "P(0)", h->currency, h->currency, "mean", "total",
            h->currency, "mean");
    for (size_t s = 0; s < ns; s++)
        print_strategy(out, sm, s, nw);
    if (has_repeat_orders(sm))
        print_lifetime(out, h, sm, nw);
    print_notes(out, sm);
    if (ns >= 2)
        print_comparisons(out, sm, nw);
}

void infl_report_warn_unspent(const infl_scenario *sc, const infl_summary *sm)
{
    infl_unspent_note notes[16];
    size_t n = infl_unspent_notes(sc, sm, notes, 16);
    fflush(stdout); /* after the report it explains, also through a pipe */
    for (size_t i = 0; i < n && i < 16; i++)
        fprintf(stderr, "influsim: warning: %s\n", notes[i].text);
    if (n > 16)
        fprintf(stderr, "influsim: warning: %zu more strategies leave over 5 %% unspent\n", n - 16);
    infl_report_warn_named(sc, stderr, "influsim: warning: ");
}

void infl_report_warn_named(const infl_scenario *sc, FILE *out, const char *prefix)
{
    infl_named_note notes[16];
    size_t n = 0;
    infl_error err;
    infl_error_init(&err);
    /* The attribute draws of 20,000 trials take milliseconds. */
    if (infl_named_notes(sc, 20000, notes, 16, &n, &err) != INFL_OK)
        fprintf(stderr, "influsim: %s", infl_error_message(&err));
    infl_error_destroy(&err);
    for (size_t i = 0; i < n && i < 16; i++)
        fprintf(out, "%s%s\n", prefix, notes[i].text);
    if (n > 16)
        fprintf(out, "%s%zu more named creators did not always fit\n", prefix, n - 16);
}

/* A number in at most `width` characters: fixed point where it fits with a
 * sensible number of decimals, else %g. */
static void num_cell(FILE *out, int width, double v, bool integer)
{
    char buf[64];
    if (isnan(v))
        snprintf(buf, sizeof buf, "-");
    else if (integer && v == floor(v) && fabs(v) < 1e12)
        snprintf(buf, sizeof buf, "%.0f", v);
    else if (fabs(v) >= 1e9 || (v != 0 && fabs(v) < 1e-3))
        snprintf(buf, sizeof buf, "%.4g", v);
    else
        snprintf(buf, sizeof buf, "%.*f", fabs(v) >= 1000 ? 1 : fabs(v) >= 1 ? 2 : 4, v);
    fprintf(out, " %*s", width, buf);
}

void infl_report_print_metrics(FILE *out, const infl_summary *sm)
{
    int mw = 6;
    for (size_t m = 0; m < sm->n_metrics; m++) {
        int len = (int)strlen(sm->metrics[m].name);
        if (len > mw)
            mw = len;
    }
    for (size_t s = 0; s < sm->n_strategies; s++) {
        fprintf(out, "\n%s: every metric over %llu trials\n", sm->strategy_names[s],
                (unsigned long long)sm->n_trials);
        fprintf(out, "%-*s %12s %10s %12s %12s %12s %12s %7s %8s  %s\n", mw, "metric", "mean",
                "(se)", "5%", "50%", "95%", "total/ratio", "P(0)", "missing", "units");
        for (size_t m = 0; m < sm->n_metrics; m++) {
            const infl_metric_info *mi = &sm->metrics[m];
            const infl_stat *st = &sm->stats[s * sm->n_metrics + m];
            fprintf(out, "%-*s", mw, mi->name);
            num_cell(out, 12, st->mean, false);
            num_cell(out, 10, st->se, false);
            num_cell(out, 12, st->q[1], mi->integer);
            num_cell(out, 12, st->q[4], mi->integer);
            num_cell(out, 12, st->q[7], mi->integer);
            /* For a ratio, its ratio of totals; otherwise the sum is mean x n. */
            double total = st->mean * (double)st->n;
            if (mi->integer)
                total = round(total); /* a sum of counts, less the mean's rounding */
            num_cell(out, 12, mi->ratio ? st->ratio_of_totals : total, mi->integer && !mi->ratio);
            num_cell(out, 7, st->p_zero, false);
            fprintf(out, " %8llu  %s\n", (unsigned long long)st->n_missing, mi->units);
        }
    }
}
