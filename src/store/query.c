/* SPDX-License-Identifier: MIT */
/*
 * Read queries for the read commands and the view layer: entries in fold
 * order, what people type for entries and experiments, blobs, counts and
 * origins. Metric series are read in series.c.
 *
 * Each iterating function prepares its own statement (not the cache), so a
 * callback may run further queries while the iteration is under way.
 */
#include "store/internal.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"

void store_row_entry(sqlite3_stmt *st, struct entry *e)
{
    const char *uid = store_column_text(st, 1);
    const char *kind = store_column_text(st, 4);
    int k = entry_kind_parse(kind);

    e->id = sqlite3_column_int64(st, 0);
    snprintf(e->uid, sizeof(e->uid), "%s", uid);
    e->ts = sqlite3_column_int64(st, 2);
    e->author = store_column_text(st, 3);
    e->kind = k < 0 ? ENTRY_UNKNOWN : (enum entry_kind)k;
    e->kind_name = kind;
    e->exp = sqlite3_column_int64(st, 5);
    e->ref = sqlite3_column_int64(st, 6);
    e->title = store_column_text(st, 7);
    e->body = store_column_text(st, 8);
    e->data = store_column_text(st, 9);
    e->exp_name = sqlite3_column_type(st, 10) == SQLITE_NULL
                      ? NULL
                      : store_column_text(st, 10);
    e->exp_uid = store_column_text(st, 11);
    e->ref_uid = store_column_text(st, 12);
    snprintf(e->origin, sizeof(e->origin), "%s", store_column_text(st, 13));
    e->seq = sqlite3_column_int64(st, 14);
    e->hlc = sqlite3_column_int64(st, 15);
    e->format = sqlite3_column_int(st, 16);
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

/* ---- what people type ---------------------------------------------- */

static int all_digits(const char *p)
{
    if (!*p)
        return 0;
    for (; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return 1;
}

/* A uid prefix as stored: uppercase, Crockford letters only. Returns 0,
 * or -1 when text cannot be (part of) a uid. */
static int uid_prefix(char out[27], const char *text)
{
    size_t i, n = strlen(text);

    if (n < 4 || n > 26)
        return -1;
    for (i = 0; i < n; i++) {
        char c = (char)toupper((unsigned char)text[i]);

        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))
            || c == 'I' || c == 'L' || c == 'O' || c == 'U')
            return -1;
        out[i] = c;
    }
    out[n] = '\0';
    return 0;
}

/*
 * Entries whose uid starts with prefix (and, when exp_only, experiments):
 * up to two ids, to tell unique from ambiguous.
 */
static int by_uid_prefix(struct store *s, const char *prefix, int exp_only,
                         int64_t ids[2], int *n_out)
{
    struct buf hi = BUF_INIT;
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT id FROM entry WHERE uid >= ?1 AND "
                              "uid < ?2 AND (?3 = 0 OR kind = 'exp') "
                              "ORDER BY uid LIMIT 2", &st);

    *n_out = 0;
    if (rc)
        return rc;
    buf_printf(&hi, "%s~", prefix); /* '~' sorts after every uid letter */
    store_bind_text(st, 1, prefix);
    store_bind_text(st, 2, hi.ptr);
    sqlite3_bind_int(st, 3, exp_only);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ids[(*n_out)++] = sqlite3_column_int64(st, 0);
    rc = rc == SQLITE_DONE ? 0 : store_db_error(s, "cannot read");
    sqlite3_finalize(st);
    buf_release(&hi);
    return rc;
}

static int id_exists(struct store *s, int64_t id, int exp_only, int *out)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT EXISTS (SELECT 1 FROM entry WHERE "
                              "id = ?1 AND (?2 = 0 OR kind = 'exp'))", &st);

    *out = 0;
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, exp_only);
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    else
        rc = store_db_error(s, "cannot read");
    sqlite3_finalize(st);
    return rc;
}

