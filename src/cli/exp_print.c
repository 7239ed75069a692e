/* SPDX-License-Identifier: MIT */
/* `lablog exp list` and `lablog exp show`: experiments as text or JSON. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "view/context.h"
#include "util/err.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "view/view.h"

static int print_json(json_t *j)
{
    char *text = json_dumps(j, JSON_INDENT(2));

    json_decref(j);
    puts(text);
    free(text);
    return 0;
}

int exp_print_list(struct app *app, const char *status, const char *tag,
                   int json)
{
    static const char *const statuses[] = { EXP_PLANNED, EXP_RUNNING,
                                            EXP_DONE, EXP_FAILED,
                                            EXP_ABANDONED };
    struct view_opts o = { .metrics = VIEW_METRICS_NONE, .quiet_unknown = 1 };
    struct view *v = NULL;
    json_t *list = json_array();
    size_t i, known = 0;
    int rc;

    for (i = 0; status && i < 5; i++)
        known |= strcmp(status, statuses[i]) == 0;
    if (status && !known) {
        json_decref(list);
        return ll_error(LL_EUSAGE, "unknown status '%s' (planned, running, "
                        "done, failed, abandoned)", status);
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
            || (tag && !view_exp_has_tag(x, tag)))
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
        print_json(list);
    else
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
    printf("metrics:\n  %-16s %8s  %-20s %-20s %s\n", "NAME", "COUNT",
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

static void print_exp(const struct view *v, const struct view_exp *x)
{
    char when[TIME_SHORT_SIZE], dur[32];
    char *distinct;
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
        if (x->has_exit)
            printf("  exit status %d%s\n", x->exit_code,
                   x->signal ? " (killed by a signal)" : "");
    }
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
    print_metrics(x);
    distinct = context_key_results(v, x);
    if (*distinct)
        printf("key results: %s\n", distinct);
    free(distinct);
}

int exp_print_show(struct app *app, const char *name, int json)
{
    struct view_opts o = { .metrics = VIEW_METRICS_NONE, .quiet_unknown = 1 };
    struct view *v = NULL;
    struct view_exp *x;
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
    rc = view_exp_metrics(v, x);
    if (rc)
        goto cleanup;
    if (json) {
        print_json(context_exp(v, x));
    } else {
        cli_pager_start();
        print_exp(v, x);
    }
cleanup:
    view_free(v);
    return rc;
}
