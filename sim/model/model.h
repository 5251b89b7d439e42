/*
 * model.h — one trial of the campaign model: the market draw, each tier's
 * candidates, hiring under every strategy's budget shares (and the hiring
 * rule), the audience funnel
 * of every hire, overlap, and conversions. Writes one row of metrics per
 * strategy. The workspace holds everything a trial needs, so the trial itself
 * allocates nothing once the workspace has grown to the scenario's size.
 */
#ifndef INFL_SIM_MODEL_H
#define INFL_SIM_MODEL_H

#include "influsim/error.h"
#include "scenario/scenario_internal.h"

#include <stdint.h>

/* Most hires one tier may make in one trial (a guard against a budget that is
 * enormous next to a post's price, which would exhaust memory). */
#define INFL_MODEL_MAX_HIRES_PER_TIER UINT64_C(10000000)
/* Most candidates one tier may show in one trial (hires and creators passed
 * over under `hiring.rule: skip`): the same guard for the memory they take. */
#define INFL_MODEL_MAX_CANDIDATES_PER_TIER UINT64_C(20000000)
/* Largest mean number of word-of-mouth conversations one post may start: GSL's
 * Poisson sampler returns 32-bit counts and misbehaves beyond about 2^31. */
#define INFL_MODEL_MAX_CONVERSATIONS 2.0e9

typedef struct infl_model_ws infl_model_ws;

/* Market draws of one trial, shared by every strategy. */
typedef struct {
    double purchase_rate;
    double wom_purchase_factor;
    double addressable;   /* NaN when the market is unlimited */
    double repeat_orders; /* mean further orders per customer (lambda) */
} infl_market_draw;

/* Returns a workspace for scenario sc (which must outlive it), or NULL if out
 * of memory. Free with infl__model_ws_free. One per thread. */
infl_model_ws *infl__model_ws_new(const infl_scenario *sc);
void infl__model_ws_free(infl_model_ws *ws);

/*
 * Simulates trial t. rows receives n_strategies rows of infl__metrics_count(sc)
 * values (strategy-major). On failure (a tier would exceed
 * INFL_MODEL_MAX_HIRES_PER_TIER, or out of memory) returns the status with a
 * message naming the trial and tier.
 */
infl_status infl__model_trial(infl_model_ws *ws, uint64_t t, double *rows, infl_market_draw *market,
                              infl_error *err);

/* Returns the number of funnels (hires) the last trial simulated: per tier,
 * the most hires any strategy made. */
uint64_t infl__model_funnels(const infl_model_ws *ws);

/* What hiring one named creator gives in a trial: the same draws, bit for
 * bit, as a run's strategy that hires it. Without audience overlap that is
 * all of it; with overlap (market.addressable) the direct conversions and
 * repeat orders depend on whom the strategy reached before, and
 * infl__model_overlap draws them from `interested` and `conversions_wom`. */
typedef struct {
    double cost;            /* what must fit what is left of the budget */
    double spend;           /* what is spent: cost less a fee returned for no post */
    double conversions;     /* direct and word of mouth (without overlap; with it, NaN) */
    double orders;          /* conversions and their repeat orders (likewise) */
    double interested;      /* interested, shippable people the post reaches (0: no post) */
    double conversions_wom; /* word-of-mouth conversions (not subject to overlap) */
} infl_creator_outcome;

/* What a named creator's post adds under overlap, given who was reached before. */
typedef struct {
    unsigned fresh;  /* interested people reached for the first time */
    unsigned bought; /* direct conversions among them */
    unsigned repeat; /* repeat orders of its customers (bought and word of mouth) */
} infl_overlap_draw;

/*
 * Overlap for named creator `key` (its 48-bit identity) in trial t of a
 * scenario with seed `seed` (`handle` names it in a message; NULL: "a
 * creator"): of min(interested, M) people its post reaches,
 * how many are new when `seen` of the market's M were reached before, how
 * many of them buy, and the repeat orders of its customers, drawn from its
 * conversion and repeat streams exactly as a run draws them (so a plan
 * evaluated this way gives a run's numbers). mk is the trial's market
 * (infl__model_market; mk->addressable is M). seen <= M. Fails only when the
 * repeat orders' mean is beyond the sampler's limit.
 */
infl_status infl__model_overlap(uint64_t seed, uint64_t t, uint64_t key, const char *handle,
                                const infl_market_draw *mk, unsigned seen, unsigned interested,
                                unsigned conversions_wom, infl_overlap_draw *out, infl_error *err);

/*
 * Strategy s's named hires in trial t, as infl__model_trial makes them: for
 * the i-th creator of its hire list, misfit[i] = 1 if its cost did not fit
 * what was left of the budget, and cost[i] = that cost. Draws only the
 * creators' attributes.
 */
void infl__model_named_fit(infl_model_ws *ws, uint64_t t, size_t s, unsigned char *misfit,
                           double *cost);

/* The market of trial t, as infl__model_trial draws it. */
infl_status infl__model_market(infl_model_ws *ws, uint64_t t, infl_market_draw *mk,
                               infl_error *err);

/*
 * Creator j's outcome in trial t with market mk, if hired (with overlap,
 * conversions and orders are NaN: see infl__model_overlap). Fails as a
 * trial does.
 */
infl_status infl__model_creator(infl_model_ws *ws, uint64_t t, const infl_market_draw *mk, size_t j,
                                infl_creator_outcome *out, infl_error *err);

#endif
