/* SPDX-License-Identifier: MIT */
/*
 * `lablog import tensorboard DIR`: TensorBoard event files.
 *
 * Every folder under DIR (DIR included) holding events.out.tfevents.*
 * files is one run, and becomes one experiment named after its path below
 * DIR ("lr-3e-4/train" -> "lr-3e-4-train"). A file is a sequence of
 * TFRecord records:
 *
 *     uint64 length, uint32 masked CRC-32C of those 8 bytes,
 *     length bytes of data, uint32 masked CRC-32C of the data
 *
 * (little-endian). Each record's data is a tensorflow.Event message:
 * wall_time (field 1, double), step (2, int64) and summary (5). A Summary
 * holds repeated Value (field 1): tag (1), simple_value (2, float), tensor
 * (8, TensorProto) and metadata (9, SummaryMetadata: plugin_data (1) with
 * plugin_name (1), data_class (4)). A scalar is a simple_value, or a
 * one-element numeric tensor of a tag whose metadata names the "scalars"
 * plugin or DATA_CLASS_SCALAR (1); writers send the metadata only with a
 * tag's first value, so it is remembered per run. Histograms, images,
 * text and graphs are skipped.
 *
 * A record cut short at the end of a file is the tail of a file still
 * being written: reading stops there with a warning. Any other damage (a
 * CRC mismatch, a malformed message) is an error naming the file and the
 * record.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import/import.h"
#include "import/proto.h"
#include "util/buf.h"
#include "util/crc32c.h"
#include "util/err.h"
#include "util/xalloc.h"

#define MAX_RECORD (256u << 20)
#define EVENTS_PREFIX "events.out.tfevents."

/* TensorFlow's DataType values for the numeric dtypes read here. */
enum { DT_FLOAT = 1, DT_DOUBLE = 2, DT_INT32 = 3, DT_INT64 = 9 };

struct strings {
    char **items;
    size_t len, cap;
};

static void strings_add(struct strings *s, const char *text)
{
    XGROW(s->items, s->len + 1, s->cap);
    s->items[s->len++] = xstrdup(text);
}

static void strings_release(struct strings *s)
{
    size_t i;

    for (i = 0; i < s->len; i++)
        free(s->items[i]);
    free(s->items);
    memset(s, 0, sizeof(*s));
}

static int strings_has(const struct strings *s, const char *text)
{
    size_t i;

    for (i = 0; i < s->len; i++)
        if (strcmp(s->items[i], text) == 0)
            return 1;
    return 0;
}

static int compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- one event ---------------------------------------------------------- */

struct reader {
    struct importer *im;
    const char *file;        /* for messages */
    size_t record;           /* 1-based, for messages */
    uint64_t offset;         /* of the record, for messages */
    struct strings scalars;  /* tags known to be scalars in this run */
    int64_t first_ms, last_ms;
    int pass;                /* 0: times only; 1: points */
};

static int bad(const struct reader *r, const char *what)
{
    return ll_error(LL_EINPUT, "%s: record %zu (byte %llu): %s", r->file,
                    r->record, (unsigned long long)r->offset, what);
}

