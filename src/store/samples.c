/* SPDX-License-Identifier: MIT */
/*
 * Samples sets: files of model outputs kept as ordered pieces, indexed by
 * row number, id and score (schema version 2, see schema.c).
 *
 * Why pieces and not a blob plus an index: a samples file is large (100k
 * rows of 2 KB is 200 MB) and read a few rows at a time ("the 10 worst").
 * As pieces, the file is stored once, written as it streams in (memory
 * stays flat: one row at a time), and any row is one indexed read; the
 * whole file comes back byte for byte by reading the pieces in order.
 *
 * The pieces of a set are covered by its samples entry the way a metrics
 * batch covers its points: every piece names the entry, and the entry's
 * data records the count, the file's SHA-256 and a digest over every
 * piece (canon.c) that samples_verify() recomputes. The pieces are
 * staged first, without the write lock (a temporary table), and moved in
 * with the entry in one short write transaction: the entry's id is
 * reserved only then, under the lock.
 */
#include "store/internal.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

struct store_samples {
    struct store *s;
    sqlite3_stmt *insert; /* INSERT INTO temp.sample_stage */
    int staging;          /* the staging transaction (temp only) is open */
    struct sha256 file;   /* SHA-256 of the bytes */
    struct sha256 digest; /* the set's digest */
    struct samples_sums sums;
    int summed;           /* sums is final */
};

/*
 * The staging table: the pieces as they stream in, in this connection's
 * temporary database. Writing it takes no lock on the log (the temp
 * database has its own pager and file), so other writers go on while a
 * large file is read and parsed; and nobody else sees it, so a set that
 * fails half way leaves nothing behind.
 */
static const char stage_sql[] =
    "DROP TABLE IF EXISTS temp.sample_stage;"
    "CREATE TEMP TABLE sample_stage(seq INTEGER PRIMARY KEY, row INTEGER, "
    "sid TEXT, score REAL, bytes BLOB NOT NULL)";

static void stage_drop(struct store *s)
{
    sqlite3_exec(s->db, "DROP TABLE IF EXISTS temp.sample_stage", NULL, NULL,
                 NULL);
}

