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

/* Splits "a,b,c" into c->tiers; false (and a message) if malformed. */
static bool parse_tiers(tier_list *c, const char *text)
{
    const char *p = text;
    while (true) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n == 0) {
            infl_cli_error("--tiers: an empty tier name in '%s' (write --tiers micro,macro)", text);
            return false;
        }
        if (c->n_tiers == INFL_OPTIMIZE_MAX_TIERS) {
            infl_cli_error("--tiers: at most %d tiers (got more in '%s')", INFL_OPTIMIZE_MAX_TIERS,
                           text);
            return false;
        }
        c->tiers[c->n_tiers] = strndup(p, n);
        if (c->tiers[c->n_tiers] == NULL) {
            infl_cli_error("out of memory");
            return false;
        }
        for (size_t i = 0; i < c->n_tiers; i++)
            if (!strcmp(c->tiers[i], c->tiers[c->n_tiers])) {
                infl_cli_error("--tiers: '%s' is named twice", c->tiers[i]);
                c->n_tiers++;
                return false;
            }
        c->n_tiers++;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    if (c->n_tiers < 2) {
        infl_cli_error("--tiers: name at least two tiers to split the budget across (got '%s')",
                       text);
        return false;
    }
    return true;
}

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

int infl_cmd_optimize(int argc, char **argv)
{
    enum { OPT_TIERS = INFL_CLI_OPT_OWN, OPT_OBJECTIVE, OPT_GRID, OPT_TOL, OPT_FORCE };
    static const struct option opts[] = {{"tiers", required_argument, NULL, OPT_TIERS},
                                         {"objective", required_argument, NULL, OPT_OBJECTIVE},
                                         {"grid", required_argument, NULL, OPT_GRID},
                                         {"tolerance", required_argument, NULL, OPT_TOL},
                                         {"output", required_argument, NULL, 'o'},
                                         {"force", no_argument, NULL, OPT_FORCE},
                                         {"trials", required_argument, NULL, 'n'},
                                         {"seed", required_argument, NULL, INFL_CLI_OPT_SEED},
                                         {"threads", required_argument, NULL, 't'},
                                         {"set", required_argument, NULL, 's'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    infl_cli_sets sets = {0};
    tier_list c = {0};
    infl_optimize_scenario_options o = {0};
    infl_optimize_scenario_result opt = {0};
    const char *objective = "mean", *output = "optimize.h5", *trials = NULL, *seed = NULL;
    uint64_t threads = 0, grid = 0;
    bool force = false, quiet = false, tiers_given = false;
    int code = INFL_EXIT_OK, ch;
    infl_error err;
    infl_error_init(&err);
    infl_scenario *base = NULL;
    infl_pipeline_result result = {0};
    infl_status rc = INFL_OK;
    char *end = NULL;

    optind = 1;
    while ((ch = getopt_long(argc, argv, "o:n:t:s:qh", opts, NULL)) != -1) {
        infl_cli_option shared =
            infl_cli_scenario_option(ch, optarg, 2, &sets, &trials, &seed, &threads, &err);
        if (shared == INFL_CLI_OPTION_BAD) {
            rc = err.status;
            goto fail;
        }
        if (shared == INFL_CLI_OPTION_TAKEN)
            continue;
        bool ok = true;
        switch (ch) {
        case OPT_TIERS:
            ok = !tiers_given && parse_tiers(&c, optarg);
            if (tiers_given)
                infl_cli_error("--tiers: give it once, with every tier (--tiers micro,macro)");
            tiers_given = true;
            break;
        case OPT_OBJECTIVE:
            objective = optarg;
            break;
        case OPT_GRID:
            ok = infl_cli_parse_u64("--grid", optarg, 1, 1001, &grid);
            break;
        case OPT_TOL:
            o.tolerance = strtod(optarg, &end);
            if (end == optarg || *end || !(o.tolerance > 0 && o.tolerance < 0.5)) {
                infl_cli_error("--tolerance: expected a share between 0 and 0.5 such as 0.005 "
                               "(got '%s')",
                               optarg);
                ok = false;
            }
            break;
        case 'o':
            output = optarg;
            break;
        case OPT_FORCE:
            force = true;
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
    if (!tiers_given || argc - optind > 1) {
        infl_cli_error("optimize needs --tiers A,B[,...] (and at most one scenario)");
        code = INFL_EXIT_USAGE;
        goto done;
    }
    if ((rc = infl_objective_parse(objective, &o.objective, &err)) != INFL_OK)
        goto fail;
    if (!infl_cli_sets_add_trials_seed(&sets, trials, seed)) {
        rc = infl_error_add(&err, INFL_ENOMEM, "out of memory");
        goto fail;
    }
    if ((rc = infl_cli_load(optind < argc ? argv[optind] : NULL, &sets, &base, &err)) != INFL_OK)
        goto fail;
    o.tiers = (const char *const *)c.tiers;
    o.n_tiers = c.n_tiers;
    o.grid = (unsigned)grid;
    o.threads = (unsigned)threads;
    if ((rc = infl_optimize_scenario_check_tiers(base, o.tiers, o.n_tiers, &err)) != INFL_OK)
        goto fail;
    /* Refuse a target we may not write before any simulation. */
    if ((rc = infl_h5_check_target(output, force, &err)) != INFL_OK)
        goto fail;
    char label[96];
    infl_objective_describe(&o.objective, label, sizeof label);
    const char *units = infl_objective_units(&o.objective, infl_scenario_currency(base));
    if (!quiet) {
        printf("%s: maximising %s over the budget shares of", infl_scenario_name(base), label);
        for (size_t t = 0; t < c.n_tiers; t++)
            printf(" %s%s", c.tiers[t], t + 1 < c.n_tiers ? "," : "");
        printf(" (%llu trials per split, seed %llu)\n",
               (unsigned long long)infl_scenario_trials(base),
               (unsigned long long)infl_scenario_seed(base));
        fflush(stdout);
    }
    const double start = infl_now();
    if ((rc = infl_optimize_scenario_run(base, &o, &opt, &err)) != INFL_OK)
        goto fail;
    const double search_seconds = infl_now() - start;
    const infl_optimize_result *r = opt.search;
    const infl_scenario *final_sc = opt.scenario;

    /* The file: the scenario's strategies and the optimum, on the same trials. */
    infl_h5_optimize record = {.result = r,
                               .tier_names = c.tiers,
                               .objective = &o.objective,
                               .objective_units = units,
                               .strategy = opt.strategy};
    infl_pipeline_options popt = {.output = output,
                                  .replace = force,
                                  .run = {.threads = o.threads},
                                  .earlier_seconds = search_seconds,
                                  .optimize = &record};
    if ((rc = infl_pipeline_run(final_sc, &popt, &result, &err)) != INFL_OK)
        goto fail;
    const infl_run_stats stats = result.stats;
    const infl_summary *sm = result.summary;
    const double wall = result.wall_seconds;

    if (!quiet) {
        /* The hires include the run at the optimum, as they always have. */
        printf("searched %zu splits in %u runs (%.1f s, %.3g hires simulated)\n", r->n_points,
               opt.runs, search_seconds, (double)(opt.hires + stats.hires_simulated));
        print_result(&c, r, label, units);
        infl_report_header h = {.scenario_name = infl_scenario_name(final_sc),
                                .currency = infl_scenario_currency(final_sc),
                                .trials = sm->n_trials,
                                .trials_done = sm->n_trials,
                                .seed = infl_scenario_seed(final_sc),
                                .threads = stats.threads,
                                .wall_seconds = wall,
                                .complete = true};
        printf("\nthe optimum beside the scenario's strategies, on the same trials:\n\n");
        infl_report_print(stdout, &h, sm);
        printf("\nwrote %s\n", output);
    }
    printf("optimize:");
    for (size_t t = 0; t < c.n_tiers; t++)
        printf(" %s=%.17g", c.tiers[t], r->optimum[t]);
    printf(" value=%.17g se=%.17g\n", r->value_at_optimum, r->se_at_optimum);
    goto done;

fail:
    infl_cli_print_error(&err);
    code = infl_cli_exit_code(rc);
done:
    infl_pipeline_result_destroy(&result);
    infl_optimize_scenario_result_destroy(&opt);
    infl_scenario_free(base);
    for (size_t t = 0; t < c.n_tiers; t++)
        free(c.tiers[t]);
    infl_error_destroy(&err);
    infl_cli_sets_destroy(&sets);
    return code;
}
