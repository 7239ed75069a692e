/* SPDX-License-Identifier: MIT */
/*
 * `lablog run -- CMD...`: run a command as an experiment.
 *
 * Before: finds or creates the experiment and writes the `running` status
 * entry that starts this attempt, with the run's context in its data
 * (command, directory, git commit, host, pid, boot id, scheduler context,
 * planned total). Its uid is the attempt's identity, passed to the child as
 * LABLOG_ATTEMPT with LABLOG_DB, LABLOG_EXP and LABLOG_RUN.
 *
 * During (proc/child.c does the process side): output passes through
 * unchanged and live; stdout lines that are metric lines
 * (ingest/metricline.h) become points, committed by size, idle and age
 * (ingest.h) with the write lock held only to commit; when nothing was
 * committed for HEARTBEAT_MS a heartbeat entry says the run is alive.
 *
 * After: records done or failed with the exit status, the signal and the
 * duration; a failed run keeps the tail of its output as a blob named by
 * the end entry. Exits with the child's status (128+N for signal N, 127
 * when it could not be started).
 *
 * Meanwhile the tail is also kept in a file next to the log
 * (store_run_tail_path), rewritten at most every TAIL_FILE_MS when lines
 * came: when lablog run itself is killed (SIGKILL, the OOM killer, a lost
 * node), readers show it under the lost run and `exp fail` stores it. A
 * run that records its end removes the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ingest/ingest.h"
#include "ingest/metricline.h"
#include "proc/child.h"
#include "proc/outlines.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/procinfo.h"
#include "util/timeutil.h"

/* A silent run writes a heartbeat when nothing was committed this long
 * ($LABLOG_TEST_HEARTBEAT_MS shortens it for tests). */
#define HEARTBEAT_MS 30000
/* While a run goes on, a write waits this long for the lock, then retries
 * on the next tick: the child's output is never held up by the log. */
#define RUN_BUSY_MS 200
/* At the end, and for everyone else: the store's default. */
#define END_BUSY_MS 30000
/* Say so when the log has refused our commits for this long. */
#define BUSY_WARN_MS 30000

struct run {
    struct app *app;
    long long heartbeat_ms;  /* HEARTBEAT_MS, or the test hook's */
    const char *name;        /* experiment name */
    int64_t exp;             /* its entry id */
    int64_t start_id;        /* the running status entry of this run */
    char attempt[27];        /* the attempt's uid ($LABLOG_ATTEMPT): that
                                entry's, or with --resume the latest's */
    int resume;              /* --resume: continue the latest attempt */
    char **cmd;              /* the command and its arguments (argv) */
    int modes;               /* metricline modes (--parse) */
    struct ingest *ingest;   /* the child's metric lines */
    struct outlines *lines;  /* output split into lines; the tail */
    size_t bad_lines;        /* metric lines that did not parse */
    long long last_commit;   /* monotonic ms of the last batch/heartbeat */
    size_t batches_seen;     /* ingest batches already counted */
    long long busy_since;    /* monotonic ms of the first refused commit */
    int busy_warned;
    struct buf tail_path;    /* the tail's file while it runs ... */
    size_t tail_lines;       /* ... as of this many lines seen ... */
    long long tail_ms;       /* ... written at this monotonic ms */
    int tail_off;            /* it cannot be written: not tried again */
    int spool_warned;        /* a push to $LABLOG_SPOOL failed once */
};

static long long monotonic_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- what the run is ------------------------------------------------- */

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

