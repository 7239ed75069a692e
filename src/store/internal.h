/* SPDX-License-Identifier: MIT */
/*
 * What the files of store/ share and nobody else sees: the store struct,
 * the prepared-statement cache, the schema and origin entry points and the
 * canonical encodings.
 */
#ifndef LABLOG_STORE_INTERNAL_H
#define LABLOG_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdint.h>

#include "store/canon.h"
#include "store/store.h"
#include "util/sha256.h"

/* PRAGMA application_id of a lablog log: "LBLG". */
#define STORE_APP_ID 0x4c424c47

/* Every statement lablog runs more than once, prepared once per process. */
enum stmt_id {
    STMT_ORIGIN_HEAD,   /* seq, hash of an origin's newest entry */
    STMT_MAX_HLC,       /* the newest hlc held */
    STMT_MAX_ID,        /* the largest local id */
    STMT_UID_OF,        /* uid of a local id */
    STMT_INSERT_ENTRY,
    STMT_SERIES_FIND,
    STMT_SERIES_INSERT,
    STMT_POINT_INSERT,
    STMT_POINT_PROBE,   /* the newest value of a step in a series */
    STMT_POINT_PROBE1,  /* the values of a step, at most two */
    STMT_POINT_MAX_STEP,
    STMT_EXP_FIND,
    STMT_EXPS_NAMED,    /* experiments of a name, every origin */
    STMT_EXP_NAME_TAKEN,
    STMT_ATTEMPT_LATEST,
    STMT_FOLD_KEY,      /* hlc, origin, seq of a local id */
    STMT_SPAN_INSERT,   /* a batch's step range in one series */
    STMT_COUNT
};

struct series_cache;
struct attempt_cache;

struct store {
    sqlite3 *db;                    /* the connection */
    char *path;                     /* file path, for messages */
    int depth;                      /* write transaction nesting */
    sqlite3_stmt *stmts[STMT_COUNT]; /* cache, prepared on first use */
    struct series_cache *series;    /* (exp, metric) -> series of attempt */
    struct attempt_cache *attempts; /* exp -> the attempt points join */
    int batch_open;                 /* a metrics batch is being written */
    char origin[27];                /* this replica's origin once checked
                                       in this process; "" before */
    int migrated_from;              /* format migrated from at open, or 0 */
    /* Reserved for the metrics entry of the open batch (metric.c): its
     * points name it before it is appended. */
    int64_t reserved_id;            /* 0 when nothing is reserved */
    int64_t reserved_hlc;
    char reserved_uid[27];
    sqlite3_stmt *insert_rows;      /* metric.c: POINT_ROWS points at once */
};

/*
 * Batch spans (span.c): where each metrics batch's points lie, one row per
 * (batch, series) with its lowest and highest step, so a feed can read one
 * batch's points by key instead of scanning the point table. Local and
 * derived: written with the points in their transaction, never synced or
 * hashed; a batch without spans (older files) is read by a scan.
 */
int store_span_add(struct store *s, int64_t batch, int64_t series,
                   int64_t lo, int64_t hi);

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
/* Prepares a one-off statement; records the error. */
int store_prepare(struct store *s, const char *sql, sqlite3_stmt **out);

/* The wall clock in UTC ms ($LABLOG_NOW when set). */
int64_t store_wall_ms(void);

int schema_version(void);
/* The log format (1 or 2) of a schema version. */
int schema_format(int version);
int schema_check(struct store *s, int *version_out);
int schema_migrate(struct store *s, int from);

/* ---- origin.c: replicas, origins, ids, the hybrid logical clock ------ */

/* A fresh random origin id (26 Crockford base32 characters). */
void origin_new_id(char out[27]);

/* A ULID for hlc: 48 bits of hlc ms, 80 random bits, Crockford base32. */
void origin_make_uid(char out[27], int64_t hlc);

/*
 * Makes s->origin this replica's origin, inside a write transaction: on
 * the first write of a process it compares the file's fingerprint with the
 * replica table and, for a copied file, starts a new origin whose first
 * entry names the parent origin and head.
 */
int origin_ready(struct store *s);

/* Records origin as this file's origin (replica row with the current
 * fingerprint) and appends its "origin" entry; migrated: the entry notes
 * the format-1 log it continues. Inside a write transaction. */
int origin_adopt(struct store *s, const char *origin, int migrated);

/* The next hlc: max(wall, newest hlc held + 1). */
int origin_next_hlc(struct store *s, int64_t wall, int64_t *hlc_out);

/* The next local id: one past the largest held. */
int store_next_id(struct store *s, int64_t *id_out);

/* The uid of local id into out ("" when id is 0 or not held). */
int store_uid_of(struct store *s, int64_t id, char out[27]);

/* Reserves the next entry (local id, hlc, uid) for the entry a batch or a
 * samples set appends last: what it writes first names it. */
int store_reserve_entry(struct store *s, int64_t *id_out);

/* samples.c: checks every samples set against its entry (verify.c). */
int samples_verify(struct store *s, int64_t *sets_out, int64_t *rows_out);

/* ---- reading rows -------------------------------------------------- */

/* Fills e from a row of ENTRY_COLUMNS starting at column 0. */
void store_row_entry(sqlite3_stmt *st, struct entry *e);

/* Columns store_row_entry expects, over ENTRY_FROM. */
#define ENTRY_COLUMNS                                                       \
    "e.id, e.uid, e.ts, e.author, e.kind, x.id, r.id, e.title, e.body, "    \
    "e.data, x.title, e.exp_uid, e.ref_uid, e.origin, e.seq, e.hlc, "       \
    "e.format"
#define ENTRY_NCOLUMNS 17
#define ENTRY_JOINS                                                         \
    " LEFT JOIN entry x ON x.uid = e.exp_uid AND e.exp_uid <> ''"           \
    " LEFT JOIN entry r ON r.uid = e.ref_uid AND e.ref_uid <> ''"
#define ENTRY_FROM "entry e" ENTRY_JOINS

/* The fold order, over "entry e". */
#define ENTRY_FOLD_ORDER "e.hlc, e.origin, e.seq"

void series_cache_free(struct series_cache *c);
void attempt_cache_free(struct attempt_cache *c);
/* Forgets what the rolled-back transaction made (series, implicit
 * attempts anchored at its batch). */
void metric_forget_uncommitted(struct store *s);

#endif
