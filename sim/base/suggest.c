/*
 * suggest.c — edit distance and the nearest-name suggestion (see suggest.h).
 */
#include "base/suggest.h"

#include <string.h>

#define INFL_SUGGEST_MAXLEN 64

size_t infl__suggest_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > INFL_SUGGEST_MAXLEN || lb > INFL_SUGGEST_MAXLEN)
        return 255;
    size_t row[INFL_SUGGEST_MAXLEN + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb] > 255 ? 255 : row[lb];
}

const char *infl__suggest(const char *word, const char *const *candidates, size_t n)
{
    const char *best = NULL;
    size_t best_d = 3;
    size_t len = strlen(word);
    for (size_t i = 0; i < n; i++) {
        size_t d = infl__suggest_edit_distance(word, candidates[i]);
        if (d < best_d && 2 * d < len + (len == 0)) {
            best = candidates[i];
            best_d = d;
        }
    }
    return best;
}
