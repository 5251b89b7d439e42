/*
 * influsim/engine.h — running a scenario's trials in parallel.
 *
 * Trials are split into fixed blocks that threads take in any order; every
 * random number is keyed by what it simulates (seed, trial, tier, candidate),
 * and each trial writes only its own slots, so the results are bit-identical
 * for any number of threads.
 */
#ifndef INFLUSIM_ENGINE_H
#define INFLUSIM_ENGINE_H

#include "influsim/checkpoint.h"
#include "influsim/cluster.h"
#include "influsim/error.h"
#include "influsim/results.h"
#include "influsim/scenario.h"

#include <signal.h>

/* Called after each finished block of trials, from one thread at a time.
 * Must be quick and must not call back into the engine. */
typedef void (*infl_progress_fn)(void *user, uint64_t trials_done, uint64_t trials_total);

/* The streaming moments and tallies of a run without per-trial values
 * (opaque: read by the library's own round hooks). */
typedef struct infl_round_tallies infl_round_tallies;

/* What a run has done at the end of a round (see infl_round_fn). The round
 * ran blocks [round_first_block, blocks_done), trials [round_first_trial,
 * trials_done); everything before them was run earlier (or resumed). */
typedef struct {
    uint64_t round_first_block, blocks_done, blocks_total;
    uint64_t round_first_trial, trials_done, trials_total;
    uint64_t hires; /* funnels simulated so far (with a resumed run's) */
    /* An earlier hook of this round asked to stop (a later one, such as the
     * checkpoint, may want to know). */
    bool stopping;
    /* With per-trial values: the columns, of stride trials->n_trials (the
     * scenario's trials); the first trials_done of each are filled. NULL
     * with no_trials. */
    const infl_trials *trials;
    /* Without: the moments of blocks [0, blocks_done) merged in block order,
     * and the order-free tallies. NULL with per-trial values. */
    const infl_round_tallies *tallies;
} infl_round;

/* A hook's answer. */
typedef enum { INFL_ROUND_CONTINUE = 0, INFL_ROUND_STOP = 1 } infl_round_action;

/*
 * Called at the end of every round, once, in block order (the last round
 * included, where STOP changes nothing), from one thread while the others
 * wait: it may read *r (valid during the call only) but must not call back
 * into the engine. A round is 64 blocks per thread unless the options fix it
 * (round_blocks, or target_se); with fixed rounds every thread count sees
 * the same rounds, so a rule that decides from *r stops after the same
 * trials. A run stopped by a hook returns its first r->trials_done trials,
 * the same numbers as a run of that many.
 */
typedef infl_round_action (*infl_round_fn)(void *user, const infl_round *r);

typedef struct {
    infl_round_fn fn; /* NULL: none */
    void *user;
} infl_round_hook;

/*
 * For a hook: the moments of metric `metric` of strategy `strategy` over the
 * trials [0, r->trials_done) whose value is not NaN (*n of them), from the
 * kept columns (added in trial order) or the streaming moments (merged in
 * block order): *mean, and *variance with n - 1 (NaN when n < 2). O(trials)
 * with kept columns, O(1) streaming. Returns false (and leaves the outputs)
 * when strategy or metric is out of range.
 */
bool infl_round_moments(const infl_round *r, size_t strategy, size_t metric, uint64_t *n,
                        double *mean, double *variance);

/* A share of a run's trials, for running it in parts on several machines
 * (influsim run --shard i/N) and merging them (infl_checkpoint_merge): shard
 * `index` of `count` runs units [index*U/count, (index+1)*U/count) of the
 * run's U units. count 0: the whole run. */
typedef struct {
    uint64_t index, count;
} infl_shard;

/* The blocks [*first, *end) of shard sh of a run of n_trials trials. */
void infl_shard_blocks(infl_shard sh, uint64_t n_trials, uint64_t *first, uint64_t *end);

