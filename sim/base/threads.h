/*
 * threads.h — what the stages that run on many threads ask of OpenMP's
 * runtime: the default team size and the version built for. The stages use
 * bare `#pragma omp` loops; this file and the engine are the only ones that
 * include omp.h, so no stage needs the engine to know how many threads it has.
 */
#ifndef INFL_SIM_BASE_THREADS_H
#define INFL_SIM_BASE_THREADS_H

/* The threads a parallel region asked for 0 threads uses: OMP_NUM_THREADS or
 * every core (at least 1). */
unsigned infl__threads_default(void);

/* The OpenMP version the library was built for (_OPENMP, e.g. 201511). */
unsigned long infl__threads_openmp_version(void);

#endif
