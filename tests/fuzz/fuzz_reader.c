/*
 * fuzz_reader.c — a libFuzzer target over the results file readers
 * (sim/h5/reader.c, sweep_reader.c, select_reader.c, sensitivity_reader.c,
 * report_reader.c) and the report that renders what they read (sim/report/)
 * and what stands between them and the program: the guarded child (guard.c) and the
 * decoding of its reply (wire.c).
 *
 * Each input is written to a file and given to infl_h5_read_kind and, unless
 * that found it damaged, to every reader, whatever the kind says: a reader must either succeed with
 * a whole result or fail with a message and a status of a file that cannot be read (INFL_EFORMAT,
 * or INFL_EIO). The same bytes are also decoded, in this process, as a reader's reply (metadata and
 * a summary): decoding must fail cleanly or give a consistent summary, and
 * as the text of a scenario file whose comments the report's assumptions
 * table reads (assumptions.c). Besides those checks (the
 * target aborts), the sanitizers catch any crash, leak or overflow in this process.
 *
 * The child processes run the HDF5 library on the input; their coverage
 * stays in the child and is not seen by libFuzzer, so mutations of the
 * HDF5 side are guided only by the seed corpus (tests/fuzz/reader-corpus:
 * small files of each kind) and the parent's own code. A crash of the HDF5
 * library is the guard's business (it reports the file as damaged), not a
 * failure here; so is an AddressSanitizer report from a child (HDF5, not
 * instrumented, passing a wild length to an intercepted memcpy), which ends
 * the child and is printed on stderr, but does not fail the target.
 *
 * Built with clang -fsanitize=fuzzer (tests/run.sh); replay.c runs the kept
 * inputs through the same function in the ordinary test suite.
 */
#include "h5/report_reader.h"
#include "h5/wire.h"
#include "influsim/h5.h"
#include "influsim/report.h"
#include "report/report.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const infl_error *err)
{
    fprintf(stderr, "fuzz_reader: %s\n%s", what, err ? infl_error_message(err) : "");
    abort();
}

/* A failure must say why, with a status of an unreadable file. */
static void check_failure(const char *reader, infl_status rc, const infl_error *err)
{
    if (rc == INFL_OK)
        return;
    if ((rc != INFL_EFORMAT && rc != INFL_EIO && rc != INFL_ENOMEM) || err->count == 0) {
        char what[128];
        snprintf(what, sizeof what, "%s failed with status %d and %zu messages", reader, (int)rc,
                 err->count);
        fail(what, err);
    }
}

static void check_summary(const infl_summary *sm)
{
    if (sm->n_strategies == 0 || sm->n_metrics == 0 || sm->strategy_names == NULL ||
        sm->metrics == NULL || sm->stats == NULL)
        fail("a summary without strategies or metrics", NULL);
    for (size_t s = 0; s < sm->n_strategies; s++)
        if (sm->strategy_names[s] == NULL)
            fail("a summary with a strategy without a name", NULL);
    for (size_t m = 0; m < sm->n_metrics; m++)
        if (sm->metrics[m].name == NULL || sm->metrics[m].units == NULL ||
            sm->metrics[m].long_name == NULL)
            fail("a summary with a metric without its description", NULL);
}

