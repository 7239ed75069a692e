/* SPDX-License-Identifier: MIT */
/*
 * Streaming ingest (see ingest.h): turns parsed JSONL objects and CSV rows
 * into metric points and writes them in batches.
 *
 * JSONL: numeric fields are metrics; "step" (an integer; or the field
 * named by step_key) is the step, "exp" names the experiment, "time"
 * (ISO-8601 text or unix seconds) is the point's time. Nested objects
 * become "a/b" metrics; other strings, booleans and arrays are ignored with
 * one warning per field name.
 *
 * CSV: a header row; a "step" column (or step_key), optional "exp" and
 * "time" columns, every other column a metric; empty cells are missing
 * values. A first column without a name is a pandas index: the step when
 * there is no step column, else ignored. TensorBoard's scalar export (Wall
 * time,Step,Value) takes the metric name from the caller.
 *
 * With hints, a first line that looks like another tool's export (a W&B
 * panel or history export, an MLflow metric file) stops the ingest with
 * one line naming the `lablog import` to use.
 */
#include "ingest/ingest.h"

#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "ingest/csv.h"
#include "ingest/jsonl.h"
#include "ingest/linereader.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#define MAX_FLATTEN_DEPTH 16

/* Waits between commit attempts while the log stays locked (ingest_fd). */
#define BUSY_RETRIES 10
#define BUSY_BACKOFF_MS 100

struct next_step {
    int64_t exp;
    char *metric;
    int64_t step;
};

/* A parsed point waiting for its batch. metric is interned (names[]). */
struct pending {
    int64_t exp;
    const char *metric;
    int64_t step;
    double value;
    int64_t ts;
    size_t lineno;  /* for the conflict message */
};

struct ingest {
    struct store *s;
    struct ingest_opts o;
    struct ingest_stats st;
    struct pending *pending;    /* points waiting for a commit */
    size_t npending, cap_pending;
    int64_t oldest_ms;          /* monotonic ms the first of them came */
    int64_t newest_ms;          /* ... and the last */
    int aging;                  /* oldest_ms is set */
    int fresh;                  /* points came since the last tick */
    int64_t now_ms;             /* the time of points read since the last
                                   tick (0: not read yet) */
    int64_t retry_ms;           /* after LL_EBUSY: no attempt before this */
    char **names;               /* interned metric names, open addressing */
    size_t nnames, cap_names;   /* cap a power of two */
    struct jsonl_parser *jsonl;
    struct jsonl_parser *nested[MAX_FLATTEN_DEPTH]; /* one per depth */
    struct csv_parser *csv;
    int csv_step_col;           /* the step column, -1 none */
    int csv_index_col;          /* a pandas index column, -1 none */
    unsigned char *csv_roles;   /* csv_role() of each column, from the
                                   header: not five strcasecmp per cell */
    int seen_data;              /* a data line was handled (hints) */
    size_t lineno;              /* line being ingested, for messages */
    char exp_name[128];         /* last experiment name looked up ... */
    int64_t exp_id;             /* ... and its id */
    char **warned;              /* field names already warned about */
    size_t nwarned, cap_warned;
    struct next_step *steps;    /* next step per (exp, metric) without one */
    size_t nsteps, cap_steps;
    struct buf conflict;        /* the first conflict, described */
    int64_t last_progress;      /* ms of the last progress line */
    int64_t started;            /* ms when the ingest started */
};

