/*
 * model.c — one trial of the campaign model (see model.h and docs/model.md).
 *
 * Common random numbers: a candidate's attributes, its funnel, and its
 * conversion draws each come from their own stream keyed by (trial, tier,
 * candidate), so candidate c of tier k is the same influencer under every
 * strategy. Hiring is a prefix of each tier's candidate sequence, so the funnel
 * is simulated once per candidate, up to the largest prefix any strategy hires,
 * and each strategy sums its own prefix.
 */
#include "model/model.h"

#include "model/metrics.h"
#include "random/rng.h"
#include "random/sample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A hire's funnel; counts fit 32 bits because follower counts do. */
typedef struct {
    unsigned viewers, engagements, shippable, interested, conversations, wom_prospects;
    unsigned conversions_wom, lost, conversions_direct; /* direct: without overlap only */
} hire_outcome;

typedef struct {
    size_t generated; /* candidates whose attributes are drawn */
    size_t funneled;  /* candidates whose funnel is simulated */
    size_t capacity;
    double *cost;
    unsigned *followers;
    unsigned char *gifted;
    hire_outcome *out;
    unsigned *regional; /* capacity * n_regions engagements by region */
} tier_ws;

struct infl_model_ws {
    const infl_scenario *sc;
    infl_rng rng;
    tier_ws *tiers;
    size_t *hires;  /* [s * n_tiers + k] */
    double *spend;  /* [s * n_tiers + k] */
    double *shares; /* n_regions: a hire's drawn audience */
    unsigned *counts;
};

void infl__model_ws_free(infl_model_ws *ws)
{
    if (ws == NULL)
        return;
    if (ws->tiers != NULL) {
        for (size_t k = 0; k < ws->sc->n_tiers; k++) {
            tier_ws *t = &ws->tiers[k];
            free(t->cost);
            free(t->followers);
            free(t->gifted);
            free(t->out);
            free(t->regional);
        }
    }
    free(ws->tiers);
    free(ws->hires);
    free(ws->spend);
    free(ws->shares);
    free(ws->counts);
    free(ws);
}

static bool tier_grow(tier_ws *t, size_t need, size_t n_regions)
{
    if (need <= t->capacity)
        return true;
    size_t cap = t->capacity ? t->capacity : 64;
    while (cap < need)
        cap *= 2;
    double *cost = realloc(t->cost, cap * sizeof *cost);
    if (cost)
        t->cost = cost;
    unsigned *fol = realloc(t->followers, cap * sizeof *fol);
    if (fol)
        t->followers = fol;
    unsigned char *g = realloc(t->gifted, cap);
    if (g)
        t->gifted = g;
    hire_outcome *o = realloc(t->out, cap * sizeof *o);
    if (o)
        t->out = o;
    unsigned *reg = realloc(t->regional, cap * n_regions * sizeof *reg);
    if (reg)
        t->regional = reg;
    if (!cost || !fol || !g || !o || !reg)
        return false;
    t->capacity = cap;
    return true;
}

infl_model_ws *infl__model_ws_new(const infl_scenario *sc)
{
    infl_model_ws *ws = calloc(1, sizeof *ws);
    if (ws == NULL)
        return NULL;
    ws->sc = sc;
    size_t st = sc->n_strategies * sc->n_tiers;
    infl__rng_init(&ws->rng, sc->seed);
    ws->tiers = calloc(sc->n_tiers, sizeof *ws->tiers);
    ws->hires = calloc(st, sizeof *ws->hires);
    ws->spend = calloc(st, sizeof *ws->spend);
    ws->shares = calloc(sc->n_regions, sizeof *ws->shares);
    ws->counts = calloc(sc->n_regions, sizeof *ws->counts);
    if (!ws->tiers || !ws->hires || !ws->spend || !ws->shares || !ws->counts)
        goto fail;
    /* Size each tier for the hires its mean cost suggests, so the first
     * trials rarely need to grow it. */
    for (size_t k = 0; k < sc->n_tiers; k++) {
        const infl_tier *tier = &sc->tiers[k];
        double mean_cost = infl__dist_mean(&tier->price);
        if (tier->price_per_1k)
            mean_cost *= infl__dist_mean(&tier->followers) / 1000.0;
        double expect = mean_cost > 0 ? 2.0 * sc->budget / mean_cost : 64.0;
        size_t want = expect < 64 ? 64 : expect > 1e6 ? 1000000 : (size_t)expect;
        if (!tier_grow(&ws->tiers[k], want, sc->n_regions))
            goto fail;
    }
    return ws;
fail:
    infl__model_ws_free(ws);
    return NULL;
}

