/* SPDX-License-Identifier: MIT */
/*
 * An experiment's status, derived from its status entries in order: the
 * one place that says what a status means, so every reader (exp list,
 * the daily, the deck, the report) agrees. A run reaches planned ->
 * running -> done / failed / abandoned; a status this build does not
 * know is kept as written and read as "not ended".
 */
#ifndef LABLOG_MODEL_STATUS_H
#define LABLOG_MODEL_STATUS_H

#include <stdint.h>

/* Experiment statuses, in the order they are usually reached. */
#define EXP_PLANNED "planned"
#define EXP_RUNNING "running"
#define EXP_DONE "done"
#define EXP_FAILED "failed"
#define EXP_ABANDONED "abandoned"
/* Never stored: what readers show for a running experiment whose `lablog
 * run` is gone (view_run_lost()). */
#define EXP_LOST "lost"

/* What the status entries so far say. */
struct model_status {
    const char *status;  /* the latest status (borrowed) */
    int64_t started;     /* ts of the first running, 0 when never */
    int64_t attempt;     /* ts of the latest running: the attempt that
                            durations are about, 0 when never */
    int64_t finished;    /* ts of the last end, 0 when running again */
    int64_t ended_at;    /* ts of the latest end entry, 0 when none */
};

#define MODEL_STATUS_INIT { EXP_PLANNED, 0, 0, 0, 0 }

/* Applies one status entry (status, at ts) to st. */
void model_status_step(struct model_status *st, const char *status,
                       int64_t ts);

/* Whether status ends a run: done, failed, abandoned. */
int model_status_ends(const char *status);

/* Whether status means the run's results are not results: failed,
 * abandoned. */
int model_status_broken(const char *status);

/* Whether status is one this build knows. */
int model_status_known(const char *status);

#endif
