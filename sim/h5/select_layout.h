/*
 * select_layout.h — the file of `influsim select` (docs/output.md, "Select
 * files"): begun as a sweep's is, with the root attributes and the
 * scenario of the plan (infl_h5_writer_begin without trials), finished here
 * with /select.
 */
#ifndef INFL_SIM_H5_SELECT_LAYOUT_H
#define INFL_SIM_H5_SELECT_LAYOUT_H

#include "influsim/h5.h"
#include "influsim/select.h"

/*
 * Finishes a select file: /select from r (its attributes, the roster as a
 * table, the plan and the runner-up, their per-trial values), the root's
 * trials_done and wall_time_s (r->seconds), kind "select", complete; then
 * closes, flushes and renames the file into place. Frees w whatever
 * happens. Failure: INFL_EHDF5 or INFL_EIO naming the object, INFL_ENOMEM;
 * the target is untouched.
 */
infl_status infl__h5_writer_finish_select(infl_h5_writer *w, const infl_select_result *r,
                                          infl_error *err);

#endif
