/*
 * resources.c — what the process has used, for `run --timings`.
 */
#include "cli.h"

#include <sys/resource.h>

double infl_peak_rss_mib(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1.0;
    return (double)ru.ru_maxrss / 1024.0; /* ru_maxrss is in KiB on Linux */
}
