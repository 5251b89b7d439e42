/*
 * cmd_sensitivity.c — `influsim sensitivity`: which of a scenario's
 * assumptions decide its answer. Parses the factors against the loaded
 * scenario, says what the study will cost, runs it (infl_sens_run), prints
 * the ranked table (sens_report.c) and writes /sensitivity.
 */
#include "cli.h"

#include "influsim/factor.h"
#include "influsim/pipeline.h"
#include "influsim/scenario.h"
#include "influsim/sensitivity.h"
#include "influsim/study.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *out)
{
    fputs("usage: influsim sensitivity [SCENARIO] (--factor KEY=LO:HI[:log] ... |\n"
          "                            --factors assumptions[:P%]) [options]\n"
          "\n"
          "Which assumption decides the answer? Runs the scenario (default: the built-in\n"
          "French brand) over a design of its factors, each run with the scenario's trials\n"
          "and seed (common random numbers), and ranks the factors by how much they move\n"
          "each strategy's outcomes and the comparison of two strategies; writes the\n"
          "indices, the design and every run's values to /sensitivity in the HDF5 file.\n"
          "\n"
          "  --factor KEY=LO:HI[:log]  a factor: any numeric key --set reaches (a constant,\n"
          "                       or a distribution's parameter such as\n"
          "                       tiers.micro.reach_rate.beta.mean), uniform (or\n"
          "                       log-uniform) over LO..HI (repeatable)\n"
          "  --factors assumptions[:P%]  every numeric parameter of the tiers, the market\n"
          "                       and the product at its value -/+ P % (default 30 %),\n"
          "                       clipped to the key's valid range\n"
          "  --method M           tornado (default: each factor at its two ends, the\n"
          "                       others at base, and where the ranking flips; 1 + 2k\n"
          "                       runs), morris (elementary effects; 1 + r (k + 1) runs)\n"
          "                       or sobol (first-order and total indices; 1 + N (k + 2)\n"
          "                       runs, k at most 20)\n"
          "  --samples N          sobol: the base design's N (default 256); morris: the\n"
          "                       trajectories r (default 20)\n"
          "  --levels P           morris: grid levels (even, default 4)\n"
          "  --bootstrap B        replicates for the indices' intervals (default 1000)\n"
          "  --compare A,B        the strategies whose comparison is the decision\n"
          "                       (default: the scenario's first two)\n"
          "  --top N              factors per table (default 10; 0: all)\n"
          "  --estimate           say how many runs and how long, then stop\n"
          "  -o, --output FILE    results file (default: sensitivity.h5)\n"
          "      --force          replace FILE if it exists\n"
          "  -n, --trials N       trials per run (overrides the scenario's `trials`)\n"
          "      --seed S         random seed (overrides the scenario's `seed`)\n"
          "  -t, --threads T      threads (the results do not depend on it)\n"
          "  -s, --set KEY=VALUE  override a scenario value at every run (repeatable)\n"
          "  -q, --quiet          no tables\n"
          "  -h, --help           show this help\n"
          "\n"
          "docs/sensitivity.md explains the methods and how to read them. Exit status: 0\n"
          "done, 1 a run or writing failed, 2 bad command line, factor or scenario\n"
          "(nothing is written).\n",
          out);
}

enum {
    OPT_FACTOR = INFL_CLI_OPT_OWN,
    OPT_FACTORS,
    OPT_METHOD,
    OPT_SAMPLES,
    OPT_LEVELS,
    OPT_BOOTSTRAP,
    OPT_COMPARE,
    OPT_TOP,
    OPT_ESTIMATE
};

typedef struct {
    infl_cli_common common;
    const char **factor_specs; /* --factor and --factors, in order (borrowed) */
    bool *is_set;              /* [i]: a --factors set, not one --factor */
    size_t n_specs;
    infl_sens_options sens;
    const char *compare; /* "A,B" or NULL */
    uint64_t top;
    bool estimate;
} sens_options;

