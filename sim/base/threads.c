/*
 * threads.c — the default thread count and OpenMP's version (threads.h).
 */
#include "base/threads.h"

#include <omp.h>

unsigned infl__threads_default(void)
{
    int n = omp_get_max_threads();
    return n > 0 ? (unsigned)n : 1u;
}

unsigned long infl__threads_openmp_version(void)
{
    return (unsigned long)_OPENMP;
}
