/* SPDX-License-Identifier: MIT */
/*
 * Building the period view (see view.h): one pass over the entries in id
 * order that applies each to the state so far, then a pass that sorts what
 * happened in the period into lists.
 *
 * Entries come in fold order (hlc, origin, seq), which after a merge is not
 * local id order, so experiments and items are kept in fold order and found
 * by entry id through small sorted indexes.
 */
#include "view/view.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

struct id_index {
    int64_t id;
    size_t at;                /* index into v->exps or p->items */
};

struct view_priv {
    struct arena arena;
    struct view_item **items; /* every item, in fold order */
    size_t nitems, cap_items;
    size_t cap_exps;
    struct id_index *exp_ids, *item_ids; /* sorted by id */
    size_t cap_exp_ids, cap_item_ids;
    size_t nunknown;          /* entries of kinds this build does not know */
    const char *unknown_kind; /* the first such kind */
    int64_t *item_exps;       /* items[i]'s experiment id, 0 when none:
                                 v->exps moves as it grows, so items get
                                 their pointer once the fold is over */
    size_t cap_item_exps;
    struct metric_decls decls; /* metric-info entries, folded */
    struct {
        int64_t id;
        const char *name;
        json_t *data;
    } *infos;                 /* metric-info entries, applied at the end
                                 (a later retraction undoes one) */
    size_t ninfos, cap_infos;
    int64_t *retracted_ids;   /* retracted entries that are not items */
    size_t nretracted, cap_retracted;
};

struct fold {
    struct view *v;
    struct view_priv *p;
    const struct view_opts *o;
};

int view_in_period(const struct view *v, int64_t ts)
{
    return ts >= v->since && (v->until == 0 || ts < v->until);
}

/* In the period, and by the person the view is about (when it is about
 * one): what makes an experiment news. */
static int news(const struct fold *f, const struct entry *e)
{
    return view_in_period(f->v, e->ts)
           && (!f->v->author || strcmp(e->author, f->v->author) == 0);
}

