/* SPDX-License-Identifier: MIT */
/*
 * The schema of a lablog log, as one commented SQL text, and the
 * forward-only migration from older versions.
 *
 * A log is recognised by PRAGMA application_id (STORE_APP_ID) and versioned
 * by PRAGMA user_version: 1 is the original single-chain log format
 * ("format 1"), 2 is format 1 with the sample table, 3 is log format 2 of
 * SYNC.md (origins, uids, hlc) with it. A new log is created at the current
 * version; an older one is migrated forward in one transaction; a log whose
 * version is above the newest this build knows is refused rather than
 * misread.
 */
#include "store/internal.h"

#include <stdio.h>
#include <string.h>

#include "util/err.h"

#define SCHEMA_VERSION 3
/* The first version in log format 2. */
#define FORMAT2_VERSION 3

/*
 * Version 3 (log format 2): tables and indexes.
 *
 * Local integer ids (entry.id, series.id, point.series, point.batch) never
 * leave this file and are never hashed: everything that travels between
 * replicas names entries by uid.
 */
static const char schema_tables[] =
    "CREATE TABLE entry(\n"
    "  id       INTEGER PRIMARY KEY,  -- local alias, assigned on arrival\n"
    "  uid      TEXT NOT NULL UNIQUE, -- ULID: 48-bit hlc + 80 random bits\n"
    "  origin   TEXT NOT NULL,        -- the origin (replica) that wrote it\n"
    "  seq      INTEGER NOT NULL,     -- 1, 2, ... within its origin\n"
    "  prev     BLOB NOT NULL,        -- hash of the origin's seq - 1 (zeros)\n"
    "  hlc      INTEGER NOT NULL,     -- hybrid logical clock, ms\n"
    "  ts       INTEGER NOT NULL,     -- writer's wall clock, UTC ms\n"
    "  author   TEXT NOT NULL,\n"
    "  kind     TEXT NOT NULL,        -- open set; unknown kinds kept as is\n"
    "  exp_uid  TEXT NOT NULL,        -- the experiment's uid, '' for none\n"
    "  ref_uid  TEXT NOT NULL,        -- the referenced entry's uid, ''\n"
    "  title    TEXT NOT NULL,\n"
    "  body     TEXT NOT NULL,        -- Markdown\n"
    "  data     TEXT NOT NULL,        -- JSON object, the exact hashed text\n"
    "  format   INTEGER NOT NULL,     -- 1: a migrated format-1 row; 2\n"
    "  hash     BLOB NOT NULL UNIQUE, -- SHA-256, canon.c\n"
    "  received INTEGER NOT NULL,     -- local: when it arrived (not hashed)\n"
    "  UNIQUE(origin, seq)\n"
    ");\n"
    "-- The fold order every reader uses, identical on every replica.\n"
    "CREATE INDEX entry_fold ON entry(hlc, origin, seq);\n"
    "-- Experiment names are unique per origin (not per file).\n"
    "CREATE UNIQUE INDEX entry_exp_name ON entry(title, origin)\n"
    "  WHERE kind = 'exp';\n"
    "CREATE INDEX entry_ts ON entry(ts);\n"
    "-- An experiment's entries by kind: its status entries (attempts) are\n"
    "-- found among thousands of metrics entries without a scan.\n"
    "CREATE INDEX entry_exp ON entry(exp_uid, kind);\n"
    "CREATE INDEX entry_ref ON entry(ref_uid);\n"
    "\n"
    "-- One row per (experiment, metric, attempt): points refer to it by id.\n"
    "CREATE TABLE series(\n"
    "  id      INTEGER PRIMARY KEY,\n"
    "  exp_uid TEXT NOT NULL,         -- the experiment's uid\n"
    "  name    TEXT NOT NULL,         -- metric name\n"
    "  attempt TEXT NOT NULL,         -- the attempt's uid (store.h)\n"
    "  f1      INTEGER,               -- format-1 series id: the order of\n"
    "                                 -- format-1 digests; NULL after\n"
    "  UNIQUE(exp_uid, name, attempt)\n"
    ");\n"
    "\n"
    "-- Metric points, clustered by series then step so a series streams in\n"
    "-- order. A step may have several rows (a resumed attempt's newer value,\n"
    "-- or two origins'), one per batch; readers take the newest. value NULL\n"
    "-- means NaN: SQLite cannot store a NaN REAL.\n"
    "CREATE TABLE point(\n"
    "  series INTEGER NOT NULL,\n"
    "  step   INTEGER NOT NULL,\n"
    "  batch  INTEGER NOT NULL,       -- local id of the covering metrics entry\n"
    "  value  REAL,\n"
    "  ts     INTEGER NOT NULL,       -- UTC ms of the observation\n"
    "  PRIMARY KEY(series, step, batch)\n"
    ") WITHOUT ROWID;\n"
    "\n"
    "-- Attachments, addressed by the SHA-256 of their bytes.\n"
    "CREATE TABLE blob(\n"
    "  sha256 TEXT PRIMARY KEY,       -- lowercase hex\n"
    "  size   INTEGER NOT NULL,\n"
    "  data   BLOB NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "\n"
    "-- Evidence: a second entry for an (origin, seq) already held, kept as\n"
    "-- it was received and never folded (shown by verify).\n"
    "CREATE TABLE fork(\n"
    "  id       INTEGER PRIMARY KEY,\n"
    "  origin   TEXT NOT NULL,\n"
    "  seq      INTEGER NOT NULL,\n"
    "  hash     BLOB NOT NULL UNIQUE,\n"
    "  line     TEXT NOT NULL,        -- the entry as received (feed line)\n"
    "  received INTEGER NOT NULL\n"
    ");\n"
    "\n"
    "-- Local, never synced: which origin this file writes as, and the\n"
    "-- fingerprint of the file it became that origin in. A file whose\n"
    "-- device, inode or host differ from the newest row is a copy and\n"
    "-- starts a new origin on its first write (origin.c).\n"
    "CREATE TABLE replica(\n"
    "  id      INTEGER PRIMARY KEY,\n"
    "  origin  TEXT NOT NULL,\n"
    "  device  INTEGER NOT NULL,\n"
    "  inode   INTEGER NOT NULL,\n"
    "  host    TEXT NOT NULL,\n"
    "  created INTEGER NOT NULL       -- UTC ms\n"
    ");\n";

