/* SPDX-License-Identifier: MIT */
/*
 * Metric points, the batches that write them, and attempts.
 *
 * A point belongs to a series, one per (experiment, metric, attempt), and
 * is keyed by (series, step, batch): the database never refuses a second
 * value for a step, because two origins may each hold one and a resumed
 * attempt adds a newer one. The writer checks instead, within the attempt
 * (store.h): same value -> duplicate, skipped; another value -> conflict,
 * refused, unless the attempt was resumed. The check is cheap where it
 * matters: the cache knows each series' largest step, and a step past it
 * (every point of a normal run or ingest) is new without a probe.
 *
 * The points of one batch are covered by one "metrics" entry whose data
 * holds their count and a digest (canon.c). Its id, hlc and uid are
 * reserved when the batch begins, because every point row names its batch
 * and an implicit attempt is anchored at it; the write transaction keeps
 * anyone else from taking them meanwhile.
 *
 * Series and attempts are cached per process: an ingest of a million
 * points looks each (experiment, metric) up once, not a million times.
 */
#include "store/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

/* ---- attempts -------------------------------------------------------- */

struct attempt_item {
    int64_t exp;           /* experiment entry id */
    char exp_uid[27];      /* its uid */
    char uid[27];          /* the attempt its points join */
    int resume;            /* a re-logged step appends */
    int explicit_use;      /* set by store_attempt_use */
};

struct attempt_cache {
    struct attempt_item *items;
    size_t len, cap;
};

void attempt_cache_free(struct attempt_cache *c)
{
    if (!c)
        return;
    free(c->items);
    free(c);
}

static struct attempt_item *attempt_cached(struct store *s, int64_t exp)
{
    size_t i;

    if (!s->attempts)
        return NULL;
    for (i = 0; i < s->attempts->len; i++)
        if (s->attempts->items[i].exp == exp)
            return &s->attempts->items[i];
    return NULL;
}

static struct attempt_item *attempt_add(struct store *s, int64_t exp)
{
    struct attempt_item *it = attempt_cached(s, exp);

    if (it)
        return it;
    if (!s->attempts)
        s->attempts = xcalloc(1, sizeof(*s->attempts));
    XGROW(s->attempts->items, s->attempts->len + 1, s->attempts->cap);
    it = &s->attempts->items[s->attempts->len++];
    memset(it, 0, sizeof(*it));
    it->exp = exp;
    return it;
}

/* Whether a running status entry of exp_uid resumed attempt uid. */
static int attempt_resumed(struct store *s, const char *exp_uid,
                           const char *uid, int *out)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT EXISTS (SELECT 1 FROM entry WHERE "
                              "exp_uid = ?2 AND kind = 'status' AND title = "
                              "'running' AND json_extract(data, '$.resume') "
                              "= ?1)", &st);

    *out = 0;
    if (rc)
        return rc;
    store_bind_text(st, 1, uid);
    store_bind_text(st, 2, exp_uid);
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    else
        rc = store_db_error(s, "cannot read");
    sqlite3_finalize(st);
    return rc;
}

static int exp_uid_of(struct store *s, int64_t exp, char out[27])
{
    int rc = store_uid_of(s, exp, out);

    if (rc == 0 && !out[0])
        rc = ll_error(LL_ENOTFOUND, "no experiment entry %lld in this log",
                      (long long)exp);
    return rc;
}

int store_attempt_latest(struct store *s, int64_t exp, char uid_out[27])
{
    char exp_uid[27];
    sqlite3_stmt *st;
    int rc = exp_uid_of(s, exp, exp_uid);

    uid_out[0] = '\0';
    if (rc)
        return rc;
    st = store_stmt(s, STMT_ATTEMPT_LATEST);
    if (!st)
        return LL_EDB;
    store_bind_text(st, 1, exp_uid);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(uid_out, 27, "%s", store_column_text(st, 0));
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? 0
               : store_db_error(s, "cannot read");
}

