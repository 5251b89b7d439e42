/*
 * Unit tests of roster_import: CSV rows (through roster_csv) to canonical
 * creators. Every column and its translation, the lognormal whose mean is
 * the observed rate, price ranges, gifted_ok, audience maps, and every
 * refusal: unknown columns with "did you mean", missing and duplicate
 * handles, bad followers, units that do not fit both ways, audience sums,
 * conflicting columns, the cap of 50 faults; then the roster_file settings.
 */
#include "check.h"
#include "scenario/roster_csv.h"
#include "scenario/roster_import.h"

#include <math.h>

static infl_error err;

/* Imports `csv` with settings from the YAML `settings` (NULL: defaults);
 * returns the creators or NULL, with the status in *rc. */
static infl_node *import(const char *csv, const char *settings, infl_status *rc)
{
    infl_error_clear(&err);
    infl_node *records = NULL, *out = NULL, *stree = NULL;
    infl__roster_settings s;
    infl__roster_settings_init(&s);
    if (settings != NULL) {
        CHECK_INT(infl__yaml_tree_parse(settings, strlen(settings), "s.yaml", &stree, &err),
                  INFL_OK);
        infl_node *rf = infl__yaml_tree_get(stree, "roster_file");
        CHECK_INT(infl__roster_settings_parse(rf, &s, &err), INFL_OK);
    }
    *rc = infl__roster_csv_parse(csv, strlen(csv), "r.csv", &records, &err);
    CHECK_INT(*rc, INFL_OK);
    if (*rc == INFL_OK)
        *rc = infl__roster_import(records, &s, &out, &err);
    infl__yaml_tree_free(records);
    infl__yaml_tree_free(stree); /* strings in s are borrowed: done with them */
    return out;
}

/* Expects the import to fail (INFL_EINVAL) with a message holding `want`. */
static void refused(const char *csv, const char *settings, const char *want)
{
    infl_status rc;
    infl_node *out = import(csv, settings, &rc);
    CHECK(out == NULL);
    CHECK_INT(rc, INFL_EINVAL);
    CHECK_CONTAINS(infl_error_message(&err), want);
    infl__yaml_tree_free(out);
}

static const infl_node *at(const infl_node *n, const char *path)
{
    char key[64];
    while (n != NULL && *path) {
        size_t len = strcspn(path, ".");
        snprintf(key, sizeof key, "%.*s", (int)len, path);
        n = infl__yaml_tree_get(n, key);
        path += len + (path[len] == '.');
    }
    return n;
}

static double num(const infl_node *n, const char *path)
{
    const infl_node *v = at(n, path);
    return v && v->kind == INFL_NODE_SCALAR ? strtod(v->text, NULL) : NAN;
}

static const char *text(const infl_node *n, const char *path)
{
    const infl_node *v = at(n, path);
    return v && v->kind == INFL_NODE_SCALAR ? v->text : "(none)";
}

