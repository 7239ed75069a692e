/* SPDX-License-Identifier: MIT */
/*
 * Clock, ISO-8601 parsing and formatting, and the date expressions of
 * --since/--until (see timeutil.h).
 *
 * UTC conversions use the proleptic Gregorian day count below rather than
 * timegm(), so they are exact for any int64 millisecond value and touch no
 * global state. Local conversions go through mktime() and localtime_r(),
 * which read TZ; calendar arithmetic ("three days before today") is done on
 * civil dates and only the final date is converted, so a daylight-saving
 * change in between never shifts a result off midnight.
 */
#include "util/timeutil.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/err.h"
#include "util/utf8.h"

/* Outcome of scan_iso(). */
enum iso_result {
    ISO_OK,     /* parsed */
    ISO_SYNTAX, /* not ISO-8601 text at all */
    ISO_RANGE   /* ISO-8601 shape, but a field is out of range */
};

/* What scan_iso() found, before conversion to a time. */
struct iso_fields {
    int year, month, day;       /* calendar date */
    int hour, minute, second;   /* 0 when absent */
    int ms;                     /* fraction truncated to milliseconds */
    int has_zone;               /* "Z" or an offset was given */
    int off_sign;               /* +1 east of UTC, -1 west */
    int off_hour, off_min;      /* the offset as written */
};

static const char date_forms[] =
    "expected today, yesterday, a weekday, Nd, Nw, YYYY-MM-DD or an "
    "ISO-8601 time";
static const char iso_forms[] =
    "expected an ISO-8601 time such as 2026-11-20T09:30:00Z";

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). The
 * year is shifted to start in March so that the leap day comes last. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    if (m <= 2)
        y--;
    era = floor_div(y, 400);
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The inverse of days_from_civil(). */
static void civil_from_days(int64_t days, int64_t *y_out, int *m_out,
                            int *d_out)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);

    *d_out = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m_out = m;
    *y_out = yoe + era * 400 + (m <= 2);
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : days[m - 1];
}

/* Seconds to milliseconds, saturating at the ends of int64 (a time that
 * far out comes only from a damaged or crafted log; the multiplication
 * itself would be undefined). */
static int64_t secs_to_ms(int64_t secs)
{
    if (secs > INT64_MAX / 1000)
        return INT64_MAX;
    if (secs < INT64_MIN / 1000)
        return INT64_MIN;
    return secs * 1000;
}

static void local_tm(int64_t ms, struct tm *tm)
{
    time_t t = (time_t)floor_div(ms, 1000);

    /* localtime_r() need not read TZ itself (glibc's does so only once). */
    tzset();
    if (!localtime_r(&t, tm))
        memset(tm, 0, sizeof(*tm));
}

/* UTC milliseconds of a local wall-clock time. */
static int64_t local_to_ms(int64_t y, int mon, int d, int h, int min, int s)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = (int)(y - 1900);
    tm.tm_mon = mon - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = min;
    tm.tm_sec = s;
    tm.tm_isdst = -1;
    return secs_to_ms(mktime(&tm));
}

/* Reads exactly n digits at *p. */
static int read_digits(const char **p, int n, int *out)
{
    int v = 0;
    int i;

    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return 0;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 1;
}

/* "Z", "+HH:MM", "+HHMM" or "+HH" at p; returns the rest or NULL. */
static const char *scan_zone(const char *p, struct iso_fields *f)
{
    if (*p == 'Z' || *p == 'z') {
        f->has_zone = 1;
        return p + 1;
    }
    if (*p != '+' && *p != '-')
        return p;
    f->has_zone = 1;
    f->off_sign = *p == '-' ? -1 : 1;
    p++;
    if (!read_digits(&p, 2, &f->off_hour))
        return NULL;
    if (*p == ':')
        p++;
    else if (!isdigit((unsigned char)*p))
        return p;
    if (!read_digits(&p, 2, &f->off_min))
        return NULL;
    return p;
}

/* "HH:MM[:SS[.fff]]" at p; returns the rest or NULL. */
static const char *scan_clock(const char *p, struct iso_fields *f)
{
    int scale = 100;

    if (!read_digits(&p, 2, &f->hour) || *p++ != ':' ||
        !read_digits(&p, 2, &f->minute))
        return NULL;
    if (*p != ':')
        return p;
    p++;
    if (!read_digits(&p, 2, &f->second))
        return NULL;
    if (*p != '.' && *p != ',')
        return p;
    p++;
    if (!isdigit((unsigned char)*p))
        return NULL;
    for (; isdigit((unsigned char)*p); p++) {
        f->ms += (*p - '0') * scale;
        scale /= 10;
    }
    return p;
}

