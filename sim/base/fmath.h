/*
 * fmath.h — the elementary functions every number of a run goes through
 * (logarithm, exponential, log1p, expm1), the project's own.
 *
 * Why not libm's: glibc picks its exp and log at load time by CPU (an FMA
 * variant on CPUs with FMA, another without), and other C libraries and
 * architectures round differently again. The results of a run would then
 * depend on the machine, not only on the scenario and its seed. These
 * functions are plain IEEE double arithmetic in a fixed order: additions,
 * multiplications, divisions and bit operations, each correctly rounded by
 * IEEE 754, compiled with -ffp-contract=off (CMakeLists.txt) so that no
 * compiler fuses a multiply and an add. Their result depends on nothing but
 * the input.
 *
 * log and exp are table-driven (Tang's method, with 128-entry tables that
 * fmath_table.py writes with 60-digit decimal arithmetic, so that they are the
 * same everywhere by construction); near 1, log falls back to fdlibm's. log1p
 * and expm1 are the classic argument reductions and minimax polynomials of
 * Sun's fdlibm (1993) — the ones Java's StrictMath specifies for the same
 * reason — with their published coefficients. Each is within 1 ulp of the
 * exact result over its whole range (tests/unit/test_fmath.c measures it
 * against glibc, which is correctly rounded in almost every case).
 *
 * Special values follow C99 Annex F: NaN in, NaN out; log(0) = -inf,
 * log(x < 0) = NaN, exp(-inf) = 0, exp overflow = +inf, and so on. errno is
 * never set (the project builds with -fno-math-errno anyway).
 */
#ifndef INFL_SIM_FMATH_H
#define INFL_SIM_FMATH_H

/* The natural logarithm. */
double infl__fmath_log(double x);

/* e^x. */
double infl__fmath_exp(double x);

/* log(1 + x), accurate for x near 0. */
double infl__fmath_log1p(double x);

/* e^x - 1, accurate for x near 0. */
double infl__fmath_expm1(double x);

#endif
