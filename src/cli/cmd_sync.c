/* SPDX-License-Identifier: MIT */
/*
 * Logs meeting logs (SYNC.md): `lablog merge OTHER`, `lablog clone SRC DST`,
 * `lablog push|pull|sync TARGET` for feed directories, and `lablog remote`
 * to name targets once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sync/feeddir.h"
#include "sync/hubsync.h"
#include "sync/pq.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static void print_import(const char *what, const struct store_import_stats *st)
{
    fprintf(stderr, "%s: %zu entr%s added (%zu points), %zu already held",
            what, st->entries, st->entries == 1 ? "y" : "ies", st->points,
            st->held);
    if (st->forks)
        fprintf(stderr, ", %zu fork%s kept as evidence (see 'lablog "
                "origins')", st->forks, st->forks == 1 ? "" : "s");
    fputc('\n', stderr);
}

/* Is path an SQLite file (a lablog.db) rather than a feed? A pipe or a
 * terminal is a feed: reading its first bytes would lose them. */
static int is_sqlite_file(const char *path, int *yes)
{
    char magic[16];
    struct stat st;
    FILE *f;

    *yes = 0;
    if (stat(path, &st) != 0)
        return ll_error(LL_ENOTFOUND, "cannot open '%s'", path);
    if (!S_ISREG(st.st_mode))
        return 0;
    f = fopen(path, "rb");
    if (!f)
        return ll_error(LL_ENOTFOUND, "cannot open '%s'", path);
    *yes = fread(magic, 1, sizeof(magic), f) == sizeof(magic) &&
           memcmp(magic, "SQLite format 3", 16) == 0;
    fclose(f);
    return 0;
}

/* Where a merge came from, as remembered with the heads it held: the
 * absolute path, so "../b.db" and "/home/x/b.db" are one place. */
static char *source_of(const char *path)
{
    char *abs = realpath(path, NULL);

    return abs ? abs : xstrdup(path);
}

/* Imports another log (opened read-only) through its feed. */
static int merge_log(struct app *app, const char *path,
                     struct store_import_stats *st)
{
    struct store *other = NULL;
    FILE *tmp = NULL;
    int rc = store_open(&other, path, STORE_READ);

    if (rc == 0) {
        tmp = tmpfile();
        if (!tmp)
            rc = ll_error(LL_EIO, "cannot create a temporary file");
    }
    if (rc == 0)
        rc = store_feed_write(other, tmp);
    if (rc == 0 && fseek(tmp, 0, SEEK_SET) != 0)
        rc = ll_error(LL_EIO, "cannot read a temporary file");
    if (rc == 0) {
        char *source = source_of(path);

        rc = store_feed_import(app->store, tmp, path, source, st);
        free(source);
    }
    if (tmp)
        fclose(tmp);
    store_close(other);
    return rc;
}

int cmd_merge(int argc, char **argv, struct app *app)
{
    const struct opt opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
    const struct opt_command cmd = {
        "merge OTHER",
        "Bring in every entry, metric point and attachment that OTHER holds "
        "and this log lacks. OTHER is another lablog.db (opened read-only) "
        "or a feed (lablog export --feed; - reads one from stdin). Every "
        "entry is checked (hash, chain, digest) before it is added; at a "
        "bad one the merge stops with FILE:LINE, and nothing from that line "
        "on is added. The log is locked only while checked entries are "
        "added, in chunks, so runs logging meanwhile are not held up. "
        "Merging is idempotent and may happen in any order, any number of "
        "times.",
        opts, NULL, 0,
    };
    struct store_import_stats st;
    char **ops = NULL;
    int nops, sqlite = 0;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 1, 1);

    if (rc == 0 && strcmp(ops[0], "-") == 0)
        rc = store_feed_import(app->store, stdin, "stdin", NULL, &st);
    else if (rc == 0)
        rc = is_sqlite_file(ops[0], &sqlite);
    if (rc == 0 && strcmp(ops[0], "-") == 0) {
        /* done above */
    } else if (rc == 0 && sqlite) {
        rc = merge_log(app, ops[0], &st);
    } else if (rc == 0) {
        FILE *f = fopen(ops[0], "r");

        if (!f) {
            rc = ll_error(LL_ENOTFOUND, "cannot open '%s'", ops[0]);
        } else {
            char *source = source_of(ops[0]);

            rc = store_feed_import(app->store, f, ops[0], source, &st);
            free(source);
            fclose(f);
        }
    }
    if (rc == 0)
        print_import("merge", &st);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

