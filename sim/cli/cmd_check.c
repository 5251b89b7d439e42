/*
 * cmd_check.c — `influsim check SCENARIO [--set k=v]... [--sources]`:
 * validates a scenario and prints it resolved (every key, defaults filled in)
 * on stdout, byte for byte what a run stores (with --sources, then where each
 * value came from, as YAML comments); then on stderr what a run will need and
 * what the scenario implies per tier and per strategy (influsim/outlook.h),
 * so that a unit mistake shows before a run.
 */
#include "cli.h"

#include "influsim/engine.h"
#include "influsim/outlook.h"
#include "influsim/scenario.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("usage: influsim check [SCENARIO] [--set key.path=value]... [--sources]\n"
          "\n"
          "Validates a scenario and prints it resolved: every key, with defaults filled\n"
          "in. Without SCENARIO, checks the built-in default (the French brand). On\n"
          "stderr: what a run will need, and per tier the implied means (engagement per\n"
          "follower and per viewer, cost per hire, expected hires, cost per engagement\n"
          "and per conversion), so that a unit mistake shows before a run.\n"
          "\n"
          "  -s, --set KEY=VALUE  override a value, e.g. --set budget=5000 (repeatable)\n"
          "      --sources        after the resolved scenario, where each value came from\n"
          "                       (FILE:LINE, --set:N, the roster file's line, the preset\n"
          "                       and its sources, or default), one comment line a key\n"
          "  -h, --help           show this help\n"
          "\n"
          "Exit status: 0 valid, 2 invalid (each fault printed as FILE:LINE:COLUMN: key: ...).\n",
          out);
}

enum { OPT_SOURCES = INFL_CLI_OPT_OWN };

/* An infl_cli_own_fn: check's own option is --sources (opts: a bool). */
static infl_cli_option own_option(void *opts, int opt, const char *arg, infl_error *err)
{
    (void)arg, (void)err;
    if (opt != OPT_SOURCES)
        return INFL_CLI_OPTION_OTHER;
    *(bool *)opts = true;
    return INFL_CLI_OPTION_TAKEN;
}

/* Columns of a text (UTF-8 characters). */
static int columns(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Where each resolved value came from, on stdout under the resolved
 * scenario: YAML comments, so that stdout still loads back. */
static infl_status print_sources(const infl_scenario *sc, infl_error *err)
{
    infl_scenario_source *src = NULL;
    size_t n = 0;
    infl_status rc = infl_scenario_sources(sc, &src, &n, err);
    if (rc != INFL_OK)
        return rc;
    int pw = 0, vw = 0;
    for (size_t i = 0; i < n; i++) {
        int p = columns(src[i].path), v = columns(src[i].value);
        pw = p > pw ? p : pw;
        vw = v > vw && v <= 60 ? v : vw;
    }
    printf("# sources: where each value came from\n");
    for (size_t i = 0; i < n; i++) {
        char where[1024];
        int v = columns(src[i].value);
        printf("#   %s%*s  %s%*s  %s\n", src[i].path, pw - columns(src[i].path), "", src[i].value,
               v < vw ? vw - v : 0, "",
               infl_scenario_source_describe(&src[i], where, sizeof where));
    }
    infl_scenario_sources_free(src, n);
    return INFL_OK;
}

/* What a run of sc will need, on stderr: stdout stays the resolved
 * scenario, byte for byte. */
static void print_estimate(const infl_scenario *sc)
{
    infl_run_estimate est, est_nt;
    infl_engine_estimate(sc, &(infl_run_options){.no_trials = false}, 0, &est);
    infl_engine_estimate(sc, &(infl_run_options){.no_trials = true}, 0, &est_nt);
    double available = infl_available_memory();
    fprintf(stderr,
            "influsim: estimate: about %.0f hires simulated a trial; a run of %llu trials "
            "needs about %.0f MiB (%.0f MiB with --no-trials)",
            est.hires_per_trial, (unsigned long long)infl_scenario_trials(sc),
            est.bytes / 1048576.0, est_nt.bytes / 1048576.0);
    if (available > 0)
        fprintf(stderr, "; %.0f MiB are available", available / 1048576.0);
    fprintf(stderr, "\n");
}

/* Money as format_money writes it, without the currency (the title names
 * it), to the three significant digits a mean of the inputs deserves;
 * amounts below 1 with two, rather than as 0. */
static const char *money(char *buf, size_t size, double x)
{
    if (isfinite(x) && x != 0 && fabs(x) < 0.995) {
        snprintf(buf, size, "%#.2g", x);
        return buf;
    }
    if (isfinite(x) && x != 0) {
        double unit = pow(10.0, floor(log10(fabs(x))) - 2);
        x = round(x / unit) * unit;
    }
    infl_cli_format_money(buf, size, x, NULL);
    return buf;
}

/* A mean count to three significant digits; whole and grouped from 100. */
static const char *count(char *buf, size_t size, double x)
{
    if (!isfinite(x))
        snprintf(buf, size, "%s", isnan(x) ? "-" : "inf");
    else if (fabs(x) >= 99.5)
        infl_cli_format_money(buf, size, round(x), NULL);
    else
        snprintf(buf, size, "%.3g", x);
    return buf;
}

/* A rate as a percentage to three significant digits; `given` marks the
 * form the scenario gave. */
static const char *percent(char *buf, size_t size, double x, bool given)
{
    if (!isfinite(x))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, x >= 0.9995 ? "%.0f %%%s" : "%#.3g %%%s", 100.0 * x, given ? "*" : " ");
    return buf;
}

