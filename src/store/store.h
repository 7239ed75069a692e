/* SPDX-License-Identifier: MIT */
/*
 * The store: lablog's append-only log in one SQLite file.
 *
 * This is the only layer that speaks SQL. Everything written is appended;
 * nothing is ever updated or deleted (triggers refuse it, DESIGN.md §1), and
 * current state (an experiment's status, whether a next step is done) is
 * derived from later entries by the callers.
 *
 * Every entry is hashed over a canonical byte encoding (canon.c) chained to
 * the previous entry; metric points are rows of their own, and each batch of
 * points is covered by a digest stored in the "metrics" entry that wrote it.
 * store_verify() recomputes all of it.
 *
 * Transactions: every write happens between store_begin_write() (BEGIN
 * IMMEDIATE, nestable) and store_commit(); on any failure the caller calls
 * store_rollback() and the log is as it was.
 *
 * Strings handed to callbacks (struct entry fields, names) are borrowed from
 * SQLite and valid only during the callback: copy what you keep.
 */
#ifndef LABLOG_STORE_STORE_H
#define LABLOG_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "model/kind.h"
#include "model/status.h"

struct buf;
struct store;

/* Name of the log file created by init and looked for when walking up. */
#define STORE_FILENAME "lablog.db"

enum store_mode {
    STORE_READ,   /* open an existing log for reading */
    STORE_WRITE,  /* open an existing log for reading and writing */
    STORE_CREATE  /* create a new log; fails if the file exists */
};

/* Entry kinds and their stored names: model/kind.h. */

/* Experiment statuses and what they mean: model/status.h. */

struct entry {
    int64_t id;           /* local id people type; set by store_append */
    char uid[27];         /* global time-ordered id; set by store_append */
    int64_t ts;           /* UTC milliseconds since the epoch */
    const char *author;   /* who wrote it */
    enum entry_kind kind; /* what it is */
    int64_t exp;          /* experiment entry id, 0 when none */
    int64_t ref;          /* referenced entry id, 0 when none */
    const char *title;    /* one line; "" when none */
    const char *body;     /* Markdown; "" when none */
    const char *data;     /* a JSON object as text; "{}" when none */
    const char *exp_name; /* set on read: the experiment's name, or NULL */
};

/* ---- opening --------------------------------------------------------- */

/*
 * Finds the log to use: explicit (from --db) if not NULL, else $LABLOG_DB,
 * else lablog.db in the working directory or the nearest parent that has
 * one. *path_out is the caller's (free()). Returns LL_ENOTFOUND with the
 * message "no lablog here ... run 'lablog init'" when there is none.
 */
int store_find(char **path_out, const char *explicit_path);

/*
 * Opens (or, with STORE_CREATE, creates) the log at path. Refuses a file
 * that is not a lablog log and one written by a newer lablog, each with a
 * one-line message; applies pending schema migrations when writing. On
 * success *out is the caller's, closed with store_close().
 */
int store_open(struct store **out, const char *path, enum store_mode mode);

/* Closes the log; rolls back an open transaction. NULL is allowed. */
void store_close(struct store *s);

/* ---- writing ----------------------------------------------------------- */

/* 0 when the log can be written; LL_EDB "no write access to the log or
 * its folder" when it was opened read-only (store_open falls back to that
 * for a log it cannot write). For a command that must know before it acts
 * outside the log (daily --post). */
int store_check_writable(struct store *s);

/* Starts a write transaction (BEGIN IMMEDIATE) or joins the open one. */
int store_begin_write(struct store *s);
/* Commits when the outermost transaction ends. */
int store_commit(struct store *s);
/* Abandons the whole transaction, however deeply nested. */
void store_rollback(struct store *s);

/*
 * Appends e (kind, ts, author, exp, ref, title, body, data must be set;
 * NULL strings mean ""), assigning e->id and e->uid and chaining its hash to
 * the previous entry. Must be inside a write transaction.
 */
int store_append(struct store *s, struct entry *e);

/*
 * Metric batches. Inside a write transaction: store_batch_begin(), any
 * number of store_batch_add(), then store_batch_finish(), which writes the
 * "metrics" entry covering the points (none when no point was written).
 */
enum batch_outcome {
    BATCH_WRITTEN,   /* a new point */
    BATCH_DUPLICATE, /* the same (exp, metric, step) with the same value */
    BATCH_CONFLICT   /* the same key with a different value: not written */
};

struct store_batch;

