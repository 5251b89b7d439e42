/*
 * cmd_show.c — `influsim show FILE.h5`: prints the summary tables stored in a
 * results file, without Python.
 */
#include "cli.h"

#include <getopt.h>

static void usage(FILE *out)
{
    fputs("usage: influsim show FILE.h5 [--metrics]\n"
          "\n"
          "Prints the summary tables of an influsim results file.\n"
          "\n"
          "  -m, --metrics  also print every metric of every strategy (mean, se,\n"
          "                 5/50/95 %, total, P(0), missing)\n"
          "  -h, --help     show this help\n"
          "\n"
          "Exit status: 0 shown, 1 the file is missing or not a readable influsim file,\n"
          "2 bad command line.\n",
          out);
}

int infl_cmd_show(int argc, char **argv)
{
    static const struct option opts[] = {
        {"metrics", no_argument, NULL, 'm'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    bool metrics = false;
    optind = 1;
    while ((c = getopt_long(argc, argv, "mh", opts, NULL)) != -1) {
        if (c == 'm') {
            metrics = true;
            continue;
        }
        if (c == 'h') {
            usage(stdout);
            return INFL_EXIT_OK;
        }
        usage(stderr);
        return INFL_EXIT_USAGE;
    }
    if (argc - optind != 1) {
        infl_cli_error("show takes one results file");
        usage(stderr);
        return INFL_EXIT_USAGE;
    }
    infl_error err;
    infl_error_init(&err);
    infl_summary *sm = NULL;
    infl_h5_meta meta;
    infl_status rc = infl_h5_read_summary(argv[optind], &sm, &meta, &err);
    if (rc != INFL_OK) {
        infl_cli_print_error(&err);
        infl_error_destroy(&err);
        return INFL_EXIT_FAILURE;
    }
    infl_report_header h = {.scenario_name = meta.scenario_name,
                            .currency = meta.currency,
                            .trials = meta.trials,
                            .trials_done = meta.trials_done,
                            .seed = meta.seed,
                            .threads = (unsigned)meta.threads,
                            .wall_seconds = meta.wall_seconds,
                            .complete = meta.complete};
    infl_report_print(stdout, &h, sm);
    if (metrics)
        infl_report_print_metrics(stdout, sm);
    infl_summary_free(sm);
    infl_h5_meta_destroy(&meta);
    infl_error_destroy(&err);
    return INFL_EXIT_OK;
}
