/* SPDX-License-Identifier: MIT */
/*
 * `lablog attach`: store a file in the log by content hash, and
 * `attach --get ID` to have any attachment (or samples set) back, byte for
 * byte.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "model/kind.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sha256.h"

/* Attachments live in the log file: keep it a log, not a dataset store. */
#define MAX_ATTACHMENT (64 << 20)

static int read_file(struct buf *out, const char *path)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t n;
    int rc = 0;

    if (!f)
        return ll_error(LL_EIO, "cannot open '%s': %s", path, strerror(errno));
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        buf_put(out, chunk, n);
        if (out->len > MAX_ATTACHMENT) {
            rc = ll_error(LL_EINPUT, "'%s' is larger than %d MiB", path,
                          MAX_ATTACHMENT >> 20);
            break;
        }
    }
    if (rc == 0 && ferror(f))
        rc = ll_error(LL_EIO, "cannot read '%s': %s", path, strerror(errno));
    fclose(f);
    return rc;
}

/* ---- getting one back ---------------------------------------------------- */

struct sink {
    FILE *f;
    struct sha256 h;  /* of what was written, checked against the record */
    size_t len;
};

static int sink_write(void *ctx, const void *bytes, size_t len)
{
    struct sink *k = ctx;

    sha256_update(&k->h, bytes, len);
    k->len += len;
    if (fwrite(bytes, 1, len, k->f) != len)
        return ll_error(LL_EIO, "writing failed: %s", strerror(errno));
    return 0;
}

struct found {
    int kind;
    int64_t id;
    char *sha256;
};

static int found_entry(void *ctx, const struct entry *e)
{
    struct found *f = ctx;
    json_t *d = json_loads(e->data, 0, NULL);
    const char *sha = json_string_value(json_object_get(d, "sha256"));

    f->kind = (int)e->kind;
    f->id = e->id;
    free(f->sha256);
    f->sha256 = sha ? strdup(sha) : NULL;
    json_decref(d);
    return 0;
}

static int first_attachment(void *ctx, const struct entry *e)
{
    struct found *f = ctx;
    const char *want = f->sha256;
    json_t *d;
    const char *sha;
    int hit;

    if (e->kind != ENTRY_ATTACH && e->kind != ENTRY_SAMPLES)
        return 0;
    d = json_loads(e->data, 0, NULL);
    sha = json_string_value(json_object_get(d, "sha256"));
    hit = sha && strncmp(sha, want, strlen(want)) == 0;
    json_decref(d);
    if (!hit)
        return 0;
    free(f->sha256);
    f->sha256 = NULL;
    found_entry(ctx, e);
    return 1;
}

/* ID is an attach or samples entry id, or a prefix (6+ hex digits) of an
 * attachment's SHA-256. */
static int resolve_get(struct app *app, const char *arg, struct found *f)
{
    size_t n = strlen(arg);
    int64_t id;
    int rc;

    if (n >= 6 && n <= 64 && strspn(arg, "0123456789abcdef") == n
        && strspn(arg, "0123456789") < n) {
        struct entry_filter flt = ENTRY_FILTER_ALL;

        f->sha256 = strdup(arg);
        rc = store_entries(app->store, &flt, first_attachment, f);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            free(f->sha256);
            f->sha256 = NULL;
            return ll_error(LL_ENOTFOUND, "no attachment %s in this log",
                            arg);
        }
        return 0;
    }
    rc = cli_entry_ref(app, arg, -1, &id, NULL);
    if (rc == 0)
        rc = store_entry_get(app->store, id, found_entry, f);
    if (rc == 0 && f->kind != ENTRY_ATTACH && f->kind != ENTRY_SAMPLES)
        rc = ll_error(LL_EUSAGE, "entry %lld is %s %s, not an attachment or "
                      "a samples set", (long long)id,
                      kind_info((enum entry_kind)f->kind)->article,
                      kind_info((enum entry_kind)f->kind)->noun);
    return rc;
}

