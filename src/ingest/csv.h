/* SPDX-License-Identifier: MIT */
/*
 * A parser for CSV metric files (RFC 4180), one record per line.
 *
 *     step,loss,acc,exp
 *     1,0.52,0.81,run-1
 *     2,nan,,"run-1, retry"
 *
 * The caller reads lines (ingest/linereader.h), hands the first to
 * csv_parse_header() and each later one to csv_parse_row(). Choices:
 *
 *  - Fields are separated by commas. A field may be quoted with '"'; inside
 *    quotes, commas are literal and '""' is one quote character.
 *  - A record must fit on one line: a quoted field still open at the end
 *    of the line is an error ("unterminated quoted field ... records
 *    spanning lines are not supported"). Quoted newlines are rare in
 *    metric files, and rejecting them keeps line numbers honest.
 *  - Spaces and tabs around a field are ignored, quoted or not ("a, b" is
 *    common in hand-written files); spaces inside quotes are kept. A quote
 *    inside an unquoted field, or text after a closing quote, is an error.
 *  - A cell is a number when its text is a decimal number ("1", "-2.5",
 *    ".5", "1e-3", "+3") or, case-insensitively, nan, inf or infinity with
 *    an optional sign -- quoted or not. Hexadecimal is text. An empty cell
 *    (including "") is a missing value.
 *  - The line must be valid UTF-8 and hold no NUL byte. A UTF-8 byte order
 *    mark at the start of the header is skipped (Excel writes one).
 *  - Header names may be empty (pandas writes an unnamed index column);
 *    two columns with the same non-empty name are an error. Every row must
 *    have as many fields as the header.
 *  - TensorBoard's scalar export, header "Wall time,Step,Value", is
 *    recognised (csv_format()); the caller supplies the metric name.
 *
 * Errors are LL_EINPUT with "FILE:LINE: what" messages; columns count
 * bytes from 1.
 */
#ifndef LABLOG_INGEST_CSV_H
#define LABLOG_INGEST_CSV_H

#include <stddef.h>

/* The kind of a cell. */
enum csv_kind {
    CSV_EMPTY,  /* missing value: nothing, only spaces, or "" */
    CSV_NUMBER, /* num holds the value; NaN and inf included */
    CSV_TEXT    /* anything else */
};

/* One cell of a row. Borrowed from the parser: valid until the next
 * csv_parse_row() or csv_free(). */
struct csv_cell {
    enum csv_kind kind; /* what the cell holds */
    double num;         /* CSV_NUMBER: the value */
    const char *text;   /* the cell's text, unquoted and trimmed, also for
                           numbers; "" when empty; NUL-terminated, no NUL
                           inside */
    size_t len;         /* bytes in text */
    size_t column;      /* 1-based byte column of the field's first
                           non-blank byte (its quote, if quoted) */
};

/* What the header says the file is. */
enum csv_format {
    CSV_FORMAT_PLAIN,      /* one column per key: step, loss, ... */
    CSV_FORMAT_TENSORBOARD /* Wall time,Step,Value: see below */
};

/* Column positions in a TensorBoard scalar export. Wall time is unix
 * seconds with a fraction. */
#define CSV_TB_WALL_TIME 0
#define CSV_TB_STEP 1
#define CSV_TB_VALUE 2

struct csv_parser;

/* Creates a parser. Free with csv_free(). Never returns NULL. */
struct csv_parser *csv_new(void);

/* Frees the parser and everything it handed out. Accepts NULL. */
void csv_free(struct csv_parser *p);

/* Parses the header line (len bytes at line, no line ending) into column
 * names, replacing any earlier header. file and lineno are used in error
 * messages only. Returns 0, or LL_EINPUT for a malformed line or a
 * duplicate name ("FILE:LINE: duplicate column name 'loss'"); the parser
 * then has no header. */
int csv_parse_header(struct csv_parser *p, const char *line, size_t len,
                     const char *file, size_t lineno);

/* Raw-bytes mode, for text that is data (model outputs): lines need not be
 * valid UTF-8 and cells keep their bytes. A record may then also span
 * lines: a quoted field may hold newlines when the caller passes the whole
 * record as one "line". Off by default. */
void csv_set_raw_bytes(struct csv_parser *p, int on);

/* The number of columns of the header, 0 before one was parsed. */
size_t csv_column_count(const struct csv_parser *p);

/* The name of column i (< csv_column_count()), trimmed and unquoted;
 * borrowed until the next csv_parse_header() or csv_free(). */
const char *csv_column_name(const struct csv_parser *p, size_t i);

/* CSV_FORMAT_TENSORBOARD when the header is exactly Wall time, Step, Value
 * (compared case-insensitively), else CSV_FORMAT_PLAIN. */
enum csv_format csv_format(const struct csv_parser *p);

/* Parses one data line. On success returns 0 with *cells_out pointing at
 * *count_out cells (borrowed: valid until the next csv_parse_row() or
 * csv_free()). When a header was parsed, a row with a different number of
 * fields fails with "FILE:LINE: expected 3 fields as in the header, found
 * 4". Other failures, all LL_EINPUT:
 *
 *     FILE:LINE: unterminated quoted field starting at column 7 (records
 *                spanning lines are not supported)
 *     FILE:LINE: quote inside an unquoted field at column 5
 *     FILE:LINE: expected ',' after the closing quote at column 9
 *     FILE:LINE: invalid UTF-8 at column 3
 *     FILE:LINE: NUL byte at column 3
 */
int csv_parse_row(const struct csv_cell **cells_out, size_t *count_out,
                  struct csv_parser *p, const char *line, size_t len,
                  const char *file, size_t lineno);

/* Returns 1 and sets *out when the len bytes at s are exactly a number in
 * the sense above (no surrounding spaces), else returns 0. Useful for
 * values typed on the command line too. */
int csv_parse_number(double *out, const char *s, size_t len);

#endif
