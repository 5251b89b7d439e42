/*
 * Checkpoints through the engine: a run stopped after its first round saves
 * one (kept trials and streaming tallies), it loads back with the scenario
 * source it was given, a resumed run equals an uninterrupted one bit for bit
 * with 1 and 2 threads, a checkpoint of another run is refused, and files
 * that are truncated, bit-flipped, empty or not checkpoints are refused with
 * a message.
 */
#include "check.h"
#include "engine_outcome.h"
#include "same_results.h"
#include "influsim/checkpoint.h"
#include "influsim/engine.h"
#include "influsim/scenario.h"

#include <unistd.h>

/* More trials than one round of 1 thread (64 blocks), and a small budget
 * for quick trials. */
static const char *SETS[] = {"trials=10000", "budget=2000"};

static char *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc(size > 0 ? (size_t)size : 1);
    *n = data ? fread(data, 1, (size_t)size, f) : 0;
    fclose(f);
    return data;
}

static void write_all(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    CHECK_INT(fwrite(data, 1, n, f), n);
    fclose(f);
}

/* Stops a run after its first round with a checkpoint at ck, loads it,
 * checks what it says, and resumes it with 1 and 2 threads against `full`. */
static void round_trip(const infl_scenario *sc, const char *ck, bool no_trials, const outcome *full)
{
    volatile sig_atomic_t stop = 1;
    infl_checkpoint_source src = {
        .origin = "small.yaml", .text = "name: x\n", .sets = SETS, .n_sets = 2};
    infl_error warnings;
    infl_error_init(&warnings);
    infl_run_options opt = {.threads = 1,
                            .no_trials = no_trials,
                            .stop = &stop,
                            .checkpoint_path = ck,
                            .checkpoint_seconds = 1e9,
                            .checkpoint_source = &src,
                            .warnings = &warnings};
    outcome part;
    CHECK_INT(run(sc, &opt, &part), INFL_OK);
    CHECK(part.stats.stopped);
    CHECK_INT(part.stats.trials_done, 64 * INFL_ENGINE_BLOCK);
    CHECK_INT(part.stats.checkpoints, 1);
    CHECK_INT(part.stats.checkpoint_failures, 0);
    CHECK_INT(warnings.status, INFL_OK);
    outcome_free(&part);

    infl_error err;
    infl_error_init(&err);
    infl_checkpoint *cp = NULL;
    CHECK_INT(infl_checkpoint_load(ck, &cp, &err), INFL_OK);
    if (cp == NULL) {
        fprintf(stderr, "%s", infl_error_message(&err));
        infl_error_destroy(&err);
        return;
    }
    CHECK_INT(infl_checkpoint_trials_done(cp), 64 * INFL_ENGINE_BLOCK);
    CHECK_INT(infl_checkpoint_no_trials(cp), no_trials);
    infl_checkpoint_source back = infl_checkpoint_scenario(cp);
    CHECK(strcmp(back.origin, src.origin) == 0);
    CHECK(strcmp(back.text, src.text) == 0);
    CHECK_INT(back.n_sets, 2);
    CHECK(back.n_sets == 2 && strcmp(back.sets[0], SETS[0]) == 0 &&
          strcmp(back.sets[1], SETS[1]) == 0);

    for (unsigned threads = 1; threads <= 2; threads++) {
        outcome rest;
        infl_run_options ropt = {.threads = threads, .no_trials = no_trials, .resume = cp};
        CHECK_INT(run(sc, &ropt, &rest), INFL_OK);
        CHECK(!rest.stats.stopped);
        CHECK_INT(rest.stats.trials_done, full->stats.trials_done);
        CHECK_INT(rest.stats.hires_simulated, full->stats.hires_simulated);
        int same = no_trials ? same_summary(rest.sm, full->sm) : same_trials(rest.tr, full->tr);
        if (!same)
            fprintf(stderr, "resumed (%s, %u threads) differs from uninterrupted\n",
                    no_trials ? "streaming" : "kept trials", threads);
        CHECK(same);
        outcome_free(&rest);
    }

    /* A checkpoint of another run (another seed) is refused. */
    infl_scenario *other = NULL;
    const char *sets[] = {"trials=10000", "budget=2000", "seed=7"};
    const char *path = getenv("INFLUSIM_SOURCE_DIR");
    char file[1024];
    snprintf(file, sizeof file, "%s/tests/scenarios/small.yaml", path);
    CHECK_INT(infl_scenario_load_file(file, sets, 3, &other, &err), INFL_OK);
    if (other) {
        outcome bad;
        infl_trials *tr = NULL;
        infl_summary *sm = NULL;
        infl_error_clear(&err);
        CHECK_INT(infl_engine_run(other, &(infl_run_options){.no_trials = no_trials, .resume = cp},
                                  &tr, &sm, &bad.stats, &err),
                  INFL_EINVAL);
        CHECK(tr == NULL && sm == NULL);
        CHECK_CONTAINS(infl_error_message(&err), "the checkpoint does not match this run");
    }
    infl_scenario_free(other);
    infl_checkpoint_free(cp);
    infl_error_destroy(&err);
    infl_error_destroy(&warnings);
}

