/* SPDX-License-Identifier: MIT */
/*
 * Reading metric series: which attempt a reader sees, and the points of a
 * series with the newest value of each step.
 *
 * A series is one (experiment, metric, attempt). Readers pick, per metric,
 * the latest attempt that has points (or the attempt asked for), and stream
 * its points in (step, batch) order -- the primary key's order, so no sort
 * -- keeping for each step the value of the newest batch in fold order.
 * Two values for one step are rare (a resumed attempt, two origins), so the
 * fold keys of batches are only looked up when a step repeats.
 *
 * Summaries are computed in the same single pass: count, first and last,
 * minimum and maximum over finite values, and the first non-finite step.
 */
#include "store/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/xalloc.h"

struct fold_key {
    int64_t batch;
    int64_t hlc;
    char origin[27];
    int64_t seq;
    int held;
};

static int fold_key(struct store *s, int64_t batch, struct fold_key *k)
{
    sqlite3_stmt *st = store_stmt(s, STMT_FOLD_KEY);
    int rc;

    memset(k, 0, sizeof(*k));
    k->batch = batch;
    if (!st)
        return LL_EDB;
    sqlite3_bind_int64(st, 1, batch);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        k->held = 1;
        k->hlc = sqlite3_column_int64(st, 0);
        snprintf(k->origin, sizeof(k->origin), "%s",
                 store_column_text(st, 1));
        k->seq = sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? 0
               : store_db_error(s, "cannot read");
}

/* Whether batch b is after batch a in fold order (not held: oldest). */
static int fold_after(const struct fold_key *a, const struct fold_key *b)
{
    int c;

    if (a->held != b->held)
        return b->held;
    if (a->hlc != b->hlc)
        return b->hlc > a->hlc;
    c = strcmp(a->origin, b->origin);
    if (c)
        return c < 0;
    if (a->seq != b->seq)
        return b->seq > a->seq;
    return b->batch > a->batch;
}

struct point_row {
    int64_t step;
    double value;
    int64_t ts;
    int64_t batch;
};

static double column_value(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL
               ? NAN
               : sqlite3_column_double(st, col);
}

/* The newest value of one step of series id, in fold order: a step with
 * more than one value (a resumed attempt, two origins) is rare, so the
 * stream reads no batch column and asks here when a step repeats. */
static int newest_of_step(struct store *s, int64_t id, int64_t until,
                          struct point_row *out, int *found)
{
    struct fold_key kp, kr;
    struct point_row row;
    sqlite3_stmt *st = NULL;
    int have = 0;
    int rc = store_prepare(s, "SELECT value, ts, batch FROM point WHERE "
                              "series = ?1 AND step = ?2 AND (?3 = 0 OR "
                              "ts < ?3) ORDER BY batch", &st);

    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, out->step);
    sqlite3_bind_int64(st, 3, until);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        row.step = out->step;
        row.value = column_value(st, 0);
        row.ts = sqlite3_column_int64(st, 1);
        row.batch = sqlite3_column_int64(st, 2);
        if (!have) {
            rc = fold_key(s, row.batch, &kp);
            if (rc)
                goto cleanup;
            *out = row;
            have = 1;
            continue;
        }
        rc = fold_key(s, row.batch, &kr);
        if (rc)
            goto cleanup;
        if (fold_after(&kp, &kr)) {
            *out = row;
            kp = kr;
        }
    }
    rc = rc == SQLITE_DONE ? 0 : store_db_error(s, "cannot read");
cleanup:
    sqlite3_finalize(st);
    if (found)
        *found = have;
    return rc;
}

/*
 * Streams the points of series id (ts < until when until is not 0), one
 * per step -- the newest -- in step order. Without want_ts, ts is passed
 * as 0 (a chart against steps reads two columns, not four).
 */
