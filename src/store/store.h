/* SPDX-License-Identifier: MIT */
/*
 * The store: lablog's append-only log in one SQLite file.
 *
 * This is the only layer that speaks SQL. Everything written is appended;
 * nothing is ever updated or deleted (triggers refuse it, DESIGN.md §1), and
 * current state (an experiment's status, whether a next step is done) is
 * derived from later entries by the callers.
 *
 * Format 2 (SYNC.md): every replica that writes is an *origin* with a
 * random id; each entry carries its origin, a per-origin sequence number and
 * the hash of the previous entry of the same origin, so a log is a set of
 * per-origin hash chains. Everything hashed or exchanged names other
 * entries by uid; the integer ids (struct entry's id, exp, ref) are local
 * aliases assigned on arrival, which the store maps to and from uids.
 * Readers fold entries in one order identical on every replica: (hlc,
 * origin, seq), where hlc is a hybrid logical clock. Metric points are rows
 * of their own, and each batch of points is covered by a digest stored in
 * the "metrics" entry that wrote it. store_verify() recomputes all of it.
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
#include <stdio.h>

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

/*
 * One entry. Writers set kind, ts, author, exp, ref, title, body and data
 * (exp and ref as local ids; the store hashes and stores their uids);
 * store_append sets the rest. Readers get every field.
 */
