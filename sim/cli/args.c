/*
 * args.c — small helpers shared by the subcommands: error printing, status
 * to exit code, number parsing and the --set list.
 */
#include "cli.h"

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

bool infl_cli_parse_u64(const char *option, const char *text, uint64_t lo, uint64_t hi,
                        uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    if (text == NULL || !isdigit((unsigned char)text[0])) {
        infl_cli_error("%s: expected a whole number (got '%s')", option, text ? text : "");
        return false;
    }
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0' || errno == ERANGE || v < lo || v > hi) {
        infl_cli_error("%s: expected a whole number from %llu to %llu (got '%s')", option,
                       (unsigned long long)lo, (unsigned long long)hi, text);
        return false;
    }
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
