/*
 * test_select_search.c — the roster search (sim/study/select_search.c):
 * exact answers against a 0/1 knapsack solved by dynamic programming (every
 * trial the same) and against brute force over every subset (random costs,
 * the budget binding in some trials); greedy + local search against the exact
 * answer; must-include and exclude; the sequential-fit rule by hand; the
 * quantile and probability objectives; bootstrap frequencies; and the same
 * answer for one thread and two (the test runs itself again with
 * OMP_NUM_THREADS set, and compares a digest of the result). With audience
 * overlap: plan values against a replay of the model's overlap draws by hand,
 * the exact search against brute force, greedy + local search near the exact
 * answer and at a local optimum, and the thread count changing nothing.
 */
#include "check.h"
#include "study/select_search.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;

static uint64_t next_u64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double uniform(void)
{
    return ((double)(next_u64() >> 11) + 0.5) * 0x1p-53;
}

/* A problem that owns its matrices (and overlap inputs, if any). */
typedef struct {
    infl__select_problem p;
    double *cost, *spend, *conv, *orders;
    unsigned char *must, *excluded;
    infl__select_overlap ov;
    infl_market_draw *market;
    unsigned *interested, *wom;
    uint64_t *key;
} owned;

static void owned_init(owned *o, size_t N, size_t T, double budget, const char *objective)
{
    memset(o, 0, sizeof *o);
    o->cost = calloc(N * T + 1, sizeof(double));
    o->spend = calloc(N * T + 1, sizeof(double));
    o->conv = calloc(N * T + 1, sizeof(double));
    o->orders = calloc(N * T + 1, sizeof(double));
    o->must = calloc(N + 1, 1);
    o->excluded = calloc(N + 1, 1);
    o->p.n_trials = T;
    o->p.n_creators = N;
    o->p.cost = o->cost;
    o->p.spend = o->spend;
    o->p.conversions = o->conv;
    o->p.orders = o->orders;
    o->p.budget = budget;
    o->p.margin = 10.0;
    o->p.must = o->must;
    o->p.excluded = o->excluded;
    o->p.seed = 42;
    infl_objective_parse(objective, &o->p.objective, NULL);
}

static void owned_free(owned *o)
{
    free(o->market);
    free(o->interested);
    free(o->wom);
    free(o->key);
    free(o->cost);
    free(o->spend);
    free(o->conv);
    free(o->orders);
    free(o->must);
    free(o->excluded);
}

/* Noisy synthetic outcomes: creator i's cost varies around a price, its
 * conversions around a rate proportional to it, with a spread. */
static void fill_noisy(owned *o, double cost_spread)
{
    const size_t N = o->p.n_creators, T = o->p.n_trials;
    for (size_t i = 0; i < N; i++) {
        double price = 100.0 + 900.0 * uniform();
        double rate = price / 100.0 * (0.3 + 1.4 * uniform());
        for (size_t t = 0; t < T; t++) {
            size_t e = i * T + t;
            o->cost[e] = price * (1.0 - cost_spread + 2.0 * cost_spread * uniform());
            o->spend[e] = uniform() < 0.1 ? 0.0 : o->cost[e]; /* a refund now and then */
            o->conv[e] = floor(rate * 2.0 * uniform() * 2.0 * uniform());
            o->orders[e] = o->conv[e] + floor(o->conv[e] * uniform());
        }
    }
}

/* Audience overlap on o: per trial a market of `M` people, give or take
 * half, purchase rate around `rate` and repeat orders `lambda` (0 in every
 * other trial when lambda > 0); per creator and trial up to `reach`
 * interested people (none where it did not post: spend below cost) and a
 * little word of mouth. The conversions and orders matrices are left as
 * they are: overlap must not read them. */
