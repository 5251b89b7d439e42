/*
 * sample.c — random variates from an infl_rng stream (see sample.h).
 *
 * References for the algorithms:
 *   G. Marsaglia and W. W. Tsang, "The Ziggurat Method for Generating Random
 *     Variables", J. Stat. Softw. 5(8), 2000 (normal);
 *   G. Marsaglia and W. W. Tsang, "A Simple Method for Generating Gamma
 *     Variables", ACM TOMS 26(3), 2000 (gamma);
 *   W. Hoermann, "The generation of binomial random variates", J. Stat.
 *     Comput. Simul. 46, 1993 (BTRS), and "The transformed rejection method for
 *     generating Poisson random variables", Insur. Math. Econ. 12, 1993 (PTRS);
 *   E. Stadlober, "Ratio of uniforms as a convenient method for sampling from
 *     classical discrete distributions", Proc. WSC 1989 (HRUA).
 * The constants are those of the papers (and of NumPy's implementations of
 * PTRS and HRUA, which follow them).
 */
#include "random/sample.h"

#include "base/fmath.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#define HALF_LOG_2PI 0.91893853320467274178

/* The tail of Stirling's series for log Gamma(n), n >= 31: 1/(12n) - 1/(360n^3)
 * + 1/(1260n^5) - 1/(1680n^7); the next term is below 4e-17. */
static double stirling_tail(double n)
{
    double n2 = 1.0 / (n * n);
    return (1.0 / 12.0 - n2 * (1.0 / 360.0 - n2 * (1.0 / 1260.0 - n2 / 1680.0))) / n;
}

double infl__sample_log_factorial_stirling(double k)
{
    double n = k + 1.0;
    return (k + 0.5) * infl__fmath_log(n) - n + HALF_LOG_2PI + stirling_tail(n);
}

double infl__sample_log_factorial_ratio(double a, double b)
{
    if (a == b)
        return 0.0;
    if (a < b)
        return -infl__sample_log_factorial_ratio(b, a);
    if (b < 30.0 || a < INFL_LOG_FACTORIAL_TABLE)
        return infl__sample_log_factorial(a) - infl__sample_log_factorial(b);
    /* (a+1/2) log(a+1) - (b+1/2) log(b+1) - (a-b) + tails, rewritten so the
     * two large logarithms never cancel: log(a+1) - log(b+1) = log1p(k/(b+1)). */
    double k = a - b, nb = b + 1.0;
    return (a + 0.5) * infl__fmath_log1p(k / nb) + k * infl__fmath_log(nb) - k +
           (stirling_tail(a + 1.0) - stirling_tail(nb));
}

double infl__sample_normal(infl_rng *r)
{
    for (;;) {
        /* One word: 7 bits choose the layer, 1 the sign, 24 the abscissa. */
        uint32_t w = infl__rng_u32(r);
        unsigned i = w & 127u;
        double sign = 1.0 - (double)((w >> 6) & 2u); /* +1 or -1, no branch */
        double x = ((double)(w >> 8) + 0.5) * 0x1p-24 * infl__sample_zig_x[i];
        if (x < infl__sample_zig_x[i + 1])
            return sign * x; /* inside the rectangle under the next layer */
        if (i == 0) {
            /* The tail beyond R (Marsaglia 1964). */
            const double big_r = infl__sample_zig_x[1];
            double a, b;
            do {
                a = -infl__fmath_log(infl__rng_uniform(r)) / big_r;
                b = -infl__fmath_log(infl__rng_uniform(r));
            } while (b + b < a * a);
            return sign * (big_r + a);
        }
        double y = infl__sample_zig_f[i] +
                   infl__rng_uniform(r) * (infl__sample_zig_f[i + 1] - infl__sample_zig_f[i]);
        if (y < infl__fmath_exp(-0.5 * x * x))
            return sign * x;
    }
}