static unsigned follower_count(double draw)
{
    /* Floor, at least 1, at most what the 32-bit samplers take. */
    if (!(draw >= 1.0))
        return 1;
    if (draw >= 4294967295.0)
        return 4294967295u;
    return (unsigned)floor(draw);
}

/* Draws the attributes of candidate c of tier k (followers, gifted, cost). */
static void draw_candidate(infl_model_ws *ws, uint64_t t, size_t k, size_t c)
{
    const infl_scenario *sc = ws->sc;
    const infl_tier *tier = &sc->tiers[k];
    tier_ws *tw = &ws->tiers[k];
    infl_rng *r = &ws->rng;
    infl__rng_seek(r, t, (uint32_t)k, (uint32_t)c, INFL_STREAM_ATTRIBUTES);
    unsigned f = follower_count(infl__dist_draw(&tier->followers, r));
    double gifted_share = infl__dist_draw(&tier->gifted_share, r);
    bool gifted = infl__rng_uniform(r) < gifted_share;
    double price = infl__dist_draw(&tier->price, r);
    if (tier->price_per_1k)
        price *= (double)f / 1000.0;
    double fee = infl__dist_draw(&tier->platform_fee, r);
    tw->followers[c] = f;
    tw->gifted[c] = gifted;
    tw->cost[c] = gifted ? sc->unit_cost : price * (1.0 + fee);
}

/* Simulates the funnel of candidate c of tier k. Fails only when the mean
 * number of conversations is beyond what the 32-bit Poisson sampler can draw. */
static infl_status draw_funnel(infl_model_ws *ws, uint64_t t, size_t k, size_t c,
                               const infl_market_draw *mk, infl_error *err)
{
    const infl_scenario *sc = ws->sc;
    const infl_tier *tier = &sc->tiers[k];
    tier_ws *tw = &ws->tiers[k];
    infl_rng *r = &ws->rng;
    hire_outcome *o = &tw->out[c];
    unsigned *regional = &tw->regional[c * sc->n_regions];

    infl__rng_seek(r, t, (uint32_t)k, (uint32_t)c, INFL_STREAM_FUNNEL);
    double real_share = infl__dist_draw(&tier->real_share, r);
    double reach = infl__dist_draw(&tier->reach_rate, r);
    double engage = infl__dist_draw(&tier->engagement_rate, r);
    infl__dist_share_draw(&tier->audience, r, ws->shares);
    double interest = infl__dist_draw(&tier->interest_share, r);
    double cpe = infl__dist_draw(&tier->conversations_per_engagement, r);

    /* Validation keeps every parameter where GSL's samplers are defined; a
     * NaN here would make the binomial sampler loop forever, so never pass one. */
    if (isnan(real_share) || isnan(reach) || isnan(engage) || isnan(interest) || isnan(cpe) ||
        isnan(ws->shares[0]))
        return infl_error_add(err, INFL_EINTERNAL,
                              "trial %llu: tier '%s', candidate %zu: a rate was drawn as NaN",
                              (unsigned long long)t, tier->name, c);
    /* R ~ Bin(F, real_share) then V ~ Bin(R, reach) is V ~ Bin(F, real_share
     * reach) exactly, and R is reported nowhere: one draw instead of two. */
    o->viewers = infl__sample_binomial(r, real_share * reach, tw->followers[c]);
    o->engagements = infl__sample_binomial(r, engage, o->viewers);
    infl__sample_multinomial(r, sc->n_regions, o->engagements, ws->shares, regional);
    unsigned shippable = 0;
    double shippable_share = 0.0;
    for (size_t i = 0; i < sc->n_regions; i++) {
        if (sc->regions[i].shippable) {
            shippable += regional[i];
            shippable_share += ws->shares[i];
        }
    }
    if (shippable_share > 1.0)
        shippable_share = 1.0;
    o->shippable = shippable;
    o->interested = infl__sample_binomial(r, interest, shippable);
    double mu = cpe * (double)o->engagements;
    if (mu > INFL_MODEL_MAX_CONVERSATIONS)
        return infl_error_add(err, INFL_ELIMIT,
                              "trial %llu: tier '%s', candidate %zu: %.3g expected conversations "
                              "(conversations_per_engagement x %u engagements) exceed the limit "
                              "of %.3g per post",
                              (unsigned long long)t, tier->name, c, mu, o->engagements,
                              INFL_MODEL_MAX_CONVERSATIONS);
    o->conversations = mu > 0 ? infl__sample_poisson(r, mu) : 0;
    o->wom_prospects = infl__sample_binomial(r, interest * shippable_share, o->conversations);
    double p_wom = mk->purchase_rate * mk->wom_purchase_factor;
    o->conversions_wom = infl__sample_binomial(r, p_wom > 1.0 ? 1.0 : p_wom, o->wom_prospects);
    /* I_lost ~ Bin(E - S, interest) then L ~ Bin(I_lost, p) is L ~ Bin(E - S,
     * interest p) exactly; I_lost is reported nowhere. */
    o->lost = infl__sample_binomial(r, interest * mk->purchase_rate, o->engagements - shippable);

    if (!sc->has_addressable) {
        /* Without overlap N = I for every strategy, so the conversion draw is
         * the same under each; draw it once from the conversion stream. */
        infl__rng_seek(r, t, (uint32_t)k, (uint32_t)c, INFL_STREAM_CONVERSION);
        o->conversions_direct = infl__sample_binomial(r, mk->purchase_rate, o->interested);
    }
    return INFL_OK;
}

