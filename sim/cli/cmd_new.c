/*
 * cmd_new.c — `influsim new --platform P --tiers A,B --budget X --price X
 * --unit-cost X --ships US,CA [--name NAME] [-o FILE [--force]]`: writes a
 * commented starting scenario (influsim/starter.h) on stdout or to FILE. The
 * library writes and checks the text; this file parses the options, names
 * them in messages and writes the file.
 */
#include "cli.h"

#include "influsim/starter.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *out)
{
    fputs("usage: influsim new --platform instagram|tiktok|youtube --tiers nano,micro,macro\n"
          "                    --budget X --price X --unit-cost X --ships US,CA\n"
          "                    [--name NAME] [-o FILE [--force]]\n"
          "\n"
          "Writes a commented starting scenario, ready to run: one tier per --tiers entry\n"
          "from the presets of the platform (docs/presets.md), a region `ships` with the\n"
          "countries of --ships and `elsewhere` for the rest, cautious guesses for what no\n"
          "published figure gives (purchase rate, audience by region, interest), each with\n"
          "a comment saying where to find the brand's own number, and the strategies\n"
          "all-<tier> for each tier and an even split.\n"
          "\n"
          "      --platform NAME  instagram, tiktok or youtube\n"
          "      --tiers A,B      creator tiers with a preset on the platform: nano, micro,\n"
          "                       mid, macro, mega (TikTok: nano, micro, mid)\n"
          "      --budget X       money for the whole campaign, in USD\n"
          "      --price X        what a customer pays for one order\n"
          "      --unit-cost X    cost of goods and shipping per unit sold\n"
          "      --ships A,B      ISO 3166-1 alpha-2 codes of the countries shipped to\n"
          "      --name NAME      the scenario's name (default: new-campaign)\n"
          "  -o, --output FILE    write to FILE (default: stdout)\n"
          "      --force          replace FILE if it exists\n"
          "  -h, --help           show this help\n"
          "\n"
          "Then: influsim check FILE (what the numbers imply), influsim run FILE.\n"
          "Exit status: 0 written, 1 the file could not be written, 2 bad options (nothing\n"
          "is written).\n",
          out);
}

enum {
    OPT_PLATFORM = INFL_CLI_OPT_OWN,
    OPT_TIERS,
    OPT_BUDGET,
    OPT_PRICE,
    OPT_UNIT_COST,
    OPT_SHIPS,
    OPT_NAME,
};

typedef struct {
    infl_starter_options starter;
    const char *budget, *price, *unit_cost; /* as given; NULL: not given */
} new_options;

/* Parses a number option (any finite number: the library checks its range). */
static infl_status number(const char *option, const char *text, double *out, infl_error *err)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !isfinite(v))
        return infl_cli_fail(err, INFL_EARG, "%s: not a number (got '%s')", option, text);
    *out = v;
    return INFL_OK;
}

static infl_cli_option own_option(void *opts, int opt, const char *arg, infl_error *err)
{
    new_options *o = opts;
    switch (opt) {
    case OPT_PLATFORM:
        o->starter.platform = arg;
        return INFL_CLI_OPTION_TAKEN;
    case OPT_TIERS:
        o->starter.tiers = arg;
        return INFL_CLI_OPTION_TAKEN;
    case OPT_SHIPS:
        o->starter.ships = arg;
        return INFL_CLI_OPTION_TAKEN;
    case OPT_NAME:
        o->starter.name = arg;
        return INFL_CLI_OPTION_TAKEN;
    case OPT_BUDGET:
        o->budget = arg;
        return infl_cli_taken(number("--budget", arg, &o->starter.budget, err));
    case OPT_PRICE:
        o->price = arg;
        return infl_cli_taken(number("--price", arg, &o->starter.price, err));
    case OPT_UNIT_COST:
        o->unit_cost = arg;
        return infl_cli_taken(number("--unit-cost", arg, &o->starter.unit_cost, err));
    default:
        return INFL_CLI_OPTION_OTHER;
    }
}

/* The library's messages, each as an error naming the option it is about
 * ("ships: ..." becomes "--ships: ..."). */
static void add_messages(infl_error *err, const infl_error *lib)
{
    static const char *const names[][2] = {
        {"platform: ", "--platform"}, {"tiers: ", "--tiers"}, {"ships: ", "--ships"},
        {"budget: ", "--budget"},     {"price: ", "--price"}, {"unit_cost: ", "--unit-cost"}};
    const char *p = infl_error_message(lib);
    while (*p) {
        const char *nl = strchr(p, '\n');
        int len = (int)(nl != NULL ? nl - p : (ptrdiff_t)strlen(p));
        const char *option = NULL;
        int skip = 0;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            size_t n = strlen(names[i][0]);
            if (!strncmp(p, names[i][0], n)) {
                option = names[i][1];
                skip = (int)n;
                break;
            }
        }
        if (option != NULL)
            infl_cli_fail(err, lib->status, "%s: %.*s", option, len - skip, p + skip);
        else
            infl_cli_fail(err, lib->status, "%.*s", len, p);
        p += len + (nl != NULL);
    }
    if (lib->count == 0)
        infl_cli_fail(err, lib->status, "%s", infl_status_str(lib->status));
}

