/* SPDX-License-Identifier: MIT */
/* The comparison table (see compare.h). */
#include "view/compare.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "view/samples.h"
#include "util/num.h"
#include "util/xalloc.h"

#define COMPARE_MAX_KEYS 16
#define COMPARE_MAX_METRICS 8

/* The key metrics of x: its headline results, then its loss (loss and
 * accuracy can disagree, so the loss is never left out). */
static size_t key_metrics(const struct view_exp *x, const char **names)
{
    size_t n = view_pick_metrics(x, VIEW_PICK_NO_LOSS, names, 2), i;

    for (i = 0; i < x->nmetrics; i++)
        if (x->metrics[i].info.role == METRIC_LOSS) {
            names[n++] = x->metrics[i].name;
            break;
        }
    return n;
}

/* Whether x joins row: the same setting as its first run, a seed telling
 * them apart, the same mode. */
static int joins(const struct compare_row *row, const struct view_exp *x)
{
    const struct view_exp *y = row->runs[0];
    const struct model_run *pair[2] = { &y->run, &x->run };

    return y->confirm == x->confirm && model_same_setting(&y->run, &x->run)
           && model_seed_param(pair, 2) != NULL;
}

/* The examples behind a run's value of metric m: its n_from metric, else
 * a metric called n_examples or n; NaN when none. */
static double examples_of(const struct view_exp *x, const struct metric_info *m)
{
    static const char *const names[] = { "n_examples", "n" };
    const struct view_metric *n = NULL;
    size_t i;

    if (m->n_from)
        n = view_exp_metric(x, m->n_from);
    for (i = 0; !n && i < 2; i++)
        n = view_exp_metric(x, names[i]);
    return n && n->count && isfinite(n->last) && n->last > 0 ? n->last : NAN;
}

void compare_cell_fill(struct compare_cell *c, struct view_exp *const *runs,
                       size_t n, const char *metric,
                       const struct metric_info *info, size_t *broken_out)
{
    size_t i;

    memset(c, 0, sizeof(*c));
    view_summary_last(&c->s, runs, n, metric, broken_out);
    c->lo = c->hi = NAN;
    c->examples = NAN;
    c->last = NAN;
    c->ci = COMPARE_CI_NONE;
    for (i = 0; i < n; i++) {
        const struct view_metric *m = view_exp_metric(runs[i], metric);
        double e;

        if (!m || !m->count || view_exp_broken(runs[i]))
            continue;
        e = examples_of(runs[i], info);
        if (!isnan(e) && (isnan(c->examples) || e < c->examples))
            c->examples = e;
    }
    if (n == 1) {
        const struct view_metric *m = view_exp_metric(runs[0], metric);

        c->has_last = m && m->count;
        c->last = c->has_last ? m->last : NAN;
    }
    c->small_n = !isnan(c->examples) && c->examples < STATS_MIN_EXAMPLES;
    if (c->s.n >= 2) {
        stats_mean_ci(&c->lo, &c->hi, c->s.mean, c->s.sd, c->s.n,
                      MODEL_LEVEL);
        c->ci = COMPARE_CI_T;
    } else if (c->s.n == 1 && !isnan(c->examples)
               && info->role != METRIC_LOSS && c->s.mean >= 0
               && c->s.mean <= 1) {
        stats_wilson(&c->lo, &c->hi, c->s.mean, c->examples, MODEL_LEVEL);
        c->ci = COMPARE_CI_WILSON;
    }
}

/* Whether row a sorts before row b by the first metric: values before
 * none, better before worse, else the order they came in. */
static int before(const struct compare_table *t, const struct compare_row *a,
                  const struct compare_row *b)
{
    const struct model_summary *sa = &a->cells[0].s, *sb = &b->cells[0].s;

    if (!t->nmetrics || (sa->n == 0) != (sb->n == 0))
        return t->nmetrics && sa->n > 0;
    if (sa->n == 0)
        return 0;
    return metric_better(&t->info[0], sa->mean, sb->mean);
}

