/*
 * guard.c — a reader's parse run in a child process (see guard.h), so that
 * a results file that crashes, hangs or exhausts the HDF5 library costs a
 * clear message instead of the program.
 *
 * The child resets every signal handler the program installed (the command
 * line's Ctrl-C handler in sim/cli/interrupt.c would otherwise remove the
 * parent's temporary file, or print, from the child), unblocks signals,
 * drops core dumps, limits its CPU time and address space, parses, writes
 * one reply to the pipe and leaves with _exit: never exit(), which would run
 * the parent's atexit handlers (HDF5's among them) and flush the parent's
 * stdio buffers a second time. This is the one place where library code ends
 * a process; tests/layering.py's no-exit rule matches exit() and _Exit(), not
 * the _exit() a forked child must use.
 *
 * The reply: a header (magic, the parse's status, its messages) then what
 * the parse encoded, all in the wire encoding (wire.h).
 */
#include "h5/guard.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* AddressSanitizer and ThreadSanitizer reserve terabytes of address space
 * up front and map more as they go: an address space limit breaks them. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define GUARD_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                         \
    __has_feature(memory_sanitizer)
#define GUARD_SANITIZED 1
#endif
#endif

#ifdef GUARD_SANITIZED
/* A sanitizer's report in the child ends the child only: the host's death
 * callback (libFuzzer's writes a crash file and its statistics) must not
 * run there. Weak: a sanitizer runtime without it leaves it NULL. */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));
#endif

/* "IFLREPLY" as a little-endian integer: the first value of every reply. */
#define REPLY_MAGIC 0x594c5045524c4649ull

/* Exit statuses of a child that could not send its reply. */
#define CHILD_NO_MEMORY 3
#define CHILD_WRITE_FAILED 4

static void reset_signals(void)
{
    /* Every handler the program installed goes back to the default; what
     * it ignores (SIGXFSZ, SIGPIPE) stays ignored. */
    for (int sig = 1; sig < 65; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP)
            continue;
        struct sigaction old;
        if (sigaction(sig, NULL, &old) != 0)
            continue;
        if (old.sa_handler == SIG_DFL || old.sa_handler == SIG_IGN)
            continue;
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        sigaction(sig, &dfl, NULL);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

#ifndef GUARD_SANITIZED
/* The address space the child has now (inherited from the parent), from
 * /proc/self/statm; 0 when it cannot be known. */
static double address_space_now(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL)
        return 0;
    unsigned long pages = 0;
    int got = fscanf(f, "%lu", &pages);
    fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    return got == 1 && page > 0 ? (double)pages * (double)page : 0;
}
#endif

static void limit_resources(double seconds)
{
    struct rlimit core = {0, 0};
    setrlimit(RLIMIT_CORE, &core);
    /* SIGXCPU (terminate) at the soft limit, SIGKILL a second later. */
    rlim_t whole = (rlim_t)seconds + 1;
    struct rlimit cpu = {whole, whole + 1};
    struct rlimit old;
    if (getrlimit(RLIMIT_CPU, &old) == 0 &&
        (old.rlim_max == RLIM_INFINITY || old.rlim_max >= cpu.rlim_max))
        setrlimit(RLIMIT_CPU, &cpu);
#ifndef GUARD_SANITIZED
    /* Past the limit malloc returns NULL and HDF5 fails its call. */
    double now = address_space_now();
    if (now > 0 && getrlimit(RLIMIT_AS, &old) == 0) {
        rlim_t want = (rlim_t)(now + INFL__H5_GUARD_BYTES);
        if (old.rlim_max == RLIM_INFINITY || old.rlim_max > want) {
            struct rlimit as = {want, old.rlim_max};
            setrlimit(RLIMIT_AS, &as);
        }
    }
#endif
}

static bool write_all(int fd, const unsigned char *p, size_t n)
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

