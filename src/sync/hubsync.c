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

/*
 * Entries go through a staging table (one INSERT ... SELECT in seq order
 * gives them their hub_seq); points, nearly all of the bytes, are copied
 * straight into lablog.point once their batch's hub_seq and their series'
 * ids are known, so the hub does for them what a plain COPY does.
 */
static const char staging_sql[] =
    "CREATE TEMP TABLE st_entry(origin text, seq bigint, uid text,"
    " hlc bigint, ts bigint, author text, kind text, exp_uid text,"
    " ref_uid text, title text, body text, data text, format smallint,"
    " prev bytea, hash bytea, line text) ON COMMIT DROP;"
    "CREATE TEMP TABLE st_series(k bigint, exp_uid text, name text,"
    " attempt text) ON COMMIT DROP";

static const char insert_sql[] =
    "INSERT INTO lablog.entry(origin, seq, uid, hlc, ts, author, kind,"
    " exp_uid, ref_uid, title, body, data, format, prev, hash, line)"
    " SELECT origin, seq, uid, hlc, ts, author, kind, exp_uid, ref_uid,"
    " title, body, data, format, prev, hash, line FROM st_entry ORDER BY seq"
    " ON CONFLICT DO NOTHING;"
    "INSERT INTO lablog.series(exp_uid, name, attempt)"
    " SELECT exp_uid, name, attempt FROM st_series"
    " ON CONFLICT DO NOTHING";

/* The points of one push, waiting for their batch's and series' ids. */
struct staged_point {
    size_t batch;  /* index into the push's metrics entries */
    size_t series; /* index into its series */
    int64_t step, ts;
    double value;
};

struct series_key {
    char *exp_uid, *name, *attempt; /* owned */
};

struct push_points {
    struct staged_point *items;
    size_t len, cap;
    char (*batch_uids)[27]; /* the metrics entries, by index */
    size_t nbatches, cap_batches;
    struct series_key *series;
    size_t nseries, cap_series;
};

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

/* The index of (exp_uid, name, attempt) among the push's series. */
static size_t series_index(struct push_points *pp, const char *exp_uid,
                           const char *name, const char *attempt)
{
    size_t i;

    /* A push holds a handful of series: the last one matches nearly
     * always, so search from the end. */
    for (i = pp->nseries; i-- > 0;)
        if (strcmp(pp->series[i].name, name) == 0
            && strcmp(pp->series[i].exp_uid, exp_uid) == 0
            && strcmp(pp->series[i].attempt, attempt) == 0)
            return i;
    XGROW(pp->series, pp->nseries + 1, pp->cap_series);
    pp->series[pp->nseries].exp_uid = xstrdup(exp_uid);
    pp->series[pp->nseries].name = xstrdup(name);
    pp->series[pp->nseries].attempt = xstrdup(attempt);
    return pp->nseries++;
}

static void push_points_free(struct push_points *pp)
{
    size_t i;

    for (i = 0; i < pp->nseries; i++) {
        free(pp->series[i].exp_uid);
        free(pp->series[i].name);
        free(pp->series[i].attempt);
    }
    free(pp->series);
    free(pp->items);
    free(pp->batch_uids);
}

/* A feed point's value: a number, or "nan", "inf", "-inf". */
static double point_value(json_t *v)
{
    const char *t = json_string_value(v);

    if (json_is_number(v))
        return json_number_value(v);
    if (t && strcmp(t, "inf") == 0)
        return INFINITY;
    if (t && strcmp(t, "-inf") == 0)
        return -INFINITY;
    return NAN;
}

/* The staging row of one feed line; its points into pp. */
static void stage_line(struct buf *entry, struct push_points *pp, json_t *j,
                       const char *line)
{
    static const char *const texts[] = { "author", "kind", "exp", "ref",
                                         "title", "body", "data" };
    json_t *groups = json_object_get(j, "points");
    size_t i, k, batch = pp->nbatches;

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
    if (!json_is_array(groups))
        return;
    XGROW(pp->batch_uids, pp->nbatches + 1, pp->cap_batches);
    snprintf(pp->batch_uids[pp->nbatches++], 27, "%s", str_of(j, "uid"));
    for (i = 0; i < json_array_size(groups); i++) {
        json_t *g = json_array_get(groups, i);
        json_t *steps = json_object_get(g, "steps");
        size_t series = series_index(pp, str_of(g, "exp"),
                                     str_of(g, "metric"),
                                     str_of(g, "attempt"));

        for (k = 0; json_is_array(steps) && k < json_array_size(steps); k++) {
            json_t *p = json_array_get(steps, k);
            json_t *v = json_array_get(p, 1);
            struct staged_point *sp;

            XGROW(pp->items, pp->len + 1, pp->cap);
            sp = &pp->items[pp->len++];
            sp->batch = batch;
            sp->series = series;
            sp->step = json_integer_value(json_array_get(p, 0));
            sp->ts = json_integer_value(json_array_get(p, 2));
            sp->value = point_value(v);
        }
    }
}

/* Looks up ids for keys[0..n) (uids of entries, or series) with sql,
 * which returns (key index, id) rows. */
