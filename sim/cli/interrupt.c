/*
 * interrupt.c — what Ctrl-C and SIGTERM do during `influsim run` (see cli.h).
 *
 * This file holds the program's only mutable globals: a signal handler can
 * reach nothing else. The handler touches only a sig_atomic_t flag and, on
 * the second signal, unlink() and _exit(), which are async-signal-safe.
 */
#include "cli.h"

#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t temp_known;
static char temp_path[4096];

static void on_signal(int sig)
{
    (void)sig;
    if (!stop_requested) {
        stop_requested = 1;
        static const char msg[] = "\ninflusim: stopping after the current round of trials "
                                  "and writing them (press Ctrl-C again to abort)\n";
        ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)ignored;
        return;
    }
    if (temp_known)
        unlink(temp_path);
    static const char msg[] = "\ninflusim: aborted; nothing written\n";
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    _exit(INFL_EXIT_INTERRUPTED);
}

bool infl_interrupt_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sa.sa_flags = SA_RESTART;
    /* Past a file-size limit (ulimit -f) a write should fail with EFBIG and
     * be reported like a full disk, not kill the program (SIGXFSZ's default)
     * and leave the temporary file behind. */
    struct sigaction ignore;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    return sigaction(SIGINT, &sa, NULL) == 0 && sigaction(SIGTERM, &sa, NULL) == 0 &&
           sigaction(SIGXFSZ, &ignore, NULL) == 0;
}

const volatile sig_atomic_t *infl_interrupt_flag(void)
{
    return &stop_requested;
}

void infl_interrupt_temp(const char *path)
{
    /* The handler must never see a half-copied path: block both signals
     * while it changes. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &old);
    temp_known = 0;
    if (path != NULL && strlen(path) < sizeof temp_path) {
        memcpy(temp_path, path, strlen(path) + 1);
        temp_known = 1;
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
}
