/*
 * cmd_sweep.c — `influsim sweep`: run a scenario over a grid of values of one
 * or two keys, with the same seed at every point (common random numbers), and
 * write the summaries as labelled arrays in /sweep.
 */
#include "cli.h"
#include "sweep_table.h"

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
          "simulated campaigns; prints a table of mean conversions ± their standard error\n"
          "per point and strategy (a column per strategy, fitted to $COLUMNS or the\n"
          "terminal, in several blocks if need be; `influsim show FILE` prints it again)\n"
          "and writes every point's summary to /sweep in the HDF5 file (arrays over the\n"
          "grid, the strategies and the metrics, with the grid values as dimension scales).\n"
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
          "      --shard I/N      run only the I-th of N shares of the points and save them\n"
          "                       as a sweep's part at FILE, for `influsim merge`\n"
          "  -q, --quiet          no table\n"
          "  -h, --help           show this help\n"
          "\n"
          "A point equals `influsim run` with the same --set KEY=VALUE and seed, number for\n"
          "number. Exit status: 0 done, 1 a run or writing failed, 2 bad command line or\n"
          "invalid scenario at some point (nothing is written).\n",
          out);
}

/* An infl_sweep_point_fn: the first block's row of the point, as soon as it
 * is done (also into a pipe). */
static void print_point(void *user, size_t point, const double *values, const infl_summary *sm)
{
    (void)point;
    infl_sweep_table_row(user, values, sm);
}

enum { OPT_VARY = INFL_CLI_OPT_OWN, OPT_NO_TRIALS, OPT_SHARD };

/* The command line: the shared options, the axes (owned) and --no-trials. */
typedef struct {
    infl_cli_common common;
    infl_sweep_axis axes[MAX_AXES];
    size_t n_axes;
    bool no_trials;
    uint64_t shard_index, shard_count; /* count 0: no --shard */
} sweep_options;

/* An infl_cli_own_fn: the options only sweep takes. */
static infl_cli_option sweep_option(void *opts, int opt, const char *arg, infl_error *err)
{
    sweep_options *o = opts;
    switch (opt) {
    case OPT_VARY:
        if (o->n_axes == MAX_AXES) {
            infl_cli_fail(err, INFL_EARG, "--vary: at most %d keys (a 2-D grid)", MAX_AXES);
            return INFL_CLI_OPTION_BAD;
        }
        if (infl_sweep_axis_parse("--vary", arg, &o->axes[o->n_axes], err) != INFL_OK)
            return INFL_CLI_OPTION_BAD;
        o->n_axes++;
        return INFL_CLI_OPTION_TAKEN;
    case OPT_NO_TRIALS:
        o->no_trials = true;
        return INFL_CLI_OPTION_TAKEN;
    case OPT_SHARD:
        return infl_cli_taken(infl_cli_parse_shard(arg, &o->shard_index, &o->shard_count, err));
    default:
        return INFL_CLI_OPTION_OTHER;
    }
}

/* Fills *o from the command line; see infl_cli_parse. */
static infl_status parse_sweep_options(int argc, char **argv, sweep_options *o, infl_error *err)
{
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         INFL_CLI_SCENARIO_LONG_OPTIONS,
                                         {"vary", required_argument, NULL, OPT_VARY},
                                         {"force", no_argument, NULL, INFL_CLI_OPT_FORCE},
                                         {"no-trials", no_argument, NULL, OPT_NO_TRIALS},
                                         {"shard", required_argument, NULL, OPT_SHARD},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    return infl_cli_parse(argc, argv, "o:n:t:s:qh", opts, 1, &o->common, sweep_option, o, err);
}

/* What sweep needs beside the options, then --trials and --seed as overrides. */
static infl_status check_sweep_options(sweep_options *o, infl_error *err)
{
    if (o->n_axes == 0 || o->common.n_args > 1)
        return infl_cli_fail(err, INFL_EARG,
                             o->n_axes == 0 ? "sweep needs --vary KEY=FROM:TO:POINTS[:log]"
                                            : "sweep takes one scenario");
    if (o->n_axes == 2 && strcmp(o->axes[0].key, o->axes[1].key) == 0)
        return infl_cli_fail(err, INFL_EARG, "--vary: '%s' twice", o->axes[0].key);
    if (!infl_cli_sets_add_trials_seed(&o->common.sets, o->common.trials, o->common.seed))
        return infl_cli_fail(err, INFL_ENOMEM, "out of memory");
    return INFL_OK;
}

