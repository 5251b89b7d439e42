/*
 * cmd_report.c — `influsim report FILE.h5 [-o report.html] [--pdf]`: writes
 * the one-page HTML report of any results file (the library renders it,
 * influsim/report.h) and, with --pdf, prints that page to a PDF through
 * headless Chromium where it is installed. Both files are written under a
 * temporary name and renamed into place, so neither is ever half written.
 */
#include "cli.h"

#include "influsim/report.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void usage(FILE *out)
{
    fputs("usage: influsim report FILE.h5 [-o report.html] [--pdf] [--force]\n"
          "\n"
          "Writes one self-contained HTML page describing an influsim results file (a run,\n"
          "a sweep, an optimisation, a selection or a sensitivity study): the answer in one\n"
          "sentence, the strategies' table, figures, the assumptions, what the model leaves\n"
          "out and where the numbers came from. Nothing on the page is fetched from the\n"
          "network; it prints on A4.\n"
          "\n"
          "  -o, --output FILE  the page (default: report.html)\n"
          "      --pdf          also print it to a PDF beside it (FILE with .pdf), with\n"
          "                     headless Chromium (`chromium`, or $INFLUSIM_CHROMIUM)\n"
          "  -f, --force        replace existing files\n"
          "  -h, --help         show this help\n"
          "\n"
          "Exit status: 0 written, 1 the results file is missing or damaged, a file could\n"
          "not be written, or --pdf without Chromium; 2 bad command line.\n",
          out);
}

/* The PDF's path: the page's with .pdf for .html (or .pdf added). */
static char *pdf_path_of(const char *html)
{
    size_t n = strlen(html);
    char *p = malloc(n + 5);
    if (p == NULL)
        return NULL;
    memcpy(p, html, n + 1);
    if (n > 5 && strcmp(html + n - 5, ".html") == 0)
        strcpy(p + n - 5, ".pdf");
    else if (n > 4 && strcmp(html + n - 4, ".htm") == 0)
        strcpy(p + n - 4, ".pdf");
    else
        strcat(p, ".pdf");
    return p;
}

/* The Chromium to run: $INFLUSIM_CHROMIUM, else the first of the usual
 * names on $PATH; NULL if none. The result is owned (free). */
static char *find_chromium(void)
{
    const char *env = getenv("INFLUSIM_CHROMIUM");
    if (env != NULL && *env != '\0')
        return access(env, X_OK) == 0 ? strdup(env) : NULL;
    static const char *const names[] = {"chromium", "chromium-browser", "google-chrome",
                                        "google-chrome-stable"};
    const char *path = getenv("PATH");
    if (path == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *p = path;
        while (*p != '\0') {
            const char *colon = strchr(p, ':');
            size_t len = colon ? (size_t)(colon - p) : strlen(p);
            char cand[PATH_MAX];
            if (len > 0 &&
                (size_t)snprintf(cand, sizeof cand, "%.*s/%s", (int)len, p, names[i]) <
                    sizeof cand &&
                access(cand, X_OK) == 0)
                return strdup(cand);
            p = colon ? colon + 1 : p + len;
        }
    }
    return NULL;
}

/* Prints the page at html (a path) to a PDF at pdf with Chromium: into a
 * temporary beside pdf, renamed into place when Chromium succeeded. */
static int write_pdf(const char *html, const char *pdf, bool force)
{
    char *chromium = find_chromium();
    if (chromium == NULL) {
        infl_cli_error("--pdf needs headless Chromium, which is not installed (no chromium on "
                       "$PATH; Debian: apt-get install chromium; or set INFLUSIM_CHROMIUM); "
                       "the HTML page %s is written, print it from any browser",
                       html);
        return INFL_EXIT_FAILURE;
    }
    if (!force && access(pdf, F_OK) == 0) {
        infl_cli_error("%s exists; not replacing it (--force replaces it)", pdf);
        free(chromium);
        return INFL_EXIT_FAILURE;
    }
    char abs[PATH_MAX], url[PATH_MAX + 16], tmp[PATH_MAX + 64], arg[PATH_MAX + 80];
    char profile[] = "/tmp/influsim-chromium-XXXXXX";
    if (realpath(html, abs) == NULL || mkdtemp(profile) == NULL) {
        infl_cli_error("%s: %s", html, strerror(errno));
        free(chromium);
        return INFL_EXIT_FAILURE;
    }
    snprintf(url, sizeof url, "file://%s", abs);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", pdf, (long)getpid());
    snprintf(arg, sizeof arg, "--print-to-pdf=%s", tmp);
    char user_dir[PATH_MAX + 20];
    snprintf(user_dir, sizeof user_dir, "--user-data-dir=%s", profile);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, STDIN_FILENO);
            dup2(devnull, STDOUT_FILENO);
            dup2(devnull, STDERR_FILENO);
        }
        execl(chromium, chromium, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
              "--disable-extensions", "--no-pdf-header-footer",
              "--run-all-compositor-stages-before-draw", user_dir, arg, url, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    bool ok =
        pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    struct stat st;
    ok = ok && stat(tmp, &st) == 0 && st.st_size > 0;
    /* The profile Chromium wrote: removed with rm, which knows its tree. */
    pid_t rm = fork();
    if (rm == 0) {
        execlp("rm", "rm", "-rf", profile, (char *)NULL);
        _exit(127);
    }
    if (rm > 0)
        waitpid(rm, NULL, 0);
    if (!ok) {
        unlink(tmp);
        infl_cli_error("%s: Chromium (%s) did not print the page to a PDF (exit status %d)", pdf,
                       chromium, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        free(chromium);
        return INFL_EXIT_FAILURE;
    }
    free(chromium);
    if (rename(tmp, pdf) != 0) {
        infl_cli_error("%s: cannot move the PDF into place: %s", pdf, strerror(errno));
        unlink(tmp);
        return INFL_EXIT_FAILURE;
    }
    return INFL_EXIT_OK;
}

int infl_cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"pdf", no_argument, NULL, 'p'},
                                         {"force", no_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *output = "report.html";
    bool pdf = false, force = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:fh", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case 'p':
            pdf = true;
            break;
        case 'f':
            force = true;
            break;
        case 'h':
            usage(stdout);
            return INFL_EXIT_OK;
        default:
            usage(stderr);
            return INFL_EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        infl_cli_error("report takes one results file");
        usage(stderr);
        return INFL_EXIT_USAGE;
    }
    const char *input = argv[optind];
    /* Refused before the work; the atomic write checks again at the end. */
    if (!force && access(output, F_OK) == 0) {
        infl_cli_error("%s exists; not replacing it (--force replaces it)", output);
        return INFL_EXIT_FAILURE;
    }
    infl_error err;
    infl_error_init(&err);
    infl_status rc = infl_report_write(input, output, force, &err);
    if (rc != INFL_OK) {
        infl_cli_print_error(&err);
        infl_error_destroy(&err);
        return rc == INFL_EARG ? INFL_EXIT_USAGE : INFL_EXIT_FAILURE;
    }
    infl_error_destroy(&err);
    printf("report written to %s\n", output);
    if (pdf) {
        char *pdf_path = pdf_path_of(output);
        if (pdf_path == NULL) {
            infl_cli_error("out of memory");
            return INFL_EXIT_FAILURE;
        }
        int code = write_pdf(output, pdf_path, force);
        if (code == INFL_EXIT_OK)
            printf("PDF written to %s\n", pdf_path);
        free(pdf_path);
        return code;
    }
    return INFL_EXIT_OK;
}
