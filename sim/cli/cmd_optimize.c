/*
 * cmd_optimize.c — `influsim optimize`: the budget shares across the tiers
 * named that maximise an objective. The options and the printing; the search
 * on the scenario is infl_optimize_scenario_run's (sim/study/), and the file
 * (the scenario's own strategies plus the optimum, on the same trials, with
 * the search in /optimize) is written through the pipeline.
 */
#include "cli.h"

#include "influsim/optimize.h"
#include "influsim/pipeline.h"
#include "influsim/scenario.h"

#include <ctype.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("usage: influsim optimize [SCENARIO] --tiers A,B[,C...] [--objective OBJ] [options]\n"
          "\n"
          "Finds the budget shares across tiers A, B, ... that maximise the objective, on\n"
          "the same simulated trials for every split (tiers not named get nothing). Two\n"
          "tiers: a grid of shares, then Brent's minimiser; more: a lattice, then\n"
          "Nelder-Mead. Reports the optimum, the objective with its Monte Carlo error,\n"
          "and how much the objective changes when a tier's share moves near it.\n"
          "\n"
          "  --tiers A,B,...      the tiers to split the budget across (2 to 8)\n"
          "  --objective OBJ      mean        mean conversions (default)\n"
          "                       qNN         the NN % quantile of conversions (q10: what\n"
          "                                   a bad campaign, 1 in 10, still sells); q0.NNN\n"
          "                                   the level itself\n"
          "                       profit      mean profit (first purchases)\n"
          "                       p-roi       the probability that ROI > 0\n"
          "                       ltv-profit  mean lifetime profit (repeat orders included:\n"
          "                                   product.repeat_orders)\n"
          "                       p-ltv-roi   the probability that the lifetime ROI > 0\n"
          "  --grid N             the first grid: points over the first tier's share (two\n"
          "                       tiers; default 11) or lattice divisions (more; default 4)\n"
          "  --tolerance R        locate the optimum to this share (default 0.005)\n"
          "  -o, --output FILE    results file (default optimize.h5): the scenario's\n"
          "                       strategies and the optimum, and the search in /optimize\n"
          "      --force          replace FILE if it exists\n"
          "  -n, --trials N       trials per split (overrides the scenario's)\n"
          "      --seed S         random seed\n"
          "  -t, --threads T      threads (the results do not depend on it)\n"
          "  -s, --set KEY=VALUE  override a scenario value (repeatable)\n"
          "  -q, --quiet          print only the result line\n"
          "  -h, --help           show this help\n"
          "\n"
          "Where the objective has the same value at every split (P(ROI > 0) = 0, say), or\n"
          "no split is better than the others by more than 2 standard errors, it says so\n"
          "and reports no optimum. Where a profit is below 0 everywhere and the optimum is\n"
          "the split that spends least, it says that spending less is what improves it\n"
          "and compares the splits at equal spend (their ROI).\n"
          "\n"
          "The last line reads: optimize: outcome=OUTCOME TIER=SHARE ... value=V se=E, with\n"
          "OUTCOME optimum, spend-less (both with the shares), constant or flat (no\n"
          "shares: no optimum), V the objective at the best split and E its Monte Carlo\n"
          "standard error, in full precision.\n"
          "Exit status: 0 done (whatever the outcome), 1 a run or the file failed, 2 bad\n"
          "command line or scenario.\n",
          out);
}

/* The tiers named by --tiers, owned. */
typedef struct {
    size_t n_tiers;
    char *tiers[INFL_OPTIMIZE_MAX_TIERS];
} tier_list;

