/*
 * samplers.c — nanoseconds per draw of influsim's samplers (sim/sample.c) and
 * of the GSL samplers they replace, on the parameters the benchmark scenario
 * uses. Built as `bench_samplers` (not run by the tests):
 *
 *     build/bench_samplers [DRAWS]
 *
 * Every draw is summed into a checksum that is printed, so the compiler
 * cannot drop the work.
 */
#include "random/rng.h"
#include "random/sample.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
    const char *name;
    int kind; /* 0 binomial, 1 poisson, 2 hypergeometric, 3 beta, 4 gamma, 5 normal, 6 u32 */
    double a, b, c;
} bench_case;

static double ours(infl_rng *r, const bench_case *bc)
{
    switch (bc->kind) {
    case 0:
        return infl__sample_binomial(r, bc->a, (uint32_t)bc->b);
    case 1:
        return infl__sample_poisson(r, bc->a);
    case 2:
        return infl__sample_hypergeometric(r, (uint32_t)bc->a, (uint32_t)bc->b, (uint32_t)bc->c);
    case 3:
        return infl__sample_beta(r, bc->a, bc->b);
    case 4:
        return infl__sample_gamma(r, bc->a);
    case 5:
        return infl__sample_normal(r);
    default:
        return infl__rng_u32(r);
    }
}

static double gsl(const gsl_rng *g, const bench_case *bc)
{
    switch (bc->kind) {
    case 0:
        return gsl_ran_binomial(g, bc->a, (unsigned)bc->b);
    case 1:
        return gsl_ran_poisson(g, bc->a);
    case 2:
        return gsl_ran_hypergeometric(g, (unsigned)bc->a, (unsigned)bc->b, (unsigned)bc->c);
    case 3:
        return gsl_ran_beta(g, bc->a, bc->b);
    case 4:
        return gsl_ran_gamma(g, bc->a, 1.0);
    case 5:
        return gsl_ran_gaussian_ziggurat(g, 1.0);
    default:
        return (double)gsl_rng_get(g);
    }
}

int main(int argc, char **argv)
{
    long draws = argc > 1 ? atol(argv[1]) : 2000000;
    static const bench_case cases[] = {
        {"binomial n=13000 p=0.88", 0, 0.88, 13000, 0},
        {"binomial n=4000 p=0.075", 0, 0.075, 4000, 0},
        {"binomial n=60 p=0.12", 0, 0.12, 60, 0},
        {"binomial n=30 p=0.008", 0, 0.008, 30, 0},
        {"poisson mu=17", 1, 17, 0, 0},
        {"poisson mu=3", 1, 3, 0, 0},
        {"hypergeometric 296000/4000 draw 30", 2, 296000, 4000, 30},
        {"hypergeometric 150000/150000 draw 3000", 2, 150000, 150000, 3000},
        {"beta 14/26", 3, 14, 26, 0},
        {"gamma 10", 4, 10, 0, 0},
        {"normal", 5, 0, 0, 0},
        {"32-bit word", 6, 0, 0, 0},
    };
    infl_rng r;
    infl__rng_init(&r, 1);
    infl__rng_seek(&r, 1, 0, 0, INFL_STREAM_FUNNEL);
    /* GSL's samplers with GSL's fast generator (taus2), to compare the
     * samplers and not the generators. */
    gsl_rng *g = gsl_rng_alloc(gsl_rng_taus2);
    if (g == NULL)
        return 1;
    printf("%-40s %12s %12s\n", "ns per draw", "influsim", "GSL");
    double check = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double t0 = now();
        for (long d = 0; d < draws; d++)
            check += ours(&r, &cases[i]);
        double t1 = now();
        for (long d = 0; d < draws; d++)
            check += gsl(g, &cases[i]);
        double t2 = now();
        printf("%-40s %12.1f %12.1f\n", cases[i].name, 1e9 * (t1 - t0) / (double)draws,
               1e9 * (t2 - t1) / (double)draws);
    }
    printf("(checksum %g)\n", check);
    gsl_rng_free(g);
    return 0;
}