static void add_overlap(owned *o, double M, double rate, double lambda, unsigned reach)
{
    const size_t N = o->p.n_creators, T = o->p.n_trials;
    o->market = calloc(T, sizeof *o->market);
    o->interested = calloc(N * T + 1, sizeof *o->interested);
    o->wom = calloc(N * T + 1, sizeof *o->wom);
    o->key = calloc(N + 1, sizeof *o->key);
    for (size_t t = 0; t < T; t++)
        o->market[t] = (infl_market_draw){.purchase_rate = rate * (0.5 + uniform()),
                                          .wom_purchase_factor = 0.5,
                                          .addressable = floor(M * (0.5 + uniform())),
                                          .repeat_orders = t % 2 ? lambda : 0.0};
    for (size_t i = 0; i < N; i++) {
        o->key[i] = (next_u64() >> 16) | 1;
        const unsigned own = (unsigned)(reach * (0.2 + 0.8 * uniform()));
        for (size_t t = 0; t < T; t++) {
            const size_t e = i * T + t;
            const bool posted = !(o->spend[e] < o->cost[e]);
            o->interested[e] = posted ? (unsigned)(own * (0.5 + uniform())) : 0;
            o->wom[e] = posted ? (unsigned)(3.0 * uniform()) : 0;
        }
    }
    o->ov = (infl__select_overlap){.seed = 99,
                                   .market = o->market,
                                   .interested = o->interested,
                                   .conversions_wom = o->wom,
                                   .key = o->key};
    o->p.overlap = &o->ov;
}

static double objective_of(const infl__select_problem *p, const size_t *idx, size_t n, double *x,
                           double *scratch)
{
    double v, se;
    infl__select_plan_values(p, idx, n, x);
    infl_objective_evaluate(&p->objective, x, p->n_trials, scratch, &v, &se);
    return v;
}

static bool same_x(const double *x, const double *y, size_t n)
{
    for (size_t t = 0; t < n; t++)
        if (!(x[t] == y[t] || (isnan(x[t]) && isnan(y[t]))))
            return false;
    return true;
}

/* Brute force over every subset allowed: the best value and the best value
 * among plans whose per-trial metric differs from the best's. */
static void brute_force(const infl__select_problem *p, double *best, double *second)
{
    const size_t N = p->n_creators, T = p->n_trials;
    double *x = malloc(T * sizeof *x), *bx = malloc(T * sizeof *bx);
    double *scratch = malloc(2 * T * sizeof *scratch);
    double *values = malloc(((size_t)1 << N) * sizeof *values);
    size_t idx[32];
    *best = -INFINITY;
    uint32_t best_mask = 0;
    for (uint32_t mask = 0; mask < (1u << N); mask++) {
        values[mask] = NAN;
        size_t n = 0;
        bool allowed = true;
        for (size_t i = 0; i < N; i++) {
            bool in = mask >> i & 1u;
            if ((p->must && p->must[i] && !in) || (p->excluded && p->excluded[i] && in))
                allowed = false;
            if (in)
                idx[n++] = i;
        }
        if (!allowed)
            continue;
        values[mask] = objective_of(p, idx, n, x, scratch);
        if (values[mask] > *best) {
            *best = values[mask];
            best_mask = mask;
        }
    }
    size_t n = 0;
    for (size_t i = 0; i < N; i++)
        if (best_mask >> i & 1u)
            idx[n++] = i;
    objective_of(p, idx, n, bx, scratch);
    *second = -INFINITY;
    for (uint32_t mask = 0; mask < (1u << N); mask++) {
        if (isnan(values[mask]) || values[mask] <= *second)
            continue;
        n = 0;
        for (size_t i = 0; i < N; i++)
            if (mask >> i & 1u)
                idx[n++] = i;
        objective_of(p, idx, n, x, scratch);
        if (!same_x(x, bx, T))
            *second = values[mask];
    }
    free(x);
    free(bx);
    free(scratch);
    free(values);
}

static bool has(const infl__select_plan *pl, size_t i)
{
    for (size_t k = 0; k < pl->n; k++)
        if (pl->idx[k] == i)
            return true;
    return false;
}

/* Greedy + local search ends at a local optimum: no add, drop or swap of a
 * free creator improves its plan (evaluated afresh), and its runner-up is the
 * best neighbour whose per-trial values differ. */
static void check_local_optimum(const infl__select_problem *p, const infl__select_result *h)
{
    const size_t N = p->n_creators, T = p->n_trials;
    double *x = malloc(T * sizeof *x), *bx = malloc(T * sizeof *bx);
    double *scratch = malloc(2 * T * sizeof *scratch);
    size_t *idx = malloc((N + 1) * sizeof *idx);
    unsigned char *in = calloc(N, 1);
    for (size_t k = 0; k < h->chosen.n; k++)
        in[h->chosen.idx[k]] = 1;
    const double v = objective_of(p, h->chosen.idx, h->chosen.n, bx, scratch);
    CHECK_NEAR(v, h->chosen.value, 1e-9 * (1 + fabs(v)));
    double best_neighbour = -INFINITY;
    for (size_t a = 0; a <= N; a++)       /* a = N: no add */
        for (size_t d = 0; d <= N; d++) { /* d = N: no drop */
            if ((a == N && d == N) || (a < N && (in[a] || p->excluded[a] || p->must[a])) ||
                (d < N && (!in[d] || p->must[d])))
                continue;
            size_t n = 0;
            for (size_t i = 0; i < N; i++)
                if ((in[i] && i != d) || i == a)
                    idx[n++] = i;
            double w = objective_of(p, idx, n, x, scratch);
            CHECK(w <= v + 1e-9 * (1 + fabs(v)));
            if (!same_x(x, bx, T) && w > best_neighbour)
                best_neighbour = w;
        }
    CHECK_NEAR(h->runner_up.value, best_neighbour, 1e-9 * (1 + fabs(v)));
    free(x);
    free(bx);
    free(scratch);
    free(idx);
    free(in);
}

