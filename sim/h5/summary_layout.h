/*
 * summary_layout.h — the part of a results file written once the summary is
 * known, shared by a run's file and an optimiser's (summary_layout.c).
 */
#ifndef INFL_SIM_H5_SUMMARY_LAYOUT_H
#define INFL_SIM_H5_SUMMARY_LAYOUT_H

#include "h5/h5io.h"
#include "influsim/results.h"

/*
 * Writes into `file` (begun by infl_h5_writer_begin: /strategy and the
 * /strategies groups exist) each strategy's summary table and the
 * comparisons, rewrites the root attributes wall_time_s and trials_done, and
 * then, when `complete`, sets `complete` as the very last write. False on
 * failure (recorded in io).
 */
bool infl__h5_summary_finish(infl__h5_io *io, hid_t file, const infl_summary *sm,
                             double wall_seconds, bool complete);

#endif