struct entry {
    int64_t id;           /* local id people type; set by store_append */
    char uid[27];         /* global id (ULID; time bits = hlc); set by append */
    int64_t ts;           /* UTC milliseconds since the epoch, wall clock */
    const char *author;   /* who wrote it */
    enum entry_kind kind; /* what it is (ENTRY_UNKNOWN: see kind_name) */
    int64_t exp;          /* experiment entry id, 0 when none (or not held) */
    int64_t ref;          /* referenced entry id, 0 when none (or not held) */
    const char *title;    /* one line; "" when none */
    const char *body;     /* Markdown; "" when none */
    const char *data;     /* a JSON object as text; "{}" when none */
    const char *exp_name; /* set on read: the experiment's name, or NULL */
    /* format 2 */
    const char *kind_name; /* the stored kind text; on write NULL means
                              entry_kind_name(kind) */
    const char *exp_uid;  /* uid of the experiment, "" when none; on write
                             NULL means "from exp" */
    const char *ref_uid;  /* uid of the referenced entry, "" when none; on
                             write NULL means "from ref" */
    char origin[27];      /* the origin that wrote it; set by append */
    int64_t seq;          /* its number in that origin's chain (1, 2, ...) */
    int64_t hlc;          /* hybrid logical clock (ms): the fold order */
    int format;           /* 1: migrated from a format-1 log; 2 */
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

/* The path the log was opened from (borrowed). */
const char *store_file(const struct store *s);

/* Closes the log; rolls back an open transaction. NULL is allowed. */
void store_close(struct store *s);

/* The log format this opening migrated the file from (1), or 0 when the
 * file was already current. */
int store_migrated_from(const struct store *s);

/*
 * Where a running attempt keeps its output tail while it runs, outside the
 * log: "LOG-tails/ATTEMPT" next to the log file (so readers of the same
 * file, on this host or a shared file system, find it when lablog run
 * itself was killed). Appended to out.
 */
void store_run_tail_path(const struct store *s, const char *attempt,
                         struct buf *out);

/* This machine's name as recorded in origins and runs: $LABLOG_HOST, else
 * gethostname(). Never fails ("?" when unknown). */
void store_host_name(char *out, size_t size);

/* ---- writing ----------------------------------------------------------- */

/* 0 when the log can be written; LL_EDB "no write access to the log or
 * its folder" when it was opened read-only (store_open falls back to that
 * for a log it cannot write). For a command that must know before it acts
 * outside the log (daily --post). */
int store_check_writable(struct store *s);

/* Starts a write transaction (BEGIN IMMEDIATE) or joins the open one. */
int store_begin_write(struct store *s);
/* How long a write waits for another writer's lock before LL_EBUSY (the
 * default is 30 s; `run` waits briefly and retries, so its child never
 * waits on the log). */
void store_set_busy_timeout(struct store *s, int ms);
/* Commits when the outermost transaction ends. */
int store_commit(struct store *s);
/* Abandons the whole transaction, however deeply nested. */
void store_rollback(struct store *s);

/*
 * Appends e (kind, ts, author, exp, ref, title, body, data must be set;
 * NULL strings mean ""), assigning e->id, uid, origin, seq and hlc and
 * chaining its hash to the previous entry of this replica's origin. Must be
 * inside a write transaction.
 *
 * On the first write of a process the store checks that the file is the
 * one its origin was created in (device, inode, host): a copied file starts
 * a new origin, whose first entry (kind "origin") names the origin and head
 * it came from, so a copy never forks a chain.
 *
 * The hlc is max(e->ts, newest hlc held + 1): never behind anything this
 * replica holds. Experiment names are unique per replica: appending an
 * experiment whose name is taken fails with LL_ECONFLICT.
 */
int store_append(struct store *s, struct entry *e);

/*
 * Metric batches. Inside a write transaction: store_batch_begin(), any
 * number of store_batch_add(), then store_batch_finish(), which writes the
 * "metrics" entry covering the points (none when no point was written).
 */
enum batch_outcome {
    BATCH_WRITTEN,   /* a new point */
    BATCH_DUPLICATE, /* the same step in the same attempt, same value */
    BATCH_CONFLICT,  /* the same step in the same attempt, another value:
                        not written (a resumed attempt appends instead) */
    BATCH_AGAIN      /* a resumed attempt re-logged a step already in this
                        batch: finish the batch, add it to a new one */
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

/* The next step of a metric of an experiment in the attempt its points go
 * to (see below): one past the largest, or 0. */
int store_metric_next_step(struct store *s, int64_t exp, const char *metric,
                           int64_t *step_out);

/*
 * Attempts. An attempt is one go at an experiment: the `running` status
 * entry that `lablog run` or `exp start` writes starts one, and its uid is
 * the attempt's uid (`run` passes it to its child as $LABLOG_ATTEMPT). A
 * running status entry whose data has "resume": UID continues attempt UID
 * instead of starting one. Points logged for an experiment that has no
 * attempt start an implicit one, anchored at their batch.
 *
 * Points are stored per (experiment, metric, attempt, step, batch), so two
 * attempts (a re-run, a resumed job, two origins) can hold the same step.
 * Readers use the latest attempt (fold order of the anchor entries) and,
 * within an attempt, the newest value of each step. Writers check within
 * the attempt: the same value again is a duplicate (skipped); another value
 * is a conflict (refused) unless the attempt was resumed, where it is a
 * newer value (appended, never dropped).
 */

/*
 * Makes the points of exp that this store handle writes from now on join
 * attempt uid (a full uid). Returns LL_ENOTFOUND (with a message) when uid
 * is not an attempt of exp. Without this call, a process's points join the
 * experiment's latest attempt as it is when the process first writes one.
 */
int store_attempt_use(struct store *s, int64_t exp, const char *uid);

/* The uid of exp's latest attempt into uid_out; "" when it has none. */
int store_attempt_latest(struct store *s, int64_t exp, char uid_out[27]);

struct store_attempt {
    const char *uid;      /* the attempt's uid (borrowed, callback only) */
    int number;           /* 1, 2, ... in fold order */
    int64_t anchor;       /* local id of the entry that started it, 0 when
                             that entry is not held */
    int64_t ts;           /* that entry's ts (0 when not held) */
    int run;              /* started by a running status entry */
    int resumed;          /* a later running entry resumed it */
    int64_t points;       /* its points, all metrics */
};

typedef int store_attempt_fn(void *ctx, const struct store_attempt *a);

/* Calls fn for each attempt of exp, oldest first. */
int store_attempts(struct store *s, int64_t exp, store_attempt_fn *fn,
                   void *ctx);
/* Same without counting points (points is 0): for readers choosing
 * which series to stream. */
int store_attempt_uids(struct store *s, int64_t exp, store_attempt_fn *fn,
                       void *ctx);

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
 * indexed by row number, id and score. Outside any write transaction:
 * store_samples_begin(), store_samples_add() for every piece in file
 * order (staged in a temporary table: no lock on the log is taken, other
 * writers go on), store_samples_sums() for what the entry must record,
 * then store_samples_finish() with the samples entry (kind ENTRY_SAMPLES)
 * whose data holds those sums as "digest", "sha256", "size", "pieces" and
 * "rows" (verify checks them): it takes the write lock, moves the pieces
 * in, appends the entry and commits, as one transaction.
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
/* Writes the set with e (its data as described above) in one
 * transaction, sets e->id, and frees w. On failure nothing is written. */
int store_samples_finish(struct store_samples *w, struct entry *e);
/* Frees w and drops what was staged, writing nothing. NULL is ok. */
void store_samples_free(struct store_samples *w);

/* ---- reading ----------------------------------------------------------- */

/* Callback for entries; return non-zero to stop (that value is returned). */
typedef int store_entry_fn(void *ctx, const struct entry *e);

/*
 * Finds an experiment: by name; NAME@HOST (the host of the experiment's
 * origin); a uid or unique uid prefix; or #ID. A name that matches
 * experiments of several origins is LL_EUSAGE with a message listing them
 * as NAME@HOST; an unknown one is LL_ENOTFOUND (with message).
 */
int store_exp_find(struct store *s, const char *name, int64_t *id_out);

/*
 * Resolves what people type for an entry: an id ("12", "#12"), a uid, or a
 * unique prefix of one (at least 4 characters, any case). LL_ENOTFOUND or
 * LL_EUSAGE (ambiguous, malformed) with a message.
 */
int store_entry_resolve(struct store *s, const char *arg, int64_t *id_out);

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
    const char *author; /* only entries by this author; NULL for all */
};

#define ENTRY_FILTER_ALL { 0, 0, 0, -1, 0, 0, NULL }

/* Calls fn for each matching entry in fold order: (hlc, origin, seq), the
 * same on every replica. */
int store_entries(struct store *s, const struct entry_filter *f,
                  store_entry_fn *fn, void *ctx);

/* Whether the log holds entries by author (*mine) and by anyone else
 * (*others): which update `daily` gives by default. */
int store_authors(struct store *s, const char *author, int *mine,
                  int *others);

/* The ts of the newest entry of kind before until (0: no bound); 0 in
 * *ts_out when there is none. Used for "since the last update/deck". */
int store_last_ts(struct store *s, enum entry_kind kind, int64_t until,
                  int64_t *ts_out);

/* Full-text search over titles and bodies (FTS5 query syntax). */
int store_search(struct store *s, const char *query, store_entry_fn *fn,
                 void *ctx);

/* Summary of one metric series of one experiment (one attempt). */
struct series_summary {
    const char *name;      /* metric name (borrowed, callback only) */
    int64_t exp;           /* experiment entry id */
    const char *attempt;   /* the attempt's uid (borrowed, callback only) */
    int attempt_number;    /* its number among exp's attempts (1, 2, ...) */
    int64_t count;         /* points, NaN included */
    int64_t nonfinite;     /* NaN and +-inf points */
    int64_t nonfinite_step; /* step of the first of them (when nonfinite) */
    int64_t first_step, last_step;
    double first, last;    /* values at first_step and last_step */
    double min, max;       /* over finite values; NaN when none */
    int64_t min_step, max_step;
    int64_t first_ts, last_ts;
    /* store_series_period() only: the series as it was at since */
    int has_prev;          /* it had points before since */
    double prev_last;      /* its last value then */
    int64_t prev_count;    /* and how many points */
};

typedef int store_series_fn(void *ctx, const struct series_summary *sum);

/* Which attempt a read uses: STORE_ATTEMPT_LATEST (each metric's latest
 * attempt that has points), STORE_ATTEMPT_ALL (every attempt: fn once per
 * metric and attempt) or an attempt number N >= 1. */
#define STORE_ATTEMPT_LATEST 0
#define STORE_ATTEMPT_ALL (-1)

/* Calls fn for each metric of experiment exp, by name (latest attempt). */
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
/* Same, for the attempt(s) chosen (see STORE_ATTEMPT_*). */
int store_series_attempt(struct store *s, int64_t exp, int attempt,
                         int64_t until, store_series_fn *fn, void *ctx);

/* Same (points with ts < until; 0: no bound), each summary also saying
 * how the series stood at since (ts < since; 0: not asked), read in one
 * pass over its points: a period's view of its metrics. */
int store_series_period(struct store *s, int64_t exp, int attempt,
                        int64_t since, int64_t until, store_series_fn *fn,
                        void *ctx);

/* Every series of exp with points, each attempt, by name then attempt:
 * fn gets name, exp, attempt and attempt_number only (no summary is
 * computed: for a reader that streams the points next). */
int store_series_list(struct store *s, int64_t exp, store_series_fn *fn,
                      void *ctx);

typedef int store_point_fn(void *ctx, int64_t step, double value, int64_t ts);

/* Streams the points of one series in step order (latest attempt; the
 * newest value of each step). */
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
/* Same for attempt number N >= 1 (STORE_ATTEMPT_LATEST: as above). */
int store_points_attempt(struct store *s, int64_t exp, const char *metric,
                         int attempt, store_point_fn *fn, void *ctx);

/*
 * A point of one series (exp, metric, attempt uid) near a time, for rates:
 * with where == STORE_NEAR_BEFORE the one of the highest step whose ts <=
 * ts, STORE_NEAR_AFTER the one of the lowest step whose ts >= ts,
 * STORE_NEAR_NEWEST the latest (by ts, then step) whose ts >= ts: where a
 * resumed attempt is now. *found_out is 0 when there is none.
 */
#define STORE_NEAR_BEFORE 0
#define STORE_NEAR_AFTER 1
#define STORE_NEAR_NEWEST 2
int store_point_near(struct store *s, int64_t exp, const char *metric,
                     const char *attempt, int64_t ts, int where,
                     int64_t *step_out, double *value_out, int64_t *ts_out,
                     int *found_out);

/* Points of experiment exp in attempt `attempt` (uid) written by batches
 * after entry `after` (a run's running status entry): what a run logged,
 * by any route; a concurrent run of another attempt is not counted. */
int store_exp_points_after(struct store *s, int64_t exp, const char *attempt,
                           int64_t after, int64_t *count_out);

/* Same without their times (ts is passed as 0): two columns read, not
 * four, for a chart against steps. */
int store_points_steps(struct store *s, int64_t exp, const char *metric,
                       int attempt, store_point_fn *fn, void *ctx);

/* Where the points store_points_attempt() streams begin and end, found
 * in the point key without reading them (a chart's x range before it
 * streams). any is 0 when the series has no point. */
struct series_span {
    int any;
    int64_t first_step, last_step;
    int64_t first_ts;      /* ts of a point at first_step */
};

int store_points_span(struct store *s, int64_t exp, const char *metric,
                      int attempt, struct series_span *out);

/* Reads a stored blob by hex digest into out (appended). */
int store_blob_get(struct store *s, const char *hex, struct buf *out);

/* Row counts of the log tables, for tests and the verify summary. */
struct store_counts {
    int64_t entries, points, batches, blobs;
};
int store_counts(struct store *s, struct store_counts *out);

/* ---- origins, heads, verify, feeds ---------------------------------- */

struct store_origin {
    const char *id;        /* 26 characters (borrowed, callback only) */
    const char *host;      /* where it was created; "" when unknown */
    const char *parent;    /* the origin it was copied from; "" */
    int64_t parent_seq;    /* the parent's head seq at the copy */
    int64_t entries;       /* entries of it held here */
    int64_t head_seq;      /* its newest seq held */
    char head[65];         /* that entry's hash, hex */
    int64_t forks;         /* second entries for a seq, kept as evidence */
    int self;              /* this replica writes as it */
    const char *author;    /* who wrote its first entry ("" when none) */
    int64_t last_write;    /* ts of its newest entry held, UTC ms */
    int64_t last_arrival;  /* when an entry of it last arrived here, UTC ms */
    int64_t seen_seq;      /* the highest seq seen elsewhere (0: never) */
};

typedef int store_origin_fn(void *ctx, const struct store_origin *o);

/* Calls fn for each origin held, by id. */
int store_origins(struct store *s, store_origin_fn *fn, void *ctx);

/* The host of an origin ("" when unknown) into out. */
int store_origin_host(struct store *s, const char *origin, char *out,
                      size_t size);

/* A head someone kept: ORIGIN:SEQ:HASH (HASH: 64 hex digits, or a prefix
 * of at least 12). */
struct store_head {
    char origin[27];
    int64_t seq;
    char hash[65];
};

/* Parses "ORIGIN:SEQ:HASH"; LL_EUSAGE with a message when malformed. */
int store_head_parse(struct store_head *out, const char *text);

/*
 * Recomputes every origin's hash chain (format-1 entries by format-1
 * rules, then format 2), every batch digest and every blob digest, and
 * checks the heads given (nheads may be 0): a head whose origin is unknown,
 * whose seq is beyond this log's (truncated, rolled back) or whose hash
 * differs (forked) fails. Returns 0 and fills summary ("ok: ..." and one
 * "head ORIGIN:SEQ:HASH" line per origin) when everything holds; otherwise
 * LL_ERR with a message naming the first thing that does not match.
 */
int store_verify(struct store *s, const struct store_head *heads,
                 size_t nheads, struct buf *summary);

/* The hex hash of the newest entry in fold order ("" for an empty log). */
int store_head(struct store *s, char hex_out[65]);

/*
 * Writes the log as a feed (README "The feed"): canonical JSON lines, a
 * header then one line per entry in fold order, each with everything
 * needed to re-verify it and, for a metrics entry, its points. The same log
 * gives the same bytes.
 */
int store_feed_write(struct store *s, FILE *out);

/*
 * The same lines for one origin's entries after seq after_seq (origin NULL:
 * every origin, after_seq ignored), with the header line when header is
 * set. A feed file of a feed directory is written this way (sync/).
 */
int store_feed_write_origin(struct store *s, const char *origin,
                            int64_t after_seq, int header, FILE *out);

struct store_import_stats {
    size_t entries;   /* entries added */
    size_t held;      /* entries already held */
    size_t forks;     /* second entries for a held seq, kept in fork */
    size_t points;    /* points added */
};

/*
 * Reads a feed (name is for messages) and adds, in one transaction, every
 * entry this log lacks: each line's hash, chain link and digest are checked
 * first, and a bad line refuses the whole feed (LL_EINPUT, "NAME:LINE:
 * ..."). Local ids are assigned on arrival. Used by merge and pull.
 *
 * source, when not NULL, names the place the feed came from (a file path,
 * a feed file of a directory): the newest entry of each origin in the feed
 * is remembered for it (store_seen_heads_record), and a feed in which an
 * origin ends earlier than it did there before is refused (LL_ECONFLICT).
 */
int store_feed_import(struct store *s, FILE *in, const char *name,
                      const char *source, struct store_import_stats *stats);

/* ---- local configuration (not part of the log; store/remote.c) ------- */

/* Names a remote (dir:PATH or postgresql://...); the same name again
 * replaces it. Local to this file: never synced, merged or verified. */
int store_remote_set(struct store *s, const char *name, const char *url);
/* The URL of a remote into *url_out (free()); LL_ENOTFOUND (no message)
 * when there is none of that name. */
int store_remote_get(struct store *s, const char *name, char **url_out);
typedef int store_remote_fn(void *ctx, const char *name, const char *url);
/* Calls fn for each remote, by name. */
int store_remotes(struct store *s, store_remote_fn *fn, void *ctx);

/* How far pulls from a hub (named by host/database) have read its arrival
 * counter: 0 before the first pull. */
int store_hub_cursor_get(struct store *s, const char *hub, int64_t *seq_out);
int store_hub_cursor_set(struct store *s, const char *hub, int64_t seq);

/* The newest entry of one origin that some place held. */
struct store_seen_head {
    char origin[27];
    int64_t seq;
    unsigned char hash[32];
    int64_t seen; /* UTC ms; set on read */
};

/*
 * Remembers heads[0..n) as seen at source (a path or a hub, never a URL
 * with a password), in the caller's write transaction or in one of its
 * own. A head behind
 * the one seen there before is LL_ECONFLICT, with a line naming the origin
 * and both seqs: the place went back.
 */
int store_seen_heads_record(struct store *s, const char *source,
                            const struct store_seen_head *heads, size_t n);
typedef int store_seen_fn(void *ctx, const char *source,
                          const struct store_seen_head *h);
/* Calls fn for each head remembered, by origin then newest first. */
int store_seen_heads(struct store *s, store_seen_fn *fn, void *ctx);
/* The highest seq of origin seen anywhere into *seq_out (0: never). */
int store_seen_max(struct store *s, const char *origin, int64_t *seq_out);

/* When the remote url was last pulled completely (0: never). */
int store_pull_time_set(struct store *s, const char *url, int64_t ms);
int store_pull_time_get(struct store *s, const char *url, int64_t *ms_out);

/* Writes a consistent copy of the log to the new file dst (VACUUM INTO). */
int store_copy_to(struct store *s, const char *dst);
/* The hex hash of the entry (origin, seq) into hex_out; LL_ENOTFOUND (no
 * message) when it is not held. */
int store_entry_hash_at(struct store *s, const char *origin, int64_t seq,
                        char hex_out[65]);
/* Makes sure this file writes as its own origin: a copied file gets its
 * new origin (and its "origin" entry) now rather than at its first write. */
int store_claim_origin(struct store *s);

#endif