/* Splits "a,b,c" into c->tiers; false (and the message in err) if malformed. */
static bool parse_tiers(tier_list *c, const char *text, infl_error *err)
{
    const char *p = text;
    while (true) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n == 0) {
            infl_cli_fail(err, INFL_EARG,
                          "--tiers: an empty tier name in '%s' (write --tiers micro,macro)", text);
            return false;
        }
        if (c->n_tiers == INFL_OPTIMIZE_MAX_TIERS) {
            infl_cli_fail(err, INFL_EARG, "--tiers: at most %d tiers (got more in '%s')",
                          INFL_OPTIMIZE_MAX_TIERS, text);
            return false;
        }
        c->tiers[c->n_tiers] = strndup(p, n);
        if (c->tiers[c->n_tiers] == NULL) {
            infl_cli_fail(err, INFL_ENOMEM, "out of memory");
            return false;
        }
        for (size_t i = 0; i < c->n_tiers; i++)
            if (!strcmp(c->tiers[i], c->tiers[c->n_tiers])) {
                infl_cli_fail(err, INFL_EARG, "--tiers: '%s' is named twice", c->tiers[i]);
                c->n_tiers++;
                return false;
            }
        c->n_tiers++;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    if (c->n_tiers < 2) {
        infl_cli_fail(err, INFL_EARG,
                      "--tiers: name at least two tiers to split the budget across (got '%s')",
                      text);
        return false;
    }
    return true;
}

/* How a number of the objective prints: rounded to its standard error,
 * money with thousands separators. */
typedef struct {
    const char *label; /* "mean profit" */
    const char *units; /* "USD", "conversions", "1" (not printed) */
    bool money;
    bool repeat_orders; /* the scenario has them: no hint to set them */
} objective_print;

/* "value ± se UNITS" (units "1" left out), rounded to se; signed: "+" before
 * a positive value. */
static void format_value(char *buf, size_t size, const objective_print *op, double value, double se,
                         bool signed_)
{
    char e[64];
    infl_cli_format_number(buf, size, value, se, op->money, signed_);
    infl_cli_format_se(e, sizeof e, se);
    size_t n = strlen(buf);
    bool units = strcmp(op->units, "1") != 0;
    if (n < size)
        snprintf(buf + n, size - n, " ± %s%s%s", e, units ? " " : "", units ? op->units : "");
}

/* A share as a percentage rounded to its uncertainty se (a share too): 0 %
 * and 100 % exactly where it is an edge. */
static void format_share(char *buf, size_t size, double share, double se)
{
    if (share <= 1e-12 || share >= 1.0 - 1e-12) {
        snprintf(buf, size, "%.0f %%", share >= 0.5 ? 100.0 : 0.0);
        return;
    }
    int n = infl_cli_format_estimate(buf, size, 100.0 * share, 100.0 * se);
    if (n >= 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, " %%");
}

/* How precisely the optimum's share of tier t is known, for rounding it:
 * half the range the profile calls flat (no step in it worse by more than 2
 * standard errors), and no less than twice the search's tolerance. Two
 * tiers: the first tier's range for both. */
static double share_uncertainty(const infl_optimize_result *r, size_t t)
{
    size_t pt = t < r->n_profile_tiers ? t : 0;
    return fmax(2.0 * r->tolerance, 0.5 * (r->flat_high[pt] - r->flat_low[pt]));
}

/* A paragraph being composed, printed wrapped to the terminal's usual width. */
typedef struct {
    char text[4096];
    size_t n;
    const char *unit; /* a word never put at the start of a line (the currency), or NULL */
} paragraph;

/* Appends printf-formatted text (cut at the paragraph's size). */
__attribute__((format(printf, 2, 3))) static void para_add(paragraph *p, const char *fmt, ...)
{
    if (p->n + 1 >= sizeof p->text)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(p->text + p->n, sizeof p->text - p->n, fmt, ap);
    va_end(ap);
    if (k > 0)
        p->n = p->n + (size_t)k < sizeof p->text ? p->n + (size_t)k : sizeof p->text - 1;
}

/* Whether a line may break at the space s[i]: not inside "1 ± 2", "5 %" or
 * "100 USD", which read as one thing. */
