/* SPDX-License-Identifier: MIT */
/*
 * Feeds: the log as canonical JSON lines, the exchange format between
 * replicas (README "The feed", SYNC.md).
 *
 * A feed is a header line, then one line per entry in fold order (hlc,
 * origin, seq). Each entry line carries every field that was hashed, its
 * prev and hash, so it can be re-verified on its own; a metrics entry's
 * line also carries its points, in the order of its digest. Lines are
 * canonical: keys in byte order, no spaces, strings escaped only where
 * JSON requires it (", \, and control characters: \b \f \n \r \t, others
 * \u00xx), numbers as integers or the shortest of C's %.15g, %.16g and
 * %.17g that reads back as the same double (-0 as -0.0), non-finite
 * values as the strings "NaN", "inf" and "-inf". The same log always gives
 * the same bytes.
 *
 * Reading a feed (store_feed_import) checks every line before anything is
 * added: the hash, the chain link to the entry before it in its origin and
 * a metrics entry's digest over the points it brings. An entry already
 * held is skipped; a second entry for a held (origin, seq) is kept in the
 * fork table as evidence.
 */
#include "store/internal.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

#define FEED_VERSION 1

/* ---- writing ------------------------------------------------------- */

static void put_string(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p;

    buf_putc(b, '"');
    for (p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': buf_puts(b, "\\\""); break;
        case '\\': buf_puts(b, "\\\\"); break;
        case '\b': buf_puts(b, "\\b"); break;
        case '\f': buf_puts(b, "\\f"); break;
        case '\n': buf_puts(b, "\\n"); break;
        case '\r': buf_puts(b, "\\r"); break;
        case '\t': buf_puts(b, "\\t"); break;
        default:
            if (*p < 0x20) {
                buf_puts(b, "\\u00");
                buf_putc(b, hex[*p >> 4]);
                buf_putc(b, hex[*p & 15]);
            } else {
                buf_putc(b, (char)*p);
            }
        }
    }
    buf_putc(b, '"');
}

static void put_key(struct buf *b, const char *key, int first)
{
    if (!first)
        buf_putc(b, ',');
    put_string(b, key);
    buf_putc(b, ':');
}

static void put_hex(struct buf *b, const void *blob, int len)
{
    char hex[SHA256_HEX_LEN + 1] = "";

    if (len == SHA256_LEN)
        sha256_hex(hex, blob);
    put_string(b, hex);
}

static void put_value(struct buf *b, double v)
{
    if (isnan(v))
        buf_puts(b, "\"NaN\"");
    else if (isinf(v))
        buf_puts(b, v < 0 ? "\"-inf\"" : "\"inf\"");
    else if (v == 0 && signbit(v))
        buf_puts(b, "-0.0");
    else {
        char num[32];
        int p;

        /* The shortest of %.15g, %.16g, %.17g that reads back exactly. */
        for (p = 15; p < 17; p++) {
            snprintf(num, sizeof(num), "%.*g", p, v);
            if (strtod(num, NULL) == v)
                break;
        }
        if (p == 17)
            snprintf(num, sizeof(num), "%.17g", v);
        buf_puts(b, num);
    }
}

/* Standard base64 with padding, as a JSON string (no escaping needed). */
static void put_base64(struct buf *b, const unsigned char *p, size_t n)
{
    buf_putc(b, '"');
    base64_encode(b, p, n);
    buf_putc(b, '"');
}

struct feed_writer {
    struct store *s;
    FILE *out;
    struct buf line;
    sqlite3_stmt *points_v2, *points_v1, *blob, *pieces;
    sqlite3_stmt *spans_v2, *spans_v1; /* NULL: the file has no spans */
    const char *origin;  /* the scope: NULL (all) or one origin ... */
    int64_t after_seq;   /* ... after this seq */
    int scanned;         /* temp.feed_point holds the scope's points */
};

/* Appends ,"samples":[[bytes, row, id, score], ...] for a samples entry:
 * its pieces in file order (base64 bytes; null row, id or score when
 * none), everything its digest covers. */
static int put_pieces(struct feed_writer *w, int64_t id)
{
    sqlite3_stmt *st = w->pieces;
    struct buf *b = &w->line;
    int rc, n = 0;

    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, id);
    put_key(b, "samples", 0);
    buf_putc(b, '[');
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        buf_puts(b, n++ ? ",[" : "[");
        put_base64(b, sqlite3_column_blob(st, 0),
                   (size_t)sqlite3_column_bytes(st, 0));
        if (sqlite3_column_type(st, 1) == SQLITE_NULL)
            buf_puts(b, ",null");
        else
            buf_printf(b, ",%lld", (long long)sqlite3_column_int64(st, 1));
        buf_putc(b, ',');
        if (sqlite3_column_type(st, 2) == SQLITE_NULL)
            buf_puts(b, "null");
        else
            put_string(b, store_column_text(st, 2));
        buf_putc(b, ',');
        if (sqlite3_column_type(st, 3) == SQLITE_NULL)
            buf_puts(b, "null");
        else
            put_value(b, sqlite3_column_double(st, 3));
        buf_putc(b, ']');
    }
    buf_putc(b, ']');
    return rc == SQLITE_DONE ? 0 : store_db_error(w->s, "cannot read");
}

/* Appends ,"blob":"BASE64" for an attachment entry whose bytes are held,
 * so a replica that reads the feed has the file too. */