void infl__sample_gamma_shape_init(infl_gamma_shape *g, double a)
{
    g->boost = a < 1.0;
    double big = g->boost ? a + 1.0 : a;
    g->d = big - 1.0 / 3.0;
    g->c = 1.0 / sqrt(9.0 * g->d);
    g->inv_a = 1.0 / a;
}

/* Marsaglia and Tsang for the shape max(a, a + 1) of g. */
static double gamma_large(infl_rng *r, const infl_gamma_shape *g)
{
    const double d = g->d, c = g->c;
    for (;;) {
        double x, v;
        do {
            x = infl__sample_normal(r);
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        double u = infl__rng_uniform(r), x2 = x * x;
        if (u < 1.0 - 0.0331 * x2 * x2)
            return d * v;
        if (infl__fmath_log(u) < 0.5 * x2 + d * (1.0 - v + infl__fmath_log(v)))
            return d * v;
    }
}

double infl__sample_gamma_shape(infl_rng *r, const infl_gamma_shape *g)
{
    if (!g->boost)
        return gamma_large(r, g);
    /* Gamma(a) = Gamma(a + 1) U^(1/a). */
    double u = infl__rng_uniform(r);
    return gamma_large(r, g) * infl__fmath_exp(infl__fmath_log(u) * g->inv_a);
}

double infl__sample_gamma(infl_rng *r, double a)
{
    infl_gamma_shape g;
    infl__sample_gamma_shape_init(&g, a);
    return infl__sample_gamma_shape(r, &g);
}

/* The logarithm of a Gamma(a) variate. For small shapes U^(1/a) underflows
 * (a = 0.001 gives 0 almost always), so ratios of gammas are formed in logs. */
static double log_gamma_variate(infl_rng *r, const infl_gamma_shape *g)
{
    if (!g->boost)
        return infl__fmath_log(gamma_large(r, g));
    double u = infl__rng_uniform(r);
    return infl__fmath_log(gamma_large(r, g)) + infl__fmath_log(u) * g->inv_a;
}

double infl__sample_beta_shapes(infl_rng *r, const infl_gamma_shape *a, const infl_gamma_shape *b)
{
    if (!a->boost && !b->boost) {
        double x = gamma_large(r, a), y = gamma_large(r, b);
        return x / (x + y);
    }
    double lx = log_gamma_variate(r, a), ly = log_gamma_variate(r, b);
    return 1.0 / (1.0 + infl__fmath_exp(ly - lx));
}

double infl__sample_beta(infl_rng *r, double a, double b)
{
    infl_gamma_shape ga, gb;
    infl__sample_gamma_shape_init(&ga, a);
    infl__sample_gamma_shape_init(&gb, b);
    return infl__sample_beta_shapes(r, &ga, &gb);
}

void infl__sample_dirichlet_shapes(infl_rng *r, size_t n, const infl_gamma_shape *g, double *out)
{
    bool small = false;
    for (size_t i = 0; i < n; i++)
        small |= g[i].boost;
    double sum = 0.0;
    if (!small) {
        for (size_t i = 0; i < n; i++)
            sum += out[i] = gamma_large(r, &g[i]);
    } else {
        double top = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            out[i] = log_gamma_variate(r, &g[i]);
            if (out[i] > top)
                top = out[i];
        }
        for (size_t i = 0; i < n; i++)
            sum += out[i] = infl__fmath_exp(out[i] - top);
    }
    for (size_t i = 0; i < n; i++)
        out[i] /= sum;
}

void infl__sample_dirichlet(infl_rng *r, size_t n, const double *alpha, double *out)
{
    /* Up to 16 shapes on the stack: a share vector has a few regions. */
    infl_gamma_shape local[16] = {{0}};
    infl_gamma_shape *g = n <= 16 ? local : malloc(n * sizeof *g);
    if (g == NULL) {
        for (size_t i = 0; i < n; i++)
            out[i] = NAN; /* the model rejects a NaN share */
        return;
    }
    for (size_t i = 0; i < n; i++)
        infl__sample_gamma_shape_init(&g[i], alpha[i]);
    infl__sample_dirichlet_shapes(r, n, g, out);
    if (g != local)
        free(g);
}

