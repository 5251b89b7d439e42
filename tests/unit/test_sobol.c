/*
 * Unit tests of the Sobol' indices (study/sobol.c): the design against GSL's
 * sequence itself; the estimators' formulas on a case small enough to do by
 * hand; Ishigami's function, Sobol's g-function and a product of independent
 * uniforms (with a factor it ignores), whose indices are known analytically,
 * each index within its bootstrap interval and a stated tolerance; the
 * indices of f and f + c; a constant output; the same numbers on 1, 2 and 3
 * threads (at n = 4096, k = 20, 1000 replicates, timed); and the errors.
 */
#include "check.h"
#include "study/sobol.h"

#include <gsl/gsl_qrng.h>
#include <time.h>

#define PI 3.14159265358979323846

enum { N = 4096, N_BOOT = 1000 };
static const double CONF = 0.95;
static const uint64_t SEED = 20261202;

/* A function of k unit-cube coordinates, with its parameters. */
typedef double (*function)(const double *u, size_t k, const void *param);

/* The design's n (k + 2) values of f: fa[n], fb[n], fab[k n] (caller frees). */
typedef struct {
    double *fa, *fb, *fab;
} values;

static values evaluate(size_t n, size_t k, function f, const void *param)
{
    double *a = malloc(n * k * sizeof *a), *b = malloc(n * k * sizeof *b);
    double *row = malloc(k * sizeof *row);
    values v = {malloc(n * sizeof(double)), malloc(n * sizeof(double)),
                malloc(n * k * sizeof(double))};
    CHECK(a && b && row && v.fa && v.fb && v.fab);
    CHECK_INT(infl__sobol_design(n, k, a, b, NULL), INFL_OK);
    for (size_t j = 0; j < n; j++) {
        v.fa[j] = f(a + j * k, k, param);
        v.fb[j] = f(b + j * k, k, param);
        for (size_t i = 0; i < k; i++) {
            memcpy(row, a + j * k, k * sizeof *row);
            row[i] = b[j * k + i];
            v.fab[i * n + j] = f(row, k, param);
        }
    }
    free(row);
    free(b);
    free(a);
    return v;
}

static void values_free(values *v)
{
    free(v->fa);
    free(v->fb);
    free(v->fab);
}

/* Checks one estimate against its analytic value: inside its own bootstrap
 * interval, and within tol. */
static void check_index(const char *what, size_t i, double est, double lo, double hi, double exact,
                        double tol)
{
    check_count++;
    if (!(lo <= exact && exact <= hi) || !(fabs(est - exact) <= tol)) {
        check_failures++;
        fprintf(stderr, "%s:%d: %s of factor %zu: %.5f in [%.5f, %.5f], analytic %.5f (tol %.3g)\n",
                __FILE__, __LINE__, what, i, est, lo, hi, exact, tol);
    }
}

static void check_indices(const infl__sobol_index *out, size_t k, const double *s1,
                          const double *st, double tol)
{
    for (size_t i = 0; i < k; i++) {
        check_index("S1", i, out[i].s1, out[i].s1_lo, out[i].s1_hi, s1[i], tol);
        check_index("ST", i, out[i].st, out[i].st_lo, out[i].st_hi, st[i], tol);
    }
}

/* The design is GSL's Sobol' sequence in 2k dimensions from its second
 * point, A the first k coordinates and B the rest; the same each call. */
