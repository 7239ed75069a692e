/* SPDX-License-Identifier: MIT */
/*
 * `lablog verify`: recompute everything that was hashed and name the first
 * thing that does not match.
 *
 * Order of checks: SQLite's own quick_check (the file is sound), each
 * origin's hash chain in seq order (each entry against its predecessor's
 * stored hash, so an edited entry is named itself rather than its
 * successor; format-1 entries by format-1 rules), every metric batch
 * digest, every attachment's content hash, that every attachment entry's
 * blob is there, and finally the heads the caller kept (truncation and
 * forks are invisible from inside one file).
 *
 * Batch digests are recomputed in one pass over the points per format, in
 * the order each digest is defined in (canon.c), which is an index order
 * of series and point, keeping one running hash per batch.
 */
#include "store/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

struct batch_check {
    int64_t id;              /* metrics entry id */
    int format;              /* of the entry: 1 or 2 */
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

struct origin_head {
    char origin[27];
    int64_t seq;
    unsigned char hash[SHA256_LEN];
};

struct verify {
    struct store *s;
    struct batch_check *batches; /* sorted by id once the chains are read */
    size_t nbatches, cap;
    struct attach_check *attachments; /* in entry order */
    size_t nattach, cap_attach;
    struct origin_head *heads;   /* by origin id */
    size_t nheads, cap_heads;
    int64_t entries, points, blobs;
    int any_v1_batch;
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

/* Columns of the chain query. */
enum {
    C_ID, C_UID, C_ORIGIN, C_SEQ, C_PREV, C_HLC, C_TS, C_AUTHOR, C_KIND,
    C_EXP_UID, C_REF_UID, C_TITLE, C_BODY, C_DATA, C_FORMAT, C_HASH,
    C_EXP_SEQ, C_REF_SEQ
};

static const char chain_sql[] =
    "SELECT e.id, e.uid, e.origin, e.seq, e.prev, e.hlc, e.ts, e.author, "
    "e.kind, e.exp_uid, e.ref_uid, e.title, e.body, e.data, e.format, "
    "e.hash, "
    "(SELECT x.seq FROM entry x WHERE x.uid = e.exp_uid AND e.exp_uid <> '' "
    " AND x.origin = e.origin), "
    "(SELECT x.seq FROM entry x WHERE x.uid = e.ref_uid AND e.ref_uid <> '' "
    " AND x.origin = e.origin) "
    "FROM entry e ORDER BY e.origin, e.seq";

/*
 * The hash covers fields as they are read into a struct entry, so a stored
 * value that reads back as something else would escape it: text after a
 * NUL byte, a uid or origin longer than the 26 characters its field holds,
 * a number that is not an integer (read as its integer part). Each is
 * itself a change to the log. (A kind this build does not know is no such
 * value: it is hashed as the text it is.)
 */
static int check_stored_fields(sqlite3_stmt *st, int64_t id)
{
    static const int int_cols[] = { C_ID, C_SEQ, C_HLC, C_TS, C_FORMAT };
    static const int text_cols[] = { C_UID, C_ORIGIN, C_AUTHOR, C_KIND,
                                     C_EXP_UID, C_REF_UID, C_TITLE, C_BODY,
                                     C_DATA };
    static const char *const names[] = {
        [C_UID] = "uid", [C_ORIGIN] = "origin", [C_AUTHOR] = "author",
        [C_KIND] = "kind", [C_EXP_UID] = "experiment", [C_REF_UID] =
        "reference", [C_TITLE] = "title", [C_BODY] = "body", [C_DATA] = "data",
    };
    size_t i;

    /* Types first: sqlite3_column_type() means nothing after a read has
     * converted the value. */
    for (i = 0; i < sizeof(int_cols) / sizeof(int_cols[0]); i++)
        if (sqlite3_column_type(st, int_cols[i]) != SQLITE_INTEGER)
            return ll_error(LL_ERR, "entry %lld: its id, seq, clock, time "
                            "or format is not an integer: it was changed "
                            "after it was written", (long long)id);
    for (i = 0; i < sizeof(text_cols) / sizeof(text_cols[0]); i++) {
        int c = text_cols[i];

        if (sqlite3_column_type(st, c) != SQLITE_TEXT
            || (size_t)sqlite3_column_bytes(st, c)
                   != strlen(store_column_text(st, c)))
            return ll_error(LL_ERR, "entry %lld: its %s is not text or holds "
                            "a NUL byte: it was changed after it was written",
                            (long long)id, names[c]);
    }
    for (i = 0; i < 4; i++) {
        static const int cols[] = { C_UID, C_ORIGIN, C_EXP_UID, C_REF_UID };
        int n = sqlite3_column_bytes(st, cols[i]);

        if (n != 26 && !(n == 0 && i >= 2))
            return ll_error(LL_ERR, "entry %lld: its %s has %d characters, "
                            "not 26: it was changed after it was written",
                            (long long)id, names[cols[i]], n);
    }
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

static int note_attachment(struct verify *v, const struct entry *e)
{
    struct attach_check *a;

    XGROW(v->attachments, v->nattach + 1, v->cap_attach);
    a = &v->attachments[v->nattach];
    a->id = e->id;
    if (parse_attach_data(a, e->data))
        return ll_error(LL_ERR, "entry %lld (attach) names no attachment "
                        "hash", (long long)e->id);
    v->nattach++;
    return 0;
}

static void row_to_entry(sqlite3_stmt *st, struct entry *e)
{
    memset(e, 0, sizeof(*e));
    e->id = sqlite3_column_int64(st, C_ID);
    snprintf(e->uid, sizeof(e->uid), "%s", store_column_text(st, C_UID));
    snprintf(e->origin, sizeof(e->origin), "%s",
             store_column_text(st, C_ORIGIN));
    e->seq = sqlite3_column_int64(st, C_SEQ);
    e->hlc = sqlite3_column_int64(st, C_HLC);
    e->ts = sqlite3_column_int64(st, C_TS);
    e->author = store_column_text(st, C_AUTHOR);
    e->kind_name = store_column_text(st, C_KIND);
    e->exp_uid = store_column_text(st, C_EXP_UID);
    e->ref_uid = store_column_text(st, C_REF_UID);
    e->title = store_column_text(st, C_TITLE);
    e->body = store_column_text(st, C_BODY);
    e->data = store_column_text(st, C_DATA);
    e->format = sqlite3_column_int(st, C_FORMAT);
}

static int note_batch(struct verify *v, const struct entry *e)
{
    struct batch_check *b;

    XGROW(v->batches, v->nbatches + 1, v->cap);
    b = &v->batches[v->nbatches];
    memset(b, 0, sizeof(*b));
    b->id = e->id;
    b->format = e->format;
    if (parse_batch_data(b, e->data))
        return ll_error(LL_ERR, "entry %lld (metrics) has no digest",
                        (long long)e->id);
    v->any_v1_batch |= e->format == 1;
    v->nbatches++;
    return 0;
}

/* Checks one entry against its predecessor in its origin's chain. */
static int check_entry(sqlite3_stmt *st, struct entry *e,
                       struct origin_head *h)
{
    unsigned char want[SHA256_LEN];
    static const unsigned char zero[SHA256_LEN];
    const unsigned char *prev = h->seq ? h->hash : zero;

    if (e->seq != h->seq + 1)
        return ll_error(LL_ERR, "entry %lld of origin %s is missing (its "
                        "chain jumps from %lld to %lld): entries were "
                        "removed", (long long)(h->seq + 1), e->origin,
                        (long long)h->seq, (long long)e->seq);
    if (e->format == 1) {
        canon_entry_hash_v1(want, prev, e,
                            sqlite3_column_int64(st, C_EXP_SEQ),
                            sqlite3_column_int64(st, C_REF_SEQ));
    } else if (e->format == 2) {
        canon_entry_hash(want, prev, e);
    } else {
        return ll_error(LL_ERR, "entry %lld has an unknown format %d",
                        (long long)e->id, e->format);
    }
    if (sqlite3_column_bytes(st, C_HASH) != SHA256_LEN
        || memcmp(want, sqlite3_column_blob(st, C_HASH), SHA256_LEN) != 0)
        return ll_error(LL_ERR, "entry %lld (%s) does not match its hash: "
                        "it was changed after it was written",
                        (long long)e->id, e->kind_name);
    if (sqlite3_column_bytes(st, C_PREV) != SHA256_LEN
        || memcmp(prev, sqlite3_column_blob(st, C_PREV), SHA256_LEN) != 0)
        return ll_error(LL_ERR, "entry %lld (%s) does not name its "
                        "predecessor's hash as prev: the chain was changed",
                        (long long)e->id, e->kind_name);
    memcpy(h->hash, want, SHA256_LEN);
    h->seq = e->seq;
    return 0;
}

static int check_chains(struct verify *v)
{
    sqlite3_stmt *st = NULL;
    struct origin_head *h = NULL;
    int last_format = 0;
    int rc;

    if (sqlite3_prepare_v2(v->s->db, chain_sql, -1, &st, NULL) != SQLITE_OK)
        return store_db_error(v->s, "cannot read");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct entry e;

        rc = check_stored_fields(st, sqlite3_column_int64(st, C_ID));
        if (rc)
            goto cleanup;
        row_to_entry(st, &e);
        if (!h || strcmp(h->origin, e.origin) != 0) {
            XGROW(v->heads, v->nheads + 1, v->cap_heads);
            h = &v->heads[v->nheads++];
            memset(h, 0, sizeof(*h));
            snprintf(h->origin, sizeof(h->origin), "%s", e.origin);
            last_format = 0;
        }
        if (e.format < last_format) {
            rc = ll_error(LL_ERR, "entry %lld is a format-1 entry after "
                          "format-2 entries of its origin", (long long)e.id);
            goto cleanup;
        }
        last_format = e.format;
        rc = check_entry(st, &e, h);
        if (rc == 0 && strcmp(e.kind_name, "metrics") == 0)
            rc = note_batch(v, &e);
        else if (rc == 0 && strcmp(e.kind_name, "attach") == 0)
            rc = note_attachment(v, &e);
        if (rc)
            goto cleanup;
        v->entries++;
    }
    rc = rc == SQLITE_DONE ? 0 : store_db_error(v->s, "cannot read");
cleanup:
    sqlite3_finalize(st);
    return rc;
}

static int batch_cmp(const void *pa, const void *pb)
{
    const struct batch_check *a = pa, *b = pb;

    return a->id < b->id ? -1 : a->id > b->id;
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

/* Format-2 digests: (exp_uid, metric, attempt, step), the order of the
 * series key then the point key. Every point is seen here, so a point
 * whose batch is no metrics entry is caught here too. */
static const char points_v2_sql[] =
    "SELECT s.exp_uid, s.name, s.attempt, p.step, p.value, p.ts, p.batch "
    "FROM series s JOIN point p ON p.series = s.id "
    "ORDER BY s.exp_uid, s.name, s.attempt, p.step";

/* Format-1 digests: (format-1 series id, step); exp is the seq. */
static const char points_v1_sql[] =
    "SELECT (SELECT x.seq FROM entry x WHERE x.uid = s.exp_uid), s.name, "
    "p.step, p.value, p.ts, p.batch "
    "FROM series s JOIN point p ON p.series = s.id "
    "WHERE s.f1 IS NOT NULL ORDER BY s.f1, p.step";

static int hash_points(struct verify *v, int format)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(v->s->db, format == 2 ? points_v2_sql
                                                 : points_v1_sql,
                           -1, &st, NULL) != SQLITE_OK)
        return store_db_error(v->s, "cannot read");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int c = format == 2 ? 0 : 1; /* format 1 has no attempt column */
        int64_t batch = sqlite3_column_int64(st, 6 - c);
        struct batch_check *b = find_batch(v, batch);
        int64_t step = sqlite3_column_int64(st, 3 - c);
        double value = sqlite3_column_type(st, 4 - c) == SQLITE_NULL
                           ? (double)NAN
                           : sqlite3_column_double(st, 4 - c);
        int64_t ts = sqlite3_column_int64(st, 5 - c);

