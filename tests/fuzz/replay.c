/*
 * replay.c — runs files through the fuzz target without libFuzzer, so the
 * seed corpus and every crash ever found stay in the ordinary test suite:
 *     fuzz_replay FILE...
 * Exits non-zero (or aborts) on the first failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (f == NULL) {
            perror(argv[i]);
            return 1;
        }
        size_t cap = 1 << 16, n = 0;
        uint8_t *buf = malloc(cap);
        size_t got;
        while (buf != NULL && (got = fread(buf + n, 1, cap - n, f)) > 0) {
            n += got;
            if (n == cap) {
                uint8_t *bigger = realloc(buf, cap *= 2);
                if (bigger == NULL) {
                    free(buf);
                    buf = NULL;
                    break;
                }
                buf = bigger;
            }
        }
        fclose(f);
        if (buf == NULL) {
            fprintf(stderr, "%s: out of memory\n", argv[i]);
            return 1;
        }
        LLVMFuzzerTestOneInput(buf, n);
        free(buf);
    }
    printf("%d inputs replayed\n", argc - 1);
    return 0;
}