/* Hires for strategy s in tier k, drawing candidates as needed. */
static infl_status hire(infl_model_ws *ws, uint64_t t, size_t s, size_t k, infl_error *err)
{
    const infl_scenario *sc = ws->sc;
    tier_ws *tw = &ws->tiers[k];
    const infl_strategy *st = &sc->strategies[s];
    /* Shares are kept as written and may sum to 1 only within 1e-6; dividing
     * by their sum keeps the total never above the budget. */
    double allotted = sc->budget * (st->share[k] / st->share_total);
    /* A relative slack of 1e-12 lets B/c hires through when B is an exact
     * multiple of c but the sum of c rounds a hair above B. */
    double limit = allotted * (1.0 + 1e-12);
    double spent = 0.0;
    size_t c = 0;
    if (allotted > 0) {
        for (;; c++) {
            if (c == tw->generated) {
                if (!tier_grow(tw, c + 1, sc->n_regions))
                    return infl_error_add(err, INFL_ENOMEM, "trial %llu: out of memory",
                                          (unsigned long long)t);
                draw_candidate(ws, t, k, c);
                tw->generated++;
            }
            if (!(spent + tw->cost[c] <= limit))
                break; /* also stops at a NaN cost, which can never fit */
            if (c == INFL_MODEL_MAX_HIRES_PER_TIER)
                return infl_error_add(
                    err, INFL_ELIMIT,
                    "trial %llu: strategy '%s' would hire more than %llu posts from tier "
                    "'%s'; its budget share is too large for the tier's price",
                    (unsigned long long)t, st->name,
                    (unsigned long long)INFL_MODEL_MAX_HIRES_PER_TIER, sc->tiers[k].name);
            spent += tw->cost[c];
        }
    }
    ws->hires[s * sc->n_tiers + k] = c;
    ws->spend[s * sc->n_tiers + k] = spent;
    return INFL_OK;
}

uint64_t infl__model_funnels(const infl_model_ws *ws)
{
    uint64_t n = 0;
    for (size_t k = 0; k < ws->sc->n_tiers; k++)
        n += ws->tiers[k].funneled;
    return n;
}

static double ratio(double num, double den)
{
    return den > 0 ? num / den : NAN;
}