static int stream_series(struct store *s, int64_t id, int64_t until,
                         int want_ts, store_point_fn *fn, void *ctx)
{
    struct point_row pend = { 0 }, row = { 0 };
    sqlite3_stmt *st = NULL;
    int have = 0, dup = 0;
    int rc = store_prepare(s, until ? "SELECT step, value, ts FROM point "
                                      "WHERE series = ?1 AND ts < ?2 "
                                      "ORDER BY step, batch"
                           : want_ts ? "SELECT step, value, ts FROM point "
                                       "WHERE series = ?1 ORDER BY step, "
                                       "batch"
                                     : "SELECT step, value FROM point "
                                       "WHERE series = ?1 ORDER BY step, "
                                       "batch", &st);

    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    if (until)
        sqlite3_bind_int64(st, 2, until);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        row.step = sqlite3_column_int64(st, 0);
        if (have && row.step == pend.step) {
            dup = 1; /* resolved when the step ends */
            continue;
        }
        row.value = column_value(st, 1);
        row.ts = want_ts || until ? sqlite3_column_int64(st, 2) : 0;
        if (have) {
            rc = dup ? newest_of_step(s, id, until, &pend, NULL) : 0;
            if (rc == 0)
                rc = fn(ctx, pend.step, pend.value,
                        want_ts ? pend.ts : 0);
            if (rc)
                goto cleanup;
        }
        pend = row;
        have = 1;
        dup = 0;
    }
    if (rc != SQLITE_DONE) {
        rc = store_db_error(s, "cannot read");
        goto cleanup;
    }
    rc = 0;
    if (have && dup)
        rc = newest_of_step(s, id, until, &pend, NULL);
    if (rc == 0 && have)
        rc = fn(ctx, pend.step, pend.value, want_ts ? pend.ts : 0);
cleanup:
    sqlite3_finalize(st);
    return rc;
}

/* ---- which attempt --------------------------------------------------- */

struct attempt_list {
    char (*uids)[27];
    size_t len, cap;
};

static int collect_attempt(void *ctx, const struct store_attempt *a)
{
    struct attempt_list *l = ctx;

    XGROW(l->uids, l->len + 1, l->cap);
    snprintf(l->uids[l->len++], 27, "%s", a->uid);
    return 0;
}

/* The number of attempt uid in l (1-based), 0 when not in it. */
static int attempt_number(const struct attempt_list *l, const char *uid)
{
    size_t i;

    for (i = 0; i < l->len; i++)
        if (strcmp(l->uids[i], uid) == 0)
            return (int)i + 1;
    return 0;
}

struct candidate {
    int64_t id;   /* series.id */
    int number;   /* its attempt's number */
    char uid[27]; /* its attempt's uid */
};

static int cand_cmp(const void *pa, const void *pb)
{
    const struct candidate *a = pa, *b = pb;

    return a->number - b->number;
}

struct series_set {
    char *name;
    struct candidate *c;
    size_t len, cap;
};

struct series_sets {
    struct series_set *items;
    size_t len, cap;
};

static void sets_release(struct series_sets *sets)
{
    size_t i;

    for (i = 0; i < sets->len; i++) {
        free(sets->items[i].name);
        free(sets->items[i].c);
    }
    free(sets->items);
}

/* The series of exp (of metric only, when not NULL), grouped by metric in
 * name order, each group's attempts in fold order. */
static int series_sets(struct store *s, int64_t exp, const char *metric,
                       struct attempt_list *attempts, struct series_sets *out)
{
    char exp_uid[27];
    sqlite3_stmt *st = NULL;
    size_t i;
    int rc = store_uid_of(s, exp, exp_uid);

    if (rc == 0)
        rc = store_attempt_uids(s, exp, collect_attempt, attempts);
    if (rc == 0)
        rc = store_prepare(s, "SELECT id, name, attempt FROM series WHERE "
                              "exp_uid = ?1 AND (?2 IS NULL OR name = ?2) "
                              "ORDER BY name", &st);
    if (rc)
        return rc;
    store_bind_text(st, 1, exp_uid);
    if (metric)
        store_bind_text(st, 2, metric);
    else
        sqlite3_bind_null(st, 2);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = store_column_text(st, 1);
        struct series_set *set = out->len ? &out->items[out->len - 1] : NULL;
        struct candidate *c;

        if (!set || strcmp(set->name, name) != 0) {
            XGROW(out->items, out->len + 1, out->cap);
            set = &out->items[out->len++];
            memset(set, 0, sizeof(*set));
            set->name = xstrdup(name);
        }
        XGROW(set->c, set->len + 1, set->cap);
        c = &set->c[set->len++];
        c->id = sqlite3_column_int64(st, 0);
        snprintf(c->uid, sizeof(c->uid), "%s", store_column_text(st, 2));
        c->number = attempt_number(attempts, c->uid);
    }
    rc = rc == SQLITE_DONE ? 0 : store_db_error(s, "cannot read");
    sqlite3_finalize(st);
    for (i = 0; i < out->len; i++)
        qsort(out->items[i].c, out->items[i].len, sizeof(struct candidate),
              cand_cmp);
    return rc;
}

