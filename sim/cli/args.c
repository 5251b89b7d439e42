/*
 * args.c — what the subcommands share: the getopt loop with the options
 * every simulating command takes, the end of a command (usage, error
 * printing, status to exit code), number parsing and the --set list.
 */
#include "cli.h"

#include "influsim/scenario.h"

#include <ctype.h>
#include <getopt.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void infl_cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("influsim: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void infl_cli_print_error(const infl_error *err)
{
    const char *text = infl_error_message(err);
    if (*text == '\0') {
        fprintf(stderr, "influsim: error: %s\n", infl_status_str(err->status));
        return;
    }
    fputs(text, stderr);
    if (err->count > 1)
        fprintf(stderr, "influsim: %zu errors\n", err->count);
}

int infl_cli_exit_code(infl_status status)
{
    switch (status) {
    case INFL_OK:
        return INFL_EXIT_OK;
    case INFL_ESYNTAX:
    case INFL_EINVAL:
    case INFL_EARG:
        return INFL_EXIT_USAGE;
    default:
        return INFL_EXIT_FAILURE;
    }
}

infl_status infl_cli_fail(infl_error *err, infl_status status, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *text = n < 0 ? NULL : malloc((size_t)n + 1);
    if (text != NULL) {
        vsnprintf(text, (size_t)n + 1, fmt, ap2);
        infl_error_add(err, status, "influsim: error: %s", text);
    } else {
        infl_error_add(err, status, "influsim: error: out of memory");
    }
    free(text);
    va_end(ap2);
    va_end(ap);
    return status;
}

infl_status infl_cli_parse_u64(const char *option, const char *text, uint64_t lo, uint64_t hi,
                               uint64_t *out, infl_error *err)
{
    char *end = NULL;
    errno = 0;
    if (text == NULL || !isdigit((unsigned char)text[0]))
        return infl_cli_fail(err, INFL_EARG, "%s: expected a whole number (got '%s')", option,
                             text ? text : "");
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0' || errno == ERANGE || v < lo || v > hi)
        return infl_cli_fail(err, INFL_EARG,
                             "%s: expected a whole number from %llu to %llu (got '%s')", option,
                             (unsigned long long)lo, (unsigned long long)hi, text);
    *out = v;
    return INFL_OK;
}

/* No errno check: an overflow or underflow falls outside (lo, hi) or is
 * taken as the nearest value, as strtod gives it. */
bool infl_cli_parse_between(const char *text, double lo, double hi, double *out)
{
    char *end = NULL;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !(v > lo && v < hi))
        return false;
    *out = v;
    return true;
}

bool infl_cli_sets_add(infl_cli_sets *sets, const char *item, bool owned)
{
    if (sets->count == sets->capacity) {
        size_t cap = sets->capacity ? sets->capacity * 2 : 8;
        const char **items = realloc(sets->items, cap * sizeof *items);
        if (items == NULL)
            return false;
        sets->items = items;
        bool *own = realloc(sets->owned, cap * sizeof *own);
        if (own == NULL)
            return false;
        sets->owned = own;
        sets->capacity = cap;
    }
    sets->items[sets->count] = item;
    sets->owned[sets->count] = owned;
    sets->count++;
    return true;
}

void infl_cli_sets_destroy(infl_cli_sets *sets)
{
    for (size_t i = 0; i < sets->count; i++)
        if (sets->owned[i])
            free((void *)sets->items[i]);
    free(sets->items);
    free(sets->owned);
    memset(sets, 0, sizeof *sets);
}

infl_status infl_cli_check_target(const infl_cli_common *c, infl_error *err)
{
    infl_status rc =
        infl_cluster_is_root(c->cluster) ? infl_h5_check_target(c->output, c->force, err) : INFL_OK;
    return infl_cluster_agree(c->cluster, rc, err);
}

/* Loads the scenario once; every study derives its points from it
 * (infl_scenario_derive), so the file is read only here. */
infl_status infl_cli_load(const char *path, const infl_cli_sets *sets, infl_scenario **sc,
                          infl_error *err)
{
    return path ? infl_scenario_load_file(path, sets->items, sets->count, sc, err)
                : infl_scenario_load_text(infl_default_scenario_yaml, infl_default_scenario_size,
                                          INFL_DEFAULT_SCENARIO_ORIGIN, sets->items, sets->count,
                                          sc, err);
}

/* Builds an owned "key=value" override from an option's argument. */
bool infl_cli_sets_add_override(infl_cli_sets *sets, const char *key, const char *value)
{
    size_t n = strlen(key) + strlen(value) + 2;
    char *s = malloc(n);
    if (s == NULL)
        return false;
    snprintf(s, n, "%s=%s", key, value);
    if (!infl_cli_sets_add(sets, s, true)) {
        free(s);
        return false;
    }
    return true;
}

infl_cli_option infl_cli_taken(infl_status rc)
{
    return rc == INFL_OK ? INFL_CLI_OPTION_TAKEN : INFL_CLI_OPTION_BAD;
}

