/*
 * Shards through the engine: a run split into N shards (N and the threads of
 * each shard drawn from a seeded generator, trial counts that end within a
 * unit and runs smaller than N units, so that some shards are empty), the
 * partial runs saved, loaded in a shuffled order, merged and resumed, equals
 * one run bit for bit, with kept trials and streaming; the shards' blocks
 * tile the run; a streaming checkpoint saved within a unit resumes exactly;
 * and merge refuses a missing shard, a duplicate, another run's part and a
 * checkpoint.
 */
#include "check.h"
#include "engine_outcome.h"
#include "same_results.h"
#include "influsim/checkpoint.h"
#include "influsim/engine.h"
#include "influsim/scenario.h"

#include <stdint.h>
#include <unistd.h>

/* A small deterministic generator for the test's own choices. */
static uint64_t next(uint64_t *state)
{
    *state = *state * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    return *state >> 33;
}

static infl_scenario *load(const char *trials, const char *seed)
{
    const char *src = getenv("INFLUSIM_SOURCE_DIR");
    char file[1024];
    snprintf(file, sizeof file, "%s/tests/scenarios/small.yaml", src ? src : ".");
    const char *sets[] = {trials, "budget=2000", seed};
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    CHECK_INT(infl_scenario_load_file(file, sets, 3, &sc, &err), INFL_OK);
    if (sc == NULL)
        fprintf(stderr, "%s", infl_error_message(&err));
    infl_error_destroy(&err);
    return sc;
}

static const infl_checkpoint_source SOURCE = {.origin = "small.yaml", .text = "name: x\n"};

/* Runs shard `index` of `count` into path. */
static infl_status run_shard(const infl_scenario *sc, bool no_trials, uint64_t index,
                             uint64_t count, unsigned threads, const char *path)
{
    infl_run_options opt = {.threads = threads,
                            .no_trials = no_trials,
                            .checkpoint_path = path,
                            .checkpoint_source = &SOURCE,
                            .shard = {.index = index, .count = count}};
    outcome o;
    infl_status rc = run(sc, &opt, &o);
    CHECK(o.tr == NULL && o.sm == NULL);
    outcome_free(&o);
    return rc;
}

/* The shards' blocks cover [0, blocks) once, in order, cut at units. */
static void tiling(uint64_t trials, uint64_t count)
{
    const uint64_t blocks = (trials + INFL_ENGINE_BLOCK - 1) / INFL_ENGINE_BLOCK;
    uint64_t at = 0;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t first, end;
        infl_shard_blocks((infl_shard){.index = i, .count = count}, trials, &first, &end);
        CHECK_INT(first, at);
        CHECK(end >= first);
        CHECK(end == blocks || end % INFL_ENGINE_UNIT_BLOCKS == 0);
        at = end;
    }
    CHECK_INT(at, blocks);
}