static bool breakable(const paragraph *p, const char *s, size_t i)
{
    static const char pm[] = "\xC2\xB1"; /* ± */
    if (s[i + 1] == '%' || !strncmp(s + i + 1, pm, 2) || (i >= 2 && !strncmp(s + i - 2, pm, 2)))
        return false;
    size_t u = p->unit ? strlen(p->unit) : 0;
    return !(u > 0 && !strncmp(s + i + 1, p->unit, u) && !isalnum((unsigned char)s[i + 1 + u]));
}

/* Prints the paragraph in lines of at most 78 columns (counting UTF-8
 * characters, breaking at spaces; "\n" in the text starts a new line), each
 * after `indent`, then empties it. */
static void para_print(paragraph *p, const char *indent)
{
    const size_t width = 78 - strlen(indent);
    const char *s = p->text;
    while (*s) {
        size_t cols = 0, cut = 0, i = 0;
        for (; s[i] && s[i] != '\n'; i++) {
            if (s[i] == ' ' && cols <= width && breakable(p, s, i))
                cut = i;
            if (((unsigned char)s[i] & 0xC0) != 0x80)
                cols++;
            if (cols > width && cut > 0)
                break;
        }
        size_t len = s[i] && s[i] != '\n' ? cut : i;
        printf("%s%.*s\n", indent, (int)len, s);
        s += len;
        if (*s == ' ' || *s == '\n')
            s++;
    }
    p->n = 0;
    p->text[0] = '\0';
}

/* "A 80.5 %, B 19.5 %": the shares of point p: the optimum's each rounded
 * to its own uncertainty, another point's to 3 digits. */
static void para_shares(paragraph *pa, const tier_list *c, const infl_optimize_result *r, size_t p)
{
    for (size_t t = 0; t < c->n_tiers; t++) {
        char sh[64];
        const double x = r->shares[p * r->n_tiers + t];
        if (p == r->best)
            format_share(sh, sizeof sh, x, share_uncertainty(r, t));
        else /* a split the search chose, not an estimate */
            snprintf(sh, sizeof sh, "%.3g %%", 100.0 * x);
        para_add(pa, "%s%s %s", t ? ", " : "", c->tiers[t], sh);
    }
}

/* Constant: what the objective's one value means, and what to try instead. */
static void print_constant(const infl_objective *obj, const infl_optimize_result *r,
                           const objective_print *op)
{
    char v[96];
    infl_cli_format_number(v, sizeof v, r->value_at_optimum, r->se_at_optimum, op->money, false);
    /* the label names conversions already; money gets its currency */
    const bool ltv = obj->kind == INFL_OBJECTIVE_P_LTV_ROI;
    paragraph pa = {.unit = op->units};
    para_add(&pa, "%s is %s%s%s at every split tried", op->label, v, op->money ? " " : "",
             op->money ? op->units : "");
    if (infl_objective_is_probability(obj) && r->value_at_optimum == 0.0)
        para_add(&pa,
                 ": no split pays for itself %s. There is no optimum to report. Try "
                 "--objective mean%s.",
                 ltv ? "even with its repeat orders" : "on first purchases",
                 ltv                 ? ", or ltv-profit (how much each split loses)"
                 : op->repeat_orders ? ", or lifetime value (--objective p-ltv-roi or ltv-profit)"
                                     : ", or lifetime value (set product.repeat_orders, then "
                                       "--objective p-ltv-roi or ltv-profit)");
    else if (infl_objective_is_probability(obj) && r->value_at_optimum == 1.0)
        para_add(&pa,
                 ": every split pays for itself in every trial. There is no optimum by this "
                 "objective; compare the splits by --objective %s or mean.",
                 ltv ? "ltv-profit" : "profit");
    else
        para_add(&pa, ": the objective cannot tell the splits apart, so there is no optimum "
                      "to report.");
    printf("\n");
    para_print(&pa, "");
}

/* The first grid's splits, their objective and their difference from the
 * best, as a table (at most 30 rows). */
