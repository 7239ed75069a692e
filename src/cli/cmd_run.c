/* SPDX-License-Identifier: MIT */
/*
 * `lablog run -- CMD...`: run a command as an experiment.
 *
 * Records how the run was made (command line, directory, git commit and
 * whether the tree was dirty, host), marks the experiment running, passes
 * the child LABLOG_DB and LABLOG_EXP so it can log with plain `lablog
 * metric`, copies the child's stdout through unchanged while ingesting its
 * metric lines, then records the exit status and duration and exits with
 * the child's status (128+N for signal N).
 *
 * Metric lines on the child's stdout (both also pass through):
 *   lablog: loss=0.31 acc=0.9 step=100      key=value pairs after "lablog:"
 *   {"lablog": 1, "step": 100, "loss": 0.31} a JSON object with "lablog"
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ingest/ingest.h"
#include "ingest/linereader.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/num.h"
#include "util/timeutil.h"

struct run {
    struct app *app;
    const char *name;      /* experiment name */
    int64_t exp;           /* its entry id */
    char **cmd;            /* the command and its arguments (argv) */
    pid_t child;
    struct ingest *ingest; /* the child's metric lines */
    size_t bad_lines;      /* metric lines that did not parse */
    int resume;            /* --resume: continue the latest attempt */
    char attempt[27];      /* the attempt's uid ($LABLOG_ATTEMPT) */
};

/* ---- what the run was ------------------------------------------------- */

/* First line of a shell command's output, or NULL. Caller frees. */
static char *command_line_output(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    char line[256];
    char *out = NULL;

    if (!p)
        return NULL;
    if (fgets(line, sizeof(line), p)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (*line)
            out = strdup(line);
    }
    pclose(p);
    return out;
}

static void quote_arg(struct buf *b, const char *arg)
{
    const char *p;

    if (*arg && strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRST"
                            "UVWXYZ0123456789-_./=:,+@%") == strlen(arg)) {
        buf_puts(b, arg);
        return;
    }
    buf_putc(b, '\'');
    for (p = arg; *p; p++) {
        if (*p == '\'')
            buf_puts(b, "'\\''");
        else
            buf_putc(b, *p);
    }
    buf_putc(b, '\'');
}

static char *run_data(char **cmd, const char *resume)
{
    json_t *d = json_object(), *git = NULL;
    struct buf line = BUF_INIT;
    char cwd[PATH_MAX], host[256];
    char *commit, *dirty, *text;
    int i;

    for (i = 0; cmd[i]; i++) {
        if (i)
            buf_putc(&line, ' ');
        quote_arg(&line, cmd[i]);
    }
    json_object_set_new(d, "command", json_string(line.ptr));
    if (getcwd(cwd, sizeof(cwd)))
        json_object_set_new(d, "cwd", json_string(cwd));
    store_host_name(host, sizeof(host));
    json_object_set_new(d, "host", json_string(host));
    commit = command_line_output("git rev-parse HEAD 2>/dev/null");
    if (commit) {
        dirty = command_line_output("git status --porcelain "
                                    "--untracked-files=no 2>/dev/null");
        git = json_pack("{s:s,s:b}", "commit", commit, "dirty", dirty != NULL);
        json_object_set_new(d, "git", git);
        free(dirty);
        free(commit);
    }
    if (resume)
        json_object_set_new(d, "resume", json_string(resume));
    text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(d);
    buf_release(&line);
    return text;
}

/* "train-20261120-090000" from "python train.py ..." at now. */
static void generated_name(struct buf *out, char **cmd, int64_t now)
{
    static const char *const interpreters[] = {
        "python", "python3", "uv", "poetry", "bash", "sh", "node",
        "torchrun", "accelerate", "deepspeed", "run", "launch", NULL,
    };
    const char *word = cmd[0];
    char date[TIME_ISO_SIZE];
    const char *base, *p;
    int i, j;

    for (i = 0; cmd[i]; i++) {
        base = strrchr(cmd[i], '/') ? strrchr(cmd[i], '/') + 1 : cmd[i];
        for (j = 0; interpreters[j]; j++)
            if (strcmp(base, interpreters[j]) == 0 || base[0] == '-')
                break;
        if (!interpreters[j]) {
            word = cmd[i];
            break;
        }
    }
    base = strrchr(word, '/') ? strrchr(word, '/') + 1 : word;
    for (p = base; *p && *p != '.' && out->len < 40; p++) {
        char c = *p;
        int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                   || (c >= '0' && c <= '9') || c == '-' || c == '_';

        buf_putc(out, keep ? c : '-');
    }
    if (!out->len)
        buf_puts(out, "run");
    time_format_iso(date, now);
    /* 2026-11-20T09:30:00.000Z -> 20261120-093000 */
    buf_printf(out, "-%.4s%.2s%.2s-%.2s%.2s%.2s", date, date + 5, date + 8,
               date + 11, date + 14, date + 17);
}

