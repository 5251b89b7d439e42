/*
 * influsim/checkpoint.h — saving a run's progress so that a run killed at any
 * moment can be resumed to the very same results.
 *
 * A checkpoint holds the scenario as it was loaded (text, origin, overrides),
 * the next block of trials to run, and what the blocks before it produced:
 * the per-trial values, or, for a run without them, the streaming tallies
 * (moments merged in block order, counts and histograms). It is written to a
 * temporary name, fsynced and renamed over the previous one, so a kill leaves
 * either the old checkpoint or the new one. The payload carries a CRC-32, and
 * a checkpoint that is truncated, damaged or not one is refused with a message.
 * The format is this machine's byte order and this build's layout; resuming
 * elsewhere is refused (the magic and the sizes are checked), and so is a
 * checkpoint saved by another version of influsim.
 */
#ifndef INFLUSIM_CHECKPOINT_H
#define INFLUSIM_CHECKPOINT_H

#include "influsim/error.h"

#include <stddef.h>
#include <stdint.h>

/* How the scenario of a run was loaded, so a resumed run loads the same. */
typedef struct {
    const char *origin;      /* file path, or the built-in default's name */
    const char *text;        /* the YAML as read */
    const char *const *sets; /* the --set overrides, in order (with --trials, --seed) */
    size_t n_sets;
} infl_checkpoint_source;

/* A loaded checkpoint (opaque). */
typedef struct infl_checkpoint infl_checkpoint;

/* Reads the checkpoint at `path`; *out is owned by the caller. */
infl_status infl_checkpoint_load(const char *path, infl_checkpoint **out, infl_error *err);
void infl_checkpoint_free(infl_checkpoint *cp);

/* The scenario source stored in cp (valid while cp lives). */
infl_checkpoint_source infl_checkpoint_scenario(const infl_checkpoint *cp);
/* Trials done when it was saved, whether per-trial values were kept. */
uint64_t infl_checkpoint_trials_done(const infl_checkpoint *cp);
int infl_checkpoint_no_trials(const infl_checkpoint *cp);

/* A shard's partial run (influsim run --shard) is the same kind of file: its
 * shard (*count 0 for a checkpoint of a run's first trials). */
infl_status infl_checkpoint_shard(const infl_checkpoint *cp, uint64_t *index, uint64_t *count);

/*
 * Merges the partial runs that the shards of one run saved (parts[0..n), in
 * any order; names[i] names parts[i] in messages) into a checkpoint of the
 * whole run, done: resumed (infl_run_options.resume), it runs no trial and
 * gives the results one process would have, bit for bit. Refuses, with
 * INFL_EINVAL and a message naming the file: a checkpoint among the parts,
 * parts of different runs (version, scenario, overrides, seed, trials,
 * --no-trials or shard count), a shard given twice, a shard missing, a shard
 * that covers other trials than its own. *out is owned by the caller.
 */
infl_status infl_checkpoint_merge(infl_checkpoint *const *parts, const char *const *names, size_t n,
                                  infl_checkpoint **out, infl_error *err);

#endif
