/*
 * Unit tests of the atomic file replace (sim/base/atomic_file.c): a replace
 * leaves the new content and no temporary; without replace an existing file
 * is refused and left intact; a missing or unwritable folder is reported with
 * the path and the system's reason; after any failed commit nothing is left
 * behind; stale temporaries of dead processes are removed, others kept.
 */
#include "check.h"
#include "base/atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Entries in dir other than . and .. */
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

/* The content of path as a string ("" if unreadable), in buf. */
static const char *read_text(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t got = f ? fread(buf, 1, cap - 1, f) : 0;
    if (f)
        fclose(f);
    buf[got] = '\0';
    return buf;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_replace(const char *dir)
{
    char target[512], buf[64];
    snprintf(target, sizeof target, "%s/replace.txt", dir);
    infl_error err;
    infl_error_init(&err);

    CHECK_INT(infl__atomic_write_bytes(target, "first", 5, true, &err), INFL_OK);
    CHECK_CONTAINS(read_text(target, buf, sizeof buf), "first");
    CHECK_INT(count_entries(dir), 1);
    CHECK_INT(infl__atomic_write_bytes(target, "second", 6, true, &err), INFL_OK);
    CHECK_INT(strcmp(read_text(target, buf, sizeof buf), "second"), 0);
    CHECK_INT(count_entries(dir), 1); /* no temporary left beside it */
    /* Zero bytes is an empty file, not an error. */
    CHECK_INT(infl__atomic_write_bytes(target, "", 0, true, &err), INFL_OK);
    CHECK_INT(strlen(read_text(target, buf, sizeof buf)), 0);
    CHECK_INT(err.count, 0);
    unlink(target);
    infl_error_destroy(&err);
}

static void test_no_replace(const char *dir)
{
    char target[512], buf[64];
    snprintf(target, sizeof target, "%s/keep.txt", dir);
    infl_error err;
    infl_error_init(&err);

    /* Nothing there: put in place. */
    CHECK_INT(infl__atomic_write_bytes(target, "original", 8, false, &err), INFL_OK);
    CHECK_INT(strcmp(read_text(target, buf, sizeof buf), "original"), 0);
    CHECK_INT(count_entries(dir), 1);

    /* Something there: refused, the target intact, no temporary left. */
    CHECK_INT(infl__atomic_write_bytes(target, "intruder", 8, false, &err), INFL_EIO);
    CHECK_INT(errno, EEXIST);
    CHECK_CONTAINS(infl_error_message(&err), target);
    CHECK_CONTAINS(infl_error_message(&err), "not replacing it");
    CHECK_INT(strcmp(read_text(target, buf, sizeof buf), "original"), 0);
    CHECK_INT(count_entries(dir), 1);
    unlink(target);
    infl_error_destroy(&err);
}

static void test_bad_folder(const char *dir)
{
    char target[700];
    infl_error err;
    infl_error_init(&err);

    /* A folder that does not exist. */
    snprintf(target, sizeof target, "%s/missing/out.txt", dir);
    CHECK_INT(infl__atomic_write_bytes(target, "x", 1, true, &err), INFL_EIO);
    CHECK_INT(errno, ENOENT);
    CHECK_CONTAINS(infl_error_message(&err), target);
    CHECK_CONTAINS(infl_error_message(&err), "cannot create a file in folder");
    CHECK_CONTAINS(infl_error_message(&err), strerror(ENOENT));
    CHECK_INT(count_entries(dir), 0);

    /* A "folder" that is a file: nothing can be created in it, even as root. */
    char file[512];
    snprintf(file, sizeof file, "%s/plain", dir);
    write_text(file, "not a folder");
    snprintf(target, sizeof target, "%s/out.txt", file);
    infl_error_clear(&err);
    CHECK_INT(infl__atomic_write_bytes(target, "x", 1, true, &err), INFL_EIO);
    CHECK_INT(errno, ENOTDIR);
    CHECK_CONTAINS(infl_error_message(&err), target);
    CHECK_CONTAINS(infl_error_message(&err), strerror(ENOTDIR));
    unlink(file);

    /* A folder without write permission (root may write anyway: skipped). */
    char ro[512];
    snprintf(ro, sizeof ro, "%s/readonly", dir);
    CHECK_INT(mkdir(ro, 0500), 0);
    snprintf(target, sizeof target, "%s/out.txt", ro);
    if (geteuid() != 0) {
        infl_error_clear(&err);
        CHECK_INT(infl__atomic_write_bytes(target, "x", 1, true, &err), INFL_EIO);
        CHECK_INT(errno, EACCES);
        CHECK_CONTAINS(infl_error_message(&err), target);
        CHECK_CONTAINS(infl_error_message(&err), strerror(EACCES));
        CHECK_INT(count_entries(ro), 0);
    }
    rmdir(ro);
    CHECK_INT(count_entries(dir), 0);
    infl_error_destroy(&err);
}

/* The two steps a writer of its own file (HDF5) uses, and failed commits. */
static void test_commit(const char *dir)
{
    char target[512], buf[64];
    snprintf(target, sizeof target, "%s/two-step.txt", dir);
    infl_error err;
    infl_error_init(&err);
    char *tmp = NULL;
    int fd = -1;

    CHECK_INT(infl__atomic_temp_open(target, "shown.txt", &tmp, &fd, &err), INFL_OK);
    CHECK(tmp != NULL && fd >= 0);
    CHECK(tmp != NULL && strstr(tmp, "/.two-step.txt.tmp.") != NULL);
    struct stat st;
    CHECK(tmp != NULL && stat(tmp, &st) == 0 && st.st_size == 0);
    CHECK_INT(write(fd, "two", 3), 3);
    CHECK_INT(close(fd), 0);
    CHECK_INT(infl__atomic_commit(tmp, target, "shown.txt", true, &err), INFL_OK);
    CHECK_INT(strcmp(read_text(target, buf, sizeof buf), "two"), 0);
    CHECK_INT(count_entries(dir), 1);
    free(tmp);

    /* Without a descriptor; a refused commit names `shown` and removes tmp. */
    CHECK_INT(infl__atomic_temp_open(target, NULL, &tmp, NULL, &err), INFL_OK);
    CHECK_INT(count_entries(dir), 2);
    CHECK_INT(infl__atomic_commit(tmp, target, "shown.txt", false, &err), INFL_EIO);
    CHECK_CONTAINS(infl_error_message(&err), "shown.txt: a file appeared there");
    CHECK_INT(count_entries(dir), 1);
    CHECK(tmp != NULL && access(tmp, F_OK) != 0);
    free(tmp);

    /* A target that cannot be replaced (a folder with a file in it): the
     * rename fails, the temporary is removed, the folder is as it was. */
    char sub[512], inside[600];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    snprintf(inside, sizeof inside, "%s/inside", sub);
    CHECK_INT(mkdir(sub, 0700), 0);
    write_text(inside, "inside");
    infl_error_clear(&err);
    CHECK_INT(infl__atomic_temp_open(sub, NULL, &tmp, NULL, &err), INFL_OK);
    CHECK_INT(count_entries(dir), 3);
    CHECK_INT(infl__atomic_commit(tmp, sub, NULL, true, &err), INFL_EIO);
    CHECK_CONTAINS(infl_error_message(&err), "cannot move the finished file into place");
    CHECK_CONTAINS(infl_error_message(&err), sub);
    CHECK(errno != 0);
    CHECK_INT(count_entries(dir), 2);
    CHECK_INT(count_entries(sub), 1);
    CHECK_INT(strcmp(read_text(inside, buf, sizeof buf), "inside"), 0);
    free(tmp);

    /* A temporary that is not there: cannot be flushed, nothing moved. */
    infl_error_clear(&err);
    CHECK_INT(infl__atomic_commit("/nonexistent-influsim/.x.tmp.1.0", target, NULL, true, &err),
              INFL_EIO);
    CHECK_CONTAINS(infl_error_message(&err), "cannot flush to disk");
    CHECK_INT(errno, ENOENT);
    CHECK_INT(strcmp(read_text(target, buf, sizeof buf), "two"), 0);

    unlink(inside);
    rmdir(sub);
    unlink(target);
    CHECK_INT(count_entries(dir), 0);
    infl_error_destroy(&err);
}

/* Temporaries of a process that has exited are removed; ours are kept. */
static void test_stale(const char *dir)
{
    char target[512], dead[600], mine[600], other[600];
    snprintf(target, sizeof target, "%s/res.h5", dir);
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    CHECK(child > 0);
    if (child > 0)
        waitpid(child, NULL, 0);
    snprintf(dead, sizeof dead, "%s/.res.h5.tmp.%ld.0", dir, (long)child);
    snprintf(mine, sizeof mine, "%s/.res.h5.tmp.%ld.0", dir, (long)getpid());
    snprintf(other, sizeof other, "%s/.other.h5.tmp.%ld.0", dir, (long)child);
    write_text(dead, "");
    write_text(mine, "");
    write_text(other, "");
    CHECK_INT(count_entries(dir), 3);
    infl__atomic_remove_stale(target);
    CHECK(access(dead, F_OK) != 0);
    CHECK_INT(access(mine, F_OK), 0);
    CHECK_INT(access(other, F_OK), 0);
    unlink(mine);
    unlink(other);
    CHECK_INT(count_entries(dir), 0);
}

int main(void)
{
    char dir[] = "/tmp/influsim-test-atomic-XXXXXX";
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_replace(dir);
    test_no_replace(dir);
    test_bad_folder(dir);
    test_commit(dir);
    test_stale(dir);
    rmdir(dir);
    return check_exit();
}
