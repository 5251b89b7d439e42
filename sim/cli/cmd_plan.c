/*
 * cmd_plan.c — `influsim plan`: the smallest budget at which a strategy reaches
 * N conversions with a given probability (or in expectation). The options and
 * the printing; the search is infl_plan_run's (sim/study/plan.c).
 */
#include "cli.h"

#include "influsim/plan.h"
#include "influsim/scenario.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("usage: influsim plan [SCENARIO] --strategy NAME --conversions N\n"
          "                     [--confidence P | --expected] [--max-budget AMOUNT] [options]\n"
          "\n"
          "Finds the smallest budget at which strategy NAME makes at least N conversions\n"
          "with probability P (default 0.9), or on average with --expected, by bisection\n"
          "on the budget with the same seed at every budget.\n"
          "\n"
          "  --strategy NAME      the strategy to plan for\n"
          "  --conversions N      the conversions to reach\n"
          "  --confidence P       the probability of reaching them (0 < P < 1; default 0.9)\n"
          "  --expected           reach them on average instead\n"
          "  --ltv                count orders over the customer's lifetime (first purchases\n"
          "                       and product.repeat_orders) instead of first purchases\n"
          "  --max-budget AMOUNT  the largest budget to consider (default 10^12); if even\n"
          "                       it is not enough, plan says so and exits 1\n"
          "  --tolerance R        stop when the bracket is within R of the budget (default\n"
          "                       0.005, i.e. 0.5 %)\n"
          "  -n, --trials N       trials per budget tried (overrides the scenario's)\n"
          "      --seed S         random seed\n"
          "  -t, --threads T      threads (the results do not depend on it)\n"
          "  -s, --set KEY=VALUE  override a scenario value (repeatable)\n"
          "  -q, --quiet          print only the result line\n"
          "  -h, --help           show this help\n"
          "\n"
          "Before the search, a pilot of a twentieth of the trials (at least 100) at the\n"
          "first budget gives an estimate of the budgets and time the plan will take;\n"
          "each budget tried is a line; after the first, a new estimate of the time the\n"
          "rest will take. Estimates go to stderr (not with -q). The answer is the\n"
          "bracket: the smallest budget found enough and the largest found not enough,\n"
          "with the probability (or the mean) and its standard error at each. The last\n"
          "line reads:\n"
          "  plan: budget=B lower=L p=PB p_lower=PL se=SB se_lower=SL\n"
          "(PB and PL the probabilities, or the mean conversions with --expected, at B\n"
          "and at L; SB and SL their standard errors), or, when the max budget is not\n"
          "enough, plan: not-reached max_budget=M p=PM se=SM.\n"
          "Exit status: 0 found, 1 a run failed or no budget up to the max suffices,\n"
          "2 bad command line or invalid scenario.\n",
          out);
}

/* What the budget lines and the answer need beside the plan's options. */
typedef struct {
    const infl_plan_options *plan;
    const char *currency;
    double tolerance;
    bool quiet;
} plan_printer;

/* A budget as money, with the decimals that tell apart budgets the
 * tolerance separates (whole units for budgets of a few hundred and more). */
static void budget_text(char *buf, size_t size, const plan_printer *pp, double b)
{
    double resolution = pp->tolerance * b / 4;
    int places = resolution >= 1 || !(resolution > 0) ? -1 : (int)ceil(-log10(resolution));
    infl_cli_format_money_places(buf, size, b, places, pp->currency);
}

/* "P(>= N) = 0.912 ± 0.014" or "mean = 1003.2 ± 3.1" (no "± 0" where every
 * trial agreed). */
static void score_text(char *buf, size_t size, const plan_printer *pp, double score, double se)
{
    char v[96];
    if (se > 0)
        infl_cli_format_pm(v, sizeof v, score, se);
    else
        infl_cli_format_estimate(v, sizeof v, score, se);
    if (pp->plan->expected)
        snprintf(buf, size, "mean %s = %s", infl_plan_metric(pp->plan), v);
    else
        snprintf(buf, size, "P(>= %llu) = %s", (unsigned long long)pp->plan->conversions, v);
}

/* "3.2 s", "4 min 10 s", "2 h 5 min". */
static void duration_text(char *buf, size_t size, double s)
{
    if (s < 10)
        snprintf(buf, size, "%.1f s", s);
    else if (s < 120)
        snprintf(buf, size, "%.0f s", s);
    else if (s < 7200)
        snprintf(buf, size, "%.0f min %.0f s", floor(s / 60), fmod(round(s), 60));
    else
        snprintf(buf, size, "%.0f h %.0f min", floor(s / 3600), fmod(round(s / 60), 60));
}