static void child_main(int fd, const char *path, infl__h5_guard_parse parse, void *ctx,
                       double seconds)
{
#ifdef GUARD_SANITIZED
    if (__sanitizer_set_death_callback != NULL)
        __sanitizer_set_death_callback(NULL);
#endif
    reset_signals();
    limit_resources(seconds);
    infl_error e;
    infl_error_init(&e);
    infl__wire body, head;
    infl__wire_init(&body);
    infl__wire_init(&head);
    infl_status rc = parse(path, ctx, &body, &e);
    if (rc == INFL_OK && body.bad)
        rc = infl_error_add(&e, INFL_ENOMEM, "%s: out of memory sending what was read", path);
    if (rc != INFL_OK)
        body.len = 0;
    bool ok = infl__wire_put_u64(&head, REPLY_MAGIC) &&
              infl__wire_put_u64(&head, (uint64_t)(int64_t)rc) &&
              infl__wire_put_str(&head, infl_error_message(&e)) &&
              infl__wire_put_u64(&head, body.len);
    if (!ok)
        _exit(CHILD_NO_MEMORY);
    if (!write_all(fd, head.data, head.len) || !write_all(fd, body.data, body.len))
        _exit(CHILD_WRITE_FAILED);
    _exit(0);
}

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV:
        return "SIGSEGV";
    case SIGBUS:
        return "SIGBUS";
    case SIGABRT:
        return "SIGABRT";
    case SIGFPE:
        return "SIGFPE";
    case SIGILL:
        return "SIGILL";
    case SIGKILL:
        return "SIGKILL";
    default:
        return NULL;
    }
}

infl_status infl__h5_guard_bad_reply(const char *path, infl_error *err)
{
    return infl_error_add(err, INFL_EFORMAT, "%s: damaged (the reader's reply is malformed)", path);
}

/* What the child's exit says, when it sent no complete reply. */
static infl_status child_failed(const char *path, int status, double seconds, infl_error *err)
{
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
            return infl_error_add(err, INFL_EIO, "%s: reading interrupted (signal %d)", path, sig);
        if (sig == SIGXCPU)
            return infl_error_add(err, INFL_EFORMAT,
                                  "%s: damaged (reading it took over %.0f s of processor time)",
                                  path, seconds);
        const char *name = signal_name(sig);
        if (name != NULL)
            return infl_error_add(err, INFL_EFORMAT,
                                  "%s: damaged (the HDF5 library crashed reading it: %s)", path,
                                  name);
        return infl_error_add(err, INFL_EFORMAT,
                              "%s: damaged (the HDF5 library crashed reading it: signal %d)", path,
                              sig);
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code == CHILD_NO_MEMORY)
        return infl_error_add(err, INFL_EFORMAT,
                              "%s: damaged (reading it needed over %.0f MiB of memory)", path,
                              INFL__H5_GUARD_BYTES / 1048576);
    return infl_error_add(err, INFL_EFORMAT, "%s: damaged (its reader stopped with status %d)",
                          path, code);
}

/* Splits the child's messages into err, one per line, with its status. */
static infl_status pass_messages(const char *path, infl_status rc, const char *text,
                                 infl_error *err)
{
    if (text == NULL || *text == '\0')
        return infl_error_add(err, rc, "%s: %s", path, infl_status_str(rc));
    while (*text != '\0') {
        const char *end = strchr(text, '\n');
        size_t n = end ? (size_t)(end - text) : strlen(text);
        infl_error_add(err, rc, "%.*s", (int)n, text);
        text += n + (end != NULL);
    }
    return rc;
}

/* Decodes the header of a complete reply in raw; moves the body to the
 * front of raw and hands it to reply on success. */
