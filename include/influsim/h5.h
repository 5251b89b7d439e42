/*
 * influsim/h5.h — the results file: writing a run to HDF5 and reading its
 * summary (or a sweep's summaries, or a select's answer) back. The layout
 * is versioned and documented in docs/output.md; the dataset names there
 * are a contract with users' scripts.
 */
#ifndef INFLUSIM_H5_H
#define INFLUSIM_H5_H

#include "influsim/error.h"
#include "influsim/optimize.h"
#include "influsim/results.h"
#include "influsim/scenario.h"
#include "influsim/select.h"
#include "influsim/sensitivity.h"
#include "influsim/sweep.h"

#include <stdbool.h>

#define INFL_H5_FORMAT "influsim-results"
#define INFL_H5_FORMAT_VERSION 1

/* How a run went, recorded in the file's root attributes. */
typedef struct {
    unsigned threads;
    double wall_seconds; /* simulation and statistics, before writing */
} infl_run_info;

/*
 * For a program, once, before any other HDF5 use: tells HDF5 not to close
 * files at exit. HDF5 1.10 crashes at exit when it retries closing a file
 * whose close already failed (a full disk, a file-size limit); the writer
 * removes such a file itself.
 */
void infl_h5_process_init(void);

/*
 * Checks, before a run, that a results file may be written at `path`: not a
 * folder, pipe, device or dangling symlink (INFL_EIO), and, unless `replace`,
 * no file there already (INFL_EARG, with a message suggesting --force).
 */
infl_status infl_h5_check_target(const char *path, bool replace, infl_error *err);

/*
 * A shard's part of a sweep (`influsim sweep --shard I/N`): the summaries of
 * its points, with what it takes to check that parts belong to one sweep and
 * to write the merged file (the base scenario as loaded, the axes). Saved in a
 * small binary file (magic "INFLSWP1", length, CRC-32, then the payload),
 * atomically; the summaries are stored exactly, so a merged sweep equals one
 * process's.
 */
typedef struct {
    char *version;       /* of the influsim that saved it */
    char *origin, *text; /* the base scenario as loaded */
    char **sets;
    size_t n_sets;
    uint64_t seed, trials;
    bool no_trials;
    uint64_t shard_index, shard_count;
    size_t n_axes;
    infl_sweep_axis axes[INFL_SWEEP_MAX_AXES];
    size_t n_points;       /* the whole grid's */
    size_t first, end;     /* the points [first, end) it holds */
    infl_summary **points; /* n_points entries, NULL outside [first, end) */
} infl_h5_sweep_part;

/* Saves p at path (replace: an existing file may be replaced). */
infl_status infl_h5_sweep_part_save(const char *path, bool replace, const infl_h5_sweep_part *p,
                                    infl_error *err);
/* Loads the part at path into *out (destroy it whatever the outcome). A file
 * cut short, damaged or not a part is refused (INFL_EFORMAT, naming it). */
infl_status infl_h5_sweep_part_load(const char *path, infl_h5_sweep_part *out, infl_error *err);
void infl_h5_sweep_part_destroy(infl_h5_sweep_part *p);
/* Whether the file at path starts as a sweep's part does. */
bool infl_h5_is_sweep_part(const char *path);
/*
 * Merges parts[0..n) (names[i] names parts[i] in messages), the shards of one
 * sweep in any order, into *out: every point's summary (moved out of the
 * parts). Refuses (INFL_EINVAL) parts of different sweeps (version, scenario,
 * overrides, seed, trials, --no-trials, axes, shard count), a shard twice or
 * missing, and a part whose points are not its shard's.
 */
infl_status infl_h5_sweep_parts_merge(infl_h5_sweep_part *parts, const char *const *names, size_t n,
                                      infl_h5_sweep_part *out, infl_error *err);

/*
 * Writes a complete results file at `path`. The file is written under a
 * temporary name in the same folder, flushed to disk, and renamed into place
 * only when whole, so `path` never holds a half-written file; an existing file
 * at `path` is replaced atomically. On failure nothing is left behind and err
 * names the path and the step that failed (INFL_EIO or INFL_EHDF5).
 */
infl_status infl_h5_write(const char *path, const infl_scenario *sc, const infl_trials *tr,
                          const infl_summary *sm, const infl_run_info *info, infl_error *err);

