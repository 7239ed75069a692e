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

/* Commit a pending batch when the input has been idle this long. */
#define IDLE_COMMIT_MS 500

struct next_step {
    int64_t exp;
    char *metric;
    int64_t step;
};

#define MAX_FLATTEN_DEPTH 16

struct ingest {
    struct store *s;
    struct ingest_opts o;
    struct ingest_stats st;
    struct store_batch *batch;  /* open batch, in an open transaction */
    size_t batch_points;        /* new points in it: counted in st.points
                                   only once it commits */
    struct jsonl_parser *jsonl;
    struct jsonl_parser *nested[MAX_FLATTEN_DEPTH]; /* one per depth */
    struct csv_parser *csv;
    int csv_step_col;           /* the step column, -1 none */
    int csv_index_col;          /* a pandas index column, -1 none */
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

struct ingest *ingest_new(struct store *s, const struct ingest_opts *o)
{
    struct ingest *in = xcalloc(1, sizeof(*in));
    struct timespec now;

    in->s = s;
    in->o = *o;
    buf_init(&in->conflict);
    clock_gettime(CLOCK_MONOTONIC, &now);
    in->started = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    return in;
}

void ingest_free(struct ingest *in)
{
    size_t i;

    if (!in)
        return;
    if (in->batch) {
        store_batch_free(in->batch);
        store_rollback(in->s);
    }
    jsonl_free(in->jsonl);
    for (i = 0; i < MAX_FLATTEN_DEPTH; i++)
        jsonl_free(in->nested[i]);
    csv_free(in->csv);
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

/* ---- batches --------------------------------------------------------- */

int ingest_flush(struct ingest *in)
{
    struct entry e;
    int rc;

    if (!in->batch)
        return 0;
    memset(&e, 0, sizeof(e));
    e.ts = time_now_ms();
    e.author = in->o.author;
    rc = store_batch_finish(in->batch, &e);
    in->batch = NULL;
    if (rc == 0)
        rc = store_commit(in->s);
    if (rc) {
        store_rollback(in->s);
        in->batch_points = 0; /* rolled back: never in the log */
        return rc;
    }
    in->st.batches += e.id != 0;
    in->st.points += in->batch_points;
    in->batch_points = 0;
    return 0;
}

static int open_batch(struct ingest *in)
{
    int rc;

    if (in->batch)
        return 0;
    rc = store_begin_write(in->s);
    if (rc)
        return rc;
    rc = store_batch_begin(in->s, &in->batch);
    if (rc)
        store_rollback(in->s);
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
    *step_out = ns->step++;
    return rc;
}

static void note_conflict(struct ingest *in, const char *metric, int64_t step,
                          double value)
{
    char v[NUM_TEXT_SIZE];

    in->st.conflicts++;
    if (in->conflict.len)
        return;
    buf_printf(&in->conflict, "%s:%zu: '%s' at step %lld already has "
               "another value (not %s)", in->o.name, in->lineno, metric,
               (long long)step, num_format(v, value));
}

int ingest_point(struct ingest *in, int64_t exp, const char *metric,
                 int64_t step, double value, int64_t ts)
{
    enum batch_outcome outcome;
    int rc = open_batch(in);

    if (rc == 0 && step < 0)
        rc = next_step(in, exp, metric, &step);
    if (!ts)
        ts = time_now_ms();
    if (rc == 0)
        rc = store_batch_add(in->batch, exp, metric, step, value, ts,
                             &outcome);
    if (rc == 0 && outcome == BATCH_AGAIN) {
        /* A resumed attempt logged this step twice in one batch: the newer
         * value goes into the next batch. */
        rc = ingest_flush(in);
        if (rc == 0)
            rc = open_batch(in);
        if (rc == 0)
            rc = store_batch_add(in->batch, exp, metric, step, value, ts,
                                 &outcome);
    }
    if (rc)
        return rc;
    if (outcome == BATCH_WRITTEN)
        in->batch_points++;
    else if (outcome == BATCH_DUPLICATE)
        in->st.duplicates++;
    else
        note_conflict(in, metric, step, value);
    if (store_batch_count(in->batch) >= INGEST_BATCH)
        return ingest_flush(in);
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

static int jsonl_line(struct ingest *in, const char *line, size_t len)
{
    const struct jsonl_field *fields, *f;
    int64_t exp, step = -1, ts = 0;
    const char *sk = step_key(in);
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
    f = jsonl_find(in->jsonl, sk);
    if (rc == 0 && f) {
        if (f->kind != JSONL_NUMBER)
            return ll_error(LL_EINPUT, "%s:%zu: %s must be a non-negative "
                            "integer", in->o.name, in->lineno, sk);
        rc = parse_step(in, f->num, f->is_int, f->i64, &step);
    }
    f = jsonl_find(in->jsonl, "time");
    if (rc == 0 && f)
        rc = parse_time(in, f, &ts);
    if (rc == 0 && !ts)
        ts = time_now_ms(); /* once per line, not per point */
    for (i = 0; rc == 0 && i < n; i++) {
        f = &fields[i];
        if (!strcmp(f->key, "exp") || !strcmp(f->key, sk)
            || !strcmp(f->key, "time") || !strcmp(f->key, "lablog"))
            continue;
        rc = jsonl_field_value(in, exp, f->key, f, 0, step, ts);
    }
    return rc;
}

int ingest_jsonl_line(struct ingest *in, const char *line, size_t len,
                      size_t lineno)
{
    in->lineno = lineno;
    return jsonl_line(in, line, len);
}

/* Column roles of a plain CSV header: 0 metric, 1 step, 2 exp, 3 time,
 * 4 ignored (a pandas index when there is a step column). */
static int csv_role(const struct ingest *in, size_t i)
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
    if (rc == 0 && !ts)
        ts = time_now_ms(); /* once per line, not per point */
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
    }
    return rc;
}

/* ---- the input loop ------------------------------------------------- */

static int64_t monotonic_ms(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

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

int ingest_fd(struct ingest *in, int fd)
{
    struct linereader *lr = linereader_new(fd, in->o.name, LINEREADER_MAX_LEN);
    const char *line;
    size_t len;
    int rc = 0, got;

    for (;;) {
        /* Idle input: commit so readers see the points within a second. */
        if (in->batch && !linereader_buffered(lr)
            && !linereader_wait(lr, IDLE_COMMIT_MS)) {
            rc = ingest_flush(in);
            if (rc)
                break;
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
        if (in->o.format == INGEST_JSONL)
            rc = jsonl_line(in, line, len);
        else
            rc = csv_line(in, line, len);
        if (rc) {
            rc = bad_line(in, rc);
            if (rc)
                break;
        }
        progress(in, 0);
    }
    linereader_free(lr);
    if (rc) {
        /* Keep the lines before the bad one: commit, then report it. */
        char msg[1024];
        int frc;

        snprintf(msg, sizeof(msg), "%s", ll_error_message());
        frc = ingest_flush(in);
        progress(in, 1);
        return frc ? frc : ll_error(rc, "%s (%zu points written before it)",
                                    msg, in->st.points);
    }
    rc = ingest_flush(in);
    progress(in, 1);
    return rc;
}
