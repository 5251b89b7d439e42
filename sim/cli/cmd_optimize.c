/*
 * cmd_optimize.c — `influsim optimize`: the budget shares across the tiers
 * named that maximise an objective. The options and the printing; the search
 * on the scenario is infl_optimize_scenario_run's (sim/study/), and the file
 * (the scenario's own strategies plus the optimum, on the same trials, with
 * the search in /optimize) is written through the pipeline.
 */
#include "cli.h"

#include "influsim/optimize.h"
#include "influsim/pipeline.h"
#include "influsim/scenario.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("usage: influsim optimize [SCENARIO] --tiers A,B[,C...] [--objective OBJ] [options]\n"
          "\n"
          "Finds the budget shares across tiers A, B, ... that maximise the objective, on\n"
          "the same simulated trials for every split (tiers not named get nothing). Two\n"
          "tiers: a grid of shares, then Brent's minimiser; more: a lattice, then\n"
          "Nelder-Mead. Reports the optimum, the objective with its Monte Carlo error,\n"
          "and how much the objective changes when a tier's share moves near it.\n"
          "\n"
          "  --tiers A,B,...      the tiers to split the budget across (2 to 8)\n"
          "  --objective OBJ      mean      mean conversions (default)\n"
          "                       qNN       the NN % quantile of conversions (q10: what a\n"
          "                                 bad campaign, 1 in 10, still sells); q0.NNN a level\n"
          "                       profit    mean profit\n"
          "                       p-roi     the probability that ROI > 0\n"
          "  --grid N             the first grid: points over the first tier's share (two\n"
          "                       tiers; default 11) or lattice divisions (more; default 4)\n"
          "  --tolerance R        locate the optimum to this share (default 0.005)\n"
          "  -o, --output FILE    results file (default optimize.h5): the scenario's\n"
          "                       strategies and the optimum, and the search in /optimize\n"
          "      --force          replace FILE if it exists\n"
          "  -n, --trials N       trials per split (overrides the scenario's)\n"
          "      --seed S         random seed\n"
          "  -t, --threads T      threads (the results do not depend on it)\n"
          "  -s, --set KEY=VALUE  override a scenario value (repeatable)\n"
          "  -q, --quiet          print only the result line\n"
          "  -h, --help           show this help\n"
          "\n"
          "The last line reads: optimize: TIER=SHARE ... value=V se=E (the objective at the\n"
          "optimum and its Monte Carlo standard error).\n"
          "Exit status: 0 done, 1 a run or the file failed, 2 bad command line or scenario.\n",
          out);
}

/* The tiers named by --tiers, owned. */
typedef struct {
    size_t n_tiers;
    char *tiers[INFL_OPTIMIZE_MAX_TIERS];
} tier_list;

/* Splits "a,b,c" into c->tiers; false (and the message in err) if malformed. */
static bool parse_tiers(tier_list *c, const char *text, infl_error *err)
{
    const char *p = text;
    while (true) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n == 0) {
            infl_cli_fail(err, INFL_EARG,
                          "--tiers: an empty tier name in '%s' (write --tiers micro,macro)", text);
            return false;
        }
        if (c->n_tiers == INFL_OPTIMIZE_MAX_TIERS) {
            infl_cli_fail(err, INFL_EARG, "--tiers: at most %d tiers (got more in '%s')",
                          INFL_OPTIMIZE_MAX_TIERS, text);
            return false;
        }
        c->tiers[c->n_tiers] = strndup(p, n);
        if (c->tiers[c->n_tiers] == NULL) {
            infl_cli_fail(err, INFL_ENOMEM, "out of memory");
            return false;
        }
        for (size_t i = 0; i < c->n_tiers; i++)
            if (!strcmp(c->tiers[i], c->tiers[c->n_tiers])) {
                infl_cli_fail(err, INFL_EARG, "--tiers: '%s' is named twice", c->tiers[i]);
                c->n_tiers++;
                return false;
            }
        c->n_tiers++;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    if (c->n_tiers < 2) {
        infl_cli_fail(err, INFL_EARG,
                      "--tiers: name at least two tiers to split the budget across (got '%s')",
                      text);
        return false;
    }
    return true;
}