/*
 * The same in two steps, for a caller that computes the summary after the
 * per-trial datasets are written (and may then reorder the trials' values,
 * as infl_summary_compute_inplace does, without holding a copy):
 * begin checks the target as infl_h5_check_target does and writes everything
 * but the summaries (tr may be NULL: no per-trial datasets); without
 * `replace`, finish also refuses a file that appeared at `path` meanwhile; finish writes the
 * summaries, the comparisons and the wall time, then flushes and renames the file into place, and
 * frees the writer whatever happens; abandon removes the unfinished file and frees the writer (NULL
 * accepted). Until finish succeeds, `path` is untouched.
 */
typedef struct infl_h5_writer infl_h5_writer;
infl_status infl_h5_writer_begin(const char *path, const infl_scenario *sc, const infl_trials *tr,
                                 unsigned threads, bool replace, infl_h5_writer **out,
                                 infl_error *err);
infl_status infl_h5_writer_finish(infl_h5_writer *w, const infl_summary *sm, double wall_seconds,
                                  bool complete, infl_error *err);
void infl_h5_writer_abandon(infl_h5_writer *w);
/* Finishes a sweep's file (begun without trials): the /sweep group with one
 * summary per grid point (points in row-major order over the axes, at most 4
 * axes: more give INFL_ELIMIT), then flushes and renames it into place; frees
 * the writer whatever happens. */
infl_status infl_h5_writer_finish_sweep(infl_h5_writer *w, const infl_sweep_axis *axes,
                                        size_t n_axes, infl_summary *const *points,
                                        double wall_seconds, infl_error *err);
/* What an optimiser's file records beside the run at the optimum. */
typedef struct {
    const infl_optimize_result *result;
    char *const *tier_names; /* result->n_tiers names, in the order of the shares */
    const infl_objective *objective;
    const char *objective_units; /* "conversions", "USD", "1" */
    const char *strategy;        /* the strategy that holds the optimum in /strategies */
} infl_h5_optimize;
/* Finishes the file of `influsim optimize` (begun with the trials of the
 * scenario's strategies and the optimum): the summaries, as
 * infl_h5_writer_finish, and the /optimize group; frees the writer whatever
 * happens. */
infl_status infl_h5_writer_finish_optimize(infl_h5_writer *w, const infl_summary *sm,
                                           double wall_seconds, const infl_h5_optimize *o,
                                           infl_error *err);
/* Finishes the file of `influsim sensitivity` (begun without trials): the
 * /sensitivity group (docs/output.md, "Sensitivity files"), then flushes and
 * renames it into place; frees the writer whatever happens. */
infl_status infl_h5_writer_finish_sensitivity(infl_h5_writer *w, const infl_sens_result *r,
                                              double wall_seconds, infl_error *err);
/* The temporary file being written, beside the target and named
 * ".NAME.tmp.PID.N" (to remove it from a signal handler). Owned by the
 * writer: valid until finish or abandon. */
const char *infl_h5_writer_temp_path(const infl_h5_writer *w);

/* What a results file's integrity record says (docs/output.md, "Integrity"). */
typedef enum {
    INFL_H5_INTACT,     /* exactly the bytes influsim wrote */
    INFL_H5_UNVERIFIED, /* no record: written before influsim recorded one */
    INFL_H5_MODIFIED,   /* changed since it was written (a dataset added with
                         * h5py, say), and everything in it reads back with
                         * valid checksums */
} infl_h5_integrity;

/*
 * Checks the integrity record of the results file at path, before any HDF5
 * call, and for a file that has changed since, reads all of it in a guarded
 * child process. *state says what was found; a damaged file (cut short, a
 * broken record, changed bytes that do not read back) gives INFL_EFORMAT with "PATH: damaged (what
 * failed)", and INFL_EIO a file that cannot be opened. Every reader below does this first.
 */
infl_status infl_h5_verify(const char *path, infl_h5_integrity *state, infl_error *err);

/* What made a results file: `influsim run`, `sweep`, `optimize`, `select` or `sensitivity`. */
typedef enum {
    INFL_H5_KIND_RUN,         /* a run's file: per-strategy summaries */
    INFL_H5_KIND_SWEEP,       /* a sweep's: /sweep, the summaries over a grid */
    INFL_H5_KIND_OPTIMIZE,    /* an optimiser's: a run's file with /optimize */
    INFL_H5_KIND_SELECT,      /* a select's: /select, the chosen creators (no summaries) */
    INFL_H5_KIND_SENSITIVITY, /* a sensitivity study's: /sensitivity (no summaries) */
} infl_h5_kind;