/* Finds or creates the experiment and marks it running, in one
 * transaction. */
static int start_run(struct run *r, const char *name, char **cmd,
                     const struct opt_list *params,
                     const struct opt_list *tags,
                     const struct opt_list *seeds)
{
    struct app *app = r->app;
    struct entry e;
    char *exp_data = NULL, *status_data = NULL;
    int rc = store_begin_write(app->store);

    if (rc)
        return rc;
    rc = store_exp_find(app->store, name, &r->exp);
    if (rc == LL_ENOTFOUND) {
        rc = cli_exp_data(&exp_data, params, tags, seeds, "explore");
        if (rc == 0) {
            cli_entry_init(&e, app, ENTRY_EXP);
            e.title = name;
            e.data = exp_data;
            rc = store_append(app->store, &e);
            r->exp = e.id;
        }
    } else if (rc == 0 && (params->len || tags->len || seeds->len)) {
        rc = ll_error(LL_EUSAGE, "experiment '%s' exists: --param and --tag "
                      "only describe new experiments", name);
    }
    /* The running entry starts an attempt, or with --resume continues the
     * latest one (store.h, "Attempts"). */
    if (rc == 0 && r->resume) {
        rc = exp_data ? ll_error(LL_EUSAGE, "no experiment '%s' to resume",
                                 name)
                      : store_attempt_latest(app->store, r->exp, r->attempt);
        if (rc == 0 && !r->attempt[0])
            rc = ll_error(LL_EUSAGE, "'%s' has no attempt to resume; run it "
                          "without --resume", name);
    }
    if (rc == 0) {
        status_data = run_data(cmd, r->resume ? r->attempt : NULL);
        cli_entry_init(&e, app, ENTRY_STATUS);
        e.exp = r->exp;
        e.title = EXP_RUNNING;
        e.data = status_data;
        rc = store_append(app->store, &e);
        if (rc == 0 && !r->resume)
            memcpy(r->attempt, e.uid, sizeof(r->attempt));
    }
    if (rc == 0)
        rc = store_commit(app->store);
    else
        store_rollback(app->store);
    /* The run's own metric lines join it too. */
    if (rc == 0)
        rc = store_attempt_use(app->store, r->exp, r->attempt);
    free(exp_data);
    free(status_data);
    return rc;
}

static int finish_run(struct run *r, int status, int64_t duration_ms)
{
    struct app *app = r->app;
    struct entry e;
    struct buf msg = BUF_INIT;
    char *data;
    json_t *d;
    int rc, code = 0, sig = 0;

    if (WIFEXITED(status)) {
        code = WEXITSTATUS(status);
        buf_printf(&msg, "exit status %d", code);
    } else if (WIFSIGNALED(status)) {
        sig = WTERMSIG(status);
        code = 128 + sig;
        buf_printf(&msg, "killed by signal %d (%s)", sig, strsignal(sig));
    }
    d = json_pack("{s:s,s:i,s:i,s:I}", "attempt", r->attempt, "exit", code,
                  "signal", sig, "duration_ms", (json_int_t)duration_ms);
    data = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(d);
    cli_entry_init(&e, app, ENTRY_STATUS);
    e.ts = time_now_ms();
    e.exp = r->exp;
    e.title = code == 0 ? EXP_DONE : EXP_FAILED;
    e.body = msg.ptr;
    e.data = data;
    rc = store_begin_write(app->store);
    if (rc == 0)
        rc = store_append(app->store, &e);
    if (rc == 0)
        rc = store_commit(app->store);
    else
        store_rollback(app->store);
    free(data);
    buf_release(&msg);
    return rc ? rc : code;
}

/* ---- the child --------------------------------------------------------- */

