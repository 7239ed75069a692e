/* SPDX-License-Identifier: MIT */
/*
 * Batch spans: the step range of each metrics batch in each series it has
 * points in. The point table is keyed (series, step, batch) so that a
 * series streams in step order; a feed, though, wants one batch's points,
 * and without spans that is a scan of every point. Spans are local derived
 * state (like replica and seen_head): written in the same transaction as
 * the points, so a batch has all its spans or none, and never part of
 * what is hashed, synced or verified.
 */
#include "store/internal.h"

#include "util/err.h"

static const char span_table_sql[] =
    "CREATE TABLE IF NOT EXISTS batch_span(\n"
    "  batch  INTEGER NOT NULL,  -- local id of the metrics entry\n"
    "  series INTEGER NOT NULL,\n"
    "  lo     INTEGER NOT NULL,  -- its lowest step in the series\n"
    "  hi     INTEGER NOT NULL,  -- and its highest\n"
    "  PRIMARY KEY(batch, series)\n"
    ") WITHOUT ROWID";

int store_span_add(struct store *s, int64_t batch, int64_t series,
                   int64_t lo, int64_t hi)
{
    sqlite3_stmt *st;

    /* Each time, not once per handle: a rolled-back transaction takes the
     * table it created with it (when it exists this is a no-op). */
    if (sqlite3_exec(s->db, span_table_sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_db_error(s, "cannot write to");
    st = store_stmt(s, STMT_SPAN_INSERT);
    if (!st)
        return LL_EDB;
    sqlite3_bind_int64(st, 1, batch);
    sqlite3_bind_int64(st, 2, series);
    sqlite3_bind_int64(st, 3, lo);
    sqlite3_bind_int64(st, 4, hi);
    return sqlite3_step(st) == SQLITE_DONE
               ? 0
               : store_db_error(s, "cannot write to");
}
