/*
 * cmd_optimize.c — `influsim optimize`: the budget shares across the tiers
 * named that maximise an objective (sim/optimize.c does the search).
 *
 * Each batch of share vectors the search asks for runs as one scenario whose
 * strategies are those vectors, with the scenario's seed: every vector sees
 * the same simulated influencers (common random numbers), and the funnels
 * are drawn once per batch and shared by its strategies. The file written
 * is a run of the scenario's own strategies plus the optimum, on the same
 * trials, with the search in /optimize.
 */
#include "cli.h"

#include "influsim/engine.h"
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

typedef struct {
    const infl_scenario *base; /* every run is derived from it */
    size_t n_tiers;
    char *tiers[INFL_OPTIMIZE_MAX_TIERS];
    const char *metric;
    unsigned threads;
    uint64_t n_trials, n_metrics;
    unsigned runs;
    uint64_t hires;
} optimize_ctx;

/* Runs the base scenario with `strategies` (a --set override) and hands back its trials. */
static infl_status run_with(optimize_ctx *c, const char *strategies, infl_trials **out,
                            infl_error *err)
{
    const char *extra[1] = {strategies};
    infl_scenario *sc = NULL;
    infl_status rc = infl_scenario_derive(c->base, extra, 1, &sc, err);
    if (rc != INFL_OK)
        return rc;
    infl_run_options opt = {.threads = c->threads};
    infl_run_stats st = {0};
    rc = infl_engine_run(sc, &opt, out, NULL, &st, err);
    c->runs++;
    c->hires += st.hires_simulated;
    infl_scenario_free(sc);
    return rc;
}

/* Most share vectors per engine run, so that a run's per-trial values
 * (every metric of every strategy) stay within about 512 MiB. */
/* Most strategies one engine run of the search holds. */
enum { MAX_POINTS_PER_RUN = 64 };

static size_t points_per_run(const optimize_ctx *c)
{
    double per_point = (double)c->n_trials * (double)(c->n_metrics ? c->n_metrics : 40) * 8.0;
    double n = floor(512.0 * 1048576.0 / per_point);
    return n < 1 ? 1 : (size_t)fmin(n, MAX_POINTS_PER_RUN);
}

/* The search's evaluation function (infl_optimize_eval_fn). */
static infl_status evaluate(void *user, size_t n_points, const double *shares, double *values,
                            infl_error *err)
{
    optimize_ctx *c = user;
    const size_t k = c->n_tiers, per_run = points_per_run(c);
    for (size_t first = 0; first < n_points; first += per_run) {
        size_t m = n_points - first < per_run ? n_points - first : per_run;
        char names[MAX_POINTS_PER_RUN][32];
        const char *name_of[MAX_POINTS_PER_RUN];
        for (size_t p = 0; p < m; p++) {
            snprintf(names[p], sizeof names[p], "point-%zu", first + p);
            name_of[p] = names[p];
        }
        char *buf = infl_scenario_strategies_override(m, name_of, (const char *const *)c->tiers, k,
                                                      shares + first * k);
        if (buf == NULL)
            return infl_error_add(err, INFL_ENOMEM, "out of memory");
        infl_trials *tr = NULL;
        infl_status rc = run_with(c, buf, &tr, err);
        free(buf);
        if (rc != INFL_OK)
            return rc;
        size_t metric = infl_trials_metric_index(tr, c->metric);
        c->n_metrics = tr->n_metrics;
        for (size_t p = 0; p < m; p++)
            memcpy(values + (first + p) * c->n_trials, infl_trials_column(tr, p, metric),
                   c->n_trials * sizeof *values);
        infl_trials_free(tr);
    }
    return INFL_OK;
}

/* Splits "a,b,c" into c->tiers; false (and a message) if malformed. */
static bool parse_tiers(optimize_ctx *c, const char *text)
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

static const char *units_of(const infl_objective *o, const char *currency)
{
    switch (o->kind) {
    case INFL_OBJECTIVE_PROFIT:
        return currency;
    case INFL_OBJECTIVE_P_ROI:
        return "1";
    default:
        return "conversions";
    }
}

