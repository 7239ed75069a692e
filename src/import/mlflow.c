/* SPDX-License-Identifier: MIT */
/*
 * `lablog import mlflow PATH`: an MLflow file store or SQLite database.
 *
 * The file store (mlruns/) is one folder per experiment, holding its
 * meta.yaml (name, lifecycle_stage) and one folder per run:
 *
 *     mlruns/<experiment id>/meta.yaml
 *     mlruns/<experiment id>/<run id>/meta.yaml   run_id, run_name, status
 *                                  (1 RUNNING, 2 SCHEDULED, 3 FINISHED,
 *                                  4 FAILED, 5 KILLED), start_time,
 *                                  end_time (ms), lifecycle_stage, user_id
 *     .../<run id>/params/<key>    the value, as the whole file
 *     .../<run id>/tags/<key>      the value (mlflow.runName, mlflow.user,
 *                                  mlflow.source.name, ... and the user's)
 *     .../<run id>/metrics/<key>   lines "timestamp value step" (older
 *                                  versions: "timestamp value")
 *
 * Keys with '/' are nested folders. Deleted experiments sit in .trash/
 * and deleted runs say lifecycle_stage: deleted: both are skipped (and
 * counted). mlflow.db holds the same in tables (store/mlflow.h).
 *
 * A metric logged without a step has step 0 in MLflow; when every value of
 * a series is at step 0, lablog numbers them 0, 1, 2... in time order.
 * When a step repeats otherwise, the last value logged for it is kept, as
 * MLflow's own views do.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "import/import.h"
#include "store/mlflow.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/num.h"
#include "util/utf8.h"
#include "util/xalloc.h"

struct point {
    int64_t ts, step;
    double value;
    size_t order; /* position in the input */
};

struct series {
    char *key;
    struct point *pts;
    size_t len, cap;
};

struct kvs {
    struct import_kv *items;
    size_t len, cap;
};

/* Everything about one run, gathered before it is handed over. */
struct mlrun {
    char *run_id, *name, *status, *user, *experiment, *source;
    int64_t start_ms, end_ms;
    int deleted;
    struct kvs params, tags;
    struct series *series;
    size_t nseries, cap_series;
};

static void kvs_add(struct kvs *k, const char *key, const char *value)
{
    XGROW(k->items, k->len + 1, k->cap);
    k->items[k->len].key = xstrdup(key);
    k->items[k->len].value = xstrdup(value);
    k->len++;
}

static void kvs_release(struct kvs *k)
{
    size_t i;

    for (i = 0; i < k->len; i++) {
        free((char *)k->items[i].key);
        free((char *)k->items[i].value);
    }
    free(k->items);
    memset(k, 0, sizeof(*k));
}

static const char *kvs_get(const struct kvs *k, const char *key)
{
    size_t i;

    for (i = 0; i < k->len; i++)
        if (strcmp(k->items[i].key, key) == 0)
            return k->items[i].value;
    return NULL;
}

static struct series *series_get(struct mlrun *r, const char *key)
{
    struct series *s;
    size_t i;

    for (i = 0; i < r->nseries; i++)
        if (strcmp(r->series[i].key, key) == 0)
            return &r->series[i];
    XGROW(r->series, r->nseries + 1, r->cap_series);
    s = &r->series[r->nseries++];
    memset(s, 0, sizeof(*s));
    s->key = xstrdup(key);
    return s;
}

static void series_add(struct series *s, int64_t ts, int64_t step,
                       double value)
{
    XGROW(s->pts, s->len + 1, s->cap);
    s->pts[s->len].ts = ts;
    s->pts[s->len].step = step;
    s->pts[s->len].value = value;
    s->pts[s->len].order = s->len;
    s->len++;
}

static void mlrun_release(struct mlrun *r)
{
    size_t i;

    free(r->run_id);
    free(r->name);
    free(r->status);
    free(r->user);
    free(r->experiment);
    free(r->source);
    kvs_release(&r->params);
    kvs_release(&r->tags);
    for (i = 0; i < r->nseries; i++) {
        free(r->series[i].key);
        free(r->series[i].pts);
    }
    free(r->series);
    memset(r, 0, sizeof(*r));
}

