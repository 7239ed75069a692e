/* SPDX-License-Identifier: MIT */
/*
 * Tests of util/timeutil: the data-driven date cases of periods.txt, then
 * formatting, unix seconds, $LABLOG_NOW and the previous working day.
 */
#include "harness.h"

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "util/err.h"
#include "util/timeutil.h"

static void set_tz(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

static char *trim(char *s)
{
    char *end;

    while (*s == ' ' || *s == '\t')
        s++;
    end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
                       end[-1] == '\n' || end[-1] == '\r'))
        *--end = '\0';
    return s;
}

/* Runs one "NOW | INPUT | EXPECTED" case from line lineno of periods.txt. */
static void run_case(char *text, int lineno)
{
    char *bar1 = strchr(text, '|');
    char *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
    char iso[TIME_ISO_SIZE];
    const char *input, *want;
    int64_t now, got;
    int rc;

    if (!bar2) {
        harness_ok(0, "periods.txt", lineno, "malformed case");
        return;
    }
    *bar1 = '\0';
    *bar2 = '\0';
    input = trim(bar1 + 1);
    want = trim(bar2 + 1);
    if (time_parse_iso(&now, trim(text), "periods.txt", (size_t)lineno)) {
        harness_str_eq(ll_error_message(), "", "periods.txt", lineno, "NOW");
        return;
    }
    rc = time_parse_date(&got, input, now);
    if (strncmp(want, "error", 5) == 0) {
        harness_int_eq(rc, LL_EINPUT, "periods.txt", lineno, input);
        if (rc == LL_EINPUT && want[5] == ' ')
            harness_str_eq(ll_error_message(), want + 6, "periods.txt",
                           lineno, input);
        else if (rc == 0)
            fprintf(stderr, "  (parsed as %s)\n", time_format_iso(iso, got));
        return;
    }
    if (rc != 0) {
        harness_str_eq(ll_error_message(), want, "periods.txt", lineno,
                       input);
        return;
    }
    harness_str_eq(time_format_iso(iso, got), want, "periods.txt", lineno,
                   input);
}

static void test_periods_file(void)
{
    const char *top = getenv("LABLOG_TOP");
    char path[4096];
    char text[1024];
    int lineno = 0, cases = 0;
    FILE *f;
    char *s;

    snprintf(path, sizeof(path), "%s/tests/unit/periods.txt",
             top && *top ? top : ".");
    f = fopen(path, "r");
    OK(f != NULL);
    if (!f) {
        fprintf(stderr, "  cannot open %s\n", path);
        return;
    }
    set_tz("UTC0");
    while (fgets(text, sizeof(text), f)) {
        lineno++;
        s = trim(text);
        if (*s == '\0' || *s == '#')
            continue;
        if (strncmp(s, "TZ ", 3) == 0) {
            set_tz(trim(s + 3));
            continue;
        }
        run_case(s, lineno);
        cases++;
    }
    fclose(f);
    set_tz("UTC");
    OK(cases > 150);
}

static void test_format_iso(void)
{
    char out[TIME_ISO_SIZE];

    STR_EQ(time_format_iso(out, 0), "1970-01-01T00:00:00.000Z");
    STR_EQ(time_format_iso(out, -1), "1969-12-31T23:59:59.999Z");
    STR_EQ(time_format_iso(out, -86400000), "1969-12-31T00:00:00.000Z");
    STR_EQ(time_format_iso(out, INT64_C(1700000000123)),
           "2023-11-14T22:13:20.123Z");
    STR_EQ(time_format_iso(out, INT64_C(951782400000)),
           "2000-02-29T00:00:00.000Z");
    STR_EQ(time_format_iso(out, INT64_C(253402300799999)),
           "9999-12-31T23:59:59.999Z");
}

static void test_format_local(void)
{
    char out[TIME_SHORT_SIZE];
    int64_t t = INT64_C(1795167000123); /* 2026-11-20T09:30:00.123Z */

    set_tz("UTC");
    STR_EQ(time_format_short(out, t), "2026-11-20 09:30");
    STR_EQ(time_format_date(out, t), "2026-11-20");
    set_tz("CET-1CEST,M3.5.0,M10.5.0/3");
    STR_EQ(time_format_short(out, t), "2026-11-20 10:30");
    set_tz("EST5EDT,M3.2.0,M11.1.0");
    STR_EQ(time_format_short(out, t - 6 * 3600 * 1000), "2026-11-19 22:30");
    STR_EQ(time_format_date(out, t - 6 * 3600 * 1000), "2026-11-19");
    set_tz("UTC");
}

