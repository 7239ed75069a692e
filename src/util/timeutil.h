/* SPDX-License-Identifier: MIT */
/*
 * Time in lablog: an int64 count of milliseconds since 1970-01-01T00:00:00Z
 * (UTC, no leap seconds), plus parsing of what people type and formatting
 * for reports.
 *
 * Local time means the zone of the TZ environment variable, read through
 * mktime() and localtime_r(); nothing here changes TZ or any other global
 * setting. Tests run with TZ=UTC.
 *
 * Naive times -- ISO-8601 text without "Z" or an offset, and plain dates --
 * are local time, because people type dates and times of their own day.
 * A local time that does not exist (inside a daylight-saving gap) or that
 * exists twice is resolved the way mktime() does with tm_isdst = -1.
 *
 * The current time comes from time_now_ms(), which honours $LABLOG_NOW so
 * that tests and samples are deterministic.
 */
#ifndef LABLOG_UTIL_TIMEUTIL_H
#define LABLOG_UTIL_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define TIME_MS_PER_DAY INT64_C(86400000)

/* Sizes of the output arrays of the time_format_* functions (with room to
 * spare for years beyond 9999). */
#define TIME_ISO_SIZE 40   /* "2026-11-20T09:30:00.123Z" */
#define TIME_SHORT_SIZE 40 /* "2026-11-20 09:30" */
#define TIME_DATE_SIZE 32  /* "2026-11-20" */

/* The current time in UTC milliseconds. When $LABLOG_NOW is set to an
 * ISO-8601 time (anything time_parse_iso() accepts) that time is returned
 * instead of the clock, on every call. An invalid $LABLOG_NOW is ignored
 * with one warning on stderr; call time_check_env() at start-up to make it
 * an error instead. Otherwise reads clock_gettime(CLOCK_REALTIME). */
int64_t time_now_ms(void);

/* Checks $LABLOG_NOW. Returns 0 when it is unset or valid, LL_EUSAGE with
 * the message "invalid LABLOG_NOW 'X' (expected an ISO-8601 time such as
 * 2026-11-20T09:30:00Z)" otherwise. */
int time_check_env(void);

/* Parses an ISO-8601 time into *out_ms. Accepted forms:
 *
 *     2026-11-20                    local midnight
 *     2026-11-20T09:30              local time (also 't' or ' ' for 'T')
 *     2026-11-20T09:30:00
 *     2026-11-20T09:30:00.123456    fraction: any number of digits after
 *                                   '.' or ','; truncated to milliseconds
 *     2026-11-20T09:30:00Z          'Z' or 'z': UTC
 *     2026-11-20T09:30+02:00        offsets +HH:MM, +HHMM or +HH (also '-')
 *
 * Years have four digits; every field is range-checked (February 29 only
 * in leap years, hours 0-23, seconds 0-59, offsets up to 23:59). Week dates,
 * ordinal dates and the basic format without separators are not accepted.
 *
 * On failure returns LL_EINPUT with the message "FILE:LINE: invalid time
 * 'X' (why)"; the "FILE:LINE: " prefix is left out when file is NULL.
 * *out_ms is unchanged on failure. */
int time_parse_iso(int64_t *out_ms, const char *s, const char *file,
                   size_t line);

/* Parses a --since/--until date expression relative to now_ms into the
 * UTC milliseconds it names. Words are case-insensitive.
 *
 *     now           now_ms itself
 *     today         local midnight at the start of today
 *     yesterday     local midnight at the start of yesterday
 *     monday..sunday, mon..sun
 *                   the start of the most recent such day strictly before
 *                   today: on a Monday, "monday" is seven days ago, so
 *                   "--since monday" always covers at least one full day
 *     Nd, Nw        the start of the day N days (N weeks) before today;
 *                   "0d" is today, "1d" yesterday, "1w" the same weekday
 *                   last week; N has at most six digits
 *     YYYY-MM-DD    local midnight at the start of that day
 *     ISO-8601      any other time_parse_iso() form, exactly
 *
 * On failure returns LL_EINPUT with the message "invalid date 'X'
 * (expected today, yesterday, a weekday, Nd, Nw, YYYY-MM-DD or an ISO-8601
 * time)", or with a more precise reason for a well-formed ISO-8601 time
 * with a field out of range ("invalid date '2026-02-30' (day out of
 * range)"). *out_ms is unchanged on failure. */
int time_parse_date(int64_t *out_ms, const char *s, int64_t now_ms);

/* The local midnight that starts the day days_back days before the (local)
 * day containing ms: 0 gives the start of that day itself. */
int64_t time_day_start(int64_t ms, int days_back);

/* The start (local midnight) of the working day before the day containing
 * now_ms: yesterday from Tuesday to Saturday, Friday from Sunday and
 * Monday. This is the default period of the daily update. */
int64_t time_prev_workday(int64_t now_ms);

/* The local day of the week of ms: 0 Sunday, 1 Monday, ... 6 Saturday. */
int time_weekday(int64_t ms);

/* Converts unix seconds (a JSONL "time" such as 1700000000.5) to
 * milliseconds, rounding to the nearest millisecond. Accepts times from
 * 1970-01-01 up to the end of year 9999; anything else, NaN and infinities
 * included, returns LL_EINPUT with the message "FILE:LINE: time V is out of
 * range (expected unix seconds)" -- with a hint when V looks like
 * milliseconds. The prefix is left out when file is NULL. */
int time_from_unix(int64_t *out_ms, double seconds, const char *file,
                   size_t line);

/* Formats ms as UTC ISO-8601 with milliseconds, "2026-11-20T09:30:00.123Z",
 * into out and returns out. */
char *time_format_iso(char out[TIME_ISO_SIZE], int64_t ms);

/* Formats ms as a short local date and time, "2026-11-20 09:30", into out
 * and returns out. */
char *time_format_short(char out[TIME_SHORT_SIZE], int64_t ms);

/* A monotonic clock in milliseconds, for budgets and deadlines. */
int64_t time_mono_ms(void);

/* Formats the local date of ms, "2026-11-20", into out and returns out. */
char *time_format_date(char out[TIME_DATE_SIZE], int64_t ms);

#endif
