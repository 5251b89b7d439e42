/*
 * The non-follower view term (docs/model.md, "Views from beyond the
 * followers"): views from outside the followers add to a post's viewers, in
 * a stream of their own, so the followers' draws are those of the same
 * tier without the term and the difference in reach between the two runs
 * of one trial is exactly the non-follower views drawn.
 */
#include "check.h"
#include "influsim/outlook.h"
#include "run_text.h"

/* 10 hires of F ~ loguniform(5000, 50000), rho r ~ 0.8 x 0.25 (at least
 * 0.14), each of which posts. */
static const char *VIEWS = "name: views\n"
                           "seed: 23\n"
                           "trials: 20000\n"
                           "budget: 2000\n"
                           "regions: [{name: home, shippable: true}]\n"
                           "product: {price: 40, unit_cost: 10}\n"
                           "market: {purchase_rate: 0.05}\n"
                           "tiers:\n"
                           "  micro:\n"
                           "    followers: {loguniform: {min: 5000, max: 50000}}\n"
                           "    price: 200\n"
                           "    real_share: {uniform: {min: 0.7, max: 0.9}}\n"
                           "    reach_rate: {uniform: {min: 0.2, max: 0.3}}\n"
                           "    engagement_rate: 0.05\n"
                           "    audience: [1]\n"
                           "    interest_share: 0.2\n"
                           "strategies: [{name: only, allocation: {micro: 1}}]\n";

/* E[sum of F] over the 10 hires: 10 x (b - a) / ln(b / a). */
static double followers_total(void)
{
    return 10.0 * (50000.0 - 5000.0) / log(10.0);
}

/* mean and SE of a[t] - k b[t] */
static double diff_mean_se(const double *a, const double *b, double k, uint64_t n, double *se)
{
    double *d = malloc(n * sizeof *d);
    if (d == NULL)
        abort();
    for (uint64_t t = 0; t < n; t++)
        d[t] = a[t] - k * b[t];
    double m = mean_se(d, n, se);
    free(d);
    return m;
}

/* Written as 0, the term is off: every number as without the key. */
static void check_zero_is_off(void)
{
    char *text =
        replaced(VIEWS, "    audience: [1]\n", "    nonfollower_views: 0\n    audience: [1]\n");
    infl_trials *a = run_text(VIEWS, NULL, 0), *b = run_text(text, NULL, 0);
    CHECK(a != NULL && b != NULL);
    if (a != NULL && b != NULL) {
        CHECK_INT(a->n_metrics, b->n_metrics);
        CHECK(memcmp(a->values, b->values,
                     a->n_trials * a->n_strategies * a->n_metrics * sizeof(double)) == 0);
    }
    infl_trials_free(a);
    infl_trials_free(b);
    free(text);
}

/* Per viewer: the followers' viewers are the same draws with and without
 * the term, so reach differs by the non-follower views, whose mean is
 * E[u] x E[sum F]; engagements are 0.05 of all viewers. */
static void check_per_viewer(const char *value, double mean_u)
{
    char line[160];
    snprintf(line, sizeof line, "    nonfollower_views: %s\n    audience: [1]\n", value);
    char *text = replaced(VIEWS, "    audience: [1]\n", line);
    infl_trials *off = run_text(VIEWS, NULL, 0), *on = run_text(text, NULL, 0);
    CHECK(off != NULL && on != NULL);
    if (off != NULL && on != NULL) {
        uint64_t n = on->n_trials;
        double se;
        double beyond = diff_mean_se(col(on, 0, "reach"), col(off, 0, "reach"), 1.0, n, &se);
        double want = mean_u * followers_total();
        printf("%s: views from outside the followers %.1f +- %.1f, expected %.1f\n", value, beyond,
               se, want);
        CHECK_NEAR(beyond, want, 4 * se);
        /* Viewers among the followers: exactly the run without the term. */
        const double *hires_on = col(on, 0, "hires"), *hires_off = col(off, 0, "hires");
        CHECK(memcmp(hires_on, hires_off, n * sizeof(double)) == 0);
        double e = diff_mean_se(col(on, 0, "engagements"), col(on, 0, "reach"), 0.05, n, &se);
        printf("%s: engagements - 0.05 x reach %.2f +- %.2f\n", value, e, se);
        CHECK_NEAR(e, 0.0, 4 * se);
    }
    infl_trials_free(off);
    infl_trials_free(on);
    free(text);
}

/* Per follower: 0.2 engagements per follower is above rho r (at most 0.27,
 * mostly below 0.2) and is capped without the term; with one view from
 * outside per follower no hire is capped and engagements are F x 0.2. */
static void check_per_follower(void)
{
    char *capped_text =
        replaced(VIEWS, "    engagement_rate: 0.05\n", "    engagement_per_follower: 0.2\n");
    char *text = replaced(VIEWS, "    engagement_rate: 0.05\n",
                          "    engagement_per_follower: 0.2\n    nonfollower_views: 1\n");
    infl_trials *off = run_text(capped_text, NULL, 0), *on = run_text(text, NULL, 0);
    CHECK(off != NULL && on != NULL);
    if (off != NULL && on != NULL) {
        uint64_t n = on->n_trials;
        double c_off = 0, c_on = 0, se;
        for (uint64_t t = 0; t < n; t++) {
            c_off += col(off, 0, "capped_engagement")[t];
            c_on += col(on, 0, "capped_engagement")[t];
        }
        printf("capped hires: %.0f without the term, %.0f with it\n", c_off, c_on);
        CHECK(c_off > 0.5 * 10.0 * (double)n);
        CHECK(c_on == 0);
        double eng = mean_se(col(on, 0, "engagements"), n, &se);
        double want = 0.2 * followers_total();
        printf("engagements %.1f +- %.1f, F x 0.2 = %.1f\n", eng, se, want);
        CHECK_NEAR(eng, want, 4 * se);
        /* Views above followers: E[rho r + u] = 1.2 views per follower. */
        double reach = mean_se(col(on, 0, "reach"), n, &se);
        CHECK_NEAR(reach, 1.2 * followers_total(), 4 * se + 1e-9);
        CHECK(reach > followers_total());
    }
    infl_trials_free(off);
    infl_trials_free(on);
    free(capped_text);
    free(text);
}

