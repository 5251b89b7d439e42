/*
 * cmd_merge.c — `influsim merge PART... -o FILE`: the partial runs that the
 * shards of one run saved (`influsim run --shard I/N`), merged by the library
 * into a finished checkpoint of the whole run, which the run pipeline then
 * resumes: no trial runs again, and FILE is the file one process would have
 * written (only wall time, threads and host differ).
 */
#include "cli.h"

#include "influsim/checkpoint.h"
#include "influsim/pipeline.h"
#include "influsim/scenario.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("usage: influsim merge PART... [options]\n"
          "\n"
          "Merges the partial runs saved by `influsim run SCENARIO --shard I/N -o PART`\n"
          "(or the parts of a sweep, `influsim sweep ... --shard I/N -o PART`)\n"
          "for I = 1..N (on as many machines as you like: a job array, for example)\n"
          "into one results file, the same, dataset for dataset, as the file of one\n"
          "`influsim run SCENARIO` (only wall time, threads and host differ). Refuses\n"
          "parts of different scenarios, seeds, versions or shard counts, a shard given\n"
          "twice and a shard missing, and writes nothing then.\n"
          "\n"
          "  -o, --output FILE    results file (default: results.h5)\n"
          "      --force          replace FILE if it exists\n"
          "  -t, --threads T      threads for the summary (the results do not depend on it)\n"
          "  -m, --metrics        also print every metric of every strategy\n"
          "  -q, --quiet          no summary table\n"
          "  -h, --help           show this help\n"
          "\n"
          "Exit status: 0 merged, 1 a part cannot be read or writing failed, 2 bad\n"
          "command line or parts that do not make one run.\n",
          out);
}

typedef struct {
    infl_cli_common common;
    bool metrics;
} merge_options;

static infl_cli_option merge_option(void *opts, int opt, const char *arg, infl_error *err)
{
    (void)arg;
    (void)err;
    merge_options *o = opts;
    if (opt == 'm') {
        o->metrics = true;
        return INFL_CLI_OPTION_TAKEN;
    }
    return INFL_CLI_OPTION_OTHER;
}

/* What a merge holds until it is written. */
typedef struct {
    infl_checkpoint **parts;
    size_t n_parts;
    infl_checkpoint *merged;
    infl_scenario *sc;
    infl_pipeline_result result;
} merge_state;

static void merge_state_destroy(merge_state *s)
{
    for (size_t i = 0; s->parts && i < s->n_parts; i++)
        infl_checkpoint_free(s->parts[i]);
    free(s->parts);
    infl_checkpoint_free(s->merged);
    infl_scenario_free(s->sc);
    infl_pipeline_result_destroy(&s->result);
}

/* Loads and merges the parts, and the scenario they ran. */
static infl_status load_parts(const merge_options *o, merge_state *s, infl_error *err)
{
    const infl_cli_common *c = &o->common;
    if (c->n_args == 0)
        return infl_cli_fail(err, INFL_EARG,
                             "merge takes the partial runs to merge (influsim merge part-*.h5 -o "
                             "results.h5)");
    if (c->sets.count > 0 || c->trials || c->seed)
        return infl_cli_fail(err, INFL_EARG,
                             "merge takes the scenario from its parts; give no --set, --trials "
                             "or --seed");
    if ((s->parts = calloc((size_t)c->n_args, sizeof *s->parts)) == NULL)
        return infl_cli_fail(err, INFL_ENOMEM, "out of memory");
    for (int i = 0; i < c->n_args; i++) {
        infl_status rc = infl_checkpoint_load(c->args[i], &s->parts[i], err);
        if (rc != INFL_OK)
            return rc;
        s->n_parts++;
    }
    infl_status rc =
        infl_checkpoint_merge(s->parts, (const char *const *)c->args, s->n_parts, &s->merged, err);
    if (rc != INFL_OK)
        return rc;
    infl_checkpoint_source src = infl_checkpoint_scenario(s->merged);
    return infl_scenario_load_text(src.text, strlen(src.text), src.origin, src.sets, src.n_sets,
                                   &s->sc, err);
}

/* The parts of a sweep (`influsim sweep --shard I/N`): loaded, merged and
 * written as one process's sweep file. */
