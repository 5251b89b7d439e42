/*
 * cmd_run.c — `influsim run`: load a scenario (or the built-in default), run
 * its trials, print the summary, write the results file.
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

int infl_cmd_run(int argc, char **argv)
{
    enum {
        OPT_TIMINGS = INFL_CLI_OPT_OWN,
        OPT_NO_TRIALS,
        OPT_FORCE,
        OPT_MAX_MEMORY,
        OPT_CHECKPOINT,
        OPT_RESUME,
        OPT_TARGET_SE,
        OPT_MAX_TRIALS
    };
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"trials", required_argument, NULL, 'n'},
                                         {"seed", required_argument, NULL, INFL_CLI_OPT_SEED},
                                         {"threads", required_argument, NULL, 't'},
                                         {"set", required_argument, NULL, 's'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"metrics", no_argument, NULL, 'm'},
                                         {"timings", no_argument, NULL, OPT_TIMINGS},
                                         {"no-trials", no_argument, NULL, OPT_NO_TRIALS},
                                         {"force", no_argument, NULL, OPT_FORCE},
                                         {"max-memory", required_argument, NULL, OPT_MAX_MEMORY},
                                         {"checkpoint", required_argument, NULL, OPT_CHECKPOINT},
                                         {"resume", no_argument, NULL, OPT_RESUME},
                                         {"target-se", required_argument, NULL, OPT_TARGET_SE},
                                         {"max-trials", required_argument, NULL, OPT_MAX_TRIALS},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    infl_cli_sets sets = {0};
    const char *output = "results.h5";
    const char *trials = NULL, *seed = NULL;
    uint64_t threads = 0, value = 0;
    bool quiet = false, metrics = false, timings = false, no_trials = false, force = false;
    double max_memory = 0.0;
    uint64_t checkpoint_seconds = 0;
    bool resume = false;
    double target_se = 0.0;
    char *checkpoint_path = NULL;
    infl_checkpoint *cp = NULL;
    int code = INFL_EXIT_OK, c;
    infl_error err, warnings;
    infl_error_init(&err);
    infl_error_init(&warnings);
    infl_scenario *sc = NULL;
    infl_pipeline_result result = {0};
    infl_status rc = INFL_OK;

    optind = 1;
    while ((c = getopt_long(argc, argv, "o:n:t:s:qmh", opts, NULL)) != -1) {
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
        case 'q':
            quiet = true;
            break;
        case 'm':
            metrics = true;
            break;
        case OPT_TIMINGS:
            timings = true;
            break;
        case OPT_NO_TRIALS:
            no_trials = true;
            break;
        case OPT_FORCE:
            force = true;
            break;
        case OPT_MAX_MEMORY:
            ok = infl_cli_parse_size("--max-memory", optarg, &max_memory);
            break;
        case OPT_CHECKPOINT:
            ok = infl_cli_parse_u64("--checkpoint", optarg, 1, UINT64_C(31536000),
                                    &checkpoint_seconds);
            break;
        case OPT_RESUME:
            resume = true;
            break;
        case OPT_TARGET_SE: {
            char *end = NULL;
            target_se = strtod(optarg, &end);
            if (end == optarg || *end != '\0' || !(target_se > 0.0 && target_se < 1.0)) {
                infl_cli_error("--target-se: expected a relative standard error between 0 and "
                               "1, e.g. 0.01 for 1 %% (got '%s')",
                               optarg);
                ok = false;
            }
            break;
        }
        case OPT_MAX_TRIALS:
            ok = infl_cli_parse_u64("--max-trials", optarg, 1, UINT64_C(1) << 48, &value);
            trials = optarg;
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
    if (argc - optind > 1) {
        infl_cli_error("run takes one scenario (got %d arguments: '%s', '%s', ...)", argc - optind,
                       argv[optind], argv[optind + 1]);
        code = INFL_EXIT_USAGE;
        goto done;
    }
    /* --trials and --seed apply after every --set, so the positions in
     * messages about --set (--set:N:COLUMN) count only the user's --set options. */
    if (!infl_cli_sets_add_trials_seed(&sets, trials, seed)) {
        infl_cli_error("out of memory");
        code = INFL_EXIT_FAILURE;
        goto done;
    }
    if (*output == '\0') {
        infl_cli_error("--output: empty file name");
        code = INFL_EXIT_USAGE;
        goto done;
    }

    if (target_se > 0 && (checkpoint_seconds > 0 || resume)) {
        infl_cli_error("--target-se cannot be combined with --checkpoint or --resume yet");
        code = INFL_EXIT_USAGE;
        goto done;
    }
    size_t path_len = strlen(output) + sizeof ".checkpoint";
    if ((checkpoint_path = malloc(path_len)) == NULL) {
        infl_cli_error("out of memory");
        code = INFL_EXIT_FAILURE;
        goto done;
    }
    snprintf(checkpoint_path, path_len, "%s.checkpoint", output);
    double t_load = infl_now();
    if (resume) {
        if (optind < argc || sets.count > 0) {
            infl_cli_error("--resume takes the scenario from %s; give no scenario, --set, "
                           "--trials or --seed",
                           checkpoint_path);
            code = INFL_EXIT_USAGE;
            goto done;
        }
        if ((rc = infl_checkpoint_load(checkpoint_path, &cp, &err)) != INFL_OK)
            goto fail;
        infl_checkpoint_source src = infl_checkpoint_scenario(cp);
        rc = infl_scenario_load_text(src.text, strlen(src.text), src.origin, src.sets, src.n_sets,
                                     &sc, &err);
        if (rc != INFL_OK)
            goto fail;
        no_trials = infl_checkpoint_no_trials(cp);
        force = true; /* the output holds at most this run's partial results */
    } else {
        rc = infl_cli_load(optind < argc ? argv[optind] : NULL, &sets, &sc, &err);
        if (rc != INFL_OK)
            goto fail;
    }
    if (!infl_interrupt_install()) {
        infl_cli_error("cannot install the Ctrl-C handler");
        code = INFL_EXIT_FAILURE;
        goto done;
    }
    infl_progress progress;
    infl_progress_init(&progress, !quiet && isatty(STDERR_FILENO));
    /* As the scenario was loaded (a resumed one from its checkpoint's source). */
    infl_checkpoint_source source = {.origin = infl_scenario_origin(sc),
                                     .text = infl_scenario_source_text(sc),
                                     .sets = infl_scenario_sets(sc),
                                     .n_sets = infl_scenario_set_count(sc)};
    bool checkpointing = checkpoint_seconds > 0 || resume;
    double available = max_memory > 0 ? max_memory : infl_available_memory();
    run_ctx ctx = {.progress = &progress, .trials = infl_scenario_trials(sc)};
    infl_pipeline_options popt = {
        .output = output,
        .replace = force,
        .memory_limit = available,
        .run = {.threads = (unsigned)threads,
                .no_trials = no_trials,
                .progress = infl_progress_update,
                .progress_user = &progress,
                .stop = infl_interrupt_flag(),
                .checkpoint_path = checkpointing ? checkpoint_path : NULL,
                .checkpoint_seconds = checkpoint_seconds > 0 ? (double)checkpoint_seconds : 600.0,
                .checkpoint_source = &source,
                .resume = cp,
                .target_se = target_se,
                .warnings = &warnings},
        .simulated = simulated,
        .temp_file = temp_file,
        .user = &ctx};
    double t_simulate = infl_now();
    rc = infl_pipeline_run(sc, &popt, &result, &err);
    if (rc != INFL_OK && result.too_big) {
        print_too_big(sc, &result.estimate, available, max_memory > 0, no_trials);
        code = INFL_EXIT_FAILURE;
        goto done;
    }
    if (rc != INFL_OK)
        goto fail;
    const infl_run_stats stats = result.stats;
    const infl_summary *sm = result.summary;
    double t_end = infl_now();
    if (timings)
        fprintf(stderr,
                "timings: load %.6f s, simulate %.6f s, statistics %.6f s, write %.6f s, "
                "total %.6f s; threads %u; trials %llu; hires simulated %llu; "
                "peak memory %.1f MiB\n",
                t_simulate - t_load, result.simulate_seconds, result.statistics_seconds,
                result.write_seconds, t_end - t_load, stats.threads,
                (unsigned long long)infl_scenario_trials(sc),
                (unsigned long long)stats.hires_simulated, infl_peak_rss_mib());
    if (!quiet) {
        infl_report_header h = {.scenario_name = infl_scenario_name(sc),
                                .currency = infl_scenario_currency(sc),
                                .trials = infl_scenario_trials(sc),
                                .trials_done = stats.trials_done,
                                .seed = infl_scenario_seed(sc),
                                .threads = stats.threads,
                                .wall_seconds = result.wall_seconds,
                                .complete = !stats.stopped};
        infl_report_print(stdout, &h, sm);
        if (metrics)
            infl_report_print_metrics(stdout, sm);
        printf("\nresults written to %s\n", output);
    }
    if (stats.stopped)
        fprintf(stderr,
                "influsim: interrupted: %llu of %llu trials written to %s (complete = false)\n",
                (unsigned long long)stats.trials_done, (unsigned long long)infl_scenario_trials(sc),
                output);
    if (target_se > 0)
        fprintf(stderr,
                "influsim: target relative standard error %g %s after %llu trials (worst %.3g)\n",
                target_se, stats.target_met ? "met" : "NOT met",
                (unsigned long long)stats.trials_done, stats.achieved_se);
    if (stats.checkpoint_failures > 0)
        fprintf(stderr, "influsim: warning: %u checkpoint(s) could not be saved: %s",
                stats.checkpoint_failures, infl_error_message(&warnings));
    /* The results are written: the checkpoint has served (a stopped run
     * keeps it, to be resumed). */
    if (checkpointing && !stats.stopped)
        unlink(checkpoint_path);
    if (*infl_interrupt_flag())
        code = INFL_EXIT_INTERRUPTED;
    goto done;

fail:
    infl_cli_print_error(&err);
    code = infl_cli_exit_code(rc);
done:
    infl_checkpoint_free(cp);
    free(checkpoint_path);
    infl_pipeline_result_destroy(&result);
    infl_scenario_free(sc);
    infl_error_destroy(&warnings);
    infl_error_destroy(&err);
    infl_cli_sets_destroy(&sets);
    return code;
}
