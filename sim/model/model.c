/*
 * model.c — one trial of the campaign model (see model.h and docs/model.md).
 *
 * Common random numbers: a candidate's attributes, its funnel, its conversion
 * and its repeat-order draws each come from their own stream keyed by (trial,
 * tier, candidate), so candidate c of tier k is the same influencer under
 * every strategy. Each strategy hires a subset of each tier's candidate
 * sequence (a prefix under `hiring.rule: stop`; under `skip` a creator who
 * does not fit is passed over), so candidates are drawn once, up to the
 * furthest any strategy looked, the funnel is simulated once for every
 * candidate that some strategy hired, and each strategy sums its own hires.
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
    unsigned repeat;      /* repeat orders of its customers: without overlap only */
    unsigned char capped; /* engagement per follower bound at one per viewer */
} hire_outcome;

typedef struct {
    size_t generated; /* candidates whose attributes are drawn */
    size_t funneled;  /* funnels simulated this trial */
    size_t capacity;
    double *cost;   /* what must fit the money left: fee (or product) and overhead */
    double *refund; /* the part that returns if the post is not delivered */
    unsigned *followers;
    unsigned char *gifted;
    unsigned char *delivered;
    unsigned char *needed; /* hired by some strategy this trial */
    hire_outcome *out;
    unsigned *regional; /* capacity * n_regions engagements by region */
} tier_ws;

/* The candidates one strategy hired from one tier, in candidate order. */
typedef struct {
    size_t *idx;
    size_t n, cap;
} hire_list;

struct infl_model_ws {
    const infl_scenario *sc;
    infl_rng rng;
    tier_ws *tiers;
    hire_list *hired; /* [s * n_tiers + k] */
    double *spent;    /* [s * n_tiers + k]: the costs of its hires, before refunds */
    size_t *resume;   /* [s * n_tiers + k]: the candidate that ended its hiring */
    size_t *order;    /* n_tiers: tiers by share, for reallocation */
    double *shares;   /* n_regions: a hire's drawn audience */
};

void infl__model_ws_free(infl_model_ws *ws)
{
    if (ws == NULL)
        return;
    const size_t st = ws->sc->n_strategies * ws->sc->n_tiers;
    if (ws->tiers != NULL) {
        for (size_t k = 0; k < ws->sc->n_tiers; k++) {
            tier_ws *t = &ws->tiers[k];
            free(t->cost);
            free(t->refund);
            free(t->followers);
            free(t->gifted);
            free(t->delivered);
            free(t->needed);
            free(t->out);
            free(t->regional);
        }
    }
    if (ws->hired != NULL)
        for (size_t i = 0; i < st; i++)
            free(ws->hired[i].idx);
    free(ws->tiers);
    free(ws->hired);
    free(ws->spent);
    free(ws->resume);
    free(ws->order);
    free(ws->shares);
    free(ws);
}

/* Grows each array of t (keeping what was grown when one realloc fails). */
#define GROW(ptr, n)                                                                               \
    do {                                                                                           \
        void *grown_ = realloc((ptr), (n) * sizeof *(ptr));                                        \
        if (grown_)                                                                                \
            (ptr) = grown_;                                                                        \
        else                                                                                       \
            ok = false;                                                                            \
    } while (0)

static bool tier_grow(tier_ws *t, size_t need, size_t n_regions)
{
    if (need <= t->capacity)
        return true;
    size_t cap = t->capacity ? t->capacity : 64;
    while (cap < need)
        cap *= 2;
    bool ok = true;
    GROW(t->cost, cap);
    GROW(t->refund, cap);
    GROW(t->followers, cap);
    GROW(t->gifted, cap);
    GROW(t->delivered, cap);
    GROW(t->needed, cap);
    GROW(t->out, cap);
    GROW(t->regional, cap * n_regions);
    if (!ok)
        return false;
    t->capacity = cap;
    return true;
}

