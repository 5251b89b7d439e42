/*
 * morris.c — Morris's elementary effects: the random trajectories on a grid,
 * and each factor's mu, mu* and sigma with a bootstrap interval for mu*.
 *
 * The effects are computed once into a table of |EE| by trajectory, so a
 * bootstrap replicate is the mean of its resampled trajectories' rows (k
 * additions a trajectory). Replicate b writes only its own slots, and the
 * percentiles are taken afterwards (infl__sobol_percentiles), so the threads
 * change nothing.
 */
#include "study/morris.h"

#include "base/threads.h"
#include "random/rng.h"
#include "study/sobol.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* x * y into *out, 0 if it overflows size_t. */
static int product_fits(size_t x, size_t y, size_t *out)
{
    if (y != 0 && x > SIZE_MAX / y)
        return 0;
    *out = x * y;
    return 1;
}

/* The number of design rows, r (k + 1), and of coordinates, r (k + 1) k,
 * or 0 if they overflow. */
static int design_size(size_t r, size_t k, size_t *rows, size_t *values)
{
    return k < SIZE_MAX && product_fits(r, k + 1, rows) && product_fits(*rows, k, values);
}

infl_status infl__morris_design(size_t r, size_t k, size_t p, uint64_t seed, double *x,
                                size_t *changed, infl_error *err)
{
    size_t n_rows, n_values;
    if (r < 2 || (uint64_t)r >= INFL_RNG_MAX_TRIALS)
        return infl_error_add(err, INFL_EARG,
                              "Morris design: %zu trajectories (from 2 to 2^48 - 1)", r);
    /* A trajectory's stream has 2^34 words, four a factor. */
    if (k < 1 || (uint64_t)k > (UINT64_C(1) << 32) || !design_size(r, k, &n_rows, &n_values))
        return infl_error_add(err, INFL_EARG,
                              "Morris design: %zu factors (from 1 to 2^32, and r (k + 1) k values "
                              "must fit in memory)",
                              k);
    if (p < 2 || p % 2 != 0 || (uint64_t)p >= (UINT64_C(1) << 32))
        return infl_error_add(err, INFL_EARG,
                              "Morris design: %zu levels (an even number from 2 to 2^32 - 2)", p);
    if (x == NULL || changed == NULL)
        return infl_error_add(err, INFL_EARG,
                              "Morris design: no array for the points or the steps");
    uint64_t *level = malloc(k * sizeof *level);
    if (level == NULL)
        return infl_error_add(err, INFL_ENOMEM, "Morris design: %zu factors", k);
    const uint64_t half = p / 2;
    const double top = (double)(p - 1);
    infl_rng rng;
    infl__rng_init(&rng, seed);
    for (size_t t = 0; t < r; t++) {
        infl__rng_seek(&rng, t, 0, 2, INFL_STREAM_SENSITIVITY);
        double *row = x + t * (k + 1) * k;
        size_t *order = changed + t * k;
        for (size_t i = 0; i < k; i++) {
            level[i] = infl__rng_below(&rng, p);
            row[i] = (double)level[i] / top;
        }
        for (size_t i = 0; i < k; i++)
            order[i] = i;
        for (size_t i = k - 1; i > 0; i--) {
            size_t j = (size_t)infl__rng_below(&rng, (uint64_t)i + 1);
            size_t swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        for (size_t s = 0; s < k; s++) {
            double *next = row + k;
            memcpy(next, row, k * sizeof *row);
            size_t i = order[s];
            level[i] = level[i] < half ? level[i] + half : level[i] - half;
            next[i] = (double)level[i] / top;
            row = next;
        }
    }
    free(level);
    return INFL_OK;
}

/* Checks that trajectory t of (x, changed) changes each factor once, by a
 * nonzero finite step, and nothing else; seen[k] is the caller's. */
static infl_status check_trajectory(size_t t, size_t k, const double *x, const size_t *changed,
                                    unsigned char *seen, infl_error *err)
{
    memset(seen, 0, k);
    for (size_t s = 0; s < k; s++) {
        size_t i = changed[t * k + s];
        if (i >= k || seen[i])
            return infl_error_add(err, INFL_EARG,
                                  "Morris effects: step %zu of trajectory %zu changes factor %zu "
                                  "(each of the %zu factors once)",
                                  s, t, i, k);
        seen[i] = 1;
        const double *before = x + (t * (k + 1) + s) * k, *after = before + k;
        for (size_t c = 0; c < k; c++) {
            double step = after[c] - before[c];
            if (c == i ? !(isfinite(step) && step != 0.0) : step != 0.0)
                return infl_error_add(err, INFL_EARG,
                                      "Morris effects: step %zu of trajectory %zu moves factor %zu "
                                      "by %g (it changes factor %zu only, by a nonzero step)",
                                      s, t, c, step, i);
        }
    }
    return INFL_OK;
}

infl_status infl__morris_effects_threads(size_t r, size_t k, const double *x, const size_t *changed,
                                         const double *y, size_t n_boot, double conf, uint64_t seed,
                                         unsigned threads, infl__morris_index *out, infl_error *err)
{
    size_t n_rows, n_values, n_effects, n_table;
    if (r < 2 || k < 1)
        return infl_error_add(err, INFL_EARG,
                              "Morris effects: %zu trajectories and %zu factors (at least 2 and 1)",
                              r, k);
    if (!design_size(r, k, &n_rows, &n_values) || !product_fits(r, k, &n_effects) ||
        !product_fits(n_boot, k, &n_table))
        return infl_error_add(err, INFL_EARG,
                              "Morris effects: %zu trajectories of %zu factors are too many", r, k);
    if (x == NULL || changed == NULL || y == NULL || out == NULL)
        return infl_error_add(err, INFL_EARG,
                              "Morris effects: no array for the design, a value or a result");
    if (n_boot > 0 && !(conf > 0.0 && conf < 1.0))
        return infl_error_add(err, INFL_EARG,
                              "Morris effects: confidence level %g (from 0 to 1, exclusive)", conf);
    /* A replicate's stream has 2^34 words, two a trajectory. */
    if ((uint64_t)n_boot >= INFL_RNG_MAX_TRIALS || (uint64_t)r > (UINT64_C(1) << 33))
        return infl_error_add(err, INFL_EARG,
                              "Morris effects: %zu bootstrap replicates of %zu trajectories (at "
                              "most 2^48 - 1 of 2^33)",
                              n_boot, r);
    for (size_t j = 0; j < n_rows; j++)
        if (!isfinite(y[j]))
            return infl_error_add(err, INFL_EINVAL,
                                  "Morris effects: f at row %zu (trajectory %zu, point %zu) is %g "
                                  "(every value must be finite)",
                                  j, j / (k + 1), j % (k + 1), y[j]);

    infl_status rc = INFL_OK;
    double *ee = malloc(n_effects * sizeof *ee), *abs_ee = malloc(n_effects * sizeof *abs_ee);
    double *table = malloc((n_table ? n_table : 1) * sizeof *table);
    double *scratch = malloc((n_boot ? n_boot : 1) * sizeof *scratch);
    unsigned char *seen = malloc(k);
    if (ee == NULL || abs_ee == NULL || table == NULL || scratch == NULL || seen == NULL) {
        rc = infl_error_add(
            err, INFL_ENOMEM,
            "Morris effects: %zu trajectories of %zu factors, %zu bootstrap replicates", r, k,
            n_boot);
        goto done;
    }
    /* ee[t*k + i] = the effect of factor i in trajectory t. */
    for (size_t t = 0; t < r; t++) {
        if ((rc = check_trajectory(t, k, x, changed, seen, err)) != INFL_OK)
            goto done;
        for (size_t s = 0; s < k; s++) {
            size_t i = changed[t * k + s], before = t * (k + 1) + s;
            double e = (y[before + 1] - y[before]) / (x[(before + 1) * k + i] - x[before * k + i]);
            if (!isfinite(e)) {
                rc = infl_error_add(err, INFL_EINVAL,
                                    "Morris effects: the effect of factor %zu in trajectory %zu is "
                                    "%g (too large for a double)",
                                    i, t, e);
                goto done;
            }
            ee[t * k + i] = e;
            abs_ee[t * k + i] = fabs(e);
        }
    }
    for (size_t i = 0; i < k; i++) {
        double sum = 0.0, sum_abs = 0.0;
        for (size_t t = 0; t < r; t++) {
            sum += ee[t * k + i];
            sum_abs += abs_ee[t * k + i];
        }
        const double mu = sum / (double)r;
        double ss = 0.0;
        for (size_t t = 0; t < r; t++)
            ss += (ee[t * k + i] - mu) * (ee[t * k + i] - mu);
        out[i] = (infl__morris_index){.mu = mu,
                                      .mu_star = sum_abs / (double)r,
                                      .sigma = sqrt(ss / (double)(r - 1)),
                                      .mu_star_lo = NAN,
                                      .mu_star_hi = NAN};
    }
    if (n_boot == 0)
        goto done;

        /* table[b*k + i] = mu*_i of replicate b. */
#pragma omp parallel num_threads(threads ? (int)threads : (int)infl__threads_default())
    {
        infl_rng rng;
        infl__rng_init(&rng, seed);
#pragma omp for schedule(static)
        for (size_t b = 0; b < n_boot; b++) {
            double *m = table + b * k;
            memset(m, 0, k * sizeof *m);
            infl__rng_seek(&rng, b, 0, 1, INFL_STREAM_SENSITIVITY);
            for (size_t j = 0; j < r; j++) {
                const double *row = abs_ee + infl__rng_below(&rng, r) * k;
                for (size_t i = 0; i < k; i++)
                    m[i] += row[i];
            }
            for (size_t i = 0; i < k; i++)
                m[i] /= (double)r;
        }
    }
    for (size_t i = 0; i < k; i++)
        infl__sobol_percentiles(table + i, n_boot, k, conf, scratch, &out[i].mu_star_lo,
                                &out[i].mu_star_hi);
done:
    free(seen);
    free(scratch);
    free(table);
    free(abs_ee);
    free(ee);
    return rc;
}

infl_status infl__morris_effects(size_t r, size_t k, const double *x, const size_t *changed,
                                 const double *y, size_t n_boot, double conf, uint64_t seed,
                                 infl__morris_index *out, infl_error *err)
{
    return infl__morris_effects_threads(r, k, x, changed, y, n_boot, conf, seed, 0, out, err);
}
