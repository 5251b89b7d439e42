/*
 * fake_cluster.h — ranks of a cluster (influsim/cluster.h) as threads of one
 * process, over an in-process transport (a barrier and shared slots), so the
 * library's cluster paths run under the sanitizers without MPI. Each rank's
 * body gets its job, whose first member is the rank's fake_rank.
 */
#ifndef INFL_TEST_FAKE_CLUSTER_H
#define INFL_TEST_FAKE_CLUSTER_H

#include "check.h"
#include "influsim/cluster.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { FAKE_MAX_RANKS = 8 };

/* What the ranks share: a barrier and each rank's bytes of a collective. */
typedef struct {
    pthread_barrier_t barrier;
    int size;
    const void *data[FAKE_MAX_RANKS];
    size_t n[FAKE_MAX_RANKS];
} fake_hub;

/* A rank: its cluster (whose user is this struct) and the hub. */
typedef struct {
    infl_cluster cl;
    fake_hub *hub;
} fake_rank;

static bool fake_allgather(void *user, const void *mine, size_t n, void **all, size_t *counts)
{
    fake_rank *me = user;
    fake_hub *h = me->hub;
    h->data[me->cl.rank] = mine;
    h->n[me->cl.rank] = n;
    pthread_barrier_wait(&h->barrier);
    size_t total = 0;
    for (int r = 0; r < h->size; r++)
        total += counts[r] = h->n[r];
    unsigned char *buf = malloc(total ? total : 1);
    for (int r = 0, at = 0; buf && r < h->size; at += (int)h->n[r], r++)
        if (h->n[r])
            memcpy(buf + at, h->data[r], h->n[r]);
    pthread_barrier_wait(&h->barrier); /* nobody's bytes change before all copied */
    *all = buf;
    return buf != NULL;
}

static bool fake_bcast(void *user, void *buf, size_t n)
{
    fake_rank *me = user;
    fake_hub *h = me->hub;
    if (me->cl.rank == 0)
        h->data[0] = buf;
    pthread_barrier_wait(&h->barrier);
    if (me->cl.rank != 0)
        memcpy(buf, h->data[0], n);
    pthread_barrier_wait(&h->barrier);
    return true;
}

/*
 * Runs body(job) for `ranks` ranks at once, job r at (char *)jobs + r *
 * job_size, each job starting with a fake_rank that this fills in (rank r of
 * ranks) before the thread starts; returns when every rank has.
 */
static inline void fake_cluster_run(int ranks, void *jobs, size_t job_size, void *(*body)(void *))
{
    fake_hub hub = {.size = ranks};
    pthread_barrier_init(&hub.barrier, NULL, (unsigned)ranks);
    pthread_t tid[FAKE_MAX_RANKS];
    for (int r = 0; r < ranks; r++) {
        fake_rank *me = (fake_rank *)((char *)jobs + (size_t)r * job_size);
        me->hub = &hub;
        me->cl = (infl_cluster){
            .rank = r, .size = ranks, .user = me, .allgather = fake_allgather, .bcast = fake_bcast};
        CHECK(pthread_create(&tid[r], NULL, body, me) == 0);
    }
    for (int r = 0; r < ranks; r++)
        pthread_join(tid[r], NULL);
    pthread_barrier_destroy(&hub.barrier);
}

#endif