static void print_grid(const tier_list *c, const infl_optimize_result *r, const objective_print *op)
{
    size_t shown = 0, total = 0;
    const objective_print bare = {.label = op->label, .units = "1", .money = op->money};
    char head[160]; /* the label names conversions already; money gets its currency */
    snprintf(head, sizeof head, "%s%s%s%s", op->label, op->money ? " (" : "",
             op->money ? op->units : "", op->money ? ")" : "");
    const int width = strlen(head) > 22 ? (int)strlen(head) : 22;
    printf("\nthe first grid, on the same trials:\n");
    for (size_t t = 0; t < c->n_tiers; t++)
        printf("  %7.24s", c->tiers[t]);
    printf("  %-*s  %s\n", width, head, "difference from the best");
    for (size_t p = 0; p < r->n_points; p++) {
        if (r->stage[p] != INFL_STAGE_GRID || ++total > 30)
            continue;
        char v[128], d[128];
        format_value(v, sizeof v, &bare, r->value[p], r->se[p], false);
        format_value(d, sizeof d, &bare, r->gap[p], r->gap_se[p], true);
        for (size_t t = 0; t < c->n_tiers; t++)
            printf("  %5.3g %%", 100.0 * r->shares[p * r->n_tiers + t]);
        printf("  %-*s  %s\n", width + 1, v, d); /* one column more: "±" is two bytes */
        shown++;
    }
    if (total > shown)
        printf("  ... and %zu more (/optimize in the file)\n", total - shown);
}

/* The search stopped short of its tolerance, or against the boundary. */
static void print_convergence(const tier_list *c, const infl_optimize_result *r)
{
    paragraph pa = {0};
    if (r->on_edge) {
        para_add(&pa, "on the edge:");
        for (size_t t = 0, first = 1; t < c->n_tiers; t++)
            if (r->optimum[t] <= 1e-12) {
                para_add(&pa, "%s %s 0 %%", first ? "" : ",", c->tiers[t]);
                first = 0;
            }
        if (!r->converged)
            para_add(&pa, " (the search stalls against the boundary there, which is "
                          "expected; the profile below shows what moving off it costs)");
    } else if (!r->converged) {
        para_add(&pa,
                 "the search stopped before it located the optimum to ±%.2g %% (%s); the "
                 "profile below says how flat the objective is there",
                 100.0 * r->tolerance,
                 r->stalled ? "no better split in its last 60 iterations" : "its iteration limit");
    }
    para_print(&pa, "  ");
}

/* An objective that counts spend, below 0 at the optimum: every split loses
 * money; where the optimum spends least, that spending less is what
 * improves the objective, and the splits compared at equal spend. */
