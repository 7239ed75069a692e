/* SPDX-License-Identifier: MIT */
/* Push to and pull from a PostgreSQL hub (see hubsync.h). */
#include "sync/hubsync.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sync/hub.h"
#include "sync/pq.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sha256.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* One key for every push: hub_seq values then commit in order (SYNC.md). */
#define PUSH_LOCK "7405189"
#define PULL_PAGE "2000"

static const char staging_sql[] =
    "CREATE TEMP TABLE st_entry(origin text, seq bigint, uid text,"
    " hlc bigint, ts bigint, author text, kind text, exp_uid text,"
    " ref_uid text, title text, body text, data text, format smallint,"
    " prev bytea, hash bytea, line text) ON COMMIT DROP;"
    "CREATE TEMP TABLE st_point(uid text, exp_uid text, name text,"
    " attempt text, step bigint, value float8, ts bigint) ON COMMIT DROP";

static const char insert_sql[] =
    "INSERT INTO lablog.entry(origin, seq, uid, hlc, ts, author, kind,"
    " exp_uid, ref_uid, title, body, data, format, prev, hash, line)"
    " SELECT origin, seq, uid, hlc, ts, author, kind, exp_uid, ref_uid,"
    " title, body, data, format, prev, hash, line FROM st_entry ORDER BY seq"
    " ON CONFLICT DO NOTHING;"
    "INSERT INTO lablog.series(exp_uid, name, attempt)"
    " SELECT DISTINCT exp_uid, name, attempt FROM st_point"
    " ON CONFLICT DO NOTHING;"
    "INSERT INTO lablog.point(batch, series, step, value, ts)"
    " SELECT e.hub_seq, s.id, p.step, p.value, p.ts FROM st_point p"
    " JOIN lablog.entry e ON e.uid = p.uid"
    " JOIN lablog.series s ON s.exp_uid = p.exp_uid AND s.name = p.name"
    "  AND s.attempt = p.attempt"
    " ON CONFLICT DO NOTHING";

/* A COPY text-format field: \ and control characters escaped. */
static void copy_text(struct buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '\\': buf_puts(b, "\\\\"); break;
        case '\n': buf_puts(b, "\\n"); break;
        case '\r': buf_puts(b, "\\r"); break;
        case '\t': buf_puts(b, "\\t"); break;
        default: buf_putc(b, *s);
        }
    }
}

static const char *str_of(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    return json_is_string(v) ? json_string_value(v) : "";
}

static long long int_of(json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

/* The staging row of one feed line, and st_point rows for its points. */
static void stage_line(struct buf *entry, struct buf *points, json_t *j,
                       const char *line, size_t *npoints)
{
    static const char *const texts[] = { "author", "kind", "exp", "ref",
                                         "title", "body", "data" };
    json_t *groups = json_object_get(j, "points");
    size_t i, k;

    buf_printf(entry, "%s\t%lld\t%s\t%lld\t%lld", str_of(j, "origin"),
               int_of(j, "seq"), str_of(j, "uid"), int_of(j, "hlc"),
               int_of(j, "ts"));
    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        buf_putc(entry, '\t');
        copy_text(entry, str_of(j, texts[i]));
    }
    buf_printf(entry, "\t%lld\t\\\\x%s\t\\\\x%s\t", int_of(j, "format"),
               str_of(j, "prev"), str_of(j, "hash"));
    copy_text(entry, line);
    buf_putc(entry, '\n');
    for (i = 0; json_is_array(groups) && i < json_array_size(groups); i++) {
        json_t *g = json_array_get(groups, i);
        json_t *steps = json_object_get(g, "steps");

        for (k = 0; json_is_array(steps) && k < json_array_size(steps); k++) {
            json_t *p = json_array_get(steps, k);
            json_t *v = json_array_get(p, 1);

            copy_text(points, str_of(j, "uid"));
            buf_putc(points, '\t');
            copy_text(points, str_of(g, "exp"));
            buf_putc(points, '\t');
            copy_text(points, str_of(g, "metric"));
            buf_putc(points, '\t');
            copy_text(points, str_of(g, "attempt"));
            buf_printf(points, "\t%lld\t",
                       (long long)json_integer_value(json_array_get(p, 0)));
            if (json_is_number(v))
                buf_printf(points, "%.17g", json_number_value(v));
            else if (strcmp(json_string_value(v), "inf") == 0)
                buf_puts(points, "Infinity");
            else if (strcmp(json_string_value(v), "-inf") == 0)
                buf_puts(points, "-Infinity");
            else
                buf_puts(points, "NaN");
            buf_printf(points, "\t%lld\n",
                       (long long)json_integer_value(json_array_get(p, 2)));
            (*npoints)++;
        }
    }
}