int store_attempt_use(struct store *s, int64_t exp, const char *uid)
{
    struct attempt_item *it;
    sqlite3_stmt *st = NULL;
    char exp_uid[27];
    int found = 0, resume = 0;
    int rc = s->batch_open ? ll_error(LL_ERR, "internal: attempt chosen "
                                      "inside a batch")
                           : exp_uid_of(s, exp, exp_uid);

    if (rc == 0)
        rc = store_prepare(s, "SELECT EXISTS (SELECT 1 FROM entry WHERE "
                              "uid = ?1 AND exp_uid = ?2 AND kind = 'status' "
                              "AND title = 'running') OR EXISTS (SELECT 1 "
                              "FROM series WHERE attempt = ?1 AND exp_uid = "
                              "?2)", &st);
    if (rc)
        return rc;
    store_bind_text(st, 1, uid);
    store_bind_text(st, 2, exp_uid);
    if (sqlite3_step(st) == SQLITE_ROW)
        found = sqlite3_column_int(st, 0);
    else
        rc = store_db_error(s, "cannot read");
    sqlite3_finalize(st);
    if (rc == 0 && !found)
        rc = ll_error(LL_ENOTFOUND, "'%s' is not an attempt of this "
                      "experiment", uid);
    if (rc == 0)
        rc = attempt_resumed(s, exp_uid, uid, &resume);
    if (rc)
        return rc;
    /* Points already cached for another attempt of exp must not mix. */
    series_cache_free(s->series);
    s->series = NULL;
    it = attempt_add(s, exp);
    memcpy(it->exp_uid, exp_uid, sizeof(it->exp_uid));
    snprintf(it->uid, sizeof(it->uid), "%s", uid);
    it->resume = resume;
    it->explicit_use = 1;
    return 0;
}

/*
 * The attempt the points of exp join in this process: the one chosen with
 * store_attempt_use, else the experiment's latest, else (none yet) a new
 * implicit attempt anchored at the open batch.
 */
static int attempt_for(struct store *s, int64_t exp,
                       struct attempt_item **out)
{
    struct attempt_item *it = attempt_cached(s, exp);
    char exp_uid[27], uid[27];
    int rc;

    if (it) {
        *out = it;
        return 0;
    }
    rc = exp_uid_of(s, exp, exp_uid);
    if (rc == 0)
        rc = store_attempt_latest(s, exp, uid);
    if (rc)
        return rc;
    if (!uid[0]) {
        if (!s->reserved_id)
            return ll_error(LL_ERR, "internal: a new attempt outside a "
                            "batch");
        memcpy(uid, s->reserved_uid, sizeof(uid));
    }
    it = attempt_add(s, exp);
    memcpy(it->exp_uid, exp_uid, sizeof(it->exp_uid));
    memcpy(it->uid, uid, sizeof(it->uid));
    rc = attempt_resumed(s, exp_uid, uid, &it->resume);
    *out = it;
    return rc;
}

/* ---- series cache ---------------------------------------------------- */

struct series_item {
    int64_t id;        /* series.id */
    int64_t exp;       /* experiment entry id */
    char *name;        /* metric name, owned */
    char exp_uid[27];  /* copies, for the digest */
    char attempt_uid[27];
    int resume;
    int64_t max_step;  /* largest step held, -1 for none ... */
    unsigned max_gen;  /* ... as of this batch generation */
    /* Points this series got in the open batch, for its digest. Kept per
     * series, so the digest's (series, step) order needs no sort when
     * steps come in order, as they nearly always do. */
    struct batch_row *rows;
    size_t nrows, cap_rows;
    int unsorted;      /* a step came after a larger one */
};

struct batch_row {
    int64_t step;
    double value;
    int64_t ts;
};

struct series_cache {
    struct series_item *items; /* in insertion order */
    size_t len, cap;
    size_t *slots;             /* open addressing: index + 1, 0 = empty */
    size_t nslots;             /* a power of two */
    unsigned gen;              /* batch generation: bumped per batch */
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
    for (i = 0; i < c->len; i++) {
        free(c->items[i].name);
        free(c->items[i].rows);
    }
    free(c->items);
    free(c->slots);
    free(c);
}