static void print_spend(const infl_objective *obj, const tier_list *c,
                        const infl_optimize_result *r, const objective_print *op, double budget)
{
    const bool ltv = obj->kind == INFL_OBJECTIVE_LTV_PROFIT;
    const char *purchases = ltv ? "even with its repeat orders" : "on first purchases";
    if (!r->losing)
        return;
    char lo[64], hi[64], at[64], b[64], left[64];
    infl_cli_format_money(lo, sizeof lo, r->spend_low, op->units);
    infl_cli_format_money(hi, sizeof hi, r->spend_high, op->units);
    infl_cli_format_money(at, sizeof at, r->spend[r->best], op->units);
    infl_cli_format_money(b, sizeof b, budget, op->units);
    infl_cli_format_money(left, sizeof left, budget - r->spend[r->best], op->units);
    paragraph pa = {.unit = op->units};
    if (r->outcome == INFL_OPTIMIZE_FLAT) {
        para_add(&pa,
                 "Every split tried loses money %s (%s below 0 at each). Spending nothing "
                 "would lose nothing.",
                 purchases, op->label);
    } else if (r->outcome != INFL_OPTIMIZE_SPEND_LESS) {
        para_add(&pa,
                 "Every split tried loses money %s (%s below 0 at each): the optimum is the "
                 "split that loses least, at %s spent on average (the splits tried spend %s "
                 "to %s of the %s budget). Spending nothing would lose nothing.",
                 purchases, op->label, at, lo, hi, b);
    } else {
        para_add(&pa, "Spending less is what improves %s here: every split tried loses money %s, ",
                 op->label, purchases);
        if (r->spends_least || r->best_per_spend == SIZE_MAX)
            para_add(&pa, "and the optimum is one of the splits that spend least: ");
        else
            para_add(&pa, "and the optimum spends less than the split that is best per money "
                          "spent: ");
        para_add(&pa,
                 "%s on average, leaving %s of the %s budget unspent (the splits tried spend "
                 "%s to %s). Spending nothing would lose nothing.",
                 at, left, b, lo, hi);
        const char *roi = ltv ? "lifetime ROI" : "ROI";
        if (r->best_per_spend != SIZE_MAX) {
            const size_t q = r->best_per_spend;
            char vq[64], vo[64], d[64];
            infl_cli_format_pm(vq, sizeof vq, r->per_spend[q], r->per_spend_se[q]);
            infl_cli_format_pm(vo, sizeof vo, r->per_spend[r->best], r->per_spend_se[r->best]);
            infl_cli_format_pm(d, sizeof d, r->per_spend_gap, r->per_spend_gap_se);
            para_add(&pa, "\nAt equal spend (profit per money spent, the %s of totals)", roi);
            if (q == r->best)
                para_add(&pa, " the optimum is also the best split tried: %s %s.", roi, vo);
            else if (r->per_spend_gap < -2.0 * r->per_spend_gap_se)
                para_add(&pa, " the optimum is worse: its %s is %s; ", roi, vo);
            else
                para_add(&pa, " the optimum is as good as any split tried: its %s is %s; ", roi,
                         vo);
            if (q != r->best) {
                para_add(&pa, "the best split tried, ");
                para_shares(&pa, c, r, q);
                para_add(&pa, ", has %s (the optimum's minus its: %s, on the same trials).", vq, d);
                if (r->per_spend_gap < -2.0 * r->per_spend_gap_se)
                    para_add(&pa, " The optimum's higher %s comes from spending less.", op->label);
            }
        }
    }
    if (!ltv && op->repeat_orders)
        para_add(&pa, "\nCustomers buy again in this scenario: try --objective ltv-profit.");
    else if (!ltv)
        para_add(&pa, "\nIf customers buy again, set product.repeat_orders and try --objective "
                      "ltv-profit.");
    printf("\n");
    para_print(&pa, "");
}

/* The optimum, its value, and whether the search met its tolerance. */
static void print_optimum(const tier_list *c, const infl_optimize_result *r,
                          const objective_print *op)
{
    paragraph pa = {0};
    para_add(&pa, "optimum (%s, %u iterations): ", r->method, r->iterations);
    para_shares(&pa, c, r, r->best);
    printf("\n");
    para_print(&pa, "");
    char v[128];
    format_value(v, sizeof v, op, r->value_at_optimum, r->se_at_optimum, false);
    printf("  %s: %s (Monte Carlo standard error)\n", op->label, v);
    print_convergence(c, r);
}