/* Inversion by sequential search from 0, for n p < 10 and p <= 1/2: about
 * n p + 1 steps. */
static uint32_t binomial_inversion(infl_rng *r, double p, uint32_t n)
{
    const double q = 1.0 - p, s = p / q, a = ((double)n + 1.0) * s;
    double f0; /* q^n: most calls have a small n, where squaring beats exp and log1p */
    if (n <= 64) {
        double base = q;
        f0 = 1.0;
        for (uint32_t e = n; e != 0; e >>= 1) {
            if (e & 1u)
                f0 *= base;
            base *= base;
        }
    } else {
        f0 = infl__fmath_exp((double)n * infl__fmath_log1p(-p));
    }
    for (;;) {
        double u = infl__rng_uniform(r), f = f0;
        for (uint32_t x = 0;;) {
            if (u <= f)
                return x;
            u -= f;
            if (x == n)
                break; /* rounding left a sliver above P(X <= n): draw again */
            x++;
            f *= a / (double)x - s;
        }
    }
}

/* BTRS: transformed rejection with squeeze, for n p >= 10 and p <= 1/2.
 * About 65 % of draws end at the squeeze, so what only the exact test needs
 * (the mode's log-probability) is computed on first use. */
static uint32_t binomial_btrs(infl_rng *r, double p, uint32_t n)
{
    const double nd = (double)n, q = 1.0 - p;
    const double spq = sqrt(nd * p * q);
    const double b = 1.15 + 2.53 * spq;
    const double a = -0.0873 + 0.0248 * b + 0.01 * p;
    const double c = nd * p + 0.5;
    const double vr = 0.92 - 4.2 / b;
    const double m = floor((nd + 1.0) * p);
    double alpha = 0.0, lpq = 0.0, h = 0.0, odds = 0.0, nodds = 0.0;
    bool ready = false, logs_ready = false;
    for (;;) {
        double u = infl__rng_uniform(r) - 0.5;
        double v = infl__rng_uniform(r);
        double us = 0.5 - fabs(u);
        double k = floor((2.0 * a / us + b) * u + c);
        if (k < 0.0 || k > nd)
            continue;
        if (us >= 0.07 && v <= vr)
            return (uint32_t)k;
        if (!ready) {
            alpha = (2.83 + 5.1 / b) * spq;
            odds = p / q;
            nodds = (nd + 1.0) * odds;
            ready = true;
        }
        v *= alpha / (a / (us * us) + b);
        double km = fabs(k - m);
        if (km <= 15.0) {
            /* f(k) / f(m) by the recurrence f(i) / f(i-1) = (n - i + 1) p / (i q). */
            double f = 1.0;
            if (m < k) {
                for (double i = m + 1.0; i <= k; i += 1.0)
                    f *= nodds / i - odds;
            } else {
                for (double i = k + 1.0; i <= m; i += 1.0)
                    v *= nodds / i - odds;
            }
            if (v <= f)
                return (uint32_t)k;
            continue;
        }
        if (!logs_ready) {
            lpq = infl__fmath_log(odds);
            h = infl__sample_log_factorial(m) + infl__sample_log_factorial(nd - m);
            logs_ready = true;
        }
        /* log f(k) / f(m). Below 2^24 trials the two log-factorials lose at
         * most about 1e-9 to cancellation; above, ratios that do not cancel. */
        double log_ratio =
            nd < 0x1p24 ? h - infl__sample_log_factorial(k) - infl__sample_log_factorial(nd - k)
                        : infl__sample_log_factorial_ratio(m, k) +
                              infl__sample_log_factorial_ratio(nd - m, nd - k);
        if (infl__fmath_log(v) <= log_ratio + (k - m) * lpq)
            return (uint32_t)k;
    }
}

