/*
 * cmd_run.c — `influsim run`: load a scenario (or the built-in default), run
 * its trials, print the summary, write the results file. In the order the
 * command calls them: parse_run_options, check_run_options, load_run (the
 * scenario, or a checkpoint's), simulate (the pipeline) and report_run.
 */
#include "cli.h"

#include "influsim/checkpoint.h"
#include "influsim/engine.h"
#include "influsim/pipeline.h"
#include "influsim/scenario.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *out)
{
    fputs("usage: influsim run [SCENARIO] [options]\n"
          "\n"
          "Runs every strategy of a scenario on the same simulated campaigns and prints\n"
          "the distribution of outcomes; writes every trial and the summary to HDF5.\n"
          "Without SCENARIO, runs the built-in default (the French designer brand,\n"
          "experiments/french-brand.yaml).\n"
          "\n"
          "  -o, --output FILE    results file (default: results.h5)\n"
          "      --force          replace FILE if it exists (without it, an existing\n"
          "                       file is an error and nothing is run)\n"
          "  -n, --trials N       number of trials (overrides the scenario's `trials`)\n"
          "      --seed S         random seed, 0 to 2^64-1 (overrides the scenario's `seed`)\n"
          "  -t, --threads T      threads (default: OMP_NUM_THREADS or all cores);\n"
          "                       the results do not depend on it\n"
          "  -s, --set KEY=VALUE  override a scenario value, e.g. --set budget=5000 or\n"
          "                       --set tiers.micro.reach_rate=0.3 (repeatable)\n"
          "  -m, --metrics        also print every metric of every strategy\n"
          "  -q, --quiet          no progress bar and no summary table\n"
          "      --no-trials      keep no per-trial values: the summary comes from\n"
          "                       streaming tallies (quantiles from fine histograms,\n"
          "                       exact for counts below 2048), memory stays constant\n"
          "      --max-memory SIZE  refuse to start a run estimated to need more (e.g. 8G;\n"
          "                       default: the memory available)\n"
          "      --target-se X    run batches of 8,192 trials until every strategy's mean\n"
          "                       conversions has a relative standard error of at most X\n"
          "                       (e.g. 0.01); the same seed stops at the same trial count\n"
          "                       whatever the threads\n"
          "      --max-trials N   the most trials a --target-se run may take (default: the\n"
          "                       scenario's trials)\n"
          "      --checkpoint SECONDS  save progress to FILE.checkpoint every SECONDS, so a\n"
          "                       run killed at any moment can be resumed; removed when\n"
          "                       the results are written\n"
          "      --resume         continue the run saved in FILE.checkpoint (no SCENARIO,\n"
          "                       --set, --trials, --seed); the results are the same as\n"
          "                       an uninterrupted run's, and FILE is replaced\n"
          "      --shard I/N      run only the I-th of N shares of the trials (1 <= I <= N)\n"
          "                       and save them as a partial run at FILE, for\n"
          "                       `influsim merge`: the merged file equals one run's\n"
          "      --timings        print where the time went (load, simulate, statistics,\n"
          "                       write), hires simulated and peak memory on stderr\n"
          "  -h, --help           show this help\n"
          "\n"
          "Ctrl-C (or SIGTERM) stops after the current round of trials and writes those\n"
          "(the file says complete = false and trials_done); a second Ctrl-C aborts at\n"
          "once and leaves FILE as it was.\n"
          "\n"
          "Exit status: 0 done, 1 the run or writing failed, 2 bad command line or\n"
          "invalid scenario (nothing is run and no file is written), 130 interrupted.\n",
          out);
}

/* What the pipeline's callbacks need. */
typedef struct {
    infl_progress *progress;
    uint64_t trials; /* asked for */
} run_ctx;

/* The engine is done: the bar goes, and a stopped run says what it writes. */
static void simulated(void *user, infl_status rc, const infl_run_stats *stats)
{
    run_ctx *ctx = user;
    infl_progress_finish(ctx->progress);
    if (rc == INFL_OK && stats->stopped)
        fprintf(stderr, "influsim: interrupted after %llu of %llu trials; writing those\n",
                (unsigned long long)stats->trials_done, (unsigned long long)ctx->trials);
}