struct origin_list {
    struct store_origin *items;
    char (*ids)[27];
    size_t len, cap;
};

static int collect_origin(void *ctx, const struct store_origin *o)
{
    struct origin_list *l = ctx;

    if (l->len == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
        l->ids = xrealloc(l->ids, l->cap * sizeof(*l->ids));
    }
    l->items[l->len] = *o;
    snprintf(l->ids[l->len], 27, "%s", o->id);
    l->items[l->len].id = l->ids[l->len];
    l->items[l->len].host = "";
    l->items[l->len].parent = "";
    l->len++;
    return 0;
}

/* The hub's head of origin: *seq 0 and hash "" when it has none. */
static int hub_head(struct pq *c, const char *origin, int64_t *seq,
                    char hash[65])
{
    const char *params[] = { origin };
    struct pq_result *r = NULL;
    int rc = pq_query(c, &r, "SELECT seq, encode(hash, 'hex') FROM "
                      "lablog.head WHERE origin = $1 ORDER BY seq DESC "
                      "LIMIT 1", 1, params, "cannot read the hub's heads");

    *seq = 0;
    hash[0] = '\0';
    if (rc == 0 && pq_rows(r) == 1) {
        *seq = pq_int(r, 0, 0);
        snprintf(hash, 65, "%s", pq_value(r, 0, 1));
    }
    pq_result_free(r);
    return rc;
}

/* Sends one origin's entries after the hub's head; 0 entries is fine. */
static int push_origin(struct pq *c, struct store *s,
                       const struct store_origin *o,
                       struct hub_push_stats *out)
{
    struct buf entries = BUF_INIT, points = BUF_INIT;
    char hub_hash[65], mine[65], seqtext[24], host[256];
    char *line = NULL;
    size_t cap = 0, npoints = 0, nentries = 0;
    int64_t hub_seq;
    json_t *last = NULL;
    FILE *tmp = NULL;
    ssize_t n;
    int rc = hub_head(c, o->id, &hub_seq, hub_hash);

