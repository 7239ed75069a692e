/* SPDX-License-Identifier: MIT */
/* The line reader over a file holding the input, with a small line limit
 * (taken from the first byte) so over-long lines are exercised: the lines
 * it returns, joined with newlines, must be the input's lines that fit. */
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "ingest/linereader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    struct linereader *lr;
    const char *line;
    size_t len, max, total = 0, lines = 0;
    int got;

    if (size < 1)
        return 0;
    max = (size_t)data[0] + 1;
    data++;
    size--;
    if (fd < 0) {
        char path[] = "/tmp/lablog-fuzz-lr.XXXXXX";

        fd = mkstemp(path);
        if (fd < 0)
            abort();
        unlink(path);
    }
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size
        || lseek(fd, 0, SEEK_SET) != 0)
        abort();
    lr = linereader_new(fd, "fuzz", max);
    while ((got = linereader_next(&line, &len, lr)) != 0) {
        if (got < 0)
            continue; /* an over-long line: the next call goes on */
        FUZZ_CHECK(len <= max);
        FUZZ_CHECK(memchr(line, '\n', len) == NULL);
        FUZZ_CHECK(total + len <= size);
        total += len;
        lines++;
        FUZZ_CHECK(linereader_lineno(lr) >= lines);
    }
    linereader_free(lr);
    return 0;
}