static int64_t monotonic_ms(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

struct ingest *ingest_new(struct store *s, const struct ingest_opts *o)
{
    struct ingest *in = xcalloc(1, sizeof(*in));

    in->s = s;
    in->o = *o;
    buf_init(&in->conflict);
    in->started = monotonic_ms();
    return in;
}

void ingest_free(struct ingest *in)
{
    size_t i;

    if (!in)
        return;
    free(in->pending);
    for (i = 0; i < in->cap_names; i++)
        free(in->names[i]);
    free(in->names);
    jsonl_free(in->jsonl);
    for (i = 0; i < MAX_FLATTEN_DEPTH; i++)
        jsonl_free(in->nested[i]);
    csv_free(in->csv);
    free(in->csv_roles);
    for (i = 0; i < in->nwarned; i++)
        free(in->warned[i]);
    free(in->warned);
    for (i = 0; i < in->nsteps; i++)
        free(in->steps[i].metric);
    free(in->steps);
    buf_release(&in->conflict);
    free(in);
}

const struct ingest_stats *ingest_stats(const struct ingest *in)
{
    return &in->st;
}

const char *ingest_first_conflict(const struct ingest *in)
{
    return in->conflict.ptr;
}

size_t ingest_pending(const struct ingest *in)
{
    return in->npending;
}

/* ---- metric names ------------------------------------------------------ */

static uint64_t name_hash(const char *name)
{
    uint64_t h = 1469598103934665603u;

    while (*name) {
        h ^= (unsigned char)*name++;
        h *= 1099511628211u;
    }
    return h;
}

/* The one copy of name kept for the ingest's life, so a waiting point
 * costs no allocation of its own. */
static const char *intern(struct ingest *in, const char *name)
{
    size_t i, mask;

    if ((in->nnames + 1) * 2 > in->cap_names) {
        char **old = in->names;
        size_t old_cap = in->cap_names;

        in->cap_names = old_cap ? old_cap * 2 : 64;
        in->names = xcalloc(in->cap_names, sizeof(*in->names));
        for (i = 0; i < old_cap; i++) {
            size_t j;

            if (!old[i])
                continue;
            mask = in->cap_names - 1;
            for (j = name_hash(old[i]) & mask; in->names[j]; j = (j + 1) & mask)
                ;
            in->names[j] = old[i];
        }
        free(old);
    }
    mask = in->cap_names - 1;
    for (i = name_hash(name) & mask; in->names[i]; i = (i + 1) & mask)
        if (strcmp(in->names[i], name) == 0)
            return in->names[i];
    in->names[i] = xstrdup(name);
    in->nnames++;
    return in->names[i];
}

/* ---- batches --------------------------------------------------------- */

/*
 * Writes the waiting points as one batch. The transaction begins here, so
 * the write lock is held for the inserts and the commit only. Counts and
 * the first conflict are taken over only when the commit succeeded, so a
 * retried flush counts each point once.
 */
int ingest_flush(struct ingest *in)
{
    struct store_batch *batch = NULL;
    struct ingest_stats add = { 0 };
    struct buf conflict = BUF_INIT;
    struct entry e;
    size_t i;
    int rc;

    if (!in->npending)
        return 0;
    rc = store_begin_write(in->s);
    if (rc)
        goto busy;
    rc = store_batch_begin(in->s, &batch);
    for (i = 0; rc == 0 && i < in->npending; i++) {
        const struct pending *p = &in->pending[i];
        enum batch_outcome outcome;
        char v[NUM_TEXT_SIZE];

        rc = store_batch_add(batch, p->exp, p->metric, p->step, p->value,
                             p->ts, &outcome);
        if (rc == 0 && outcome == BATCH_AGAIN) {
            /* A resumed attempt logged this step twice in one batch: the
             * newer value goes into the next batch, same transaction. */
            memset(&e, 0, sizeof(e));
            e.ts = time_now_ms();
            e.author = in->o.author;
            rc = store_batch_finish(batch, &e);
            batch = NULL;
            add.batches += e.id != 0;
            if (rc == 0)
                rc = store_batch_begin(in->s, &batch);
            if (rc == 0)
                rc = store_batch_add(batch, p->exp, p->metric, p->step,
                                     p->value, p->ts, &outcome);
        }
        if (rc)
            break;
        if (outcome == BATCH_WRITTEN) {
            add.points++;
        } else if (outcome == BATCH_DUPLICATE) {
            add.duplicates++;
        } else {
            add.conflicts++;
            if (!conflict.len)
                buf_printf(&conflict, "%s:%zu: '%s' at step %lld already "
                           "has another value (not %s)", in->o.name,
                           p->lineno, p->metric, (long long)p->step,
                           num_format(v, p->value));
        }
    }
    memset(&e, 0, sizeof(e));
    e.ts = time_now_ms();
    e.author = in->o.author;
    if (rc == 0) {
        rc = store_batch_finish(batch, &e);
        batch = NULL;
    }
    if (rc == 0)
        rc = store_commit(in->s);
    if (rc) {
        store_batch_free(batch);
        store_rollback(in->s);
        goto busy;
    }
    in->st.points += add.points;
    in->st.duplicates += add.duplicates;
    in->st.conflicts += add.conflicts;
    in->st.batches += add.batches + (e.id != 0);
    if (!in->conflict.len && conflict.len)
        buf_puts(&in->conflict, conflict.ptr);
    in->npending = 0;
    in->aging = 0;
    in->retry_ms = 0;
    buf_release(&conflict);
    return 0;
busy:
    buf_release(&conflict);
    if (rc == LL_EBUSY)
        in->retry_ms = monotonic_ms() + INGEST_IDLE_MS;
    return rc;
}

int ingest_tick(struct ingest *in, int *wait_ms_out)
{
    int64_t now, due;
    int rc = 0;

    *wait_ms_out = -1;
    in->now_ms = 0;
    if (!in->npending) {
        in->aging = 0;
        return 0;
    }
    now = monotonic_ms();
    /* Points since the last tick arrived now: reading the clock here
     * rather than per point keeps it off the per-point path. */
    if (in->fresh) {
        if (!in->aging)
            in->oldest_ms = now;
        in->aging = 1;
        in->newest_ms = now;
        in->fresh = 0;
    }
    due = in->oldest_ms + INGEST_MAX_AGE_MS;
    if (in->newest_ms + INGEST_IDLE_MS < due)
        due = in->newest_ms + INGEST_IDLE_MS;
    if (in->npending >= INGEST_BATCH)
        due = now;
    if (in->retry_ms > due)
        due = in->retry_ms;
    if (due <= now) {
        rc = ingest_flush(in);
        if (!in->npending)
            return rc;
        due = in->retry_ms > now ? in->retry_ms : now + INGEST_IDLE_MS;
    }
    *wait_ms_out = (int)(due - now);
    return rc;
}

/* The next step of a metric logged without one: asked of the store once,
 * then counted here. */
static int next_step(struct ingest *in, int64_t exp, const char *metric,
                     int64_t *step_out)
{
    struct next_step *ns;
    size_t i;
    int rc;

    for (i = 0; i < in->nsteps; i++) {
        ns = &in->steps[i];
        if (ns->exp == exp && strcmp(ns->metric, metric) == 0) {
            *step_out = ns->step++;
            return 0;
        }
    }
    XGROW(in->steps, in->nsteps + 1, in->cap_steps);
    ns = &in->steps[in->nsteps++];
    ns->exp = exp;
    ns->metric = xstrdup(metric);
    rc = store_metric_next_step(in->s, exp, metric, &ns->step);
    /* Points not committed yet count too: one past the largest. */
    metric = intern(in, metric);
    for (i = 0; i < in->npending; i++) {
        const struct pending *p = &in->pending[i];

        if (p->metric == metric && p->exp == exp && p->step >= ns->step)
            ns->step = p->step + 1;
    }
    *step_out = ns->step++;
    return rc;
}

/* A point with its own step moves a counted metric's next step past it. */
static void step_seen(struct ingest *in, int64_t exp, const char *metric,
                      int64_t step)
{
    size_t i;

    for (i = 0; i < in->nsteps; i++) {
        struct next_step *ns = &in->steps[i];

        if (ns->exp == exp && strcmp(ns->metric, metric) == 0) {
            if (step >= ns->step)
                ns->step = step + 1;
            return;
        }
    }
}

int ingest_point(struct ingest *in, int64_t exp, const char *metric,
                 int64_t step, double value, int64_t ts)
{
    struct pending *p;
    int rc = 0;

    if (step < 0)
        rc = next_step(in, exp, metric, &step);
    else if (in->nsteps)
        step_seen(in, exp, metric, step);
    if (rc)
        return rc;
    XGROW(in->pending, in->npending + 1, in->cap_pending);
    p = &in->pending[in->npending++];
    p->exp = exp;
    p->metric = intern(in, metric);
    p->step = step;
    p->value = value;
    if (!ts && !in->now_ms)
        in->now_ms = time_now_ms(); /* once per line (or chunk): see tick */
    p->ts = ts ? ts : in->now_ms;
    p->lineno = in->lineno;
    in->fresh = 1;
    return 0;
}

/* ---- one line ------------------------------------------------------ */

static int resolve_exp(struct ingest *in, const char *name, int64_t *exp_out)
{
    int rc;

    if (!name) {
        if (!in->o.exp)
            return ll_error(LL_EINPUT, "%s:%zu: no experiment: give \"exp\" "
                            "in the line, --exp or $LABLOG_EXP", in->o.name,
                            in->lineno);
        *exp_out = in->o.exp;
        return 0;
    }
    if (strcmp(name, in->exp_name) == 0 && in->exp_id) {
        *exp_out = in->exp_id;
        return 0;
    }
    rc = store_exp_find(in->s, name, exp_out);
    if (rc == LL_ENOTFOUND)
        return ll_error(LL_EINPUT, "%s:%zu: unknown experiment '%s' (create "
                        "it with 'lablog exp new %s')", in->o.name,
                        in->lineno, name, name);
    if (rc == 0 && strlen(name) < sizeof(in->exp_name)) {
        strcpy(in->exp_name, name);
        in->exp_id = *exp_out;
    }
    return rc;
}

static void warn_once(struct ingest *in, const char *field, const char *why)
{
    size_t i;

    if (in->o.quiet_fields)
        return;
    for (i = 0; i < in->nwarned; i++)
        if (strcmp(in->warned[i], field) == 0)
            return;
    XGROW(in->warned, in->nwarned + 1, in->cap_warned);
    in->warned[in->nwarned++] = xstrdup(field);
    ll_warn("%s:%zu: ignoring field '%s' (%s)", in->o.name, in->lineno,
            field, why);
}

static int parse_step(struct ingest *in, double v, int is_int, int64_t iv,
                      int64_t *step_out)
{
    if (is_int || (isfinite(v) && v == floor(v) && fabs(v) < 9e15)) {
        *step_out = is_int ? iv : (int64_t)v;
        if (*step_out >= 0)
            return 0;
    }
    return ll_error(LL_EINPUT, "%s:%zu: step must be a non-negative integer",
                    in->o.name, in->lineno);
}

/* A "time" value: ISO-8601 text or unix seconds. */
static int parse_time(struct ingest *in, const struct jsonl_field *f,
                      int64_t *ts_out)
{
    if (f->kind == JSONL_NUMBER)
        return time_from_unix(ts_out, f->num, in->o.name, in->lineno);
    if (f->kind == JSONL_STRING)
        return time_parse_iso(ts_out, f->str, in->o.name, in->lineno);
    return ll_error(LL_EINPUT, "%s:%zu: \"time\" must be ISO-8601 text or "
                    "unix seconds", in->o.name, in->lineno);
}

static const char *step_key(const struct ingest *in)
{
    return in->o.step_key ? in->o.step_key : "step";
}

/* The hint for a file of another tool, or NULL. */
static int export_hint(struct ingest *in, const char *what, const char *cmd)
{
    return ll_error(LL_EUSAGE, "%s:%zu: this looks like %s; import it with "
                    "'lablog import %s'", in->o.name, in->lineno, what, cmd);
}

static int jsonl_field_value(struct ingest *in, int64_t exp, const char *key,
                             const struct jsonl_field *f, int depth,
                             int64_t step, int64_t ts);

/* The members of a nested object as "prefix/key" metrics. */
static int flatten(struct ingest *in, int64_t exp, const char *prefix,
                   const struct jsonl_field *obj, int depth, int64_t step,
                   int64_t ts)
{
    const struct jsonl_field *fields;
    struct buf key = BUF_INIT;
    size_t n, i;
    int rc;

    if (depth >= MAX_FLATTEN_DEPTH) {
        warn_once(in, prefix, "nested too deeply");
        return 0;
    }
    if (!in->nested[depth])
        in->nested[depth] = jsonl_new();
    rc = jsonl_parse(&fields, &n, in->nested[depth], obj->str, obj->str_len,
                     in->o.name, in->lineno);
    if (rc == 0 && jsonl_find(in->nested[depth], "_type")) {
        warn_once(in, prefix, "a media object");
        return 0;
    }
    for (i = 0; rc == 0 && i < n; i++) {
        buf_reset(&key);
        buf_printf(&key, "%s/%s", prefix, fields[i].key);
        rc = jsonl_field_value(in, exp, key.ptr, &fields[i], depth + 1, step,
                               ts);
    }
    buf_release(&key);
    return rc;
}

static int jsonl_field_value(struct ingest *in, int64_t exp, const char *key,
                             const struct jsonl_field *f, int depth,
                             int64_t step, int64_t ts)
{
    if (f->kind == JSONL_NUMBER)
        return ingest_point(in, exp, key, step, f->num, ts);
    if (f->kind == JSONL_OTHER && f->str[0] == '{')
        return flatten(in, exp, key, f, depth, step, ts);
    if (f->kind != JSONL_NULL)
        warn_once(in, key, f->kind == JSONL_OTHER ? "an array"
                                                  : "not a number");
    return 0;
}

/* Whether the line is "timestamp value step" as in MLflow's metric files. */
static int mlflow_line(const char *line, size_t len)
{
    size_t i = 0, words = 0;

    while (i < len) {
        size_t start = i;

        while (i < len && line[i] != ' ' && line[i] != '\r')
            i++;
        if (i == start)
            return 0;
        words++;
        while (i < len && (line[i] == ' ' || line[i] == '\r'))
            i++;
    }
    return (words == 3 || words == 2) && strspn(line, "0123456789") == 13;
}

/* The field that gives the step: "step" (or --step-key's); with
 * step_aliases also "global_step" (Hugging Face), "_step" (Weights &
 * Biases), else an integral "epoch". NULL when none does (the step is
 * counted). */
static const struct jsonl_field *step_field(const struct ingest *in)
{
    static const char *const aliases[] = { "global_step", "_step" };
    const struct jsonl_field *f = jsonl_find(in->jsonl, step_key(in));
    size_t i;

    if (f || !in->o.step_aliases || in->o.step_key)
        return f;
    for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
        f = jsonl_find(in->jsonl, aliases[i]);
        if (f)
            return f;
    }
    f = jsonl_find(in->jsonl, "epoch");
    if (f && f->kind == JSONL_NUMBER && isfinite(f->num) && f->num >= 0
        && f->num == floor(f->num) && f->num < 9e15)
        return f;
    return NULL;
}

