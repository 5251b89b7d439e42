/*
 * select_report.c — select's answer as it prints (cli.h, "select's
 * answer"): the title, how the search went, the plan's creators with their
 * cost, conversions, marginal value and how often resamples chose them, the
 * objective, the runner-up and the creators the resamples disagree on, and
 * the result line for scripts. `influsim select` prints it after its search
 * and `influsim show` from a select's file, through the same functions, so
 * the two print the same answer.
 */
#include "cli.h"

#include "influsim/objective.h"
#include "influsim/select.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* How the objective prints. */
typedef struct {
    char label[96];    /* "mean conversions" */
    const char *units; /* "USD", "conversions", "1" */
    bool money, probability;
    const char *currency;
} objective_print;

/* "value ± se UNITS" (a probability in %), rounded to se. */
static void format_value(char *buf, size_t size, const objective_print *op, double value, double se,
                         bool signed_)
{
    char v[64], e[64];
    if (op->probability) {
        infl_cli_format_number(v, sizeof v, 100.0 * value, 100.0 * se, false, signed_);
        infl_cli_format_se(e, sizeof e, 100.0 * se);
        /* Numbers rounded to their error are short; the precisions only
         * bound the cell for the compiler. */
        snprintf(buf, size, "%.40s ± %.40s %%", v, e);
        return;
    }
    infl_cli_format_number(v, sizeof v, value, se, op->money, signed_);
    infl_cli_format_se(e, sizeof e, se);
    bool units = strcmp(op->units, "1") != 0;
    snprintf(buf, size, "%.40s ± %.40s%s%.24s", v, e, units ? " " : "", units ? op->units : "");
}

/* A share in % ("-" for NaN). */
static void format_percent(char *buf, size_t size, double share)
{
    /* Whole percents, except that a share that is neither 0 nor 1 never
     * prints as one: "0 %" next to a plan that won once would contradict it. */
    double pct = 100.0 * share;
    if (isnan(share))
        snprintf(buf, size, "-");
    else if (pct > 0 && pct < 0.05)
        snprintf(buf, size, "<0.1 %%");
    else if (pct > 99.95 && pct < 100)
        snprintf(buf, size, ">99.9 %%");
    else if ((pct > 0 && pct < 0.5) || (pct >= 99.5 && pct < 100))
        snprintf(buf, size, "%.1f %%", pct);
    else
        snprintf(buf, size, "%.0f %%", pct);
}

/* Width of the handle column: the longest handle of rows[], at least 6, at most 32. */
static int handle_width(const infl_select_result *r, const size_t *rows, size_t n)
{
    size_t w = 6;
    for (size_t k = 0; k < n; k++)
        if (strlen(r->handle[rows[k]]) > w)
            w = strlen(r->handle[rows[k]]);
    return (int)(w > 32 ? 32 : w);
}

/* How objective o prints with currency. */
static objective_print objective_print_of(const infl_objective *o, const char *currency)
{
    objective_print op = {.currency = currency,
                          .units = infl_objective_units(o, currency),
                          .money = infl_objective_counts_spend(o),
                          .probability = infl_objective_is_probability(o)};
    infl_objective_describe(o, op.label, sizeof op.label);
    return op;
}

void infl_select_print_title(FILE *out, const char *scenario_name, const infl_objective *objective,
                             double budget, const char *currency, uint64_t trials, uint64_t seed)
{
    char b[64];
    const objective_print op = objective_print_of(objective, currency);
    infl_cli_format_money(b, sizeof b, budget, currency);
    fprintf(out, "%s: choosing the creators that maximise %s with %s (%llu trials, seed %llu)\n",
            scenario_name, op.label, b, (unsigned long long)trials, (unsigned long long)seed);
    fflush(out);
}

/* The plan's creators, what they cost and bring, and the objective. */
static void print_plan(FILE *out, const infl_select_result *r, const objective_print *op)
{
    char b[64], c[64];
    infl_cli_format_money(b, sizeof b, r->budget, op->currency);
    if (r->n_plan == 0) {
        fprintf(out, "\nthe plan: hire nobody: no creator of the roster raises %s with %s.\n",
                op->label, b);
        return;
    }
    infl_cli_format_money(c, sizeof c, r->plan_cost, op->currency);
    fprintf(out, "\nthe plan: %zu creator%s, mean cost %s of %s\n", r->n_plan,
            r->n_plan == 1 ? "" : "s", c, b);
    const int hw = handle_width(r, r->plan, r->n_plan);
    fprintf(out, "  %-*s  %-8s  %-10s  %10s  %-18s  %-18s  %s\n", hw, "handle", "tier", "platform",
            "cost", "conversions", "marginal", "chosen");
    const objective_print bare = {.units = "1", .money = op->money, .probability = op->probability};
    for (size_t k = 0; k < r->n_plan; k++) {
        const size_t i = r->plan[k];
        char cost[64], conv[64], marg[80], freq[16];
        infl_cli_format_money(cost, sizeof cost, r->mean_cost[i], NULL);
        infl_cli_format_pm(conv, sizeof conv, r->mean_conversions[i], r->conversions_se[i]);
        char v[64];
        if (op->probability) {
            infl_cli_format_number(v, sizeof v, 100.0 * r->marginal[i], 100.0 * r->se, false, true);
            snprintf(marg, sizeof marg, "%s %%", v);
        } else
            infl_cli_format_number(marg, sizeof marg, r->marginal[i], r->se, bare.money, true);
        format_percent(freq, sizeof freq, r->frequency[i]);
        /* one column more for "±", which is two bytes */
        fprintf(out, "  %-*.32s  %-8.8s  %-10.10s  %10s  %-19s  %-18s  %s\n", hw, r->handle[i],
                r->tier[i][0] ? r->tier[i] : "-", r->platform[i][0] ? r->platform[i] : "-", cost,
                conv, marg, freq);
    }
    if (r->plan_unhired > 0)
        fprintf(out,
                "  (on average %.3g of them do not fit what is left of the budget in a\n"
                "  trial, and are not hired there)\n",
                r->plan_unhired);
}