static void sort_rows(struct compare_table *t)
{
    size_t i, j;

    /* Insertion sort: stable, and the rows are few or already close to
     * order. */
    for (i = 1; i < t->nrows; i++) {
        struct compare_row r = t->rows[i];

        for (j = i; j > 0 && before(t, &r, &t->rows[j - 1]); j--)
            t->rows[j] = t->rows[j - 1];
        t->rows[j] = r;
    }
}

static void mark_best(struct compare_table *t)
{
    size_t k, i;

    if (t->nrows < 2)
        return;
    for (k = 0; k < t->nmetrics; k++) {
        struct compare_cell *best = NULL;
        int tie = 0;

        for (i = 0; i < t->nrows; i++) {
            struct compare_cell *c = &t->rows[i].cells[k];

            if (!c->s.n)
                continue;
            if (best && c->s.mean == best->s.mean)
                tie = 1;
            else if (!best || metric_better(&t->info[k], c->s.mean,
                                            best->s.mean)) {
                best = c;
                tie = 0;
            }
        }
        if (best && !tie)
            best->best = 1;
    }
}

/* The paired test of r's samples against the baseline's, when both lone
 * runs have scored samples sharing examples. No samples is no test, not
 * an error. */
static int paired_with_base(struct compare_row *r, const struct view *v,
                            const struct compare_row *b)
{
    struct arena a = ARENA_INIT;
    struct view_samples_set sa, sb;
    struct view_samples_diff d;
    int rc;

    if (r->n != 1 || b->n != 1)
        return 0;
    memset(&d, 0, sizeof(d));
    rc = view_samples_latest(v->store, &a, b->runs[0]->id, b->runs[0]->name,
                             &sa);
    if (rc == 0)
        rc = view_samples_latest(v->store, &a, r->runs[0]->id,
                                 r->runs[0]->name, &sb);
    if (rc == LL_ENOTFOUND) {
        ll_error_clear();
        rc = 0;
        goto cleanup;
    }
    if (rc || !sa.scored || !sb.scored)
        goto cleanup;
    rc = view_samples_diff(v->store, &sa, &sb, NULL, 0, &d);
    if (rc == 0 && d.scored >= 2) {
        r->has_paired = 1;
        r->paired = d.paired;
        r->paired_only = d.only_a + d.only_b;
    }
cleanup:
    view_samples_diff_release(&d);
    arena_release(&a);
    return rc;
}

static void compare_with_base(struct compare_table *t)
{
    const struct compare_row *b = t->base;
    size_t i, k;

    for (i = 0; i < t->nrows; i++) {
        struct compare_row *r = &t->rows[i];

        r->verdict = r->confirm || !b || r == b ? VERDICT_NONE
                                                : VERDICT_EXPLORATORY;
        if (!b || r == b)
            continue;
        for (k = 0; k < t->nmetrics; k++) {
            struct compare_cell *c = &r->cells[k];
            const struct compare_cell *bc = &b->cells[k];

            if (!c->s.n || !bc->s.n)
                continue;
            c->has_delta = 1;
            if (c->ci == COMPARE_CI_WILSON && bc->ci == COMPARE_CI_WILSON) {
                /* One eval each on counted examples: the examples are the
                 * samples. */
                stats_two_prop(&c->delta, bc->s.mean, bc->examples,
                               c->s.mean, c->examples, MODEL_LEVEL);
                c->delta_prop = 1;
                continue;
            }
            stats_welch(&c->delta, bc->s.mean, bc->s.n > 1 ? bc->s.sd : NAN,
                        bc->s.n, c->s.mean, c->s.n > 1 ? c->s.sd : NAN,
                        c->s.n, MODEL_LEVEL);
        }
        if (t->nmetrics && r->cells[0].has_delta)
            r->verdict = model_verdict(r->confirm, &r->cells[0].delta,
                                       t->info[0].lower);
        else if (t->nmetrics && r->confirm)
            r->verdict = VERDICT_UNTESTED;
    }
}

