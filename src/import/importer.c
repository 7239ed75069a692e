/* SPDX-License-Identifier: MIT */
/*
 * The importer (see import.h): runs of other tools -> experiments, status
 * entries and metric batches, through the store's public API.
 */
#include "import/import.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

struct known {
    char *name;  /* experiment name */
    char *key;   /* "tool\nkey" when imported, else NULL */
    int64_t id;  /* exp entry id; 0 for one chosen in a dry run */
};

struct importer {
    struct store *s;
    const char *author;
    const char *name;
    int dry;
    struct known *known;
    size_t nknown, cap_known;
    struct ingest *ingest;     /* points of the current run */
    int64_t exp;               /* the current run's experiment */
    char exp_name[128];
    struct import_stats st;
    struct buf conflict;
};

void import_clean_name(char *out, size_t size, const char *name)
{
    size_t n = 0;
    const char *p;
    int dash = 0;

    for (p = name ? name : ""; *p && n + 1 < size && n < 100; p++) {
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                 || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';

        if (ok) {
            out[n++] = c;
            dash = 0;
        } else if (!dash && n) {
            out[n++] = '-';
            dash = 1;
        }
    }
    while (n && (out[n - 1] == '-' || out[n - 1] == '.'))
        n--;
    out[n] = '\0';
}

static void remember(struct importer *im, const char *name, const char *key,
                     int64_t id)
{
    struct known *k;

    XGROW(im->known, im->nknown + 1, im->cap_known);
    k = &im->known[im->nknown++];
    k->name = xstrdup(name);
    k->key = key ? xstrdup(key) : NULL;
    k->id = id;
}

static int index_exp(void *ctx, const struct entry *e)
{
    struct importer *im = ctx;
    json_t *data = json_loads(e->data, 0, NULL);
    json_t *src = json_object_get(data, "import");
    const char *tool = json_string_value(json_object_get(src, "tool"));
    const char *key = json_string_value(json_object_get(src, "key"));
    struct buf k = BUF_INIT;

    if (tool && key)
        buf_printf(&k, "%s\n%s", tool, key);
    remember(im, e->title, k.len ? k.ptr : NULL, e->id);
    buf_release(&k);
    json_decref(data);
    return 0;
}

int importer_new(struct importer **out, struct store *s, const char *author,
                 const char *name, int dry_run)
{
    struct importer *im = xcalloc(1, sizeof(*im));
    struct entry_filter f = ENTRY_FILTER_ALL;
    int rc;

    im->s = s;
    im->author = author;
    im->name = name;
    im->dry = dry_run;
    buf_init(&im->conflict);
    f.kind = ENTRY_EXP;
    rc = s ? store_entries(s, &f, index_exp, im) : 0;
    if (rc) {
        importer_free(im);
        return rc;
    }
    *out = im;
    return 0;
}

void importer_free(struct importer *im)
{
    size_t i;

    if (!im)
        return;
    ingest_free(im->ingest);
    for (i = 0; i < im->nknown; i++) {
        free(im->known[i].name);
        free(im->known[i].key);
    }
    free(im->known);
    buf_release(&im->conflict);
    free(im);
}

static const struct known *find_name(const struct importer *im,
                                     const char *name)
{
    size_t i;

    for (i = 0; i < im->nknown; i++)
        if (strcmp(im->known[i].name, name) == 0)
            return &im->known[i];
    return NULL;
}

static const struct known *find_key(const struct importer *im,
                                    const char *key)
{
    size_t i;

    for (i = 0; i < im->nknown; i++)
        if (im->known[i].key && strcmp(im->known[i].key, key) == 0)
            return &im->known[i];
    return NULL;
}

/* A free name: the run's, else with its key appended, else numbered. */
static void choose_name(struct importer *im, const struct import_run *r,
                        char *out, size_t size)
{
    char base[104], key[16];
    int n;

    import_clean_name(base, sizeof(base), r->name);
    if (!*base)
        import_clean_name(base, sizeof(base), r->fallback);
    if (!*base)
        snprintf(base, sizeof(base), "%s-run", r->tool);
    snprintf(out, size, "%s", base);
    if (!find_name(im, out))
        return;
    /* MLflow's run ids tell runs apart; other keys are paths: say which
     * tool the run came from instead. */
    if (strcmp(r->tool, "mlflow") == 0)
        import_clean_name(key, 9, r->key);
    else
        snprintf(key, sizeof(key), "%s", r->tool);
    snprintf(out, size, "%.90s-%.11s", base, key);
    for (n = 2; find_name(im, out); n++)
        snprintf(out, size, "%.90s-%.11s-%d", base, key, n);
}

static char *exp_data(const struct import_run *r)
{
    json_t *d = json_object(), *p = json_object(), *t = json_array();
    char *text;
    size_t i;

    for (i = 0; i < r->nparams; i++)
        json_object_set_new(p, r->params[i].key,
                            json_string(r->params[i].value));
    for (i = 0; i < r->ntags; i++)
        json_array_append_new(t, json_string(r->tags[i]));
    json_object_set_new(d, "params", p);
    json_object_set_new(d, "tags", t);
    json_object_set_new(d, "mode", json_string("explore"));
    json_object_set_new(d, "import",
                        json_pack("{s:s,s:s,s:s}", "tool", r->tool, "key",
                                  r->key, "source",
                                  r->source ? r->source : ""));
    text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(d);
    return text;
}