int store_entry_resolve(struct store *s, const char *arg, int64_t *id_out)
{
    const char *p = arg[0] == '#' ? arg + 1 : arg;
    char prefix[27];
    int64_t ids[2];
    int n, rc;

    if (all_digits(p)) {
        long long id = strtoll(p, NULL, 10);
        int found;

        if (id <= 0 || strlen(p) > 18)
            return ll_error(LL_EUSAGE, "'%s' is not an entry id (a number "
                            "such as 12, or a uid)", arg);
        rc = id_exists(s, id, 0, &found);
        if (rc == 0 && !found)
            rc = ll_error(LL_ENOTFOUND, "no entry %lld in this log", id);
        if (rc == 0)
            *id_out = id;
        return rc;
    }
    if (uid_prefix(prefix, p))
        return ll_error(LL_EUSAGE, "'%s' is not an entry id (a number such "
                        "as 12, or a uid or at least 4 of its first "
                        "characters)", arg);
    rc = by_uid_prefix(s, prefix, 0, ids, &n);
    if (rc)
        return rc;
    if (n == 0)
        return ll_error(LL_ENOTFOUND, "no entry with uid '%s' in this log",
                        arg);
    if (n > 1)
        return ll_error(LL_EUSAGE, "'%s' is the start of several uids "
                        "(entries %lld, %lld, ...): give more of it", arg,
                        (long long)ids[0], (long long)ids[1]);
    *id_out = ids[0];
    return 0;
}

int store_origin_host(struct store *s, const char *origin, char *out,
                      size_t size)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
        "SELECT json_extract(data, '$.host') FROM entry WHERE origin = ?1"
        " AND kind IN ('project', 'origin')"
        " AND json_extract(data, '$.host') IS NOT NULL"
        " ORDER BY seq LIMIT 1", &st);

    if (size)
        out[0] = '\0';
    if (rc)
        return rc;
    store_bind_text(st, 1, origin);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(out, size, "%s", store_column_text(st, 0));
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE
             ? 0
             : store_db_error(s, "cannot read");
    sqlite3_finalize(st);
    return rc;
}

#define MAX_SAME_NAME 16

struct exp_match {
    int64_t id;
    char uid[27];
    char origin[27];
    char host[128];
    char author[64];
};

/* Experiments named name, up to cap; *n_out may exceed cap. */
static int exps_named(struct store *s, const char *name,
                      struct exp_match *out, size_t cap, size_t *n_out)
{
    /* Cached: an ingest of lines naming several experiments looks one
     * up whenever the name changes. */
    sqlite3_stmt *st = store_stmt(s, STMT_EXPS_NAMED);
    int rc;

    *n_out = 0;
    if (!st)
        return LL_EDB;
    store_bind_text(st, 1, name);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n_out < cap) {
            struct exp_match *m = &out[*n_out];

            m->id = sqlite3_column_int64(st, 0);
            snprintf(m->uid, sizeof(m->uid), "%s", store_column_text(st, 1));
            snprintf(m->origin, sizeof(m->origin), "%s",
                     store_column_text(st, 2));
            snprintf(m->author, sizeof(m->author), "%s",
                     store_column_text(st, 3));
        }
        (*n_out)++;
    }
    rc = rc == SQLITE_DONE ? 0 : store_db_error(s, "cannot read");
    sqlite3_reset(st);
    return rc;
}

/* The hosts of the matches (to tell several apart, or match NAME@HOST):
 * not looked up for the one experiment a name nearly always finds. */
static int exps_hosts(struct store *s, struct exp_match *m, size_t n)
{
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && i < n && i < MAX_SAME_NAME; i++)
        rc = store_origin_host(s, m[i].origin, m[i].host,
                               sizeof(m[i].host));
    return rc;
}