/* The one value of a numeric tensor, if it has exactly one. */
static int tensor_scalar(const uint8_t *data, size_t len, double *out)
{
    struct proto pb = { data, data + len };
    struct proto_field f;
    uint64_t dtype = 0, v;
    size_t n = 0, content_len = 0;
    const uint8_t *content = NULL;
    double value = 0;
    int rc;

    while ((rc = proto_next(&pb, &f)) > 0) {
        if (f.num == 1 && f.type == PROTO_VARINT) {
            dtype = f.u64;
        } else if (f.num == 4 && f.type == PROTO_LEN) {
            content = f.data;
            content_len = f.len;
        } else if (f.num == 5 || f.num == 6 || f.num == 7 || f.num == 10) {
            struct proto packed = { NULL, NULL };

            if (f.type == PROTO_LEN) {
                packed.p = f.data;
                packed.end = f.data + f.len;
            }

            if (f.type == PROTO_I32 && f.num == 5) {
                value = proto_float(f.u64), n++;
            } else if (f.type == PROTO_I64 && f.num == 6) {
                value = proto_double(f.u64), n++;
            } else if (f.type == PROTO_VARINT) {
                value = f.num == 7 ? (double)(int32_t)f.u64
                                   : (double)(int64_t)f.u64;
                n++;
            } else if (f.type == PROTO_LEN && f.num == 5) {
                for (; packed.end - packed.p >= 4; packed.p += 4, n++)
                    value = proto_float((uint64_t)packed.p[0]
                                        | (uint64_t)packed.p[1] << 8
                                        | (uint64_t)packed.p[2] << 16
                                        | (uint64_t)packed.p[3] << 24);
            } else if (f.type == PROTO_LEN && f.num == 6) {
                for (; packed.end - packed.p >= 8; packed.p += 8, n++) {
                    uint64_t b = 0;
                    int k;

                    for (k = 7; k >= 0; k--)
                        b = b << 8 | packed.p[k];
                    value = proto_double(b);
                }
            } else if (f.type == PROTO_LEN) {
                int got;

                while ((got = proto_varint(&packed, &v)) > 0) {
                    value = f.num == 7 ? (double)(int32_t)v : (double)(int64_t)v;
                    n++;
                }
                if (got < 0)
                    return -1;
            }
        }
    }
    if (rc < 0)
        return -1;
    if (content && n == 0) {
        uint64_t b = 0;
        int k;

        if ((dtype == DT_FLOAT || dtype == DT_INT32) && content_len == 4) {
            for (k = 3; k >= 0; k--)
                b = b << 8 | content[k];
            value = dtype == DT_FLOAT ? proto_float(b) : (double)(int32_t)b;
            n = 1;
        } else if ((dtype == DT_DOUBLE || dtype == DT_INT64)
                   && content_len == 8) {
            for (k = 7; k >= 0; k--)
                b = b << 8 | content[k];
            value = dtype == DT_DOUBLE ? proto_double(b) : (double)(int64_t)b;
            n = 1;
        }
    }
    if (n != 1 || !(dtype == DT_FLOAT || dtype == DT_DOUBLE
                    || dtype == DT_INT32 || dtype == DT_INT64))
        return 0;
    *out = value;
    return 1;
}

/* Whether SummaryMetadata says "scalar". */
static int metadata_scalar(const uint8_t *data, size_t len)
{
    struct proto pb = { data, data + len }, inner;
    struct proto_field f, g;
    int scalar = 0;

    while (proto_next(&pb, &f) > 0) {
        if (f.num == 4 && f.type == PROTO_VARINT && f.u64 == 1)
            scalar = 1;
        if (f.num == 1 && f.type == PROTO_LEN) {
            inner.p = f.data;
            inner.end = f.data + f.len;
            while (proto_next(&inner, &g) > 0)
                if (g.num == 1 && g.type == PROTO_LEN && g.len == 7
                    && memcmp(g.data, "scalars", 7) == 0)
                    scalar = 1;
        }
    }
    return scalar;
}

static int summary_value(struct reader *r, const uint8_t *data, size_t len,
                         int64_t step, int64_t ts)
{
    struct proto pb = { data, data + len };
    struct proto_field f;
    struct buf tag = BUF_INIT;
    const uint8_t *tensor = NULL;
    size_t tensor_len = 0;
    int has_simple = 0, meta_scalar = 0, rc;
    double value = 0;

    while ((rc = proto_next(&pb, &f)) > 0) {
        if (f.num == 1 && f.type == PROTO_LEN) {
            buf_reset(&tag);
            buf_put(&tag, f.data, f.len);
        } else if (f.num == 2 && f.type == PROTO_I32) {
            has_simple = 1;
            value = proto_float(f.u64);
        } else if (f.num == 8 && f.type == PROTO_LEN) {
            tensor = f.data;
            tensor_len = f.len;
        } else if (f.num == 9 && f.type == PROTO_LEN) {
            meta_scalar = metadata_scalar(f.data, f.len);
        }
    }
    if (rc < 0) {
        buf_release(&tag);
        return bad(r, "malformed summary value");
    }
    rc = 0;
    if (!tag.len || memchr(tag.ptr, '\0', tag.len)) {
        buf_release(&tag);
        return has_simple || tensor ? bad(r, "a summary value without a tag")
                                    : 0;
    }
    if (meta_scalar && !strings_has(&r->scalars, tag.ptr))
        strings_add(&r->scalars, tag.ptr);
    if (!has_simple && tensor && strings_has(&r->scalars, tag.ptr)) {
        int got = tensor_scalar(tensor, tensor_len, &value);

        if (got < 0)
            rc = bad(r, "malformed tensor");
        has_simple = got > 0;
    }
    if (rc == 0 && has_simple && r->pass == 1)
        rc = importer_point(r->im, tag.ptr, step, value, ts);
    buf_release(&tag);
    return rc;
}

