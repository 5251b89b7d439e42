/*
 * A scenario's `roster_file:` through the library (docs/roster-files.md):
 *  1. infl_scenario_load_file of a scenario that names a CSV beside it (in
 *     a folder made with mkdtemp) appends the CSV's creators to the roster,
 *     after those written under `roster:`, with their values and the CSV's
 *     path and line as their origin;
 *  2. infl_scenario_derive of it, after the CSV has been deleted, still loads
 *     (the file is not read again), with the same creators, the same
 *     resolved YAML, and its overrides reaching them;
 *  3. a fault in a CSV creator names the CSV's path and line, at the loader
 *     (a bad row) and at validation (a key neither the row nor a tier gives),
 *     and the unreadable file names the scenario's line and the path tried.
 */
#include "check.h"
#include "scenario/scenario_internal.h"
#include "influsim/scenario.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Line numbers matter: the messages below name them. */
static const char *SCENARIO =
    "name: files\n"                                                   /* 1 */
    "seed: 3\n"                                                       /* 2 */
    "trials: 50\n"                                                    /* 3 */
    "budget: 5000\n"                                                  /* 4 */
    "regions:\n"                                                      /* 5 */
    "  - {name: France, shippable: true, countries: [FR, MC]}\n"      /* 6 */
    "  - {name: Belgium, shippable: true, countries: [BE]}\n"         /* 7 */
    "  - {name: elsewhere, shippable: false, countries: rest}\n"      /* 8 */
    "product: {price: 40, unit_cost: 12}\n"                           /* 9 */
    "market: {purchase_rate: 0.02}\n"                                 /* 10 */
    "tiers:\n"                                                        /* 11 */
    "  micro:\n"                                                      /* 12 */
    "    followers: {loguniform: {min: 10000, max: 100000}}\n"        /* 13 */
    "    price: 300\n"                                                /* 14 */
    "    reach_rate: 0.3\n"                                           /* 15 */
    "    engagement_rate: 0.05\n"                                     /* 16 */
    "    audience: [0.6, 0.1, 0.3]\n"                                 /* 17 */
    "    interest_share: 0.2\n"                                       /* 18 */
    "roster:\n"                                                       /* 19 */
    "  - {handle: inline, tier: micro, followers: 1000}\n"            /* 20 */
    "roster_file: {path: creators.csv, tier: micro}\n"                /* 21 */
    "strategies:\n"                                                   /* 22 */
    "  - {name: all-micro, allocation: {micro: 1}}\n"                 /* 23 */
    "  - {name: named, hire: [anna, bob], allocation: {micro: 1}}\n"; /* 24 */

static const char *CREATORS =
    "handle,platform,followers,engagement_rate,posts_observed,credibility,price,audience\n"
    "@Anna,instagram,48.2k,0.021,30,0.87,500-900,FR:55;BE:10;CH:8\n" /* line 2 */
    "bob,tiktok,21000,0.035,,0.64,1.2k,FR:40;US:20;other:25\n";      /* line 3 */

static char dir[64];
static char scenario_path[128], csv_path[128];

/* Writes text to path; false (with a message) if it cannot. */
static bool write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        fprintf(stderr, "test setup: cannot write %s: %s\n", path, strerror(errno));
        return false;
    }
    bool ok = fwrite(text, 1, strlen(text), f) == strlen(text);
    return fclose(f) == 0 && ok;
}

/* The creator of a scenario by handle, or NULL. */
static const infl_creator *find(const infl_scenario *sc, const char *handle)
{
    for (size_t i = 0; i < sc->n_creators; i++)
        if (!strcmp(sc->creators[i].handle, handle))
            return &sc->creators[i];
    return NULL;
}

/* Whether two scenarios hold the same creators (handles, origins, lines and
 * the parameters the CSV gave). */
static bool same_creators(const infl_scenario *a, const infl_scenario *b)
{
    if (a->n_creators != b->n_creators)
        return false;
    for (size_t i = 0; i < a->n_creators; i++) {
        const infl_creator *x = &a->creators[i], *y = &b->creators[i];
        if (strcmp(x->handle, y->handle) || x->key != y->key || x->line != y->line ||
            strcmp(x->origin ? x->origin : "", y->origin ? y->origin : "") ||
            x->n_codes != y->n_codes || x->unknown_share != y->unknown_share ||
            x->p.followers.kind != y->p.followers.kind ||
            memcmp(&x->p.followers, &y->p.followers, sizeof x->p.followers) ||
            memcmp(&x->p.engagement_per_follower, &y->p.engagement_per_follower,
                   sizeof x->p.engagement_per_follower))
            return false;
        for (size_t k = 0; k < x->n_codes; k++)
            if (strcmp(x->codes[k], y->codes[k]) || x->code_share[k] != y->code_share[k])
                return false;
    }
    return true;
}

