/*
 * fuzz_checkpoint.c — a libFuzzer target over the checkpoint loader, which
 * reads checkpoints (`run --resume`) and shards' partial runs (`merge`). The
 * input is a file's payload: the target frames it as the loader expects
 * (magic, byte-order probe, length, CRC-32 of the payload), so that mutations
 * reach the parser instead of all stopping at the CRC; when the input's first
 * byte is odd the CRC is stored wrong, to keep that refusal covered too.
 * A loaded file then goes through what merge and resume do with it: merged
 * alone and with itself (refused: the same shard twice), its scenario loaded.
 * Besides not crashing, hanging or leaking (the sanitizers' part), a failure
 * must come with a message; otherwise the target aborts.
 *
 * Built with clang -fsanitize=fuzzer (tests/run.sh); replay.c runs the kept
 * inputs (tests/fuzz/checkpoint-corpus, written by make_checkpoint_corpus.sh)
 * through the same function in the ordinary test suite.
 */
#include "influsim/checkpoint.h"
#include "influsim/scenario.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char MAGIC[8] = {'I', 'N', 'F', 'L', 'C', 'K', 'P', '3'};

static void require_message(infl_status rc, const infl_error *err, const char *what)
{
    if (rc != INFL_OK && err->count == 0) {
        fprintf(stderr, "fuzz_checkpoint: %s failed without a message\n", what);
        abort();
    }
}

/* Writes the framed payload to a file of this process's own. */
static int write_framed(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    const uint64_t probe = UINT64_C(0x0102030405060708);
    uint64_t header[2] = {size, crc32(crc32(0L, Z_NULL, 0), data, (uInt)size)};
    if (size > 0 && (data[0] & 1))
        header[1] ^= 1;
    int ok = fwrite(MAGIC, 1, sizeof MAGIC, f) == sizeof MAGIC &&
             fwrite(&probe, sizeof probe, 1, f) == 1 && fwrite(header, sizeof header, 1, f) == 1 &&
             fwrite(data, 1, size, f) == size;
    return fclose(f) == 0 && ok ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 24))
        return 0;
    char path[64];
    snprintf(path, sizeof path, "/tmp/influsim-fuzz-checkpoint-%ld", (long)getpid());
    if (write_framed(path, data, size) != 0) {
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