static int event(struct reader *r, const uint8_t *data, size_t len)
{
    struct proto pb = { data, data + len }, sum;
    struct proto_field f, v;
    const uint8_t *summary = NULL;
    size_t summary_len = 0;
    int64_t step = 0, ts = 0;
    double wall = 0;
    int rc;

    while ((rc = proto_next(&pb, &f)) > 0) {
        if (f.num == 1 && f.type == PROTO_I64)
            wall = proto_double(f.u64);
        else if (f.num == 2 && f.type == PROTO_VARINT)
            step = (int64_t)f.u64;
        else if (f.num == 5 && f.type == PROTO_LEN) {
            summary = f.data;
            summary_len = f.len;
        }
    }
    if (rc < 0)
        return bad(r, "not an Event message");
    if (step < 0)
        return bad(r, "negative step");
    if (isfinite(wall) && wall > 0 && wall < 1e11)
        ts = (int64_t)llround(wall * 1000.0);
    if (ts && (!r->first_ms || ts < r->first_ms))
        r->first_ms = ts;
    if (ts > r->last_ms)
        r->last_ms = ts;
    if (!summary)
        return 0;
    sum.p = summary;
    sum.end = summary + summary_len;
    while ((rc = proto_next(&sum, &v)) > 0) {
        if (v.num != 1 || v.type != PROTO_LEN)
            continue;
        rc = summary_value(r, v.data, v.len, step, ts);
        if (rc)
            return rc;
    }
    return rc < 0 ? bad(r, "malformed summary") : 0;
}

/* ---- one file --------------------------------------------------------- */

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16
           | (uint32_t)p[3] << 24;
}

/* Reads the records of one open file (path names it in messages). */
static int read_stream(struct reader *r, FILE *f, const char *path)
{
    uint8_t head[12], tail[4];
    uint8_t *data = NULL;
    size_t cap = 0;
    int rc = 0;

    r->file = path;
    r->record = 0;
    r->offset = 0;
    for (;;) {
        uint64_t len;
        size_t got = fread(head, 1, sizeof(head), f);

        r->record++;
        if (got == 0)
            break;
        if (got < sizeof(head)) {
            if (importer_dry(r->im) && r->pass == 0)
                ll_warn("%s: record %zu is cut short (a file still being "
                        "written?); reading stopped there", path, r->record);
            break;
        }
        len = (uint64_t)le32(head) | (uint64_t)le32(head + 4) << 32;
        if (crc32c_masked(head, 8) != le32(head + 8)) {
            rc = bad(r, "length CRC mismatch (not a TFRecord file?)");
            break;
        }
        if (len > MAX_RECORD) {
            rc = bad(r, "record longer than 256 MiB");
            break;
        }
        if (cap < len || !data) {
            free(data);
            cap = len ? (size_t)len : 1; /* an empty record still has a
                                            non-NULL address */
            data = xmalloc(cap);
        }
        if (fread(data, 1, (size_t)len, f) != len
            || fread(tail, 1, 4, f) != 4) {
            if (importer_dry(r->im) && r->pass == 0)
                ll_warn("%s: record %zu is cut short (a file still being "
                        "written?); reading stopped there", path, r->record);
            break;
        }
        if (crc32c_masked(data, (size_t)len) != le32(tail)) {
            rc = bad(r, "data CRC mismatch");
            break;
        }
        rc = event(r, data, (size_t)len);
        if (rc)
            break;
        r->offset += 12 + len + 4;
    }
    if (rc == 0 && ferror(f))
        rc = ll_error(LL_EIO, "cannot read '%s': %s", path, strerror(errno));
    free(data);
    return rc;
}

static int read_file(struct reader *r, const char *path)
{
    FILE *f = fopen(path, "rb");
    int rc;

    if (!f)
        return ll_error(LL_EIO, "cannot open '%s': %s", path, strerror(errno));
    rc = read_stream(r, f, path);
    fclose(f);
    return rc;
}

int import_tensorboard_stream(struct importer *im, FILE *f, const char *name)
{
    struct reader r;
    struct import_run run;
    int rc;

    memset(&r, 0, sizeof(r));
    r.im = im;
    rc = read_stream(&r, f, name);
    memset(&run, 0, sizeof(run));
    run.tool = "tensorboard";
    run.key = name;
    run.name = name;
    run.fallback = "tensorboard-run";
    run.status = EXP_DONE;
    run.start_ms = r.first_ms;
    run.end_ms = r.last_ms;
    if (rc == 0)
        rc = importer_begin_run(im, &run);
    strings_release(&r.scalars);
    r.pass = 1;
    if (rc == 0 && fseek(f, 0, SEEK_SET) != 0)
        rc = ll_error(LL_EIO, "cannot rewind '%s'", name);
    if (rc == 0)
        rc = read_stream(&r, f, name);
    if (rc == 0)
        rc = importer_end_run(im);
    strings_release(&r.scalars);
    return rc;
}

