/*
 * fuzz_scenario.c — a libFuzzer target over the scenario loader: YAML
 * parsing, validation and --set overrides.
 *
 * Input: scenario text, optionally followed by a line "#--set" and then one
 * override per line ("key.path=value"), where a line that starts with '@' is
 * instead a sensitivity factor ("@KEY=LO:HI[:log]", or "@assumptions[:P%]"
 * for --factors). Besides not crashing, hanging or leaking (the sanitizers'
 * part), a scenario that loads must give resolved YAML that loads back to the
 * very same resolved YAML (a fixed point), and every factor the specs give
 * must have LO < HI, its ends as its values at 0 and 1, and a scenario that
 * loads at either end (what infl_factor_parse and infl_factor_assumptions
 * promise); otherwise the target aborts, which libFuzzer reports as a crash.
 *
 * Built with clang -fsanitize=fuzzer (tests/run.sh); replay.c runs the kept
 * inputs (tests/fuzz/corpus, tests/fuzz/regressions) through the same function
 * in the ordinary test suite.
 */
#define _GNU_SOURCE /* memmem */
#include "influsim/factor.h"
#include "influsim/scenario.h"

#include <math.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_SETS = 16 };

/* The factors of specs[0..n) against sc: each one parsed must keep the
 * promises above. At most 4 derived loads per factor and 8 factors checked,
 * so one input stays quick. */
static void check_factors(const infl_scenario *sc, const char *const *specs, size_t n)
{
    infl_factor_list list = {0};
    infl_error err;
    infl_error_init(&err);
    for (size_t i = 0; i < n; i++) {
        const char *spec = specs[i] + 1;
        if (strncmp(spec, "assumptions", strlen("assumptions")) == 0)
            infl_factor_assumptions(sc, spec, &list, &err);
        else
            infl_factor_parse(sc, spec, &list, &err);
        infl_error_clear(&err);
    }
    for (size_t f = 0; f < list.n && f < 8; f++) {
        const infl_factor *x = &list.items[f];
        if (!(x->lo < x->hi) || !isfinite(x->lo) || !isfinite(x->hi) ||
            infl_factor_value(x, 0) != x->lo || infl_factor_value(x, 1) != x->hi) {
            fprintf(stderr, "factor %s: bad range [%.17g, %.17g]\n", x->key, x->lo, x->hi);
            abort();
        }
        for (int end = 0; end <= 1; end++) {
            char over[1024];
            if (!infl_factor_override(x, end ? x->hi : x->lo, over, sizeof over))
                continue;
            const char *one[] = {over};
            infl_scenario *at = NULL;
            if (infl_scenario_derive(sc, one, 1, &at, &err) != INFL_OK) {
                fprintf(stderr, "factor %s: the scenario does not load at %s:\n%s", x->key, over,
                        infl_error_message(&err));
                abort();
            }
            infl_scenario_free(at);
        }
    }
    infl_factor_list_destroy(&list);
    infl_error_destroy(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Own, NUL-terminated copy: --set values are C strings. */
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    size_t yaml_len = size;
    const char *sets[MAX_SETS], *factors[MAX_SETS];
    size_t n_sets = 0, n_factors = 0;
    char *marker = memchr(text, '#', size) ? strstr(text, "\n#--set\n") : NULL;
    if (marker != NULL) {
        yaml_len = (size_t)(marker - text) + 1;
        char *line = marker + strlen("\n#--set\n");
        while (n_sets < MAX_SETS && line < text + size) {
            char *end = strchr(line, '\n');
            if (end != NULL)
                *end = '\0';
            if (*line == '@') {
                if (n_factors < MAX_SETS)
                    factors[n_factors++] = line;
            } else if (*line != '\0') {
                sets[n_sets++] = line;
            }
            if (end == NULL)
                break;
            line = end + 1;
        }
    }
    /* `roster_file:` would have the fuzzer read whatever path it writes
     * (a FIFO, /dev/zero); the roster readers have their own target
     * (fuzz_roster.c), so such inputs are skipped here. */
    if (memmem(text, size, "roster_file", strlen("roster_file")) != NULL) {
        free(text);
        return 0;
    }
    infl_scenario *sc = NULL;
    infl_error err;
    infl_error_init(&err);
    if (infl_scenario_load_text(text, yaml_len, "fuzz.yaml", sets, n_sets, &sc, &err) == INFL_OK) {
        check_factors(sc, factors, n_factors);
        char *once = infl_scenario_resolved_yaml(sc);
        infl_scenario *again = NULL;
        infl_error err2;
        infl_error_init(&err2);
        if (once != NULL) {
            if (infl_scenario_load_text(once, strlen(once), "resolved.yaml", NULL, 0, &again,
                                        &err2) != INFL_OK) {
                fprintf(stderr, "resolved YAML does not load back:\n%s\n%s", once,
                        infl_error_message(&err2));
                abort();
            }
            char *twice = infl_scenario_resolved_yaml(again);
            if (twice != NULL && strcmp(once, twice) != 0) {
                fprintf(stderr, "resolved YAML is not a fixed point:\n%s\n---\n%s", once, twice);
                abort();
            }
            free(twice);
        }
        infl_scenario_free(again);
        infl_error_destroy(&err2);
        free(once);
    }
    infl_scenario_free(sc);
    infl_error_destroy(&err);
    free(text);
    return 0;
}