int compare_build(struct compare_table *out, struct view *v,
                  struct view_exp *const *exps, size_t n,
                  const struct view_exp *baseline,
                  const char *const *metrics, size_t nm)
{
    size_t i;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    for (i = 0; rc == 0 && i < n; i++)
        rc = view_exp_metrics(v, exps[i]);
    if (rc)
        return rc;
    return compare_table_of(out, v, (const struct view_exp *const *)exps, n,
                            baseline, metrics, nm);
}

int compare_table_of(struct compare_table *out, const struct view *v,
                     const struct view_exp *const *cexps, size_t n,
                     const struct view_exp *baseline,
                     const char *const *metrics, size_t nm)
{
    /* The table only reads the experiments; rows hold them as the view's
     * own (non-const) pointers for view_summary_last(). */
    struct view_exp *const *exps = (struct view_exp *const *)(void *)cexps;
    const struct model_run **runs = NULL;
    const char *picked[COMPARE_MAX_METRICS];
    const char *keys[COMPARE_MAX_KEYS];
    size_t i, j, k;

    memset(out, 0, sizeof(*out));
    /* The metrics: those named, each in some experiment, or the key
     * metrics of the first run that has results. */
    if (nm > COMPARE_MAX_METRICS)
        return ll_error(LL_EUSAGE, "at most %d metrics", COMPARE_MAX_METRICS);
    for (k = 0; k < nm; k++) {
        for (i = 0; i < n && !view_exp_metric(exps[i], metrics[k]); i++)
            ;
        if (i == n)
            return ll_error(LL_EINPUT, "no experiment compared has a metric "
                            "'%s'", metrics[k]);
        picked[k] = metrics[k];
    }
    for (i = 0; nm == 0 && i < n; i++)
        nm = key_metrics(exps[i], picked);
    out->nmetrics = nm;
    out->metrics = xcalloc(nm + 1, sizeof(*out->metrics));
    out->info = xcalloc(nm + 1, sizeof(*out->info));
    for (k = 0; k < nm; k++) {
        out->metrics[k] = picked[k];
        view_metric_info(v, picked[k], &out->info[k]);
    }

    /* The rows: one per setting, seeds together. */
    out->rows = xcalloc(n + 1, sizeof(*out->rows));
    for (i = 0; i < n; i++) {
        struct compare_row *row = NULL;

        for (j = 0; j < out->nrows && !row; j++)
            if (joins(&out->rows[j], exps[i]))
                row = &out->rows[j];
        if (!row) {
            row = &out->rows[out->nrows++];
            row->runs = xcalloc(n + 1, sizeof(*row->runs));
            row->confirm = exps[i]->confirm;
        }
        row->runs[row->n++] = exps[i];
    }
    out->nruns = n;

    /* The params that differ, over every run. */
    runs = xcalloc(n + 1, sizeof(*runs));
    for (i = 0; i < n; i++)
        runs[i] = &exps[i]->run;
    out->nkeys = n > 1 ? model_varying(runs, n, 0, keys, COMPARE_MAX_KEYS)
                       : 0;
    out->keys = xcalloc(out->nkeys + 1, sizeof(*out->keys));
    memcpy(out->keys, keys, out->nkeys * sizeof(*keys));
    out->seed = model_seed_param(runs, n);

    for (i = 0; i < out->nrows; i++) {
        struct compare_row *row = &out->rows[i];
        const struct model_run **rr = xcalloc(row->n + 1, sizeof(*rr));
        char name[256];

        for (j = 0; j < row->n; j++)
            rr[j] = &row->runs[j]->run;
        model_sort_runs(rr, row->n, NULL);
        for (j = 0; j < row->n; j++)
            row->runs[j] = (struct view_exp *)(void *)((char *)(void *)rr[j]
                           - offsetof(struct view_exp, run));
        model_common_name(name, sizeof(name), rr, row->n);
        row->label = xstrdup(row->n == 1 || !*name ? row->runs[0]->name
                                                   : name);
        free(rr);
        row->values = xcalloc(out->nkeys + 1, sizeof(*row->values));
        for (k = 0; k < out->nkeys; k++)
            row->values[k] = view_exp_param(row->runs[0], out->keys[k]);
        row->cells = xcalloc(nm + 1, sizeof(*row->cells));
        for (k = 0; k < nm; k++)
            compare_cell_fill(&row->cells[k], row->runs, row->n,
                              out->metrics[k], &out->info[k], &row->broken);
        for (j = 0; j < row->n; j++)
            if (row->runs[j] == baseline)
                row->baseline = 1;
    }
    sort_rows(out);
    for (i = 0; i < out->nrows; i++)
        if (out->rows[i].baseline)
            out->base = &out->rows[i];
    compare_with_base(out);
    for (i = 0; out->base && i < out->nrows; i++)
        if (&out->rows[i] != out->base) {
            int prc = paired_with_base(&out->rows[i], v, out->base);

            if (prc) {
                free(runs);
                return prc;
            }
        }
    mark_best(out);
    free(runs);
    return 0;
}