static void test_load_and_derive(void)
{
    if (!write_file(scenario_path, SCENARIO) || !write_file(csv_path, CREATORS)) {
        CHECK(false);
        return;
    }
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    infl_status rc = infl_scenario_load_file(scenario_path, NULL, 0, &sc, &err);
    CHECK_INT(rc, INFL_OK);
    if (rc != INFL_OK) {
        fprintf(stderr, "%s", infl_error_message(&err));
        infl_error_destroy(&err);
        return;
    }
    /* 1. The inline creator, then the CSV's, in the file's order. */
    CHECK_INT(sc->n_creators, 3);
    CHECK(!strcmp(sc->creators[0].handle, "inline"));
    const infl_creator *anna = find(sc, "Anna"), *bob = find(sc, "bob");
    CHECK(anna != NULL && bob != NULL);
    if (anna != NULL && bob != NULL) {
        CHECK(anna == &sc->creators[1] && bob == &sc->creators[2]);
        CHECK_CONTAINS(anna->origin, csv_path);
        CHECK_INT(anna->line, 2);
        CHECK_INT(bob->line, 3);
        CHECK(anna->platform != NULL && !strcmp(anna->platform, "instagram"));
        CHECK(anna->p.per_follower && bob->p.per_follower);
        CHECK_NEAR(anna->unknown_share, 0.27, 1e-12);
        CHECK_NEAR(bob->unknown_share, 0.15, 1e-12);
        CHECK_INT(anna->n_codes, 3);
        CHECK(anna->tier == 0); /* roster_file.tier: micro */
    }
    char *yaml = infl_scenario_resolved_yaml(sc);
    CHECK(yaml != NULL);
    CHECK_CONTAINS(yaml, "handle: \"Anna\"");
    CHECK_CONTAINS(yaml, "followers: 48200");
    CHECK_CONTAINS(yaml, "price: {loguniform: {min: 500, max: 900}}");
    CHECK_CONTAINS(yaml, "audience: {FR: 0.4, US: 0.2, other: 0.25}");

    /* 2. The CSV gone, a derived scenario still has its creators. */
    CHECK_INT(unlink(csv_path), 0);
    infl_scenario *d = NULL;
    rc = infl_scenario_derive(sc, NULL, 0, &d, &err);
    CHECK_INT(rc, INFL_OK);
    if (rc == INFL_OK) {
        CHECK(same_creators(sc, d));
        char *yaml_d = infl_scenario_resolved_yaml(d);
        CHECK(yaml != NULL && yaml_d != NULL && !strcmp(yaml, yaml_d));
        free(yaml_d);
    } else {
        fprintf(stderr, "%s", infl_error_message(&err));
    }
    infl_scenario_free(d);
    d = NULL;
    /* With overrides of a CSV creator and of the budget. */
    const char *sets[] = {"roster.anna.price=777", "budget=6000"};
    infl_error_clear(&err);
    rc = infl_scenario_derive(sc, sets, 2, &d, &err);
    CHECK_INT(rc, INFL_OK);
    if (rc == INFL_OK) {
        const infl_creator *a = find(d, "Anna");
        CHECK(a != NULL);
        if (a != NULL) {
            CHECK_INT(a->p.price.kind, INFL_DIST_CONSTANT);
            CHECK_NEAR(a->p.price.a, 777, 0);
        }
        CHECK_NEAR(infl_scenario_budget(d), 6000, 0);
        CHECK_INT(d->n_creators, 3);
        /* A derived scenario derives again, still without the file. */
        infl_scenario *dd = NULL;
        CHECK_INT(infl_scenario_derive(d, NULL, 0, &dd, &err), INFL_OK);
        CHECK(dd != NULL && same_creators(d, dd));
        infl_scenario_free(dd);
    } else {
        fprintf(stderr, "%s", infl_error_message(&err));
    }
    infl_scenario_free(d);
    /* A bad override of a CSV creator names the --set and the creator. */
    const char *bad[] = {"roster.bob.real_share=2"};
    infl_error_clear(&err);
    d = NULL;
    rc = infl_scenario_derive(sc, bad, 1, &d, &err);
    CHECK_INT(rc, INFL_EINVAL);
    CHECK(d == NULL);
    CHECK_CONTAINS(infl_error_message(&err), "roster.bob.real_share: must be in [0, 1] (got 2)");

    /* Loading the file again, now that the CSV is gone, says so. */
    infl_scenario *again = NULL;
    infl_error_clear(&err);
    rc = infl_scenario_load_file(scenario_path, NULL, 0, &again, &err);
    CHECK_INT(rc, INFL_EIO);
    CHECK(again == NULL);
    char want[256];
    snprintf(want, sizeof want, "%s:21:", scenario_path);
    CHECK_CONTAINS(infl_error_message(&err), want);
    snprintf(want, sizeof want, "roster_file: cannot read %s: ", csv_path);
    CHECK_CONTAINS(infl_error_message(&err), want);
    free(yaml);
    infl_scenario_free(sc);
    infl_error_destroy(&err);
}

