/* SPDX-License-Identifier: MIT */
/*
 * Samples as the read side sees them: which set of an experiment counts,
 * choosing examples (worst, best, seeded random, by field, by id), and the
 * diff of two sets paired by id (or any field), with the paired t test of
 * their scores (model/stats.h).
 *
 * Which set: an experiment may have several samples sets (a re-run, an
 * eval at another step). The set that counts is the newest one; an older
 * one is chosen by its entry id (--set).
 *
 * Rows are streamed from the store one at a time: choosing the 10 worst of
 * 100k rows reads 10 rows, and a diff keeps 48 bytes per distinct key, not
 * the rows themselves.
 */
#ifndef LABLOG_VIEW_SAMPLES_H
#define LABLOG_VIEW_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

#include "ingest/samples.h"
#include "model/stats.h"
#include "store/store.h"

struct arena;

/* A samples set. Strings live in the arena given to the loader. */
struct view_samples_set {
    int64_t entry;        /* the samples entry */
    const char *uid;      /* its uid */
    int64_t ts;
    const char *author;
    int64_t exp;          /* experiment entry id */
    const char *exp_name; /* its name */
    const char *name;     /* file name */
    enum samples_format format;
    int64_t rows, scored, size;
    const char *attempt;  /* uid of the attempt's running status, or "" */
    double mean;          /* mean score over scored rows; NaN when none */
    double min, max;      /* NaN when none */
};

/* The newest set of experiment exp (named exp_name in messages).
 * LL_ENOTFOUND "experiment 'X' has no samples ..." when there is none. */
int view_samples_latest(struct store *s, struct arena *a, int64_t exp,
                        const char *exp_name, struct view_samples_set *out);

/* The newest set of experiment exp added during the attempt whose running
 * status entry has a uid starting with `attempt` (the set's data.attempt);
 * LL_ENOTFOUND when there is none. */
int view_samples_of_attempt(struct store *s, struct arena *a, int64_t exp,
                            const char *exp_name, const char *attempt,
                            struct view_samples_set *out);

/* The set written by samples entry `entry`; LL_ENOTFOUND or LL_EUSAGE when
 * that entry is not a samples set. */
int view_samples_get(struct store *s, struct arena *a, int64_t entry,
                     struct view_samples_set *out);

/* The set with this uid (a note's sample_set); LL_ENOTFOUND when none. */
int view_samples_by_uid(struct store *s, struct arena *a, const char *uid,
                        struct view_samples_set *out);

/* One row, parsed. Borrowed: valid only during the callback. */
struct view_sample_row {
    int64_t row;                      /* from 1 */
    const char *sid;                  /* its id */
    size_t sid_len;
    int has_score;
    double score;
    const char *bytes;                /* as stored */
    size_t len;
    const struct sample_fields *fields;
};

typedef int view_sample_fn(void *ctx, const struct view_sample_row *r);

enum view_samples_pick {
    PICK_ALL,     /* every row in file order (first: at most n of them) */
    PICK_WORST,   /* the n lowest scores */
    PICK_BEST,    /* the n highest scores */
    PICK_RANDOM,  /* n rows drawn without replacement with seed, in file
                     order */
    PICK_WHERE,   /* rows whose field `field` has text `value` */
    PICK_ID,      /* rows whose id is `value` */
    PICK_ROW      /* the row numbered n */
};

struct view_samples_sel {
    enum view_samples_pick pick;
    int64_t n;          /* how many (0: all for PICK_ALL / PICK_WHERE) */
    uint64_t seed;      /* PICK_RANDOM */
    const char *field;  /* PICK_WHERE */
    const char *value;  /* PICK_WHERE, PICK_ID */
};

/* Calls fn for each chosen row of set, parsed. A row that does not parse
 * (it did when it was added, so only a damaged log) is an LL_EINPUT. */
int view_samples_select(struct store *s, const struct view_samples_set *set,
                        const struct view_samples_sel *sel,
                        view_sample_fn *fn, void *ctx);

/* Draws k distinct numbers of 1..n (k <= n) with a seeded generator into
 * out, sorted. The same (n, k, seed) gives the same numbers everywhere. */
