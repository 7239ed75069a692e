/* SPDX-License-Identifier: MIT */
/* `lablog exp list` and `lablog exp show`: experiments as text or JSON. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/buf.h"
#include "view/context.h"
#include "util/err.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "view/view.h"

/* Lines of a failed run's output shown by exp show. */
#define SHOW_TAIL_LINES 20

int exp_print_list(struct app *app, const char *status, const char *tag,
                   const char *author, int json)
{
    static const char *const statuses[] = { EXP_PLANNED, EXP_RUNNING,
                                            EXP_DONE, EXP_FAILED,
                                            EXP_ABANDONED, EXP_LOST };
    struct view_opts o = { .metrics = VIEW_METRICS_NONE, .quiet_unknown = 1 };
    struct view *v = NULL;
    json_t *list = json_array();
    size_t i, known = 0;
    int rc;

    for (i = 0; status && i < sizeof(statuses) / sizeof(statuses[0]); i++)
        known |= strcmp(status, statuses[i]) == 0;
    if (status && !known) {
        json_decref(list);
        return ll_error(LL_EUSAGE, "unknown status '%s' (planned, running, "
                        "done, failed, abandoned, lost)", status);
    }
    rc = view_build(&v, app->store, &o);
    if (rc) {
        json_decref(list);
        return rc;
    }
    if (!json && v->nexps) {
        cli_pager_start();
        printf("%-24s %-9s %-8s %-16s %s\n", "NAME", "STATUS", "MODE",
               "CREATED", "TAGS");
    }
    for (i = 0; i < v->nexps; i++) {
        const struct view_exp *x = &v->exps[i];
        char when[TIME_SHORT_SIZE];
        size_t t;

        if ((status && strcmp(x->status, status) != 0)
            || (tag && !view_exp_has_tag(x, tag))
            || (author && strcmp(x->author, author) != 0))
            continue;
        if (json) {
            json_array_append_new(list, context_exp(v, x));
            continue;
        }
        printf("%-24s %s%-9s%s %-8s %-16s ", x->label,
               cli_status_color(x->status), x->status,
               cli_color_end(cli_status_color(x->status)),
               x->confirm ? "confirm" : "explore",
               time_format_short(when, x->created));
        for (t = 0; t < x->ntags; t++)
            printf("%s%s", t ? "," : "", x->tags[t]);
        putchar('\n');
    }
    if (json)
        cli_print_json(list);
    json_decref(list);
    view_free(v);
    return 0;
}

static void print_metrics(const struct view_exp *x)
{
    char a[NUM_TEXT_SIZE], b[NUM_TEXT_SIZE], c[NUM_TEXT_SIZE];
    size_t i;

    if (!x->nmetrics)
        return;
    if (x->attempt)
        printf("metrics (attempt #%d):\n", x->attempt);
    else
        fputs("metrics:\n", stdout);
    printf("  %-16s %8s  %-20s %-20s %s\n", "NAME", "COUNT",
           "LAST (step)", "MIN (step)", "MAX (step)");
    for (i = 0; i < x->nmetrics; i++) {
        const struct view_metric *m = &x->metrics[i];
        char last[48], min[48], max[48];

        snprintf(last, sizeof(last), "%s (%lld)", num_format(a, m->last),
                 (long long)m->last_step);
        snprintf(min, sizeof(min), "%s (%lld)", num_format(b, m->min),
                 (long long)m->min_step);
        snprintf(max, sizeof(max), "%s (%lld)", num_format(c, m->max),
                 (long long)m->max_step);
        printf("  %-16s %8lld  %-20s %-20s %s", m->name,
               (long long)m->count, last, min, max);
        if (m->nonfinite)
            printf("  %lld NaN/inf from step %lld", (long long)m->nonfinite,
                   (long long)m->nonfinite_step);
        putchar('\n');
    }
}

/* "#2  2026-11-20 09:00  python3 train.py: exit 0 after 2m 10s, 400
 * points" per attempt. */
