/*
 * sampler_digest.c — a digest of every random variate and elementary function
 * the model uses, for comparing machines.
 *
 * Prints one line per sampler and parameter set: its name, the number of
 * values drawn and an FNV-1a 64 digest of their IEEE 754 bytes (little-endian,
 * as on every machine we build for). The values depend only on the seed, so
 * the output must be the same on every CPU, compiler, optimisation level and
 * architecture: ctest compares the native build's output with
 * tests/cross/sampler-digests.txt, and tests/cross/aarch64.sh the output of an
 * aarch64 cross build run under qemu-user.
 *
 * Nothing but sim/random and sim/base/fmath is linked, so the program
 * cross-compiles without the project's other dependencies (HDF5, GSL,
 * libyaml).
 */
#include "base/fmath.h"
#include "random/rng.h"
#include "random/sample.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

enum { DRAWS = 200000 };

typedef struct {
    uint64_t h;
    uint64_t n;
} digest;

static void digest_bytes(digest *d, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        d->h ^= b[i];
        d->h *= 0x100000001b3ULL;
    }
}

static void digest_double(digest *d, double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(u >> (8 * i)); /* little-endian whatever the host */
    digest_bytes(d, b, sizeof b);
    d->n++;
}

static void digest_u32(digest *d, uint32_t x)
{
    unsigned char b[4] = {(unsigned char)x, (unsigned char)(x >> 8), (unsigned char)(x >> 16),
                          (unsigned char)(x >> 24)};
    digest_bytes(d, b, sizeof b);
    d->n++;
}

static digest digest_new(void)
{
    return (digest){.h = 0xcbf29ce484222325ULL, .n = 0};
}

static void print(const char *name, const digest *d)
{
    printf("%-34s %8" PRIu64 " %016" PRIx64 "\n", name, d->n, d->h);
}

/* A stream per test, so that one sampler's change shows in its line only. */
static infl_rng stream(uint32_t test)
{
    infl_rng r;
    infl__rng_init(&r, 20261203u);
    infl__rng_seek(&r, test, 1, test, INFL_STREAM_FUNNEL);
    return r;
}

/* The elementary functions on seeded arguments over their useful ranges. */
static void elementary(void)
{
    static const struct {
        const char *name;
        double lo, hi;
        int fn;
    } cases[] = {
        {"fmath_log (1e-300, 1e300)", -690.0, 690.0, 0}, {"fmath_log (0.5, 2)", -0.69, 0.69, 0},
        {"fmath_exp (-745, 709)", -745.0, 709.0, 1},     {"fmath_exp (-1, 1)", -1.0, 1.0, 1},
        {"fmath_log1p (-0.9, 10)", -0.9, 10.0, 2},       {"fmath_expm1 (-40, 40)", -40.0, 40.0, 3},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        infl_rng r = stream(100 + (uint32_t)c);
        digest d = digest_new();
        for (int i = 0; i < DRAWS; i++) {
            double t = cases[c].lo + (cases[c].hi - cases[c].lo) * infl__rng_uniform(&r);
            double y;
            switch (cases[c].fn) {
            case 0:
                /* log over magnitudes: the argument is e^t, the wide case
                 * spanning the exponent range */
                y = infl__fmath_log(cases[c].hi > 10.0 ? infl__fmath_exp(t) : 1.0 + t);
                break;
            case 1:
                y = infl__fmath_exp(t);
                break;
            case 2:
                y = infl__fmath_log1p(t);
                break;
            default:
                y = infl__fmath_expm1(t);
                break;
            }
            digest_double(&d, y);
        }
        print(cases[c].name, &d);
    }
}