static int put_blob(struct feed_writer *w, const char *data)
{
    const char *h = strstr(data, "\"sha256\":\"");
    char hex[SHA256_HEX_LEN + 1];
    int rc;

    if (!h || strlen(h + 10) < SHA256_HEX_LEN)
        return 0;
    memcpy(hex, h + 10, SHA256_HEX_LEN);
    hex[SHA256_HEX_LEN] = '\0';
    sqlite3_reset(w->blob);
    sqlite3_bind_text(w->blob, 1, hex, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(w->blob);
    if (rc == SQLITE_ROW) {
        put_key(&w->line, "blob", 0);
        put_base64(&w->line, sqlite3_column_blob(w->blob, 0),
                   (size_t)sqlite3_column_bytes(w->blob, 0));
    }
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? 0
               : store_db_error(w->s, "cannot read");
}

/* Appends ,"points":[...] for metrics entry id. */
static int scan_points(struct feed_writer *w);

/* The groups of points of batch id, read through st (its spans, or the
 * scan); *rows_out counts them. */
static int put_groups(struct feed_writer *w, sqlite3_stmt *st, int64_t id,
                      int format, size_t *rows_out)
{
    struct buf *b = &w->line;
    char exp[27] = "", name[256] = "", attempt[27] = "";
    int64_t f1 = -1;
    int groups = 0, rc, open = 0;

    *rows_out = 0;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *e = store_column_text(st, 0);
        const char *n = store_column_text(st, 1);
        const char *a = store_column_text(st, 2);
        int64_t f = sqlite3_column_type(st, 3) == SQLITE_NULL
                        ? -1
                        : sqlite3_column_int64(st, 3);
        double v = sqlite3_column_type(st, 5) == SQLITE_NULL
                       ? NAN
                       : sqlite3_column_double(st, 5);

        if (!open || strcmp(e, exp) || strcmp(n, name) || strcmp(a, attempt)
            || f != f1) {
            if (open)
                buf_puts(b, "]}");
            buf_puts(b, groups++ ? ",{" : "{");
            put_key(b, "attempt", 1);
            put_string(b, a);
            put_key(b, "exp", 0);
            put_string(b, e);
            if (format == 1) {
                put_key(b, "f1", 0);
                buf_printf(b, "%lld", (long long)f);
            }
            put_key(b, "metric", 0);
            put_string(b, n);
            put_key(b, "steps", 0);
            buf_putc(b, '[');
            snprintf(exp, sizeof(exp), "%s", e);
            snprintf(name, sizeof(name), "%s", n);
            snprintf(attempt, sizeof(attempt), "%s", a);
            f1 = f;
            open = 1;
        } else {
            buf_putc(b, ',');
        }
        buf_printf(b, "[%lld,", (long long)sqlite3_column_int64(st, 4));
        put_value(b, v);
        buf_printf(b, ",%lld]", (long long)sqlite3_column_int64(st, 6));
        (*rows_out)++;
    }
    if (open)
        buf_puts(b, "]}");
    return rc == SQLITE_DONE ? 0 : store_db_error(w->s, "cannot read");
}

/* ,"points":[...] of batch id: by its spans when it has them, else from
 * one scan of the scope's points (made on first need). */
static int put_points(struct feed_writer *w, int64_t id, int format)
{
    sqlite3_stmt *spans = format == 1 ? w->spans_v1 : w->spans_v2;
    size_t rows = 0;
    int rc = 0;

    put_key(&w->line, "points", 0);
    buf_putc(&w->line, '[');
    if (spans)
        rc = put_groups(w, spans, id, format, &rows);
    if (rc == 0 && rows == 0)
        rc = scan_points(w);
    if (rc == 0 && rows == 0)
        rc = put_groups(w, format == 1 ? w->points_v1 : w->points_v2, id,
                        format, &rows);
    buf_putc(&w->line, ']');
    return rc;
}

/* Entry columns, in key order of the line where possible. */
static const char feed_entries_sql[] =
    "SELECT e.author, e.body, e.data, e.exp_uid, "
    "(SELECT x.seq FROM entry x WHERE x.uid = e.exp_uid AND e.exp_uid <> '' "
    " AND x.origin = e.origin), "
    "(SELECT x.seq FROM entry x WHERE x.uid = e.ref_uid AND e.ref_uid <> '' "
    " AND x.origin = e.origin), "
    "e.format, e.hash, e.hlc, e.kind, e.origin, e.prev, e.ref_uid, e.seq, "
    "e.title, e.ts, e.uid, e.id "
    "FROM entry e WHERE (?1 IS NULL OR e.origin = ?1) AND e.seq > ?2 "
    "ORDER BY e.hlc, e.origin, e.seq";

static int put_entry(struct feed_writer *w, sqlite3_stmt *st)
{
    struct buf *b = &w->line;
    int format = sqlite3_column_int(st, 6);
    int rc = 0;

    buf_reset(b);
    buf_putc(b, '{');
    put_key(b, "author", 1);
    put_string(b, store_column_text(st, 0));
    if (strcmp(store_column_text(st, 9), "attach") == 0)
        rc = put_blob(w, store_column_text(st, 2));
    put_key(b, "body", 0);
    put_string(b, store_column_text(st, 1));
    put_key(b, "data", 0);
    put_string(b, store_column_text(st, 2));
    put_key(b, "exp", 0);
    put_string(b, store_column_text(st, 3));
    if (format == 1) {
        /* Format-1 hashes name entries by seq: carry them. */
        put_key(b, "f1_exp", 0);
        buf_printf(b, "%lld", (long long)sqlite3_column_int64(st, 4));
        put_key(b, "f1_ref", 0);
        buf_printf(b, "%lld", (long long)sqlite3_column_int64(st, 5));
    }
    put_key(b, "format", 0);
    buf_printf(b, "%d", format);
    put_key(b, "hash", 0);
    put_hex(b, sqlite3_column_blob(st, 7), sqlite3_column_bytes(st, 7));
    put_key(b, "hlc", 0);
    buf_printf(b, "%lld", (long long)sqlite3_column_int64(st, 8));
    put_key(b, "kind", 0);
    put_string(b, store_column_text(st, 9));
    put_key(b, "origin", 0);
    put_string(b, store_column_text(st, 10));
    if (rc == 0 && strcmp(store_column_text(st, 9), "metrics") == 0)
        rc = put_points(w, sqlite3_column_int64(st, 17), format);
    put_key(b, "prev", 0);
    put_hex(b, sqlite3_column_blob(st, 11), sqlite3_column_bytes(st, 11));
    put_key(b, "ref", 0);
    put_string(b, store_column_text(st, 12));
    if (rc == 0 && strcmp(store_column_text(st, 9), "samples") == 0)
        rc = put_pieces(w, sqlite3_column_int64(st, 17));
    put_key(b, "seq", 0);
    buf_printf(b, "%lld", (long long)sqlite3_column_int64(st, 13));
    put_key(b, "title", 0);
    put_string(b, store_column_text(st, 14));
    put_key(b, "ts", 0);
    buf_printf(b, "%lld", (long long)sqlite3_column_int64(st, 15));
    put_key(b, "uid", 0);
    put_string(b, store_column_text(st, 16));
    buf_puts(b, "}\n");
    if (rc == 0 && fwrite(b->ptr, 1, b->len, w->out) != b->len)
        rc = ll_error(LL_EIO, "cannot write the feed");
    return rc;
}