static int by_step(const void *a, const void *b)
{
    const struct point *x = a, *y = b;

    if (x->step != y->step)
        return x->step < y->step ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int emit_series(struct importer *im, struct series *s)
{
    size_t i;
    int all_zero = s->len > 1, rc = 0;

    for (i = 0; i < s->len; i++)
        if (s->pts[i].step != 0)
            all_zero = 0;
    if (all_zero) {
        /* Logged without a step: number them in time order. */
        for (i = 0; i < s->len; i++)
            s->pts[i].step = (int64_t)i;
    }
    if (s->len > 1)
        qsort(s->pts, s->len, sizeof(*s->pts), by_step);
    for (i = 0; rc == 0 && i < s->len; i++) {
        if (i + 1 < s->len && s->pts[i + 1].step == s->pts[i].step)
            continue; /* a later value for the same step wins */
        if (s->pts[i].step < 0)
            continue;
        rc = importer_point(im, s->key, s->pts[i].step, s->pts[i].value,
                            s->pts[i].ts);
    }
    return rc;
}

static const char *map_status(const char *s, const char **message)
{
    *message = NULL;
    if (!strcmp(s, "1") || !strcmp(s, "RUNNING"))
        return EXP_RUNNING;
    if (!strcmp(s, "3") || !strcmp(s, "FINISHED"))
        return EXP_DONE;
    if (!strcmp(s, "4") || !strcmp(s, "FAILED"))
        return EXP_FAILED;
    if (!strcmp(s, "5") || !strcmp(s, "KILLED")) {
        *message = "killed (MLflow status KILLED)";
        return EXP_FAILED;
    }
    return NULL; /* SCHEDULED or unknown: planned */
}

/* Hands one gathered run to the importer. */
static int emit_run(struct importer *im, struct mlrun *r)
{
    struct import_run run;
    struct kvs tags = { 0 };
    const char **tag_list = NULL;
    char clean_k[128], clean_v[128], fallback[64], key8[16];
    struct buf t = BUF_INIT;
    size_t i;
    int rc = 0;

    if (r->deleted) {
        importer_skip(im);
        return 0;
    }
    memset(&run, 0, sizeof(run));
    run.tool = "mlflow";
    run.key = r->run_id;
    run.name = r->name && *r->name ? r->name : kvs_get(&r->tags, "mlflow.runName");
    import_clean_name(key8, 9, r->run_id);
    snprintf(fallback, sizeof(fallback), "mlflow-%s", key8);
    run.fallback = fallback;
    run.hypothesis = kvs_get(&r->tags, "mlflow.note.content");
    run.params = r->params.items;
    run.nparams = r->params.len;
    run.status = map_status(r->status ? r->status : "", &run.message);
    run.start_ms = r->start_ms;
    run.end_ms = r->end_ms;
    run.author = r->user && *r->user ? r->user : kvs_get(&r->tags, "mlflow.user");
    run.command = kvs_get(&r->tags, "mlflow.source.name");
    run.git_commit = kvs_get(&r->tags, "mlflow.source.git.commit");
    run.source = r->source;
    /* Tags: the MLflow experiment's name, then the user's tags. */
    import_clean_name(clean_k, sizeof(clean_k), r->experiment);
    if (*clean_k)
        kvs_add(&tags, clean_k, "");
    for (i = 0; i < r->tags.len; i++) {
        const struct import_kv *kv = &r->tags.items[i];

        if (strncmp(kv->key, "mlflow.", 7) == 0)
            continue;
        import_clean_name(clean_k, sizeof(clean_k), kv->key);
        import_clean_name(clean_v, sizeof(clean_v), kv->value);
        buf_reset(&t);
        buf_puts(&t, clean_k);
        if (*clean_v && strcmp(kv->value, "true") != 0)
            buf_printf(&t, "=%s", clean_v);
        if (*clean_k)
            kvs_add(&tags, t.ptr, "");
    }
    tag_list = xcalloc(tags.len + 1, sizeof(*tag_list));
    for (i = 0; i < tags.len; i++)
        tag_list[i] = tags.items[i].key;
    run.tags = tag_list;
    run.ntags = tags.len;
    rc = importer_begin_run(im, &run);
    for (i = 0; rc == 0 && i < r->nseries; i++)
        rc = emit_series(im, &r->series[i]);
    if (rc == 0)
        rc = importer_end_run(im);
    free(tag_list);
    kvs_release(&tags);
    buf_release(&t);
    return rc;
}

/* ---- the file store --------------------------------------------------- */

/* Reads a whole small file into out; fails past max bytes. */
static int slurp(struct buf *out, const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    char chunk[4096];
    size_t n;

    buf_reset(out);
    if (!f)
        return ll_error(LL_EIO, "cannot open '%s': %s", path, strerror(errno));
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        buf_put(out, chunk, n);
        if (out->len > max) {
            fclose(f);
            return ll_error(LL_EINPUT, "%s: longer than %zu bytes", path, max);
        }
    }
    fclose(f);
    if (memchr(out->ptr, '\0', out->len))
        return ll_error(LL_EINPUT, "%s:1: NUL byte", path);
    if (utf8_invalid_at(out->ptr, out->len) < out->len)
        return ll_error(LL_EINPUT, "%s:1: not valid UTF-8", path);
    return 0;
}

