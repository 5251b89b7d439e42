/*
 * cmd_select.c — `influsim select SCENARIO`: which creators of the roster to
 * hire under the budget. The options and the printing; the simulation and
 * the search are infl_select_run's (sim/study/select.c), and the results
 * file and the plan's scenario are written through the pipeline
 * (sim/pipeline/select_pipeline.c).
 */
#include "cli.h"

#include "influsim/pipeline.h"
#include "influsim/select.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("usage: influsim select SCENARIO [--budget B] [--objective OBJ] [options]\n"
          "\n"
          "Which creators of the scenario's roster to hire with the budget. Every creator\n"
          "is simulated alone in every trial with the draws a run's `hire: [...]` makes,\n"
          "so every plan (a set of creators, hired in roster order, each if its cost\n"
          "fits what is left) is judged on the same trials. Rosters of up to\n"
          "--exact-limit free creators are searched exactly; larger ones greedily by gain\n"
          "per money, then by adding, dropping and swapping creators. Resampling the\n"
          "trials and searching again says how often each creator is chosen.\n"
          "See docs/select.md.\n"
          "\n"
          "  --budget B           the budget (default: the scenario's)\n"
          "  --objective OBJ      mean        mean conversions (default)\n"
          "                       qNN         the NN % quantile of conversions (q10)\n"
          "                       profit      mean profit (first purchases)\n"
          "                       ltv-profit  mean lifetime profit (repeat orders included)\n"
          "                       p-roi       the probability that ROI > 0\n"
          "                       p-ltv-roi   the probability that the lifetime ROI > 0\n"
          "  --must-include A,B   creators every plan hires (handles; repeatable)\n"
          "  --exclude C,D        creators no plan hires (handles; repeatable)\n"
          "  --exact-limit N      search exactly up to N free creators (default 20)\n"
          "  --resamples N        bootstrap resamples for the robustness table (default\n"
          "                       100; 0: none)\n"
          "  -o, --output FILE    results file (default select.h5): /select with the\n"
          "                       roster as a table\n"
          "      --plan FILE      the plan as a scenario, ready to run (default\n"
          "                       select-plan.yaml): the scenario's strategies and the plan\n"
          "      --force          replace FILE and the plan's file if they exist\n"
          "  -n, --trials N       trials (overrides the scenario's)\n"
          "      --seed S         random seed\n"
          "  -t, --threads T      threads (the results do not depend on it)\n"
          "  -s, --set KEY=VALUE  override a scenario value (repeatable)\n"
          "  -q, --quiet          print only the result line\n"
          "  -h, --help           show this help\n"
          "\n"
          "select does not model audience overlap (market.addressable) yet and refuses a\n"
          "scenario with it; `influsim run` of the plan's file does model it.\n"
          "\n"
          "The last line reads: select: method=exact|greedy plan=A,B,... value=V se=E,\n"
          "the plan's handles in roster order (empty: hire nobody), V the objective and E\n"
          "its Monte Carlo standard error, in full precision.\n"
          "Exit status: 0 done, 1 the simulation or a file failed, 2 bad command line or\n"
          "scenario (no roster, audience overlap, an unknown handle).\n",
          out);
}

/* Handles given to --must-include or --exclude, owned. */
typedef struct {
    char **items;
    size_t n, cap;
} handle_list;

/* Appends the handles of "a,b,c" to l; false (and the message) if one is
 * empty or out of memory. */
static bool add_handles(handle_list *l, const char *option, const char *text, infl_error *err)
{
    const char *p = text;
    while (true) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        while (n > 0 && *p == ' ') {
            p++;
            n--;
        }
        while (n > 0 && p[n - 1] == ' ')
            n--;
        if (n == 0) {
            infl_cli_fail(err, INFL_EARG, "%s: an empty handle in '%s' (write %s alice,bob)",
                          option, text, option);
            return false;
        }
        if (l->n == l->cap) {
            size_t cap = l->cap ? 2 * l->cap : 8;
            char **g = realloc(l->items, cap * sizeof *g);
            if (g == NULL) {
                infl_cli_fail(err, INFL_ENOMEM, "out of memory");
                return false;
            }
            l->items = g;
            l->cap = cap;
        }
        if ((l->items[l->n] = strndup(p, n)) == NULL) {
            infl_cli_fail(err, INFL_ENOMEM, "out of memory");
            return false;
        }
        l->n++;
        if (comma == NULL)
            return true;
        p = comma + 1;
    }
}