static int spawn(struct run *r, const char *db_path, int *out_fd)
{
    int out[2], err[2];
    char errbuf[256];
    ssize_t n;

    if (pipe(out) != 0 || pipe(err) != 0)
        return ll_error(LL_EIO, "cannot create a pipe: %s", strerror(errno));
    fcntl(err[1], F_SETFD, FD_CLOEXEC);
    fflush(NULL);
    r->child = fork();
    if (r->child < 0)
        return ll_error(LL_EIO, "cannot fork: %s", strerror(errno));
    if (r->child == 0) {
        close(out[0]);
        close(err[0]);
        dup2(out[1], 1);
        close(out[1]);
        /* Ignored signals stay ignored across exec: restore them. */
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        setenv("LABLOG_DB", db_path, 1);
        setenv("LABLOG_EXP", r->name, 1);
        setenv("LABLOG_ATTEMPT", r->attempt, 1);
        execvp(r->cmd[0], r->cmd);
        snprintf(errbuf, sizeof(errbuf), "%s", strerror(errno));
        n = write(err[1], errbuf, strlen(errbuf));
        (void)n;
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    n = read(err[0], errbuf, sizeof(errbuf) - 1);
    close(err[0]);
    *out_fd = out[0];
    if (n > 0) {
        errbuf[n] = '\0';
        ll_error(LL_EIO, "cannot run '%s': %s", r->cmd[0], errbuf);
        return 1; /* exec failed: the child exits 127, still recorded */
    }
    return 0;
}

/* A "lablog: k=v k=v step=N" line. */
static int kv_line(struct run *r, char *line, size_t lineno)
{
    int64_t step = -1;
    double value;
    char *tok, *save = NULL, *eq;
    int rc = 0, pass;

    /* Pass 0 checks and finds the step; pass 1 writes. */
    for (pass = 0; pass < 2 && rc == 0; pass++) {
        char copy[4096];

        snprintf(copy, sizeof(copy), "%s", line);
        for (tok = strtok_r(copy, " \t", &save); tok && rc == 0;
             tok = strtok_r(NULL, " \t", &save)) {
            eq = strchr(tok, '=');
            if (!eq || eq == tok || num_parse(eq + 1, &value)) {
                rc = ll_error(LL_EINPUT, "stdout:%zu: expected METRIC=VALUE, "
                              "not '%s'", lineno, tok);
                break;
            }
            *eq = '\0';
            if (strcmp(tok, "step") == 0) {
                /* Range first: casting NaN, inf or >= 2^63 is UB. */
                if (!(value >= 0 && value < 9223372036854775808.0)
                    || value != floor(value)) {
                    rc = ll_error(LL_EINPUT, "stdout:%zu: step must be a "
                                  "non-negative integer", lineno);
                    break;
                }
                step = (int64_t)value;
            } else if (pass == 1) {
                rc = ingest_point(r->ingest, r->exp, tok, step, value, 0);
            }
        }
    }
    return rc;
}

/* Whether a JSON line carries the "lablog" key. */
static int has_marker(const char *line, size_t len)
{
    static const char key[] = "\"lablog\"";
    size_t i;

    for (i = 0; i + sizeof(key) - 1 <= len; i++)
        if (memcmp(line + i, key, sizeof(key) - 1) == 0)
            return 1;
    return 0;
}

static void metric_line(struct run *r, const char *line, size_t len,
                        size_t lineno)
{
    char text[4096];
    int rc;

    if (len >= 7 && strncmp(line, "lablog:", 7) == 0 && len < sizeof(text)) {
        memcpy(text, line + 7, len - 7);
        text[len - 7] = '\0';
        rc = kv_line(r, text, lineno);
    } else if (len && line[0] == '{' && has_marker(line, len)) {
        rc = ingest_jsonl_line(r->ingest, line, len, lineno);
    } else {
        return;
    }
    if (rc) {
        r->bad_lines++;
        ll_warn("metric line not logged: %s", ll_error_message());
    }
}

/* Copies the child's stdout through, ingesting metric lines. */
static int pump(struct run *r, int fd)
{
    struct linereader *lr = linereader_new(fd, "stdout", LINEREADER_MAX_LEN);
    const char *line;
    size_t len;
    int got, rc = 0;

    for (;;) {
        if (!linereader_buffered(lr) && !linereader_wait(lr, 500))
            rc = ingest_flush(r->ingest); /* quiet child: publish points */
        if (rc)
            break;
        got = linereader_next(&line, &len, lr);
        if (got == 0)
            break;
        if (got < 0)
            continue; /* an over-long line: not a metric line */
        fwrite(line, 1, len, stdout);
        fputc('\n', stdout);
        fflush(stdout);
        metric_line(r, line, len, linereader_lineno(lr));
    }
    linereader_free(lr);
    if (rc == 0)
        rc = ingest_flush(r->ingest);
    return rc;
}

static int64_t monotonic_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int execute(struct run *r)
{
    struct ingest_opts io = { 0 };
    struct sigaction ignore = { 0 }, old_int, old_term;
    char *db_path = NULL;
    int64_t t0 = monotonic_ms();
    int fd = -1, status = 0, rc, spawn_rc, pump_rc = 0;

    rc = store_find(&db_path, r->app->db_path);
    if (rc == 0 && db_path[0] != '/') {
        char *abs = realpath(db_path, NULL);

        free(db_path);
        db_path = abs;
    }
    if (rc || !db_path)
        return rc ? rc : ll_error(LL_EIO, "cannot resolve the log's path");
    /* Ctrl-C reaches the whole process group; we stay to record it. */
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ignore, &old_int);
    sigaction(SIGTERM, &ignore, &old_term);
    spawn_rc = spawn(r, db_path, &fd);
    if (spawn_rc < 0) {
        rc = spawn_rc;
        goto cleanup;
    }
    io.name = "stdout";
    io.exp = r->exp;
    io.author = r->app->author;
    r->ingest = ingest_new(r->app->store, &io);
    pump_rc = pump(r, fd);
    while (waitpid(r->child, &status, 0) < 0 && errno == EINTR)
        ;
    rc = finish_run(r, status, monotonic_ms() - t0);
    if (spawn_rc > 0 && rc >= 0) {
        /* exec failed: recorded as failed; say why, exit like a shell */
        fprintf(stderr, "lablog: error: %s\n", ll_error_message());
        goto cleanup;
    }
    if (pump_rc && rc >= 0)
        rc = pump_rc;
    if (rc >= 0)
        fprintf(stderr, "lablog: run '%s' %s after %.1fs (exit %d), %zu "
                "points logged\n", r->name, rc ? "failed" : "done",
                (double)(monotonic_ms() - t0) / 1000.0, rc,
                ingest_stats(r->ingest)->points);
cleanup:
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (fd >= 0)
        close(fd);
    ingest_free(r->ingest);
    free(db_path);
    return rc;
}

