/*
 * Unit tests of the project's own log, exp, log1p and expm1 (base/fmath.c):
 * the special values of C99 Annex F, and the error over each function's
 * whole range, measured two ways on a million seeded points per range:
 *   - against glibc (the functions a run used before): at most 1 ulp apart;
 *   - against the 64-bit-mantissa long double functions, as an estimate of
 *     the exact result: an error below 1 ulp (fdlibm's bound), reported
 *     with its maximum so a regression in the last bits shows.
 * Points are drawn with a fixed SplitMix64 stream, so the test never flakes.
 */
#include "check.h"
#include "base/fmath.h"

#include <float.h>
#include <stdint.h>

static uint64_t next_u64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *state, double lo, double hi)
{
    return lo + (hi - lo) * ((double)(next_u64(state) >> 11) * 0x1p-53);
}

/* A positive double with a uniformly drawn exponent in [lo_exp, hi_exp] and
 * random mantissa bits: every binade equally often. */
static double any_binade(uint64_t *state, int lo_exp, int hi_exp)
{
    uint64_t u = next_u64(state);
    int e = lo_exp + (int)(u % (uint64_t)(hi_exp - lo_exp + 1));
    double m = 1.0 + (double)(next_u64(state) >> 12) * 0x1p-52;
    return ldexp(m, e);
}

/* Distance in units in the last place between two finite doubles of the
 * same sign (or zero): the difference of their bit patterns. */
static uint64_t ulps_apart(double a, double b)
{
    if (a == b)
        return 0;
    int64_t ia, ib;
    memcpy(&ia, &a, sizeof ia);
    memcpy(&ib, &b, sizeof ib);
    if (ia < 0)
        ia = INT64_MIN - ia;
    if (ib < 0)
        ib = INT64_MIN - ib;
    return ia > ib ? (uint64_t)(ia - ib) : (uint64_t)(ib - ia);
}

/* The error of got against the (more precise) reference, in ulps of the
 * double nearest the reference. */
static double ulp_error(double got, long double ref)
{
    double r = (double)ref;
    if (r == 0.0)
        return got == 0.0 ? 0.0 : INFINITY;
    int e;
    frexp(r, &e);
    double ulp = ldexp(1.0, e - 53);
    if (fabs(r) < DBL_MIN)
        ulp = ldexp(1.0, -1074);
    return (double)(fabsl((long double)got - ref) / ulp);
}

typedef double (*mine_fn)(double);
typedef double (*libm_fn)(double);
typedef long double (*long_fn)(long double);

typedef enum { UNIFORM, BINADES, NEGATIVE_BINADES } range_kind;

typedef struct {
    const char *name;
    range_kind kind;
    double lo, hi; /* UNIFORM: the interval; BINADES: exponents */
} range;

static void measure(const char *fname, mine_fn mine, libm_fn libm, long_fn exact, const range *r,
                    uint64_t seed)
{
    uint64_t state = seed;
    uint64_t worst_glibc = 0, differ = 0;
    double worst_exact = 0.0, worst_x = 0.0;
    const int n = 1000000;
    for (int i = 0; i < n; i++) {
        double x = r->kind == UNIFORM ? uniform(&state, r->lo, r->hi)
                                      : any_binade(&state, (int)r->lo, (int)r->hi);
        if (r->kind == NEGATIVE_BINADES)
            x = -x;
        double got = mine(x), want = libm(x);
        if (!isfinite(want) || want == 0.0 || fabs(want) < DBL_MIN)
            continue; /* overflow, underflow: the special-value checks */
        uint64_t d = ulps_apart(got, want);
        differ += d != 0;
        if (d > worst_glibc)
            worst_glibc = d;
        double e = ulp_error(got, exact((long double)x));
        if (e > worst_exact) {
            worst_exact = e;
            worst_x = x;
        }
    }
    printf("%-6s %-28s differs from glibc in %6.3f %% of points, by at most %" PRIu64
           " ulp; error at most %.3f ulp (at %.17g)\n",
           fname, r->name, 100.0 * (double)differ / n, worst_glibc, worst_exact, worst_x);
    CHECK(worst_glibc <= 1);
    CHECK(worst_exact < 1.0);
}