/* Splits a run of sc into count shards, merges them, resumes, compares. */
static void split_and_merge(const infl_scenario *sc, bool no_trials, uint64_t count, uint64_t *rng,
                            const char *dir, const outcome *full)
{
    char paths[8][1100];
    infl_checkpoint *parts[8] = {0};
    const char *names[8];
    bool ok = true;
    for (uint64_t i = 0; i < count; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/part-%llu", dir, (unsigned long long)i);
        unsigned threads = 1 + (unsigned)(next(rng) % 2);
        ok = ok && run_shard(sc, no_trials, i, count, threads, paths[i]) == INFL_OK;
    }
    CHECK(ok);
    /* Loaded in a shuffled order: the merge sorts them by shard. */
    uint64_t order[8];
    for (uint64_t i = 0; i < count; i++)
        order[i] = i;
    for (uint64_t i = count; i > 1; i--) {
        uint64_t j = next(rng) % i, t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    infl_error err;
    infl_error_init(&err);
    for (uint64_t i = 0; ok && i < count; i++) {
        names[i] = paths[order[i]];
        ok = infl_checkpoint_load(names[i], &parts[i], &err) == INFL_OK;
    }
    CHECK(ok);
    infl_checkpoint *merged = NULL;
    if (ok)
        CHECK_INT(infl_checkpoint_merge(parts, names, (size_t)count, &merged, &err), INFL_OK);
    if (merged != NULL) {
        outcome o;
        infl_run_options opt = {.threads = 2, .no_trials = no_trials, .resume = merged};
        CHECK_INT(run(sc, &opt, &o), INFL_OK);
        CHECK_INT(o.stats.trials_done, full->stats.trials_done);
        CHECK_INT(o.stats.hires_simulated, full->stats.hires_simulated);
        int same = no_trials ? same_summary(o.sm, full->sm) : same_trials(o.tr, full->tr);
        if (!same)
            fprintf(stderr, "%llu shards (%s) differ from one run\n", (unsigned long long)count,
                    no_trials ? "streaming" : "kept");
        CHECK(same);
        outcome_free(&o);
    }
    if (err.count)
        fprintf(stderr, "%s", infl_error_message(&err));
    infl_checkpoint_free(merged);
    if (ok && count >= 2) {
        /* A shard missing, and a shard twice. */
        infl_error_clear(&err);
        CHECK_INT(infl_checkpoint_merge(parts, names, (size_t)count - 1, &merged, &err),
                  INFL_EINVAL);
        CHECK_CONTAINS(infl_error_message(&err), "is missing");
        infl_checkpoint *twice[8];
        for (uint64_t i = 0; i < count; i++)
            twice[i] = parts[i];
        twice[count - 1] = parts[0];
        infl_error_clear(&err);
        CHECK_INT(infl_checkpoint_merge(twice, names, (size_t)count, &merged, &err), INFL_EINVAL);
        CHECK_CONTAINS(infl_error_message(&err), "are both shard");
        CHECK(merged == NULL);
    }
    for (uint64_t i = 0; i < count; i++) {
        infl_checkpoint_free(parts[i]);
        unlink(paths[i]);
    }
    infl_error_destroy(&err);
}

/* A streaming run stopped after 10 blocks (within the first unit), saved,
 * and resumed equals one run: the open unit is saved and restored. */
static void checkpoint_within_a_unit(const infl_scenario *sc, const char *dir, const outcome *full)
{
    char ck[1100];
    snprintf(ck, sizeof ck, "%s/within.checkpoint", dir);
    volatile sig_atomic_t stop = 1;
    infl_run_options opt = {.threads = 2,
                            .no_trials = true,
                            .stop = &stop,
                            .round_blocks = 10,
                            .checkpoint_path = ck,
                            .checkpoint_seconds = 1e9,
                            .checkpoint_source = &SOURCE};
    outcome part;
    CHECK_INT(run(sc, &opt, &part), INFL_OK);
    CHECK_INT(part.stats.trials_done, 10 * INFL_ENGINE_BLOCK);
    outcome_free(&part);
    infl_error err;
    infl_error_init(&err);
    infl_checkpoint *cp = NULL;
    CHECK_INT(infl_checkpoint_load(ck, &cp, &err), INFL_OK);
    if (cp != NULL) {
        outcome rest;
        CHECK_INT(
            run(sc, &(infl_run_options){.threads = 1, .no_trials = true, .resume = cp}, &rest),
            INFL_OK);
        CHECK(same_summary(rest.sm, full->sm));
        outcome_free(&rest);
        /* A checkpoint is not a shard's part. */
        const char *name = "within.checkpoint";
        infl_checkpoint *merged = NULL;
        infl_error_clear(&err);
        CHECK_INT(infl_checkpoint_merge(&cp, &name, 1, &merged, &err), INFL_EINVAL);
        CHECK_CONTAINS(infl_error_message(&err), "not a shard's partial run");
    }
    infl_checkpoint_free(cp);
    infl_error_destroy(&err);
    unlink(ck);
}

/* Parts of runs with another seed are refused. */
static void another_run(const char *dir)
{
    infl_scenario *a = load("trials=300", "seed=1"), *b = load("trials=300", "seed=2");
    char pa[1100], pb[1100];
    snprintf(pa, sizeof pa, "%s/a", dir);
    snprintf(pb, sizeof pb, "%s/b", dir);
    if (a && b && run_shard(a, false, 0, 2, 1, pa) == INFL_OK &&
        run_shard(b, false, 1, 2, 1, pb) == INFL_OK) {
        infl_error err;
        infl_error_init(&err);
        infl_checkpoint *parts[2] = {0}, *merged = NULL;
        const char *names[2] = {"a", "b"};
        CHECK_INT(infl_checkpoint_load(pa, &parts[0], &err), INFL_OK);
        CHECK_INT(infl_checkpoint_load(pb, &parts[1], &err), INFL_OK);
        if (parts[0] && parts[1]) {
            CHECK_INT(infl_checkpoint_merge(parts, names, 2, &merged, &err), INFL_EINVAL);
            CHECK_CONTAINS(infl_error_message(&err), "b: not a shard of the same run as a (the "
                                                     "seed differs)");
        }
        infl_checkpoint_free(parts[0]);
        infl_checkpoint_free(parts[1]);
        infl_error_destroy(&err);
    }
    unlink(pa);
    unlink(pb);
    infl_scenario_free(a);
    infl_scenario_free(b);
}

int main(void)
{
    char dir[] = "/tmp/test_shard.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    for (uint64_t t = 1; t <= 200000; t = t * 7 + 3)
        for (uint64_t n = 1; n <= 9; n++)
            tiling(t, n);
    /* Trials ending within a unit (17,000: three units, the last short),
     * spanning several units, and fewer than a unit. */
    const char *trials[] = {"trials=17000", "trials=25000", "trials=700"};
    uint64_t rng = 2026;
    for (size_t k = 0; k < sizeof trials / sizeof *trials; k++) {
        infl_scenario *sc = load(trials[k], "seed=11");
        if (sc == NULL)
            continue;
        for (int no_trials = 0; no_trials <= 1; no_trials++) {
            outcome full;
            CHECK_INT(run(sc, &(infl_run_options){.threads = 1, .no_trials = no_trials}, &full),
                      INFL_OK);
            for (int rep = 0; rep < 2; rep++) {
                uint64_t count = 1 + next(&rng) % 7;
                split_and_merge(sc, no_trials, count, &rng, dir, &full);
            }
            if (no_trials && k == 0)
                checkpoint_within_a_unit(sc, dir, &full);
            outcome_free(&full);
        }
        infl_scenario_free(sc);
    }
    another_run(dir);
    CHECK_INT(rmdir(dir), 0);
    return check_exit();
}
