/* SPDX-License-Identifier: MIT */
/*
 * The period view: everything the renderers need about a stretch of time,
 * derived from the append-only log.
 *
 * view_build() folds every entry up to the end of the period, in fold order
 * (hlc, origin, seq: the same on every replica), so
 * derived state is exactly what the log says at that moment: an
 * experiment's status is its latest status entry, an amended entry shows its
 * newest text, a done next step is closed. Entries inside the period
 * [since, until) are then sorted into the lists below.
 *
 * Renderers read the view and never run SQL (DESIGN.md §5). The one
 * exception is point streaming for plots, which goes through
 * view_points() so renderers still never see the store.
 *
 * Ownership: the view owns every string and array it points to (one arena);
 * everything is valid until view_free(). Renderers borrow.
 */
#ifndef LABLOG_VIEW_VIEW_H
#define LABLOG_VIEW_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "model/group.h"
#include "model/metric.h"
#include "model/status.h"
#include "model/summary.h"
#include "store/store.h"

struct view_status {
    int64_t id;          /* the status entry */
    int64_t ts;
    const char *status;  /* planned, running, done, failed, abandoned */
    const char *message; /* "" when none */
};

struct view_metric {
    const char *name;
    const char *attempt;   /* uid of the attempt these points are of */
    int64_t count;         /* points, NaN and inf included */
    int64_t nonfinite;     /* NaN and +-inf points */
    int64_t nonfinite_step; /* step of the first of them */
    int64_t first_step, last_step, min_step, max_step;
    double first, last;    /* may be NaN or inf: a diverged run */
    double min, max;       /* over finite points; NaN when there are none */
    int64_t first_ts, last_ts; /* times of the first and last step */
    int has_prev;          /* points existed before the period */
    double prev_last;      /* the last value before the period */
    int64_t prev_count;    /* points before the period */
    struct metric_info info; /* what it means (model/metric.h) */
};

/*
 * The latest attempt of an experiment, from the `running` status entry
 * that started it and what followed: how it was made, whether it is alive,
 * how far it got. Strings are NULL when not recorded (`exp start` records
 * none of them).
 */
struct view_live {
    int64_t attempt;          /* its running status entry; 0 when none */
    const char *attempt_uid;  /* the attempt's uid (LABLOG_ATTEMPT): that
                                 entry's, or the one it resumed */
    const char *host;         /* where lablog run ran */
    const char *boot_id;      /* that machine's boot id */
    int64_t pid, pid_start;   /* lablog run's pid and start time (ticks) */
    int heartbeat_s;          /* promised heartbeat period; 0: none */
    int64_t heartbeat;        /* ts of its latest sign of life: the start,
                                 a metrics batch or a heartbeat entry */
    int64_t total;            /* planned steps (--total); 0: not given */
    const char *slurm_job_id, *slurm_array_task_id; /* scheduler context */
    const char *slurm_nodelist, *slurm_partition;
    const char *cuda_visible_devices;
    const char *tail_sha256;  /* a failed end: its output tail (a blob) */
    const char *tail_text;    /* a lost run: the tail its lablog run kept
                                 in a file (store_run_tail_path) */
    int64_t tail_lines;       /* lines in either */
    const char *signal_name;  /* the end: "SIGTERM" when killed by one */
    const char *lost_reason;  /* status lost: why ("its lablog run ... is
                                 gone"); NULL otherwise */
};

/* Progress of a running (or lost) run: filled by view_exp_progress(). */
struct view_progress {
    int known;                /* 1 when the fields below are set */
    int64_t step;             /* the last step of the most advanced metric */
    double done;              /* progress in unit: step, or epochs done */
    double total;             /* planned total in unit; 0 when unknown */
    const char *unit;         /* "step" or "epoch" */
    int64_t elapsed_ms;       /* since the attempt started */
    int64_t since_point_ms;   /* since its latest point; -1 no point */
    int64_t eta_ms;           /* from the recent rate; -1 unknown */
    int long_run;             /* on course to take more than 16 h */
};

