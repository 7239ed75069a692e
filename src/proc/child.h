/* SPDX-License-Identifier: MIT */
/*
 * Running one command as a supervised child: `lablog run`'s process side.
 *
 * The child runs in a session of its own (setsid), so a Ctrl-C typed at the
 * terminal reaches lablog alone, and lablog decides what the child gets:
 *
 *  - SIGINT, SIGTERM, SIGHUP and SIGQUIT received by lablog are forwarded to
 *    the child's whole process group; a second SIGINT within 2 s sends it
 *    SIGKILL (the "press Ctrl-C twice" habit of training scripts that
 *    checkpoint on the first one);
 *  - if lablog itself dies (SIGKILL), the child gets SIGTERM
 *    (PR_SET_PDEATHSIG) rather than running on unobserved.
 *
 * Output: when lablog's stdout is a terminal, the child's stdout is a
 * pseudo-terminal (and the same for stderr), so it line-buffers and keeps its
 * colours and progress bars exactly as without lablog; otherwise it is a
 * pipe, and PYTHONUNBUFFERED=1 is set so Python's print() is not held back
 * in a 8 KiB block. Every byte read is written straight to lablog's own
 * stdout or stderr, unchanged and at once (a progress bar's "\r" included),
 * before the caller sees it.
 *
 * One process, one thread: child_wait() is the whole event loop (poll on the
 * output descriptors and a self-pipe written by the signal handlers), so the
 * caller can commit batches and heartbeats between events.
 */
#ifndef LABLOG_PROC_CHILD_H
#define LABLOG_PROC_CHILD_H

#include <stddef.h>
#include <sys/types.h>

struct child;

struct child_opts {
    char **argv;       /* the command (argv[0] looked up in PATH) */
    char **env;        /* "NAME=VALUE" strings added to the child's
                          environment; NULL-terminated, may be NULL */
    int pty;           /* CHILD_PTY_LIKE: a pseudo-terminal for each of
                          stdout/stderr that is a terminal in lablog;
                          CHILD_PTY_ALWAYS: for both; 0: pipes only */
};

#define CHILD_PTY_LIKE 1
#define CHILD_PTY_ALWAYS 2

enum child_event_kind {
    CHILD_TIMEOUT,     /* timeout_ms passed without output */
    CHILD_OUTPUT,      /* bytes arrived (already passed through) */
    CHILD_DONE         /* the child exited and its output is drained */
};

struct child_event {
    enum child_event_kind kind;
    int stream;        /* CHILD_OUTPUT: 1 stdout, 2 stderr */
    const char *data;  /* CHILD_OUTPUT: the bytes (borrowed until the next
                          call) */
    size_t len;
};

/*
 * Starts opts->argv. Returns 0 with *out set (free with child_free()), or
 * LL_EIO when pipes, ptys or fork fail. A command that cannot be executed
 * (not found, not executable) still returns 0: the child exits 127 and
 * child_exec_error() says why.
 */
int child_spawn(struct child **out, const struct child_opts *opts);

/* Why exec failed ("No such file or directory"), or NULL if it did not. */
const char *child_exec_error(const struct child *c);

/* The child's pid (also its process group and session id). */
pid_t child_pid(const struct child *c);

/*
 * Waits up to timeout_ms (-1: no limit) for the next event, forwarding
 * signals and passing output through meanwhile. Returns 0 with *ev filled.
 * After CHILD_DONE, child_status() is valid and further calls return
 * CHILD_DONE again.
 */
int child_wait(struct child *c, int timeout_ms, struct child_event *ev);

/* The wait status (as from waitpid) once CHILD_DONE was returned. */
int child_status(const struct child *c);

/* The first signal lablog received and forwarded (0 if none), and whether
 * the child was killed with SIGKILL after a second Ctrl-C. */
int child_forwarded(const struct child *c);
int child_escalated(const struct child *c);

/* Whether the child's stdout is a pseudo-terminal. */
int child_has_pty(const struct child *c);

/* Restores lablog's signal handlers, closes descriptors, frees c. If the
 * child is still running it is killed first (SIGKILL to its group). NULL
 * is allowed. */
void child_free(struct child *c);

/* "SIGTERM" for 15; "signal 42" (in buf) for one without a name. */
const char *child_signal_name(int sig, char buf[16]);

#endif
