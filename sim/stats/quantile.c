/*
 * quantile.c — linear interpolation between order statistics (quantile.h).
 */
#include "stats/quantile.h"

#include <stddef.h>

infl__quantile_rank infl__quantile_rank_of(double level, uint64_t n)
{
    const double index = level * (double)(n - 1);
    infl__quantile_rank r = {.lower = (uint64_t)index};
    r.delta = index - (double)r.lower;
    r.upper = r.lower + 1 < n ? r.lower + 1 : r.lower;
    return r;
}

double infl__quantile_between(const infl__quantile_rank *r, double lower, double upper)
{
    return r->upper == r->lower ? lower : (1.0 - r->delta) * lower + r->delta * upper;
}

double infl__quantile_sorted(const double *sorted, size_t n, double level)
{
    infl__quantile_rank r = infl__quantile_rank_of(level, n);
    return infl__quantile_between(&r, sorted[r.lower], sorted[r.upper]);
}

/* Moves the k-th smallest of v[0..n) to v[k], with none larger before it
 * and none smaller after it (Wirth's selection algorithm). */
static void select_kth(double *v, size_t n, size_t k)
{
    ptrdiff_t l = 0, m = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;
    while (l < m) {
        const double x = v[kk];
        ptrdiff_t i = l, j = m;
        do {
            while (v[i] < x)
                i++;
            while (x < v[j])
                j--;
            if (i <= j) {
                double t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                j--;
            }
        } while (i <= j);
        if (j < kk)
            l = i;
        if (kk < i)
            m = j;
    }
}

double infl__quantile_select(double *v, size_t n, double level)
{
    infl__quantile_rank r = infl__quantile_rank_of(level, n);
    select_kth(v, n, (size_t)r.lower);
    if (r.upper == r.lower)
        return v[r.lower];
    /* After the selection the next order statistic is the smallest above. */
    double next = v[r.lower + 1];
    for (size_t i = (size_t)r.lower + 2; i < n; i++)
        next = v[i] < next ? v[i] : next;
    return infl__quantile_between(&r, v[r.lower], next);
}