/* The header: this replica's origin, host, author and parent, and every
 * origin's head. */
static int put_header(struct feed_writer *w)
{
    struct buf *b = &w->line;
    sqlite3_stmt *me = NULL, *st = NULL;
    char host[128] = "";
    const char *origin = "", *author = "", *parent = "";
    int n = 0;
    int rc = store_prepare(w->s,
        "SELECT r.origin,"
        " (SELECT e.author FROM entry e WHERE e.origin = r.origin"
        "  ORDER BY e.seq LIMIT 1),"
        " (SELECT json_extract(e.data, '$.parent') FROM entry e"
        "  WHERE e.origin = r.origin AND e.kind = 'origin'"
        "  ORDER BY e.seq LIMIT 1)"
        " FROM replica r ORDER BY r.id DESC LIMIT 1", &me);

    if (rc == 0)
        rc = store_prepare(w->s,
            "SELECT origin, max(seq), (SELECT h.hash FROM entry h WHERE"
            " h.origin = o.origin ORDER BY h.seq DESC LIMIT 1)"
            " FROM entry o GROUP BY origin ORDER BY origin", &st);
    if (rc)
        goto cleanup;
    rc = sqlite3_step(me);
    if (rc == SQLITE_ROW) {
        origin = store_column_text(me, 0);
        author = store_column_text(me, 1);
        parent = store_column_text(me, 2);
        rc = store_origin_host(w->s, origin, host, sizeof(host));
    } else {
        rc = rc == SQLITE_DONE ? 0 : store_db_error(w->s, "cannot read");
    }
    buf_reset(b);
    buf_putc(b, '{');
    put_key(b, "author", 1);
    put_string(b, author);
    put_key(b, "heads", 0);
    buf_putc(b, '[');
    while (rc == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        buf_puts(b, n++ ? ",{" : "{");
        put_key(b, "hash", 1);
        put_hex(b, sqlite3_column_blob(st, 2), sqlite3_column_bytes(st, 2));
        put_key(b, "origin", 0);
        put_string(b, store_column_text(st, 0));
        put_key(b, "seq", 0);
        buf_printf(b, "%lld}", (long long)sqlite3_column_int64(st, 1));
        rc = 0;
    }
    if (rc == SQLITE_DONE)
        rc = 0;
    else if (rc > 0)
        rc = store_db_error(w->s, "cannot read");
    buf_putc(b, ']');
    put_key(b, "host", 0);
    put_string(b, host);
    put_key(b, "lablog-feed", 0);
    buf_printf(b, "%d", FEED_VERSION);
    put_key(b, "origin", 0);
    put_string(b, origin);
    put_key(b, "parent", 0);
    put_string(b, parent);
    buf_puts(b, "}\n");
    if (rc == 0 && fwrite(b->ptr, 1, b->len, w->out) != b->len)
        rc = ll_error(LL_EIO, "cannot write the feed");
cleanup:
    sqlite3_finalize(st);
    sqlite3_finalize(me);
    return rc;
}

/*
 * The points of each batch, reachable by batch: a temporary copy indexed
 * by (batch, digest order), because the point table is clustered by series
 * and a batch's points are spread over it. Temporary tables work on a
 * read-only connection.
 */
static const char feed_temp_sql[] =
    "CREATE TEMP TABLE feed_point AS SELECT p.batch AS batch, s.exp_uid AS "
    "exp_uid, s.name AS name, s.attempt AS attempt, s.f1 AS f1, p.step AS "
    "step, p.value AS value, p.ts AS ts FROM point p JOIN series s ON "
    "s.id = p.series WHERE ?1 IS NULL OR p.batch IN (SELECT id FROM entry "
    "WHERE origin = ?1 AND seq > ?2)";
static const char feed_temp_index_sql[] =
    "CREATE INDEX temp.feed_point_order ON feed_point(batch, exp_uid, name, "
    "attempt, step)";

/* Runs one statement with the scope (?1 origin or NULL, ?2 after seq). */
static int exec_scoped(struct store *s, const char *sql, const char *origin,
                       int64_t after_seq)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, sql, &st);

    if (rc)
        return rc;
    if (origin)
        store_bind_text(st, 1, origin);
    sqlite3_bind_int64(st, 2, after_seq);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = store_db_error(s, "cannot read");
    sqlite3_finalize(st);
    return rc;
}

/* Points of batches without spans: one pass over the scope's points into
 * a temporary table keyed by batch (the point table is keyed by series). */
static int scan_points(struct feed_writer *w)
{
    int rc = 0;

    if (w->scanned)
        return 0;
    w->scanned = 1;
    rc = exec_scoped(w->s, feed_temp_sql, w->origin, w->after_seq);
    if (rc == 0)
        rc = exec_scoped(w->s, feed_temp_index_sql, NULL, 0);
    if (rc == 0)
        rc = store_prepare(w->s, "SELECT exp_uid, name, attempt, NULL, "
                                 "step, value, ts FROM temp.feed_point WHERE "
                                 "batch = ?1 ORDER BY exp_uid, name, attempt, "
                                 "step", &w->points_v2);
    if (rc == 0)
        rc = store_prepare(w->s, "SELECT exp_uid, name, attempt, f1, step, "
                                 "value, ts FROM temp.feed_point WHERE "
                                 "batch = ?1 ORDER BY f1, step",
                           &w->points_v1);
    return rc;
}