        if (!b && format == 2) {
            rc = ll_error(LL_ERR, "a point of '%s' at step %lld names entry "
                          "%lld as its batch, which is not a metrics entry: "
                          "points were added behind lablog's back",
                          store_column_text(st, 1), (long long)step,
                          (long long)batch);
            goto cleanup;
        }
        if (!b || b->format != format)
            continue;
        if (format == 2)
            canon_point(&b->h, store_column_text(st, 0),
                        store_column_text(st, 1), store_column_text(st, 2),
                        step, value, ts);
        else
            canon_point_v1(&b->h, sqlite3_column_int64(st, 0),
                           store_column_text(st, 1), step, value, ts);
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
    int rc;

    if (v->nbatches > 1)
        qsort(v->batches, v->nbatches, sizeof(*v->batches), batch_cmp);
    /* Every context is started here and finished below, even when
     * hashing fails. */
    for (i = 0; i < v->nbatches; i++)
        sha256_init(&v->batches[i].h);
    rc = hash_points(v, 2);
    if (rc == 0 && v->any_v1_batch)
        rc = hash_points(v, 1);
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

static const struct origin_head *head_of(const struct verify *v,
                                         const char *origin)
{
    size_t i;

    for (i = 0; i < v->nheads; i++)
        if (strcmp(v->heads[i].origin, origin) == 0)
            return &v->heads[i];
    return NULL;
}

/* The hash this log holds for (origin, seq) into hex ("" when none). */
static int hash_at(struct store *s, const char *origin, int64_t seq,
                   char hex[SHA256_HEX_LEN + 1])
{
    int rc = store_entry_hash_at(s, origin, seq, hex);

    return rc == LL_ENOTFOUND ? 0 : rc;
}

/* A head kept elsewhere must still be in this log, with the same hash. */
static int check_head(struct verify *v, const struct store_head *k)
{
    const struct origin_head *h = head_of(v, k->origin);
    char now[SHA256_HEX_LEN + 1], hex[SHA256_HEX_LEN + 1];
    int rc;

    if (!h)
        return ll_error(LL_ERR, "head %s:%lld is not in this log: it holds "
                        "no entry of origin %s (another log, or all its "
                        "entries were removed)", k->origin,
                        (long long)k->seq, k->origin);
    sha256_hex(now, h->hash);
    if (h->seq < k->seq)
        return ll_error(LL_ERR, "origin %s went backwards: this log ends at "
                        "%s:%lld:%.16s but %s:%lld:%.16s was seen: entries "
                        "after %lld were removed or rolled back", k->origin,
                        k->origin, (long long)h->seq, now, k->origin,
                        (long long)k->seq, k->hash, (long long)h->seq);
    rc = hash_at(v->s, k->origin, k->seq, hex);
    if (rc)
        return rc;
    if (strncmp(hex, k->hash, strlen(k->hash)) != 0)
        return ll_error(LL_ERR, "origin %s forked at seq %lld: this log "
                        "holds %.16s there, the head kept is %.16s", k->origin,
                        (long long)k->seq, hex, k->hash);
    return 0;
}

/* A head remembered from a merge or pull (store_seen_heads) is checked as
 * a kept head, with the place it was seen named. */
static int check_seen(void *ctx, const char *source,
                      const struct store_seen_head *h)
{
    struct verify *v = ctx;
    struct store_head k;
    char when[TIME_SHORT_SIZE], why[512];
    int rc;

    memset(&k, 0, sizeof(k));
    memcpy(k.origin, h->origin, sizeof(k.origin));
    k.seq = h->seq;
    sha256_hex(k.hash, h->hash);
    rc = check_head(v, &k);
    if (rc) {
        snprintf(why, sizeof(why), "%s", ll_error_message());
        rc = ll_error(rc, "%s (seen in %s on %s)", why, source,
                      time_format_short(when, h->seen));
    }
    return rc;
}

/* Second entries for a held (origin, seq): listed, never folded. */
static int list_forks(struct verify *v, struct buf *out)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(v->s, "SELECT origin, seq, hash FROM fork ORDER "
                                 "BY origin, seq, id", &st);