/* Prints name left-aligned in width columns (UTF-8 characters counted), or
 * whole and one space when it is longer. */
static void print_name(const char *name, int width)
{
    int chars = 0;
    for (const char *c = name; *c; c++)
        chars += ((unsigned char)*c & 0xC0) != 0x80;
    fprintf(stderr, "%s%*s", name, chars < width ? width - chars : 1, "");
}

/* Widest name of n (at least `least`, at most `most` columns). */
static int name_width(const char *(*name)(const infl_scenario *, size_t), const infl_scenario *sc,
                      size_t n, int least, int most)
{
    int w = least;
    for (size_t i = 0; i < n; i++) {
        int len = (int)strlen(name(sc, i));
        if (len + 2 > w)
            w = len + 2;
    }
    return w > most ? most : w;
}

/* The hires of strategy st, tier by tier ("micro 126, macro ~1.2"), in at
 * most size bytes; "~" marks a share that buys fewer than two mean hires. */
static void hires_text(char *buf, size_t size, const infl_outlook *ol,
                       const infl_outlook_strategy *st)
{
    size_t used = 0;
    buf[0] = '\0';
    if (st->named_hires > 0 || st->named_unhired > 0) {
        int w = snprintf(buf, size, "named %.0f", st->named_hires);
        if (w > 0 && st->named_unhired > 0)
            w += snprintf(buf + w, size - (size_t)w, " (%.0f do not fit)", st->named_unhired);
        used = w > 0 && (size_t)w < size ? (size_t)w : size;
    }
    for (size_t k = 0; k < ol->n_tiers && used + 1 < size; k++) {
        if (st->hires[k] == 0 && !st->few[k])
            continue;
        char n[32];
        int w = snprintf(buf + used, size - used, "%s%s %s%s", used ? ", " : "", ol->tiers[k].name,
                         st->few[k] ? "~" : "", count(n, sizeof n, st->hires[k]));
        used += w > 0 ? (size_t)w : 0;
    }
    if (used >= size && size > 4)
        memcpy(buf + size - 4, "...", 4);
    if (buf[0] == '\0')
        snprintf(buf, size, "none");
}