/* The file a second Ctrl-C must remove. */
static void temp_file(void *user, const char *path)
{
    (void)user;
    infl_interrupt_temp(path);
}

/* A run refused before it starts, saying what would fit. */
static void print_too_big(const infl_scenario *sc, const infl_run_estimate *est, double available,
                          bool max_memory_given, bool no_trials)
{
    const double gib = 1073741824.0;
    infl_cli_error("%s: this run needs about %.2f GiB (%.2f GiB of per-trial values for %llu "
                   "trials, about %.0f hires a trial), more than the %.2f GiB %s",
                   infl_scenario_name(sc), est->bytes / gib, est->sample_bytes / gib,
                   (unsigned long long)infl_scenario_trials(sc), est->hires_per_trial,
                   available / gib,
                   max_memory_given ? "of --max-memory" : "this machine has available");
    if (!no_trials && est->bytes_no_trials <= available)
        fprintf(stderr,
                "influsim: run with --no-trials (summaries only, about %.0f MiB)%s%llu "
                "trials\n",
                est->bytes_no_trials / 1048576.0,
                est->max_trials_in > 0 ? ", or with at most " : "",
                (unsigned long long)(est->max_trials_in > 0 ? est->max_trials_in : 0));
}

enum {
    OPT_TIMINGS = INFL_CLI_OPT_OWN,
    OPT_NO_TRIALS,
    OPT_MAX_MEMORY,
    OPT_CHECKPOINT,
    OPT_RESUME,
    OPT_TARGET_SE,
    OPT_MAX_TRIALS,
    OPT_SHARD
};

/* The command line: the shared options and run's own. */
typedef struct {
    infl_cli_common common;
    bool metrics, timings, no_trials, resume;
    double max_memory;           /* 0: the memory available */
    uint64_t checkpoint_seconds; /* 0: no --checkpoint */
    double target_se;            /* 0: no --target-se */
    infl_shard shard;            /* count 0: no --shard */
} run_options;

/* An infl_cli_own_fn: the options only run takes. */
static infl_cli_option run_option(void *opts, int opt, const char *arg, infl_error *err)
{
    run_options *o = opts;
    uint64_t max_trials;
    switch (opt) {
    case 'm':
        o->metrics = true;
        return INFL_CLI_OPTION_TAKEN;
    case OPT_TIMINGS:
        o->timings = true;
        return INFL_CLI_OPTION_TAKEN;
    case OPT_NO_TRIALS:
        o->no_trials = true;
        return INFL_CLI_OPTION_TAKEN;
    case OPT_MAX_MEMORY:
        return infl_cli_taken(infl_cli_parse_size("--max-memory", arg, &o->max_memory, err));
    case OPT_CHECKPOINT:
        return infl_cli_taken(infl_cli_parse_u64("--checkpoint", arg, 1, UINT64_C(31536000),
                                                 &o->checkpoint_seconds, err));
    case OPT_RESUME:
        o->resume = true;
        return INFL_CLI_OPTION_TAKEN;
    case OPT_TARGET_SE:
        if (infl_cli_parse_between(arg, 0.0, 1.0, &o->target_se))
            return INFL_CLI_OPTION_TAKEN;
        infl_cli_fail(err, INFL_EARG,
                      "--target-se: expected a relative standard error between 0 and 1, e.g. "
                      "0.01 for 1 %% (got '%s')",
                      arg);
        return INFL_CLI_OPTION_BAD;
    case OPT_SHARD:
        return infl_cli_taken(infl_cli_parse_shard(arg, &o->shard.index, &o->shard.count, err));
    case OPT_MAX_TRIALS: /* the trials a --target-se run may take: the scenario's */
        o->common.trials = arg;
        return infl_cli_taken(
            infl_cli_parse_u64("--max-trials", arg, 1, UINT64_C(1) << 48, &max_trials, err));
    default:
        return INFL_CLI_OPTION_OTHER;
    }
}

