/* SPDX-License-Identifier: MIT */
/*
 * For the import fuzz targets, whose readers take paths: one scratch
 * folder per process (under $TMPDIR), files rewritten for every input.
 */
#ifndef LABLOG_TESTS_FUZZ_IMPORT_FILES_H
#define LABLOG_TESTS_FUZZ_IMPORT_FILES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* The scratch folder, made on first use (and left for the OS to clean:
 * libFuzzer never returns). */
static inline const char *fuzz_dir(void)
{
    static char dir[256];

    if (!dir[0]) {
        const char *t = getenv("TMPDIR");

        snprintf(dir, sizeof(dir), "%s/lablog-fuzz-XXXXXX",
                 t && *t ? t : "/tmp");
        if (!mkdtemp(dir))
            abort();
    }
    return dir;
}

/* Writes len bytes to DIR/name (folders made as needed). */
static inline void fuzz_write(const char *name, const void *data, size_t len)
{
    char path[512], *slash;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", fuzz_dir(), name);
    for (slash = strchr(path + strlen(fuzz_dir()) + 1, '/'); slash;
         slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(path, 0700);
        *slash = '/';
    }
    f = fopen(path, "wb");
    if (!f)
        abort();
    if (len && fwrite(data, 1, len, f) != len)
        abort();
    fclose(f);
}

/* The next piece of data up to a 0xFF byte (or the end). */
static inline size_t fuzz_piece(const uint8_t **data, size_t *size,
                                const uint8_t **piece)
{
    const uint8_t *end = memchr(*data, 0xFF, *size);
    size_t n = end ? (size_t)(end - *data) : *size;

    *piece = *data;
    *data += n + (end != NULL);
    *size -= n + (end != NULL);
    return n;
}

#endif
