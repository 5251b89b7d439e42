/*
 * cmd_show.c — `influsim show FILE.h5`: prints the summary tables stored in a
 * results file, without Python: a run's (or an optimiser's) tables as `run`
 * printed them, a sweep's table as `sweep` printed it (sweep_table.c), a
 * select's answer as `select` printed it (select_report.c), a sensitivity
 * study's tables as `sensitivity` printed them (sens_report.c).
 */
#include "cli.h"

#include <string.h>
#include "sweep_table.h"

#include <getopt.h>

static void usage(FILE *out)
{
    fputs("usage: influsim show FILE.h5 [--metrics]\n"
          "\n"
          "Prints the summary tables of an influsim results file: those `influsim run`\n"
          "printed, or for a sweep's file the table `influsim sweep` printed (fitted to\n"
          "$COLUMNS or the terminal as it was then), for a select's file the answer\n"
          "`influsim select` printed (the chosen creators, the objective, the runner-up),\n"
          "or for a sensitivity study's file the tables `influsim sensitivity` printed.\n"
          "\n"
          "  -m, --metrics  also print every metric of every strategy (mean, se,\n"
          "                 5/50/95 %, total, P(0), missing); not for a sweep, select or\n"
          "                 sensitivity file\n"
          "  -h, --help     show this help\n"
          "\n"
          "The file's integrity record is checked first: a file that changed since it was\n"
          "written is read through (every checksum HDF5 keeps) and shown with a note, or\n"
          "refused as damaged.\n"
          "\n"
          "Exit status: 0 shown, 1 the file is missing, damaged or not a readable influsim\n"
          "file, 2 bad command line.\n",
          out);
}

/* The scenario a file was run with, from its resolved YAML, for the notes
 * that need its keys; NULL when the file has none or it does not load. A
 * file written before the hiring extensions has no `hiring` key, and loading
 * it now would give today's default rule instead of the one it ran with, so
 * it gets no scenario either. */
static infl_scenario *scenario_of(const char *path, const infl_h5_meta *meta)
{
    const char *text = meta->scenario_resolved;
    if (text == NULL || strstr(text, "\nhiring:\n") == NULL)
        return NULL;
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    if (infl_scenario_load_text(text, strlen(text), path, NULL, 0, &sc, &err) != INFL_OK)
        sc = NULL;
    infl_error_destroy(&err);
    return sc;
}

/* A run's or an optimiser's file: the tables `run` printed. */
static infl_status show_run(const char *path, bool metrics, infl_error *err)
{
    infl_summary *sm = NULL;
    infl_h5_meta meta;
    infl_status rc = infl_h5_read_summary(path, &sm, &meta, err);
    if (rc != INFL_OK)
        return rc;
    infl_report_header h = {.scenario_name = meta.scenario_name,
                            .currency = meta.currency,
                            .trials = meta.trials,
                            .trials_done = meta.trials_done,
                            .seed = meta.seed,
                            .threads = (unsigned)meta.threads,
                            .wall_seconds = meta.wall_seconds,
                            .complete = meta.complete};
    h.sc = scenario_of(path, &meta);
    infl_report_print(stdout, &h, sm);
    if (metrics)
        infl_report_print_metrics(stdout, sm);
    if (h.sc != NULL)
        infl_report_warn_unspent(h.sc, sm);
    infl_scenario_free((infl_scenario *)h.sc);
    infl_summary_free(sm);
    infl_h5_meta_destroy(&meta);
    return INFL_OK;
}

