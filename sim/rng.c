/*
 * rng.c — Philox4x32-10 behind GSL's generator interface (see rng.h).
 *
 * Counter layout (four 32-bit words):
 *   ctr[0] = block number within the stream (4 uniforms per block)
 *   ctr[1] = candidate index
 *   ctr[2] = trial index, low 32 bits
 *   ctr[3] = trial index bits 32..47 << 16 | tier << 4 | purpose
 * Key = the 64-bit scenario seed split into two words. Every stream has 2^34
 * numbers, far beyond the ~100 that one candidate consumes.
 */
#include "rng.h"

#include <Random123/philox.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    philox4x32_key_t key;
    philox4x32_ctr_t ctr; /* counter of the next block to generate */
    philox4x32_ctr_t out; /* current block of outputs */
    unsigned next;        /* index of the next unused word of out; 4 = empty */
} philox_state;

static void philox_set(void *vstate, unsigned long seed)
{
    philox_state *s = vstate;
    memset(s, 0, sizeof *s);
    uint64_t seed64 = (uint64_t)seed;
    s->key.v[0] = (uint32_t)seed64;
    s->key.v[1] = (uint32_t)(seed64 >> 32);
    s->next = 4;
}

static inline unsigned long philox_get(void *vstate)
{
    philox_state *s = vstate;
    if (s->next == 4) {
        s->out = philox4x32(s->ctr, s->key);
        s->ctr.v[0]++;
        s->next = 0;
    }
    return s->out.v[s->next++];
}

static double philox_get_double(void *vstate)
{
    /* GSL's convention: uniform on [0, 1) with 32-bit resolution. */
    return (double)philox_get(vstate) * 0x1p-32;
}

static const gsl_rng_type philox_type = {
    "influsim-philox4x32-10", 0xffffffffUL, 0, sizeof(philox_state), philox_set, philox_get,
    philox_get_double,
};

const gsl_rng_type *const infl_rng_philox = &philox_type;

gsl_rng *infl_rng_new(uint64_t seed)
{
    /* Built by hand rather than with gsl_rng_alloc, whose out-of-memory path
     * calls GSL's error handler (abort by default) instead of returning NULL.
     * Both parts come from malloc, so gsl_rng_free releases them. */
    gsl_rng *r = malloc(sizeof *r);
    philox_state *s = malloc(sizeof *s);
    if (r == NULL || s == NULL) {
        free(r);
        free(s);
        return NULL;
    }
    r->type = infl_rng_philox;
    r->state = s;
    /* The whole 64-bit seed is the key, whatever the width of unsigned long. */
    philox_set(s, 0);
    s->key.v[0] = (uint32_t)seed;
    s->key.v[1] = (uint32_t)(seed >> 32);
    return r;
}

void infl_rng_seek(gsl_rng *r, uint64_t trial, uint32_t tier, uint32_t candidate,
                   infl_stream_purpose purpose)
{
    philox_state *s = r->state;
    s->ctr.v[0] = 0;
    s->ctr.v[1] = candidate;
    s->ctr.v[2] = (uint32_t)trial;
    s->ctr.v[3] = ((uint32_t)(trial >> 32) & 0xffffu) << 16 | (tier & 0xfffu) << 4 |
                  ((uint32_t)purpose & 0xfu);
    s->next = 4;
}