static void print_attempts(const struct view_attempts *at, int last_lost)
{
    char when[TIME_SHORT_SIZE], dur[32];
    size_t i;

    for (i = 0; i < at->len; i++) {
        const struct view_attempt *a = &at->items[i];

        printf("%s  #%d  %s  ", i ? "" : "attempts:\n", a->number,
               time_format_short(when, a->started));
        if (a->duration_ms < 60000)
            snprintf(dur, sizeof(dur), "%.1fs", (double)a->duration_ms / 1e3);
        else
            context_duration(dur, a->duration_ms);
        if (!a->run) {
            fputs("metrics logged outside a run", stdout);
        } else {
            fputs(a->command ? a->command : "started by 'exp start'",
                  stdout);
            if (a->git_commit)
                printf(" (commit %.12s%s, host %s)", a->git_commit,
                       a->git_dirty ? ", dirty" : "",
                       a->host ? a->host : "?");
            if (a->running && last_lost && i + 1 == at->len)
                fputs(": lost", stdout);
            else if (a->running)
                fputs(": running", stdout);
            else if (a->has_exit && a->signal)
                printf(": killed by signal %d after %s", a->signal, dur);
            else if (a->has_exit)
                printf(": exit %d after %s", a->exit_code, dur);
            else
                fputs(": ended", stdout);
            if (a->resumes)
                printf(" (resumed %d time%s)", a->resumes,
                       a->resumes == 1 ? "" : "s");
        }
        printf(", %lld point%s\n", (long long)a->points,
               a->points == 1 ? "" : "s");
    }
}

static json_t *attempts_json(const struct view_attempts *at)
{
    json_t *list = json_array();
    size_t i;

    for (i = 0; i < at->len; i++) {
        const struct view_attempt *a = &at->items[i];
        json_t *o = json_pack("{s:i,s:s,s:b,s:I,s:b,s:i,s:I}", "number",
                              a->number, "uid", a->uid, "run", a->run,
                              "points", (json_int_t)a->points, "running",
                              a->running, "resumes", a->resumes,
                              "duration_ms", (json_int_t)a->duration_ms);

        if (a->command)
            json_object_set_new(o, "command", json_string(a->command));
        if (a->git_commit)
            json_object_set_new(o, "git_commit", json_string(a->git_commit));
        if (a->host)
            json_object_set_new(o, "host", json_string(a->host));
        if (a->has_exit) {
            json_object_set_new(o, "exit", json_integer(a->exit_code));
            json_object_set_new(o, "signal", json_integer(a->signal));
        }
        json_array_append_new(list, o);
    }
    return list;
}

/* The end of a failed run's output: usually the traceback. */
static void print_tail(const struct view *v, const struct view_exp *x)
{
    struct buf tail = BUF_INIT;
    const char *p;
    size_t n = 0;

    if (!view_exp_has_tail(x)
        || view_exp_tail(v, x, SHOW_TAIL_LINES, &tail) != 0 || !tail.len) {
        buf_release(&tail);
        return;
    }
    for (p = tail.ptr; *p; p++)
        n += *p == '\n';
    printf("output (last %zu of %lld lines):\n", n,
           (long long)x->live.tail_lines);
    for (p = tail.ptr; *p;) {
        size_t len = strcspn(p, "\n");

        printf("  | %.*s\n", (int)len, p);
        p += len + (p[len] == '\n');
    }
    buf_release(&tail);
}

