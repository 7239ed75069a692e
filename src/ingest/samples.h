/* SPDX-License-Identifier: MIT */
/*
 * Samples files: model outputs, one example per row, as JSONL or CSV.
 *
 * A row may have any fields; these names have a role (the first of a
 * role's names that a row has wins, compared case-insensitively):
 *
 *     role     names
 *     id       id
 *     input    input, prompt
 *     output   output, response, completion
 *     target   target, reference
 *     score    score, reward
 *     label    label, correct
 *
 * Every other field is kept (the file is stored byte for byte) and shown.
 * A row's score for ranking ("worst", "best", diff) is its score field
 * when that is a number (or a numeric string), else its label when that is
 * true/false (1/0) or a number. Its id is the id field's text, else its
 * row number ("1", "2", ...).
 *
 * Text is data: strings may hold Markdown, HTML, control characters and
 * invalid UTF-8 (a JSONL string may spell a byte that is not UTF-8 as
 * \udcXX, Python's surrogateescape), and it all is kept as it is. CSV
 * records may span lines inside quotes (pandas writes them that way).
 *
 * samples_add() streams a file into the log (store_samples_*): one row in
 * memory at a time. samples_reader parses stored rows back into fields.
 */
#ifndef LABLOG_INGEST_SAMPLES_H
#define LABLOG_INGEST_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct buf;

enum samples_format {
    SAMPLES_JSONL,
    SAMPLES_CSV
};

enum sample_role {
    ROLE_ID,
    ROLE_INPUT,
    ROLE_OUTPUT,
    ROLE_TARGET,
    ROLE_SCORE,
    ROLE_LABEL,
    ROLE_COUNT
};

/* The role's name ("input"), as used in entry data and --json. */
const char *samples_role_name(enum sample_role role);

/* The role of a field name, or -1. */
int samples_role_of(const char *key, size_t len);

/* Parses "jsonl" or "csv"; LL_EUSAGE otherwise. */
int samples_format_parse(enum samples_format *out, const char *name);

/* The longest row accepted: 16 MiB. */
#define SAMPLES_MAX_ROW ((size_t)16 << 20)

enum sample_kind {
    SAMPLE_STRING, /* text: decoded bytes (may be invalid UTF-8) */
    SAMPLE_NUMBER, /* text: the number as written ("0.50", "NaN") */
    SAMPLE_BOOL,   /* text: "true" or "false" */
    SAMPLE_NULL,   /* text: "null"; also an empty CSV cell */
    SAMPLE_JSON    /* text: a nested object or array as raw JSON */
};

struct sample_field {
    const char *key;       /* field name, NUL-terminated */
    size_t key_len;
    enum sample_kind kind;
    const char *text;      /* see enum sample_kind; NUL-terminated */
    size_t len;
    double num;            /* SAMPLE_NUMBER: the value */
};

/* One parsed row. Borrowed from the reader: valid until its next parse. */
struct sample_fields {
    const struct sample_field *items; /* in file order */
    size_t len;
    int role[ROLE_COUNT];  /* index into items of each role, or -1 */
};

/* Whether a parsed row has a score, and which (see the top). */
int samples_row_score(const struct sample_fields *f, double *out);

struct samples_reader;

/*
 * A reader of rows of one stored set. For CSV, header (the set's piece 0)
 * gives the column names. file names the set in messages. Never NULL;
 * free with samples_reader_free().
 */
struct samples_reader *samples_reader_new(enum samples_format format,
                                          const char *header, size_t len,
                                          const char *file);
void samples_reader_free(struct samples_reader *r);

/* Parses a row's bytes (as stored: line ending included). Returns 0 with
 * *out filled, or LL_EINPUT naming file and lineno. */
int samples_reader_parse(struct samples_reader *r, const char *bytes,
                         size_t len, size_t lineno,
                         struct sample_fields *out);

/*
 * Appends the row as one JSON object (fields in file order, numbers as
 * written; NaN and Infinity as Python writes them) to out. Invalid UTF-8
 * is written as \udcXX escapes (what Python's json.loads and
 * .encode("utf-8", "surrogateescape") turn back into the same bytes), and
 * every control character is escaped, so the line is valid JSON text.
 */
void samples_row_json(struct buf *out, const struct sample_fields *f);

/* The same, but NaN and infinities as the strings "NaN", "inf" and
 * "-inf" (as export --json writes points): strict JSON for any parser. */
void samples_row_json_strict(struct buf *out, const struct sample_fields *f);

/* Appends s as a JSON string literal with the escapes above. */
void samples_json_string(struct buf *out, const char *s, size_t len);

struct samples_add_opts {
    const char *path;            /* file to read; "-" for stdin */
    const char *format;          /* "jsonl", "csv", or NULL to guess */
    struct entry *entry;         /* ts, author, exp, title, body set; data
                                    is filled here */
    const char *attempt;         /* uid of the attempt's status entry, or
                                    NULL */
};

struct samples_add_result {
    struct samples_sums sums;    /* what the entry recorded */
    enum samples_format format;
    int64_t duplicate_ids;       /* rows whose id an earlier row had */
    int64_t roles_seen[ROLE_COUNT]; /* rows having each role */
};

/*
 * Reads the file and writes it as one samples set, in one transaction:
 * every row is checked (FILE:LINE errors name the first bad one), and on
 * any error nothing is written. The file is read and staged before the
 * write lock is taken (a slow pipe does not hold up other writers); the
 * lock is held only to move the rows in and commit. o->entry->id is set
 * on success.
 */
int samples_add(struct store *s, const struct samples_add_opts *o,
                struct samples_add_result *out);

#endif