static bool list_push(hire_list *l, size_t c)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        size_t *idx = realloc(l->idx, cap * sizeof *idx);
        if (idx == NULL)
            return false;
        l->idx = idx;
        l->cap = cap;
    }
    l->idx[l->n++] = c;
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
    ws->hired = calloc(st, sizeof *ws->hired);
    ws->spent = calloc(st, sizeof *ws->spent);
    ws->resume = calloc(st, sizeof *ws->resume);
    ws->order = calloc(sc->n_tiers, sizeof *ws->order);
    ws->shares = calloc(sc->n_regions, sizeof *ws->shares);
    if (!ws->tiers || !ws->hired || !ws->spent || !ws->resume || !ws->order || !ws->shares)
        goto fail;
    /* Size each tier for the hires its mean cost suggests, so the first
     * trials rarely need to grow it. */
    for (size_t k = 0; k < sc->n_tiers; k++) {
        const infl_tier *tier = &sc->tiers[k];
        double mean_cost = infl__dist_mean(&tier->price);
        if (tier->price_per_1k)
            mean_cost *= infl__dist_mean(&tier->followers) / 1000.0;
        mean_cost += infl__dist_mean(&tier->overhead_per_hire);
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

/* Draws the attributes of candidate c of tier k (followers, gifted, cost,
 * delivery). The draws the reference model makes come first in the stream, in
 * its order, so the extensions leave them unchanged. */
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
    double overhead = infl__dist_draw(&tier->overhead_per_hire, r);
    double post = infl__dist_draw(&tier->post_probability, r);
    /* A certain post draws nothing, so a tier without the key spends no draw. */
    bool delivered = post >= 1.0 || infl__rng_uniform(r) < post;
    tw->followers[c] = f;
    tw->gifted[c] = gifted;
    tw->delivered[c] = delivered;
    tw->needed[c] = 0;
    /* A gifted product is sent whether or not the creator posts; a fee is
     * paid only for a post (overhead: outreach, contract, shipping, always). */
    double pay = gifted ? sc->unit_cost : price * (1.0 + fee);
    tw->cost[c] = pay + overhead;
    tw->refund[c] = delivered || gifted ? 0.0 : pay;
}

/* Repeat orders of `customers` customers: Poisson(lambda x customers), from
 * the stream of candidate c of tier k. */
static infl_status draw_repeat(infl_model_ws *ws, uint64_t t, size_t k, size_t c, double lambda,
                               double customers, unsigned *out, infl_error *err)
{
    *out = 0;
    if (!(lambda > 0) || !(customers > 0))
        return INFL_OK;
    double mu = lambda * customers;
    if (mu > INFL_MODEL_MAX_CONVERSATIONS)
        return infl_error_add(err, INFL_ELIMIT,
                              "trial %llu: tier '%s', candidate %zu: %.3g expected repeat orders "
                              "exceed the limit of %.3g per post",
                              (unsigned long long)t, ws->sc->tiers[k].name, c, mu,
                              INFL_MODEL_MAX_CONVERSATIONS);
    infl__rng_seek(&ws->rng, t, (uint32_t)k, (uint32_t)c, INFL_STREAM_REPEAT);
    *out = infl__sample_poisson(&ws->rng, mu);
    return INFL_OK;
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
    double engage;
    o->capped = 0;
    if (tier->per_follower) {
        /* A dashboard's engagement per follower e is real_share x reach x
         * (engagement per viewer): invert it, at most one per viewer. */
        double e = infl__dist_draw(&tier->engagement_per_follower, r);
        double viewed = real_share * reach;
        o->capped = e > viewed;
        /* Nobody sees the post (a real share or reach of 0): no viewer to
         * engage, and no 0 / 0. */
        engage = o->capped ? 1.0 : viewed > 0 ? e / viewed : 0.0;
    } else {
        engage = infl__dist_draw(&tier->engagement_rate, r);
    }
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

    o->conversions_direct = 0;
    o->repeat = 0;
    if (!sc->has_addressable) {
        /* Without overlap N = I for every strategy, so the conversion draw is
         * the same under each; draw it once from the conversion stream. */
        infl__rng_seek(r, t, (uint32_t)k, (uint32_t)c, INFL_STREAM_CONVERSION);
        o->conversions_direct = infl__sample_binomial(r, mk->purchase_rate, o->interested);
        /* In double: the two counts can together pass 2^32. */
        return draw_repeat(ws, t, k, c, mk->repeat_orders,
                           (double)o->conversions_direct + (double)o->conversions_wom, &o->repeat,
                           err);
    }
    return INFL_OK;
}

