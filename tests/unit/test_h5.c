/*
 * Unit tests of the results file: a run written and its summary read back
 * equal to the one computed; the write is atomic (no temporary left, an
 * existing file replaced, an unwritable folder reported with nothing left);
 * the two-step writer keeps the target untouched until finish, refuses a
 * file that appeared meanwhile unless replacing, and abandon leaves nothing;
 * a symbolic link is followed and kept; files that are not influsim results
 * are refused with a clear message.
 */
#include "check.h"
#include "influsim/engine.h"
#include "influsim/h5.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *SCENARIO =
    "name: h5\n"
    "seed: 3\n"
    "trials: 300\n"
    "budget: 3000\n"
    "regions: [{name: A, shippable: true}, {name: B, shippable: false}]\n"
    "product: {price: 50, unit_cost: 10}\n"
    "market: {purchase_rate: {beta: {mean: 0.05, kappa: 50}}}\n"
    "tiers:\n"
    "  micro: {followers: 5000, price: 100, reach_rate: 0.3,"
    " engagement_rate: 0.05, audience: [0.8, 0.2], interest_share: 0.2}\n"
    "  macro: {followers: 500000, price: 2000, reach_rate: 0.2,"
    " engagement_rate: 0.02, audience: [0.1, 0.9], interest_share: 0.03}\n"
    "strategies:\n"
    "  - {name: micro, allocation: {micro: 1}}\n"
    "  - {name: macro, allocation: {macro: 1}}\n";

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    if (d)
        closedir(d);
    return n;
}

static void write_text(const char *path, const char *text, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(text, 1, n, f);
        fclose(f);
    }
}

