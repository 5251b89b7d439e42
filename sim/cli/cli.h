/*
 * cli.h — the pieces of the influsim command-line program: subcommands,
 * argument helpers, the summary report and the progress bar. The library
 * never prints: its errors come back as values. Each subcommand parses its
 * options, calls the library, prints its output and every message (its own
 * and the library's, through infl_cli_print_error) and returns the exit code,
 * which main returns; main itself prints only for a missing or unknown
 * subcommand. A command reads in four steps: its options into a plain struct
 * (infl_cli_parse with a callback for its own), the combinations it refuses,
 * the library calls, the printing; infl_cli_end prints the usage or the
 * error and picks the exit code.
 */
#ifndef INFL_CLI_H
#define INFL_CLI_H

#include "influsim/cluster.h"
#include "influsim/h5.h"
#include "influsim/pipeline.h"
#include "influsim/results.h"
#include "influsim/select.h"
#include "influsim/sensitivity.h"

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes, documented in `influsim --help` and README.md. */
enum {
    INFL_EXIT_OK = 0,
    INFL_EXIT_FAILURE = 1,       /* the run or a file operation failed */
    INFL_EXIT_USAGE = 2,         /* bad command line or invalid scenario */
    INFL_EXIT_INTERRUPTED = 130, /* stopped by SIGINT or SIGTERM (128 + SIGINT) */
};

int infl_cmd_run(int argc, char **argv);
/* The same, as one rank of a cluster (influsim-mpi; NULL: one process):
 * every rank runs a share, rank 0 prints and writes. */
int infl_cmd_run_in(int argc, char **argv, const infl_cluster *cluster);
int infl_cmd_check(int argc, char **argv);
int infl_cmd_show(int argc, char **argv);
int infl_cmd_report(int argc, char **argv);
int infl_cmd_sweep(int argc, char **argv);
int infl_cmd_plan(int argc, char **argv);
int infl_cmd_optimize(int argc, char **argv);
int infl_cmd_select(int argc, char **argv);
int infl_cmd_sensitivity(int argc, char **argv);
/* The studies as ranks of a cluster too (see infl_cmd_run_in). */
int infl_cmd_sweep_in(int argc, char **argv, const infl_cluster *cluster);
int infl_cmd_plan_in(int argc, char **argv, const infl_cluster *cluster);
int infl_cmd_optimize_in(int argc, char **argv, const infl_cluster *cluster);
int infl_cmd_sensitivity_in(int argc, char **argv, const infl_cluster *cluster);
int infl_cmd_new(int argc, char **argv);
int infl_cmd_merge(int argc, char **argv);

/* The built-in default scenario (experiments/french-brand.yaml), embedded at build time. */
extern const char infl_default_scenario_yaml[];
extern const unsigned long infl_default_scenario_size;
#define INFL_DEFAULT_SCENARIO_ORIGIN "experiments/french-brand.yaml (built in)"

/* Prints "influsim: error: " and the message(s) to stderr. */
void infl_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints every message of err, each prefixed "influsim: ". */
void infl_cli_print_error(const infl_error *err);
/* Exit code for a library status. */
int infl_cli_exit_code(infl_status status);

/* A growable list of --set arguments; the strings are borrowed from argv or owned (owned[i]). */
typedef struct infl_cli_sets {
    const char **items;
    bool *owned;
    size_t count, capacity;
} infl_cli_sets;
bool infl_cli_sets_add(infl_cli_sets *sets, const char *item, bool owned);
/* Adds an owned "key=value" override (for --trials, --seed); false if out of memory. */
bool infl_cli_sets_add_override(infl_cli_sets *sets, const char *key, const char *value);
/* Adds --trials and --seed (each when not NULL) as overrides; false if out of memory. */
bool infl_cli_sets_add_trials_seed(infl_cli_sets *sets, const char *trials, const char *seed);
/* Loads the scenario at path (NULL: the built-in default) with the overrides
 * of sets, once: a study derives every point from it (infl_scenario_derive)
 * and never reads the file again. */
struct infl_scenario;
infl_status infl_cli_load(const char *path, const infl_cli_sets *sets, struct infl_scenario **sc,
                          infl_error *err);
void infl_cli_sets_destroy(infl_cli_sets *sets);

/*
 * The options every command that simulates shares, filled by infl_cli_parse:
 * -n/--trials, --seed, -t/--threads, -s/--set (INFL_CLI_SCENARIO_LONG_OPTIONS
 * in a command's table), and -o/--output, --force, -q/--quiet and -h/--help
 * where the command's table lists them. A command numbers its own long-only
 * options from INFL_CLI_OPT_OWN.
 */
enum { INFL_CLI_OPT_SEED = 256, INFL_CLI_OPT_FORCE, INFL_CLI_OPT_OWN };
/* clang-format off */
#define INFL_CLI_SCENARIO_LONG_OPTIONS                                                             \
    {"trials", required_argument, NULL, 'n'},                                                      \
    {"seed", required_argument, NULL, INFL_CLI_OPT_SEED},                                          \
    {"threads", required_argument, NULL, 't'},                                                     \
    {"set", required_argument, NULL, 's'}