typedef struct {
    unsigned threads; /* 0: OpenMP's default (OMP_NUM_THREADS or all cores) */
    /* Keep no per-trial values: the summary comes from streaming tallies
     * (moments, and histograms for quantiles; see docs/output.md), and memory
     * does not grow with the number of trials. */
    bool no_trials;
    infl_progress_fn progress; /* may be NULL */
    void *progress_user;
    /* When not NULL and nonzero at a round's end (a round is 64 blocks per
     * thread), the run stops there with the trials done so far: a signal
     * handler's flag. */
    const volatile sig_atomic_t *stop;
    /* When checkpoint_path is set, the run's progress is saved there at the
     * end of the first round after every checkpoint_seconds (and the file is
     * the caller's to remove once the results are written); the scenario is
     * recorded as checkpoint_source says it was loaded. */
    const char *checkpoint_path;
    double checkpoint_seconds;
    const infl_checkpoint_source *checkpoint_source;
    /* Continue from a checkpoint of this scenario instead of the start. */
    const infl_checkpoint *resume;
    /* When > 0: run batches of INFL_ENGINE_TARGET_BATCH blocks, whatever the
     * thread count, and stop after the first batch at which every strategy's
     * mean conversions (those not 0) has a relative standard error at most
     * target_se; the scenario's trials are then the most that may run. The
     * trial count where it stops depends only on the scenario and seed. */
    double target_se;
    /* Problems that do not stop the run are appended here (may be NULL):
     * the first checkpoint that could not be saved, with its reason (later
     * failures are only counted in infl_run_stats). */
    infl_error *warnings;
    /* A stopping rule of the caller's, asked after the stop flag and the
     * target SE and before the checkpoint (so a run it stops is saved). */
    infl_round_hook round_hook;
    /* Blocks per round when > 0 (each round keeps its blocks' moments until
     * they are merged, about 40 bytes per strategy and metric a block, and
     * more rounds wait more often); 0: 64 per thread, or
     * INFL_ENGINE_TARGET_BATCH with target_se. The numbers do not depend on
     * it, only where a hook's stop takes effect. */
    uint64_t round_blocks;
    /* When shard.count > 0: run only that shard's trials, and instead of
     * results save them as a partial run at checkpoint_path (with
     * checkpoint_source), for infl_checkpoint_merge. *trials and *summary
     * are then NULL. Not with resume or target_se. */
    infl_shard shard;
    /* NULL: this process runs every trial. Otherwise every rank of the
     * cluster calls infl_engine_run with the same scenario and options (the
     * stop flag and checkpoint are read on rank 0 only) and every rank gets
     * the same results (influsim/cluster.h). */
    const infl_cluster *cluster;
} infl_run_options;

/* Blocks per batch of a run with a target standard error (8,192 trials). */
#define INFL_ENGINE_TARGET_BATCH 64

/* Trials per block: the unit of work handed to a thread. Blocks run in
 * rounds; between rounds the streaming moments are merged in block order. */
#define INFL_ENGINE_BLOCK 128

/* Blocks per unit (8,192 trials). A run without per-trial values merges its
 * blocks' moments in order within each unit, then the units' in unit order:
 * the one fold for every thread count, checkpoint and shard, so that a shard
 * needs to keep only its units' moments (about 0.2 bytes per trial), and
 * shards split a run at unit boundaries. */
#define INFL_ENGINE_UNIT_BLOCKS 64

/* What a run did besides its results. */
typedef struct {
    unsigned threads; /* threads that ran */
    /* Funnels drawn: per trial and tier, the most hires any strategy makes. */
    uint64_t hires_simulated;
    uint64_t trials_done; /* the scenario's trials, or fewer when stopped */
    bool stopped;         /* opt->stop or opt->round_hook ended the run early */
    bool target_met;      /* opt->target_se reached before the trials ran out */
    double achieved_se;   /* with target_se: the worst relative SE when it stopped */
    unsigned checkpoints; /* saved */
    unsigned checkpoint_failures;
} infl_run_stats;

/*
 * Runs every trial of the scenario under every strategy. On success, without
 * opt->no_trials, *trials holds the per-trial results (the exact summary is
 * infl_summary_compute's) and *summary is NULL; with it, *trials is NULL and
 * *summary holds the streaming summary. The caller owns both. *stats, if not
 * NULL, says what the run did. A run stopped by opt->stop returns the first
 * stats->trials_done trials (the results and summary hold just those, the
 * same numbers as a run of that many trials). On failure (out of memory, a
 * limit exceeded by a trial) both are NULL and err says which trial and why.
 * Either way the numbers are the same for any thread count.
 */
infl_status infl_engine_run(const infl_scenario *sc, const infl_run_options *opt,
                            infl_trials **trials, infl_summary **summary, infl_run_stats *stats,
                            infl_error *err);

/* What a run will need, known before it starts (infl_engine_estimate). */
typedef struct {
    double hires_per_trial; /* funnels simulated per trial, from the mean post cost */
    double sample_bytes;    /* the per-trial values kept (0 with no_trials) */
    double bytes;           /* everything: samples, workspaces, tallies, writing */
    double bytes_no_trials; /* the same run with no_trials */
    uint64_t max_trials_in; /* most trials whose run fits in `limit` (with trials kept) */
} infl_run_estimate;

/*
 * Estimates the memory a run of sc with opt will need (within a factor of
 * about 1.5: hires are estimated from the mean cost of a post). `limit` is
 * the memory available, used for max_trials_in (0: not computed).
 */
void infl_engine_estimate(const infl_scenario *sc, const infl_run_options *opt, double limit,
                          infl_run_estimate *out);

/* The OpenMP version the engine was built for (_OPENMP, e.g. 201511). */
unsigned long infl_engine_openmp_version(void);

/* Returns the number of threads a run with opt->threads == 0 would use. */
unsigned infl_engine_default_threads(void);

#endif
