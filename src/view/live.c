/* SPDX-License-Identifier: MIT */
/*
 * Live, lost and progressing runs: the rules that turn what the log says
 * about a running experiment into what a reader shows (see view.h).
 *
 * Nothing here writes: a lost run is a reading of the log, redone by every
 * reader, until someone closes the experiment with a status entry. The
 * rules (view_run_lost, view_progress_compute) are pure functions of the
 * run and of what the observer knows, so they can move to the model layer
 * unchanged; view_observer_init() is where the observer's facts are read.
 */
#include "view/view.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/config.h"
#include "util/err.h"
#include "util/procinfo.h"
#include "util/timeutil.h"

/* A run is lost when its heartbeat is older than this: $LABLOG_LOST_AFTER,
 * else lost_after in the config file, else 10 minutes. */
#define LOST_AFTER_DEFAULT_MS (10 * 60 * 1000)

/* "90", "90s", "10m", "2h", "1.5d" in ms; -1 when it is none of those. */
static int64_t parse_duration_ms(const char *text)
{
    char *end;
    double v = strtod(text, &end);

    while (*end == ' ')
        end++;
    if (v > 0 && (!*end || (end[1] == '\0' && strchr("smhd", *end)))) {
        double unit = *end == 'm' ? 60 : *end == 'h' ? 3600
                                     : *end == 'd' ? 86400 : 1;
        double ms = v * unit * 1000;

        /* A century is "never lost"; clamped before the cast. */
        return ms < 3.2e12 ? (int64_t)ms : (int64_t)3.2e12;
    }
    return -1;
}

int64_t view_lost_after_ms(void)
{
    static int warned; /* a hub judges many views: say it once */
    const char *env = getenv("LABLOG_LOST_AFTER");
    struct buf value = BUF_INIT, path = BUF_INIT;
    int64_t ms = LOST_AFTER_DEFAULT_MS, v;

    if (env && *env) {
        v = parse_duration_ms(env);
        if (v > 0)
            ms = v;
        else if (!warned++)
            ll_warn("ignoring LABLOG_LOST_AFTER='%s' (expected seconds or "
                    "a number with s, m, h or d, such as 10m)", env);
    } else if (config_get("lost_after", &value) == 0) {
        v = parse_duration_ms(value.ptr);
        if (v > 0) {
            ms = v;
        } else if (!warned++) {
            config_path(&path);
            ll_warn("ignoring 'lost_after = %s' in '%s' (expected seconds "
                    "or a number with s, m, h or d, such as 10m)", value.ptr,
                    path.ptr);
        }
    }
    buf_release(&value);
    buf_release(&path);
    return ms;
}

static int pid_alive(int64_t pid, int64_t start)
{
    return procinfo_alive((pid_t)pid, (uint64_t)start);
}

void view_observer_init(struct view_observer *o, int64_t until)
{
    static char host[PROCINFO_HOST_SIZE], boot[PROCINFO_BOOT_ID_SIZE];
    int64_t now = time_now_ms();

    memset(o, 0, sizeof(*o));
    /* A view of the past judges by the heartbeat as of its end; whether
     * a process is alive is a fact about now only. */
    o->now = until && until < now ? until : now;
    o->check_processes = !(until && until < now);
    o->lost_after_ms = view_lost_after_ms();
    o->host = procinfo_host(host);
    o->boot_id = procinfo_boot_id(boot);
    o->alive = pid_alive;
}

static void duration_text(char *out, size_t n, int64_t ms)
{
    int64_t s = ms / 1000;

    if (s < 120)
        snprintf(out, n, "%llds", (long long)s);
    else if (s < 7200)
        snprintf(out, n, "%lldm", (long long)(s / 60));
    else if (s < 172800)
        snprintf(out, n, "%lldh %lldm", (long long)(s / 3600),
                 (long long)(s % 3600 / 60));
    else
        snprintf(out, n, "%lldd %lldh", (long long)(s / 86400),
                 (long long)(s % 86400 / 3600));
}

