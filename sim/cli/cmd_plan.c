/*
 * cmd_plan.c — `influsim plan`: the smallest budget at which a strategy reaches
 * N conversions with a given probability (or in expectation). The options and
 * the printing; the search is infl_plan_run's (sim/study/plan.c).
 */
#include "cli.h"

#include "influsim/plan.h"
#include "influsim/scenario.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("usage: influsim plan [SCENARIO] --strategy NAME --conversions N\n"
          "                     [--confidence P | --expected] [options]\n"
          "\n"
          "Finds the smallest budget at which strategy NAME makes at least N conversions\n"
          "with probability P (default 0.9), or on average with --expected, by bisection\n"
          "on the budget with the same seed at every budget.\n"
          "\n"
          "  --strategy NAME      the strategy to plan for\n"
          "  --conversions N      the conversions to reach\n"
          "  --confidence P       the probability of reaching them (0 < P < 1; default 0.9)\n"
          "  --expected           reach them on average instead\n"
          "  --tolerance R        stop when the bracket is within R of the budget (default\n"
          "                       0.005, i.e. 0.5 %)\n"
          "  -n, --trials N       trials per budget tried (overrides the scenario's)\n"
          "      --seed S         random seed\n"
          "  -t, --threads T      threads (the results do not depend on it)\n"
          "  -s, --set KEY=VALUE  override a scenario value (repeatable)\n"
          "  -q, --quiet          print only the result line\n"
          "  -h, --help           show this help\n"
          "\n"
          "The last line reads: plan: budget=B lower=L p=PB p_lower=PL (PB and PL the\n"
          "probabilities, or the mean conversions with --expected, at B and at L).\n"
          "Exit status: 0 found, 1 a run failed or no budget up to 10^12 suffices,\n"
          "2 bad command line or invalid scenario.\n",
          out);
}

/* A line per budget tried, as soon as it is done (also into a pipe). */
static void print_budget(void *user, double budget, double score)
{
    const infl_plan_options *p = user;
    printf("  budget %14.2f: %s %.4f\n", budget, p->expected ? "mean conversions" : "P(reach)",
           score);
    fflush(stdout);
}

enum { OPT_STRATEGY = INFL_CLI_OPT_OWN, OPT_CONVERSIONS, OPT_CONFIDENCE, OPT_EXPECTED, OPT_TOL };

/* The command line: the shared options and the search's. */
typedef struct {
    infl_cli_common common;
    infl_plan_options plan;
} plan_options;

/* An infl_cli_own_fn: the options only plan takes. */
static infl_cli_option plan_option(void *opts, int opt, const char *arg, infl_error *err)
{
    infl_plan_options *p = &((plan_options *)opts)->plan;
    switch (opt) {
    case OPT_STRATEGY:
        p->strategy = arg;
        return INFL_CLI_OPTION_TAKEN;
    case OPT_CONVERSIONS:
        return infl_cli_taken(
            infl_cli_parse_u64("--conversions", arg, 1, UINT64_C(1) << 53, &p->conversions, err));
    case OPT_CONFIDENCE:
        if (infl_cli_parse_between(arg, 0, 1, &p->confidence))
            return INFL_CLI_OPTION_TAKEN;
        infl_cli_fail(err, INFL_EARG,
                      "--confidence: expected a probability between 0 and 1 (got '%s')", arg);
        return INFL_CLI_OPTION_BAD;
    case OPT_EXPECTED:
        p->expected = true;
        return INFL_CLI_OPTION_TAKEN;
    case OPT_TOL:
        if (infl_cli_parse_between(arg, 0, 0.5, &p->tolerance))
            return INFL_CLI_OPTION_TAKEN;
        infl_cli_fail(err, INFL_EARG,
                      "--tolerance: expected a relative width such as 0.005 (got '%s')", arg);
        return INFL_CLI_OPTION_BAD;
    default:
        return INFL_CLI_OPTION_OTHER;
    }
}

/* Fills *o from the command line; see infl_cli_parse. */
static infl_status parse_plan_options(int argc, char **argv, plan_options *o, infl_error *err)
{
    static const struct option opts[] = {{"strategy", required_argument, NULL, OPT_STRATEGY},
                                         {"conversions", required_argument, NULL, OPT_CONVERSIONS},
                                         {"confidence", required_argument, NULL, OPT_CONFIDENCE},
                                         {"expected", no_argument, NULL, OPT_EXPECTED},
                                         {"tolerance", required_argument, NULL, OPT_TOL},
                                         INFL_CLI_SCENARIO_LONG_OPTIONS,
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    return infl_cli_parse(argc, argv, "n:t:s:qh", opts, 1, &o->common, plan_option, o, err);
}

/* What plan needs beside the options, then --trials and --seed as overrides. */
static infl_status check_plan_options(plan_options *o, infl_error *err)
{
    if (o->plan.strategy == NULL || o->plan.conversions == 0 || o->common.n_args > 1)
        return infl_cli_fail(
            err, INFL_EARG,
            "plan needs --strategy NAME and --conversions N (and at most one scenario)");
    if (!infl_cli_sets_add_trials_seed(&o->common.sets, o->common.trials, o->common.seed))
        return infl_cli_fail(err, INFL_ENOMEM, "out of memory");
    o->plan.threads = (unsigned)o->common.threads;
    return INFL_OK;
}

/* Loads the scenario, searches and prints the result line. */
static infl_status plan(plan_options *o, infl_error *err)
{
    infl_plan_options *p = &o->plan;
    infl_scenario *base = NULL;
    infl_status rc =
        infl_cli_load(o->common.n_args > 0 ? o->common.args[0] : NULL, &o->common.sets, &base, err);
    if (rc != INFL_OK)
        goto done;
    if (!o->common.quiet)
        printf("%s: smallest budget for %s to make %llu conversions %s\n", infl_scenario_name(base),
               p->strategy, (unsigned long long)p->conversions,
               p->expected ? "on average" : "with the probability asked");
    p->evaluated = o->common.quiet ? NULL : print_budget;
    p->user = p;
    infl_plan_result r;
    if ((rc = infl_plan_run(base, p, &r, err)) != INFL_OK)
        goto done;
    printf("plan: budget=%.17g lower=%.17g p=%.17g p_lower=%.17g\n", r.budget, r.lower, r.p,
           r.p_lower);
done:
    infl_scenario_free(base);
    return rc;
}

int infl_cmd_plan(int argc, char **argv)
{
    plan_options o = {.plan = {.confidence = 0.9, .tolerance = 0.005}};
    infl_error err;
    infl_error_init(&err);
    infl_status rc = parse_plan_options(argc, argv, &o, &err);
    if (rc == INFL_OK && o.common.next == INFL_CLI_GO &&
        (rc = check_plan_options(&o, &err)) == INFL_OK)
        rc = plan(&o, &err);
    int code = infl_cli_end(&o.common, rc, &err, usage);
    infl_error_destroy(&err);
    infl_cli_common_destroy(&o.common);
    return code;
}
