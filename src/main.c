/* SPDX-License-Identifier: MIT */
/*
 * lablog's entry point: global options, the command table, setting up what
 * each command needs (the log, the clock, the author), the one-line error
 * report and the final check that output was really written.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/version.h"
#include "util/xalloc.h"


const struct cmd lablog_commands[] = {
    { "init", cmd_init, CMD_NO_DB, "Start a log (lablog.db) in this directory" },
    { "exp", cmd_exp, CMD_NEEDS_DB | CMD_WRITES, "Create, run and list experiments" },
    { "note", cmd_note, CMD_NEEDS_DB | CMD_WRITES, "Record an observation or takeaway" },
    { "metric", cmd_metric, CMD_NEEDS_DB | CMD_WRITES, "Log metric values at a step" },
    { "metric-info", cmd_metric_info, CMD_NEEDS_DB | CMD_WRITES, "Say or show what a metric means" },
    { "ingest", cmd_ingest, CMD_NEEDS_DB | CMD_WRITES, "Load metrics from JSONL or CSV" },
    { "run", cmd_run, CMD_NEEDS_DB | CMD_WRITES, "Run a command as an experiment" },
    { "import", cmd_import, CMD_NEEDS_DB | CMD_WRITES, "Import runs from MLflow, W&B, TensorBoard" },
    { "next", cmd_next, CMD_NEEDS_DB | CMD_WRITES, "Propose a next step" },
    { "done", cmd_done, CMD_NEEDS_DB | CMD_WRITES, "Mark a next step done" },
    { "block", cmd_block, CMD_NEEDS_DB | CMD_WRITES, "Record a blocker" },
    { "unblock", cmd_unblock, CMD_NEEDS_DB | CMD_WRITES, "Resolve a blocker" },
    { "ask", cmd_ask, CMD_NEEDS_DB | CMD_WRITES, "Record a question for the meeting" },
    { "answer", cmd_answer, CMD_NEEDS_DB | CMD_WRITES, "Answer a question" },
    { "decide", cmd_decide, CMD_NEEDS_DB | CMD_WRITES, "Record a decision" },
    { "amend", cmd_amend, CMD_NEEDS_DB | CMD_WRITES, "Correct an entry's text" },
    { "retract", cmd_retract, CMD_NEEDS_DB | CMD_WRITES, "Withdraw an entry" },
    { "attach", cmd_attach, CMD_NEEDS_DB | CMD_WRITES | CMD_OPENS_LOG, "Store a file in the log, or get one back" },
    { "samples", cmd_samples, CMD_NEEDS_DB | CMD_WRITES | CMD_OPENS_LOG, "Model outputs: add, show, diff" },
    { "log", cmd_log, CMD_NEEDS_DB, "Show the timeline" },
    { "show", cmd_show, CMD_NEEDS_DB, "Show one entry" },
    { "compare", cmd_compare, CMD_NEEDS_DB, "Compare runs and seeds: intervals, differences, verdicts" },
    { "velocity", cmd_velocity, CMD_NEEDS_DB, "Experiments per week, next step to done, swamps" },
    { "search", cmd_search, CMD_NEEDS_DB, "Full-text search" },
    { "export", cmd_export, CMD_NEEDS_DB, "Export the log as JSON" },
    { "verify", cmd_verify, CMD_NEEDS_DB, "Check the log's integrity" },
    { "origins", cmd_origins, CMD_NEEDS_DB, "List the replicas that wrote this log" },
    { "merge", cmd_merge, CMD_NEEDS_DB | CMD_WRITES, "Bring in another log or feed" },
    { "clone", cmd_clone, CMD_NO_DB, "Copy a log as a new replica" },
    { "push", cmd_push, CMD_NEEDS_DB, "Append this replica's entries to a feed directory" },
    { "pull", cmd_pull, CMD_NEEDS_DB | CMD_WRITES, "Bring in other replicas' feeds" },
    { "sync", cmd_sync, CMD_NEEDS_DB | CMD_WRITES, "Pull, then push" },
    { "remote", cmd_remote, CMD_NEEDS_DB | CMD_WRITES, "Name sync targets" },
    { "env", cmd_env, CMD_NEEDS_DB | CMD_WRITES, "Variables for a cluster job" },
    { "migrate", cmd_migrate, CMD_NEEDS_DB | CMD_WRITES, "Bring an older log to the current format" },
    { "debug", cmd_debug, CMD_NEEDS_DB | CMD_WRITES | CMD_HIDDEN, "Test helpers" },
    { "daily", cmd_daily, CMD_NEEDS_DB | CMD_WRITES | CMD_RENDER, "Last / Next / Blockers daily update" },
    { "report", cmd_report, CMD_NEEDS_DB | CMD_RENDER, "Research-log report (Markdown/HTML)" },
    { "slides", cmd_slides, CMD_NEEDS_DB | CMD_WRITES | CMD_RENDER, "Weekly meeting deck (PDF)" },
    { "plot", cmd_plot, CMD_NEEDS_DB | CMD_RENDER, "Plot metrics (PNG, SVG, PDF)" },
    { "hub", cmd_hub, CMD_NO_DB, "Set up a shared lab store (PostgreSQL)" },
    { "help", cmd_help, CMD_NO_DB, "Show help for a command" },
    { "__complete", cmd_complete, CMD_NO_DB | CMD_HIDDEN, "Shell completion candidates" },
    { NULL, NULL, 0, NULL },
};

/* The command's function. (The rendering commands load lablog-render.so
 * themselves, through cli_render().) */