static void test_design(void)
{
    enum { ROWS = 300 };
    static double a[ROWS * INFL__SOBOL_MAX_FACTORS], b[ROWS * INFL__SOBOL_MAX_FACTORS];
    static double again[ROWS * INFL__SOBOL_MAX_FACTORS];
    double point[2 * INFL__SOBOL_MAX_FACTORS];
    for (size_t k = 1; k <= INFL__SOBOL_MAX_FACTORS; k++) {
        CHECK_INT(infl__sobol_design(ROWS, k, a, b, NULL), INFL_OK);
        gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
        gsl_qrng_get(q, point);
        /* GSL's first point, the one skipped: 1/2 everywhere, A = B. */
        for (size_t i = 0; i < 2 * k; i++)
            CHECK(point[i] == 0.5);
        size_t in_range = 0, same = 0, equal_rows = 0;
        for (size_t j = 0; j < ROWS; j++) {
            gsl_qrng_get(q, point);
            int row_equal = 1;
            for (size_t i = 0; i < k; i++) {
                double x = a[j * k + i], y = b[j * k + i];
                in_range += x > 0.0 && x < 1.0 && y > 0.0 && y < 1.0;
                same += x == point[i] && y == point[k + i];
                row_equal &= x == y;
            }
            equal_rows += (size_t)row_equal;
        }
        gsl_qrng_free(q);
        CHECK_INT(in_range, ROWS * k);
        CHECK_INT(same, ROWS * k);
        /* The unscrambled sequence's rows equal in A and B (documented in
         * sobol.h): 14 of these for k = 1, rows 0 and 1 for k = 2, 4 and
         * 16, none for any other k. */
        CHECK_INT(equal_rows, k == 1 ? 14 : k == 2 || k == 4 || k == 16 ? 2 : 0);
        CHECK_INT(infl__sobol_design(ROWS, k, again, b, NULL), INFL_OK);
        CHECK(memcmp(a, again, ROWS * k * sizeof *a) == 0);
    }
}

/* The estimators' formulas by hand, n = 2, k = 1: fa = (0, 2), fb = (1, 3),
 * fab = (1, 2). Pooled mean 1.5, V = (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25,
 * d = fab - fa = (1, 0): S1 = mean((fb - 1.5) d) / V = (-0.5 / 2) / 1.25 =
 * -0.2, ST = mean(d^2) / (2 V) = 0.5 / 2.5 = 0.2. */
static void test_by_hand(void)
{
    const double fa[] = {0, 2}, fb[] = {1, 3}, fab[] = {1, 2};
    infl__sobol_index out;
    CHECK_INT(infl__sobol_indices(2, 1, fa, fb, fab, 0, CONF, SEED, &out, NULL), INFL_OK);
    CHECK_NEAR(out.s1, -0.2, 1e-15);
    CHECK_NEAR(out.st, 0.2, 1e-15);
    CHECK(isnan(out.s1_lo) && isnan(out.s1_hi) && isnan(out.st_lo) && isnan(out.st_hi));

    /* With fa = fb = 1 in row 0, a replicate that draws row 0 twice (one in
     * four) has no variance: it is left out, and the interval comes from
     * the other replicates, which all hold row 1. */
    const double fa1[] = {1, 2}, fb1[] = {1, 3}, fab1[] = {1, 3};
    CHECK_INT(infl__sobol_indices(2, 1, fa1, fb1, fab1, 200, CONF, SEED, &out, NULL), INFL_OK);
    CHECK(isfinite(out.s1_lo) && isfinite(out.s1_hi) && out.s1_lo <= out.s1_hi);
    CHECK(isfinite(out.st_lo) && isfinite(out.st_hi) && out.st_lo <= out.st_hi);
    CHECK(out.st_lo > 0); /* row 1 has d = 1, every kept replicate holds it */
}

static double square(const double *u, size_t k, const void *param)
{
    (void)k;
    (void)param;
    return u[0] * u[0];
}

/* One factor, the design whose A and B coincide most often (62 of 4096
 * rows): f = u^2 has S1 = ST = 1. Tolerance 0.01: the half-widths are about
 * 0.03 and a smooth function of two quasi-random coordinates converges
 * fastest. */
static void test_one_factor(void)
{
    values f = evaluate(N, 1, square, NULL);
    infl__sobol_index out;
    CHECK_INT(infl__sobol_indices(N, 1, f.fa, f.fb, f.fab, N_BOOT, CONF, SEED, &out, NULL),
              INFL_OK);
    const double one = 1.0;
    check_indices(&out, 1, &one, &one, 0.01);
    printf("u^2: S1 %.4f [%.4f, %.4f], ST %.4f [%.4f, %.4f]\n", out.s1, out.s1_lo, out.s1_hi,
           out.st, out.st_lo, out.st_hi);
    values_free(&f);
}