int cmd_clone(int argc, char **argv, struct app *app)
{
    const struct opt opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
    const struct opt_command cmd = {
        "clone SRC DST",
        "Copy the log SRC to the new file DST as a replica of its own: DST "
        "writes as a new origin whose first entry names the origin and head "
        "it came from. (A file copied with cp or rsync becomes one at its "
        "first write; clone says so up front.) Use it to take a log from a "
        "shared or network filesystem to a local disk.",
        opts, NULL, 0,
    };
    struct store *src = NULL, *dst = NULL;
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 2, 2);

    (void)app;
    if (rc == 0 && access(ops[1], F_OK) == 0)
        rc = ll_error(LL_EUSAGE, "'%s' exists: clone writes a new file",
                      ops[1]);
    if (rc == 0)
        rc = store_open(&src, ops[0], STORE_READ);
    if (rc == 0)
        rc = store_copy_to(src, ops[1]);
    if (rc == 0)
        rc = store_open(&dst, ops[1], STORE_WRITE);
    if (rc == 0)
        rc = store_claim_origin(dst);
    if (rc == 0)
        fprintf(stderr, "lablog: cloned '%s' to '%s' as a new replica\n",
                ops[0], ops[1]);
    store_close(dst);
    store_close(src);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

/*
 * TARGET: dir:PATH, postgresql://..., or the name of a remote holding one.
 * *where_out is the caller's: the directory, or the URL of a hub.
 */
static int resolve_target(struct app *app, const char *target,
                          char **where_out, int *hub_out)
{
    char *url = NULL;
    int rc = 0;

    *where_out = NULL;
    *hub_out = 0;
    if (strncmp(target, "dir:", 4) != 0 && !strstr(target, "://")) {
        rc = store_remote_get(app->store, target, &url);
        if (rc == LL_ENOTFOUND)
            return ll_error(LL_EUSAGE, "no remote '%s' (a target is dir:PATH, "
                            "a postgresql:// URL or a name from 'lablog "
                            "remote add')", target);
        if (rc)
            return rc;
        target = url;
    }
    if (strncmp(target, "dir:", 4) == 0 && target[4])
        *where_out = xstrdup(target + 4);
    else if (pq_is_url(target))
        *where_out = xstrdup(target);
    else
        rc = ll_error(LL_EUSAGE, "cannot sync with '%s': a target is "
                      "dir:PATH or a postgresql:// URL", target);
    *hub_out = pq_is_url(target);
    free(url);
    return rc;
}

enum { DO_PUSH = 1, DO_PULL = 2 };

/*
 * One feed file, one writer: processes writing one replica (runs sharing a
 * node's log, a push by hand meanwhile) push in turn, through a lock on
 * local disk beside the log -- never in the feed directory: no lock files
 * on NFS.
 */
int cli_push_dir(struct app *app, const char *dir,
                 struct feeddir_push_stats *pushed)
{
    struct buf lock = BUF_INIT;
    int fd, rc;

    buf_printf(&lock, "%s.push-lock", store_file(app->store));
    fd = open(lock.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || flock(fd, LOCK_EX) != 0)
        rc = ll_error(LL_EIO, "cannot lock '%s': %s", lock.ptr,
                      strerror(errno));
    else
        rc = feeddir_push(app->store, dir, pushed);
    if (fd >= 0)
        close(fd);
    buf_release(&lock);
    return rc;
}

/* Seconds a push or pull waits for a hub before giving up. */
#define HUB_TIMEOUT 10

static int dir_push_pull(struct app *app, const char *dir, int what)
{
    struct feeddir_push_stats pushed;
    struct store_import_stats pulled;
    size_t feeds = 0;
    int rc = 0;

    if (what & DO_PULL) {
        rc = feeddir_pull(app->store, dir, &pulled, &feeds);
        if (rc == 0) {
            char label[64];

            snprintf(label, sizeof(label), "pull: %zu feed%s", feeds,
                     feeds == 1 ? "" : "s");
            print_import(label, &pulled);
        }
    }
    if (rc == 0 && (what & DO_PUSH)) {
        rc = cli_push_dir(app, dir, &pushed);
        if (rc == 0)
            fprintf(stderr, "push: %lld entr%s appended to %s\n",
                    (long long)(pushed.to_seq - pushed.from_seq),
                    pushed.to_seq - pushed.from_seq == 1 ? "y" : "ies", dir);
    }
    return rc;
}