static void handle_list_destroy(handle_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
}

enum {
    OPT_BUDGET = INFL_CLI_OPT_OWN,
    OPT_OBJECTIVE,
    OPT_MUST,
    OPT_EXCLUDE,
    OPT_EXACT_LIMIT,
    OPT_RESAMPLES,
    OPT_PLAN,
};

typedef struct {
    infl_cli_common common;
    double budget; /* 0: the scenario's */
    const char *objective;
    handle_list must, exclude;
    uint64_t exact_limit, resamples;
    const char *plan;
} select_options;

/* An infl_cli_own_fn: the options only select takes. */
static infl_cli_option select_option(void *opts, int opt, const char *arg, infl_error *err)
{
    select_options *o = opts;
    switch (opt) {
    case OPT_BUDGET:
        if (infl_cli_parse_between(arg, 0, HUGE_VAL, &o->budget) && isfinite(o->budget))
            return INFL_CLI_OPTION_TAKEN;
        infl_cli_fail(err, INFL_EARG,
                      "--budget: expected a positive amount such as 15000 (got '%s')", arg);
        return INFL_CLI_OPTION_BAD;
    case OPT_OBJECTIVE:
        o->objective = arg;
        return INFL_CLI_OPTION_TAKEN;
    case OPT_MUST:
        return add_handles(&o->must, "--must-include", arg, err) ? INFL_CLI_OPTION_TAKEN
                                                                 : INFL_CLI_OPTION_BAD;
    case OPT_EXCLUDE:
        return add_handles(&o->exclude, "--exclude", arg, err) ? INFL_CLI_OPTION_TAKEN
                                                               : INFL_CLI_OPTION_BAD;
    case OPT_EXACT_LIMIT:
        return infl_cli_taken(
            infl_cli_parse_u64("--exact-limit", arg, 0, 60, &o->exact_limit, err));
    case OPT_RESAMPLES:
        return infl_cli_taken(
            infl_cli_parse_u64("--resamples", arg, 0, 100000, &o->resamples, err));
    case OPT_PLAN:
        o->plan = arg;
        return INFL_CLI_OPTION_TAKEN;
    default:
        return INFL_CLI_OPTION_OTHER;
    }
}