struct view_exp {
    int64_t id;               /* the exp entry */
    const char *name;
    const char *label;        /* name, or "name (author@host)" when
                                 experiments of several origins share it */
    const char *uid;          /* the exp entry's uid */
    const char *origin;       /* the origin that created it */
    const char *author;       /* who created it */
    int attempt;              /* metrics and points of this attempt number
                                 instead of the view's (0: the view's) */
    const char *hypothesis;   /* current text; "" when none */
    int hypothesis_amended;
    int confirm;              /* 1 confirmatory, 0 exploratory */
    struct model_kv *params;   /* in key order */
    size_t nparams;
    const char **tags;
    size_t ntags;
    const char *status;       /* derived from the status entries */
    struct model_status state; /* the derivation (model/status.h) */
    int64_t created;          /* ts of the exp entry */
    struct view_status *history; /* status entries, oldest first */
    size_t nhistory;
    const char *command;      /* recorded by 'lablog run', else NULL */
    const char *cwd, *git_commit, *host;
    int git_dirty;            /* 1 when the tree had changes */
    int64_t started, finished; /* ts of the latest attempt's running entry
                                  and of its end; 0 unknown */
    int has_exit;             /* exit_code/signal are set */
    int exit_code, signal;
    struct view_live live;    /* the latest attempt: alive, lost, tail */
    struct view_progress progress; /* running or lost: how far it got */
    struct view_metric *metrics; /* by name; filled per view_opts.metrics */
    size_t nmetrics;
    const char **seed_params; /* params declared seeds (--seed-param) */
    size_t nseed_params;
    struct model_run run;     /* the fields above, as model/group.h reads
                                 them */
    int touched;      /* created, changed, noted, measured or attached to
                         in the period */
    int changed;      /* created, its status changed or measured in the
                         period: news of its own, not only notes or files */
    int ended_in_period; /* reached done/failed/abandoned in the period */
    size_t nnotes;    /* notes about it in the period (not retracted) */
    size_t ntakeaways;
};

struct view_item {
    int64_t id;
    int64_t ts;
    enum entry_kind kind;     /* note, next, block, ask, decide, attach */
    const char *author;
    const char *text;         /* current (amended) Markdown text */
    int amended;
    int retracted;
    const char *retract_reason; /* "" when none given */
    int64_t retract_ts;
    struct view_exp *exp;     /* what it is about, or NULL */
    int takeaway;             /* notes */
    int priority;             /* next steps: 1 (highest) to 3 */
    int minutes;              /* next steps: -1 when not given */
    int64_t closed_id;        /* done / unblock / answer entry; 0 if open */
    int64_t closed_ts;
    const char *closed_text;  /* its message or the answer; "" when none */
    const char *file_name;    /* attachments: original base name */
    const char *sha256;       /* attachments: content hash */
    int64_t size;             /* attachments: bytes */
};

struct view_list {
    struct view_item **items;
    size_t len;
};

/* Which experiments' metric summaries view_build() loads: a view is a
 * complete snapshot, so renderers say up front what they show. */
enum view_metrics {
    VIEW_METRICS_NONE,    /* none (fast: exp list, log) */
    VIEW_METRICS_TOUCHED, /* experiments touched in the period and the
                             siblings they are compared with (a shared tag
                             and at most one param other than seeds
                             apart: seeds and sweep mates): the period
                             renderers */
    VIEW_METRICS_NAMED,   /* the experiments named in view_opts.names */
    VIEW_METRICS_ALL      /* every experiment */
};

struct view_opts {
    int64_t since;             /* period start (inclusive); 0: the beginning */
    int64_t until;             /* period end (exclusive); 0: no end */
    enum view_metrics metrics;
    const char *const *names;  /* VIEW_METRICS_NAMED: experiment names */
    size_t nnames;
    int quiet_unknown;         /* no warning about entries of unknown kinds
                                  (for commands that list them) */
    int attempt;               /* metrics of STORE_ATTEMPT_LATEST (0) or of
                                  attempt number N */
    const char *author;        /* the update of one person: only their
                                  entries are news in the period (and the
                                  experiments their notes name); NULL:
                                  everyone's (borrowed, must outlive it) */
};