/* A sweep's file: the table `sweep` printed, from the summaries in /sweep. */
static infl_status show_sweep(const char *path, bool metrics, infl_error *err)
{
    if (metrics)
        return infl_cli_fail(err, INFL_EARG,
                             "--metrics: %s is a sweep's file; its every metric at every point "
                             "is in the arrays of /sweep (docs/output.md)",
                             path);
    infl_h5_sweep sw;
    infl_status rc = infl_h5_read_sweep(path, &sw, err);
    if (rc != INFL_OK)
        return rc;
    infl_sweep_table table;
    const infl_summary *first = sw.points[0];
    rc = infl_sweep_table_init(&table, stdout, sw.axes, sw.n_axes,
                               (const char *const *)first->strategy_names, first->n_strategies,
                               sw.meta.currency, sw.meta.trials, infl_cli_terminal_width(stdout),
                               err);
    if (rc == INFL_OK)
        rc = infl_sweep_table_print(&table, sw.meta.scenario_name, sw.meta.seed, sw.points, err);
    infl_sweep_table_destroy(&table);
    infl_h5_sweep_destroy(&sw);
    return rc;
}

/* A select's file: the answer `select` printed, from /select, and its result
 * line (without the lines naming the files it wrote). */
static infl_status show_select(const char *path, bool metrics, infl_error *err)
{
    if (metrics)
        return infl_cli_fail(err, INFL_EARG,
                             "--metrics: %s is a select's file, which has no per-strategy "
                             "metrics; `influsim run` of its plan's scenario computes them",
                             path);
    infl_select_result *r = NULL;
    infl_h5_meta meta;
    infl_status rc = infl_h5_read_select(path, &r, &meta, err);
    if (rc != INFL_OK)
        return rc;
    infl_select_print_title(stdout, meta.scenario_name, &r->objective, r->budget, meta.currency,
                            meta.trials, meta.seed);
    infl_select_print_answer(stdout, r, meta.currency);
    infl_select_print_result_line(stdout, r);
    infl_select_result_free(r);
    infl_h5_meta_destroy(&meta);
    return INFL_OK;
}

static infl_status show_sensitivity(const char *path, bool metrics, infl_error *err)
{
    if (metrics)
        return infl_cli_fail(err, INFL_EARG,
                             "--metrics: %s is a sensitivity study's file, which has no "
                             "per-strategy metrics",
                             path);
    infl_sens_result r;
    infl_h5_meta meta;
    infl_status rc = infl_h5_read_sensitivity(path, &r, &meta, err);
    if (rc != INFL_OK)
        return rc;
    infl_sens_print(stdout, &r, meta.scenario_name, meta.currency, meta.wall_seconds, 10);
    infl_sens_result_destroy(&r);
    infl_h5_meta_destroy(&meta);
    return INFL_OK;
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
    /* Every reader verifies the file's integrity record again; asking here
     * is for the note that follows what is shown. */
    infl_h5_integrity state = INFL_H5_INTACT;
    infl_h5_kind kind = INFL_H5_KIND_RUN;
    infl_status rc = infl_h5_verify(argv[optind], &state, &err);
    if (rc == INFL_OK)
        rc = infl_h5_read_kind(argv[optind], &kind, &err);
    if (rc == INFL_OK)
        rc = kind == INFL_H5_KIND_SWEEP         ? show_sweep(argv[optind], metrics, &err)
             : kind == INFL_H5_KIND_SELECT      ? show_select(argv[optind], metrics, &err)
             : kind == INFL_H5_KIND_SENSITIVITY ? show_sensitivity(argv[optind], metrics, &err)
                                                : show_run(argv[optind], metrics, &err);
    if (rc != INFL_OK)
        infl_cli_print_error(&err);
    else if (state == INFL_H5_UNVERIFIED)
        fprintf(stderr,
                "influsim: note: %s has no integrity record (written before influsim recorded "
                "one), so it cannot be verified\n",
                argv[optind]);
    else if (state == INFL_H5_MODIFIED)
        fprintf(stderr,
                "influsim: note: %s has changed since influsim wrote it (edited, or a dataset "
                "added); everything in it reads back with valid checksums\n",
                argv[optind]);
    infl_error_destroy(&err);
    return rc == INFL_OK ? INFL_EXIT_OK : rc == INFL_EARG ? INFL_EXIT_USAGE : INFL_EXIT_FAILURE;
}