static void continuous(void)
{
    infl_rng r = stream(1);
    digest d = digest_new();
    for (int i = 0; i < DRAWS; i++)
        digest_double(&d, infl__rng_uniform(&r));
    print("uniform", &d);

    r = stream(2);
    d = digest_new();
    for (int i = 0; i < DRAWS; i++)
        digest_double(&d, infl__sample_normal(&r));
    print("normal", &d);

    static const double shapes[] = {0.05, 0.8, 1.0, 3.5, 250.0};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        char name[64];
        snprintf(name, sizeof name, "gamma a=%g", shapes[s]);
        r = stream(10 + (uint32_t)s);
        d = digest_new();
        for (int i = 0; i < DRAWS; i++)
            digest_double(&d, infl__sample_gamma(&r, shapes[s]));
        print(name, &d);
    }

    static const double beta[][2] = {{0.6, 0.4}, {3.0, 37.0}, {44.0, 6.0}};
    for (size_t s = 0; s < sizeof beta / sizeof beta[0]; s++) {
        char name[64];
        snprintf(name, sizeof name, "beta %g,%g", beta[s][0], beta[s][1]);
        r = stream(20 + (uint32_t)s);
        d = digest_new();
        for (int i = 0; i < DRAWS; i++)
            digest_double(&d, infl__sample_beta(&r, beta[s][0], beta[s][1]));
        print(name, &d);
    }

    static const double alpha[2][4] = {{22.0, 10.0, 3.2, 4.8}, {0.4, 0.3, 12.0, 27.3}};
    for (size_t s = 0; s < 2; s++) {
        char name[64];
        snprintf(name, sizeof name, "dirichlet %zu", s);
        r = stream(30 + (uint32_t)s);
        d = digest_new();
        for (int i = 0; i < DRAWS / 4; i++) {
            double out[4];
            infl__sample_dirichlet(&r, 4, alpha[s], out);
            for (int k = 0; k < 4; k++)
                digest_double(&d, out[k]);
        }
        print(name, &d);
    }
}

static void discrete(void)
{
    static const struct {
        double p;
        uint32_t n;
    } bin[] = {{0.3, 12}, {0.02, 300}, {0.35, 20000}, {0.9, 5000}, {0.0075, 4000000}};
    for (size_t s = 0; s < sizeof bin / sizeof bin[0]; s++) {
        char name[64];
        snprintf(name, sizeof name, "binomial n=%" PRIu32 " p=%g", bin[s].n, bin[s].p);
        infl_rng r = stream(40 + (uint32_t)s);
        digest d = digest_new();
        for (int i = 0; i < DRAWS; i++)
            digest_u32(&d, infl__sample_binomial(&r, bin[s].p, bin[s].n));
        print(name, &d);
    }

    static const double mu[] = {0.4, 7.5, 42.0, 1e6};
    for (size_t s = 0; s < sizeof mu / sizeof mu[0]; s++) {
        char name[64];
        snprintf(name, sizeof name, "poisson mu=%g", mu[s]);
        infl_rng r = stream(50 + (uint32_t)s);
        digest d = digest_new();
        for (int i = 0; i < DRAWS; i++)
            digest_u32(&d, infl__sample_poisson(&r, mu[s]));
        print(name, &d);
    }

    static const uint32_t hyp[][3] = {{290000, 10000, 50}, {200000, 100000, 3000}, {5, 7, 6}};
    for (size_t s = 0; s < sizeof hyp / sizeof hyp[0]; s++) {
        char name[64];
        snprintf(name, sizeof name, "hypergeometric %" PRIu32 ",%" PRIu32 ",%" PRIu32, hyp[s][0],
                 hyp[s][1], hyp[s][2]);
        infl_rng r = stream(60 + (uint32_t)s);
        digest d = digest_new();
        for (int i = 0; i < DRAWS; i++)
            digest_u32(&d, infl__sample_hypergeometric(&r, hyp[s][0], hyp[s][1], hyp[s][2]));
        print(name, &d);
    }

    static const double probs[4] = {0.55, 0.25, 0.08, 0.12};
    infl_rng r = stream(70);
    digest d = digest_new();
    for (int i = 0; i < DRAWS / 4; i++) {
        uint32_t out[4];
        infl__sample_multinomial(&r, 4, 1500, probs, out);
        for (int k = 0; k < 4; k++)
            digest_u32(&d, out[k]);
    }
    print("multinomial 1500 x 4", &d);
}

int main(void)
{
    elementary();
    continuous();
    discrete();
    return 0;
}