struct view {
    const char *project;  /* project name */
    const char *goal;     /* "" when none */
    int64_t since, until; /* the period, as given */
    const char *author;   /* whose update this is; NULL: everyone's */
    int64_t first_ts;     /* ts of the first entry (project start) */
    struct view_exp *exps; /* every experiment that exists at until, by id */
    size_t nexps;
    size_t ntouched;      /* experiments touched in the period */

    struct view_list notes;       /* notes in the period, not retracted */
    struct view_list takeaways;   /* the subset marked takeaway */
    struct view_list retracted;   /* entries retracted in the period */
    struct view_list next_done;   /* next steps done in the period */
    struct view_list next_open;   /* open at until, by priority then age */
    struct view_list blockers_raised;   /* raised in the period */
    struct view_list blockers_resolved; /* resolved in the period */
    struct view_list blockers_open;     /* open at until */
    struct view_list questions_asked;   /* asked in the period */
    struct view_list questions_answered; /* answered in the period */
    struct view_list questions_open;    /* open at until */
    struct view_list decisions;   /* decided in the period */
    struct view_list attachments; /* attached in the period */

    int64_t last_update;  /* ts of the newest daily update entry, 0 none */
    int64_t last_deck;    /* ts of the newest deck entry, 0 none */
    int64_t nentries;     /* entries in the period */

    int attempt;          /* view_opts.attempt */
    int narrowed;         /* view_keep() chose experiments: the others
                             are left out, not "other experiments" */
    struct store *store;  /* borrowed, for view_points() */
    void *priv;           /* the arena and indexes */
};

/* ---- live runs (view/live.c) ------------------------------------------ */

/* What a reader knows when it judges whether a run is alive. */
struct view_observer {
    int64_t now;              /* the time judged at (ms) */
    int64_t lost_after_ms;    /* a heartbeat older than this: lost */
    const char *host;         /* this machine */
    const char *boot_id;      /* its boot id */
    int check_processes;      /* 0 for a view of the past */
    int (*alive)(int64_t pid, int64_t start); /* is that process running */
};

/* The observer of a view ending at until (0: now): this host, boot id,
 * the clock ($LABLOG_NOW), the lost threshold (view_lost_after_ms). */
void view_observer_init(struct view_observer *o, int64_t until);

/* The lost threshold in ms: $LABLOG_LOST_AFTER, else `lost_after = ...`
 * in the user's config file (util/config.h), else 10 minutes; seconds,
 * or a number with s, m, h or d. An invalid value is warned about once
 * and ignored. */
int64_t view_lost_after_ms(void);

/*
 * The rule for lost runs, the only one: a run the log says is running is
 * lost when, on the same host, its boot id changed or its lablog run
 * process is gone, or when it promised heartbeats and the latest sign of
 * life is older than o->lost_after_ms. Returns 1 and writes why (n bytes)
 * when lost, else 0. Pure: reads nothing but its arguments.
 */
int view_run_lost(const struct view_live *run, const struct view_observer *o,
                  char *why, size_t n);

/*
 * The progress rule: from the last point (step or epoch), the planned
 * total (total, or 0), the attempt's start, a point some minutes earlier
 * (ref_*: the recent rate; ref_ts 0 when none) and now. Pure.
 */
void view_progress_compute(struct view_progress *out, double done,
                           int64_t last_ts, double ref_done, int64_t ref_ts,
                           double total, int64_t started, int64_t now);

/* Fills x->progress for a running or lost experiment whose metrics are
 * filled; known stays 0 for others. view_exp_metrics() calls it. */
int view_exp_progress(struct view *v, struct view_exp *x);

/* Whether x has an output tail to show: a failed run's, stored with its
 * end, or a lost run's, from the file its lablog run kept. */
int view_exp_has_tail(const struct view_exp *x);

/*
 * Appends the last max_lines lines of a failed or lost run's output tail
 * to out (nothing when there is none). Returns 0 or the store's code.
 */
int view_exp_tail(const struct view *v, const struct view_exp *x,
                  size_t max_lines, struct buf *out);

/*
 * Builds the view of o's period. *out is the caller's, freed with
 * view_free(). The store must stay open while the view is used.
 */
int view_build(struct view **out, struct store *s, const struct view_opts *o);
void view_free(struct view *v);

