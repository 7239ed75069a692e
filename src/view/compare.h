/* SPDX-License-Identifier: MIT */
/*
 * The comparison table: runs, or the seeds of one setting together, side
 * by side with the params that differ among them, their key metrics and
 * the difference from a baseline. `lablog compare` prints it; its JSON is
 * what scripts read.
 *
 * What every number means comes from model/: a row is one setting (runs
 * that differ only in seeds, model/group.h) summarised as mean ± sd over
 * its seeds with a Student t interval (model/stats.h); a lone run whose
 * metric is a proportion measured on a known number of examples gets a
 * Wilson interval instead, and "n < 300" when fewer examples stand behind
 * it; the difference from the baseline row is Welch's; a verdict in words
 * (model/summary.h) only for confirmatory rows, exploratory ones never get
 * a p-value. Failed and diverged runs are counted in their row, never
 * averaged in.
 *
 * Ownership: the table owns its arrays; the experiments and strings it
 * points to are borrowed from the view, which must outlive it.
 */
#ifndef LABLOG_VIEW_COMPARE_H
#define LABLOG_VIEW_COMPARE_H

#include <jansson.h>
#include <stddef.h>

#include "model/stats.h"
#include "model/summary.h"
#include "view/view.h"

/* How a cell's interval was found. */
enum compare_ci {
    COMPARE_CI_NONE,    /* none: one run and no count of examples */
    COMPARE_CI_T,       /* Student t over the seeds of the setting */
    COMPARE_CI_WILSON   /* Wilson, one run's proportion over its examples */
};

struct compare_cell {
    struct model_summary s;  /* the last values over the row's runs */
    enum compare_ci ci;      /* what lo, hi are */
    double lo, hi;           /* the MODEL_LEVEL interval; NaN when none */
    double examples;         /* the fewest examples behind a run's value
                                (metric-info --n-from, or an n_examples or
                                n metric of the run); NaN when unknown */
    int small_n;             /* examples < STATS_MIN_EXAMPLES */
    int has_delta;           /* a baseline exists and both have a value */
    struct stats_welch delta; /* this row minus the baseline: Welch over
                                 seeds, or stats_two_prop() when both are
                                 lone runs with Wilson intervals */
    int delta_prop;          /* delta is stats_two_prop()'s */
    int best;                /* the best value of the column (no ties) */
    int has_last;            /* a lone run with the metric: last is its */
    double last;             /* last value, NaN and inf included */
};

struct compare_row {
    char *label;             /* the run's name, or the seeds' common name
                                (owned) */
    struct view_exp **runs;  /* the setting's runs, by seed (owned array) */
    size_t n;
    size_t broken;           /* of them failed or diverged */
    int confirm;             /* every run is confirmatory */
    int baseline;            /* the baseline row */
    const char **values;     /* per table key: the param's value or NULL
                                (owned array) */
    struct compare_cell *cells; /* per table metric (owned array) */
    enum model_verdict verdict; /* on the first metric */
    int has_paired;          /* this lone run and a lone baseline both have
                                scored samples (lablog samples add) with
                                examples in common: */
    struct stats_ttest paired; /* the paired t test of this row's scores
                                 minus the baseline's, per example */
    int64_t paired_only;     /* examples in one of the two sets only */
};

struct compare_table {
    const char **keys;       /* the params that differ, seeds left out */
    size_t nkeys;
    const char **metrics;    /* the metrics compared, the first ranks */
    size_t nmetrics;
    struct metric_info *info; /* per metric */
    struct compare_row *rows; /* best first by the first metric */
    size_t nrows;
    size_t nruns;            /* experiments in the table */
    const struct compare_row *base; /* the baseline row, or NULL */
    const char *seed;        /* the seed param that varies, or NULL */
};

/*
 * Builds the table of exps[0..n) (distinct experiments; their metric
 * summaries are loaded here) with baseline (one of them, or NULL) and the
 * metrics named (nm of them; 0: the key metrics of the first run with
 * results: its headline results and its loss). Returns 0, or LL_EINPUT
 * when a named metric is in none of the experiments, or a store error.
 * Release with compare_release(), also on failure.
 */