static int get_attachment(struct app *app, const char *arg, const char *out)
{
    struct found f = { -1, 0, NULL };
    struct sink k = { NULL, { 0 }, 0 };
    struct buf tmp = BUF_INIT;
    unsigned char d[SHA256_LEN];
    char hex[SHA256_HEX_LEN + 1];
    int to_stdout = !out || strcmp(out, "-") == 0;
    int rc = resolve_get(app, arg, &f);

    if (rc)
        goto cleanup;
    if (!f.sha256) {
        rc = ll_error(LL_EINPUT, "entry %lld records no content hash",
                      (long long)f.id);
        goto cleanup;
    }
    if (to_stdout) {
        k.f = stdout;
    } else {
        buf_printf(&tmp, "%s.tmp.%ld", out, (long)getpid());
        k.f = fopen(tmp.ptr, "wb");
        if (!k.f) {
            rc = ll_error(LL_EIO, "cannot write '%s': %s", out,
                          strerror(errno));
            goto cleanup;
        }
    }
    sha256_init(&k.h);
    if (f.kind == ENTRY_SAMPLES)
        rc = store_samples_bytes(app->store, f.id, sink_write, &k);
    else
        rc = store_blob_stream(app->store, f.sha256, sink_write, &k);
    sha256_final(&k.h, d);
    sha256_hex(hex, d);
    if (rc == 0 && strcmp(hex, f.sha256) != 0)
        rc = ll_error(LL_ERR, "attachment %.12s does not match its hash; run "
                      "'lablog verify'", f.sha256);
    if (!to_stdout) {
        if (fflush(k.f) != 0 && rc == 0)
            rc = ll_error(LL_EIO, "cannot write '%s': %s", out,
                          strerror(errno));
        if (fclose(k.f) != 0 && rc == 0)
            rc = ll_error(LL_EIO, "cannot write '%s': %s", out,
                          strerror(errno));
        if (rc == 0 && rename(tmp.ptr, out) != 0)
            rc = ll_error(LL_EIO, "cannot write '%s': %s", out,
                          strerror(errno));
        if (rc)
            unlink(tmp.ptr);
    }
cleanup:
    free(f.sha256);
    buf_release(&tmp);
    return rc;
}

int cmd_attach(int argc, char **argv, struct app *app)
{
    const char *exp_name = NULL, *caption = NULL, *get = NULL, *out = NULL;
    const struct opt opts[] = {
        { OPT_STRING, 0, "exp", &exp_name, "NAME", "the experiment it belongs to" },
        { OPT_STRING, 'c', "caption", &caption, "TEXT", "what it shows" },
        { OPT_STRING, 0, "get", &get, "ID", "write attachment ID (entry id or SHA-256 prefix) out instead" },
        { OPT_STRING, 'o', "output", &out, "FILE", "with --get: write to FILE (default: stdout)" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "attach FILE [--exp NAME] [--caption TEXT] | attach --get ID [-o FILE]",
        "Store a file (a plot, samples, a table) in the log. The same "
        "content twice is stored once. With --get, write a stored file "
        "(or samples set) back out, byte for byte.",
        opts, NULL, 0,
    };
    struct buf bytes = BUF_INIT;
    struct entry e;
    const char *base;
    char hex[65];
    char *data = NULL;
    char **ops = NULL;
    int64_t exp = 0;
    int nops;
    int rc = opt_parse(&cmd, argc, argv, &ops, &nops);

    /* --get only reads: the log opens read-only. */
    if (rc == 0)
        rc = cli_open_log(app, !get);
    if (rc)
        goto cleanup;
    if (get) {
        if (nops || exp_name || caption)
            rc = ll_error(LL_EUSAGE, "--get takes only -o FILE (usage: "
                          "lablog %s)", cmd.usage);
        else
            rc = get_attachment(app, get, out);
        goto cleanup;
    }
    if (out || nops != 1) {
        rc = ll_error(LL_EUSAGE, "%s (usage: lablog %s)",
                      out ? "-o is for --get" : nops ? "too many arguments"
                                                   : "missing argument",
                      cmd.usage);
        goto cleanup;
    }
    base = strrchr(ops[0], '/') ? strrchr(ops[0], '/') + 1 : ops[0];
    rc = cli_exp(app, exp_name, 0, &exp);
    if (rc == 0 && caption)
        rc = cli_check_text(caption, "caption");
    if (rc == 0)
        rc = cli_check_text(base, "file name");
    if (rc == 0)
        rc = read_file(&bytes, ops[0]);
    if (rc)
        goto cleanup;
    rc = store_begin_write(app->store);
    if (rc == 0)
        rc = store_blob_put(app->store, bytes.ptr, bytes.len, hex);
    if (rc == 0) {
        json_t *d = json_pack("{s:s,s:s,s:I}", "name", base, "sha256", hex,
                              "size", (json_int_t)bytes.len);

        data = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(d);
        cli_entry_init(&e, app, ENTRY_ATTACH);
        e.exp = exp;
        e.title = base;
        e.body = caption;
        e.data = data;
        rc = cli_append_print(app, &e); /* joins the open transaction */
    }
    if (rc == 0)
        rc = store_commit(app->store);
    else
        store_rollback(app->store);
cleanup:
    free(data);
    buf_release(&bytes);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}