/* Fields that are never metrics: the special ones, the step's own field
 * and, with step_aliases, the other step counters. */
static int special_field(const struct ingest *in, const struct jsonl_field *f,
                         const struct jsonl_field *step)
{
    const char *k = f->key;

    if (f == step || !strcmp(k, "exp") || !strcmp(k, step_key(in))
        || !strcmp(k, "time") || !strcmp(k, "lablog"))
        return 1;
    return in->o.step_aliases && !in->o.step_key
           && (!strcmp(k, "global_step") || !strcmp(k, "_step"));
}

static int jsonl_line(struct ingest *in, const char *line, size_t len)
{
    const struct jsonl_field *fields, *f, *sf;
    int64_t exp, step = -1, ts = 0;
    size_t n, i;
    int rc, first = !in->seen_data;

    in->seen_data = 1;
    if (!in->jsonl)
        in->jsonl = jsonl_new();
    if (first && in->o.hints && mlflow_line(line, len))
        return export_hint(in, "an MLflow metric file (timestamp value "
                           "step)", "mlflow mlruns/");
    rc = jsonl_parse(&fields, &n, in->jsonl, line, len, in->o.name,
                     in->lineno);
    if (rc)
        return rc;
    if (first && in->o.hints && !in->o.step_key
        && jsonl_find(in->jsonl, "_step")
        && (jsonl_find(in->jsonl, "_runtime")
            || jsonl_find(in->jsonl, "_timestamp")))
        return export_hint(in, "a W&B history export (_step, _runtime, "
                           "_timestamp)", "wandb FILE");
    f = jsonl_find(in->jsonl, "exp");
    if (f && f->kind != JSONL_STRING)
        return ll_error(LL_EINPUT, "%s:%zu: \"exp\" must be a string",
                        in->o.name, in->lineno);
    rc = resolve_exp(in, f ? f->str : NULL, &exp);
    sf = step_field(in);
    if (rc == 0 && sf) {
        if (sf->kind != JSONL_NUMBER)
            return ll_error(LL_EINPUT, "%s:%zu: %s must be a non-negative "
                            "integer", in->o.name, in->lineno, sf->key);
        rc = parse_step(in, sf->num, sf->is_int, sf->i64, &step);
    }
    f = jsonl_find(in->jsonl, "time");
    if (rc == 0 && f)
        rc = parse_time(in, f, &ts);
    /* No time given: ingest_point() stamps the points with the time of
     * the chunk being read (in->now_ms), not a clock read per line. */
    for (i = 0; rc == 0 && i < n; i++) {
        f = &fields[i];
        if (special_field(in, f, sf))
            continue;
        rc = jsonl_field_value(in, exp, f->key, f, 0, step, ts);
    }
    return rc;
}

