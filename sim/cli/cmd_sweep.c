/*
 * cmd_sweep.c — `influsim sweep`: run a scenario over a grid of values of one
 * or two keys, with the same seed at every point (common random numbers), and
 * write the summaries as labelled arrays in /sweep.
 */
#include "cli.h"

#include "influsim/pipeline.h"
#include "influsim/scenario.h"
#include "influsim/sweep.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_AXES = INFL_SWEEP_MAX_AXES };

static void usage(FILE *out)
{
    fputs("usage: influsim sweep [SCENARIO] --vary KEY=FROM:TO:POINTS[:log] [options]\n"
          "\n"
          "Runs the scenario (default: the built-in French brand) at every point of a grid\n"
          "of one or two keys, with the same seed everywhere, so every point sees the same\n"
          "simulated campaigns; prints mean conversions per point and strategy and writes\n"
          "every point's summary to /sweep in the HDF5 file (arrays over the grid, the\n"
          "strategies and the metrics, with the grid values as dimension scales).\n"
          "\n"
          "  --vary KEY=FROM:TO:POINTS[:log]  a key and its values (repeatable, at most 2),\n"
          "                       e.g. --vary budget=1000:1000000:25:log or\n"
          "                       --vary tiers.macro.price_per_1k_followers=5:20:4\n"
          "  -o, --output FILE    results file (default: sweep.h5)\n"
          "      --force          replace FILE if it exists\n"
          "  -n, --trials N       trials per point (overrides the scenario's `trials`)\n"
          "      --seed S         random seed (overrides the scenario's `seed`)\n"
          "  -t, --threads T      threads (the results do not depend on it)\n"
          "  -s, --set KEY=VALUE  override a scenario value at every point (repeatable)\n"
          "      --no-trials      summaries from streaming tallies (as run --no-trials)\n"
          "  -q, --quiet          no table\n"
          "  -h, --help           show this help\n"
          "\n"
          "A point equals `influsim run` with the same --set KEY=VALUE and seed, number for\n"
          "number. Exit status: 0 done, 1 a run or writing failed, 2 bad command line or\n"
          "invalid scenario at some point (nothing is written).\n",
          out);
}

typedef struct {
    size_t n_axes;
} point_printer;

/* A line of the table per point, as soon as it is done (also into a pipe). */
static void print_point(void *user, size_t point, const double *values, const infl_summary *sm)
{
    const point_printer *pp = user;
    (void)point;
    for (size_t a = 0; a < pp->n_axes; a++)
        printf("%14.6g ", values[a]);
    printf(" ");
    for (size_t s = 0; s < sm->n_strategies; s++)
        printf(" %10.2f", infl_summary_stat(sm, s, "conversions")->mean);
    printf("  %s\n", sm->strategy_names[infl_sweep_best_strategy(sm, false)]);
    fflush(stdout);
}