/* Writes text to path, refusing to replace a file without --force. */
static infl_status write_file(const char *path, const char *text, bool force, infl_error *err)
{
    FILE *f = fopen(path, force ? "w" : "wx");
    if (f == NULL) {
        int e = errno;
        return infl_cli_fail(err, e == EEXIST ? INFL_EARG : INFL_EIO, "%s: %s", path,
                             e == EEXIST ? "already exists; not replacing it (use --force to "
                                           "replace it)"
                                         : strerror(e));
    }
    size_t n = strlen(text);
    bool ok = fwrite(text, 1, n, f) == n;
    int e = errno;
    if (fclose(f) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (!ok) {
        remove(path);
        return infl_cli_fail(err, INFL_EIO, "%s: cannot write: %s", path, strerror(e));
    }
    return INFL_OK;
}

static infl_status make_new(const infl_cli_common *c, const new_options *o, infl_error *err)
{
    if (c->n_args > 0)
        return infl_cli_fail(err, INFL_EARG,
                             "new takes no operands (got '%s'); see influsim new "
                             "--help",
                             c->args[0]);
    static const char *const required[] = {"--platform", "--tiers",     "--budget",
                                           "--price",    "--unit-cost", "--ships"};
    const bool given[] = {o->starter.platform != NULL, o->starter.tiers != NULL,
                          o->budget != NULL,           o->price != NULL,
                          o->unit_cost != NULL,        o->starter.ships != NULL};
    infl_status rc = INFL_OK;
    for (size_t i = 0; i < sizeof given / sizeof given[0]; i++)
        if (!given[i])
            rc = infl_cli_fail(err, INFL_EARG, "%s is required (see influsim new --help)",
                               required[i]);
    if (rc != INFL_OK)
        return rc;
    if (c->force && c->output == NULL)
        return infl_cli_fail(err, INFL_EARG, "--force needs -o FILE");
    if (c->output != NULL && !c->force) {
        struct stat st;
        if (stat(c->output, &st) == 0)
            return infl_cli_fail(err, INFL_EARG,
                                 "%s: already exists; not replacing it (use --force to replace "
                                 "it)",
                                 c->output);
    }
    char *text = NULL;
    infl_error lib;
    infl_error_init(&lib);
    rc = infl_scenario_starter(&o->starter, &text, &lib);
    if (rc != INFL_OK)
        add_messages(err, &lib);
    infl_error_destroy(&lib);
    if (rc != INFL_OK)
        return rc;
    if (c->output == NULL) {
        fputs(text, stdout);
        rc = fflush(stdout) == 0
                 ? INFL_OK
                 : infl_cli_fail(err, INFL_EIO, "stdout: cannot write: %s", strerror(errno));
    } else {
        rc = write_file(c->output, text, c->force, err);
        if (rc == INFL_OK)
            fprintf(stderr, "influsim: wrote %s; next: influsim check %s, then influsim run %s\n",
                    c->output, c->output, c->output);
    }
    free(text);
    return rc;
}

int infl_cmd_new(int argc, char **argv)
{
    static const struct option opts[] = {{"platform", required_argument, NULL, OPT_PLATFORM},
                                         {"tiers", required_argument, NULL, OPT_TIERS},
                                         {"budget", required_argument, NULL, OPT_BUDGET},
                                         {"price", required_argument, NULL, OPT_PRICE},
                                         {"unit-cost", required_argument, NULL, OPT_UNIT_COST},
                                         {"ships", required_argument, NULL, OPT_SHIPS},
                                         {"name", required_argument, NULL, OPT_NAME},
                                         {"output", required_argument, NULL, 'o'},
                                         {"force", no_argument, NULL, INFL_CLI_OPT_FORCE},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    infl_cli_common c = {0};
    new_options o = {0};
    infl_error err;
    infl_error_init(&err);
    infl_status rc = infl_cli_parse(argc, argv, "o:h", opts, 1, &c, own_option, &o, &err);
    if (rc == INFL_OK && c.next == INFL_CLI_GO)
        rc = make_new(&c, &o, &err);
    int code = infl_cli_end(&c, rc, &err, usage);
    infl_error_destroy(&err);
    infl_cli_common_destroy(&c);
    return code;
}