/*
 * Samples (lablog samples add), since version 2.
 *
 * A samples file is stored as its pieces, in order: each row of the file
 * (a JSONL line, a CSV record, with its line ending) is one piece, and so
 * are the bytes between rows (a CSV header, blank lines). Concatenated in
 * seq order the pieces are the file, byte for byte, so the file is not
 * also kept in blob: the pieces are the attachment, and their columns are
 * the index (by row number, by id, by score). The samples entry that wrote
 * them (local id: entry) records their count and a digest (canon.c), and
 * verify recomputes it. Like every log table, the pieces are append-only.
 */
static const char schema_samples[] =
    "CREATE TABLE sample(\n"
    "  entry INTEGER NOT NULL,  -- the samples entry that wrote it\n"
    "  seq   INTEGER NOT NULL,  -- position in the file, from 0\n"
    "  row   INTEGER,           -- row number from 1; NULL: not a row\n"
    "  sid   TEXT,              -- the row's id (its row number if none)\n"
    "  score REAL,              -- score/reward; NULL when none or NaN\n"
    "  bytes BLOB NOT NULL,     -- exactly as in the file\n"
    "  PRIMARY KEY(entry, seq)\n"
    ");\n"
    "CREATE INDEX sample_row ON sample(entry, row) WHERE row IS NOT NULL;\n"
    "CREATE INDEX sample_sid ON sample(entry, sid, seq)\n"
    "  WHERE row IS NOT NULL;\n"
    "CREATE INDEX sample_score ON sample(entry, score, seq)\n"
    "  WHERE score IS NOT NULL;\n"
    "CREATE TRIGGER sample_no_update BEFORE UPDATE ON sample\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER sample_no_delete BEFORE DELETE ON sample\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER sample_no_replace BEFORE INSERT ON sample\n"
    "  WHEN EXISTS (SELECT 1 FROM sample\n"
    "               WHERE entry = NEW.entry AND seq = NEW.seq)\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n";

/*
 * Version 3: append-only triggers and the full-text index.
 *
 * Every log table has BEFORE UPDATE and BEFORE DELETE triggers that abort.
 * REPLACE would bypass a DELETE trigger (SQLite fires delete triggers for
 * REPLACE only with recursive_triggers on), so entry, series, blob and
 * fork also have a BEFORE INSERT guard on their keys. point has none: a
 * per-row trigger costs a third of ingest speed, and a point overwritten
 * by REPLACE is still caught by verify (its batch digest).
 */