/*
 * Narrows a built view to the experiments with keep[i] set (per
 * v->exps; NULL keeps all): the others are no longer touched, and the
 * period's notes, takeaways, attachments and retractions about them are
 * dropped, as are those about no experiment when keep is given. With
 * takeaways_only, the notes are the takeaways alone and no retraction is
 * listed: the cleaned-up log for others (`report --tag/--exp/
 * --confirm-only/--takeaways-only`). Next steps, blockers and questions
 * stay.
 */
void view_keep(struct view *v, const unsigned char *keep,
               int takeaways_only);

/* Finds an experiment by name; NULL when it does not exist at until. */
struct view_exp *view_exp_find(const struct view *v, const char *name);

/* The experiment whose exp entry is id; NULL when it does not exist. */
struct view_exp *view_exp_get(const struct view *v, int64_t id);

/* Fills exp->metrics (as of until, with the change since `since`) when
 * view_opts did not: for the commands that decide late (exp show). Not
 * for renderers, which get a const view. */
int view_exp_metrics(struct view *v, struct view_exp *exp);

/* One attempt of an experiment: a run (`lablog run`, `exp start`) or the
 * metrics logged outside any run (see store.h, "Attempts"). */
struct view_attempt {
    int number;            /* 1, 2, ... in fold order */
    char *uid;             /* the attempt's uid */
    int run;               /* started by a running status entry */
    int64_t started;       /* ts of the entry that started it */
    char *command;         /* run: the command; NULL otherwise */
    char *git_commit;      /* run: the commit, or NULL */
    int git_dirty;
    char *host;            /* run: where it ran, or NULL */
    int64_t duration_ms;   /* over all its segments; 0 when unknown */
    int running;           /* its last segment has not ended */
    int has_exit;          /* exit_code/signal are set (last segment) */
    int exit_code, signal;
    int resumes;           /* times it was resumed (run --resume) */
    int64_t points;        /* its metric points */
};

struct view_attempts {
    struct view_attempt *items; /* oldest first */
    size_t len;
};

/*
 * The attempts of exp as of the view's end, with what each run recorded:
 * command, commit, host, duration (summed over resumed segments) and the
 * exit of its last segment. out is the caller's, released with
 * view_attempts_release() (also on failure).
 */
int view_exp_attempts(const struct view *v, const struct view_exp *exp,
                      struct view_attempts *out);
void view_attempts_release(struct view_attempts *a);

/* Streams the points of one metric of exp in step order (see store.h). */
int view_points(const struct view *v, const struct view_exp *exp,
                const char *metric, store_point_fn *fn, void *ctx);

/* Same with ts passed as 0 (a chart against steps: cheaper to read). */
int view_points_steps(const struct view *v, const struct view_exp *exp,
                      const char *metric, store_point_fn *fn, void *ctx);

/* Where those points begin and end (step, and the ts of the first), from
 * the point key without reading them: what a chart needs before it
 * streams, without the summaries a chart does not show. */
int view_points_span(const struct view *v, const struct view_exp *exp,
                     const char *metric, struct series_span *out);

/* The note, next step, blocker, question, decision or attachment with this
 * id (as it stands at until: current text, closed, retracted), or NULL. */
const struct view_item *view_item_find(const struct view *v, int64_t id);

/* Every item of the log as it stands at until (notes, next steps,
 * blockers, questions, decisions, attachments; retracted ones included,
 * marked), in fold order, not only those of the period: *out borrows the
 * view's array. Returns how many. */
size_t view_all_items(const struct view *v,
                      const struct view_item *const **out);

/* Whether entry id, one that is not an item (a metrics batch, a metric
 * declaration), was retracted by until. Items say it in view_item. */
int view_entry_retracted(const struct view *v, int64_t id);

/*
 * Appends the stored bytes of an attachment to out, found by its content
 * hash (view_item.sha256, 64 hex digits), so renderers can copy attached
 * images without reaching into the store. Returns 0, or the store's code
 * (LL_ENOTFOUND when no such blob) with its message.
 */
int view_blob(const struct view *v, const char *sha256, struct buf *out);

/* Whether ts falls in the view's period. */
int view_in_period(const struct view *v, int64_t ts);

