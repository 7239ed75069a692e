/* SPDX-License-Identifier: MIT */
/*
 * Building the template context from the view (see context.h). The key
 * names here are an interface: templates in labs' config folders use them,
 * so renaming one is a breaking change (templates/README.md).
 */
#include "render/context.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static void set_str(json_t *o, const char *key, const char *value)
{
    json_object_set_new(o, key, json_string(value ? value : ""));
}

static void set_num(json_t *o, const char *key, double value)
{
    char text[NUM_TEXT_SIZE];
    char vkey[64];

    set_str(o, key, num_format(text, value));
    snprintf(vkey, sizeof(vkey), "%s_value", key);
    json_object_set_new(o, vkey, isfinite(value) ? json_real(value)
                                                 : json_null());
}

static void set_time(json_t *o, const char *key, int64_t ms)
{
    char text[TIME_SHORT_SIZE];

    set_str(o, key, ms ? time_format_short(text, ms) : "");
}

static void set_date(json_t *o, const char *key, int64_t ms)
{
    char text[TIME_DATE_SIZE];

    set_str(o, key, ms ? time_format_date(text, ms) : "");
}

void context_duration(char out[32], int64_t ms)
{
    int64_t s = ms / 1000;

    if (s < 60)
        snprintf(out, 32, "%llds", (long long)s);
    else if (s < 3600)
        snprintf(out, 32, "%lldm %llds", (long long)(s / 60),
                 (long long)(s % 60));
    else if (s < 86400)
        snprintf(out, 32, "%lldh %lldm", (long long)(s / 3600),
                 (long long)(s % 3600 / 60));
    else
        snprintf(out, 32, "%lldd %lldh", (long long)(s / 86400),
                 (long long)(s % 86400 / 3600));
}

/* ---- experiments ------------------------------------------------------ */

static int shares_tag(const struct view_exp *a, const struct view_exp *b)
{
    size_t i, j;

    for (i = 0; i < a->ntags; i++)
        for (j = 0; j < b->ntags; j++)
            if (strcmp(a->tags[i], b->tags[j]) == 0)
                return 1;
    return 0;
}

char *context_distinct_params(const struct view *v, const struct view_exp *x)
{
    struct buf out = BUF_INIT;
    size_t i, j;
    int siblings = 0;

    for (j = 0; j < v->nexps; j++)
        siblings += &v->exps[j] != x && shares_tag(x, &v->exps[j]);
    for (i = 0; i < x->nparams; i++) {
        const struct view_kv *p = &x->params[i];
        int differs = !siblings;

        for (j = 0; !differs && j < v->nexps; j++) {
            const struct view_exp *y = &v->exps[j];
            const char *other;

            if (y == x || !shares_tag(x, y))
                continue;
            other = view_exp_param(y, p->key);
            differs = !other || strcmp(other, p->value) != 0;
        }
        if (differs)
            buf_printf(&out, "%s%s=%s", out.len ? ", " : "", p->key,
                       p->value);
    }
    return buf_detach(&out, NULL);
}

/* Loss-like metrics go down; people usually lead with the others. */
static int is_loss(const char *name)
{
    return strstr(name, "loss") != NULL || strstr(name, "perplexity") != NULL;
}

/* The most recent sibling (shared tag) with the same metric that is not x
 * itself, for "vs bon-n8". */
static const struct view_metric *sibling_metric(const struct view *v,
                                                const struct view_exp *x,
                                                const char *name,
                                                const char **sibling_name)
{
    const struct view_metric *best = NULL;
    size_t i, k;

    for (i = 0; i < v->nexps && &v->exps[i] != x; i++) {
        const struct view_exp *y = &v->exps[i];

        if (!shares_tag(x, y))
            continue;
        for (k = 0; k < y->nmetrics; k++) {
            if (strcmp(y->metrics[k].name, name) == 0) {
                best = &y->metrics[k];
                *sibling_name = y->name;
            }
        }
    }
    return best;
}

static void key_result(struct buf *out, const struct view *v,
                       const struct view_exp *x, const struct view_metric *m)
{
    char value[NUM_TEXT_SIZE], delta[NUM_TEXT_SIZE];
    const char *sib_name = NULL;
    const struct view_metric *sib;

    buf_printf(out, "%s%s %s", out->len ? ", " : "", m->name,
               num_format(value, m->last));
    if (m->nonfinite && !isfinite(m->last)) {
        buf_printf(out, " (diverged at step %lld)", (long long)m->last_step);
        return;
    }
    sib = sibling_metric(v, x, m->name, &sib_name);
    if (m->has_prev && m->count > m->prev_count && isfinite(m->prev_last))
        buf_printf(out, " (%s since last)",
                   num_format_delta(delta, m->last - m->prev_last));
    else if (sib && isfinite(sib->last))
        buf_printf(out, ", %s vs %s",
                   num_format_delta(delta, m->last - sib->last), sib_name);
}