/* Times at the ends of int64 (from a damaged or crafted log) format and
 * convert without overflow (the sanitizer build checks signed overflow). */
static void test_extremes(void)
{
    char iso[TIME_ISO_SIZE], sh[TIME_SHORT_SIZE], date[TIME_DATE_SIZE];
    static const int64_t times[] = { INT64_MIN, INT64_MIN + 1, -1, 0,
                                     INT64_MAX - 1, INT64_MAX };
    size_t i;

    STR_EQ(time_format_iso(iso, INT64_MAX), "292278994-08-17T07:12:55.807Z");
    STR_EQ(time_format_iso(iso, INT64_MIN), "-292275055-05-16T16:47:04.192Z");
    set_tz("CET-1CEST,M3.5.0,M10.5.0/3");
    for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
        int64_t start = time_day_start(times[i], 0);

        OK(start <= times[i] || times[i] < 0);
        OK(time_prev_workday(times[i]) <= start || times[i] < 0);
        OK(time_weekday(times[i]) >= 0 && time_weekday(times[i]) <= 6);
        OK(*time_format_short(sh, times[i]) != '\0');
        OK(*time_format_date(date, times[i]) != '\0');
    }
    set_tz("UTC");
}

/* Every millisecond value formats and parses back to itself. */
static void test_round_trip(void)
{
    char out[TIME_ISO_SIZE];
    int64_t t, back;
    int i, bad = 0;

    srand(42);
    for (i = 0; i < 20000; i++) {
        t = ((int64_t)rand() << 20 ^ rand()) % INT64_C(253402300800000);
        time_format_iso(out, t);
        if (time_parse_iso(&back, out, NULL, 0) != 0 || back != t)
            bad++;
    }
    INT_EQ(bad, 0);
}

static void test_parse_iso_messages(void)
{
    int64_t t = 7;

    INT_EQ(time_parse_iso(&t, "2026-11-20Tx", "in.jsonl", 12), LL_EINPUT);
    STR_EQ(ll_error_message(),
           "in.jsonl:12: invalid time '2026-11-20Tx' (expected an ISO-8601 "
           "time such as 2026-11-20T09:30:00Z)");
    INT_EQ(t, 7);
    INT_EQ(time_parse_iso(&t, "2026-02-30", NULL, 0), LL_EINPUT);
    STR_EQ(ll_error_message(), "invalid time '2026-02-30' (day out of range)");
    INT_EQ(time_parse_iso(&t, "a\nb", NULL, 0), LL_EINPUT);
    STR_EQ(ll_error_message(),
           "invalid time 'a?b' (expected an ISO-8601 time such as "
           "2026-11-20T09:30:00Z)");
    INT_EQ(time_parse_date(&t, "", 0), LL_EINPUT);
    STR_EQ(ll_error_message(),
           "invalid date '' (expected today, yesterday, a weekday, Nd, Nw, "
           "YYYY-MM-DD or an ISO-8601 time)");
    INT_EQ(time_parse_date(&t,
                           "0123456789012345678901234567890123456789"
                           "0123456789012345678901234567890123456789",
                           0),
           LL_EINPUT);
    OK(strstr(ll_error_message(), "'012345678901234567890123456789012345678"
                                  "901234567890123456789...'") != NULL);
    INT_EQ(t, 7);
}

static void test_from_unix(void)
{
    int64_t t = 0;

    INT_EQ(time_from_unix(&t, 1700000000.5, NULL, 0), 0);
    INT_EQ(t, INT64_C(1700000000500));
    INT_EQ(time_from_unix(&t, 1700000000.0004, NULL, 0), 0);
    INT_EQ(t, INT64_C(1700000000000));
    INT_EQ(time_from_unix(&t, 1700000000.0006, NULL, 0), 0);
    INT_EQ(t, INT64_C(1700000000001));
    INT_EQ(time_from_unix(&t, 0, NULL, 0), 0);
    INT_EQ(t, 0);
    INT_EQ(time_from_unix(&t, 253402300799.999, NULL, 0), 0);
    INT_EQ(t, INT64_C(253402300799999));
    t = 5;
    INT_EQ(time_from_unix(&t, -1, "m.jsonl", 3), LL_EINPUT);
    STR_EQ(ll_error_message(),
           "m.jsonl:3: time -1 is out of range (expected unix seconds)");
    INT_EQ(time_from_unix(&t, 1700000000123.0, "m.jsonl", 4), LL_EINPUT);
    STR_EQ(ll_error_message(),
           "m.jsonl:4: time 1700000000123 is out of range (expected unix "
           "seconds; this looks like milliseconds)");
    INT_EQ(time_from_unix(&t, NAN, NULL, 0), LL_EINPUT);
    STR_EQ(ll_error_message(),
           "time nan is out of range (expected unix seconds)");
    INT_EQ(time_from_unix(&t, INFINITY, NULL, 0), LL_EINPUT);
    INT_EQ(time_from_unix(&t, 253402300800.0, NULL, 0), LL_EINPUT);
    INT_EQ(t, 5);
}

