/* SPDX-License-Identifier: MIT */
/* Assertion helpers for the unit tests (see harness.h). */
#include "harness.h"

struct harness harness;

static void fail_head(const char *file, int line, const char *what)
{
    harness.failed++;
    fprintf(stderr, "FAIL %s (%s:%d): %s\n", harness.current ? harness.current : "?",
            file, line, what);
}

void harness_ok(int cond, const char *file, int line, const char *what)
{
    if (cond)
        harness.passed++;
    else
        fail_head(file, line, what);
}

void harness_int_eq(long long got, long long want, const char *file, int line,
                    const char *what)
{
    if (got == want) {
        harness.passed++;
        return;
    }
    fail_head(file, line, what);
    fprintf(stderr, "  got:      %lld\n  expected: %lld\n", got, want);
}

void harness_str_eq(const char *got, const char *want, const char *file,
                    int line, const char *what)
{
    if (got && want && strcmp(got, want) == 0) {
        harness.passed++;
        return;
    }
    fail_head(file, line, what);
    fprintf(stderr, "  got:      \"%s\"\n  expected: \"%s\"\n",
            got ? got : "(null)", want ? want : "(null)");
}

void harness_dbl_eq(double got, double want, double tol, const char *file,
                    int line, const char *what)
{
    int same;

    if (isnan(want))
        same = isnan(got);
    else if (isinf(want))
        same = got == want;
    else
        same = fabs(got - want) <= tol;
    if (same) {
        harness.passed++;
        return;
    }
    fail_head(file, line, what);
    fprintf(stderr, "  got:      %.17g\n  expected: %.17g (tol %g)\n", got,
            want, tol);
}

int harness_finish(const char *suite)
{
    printf("%s: %d passed, %d failed\n", suite, harness.passed,
           harness.failed);
    return harness.failed ? 1 : 0;
}