int store_exp_find(struct store *s, const char *name, int64_t *id_out)
{
    struct exp_match m[MAX_SAME_NAME];
    const char *at = strrchr(name, '@');
    const char *p = name[0] == '#' ? name + 1 : name;
    char prefix[27];
    int64_t ids[2];
    size_t n, i, hits = 0;
    int nids, rc;

    rc = exps_named(s, name, m, MAX_SAME_NAME, &n);
    if (rc)
        return rc;
    if (n == 1) {
        *id_out = m[0].id;
        return 0;
    }
    if (n > 1) {
        struct buf list = BUF_INIT;

        rc = exps_hosts(s, m, n);
        if (rc)
            return rc;
        for (i = 0; i < n && i < MAX_SAME_NAME; i++)
            buf_printf(&list, "%s%s@%s (%s, #%lld, uid %.12s)",
                       i ? ", " : "", name, *m[i].host ? m[i].host : "?",
                       m[i].author, (long long)m[i].id, m[i].uid);
        rc = ll_error(LL_EUSAGE, "experiment name '%s' is used by several "
                      "origins: %s; give NAME@HOST or a uid prefix", name,
                      list.ptr);
        buf_release(&list);
        return rc;
    }
    if (at && at != name && at[1]) {
        struct buf base = BUF_INIT;

        buf_put(&base, name, (size_t)(at - name));
        rc = exps_named(s, base.ptr, m, MAX_SAME_NAME, &n);
        buf_release(&base);
        if (rc == 0)
            rc = exps_hosts(s, m, n);
        for (i = 0; rc == 0 && i < n && i < MAX_SAME_NAME; i++) {
            if (strcmp(m[i].host, at + 1) == 0) {
                *id_out = m[i].id;
                hits++;
            }
        }
        if (rc)
            return rc;
        if (hits == 1)
            return 0;
        if (hits > 1)
            return ll_error(LL_EUSAGE, "'%s' names several experiments "
                            "(one host, several origins): give a uid "
                            "prefix", name);
    }
    if (all_digits(p) && p != name) {
        int found = 0;

        rc = id_exists(s, strtoll(p, NULL, 10), 1, &found);
        if (rc)
            return rc;
        if (found) {
            *id_out = strtoll(p, NULL, 10);
            return 0;
        }
    } else if (uid_prefix(prefix, p) == 0) {
        rc = by_uid_prefix(s, prefix, 1, ids, &nids);
        if (rc)
            return rc;
        if (nids == 1) {
            *id_out = ids[0];
            return 0;
        }
        if (nids > 1)
            return ll_error(LL_EUSAGE, "'%s' is the start of several "
                            "experiments' uids: give more of it", name);
    }
    return ll_error(LL_ENOTFOUND, "unknown experiment '%s' (see 'lablog exp "
                    "list'; create it with 'lablog exp new %s')", name, name);
}

/* ---- entries --------------------------------------------------------- */

int store_entry_get(struct store *s, int64_t id, store_entry_fn *fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    struct entry e;
    int rc = store_prepare(s, "SELECT " ENTRY_COLUMNS " FROM " ENTRY_FROM
                              " WHERE e.id = ?1", &st);

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
    struct buf sql = BUF_INIT;
    int rc;

    /* Only the conditions asked for: "(?1 = 0 OR e.ts >= ?1)" keeps
     * SQLite off the entry_ts index, so `log --since` read the whole
     * log. With a start, the period's entries come by entry_ts and are
     * sorted into fold order ("+" keeps entry_fold from being chosen to
     * avoid the sort, which would scan every entry). */
    buf_puts(&sql, "SELECT " ENTRY_COLUMNS " FROM " ENTRY_FROM " WHERE 1");
    if (f->since > 0)
        buf_puts(&sql, " AND e.ts >= ?1");
    if (f->until > 0)
        buf_puts(&sql, " AND e.ts < ?2");
    /* By the experiment's uid, not x.id: then SQLite reads the
     * experiment's entries through entry_exp (a multi-index OR with the
     * exp entry itself) instead of every entry of the log. */
    if (f->exp)
        buf_puts(&sql, " AND (e.exp_uid = (SELECT uid FROM entry WHERE id"
                       " = ?3) OR e.id = ?3)");
    if (f->kind >= 0)
        buf_puts(&sql, " AND e.kind = ?4");
    if (f->ref)
        buf_puts(&sql, " AND r.id = ?5");
    if (f->after)
        buf_puts(&sql, " AND e.id > ?6");
    if (f->author)
        buf_puts(&sql, " AND e.author = ?7");
    buf_puts(&sql, f->since > 0 ? " ORDER BY +e.hlc, e.origin, e.seq"
                                : " ORDER BY " ENTRY_FOLD_ORDER);
    rc = store_prepare(s, sql.ptr, &st);
    buf_release(&sql);
    if (rc)
        return rc;
    /* Parameters not in the text are refused (SQLITE_RANGE): harmless. */
    sqlite3_bind_int64(st, 1, f->since);
    sqlite3_bind_int64(st, 2, f->until);
    sqlite3_bind_int64(st, 3, f->exp);
    if (f->kind >= 0)
        store_bind_text(st, 4, entry_kind_name((enum entry_kind)f->kind));
    sqlite3_bind_int64(st, 5, f->ref);
    sqlite3_bind_int64(st, 6, f->after);
    if (f->author)
        store_bind_text(st, 7, f->author);
    return each_entry(s, st, fn, ctx);
}

