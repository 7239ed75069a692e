/* SPDX-License-Identifier: MIT */
/*
 * Importing runs from other tools (MLflow, Weights & Biases, TensorBoard).
 *
 * Each reader (mlflow.c, wandb.c, tensorboard.c) parses the other tool's
 * files and describes what it finds to an importer: a run (its name,
 * params, tags, status and times), then the run's metric points. The
 * importer turns that into lablog entries through the store's public API:
 *
 *  - a run becomes an experiment, found again on a later import by the
 *    source recorded in its data ("import": {"tool", "key"}), so importing
 *    twice adds nothing: no second experiment, no status already recorded,
 *    and points already logged are duplicates, never rewritten;
 *  - names are the run's, made valid (letters, digits, '-', '_', '.'); a
 *    name already used by another experiment gets the run's key appended;
 *  - points go through ingest_point() in batches, with their own times.
 *
 * Bad input leaves the log unchanged: readers run twice, first with a dry
 * importer that writes nothing (every file is parsed and checked), then,
 * only when that pass succeeded, with one that writes.
 */
#ifndef LABLOG_IMPORT_IMPORT_H
#define LABLOG_IMPORT_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store/store.h"

struct import_kv {
    const char *key;
    const char *value;
};

/* One run as the other tool recorded it. Strings are borrowed for the
 * duration of importer_begin_run(). */
struct import_run {
    const char *tool;         /* "mlflow", "wandb", "tensorboard" */
    const char *key;          /* unique within the tool: run id, path */
    const char *name;         /* the run's name, may be "" or NULL */
    const char *fallback;     /* name to use when name is empty */
    const char *hypothesis;   /* a description, or NULL */
    const struct import_kv *params;
    size_t nparams;
    const char *const *tags;
    size_t ntags;
    const char *status;       /* EXP_DONE, EXP_FAILED, ... or NULL */
    const char *message;      /* for the final status, or NULL */
    int64_t start_ms;         /* 0 when unknown */
    int64_t end_ms;           /* 0 when unknown or still running */
    const char *author;       /* the run's user, or NULL */
    const char *command;      /* how it was started, or NULL */
    const char *git_commit;   /* or NULL */
    const char *source;       /* where it came from, for people */
};

struct import_stats {
    size_t runs;          /* runs seen */
    size_t created;       /* experiments created */
    size_t skipped;       /* runs skipped (deleted in the other tool) */
    size_t points;        /* new points written */
    size_t duplicates;    /* points already in the log */
    size_t conflicts;     /* points in the log with another value */
};

struct importer;

/*
 * A new importer writing into s (borrowed), or, with dry_run, one that
 * only counts (s may then be NULL: no names in use). name is the input's name for messages. Caller frees with
 * importer_free().
 */
int importer_new(struct importer **out, struct store *s, const char *author,
                 const char *name, int dry_run);
void importer_free(struct importer *im);

/* Starts a run: finds or creates its experiment and appends the status
 * entries it lacks (one transaction). */
int importer_begin_run(struct importer *im, const struct import_run *r);

/* A point of the current run. step < 0: the next step of that metric;
 * ts 0: now. */
int importer_point(struct importer *im, const char *metric, int64_t step,
                   double value, int64_t ts);

/* Ends the run (commits its points). */
int importer_end_run(struct importer *im);

/* Whether this is the checking pass (readers warn only then). */
int importer_dry(const struct importer *im);

/* A run the reader skips on purpose (deleted in the other tool). */
void importer_skip(struct importer *im);

/* The experiment name chosen for the current run (valid until the next
 * importer_begin_run()). */
const char *importer_exp_name(const struct importer *im);

const struct import_stats *importer_stats(const struct importer *im);
/* The first conflict ("" when none), borrowed. */
const char *importer_first_conflict(const struct importer *im);

/* Makes name a valid experiment name in out (letters, digits, -_. ; at
 * most 100 bytes; other bytes become '-'); "" when nothing is left. */
void import_clean_name(char *out, size_t size, const char *name);

/* The readers. path is the file or folder given on the command line. */
int import_mlflow(struct importer *im, const char *path);
int import_wandb(struct importer *im, const char *path, const char *exp);
int import_tensorboard(struct importer *im, const char *path);

/* One open event file as one run named name (fuzzing, tests). Needs a
 * seekable stream: it is read twice. */
int import_tensorboard_stream(struct importer *im, FILE *f, const char *name);

#endif
