/*
 * checkpoint_internal.h — the checkpoint module's side facing the engine (see
 * include/influsim/checkpoint.h): saving a view of a run, restoring a loaded
 * checkpoint into a run's structures, and the round hook that saves one when
 * it is due. What a checkpoint holds is private to checkpoint.c.
 */
#ifndef INFL_SIM_CHECKPOINT_INTERNAL_H
#define INFL_SIM_CHECKPOINT_INTERNAL_H

#include "stats/tally_stream.h"
#include "influsim/checkpoint.h"
#include "influsim/engine.h"
#include "influsim/results.h"
#include "influsim/scenario.h"

#include <stdbool.h>

/* A loaded checkpoint, or a shard's partial run: what blocks [first_block,
 * next_block) of a run produced (first_block is 0 for a checkpoint). Shared
 * by checkpoint.c (the file) and shard.c (merging partials). */
struct infl_checkpoint {
    char *version; /* of the influsim that saved it */
    char *origin, *text;
    char **sets;
    size_t n_sets;
    uint64_t seed, trials;
    bool no_trials;
    uint64_t n_strategies, n_metrics;
    uint64_t first_block; /* the first block it covers */
    uint64_t next_block;  /* the first block not yet run */
    uint64_t done_trials; /* trials of blocks [first_block, next_block) */
    uint64_t hires;       /* funnels they simulated */
    infl_shard shard;     /* count 0: a checkpoint of a prefix */
    /* With per-trial values: column c's done_trials values at
     * values[c * done_trials], and the market draws. */
    double *values;
    double *purchase_rate, *wom_purchase_factor, *addressable, *repeat_orders;
    /* Without: the whole units' moments folded in unit order and the open
     * unit's (a checkpoint's), or each unit's (a shard's: n_units), and the
     * order-free tallies. */
    infl_block_moments moments, open;
    infl_block_moments *units;
    size_t n_units;
    infl_tally_stream *tally;
};

/* Trials of blocks [first, end) of a run of n_trials. */
uint64_t infl__checkpoint_trials_in(uint64_t n_trials, uint64_t first, uint64_t end);

/* What is saved (all borrowed). */
typedef struct {
    const infl_checkpoint_source *source;
    uint64_t seed, trials;
    bool no_trials;
    uint64_t n_strategies, n_metrics;
    uint64_t first_block, next_block, done_trials, hires;
    infl_shard shard;                         /* count 0: a checkpoint */
    const infl_trials *tr;                    /* per-trial values, columns of stride tr->n_trials */
    const infl_block_moments *moments, *open; /* a checkpoint's (see above) */
    const infl_block_moments *units;          /* a shard's */
    size_t n_units;
    const infl_tally_stream *tally;
} infl__checkpoint_view;

/* Saves v at `path` atomically (temporary name, fsync, rename, folder fsync).
 * On failure the previous file at `path`, if any, is left as it was. */
infl_status infl__checkpoint_save(const char *path, const infl__checkpoint_view *v,
                                  infl_error *err);

/* Where a resumed run starts. */
typedef struct {
    uint64_t next_block;  /* the first block to run */
    uint64_t done_trials; /* trials before it */
    uint64_t hires;       /* funnels they simulated */
} infl__checkpoint_start;

/*
 * Restores cp into a run of sc (no_trials as the run's): checks that cp was
 * saved by such a run (this version, seed, trials, strategies, metrics,
 * no_trials, a next block within the run; not a shard's partial), then, with
 * per-trial values, copies the saved trials into the first done_trials slots
 * of tr's columns (stride sc's trials), or, without, merges the saved moments
 * into `moments` and `open` and the saved tallies into `tally` (all as a
 * fresh run's: empty). Fills *start. Returns INFL_EINVAL when cp does not
 * match (nothing is changed), INFL_ENOMEM when the tallies cannot grow.
 */
infl_status infl__checkpoint_restore(const infl_checkpoint *cp, const infl_scenario *sc,
                                     bool no_trials, infl_trials *tr, infl_block_moments *moments,
                                     infl_block_moments *open, infl_tally_stream *tally,
                                     infl__checkpoint_start *start, infl_error *err);

/* The round hook that saves the run's progress (checkpoint_hook.c). */
typedef struct {
    const infl_scenario *sc;
    const char *path;
    double every; /* seconds between saves */
    const infl_checkpoint_source *source;
    bool no_trials;
    infl_error *warnings; /* may be NULL */
    double last;          /* when the last save ended (or the hook began) */
    unsigned saved, failures;
} infl__checkpoint_saver;

/* Prepares a saver for a run of sc with opt (opt->checkpoint_path set; all
 * borrowed for the run); its clock starts now. */
void infl__checkpoint_saver_init(infl__checkpoint_saver *s, const infl_scenario *sc,
                                 const infl_run_options *opt);

/*
 * The hook (user: an infl__checkpoint_saver). Before the last round, saves the
 * progress when a save is due (every seconds since the last) or the run is
 * stopping (r->stopping: so the stopped run can be resumed); it must therefore
 * be the last hook asked. A failed save is not fatal: it is counted, and the
 * first one's messages go to the warnings. Always answers CONTINUE.
 */
infl_round_action infl__checkpoint_saver_hook(void *saver, const infl_round *r);

#endif
