/* SPDX-License-Identifier: MIT */
/*
 * A child's output as lines people read: splitting byte chunks into lines,
 * cleaning each line, and keeping the tail of the output.
 *
 * Cleaning (what a terminal would finally show on that line):
 *  - escape sequences (colours, cursor moves: ESC [ ... and ESC ] ... BEL)
 *    are removed;
 *  - a carriage return overwrites: only the last non-empty "\r" segment is
 *    kept, so a progress bar redrawn 300 times is one line, its final state;
 *  - other control characters are dropped (a tab stays);
 *  - ill-formed UTF-8 becomes U+FFFD.
 *
 * The tail is the last OUTLINES_TAIL_LINES lines or OUTLINES_TAIL_BYTES
 * bytes, whichever is smaller, of stdout and stderr together in the order
 * their lines completed: what a failed run's reader needs (a traceback).
 */
#ifndef LABLOG_PROC_OUTLINES_H
#define LABLOG_PROC_OUTLINES_H

#include <stddef.h>

#define OUTLINES_TAIL_LINES 200
#define OUTLINES_TAIL_BYTES (64 * 1024)
/* Lines longer than this are cut (and flagged) for parsing and the tail;
 * they still pass through to the terminal whole. */
#define OUTLINES_MAX_LINE (64 * 1024)

struct buf;

/*
 * Called with each complete line that may be a metric line (its first
 * byte after blanks is 'l', '{', ESC or CR), cleaned (no newline,
 * NUL-terminated, borrowed until the call returns). stream is the one
 * given to outlines_feed() and lineno the line's number in it (every line
 * counts); cut is 1 when the line was longer than OUTLINES_MAX_LINE.
 */
typedef void outlines_fn(void *ctx, int stream, size_t lineno,
                         const char *line, size_t len, int cut);

struct outlines;

/* A splitter for streams 1 and 2 that calls fn(ctx, ...) per line and keeps
 * the tail. Free with outlines_free(). */
struct outlines *outlines_new(outlines_fn *fn, void *ctx);
void outlines_free(struct outlines *o);

/* Feeds bytes of one stream (1 or 2). */
void outlines_feed(struct outlines *o, int stream, const char *data,
                   size_t len);

/* Ends both streams: a last line without its newline is delivered. */
void outlines_finish(struct outlines *o);

/* Appends the tail, cleaned, one "\n"-terminated line per line, to out. */
void outlines_tail(const struct outlines *o, struct buf *out);

/* Number of lines in the tail. */
size_t outlines_tail_lines(const struct outlines *o);

/* Number of lines completed so far, both streams: the tail changed when
 * this did. */
size_t outlines_lines_seen(const struct outlines *o);

/*
 * Cleans one raw line (see above) into out (replacing its content);
 * exposed for tests and for other callers with lines of their own.
 */
void outlines_clean(struct buf *out, const char *line, size_t len);

#endif