int store_batch_begin(struct store *s, struct store_batch **out);
/* Adds one point. NaN and +-inf are values like any other. */
int store_batch_add(struct store_batch *b, int64_t exp, const char *metric,
                    int64_t step, double value, int64_t ts,
                    enum batch_outcome *outcome);
/* Points written so far in this batch. */
size_t store_batch_count(const struct store_batch *b);
/*
 * Writes the metrics entry (using e's ts, author, exp and body; its data is
 * filled in here) and frees b. e->id is 0 when nothing was written.
 */
int store_batch_finish(struct store_batch *b, struct entry *e);
/* Frees b without writing an entry (the caller rolls back). NULL is ok. */
void store_batch_free(struct store_batch *b);

/* The next step of a metric of an experiment: one past the largest, or 0. */
int store_metric_next_step(struct store *s, int64_t exp, const char *metric,
                           int64_t *step_out);

/*
 * Stores bytes by their SHA-256 (once: the same content twice is stored
 * once) and writes the digest's hex into hex_out.
 */
int store_blob_put(struct store *s, const void *data, size_t len,
                   char hex_out[65]);

/*
 * Samples sets (store/samples.c): a file of model outputs, kept as its
 * pieces in order (each row, and the bytes between rows such as a CSV
 * header), so the pieces are the file byte for byte and each row is
 * indexed by row number, id and score. Inside a write transaction:
 * store_samples_begin(), store_samples_add() for every piece in file
 * order, store_samples_sums() for what the entry must record, then
 * store_samples_finish() with the samples entry (kind ENTRY_SAMPLES) whose
 * data holds those sums as "digest", "sha256", "size", "pieces" and
 * "rows" (verify checks them).
 */
struct store_samples;

int store_samples_begin(struct store *s, struct store_samples **out);
/*
 * Adds the next piece: len bytes exactly as in the file (line ending
 * included). row is the row number (from 1) or 0 for bytes that are not a
 * row; sid (sid_len bytes, may be invalid UTF-8) is the row's id, NULL for
 * none; has_score says whether score is given (a NaN score is kept as
 * none in the index).
 */
int store_samples_add(struct store_samples *w, int64_t row, const char *sid,
                      size_t sid_len, int has_score, double score,
                      const void *bytes, size_t len);

struct samples_sums {
    char sha256[65];     /* SHA-256 of the bytes: the file's hash */
    char digest[65];     /* the set's digest (canon.c) */
    int64_t size;        /* bytes */
    int64_t pieces;      /* pieces added */
    int64_t rows;        /* of which rows */
    int64_t scored;      /* rows with a (non-NaN) score */
};

void store_samples_sums(struct store_samples *w, struct samples_sums *out);
/* Appends e (its data as described above) and frees w. */
int store_samples_finish(struct store_samples *w, struct entry *e);
/* Frees w without writing (the caller rolls back). NULL is ok. */
void store_samples_free(struct store_samples *w);

/* ---- reading ----------------------------------------------------------- */

/* Callback for entries; return non-zero to stop (that value is returned). */
typedef int store_entry_fn(void *ctx, const struct entry *e);

/* Finds an experiment by name; LL_ENOTFOUND (with message) when unknown. */
int store_exp_find(struct store *s, const char *name, int64_t *id_out);

/* Reads one entry; LL_ENOTFOUND "no entry N" when there is none. */
int store_entry_get(struct store *s, int64_t id, store_entry_fn *fn,
                    void *ctx);

struct entry_filter {
    int64_t since;   /* ts >= since; 0 for no bound */
    int64_t until;   /* ts < until; 0 for no bound */
    int64_t exp;     /* only this experiment (or the exp entry itself) */
    int kind;        /* only this kind; -1 for all */
    int64_t ref;     /* only entries referring to this id; 0 for all */
    int64_t after;   /* id > after (for paging); 0 for all */
};

#define ENTRY_FILTER_ALL { 0, 0, 0, -1, 0, 0 }

/* Calls fn for each matching entry in id order. */
int store_entries(struct store *s, const struct entry_filter *f,
                  store_entry_fn *fn, void *ctx);

/* The ts of the newest entry of kind before until (0: no bound); 0 in
 * *ts_out when there is none. Used for "since the last update/deck". */
int store_last_ts(struct store *s, enum entry_kind kind, int64_t until,
                  int64_t *ts_out);

/* Full-text search over titles and bodies (FTS5 query syntax). */
int store_search(struct store *s, const char *query, store_entry_fn *fn,
                 void *ctx);

