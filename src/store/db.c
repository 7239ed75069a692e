/* SPDX-License-Identifier: MIT */
/*
 * Finding, opening and closing a log; write transactions; the statement
 * cache.
 *
 * Many processes write one log at once (a training script logging metrics
 * while the researcher adds notes), so every connection runs in WAL mode with
 * a busy timeout and every write transaction starts with BEGIN IMMEDIATE: a
 * deferred transaction that reads before it writes can fail with
 * SQLITE_BUSY_SNAPSHOT even with a busy timeout set.
 */
#include "store/internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* Long enough to outlast another process's large ingest batch. */
#define BUSY_TIMEOUT_MS 30000

static const char *const stmt_sql[STMT_COUNT] = {
    [STMT_ORIGIN_HEAD] = "SELECT seq, hash FROM entry WHERE origin = ?1 "
                         "ORDER BY seq DESC LIMIT 1",
    [STMT_MAX_HLC] = "SELECT max(hlc) FROM entry",
    [STMT_MAX_ID] = "SELECT max(id) FROM entry",
    [STMT_UID_OF] = "SELECT uid FROM entry WHERE id = ?1",
    [STMT_INSERT_ENTRY] =
        "INSERT INTO entry(id, uid, origin, seq, prev, hlc, ts, author, kind, "
        "exp_uid, ref_uid, title, body, data, format, hash, received) VALUES "
        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
        "?16, ?17)",
    [STMT_SERIES_FIND] = "SELECT id FROM series WHERE exp_uid = ?1 AND "
                         "name = ?2 AND attempt = ?3",
    [STMT_SERIES_INSERT] = "INSERT INTO series(exp_uid, name, attempt) "
                           "VALUES (?1, ?2, ?3)",
    [STMT_POINT_INSERT] = "INSERT INTO point(series, step, batch, value, ts) "
                          "VALUES (?1, ?2, ?3, ?4, ?5)",
    [STMT_SPAN_INSERT] = "INSERT INTO batch_span(batch, series, lo, hi) "
                         "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO UPDATE SET "
                         "lo = min(lo, excluded.lo), hi = max(hi, "
                         "excluded.hi)",
    /* The value a step shows now: the current batch's first, then the
     * newest batch in fold order (a batch not held sorts oldest). */
    [STMT_POINT_PROBE] =
        "SELECT p.value, p.batch = ?3 FROM point p "
        "LEFT JOIN entry b ON b.id = p.batch "
        "WHERE p.series = ?1 AND p.step = ?2 "
        "ORDER BY p.batch = ?3 DESC, b.hlc DESC, b.origin DESC, b.seq DESC "
        "LIMIT 1",
    [STMT_POINT_PROBE1] = "SELECT value FROM point WHERE series = ?1 AND "
                          "step = ?2 LIMIT 2",
    [STMT_POINT_MAX_STEP] = "SELECT max(step) FROM point WHERE series = ?1",
    [STMT_EXP_FIND] = "SELECT id FROM entry WHERE kind = 'exp' AND title = ?1",
    [STMT_EXPS_NAMED] = "SELECT id, uid, origin, author FROM entry WHERE "
                        "kind = 'exp' AND title = ?1 ORDER BY hlc, origin, "
                        "seq",
    [STMT_EXP_NAME_TAKEN] =
        "SELECT 1 FROM entry WHERE kind = 'exp' AND title = ?1 LIMIT 1",
    /* An experiment's attempts: its running status entries that are not
     * resumes, and the attempts its series name; the latest anchor in fold
     * order (anchors not held sort oldest). */
    [STMT_ATTEMPT_LATEST] =
        "SELECT a.uid FROM ("
        " SELECT e.uid AS uid FROM entry e WHERE e.exp_uid = ?1"
        "  AND e.kind = 'status' AND e.title = 'running'"
        "  AND json_extract(e.data, '$.resume') IS NULL"
        " UNION SELECT attempt FROM series WHERE exp_uid = ?1) a"
        " LEFT JOIN entry x ON x.uid = a.uid"
        " ORDER BY x.hlc DESC, x.origin DESC, x.seq DESC LIMIT 1",
    [STMT_FOLD_KEY] = "SELECT hlc, origin, seq FROM entry WHERE id = ?1",
};

int store_db_error(struct store *s, const char *what)
{
    int code = sqlite3_errcode(s->db) & 0xff; /* primary of an extended */

    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        return ll_error(LL_EBUSY, "%s '%s': the log is locked by another "
                        "process (%s)", what, s->path, sqlite3_errmsg(s->db));
    if (code == SQLITE_READONLY)
        return ll_error(LL_EDB, "%s '%s': no write access to the log or its "
                        "folder (%s)", what, s->path, sqlite3_errmsg(s->db));
    return ll_error(LL_EDB, "%s '%s': %s", what, s->path,
                    sqlite3_errmsg(s->db));
}

sqlite3_stmt *store_stmt(struct store *s, enum stmt_id id)
{
    sqlite3_stmt *st = s->stmts[id];

    if (st) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return st;
    }
    if (sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                           &st, NULL) != SQLITE_OK) {
        store_db_error(s, "cannot prepare a query on");
        return NULL;
    }
    s->stmts[id] = st;
    return st;
}

