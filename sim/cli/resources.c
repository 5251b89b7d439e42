/*
 * resources.c — what the process has used, for `run --timings`.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

double infl_peak_rss_mib(void)
{
    /* VmHWM belongs to this program's address space. getrusage's ru_maxrss
     * is kept across execve, so it would report the parent's peak when a
     * large process (say, a Python test) forks and runs influsim. */
    FILE *f = fopen("/proc/self/status", "r");
    if (f != NULL) {
        char line[256];
        unsigned long kib = 0;
        bool found = false;
        while (!found && fgets(line, sizeof line, f) != NULL)
            found = sscanf(line, "VmHWM: %lu kB", &kib) == 1;
        fclose(f);
        if (found)
            return (double)kib / 1024.0;
    }
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1.0;
    return (double)ru.ru_maxrss / 1024.0; /* ru_maxrss is in KiB on Linux */
}