/* Appends the UTF-8 of code point cp. */
static void put_cp(struct buf *b, unsigned long cp)
{
    if (cp < 0x80) {
        buf_putc(b, (char)cp);
    } else if (cp < 0x800) {
        buf_putc(b, (char)(0xC0 | (cp >> 6)));
        buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        buf_putc(b, (char)(0xE0 | (cp >> 12)));
        buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x110000) {
        buf_putc(b, (char)(0xF0 | (cp >> 18)));
        buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
        buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    }
}

/* A YAML scalar as MLflow's meta.yaml writes them: plain, 'single'
 * ('' is a quote) or "double" (backslash escapes). */
static int yaml_scalar(struct buf *out, const char *v, size_t len,
                       const char *file, size_t lineno)
{
    size_t i;

    buf_reset(out);
    if (len && v[0] == '\'') {
        for (i = 1; i < len; i++) {
            if (v[i] == '\'' && i + 1 < len && v[i + 1] == '\'')
                buf_putc(out, v[i++]);
            else if (v[i] == '\'')
                return 0;
            else
                buf_putc(out, v[i]);
        }
        return ll_error(LL_EINPUT, "%s:%zu: unterminated quoted value", file,
                        lineno);
    }
    if (len && v[0] == '"') {
        for (i = 1; i < len; i++) {
            char c = v[i];

            if (c == '"')
                return 0;
            if (c != '\\' || i + 1 >= len) {
                buf_putc(out, c);
                continue;
            }
            c = v[++i];
            if (c == 'x' || c == 'u' || c == 'U') {
                int digits = c == 'x' ? 2 : c == 'u' ? 4 : 8, k;
                unsigned long cp = 0;

                for (k = 0; k < digits && i + 1 < len; k++) {
                    char h = v[++i];

                    cp = cp * 16 + (unsigned long)(h >= 'a' ? h - 'a' + 10
                                                   : h >= 'A' ? h - 'A' + 10
                                                              : h - '0');
                }
                put_cp(out, cp);
            } else {
                buf_putc(out, c == 'n' ? '\n' : c == 't' ? '\t'
                              : c == '0' ? ' ' : c);
            }
        }
        return ll_error(LL_EINPUT, "%s:%zu: unterminated quoted value", file,
                        lineno);
    }
    if (len == 4 && memcmp(v, "null", 4) == 0)
        return 0;
    buf_put(out, v, len);
    return 0;
}

/* Reads a flat "key: value" meta.yaml into kv (continuation lines, as
 * PyYAML folds long values, are joined with a space). */
