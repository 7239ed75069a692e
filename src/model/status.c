/* SPDX-License-Identifier: MIT */
/* Experiment statuses (see status.h). */
#include "model/status.h"

#include <string.h>

int model_status_ends(const char *status)
{
    return strcmp(status, EXP_DONE) == 0 || strcmp(status, EXP_FAILED) == 0
           || strcmp(status, EXP_ABANDONED) == 0;
}

int model_status_broken(const char *status)
{
    return strcmp(status, EXP_FAILED) == 0
           || strcmp(status, EXP_ABANDONED) == 0;
}

int model_status_known(const char *status)
{
    return model_status_ends(status) || strcmp(status, EXP_PLANNED) == 0
           || strcmp(status, EXP_RUNNING) == 0;
}

void model_status_step(struct model_status *st, const char *status,
                       int64_t ts)
{
    st->status = status;
    if (strcmp(status, EXP_RUNNING) == 0) {
        if (!st->started)
            st->started = ts;
        /* A re-run is a new attempt: its duration starts now. */
        st->attempt = ts;
        st->finished = 0;
    } else if (model_status_ends(status)) {
        st->finished = ts;
        st->ended_at = ts;
    }
}