/* Ishigami's function, a = 7, b = 0.1, on [-pi, pi]^3. */
static double ishigami(const double *u, size_t k, const void *param)
{
    (void)k;
    (void)param;
    double x1 = PI * (2 * u[0] - 1), x2 = PI * (2 * u[1] - 1), x3 = PI * (2 * u[2] - 1);
    double s2 = sin(x2), x3_2 = x3 * x3;
    return sin(x1) + 7.0 * s2 * s2 + 0.1 * x3_2 * x3_2 * sin(x1);
}

/*
 * Ishigami's indices (Ishigami and Homma 1990; Sobol' and Levitan 1999):
 * V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, V1 = (1 + b pi^4/5)^2 / 2,
 * V2 = a^2/8, V3 = 0, V13 = 8 b^2 pi^8 / 225 the only interaction, so
 * S = (0.3139, 0.4424, 0) and ST = (0.5576, 0.4424, 0.2437).
 *
 * Tolerance 0.02: at N = 4096 the bootstrap's 95 % half-widths, which treat
 * the rows as independent (quasi-random rows do better), are about 0.02 to
 * 0.04; the estimates land within about 0.01 of the analytic values.
 */
static void test_ishigami(void)
{
    const double a = 7.0, b = 0.1, pi4 = pow(PI, 4), pi8 = pow(PI, 8);
    const double v = a * a / 8 + b * pi4 / 5 + b * b * pi8 / 18 + 0.5;
    const double v1 = 0.5 * (1 + b * pi4 / 5) * (1 + b * pi4 / 5), v2 = a * a / 8;
    const double v13 = 8 * b * b * pi8 / 225;
    const double s1[] = {v1 / v, v2 / v, 0}, st[] = {(v1 + v13) / v, v2 / v, v13 / v};
    CHECK_NEAR(s1[0], 0.3139, 1e-4);
    CHECK_NEAR(s1[1], 0.4424, 1e-4);
    CHECK_NEAR(st[0], 0.5576, 1e-4);
    CHECK_NEAR(st[2], 0.2437, 1e-4);
    values f = evaluate(N, 3, ishigami, NULL);
    infl__sobol_index out[3];
    CHECK_INT(infl__sobol_indices(N, 3, f.fa, f.fb, f.fab, N_BOOT, CONF, SEED, out, NULL), INFL_OK);
    check_indices(out, 3, s1, st, 0.02);
    for (size_t i = 0; i < 3; i++)
        printf("ishigami %zu: S1 %.4f [%.4f, %.4f] (%.4f), ST %.4f [%.4f, %.4f] (%.4f)\n", i,
               out[i].s1, out[i].s1_lo, out[i].s1_hi, s1[i], out[i].st, out[i].st_lo, out[i].st_hi,
               st[i]);
    values_free(&f);
}

/* Sobol's g-function: prod (|4 u_i - 2| + a_i) / (1 + a_i). */
enum { G_K = 6 };
static const double G_A[G_K] = {0, 0.5, 3, 9, 99, 1e4};

static double g_function(const double *u, size_t k, const void *param)
{
    const double *a = param;
    double g = 1.0;
    for (size_t i = 0; i < k; i++)
        g *= (fabs(4 * u[i] - 2) + a[i]) / (1 + a[i]);
    return g;
}

/*
 * The g-function's indices (Saltelli and Sobol' 1995): each term has mean 1
 * and variance V_i = 1 / (3 (1 + a_i)^2), so V = prod (1 + V_i) - 1,
 * S1_i = V_i / V and ST_i = V_i prod_{j != i} (1 + V_j) / V. With a = 0 the
 * factor dominates; a = 10^4 makes S ~ 3e-9, nothing.
 *
 * Tolerance 0.02, as for Ishigami: the 95 % half-widths here are about 0.01 to
 * 0.04 for the large indices (a product has heavy interactions).
 */