static void print_result(const optimize_ctx *c, const infl_optimize_result *r, const char *label,
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
    optimize_ctx c = {0};
    infl_optimize_options o = {0};
    const char *objective = "mean", *output = "optimize.h5", *trials = NULL, *seed = NULL;
    uint64_t threads = 0, grid = 0;
    bool force = false, quiet = false, tiers_given = false;
    int code = INFL_EXIT_OK, ch;
    infl_error err;
    infl_error_init(&err);
    infl_scenario *base = NULL, *final_sc = NULL;
    infl_optimize_result *r = NULL;
    infl_pipeline_result result = {0};
    char *strategies = NULL;
    infl_status rc = INFL_OK;
    char *end = NULL;

    optind = 1;
    while ((ch = getopt_long(argc, argv, "o:n:t:s:qh", opts, NULL)) != -1) {
        int shared = infl_cli_scenario_option(ch, optarg, 2, &sets, &trials, &seed, &threads);
        if (shared == 0) {
            code = INFL_EXIT_USAGE;
            goto done;
        }
        if (shared == 1)
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
    c.threads = (unsigned)threads;
    c.metric = infl_objective_metric(&o.objective);
    if ((rc = infl_cli_load(optind < argc ? argv[optind] : NULL, &sets, &base, &err)) != INFL_OK)
        goto fail;
    c.base = base;
    for (size_t t = 0; t < c.n_tiers; t++) {
        size_t i = 0, n = infl_scenario_tier_count(base);
        while (i < n && strcmp(infl_scenario_tier_name(base, i), c.tiers[t]) != 0)
            i++;
        if (i == n) {
            char known[512] = "";
            for (size_t j = 0; j < n; j++)
                snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", j ? ", " : "",
                         infl_scenario_tier_name(base, j));
            rc =
                infl_error_add(&err, INFL_EARG, "--tiers: no tier '%s' in the scenario (it has %s)",
                               c.tiers[t], known);
            goto fail;
        }
    }
    /* Refuse a target we may not write before any simulation. */
    if ((rc = infl_h5_check_target(output, force, &err)) != INFL_OK)
        goto fail;
    c.n_trials = infl_scenario_trials(base);
    o.n_tiers = c.n_tiers;
    o.n_trials = c.n_trials;
    o.grid = (unsigned)grid;
    o.seed = infl_scenario_seed(base);
    o.eval = evaluate;
    o.user = &c;
    char label[96];
    infl_objective_describe(&o.objective, label, sizeof label);
    const char *units = units_of(&o.objective, infl_scenario_currency(base));
    if (!quiet) {
        printf("%s: maximising %s over the budget shares of", infl_scenario_name(base), label);
        for (size_t t = 0; t < c.n_tiers; t++)
            printf(" %s%s", c.tiers[t], t + 1 < c.n_tiers ? "," : "");
        printf(" (%llu trials per split, seed %llu)\n", (unsigned long long)c.n_trials,
               (unsigned long long)infl_scenario_seed(base));
        fflush(stdout);
    }
    const double start = infl_now();
    if ((rc = infl_optimize_run(&o, &r, &err)) != INFL_OK)
        goto fail;
    const double search_seconds = infl_now() - start;

    /* The file: the scenario's strategies and the optimum, on the same trials. */
    const size_t n_strategies = infl_scenario_strategy_count(base);
    const size_t n_all = infl_scenario_tier_count(base);
    char optimum_name[64] = "optimum";
    for (size_t s = 0, clash = 1; s < n_strategies; s++)
        if (!strcmp(infl_scenario_strategy_name(base, s), optimum_name)) {
            snprintf(optimum_name, sizeof optimum_name, "optimum-%zu", ++clash);
            s = (size_t)-1; /* check the new name against them all */
        }
    const char **all_tiers = calloc(n_all, sizeof *all_tiers);
    const char **names = calloc(n_strategies + 1, sizeof *names);
    double *shares = calloc((n_strategies + 1) * n_all, sizeof *shares);
    if (all_tiers && names && shares) {
        for (size_t t = 0; t < n_all; t++) {
            all_tiers[t] = infl_scenario_tier_name(base, t);
            for (size_t s = 0; s < n_strategies; s++)
                shares[s * n_all + t] = infl_scenario_strategy_share(base, s, t);
            for (size_t j = 0; j < c.n_tiers; j++)
                if (!strcmp(all_tiers[t], c.tiers[j]))
                    shares[n_strategies * n_all + t] = r->optimum[j];
        }
        for (size_t s = 0; s < n_strategies; s++)
            names[s] = infl_scenario_strategy_name(base, s);
        names[n_strategies] = optimum_name;
        strategies =
            infl_scenario_strategies_override(n_strategies + 1, names, all_tiers, n_all, shares);
    }
    free(all_tiers);
    free(names);
    free(shares);
    if (strategies == NULL) {
        rc = infl_error_add(&err, INFL_ENOMEM, "out of memory");
        goto fail;
    }
    if ((rc = infl_scenario_derive(base, (const char *const *)&strategies, 1, &final_sc, &err)) !=
        INFL_OK)
        goto fail;
    infl_h5_optimize record = {.result = r,
                               .tier_names = c.tiers,
                               .objective = &o.objective,
                               .objective_units = units,
                               .strategy = optimum_name};
    infl_pipeline_options popt = {.output = output,
                                  .replace = force,
                                  .run = {.threads = c.threads},
                                  .earlier_seconds = search_seconds,
                                  .optimize = &record};
    if ((rc = infl_pipeline_run(final_sc, &popt, &result, &err)) != INFL_OK)
        goto fail;
    const infl_run_stats stats = result.stats;
    const infl_summary *sm = result.summary;
    const double wall = result.wall_seconds;
    c.hires += stats.hires_simulated;

    if (!quiet) {
        printf("searched %zu splits in %u runs (%.1f s, %.3g hires simulated)\n", r->n_points,
               c.runs, search_seconds, (double)c.hires);
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
    free(strategies);
    infl_pipeline_result_destroy(&result);
    infl_optimize_result_free(r);
    infl_scenario_free(final_sc);
    infl_scenario_free(base);
    for (size_t t = 0; t < c.n_tiers; t++)
        free(c.tiers[t]);
    infl_error_destroy(&err);
    infl_cli_sets_destroy(&sets);
    return code;
}
