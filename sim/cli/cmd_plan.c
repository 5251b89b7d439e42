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

int infl_cmd_plan(int argc, char **argv)
{
    enum {
        OPT_STRATEGY = INFL_CLI_OPT_OWN,
        OPT_CONVERSIONS,
        OPT_CONFIDENCE,
        OPT_EXPECTED,
        OPT_TOL
    };
    static const struct option opts[] = {{"strategy", required_argument, NULL, OPT_STRATEGY},
                                         {"conversions", required_argument, NULL, OPT_CONVERSIONS},
                                         {"confidence", required_argument, NULL, OPT_CONFIDENCE},
                                         {"expected", no_argument, NULL, OPT_EXPECTED},
                                         {"tolerance", required_argument, NULL, OPT_TOL},
                                         {"trials", required_argument, NULL, 'n'},
                                         {"seed", required_argument, NULL, INFL_CLI_OPT_SEED},
                                         {"threads", required_argument, NULL, 't'},
                                         {"set", required_argument, NULL, 's'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    infl_cli_sets sets = {0};
    infl_plan_options p = {.confidence = 0.9, .tolerance = 0.005};
    bool quiet = false;
    uint64_t threads = 0;
    const char *trials = NULL, *seed = NULL;
    int code = INFL_EXIT_OK, c;
    infl_error err;
    infl_error_init(&err);
    infl_scenario *base = NULL;
    infl_status rc = INFL_OK;
    char *end = NULL;

    optind = 1;
    while ((c = getopt_long(argc, argv, "n:t:s:qh", opts, NULL)) != -1) {
        infl_cli_option shared =
            infl_cli_scenario_option(c, optarg, 1, &sets, &trials, &seed, &threads, &err);
        if (shared == INFL_CLI_OPTION_BAD) {
            rc = err.status;
            goto fail;
        }
        if (shared == INFL_CLI_OPTION_TAKEN)
            continue;
        bool ok = true;
        switch (c) {
        case OPT_STRATEGY:
            p.strategy = optarg;
            break;
        case OPT_CONVERSIONS:
            ok = infl_cli_parse_u64("--conversions", optarg, 1, UINT64_C(1) << 53, &p.conversions);
            break;
        case OPT_CONFIDENCE:
            p.confidence = strtod(optarg, &end);
            if (end == optarg || *end || !(p.confidence > 0 && p.confidence < 1)) {
                infl_cli_error("--confidence: expected a probability between 0 and 1 (got '%s')",
                               optarg);
                ok = false;
            }
            break;
        case OPT_EXPECTED:
            p.expected = true;
            break;
        case OPT_TOL:
            p.tolerance = strtod(optarg, &end);
            if (end == optarg || *end || !(p.tolerance > 0 && p.tolerance < 0.5)) {
                infl_cli_error("--tolerance: expected a relative width such as 0.005 (got '%s')",
                               optarg);
                ok = false;
            }
            break;
        case 'q':
            quiet = true;
            break;
        case 'h':
            usage(stdout);
            goto done;
        default:
            usage(stderr);
            code = INFL_EXIT_USAGE;
            goto done;
        }
        if (!ok) {
            code = INFL_EXIT_USAGE;
            goto done;
        }
    }
    if (p.strategy == NULL || p.conversions == 0 || argc - optind > 1) {
        infl_cli_error("plan needs --strategy NAME and --conversions N (and at most one scenario)");
        code = INFL_EXIT_USAGE;
        goto done;
    }
    if (!infl_cli_sets_add_trials_seed(&sets, trials, seed)) {
        infl_cli_error("out of memory");
        code = INFL_EXIT_FAILURE;
        goto done;
    }
    p.threads = (unsigned)threads;
    if ((rc = infl_cli_load(optind < argc ? argv[optind] : NULL, &sets, &base, &err)) != INFL_OK)
        goto fail;
    if (!quiet)
        printf("%s: smallest budget for %s to make %llu conversions %s\n", infl_scenario_name(base),
               p.strategy, (unsigned long long)p.conversions,
               p.expected ? "on average" : "with the probability asked");
    p.evaluated = quiet ? NULL : print_budget;
    p.user = &p;
    infl_plan_result r;
    if ((rc = infl_plan_run(base, &p, &r, &err)) != INFL_OK)
        goto fail;
    printf("plan: budget=%.17g lower=%.17g p=%.17g p_lower=%.17g\n", r.budget, r.lower, r.p,
           r.p_lower);
    goto done;

fail:
    infl_cli_print_error(&err);
    code = infl_cli_exit_code(rc);
done:
    infl_scenario_free(base);
    infl_error_destroy(&err);
    infl_cli_sets_destroy(&sets);
    return code;
}