/* The roster's creators, one row each (the first MAX_ROSTER_ROWS). */
#define MAX_ROSTER_ROWS 60
static void print_roster(const infl_scenario *sc, const infl_outlook *ol)
{
    char a[64], b[64], c[64], d[64], e[64], f[64], g[64];
    int hw = 8;
    for (size_t j = 0; j < ol->n_creators && j < MAX_ROSTER_ROWS; j++) {
        int len = (int)strlen(ol->creators[j].name);
        if (len + 2 > hw)
            hw = len + 2 > 30 ? 30 : len + 2;
    }
    fprintf(stderr, "  %-*s%10s%11s%14s%11s%9s%11s%11s\n", hw, "creator", "followers", "cost/hire",
            "eng/follower", "shippable", "unknown", "conv/hire", "cost/conv");
    for (size_t j = 0; j < ol->n_creators && j < MAX_ROSTER_ROWS; j++) {
        const infl_outlook_tier *t = &ol->creators[j];
        fputs("  ", stderr);
        print_name(t->name, hw);
        fprintf(stderr, "%10s%11s%14s%11s%9s%11s%11s\n", count(a, sizeof a, round(t->followers)),
                money(b, sizeof b, t->cost_per_hire),
                percent(c, sizeof c, t->engagement_per_follower, t->per_follower),
                percent(d, sizeof d, t->shippable_share, false),
                percent(e, sizeof e, t->unknown_share, false),
                count(f, sizeof f, t->conversions_per_hire),
                money(g, sizeof g, t->cost_per_conversion));
    }
    if (ol->n_creators > MAX_ROSTER_ROWS)
        fprintf(stderr, "  ... and %zu more creators\n", ol->n_creators - MAX_ROSTER_ROWS);
    fprintf(stderr, "  unknown: audience in no region (countries no region covers, or not "
                    "known): not shippable.\n");
    (void)sc;
}

/* The outlook, on stderr under the estimate: one row a tier, then one a
 * strategy, then the heuristic warnings (docs/model.md, "What check prints"). */
static infl_status print_outlook(const infl_scenario *sc, infl_error *err)
{
    infl_outlook *ol = NULL;
    infl_status rc = infl_outlook_new(sc, &ol, err);
    if (rc != INFL_OK)
        return rc;
    const char *cur = infl_scenario_currency(sc);
    const double budget = infl_scenario_budget(sc);
    char a[64], b[64], c[64], d[64], e[64], f[64], g[64], h[sizeof a + 1]; /* h: "~" and a */
    fprintf(stderr,
            "influsim: outlook: means the inputs imply (money in %s; docs/model.md, \"What check "
            "prints\"):\n",
            cur);
    int tw = name_width(infl_scenario_tier_name, sc, ol->n_tiers, 6, 11);
    fprintf(stderr, "  %-*s%10s%11s%14s%12s%8s%10s%11s%11s\n", tw, "tier", "followers", "cost/hire",
            "eng/follower", "eng/viewer", "hires", "cost/eng", "conv/hire", "cost/conv");
    bool any_few = false;
    for (size_t k = 0; k < ol->n_tiers; k++) {
        const infl_outlook_tier *t = &ol->tiers[k];
        any_few |= t->few;
        snprintf(h, sizeof h, "%s%s", t->few ? "~" : "", count(a, sizeof a, t->hires_whole_budget));
        fputs("  ", stderr);
        print_name(t->name, tw);
        fprintf(stderr, "%10s%11s%14s%12s%8s%10s%11s%11s\n",
                count(a, sizeof a, round(t->followers)), money(b, sizeof b, t->cost_per_hire),
                percent(c, sizeof c, t->engagement_per_follower, t->per_follower),
                percent(d, sizeof d, t->engagement_per_viewer, !t->per_follower), h,
                money(e, sizeof e, t->cost_per_engagement),
                count(f, sizeof f, t->conversions_per_hire),
                money(g, sizeof g, t->cost_per_conversion));
    }
    fprintf(stderr,
            "  * as given; the other is implied by the means of real_share x reach_rate.\n"
            "  hires: the whole budget (%s) in the tier, under hiring.rule %s.\n",
            money(a, sizeof a, budget), ol->stop_rule ? "stop (the first misfit ends it)" : "skip");
    fprintf(stderr, "  conv/hire: direct and word of mouth%s.\n",
            ol->overlap ? ", before overlap (market.addressable: counted per strategy)" : "");
    if (any_few)
        fputs("  ~: the money buys fewer than two average hires: the count depends on the spread "
              "of prices.\n",
              stderr);
    fprintf(stderr, "  A customer earns %s on a first order (price - unit_cost)",
            money(a, sizeof a, ol->margin));
    if (ol->repeat_orders > 0)
        fprintf(stderr, ", %s with %.3g repeat orders",
                money(b, sizeof b, ol->margin * (1 + ol->repeat_orders)), ol->repeat_orders);
    fputs(";\n  a tier whose cost/conv is above that loses money.\n", stderr);

    if (ol->n_creators > 0)
        print_roster(sc, ol);

    int sw = name_width(infl_scenario_strategy_name, sc, ol->n_strategies, 10, 20);
    fprintf(stderr, "  %-*s%-*s%12s%12s%10s\n", sw, "strategy", 44, "expected hires", "engagements",
            "conversions", "cost/conv");
    for (size_t s = 0; s < ol->n_strategies; s++) {
        const infl_outlook_strategy *st = &ol->strategies[s];
        char text[44];
        hires_text(text, sizeof text, ol, st);
        fputs("  ", stderr);
        print_name(st->name, sw);
        fprintf(stderr, "%-44s%12s%12s%10s\n", text, count(a, sizeof a, st->engagements),
                count(b, sizeof b, st->conversions), money(c, sizeof c, st->cost_per_conversion));
    }

    for (size_t k = 0; k < ol->n_tiers; k++) {
        const infl_outlook_tier *t = &ol->tiers[k];
        if (!t->looks_per_follower)
            continue;
        fprintf(stderr,
                "influsim: warning: tiers.%s.engagement_rate %.3g looks like a per-follower "
                "figure: with %.3g views per follower (real_share x reach_rate%s) it means "
                "%.3g %% engagement per follower, below every published figure (%g %% to %g %%). "
                "Dashboards quote engagement per follower; if this is one, write "
                "engagement_per_follower: %.3g\n",
                t->name, t->engagement_per_viewer, t->viewers_per_follower,
                t->nonfollower_views > 0 ? " + nonfollower_views" : "",
                100.0 * t->engagement_per_follower, 100.0 * INFL_OUTLOOK_PER_FOLLOWER_LOW,
                100.0 * INFL_OUTLOOK_PER_FOLLOWER_HIGH, t->engagement_per_viewer);
    }
    infl_outlook_free(ol);
    return INFL_OK;
}