int ingest_jsonl_line(struct ingest *in, const char *line, size_t len,
                      size_t lineno)
{
    size_t mark = in->npending;
    int rc;

    in->lineno = lineno;
    rc = jsonl_line(in, line, len);
    if (rc)
        in->npending = mark;
    return rc;
}

/* Column roles of a plain CSV header: 0 metric, 1 step, 2 exp, 3 time,
 * 4 ignored (a pandas index when there is a step column). */
static int csv_role_of(const struct ingest *in, size_t i)
{
    const char *name = csv_column_name(in->csv, i);

    if ((int)i == in->csv_step_col)
        return 1;
    if ((int)i == in->csv_index_col)
        return 4;
    if (in->o.step_key)
        ; /* "step" is an ordinary column then */
    else if (strcasecmp(name, "step") == 0)
        return 1;
    if (strcasecmp(name, "exp") == 0)
        return 2;
    if (strcasecmp(name, "time") == 0 || strcasecmp(name, "wall_time") == 0)
        return 3;
    return 0;
}

static int csv_role(const struct ingest *in, size_t i)
{
    return in->csv_roles ? in->csv_roles[i] : csv_role_of(in, i);
}

static int csv_is_metric(const struct ingest *in, size_t i)
{
    if (csv_format(in->csv) == CSV_FORMAT_TENSORBOARD)
        return i == CSV_TB_VALUE;
    return csv_role(in, i) == 0;
}