/* On stderr: how long the plan will take, as guessed from its first budget
 * (pilot: from a short pilot run before it starts), or the rest after it. */
static void print_forecast(const plan_printer *pp, const infl_plan_step *first, bool pilot,
                           uint64_t pilot_trials)
{
    infl_plan_forecast f = infl_plan_forecast_after(pp->plan, first);
    char took[32], left[32];
    duration_text(took, sizeof took, first->seconds);
    duration_text(left, sizeof left, pilot ? f.seconds + first->seconds : f.seconds);
    const size_t more = f.bracketing + f.bisection;
    if (pilot)
        fprintf(stderr,
                "plan: estimate before starting (from a pilot of %llu trials): about %zu "
                "budgets (%zu to bracket the answer, %zu to bisect it), %llu trials each; the "
                "first should take about %s, so about %s in all. A guess: it assumes "
                "conversions and run time grow in proportion to the budget",
                (unsigned long long)pilot_trials, more + 1, f.bracketing + 1, f.bisection,
                (unsigned long long)first->trials, took, left);
    else
        fprintf(stderr,
                "plan: estimate: about %zu more budget%s (%zu to bracket the answer, %zu to "
                "bisect it), %llu trials each; the first took %s, so about %s more. A guess: "
                "it assumes conversions and run time grow in proportion to the budget",
                more, more == 1 ? "" : "s", f.bracketing, f.bisection,
                (unsigned long long)first->trials, took, left);
    if (isnan(f.answer))
        fprintf(stderr, ", and the first budget made no conversion, so where the answer lies "
                        "is unknown");
    else if (f.reaches_max)
        fprintf(stderr, ", and by it even the max budget will not be enough");
    fputs(".\n", stderr);
    fflush(stderr);
}

/* A line per budget tried, as soon as it is done (also into a pipe); the
 * estimate after the first. */
static void print_budget(void *user, const infl_plan_step *step)
{
    const plan_printer *pp = user;
    if (!pp->quiet) {
        char b[64], sc[160];
        budget_text(b, sizeof b, pp, step->budget);
        score_text(sc, sizeof sc, pp, step->score, step->se);
        printf("  budget %16s: %s, %s\n", b, sc, step->enough ? "enough" : "not enough");
        fflush(stdout);
    }
    if (step->index == 0 && !pp->quiet)
        print_forecast(pp, step, false, 0);
}

enum {
    OPT_STRATEGY = INFL_CLI_OPT_OWN,
    OPT_CONVERSIONS,
    OPT_CONFIDENCE,
    OPT_EXPECTED,
    OPT_LTV,
    OPT_TOL,
    OPT_MAX_BUDGET
};

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
    case OPT_LTV:
        p->ltv = true;
        return INFL_CLI_OPTION_TAKEN;
    case OPT_TOL:
        if (infl_cli_parse_between(arg, 0, 0.5, &p->tolerance))
            return INFL_CLI_OPTION_TAKEN;
        infl_cli_fail(err, INFL_EARG,
                      "--tolerance: expected a relative width such as 0.005 (got '%s')", arg);
        return INFL_CLI_OPTION_BAD;
    case OPT_MAX_BUDGET:
        /* A scenario's budget is at most 10^15. */
        if (infl_cli_parse_between(arg, 0, 1e15 * (1 + 1e-15), &p->max_budget))
            return INFL_CLI_OPTION_TAKEN;
        infl_cli_fail(err, INFL_EARG,
                      "--max-budget: expected an amount above 0 and at most 10^15, such as "
                      "50000 (got '%s')",
                      arg);
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
                                         {"ltv", no_argument, NULL, OPT_LTV},
                                         {"tolerance", required_argument, NULL, OPT_TOL},
                                         {"max-budget", required_argument, NULL, OPT_MAX_BUDGET},
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
    o->plan.cluster = o->common.cluster;
    return INFL_OK;
}

/* The answer: the bracket, as money, with the score at each end; then the
 * result line. */