/*
 * The full-text index gets the entries that have text: a metrics batch
 * (title and body empty) would otherwise write an FTS row, and prepare
 * FTS5's statements, in every `lablog metric` call. Logs made before this
 * trigger had its WHEN get it at their next write (schema_local()); the
 * index is local state, not part of the log format.
 */
#define FTS_ADD_TRIGGER \
    "CREATE TRIGGER entry_fts_add AFTER INSERT ON entry\n" \
    "  WHEN NEW.title <> '' OR NEW.body <> '' BEGIN\n" \
    "  INSERT INTO entry_fts(rowid, title, body)\n" \
    "  VALUES (NEW.id, NEW.title, NEW.body);\n" \
    "END;\n"

static const char schema_triggers[] =
    "CREATE VIRTUAL TABLE entry_fts USING fts5(title, body,\n"
    "  content='entry', content_rowid='id');\n"
    FTS_ADD_TRIGGER
    "\n"
    "CREATE TRIGGER entry_no_update BEFORE UPDATE ON entry\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER entry_no_delete BEFORE DELETE ON entry\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER entry_no_replace BEFORE INSERT ON entry\n"
    "  WHEN EXISTS (SELECT 1 FROM entry WHERE id = NEW.id OR uid = NEW.uid\n"
    "               OR hash = NEW.hash\n"
    "               OR (origin = NEW.origin AND seq = NEW.seq))\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER series_no_update BEFORE UPDATE ON series\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER series_no_delete BEFORE DELETE ON series\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER series_no_replace BEFORE INSERT ON series\n"
    "  WHEN EXISTS (SELECT 1 FROM series WHERE id = NEW.id\n"
    "               OR (exp_uid = NEW.exp_uid AND name = NEW.name\n"
    "                   AND attempt = NEW.attempt))\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER point_no_update BEFORE UPDATE ON point\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER point_no_delete BEFORE DELETE ON point\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER blob_no_update BEFORE UPDATE ON blob\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER blob_no_delete BEFORE DELETE ON blob\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER blob_keep BEFORE INSERT ON blob\n"
    "  WHEN EXISTS (SELECT 1 FROM blob WHERE sha256 = NEW.sha256)\n"
    "  BEGIN SELECT RAISE(IGNORE); END;\n"
    "CREATE TRIGGER fork_no_update BEFORE UPDATE ON fork\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER fork_no_delete BEFORE DELETE ON fork\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER fork_keep BEFORE INSERT ON fork\n"
    "  WHEN EXISTS (SELECT 1 FROM fork WHERE hash = NEW.hash)\n"
    "  BEGIN SELECT RAISE(IGNORE); END;\n";

/*
 * Format 1 (versions 1 and 2) -> format 2, step 1: set the format-1 tables
 * aside. Their triggers,
 * indexes and the full-text index go (they would keep the old names);
 * the rows stay until they are copied.
 */
static const char v1_set_aside[] =
    "DROP TRIGGER IF EXISTS entry_fts_add;\n"
    "DROP TRIGGER IF EXISTS entry_no_update;\n"
    "DROP TRIGGER IF EXISTS entry_no_delete;\n"
    "DROP TRIGGER IF EXISTS entry_no_replace;\n"
    "DROP TRIGGER IF EXISTS series_no_update;\n"
    "DROP TRIGGER IF EXISTS series_no_delete;\n"
    "DROP TRIGGER IF EXISTS series_no_replace;\n"
    "DROP TRIGGER IF EXISTS point_no_update;\n"
    "DROP TRIGGER IF EXISTS point_no_delete;\n"
    "DROP TRIGGER IF EXISTS point_keep;\n"
    "DROP TRIGGER IF EXISTS blob_no_update;\n"
    "DROP TRIGGER IF EXISTS blob_no_delete;\n"
    "DROP TRIGGER IF EXISTS blob_keep;\n"
    "DROP TABLE IF EXISTS entry_fts;\n"
    "DROP INDEX IF EXISTS entry_exp_name;\n"
    "DROP INDEX IF EXISTS entry_ts;\n"
    "DROP INDEX IF EXISTS entry_exp;\n"
    "DROP INDEX IF EXISTS entry_ref;\n"
    "ALTER TABLE entry RENAME TO v1_entry;\n"
    "ALTER TABLE series RENAME TO v1_series;\n"
    "ALTER TABLE point RENAME TO v1_point;\n"
    "ALTER TABLE blob RENAME TO v1_blob;\n";

