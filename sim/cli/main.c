/*
 * main.c — the influsim command: dispatches to a subcommand. Subcommands
 * return exit codes; nothing below main() calls exit().
 */
#include "cli.h"

#include "influsim/version.h"

#include <gsl/gsl_errno.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("usage: influsim COMMAND [options]\n"
          "\n"
          "Monte Carlo of influencer campaigns: many micro- or a few macro-influencers\n"
          "out of the same budget?\n"
          "\n"
          "commands:\n"
          "  run [SCENARIO]     simulate a scenario (default: the built-in French brand)\n"
          "  check [SCENARIO]   validate a scenario and print it resolved\n"
          "  show FILE.h5       print the summary stored in a results file\n"
          "  report FILE.h5     write a one-page HTML report of a results file\n"
          "  sweep [SCENARIO]   run a grid of values of one or two keys (--vary)\n"
          "  plan [SCENARIO]    the smallest budget that reaches N conversions\n"
          "  optimize [SCENARIO] --tiers A,B   the budget split that maximises an objective\n"
          "  select SCENARIO    which creators of the roster to hire under the budget\n"
          "  sensitivity [SCENARIO] --factors assumptions   which assumption decides it\n"
          "  merge PART... -o FILE   one results file from the shards of a run\n"
          "                     (influsim run --shard I/N)\n"
          "  new --platform P --tiers A,B --budget X --price X --unit-cost X --ships US,CA\n"
          "                     write a commented starting scenario\n"
          "\n"
          "  influsim COMMAND --help   options of a command\n"
          "  influsim --version       version and git revision\n"
          "\n"
          "exit status: 0 success; 1 the run, or reading or writing a file, failed;\n"
          "2 bad command line or invalid scenario.\n",
          out);
}

int main(int argc, char **argv)
{
    infl_h5_process_init();
    /* GSL's default on an error is abort(); influsim checks every status GSL returns. */
    gsl_set_error_handler_off();
    if (argc < 2) {
        usage(stderr);
        return INFL_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage(stdout);
        return INFL_EXIT_OK;
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("influsim %s (git %s)\n", infl_version(), infl_git_revision());
        return INFL_EXIT_OK;
    }
    if (!strcmp(cmd, "run"))
        return infl_cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "check"))
        return infl_cmd_check(argc - 1, argv + 1);
    if (!strcmp(cmd, "show"))
        return infl_cmd_show(argc - 1, argv + 1);
    if (!strcmp(cmd, "report"))
        return infl_cmd_report(argc - 1, argv + 1);
    if (!strcmp(cmd, "sweep"))
        return infl_cmd_sweep(argc - 1, argv + 1);
    if (!strcmp(cmd, "plan"))
        return infl_cmd_plan(argc - 1, argv + 1);
    if (!strcmp(cmd, "optimize"))
        return infl_cmd_optimize(argc - 1, argv + 1);
    if (!strcmp(cmd, "select"))
        return infl_cmd_select(argc - 1, argv + 1);
    if (!strcmp(cmd, "sensitivity"))
        return infl_cmd_sensitivity(argc - 1, argv + 1);
    if (!strcmp(cmd, "merge"))
        return infl_cmd_merge(argc - 1, argv + 1);
    if (!strcmp(cmd, "new"))
        return infl_cmd_new(argc - 1, argv + 1);
    infl_cli_error(
        "unknown command '%s' (commands: run, check, show, report, sweep, plan, optimize, "
        "select, sensitivity, merge, new; see "
        "influsim --help)",
        cmd);
    return INFL_EXIT_USAGE;
}
