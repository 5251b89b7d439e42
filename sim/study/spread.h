/*
 * spread.h — a study's independent runs (a sweep's points, a sensitivity
 * design's runs) spread over the ranks of a cluster (influsim/cluster.h):
 * each rank runs whole runs of its own on its own threads, with no exchange
 * while they run, then every rank sends what it computed to every other, so
 * that all hold every run's result and take the study's next step alike.
 *
 * A run's numbers depend only on its scenario, so where it ran changes
 * nothing; what the spread must keep is the failure a single process
 * reports: the lowest failing run in study order, whichever rank met it.
 */
#ifndef INFL_SIM_STUDY_SPREAD_H
#define INFL_SIM_STUDY_SPREAD_H

#include "stats/wire.h"

#include "influsim/cluster.h"
#include "influsim/error.h"
#include "influsim/scenario.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Which rank runs each of n runs: the costliest first, each to the rank with
 * the least cost so far (longest processing time first; ties go to the lower
 * run and the lower rank), so a few large runs do not end on one rank.
 * owner[i] is in [0, size). order[0..n) lists the runs in the order they
 * were dealt (the costliest first), the order each rank should run its own
 * in. Every rank computes the same deal from the same costs.
 */
void infl__spread_assign(const double *cost, size_t n, int size, int *owner, size_t *order);

/* What a run of sc costs, in the units infl__spread_assign compares: its
 * trials times the funnels each simulates, as the run estimate has them. */
double infl__spread_cost(const infl_scenario *sc);

/* The lowest failing run of a rank (or of all), its status and messages. */
typedef struct {
    size_t run; /* (size_t)-1: none */
    infl_status status;
    infl_error err;
} infl__spread_failure;

void infl__spread_failure_init(infl__spread_failure *f);
void infl__spread_failure_destroy(infl__spread_failure *f);
/* Keeps run's failure (status and the messages of err) if it is lower than
 * the one f holds. */
void infl__spread_failure_note(infl__spread_failure *f, size_t run, infl_status status,
                               const infl_error *err);

/* Decodes one run's result that another rank put (after the run's index)
 * into w, into the study's own arrays; false if the bytes do not decode. */
typedef bool (*infl__spread_get_fn)(void *user, size_t run, infl__wire *w);

/*
 * Collective. `mine` holds this rank's n_mine results, each put as the run's
 * index (infl__wire_put_u64) then its payload; *failure this rank's lowest
 * failure. Every rank's bytes are sent to every rank; each other rank's
 * results are decoded by get (runs below n_runs only), and *failure becomes
 * the lowest failure of all the ranks. Returns INFL_OK, or an error (in err)
 * if the exchange failed or bytes did not decode.
 */
infl_status infl__spread_exchange(const infl_cluster *cl, size_t n_runs, const infl__wire *mine,
                                  size_t n_mine, infl__spread_failure *failure,
                                  infl__spread_get_fn get, void *user, infl_error *err);

#endif