char *context_key_results(const struct view *v, const struct view_exp *x)
{
    struct buf out = BUF_INIT;
    size_t i, shown = 0;
    int pass;

    /* Non-loss metrics first, then losses; at most two in all. */
    for (pass = 0; pass < 2; pass++)
        for (i = 0; i < x->nmetrics && shown < 2; i++)
            if (is_loss(x->metrics[i].name) == pass) {
                key_result(&out, v, x, &x->metrics[i]);
                shown++;
            }
    return buf_detach(&out, NULL);
}

static json_t *metric_json(const struct view_metric *m)
{
    json_t *o = json_object();
    char delta[NUM_TEXT_SIZE];

    set_str(o, "name", m->name);
    json_object_set_new(o, "count", json_integer(m->count));
    json_object_set_new(o, "nonfinite", json_integer(m->nonfinite));
    json_object_set_new(o, "diverged", json_boolean(m->nonfinite > 0));
    set_num(o, "first", m->first);
    set_num(o, "last", m->last);
    set_num(o, "min", m->min);
    set_num(o, "max", m->max);
    json_object_set_new(o, "first_step", json_integer(m->first_step));
    json_object_set_new(o, "last_step", json_integer(m->last_step));
    json_object_set_new(o, "min_step", json_integer(m->min_step));
    json_object_set_new(o, "max_step", json_integer(m->max_step));
    if (m->has_prev && m->count > m->prev_count && isfinite(m->prev_last)
        && isfinite(m->last))
        set_str(o, "change", num_format_delta(delta, m->last - m->prev_last));
    return o;
}

static json_t *item_json(const struct view_item *it)
{
    json_t *o = json_object();

    json_object_set_new(o, "id", json_integer(it->id));
    set_str(o, "kind", entry_kind_name(it->kind));
    set_str(o, "text", it->text);
    set_str(o, "author", it->author);
    set_time(o, "time", it->ts);
    set_date(o, "date", it->ts);
    json_object_set_new(o, "amended", json_boolean(it->amended));
    if (it->exp)
        set_str(o, "exp", it->exp->name);
    if (it->kind == ENTRY_NOTE)
        json_object_set_new(o, "takeaway", json_boolean(it->takeaway));
    if (it->kind == ENTRY_NEXT) {
        json_object_set_new(o, "priority", json_integer(it->priority));
        if (it->minutes >= 0)
            json_object_set_new(o, "minutes", json_integer(it->minutes));
    }
    if (it->closed_id) {
        set_time(o, "closed_time", it->closed_ts);
        if (*it->closed_text)
            set_str(o, "closed_text", it->closed_text);
    }
    if (it->retracted) {
        json_object_set_new(o, "retracted", json_true());
        if (*it->retract_reason)
            set_str(o, "retract_reason", it->retract_reason);
    }
    if (it->kind == ENTRY_ATTACH) {
        set_str(o, "file", it->file_name);
        set_str(o, "sha256", it->sha256);
        json_object_set_new(o, "size", json_integer(it->size));
    }
    return o;
}

static json_t *list_json(const struct view_list *l)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; i < l->len; i++)
        json_array_append_new(a, item_json(l->items[i]));
    return a;
}

/* Notes (and attachments) about x in the period, in order. */
static json_t *exp_items(const struct view_list *l, const struct view_exp *x)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; i < l->len; i++)
        if (l->items[i]->exp == x)
            json_array_append_new(a, item_json(l->items[i]));
    return a;
}

