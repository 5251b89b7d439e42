/*
 * tally_stream.h — streaming statistics of a run whose per-trial values are not
 * kept (`run --no-trials`): memory that does not grow with the trials.
 *
 * Per strategy and metric: count, missing, zeros, min, max, the sum, the mean
 * and sum of squared deviations (Welford), and a log-linear histogram for
 * quantiles; per pair of strategies, the comparisons of conversions.
 *
 * Determinism: counts, min, max and histograms do not depend on the order in
 * which trials are added, so each thread keeps its own and they are merged at
 * the end. Sums and moments do, so the engine accumulates each block of
 * trials into its own infl_moments set and merges the blocks in block order
 * (infl__moments_merge, stats/moments.h); the result is the same for any thread count.
 *
 * Histogram resolution: a value's bucket is its sign, its binary exponent and
 * the top 10 bits of its mantissa, so a bucket spans a relative width of at
 * most 2^-10, and every integer of magnitude below 2048 has a bucket of its
 * own. A quantile is found from the order statistics it interpolates (as
 * numpy's default does); each order statistic is its bucket's lower edge when
 * the bucket holds exactly one integer (integer metrics), else its midpoint,
 * clamped to [min, max]. So quantiles of counts below 2048 are exact, and all
 * others are within 2^-11 relative of an order statistic's value.
 */
#ifndef INFL_SIM_STATS_TALLY_STREAM_H
#define INFL_SIM_STATS_TALLY_STREAM_H

#include "influsim/error.h"
#include "influsim/results.h"
#include "stats/moments.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The order-free part: counts, extremes and histograms. One per thread. */
typedef struct infl_tally_stream infl_tally_stream;

/* Returns a new stream for n_strategies x n_metrics, or NULL (out of memory). */
infl_tally_stream *infl__tally_stream_new(size_t n_strategies, size_t n_metrics);
void infl__tally_stream_free(infl_tally_stream *ts);

/* Adds one trial: rows holds n_strategies rows of n_metrics values, and
 * conversion is the index of the conversions metric (for the comparisons).
 * Updates the order-free tallies of ts and the moments of block b. Returns
 * false when out of memory (a histogram could not grow). */
bool infl__tally_stream_add(infl_tally_stream *ts, infl_block_moments *b, const double *rows,
                            size_t conversion);

/* Adds everything of `from` into `into`; false when out of memory. */
bool infl__tally_stream_merge(infl_tally_stream *into, const infl_tally_stream *from);

/* Byte sinks and sources for saving tallies in a checkpoint. */
typedef bool (*infl_sink)(void *ctx, const void *data, size_t n);
typedef bool (*infl_source)(void *ctx, void *data, size_t n);

/* Writes ts (false if the sink fails). */
bool infl__tally_stream_save(const infl_tally_stream *ts, infl_sink sink, void *ctx);
/* Reads a stream saved for n_strategies x n_metrics; NULL if the source
 * fails, the data is inconsistent, or memory runs out. */
infl_tally_stream *infl__tally_stream_load(size_t n_strategies, size_t n_metrics, infl_source src,
                                           void *ctx);

/* Bytes the stream holds now (for memory estimates and tests). */
size_t infl__tally_stream_bytes(const infl_tally_stream *ts);

/*
 * Builds the summary of n_trials trials from the merged order-free tallies
 * and the block-ordered moments. `metrics` and `strategy_names` are copied.
 * The caller owns *out (infl_summary_free).
 */
infl_status infl__tally_stream_summary(const infl_tally_stream *ts, const infl_block_moments *mom,
                                       uint64_t n_trials, const infl_metric_info *metrics,
                                       char *const *strategy_names, infl_summary **out,
                                       infl_error *err);

#endif