int main(void)
{
    infl_error_init(&err);
    infl_status rc;

    /* Every column, in a file with a default tier. */
    const char *csv =
        "handle,tier,platform,followers,engagement_rate,posts_observed,credibility,price,"
        "gifted_ok,audience,name,url,notes,reach_rate,platform_fee\n"
        "@anna,macro,instagram,12.3k,0.035,30,0.9,500-900,yes,FR:55;BE:10;other:20,Anna,"
        "https://x,nice,0.3,20%\n"
        "bob,,tiktok,\"1,234,567\",0.02,,0.75,1.2k,no,\"fr:50, US:50\",,,,,\n"
        "carl,,,1.2M,,,,300,,,,,,,\n";
    infl_node *out = import(csv, "roster_file: {path: r.csv, tier: micro}\n", &rc);
    CHECK_INT(rc, INFL_OK);
    CHECK(out != NULL && out->kind == INFL_NODE_SEQ && out->count == 3);
    if (out == NULL || out->count != 3)
        return check_exit();
    const infl_node *anna = out->items[0], *bob = out->items[1], *carl = out->items[2];
    CHECK(strcmp(text(anna, "handle"), "@anna") == 0);
    CHECK(strcmp(text(anna, "tier"), "macro") == 0);
    CHECK(strcmp(text(bob, "tier"), "micro") == 0); /* the default */
    CHECK(strcmp(text(anna, "platform"), "instagram") == 0);
    CHECK_NEAR(num(anna, "followers"), 12300, 0);
    CHECK_NEAR(num(bob, "followers"), 1234567, 0);
    CHECK_NEAR(num(carl, "followers"), 1200000, 0);
    /* The lognormal whose mean is the observed rate: s = v sqrt(1 + 1/n). */
    double s = 0.5 * sqrt(1 + 1.0 / 30);
    CHECK_NEAR(num(anna, "engagement_per_follower.lognormal.sigma"), s, 1e-15);
    double median = num(anna, "engagement_per_follower.lognormal.median");
    CHECK_NEAR(median, 0.035 * exp(-s * s / 2), 1e-15);
    CHECK_NEAR(median * exp(s * s / 2), 0.035, 1e-15); /* the mean */
    double s12 = 0.5 * sqrt(1 + 1.0 / 12);             /* posts_observed_default */
    CHECK_NEAR(num(bob, "engagement_per_follower.lognormal.sigma"), s12, 1e-15);
    CHECK_NEAR(num(bob, "engagement_per_follower.lognormal.median") * exp(s12 * s12 / 2), 0.02,
               1e-15);
    CHECK(at(carl, "engagement_per_follower") == NULL);
    CHECK_NEAR(num(anna, "real_share"), 0.9, 0);
    CHECK_NEAR(num(anna, "price.loguniform.min"), 500, 0);
    CHECK_NEAR(num(anna, "price.loguniform.max"), 900, 0);
    CHECK_NEAR(num(bob, "price"), 1200, 0);
    CHECK_NEAR(num(carl, "price"), 300, 0);
    CHECK_NEAR(num(anna, "gifted_share"), 1, 0);
    CHECK_NEAR(num(bob, "gifted_share"), 0, 0);
    CHECK_NEAR(num(anna, "audience.FR"), 0.55, 1e-15);
    CHECK_NEAR(num(anna, "audience.BE"), 0.10, 1e-15);
    CHECK_NEAR(num(anna, "audience.other"), 0.20, 1e-15);
    CHECK_INT(at(anna, "audience")->count, 3); /* 15 % unknown is left unknown */
    CHECK_NEAR(num(bob, "audience.FR"), 0.5, 0);
    CHECK_NEAR(num(bob, "audience.US"), 0.5, 0);
    CHECK_NEAR(num(anna, "reach_rate"), 0.3, 0);
    CHECK_NEAR(num(anna, "platform_fee"), 0.2, 1e-15);
    CHECK(at(anna, "name") == NULL && at(anna, "notes") == NULL && at(anna, "url") == NULL);
    /* Positions: a value and its key point at the CSV cell. */
    const infl_node *price = at(anna, "price");
    CHECK(price->line == 2 && strcmp(price->origin, "r.csv") == 0);
    CHECK_INT(infl__yaml_tree_get_pair(anna, "price")->line, 2);
    CHECK_INT(at(carl, "price")->line, 4);
    CHECK_INT(carl->line, 4);
    infl__yaml_tree_free(out);

    /* Units declared as percent and score, the other column names, a
     * trailing '%', price_min/price_max, post_variation 0 (a constant). */
    out = import("handle,engagement_rate,credibility,audience\n"
                 "a,3.5,90,FR:0.55;BE:0.2\n"
                 "b,0.8%,85,FR:55%\n",
                 "roster_file: {path: r.csv, units: {engagement_rate: percent, credibility: "
                 "score, audience: fraction}, post_variation: 0}\n",
                 &rc);
    CHECK_INT(rc, INFL_OK);
    CHECK(out != NULL && out->count == 2);
    if (out != NULL && out->count == 2) {
        CHECK_NEAR(num(out->items[0], "engagement_per_follower"), 0.035, 1e-15);
        CHECK_NEAR(num(out->items[1], "engagement_per_follower"), 0.008, 1e-15);
        CHECK_NEAR(num(out->items[0], "real_share"), 0.9, 1e-15);
        CHECK_NEAR(num(out->items[0], "audience.FR"), 0.55, 0);
        CHECK_NEAR(num(out->items[1], "audience.FR"), 0.55, 1e-15);
    }
    infl__yaml_tree_free(out);
    out = import("handle,engagement_rate_percent,credibility_score,price_min,price_max,"
                 "audience_fraction,gifted_share,engagement_per_follower\n"
                 "a,2.5,80,400,600,DE:0.7,0.5,\n"
                 "b,,,500,500,France:0.6;Germany:0.3,,0.01\n",
                 NULL, &rc);
    CHECK_INT(rc, INFL_OK);
    if (out != NULL && out->count == 2) {
        const infl_node *a = out->items[0], *b = out->items[1];
        double mean = num(a, "engagement_per_follower.lognormal.median") *
                      exp(pow(num(a, "engagement_per_follower.lognormal.sigma"), 2) / 2);
        CHECK_NEAR(mean, 0.025, 1e-15);
        CHECK_NEAR(num(a, "real_share"), 0.8, 1e-15);
        CHECK_NEAR(num(a, "price.loguniform.min"), 400, 0);
        CHECK_NEAR(num(a, "price.loguniform.max"), 600, 0);
        CHECK_NEAR(num(b, "price"), 500, 0); /* an empty range is a constant */
        CHECK_NEAR(num(a, "audience.DE"), 0.7, 0);
        CHECK_NEAR(num(b, "audience.FR"), 0.6, 0); /* names for codes */
        CHECK_NEAR(num(b, "audience.DE"), 0.3, 0);
        CHECK_NEAR(num(a, "gifted_share"), 0.5, 0);
        CHECK_NEAR(num(b, "engagement_per_follower"), 0.01, 0);
        CHECK(at(a, "tier") == NULL); /* no tier, no default */
    }
    infl__yaml_tree_free(out);
    /* Rounding in an export (sum up to 1.005) is scaled to 1. */
    out = import("handle,audience\na,FR:50.2;BE:50.2\n", NULL, &rc);
    CHECK_INT(rc, INFL_OK);
    if (out != NULL && out->count == 1)
        CHECK_NEAR(num(out->items[0], "audience.FR") + num(out->items[0], "audience.BE"), 1, 1e-15);
    infl__yaml_tree_free(out);
    /* Ignored columns (any case), and a price with an en dash and spaces. */
    out = import("handle,Email,avg_likes,price\na,x@y,3,500 \xe2\x80\x93 700\n",
                 "roster_file: {path: r.csv, ignore: [email, AVG_LIKES]}\n", &rc);
    CHECK_INT(rc, INFL_OK);
    if (out != NULL && out->count == 1)
        CHECK_NEAR(num(out->items[0], "price.loguniform.max"), 700, 0);
    infl__yaml_tree_free(out);

    /* Columns: unknown (with a suggestion, once, at the header), no handle
     * column, no header at all, no rows. */
    refused("handle,folowers\na,1\nb,2\n", NULL,
            "r.csv:1: folowers: unknown column; did you mean 'followers'?");
    CHECK_INT(err.count, 1);
    refused("handle,avg_likes\na,1\n", NULL, "r.csv:1: avg_likes: unknown column (list it under");
    refused("followers,price\n1,2\n", NULL, "r.csv:1: handle: no column named handle");
    refused("@anna,12000,0.03\n@bob,500,0.01\n", NULL,
            "the first row must be a header naming the columns");
    refused("handle,followers\n", NULL, "r.csv:1: no creators");

    /* Handles: missing, duplicate (case and '@' ignored), only '@'. */
    refused("handle,followers\na,1\n,2\n", NULL,
            "r.csv:3: handle: missing: every creator needs a unique handle");
    refused("handle\n@Anna\nbob\nanna\n", NULL,
            "r.csv:4: handle: the same creator as line 2 (got anna)");
    refused("handle\n@\n", NULL, "r.csv:2: handle: empty after the '@' (got @)");

    /* Followers. */
    refused("handle,followers\na,-5\n", NULL, "r.csv:2: followers: must not be negative (got -5)");
    refused("handle,followers\na,lots\n", NULL, "r.csv:2: followers: not a number (got lots)");
    refused("handle,followers\na,0\n", NULL, "r.csv:2: followers: must be at least 1 (got 0)");
    refused("handle,followers\na,\"12,3k\"\n", NULL,
            "followers: not a number: write decimals with a point (got 12,3k)");
    refused("handle,followers\na,5%\n", NULL, "a count, not a percentage");
    refused("handle,followers\na,0x10\n", NULL, "not a number (got 0x10)");
    refused("handle,followers\na,inf\n", NULL, "not a number (got inf)");

    /* Units, both ways. */
    refused("handle,engagement_rate\na,3.5\n", NULL,
            "r.csv:2: engagement_rate: looks like a percent, but roster_file.units."
            "engagement_rate is fraction (got 3.5)");
    refused("handle,engagement_rate\na,0.035\n",
            "roster_file: {path: r.csv, units: {engagement_rate: percent}}\n",
            "r.csv:2: engagement_rate: looks like a fraction, but roster_file.units."
            "engagement_rate is percent (got 0.035); write 3.5 for 3.5 %, or 0.035% if it "
            "really is under one");
    refused("handle,engagement_rate_percent\na,0.5\n", NULL,
            "engagement_rate_percent: looks like a fraction, but the column is in percent");
    refused("handle,engagement_rate_fraction\na,2\n", NULL,
            "engagement_rate_fraction: looks like a percent, but the column is in fraction");
    refused("handle,engagement_rate\na,-0.1\n", NULL, "must not be negative");
    refused("handle,engagement_rate\na,\"0,035\"\n", NULL, "write decimals with a point");
    refused("handle,engagement_rate_percent\na,150\n", NULL, "more than 100 % (got 150)");
    refused("handle,credibility\na,85\n", NULL,
            "credibility: looks like a score, but roster_file.units.credibility is fraction");
    refused("handle,credibility\na,0.85\n",
            "roster_file: {path: r.csv, units: {credibility: score}}\n",
            "credibility: looks like a fraction, but roster_file.units.credibility is score");
    refused("handle,credibility_score\na,130\n", NULL, "more than 100 %");
    refused("handle,real_share\na,90\n", NULL, "real_share: looks like a percent");
    refused("handle,posts_observed,engagement_rate\na,2.5,0.01\n", NULL,
            "posts_observed: expected a count of posts, at least 1 (got 2.5)");
    refused("handle,posts_observed,engagement_rate\na,0,0.01\n", NULL,
            "posts_observed: expected a count");

    /* Audience. */
    refused("handle,audience\na,FR:80;BE:30\n", NULL,
            "r.csv:2: audience: the shares sum to 110 %, more than 100 % (got FR:80;BE:30)");
    refused("handle,audience_fraction\na,FR:0.8;BE:0.3\n", NULL, "the shares sum to 110 %");
    refused("handle,audience\na,FR:0.55;BE:0.1\n", NULL,
            "audience: the shares sum to 0.65, which looks like fractions, but "
            "roster_file.units.audience is percent");
    refused("handle,audience_percent\na,FR:0.55\n", NULL,
            "the shares sum to 0.55, which looks like fractions, but the column is in percent");
    refused("handle,audience\na,FR:55;BE:10\n",
            "roster_file: {path: r.csv, units: {audience: "
            "fraction}}\n",
            "shares above 1 look like percentages, but roster_file.units.audience is fraction");
    refused("handle,audience\na,UK:30;FR:20\n", NULL,
            "audience: 'UK' is not an ISO 3166 country code; did you mean GB (United Kingdom)? "
            "(got UK:30)");
    refused("handle,audience\na,Frnace:30\n", NULL, "did you mean FR (France)?");
    refused("handle,audience\na,XX:30\n", NULL, "'XX' is not an ISO 3166 country code (two");
    refused("handle,audience\na,FR:30;fr:20\n", NULL, "FR is listed twice");
    refused("handle,audience\na,FR55\n", NULL, "an entry is not COUNTRY:SHARE such as FR:55");
    refused("handle,audience\na,FR:lots\n", NULL, "the share of FR is not a number");
    refused("handle,audience\na,FR:-5\n", NULL, "the share of FR is negative");
    refused("handle,audience\na,;;\n", NULL, "no country shares");

    /* Price and gifted_ok. */
    refused("handle,price\na,900-500\n", NULL,
            "r.csv:2: price: the range's low end is above its high end (got 900-500)");
    refused("handle,price\na,0-500\n", NULL, "a price range must start above 0");
    refused("handle,price\na,$500\n", NULL, "price: not a price: write a number");
    refused("handle,price\na,-500\n", NULL, "price: must not be negative");
    refused("handle,price_min\na,500\n", NULL, "price_min: given without price_max");
    refused("handle,price,price_max\na,5,6\n", NULL,
            "price_max: gives the same as price in this row; keep one of them");
    refused("handle,gifted_ok\na,maybe\n", NULL, "gifted_ok: expected yes or no (got maybe)");

    /* Columns that give the same key. */
    refused("handle,engagement_rate,engagement_rate_percent\na,0.01,1\n", NULL,
            "engagement_rate_percent: gives the same as engagement_rate in this row");
    refused("handle,real_share,credibility_score\na,0.5,50\n", NULL,
            "credibility_score: gives the same as real_share");
    refused("handle,gifted_ok,gifted_share\na,yes,1\n", NULL, "gifted_share: gives the same as");
    refused("handle,reach_rate\na,high\n", NULL, "reach_rate: not a number (got high)");

    /* Every fault listed, at most 50, then a count. */
    size_t rows = 70, cap = 64 + rows * 24;
    char *many = malloc(cap);
    strcpy(many, "handle,followers\n");
    for (size_t i = 0; i < rows; i++)
        snprintf(many + strlen(many), cap - strlen(many), "c%zu,-%zu\n", i, i + 1);
    refused(many, NULL, "r.csv: 20 more faults not shown");
    CHECK_INT(err.count, 51);
    CHECK_CONTAINS(infl_error_message(&err), "r.csv:51: followers: must not be negative (got -50)");
    free(many);
    /* Faults in several rows and columns are all listed. */
    refused("handle,followers,price\na,-1,x\na,2,3\n", NULL, "r.csv:2: price: not a price");
    CHECK_INT(err.count, 3);

    /* The roster_file settings. */
    const char *yaml = "roster_file: creators.csv\n"
                       "full:\n"
                       "  roster_file: {path: c.JSON, tier: micro, units: {engagement_rate: "
                       "percent, audience: fraction, credibility: score}, ignore: [a, b], "
                       "post_variation: 0.7, posts_observed_default: 20}\n"
                       "bad:\n"
                       "  roster_file: {paths: x.csv, format: xml, units: {engagment_rate: "
                       "percent, audience: score}, post_variation: 9, posts_observed_default: "
                       "2.5, ignore: [[x]]}\n";
    infl_node *tree = NULL;
    infl_error_clear(&err);
    CHECK_INT(infl__yaml_tree_parse(yaml, strlen(yaml), "s.yaml", &tree, &err), INFL_OK);
    infl__roster_settings st;
    CHECK_INT(infl__roster_settings_parse(infl__yaml_tree_get(tree, "roster_file"), &st, &err),
              INFL_OK);
    CHECK(st.path != NULL && strcmp(st.path, "creators.csv") == 0);
    CHECK_INT(infl__roster_settings_format(&st), INFL_ROSTER_FORMAT_CSV);
    CHECK_INT(st.engagement_rate, INFL_ROSTER_UNIT_FRACTION);
    CHECK_INT(st.audience, INFL_ROSTER_UNIT_PERCENT);
    CHECK_NEAR(st.post_variation, 0.5, 0);
    CHECK_NEAR(st.posts_observed_default, 12, 0);
    const infl_node *full = at(tree, "full.roster_file");
    CHECK_INT(infl__roster_settings_parse(full, &st, &err), INFL_OK);
    CHECK(strcmp(st.path, "c.JSON") == 0 && strcmp(st.default_tier, "micro") == 0);
    CHECK_INT(infl__roster_settings_format(&st), INFL_ROSTER_FORMAT_JSON);
    CHECK_INT(st.engagement_rate, INFL_ROSTER_UNIT_PERCENT);
    CHECK_INT(st.audience, INFL_ROSTER_UNIT_FRACTION);
    CHECK_INT(st.credibility, INFL_ROSTER_UNIT_SCORE);
    CHECK(st.n_ignore == 2 && strcmp(st.ignore[1], "b") == 0);
    CHECK_NEAR(st.post_variation, 0.7, 0);
    CHECK_NEAR(st.posts_observed_default, 20, 0);
    st.format = INFL_ROSTER_FORMAT_CSV;
    CHECK_INT(infl__roster_settings_format(&st), INFL_ROSTER_FORMAT_CSV);
    infl_error_clear(&err);
    CHECK_INT(infl__roster_settings_parse(at(tree, "bad.roster_file"), &st, &err), INFL_EINVAL);
    const char *m = infl_error_message(&err);
    CHECK_CONTAINS(m, "s.yaml:5:17: roster_file.paths: unknown key; did you mean 'path'?");
    CHECK_CONTAINS(m, "roster_file.format: expected csv or json (got \"xml\")");
    CHECK_CONTAINS(m, "roster_file.units.engagment_rate: unknown key; did you mean "
                      "'engagement_rate'?");
    CHECK_CONTAINS(m, "roster_file.units.audience: expected fraction or percent (got \"score\")");
    CHECK_CONTAINS(m, "roster_file.post_variation: expected a number from 0 to 3 (got \"9\")");
    CHECK_CONTAINS(m, "roster_file.posts_observed_default: expected a whole count (got \"2.5\")");
    CHECK_CONTAINS(m, "roster_file.ignore: expected a single value (got a list)");
    CHECK_CONTAINS(m, "s.yaml:5:16: roster_file.path: missing");
    CHECK_INT(err.count, 8);
    infl_error_clear(&err);
    CHECK_INT(infl__roster_settings_parse(at(tree, "full"), &st, &err), INFL_EINVAL);
    CHECK_CONTAINS(infl_error_message(&err), "roster_file.roster_file: unknown key");
    infl__yaml_tree_free(tree);

    /* Records that are not a list of mappings. */
    infl_node *notseq = infl__yaml_tree_new_map("x", 1, 1);
    CHECK_INT(infl__roster_import(notseq, NULL, &out, &err), INFL_EARG);
    CHECK(out == NULL);
    infl__yaml_tree_free(notseq);

    infl_error_destroy(&err);
    return check_exit();
}
