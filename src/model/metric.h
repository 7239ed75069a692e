/* SPDX-License-Identifier: MIT */
/*
 * What a metric means: its role and which way is better. One function
 * decides it for every output (key results, the deck's chart metric, the
 * report's plots, the daily's deltas), from the metric's name by default
 * and from the log when someone said otherwise (`lablog metric-info`,
 * ENTRY_METRIC_INFO entries; for each field the latest declaration wins).
 *
 * Roles:
 *   score        a headline result, higher is better: win rate, accuracy,
 *                pass@k, F1, reward...
 *   result       another result worth comparing; higher is better unless
 *                declared otherwise (over_refusal --lower-better)
 *   loss         an objective, lower is better: loss, NLL, perplexity,
 *                error rates
 *   bookkeeping  a count or setting logged beside the results: n_*,
 *                *_count, lr, epoch, step, _step, runtime, throughput...
 *                Never shown as a result, plotted, compared or ranked.
 *
 * Nothing here does I/O or knows SQL: the view folds declarations into a
 * struct metric_decls and asks.
 */
#ifndef LABLOG_MODEL_METRIC_H
#define LABLOG_MODEL_METRIC_H

#include <stddef.h>
#include <stdint.h>

enum metric_role {
    METRIC_SCORE,
    METRIC_RESULT,
    METRIC_LOSS,
    METRIC_BOOKKEEPING
};

/* Which fields a declaration sets (struct metric_decl.set). */
enum {
    DECL_DIRECTION = 1 << 0,
    DECL_CHANCE = 1 << 1,
    DECL_BOOKKEEPING = 1 << 2,
    DECL_PRIMARY = 1 << 3,
    DECL_N_FROM = 1 << 4
};

/* What the log says about one metric, merged over its declarations. */
struct metric_decl {
    char *name;          /* the metric (owned) */
    unsigned set;        /* DECL_* bits: the fields declared */
    int lower;           /* DECL_DIRECTION: 1 lower is better */
    double chance;       /* DECL_CHANCE: the chance level */
    int bookkeeping;     /* DECL_BOOKKEEPING: 1 bookkeeping, 0 a result */
    int primary;         /* DECL_PRIMARY: the headline metric */
    char *n_from;        /* DECL_N_FROM: the metric counting its examples
                            (owned) */
    int64_t id;          /* the latest declaration's entry id */
    int64_t primary_id;  /* the entry that declared it primary */
};

/* Declarations, in the order metrics were first declared. */
struct metric_decls {
    struct metric_decl *items;
    size_t len, cap;
};

#define METRIC_DECLS_INIT { NULL, 0, 0 }

/* One declaration, as a metric-info entry's data holds it. */
struct metric_decl_in {
    unsigned set;        /* DECL_* bits given */
    int reset;           /* forget earlier declarations first */
    int lower, bookkeeping, primary;
    double chance;
    const char *n_from;
};

/* Applies a declaration of metric name made by entry id: fields it sets
 * replace earlier ones (reset forgets them all first). */
void metric_decls_apply(struct metric_decls *d, const char *name,
                        int64_t id, const struct metric_decl_in *in);

/* The merged declaration of name, or NULL. */
const struct metric_decl *metric_decls_find(const struct metric_decls *d,
                                            const char *name);

void metric_decls_release(struct metric_decls *d);

/* What a metric means, as every output uses it. */
struct metric_info {
    enum metric_role role;
    int lower;            /* 1: lower is better */
    int has_chance;
    double chance;        /* the chance level, when has_chance */
    int primary;          /* declared the headline metric */
    const char *n_from;   /* the metric counting its examples, or NULL
                             (borrowed from the declaration) */
    int declared;         /* any field came from the log */
    int rank;             /* for picking: 0 primary, 1 score, 2 result,
                             3 loss, 4 bookkeeping; lower ranks first */
};

/* The info of metric name: its declaration (decl, may be NULL) over the
 * name heuristics. */
void metric_info_of(struct metric_info *out, const char *name,
                    const struct metric_decl *decl);

/* The role a name suggests, with no declaration. */
enum metric_role metric_role_by_name(const char *name);

/* "score", "result", "loss", "bookkeeping". */
const char *metric_role_name(enum metric_role role);

/* Whether a is better than b for a metric (non-finite values are never
 * better than finite ones). */
int metric_better(const struct metric_info *m, double a, double b);

/* The best of a series' finite min and max for the metric. */
double metric_best(const struct metric_info *m, double min, double max);

/* Whether the metric is a result (not bookkeeping): shown, compared,
 * plotted. */
int metric_is_result(const struct metric_info *m);

#endif