/* A damaged copy of the checkpoint at ck is refused with a message. */
static void refused(const char *dir, const char *label, const char *data, size_t n,
                    const char *message)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/damaged", dir);
    write_all(path, data, n);
    infl_error err;
    infl_error_init(&err);
    infl_checkpoint *cp = NULL;
    infl_status rc = infl_checkpoint_load(path, &cp, &err);
    if (rc != INFL_EFORMAT)
        fprintf(stderr, "a checkpoint %s: status %d\n", label, (int)rc);
    CHECK_INT(rc, INFL_EFORMAT);
    CHECK(cp == NULL);
    CHECK_CONTAINS(infl_error_message(&err), message);
    infl_checkpoint_free(cp);
    infl_error_destroy(&err);
    unlink(path);
}

static void damaged(const char *dir, const char *ck)
{
    size_t n = 0;
    char *data = read_all(ck, &n);
    CHECK(data != NULL && n > 64);
    if (data == NULL || n <= 64) {
        free(data);
        return;
    }
    refused(dir, "cut in half", data, n / 2, "cut short");
    refused(dir, "empty", data, 0, "not an influsim checkpoint");
    data[n - 5] ^= 0x10; /* in the last market draws: only the CRC can tell */
    refused(dir, "with a bit flipped", data, n, "its checksum does not match");
    data[n - 5] ^= 0x10;
    data[0] = 'X';
    refused(dir, "with a wrong magic", data, n, "not an influsim checkpoint");
    const char yaml[] = "name: x\nbudget: 1\n";
    refused(dir, "of YAML", yaml, sizeof yaml - 1, "not an influsim checkpoint");
    free(data);

    infl_error err;
    infl_error_init(&err);
    infl_checkpoint *cp = NULL;
    char missing[1024];
    snprintf(missing, sizeof missing, "%s/none", dir);
    CHECK_INT(infl_checkpoint_load(missing, &cp, &err), INFL_EIO);
    CHECK_CONTAINS(infl_error_message(&err), "cannot open the checkpoint");
    infl_error_destroy(&err);
}

int main(void)
{
    const char *src = getenv("INFLUSIM_SOURCE_DIR");
    CHECK(src != NULL);
    if (src == NULL)
        return check_exit();
    char file[1024], dir[] = "/tmp/test_checkpoint.XXXXXX", ck[1100];
    snprintf(file, sizeof file, "%s/tests/scenarios/small.yaml", src);
    CHECK(mkdtemp(dir) != NULL);
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    CHECK_INT(infl_scenario_load_file(file, SETS, 2, &sc, &err), INFL_OK);
    if (sc == NULL) {
        fprintf(stderr, "%s", infl_error_message(&err));
        return check_exit();
    }
    for (int no_trials = 0; no_trials <= 1; no_trials++) {
        outcome full;
        CHECK_INT(run(sc, &(infl_run_options){.threads = 1, .no_trials = no_trials}, &full),
                  INFL_OK);
        CHECK_INT(full.stats.trials_done, 10000);
        snprintf(ck, sizeof ck, "%s/%s.checkpoint", dir, no_trials ? "streaming" : "kept");
        round_trip(sc, ck, no_trials, &full);
        if (!no_trials)
            damaged(dir, ck);
        unlink(ck);
        outcome_free(&full);
    }
    infl_scenario_free(sc);
    infl_error_destroy(&err);
    CHECK_INT(rmdir(dir), 0);
    return check_exit();
}