/* Scheduler context, when the run is a cluster job. */
static void scheduler_context(json_t *d)
{
    static const struct {
        const char *env, *key;
    } slurm[] = {
        { "SLURM_JOB_ID", "job_id" },
        { "SLURM_ARRAY_TASK_ID", "array_task_id" },
        { "SLURM_JOB_NODELIST", "nodelist" },
        { "SLURM_JOB_PARTITION", "partition" },
    };
    json_t *s = json_object();
    const char *v;
    size_t i;

    for (i = 0; i < sizeof(slurm) / sizeof(slurm[0]); i++) {
        v = getenv(slurm[i].env);
        if (v && *v)
            json_object_set_new(s, slurm[i].key, json_string(v));
    }
    if (json_object_size(s))
        json_object_set_new(d, "slurm", s);
    else
        json_decref(s);
    v = getenv("CUDA_VISIBLE_DEVICES");
    if (v)
        json_object_set_new(d, "cuda_visible_devices", json_string(v));
}

/* The running entry's data: everything a reader needs to know how the run
 * was made and to tell whether it is still alive. */
static char *run_data(char **cmd, int64_t total, const char *resume)
{
    json_t *d = json_object(), *git = NULL;
    struct buf line = BUF_INIT;
    char cwd[PATH_MAX], host[PROCINFO_HOST_SIZE];
    char boot[PROCINFO_BOOT_ID_SIZE];
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
    if (*procinfo_host(host))
        json_object_set_new(d, "host", json_string(host));
    if (*procinfo_boot_id(boot))
        json_object_set_new(d, "boot_id", json_string(boot));
    json_object_set_new(d, "pid", json_integer(getpid()));
    json_object_set_new(d, "pid_start",
                        json_integer((json_int_t)procinfo_start_time(getpid())));
    json_object_set_new(d, "heartbeat_s", json_integer(HEARTBEAT_MS / 1000));
    if (total > 0)
        json_object_set_new(d, "total", json_integer(total));
    if (resume)
        json_object_set_new(d, "resume", json_string(resume));
    scheduler_context(d);
    commit = command_line_output("git rev-parse HEAD 2>/dev/null");
    if (commit) {
        dirty = command_line_output("git status --porcelain "
                                    "--untracked-files=no 2>/dev/null");
        git = json_pack("{s:s,s:b}", "commit", commit, "dirty", dirty != NULL);
        json_object_set_new(d, "git", git);
        free(dirty);
        free(commit);
    }
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

/* Finds or creates the experiment and starts the attempt, in one
 * transaction. */
static int start_run(struct run *r, const char *name, int64_t total,
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
        status_data = run_data(r->cmd, total, r->resume ? r->attempt : NULL);
        cli_entry_init(&e, app, ENTRY_STATUS);
        e.exp = r->exp;
        e.title = EXP_RUNNING;
        e.data = status_data;
        rc = store_append(app->store, &e);
        r->start_id = e.id;
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

/* ---- while it runs ---------------------------------------------------- */

/* The tail's file is rewritten at most this often. */
#define TAIL_FILE_MS 1000

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Writes the tail to its file (a new file renamed over the old one, so a
 * reader never sees half of it). A failure is said once and ends it. */
static void write_tail_file(struct run *r)
{
    struct buf tail = BUF_INIT, tmp = BUF_INIT;
    char *slash = strrchr(r->tail_path.ptr, '/');
    int fd, ok = 0, i;

    outlines_tail(r->lines, &tail);
    buf_printf(&tmp, "%s.new", r->tail_path.ptr);
    /* Twice: another run that ended may remove the folder in between. */
    for (i = 0, fd = -1; fd < 0 && i < 2; i++) {
        *slash = '\0';
        ok = mkdir(r->tail_path.ptr, 0777) == 0 || errno == EEXIST;
        *slash = '/';
        fd = ok ? open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                       0666)
                : -1;
    }
    if (fd >= 0) {
        ok = write_all(fd, tail.ptr, tail.len) == 0;
        ok = close(fd) == 0 && ok;
        ok = ok && rename(tmp.ptr, r->tail_path.ptr) == 0;
        if (!ok)
            unlink(tmp.ptr);
    }
    if (fd < 0 || !ok) {
        ll_warn("cannot keep the output tail in '%s' while the run goes on "
                "(%s): if lablog run is killed, its lost run shows none",
                r->tail_path.ptr, strerror(errno));
        r->tail_off = 1;
    }
    r->tail_lines = outlines_lines_seen(r->lines);
    r->tail_ms = monotonic_ms();
    buf_release(&tail);
    buf_release(&tmp);
}

/* Rewrites the tail's file when lines came and it is due; lowers *wait_ms
 * (-1: no bound) to when it will be. */
static void keep_tail_file(struct run *r, int *wait_ms)
{
    long long due;

    if (r->tail_off || outlines_lines_seen(r->lines) == r->tail_lines)
        return;
    due = r->tail_ms + TAIL_FILE_MS - monotonic_ms();
    if (due <= 0) {
        write_tail_file(r);
        return;
    }
    if (*wait_ms < 0 || due < *wait_ms)
        *wait_ms = (int)due;
}

/* The run recorded its end (with the tail when it failed): the file goes,
 * and its folder when no other run uses it. */
static void remove_tail_file(struct run *r)
{
    char *slash;

    if (!r->tail_path.len)
        return;
    unlink(r->tail_path.ptr);
    slash = strrchr(r->tail_path.ptr, '/');
    *slash = '\0';
    rmdir(r->tail_path.ptr);
    *slash = '/';
}

/* After a commit, at the start and at the end: the run's replica appends
 * what it has to its feed in $LABLOG_SPOOL. A failed push is said once and
 * the run goes on (the next push sends what this one did not). */
static void push_spool(struct run *r)
{
    if (!getenv("LABLOG_SPOOL") || !*getenv("LABLOG_SPOOL"))
        return;
    if (cli_spool_push(r->app) != 0 && !r->spool_warned) {
        ll_warn("cannot append to the spool: %s; the run goes on",
                ll_error_message());
        r->spool_warned = 1;
    }
    ll_error_clear();
}

static void on_line(void *ctx, int stream, size_t lineno, const char *line,
                    size_t len, int cut)
{
    struct run *r = ctx;
    int matched, rc;

    if (stream != 1 || cut)
        return; /* stderr and over-long lines are output, not metrics */
    rc = metricline_ingest(r->ingest, r->exp, r->modes, line, len, lineno,
                           &matched);
    if (rc) {
        r->bad_lines++;
        ll_warn("metric line not logged: %s", ll_error_message());
    }
}

static void note_busy(struct run *r, int rc)
{
    long long now = monotonic_ms();

    if (rc != LL_EBUSY) {
        r->busy_since = 0;
        return;
    }
    if (!r->busy_since)
        r->busy_since = now;
    if (!r->busy_warned && now - r->busy_since >= BUSY_WARN_MS) {
        r->busy_warned = 1;
        ll_warn("the log has been locked by other writers for %lld s; %zu "
                "points are waiting and will be written (nothing is lost)",
                (now - r->busy_since) / 1000, ingest_pending(r->ingest));
    }
}

static int write_heartbeat(struct run *r)
{
    struct entry e;
    int rc = store_begin_write(r->app->store);

    if (rc)
        return rc;
    memset(&e, 0, sizeof(e));
    e.kind = ENTRY_HEARTBEAT;
    e.ts = time_now_ms();
    e.author = r->app->author;
    e.exp = r->exp;
    e.ref = r->start_id;
    rc = store_append(r->app->store, &e);
    if (rc == 0)
        rc = store_commit(r->app->store);
    if (rc)
        store_rollback(r->app->store);
    return rc;
}

/*
 * Commits what is due and keeps the heartbeat; returns how long the loop
 * may sleep. A locked log is not an error here: points wait and the next
 * tick tries again. Other store errors end the run's logging (returned).
 */
static int tick(struct run *r, int *wait_ms_out)
{
    long long now;
    int wait_ms, rc = ingest_tick(r->ingest, &wait_ms);

    note_busy(r, rc);
    if (rc && rc != LL_EBUSY)
        return rc;
    now = monotonic_ms();
    if (ingest_stats(r->ingest)->batches != r->batches_seen) {
        r->batches_seen = ingest_stats(r->ingest)->batches;
        r->last_commit = now;
        push_spool(r);
    }
    if (now - r->last_commit >= r->heartbeat_ms) {
        rc = write_heartbeat(r);
        if (rc && rc != LL_EBUSY)
            return rc;
        if (rc == 0)
            push_spool(r);
        /* Retry a refused heartbeat a little later. */
        r->last_commit = rc ? now - r->heartbeat_ms + RUN_BUSY_MS : now;
    }
    *wait_ms_out = (int)(r->last_commit + r->heartbeat_ms - now);
    if (wait_ms >= 0 && wait_ms < *wait_ms_out)
        *wait_ms_out = wait_ms;
    if (*wait_ms_out < 0)
        *wait_ms_out = 0;
    return 0;
}

static int pump(struct run *r, struct child *c)
{
    struct child_event ev;
    int wait_ms = (int)r->heartbeat_ms, rc = 0, stopped = 0;

    for (;;) {
        rc = child_wait(c, wait_ms, &ev);
        if (rc)
            break;
        if (ev.kind == CHILD_OUTPUT)
            outlines_feed(r->lines, ev.stream, ev.data, ev.len);
        if (ev.kind == CHILD_DONE)
            break;
        if (!stopped && tick(r, &wait_ms)) {
            /* Keep passing output through; the end tries once more. */
            ll_warn("logging paused: %s", ll_error_message());
            stopped = 1;
            wait_ms = -1;
        }
        if (stopped)
            wait_ms = -1;
        keep_tail_file(r, &wait_ms);
    }
    outlines_finish(r->lines);
    return rc;
}

/* ---- the end ---------------------------------------------------------- */

/* The end entry: done or failed, why, and the output tail of a failure. */
static int finish_run(struct run *r, struct child *c, int64_t duration_ms,
                      int *code_out)
{
    struct app *app = r->app;
    int status = child_status(c), code = 0, sig = 0, rc;
    int forwarded = child_forwarded(c);
    const char *exec_error = child_exec_error(c);
    struct buf msg = BUF_INIT, tail = BUF_INIT;
    char name[16], hex[65], fname[16];
    json_t *d;
    struct entry e;
    char *data;

    if (WIFEXITED(status)) {
        code = WEXITSTATUS(status);
        if (exec_error)
            buf_printf(&msg, "cannot run '%s': %s", r->cmd[0], exec_error);
        else
            buf_printf(&msg, "exit status %d", code);
    } else if (WIFSIGNALED(status)) {
        sig = WTERMSIG(status);
        code = 128 + sig;
        buf_printf(&msg, "killed by %s", child_signal_name(sig, name));
    }
    if (child_escalated(c))
        buf_puts(&msg, " after a second Ctrl-C");
    else if (forwarded && forwarded == sig)
        buf_puts(&msg, " (forwarded by lablog run)");
    else if (forwarded)
        buf_printf(&msg, " (after lablog run forwarded %s)",
                   child_signal_name(forwarded, fname));
    d = json_pack("{s:s,s:i,s:i,s:I}", "attempt", r->attempt, "exit", code,
                  "signal", sig, "duration_ms", (json_int_t)duration_ms);
    if (sig)
        json_object_set_new(d, "signal_name",
                            json_string(child_signal_name(sig, name)));
    if (forwarded)
        json_object_set_new(d, "forwarded",
                            json_string(child_signal_name(forwarded, fname)));
    rc = store_begin_write(app->store);
    if (rc == 0 && code != 0) {
        outlines_tail(r->lines, &tail);
        if (tail.len) {
            rc = store_blob_put(app->store, tail.ptr, tail.len, hex);
            json_object_set_new(d, "tail", json_pack(
                "{s:s,s:I,s:I}", "sha256", hex, "lines",
                (json_int_t)outlines_tail_lines(r->lines), "bytes",
                (json_int_t)tail.len));
        }
    }
    data = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    cli_entry_init(&e, app, ENTRY_STATUS);
    e.ts = time_now_ms();
    e.exp = r->exp;
    e.ref = r->start_id;
    e.title = code == 0 ? EXP_DONE : EXP_FAILED;
    e.body = msg.ptr;
    e.data = data;
    if (rc == 0)
        rc = store_append(app->store, &e);
    if (rc == 0)
        rc = store_commit(app->store);
    else
        store_rollback(app->store);
    json_decref(d);
    free(data);
    buf_release(&msg);
    buf_release(&tail);
    *code_out = code;
    return rc;
}

static char *env_string(const char *name, const char *value)
{
    struct buf b = BUF_INIT;

    buf_printf(&b, "%s=%s", name, value);
    return buf_detach(&b, NULL);
}

static int execute(struct run *r, int pty)
{
    struct ingest_opts io = { 0 };
    struct child_opts co = { 0 };
    struct child *c = NULL;
    char *env[8] = { NULL };
    char *db_path = NULL;
    int64_t t0 = monotonic_ms(), points = 0;
    int rc, n = 0, code = 0, pump_rc, flush_rc = 0, i;

    buf_init(&r->tail_path);
    rc = store_find(&db_path, r->app->db_path);
    if (rc == 0 && db_path[0] != '/') {
        char *abs = realpath(db_path, NULL);

        free(db_path);
        db_path = abs;
    }
    if (rc || !db_path)
        return rc ? rc : ll_error(LL_EIO, "cannot resolve the log's path");
    env[n++] = env_string("LABLOG_DB", db_path);
    env[n++] = env_string("LABLOG_EXP", r->name);
    env[n++] = env_string("LABLOG_RUN", "1");
    env[n++] = env_string("LABLOG_ATTEMPT", r->attempt);
    if (!getenv("PYTHONUNBUFFERED"))
        env[n++] = env_string("PYTHONUNBUFFERED", "1");
    co.argv = r->cmd;
    co.env = env;
    co.pty = pty;
    io.name = "stdout";
    io.exp = r->exp;
    io.author = r->app->author;
    io.step_aliases = 1;
    io.quiet_fields = 1;
    r->ingest = ingest_new(r->app->store, &io);
    r->lines = outlines_new(on_line, r);
    store_run_tail_path(r->app->store, r->attempt, &r->tail_path);
    r->last_commit = monotonic_ms();
    r->heartbeat_ms = HEARTBEAT_MS;
    if (getenv("LABLOG_TEST_HEARTBEAT_MS"))
        r->heartbeat_ms = atoll(getenv("LABLOG_TEST_HEARTBEAT_MS"));
    if (r->heartbeat_ms < 10 || r->heartbeat_ms > HEARTBEAT_MS)
        r->heartbeat_ms = HEARTBEAT_MS;
    store_set_busy_timeout(r->app->store, RUN_BUSY_MS);
    push_spool(r); /* the laptop sees it running */
    rc = child_spawn(&c, &co);
    if (rc)
        goto cleanup;
    pump_rc = pump(r, c);
    /* The points still waiting: now the run may wait for the lock. */
    store_set_busy_timeout(r->app->store, END_BUSY_MS);
    for (i = 0; i < 5; i++) {
        flush_rc = ingest_flush(r->ingest);
        if (flush_rc != LL_EBUSY)
            break;
    }
    rc = finish_run(r, c, monotonic_ms() - t0, &code);
    push_spool(r);
    if (rc == 0)
        remove_tail_file(r);
    else if (!r->tail_off)
        write_tail_file(r); /* its end is not recorded: it will be lost */
    if (rc == 0)
        rc = flush_rc ? flush_rc : pump_rc;
    if (rc == 0)
        rc = store_exp_points_after(r->app->store, r->exp, r->attempt,
                                    r->start_id, &points);
    if (rc) {
        /* The child's status still decides the exit status. */
        fprintf(stderr, "lablog: error: %s\n", ll_error_message());
        rc = code ? code : 1;
        goto cleanup;
    }
    if (child_exec_error(c))
        fprintf(stderr, "lablog: error: cannot run '%s': %s\n", r->cmd[0],
                child_exec_error(c));
    else
        fprintf(stderr, "lablog: run '%s' %s after %.1fs (%s %d), %" PRId64
                " point%s logged%s\n", r->name, code ? "failed" : "done",
                (double)(monotonic_ms() - t0) / 1000.0,
                code > 128 && WIFSIGNALED(child_status(c)) ? "signal"
                                                           : "exit",
                code > 128 && WIFSIGNALED(child_status(c))
                    ? WTERMSIG(child_status(c)) : code,
                points, points == 1 ? "" : "s",
                r->bad_lines ? " (some metric lines were not)" : "");
    rc = code;
cleanup:
    child_free(c);
    outlines_free(r->lines);
    buf_release(&r->tail_path);
    ingest_free(r->ingest);
    for (i = 0; i < n; i++)
        free(env[i]);
    free(db_path);
    return rc;
}

static int copy_title(void *ctx, const struct entry *e)
{
    buf_puts(ctx, e->title);
    return 0;
}

/* A cluster job's experiment, named by $LABLOG_EXP_UID (lablog env): held
 * here, or pulled from $LABLOG_SPOOL into the job's new replica. */
static int job_experiment(struct app *app, struct buf *name)
{
    int64_t exp = 0;
    int rc = cli_exp(app, NULL, 1, &exp);

    if (rc == 0)
        rc = store_entry_get(app->store, exp, copy_title, name);
    return rc;
}

int cmd_run(int argc, char **argv, struct app *app)
{
    const char *exp_name = NULL, *parse = NULL;
    const char *job_uid = getenv("LABLOG_EXP_UID");
    const char *key = NULL; /* how start_run finds the experiment */
    int64_t total = 0;
    int no_tty = 0, tty = 0, resume = 0;
    struct opt_list params = { 0 }, tags = { 0 }, seeds = { 0 };
    const struct opt opts[] = {
        { OPT_STRING, 0, "exp", &exp_name, "NAME", "experiment to create or continue (default: named after the command)" },
        { OPT_LIST, 0, "param", &params, "K=V", "a parameter (new experiments); steps=N or epochs=N is the planned total" },
        { OPT_LIST, 0, "seed-param", &seeds, "K", "param K is a random seed (new experiments)" },
        { OPT_LIST, 0, "tag", &tags, "T", "a tag (new experiments)" },
        { OPT_FLAG, 0, "resume", &resume, NULL, "continue the experiment's latest attempt (a job resumed from a checkpoint): a step logged again is a newer value" },
        { OPT_INT, 0, "total", &total, "N", "planned number of steps, for progress and ETA" },
        { OPT_STRING, 0, "parse", &parse, "FORMATS", "also read metrics from any JSON object line (json) or Python dict repr (dict): json,dict" },
        { OPT_FLAG, 0, "no-tty", &no_tty, NULL, "give CMD pipes even when lablog's output is a terminal" },
        { OPT_FLAG, 0, "tty", &tty, NULL, "give CMD a pseudo-terminal even when lablog's output is not one (a batch job): any program line-buffers" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "run [--exp NAME] [--param K=V]... [--tag T]... [--resume] "
        "[--total N] [--parse json,dict] [--tty|--no-tty] -- CMD [ARGS...]",
        "Run CMD as an experiment: record the command, directory, git "
        "commit, host and scheduler context, mark it running, log its "
        "metric lines while it runs, and when it exits record the status "
        "and duration (done on exit 0, else failed, with the last lines of "
        "its output). Each run is a new attempt of the experiment (readers "
        "show the latest); --resume continues the latest instead. Exits "
        "with CMD's status.",
        opts,
        "Output: CMD's stdout and stderr pass through unchanged and at once.\n"
        "When lablog's stdout (stderr) is a terminal, CMD's is a pseudo-\n"
        "terminal, so CMD line-buffers, keeps colours and progress bars, and\n"
        "a plain Python print() shows at once; otherwise CMD gets pipes and\n"
        "PYTHONUNBUFFERED=1 (other programs may need their own flag, e.g.\n"
        "'stdbuf -oL CMD', or --tty: a pseudo-terminal in any case, so C,\n"
        "Perl or Ruby programs in a batch job line-buffer too; a program\n"
        "that then asks the terminal for input, such as a pager, waits).\n"
        "\n"
        "Metric lines on CMD's stdout (they pass through too):\n"
        "  lablog: loss=0.31 acc=0.9 step=100\n"
        "  {\"lablog\": 1, \"step\": 100, \"loss\": 0.31}\n"
        "  --parse json: any JSON object line, {\"loss\": 0.31, \"_step\": 7}\n"
        "  --parse dict: a Python dict repr, as Hugging Face's Trainer prints,\n"
        "                {'loss': 0.52, 'learning_rate': 3e-05, 'epoch': 1.0}\n"
        "The step is the first of step, global_step, _step given, else epoch\n"
        "when it is a whole number, else the next step of each metric.\n"
        "Points are committed at least every second, so readers see them\n"
        "while CMD runs.\n"
        "\n"
        "CMD's environment: LABLOG_DB, LABLOG_EXP, LABLOG_RUN=1 and\n"
        "LABLOG_ATTEMPT (this attempt's id), so 'lablog metric' works inside\n"
        "it (and prints nothing there); the summary counts every point the\n"
        "run logged, by any route.\n"
        "\n"
        "Signals: SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to lablog are\n"
        "forwarded to CMD's process group; a second Ctrl-C within 2 s kills\n"
        "it. A run whose lablog is killed outright is shown as lost, with\n"
        "the output tail lablog kept in lablog.db-tails/ while it ran;\n"
        "'lablog exp fail NAME' closes it and stores that tail.\n"
        "\n"
        "Exit status: CMD's; 128+N when it was killed by signal N; 127 when\n"
        "it could not be started.",
        1,
    };
    struct buf name = BUF_INIT;
    struct run r = { 0 };
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 1, -1);

    if (rc == OPT_HELP) {
        rc = 0;
        goto cleanup;
    }
    if (rc == 0 && total < 0)
        rc = ll_error(LL_EUSAGE, "--total must be a positive number of steps");
    if (rc == 0 && tty && no_tty)
        rc = ll_error(LL_EUSAGE, "--tty and --no-tty exclude each other");
    if (rc == 0 && parse)
        rc = metricline_modes(parse, &r.modes);
    if (rc)
        goto cleanup;
    if (!exp_name)
        exp_name = getenv("LABLOG_EXP");
    /* A job's experiment is found by its uid (its name may be taken by
     * experiments of other origins in the job's replica) and shown by
     * its name. */
    if (exp_name && *exp_name) {
        buf_puts(&name, exp_name);
    } else if (job_uid && *job_uid) {
        rc = job_experiment(app, &name);
        key = job_uid;
    } else {
        generated_name(&name, ops, app->now);
    }
    if (rc == 0)
        rc = cli_check_name(name.ptr);
    if (rc)
        goto cleanup;
    r.app = app;
    r.name = name.ptr;
    r.cmd = ops;
    r.resume = resume;
    rc = start_run(&r, key ? key : name.ptr, total, &params, &tags, &seeds);
    if (rc == 0)
        rc = execute(&r, tty      ? CHILD_PTY_ALWAYS
                         : no_tty ? 0
                                  : CHILD_PTY_LIKE);
cleanup:
    buf_release(&name);
    opt_list_release(&params);
    opt_list_release(&tags);
    opt_list_release(&seeds);
    free(ops);
    return rc;
}
