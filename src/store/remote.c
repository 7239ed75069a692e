/* SPDX-License-Identifier: MIT */
/*
 * What a replica keeps about other places, never synced and never part of
 * the log: named remotes (`lablog remote add lab dir:/shared/proj`), and
 * the copy of a log made by `lablog clone`.
 *
 * The remote table is local configuration, like git's .git/config: it is
 * created on first use, rows are replaced when a name is given again, and
 * verify, feeds and merges never look at it.
 */
#include "store/internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static const char remote_table_sql[] =
    "CREATE TABLE IF NOT EXISTS remote(\n"
    "  name  TEXT PRIMARY KEY,  -- what people type\n"
    "  url   TEXT NOT NULL,     -- dir:PATH or postgresql://...\n"
    "  added INTEGER NOT NULL   -- UTC ms\n"
    ")";

int store_remote_set(struct store *s, const char *name, const char *url)
{
    sqlite3_stmt *st = NULL;
    int rc = store_begin_write(s);

    if (rc)
        return rc;
    if (sqlite3_exec(s->db, remote_table_sql, NULL, NULL, NULL) != SQLITE_OK)
        rc = store_db_error(s, "cannot write to");
    if (rc == 0)
        rc = store_prepare(s, "INSERT OR REPLACE INTO remote(name, url, added) "
                              "VALUES (?1, ?2, ?3)", &st);
    if (rc == 0) {
        store_bind_text(st, 1, name);
        store_bind_text(st, 2, url);
        sqlite3_bind_int64(st, 3, store_wall_ms());
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_db_error(s, "cannot write to");
    }
    sqlite3_finalize(st);
    if (rc == 0)
        return store_commit(s);
    store_rollback(s);
    return rc;
}

/* Is there a table of that name yet? (Reading must not create it.) */
static int has_table(struct store *s, const char *name, int *yes)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT 1 FROM sqlite_master WHERE type = "
                              "'table' AND name = ?1", &st);

    *yes = 0;
    if (rc)
        return rc;
    store_bind_text(st, 1, name);
    rc = sqlite3_step(st);
    *yes = rc == SQLITE_ROW;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? 0
               : store_db_error(s, "cannot read");
}

int store_remote_get(struct store *s, const char *name, char **url_out)
{
    sqlite3_stmt *st = NULL;
    int yes, rc = has_table(s, "remote", &yes);

    *url_out = NULL;
    if (rc || !yes)
        return rc ? rc : LL_ENOTFOUND;
    rc = store_prepare(s, "SELECT url FROM remote WHERE name = ?1", &st);
    if (rc)
        return rc;
    store_bind_text(st, 1, name);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *url_out = xstrdup(store_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? LL_ENOTFOUND : store_db_error(s, "cannot read");
}

int store_remotes(struct store *s, store_remote_fn *fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    int yes, rc = has_table(s, "remote", &yes);

    if (rc || !yes)
        return rc;
    rc = store_prepare(s, "SELECT name, url FROM remote ORDER BY name", &st);
    while (rc == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
        rc = fn(ctx, store_column_text(st, 0), store_column_text(st, 1));
    if (rc == SQLITE_DONE)
        rc = 0;
    else if (rc > 0)
        rc = store_db_error(s, "cannot read");
    sqlite3_finalize(st);
    return rc;
}

int store_copy_to(struct store *s, const char *dst)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "VACUUM INTO ?1", &st);

    if (rc)
        return rc;
    store_bind_text(st, 1, dst);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = ll_error(LL_EIO, "cannot copy '%s' to '%s': %s", s->path, dst,
                      sqlite3_errmsg(s->db));
    sqlite3_finalize(st);
    return rc;
}

int store_claim_origin(struct store *s)
{
    int rc = store_begin_write(s);

    if (rc == 0)
        rc = origin_ready(s);
    if (rc == 0)
        return store_commit(s);
    store_rollback(s);
    return rc;
}

int store_entry_hash_at(struct store *s, const char *origin, int64_t seq,
                        char hex_out[65])
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT hash FROM entry WHERE origin = ?1 AND "
                              "seq = ?2", &st);

    hex_out[0] = '\0';
    if (rc)
        return rc;
    store_bind_text(st, 1, origin);
    sqlite3_bind_int64(st, 2, seq);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == SHA256_LEN)
        sha256_hex(hex_out, sqlite3_column_blob(st, 0));
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return hex_out[0] ? 0 : LL_ENOTFOUND;
    return store_db_error(s, "cannot read");
}