static bool add_spec(sens_options *o, const char *spec, bool is_set)
{
    const char **specs = realloc(o->factor_specs, (o->n_specs + 1) * sizeof *specs);
    if (specs == NULL)
        return false;
    o->factor_specs = specs;
    bool *sets = realloc(o->is_set, (o->n_specs + 1) * sizeof *sets);
    if (sets == NULL)
        return false;
    o->is_set = sets;
    o->factor_specs[o->n_specs] = spec;
    o->is_set[o->n_specs++] = is_set;
    return true;
}

/* An infl_cli_own_fn: the options only sensitivity takes. */
static infl_cli_option sens_option(void *opts, int opt, const char *arg, infl_error *err)
{
    sens_options *o = opts;
    uint64_t v = 0;
    switch (opt) {
    case OPT_FACTOR:
    case OPT_FACTORS:
        if (!add_spec(o, arg, opt == OPT_FACTORS)) {
            infl_cli_fail(err, INFL_ENOMEM, "out of memory");
            return INFL_CLI_OPTION_BAD;
        }
        return INFL_CLI_OPTION_TAKEN;
    case OPT_METHOD:
        if (!infl_sens_method_parse(arg, &o->sens.method)) {
            infl_cli_fail(err, INFL_EARG, "--method: tornado, morris or sobol (got '%s')", arg);
            return INFL_CLI_OPTION_BAD;
        }
        return INFL_CLI_OPTION_TAKEN;
    case OPT_SAMPLES:
        if (infl_cli_parse_u64("--samples", arg, 1, 1u << 20, &v, err) != INFL_OK)
            return INFL_CLI_OPTION_BAD;
        o->sens.samples = (size_t)v;
        return INFL_CLI_OPTION_TAKEN;
    case OPT_LEVELS:
        if (infl_cli_parse_u64("--levels", arg, 2, 64, &v, err) != INFL_OK)
            return INFL_CLI_OPTION_BAD;
        o->sens.levels = (size_t)v;
        return INFL_CLI_OPTION_TAKEN;
    case OPT_BOOTSTRAP:
        if (infl_cli_parse_u64("--bootstrap", arg, 1, 100000, &v, err) != INFL_OK)
            return INFL_CLI_OPTION_BAD;
        o->sens.bootstrap = (size_t)v;
        return INFL_CLI_OPTION_TAKEN;
    case OPT_TOP:
        return infl_cli_taken(infl_cli_parse_u64("--top", arg, 0, 100000, &o->top, err));
    case OPT_COMPARE:
        o->compare = arg;
        return INFL_CLI_OPTION_TAKEN;
    case OPT_ESTIMATE:
        o->estimate = true;
        return INFL_CLI_OPTION_TAKEN;
    default:
        return INFL_CLI_OPTION_OTHER;
    }
}

static infl_status parse_sens_options(int argc, char **argv, sens_options *o, infl_error *err)
{
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         INFL_CLI_SCENARIO_LONG_OPTIONS,
                                         {"factor", required_argument, NULL, OPT_FACTOR},
                                         {"factors", required_argument, NULL, OPT_FACTORS},
                                         {"method", required_argument, NULL, OPT_METHOD},
                                         {"samples", required_argument, NULL, OPT_SAMPLES},
                                         {"levels", required_argument, NULL, OPT_LEVELS},
                                         {"bootstrap", required_argument, NULL, OPT_BOOTSTRAP},
                                         {"compare", required_argument, NULL, OPT_COMPARE},
                                         {"top", required_argument, NULL, OPT_TOP},
                                         {"estimate", no_argument, NULL, OPT_ESTIMATE},
                                         {"force", no_argument, NULL, INFL_CLI_OPT_FORCE},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    return infl_cli_parse(argc, argv, "o:n:t:s:qh", opts, 1, &o->common, sens_option, o, err);
}

/* The strategy called name (len bytes) in sc, or (size_t)-1. */
static size_t strategy_index(const infl_scenario *sc, const char *name, size_t len)
{
    for (size_t s = 0; s < infl_scenario_strategy_count(sc); s++) {
        const char *n = infl_scenario_strategy_name(sc, s);
        if (strlen(n) == len && strncmp(n, name, len) == 0)
            return s;
    }
    return (size_t)-1;
}

