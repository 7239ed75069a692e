/* SPDX-License-Identifier: MIT */
/*
 * The baseline for `make bench`: insert the benchmark's points into the
 * same tables of a lablog log (format 2: series per experiment, metric and
 * attempt; points keyed by series, step and batch) with one prepared
 * statement and the same 20,000-row transactions, doing nothing else (no
 * parsing, no dedupe check, no digest, no metrics entry). lablog's ingest
 * rate is reported as a ratio of this.
 *
 *   raw_insert DB EXP_ID NPOINTS
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *series = NULL, *point = NULL;
    long long exp, n, i, sid[2];
    int rc = 1, k;

    if (argc != 4) {
        fputs("usage: raw_insert DB EXP_ID NPOINTS\n", stderr);
        return 2;
    }
    exp = atoll(argv[2]);
    n = atoll(argv[3]);
    if (sqlite3_open(argv[1], &db) != SQLITE_OK)
        goto out;
    sqlite3_busy_timeout(db, 30000);
    sqlite3_exec(db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
    if (sqlite3_prepare_v2(db, "INSERT INTO series(exp_uid, name, attempt) "
                           "SELECT uid, ?2, uid FROM entry WHERE id = ?1",
                           -1, &series, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, "INSERT INTO point(series, step, batch, "
                              "value, ts) VALUES (?1, ?2, ?3, ?4, ?5)", -1,
                              &point, NULL) != SQLITE_OK)
        goto out;
    sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    for (k = 0; k < 2; k++) {
        sqlite3_bind_int64(series, 1, exp);
        sqlite3_bind_text(series, 2, k ? "acc" : "loss", -1, SQLITE_STATIC);
        sqlite3_step(series);
        sqlite3_reset(series);
        sid[k] = sqlite3_last_insert_rowid(db);
    }
    /* The same points as the benchmark's JSONL: loss and acc per step. */
    for (i = 0; i < n; i++) {
        sqlite3_bind_int64(point, 1, sid[i % 2]);
        sqlite3_bind_int64(point, 2, i / 2);
        sqlite3_bind_int64(point, 3, 1000 + i / 20000); /* a batch id */
        sqlite3_bind_double(point, 4, 1.0 / (double)(i / 2 + 1));
        sqlite3_bind_int64(point, 5, 1795161600000LL + i);
        if (sqlite3_step(point) != SQLITE_DONE)
            goto out;
        sqlite3_reset(point);
        if (i % 20000 == 19999) {
            sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
            sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        }
    }
    rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK;
out:
    if (rc)
        fprintf(stderr, "raw_insert: %s\n", sqlite3_errmsg(db));
    sqlite3_finalize(series);
    sqlite3_finalize(point);
    sqlite3_close(db);
    return rc;
}