/* The optimum, its value, the profile around it and how flat it is. */
static void print_result(const tier_list *c, const infl_optimize_result *r, const char *label,
                         const char *units)
{
    printf("\noptimum (%s, %u iterations%s):", r->method, r->iterations,
           r->converged ? "" : ", tolerance not reached");
    for (size_t t = 0; t < c->n_tiers; t++)
        printf(" %s %.3f%s", c->tiers[t], r->optimum[t], t + 1 < c->n_tiers ? "," : "");
    printf("\n  %s: %.6g ± %.3g %s (Monte Carlo standard error)\n", label, r->value_at_optimum,
           r->se_at_optimum, units);
    printf("\nchange of the objective when a tier's share moves by STEP (the other tiers\n"
           "rescaled), ± its standard error on the same trials:\n%8s",
           "step");
    for (size_t t = 0; t < r->n_profile_tiers; t++)
        printf("  %20.20s", c->tiers[t]);
    printf("\n");
    for (size_t j = 0; j < r->n_steps; j++) {
        printf("%+8.2f", r->steps[j]);
        for (size_t t = 0; t < r->n_profile_tiers; t++) {
            double d = r->difference[t * r->n_steps + j], e = r->difference_se[t * r->n_steps + j];
            if (isnan(d))
                printf("  %20s", "-");
            else
                printf("  %+10.4g ± %-7.2g", d, e);
        }
        printf("\n");
    }
    printf("\nwithin 2 standard errors of the optimum (as flat as the simulation can tell):\n");
    for (size_t t = 0; t < r->n_profile_tiers; t++)
        printf("  %s share from %.2f to %.2f\n", c->tiers[t], r->flat_low[t], r->flat_high[t]);
}

enum { OPT_TIERS = INFL_CLI_OPT_OWN, OPT_OBJECTIVE, OPT_GRID, OPT_TOL };

/* The command line: the shared options and the search's. */
typedef struct {
    infl_cli_common common;
    tier_list tiers; /* owned */
    bool tiers_given;
    const char *objective;
    uint64_t grid;
    double tolerance;
} optimize_options;

/* An infl_cli_own_fn: the options only optimize takes. */
static infl_cli_option optimize_option(void *opts, int opt, const char *arg, infl_error *err)
{
    optimize_options *o = opts;
    switch (opt) {
    case OPT_TIERS: {
        bool ok = !o->tiers_given && parse_tiers(&o->tiers, arg, err);
        if (o->tiers_given)
            infl_cli_fail(err, INFL_EARG,
                          "--tiers: give it once, with every tier (--tiers micro,macro)");
        o->tiers_given = true;
        return ok ? INFL_CLI_OPTION_TAKEN : INFL_CLI_OPTION_BAD;
    }
    case OPT_OBJECTIVE:
        o->objective = arg;
        return INFL_CLI_OPTION_TAKEN;
    case OPT_GRID:
        return infl_cli_taken(infl_cli_parse_u64("--grid", arg, 1, 1001, &o->grid, err));
    case OPT_TOL:
        if (infl_cli_parse_between(arg, 0, 0.5, &o->tolerance))
            return INFL_CLI_OPTION_TAKEN;
        infl_cli_fail(err, INFL_EARG,
                      "--tolerance: expected a share between 0 and 0.5 such as 0.005 (got '%s')",
                      arg);
        return INFL_CLI_OPTION_BAD;
    default:
        return INFL_CLI_OPTION_OTHER;
    }
}