int cli_resolve(const struct cmd *c, cmd_fn **fn_out)
{
    *fn_out = c->fn;
    return 0;
}

/*
 * Author: $LABLOG_AUTHOR, else user.name from git's global config files
 * (read directly: spawning git would cost more than a metric write), else
 * the login name.
 */
static char *git_user_name(void)
{
    const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
    struct buf path = BUF_INIT;
    char line[512];
    char *name = NULL;
    int pass;

    for (pass = 0; pass < 2 && !name; pass++) {
        FILE *f;
        int in_user = 0;

        buf_reset(&path);
        if (pass == 0 && home)
            buf_printf(&path, "%s/.gitconfig", home);
        else if (pass == 1 && xdg && *xdg)
            buf_printf(&path, "%s/git/config", xdg);
        else if (pass == 1 && home)
            buf_printf(&path, "%s/.config/git/config", home);
        if (!path.len)
            continue;
        f = fopen(path.ptr, "r");
        if (!f)
            continue;
        while (!name && fgets(line, sizeof(line), f)) {
            char *p = line + strspn(line, " \t");

            if (*p == '[') {
                in_user = strncmp(p, "[user]", 6) == 0;
            } else if (in_user && strncmp(p, "name", 4) == 0) {
                p += 4 + strspn(p + 4, " \t");
                if (*p++ != '=')
                    continue;
                p += strspn(p, " \t\"");
                p[strcspn(p, "\"\r\n")] = '\0';
                if (*p)
                    name = xstrdup(p);
            }
        }
        fclose(f);
    }
    buf_release(&path);
    return name;
}

static char *find_author(void)
{
    const char *env = getenv("LABLOG_AUTHOR");
    struct passwd *pw;
    char *name;

    if (env && *env)
        return xstrdup(env);
    name = git_user_name();
    if (name)
        return name;
    pw = getpwuid(getuid());
    return xstrdup(pw && pw->pw_name ? pw->pw_name : "unknown");
}

/* SQLite refuses low descriptors, but other writers do not: make sure 0-2
 * are open so no file we open lands on stdout (API-NOTES A8). */
static void ensure_std_fds(void)
{
    int fd;

    while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
        ;
    if (fd > 2)
        close(fd);
}

static int run_command(const struct cmd *c, int argc, char **argv,
                       struct app *app)
{
    cmd_fn *fn;
    int rc = cli_resolve(c, &fn);

