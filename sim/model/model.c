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
 *
 * Named creators of a roster are the same, with one candidate each: a
 * creator's streams are keyed by its identity (rng.h), so it is the same
 * creator under every strategy and whatever else the roster holds. A strategy
 * pays its named hires first, in the order listed, then splits what is left
 * across its tiers.
 */
#include "model/model.h"

#include "model/metrics.h"
#include "random/rng.h"
#include "random/sample.h"

#include <math.h>
#include <stdio.h>
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

/* What is drawn: candidate c of tier k, or creator j of the roster. */
typedef struct {
    const infl_tier *p; /* its parameters */
    tier_ws *tw;        /* the arrays it lives in */
    size_t slot;        /* its index there */
    size_t stride;      /* entries of tw->regional per slot */
    bool creator;
    uint32_t tier; /* tier k (not a creator) */
    uint64_t id;   /* candidate index, or the creator's key */
} unit;

struct infl_model_ws {
    const infl_scenario *sc;
    infl_rng rng;
    tier_ws *tiers;
    tier_ws roster;       /* one slot per creator, regional stride n_regions + 1 */
    unsigned char *drawn; /* per creator: drawn this trial */
    size_t *touched;      /* creators drawn this trial (n_touched) */
    size_t n_touched;
    hire_list *named;      /* [s]: the creators strategy s hired by name, in its order */
    double *named_unhired; /* [s]: named creators whose cost did not fit */
    hire_list *hired;      /* [s * n_tiers + k] */
    double *spent;         /* [s * n_tiers + k]: the costs of its hires, before refunds */
    size_t *resume;        /* [s * n_tiers + k]: the candidate that ended its hiring */
    size_t *order;         /* n_tiers: tiers by share, for reallocation */
    double *shares;        /* n_regions: a hire's drawn audience */
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
    if (ws->named != NULL)
        for (size_t s = 0; s < ws->sc->n_strategies; s++)
            free(ws->named[s].idx);
    tier_ws *ro = &ws->roster;
    free(ro->cost);
    free(ro->refund);
    free(ro->followers);
    free(ro->gifted);
    free(ro->delivered);
    free(ro->needed);
    free(ro->out);
    free(ro->regional);
    free(ws->drawn);
    free(ws->touched);
    free(ws->named);
    free(ws->named_unhired);
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
    ws->tiers = calloc(sc->n_tiers ? sc->n_tiers : 1, sizeof *ws->tiers);
    if (st == 0)
        st = 1; /* a roster without tiers: keep every array non-NULL */
    ws->hired = calloc(st, sizeof *ws->hired);
    ws->spent = calloc(st, sizeof *ws->spent);
    ws->resume = calloc(st, sizeof *ws->resume);
    ws->order = calloc(sc->n_tiers ? sc->n_tiers : 1, sizeof *ws->order);
    /* One more than the regions: a creator's audience in no region. */
    ws->shares = calloc(sc->n_regions + 1, sizeof *ws->shares);
    ws->named = calloc(sc->n_strategies, sizeof *ws->named);
    ws->named_unhired = calloc(sc->n_strategies, sizeof *ws->named_unhired);
    if (!ws->tiers || !ws->hired || !ws->spent || !ws->resume || !ws->order || !ws->shares ||
        !ws->named || !ws->named_unhired)
        goto fail;
    if (sc->n_creators > 0) {
        ws->drawn = calloc(sc->n_creators, 1);
        ws->touched = calloc(sc->n_creators, sizeof *ws->touched);
        if (!ws->drawn || !ws->touched ||
            !tier_grow(&ws->roster, sc->n_creators, sc->n_regions + 1))
            goto fail;
    }
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

static unit tier_unit(infl_model_ws *ws, size_t k, size_t c)
{
    return (unit){.p = &ws->sc->tiers[k],
                  .tw = &ws->tiers[k],
                  .slot = c,
                  .stride = ws->sc->n_regions,
                  .creator = false,
                  .tier = (uint32_t)k,
                  .id = c};
}

static unit creator_unit(infl_model_ws *ws, size_t j)
{
    const infl_creator *cr = &ws->sc->creators[j];
    return (unit){.p = &cr->p,
                  .tw = &ws->roster,
                  .slot = j,
                  .stride = ws->sc->n_regions + 1,
                  .creator = true,
                  .tier = 0,
                  .id = cr->key};
}

/* Positions the generator at u's stream for `purpose` in trial t. */
static void seek(infl_rng *r, uint64_t t, const unit *u, infl_stream_purpose purpose)
{
    if (u->creator)
        infl__rng_seek_creator(r, t, u->id, purpose);
    else
        infl__rng_seek(r, t, u->tier, (uint32_t)u->id, purpose);
}

/* "tier 'micro', candidate 12" or "creator 'anna'", for messages. */
static const char *describe(const unit *u, char buf[160])
{
    if (u->creator)
        snprintf(buf, 160, "creator '%s'", u->p->name);
    else
        snprintf(buf, 160, "tier '%s', candidate %llu", u->p->name, (unsigned long long)u->id);
    return buf;
}

/* Draws the attributes of u (followers, gifted, cost, delivery). The draws
 * the reference model makes come first in the stream, in its order, so the
 * extensions leave them unchanged. */
static void draw_candidate(infl_model_ws *ws, uint64_t t, const unit *u)
{
    const infl_scenario *sc = ws->sc;
    const infl_tier *tier = u->p;
    tier_ws *tw = u->tw;
    const size_t c = u->slot;
    infl_rng *r = &ws->rng;
    seek(r, t, u, INFL_STREAM_ATTRIBUTES);
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
 * u's repeat stream. */
static infl_status draw_repeat(infl_rng *r, uint64_t t, const unit *u, double lambda,
                               double customers, unsigned *out, infl_error *err)
{
    *out = 0;
    if (!(lambda > 0) || !(customers > 0))
        return INFL_OK;
    double mu = lambda * customers;
    char who[160];
    if (mu > INFL_MODEL_MAX_CONVERSATIONS)
        return infl_error_add(err, INFL_ELIMIT,
                              "trial %llu: %s: %.3g expected repeat orders exceed the limit of "
                              "%.3g per post",
                              (unsigned long long)t, describe(u, who), mu,
                              INFL_MODEL_MAX_CONVERSATIONS);
    seek(r, t, u, INFL_STREAM_REPEAT);
    *out = infl__sample_poisson(r, mu);
    return INFL_OK;
}

/* Simulates the funnel of u. Fails only when the mean number of
 * conversations is beyond what the 32-bit Poisson sampler can draw. */
static infl_status draw_funnel(infl_model_ws *ws, uint64_t t, const unit *u,
                               const infl_market_draw *mk, infl_error *err)
{
    const infl_scenario *sc = ws->sc;
    const infl_tier *tier = u->p;
    tier_ws *tw = u->tw;
    const size_t c = u->slot;
    infl_rng *r = &ws->rng;
    hire_outcome *o = &tw->out[c];
    unsigned *regional = &tw->regional[c * u->stride];
    char who[160];

    /* Views from outside the followers (docs/model.md, "Views from beyond
     * the followers"): their own stream, so the funnel's draws are those of
     * a tier without the term; at the default 0 nothing is drawn. */
    double beyond = 0.0;
    unsigned beyond_views = 0;
    const infl_dist *views = &tier->nonfollower_views;
    if (!infl__dist_is_zero(views)) {
        seek(r, t, u, INFL_STREAM_VIEWS);
        beyond = infl__dist_draw(views, r);
        double mu = beyond * (double)tw->followers[c];
        if (isnan(mu))
            return infl_error_add(err, INFL_EINTERNAL,
                                  "trial %llu: %s: nonfollower_views was drawn as NaN",
                                  (unsigned long long)t, describe(u, who));
        if (mu > INFL_MODEL_MAX_CONVERSATIONS)
            return infl_error_add(err, INFL_ELIMIT,
                                  "trial %llu: %s: %.3g expected views from outside the "
                                  "followers (nonfollower_views x %u followers) exceed the limit "
                                  "of %.3g per post",
                                  (unsigned long long)t, describe(u, who), mu, tw->followers[c],
                                  INFL_MODEL_MAX_CONVERSATIONS);
        beyond_views = mu > 0 ? infl__sample_poisson(r, mu) : 0;
    }

    seek(r, t, u, INFL_STREAM_FUNNEL);
    double real_share = infl__dist_draw(&tier->real_share, r);
    double reach = infl__dist_draw(&tier->reach_rate, r);
    double engage;
    o->capped = 0;
    if (tier->per_follower) {
        /* A dashboard's engagement per follower e is engagements over
         * followers, viewers from outside them included: e / (real_share x
         * reach + beyond) per viewer, at most one. */
        double e = infl__dist_draw(&tier->engagement_per_follower, r);
        double viewed = real_share * reach + beyond;
        o->capped = e > viewed;
        /* Nobody sees the post (a real share or reach of 0): no viewer to
         * engage, and no 0 / 0. */
        engage = o->capped ? 1.0 : viewed > 0 ? e / viewed : 0.0;
    } else {
        engage = infl__dist_draw(&tier->engagement_rate, r);
    }
    /* A creator's audience by country has one more share, in no region. */
    const size_t n_shares = tier->audience.n;
    infl__dist_share_draw(&tier->audience, r, ws->shares);
    double interest = infl__dist_draw(&tier->interest_share, r);
    double cpe = infl__dist_draw(&tier->conversations_per_engagement, r);

    /* Validation keeps every parameter where GSL's samplers are defined; a
     * NaN here would make the binomial sampler loop forever, so never pass one. */
    if (isnan(real_share) || isnan(reach) || isnan(engage) || isnan(interest) || isnan(cpe) ||
        isnan(ws->shares[0]))
        return infl_error_add(err, INFL_EINTERNAL, "trial %llu: %s: a rate was drawn as NaN",
                              (unsigned long long)t, describe(u, who));
    /* R ~ Bin(F, real_share) then V ~ Bin(R, reach) is V ~ Bin(F, real_share
     * reach) exactly, and R is reported nowhere: one draw instead of two. */
    o->viewers = infl__sample_binomial(r, real_share * reach, tw->followers[c]);
    if (beyond_views > UINT32_MAX - o->viewers)
        return infl_error_add(err, INFL_ELIMIT,
                              "trial %llu: %s: %u viewers among the followers and %u from "
                              "outside them exceed the limit of 4294967295 viewers of one post",
                              (unsigned long long)t, describe(u, who), o->viewers, beyond_views);
    o->viewers += beyond_views;
    o->engagements = infl__sample_binomial(r, engage, o->viewers);
    infl__sample_multinomial(r, n_shares, o->engagements, ws->shares, regional);
    if (n_shares < u->stride)
        regional[u->stride - 1] = 0;
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
                              "trial %llu: %s: %.3g expected conversations "
                              "(conversations_per_engagement x %u engagements) exceed the limit "
                              "of %.3g per post",
                              (unsigned long long)t, describe(u, who), mu, o->engagements,
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
        seek(r, t, u, INFL_STREAM_CONVERSION);
        o->conversions_direct = infl__sample_binomial(r, mk->purchase_rate, o->interested);
        /* In double: the two counts can together pass 2^32. */
        return draw_repeat(r, t, u, mk->repeat_orders,
                           (double)o->conversions_direct + (double)o->conversions_wom, &o->repeat,
                           err);
    }
    return INFL_OK;
}

/* A creator who did not post: no funnel (and no draw). */
static void no_funnel(const unit *u)
{
    memset(&u->tw->out[u->slot], 0, sizeof u->tw->out[u->slot]);
    memset(&u->tw->regional[u->slot * u->stride], 0, u->stride * sizeof *u->tw->regional);
}

/* Draws creator j's attributes once per trial. */
static void ensure_creator(infl_model_ws *ws, uint64_t t, size_t j)
{
    if (ws->drawn[j])
        return;
    unit u = creator_unit(ws, j);
    draw_candidate(ws, t, &u);
    ws->drawn[j] = 1;
    ws->touched[ws->n_touched++] = j;
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
                unit u = tier_unit(ws, k, c);
                draw_candidate(ws, t, &u);
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
    /* Named hires first, in the order listed, each if it fits what is left
     * (with hiring's relative slack); a misfit is counted, never an end. */
    hire_list *nl = &ws->named[s];
    nl->n = 0;
    ws->named_unhired[s] = 0;
    double named = 0.0, limit = sc->budget * (1.0 + 1e-12);
    for (size_t i = 0; i < st->n_named; i++) {
        const size_t j = st->named[i];
        ensure_creator(ws, t, j);
        if (!(named + ws->roster.cost[j] <= limit)) {
            ws->named_unhired[s] += 1;
            continue;
        }
        if (!list_push(nl, j))
            return infl_error_add(err, INFL_ENOMEM, "trial %llu: out of memory",
                                  (unsigned long long)t);
        ws->roster.needed[j] = 1;
        named += ws->roster.cost[j];
    }
    /* The rest of the budget goes to the tiers (all of it without named
     * hires: budget - 0 is the budget, bit for bit). */
    double rest = sc->budget - named;
    if (rest < 0)
        rest = 0;
    double left = 0.0;
    for (size_t k = 0; k < nt; k++) {
        const size_t sk = s * nt + k;
        ws->hired[sk].n = 0;
        ws->spent[sk] = 0.0;
        ws->resume[sk] = 0;
        /* Shares are kept as written and may sum to 1 only within 1e-6;
         * dividing by their sum keeps the total never above the budget. */
        double allotted = st->has_allocation ? rest * (st->share[k] / st->share_total) : 0.0;
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
    uint64_t n = ws->roster.funneled;
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

/* Overlap: of min(I, M) people u's post reaches, how many are new, given
 * `seen` of the M were reached before; how many of those buy; and the repeat
 * orders of its customers. The one place these draws are made, for a run and
 * for the roster search alike. */
static infl_status overlap_draws(infl_rng *r, uint64_t t, const unit *u, const infl_market_draw *mk,
                                 unsigned addressable, unsigned seen, unsigned interested,
                                 unsigned conversions_wom, infl_overlap_draw *out, infl_error *err)
{
    seek(r, t, u, INFL_STREAM_CONVERSION);
    unsigned drawn = interested < addressable ? interested : addressable;
    out->fresh = infl__sample_hypergeometric(r, addressable - seen, seen, drawn);
    out->bought = infl__sample_binomial(r, mk->purchase_rate, out->fresh);
    return draw_repeat(r, t, u, mk->repeat_orders, (double)out->bought + (double)conversions_wom,
                       &out->repeat, err);
}

/* What one strategy's hires add up to in a trial. */
typedef struct {
    double hires, gifted, reach, eng, ship, interested, distinct, conv, wom, c_direct, c_wom;
    double lost, undelivered, refunded, capped, repeat;
    unsigned seen; /* distinct interested people reached so far (overlap) */
} tally;

/* Adds hire u to the strategy's tally and row (its engagements by region),
 * its spend to *spend and a returned fee to *refund; with overlap, draws how
 * many of the people it reaches are new. */
static infl_status add_hire(infl_model_ws *ws, uint64_t t, const unit *u,
                            const infl_market_draw *mk, unsigned addressable, double *row, tally *a,
                            double *spend, double *refund, infl_error *err)
{
    const infl_scenario *sc = ws->sc;
    const tier_ws *tw = u->tw;
    const size_t c = u->slot;
    const hire_outcome *o = &tw->out[c];
    a->gifted += tw->gifted[c];
    *spend += tw->cost[c] - tw->refund[c];
    if (!tw->delivered[c]) {
        a->undelivered += 1;
        *refund += tw->refund[c];
        return INFL_OK;
    }
    a->capped += o->capped;
    a->reach += o->viewers;
    a->eng += o->engagements;
    a->ship += o->shippable;
    a->interested += o->interested;
    a->conv += o->conversations;
    a->wom += o->wom_prospects;
    a->c_wom += o->conversions_wom;
    a->lost += o->lost;
    const unsigned *regional = &tw->regional[c * u->stride];
    for (size_t j = 0; j < sc->n_regions; j++)
        row[infl__metrics_region_engagements(sc, j)] += regional[j];
    /* Only an audience by country has a share in no region (and the metric). */
    if (u->p->audience.n > sc->n_regions)
        row[infl__metrics_unknown_engagements(sc)] += regional[sc->n_regions];
    if (!sc->has_addressable) {
        a->distinct += o->interested;
        a->c_direct += o->conversions_direct;
        a->repeat += o->repeat;
        return INFL_OK;
    }
    infl_overlap_draw d;
    infl_status rc = overlap_draws(&ws->rng, t, u, mk, addressable, a->seen, o->interested,
                                   o->conversions_wom, &d, err);
    a->seen += d.fresh;
    a->distinct += d.fresh;
    a->c_direct += d.bought;
    a->repeat += d.repeat;
    return rc;
}

/* Simulates the funnel of u if some strategy hired it (no funnel if it did
 * not post). */
static infl_status funnel_if_needed(infl_model_ws *ws, uint64_t t, const unit *u,
                                    const infl_market_draw *mk, size_t *funneled, infl_error *err)
{
    if (!u->tw->needed[u->slot])
        return INFL_OK;
    if (!u->tw->delivered[u->slot]) {
        no_funnel(u);
        return INFL_OK;
    }
    ++*funneled;
    return draw_funnel(ws, t, u, mk, err);
}

infl_status infl__model_trial(infl_model_ws *ws, uint64_t t, double *rows, infl_market_draw *market,
                              infl_error *err)
{
    const infl_scenario *sc = ws->sc;
    const size_t n_metrics = infl__metrics_count(sc), nt = sc->n_tiers;
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
    for (size_t i = 0; i < ws->n_touched; i++)
        ws->drawn[ws->touched[i]] = 0;
    ws->n_touched = 0;
    ws->roster.funneled = 0;
    for (size_t s = 0; s < sc->n_strategies; s++)
        if ((rc = hire(ws, t, s, err)) != INFL_OK)
            return rc;

    /* The funnel of every candidate and creator some strategy hired, once. */
    for (size_t i = 0; i < ws->n_touched; i++) {
        unit u = creator_unit(ws, ws->touched[i]);
        if ((rc = funnel_if_needed(ws, t, &u, &mk, &ws->roster.funneled, err)) != INFL_OK)
            return rc;
    }
    for (size_t k = 0; k < nt; k++) {
        tier_ws *tw = &ws->tiers[k];
        for (size_t c = 0; c < tw->generated; c++) {
            unit u = tier_unit(ws, k, c);
            if ((rc = funnel_if_needed(ws, t, &u, &mk, &tw->funneled, err)) != INFL_OK)
                return rc;
        }
    }

    for (size_t s = 0; s < sc->n_strategies; s++) {
        double *row = rows + s * n_metrics;
        memset(row, 0, n_metrics * sizeof *row);
        tally a = {0};
        double spend = 0;
        /* Named hires first in the overlap order, in the order listed. */
        const hire_list *nl = &ws->named[s];
        if (sc->has_named) {
            double named_spend = 0, named_refund = 0;
            for (size_t i = 0; i < nl->n; i++) {
                unit u = creator_unit(ws, nl->idx[i]);
                if ((rc = add_hire(ws, t, &u, &mk, addressable, row, &a, &named_spend,
                                   &named_refund, err)) != INFL_OK)
                    return rc;
            }
            a.hires += (double)nl->n;
            row[infl__metrics_named(sc, INFL_M_NAMED_HIRES)] = (double)nl->n;
            row[infl__metrics_named(sc, INFL_M_NAMED_UNHIRED)] = ws->named_unhired[s];
            row[infl__metrics_named(sc, INFL_M_SPEND_NAMED)] = named_spend;
            spend += named_spend;
            a.refunded += named_refund;
        }
        for (size_t k = 0; k < nt; k++) {
            const hire_list *list = &ws->hired[s * nt + k];
            /* The tier's spend, hire by hire in candidate order: the sum
             * hiring made (bit for bit, where nothing is refunded), and
             * exactly 0 where every hire was refunded and has no overhead. */
            double tier_refund = 0, tier_spend = 0;
            a.hires += (double)list->n;
            row[infl__metrics_tier_hires(k)] = (double)list->n;
            for (size_t i = 0; i < list->n; i++) {
                unit u = tier_unit(ws, k, list->idx[i]);
                if ((rc = add_hire(ws, t, &u, &mk, addressable, row, &a, &tier_spend, &tier_refund,
                                   err)) != INFL_OK)
                    return rc;
            }
            /* Fees of posts not delivered returned at the end, unspent. */
            row[infl__metrics_tier_spend(sc, k)] = tier_spend;
            spend += tier_spend;
            a.refunded += tier_refund;
        }
        double conversions = a.c_direct + a.c_wom;
        double revenue = conversions * sc->price;
        double profit = revenue - conversions * sc->unit_cost - spend;
        /* orders x (price - unit cost) - spend, written so that it is profit
         * itself, to the last bit, when there are no repeat orders. */
        double ltv_profit = profit + a.repeat * (sc->price - sc->unit_cost);
        row[INFL_M_HIRES] = a.hires;
        row[INFL_M_GIFTED_HIRES] = a.gifted;
        row[INFL_M_SPEND] = spend;
        row[INFL_M_UNSPENT] = sc->budget - spend;
        row[INFL_M_REACH] = a.reach;
        row[INFL_M_ENGAGEMENTS] = a.eng;
        row[INFL_M_SHIPPABLE_ENGAGEMENTS] = a.ship;
        row[INFL_M_INTERESTED] = a.interested;
        row[INFL_M_DISTINCT_INTERESTED] = a.distinct;
        row[INFL_M_CONVERSATIONS] = a.conv;
        row[INFL_M_WOM_PROSPECTS] = a.wom;
        row[INFL_M_CONVERSIONS_DIRECT] = a.c_direct;
        row[INFL_M_CONVERSIONS_WOM] = a.c_wom;
        row[INFL_M_CONVERSIONS] = conversions;
        row[INFL_M_LOST_CONVERSIONS] = a.lost;
        row[INFL_M_REVENUE] = revenue;
        row[INFL_M_PROFIT] = profit;
        row[INFL_M_ROI] = ratio(profit, spend);
        row[INFL_M_COST_PER_ENGAGEMENT] = ratio(spend, a.eng);
        row[INFL_M_COST_PER_ACQUISITION] = ratio(spend, conversions);
        row[INFL_M_UNDELIVERED] = a.undelivered;
        row[INFL_M_REFUNDED_FEES] = a.refunded;
        row[INFL_M_CAPPED_ENGAGEMENT] = a.capped;
        row[INFL_M_ORDERS] = conversions + a.repeat;
        row[INFL_M_LTV_REVENUE] = revenue + a.repeat * sc->price;
        row[INFL_M_LTV_PROFIT] = ltv_profit;
        row[INFL_M_LTV_ROI] = ratio(ltv_profit, spend);
    }
    return INFL_OK;
}

infl_status infl__model_market(infl_model_ws *ws, uint64_t t, infl_market_draw *mk, infl_error *err)
{
    unsigned addressable;
    return draw_market(ws, t, mk, &addressable, err);
}

infl_status infl__model_creator(infl_model_ws *ws, uint64_t t, const infl_market_draw *mk, size_t j,
                                infl_creator_outcome *out, infl_error *err)
{
    unit u = creator_unit(ws, j);
    draw_candidate(ws, t, &u);
    const tier_ws *tw = &ws->roster;
    out->cost = tw->cost[j];
    out->spend = tw->cost[j] - tw->refund[j];
    out->conversions = out->orders = out->interested = out->conversions_wom = 0.0;
    /* Not drawn this trial as far as infl__model_trial is concerned. */
    ws->drawn[j] = 0;
    if (!tw->delivered[j])
        return INFL_OK;
    infl_status rc = draw_funnel(ws, t, &u, mk, err);
    if (rc != INFL_OK)
        return rc;
    const hire_outcome *o = &tw->out[j];
    out->interested = (double)o->interested;
    out->conversions_wom = (double)o->conversions_wom;
    if (ws->sc->has_addressable) {
        out->conversions = out->orders = NAN;
        return INFL_OK;
    }
    out->conversions = (double)o->conversions_direct + (double)o->conversions_wom;
    out->orders = out->conversions + (double)o->repeat;
    return INFL_OK;
}

infl_status infl__model_overlap(uint64_t seed, uint64_t t, uint64_t key, const char *handle,
                                const infl_market_draw *mk, unsigned seen, unsigned interested,
                                unsigned conversions_wom, infl_overlap_draw *out, infl_error *err)
{
    infl_rng r;
    infl__rng_init(&r, seed);
    infl_tier anonymous = {.name = (char *)(handle ? handle : "a creator")};
    unit u = {.p = &anonymous, .creator = true, .id = key};
    unsigned addressable = (unsigned)mk->addressable;
    if (seen > addressable)
        seen = addressable;
    return overlap_draws(&r, t, &u, mk, addressable, seen, interested, conversions_wom, out, err);
}

void infl__model_named_fit(infl_model_ws *ws, uint64_t t, size_t s, unsigned char *misfit,
                           double *cost)
{
    const infl_strategy *st = &ws->sc->strategies[s];
    double named = 0.0, limit = ws->sc->budget * (1.0 + 1e-12);
    for (size_t i = 0; i < st->n_named; i++) {
        const size_t j = st->named[i];
        unit u = creator_unit(ws, j);
        draw_candidate(ws, t, &u);
        cost[i] = ws->roster.cost[j];
        misfit[i] = !(named + cost[i] <= limit);
        if (!misfit[i])
            named += cost[i];
    }
}