void view_samples_draw(int64_t *out, int64_t k, int64_t n, uint64_t seed);

/* One pair of a diff: the key's rows in A and B. */
struct view_samples_pair {
    int64_t row_a, row_b; /* first row of the key in each set */
    int64_t n_a, n_b;     /* rows of the key (best-of-N: several) */
    double score_a, score_b; /* mean score of the key's rows; NaN: none */
};

struct view_samples_diff {
    const char *by;            /* the key: "id" or a field name */
    int64_t both;              /* keys in both sets */
    int64_t only_a, only_b;    /* keys in one set only */
    int64_t scored;            /* keys scored in both */
    int64_t a_better, b_better, tie;
    double mean_a, mean_b;     /* over the keys scored in both */
    struct stats_ttest paired; /* of score_b - score_a over those keys */
    struct view_samples_pair *pairs; /* the largest changes first */
    size_t npairs;             /* at most the limit asked for */
};

/*
 * Pairs the rows of a and b by id (by NULL or "id") or by the text of a
 * field, and fills out: counts, the paired t test (95% interval), and the
 * `limit` pairs with the largest |score change| (then by A's row order;
 * unscored pairs after scored ones). out->pairs is the caller's (free()).
 */
int view_samples_diff(struct store *s, const struct view_samples_set *a,
                      const struct view_samples_set *b, const char *by,
                      size_t limit, struct view_samples_diff *out);

void view_samples_diff_release(struct view_samples_diff *d);

/* ---- a snapshot for renderers ------------------------------------------ */

struct view;
struct view_exp;
struct view_item;

/* One field of an example, copied (owned by the snapshot). */
struct view_example_field {
    const char *key;
    size_t key_len;
    enum sample_kind kind;
    const char *text;     /* as stored: may hold any bytes */
    size_t len;
    int role;             /* enum sample_role, or -1 */
};

struct view_example {
    const char *why;      /* "lowest score", "random draw", "noted" */
    int64_t row;
    const char *sid;
    size_t sid_len;
    int has_id;           /* the file gave an id (else sid is the row) */
    int has_score;
    double score;
    const char *label_key; /* the label field's name, or NULL */
    const char *label;     /* its text */
    struct view_example_field *fields; /* input, output, target, others */
    size_t nfields;
    const struct view_item **notes; /* notes tied to it (in the period) */
    size_t nnotes;
};

struct view_exp_samples {
    struct view_samples_set set;  /* the experiment's newest set */
    struct view_example *examples;
    size_t nexamples;
    void *priv;                   /* the arena */
};

struct view_samples_opts {
    int64_t worst;   /* the lowest scores (default 2) */
    int64_t random;  /* seeded random draws besides them (default 1) */
    uint64_t seed;   /* the draw: 0, so the same report twice is the same */
};

#define VIEW_SAMPLES_OPTS_INIT { 2, 1, 0 }

/*
 * The chosen examples of x's newest samples set, and every example a note
 * of the period is tied to (note --sample), with those notes. *out is NULL
 * (and 0 returned) when x has no samples; otherwise the caller's, freed
 * with view_exp_samples_free().
 */
int view_exp_samples(const struct view *v, const struct view_exp *x,
                     const struct view_samples_opts *o,
                     struct view_exp_samples **out);

void view_exp_samples_free(struct view_exp_samples *s);

/* The diff of a group's best run against its baseline, for renderers. */
struct view_samples_cmp {
    const char *tag;                    /* the group: experiments with it */
    const struct view_exp *baseline;    /* tagged baseline, named so, or the
                                           group's first */
    const struct view_exp *best;        /* highest mean sample score */
    struct view_samples_set set_a, set_b;
    struct view_samples_diff diff;
    struct view_example *a, *b;         /* the top pairs' rows, npairs each */
};

struct view_samples_cmps {
    struct view_samples_cmp *items;
    size_t len;
    void *priv;
};

/* For each tag shared by two or more touched experiments with samples:
 * best against baseline, with the `limit` largest changes. */
int view_samples_compare(const struct view *v, size_t limit,
                         struct view_samples_cmps *out);

void view_samples_cmps_release(struct view_samples_cmps *c);

#endif
