/* SPDX-License-Identifier: MIT */
/*
 * The merge property (issue 11): replicas that write at random, and merge
 * each other at random, end equal once every pair has merged, whatever
 * the order. For each seed: 2-4 replicas, 30 random operations (notes,
 * experiments, metric batches with repeated steps and NaN, amends and
 * retracts of entries that arrived from elsewhere, merges in both
 * directions), then a full mesh of merges. Every replica must then have
 * the same feed bytes, verify, and gain nothing from one more merge.
 *
 * 200 seeds by default (make test); LABLOG_MERGE_SEEDS=N for more (make
 * stress). A failing seed is printed, so it can be replayed alone with
 * LABLOG_MERGE_SEED=S.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"

#define MAX_REPLICAS 4
#define OPS 30

static char dir[64];

/* xorshift64*: the same operations for a seed on every machine. */
static uint64_t rng;

static unsigned pick(unsigned n)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (unsigned)((rng * 2685821657736338717ULL) >> 33) % n;
}

struct ids {
    int64_t id[512];
    size_t n;
};

static int collect(void *ctx, const struct entry *e)
{
    struct ids *ids = ctx;

    if (ids->n < sizeof(ids->id) / sizeof(ids->id[0]))
        ids->id[ids->n++] = e->id;
    return 0;
}

/* A random entry of kind held by s, 0 when there is none. */
static int64_t any_of(struct store *s, enum entry_kind kind)
{
    struct entry_filter f = ENTRY_FILTER_ALL;
    struct ids ids = { { 0 }, 0 };

    f.kind = (int)kind;
    if (store_entries(s, &f, collect, &ids) != 0 || ids.n == 0)
        return 0;
    return ids.id[pick((unsigned)ids.n)];
}

static int append(struct store *s, enum entry_kind kind, int64_t exp,
                  int64_t ref, const char *title, const char *body)
{
    struct entry e;
    int rc;

    memset(&e, 0, sizeof(e));
    e.kind = kind;
    e.ts = 1795165200000 + (int64_t)pick(86400) * 1000;
    e.author = "ada";
    e.exp = exp;
    e.ref = ref;
    e.title = title;
    e.body = body;
    rc = store_begin_write(s);
    if (rc == 0)
        rc = store_append(s, &e);
    if (rc == 0)
        return store_commit(s);
    store_rollback(s);
    return rc;
}

static int log_points(struct store *s, int64_t exp)
{
    static const char *const metrics[] = { "loss", "acc" };
    struct store_batch *b = NULL;
    struct entry e;
    unsigned i, n = 1 + pick(6);
    int rc = store_begin_write(s);

    if (rc == 0)
        rc = store_batch_begin(s, &b);
    for (i = 0; rc == 0 && i < n; i++) {
        enum batch_outcome out;
        double v = pick(8) == 0 ? NAN : pick(1000) / 100.0;

        rc = store_batch_add(b, exp, metrics[pick(2)], pick(10), v,
                             1795165200000 + i, &out);
        if (rc == 0 && out == BATCH_AGAIN)
            break;
    }
    memset(&e, 0, sizeof(e));
    e.kind = ENTRY_METRICS;
    e.ts = 1795165200000 + (int64_t)pick(86400) * 1000;
    e.author = "ada";
    e.exp = exp;
    if (rc == 0) {
        rc = store_batch_finish(b, &e);
        b = NULL;
    }
    store_batch_free(b);
    if (rc == 0)
        return store_commit(s);
    store_rollback(s);
    return rc;
}

/* The feed of s; with body_only, without its header (which names the
 * replica that wrote it). */
static void feed_of(struct store *s, struct buf *out, int body_only)
{
    FILE *f = tmpfile();
    char chunk[4096];
    size_t n;
    int c;

    buf_reset(out);
    if (!f || store_feed_write(s, f) != 0) {
        if (f)
            fclose(f);
        return;
    }
    rewind(f);
    for (c = 0; body_only && c != EOF && c != '\n';)
        c = fgetc(f);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_put(out, chunk, n);
    fclose(f);
}

/* into <- from, through from's feed; *added is the entries it brought. */
static int merge(struct store *into, struct store *from, size_t *added)
{
    struct store_import_stats st;
    struct buf feed = BUF_INIT;
    FILE *f;
    int rc;

    feed_of(from, &feed, 0);
    f = fmemopen(feed.ptr, feed.len, "r");
    rc = f ? store_feed_import(into, f, "feed", NULL, &st) : LL_EIO;
    if (f)
        fclose(f);
    buf_release(&feed);
    if (added)
        *added = rc == 0 ? st.entries : 0;
    return rc;
}

