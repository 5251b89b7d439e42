/*
 * roster_import.h — flat records of a roster file (roster_csv, roster_json)
 * translated into canonical creators: MAP nodes with the keys of a tier
 * (followers, engagement_per_follower, real_share, price, gifted_share,
 * audience, ...) plus handle, tier and platform, as a scenario's `roster:`
 * entries are written. Units are never guessed: a value that does not fit the
 * declared unit is a fault that names the row. docs/roster-files.md is the
 * strategist's description of every column.
 *
 * Also reads the settings of a `roster_file:` entry of a scenario.
 */
#ifndef INFL_SIM_ROSTER_IMPORT_H
#define INFL_SIM_ROSTER_IMPORT_H

#include "scenario/yaml_tree.h"

typedef enum {
    INFL_ROSTER_FORMAT_AUTO, /* from the path's extension (.csv, .json) */
    INFL_ROSTER_FORMAT_CSV,
    INFL_ROSTER_FORMAT_JSON
} infl__roster_format;

typedef enum {
    INFL_ROSTER_UNIT_FRACTION, /* 0-1 */
    INFL_ROSTER_UNIT_PERCENT,  /* 0-100 */
    INFL_ROSTER_UNIT_SCORE     /* 0-100, for credibility */
} infl__roster_unit;

#define INFL_ROSTER_MAX_IGNORED 64

typedef struct {
    const char *path;                  /* roster_file.path (borrowed); NULL if not read */
    infl__roster_format format;        /* AUTO unless `format:` says */
    const char *default_tier;          /* tier of rows without one; NULL: none */
    infl__roster_unit engagement_rate; /* of the `engagement_rate` column: FRACTION or PERCENT */
    infl__roster_unit audience;        /* of the `audience` column: PERCENT or FRACTION */
    infl__roster_unit credibility;     /* of the `credibility` column: FRACTION or SCORE */
    const char *ignore[INFL_ROSTER_MAX_IGNORED]; /* columns skipped (any case; borrowed) */
    size_t n_ignore;
    double post_variation;         /* post-to-post lognormal sigma of engagement (0.5) */
    double posts_observed_default; /* posts an engagement rate was measured on (12) */
    const char *origin;            /* the roster file's name for file-level messages; NULL: the
                                      records' origin */
} infl__roster_settings;

/* Fills in the defaults: format AUTO, no tier, engagement_rate fraction,
 * audience percent, credibility fraction, nothing ignored, post_variation
 * 0.5, posts_observed_default 12, no path or origin. */
void infl__roster_settings_init(infl__roster_settings *s);

/*
 * Reads the value of a scenario's `roster_file:` key into *s (which it first
 * initialises): a path (a scalar), or a mapping of path (required), format
 * (csv | json), tier, units {engagement_rate: fraction | percent, audience:
 * fraction | percent, credibility: fraction | score}, ignore (a list of
 * column names, or one), post_variation (0 to 3), posts_observed_default (a
 * count, at least 1). Strings are borrowed from `node`, which must outlive
 * *s. Faults are "FILE:LINE:COLUMN: roster_file.KEY: ..." (all listed;
 * unknown keys with "did you mean"), INFL_EINVAL.
 */
infl_status infl__roster_settings_parse(const infl_node *node, infl__roster_settings *s,
                                        infl_error *err);

/* The format to read s->path with: s->format unless AUTO, else from the
 * extension (".json", any case, is JSON; anything else CSV). */
infl__roster_format infl__roster_settings_format(const infl__roster_settings *s);

/*
 * Translates `records` (a SEQ of flat MAP records, as from roster_csv or
 * roster_json) into *out_seq, a SEQ of canonical creator MAP nodes whose
 * nodes keep the positions of the records' values (and each key the
 * position of its value). Per creator, in this order where given:
 *   handle, tier (the record's, else settings->default_tier), platform,
 *   followers (a count), engagement_per_follower ({lognormal: {median,
 *   sigma}} from an engagement rate and posts_observed, or a constant),
 *   real_share, price (a constant or {loguniform: {min, max}}),
 *   gifted_share, audience (a MAP {CODE: fraction, ..., other: fraction}),
 *   then any tier key given as a constant column.
 * Every fault is listed (at most 50, then "N more faults not shown") as
 * "FILE:LINE: column: what is wrong (got VALUE)", with status INFL_EINVAL;
 * unknown columns get a "did you mean" against the known ones. On failure
 * *out_seq is NULL. The caller owns *out_seq (infl__yaml_tree_free).
 */
infl_status infl__roster_import(const infl_node *records, const infl__roster_settings *settings,
                                infl_node **out_seq, infl_error *err);

#endif