json_t *context_exp(const struct view *v, const struct view_exp *x)
{
    json_t *o = json_object(), *params = json_array(), *tags = json_array();
    json_t *history = json_array(), *metrics = json_array();
    char *text;
    char dur[32];
    size_t i;

    set_str(o, "name", x->name);
    json_object_set_new(o, "id", json_integer(x->id));
    set_str(o, "hypothesis", x->hypothesis);
    set_str(o, "mode", x->confirm ? "confirm" : "explore");
    json_object_set_new(o, "confirm", json_boolean(x->confirm));
    json_object_set_new(o, "explore", json_boolean(!x->confirm));
    set_str(o, "status", x->status);
    set_time(o, "created", x->created);
    for (i = 0; i < x->nparams; i++)
        json_array_append_new(params, json_pack("{s:s,s:s}", "key",
                                                x->params[i].key, "value",
                                                x->params[i].value));
    json_object_set_new(o, "params", params);
    for (i = 0; i < x->ntags; i++)
        json_array_append_new(tags, json_string(x->tags[i]));
    json_object_set_new(o, "tags", tags);
    for (i = 0; i < x->nhistory; i++) {
        json_t *h = json_object();

        set_str(h, "status", x->history[i].status);
        set_time(h, "time", x->history[i].ts);
        set_str(h, "message", x->history[i].message);
        json_array_append_new(history, h);
    }
    json_object_set_new(o, "history", history);
    for (i = 0; i < x->nmetrics; i++)
        json_array_append_new(metrics, metric_json(&x->metrics[i]));
    json_object_set_new(o, "metrics", metrics);
    text = context_distinct_params(v, x);
    set_str(o, "distinct_params", text);
    free(text);
    text = context_key_results(v, x);
    set_str(o, "key_results", text);
    free(text);
    if (x->started) {
        set_time(o, "started", x->started);
        if (x->finished > x->started) {
            context_duration(dur, x->finished - x->started);
            set_str(o, "duration", dur);
        }
    }
    if (x->finished)
        set_time(o, "finished", x->finished);
    if (x->command) {
        json_t *run = json_object();

        set_str(run, "command", x->command);
        set_str(run, "cwd", x->cwd);
        set_str(run, "host", x->host);
        if (x->git_commit) {
            char short_commit[13];

            snprintf(short_commit, sizeof(short_commit), "%s", x->git_commit);
            set_str(run, "git_commit", short_commit);
            json_object_set_new(run, "git_dirty", json_boolean(x->git_dirty));
        }
        if (x->has_exit) {
            json_object_set_new(run, "exit_code", json_integer(x->exit_code));
            if (x->signal)
                json_object_set_new(run, "signal", json_integer(x->signal));
        }
        json_object_set_new(o, "run", run);
    }
    json_object_set_new(o, "notes", exp_items(&v->notes, x));
    json_object_set_new(o, "attachments", exp_items(&v->attachments, x));
    json_object_set_new(o, "ended_in_period",
                        json_boolean(x->ended_in_period));
    return o;
}

/* ---- the period ------------------------------------------------------- */

static void add_list(json_t *o, const char *key, const struct view_list *l)
{
    char has[64];

    json_object_set_new(o, key, list_json(l));
    snprintf(has, sizeof(has), "has_%s", key);
    json_object_set_new(o, has, json_boolean(l->len > 0));
}

json_t *context_view(const struct view *v, const struct context_opts *o)
{
    json_t *c = json_object(), *exps = json_array(), *others = json_array();
    char title[256];
    size_t i;

    set_str(c, "project", v->project);
    set_str(c, "goal", v->goal);
    set_str(c, "author", o->author);
    set_time(c, "generated", o->now);
    set_date(c, "today", o->now);
    set_time(c, "since", v->since ? v->since : v->first_ts);
    set_time(c, "until", v->until ? v->until : o->now);
    set_date(c, "since_date", v->since ? v->since : v->first_ts);
    set_date(c, "until_date", v->until ? v->until : o->now);
    snprintf(title, sizeof(title), "%s", o->title ? o->title : v->project);
    set_str(c, "title", title);
    for (i = 0; i < v->nexps; i++) {
        const struct view_exp *x = &v->exps[i];

        if (x->touched)
            json_array_append_new(exps, context_exp(v, x));
        else
            json_array_append_new(others, json_pack(
                "{s:s,s:s}", "name", x->name, "status", x->status));
    }
    json_object_set_new(c, "experiments", exps);
    json_object_set_new(c, "has_experiments", json_boolean(v->ntouched > 0));
    json_object_set_new(c, "other_experiments", others);
    add_list(c, "notes", &v->notes);
    add_list(c, "takeaways", &v->takeaways);
    add_list(c, "retracted", &v->retracted);
    add_list(c, "next_done", &v->next_done);
    add_list(c, "next_open", &v->next_open);
    add_list(c, "blockers_raised", &v->blockers_raised);
    add_list(c, "blockers_resolved", &v->blockers_resolved);
    add_list(c, "blockers_open", &v->blockers_open);
    add_list(c, "questions_asked", &v->questions_asked);
    add_list(c, "questions_answered", &v->questions_answered);
    add_list(c, "questions_open", &v->questions_open);
    add_list(c, "decisions", &v->decisions);
    add_list(c, "attachments", &v->attachments);
    json_object_set_new(c, "empty", json_boolean(v->nentries == 0));
    return c;
}
