/* SPDX-License-Identifier: MIT */
/*
 * A parser for one JSONL line holding a flat JSON object, such as
 *
 *     {"step": 123, "loss": 0.123456, "acc": 0.9, "exp": "run-1"}
 *
 * It runs once per ingested line, so it reuses its buffers: after the first
 * lines it allocates nothing. The grammar is RFC 8259 with these choices:
 *
 *  - NaN, Infinity and -Infinity (what Python's json.dumps writes for
 *    non-finite floats) are numbers. A diverged run is data, not an error.
 *  - Numbers that overflow a double (1e309) become +/-infinity and numbers
 *    that underflow become 0 or a subnormal, as Python's json.loads does.
 *    A number literal longer than 256 characters is an error.
 *  - Integer literals within int64 keep their exact value (is_int, i64), so
 *    steps beyond 2^53 are not rounded.
 *  - Strings are decoded to UTF-8; \uXXXX escapes and surrogate pairs are
 *    supported, unpaired surrogates are an error, and so is \u0000 (keys
 *    and values never contain NUL bytes, so callers may use them as C
 *    strings).
 *  - The whole line must be valid UTF-8.
 *  - Nested objects and arrays are validated and reported as JSONL_OTHER
 *    with their raw text, so the caller can warn and skip them. Nesting
 *    deeper than 64 levels is an error.
 *  - A key that appears twice is an error ("duplicate key"), because
 *    silently dropping one of two values would lose a measurement.
 *  - Nothing but JSON whitespace may follow the closing brace; trailing
 *    commas are errors; an empty line is "not a JSON object".
 *
 * Errors are LL_EINPUT with messages that name the place, with 1-based
 * byte columns:
 *
 *     FILE:LINE: expected ',' or '}' at column 17
 *     FILE:LINE: expected ':' at column 9 (end of line)
 *     FILE:LINE: invalid UTF-8 at column 12
 *     FILE:LINE: not a JSON object
 */
#ifndef LABLOG_INGEST_JSONL_H
#define LABLOG_INGEST_JSONL_H

#include <stddef.h>
#include <stdint.h>

/* The kind of a field's value. */
enum jsonl_kind {
    JSONL_NUMBER, /* num (and is_int, i64) */
    JSONL_STRING, /* str, str_len */
    JSONL_TRUE,
    JSONL_FALSE,
    JSONL_NULL,
    JSONL_OTHER   /* nested object or array; str holds its raw JSON text */
};

/* One key/value pair of the parsed object. Strings are borrowed from the
 * parser: valid until the next jsonl_parse() or jsonl_free(). */
struct jsonl_field {
    const char *key;      /* decoded key, NUL-terminated, no NUL inside */
    size_t key_len;       /* bytes in key */
    enum jsonl_kind kind; /* what the value is */
    double num;           /* JSONL_NUMBER: the value, NaN and inf included */
    int is_int;           /* JSONL_NUMBER: an integer literal (no '.' or
                             exponent) that fits in int64 */
    int64_t i64;          /* JSONL_NUMBER with is_int: the exact value */
    const char *str;      /* JSONL_STRING: decoded text; JSONL_OTHER: raw
                             JSON text; NUL-terminated; NULL otherwise */
    size_t str_len;       /* bytes in str */
    size_t column;        /* 1-based byte column where the value starts */
};

struct jsonl_parser;

/* Creates a parser. Free with jsonl_free(). Never returns NULL. */
struct jsonl_parser *jsonl_new(void);

/* Frees the parser and every string it handed out. Accepts NULL. */
void jsonl_free(struct jsonl_parser *p);

/* Parses the len bytes at line (no NUL needed, no line ending expected)
 * as one JSON object. file and lineno are used only in error messages.
 * On success returns 0 and sets *fields_out to the fields in the order
 * they appear and *count_out to their number; the array is borrowed:
 * valid until the next jsonl_parse() or jsonl_free(). On failure returns
 * LL_EINPUT (see the top of this file for the messages). */
int jsonl_parse(const struct jsonl_field **fields_out, size_t *count_out,
                struct jsonl_parser *p, const char *line, size_t len,
                const char *file, size_t lineno);

/* Raw-bytes mode, for text that is data (model outputs): the line need not
 * be valid UTF-8, strings keep invalid bytes as they are, and a lone
 * \uDC80..\uDCFF escape (Python's "surrogateescape" spelling of a byte that
 * is not UTF-8) decodes to that byte. Off by default. */
void jsonl_set_raw_bytes(struct jsonl_parser *p, int on);

/* The field named key in the object last parsed successfully, or NULL.
 * Constant time. */
const struct jsonl_field *jsonl_find(const struct jsonl_parser *p,
                                     const char *key);

#endif
