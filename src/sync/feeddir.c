/* SPDX-License-Identifier: MIT */
/* Feed directories (see feeddir.h). */
#include "sync/feeddir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

#define CHUNK 65536

struct self {
    char origin[27];
    int64_t head_seq;
    int found;
};

static int find_self(void *ctx, const struct store_origin *o)
{
    struct self *me = ctx;

    if (o->self) {
        snprintf(me->origin, sizeof(me->origin), "%s", o->id);
        me->head_seq = o->head_seq;
        me->found = 1;
    }
    return 0;
}

/* mkdir -p for one level: the directory, whose parent must exist. */
static int make_dir(const char *dir)
{
    if (mkdir(dir, 0777) == 0 || errno == EEXIST)
        return 0;
    return ll_error(LL_EIO, "cannot create the feed directory '%s': %s", dir,
                    strerror(errno));
}

/* The offset of the last '\n' before offset before, or -1 when none. */
static int prev_newline(int fd, off_t before, off_t *at, const char *path)
{
    char chunk[CHUNK];

    *at = -1;
    while (before > 0) {
        size_t n = before > CHUNK ? CHUNK : (size_t)before;
        off_t pos = before - (off_t)n;

        if (pread(fd, chunk, n, pos) != (ssize_t)n)
            return ll_error(LL_EIO, "cannot read '%s': %s", path,
                            strerror(errno));
        while (n > 0) {
            if (chunk[--n] == '\n') {
                *at = pos + (off_t)n;
                return 0;
            }
        }
        before = pos;
    }
    return 0;
}

/*
 * The last complete entry line of fd (not the header)
 * into line, empty when there is none; *end_out is the offset just past
 * the last '\n': what follows it is a push that was cut off.
 */
static int last_entry_line(int fd, off_t size, struct buf *line,
                           off_t *end_out, const char *path)
{
    off_t end, start;
    int rc = prev_newline(fd, size, &end, path);

    buf_reset(line);
    *end_out = end + 1;
    while (rc == 0 && end >= 0) {
        size_t len;

        rc = prev_newline(fd, end, &start, path);
        if (rc)
            break;
        len = (size_t)(end - (start + 1));
        buf_reset(line);
        buf_grow(line, len);
        if (pread(fd, line->ptr, len, start + 1) != (ssize_t)len) {
            rc = ll_error(LL_EIO, "cannot read '%s': %s", path,
                          strerror(errno));
            break;
        }
        line->len = len;
        line->ptr[len] = '\0';
        if (strstr(line->ptr, "\"lablog-feed\":") == NULL)
            return 0;
        buf_reset(line);
        end = start;
    }
    return rc;
}

/* seq and hash of an entry line; -1 when the line is not one. */
static int line_seq_hash(const struct buf *line, int64_t *seq,
                         char hash[65])
{
    json_t *j = json_loadb(line->ptr, line->len, 0, NULL);
    json_t *s = json_object_get(j, "seq"), *h = json_object_get(j, "hash");
    int ok = json_is_integer(s) && json_is_string(h) &&
             strlen(json_string_value(h)) == 64;

    if (ok) {
        *seq = json_integer_value(s);
        snprintf(hash, 65, "%s", json_string_value(h));
    }
    json_decref(j);
    return ok ? 0 : -1;
}

int feeddir_push(struct store *s, const char *dir,
                 struct feeddir_push_stats *out)
{
    struct self me = { "", 0, 0 };
    struct buf path = BUF_INIT, last = BUF_INIT;
    char have[65], want[65] = "";
    struct stat st;
    FILE *f = NULL;
    off_t end = 0;
    int64_t seq = 0;
    int fd = -1, rc;

