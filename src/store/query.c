/* SPDX-License-Identifier: MIT */
/*
 * Read queries for the read commands and the view layer.
 *
 * Each iterating function prepares its own statement (not the cache), so a
 * callback may run further queries while the iteration is under way.
 */
#include "store/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"

void store_row_entry(sqlite3_stmt *st, struct entry *e)
{
    const char *uid = store_column_text(st, 1);
    int kind = entry_kind_parse(store_column_text(st, 4));

    e->id = sqlite3_column_int64(st, 0);
    strncpy(e->uid, uid, sizeof(e->uid) - 1);
    e->uid[sizeof(e->uid) - 1] = '\0';
    e->ts = sqlite3_column_int64(st, 2);
    e->author = store_column_text(st, 3);
    e->kind = kind < 0 ? ENTRY_NOTE : (enum entry_kind)kind;
    e->exp = sqlite3_column_int64(st, 5);
    e->ref = sqlite3_column_int64(st, 6);
    e->title = store_column_text(st, 7);
    e->body = store_column_text(st, 8);
    e->data = store_column_text(st, 9);
    e->exp_name = sqlite3_column_type(st, 10) == SQLITE_NULL
                      ? NULL
                      : store_column_text(st, 10);
}

static int prepare(struct store *s, const char *sql, sqlite3_stmt **out)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, out, NULL) != SQLITE_OK)
        return store_db_error(s, "cannot query");
    return 0;
}

/* Steps st to the end, calling fn per row; finalizes st. */
static int each_entry(struct store *s, sqlite3_stmt *st, store_entry_fn *fn,
                      void *ctx)
{
    struct entry e;
    int rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_row_entry(st, &e);
        rc = fn(ctx, &e);
        if (rc) {
            sqlite3_finalize(st);
            return rc;
        }
    }
    rc = rc == SQLITE_DONE ? 0 : store_db_error(s, "cannot read");
    sqlite3_finalize(st);
    return rc;
}

int store_exp_find(struct store *s, const char *name, int64_t *id_out)
{
    sqlite3_stmt *st = store_stmt(s, STMT_EXP_FIND);
    int rc;

    if (!st)
        return LL_EDB;
    store_bind_text(st, 1, name);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id_out = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        return 0;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return store_db_error(s, "cannot read");
    return ll_error(LL_ENOTFOUND, "unknown experiment '%s' (see 'lablog exp "
                    "list'; create it with 'lablog exp new %s')", name, name);
}

int store_entry_get(struct store *s, int64_t id, store_entry_fn *fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    struct entry e;
    int rc = prepare(s, "SELECT " ENTRY_COLUMNS " FROM entry e WHERE e.id = ?1",
                     &st);

    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        store_row_entry(st, &e);
        rc = fn(ctx, &e);
    } else if (rc == SQLITE_DONE) {
        rc = ll_error(LL_ENOTFOUND, "no entry %lld in this log", (long long)id);
    } else {
        rc = store_db_error(s, "cannot read");
    }
    sqlite3_finalize(st);
    return rc;
}

int store_entries(struct store *s, const struct entry_filter *f,
                  store_entry_fn *fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare(s,
                     "SELECT " ENTRY_COLUMNS " FROM entry e"
                     " WHERE (?1 = 0 OR e.ts >= ?1) AND (?2 = 0 OR e.ts < ?2)"
                     " AND (?3 = 0 OR e.exp = ?3 OR e.id = ?3)"
                     " AND (?4 IS NULL OR e.kind = ?4)"
                     " AND (?5 = 0 OR e.ref = ?5) AND e.id > ?6"
                     " ORDER BY e.id",
                     &st);

    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, f->since);
    sqlite3_bind_int64(st, 2, f->until);
    sqlite3_bind_int64(st, 3, f->exp);
    if (f->kind >= 0)
        store_bind_text(st, 4, entry_kind_name((enum entry_kind)f->kind));
    sqlite3_bind_int64(st, 5, f->ref);
    sqlite3_bind_int64(st, 6, f->after);
    return each_entry(s, st, fn, ctx);
}

int store_last_ts(struct store *s, enum entry_kind kind, int64_t until,
                  int64_t *ts_out)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, "SELECT max(ts) FROM entry WHERE kind = ?1"
                        " AND (?2 = 0 OR ts < ?2)", &st);

    *ts_out = 0;
    if (rc)
        return rc;
    store_bind_text(st, 1, entry_kind_name(kind));
    sqlite3_bind_int64(st, 2, until);
    if (sqlite3_step(st) == SQLITE_ROW)
        *ts_out = sqlite3_column_int64(st, 0);
    else
        rc = store_db_error(s, "cannot read");
    sqlite3_finalize(st);
    return rc;
}