int view_run_lost(const struct view_live *run, const struct view_observer *o,
                  char *why, size_t n)
{
    char age[32];

    if (!run->attempt)
        return 0;
    if (o->check_processes && run->host && o->host && *o->host
        && strcmp(run->host, o->host) == 0) {
        if (run->boot_id && *run->boot_id && o->boot_id && *o->boot_id
            && strcmp(run->boot_id, o->boot_id) != 0) {
            snprintf(why, n, "%s was restarted since the run began",
                     run->host);
            return 1;
        }
        if (run->pid > 0 && o->alive && !o->alive(run->pid, run->pid_start)) {
            snprintf(why, n, "its lablog run (pid %lld on %s) is gone",
                     (long long)run->pid, run->host);
            return 1;
        }
    }
    if (run->heartbeat_s > 0 && run->heartbeat
        && o->now - run->heartbeat > o->lost_after_ms) {
        duration_text(age, sizeof(age), o->now - run->heartbeat);
        snprintf(why, n, "no sign of life for %s%s%s", age,
                 run->host ? " from " : "", run->host ? run->host : "");
        return 1;
    }
    return 0;
}

/* ---- progress ----------------------------------------------------------- */

/* The recent rate is measured over about this much time. */
#define RATE_WINDOW_MS (10 * 60 * 1000)
/* A run on course to take longer than this does not finish overnight. */
#define LONG_RUN_MS ((int64_t)16 * 3600 * 1000)

void view_progress_compute(struct view_progress *out, double done,
                           int64_t last_ts, double ref_done, int64_t ref_ts,
                           double total, int64_t started, int64_t now)
{
    out->known = 1;
    out->done = done;
    out->total = total;
    out->elapsed_ms = started && now > started ? now - started : 0;
    out->since_point_ms = last_ts ? (now > last_ts ? now - last_ts : 0) : -1;
    out->eta_ms = -1;
    if (total > 0 && done >= total) {
        out->eta_ms = 0;
    } else if (total > 0 && ref_ts && last_ts > ref_ts && done > ref_done) {
        double rate = (done - ref_done) / (double)(last_ts - ref_ts);
        double left = (total - done) / rate;

        /* The clock runs from the last point: it may be stale. Clamped
         * before the cast (a crawling rate gives centuries, or inf). */
        left -= (double)out->since_point_ms;
        out->eta_ms = !(left > 0) ? 0 : left < 1e15 ? (int64_t)left
                                                    : (int64_t)1e15;
    }
    out->long_run = out->elapsed_ms > LONG_RUN_MS
                    || (out->eta_ms >= 0
                        && out->elapsed_ms + out->eta_ms > LONG_RUN_MS);
}

/* The planned total: --total, else the param steps (or max_steps,
 * total_steps, num_steps), else epochs (progress in epochs). */
static double planned_total(const struct view_exp *x, const char **unit_out)
{
    static const char *const steps[] = { "steps", "max_steps", "total_steps",
                                         "num_steps", NULL };
    const char *v;
    double t;
    char *end;
    size_t i;

    *unit_out = "step";
    if (x->live.total > 0)
        return (double)x->live.total;
    for (i = 0; steps[i]; i++) {
        v = view_exp_param(x, steps[i]);
        if (v && (t = strtod(v, &end)) > 0 && !*end)
            return t;
    }
    v = view_exp_param(x, "epochs");
    if (!v)
        v = view_exp_param(x, "num_train_epochs");
    if (v && (t = strtod(v, &end)) > 0 && !*end) {
        *unit_out = "epoch";
        return t;
    }
    return 0;
}

/* A metric of x's live attempt: the metrics shown may be of another
 * (--attempt N, or the earlier attempt while this one has no point). */
static int live_metric(const struct view_exp *x, const struct view_metric *m)
{
    return m->attempt && x->live.attempt_uid
           && strcmp(m->attempt, x->live.attempt_uid) == 0;
}