int store_samples_begin(struct store *s, struct store_samples **out)
{
    struct store_samples *w;
    int rc;

    *out = NULL;
    if (s->depth != 0 || s->batch_open)
        return ll_error(LL_ERR, "internal: samples inside a transaction");
    rc = store_check_writable(s);
    if (rc)
        return rc;
    if (sqlite3_exec(s->db, stage_sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_db_error(s, "cannot stage samples for");
    w = xcalloc(1, sizeof(*w));
    w->s = s;
    /* One transaction for the staging, on the temp database only: a
     * deferred BEGIN locks nothing, and only temp is written. */
    if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_prepare_v3(s->db, "INSERT INTO temp.sample_stage(seq, "
                              "row, sid, score, bytes) VALUES (?1, ?2, ?3, "
                              "?4, ?5)", -1, SQLITE_PREPARE_PERSISTENT,
                              &w->insert, NULL) != SQLITE_OK) {
        rc = store_db_error(s, "cannot stage samples for");
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        stage_drop(s);
        free(w);
        return rc;
    }
    w->staging = 1;
    sha256_init(&w->file);
    canon_samples_start(&w->digest);
    s->batch_open = 1;
    *out = w;
    return 0;
}

int store_samples_add(struct store_samples *w, int64_t row, const char *sid,
                      size_t sid_len, int has_score, double score,
                      const void *bytes, size_t len)
{
    sqlite3_stmt *st = w->insert;
    int rc;

    if (has_score && isnan(score))
        has_score = 0;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, w->sums.pieces);
    if (row > 0)
        sqlite3_bind_int64(st, 2, row);
    else
        sqlite3_bind_null(st, 2);
    if (sid)
        sqlite3_bind_text64(st, 3, sid, sid_len, SQLITE_STATIC, SQLITE_UTF8);
    else
        sqlite3_bind_null(st, 3);
    if (has_score)
        sqlite3_bind_double(st, 4, score);
    else
        sqlite3_bind_null(st, 4);
    sqlite3_bind_blob64(st, 5, len ? bytes : "", len, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return store_db_error(w->s, "cannot stage samples for");
    sha256_update(&w->file, bytes, len);
    canon_sample_piece(&w->digest, bytes, len, row > 0 ? row : 0, sid,
                       sid_len, has_score, score);
    w->sums.pieces++;
    w->sums.size += (int64_t)len;
    if (row > 0)
        w->sums.rows++;
    if (has_score)
        w->sums.scored++;
    return 0;
}

void store_samples_sums(struct store_samples *w, struct samples_sums *out)
{
    unsigned char d[SHA256_LEN];

    if (!w->summed) {
        sha256_final(&w->file, d);
        sha256_hex(w->sums.sha256, d);
        sha256_final(&w->digest, d);
        sha256_hex(w->sums.digest, d);
        w->summed = 1;
    }
    *out = w->sums;
}

/*
 * The one write: under the write lock, the staged pieces move into the
 * log as the reserved entry's, the entry is appended, and it commits. The
 * lock is held for the copy (a sequential read of the staging file and
 * the inserts) and the commit, not while the input was read.
 */
int store_samples_finish(struct store_samples *w, struct entry *e)
{
    struct store *s = w->s;
    sqlite3_stmt *st = NULL;
    int64_t id = 0;
    int rc = 0;

    sqlite3_finalize(w->insert);
    w->insert = NULL;
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = store_db_error(s, "cannot stage samples for");
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    w->staging = 0;
    s->batch_open = 0;
    if (rc == 0)
        rc = store_begin_write(s);
    if (rc)
        goto cleanup;
    rc = store_reserve_entry(s, &id);
    if (rc == 0)
        rc = store_prepare(s, "INSERT INTO main.sample(entry, seq, row, sid, "
                              "score, bytes) SELECT ?1, seq, row, sid, score, "
                              "bytes FROM temp.sample_stage ORDER BY seq", &st);
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, id);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_db_error(s, "cannot write to");
        else if (sqlite3_changes64(s->db) != w->sums.pieces)
            rc = ll_error(LL_ERR, "internal: %lld samples staged, %lld moved",
                          (long long)w->sums.pieces,
                          (long long)sqlite3_changes64(s->db));
    }
    if (rc == 0) {
        e->kind = ENTRY_SAMPLES;
        rc = store_append(s, e);
    }
    if (rc == 0 && e->id != id)
        rc = ll_error(LL_ERR, "internal: samples entry took id %lld, not the "
                      "reserved %lld", (long long)e->id, (long long)id);
    sqlite3_finalize(st);
    if (rc == 0)
        rc = store_commit(s);
    else
        store_rollback(s);
cleanup:
    store_samples_free(w);
    return rc;
}

void store_samples_free(struct store_samples *w)
{
    if (!w)
        return;
    sqlite3_finalize(w->insert);
    if (w->staging)
        sqlite3_exec(w->s->db, "ROLLBACK", NULL, NULL, NULL);
    w->s->batch_open = 0;
    stage_drop(w->s);
    if (!w->summed) {
        sha256_release(&w->file);
        sha256_release(&w->digest);
    }
    free(w);
}

/* ---- reading ----------------------------------------------------------- */

static void row_from(sqlite3_stmt *st, struct sample_row *r, int with_bytes)
{
    r->seq = sqlite3_column_int64(st, 0);
    r->row = sqlite3_column_int64(st, 1);
    r->sid = store_column_text(st, 2);
    r->sid_len = (size_t)sqlite3_column_bytes(st, 2);
    r->has_score = sqlite3_column_type(st, 3) != SQLITE_NULL;
    r->score = r->has_score ? sqlite3_column_double(st, 3) : NAN;
    r->bytes = NULL;
    r->len = 0;
    if (with_bytes) {
        r->bytes = sqlite3_column_blob(st, 4);
        r->len = (size_t)sqlite3_column_bytes(st, 4);
        if (!r->bytes)
            r->bytes = "";
    }
}

