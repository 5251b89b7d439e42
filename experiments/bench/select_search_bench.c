/*
 * select_search_bench.c — seconds the roster search (sim/study/select_search.c)
 * takes on synthetic creators: the exact search at its default limit (20
 * free creators) and greedy + local search on 40 and on 1,000, each on 2,000
 * trials, for mean conversions, mean profit and the 10 % quantile. Not run by
 * the tests; built beside bench_samplers:
 *
 *     build/bench_select_search [TRIALS] [overlap]
 *
 * With `overlap`, the same creators with audience overlap instead: each
 * reaches 50 to 500 interested people (none for a post not made) in a market
 * of 20,000 people (±50 %) with a purchase rate of 2 % (0.5 to 1.5 x), a
 * little word of mouth and repeat orders of 0.3 per customer in every other
 * trial; every plan's values are the model's overlap draws (infl__model_overlap).
 *
 * Prices are 100 to 1,000 with a ±30 % spread from trial to trial (so the
 * budget binds in some trials), conversions a product of uniforms around a
 * rate proportional to the price; the budget buys about a quarter of the
 * roster at mean prices (at most 40 creators).
 */
#include "study/select_search.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t state = 12345;

static double uniform(void)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) * 0x1p-53;
}

static int bench(size_t N, size_t T, const char *objective, size_t resamples, bool overlap)
{
    double *m = malloc(4 * N * T * sizeof *m);
    infl_market_draw *market = overlap ? malloc(T * sizeof *market) : NULL;
    unsigned *counts = overlap ? malloc(2 * N * T * sizeof *counts) : NULL;
    uint64_t *key = overlap ? malloc(N * sizeof *key) : NULL;
    if (m == NULL || (overlap && (!market || !counts || !key))) {
        free(m);
        free(market);
        free(counts);
        free(key);
        return 1;
    }
    double *cost = m, *spend = m + N * T, *conv = spend + N * T, *orders = conv + N * T;
    for (size_t i = 0; i < N; i++) {
        double price = 100 + 900 * uniform(), rate = price / 100 * (0.3 + 1.4 * uniform());
        for (size_t t = 0; t < T; t++) {
            size_t e = i * T + t;
            cost[e] = price * (0.7 + 0.6 * uniform());
            spend[e] = uniform() < 0.1 ? 0 : cost[e];
            conv[e] = floor(4 * rate * uniform() * uniform());
            orders[e] = conv[e] + floor(conv[e] * uniform());
        }
    }
    infl__select_overlap ov = {0};
    if (overlap) {
        for (size_t t = 0; t < T; t++)
            market[t] = (infl_market_draw){.purchase_rate = 0.02 * (0.5 + uniform()),
                                           .wom_purchase_factor = 0.5,
                                           .addressable = floor(20000 * (0.5 + uniform())),
                                           .repeat_orders = t % 2 ? 0.3 : 0.0};
        for (size_t i = 0; i < N; i++) {
            double reach = 50 + 450 * uniform();
            key[i] = (uint64_t)(uniform() * 0x1p48);
            for (size_t t = 0; t < T; t++) {
                size_t e = i * T + t;
                bool posted = !(spend[e] < cost[e]);
                counts[e] = posted ? (unsigned)(reach * (0.5 + uniform())) : 0;
                counts[N * T + e] = posted ? (unsigned)(3 * uniform()) : 0;
            }
        }
        ov = (infl__select_overlap){.seed = 7,
                                    .market = market,
                                    .interested = counts,
                                    .conversions_wom = counts + N * T,
                                    .key = key};
    }
    size_t hires = N / 4 < 40 ? N / 4 : 40;
    infl__select_problem p = {.n_trials = T,
                              .n_creators = N,
                              .cost = cost,
                              .spend = spend,
                              .conversions = conv,
                              .orders = orders,
                              .overlap = overlap ? &ov : NULL,
                              .budget = 550.0 * (double)(hires ? hires : 1),
                              .margin = 100.0,
                              .resamples = resamples,
                              .seed = 1};
    infl_objective_parse(objective, &p.objective, NULL);
    infl__select_result r;
    double t0 = now();
    infl_status rc = infl__select_search(&p, &r, NULL);
    double dt = now() - t0;
    if (rc == INFL_OK) {
        printf("%5zu creators %5zu trials %-7s resamples %3zu%s: %-9s %8.3f s, %10llu plans, "
               "%2zu hired, value %.6g (se %.3g), runner-up %+.3g (se %.3g)\n",
               N, T, objective, resamples, overlap ? " overlap" : "",
               r.exact ? "exact" : "heuristic", dt, (unsigned long long)r.plans_evaluated,
               r.chosen.n, r.chosen.value, r.chosen.se, -r.diff, r.diff_se);
        infl__select_result_destroy(&r);
    }
    free(m);
    free(market);
    free(counts);
    free(key);
    return rc != INFL_OK;
}

int main(int argc, char **argv)
{
    size_t T = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 2000;
    const bool overlap = argc > 2 && !strcmp(argv[2], "overlap");
    const char *objectives[] = {"mean", "profit", "q10"};
    int bad = 0;
    for (int k = 0; k < 3; k++) {
        bad |= bench(20, T, objectives[k], 0, overlap);
        bad |= bench(40, T, objectives[k], 0, overlap);
        bad |= bench(1000, T, objectives[k], 0, overlap);
    }
    bad |= bench(20, T, "mean", 100, overlap);
    bad |= bench(40, T, "mean", 100, overlap);
    return bad;
}
