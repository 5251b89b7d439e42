/*
 * report_reader.h — what `influsim report` needs from a results file beyond
 * what the other readers return: the scenario file's own text (its comments
 * are the assumptions' sources), the budget, whether the trials were kept,
 * each strategy's share of trials that made a profit (counted from the
 * per-trial columns, where the file has them), and an optimiser's points.
 * Read like every reader: the integrity record first, the parse in a
 * guarded child (guard.h), its reply decoded with every count checked.
 */
#ifndef INFL_SIM_H5_REPORT_READER_H
#define INFL_SIM_H5_REPORT_READER_H

#include "influsim/error.h"

#include <stdbool.h>
#include <stddef.h>

/* Everything owned (infl__h5_report_extras_destroy). */
typedef struct {
    char *scenario_text;   /* the scenario file as read; NULL where the file has none */
    char *scenario_origin; /* its path as given; NULL where none */
    char *git_revision;    /* NULL where none */
    bool trials_kept;      /* false for run --no-trials, a sweep, select, sensitivity */
    double budget;         /* NaN where none */
    size_t n_strategies;   /* of /strategy (0 for a file without the list) */
    char **strategies;     /* n_strategies names */
    /* [s]: the share of trials whose profit (ltv_profit) is > 0; NaN where
     * the trials were not kept or the metric is absent. */
    double *p_profit, *p_ltv_profit;
    /* An optimiser's file (/optimize); has_optimize false otherwise. */
    bool has_optimize;
    char *opt_objective, *opt_long_name, *opt_units, *opt_outcome, *opt_strategy;
    double opt_value, opt_se;
    size_t opt_n_tiers, opt_n_points;
    char **opt_tiers;    /* opt_n_tiers names */
    double *opt_optimum; /* [tier] the optimum's shares */
    double *opt_shares;  /* [point * opt_n_tiers + tier] */
    double *opt_values;  /* [point] the objective */
    double *opt_ses;     /* [point] its standard error */
    double *opt_stage;   /* [point] 0 first grid, 1 minimiser, 2 profile */
} infl__h5_report_extras;

/* Reads them from the results file at path into *out (zeroed first; on
 * failure it holds nothing). Failures as infl_h5_read_summary's: INFL_EIO,
 * INFL_EFORMAT ("PATH: damaged (...)", "PATH: missing ..."). */
infl_status infl__h5_read_report_extras(const char *path, infl__h5_report_extras *out,
                                        infl_error *err);
/* Frees what *x holds; accepts NULL. */
void infl__h5_report_extras_destroy(infl__h5_report_extras *x);

#endif