/* clang-format on */

/* Where parsing left a command. */
typedef enum {
    INFL_CLI_GO,      /* the options are complete: run */
    INFL_CLI_HELP,    /* -h: the usage on stdout, exit 0 */
    INFL_CLI_UNKNOWN, /* getopt refused an option (and said so): the usage on stderr, exit 2 */
} infl_cli_next;

typedef struct {
    infl_cli_sets sets;        /* every --set; then --trials and --seed, see infl_cli_parse */
    const char *trials, *seed; /* as given (NULL: not given) */
    uint64_t threads;          /* 0: the default */
    const char *output;        /* -o; the command sets its default before parsing */
    bool force, quiet;
    infl_cli_next next;
    char **args; /* the operands after the options (borrowed from argv) */
    int n_args;
    /* influsim-mpi's ranks (NULL: one process), set before parsing: every
     * rank runs the command alike, rank 0 alone checks and writes files. */
    const infl_cluster *cluster;
} infl_cli_common;
void infl_cli_common_destroy(infl_cli_common *c);
/* Refuses an output the command may not write (infl_h5_check_target of -o
 * and --force), checked by rank 0 of c->cluster alone and agreed by all. */
infl_status infl_cli_check_target(const infl_cli_common *c, infl_error *err);

/* A command's own options: TAKEN (parsed), BAD (err says why) or OTHER
 * (not one of its options: the usage is printed). */
typedef enum {
    INFL_CLI_OPTION_OTHER,
    INFL_CLI_OPTION_TAKEN,
    INFL_CLI_OPTION_BAD,
} infl_cli_option;
/* TAKEN when rc is INFL_OK, else BAD. */
infl_cli_option infl_cli_taken(infl_status rc);
typedef infl_cli_option (*infl_cli_own_fn)(void *opts, int opt, const char *arg, infl_error *err);

/*
 * The getopt loop of a command: the shared options into *c (--trials at least
 * min_trials), every other one through own(opts, ...). Prints nothing
 * (getopt itself names an unknown option). Stops at -h or an unknown option
 * with c->next saying which, and INFL_OK. A malformed shared option gives its
 * status (INFL_EARG, or INFL_ENOMEM) and a malformed own one INFL_EARG, the
 * message, ready to print, in err. Once the loop is done, --trials and --seed
 * are not yet in c->sets: the command adds them (infl_cli_sets_add_trials_seed)
 * after its own checks, so they win over a --set of the same key and the
 * positions in messages about --set count only the user's --set options.
 */
infl_status infl_cli_parse(int argc, char **argv, const char *short_opts,
                           const struct option *long_opts, uint64_t min_trials, infl_cli_common *c,
                           infl_cli_own_fn own, void *opts, infl_error *err);

/*
 * The exit code of a command that stopped at c->next or with status rc: the
 * usage on stdout (-h) or stderr (an unknown option), or err's messages when
 * rc failed; INFL_EXIT_OK when the command went on and succeeded.
 */
int infl_cli_end(const infl_cli_common *c, infl_status rc, const infl_error *err,
                 void (*usage)(FILE *out));