int view_exp_progress(struct view *v, struct view_exp *x)
{
    const struct view_metric *best = NULL;
    const char *unit;
    double total, done, ref_done = 0, value;
    int64_t last_ts, last_step, ref_ts = 0, step, ts, now = time_now_ms();
    int found = 0, rc;
    size_t i;

    memset(&x->progress, 0, sizeof(x->progress));
    if (strcmp(x->status, EXP_RUNNING) != 0 && strcmp(x->status, EXP_LOST))
        return 0;
    if (v->until && v->until < now)
        now = v->until;
    total = planned_total(x, &unit);
    if (strcmp(unit, "epoch") == 0) {
        best = view_exp_metric(x, "epoch");
        if (best && !live_metric(x, best))
            best = NULL;
        if (!best) {
            unit = "step"; /* epochs planned, none logged: no total */
            total = 0;
        }
    }
    for (i = 0; strcmp(unit, "step") == 0 && i < x->nmetrics; i++) {
        const struct view_metric *m = &x->metrics[i];

        if (!live_metric(x, m))
            continue;
        if (!best || m->last_step > best->last_step
            || (m->last_step == best->last_step && m->last_ts > best->last_ts))
            best = m;
    }
    if (!best)
        return 0;
    done = strcmp(unit, "epoch") == 0 ? best->last : (double)best->last_step;
    last_ts = best->last_ts;
    last_step = best->last_step;
    /* A resumed attempt re-logs steps from its checkpoint: until it
     * passes the steps of its earlier segment, it is where its newest
     * point is, not at its highest step. */
    if (x->started && last_ts < x->started) {
        rc = store_point_near(v->store, x->id, best->name,
                              x->live.attempt_uid, x->started,
                              STORE_NEAR_NEWEST, &step, &value, &ts, &found);
        if (rc)
            return rc;
        if (!found)
            return 0; /* nothing logged since it resumed */
        done = strcmp(unit, "epoch") == 0 ? value : (double)step;
        last_step = step;
        last_ts = ts;
    }
    /* The recent rate: from a point about RATE_WINDOW_MS back, or from
     * the attempt's first point when it is younger than that. */
    rc = store_point_near(v->store, x->id, best->name, x->live.attempt_uid,
                          last_ts - RATE_WINDOW_MS, STORE_NEAR_BEFORE, &step,
                          &value, &ts, &found);
    if (rc == 0 && (!found || ts < x->started))
        rc = store_point_near(v->store, x->id, best->name,
                              x->live.attempt_uid, x->started,
                              STORE_NEAR_AFTER, &step, &value, &ts, &found);
    if (rc)
        return rc;
    if (found) {
        ref_done = strcmp(unit, "epoch") == 0 ? value : (double)step;
        ref_ts = ts;
    }
    view_progress_compute(&x->progress, done, last_ts, ref_done, ref_ts,
                          total, x->started, now);
    /* A lost run ran until its last sign of life, not until now. */
    if (strcmp(x->status, EXP_LOST) == 0 && x->live.heartbeat > x->started)
        x->progress.elapsed_ms = x->live.heartbeat - x->started;
    x->progress.step = last_step;
    x->progress.unit = unit;
    return 0;
}

/* ---- the output tail ------------------------------------------------- */

int view_exp_has_tail(const struct view_exp *x)
{
    if (strcmp(x->status, EXP_FAILED) == 0)
        return x->live.tail_sha256 != NULL;
    return strcmp(x->status, EXP_LOST) == 0 && x->live.tail_text
           && *x->live.tail_text;
}

int view_exp_tail(const struct view *v, const struct view_exp *x,
                  size_t max_lines, struct buf *out)
{
    struct buf all = BUF_INIT;
    size_t n = 0, start;
    int rc = 0;

    if (!view_exp_has_tail(x) || max_lines == 0)
        return 0;
    if (x->live.tail_sha256)
        rc = view_blob(v, x->live.tail_sha256, &all);
    else
        buf_puts(&all, x->live.tail_text);
    if (rc == 0) {
        /* Back from the end over max_lines newlines. */
        start = all.len;
        if (start && all.ptr[start - 1] == '\n')
            start--;
        while (start > 0 && n < max_lines) {
            start--;
            if (all.ptr[start] == '\n' && ++n == max_lines) {
                start++;
                break;
            }
        }
        buf_put(out, all.ptr + start, all.len - start);
    }
    buf_release(&all);
    return rc;
}