void metric_forget_uncommitted(struct store *s)
{
    struct attempt_cache *c = s->attempts;
    size_t i, keep = 0;

    series_cache_free(s->series);
    s->series = NULL;
    for (i = 0; c && i < c->len; i++)
        if (c->items[i].explicit_use)
            c->items[keep++] = c->items[i];
    if (c)
        c->len = keep;
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
                        const char *name, const struct attempt_item *a)
{
    struct series_item *it;

    if ((c->len + 1) * 2 > c->nslots)
        cache_rehash(c);
    XGROW(c->items, c->len + 1, c->cap);
    it = &c->items[c->len];
    memset(it, 0, sizeof(*it));
    it->id = id;
    it->exp = exp;
    it->name = xstrdup(name);
    memcpy(it->exp_uid, a->exp_uid, sizeof(it->exp_uid));
    memcpy(it->attempt_uid, a->uid, sizeof(it->attempt_uid));
    it->resume = a->resume;
    it->max_step = -1;
    it->max_gen = c->gen - 1; /* stale: read on first use */
    *cache_slot(c, exp, name) = ++c->len;
    return c->len - 1;
}

static struct series_cache *series_cache(struct store *s)
{
    if (!s->series) {
        s->series = xcalloc(1, sizeof(*s->series));
        s->series->gen = 1;
        cache_rehash(s->series);
    }
    return s->series;
}

/*
 * Finds (or, when create is set, creates) the series of exp/name in the
 * attempt the process writes; *index_out is its index in the cache.
 * Returns LL_ENOTFOUND when absent and !create.
 */
static int series_get(struct store *s, int64_t exp, const char *name,
                      int create, size_t *index_out)
{
    struct series_cache *c = series_cache(s);
    struct attempt_item *a = NULL;
    sqlite3_stmt *st;
    size_t *slot = cache_slot(c, exp, name);
    int64_t id;
    int rc;

    if (*slot) {
        *index_out = *slot - 1;
        return 0;
    }
    rc = attempt_for(s, exp, &a);
    if (rc)
        return rc;
    st = store_stmt(s, STMT_SERIES_FIND);
    if (!st)
        return LL_EDB;
    store_bind_text(st, 1, a->exp_uid);
    store_bind_text(st, 2, name);
    store_bind_text(st, 3, a->uid);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
    } else if (rc != SQLITE_DONE) {
        return store_db_error(s, "cannot read");
    } else if (!create) {
        sqlite3_reset(st);
        return LL_ENOTFOUND;
    } else {
        sqlite3_reset(st);
        st = store_stmt(s, STMT_SERIES_INSERT);
        if (!st)
            return LL_EDB;
        store_bind_text(st, 1, a->exp_uid);
        store_bind_text(st, 2, name);
        store_bind_text(st, 3, a->uid);
        if (sqlite3_step(st) != SQLITE_DONE)
            return store_db_error(s, "cannot write to");
        id = sqlite3_last_insert_rowid(s->db);
    }
    sqlite3_reset(st);
    *index_out = cache_add(c, id, exp, name, a);
    return 0;
}

/* The series' largest step, read once per batch: another process may have
 * added points between this process's transactions. */
static int series_max_step(struct store *s, struct series_item *it)
{
    sqlite3_stmt *st;

    if (it->max_gen == s->series->gen)
        return 0;
    st = store_stmt(s, STMT_POINT_MAX_STEP);
    if (!st)
        return LL_EDB;
    sqlite3_bind_int64(st, 1, it->id);
    if (sqlite3_step(st) != SQLITE_ROW)
        return store_db_error(s, "cannot read");
    it->max_step = sqlite3_column_type(st, 0) == SQLITE_NULL
                       ? -1
                       : sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    it->max_gen = s->series->gen;
    return 0;
}

