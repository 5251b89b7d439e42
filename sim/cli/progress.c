/*
 * progress.c — the progress bar drawn on stderr while trials (or a study's
 * runs) go (only when
 * stderr is a terminal and --quiet is not given).
 */
#include "cli.h"

#include <time.h>

/* Redraw at most this often, so drawing never slows the run. */
#define REDRAW_SECONDS 0.1

double infl_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void infl_progress_init(infl_progress *p, bool enabled)
{
    p->start = infl_now();
    p->last_draw = 0;
    p->enabled = enabled;
    p->drawn = false;
    p->unit = "trials";
}

void infl_progress_update(void *user, uint64_t done, uint64_t total)
{
    infl_progress *p = user;
    if (!p->enabled)
        return;
    double now = infl_now();
    if (done < total && now - p->last_draw < REDRAW_SECONDS)
        return;
    p->last_draw = now;
    double elapsed = now - p->start;
    double frac = total ? (double)done / (double)total : 1.0;
    double rate = elapsed > 0 ? (double)done / elapsed : 0.0;
    double left = rate > 0 ? (double)(total - done) / rate : 0.0;
    enum { WIDTH = 30 };
    char bar[WIDTH + 1];
    int fill = (int)(frac * WIDTH);
    for (int i = 0; i < WIDTH; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[WIDTH] = '\0';
    fprintf(stderr, "\r[%s] %3.0f%%  %llu/%llu %s  %.3g %s/s  %.0f s left   ", bar, 100 * frac,
            (unsigned long long)done, (unsigned long long)total, p->unit, rate, p->unit, left);
    fflush(stderr);
    p->drawn = true;
}

void infl_progress_finish(infl_progress *p)
{
    if (p->enabled && p->drawn) {
        fprintf(stderr, "\r%80s\r", "");
        fflush(stderr);
    }
}