int store_last_ts(struct store *s, enum entry_kind kind, int64_t until,
                  int64_t *ts_out)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT max(ts) FROM entry WHERE kind = ?1"
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
    int rc = store_prepare(s,
                     "SELECT " ENTRY_COLUMNS " FROM entry_fts f"
                     " JOIN entry e ON e.id = f.rowid" ENTRY_JOINS
                     " WHERE entry_fts MATCH ?1 ORDER BY " ENTRY_FOLD_ORDER,
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

/* ---- runs ---------------------------------------------------------------- */

int store_point_near(struct store *s, int64_t exp, const char *metric,
                     const char *attempt, int64_t ts, int where,
                     int64_t *step_out, double *value_out, int64_t *ts_out,
                     int *found_out)
{
    /* Steps grow with time, so walking from the newest step backwards
     * stops within the last few minutes of points. The newest by time
     * reads the series' rows (no index on ts): only asked of a resumed
     * attempt that has not yet passed its earlier steps. */
    static const char *const sql[3] = {
        "SELECT p.step, p.value, p.ts FROM point p"
        " JOIN series r ON r.id = p.series"
        " WHERE r.exp_uid = ?1 AND r.name = ?2 AND r.attempt = ?3"
        " AND p.ts <= ?4 ORDER BY p.step DESC LIMIT 1",
        "SELECT p.step, p.value, p.ts FROM point p"
        " JOIN series r ON r.id = p.series"
        " WHERE r.exp_uid = ?1 AND r.name = ?2 AND r.attempt = ?3"
        " AND p.ts >= ?4 ORDER BY p.step LIMIT 1",
        "SELECT p.step, p.value, p.ts FROM point p"
        " JOIN series r ON r.id = p.series"
        " WHERE r.exp_uid = ?1 AND r.name = ?2 AND r.attempt = ?3"
        " AND p.ts >= ?4 ORDER BY p.ts DESC, p.step DESC LIMIT 1",
    };
    sqlite3_stmt *st = NULL;
    char uid[27];
    int rc = store_uid_of(s, exp, uid);

    *found_out = 0;
    if (rc == 0)
        rc = where >= STORE_NEAR_BEFORE && where <= STORE_NEAR_NEWEST
                 ? store_prepare(s, sql[where], &st)
                 : ll_error(LL_ERR, "internal: store_point_near(%d)", where);
    if (rc)
        return rc;
    store_bind_text(st, 1, uid);
    store_bind_text(st, 2, metric);
    store_bind_text(st, 3, attempt);
    sqlite3_bind_int64(st, 4, ts);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *step_out = sqlite3_column_int64(st, 0);
        *value_out = sqlite3_column_type(st, 1) == SQLITE_NULL
                         ? NAN
                         : sqlite3_column_double(st, 1);
        *ts_out = sqlite3_column_int64(st, 2);
        *found_out = 1;
        rc = 0;
    } else {
        rc = rc == SQLITE_DONE ? 0 : store_db_error(s, "cannot read");
    }
    sqlite3_finalize(st);
    return rc;
}

int store_exp_points_after(struct store *s, int64_t exp, const char *attempt,
                           int64_t after, int64_t *count_out)
{
    sqlite3_stmt *st = NULL;
    char uid[27];
    int rc = store_uid_of(s, exp, uid);

    *count_out = 0;
    if (rc == 0)
        rc = store_prepare(s, "SELECT count(*) FROM point p"
                              " JOIN series r ON r.id = p.series"
                              " WHERE r.exp_uid = ?1 AND r.attempt = ?2"
                              " AND p.batch > ?3", &st);
    if (rc)
        return rc;
    store_bind_text(st, 1, uid);
    store_bind_text(st, 2, attempt);
    sqlite3_bind_int64(st, 3, after);
    if (sqlite3_step(st) == SQLITE_ROW)
        *count_out = sqlite3_column_int64(st, 0);
    else
        rc = store_db_error(s, "cannot read");
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
    rc = store_prepare(s, "INSERT INTO blob(sha256, size, data) VALUES (?1, "
                          "?2, ?3)", &st);
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
    int rc = store_prepare(s, "SELECT data FROM blob WHERE sha256 = ?1", &st);

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
    int rc = store_prepare(s,
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
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT hash FROM entry ORDER BY hlc DESC, "
                              "origin DESC, seq DESC LIMIT 1", &st);

    hex_out[0] = '\0';
    if (rc)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == SHA256_LEN)
        sha256_hex(hex_out, sqlite3_column_blob(st, 0));
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE
             ? 0
             : store_db_error(s, "cannot read");
    sqlite3_finalize(st);
    return rc;
}

