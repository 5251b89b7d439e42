/*
 * rng.h — counter-based random streams keyed by what is being simulated.
 *
 * Every random number in a run comes from Philox4x32-10 (Random123) with the
 * scenario seed as key and a counter built from (trial, tier, candidate,
 * purpose, block). A stream is therefore a pure function of what it simulates,
 * never of which thread runs it, so any thread count gives the same numbers.
 * The generator is exposed as a gsl_rng so that every gsl_ran_* sampler draws
 * from it; infl_rng_seek repositions it at the start of another stream.
 */
#ifndef INFL_SIM_RNG_H
#define INFL_SIM_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* What a stream is used for; part of the counter, so streams never overlap. */
typedef enum {
    INFL_STREAM_MARKET = 0,     /* per trial: purchase rate, word-of-mouth factor, market size */
    INFL_STREAM_ATTRIBUTES = 1, /* per candidate: followers, gifted, price, platform fee */
    INFL_STREAM_FUNNEL = 2,     /* per hired candidate: rates and the audience funnel */
    INFL_STREAM_CONVERSION = 3, /* per hire and strategy: overlap draw and direct sales */
} infl_stream_purpose;

/* Largest trial index + 1 and tier count that fit the counter layout. */
#define INFL_RNG_MAX_TRIALS (UINT64_C(1) << 48)
#define INFL_RNG_MAX_TIERS 4096u

/* The gsl_rng_type of a Philox stream ("influsim-philox4x32-10"). */
extern const gsl_rng_type *const infl_rng_philox;

/* Returns a new generator keyed by seed, positioned at stream (0, 0, 0, MARKET),
 * or NULL if out of memory. Free with gsl_rng_free. */
gsl_rng *infl_rng_new(uint64_t seed);

/* Repositions r at the first number of the stream for (trial, tier, candidate,
 * purpose). trial < INFL_RNG_MAX_TRIALS and tier < INFL_RNG_MAX_TIERS. */
void infl_rng_seek(gsl_rng *r, uint64_t trial, uint32_t tier, uint32_t candidate,
                   infl_stream_purpose purpose);

#endif