int compare_build(struct compare_table *out, struct view *v,
                  struct view_exp *const *exps, size_t n,
                  const struct view_exp *baseline,
                  const char *const *metrics, size_t nm);

/* The same for experiments whose metric summaries the view already holds
 * (a renderer's const view: the period's runs and their siblings). */
int compare_table_of(struct compare_table *out, const struct view *v,
                     const struct view_exp *const *exps, size_t n,
                     const struct view_exp *baseline,
                     const char *const *metrics, size_t nm);

void compare_release(struct compare_table *t);

/* The table as JSON: "metrics" (name, role, lower), "keys", "baseline",
 * "level", and "rows" with label, mode, members, params, failed, and per
 * metric the mean, sd, n, interval (lo, hi, "ci": "t" or "wilson"),
 * examples, small_n and the delta (diff, lo, hi; df, t and p only for
 * confirmatory rows), and "verdict" in words. Numbers that do not exist
 * are null. */
json_t *compare_json(const struct compare_table *t);

/* Fills c with the last values of metric over runs[0..n) (one run, or
 * the seeds of a setting; info is the metric's): the summary, the
 * interval (t over seeds, Wilson for a lone proportion on counted
 * examples), the examples and the "n < 300" mark; no delta. broken runs
 * are counted in *broken_out (may be NULL). */
void compare_cell_fill(struct compare_cell *c, struct view_exp *const *runs,
                       size_t n, const char *metric,
                       const struct metric_info *info, size_t *broken_out);

/* compare_cell_text() of a cell alone. */
char *compare_cell_format(char *out, const struct compare_cell *c);

/* One cell as people read it: "0.714 ± 0.017 [0.672, 0.755]" (seeds),
 * "0.84 [0.71, 0.92] n < 300" (a proportion on 50 examples), "0.71", "–"
 * (no value), "NaN" (a lone diverged run). out holds COMPARE_TEXT_SIZE. */
#define COMPARE_TEXT_SIZE 160
char *compare_cell_text(char *out, const struct compare_row *row,
                        size_t metric);

/* The row's verdict in words (model_verdict_text()), with "; 1 of 3
 * seeds failed, left out" when a test ran over the survivors only. out
 * holds COMPARE_TEXT_SIZE. */
char *compare_verdict_text(char *out, const struct compare_table *t,
                           const struct compare_row *row);

/* The difference of a cell from the baseline: "+0.035 [+0.001, +0.069]"
 * for a confirmatory row, "+0.035" for an exploratory one, "(baseline)"
 * on the baseline row, "" when there is none. out holds
 * COMPARE_TEXT_SIZE. */
char *compare_delta_text(char *out, const struct compare_row *row,
                         size_t metric);

/* The paired test as people read it: "+0.031 [+0.012, +0.050] on 480
 * examples, p = 0.002" (confirmatory), "+0.031 on 480 examples"
 * (exploratory: no interval, no p), "" without one. out holds
 * COMPARE_TEXT_SIZE. */
char *compare_paired_text(char *out, const struct compare_row *row);

/* The table as a grid of text: a header row ("run"/"setting", the keys,
 * "runs", each metric and its Δ with a baseline, "Δ paired (samples)"
 * when any, "verdict"), then a row per table row, as compare and the
 * report print it. rows x cols strings; free each and the array. */
char **compare_grid(const struct compare_table *t, size_t *rows_out,
                    size_t *cols_out);

/* The legend under the table, one sentence a line without the full stop:
 * counts and order, which intervals, what Δ is, the "n < 300" mark, the
 * paired test. *lines_out and each line are the caller's (free()).
 * Returns how many. */
size_t compare_legend(const struct compare_table *t, char ***lines_out);

/* The grid and legend for templates: "baseline", "header" [{text}],
 * "rows" [{cells: [{text}]}], "legend" [{text}]. */
json_t *compare_grid_json(const struct compare_table *t);

#endif
