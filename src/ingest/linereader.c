/* SPDX-License-Identifier: MIT */
/*
 * The ingest line reader (see linereader.h).
 *
 * The buffer holds the unread input in buf[start, end). Bytes in
 * buf[start, scan) are known to hold no newline, so a long line that arrives
 * in many small reads is scanned once, not once per read. The buffer starts
 * small and doubles up to max_len + 3 bytes: a line of max_len bytes, its
 * "\r\n", and room for the NUL written over the line ending. Holding
 * max_len + 2 bytes without a newline therefore proves the line too long.
 */
#include "ingest/linereader.h"

#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/err.h"
#include "util/xalloc.h"

#define INITIAL_CAP ((size_t)64 * 1024)

struct linereader {
    int fd;            /* borrowed input descriptor */
    char *name;        /* for messages; owned */
    size_t max_len;    /* longest accepted line, line ending excluded */
    size_t limit;      /* largest buffer: max_len + 3 */
    char *buf;         /* input bytes; owned */
    size_t cap;        /* bytes allocated in buf */
    size_t start;      /* first unread byte */
    size_t scan;       /* buf[start, scan) holds no newline */
    size_t end;        /* end of the bytes read so far */
    size_t lineno;     /* number of the last line returned or rejected */
    int eof;           /* read(2) returned 0 */
    int skipping;      /* dropping the rest of an over-long line */
    int read_errno;    /* errno of a failed read(2), 0 if none */
};

struct linereader *linereader_new(int fd, const char *name, size_t max_len)
{
    struct linereader *lr = xcalloc(1, sizeof(*lr));

    assert(max_len < ((size_t)-1) / 2);
    lr->fd = fd;
    lr->name = xstrdup(name);
    lr->max_len = max_len;
    lr->limit = max_len + 3;
    lr->cap = lr->limit < INITIAL_CAP ? lr->limit : INITIAL_CAP;
    lr->buf = xmalloc(lr->cap);
    return lr;
}

void linereader_free(struct linereader *lr)
{
    if (!lr)
        return;
    free(lr->name);
    free(lr->buf);
    free(lr);
}

size_t linereader_lineno(const struct linereader *lr)
{
    return lr->lineno;
}

/* Drops buffered bytes of an over-long line, up to and including its
 * newline when that has arrived. */
static void drop_skipped(struct linereader *lr)
{
    char *nl;

    if (!lr->skipping)
        return;
    nl = memchr(lr->buf + lr->start, '\n', lr->end - lr->start);
    if (nl) {
        lr->start = (size_t)(nl - lr->buf) + 1;
        lr->skipping = 0;
    } else {
        lr->start = lr->end;
    }
    lr->scan = lr->start;
}

static int read_failed(const struct linereader *lr)
{
    return ll_error(LL_EIO, "%s: read failed: %s", lr->name,
                    strerror(lr->read_errno));
}

/* Makes room and performs one read(2). Blocks only when no byte is
 * available (and polls through EAGAIN on a non-blocking descriptor). */
static int fill(struct linereader *lr)
{
    size_t used;
    ssize_t got;
    struct pollfd pfd;

    drop_skipped(lr);
    used = lr->end - lr->start;
    if (lr->start > 0) {
        memmove(lr->buf, lr->buf + lr->start, used);
        lr->scan -= lr->start;
        lr->start = 0;
        lr->end = used;
    }
    if (lr->cap - 1 - used < lr->cap / 2 && lr->cap < lr->limit) {
        lr->cap = lr->cap * 2 < lr->limit ? lr->cap * 2 : lr->limit;
        lr->buf = xrealloc(lr->buf, lr->cap);
    }
    assert(lr->cap - 1 > used);
    for (;;) {
        got = read(lr->fd, lr->buf + lr->end, lr->cap - 1 - lr->end);
        if (got >= 0)
            break;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            pfd.fd = lr->fd;
            pfd.events = POLLIN;
            poll(&pfd, 1, -1);
        } else if (errno != EINTR) {
            lr->read_errno = errno;
            return read_failed(lr);
        }
    }
    if (got == 0)
        lr->eof = 1;
    lr->end += (size_t)got;
    return 0;
}

/* Hands out buf[start, start + n), n counting the bytes before the
 * newline (or the end of the input), and consumes through `next`. */
static int deliver(const char **line_out, size_t *len_out,
                   struct linereader *lr, size_t n, size_t next)
{
    char *line = lr->buf + lr->start;

    lr->start = next;
    lr->scan = next;
    lr->lineno++;
    if (n > 0 && line[n - 1] == '\r')
        n--;
    if (n > lr->max_len)
        return ll_error(LL_EINPUT, "%s:%zu: line longer than %zu bytes",
                        lr->name, lr->lineno, lr->max_len);
    line[n] = '\0';
    *line_out = line;
    *len_out = n;
    return 1;
}

int linereader_next(const char **line_out, size_t *len_out,
                    struct linereader *lr)
{
    char *nl;
    int rc;

    for (;;) {
        if (lr->read_errno)
            return read_failed(lr);
        drop_skipped(lr);
        if (!lr->skipping) {
            nl = memchr(lr->buf + lr->scan, '\n', lr->end - lr->scan);
            if (nl)
                return deliver(line_out, len_out, lr,
                               (size_t)(nl - lr->buf) - lr->start,
                               (size_t)(nl - lr->buf) + 1);
            lr->scan = lr->end;
            if (lr->end - lr->start >= lr->max_len + 2) {
                lr->lineno++;
                lr->skipping = 1;
                return ll_error(LL_EINPUT,
                                "%s:%zu: line longer than %zu bytes",
                                lr->name, lr->lineno, lr->max_len);
            }
        }
        if (lr->eof) {
            lr->skipping = 0;
            if (lr->start == lr->end)
                return 0;
            return deliver(line_out, len_out, lr, lr->end - lr->start,
                           lr->end);
        }
        rc = fill(lr);
        if (rc < 0)
            return rc;
    }
}

int linereader_buffered(const struct linereader *lr)
{
    size_t pos = lr->start;
    const char *nl;

    if (lr->eof || lr->read_errno)
        return 1;
    if (lr->skipping) {
        nl = memchr(lr->buf + pos, '\n', lr->end - pos);
        if (!nl)
            return 0;
        pos = (size_t)(nl - lr->buf) + 1;
    }
    if (memchr(lr->buf + pos, '\n', lr->end - pos))
        return 1;
    return lr->end - pos >= lr->max_len + 2;
}

static long long monotonic_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int linereader_wait(struct linereader *lr, int timeout_ms)
{
    long long deadline = monotonic_ms() + timeout_ms;
    long long left = timeout_ms;
    struct pollfd pfd;
    int n;

    for (;;) {
        if (linereader_buffered(lr))
            return 1;
        if (timeout_ms >= 0) {
            left = deadline - monotonic_ms();
            if (left < 0)
                left = 0;
        }
        pfd.fd = lr->fd;
        pfd.events = POLLIN;
        pfd.revents = 0;
        n = poll(&pfd, 1, (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            return 0;
        if (n < 0)
            return 1; /* let linereader_next() meet the error */
        /* Readable (or hung up): this read(2) does not block. */
        if (fill(lr) < 0)
            return 1;
    }
}