/* (1) Every trial the same: the exact search is a 0/1 knapsack. */
static void test_knapsack(void)
{
    const char *objectives[] = {"mean", "profit"};
    for (int inst = 0; inst < 8; inst++) {
        const size_t N = 8 + (size_t)inst, T = 5;
        int w[32];
        double v[32];
        owned o;
        int total = 0;
        for (size_t i = 0; i < N; i++)
            total += (w[i] = 1 + (int)(uniform() * 20));
        const int W = total / 3;
        for (int ob = 0; ob < 2; ob++) {
            owned_init(&o, N, T, (double)W, objectives[ob]);
            for (size_t i = 0; i < N; i++) {
                double conv = floor(uniform() * 30);
                for (size_t t = 0; t < T; t++) {
                    o.cost[i * T + t] = o.spend[i * T + t] = w[i];
                    o.conv[i * T + t] = o.orders[i * T + t] = conv;
                }
                v[i] = ob == 0 ? conv : conv * o.p.margin - w[i];
            }
            /* best[c]: the best value within capacity c. */
            double best[400];
            for (int cap = 0; cap <= W; cap++)
                best[cap] = 0.0;
            for (size_t i = 0; i < N; i++)
                for (int cap = W; cap >= w[i]; cap--)
                    if (best[cap - w[i]] + v[i] > best[cap])
                        best[cap] = best[cap - w[i]] + v[i];
            infl__select_result r;
            infl_status rc = infl__select_search(&o.p, &r, NULL);
            CHECK_INT(rc, INFL_OK);
            CHECK(r.exact);
            CHECK_NEAR(r.chosen.value, best[W], 1e-9);
            int spent = 0;
            for (size_t k = 0; k < r.chosen.n; k++)
                spent += w[r.chosen.idx[k]];
            CHECK(spent <= W);
            infl__select_result_destroy(&r);
            owned_free(&o);
        }
    }
}

/* Random costs, the budget binding in some trials, required creators between
 * free ones: the exact search and its runner-up against brute force. */
static void test_exact_brute_force(const char *objective)
{
    for (int inst = 0; inst < 4; inst++) {
        owned o;
        const size_t N = 9 + (size_t)inst % 3, T = 60;
        owned_init(&o, N, T, 2200.0, objective);
        o.p.margin = 100.0; /* ROI near 0: P(ROI > 0) neither 0 nor 1 */
        fill_noisy(&o, 0.4);
        if (inst >= 2) {
            o.must[3] = 1;
            o.excluded[5] = 1;
        }
        double best, second;
        brute_force(&o.p, &best, &second);
        infl__select_result r;
        CHECK_INT(infl__select_search(&o.p, &r, NULL), INFL_OK);
        CHECK(r.exact);
        CHECK_NEAR(r.chosen.value, best, 1e-9 * (1 + fabs(best)));
        CHECK_NEAR(r.runner_up.value, second, 1e-9 * (1 + fabs(second)));
        if (inst >= 2) {
            CHECK(has(&r.chosen, 3));
            CHECK(!has(&r.chosen, 5));
            CHECK(has(&r.runner_up, 3));
            CHECK(!has(&r.runner_up, 5));
        }
        CHECK(r.p_beats >= 0 && r.p_beats <= 1 && r.p_tie >= 0 && r.p_beats + r.p_tie <= 1);
        CHECK_NEAR(r.diff, r.chosen.value - r.runner_up.value,
                   o.p.objective.kind == INFL_OBJECTIVE_QUANTILE ? 1e-9 : 1e-6);
        /* The heuristic never beats the exact answer on the same trials. */
        o.p.exact_limit = 1;
        infl__select_result h;
        CHECK_INT(infl__select_search(&o.p, &h, NULL), INFL_OK);
        CHECK(!h.exact);
        CHECK(h.chosen.value <= r.chosen.value + 1e-9 * (1 + fabs(best)));
        check_local_optimum(&o.p, &h);
        infl__select_result_destroy(&h);
        infl__select_result_destroy(&r);
        owned_free(&o);
    }
}

