/* SPDX-License-Identifier: MIT */
/*
 * Metric points and the batches that write them.
 *
 * A point is identified by (experiment, metric, step). Writing the same point
 * again is a no-op (the point_keep trigger ignores it), which makes
 * re-running an interrupted ingest safe; a different value for an existing
 * key is a conflict that is counted, never written.
 *
 * The points of one batch are covered by one "metrics" entry whose data holds
 * their count and a digest (canon.c). The entry's id is reserved when the
 * batch begins, because every point row names its batch; the write
 * transaction keeps anyone else from taking that id meanwhile.
 *
 * Series ids are cached per process: an ingest of a million points looks
 * each (experiment, metric) up once, not a million times.
 */
#include "store/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

/* ---- series cache ---------------------------------------------------- */

struct series_item {
    int64_t id;  /* series.id */
    int64_t exp; /* experiment entry id */
    char *name;  /* metric name, owned */
};

struct series_cache {
    struct series_item *items; /* in insertion order */
    size_t len, cap;
    size_t *slots;             /* open addressing: index + 1, 0 = empty */
    size_t nslots;             /* a power of two */
};

static uint64_t series_key_hash(int64_t exp, const char *name)
{
    uint64_t h = 1469598103934665603u ^ (uint64_t)exp;

    while (*name) {
        h ^= (unsigned char)*name++;
        h *= 1099511628211u;
    }
    return h;
}

void series_cache_free(struct series_cache *c)
{
    size_t i;

    if (!c)
        return;
    for (i = 0; i < c->len; i++)
        free(c->items[i].name);
    free(c->items);
    free(c->slots);
    free(c);
}

static size_t *cache_slot(struct series_cache *c, int64_t exp, const char *name)
{
    size_t mask = c->nslots - 1;
    size_t i = series_key_hash(exp, name) & mask;

    for (;; i = (i + 1) & mask) {
        struct series_item *it;

        if (!c->slots[i])
            return &c->slots[i];
        it = &c->items[c->slots[i] - 1];
        if (it->exp == exp && strcmp(it->name, name) == 0)
            return &c->slots[i];
    }
}

static void cache_rehash(struct series_cache *c)
{
    size_t i;

    free(c->slots);
    c->nslots = c->nslots ? c->nslots * 2 : 64;
    c->slots = xcalloc(c->nslots, sizeof(*c->slots));
    for (i = 0; i < c->len; i++)
        *cache_slot(c, c->items[i].exp, c->items[i].name) = i + 1;
}

static size_t cache_add(struct series_cache *c, int64_t id, int64_t exp,
                        const char *name)
{
    struct series_item *it;

    if ((c->len + 1) * 2 > c->nslots)
        cache_rehash(c);
    XGROW(c->items, c->len + 1, c->cap);
    it = &c->items[c->len];
    it->id = id;
    it->exp = exp;
    it->name = xstrdup(name);
    *cache_slot(c, exp, name) = ++c->len;
    return c->len - 1;
}

/*
 * Finds (or, when create is set, creates) the series of exp/name; *index_out
 * is its index in the cache. Returns LL_ENOTFOUND when absent and !create.
 */
static int series_get(struct store *s, int64_t exp, const char *name,
                      int create, size_t *index_out)
{
    sqlite3_stmt *st;
    size_t *slot;
    int64_t id;
    int rc;

    if (!s->series) {
        s->series = xcalloc(1, sizeof(*s->series));
        cache_rehash(s->series);
    }
    slot = cache_slot(s->series, exp, name);
    if (*slot) {
        *index_out = *slot - 1;
        return 0;
    }
    st = store_stmt(s, STMT_SERIES_FIND);
    if (!st)
        return LL_EDB;
    sqlite3_bind_int64(st, 1, exp);
    store_bind_text(st, 2, name);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
    } else if (rc != SQLITE_DONE) {
        return store_db_error(s, "cannot read");
    } else if (!create) {
        return LL_ENOTFOUND;
    } else {
        st = store_stmt(s, STMT_SERIES_INSERT);
        if (!st)
            return LL_EDB;
        sqlite3_bind_int64(st, 1, exp);
        store_bind_text(st, 2, name);
        if (sqlite3_step(st) != SQLITE_DONE)
            return store_db_error(s, "cannot write to");
        id = sqlite3_last_insert_rowid(s->db);
    }
    sqlite3_reset(st);
    *index_out = cache_add(s->series, id, exp, name);
    return 0;
}

int store_metric_next_step(struct store *s, int64_t exp, const char *metric,
                           int64_t *step_out)
{
    sqlite3_stmt *st;
    size_t index;
    int rc = series_get(s, exp, metric, 0, &index);

    *step_out = 0;
    if (rc == LL_ENOTFOUND)
        return 0;
    if (rc)
        return rc;
    st = store_stmt(s, STMT_POINT_MAX_STEP);
    if (!st)
        return LL_EDB;
    sqlite3_bind_int64(st, 1, s->series->items[index].id);
    if (sqlite3_step(st) != SQLITE_ROW)
        return store_db_error(s, "cannot read");
    if (sqlite3_column_type(st, 0) != SQLITE_NULL)
        *step_out = sqlite3_column_int64(st, 0) + 1;
    sqlite3_reset(st);
    return 0;
}

/* ---- batches --------------------------------------------------------- */

struct batch_row {
    int64_t series_id; /* series.id, the digest's sort key */
    size_t series;     /* index into the series cache */
    int64_t step;
    double value;
    int64_t ts;
};

struct store_batch {
    struct store *s;
    int64_t entry_id;       /* reserved id of the covering metrics entry */
    struct batch_row *rows; /* points written, for the digest */
    size_t len, cap;
    int64_t *exps;          /* experiments with points in it, distinct */
    size_t nexps, cap_exps;
};

