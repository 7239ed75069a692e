/* SPDX-License-Identifier: MIT */
/*
 * An MLflow tracking database (mlflow.db), read-only, for the importer
 * (import/mlflow.c). Strings passed to callbacks are borrowed for the
 * call; a callback returning non-zero stops the walk with that value.
 */
#ifndef LABLOG_STORE_MLFLOW_H
#define LABLOG_STORE_MLFLOW_H

#include <stdint.h>

struct mlflow_db;

struct mlflow_db_run {
    const char *run_id;
    const char *name;       /* "" when none */
    const char *status;     /* RUNNING, SCHEDULED, FINISHED, FAILED, KILLED */
    int64_t start_ms, end_ms; /* 0 when NULL */
    int deleted;            /* the run or its experiment was deleted */
    const char *user;
    const char *experiment; /* the experiment's name */
};

typedef int mlflow_run_fn(void *ctx, const struct mlflow_db_run *r);
typedef int mlflow_kv_fn(void *ctx, const char *key, const char *value);
typedef int mlflow_metric_fn(void *ctx, const char *key, double value,
                             int64_t ts, int64_t step);

/* Opens path read-only; fails (LL_EINPUT) unless it has MLflow's tables. */
int mlflow_db_open(struct mlflow_db **out, const char *path);
void mlflow_db_close(struct mlflow_db *m);

/* Every run, by experiment and start time. */
int mlflow_db_runs(struct mlflow_db *m, mlflow_run_fn *fn, void *ctx);
/* A run's params (tags = 0) or tags (tags = 1), by key. */
int mlflow_db_kv(struct mlflow_db *m, const char *run_id, int tags,
                 mlflow_kv_fn *fn, void *ctx);
/* A run's metric values by key, then time, then step; NaN for is_nan. */
int mlflow_db_metrics(struct mlflow_db *m, const char *run_id,
                      mlflow_metric_fn *fn, void *ctx);

#endif
