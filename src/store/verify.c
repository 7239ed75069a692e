/* SPDX-License-Identifier: MIT */
/*
 * `lablog verify`: recompute everything that was hashed and name the first
 * thing that does not match.
 *
 * Order of checks: SQLite's own quick_check (the file is sound), the entry
 * hash chain in id order (each entry against its predecessor's stored hash,
 * so an edited entry is named itself rather than its successor), then every
 * metric batch digest, then every attachment's content hash, then that
 * every attachment entry's blob is there.
 *
 * Batch digests are recomputed in one pass over the point table in primary
 * key order, which is exactly the (series id, step) order the digest is
 * defined in, keeping one running hash per batch.
 */
#include "store/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

struct batch_check {
    int64_t id;              /* metrics entry id */
    int64_t points_expected; /* data.points */
    int64_t points_seen;
    char digest[SHA256_HEX_LEN + 1]; /* data.digest */
    struct sha256 h;
};

/* An attachment entry: the blob it names must be there, with that hash. */
struct attach_check {
    int64_t id;                      /* attachment entry id */
    char sha256[SHA256_HEX_LEN + 1]; /* data.sha256 */
    int64_t size;                    /* data.size */
};

struct verify {
    struct store *s;
    struct batch_check *batches; /* sorted by id (entries are read in order) */
    size_t nbatches, cap;
    struct attach_check *attachments; /* in entry order */
    size_t nattach, cap_attach;
    int64_t entries, points, blobs;
    unsigned char head[SHA256_LEN];
};

static int quick_check(struct store *s)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &st, NULL)
        != SQLITE_OK)
        return store_db_error(s, "cannot check");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && strcmp(store_column_text(st, 0), "ok") != 0)
        rc = ll_error(LL_ERR, "'%s' is damaged: %s", s->path,
                      store_column_text(st, 0));
    else
        rc = rc == SQLITE_ROW ? 0 : store_db_error(s, "cannot check");
    sqlite3_finalize(st);
    return rc;
}

/* Pulls "points" and "digest" out of a metrics entry's data, which the
 * store wrote itself in a fixed shape (metric.c). */
static int parse_batch_data(struct batch_check *b, const char *data)
{
    const char *d = strstr(data, "\"digest\":\"");
    const char *p = strstr(data, "\"points\":");

    if (!d || !p || strlen(d + 10) < SHA256_HEX_LEN + 1)
        return -1;
    memcpy(b->digest, d + 10, SHA256_HEX_LEN);
    b->digest[SHA256_HEX_LEN] = '\0';
    b->points_expected = strtoll(p + 9, NULL, 10);
    return 0;
}

/*
 * The hash covers fields as they are read into a struct entry, so a stored
 * value that reads back as something else would escape it: text after a
 * NUL byte, a uid longer than the 26 characters its field holds, a kind
 * that is not a kind (read as a note), an id or time that is not an
 * integer (read as its integer part). Each is itself a change to the log.
 */
static int check_stored_fields(sqlite3_stmt *st, int64_t id)
{
    static const int text_cols[] = { 1, 3, 4, 7, 8, 9 };
    static const char *const text_names[] = { "", "uid", "", "author", "kind",
                                              "", "", "title", "body",
                                              "data" };
    size_t i;

    /* Types first: sqlite3_column_type() means nothing after a read has
     * converted the value. */
    if (sqlite3_column_type(st, 0) != SQLITE_INTEGER
        || sqlite3_column_type(st, 2) != SQLITE_INTEGER
        || (sqlite3_column_type(st, 5) != SQLITE_INTEGER
            && sqlite3_column_type(st, 5) != SQLITE_NULL)
        || (sqlite3_column_type(st, 6) != SQLITE_INTEGER
            && sqlite3_column_type(st, 6) != SQLITE_NULL))
        return ll_error(LL_ERR, "entry %lld: its id, time, experiment or "
                        "reference is not an integer: it was changed after "
                        "it was written", (long long)id);
    for (i = 0; i < sizeof(text_cols) / sizeof(text_cols[0]); i++) {
        int c = text_cols[i];

        if (sqlite3_column_type(st, c) != SQLITE_TEXT
            || (size_t)sqlite3_column_bytes(st, c)
                   != strlen(store_column_text(st, c)))
            return ll_error(LL_ERR, "entry %lld: its %s is not text or holds "
                            "a NUL byte: it was changed after it was written",
                            (long long)id, text_names[c]);
    }
    if ((size_t)sqlite3_column_bytes(st, 1) != sizeof(((struct entry *)0)->uid)
                                                  - 1)
        return ll_error(LL_ERR, "entry %lld: its uid has %d characters, not "
                        "%d: it was changed after it was written",
                        (long long)id, sqlite3_column_bytes(st, 1),
                        (int)sizeof(((struct entry *)0)->uid) - 1);
    if (entry_kind_parse(store_column_text(st, 4)) < 0)
        return ll_error(LL_ERR, "entry %lld: '%.40s' is not an entry kind: it "
                        "was changed after it was written", (long long)id,
                        store_column_text(st, 4));
    return 0;
}