    if (rc)
        return rc;
    if (hub_seq > o->head_seq)
        return 0; /* the hub has more of it than we do: a pull brings it */
    if (hub_seq > 0 && (store_entry_hash_at(s, o->id, hub_seq, mine) != 0 ||
                        strcmp(mine, hub_hash) != 0)) {
        ll_error_clear();
        return ll_error(LL_ECONFLICT, "the hub's entry %lld of origin %.8s "
                        "is not this replica's (a fork); nothing was pushed",
                        (long long)hub_seq, o->id);
    }
    if (hub_seq == o->head_seq)
        return 0;
    tmp = tmpfile();
    if (!tmp)
        return ll_error(LL_EIO, "cannot create a temporary file");
    rc = store_feed_write_origin(s, o->id, hub_seq, 0, tmp);
    if (rc == 0 && fseek(tmp, 0, SEEK_SET) != 0)
        rc = ll_error(LL_EIO, "cannot read a temporary file");
    while (rc == 0 && (n = getline(&line, &cap, tmp)) > 0) {
        json_t *j;

        line[n - 1] = '\0';
        j = json_loads(line, 0, NULL);
        if (!j) {
            rc = ll_error(LL_ERR, "cannot read back a feed line");
            break;
        }
        stage_line(&entries, &points, j, line, &npoints);
        json_decref(last);
        last = j;
        nentries++;
    }
    if (rc == 0)
        rc = store_origin_host(s, o->id, host, sizeof(host));
    if (rc == 0) {
        const char *params[] = { o->id, host, str_of(last, "author") };

        rc = pq_query_exec(c, "INSERT INTO lablog.origin(oid, host, author)"
                           " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                           3, params, "cannot record the origin on the hub");
    }
    if (rc == 0)
        rc = pq_copy_begin(c, "COPY st_entry FROM STDIN",
                           "cannot send entries to the hub");
    if (rc == 0)
        rc = pq_copy_put(c, entries.ptr, entries.len);
    if (rc == 0)
        rc = pq_copy_end(c);
    if (rc == 0 && points.len) {
        rc = pq_copy_begin(c, "COPY st_point FROM STDIN",
                           "cannot send points to the hub");
        if (rc == 0)
            rc = pq_copy_put(c, points.ptr, points.len);
        if (rc == 0)
            rc = pq_copy_end(c);
    }
    if (rc == 0)
        rc = pq_exec(c, insert_sql, "the hub refused the entries");
    if (rc == 0) {
        const char *params[] = { o->id, seqtext, str_of(last, "hash") };

        snprintf(seqtext, sizeof(seqtext), "%lld", (long long)o->head_seq);
        rc = pq_query_exec(c, "SELECT lablog.move_head($1, $2, "
                           "decode($3, 'hex'))", 3, params,
                           "the hub refused to move the head");
    }
    if (rc == 0 && pq_exec(c, "TRUNCATE st_entry, st_point",
                           "cannot clear the staging tables") != 0)
        rc = LL_EDB;
    if (rc == 0) {
        out->origins++;
        out->entries += nentries;
        out->points += npoints;
    }
    json_decref(last);
    free(line);
    fclose(tmp);
    buf_release(&entries);
    buf_release(&points);
    return rc;
}

/* LABLOG_TEST_PUSH_DELAY_MS: hold a push open before its commit, so the
 * tests can order two pushes and a pull deterministically. */
static void test_delay(void)
{
    const char *ms = getenv("LABLOG_TEST_PUSH_DELAY_MS");
    struct timespec t;
    long n = ms ? strtol(ms, NULL, 10) : 0;

    if (n <= 0)
        return;
    t.tv_sec = n / 1000;
    t.tv_nsec = (n % 1000) * 1000000L;
    nanosleep(&t, NULL);
}

int hub_push(struct pq *c, struct store *s, struct hub_push_stats *out)
{
    struct origin_list l = { NULL, NULL, 0, 0 };
    size_t i;
    int rc = hub_check(c);

    memset(out, 0, sizeof(*out));
    if (rc == 0)
        rc = store_origins(s, collect_origin, &l);
    if (rc == 0)
        rc = pq_exec(c, "BEGIN", "cannot start a transaction on the hub");
    /* LABLOG_TEST_NO_PUSH_LOCK: the tests show what goes wrong without. */
    if (rc == 0 && !getenv("LABLOG_TEST_NO_PUSH_LOCK"))
        rc = pq_exec(c, "SELECT pg_advisory_xact_lock(" PUSH_LOCK ")",
                     "cannot lock the hub");
    if (rc == 0)
        rc = pq_exec(c, staging_sql, "cannot stage on the hub");
    for (i = 0; rc == 0 && i < l.len; i++)
        rc = push_origin(c, s, &l.items[i], out);
    test_delay();
    if (rc == 0)
        rc = pq_exec(c, "COMMIT", "cannot commit on the hub");
    else
        pq_exec(c, "ROLLBACK", "cannot roll back");
    free(l.items);
    free(l.ids);
    return rc;
}

/* One page of lines after *cursor into an in-memory feed; *rows_out. */
static int pull_page(struct pq *c, int64_t *cursor, struct buf *feed,
                     size_t *rows_out)
{
    char after[24];
    const char *params[] = { after };
    struct pq_result *r = NULL;
    size_t i;
    int rc;

    snprintf(after, sizeof(after), "%lld", (long long)*cursor);
    rc = pq_query(c, &r, "SELECT hub_seq, line FROM lablog.entry WHERE "
                  "hub_seq > $1 ORDER BY hub_seq LIMIT " PULL_PAGE, 1,
                  params, "cannot read the hub");
    *rows_out = 0;
    buf_reset(feed);
    buf_puts(feed, "{\"lablog-feed\":1}\n");
    for (i = 0; rc == 0 && i < pq_rows(r); i++) {
        buf_puts(feed, pq_value(r, i, 1));
        buf_putc(feed, '\n');
        *cursor = pq_int(r, i, 0);
    }
    if (rc == 0)
        *rows_out = pq_rows(r);
    pq_result_free(r);
    return rc;
}

/*
 * The hub's head of every origin, read before a pull pages through its
 * entries (heads move in the transaction that inserts the entries, so
 * everything up to these heads is in the pages that follow).
 */
static int hub_heads(struct pq *c, struct store_seen_head **out, size_t *n)
{
    struct pq_result *r = NULL;
    size_t i;
    int rc = pq_query(c, &r, "SELECT DISTINCT ON (origin) origin, seq, "
                      "encode(hash, 'hex') FROM lablog.head ORDER BY origin, "
                      "seq DESC", 0, NULL, "cannot read the hub");

    *out = NULL;
    *n = 0;
    if (rc)
        return rc;
    *out = xcalloc(pq_rows(r) + 1, sizeof(**out));
    for (i = 0; i < pq_rows(r); i++) {
        struct store_seen_head *h = &(*out)[*n];

        snprintf(h->origin, sizeof(h->origin), "%s", pq_value(r, i, 0));
        h->seq = pq_int(r, i, 1);
        if (sha256_from_hex(h->hash, pq_value(r, i, 2)) == 0)
            (*n)++;
    }
    pq_result_free(r);
    return 0;
}

/* Pages after cursor until none is left, or until deadline (a
 * time_mono_ms(); 0: none) has passed, when *complete is left 0. */
static int pull_all(struct pq *c, struct store *s, int64_t cursor,
                    int keep_cursor, int64_t deadline,
                    struct store_import_stats *out, int *complete)
{
    struct store_seen_head *heads = NULL;
    struct buf feed = BUF_INIT;
    size_t rows = 1, nheads = 0;
    int rc = hub_check(c);