int store_search(struct store *s, const char *query, store_entry_fn *fn,
                 void *ctx)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare(s,
                     "SELECT " ENTRY_COLUMNS " FROM entry_fts f"
                     " JOIN entry e ON e.id = f.rowid"
                     " WHERE entry_fts MATCH ?1 ORDER BY e.id",
                     &st);

    if (rc)
        return rc;
    store_bind_text(st, 1, query);
    rc = each_entry(s, st, fn, ctx);
    /* The query is the only user input here: a failure is its syntax. */
    if (rc == LL_EDB)
        rc = ll_error(LL_EUSAGE, "invalid search query '%s' (%s; FTS5 "
                      "syntax: words, \"a phrase\", AND, OR, NOT, prefix*)",
                      query, sqlite3_errmsg(s->db));
    return rc;
}

/* ---- metric series ----------------------------------------------------- */

static double column_value(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL
               ? NAN
               : sqlite3_column_double(st, col);
}

/* Point rows of series ?1, restricted to ts < ?2 when ?2 is not 0. */
#define POINTS_OF "FROM point WHERE series = ?1 AND (?2 = 0 OR ts < ?2)"
#define FINITE "value IS NOT NULL AND abs(value) <= 1.7976931348623157e308"

static const char *const summary_sql[] = {
    "SELECT count(*), count(*) - count(value) + "
    "  coalesce(sum(abs(value) > 1.7976931348623157e308), 0) " POINTS_OF,
    "SELECT step, value, ts " POINTS_OF " ORDER BY step LIMIT 1",
    "SELECT step, value, ts " POINTS_OF " ORDER BY step DESC LIMIT 1",
    "SELECT min(value), step " POINTS_OF " AND " FINITE,
    "SELECT max(value), step " POINTS_OF " AND " FINITE,
    "SELECT min(step) " POINTS_OF " AND NOT (" FINITE ")",
};

#define SUMMARY_QUERIES (sizeof(summary_sql) / sizeof(summary_sql[0]))

static void summary_row(struct series_summary *sum, size_t q, sqlite3_stmt *st)
{
    switch (q) {
    case 0:
        sum->count = sqlite3_column_int64(st, 0);
        sum->nonfinite = sqlite3_column_int64(st, 1);
        break;
    case 1:
        sum->first_step = sqlite3_column_int64(st, 0);
        sum->first = column_value(st, 1);
        sum->first_ts = sqlite3_column_int64(st, 2);
        break;
    case 2:
        sum->last_step = sqlite3_column_int64(st, 0);
        sum->last = column_value(st, 1);
        sum->last_ts = sqlite3_column_int64(st, 2);
        break;
    case 3:
        sum->min = column_value(st, 0);
        sum->min_step = sqlite3_column_int64(st, 1);
        break;
    case 4:
        sum->max = column_value(st, 0);
        sum->max_step = sqlite3_column_int64(st, 1);
        break;
    default:
        sum->nonfinite_step = sqlite3_column_int64(st, 0);
        break;
    }
}

static int summarize(struct store *s, sqlite3_stmt **qs, int64_t series,
                     int64_t until, struct series_summary *sum)
{
    size_t q;

    for (q = 0; q < SUMMARY_QUERIES; q++) {
        int rc;

        sqlite3_reset(qs[q]);
        sqlite3_bind_int64(qs[q], 1, series);
        sqlite3_bind_int64(qs[q], 2, until);
        rc = sqlite3_step(qs[q]);
        if (rc == SQLITE_ROW)
            summary_row(sum, q, qs[q]);
        else if (rc != SQLITE_DONE)
            return store_db_error(s, "cannot read");
    }
    return 0;
}