/* Pulls "sha256" and "size" out of an attachment entry's data, which
 * cmd_attach writes with sorted keys; the name before them is a JSON
 * string, in which a '"' is escaped, so it cannot fake either key. */
static int parse_attach_data(struct attach_check *a, const char *data)
{
    const char *h = strstr(data, "\"sha256\":\"");
    const char *n = strstr(data, "\"size\":");
    size_t i;

    if (!h || !n)
        return -1;
    h += 10;
    for (i = 0; i < SHA256_HEX_LEN; i++)
        if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
            return -1;
    if (h[SHA256_HEX_LEN] != '"')
        return -1;
    memcpy(a->sha256, h, SHA256_HEX_LEN);
    a->sha256[SHA256_HEX_LEN] = '\0';
    a->size = strtoll(n + 7, NULL, 10);
    return 0;
}

static int check_chain(struct verify *v)
{
    unsigned char prev[SHA256_LEN] = { 0 }, want[SHA256_LEN];
    sqlite3_stmt *st = NULL;
    int64_t expect_id = 1;
    int rc;

    if (sqlite3_prepare_v2(v->s->db,
                           "SELECT " ENTRY_COLUMNS ", e.hash FROM entry e "
                           "ORDER BY e.id", -1, &st, NULL) != SQLITE_OK)
        return store_db_error(v->s, "cannot read");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct entry e;

        rc = check_stored_fields(st, sqlite3_column_int64(st, 0));
        if (rc)
            goto cleanup;
        store_row_entry(st, &e);
        if (e.id != expect_id) {
            rc = ll_error(LL_ERR, "entry %lld is missing (the log jumps from "
                          "%lld to %lld)", (long long)expect_id,
                          (long long)expect_id - 1, (long long)e.id);
            goto cleanup;
        }
        canon_entry_hash(want, prev, &e);
        if (sqlite3_column_bytes(st, 11) != SHA256_LEN
            || memcmp(want, sqlite3_column_blob(st, 11), SHA256_LEN) != 0) {
            rc = ll_error(LL_ERR, "entry %lld (%s) does not match its hash: "
                          "it was changed after it was written",
                          (long long)e.id, entry_kind_name(e.kind));
            goto cleanup;
        }
        memcpy(prev, want, SHA256_LEN);
        if (e.kind == ENTRY_METRICS) {
            struct batch_check *b;

            XGROW(v->batches, v->nbatches + 1, v->cap);
            b = &v->batches[v->nbatches];
            memset(b, 0, sizeof(*b));
            b->id = e.id;
            if (parse_batch_data(b, e.data)) {
                rc = ll_error(LL_ERR, "entry %lld (metrics) has no digest",
                              (long long)e.id);
                goto cleanup;
            }
            v->nbatches++;
        } else if (e.kind == ENTRY_ATTACH) {
            struct attach_check *a;

            XGROW(v->attachments, v->nattach + 1, v->cap_attach);
            a = &v->attachments[v->nattach];
            a->id = e.id;
            if (parse_attach_data(a, e.data)) {
                rc = ll_error(LL_ERR, "entry %lld (attach) names no "
                              "attachment hash", (long long)e.id);
                goto cleanup;
            }
            v->nattach++;
        }
        expect_id++;
    }
    rc = rc == SQLITE_DONE ? 0 : store_db_error(v->s, "cannot read");
    v->entries = expect_id - 1;
    memcpy(v->head, prev, SHA256_LEN);
cleanup:
    sqlite3_finalize(st);
    return rc;
}