/* The span statements, when the file has spans (a read-only older file
 * may not): NULL otherwise, and every batch is read by the scan. */
static void prepare_spans(struct feed_writer *w)
{
    static const char head[] =
        "SELECT s.exp_uid, s.name, s.attempt, s.f1, p.step, p.value, p.ts "
        "FROM batch_span b JOIN series s ON s.id = b.series "
        "JOIN point p ON p.series = b.series AND p.step BETWEEN b.lo AND "
        "b.hi AND p.batch = b.batch WHERE b.batch = ?1 ";
    char sql[512];

    snprintf(sql, sizeof(sql), "%sORDER BY s.exp_uid, s.name, s.attempt, "
             "p.step", head);
    if (sqlite3_prepare_v2(w->s->db, sql, -1, &w->spans_v2, NULL)
        != SQLITE_OK)
        w->spans_v2 = NULL;
    snprintf(sql, sizeof(sql), "%sORDER BY s.f1, p.step", head);
    if (sqlite3_prepare_v2(w->s->db, sql, -1, &w->spans_v1, NULL)
        != SQLITE_OK)
        w->spans_v1 = NULL;
}

int store_feed_write(struct store *s, FILE *out)
{
    return store_feed_write_origin(s, NULL, 0, 1, out);
}

int store_feed_write_origin(struct store *s, const char *origin,
                            int64_t after_seq, int header, FILE *out)
{
    struct feed_writer w = { 0 };
    sqlite3_stmt *st = NULL;
    int rc = 0;

    w.s = s;
    w.out = out;
    buf_init(&w.line);
    if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return store_db_error(s, "cannot read");
    if (header)
        rc = put_header(&w);
    w.origin = origin;
    w.after_seq = after_seq;
    prepare_spans(&w);
    if (rc == 0)
        rc = store_prepare(s, "SELECT data FROM blob WHERE sha256 = ?1",
                           &w.blob);
    if (rc == 0)
        rc = store_prepare(s, "SELECT bytes, row, sid, score FROM sample "
                              "WHERE entry = ?1 ORDER BY seq", &w.pieces);
    if (rc == 0)
        rc = store_prepare(s, feed_entries_sql, &st);
    if (rc == 0 && origin)
        store_bind_text(st, 1, origin);
    if (rc == 0)
        sqlite3_bind_int64(st, 2, after_seq);
    while (rc == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
        rc = put_entry(&w, st);
    if (rc == SQLITE_DONE)
        rc = 0;
    else if (rc > 0)
        rc = store_db_error(s, "cannot read");
    sqlite3_finalize(st);
    sqlite3_finalize(w.points_v1);
    sqlite3_finalize(w.points_v2);
    sqlite3_finalize(w.spans_v1);
    sqlite3_finalize(w.spans_v2);
    sqlite3_finalize(w.blob);
    sqlite3_finalize(w.pieces);
    sqlite3_exec(s->db, "DROP TABLE IF EXISTS temp.feed_point", NULL, NULL,
                 NULL);
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    buf_release(&w.line);
    return rc;
}

/* ---- reading ------------------------------------------------------- */

struct feed_reader {
    struct store *s;
    const char *name;
    size_t lineno;
    struct store_import_stats *st;
    struct store_seen_head *heads; /* each origin's newest line, by arrival */
    size_t nheads, cap_heads;
};

/* Keeps the newest entry of each origin the feed holds. */
static void note_head(struct feed_reader *r, const char *origin, int64_t seq,
                      const unsigned char hash[SHA256_LEN])
{
    struct store_seen_head *h = NULL;
    size_t i;

    for (i = 0; i < r->nheads && !h; i++)
        if (strcmp(r->heads[i].origin, origin) == 0)
            h = &r->heads[i];
    if (!h) {
        XGROW(r->heads, r->nheads + 1, r->cap_heads);
        h = &r->heads[r->nheads++];
        memset(h, 0, sizeof(*h));
        snprintf(h->origin, sizeof(h->origin), "%s", origin);
    }
    if (seq > h->seq) {
        h->seq = seq;
        memcpy(h->hash, hash, SHA256_LEN);
    }
}

static int bad(const struct feed_reader *r, const char *what)
{
    return ll_error(LL_EINPUT, "%s:%zu: %s", r->name, r->lineno, what);
}

static const char *str_field(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int int_field(json_t *o, const char *key, int64_t *out)
{
    json_t *v = json_object_get(o, key);

    if (!json_is_integer(v))
        return -1;
    *out = json_integer_value(v);
    return 0;
}

static int hex_field(json_t *o, const char *key,
                     unsigned char out[SHA256_LEN])
{
    const char *v = str_field(o, key);

    return v ? sha256_from_hex(out, v) : -1;
}

static int parse_value(json_t *v, double *out)
{
    const char *t = json_is_string(v) ? json_string_value(v) : NULL;

    if (json_is_number(v)) {
        *out = json_number_value(v);
        return 0;
    }
    if (t && strcmp(t, "NaN") == 0)
        *out = NAN;
    else if (t && strcmp(t, "inf") == 0)
        *out = INFINITY;
    else if (t && strcmp(t, "-inf") == 0)
        *out = -INFINITY;
    else
        return -1;
    return 0;
}

/* Byte order of strings, the digest's group order. */
static int group_cmp(const char *e0, const char *m0, const char *a0,
                     const char *e1, const char *m1, const char *a1)
{
    int c = strcmp(e0, e1);

    if (c == 0)
        c = strcmp(m0, m1);
    if (c == 0)
        c = strcmp(a0, a1);
    return c;
}

/*
 * With checked_out set: checks a metrics line's points against its digest
 * and count, and that they come in the digest's order (so the stored
 * points verify later), and counts them. With insert_batch set: stores
 * them under that batch id (a line check_line() has checked).
 */
static int line_points(struct feed_reader *r, json_t *line, int format,
                       const char *data, int64_t insert_batch,
                       size_t *checked_out)
{
    json_t *groups = json_object_get(line, "points");
    struct sha256 h;
    unsigned char d[SHA256_LEN];
    char hex[SHA256_HEX_LEN + 1];
    const char *pe = "", *pm = "", *pa = "", *dg;
    int64_t pf = -1, count = 0, want;
    size_t i, j;
    int rc = 0;

    if (!json_is_array(groups))
        return bad(r, "a metrics entry without its points");
    sha256_init(&h);
    for (i = 0; rc == 0 && i < json_array_size(groups); i++) {
        json_t *g = json_array_get(groups, i);
        json_t *steps = json_object_get(g, "steps");
        const char *e = str_field(g, "exp"), *m = str_field(g, "metric");
        const char *a = str_field(g, "attempt");
        int64_t f1 = -1, series = 0, prev_step = -1;

        if (!e || !m || !a || !json_is_array(steps)
            || (format == 1 && int_field(g, "f1", &f1))) {
            rc = bad(r, "a malformed group of points");
            break;
        }
        if (i > 0 && (format == 2 ? group_cmp(pe, pm, pa, e, m, a) >= 0
                                  : f1 <= pf)) {
            rc = bad(r, "points out of digest order");
            break;
        }
        pe = e;
        pm = m;
        pa = a;
        pf = f1;
        if (insert_batch) {
            sqlite3_stmt *st = NULL;

            rc = store_prepare(r->s, "INSERT INTO series(exp_uid, name, "
                                     "attempt, f1) SELECT ?1, ?2, ?3, ?4 "
                                     "WHERE NOT EXISTS (SELECT 1 FROM series "
                                     "WHERE exp_uid = ?1 AND name = ?2 AND "
                                     "attempt = ?3)", &st);
            if (rc)
                break;
            store_bind_text(st, 1, e);
            store_bind_text(st, 2, m);
            store_bind_text(st, 3, a);
            if (f1 >= 0)
                sqlite3_bind_int64(st, 4, f1);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = store_db_error(r->s, "cannot write to");
            sqlite3_finalize(st);
            st = store_stmt(r->s, STMT_SERIES_FIND);
            if (rc == 0 && !st)
                rc = LL_EDB;
            if (rc)
                break;
            store_bind_text(st, 1, e);
            store_bind_text(st, 2, m);
            store_bind_text(st, 3, a);
            if (sqlite3_step(st) == SQLITE_ROW)
                series = sqlite3_column_int64(st, 0);
            sqlite3_reset(st);
        }
        if (insert_batch && series && json_array_size(steps) > 0) {
            /* Steps come in increasing order (checked below). */
            json_t *first = json_array_get(json_array_get(steps, 0), 0);
            json_t *last = json_array_get(
                json_array_get(steps, json_array_size(steps) - 1), 0);

            if (json_is_integer(first) && json_is_integer(last))
                rc = store_span_add(r->s, insert_batch, series,
                                    json_integer_value(first),
                                    json_integer_value(last));
        }
        for (j = 0; rc == 0 && j < json_array_size(steps); j++) {
            json_t *p = json_array_get(steps, j);
            int64_t step, ts;
            double v;

            if (!json_is_array(p) || json_array_size(p) != 3
                || !json_is_integer(json_array_get(p, 0))
                || parse_value(json_array_get(p, 1), &v)
                || !json_is_integer(json_array_get(p, 2))) {
                rc = bad(r, "a malformed point");
                break;
            }
            step = json_integer_value(json_array_get(p, 0));
            ts = json_integer_value(json_array_get(p, 2));
            if (step <= prev_step) {
                rc = bad(r, "points out of digest order");
                break;
            }
            prev_step = step;
            if (!checked_out) {
                /* checked before: only stored */
            } else if (format == 2) {
                canon_point(&h, e, m, a, step, v, ts);
            } else {
                sqlite3_stmt *st = NULL;
                int64_t exp_seq = 0;

                /* Format 1 names the experiment by its seq. */
                rc = store_prepare(r->s, "SELECT seq FROM entry WHERE uid = "
                                         "?1", &st);
                if (rc)
                    break;
                store_bind_text(st, 1, e);
                if (sqlite3_step(st) == SQLITE_ROW)
                    exp_seq = sqlite3_column_int64(st, 0);
                sqlite3_finalize(st);
                canon_point_v1(&h, exp_seq, m, step, v, ts);
            }
            count++;
            if (insert_batch) {
                sqlite3_stmt *st = store_stmt(r->s, STMT_POINT_INSERT);

                if (!st) {
                    rc = LL_EDB;
                    break;
                }
                sqlite3_bind_int64(st, 1, series);
                sqlite3_bind_int64(st, 2, step);
                sqlite3_bind_int64(st, 3, insert_batch);
                if (isnan(v))
                    sqlite3_bind_null(st, 4);
                else
                    sqlite3_bind_double(st, 4, v);
                sqlite3_bind_int64(st, 5, ts);
                if (sqlite3_step(st) != SQLITE_DONE)
                    rc = store_db_error(r->s, "cannot write to");
                sqlite3_reset(st);
            }
        }
    }
    sha256_final(&h, d);
    if (rc)
        return rc;
    if (insert_batch)
        r->st->points += (size_t)count;
    if (!checked_out)
        return 0;
    *checked_out = (size_t)count;
    sha256_hex(hex, d);
    dg = strstr(data, "\"digest\":\"");
    want = strstr(data, "\"points\":") ? strtoll(strstr(data, "\"points\":")
                                                     + 9, NULL, 10)
                                       : -1;
    if (!dg || strncmp(dg + 10, hex, SHA256_HEX_LEN) != 0 || want != count)
        return bad(r, "a metrics entry whose points do not match its digest");
    return 0;
}

/* An attachment line's bytes: they must be the file its data names (its
 * hash and size); with store, stored (once, like every blob). */
static int line_blob(struct feed_reader *r, json_t *line, const char *data,
                     int store)
{
    const char *text = str_field(line, "blob");
    const char *h = strstr(data, "\"sha256\":\"");
    const char *n = strstr(data, "\"size\":");
    struct buf bytes = BUF_INIT;
    char hex[SHA256_HEX_LEN + 1];
    int rc = 0;

    if (!text)
        return 0; /* the writer did not hold it; verify will say so */
    if (base64_decode(&bytes, text, strlen(text)))
        rc = bad(r, "an attachment whose bytes are not base64");
    if (rc == 0) {
        unsigned char d[SHA256_LEN];

        sha256_bytes(d, bytes.ptr, bytes.len);
        sha256_hex(hex, d);
        if (!h || strncmp(h + 10, hex, SHA256_HEX_LEN) != 0 || !n
            || strtoll(n + 7, NULL, 10) != (long long)bytes.len)
            rc = bad(r, "an attachment whose bytes are not the file its "
                     "entry names");
    }
    if (rc == 0 && store)
        rc = store_blob_put(r->s, bytes.ptr, bytes.len, hex);
    buf_release(&bytes);
    return rc;
}

/*
 * A samples line's pieces: they must be what its entry recorded (digest,
 * file hash, count, size); with entry set, they are stored under it.
 */
static int line_pieces(struct feed_reader *r, json_t *line, const char *data,
                       int64_t entry)
{
    json_t *pieces = json_object_get(line, "samples");
    json_t *d = json_loads(data, 0, NULL);
    const char *want_digest = json_string_value(json_object_get(d, "digest"));
    const char *want_sha = json_string_value(json_object_get(d, "sha256"));
    json_int_t want_n = json_integer_value(json_object_get(d, "pieces"));
    json_int_t want_size = json_integer_value(json_object_get(d, "size"));
    struct sha256 file, digest;
    struct buf bytes = BUF_INIT;
    unsigned char out[SHA256_LEN];
    char hex_file[SHA256_HEX_LEN + 1], hex_digest[SHA256_HEX_LEN + 1];
    sqlite3_stmt *st = NULL;
    int64_t size = 0;
    size_t i;
    int rc = 0;

    if (!json_is_array(pieces)) {
        json_decref(d);
        return bad(r, "a samples entry without its pieces");
    }
    if (entry)
        rc = store_prepare(r->s, "INSERT INTO sample(entry, seq, row, sid, "
                                 "score, bytes) VALUES (?1, ?2, ?3, ?4, ?5, "
                                 "?6)", &st);
    sha256_init(&file);
    canon_samples_start(&digest);
    for (i = 0; rc == 0 && i < json_array_size(pieces); i++) {
        json_t *p = json_array_get(pieces, i);
        json_t *row = json_array_get(p, 1), *sid = json_array_get(p, 2);
        json_t *score = json_array_get(p, 3);
        const char *text = json_string_value(json_array_get(p, 0));
        double sc = 0;

        buf_reset(&bytes);
        if (json_array_size(p) != 4 || !text
            || base64_decode(&bytes, text, strlen(text))
            || !(json_is_null(row) || json_is_integer(row))
            || !(json_is_null(sid) || json_is_string(sid))
            || !(json_is_null(score) || parse_value(score, &sc) == 0)) {
            rc = bad(r, "a malformed sample piece");
            break;
        }
        sha256_update(&file, bytes.ptr, bytes.len);
        canon_sample_piece(&digest, bytes.ptr, bytes.len,
                           json_is_integer(row) ? json_integer_value(row) : 0,
                           json_string_value(sid),
                           json_is_string(sid) ? json_string_length(sid) : 0,
                           !json_is_null(score), sc);
        size += (int64_t)bytes.len;
        if (entry) {
            sqlite3_reset(st);
            sqlite3_bind_int64(st, 1, entry);
            sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
            if (json_is_integer(row))
                sqlite3_bind_int64(st, 3, json_integer_value(row));
            else
                sqlite3_bind_null(st, 3);
            if (json_is_string(sid))
                sqlite3_bind_text64(st, 4, json_string_value(sid),
                                    json_string_length(sid), SQLITE_TRANSIENT,
                                    SQLITE_UTF8);
            else
                sqlite3_bind_null(st, 4);
            if (json_is_null(score))
                sqlite3_bind_null(st, 5);
            else
                sqlite3_bind_double(st, 5, sc);
            sqlite3_bind_blob64(st, 6, bytes.len ? bytes.ptr : "", bytes.len,
                                SQLITE_TRANSIENT);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = store_db_error(r->s, "cannot write to");
        }
    }
    sha256_final(&file, out);
    sha256_hex(hex_file, out);
    sha256_final(&digest, out);
    sha256_hex(hex_digest, out);
    if (rc == 0 && (!want_digest || !want_sha
                    || strcmp(want_digest, hex_digest) != 0
                    || strcmp(want_sha, hex_file) != 0
                    || want_n != (json_int_t)json_array_size(pieces)
                    || want_size != size))
        rc = bad(r, "a samples entry whose pieces do not match its digest");
    sqlite3_finalize(st);
    buf_release(&bytes);
    json_decref(d);
    return rc;
}

/* What this log holds at (origin, seq): *held 0 none, 1 the same hash, 2
 * another hash. */
static int held_at(struct store *s, const char *origin, int64_t seq,
                   const unsigned char hash[SHA256_LEN], int *held,
                   unsigned char have[SHA256_LEN])
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT hash FROM entry WHERE origin = ?1 AND "
                              "seq = ?2", &st);

    *held = 0;
    if (rc)
        return rc;
    store_bind_text(st, 1, origin);
    sqlite3_bind_int64(st, 2, seq);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == SHA256_LEN) {
        memcpy(have, sqlite3_column_blob(st, 0), SHA256_LEN);
        *held = memcmp(have, hash, SHA256_LEN) == 0 ? 1 : 2;
    }
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE
             ? 0
             : store_db_error(s, "cannot read");
    sqlite3_finalize(st);
    return rc;
}

