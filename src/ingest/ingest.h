/* SPDX-License-Identifier: MIT */
/*
 * Streaming metric ingest: lines of JSONL or CSV in, metric batches out.
 *
 * Lines are parsed outside any transaction: points wait in memory, and the
 * write lock is taken only to commit them, as one batch (one transaction
 * and one metrics entry). A batch commits when it holds INGEST_BATCH
 * points, when the input has been idle for INGEST_IDLE_MS, and when its
 * oldest point has waited INGEST_MAX_AGE_MS, so a point read is visible to
 * readers within about a second whatever the input rate: `tail -f`, a
 * training script's pipe, or a long-lived `lablog ingest` fed by a Python
 * process. Memory is bounded by one batch, unless the log stays locked
 * (then points keep waiting: nothing is dropped).
 *
 * A malformed line ends the ingest with "FILE:LINE: what is wrong" after
 * committing everything before it; with skip_bad it is reported and skipped.
 */
#ifndef LABLOG_INGEST_INGEST_H
#define LABLOG_INGEST_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define INGEST_BATCH 20000     /* points: commit at this size */
#define INGEST_IDLE_MS 200     /* commit when no point came for this long */
#define INGEST_MAX_AGE_MS 1000 /* commit when the oldest point is this old */

enum ingest_format {
    INGEST_JSONL,
    INGEST_CSV
};

struct ingest_opts {
    const char *name;        /* input name for messages ("stdin") */
    enum ingest_format format;
    int64_t exp;             /* default experiment; 0: lines must name one */
    const char *metric_name; /* TensorBoard CSV: the metric's name */
    const char *step_key;    /* the step's field or column; NULL: "step" */
    int hints;               /* refuse files that look like another tool's
                                export, naming the import to use */
    int skip_bad;            /* report and skip malformed lines */
    int progress;            /* a progress line on stderr */
    const char *author;      /* for the metrics entries */
    int step_aliases;        /* JSON: the step may also be "global_step",
                                "_step" or an integral "epoch" */
    int quiet_fields;        /* no warning for non-numeric JSON fields */
};

struct ingest_stats {
    size_t lines;      /* input lines read (header included) */
    size_t points;     /* new points committed to the log */
    size_t duplicates; /* points already in the log with the same value */
    size_t conflicts;  /* points already in the log with another value */
    size_t skipped;    /* malformed lines skipped (skip_bad) */
    size_t batches;    /* metrics entries written */
};

struct ingest;

/* A new ingest into s (borrowed; must outlive it). Caller frees with
 * ingest_free(), which drops points not yet committed (call ingest_flush()
 * first to keep them). */
struct ingest *ingest_new(struct store *s, const struct ingest_opts *o);
void ingest_free(struct ingest *in);

/* Reads fd to its end, line by line. */
int ingest_fd(struct ingest *in, int fd);

/*
 * Adds one point (used by `run` for metric lines of its child). A negative
 * step means "the next step of this metric". ts 0 means now. The point
 * waits in memory until a commit (ingest_tick() or ingest_flush()).
 */
int ingest_point(struct ingest *in, int64_t exp, const char *metric,
                 int64_t step, double value, int64_t ts);

/*
 * Ingests one JSONL line (used by `run` for its child's metric lines);
 * lineno is for messages. A malformed line returns LL_EINPUT and adds
 * nothing.
 */
int ingest_jsonl_line(struct ingest *in, const char *line, size_t len,
                      size_t lineno);

/*
 * Commits the waiting points, if any, in one transaction. On failure the
 * points keep waiting and the code is returned: LL_EBUSY when the log
 * stayed locked for the store's busy timeout (try again later).
 */
int ingest_flush(struct ingest *in);

/*
 * Commits the waiting points when a rule above says so, and sets
 * *wait_ms_out to the milliseconds until the next commit is due (-1: no
 * point is waiting). For callers with an event loop of their own (`run`).
 * Returns ingest_flush()'s code; LL_EBUSY leaves the points waiting and
 * the next commit due INGEST_IDLE_MS later.
 */
int ingest_tick(struct ingest *in, int *wait_ms_out);

/* Points waiting for a commit. */
size_t ingest_pending(const struct ingest *in);

const struct ingest_stats *ingest_stats(const struct ingest *in);

/* The first conflict, as "FILE:LINE: 'loss' at step 5 is 0.3 in the log,
 * 0.4 here", or "" when there was none. Borrowed. */
const char *ingest_first_conflict(const struct ingest *in);

#endif