/* (2) Greedy + local search within a few standard errors of the exact answer. */
static void test_heuristic_near_exact(void)
{
    for (int inst = 0; inst < 5; inst++) {
        owned o;
        const size_t N = 12 + (size_t)inst, T = 500;
        owned_init(&o, N, T, 2500.0 + 300.0 * inst, inst % 2 ? "profit" : "mean");
        fill_noisy(&o, 0.3);
        infl__select_result r, h;
        CHECK_INT(infl__select_search(&o.p, &r, NULL), INFL_OK);
        o.p.exact_limit = 1;
        CHECK_INT(infl__select_search(&o.p, &h, NULL), INFL_OK);
        CHECK(r.exact && !h.exact);
        check_local_optimum(&o.p, &h);
        double *x = malloc(T * sizeof *x), *y = malloc(T * sizeof *y);
        double *s = malloc(2 * T * sizeof *s), d, se;
        infl__select_plan_values(&o.p, r.chosen.idx, r.chosen.n, x);
        infl__select_plan_values(&o.p, h.chosen.idx, h.chosen.n, y);
        infl_objective_difference(&o.p.objective, x, y, T, 1, s, &d, &se);
        CHECK(d >= -1e-9 * (1 + fabs(r.chosen.value)));
        CHECK(d <= 3.0 * se + 1e-9);
        free(x);
        free(y);
        free(s);
        infl__select_result_destroy(&r);
        infl__select_result_destroy(&h);
        owned_free(&o);
    }
}

/* Greedy + local search with many members and the budget binding often:
 * a local optimum whatever the objective (move values from trajectories
 * must be what a fresh evaluation gives). */
static void test_local_optimum_binding(void)
{
    const char *objectives[] = {"mean", "profit", "q10", "p-roi", "ltv-profit"};
    for (int k = 0; k < 5; k++) {
        owned o;
        owned_init(&o, 30, 150, 4500.0, objectives[k]);
        o.p.margin = 100.0;
        o.p.exact_limit = 1;
        fill_noisy(&o, 0.6);
        o.must[7] = 1;
        o.excluded[11] = 1;
        infl__select_result h;
        CHECK_INT(infl__select_search(&o.p, &h, NULL), INFL_OK);
        check_local_optimum(&o.p, &h);
        infl__select_result_destroy(&h);
        owned_free(&o);
    }
}

/* A digest of everything the search returns. */
static uint64_t digest(const infl__select_result *r, size_t N)
{
    uint64_t h = 1469598103934665603ULL;
#define MIX(v)                                                                                     \
    do {                                                                                           \
        uint64_t v_;                                                                               \
        double d_ = (double)(v);                                                                   \
        memcpy(&v_, &d_, sizeof v_);                                                               \
        h = (h ^ v_) * 1099511628211ULL;                                                           \
    } while (0)
    for (size_t k = 0; k < r->chosen.n; k++)
        MIX(r->chosen.idx[k]);
    for (size_t k = 0; k < r->runner_up.n; k++)
        MIX(r->runner_up.idx[k]);
    MIX(r->chosen.value);
    MIX(r->runner_up.value);
    MIX(r->diff);
    MIX(r->p_beats);
    for (size_t i = 0; i < N; i++) {
        MIX(r->marginal[i]);
        MIX(r->frequency[i]);
    }
#undef MIX
    return h;
}

static uint64_t large_digest(void)
{
    owned o;
    rng_state = 7;
    owned_init(&o, 200, 300, 9000.0, "mean");
    fill_noisy(&o, 0.4);
    o.p.resamples = 3;
    infl__select_result r;
    uint64_t h = 0;
    if (infl__select_search(&o.p, &r, NULL) == INFL_OK) {
        h = digest(&r, 200);
        infl__select_result_destroy(&r);
    }
    owned_free(&o);
    return h;
}