static void print_answer(const plan_printer *pp, const infl_plan_result *r)
{
    char hi[64], lo[64], s_hi[160], s_lo[160];
    budget_text(hi, sizeof hi, pp, r->budget);
    budget_text(lo, sizeof lo, pp, r->lower);
    score_text(s_hi, sizeof s_hi, pp, r->p, r->se);
    score_text(s_lo, sizeof s_lo, pp, r->p_lower, r->se_lower);
    const infl_plan_options *p = pp->plan;
    if (!pp->quiet) {
        printf("\nbudget needed: %s (bisected to within %.3g %%)\n", hi, 100 * pp->tolerance);
        printf("  enough:     %16s  %s\n", hi, s_hi);
        if (r->lower_tried)
            printf("  not enough: %16s  %s\n", lo, s_lo);
        else
            printf("  not enough: every budget tried was enough, down to %s\n", hi);
        /* The bracket is the bisection's; the Monte Carlo error may be wider. */
        const double target = p->expected ? (double)p->conversions : p->confidence;
        if (r->lower_tried &&
            (fabs(r->p - target) < 2 * r->se || fabs(r->p_lower - target) < 2 * r->se_lower))
            printf("  (the target is within two standard errors of the score at an end of the "
                   "bracket:\n  the Monte Carlo error of the answer is wider than the bracket; "
                   "more --trials narrow it)\n");
    }
    printf("plan: budget=%.17g lower=%.17g p=%.17g p_lower=%.17g se=%.17g se_lower=%.17g\n",
           r->budget, r->lower, r->p, r->p_lower, r->se, r->se_lower);
}

/* When even the max budget is not enough: what it gave, and the result line;
 * the status (INFL_ELIMIT) and the message for stderr. */
static infl_status print_not_reached(const plan_printer *pp, const infl_plan_result *r,
                                     infl_error *err)
{
    const infl_plan_options *p = pp->plan;
    char max[64], sc[160];
    budget_text(max, sizeof max, pp, r->lower);
    score_text(sc, sizeof sc, pp, r->p_lower, r->se_lower);
    if (!pp->quiet)
        printf("\nnot reached: at the max budget, %s, %s\n", max, sc);
    printf("plan: not-reached max_budget=%.17g p=%.17g se=%.17g\n", r->lower, r->p_lower,
           r->se_lower);
    char target[64];
    if (p->expected)
        snprintf(target, sizeof target, "on average");
    else
        snprintf(target, sizeof target, "with probability %g", p->confidence);
    return infl_cli_fail(
        err, INFL_ELIMIT,
        "%s does not make %llu %s %s at any budget up to %s (%s); "
        "there it gives %s",
        p->strategy, (unsigned long long)p->conversions, infl_plan_metric(p), target, max,
        p->max_budget > 0 ? "--max-budget" : "10^12, the default --max-budget", sc);
}

/* Loads the scenario, searches and prints the answer. */
static infl_status plan(plan_options *o, infl_error *err)
{
    infl_plan_options *p = &o->plan;
    infl_scenario *base = NULL;
    infl_status rc =
        infl_cli_load(o->common.n_args > 0 ? o->common.args[0] : NULL, &o->common.sets, &base, err);
    if (rc != INFL_OK)
        goto done;
    plan_printer pp = {.plan = p,
                       .currency = infl_scenario_currency(base),
                       .tolerance = p->tolerance > 0 ? p->tolerance : 0.005,
                       .quiet = o->common.quiet};
    if (!o->common.quiet) {
        char max[64];
        budget_text(max, sizeof max, &pp, p->max_budget > 0 ? p->max_budget : INFL_PLAN_MAX_BUDGET);
        char target[64];
        if (p->expected)
            snprintf(target, sizeof target, "on average");
        else
            snprintf(target, sizeof target, "with probability %g", p->confidence);
        printf("%s: smallest budget for %s to make %llu %s %s\n", infl_scenario_name(base),
               p->strategy, (unsigned long long)p->conversions,
               p->ltv ? "orders (first purchases and repeat orders)" : "conversions", target);
        printf("%llu trials a budget, seed %llu, budgets up to %s\n",
               (unsigned long long)infl_scenario_trials(base),
               (unsigned long long)infl_scenario_seed(base), max);
    }
    if (!o->common.quiet) {
        /* A twentieth of the trials (at least 100) before the search: time
         * enough to measure, little against the ten or more budgets it runs. */
        uint64_t full = infl_scenario_trials(base), pilot = full / 20 < 100 ? 100 : full / 20;
        infl_plan_step first;
        if ((rc = infl_plan_pilot(base, p, pilot, &first, err)) != INFL_OK)
            goto done;
        print_forecast(&pp, &first, true, pilot < full ? pilot : full);
    }
    p->evaluated = print_budget;
    p->user = &pp;
    infl_plan_result r;
    if ((rc = infl_plan_run(base, p, &r, err)) != INFL_OK)
        goto done;
    if (r.reached)
        print_answer(&pp, &r);
    else
        rc = print_not_reached(&pp, &r, err);
done:
    infl_scenario_free(base);
    return rc;
}

int infl_cmd_plan(int argc, char **argv)
{
    return infl_cmd_plan_in(argc, argv, NULL);
}

int infl_cmd_plan_in(int argc, char **argv, const infl_cluster *cluster)
{
    plan_options o = {.plan = {.confidence = 0.9, .tolerance = 0.005},
                      .common = {.cluster = cluster}};
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