/* What a results file says about the run that made it. Owned strings. */
typedef struct {
    char *scenario_name;
    char *currency;
    char *program_version;
    char *created;
    uint64_t seed;
    uint64_t trials;      /* asked for */
    uint64_t trials_done; /* in the file: fewer than trials for a run stopped early */
    uint64_t threads;
    double wall_seconds;
    bool complete;
    long format_version;
    char *scenario_resolved; /* the resolved scenario's YAML; NULL if the file has none */
} infl_h5_meta;

/*
 * Reads the summary and run metadata of a results file. On success *out is a
 * new summary (infl_summary_free) and meta is filled (infl_h5_meta_destroy).
 * A file that is not HDF5, or not an influsim results file, or that lacks a
 * part of the layout, gives INFL_EFORMAT with a message naming what is wrong.
 */
infl_status infl_h5_read_summary(const char *path, infl_summary **out, infl_h5_meta *meta,
                                 infl_error *err);

void infl_h5_meta_destroy(infl_h5_meta *meta);

/*
 * Says what kind of results file is at path (*kind), having checked that it
 * is an influsim results file of a version this program reads; the failures
 * of infl_h5_read_summary otherwise (INFL_EIO: cannot be opened; INFL_EFORMAT:
 * not HDF5, not influsim's, a newer version or an unknown kind).
 */
infl_status infl_h5_read_kind(const char *path, infl_h5_kind *kind, infl_error *err);

/* A sweep's file read back. Everything is owned (infl_h5_sweep_destroy). */
typedef struct {
    infl_h5_meta meta;     /* the root attributes (trials: a point's trials) */
    size_t n_axes;         /* 1 or 2 (at most 4 in the format) */
    infl_sweep_axis *axes; /* key, name, grid values and spacing of each */
    size_t n_points;       /* the product of the axes' sizes */
    infl_summary **points; /* each point's summary, row-major over the axes */
} infl_h5_sweep;

/*
 * Reads a sweep's file (docs/output.md, "Sweep files"): the axes from the
 * dimension scales of /sweep/mean, and for every point a summary equal to
 * the one the sweep computed there, number for number (every statistic, the
 * comparisons), so that infl_sweep_crossovers and a table printed from it
 * agree with the sweep's own. A sweep's file does not record the metrics'
 * units or descriptions (they are "") nor the trials missing per metric,
 * which are the point's trials less n. A file that is not a sweep's, or
 * lacks a part of the layout, gives INFL_EFORMAT with a message naming what
 * is wrong; *out then holds nothing (destroying it is harmless).
 */
infl_status infl_h5_read_sweep(const char *path, infl_h5_sweep *out, infl_error *err);
void infl_h5_sweep_destroy(infl_h5_sweep *s);

/*
 * Reads a select's file (docs/output.md, "Select files"): on success *out is
 * a new result (infl_select_result_free) holding what infl_select_run
 * returned, number for number: the answer's attributes, the roster table,
 * the plan, the runner-up and their per-trial values; seed is the file's.
 * What the file does not record is empty: no --set overrides (n_sets 0),
 * no scenario (NULL; the plan's resolved YAML is meta->scenario_resolved).
 * meta is filled as infl_h5_read_summary fills it (infl_h5_meta_destroy).
 * Every dataset's presence, shape and type and every attribute is checked,
 * and the table against itself (equal lengths, `chosen` the plan, indices in
 * the roster and ascending): a file that is not a select's, or is damaged
 * or edited, gives INFL_EFORMAT with "PATH: /select/...: what is wrong";
 * *out is then NULL and meta empty.
 */
infl_status infl_h5_read_select(const char *path, infl_select_result **out, infl_h5_meta *meta,
                                infl_error *err);

/*
 * Reads a sensitivity study's file (docs/output.md, "Sensitivity files"):
 * on success *out holds what infl_sens_run returned, number for number (the
 * factors, the design, every evaluation, the indices, the noise and the
 * flips; threads and seed from the root attributes) and meta is filled as
 * infl_h5_read_summary fills it. Every array's presence and shape is checked
 * against the scales, the statistics against the method's, the names against
 * the strategies: a file that is not a sensitivity study's, or is damaged or
 * edited, gives INFL_EFORMAT with "PATH: /sensitivity/...: what is wrong";
 * *out and meta are then empty.
 */
infl_status infl_h5_read_sensitivity(const char *path, infl_sens_result *out, infl_h5_meta *meta,
                                     infl_error *err);

#endif
