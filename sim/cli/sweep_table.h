/*
 * sweep_table.h — the table of a sweep (sweep_table.c), printed by `influsim
 * sweep` as its points are done and by `influsim show` from a sweep's file,
 * the same table both times: a row per grid point, the axes' values (money
 * where the key is), per strategy the mean conversions ± its standard error,
 * and the best strategy; columns named by the strategies and fitted to the
 * terminal, the table split into blocks of strategies where they do not fit;
 * then, for a 1-D sweep, where the best strategy changes.
 */
#ifndef INFL_CLI_SWEEP_TABLE_H
#define INFL_CLI_SWEEP_TABLE_H

#include "influsim/error.h"
#include "influsim/results.h"
#include "influsim/sweep.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * The width the table may take on `out`: $COLUMNS when it is a whole number
 * from 1 to 10,000, else the terminal's width when `out` is a terminal
 * (TIOCGWINSZ), else 0: no limit (a pipe or a file gets one block, which is
 * easier to read back than blocks).
 */
size_t infl_cli_terminal_width(FILE *out);

/* Whether a scenario key holds money (budget, prices, costs, and the
 * parameters of their distributions that are amounts: median, min, max). */
bool infl_cli_key_is_money(const char *key);

/* The layout of a table: borrowed axes and names, and the columns' widths. */
typedef struct {
    FILE *out;
    const infl_sweep_axis *axes; /* n_axes, borrowed */
    size_t n_axes;
    const char *const *names; /* the strategies, borrowed */
    size_t n_strategies;
    const char *currency;
    uint64_t trials; /* per point, for the standard error of a probability */
    /* The layout (infl_sweep_table_init): per axis, money or not and the
     * decimals (money) or significant digits that tell its values apart, and
     * the widths; the strategies of block b are block_start[b] to
     * block_start[b + 1] - 1. */
    bool money[INFL_SWEEP_MAX_AXES];
    int digits[INFL_SWEEP_MAX_AXES];
    size_t axis_width[INFL_SWEEP_MAX_AXES];
    size_t *column_width; /* n_strategies */
    size_t *block_start;  /* n_blocks + 1 */
    size_t n_blocks;
} infl_sweep_table;

/* Lays out the table of a sweep over axes[0..n_axes) (1 or 2) for the
 * strategies names[0..n_strategies) in `width` characters (0: no limit).
 * INFL_EARG for another number of axes (a file may hold up to 4), INFL_ENOMEM
 * if out of memory (the message in err); destroy it either way. */
infl_status infl_sweep_table_init(infl_sweep_table *t, FILE *out, const infl_sweep_axis *axes,
                                  size_t n_axes, const char *const *names, size_t n_strategies,
                                  const char *currency, uint64_t trials, size_t width,
                                  infl_error *err);
void infl_sweep_table_destroy(infl_sweep_table *t);

/* The title ("NAME: T trials a point, seed S, P points"), what a cell is,
 * and the head of the first block. */
void infl_sweep_table_heads(const infl_sweep_table *t, const char *scenario_name, uint64_t seed);
/* The first block's row of one point: values[a] its value on axis a, sm its
 * summary. Flushed, so a pipe sees each point as it is done. */
void infl_sweep_table_row(const infl_sweep_table *t, const double *values, const infl_summary *sm);
/* Everything after the first block's rows: the other blocks (all the points,
 * row-major over the axes) and, for a 1-D sweep, where the best strategy
 * changes. INFL_ENOMEM if out of memory listing the changes. */
infl_status infl_sweep_table_rest(const infl_sweep_table *t, infl_summary *const *points,
                                  infl_error *err);
/* The whole table at once: heads, the first block's rows, the rest. */
infl_status infl_sweep_table_print(const infl_sweep_table *t, const char *scenario_name,
                                   uint64_t seed, infl_summary *const *points, infl_error *err);

#endif
