/* SPDX-License-Identifier: MIT */
/*
 * Reading an MLflow tracking database (mlflow.db, SQLite) for `lablog
 * import mlflow`. The queries live here because this folder is the only
 * one that speaks SQL; the file is opened read-only and never written.
 *
 * MLflow's schema (tables created by its migrations): experiments
 * (experiment_id, name, lifecycle_stage, ...), runs (run_uuid, name,
 * status, start_time, end_time, lifecycle_stage, user_id, experiment_id,
 * ...), params and tags (key, value, run_uuid), metrics (key, value,
 * timestamp, run_uuid, step, is_nan).
 */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/mlflow.h"
#include "util/err.h"
#include "util/xalloc.h"

struct mlflow_db {
    sqlite3 *db;
    const char *path;
};

static int db_fail(const struct mlflow_db *m, const char *what)
{
    return ll_error(LL_EINPUT, "%s: not an MLflow database (%s: %s)",
                    m->path, what, sqlite3_errmsg(m->db));
}

int mlflow_db_open(struct mlflow_db **out, const char *path)
{
    struct mlflow_db *m = xcalloc(1, sizeof(*m));
    sqlite3_stmt *st = NULL;
    int rc, found = 0;

    m->path = path;
    rc = sqlite3_open_v2(path, &m->db, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK) {
        rc = ll_error(LL_EIO, "cannot open '%s': %s", path,
                      m->db ? sqlite3_errmsg(m->db) : "out of memory");
        mlflow_db_close(m);
        return rc;
    }
    rc = sqlite3_prepare_v2(m->db, "SELECT count(*) FROM sqlite_master "
                            "WHERE type = 'table' AND name IN ('experiments',"
                            " 'runs', 'params', 'tags', 'metrics')", -1, &st,
                            NULL);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        found = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_OK || found != 5) {
        rc = rc != SQLITE_OK ? db_fail(m, "reading its tables")
                             : ll_error(LL_EINPUT, "%s: not an MLflow "
                                        "database (no experiments, runs, "
                                        "params, tags and metrics tables)",
                                        path);
        mlflow_db_close(m);
        return rc;
    }
    *out = m;
    return 0;
}

void mlflow_db_close(struct mlflow_db *m)
{
    if (!m)
        return;
    sqlite3_close(m->db);
    free(m);
}

static const char *text(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);

    return t ? (const char *)t : "";
}

int mlflow_db_runs(struct mlflow_db *m, mlflow_run_fn *fn, void *ctx)
{
    static const char sql[] =
        "SELECT r.run_uuid, r.name, r.status, r.start_time, r.end_time,"
        " r.lifecycle_stage, r.user_id, e.name, e.lifecycle_stage"
        " FROM runs r LEFT JOIN experiments e"
        " ON e.experiment_id = r.experiment_id"
        " ORDER BY r.experiment_id, r.start_time, r.run_uuid";
    sqlite3_stmt *st = NULL;
    struct mlflow_db_run r;
    int rc = sqlite3_prepare_v2(m->db, sql, -1, &st, NULL);

    if (rc != SQLITE_OK)
        return db_fail(m, "reading runs");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int ret;

        r.run_id = text(st, 0);
        r.name = text(st, 1);
        r.status = text(st, 2);
        r.start_ms = sqlite3_column_int64(st, 3);
        r.end_ms = sqlite3_column_int64(st, 4);
        r.deleted = strcmp(text(st, 5), "deleted") == 0
                    || strcmp(text(st, 8), "deleted") == 0;
        r.user = text(st, 6);
        r.experiment = text(st, 7);
        ret = fn(ctx, &r);
        if (ret) {
            sqlite3_finalize(st);
            return ret;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_fail(m, "reading runs");
}

int mlflow_db_kv(struct mlflow_db *m, const char *run_id, int tags,
                 mlflow_kv_fn *fn, void *ctx)
{
    const char *sql = tags ? "SELECT key, value FROM tags WHERE run_uuid = ?"
                             " ORDER BY key"
                           : "SELECT key, value FROM params WHERE run_uuid = ?"
                             " ORDER BY key";
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(m->db, sql, -1, &st, NULL);

    if (rc != SQLITE_OK)
        return db_fail(m, tags ? "reading tags" : "reading params");
    sqlite3_bind_text(st, 1, run_id, -1, SQLITE_TRANSIENT);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int ret = fn(ctx, text(st, 0), text(st, 1));

        if (ret) {
            sqlite3_finalize(st);
            return ret;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_fail(m, "reading params");
}

int mlflow_db_metrics(struct mlflow_db *m, const char *run_id,
                      mlflow_metric_fn *fn, void *ctx)
{
    static const char sql[] =
        "SELECT key, value, timestamp, step, is_nan FROM metrics"
        " WHERE run_uuid = ? ORDER BY key, timestamp, step";
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(m->db, sql, -1, &st, NULL);

    if (rc != SQLITE_OK)
        return db_fail(m, "reading metrics");
    sqlite3_bind_text(st, 1, run_id, -1, SQLITE_TRANSIENT);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        double v = sqlite3_column_double(st, 1);
        int ret;

        if (sqlite3_column_int(st, 4))
            v = (double)NAN;
        ret = fn(ctx, text(st, 0), v, sqlite3_column_int64(st, 2),
                 sqlite3_column_int64(st, 3));
        if (ret) {
            sqlite3_finalize(st);
            return ret;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_fail(m, "reading metrics");
}