int store_samples_rows(struct store *s, int64_t entry,
                       const struct samples_query *q, store_sample_fn *fn,
                       void *ctx)
{
    struct buf sql = BUF_INIT;
    sqlite3_stmt *st = NULL;
    int rc;

    /* The WHERE terms repeat each partial index's condition so SQLite can
     * use it: score for worst/best, sid for --id, row otherwise. */
    buf_printf(&sql, "SELECT seq, row, sid, score, %s FROM sample "
               "WHERE entry = ?1 AND row IS NOT NULL",
               q->with_bytes ? "bytes" : "NULL");
    if (q->row)
        buf_puts(&sql, " AND row = ?2");
    if (q->sid)
        buf_puts(&sql, " AND sid = ?3");
    if (q->order == SAMPLES_WORST)
        buf_puts(&sql, " AND score IS NOT NULL ORDER BY score, seq");
    else if (q->order == SAMPLES_BEST)
        buf_puts(&sql, " AND score IS NOT NULL ORDER BY score DESC, seq");
    else if (!q->row) /* one row: ORDER BY would pull in the whole set */
        buf_puts(&sql, " ORDER BY seq");
    if (q->limit > 0)
        buf_puts(&sql, " LIMIT ?4");
    if (sqlite3_prepare_v2(s->db, sql.ptr, -1, &st, NULL) != SQLITE_OK) {
        rc = store_db_error(s, "cannot query");
        goto cleanup;
    }
    sqlite3_bind_int64(st, 1, entry);
    if (q->row)
        sqlite3_bind_int64(st, 2, q->row);
    if (q->sid)
        store_bind_text(st, 3, q->sid);
    if (q->limit > 0)
        sqlite3_bind_int64(st, 4, q->limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sample_row r;

        row_from(st, &r, q->with_bytes);
        rc = fn(ctx, &r);
        if (rc)
            goto cleanup;
    }
    rc = rc == SQLITE_DONE ? 0 : store_db_error(s, "cannot read");
cleanup:
    sqlite3_finalize(st);
    buf_release(&sql);
    return rc;
}

int store_samples_scores(struct store *s, int64_t entry, int64_t *n_out,
                         double *mean_out, double *min_out, double *max_out)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(s->db, "SELECT count(score), avg(score), "
                           "min(score), max(score) FROM sample "
                           "WHERE entry = ?1 AND score IS NOT NULL", -1, &st,
                           NULL) != SQLITE_OK)
        return store_db_error(s, "cannot query");
    sqlite3_bind_int64(st, 1, entry);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int none = sqlite3_column_int64(st, 0) == 0;

        *n_out = sqlite3_column_int64(st, 0);
        *mean_out = none ? NAN : sqlite3_column_double(st, 1);
        *min_out = none ? NAN : sqlite3_column_double(st, 2);
        *max_out = none ? NAN : sqlite3_column_double(st, 3);
        rc = 0;
    } else {
        rc = store_db_error(s, "cannot read");
    }
    sqlite3_finalize(st);
    return rc;
}

int store_samples_piece(struct store *s, int64_t entry, int64_t seq,
                        struct buf *out)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(s->db, "SELECT bytes FROM sample WHERE entry = ?1 "
                           "AND seq = ?2", -1, &st, NULL) != SQLITE_OK)
        return store_db_error(s, "cannot query");
    sqlite3_bind_int64(st, 1, entry);
    sqlite3_bind_int64(st, 2, seq);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        buf_put(out, sqlite3_column_blob(st, 0),
                (size_t)sqlite3_column_bytes(st, 0));
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        rc = ll_error(LL_ENOTFOUND, "samples entry %lld has no piece %lld",
                      (long long)entry, (long long)seq);
    } else {
        rc = store_db_error(s, "cannot read");
    }
    sqlite3_finalize(st);
    return rc;
}