/* ---- origins ------------------------------------------------------- */

int store_origins(struct store *s, store_origin_fn *fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
        "SELECT o.origin, count(*), max(o.seq),"
        " (SELECT h.hash FROM entry h WHERE h.origin = o.origin"
        "  ORDER BY h.seq DESC LIMIT 1),"
        " (SELECT count(*) FROM fork f WHERE f.origin = o.origin),"
        " (SELECT p.data FROM entry p WHERE p.origin = o.origin"
        "  AND p.kind = 'origin' ORDER BY p.seq LIMIT 1),"
        " o.origin = (SELECT r.origin FROM replica r ORDER BY r.id DESC"
        "  LIMIT 1),"
        " (SELECT a.author FROM entry a WHERE a.origin = o.origin"
        "  ORDER BY a.seq LIMIT 1),"
        " (SELECT t.ts FROM entry t WHERE t.origin = o.origin"
        "  ORDER BY t.seq DESC LIMIT 1),"
        " max(o.received)"
        " FROM entry o GROUP BY o.origin ORDER BY o.origin", &st);

    if (rc)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_origin o;
        char host[128];
        json_t *d = json_loads(store_column_text(st, 5), 0, NULL);
        json_t *parent = json_object_get(d, "parent");

        memset(&o, 0, sizeof(o));
        o.id = store_column_text(st, 0);
        o.entries = sqlite3_column_int64(st, 1);
        o.head_seq = sqlite3_column_int64(st, 2);
        if (sqlite3_column_bytes(st, 3) == SHA256_LEN)
            sha256_hex(o.head, sqlite3_column_blob(st, 3));
        o.forks = sqlite3_column_int64(st, 4);
        o.self = sqlite3_column_int(st, 6);
        o.parent = json_is_string(parent) ? json_string_value(parent) : "";
        o.parent_seq = json_integer_value(json_object_get(d, "parent_seq"));
        o.author = store_column_text(st, 7);
        o.last_write = sqlite3_column_int64(st, 8);
        o.last_arrival = sqlite3_column_int64(st, 9);
        rc = store_origin_host(s, o.id, host, sizeof(host));
        if (rc == 0)
            rc = store_seen_max(s, o.id, &o.seen_seq);
        o.host = host;
        if (rc == 0)
            rc = fn(ctx, &o);
        json_decref(d);
        if (rc)
            goto cleanup;
    }
    rc = rc == SQLITE_DONE ? 0 : store_db_error(s, "cannot read");
cleanup:
    sqlite3_finalize(st);
    return rc;
}

int store_head_parse(struct store_head *out, const char *text)
{
    const char *c1 = strchr(text, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    const char *p;
    char *end;
    size_t n;

    memset(out, 0, sizeof(*out));
    if (!c1 || !c2 || c1 - text != 26)
        goto bad;
    memcpy(out->origin, text, 26);
    for (p = out->origin; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z')))
            goto bad;
    out->seq = strtoll(c1 + 1, &end, 10);
    if (end != c2 || out->seq <= 0)
        goto bad;
    n = strlen(c2 + 1);
    if (n < 12 || n > 64)
        goto bad;
    for (p = c2 + 1; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            goto bad;
    memcpy(out->hash, c2 + 1, n);
    return 0;
bad:
    return ll_error(LL_EUSAGE, "'%s' is not a head (ORIGIN:SEQ:HASH, as "
                    "'lablog verify' prints them)", text);
}

int store_authors(struct store *s, const char *author, int *mine,
                  int *others)
{
    static const char *const sql[2] = {
        "SELECT 1 FROM entry WHERE author = ?1 LIMIT 1",
        "SELECT 1 FROM entry WHERE author <> ?1 LIMIT 1",
    };
    int *out[2] = { mine, others };
    int i, rc = 0;

    for (i = 0; rc == 0 && i < 2; i++) {
        sqlite3_stmt *st = NULL;

        rc = store_prepare(s, sql[i], &st);
        if (rc)
            break;
        store_bind_text(st, 1, author);
        rc = sqlite3_step(st);
        *out[i] = rc == SQLITE_ROW;
        rc = rc == SQLITE_ROW || rc == SQLITE_DONE
                 ? 0
                 : store_db_error(s, "cannot read");
        sqlite3_finalize(st);
    }
    return rc;
}
