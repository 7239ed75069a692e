/* SPDX-License-Identifier: MIT */
/*
 * Tests of the live-run rules (view/live.c): when a running experiment
 * reads as lost, and progress with its ETA and the overnight flag. Both
 * are pure functions of their arguments, so every case is built here.
 */
#include "harness.h"

#include <stdlib.h>

#include "view/view.h"

#define MIN 60000LL
#define HOUR (60 * MIN)

static int alive_pid; /* the one pid the fake probe says runs */

static int probe(int64_t pid, int64_t start)
{
    return pid == alive_pid && start == 77;
}

static struct view_live run_on(const char *host)
{
    struct view_live r;

    memset(&r, 0, sizeof(r));
    r.attempt = 5;
    r.host = host;
    r.boot_id = "boot-a";
    r.pid = 1234;
    r.pid_start = 77;
    r.heartbeat_s = 30;
    r.heartbeat = 10 * HOUR;
    return r;
}

static struct view_observer observer(int64_t now)
{
    struct view_observer o;

    memset(&o, 0, sizeof(o));
    o.now = now;
    o.lost_after_ms = 10 * MIN;
    o.host = "gpu07";
    o.boot_id = "boot-a";
    o.check_processes = 1;
    o.alive = probe;
    return o;
}

static void test_lost(void)
{
    struct view_live r = run_on("gpu07");
    struct view_observer o = observer(10 * HOUR + MIN);
    char why[256];

    alive_pid = 1234;
    OK(!view_run_lost(&r, &o, why, sizeof(why)));
    /* The process is gone (or the pid was reused by another process). */
    alive_pid = 0;
    OK(view_run_lost(&r, &o, why, sizeof(why)));
    STR_EQ(why, "its lablog run (pid 1234 on gpu07) is gone");
    r.pid_start = 78;
    alive_pid = 1234;
    OK(view_run_lost(&r, &o, why, sizeof(why)));
    r.pid_start = 77;
    /* The machine restarted: the same pid means nothing any more. */
    o.boot_id = "boot-b";
    OK(view_run_lost(&r, &o, why, sizeof(why)));
    STR_EQ(why, "gpu07 was restarted since the run began");
    o.boot_id = "boot-a";
    /* Alive, but silent past the threshold (a stopped or hung lablog). */
    o.now = 10 * HOUR + 11 * MIN;
    OK(view_run_lost(&r, &o, why, sizeof(why)));
    STR_EQ(why, "no sign of life for 11m from gpu07");
    o.lost_after_ms = HOUR;
    OK(!view_run_lost(&r, &o, why, sizeof(why)));
}

static void test_lost_elsewhere(void)
{
    struct view_live r = run_on("node3");
    struct view_observer o = observer(10 * HOUR + 5 * MIN);
    char why[256];

    /* Another host: its pid says nothing here; only the heartbeat. */
    alive_pid = 0;
    OK(!view_run_lost(&r, &o, why, sizeof(why)));
    o.now = 12 * HOUR + 30 * MIN;
    OK(view_run_lost(&r, &o, why, sizeof(why)));
    STR_EQ(why, "no sign of life for 2h 30m from node3");
    /* A view of the past never asks about processes. */
    r = run_on("gpu07");
    o = observer(10 * HOUR + MIN);
    o.check_processes = 0;
    OK(!view_run_lost(&r, &o, why, sizeof(why)));
}

static void test_not_judged(void)
{
    struct view_live r;
    struct view_observer o = observer(100 * HOUR);
    char why[256];

    /* exp start: no process, no promised heartbeat: never lost. */
    memset(&r, 0, sizeof(r));
    r.attempt = 9;
    r.heartbeat = HOUR;
    OK(!view_run_lost(&r, &o, why, sizeof(why)));
    r.attempt = 0;
    OK(!view_run_lost(&r, &o, why, sizeof(why)));
}

static void test_progress(void)
{
    struct view_progress p;
    int64_t start = 9 * HOUR, last = 10 * HOUR;

    /* 1200 of 3000 after 1 h, 200 steps in the last 10 minutes. */
    memset(&p, 0, sizeof(p));
    view_progress_compute(&p, 1200, last, 1000, last - 10 * MIN, 3000, start,
                          last + 30000);
    OK(p.known);
    INT_EQ(p.elapsed_ms, HOUR + 30000);
    INT_EQ(p.since_point_ms, 30000);
    INT_EQ(p.eta_ms, 90 * MIN - 30000);
    OK(!p.long_run);
    /* 30000 steps at that rate: a day to go, it will not finish tonight. */
    view_progress_compute(&p, 1200, last, 1000, last - 10 * MIN, 30000, start,
                          last);
    INT_EQ(p.eta_ms, 1440 * MIN);
    OK(p.long_run);
    /* No total: no ETA; over 16 h already is flagged anyway. */
    view_progress_compute(&p, 1200, last, 1000, last - 10 * MIN, 0, start,
                          last);
    INT_EQ(p.eta_ms, -1);
    OK(!p.long_run);
    view_progress_compute(&p, 1200, last, 1000, last - 10 * MIN, 0,
                          last - 17 * HOUR, last);
    OK(p.long_run);
    /* No progress in the window, or done: no rate, or nothing left. */
    view_progress_compute(&p, 1200, last, 1200, last - 10 * MIN, 3000, start,
                          last);
    INT_EQ(p.eta_ms, -1);
    view_progress_compute(&p, 3000, last, 1000, last - 10 * MIN, 3000, start,
                          last);
    INT_EQ(p.eta_ms, 0);
    /* A crawl: centuries, clamped, never undefined. */
    view_progress_compute(&p, 1e-300, last, 0, last - 10 * MIN, 1e300,
                          start, last);
    OK(p.eta_ms > 0);
    OK(p.long_run);
}

int main(void)
{
    RUN(test_lost);
    RUN(test_lost_elsewhere);
    RUN(test_not_judged);
    RUN(test_progress);
    return harness_finish("live");
}