static void test_now(void)
{
    int64_t before, t;

    unsetenv("LABLOG_NOW");
    INT_EQ(time_check_env(), 0);
    before = (int64_t)time(NULL) * 1000;
    t = time_now_ms();
    OK(t >= before - 1000 && t <= before + 5000);

    setenv("LABLOG_NOW", "2026-11-20T09:30:00.250Z", 1);
    INT_EQ(time_check_env(), 0);
    INT_EQ(time_now_ms(), INT64_C(1795167000250));
    INT_EQ(time_now_ms(), INT64_C(1795167000250));

    setenv("LABLOG_NOW", "2026-11-20", 1);
    INT_EQ(time_now_ms(), INT64_C(1795132800000)); /* TZ=UTC midnight */

    setenv("LABLOG_NOW", "soon", 1);
    INT_EQ(time_check_env(), LL_EUSAGE);
    STR_EQ(ll_error_message(),
           "invalid LABLOG_NOW 'soon' (expected an ISO-8601 time such as "
           "2026-11-20T09:30:00Z)");
    t = time_now_ms(); /* warns once, uses the clock */
    OK(t >= before - 1000 && t <= before + 5000);
    unsetenv("LABLOG_NOW");
}

static void test_prev_workday(void)
{
    static const struct {
        const char *now;  /* local (UTC) time */
        const char *want; /* start of the previous working day */
    } cases[] = {
        {"2026-11-16T09:00:00Z", "2026-11-13T00:00:00.000Z"}, /* Mon */
        {"2026-11-17T09:00:00Z", "2026-11-16T00:00:00.000Z"}, /* Tue */
        {"2026-11-18T09:00:00Z", "2026-11-17T00:00:00.000Z"}, /* Wed */
        {"2026-11-19T09:00:00Z", "2026-11-18T00:00:00.000Z"}, /* Thu */
        {"2026-11-20T09:00:00Z", "2026-11-19T00:00:00.000Z"}, /* Fri */
        {"2026-11-21T09:00:00Z", "2026-11-20T00:00:00.000Z"}, /* Sat */
        {"2026-11-22T09:00:00Z", "2026-11-20T00:00:00.000Z"}, /* Sun */
        {"2026-03-02T00:00:00Z", "2026-02-27T00:00:00.000Z"}, /* Mon */
        {"2027-01-04T23:59:59Z", "2027-01-01T00:00:00.000Z"}, /* Mon */
    };
    char out[TIME_ISO_SIZE];
    int64_t now;
    size_t i;

    set_tz("UTC");
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        INT_EQ(time_parse_iso(&now, cases[i].now, NULL, 0), 0);
        STR_EQ(time_format_iso(out, time_prev_workday(now)), cases[i].want);
    }
    INT_EQ(time_weekday(INT64_C(0)), 4); /* 1970-01-01 was a Thursday */
    /* Monday 00:30 in Berlin is still Sunday in UTC. */
    set_tz("CET-1CEST,M3.5.0,M10.5.0/3");
    INT_EQ(time_parse_iso(&now, "2026-11-15T23:30:00Z", NULL, 0), 0);
    INT_EQ(time_weekday(now), 1);
    STR_EQ(time_format_iso(out, time_prev_workday(now)),
           "2026-11-12T23:00:00.000Z");
    STR_EQ(time_format_iso(out, time_day_start(now, 0)),
           "2026-11-15T23:00:00.000Z");
    set_tz("UTC");
}

int main(void)
{
    set_tz("UTC");
    RUN(test_periods_file);
    RUN(test_format_iso);
    RUN(test_extremes);
    RUN(test_format_local);
    RUN(test_round_trip);
    RUN(test_parse_iso_messages);
    RUN(test_from_unix);
    RUN(test_now);
    RUN(test_prev_workday);
    return harness_finish("test_timeutil");
}