static infl_status take_reply(const char *path, infl__wire *raw, infl__wire *reply, infl_error *err)
{
    infl__wire in;
    infl__wire_over(&in, raw->data, raw->len);
    uint64_t magic = 0, status = 0, body = 0;
    char *text = NULL;
    bool ok = infl__wire_get_u64(&in, &magic) && magic == REPLY_MAGIC &&
              infl__wire_get_u64(&in, &status) && infl__wire_get_str(&in, &text) &&
              infl__wire_get_u64(&in, &body) && body == in.len - in.pos;
    infl_status rc = (infl_status)(int64_t)status;
    ok = ok && strcmp(infl_status_str(rc), "unknown status") != 0 && (rc == INFL_OK || body == 0);
    if (!ok) {
        free(text);
        return infl__h5_guard_bad_reply(path, err);
    }
    if (rc != INFL_OK) {
        pass_messages(path, rc, text, err);
        free(text);
        return rc;
    }
    free(text);
    memmove(raw->data, raw->data + in.pos, (size_t)body);
    raw->len = (size_t)body;
    raw->pos = 0;
    *reply = *raw;
    infl__wire_init(raw);
    return INFL_OK;
}

infl_status infl__h5_guard_run(const char *path, infl__h5_guard_parse parse, void *ctx,
                               double seconds, infl__wire *reply, infl_error *err)
{
    infl__wire_init(reply);
    int fds[2];
    if (pipe(fds) != 0)
        return infl_error_add(err, INFL_EIO, "%s: cannot start a reader: %s", path,
                              strerror(errno));
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        return infl_error_add(err, INFL_EIO, "%s: cannot start a reader: %s", path, strerror(e));
    }
    if (pid == 0) {
        close(fds[0]);
        child_main(fds[1], path, parse, ctx, seconds);
    }
    close(fds[1]);

    /* Collect the reply until the child closes the pipe (it exits), the
     * time is up or the reply is too long. */
    infl__wire raw;
    infl__wire_init(&raw);
    const double deadline = now_seconds() + seconds;
    bool eof = false, late = false, long_reply = false, broken = false;
    int broken_errno = 0;
    unsigned char chunk[65536];
    while (!eof) {
        double left = deadline - now_seconds();
        if (left <= 0) {
            late = true;
            break;
        }
        struct pollfd p = {.fd = fds[0], .events = POLLIN};
        int n = poll(&p, 1, (int)(left * 1000) + 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            broken = true;
            broken_errno = errno;
            break;
        }
        if (n == 0)
            continue;
        ssize_t k = read(fds[0], chunk, sizeof chunk);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            broken = true;
            broken_errno = errno;
            break;
        }
        if (k == 0) {
            eof = true;
            break;
        }
        if (raw.len + (size_t)k > INFL__H5_GUARD_REPLY_MAX) {
            long_reply = true;
            break;
        }
        /* The bytes are kept as they came; take_reply decodes them. */
        size_t before = raw.len;
        if (raw.cap - raw.len < (size_t)k) {
            size_t cap = raw.cap ? raw.cap : sizeof chunk;
            while (cap - raw.len < (size_t)k)
                cap *= 2;
            unsigned char *grown = realloc(raw.data, cap);
            if (grown == NULL) {
                broken = true;
                broken_errno = ENOMEM;
                break;
            }
            raw.data = grown;
            raw.cap = cap;
        }
        memcpy(raw.data + before, chunk, (size_t)k);
        raw.len = before + (size_t)k;
    }
    close(fds[0]);
    if (!eof)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    infl_status rc;
    if (late)
        rc = infl_error_add(err, INFL_EFORMAT, "%s: damaged (reading it took over %.0f s)", path,
                            seconds);
    else if (long_reply)
        rc = infl_error_add(err, INFL_EFORMAT, "%s: damaged (what it holds is over %zu MiB)", path,
                            INFL__H5_GUARD_REPLY_MAX >> 20);
    else if (broken)
        rc = infl_error_add(err, INFL_EIO, "%s: cannot read from its reader: %s", path,
                            strerror(broken_errno));
    else if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
        rc = child_failed(path, status, seconds, err);
    else
        rc = take_reply(path, &raw, reply, err);
    infl__wire_destroy(&raw);
    return rc;
}