/* --compare A,B against the scenario's strategies (default: its first two). */
static infl_status parse_compare(const sens_options *o, const infl_scenario *sc,
                                 infl_sens_options *sens, infl_error *err)
{
    sens->compare_a = 0;
    sens->compare_b = 1;
    if (o->compare == NULL)
        return INFL_OK;
    const char *comma = strchr(o->compare, ',');
    if (comma == NULL)
        return infl_cli_fail(err, INFL_EARG, "--compare: two strategies, A,B (got '%s')",
                             o->compare);
    size_t a = strategy_index(sc, o->compare, (size_t)(comma - o->compare)),
           b = strategy_index(sc, comma + 1, strlen(comma + 1));
    if (a == (size_t)-1 || b == (size_t)-1 || a == b) {
        char names[512] = "";
        for (size_t s = 0; s < infl_scenario_strategy_count(sc); s++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", s ? ", " : "",
                     infl_scenario_strategy_name(sc, s));
        return infl_cli_fail(err, INFL_EARG,
                             "--compare: '%s' is not two different strategies of the scenario "
                             "(it has %s)",
                             o->compare, names);
    }
    sens->compare_a = a;
    sens->compare_b = b;
    return INFL_OK;
}

/* The factors from the specs, against sc: every --factor first, then the
 * --factors sets, which leave out the keys a --factor gave (so a --factor
 * refines the range of one assumption, in whichever order they came). */
static infl_status load_factors(const sens_options *o, const infl_scenario *sc,
                                infl_factor_list *list, infl_error *err)
{
    for (int sets = 0; sets <= 1; sets++)
        for (size_t i = 0; i < o->n_specs; i++) {
            if (o->is_set[i] != (sets == 1))
                continue;
            infl_status rc = sets ? infl_factor_assumptions(sc, o->factor_specs[i], list, err)
                                  : infl_factor_parse(sc, o->factor_specs[i], list, err);
            if (rc != INFL_OK)
                return rc;
        }
    if (list->n == 0)
        return infl_cli_fail(err, INFL_EARG,
                             o->n_specs ? "no factors: every parameter the specs name is fixed"
                                        : "sensitivity needs --factor KEY=LO:HI[:log] or "
                                          "--factors assumptions");
    return INFL_OK;
}

/* "about 12 s", "about 3.5 min", "about 2.1 h" into buf. */
static void format_duration(char *buf, size_t size, double seconds)
{
    if (seconds < 1)
        snprintf(buf, size, "under a second");
    else if (seconds < 90)
        snprintf(buf, size, "about %.0f s", seconds);
    else if (seconds < 5400)
        snprintf(buf, size, "about %.1f min", seconds / 60);
    else
        snprintf(buf, size, "about %.1f h", seconds / 3600);
}

/* An infl_sens_progress_fn over the progress bar. */
static void progress(void *user, size_t done, size_t total)
{
    infl_progress_update(user, done, total);
}

/* Times one run of the base scenario on one thread, for the estimate: the
 * study spreads its runs over the threads, one thread each. */
static infl_status time_one_run(const infl_scenario *sc, double *seconds, infl_error *err)
{
    double start = infl_now();
    infl_summary *sm = NULL;
    infl_status rc = infl_study_summary(sc, 1, NULL, false, &sm, NULL, err);
    infl_summary_free(sm);
    *seconds = infl_now() - start;
    return rc;
}

