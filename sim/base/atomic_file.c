/*
 * atomic_file.c — write under a temporary name, flush, move into place,
 * flush the folder (see atomic_file.h). The results file and the checkpoint
 * both go through here, so there is one answer to "what does a reader see if
 * the run dies now": the old file or the new one.
 */
#include "base/atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How many names ".BASE.tmp.PID.N" one process tries before giving up. */
#define TEMP_ATTEMPTS 100

/* fsyncs a path (file or folder); returns 0 or an errno value. */
static int sync_path(const char *p, int flags)
{
    int fd = open(p, flags);
    if (fd < 0)
        return errno;
    int rc = fsync(fd) == 0 ? 0 : errno;
    close(fd);
    return rc;
}

/* The folder and the file name of `path`, as dirname and basename give them
 * (new strings; false if out of memory). */
static bool split_path(const char *path, char **dir, char **base)
{
    char *dir_copy = strdup(path), *base_copy = strdup(path);
    *dir = dir_copy ? strdup(dirname(dir_copy)) : NULL;
    *base = base_copy ? strdup(basename(base_copy)) : NULL;
    free(dir_copy);
    free(base_copy);
    if (*dir != NULL && *base != NULL)
        return true;
    free(*dir);
    free(*base);
    *dir = *base = NULL;
    return false;
}

infl_status infl__atomic_temp_open(const char *target, const char *shown, char **tmp, int *fd,
                                   infl_error *err)
{
    *tmp = NULL;
    if (fd != NULL)
        *fd = -1;
    if (shown == NULL)
        shown = target;
    char *dir = NULL, *base = NULL, *name = NULL;
    infl_status rc = INFL_OK;
    size_t len = strlen(target) + 64;
    if (!split_path(target, &dir, &base) || (name = malloc(len)) == NULL) {
        rc = infl_error_add(err, INFL_ENOMEM, "out of memory");
        errno = ENOMEM;
        goto done;
    }
    /* O_EXCL: a name no one else is using, created by this call. */
    int f = -1;
    for (unsigned attempt = 0; f < 0 && attempt < TEMP_ATTEMPTS; attempt++) {
        snprintf(name, len, "%s/.%s.tmp.%ld.%u", dir, base, (long)getpid(), attempt);
        f = open(name, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (f < 0 && errno != EEXIST)
            break;
    }
    if (f < 0) {
        int e = errno;
        rc = infl_error_add(err, INFL_EIO, "%s: cannot create a file in folder '%s': %s", shown,
                            dir, strerror(e));
        errno = e;
        goto done;
    }
    if (fd != NULL)
        *fd = f;
    else
        close(f);
    *tmp = name;
    name = NULL;
done:
    free(name);
    free(dir);
    free(base);
    return rc;
}

/* Moves tmp to target: replacing whatever is there, or, when !replace, only
 * if nothing is (link() fails if the name exists, atomically; where hard
 * links are not supported, a check just before rename()). On failure *reason
 * is the system's reason (messages may change errno). */
static infl_status put_in_place(const char *tmp, const char *target, const char *shown,
                                bool replace, int *reason, infl_error *err)
{
    *reason = 0;
    if (!replace && link(tmp, target) == 0) {
        unlink(tmp);
        return INFL_OK;
    }
    if (!replace) {
        *reason = errno;
        if (*reason == EEXIST)
            return infl_error_add(err, INFL_EIO,
                                  "%s: a file appeared there during the run; not replacing it "
                                  "(use --force to replace it)",
                                  shown);
        struct stat st;
        if (lstat(target, &st) == 0) {
            *reason = EEXIST;
            return infl_error_add(
                err, INFL_EIO, "%s: a file appeared there during the run; not replacing it", shown);
        }
    }
    if (rename(tmp, target) != 0) {
        *reason = errno;
        return infl_error_add(err, INFL_EIO, "%s: cannot move the finished file into place: %s",
                              shown, strerror(*reason));
    }
    return INFL_OK;
}

infl_status infl__atomic_commit(const char *tmp, const char *target, const char *shown,
                                bool replace, infl_error *err)
{
    if (shown == NULL)
        shown = target;
    char *dir = NULL, *base = NULL;
    infl_status rc = INFL_OK;
    int e = 0;
    /* The folder is needed after the move; found first, so that running out
     * of memory cannot strand a moved file unflushed. */
    if (!split_path(target, &dir, &base)) {
        e = ENOMEM;
        rc = infl_error_add(err, INFL_ENOMEM, "out of memory");
        goto done;
    }
    if ((e = sync_path(tmp, O_RDONLY)) != 0) {
        rc = infl_error_add(err, INFL_EIO, "%s: cannot flush to disk: %s", shown, strerror(e));
        goto done;
    }
    if ((rc = put_in_place(tmp, target, shown, replace, &e, err)) != INFL_OK)
        goto done;
    /* Make the move itself durable; a failure here loses nothing already
     * written, so it is not reported as an error. */
    (void)sync_path(dir, O_RDONLY | O_DIRECTORY);
done:
    if (rc != INFL_OK) {
        unlink(tmp);
        errno = e;
    }
    free(dir);
    free(base);
    return rc;
}

infl_status infl__atomic_write_bytes(const char *target, const void *data, size_t n, bool replace,
                                     infl_error *err)
{
    char *tmp = NULL;
    int fd = -1;
    infl_status rc = infl__atomic_temp_open(target, NULL, &tmp, &fd, err);
    if (rc != INFL_OK)
        return rc;
    const unsigned char *p = data;
    int e = 0;
    while (n > 0) {
        ssize_t put = write(fd, p, n);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0) {
            e = put < 0 ? errno : EIO;
            break;
        }
        p += put;
        n -= (size_t)put;
    }
    if (close(fd) != 0 && e == 0)
        e = errno;
    if (e != 0) {
        unlink(tmp);
        rc = infl_error_add(err, INFL_EIO, "%s: cannot write: %s", target, strerror(e));
        errno = e;
    } else {
        rc = infl__atomic_commit(tmp, target, NULL, replace, err);
        e = errno;
    }
    free(tmp);
    if (rc != INFL_OK)
        errno = e;
    return rc;
}

void infl__atomic_remove_stale(const char *target)
{
    char *dir = NULL, *base = NULL;
    if (!split_path(target, &dir, &base))
        return;
    DIR *d = opendir(dir);
    if (d == NULL)
        goto done;
    size_t blen = strlen(base);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (n[0] != '.' || strncmp(n + 1, base, blen) != 0 || strncmp(n + 1 + blen, ".tmp.", 5))
            continue;
        char *end = NULL;
        long pid = strtol(n + 1 + blen + 5, &end, 10);
        if (pid <= 0 || end == NULL || *end != '.' || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        size_t len = strlen(dir) + strlen(n) + 2;
        char *path = malloc(len);
        if (path != NULL) {
            snprintf(path, len, "%s/%s", dir, n);
            unlink(path);
            free(path);
        }
    }
    closedir(d);
done:
    free(dir);
    free(base);
}