void store_bind_text(sqlite3_stmt *st, int col, const char *text)
{
    sqlite3_bind_text(st, col, text ? text : "", -1, SQLITE_STATIC);
}

void store_bind_id(sqlite3_stmt *st, int col, int64_t id)
{
    if (id)
        sqlite3_bind_int64(st, col, id);
    else
        sqlite3_bind_null(st, col);
}

int store_prepare(struct store *s, const char *sql, sqlite3_stmt **out)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, out, NULL) != SQLITE_OK)
        return store_db_error(s, "cannot query");
    return 0;
}

int64_t store_wall_ms(void)
{
    return time_now_ms();
}

int store_migrated_from(const struct store *s)
{
    return s->migrated_from;
}

const char *store_column_text(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);

    return t ? (const char *)t : "";
}

/* ---- finding --------------------------------------------------------- */

static int is_file(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int store_find(char **path_out, const char *explicit_path)
{
    const char *env = getenv("LABLOG_DB");
    struct buf dir = BUF_INIT;
    char cwd[PATH_MAX];
    int rc = 0;

    *path_out = NULL;
    if (explicit_path || (env && *env)) {
        const char *p = explicit_path ? explicit_path : env;

        if (!is_file(p))
            return ll_error(LL_ENOTFOUND, "no lablog log at '%s' (from %s); "
                            "run 'lablog init' to create one", p,
                            explicit_path ? "--db" : "$LABLOG_DB");
        *path_out = xstrdup(p);
        return 0;
    }
    if (!getcwd(cwd, sizeof(cwd)))
        return ll_error(LL_EIO, "cannot read the working directory: %s",
                        strerror(errno));
    buf_puts(&dir, cwd);
    for (;;) {
        size_t keep = dir.len;
        char *slash;

        buf_puts(&dir, dir.len > 1 ? "/" STORE_FILENAME : STORE_FILENAME);
        if (is_file(dir.ptr)) {
            *path_out = buf_detach(&dir, NULL);
            goto cleanup;
        }
        buf_truncate(&dir, keep);
        slash = strrchr(dir.ptr, '/');
        if (!slash || dir.len == 1)
            break;
        buf_truncate(&dir, slash == dir.ptr ? 1 : (size_t)(slash - dir.ptr));
    }
    rc = ll_error(LL_ENOTFOUND, "no lablog log here (no %s in this directory "
                  "or any parent); run 'lablog init' to start one",
                  STORE_FILENAME);
cleanup:
    buf_release(&dir);
    return rc;
}

/* ---- opening --------------------------------------------------------- */

static int exec(struct store *s, const char *sql)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_db_error(s, "cannot open");
    return 0;
}

/* "file:PATH?immutable=1" with PATH percent-encoded as a URI path. */
static char *immutable_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    struct buf uri = BUF_INIT;
    const unsigned char *p;

    buf_puts(&uri, "file:");
    for (p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
            || (*p >= '0' && *p <= '9') || strchr("/-._~", *p)) {
            buf_putc(&uri, (char)*p);
        } else {
            buf_putc(&uri, '%');
            buf_putc(&uri, hex[*p >> 4]);
            buf_putc(&uri, hex[*p & 15]);
        }
    }
    buf_puts(&uri, "?immutable=1");
    return buf_detach(&uri, NULL);
}

/* Opens s->path; with immutable, read-only without locks or the -wal and
 * -shm files (see store_open). */
