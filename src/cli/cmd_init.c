/* SPDX-License-Identifier: MIT */
/* `lablog init`: create lablog.db here with the project entry. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/buf.h"
#include "util/err.h"

int cmd_init(int argc, char **argv, struct app *app)
{
    const char *name = NULL, *goal = NULL;
    const struct opt opts[] = {
        { OPT_STRING, 0, "name", &name, "NAME", "project name (default: this directory's)" },
        { OPT_STRING, 0, "goal", &goal, "TEXT", "what the project is trying to find out" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "init [--name NAME] [--goal TEXT]",
        "Create a new log, lablog.db, in the working directory (or at --db "
        "PATH).",
        opts, NULL, 0,
    };
    const char *path = app->db_path ? app->db_path : STORE_FILENAME;
    struct buf dir = BUF_INIT;
    struct entry e;
    char host[256], *data = NULL;
    json_t *d;
    char **ops = NULL;
    int nops, rc;

    rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, 0);
    if (rc)
        goto cleanup;
    if (!name) {
        char cwd[4096];
        const char *slash;

        if (!getcwd(cwd, sizeof(cwd)))
            strcpy(cwd, "project");
        slash = strrchr(cwd, '/');
        buf_puts(&dir, slash && slash[1] ? slash + 1 : cwd);
        name = dir.ptr;
    }
    rc = cli_check_text(name, "project name");
    if (rc == 0 && goal)
        rc = cli_check_text(goal, "goal");
    if (rc)
        goto cleanup;
    rc = store_open(&app->store, path, STORE_CREATE);
    if (rc)
        goto cleanup;
    /* The project entry starts this replica's origin: where it lives is
     * what readers show as NAME (author@host) when names collide. */
    store_host_name(host, sizeof(host));
    d = json_pack("{s:s}", "host", host);
    data = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(d);
    cli_entry_init(&e, app, ENTRY_PROJECT);
    e.title = name;
    e.body = goal;
    e.data = data;
    rc = cli_append_print(app, &e);
    if (rc == 0)
        fprintf(stderr, "lablog: created %s for '%s'\n", path, name);
    store_close(app->store);
    app->store = NULL;
    if (rc)
        unlink(path);
cleanup:
    free(data);
    free(ops);
    buf_release(&dir);
    return rc == OPT_HELP ? 0 : rc;
}
