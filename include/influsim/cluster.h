/*
 * influsim/cluster.h — running one scenario on several processes (MPI ranks)
 * with the same numbers as one process.
 *
 * The library does not include mpi.h: a program that runs under MPI (the
 * influsim-mpi command, sim/cli/mpi_main.c) hands the engine this small
 * transport, two collectives over its communicator, and every rank calls the
 * library with the same arguments. The engine then runs each round's blocks
 * split across the ranks, and after every round every rank holds the same
 * state (the round's per-trial values or per-block moments, the lowest failed
 * block and its message, the funnels drawn), so that every rank returns the
 * same results and a study built on them takes the same path on every rank.
 * Rank 0 alone decides what depends on the outside world (a stop flag, when
 * a checkpoint is due) and broadcasts it; rank 0 alone should write files.
 */
#ifndef INFLUSIM_CLUSTER_H
#define INFLUSIM_CLUSTER_H

#include "influsim/error.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct infl_cluster {
    int rank, size; /* this process, and how many there are (1: one process) */
    void *user;     /* the transport's own state, passed to its calls */
    /*
     * Collective: every rank passes its n bytes at `mine`; on return *all
     * (malloc'd, the caller frees it) holds every rank's bytes in rank order
     * and counts[r] (the caller's array of `size`) how many rank r gave.
     * False: the transport failed or memory ran out (*all NULL); the job is
     * then over (an MPI program aborts it).
     */
    bool (*allgather)(void *user, const void *mine, size_t n, void **all, size_t *counts);
    /* Collective: rank 0's n bytes at buf copied to buf on every rank. */
    bool (*bcast)(void *user, void *buf, size_t n);
} infl_cluster;

/* Whether this process is the one that prints and writes: every process of
 * no cluster (NULL), rank 0 of one. */
static inline bool infl_cluster_is_root(const infl_cluster *c)
{
    return c == NULL || c->rank == 0;
}

/*
 * Collective: rank 0's status `mine` on every rank, for what rank 0 alone
 * checks or does (the output file, writing it), so that every rank goes on
 * or stops alike and none waits for one that gave up. Rank 0 gets `mine`
 * back; another rank gets rank 0's, with a message in err when it is a
 * failure (what failed is in rank 0's messages). Without a cluster (NULL or
 * one rank): `mine`. A transport that fails gives INFL_EIO.
 */
infl_status infl_cluster_agree(const infl_cluster *c, infl_status mine, infl_error *err);

#endif