/* Finds the step and index columns and checks every metric has a name. */
static int csv_columns(struct ingest *in)
{
    size_t i, n = csv_column_count(in->csv);
    const char *sk = step_key(in);
    int wandb_panel = 0, has_step = 0, has_bookkeeping = 0;

    in->csv_step_col = in->csv_index_col = -1;
    for (i = 0; i < n; i++) {
        const char *name = csv_column_name(in->csv, i);

        if (strstr(name, " - "))
            wandb_panel = 1;
        if (strcmp(name, "_step") == 0)
            has_step = 1;
        if (strcmp(name, "_runtime") == 0 || strcmp(name, "_timestamp") == 0)
            has_bookkeeping = 1;
        if (in->o.step_key ? strcmp(name, sk) == 0
                           : strcasecmp(name, "step") == 0)
            in->csv_step_col = (int)i;
    }
    if (in->o.hints && wandb_panel && !in->o.step_key)
        return export_hint(in, "a W&B panel export ('RUN - METRIC' "
                           "columns)", "wandb FILE");
    if (in->o.hints && has_step && has_bookkeeping && !in->o.step_key)
        return export_hint(in, "a W&B history export (_step, _runtime, "
                           "_timestamp)", "wandb FILE");
    if (in->o.step_key && in->csv_step_col < 0)
        return ll_error(LL_EINPUT, "%s:%zu: no column '%s' (--step-key)",
                        in->o.name, in->lineno, sk);
    for (i = 0; i < n; i++) {
        if (*csv_column_name(in->csv, i))
            continue;
        if (i != 0)
            return ll_error(LL_EINPUT, "%s:%zu: column %zu has no name",
                            in->o.name, in->lineno, i + 1);
        /* pandas' to_csv(): the index, the step when there is none */
        if (in->csv_step_col < 0)
            in->csv_step_col = 0;
        else
            in->csv_index_col = 0;
    }
    free(in->csv_roles);
    in->csv_roles = xcalloc(n + 1, 1);
    for (i = 0; i < n; i++)
        in->csv_roles[i] = (unsigned char)csv_role_of(in, i);
    return 0;
}