uint32_t infl__sample_binomial(infl_rng *r, double p, uint32_t n)
{
    if (n == 0 || !(p > 0.0))
        return 0;
    if (p >= 1.0)
        return n;
    bool flip = p > 0.5;
    double pp = flip ? 1.0 - p : p;
    uint32_t x = (double)n * pp < 10.0 ? binomial_inversion(r, pp, n) : binomial_btrs(r, pp, n);
    return flip ? n - x : x;
}

/* log P(X = k) for Poisson(mu), k >= 30, without the cancellation between
 * k log(mu), mu and log(k!) that costs digits when mu is large. */
static double poisson_log_pmf(double k, double mu)
{
    double n = k + 1.0, d = n - mu;
    return d - k * infl__fmath_log1p(d / mu) - 0.5 * infl__fmath_log(n) - HALF_LOG_2PI -
           stirling_tail(n);
}

uint32_t infl__sample_poisson(infl_rng *r, double mu)
{
    if (!(mu > 0.0))
        return 0;
    if (mu < 10.0) {
        const double f0 = infl__fmath_exp(-mu);
        for (;;) {
            double u = infl__rng_uniform(r), f = f0;
            for (uint32_t x = 0; x < 1000; x++) {
                if (u <= f)
                    return x;
                u -= f;
                f *= mu / (double)(x + 1);
            }
            /* rounding left a sliver: draw again */
        }
    }
    /* PTRS; the logarithms only the exact test needs are taken on first use. */
    const double slam = sqrt(mu);
    const double b = 0.931 + 2.53 * slam;
    const double a = -0.059 + 0.02483 * b;
    const double vr = 0.9277 - 3.6224 / (b - 2.0);
    double log_invalpha = 0.0, loglam = 0.0;
    bool ready = false;
    for (;;) {
        double u = infl__rng_uniform(r) - 0.5;
        double v = infl__rng_uniform(r);
        double us = 0.5 - fabs(u);
        double k = floor((2.0 * a / us + b) * u + mu + 0.43);
        if (k < 0.0 || k > 4294967295.0)
            continue;
        if (us >= 0.07 && v <= vr)
            return (uint32_t)k;
        if (us < 0.013 && v > us)
            continue;
        if (!ready) {
            log_invalpha = infl__fmath_log(1.1239 + 1.1328 / (b - 3.4));
            loglam = infl__fmath_log(mu);
            ready = true;
        }
        double log_pmf = k < 30.0 ? -mu + k * loglam - infl__sample_log_factorial_table[(int)k]
                                  : poisson_log_pmf(k, mu);
        if (infl__fmath_log(v) + log_invalpha - infl__fmath_log(a / (us * us) + b) <= log_pmf)
            return (uint32_t)k;
    }
}

/* Hypergeometric by inversion from 0: of n drawn from total, how many of the
 * m marked; m, n <= total / 2 and a mean below about 10, so few steps. */
static uint64_t hyper_inversion(infl_rng *r, uint64_t total, uint64_t m, uint64_t n)
{
    const uint64_t k = m < n ? m : n, big = m < n ? n : m;
    /* P(0) = C(total - m, n) / C(total, n) = prod_{i<k} (total - big - i) / (total - i). */
    double p0 = 1.0;
    if (k <= 32) {
        /* Four independent chains of at most 8 factors (each below 2^33, so
         * no chain overflows) and one division: short dependency chains. */
        double num[4] = {1.0, 1.0, 1.0, 1.0}, den[4] = {1.0, 1.0, 1.0, 1.0};
        for (uint64_t i = 0; i < k; i++) {
            num[i & 3] *= (double)(total - big - i);
            den[i & 3] *= (double)(total - i);
        }
        p0 = ((num[0] / den[0]) * (num[1] / den[1])) * ((num[2] / den[2]) * (num[3] / den[3]));
    } else {
        p0 = infl__fmath_exp(
            infl__sample_log_factorial_ratio((double)(total - big), (double)(total - big - k)) -
            infl__sample_log_factorial_ratio((double)total, (double)(total - k)));
    }
    const double rest = (double)(total - m - n);
    for (;;) {
        double u = infl__rng_uniform(r), f = p0;
        for (uint64_t x = 0;;) {
            if (u <= f)
                return x;
            u -= f;
            if (x == k)
                break; /* rounding left a sliver: draw again */
            f *= (double)(m - x) * (double)(n - x) / ((double)(x + 1) * (rest + (double)x + 1.0));
            x++;
        }
    }
}

