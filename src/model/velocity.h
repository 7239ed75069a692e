/* SPDX-License-Identifier: MIT */
/*
 * Velocity and the swamp: how fast the research loop turns, and where it
 * has stopped turning. The essay asks for a high volume of experiments,
 * for always knowing the next one, and for never sitting for days on runs
 * that teach nothing; these are the numbers that say so.
 *
 *   week       seven days ending at a moment (the document's end): week 0
 *              is (end - 7d, end], week 1 the seven days before, ...
 *              (the end belongs to its week: a daily made at the moment
 *              of its last entry counts it)
 *   finished   an experiment whose status reached done in the week
 *   lead time  from a next step being written to it being done: marked
 *              done, or an experiment linked to it (`next --exp`) done
 *              after the step was written, whichever comes first
 *   swamp      MODEL_SWAMP_RUNS or more runs under one tag (or, for
 *              untagged runs, one hypothesis) created since the last
 *              takeaway about any of them, that takeaway (or, without one,
 *              the first of those runs) MODEL_SWAMP_DAYS or more days ago
 *
 * Pure functions over plain arrays: no I/O, no allocation.
 */
#ifndef LABLOG_MODEL_VELOCITY_H
#define LABLOG_MODEL_VELOCITY_H

#include <stddef.h>
#include <stdint.h>

#define MODEL_SWAMP_RUNS 8
#define MODEL_SWAMP_DAYS 3
#define MODEL_WEEK_MS (INT64_C(7) * 86400000)

/* One week's numbers. */
struct model_week {
    int64_t start, end;     /* (start, end] */
    size_t finished;        /* experiments done in the week */
    size_t takeaways;       /* takeaways written in the week */
    size_t leads;           /* lead times ending in the week */
    int64_t median_lead;    /* their median (ms); 0 when leads is 0 */
};

/*
 * Fills weeks[0..nweeks) back from end: finished[] are the times
 * experiments were done, takeaways[] the times takeaways were written,
 * lead_end[i] / lead_ms[i] a lead time and when it ended (all in any
 * order). scratch holds nlead int64_t for the medians.
 */
void model_weeks(struct model_week *weeks, size_t nweeks, int64_t end,
                 const int64_t *finished, size_t nfinished,
                 const int64_t *takeaways, size_t ntakeaways,
                 const int64_t *lead_end, const int64_t *lead_ms,
                 size_t nlead, int64_t *scratch);

/* Experiments finished per day in a week. */
double model_week_rate(const struct model_week *w);

/* A tag or hypothesis with its runs and takeaways. */
struct model_swamp_item {
    const char *key;   /* the tag, or the hypothesis */
    int64_t ts;        /* when the run was created / the takeaway written */
};

struct model_swamp {
    const char *key;       /* borrowed from the items */
    int hypothesis;        /* key is a hypothesis, not a tag */
    size_t runs;           /* runs created since the last takeaway */
    int64_t since;         /* that takeaway, or the first of the runs */
    int has_takeaway;      /* since is a takeaway */
};

/*
 * The swamps at now: for each key of runs[] (tags first, then
 * hypotheses: hyp[i] says which runs[i] is), the runs created after the
 * key's last takeaway (takeaways[], with hyp_t[] likewise) at or before
 * now; a swamp when there are min_runs or more and the takeaway (or the
 * first such run) is min_days or more days before now. Up to max written
 * to out, most runs first. Returns how many.
 */
size_t model_swamps(struct model_swamp *out, size_t max,
                    const struct model_swamp_item *runs,
                    const unsigned char *hyp, size_t nruns,
                    const struct model_swamp_item *takeaways,
                    const unsigned char *hyp_t, size_t ntakeaways,
                    int64_t now, size_t min_runs, int min_days);

#endif