static void print_exp(const struct view *v, const struct view_exp *x,
                      const struct view_attempts *at)
{
    char when[TIME_SHORT_SIZE], dur[32];
    char *distinct, *text;
    size_t i;

    printf("%s (#%lld): %s%s%s, %s\n", x->label, (long long)x->id,
           cli_status_color(x->status), x->status,
           cli_color_end(cli_status_color(x->status)),
           x->confirm ? "confirmatory" : "exploratory");
    if (*x->hypothesis)
        printf("hypothesis: %s%s\n", x->hypothesis,
               x->hypothesis_amended ? " (amended)" : "");
    for (i = 0; i < x->nparams; i++)
        printf("%s%s=%s%s", i ? ", " : "params: ", x->params[i].key,
               x->params[i].value, i + 1 == x->nparams ? "\n" : "");
    for (i = 0; i < x->ntags; i++)
        printf("%s%s%s", i ? ", " : "tags: ", x->tags[i],
               i + 1 == x->ntags ? "\n" : "");
    printf("created: %s\n", time_format_short(when, x->created));
    if (x->command) {
        printf("run: %s\n", x->command);
        if (x->git_commit)
            printf("  commit %.12s%s, host %s, in %s\n", x->git_commit,
                   x->git_dirty ? " (dirty)" : "", x->host ? x->host : "?",
                   x->cwd ? x->cwd : "?");
        text = context_scheduler_text(x, 0);
        if (*text)
            printf("  %s\n", text);
        free(text);
        if (x->has_exit && x->signal)
            printf("  exit status %d (killed by %s)\n", x->exit_code,
                   x->live.signal_name ? x->live.signal_name : "a signal");
        else if (x->has_exit)
            printf("  exit status %d\n", x->exit_code);
    }
    if (x->live.lost_reason)
        printf("lost: %s; once you know what happened, close it with "
               "'lablog exp fail %s -m WHY'\n", x->live.lost_reason, x->name);
    text = context_progress_text(x);
    if (*text)
        printf("progress: %s\n", text);
    free(text);
    if (x->started && x->finished > x->started) {
        context_duration(dur, x->finished - x->started);
        printf("duration: %s\n", dur);
    }
    for (i = 0; i < x->nhistory; i++) {
        const struct view_status *h = &x->history[i];

        printf("%s  %s  %s%s%s\n", i ? "" : "history:\n",
               time_format_short(when, h->ts), h->status,
               *h->message ? ": " : "", h->message);
    }
    print_attempts(at, x->live.lost_reason != NULL);
    print_metrics(x);
    distinct = context_key_results(v, x);
    if (*distinct)
        printf("key results: %s\n", distinct);
    free(distinct);
    print_tail(v, x);
}

/* The metrics of every attempt, one table each. */
static int print_all_attempts(struct view *v, struct view_exp *x,
                              const struct view_attempts *at)
{
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && i < at->len; i++) {
        x->attempt = at->items[i].number;
        rc = view_exp_metrics(v, x);
        if (rc == 0)
            print_metrics(x);
    }
    return rc;
}

int exp_print_show(struct app *app, const char *name, int json, int attempt)
{
    struct view_opts o = { .metrics = VIEW_METRICS_NONE, .quiet_unknown = 1 };
    struct view_attempts at = { NULL, 0 };
    struct view *v = NULL;
    struct view_exp *x;
    json_t *j;
    int64_t id = 0;
    int rc = store_exp_find(app->store, name, &id);

    if (rc == 0)
        rc = view_build(&v, app->store, &o);
    if (rc)
        return rc;
    x = view_exp_get(v, id);
    if (!x) {
        rc = ll_error(LL_ENOTFOUND, "unknown experiment '%s' (see 'lablog "
                      "exp list')", name);
        goto cleanup;
    }
    rc = view_exp_attempts(v, x, &at);
    if (rc == 0 && attempt > 0 && (size_t)attempt > at.len)
        rc = ll_error(LL_EUSAGE, "'%s' has %zu attempt%s, not %d", name,
                      at.len, at.len == 1 ? "" : "s", attempt);
    if (rc)
        goto cleanup;
    x->attempt = attempt > 0 ? attempt : 0;
    rc = view_exp_metrics(v, x);
    if (rc)
        goto cleanup;
    if (json) {
        j = context_exp(v, x);
        json_object_set_new(j, "attempts", attempts_json(&at));
        cli_print_json(j);
        json_decref(j);
    } else if (attempt == STORE_ATTEMPT_ALL) {
        cli_pager_start();
        x->nmetrics = 0; /* the tables follow, one per attempt */
        print_exp(v, x, &at);
        rc = print_all_attempts(v, x, &at);
    } else {
        cli_pager_start();
        print_exp(v, x, &at);
    }
cleanup:
    view_attempts_release(&at);
    view_free(v);
    return rc;
}
