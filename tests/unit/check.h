/*
 * check.h — assertions for the unit tests. Each prints the expression, both
 * operands and the location, and counts the failure; a test's main returns
 * check_exit() so ctest sees the result.
 */
#ifndef INFL_TEST_CHECK_H
#define INFL_TEST_CHECK_H

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        check_count++;                                                                             \
        if (!(cond)) {                                                                             \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long va_ = (long long)(a), vb_ = (long long)(b);                                      \
        check_count++;                                                                             \
        if (va_ != vb_) {                                                                          \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: CHECK_INT failed: %s == %s (%lld vs %lld)\n", __FILE__,        \
                    __LINE__, #a, #b, va_, vb_);                                                   \
        }                                                                                          \
    } while (0)

/* |a - b| <= tol */
#define CHECK_NEAR(a, b, tol)                                                                      \
    do {                                                                                           \
        double va_ = (double)(a), vb_ = (double)(b), vt_ = (double)(tol);                          \
        check_count++;                                                                             \
        if (!(fabs(va_ - vb_) <= vt_)) {                                                           \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: CHECK_NEAR failed: %s ~ %s (%.10g vs %.10g, tol %.3g)\n",      \
                    __FILE__, __LINE__, #a, #b, va_, vb_, vt_);                                    \
        }                                                                                          \
    } while (0)

/* haystack contains needle */
#define CHECK_CONTAINS(haystack, needle)                                                           \
    do {                                                                                           \
        const char *h_ = (haystack), *n_ = (needle);                                               \
        check_count++;                                                                             \
        if (h_ == NULL || strstr(h_, n_) == NULL) {                                                \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: CHECK_CONTAINS failed: %s\n  text:   %s\n  wanted: %s\n",      \
                    __FILE__, __LINE__, #haystack, h_ ? h_ : "(null)", n_);                        \
        }                                                                                          \
    } while (0)

static inline int check_exit(void)
{
    if (check_failures)
        fprintf(stderr, "%d of %d checks failed\n", check_failures, check_count);
    else
        printf("%d checks passed\n", check_count);
    return check_failures ? 1 : 0;
}

#endif