static struct batch_check *find_batch(struct verify *v, int64_t id)
{
    size_t lo = 0, hi = v->nbatches;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (v->batches[mid].id == id)
            return &v->batches[mid];
        if (v->batches[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int hash_points(struct verify *v)
{
    sqlite3_stmt *st = NULL;
    size_t i;
    int rc;

    /* Every context is started here and finished by check_batches, even
     * when this function fails. */
    for (i = 0; i < v->nbatches; i++)
        sha256_init(&v->batches[i].h);
    if (sqlite3_prepare_v2(v->s->db,
                           "SELECT s.exp, s.name, p.step, p.value, p.ts, "
                           "p.batch FROM point p JOIN series s "
                           "ON s.id = p.series ORDER BY p.series, p.step",
                           -1, &st, NULL) != SQLITE_OK)
        return store_db_error(v->s, "cannot read");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t batch = sqlite3_column_int64(st, 5);
        struct batch_check *b = find_batch(v, batch);
        double value = sqlite3_column_type(st, 3) == SQLITE_NULL
                           ? (double)NAN
                           : sqlite3_column_double(st, 3);

        if (!b) {
            rc = ll_error(LL_ERR, "a point of '%s' at step %lld names entry "
                          "%lld as its batch, which is not a metrics entry: "
                          "points were added behind lablog's back",
                          store_column_text(st, 1),
                          (long long)sqlite3_column_int64(st, 2),
                          (long long)batch);
            goto cleanup;
        }
        canon_point(&b->h, sqlite3_column_int64(st, 0),
                    store_column_text(st, 1), sqlite3_column_int64(st, 2),
                    value, sqlite3_column_int64(st, 4));
        b->points_seen++;
        v->points++;
    }
    rc = rc == SQLITE_DONE ? 0 : store_db_error(v->s, "cannot read");
cleanup:
    sqlite3_finalize(st);
    return rc;
}

static int check_batches(struct verify *v)
{
    size_t i;
    int rc = hash_points(v);

    for (i = 0; i < v->nbatches; i++) {
        struct batch_check *b = &v->batches[i];
        unsigned char d[SHA256_LEN];
        char hex[SHA256_HEX_LEN + 1];

        sha256_final(&b->h, d);
        if (rc)
            continue; /* still finalize every context */
        sha256_hex(hex, d);
        if (b->points_seen != b->points_expected)
            rc = ll_error(LL_ERR, "entry %lld (metrics batch) recorded %lld "
                          "points but %lld are in the log: points were "
                          "removed or added", (long long)b->id,
                          (long long)b->points_expected,
                          (long long)b->points_seen);
        else if (strcmp(hex, b->digest) != 0)
            rc = ll_error(LL_ERR, "entry %lld (metrics batch) does not match "
                          "its digest: a point's value, step or time was "
                          "changed", (long long)b->id);
    }
    return rc;
}

static int check_blobs(struct verify *v)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(v->s->db, "SELECT sha256, size, data FROM blob",
                           -1, &st, NULL) != SQLITE_OK)
        return store_db_error(v->s, "cannot read");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        unsigned char d[SHA256_LEN];
        char hex[SHA256_HEX_LEN + 1];
        const char *want = store_column_text(st, 0);
        int len = sqlite3_column_bytes(st, 2);

        sha256_bytes(d, sqlite3_column_blob(st, 2), (size_t)len);
        sha256_hex(hex, d);
        if (strcmp(hex, want) != 0 || len != sqlite3_column_int(st, 1)) {
            rc = ll_error(LL_ERR, "attachment %.12s does not match its hash: "
                          "its content was changed", want);
            goto cleanup;
        }
        v->blobs++;
    }
    rc = rc == SQLITE_DONE ? 0 : store_db_error(v->s, "cannot read");
cleanup:
    sqlite3_finalize(st);
    return rc;
}

/* Every attachment entry's blob is in the log, with the size and the
 * hash the entry recorded (check_blobs has checked each blob against its
 * key): a removed blob, or one replaced and re-keyed, is named here. */
static int check_attachments(struct verify *v)
{
    sqlite3_stmt *st = NULL;
    size_t i;
    int rc = 0;

    if (sqlite3_prepare_v2(v->s->db, "SELECT size, length(data) FROM blob "
                           "WHERE sha256 = ?1", -1, &st, NULL) != SQLITE_OK)
        return store_db_error(v->s, "cannot read");
    for (i = 0; i < v->nattach && rc == 0; i++) {
        const struct attach_check *a = &v->attachments[i];

        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, a->sha256, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
            rc = ll_error(LL_ERR, "entry %lld (attach): attachment %.12s is "
                          "not in the log: its content was removed or "
                          "replaced", (long long)a->id, a->sha256);
        else if (rc != SQLITE_ROW)
            rc = store_db_error(v->s, "cannot read");
        else if (sqlite3_column_int64(st, 0) != a->size
                 || sqlite3_column_int64(st, 1) != a->size)
            rc = ll_error(LL_ERR, "entry %lld (attach): attachment %.12s has "
                          "%lld bytes, the entry recorded %lld: its content "
                          "was changed", (long long)a->id, a->sha256,
                          (long long)sqlite3_column_int64(st, 1),
                          (long long)a->size);
        else
            rc = 0;
    }
    sqlite3_finalize(st);
    return rc;
}

int store_verify(struct store *s, struct buf *summary)
{
    struct verify v = { 0 };
    char head[SHA256_HEX_LEN + 1];
    int64_t sets = 0, rows = 0;
    int rc;

    v.s = s;
    /* One read transaction: a consistent snapshot while writers go on. */
    if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return store_db_error(s, "cannot read");
    rc = quick_check(s);
    if (rc == 0)
        rc = check_chain(&v);
    if (rc == 0)
        rc = check_batches(&v);
    if (rc == 0)
        rc = check_blobs(&v);
    if (rc == 0)
        rc = check_attachments(&v);
    if (rc == 0)
        rc = samples_verify(s, &sets, &rows);
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    free(v.batches);
    free(v.attachments);
    if (rc)
        return rc;
    sha256_hex(head, v.head);
    buf_printf(summary, "ok: %lld entries, %lld points in %zu batches, %lld "
               "attachments", (long long)v.entries, (long long)v.points,
               v.nbatches, (long long)v.blobs);
    if (sets)
        buf_printf(summary, ", %lld samples in %lld set%s", (long long)rows,
                   (long long)sets, sets == 1 ? "" : "s");
    buf_printf(summary, "; head %.16s", v.entries ? head : "(empty)");
    return 0;
}