static char *running_data(const struct import_run *r)
{
    json_t *d = json_object();
    char *text;

    if (r->command)
        json_object_set_new(d, "command", json_string(r->command));
    if (r->git_commit)
        json_object_set_new(d, "git", json_pack("{s:s}", "commit",
                                                r->git_commit));
    json_object_set_new(d, "imported_from", json_string(r->tool));
    text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(d);
    return text;
}

struct last_status {
    char status[32];
};

static int last_status_fn(void *ctx, const struct entry *e)
{
    snprintf(((struct last_status *)ctx)->status, 32, "%s", e->title);
    return 0;
}

static int append_status(struct importer *im, const struct import_run *r,
                         const char *status, const char *body,
                         const char *data, int64_t ts)
{
    struct entry e;

    memset(&e, 0, sizeof(e));
    e.kind = ENTRY_STATUS;
    e.ts = ts ? ts : time_now_ms();
    e.author = r->author && *r->author ? r->author : im->author;
    e.exp = im->exp;
    e.title = status;
    e.body = body;
    e.data = data;
    return store_append(im->s, &e);
}

/* Creates the experiment and its statuses, or adds the statuses an
 * earlier import did not see. One transaction. */
static int write_run(struct importer *im, const struct import_run *r,
                     const struct known *k, const char *keyed)
{
    struct last_status last = { "" };
    struct entry_filter f = ENTRY_FILTER_ALL;
    char *data = NULL, *run = NULL;
    struct entry e;
    int rc = store_begin_write(im->s);

    if (rc)
        return rc;
    if (!k) {
        data = exp_data(r);
        memset(&e, 0, sizeof(e));
        e.kind = ENTRY_EXP;
        e.ts = r->start_ms ? r->start_ms : time_now_ms();
        e.author = r->author && *r->author ? r->author : im->author;
        e.title = im->exp_name;
        e.body = r->hypothesis;
        e.data = data;
        rc = store_append(im->s, &e);
        im->exp = e.id;
        if (rc == 0)
            remember(im, im->exp_name, keyed, e.id);
    } else {
        im->exp = k->id;
        f.exp = k->id;
        f.kind = ENTRY_STATUS;
        rc = store_entries(im->s, &f, last_status_fn, &last);
    }
    if (rc == 0 && r->status && strcmp(last.status, r->status) != 0) {
        if (!*last.status && r->start_ms) {
            run = running_data(r);
            rc = append_status(im, r, EXP_RUNNING, NULL, run, r->start_ms);
        }
        if (rc == 0 && strcmp(r->status, EXP_RUNNING) != 0)
            rc = append_status(im, r, r->status, r->message, NULL,
                               r->end_ms ? r->end_ms : r->start_ms);
    }
    if (rc == 0)
        rc = store_commit(im->s);
    else
        store_rollback(im->s);
    free(data);
    free(run);
    return rc;
}

int importer_begin_run(struct importer *im, const struct import_run *r)
{
    struct ingest_opts io = { 0 };
    struct buf keyed = BUF_INIT;
    const struct known *k;
    int rc = 0;

    im->st.runs++;
    buf_printf(&keyed, "%s\n%s", r->tool, r->key);
    k = find_key(im, keyed.ptr);
    if (k) {
        snprintf(im->exp_name, sizeof(im->exp_name), "%s", k->name);
    } else {
        choose_name(im, r, im->exp_name, sizeof(im->exp_name));
        im->st.created++;
    }
    if (im->dry) {
        if (!k)
            remember(im, im->exp_name, keyed.ptr, 0);
        buf_release(&keyed);
        return 0;
    }
    rc = write_run(im, r, k, keyed.ptr);
    buf_release(&keyed);
    if (rc)
        return rc;
    io.name = im->name;
    io.exp = im->exp;
    io.author = r->author && *r->author ? r->author : im->author;
    im->ingest = ingest_new(im->s, &io);
    return 0;
}

int importer_point(struct importer *im, const char *metric, int64_t step,
                   double value, int64_t ts)
{
    if (im->dry) {
        im->st.points++;
        return 0;
    }
    return ingest_point(im->ingest, im->exp, metric, step, value, ts);
}

int importer_end_run(struct importer *im)
{
    const struct ingest_stats *st;
    int rc;

    if (im->dry || !im->ingest)
        return 0;
    rc = ingest_flush(im->ingest);
    st = ingest_stats(im->ingest);
    im->st.points += st->points;
    im->st.duplicates += st->duplicates;
    im->st.conflicts += st->conflicts;
    if (st->conflicts && !im->conflict.len)
        buf_printf(&im->conflict, "%s: %s", im->exp_name,
                   ingest_first_conflict(im->ingest));
    ingest_free(im->ingest);
    im->ingest = NULL;
    return rc;
}

int importer_dry(const struct importer *im)
{
    return im->dry;
}

void importer_skip(struct importer *im)
{
    im->st.skipped++;
}

const char *importer_exp_name(const struct importer *im)
{
    return im->exp_name;
}

const struct import_stats *importer_stats(const struct importer *im)
{
    return &im->st;
}

const char *importer_first_conflict(const struct importer *im)
{
    return im->conflict.ptr;
}