/* A creator who did not post: no funnel (and no draw). */
static void no_funnel(infl_model_ws *ws, size_t k, size_t c)
{
    tier_ws *tw = &ws->tiers[k];
    memset(&tw->out[c], 0, sizeof tw->out[c]);
    memset(&tw->regional[c * ws->sc->n_regions], 0, ws->sc->n_regions * sizeof *tw->regional);
}

/*
 * Offers tier k's candidates, from where its hiring last ended, to strategy s
 * with `money` to spend, under the scenario's rule; appends the hires and
 * adds their cost to ws->spent. Draws candidates as needed.
 */
static infl_status hire_from(infl_model_ws *ws, uint64_t t, size_t s, size_t k, double money,
                             infl_error *err)
{
    const infl_scenario *sc = ws->sc;
    tier_ws *tw = &ws->tiers[k];
    const size_t sk = s * sc->n_tiers + k;
    hire_list *list = &ws->hired[sk];
    /* A relative slack of 1e-12 lets B/c hires through when B is an exact
     * multiple of c but the sum of c rounds a hair above B. */
    double limit = money * (1.0 + 1e-12);
    double spent = 0.0;
    uint64_t misfits = 0;
    size_t c = ws->resume[sk];
    if (money > 0) {
        for (;; c++) {
            if (c == tw->generated) {
                if (c == INFL_MODEL_MAX_CANDIDATES_PER_TIER)
                    return infl_error_add(
                        err, INFL_ELIMIT,
                        "trial %llu: strategy '%s' would consider more than %llu creators of "
                        "tier '%s'; lower hiring.max_skips or check the tier's prices",
                        (unsigned long long)t, sc->strategies[s].name,
                        (unsigned long long)INFL_MODEL_MAX_CANDIDATES_PER_TIER, sc->tiers[k].name);
                if (!tier_grow(tw, c + 1, sc->n_regions))
                    return infl_error_add(err, INFL_ENOMEM, "trial %llu: out of memory",
                                          (unsigned long long)t);
                draw_candidate(ws, t, k, c);
                tw->generated++;
            }
            /* A NaN cost never fits. */
            if (!(spent + tw->cost[c] <= limit)) {
                if (sc->hiring_rule == INFL_HIRING_STOP || ++misfits >= sc->max_skips)
                    break;
                continue;
            }
            if (list->n == INFL_MODEL_MAX_HIRES_PER_TIER)
                return infl_error_add(
                    err, INFL_ELIMIT,
                    "trial %llu: strategy '%s' would hire more than %llu posts from tier "
                    "'%s'; its budget share is too large for the tier's price",
                    (unsigned long long)t, sc->strategies[s].name,
                    (unsigned long long)INFL_MODEL_MAX_HIRES_PER_TIER, sc->tiers[k].name);
            if (!list_push(list, c))
                return infl_error_add(err, INFL_ENOMEM, "trial %llu: out of memory",
                                      (unsigned long long)t);
            tw->needed[c] = 1;
            spent += tw->cost[c];
            misfits = 0;
        }
    }
    ws->resume[sk] = c;
    ws->spent[sk] += spent;
    return INFL_OK;
}

/* Hires for strategy s: each tier from its own share, then (hiring.reallocate)
 * the money left in all of them, offered again largest share first. */