static int has_points(struct store *s, int64_t id, int64_t until, int *out)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT EXISTS (SELECT 1 FROM point WHERE "
                              "series = ?1 AND (?2 = 0 OR ts < ?2))", &st);

    *out = 0;
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, until);
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    else
        rc = store_db_error(s, "cannot read");
    sqlite3_finalize(st);
    return rc;
}

/* The candidate of set a read of `attempt` uses, or NULL. */
static int choose(struct store *s, const struct series_set *set, int attempt,
                  int64_t until, const struct candidate **out)
{
    size_t i;
    int rc = 0;

    *out = NULL;
    for (i = set->len; i-- > 0;) {
        const struct candidate *c = &set->c[i];
        int any = 0;

        if (attempt > 0) {
            if (c->number == attempt)
                *out = c;
            continue;
        }
        rc = has_points(s, c->id, until, &any);
        if (rc || any) {
            *out = rc ? NULL : c;
            return rc;
        }
    }
    return rc;
}

/* ---- summaries ------------------------------------------------------- */

static int is_finite(double v)
{
    return !isnan(v) && !isinf(v);
}

static int summary_add(void *ctx, int64_t step, double value, int64_t ts)
{
    struct series_summary *sum = ctx;

    if (sum->count == 0) {
        sum->first_step = step;
        sum->first = value;
        sum->first_ts = ts;
    }
    sum->count++;
    sum->last_step = step;
    sum->last = value;
    sum->last_ts = ts;
    if (!is_finite(value)) {
        if (sum->nonfinite++ == 0)
            sum->nonfinite_step = step;
        return 0;
    }
    if (isnan(sum->min) || value < sum->min) {
        sum->min = value;
        sum->min_step = step;
    }
    if (isnan(sum->max) || value > sum->max) {
        sum->max = value;
        sum->max_step = step;
    }
    return 0;
}

static int summarize(struct store *s, int64_t exp, const char *name,
                     const struct candidate *c, int64_t until,
                     store_series_fn *fn, void *ctx)
{
    struct series_summary sum;
    int rc;

    memset(&sum, 0, sizeof(sum));
    sum.name = name;
    sum.exp = exp;
    sum.attempt = c->uid;
    sum.attempt_number = c->number;
    sum.min = sum.max = NAN;
    rc = stream_series(s, c->id, until, 1, summary_add, &sum);
    if (rc == 0 && sum.count > 0)
        rc = fn(ctx, &sum);
    return rc;
}

/*
 * One pass over the points of candidate c (ts < until) for both the
 * summary at until and the one at since (ts < since), so a period's view
 * reads each series once, not twice; the second pass used to scan a whole
 * series to learn it had no point before the period.
 */
static int summarize_period(struct store *s, const struct candidate *c,
                            int64_t since, int64_t until,
                            struct series_summary *sum,
                            struct series_summary *prev)
{
    struct point_row pend = { 0 }, row = { 0 };
    sqlite3_stmt *st = NULL;
    int have = 0, dup = 0;
    int rc = store_prepare(s, "SELECT step, value, ts FROM point WHERE "
                              "series = ?1 AND (?2 = 0 OR ts < ?2) ORDER BY "
                              "step, batch", &st);

    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, c->id);
    sqlite3_bind_int64(st, 2, until);
    for (;;) {
        int more = (rc = sqlite3_step(st)) == SQLITE_ROW;

        if (more) {
            row.step = sqlite3_column_int64(st, 0);
            if (have && row.step == pend.step) {
                dup = 1;
                continue;
            }
            row.value = column_value(st, 1);
            row.ts = sqlite3_column_int64(st, 2);
        } else if (rc != SQLITE_DONE) {
            rc = store_db_error(s, "cannot read");
            break;
        }
        rc = 0;
        if (have && dup) {
            struct point_row old = pend;
            int found = 0;

            rc = newest_of_step(s, c->id, until, &pend, NULL);
            if (rc == 0 && since)
                rc = newest_of_step(s, c->id, since, &old, &found);
            if (rc)
                break;
            summary_add(sum, pend.step, pend.value, pend.ts);
            if (found)
                summary_add(prev, old.step, old.value, old.ts);
        } else if (have) {
            summary_add(sum, pend.step, pend.value, pend.ts);
            if (since && pend.ts < since)
                summary_add(prev, pend.step, pend.value, pend.ts);
        }
        if (!more)
            break;
        pend = row;
        have = 1;
        dup = 0;
    }
    sqlite3_finalize(st);
    return rc;
}

