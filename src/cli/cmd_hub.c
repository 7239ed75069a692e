/* SPDX-License-Identifier: MIT */
/*
 * `lablog hub init|status URL`: set up and inspect a shared lab store on
 * PostgreSQL (sync/hub.h). Neither needs a local log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sync/hub.h"
#include "sync/hubsync.h"
#include "sync/pq.h"
#include "util/buf.h"
#include "util/err.h"

/* Seconds a hub command waits for the server before giving up. */
#define HUB_CONNECT_TIMEOUT 10

static const char url_help[] =
    "URL is a libpq connection URI, postgresql://[USER[:PASSWORD]@]HOST"
    "[:PORT]/DATABASE[?...]. Prefer a password from PGPASSFILE, ~/.pgpass "
    "or a service file (PGSERVICE) to one in the URL; either way it is "
    "never printed or stored.";

/* Parses `hub VERB URL` and connects; *c_out is the caller's. */
static int hub_connect(const struct opt_command *cmd, int argc, char **argv,
                       struct pq **c_out)
{
    char **ops = NULL;
    int nops;
    int rc = cli_parse(cmd, argc, argv, &ops, &nops, 1, 1);

    *c_out = NULL;
    if (rc == 0 && !pq_is_url(ops[0]))
        rc = ll_error(LL_EUSAGE, "a hub is a postgresql:// URL (see "
                      "'lablog hub %s --help')", argv[0]);
    if (rc == 0)
        rc = pq_connect(c_out, ops[0], HUB_CONNECT_TIMEOUT);
    free(ops);
    return rc;
}

static int hub_init_cmd(int argc, char **argv, struct app *app)
{
    const struct opt opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
    const struct opt_command cmd = {
        "hub init URL",
        "Create the lablog hub schema in an existing PostgreSQL database (or "
        "migrate an older one), with the group role lab_member that may push "
        "and pull but never change or delete what is there. Run it once, as "
        "the database's owner; grant lab_member to each person "
        "(GRANT lab_member TO alice). Running it again changes nothing.",
        opts, url_help, 0,
    };
    struct pq *c = NULL;
    int rc = hub_connect(&cmd, argc, argv, &c);

    (void)app;
    if (rc == 0)
        rc = hub_init(c);
    if (rc == 0)
        printf("lablog hub ready at %s (schema %d)\n", pq_where(c),
               hub_schema_version());
    pq_close(c);
    return rc;
}

static int hub_status_cmd(int argc, char **argv, struct app *app)
{
    const struct opt opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
    const struct opt_command cmd = {
        "hub status URL",
        "Show what a hub holds: each origin (host, author), its head, when "
        "it was last pushed, and the hub's size.",
        opts, url_help, 0,
    };
    struct buf out = BUF_INIT;
    struct pq *c = NULL;
    int rc = hub_connect(&cmd, argc, argv, &c);

    (void)app;
    if (rc == 0)
        rc = hub_status(c, &out);
    if (rc == 0)
        fputs(out.ptr, stdout);
    buf_release(&out);
    pq_close(c);
    return rc;
}

static int hub_verify_cmd(int argc, char **argv, struct app *app)
{
    const struct opt opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
    const struct opt_command cmd = {
        "hub verify URL",
        "Re-check everything the hub holds: every origin's hash chain, "
        "every metric batch's digest and every attachment, by reading it "
        "all into a scratch log and verifying that. Names the first entry "
        "that does not match; exit 1 then.",
        opts, url_help, 0,
    };
    struct buf out = BUF_INIT, path = BUF_INIT;
    char dir[] = "/tmp/lablog-hub-verify.XXXXXX";
    struct pq *c = NULL;
    int made = 0;
    int rc = hub_connect(&cmd, argc, argv, &c);

    (void)app;
    if (rc == 0 && !mkdtemp(dir))
        rc = ll_error(LL_EIO, "cannot create a scratch directory");
    else if (rc == 0)
        made = 1;
    if (rc == 0) {
        buf_printf(&path, "%s/hub.db", dir);
        rc = hub_verify(c, path.ptr, &out);
    }
    if (rc == 0)
        printf("hub %s\n", out.ptr);
    if (made) {
        struct buf f = BUF_INIT;
        static const char *const files[] = { "hub.db", "hub.db-wal",
                                             "hub.db-shm" };
        size_t i;

        for (i = 0; i < 3; i++) {
            buf_reset(&f);
            buf_printf(&f, "%s/%s", dir, files[i]);
            unlink(f.ptr);
        }
        buf_release(&f);
        rmdir(dir);
    }
    buf_release(&out);
    buf_release(&path);
    pq_close(c);
    return rc;
}

static const struct {
    const char *verb;
    cmd_fn *fn;
} verbs[] = {
    { "init", hub_init_cmd },
    { "status", hub_status_cmd },
    { "verify", hub_verify_cmd },
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

int cmd_hub(int argc, char **argv, struct app *app)
{
    static const struct opt verb_opts[] = {
        { OPT_VERB, 0, "init", NULL, "URL", "create or migrate the hub schema" },
        { OPT_VERB, 0, "status", NULL, "URL", "origins, heads, last push, size" },
        { OPT_VERB, 0, "verify", NULL, "URL", "re-check every chain and digest" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command group = {
        "hub init|status|verify URL",
        "A shared lab store on PostgreSQL that replicas push to and pull "
        "from.", verb_opts,
        "'lablog hub VERB --help' describes each.\n", 0,
    };
    char **ops = NULL;
    size_t i;
    int nops, rc;

    if (argc < 2) {
        opt_print_help(&group, stdout);
        return ll_error(LL_EUSAGE, "hub needs a verb");
    }
    if (argv[1][0] == '-') {
        rc = cli_parse(&group, argc, argv, &ops, &nops, 0, 0);
        free(ops);
        return rc == OPT_HELP ? 0 : rc;
    }
    for (i = 0; i < NVERBS; i++) {
        if (strcmp(verbs[i].verb, argv[1]) == 0) {
            rc = verbs[i].fn(argc - 1, argv + 1, app);
            return rc == OPT_HELP ? 0 : rc;
        }
    }
    return ll_error(LL_EUSAGE, "unknown verb 'hub %s' (init, status, verify)",
                    argv[1]);
}