/* Appends "influsim: error: " and the message to err; returns status. */
infl_status infl_cli_fail(infl_error *err, infl_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parses a whole number in [lo, hi]; INFL_EARG (and a message naming
 * `option` in err) if not. */
infl_status infl_cli_parse_u64(const char *option, const char *text, uint64_t lo, uint64_t hi,
                               uint64_t *out, infl_error *err);
/* Parses a number strictly between lo and hi into *out; false if not one. */
bool infl_cli_parse_between(const char *text, double lo, double hi, double *out);
/* --shard I/N into *index (I - 1) and *count (N), 1 <= I <= N <= 2^20;
 * INFL_EARG with a message otherwise. */
infl_status infl_cli_parse_shard(const char *arg, uint64_t *index, uint64_t *count,
                                 infl_error *err);

/* What the report says about the run beside the numbers. */
typedef struct {
    const char *scenario_name;
    const char *currency;
    uint64_t trials, seed;
    uint64_t trials_done; /* fewer than trials when the run was stopped early */
    unsigned threads;
    double wall_seconds;
    bool complete;
    /* The scenario run, for notes that need its keys (unspent money, the
     * horizon of repeat orders); NULL where only the file is at hand. */
    const infl_scenario *sc;
} infl_report_header;

/* The header of a run's report: the scenario's name, currency, trials and
 * seed, and what the run r did (trials done, threads, wall time, stopped). */
infl_report_header infl_report_header_of(const infl_scenario *sc, const infl_pipeline_result *r);
/* Prints the summary tables (per strategy, lifetime value where there are
 * repeat orders, and P(A > B)) to out. */
void infl_report_print(FILE *out, const infl_report_header *h, const infl_summary *sm);
/* Prints a warning on stderr for each strategy that leaves more than 5 % of
 * the budget unspent on average, naming the cause (influsim/unspent.h). */
void infl_report_warn_unspent(const infl_scenario *sc, const infl_summary *sm);
/* Notes on named creators whose cost did not fit what was left of the budget
 * (influsim/named.h), each line on out after prefix. */
void infl_report_warn_named(const infl_scenario *sc, FILE *out, const char *prefix);
/* Prints, per strategy, every metric: mean, its standard error, 5/50/95 %,
 * the total (or for ratios the ratio of totals), P(0), trials missing, units. */
void infl_report_print_metrics(FILE *out, const infl_summary *sm);

/* select's answer (select_report.c): `influsim select` prints it after its
 * search, `influsim show` from a select's file, so the two are the same. */
/* A sensitivity study's tables (sens_report.c), after the study and from
 * its file (`show`): the decision ranked, the flips, each strategy's mean
 * conversions and profit, the noise; at most `top` factors per table (0: all). */
void infl_sens_print(FILE *out, const infl_sens_result *r, const char *scenario_name,
                     const char *currency, double wall_seconds, size_t top);

/* The line before the search: "NAME: choosing the creators that maximise
 * LABEL with BUDGET (N trials, seed S)"; flushes out. */
void infl_select_print_title(FILE *out, const char *scenario_name, const infl_objective *objective,
                             double budget, const char *currency, uint64_t trials, uint64_t seed);
/* How the search went, the plan's creators (cost, conversions, marginal
 * value, share of resamples choosing them), the objective, the runner-up
 * and the creators the resamples disagree on; money in currency. */
void infl_select_print_answer(FILE *out, const infl_select_result *r, const char *currency);
/* The last line, for scripts: "select: method=exact|greedy plan=A,B
 * value=V se=E" (full precision). */
void infl_select_print_result_line(FILE *out, const infl_select_result *r);

/* A progress bar on stderr: trials done, rate, time left. */
typedef struct {
    double start;     /* monotonic seconds */
    double last_draw; /* when the bar was last drawn */
    bool enabled;
    bool drawn;
    const char *unit; /* what is counted: "trials" (set by init), or a study's "runs" */
} infl_progress;
void infl_progress_init(infl_progress *p, bool enabled);
/* An infl_progress_fn: user is an infl_progress *. */
void infl_progress_update(void *user, uint64_t done, uint64_t total);
/* Clears the bar's line if it was drawn. */
void infl_progress_finish(infl_progress *p);
/*
 * Ctrl-C and SIGTERM (interrupt.c). The first asks the run to stop at the end
 * of the current round of trials (the engine reads the flag) and to write what
 * it has; the second exits at once with status 130, removing the temporary
 * file being written, so the target path is left as it was.
 */
bool infl_interrupt_install(void);
const volatile sig_atomic_t *infl_interrupt_flag(void);
/* The temporary file the second signal must remove (NULL: none). */
void infl_interrupt_temp(const char *path);

/* Memory this process may still use, in bytes: MemAvailable, or less under
 * a cgroup or RLIMIT_AS limit; -1 if unknown. */
double infl_available_memory(void);
/* Parses a size in bytes with an optional K, M, G or T suffix (binary);
 * INFL_EARG (and a message naming `option` in err) if not one. */
infl_status infl_cli_parse_size(const char *option, const char *text, double *out, infl_error *err);

/* Peak resident memory of this process so far, in MiB (VmHWM). */
double infl_peak_rss_mib(void);
/* Monotonic clock in seconds. */
double infl_now(void);

/* Numbers as a reader should see them (number.c). Each writes at most size
 * bytes to buf (snprintf's contract) and returns snprintf's count. Rounding
 * is half away from zero; nothing prints as "-0". */
/* value rounded to two significant digits of its standard error se ("31.24"
 * for 31.2437 with se 0.25; "12300" for 12345 with se 1234; two decimals
 * with se 0.0996, which rounds to 0.10); with se 0 or not finite, 6 significant digits (every
 * integer digit from a million up); a NaN value as "-", infinities as "inf"
 * and "-inf". */
int infl_cli_format_estimate(char *buf, size_t size, double value, double se);
/* se itself, to two significant digits ("0.25", "1200"); 0 as "0", a
 * negative or NaN se as "-". */
int infl_cli_format_se(char *buf, size_t size, double se);
/* "value ± se", both rounded as above. */
int infl_cli_format_pm(char *buf, size_t size, double value, double se);
/* Money with thousands separators and the currency (none when currency is
 * NULL or ""): "15,000 USD", "-1,234 EUR", "9.99 USD" (cents only below 1,000
 * and where they are not zero); NaN as "-", infinities as "inf"/"-inf". */
int infl_cli_format_money(char *buf, size_t size, double amount, const char *currency);
/* value rounded to se (infl_cli_format_estimate), its whole part grouped by
 * thousands when `money` ("-23,447", "-257.6"), "+" before a positive one
 * when `signed_`; no units. */
void infl_cli_format_number(char *buf, size_t size, double value, double se, bool money,
                            bool signed_);
/* The same with exactly `places` decimals ("1,000.25 USD" for 2), or, with
 * places < 0, as infl_cli_format_money (for values that whole units would not
 * tell apart). */
int infl_cli_format_money_places(char *buf, size_t size, double amount, int places,
                                 const char *currency);

#endif