static infl_status sensitivity(sens_options *o, infl_error *err)
{
    const infl_cli_common *c = &o->common;
    infl_scenario *base = NULL;
    infl_factor_list factors = {0};
    infl_sens_result result = {0};
    infl_status rc = infl_cli_load(c->n_args > 0 ? c->args[0] : NULL, &c->sets, &base, err);
    if (rc != INFL_OK || (rc = load_factors(o, base, &factors, err)) != INFL_OK ||
        (rc = parse_compare(o, base, &o->sens, err)) != INFL_OK)
        goto done;
    o->sens.threads = (unsigned)c->threads;
    o->sens.cluster = c->cluster;
    /* The study's own checks first: a bad --samples is a usage error, not
     * something to time. */
    if ((rc = infl_sens_check(base, factors.items, factors.n, &o->sens, err)) != INFL_OK ||
        (!o->estimate && (rc = infl_cli_check_target(c, err)) != INFL_OK))
        goto done;
    const size_t runs = infl_sens_runs(&o->sens, factors.n);
    double one = 0;
    if (o->estimate || !c->quiet) {
        if ((rc = time_one_run(base, &one, err)) != INFL_OK)
            goto done;
        char when[64];
        const unsigned threads = c->threads ? (unsigned)c->threads : infl_engine_default_threads();
        format_duration(when, sizeof when, one * (double)runs / threads);
        printf("%s: %s of %zu factor%s: %zu runs of %llu trials%s, %s on %u thread%s\n",
               infl_scenario_name(base), infl_sens_method_name(o->sens.method), factors.n,
               factors.n == 1 ? "" : "s", runs, (unsigned long long)infl_scenario_trials(base),
               o->sens.method == INFL_SENS_TORNADO ? " (and up to " INFL_SENS_FLIP_STEPS_TEXT
                                                     " more per flip)"
                                                   : "",
               when, threads, threads == 1 ? "" : "s");
        fflush(stdout);
    }
    if (o->estimate)
        goto done;
    infl_progress bar;
    infl_progress_init(&bar, !c->quiet && isatty(STDERR_FILENO));
    bar.unit = "runs";
    o->sens.progress = progress;
    o->sens.user = &bar;
    double start = infl_now();
    rc = infl_sens_run(base, factors.items, factors.n, &o->sens, &result, err);
    infl_progress_finish(&bar);
    if (rc != INFL_OK)
        goto done;
    double wall = infl_now() - start;
    if (!c->quiet)
        infl_sens_print(stdout, &result, infl_scenario_name(base), infl_scenario_currency(base),
                        wall, (size_t)o->top);
    /* Every rank has every run; rank 0 writes, and every rank follows. */
    if (infl_cluster_is_root(c->cluster))
        rc = infl_pipeline_write_sensitivity(c->output, c->force, base, &result, wall, err);
    rc = infl_cluster_agree(c->cluster, rc, err);
    if (rc == INFL_OK && !c->quiet)
        printf("\nsensitivity written to %s (/sensitivity; `influsim show %s` prints these "
               "tables again)\n",
               c->output, c->output);
done:
    infl_sens_result_destroy(&result);
    infl_factor_list_destroy(&factors);
    infl_scenario_free(base);
    return rc;
}

int infl_cmd_sensitivity(int argc, char **argv)
{
    return infl_cmd_sensitivity_in(argc, argv, NULL);
}

int infl_cmd_sensitivity_in(int argc, char **argv, const infl_cluster *cluster)
{
    sens_options o = {.common = {.output = "sensitivity.h5", .cluster = cluster}, .top = 10};
    infl_error err;
    infl_error_init(&err);
    infl_status rc = parse_sens_options(argc, argv, &o, &err);
    if (rc == INFL_OK && o.common.next == INFL_CLI_GO) {
        if (o.common.n_args > 1)
            rc = infl_cli_fail(&err, INFL_EARG, "sensitivity takes one scenario");
        else if (!infl_cli_sets_add_trials_seed(&o.common.sets, o.common.trials, o.common.seed))
            rc = infl_cli_fail(&err, INFL_ENOMEM, "out of memory");
        else
            rc = sensitivity(&o, &err);
    }
    int code = infl_cli_end(&o.common, rc, &err, usage);
    free(o.factor_specs);
    free(o.is_set);
    infl_error_destroy(&err);
    infl_cli_common_destroy(&o.common);
    return code;
}
