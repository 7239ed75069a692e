/* SPDX-License-Identifier: MIT */
/*
 * Streaming metric ingest: lines of JSONL or CSV in, metric batches out.
 *
 * Points are committed in batches (one transaction and one metrics entry
 * each) every INGEST_BATCH points, and whenever the input goes quiet, so a
 * `tail -f`-style producer's points become visible to readers within a
 * second. Memory is bounded by one batch whatever the input size.
 *
 * A malformed line ends the ingest with "FILE:LINE: what is wrong" after
 * committing everything before it; with skip_bad it is reported and skipped.
 */
#ifndef LABLOG_INGEST_INGEST_H
#define LABLOG_INGEST_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define INGEST_BATCH 20000

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
 * ingest_free(), which rolls back an uncommitted batch. */
struct ingest *ingest_new(struct store *s, const struct ingest_opts *o);
void ingest_free(struct ingest *in);

/* Reads fd to its end, line by line. */
int ingest_fd(struct ingest *in, int fd);

/*
 * Adds one point (used by `run` for metric lines of its child). A negative
 * step means "the next step of this metric". ts 0 means now.
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

/* Commits the open batch, if any. */
int ingest_flush(struct ingest *in);

const struct ingest_stats *ingest_stats(const struct ingest *in);

/* The first conflict, as "FILE:LINE: 'loss' at step 5 is 0.3 in the log,
 * 0.4 here", or "" when there was none. Borrowed. */
const char *ingest_first_conflict(const struct ingest *in);

#endif