static int keep_fork(struct feed_reader *r, const char *origin, int64_t seq,
                     const unsigned char hash[SHA256_LEN], const char *text,
                     size_t len)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(r->s, "INSERT INTO fork(origin, seq, hash, line, "
                                 "received) VALUES (?1, ?2, ?3, ?4, ?5)", &st);

    if (rc)
        return rc;
    store_bind_text(st, 1, origin);
    sqlite3_bind_int64(st, 2, seq);
    sqlite3_bind_blob(st, 3, hash, SHA256_LEN, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, text, (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, store_wall_ms());
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = store_db_error(r->s, "cannot write to");
    sqlite3_finalize(st);
    if (rc == 0)
        r->st->forks++;
    return rc;
}

/*
 * One feed line, read and checked: everything that can be checked without
 * the write lock (fields, hash, digest, attachment bytes) is, by
 * check_line(); apply_line() then adds it under the lock.
 */
struct pending_line {
    json_t *line;       /* owned */
    char *text;         /* the line as received (forks keep it), owned */
    size_t len, lineno;
    struct entry e;     /* strings borrowed from line */
    const char *kind;
    int64_t format, f1_exp, f1_ref;
    unsigned char prev[SHA256_LEN], hash[SHA256_LEN];
    size_t points;      /* metrics entries: how many */
};

