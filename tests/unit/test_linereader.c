/* SPDX-License-Identifier: MIT */
/*
 * Tests of ingest/linereader: line endings, limits, pipes fed piece by
 * piece (lines must come out as soon as their newline is written), waiting
 * with a timeout, and read errors.
 */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ingest/linereader.h"
#include "util/err.h"

static void write_all(int fd, const char *s, size_t len)
{
    ssize_t n;

    while (len > 0) {
        n = write(fd, s, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            _exit(3);
        s += n;
        len -= (size_t)n;
    }
}

static void write_str(int fd, const char *s)
{
    write_all(fd, s, strlen(s));
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* A file descriptor reading the given bytes, from an unlinked temp file. */
static int file_with(const char *data, size_t len)
{
    char path[] = "/tmp/lablog-test-lr-XXXXXX";
    int fd = mkstemp(path);

    if (fd < 0)
        abort();
    unlink(path);
    write_all(fd, data, len);
    lseek(fd, 0, SEEK_SET);
    return fd;
}

/* Expects the next line to be want (NUL-terminated, no NUL inside). */
static void expect_line(struct linereader *lr, const char *want)
{
    const char *line = NULL;
    size_t len = 0;
    int rc = linereader_next(&line, &len, lr);

    INT_EQ(rc, 1);
    if (rc != 1) {
        fprintf(stderr, "  (%s)\n", ll_error_message());
        return;
    }
    INT_EQ(len, strlen(want));
    STR_EQ(line, want);
}

static void expect_eof(struct linereader *lr)
{
    const char *line;
    size_t len;

    INT_EQ(linereader_next(&line, &len, lr), 0);
}

static void test_endings(void)
{
    static const char data[] = "a\n\nb\r\n\r\nc\rd\n  e  \nlast";
    int fd = file_with(data, sizeof(data) - 1);
    struct linereader *lr = linereader_new(fd, "in.txt", 100);

    INT_EQ(linereader_lineno(lr), 0);
    expect_line(lr, "a");
    INT_EQ(linereader_lineno(lr), 1);
    expect_line(lr, "");
    expect_line(lr, "b");
    expect_line(lr, "");
    expect_line(lr, "c\rd"); /* only a \r before the \n goes */
    expect_line(lr, "  e  ");
    expect_line(lr, "last"); /* no final newline */
    INT_EQ(linereader_lineno(lr), 7);
    expect_eof(lr);
    expect_eof(lr);
    INT_EQ(linereader_lineno(lr), 7);
    linereader_free(lr);
    close(fd);

    fd = file_with("x\r\ny\r", 5);
    lr = linereader_new(fd, "in.txt", 100);
    expect_line(lr, "x");
    expect_line(lr, "y"); /* a lone final \r goes too */
    expect_eof(lr);
    linereader_free(lr);
    close(fd);

    fd = file_with("x\n", 2);
    lr = linereader_new(fd, "in.txt", 100);
    expect_line(lr, "x"); /* no empty line after the last newline */
    expect_eof(lr);
    linereader_free(lr);
    close(fd);

    fd = file_with("", 0);
    lr = linereader_new(fd, "in.txt", 100);
    expect_eof(lr);
    INT_EQ(linereader_lineno(lr), 0);
    linereader_free(lr);
    close(fd);
    linereader_free(NULL);
}

/* NUL bytes inside a line are passed through; len is the truth. */
static void test_nul_bytes(void)
{
    static const char data[] = "a\0b\n\0\n";
    int fd = file_with(data, sizeof(data) - 1);
    struct linereader *lr = linereader_new(fd, "nul.txt", 100);
    const char *line;
    size_t len;

    INT_EQ(linereader_next(&line, &len, lr), 1);
    INT_EQ(len, 3);
    OK(memcmp(line, "a\0b", 4) == 0); /* and NUL-terminated */
    INT_EQ(linereader_next(&line, &len, lr), 1);
    INT_EQ(len, 1);
    INT_EQ(line[0], 0);
    expect_eof(lr);
    linereader_free(lr);
    close(fd);
}

/* With max_len 8: a line of exactly 8 bytes passes (with either ending),
 * 9 bytes fail, and reading continues after the bad line. */
static void test_limit_edges(void)
{
    static const char data[] =
        "12345678\n123456789\n12345678\r\n123456789\r\nok\n"
        "1234567890123456789012345678901234567890\nafter\n123456789";
    int fd = file_with(data, sizeof(data) - 1);
    struct linereader *lr = linereader_new(fd, "lim.txt", 8);
    const char *line;
    size_t len;

    expect_line(lr, "12345678");
    INT_EQ(linereader_next(&line, &len, lr), LL_EINPUT);
    STR_EQ(ll_error_message(), "lim.txt:2: line longer than 8 bytes");
    expect_line(lr, "12345678");
    INT_EQ(linereader_lineno(lr), 3);
    INT_EQ(linereader_next(&line, &len, lr), LL_EINPUT);
    STR_EQ(ll_error_message(), "lim.txt:4: line longer than 8 bytes");
    expect_line(lr, "ok");
    INT_EQ(linereader_next(&line, &len, lr), LL_EINPUT);
    STR_EQ(ll_error_message(), "lim.txt:6: line longer than 8 bytes");
    expect_line(lr, "after");
    INT_EQ(linereader_lineno(lr), 7);
    INT_EQ(linereader_next(&line, &len, lr), LL_EINPUT);
    STR_EQ(ll_error_message(), "lim.txt:8: line longer than 8 bytes");
    expect_eof(lr);
    linereader_free(lr);
    close(fd);

    fd = file_with("\n\nab", 4);
    lr = linereader_new(fd, "zero.txt", 0);
    expect_line(lr, "");
    expect_line(lr, "");
    INT_EQ(linereader_next(&line, &len, lr), LL_EINPUT);
    STR_EQ(ll_error_message(), "zero.txt:3: line longer than 0 bytes");
    expect_eof(lr);
    linereader_free(lr);
    close(fd);
}

/* Many lines of random lengths, some longer than the initial buffer, come
 * out intact. */
static void test_many_lines(void)
{
    size_t cap = 4u << 20, used = 0, i, k, count = 0, bad = 0;
    char *data = malloc(cap);
    size_t *lens = malloc(4000 * sizeof(*lens));
    const char *line;
    size_t len;
    struct linereader *lr;
    int fd;

    srand(7);
    while (count < 4000) {
        k = (size_t)rand() % 100 == 0 ? (size_t)rand() % 200000
                                       : (size_t)rand() % 300;
        if (used + k + 2 > cap)
            break;
        for (i = 0; i < k; i++)
            data[used + i] = (char)('a' + (count + i) % 26);
        used += k;
        data[used++] = '\n';
        lens[count++] = k;
    }
    fd = file_with(data, used);
    lr = linereader_new(fd, "many.txt", 200000);
    for (i = 0; i < count; i++) {
        if (linereader_next(&line, &len, lr) != 1 || len != lens[i] ||
            (len > 0 && (line[0] != (char)('a' + i % 26) ||
                         line[len - 1] != (char)('a' + (i + len - 1) % 26))))
            bad++;
    }
    INT_EQ(bad, 0);
    expect_eof(lr);
    INT_EQ(linereader_lineno(lr), count);
    linereader_free(lr);
    close(fd);
    free(data);
    free(lens);
}

/* A pipe written in pieces by this very process: each line must come out
 * as soon as its newline is in the pipe. A reader that waited for a full
 * block would hang; alarm() turns that into a failure. */
static void test_pipe_pieces(void)
{
    struct linereader *lr;
    int fds[2];

    if (pipe(fds) != 0)
        abort();
    alarm(10);
    lr = linereader_new(fds[0], "pipe", 1000);
    INT_EQ(linereader_wait(lr, 0), 0);
    INT_EQ(linereader_buffered(lr), 0);
    write_str(fds[1], "first\n");
    expect_line(lr, "first");
    write_str(fds[1], "second\nthi");
    expect_line(lr, "second");
    INT_EQ(linereader_buffered(lr), 0);
    INT_EQ(linereader_wait(lr, 0), 0); /* "thi" is not a line yet */
    write_str(fds[1], "rd");
    INT_EQ(linereader_wait(lr, 20), 0);
    write_str(fds[1], "\r\nfourth\nfif");
    INT_EQ(linereader_wait(lr, 0), 1);
    INT_EQ(linereader_buffered(lr), 1);
    expect_line(lr, "third");
    INT_EQ(linereader_buffered(lr), 1); /* "fourth" came in the same read */
    expect_line(lr, "fourth");
    INT_EQ(linereader_buffered(lr), 0);
    close(fds[1]);
    INT_EQ(linereader_wait(lr, 1000), 1); /* the end counts as ready */
    expect_line(lr, "fif");
    expect_eof(lr);
    INT_EQ(linereader_wait(lr, 1000), 1);
    alarm(0);
    linereader_free(lr);
    close(fds[0]);
}

/* A writer process sends lines with pauses; the reader gets each line
 * long before the next one is written, and linereader_wait() times out
 * in between. */
static void test_pipe_writer(void)
{
    struct linereader *lr;
    long long t0, t1;
    int fds[2], status;
    pid_t pid;

    if (pipe(fds) != 0)
        abort();
    pid = fork();
    if (pid == 0) {
        close(fds[0]);
        write_str(fds[1], "{\"step\": 1}\n");
        sleep_ms(400);
        write_str(fds[1], "{\"step\": 2}\n");
        sleep_ms(400);
        write_str(fds[1], "{\"step\"");
        sleep_ms(600);
        write_str(fds[1], ": 3}\n");
        _exit(0);
    }
    close(fds[1]);
    alarm(20);
    lr = linereader_new(fds[0], "child", 1000);
    t0 = now_ms();
    expect_line(lr, "{\"step\": 1}");
    t1 = now_ms();
    OK(t1 - t0 < 300);
    INT_EQ(linereader_wait(lr, 100), 0); /* idle: commit time */
    t1 = now_ms();
    OK(t1 - t0 >= 90);
    INT_EQ(linereader_wait(lr, -1), 1);
    expect_line(lr, "{\"step\": 2}");
    t1 = now_ms();
    OK(t1 - t0 >= 300 && t1 - t0 < 700);
    /* the partial third line does not end a wait */
    INT_EQ(linereader_wait(lr, 550), 0);
    expect_line(lr, "{\"step\": 3}");
    expect_eof(lr);
    alarm(0);
    linereader_free(lr);
    close(fds[0]);
    waitpid(pid, &status, 0);
    INT_EQ(WIFEXITED(status) && WEXITSTATUS(status) == 0, 1);
}

/* A 10 MB line through a pipe fails with the message, in bounded memory,
 * and the lines around it are intact. */
static void test_huge_line(void)
{
    struct linereader *lr;
    const char *line;
    size_t len, i;
    char chunk[65536];
    int fds[2], status;
    pid_t pid;

    if (pipe(fds) != 0)
        abort();
    pid = fork();
    if (pid == 0) {
        close(fds[0]);
        memset(chunk, 'x', sizeof(chunk));
        write_str(fds[1], "first\n");
        for (i = 0; i < 160; i++) /* 10,485,760 bytes */
            write_all(fds[1], chunk, sizeof(chunk));
        write_str(fds[1], "\nlast\n");
        _exit(0);
    }
    close(fds[1]);
    alarm(60);
    lr = linereader_new(fds[0], "big.jsonl", LINEREADER_MAX_LEN);
    expect_line(lr, "first");
    INT_EQ(linereader_next(&line, &len, lr), LL_EINPUT);
    STR_EQ(ll_error_message(), "big.jsonl:2: line longer than 1048576 bytes");
    expect_line(lr, "last");
    INT_EQ(linereader_lineno(lr), 3);
    expect_eof(lr);
    alarm(0);
    linereader_free(lr);
    close(fds[0]);
    waitpid(pid, &status, 0);
    INT_EQ(WIFEXITED(status) && WEXITSTATUS(status) == 0, 1);
}

/* A non-blocking descriptor: the reader polls through EAGAIN. */
static void test_nonblocking(void)
{
    struct linereader *lr;
    int fds[2], status;
    pid_t pid;

    if (pipe(fds) != 0)
        abort();
    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    pid = fork();
    if (pid == 0) {
        close(fds[0]);
        sleep_ms(100);
        write_str(fds[1], "late\n");
        _exit(0);
    }
    close(fds[1]);
    alarm(10);
    lr = linereader_new(fds[0], "nb", 100);
    expect_line(lr, "late");
    expect_eof(lr);
    alarm(0);
    linereader_free(lr);
    close(fds[0]);
    waitpid(pid, &status, 0);
}

static void test_read_error(void)
{
    int fd = open("/", O_RDONLY);
    struct linereader *lr = linereader_new(fd, "/", 100);
    const char *line;
    size_t len;

    INT_EQ(linereader_next(&line, &len, lr), LL_EIO);
    STR_EQ(ll_error_message(), "/: read failed: Is a directory");
    ll_error_clear();
    INT_EQ(linereader_next(&line, &len, lr), LL_EIO);
    STR_EQ(ll_error_message(), "/: read failed: Is a directory");
    INT_EQ(linereader_buffered(lr), 1);
    INT_EQ(linereader_wait(lr, 0), 1);
    linereader_free(lr);
    close(fd);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    RUN(test_endings);
    RUN(test_nul_bytes);
    RUN(test_limit_edges);
    RUN(test_many_lines);
    RUN(test_pipe_pieces);
    RUN(test_pipe_writer);
    RUN(test_huge_line);
    RUN(test_nonblocking);
    RUN(test_read_error);
    return harness_finish("test_linereader");
}
