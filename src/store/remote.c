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

/* Is there a remote table yet? (Reading must not create it.) */
static int has_remotes(struct store *s, int *yes)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT 1 FROM sqlite_master WHERE type = "
                              "'table' AND name = 'remote'", &st);

    *yes = 0;
    if (rc)
        return rc;
    rc = sqlite3_step(st);
    *yes = rc == SQLITE_ROW;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0
                                                 : store_db_error(s, "cannot read");
}

int store_remote_get(struct store *s, const char *name, char **url_out)
{
    sqlite3_stmt *st = NULL;
    int yes, rc = has_remotes(s, &yes);

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
    int yes, rc = has_remotes(s, &yes);

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

/* How far pulls from a hub have read: its arrival counter, per hub (named
 * by host and database, never by a URL that may hold a password). */
static const char cursor_table_sql[] =
    "CREATE TABLE IF NOT EXISTS hub_cursor(\n"
    "  hub TEXT PRIMARY KEY,\n"
    "  seq INTEGER NOT NULL\n"
    ")";

int store_hub_cursor_get(struct store *s, const char *hub, int64_t *seq_out)
{
    sqlite3_stmt *st = NULL;
    int rc;

    *seq_out = 0;
    rc = store_prepare(s, "SELECT 1 FROM sqlite_master WHERE type = 'table' "
                          "AND name = 'hub_cursor'", &st);
    if (rc)
        return rc;
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW)
        return store_db_error(s, "cannot read");
    rc = store_prepare(s, "SELECT seq FROM hub_cursor WHERE hub = ?1", &st);
    if (rc)
        return rc;
    store_bind_text(st, 1, hub);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *seq_out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? 0
               : store_db_error(s, "cannot read");
}

int store_hub_cursor_set(struct store *s, const char *hub, int64_t seq)
{
    sqlite3_stmt *st = NULL;
    int rc = store_begin_write(s);

    if (rc)
        return rc;
    if (sqlite3_exec(s->db, cursor_table_sql, NULL, NULL, NULL) != SQLITE_OK)
        rc = store_db_error(s, "cannot write to");
    if (rc == 0)
        rc = store_prepare(s, "INSERT OR REPLACE INTO hub_cursor(hub, seq) "
                              "VALUES (?1, ?2)", &st);
    if (rc == 0) {
        store_bind_text(st, 1, hub);
        sqlite3_bind_int64(st, 2, seq);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_db_error(s, "cannot write to");
    }
    sqlite3_finalize(st);
    if (rc == 0)
        return store_commit(s);
    store_rollback(s);
    return rc;
}