int store_samples_bytes(struct store *s, int64_t entry, store_bytes_fn *fn,
                        void *ctx)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(s->db, "SELECT bytes FROM sample WHERE entry = ?1 "
                           "ORDER BY seq", -1, &st, NULL) != SQLITE_OK)
        return store_db_error(s, "cannot query");
    sqlite3_bind_int64(st, 1, entry);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const void *b = sqlite3_column_blob(st, 0);
        int n = sqlite3_column_bytes(st, 0);

        rc = n > 0 ? fn(ctx, b, (size_t)n) : 0;
        if (rc)
            goto cleanup;
    }
    rc = rc == SQLITE_DONE ? 0 : store_db_error(s, "cannot read");
cleanup:
    sqlite3_finalize(st);
    return rc;
}

int store_blob_stream(struct store *s, const char *hex, store_bytes_fn *fn,
                      void *ctx)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(s->db, "SELECT data FROM blob WHERE sha256 = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return store_db_error(s, "cannot query");
    store_bind_text(st, 1, hex);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const void *b = sqlite3_column_blob(st, 0);
        int n = sqlite3_column_bytes(st, 0);

        rc = n > 0 ? fn(ctx, b, (size_t)n) : 0;
    } else if (rc == SQLITE_DONE) {
        rc = ll_error(LL_ENOTFOUND, "no attachment %.12s in this log", hex);
    } else {
        rc = store_db_error(s, "cannot read");
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- verify -------------------------------------------------------------- */

struct set_check {
    int64_t id;                  /* the samples entry */
    char sha256[SHA256_HEX_LEN + 1];
    char digest[SHA256_HEX_LEN + 1];
    int64_t pieces, size;        /* as recorded */
};

static int parse_set(struct set_check *c, int64_t id, const char *data)
{
    json_t *d = json_loads(data, 0, NULL);
    const char *sha = json_string_value(json_object_get(d, "sha256"));
    const char *dig = json_string_value(json_object_get(d, "digest"));
    json_t *pieces = json_object_get(d, "pieces");
    json_t *size = json_object_get(d, "size");
    int rc = 0;

    c->id = id;
    if (!sha || !dig || strlen(sha) != SHA256_HEX_LEN
        || strlen(dig) != SHA256_HEX_LEN || !json_is_integer(pieces)
        || !json_is_integer(size))
        rc = ll_error(LL_ERR, "entry %lld (samples) does not record its "
                      "pieces' digest", (long long)id);
    if (rc == 0) {
        memcpy(c->sha256, sha, SHA256_HEX_LEN + 1);
        memcpy(c->digest, dig, SHA256_HEX_LEN + 1);
        c->pieces = json_integer_value(pieces);
        c->size = json_integer_value(size);
    }
    json_decref(d);
    return rc;
}

/* Compares one set's recomputed sums with what its entry recorded. */
static int check_set(const struct set_check *c, struct sha256 *file,
                     struct sha256 *digest, int64_t pieces, int64_t size)
{
    unsigned char d[SHA256_LEN];
    char hex_file[SHA256_HEX_LEN + 1], hex_digest[SHA256_HEX_LEN + 1];

    sha256_final(file, d);
    sha256_hex(hex_file, d);
    sha256_final(digest, d);
    sha256_hex(hex_digest, d);
    if (pieces != c->pieces || size != c->size)
        return ll_error(LL_ERR, "entry %lld (samples) recorded %lld pieces "
                        "(%lld bytes) but %lld (%lld bytes) are in the log: "
                        "samples were removed or added", (long long)c->id,
                        (long long)c->pieces, (long long)c->size,
                        (long long)pieces, (long long)size);
    if (strcmp(hex_file, c->sha256) != 0 || strcmp(hex_digest, c->digest))
        return ll_error(LL_ERR, "entry %lld (samples) does not match its "
                        "digest: a sample's bytes, id or score was changed",
                        (long long)c->id);
    return 0;
}

/*
 * Recomputes every set in one pass over the sample table in primary key
 * order (entry, seq), which is the order the digest is defined in. The
 * sets are read first from the entries (whose own hashes check_chain has
 * verified), so a piece naming any other entry is reported.
 */
int samples_verify(struct store *s, int64_t *sets_out, int64_t *rows_out)
{
    struct set_check *sets = NULL, *cur = NULL;
    size_t nsets = 0, cap = 0, next = 0;
    struct sha256 file = { 0 }, digest = { 0 };
    sqlite3_stmt *st = NULL;
    int64_t pieces = 0, size = 0;
    int rc;

    *sets_out = *rows_out = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT id, data FROM entry WHERE kind = "
                           "'samples' ORDER BY id", -1, &st, NULL)
        != SQLITE_OK)
        return store_db_error(s, "cannot read");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        XGROW(sets, nsets + 1, cap);
        rc = parse_set(&sets[nsets], sqlite3_column_int64(st, 0),
                       store_column_text(st, 1));
        if (rc)
            goto cleanup;
        nsets++;
    }
    if (rc != SQLITE_DONE) {
        rc = store_db_error(s, "cannot read");
        goto cleanup;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT entry, seq, row, sid, score, bytes "
                           "FROM sample ORDER BY entry, seq", -1, &st, NULL)
        != SQLITE_OK) {
        rc = store_db_error(s, "cannot read");
        goto cleanup;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t entry = sqlite3_column_int64(st, 0);
        int has_score = sqlite3_column_type(st, 4) != SQLITE_NULL;
        int n = sqlite3_column_bytes(st, 5);
        const void *b = sqlite3_column_blob(st, 5);

        if (!cur || cur->id != entry) {
            if (cur && (rc = check_set(cur, &file, &digest, pieces, size)))
                goto cleanup;
            cur = NULL;
            /* Sets without any piece are checked as empty on the way. */
            while (next < nsets && sets[next].id < entry) {
                sha256_init(&file);
                canon_samples_start(&digest);
                rc = check_set(&sets[next++], &file, &digest, 0, 0);
                if (rc)
                    goto cleanup;
            }
            if (next >= nsets || sets[next].id != entry) {
                rc = ll_error(LL_ERR, "a sample names entry %lld, which is "
                              "not a samples entry: samples were added "
                              "behind lablog's back", (long long)entry);
                goto cleanup;
            }
            cur = &sets[next++];
            sha256_init(&file);
            canon_samples_start(&digest);
            pieces = size = 0;
        }
        if (sqlite3_column_int64(st, 1) != pieces) {
            rc = ll_error(LL_ERR, "entry %lld (samples) lacks piece %lld: "
                          "samples were removed", (long long)entry,
                          (long long)pieces);
            goto cleanup;
        }
        sha256_update(&file, b ? b : "", (size_t)n);
        canon_sample_piece(&digest, b ? b : "", (size_t)n,
                           sqlite3_column_int64(st, 2),
                           sqlite3_column_type(st, 3) == SQLITE_NULL
                               ? NULL : store_column_text(st, 3),
                           (size_t)sqlite3_column_bytes(st, 3), has_score,
                           has_score ? sqlite3_column_double(st, 4) : NAN);
        pieces++;
        size += n;
        if (sqlite3_column_type(st, 2) != SQLITE_NULL)
            (*rows_out)++;
    }
    if (rc != SQLITE_DONE) {
        rc = store_db_error(s, "cannot read");
        goto cleanup;
    }
    rc = 0;
    if (cur) {
        rc = check_set(cur, &file, &digest, pieces, size);
        cur = NULL;
    }
    while (rc == 0 && next < nsets) {
        sha256_init(&file);
        canon_samples_start(&digest);
        rc = check_set(&sets[next++], &file, &digest, 0, 0);
    }
    *sets_out = (int64_t)nsets;
cleanup:
    if (cur) {
        sha256_release(&file);
        sha256_release(&digest);
    }
    sqlite3_finalize(st);
    free(sets);
    return rc;
}
