/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the store: appending and the hash chain, transactions,
 * metric batches (duplicates, conflicts, NaN), summaries, verify, and the
 * small parsers the command line relies on (KEY=VALUE, numbers).
 */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/kv.h"
#include "util/num.h"

static char path[256];

static struct store *fresh(void)
{
    struct store *s = NULL;

    snprintf(path, sizeof(path), "/tmp/lablog-test-store-%ld.db",
             (long)getpid());
    unlink(path);
    INT_EQ(store_open(&s, path, STORE_CREATE), 0);
    return s;
}

static void cleanup_files(void)
{
    char p[300];

    unlink(path);
    snprintf(p, sizeof(p), "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", path);
    unlink(p);
}

static int64_t append(struct store *s, enum entry_kind kind, const char *title,
                      const char *body, int64_t exp)
{
    struct entry e = { 0 };

    e.kind = kind;
    e.ts = 1795161600000;
    e.author = "ada";
    e.title = title;
    e.body = body;
    e.exp = exp;
    OK(store_begin_write(s) == 0);
    INT_EQ(store_append(s, &e), 0);
    INT_EQ(store_commit(s), 0);
    return e.id;
}

static int count_cb(void *ctx, const struct entry *e)
{
    (void)e;
    (*(int *)ctx)++;
    return 0;
}

static void test_append_and_chain(void)
{
    struct store *s = fresh();
    struct buf summary = BUF_INIT;
    char head1[65], head2[65];
    int64_t exp;
    int n = 0;

    INT_EQ(append(s, ENTRY_PROJECT, "p", "goal", 0), 1);
    exp = append(s, ENTRY_EXP, "bon-n8", "hyp", 0);
    INT_EQ(exp, 2);
    INT_EQ(append(s, ENTRY_NOTE, "", "a note", exp), 3);
    INT_EQ(store_head(s, head1), 0);
    INT_EQ((int)strlen(head1), 64);
    INT_EQ(append(s, ENTRY_NOTE, "", "another", 0), 4);
    INT_EQ(store_head(s, head2), 0);
    OK(strcmp(head1, head2) != 0);
    INT_EQ(store_verify(s, NULL, 0, &summary), 0);
    OK(strstr(summary.ptr, "ok: 4 entries") != NULL);
    INT_EQ(store_entries(s, &(struct entry_filter)ENTRY_FILTER_ALL, count_cb,
                         &n), 0);
    INT_EQ(n, 4);
    buf_release(&summary);
    store_close(s);
    cleanup_files();
}

static void test_exp_names(void)
{
    struct store *s = fresh();
    struct entry e = { 0 };
    int64_t id = 0;

    append(s, ENTRY_EXP, "a", "", 0);
    INT_EQ(store_exp_find(s, "a", &id), 0);
    INT_EQ(id, 1);
    INT_EQ(store_exp_find(s, "b", &id), LL_ENOTFOUND);
    e.kind = ENTRY_EXP;
    e.title = "a";
    e.author = "ada";
    OK(store_begin_write(s) == 0);
    INT_EQ(store_append(s, &e), LL_ECONFLICT);
    store_rollback(s);
    store_close(s);
    cleanup_files();
}

static void test_rollback_leaves_nothing(void)
{
    struct store *s = fresh();
    struct store_counts c;
    struct entry e = { 0 };

    append(s, ENTRY_NOTE, "", "kept", 0);
    e.kind = ENTRY_NOTE;
    e.author = "ada";
    e.body = "dropped";
    OK(store_begin_write(s) == 0);
    OK(store_begin_write(s) == 0); /* nested */
    INT_EQ(store_append(s, &e), 0);
    INT_EQ(store_commit(s), 0);    /* inner: nothing yet */
    store_rollback(s);
    INT_EQ(store_counts(s, &c), 0);
    INT_EQ(c.entries, 1);
    store_close(s);
    cleanup_files();
}

static void test_batches(void)
{
    struct store *s = fresh();
    struct store_batch *b = NULL;
    struct store_counts c;
    struct buf summary = BUF_INIT;
    enum batch_outcome o;
    struct entry e = { 0 };
    int64_t exp = append(s, ENTRY_EXP, "a", "", 0), next = -1;

    OK(store_begin_write(s) == 0);
    INT_EQ(store_batch_begin(s, &b), 0);
    INT_EQ(store_batch_add(b, exp, "loss", 0, 1.5, 1, &o), 0);
    INT_EQ(o, BATCH_WRITTEN);
    INT_EQ(store_batch_add(b, exp, "loss", 1, NAN, 2, &o), 0);
    INT_EQ(o, BATCH_WRITTEN);
    INT_EQ(store_batch_add(b, exp, "loss", 2, INFINITY, 3, &o), 0);
    INT_EQ(store_batch_add(b, exp, "loss", 0, 1.5, 1, &o), 0);
    INT_EQ(o, BATCH_DUPLICATE);
    INT_EQ(store_batch_add(b, exp, "loss", 1, NAN, 2, &o), 0);
    INT_EQ(o, BATCH_DUPLICATE); /* NaN equals NaN for dedupe */
    INT_EQ(store_batch_add(b, exp, "loss", 0, 2.5, 1, &o), 0);
    INT_EQ(o, BATCH_CONFLICT);
    INT_EQ((int)store_batch_count(b), 3);
    e.author = "ada";
    e.exp = exp;
    INT_EQ(store_batch_finish(b, &e), 0);
    INT_EQ(e.id, 2);
    INT_EQ(store_commit(s), 0);
    INT_EQ(store_metric_next_step(s, exp, "loss", &next), 0);
    INT_EQ(next, 3);
    INT_EQ(store_metric_next_step(s, exp, "acc", &next), 0);
    INT_EQ(next, 0);
    INT_EQ(store_counts(s, &c), 0);
    INT_EQ(c.points, 3);
    INT_EQ(c.batches, 1);
    INT_EQ(store_verify(s, NULL, 0, &summary), 0);
    OK(strstr(summary.ptr, "3 points in 1 batches") != NULL);
    buf_release(&summary);
    store_close(s);
    cleanup_files();
}

