/* SPDX-License-Identifier: MIT */
/* `lablog attach`: store a file in the log by content hash. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/buf.h"
#include "util/err.h"

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

int cmd_attach(int argc, char **argv, struct app *app)
{
    const char *exp_name = NULL, *caption = NULL;
    const struct opt opts[] = {
        { OPT_STRING, 0, "exp", &exp_name, "NAME", "the experiment it belongs to" },
        { OPT_STRING, 'c', "caption", &caption, "TEXT", "what it shows" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "attach FILE [--exp NAME] [--caption TEXT]",
        "Store a file (a plot, samples, a table) in the log. The same "
        "content twice is stored once.",
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
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 1, 1);

    if (rc)
        goto cleanup;
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