static void test_g_function(void)
{
    double vi[G_K], prod = 1.0, s1[G_K], st[G_K];
    for (size_t i = 0; i < G_K; i++) {
        vi[i] = 1.0 / (3.0 * (1 + G_A[i]) * (1 + G_A[i]));
        prod *= 1 + vi[i];
    }
    const double v = prod - 1;
    for (size_t i = 0; i < G_K; i++) {
        s1[i] = vi[i] / v;
        st[i] = vi[i] * (prod / (1 + vi[i])) / v;
    }
    values f = evaluate(N, G_K, g_function, G_A);
    infl__sobol_index out[G_K];
    CHECK_INT(infl__sobol_indices(N, G_K, f.fa, f.fb, f.fab, N_BOOT, CONF, SEED, out, NULL),
              INFL_OK);
    check_indices(out, G_K, s1, st, 0.02);
    for (size_t i = 0; i < G_K; i++)
        printf("g-function %zu: S1 %.4f [%.4f, %.4f] (%.4f), ST %.4f [%.4f, %.4f] (%.4f)\n", i,
               out[i].s1, out[i].s1_lo, out[i].s1_hi, s1[i], out[i].st, out[i].st_lo, out[i].st_hi,
               st[i]);
    /* a = 10^4: indistinguishable from 0, the interval a few 1e-8 wide. */
    CHECK(fabs(out[G_K - 1].s1) < 1e-6 && fabs(out[G_K - 1].st) < 1e-6);
    CHECK(out[G_K - 1].st_hi - out[G_K - 1].st_lo < 1e-6);
    values_free(&f);
}

/* X_i = LO_i + (HI_i - LO_i) u_i, f = X_0 X_1 X_2; u_3 is ignored. */
enum { P_K = 4 };
static const double P_LO[3] = {0.5, 1, 0}, P_HI[3] = {1.5, 3, 1};

static double product(const double *u, size_t k, const void *param)
{
    (void)k;
    (void)param;
    double f = 1.0;
    for (size_t i = 0; i < 3; i++)
        f *= P_LO[i] + (P_HI[i] - P_LO[i]) * u[i];
    return f;
}

/*
 * A product of independent uniforms X_i with means m_i = (lo + hi) / 2 and
 * variances v_i = (hi - lo)^2 / 12, so E[X_i^2] = m_i^2 + v_i:
 *   V = Var(prod X) = prod (m_j^2 + v_j) - prod m_j^2;
 *   E[f | X_i] = X_i prod_{j != i} m_j, so V_i = v_i prod_{j != i} m_j^2
 *     and S1_i = v_i prod_{j != i} m_j^2 / V;
 *   Var(f | X_~i) = v_i prod_{j != i} X_j^2, whose mean is
 *     v_i prod_{j != i} (m_j^2 + v_j), so ST_i = v_i prod_{j != i} (m_j^2 + v_j) / V.
 * The fourth factor, which f ignores, has f(AB_3) = f(A) exactly, so both of
 * its estimates and their intervals are exactly 0 (d = 0 in every term).
 *
 * Tolerance 0.01: the half-widths are about 0.01 to 0.02 and the function is
 * smooth, where quasi-random rows converge fastest.
 */