    memset(out, 0, sizeof(*out));
    if (rc == 0 && keep_cursor)
        rc = hub_heads(c, &heads, &nheads);
    *complete = 0;
    while (rc == 0 && rows > 0) {
        struct store_import_stats one;
        FILE *f;

        if (deadline && time_mono_ms() > deadline)
            break;
        rc = pull_page(c, &cursor, &feed, &rows);
        if (rc || rows == 0)
            break;
        f = fmemopen(feed.ptr, feed.len, "r");
        if (!f) {
            rc = ll_error(LL_EIO, "cannot read what the hub sent");
            break;
        }
        rc = store_feed_import(s, f, pq_where(c), NULL, &one);
        fclose(f);
        if (rc == 0 && keep_cursor)
            rc = store_hub_cursor_set(s, pq_where(c), cursor);
        if (rc == 0) {
            out->entries += one.entries;
            out->held += one.held;
            out->forks += one.forks;
            out->points += one.points;
        }
    }
    /* A hub whose head of an origin went back is named (after the pull:
     * what it still had to give was taken). */
    if (rc == 0 && rows == 0) {
        *complete = 1;
        if (keep_cursor)
            rc = store_seen_heads_record(s, pq_where(c), heads, nheads);
    }
    free(heads);
    buf_release(&feed);
    return rc;
}

int hub_pull(struct pq *c, struct store *s, int64_t deadline,
             struct store_import_stats *out, int *complete)
{
    int64_t cursor = 0;
    int rc = store_hub_cursor_get(s, pq_where(c), &cursor);

    return rc ? rc : pull_all(c, s, cursor, 1, deadline, out, complete);
}

int hub_verify(struct pq *c, const char *scratch_path, struct buf *summary)
{
    struct store_import_stats st;
    struct store *s = NULL;
    int complete;
    int rc = store_open(&s, scratch_path, STORE_CREATE);

    if (rc == 0)
        rc = pull_all(c, s, 0, 0, 0, &st, &complete);
    if (rc == 0)
        rc = store_verify(s, NULL, 0, summary);
    store_close(s);
    return rc;
}