void compare_release(struct compare_table *t)
{
    size_t i;

    for (i = 0; i < t->nrows; i++) {
        free(t->rows[i].label);
        free(t->rows[i].runs);
        free(t->rows[i].values);
        free(t->rows[i].cells);
    }
    free(t->rows);
    free(t->keys);
    free(t->metrics);
    free(t->info);
    memset(t, 0, sizeof(*t));
}

/* ---- as people and scripts read it ------------------------------------ */

static json_t *num(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

json_t *compare_json(const struct compare_table *t)
{
    json_t *o = json_object(), *metrics = json_array(), *keys = json_array();
    json_t *rows = json_array();
    char text[COMPARE_TEXT_SIZE];
    size_t i, j, k;

    for (k = 0; k < t->nmetrics; k++)
        json_array_append_new(metrics, json_pack(
            "{s:s, s:s, s:b}", "name", t->metrics[k], "role",
            metric_role_name(t->info[k].role), "lower", t->info[k].lower));
    for (k = 0; k < t->nkeys; k++)
        json_array_append_new(keys, json_string(t->keys[k]));
    json_object_set_new(o, "metrics", metrics);
    json_object_set_new(o, "keys", keys);
    json_object_set_new(o, "baseline", t->base ? json_string(t->base->label)
                                               : json_null());
    json_object_set_new(o, "level", json_real(MODEL_LEVEL));
    json_object_set_new(o, "runs", json_integer((json_int_t)t->nruns));
    for (i = 0; i < t->nrows; i++) {
        const struct compare_row *r = &t->rows[i];
        json_t *row = json_object(), *members = json_array();
        json_t *params = json_object(), *cells = json_array();
        json_t *failed = json_array();

        for (j = 0; j < r->n; j++) {
            json_array_append_new(members, json_string(r->runs[j]->name));
            if (view_exp_broken(r->runs[j]))
                json_array_append_new(failed,
                                      json_string(r->runs[j]->name));
        }
        for (k = 0; k < t->nkeys; k++)
            json_object_set_new(params, t->keys[k],
                                r->values[k] ? json_string(r->values[k])
                                             : json_null());
        for (k = 0; k < t->nmetrics; k++) {
            const struct compare_cell *c = &r->cells[k];
            json_t *cell = json_object();

            json_object_set_new(cell, "metric", json_string(t->metrics[k]));
            json_object_set_new(cell, "n", json_integer((json_int_t)c->s.n));
            json_object_set_new(cell, "mean", c->s.n ? num(c->s.mean)
                                                     : json_null());
            json_object_set_new(cell, "sd", c->s.n > 1 ? num(c->s.sd)
                                                       : json_null());
            json_object_set_new(cell, "lo", num(c->lo));
            json_object_set_new(cell, "hi", num(c->hi));
            json_object_set_new(cell, "ci", c->ci == COMPARE_CI_T
                                ? json_string("t")
                                : c->ci == COMPARE_CI_WILSON
                                ? json_string("wilson") : json_null());
            json_object_set_new(cell, "examples", num(c->examples));
            json_object_set_new(cell, "small_n", json_boolean(c->small_n));
            json_object_set_new(cell, "best", json_boolean(c->best));
            json_object_set_new(cell, "text",
                                json_string(compare_cell_text(text, r, k)));
            if (c->has_delta) {
                json_t *d = json_object();

                json_object_set_new(d, "diff", num(c->delta.diff));
                if (r->confirm) {
                    json_object_set_new(d, "lo", num(c->delta.lo));
                    json_object_set_new(d, "hi", num(c->delta.hi));
                    json_object_set_new(d, "se", num(c->delta.se));
                    json_object_set_new(d, "test", json_string(
                        c->delta_prop ? "two-proportion z" : "welch"));
                    json_object_set_new(d, "df", num(c->delta.df));
                    json_object_set_new(d, "t", num(c->delta.t));
                    json_object_set_new(d, "p", isnan(c->delta.p)
                                        ? json_null() : json_real(c->delta.p));
                }
                json_object_set_new(d, "text", json_string(
                    compare_delta_text(text, r, k)));
                json_object_set_new(cell, "delta", d);
            }
            json_array_append_new(cells, cell);
        }
        json_object_set_new(row, "label", json_string(r->label));
        json_object_set_new(row, "mode", json_string(r->confirm ? "confirm"
                                                                : "explore"));
        json_object_set_new(row, "baseline", json_boolean(r->baseline));
        json_object_set_new(row, "members", members);
        json_object_set_new(row, "failed", failed);
        json_object_set_new(row, "params", params);
        json_object_set_new(row, "cells", cells);
        if (r->has_paired) {
            json_t *pt = json_object();

            json_object_set_new(pt, "n", json_integer((json_int_t)r->paired.n));
            json_object_set_new(pt, "mean", num(r->paired.mean));
            json_object_set_new(pt, "lo", num(r->paired.lo));
            json_object_set_new(pt, "hi", num(r->paired.hi));
            if (r->confirm) {
                json_object_set_new(pt, "t", num(r->paired.t));
                json_object_set_new(pt, "p", isnan(r->paired.p) ? json_null()
                                    : json_real(r->paired.p));
            }
            json_object_set_new(pt, "only_one", json_integer(
                (json_int_t)r->paired_only));
            json_object_set_new(pt, "text", json_string(
                compare_paired_text(text, r)));
            json_object_set_new(row, "paired", pt);
        }
        compare_verdict_text(text, t, r);
        json_object_set_new(row, "verdict", *text ? json_string(text)
                                                  : json_null());
        json_array_append_new(rows, row);
    }
    json_object_set_new(o, "rows", rows);
    return o;
}

char *compare_verdict_text(char *out, const struct compare_table *t,
                           const struct compare_row *row)
{
    size_t len;

    model_verdict_text(out, COMPARE_TEXT_SIZE, row->verdict,
                       t->nmetrics ? row->cells[0].delta.p : NAN);
    len = strlen(out);
    /* A test over the seeds that survived is not over the setting. */
    if (row->broken && row->verdict >= VERDICT_UNTESTED
        && row->verdict != VERDICT_EXPLORATORY)
        snprintf(out + len, COMPARE_TEXT_SIZE - len, "; %zu of %zu seeds "
                 "failed, left out", row->broken, row->n);
    return out;
}

/* Appends s to out[0..COMPARE_TEXT_SIZE). */
static void put(char *out, const char *s)
{
    size_t len = strlen(out), add = strlen(s);

    if (add > COMPARE_TEXT_SIZE - 1 - len)
        add = COMPARE_TEXT_SIZE - 1 - len;
    memcpy(out + len, s, add);
    out[len + add] = '\0';
}

char *compare_cell_text(char *out, const struct compare_row *row,
                        size_t metric)
{
    return compare_cell_format(out, &row->cells[metric]);
}

char *compare_cell_format(char *out, const struct compare_cell *c)
{
    char pm[NUM_TEXT_SIZE], ci[NUM_CI_SIZE];

    out[0] = '\0';
    if (!c->s.n) {
        /* A lone failed or diverged run shows what it reached. */
        put(out, c->has_last ? num_format(pm, c->last) : "\xe2\x80\x93");
        return out;
    }
    if (c->ci == COMPARE_CI_T)
        put(out, num_format_pm_ci(ci, c->s.mean, c->s.sd, c->lo, c->hi));
    else
        put(out, num_format_ci(ci, c->s.mean, c->lo, c->hi, 0));
    if (c->small_n)
        put(out, " n < 300");
    return out;
}

char *compare_delta_text(char *out, const struct compare_row *row,
                         size_t metric)
{
    const struct compare_cell *c = &row->cells[metric];
    char ci[NUM_CI_SIZE];

    out[0] = '\0';
    if (row->baseline)
        put(out, "(baseline)");
    else if (!c->has_delta)
        ;
    else if (row->confirm)
        put(out, num_format_ci(ci, c->delta.diff, c->delta.lo, c->delta.hi,
                               1));
    else
        put(out, num_format_delta(ci, c->delta.diff));
    return out;
}

char *compare_paired_text(char *out, const struct compare_row *row)
{
    char ci[NUM_CI_SIZE], pt[NUM_TEXT_SIZE + 8];
    const struct stats_ttest *p = &row->paired;

    out[0] = '\0';
    if (!row->has_paired)
        return out;
    if (row->confirm)
        snprintf(out, COMPARE_TEXT_SIZE, "%s on %zu examples, %s",
                 num_format_ci(ci, p->mean, p->lo, p->hi, 1), p->n,
                 model_p_text(pt, sizeof(pt), p->p));
    else
        snprintf(out, COMPARE_TEXT_SIZE, "%s on %zu examples",
                 num_format_delta(ci, p->mean), p->n);
    return out;
}

/* ---- the table as a grid, its legend ------------------------------------ */

static int any_paired(const struct compare_table *t)
{
    size_t r;

    for (r = 0; r < t->nrows; r++)
        if (t->rows[r].has_paired)
            return 1;
    return 0;
}

char **compare_grid(const struct compare_table *t, size_t *rows_out,
                    size_t *cols_out)
{
    size_t per = t->base ? 2 : 1, r, k, c, cols, rows;
    int paired = any_paired(t);
    char text[COMPARE_TEXT_SIZE], runs[64], head[COMPARE_TEXT_SIZE];
    char **g;

    cols = 2 + t->nkeys + per * t->nmetrics + (size_t)paired + 1;
    rows = t->nrows + 1;
    g = xcalloc(rows * cols + 1, sizeof(*g));
#define SET(row, s) (g[(row) * cols + c++] = xstrdup(s))
    c = 0;
    SET(0, t->seed ? "setting" : "run");
    for (k = 0; k < t->nkeys; k++)
        SET(0, t->keys[k]);
    SET(0, "runs");
    for (k = 0; k < t->nmetrics; k++) {
        SET(0, t->metrics[k]);
        if (t->base) {
            snprintf(head, sizeof(head), "\xce\x94 %s", t->metrics[k]);
            SET(0, head);
        }
    }
    if (paired)
        SET(0, "\xce\x94 paired (samples)");
    SET(0, "verdict");
    for (r = 0; r < t->nrows; r++) {
        const struct compare_row *row = &t->rows[r];

        c = 0;
        SET(r + 1, row->label);
        for (k = 0; k < t->nkeys; k++)
            SET(r + 1, row->values[k] ? row->values[k] : "-");
        if (row->broken)
            snprintf(runs, sizeof(runs), "%zu (%zu failed)", row->n,
                     row->broken);
        else
            snprintf(runs, sizeof(runs), "%zu", row->n);
        SET(r + 1, runs);
        for (k = 0; k < t->nmetrics; k++) {
            SET(r + 1, compare_cell_text(text, row, k));
            if (t->base)
                SET(r + 1, compare_delta_text(text, row, k));
        }
        if (paired)
            SET(r + 1, row->baseline ? "(baseline)"
                                     : compare_paired_text(text, row));
        SET(r + 1, compare_verdict_text(text, t, row));
    }
#undef SET
    *rows_out = rows;
    *cols_out = cols;
    return g;
}

size_t compare_legend(const struct compare_table *t, char ***lines_out)
{
    size_t k, wilson = 0, tci = 0, small = 0, r, n = 0;
    char **lines = xcalloc(6, sizeof(*lines));
    struct buf b = BUF_INIT;

    for (r = 0; r < t->nrows; r++)
        for (k = 0; k < t->nmetrics; k++) {
            tci += t->rows[r].cells[k].ci == COMPARE_CI_T;
            wilson += t->rows[r].cells[k].ci == COMPARE_CI_WILSON;
            small += (size_t)t->rows[r].cells[k].small_n;
        }
    buf_printf(&b, "%zu run%s in %zu row%s", t->nruns,
               t->nruns == 1 ? "" : "s", t->nrows, t->nrows == 1 ? "" : "s");
    if (t->nmetrics)
        buf_printf(&b, ", best first by %s (%s is better)", t->metrics[0],
                   t->info[0].lower ? "lower" : "higher");
    if (t->base)
        buf_printf(&b, "; baseline %s", t->base->label);
    lines[n++] = buf_detach(&b, NULL);
    if (tci || wilson) {
        buf_puts(&b, "[lo, hi]: 95% interval");
        if (tci)
            buf_puts(&b, " (Student t over seeds)");
        if (wilson)
            buf_puts(&b, tci ? "; Wilson over examples for a lone run"
                             : " (Wilson over examples)");
        lines[n++] = buf_detach(&b, NULL);
    }
    if (t->base)
        lines[n++] = xstrdup("\xce\x94: minus the baseline; confirmatory "
                             "rows: 95% interval and p-value (Welch over "
                             "seeds; two-proportion z for lone runs on "
                             "counted examples); exploratory rows get no "
                             "test");
    if (small)
        lines[n++] = xstrdup("n < 300: fewer than 300 examples behind the "
                             "number");
    if (any_paired(t))
        lines[n++] = xstrdup("\xce\x94 paired: the samples' scores (lablog "
                             "samples add) minus the baseline's, example by "
                             "example: paired t test");
    *lines_out = lines;
    return n;
}

json_t *compare_grid_json(const struct compare_table *t)
{
    json_t *o = json_object(), *head = json_array(), *rows = json_array();
    json_t *legend = json_array();
    char **g, **lines;
    size_t nr, nc, r, c, nl = compare_legend(t, &lines);

    g = compare_grid(t, &nr, &nc);
    for (c = 0; c < nc; c++)
        json_array_append_new(head, json_pack("{s:s}", "text", g[c]));
    for (r = 1; r < nr; r++) {
        json_t *cells = json_array();

        for (c = 0; c < nc; c++)
            json_array_append_new(cells, json_pack("{s:s}", "text",
                                                   g[r * nc + c]));
        json_array_append_new(rows, json_pack("{s:o}", "cells", cells));
    }
    for (r = 0; r < nl; r++) {
        json_array_append_new(legend, json_pack("{s:s}", "text", lines[r]));
        free(lines[r]);
    }
    free(lines);
    for (r = 0; r < nr * nc; r++)
        free(g[r]);
    free(g);
    json_object_set_new(o, "baseline", json_string(t->base ? t->base->label
                                                           : ""));
    json_object_set_new(o, "header", head);
    json_object_set_new(o, "rows", rows);
    json_object_set_new(o, "legend", legend);
    return o;
}