static int one_op(struct store **r, unsigned n, unsigned k)
{
    struct store *s = r[pick(n)];
    char title[32];
    int64_t id;

    switch (pick(10)) {
    case 0:
        snprintf(title, sizeof(title), "e%u", k);
        return append(s, ENTRY_EXP, 0, 0, title, "");
    case 1:
    case 2:
        id = any_of(s, ENTRY_EXP);
        return id ? log_points(s, id) : 0;
    case 3:
        id = any_of(s, ENTRY_NOTE);
        return id ? append(s, ENTRY_AMEND, 0, id, "", "amended") : 0;
    case 4:
        id = any_of(s, ENTRY_NOTE);
        return id ? append(s, ENTRY_RETRACT, 0, id, "", "wrong") : 0;
    case 5:
    case 6:
        snprintf(title, sizeof(title), "note %u", k);
        return append(s, ENTRY_NOTE, any_of(s, ENTRY_EXP), 0, "", title);
    default:
        return merge(s, r[pick(n)], NULL);
    }
}

/* 1 when the seed's replicas end equal, verified, with nothing to add. */
static int run_seed(uint64_t seed)
{
    struct store *r[MAX_REPLICAS] = { NULL };
    struct buf first = BUF_INIT, other = BUF_INIT, sum = BUF_INIT;
    unsigned n, i, j, k, round;
    size_t added = 0, more = 0;
    int rc = 0, ok = 1;

    rng = seed * 0x9E3779B97F4A7C15ULL + 1;
    n = 2 + pick(MAX_REPLICAS - 1);
    for (i = 0; rc == 0 && i < n; i++) {
        char path[128];

        snprintf(path, sizeof(path), "%s/s%llu-r%u.db", dir,
                 (unsigned long long)seed, i);
        rc = store_open(&r[i], path, STORE_CREATE);
    }
    for (k = 0; rc == 0 && k < OPS; k++)
        rc = one_op(r, n, k);
    /* Two rounds of a full mesh: the second one must bring nothing. */
    for (round = 0; rc == 0 && round < 2; round++)
        for (i = 0; rc == 0 && i < n; i++)
            for (j = 0; rc == 0 && j < n; j++)
                if (i != j)
                    rc = merge(r[i], r[j], round ? &added : NULL),
                    more += added;
    if (rc) {
        fprintf(stderr, "seed %llu: %s\n", (unsigned long long)seed,
                ll_error_message());
        ok = 0;
    }
    feed_of(r[0], &first, 1);
    for (i = 1; ok && i < n; i++) {
        feed_of(r[i], &other, 1);
        ok = other.len == first.len &&
             memcmp(other.ptr, first.ptr, first.len) == 0;
        if (!ok && getenv("LABLOG_MERGE_SEED")) {
            fwrite(first.ptr, 1, first.len, stderr);
            fputs("-----\n", stderr);
            fwrite(other.ptr, 1, other.len, stderr);
        }
    }
    for (i = 0; ok && i < n; i++) {
        buf_reset(&sum);
        ok = store_verify(r[i], NULL, 0, &sum) == 0;
    }
    if (ok && more)
        ok = 0;
    if (!ok)
        fprintf(stderr, "seed %llu: replicas differ, fail to verify or "
                "gained %zu entries in a second mesh (replay with "
                "LABLOG_MERGE_SEED=%llu)\n", (unsigned long long)seed, more,
                (unsigned long long)seed);
    for (i = 0; i < n; i++) {
        char path[128];

        store_close(r[i]);
        snprintf(path, sizeof(path), "%s/s%llu-r%u.db", dir,
                 (unsigned long long)seed, i);
        unlink(path);
    }
    buf_release(&first);
    buf_release(&other);
    buf_release(&sum);
    return ok;
}

static void test_property(void)
{
    const char *one = getenv("LABLOG_MERGE_SEED");
    const char *many = getenv("LABLOG_MERGE_SEEDS");
    uint64_t from = one ? strtoull(one, NULL, 10) : 1;
    uint64_t count = one ? 1 : many ? strtoull(many, NULL, 10) : 200;
    uint64_t seed, failed = 0;

    for (seed = from; seed < from + count; seed++)
        failed += !run_seed(seed);
    INT_EQ(failed, 0);
    fprintf(stderr, "merge property: %llu seeds, %llu failed\n",
           (unsigned long long)count, (unsigned long long)failed);
}

int main(void)
{
    /* Thousands of commits: on tmpfs when there is one (fsync is free). */
    snprintf(dir, sizeof(dir), "%s", "/dev/shm/lablog-merge.XXXXXX");
    if (!mkdtemp(dir)) {
        snprintf(dir, sizeof(dir), "%s", "/tmp/lablog-merge.XXXXXX");
        if (!mkdtemp(dir))
            return 1;
    }
    setenv("LABLOG_HOST", "node", 1);
    RUN(test_property);
    rmdir(dir);
    return harness_finish("test_merge");
}
