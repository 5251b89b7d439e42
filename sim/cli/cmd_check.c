/*
 * cmd_check.c — `influsim check SCENARIO [--set k=v]...`: validates a
 * scenario and prints it resolved (every key, defaults filled in).
 */
#include "cli.h"

#include "influsim/engine.h"
#include "influsim/scenario.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("usage: influsim check [SCENARIO] [--set key.path=value]...\n"
          "\n"
          "Validates a scenario and prints it resolved: every key, with defaults filled\n"
          "in. Without SCENARIO, checks the built-in default (the French brand).\n"
          "\n"
          "  -s, --set KEY=VALUE  override a value, e.g. --set budget=5000 (repeatable)\n"
          "  -h, --help           show this help\n"
          "\n"
          "Exit status: 0 valid, 2 invalid (each fault printed as FILE:LINE:COLUMN: key: ...).\n",
          out);
}

int infl_cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {{"set", required_argument, NULL, 's'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    infl_cli_sets sets = {0};
    int code = INFL_EXIT_OK, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (!infl_cli_sets_add(&sets, optarg, false)) {
                infl_cli_error("out of memory");
                code = INFL_EXIT_FAILURE;
                goto done;
            }
            break;
        case 'h':
            usage(stdout);
            goto done;
        default:
            usage(stderr);
            code = INFL_EXIT_USAGE;
            goto done;
        }
    }
    if (argc - optind > 1) {
        infl_cli_error("check takes one scenario (got %d arguments)", argc - optind);
        code = INFL_EXIT_USAGE;
        goto done;
    }
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    infl_status rc = optind < argc
                         ? infl_scenario_load_file(argv[optind], sets.items, sets.count, &sc, &err)
                         : infl_scenario_load_text(
                               infl_default_scenario_yaml, infl_default_scenario_size,
                               INFL_DEFAULT_SCENARIO_ORIGIN, sets.items, sets.count, &sc, &err);
    if (rc != INFL_OK) {
        infl_cli_print_error(&err);
        code = infl_cli_exit_code(rc);
    } else {
        char *text = infl_scenario_resolved_yaml(sc);
        if (text == NULL) {
            infl_cli_error("out of memory");
            code = INFL_EXIT_FAILURE;
        } else {
            fputs(text, stdout);
            free(text);
            /* What a run of it will need, on stderr: stdout stays the
             * resolved scenario, byte for byte. */
            infl_run_estimate est, est_nt;
            infl_engine_estimate(sc, &(infl_run_options){.no_trials = false}, 0, &est);
            infl_engine_estimate(sc, &(infl_run_options){.no_trials = true}, 0, &est_nt);
            double available = infl_available_memory();
            fprintf(stderr,
                    "influsim: estimate: about %.0f hires simulated a trial; a run of %llu trials "
                    "needs about %.0f MiB (%.0f MiB with --no-trials)",
                    est.hires_per_trial, (unsigned long long)infl_scenario_trials(sc),
                    est.bytes / 1048576.0, est_nt.bytes / 1048576.0);
            if (available > 0)
                fprintf(stderr, "; %.0f MiB are available", available / 1048576.0);
            fprintf(stderr, "\n");
        }
    }
    infl_scenario_free(sc);
    infl_error_destroy(&err);
done:
    infl_cli_sets_destroy(&sets);
    return code;
}