static void note_exp(struct store_batch *b, int64_t exp)
{
    size_t i;

    for (i = 0; i < b->nexps; i++)
        if (b->exps[i] == exp)
            return;
    XGROW(b->exps, b->nexps + 1, b->cap_exps);
    b->exps[b->nexps++] = exp;
}

int store_batch_begin(struct store *s, struct store_batch **out)
{
    struct store_batch *b;
    sqlite3_stmt *st;
    int rc;

    *out = NULL;
    if (s->depth == 0 || s->batch_open)
        return ll_error(LL_ERR, "internal: batch outside a transaction");
    st = store_stmt(s, STMT_LAST_ENTRY);
    if (!st)
        return LL_EDB;
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_db_error(s, "cannot read");
    b = xcalloc(1, sizeof(*b));
    b->s = s;
    b->entry_id = (rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0) + 1;
    sqlite3_reset(st);
    s->batch_open = 1;
    *out = b;
    return 0;
}

static int same_value(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

int store_batch_add(struct store_batch *b, int64_t exp, const char *metric,
                    int64_t step, double value, int64_t ts,
                    enum batch_outcome *outcome)
{
    struct store *s = b->s;
    struct batch_row *row;
    sqlite3_stmt *st;
    size_t index;
    double old;
    int rc = series_get(s, exp, metric, 1, &index);

    if (rc)
        return rc;
    st = store_stmt(s, STMT_POINT_INSERT);
    if (!st)
        return LL_EDB;
    sqlite3_bind_int64(st, 1, s->series->items[index].id);
    sqlite3_bind_int64(st, 2, step);
    if (isnan(value))
        sqlite3_bind_null(st, 3);
    else
        sqlite3_bind_double(st, 3, value);
    sqlite3_bind_int64(st, 4, ts);
    sqlite3_bind_int64(st, 5, b->entry_id);
    if (sqlite3_step(st) != SQLITE_DONE)
        return store_db_error(s, "cannot write to");
    if (sqlite3_changes(s->db) == 1) {
        XGROW(b->rows, b->len + 1, b->cap);
        row = &b->rows[b->len++];
        row->series_id = s->series->items[index].id;
        row->series = index;
        row->step = step;
        row->value = value;
        row->ts = ts;
        if (b->nexps == 0 || b->exps[b->nexps - 1] != exp)
            note_exp(b, exp);
        *outcome = BATCH_WRITTEN;
        return 0;
    }
    /* The point_keep trigger ignored it: the key exists. */
    st = store_stmt(s, STMT_POINT_GET);
    if (!st)
        return LL_EDB;
    sqlite3_bind_int64(st, 1, s->series->items[index].id);
    sqlite3_bind_int64(st, 2, step);
    if (sqlite3_step(st) != SQLITE_ROW)
        return store_db_error(s, "cannot read");
    old = sqlite3_column_type(st, 0) == SQLITE_NULL ? NAN
                                                     : sqlite3_column_double(st, 0);
    sqlite3_reset(st);
    *outcome = same_value(old, value) ? BATCH_DUPLICATE : BATCH_CONFLICT;
    return 0;
}

size_t store_batch_count(const struct store_batch *b)
{
    return b->len;
}

static int row_cmp(const void *pa, const void *pb)
{
    const struct batch_row *a = pa, *b = pb;

    if (a->series_id != b->series_id)
        return a->series_id < b->series_id ? -1 : 1;
    return a->step < b->step ? -1 : a->step > b->step;
}

/* The digest verify recomputes: points in (series id, step) order. */
static void batch_digest(struct store_batch *b, char hex[SHA256_HEX_LEN + 1])
{
    const struct series_cache *c = b->s->series;
    unsigned char d[SHA256_LEN];
    struct sha256 h;
    size_t i;

    qsort(b->rows, b->len, sizeof(*b->rows), row_cmp);
    sha256_init(&h);
    for (i = 0; i < b->len; i++) {
        const struct batch_row *r = &b->rows[i];
        const struct series_item *it = &c->items[r->series];

        canon_point(&h, it->exp, it->name, r->step, r->value, r->ts);
    }
    sha256_final(&h, d);
    sha256_hex(hex, d);
}

int store_batch_finish(struct store_batch *b, struct entry *e)
{
    char hex[SHA256_HEX_LEN + 1];
    struct buf data = BUF_INIT;
    size_t i;
    int rc = 0;

    e->id = 0;
    if (b->len == 0)
        goto cleanup;
    batch_digest(b, hex);
    /* Keys in sorted order, like every other entry's data. */
    buf_printf(&data, "{\"digest\":\"%s\"", hex);
    if (b->nexps > 1) {
        buf_puts(&data, ",\"exps\":[");
        for (i = 0; i < b->nexps; i++)
            buf_printf(&data, "%s%lld", i ? "," : "", (long long)b->exps[i]);
        buf_putc(&data, ']');
    }
    buf_printf(&data, ",\"points\":%zu}", b->len);
    e->kind = ENTRY_METRICS;
    e->exp = b->nexps == 1 ? b->exps[0] : 0;
    e->data = data.ptr;
    b->s->batch_open = 0;
    rc = store_append(b->s, e);
    e->data = NULL;
    if (rc == 0 && e->id != b->entry_id)
        rc = ll_error(LL_ERR, "internal: metrics entry took id %lld, not "
                      "the reserved %lld", (long long)e->id,
                      (long long)b->entry_id);
cleanup:
    buf_release(&data);
    store_batch_free(b);
    return rc;
}

void store_batch_free(struct store_batch *b)
{
    if (!b)
        return;
    b->s->batch_open = 0;
    free(b->rows);
    free(b->exps);
    free(b);
}