/* ---- runs -------------------------------------------------------------- */

/* Collects every folder under dir (relative name rel) with event files. */
static int find_runs(struct strings *runs, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    struct buf sub = BUF_INIT;
    struct strings subdirs = { 0 };
    int has_events = 0, rc = 0;
    size_t i;

    if (!d)
        return ll_error(LL_EIO, "cannot read folder '%s': %s", dir,
                        strerror(errno));
    while ((de = readdir(d))) {
        struct stat st;

        if (de->d_name[0] == '.')
            continue;
        buf_reset(&sub);
        buf_printf(&sub, "%s/%s", dir, de->d_name);
        if (stat(sub.ptr, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            strings_add(&subdirs, sub.ptr);
        else if (strncmp(de->d_name, EVENTS_PREFIX, strlen(EVENTS_PREFIX)) == 0)
            has_events = 1;
    }
    closedir(d);
    if (has_events)
        strings_add(runs, dir);
    if (subdirs.len > 1)
        qsort(subdirs.items, subdirs.len, sizeof(char *), compare);
    for (i = 0; rc == 0 && i < subdirs.len && depth < 16; i++)
        rc = find_runs(runs, subdirs.items[i], depth + 1);
    strings_release(&subdirs);
    buf_release(&sub);
    return rc;
}

static int event_files(struct strings *files, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    struct buf path = BUF_INIT;

    if (!d)
        return ll_error(LL_EIO, "cannot read folder '%s': %s", dir,
                        strerror(errno));
    while ((de = readdir(d))) {
        if (strncmp(de->d_name, EVENTS_PREFIX, strlen(EVENTS_PREFIX)) != 0)
            continue;
        buf_reset(&path);
        buf_printf(&path, "%s/%s", dir, de->d_name);
        strings_add(files, path.ptr);
    }
    closedir(d);
    buf_release(&path);
    if (files->len > 1)
        qsort(files->items, files->len, sizeof(char *), compare);
    return 0;
}

static int import_run(struct importer *im, const char *top, const char *dir)
{
    struct reader r;
    struct strings files = { 0 };
    struct import_run run;
    char real[PATH_MAX], toptail[PATH_MAX];
    const char *rel;
    size_t i;
    int rc = event_files(&files, dir);

    memset(&r, 0, sizeof(r));
    r.im = im;
    /* Pass 0 finds the run's times and checks every record. */
    for (i = 0; rc == 0 && i < files.len; i++)
        rc = read_file(&r, files.items[i]);
    if (rc)
        goto cleanup;
    if (!realpath(dir, real))
        snprintf(real, sizeof(real), "%s", dir);
    rel = dir + strlen(top);
    rel += strspn(rel, "/");
    if (!*rel) {
        /* The event files are in DIR itself: name it after DIR. */
        const char *slash;

        snprintf(toptail, sizeof(toptail), "%s", real);
        slash = strrchr(toptail, '/');
        rel = slash ? slash + 1 : toptail;
    }
    memset(&run, 0, sizeof(run));
    run.tool = "tensorboard";
    run.key = real;
    run.name = rel;
    run.fallback = "tensorboard-run";
    run.status = EXP_DONE;
    run.start_ms = r.first_ms;
    run.end_ms = r.last_ms;
    run.source = real;
    rc = importer_begin_run(im, &run);
    strings_release(&r.scalars);
    r.pass = 1;
    for (i = 0; rc == 0 && i < files.len; i++)
        rc = read_file(&r, files.items[i]);
    if (rc == 0)
        rc = importer_end_run(im);
cleanup:
    strings_release(&r.scalars);
    strings_release(&files);
    return rc;
}

int import_tensorboard(struct importer *im, const char *path)
{
    struct strings runs = { 0 };
    struct stat st;
    size_t i;
    int rc;

    if (stat(path, &st) != 0)
        return ll_error(LL_EIO, "cannot open '%s': %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return ll_error(LL_EUSAGE, "'%s' is not a folder: give the log "
                        "folder (the one TensorBoard's --logdir names)", path);
    rc = find_runs(&runs, path, 0);
    if (rc == 0 && runs.len == 0)
        rc = ll_error(LL_EINPUT, "%s: no TensorBoard event files "
                      "(events.out.tfevents.*) in it or below", path);
    for (i = 0; rc == 0 && i < runs.len; i++)
        rc = import_run(im, path, runs.items[i]);
    strings_release(&runs);
    return rc;
}