/*
 * Two small local maps from a name to a number: how far pulls from a hub
 * have read its arrival counter (per hub, named by host and database,
 * never by a URL that may hold a password), and when a remote (by its
 * URL, which never holds a password) was last pulled completely -- what
 * "local data as of" says when it cannot be reached.
 */
struct local_map {
    const char *table;  /* constants of this file, never user text */
    const char *key;    /* its key column (the number is the other) */
    const char *create; /* its CREATE TABLE IF NOT EXISTS */
};

static const struct local_map hub_cursors = {
    "hub_cursor", "hub",
    "CREATE TABLE IF NOT EXISTS hub_cursor(\n"
    "  hub TEXT PRIMARY KEY,\n"
    "  seq INTEGER NOT NULL\n"
    ")",
};

static const struct local_map pull_times = {
    "pull_time", "url",
    "CREATE TABLE IF NOT EXISTS pull_time(\n"
    "  url TEXT PRIMARY KEY,\n"
    "  at  INTEGER NOT NULL  -- UTC ms\n"
    ")",
};

/* The number kept for key; 0 when there is none (or no table yet). */
static int map_get(struct store *s, const struct local_map *m,
                   const char *key, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    char sql[128];
    int yes, rc = has_table(s, m->table, &yes);

    *out = 0;
    if (rc || !yes)
        return rc;
    /* Two columns: the key, then the number. */
    snprintf(sql, sizeof(sql), "SELECT * FROM %s WHERE %s = ?1", m->table,
             m->key);
    rc = store_prepare(s, sql, &st);
    if (rc)
        return rc;
    store_bind_text(st, 1, key);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? 0
               : store_db_error(s, "cannot read");
}

/* Keeps number for key (replacing the one before), in its own commit. */
static int map_set(struct store *s, const struct local_map *m,
                   const char *key, int64_t number)
{
    sqlite3_stmt *st = NULL;
    char sql[128];
    int rc = store_begin_write(s);

    if (rc)
        return rc;
    if (sqlite3_exec(s->db, m->create, NULL, NULL, NULL) != SQLITE_OK)
        rc = store_db_error(s, "cannot write to");
    snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO %s VALUES (?1, ?2)",
             m->table);
    if (rc == 0)
        rc = store_prepare(s, sql, &st);
    if (rc == 0) {
        store_bind_text(st, 1, key);
        sqlite3_bind_int64(st, 2, number);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_db_error(s, "cannot write to");
    }
    sqlite3_finalize(st);
    if (rc == 0)
        return store_commit(s);
    store_rollback(s);
    return rc;
}

int store_hub_cursor_get(struct store *s, const char *hub, int64_t *seq_out)
{
    return map_get(s, &hub_cursors, hub, seq_out);
}

int store_hub_cursor_set(struct store *s, const char *hub, int64_t seq)
{
    return map_set(s, &hub_cursors, hub, seq);
}

int store_pull_time_get(struct store *s, const char *url, int64_t *ms_out)
{
    return map_get(s, &pull_times, url, ms_out);
}

int store_pull_time_set(struct store *s, const char *url, int64_t ms)
{
    return map_set(s, &pull_times, url, ms);
}

/*
 * Heads seen elsewhere: for each place this replica merged or pulled from,
 * the newest entry of each origin that place held. A place whose origin
 * later ends earlier went back (a restored backup, deleted rows); a head
 * this replica no longer holds means this file went back. Both are
 * invisible from inside one file, so the heads are kept here (local, never
 * synced) and checked by the import and by verify.
 */
static const char seen_table_sql[] =
    "CREATE TABLE IF NOT EXISTS seen_head(\n"
    "  source TEXT NOT NULL,     -- a file, a feed or a hub (no password)\n"
    "  origin TEXT NOT NULL,\n"
    "  seq    INTEGER NOT NULL,  -- the highest seq the source held\n"
    "  hash   BLOB NOT NULL,\n"
    "  seen   INTEGER NOT NULL,  -- UTC ms\n"
    "  PRIMARY KEY(source, origin)\n"
    ")";


static int went_back(const char *source, const char *origin, int64_t was,
                     int64_t seen, int64_t now_seq)
{
    char when[TIME_SHORT_SIZE];

    time_format_short(when, seen);
    if (now_seq == 0)
        return ll_error(LL_ECONFLICT, "%s: origin %s went back: it held "
                        "entry %lld when last seen (%s) and now holds none "
                        "(restored from a backup, or rows removed)", source,
                        origin, (long long)was, when);
    return ll_error(LL_ECONFLICT, "%s: origin %s went back: it held entry "
                    "%lld when last seen (%s) and now ends at %lld (restored "
                    "from a backup, or rows removed)", source, origin,
                    (long long)was, when, (long long)now_seq);
}

