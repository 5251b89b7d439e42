/*
 * influsim/report.h — a results file as one page a strategist can hand on:
 * self-contained HTML (inline CSS, figures as inline SVG drawn here, no
 * script, nothing fetched), that opens with the answer in one sentence
 * computed from the file, then the strategies' table, the figures that fit
 * the file's kind, the assumptions (the resolved scenario, with the scenario
 * file's comments as their sources), what the model leaves out, and where
 * the numbers came from. docs/report.md describes the page.
 */
#ifndef INFLUSIM_REPORT_H
#define INFLUSIM_REPORT_H

#include "influsim/error.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Renders the report of the results file at h5_path (any kind: run, sweep,
 * optimize, select, sensitivity) into a new NUL-terminated string *html
 * (free()). The file is read through the library's guarded readers, so a
 * damaged file gives INFL_EFORMAT with "PATH: damaged (...)", a missing one
 * INFL_EIO; *html is then NULL.
 */
infl_status infl_report_render(const char *h5_path, char **html, infl_error *err);

/*
 * Renders as infl_report_render and writes the page to html_path
 * atomically (a temporary beside it, flushed, renamed), so the path holds
 * the old page or the whole new one, never a part. replace: whether an
 * existing file there may be replaced (else INFL_EIO, "a file appeared
 * there" / exists). Failures as above, or INFL_EIO naming html_path.
 */
infl_status infl_report_write(const char *h5_path, const char *html_path, bool replace,
                              infl_error *err);

#endif
