/* SPDX-License-Identifier: MIT */
/* `lablog verify`: recompute the hash chain and every digest. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "util/buf.h"

int cmd_verify(int argc, char **argv, struct app *app)
{
    const struct opt opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
    const struct opt_command cmd = {
        "verify",
        "Check the log's integrity: SQLite's quick_check, the hash chain of "
        "every entry, every metric batch's digest and every attachment's "
        "hash. Prints one 'ok: ...' line and exits 0 when all holds; else "
        "names the first entry that does not match and exits 1.",
        opts,
        "Also a change: an attachment entry whose file is missing or not the\n"
        "one it recorded, and a stored field that reads back as less than is\n"
        "stored (a uid over 26 characters, a NUL byte in a text, an unknown\n"
        "kind, a time that is not an integer). Needs no write access.",
        0,
    };
    struct buf summary = BUF_INIT;
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, 0);

    if (rc == 0)
        rc = store_verify(app->store, &summary);
    if (rc == 0)
        puts(summary.ptr);
    buf_release(&summary);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}