static const char *check_fields(const struct iso_fields *f)
{
    if (f->month < 1 || f->month > 12)
        return "month out of range";
    if (f->day < 1 || f->day > days_in_month(f->year, f->month))
        return "day out of range";
    if (f->hour > 23)
        return "hour out of range";
    if (f->minute > 59)
        return "minute out of range";
    if (f->second > 59)
        return "second out of range";
    if (f->off_hour > 23 || f->off_min > 59)
        return "offset out of range";
    return NULL;
}

/* Parses the ISO-8601 forms of time_parse_iso(). On ISO_RANGE, *reason says
 * which field is wrong. */
static enum iso_result scan_iso(const char *s, int64_t *out_ms,
                                const char **reason)
{
    struct iso_fields f;
    const char *p = s;
    int64_t days, secs;

    memset(&f, 0, sizeof(f));
    if (!read_digits(&p, 4, &f.year) || *p++ != '-' ||
        !read_digits(&p, 2, &f.month) || *p++ != '-' ||
        !read_digits(&p, 2, &f.day))
        return ISO_SYNTAX;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p = scan_clock(p + 1, &f);
        if (p)
            p = scan_zone(p, &f);
    }
    if (!p || *p != '\0')
        return ISO_SYNTAX;
    *reason = check_fields(&f);
    if (*reason)
        return ISO_RANGE;
    if (!f.has_zone) {
        *out_ms = local_to_ms(f.year, f.month, f.day, f.hour, f.minute,
                              f.second) + f.ms;
        return ISO_OK;
    }
    days = days_from_civil(f.year, f.month, f.day);
    secs = days * 86400 + f.hour * 3600 + f.minute * 60 + f.second -
           (int64_t)f.off_sign * (f.off_hour * 3600 + f.off_min * 60);
    *out_ms = secs * 1000 + f.ms;
    return ISO_OK;
}

int time_parse_iso(int64_t *out_ms, const char *s, const char *file,
                   size_t line)
{
    const char *reason = iso_forms;
    char quoted[UTF8_QUOTE_SIZE];

    if (scan_iso(s, out_ms, &reason) == ISO_OK)
        return 0;
    utf8_quote(quoted, s, strlen(s));
    if (file)
        return ll_error(LL_EINPUT, "%s:%zu: invalid time '%s' (%s)", file,
                        line, quoted, reason);
    return ll_error(LL_EINPUT, "invalid time '%s' (%s)", quoted, reason);
}