int store_metric_next_step(struct store *s, int64_t exp, const char *metric,
                           int64_t *step_out)
{
    struct series_item *it;
    size_t index;
    int rc;

    *step_out = 0;
    /* Asked outside a batch (ingest parses before it takes the lock) of
     * an experiment with no attempt yet: nothing is logged, step 0. */
    if (!s->reserved_id && !attempt_cached(s, exp)) {
        char uid[27];

        rc = store_attempt_latest(s, exp, uid);
        if (rc || !uid[0])
            return rc;
    }
    rc = series_get(s, exp, metric, 0, &index);
    if (rc == LL_ENOTFOUND)
        return 0;
    if (rc)
        return rc;
    it = &s->series->items[index];
    rc = series_max_step(s, it);
    if (rc == 0)
        *step_out = it->max_step + 1;
    return rc;
}

/* ---- batches --------------------------------------------------------- */

struct store_batch {
    struct store *s;
    int64_t entry_id;       /* reserved id of the covering metrics entry */
    size_t *touched;        /* series (cache indexes) with rows in it */
    size_t ntouched, cap_touched;
    size_t len;             /* points written */
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
    int rc;

    *out = NULL;
    if (s->depth == 0 || s->batch_open)
        return ll_error(LL_ERR, "internal: batch outside a transaction");
    if (s->series)
        for (size_t i = 0; i < s->series->len; i++)
            s->series->items[i].nrows = 0;
    rc = store_reserve_entry(s, NULL);
    if (rc)
        return rc;
    series_cache(s)->gen++;
    b = xcalloc(1, sizeof(*b));
    b->s = s;
    b->entry_id = s->reserved_id;
    s->batch_open = 1;
    *out = b;
    return 0;
}