int store_series_until(struct store *s, int64_t exp, int64_t until,
                       store_series_fn *fn, void *ctx)
{
    sqlite3_stmt *list = NULL, *qs[SUMMARY_QUERIES] = { NULL };
    size_t q;
    int rc = prepare(s, "SELECT id, name FROM series WHERE exp = ?1 "
                        "ORDER BY name", &list);

    for (q = 0; rc == 0 && q < SUMMARY_QUERIES; q++)
        rc = prepare(s, summary_sql[q], &qs[q]);
    if (rc)
        goto cleanup;
    sqlite3_bind_int64(list, 1, exp);
    while ((rc = sqlite3_step(list)) == SQLITE_ROW) {
        struct series_summary sum = { 0 };

        sum.name = store_column_text(list, 1);
        sum.exp = exp;
        sum.min = sum.max = NAN;
        rc = summarize(s, qs, sqlite3_column_int64(list, 0), until, &sum);
        if (rc == 0 && sum.count > 0)
            rc = fn(ctx, &sum);
        if (rc)
            goto cleanup;
    }
    rc = rc == SQLITE_DONE ? 0 : store_db_error(s, "cannot read");
cleanup:
    for (q = 0; q < SUMMARY_QUERIES; q++)
        sqlite3_finalize(qs[q]);
    sqlite3_finalize(list);
    return rc;
}

int store_series(struct store *s, int64_t exp, store_series_fn *fn, void *ctx)
{
    return store_series_until(s, exp, 0, fn, ctx);
}

int store_metric_names(struct store *s, store_name_fn *fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, "SELECT DISTINCT name FROM series ORDER BY name", &st);

    if (rc)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = fn(ctx, store_column_text(st, 0));
        if (rc)
            goto cleanup;
    }
    rc = rc == SQLITE_DONE ? 0 : store_db_error(s, "cannot read");
cleanup:
    sqlite3_finalize(st);
    return rc;
}

int store_points(struct store *s, int64_t exp, const char *metric,
                 store_point_fn *fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare(s,
                     "SELECT p.step, p.value, p.ts FROM point p"
                     " JOIN series s ON s.id = p.series"
                     " WHERE s.exp = ?1 AND s.name = ?2 ORDER BY p.step",
                     &st);

    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, exp);
    store_bind_text(st, 2, metric);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = fn(ctx, sqlite3_column_int64(st, 0), column_value(st, 1),
                sqlite3_column_int64(st, 2));
        if (rc)
            goto cleanup;
    }
    rc = rc == SQLITE_DONE ? 0 : store_db_error(s, "cannot read");
cleanup:
    sqlite3_finalize(st);
    return rc;
}

/* ---- blobs and counts ------------------------------------------------ */

int store_blob_put(struct store *s, const void *data, size_t len,
                   char hex_out[65])
{
    unsigned char d[SHA256_LEN];
    sqlite3_stmt *st = NULL;
    int rc;

    sha256_bytes(d, data, len);
    sha256_hex(hex_out, d);
    rc = prepare(s, "INSERT INTO blob(sha256, size, data) VALUES (?1, ?2, ?3)",
                 &st);
    if (rc)
        return rc;
    store_bind_text(st, 1, hex_out);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)len);
    sqlite3_bind_blob64(st, 3, data, len, SQLITE_STATIC);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0
                                         : store_db_error(s, "cannot write to");
    sqlite3_finalize(st);
    return rc;
}

int store_blob_get(struct store *s, const char *hex, struct buf *out)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, "SELECT data FROM blob WHERE sha256 = ?1", &st);

    if (rc)
        return rc;
    store_bind_text(st, 1, hex);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        buf_put(out, sqlite3_column_blob(st, 0),
                (size_t)sqlite3_column_bytes(st, 0));
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        rc = ll_error(LL_ENOTFOUND, "no attachment %.12s in this log", hex);
    } else {
        rc = store_db_error(s, "cannot read");
    }
    sqlite3_finalize(st);
    return rc;
}

int store_counts(struct store *s, struct store_counts *out)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare(s,
                     "SELECT (SELECT count(*) FROM entry),"
                     " (SELECT count(*) FROM point),"
                     " (SELECT count(*) FROM entry WHERE kind = 'metrics'),"
                     " (SELECT count(*) FROM blob)",
                     &st);

    if (rc)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW) {
        out->entries = sqlite3_column_int64(st, 0);
        out->points = sqlite3_column_int64(st, 1);
        out->batches = sqlite3_column_int64(st, 2);
        out->blobs = sqlite3_column_int64(st, 3);
    } else {
        rc = store_db_error(s, "cannot read");
    }
    sqlite3_finalize(st);
    return rc;
}

int store_head(struct store *s, char hex_out[65])
{
    sqlite3_stmt *st = store_stmt(s, STMT_LAST_ENTRY);
    int rc;

    hex_out[0] = '\0';
    if (!st)
        return LL_EDB;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 1) == SHA256_LEN)
        sha256_hex(hex_out, sqlite3_column_blob(st, 1));
    else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        rc = store_db_error(s, "cannot read");
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : rc;
}