/*
 * Step 2, after the version-2 tables exist: copy. A format-1 log is one
 * chain whose ids are dense, so the log becomes origin ?1 with seq = id;
 * prev is the stored hash of id - 1 (a gap gives zeros, which verify then
 * reports); exp and ref become the uids of the entries they named. The
 * rows keep their format-1 hashes, verified by format-1 rules (where exp
 * and ref are the seqs of those entries).
 *
 * hlc: max(ts, previous hlc + 1), i.e. id + max(ts_j - j) over j <= id, so
 * the fold order of migrated rows is exactly their id order.
 *
 * A format-1 series becomes one attempt: the experiment's latest running
 * status entry, or (never run) the experiment entry itself; f1 keeps its
 * id, which orders the format-1 digests.
 */
static const char v1_copy[] =
    "INSERT INTO entry(id, uid, origin, seq, prev, hlc, ts, author, kind,\n"
    "                  exp_uid, ref_uid, title, body, data, format, hash,\n"
    "                  received)\n"
    "SELECT e.id, e.uid, ?1, e.id,\n"
    "       coalesce((SELECT p.hash FROM v1_entry p WHERE p.id = e.id - 1),\n"
    "                zeroblob(32)),\n"
    "       e.id + max(e.ts - e.id) OVER (ORDER BY e.id),\n"
    "       e.ts, e.author, e.kind,\n"
    "       coalesce((SELECT x.uid FROM v1_entry x WHERE x.id = e.exp), ''),\n"
    "       coalesce((SELECT x.uid FROM v1_entry x WHERE x.id = e.ref), ''),\n"
    "       e.title, e.body, e.data, 1, e.hash, ?2\n"
    "FROM v1_entry e ORDER BY e.id;\n"
    "INSERT INTO series(id, exp_uid, name, attempt, f1)\n"
    "SELECT s.id, coalesce(x.uid, ''), s.name,\n"
    "       coalesce((SELECT r.uid FROM v1_entry r WHERE r.kind = 'status'\n"
    "                 AND r.exp = s.exp AND r.title = 'running'\n"
    "                 ORDER BY r.id DESC LIMIT 1), x.uid, ''), s.id\n"
    "FROM v1_series s LEFT JOIN v1_entry x ON x.id = s.exp;\n"
    "INSERT INTO point(series, step, batch, value, ts)\n"
    "SELECT series, step, batch, value, ts FROM v1_point;\n"
    "INSERT INTO blob SELECT * FROM v1_blob;\n";

static const char v1_drop[] =
    "DROP TABLE v1_point;\n"
    "DROP TABLE v1_series;\n"
    "DROP TABLE v1_entry;\n"
    "DROP TABLE v1_blob;\n";

static const char fts_rebuild[] =
    "INSERT INTO entry_fts(entry_fts) VALUES ('rebuild');\n";

int schema_version(void)
{
    return SCHEMA_VERSION;
}

int schema_format(int version)
{
    return version >= FORMAT2_VERSION ? 2 : 1;
}

static int pragma_int(sqlite3 *db, const char *sql, int *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

int schema_check(struct store *s, int *version_out)
{
    int app_id = 0, version = 0;
    int rc = pragma_int(s->db, "PRAGMA application_id", &app_id);

    if (rc == SQLITE_OK)
        rc = pragma_int(s->db, "PRAGMA user_version", &version);
    if (rc == SQLITE_NOTADB)
        return ll_error(LL_EINPUT, "'%s' is not a lablog log (not an "
                        "SQLite database)", s->path);
    if (rc != SQLITE_OK)
        return store_db_error(s, "cannot read");
    if (app_id != STORE_APP_ID)
        return ll_error(LL_EINPUT, "'%s' is not a lablog log (an SQLite "
                        "database of another program)", s->path);
    if (version > SCHEMA_VERSION)
        return ll_error(LL_EINPUT, "'%s' was written by a newer lablog "
                        "(schema %d; this lablog reads up to %d): upgrade "
                        "lablog", s->path, version, SCHEMA_VERSION);
    *version_out = version;
    return 0;
}

static int exec_sql(struct store *s, const char *sql)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_db_error(s, "cannot migrate the schema of");
    return 0;
}

