/*
 * Unit tests of the Modash-style JSON reader of roster files: the sample in
 * tests/scenarios/roster/modash-reports.json read into records and through
 * roster_import; the three shapes (one report, a list, under reports/data);
 * JSON forms libyaml must read ({"a":1} without spaces, tabs, escapes,
 * surrogate pairs as Python writes emoji, with positions kept); and the
 * refusals (not JSON, another shape, a report without a username).
 */
#include "check.h"
#include "scenario/roster_import.h"
#include "scenario/roster_json.h"

#include <math.h>

static infl_error err;

static infl_node *parse(const char *text, infl_status *rc)
{
    infl_node *seq = NULL;
    infl_error_clear(&err);
    *rc = infl__roster_json_parse(text, strlen(text), "r.json", &seq, &err);
    return seq;
}

static const char *value(const infl_node *seq, size_t row, const char *key)
{
    if (seq == NULL || row >= seq->count)
        return "(no row)";
    const infl_node *v = infl__yaml_tree_get(seq->items[row], key);
    return v ? v->text : "(none)";
}

static char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = malloc(1 << 16);
    *n = buf ? fread(buf, 1, (1 << 16) - 1, f) : 0;
    fclose(f);
    if (buf)
        buf[*n] = '\0';
    return buf;
}

int main(void)
{
    infl_error_init(&err);
    infl_status rc;

    /* The sample export. */
    const char *src = getenv("INFLUSIM_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/scenarios/roster/modash-reports.json", src ? src : ".");
    size_t n = 0;
    char *sample = read_file(path, &n);
    CHECK(sample != NULL);
    if (sample == NULL) {
        fprintf(stderr, "cannot read %s (set INFLUSIM_SOURCE_DIR)\n", path);
        return check_exit();
    }
    infl_node *seq = NULL;
    infl_error_clear(&err);
    rc = infl__roster_json_parse(sample, n, "modash.json", &seq, &err);
    CHECK_INT(rc, INFL_OK);
    CHECK(seq != NULL && seq->count == 3);
    CHECK(strcmp(value(seq, 0, "handle"), "anna.cooks") == 0);
    CHECK(strcmp(value(seq, 0, "followers"), "48200") == 0);
    CHECK(strcmp(value(seq, 0, "engagement_rate_fraction"), "0.0027") == 0);
    CHECK(strcmp(value(seq, 0, "real_share"), "0.87") == 0);
    CHECK(strcmp(value(seq, 0, "audience_fraction"), "FR:0.55;BE:0.1;CH:0.08") == 0);
    CHECK(strcmp(value(seq, 0, "platform"), "instagram") == 0);
    CHECK(strcmp(value(seq, 0, "name"), "Anna \xf0\x9f\x8d\xb3 Cuisine") == 0); /* the emoji */
    CHECK(strcmp(value(seq, 1, "platform"), "tiktok") == 0);
    CHECK(strcmp(value(seq, 1, "audience_fraction"), "US:0.4;GB:0.2") == 0);
    CHECK(strcmp(value(seq, 2, "handle"), "carl") == 0);                     /* profile.username */
    CHECK(strcmp(value(seq, 2, "engagement_rate_fraction"), "(none)") == 0); /* null */
    CHECK(strcmp(value(seq, 2, "real_share"), "(none)") == 0);
    /* Positions are the file's, also after the rewritten emoji. */
    const infl_node *h = infl__yaml_tree_get(seq->items[0], "handle");
    CHECK(h->line == 8 && h->column == 23 && strcmp(h->origin, "modash.json") == 0);
    const infl_node *f = infl__yaml_tree_get(seq->items[0], "followers");
    CHECK(f->line == 11 && f->column == 24);
    CHECK_INT(infl__yaml_tree_get(seq->items[0], "audience_fraction")->line, 17);

    /* Through the import: the canonical creators. */
    infl_node *creators = NULL;
    CHECK_INT(infl__roster_import(seq, NULL, &creators, &err), INFL_OK);
    CHECK(creators != NULL && creators->count == 3);
    if (creators != NULL && creators->count == 3) {
        const infl_node *anna = creators->items[0];
        const infl_node *epf = infl__yaml_tree_get(anna, "engagement_per_follower");
        const infl_node *ln = infl__yaml_tree_get(epf, "lognormal");
        double med = strtod(infl__yaml_tree_get(ln, "median")->text, NULL);
        double sig = strtod(infl__yaml_tree_get(ln, "sigma")->text, NULL);
        CHECK_NEAR(med * exp(sig * sig / 2), 0.0027, 1e-15);
        const infl_node *aud = infl__yaml_tree_get(anna, "audience");
        CHECK(aud != NULL && aud->count == 3);
        CHECK_NEAR(strtod(infl__yaml_tree_get(aud, "BE")->text, NULL), 0.1, 0);
        CHECK_NEAR(strtod(infl__yaml_tree_get(anna, "real_share")->text, NULL), 0.87, 0);
        CHECK_NEAR(strtod(infl__yaml_tree_get(anna, "followers")->text, NULL), 48200, 0);
        CHECK_INT(infl__yaml_tree_get(anna, "followers")->line, 11);
    }
    infl__yaml_tree_free(creators);
    infl__yaml_tree_free(seq);
    free(sample);

    /* JSON without spaces (libyaml 0.2.5 reads "key":value), one report. */
    seq = parse("{\"profile\":{\"profile\":{\"username\":\"a\",\"followers\":100,"
                "\"engagementRate\":0.01}}}",
                &rc);
    CHECK_INT(rc, INFL_OK);
    CHECK(seq != NULL && seq->count == 1);
    CHECK(strcmp(value(seq, 0, "followers"), "100") == 0);
    CHECK(strcmp(value(seq, 0, "engagement_rate_fraction"), "0.01") == 0);
    CHECK_INT(infl__yaml_tree_get(seq->items[0], "followers")->column, 51);
    infl__yaml_tree_free(seq);
    /* A list; tabs; escapes; a surrogate pair before a value on the same
     * line (its column kept); a lone surrogate. */
    seq = parse("[\n\t{\"profile\": {\"username\": \"b\\u00e9\\/x\", \"fullname\": "
                "\"\\ud83d\\ude00\\ud83d\\ude00\", \"followers\": 5}},\n"
                "\t{\"profile\": {\"username\": \"c\", \"fullname\": \"\\udc00!\"}}\n]\n",
                &rc);
    CHECK_INT(rc, INFL_OK);
    CHECK(seq != NULL && seq->count == 2);
    CHECK(strcmp(value(seq, 0, "handle"), "b\xc3\xa9/x") == 0);
    CHECK(strcmp(value(seq, 0, "name"), "\xf0\x9f\x98\x80\xf0\x9f\x98\x80") == 0);
    CHECK_INT(infl__yaml_tree_get(seq->items[0], "followers")->column, 94);
    CHECK(strcmp(value(seq, 1, "name"), "\xef\xbf\xbd!") == 0);
    infl__yaml_tree_free(seq);
    /* Under data, with a platform given; an empty list. */
    seq =
        parse("{\"data\": [{\"platform\": \"youtube\", \"profile\": {\"username\": \"d\"}}]}", &rc);
    CHECK(rc == INFL_OK && seq != NULL && seq->count == 1);
    CHECK(strcmp(value(seq, 0, "platform"), "youtube") == 0);
    infl__yaml_tree_free(seq);
    seq = parse("[]", &rc);
    CHECK(rc == INFL_OK && seq != NULL && seq->count == 0);
    infl__yaml_tree_free(seq);

    /* Refusals. */
    seq = parse("{\"profile\": {\"username\": \"a\",}", &rc);
    CHECK(seq == NULL && rc == INFL_ESYNTAX);
    CHECK_CONTAINS(infl_error_message(&err), "r.json:2:1: syntax error: did not find expected");
    seq = parse("{\"users\": []}", &rc);
    CHECK(seq == NULL && rc == INFL_ESYNTAX);
    CHECK_CONTAINS(infl_error_message(&err), "r.json:1:1: not a creator report");
    seq = parse("\"just text\"", &rc);
    CHECK(seq == NULL && rc == INFL_ESYNTAX);
    seq = parse("[{\"profile\": {\"followers\": 3}}, 5, {\"profile\": {\"profile\": {}}}]", &rc);
    CHECK(seq == NULL && rc == INFL_EINVAL);
    CHECK_CONTAINS(infl_error_message(&err),
                   "r.json:1:14: report 1: no profile.profile.username (the creator's handle)");
    CHECK_CONTAINS(infl_error_message(&err), "r.json:1:33: report 2: expected an object");
    CHECK_CONTAINS(infl_error_message(&err), "report 3: no profile.profile.username");
    seq = parse("{\"profile\": {\"username\": \"a\", \"audience\": {\"geoCountries\": "
                "[{\"code\": \"FR\"}]}}}",
                &rc);
    CHECK(seq == NULL && rc == INFL_EINVAL);
    CHECK_CONTAINS(infl_error_message(&err),
                   "profile.audience.geoCountries[0]: expected {code, weight}");
    /* Binary is refused by the parser with a position, once. */
    char bin[64] = "{\"a\": \"\x01\x02\x03\"}";
    seq = parse(bin, &rc);
    CHECK(seq == NULL && rc == INFL_ESYNTAX && err.count == 1);
    size_t huge = (size_t)33 << 20;
    char *big = malloc(huge);
    memset(big, ' ', huge);
    infl_error_clear(&err);
    CHECK_INT(infl__roster_json_parse(big, huge, "r.json", &seq, &err), INFL_ELIMIT);
    free(big);

    infl_error_destroy(&err);
    /* Long country codes and weights, many of them: the audience text grows
     * as needed (a fixed guess per entry once overran its buffer). */
    {
        char buf[4096] = "{\"profile\": {\"profile\": {\"username\": \"x\", \"followers\": 10},"
                         " \"audience\": {\"geoCountries\": [";
        for (int i = 0; i < 12; i++)
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
                     "%s{\"code\": \"%.40s\", \"weight\": \"0.%.28s\"}", i ? ", " : "",
                     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "0000000000000000000000000001");
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "]}}}");
        infl_node *long_codes = parse(buf, &rc);
        CHECK_INT(rc, INFL_OK);
        const char *aud = value(long_codes, 0, "audience_fraction");
        CHECK(strlen(aud) == 12 * (40 + 1 + 30) + 11);
        infl__yaml_tree_free(long_codes);
    }
    return check_exit();
}