static int summary_cb(void *ctx, const struct series_summary *sum)
{
    *(struct series_summary *)ctx = *sum;
    ((struct series_summary *)ctx)->name = NULL;
    return 0;
}

static void test_summary(void)
{
    struct store *s = fresh();
    struct store_batch *b = NULL;
    struct series_summary sum;
    enum batch_outcome o;
    struct entry e = { 0 };
    int64_t exp = append(s, ENTRY_EXP, "a", "", 0);
    static const double values[] = { 3, 1, 2, NAN, 0.5, -INFINITY, 4 };
    int i;

    OK(store_begin_write(s) == 0);
    INT_EQ(store_batch_begin(s, &b), 0);
    for (i = 0; i < 7; i++)
        INT_EQ(store_batch_add(b, exp, "m", i * 10, values[i], i, &o), 0);
    e.author = "ada";
    INT_EQ(store_batch_finish(b, &e), 0);
    INT_EQ(store_commit(s), 0);
    memset(&sum, 0, sizeof(sum));
    INT_EQ(store_series(s, exp, summary_cb, &sum), 0);
    INT_EQ(sum.count, 7);
    INT_EQ(sum.nonfinite, 2);
    INT_EQ(sum.nonfinite_step, 30);
    DBL_EQ(sum.first, 3, 0);
    DBL_EQ(sum.last, 4, 0);
    DBL_EQ(sum.min, 0.5, 0);
    INT_EQ(sum.min_step, 40);
    DBL_EQ(sum.max, 4, 0);
    INT_EQ(sum.max_step, 60);
    /* As it was before ts 3: steps 0, 10, 20. */
    INT_EQ(store_series_until(s, exp, 3, summary_cb, &sum), 0);
    INT_EQ(sum.count, 3);
    DBL_EQ(sum.last, 2, 0);
    store_close(s);
    cleanup_files();
}

struct pts {
    int64_t step[8], ts[8];
    double value[8];
    int n;
};

static int pts_cb(void *ctx, int64_t step, double value, int64_t ts)
{
    struct pts *p = ctx;

    if (p->n < 8) {
        p->step[p->n] = step;
        p->value[p->n] = value;
        p->ts[p->n] = ts;
    }
    p->n++;
    return 0;
}

static void add_batch(struct store *s, int64_t exp, const int64_t *steps,
                      const double *values, int n, int64_t ts)
{
    struct store_batch *b = NULL;
    enum batch_outcome o;
    struct entry e = { 0 };
    int i;

    OK(store_begin_write(s) == 0);
    INT_EQ(store_batch_begin(s, &b), 0);
    for (i = 0; i < n; i++) {
        INT_EQ(store_batch_add(b, exp, "loss", steps[i], values[i], ts + i,
                               &o), 0);
        INT_EQ(o, BATCH_WRITTEN);
    }
    e.author = "ada";
    e.exp = exp;
    INT_EQ(store_batch_finish(b, &e), 0);
    INT_EQ(store_commit(s), 0);
}

/* A step with two values (a resumed attempt): every reader keeps the
 * newer, whether it reads times (summaries) or not (charts of steps), and
 * the span comes from the point key. */