static void test_product(void)
{
    double m2[3], var[3], all_m2 = 1.0, all_e2 = 1.0;
    for (size_t i = 0; i < 3; i++) {
        double m = (P_LO[i] + P_HI[i]) / 2, w = P_HI[i] - P_LO[i];
        m2[i] = m * m;
        var[i] = w * w / 12;
        all_m2 *= m2[i];
        all_e2 *= m2[i] + var[i];
    }
    const double v = all_e2 - all_m2;
    double s1[P_K] = {0}, st[P_K] = {0};
    for (size_t i = 0; i < 3; i++) {
        s1[i] = var[i] * (all_m2 / m2[i]) / v;
        st[i] = var[i] * (all_e2 / (m2[i] + var[i])) / v;
    }
    values f = evaluate(N, P_K, product, NULL);
    infl__sobol_index out[P_K];
    CHECK_INT(infl__sobol_indices(N, P_K, f.fa, f.fb, f.fab, N_BOOT, CONF, SEED, out, NULL),
              INFL_OK);
    check_indices(out, P_K, s1, st, 0.01);
    for (size_t i = 0; i < P_K; i++)
        printf("product %zu: S1 %.4f [%.4f, %.4f] (%.4f), ST %.4f [%.4f, %.4f] (%.4f)\n", i,
               out[i].s1, out[i].s1_lo, out[i].s1_hi, s1[i], out[i].st, out[i].st_lo, out[i].st_hi,
               st[i]);
    const infl__sobol_index *ignored = &out[P_K - 1];
    CHECK(ignored->s1 == 0.0 && ignored->s1_lo == 0.0 && ignored->s1_hi == 0.0);
    CHECK(ignored->st == 0.0 && ignored->st_lo == 0.0 && ignored->st_hi == 0.0);

    /* f + 10^6: the same indices up to the rounding of f + 10^6 (about 1e-10
     * of f). Without centring, S1 would move by 10^6 mean(fab - fa) / V. */
    for (size_t j = 0; j < N; j++) {
        f.fa[j] += 1e6;
        f.fb[j] += 1e6;
        for (size_t i = 0; i < P_K; i++)
            f.fab[i * N + j] += 1e6;
    }
    infl__sobol_index shifted[P_K];
    CHECK_INT(infl__sobol_indices(N, P_K, f.fa, f.fb, f.fab, N_BOOT, CONF, SEED, shifted, NULL),
              INFL_OK);
    for (size_t i = 0; i < P_K; i++) {
        CHECK_NEAR(shifted[i].s1, out[i].s1, 1e-6);
        CHECK_NEAR(shifted[i].st, out[i].st, 1e-6);
        CHECK_NEAR(shifted[i].s1_lo, out[i].s1_lo, 1e-6);
        CHECK_NEAR(shifted[i].st_hi, out[i].st_hi, 1e-6);
    }
    values_free(&f);
}

