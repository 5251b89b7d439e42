/*
 * cmd_plan.c — `influsim plan`: the smallest budget at which a strategy reaches
 * N conversions with a given probability (or in expectation), by bisection on
 * the budget with common random numbers (the same seed at every budget).
 *
 * With common random numbers each trial's conversions never fall as the
 * budget grows (a larger budget hires the same candidates and more), so the
 * probability of reaching N is non-decreasing in the budget and bisection
 * brackets the smallest sufficient budget.
 */
#include "cli.h"

#include "influsim/engine.h"
#include "influsim/scenario.h"

#include <getopt.h>
#include <math.h>
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

typedef struct {
    const infl_scenario *base; /* every budget is derived from it */
    const char *strategy;
    double conversions, confidence;
    bool expected;
    unsigned threads;
    bool quiet;
    size_t index; /* of the strategy, once known */
} plan_ctx;

/* Runs at budget b; *score is P(conversions >= N) or, expected, the mean. */
static infl_status evaluate(plan_ctx *p, double b, double *score, infl_error *err)
{
    char over[64];
    snprintf(over, sizeof over, "budget=%.17g", b);
    const char *extra[1] = {over};
    infl_scenario *sc = NULL;
    infl_status rc = infl_scenario_derive(p->base, extra, 1, &sc, err);
    if (rc != INFL_OK)
        return rc;
    infl_trials *tr = NULL;
    infl_run_options opt = {.threads = p->threads};
    rc = infl_engine_run(sc, &opt, &tr, NULL, NULL, err);
    infl_scenario_free(sc);
    if (rc != INFL_OK)
        return rc;
    size_t s = 0;
    while (s < tr->n_strategies && strcmp(tr->strategy_names[s], p->strategy) != 0)
        s++;
    if (s == tr->n_strategies) {
        infl_trials_free(tr);
        return infl_error_add(err, INFL_EARG, "--strategy: no strategy '%s' in the scenario",
                              p->strategy);
    }
    const double *c = infl_trials_column(tr, s, infl_trials_metric_index(tr, "conversions"));
    uint64_t reached = 0;
    double mean = 0.0;
    for (uint64_t t = 0; t < tr->n_trials; t++) {
        reached += c[t] >= p->conversions;
        mean += (c[t] - mean) / (double)(t + 1);
    }
    *score = p->expected ? mean : (double)reached / (double)tr->n_trials;
    infl_trials_free(tr);
    if (!p->quiet)
        printf("  budget %14.2f: %s %.4f\n", b, p->expected ? "mean conversions" : "P(reach)",
               *score);
    fflush(stdout); /* a line per budget as it is tried, also into a pipe */
    return INFL_OK;
}

static bool enough(const plan_ctx *p, double score)
{
    return p->expected ? score >= p->conversions : score >= p->confidence;
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
    plan_ctx p = {.confidence = 0.9};
    double tolerance = 0.005;
    uint64_t conversions = 0, threads = 0;
    const char *trials = NULL, *seed = NULL;
    int code = INFL_EXIT_OK, c;
    infl_error err;
    infl_error_init(&err);
    infl_scenario *base = NULL;
    infl_status rc = INFL_OK;
    char *end = NULL;

    optind = 1;
    while ((c = getopt_long(argc, argv, "n:t:s:qh", opts, NULL)) != -1) {
        int shared = infl_cli_scenario_option(c, optarg, 1, &sets, &trials, &seed, &threads);
        if (shared == 0) {
            code = INFL_EXIT_USAGE;
            goto done;
        }
        if (shared == 1)
            continue;
        bool ok = true;
        switch (c) {
        case OPT_STRATEGY:
            p.strategy = optarg;
            break;
        case OPT_CONVERSIONS:
            ok = infl_cli_parse_u64("--conversions", optarg, 1, UINT64_C(1) << 53, &conversions);
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
            tolerance = strtod(optarg, &end);
            if (end == optarg || *end || !(tolerance > 0 && tolerance < 0.5)) {
                infl_cli_error("--tolerance: expected a relative width such as 0.005 (got '%s')",
                               optarg);
                ok = false;
            }
            break;
        case 'q':
            p.quiet = true;
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
    if (p.strategy == NULL || conversions == 0 || argc - optind > 1) {
        infl_cli_error("plan needs --strategy NAME and --conversions N (and at most one scenario)");
        code = INFL_EXIT_USAGE;
        goto done;
    }
    if (!infl_cli_sets_add_trials_seed(&sets, trials, seed)) {
        infl_cli_error("out of memory");
        code = INFL_EXIT_FAILURE;
        goto done;
    }
    p.conversions = (double)conversions;
    p.threads = (unsigned)threads;
    if ((rc = infl_cli_load(optind < argc ? argv[optind] : NULL, &sets, &base, &err)) != INFL_OK)
        goto fail;
    p.base = base;
    if (!p.quiet)
        printf("%s: smallest budget for %s to make %llu conversions %s\n", infl_scenario_name(base),
               p.strategy, (unsigned long long)conversions,
               p.expected ? "on average" : "with the probability asked");

    /* A bracket [lo, hi] with lo not enough and hi enough, from the
     * scenario's budget by doubling or halving. */
    double hi = infl_scenario_budget(base), lo = 0.0, s_hi = 0.0, s_lo = 0.0, s;
    if ((rc = evaluate(&p, hi, &s_hi, &err)) != INFL_OK)
        goto fail;
    if (enough(&p, s_hi)) {
        for (lo = hi / 2; lo > 1e-2; lo /= 2) {
            if ((rc = evaluate(&p, lo, &s, &err)) != INFL_OK)
                goto fail;
            if (!enough(&p, s)) {
                s_lo = s;
                break;
            }
            hi = lo;
            s_hi = s;
        }
    } else {
        lo = hi;
        s_lo = s_hi;
        for (hi = lo * 2; !enough(&p, s_hi); hi *= 2) {
            if (hi > 1e12) {
                rc = infl_error_add(&err, INFL_ELIMIT,
                                    "%s does not reach %llu conversions %s with any budget up to "
                                    "10^12",
                                    p.strategy, (unsigned long long)conversions,
                                    p.expected ? "on average" : "with that probability");
                goto fail;
            }
            if ((rc = evaluate(&p, hi, &s_hi, &err)) != INFL_OK)
                goto fail;
            if (!enough(&p, s_hi)) {
                lo = hi;
                s_lo = s_hi;
            }
        }
        hi /= 2; /* the loop doubled once past the budget found */
    }
    while (hi - lo > tolerance * hi) {
        double mid = 0.5 * (lo + hi);
        if ((rc = evaluate(&p, mid, &s, &err)) != INFL_OK)
            goto fail;
        if (enough(&p, s)) {
            hi = mid;
            s_hi = s;
        } else {
            lo = mid;
            s_lo = s;
        }
    }
    printf("plan: budget=%.17g lower=%.17g p=%.17g p_lower=%.17g\n", hi, lo, s_hi, s_lo);
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
