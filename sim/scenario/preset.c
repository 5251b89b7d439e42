/*
 * preset.c — the table of tier presets by platform and creator tier, and its
 * lookup. Every number comes from ../shared/BENCHMARKS.md or is an assumption
 * named in docs/presets.md, which gives each key's mean, 10-90 % range and
 * sources; the table holds no mutable state.
 *
 * Bands: nano 1-10k, micro 10-50k, mid 50-500k, macro 500k-1M, mega 1-10M
 * followers (the price survey's tiers; mega capped at Markerly's 10M).
 * Engagement per follower is a lognormal whose 10-90 % range spans the
 * published organic figures for the band, with its median lowered by
 * CampaignDeus's sponsored-post gap for the band; TikTok and YouTube scale
 * Instagram's by one factor each, anchored on their one published figure.
 */
#include "scenario/preset.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const infl__preset PRESETS[] = {
    {"instagram/nano", "instagram", "nano",
     "{followers: {loguniform: {min: 1000, max: 10000}}, price: {loguniform: {min: 10, max: 100}}, "
     "real_share: {beta: {mean: 0.86, kappa: 8}}, reach_rate: {beta: {mean: 0.377, kappa: 20}}, "
     "engagement_per_follower: {lognormal: {median: 0.02695, sigma: 0.414}}, post_probability: "
     "0.8, gifted_share: 0.06, overhead_per_hire: 40}",
     "Instagram 1-10k: price industry range (lower confidence); real_share Heepsy 47 % of 1-5k "
     "under 10 % fake; reach Minter.io feed medians; engagement HypeAuditor 2026 1.78 % to "
     "Statista 5.15 %, less 11 % sponsored (CampaignDeus); post_probability Later; overhead "
     "assumption"},
    {"instagram/micro", "instagram", "micro",
     "{followers: {loguniform: {min: 10000, max: 50000}}, price: {loguniform: {min: 100, max: "
     "500}}, real_share: {beta: {mean: 0.85, kappa: 8}}, reach_rate: {beta: {mean: 0.293, kappa: "
     "20}}, engagement_per_follower: {lognormal: {median: 0.009449, sigma: 0.582}}, "
     "post_probability: 0.8, gifted_share: 0.06, overhead_per_hire: 50}",
     "Instagram 10-50k: price industry range (lower confidence); real_share Heepsy 42.7 % of 5-50k "
     "under 10 % fake; reach Minter.io feed medians; engagement HypeAuditor 2026 0.54 % to "
     "Markerly 2.4 %, less 17 % sponsored (CampaignDeus); post_probability Later; overhead "
     "assumption"},
    {"instagram/mid", "instagram", "mid",
     "{followers: {loguniform: {min: 50000, max: 500000}}, price: {loguniform: {min: 500, max: "
     "5000}}, real_share: {beta: {mean: 0.85, kappa: 12}}, reach_rate: {beta: {mean: 0.229, kappa: "
     "20}}, engagement_per_follower: {lognormal: {median: 0.009927, sigma: 0.582}}, "
     "post_probability: 0.8, overhead_per_hire: 150}",
     "Instagram 50-500k: price industry range (lower confidence); real_share between Heepsy micro "
     "and mega; reach Minter.io feed medians; engagement HypeAuditor 2026 0.54 % (10-50k) to "
     "Markerly 2.4 % (10-100k), less 12.8 % sponsored (CampaignDeus, by band share); "
     "post_probability Later; overhead assumption"},
    {"instagram/macro", "instagram", "macro",
     "{followers: {loguniform: {min: 500000, max: 1000000}}, price: {loguniform: {min: 5000, max: "
     "10000}}, real_share: {beta: {mean: 0.84, kappa: 15}}, reach_rate: {beta: {mean: 0.229, "
     "kappa: 20}}, engagement_per_follower: {lognormal: {median: 0.006666, sigma: 0.64}}, "
     "post_probability: 0.8, overhead_per_hire: 300}",
     "Instagram 500k-1M: price industry range (lower confidence); real_share between Heepsy micro "
     "and mega; reach Minter.io feed medians; engagement HypeAuditor 2026 0.33 % (>1M) to Markerly "
     "1.7 %, less 11 % sponsored (CampaignDeus); post_probability Later; overhead assumption"},
    {"instagram/mega", "instagram", "mega",
     "{followers: {loguniform: {min: 1000000, max: 10000000}}, price: {loguniform: {min: 10000, "
     "max: 100000}}, real_share: {beta: {mean: 0.84, kappa: 25}}, reach_rate: {beta: {mean: 0.191, "
     "kappa: 20}}, engagement_per_follower: {lognormal: {median: 0.005127, sigma: 0.796}}, "
     "post_probability: 0.8, overhead_per_hire: 500}",
     "Instagram 1-10M: price industry range (lower confidence); real_share Heepsy mega 22.1 % / "
     "47.6 % / 30.4 %; reach Minter.io feed medians; engagement HypeAuditor 2026 0.33 % to "
     "Statista 2.54 %, less 44 % sponsored (CampaignDeus); covers CreatorIQ 0.23 %; "
     "post_probability Later; overhead assumption"},
    {"tiktok/nano", "tiktok", "nano",
     "{followers: {loguniform: {min: 1000, max: 10000}}, price: {loguniform: {min: 5, max: 25}}, "
     "real_share: {beta: {mean: 0.86, kappa: 4}}, reach_rate: {beta: {mean: 0.377, kappa: 5}}, "
     "engagement_per_follower: {lognormal: {median: 0.1121, sigma: 0.414}}, nonfollower_views: "
     "{lognormal: {median: 0.6, sigma: 1}}, "
     "post_probability: 0.8, "
     "gifted_share: 0.06, overhead_per_hire: 40}",
     "TikTok 1-10k: price industry range (lower confidence); engagement Instagram nano x 4.16 so "
     "nano's organic median is HypeAuditor 2023's TikTok 12.6 %; real_share and reach Instagram's, "
     "widened (assumption); nonfollower_views assumption (views exceed followers, Stellar; no "
     "published figure); post_probability Later; overhead assumption"},
    {"tiktok/micro", "tiktok", "micro",
     "{followers: {loguniform: {min: 10000, max: 50000}}, price: {loguniform: {min: 25, max: "
     "125}}, real_share: {beta: {mean: 0.85, kappa: 4}}, reach_rate: {beta: {mean: 0.293, kappa: "
     "5}}, engagement_per_follower: {lognormal: {median: 0.03932, sigma: 0.582}}, "
     "nonfollower_views: {lognormal: {median: 0.6, sigma: 1}}, "
     "post_probability: 0.8, gifted_share: 0.06, overhead_per_hire: 50}",
     "TikTok 10-50k: price industry range (lower confidence); engagement Instagram micro x 4.16 so "
     "nano's organic median is HypeAuditor 2023's TikTok 12.6 %; real_share and reach Instagram's, "
     "widened (assumption); nonfollower_views assumption (views exceed followers, Stellar; no "
     "published figure); post_probability Later; overhead assumption"},
    {"tiktok/mid", "tiktok", "mid",
     "{followers: {loguniform: {min: 50000, max: 500000}}, price: {loguniform: {min: 125, max: "
     "1250}}, real_share: {beta: {mean: 0.85, kappa: 6}}, reach_rate: {beta: {mean: 0.229, kappa: "
     "5}}, engagement_per_follower: {lognormal: {median: 0.04131, sigma: 0.582}}, "
     "nonfollower_views: {lognormal: {median: 0.6, sigma: 1}}, "
     "post_probability: 0.8, overhead_per_hire: 150}",
     "TikTok 50-500k: price industry range (lower confidence); engagement Instagram mid x 4.16 so "
     "nano's organic median is HypeAuditor 2023's TikTok 12.6 %; real_share and reach Instagram's, "
     "widened (assumption); nonfollower_views assumption (views exceed followers, Stellar; no "
     "published figure); post_probability Later; overhead assumption"},
    {"youtube/nano", "youtube", "nano",
     "{followers: {loguniform: {min: 1000, max: 10000}}, price: {loguniform: {min: 20, max: 200}}, "
     "real_share: {beta: {mean: 0.86, kappa: 4}}, reach_rate: {beta: {mean: 0.377, kappa: 5}}, "
     "engagement_per_follower: {lognormal: {median: 0.08409, sigma: 0.414}}, post_probability: "
     "0.8, gifted_share: 0.06, overhead_per_hire: 40}",
     "YouTube 1-10k: price industry range (lower confidence); engagement Instagram nano x 3.12 so "
     "mega's median is CreatorIQ 2023's YouTube 1.6 %; real_share and reach Instagram's, widened "
     "(assumption); post_probability Later; overhead assumption"},
    {"youtube/micro", "youtube", "micro",
     "{followers: {loguniform: {min: 10000, max: 50000}}, price: {loguniform: {min: 200, max: "
     "1000}}, real_share: {beta: {mean: 0.85, kappa: 4}}, reach_rate: {beta: {mean: 0.293, kappa: "
     "5}}, engagement_per_follower: {lognormal: {median: 0.02949, sigma: 0.582}}, "
     "post_probability: 0.8, gifted_share: 0.06, overhead_per_hire: 50}",
     "YouTube 10-50k: price industry range (lower confidence); engagement Instagram micro x 3.12 "
     "so mega's median is CreatorIQ 2023's YouTube 1.6 %; real_share and reach Instagram's, "
     "widened (assumption); post_probability Later; overhead assumption"},
    {"youtube/mid", "youtube", "mid",
     "{followers: {loguniform: {min: 50000, max: 500000}}, price: {loguniform: {min: 1000, max: "
     "10000}}, real_share: {beta: {mean: 0.85, kappa: 6}}, reach_rate: {beta: {mean: 0.229, kappa: "
     "5}}, engagement_per_follower: {lognormal: {median: 0.03098, sigma: 0.582}}, "
     "post_probability: 0.8, overhead_per_hire: 150}",
     "YouTube 50-500k: price industry range (lower confidence); engagement Instagram mid x 3.12 so "
     "mega's median is CreatorIQ 2023's YouTube 1.6 %; real_share and reach Instagram's, widened "
     "(assumption); post_probability Later; overhead assumption"},
    {"youtube/macro", "youtube", "macro",
     "{followers: {loguniform: {min: 500000, max: 1000000}}, price: {loguniform: {min: 10000, max: "
     "20000}}, real_share: {beta: {mean: 0.84, kappa: 7.5}}, reach_rate: {beta: {mean: 0.229, "
     "kappa: 5}}, engagement_per_follower: {lognormal: {median: 0.0208, sigma: 0.64}}, "
     "post_probability: 0.8, overhead_per_hire: 300}",
     "YouTube 500k-1M: price industry range (lower confidence); engagement Instagram macro x 3.12 "
     "so mega's median is CreatorIQ 2023's YouTube 1.6 %; real_share and reach Instagram's, "
     "widened (assumption); post_probability Later; overhead assumption"},
    {"youtube/mega", "youtube", "mega",
     "{followers: {loguniform: {min: 1000000, max: 10000000}}, price: {loguniform: {min: 20000, "
     "max: 200000}}, real_share: {beta: {mean: 0.84, kappa: 12.5}}, reach_rate: {beta: {mean: "
     "0.191, kappa: 5}}, engagement_per_follower: {lognormal: {median: 0.016, sigma: 0.796}}, "
     "post_probability: 0.8, overhead_per_hire: 500}",
     "YouTube 1-10M: price industry range (lower confidence); engagement Instagram mega x 3.12 so "
     "mega's median is CreatorIQ 2023's YouTube 1.6 %; real_share and reach Instagram's, widened "
     "(assumption); post_probability Later; overhead assumption"},
};