/* Fills *o from the command line; see infl_cli_parse. */
static infl_status parse_run_options(int argc, char **argv, run_options *o, infl_error *err)
{
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         INFL_CLI_SCENARIO_LONG_OPTIONS,
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"metrics", no_argument, NULL, 'm'},
                                         {"timings", no_argument, NULL, OPT_TIMINGS},
                                         {"no-trials", no_argument, NULL, OPT_NO_TRIALS},
                                         {"force", no_argument, NULL, INFL_CLI_OPT_FORCE},
                                         {"max-memory", required_argument, NULL, OPT_MAX_MEMORY},
                                         {"checkpoint", required_argument, NULL, OPT_CHECKPOINT},
                                         {"resume", no_argument, NULL, OPT_RESUME},
                                         {"target-se", required_argument, NULL, OPT_TARGET_SE},
                                         {"max-trials", required_argument, NULL, OPT_MAX_TRIALS},
                                         {"shard", required_argument, NULL, OPT_SHARD},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    return infl_cli_parse(argc, argv, "o:n:t:s:qmh", opts, 1, &o->common, run_option, o, err);
}

/* The combinations run refuses, then --trials and --seed as overrides. */
static infl_status check_run_options(run_options *o, infl_error *err)
{
    const infl_cli_common *c = &o->common;
    if (c->n_args > 1)
        return infl_cli_fail(err, INFL_EARG,
                             "run takes one scenario (got %d arguments: '%s', '%s', ...)",
                             c->n_args, c->args[0], c->args[1]);
    if (!infl_cli_sets_add_trials_seed(&o->common.sets, c->trials, c->seed))
        return infl_cli_fail(err, INFL_ENOMEM, "out of memory");
    if (*c->output == '\0')
        return infl_cli_fail(err, INFL_EARG, "--output: empty file name");
    if (o->target_se > 0 && (o->checkpoint_seconds > 0 || o->resume))
        return infl_cli_fail(err, INFL_EARG,
                             "--target-se cannot be combined with --checkpoint or --resume yet");
    if (o->shard.count > 0 && (o->target_se > 0 || o->checkpoint_seconds > 0 || o->resume))
        return infl_cli_fail(err, INFL_EARG,
                             "--shard cannot be combined with --target-se, --checkpoint or "
                             "--resume (a shard is short: run it again if it stops)");
    return INFL_OK;
}

/* What a run holds from its loading to its report. */
typedef struct {
    char *checkpoint_path; /* FILE.checkpoint */
    infl_checkpoint *cp;   /* the run resumed, or NULL */
    infl_scenario *sc;
    double available; /* the memory the run may use */
    infl_error warnings;
    infl_pipeline_result result;
    double t_load, t_simulate, t_end;
    const infl_cluster *cluster; /* NULL: one process */
} run_state;

static void run_state_destroy(run_state *s)
{
    infl_checkpoint_free(s->cp);
    free(s->checkpoint_path);
    infl_pipeline_result_destroy(&s->result);
    infl_scenario_free(s->sc);
    infl_error_destroy(&s->warnings);
}

/* The scenario: the file or the built-in one, or for --resume the one its
 * checkpoint saved (with its --no-trials, replacing the output). */
