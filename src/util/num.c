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

/* v with `digits` significant digits, plainly between 1e-3 and 1e6. */
static char *format_digits(char out[NUM_TEXT_SIZE], double v, int digits)
{
    double a = fabs(v);

    if (isnan(v))
        return strcpy(out, "NaN");
    if (isinf(v))
        return strcpy(out, v > 0 ? "inf" : "-inf");
    if (v == 0)
        return strcpy(out, "0");
    if (a >= 1e6 || a < 1e-3) {
        snprintf(out, NUM_TEXT_SIZE, "%.*g", digits - 1, v);
        tidy_exponent(out);
    } else if (a >= pow(10, digits) || v == floor(v)) {
        snprintf(out, NUM_TEXT_SIZE, "%.0f", v);
    } else {
        snprintf(out, NUM_TEXT_SIZE, "%.*g", digits, v);
    }
    return out;
}

char *num_format(char out[NUM_TEXT_SIZE], double v)
{
    return format_digits(out, v, 4);
}

char *num_format_delta(char out[NUM_TEXT_SIZE], double v)
{
    char body[NUM_TEXT_SIZE];

    if (v == 0)
        return strcpy(out, "±0");
    /* A difference is read as a size: two digits say it. */
    snprintf(out, NUM_TEXT_SIZE, "%s%.24s", v > 0 ? "+" : "",
             format_digits(body, v, 2));
    return out;
}

char *num_format_pm(char *out, double mean, double sd)
{
    char a[NUM_TEXT_SIZE], b[NUM_TEXT_SIZE];
    int decimals;

    if (!(sd > 0) || !isfinite(sd) || !isfinite(mean)) {
        strcpy(out, num_format(a, mean));
        return out;
    }
    /* Two significant digits of the sd as it will print (0.0099997 is
     * 0.010, not 0.0100). */
    decimals = 1 - (int)floor(log10(sd));
    if (decimals >= 0 && decimals <= 9) {
        double rounded = round(sd * pow(10, decimals)) / pow(10, decimals);

        decimals = 1 - (int)floor(log10(rounded));
    }
    if (decimals < 0 || decimals > 9 || fabs(mean) >= 1e6
        || fabs(mean) < 1e-3) {
        snprintf(out, 2 * NUM_TEXT_SIZE, "%s \xc2\xb1 %s",
                 num_format(a, mean), format_digits(b, sd, 2));
        return out;
    }
    snprintf(out, 2 * NUM_TEXT_SIZE, "%.*f \xc2\xb1 %.*f", decimals, mean,
             decimals, sd);
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