/* (2) 200 creators: the same plan twice, and for one thread and two. */
static void test_large_deterministic(const char *self)
{
    uint64_t a = large_digest(), b = large_digest();
    CHECK(a != 0);
    CHECK(a == b);
    uint64_t by_threads[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        char cmd[4096];
        snprintf(cmd, sizeof cmd, "OMP_NUM_THREADS=%d SELECT_SEARCH_DIGEST=1 '%s'", k + 1, self);
        FILE *f = popen(cmd, "r");
        CHECK(f != NULL);
        if (f == NULL)
            continue;
        unsigned long long v = 0;
        CHECK_INT(fscanf(f, "digest %llx", &v), 1);
        by_threads[k] = v;
        CHECK_INT(pclose(f), 0);
    }
    CHECK(by_threads[0] == a);
    CHECK(by_threads[1] == a);
}

/* (3) Required and excluded creators; conflicts and a required set over budget. */
static void test_must_exclude(void)
{
    owned o;
    const size_t N = 6, T = 10;
    owned_init(&o, N, T, 100.0, "mean");
    for (size_t i = 0; i < N; i++)
        for (size_t t = 0; t < T; t++) {
            o.cost[i * T + t] = o.spend[i * T + t] = 40.0;
            o.conv[i * T + t] = o.orders[i * T + t] = (double)(10 * (i + 1));
        }
    for (size_t limit = 1; limit <= 20; limit += 19) {
        o.p.exact_limit = limit;
        memset(o.must, 0, N);
        memset(o.excluded, 0, N);
        infl__select_result r;
        CHECK_INT(infl__select_search(&o.p, &r, NULL), INFL_OK);
        CHECK_INT(r.chosen.n, 2); /* the two best: 4 and 5 */
        CHECK(has(&r.chosen, 4) && has(&r.chosen, 5));
        infl__select_result_destroy(&r);
        o.must[0] = 1;
        o.excluded[5] = 1;
        CHECK_INT(infl__select_search(&o.p, &r, NULL), INFL_OK);
        CHECK_INT(r.chosen.n, 2);
        CHECK(has(&r.chosen, 0) && has(&r.chosen, 4));
        CHECK(isnan(r.marginal[5]));
        CHECK_NEAR(r.marginal[4], 50.0, 1e-12);
        CHECK_NEAR(r.marginal[0], 10.0, 1e-12);
        /* 3 comes before 4 in roster order and takes its place. */
        CHECK_NEAR(r.marginal[3], -10.0, 1e-12);
        infl__select_result_destroy(&r);
    }
    const char *names[] = {"@a", "@b", "@c", "@d", "@e", "@f"};
    o.p.names = names;
    o.must[2] = o.excluded[2] = 1;
    infl_error err;
    infl_error_init(&err);
    infl__select_result r;
    CHECK_INT(infl__select_search(&o.p, &r, &err), INFL_EINVAL);
    CHECK_CONTAINS(infl_error_message(&err), "'@c'");
    CHECK(r.chosen.idx == NULL && r.marginal == NULL);
    infl__select_result_destroy(&r);
    infl_error_clear(&err);
    o.excluded[2] = 0;
    o.must[1] = 1; /* 0, 1 and 2: 120 on average, over 100 */
    CHECK_INT(infl__select_search(&o.p, &r, &err), INFL_EINVAL);
    CHECK_CONTAINS(infl_error_message(&err), "'@a', '@b', '@c'");
    CHECK_CONTAINS(infl_error_message(&err), "budget");
    infl_error_destroy(&err);
    owned_free(&o);
}