static infl_status parse_select_options(int argc, char **argv, select_options *o, infl_error *err)
{
    static const struct option opts[] = {{"budget", required_argument, NULL, OPT_BUDGET},
                                         {"objective", required_argument, NULL, OPT_OBJECTIVE},
                                         {"must-include", required_argument, NULL, OPT_MUST},
                                         {"exclude", required_argument, NULL, OPT_EXCLUDE},
                                         {"exact-limit", required_argument, NULL, OPT_EXACT_LIMIT},
                                         {"resamples", required_argument, NULL, OPT_RESAMPLES},
                                         {"plan", required_argument, NULL, OPT_PLAN},
                                         {"output", required_argument, NULL, 'o'},
                                         {"force", no_argument, NULL, INFL_CLI_OPT_FORCE},
                                         INFL_CLI_SCENARIO_LONG_OPTIONS,
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    return infl_cli_parse(argc, argv, "o:n:t:s:qh", opts, 2, &o->common, select_option, o, err);
}

/* What select needs beside the options, then --trials and --seed as
 * overrides; fills the library's options *so. */
static infl_status check_select_options(select_options *o, infl_select_options *so, infl_error *err)
{
    infl_status rc;
    if (o->common.n_args != 1)
        return infl_cli_fail(err, INFL_EARG,
                             "select needs one scenario, with a roster (influsim select "
                             "SCENARIO)");
    if (!strcmp(o->plan, o->common.output))
        return infl_cli_fail(err, INFL_EARG,
                             "--plan and -o name the same file '%s'; give them different names",
                             o->plan);
    infl_select_options_init(so);
    if ((rc = infl_objective_parse(o->objective, &so->objective, err)) != INFL_OK)
        return rc;
    if (!infl_cli_sets_add_trials_seed(&o->common.sets, o->common.trials, o->common.seed))
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    so->budget = o->budget;
    so->threads = (unsigned)o->common.threads;
    so->must_include = (const char *const *)o->must.items;
    so->n_must_include = o->must.n;
    so->exclude = (const char *const *)o->exclude.items;
    so->n_exclude = o->exclude.n;
    so->exact_limit = (size_t)o->exact_limit;
    so->resamples = (size_t)o->resamples;
    return INFL_OK;
}

/* value rounded to se, its whole part grouped by thousands when `money`,
 * "+" before a positive one when `signed_`. */
static void format_number(char *buf, size_t size, double value, double se, bool money, bool signed_)
{
    char v[64];
    infl_cli_format_estimate(v, sizeof v, value, se);
    const char *sign = signed_ && strtod(v, NULL) > 0 ? "+" : "";
    size_t n = (size_t)snprintf(buf, size, "%s", sign);
    const char *digits = v + (v[0] == '-');
    const size_t whole = strspn(digits, "0123456789");
    if (!money || whole < 4 || n >= size) {
        snprintf(buf + n, size - n, "%s", v);
        return;
    }
    if (v[0] == '-' && n + 1 < size)
        buf[n++] = '-';
    for (size_t i = 0; i < whole && n + 2 < size; i++) {
        buf[n++] = digits[i];
        if ((whole - i - 1) % 3 == 0 && i + 1 < whole)
            buf[n++] = ',';
    }
    snprintf(buf + n, size - n, "%s", digits + whole);
}

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
        format_number(v, sizeof v, 100.0 * value, 100.0 * se, false, signed_);
        infl_cli_format_se(e, sizeof e, 100.0 * se);
        snprintf(buf, size, "%s ± %s %%", v, e);
        return;
    }
    format_number(v, sizeof v, value, se, op->money, signed_);
    infl_cli_format_se(e, sizeof e, se);
    bool units = strcmp(op->units, "1") != 0;
    snprintf(buf, size, "%s ± %s%s%s", v, e, units ? " " : "", units ? op->units : "");
}