/* The profile around the optimum and how flat it is. */
static void print_profile(const tier_list *c, const infl_optimize_result *r,
                          const objective_print *op)
{
    const bool units = strcmp(op->units, "1") != 0;
    paragraph pa = {0};
    para_add(&pa,
             "change of the objective%s%s%s when a tier's share moves by STEP percentage "
             "points (the other tiers rescaled), ± its standard error on the same trials:",
             units ? " (" : "", units ? op->units : "", units ? ")" : "");
    printf("\n");
    para_print(&pa, "");
    printf("%6s", "step");
    const objective_print bare = {.label = op->label, .units = "1", .money = op->money};
    const size_t last = r->n_profile_tiers - 1;
    for (size_t t = 0; t < r->n_profile_tiers; t++)
        printf(t < last ? "  %-24.24s" : "  %.24s", c->tiers[t]);
    printf("\n");
    for (size_t j = 0; j < r->n_steps; j++) {
        printf("%+6.0f", 100.0 * r->steps[j]);
        for (size_t t = 0; t < r->n_profile_tiers; t++) {
            double d = r->difference[t * r->n_steps + j], e = r->difference_se[t * r->n_steps + j];
            char cell[128] = "-";
            if (!isnan(d))
                format_value(cell, sizeof cell, &bare, d, e, true);
            /* one column more: "±" is two bytes */
            printf(t < last ? "  %-25s" : "  %s", cell);
        }
        printf("\n");
    }
    printf("\nwithin 2 standard errors of the optimum (as flat as the simulation can tell):\n");
    for (size_t t = 0; t < r->n_profile_tiers; t++) {
        char lo[32], hi[32];
        format_share(lo, sizeof lo, r->flat_low[t], 2.0 * r->tolerance);
        format_share(hi, sizeof hi, r->flat_high[t], 2.0 * r->tolerance);
        printf("  %s share from %s to %s\n", c->tiers[t], lo, hi);
    }
}

/* What the search found: no optimum (constant or flat, with the first
 * grid as the evidence), or the optimum and what to make of it. */
static void print_result(const tier_list *c, const infl_objective *obj,
                         const infl_optimize_result *r, const objective_print *op, double budget)
{
    if (r->outcome == INFL_OPTIMIZE_CONSTANT) {
        print_constant(obj, r, op);
        return;
    }
    if (r->outcome == INFL_OPTIMIZE_FLAT) {
        paragraph pa = {0};
        para_add(&pa,
                 "%s is flat: every split of the first grid is within 2 standard errors of "
                 "the best (differences on the same trials), so the simulation cannot tell "
                 "them apart and there is no optimum to report. More trials (-n) narrow the "
                 "errors.",
                 op->label);
        printf("\n");
        para_print(&pa, "");
        print_grid(c, r, op);
        print_spend(obj, c, r, op, budget);
        return;
    }
    print_optimum(c, r, op);
    print_spend(obj, c, r, op, budget);
    print_profile(c, r, op);
}

enum { OPT_TIERS = INFL_CLI_OPT_OWN, OPT_OBJECTIVE, OPT_GRID, OPT_TOL };

/* The command line: the shared options and the search's. */
typedef struct {
    infl_cli_common common;
    tier_list tiers; /* owned */
    bool tiers_given;
    const char *objective;
    uint64_t grid;
    double tolerance;
} optimize_options;

/* An infl_cli_own_fn: the options only optimize takes. */
static infl_cli_option optimize_option(void *opts, int opt, const char *arg, infl_error *err)
{
    optimize_options *o = opts;
    switch (opt) {
    case OPT_TIERS: {
        bool ok = !o->tiers_given && parse_tiers(&o->tiers, arg, err);
        if (o->tiers_given)
            infl_cli_fail(err, INFL_EARG,
                          "--tiers: give it once, with every tier (--tiers micro,macro)");
        o->tiers_given = true;
        return ok ? INFL_CLI_OPTION_TAKEN : INFL_CLI_OPTION_BAD;
    }
    case OPT_OBJECTIVE:
        o->objective = arg;
        return INFL_CLI_OPTION_TAKEN;
    case OPT_GRID:
        return infl_cli_taken(infl_cli_parse_u64("--grid", arg, 1, 1001, &o->grid, err));
    case OPT_TOL:
        if (infl_cli_parse_between(arg, 0, 0.5, &o->tolerance))
            return INFL_CLI_OPTION_TAKEN;
        infl_cli_fail(err, INFL_EARG,
                      "--tolerance: expected a share between 0 and 0.5 such as 0.005 (got '%s')",
                      arg);
        return INFL_CLI_OPTION_BAD;
    default:
        return INFL_CLI_OPTION_OTHER;
    }
}