/* One of the options every simulating command takes: OTHER if not one. */
static infl_cli_option scenario_option(int opt, const char *arg, uint64_t min_trials,
                                       infl_cli_common *c, infl_error *err)
{
    uint64_t value;
    infl_status rc;
    switch (opt) {
    case 'n':
        c->trials = arg;
        rc = infl_cli_parse_u64("--trials", arg, min_trials, UINT64_C(1) << 48, &value, err);
        break;
    case INFL_CLI_OPT_SEED:
        c->seed = arg;
        rc = infl_cli_parse_u64("--seed", arg, 0, UINT64_MAX, &value, err);
        break;
    case 't':
        rc = infl_cli_parse_u64("--threads", arg, 1, 4096, &c->threads, err);
        break;
    case 's':
        rc = infl_cli_sets_add(&c->sets, arg, false)
                 ? INFL_OK
                 : infl_error_add(err, INFL_ENOMEM, "influsim: error: out of memory");
        break;
    case 'o':
        c->output = arg;
        return INFL_CLI_OPTION_TAKEN;
    case 'q':
        c->quiet = true;
        return INFL_CLI_OPTION_TAKEN;
    case INFL_CLI_OPT_FORCE:
        c->force = true;
        return INFL_CLI_OPTION_TAKEN;
    default:
        return INFL_CLI_OPTION_OTHER;
    }
    return infl_cli_taken(rc);
}

infl_status infl_cli_parse(int argc, char **argv, const char *short_opts,
                           const struct option *long_opts, uint64_t min_trials, infl_cli_common *c,
                           infl_cli_own_fn own, void *opts, infl_error *err)
{
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
        infl_cli_option taken = scenario_option(opt, optarg, min_trials, c, err);
        if (taken == INFL_CLI_OPTION_BAD)
            return err->status;
        if (taken == INFL_CLI_OPTION_TAKEN)
            continue;
        if (opt == 'h') {
            c->next = INFL_CLI_HELP;
            return INFL_OK;
        }
        taken = opt == '?' ? INFL_CLI_OPTION_OTHER : own(opts, opt, optarg, err);
        if (taken == INFL_CLI_OPTION_BAD)
            return INFL_EARG; /* whatever failed inside: a bad command line */
        if (taken == INFL_CLI_OPTION_OTHER) {
            c->next = INFL_CLI_UNKNOWN;
            return INFL_OK;
        }
    }
    c->args = argv + optind;
    c->n_args = argc - optind;
    return INFL_OK;
}

int infl_cli_end(const infl_cli_common *c, infl_status rc, const infl_error *err,
                 void (*usage)(FILE *out))
{
    if (rc != INFL_OK) {
        infl_cli_print_error(err);
        return infl_cli_exit_code(rc);
    }
    if (c->next == INFL_CLI_HELP) {
        usage(stdout);
        return INFL_EXIT_OK;
    }
    if (c->next == INFL_CLI_UNKNOWN) {
        usage(stderr);
        return INFL_EXIT_USAGE;
    }
    return INFL_EXIT_OK;
}

void infl_cli_common_destroy(infl_cli_common *c)
{
    infl_cli_sets_destroy(&c->sets);
}

bool infl_cli_sets_add_trials_seed(infl_cli_sets *sets, const char *trials, const char *seed)
{
    return (trials == NULL || infl_cli_sets_add_override(sets, "trials", trials)) &&
           (seed == NULL || infl_cli_sets_add_override(sets, "seed", seed));
}

/* The most shards a run or sweep may be split into. */
#define MAX_SHARDS (UINT64_C(1) << 20)

/* --shard I/N (I counted from 1 on the command line, from 0 in the library). */
infl_status infl_cli_parse_shard(const char *arg, uint64_t *index, uint64_t *count, infl_error *err)
{
    const char *slash = strchr(arg, '/');
    uint64_t i = 0, n = 0;
    char first[32];
    size_t len = slash ? (size_t)(slash - arg) : 0;
    infl_error quiet;
    infl_error_init(&quiet);
    bool ok = slash != NULL && len > 0 && len < sizeof first;
    if (ok) {
        memcpy(first, arg, len);
        first[len] = '\0';
        ok = infl_cli_parse_u64("--shard", first, 1, MAX_SHARDS, &i, &quiet) == INFL_OK &&
             infl_cli_parse_u64("--shard", slash + 1, 1, MAX_SHARDS, &n, &quiet) == INFL_OK &&
             i <= n;
    }
    infl_error_destroy(&quiet);
    if (!ok)
        return infl_cli_fail(err, INFL_EARG,
                             "--shard: expected I/N with 1 <= I <= N <= %llu, e.g. 3/8 (got '%s')",
                             (unsigned long long)MAX_SHARDS, arg);
    *index = i - 1;
    *count = n;
    return INFL_OK;
}