/* A share in % ("-" for NaN). */
static void format_percent(char *buf, size_t size, double share)
{
    if (isnan(share))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.0f %%", 100.0 * share);
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

static void print_title(const infl_scenario *sc, const infl_select_options *so,
                        const objective_print *op)
{
    char b[64];
    infl_cli_format_money(b, sizeof b, so->budget > 0 ? so->budget : infl_scenario_budget(sc),
                          infl_scenario_currency(sc));
    printf("%s: choosing the creators that maximise %s with %s (%llu trials, seed %llu)\n",
           infl_scenario_name(sc), op->label, b, (unsigned long long)infl_scenario_trials(sc),
           (unsigned long long)infl_scenario_seed(sc));
    fflush(stdout);
}

/* The plan's creators, what they cost and bring, and the objective. */
static void print_plan(const infl_select_result *r, const objective_print *op)
{
    char b[64], c[64];
    infl_cli_format_money(b, sizeof b, r->budget, op->currency);
    if (r->n_plan == 0) {
        printf("\nthe plan: hire nobody: no creator of the roster raises %s with %s.\n", op->label,
               b);
        return;
    }
    infl_cli_format_money(c, sizeof c, r->plan_cost, op->currency);
    printf("\nthe plan: %zu creator%s, mean cost %s of %s\n", r->n_plan, r->n_plan == 1 ? "" : "s",
           c, b);
    const int hw = handle_width(r, r->plan, r->n_plan);
    printf("  %-*s  %-8s  %-10s  %10s  %-18s  %-18s  %s\n", hw, "handle", "tier", "platform",
           "cost", "conversions", "marginal", "chosen");
    const objective_print bare = {.units = "1", .money = op->money, .probability = op->probability};
    for (size_t k = 0; k < r->n_plan; k++) {
        const size_t i = r->plan[k];
        char cost[64], conv[64], marg[80], freq[16];
        infl_cli_format_money(cost, sizeof cost, r->mean_cost[i], NULL);
        infl_cli_format_pm(conv, sizeof conv, r->mean_conversions[i], r->conversions_se[i]);
        char v[64];
        if (op->probability) {
            format_number(v, sizeof v, 100.0 * r->marginal[i], 100.0 * r->se, false, true);
            snprintf(marg, sizeof marg, "%s %%", v);
        } else
            format_number(marg, sizeof marg, r->marginal[i], r->se, bare.money, true);
        format_percent(freq, sizeof freq, r->frequency[i]);
        /* one column more for "±", which is two bytes */
        printf("  %-*.32s  %-8.8s  %-10.10s  %10s  %-19s  %-18s  %s\n", hw, r->handle[i],
               r->tier[i][0] ? r->tier[i] : "-", r->platform[i][0] ? r->platform[i] : "-", cost,
               conv, marg, freq);
    }
    if (r->plan_unhired > 0)
        printf("  (on average %.3g of them do not fit what is left of the budget in a\n"
               "  trial, and are not hired there)\n",
               r->plan_unhired);
}

/* "without a, b; with c" of the runner-up against the plan. */
static void print_runner_up(const infl_select_result *r, const objective_print *op)
{
    if (r->n_runner_up == 0 && isnan(r->runner_up_value)) {
        printf("\nno runner-up: the search saw no other plan that differs in any trial\n");
        return;
    }
    unsigned char *in = calloc(r->n_creators ? r->n_creators : 1, 1);
    if (in == NULL)
        return;
    for (size_t k = 0; k < r->n_runner_up; k++)
        in[r->runner_up[k]] = 1;
    printf("\nrunner-up:");
    const char *sep = " without ";
    for (size_t i = 0; i < r->n_creators; i++)
        if (r->chosen[i] && !in[i]) {
            printf("%s%s", sep, r->handle[i]);
            sep = ", ";
        }
    sep = strcmp(sep, ", ") == 0 ? "; with " : " with ";
    for (size_t i = 0; i < r->n_creators; i++)
        if (!r->chosen[i] && in[i]) {
            printf("%s%s", sep, r->handle[i]);
            sep = ", ";
        }
    free(in);
    char v[128], d[128];
    format_value(v, sizeof v, op, r->runner_up_value, r->runner_up_se, false);
    format_value(d, sizeof d, op, r->diff, r->diff_se, true);
    printf("\n  %s: %s\n", op->label, v);
    printf("  the plan minus the runner-up: %s on the same trials\n", d);
    printf("  P(the plan beats the runner-up in a trial) = %.0f %% (equal in %.0f %%)\n",
           100.0 * r->p_beats, 100.0 * r->p_tie);
}

/* The creators chosen in between 10 % and 90 % of the resamples. */
static void print_robustness(const infl_select_result *r)
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
        printf("\nrobustness: over %zu bootstrap resamples of the trials, every creator is\n"
               "chosen in more than 90 %% or fewer than 10 %% of them: the plan does not hang\n"
               "on Monte Carlo noise\n",
               r->resamples);
        free(rows);
        return;
    }
    printf("\nrobustness: creators chosen in 10 %% to 90 %% of %zu bootstrap resamples of\n"
           "the trials (the uncertain ones):\n",
           r->resamples);
    const int hw = handle_width(r, rows, n);
    printf("  %-*s  %-8s  %10s  %-19s  %-7s  %s\n", hw, "handle", "tier", "cost", "conversions",
           "chosen", "in the plan");
    for (size_t k = 0; k < n; k++) {
        const size_t i = rows[k];
        char cost[64], conv[64], freq[16];
        infl_cli_format_money(cost, sizeof cost, r->mean_cost[i], NULL);
        infl_cli_format_pm(conv, sizeof conv, r->mean_conversions[i], r->conversions_se[i]);
        format_percent(freq, sizeof freq, r->frequency[i]);
        printf("  %-*.32s  %-8.8s  %10s  %-20s  %-7s  %s\n", hw, r->handle[i],
               r->tier[i][0] ? r->tier[i] : "-", cost, conv, freq, r->chosen[i] ? "yes" : "no");
    }
    free(rows);
}

