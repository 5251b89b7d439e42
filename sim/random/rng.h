/*
 * rng.h — counter-based random streams keyed by what is being simulated.
 *
 * Every random number in a run comes from Philox4x32-10 (Random123) with the
 * scenario seed as key and a counter built from (trial, tier, candidate,
 * purpose, block). A stream is therefore a pure function of what it simulates,
 * never of which thread runs it, so any thread count gives the same numbers.
 *
 * The generator is a plain struct with inline draws: the hot loop takes about
 * a hundred uniforms per hire, and a function-pointer call per draw (GSL's
 * gsl_rng interface, which the first version used) cost a third of the run.
 * The samplers that draw from it are in sample.h.
 *
 * Counter layout (four 32-bit words):
 *   ctr[0] = block number within the stream (4 words per block)
 *   ctr[1] = candidate index
 *   ctr[2] = trial index, low 32 bits
 *   ctr[3] = trial index bits 32..47 << 16 | tier << 4 | purpose
 * Key = the 64-bit scenario seed split into two words. Every stream has 2^34
 * words, far beyond the ~100 that one candidate consumes.
 *
 * A named creator of a roster is keyed by its identity, not by its place in
 * the roster: tier field INFL_RNG_CREATOR_TIER (no tier has that index),
 * ctr[1] = the low 32 bits of its 48-bit key and the high 16 bits of ctr[0]
 * the key's top 16 bits, leaving 2^16 blocks (2^18 words) per stream. So the
 * same creator gets the same draws whatever else the roster holds.
 */
#ifndef INFL_SIM_RNG_H
#define INFL_SIM_RNG_H

#include <Random123/philox.h>
#include <stdint.h>

/* What a stream is used for; part of the counter, so streams never overlap. */
typedef enum {
    INFL_STREAM_MARKET = 0, /* per trial: purchase rate, word-of-mouth factor, market size */
    INFL_STREAM_ATTRIBUTES =
        1,                  /* per candidate: followers, gifted, price, fee, overhead, delivery */
    INFL_STREAM_FUNNEL = 2, /* per hired candidate: rates and the audience funnel */
    INFL_STREAM_CONVERSION = 3, /* per hire and strategy: overlap draw and direct sales */
    INFL_STREAM_BOOTSTRAP = 4,  /* the optimiser's bootstrap resamples (trial = resample) */
    INFL_STREAM_REPEAT = 5,     /* per hire (and strategy, with overlap): repeat orders */
    INFL_STREAM_VIEWS = 6,      /* per delivered hire: views from outside the followers */
    /* Sensitivity analysis (study/sobol.c, study/morris.c), tier 0 and by candidate: 0 the
     * Sobol bootstrap and 1 the Morris bootstrap (trial = replicate), 2 the Morris design
     * (trial = trajectory). */
    INFL_STREAM_SENSITIVITY = 7,
} infl_stream_purpose;

/* Largest trial index + 1 and tier count that fit the counter layout. */
#define INFL_RNG_MAX_TRIALS (UINT64_C(1) << 48)
#define INFL_RNG_MAX_TIERS 4096u

typedef struct {
    philox4x32_key_t key;
    philox4x32_ctr_t ctr; /* counter of the next block to generate */
    philox4x32_ctr_t out; /* current block of outputs */
    unsigned next;        /* index of the next unused word of out; 4 = none left */
} infl_rng;

/* Keys r by the whole 64-bit seed and positions it at stream (0, 0, 0, MARKET). */
static inline void infl__rng_init(infl_rng *r, uint64_t seed)
{
    r->key.v[0] = (uint32_t)seed;
    r->key.v[1] = (uint32_t)(seed >> 32);
    for (int i = 0; i < 4; i++)
        r->ctr.v[i] = r->out.v[i] = 0;
    r->next = 4;
}

/* Repositions r at the first word of the stream for (trial, tier, candidate,
 * purpose). trial < INFL_RNG_MAX_TRIALS and tier < INFL_RNG_MAX_TIERS. */
static inline void infl__rng_seek(infl_rng *r, uint64_t trial, uint32_t tier, uint32_t candidate,
                                  infl_stream_purpose purpose)
{
    r->ctr.v[0] = 0;
    r->ctr.v[1] = candidate;
    r->ctr.v[2] = (uint32_t)trial;
    r->ctr.v[3] = ((uint32_t)(trial >> 32) & 0xffffu) << 16 | (tier & 0xfffu) << 4 |
                  ((uint32_t)purpose & 0xfu);
    r->next = 4;
}

/* The tier field of every named creator's streams (tiers are 0..4094). */
#define INFL_RNG_CREATOR_TIER 0xfffu

/* Repositions r at the first word of named creator `key`'s stream (its
 * 48-bit identity) for (trial, purpose). */
static inline void infl__rng_seek_creator(infl_rng *r, uint64_t trial, uint64_t key,
                                          infl_stream_purpose purpose)
{
    infl__rng_seek(r, trial, INFL_RNG_CREATOR_TIER, (uint32_t)key, purpose);
    r->ctr.v[0] = (uint32_t)((key >> 32) & 0xffffu) << 16;
}

/* Returns the next 32-bit word of the stream. */
static inline uint32_t infl__rng_u32(infl_rng *r)
{
    if (r->next == 4) {
        r->out = philox4x32(r->ctr, r->key);
        r->ctr.v[0]++;
        r->next = 0;
    }
    return r->out.v[r->next++];
}

/* Returns a uniform on the open interval (0, 1): (k + 1/2) / 2^32 for a
 * 32-bit word k. Never 0 or 1, so logarithms and divisions need no guard. */
static inline double infl__rng_uniform(infl_rng *r)
{
    return ((double)infl__rng_u32(r) + 0.5) * 0x1p-32;
}

/* Returns a whole number uniform on [0, m), m >= 1, from the next two words
 * (the first the high one) modulo m: bias below m / 2^64. */
static inline uint64_t infl__rng_below(infl_rng *r, uint64_t m)
{
    /* Two statements: the order of calls in one expression is unspecified. */
    uint64_t hi = infl__rng_u32(r);
    uint64_t lo = infl__rng_u32(r);
    return (hi << 32 | lo) % m;
}

#endif