int infl_cmd_sweep(int argc, char **argv)
{
    enum { OPT_VARY = INFL_CLI_OPT_OWN, OPT_FORCE, OPT_NO_TRIALS };
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"trials", required_argument, NULL, 'n'},
                                         {"seed", required_argument, NULL, INFL_CLI_OPT_SEED},
                                         {"threads", required_argument, NULL, 't'},
                                         {"set", required_argument, NULL, 's'},
                                         {"vary", required_argument, NULL, OPT_VARY},
                                         {"force", no_argument, NULL, OPT_FORCE},
                                         {"no-trials", no_argument, NULL, OPT_NO_TRIALS},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    infl_cli_sets sets = {0};
    infl_sweep_axis axes[MAX_AXES];
    size_t n_axes = 0;
    const char *output = "sweep.h5", *trials = NULL, *seed = NULL;
    uint64_t threads = 0;
    bool force = false, quiet = false, no_trials = false;
    int code = INFL_EXIT_OK, c;
    infl_error err;
    infl_error_init(&err);
    infl_scenario *base = NULL;
    infl_sweep_result sweep = {0};
    size_t n_points = 1;
    infl_status rc = INFL_OK;

    optind = 1;
    while ((c = getopt_long(argc, argv, "o:n:t:s:qh", opts, NULL)) != -1) {
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
        case 'o':
            output = optarg;
            break;
        case OPT_VARY:
            if (n_axes == MAX_AXES) {
                infl_cli_error("--vary: at most %d keys (a 2-D grid)", MAX_AXES);
                ok = false;
            } else if ((rc = infl_sweep_axis_parse("--vary", optarg, &axes[n_axes], &err)) !=
                       INFL_OK) {
                infl_cli_print_error(&err);
                ok = false;
            } else {
                n_axes++;
            }
            break;
        case OPT_FORCE:
            force = true;
            break;
        case OPT_NO_TRIALS:
            no_trials = true;
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
    if (n_axes == 0 || argc - optind > 1) {
        infl_cli_error(n_axes == 0 ? "sweep needs --vary KEY=FROM:TO:POINTS[:log]"
                                   : "sweep takes one scenario");
        code = INFL_EXIT_USAGE;
        goto done;
    }
    if (n_axes == 2 && strcmp(axes[0].key, axes[1].key) == 0) {
        infl_cli_error("--vary: '%s' twice", axes[0].key);
        code = INFL_EXIT_USAGE;
        goto done;
    }
    if (!infl_cli_sets_add_trials_seed(&sets, trials, seed)) {
        infl_cli_error("out of memory");
        code = INFL_EXIT_FAILURE;
        goto done;
    }
    const char *path = optind < argc ? argv[optind] : NULL;
    if ((rc = infl_cli_load(path, &sets, &base, &err)) != INFL_OK)
        goto fail;
    if ((rc = infl_h5_check_target(output, force, &err)) != INFL_OK)
        goto fail;

    for (size_t a = 0; a < n_axes; a++)
        n_points *= axes[a].n;
    double start = infl_now();
    if (!quiet) {
        printf("%s: %llu trials a point, seed %llu, %zu points\n\n", infl_scenario_name(base),
               (unsigned long long)infl_scenario_trials(base),
               (unsigned long long)infl_scenario_seed(base), n_points);
        for (size_t a = 0; a < n_axes; a++)
            printf("%14.14s ", axes[a].key);
        printf("  mean conversions per strategy; best\n");
    }
    point_printer printer = {.n_axes = n_axes};
    infl_sweep_options sopt = {.threads = (unsigned)threads,
                               .no_trials = no_trials,
                               .point = quiet ? NULL : print_point,
                               .user = &printer};
    if ((rc = infl_sweep_run(base, axes, n_axes, &sopt, &sweep, &err)) != INFL_OK)
        goto fail;
    infl_summary *const *points = sweep.points;
    if (!quiet && n_axes == 1) {
        infl_crossover *cx = NULL;
        size_t n_cx = 0;
        if ((rc = infl_sweep_crossovers(&axes[0], points, &cx, &n_cx, &err)) != INFL_OK)
            goto fail;
        char *const *names = points[0]->strategy_names;
        printf("\nwhere the best strategy changes (%s):\n",
               n_cx ? "by mean, then by median" : "nowhere");
        for (size_t i = 0; i < n_cx; i++)
            printf("  by %-6s between %s %.6g and %.6g: %s -> %s; P(%s > %s) = %.3f at %.6g, "
                   "P(%s > %s) = %.3f at %.6g\n",
                   cx[i].by_median ? "median" : "mean", axes[0].key, cx[i].lower, cx[i].upper,
                   names[cx[i].from], names[cx[i].to], names[cx[i].to], names[cx[i].from],
                   cx[i].p_to_upper, cx[i].upper, names[cx[i].from], names[cx[i].to],
                   cx[i].p_from_lower, cx[i].lower);
        free(cx);
    }
    rc = infl_pipeline_write_sweep(output, force, base, sweep.threads, axes, n_axes, points,
                                   infl_now() - start, &err);
    if (rc != INFL_OK)
        goto fail;
    if (!quiet)
        printf("\nsweep written to %s (/sweep)\n", output);
    goto done;

fail:
    infl_cli_print_error(&err);
    code = infl_cli_exit_code(rc);
done:
    infl_sweep_result_destroy(&sweep);
    for (size_t a = 0; a < n_axes; a++)
        infl_sweep_axis_destroy(&axes[a]);
    infl_scenario_free(base);
    infl_error_destroy(&err);
    infl_cli_sets_destroy(&sets);
    return code;
}