/* Loads the scenario and prints it resolved, then the estimate and the outlook. */
static infl_status check(const infl_cli_common *c, bool sources, infl_error *err)
{
    if (c->n_args > 1)
        return infl_cli_fail(err, INFL_EARG, "check takes one scenario (got %d arguments)",
                             c->n_args);
    infl_scenario *sc = NULL;
    infl_status rc = infl_cli_load(c->n_args > 0 ? c->args[0] : NULL, &c->sets, &sc, err);
    if (rc != INFL_OK)
        goto done;
    char *text = infl_scenario_resolved_yaml(sc);
    if (text == NULL) {
        rc = infl_cli_fail(err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    fputs(text, stdout);
    free(text);
    if (sources && (rc = print_sources(sc, err)) != INFL_OK)
        goto done;
    print_estimate(sc);
    rc = print_outlook(sc, err);
    if (rc == INFL_OK)
        infl_report_warn_named(sc, stderr, "influsim: warning: ");
done:
    infl_scenario_free(sc);
    return rc;
}

int infl_cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {{"set", required_argument, NULL, 's'},
                                         {"sources", no_argument, NULL, OPT_SOURCES},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    infl_cli_common c = {0};
    infl_error err;
    infl_error_init(&err);
    bool sources = false;
    infl_status rc = infl_cli_parse(argc, argv, "s:h", opts, 1, &c, own_option, &sources, &err);
    if (rc == INFL_OK && c.next == INFL_CLI_GO)
        rc = check(&c, sources, &err);
    int code = infl_cli_end(&c, rc, &err, usage);
    infl_error_destroy(&err);
    infl_cli_common_destroy(&c);
    return code;
}
