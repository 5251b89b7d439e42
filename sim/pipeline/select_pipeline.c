/*
 * select_pipeline.c — `influsim select` and its two files in one call
 * (influsim/pipeline.h): both targets refused before anything is simulated,
 * then the search, then the plan's scenario written to a temporary file
 * beside its target, the results file written and put in place, and only
 * then the plan's file put in place; a failure on the way leaves neither
 * target changed (the results file, once in place, stays if the very last
 * rename fails, and the message says so).
 */
#include "influsim/pipeline.h"

#include "base/atomic_file.h"
#include "base/threads.h"
#include "h5/select_layout.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The plan's target: a regular file may be replaced only with `replace`;
 * anything else there is refused. */
static infl_status check_plan_target(const char *path, bool replace, infl_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return INFL_OK;
    if (!S_ISREG(st.st_mode))
        return infl_error_add(err, INFL_EIO, "%s: is not a regular file; not replacing it", path);
    if (!replace)
        return infl_error_add(err, INFL_EARG,
                              "%s: already exists; not replacing it (use --force to replace it, "
                              "or choose another file with --plan)",
                              path);
    return INFL_OK;
}

/* The plan's scenario with a comment saying what made it; NULL if out of memory. */
static char *plan_text(const infl_scenario *base, const infl_select_result *r, const char *plan)
{
    char *yaml = infl_scenario_resolved_yaml(r->scenario);
    if (yaml == NULL)
        return NULL;
    char head[1024], label[96];
    infl_objective_describe(&r->objective, label, sizeof label);
    if (r->strategy[0])
        snprintf(head, sizeof head,
                 "# Written by `influsim select` from %s: the plan that maximises %s with a "
                 "budget of %.17g\n# is the strategy '%s', beside the scenario's own, on the "
                 "same trials. Run it:\n#   influsim run %s\n",
                 infl_scenario_origin(base), label, r->budget, r->strategy, plan);
    else
        snprintf(head, sizeof head,
                 "# Written by `influsim select` from %s: no creator of the roster is worth "
                 "hiring for %s\n# with a budget of %.17g, so no plan strategy was added.\n",
                 infl_scenario_origin(base), label, r->budget);
    const size_t nh = strlen(head), ny = strlen(yaml);
    char *text = malloc(nh + ny + 1);
    if (text != NULL) {
        memcpy(text, head, nh);
        memcpy(text + nh, yaml, ny + 1);
    }
    free(yaml);
    return text;
}

/* Writes n bytes to fd; false (errno set) on failure. */
static bool write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        p += k;
        n -= (size_t)k;
    }
    return true;
}

infl_status infl_pipeline_select(const infl_scenario *sc, const infl_select_options *opt,
                                 const infl_pipeline_select_options *popt, infl_select_result **out,
                                 infl_error *err)
{
    *out = NULL;
    infl_select_result *r = NULL;
    infl_h5_writer *writer = NULL;
    char *text = NULL, *tmp = NULL;
    int fd = -1;
    infl_status rc = infl_h5_check_target(popt->output, popt->replace, err);
    if (rc != INFL_OK ||
        (popt->plan && (rc = check_plan_target(popt->plan, popt->replace, err)) != INFL_OK))
        goto done;
    if ((rc = infl_select_run(sc, opt, &r, err)) != INFL_OK)
        goto done;

    if (popt->plan != NULL) {
        if ((text = plan_text(sc, r, popt->plan)) == NULL) {
            rc = infl_error_add(err, INFL_ENOMEM, "out of memory");
            goto done;
        }
        if ((rc = infl__atomic_temp_open(popt->plan, popt->plan, &tmp, &fd, err)) != INFL_OK)
            goto done;
        bool wrote = write_all(fd, text, strlen(text));
        int e = errno;
        if (close(fd) != 0 && wrote) {
            wrote = false;
            e = errno;
        }
        fd = -1;
        if (!wrote) {
            rc = infl_error_add(err, INFL_EIO, "%s: cannot write: %s", popt->plan, strerror(e));
            goto done;
        }
    }

    const unsigned threads = opt->threads ? opt->threads : infl__threads_default();
    if ((rc = infl_h5_writer_begin(popt->output, r->scenario, NULL, threads, popt->replace, &writer,
                                   err)) != INFL_OK)
        goto done;
    rc = infl__h5_writer_finish_select(writer, r, err); /* frees the writer */
    if (rc != INFL_OK)
        goto done;
    if (tmp != NULL) {
        rc = infl__atomic_commit(tmp, popt->plan, popt->plan, popt->replace, err);
        if (rc != INFL_OK) {
            infl_error_add(err, rc, "%s: written, but the plan's file %s is not", popt->output,
                           popt->plan);
            free(tmp);
            tmp = NULL; /* removed by the commit */
            goto done;
        }
        free(tmp);
        tmp = NULL;
    }
    *out = r;
    r = NULL;
done:
    if (fd >= 0)
        close(fd);
    if (tmp != NULL) {
        unlink(tmp);
        free(tmp);
    }
    free(text);
    infl_select_result_free(r);
    return rc;
}