static int csv_row(struct ingest *in, const char *line, size_t len)
{
    const struct csv_cell *cells;
    int tb = csv_format(in->csv) == CSV_FORMAT_TENSORBOARD;
    const char *exp_name = NULL;
    int64_t exp, step = -1, ts = 0;
    size_t n, i;
    int rc = csv_parse_row(&cells, &n, in->csv, line, len, in->o.name,
                           in->lineno);

    for (i = 0; rc == 0 && i < n; i++) {
        int role = tb ? 0 : csv_role(in, i);

        if (tb)
            role = i == CSV_TB_STEP ? 1 : i == CSV_TB_WALL_TIME ? 3 : 0;
        if (role == 2 && cells[i].kind != CSV_EMPTY)
            exp_name = cells[i].text;
        else if (role == 1 && cells[i].kind == CSV_NUMBER)
            rc = parse_step(in, cells[i].num, 0, 0, &step);
        else if (role == 1 && cells[i].kind == CSV_TEXT)
            rc = parse_step(in, NAN, 0, 0, &step);
        else if (role == 3 && cells[i].kind == CSV_NUMBER)
            rc = time_from_unix(&ts, cells[i].num, in->o.name, in->lineno);
        else if (role == 3 && cells[i].kind == CSV_TEXT)
            rc = time_parse_iso(&ts, cells[i].text, in->o.name, in->lineno);
    }
    if (rc == 0)
        rc = resolve_exp(in, exp_name, &exp);
    /* No time given: ingest_point() stamps the points with the time of
     * the chunk being read (in->now_ms), not a clock read per line. */
    /* Check every cell before writing any: a bad line adds nothing. */
    for (i = 0; rc == 0 && i < n; i++)
        if (csv_is_metric(in, i) && cells[i].kind == CSV_TEXT)
            return ll_error(LL_EINPUT, "%s:%zu: '%s' is not a number "
                            "(column '%s')", in->o.name, in->lineno,
                            cells[i].text, csv_column_name(in->csv, i));
    for (i = 0; rc == 0 && i < n; i++)
        if (csv_is_metric(in, i) && cells[i].kind == CSV_NUMBER)
            rc = ingest_point(in, exp, tb ? in->o.metric_name
                                          : csv_column_name(in->csv, i),
                              step, cells[i].num, ts);
    return rc;
}

