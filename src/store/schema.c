/* SPDX-License-Identifier: MIT */
/*
 * The schema of a lablog log, as one commented SQL text per version, and the
 * forward-only migrations between versions.
 *
 * A log is recognised by PRAGMA application_id (STORE_APP_ID) and versioned
 * by PRAGMA user_version: migration step N takes a log from version N to
 * N+1, all pending steps run in one transaction, and a log whose version is
 * above the newest this build knows is refused rather than misread.
 */
#include "store/internal.h"

#include <stdio.h>

#include "util/err.h"

/*
 * Version 1.
 *
 * Append-only: every log table has BEFORE UPDATE and BEFORE DELETE triggers
 * that abort. REPLACE would bypass a DELETE trigger (SQLite fires delete
 * triggers for REPLACE only with recursive_triggers on), so each table also
 * has a BEFORE INSERT guard on its keys: entry and series abort, point and
 * blob ignore the row (re-ingesting a point or storing a file twice is a
 * no-op by design).
 */
static const char schema_v1[] =
    "CREATE TABLE entry(\n"
    "  id     INTEGER PRIMARY KEY,  -- local id, what people type\n"
    "  uid    TEXT NOT NULL UNIQUE, -- global id: 48-bit ms + 80 random bits\n"
    "  ts     INTEGER NOT NULL,     -- UTC milliseconds since the epoch\n"
    "  author TEXT NOT NULL,\n"
    "  kind   TEXT NOT NULL,        -- entry_kind_name()\n"
    "  exp    INTEGER,              -- experiment entry id, or NULL\n"
    "  ref    INTEGER,              -- referenced entry id, or NULL\n"
    "  title  TEXT NOT NULL,\n"
    "  body   TEXT NOT NULL,        -- Markdown\n"
    "  data   TEXT NOT NULL,        -- JSON object\n"
    "  hash   BLOB NOT NULL         -- SHA-256 chained to entry id-1 (canon.c)\n"
    ");\n"
    "CREATE UNIQUE INDEX entry_exp_name ON entry(title) WHERE kind = 'exp';\n"
    "CREATE INDEX entry_ts ON entry(ts);\n"
    "CREATE INDEX entry_exp ON entry(exp) WHERE exp IS NOT NULL;\n"
    "CREATE INDEX entry_ref ON entry(ref) WHERE ref IS NOT NULL;\n"
    "\n"
    "-- One row per (experiment, metric): points refer to it by id.\n"
    "CREATE TABLE series(\n"
    "  id   INTEGER PRIMARY KEY,\n"
    "  exp  INTEGER NOT NULL,       -- experiment entry id\n"
    "  name TEXT NOT NULL,          -- metric name\n"
    "  UNIQUE(exp, name)\n"
    ");\n"
    "\n"
    "-- Metric points, clustered by series then step so a series streams in\n"
    "-- order. value NULL means NaN: SQLite cannot store a NaN REAL.\n"
    "CREATE TABLE point(\n"
    "  series INTEGER NOT NULL,\n"
    "  step   INTEGER NOT NULL,\n"
    "  value  REAL,\n"
    "  ts     INTEGER NOT NULL,     -- UTC ms of the observation\n"
    "  batch  INTEGER NOT NULL,     -- id of the metrics entry covering it\n"
    "  PRIMARY KEY(series, step)\n"
    ") WITHOUT ROWID;\n"
    "\n"
    "-- Attachments, addressed by the SHA-256 of their bytes.\n"
    "CREATE TABLE blob(\n"
    "  sha256 TEXT PRIMARY KEY,     -- lowercase hex\n"
    "  size   INTEGER NOT NULL,\n"
    "  data   BLOB NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "\n"
    "CREATE VIRTUAL TABLE entry_fts USING fts5(title, body,\n"
    "  content='entry', content_rowid='id');\n"
    "CREATE TRIGGER entry_fts_add AFTER INSERT ON entry BEGIN\n"
    "  INSERT INTO entry_fts(rowid, title, body)\n"
    "  VALUES (NEW.id, NEW.title, NEW.body);\n"
    "END;\n"
    "\n"
    "CREATE TRIGGER entry_no_update BEFORE UPDATE ON entry\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER entry_no_delete BEFORE DELETE ON entry\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER entry_no_replace BEFORE INSERT ON entry\n"
    "  WHEN EXISTS (SELECT 1 FROM entry WHERE id = NEW.id OR uid = NEW.uid)\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER series_no_update BEFORE UPDATE ON series\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER series_no_delete BEFORE DELETE ON series\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER series_no_replace BEFORE INSERT ON series\n"
    "  WHEN EXISTS (SELECT 1 FROM series WHERE id = NEW.id\n"
    "               OR (exp = NEW.exp AND name = NEW.name))\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER point_no_update BEFORE UPDATE ON point\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER point_no_delete BEFORE DELETE ON point\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER point_keep BEFORE INSERT ON point\n"
    "  WHEN EXISTS (SELECT 1 FROM point\n"
    "               WHERE series = NEW.series AND step = NEW.step)\n"
    "  BEGIN SELECT RAISE(IGNORE); END;\n"
    "CREATE TRIGGER blob_no_update BEFORE UPDATE ON blob\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER blob_no_delete BEFORE DELETE ON blob\n"
    "  BEGIN SELECT RAISE(ABORT, 'lablog log is append-only'); END;\n"
    "CREATE TRIGGER blob_keep BEFORE INSERT ON blob\n"
    "  WHEN EXISTS (SELECT 1 FROM blob WHERE sha256 = NEW.sha256)\n"
    "  BEGIN SELECT RAISE(IGNORE); END;\n";

/*
 * Version 2: samples (lablog samples add).
 *
 * A samples file is stored as its pieces, in order: each row of the file
 * (a JSONL line, a CSV record, with its line ending) is one piece, and so
 * are the bytes between rows (a CSV header, blank lines). Concatenated in
 * seq order the pieces are the file, byte for byte, so the file is not
 * also kept in blob: the pieces are the attachment, and their columns are
 * the index (by row number, by id, by score). The samples entry that wrote
 * them records their count and a digest (canon.c), and verify recomputes
 * it. Like every log table, the pieces are append-only.
 */
static const char schema_v2[] =
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

/* migrations[N] takes a log from user_version N to N + 1. */
static const char *const migrations[] = {
    schema_v1,
    schema_v2,
};

#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

int schema_version(void)
{
    return SCHEMA_VERSION;
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

/*
 * Brings the log to SCHEMA_VERSION in one transaction. A new log starts at
 * version 0; application_id is set with the first step so a half-created
 * file is never mistaken for a log.
 */
int schema_migrate(struct store *s, int from)
{
    char pragma[64];
    int rc, v;

    if (from == SCHEMA_VERSION)
        return 0;
    rc = store_begin_write(s);
    if (rc)
        return rc;
    for (v = from; v < SCHEMA_VERSION; v++) {
        if (sqlite3_exec(s->db, migrations[v], NULL, NULL, NULL) != SQLITE_OK) {
            rc = store_db_error(s, "cannot migrate the schema of");
            goto fail;
        }
    }
    snprintf(pragma, sizeof(pragma), "PRAGMA application_id = %d;"
             "PRAGMA user_version = %d", STORE_APP_ID, SCHEMA_VERSION);
    if (sqlite3_exec(s->db, pragma, NULL, NULL, NULL) != SQLITE_OK) {
        rc = store_db_error(s, "cannot migrate the schema of");
        goto fail;
    }
    return store_commit(s);
fail:
    store_rollback(s);
    return rc;
}