/* "without a, b; with c" of the runner-up against the plan. */
static void print_runner_up(FILE *out, const infl_select_result *r, const objective_print *op)
{
    if (r->n_runner_up == 0 && isnan(r->runner_up_value)) {
        fprintf(out, "\nno runner-up: the search saw no other plan that differs in any trial\n");
        return;
    }
    unsigned char *in = calloc(r->n_creators ? r->n_creators : 1, 1);
    if (in == NULL)
        return;
    for (size_t k = 0; k < r->n_runner_up; k++)
        in[r->runner_up[k]] = 1;
    fprintf(out, "\nrunner-up:");
    const char *sep = " without ";
    for (size_t i = 0; i < r->n_creators; i++)
        if (r->chosen[i] && !in[i]) {
            fprintf(out, "%s%s", sep, r->handle[i]);
            sep = ", ";
        }
    sep = strcmp(sep, ", ") == 0 ? "; with " : " with ";
    for (size_t i = 0; i < r->n_creators; i++)
        if (!r->chosen[i] && in[i]) {
            fprintf(out, "%s%s", sep, r->handle[i]);
            sep = ", ";
        }
    free(in);
    char v[128], d[128];
    format_value(v, sizeof v, op, r->runner_up_value, r->runner_up_se, false);
    format_value(d, sizeof d, op, r->diff, r->diff_se, true);
    fprintf(out, "\n  %s: %s\n", op->label, v);
    fprintf(out, "  the plan minus the runner-up: %s on the same trials\n", d);
    char pb[32], pt[32];
    format_percent(pb, sizeof pb, r->p_beats);
    format_percent(pt, sizeof pt, r->p_tie);
    fprintf(out, "  P(the plan beats the runner-up in a trial) = %s (equal in %s)\n", pb, pt);
}

/* The creators chosen in between 10 % and 90 % of the resamples. */
static void print_robustness(FILE *out, const infl_select_result *r)
{
    if (r->resamples == 0)
        return;
    size_t *rows = malloc((r->n_creators ? r->n_creators : 1) * sizeof *rows), n = 0;
    if (rows == NULL)
        return;
    for (size_t i = 0; i < r->n_creators; i++)
        if (r->frequency[i] >= 0.1 && r->frequency[i] <= 0.9)
            rows[n++] = i;
    if (n == 0) {
        fprintf(out,
                "\nrobustness: over %zu bootstrap resamples of the trials, every creator is\n"
                "chosen in more than 90 %% or fewer than 10 %% of them: the plan does not hang\n"
                "on Monte Carlo noise\n",
                r->resamples);
        free(rows);
        return;
    }
    fprintf(out,
            "\nrobustness: creators chosen in 10 %% to 90 %% of %zu bootstrap resamples of\n"
            "the trials (the uncertain ones):\n",
            r->resamples);
    const int hw = handle_width(r, rows, n);
    fprintf(out, "  %-*s  %-8s  %10s  %-19s  %-7s  %s\n", hw, "handle", "tier", "cost",
            "conversions", "chosen", "in the plan");
    for (size_t k = 0; k < n; k++) {
        const size_t i = rows[k];
        char cost[64], conv[64], freq[16];
        infl_cli_format_money(cost, sizeof cost, r->mean_cost[i], NULL);
        infl_cli_format_pm(conv, sizeof conv, r->mean_conversions[i], r->conversions_se[i]);
        format_percent(freq, sizeof freq, r->frequency[i]);
        fprintf(out, "  %-*.32s  %-8.8s  %10s  %-20s  %-7s  %s\n", hw, r->handle[i],
                r->tier[i][0] ? r->tier[i] : "-", cost, conv, freq, r->chosen[i] ? "yes" : "no");
    }
    free(rows);
}

void infl_select_print_answer(FILE *out, const infl_select_result *r, const char *currency)
{
    const objective_print op = objective_print_of(&r->objective, currency);
    fprintf(out, "searched %llu plans %s in %.1f s\n", (unsigned long long)r->plans_evaluated,
            r->exact ? "exactly (every subset, with pruning)"
                     : "greedily, then by adding, dropping and swapping creators",
            r->seconds);
    print_plan(out, r, &op);
    char v[128], c[64];
    format_value(v, sizeof v, &op, r->value, r->se, false);
    fprintf(out, "  %s: %s (Monte Carlo standard error)\n", op.label, v);
    if (r->n_plan > 0 && r->objective.kind != INFL_OBJECTIVE_MEAN) {
        infl_cli_format_pm(c, sizeof c, r->plan_conversions, r->plan_conversions_se);
        fprintf(out, "  mean conversions: %s\n", c);
    }
    print_runner_up(out, r, &op);
    print_robustness(out, r);
}

void infl_select_print_result_line(FILE *out, const infl_select_result *r)
{
    fprintf(out, "select: method=%s plan=", r->exact ? "exact" : "greedy");
    for (size_t k = 0; k < r->n_plan; k++)
        fprintf(out, "%s%s", k ? "," : "", r->handle[r->plan[k]]);
    fprintf(out, " value=%.17g se=%.17g\n", r->value, r->se);
}
