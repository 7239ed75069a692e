/* SPDX-License-Identifier: MIT */
/*
 * An experiment's attempts (view.h): which attempts it has (the store's
 * list, store_attempts), and what each run recorded, from the status
 * entries folded in order. A running status entry starts a segment of the
 * attempt it starts or resumes ("resume": UID); the next status entry that
 * ends a run -- the one naming the attempt ("attempt": UID, written by
 * `run`), else the newest open segment's -- closes it with its duration
 * and exit.
 */
#include "view/view.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static int add_attempt(void *ctx, const struct store_attempt *sa)
{
    struct view_attempts *out = ctx;
    struct view_attempt *a;

    out->items = xrealloc(out->items, (out->len + 1) * sizeof(*out->items));
    a = &out->items[out->len++];
    memset(a, 0, sizeof(*a));
    a->number = sa->number;
    a->uid = xstrdup(sa->uid);
    a->run = sa->run;
    a->points = sa->points;
    a->started = sa->ts;
    return 0;
}

static struct view_attempt *find(struct view_attempts *l, const char *uid)
{
    size_t i;

    for (i = 0; uid && i < l->len; i++)
        if (strcmp(l->items[i].uid, uid) == 0)
            return &l->items[i];
    return NULL;
}

static char *json_dup(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

struct walk {
    struct view_attempts *list;
    struct view_attempt *open; /* the newest started segment, not ended */
    int64_t open_ts;
};

static int status_entry(void *ctx, const struct entry *e)
{
    struct walk *w = ctx;
    json_t *data = json_loads(e->data, 0, NULL);
    json_t *resume = json_object_get(data, "resume");
    struct view_attempt *a;

    if (strcmp(e->title, EXP_RUNNING) == 0) {
        a = find(w->list, json_is_string(resume) ? json_string_value(resume)
                                                 : e->uid);
        if (a) {
            if (json_is_string(resume))
                a->resumes++;
            if (json_object_get(data, "command")) {
                json_t *git = json_object_get(data, "git");

                free(a->command);
                free(a->host);
                free(a->git_commit);
                a->command = json_dup(data, "command");
                a->host = json_dup(data, "host");
                a->git_commit = json_dup(git, "commit");
                a->git_dirty = json_is_true(json_object_get(git, "dirty"));
            }
            a->running = 1;
            w->open = a;
            w->open_ts = e->ts;
        }
    } else if (strcmp(e->title, EXP_PLANNED) != 0) {
        json_t *exit = json_object_get(data, "exit");
        json_t *ms = json_object_get(data, "duration_ms");

        a = find(w->list, json_string_value(json_object_get(data, "attempt")));
        if (!a)
            a = w->open;
        if (a && a->running) {
            a->running = 0;
            a->duration_ms += json_is_integer(ms) ? json_integer_value(ms)
                              : e->ts > w->open_ts ? e->ts - w->open_ts : 0;
            a->has_exit = json_is_integer(exit);
            a->exit_code = (int)json_integer_value(exit);
            a->signal = (int)json_integer_value(json_object_get(data,
                                                                "signal"));
        }
        if (a == w->open)
            w->open = NULL;
    }
    json_decref(data);
    return 0;
}

int view_exp_attempts(const struct view *v, const struct view_exp *exp,
                      struct view_attempts *out)
{
    struct entry_filter f = ENTRY_FILTER_ALL;
    struct walk w = { out, NULL, 0 };
    int rc;

    memset(out, 0, sizeof(*out));
    rc = store_attempts(v->store, exp->id, add_attempt, out);
    f.exp = exp->id;
    f.kind = ENTRY_STATUS;
    f.until = v->until;
    if (rc == 0)
        rc = store_entries(v->store, &f, status_entry, &w);
    return rc;
}

void view_attempts_release(struct view_attempts *a)
{
    size_t i;

    for (i = 0; i < a->len; i++) {
        free(a->items[i].uid);
        free(a->items[i].command);
        free(a->items[i].git_commit);
        free(a->items[i].host);
    }
    free(a->items);
    a->items = NULL;
    a->len = 0;
}
