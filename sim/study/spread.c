/*
 * spread.c — a study's runs dealt to the ranks, largest first, and their
 * results sent to every rank (spread.h).
 */
#include "study/spread.h"

#include "influsim/engine.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The runs by cost, the costliest first, then by index (qsort's order is
 * not stable, so the index decides ties and the deal is the same on every
 * rank). */
typedef struct {
    double cost;
    size_t run;
} costed;

static int by_cost(const void *a, const void *b)
{
    const costed *x = a, *y = b;
    if (x->cost != y->cost)
        return x->cost > y->cost ? -1 : 1;
    return (x->run > y->run) - (x->run < y->run);
}

void infl__spread_assign(const double *cost, size_t n, int size, int *owner, size_t *order)
{
    costed *runs = malloc((n ? n : 1) * sizeof *runs);
    double *load = calloc(size > 0 ? (size_t)size : 1, sizeof *load);
    if (runs == NULL || load == NULL) {
        /* Without memory for the deal, round robin: the same on every rank,
         * only less even. */
        for (size_t i = 0; i < n; i++) {
            owner[i] = size > 0 ? (int)(i % (size_t)size) : 0;
            order[i] = i;
        }
        free(runs);
        free(load);
        return;
    }
    for (size_t i = 0; i < n; i++)
        runs[i] = (costed){.cost = cost[i] > 0 ? cost[i] : 0.0, .run = i};
    qsort(runs, n, sizeof *runs, by_cost);
    for (size_t k = 0; k < n; k++) {
        int least = 0;
        for (int r = 1; r < size; r++)
            if (load[r] < load[least])
                least = r;
        owner[runs[k].run] = least;
        /* Every run costs something (setting it up, writing its summary):
         * a run estimated at nothing still counts one. */
        load[least] += runs[k].cost + 1.0;
        order[k] = runs[k].run;
    }
    free(runs);
    free(load);
}

double infl__spread_cost(const infl_scenario *sc)
{
    infl_run_options probe = {.threads = 1};
    infl_run_estimate est = {0};
    infl_engine_estimate(sc, &probe, 0, &est);
    /* A trial costs its draws of the market and the candidates even when
     * it hires nobody. */
    return (double)infl_scenario_trials(sc) * (1.0 + est.hires_per_trial);
}

void infl__spread_failure_init(infl__spread_failure *f)
{
    f->run = (size_t)-1;
    f->status = INFL_OK;
    infl_error_init(&f->err);
}

void infl__spread_failure_destroy(infl__spread_failure *f)
{
    infl_error_destroy(&f->err);
}

void infl__spread_failure_note(infl__spread_failure *f, size_t run, infl_status status,
                               const infl_error *err)
{
    if (run >= f->run)
        return;
    f->run = run;
    f->status = status;
    infl_error_clear(&f->err);
    const char *text = infl_error_message(err);
    infl_error_add_lines(&f->err, status, text, strlen(text));
}

/* One rank's bytes: its failure (run, status, messages), then its results. */
static bool put_head(infl__wire *w, const infl__spread_failure *f, size_t n_mine)
{
    return infl__wire_put_u64(w, f->run == (size_t)-1 ? UINT64_MAX : (uint64_t)f->run) &&
           infl__wire_put_u64(w, (uint64_t)f->status) &&
           infl__wire_put_str(w, infl_error_message(&f->err)) &&
           infl__wire_put_u64(w, (uint64_t)n_mine);
}

/* Reads rank r's bytes (not this rank's own: its results are in place). */
static bool read_rank(infl__wire *w, bool own, size_t n_runs, infl__spread_failure *lowest,
                      infl__spread_get_fn get, void *user)
{
    uint64_t run = 0, status = 0, n = 0;
    char *message = NULL;
    bool ok = infl__wire_get_u64(w, &run) && infl__wire_get_u64(w, &status) &&
              infl__wire_get_text(w, &message) && infl__wire_get_u64(w, &n);
    if (ok && run != UINT64_MAX && run < n_runs && !own) {
        infl_error e;
        infl_error_init(&e);
        infl_error_add_lines(&e, (infl_status)status, message, strlen(message));
        if (e.status == INFL_OK) /* a failure without a message */
            infl_error_add(&e, (infl_status)status, "run %llu failed", (unsigned long long)run);
        infl__spread_failure_note(lowest, (size_t)run, (infl_status)status, &e);
        infl_error_destroy(&e);
    }
    free(message);
    if (!ok || own)
        return ok;
    for (uint64_t i = 0; ok && i < n; i++) {
        uint64_t index = 0;
        ok = infl__wire_get_u64(w, &index) && index < n_runs && get(user, (size_t)index, w);
    }
    return ok && infl__wire_done(w);
}

infl_status infl__spread_exchange(const infl_cluster *cl, size_t n_runs, const infl__wire *mine,
                                  size_t n_mine, infl__spread_failure *failure,
                                  infl__spread_get_fn get, void *user, infl_error *err)
{
    infl__wire out;
    infl__wire_init(&out);
    bool ok = put_head(&out, failure, n_mine) && infl__wire_put_bytes(&out, mine->data, mine->len);
    void *all = NULL;
    size_t *counts = calloc((size_t)cl->size, sizeof *counts);
    /* Every rank calls the collective, even one out of memory, or the
     * others would wait for it forever; its empty bytes then fail to decode
     * on every rank. */
    const bool sent = counts != NULL &&
                      cl->allgather(cl->user, ok ? out.data : NULL, ok ? out.len : 0, &all, counts);
    infl__wire_destroy(&out);
    bool decoded = sent;
    size_t offset = 0;
    for (int r = 0; decoded && r < cl->size; r++) {
        infl__wire w;
        infl__wire_over(&w, (const unsigned char *)all + offset, counts[r]);
        decoded = read_rank(&w, r == cl->rank, n_runs, failure, get, user);
        offset += counts[r];
    }
    free(all);
    free(counts);
    if (!decoded)
        return infl_error_add(err, sent ? INFL_EINTERNAL : INFL_EIO,
                              "rank %d: the ranks' exchange of a study's runs %s", cl->rank,
                              sent ? "did not decode" : "failed");
    return INFL_OK;
}