infl_status infl__model_trial(infl_model_ws *ws, uint64_t t, double *rows, infl_market_draw *market,
                              infl_error *err)
{
    const infl_scenario *sc = ws->sc;
    const size_t n_metrics = infl__metrics_count(sc);
    infl_rng *r = &ws->rng;
    infl_status rc;

    infl__rng_seek(r, t, 0, 0, INFL_STREAM_MARKET);
    infl_market_draw mk;
    mk.purchase_rate = infl__dist_draw(&sc->purchase_rate, r);
    mk.wom_purchase_factor = infl__dist_draw(&sc->wom_purchase_factor, r);
    if (isnan(mk.purchase_rate) || isnan(mk.wom_purchase_factor))
        return infl_error_add(err, INFL_EINTERNAL, "trial %llu: the market was drawn as NaN",
                              (unsigned long long)t);
    mk.addressable = NAN;
    unsigned addressable = 0;
    if (sc->has_addressable) {
        addressable = follower_count(infl__dist_draw(&sc->addressable, r));
        mk.addressable = addressable;
    }
    *market = mk;

    for (size_t k = 0; k < sc->n_tiers; k++) {
        ws->tiers[k].generated = 0;
        ws->tiers[k].funneled = 0;
    }
    for (size_t s = 0; s < sc->n_strategies; s++)
        for (size_t k = 0; k < sc->n_tiers; k++)
            if ((rc = hire(ws, t, s, k, err)) != INFL_OK)
                return rc;

    /* The funnel of every candidate some strategy hires, once. */
    for (size_t k = 0; k < sc->n_tiers; k++) {
        size_t most = 0;
        for (size_t s = 0; s < sc->n_strategies; s++)
            if (ws->hires[s * sc->n_tiers + k] > most)
                most = ws->hires[s * sc->n_tiers + k];
        for (size_t c = 0; c < most; c++)
            if ((rc = draw_funnel(ws, t, k, c, &mk, err)) != INFL_OK)
                return rc;
        ws->tiers[k].funneled = most;
    }

    for (size_t s = 0; s < sc->n_strategies; s++) {
        double *row = rows + s * n_metrics;
        memset(row, 0, n_metrics * sizeof *row);
        double hires = 0, gifted = 0, spend = 0, reach = 0, eng = 0, ship = 0, interested = 0;
        double distinct = 0, conv = 0, wom = 0, c_direct = 0, c_wom = 0, lost = 0;
        unsigned seen = 0; /* distinct interested people reached so far (overlap) */
        for (size_t k = 0; k < sc->n_tiers; k++) {
            const tier_ws *tw = &ws->tiers[k];
            size_t h = ws->hires[s * sc->n_tiers + k];
            hires += (double)h;
            spend += ws->spend[s * sc->n_tiers + k];
            row[infl__metrics_tier_hires(k)] = (double)h;
            for (size_t c = 0; c < h; c++) {
                const hire_outcome *o = &tw->out[c];
                gifted += tw->gifted[c];
                reach += o->viewers;
                eng += o->engagements;
                ship += o->shippable;
                interested += o->interested;
                conv += o->conversations;
                wom += o->wom_prospects;
                c_wom += o->conversions_wom;
                lost += o->lost;
                const unsigned *regional = &tw->regional[c * sc->n_regions];
                for (size_t i = 0; i < sc->n_regions; i++)
                    row[infl__metrics_region_engagements(sc, i)] += regional[i];
                if (!sc->has_addressable) {
                    distinct += o->interested;
                    c_direct += o->conversions_direct;
                    continue;
                }
                /* Overlap: of min(I, M) people this post reaches, how many are
                 * new, given `seen` of the M were reached before? */
                infl__rng_seek(r, t, (uint32_t)k, (uint32_t)c, INFL_STREAM_CONVERSION);
                unsigned drawn = o->interested < addressable ? o->interested : addressable;
                unsigned fresh = infl__sample_hypergeometric(r, addressable - seen, seen, drawn);
                seen += fresh;
                distinct += fresh;
                c_direct += infl__sample_binomial(r, mk.purchase_rate, fresh);
            }
        }
        double conversions = c_direct + c_wom;
        double revenue = conversions * sc->price;
        double profit = revenue - conversions * sc->unit_cost - spend;
        row[INFL_M_HIRES] = hires;
        row[INFL_M_GIFTED_HIRES] = gifted;
        row[INFL_M_SPEND] = spend;
        row[INFL_M_UNSPENT] = sc->budget - spend;
        row[INFL_M_REACH] = reach;
        row[INFL_M_ENGAGEMENTS] = eng;
        row[INFL_M_SHIPPABLE_ENGAGEMENTS] = ship;
        row[INFL_M_INTERESTED] = interested;
        row[INFL_M_DISTINCT_INTERESTED] = distinct;
        row[INFL_M_CONVERSATIONS] = conv;
        row[INFL_M_WOM_PROSPECTS] = wom;
        row[INFL_M_CONVERSIONS_DIRECT] = c_direct;
        row[INFL_M_CONVERSIONS_WOM] = c_wom;
        row[INFL_M_CONVERSIONS] = conversions;
        row[INFL_M_LOST_CONVERSIONS] = lost;
        row[INFL_M_REVENUE] = revenue;
        row[INFL_M_PROFIT] = profit;
        row[INFL_M_ROI] = ratio(profit, spend);
        row[INFL_M_COST_PER_ENGAGEMENT] = ratio(spend, eng);
        row[INFL_M_COST_PER_ACQUISITION] = ratio(spend, conversions);
    }
    return INFL_OK;
}
