/* SPDX-License-Identifier: MIT */
/*
 * `lablog import wandb FILE`: Weights & Biases exports.
 *
 * A panel CSV (a chart's "Export CSV") has an x column, then for every run
 * "RUN - METRIC" with optional "RUN - METRIC__MIN" / "__MAX" band columns:
 *
 *     "Step","lr-3e-4 - loss","lr-3e-4 - loss__MIN","lr-3e-4 - loss__MAX",...
 *
 * Each run becomes an experiment; the bands (the range of the points the
 * chart merged into one) are dropped; empty cells are steps the run did
 * not log.
 *
 * A history export (run.history() or wandb-history.jsonl, as JSONL or CSV)
 * is one run: "_step" is the step, "_timestamp" (unix seconds) the time,
 * "_runtime" and other "_" keys are bookkeeping, nested objects become
 * "a/b" metrics, and media objects (with a "_type") are skipped. The
 * experiment is --exp, else the run folder's name (run-DATE-ID when the
 * file is in a W&B run's files/), else the file's name.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "import/import.h"
#include "ingest/csv.h"
#include "ingest/jsonl.h"
#include "ingest/linereader.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

#define MAX_DEPTH 16

enum wandb_kind { WANDB_PANEL, WANDB_HISTORY_CSV, WANDB_HISTORY_JSONL };

struct wandb {
    struct importer *im;
    const char *path;
    const char *exp;
    enum wandb_kind kind;
    struct csv_parser *csv;
    struct jsonl_parser *json[MAX_DEPTH];
    size_t lineno;
    char *x_name;           /* panel: the x column */
    char **runs;            /* panel: run names, in column order */
    size_t nruns, cap_runs;
    const char *run;        /* panel: the run being imported */
};