/* (4) The sequential-fit rule by hand: two trials, three creators. */
static void test_plan_values(void)
{
    owned o;
    owned_init(&o, 3, 2, 10.0, "mean");
    const double cost[3][2] = {{6, 2}, {5, 8}, {3, 7}};
    const double conv[3][2] = {{1, 10}, {100, 1000}, {10000, 100000}};
    for (size_t i = 0; i < 3; i++)
        for (size_t t = 0; t < 2; t++) {
            o.cost[i * 2 + t] = cost[i][t];
            o.spend[i * 2 + t] = cost[i][t] / 2; /* a refund: spend below cost */
            o.conv[i * 2 + t] = o.orders[i * 2 + t] = conv[i][t];
        }
    size_t all[3] = {0, 1, 2}, two[2] = {1, 2};
    double x[2];
    infl__select_plan_values(&o.p, all, 3, x);
    CHECK_NEAR(x[0], 10001.0, 0); /* 6 fits, 5 does not (11), 3 does (9) */
    CHECK_NEAR(x[1], 1010.0, 0);  /* 2 and 8 fit (10: exactly the budget), 7 does not */
    infl__select_plan_values(&o.p, two, 2, x);
    CHECK_NEAR(x[0], 10100.0, 0);               /* 5 + 3 */
    CHECK_NEAR(x[1], 1000.0, 0);                /* 8, then 7 does not fit */
    o.p.objective.kind = INFL_OBJECTIVE_PROFIT; /* margin 10, spend is half the cost */
    infl__select_plan_values(&o.p, all, 3, x);
    CHECK_NEAR(x[0], 100010.0 - 4.5, 1e-9);
    CHECK_NEAR(x[1], 10100.0 - 5.0, 1e-9);
    infl_objective_parse("p-roi", &o.p.objective, NULL);
    size_t none[1] = {0};
    infl__select_plan_values(&o.p, none, 0, x);
    CHECK(isnan(x[0]) && isnan(x[1])); /* nothing spent: no ROI */
    /* The best of the 8 plans is {0, 2}: 10001 and 100010 ({2} alone:
     * 10000 and 100000; {1, 2}: 10100 and 1000). */
    infl_objective_parse("mean", &o.p.objective, NULL);
    infl__select_result r;
    CHECK_INT(infl__select_search(&o.p, &r, NULL), INFL_OK);
    CHECK_NEAR(r.chosen.value, (10001.0 + 100010.0) / 2, 1e-9);
    CHECK_INT(r.chosen.n, 2);
    CHECK(has(&r.chosen, 0) && has(&r.chosen, 2));
    infl__select_result_destroy(&r);
    owned_free(&o);
}

/* (6) Bootstrap frequencies: in [0, 1], repeatable, a dominant creator always in. */
static void test_bootstrap(void)
{
    for (size_t limit = 1; limit <= 20; limit += 19) {
        owned o;
        const size_t N = 14, T = 200;
        owned_init(&o, N, T, 2500.0, "mean");
        fill_noisy(&o, 0.3);
        for (size_t t = 0; t < T; t++) {
            o.cost[6 * T + t] = o.spend[6 * T + t] = 50.0;
            o.conv[6 * T + t] = 500.0 + t % 7;
        }
        o.p.resamples = 25;
        o.p.exact_limit = limit;
        infl__select_result a, b;
        CHECK_INT(infl__select_search(&o.p, &a, NULL), INFL_OK);
        CHECK_INT(infl__select_search(&o.p, &b, NULL), INFL_OK);
        CHECK(has(&a.chosen, 6));
        CHECK_NEAR(a.frequency[6], 1.0, 0);
        for (size_t i = 0; i < N; i++) {
            CHECK(a.frequency[i] >= 0 && a.frequency[i] <= 1);
            CHECK(a.frequency[i] == b.frequency[i]);
        }
        infl__select_result_destroy(&a);
        infl__select_result_destroy(&b);
        o.p.resamples = 0;
        CHECK_INT(infl__select_search(&o.p, &a, NULL), INFL_OK);
        CHECK(isnan(a.frequency[0]));
        infl__select_result_destroy(&a);
        owned_free(&o);
    }
}

/* Overlap: plan values are the model's draws replayed by hand, member by
 * member with the people reached so far; the matrices of conversions and
 * orders are not read; overlap binds (diminishing returns). */
static void test_overlap_plan_values(void)
{
    owned o;
    const size_t N = 6, T = 40;
    owned_init(&o, N, T, 2500.0, "ltv-profit");
    fill_noisy(&o, 0.4);
    add_overlap(&o, 300.0, 0.3, 0.5, 200);
    for (size_t e = 0; e < N * T; e++)
        o.conv[e] = o.orders[e] = NAN;
    const size_t plan[] = {0, 2, 3, 5};
    double x[40];
    infl__select_plan_values(&o.p, plan, 4, x);
    size_t diminished = 0;
    for (size_t t = 0; t < T; t++) {
        double acc = 0, sp = 0, cv = 0, od = 0, alone = 0;
        unsigned seen = 0;
        for (size_t k = 0; k < 4; k++) {
            const size_t e = plan[k] * T + t;
            if (!(acc + o.cost[e] <= o.p.budget * (1 + 1e-12)))
                continue;
            acc += o.cost[e];
            sp += o.spend[e];
            infl_overlap_draw d, a;
            CHECK_INT(infl__model_overlap(99, t, o.key[plan[k]], NULL, &o.market[t], seen,
                                          o.interested[e], o.wom[e], &d, NULL),
                      INFL_OK);
            CHECK_INT(infl__model_overlap(99, t, o.key[plan[k]], NULL, &o.market[t], 0,
                                          o.interested[e], o.wom[e], &a, NULL),
                      INFL_OK);
            seen += d.fresh;
            cv += (double)d.bought + o.wom[e];
            od += (double)d.bought + o.wom[e] + d.repeat;
            alone += (double)a.bought + o.wom[e];
        }
        CHECK(seen <= (unsigned)o.market[t].addressable);
        CHECK_NEAR(x[t], od * o.p.margin - sp, 1e-9 * (1 + fabs(od * o.p.margin) + sp));
        infl__select_trial r;
        infl__select_plan_trial(&o.p, plan, 4, t, &r);
        CHECK(r.conversions == cv && r.orders == od && r.spend == sp && r.cost == acc);
        diminished += cv < alone;
    }
    CHECK(diminished > T / 4);
    owned_free(&o);
}

