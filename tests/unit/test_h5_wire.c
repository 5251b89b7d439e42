/*
 * Unit tests of the guarded readers' encoding (sim/h5/wire.c): a file's
 * metadata and a summary go through and come back equal; every prefix of an
 * encoded reply (a child killed mid-write) and every single-byte change of
 * it either decodes to a whole value or fails, without reading past the
 * buffer (AddressSanitizer checks that in the sanitized suite) and without
 * allocating more than the reply could hold; a count larger than the bytes
 * left fails before anything is allocated.
 */
#include "check.h"
#include "h5/wire.h"

#include <stdint.h>

static infl_summary *example(void)
{
    infl_summary *sm = calloc(1, sizeof *sm);
    sm->n_trials = 300;
    sm->n_strategies = 2;
    sm->n_metrics = 3;
    char *names[] = {"all-micro", "mix"};
    sm->strategy_names = infl_names_copy(names, 2);
    sm->metrics = calloc(3, sizeof *sm->metrics);
    const char *mn[] = {"conversions", "roi", "cost_per_conversion"};
    for (size_t m = 0; m < 3; m++) {
        sm->metrics[m].name = strdup(mn[m]);
        sm->metrics[m].units = strdup(m == 0 ? "1" : "EUR");
        sm->metrics[m].long_name = strdup("a metric");
        sm->metrics[m].integer = m == 0;
        sm->metrics[m].ratio = m > 0;
    }
    sm->stats = calloc(6, sizeof *sm->stats);
    for (size_t i = 0; i < 6; i++) {
        sm->stats[i].n = 300 - i;
        sm->stats[i].n_missing = i;
        sm->stats[i].mean = 1.5 * (double)i;
        sm->stats[i].q[8] = NAN;
        sm->stats[i].ratio_of_totals = -(double)i;
    }
    sm->p_greater = calloc(4, sizeof(double));
    sm->p_tie = calloc(4, sizeof(double));
    sm->mean_difference = calloc(4, sizeof(double));
    sm->se_difference = calloc(4, sizeof(double));
    sm->p_greater[1] = 0.25;
    sm->se_difference[3] = 7;
    return sm;
}

int main(void)
{
    infl_summary *sm = example();
    infl_h5_meta meta = {.scenario_name = strdup("small-test"),
                         .currency = strdup("EUR"),
                         .program_version = strdup("0.1"),
                         .created = strdup("2026-12-02T18:00:00Z"),
                         .seed = 424242,
                         .trials = 300,
                         .trials_done = 200,
                         .threads = 2,
                         .wall_seconds = 0.125,
                         .complete = false,
                         .format_version = 1,
                         .scenario_resolved = NULL};
    infl__wire w;
    infl__wire_init(&w);
    CHECK(infl__wire_put_meta(&w, &meta) && infl__wire_put_summary(&w, sm));

    infl__wire in;
    infl__wire_over(&in, w.data, w.len);
    infl_h5_meta back = {0};
    infl_summary *sb = NULL;
    CHECK(infl__wire_get_meta(&in, &back) && infl__wire_get_summary(&in, &sb) &&
          infl__wire_done(&in));
    CHECK(strcmp(back.scenario_name, "small-test") == 0 && strcmp(back.created, meta.created) == 0);
    CHECK(back.scenario_resolved == NULL && back.trials_done == 200 && !back.complete);
    CHECK(back.wall_seconds == 0.125 && back.seed == 424242 && back.format_version == 1);
    CHECK(sb != NULL && sb->n_strategies == 2 && sb->n_metrics == 3 && sb->n_trials == 300);
    if (sb != NULL) {
        CHECK(strcmp(sb->strategy_names[1], "mix") == 0);
        CHECK(strcmp(sb->metrics[2].name, "cost_per_conversion") == 0 && sb->metrics[2].ratio);
        CHECK(sb->metrics[0].integer && !sb->metrics[1].integer);
        CHECK(sb->stats[5].n == 295 && sb->stats[5].n_missing == 5 && sb->stats[5].mean == 7.5);
        CHECK(isnan(sb->stats[3].q[8]) && sb->stats[4].ratio_of_totals == -4);
        CHECK(sb->p_greater[1] == 0.25 && sb->se_difference[3] == 7);
    }
    infl_summary_free(sb);
    infl_h5_meta_destroy(&back);

    /* Every prefix fails (nothing is optional at the end). */
    size_t prefixes_failed = 0;
    for (size_t n = 0; n < w.len; n++) {
        infl__wire_over(&in, w.data, n);
        infl_summary *p = NULL;
        bool ok = infl__wire_get_meta(&in, &back) && infl__wire_get_summary(&in, &p) &&
                  infl__wire_done(&in);
        prefixes_failed += !ok;
        CHECK(ok || p == NULL);
        infl_summary_free(p);
        infl_h5_meta_destroy(&back);
    }
    CHECK_INT(prefixes_failed, w.len);

    /* Every byte changed: decodes or fails, never crashes. */
    unsigned char *copy = malloc(w.len);
    for (size_t i = 0; i < w.len; i++) {
        memcpy(copy, w.data, w.len);
        copy[i] ^= 0xA5;
        infl__wire_over(&in, copy, w.len);
        infl_summary *p = NULL;
        if (infl__wire_get_meta(&in, &back))
            infl__wire_get_summary(&in, &p);
        infl_summary_free(p);
        infl_h5_meta_destroy(&back);
    }
    free(copy);

    /* A count past the bytes left fails before allocating. */
    infl__wire big;
    infl__wire_init(&big);
    infl__wire_put_u64(&big, UINT64_MAX / 2);
    infl__wire_put_u64(&big, 0);
    infl__wire_over(&in, big.data, big.len);
    size_t n = 0;
    char **names = NULL;
    CHECK(!infl__wire_get_strs(&in, &n, &names) && names == NULL && n == 0 && in.bad);
    infl__wire_over(&in, big.data, big.len);
    char *s = NULL;
    CHECK(!infl__wire_get_str(&in, &s) && s == NULL);
    infl__wire_destroy(&big);

    infl__wire_destroy(&w);
    infl_summary_free(sm);
    infl_h5_meta_destroy(&meta);
    return check_exit();
}