static void pending_release(struct pending_line *pl)
{
    json_decref(pl->line);
    free(pl->text);
    memset(pl, 0, sizeof(*pl));
}

static int check_line(struct feed_reader *r, const char *text, size_t len,
                      struct pending_line *pl)
{
    unsigned char want[SHA256_LEN];
    json_error_t jerr;
    struct entry *e = &pl->e;
    const char *origin, *uid;
    int rc = 0;

    memset(pl, 0, sizeof(*pl));
    pl->line = json_loadb(text, len, 0, &jerr);
    pl->lineno = r->lineno;
    if (!json_is_object(pl->line)) {
        pending_release(pl);
        return bad(r, "not a JSON object");
    }
    origin = str_field(pl->line, "origin");
    pl->kind = str_field(pl->line, "kind");
    e->author = str_field(pl->line, "author");
    e->title = str_field(pl->line, "title");
    e->body = str_field(pl->line, "body");
    e->data = str_field(pl->line, "data");
    e->exp_uid = str_field(pl->line, "exp");
    e->ref_uid = str_field(pl->line, "ref");
    e->kind_name = pl->kind;
    uid = str_field(pl->line, "uid");
    if (!origin || strlen(origin) != 26 || !pl->kind || !e->author
        || !e->title || !e->body || !e->data || !e->exp_uid || !e->ref_uid
        || !uid || strlen(uid) != 26
        || int_field(pl->line, "seq", &e->seq) || e->seq < 1
        || int_field(pl->line, "hlc", &e->hlc)
        || int_field(pl->line, "ts", &e->ts)
        || int_field(pl->line, "format", &pl->format)
        || (pl->format != 1 && pl->format != 2)
        || hex_field(pl->line, "prev", pl->prev)
        || hex_field(pl->line, "hash", pl->hash)
        || (pl->format == 1 && (int_field(pl->line, "f1_exp", &pl->f1_exp)
                                || int_field(pl->line, "f1_ref",
                                             &pl->f1_ref)))) {
        pending_release(pl);
        return bad(r, "an entry line without its fields");
    }
    snprintf(e->origin, sizeof(e->origin), "%s", origin);
    memcpy(e->uid, uid, sizeof(e->uid));
    e->format = (int)pl->format;
    if (pl->format == 1)
        canon_entry_hash_v1(want, pl->prev, e, pl->f1_exp, pl->f1_ref);
    else
        canon_entry_hash(want, pl->prev, e);
    if (memcmp(want, pl->hash, SHA256_LEN) != 0)
        rc = bad(r, "the entry does not match its hash");
    if (rc == 0 && strcmp(pl->kind, "attach") == 0)
        rc = line_blob(r, pl->line, e->data, 0);
    if (rc == 0 && strcmp(pl->kind, "metrics") == 0)
        rc = line_points(r, pl->line, (int)pl->format, e->data, 0,
                         &pl->points);
    if (rc == 0 && strcmp(pl->kind, "samples") == 0)
        rc = line_pieces(r, pl->line, e->data, 0);
    if (rc) {
        pending_release(pl);
        return rc;
    }
    pl->text = xmalloc(len + 1);
    memcpy(pl->text, text, len);
    pl->text[len] = '\0';
    pl->len = len;
    return 0;
}

