/*
 * fuzz_checkpoint.c — a libFuzzer target over the loaders of what `merge`
 * and `run --resume` read: checkpoints and shards' partial runs
 * (engine/checkpoint.c) and sweeps' parts (h5/sweep_part.c). The input is a
 * selector byte and a file's payload: the target frames the payload as the
 * loader expects (magic, byte-order probe for a checkpoint, length, CRC-32 of
 * the payload), so that mutations reach the parser instead of all stopping
 * at the CRC. Selector bit 0: store the CRC wrong, to keep that refusal
 * covered too; bit 1: a sweep's part, else a checkpoint. A loaded file then
 * goes through what merge and resume do with it: merged alone and with
 * itself (refused: the same shard twice), its scenario loaded.
 * Besides not crashing, hanging or leaking (the sanitizers' part), a failure
 * must come with a message; otherwise the target aborts.
 *
 * Built with clang -fsanitize=fuzzer (tests/run.sh); replay.c runs the kept
 * inputs (tests/fuzz/checkpoint-corpus, written by make_checkpoint_corpus.sh)
 * through the same function in the ordinary test suite.
 */
#include "influsim/checkpoint.h"
#include "influsim/h5.h"
#include "influsim/scenario.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char MAGIC[8] = {'I', 'N', 'F', 'L', 'C', 'K', 'P', '3'};
static const char SWEEP_MAGIC[8] = {'I', 'N', 'F', 'L', 'S', 'W', 'P', '1'};

static void require_message(infl_status rc, const infl_error *err, const char *what)
{
    if (rc != INFL_OK && err->count == 0) {
        fprintf(stderr, "fuzz_checkpoint: %s failed without a message\n", what);
        abort();
    }
}

/* Writes the framed payload to a file of this process's own. */
static int write_framed(const char *path, uint8_t selector, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    const bool sweep = selector & 2;
    const uint64_t probe = UINT64_C(0x0102030405060708);
    uint64_t header[2] = {size, crc32(crc32(0L, Z_NULL, 0), data, (uInt)size)};
    if (selector & 1)
        header[1] ^= 1;
    int ok = fwrite(sweep ? SWEEP_MAGIC : MAGIC, 1, sizeof MAGIC, f) == sizeof MAGIC &&
             (sweep || fwrite(&probe, sizeof probe, 1, f) == 1) &&
             fwrite(header, sizeof header, 1, f) == 1 && fwrite(data, 1, size, f) == size;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* A sweep's part: loaded, merged alone and with itself. */
static void sweep_part(const char *path)
{
    infl_error err;
    infl_error_init(&err);
    infl_h5_sweep_part parts[2] = {0};
    infl_status rc = infl_h5_sweep_part_load(path, &parts[0], &err);
    require_message(rc, &err, "loading a sweep's part");
    infl_error_destroy(&err);
    if (rc == INFL_OK) {
        const char *names[2] = {"a", "b"};
        infl_h5_sweep_part merged = {0};
        infl_error_init(&err);
        rc = infl_h5_sweep_parts_merge(parts, names, 1, &merged, &err);
        require_message(rc, &err, "merging a sweep's part");
        infl_h5_sweep_part_destroy(&merged);
        infl_error_destroy(&err);
    }
    infl_h5_sweep_part_destroy(&parts[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1u << 24))
        return 0;
    char path[64];
    snprintf(path, sizeof path, "/tmp/influsim-fuzz-checkpoint-%ld", (long)getpid());
    if (write_framed(path, data[0], data + 1, size - 1) != 0) {
        unlink(path);
        return 0;
    }
    if (data[0] & 2) {
        sweep_part(path);
        unlink(path);
        return 0;
    }
    infl_error err;
    infl_error_init(&err);
    infl_checkpoint *cp = NULL;
    infl_status rc = infl_checkpoint_load(path, &cp, &err);
    unlink(path);
    require_message(rc, &err, "loading");
    infl_error_destroy(&err);
    if (rc != INFL_OK)
        return 0;
    const char *names[2] = {"a", "b"};
    infl_checkpoint *parts[2] = {cp, cp};
    for (size_t n = 1; n <= 2; n++) {
        infl_checkpoint *merged = NULL;
        infl_error_init(&err);
        rc = infl_checkpoint_merge(parts, names, n, &merged, &err);
        require_message(rc, &err, "merging");
        if (n == 2 && rc == INFL_OK) {
            fprintf(stderr, "fuzz_checkpoint: a part merged with itself\n");
            abort();
        }
        infl_checkpoint_free(merged);
        infl_error_destroy(&err);
    }
    infl_checkpoint_source src = infl_checkpoint_scenario(cp);
    infl_scenario *sc = NULL;
    infl_error_init(&err);
    rc = infl_scenario_load_text(src.text, strlen(src.text), src.origin, src.sets, src.n_sets, &sc,
                                 &err);
    require_message(rc, &err, "loading its scenario");
    infl_scenario_free(sc);
    infl_error_destroy(&err);
    infl_checkpoint_free(cp);
    return 0;
}