/* Overlap: the exact search against brute force, for each boundable
 * objective and one that is not, with required and excluded creators; the
 * heuristic never above it and at a local optimum. */
static void test_overlap_exact_brute_force(const char *objective, double lambda)
{
    for (int inst = 0; inst < 3; inst++) {
        owned o;
        const size_t N = 9 + (size_t)inst, T = 50;
        owned_init(&o, N, T, 2600.0, objective);
        o.p.margin = 2.0;
        fill_noisy(&o, 0.4);
        /* M small next to the reach: overlap binds, and the bound's cap too. */
        add_overlap(&o, 250.0 + 150.0 * inst, 0.6, lambda, 180);
        if (inst == 2) {
            o.must[2] = 1;
            o.excluded[4] = 1;
        }
        double best, second;
        brute_force(&o.p, &best, &second);
        infl__select_result r;
        CHECK_INT(infl__select_search(&o.p, &r, NULL), INFL_OK);
        CHECK(r.exact);
        CHECK_NEAR(r.chosen.value, best, 1e-9 * (1 + fabs(best)));
        CHECK_NEAR(r.runner_up.value, second, 1e-9 * (1 + fabs(second)));
        o.p.exact_limit = 1;
        infl__select_result h;
        CHECK_INT(infl__select_search(&o.p, &h, NULL), INFL_OK);
        CHECK(!h.exact);
        CHECK(h.chosen.value <= r.chosen.value + 1e-9 * (1 + fabs(best)));
        check_local_optimum(&o.p, &h);
        infl__select_result_destroy(&h);
        infl__select_result_destroy(&r);
        owned_free(&o);
    }
}

/* Overlap: greedy + local search within a few standard errors of the exact
 * answer on 12 to 14 creators. */
static void test_overlap_heuristic_near_exact(void)
{
    for (int inst = 0; inst < 3; inst++) {
        owned o;
        const size_t N = 12 + (size_t)inst, T = 300;
        owned_init(&o, N, T, 2500.0 + 300.0 * inst, inst % 2 ? "profit" : "mean");
        o.p.margin = 3.0;
        fill_noisy(&o, 0.3);
        add_overlap(&o, 600.0, 0.5, 0.3, 250);
        infl__select_result r, h;
        CHECK_INT(infl__select_search(&o.p, &r, NULL), INFL_OK);
        o.p.exact_limit = 1;
        CHECK_INT(infl__select_search(&o.p, &h, NULL), INFL_OK);
        CHECK(r.exact && !h.exact);
        check_local_optimum(&o.p, &h);
        double *x = malloc(T * sizeof *x), *y = malloc(T * sizeof *y);
        double *s = malloc(2 * T * sizeof *s), d, se;
        infl__select_plan_values(&o.p, r.chosen.idx, r.chosen.n, x);
        infl__select_plan_values(&o.p, h.chosen.idx, h.chosen.n, y);
        infl_objective_difference(&o.p.objective, x, y, T, 1, s, &d, &se);
        CHECK(d >= -1e-9 * (1 + fabs(r.chosen.value)));
        CHECK(d <= 3.0 * se + 1e-9);
        free(x);
        free(y);
        free(s);
        infl__select_result_destroy(&r);
        infl__select_result_destroy(&h);
        owned_free(&o);
    }
}

/* Overlap with many members and the budget binding: a local optimum for
 * every objective (trajectories must give what a fresh replay gives). */