static void summary_start(struct series_summary *sum, int64_t exp,
                          const char *name, const struct candidate *c)
{
    memset(sum, 0, sizeof(*sum));
    sum->name = name;
    sum->exp = exp;
    sum->attempt = c->uid;
    sum->attempt_number = c->number;
    sum->min = sum->max = NAN;
}

/* The summaries of one candidate at until, with its state at since. */
static int summarize_both(struct store *s, int64_t exp,
                          const struct series_set *set, size_t at,
                          int latest, int64_t since, int64_t until,
                          store_series_fn *fn, void *ctx)
{
    const struct candidate *c = &set->c[at];
    struct series_summary sum, prev;
    size_t i;
    int rc;

    summary_start(&sum, exp, set->name, c);
    summary_start(&prev, exp, set->name, c);
    rc = summarize_period(s, c, since, until, &sum, &prev);
    /* Before the period, the latest attempt may have been an older one
     * (an attempt started in the period): rare, read as before. */
    for (i = at; rc == 0 && latest && since && prev.count == 0 && i-- > 0;) {
        int any = 0;

        rc = has_points(s, set->c[i].id, since, &any);
        if (rc == 0 && any) {
            summary_start(&prev, exp, set->name, &set->c[i]);
            rc = stream_series(s, set->c[i].id, since, 1, summary_add,
                               &prev);
            break;
        }
    }
    if (rc || sum.count == 0)
        return rc;
    sum.has_prev = prev.count > 0;
    sum.prev_last = prev.last;
    sum.prev_count = prev.count;
    return fn(ctx, &sum);
}

int store_series_period(struct store *s, int64_t exp, int attempt,
                        int64_t since, int64_t until, store_series_fn *fn,
                        void *ctx)
{
    struct attempt_list attempts = { 0 };
    struct series_sets sets = { 0 };
    size_t i, j;
    int rc = series_sets(s, exp, NULL, &attempts, &sets);

    for (i = 0; rc == 0 && i < sets.len; i++) {
        const struct series_set *set = &sets.items[i];
        const struct candidate *c = NULL;

        if (attempt == STORE_ATTEMPT_ALL) {
            for (j = 0; rc == 0 && j < set->len; j++)
                rc = summarize_both(s, exp, set, j, 0, since, until, fn,
                                    ctx);
            continue;
        }
        rc = choose(s, set, attempt, until, &c);
        if (rc == 0 && c)
            rc = summarize_both(s, exp, set, (size_t)(c - set->c),
                                attempt == STORE_ATTEMPT_LATEST, since,
                                until, fn, ctx);
    }
    sets_release(&sets);
    free(attempts.uids);
    return rc;
}

int store_series_attempt(struct store *s, int64_t exp, int attempt,
                         int64_t until, store_series_fn *fn, void *ctx)
{
    struct attempt_list attempts = { 0 };
    struct series_sets sets = { 0 };
    size_t i, j;
    int rc = series_sets(s, exp, NULL, &attempts, &sets);

    for (i = 0; rc == 0 && i < sets.len; i++) {
        const struct series_set *set = &sets.items[i];
        const struct candidate *c = NULL;

        if (attempt == STORE_ATTEMPT_ALL) {
            for (j = 0; rc == 0 && j < set->len; j++)
                rc = summarize(s, exp, set->name, &set->c[j], until, fn, ctx);
            continue;
        }
        rc = choose(s, set, attempt, until, &c);
        if (rc == 0 && c)
            rc = summarize(s, exp, set->name, c, until, fn, ctx);
    }
    sets_release(&sets);
    free(attempts.uids);
    return rc;
}