    memset(out, 0, sizeof(*out));
    rc = store_origins(s, find_self, &me);
    if (rc || !me.found)
        return rc; /* a replica that never wrote has nothing of its own */
    rc = make_dir(dir);
    if (rc)
        return rc;
    buf_printf(&path, "%s/%s.feed", dir, me.origin);
    fd = open(path.ptr, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
    if (fd < 0 || fstat(fd, &st) != 0) {
        rc = ll_error(LL_EIO, "cannot open '%s': %s", path.ptr,
                      strerror(errno));
        goto cleanup;
    }
    rc = last_entry_line(fd, st.st_size, &last, &end, path.ptr);
    if (rc)
        goto cleanup;
    if (last.len && line_seq_hash(&last, &seq, want) != 0) {
        rc = ll_error(LL_EINPUT, "%s: the last line is not a feed entry",
                      path.ptr);
        goto cleanup;
    }
    if (seq > me.head_seq) {
        rc = ll_error(LL_ECONFLICT, "%s holds entries up to %lld but this "
                      "replica's head is %lld: this replica went back (was "
                      "it restored from a backup?); not pushing", path.ptr,
                      (long long)seq, (long long)me.head_seq);
        goto cleanup;
    }
    if (seq > 0 && (store_entry_hash_at(s, me.origin, seq, have) != 0 ||
                    strcmp(have, want) != 0)) {
        ll_error_clear();
        rc = ll_error(LL_ECONFLICT, "%s: entry %lld is not this replica's "
                      "(another history of origin %.8s: a copied file?); "
                      "not pushing", path.ptr, (long long)seq, me.origin);
        goto cleanup;
    }
    /* A push that was cut off left an unterminated line: write over it. */
    if (end < st.st_size && ftruncate(fd, end) != 0) {
        rc = ll_error(LL_EIO, "cannot repair '%s': %s", path.ptr,
                      strerror(errno));
        goto cleanup;
    }
    out->from_seq = out->to_seq = seq;
    if (seq == me.head_seq && end > 0)
        goto cleanup;
    f = fdopen(fd, "a");
    if (!f) {
        rc = ll_error(LL_EIO, "cannot open '%s': %s", path.ptr,
                      strerror(errno));
        goto cleanup;
    }
    fd = -1;
    rc = store_feed_write_origin(s, me.origin, seq, end == 0, f);
    if (rc == 0 && (fflush(f) != 0 || fsync(fileno(f)) != 0))
        rc = ll_error(LL_EIO, "cannot write '%s': %s", path.ptr,
                      strerror(errno));
    if (rc == 0)
        out->to_seq = me.head_seq;
cleanup:
    if (f && fclose(f) != 0 && rc == 0)
        rc = ll_error(LL_EIO, "cannot write '%s': %s", path.ptr,
                      strerror(errno));
    if (fd >= 0)
        close(fd);
    buf_release(&path);
    buf_release(&last);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int feeddir_pull(struct store *s, const char *dir,
                 struct store_import_stats *out, size_t *feeds_out)
{
    struct self me = { "", 0, 0 };
    struct buf path = BUF_INIT;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    struct dirent *d;
    DIR *dh;
    int rc = store_origins(s, find_self, &me);

    memset(out, 0, sizeof(*out));
    *feeds_out = 0;
    if (rc)
        return rc;
    dh = opendir(dir);
    if (!dh)
        return ll_error(LL_ENOTFOUND, "cannot read the feed directory '%s': "
                        "%s", dir, strerror(errno));
    while ((d = readdir(dh)) != NULL) {
        size_t len = strlen(d->d_name);

        if (len != 26 + 5 || strcmp(d->d_name + 26, ".feed") != 0 ||
            strncmp(d->d_name, me.origin, 26) == 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            names = xrealloc(names, cap * sizeof(*names));
        }
        names[n++] = xstrdup(d->d_name);
    }
    closedir(dh);
    qsort(names, n, sizeof(*names), by_name);
    for (i = 0; i < n && rc == 0; i++) {
        struct store_import_stats one;
        char *source;
        FILE *f;

        buf_reset(&path);
        buf_printf(&path, "%s/%s", dir, names[i]);
        f = fopen(path.ptr, "r");
        if (!f) {
            rc = ll_error(LL_EIO, "cannot read '%s': %s", path.ptr,
                          strerror(errno));
            break;
        }
        source = realpath(path.ptr, NULL);
        rc = store_feed_import(s, f, path.ptr, source ? source : path.ptr,
                               &one);
        free(source);
        fclose(f);
        if (rc == 0) {
            out->entries += one.entries;
            out->held += one.held;
            out->forks += one.forks;
            out->points += one.points;
            (*feeds_out)++;
        }
    }
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    buf_release(&path);
    return rc;
}