static void test_overlap_local_optimum(void)
{
    const char *objectives[] = {"mean", "profit", "q10", "p-roi", "ltv-profit"};
    for (int k = 0; k < 5; k++) {
        owned o;
        owned_init(&o, 25, 80, 4500.0, objectives[k]);
        o.p.margin = 5.0;
        o.p.exact_limit = 1;
        fill_noisy(&o, 0.6);
        add_overlap(&o, 900.0, 0.5, 0.4, 200);
        o.must[7] = 1;
        o.excluded[11] = 1;
        infl__select_result h;
        CHECK_INT(infl__select_search(&o.p, &h, NULL), INFL_OK);
        check_local_optimum(&o.p, &h);
        infl__select_result_destroy(&h);
        owned_free(&o);
    }
}

/* Overlap: a market that is no count of people, and repeat orders beyond
 * the model's limit, are refused. */
static void test_overlap_invalid(void)
{
    owned o;
    owned_init(&o, 3, 4, 1000.0, "mean");
    fill_noisy(&o, 0.2);
    add_overlap(&o, 100.0, 0.3, 0.0, 50);
    infl__select_result r;
    infl_error err;
    infl_error_init(&err);
    o.market[2].addressable = NAN;
    CHECK_INT(infl__select_search(&o.p, &r, &err), INFL_EINVAL);
    CHECK_CONTAINS(infl_error_message(&err), "not a count");
    infl_error_clear(&err);
    o.market[2].addressable = 100;
    o.market[1].repeat_orders = 1e9;
    o.interested[1] = o.wom[1] = 0; /* creator 0, trial 1: nobody */
    o.interested[4 + 1] = 50;       /* creator 1, trial 1 */
    CHECK_INT(infl__select_search(&o.p, &r, &err), INFL_ELIMIT);
    CHECK_CONTAINS(infl_error_message(&err), "creator 1");
    infl_error_destroy(&err);
    infl__select_result_destroy(&r);
    owned_free(&o);
}

static uint64_t overlap_digest(void)
{
    owned o;
    rng_state = 8;
    owned_init(&o, 60, 150, 6000.0, "profit");
    o.p.margin = 4.0;
    fill_noisy(&o, 0.4);
    add_overlap(&o, 2000.0, 0.4, 0.3, 300);
    o.p.resamples = 3;
    infl__select_result r;
    uint64_t h = 0;
    if (infl__select_search(&o.p, &r, NULL) == INFL_OK) {
        h = digest(&r, 60);
        infl__select_result_destroy(&r);
    }
    owned_free(&o);
    return h;
}

/* Overlap: the same answer (bootstrap included) for one thread and two. */
static void test_overlap_deterministic(const char *self)
{
    uint64_t a = overlap_digest();
    CHECK(a != 0);
    for (int k = 0; k < 2; k++) {
        char cmd[4096];
        snprintf(cmd, sizeof cmd, "OMP_NUM_THREADS=%d SELECT_SEARCH_DIGEST=overlap '%s'", k + 1,
                 self);
        FILE *f = popen(cmd, "r");
        CHECK(f != NULL);
        if (f == NULL)
            continue;
        unsigned long long v = 0;
        CHECK_INT(fscanf(f, "digest %llx", &v), 1);
        CHECK(v == a);
        CHECK_INT(pclose(f), 0);
    }
}

int main(int argc, char **argv)
{
    (void)argc;
    if (getenv("SELECT_SEARCH_DIGEST")) {
        const bool overlap = !strcmp(getenv("SELECT_SEARCH_DIGEST"), "overlap");
        printf("digest %llx\n", (unsigned long long)(overlap ? overlap_digest() : large_digest()));
        return 0;
    }
    rng_state = 1;
    test_plan_values();
    test_knapsack();
    test_exact_brute_force("mean");
    test_exact_brute_force("profit");
    test_exact_brute_force("q10"); /* (5) */
    test_exact_brute_force("p-roi");
    test_exact_brute_force("ltv-profit");
    test_heuristic_near_exact();
    test_local_optimum_binding();
    test_must_exclude();
    test_bootstrap();
    test_large_deterministic(argv[0]);
    test_overlap_plan_values();
    test_overlap_exact_brute_force("mean", 0.4);
    test_overlap_exact_brute_force("profit", 0.4);
    test_overlap_exact_brute_force("ltv-profit", 0.0); /* bounded: no repeat orders */
    test_overlap_exact_brute_force("ltv-profit", 0.4); /* no bound */
    test_overlap_exact_brute_force("q10", 0.4);
    test_overlap_heuristic_near_exact();
    test_overlap_local_optimum();
    test_overlap_invalid();
    test_overlap_deterministic(argv[0]);
    return check_exit();
}