static infl_status merge_sweep(const merge_options *o, infl_error *err)
{
    const infl_cli_common *c = &o->common;
    const size_t n = (size_t)c->n_args;
    infl_h5_sweep_part *parts = calloc(n, sizeof *parts);
    infl_h5_sweep_part merged = {0};
    infl_scenario *base = NULL;
    if (parts == NULL)
        return infl_cli_fail(err, INFL_ENOMEM, "out of memory");
    double start = infl_now();
    infl_status rc = INFL_OK;
    for (size_t i = 0; i < n && rc == INFL_OK; i++)
        rc = infl_h5_sweep_part_load(c->args[i], &parts[i], err);
    if (rc == INFL_OK)
        rc = infl_h5_sweep_parts_merge(parts, (const char *const *)c->args, n, &merged, err);
    if (rc == INFL_OK)
        rc = infl_scenario_load_text(merged.text, strlen(merged.text), merged.origin,
                                     (const char *const *)merged.sets, merged.n_sets, &base, err);
    if (rc == INFL_OK)
        rc = infl_pipeline_write_sweep(c->output, c->force, base,
                                       c->threads ? (unsigned)c->threads : 1, merged.axes,
                                       merged.n_axes, merged.points, infl_now() - start, err);
    if (rc == INFL_OK && !c->quiet)
        printf("%zu partial sweeps merged into %s (`influsim show %s` prints its table)\n", n,
               c->output, c->output);
    for (size_t i = 0; i < n; i++)
        infl_h5_sweep_part_destroy(&parts[i]);
    free(parts);
    infl_h5_sweep_part_destroy(&merged);
    infl_scenario_free(base);
    return rc;
}

/* The merged run, resumed: the summary computed and the file written. */
static infl_status write_merged(const merge_options *o, merge_state *s, infl_error *err)
{
    infl_pipeline_options popt = {.output = o->common.output,
                                  .replace = o->common.force,
                                  .run = {.threads = (unsigned)o->common.threads,
                                          .no_trials = infl_checkpoint_no_trials(s->merged),
                                          .resume = s->merged}};
    return infl_pipeline_run(s->sc, &popt, &s->result, err);
}

int infl_cmd_merge(int argc, char **argv)
{
    merge_options o = {.common = {.output = "results.h5"}};
    merge_state s = {0};
    infl_error err;
    infl_error_init(&err);
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"force", no_argument, NULL, INFL_CLI_OPT_FORCE},
                                         {"threads", required_argument, NULL, 't'},
                                         {"metrics", no_argument, NULL, 'm'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    infl_status rc =
        infl_cli_parse(argc, argv, "o:t:mqh", opts, 1, &o.common, merge_option, &o, &err);
    if (rc == INFL_OK && o.common.next == INFL_CLI_GO && *o.common.output == '\0')
        rc = infl_cli_fail(&err, INFL_EARG, "--output: empty file name");
    const bool sweep = rc == INFL_OK && o.common.next == INFL_CLI_GO && o.common.n_args > 0 &&
                       infl_h5_is_sweep_part(o.common.args[0]);
    if (sweep && (o.common.sets.count > 0 || o.common.trials || o.common.seed))
        rc = infl_cli_fail(&err, INFL_EARG,
                           "merge takes the scenario from its parts; give no --set, --trials or "
                           "--seed");
    else if (sweep)
        rc = merge_sweep(&o, &err);
    else if (rc == INFL_OK && o.common.next == INFL_CLI_GO &&
             (rc = load_parts(&o, &s, &err)) == INFL_OK)
        rc = write_merged(&o, &s, &err);
    int code;
    if (sweep && rc == INFL_OK) {
        code = INFL_EXIT_OK;
    } else if (rc == INFL_OK && o.common.next == INFL_CLI_GO) {
        if (!o.common.quiet) {
            infl_report_header h = infl_report_header_of(s.sc, &s.result);
            infl_report_print(stdout, &h, s.result.summary);
            if (o.metrics)
                infl_report_print_metrics(stdout, s.result.summary);
            printf("\n%zu partial runs merged into %s\n", s.n_parts, o.common.output);
        }
        code = INFL_EXIT_OK;
    } else {
        code = infl_cli_end(&o.common, rc, &err, usage);
    }
    merge_state_destroy(&s);
    infl_error_destroy(&err);
    infl_cli_common_destroy(&o.common);
    return code;
}