static int csv_line(struct ingest *in, const char *line, size_t len)
{
    int rc;

    if (in->csv)
        return csv_row(in, line, len);
    in->csv = csv_new();
    rc = csv_parse_header(in->csv, line, len, in->o.name, in->lineno);
    if (rc == 0 && csv_format(in->csv) != CSV_FORMAT_TENSORBOARD)
        rc = csv_columns(in);
    if (rc == 0 && csv_format(in->csv) == CSV_FORMAT_TENSORBOARD
        && !in->o.metric_name)
        rc = ll_error(LL_EUSAGE, "%s: a TensorBoard export (Wall time,Step,"
                      "Value) needs --name METRIC", in->o.name);
    if (rc) {
        csv_free(in->csv);
        in->csv = NULL;
        free(in->csv_roles);
        in->csv_roles = NULL;
    }
    return rc;
}

/* ---- the input loop ------------------------------------------------- */

static void progress(struct ingest *in, int final)
{
    int64_t now;

    if (!in->o.progress)
        return;
    now = monotonic_ms();
    if (!final && now - in->last_progress < 250)
        return;
    in->last_progress = now;
    fprintf(stderr, "\ringest: %zu lines, %zu points written%s", in->st.lines,
            in->st.points, final ? "\n" : "");
}

/* Handles a bad line: stop (after committing what came before) or skip. */
static int bad_line(struct ingest *in, int rc)
{
    if (!in->o.skip_bad || rc != LL_EINPUT)
        return rc;
    ll_warn("skipped: %s", ll_error_message());
    in->st.skipped++;
    return 0;
}

