/*
 * roster_json.h — a roster file in the JSON of Modash-style creator reports
 * read into the same flat records as roster_csv (see roster_csv.h): one MAP
 * a creator with the keys handle, followers, engagement_rate_fraction,
 * real_share, audience_fraction ("FR:0.55;BE:0.1"), platform, name and url
 * where the report has them. The JSON is read with the project's YAML tree
 * (libyaml reads JSON), so every value keeps its line and column.
 */
#ifndef INFL_SIM_ROSTER_JSON_H
#define INFL_SIM_ROSTER_JSON_H

#include "scenario/yaml_tree.h"

/*
 * Parses `text` (length bytes) into *out_seq. The document is one report
 * object, a list of them, or an object with a list of them under `reports`
 * or `data`. From each report: profile.profile.username (or
 * profile.username) -> handle, .followers, .engagementRate (a fraction) ->
 * engagement_rate_fraction, .fullname -> name, .url -> url and, from the
 * url's site, platform (instagram, tiktok, youtube); profile.audience
 * .credibility (0-1) -> real_share; profile.audience.geoCountries[{code,
 * weight}] -> audience_fraction. JSON null values are left out. Text that
 * libyaml would refuse although it is JSON (a surrogate pair such as
 * "\ud83d\ude00", as Python writes emoji) is accepted.
 * Refuses, INFL_ESYNTAX: text that is not JSON/YAML (with its position) and
 * a document of another shape; INFL_EINVAL: a report without a username;
 * INFL_ELIMIT: more than 32 MiB or 100,000 reports. Faults are
 * "ORIGIN:LINE:COLUMN: ...", all listed (at most 50). `origin` must outlive
 * the tree. On failure *out_seq is NULL; the caller owns it otherwise.
 */
infl_status infl__roster_json_parse(const char *text, size_t length, const char *origin,
                                    infl_node **out_seq, infl_error *err);

#endif