static int same_value(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

/* What the attempt holds at step: *found, its newest value, and whether
 * that value is in this batch. */
static int probe(struct store_batch *b, const struct series_item *it,
                 int64_t step, int *found, double *old, int *this_batch)
{
    sqlite3_stmt *st = store_stmt(b->s, STMT_POINT_PROBE1);
    int rc, rows = 0;

    /* Nearly always one value or none: no join and sort for those (a
     * re-ingest probes every point). */
    if (!st)
        return LL_EDB;
    sqlite3_bind_int64(st, 1, it->id);
    sqlite3_bind_int64(st, 2, step);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && rows < 2) {
        *old = sqlite3_column_type(st, 0) == SQLITE_NULL
                   ? NAN
                   : sqlite3_column_double(st, 0);
        rows++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return store_db_error(b->s, "cannot read");
    *found = rows > 0;
    *this_batch = 0; /* the open batch's points are not written yet */
    if (rows < 2)
        return 0;
    st = store_stmt(b->s, STMT_POINT_PROBE);
    if (!st)
        return LL_EDB;
    sqlite3_bind_int64(st, 1, it->id);
    sqlite3_bind_int64(st, 2, step);
    sqlite3_bind_int64(st, 3, b->entry_id);
    rc = sqlite3_step(st);
    *found = rc == SQLITE_ROW;
    if (*found) {
        *old = sqlite3_column_type(st, 0) == SQLITE_NULL
                   ? NAN
                   : sqlite3_column_double(st, 0);
        *this_batch = sqlite3_column_int(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? 0
               : store_db_error(b->s, "cannot read");
}

/* The row of series it at step among the points waiting in the open
 * batch, or NULL. Rows are in step order unless a step came after a
 * larger one (then searched in full: out-of-order steps are rare). */
static const struct batch_row *pending_row(const struct series_item *it,
                                           int64_t step)
{
    size_t lo = 0, hi = it->nrows, i;

    if (it->unsorted) {
        for (i = it->nrows; i-- > 0;)
            if (it->rows[i].step == step)
                return &it->rows[i];
        return NULL;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (it->rows[mid].step < step)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < it->nrows && it->rows[lo].step == step ? &it->rows[lo]
                                                        : NULL;
}

/*
 * Points wait in their series' rows until store_batch_finish() writes
 * them, series by series in step order: the inserts then walk each
 * series' part of the point key in order (appends at the right edge of
 * their leaves), not to and fro between series as the input interleaves
 * them. A step already held is checked among the waiting rows first (the
 * newest value), then in the log.
 */
int store_batch_add(struct store_batch *b, int64_t exp, const char *metric,
                    int64_t step, double value, int64_t ts,
                    enum batch_outcome *outcome)
{
    struct store *s = b->s;
    struct series_item *it;
    struct batch_row *row;
    size_t index;
    int rc = series_get(s, exp, metric, 1, &index);

    if (rc)
        return rc;
    it = &s->series->items[index];
    rc = series_max_step(s, it);
    if (rc)
        return rc;
    if (step <= it->max_step) {
        const struct batch_row *mine = pending_row(it, step);
        int found = 0, this_batch = 0;
        double old = 0;

        if (mine) {
            found = this_batch = 1;
            old = mine->value;
        } else {
            rc = probe(b, it, step, &found, &old, &this_batch);
            if (rc)
                return rc;
        }
        if (found && same_value(old, value)) {
            *outcome = BATCH_DUPLICATE;
            return 0;
        }
        if (found && !it->resume) {
            *outcome = BATCH_CONFLICT;
            return 0;
        }
        if (found && this_batch) {
            *outcome = BATCH_AGAIN;
            return 0;
        }
    }
    if (it->nrows == 0) {
        XGROW(b->touched, b->ntouched + 1, b->cap_touched);
        b->touched[b->ntouched++] = index;
        it->unsorted = 0;
    } else if (step < it->rows[it->nrows - 1].step) {
        it->unsorted = 1;
    }
    if (step > it->max_step)
        it->max_step = step;
    XGROW(it->rows, it->nrows + 1, it->cap_rows);
    row = &it->rows[it->nrows++];
    row->step = step;
    row->value = value;
    row->ts = ts;
    b->len++;
    if (b->nexps == 0 || b->exps[b->nexps - 1] != exp)
        note_exp(b, exp);
    *outcome = BATCH_WRITTEN;
    return 0;
}

/* Points per INSERT statement of batch_write(): one statement run keeps
 * its cursor on the leaf it appends to (no descent from the root per
 * point) and pays the statement's overhead once for all of them. */
#define POINT_ROWS 64

/* "INSERT ... VALUES (?1, ?3, ?2, ?4, ?5), (?1, ?6, ?2, ?7, ?8), ...":
 * series ?1 and batch ?2, then step, value and ts of each row. */
static int insert_rows_stmt(struct store *s, sqlite3_stmt **out)
{
    struct buf sql = BUF_INIT;
    int i, rc = 0;

    if (!s->insert_rows) {
        buf_puts(&sql, "INSERT INTO point(series, step, batch, value, ts) "
                       "VALUES ");
        for (i = 0; i < POINT_ROWS; i++)
            buf_printf(&sql, "%s(?1, ?%d, ?2, ?%d, ?%d)", i ? ", " : "",
                       3 + 3 * i, 4 + 3 * i, 5 + 3 * i);
        rc = store_prepare(s, sql.ptr, &s->insert_rows);
        buf_release(&sql);
    }
    *out = s->insert_rows;
    return rc;
}

static void bind_value(sqlite3_stmt *st, int col, double value)
{
    if (isnan(value))
        sqlite3_bind_null(st, col);
    else
        sqlite3_bind_double(st, col, value);
}

static int step_insert(struct store *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st) == SQLITE_DONE
                 ? 0
                 : store_db_error(s, "cannot write to");

    sqlite3_reset(st);
    return rc;
}

/* Writes the waiting rows (sorted by batch_digest()), series by series,
 * POINT_ROWS at a time. */
static int batch_write(struct store_batch *b)
{
    struct store *s = b->s;
    struct series_cache *c = s->series;
    sqlite3_stmt *many = NULL, *one;
    size_t i, j, k;
    int rc = 0;

    for (i = 0; rc == 0 && i < b->ntouched; i++) {
        const struct series_item *it = &c->items[b->touched[i]];

        /* Prepared when first needed: a `lablog metric` call has no
         * series of POINT_ROWS points. */
        if (it->nrows >= POINT_ROWS && !many)
            rc = insert_rows_stmt(s, &many);
        if (many) {
            sqlite3_bind_int64(many, 1, it->id);
            sqlite3_bind_int64(many, 2, b->entry_id);
        }
        for (j = 0; rc == 0 && j + POINT_ROWS <= it->nrows; j += POINT_ROWS) {
            for (k = 0; k < POINT_ROWS; k++) {
                const struct batch_row *r = &it->rows[j + k];
                int col = 3 + 3 * (int)k;

                sqlite3_bind_int64(many, col, r->step);
                bind_value(many, col + 1, r->value);
                sqlite3_bind_int64(many, col + 2, r->ts);
            }
            rc = step_insert(s, many);
        }
        one = rc ? NULL : store_stmt(s, STMT_POINT_INSERT);
        if (rc == 0 && !one)
            rc = LL_EDB;
        for (; rc == 0 && j < it->nrows; j++) {
            const struct batch_row *r = &it->rows[j];

            sqlite3_bind_int64(one, 1, it->id);
            sqlite3_bind_int64(one, 2, r->step);
            sqlite3_bind_int64(one, 3, b->entry_id);
            bind_value(one, 4, r->value);
            sqlite3_bind_int64(one, 5, r->ts);
            rc = step_insert(s, one);
        }
    }
    return rc;
}

size_t store_batch_count(const struct store_batch *b)
{
    return b->len;
}

/* Series order in a format-2 digest: (exp_uid, metric, attempt) bytes. */
static const struct series_item *sort_items;

static int series_cmp(const void *pa, const void *pb)
{
    const struct series_item *a = &sort_items[*(const size_t *)pa];
    const struct series_item *b = &sort_items[*(const size_t *)pb];
    int c = strcmp(a->exp_uid, b->exp_uid);

    if (c == 0)
        c = strcmp(a->name, b->name);
    if (c == 0)
        c = strcmp(a->attempt_uid, b->attempt_uid);
    return c;
}

static int row_cmp(const void *pa, const void *pb)
{
    const struct batch_row *a = pa, *b = pb;

    return a->step < b->step ? -1 : a->step > b->step;
}

/* The digest verify recomputes (canon.c): points in (exp_uid, metric,
 * attempt, step) order: the series touched, sorted, each one's rows in
 * step order. */
static void batch_digest(struct store_batch *b, char hex[SHA256_HEX_LEN + 1])
{
    struct series_cache *c = b->s->series;
    unsigned char d[SHA256_LEN];
    struct sha256 h;
    size_t i, j;

    sort_items = c->items;
    qsort(b->touched, b->ntouched, sizeof(*b->touched), series_cmp);
    sha256_init(&h);
    for (i = 0; i < b->ntouched; i++) {
        struct series_item *it = &c->items[b->touched[i]];

        if (it->unsorted)
            qsort(it->rows, it->nrows, sizeof(*it->rows), row_cmp);
        for (j = 0; j < it->nrows; j++)
            canon_point(&h, it->exp_uid, it->name, it->attempt_uid,
                        it->rows[j].step, it->rows[j].value, it->rows[j].ts);
    }
    sha256_final(&h, d);
    sha256_hex(hex, d);
}

int store_batch_finish(struct store_batch *b, struct entry *e)
{
    char hex[SHA256_HEX_LEN + 1], uid[27];
    struct buf data = BUF_INIT;
    size_t i;
    int rc = 0;

    e->id = 0;
    if (b->len == 0)
        goto cleanup;
    batch_digest(b, hex);
    rc = batch_write(b);
    if (rc)
        goto cleanup;
    /* Keys in sorted order, like every other entry's data. */
    buf_printf(&data, "{\"digest\":\"%s\"", hex);
    if (b->nexps > 1) {
        buf_puts(&data, ",\"exps\":[");
        for (i = 0; rc == 0 && i < b->nexps; i++) {
            rc = store_uid_of(b->s, b->exps[i], uid);
            buf_printf(&data, "%s\"%s\"", i ? "," : "", uid);
        }
        buf_putc(&data, ']');
    }
    buf_printf(&data, ",\"points\":%zu}", b->len);
    if (rc)
        goto cleanup;
    e->kind = ENTRY_METRICS;
    e->exp = b->nexps == 1 ? b->exps[0] : 0;
    e->exp_uid = NULL;
    e->ref_uid = NULL;
    e->kind_name = NULL;
    e->data = data.ptr;
    b->s->batch_open = 0;
    rc = store_append(b->s, e);
    e->data = NULL;
    if (rc == 0 && e->id != b->entry_id)
        rc = ll_error(LL_ERR, "internal: metrics entry took id %lld, not "
                      "the reserved %lld", (long long)e->id,
                      (long long)b->entry_id);
    /* batch_digest() sorted each series' rows by step. */
    for (i = 0; rc == 0 && i < b->ntouched; i++) {
        struct series_item *it = &b->s->series->items[b->touched[i]];

        if (it->nrows)
            rc = store_span_add(b->s, e->id, it->id, it->rows[0].step,
                                it->rows[it->nrows - 1].step);
    }
cleanup:
    buf_release(&data);
    store_batch_free(b);
    return rc;
}

void store_batch_free(struct store_batch *b)
{
    size_t i;

    if (!b)
        return;
    b->s->batch_open = 0;
    b->s->reserved_id = 0;
    for (i = 0; b->s->series && i < b->ntouched; i++)
        b->s->series->items[b->touched[i]].nrows = 0;
    free(b->touched);
    free(b->exps);
    free(b);
}

/* ---- listing attempts ------------------------------------------------ */

/* The attempts of exp; with_points counts each one's points (a scan of
 * every point of the experiment: `exp show` wants it, a reader choosing
 * which series to stream does not). */
static int attempts(struct store *s, int64_t exp, int with_points,
                    store_attempt_fn *fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    char exp_uid[27];
    int number = 0;
    int rc = exp_uid_of(s, exp, exp_uid);

    if (rc == 0)
        rc = store_prepare(s,
            "SELECT a.uid, x.id, x.kind = 'status',"
            " EXISTS (SELECT 1 FROM entry r WHERE r.exp_uid = ?1"
            "  AND r.kind = 'status' AND r.title = 'running'"
            "  AND json_extract(r.data, '$.resume') = a.uid),"
            " CASE WHEN ?2 THEN (SELECT count(*) FROM series z JOIN point p"
            "  ON p.series = z.id WHERE z.exp_uid = ?1 AND z.attempt = a.uid)"
            "  ELSE 0 END, x.ts"
            " FROM (SELECT uid FROM entry WHERE exp_uid = ?1"
            "  AND kind = 'status' AND title = 'running'"
            "  AND json_extract(data, '$.resume') IS NULL"
            "  UNION SELECT attempt FROM series WHERE exp_uid = ?1) a"
            " LEFT JOIN entry x ON x.uid = a.uid"
            " ORDER BY x.hlc IS NOT NULL, x.hlc, x.origin, x.seq, a.uid", &st);
    if (rc)
        return rc;
    store_bind_text(st, 1, exp_uid);
    sqlite3_bind_int(st, 2, with_points);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_attempt a;

        a.uid = store_column_text(st, 0);
        a.number = ++number;
        a.anchor = sqlite3_column_int64(st, 1);
        a.run = sqlite3_column_int(st, 2);
        a.resumed = sqlite3_column_int(st, 3);
        a.points = sqlite3_column_int64(st, 4);
        a.ts = sqlite3_column_int64(st, 5);
        rc = fn(ctx, &a);
        if (rc)
            goto cleanup;
    }
    rc = rc == SQLITE_DONE ? 0 : store_db_error(s, "cannot read");
cleanup:
    sqlite3_finalize(st);
    return rc;
}

int store_attempts(struct store *s, int64_t exp, store_attempt_fn *fn,
                   void *ctx)
{
    return attempts(s, exp, 1, fn, ctx);
}

int store_attempt_uids(struct store *s, int64_t exp, store_attempt_fn *fn,
                       void *ctx)
{
    return attempts(s, exp, 0, fn, ctx);
}
