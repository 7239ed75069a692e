/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer targets (tests/fuzz/fuzz_*.c). Each defines
 * LLVMFuzzerTestOneInput(), which must accept any bytes: it returns 0, and a
 * crash, a sanitizer report or a failed FUZZ_CHECK() is a finding.
 *
 * The same file links two ways: with clang's -fsanitize=fuzzer for `make
 * fuzz` (libFuzzer's main), and with replay.c for `make test`, which calls
 * the target once per file of its checked-in corpus, under gcc or clang,
 * plain or sanitized, so a fixed crash stays fixed.
 */
#ifndef LABLOG_TESTS_FUZZ_H
#define LABLOG_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property that must hold whatever the input: abort() with the place, so
 * both libFuzzer and the replay driver report the input that broke it. */
#define FUZZ_CHECK(cond)                                                    \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__,       \
                    __LINE__, #cond);                                       \
            abort();                                                        \
        }                                                                   \
    } while (0)

/* The input as a NUL-terminated copy (caller frees); embedded NULs stay, so
 * C-string consumers see a prefix. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (!s)
        abort();
    for (size_t i = 0; i < size; i++)
        s[i] = (char)data[i];
    s[size] = '\0';
    return s;
}

#endif
