/*
 * roster.c — a named creator's identity and the regions its countries map to
 * (see roster.h).
 */
#include "scenario/roster.h"

#include <stdlib.h>
#include <string.h>

static const char *bare(const char *h)
{
    return h[0] == '@' ? h + 1 : h;
}

static unsigned char fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

bool infl__roster_same_handle(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)bare(a), *y = (const unsigned char *)bare(b);
    for (; *x && *y; x++, y++)
        if (fold(*x) != fold(*y))
            return false;
    return *x == *y;
}

uint64_t infl__roster_key(const char *handle)
{
    /* FNV-1a over the compared form, then SplitMix64's finaliser so that
     * handles differing in one letter get unrelated keys. */
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (const unsigned char *p = (const unsigned char *)bare(handle); *p; p++) {
        h ^= fold(*p);
        h *= UINT64_C(0x100000001b3);
    }
    h ^= h >> 30;
    h *= UINT64_C(0xbf58476d1ce4e5b9);
    h ^= h >> 27;
    h *= UINT64_C(0x94d049bb133111eb);
    h ^= h >> 31;
    return h & ((UINT64_C(1) << 48) - 1);
}

size_t infl__roster_region_of(const infl_scenario *sc, const char *code)
{
    size_t rest = SIZE_MAX;
    for (size_t i = 0; i < sc->n_regions; i++) {
        const infl_region *r = &sc->regions[i];
        if (r->rest)
            rest = i;
        for (size_t j = 0; j < r->n_countries; j++)
            if (!strcmp(r->countries[j], code))
                return i;
    }
    return rest;
}

bool infl__roster_has_countries(const infl_scenario *sc)
{
    for (size_t i = 0; i < sc->n_regions; i++)
        if (sc->regions[i].rest || sc->regions[i].n_countries > 0)
            return true;
    return false;
}

bool infl__roster_index_init(infl__roster_index *x, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n + 1)
        cap *= 2;
    x->cap = cap;
    x->slot = calloc(cap, sizeof *x->slot);
    x->key = calloc(cap, sizeof *x->key);
    return x->slot != NULL && x->key != NULL;
}

void infl__roster_index_destroy(infl__roster_index *x)
{
    free(x->slot);
    free(x->key);
    x->slot = NULL;
    x->key = NULL;
}

size_t infl__roster_index_add(infl__roster_index *x, uint64_t key, size_t i)
{
    /* Keys are already well mixed (roster_key's finaliser). */
    for (size_t h = (size_t)key & (x->cap - 1);; h = (h + 1) & (x->cap - 1)) {
        if (x->slot[h] == 0) {
            x->slot[h] = i + 1;
            x->key[h] = key;
            return SIZE_MAX;
        }
        if (x->key[h] == key)
            return x->slot[h] - 1;
    }
}