static int hub_push_pull(struct app *app, const char *url, int what)
{
    struct hub_push_stats pushed;
    struct store_import_stats pulled;
    struct pq *c = NULL;
    int rc = pq_connect(&c, url, HUB_TIMEOUT);

    if (rc == 0 && (what & DO_PULL)) {
        int complete;

        rc = hub_pull(c, app->store, 0, &pulled, &complete);
        if (rc == 0)
            print_import("pull", &pulled);
    }
    if (rc == 0 && (what & DO_PUSH)) {
        rc = hub_push(c, app->store, &pushed);
        if (rc == 0)
            fprintf(stderr, "push: %zu entr%s (%zu points) of %zu origin%s "
                    "sent to %s\n", pushed.entries,
                    pushed.entries == 1 ? "y" : "ies", pushed.points,
                    pushed.origins, pushed.origins == 1 ? "" : "s",
                    pq_where(c));
    }
    pq_close(c);
    return rc;
}

static int push_pull(int argc, char **argv, struct app *app, int what,
                     const struct opt_command *cmd)
{
    char **ops = NULL;
    char *where = NULL, *named = NULL;
    int nops, hub = 0;
    int rc = cli_parse(cmd, argc, argv, &ops, &nops, 1, 1);

    if (rc == 0)
        rc = resolve_target(app, ops[0], &where, &hub);
    /* A named remote's URL holds no password: its pull time is kept. */
    if (rc == 0 && store_remote_get(app->store, ops[0], &named) != 0)
        ll_error_clear();
    if (rc == 0)
        rc = hub ? hub_push_pull(app, where, what)
                 : dir_push_pull(app, where, what);
    if (rc == 0 && (what & DO_PULL) && named)
        rc = store_pull_time_set(app->store, named, app->now);
    free(named);
    free(where);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

/* ---- pulling before a render ------------------------------------------ */

/* The whole budget of a render's pull: a daily must not wait on a hub. */
#define RENDER_PULL_MS 2000

struct render_pull {
    struct app *app;
    struct store *w;   /* a handle of our own that writes */
    int every;         /* --pull: dir: remotes too, not only hubs */
    int64_t deadline;  /* time_mono_ms() */
};

/* "hub 'lab' unreachable; local data as of 2026-12-02 09:10": one line,
 * with why when the remote answered but the pull failed. */
static void say_local(struct render_pull *p, const char *name,
                      const char *url, int reached)
{
    char when[TIME_SHORT_SIZE], why[512] = "";
    int64_t at = 0;

    if (reached)
        snprintf(why, sizeof(why), " (%s)", ll_error_message());
    ll_error_clear();
    if (store_pull_time_get(p->app->store, url, &at) != 0)
        ll_error_clear();
    fprintf(stderr, "lablog: %s '%s' %s%s; local data ",
            pq_is_url(url) ? "hub" : "feed directory", name,
            reached ? "could not be pulled" : "unreachable", why);
    if (at)
        fprintf(stderr, "as of %s\n", time_format_short(when, at));
    else
        fputs("only (never pulled from it)\n", stderr);
}

static int pull_remote(void *ctx, const char *name, const char *url)
{
    struct render_pull *p = ctx;
    struct store_import_stats st;
    int64_t left = p->deadline - time_mono_ms();
    int hub = pq_is_url(url), complete = 0, reached, rc;

    if (!p->every && !hub)
        return 0;
    if (left <= 0) {
        fprintf(stderr, "lablog: no time left to pull '%s'; local data\n",
                name);
        return 0;
    }
    if (!p->w && (store_open(&p->w, store_file(p->app->store), STORE_WRITE)
                  || store_check_writable(p->w))) {
        ll_error_clear();
        fputs("lablog: cannot pull first (the log cannot be written here); "
              "local data\n", stderr);
        return 1; /* stop: no remote can be pulled */
    }
    if (hub) {
        struct pq *c = NULL;

        /* libpq's connect_timeout counts in whole seconds, at least 2. */
        rc = pq_connect(&c, url, (int)((left + 999) / 1000));
        reached = rc == 0;
        if (rc == 0)
            rc = hub_pull(c, p->w, p->deadline, &st, &complete);
        pq_close(c);
    } else {
        size_t feeds;

        rc = feeddir_pull(p->w, url + 4, &st, &feeds);
        reached = rc != LL_ENOTFOUND;
        complete = 1;
    }
    if (rc) {
        say_local(p, name, url, reached);
        return 0;
    }
    if (!complete)
        fprintf(stderr, "lablog: pulled %zu entr%s from '%s' in the time "
                "there was; the rest comes with the next pull\n", st.entries,
                st.entries == 1 ? "y" : "ies", name);
    else if (store_pull_time_set(p->w, url, p->app->now) != 0)
        ll_error_clear();
    return 0;
}

int cli_pull_for_render(struct app *app, int pull, int offline)
{
    struct render_pull p = { app, NULL, pull, 0 };

    if (pull && offline)
        return ll_error(LL_EUSAGE, "--pull and --offline exclude each other");
    if (offline)
        return 0;
    p.deadline = time_mono_ms() + RENDER_PULL_MS;
    if (store_remotes(app->store, pull_remote, &p) < 0)
        ll_error_clear();
    store_close(p.w);
    return 0;
}

static const char target_help[] =
    "TARGET is dir:PATH, a feed directory (one append-only file per "
    "origin; safe on NFS, no lock files); postgresql://..., a lab hub "
    "(see 'lablog hub init'; every origin this replica holds is pushed); "
    "or a name given to either with 'lablog remote add'.";

int cmd_push(int argc, char **argv, struct app *app)
{
    const struct opt opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
    const struct opt_command cmd = {
        "push TARGET",
        "Append this replica's own new entries (with their points and "
        "attachments) to its feed file in TARGET.",
        opts, target_help, 0,
    };

    return push_pull(argc, argv, app, DO_PUSH, &cmd);
}

int cmd_pull(int argc, char **argv, struct app *app)
{
    const struct opt opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
    const struct opt_command cmd = {
        "pull TARGET",
        "Add what the other replicas' feed files in TARGET hold and this "
        "log lacks. Every line is checked; an unfinished last line (a push "
        "in progress) is left for the next pull; a bad line refuses its "
        "feed with FILE:LINE.",
        opts, target_help, 0,
    };

    return push_pull(argc, argv, app, DO_PULL, &cmd);
}

int cmd_sync(int argc, char **argv, struct app *app)
{
    const struct opt opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
    const struct opt_command cmd = {
        "sync TARGET", "Pull from TARGET, then push to it.", opts,
        target_help, 0,
    };

    return push_pull(argc, argv, app, DO_PULL | DO_PUSH, &cmd);
}

static int print_remote(void *ctx, const char *name, const char *url)
{
    (void)ctx;
    printf("%-12s %s\n", name, url);
    return 0;
}

int cmd_remote(int argc, char **argv, struct app *app)
{
    const struct opt opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
    const struct opt_command cmd = {
        "remote [add NAME TARGET]",
        "Name a sync target once (stored in this file only: never synced), "
        "or list the names. TARGET is dir:PATH or a postgresql:// URL "
        "(without a password: it would be stored).",
        opts, NULL, 0,
    };
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, 3);

    if (rc)
        goto cleanup;
    if (nops == 0) {
        rc = store_remotes(app->store, print_remote, NULL);
    } else if (nops == 3 && strcmp(ops[0], "add") == 0) {
        if (cli_check_name(ops[1]) != 0)
            rc = LL_EUSAGE;
        else if (pq_is_url(ops[2]) && pq_url_has_password(ops[2]))
            rc = ll_error(LL_EUSAGE, "a remote is stored in the log's file: "
                          "give the URL without its password and keep the "
                          "password in ~/.pgpass or PGPASSFILE");
        else if (!pq_is_url(ops[2]) &&
                 (strncmp(ops[2], "dir:", 4) != 0 || !ops[2][4]))
            rc = ll_error(LL_EUSAGE, "a remote is dir:PATH or a "
                          "postgresql:// URL");
        else
            rc = store_remote_set(app->store, ops[1], ops[2]);
    } else {
        rc = ll_error(LL_EUSAGE, "usage: lablog remote [add NAME TARGET]");
    }
cleanup:
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}