static void test_points_repeated_step(void)
{
    struct store *s = fresh();
    struct series_span span;
    struct pts a = { 0 }, b = { 0 };
    struct entry st = { 0 };
    char uid[27], data[64];
    static const int64_t s1[] = { 0, 1, 2 }, s2[] = { 1, 5 };
    static const double v1[] = { 1, 2, 3 }, v2[] = { 20, 50 };
    int64_t exp = append(s, ENTRY_EXP, "a", "", 0);
    int i;

    add_batch(s, exp, s1, v1, 3, 100);
    INT_EQ(store_attempt_latest(s, exp, uid), 0);
    snprintf(data, sizeof(data), "{\"resume\":\"%s\"}", uid);
    st.kind = ENTRY_STATUS;
    st.ts = 1795161600000;
    st.author = "ada";
    st.title = "running";
    st.body = "";
    st.data = data;
    st.exp = exp;
    OK(store_begin_write(s) == 0);
    INT_EQ(store_append(s, &st), 0);
    INT_EQ(store_commit(s), 0);
    INT_EQ(store_attempt_use(s, exp, uid), 0);
    add_batch(s, exp, s2, v2, 2, 200);
    INT_EQ(store_points_attempt(s, exp, "loss", 0, pts_cb, &a), 0);
    INT_EQ(store_points_steps(s, exp, "loss", 0, pts_cb, &b), 0);
    INT_EQ(a.n, 4);
    INT_EQ(b.n, 4);
    for (i = 0; i < 4 && i < a.n && i < b.n; i++) {
        INT_EQ(a.step[i], b.step[i]);
        DBL_EQ(a.value[i], b.value[i], 0);
        INT_EQ(b.ts[i], 0);
    }
    DBL_EQ(a.value[1], 20, 0);
    INT_EQ(a.ts[1], 200);
    INT_EQ(a.step[3], 5);
    INT_EQ(store_points_span(s, exp, "loss", 0, &span), 0);
    INT_EQ(span.any, 1);
    INT_EQ(span.first_step, 0);
    INT_EQ(span.last_step, 5);
    INT_EQ(span.first_ts, 100);
    INT_EQ(store_points_span(s, exp, "acc", 0, &span), 0);
    INT_EQ(span.any, 0);
    store_close(s);
    cleanup_files();
}

static void test_verify_tamper(void)
{
    struct store *s = fresh();
    struct buf summary = BUF_INIT;
    sqlite3 *db;

    append(s, ENTRY_NOTE, "", "one", 0);
    append(s, ENTRY_NOTE, "", "two", 0);
    append(s, ENTRY_NOTE, "", "three", 0);
    store_close(s);
    OK(sqlite3_open(path, &db) == SQLITE_OK);
    OK(sqlite3_exec(db, "DROP TRIGGER entry_no_update; UPDATE entry SET body "
                        "= 'TWO' WHERE id = 2", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    INT_EQ(store_open(&s, path, STORE_READ), 0);
    INT_EQ(store_verify(s, NULL, 0, &summary), LL_ERR);
    OK(strstr(ll_error_message(), "entry 2 (note)") != NULL);
    buf_release(&summary);
    store_close(s);
    cleanup_files();
}

static void test_kinds_and_parsers(void)
{
    const char *value = NULL;
    char key[8], text[NUM_TEXT_SIZE];
    double v;
    int k;

    for (k = 0; k < ENTRY_UNKNOWN; k++)
        INT_EQ(entry_kind_parse(entry_kind_name((enum entry_kind)k)), k);
    INT_EQ(entry_kind_parse("nope"), -1);
    INT_EQ(kv_split("lr=3e-4", key, sizeof(key), &value), 0);
    STR_EQ(key, "lr");
    STR_EQ(value, "3e-4");
    INT_EQ(kv_split("a=b=c", key, sizeof(key), &value), 0);
    STR_EQ(value, "b=c");
    INT_EQ(kv_split("x=", key, sizeof(key), &value), 0);
    STR_EQ(value, "");
    INT_EQ(kv_split("=1", key, sizeof(key), &value), -1);
    INT_EQ(kv_split("novalue", key, sizeof(key), &value), -1);
    INT_EQ(kv_split("toolongkey=1", key, sizeof(key), &value), -1);
    INT_EQ(num_parse("0.5", &v), 0);
    DBL_EQ(v, 0.5, 0);
    INT_EQ(num_parse("-1e-4", &v), 0);
    DBL_EQ(v, -1e-4, 0);
    INT_EQ(num_parse("NaN", &v), 0);
    OK(isnan(v));
    INT_EQ(num_parse("-inf", &v), 0);
    DBL_EQ(v, -INFINITY, 0);
    INT_EQ(num_parse("Infinity", &v), 0);
    INT_EQ(num_parse("0x10", &v), -1);
    INT_EQ(num_parse("", &v), -1);
    INT_EQ(num_parse("1.5abc", &v), -1);
    STR_EQ(num_format(text, 0.71234), "0.7123");
    STR_EQ(num_format(text, 1234), "1234");
    STR_EQ(num_format(text, 2.5e-5), "2.5e-5");
    STR_EQ(num_format(text, 3.28e8), "3.28e8");
    STR_EQ(num_format(text, NAN), "NaN");
    STR_EQ(num_format(text, -INFINITY), "-inf");
    STR_EQ(num_format_delta(text, 0.09), "+0.09");
    STR_EQ(num_format_delta(text, -0.5), "-0.5");
}

int main(void)
{
    RUN(test_append_and_chain);
    RUN(test_exp_names);
    RUN(test_rollback_leaves_nothing);
    RUN(test_batches);
    RUN(test_summary);
    RUN(test_points_repeated_step);
    RUN(test_verify_tamper);
    RUN(test_kinds_and_parsers);
    return harness_finish("test_store");
}
