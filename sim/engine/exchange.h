/*
 * exchange.h — what the ranks of a cluster (influsim/cluster.h) send each
 * other: after every round, each rank's part of the round (its lowest failed
 * block and that block's message, the funnels it drew, and its blocks'
 * moments or its trials' values) so that every rank holds the whole round;
 * and the order-free tallies, merged across ranks where a checkpoint or the
 * summary needs them. The bytes are those of memory (the ranks run one
 * build on one kind of machine, as a checkpoint assumes).
 */
#ifndef INFL_SIM_ENGINE_EXCHANGE_H
#define INFL_SIM_ENGINE_EXCHANGE_H

#include "influsim/cluster.h"
#include "influsim/error.h"
#include "influsim/results.h"
#include "stats/tally_stream.h"
#include "stats/wire.h"

#include <stdint.h>

/* Blocks [*lo, *hi) of the round's blocks [first, end) that `rank` of `size`
 * runs: contiguous shares, in rank order, as even as blocks allow; when the
 * round holds a unit (INFL_ENGINE_UNIT_BLOCKS) per rank or more, the shares
 * are cut at the nearest unit edge, so that a rank holds whole units and
 * sends each folded (infl__exchange_pack_round). */
void infl__exchange_share(uint64_t first, uint64_t end, int rank, int size, uint64_t *lo,
                          uint64_t *hi);

/* A rank's news of a round. */
typedef struct {
    uint64_t failed_block; /* lowest failed block of the round, UINT64_MAX if none */
    infl_status status;    /* its status */
    const char *message;   /* its messages (one per line), or "" (packing) */
    size_t message_len;    /* unpacked: message's bytes (not terminated there) */
    uint64_t hires;        /* funnels the rank has drawn in the run so far */
} infl__exchange_head;

/*
 * Appends to b a rank's part of a round: h, then (streaming, slots not NULL)
 * the moments of its blocks [lo, hi) (slots[0] is block lo's), or (kept
 * values) every column's values of its trials [t_lo, t_hi) of tr.
 *
 * A whole unit among the blocks (from a unit's first block to its last, or
 * to the run's last block of n_blocks) goes as one: its blocks' moments
 * folded in block order from nothing, as the engine folds a unit, since a
 * unit's fold starts from nothing wherever it runs. That is 64 times fewer
 * bytes, and the receiver's fold gives the same bits.
 */
void infl__exchange_pack_round(infl__wire *b, const infl__exchange_head *h,
                               const infl_block_moments *slots, uint64_t lo, uint64_t hi,
                               uint64_t n_blocks, const infl_trials *tr, uint64_t t_lo,
                               uint64_t t_hi);

/* Reads what infl__exchange_pack_round wrote (h->message points into p)
 * into slots or tr: a whole unit's fold into its first block's slot, its
 * other blocks' slots cleared (folding nothing); false when p is not such a
 * packet of that shape. */
bool infl__exchange_unpack_round(const unsigned char *p, size_t n, infl__exchange_head *h,
                                 infl_block_moments *slots, uint64_t lo, uint64_t hi,
                                 uint64_t n_blocks, infl_trials *tr, uint64_t t_lo, uint64_t t_hi);

/*
 * Collective: every rank sends `mine` (NULL: nothing); where `into` is not
 * NULL the other ranks' tallies are merged into it (order-free, so in rank
 * order). False on a transport failure, a malformed packet or out of memory.
 */
bool infl__exchange_tallies(const infl_cluster *cl, const infl_tally_stream *mine,
                            size_t n_strategies, size_t n_metrics, infl_tally_stream *into);

#endif
