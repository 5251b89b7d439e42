/*
 * args.c — small helpers shared by the subcommands: error printing, status
 * to exit code, number parsing and the --set list.
 */
#include "cli.h"

#include "influsim/scenario.h"

#include <ctype.h>
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

/* Parses a whole number in [lo, hi]; false, with the message in err, if not. */
static bool parse_u64(const char *option, const char *text, uint64_t lo, uint64_t hi, uint64_t *out,
                      infl_error *err)
{
    char *end = NULL;
    errno = 0;
    if (text == NULL || !isdigit((unsigned char)text[0])) {
        infl_error_add(err, INFL_EARG, "influsim: error: %s: expected a whole number (got '%s')",
                       option, text ? text : "");
        return false;
    }
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0' || errno == ERANGE || v < lo || v > hi) {
        infl_error_add(err, INFL_EARG,
                       "influsim: error: %s: expected a whole number from %llu to %llu (got '%s')",
                       option, (unsigned long long)lo, (unsigned long long)hi, text);
        return false;
    }
    *out = v;
    return true;
}

bool infl_cli_parse_u64(const char *option, const char *text, uint64_t lo, uint64_t hi,
                        uint64_t *out)
{
    infl_error err;
    infl_error_init(&err);
    bool ok = parse_u64(option, text, lo, hi, out, &err);
    if (!ok)
        infl_cli_print_error(&err);
    infl_error_destroy(&err);
    return ok;
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

infl_cli_option infl_cli_scenario_option(int opt, const char *arg, uint64_t min_trials,
                                         infl_cli_sets *sets, const char **trials,
                                         const char **seed, uint64_t *threads, infl_error *err)
{
    uint64_t value;
    bool ok;
    switch (opt) {
    case 'n':
        *trials = arg;
        ok = parse_u64("--trials", arg, min_trials, UINT64_C(1) << 48, &value, err);
        break;
    case INFL_CLI_OPT_SEED:
        *seed = arg;
        ok = parse_u64("--seed", arg, 0, UINT64_MAX, &value, err);
        break;
    case 't':
        ok = parse_u64("--threads", arg, 1, 4096, threads, err);
        break;
    case 's':
        ok = infl_cli_sets_add(sets, arg, false);
        if (!ok)
            infl_error_add(err, INFL_ENOMEM, "influsim: error: out of memory");
        break;
    default:
        return INFL_CLI_OPTION_OTHER;
    }
    return ok ? INFL_CLI_OPTION_TAKEN : INFL_CLI_OPTION_BAD;
}

bool infl_cli_sets_add_trials_seed(infl_cli_sets *sets, const char *trials, const char *seed)
{
    return (trials == NULL || infl_cli_sets_add_override(sets, "trials", trials)) &&
           (seed == NULL || infl_cli_sets_add_override(sets, "seed", seed));
}