static int fetch_ids(struct pq *c, const char *sql, int nparams,
                     const char *const *params, int64_t *ids, size_t n,
                     const char *what)
{
    struct pq_result *r = NULL;
    size_t i;
    int rc = pq_query(c, &r, sql, nparams, params, what);

    for (i = 0; rc == 0 && i < pq_rows(r); i++) {
        int64_t k = pq_int(r, i, 0);

        if (k >= 0 && (size_t)k < n)
            ids[k] = pq_int(r, i, 1);
    }
    pq_result_free(r);
    for (i = 0; rc == 0 && i < n; i++)
        if (ids[i] == 0)
            rc = ll_error(LL_ERR, "%s: the hub did not give every id", what);
    return rc;
}

/* A COPY text-format float8: PostgreSQL's spellings of the non-finite. */
static void copy_float(struct buf *b, double v)
{
    if (isnan(v))
        buf_puts(b, "NaN");
    else if (isinf(v))
        buf_puts(b, v > 0 ? "Infinity" : "-Infinity");
    else
        buf_printf(b, "%.17g", v);
}

/*
 * After the entries are in (st_entry inserted), their points: the series
 * are inserted (st_series) and looked up, the batches' hub_seq looked up,
 * then every point copied into lablog.point, 1 MB of COPY data at a time.
 */
static int copy_points(struct pq *c, struct push_points *pp)
{
    struct buf b = BUF_INIT;
    int64_t *batch_ids = xcalloc(pp->nbatches + 1, sizeof(*batch_ids));
    int64_t *series_ids = xcalloc(pp->nseries + 1, sizeof(*series_ids));
    size_t i;
    int rc;

    /* A batch's index is its rank among the staged metrics entries, in
     * seq order: what stage_line numbered. */
    rc = fetch_ids(c, "SELECT row_number() OVER (ORDER BY s.seq) - 1, "
                   "e.hub_seq FROM st_entry s JOIN lablog.entry e ON "
                   "e.uid = s.uid WHERE s.kind = 'metrics'", 0, NULL,
                   batch_ids, pp->nbatches, "cannot read the batches back");
    if (rc == 0)
        rc = fetch_ids(c, "SELECT k, s.id FROM st_series t JOIN "
                       "lablog.series s ON s.exp_uid = t.exp_uid AND "
                       "s.name = t.name AND s.attempt = t.attempt", 0, NULL,
                       series_ids, pp->nseries, "cannot read the series back");
    if (rc == 0)
        rc = pq_copy_begin(c, "COPY lablog.point(batch, series, step, value, "
                           "ts) FROM STDIN", "cannot send points to the hub");
    for (i = 0; rc == 0 && i < pp->len; i++) {
        const struct staged_point *p = &pp->items[i];

        buf_printf(&b, "%lld\t%lld\t%lld\t", (long long)batch_ids[p->batch],
                   (long long)series_ids[p->series], (long long)p->step);
        copy_float(&b, p->value);
        buf_printf(&b, "\t%lld\n", (long long)p->ts);
        if (b.len >= (1 << 20) || i + 1 == pp->len) {
            rc = pq_copy_put(c, b.ptr, b.len);
            buf_reset(&b);
        }
    }
    if (rc == 0)
        rc = pq_copy_end(c);
    buf_release(&b);
    free(batch_ids);
    free(series_ids);
    return rc;
}

/* The push's series, into st_series (k = their index). */
static int copy_series(struct pq *c, const struct push_points *pp)
{
    struct buf b = BUF_INIT;
    size_t i;
    int rc = pq_copy_begin(c, "COPY st_series FROM STDIN",
                           "cannot send series to the hub");

    for (i = 0; rc == 0 && i < pp->nseries; i++) {
        buf_printf(&b, "%zu\t", i);
        copy_text(&b, pp->series[i].exp_uid);
        buf_putc(&b, '\t');
        copy_text(&b, pp->series[i].name);
        buf_putc(&b, '\t');
        copy_text(&b, pp->series[i].attempt);
        buf_putc(&b, '\n');
    }
    if (rc == 0)
        rc = pq_copy_put(c, b.ptr, b.len);
    if (rc == 0)
        rc = pq_copy_end(c);
    buf_release(&b);
    return rc;
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
    struct buf entries = BUF_INIT;
    struct push_points pp;
    char hub_hash[65], mine[65], seqtext[24], host[256];
    char *line = NULL;
    size_t cap = 0, nentries = 0;
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
    memset(&pp, 0, sizeof(pp));
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
        stage_line(&entries, &pp, j, line);
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
    if (rc == 0 && pp.nseries)
        rc = copy_series(c, &pp);
    if (rc == 0)
        rc = pq_exec(c, insert_sql, "the hub refused the entries");
    if (rc == 0 && pp.len)
        rc = copy_points(c, &pp);
    if (rc == 0) {
        const char *params[] = { o->id, seqtext, str_of(last, "hash") };

        snprintf(seqtext, sizeof(seqtext), "%lld", (long long)o->head_seq);
        rc = pq_query_exec(c, "SELECT lablog.move_head($1, $2, "
                           "decode($3, 'hex'))", 3, params,
                           "the hub refused to move the head");
    }
    if (rc == 0 && pq_exec(c, "TRUNCATE st_entry, st_series",
                           "cannot clear the staging tables") != 0)
        rc = LL_EDB;
    if (rc == 0) {
        out->origins++;
        out->entries += nentries;
        out->points += pp.len;
    }
    json_decref(last);
    free(line);
    fclose(tmp);
    buf_release(&entries);
    push_points_free(&pp);
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
