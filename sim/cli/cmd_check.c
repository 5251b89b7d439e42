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

/* An infl_cli_own_fn: check takes only shared options (--set, --help). */
static infl_cli_option no_option(void *opts, int opt, const char *arg, infl_error *err)
{
    (void)opts, (void)opt, (void)arg, (void)err;
    return INFL_CLI_OPTION_OTHER;
}

/* What a run of sc will need, on stderr: stdout stays the resolved
 * scenario, byte for byte. */
static void print_estimate(const infl_scenario *sc)
{
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

/* Loads the scenario and prints it resolved, then the estimate. */
static infl_status check(const infl_cli_common *c, infl_error *err)
{
    if (c->n_args > 1)
        return infl_cli_fail(err, INFL_EARG, "check takes one scenario (got %d arguments)",
                             c->n_args);
    infl_scenario *sc = NULL;
    infl_status rc = infl_cli_load(c->n_args > 0 ? c->args[0] : NULL, &c->sets, &sc, err);
    if (rc != INFL_OK)
        goto done;
    char *text = infl_scenario_resolved_yaml(sc);
    if (text == NULL) {
        rc = infl_cli_fail(err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    fputs(text, stdout);
    free(text);
    print_estimate(sc);
done:
    infl_scenario_free(sc);
    return rc;
}

int infl_cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {{"set", required_argument, NULL, 's'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    infl_cli_common c = {0};
    infl_error err;
    infl_error_init(&err);
    infl_status rc = infl_cli_parse(argc, argv, "s:h", opts, 1, &c, no_option, NULL, &err);
    if (rc == INFL_OK && c.next == INFL_CLI_GO)
        rc = check(&c, &err);
    int code = infl_cli_end(&c, rc, &err, usage);
    infl_error_destroy(&err);
    infl_cli_common_destroy(&c);
    return code;
}