    if (rc)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char hex[SHA256_HEX_LEN + 1] = "";

        if (sqlite3_column_bytes(st, 2) == SHA256_LEN)
            sha256_hex(hex, sqlite3_column_blob(st, 2));
        buf_printf(out, "\nfork: origin %s has a second entry %lld "
                   "(%.16s), kept as evidence: a copy of this replica wrote "
                   "as the same origin", store_column_text(st, 0),
                   (long long)sqlite3_column_int64(st, 1), hex);
    }
    rc = rc == SQLITE_DONE ? 0 : store_db_error(v->s, "cannot read");
    sqlite3_finalize(st);
    return rc;
}

int store_verify(struct store *s, const struct store_head *heads,
                 size_t nheads, struct buf *summary)
{
    struct verify v = { 0 };
    int64_t sets = 0, rows = 0;
    size_t i;
    int rc;

    v.s = s;
    /* One read transaction: a consistent snapshot while writers go on. */
    if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return store_db_error(s, "cannot read");
    rc = quick_check(s);
    if (rc == 0)
        rc = check_chains(&v);
    if (rc == 0)
        rc = check_batches(&v);
    if (rc == 0)
        rc = check_blobs(&v);
    if (rc == 0)
        rc = check_attachments(&v);
    if (rc == 0)
        rc = samples_verify(s, &sets, &rows);
    for (i = 0; rc == 0 && i < nheads; i++)
        rc = check_head(&v, &heads[i]);
    if (rc == 0)
        rc = store_seen_heads(s, check_seen, &v);
    if (rc == 0) {
        buf_printf(summary, "ok: %lld entries, %lld points in %zu batches, "
                   "%lld attachments", (long long)v.entries,
                   (long long)v.points, v.nbatches, (long long)v.blobs);
        if (sets)
            buf_printf(summary, ", %lld samples in %lld set%s",
                       (long long)rows, (long long)sets, sets == 1 ? "" : "s");
        buf_printf(summary, "; %zu origin%s", v.nheads,
                   v.nheads == 1 ? "" : "s");
        for (i = 0; rc == 0 && i < v.nheads; i++) {
            char hex[SHA256_HEX_LEN + 1], host[128];

            sha256_hex(hex, v.heads[i].hash);
            rc = store_origin_host(s, v.heads[i].origin, host, sizeof(host));
            buf_printf(summary, "\nhead %s:%lld:%s%s%s", v.heads[i].origin,
                       (long long)v.heads[i].seq, hex, *host ? "  " : "",
                       host);
        }
        if (rc == 0)
            rc = list_forks(&v, summary);
    }
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    free(v.batches);
    free(v.attachments);
    free(v.heads);
    return rc;
}