/* HRUA: ratio of uniforms, same arguments as hyper_inversion, any mean. */
static uint64_t hyper_hrua(infl_rng *r, uint64_t total, uint64_t m, uint64_t n)
{
    const double D1 = 1.7155277699214135; /* 2 sqrt(2/e) */
    const double D2 = 0.8989161620588988; /* 3 - 2 sqrt(3/e) */
    const double nt = (double)total, md = (double)m, nd = (double)n, other = nt - md;
    const double p = md / nt, q = other / nt;
    const double a = nd * p + 0.5;
    const double var = (nt - nd) * nd * p * q / (nt - 1.0);
    const double c = sqrt(var + 0.5);
    const double h = D1 * c + D2;
    const double mode = floor((nd + 1.0) * (md + 1.0) / (nt + 2.0));
    const double lim = (md < nd ? md : nd) + 1.0, tail = floor(a + 16.0 * c);
    const double bound = lim < tail ? lim : tail;
    for (;;) {
        double u = infl__rng_uniform(r);
        double v = infl__rng_uniform(r);
        double x = a + h * (v - 0.5) / u;
        if (x < 0.0 || x >= bound)
            continue;
        double k = floor(x);
        /* log f(mode) / f(k), term by term so large factorials never cancel. */
        double t = infl__sample_log_factorial_ratio(mode, k) +
                   infl__sample_log_factorial_ratio(md - mode, md - k) +
                   infl__sample_log_factorial_ratio(nd - mode, nd - k) +
                   infl__sample_log_factorial_ratio(other - nd + mode, other - nd + k);
        if (u * (4.0 - u) - 3.0 <= t)
            return (uint64_t)k;
        if (u * (u - t) >= 1.0)
            continue;
        if (2.0 * infl__fmath_log(u) <= t)
            return (uint64_t)k;
    }
}

uint32_t infl__sample_hypergeometric(infl_rng *r, uint32_t good, uint32_t bad, uint32_t draws)
{
    const uint64_t total = (uint64_t)good + bad;
    if (draws == 0 || good == 0)
        return 0;
    if (draws >= total)
        return good;
    if (bad == 0)
        return draws;
    /* Draw the smaller side from the smaller sample, then map back. */
    const uint64_t m = good < bad ? good : bad;
    const uint64_t n = draws <= total - draws ? draws : total - draws;
    const double mean = (double)n * (double)m / (double)total;
    uint64_t x = mean < 10.0 ? hyper_inversion(r, total, m, n) : hyper_hrua(r, total, m, n);
    uint64_t good_in_n = good <= bad ? x : n - x;
    return (uint32_t)(n == draws ? good_in_n : good - good_in_n);
}

void infl__sample_multinomial(infl_rng *r, size_t k, uint32_t n, const double *p, uint32_t *out)
{
    if (k == 0)
        return;
    double left = 1.0;
    uint32_t rest = n;
    for (size_t i = 0; i + 1 < k; i++) {
        if (rest == 0) {
            out[i] = 0;
            continue;
        }
        out[i] = infl__sample_binomial(r, left > 0.0 ? p[i] / left : 1.0, rest);
        rest -= out[i];
        left -= p[i];
    }
    out[k - 1] = rest;
}
