/* SPDX-License-Identifier: MIT */
/*
 * Cluster jobs (SYNC.md, "A cluster job"): `lablog env` prints what a job
 * needs to log to this project, and a job's replica meets home through a
 * spool, a feed directory on the shared filesystem ($LABLOG_SPOOL):
 * pulled for its experiment, pushed after every commit of a run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sync/feeddir.h"
#include "util/buf.h"
#include "util/err.h"

int cli_spool_pull(struct app *app)
{
    const char *spool = getenv("LABLOG_SPOOL");
    struct store_import_stats st;
    size_t feeds;
    int rc;

    if (!spool || !*spool)
        return 0;
    rc = feeddir_pull(app->store, spool, &st, &feeds);
    if (rc == 0 && st.entries)
        fprintf(stderr, "lablog: %zu entr%s from the spool %s\n", st.entries,
                st.entries == 1 ? "y" : "ies", spool);
    return rc;
}

int cli_spool_push(struct app *app)
{
    const char *spool = getenv("LABLOG_SPOOL");
    struct feeddir_push_stats pushed;

    return spool && *spool ? cli_push_dir(app, spool, &pushed) : 0;
}

/* A value as the shell reads it back: in single quotes. */
static void put_shell_word(const char *v)
{
    putchar('\'');
    for (; *v; v++) {
        if (*v == '\'')
            fputs("'\\''", stdout);
        else
            putchar(*v);
    }
    putchar('\'');
}

/* The experiment's uid and the origin that created it. */
struct exp_ids {
    char uid[27], origin[27];
};

static int copy_ids(void *ctx, const struct entry *e)
{
    struct exp_ids *ids = ctx;

    memcpy(ids->uid, e->uid, sizeof(ids->uid));
    memcpy(ids->origin, e->origin, sizeof(ids->origin));
    return 0;
}

static int find_self(void *ctx, const struct store_origin *o)
{
    if (o->self)
        snprintf(ctx, 27, "%s", o->id);
    return 0;
}

/*
 * A job finds its experiment in the spool: in this replica's feed, which
 * was just pushed, or in the feed of the origin that created it, which
 * only that replica writes.
 */
static int check_spool_has(struct app *app, const char *spool,
                           const struct exp_ids *ids, const char *name)
{
    struct buf feed = BUF_INIT;
    char self[27] = "";
    int rc = store_origins(app->store, find_self, self);

    if (rc || strcmp(self, ids->origin) == 0)
        return rc;
    buf_printf(&feed, "%s/%s.feed", spool, ids->origin);
    if (access(feed.ptr, R_OK) != 0) {
        char host[128];

        if (store_origin_host(app->store, ids->origin, host, sizeof(host)))
            host[0] = '\0';
        rc = ll_error(LL_ENOTFOUND, "'%s' was created on %s, and its feed is "
                      "not in %s: run 'lablog push dir:%s' there, or give the "
                      "job an experiment of this replica's", name,
                      *host ? host : "another replica", spool, spool);
    }
    buf_release(&feed);
    return rc;
}

int cmd_env(int argc, char **argv, struct app *app)
{
    const char *exp_name = NULL, *spool = NULL;
    int sh = 0;
    const struct opt opts[] = {
        { OPT_STRING, 0, "exp", &exp_name, "NAME", "the experiment the job runs" },
        { OPT_STRING, 0, "spool", &spool, "DIR", "the feed directory the job appends to (default: $LABLOG_SPOOL)" },
        { OPT_FLAG, 0, "sh", &sh, NULL, "print export lines for a shell (eval \"$(lablog env ...)\")" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "env --exp NAME [--spool DIR] [--sh]",
        "Print the variables a cluster job needs to log to this project: "
        "LABLOG_EXP_UID (the experiment, by uid, so a replica on the node "
        "names the same one) and LABLOG_SPOOL (a feed directory on a shared "
        "filesystem). With a spool, this replica is pushed to it first, so "
        "the job's replica can pull the experiment. In the job, 'lablog run' "
        "writes a node-local replica (LABLOG_DB) and appends its feed to the "
        "spool after every committed batch and at exit; 'lablog pull "
        "dir:SPOOL' brings the job's results home.",
        opts,
        "Example:\n"
        "  sbatch --export=ALL,$(lablog env --exp lr-3e-4 --spool ~/proj/feeds) job.sh\n"
        "  # job.sh: LABLOG_DB=$TMPDIR/ll.db lablog run -- python train.py\n",
        0,
    };
    struct feeddir_push_stats pushed;
    struct exp_ids ids;
    char *abs = NULL;
    char **ops = NULL;
    int64_t exp = 0;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, 0);

    if (rc)
        goto cleanup;
    if (!exp_name) {
        rc = ll_error(LL_EUSAGE, "env needs --exp NAME");
        goto cleanup;
    }
    if (!spool && getenv("LABLOG_SPOOL") && *getenv("LABLOG_SPOOL"))
        spool = getenv("LABLOG_SPOOL");
    rc = cli_exp(app, exp_name, 1, &exp);
    if (rc == 0)
        rc = store_entry_get(app->store, exp, copy_ids, &ids);
    if (rc == 0 && spool)
        rc = cli_push_dir(app, spool, &pushed);
    if (rc == 0 && spool)
        rc = check_spool_has(app, spool, &ids, exp_name);
    if (rc == 0 && spool && !(abs = realpath(spool, NULL)))
        rc = ll_error(LL_EIO, "cannot find '%s'", spool);
    if (rc)
        goto cleanup;
    if (sh) {
        printf("export LABLOG_EXP_UID=%s\n", ids.uid);
        if (abs) {
            fputs("export LABLOG_SPOOL=", stdout);
            put_shell_word(abs);
            putchar('\n');
        }
    } else {
        /* One word, commas between: what sbatch --export takes. */
        if (abs && strchr(abs, ',')) {
            rc = ll_error(LL_EUSAGE, "the spool path '%s' has a comma, which "
                          "sbatch --export cannot carry: use --sh", abs);
            goto cleanup;
        }
        printf("LABLOG_EXP_UID=%s", ids.uid);
        if (abs)
            printf(",LABLOG_SPOOL=%s", abs);
        putchar('\n');
    }
cleanup:
    free(abs);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

