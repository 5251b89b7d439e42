/*
 * roster_csv.h — a roster file in CSV (RFC 4180) read into flat records: a
 * SEQ node with one MAP node a data row, keyed by the header's column names
 * (lower-cased, spaces around them trimmed), each value a SCALAR as written
 * (unquoted fields trimmed). Empty fields are left out. Every node remembers
 * where it came from: a record is at (origin, its first line, column 1), a
 * value at its field's line and column, a pair's key at its header cell, the
 * SEQ at the header row. What the columns mean is roster_import's business.
 */
#ifndef INFL_SIM_ROSTER_CSV_H
#define INFL_SIM_ROSTER_CSV_H

#include "scenario/yaml_tree.h"

/* The largest roster file read (bytes) and the most data rows it may hold. */
#define INFL_ROSTER_MAX_BYTES ((size_t)32 << 20)
#define INFL_ROSTER_MAX_ROWS 100000

/*
 * Parses `text` (length bytes, not necessarily NUL-terminated) as CSV into
 * *out_seq. `origin` (the file's path, for messages and node positions) must
 * outlive the tree.
 * Accepts a UTF-8 byte-order mark, CRLF, LF or CR line ends, quoted fields
 * holding commas, doubled quotes and line breaks, spaces around fields, and
 * empty lines (skipped, as are rows of empty fields). Refuses, as
 * INFL_ESYNTAX: a file that is not CSV text (NUL bytes, UTF-16, invalid
 * UTF-8, control characters, HTML, JSON; one message, not one a line), an
 * empty file, a header separated by ';' or tabs, an unclosed quote, text
 * after a closing quote, a quote inside an unquoted field, a duplicate
 * column, a value under a column without a name, a row with more fields than
 * the header. As INFL_ELIMIT: more than INFL_ROSTER_MAX_BYTES bytes (refused
 * before reading) or INFL_ROSTER_MAX_ROWS data rows. Faults of rows are all
 * listed, at most 50 (then "N more faults not shown"), as
 * "ORIGIN:LINE:COLUMN: ...". On failure *out_seq is NULL.
 * The caller owns *out_seq (infl__yaml_tree_free).
 */
infl_status infl__roster_csv_parse(const char *text, size_t length, const char *origin,
                                   infl_node **out_seq, infl_error *err);

#endif
