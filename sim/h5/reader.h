/*
 * reader.h — the checked reading steps of reader.c that every reader of a
 * results file shares (a run's summary there, a sweep's in
 * sweep_reader.c). Each takes the infl__h5_io of the file being read (its
 * path names the file in messages), records the first failure there as
 * INFL_EFORMAT ("PATH: missing or malformed attribute 'seed'") and returns
 * false (or a negative id), so a caller chains them with && and reports once.
 * Call them with HDF5's error printing off (infl__h5_quiet).
 */
#ifndef INFL_SIM_H5_READER_H
#define INFL_SIM_H5_READER_H

#include "h5/guard.h"
#include "h5/h5io.h"
#include "influsim/h5.h"

#include <stdbool.h>

/*
 * How every public reader reads a results file (guard.h): the file's
 * integrity record checked first (infl_h5_verify: a damaged file is
 * refused before HDF5 sees it), then parse run in a guarded child for at
 * most INFL__H5_GUARD_SECONDS, its reply in *reply (infl__wire_destroy).
 */
infl_status infl__h5_read_guarded(const char *path, infl__h5_guard_parse parse, void *ctx,
                                  infl__wire *reply, infl_error *err);

/* Records "PATH: what" as the failure, unless one is recorded. False. */
bool infl__h5_read_bad(infl__h5_io *r, const char *what);

/*
 * Opens the file at r->path read-only and checks that it is an influsim
 * results file of a format version this program reads: meta->format_version
 * and *kind (a file without a `kind` attribute is a run's) are set. The file
 * (the caller closes it), or negative with the failure recorded (INFL_EIO when
 * it cannot be opened at all).
 */
hid_t infl__h5_read_open(infl__h5_io *r, infl_h5_meta *meta, infl_h5_kind *kind);

/* Reads the root attributes that describe the run into meta (owned strings;
 * infl_h5_meta_destroy). */
bool infl__h5_read_meta(infl__h5_io *r, hid_t file, infl_h5_meta *meta);

/* A scalar variable-length string attribute into a new string (*out, free()). */
bool infl__h5_read_attr_str(infl__h5_io *r, hid_t loc, const char *name, char **out);
/* A scalar attribute of any numeric type, converted to mem_type. */
bool infl__h5_read_attr_num(infl__h5_io *r, hid_t loc, const char *name, hid_t mem_type, void *out);
/* A 1-D dataset of variable-length strings `group/name` of *n entries (*n 0:
 * any, and *n gets it) into *out (infl_names_free). */
bool infl__h5_read_strings(infl__h5_io *r, hid_t loc, const char *group, const char *name,
                           hsize_t *n, char ***out);

/* Whether a metric called `name` is a ratio (NaN where its denominator is
 * 0), for files that do not say: cost_per_*, roi and *_roi. */
bool infl__h5_read_is_ratio(const char *name);

#endif