static infl_status load_run(run_options *o, run_state *s, infl_error *err)
{
    size_t path_len = strlen(o->common.output) + sizeof ".checkpoint";
    if ((s->checkpoint_path = malloc(path_len)) == NULL)
        return infl_cli_fail(err, INFL_ENOMEM, "out of memory");
    snprintf(s->checkpoint_path, path_len, "%s.checkpoint", o->common.output);
    s->t_load = infl_now();
    if (!o->resume)
        return infl_cli_load(o->common.n_args > 0 ? o->common.args[0] : NULL, &o->common.sets,
                             &s->sc, err);
    if (o->common.n_args > 0 || o->common.sets.count > 0)
        return infl_cli_fail(err, INFL_EARG,
                             "--resume takes the scenario from %s; give no scenario, --set, "
                             "--trials or --seed",
                             s->checkpoint_path);
    infl_status rc = infl_checkpoint_load(s->checkpoint_path, &s->cp, err);
    if (rc != INFL_OK)
        return rc;
    infl_checkpoint_source src = infl_checkpoint_scenario(s->cp);
    rc = infl_scenario_load_text(src.text, strlen(src.text), src.origin, src.sets, src.n_sets,
                                 &s->sc, err);
    if (rc != INFL_OK)
        return rc;
    o->no_trials = infl_checkpoint_no_trials(s->cp);
    o->common.force = true; /* the output holds at most this run's partial results */
    return INFL_OK;
}

/* Runs the scenario and writes the file, with the progress bar, Ctrl-C and
 * the checkpoints; s->result says what happened (too_big: refused). */
static infl_status simulate(const run_options *o, run_state *s, infl_error *err)
{
    if (!infl_interrupt_install())
        return infl_cli_fail(err, INFL_EINTERNAL, "cannot install the Ctrl-C handler");
    infl_progress progress;
    infl_progress_init(&progress, !o->common.quiet && isatty(STDERR_FILENO));
    /* As the scenario was loaded (a resumed one from its checkpoint's source).
     * A scenario that reads a roster file is kept resolved, its creators
     * inline: a resumed run must not read a file that may have changed. */
    char *resolved = NULL;
    infl_checkpoint_source source = {.origin = infl_scenario_origin(s->sc),
                                     .text = infl_scenario_source_text(s->sc),
                                     .sets = infl_scenario_sets(s->sc),
                                     .n_sets = infl_scenario_set_count(s->sc)};
    if (infl_scenario_roster_file(s->sc) != NULL) {
        if ((resolved = infl_scenario_resolved_yaml(s->sc)) == NULL)
            return infl_cli_fail(err, INFL_ENOMEM, "out of memory");
        source.text = resolved;
        source.sets = NULL;
        source.n_sets = 0;
    }
    bool checkpointing = o->checkpoint_seconds > 0 || o->resume;
    s->available = o->max_memory > 0 ? o->max_memory : infl_available_memory();
    run_ctx ctx = {.progress = &progress, .trials = infl_scenario_trials(s->sc)};
    infl_pipeline_options popt = {.output = o->common.output,
                                  .replace = o->common.force,
                                  .memory_limit = s->available,
                                  .run = {.threads = (unsigned)o->common.threads,
                                          .no_trials = o->no_trials,
                                          .progress = infl_progress_update,
                                          .progress_user = &progress,
                                          .stop = infl_interrupt_flag(),
                                          .checkpoint_path = o->shard.count > 0 ? o->common.output
                                                             : checkpointing    ? s->checkpoint_path
                                                                                : NULL,
                                          .checkpoint_seconds = o->checkpoint_seconds > 0
                                                                    ? (double)o->checkpoint_seconds
                                                                    : 600.0,
                                          .checkpoint_source = &source,
                                          .resume = s->cp,
                                          .target_se = o->target_se,
                                          .warnings = &s->warnings,
                                          .shard = o->shard,
                                          .cluster = s->cluster},
                                  .simulated = simulated,
                                  .temp_file = temp_file,
                                  .user = &ctx};
    s->t_simulate = infl_now();
    infl_status rc = infl_pipeline_run(s->sc, &popt, &s->result, err);
    s->t_end = infl_now();
    free(resolved);
    return rc;
}

/* --timings: where the time went, on stderr. */
static void print_timings(const run_state *s)
{
    const infl_pipeline_result *r = &s->result;
    fprintf(stderr,
            "timings: load %.6f s, simulate %.6f s, statistics %.6f s, write %.6f s, "
            "total %.6f s; threads %u; trials %llu; hires simulated %llu; "
            "peak memory %.1f MiB\n",
            s->t_simulate - s->t_load, r->simulate_seconds, r->statistics_seconds, r->write_seconds,
            s->t_end - s->t_load, r->stats.threads, (unsigned long long)infl_scenario_trials(s->sc),
            (unsigned long long)r->stats.hires_simulated, infl_peak_rss_mib());
}

