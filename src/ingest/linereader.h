/* SPDX-License-Identifier: MIT */
/*
 * A line reader over a file descriptor, for ingest streams.
 *
 * It reads with read(2) into its own buffer and returns each line as soon as
 * its newline has arrived, so it works on pipes, terminals and `tail -f`
 * output without waiting for a full block. Memory is bounded: the buffer
 * never grows beyond max_len + 3 bytes, whatever the input.
 *
 * Lines:
 *  - end at "\n"; a "\r" just before it is removed too (CRLF files);
 *  - the last line may lack its newline (a trailing "\r" is removed too);
 *  - are numbered from 1; empty lines are returned (and counted) like any
 *    other;
 *  - may contain NUL bytes, which are passed through: len is the truth. The
 *    returned line is also NUL-terminated, so a caller that does not accept
 *    NULs checks memchr(line, 0, len) or lets its parser reject them (the
 *    JSONL and CSV parsers do);
 *  - longer than max_len bytes (not counting the line ending) fail with
 *    LL_EINPUT; the reader then skips the rest of that line, so the caller
 *    may report it and carry on with the next one.
 *
 * The descriptor is borrowed: the reader never closes it. A non-blocking
 * descriptor works too (the reader polls when read(2) says EAGAIN).
 */
#ifndef LABLOG_INGEST_LINEREADER_H
#define LABLOG_INGEST_LINEREADER_H

#include <stddef.h>

/* A reasonable max_len for metric streams: 1 MiB. */
#define LINEREADER_MAX_LEN ((size_t)1 << 20)

struct linereader;

/* Creates a reader of fd. name is used in messages ("-" or "<stdin>" for
 * standard input) and is copied. Free with linereader_free(). Never returns
 * NULL. */
struct linereader *linereader_new(int fd, const char *name, size_t max_len);

/* Frees the reader (not the descriptor). Accepts NULL. */
void linereader_free(struct linereader *lr);

/* Reads the next line, blocking until it is complete or the input ends.
 * Returns 1 with *line_out and *len_out set, 0 at the end of the input, or:
 *  - LL_EINPUT "NAME:LINE: line longer than N bytes" for an over-long line
 *    (the next call continues after it);
 *  - LL_EIO "NAME: read failed: <strerror>" when read(2) fails (again on
 *    every later call).
 * The line is borrowed: valid until the next call on lr. */
int linereader_next(const char **line_out, size_t *len_out,
                    struct linereader *lr);

/* The number of the line last returned (or reported as too long); 0 before
 * the first. */
size_t linereader_lineno(const struct linereader *lr);

/* Returns 1 when linereader_next() can answer from what is already buffered
 * -- a complete line, the end of the input, or an error -- and 0 when it
 * would have to call read(2). Makes no system call. */
int linereader_buffered(const struct linereader *lr);

/* Waits up to timeout_ms milliseconds (-1: no limit, 0: just check) until
 * linereader_next() will not block, reading whatever arrives meanwhile.
 * Returns 1 when it will not block (a line, the end, or an error is ready)
 * and 0 on timeout. Ingest uses this to commit a pending batch while the
 * input is idle:
 *
 *     if (pending && !linereader_wait(lr, 1000))
 *         commit the batch;
 */
int linereader_wait(struct linereader *lr, int timeout_ms);

#endif