/* 3. Faults of CSV creators name the CSV's path and line. */
static void test_fault_names_csv(void)
{
    infl_error err;
    infl_error_init(&err);
    char want[256];
    infl_scenario *sc = NULL;

    /* A bad row (the reader's import). */
    if (!write_file(scenario_path, SCENARIO) ||
        !write_file(csv_path, "handle,followers\nanna,100\nbob,-5\n")) {
        CHECK(false);
        return;
    }
    infl_status rc = infl_scenario_load_file(scenario_path, NULL, 0, &sc, &err);
    CHECK_INT(rc, INFL_EINVAL);
    CHECK(sc == NULL);
    snprintf(want, sizeof want, "%s:3: followers: must not be negative (got -5)", csv_path);
    CHECK_CONTAINS(infl_error_message(&err), want);
    CHECK_INT(err.count, 1);

    /* A creator without a tier that lacks keys (the scenario's validation):
     * the CSV's line, not the scenario's. */
    const char *no_tier_scenario = SCENARIO;
    char *text = malloc(strlen(no_tier_scenario) + 1);
    CHECK(text != NULL);
    if (text == NULL)
        return;
    strcpy(text, no_tier_scenario);
    char *at = strstr(text, "{path: creators.csv, tier: micro}");
    CHECK(at != NULL);
    if (at != NULL) {
        /* Same line, same length: the tier setting blanked out. */
        memcpy(at, "{path: creators.csv}             ", 33);
    }
    infl_error_clear(&err);
    if (!write_file(scenario_path, text) ||
        !write_file(csv_path, "handle,followers\nanna,100\nbob,200\n")) {
        CHECK(false);
        free(text);
        return;
    }
    sc = NULL;
    rc = infl_scenario_load_file(scenario_path, NULL, 0, &sc, &err);
    CHECK_INT(rc, INFL_EINVAL);
    snprintf(want, sizeof want, "%s:3:1: roster.bob.reach_rate: required key is missing", csv_path);
    CHECK_CONTAINS(infl_error_message(&err), want);
    snprintf(want, sizeof want, "%s:2:1: roster.anna.audience: required key is missing", csv_path);
    CHECK_CONTAINS(infl_error_message(&err), want);
    /* The hire of a handle the CSV holds is not a fault. */
    CHECK(strstr(infl_error_message(&err), "hire") == NULL);
    infl_scenario_free(sc);
    free(text);

    /* A unit fault names the row. */
    infl_error_clear(&err);
    sc = NULL;
    if (!write_file(scenario_path, SCENARIO) ||
        !write_file(csv_path, "handle,engagement_rate_percent\nanna,2.1\nbob,0.021\n")) {
        CHECK(false);
        return;
    }
    rc = infl_scenario_load_file(scenario_path, NULL, 0, &sc, &err);
    CHECK_INT(rc, INFL_EINVAL);
    snprintf(want, sizeof want, "%s:3: engagement_rate_percent: looks like a fraction", csv_path);
    CHECK_CONTAINS(infl_error_message(&err), want);
    CHECK_CONTAINS(infl_error_message(&err), "(got 0.021)");
    infl_scenario_free(sc);
    unlink(csv_path);
    infl_error_destroy(&err);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/roster-file-XXXXXX",
             tmp != NULL && strlen(tmp) < 32 ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        fprintf(stderr, "test setup: mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    snprintf(scenario_path, sizeof scenario_path, "%s/s.yaml", dir);
    snprintf(csv_path, sizeof csv_path, "%s/creators.csv", dir);
    test_load_and_derive();
    test_fault_names_csv();
    unlink(scenario_path);
    unlink(csv_path);
    rmdir(dir);
    return check_exit();
}
