/* SPDX-License-Identifier: MIT */
/*
 * `lablog verify`: recompute every origin's hash chain and every digest,
 * and check heads kept from earlier (--head, --heads FILE), which is what
 * makes a truncated or rolled-back log visible.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

struct heads {
    struct store_head *items;
    size_t len, cap;
};

static int add_head(struct heads *h, const char *text)
{
    XGROW(h->items, h->len + 1, h->cap);
    if (store_head_parse(&h->items[h->len], text))
        return LL_EUSAGE;
    h->len++;
    return 0;
}

/*
 * A file of heads: one ORIGIN:SEQ:HASH per line, optionally after "head "
 * and followed by anything (so the output of 'lablog verify' is such a
 * file); blank lines, '#' comments and the "ok: ..." line are skipped.
 */
static int read_heads(struct heads *h, const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t n;
    int rc = 0;

    if (!f)
        return ll_error(LL_EIO, "cannot open '%s': %s", path,
                        strerror(errno));
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        char *p = line;

        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        p += strspn(p, " \t");
        if (!*p || *p == '#' || strncmp(p, "ok:", 3) == 0
            || strncmp(p, "fork:", 5) == 0)
            continue;
        if (strncmp(p, "head ", 5) == 0)
            p += 5;
        p[strcspn(p, " \t")] = '\0';
        XGROW(h->items, h->len + 1, h->cap);
        if (store_head_parse(&h->items[h->len], p))
            rc = ll_error(LL_EINPUT, "%s:%zu: '%s' is not a head "
                          "(ORIGIN:SEQ:HASH)", path, lineno, p);
        else
            h->len++;
    }
    free(line);
    fclose(f);
    return rc;
}

int cmd_verify(int argc, char **argv, struct app *app)
{
    struct opt_list head_args = { 0 };
    const char *heads_file = NULL;
    const struct opt opts[] = {
        { OPT_LIST, 0, "head", &head_args, "ORIGIN:SEQ:HASH", "a head seen earlier: fail if this log no longer has it (truncated, rolled back, forked)" },
        { OPT_STRING, 0, "heads", &heads_file, "FILE", "heads seen earlier, one per line (the output of an earlier verify will do)" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "verify [--head ORIGIN:SEQ:HASH]... [--heads FILE]",
        "Check the log's integrity: SQLite's quick_check, every origin's "
        "hash chain, every metric batch's digest and every attachment's "
        "hash. Prints 'ok: ...' and each origin's head as 'head "
        "ORIGIN:SEQ:HASH' and exits 0 when all holds; else names the first "
        "entry that does not match and exits 1. Keep the heads (e.g. 'lablog "
        "verify > heads') and pass them later with --heads: a head that went "
        "backwards or forked fails.",
        opts,
        "Also a change: an attachment entry whose file is missing or not the\n"
        "one it recorded, and a stored field that reads back as less than is\n"
        "stored (a uid over 26 characters, a NUL byte in a text, a time that\n"
        "is not an integer). Needs no write access.",
        0,
    };
    struct heads heads = { 0 };
    struct buf summary = BUF_INIT;
    char **ops = NULL;
    size_t i;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, 0);

    for (i = 0; rc == 0 && i < head_args.len; i++)
        rc = add_head(&heads, head_args.items[i]);
    if (rc == 0 && heads_file)
        rc = read_heads(&heads, heads_file);
    if (rc == 0)
        rc = store_verify(app->store, heads.items, heads.len, &summary);
    if (rc == 0)
        puts(summary.ptr);
    buf_release(&summary);
    free(heads.items);
    opt_list_release(&head_args);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}