static int read_meta(struct kvs *kv, const char *path)
{
    struct buf text = BUF_INIT, value = BUF_INIT, key = BUF_INIT;
    const char *p, *line;
    size_t lineno = 0;
    int rc = slurp(&text, path, 1 << 20);

    for (p = text.ptr; rc == 0 && p && *p; p = *line ? line + 1 : line) {
        size_t n = strcspn(p, "\n");
        const char *colon;

        line = p + n;
        lineno++;
        while (n && p[n - 1] == '\r')
            n--;
        if (n == 0 || p[0] == '#')
            continue;
        if (p[0] == ' ' || p[0] == '-') {
            if (kv->len && p[0] == ' ') { /* a folded continuation */
                struct import_kv *last = &kv->items[kv->len - 1];
                struct buf joined = BUF_INIT;
                size_t skip = strspn(p, " ");

                buf_printf(&joined, "%s %.*s", last->value, (int)(n - skip),
                           p + skip);
                free((char *)last->value);
                last->value = xstrdup(joined.ptr);
                buf_release(&joined);
            }
            continue;
        }
        colon = memchr(p, ':', n);
        if (!colon) {
            rc = ll_error(LL_EINPUT, "%s:%zu: expected 'key: value'", path,
                          lineno);
            break;
        }
        buf_reset(&key);
        buf_put(&key, p, (size_t)(colon - p));
        colon++;
        colon += strspn(colon, " ");
        rc = yaml_scalar(&value, colon, (size_t)(p + n - colon), path,
                         lineno);
        if (rc == 0)
            kvs_add(kv, key.ptr, value.ptr);
    }
    buf_release(&text);
    buf_release(&value);
    buf_release(&key);
    return rc;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of dir (no dot files), sorted; *out is the caller's. */
static int list_dir(char ***out, size_t *n_out, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;

    *out = NULL;
    *n_out = 0;
    if (!d)
        return ll_error(LL_EIO, "cannot read folder '%s': %s", dir,
                        strerror(errno));
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        XGROW(names, n + 1, cap);
        names[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof(*names), compare_names);
    *out = names;
    *n_out = n;
    return 0;
}

static void free_list(char **names, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Reads a metric file of "timestamp value [step]" lines. */
static int read_metric(struct mlrun *r, const char *key, const char *path)
{
    struct buf text = BUF_INIT;
    struct series *s = series_get(r, key);
    const char *p, *next;
    size_t lineno = 0;
    int rc = slurp(&text, path, (size_t)1 << 30);

    for (p = text.ptr; rc == 0 && *p; p = next) {
        char line[256], *tok[4], *save = NULL;
        size_t n = strcspn(p, "\n"), k = 0;
        long long ts, step = 0;
        double value;
        char *end;

        next = p[n] ? p + n + 1 : p + n;
        lineno++;
        if (n >= sizeof(line)) {
            rc = ll_error(LL_EINPUT, "%s:%zu: line too long", path, lineno);
            break;
        }
        memcpy(line, p, n);
        line[n] = '\0';
        for (tok[k] = strtok_r(line, " \t\r", &save); tok[k] && k < 3;
             tok[k] = strtok_r(NULL, " \t\r", &save))
            k++;
        if (k == 0)
            continue;
        if (k < 2 || tok[k]) {
            rc = ll_error(LL_EINPUT, "%s:%zu: expected 'timestamp value "
                          "step'", path, lineno);
            break;
        }
        errno = 0;
        ts = strtoll(tok[0], &end, 10);
        if (errno || *end || ts < 0) {
            rc = ll_error(LL_EINPUT, "%s:%zu: '%s' is not a timestamp (ms)",
                          path, lineno, tok[0]);
            break;
        }
        if (num_parse(tok[1], &value)) {
            rc = ll_error(LL_EINPUT, "%s:%zu: '%s' is not a number", path,
                          lineno, tok[1]);
            break;
        }
        if (k == 3) {
            step = strtoll(tok[2], &end, 10);
            if (errno || *end || step < 0) {
                rc = ll_error(LL_EINPUT, "%s:%zu: step must be a "
                              "non-negative integer, not '%s'", path, lineno,
                              tok[2]);
                break;
            }
        }
        series_add(s, ts, step, value);
    }
    buf_release(&text);
    return rc;
}

/* Walks params/, tags/ or metrics/ (keys with '/' are nested folders). */
static int read_keys(struct mlrun *r, const char *dir, const char *prefix,
                     int what, int depth)
{
    struct buf path = BUF_INIT, key = BUF_INIT, text = BUF_INIT;
    char **names;
    size_t n, i;
    int rc;

    if (!is_dir(dir))
        return 0;
    rc = list_dir(&names, &n, dir);
    for (i = 0; rc == 0 && i < n; i++) {
        buf_reset(&path);
        buf_printf(&path, "%s/%s", dir, names[i]);
        buf_reset(&key);
        buf_printf(&key, "%s%s", prefix, names[i]);
        if (is_dir(path.ptr)) {
            if (depth < 8) {
                buf_putc(&key, '/');
                rc = read_keys(r, path.ptr, key.ptr, what, depth + 1);
            }
        } else if (what == 2) {
            rc = read_metric(r, key.ptr, path.ptr);
        } else {
            rc = slurp(&text, path.ptr, 1 << 20);
            if (rc == 0)
                kvs_add(what == 0 ? &r->params : &r->tags, key.ptr, text.ptr);
        }
    }
    free_list(names, n);
    buf_release(&path);
    buf_release(&key);
    buf_release(&text);
    return rc;
}

static int64_t to_ms(const char *s)
{
    return s && *s ? strtoll(s, NULL, 10) : 0;
}

static int file_run(struct importer *im, const char *dir, const char *exp_name,
                    int exp_deleted)
{
    struct buf path = BUF_INIT;
    struct kvs meta = { 0 };
    struct mlrun r;
    const char *v;
    int rc;

    memset(&r, 0, sizeof(r));
    buf_printf(&path, "%s/meta.yaml", dir);
    rc = read_meta(&meta, path.ptr);
    if (rc)
        goto cleanup;
    v = kvs_get(&meta, "run_id");
    if (!v || !*v)
        v = kvs_get(&meta, "run_uuid");
    if (!v || !*v) {
        rc = ll_error(LL_EINPUT, "%s: no run_id (not an MLflow run)",
                      path.ptr);
        goto cleanup;
    }
    r.run_id = xstrdup(v);
    v = kvs_get(&meta, "run_name");
    if (!v || !*v)
        v = kvs_get(&meta, "name");
    r.name = xstrdup(v ? v : "");
    v = kvs_get(&meta, "status");
    r.status = xstrdup(v ? v : "");
    v = kvs_get(&meta, "user_id");
    r.user = xstrdup(v ? v : "");
    r.experiment = xstrdup(exp_name);
    r.source = xstrdup(dir);
    r.start_ms = to_ms(kvs_get(&meta, "start_time"));
    r.end_ms = to_ms(kvs_get(&meta, "end_time"));
    v = kvs_get(&meta, "lifecycle_stage");
    r.deleted = exp_deleted || (v && strcmp(v, "deleted") == 0);
    if (!r.deleted) {
        buf_reset(&path);
        buf_printf(&path, "%s/params", dir);
        rc = read_keys(&r, path.ptr, "", 0, 0);
        buf_reset(&path);
        buf_printf(&path, "%s/tags", dir);
        if (rc == 0)
            rc = read_keys(&r, path.ptr, "", 1, 0);
        buf_reset(&path);
        buf_printf(&path, "%s/metrics", dir);
        if (rc == 0)
            rc = read_keys(&r, path.ptr, "", 2, 0);
    }
    if (rc == 0)
        rc = emit_run(im, &r);
cleanup:
    mlrun_release(&r);
    kvs_release(&meta);
    buf_release(&path);
    return rc;
}

static int file_experiment(struct importer *im, const char *dir, int trash)
{
    struct buf path = BUF_INIT;
    struct kvs meta = { 0 };
    const char *name, *stage;
    char **names = NULL;
    size_t n = 0, i;
    int rc, deleted;

    buf_printf(&path, "%s/meta.yaml", dir);
    rc = read_meta(&meta, path.ptr);
    if (rc)
        goto cleanup;
    name = kvs_get(&meta, "name");
    stage = kvs_get(&meta, "lifecycle_stage");
    deleted = trash || (stage && strcmp(stage, "deleted") == 0);
    rc = list_dir(&names, &n, dir);
    for (i = 0; rc == 0 && i < n; i++) {
        buf_reset(&path);
        buf_printf(&path, "%s/%s/meta.yaml", dir, names[i]);
        if (access(path.ptr, F_OK) != 0)
            continue; /* not a run (e.g. tags/ of the experiment) */
        buf_reset(&path);
        buf_printf(&path, "%s/%s", dir, names[i]);
        rc = file_run(im, path.ptr, name ? name : "", deleted);
    }
cleanup:
    free_list(names, n);
    kvs_release(&meta);
    buf_release(&path);
    return rc;
}

static int file_store(struct importer *im, const char *root)
{
    struct buf path = BUF_INIT;
    char **names = NULL;
    size_t n = 0, i, found = 0;
    int rc = list_dir(&names, &n, root);

    for (i = 0; rc == 0 && i < n; i++) {
        buf_reset(&path);
        buf_printf(&path, "%s/%s/meta.yaml", root, names[i]);
        if (access(path.ptr, F_OK) != 0)
            continue; /* models/, .trash and other folders */
        buf_reset(&path);
        buf_printf(&path, "%s/%s", root, names[i]);
        found++;
        rc = file_experiment(im, path.ptr, 0);
    }
    /* Deleted experiments: counted as skipped runs. */
    buf_reset(&path);
    buf_printf(&path, "%s/.trash", root);
    if (rc == 0 && is_dir(path.ptr)) {
        char **trash = NULL;
        size_t nt = 0;

        rc = list_dir(&trash, &nt, path.ptr);
        for (i = 0; rc == 0 && i < nt; i++) {
            buf_reset(&path);
            buf_printf(&path, "%s/.trash/%s", root, trash[i]);
            if (is_dir(path.ptr)) {
                struct buf meta = BUF_INIT;

                buf_printf(&meta, "%s/meta.yaml", path.ptr);
                if (access(meta.ptr, F_OK) == 0)
                    rc = file_experiment(im, path.ptr, 1);
                buf_release(&meta);
            }
        }
        free_list(trash, nt);
    }
    if (rc == 0 && !found)
        rc = ll_error(LL_EINPUT, "%s: not an MLflow store (no experiment "
                      "folders with a meta.yaml)", root);
    free_list(names, n);
    buf_release(&path);
    return rc;
}

/* ---- the SQLite database ------------------------------------------------ */

struct db_walk {
    struct importer *im;
    struct mlflow_db *db;
    const char *path;
    struct mlrun *run;
};

static int db_param(void *ctx, const char *key, const char *value)
{
    kvs_add(&((struct db_walk *)ctx)->run->params, key, value);
    return 0;
}

static int db_tag(void *ctx, const char *key, const char *value)
{
    kvs_add(&((struct db_walk *)ctx)->run->tags, key, value);
    return 0;
}

static int db_metric(void *ctx, const char *key, double value, int64_t ts,
                     int64_t step)
{
    struct db_walk *w = ctx;

    series_add(series_get(w->run, key), ts, step, value);
    return 0;
}

static int db_run(void *ctx, const struct mlflow_db_run *row)
{
    struct db_walk *w = ctx;
    struct mlrun r;
    struct buf src = BUF_INIT;
    int rc = 0;

    memset(&r, 0, sizeof(r));
    r.run_id = xstrdup(row->run_id);
    r.name = xstrdup(row->name);
    r.status = xstrdup(row->status);
    r.user = xstrdup(row->user);
    r.experiment = xstrdup(row->experiment);
    buf_printf(&src, "%s#%s", w->path, row->run_id);
    r.source = xstrdup(src.ptr);
    r.start_ms = row->start_ms;
    r.end_ms = row->end_ms;
    r.deleted = row->deleted;
    w->run = &r;
    if (!r.deleted) {
        rc = mlflow_db_kv(w->db, r.run_id, 0, db_param, w);
        if (rc == 0)
            rc = mlflow_db_kv(w->db, r.run_id, 1, db_tag, w);
        if (rc == 0)
            rc = mlflow_db_metrics(w->db, r.run_id, db_metric, w);
    }
    if (rc == 0)
        rc = emit_run(w->im, &r);
    mlrun_release(&r);
    buf_release(&src);
    return rc;
}

int import_mlflow(struct importer *im, const char *path)
{
    struct buf sub = BUF_INIT;
    struct stat st;
    int rc;

    if (stat(path, &st) != 0)
        return ll_error(LL_EIO, "cannot open '%s': %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode)) {
        struct db_walk w = { im, NULL, path, NULL };

        rc = mlflow_db_open(&w.db, path);
        if (rc == 0)
            rc = mlflow_db_runs(w.db, db_run, &w);
        mlflow_db_close(w.db);
        return rc;
    }
    /* A project folder holding mlruns/ is fine too. */
    buf_printf(&sub, "%s/mlruns", path);
    rc = file_store(im, is_dir(sub.ptr) ? sub.ptr : path);
    buf_release(&sub);
    return rc;
}