/* Fills *o from the command line; see infl_cli_parse. */
static infl_status parse_optimize_options(int argc, char **argv, optimize_options *o,
                                          infl_error *err)
{
    static const struct option opts[] = {{"tiers", required_argument, NULL, OPT_TIERS},
                                         {"objective", required_argument, NULL, OPT_OBJECTIVE},
                                         {"grid", required_argument, NULL, OPT_GRID},
                                         {"tolerance", required_argument, NULL, OPT_TOL},
                                         {"output", required_argument, NULL, 'o'},
                                         {"force", no_argument, NULL, INFL_CLI_OPT_FORCE},
                                         INFL_CLI_SCENARIO_LONG_OPTIONS,
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    return infl_cli_parse(argc, argv, "o:n:t:s:qh", opts, 2, &o->common, optimize_option, o, err);
}

/* What optimize needs beside the options, then --trials and --seed as
 * overrides; fills the search's options *so. */
static infl_status check_optimize_options(optimize_options *o, infl_optimize_scenario_options *so,
                                          infl_error *err)
{
    infl_status rc;
    if (!o->tiers_given || o->common.n_args > 1)
        return infl_cli_fail(err, INFL_EARG,
                             "optimize needs --tiers A,B[,...] (and at most one scenario)");
    if ((rc = infl_objective_parse(o->objective, &so->objective, err)) != INFL_OK)
        return rc;
    if (!infl_cli_sets_add_trials_seed(&o->common.sets, o->common.trials, o->common.seed))
        return infl_error_add(err, INFL_ENOMEM, "out of memory");
    so->tiers = (const char *const *)o->tiers.tiers;
    so->n_tiers = o->tiers.n_tiers;
    so->grid = (unsigned)o->grid;
    so->tolerance = o->tolerance;
    so->threads = (unsigned)o->common.threads;
    so->cluster = o->common.cluster;
    return INFL_OK;
}

/* The line before the search. */
static void print_title(const infl_scenario *base, const tier_list *c, const char *label)
{
    printf("%s: maximising %s over the budget shares of", infl_scenario_name(base), label);
    for (size_t t = 0; t < c->n_tiers; t++)
        printf(" %s%s", c->tiers[t], t + 1 < c->n_tiers ? "," : "");
    printf(" (%llu trials per split, seed %llu)\n", (unsigned long long)infl_scenario_trials(base),
           (unsigned long long)infl_scenario_seed(base));
    fflush(stdout);
}

/* What the search found and cost (search), and the file's run (result). */
typedef struct {
    const char *label, *units;
    const infl_objective *objective;
    infl_optimize_scenario_result search;
    double search_seconds;
    infl_pipeline_result result;
} optimize_outcome;

/* Everything between the title and the result line: what the search cost
 * and found, and the optimum beside the scenario's strategies. */
static void print_report(const optimize_options *o, const optimize_outcome *out)
{
    const infl_optimize_result *r = out->search.search;
    /* The hires include the run at the optimum, as they always have. */
    printf("searched %zu splits in %u runs (%.1f s, %.3g hires simulated)\n", r->n_points,
           out->search.runs, out->search_seconds,
           (double)(out->search.hires + out->result.stats.hires_simulated));
    const objective_print op = {.label = out->label,
                                .units = out->units,
                                .money = infl_objective_counts_spend(out->objective),
                                .repeat_orders =
                                    infl_scenario_has_repeat_orders(out->search.scenario)};
    print_result(&o->tiers, out->objective, r, &op, infl_scenario_budget(out->search.scenario));
    infl_report_header h = infl_report_header_of(out->search.scenario, &out->result);
    printf("\n%s, on the same trials:\n\n", out->search.strategy[0]
                                                ? "the optimum beside the scenario's strategies"
                                                : "the scenario's strategies");
    infl_report_print(stdout, &h, out->result.summary);
    printf("\nwrote %s\n", o->common.output);
}

/* The search, then the file: the scenario's strategies and the optimum, on
 * the same trials. */
static infl_status search_and_write(const optimize_options *o, infl_scenario *base,
                                    const infl_optimize_scenario_options *so, optimize_outcome *out,
                                    infl_error *err)
{
    const double start = infl_now();
    infl_status rc = infl_optimize_scenario_run(base, so, &out->search, err);
    if (rc != INFL_OK)
        return rc;
    out->search_seconds = infl_now() - start;
    infl_h5_optimize record = {.result = out->search.search,
                               .tier_names = o->tiers.tiers,
                               .objective = &so->objective,
                               .objective_units = out->units,
                               .strategy = out->search.strategy};
    infl_pipeline_options popt = {.output = o->common.output,
                                  .replace = o->common.force,
                                  .run = {.threads = so->threads, .cluster = so->cluster},
                                  .earlier_seconds = out->search_seconds,
                                  .optimize = &record};
    return infl_pipeline_run(out->search.scenario, &popt, &out->result, err);
}

/* Loads the scenario, searches, writes the file and prints the report. */
static infl_status optimize(const optimize_options *o, infl_optimize_scenario_options *so,
                            infl_error *err)
{
    const infl_cli_common *c = &o->common;
    infl_scenario *base = NULL;
    optimize_outcome out = {0};
    char label[96];
    infl_status rc = infl_cli_load(c->n_args > 0 ? c->args[0] : NULL, &c->sets, &base, err);
    if (rc != INFL_OK ||
        (rc = infl_optimize_scenario_check_tiers(base, so->tiers, so->n_tiers, err)) != INFL_OK)
        goto done;
    /* Refuse a target we may not write before any simulation. */
    if ((rc = infl_cli_check_target(c, err)) != INFL_OK)
        goto done;
    infl_objective_describe(&so->objective, label, sizeof label);
    out.label = label;
    out.units = infl_objective_units(&so->objective, infl_scenario_currency(base));
    out.objective = &so->objective;
    if (!c->quiet)
        print_title(base, &o->tiers, label);
    if ((rc = search_and_write(o, base, so, &out, err)) != INFL_OK)
        goto done;
    if (!c->quiet)
        print_report(o, &out);
    const infl_optimize_result *r = out.search.search;
    printf("optimize: outcome=%s", infl_optimize_outcome_name(r->outcome));
    if (out.search.strategy[0]) /* an optimum: its shares */
        for (size_t t = 0; t < o->tiers.n_tiers; t++)
            printf(" %s=%.17g", o->tiers.tiers[t], r->optimum[t]);
    printf(" value=%.17g se=%.17g\n", r->value_at_optimum, r->se_at_optimum);
done:
    infl_pipeline_result_destroy(&out.result);
    infl_optimize_scenario_result_destroy(&out.search);
    infl_scenario_free(base);
    return rc;
}

int infl_cmd_optimize(int argc, char **argv)
{
    return infl_cmd_optimize_in(argc, argv, NULL);
}

int infl_cmd_optimize_in(int argc, char **argv, const infl_cluster *cluster)
{
    optimize_options o = {.common = {.output = "optimize.h5", .cluster = cluster},
                          .objective = "mean"};
    infl_optimize_scenario_options so = {0};
    infl_error err;
    infl_error_init(&err);
    infl_status rc = parse_optimize_options(argc, argv, &o, &err);
    if (rc == INFL_OK && o.common.next == INFL_CLI_GO &&
        (rc = check_optimize_options(&o, &so, &err)) == INFL_OK)
        rc = optimize(&o, &so, &err);
    int code = infl_cli_end(&o.common, rc, &err, usage);
    for (size_t t = 0; t < o.tiers.n_tiers; t++)
        free(o.tiers.tiers[t]);
    infl_error_destroy(&err);
    infl_cli_common_destroy(&o.common);
    return code;
}