    if (rc)
        return rc;
    if (c->flags & CMD_NEEDS_DB && !(c->flags & CMD_OPENS_LOG) && !app->help) {
        rc = cli_open_log(app, c->flags & CMD_WRITES);
        if (rc)
            return rc;
    }
    rc = fn(argc, argv, app);
    cli_render_cleanup();
    store_close(app->store);
    app->store = NULL;
    return rc;
}

static int finish_output(int status)
{
    int failed = fflush(stdout) != 0 || ferror(stdout);
    int err = errno;

    /* A pager the reader quit early is not a failure (git's rule). */
    if (cli_pager_finish() && err == EPIPE)
        failed = 0;
    if (failed) {
        fprintf(stderr, "lablog: error: writing output failed: %s\n",
                strerror(err));
        return 1;
    }
    return status;
}

static void probe_sink(void *ctx, const struct opt_command *cmd, int argc,
                       char **argv)
{
    struct opt_scan *scan = ctx;

    if (argv)
        opt_scan(cmd, argc, argv, scan);
    else
        scan->help = 0, scan->bad = 1; /* prints its help and stops */
}

/*
 * Looks at the command line with the command's own option table, without
 * running it: whether it asks for --help (then no log is needed), and
 * where a global --db follows the command; those are taken out of argv.
 */
static int probe(const struct cmd *c, int *argc, char **argv,
                 struct app *app)
{
    struct opt_scan scan;
    cmd_fn *fn;
    size_t k;
    int rc = cli_resolve(c, &fn);

    if (rc)
        return rc;
    memset(&scan, 0, sizeof(scan));
    scan.help = -1;
    opt_set_help_sink(probe_sink, &scan);
    rc = fn(*argc, argv, app);
    opt_set_help_sink(NULL, NULL);
    if (scan.help < 0 && rc == LL_EUSAGE)
        return rc; /* e.g. an unknown verb: no need to open the log */
    ll_error_clear();
    /* Help, or a command line the parser will refuse: no log needed. */
    app->help = scan.help > 0 || scan.bad;
    if (scan.db)
        app->db_path = scan.db;
    /* Remove the --db words, last first so earlier slots stay put. */
    for (k = scan.ndb; k-- > 0;) {
        char **at = scan.db_at[k];
        int n = scan.db_len[k];
        size_t after = (size_t)(argv + *argc - (at + n));

        memmove(at, at + n, (after + 1) * sizeof(*at));
        *argc -= n;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct app app = { 0 };
    const struct cmd *c;
    int i = 1, rc;

    ensure_std_fds();
    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "--version") == 0) {
            printf("lablog %s\n", LABLOG_VERSION);
            return finish_output(0);
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            cli_print_overview(stdout);
            return finish_output(0);
        } else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            app.db_path = argv[i + 1];
            i += 2;
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            app.db_path = argv[i] + 5;
            i++;
        } else {
            fprintf(stderr, "lablog: error: unknown option '%s' (see "
                    "'lablog --help')\n", argv[i]);
            return 2;
        }
    }
    if (i >= argc) {
        cli_print_overview(stdout);
        return finish_output(0);
    }
    c = cli_find_command(argv[i]);
    if (!c) {
        cli_unknown_command(argv[i]);
        return 2;
    }
    argc -= i;
    argv += i;
    rc = probe(c, &argc, argv, &app);
    if (rc == 0)
        rc = time_check_env();
    if (rc == 0) {
        char *author = find_author();

        app.now = time_now_ms();
        app.author = author;
        rc = run_command(c, argc, argv, &app);
        free(author);
    }
    if (rc < 0) {
        fflush(stdout);
        if (cli_color_err())
            fprintf(stderr, "\033[1;31mlablog: error:\033[0m %s\n",
                    ll_error_message());
        else
            fprintf(stderr, "lablog: error: %s\n", ll_error_message());
        rc = rc == LL_EUSAGE ? 2 : 1;
    }
    return finish_output(rc);
}