/* Runs the copy statements of v1_copy with the origin and time bound. */
static int copy_v1(struct store *s, const char *origin, int64_t now)
{
    const char *sql = v1_copy;
    sqlite3_stmt *st = NULL;
    int rc = 0;

    while (rc == 0 && *sql) {
        const char *tail = NULL;

        if (sqlite3_prepare_v2(s->db, sql, -1, &st, &tail) != SQLITE_OK)
            return store_db_error(s, "cannot migrate the schema of");
        if (!st)
            break; /* only whitespace was left */
        if (sqlite3_bind_parameter_count(st) >= 2) {
            store_bind_text(st, 1, origin);
            sqlite3_bind_int64(st, 2, now);
        }
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_db_error(s, "cannot migrate the schema of");
        sqlite3_finalize(st);
        st = NULL;
        sql = tail;
    }
    return rc;
}

/*
 * Format 1 -> 2 (see the statements above). The format-1 log becomes this
 * replica's first origin; origin_adopt() then records the replica and
 * appends that origin's first format-2 entry, which chains to the format-1
 * head, so verify checks the hand-over.
 */
static int migrate_to_format2(struct store *s, int from)
{
    char origin[27];
    int rc;

    origin_new_id(origin);
    /* Version 1 has no sample table; version 2's is kept as it is (its
     * entry column holds local ids, which the migration keeps). */
    rc = from < 2 ? exec_sql(s, schema_samples) : 0;
    if (rc == 0)
        rc = exec_sql(s, v1_set_aside);
    if (rc == 0)
        rc = exec_sql(s, schema_tables);
    if (rc == 0)
        rc = copy_v1(s, origin, store_wall_ms());
    if (rc == 0)
        rc = exec_sql(s, v1_drop);
    if (rc == 0)
        rc = exec_sql(s, schema_triggers);
    if (rc == 0)
        rc = exec_sql(s, fts_rebuild);
    if (rc == 0)
        rc = origin_adopt(s, origin, 1);
    return rc;
}

/*
 * Local parts of the schema that changed without changing the log (no new
 * version: an older lablog reads and writes the log as before): the FTS
 * trigger's WHEN. One lookup in the parsed schema when nothing is due.
 */
static int schema_local(struct store *s)
{
    sqlite3_stmt *st = NULL;
    int old = 0, rc;

    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_master WHERE type = "
                           "'trigger' AND name = 'entry_fts_add' AND sql "
                           "NOT LIKE '%WHEN%'", -1, &st, NULL) != SQLITE_OK)
        return store_db_error(s, "cannot read");
    rc = sqlite3_step(st);
    old = rc == SQLITE_ROW;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_db_error(s, "cannot read");
    if (!old)
        return 0;
    rc = store_begin_write(s);
    if (rc == 0)
        rc = exec_sql(s, "DROP TRIGGER entry_fts_add;\n" FTS_ADD_TRIGGER);
    if (rc == 0)
        rc = store_commit(s);
    else
        store_rollback(s);
    return rc;
}

/*
 * Brings the log to SCHEMA_VERSION in one transaction. A new log starts at
 * version 0; application_id is set in the same transaction so a
 * half-created file is never mistaken for a log.
 */
int schema_migrate(struct store *s, int from)
{
    char pragma[64];
    int rc;

    if (from == SCHEMA_VERSION)
        return schema_local(s);
    rc = store_begin_write(s);
    if (rc)
        return rc;
    if (from == 0) {
        rc = exec_sql(s, schema_tables);
        if (rc == 0)
            rc = exec_sql(s, schema_samples);
        if (rc == 0)
            rc = exec_sql(s, schema_triggers);
    } else {
        rc = migrate_to_format2(s, from);
    }
    if (rc)
        goto fail;
    snprintf(pragma, sizeof(pragma), "PRAGMA application_id = %d;"
             "PRAGMA user_version = %d", STORE_APP_ID, SCHEMA_VERSION);
    rc = exec_sql(s, pragma);
    if (rc)
        goto fail;
    rc = store_commit(s);
    if (rc == 0 && from > 0)
        s->migrated_from = schema_format(from);
    return rc;
fail:
    store_rollback(s);
    return rc;
}
