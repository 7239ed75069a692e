/* SPDX-License-Identifier: MIT */
/*
 * A small unit-test harness. Each test binary defines test functions, calls
 * them from main() with RUN(fn), and returns harness_finish(). Assertions
 * print got/expected only on failure; the binary prints one line
 * "NAME: N passed, N failed" that tests/run.sh sums.
 */
#ifndef LABLOG_TESTS_HARNESS_H
#define LABLOG_TESTS_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <string.h>

struct harness {
    int passed;
    int failed;
    const char *current; /* name of the running test function */
};

extern struct harness harness;

void harness_ok(int cond, const char *file, int line, const char *what);
void harness_int_eq(long long got, long long want, const char *file, int line,
                    const char *what);
void harness_str_eq(const char *got, const char *want, const char *file,
                    int line, const char *what);
void harness_dbl_eq(double got, double want, double tol, const char *file,
                    int line, const char *what);
int harness_finish(const char *suite);

#define OK(cond) harness_ok(!!(cond), __FILE__, __LINE__, #cond)
#define INT_EQ(got, want)                                                   \
    harness_int_eq((long long)(got), (long long)(want), __FILE__, __LINE__, \
                   #got)
#define STR_EQ(got, want) harness_str_eq((got), (want), __FILE__, __LINE__, #got)
/* Equal within tol; NaN equals NaN and inf equals inf of the same sign. */
#define DBL_EQ(got, want, tol)                                              \
    harness_dbl_eq((got), (want), (tol), __FILE__, __LINE__, #got)
#define RUN(fn)                                                             \
    do {                                                                    \
        harness.current = #fn;                                              \
        fn();                                                               \
    } while (0)

#endif