/* A shard's points saved as a sweep's part at the output. */
static infl_status save_part(const sweep_options *o, const infl_scenario *base,
                             const infl_sweep_result *result, infl_error *err)
{
    /* As the scenario was loaded; one that reads a roster file is kept
     * resolved, its creators inline, as a checkpoint keeps it. */
    char *resolved = NULL;
    if (infl_scenario_roster_file(base) != NULL &&
        (resolved = infl_scenario_resolved_yaml(base)) == NULL)
        return infl_cli_fail(err, INFL_ENOMEM, "out of memory");
    infl_h5_sweep_part part = {.origin = (char *)infl_scenario_origin(base),
                               .text =
                                   resolved ? resolved : (char *)infl_scenario_source_text(base),
                               .sets = resolved ? NULL : (char **)infl_scenario_sets(base),
                               .n_sets = resolved ? 0 : infl_scenario_set_count(base),
                               .seed = infl_scenario_seed(base),
                               .trials = infl_scenario_trials(base),
                               .no_trials = o->no_trials,
                               .shard_index = o->shard_index,
                               .shard_count = o->shard_count,
                               .n_axes = o->n_axes,
                               .n_points = result->n_points,
                               .points = result->points};
    for (size_t a = 0; a < o->n_axes; a++)
        part.axes[a] = o->axes[a];
    infl_sweep_shard_points(result->n_points, o->shard_index, o->shard_count, &part.first,
                            &part.end);
    infl_status rc = infl_h5_sweep_part_save(o->common.output, o->common.force, &part, err);
    free(resolved);
    if (rc == INFL_OK && !o->common.quiet)
        printf("shard %llu/%llu: points %zu to %zu of %zu saved to %s; merge the shards with "
               "`influsim merge`\n",
               (unsigned long long)(o->shard_index + 1), (unsigned long long)o->shard_count,
               part.first + 1, part.end, result->n_points, o->common.output);
    return rc;
}

/* Loads the scenario, runs every point (the first block's row each), prints
 * the rest of the table, writes the file. */
static infl_status sweep(const sweep_options *o, infl_error *err)
{
    const infl_cli_common *c = &o->common;
    infl_scenario *base = NULL;
    infl_sweep_result result = {0};
    infl_sweep_table table = {0};
    const char **names = NULL;
    infl_status rc = infl_cli_load(c->n_args > 0 ? c->args[0] : NULL, &c->sets, &base, err);
    if (rc != INFL_OK || (rc = infl_cli_check_target(c, err)) != INFL_OK)
        goto done;
    double start = infl_now();
    if (!c->quiet && o->shard_count == 0) {
        const size_t ns = infl_scenario_strategy_count(base);
        if ((names = calloc(ns ? ns : 1, sizeof *names)) == NULL) {
            rc = infl_cli_fail(err, INFL_ENOMEM, "out of memory");
            goto done;
        }
        for (size_t s = 0; s < ns; s++)
            names[s] = infl_scenario_strategy_name(base, s);
        if ((rc = infl_sweep_table_init(&table, stdout, o->axes, o->n_axes, names, ns,
                                        infl_scenario_currency(base), infl_scenario_trials(base),
                                        infl_cli_terminal_width(stdout), err)) != INFL_OK)
            goto done;
        infl_sweep_table_heads(&table, infl_scenario_name(base), infl_scenario_seed(base));
    }
    const bool shard = o->shard_count > 0;
    infl_sweep_options sopt = {.threads = (unsigned)c->threads,
                               .no_trials = o->no_trials,
                               .point = c->quiet || shard ? NULL : print_point,
                               .user = &table,
                               .shard_index = o->shard_index,
                               .shard_count = o->shard_count,
                               .cluster = c->cluster};
    if ((rc = infl_sweep_run(base, o->axes, o->n_axes, &sopt, &result, err)) != INFL_OK)
        goto done;
    /* Every rank has every point; rank 0 writes, and every rank follows
     * its outcome (whatever else failed here, which prints nothing). */
    const bool root = infl_cluster_is_root(c->cluster);
    if (shard) {
        rc = root ? save_part(o, base, &result, err) : INFL_OK;
        rc = infl_cluster_agree(c->cluster, rc, err);
        goto done;
    }
    if (!c->quiet)
        rc = infl_sweep_table_rest(&table, result.points, err);
    if (rc == INFL_OK && root)
        rc = infl_pipeline_write_sweep(c->output, c->force, base, result.threads, o->axes,
                                       o->n_axes, result.points, infl_now() - start, err);
    rc = infl_cluster_agree(c->cluster, rc, err);
    if (rc == INFL_OK && !c->quiet)
        printf("\nsweep written to %s (/sweep; `influsim show %s` prints this table again)\n",
               c->output, c->output);
done:
    infl_sweep_table_destroy(&table);
    free(names);
    infl_sweep_result_destroy(&result);
    infl_scenario_free(base);
    return rc;
}

int infl_cmd_sweep(int argc, char **argv)
{
    return infl_cmd_sweep_in(argc, argv, NULL);
}

int infl_cmd_sweep_in(int argc, char **argv, const infl_cluster *cluster)
{
    sweep_options o = {.common = {.output = "sweep.h5", .cluster = cluster}};
    infl_error err;
    infl_error_init(&err);
    infl_status rc = parse_sweep_options(argc, argv, &o, &err);
    if (rc == INFL_OK && o.common.next == INFL_CLI_GO &&
        (rc = check_sweep_options(&o, &err)) == INFL_OK)
        rc = sweep(&o, &err);
    int code = infl_cli_end(&o.common, rc, &err, usage);
    for (size_t a = 0; a < o.n_axes; a++)
        infl_sweep_axis_destroy(&o.axes[a]);
    infl_error_destroy(&err);
    infl_cli_common_destroy(&o.common);
    return code;
}