static int is_step_name(const char *name)
{
    static const char *const names[] = { "Step", "step", "_step",
                                         "global_step", "trainer/global_step",
                                         "epoch", NULL };
    int i;

    for (i = 0; names[i]; i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

static int band(const char *name)
{
    size_t n = strlen(name);

    return n > 5 && (strcmp(name + n - 5, "__MIN") == 0
                     || strcmp(name + n - 5, "__MAX") == 0);
}

/* Splits "RUN - METRIC" (at the first " - "); 0 when it is not one. */
static int split_column(const char *name, struct buf *run, struct buf *metric)
{
    const char *sep = strstr(name, " - ");

    if (!sep || sep == name || !sep[3])
        return 0;
    buf_reset(run);
    buf_put(run, name, (size_t)(sep - name));
    buf_reset(metric);
    buf_puts(metric, sep + 3);
    return 1;
}

static int open_file(struct linereader **out, int *fd_out, const char *path)
{
    int fd = open(path, O_RDONLY);

    *out = NULL;
    *fd_out = fd;
    if (fd < 0)
        return ll_error(LL_EIO, "cannot open '%s': %s", path, strerror(errno));
    *out = linereader_new(fd, path, LINEREADER_MAX_LEN);
    return 0;
}

static void close_file(struct linereader *lr, int fd)
{
    linereader_free(lr);
    if (fd >= 0)
        close(fd);
}

/* ---- panel CSV -------------------------------------------------------- */

static int panel_header(struct wandb *w)
{
    struct buf run = BUF_INIT, metric = BUF_INIT;
    size_t i, j, n = csv_column_count(w->csv);
    int rc = 0;

    if (n < 2 || is_step_name(csv_column_name(w->csv, 0)) == 0)
        rc = ll_error(LL_EINPUT, "%s:1: the first column '%s' is not a step "
                      "(export the panel with Step on the x axis)", w->path,
                      n ? csv_column_name(w->csv, 0) : "");
    for (i = 1; rc == 0 && i < n; i++) {
        const char *name = csv_column_name(w->csv, i);

        if (!split_column(name, &run, &metric)) {
            rc = ll_error(LL_EINPUT, "%s:1: column %zu ('%s') is not 'RUN - "
                          "METRIC'", w->path, i + 1, name);
            break;
        }
        for (j = 0; j < w->nruns; j++)
            if (strcmp(w->runs[j], run.ptr) == 0)
                break;
        if (j == w->nruns) {
            XGROW(w->runs, w->nruns + 1, w->cap_runs);
            w->runs[w->nruns++] = xstrdup(run.ptr);
        }
    }
    buf_release(&run);
    buf_release(&metric);
    return rc;
}

static int panel_row(struct wandb *w, const struct csv_cell *cells, size_t n)
{
    struct buf run = BUF_INIT, metric = BUF_INIT;
    double stepv;
    size_t i;
    int rc = 0;

    if (cells[0].kind != CSV_NUMBER)
        return ll_error(LL_EINPUT, "%s:%zu: the step '%s' is not a number",
                        w->path, w->lineno, cells[0].text);
    stepv = cells[0].num;
    if (!(stepv >= 0 && stepv == floor(stepv) && stepv < 9e15))
        return ll_error(LL_EINPUT, "%s:%zu: step must be a non-negative "
                        "integer, not '%s'", w->path, w->lineno,
                        cells[0].text);
    for (i = 1; rc == 0 && i < n; i++) {
        const char *name = csv_column_name(w->csv, i);

        if (cells[i].kind == CSV_TEXT)
            rc = ll_error(LL_EINPUT, "%s:%zu: '%s' is not a number (column "
                          "'%s')", w->path, w->lineno, cells[i].text, name);
        if (rc || cells[i].kind != CSV_NUMBER || band(name))
            continue;
        split_column(name, &run, &metric);
        if (w->run && strcmp(run.ptr, w->run) == 0)
            rc = importer_point(w->im, metric.ptr, (int64_t)stepv,
                                cells[i].num, 0);
    }
    buf_release(&run);
    buf_release(&metric);
    return rc;
}

/* ---- history ---------------------------------------------------------- */

static int flatten(struct wandb *w, const char *prefix, const char *text,
                   size_t len, int depth, int64_t step, int64_t ts);

static int history_value(struct wandb *w, const char *key,
                         const struct jsonl_field *f, int depth, int64_t step,
                         int64_t ts)
{
    if (f->kind == JSONL_NUMBER)
        return importer_point(w->im, key, step, f->num, ts);
    if (f->kind == JSONL_OTHER && f->str[0] == '{' && depth + 1 < MAX_DEPTH)
        return flatten(w, key, f->str, f->str_len, depth + 1, step, ts);
    return 0; /* text, booleans, arrays: not metrics */
}

/* The members of a nested object, as "prefix/key". Media objects carry a
 * "_type" and are skipped. */
static int flatten(struct wandb *w, const char *prefix, const char *text,
                   size_t len, int depth, int64_t step, int64_t ts)
{
    const struct jsonl_field *fields;
    struct buf key = BUF_INIT;
    size_t n, i;
    int rc;

    if (!w->json[depth])
        w->json[depth] = jsonl_new();
    rc = jsonl_parse(&fields, &n, w->json[depth], text, len, w->path,
                     w->lineno);
    if (rc || jsonl_find(w->json[depth], "_type"))
        return rc;
    for (i = 0; rc == 0 && i < n; i++) {
        buf_reset(&key);
        buf_printf(&key, "%s/%s", prefix, fields[i].key);
        rc = history_value(w, key.ptr, &fields[i], depth, step, ts);
    }
    buf_release(&key);
    return rc;
}

static int history_step(struct wandb *w, double v, int64_t *step_out)
{
    if (!(v >= 0 && v == floor(v) && v < 9e15))
        return ll_error(LL_EINPUT, "%s:%zu: _step must be a non-negative "
                        "integer", w->path, w->lineno);
    *step_out = (int64_t)v;
    return 0;
}

static int history_jsonl(struct wandb *w, const char *line, size_t len)
{
    const struct jsonl_field *fields, *f;
    int64_t step = -1, ts = 0;
    size_t n, i;
    int rc;

    if (!w->json[0])
        w->json[0] = jsonl_new();
    rc = jsonl_parse(&fields, &n, w->json[0], line, len, w->path, w->lineno);
    if (rc)
        return rc;
    f = jsonl_find(w->json[0], "_step");
    if (f && f->kind == JSONL_NUMBER)
        rc = history_step(w, f->num, &step);
    else if (f && f->kind != JSONL_NULL)
        rc = ll_error(LL_EINPUT, "%s:%zu: _step must be a number", w->path,
                      w->lineno);
    f = jsonl_find(w->json[0], "_timestamp");
    if (rc == 0 && f && f->kind == JSONL_NUMBER && isfinite(f->num)
        && f->num > 0 && f->num < 1e11)
        ts = (int64_t)llround(f->num * 1000.0);
    /* The parser's fields are reused by nested parses at depth 1 and
     * below only, so they stay valid through this loop. */
    for (i = 0; rc == 0 && i < n; i++) {
        if (fields[i].key[0] == '_')
            continue;
        rc = history_value(w, fields[i].key, &fields[i], 0, step, ts);
    }
    return rc;
}

static int history_csv(struct wandb *w, const struct csv_cell *cells,
                       size_t n)
{
    int64_t step = -1, ts = 0;
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && i < n; i++) {
        const char *name = csv_column_name(w->csv, i);

        if (strcmp(name, "_step") == 0 && cells[i].kind == CSV_NUMBER)
            rc = history_step(w, cells[i].num, &step);
        else if (strcmp(name, "_timestamp") == 0 && cells[i].kind == CSV_NUMBER
                 && cells[i].num > 0 && cells[i].num < 1e11)
            ts = (int64_t)llround(cells[i].num * 1000.0);
    }
    for (i = 0; rc == 0 && i < n; i++) {
        const char *name = csv_column_name(w->csv, i);

        if (!*name || name[0] == '_' || cells[i].kind != CSV_NUMBER)
            continue; /* the pandas index, bookkeeping, text, gaps */
        rc = importer_point(w->im, name, step, cells[i].num, ts);
    }
    return rc;
}

/* ---- the file ---------------------------------------------------------- */

/* One pass over the file, for the run w->run (panel) or the history. */
static int read_pass(struct wandb *w)
{
    struct linereader *lr = NULL;
    const char *line;
    size_t len;
    int fd, got = 0, header = 1;
    int rc = open_file(&lr, &fd, w->path);

    csv_free(w->csv);
    w->csv = NULL;
    while (rc == 0 && (got = linereader_next(&line, &len, lr)) != 0) {
        w->lineno = linereader_lineno(lr);
        if (got < 0) {
            rc = got;
            break;
        }
        if (len == 0 || strspn(line, " \t") == len)
            continue;
        if (header) {
            header = 0;
            if (line[0] == '{') {
                w->kind = WANDB_HISTORY_JSONL;
            } else {
                w->csv = csv_new();
                rc = csv_parse_header(w->csv, line, len, w->path, w->lineno);
                if (rc)
                    break;
                if (w->kind == WANDB_PANEL && !w->nruns)
                    rc = panel_header(w);
                continue;
            }
        }
        if (w->kind == WANDB_HISTORY_JSONL) {
            rc = history_jsonl(w, line, len);
        } else {
            const struct csv_cell *cells;
            size_t n;

            rc = csv_parse_row(&cells, &n, w->csv, line, len, w->path,
                               w->lineno);
            if (rc == 0)
                rc = w->kind == WANDB_PANEL ? panel_row(w, cells, n)
                                            : history_csv(w, cells, n);
        }
    }
    if (rc == 0 && header)
        rc = ll_error(LL_EINPUT, "%s: empty file", w->path);
    close_file(lr, fd);
    return rc;
}

/* What the first line says the file is. */
static int sniff(struct wandb *w)
{
    struct linereader *lr = NULL;
    struct csv_parser *csv = NULL;
    const char *line;
    size_t len = 0, i;
    int fd, got = 0;
    int rc = open_file(&lr, &fd, w->path);

    while (rc == 0 && (got = linereader_next(&line, &len, lr)) > 0)
        if (len && strspn(line, " \t") != len)
            break;
    if (rc == 0 && got < 0)
        rc = got;
    if (rc == 0 && got == 0)
        rc = ll_error(LL_EINPUT, "%s: empty file", w->path);
    if (rc == 0 && line[0] == '{') {
        w->kind = WANDB_HISTORY_JSONL;
    } else if (rc == 0) {
        csv = csv_new();
        rc = csv_parse_header(csv, line, len, w->path,
                              linereader_lineno(lr));
        w->kind = WANDB_HISTORY_CSV;
        for (i = 0; rc == 0 && i < csv_column_count(csv); i++)
            if (strstr(csv_column_name(csv, i), " - "))
                w->kind = WANDB_PANEL;
        if (rc == 0 && w->kind == WANDB_HISTORY_CSV) {
            int has_step = 0;

            for (i = 0; i < csv_column_count(csv); i++)
                has_step |= strcmp(csv_column_name(csv, i), "_step") == 0;
            if (!has_step)
                rc = ll_error(LL_EINPUT, "%s:%zu: not a W&B export (no "
                              "'RUN - METRIC' columns and no _step column)",
                              w->path, linereader_lineno(lr));
        }
    }
    csv_free(csv);
    close_file(lr, fd);
    return rc;
}

/* The experiment name of a history export. */
static void history_name(const struct wandb *w, char *out, size_t size)
{
    char real[PATH_MAX], *slash, *dot;

    if (w->exp) {
        snprintf(out, size, "%s", w->exp);
        return;
    }
    if (!realpath(w->path, real))
        snprintf(real, sizeof(real), "%s", w->path);
    slash = strrchr(real, '/');
    /* .../wandb/run-20240101_120000-abc123/files/wandb-history.jsonl */
    if (slash && slash - real >= 6 && strncmp(slash - 6, "/files", 6) == 0) {
        *(slash - 6) = '\0';
        slash = strrchr(real, '/');
        import_clean_name(out, size, slash ? slash + 1 : real);
        return;
    }
    dot = strrchr(slash ? slash + 1 : real, '.');
    if (dot)
        *dot = '\0';
    import_clean_name(out, size, slash ? slash + 1 : real);
}

int import_wandb(struct importer *im, const char *path, const char *exp)
{
    struct wandb w;
    struct import_run run;
    char name[128], real[PATH_MAX];
    struct buf key = BUF_INIT;
    size_t i;
    int rc, d;

    memset(&w, 0, sizeof(w));
    w.im = im;
    w.path = path;
    w.exp = exp;
    rc = sniff(&w);
    if (rc)
        return rc;
    if (!realpath(path, real))
        snprintf(real, sizeof(real), "%s", path);
    memset(&run, 0, sizeof(run));
    run.tool = "wandb";
    run.status = EXP_DONE;
    run.source = real;
    if (w.kind == WANDB_PANEL) {
        /* Read the header, then one pass per run. */
        rc = read_pass(&w);
        for (i = 0; rc == 0 && i < w.nruns; i++) {
            buf_reset(&key);
            buf_printf(&key, "panel:%s", w.runs[i]);
            run.key = key.ptr;
            run.name = w.runs[i];
            run.fallback = "wandb-run";
            w.run = w.runs[i];
            rc = importer_begin_run(im, &run);
            if (rc == 0)
                rc = read_pass(&w);
            if (rc == 0)
                rc = importer_end_run(im);
        }
    } else {
        history_name(&w, name, sizeof(name));
        buf_printf(&key, "history:%s", real);
        run.key = key.ptr;
        run.name = name;
        run.fallback = "wandb-history";
        rc = importer_begin_run(im, &run);
        if (rc == 0)
            rc = read_pass(&w);
        if (rc == 0)
            rc = importer_end_run(im);
    }
    csv_free(w.csv);
    for (d = 0; d < MAX_DEPTH; d++)
        jsonl_free(w.json[d]);
    for (i = 0; i < w.nruns; i++)
        free(w.runs[i]);
    free(w.runs);
    buf_release(&key);
    return rc;
}
