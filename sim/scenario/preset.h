/*
 * preset.h — the compiled-in tier presets (`tiers.<k>.preset: instagram/micro`):
 * for each platform and creator tier with published figures, the tier keys as
 * YAML text, each a distribution whose spread covers the published
 * disagreement, with a one-line summary of its sources. The loader parses a
 * preset's yaml with infl__yaml_tree_parse and fills in the keys a tier does
 * not give. docs/presets.md explains every number.
 */
#ifndef INFL_SIM_PRESET_H
#define INFL_SIM_PRESET_H

#include <stddef.h>

typedef struct {
    const char *name;     /* "instagram/micro": platform/tier, lower case */
    const char *platform; /* "instagram", "tiktok", "youtube" */
    const char *tier;     /* "nano", "micro", "mid", "macro", "mega" */
    const char *yaml;     /* a YAML flow mapping of tier keys */
    const char *sources;  /* one line */
} infl__preset;

/* The preset called `name` (ASCII case ignored), or NULL if there is none or
 * name is NULL. Points into a static const table: never freed. */
const infl__preset *infl__preset_find(const char *name);

/* The number of presets. */
size_t infl__preset_count(void);

/* The i-th preset (in table order: platform, then tier by size), or NULL if
 * i >= infl__preset_count(). Static, never freed. */
const infl__preset *infl__preset_at(size_t i);

/* For a name whose platform and tier each exist but not together
 * ("tiktok/macro": the sources give no figures for it), the platform's
 * presets ("tiktok/nano, tiktok/micro, tiktok/mid") written into buf (size
 * n) and returned; otherwise NULL. */
const char *infl__preset_missing(const char *name, char *buf, size_t n);

#endif