/* After a written run: the report, what stopped it, the checkpoint's end;
 * returns the exit code (INFL_EXIT_INTERRUPTED after Ctrl-C). */
static int report_run(const run_options *o, const run_state *s)
{
    const infl_run_stats *stats = &s->result.stats;
    const char *output = o->common.output;
    if (o->timings)
        print_timings(s);
    if (o->shard.count > 0) {
        if (!o->common.quiet)
            printf("shard %llu/%llu: %llu of %llu trials saved to %s; merge the shards with "
                   "`influsim merge`\n",
                   (unsigned long long)(o->shard.index + 1), (unsigned long long)o->shard.count,
                   (unsigned long long)stats->trials_done,
                   (unsigned long long)infl_scenario_trials(s->sc), output);
        return *infl_interrupt_flag() ? INFL_EXIT_INTERRUPTED : INFL_EXIT_OK;
    }
    if (!o->common.quiet) {
        infl_report_header h = infl_report_header_of(s->sc, &s->result);
        infl_report_print(stdout, &h, s->result.summary);
        if (o->metrics)
            infl_report_print_metrics(stdout, s->result.summary);
        printf("\nresults written to %s\n", output);
    }
    if (s->result.summary != NULL)
        infl_report_warn_unspent(s->sc, s->result.summary);
    if (stats->stopped)
        fprintf(stderr,
                "influsim: interrupted: %llu of %llu trials written to %s (complete = false)\n",
                (unsigned long long)stats->trials_done,
                (unsigned long long)infl_scenario_trials(s->sc), output);
    if (o->target_se > 0)
        fprintf(stderr,
                "influsim: target relative standard error %g %s after %llu trials (worst %.3g)\n",
                o->target_se, stats->target_met ? "met" : "NOT met",
                (unsigned long long)stats->trials_done, stats->achieved_se);
    if (stats->checkpoint_failures > 0)
        fprintf(stderr, "influsim: warning: %u checkpoint(s) could not be saved: %s",
                stats->checkpoint_failures, infl_error_message(&s->warnings));
    /* The results are written: the checkpoint has served (a stopped run
     * keeps it, to be resumed). */
    if ((o->checkpoint_seconds > 0 || o->resume) && !stats->stopped &&
        infl_cluster_is_root(s->cluster))
        unlink(s->checkpoint_path);
    return *infl_interrupt_flag() ? INFL_EXIT_INTERRUPTED : INFL_EXIT_OK;
}

int infl_cmd_run(int argc, char **argv)
{
    return infl_cmd_run_in(argc, argv, NULL);
}

int infl_cmd_run_in(int argc, char **argv, const infl_cluster *cluster)
{
    run_options o = {.common = {.output = "results.h5"}};
    run_state s = {.cluster = cluster};
    infl_error err;
    infl_error_init(&err);
    infl_error_init(&s.warnings);
    infl_status rc = parse_run_options(argc, argv, &o, &err);
    if (rc == INFL_OK && o.common.next == INFL_CLI_GO &&
        (rc = check_run_options(&o, &err)) == INFL_OK && (rc = load_run(&o, &s, &err)) == INFL_OK)
        rc = simulate(&o, &s, &err);
    int code;
    if (rc != INFL_OK && s.result.too_big) {
        print_too_big(s.sc, &s.result.estimate, s.available, o.max_memory > 0, o.no_trials);
        code = INFL_EXIT_FAILURE;
    } else if (rc == INFL_OK && o.common.next == INFL_CLI_GO) {
        code = report_run(&o, &s);
    } else {
        code = infl_cli_end(&o.common, rc, &err, usage);
    }
    run_state_destroy(&s);
    infl_error_destroy(&err);
    infl_cli_common_destroy(&o.common);
    return code;
}
