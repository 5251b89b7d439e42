/*
 * Unit tests of the guarded reader (sim/h5/guard.c): a parse run in a child
 * process that succeeds sends its reply back whole; one that fails passes
 * its status and every message on; one that crashes (SIGSEGV, abort), runs
 * past the time bound, or exits without a reply is "PATH: damaged (...)"
 * (INFL_EFORMAT); one that asks for more memory than the bound gets NULL
 * from malloc. A signal handler the program installed does not run in the
 * child: the child dies of SIGTERM by default, which is "interrupted"
 * (INFL_EIO), and the parent's handler has not run.
 */
#include "check.h"
#include "h5/guard.h"

#include <signal.h>
#include <stdint.h>
#include <unistd.h>

static volatile sig_atomic_t handler_ran;

static void on_term(int sig)
{
    (void)sig;
    handler_ran = 1;
}

static infl_status parse_ok(const char *path, void *ctx, infl__wire *w, infl_error *err)
{
    (void)path;
    (void)err;
    const char *text = ctx;
    infl__wire_put_u64(w, 42);
    infl__wire_put_str(w, text);
    infl__wire_put_f64(w, -0.5);
    return INFL_OK;
}

static infl_status parse_fails(const char *path, void *ctx, infl__wire *w, infl_error *err)
{
    (void)ctx;
    infl__wire_put_u64(w, 1); /* discarded: the parse failed */
    infl_error_add(err, INFL_EFORMAT, "%s: missing or malformed attribute 'seed'", path);
    return infl_error_add(err, INFL_EFORMAT, "%s: a second message", path);
}

static infl_status parse_crashes(const char *path, void *ctx, infl__wire *w, infl_error *err)
{
    (void)path;
    (void)w;
    (void)err;
    raise(ctx != NULL ? SIGABRT : SIGSEGV);
    return INFL_OK;
}

static infl_status parse_hangs(const char *path, void *ctx, infl__wire *w, infl_error *err)
{
    (void)path;
    (void)ctx;
    (void)w;
    (void)err;
    for (;;)
        pause();
    return INFL_OK;
}

static infl_status parse_terminated(const char *path, void *ctx, infl__wire *w, infl_error *err)
{
    (void)path;
    (void)ctx;
    (void)w;
    (void)err;
    raise(SIGTERM);
    return INFL_OK;
}

static infl_status parse_greedy(const char *path, void *ctx, infl__wire *w, infl_error *err)
{
    (void)ctx;
    /* Twice the bound: refused by the address space limit (not under a
     * sanitizer, which cannot run with one; then it is only allocated). */
    size_t n = (size_t)(2 * INFL__H5_GUARD_BYTES);
    char *p = malloc(n);
    infl__wire_put_u64(w, p != NULL);
    free(p);
    (void)path;
    (void)err;
    return INFL_OK;
}

int main(void)
{
    infl_error err;
    infl_error_init(&err);
    infl__wire reply;

    CHECK_INT(infl__h5_guard_run("f.h5", parse_ok, "héllo", 4, &reply, &err), INFL_OK);
    uint64_t v = 0;
    char *s = NULL;
    double d = 0;
    CHECK(infl__wire_get_u64(&reply, &v) && v == 42);
    CHECK(infl__wire_get_str(&reply, &s) && s != NULL && strcmp(s, "héllo") == 0);
    CHECK(infl__wire_get_f64(&reply, &d) && d == -0.5);
    CHECK(infl__wire_done(&reply));
    free(s);
    infl__wire_destroy(&reply);

    CHECK_INT(infl__h5_guard_run("f.h5", parse_fails, NULL, 4, &reply, &err), INFL_EFORMAT);
    CHECK_INT(err.count, 2);
    CHECK_CONTAINS(infl_error_message(&err), "f.h5: missing or malformed attribute 'seed'\n");
    CHECK_CONTAINS(infl_error_message(&err), "f.h5: a second message\n");
    CHECK_INT(reply.len, 0);
    infl_error_clear(&err);

    CHECK_INT(infl__h5_guard_run("f.h5", parse_crashes, NULL, 4, &reply, &err), INFL_EFORMAT);
    CHECK_CONTAINS(infl_error_message(&err), "f.h5: damaged (the HDF5 library crashed reading it: "
                                             "SIGSEGV)");
    infl_error_clear(&err);
    CHECK_INT(infl__h5_guard_run("f.h5", parse_crashes, "abort", 4, &reply, &err), INFL_EFORMAT);
    CHECK_CONTAINS(infl_error_message(&err), "SIGABRT");
    infl_error_clear(&err);

    CHECK_INT(infl__h5_guard_run("f.h5", parse_hangs, NULL, 4, &reply, &err), INFL_EFORMAT);
    CHECK_CONTAINS(infl_error_message(&err), "f.h5: damaged (reading it took over 4 s)");
    infl_error_clear(&err);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGTERM, &sa, NULL) == 0);
    CHECK_INT(infl__h5_guard_run("f.h5", parse_terminated, NULL, 4, &reply, &err), INFL_EIO);
    CHECK_CONTAINS(infl_error_message(&err), "f.h5: reading interrupted");
    CHECK_INT(handler_ran, 0);
    infl_error_clear(&err);

    CHECK_INT(infl__h5_guard_run("f.h5", parse_greedy, NULL, 4, &reply, &err), INFL_OK);
    CHECK(infl__wire_get_u64(&reply, &v));
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#if defined(__has_feature)
#if !__has_feature(address_sanitizer) && !__has_feature(thread_sanitizer)
    CHECK_INT(v, 0);
#endif
#else
    CHECK_INT(v, 0);
#endif
#endif
    infl__wire_destroy(&reply);

    infl_error_destroy(&err);
    return check_exit();
}