int cmd_run(int argc, char **argv, struct app *app)
{
    const char *exp_name = NULL;
    struct opt_list params = { 0 }, tags = { 0 }, seeds = { 0 };
    int resume = 0;
    const struct opt opts[] = {
        { OPT_STRING, 0, "exp", &exp_name, "NAME", "experiment to create or continue (default: named after the command)" },
        { OPT_LIST, 0, "param", &params, "K=V", "a parameter (new experiments)" },
        { OPT_LIST, 0, "seed-param", &seeds, "K", "param K is a random seed (new experiments)" },
        { OPT_LIST, 0, "tag", &tags, "T", "a tag (new experiments)" },
        { OPT_FLAG, 0, "resume", &resume, NULL, "continue the experiment's latest attempt (a job resumed from a checkpoint): a step logged again is a newer value" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "run [--exp NAME] [--param K=V]... [--tag T]... [--resume] -- CMD "
        "[ARGS...]",
        "Run CMD as an experiment: record the command, directory, git "
        "commit and host, mark it running, and when it exits record the "
        "status and duration (done on exit 0, else failed). Each run is a "
        "new attempt of the experiment (readers show the latest); --resume "
        "continues the latest instead. CMD gets LABLOG_DB, LABLOG_EXP and "
        "LABLOG_ATTEMPT so it can call 'lablog metric'; its "
        "stdout lines 'lablog: loss=0.31 step=100' or JSON objects with a "
        "\"lablog\" key are logged as metrics. Exits with CMD's status.",
        opts, NULL, 1,
    };
    struct buf name = BUF_INIT;
    struct run r = { 0 };
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 1, -1);

    if (rc)
        goto cleanup;
    if (!exp_name)
        exp_name = getenv("LABLOG_EXP");
    if (exp_name && *exp_name)
        buf_puts(&name, exp_name);
    else
        generated_name(&name, ops, app->now);
    rc = cli_check_name(name.ptr);
    if (rc)
        goto cleanup;
    r.app = app;
    r.name = name.ptr;
    r.cmd = ops;
    r.resume = resume;
    rc = start_run(&r, name.ptr, ops, &params, &tags, &seeds);
    if (rc == 0)
        rc = execute(&r);
cleanup:
    buf_release(&name);
    opt_list_release(&params);
    opt_list_release(&tags);
    opt_list_release(&seeds);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}