static int blank(const char *line, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (line[i] != ' ' && line[i] != '\t')
            return 0;
    return 1;
}

/* Commits, retrying while the log stays locked: each attempt already
 * waits the store's busy timeout, so this gives up only after minutes. */
static int flush_retrying(struct ingest *in, int (*commit)(struct ingest *,
                                                           int *))
{
    int attempt, wait_ms, rc = 0;

    for (attempt = 0; attempt < BUSY_RETRIES; attempt++) {
        rc = commit(in, &wait_ms);
        if (rc != LL_EBUSY)
            return rc;
        poll(NULL, 0, BUSY_BACKOFF_MS << (attempt < 4 ? attempt : 4));
    }
    return rc;
}

static int flush_now(struct ingest *in, int *wait_ms_out)
{
    *wait_ms_out = -1;
    return ingest_flush(in);
}

/* One line: a bad line adds no point, even when it failed half-way. */
static int parse_line(struct ingest *in, const char *line, size_t len)
{
    size_t mark = in->npending;
    int rc;

    if (in->o.format == INGEST_JSONL)
        rc = jsonl_line(in, line, len);
    else
        rc = csv_line(in, line, len);
    if (rc)
        in->npending = mark;
    return rc;
}

int ingest_fd(struct ingest *in, int fd)
{
    struct linereader *lr = linereader_new(fd, in->o.name, LINEREADER_MAX_LEN);
    const char *line;
    size_t len;
    int rc = 0, got, wait_ms, commit_failed = 0;
    char msg[1024];

    for (;;) {
        /* Commit by size, idle input or age, so readers see points within
         * a second whatever the input rate. */
        rc = flush_retrying(in, ingest_tick);
        if (rc) {
            commit_failed = 1;
            break;
        }
        if (!linereader_buffered(lr) && ingest_pending(in)) {
            rc = ingest_tick(in, &wait_ms);
            if (rc == 0 && wait_ms >= 0 && !linereader_wait(lr, wait_ms))
                continue;
            if (rc && rc != LL_EBUSY) {
                commit_failed = 1;
                break;
            }
            rc = 0;
        }
        got = linereader_next(&line, &len, lr);
        in->lineno = linereader_lineno(lr);
        if (got == 0)
            break;
        if (got < 0) {
            rc = bad_line(in, got);
            if (rc)
                break;
            continue;
        }
        in->st.lines++;
        if (blank(line, len))
            continue;
        rc = parse_line(in, line, len);
        if (rc) {
            rc = bad_line(in, rc);
            if (rc)
                break;
        }
        progress(in, 0);
    }
    linereader_free(lr);
    /* Keep the lines before a bad one: commit them, then report it. A
     * commit that failed (a full disk) is not tried again. */
    if (rc == 0 || !commit_failed) {
        int frc;

        if (rc)
            snprintf(msg, sizeof(msg), "%s", ll_error_message());
        frc = flush_retrying(in, flush_now);
        if (frc) {
            snprintf(msg, sizeof(msg), "%s", ll_error_message());
            rc = frc;
        }
    } else {
        snprintf(msg, sizeof(msg), "%s", ll_error_message());
    }
    progress(in, 1);
    if (rc)
        return ll_error(rc, "%s (%zu points written before it)", msg,
                        in->st.points);
    return 0;
}
