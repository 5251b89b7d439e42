/*
 * cluster.c — the one decision of rank 0 that every rank of a cluster
 * follows (influsim/cluster.h).
 */
#include "influsim/cluster.h"

#include <stdint.h>

infl_status infl_cluster_agree(const infl_cluster *c, infl_status mine, infl_error *err)
{
    if (c == NULL || c->size <= 1)
        return mine;
    int64_t agreed = (int64_t)mine;
    if (!c->bcast(c->user, &agreed, sizeof agreed))
        return infl_error_add(err, INFL_EIO, "rank %d: the ranks' broadcast failed", c->rank);
    if (c->rank == 0 || agreed == INFL_OK)
        return (infl_status)agreed;
    return infl_error_add(err, (infl_status)agreed, "rank 0 stopped the job: %s",
                          infl_status_str((infl_status)agreed));
}
