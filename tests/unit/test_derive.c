/*
 * Unit tests of infl_scenario_derive: a scenario derived from a loaded one
 * with more overrides equals, number for number (the resolved YAML, the
 * overrides recorded), a load of the same text with every override at once;
 * the base is untouched; a bad override gives the same messages (with the
 * same --set:N:COLUMN positions) and status as such a load; and the file the
 * base came from is not read again.
 */
#include "check.h"
#include "influsim/scenario.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = malloc(1 << 20);
    *len = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (buf)
        buf[*len] = '\0';
    return buf;
}

/* Loads path with n sets; NULL (and err filled) on failure. */
static infl_scenario *load(const char *path, const char *const *sets, size_t n, infl_error *err)
{
    infl_scenario *sc = NULL;
    infl_error_clear(err);
    infl_scenario_load_file(path, sets, n, &sc, err);
    return sc;
}

static void same_scenario(const infl_scenario *a, const infl_scenario *b)
{
    char *ya = infl_scenario_resolved_yaml(a), *yb = infl_scenario_resolved_yaml(b);
    CHECK(ya != NULL && yb != NULL && strcmp(ya, yb) == 0);
    free(ya);
    free(yb);
    CHECK(strcmp(infl_scenario_overrides(a), infl_scenario_overrides(b)) == 0);
    CHECK(strcmp(infl_scenario_origin(a), infl_scenario_origin(b)) == 0);
    CHECK(strcmp(infl_scenario_source_text(a), infl_scenario_source_text(b)) == 0);
    CHECK_INT(infl_scenario_set_count(a), infl_scenario_set_count(b));
    for (size_t i = 0; i < infl_scenario_set_count(a) && i < infl_scenario_set_count(b); i++)
        CHECK(strcmp(infl_scenario_sets(a)[i], infl_scenario_sets(b)[i]) == 0);
}

int main(void)
{
    const char *src = getenv("INFLUSIM_SOURCE_DIR");
    char original[4096], path[4096], dir[] = "/tmp/influsim-test-derive-XXXXXX";
    snprintf(original, sizeof original, "%s/tests/scenarios/small.yaml", src ? src : ".");
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/small.yaml", dir);
    size_t len = 0;
    char *text = read_all(original, &len);
    CHECK(text != NULL);
    if (text == NULL)
        return check_exit();
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL && fwrite(text, 1, len, f) == len);
    if (f)
        fclose(f);

    infl_error err;
    infl_error_init(&err);
    const char *base_sets[] = {"trials=500", "tiers.micro.reach_rate=0.2"};
    const char *all_sets[] = {"trials=500", "tiers.micro.reach_rate=0.2", "budget=12345.5",
                              "seed=99"};
    infl_scenario *base = load(path, base_sets, 2, &err);
    CHECK(base != NULL);
    if (base == NULL) {
        fprintf(stderr, "%s", infl_error_message(&err));
        return check_exit();
    }
    CHECK_INT(infl_scenario_set_count(base), 2);
    char *base_yaml = infl_scenario_resolved_yaml(base);
    char *base_overrides = strdup(infl_scenario_overrides(base));

    /* The file changes after the base is loaded: a derived scenario still
     * comes from the text the base was loaded from. */
    f = fopen(path, "wb");
    CHECK(f != NULL && fputs("name: [not, a, scenario\n", f) >= 0);
    if (f)
        fclose(f);

    infl_scenario *derived = NULL;
    infl_error_clear(&err);
    CHECK_INT(infl_scenario_derive(base, all_sets + 2, 2, &derived, &err), INFL_OK);
    CHECK(derived != NULL);
    f = fopen(path, "wb");
    CHECK(f != NULL && fwrite(text, 1, len, f) == len);
    if (f)
        fclose(f);
    infl_scenario *direct = load(path, all_sets, 4, &err);
    CHECK(direct != NULL);
    if (derived != NULL && direct != NULL) {
        same_scenario(derived, direct);
        CHECK_INT(infl_scenario_seed(derived), 99);
        CHECK_NEAR(infl_scenario_budget(derived), 12345.5, 0);
        CHECK_INT(infl_scenario_trials(derived), 500);
    }

    /* The base is as it was. */
    char *after = infl_scenario_resolved_yaml(base);
    CHECK(after != NULL && base_yaml != NULL && strcmp(after, base_yaml) == 0);
    CHECK(strcmp(infl_scenario_overrides(base), base_overrides) == 0);
    CHECK_INT(infl_scenario_set_count(base), 2);
    CHECK_INT(infl_scenario_seed(base), 424242);
    free(after);

    /* No more overrides: the base again. */
    infl_scenario *copy = NULL;
    CHECK_INT(infl_scenario_derive(base, NULL, 0, &copy, &err), INFL_OK);
    if (copy != NULL)
        same_scenario(copy, base);

    /* A bad override: the messages and status of a load with every override. */
    const char *bad_all[] = {"trials=500", "tiers.micro.reach_rate=0.2", "budget=-5",
                             "tiers.micro.foo=1"};
    infl_error derr;
    infl_error_init(&derr);
    infl_scenario *bad = NULL;
    infl_status drc = infl_scenario_derive(base, bad_all + 2, 2, &bad, &derr);
    CHECK(bad == NULL);
    infl_scenario *bad_direct = load(path, bad_all, 4, &err);
    CHECK(bad_direct == NULL);
    CHECK_INT(drc, err.status);
    CHECK(drc != INFL_OK);
    CHECK(strcmp(infl_error_message(&derr), infl_error_message(&err)) == 0);
    CHECK_CONTAINS(infl_error_message(&derr), "--set:3:8: budget");
    CHECK_CONTAINS(infl_error_message(&derr), "--set:4:");
    const char *no_eq[] = {"budget"};
    infl_error_clear(&derr);
    CHECK_INT(infl_scenario_derive(base, no_eq, 1, &bad, &derr), INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&derr),
                   "--set:3:1: budget: expected key.path=value (no '=' found)");

    infl_scenario_free(copy);
    infl_scenario_free(bad_direct);
    infl_scenario_free(direct);
    infl_scenario_free(derived);
    infl_scenario_free(base);
    free(base_yaml);
    free(base_overrides);
    free(text);
    unlink(path);
    rmdir(dir);
    infl_error_destroy(&derr);
    infl_error_destroy(&err);
    return check_exit();
}
