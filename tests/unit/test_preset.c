/*
 * Unit tests of the tier presets: every preset's yaml parses as a mapping of
 * known tier keys only (never the brand's audience, interest_share or
 * conversations_per_engagement), names are unique and read platform/tier,
 * lookup ignores case, and an unknown name (or an index past the end) gives
 * NULL.
 */
#include "check.h"
#include "scenario/preset.h"
#include "scenario/yaml_tree.h"

static const char *const KNOWN_KEYS[] = {
    "followers",
    "price",
    "price_per_1k_followers",
    "platform_fee",
    "gifted_share",
    "real_share",
    "reach_rate",
    "engagement_rate",
    "engagement_per_follower",
    "overhead_per_hire",
    "post_probability",
    "nonfollower_views",
};

static int known_key(const char *key)
{
    for (size_t i = 0; i < sizeof KNOWN_KEYS / sizeof KNOWN_KEYS[0]; i++)
        if (strcmp(KNOWN_KEYS[i], key) == 0)
            return 1;
    return 0;
}

static int one_of(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

int main(void)
{
    static const char *const PLATFORMS[] = {"instagram", "tiktok", "youtube"};
    static const char *const TIERS[] = {"nano", "micro", "mid", "macro", "mega"};
    infl_error err;
    infl_error_init(&err);

    size_t n = infl__preset_count();
    CHECK(n >= 13);
    for (size_t i = 0; i < n; i++) {
        const infl__preset *p = infl__preset_at(i);
        CHECK(p != NULL);
        if (p == NULL)
            continue;
        CHECK(one_of(p->platform, PLATFORMS, 3));
        CHECK(one_of(p->tier, TIERS, 5));
        char want[64];
        snprintf(want, sizeof want, "%s/%s", p->platform, p->tier);
        if (strcmp(p->name, want) != 0)
            fprintf(stderr, "preset %zu: name %s, want %s\n", i, p->name, want);
        CHECK(strcmp(p->name, want) == 0);
        CHECK(p->sources != NULL && p->sources[0] != '\0' && strchr(p->sources, '\n') == NULL);
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(infl__preset_at(j)->name, p->name) != 0);
        CHECK(infl__preset_find(p->name) == p);

        infl_node *root = NULL;
        infl_error_clear(&err);
        infl_status rc = infl__yaml_tree_parse(p->yaml, strlen(p->yaml), p->name, &root, &err);
        if (rc != INFL_OK)
            fprintf(stderr, "preset %s: %s\n", p->name, infl_error_message(&err));
        CHECK_INT(rc, INFL_OK);
        CHECK(root != NULL && root->kind == INFL_NODE_MAP);
        if (root != NULL && root->kind == INFL_NODE_MAP) {
            for (size_t k = 0; k < root->count; k++) {
                if (!known_key(root->pairs[k].key))
                    fprintf(stderr, "preset %s: unknown key %s\n", p->name, root->pairs[k].key);
                CHECK(known_key(root->pairs[k].key));
            }
            /* What every preset gives (the keys the loader would otherwise ask for). */
            CHECK(infl__yaml_tree_get(root, "followers") != NULL);
            CHECK(infl__yaml_tree_get(root, "price") != NULL);
            CHECK(infl__yaml_tree_get(root, "reach_rate") != NULL);
            CHECK(infl__yaml_tree_get(root, "engagement_per_follower") != NULL);
            CHECK(infl__yaml_tree_get(root, "audience") == NULL);
            CHECK(infl__yaml_tree_get(root, "interest_share") == NULL);
            CHECK(infl__yaml_tree_get(root, "conversations_per_engagement") == NULL);
        }
        infl__yaml_tree_free(root);
    }
    CHECK(infl__preset_at(n) == NULL);

    /* Lookup ignores case; unknown names give NULL. */
    const infl__preset *m = infl__preset_find("instagram/micro");
    CHECK(m != NULL && strcmp(m->tier, "micro") == 0);
    CHECK(infl__preset_find("Instagram/MICRO") == m);
    CHECK(infl__preset_find("INSTAGRAM/micro") == m);
    CHECK(infl__preset_find("instagram/micr") == NULL);
    CHECK(infl__preset_find("instagram/micro2") == NULL);
    CHECK(infl__preset_find("instagram") == NULL);
    CHECK(infl__preset_find("") == NULL);
    CHECK(infl__preset_find(NULL) == NULL);
    CHECK(infl__preset_find("tiktok/mega") == NULL); /* no published figures */
    CHECK(infl__preset_find("youtube/mega") != NULL);

    infl_error_destroy(&err);
    return check_exit();
}