/* check's outlook counts the views, and the loader's per-viewer test uses them. */
static void check_outlook_and_loader(void)
{
    infl_error err;
    infl_error_init(&err);
    const char *sets[] = {"tiers.micro.nonfollower_views=0.5"};
    infl_scenario *sc = NULL;
    CHECK_INT(infl_scenario_load_text(VIEWS, strlen(VIEWS), "t.yaml", sets, 1, &sc, &err), INFL_OK);
    infl_outlook *ol = NULL;
    if (sc != NULL && infl_outlook_new(sc, &ol, &err) == INFL_OK) {
        CHECK_NEAR(ol->tiers[0].viewers_per_follower, 0.8 * 0.25 + 0.5, 1e-12);
        CHECK_NEAR(ol->tiers[0].nonfollower_views, 0.5, 0);
        CHECK_NEAR(ol->tiers[0].engagement_per_follower, 0.7 * 0.05, 1e-12);
    } else {
        CHECK(0);
        fprintf(stderr, "%s", infl_error_message(&err));
    }
    infl_outlook_free(ol);
    /* The resolved scenario writes the key when it is on, and reads back. */
    char *yaml = sc ? infl_scenario_resolved_yaml(sc) : NULL;
    CHECK(yaml != NULL && strstr(yaml, "nonfollower_views: 0.5") != NULL);
    free(yaml);
    infl_scenario_free(sc);
    sc = NULL;
    infl_error_destroy(&err);
    infl_error_init(&err);
    CHECK_INT(infl_scenario_load_text(VIEWS, strlen(VIEWS), "t.yaml", NULL, 0, &sc, &err), INFL_OK);
    yaml = sc ? infl_scenario_resolved_yaml(sc) : NULL;
    CHECK(yaml != NULL && strstr(yaml, "nonfollower_views") == NULL);
    free(yaml);
    infl_scenario_free(sc);
    infl_error_destroy(&err);

    /* 0.3 per follower is 1.5 per viewer without views from outside (the
     * loader refuses it), and 0.3 / 0.7 with half a view per follower. */
    char *text =
        replaced(VIEWS, "    engagement_rate: 0.05\n", "    engagement_per_follower: 0.3\n");
    struct {
        const char *set;
        infl_status rc;
        const char *want;
    } cases[] = {
        {"tiers.micro.reach_rate=0.25", INFL_EINVAL, "of followers seeing a post"},
        {"tiers.micro.nonfollower_views=0.5", INFL_OK, ""},
        {"tiers.micro.nonfollower_views=0.05", INFL_EINVAL,
         "0.25 views per follower (real_share 0.8 x reach_rate 0.25 + nonfollower_views 0.05)"},
        {"tiers.micro.nonfollower_views=-1", INFL_EINVAL,
         "tiers.micro.nonfollower_views: must be >= 0"},
        {"tiers.micro.nonfollower_view=1", INFL_EINVAL, "did you mean 'nonfollower_views'?"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        infl_error_init(&err);
        sc = NULL;
        const char *set[] = {cases[i].set};
        infl_status rc = infl_scenario_load_text(text, strlen(text), "t.yaml", set, 1, &sc, &err);
        CHECK_INT(rc, cases[i].rc);
        if (strstr(infl_error_message(&err), cases[i].want) == NULL) {
            check_failures++;
            fprintf(stderr, "--set %s: expected \"%s\" in:\n%s\n", cases[i].set, cases[i].want,
                    infl_error_message(&err));
        }
        infl_scenario_free(sc);
        infl_error_destroy(&err);
    }
    free(text);
}

/* A post whose mean non-follower views pass the Poisson sampler's range
 * stops the run with a message naming the trial and the hire. */
static void check_limit(void)
{
    const char *sets[] = {"tiers.micro.followers=4000000000", "tiers.micro.nonfollower_views=1",
                          "trials=3"};
    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    infl_trials *tr = NULL;
    CHECK_INT(infl_scenario_load_text(VIEWS, strlen(VIEWS), "t.yaml", sets, 3, &sc, &err), INFL_OK);
    infl_status rc =
        sc ? infl_engine_run(sc, &(infl_run_options){.threads = 1}, &tr, NULL, NULL, &err)
           : INFL_EINVAL;
    CHECK_INT(rc, INFL_ELIMIT);
    const char *msg = infl_error_message(&err);
    if (strstr(msg, "expected views from outside the followers") == NULL ||
        strstr(msg, "trial 0") == NULL) {
        check_failures++;
        fprintf(stderr, "unexpected message:\n%s\n", msg);
    }
    infl_trials_free(tr);
    infl_scenario_free(sc);
    infl_error_destroy(&err);
}

int main(void)
{
    check_zero_is_off();
    check_per_viewer("0.5", 0.5);
    /* lognormal: mean median x exp(sigma^2 / 2) */
    check_per_viewer("{lognormal: {median: 0.5, sigma: 1}}", 0.5 * exp(0.5));
    check_per_follower();
    check_outlook_and_loader();
    check_limit();
    return check_exit();
}