int64_t time_now_ms(void)
{
    static int warned;
    const char *env = getenv("LABLOG_NOW");
    const char *reason;
    struct timespec ts;
    int64_t ms;

    if (env && *env) {
        if (scan_iso(env, &ms, &reason) == ISO_OK)
            return ms;
        if (!warned) {
            warned = 1;
            ll_warn("ignoring invalid LABLOG_NOW '%s'", env);
        }
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int time_check_env(void)
{
    const char *env = getenv("LABLOG_NOW");
    const char *reason;
    char quoted[UTF8_QUOTE_SIZE];
    int64_t ms;

    if (!env || !*env || scan_iso(env, &ms, &reason) == ISO_OK)
        return 0;
    return ll_error(LL_EUSAGE, "invalid LABLOG_NOW '%s' (%s)",
                    utf8_quote(quoted, env, strlen(env)), iso_forms);
}

int64_t time_day_start(int64_t ms, int days_back)
{
    struct tm tm;
    int64_t days, y;
    int m, d;

    local_tm(ms, &tm);
    days = days_from_civil(tm.tm_year + 1900LL, tm.tm_mon + 1, tm.tm_mday);
    civil_from_days(days - days_back, &y, &m, &d);
    return local_to_ms(y, m, d, 0, 0, 0);
}

int time_weekday(int64_t ms)
{
    struct tm tm;

    local_tm(ms, &tm);
    return tm.tm_wday;
}

int64_t time_prev_workday(int64_t now_ms)
{
    int wday = time_weekday(now_ms);
    int back = 1;

    if (wday == 1)
        back = 3;   /* Monday: Friday */
    else if (wday == 0)
        back = 2;   /* Sunday: Friday */
    return time_day_start(now_ms, back);
}

/* 0..6 (Sunday first) for a weekday name or its three-letter form, else
 * -1. */
static int weekday_index(const char *s)
{
    static const char *const names[7] = {"sunday",   "monday", "tuesday",
                                         "wednesday", "thursday", "friday",
                                         "saturday"};
    int i;

    for (i = 0; i < 7; i++) {
        if (strcasecmp(s, names[i]) == 0 ||
            (strlen(s) == 3 && strncasecmp(s, names[i], 3) == 0))
            return i;
    }
    return -1;
}

/* "Nd" or "Nw": the number of days back, or -1. */
static int relative_days(const char *s)
{
    int n = 0;
    size_t i;

    for (i = 0; isdigit((unsigned char)s[i]); i++) {
        if (i == 6)
            return -1;
        n = n * 10 + (s[i] - '0');
    }
    if (i == 0 || s[i] == '\0' || s[i + 1] != '\0')
        return -1;
    if (s[i] == 'd' || s[i] == 'D')
        return n;
    if (s[i] == 'w' || s[i] == 'W')
        return n * 7;
    return -1;
}

int time_parse_date(int64_t *out_ms, const char *s, int64_t now_ms)
{
    const char *reason = NULL;
    char quoted[UTF8_QUOTE_SIZE];
    int wday, back;

    if (strcasecmp(s, "now") == 0) {
        *out_ms = now_ms;
        return 0;
    }
    if (strcasecmp(s, "today") == 0) {
        *out_ms = time_day_start(now_ms, 0);
        return 0;
    }
    if (strcasecmp(s, "yesterday") == 0) {
        *out_ms = time_day_start(now_ms, 1);
        return 0;
    }
    wday = weekday_index(s);
    if (wday >= 0) {
        back = (time_weekday(now_ms) - wday + 7) % 7;
        *out_ms = time_day_start(now_ms, back ? back : 7);
        return 0;
    }
    back = relative_days(s);
    if (back >= 0) {
        *out_ms = time_day_start(now_ms, back);
        return 0;
    }
    switch (scan_iso(s, out_ms, &reason)) {
    case ISO_OK:
        return 0;
    case ISO_RANGE:
        break;
    case ISO_SYNTAX:
        reason = date_forms;
        break;
    }
    return ll_error(LL_EINPUT, "invalid date '%s' (%s)",
                    utf8_quote(quoted, s, strlen(s)), reason);
}

int time_from_unix(int64_t *out_ms, double seconds, const char *file,
                   size_t line)
{
    /* 9999-12-31T23:59:59Z is 253402300799. */
    const double max_seconds = 253402300800.0;
    const char *hint = "";

    if (seconds >= 0 && seconds < max_seconds) {
        *out_ms = (int64_t)floor(seconds * 1000.0 + 0.5);
        return 0;
    }
    if (seconds >= 1e11 && seconds / 1000.0 < max_seconds)
        hint = "; this looks like milliseconds";
    if (file)
        return ll_error(LL_EINPUT,
                        "%s:%zu: time %.15g is out of range (expected unix "
                        "seconds%s)",
                        file, line, seconds, hint);
    return ll_error(LL_EINPUT,
                    "time %.15g is out of range (expected unix seconds%s)",
                    seconds, hint);
}

char *time_format_iso(char out[TIME_ISO_SIZE], int64_t ms)
{
    int64_t days = floor_div(ms, TIME_MS_PER_DAY);
    int64_t rest = ms % TIME_MS_PER_DAY; /* days * TIME_MS_PER_DAY may not
                                            fit near INT64_MIN */
    int64_t y;
    int m, d;

    if (rest < 0)
        rest += TIME_MS_PER_DAY;
    civil_from_days(days, &y, &m, &d);
    snprintf(out, TIME_ISO_SIZE, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ",
             (long long)y, m, d, (int)(rest / 3600000),
             (int)(rest / 60000 % 60), (int)(rest / 1000 % 60),
             (int)(rest % 1000));
    return out;
}

char *time_format_short(char out[TIME_SHORT_SIZE], int64_t ms)
{
    struct tm tm;

    local_tm(ms, &tm);
    snprintf(out, TIME_SHORT_SIZE, "%04d-%02d-%02d %02d:%02d",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min);
    return out;
}

char *time_format_date(char out[TIME_DATE_SIZE], int64_t ms)
{
    struct tm tm;

    local_tm(ms, &tm);
    snprintf(out, TIME_DATE_SIZE, "%04d-%02d-%02d", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday);
    return out;
}

int64_t time_mono_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}