/* Adds a checked line, in the caller's write transaction: held already,
 * a fork (kept as evidence), or the next of its origin's chain. */
static int apply_line(struct feed_reader *r, struct pending_line *pl)
{
    static const unsigned char zero[SHA256_LEN];
    unsigned char have[SHA256_LEN];
    struct entry *e = &pl->e;
    const char *origin = e->origin;
    int64_t id = 0;
    int held = 0;
    int rc = held_at(r->s, origin, e->seq, pl->hash, &held, have);

    r->lineno = pl->lineno;
    if (rc)
        return rc;
    if (held == 2)
        return keep_fork(r, origin, e->seq, pl->hash, pl->text, pl->len);
    note_head(r, origin, e->seq, pl->hash);
    if (held == 1) {
        r->st->held++;
        return 0;
    }
    /* A new entry must continue its origin's chain as held here. */
    if (e->seq == 1 && memcmp(pl->prev, zero, SHA256_LEN) != 0)
        return bad(r, "the first entry of an origin names a predecessor");
    if (e->seq > 1) {
        rc = held_at(r->s, origin, e->seq - 1, pl->prev, &held, have);
        if (rc == 0 && held != 1)
            rc = ll_error(LL_EINPUT, "%s:%zu: entry %s:%lld does not follow "
                          "this log's %s:%lld (%s)", r->name, r->lineno,
                          origin, (long long)e->seq, origin,
                          (long long)e->seq - 1,
                          held ? "another hash: a fork" : "not held");
        if (rc)
            return rc;
    }
    rc = store_next_id(r->s, &id);
    if (rc == 0 && strcmp(pl->kind, "attach") == 0)
        rc = line_blob(r, pl->line, e->data, 1);
    if (rc == 0 && strcmp(pl->kind, "metrics") == 0)
        rc = line_points(r, pl->line, (int)pl->format, e->data, id, NULL);
    if (rc == 0 && strcmp(pl->kind, "samples") == 0)
        rc = line_pieces(r, pl->line, e->data, id);
    if (rc == 0) {
        sqlite3_stmt *st = store_stmt(r->s, STMT_INSERT_ENTRY);

        if (!st)
            return LL_EDB;
        sqlite3_bind_int64(st, 1, id);
        store_bind_text(st, 2, e->uid);
        store_bind_text(st, 3, e->origin);
        sqlite3_bind_int64(st, 4, e->seq);
        sqlite3_bind_blob(st, 5, pl->prev, SHA256_LEN, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, e->hlc);
        sqlite3_bind_int64(st, 7, e->ts);
        store_bind_text(st, 8, e->author);
        store_bind_text(st, 9, pl->kind);
        store_bind_text(st, 10, e->exp_uid);
        store_bind_text(st, 11, e->ref_uid);
        store_bind_text(st, 12, e->title);
        store_bind_text(st, 13, e->body);
        store_bind_text(st, 14, e->data);
        sqlite3_bind_int(st, 15, (int)pl->format);
        sqlite3_bind_blob(st, 16, pl->hash, SHA256_LEN, SQLITE_STATIC);
        sqlite3_bind_int64(st, 17, store_wall_ms());
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_db_error(r->s, "cannot write to");
        sqlite3_reset(st);
    }
    if (rc == 0)
        r->st->entries++;
    return rc;
}

