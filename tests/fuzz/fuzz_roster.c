/*
 * fuzz_roster.c — a libFuzzer target over the roster file readers: every
 * input is read as CSV (roster_csv) and as Modash-style JSON (roster_json),
 * and whatever records come out go through roster_import twice, with the
 * default units and with every unit declared the other way. Besides not
 * crashing, hanging or leaking (the sanitizers' part), a failure must come
 * with a message, and an import that succeeds must give one creator, with a
 * handle, per record; otherwise the target aborts.
 *
 * Built with clang -fsanitize=fuzzer (tests/run.sh); replay.c runs the kept
 * inputs (tests/fuzz/roster-corpus) through the same function in the
 * ordinary test suite.
 */
#include "scenario/roster_csv.h"
#include "scenario/roster_import.h"
#include "scenario/roster_json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void import_both(const infl_node *records)
{
    for (int variant = 0; variant < 2; variant++) {
        infl__roster_settings s;
        infl__roster_settings_init(&s);
        if (variant == 1) {
            s.engagement_rate = INFL_ROSTER_UNIT_PERCENT;
            s.audience = INFL_ROSTER_UNIT_FRACTION;
            s.credibility = INFL_ROSTER_UNIT_SCORE;
            s.default_tier = "micro";
            s.ignore[s.n_ignore++] = "email";
        }
        infl_node *out = NULL;
        infl_error err;
        infl_error_init(&err);
        infl_status rc = infl__roster_import(records, &s, &out, &err);
        if (rc != INFL_OK && err.count == 0) {
            fprintf(stderr, "roster_import failed without a message\n");
            abort();
        }
        if (rc == INFL_OK) {
            if (out == NULL || out->count != records->count) {
                fprintf(stderr, "roster_import lost creators\n");
                abort();
            }
            for (size_t i = 0; i < out->count; i++)
                if (infl__yaml_tree_get(out->items[i], "handle") == NULL) {
                    fprintf(stderr, "a creator without a handle\n");
                    abort();
                }
        }
        infl__yaml_tree_free(out);
        infl_error_destroy(&err);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int json = 0; json < 2; json++) {
        infl_node *records = NULL;
        infl_error err;
        infl_error_init(&err);
        infl_status rc =
            json ? infl__roster_json_parse((const char *)data, size, "fuzz.json", &records, &err)
                 : infl__roster_csv_parse((const char *)data, size, "fuzz.csv", &records, &err);
        if (rc != INFL_OK && (err.count == 0 || records != NULL)) {
            fprintf(stderr, "a roster reader failed without a message, or left a tree\n");
            abort();
        }
        if (rc == INFL_OK)
            import_both(records);
        infl__yaml_tree_free(records);
        infl_error_destroy(&err);
    }
    return 0;
}