/* What metric name means in this log (model/metric.h): its declarations
 * (`lablog metric-info`) over the name heuristics. n_from is borrowed from
 * the view. */
void view_metric_info(const struct view *v, const char *name,
                      struct metric_info *out);

/* The metric declarations folded from the log, in first-declared order
 * (for `lablog metric-info`). */
const struct metric_decls *view_metric_decls(const struct view *v);

/* Which metrics view_pick_metrics() considers. */
enum view_pick {
    VIEW_PICK_RESULTS = 0,   /* every result (no bookkeeping) */
    VIEW_PICK_SERIES = 1 << 0, /* only series of more than one point */
    VIEW_PICK_NO_LOSS = 1 << 1 /* leave losses out */
};

/* The result metrics of exp (summaries loaded), most telling first:
 * primary, scores, other results, losses; bookkeeping never. Up to max
 * names, borrowed from the view. Returns how many. */
size_t view_pick_metrics(const struct view_exp *exp, unsigned flags,
                         const char **out, size_t max);

/* The metric of exp called name (filled by view_exp_metrics), or NULL. */
const struct view_metric *view_exp_metric(const struct view_exp *exp,
                                          const char *name);

/* Whether exp has the tag. */
int view_exp_has_tag(const struct view_exp *exp, const char *tag);

/* The value of a param of exp, or NULL. */
const char *view_exp_param(const struct view_exp *exp, const char *key);

/* ---- groups (model/group.h over the view's experiments) --------------- */

struct view_group {
    struct view_exp **exps; /* members: by the varying param, then seed */
    size_t n;
    const char *tag;        /* the tag they share, or NULL */
    const char *by;         /* the one param other than seeds that varies */
    const char *seed;       /* the seed param that varies, or NULL */
    size_t nsettings;       /* distinct settings (seeds of one count once) */
};

struct view_groups {
    struct view_group *items;
    size_t len;
};

/*
 * Groups v's experiments (model_group_runs()): lead[i] and member[i] say,
 * per v->exps[i], whether it may start a group and whether it may be in
 * one. Release with view_groups_release().
 */
void view_groups_build(struct view_groups *out, const struct view *v,
                       const unsigned char *lead,
                       const unsigned char *member);
void view_groups_release(struct view_groups *g);

/* The experiments among exps[0..n) of x's setting (only seeds differ),
 * x included, in order: up to max written to out. Returns how many. */
size_t view_setting_of(const struct view_exp *x,
                       struct view_exp *const *exps, size_t n,
                       struct view_exp **out, size_t max);

/* Whether exp's results are not results: it failed or was abandoned
 * (model_status_broken()), or a result of it diverged (its last value is
 * NaN or inf). Such runs are listed, never averaged in. */
int view_exp_broken(const struct view_exp *exp);

/* The last values of metric over exps (a setting's seeds) as mean ± sd,
 * leaving out experiments without the metric, and broken ones, which are
 * counted in *broken_out (may be NULL) whether they have the metric or
 * not. */
void view_summary_last(struct model_summary *out,
                       struct view_exp *const *exps, size_t n,
                       const char *metric, size_t *broken_out);

/* What a result is compared with (the daily's "+0.07 vs lr=1e-5"). */
struct view_compare {
    int found;
    struct model_summary s;     /* the other setting's last values */
    const struct view_exp *exp; /* its first member */
    size_t n;                   /* its members */
    const char *key;            /* the param telling it apart (sweep
                                   mates), or NULL */
    const char *value;          /* that param's value there */
};

/*
 * The setting mine[0..n) (one run, or the seeds of one setting) is
 * compared with for metric: the best other setting of its sweep --
 * siblings (a shared tag) differing in one param other than seeds --
 * summarised over its seeds, never a seed of the same setting; else the
 * closest sibling in params. Broken runs (view_exp_broken()) are never
 * compared with. out->found is 0 when there is nothing to compare with.
 */
void view_compare_with(struct view_compare *out, const struct view *v,
                       struct view_exp *const *mine, size_t n,
                       const char *metric);

/* Whether a and b are repeats: the same setting with different seeds, and
 * siblings (a shared tag, or both untagged). */
int view_exp_repeats(const struct view_exp *a, const struct view_exp *b);

#endif
