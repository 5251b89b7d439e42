/*
 * cmd_select.c — `influsim select SCENARIO`: which creators of the roster to
 * hire under the budget. The options, and the answer printed through
 * select_report.c (which `influsim show` shares); the simulation and
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
          "                       30; 0: none); each repeats the search\n"
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
          "With audience overlap (market.addressable) plans are evaluated with the overlap\n"
          "draws a run makes, so the search is slower (docs/select.md).\n"
          "\n"
          "The last line reads: select: method=exact|greedy plan=A,B,... value=V se=E,\n"
          "the plan's handles in roster order (empty: hire nobody), V the objective and E\n"
          "its Monte Carlo standard error, in full precision.\n"
          "Exit status: 0 done, 1 the simulation or a file failed, 2 bad command line or\n"
          "scenario (no roster, an unknown handle).\n",
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

/* The answer (select_report.c), then the files written. */
static void print_report(const select_options *o, const infl_select_result *r, const char *currency)
{
    infl_select_print_answer(stdout, r, currency);
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
    if (!c->quiet)
        infl_select_print_title(stdout, infl_scenario_name(sc), &so->objective,
                                so->budget > 0 ? so->budget : infl_scenario_budget(sc),
                                infl_scenario_currency(sc), infl_scenario_trials(sc),
                                infl_scenario_seed(sc));
    const infl_pipeline_select_options popt = {
        .output = c->output, .plan = o->plan, .replace = c->force};
    if ((rc = infl_pipeline_select(sc, so, &popt, &r, err)) != INFL_OK)
        goto done;
    if (!c->quiet)
        print_report(o, r, infl_scenario_currency(sc));
    infl_select_print_result_line(stdout, r);
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
