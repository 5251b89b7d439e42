/*
 * The bytes ranks send after a round (engine/exchange.c): shares cut at unit
 * edges when the round holds a unit per rank, and a rank's whole units sent
 * folded (one unit's moments instead of its 64 blocks'), which the receiver's
 * fold in block order, unit by unit, turns into the same bits as folding
 * every block's; a share that begins or ends inside a unit sends those
 * blocks one by one; a packet cut short is refused.
 */
#include "check.h"
#include "engine/exchange.h"
#include "stats/moments.h"

#include "influsim/engine.h"

#include <stdlib.h>
#include <string.h>

enum { NS = 2, NM = 3, BLOCKS = 200 }; /* 200 blocks: units [0,64) [64,128) [128,192) [192,200) */

static size_t block_bytes(void)
{
    return (NS * NM + NS * NS) * sizeof(infl_moments);
}

/* Blocks' moments of awkward values (so that the fold's order shows). */
static void fill(infl_block_moments *slots, size_t n)
{
    unsigned x = 12345;
    for (size_t b = 0; b < n; b++) {
        CHECK(infl__moments_block_init(&slots[b], NS, NM));
        for (size_t i = 0; i < slots[b].n_cells + slots[b].n_pairs; i++) {
            infl_moments *m =
                i < slots[b].n_cells ? &slots[b].cells[i] : &slots[b].pairs[i - slots[b].n_cells];
            for (int k = 0; k < 1 + (int)(b % 5); k++) {
                x = x * 1103515245u + 12345u;
                infl__moments_add(m, (double)(x >> 8) / 3.0e5 + (double)b * 0.1);
            }
        }
    }
}

/* The engine's fold: blocks in order into the open unit, each closed unit
 * into the total. */
static void fold(const infl_block_moments *slots, size_t n, infl_block_moments *total)
{
    infl_block_moments open;
    CHECK(infl__moments_block_init(&open, NS, NM));
    infl__moments_block_clear(total);
    for (size_t b = 0; b < n; b++) {
        infl__moments_block_merge(&open, &slots[b]);
        if ((b + 1) % INFL_ENGINE_UNIT_BLOCKS == 0 || b + 1 == n) {
            infl__moments_block_merge(total, &open);
            infl__moments_block_clear(&open);
        }
    }
    infl__moments_block_destroy(&open);
}

static int same_moments(const infl_block_moments *a, const infl_block_moments *b)
{
    return !memcmp(a->cells, b->cells, a->n_cells * sizeof *a->cells) &&
           !memcmp(a->pairs, b->pairs, a->n_pairs * sizeof *a->pairs);
}

/* Every rank's share of [0, BLOCKS) packed and unpacked into a receiver's
 * slots: the receiver's fold equals the fold of the original blocks, and
 * the bytes are what whole units make them. */
static void check_ranks(const infl_block_moments *slots, int size, size_t want_units_sent)
{
    infl_block_moments got[BLOCKS], total, want;
    fill(got, BLOCKS); /* overwritten by the packets */
    CHECK(infl__moments_block_init(&total, NS, NM));
    CHECK(infl__moments_block_init(&want, NS, NM));
    size_t moments_sent = 0;
    uint64_t prev_hi = 0;
    for (int r = 0; r < size; r++) {
        uint64_t lo, hi;
        infl__exchange_share(0, BLOCKS, r, size, &lo, &hi);
        CHECK(lo == prev_hi && hi >= lo);
        prev_hi = hi;
        infl__wire b;
        infl__wire_init(&b);
        infl__exchange_head h = {.failed_block = UINT64_MAX, .message = "", .hires = 7};
        infl__exchange_pack_round(&b, &h, slots + lo, lo, hi, BLOCKS, NULL, 0, 0);
        CHECK(!b.bad);
        const size_t head = 4 * sizeof(uint64_t);
        CHECK((b.len - head) % block_bytes() == 0);
        moments_sent += (b.len - head) / block_bytes();
        infl__exchange_head back;
        CHECK(infl__exchange_unpack_round(b.data, b.len, &back, got + lo, lo, hi, BLOCKS, NULL, 0,
                                          0));
        CHECK(back.hires == 7 && back.failed_block == UINT64_MAX);
        /* Cut short: refused. */
        if (b.len > head)
            CHECK(!infl__exchange_unpack_round(b.data, b.len - 1, &back, got + lo, lo, hi, BLOCKS,
                                               NULL, 0, 0));
        infl__exchange_unpack_round(b.data, b.len, &back, got + lo, lo, hi, BLOCKS, NULL, 0, 0);
        infl__wire_destroy(&b);
    }
    CHECK(prev_hi == BLOCKS);
    fold(slots, BLOCKS, &want);
    fold(got, BLOCKS, &total);
    CHECK(same_moments(&want, &total));
    if (moments_sent != want_units_sent)
        fprintf(stderr, "%d ranks: %zu moments sent, want %zu\n", size, moments_sent,
                want_units_sent);
    CHECK_INT(moments_sent, want_units_sent);
    for (size_t i = 0; i < BLOCKS; i++)
        infl__moments_block_destroy(&got[i]);
    infl__moments_block_destroy(&total);
    infl__moments_block_destroy(&want);
}

int main(void)
{
    infl_block_moments slots[BLOCKS];
    fill(slots, BLOCKS);
    /* One rank: four units, the last the run's short one. */
    check_ranks(slots, 1, 4);
    /* Two ranks: 100 blocks each, cut at 128: units 0, 1 | 2, 3. */
    check_ranks(slots, 2, 4);
    /* Three ranks: 66 blocks each (a unit per rank), cuts at 64 and 128:
     * one unit each, then the last rank's [128, 200) is units 2 and 3. */
    check_ranks(slots, 3, 4);
    /* Four ranks: 50 blocks each, less than a unit: cuts at 50, 100, 150,
     * so only [150, 200) ... holds the run's last unit [192, 200) whole:
     * every other block goes alone: 192 blocks + 1 unit. */
    check_ranks(slots, 4, 193);
    /* A share inside a unit: blocks [10, 100) of a round, one rank. */
    infl__wire b;
    infl__wire_init(&b);
    infl__exchange_head h = {.failed_block = 3, .status = INFL_ELIMIT, .message = "no\nway"};
    infl__exchange_pack_round(&b, &h, slots + 10, 10, 100, BLOCKS, NULL, 0, 0);
    CHECK_INT((b.len - 4 * sizeof(uint64_t) - 6) / block_bytes(), 90);
    infl__exchange_head back;
    CHECK(
        infl__exchange_unpack_round(b.data, b.len, &back, slots + 10, 10, 100, BLOCKS, NULL, 0, 0));
    CHECK(back.failed_block == 3 && back.status == INFL_ELIMIT && back.message_len == 6 &&
          !memcmp(back.message, "no\nway", 6));
    infl__wire_destroy(&b);
    for (size_t i = 0; i < BLOCKS; i++)
        infl__moments_block_destroy(&slots[i]);
    return check_exit();
}