int store_series_list(struct store *s, int64_t exp, store_series_fn *fn,
                      void *ctx)
{
    struct attempt_list attempts = { 0 };
    struct series_sets sets = { 0 };
    size_t i, j;
    int rc = series_sets(s, exp, NULL, &attempts, &sets);

    for (i = 0; rc == 0 && i < sets.len; i++) {
        const struct series_set *set = &sets.items[i];

        for (j = 0; rc == 0 && j < set->len; j++) {
            struct series_summary sum;
            int any = 0;

            rc = has_points(s, set->c[j].id, 0, &any);
            if (rc || !any)
                continue;
            summary_start(&sum, exp, set->name, &set->c[j]);
            rc = fn(ctx, &sum);
        }
    }
    sets_release(&sets);
    free(attempts.uids);
    return rc;
}

int store_series_until(struct store *s, int64_t exp, int64_t until,
                       store_series_fn *fn, void *ctx)
{
    return store_series_attempt(s, exp, STORE_ATTEMPT_LATEST, until, fn, ctx);
}

int store_series(struct store *s, int64_t exp, store_series_fn *fn, void *ctx)
{
    return store_series_attempt(s, exp, STORE_ATTEMPT_LATEST, 0, fn, ctx);
}

static int points(struct store *s, int64_t exp, const char *metric,
                  int attempt, int want_ts, store_point_fn *fn, void *ctx)
{
    struct attempt_list attempts = { 0 };
    struct series_sets sets = { 0 };
    const struct candidate *c = NULL;
    int rc = series_sets(s, exp, metric, &attempts, &sets);

    if (rc == 0 && sets.len && attempt >= 0)
        rc = choose(s, &sets.items[0], attempt, 0, &c);
    if (rc == 0 && c)
        rc = stream_series(s, c->id, 0, want_ts, fn, ctx);
    sets_release(&sets);
    free(attempts.uids);
    return rc;
}

int store_points_attempt(struct store *s, int64_t exp, const char *metric,
                         int attempt, store_point_fn *fn, void *ctx)
{
    return points(s, exp, metric, attempt, 1, fn, ctx);
}

int store_points_steps(struct store *s, int64_t exp, const char *metric,
                       int attempt, store_point_fn *fn, void *ctx)
{
    return points(s, exp, metric, attempt, 0, fn, ctx);
}

int store_points(struct store *s, int64_t exp, const char *metric,
                 store_point_fn *fn, void *ctx)
{
    return store_points_attempt(s, exp, metric, STORE_ATTEMPT_LATEST, fn, ctx);
}

/* The step (and ts) at one end of series id: two lookups in the point
 * key, no scan. */
static int series_end(struct store *s, int64_t id, int last, int64_t *step,
                      int64_t *ts)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, last ? "SELECT step, ts FROM point WHERE "
                                     "series = ?1 ORDER BY step DESC, "
                                     "batch DESC LIMIT 1"
                                   : "SELECT step, ts FROM point WHERE "
                                     "series = ?1 ORDER BY step, batch "
                                     "LIMIT 1", &st);

    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *step = sqlite3_column_int64(st, 0);
        *ts = sqlite3_column_int64(st, 1);
    }
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE
             ? 0
             : store_db_error(s, "cannot read");
    sqlite3_finalize(st);
    return rc;
}

int store_points_span(struct store *s, int64_t exp, const char *metric,
                      int attempt, struct series_span *out)
{
    struct attempt_list attempts = { 0 };
    struct series_sets sets = { 0 };
    const struct candidate *c = NULL;
    int64_t ts = 0;
    int rc = series_sets(s, exp, metric, &attempts, &sets);

    memset(out, 0, sizeof(*out));
    if (rc == 0 && sets.len && attempt >= 0)
        rc = choose(s, &sets.items[0], attempt, 0, &c);
    if (rc == 0 && c) {
        out->any = 1;
        rc = series_end(s, c->id, 0, &out->first_step, &out->first_ts);
        if (rc == 0)
            rc = series_end(s, c->id, 1, &out->last_step, &ts);
    }
    sets_release(&sets);
    free(attempts.uids);
    return rc;
}

int store_metric_names(struct store *s, store_name_fn *fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT DISTINCT name FROM series ORDER BY "
                              "name", &st);

    if (rc)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = fn(ctx, store_column_text(st, 0));
        if (rc)
            goto cleanup;
    }
    rc = rc == SQLITE_DONE ? 0 : store_db_error(s, "cannot read");
cleanup:
    sqlite3_finalize(st);
    return rc;
}