static void check_special(void)
{
    CHECK(isnan(infl__fmath_log(NAN)) && isnan(infl__fmath_exp(NAN)));
    CHECK(isnan(infl__fmath_log1p(NAN)) && isnan(infl__fmath_expm1(NAN)));
    CHECK(infl__fmath_log(0.0) == -INFINITY && infl__fmath_log(-0.0) == -INFINITY);
    CHECK(isnan(infl__fmath_log(-1.0)) && isnan(infl__fmath_log(-INFINITY)));
    CHECK(infl__fmath_log(INFINITY) == INFINITY);
    CHECK(infl__fmath_log(1.0) == 0.0 && !signbit(infl__fmath_log(1.0)));
    CHECK(infl__fmath_log(DBL_TRUE_MIN) == log(DBL_TRUE_MIN));
    CHECK(infl__fmath_log(DBL_MAX) == log(DBL_MAX));
    CHECK(infl__fmath_log(2.0) == log(2.0) && infl__fmath_log(0.5) == log(0.5));

    CHECK(infl__fmath_exp(0.0) == 1.0 && infl__fmath_exp(-0.0) == 1.0);
    CHECK(infl__fmath_exp(INFINITY) == INFINITY && infl__fmath_exp(-INFINITY) == 0.0);
    CHECK(infl__fmath_exp(710.0) == INFINITY && infl__fmath_exp(-746.0) == 0.0);
    CHECK(ulps_apart(infl__fmath_exp(1.0), exp(1.0)) <= 1);
    CHECK(infl__fmath_exp(709.78) == exp(709.78));                /* near overflow, k = 1024 */
    CHECK(ulps_apart(infl__fmath_exp(-740.0), exp(-740.0)) <= 1); /* subnormal result */
    CHECK(ulps_apart(infl__fmath_exp(-708.5), exp(-708.5)) <= 1);
    CHECK(infl__fmath_exp(1e-300) == 1.0);

    CHECK(infl__fmath_log1p(-1.0) == -INFINITY && isnan(infl__fmath_log1p(-2.0)));
    CHECK(infl__fmath_log1p(INFINITY) == INFINITY);
    CHECK(infl__fmath_log1p(0.0) == 0.0 && signbit(infl__fmath_log1p(-0.0)));
    CHECK(infl__fmath_log1p(1e-300) == 1e-300 && infl__fmath_log1p(DBL_MAX) == log1p(DBL_MAX));

    CHECK(infl__fmath_expm1(-INFINITY) == -1.0 && infl__fmath_expm1(INFINITY) == INFINITY);
    CHECK(infl__fmath_expm1(0.0) == 0.0 && signbit(infl__fmath_expm1(-0.0)));
    CHECK(infl__fmath_expm1(-50.0) == expm1(-50.0) && infl__fmath_expm1(-800.0) == -1.0);
    CHECK(infl__fmath_expm1(710.0) == INFINITY && infl__fmath_expm1(1e-300) == 1e-300);
    CHECK(infl__fmath_expm1(709.78) == expm1(709.78));
}

int main(void)
{
    check_special();

    const range log_ranges[] = {
        {"every binade", BINADES, -1074, 1023},
        {"[0.5, 2]", UNIFORM, 0.5, 2.0},
        {"[1 - 2^-19, 1 + 2^-19]", UNIFORM, 1.0 - 0x1p-19, 1.0 + 0x1p-19},
        {"(0, 1) uniforms", UNIFORM, 0x1p-53, 1.0},
        {"[1, 1e6]", UNIFORM, 1.0, 1e6},
    };
    for (size_t i = 0; i < sizeof log_ranges / sizeof *log_ranges; i++)
        measure("log", infl__fmath_log, log, logl, &log_ranges[i], 1 + i);

    const range exp_ranges[] = {
        {"[-708, 709.7]", UNIFORM, -708.0, 709.7},
        {"[-1.5 ln2, 1.5 ln2]", UNIFORM, -1.04, 1.04},
        {"[-40, 0]", UNIFORM, -40.0, 0.0},
        {"|x| in every binade < 2^-1", BINADES, -60, -2},
        {"-|x| in every binade < 2^-1", NEGATIVE_BINADES, -60, -2},
    };
    for (size_t i = 0; i < sizeof exp_ranges / sizeof *exp_ranges; i++)
        measure("exp", infl__fmath_exp, exp, expl, &exp_ranges[i], 100 + i);

    const range log1p_ranges[] = {
        {"x in every binade", BINADES, -1074, 1023},
        {"-x in every binade below 1", NEGATIVE_BINADES, -1074, -1},
        {"[-0.3, 0.42]", UNIFORM, -0.3, 0.42},
        {"[-1, -0.29]", UNIFORM, -1.0 + 0x1p-40, -0.29},
        {"[0.4, 4]", UNIFORM, 0.4, 4.0},
    };
    for (size_t i = 0; i < sizeof log1p_ranges / sizeof *log1p_ranges; i++)
        measure("log1p", infl__fmath_log1p, log1p, log1pl, &log1p_ranges[i], 200 + i);

    const range expm1_ranges[] = {
        {"[-40, 709.7]", UNIFORM, -40.0, 709.7},
        {"[-1.5 ln2, 1.5 ln2]", UNIFORM, -1.04, 1.04},
        {"[-45, 45]", UNIFORM, -45.0, 45.0},
        {"|x| in every binade < 2^-1", BINADES, -1074, -2},
        {"-|x| in every binade < 2^-1", NEGATIVE_BINADES, -1074, -2},
    };
    for (size_t i = 0; i < sizeof expm1_ranges / sizeof *expm1_ranges; i++)
        measure("expm1", infl__fmath_expm1, expm1, expm1l, &expm1_ranges[i], 300 + i);

    return check_exit();
}