/* A constant output has no variance to share out: every index NaN, OK. */
static void test_constant(void)
{
    enum { ROWS = 64, K = 2 };
    double fa[ROWS], fb[ROWS], fab[K * ROWS];
    for (size_t j = 0; j < ROWS; j++)
        fa[j] = fb[j] = fab[j] = fab[ROWS + j] = 0.1;
    infl__sobol_index out[K];
    CHECK_INT(infl__sobol_indices(ROWS, K, fa, fb, fab, 100, CONF, SEED, out, NULL), INFL_OK);
    for (size_t i = 0; i < K; i++) {
        CHECK(isnan(out[i].s1) && isnan(out[i].st));
        CHECK(isnan(out[i].s1_lo) && isnan(out[i].st_hi));
    }
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The g-function extended to 20 factors at the largest size a study is
 * likely to ask for: the same numbers, bit for bit, on 1, 2 and 3 threads
 * and by the default entry point; another seed gives other intervals and
 * the same estimates; no replicates, the same estimates and NaN intervals. */
static void test_threads(void)
{
    enum { K = INFL__SOBOL_MAX_FACTORS };
    double a[K];
    for (size_t i = 0; i < K; i++)
        a[i] = i < G_K ? G_A[i] : (double)i;
    values f = evaluate(N, K, g_function, a);
    static infl__sobol_index out[4][K];
    for (unsigned t = 1; t <= 3; t++) {
        double start = seconds();
        CHECK_INT(infl__sobol_indices_threads(N, K, f.fa, f.fb, f.fab, N_BOOT, CONF, SEED, t,
                                              out[t - 1], NULL),
                  INFL_OK);
        printf("n %d, k %d, %d replicates on %u thread(s): %.3f s\n", N, K, N_BOOT, t,
               seconds() - start);
    }
    CHECK(memcmp(out[0], out[1], sizeof out[0]) == 0);
    CHECK(memcmp(out[0], out[2], sizeof out[0]) == 0);
    CHECK_INT(infl__sobol_indices(N, K, f.fa, f.fb, f.fab, N_BOOT, CONF, SEED, out[3], NULL),
              INFL_OK);
    CHECK(memcmp(out[0], out[3], sizeof out[0]) == 0);

    CHECK_INT(infl__sobol_indices(N, K, f.fa, f.fb, f.fab, N_BOOT, CONF, SEED + 1, out[3], NULL),
              INFL_OK);
    CHECK(out[3][0].s1 == out[0][0].s1 && out[3][0].st == out[0][0].st);
    CHECK(out[3][0].s1_lo != out[0][0].s1_lo);
    CHECK_INT(infl__sobol_indices(N, K, f.fa, f.fb, f.fab, 0, CONF, SEED, out[3], NULL), INFL_OK);
    for (size_t i = 0; i < K; i++) {
        CHECK(out[3][i].s1 == out[0][i].s1 && out[3][i].st == out[0][i].st);
        CHECK(isnan(out[3][i].s1_lo) && isnan(out[3][i].st_hi));
    }
    values_free(&f);
}

static void test_errors(void)
{
    double a[8], b[8], fa[4] = {1, 2, 3, 4}, fb[4] = {2, 3, 4, 5}, fab[8] = {1, 2, 3, 4, 5, 6, 7};
    infl__sobol_index out[2];
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl__sobol_design(1, 1, a, b, &err), INFL_EARG);
    CHECK_INT(infl__sobol_design(INFL__SOBOL_MAX_ROWS + 1, 1, a, b, &err), INFL_EARG);
    CHECK_INT(infl__sobol_design(4, 0, a, b, &err), INFL_EARG);
    CHECK_INT(infl__sobol_design(4, INFL__SOBOL_MAX_FACTORS + 1, a, b, &err), INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err), "21 factors (from 1 to 20)");
    CHECK_INT(infl__sobol_design(4, 2, NULL, b, &err), INFL_EARG);
    infl_error_clear(&err);

    CHECK_INT(infl__sobol_indices(1, 2, fa, fb, fab, 10, CONF, SEED, out, &err), INFL_EARG);
    CHECK_INT(infl__sobol_indices(4, 0, fa, fb, fab, 10, CONF, SEED, out, &err), INFL_EARG);
    CHECK_INT(infl__sobol_indices(4, 2, fa, NULL, fab, 10, CONF, SEED, out, &err), INFL_EARG);
    CHECK_INT(infl__sobol_indices(4, 2, fa, fb, fab, 10, 1.0, SEED, out, &err), INFL_EARG);
    CHECK_INT(infl__sobol_indices(4, 2, fa, fb, fab, 10, 0.0, SEED, out, &err), INFL_EARG);
    CHECK_INT(infl__sobol_indices(4, 2, fa, fb, fab, 10, NAN, SEED, out, &err), INFL_EARG);
    /* Without replicates the level is not used. */
    fab[7] = 8;
    CHECK_INT(infl__sobol_indices(4, 2, fa, fb, fab, 0, NAN, SEED, out, &err), INFL_OK);
    infl_error_clear(&err);

    fab[6] = NAN;
    CHECK_INT(infl__sobol_indices(4, 2, fa, fb, fab, 10, CONF, SEED, out, &err), INFL_EINVAL);
    CHECK_CONTAINS(infl_error_message(&err), "f(AB_1) at row 2 is nan");
    infl_error_clear(&err);
    fab[6] = 7;
    fb[3] = INFINITY;
    CHECK_INT(infl__sobol_indices(4, 2, fa, fb, fab, 10, CONF, SEED, out, &err), INFL_EINVAL);
    CHECK_CONTAINS(infl_error_message(&err), "f(B) at row 3 is inf");
    infl_error_clear(&err);
    fb[3] = 5;
    fa[0] = -INFINITY;
    CHECK_INT(infl__sobol_indices(4, 2, fa, fb, fab, 10, CONF, SEED, out, &err), INFL_EINVAL);
    CHECK_CONTAINS(infl_error_message(&err), "f(A) at row 0 is -inf");
    infl_error_destroy(&err);
}

int main(void)
{
    test_design();
    test_by_hand();
    test_one_factor();
    test_ishigami();
    test_g_function();
    test_product();
    test_constant();
    test_threads();
    test_errors();
    return check_exit();
}