static int open_connection(struct store *s, enum store_mode mode,
                           int immutable)
{
    static int configured;
    int one = 1;
    int flags = mode == STORE_READ || immutable ? SQLITE_OPEN_READONLY
                                                : SQLITE_OPEN_READWRITE;
    char *uri = NULL;
    int rc;

    if (!configured) {
        /* Before SQLite initialises: no global allocation statistics,
         * whose mutex costs every allocation of an ingest. Harmless
         * (SQLITE_MISUSE) when SQLite is already initialised. */
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        configured = 1;
    }
    if (mode == STORE_CREATE) {
        if (access(s->path, F_OK) == 0)
            return ll_error(LL_EUSAGE, "'%s' already exists", s->path);
        flags |= SQLITE_OPEN_CREATE;
    }
    if (immutable) {
        uri = immutable_uri(s->path);
        flags |= SQLITE_OPEN_URI;
    }
    rc = sqlite3_open_v2(uri ? uri : s->path, &s->db,
                         flags | SQLITE_OPEN_NOMUTEX, NULL);
    free(uri);
    if (rc != SQLITE_OK) {
        if (!s->db)
            return ll_error(LL_EDB, "cannot open '%s'", s->path);
        return store_db_error(s, "cannot open");
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    /* No writable_schema tricks through our own connection. */
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    /* Keep the -wal file when the last connection closes: a short-lived
     * `lablog metric` would otherwise delete it at exit and create it
     * again next time, paying a directory fsync per call. It is still
     * checkpointed on close, so it never grows beyond one run's writes. */
    sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
    return 0;
}

/* Whether the last error says the log cannot be read in place for want of
 * write access: a WAL log needs its -shm file, which a reader must create
 * (or, after a crash, recover the -wal) in the log's folder. */
static int needs_write_access(struct store *s)
{
    int code = sqlite3_errcode(s->db) & 0xff;

    return code == SQLITE_READONLY || code == SQLITE_CANTOPEN;
}

/* After an immutable open: one line when committed changes may be in a
 * -wal file that an immutable read does not see. */
static void warn_if_stale(struct store *s)
{
    unsigned char header[20];
    struct buf wal = BUF_INIT;
    struct stat st;
    FILE *f = fopen(s->path, "rb");
    int is_wal = f && fread(header, 1, sizeof(header), f) == sizeof(header)
                 && header[18] == 2 && header[19] == 2;

    if (f)
        fclose(f);
    buf_printf(&wal, "%s-wal", s->path);
    if (is_wal && stat(wal.ptr, &st) == 0 && st.st_size > 0)
        ll_warn("reading '%s' without write access to its folder: changes "
                "still in '%s' are not seen, so the log may be stale",
                s->path, wal.ptr);
    buf_release(&wal);
}

/*
 * Read commands open the log read-only. A log in WAL mode can still need
 * write access to be read (its -shm file is created and written by
 * readers): a colleague's log in a shared folder, a read-only mount, an
 * archived copy. Then the log is opened again as immutable (no locks, no
 * -shm, no -wal), which is exact unless committed changes are still in a
 * -wal file (a writer elsewhere had it open), and warn_if_stale() says so.
 * A writing command that meets a log it cannot write opens it the same
 * way; its first write then fails with "no write access".
 */
int store_open(struct store **out, const char *path, enum store_mode mode)
{
    struct store *s = xcalloc(1, sizeof(*s));
    int version = 0;
    int rc;

    *out = NULL;
    s->path = xstrdup(path);
    rc = open_connection(s, mode, 0);
    if (rc)
        goto fail;
    if (mode == STORE_CREATE) {
        /* WAL is persistent: set once here, every later opener gets it. */
        rc = exec(s, "PRAGMA journal_mode = WAL");
    } else {
        rc = schema_check(s, &version);
        if (rc && needs_write_access(s)) {
            sqlite3_close(s->db);
            s->db = NULL;
            rc = open_connection(s, mode, 1);
            if (rc == 0)
                rc = schema_check(s, &version);
            if (rc == 0)
                warn_if_stale(s);
        }
    }
    if (rc)
        goto fail;
    /* Transactions survive a crashed process in any mode; NORMAL only risks
     * the last commits on power loss, and saves an fsync per write. */
    rc = exec(s, "PRAGMA synchronous = NORMAL; "
                 "PRAGMA journal_size_limit = 4194304");
    if (rc)
        goto fail;
    if (mode != STORE_READ && !sqlite3_db_readonly(s->db, "main")) {
        rc = schema_migrate(s, version);
        if (rc)
            goto fail;
    } else if (version < schema_version()) {
        rc = ll_error(LL_EINPUT, "'%s' is a format-%d log; run 'lablog "
                      "migrate' (or any writing command) to upgrade it to "
                      "format %d", path, version, schema_version());
        goto fail;
    }
    *out = s;
    return 0;
fail:
    store_close(s);
    return rc;
}

void store_close(struct store *s)
{
    int i;

    if (!s)
        return;
    if (s->depth)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    for (i = 0; i < STMT_COUNT; i++)
        sqlite3_finalize(s->stmts[i]);
    sqlite3_finalize(s->insert_rows);
    series_cache_free(s->series);
    attempt_cache_free(s->attempts);
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

void store_run_tail_path(const struct store *s, const char *attempt,
                         struct buf *out)
{
    buf_printf(out, "%s-tails/%s", s->path, attempt);
}

const char *store_file(const struct store *s)
{
    return s->path;
}

/* ---- transactions ---------------------------------------------------- */

void store_set_busy_timeout(struct store *s, int ms)
{
    sqlite3_busy_timeout(s->db, ms);
}

int store_check_writable(struct store *s)
{
    if (!sqlite3_db_readonly(s->db, "main"))
        return 0;
    return ll_error(LL_EDB, "cannot write to '%s': no write access to the "
                    "log or its folder", s->path);
}

int store_begin_write(struct store *s)
{
    if (s->depth++ > 0)
        return 0;
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        s->depth = 0;
        return store_db_error(s, "cannot write to");
    }
    return 0;
}

int store_commit(struct store *s)
{
    if (s->depth == 0 || --s->depth > 0)
        return 0;
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        int rc = store_db_error(s, "cannot commit to");

        /* A failed COMMIT may leave the transaction open: end it. */
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return 0;
}

void store_rollback(struct store *s)
{
    if (s->depth == 0)
        return;
    s->depth = 0;
    s->batch_open = 0;
    s->reserved_id = 0;
    /* Series and implicit attempts made in the abandoned transaction no
     * longer exist; a copied file's new origin was not recorded either. */
    metric_forget_uncommitted(s);
    s->origin[0] = '\0';
    /* Harmless if SQLite already rolled back (e.g. after SQLITE_FULL). */
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}