static void print_report(const select_options *o, const infl_select_result *r,
                         const objective_print *op)
{
    printf("searched %llu plans %s in %.1f s\n", (unsigned long long)r->plans_evaluated,
           r->exact ? "exactly (every subset, with pruning)"
                    : "greedily, then by adding, dropping and swapping creators",
           r->seconds);
    print_plan(r, op);
    char v[128], c[64];
    format_value(v, sizeof v, op, r->value, r->se, false);
    printf("  %s: %s (Monte Carlo standard error)\n", op->label, v);
    if (r->n_plan > 0 && r->objective.kind != INFL_OBJECTIVE_MEAN) {
        infl_cli_format_pm(c, sizeof c, r->plan_conversions, r->plan_conversions_se);
        printf("  mean conversions: %s\n", c);
    }
    print_runner_up(r, op);
    print_robustness(r);
    printf("\nwrote %s\n", o->common.output);
    if (r->strategy[0])
        printf("wrote %s: the scenario with the plan as strategy '%s'\n"
               "beside its own, on the same trials; run it: influsim run %s\n",
               o->plan, r->strategy, o->plan);
    else
        printf("wrote %s: the scenario with the budget of the question (no plan to add)\n",
               o->plan);
}

static infl_status do_select(const select_options *o, const infl_select_options *so,
                             infl_error *err)
{
    const infl_cli_common *c = &o->common;
    infl_scenario *sc = NULL;
    infl_select_result *r = NULL;
    infl_status rc = infl_cli_load(c->args[0], &c->sets, &sc, err);
    if (rc != INFL_OK)
        goto done;
    objective_print op = {.currency = infl_scenario_currency(sc),
                          .money = infl_objective_counts_spend(&so->objective),
                          .probability = infl_objective_is_probability(&so->objective)};
    infl_objective_describe(&so->objective, op.label, sizeof op.label);
    op.units = infl_objective_units(&so->objective, op.currency);
    if (!c->quiet)
        print_title(sc, so, &op);
    const infl_pipeline_select_options popt = {
        .output = c->output, .plan = o->plan, .replace = c->force};
    if ((rc = infl_pipeline_select(sc, so, &popt, &r, err)) != INFL_OK)
        goto done;
    if (!c->quiet)
        print_report(o, r, &op);
    printf("select: method=%s plan=", r->exact ? "exact" : "greedy");
    for (size_t k = 0; k < r->n_plan; k++)
        printf("%s%s", k ? "," : "", r->handle[r->plan[k]]);
    printf(" value=%.17g se=%.17g\n", r->value, r->se);
done:
    infl_select_result_free(r);
    infl_scenario_free(sc);
    return rc;
}

int infl_cmd_select(int argc, char **argv)
{
    select_options o = {.common = {.output = "select.h5"},
                        .objective = "mean",
                        .exact_limit = INFL_SELECT_EXACT_LIMIT,
                        .resamples = INFL_SELECT_RESAMPLES,
                        .plan = "select-plan.yaml"};
    infl_select_options so;
    infl_error err;
    infl_error_init(&err);
    infl_status rc = parse_select_options(argc, argv, &o, &err);
    if (rc == INFL_OK && o.common.next == INFL_CLI_GO &&
        (rc = check_select_options(&o, &so, &err)) == INFL_OK)
        rc = do_select(&o, &so, &err);
    int code = infl_cli_end(&o.common, rc, &err, usage);
    handle_list_destroy(&o.must);
    handle_list_destroy(&o.exclude);
    infl_error_destroy(&err);
    infl_cli_common_destroy(&o.common);
    return code;
}