/* Fills *o from the command line; see infl_cli_parse. */
static infl_status parse_optimize_options(int argc, char **argv, optimize_options *o,
                                          infl_error *err)
{
    static const struct option opts[] = {{"tiers", required_argument, NULL, OPT_TIERS},
                                         {"objective", required_argument, NULL, OPT_OBJECTIVE},
                                         {"grid", required_argument, NULL, OPT_GRID},
                                         {"tolerance", required_argument, NULL, OPT_TOL},
                                         {"output", required_argument, NULL, 'o'},
                                         {"force", no_argument, NULL, INFL_CLI_OPT_FORCE},
                                         INFL_CLI_SCENARIO_LONG_OPTIONS,
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    return infl_cli_parse(argc, argv, "o:n:t:s:qh", opts, 2, &o->common, optimize_option, o, err);
}

/* What optimize needs beside the options, then --trials and --seed as
 * overrides; fills the search's options *so. */
static infl_status check_optimize_options(optimize_options *o, infl_optimize_scenario_options *so,
                                          infl_error *err)
{
    infl_status rc;
    if (!o->tiers_given || o->common.n_args > 1)
        return infl_cli_fail(err, INFL_EARG,
                             "optimize needs --tiers A,B[,...] (and at most one scenario)");
    if ((rc = infl_objective_parse(o->objective, &so->objective, err)) != INFL_OK)
        return rc;
    if (!infl_cli_sets_add_trials_seed(&o->common.sets, o->common.trials, o->common.seed))
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    so->tiers = (const char *const *)o->tiers.tiers;
    so->n_tiers = o->tiers.n_tiers;
    so->grid = (unsigned)o->grid;
    so->tolerance = o->tolerance;
    so->threads = (unsigned)o->common.threads;
    return INFL_OK;
}

/* The line before the search. */
static void print_title(const infl_scenario *base, const tier_list *c, const char *label)
{
    printf("%s: maximising %s over the budget shares of", infl_scenario_name(base), label);
    for (size_t t = 0; t < c->n_tiers; t++)
        printf(" %s%s", c->tiers[t], t + 1 < c->n_tiers ? "," : "");
    printf(" (%llu trials per split, seed %llu)\n", (unsigned long long)infl_scenario_trials(base),
           (unsigned long long)infl_scenario_seed(base));
    fflush(stdout);
}

/* What the search found and cost (search), and the file's run (result). */
typedef struct {
    const char *label, *units;
    infl_optimize_scenario_result search;
    double search_seconds;
    infl_pipeline_result result;
} optimize_outcome;

/* Everything between the title and the result line: what the search cost
 * and found, and the optimum beside the scenario's strategies. */
static void print_report(const optimize_options *o, const optimize_outcome *out)
{
    const infl_optimize_result *r = out->search.search;
    /* The hires include the run at the optimum, as they always have. */
    printf("searched %zu splits in %u runs (%.1f s, %.3g hires simulated)\n", r->n_points,
           out->search.runs, out->search_seconds,
           (double)(out->search.hires + out->result.stats.hires_simulated));
    print_result(&o->tiers, r, out->label, out->units);
    infl_report_header h = infl_report_header_of(out->search.scenario, &out->result);
    printf("\nthe optimum beside the scenario's strategies, on the same trials:\n\n");
    infl_report_print(stdout, &h, out->result.summary);
    printf("\nwrote %s\n", o->common.output);
}

/* The search, then the file: the scenario's strategies and the optimum, on
 * the same trials. */
static infl_status search_and_write(const optimize_options *o, infl_scenario *base,
                                    const infl_optimize_scenario_options *so, optimize_outcome *out,
                                    infl_error *err)
{
    const double start = infl_now();
    infl_status rc = infl_optimize_scenario_run(base, so, &out->search, err);
    if (rc != INFL_OK)
        return rc;
    out->search_seconds = infl_now() - start;
    infl_h5_optimize record = {.result = out->search.search,
                               .tier_names = o->tiers.tiers,
                               .objective = &so->objective,
                               .objective_units = out->units,
                               .strategy = out->search.strategy};
    infl_pipeline_options popt = {.output = o->common.output,
                                  .replace = o->common.force,
                                  .run = {.threads = so->threads},
                                  .earlier_seconds = out->search_seconds,
                                  .optimize = &record};
    return infl_pipeline_run(out->search.scenario, &popt, &out->result, err);
}

/* Loads the scenario, searches, writes the file and prints the report. */
static infl_status optimize(const optimize_options *o, infl_optimize_scenario_options *so,
                            infl_error *err)
{
    const infl_cli_common *c = &o->common;
    infl_scenario *base = NULL;
    optimize_outcome out = {0};
    char label[96];
    infl_status rc = infl_cli_load(c->n_args > 0 ? c->args[0] : NULL, &c->sets, &base, err);
    if (rc != INFL_OK ||
        (rc = infl_optimize_scenario_check_tiers(base, so->tiers, so->n_tiers, err)) != INFL_OK)
        goto done;
    /* Refuse a target we may not write before any simulation. */
    if ((rc = infl_h5_check_target(c->output, c->force, err)) != INFL_OK)
        goto done;
    infl_objective_describe(&so->objective, label, sizeof label);
    out.label = label;
    out.units = infl_objective_units(&so->objective, infl_scenario_currency(base));
    if (!c->quiet)
        print_title(base, &o->tiers, label);
    if ((rc = search_and_write(o, base, so, &out, err)) != INFL_OK)
        goto done;
    if (!c->quiet)
        print_report(o, &out);
    const infl_optimize_result *r = out.search.search;
    printf("optimize:");
    for (size_t t = 0; t < o->tiers.n_tiers; t++)
        printf(" %s=%.17g", o->tiers.tiers[t], r->optimum[t]);
    printf(" value=%.17g se=%.17g\n", r->value_at_optimum, r->se_at_optimum);
done:
    infl_pipeline_result_destroy(&out.result);
    infl_optimize_scenario_result_destroy(&out.search);
    infl_scenario_free(base);
    return rc;
}

int infl_cmd_optimize(int argc, char **argv)
{
    optimize_options o = {.common = {.output = "optimize.h5"}, .objective = "mean"};
    infl_optimize_scenario_options so = {0};
    infl_error err;
    infl_error_init(&err);
    infl_status rc = parse_optimize_options(argc, argv, &o, &err);
    if (rc == INFL_OK && o.common.next == INFL_CLI_GO &&
        (rc = check_optimize_options(&o, &so, &err)) == INFL_OK)
        rc = optimize(&o, &so, &err);
    int code = infl_cli_end(&o.common, rc, &err, usage);
    for (size_t t = 0; t < o.tiers.n_tiers; t++)
        free(o.tiers.tiers[t]);
    infl_error_destroy(&err);
    infl_cli_common_destroy(&o.common);
    return code;
}