/* Position of id in a sorted index of n (where it is or would go). */
static size_t index_find(const struct id_index *ix, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (ix[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void index_add(struct id_index **ix, size_t n, size_t *cap,
                      int64_t id, size_t at)
{
    size_t pos = index_find(*ix, n, id);

    XGROW(*ix, n + 1, *cap);
    memmove(*ix + pos + 1, *ix + pos, (n - pos) * sizeof(**ix));
    (*ix)[pos].id = id;
    (*ix)[pos].at = at;
}

static struct view_exp *exp_by_id(const struct view *v, int64_t id)
{
    const struct view_priv *p = v->priv;
    size_t pos = index_find(p->exp_ids, v->nexps, id);

    if (pos < v->nexps && p->exp_ids[pos].id == id)
        return &v->exps[p->exp_ids[pos].at];
    return NULL;
}

static struct view_item *item_by_id(const struct view_priv *p, int64_t id)
{
    size_t pos = index_find(p->item_ids, p->nitems, id);

    if (pos < p->nitems && p->item_ids[pos].id == id)
        return p->items[p->item_ids[pos].at];
    return NULL;
}

struct view_exp *view_exp_get(const struct view *v, int64_t id)
{
    return exp_by_id(v, id);
}

const struct view_item *view_item_find(const struct view *v, int64_t id)
{
    return item_by_id(v->priv, id);
}

struct view_exp *view_exp_find(const struct view *v, const char *name)
{
    size_t i;

    for (i = 0; i < v->nexps; i++)
        if (strcmp(v->exps[i].name, name) == 0)
            return &v->exps[i];
    return NULL;
}

void view_metric_info(const struct view *v, const char *name,
                      struct metric_info *out)
{
    const struct view_priv *p = v->priv;

    metric_info_of(out, name, metric_decls_find(&p->decls, name));
}

const struct metric_decls *view_metric_decls(const struct view *v)
{
    return &((const struct view_priv *)v->priv)->decls;
}

size_t view_pick_metrics(const struct view_exp *exp, unsigned flags,
                         const char **out, size_t max)
{
    size_t n = 0, i;
    int rank;

    for (rank = 0; rank < 4; rank++) {
        if (rank == 3 && (flags & VIEW_PICK_NO_LOSS))
            break;
        for (i = 0; i < exp->nmetrics && n < max; i++) {
            const struct view_metric *m = &exp->metrics[i];

            if (m->info.rank != rank
                || ((flags & VIEW_PICK_SERIES) && m->count < 2))
                continue;
            out[n++] = m->name;
        }
    }
    return n;
}

const struct view_metric *view_exp_metric(const struct view_exp *exp,
                                          const char *name)
{
    size_t i;

    for (i = 0; i < exp->nmetrics; i++)
        if (strcmp(exp->metrics[i].name, name) == 0)
            return &exp->metrics[i];
    return NULL;
}

int view_exp_has_tag(const struct view_exp *exp, const char *tag)
{
    size_t i;

    for (i = 0; i < exp->ntags; i++)
        if (strcmp(exp->tags[i], tag) == 0)
            return 1;
    return 0;
}

const char *view_exp_param(const struct view_exp *exp, const char *key)
{
    size_t i;

    for (i = 0; i < exp->nparams; i++)
        if (strcmp(exp->params[i].key, key) == 0)
            return exp->params[i].value;
    return NULL;
}

/* ---- folding entries ------------------------------------------------- */

static const char *json_str(struct arena *a, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    return json_is_string(v) ? arena_strdup(a, json_string_value(v)) : NULL;
}

static int kv_cmp(const void *a, const void *b)
{
    return strcmp(((const struct model_kv *)a)->key,
                  ((const struct model_kv *)b)->key);
}

static void add_exp(struct fold *f, const struct entry *e, json_t *data)
{
    struct view *v = f->v;
    struct arena *a = &f->p->arena;
    struct view_exp *x;
    json_t *params = json_object_get(data, "params");
    json_t *tags = json_object_get(data, "tags");
    json_t *seeds;
    const char *key;
    json_t *val;
    size_t i;

    XGROW(v->exps, v->nexps + 1, f->p->cap_exps);
    index_add(&f->p->exp_ids, v->nexps, &f->p->cap_exp_ids, e->id, v->nexps);
    x = &v->exps[v->nexps++];
    memset(x, 0, sizeof(*x));
    x->id = e->id;
    x->name = arena_strdup(a, e->title);
    x->label = x->name;
    x->uid = arena_strdup(a, e->uid);
    x->origin = arena_strdup(a, e->origin);
    x->author = arena_strdup(a, e->author);
    x->hypothesis = arena_strdup(a, e->body);
    x->created = e->ts;
    x->status = EXP_PLANNED;
    x->state.status = EXP_PLANNED;
    x->confirm = json_is_string(json_object_get(data, "mode"))
                 && strcmp(json_string_value(json_object_get(data, "mode")),
                           "confirm") == 0;
    x->params = arena_alloc(a, json_object_size(params) * sizeof(*x->params));
    json_object_foreach(params, key, val) {
        x->params[x->nparams].key = arena_strdup(a, key);
        x->params[x->nparams].value =
            arena_strdup(a, json_is_string(val) ? json_string_value(val) : "");
        x->nparams++;
    }
    qsort(x->params, x->nparams, sizeof(*x->params), kv_cmp);
    x->tags = arena_alloc(a, json_array_size(tags) * sizeof(*x->tags));
    for (i = 0; i < json_array_size(tags); i++)
        if (json_is_string(json_array_get(tags, i)))
            x->tags[x->ntags++] =
                arena_strdup(a, json_string_value(json_array_get(tags, i)));
    seeds = json_object_get(data, "seed_params");
    x->seed_params = arena_alloc(a, json_array_size(seeds)
                                    * sizeof(*x->seed_params));
    for (i = 0; i < json_array_size(seeds); i++)
        if (json_is_string(json_array_get(seeds, i)))
            x->seed_params[x->nseed_params++] =
                arena_strdup(a, json_string_value(json_array_get(seeds, i)));
    if (news(f, e))
        x->touched = x->changed = 1;
}

/* A new attempt: what its running entry says about the run. */
static void start_attempt(struct fold *f, struct view_exp *x,
                          const struct entry *e, json_t *data)
{
    struct arena *a = &f->p->arena;
    struct view_live *r = &x->live;
    json_t *slurm = json_object_get(data, "slurm");
    json_t *total = json_object_get(data, "total");

    memset(r, 0, sizeof(*r));
    r->attempt = e->id;
    /* --resume continues an earlier attempt: its uid is in the data. */
    r->attempt_uid = json_str(a, data, "resume");
    if (!r->attempt_uid)
        r->attempt_uid = arena_strdup(a, e->uid);
    r->host = json_str(a, data, "host");
    r->boot_id = json_str(a, data, "boot_id");
    r->pid = json_integer_value(json_object_get(data, "pid"));
    r->pid_start = json_integer_value(json_object_get(data, "pid_start"));
    r->heartbeat_s = (int)json_integer_value(json_object_get(data,
                                                             "heartbeat_s"));
    r->heartbeat = e->ts;
    r->total = json_is_integer(total) ? json_integer_value(total) : 0;
    r->slurm_job_id = json_str(a, slurm, "job_id");
    r->slurm_array_task_id = json_str(a, slurm, "array_task_id");
    r->slurm_nodelist = json_str(a, slurm, "nodelist");
    r->slurm_partition = json_str(a, slurm, "partition");
    r->cuda_visible_devices = json_str(a, data, "cuda_visible_devices");
    /* The previous attempt's end says nothing about this one. */
    x->has_exit = 0;
    x->exit_code = x->signal = 0;
}

static void apply_status(struct fold *f, const struct entry *e, json_t *data)
{
    struct arena *a = &f->p->arena;
    struct view_exp *x = exp_by_id(f->v, e->exp);
    struct view_status *h;
    json_t *git = json_object_get(data, "git");
    json_t *tail = json_object_get(data, "tail");

    if (!x)
        return;
    /* The history grows one at a time and is short: realloc-free copy. */
    h = arena_alloc(a, (x->nhistory + 1) * sizeof(*h));
    if (x->nhistory)
        memcpy(h, x->history, x->nhistory * sizeof(*h));
    x->history = h;
    h += x->nhistory++;
    h->id = e->id;
    h->ts = e->ts;
    h->status = arena_strdup(a, e->title);
    h->message = arena_strdup(a, e->body);
    model_status_step(&x->state, h->status, e->ts);
    x->status = x->state.status;
    /* Durations are per attempt: a re-run starts the clock again. */
    x->started = x->state.attempt;
    x->finished = x->state.finished;
    if (model_status_ends(h->status) && news(f, e))
        x->ended_in_period = 1;
    if (strcmp(h->status, EXP_RUNNING) == 0) {
        start_attempt(f, x, e, data);
    } else if (model_status_ends(h->status)) {
        x->live.tail_sha256 = json_str(a, tail, "sha256");
        x->live.tail_lines = json_integer_value(json_object_get(tail, "lines"));
        x->live.signal_name = json_str(a, data, "signal_name");
    }
    if (json_object_get(data, "command")) {
        x->command = json_str(a, data, "command");
        x->cwd = json_str(a, data, "cwd");
        x->host = json_str(a, data, "host");
        x->git_commit = json_str(a, git, "commit");
        x->git_dirty = json_is_true(json_object_get(git, "dirty"));
    }
    if (json_is_integer(json_object_get(data, "exit"))) {
        x->has_exit = 1;
        x->exit_code = (int)json_integer_value(json_object_get(data, "exit"));
        x->signal = (int)json_integer_value(json_object_get(data, "signal"));
    }
    if (news(f, e))
        x->touched = x->changed = 1;
}

/* A sign of life of a running experiment's attempt. */
static void heartbeat(struct view_exp *x, int64_t ts)
{
    if (x && x->live.attempt && strcmp(x->status, EXP_RUNNING) == 0
        && ts > x->live.heartbeat)
        x->live.heartbeat = ts;
}

static void add_item(struct fold *f, const struct entry *e, json_t *data)
{
    struct arena *a = &f->p->arena;
    struct view_item *it = arena_alloc(a, sizeof(*it));
    json_t *prio = json_object_get(data, "priority");
    json_t *minutes = json_object_get(data, "minutes");

    it->id = e->id;
    it->ts = e->ts;
    it->kind = e->kind;
    it->author = arena_strdup(a, e->author);
    it->text = arena_strdup(a, e->body);
    it->retract_reason = it->closed_text = "";
    it->exp = NULL; /* set by resolve_exps() */
    it->takeaway = json_is_true(json_object_get(data, "takeaway"));
    it->priority = json_is_integer(prio) ? (int)json_integer_value(prio) : 2;
    it->minutes = json_is_integer(minutes) ? (int)json_integer_value(minutes)
                                           : -1;
    if (e->kind == ENTRY_ATTACH) {
        it->file_name = json_str(a, data, "name");
        it->sha256 = json_str(a, data, "sha256");
        it->size = json_integer_value(json_object_get(data, "size"));
    }
    XGROW(f->p->items, f->p->nitems + 1, f->p->cap_items);
    XGROW(f->p->item_exps, f->p->nitems + 1, f->p->cap_item_exps);
    index_add(&f->p->item_ids, f->p->nitems, &f->p->cap_item_ids, e->id,
              f->p->nitems);
    f->p->item_exps[f->p->nitems] = e->exp;
    f->p->items[f->p->nitems++] = it;
}

/* Points each item at its experiment, now that v->exps no longer moves,
 * and each experiment's run (model/group.h) at its fields. */
static void resolve_exps(struct view *v, struct view_priv *p)
{
    size_t i;

    for (i = 0; i < v->nexps; i++) {
        struct view_exp *x = &v->exps[i];

        x->run.name = x->name;
        x->run.params = x->params;
        x->run.nparams = x->nparams;
        x->run.tags = x->tags;
        x->run.ntags = x->ntags;
        x->run.seed_params = x->seed_params;
        x->run.nseed_params = x->nseed_params;
    }

    for (i = 0; i < p->nitems; i++)
        if (p->item_exps[i])
            p->items[i]->exp = exp_by_id(v, p->item_exps[i]);
}

/* amend, retract, done, unblock, answer: change an earlier entry. */
static void apply_ref(struct fold *f, const struct entry *e)
{
    struct arena *a = &f->p->arena;
    struct view_item *it = item_by_id(f->p, e->ref);
    struct view_exp *x;

    if (!it && e->kind == ENTRY_RETRACT) {
        XGROW(f->p->retracted_ids, f->p->nretracted + 1,
              f->p->cap_retracted);
        f->p->retracted_ids[f->p->nretracted++] = e->ref;
        return;
    }
    if (!it) {
        x = e->kind == ENTRY_AMEND ? exp_by_id(f->v, e->ref) : NULL;
        if (x) {
            x->hypothesis = arena_strdup(a, e->body);
            x->hypothesis_amended = 1;
        }
        return;
    }
    switch (e->kind) {
    case ENTRY_AMEND:
        it->text = arena_strdup(a, e->body);
        it->amended = 1;
        break;
    case ENTRY_RETRACT:
        it->retracted = 1;
        it->retract_reason = arena_strdup(a, e->body);
        it->retract_ts = e->ts;
        break;
    default: /* done, unblock, answer */
        it->closed_id = e->id;
        it->closed_ts = e->ts;
        it->closed_text = arena_strdup(a, e->body);
        break;
    }
}

static struct view_exp *exp_by_uid(const struct view *v, const char *uid)
{
    size_t i;

    for (i = 0; i < v->nexps; i++)
        if (strcmp(v->exps[i].uid, uid) == 0)
            return &v->exps[i];
    return NULL;
}

/* A metrics batch names its experiment, or lists them in data.exps when it
 * covers several. */
static void touch_measured(struct view *v, const struct entry *e, json_t *data)
{
    json_t *exps = json_object_get(data, "exps");
    struct view_exp *x = exp_by_id(v, e->exp);
    size_t i;

    if (x)
        x->touched = x->changed = 1;
    for (i = 0; i < json_array_size(exps); i++) {
        json_t *it = json_array_get(exps, i);

        /* Format 2 names them by uid; a migrated format-1 batch by id. */
        x = json_is_string(it) ? exp_by_uid(v, json_string_value(it))
                               : exp_by_id(v, json_integer_value(it));
        if (x)
            x->touched = x->changed = 1;
    }
}

/* A metric-info entry: what its title's metric means (model/metric.h). */
static void apply_metric_info(struct fold *f, const struct entry *e,
                              json_t *data)
{
    struct metric_decl_in in;
    json_t *dir = json_object_get(data, "direction");
    json_t *chance = json_object_get(data, "chance");
    json_t *book = json_object_get(data, "bookkeeping");
    json_t *primary = json_object_get(data, "primary");
    json_t *n_from = json_object_get(data, "n_from");

    memset(&in, 0, sizeof(in));
    in.reset = json_is_true(json_object_get(data, "reset"));
    if (json_is_string(dir)) {
        in.set |= DECL_DIRECTION;
        in.lower = strcmp(json_string_value(dir), "lower") == 0;
    }
    if (json_is_number(chance)) {
        in.set |= DECL_CHANCE;
        in.chance = json_number_value(chance);
    }
    if (json_is_boolean(book)) {
        in.set |= DECL_BOOKKEEPING;
        in.bookkeeping = json_is_true(book);
    }
    if (json_is_boolean(primary)) {
        in.set |= DECL_PRIMARY;
        in.primary = json_is_true(primary);
    }
    if (json_is_string(n_from)) {
        in.set |= DECL_N_FROM;
        in.n_from = json_string_value(n_from);
    }
    if (*e->title)
        metric_decls_apply(&f->p->decls, e->title, e->id, &in);
}

/* Whether entry id was retracted (a metrics batch, a metric-info entry:
 * the entries that are not items). */
static int retracted_id(const struct view_priv *p, int64_t id)
{
    size_t lo = 0, hi = p->nretracted;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (p->retracted_ids[mid] == id)
            return 1;
        if (p->retracted_ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static int id_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

/* Whether an item stays under view_keep(). */
static int kept(const struct view *v, const struct view_item *it,
                const unsigned char *keep)
{
    if (!keep)
        return 1;
    return it->exp && keep[it->exp - v->exps];
}

static void keep_list(const struct view *v, struct view_list *l,
                      const unsigned char *keep, int takeaways_only)
{
    size_t i, n = 0;

    for (i = 0; i < l->len; i++)
        if (kept(v, l->items[i], keep)
            && (!takeaways_only || l->items[i]->kind != ENTRY_NOTE
                || l->items[i]->takeaway))
            l->items[n++] = l->items[i];
    l->len = n;
}

void view_keep(struct view *v, const unsigned char *keep,
               int takeaways_only)
{
    size_t i;

    keep_list(v, &v->notes, keep, takeaways_only);
    keep_list(v, &v->takeaways, keep, 0);
    keep_list(v, &v->attachments, keep, 0);
    keep_list(v, &v->retracted, keep, 0);
    if (takeaways_only)
        v->retracted.len = 0;
    v->ntouched = 0;
    v->narrowed |= keep != NULL;
    for (i = 0; i < v->nexps; i++) {
        struct view_exp *x = &v->exps[i];

        if (keep && !keep[i]) {
            x->touched = x->changed = x->ended_in_period = 0;
            x->nnotes = x->ntakeaways = 0;
        } else if (takeaways_only) {
            x->nnotes = x->ntakeaways;
        }
        v->ntouched += x->touched != 0;
    }
}

size_t view_all_items(const struct view *v,
                      const struct view_item *const **out)
{
    const struct view_priv *p = v->priv;

    *out = (const struct view_item *const *)p->items;
    return p->nitems;
}

int view_entry_retracted(const struct view *v, int64_t id)
{
    return retracted_id(v->priv, id);
}

/* Applies the metric declarations that were not retracted, in order. */
static void apply_metric_infos(struct fold *f)
{
    struct view_priv *p = f->p;
    size_t i;

    if (p->nretracted > 1)
        qsort(p->retracted_ids, p->nretracted, sizeof(int64_t), id_cmp);
    for (i = 0; i < p->ninfos; i++) {
        struct entry e;

        if (retracted_id(p, p->infos[i].id))
            continue;
        memset(&e, 0, sizeof(e));
        e.id = p->infos[i].id;
        e.title = p->infos[i].name;
        apply_metric_info(f, &e, p->infos[i].data);
    }
}

/* exp tag: the experiment's tags, less the removed, plus the added. */
static void apply_tags(struct fold *f, const struct entry *e, json_t *data)
{
    struct view_exp *x = exp_by_id(f->v, e->exp);
    json_t *add = json_object_get(data, "add");
    json_t *remove = json_object_get(data, "remove");
    const char **tags;
    size_t i, j, n = 0;

    if (!x)
        return;
    tags = arena_alloc(&f->p->arena,
                       (x->ntags + json_array_size(add) + 1) * sizeof(*tags));
    for (i = 0; i < x->ntags; i++) {
        int removed = 0;

        for (j = 0; j < json_array_size(remove); j++) {
            const char *t = json_string_value(json_array_get(remove, j));

            if (t && strcmp(t, x->tags[i]) == 0)
                removed = 1;
        }
        if (!removed)
            tags[n++] = x->tags[i];
    }
    for (j = 0; j < json_array_size(add); j++) {
        const char *t = json_string_value(json_array_get(add, j));
        int have = 0;

        for (i = 0; t && i < n; i++)
            if (strcmp(tags[i], t) == 0)
                have = 1;
        if (t && !have)
            tags[n++] = arena_strdup(&f->p->arena, t);
    }
    x->tags = tags;
    x->ntags = n;
    if (news(f, e))
        x->touched = 1;
}

/* An entry that records state: the project, an experiment and its
 * statuses, a metrics batch, an update or deck, a metric declaration, a
 * samples set. An entry of an unknown kind changes nothing. */
static void apply_record(struct fold *f, const struct entry *e, json_t *data)
{
    struct view *v = f->v;

    switch (e->kind) {
    case ENTRY_PROJECT:
        v->project = arena_strdup(&f->p->arena, e->title);
        v->goal = arena_strdup(&f->p->arena, e->body);
        break;
    case ENTRY_EXP:
        add_exp(f, e, data);
        break;
    case ENTRY_STATUS:
        apply_status(f, e, data);
        break;
    case ENTRY_TAG:
        apply_tags(f, e, data);
        break;
    case ENTRY_UPDATE:
        v->last_update = e->ts;
        break;
    case ENTRY_DECK:
        v->last_deck = e->ts;
        break;
    case ENTRY_METRICS:
        if (news(f, e))
            touch_measured(v, e, data);
        heartbeat(exp_by_id(v, e->exp), e->ts);
        for (size_t i = 0; i < json_array_size(json_object_get(data, "exps"));
             i++) {
            json_t *it = json_array_get(json_object_get(data, "exps"), i);

            /* Format 2 names them by uid; a migrated batch by id. */
            heartbeat(json_is_string(it)
                          ? exp_by_uid(v, json_string_value(it))
                          : exp_by_id(v, json_integer_value(it)),
                      e->ts);
        }
        break;
    case ENTRY_SAMPLES: {
        /* Outputs added in the period are news of their experiment, as
         * an attached file is (the deck compares a group's samples only
         * among experiments touched in its period). */
        struct view_exp *x = exp_by_id(v, e->exp);

        if (x && view_in_period(v, e->ts))
            x->touched = 1;
        break;
    }
    case ENTRY_HEARTBEAT: {
        struct view_exp *x = exp_by_id(v, e->exp);

        if (x && e->ref == x->live.attempt)
            heartbeat(x, e->ts);
        break;
    }
    case ENTRY_METRIC_INFO:
        XGROW(f->p->infos, f->p->ninfos + 1, f->p->cap_infos);
        f->p->infos[f->p->ninfos].id = e->id;
        f->p->infos[f->p->ninfos].name = arena_strdup(&f->p->arena,
                                                      e->title);
        f->p->infos[f->p->ninfos++].data = json_incref(data);
        break;
    case ENTRY_UNKNOWN:
        /* Written by a newer lablog: kept and verified, not understood. */
        if (!f->p->nunknown++)
            f->p->unknown_kind = arena_strdup(&f->p->arena, e->kind_name);
        break;
    default:
        break;
    }
}

static int fold_entry(void *ctx, const struct entry *e)
{
    struct fold *f = ctx;
    struct view *v = f->v;
    json_t *data = json_loads(e->data, 0, NULL);

    if (view_in_period(v, e->ts))
        v->nentries++;
    if (!v->first_ts)
        v->first_ts = e->ts;
    /* Items and replies by their role in the kind table; records, each
     * of which means something of its own, by kind. */
    switch (kind_info(e->kind)->role) {
    case KIND_ITEM:
        add_item(f, e, data);
        break;
    case KIND_CLOSES: case KIND_AMENDS: case KIND_RETRACTS:
        apply_ref(f, e);
        break;
    case KIND_RECORD:
        apply_record(f, e, data);
        break;
    }
    json_decref(data);
    return 0;
}

/* ---- sorting into lists -------------------------------------------- */

static void push(struct arena *a, struct view_list *l, struct view_item *it,
                 size_t cap)
{
    if (!l->items)
        l->items = arena_alloc(a, cap * sizeof(*l->items));
    l->items[l->len++] = it;
}

static int by_priority(const void *pa, const void *pb)
{
    const struct view_item *a = *(struct view_item *const *)pa;
    const struct view_item *b = *(struct view_item *const *)pb;

    if (a->priority != b->priority)
        return a->priority - b->priority;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* Sorts one item into the lists it belongs to; cap bounds every list. */
static void classify(struct view *v, struct arena *a, struct view_item *it,
                     size_t cap)
{
    int in = view_in_period(v, it->ts);
    int closed_in = it->closed_id && view_in_period(v, it->closed_ts);
    int open = !it->closed_id && !it->retracted;

    /* The update of one person: their items only (the experiments their
     * notes are about are touched below, whoever ran them). */
    if (v->author && strcmp(it->author, v->author) != 0)
        return;
    if (it->retracted) {
        if (view_in_period(v, it->retract_ts))
            push(a, &v->retracted, it, cap);
        return;
    }
    switch (it->kind) {
    case ENTRY_NOTE:
        if (!in)
            break;
        push(a, &v->notes, it, cap);
        if (it->takeaway)
            push(a, &v->takeaways, it, cap);
        if (it->exp) {
            it->exp->touched = 1;
            it->exp->nnotes++;
            it->exp->ntakeaways += it->takeaway != 0;
        }
        break;
    case ENTRY_NEXT:
        if (closed_in)
            push(a, &v->next_done, it, cap);
        if (open)
            push(a, &v->next_open, it, cap);
        break;
    case ENTRY_BLOCK:
        if (in)
            push(a, &v->blockers_raised, it, cap);
        if (closed_in)
            push(a, &v->blockers_resolved, it, cap);
        if (open)
            push(a, &v->blockers_open, it, cap);
        break;
    case ENTRY_ASK:
        if (in)
            push(a, &v->questions_asked, it, cap);
        if (closed_in)
            push(a, &v->questions_answered, it, cap);
        if (open)
            push(a, &v->questions_open, it, cap);
        break;
    case ENTRY_DECIDE:
        if (in)
            push(a, &v->decisions, it, cap);
        break;
    case ENTRY_ATTACH:
        if (in) {
            push(a, &v->attachments, it, cap);
            if (it->exp)
                it->exp->touched = 1;
        }
        break;
    default:
        break;
    }
}

/* ---- metrics --------------------------------------------------------- */

struct metric_fill {
    const struct view *view;
    struct arena *arena;
    struct view_exp *exp;
    size_t cap;
};

static int add_metric(void *ctx, const struct series_summary *s)
{
    struct metric_fill *m = ctx;
    struct view_exp *x = m->exp;
    struct view_metric *vm;

    if (x->nmetrics == m->cap) {
        struct view_metric *grown;

        m->cap = m->cap ? m->cap * 2 : 8;
        grown = arena_alloc(m->arena, m->cap * sizeof(*grown));
        if (x->nmetrics)
            memcpy(grown, x->metrics, x->nmetrics * sizeof(*grown));
        x->metrics = grown;
    }
    vm = &x->metrics[x->nmetrics++];
    vm->name = arena_strdup(m->arena, s->name);
    vm->attempt = s->attempt ? arena_strdup(m->arena, s->attempt) : NULL;
    vm->count = s->count;
    vm->nonfinite = s->nonfinite;
    vm->nonfinite_step = s->nonfinite_step;
    vm->first_step = s->first_step;
    vm->last_step = s->last_step;
    vm->min_step = s->min_step;
    vm->max_step = s->max_step;
    vm->first = s->first;
    vm->last = s->last;
    vm->min = s->min;
    vm->max = s->max;
    vm->first_ts = s->first_ts;
    vm->last_ts = s->last_ts;
    vm->has_prev = s->has_prev;
    vm->prev_last = s->prev_last;
    vm->prev_count = s->prev_count;
    view_metric_info(m->view, vm->name, &vm->info);
    return 0;
}

int view_exp_metrics(struct view *v, struct view_exp *exp)
{
    struct view_priv *p = v->priv;
    struct metric_fill m = { v, &p->arena, exp, 0 };
    int rc;

    exp->nmetrics = 0;
    rc = store_series_period(v->store, exp->id,
                             exp->attempt ? exp->attempt : v->attempt,
                             v->since, v->until, add_metric, &m);
    if (rc == 0)
        rc = view_exp_progress(v, exp);
    for (size_t i = 0; rc == 0 && i < exp->nmetrics; i++) {
        struct view_metric *vm = &exp->metrics[i];

        /* Points arrived in the period: the experiment has news. */
        if (vm->count > vm->prev_count)
            exp->touched = exp->changed = 1;
    }
    return rc;
}

int view_points(const struct view *v, const struct view_exp *exp,
                const char *metric, store_point_fn *fn, void *ctx)
{
    return store_points_attempt(v->store, exp->id, metric,
                                exp->attempt ? exp->attempt : v->attempt, fn,
                                ctx);
}

int view_points_steps(const struct view *v, const struct view_exp *exp,
                      const char *metric, store_point_fn *fn, void *ctx)
{
    return store_points_steps(v->store, exp->id, metric,
                              exp->attempt ? exp->attempt : v->attempt, fn,
                              ctx);
}

int view_points_span(const struct view *v, const struct view_exp *exp,
                     const char *metric, struct series_span *out)
{
    return store_points_span(v->store, exp->id, metric,
                             exp->attempt ? exp->attempt : v->attempt, out);
}

int view_blob(const struct view *v, const char *sha256, struct buf *out)
{
    return store_blob_get(v->store, sha256, out);
}

/* ---- groups ------------------------------------------------------------ */

void view_groups_build(struct view_groups *out, const struct view *v,
                       const unsigned char *lead,
                       const unsigned char *member)
{
    const struct model_run **runs = xcalloc(v->nexps + 1, sizeof(*runs));
    struct model_groups g;
    size_t i, k;

    for (i = 0; i < v->nexps; i++)
        runs[i] = &v->exps[i].run;
    model_group_runs(&g, runs, v->nexps, lead, member);
    out->len = g.len;
    out->items = xcalloc(g.len + 1, sizeof(*out->items));
    for (i = 0; i < g.len; i++) {
        struct view_group *vg = &out->items[i];

        vg->exps = xcalloc(g.items[i].n + 1, sizeof(*vg->exps));
        for (k = 0; k < g.items[i].n; k++)
            vg->exps[k] = &v->exps[g.items[i].members[k]];
        vg->n = g.items[i].n;
        vg->tag = g.items[i].tag;
        vg->by = g.items[i].by;
        vg->seed = g.items[i].seed;
        vg->nsettings = g.items[i].nsettings;
    }
    model_groups_release(&g);
    free(runs);
}

void view_groups_release(struct view_groups *g)
{
    size_t i;

    for (i = 0; i < g->len; i++)
        free(g->items[i].exps);
    free(g->items);
    g->items = NULL;
    g->len = 0;
}

size_t view_setting_of(const struct view_exp *x,
                       struct view_exp *const *exps, size_t n,
                       struct view_exp **out, size_t max)
{
    size_t i, count = 0;

    for (i = 0; i < n && count < max; i++)
        if (exps[i] == x || model_same_setting(&x->run, &exps[i]->run))
            out[count++] = exps[i];
    return count;
}

int view_exp_broken(const struct view_exp *exp)
{
    size_t i;

    if (model_status_broken(exp->status))
        return 1;
    for (i = 0; i < exp->nmetrics; i++)
        if (metric_is_result(&exp->metrics[i].info)
            && exp->metrics[i].count && !isfinite(exp->metrics[i].last))
            return 1;
    return 0;
}

void view_summary_last(struct model_summary *out,
                       struct view_exp *const *exps, size_t n,
                       const char *metric, size_t *broken_out)
{
    double *vals = xcalloc(n + 1, sizeof(*vals));
    size_t i, count = 0, broken = 0;

    for (i = 0; i < n; i++) {
        const struct view_metric *m = view_exp_metric(exps[i], metric);

        if (view_exp_broken(exps[i]))
            broken++; /* even one that died before its first point */
        else if (m && m->count)
            vals[count++] = m->last;
    }
    if (broken_out)
        *broken_out = broken;
    model_summarize(out, vals, count);
    free(vals);
}

int view_exp_repeats(const struct view_exp *a, const struct view_exp *b)
{
    const struct model_run *pair[2] = { &a->run, &b->run };

    /* Repeats of one setting in one line of work: siblings, or both
     * untagged (a sweep over batch size shares its lr=0.3 setting with
     * the lr sweep's, but those are other runs). */
    return a != b && model_same_setting(&a->run, &b->run)
           && model_seed_param(pair, 2) != NULL
           && (model_shares_tag(&a->run, &b->run)
               || (a->ntags == 0 && b->ntags == 0));
}

static int in_list(struct view_exp *const *list, size_t n,
                   const struct view_exp *x)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (list[i] == x)
            return 1;
    return 0;
}

void view_compare_with(struct view_compare *out, const struct view *v,
                       struct view_exp *const *mine, size_t n,
                       const char *metric)
{
    struct view_exp **cand = xcalloc(v->nexps + 1, sizeof(*cand));
    struct view_exp **set = xcalloc(v->nexps + 1, sizeof(*set));
    const struct view_exp *x = mine[0];
    struct metric_info mi;
    size_t ncand = 0, i, j, best_apart = (size_t)-1;

    memset(out, 0, sizeof(*out));
    view_metric_info(v, metric, &mi);
    /* The closest siblings in params: sweep mates when there are any. */
    for (i = 0; i < v->nexps; i++) {
        struct view_exp *y = &v->exps[i];
        const struct view_metric *m = view_exp_metric(y, metric);
        size_t apart;

        if (in_list(mine, n, y) || !m || !m->count || view_exp_broken(y)
            || !model_shares_tag(&x->run, &y->run))
            continue;
        apart = model_params_apart(&x->run, &y->run, NULL);
        if (apart == 0)
            continue; /* a seed of the same setting */
        if (apart < best_apart) {
            best_apart = apart;
            ncand = 0;
        }
        if (apart == best_apart)
            cand[ncand++] = y;
    }
    /* Their settings, summarised; the best one wins. */
    for (i = 0; i < ncand; i++) {
        struct model_summary s;
        size_t ns = 0;
        int first = 1;

        for (j = 0; j < ncand; j++)
            if (j == i || model_same_setting(&cand[i]->run, &cand[j]->run)) {
                first &= j >= i;
                set[ns++] = cand[j];
            }
        if (!first)
            continue; /* summarised with an earlier member */
        view_summary_last(&s, set, ns, metric, NULL);
        if (s.n == 0)
            continue;
        if (!out->found || metric_better(&mi, s.mean, out->s.mean)) {
            out->found = 1;
            out->s = s;
            out->exp = cand[i];
            out->n = ns;
        }
    }
    if (out->found && best_apart == 1) {
        model_params_apart(&x->run, &out->exp->run, &out->key);
        out->value = view_exp_param(out->exp, out->key);
        if (!out->value)
            out->key = NULL;
    }
    free(cand);
    free(set);
}

/* ---- building -------------------------------------------------------- */

/* Whether o asks for x's metric summaries. */
/* Whether o asks for x's metric summaries. touched[0..nt) are the
 * experiments touched in the period. */
static int metrics_wanted(const struct view_exp *x, const struct view_opts *o,
                          struct view_exp *const *touched, size_t nt)
{
    size_t i;

    switch (o->metrics) {
    case VIEW_METRICS_ALL:
        return 1;
    case VIEW_METRICS_NAMED:
        for (i = 0; i < o->nnames; i++)
            if (strcmp(o->names[i], x->name) == 0)
                return 1;
        return 0;
    case VIEW_METRICS_TOUCHED:
        /* A touched run, and the siblings it is compared with: its seeds
         * and its sweep mates (model/group.h), not every run that ever
         * shared a tag with it. */
        if (x->touched)
            return 1;
        for (i = 0; i < nt; i++)
            if (model_shares_tag(&x->run, &touched[i]->run)
                && model_params_apart(&x->run, &touched[i]->run, NULL) <= 1)
                return 1;
        return 0;
    default:
        return 0;
    }
}

static int load_metrics(struct view *v, const struct view_opts *o)
{
    struct view_exp **touched = xcalloc(v->nexps + 1, sizeof(*touched));
    size_t i, nt = 0;
    int rc = 0;

    for (i = 0; i < v->nexps; i++)
        if (v->exps[i].touched)
            touched[nt++] = &v->exps[i];
    for (i = 0; rc == 0 && i < v->nexps; i++)
        if (metrics_wanted(&v->exps[i], o, touched, nt))
            rc = view_exp_metrics(v, &v->exps[i]);
    free(touched);
    return rc;
}

/* Where a name is used by experiments of several origins, each is labelled
 * "name (author@host)" for people to tell them apart. */
static int by_exp_name(const void *pa, const void *pb)
{
    const struct view_exp *a = *(struct view_exp *const *)pa;
    const struct view_exp *b = *(struct view_exp *const *)pb;

    return strcmp(a->name, b->name);
}

static int label_exps(struct view *v)
{
    struct view_priv *p = v->priv;
    struct view_exp **sorted = xcalloc(v->nexps + 1, sizeof(*sorted));
    size_t i;
    int rc = 0;

    /* Names sorted, so a shared one is next to its twin: not a strcmp of
     * every pair (4M of them on a log of 2,000 experiments). */
    for (i = 0; i < v->nexps; i++)
        sorted[i] = &v->exps[i];
    if (v->nexps > 1)
        qsort(sorted, v->nexps, sizeof(*sorted), by_exp_name);
    for (i = 0; rc == 0 && i < v->nexps; i++) {
        struct view_exp *x = sorted[i];
        int shared = (i > 0 && strcmp(sorted[i - 1]->name, x->name) == 0)
                     || (i + 1 < v->nexps
                         && strcmp(sorted[i + 1]->name, x->name) == 0);

        if (shared) {
            char host[128], label[512];

            rc = store_origin_host(v->store, x->origin, host, sizeof(host));
            if (rc)
                break;
            snprintf(label, sizeof(label), "%s (%s@%s)", x->name, x->author,
                     *host ? host : "?");
            x->label = arena_strdup(&p->arena, label);
        }
    }
    free(sorted);
    return rc;
}

/* A lost run's output tail, from the file its lablog run kept while it
 * ran (cmd_run.c): read, never written, by readers. At most a little more
 * than the tail's bound is read; none when there is no such file. */
static void read_tail_file(struct view *v, struct view_exp *x)
{
    struct view_priv *p = v->priv;
    struct buf path = BUF_INIT, text = BUF_INIT;
    char chunk[8192];
    size_t n, lines = 0, i;
    FILE *f;

    store_run_tail_path(v->store, x->live.attempt_uid, &path);
    f = fopen(path.ptr, "r");
    while (f && text.len < 256 * 1024
           && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_put(&text, chunk, n);
    if (f)
        fclose(f);
    for (i = 0; i < text.len; i++)
        lines += text.ptr[i] == '\n';
    if (text.len && memchr(text.ptr, '\0', text.len) == NULL) {
        x->live.tail_text = arena_strdup(&p->arena, text.ptr);
        x->live.tail_lines = (int64_t)lines;
    }
    buf_release(&path);
    buf_release(&text);
}

/*
 * Running experiments whose run is gone read as lost (view_run_lost());
 * running and lost ones are news in a view that reaches the present, so
 * the daily update shows them until they end.
 */
static void judge_runs(struct view *v)
{
    struct view_priv *p = v->priv;
    struct view_observer obs;
    char why[256];
    size_t i;

    view_observer_init(&obs, v->until);
    for (i = 0; i < v->nexps; i++) {
        struct view_exp *x = &v->exps[i];

        if (strcmp(x->status, EXP_RUNNING) != 0)
            continue;
        if (view_run_lost(&x->live, &obs, why, sizeof(why))) {
            x->status = EXP_LOST;
            x->live.lost_reason = arena_strdup(&p->arena, why);
            if (x->live.attempt_uid)
                read_tail_file(v, x);
        }
        if (obs.check_processes)
            x->touched = 1;
    }
}

int view_build(struct view **out, struct store *s, const struct view_opts *o)
{
    struct view *v = xcalloc(1, sizeof(*v));
    struct view_priv *p = xcalloc(1, sizeof(*p));
    struct entry_filter filter = ENTRY_FILTER_ALL;
    struct fold f = { v, p, o };
    size_t i;
    int rc;

    *out = NULL;
    v->priv = p;
    v->store = s;
    v->since = o->since;
    v->until = o->until;
    v->author = o->author;
    v->attempt = o->attempt;
    v->project = v->goal = "";
    filter.until = o->until;
    rc = store_entries(s, &filter, fold_entry, &f);
    if (rc)
        goto fail;
    resolve_exps(v, p);
    apply_metric_infos(&f);
    rc = label_exps(v);
    if (rc)
        goto fail;
    if (p->nunknown && !o->quiet_unknown)
        ll_warn("ignoring %zu entr%s of a kind this lablog does not know "
                "('%s'): written by a newer lablog?", p->nunknown,
                p->nunknown == 1 ? "y" : "ies", p->unknown_kind);
    judge_runs(v);
    for (i = 0; i < p->nitems; i++)
        classify(v, &p->arena, p->items[i], p->nitems);
    if (v->next_open.len)
        qsort(v->next_open.items, v->next_open.len,
              sizeof(struct view_item *), by_priority);
    rc = load_metrics(v, o);
    if (rc)
        goto fail;
    for (i = 0; i < v->nexps; i++)
        v->ntouched += v->exps[i].touched;
    *out = v;
    return 0;
fail:
    view_free(v);
    return rc;
}

void view_free(struct view *v)
{
    struct view_priv *p;

    if (!v)
        return;
    p = v->priv;
    arena_release(&p->arena);
    metric_decls_release(&p->decls);
    for (size_t i = 0; i < p->ninfos; i++)
        json_decref(p->infos[i].data);
    free(p->infos);
    free(p->retracted_ids);
    free(p->items);
    free(p->item_exps);
    free(p->exp_ids);
    free(p->item_ids);
    free(p);
    free(v->exps);
    free(v);
}