int main(void)
{
    char dir[] = "/tmp/influsim-test-h5-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], other[256];
    snprintf(path, sizeof path, "%s/out.h5", dir);

    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    infl_trials *tr = NULL;
    infl_summary *sm = NULL, *back = NULL;
    CHECK_INT(infl_scenario_load_text(SCENARIO, strlen(SCENARIO), "h5.yaml", NULL, 0, &sc, &err),
              INFL_OK);
    CHECK_INT(infl_engine_run(sc, &(infl_run_options){.threads = 2}, &tr, NULL, NULL, &err),
              INFL_OK);
    CHECK_INT(infl_summary_compute(tr, 2, &sm, &err), INFL_OK);
    infl_run_info info = {.threads = 2, .wall_seconds = 0.5};
    CHECK_INT(infl_h5_write(path, sc, tr, sm, &info, &err), INFL_OK);
    CHECK_INT(count_entries(dir), 1); /* no temporary left beside it */
    struct stat st;
    CHECK(stat(path, &st) == 0 &&
          (st.st_mode & 0044) != 0); /* readable by others, umask allowing */

    infl_h5_meta meta;
    CHECK_INT(infl_h5_read_summary(path, &back, &meta, &err), INFL_OK);
    if (back != NULL) {
        CHECK(meta.complete);
        CHECK_INT(meta.trials, 300);
        CHECK_INT(meta.seed, 3);
        CHECK_INT(meta.threads, 2);
        CHECK_NEAR(meta.wall_seconds, 0.5, 0);
        CHECK(strcmp(meta.scenario_name, "h5") == 0);
        CHECK_INT(back->n_strategies, 2);
        CHECK_INT(back->n_metrics, sm->n_metrics);
        int same = 1;
        for (size_t i = 0; i < sm->n_strategies * sm->n_metrics; i++) {
            const infl_stat *a = &sm->stats[i], *b = &back->stats[i];
            same &= a->n == b->n && a->n_missing == b->n_missing;
            const double *x = &a->mean, *y = &b->mean;
            /* mean..q[] are contiguous doubles in infl_stat */
            for (size_t k = 0; k < 5 + INFL_N_QUANTILES; k++)
                same &= x[k] == y[k] || (isnan(x[k]) && isnan(y[k]));
            same &= a->p_zero == b->p_zero;
        }
        CHECK(same);
        for (size_t i = 0; i < 4; i++)
            CHECK(sm->p_greater[i] == back->p_greater[i]);
        CHECK(strcmp(back->metrics[0].name, "hires") == 0);
        infl_summary_free(back);
        infl_h5_meta_destroy(&meta);
    }

    /* Writing again replaces the file atomically. */
    CHECK_INT(infl_h5_write(path, sc, tr, sm, &info, &err), INFL_OK);
    CHECK_INT(count_entries(dir), 1);

    /* A folder that does not exist: an error naming the path, nothing created. */
    infl_error_clear(&err);
    snprintf(other, sizeof other, "%s/missing/out.h5", dir);
    CHECK_INT(infl_h5_write(other, sc, tr, sm, &info, &err), INFL_EIO);
    CHECK_CONTAINS(infl_error_message(&err), "cannot create a file in folder");
    CHECK_INT(count_entries(dir), 1);

    /* Two steps: the target untouched until finish; the temporary beside it. */
    infl_error_clear(&err);
    snprintf(other, sizeof other, "%s/steps.h5", dir);
    infl_h5_writer *w = NULL;
    CHECK_INT(infl_h5_writer_begin(other, sc, tr, 2, false, &w, &err), INFL_OK);
    if (w != NULL) {
        const char *tmp = infl_h5_writer_temp_path(w);
        CHECK(tmp != NULL && strstr(tmp, "/.steps.h5.tmp.") != NULL);
        CHECK(access(other, F_OK) != 0);
        CHECK_INT(count_entries(dir), 2);
        CHECK_INT(infl_h5_writer_finish(w, sm, 0.25, true, &err), INFL_OK);
        CHECK_INT(access(other, F_OK), 0);
        CHECK_INT(count_entries(dir), 2); /* out.h5 and steps.h5 */
    }
    /* Without --force an existing file is refused at begin... */
    w = NULL;
    CHECK_INT(infl_h5_writer_begin(other, sc, tr, 2, false, &w, &err), INFL_EARG);
    CHECK(w == NULL);
    CHECK_CONTAINS(infl_error_message(&err), "already exists; not replacing it");
    unlink(other);
    /* ...and at finish, when one appeared during the run: left as it was. */
    infl_error_clear(&err);
    CHECK_INT(infl_h5_writer_begin(other, sc, NULL, 2, false, &w, &err), INFL_OK);
    write_text(other, "appeared", 8);
    if (w != NULL) {
        CHECK_INT(infl_h5_writer_finish(w, sm, 0.25, true, &err), INFL_EIO);
        CHECK_CONTAINS(infl_error_message(&err), "a file appeared there during the run");
        CHECK(stat(other, &st) == 0 && st.st_size == 8);
        CHECK_INT(count_entries(dir), 2);
    }
    unlink(other);
    /* Abandon removes the unfinished file; NULL is accepted. */
    infl_error_clear(&err);
    CHECK_INT(infl_h5_writer_begin(other, sc, tr, 2, true, &w, &err), INFL_OK);
    CHECK_INT(count_entries(dir), 2);
    infl_h5_writer_abandon(w);
    infl_h5_writer_abandon(NULL);
    CHECK_INT(count_entries(dir), 1);
    CHECK(access(other, F_OK) != 0);

    /* A symbolic link is followed: the file it names is replaced, the link kept. */
    char link_path[300];
    snprintf(other, sizeof other, "%s/real.h5", dir);
    snprintf(link_path, sizeof link_path, "%s/link.h5", dir);
    write_text(other, "old", 3);
    CHECK_INT(symlink(other, link_path), 0);
    CHECK_INT(infl_h5_write(link_path, sc, tr, sm, &info, &err), INFL_OK);
    CHECK(lstat(link_path, &st) == 0 && S_ISLNK(st.st_mode));
    CHECK(stat(other, &st) == 0 && st.st_size > 1000);
    CHECK_INT(count_entries(dir), 3);
    unlink(link_path);
    unlink(other);
    /* A folder at the target is never replaced. */
    infl_error_clear(&err);
    snprintf(other, sizeof other, "%s/folder.h5", dir);
    CHECK_INT(mkdir(other, 0700), 0);
    CHECK_INT(infl_h5_write(other, sc, tr, sm, &info, &err), INFL_EIO);
    CHECK_CONTAINS(infl_error_message(&err), "is a folder, not a regular file");
    rmdir(other);
    CHECK_INT(count_entries(dir), 1);

    /* Files that are not influsim results. */
    struct {
        const char *name, *content, *message;
    } bad[] = {
        {"empty.h5", "", "not an HDF5 file"},
        {"text.h5", "hello, world\n", "not an HDF5 file"},
        {"truncated.h5", NULL, "not an HDF5 file"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(other, sizeof other, "%s/%s", dir, bad[i].name);
        if (bad[i].content)
            write_text(other, bad[i].content, strlen(bad[i].content));
        else {
            /* The first 1000 bytes of a real results file. */
            FILE *f = fopen(path, "rb");
            char head[1000];
            size_t got = f ? fread(head, 1, sizeof head, f) : 0;
            if (f)
                fclose(f);
            write_text(other, head, got);
        }
        infl_error_clear(&err);
        infl_summary *none = NULL;
        infl_status rc = infl_h5_read_summary(other, &none, &meta, &err);
        CHECK(rc == INFL_EFORMAT);
        CHECK(none == NULL);
        CHECK_CONTAINS(infl_error_message(&err), other);
        if (strcmp(bad[i].name, "truncated.h5") != 0)
            CHECK_CONTAINS(infl_error_message(&err), bad[i].message);
        unlink(other);
    }
    infl_error_clear(&err);
    snprintf(other, sizeof other, "%s/nothing.h5", dir);
    CHECK_INT(infl_h5_read_summary(other, &back, &meta, &err), INFL_EIO);

    infl_summary_free(sm);
    infl_trials_free(tr);
    infl_scenario_free(sc);
    infl_error_destroy(&err);
    unlink(path);
    rmdir(dir);
    return check_exit();
}