static infl_status hire(infl_model_ws *ws, uint64_t t, size_t s, infl_error *err)
{
    const infl_scenario *sc = ws->sc;
    const infl_strategy *st = &sc->strategies[s];
    const size_t nt = sc->n_tiers;
    infl_status rc;
    double left = 0.0;
    for (size_t k = 0; k < nt; k++) {
        const size_t sk = s * nt + k;
        ws->hired[sk].n = 0;
        ws->spent[sk] = 0.0;
        ws->resume[sk] = 0;
        /* Shares are kept as written and may sum to 1 only within 1e-6;
         * dividing by their sum keeps the total never above the budget. */
        double allotted = sc->budget * (st->share[k] / st->share_total);
        if ((rc = hire_from(ws, t, s, k, allotted, err)) != INFL_OK)
            return rc;
        left += allotted - ws->spent[sk];
    }
    if (!sc->reallocate)
        return INFL_OK;
    /* Tiers with a share, largest first; ties in tier order (insertion sort:
     * stable, and there are few tiers). */
    size_t n = 0;
    for (size_t k = 0; k < nt; k++) {
        if (!(st->share[k] > 0))
            continue;
        size_t i = n++;
        while (i > 0 && st->share[ws->order[i - 1]] < st->share[k]) {
            ws->order[i] = ws->order[i - 1];
            i--;
        }
        ws->order[i] = k;
    }
    for (size_t i = 0; i < n && left > 0; i++) {
        const size_t k = ws->order[i], sk = s * nt + k;
        double before = ws->spent[sk];
        if ((rc = hire_from(ws, t, s, k, left, err)) != INFL_OK)
            return rc;
        left -= ws->spent[sk] - before;
    }
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

/* The per-trial market: purchase rate, word-of-mouth factor, market size and
 * the repeat-order rate, in that order in the trial's market stream. */
static infl_status draw_market(infl_model_ws *ws, uint64_t t, infl_market_draw *mk,
                               unsigned *addressable, infl_error *err)
{
    const infl_scenario *sc = ws->sc;
    infl_rng *r = &ws->rng;
    infl__rng_seek(r, t, 0, 0, INFL_STREAM_MARKET);
    mk->purchase_rate = infl__dist_draw(&sc->purchase_rate, r);
    mk->wom_purchase_factor = infl__dist_draw(&sc->wom_purchase_factor, r);
    if (isnan(mk->purchase_rate) || isnan(mk->wom_purchase_factor))
        return infl_error_add(err, INFL_EINTERNAL, "trial %llu: the market was drawn as NaN",
                              (unsigned long long)t);
    mk->addressable = NAN;
    *addressable = 0;
    if (sc->has_addressable) {
        *addressable = follower_count(infl__dist_draw(&sc->addressable, r));
        mk->addressable = *addressable;
    }
    mk->repeat_orders = infl__dist_draw(&sc->repeat_orders, r);
    if (isnan(mk->repeat_orders))
        return infl_error_add(err, INFL_EINTERNAL, "trial %llu: repeat orders were drawn as NaN",
                              (unsigned long long)t);
    return INFL_OK;
}

infl_status infl__model_trial(infl_model_ws *ws, uint64_t t, double *rows, infl_market_draw *market,
                              infl_error *err)
{
    const infl_scenario *sc = ws->sc;
    const size_t n_metrics = infl__metrics_count(sc), nt = sc->n_tiers;
    infl_rng *r = &ws->rng;
    infl_status rc;

    infl_market_draw mk;
    unsigned addressable = 0;
    if ((rc = draw_market(ws, t, &mk, &addressable, err)) != INFL_OK)
        return rc;
    *market = mk;

    for (size_t k = 0; k < nt; k++) {
        ws->tiers[k].generated = 0;
        ws->tiers[k].funneled = 0;
    }
    for (size_t s = 0; s < sc->n_strategies; s++)
        if ((rc = hire(ws, t, s, err)) != INFL_OK)
            return rc;

    /* The funnel of every candidate some strategy hired, once. */
    for (size_t k = 0; k < nt; k++) {
        tier_ws *tw = &ws->tiers[k];
        for (size_t c = 0; c < tw->generated; c++) {
            if (!tw->needed[c])
                continue;
            if (!tw->delivered[c]) {
                no_funnel(ws, k, c);
                continue;
            }
            if ((rc = draw_funnel(ws, t, k, c, &mk, err)) != INFL_OK)
                return rc;
            tw->funneled++;
        }
    }

    for (size_t s = 0; s < sc->n_strategies; s++) {
        double *row = rows + s * n_metrics;
        memset(row, 0, n_metrics * sizeof *row);
        double hires = 0, gifted = 0, spend = 0, reach = 0, eng = 0, ship = 0, interested = 0;
        double distinct = 0, conv = 0, wom = 0, c_direct = 0, c_wom = 0, lost = 0;
        double undelivered = 0, refunded = 0, capped = 0, repeat = 0;
        unsigned seen = 0; /* distinct interested people reached so far (overlap) */
        for (size_t k = 0; k < nt; k++) {
            const tier_ws *tw = &ws->tiers[k];
            const hire_list *list = &ws->hired[s * nt + k];
            /* The tier's spend, hire by hire in candidate order: the sum
             * hiring made (bit for bit, where nothing is refunded), and
             * exactly 0 where every hire was refunded and has no overhead. */
            double tier_refund = 0, tier_spend = 0;
            hires += (double)list->n;
            row[infl__metrics_tier_hires(k)] = (double)list->n;
            for (size_t i = 0; i < list->n; i++) {
                const size_t c = list->idx[i];
                const hire_outcome *o = &tw->out[c];
                gifted += tw->gifted[c];
                tier_spend += tw->cost[c] - tw->refund[c];
                if (!tw->delivered[c]) {
                    undelivered += 1;
                    tier_refund += tw->refund[c];
                    continue;
                }
                capped += o->capped;
                reach += o->viewers;
                eng += o->engagements;
                ship += o->shippable;
                interested += o->interested;
                conv += o->conversations;
                wom += o->wom_prospects;
                c_wom += o->conversions_wom;
                lost += o->lost;
                const unsigned *regional = &tw->regional[c * sc->n_regions];
                for (size_t j = 0; j < sc->n_regions; j++)
                    row[infl__metrics_region_engagements(sc, j)] += regional[j];
                if (!sc->has_addressable) {
                    distinct += o->interested;
                    c_direct += o->conversions_direct;
                    repeat += o->repeat;
                    continue;
                }
                /* Overlap: of min(I, M) people this post reaches, how many are
                 * new, given `seen` of the M were reached before? */
                infl__rng_seek(r, t, (uint32_t)k, (uint32_t)c, INFL_STREAM_CONVERSION);
                unsigned drawn = o->interested < addressable ? o->interested : addressable;
                unsigned fresh = infl__sample_hypergeometric(r, addressable - seen, seen, drawn);
                seen += fresh;
                distinct += fresh;
                unsigned bought = infl__sample_binomial(r, mk.purchase_rate, fresh);
                c_direct += bought;
                unsigned again;
                if ((rc = draw_repeat(ws, t, k, c, mk.repeat_orders,
                                      (double)bought + (double)o->conversions_wom, &again, err)) !=
                    INFL_OK)
                    return rc;
                repeat += again;
            }
            /* Fees of posts not delivered returned at the end, unspent. */
            row[infl__metrics_tier_spend(sc, k)] = tier_spend;
            spend += tier_spend;
            refunded += tier_refund;
        }
        double conversions = c_direct + c_wom;
        double revenue = conversions * sc->price;
        double profit = revenue - conversions * sc->unit_cost - spend;
        /* orders x (price - unit cost) - spend, written so that it is profit
         * itself, to the last bit, when there are no repeat orders. */
        double ltv_profit = profit + repeat * (sc->price - sc->unit_cost);
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
        row[INFL_M_UNDELIVERED] = undelivered;
        row[INFL_M_REFUNDED_FEES] = refunded;
        row[INFL_M_CAPPED_ENGAGEMENT] = capped;
        row[INFL_M_ORDERS] = conversions + repeat;
        row[INFL_M_LTV_REVENUE] = revenue + repeat * sc->price;
        row[INFL_M_LTV_PROFIT] = ltv_profit;
        row[INFL_M_LTV_ROI] = ratio(ltv_profit, spend);
    }
    return INFL_OK;
}
