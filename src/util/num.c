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

/* The decimal places that show two significant digits of w, or -1 when
 * fixed notation does not suit (w or v out of the plain range). */
static int decimals_of(double w, double v)
{
    int decimals;

    if (!(w > 0) || !isfinite(w) || fabs(v) >= 1e6)
        return -1;
    decimals = 1 - (int)floor(log10(w));
    if (decimals >= 0 && decimals <= 9) {
        double rounded = round(w * pow(10, decimals)) / pow(10, decimals);

        decimals = 1 - (int)floor(log10(rounded));
    }
    return decimals < 0 || decimals > 9 ? -1 : decimals;
}

static void signed_fixed(char out[NUM_TEXT_SIZE], double v, int decimals,
                         int sign)
{
    char *p = out;

    if (sign && v >= 0)
        *p++ = '+';
    snprintf(p, NUM_TEXT_SIZE - 1, "%.*f", decimals, v);
    /* "-0.000" reads as a sign where there is none. */
    if (strspn(out + (*out == '-' || *out == '+'), "0.") ==
        strlen(out + (*out == '-' || *out == '+')))
        snprintf(out, NUM_TEXT_SIZE, "%s%.*f", sign ? "\xc2\xb1" : "",
                 decimals, 0.0);
}

char *num_format_ci(char *out, double est, double lo, double hi, int sign)
{
    char a[NUM_TEXT_SIZE], b[NUM_TEXT_SIZE], c[NUM_TEXT_SIZE];
    int decimals;

    if (!isfinite(lo) || !isfinite(hi) || !isfinite(est)) {
        strcpy(out, sign ? num_format_delta(a, est) : num_format(a, est));
        return out;
    }
    decimals = decimals_of((hi - lo) / 2, fmax(fabs(lo), fabs(hi)));
    if (decimals < 0 || hi == lo) {
        if (sign)
            snprintf(out, NUM_CI_SIZE, "%s [%s, %s]", num_format_delta(a, est),
                     num_format_delta(b, lo), num_format_delta(c, hi));
        else
            snprintf(out, NUM_CI_SIZE, "%s [%s, %s]", num_format(a, est),
                     num_format(b, lo), num_format(c, hi));
        return out;
    }
    signed_fixed(a, est, decimals, sign);
    signed_fixed(b, lo, decimals, sign);
    signed_fixed(c, hi, decimals, sign);
    snprintf(out, NUM_CI_SIZE, "%s [%s, %s]", a, b, c);
    return out;
}

char *num_format_p(char out[NUM_TEXT_SIZE], double p)
{
    if (isnan(p))
        return strcpy(out, "n/a");
    if (p < 0.001)
        return strcpy(out, "0.001");
    snprintf(out, NUM_TEXT_SIZE, "%.2g", p);
    return out;
}

char *num_format_pm_ci(char *out, double mean, double sd, double lo,
                       double hi)
{
    char pm[2 * NUM_TEXT_SIZE], a[NUM_TEXT_SIZE], b[NUM_TEXT_SIZE];
    int decimals = decimals_of(sd, mean);

    if (sd == 0 && isfinite(mean)) {
        snprintf(out, NUM_CI_SIZE, "%s \xc2\xb1 0", num_format(a, mean));
        return out;
    }
    num_format_pm(pm, mean, sd);
    if (!isfinite(lo) || !isfinite(hi)) {
        snprintf(out, NUM_CI_SIZE, "%s", pm);
        return out;
    }
    if (decimals < 0 || fabs(mean) < 1e-3)
        snprintf(out, NUM_CI_SIZE, "%s [%s, %s]", pm, num_format(a, lo),
                 num_format(b, hi));
    else
        snprintf(out, NUM_CI_SIZE, "%s [%.*f, %.*f]", pm, decimals, lo,
                 decimals, hi);
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
