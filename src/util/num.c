/* SPDX-License-Identifier: MIT */
/* Formatting and parsing metric values (see num.h). */
#include "util/num.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* "1.20e-05" -> "1.2e-5": printf's exponent is signed and zero-padded. */
static void tidy_exponent(char *s)
{
    char *e = strchr(s, 'e');
    char *end, *digits;
    char sign;

    if (!e)
        return;
    end = e;
    if (memchr(s, '.', (size_t)(e - s))) {
        while (end[-1] == '0')
            end--;
        if (end[-1] == '.')
            end--;
    }
    sign = e[1];
    digits = e + 2;
    while (*digits == '0' && digits[1])
        digits++;
    *end++ = 'e';
    if (sign == '-')
        *end++ = '-';
    memmove(end, digits, strlen(digits) + 1);
}

char *num_format(char out[NUM_TEXT_SIZE], double v)
{
    double a = fabs(v);

    if (isnan(v))
        return strcpy(out, "NaN");
    if (isinf(v))
        return strcpy(out, v > 0 ? "inf" : "-inf");
    if (v == 0)
        return strcpy(out, "0");
    if (a >= 1e6 || a < 1e-3) {
        snprintf(out, NUM_TEXT_SIZE, "%.3g", v);
        tidy_exponent(out);
    } else if (a >= 1e4 || v == floor(v)) {
        snprintf(out, NUM_TEXT_SIZE, "%.0f", v);
    } else {
        snprintf(out, NUM_TEXT_SIZE, "%.4g", v);
    }
    return out;
}

char *num_format_delta(char out[NUM_TEXT_SIZE], double v)
{
    char body[NUM_TEXT_SIZE];

    if (v == 0)
        return strcpy(out, "±0");
    /* Formatted numbers are at most a dozen bytes; %.24s says so. */
    snprintf(out, NUM_TEXT_SIZE, "%s%.24s", v > 0 ? "+" : "",
             num_format(body, v));
    return out;
}

int num_parse(const char *s, double *out)
{
    const char *p = s + (*s == '+' || *s == '-');
    char *end;

    if (strcasecmp(p, "nan") == 0) {
        *out = NAN;
        return 0;
    }
    if (strcasecmp(p, "inf") == 0 || strcasecmp(p, "infinity") == 0) {
        *out = *s == '-' ? -INFINITY : INFINITY;
        return 0;
    }
    /* strtod would also take hex and "nan(...)": keep to plain decimals. */
    if (strspn(p, "0123456789.eE+-") != strlen(p) || !*p)
        return -1;
    errno = 0;
    *out = strtod(s, &end);
    if (*end || end == s)
        return -1;
    return 0;
}