static void read_file(const char *path)
{
    infl_error err;
    infl_error_init(&err);
    infl_h5_kind kind;
    infl_status rc = infl_h5_read_kind(path, &kind, &err);
    check_failure("infl_h5_read_kind", rc, &err);
    /* A file that crashed or hung the kind's reader would do the same to
     * every other (4 s each): they are tried on the files that open. */
    if (rc != INFL_OK && strstr(infl_error_message(&err), ": damaged (") != NULL) {
        infl_error_destroy(&err);
        return;
    }
    infl_error_clear(&err);

    infl_summary *sm = NULL;
    infl_h5_meta meta;
    rc = infl_h5_read_summary(path, &sm, &meta, &err);
    check_failure("infl_h5_read_summary", rc, &err);
    if (rc == INFL_OK) {
        check_summary(sm);
        if (meta.scenario_name == NULL || meta.currency == NULL)
            fail("metadata without a scenario name or currency", NULL);
        infl_summary_free(sm);
        infl_h5_meta_destroy(&meta);
    }
    infl_error_clear(&err);

    infl_h5_sweep sw;
    rc = infl_h5_read_sweep(path, &sw, &err);
    check_failure("infl_h5_read_sweep", rc, &err);
    if (rc == INFL_OK) {
        size_t np = 1;
        for (size_t a = 0; a < sw.n_axes; a++)
            np *= sw.axes[a].n;
        if (sw.n_axes == 0 || np != sw.n_points)
            fail("a sweep whose points are not its grid", NULL);
        for (size_t p = 0; p < sw.n_points; p++)
            check_summary(sw.points[p]);
    }
    infl_h5_sweep_destroy(&sw);
    infl_error_clear(&err);

    infl_select_result *sel = NULL;
    rc = infl_h5_read_select(path, &sel, &meta, &err);
    check_failure("infl_h5_read_select", rc, &err);
    if (rc == INFL_OK) {
        if (sel->n_creators == 0 || sel->n_plan > sel->n_creators)
            fail("a select's answer with a plan not in its roster", NULL);
        infl_select_result_free(sel);
        infl_h5_meta_destroy(&meta);
    }
    infl_error_clear(&err);

    infl_sens_result sens;
    rc = infl_h5_read_sensitivity(path, &sens, &meta, &err);
    check_failure("infl_h5_read_sensitivity", rc, &err);
    if (rc == INFL_OK) {
        /* What sens_report.c relies on. */
        bool fine =
            sens.n_factors > 0 && sens.n_strategies >= 2 && sens.n_runs > 0 &&
            sens.compare_a < sens.n_strategies && sens.compare_b < sens.n_strategies &&
            sens.n_targets == sens.n_strategies * INFL_SENS_N_OUTPUTS + INFL_SENS_N_DECISIONS;
        for (size_t i = 0; fine && i < sens.n_runs; i++)
            fine = sens.best[i] < sens.n_strategies;
        for (size_t i = 0; fine && i < sens.n_flips; i++)
            fine = sens.flips[i].factor < sens.n_factors &&
                   sens.flips[i].from < sens.n_strategies && sens.flips[i].to < sens.n_strategies;
        if (!fine)
            fail("a sensitivity study whose indices point outside it", NULL);
        infl_sens_result_destroy(&sens);
        infl_h5_meta_destroy(&meta);
    }
    infl_error_clear(&err);

    infl__h5_report_extras x;
    rc = infl__h5_read_report_extras(path, &x, &err);
    check_failure("infl__h5_read_report_extras", rc, &err);
    if (rc == INFL_OK) {
        for (size_t s = 0; s < x.n_strategies; s++)
            if (x.strategies[s] == NULL)
                fail("report extras with a strategy without a name", NULL);
        if (x.has_optimize && (x.opt_n_tiers == 0 || x.opt_tiers == NULL))
            fail("report extras of an optimiser without tiers", NULL);
        infl__h5_report_extras_destroy(&x);
    }
    infl_error_clear(&err);

    /* The page, whatever the file: a whole page or a failure that says why. */
    char *html = NULL;
    rc = infl_report_render(path, &html, &err);
    check_failure("infl_report_render", rc, &err);
    if (rc == INFL_OK &&
        (html == NULL || strstr(html, "</html>") == NULL || strstr(html, "<script") != NULL))
        fail("a report that is not a whole page without script", NULL);
    free(html);
    infl_error_destroy(&err);
}

/* The bytes as a scenario file's text and as resolved YAML: the table is
 * rendered, escaped, whatever they hold. */
static void assumptions(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return;
    memcpy(text, data, size);
    text[size] = '\0';
    infl__strbuf b = {0};
    infl_error err;
    infl_error_init(&err);
    infl__report_assumptions(&b, text, text, &err);
    char *html = infl__strbuf_take(&b);
    if (html != NULL && strstr(html, "<script") != NULL)
        fail("the assumptions' table let a tag through", NULL);
    free(html);
    infl_error_destroy(&err);
    free(text);
}

static void decode_reply(const uint8_t *data, size_t size)
{
    infl__wire w;
    infl__wire_over(&w, data, size);
    infl_h5_meta meta;
    infl_summary *sm = NULL;
    if (infl__wire_get_meta(&w, &meta) && infl__wire_get_summary(&w, &sm))
        check_summary(sm);
    infl_summary_free(sm);
    infl_h5_meta_destroy(&meta);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (path[0] == '\0')
        snprintf(path, sizeof path, "/tmp/influsim-fuzz-reader-%ld.h5", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return 0;
    bool written = fwrite(data, 1, size, f) == size;
    if (fclose(f) != 0 || !written) {
        unlink(path);
        return 0;
    }
    read_file(path);
    unlink(path);
    decode_reply(data, size);
    assumptions(data, size);
    return 0;
}