/* Summary of one metric series of one experiment. */
struct series_summary {
    const char *name;      /* metric name (borrowed, callback only) */
    int64_t exp;           /* experiment entry id */
    int64_t count;         /* points, NaN included */
    int64_t nonfinite;     /* NaN and +-inf points */
    int64_t nonfinite_step; /* step of the first of them (when nonfinite) */
    int64_t first_step, last_step;
    double first, last;    /* values at first_step and last_step */
    double min, max;       /* over finite values; NaN when none */
    int64_t min_step, max_step;
    int64_t first_ts, last_ts;
};

typedef int store_series_fn(void *ctx, const struct series_summary *sum);

/* Calls fn for each metric of experiment exp, by name. */
int store_series(struct store *s, int64_t exp, store_series_fn *fn,
                 void *ctx);

/* Same, limited to points with ts < until (0: no bound): the state of the
 * series as it was at that time. Used for "change since last period". */
int store_series_until(struct store *s, int64_t exp, int64_t until,
                       store_series_fn *fn, void *ctx);

/* Calls fn with each metric name that has points in the log, in order
 * (borrowed, valid during the call). */
typedef int store_name_fn(void *ctx, const char *name);
int store_metric_names(struct store *s, store_name_fn *fn, void *ctx);

typedef int store_point_fn(void *ctx, int64_t step, double value, int64_t ts);

/* Streams the points of one series in step order. */
int store_points(struct store *s, int64_t exp, const char *metric,
                 store_point_fn *fn, void *ctx);

/* One row of a samples set. Strings and bytes are borrowed: valid only
 * during the callback. */
struct sample_row {
    int64_t seq;       /* piece number in the file */
    int64_t row;       /* row number, from 1 */
    const char *sid;   /* its id (the row number when the file gave none) */
    size_t sid_len;
    int has_score;     /* score is set */
    double score;
    const char *bytes; /* the row as in the file, when asked for; else NULL */
    size_t len;
};

typedef int store_sample_fn(void *ctx, const struct sample_row *r);

enum samples_order {
    SAMPLES_IN_ORDER, /* file order */
    SAMPLES_WORST,    /* lowest score first (rows without one left out) */
    SAMPLES_BEST      /* highest score first (rows without one left out) */
};

struct samples_query {
    enum samples_order order;
    int64_t limit;  /* at most this many rows; 0: all */
    int64_t row;    /* only this row number; 0: any */
    const char *sid; /* only rows with this id (NUL-terminated); NULL: any */
    int with_bytes; /* fill sample_row.bytes */
};

/* Calls fn for the rows of the samples set written by entry that match q.
 * Ties in score keep file order. */
int store_samples_rows(struct store *s, int64_t entry,
                       const struct samples_query *q, store_sample_fn *fn,
                       void *ctx);

/* Score summary of a set's rows: how many are scored, their mean, min and
 * max (NaN when none is scored). */
int store_samples_scores(struct store *s, int64_t entry, int64_t *n_out,
                         double *mean_out, double *min_out, double *max_out);

/* Appends the bytes of piece seq of a set to out (LL_ENOTFOUND when there
 * is none): the CSV header is piece 0. */
int store_samples_piece(struct store *s, int64_t entry, int64_t seq,
                        struct buf *out);

typedef int store_bytes_fn(void *ctx, const void *bytes, size_t len);

/* Streams the file of a samples set, byte for byte, in pieces. */
int store_samples_bytes(struct store *s, int64_t entry, store_bytes_fn *fn,
                        void *ctx);

/* Streams a stored blob by hex digest in chunks (for attach --get). */
int store_blob_stream(struct store *s, const char *hex, store_bytes_fn *fn,
                      void *ctx);

/* Reads a stored blob by hex digest into out (appended). */
int store_blob_get(struct store *s, const char *hex, struct buf *out);

/* Row counts of the log tables, for tests and the verify summary. */
struct store_counts {
    int64_t entries, points, batches, blobs;
};
int store_counts(struct store *s, struct store_counts *out);

/*
 * Recomputes the hash chain, every batch digest and every blob digest.
 * Returns 0 and fills summary (a one-line "ok: ..." text) when everything
 * holds; otherwise LL_ERR with a message naming the first entry that does
 * not match.
 */
int store_verify(struct store *s, struct buf *summary);

/* The hex hash of the newest entry ("" for an empty log). */
int store_head(struct store *s, char hex_out[65]);

#endif
