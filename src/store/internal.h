/* SPDX-License-Identifier: MIT */
/*
 * What the files of store/ share and nobody else sees: the store struct,
 * the prepared-statement cache and the schema entry points.
 */
#ifndef LABLOG_STORE_INTERNAL_H
#define LABLOG_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdint.h>

#include "store/store.h"
#include "util/sha256.h"

/* PRAGMA application_id of a lablog log: "LBLG". */
#define STORE_APP_ID 0x4c424c47

/* Every statement lablog runs more than once, prepared once per process. */
enum stmt_id {
    STMT_LAST_ENTRY,
    STMT_INSERT_ENTRY,
    STMT_SERIES_FIND,
    STMT_SERIES_INSERT,
    STMT_POINT_INSERT,
    STMT_POINT_GET,
    STMT_POINT_MAX_STEP,
    STMT_EXP_FIND,
    STMT_COUNT
};

struct series_cache;

struct store {
    sqlite3 *db;                    /* the connection */
    char *path;                     /* file path, for messages */
    int depth;                      /* write transaction nesting */
    sqlite3_stmt *stmts[STMT_COUNT]; /* cache, prepared on first use */
    struct series_cache *series;    /* (exp, metric) -> series id */
    int batch_open;                 /* a metrics batch is being written */
};

/* Returns the cached statement id, reset and with bindings cleared; NULL
 * (with the error recorded) when it cannot be prepared. */
sqlite3_stmt *store_stmt(struct store *s, enum stmt_id id);

/* Records "WHAT 'path': sqlite message" and returns LL_EDB or LL_EBUSY. */
int store_db_error(struct store *s, const char *what);

/* Binds a possibly NULL string as text ("" for NULL). */
void store_bind_text(sqlite3_stmt *st, int col, const char *text);
/* Binds an id, NULL when 0. */
void store_bind_id(sqlite3_stmt *st, int col, int64_t id);
/* A column's text, "" for NULL. Borrowed until the next step. */
const char *store_column_text(sqlite3_stmt *st, int col);

int schema_version(void);
int schema_check(struct store *s, int *version_out);
int schema_migrate(struct store *s, int from);

/* canon.c: the canonical encodings that are hashed. */
void canon_entry_hash(unsigned char out[SHA256_LEN],
                      const unsigned char prev[SHA256_LEN],
                      const struct entry *e);
void canon_point(struct sha256 *h, int64_t exp, const char *metric,
                 int64_t step, double value, int64_t ts);

/* The digest of a samples set: start, then every piece in seq order. */
void canon_samples_start(struct sha256 *h);
void canon_sample_piece(struct sha256 *h, const void *bytes, size_t len,
                        int64_t row, const char *sid, size_t sid_len,
                        int has_score, double score);

/* samples.c: checks every samples set against its entry (verify.c). */
int samples_verify(struct store *s, int64_t *sets_out, int64_t *rows_out);

/* Fills e from a row of "SELECT id, uid, ts, author, kind, exp, ref, title,
 * body, data, (exp name)" starting at column 0. */
void store_row_entry(sqlite3_stmt *st, struct entry *e);

/* Columns store_row_entry expects, as SQL over "entry e". */
#define ENTRY_COLUMNS                                                       \
    "e.id, e.uid, e.ts, e.author, e.kind, e.exp, e.ref, e.title, e.body, "  \
    "e.data, (SELECT x.title FROM entry x WHERE x.id = e.exp)"

void series_cache_free(struct series_cache *c);

#endif
