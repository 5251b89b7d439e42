/*
 * resources.c — what the process has used, for `run --timings`.
 */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

/* A number from a one-line file such as cgroup's memory.max; -1 if absent
 * or "max". */
static double file_number(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1.0;
    char line[64];
    double v = -1.0;
    if (fgets(line, sizeof line, f) != NULL && isdigit((unsigned char)line[0]))
        v = strtod(line, NULL);
    fclose(f);
    return v;
}

double infl_available_memory(void)
{
    double avail = -1.0;
    FILE *f = fopen("/proc/meminfo", "r");
    if (f != NULL) {
        char line[256];
        unsigned long kib;
        while (fgets(line, sizeof line, f) != NULL)
            if (sscanf(line, "MemAvailable: %lu kB", &kib) == 1)
                avail = (double)kib * 1024.0;
        fclose(f);
    }
    /* A container's limit (cgroup v2) may be far below the machine's. */
    double max = file_number("/sys/fs/cgroup/memory.max");
    double used = file_number("/sys/fs/cgroup/memory.current");
    if (max > 0 && used >= 0 && (avail < 0 || max - used < avail))
        avail = max - used > 0 ? max - used : 0;
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (avail < 0 || (double)rl.rlim_cur < avail))
        avail = (double)rl.rlim_cur;
    return avail;
}

infl_status infl_cli_parse_size(const char *option, const char *text, double *out, infl_error *err)
{
    char *end = NULL;
    errno = 0;
    double v = text ? strtod(text, &end) : NAN;
    double unit = 1.0;
    if (end != NULL && *end != '\0') {
        switch (toupper((unsigned char)*end)) {
        case 'K':
            unit = 1024.0;
            break;
        case 'M':
            unit = 1048576.0;
            break;
        case 'G':
            unit = 1073741824.0;
            break;
        case 'T':
            unit = 1099511627776.0;
            break;
        default:
            unit = 0.0;
        }
        if (unit > 0 && end[1] != '\0' && !((end[1] == 'B' || end[1] == 'b') && end[2] == '\0') &&
            !((end[1] == 'i' || end[1] == 'I') && (end[2] == 'B' || end[2] == 'b') &&
              end[3] == '\0'))
            unit = 0.0;
    }
    if (end == text || errno != 0 || !(v > 0) || !isfinite(v) || unit == 0.0)
        return infl_cli_fail(err, INFL_EARG,
                             "%s: expected a size such as 4G, 512M or 2000000000 (got '%s')",
                             option, text ? text : "");
    *out = v * unit;
    return INFL_OK;
}
