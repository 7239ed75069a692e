/* SPDX-License-Identifier: MIT */
/*
 * Dates and periods: the input (up to its first NUL) as a --since/--until
 * date, an ISO-8601 time, and unix seconds, against a "now" taken from the
 * 8 bytes after the NUL (any int64, so the ends of the range are reached);
 * every time obtained is formatted back, in UTC and in a zone with DST.
 * An ISO time in UTC that parses must format and parse back to itself.
 */
#include <string.h>

#include "fuzz.h"
#include "util/timeutil.h"

static void format_all(int64_t t)
{
    char iso[TIME_ISO_SIZE], sh[TIME_SHORT_SIZE], d[TIME_DATE_SIZE];

    time_format_iso(iso, t);
    time_format_short(sh, t);
    time_format_date(d, t);
    time_weekday(t);
    time_day_start(t, 0);
    time_day_start(t, 6999993);
    time_prev_workday(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    size_t slen = strlen(s);
    int64_t now = INT64_C(1795167000123), t, back;
    uint64_t u = 0;
    double secs;
    size_t i;

    if (size >= slen + 9) {
        for (i = 0; i < 8; i++)
            u = u << 8 | data[slen + 1 + i];
        memcpy(&now, &u, sizeof(now));
        memcpy(&secs, &u, sizeof(secs));
    } else {
        secs = (double)slen;
    }
    setenv("TZ", size % 2 ? "CET-1CEST,M3.5.0,M10.5.0/3" : "UTC", 1);
    format_all(now);
    if (time_parse_date(&t, s, now) == 0)
        format_all(t);
    if (time_parse_iso(&t, s, "fuzz", 1) == 0) {
        format_all(t);
        if (size % 2 == 0 && strchr(s, 'Z')) {
            char iso[TIME_ISO_SIZE];

            time_format_iso(iso, t);
            FUZZ_CHECK(time_parse_iso(&back, iso, NULL, 0) == 0);
            FUZZ_CHECK(back == t);
        }
    }
    if (time_from_unix(&t, secs, "fuzz", 1) == 0)
        format_all(t);
    free(s);
    return 0;
}