/* The seq of origin among heads[0..n), 0 when it is not there. */
static int64_t seq_in(const struct store_seen_head *heads, size_t n,
                      const char *origin)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(heads[i].origin, origin) == 0)
            return heads[i].seq;
    return 0;
}

/* Every origin source held before must be there again, as far or further. */
static int check_not_back(struct store *s, const char *source,
                          const struct store_seen_head *heads, size_t n)
{
    sqlite3_stmt *st = NULL;
    int step = SQLITE_DONE;
    int rc = store_prepare(s, "SELECT origin, seq, seen FROM seen_head"
                              " WHERE source = ?1 ORDER BY origin", &st);

    if (rc)
        return rc;
    store_bind_text(st, 1, source);
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *origin = store_column_text(st, 0);
        int64_t was = sqlite3_column_int64(st, 1);
        int64_t now_seq = seq_in(heads, n, origin);

        if (now_seq < was)
            rc = went_back(source, origin, was, sqlite3_column_int64(st, 2),
                           now_seq);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_db_error(s, "cannot read");
    sqlite3_finalize(st);
    return rc;
}

int store_seen_heads_record(struct store *s, const char *source,
                            const struct store_seen_head *heads, size_t n)
{
    sqlite3_stmt *put = NULL;
    int own = sqlite3_get_autocommit(s->db);
    int64_t now = store_wall_ms();
    size_t i;
    int yes, rc = has_table(s, "seen_head", &yes);

    if (rc || (n == 0 && !yes))
        return rc;
    if (own && (rc = store_begin_write(s)) != 0)
        return rc;
    if (sqlite3_exec(s->db, seen_table_sql, NULL, NULL, NULL) != SQLITE_OK)
        rc = store_db_error(s, "cannot write to");
    if (rc == 0)
        rc = check_not_back(s, source, heads, n);
    if (rc == 0)
        rc = store_prepare(s, "INSERT OR REPLACE INTO seen_head(source, "
                              "origin, seq, hash, seen) VALUES (?1, ?2, ?3, "
                              "?4, ?5)", &put);
    for (i = 0; rc == 0 && i < n; i++) {
        store_bind_text(put, 1, source);
        store_bind_text(put, 2, heads[i].origin);
        sqlite3_bind_int64(put, 3, heads[i].seq);
        sqlite3_bind_blob(put, 4, heads[i].hash, SHA256_LEN, SQLITE_STATIC);
        sqlite3_bind_int64(put, 5, now);
        rc = sqlite3_step(put) == SQLITE_DONE
                 ? 0
                 : store_db_error(s, "cannot write to");
        sqlite3_reset(put);
    }
    sqlite3_finalize(put);
    if (own && rc == 0)
        return store_commit(s);
    if (own)
        store_rollback(s);
    return rc;
}

int store_seen_heads(struct store *s, store_seen_fn *fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    int yes, step = SQLITE_DONE, rc = has_table(s, "seen_head", &yes);

    if (rc || !yes)
        return rc;
    rc = store_prepare(s, "SELECT source, origin, seq, hash, seen FROM "
                          "seen_head ORDER BY origin, seq DESC, source", &st);
    if (rc)
        return rc;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_seen_head h;

        memset(&h, 0, sizeof(h));
        snprintf(h.origin, sizeof(h.origin), "%s", store_column_text(st, 1));
        h.seq = sqlite3_column_int64(st, 2);
        if (sqlite3_column_bytes(st, 3) == SHA256_LEN)
            memcpy(h.hash, sqlite3_column_blob(st, 3), SHA256_LEN);
        h.seen = sqlite3_column_int64(st, 4);
        rc = fn(ctx, store_column_text(st, 0), &h);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_db_error(s, "cannot read");
    sqlite3_finalize(st);
    return rc;
}

int store_seen_max(struct store *s, const char *origin, int64_t *seq_out)
{
    sqlite3_stmt *st = NULL;
    int yes, rc = has_table(s, "seen_head", &yes);

    *seq_out = 0;
    if (rc || !yes)
        return rc;
    rc = store_prepare(s, "SELECT max(seq) FROM seen_head WHERE origin = ?1",
                       &st);
    if (rc)
        return rc;
    store_bind_text(st, 1, origin);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *seq_out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : store_db_error(s, "cannot read");
}