#define PRESET_COUNT (sizeof PRESETS / sizeof PRESETS[0])

/* ASCII case-insensitive equality (strcasecmp is POSIX, not C17). */
static int same_name(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

const infl__preset *infl__preset_find(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < PRESET_COUNT; i++)
        if (same_name(PRESETS[i].name, name))
            return &PRESETS[i];
    return NULL;
}

size_t infl__preset_count(void)
{
    return PRESET_COUNT;
}

const infl__preset *infl__preset_at(size_t i)
{
    return i < PRESET_COUNT ? &PRESETS[i] : NULL;
}

/* Whether part[0..len) equals `have` (lower case), ASCII case ignored. */
static int same_part(const char *part, size_t len, const char *have)
{
    if (strlen(have) != len)
        return 0;
    for (size_t j = 0; j < len; j++)
        if (tolower((unsigned char)part[j]) != (unsigned char)have[j])
            return 0;
    return 1;
}

/* Whether some preset has this platform (field 0) or tier (field 1). */
static int known_part(const char *part, size_t len, int field)
{
    for (size_t i = 0; i < PRESET_COUNT; i++)
        if (same_part(part, len, field == 0 ? PRESETS[i].platform : PRESETS[i].tier))
            return 1;
    return 0;
}

const char *infl__preset_missing(const char *name, char *buf, size_t n)
{
    const char *slash = name != NULL ? strchr(name, '/') : NULL;
    if (slash == NULL || n == 0 || !known_part(name, (size_t)(slash - name), 0) ||
        !known_part(slash + 1, strlen(slash + 1), 1) || infl__preset_find(name) != NULL)
        return NULL;
    size_t len = (size_t)(slash - name);
    buf[0] = '\0';
    for (size_t i = 0; i < PRESET_COUNT; i++) {
        if (!same_part(name, len, PRESETS[i].platform))
            continue;
        size_t used = strlen(buf);
        snprintf(buf + used, n - used, "%s%s", used ? ", " : "", PRESETS[i].name);
    }
    return buf;
}