static int check_header(struct feed_reader *r, const char *text, size_t len)
{
    json_t *h = json_loadb(text, len, 0, NULL);
    json_t *v = json_object_get(h, "lablog-feed");
    int rc = 0;

    if (!json_is_integer(v))
        rc = bad(r, "not a lablog feed (no \"lablog-feed\" header)");
    else if (json_integer_value(v) != FEED_VERSION)
        rc = ll_error(LL_EINPUT, "%s:%zu: a feed of format %lld (this lablog "
                      "reads %d): upgrade lablog", r->name, r->lineno,
                      (long long)json_integer_value(v), FEED_VERSION);
    json_decref(h);
    return rc;
}

/* A chunk of checked lines waits for one transaction: the write lock is
 * held to add them, never while a feed is read or checked. */
#define CHUNK_LINES 1000
#define CHUNK_POINTS 50000

struct chunk {
    struct pending_line *lines;
    size_t len, cap, points;
};

/* Adds the chunk's lines in one transaction and empties it. */
static int apply_chunk(struct feed_reader *r, struct chunk *c)
{
    size_t lineno = r->lineno, i;
    int rc = c->len ? store_begin_write(r->s) : 0;

    for (i = 0; rc == 0 && i < c->len; i++)
        rc = apply_line(r, &c->lines[i]);
    if (c->len && rc == 0)
        rc = store_commit(r->s);
    else if (c->len)
        store_rollback(r->s);
    for (i = 0; i < c->len; i++)
        pending_release(&c->lines[i]);
    c->len = c->points = 0;
    if (rc == 0)
        r->lineno = lineno;
    return rc;
}

int store_feed_import(struct store *s, FILE *in, const char *name,
                      const char *source, struct store_import_stats *stats)
{
    struct feed_reader r = { s, name, 0, stats, NULL, 0, 0 };
    struct chunk c = { NULL, 0, 0, 0 };
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0, bad_rc = 0;

    memset(stats, 0, sizeof(*stats));
    while (rc == 0 && (n = getline(&line, &cap, in)) >= 0) {
        r.lineno++;
        if (n == 0 || line[n - 1] != '\n')
            break; /* an unterminated last line is a write in progress */
        n--;
        if (r.lineno == 1) {
            rc = check_header(&r, line, (size_t)n);
            continue;
        }
        if (n == 0)
            continue;
        XGROW(c.lines, c.len + 1, c.cap);
        bad_rc = check_line(&r, line, (size_t)n, &c.lines[c.len]);
        if (bad_rc)
            break;
        c.points += c.lines[c.len++].points;
        if (c.len >= CHUNK_LINES || c.points >= CHUNK_POINTS)
            rc = apply_chunk(&r, &c);
    }
    /* What came before a bad line is added; nothing from it on. */
    if (rc == 0) {
        char why[1024];

        snprintf(why, sizeof(why), "%s", bad_rc ? ll_error_message() : "");
        rc = apply_chunk(&r, &c);
        if (rc == 0 && bad_rc)
            rc = ll_error(bad_rc, "%s", why);
    }
    if (rc == 0 && r.lineno == 0)
        rc = ll_error(LL_EINPUT, "%s: empty: not a lablog feed", name);
    free(line);
    if (rc == 0 && source)
        rc = store_seen_heads_record(s, source, r.heads, r.nheads);
    for (size_t i = 0; i < c.len; i++)
        pending_release(&c.lines[i]);
    free(c.lines);
    free(r.heads);
    return rc;
}
