/* SPDX-License-Identifier: MIT */
/*
 * A supervised child process (see child.h): spawn with pipes or
 * pseudo-terminals, pass its output through, forward signals.
 *
 * Signals reach us asynchronously; the handlers only write the signal
 * number into a non-blocking self-pipe, and child_wait() acts on it from the
 * poll loop, where it may call anything. The pipe and the previous signal
 * actions are process-wide (there is one supervised child per process).
 */
#define _GNU_SOURCE /* posix_openpt, grantpt, unlockpt, ptsname, F_SETPIPE_SZ */
#include "proc/child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "util/err.h"
#include "util/xalloc.h"

/* A second SIGINT within this many ms kills the child's group. */
#define DOUBLE_INT_MS 2000
/* After the child exits, output still arriving (from a grandchild that kept
 * the descriptor) is read until it pauses this long. */
#define DRAIN_IDLE_MS 500
/* Bytes read at once: fewer reads and wake-ups on a fast stream (the
 * child's pipe holds PIPE_SIZE); a slow one returns what is there. */
#define CHUNK (256 * 1024)
#define PIPE_SIZE (1 << 20)

/* The signals lablog forwards, and the ones it watches for itself. */
static const int forwarded_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define NFORWARD (sizeof(forwarded_signals) / sizeof(forwarded_signals[0]))

struct stream {
    int fd;      /* read end (pipe or pty master); -1 at EOF */
    int out;     /* where it is passed through: 1 or 2; -1 once broken */
    int pty;     /* fd is a pty master */
};

struct child {
    pid_t pid;
    struct stream s[2];         /* [0] stdout, [1] stderr */
    int status;                 /* wait status once reaped */
    int reaped;
    int check_exit;             /* waitpid on the next turn: not every
                                   turn, SIGCHLD says when */
    int done;
    int forwarded;              /* first forwarded signal */
    int escalated;              /* SIGKILL after a second SIGINT */
    long long last_int;         /* ms of the last SIGINT, 0 none */
    long long exited_at;        /* ms when reaped */
    long long last_output;      /* ms of the last bytes read */
    char *exec_error;           /* why exec failed, or NULL */
    char buf[CHUNK];
};

static int sig_pipe[2] = { -1, -1 };
static struct sigaction old_actions[NFORWARD];
static struct sigaction old_chld, old_winch, old_pipe;
static int installed[NFORWARD];

static long long monotonic_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

const char *child_signal_name(int sig, char buf[16])
{
    static const struct {
        int sig;
        const char *name;
    } names[] = {
        { SIGHUP, "SIGHUP" },   { SIGINT, "SIGINT" },   { SIGQUIT, "SIGQUIT" },
        { SIGILL, "SIGILL" },   { SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" },
        { SIGBUS, "SIGBUS" },   { SIGFPE, "SIGFPE" },   { SIGKILL, "SIGKILL" },
        { SIGUSR1, "SIGUSR1" }, { SIGSEGV, "SIGSEGV" }, { SIGUSR2, "SIGUSR2" },
        { SIGPIPE, "SIGPIPE" }, { SIGALRM, "SIGALRM" }, { SIGTERM, "SIGTERM" },
        { SIGCHLD, "SIGCHLD" }, { SIGCONT, "SIGCONT" }, { SIGSTOP, "SIGSTOP" },
        { SIGTSTP, "SIGTSTP" }, { SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" },
        { SIGSYS, "SIGSYS" },
    };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].sig == sig)
            return names[i].name;
    snprintf(buf, 16, "signal %d", sig);
    return buf;
}

/* ---- signals ---------------------------------------------------------- */

static void on_signal(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    ssize_t n = write(sig_pipe[1], &b, 1);

    (void)n; /* a full pipe already holds a wake-up */
    errno = saved;
}

static void set_flags(int fd, int fd_flags, int fl_flags)
{
    fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | fd_flags);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | fl_flags);
}

/*
 * Installs the handlers. A forwarded signal that lablog inherited as
 * ignored (nohup; `cmd &` in a non-interactive shell ignores SIGINT and
 * SIGQUIT) stays ignored, for lablog and the child alike, as it would
 * without lablog.
 */
static int install_handlers(void)
{
    struct sigaction sa;
    size_t i;

    if (pipe(sig_pipe) != 0)
        return ll_error(LL_EIO, "cannot create a pipe: %s", strerror(errno));
    set_flags(sig_pipe[0], FD_CLOEXEC, O_NONBLOCK);
    set_flags(sig_pipe[1], FD_CLOEXEC, O_NONBLOCK);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < NFORWARD; i++) {
        sigaction(forwarded_signals[i], NULL, &old_actions[i]);
        installed[i] = old_actions[i].sa_handler != SIG_IGN;
        if (installed[i])
            sigaction(forwarded_signals[i], &sa, NULL);
    }
    sa.sa_flags = SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, &old_chld);
    sa.sa_flags = 0;
    sigaction(SIGWINCH, &sa, &old_winch);
    /* A closed stdout (`| head`) must not kill lablog before it records
     * the run: writes fail with EPIPE instead, and passing through stops. */
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, &old_pipe);
    return 0;
}

/* The dispositions lablog started with; in the child before exec too. */
static void restore_handlers(void)
{
    size_t i;

    if (sig_pipe[0] < 0)
        return;
    for (i = 0; i < NFORWARD; i++)
        sigaction(forwarded_signals[i], &old_actions[i], NULL);
    sigaction(SIGCHLD, &old_chld, NULL);
    sigaction(SIGWINCH, &old_winch, NULL);
    sigaction(SIGPIPE, &old_pipe, NULL);
}

static void close_sig_pipe(void)
{
    if (sig_pipe[0] >= 0) {
        close(sig_pipe[0]);
        close(sig_pipe[1]);
    }
    sig_pipe[0] = sig_pipe[1] = -1;
}

/* ---- spawning --------------------------------------------------------- */

/* A pty whose slave behaves like the terminal on like_fd (size, modes)
 * except that output is not post-processed, so "\n" arrives as "\n". */
static int open_pty(int *master_out, int *slave_out, int like_fd)
{
    struct termios t;
    struct winsize ws;
    const char *name;
    int m = posix_openpt(O_RDWR | O_NOCTTY), sl = -1;

    if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0 || !(name = ptsname(m))
        || (sl = open(name, O_RDWR | O_NOCTTY)) < 0) {
        int e = errno;

        if (m >= 0)
            close(m);
        return ll_error(LL_EIO, "cannot open a pseudo-terminal: %s",
                        strerror(e));
    }
    /* Not a terminal (CHILD_PTY_ALWAYS): the pty's own modes, 80x24. */
    if (tcgetattr(like_fd, &t) == 0 || tcgetattr(sl, &t) == 0) {
        t.c_oflag &= ~(tcflag_t)OPOST;
        tcsetattr(sl, TCSANOW, &t);
    }
    if (ioctl(like_fd, TIOCGWINSZ, &ws) != 0) {
        memset(&ws, 0, sizeof(ws));
        ws.ws_row = 24;
        ws.ws_col = 80;
    }
    ioctl(m, TIOCSWINSZ, &ws);
    set_flags(m, FD_CLOEXEC, 0);
    set_flags(sl, FD_CLOEXEC, 0);
    *master_out = m;
    *slave_out = sl;
    return 0;
}

static int open_pipe(int *read_out, int *write_out)
{
    int p[2];

    if (pipe(p) != 0)
        return ll_error(LL_EIO, "cannot create a pipe: %s", strerror(errno));
    set_flags(p[0], FD_CLOEXEC, 0);
    set_flags(p[1], FD_CLOEXEC, 0);
    /* A chatty child fills 64 KiB fast: a larger pipe halves the context
     * switches (best effort; the limit is /proc/sys/fs/pipe-max-size). */
    fcntl(p[0], F_SETPIPE_SZ, PIPE_SIZE);
    *read_out = p[0];
    *write_out = p[1];
    return 0;
}

/* In the forked child: never returns. */
static void exec_child(const struct child_opts *o, int out_w, int err_w,
                       int ctty, int report_fd, pid_t parent)
{
    sigset_t none;
    size_t i;
    const char *why;
    ssize_t n;

    restore_handlers();
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    setsid();
    if (ctty >= 0)
        ioctl(ctty, TIOCSCTTY, 0);
    /* Die with lablog rather than run on with nobody recording. */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
        _exit(127);
    if (dup2(out_w, 1) < 0 || dup2(err_w, 2) < 0)
        _exit(127);
    for (i = 0; o->env && o->env[i]; i++)
        putenv(o->env[i]);
    execvp(o->argv[0], o->argv);
    why = strerror(errno);
    n = write(report_fd, why, strlen(why));
    (void)n;
    _exit(127);
}

int child_spawn(struct child **out, const struct child_opts *o)
{
    struct child *c = xcalloc(1, sizeof(*c));
    int w[2] = { -1, -1 }, report[2] = { -1, -1 };
    int ctty = -1, rc, i;
    char why[256];
    ssize_t n;

    *out = NULL;
    c->s[0].fd = c->s[1].fd = -1;
    c->check_exit = 1;
    c->s[0].out = 1;
    c->s[1].out = 2;
    rc = install_handlers();
    for (i = 0; rc == 0 && i < 2; i++) {
        c->s[i].pty = o->pty == CHILD_PTY_ALWAYS
                      || (o->pty == CHILD_PTY_LIKE && isatty(i + 1));
        if (c->s[i].pty)
            rc = open_pty(&c->s[i].fd, &w[i], i + 1);
        else
            rc = open_pipe(&c->s[i].fd, &w[i]);
        if (rc == 0 && c->s[i].pty && ctty < 0)
            ctty = w[i];
    }
    if (rc == 0)
        rc = open_pipe(&report[0], &report[1]);
    if (rc)
        goto fail;
    fflush(NULL);
    c->pid = fork();
    if (c->pid < 0) {
        rc = ll_error(LL_EIO, "cannot fork: %s", strerror(errno));
        goto fail;
    }
    if (c->pid == 0)
        exec_child(o, w[0], w[1], ctty, report[1], getppid());
    for (i = 0; i < 2; i++) {
        close(w[i]);
        w[i] = -1;
        set_flags(c->s[i].fd, 0, O_NONBLOCK);
    }
    close(report[1]);
    /* Blocks until exec succeeded (the pipe closes) or failed. */
    do {
        n = read(report[0], why, sizeof(why) - 1);
    } while (n < 0 && errno == EINTR);
    close(report[0]);
    if (n > 0) {
        why[n] = '\0';
        c->exec_error = xstrdup(why);
    }
    *out = c;
    return 0;
fail:
    for (i = 0; i < 2; i++)
        if (w[i] >= 0)
            close(w[i]);
    if (report[0] >= 0) {
        close(report[0]);
        close(report[1]);
    }
    child_free(c);
    return rc;
}

/* ---- the loop ----------------------------------------------------------- */

static void forward(struct child *c, int sig)
{
    long long now = monotonic_ms();

    if (!c->forwarded)
        c->forwarded = sig;
    if (sig == SIGINT && c->last_int && now - c->last_int <= DOUBLE_INT_MS) {
        c->escalated = 1;
        kill(-c->pid, SIGKILL);
        return;
    }
    if (sig == SIGINT)
        c->last_int = now;
    kill(-c->pid, sig);
    /* A stopped group would never see it. */
    if (sig != SIGINT)
        kill(-c->pid, SIGCONT);
}

static void resize(struct child *c)
{
    struct winsize ws;
    int i;

    for (i = 0; i < 2; i++)
        if (c->s[i].pty && c->s[i].fd >= 0
            && ioctl(i + 1, TIOCGWINSZ, &ws) == 0)
            ioctl(c->s[i].fd, TIOCSWINSZ, &ws);
}

static void reap(struct child *c)
{
    int status;
    pid_t p;

    if (c->reaped)
        return;
    do {
        p = waitpid(c->pid, &status, WNOHANG);
    } while (p < 0 && errno == EINTR);
    if (p == c->pid) {
        c->status = status;
        c->reaped = 1;
        c->exited_at = monotonic_ms();
    }
}

static void handle_signals(struct child *c)
{
    unsigned char sigs[64];
    ssize_t n, i;

    while ((n = read(sig_pipe[0], sigs, sizeof(sigs))) > 0) {
        for (i = 0; i < n; i++) {
            if (sigs[i] == SIGCHLD)
                reap(c);
            else if (sigs[i] == SIGWINCH)
                resize(c);
            else
                forward(c, sigs[i]);
        }
    }
}

/* Writes all of data to fd; on failure stops passing this stream through
 * (the reader went away) but keeps reading it, so the child never blocks. */
static void pass_through(struct stream *s, const char *data, size_t len)
{
    ssize_t n;

    while (s->out >= 0 && len > 0) {
        n = write(s->out, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd p = { s->out, POLLOUT, 0 };

            poll(&p, 1, 100);
            continue;
        }
        if (n <= 0) {
            s->out = -1;
            break;
        }
        data += n;
        len -= (size_t)n;
    }
}

/* Reads one chunk of stream i into c->buf: >0 bytes, 0 nothing now, -1 EOF. */
static ssize_t read_stream(struct child *c, int i)
{
    struct stream *s = &c->s[i];
    ssize_t n;

    do {
        n = read(s->fd, c->buf, sizeof(c->buf));
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
        c->last_output = monotonic_ms();
        pass_through(s, c->buf, (size_t)n);
        return n;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    /* 0 on a pipe; EIO on a pty master once every slave is closed. */
    close(s->fd);
    s->fd = -1;
    return -1;
}

int child_wait(struct child *c, int timeout_ms, struct child_event *ev)
{
    long long start = monotonic_ms();

    memset(ev, 0, sizeof(*ev));
    for (;;) {
        struct pollfd p[3];
        int nfds = 0, which[3], i, wait_ms = timeout_ms, got;
        long long now = monotonic_ms();

        if (c->done) {
            ev->kind = CHILD_DONE;
            return 0;
        }
        /* SIGCHLD reaps (handle_signals); a timeout or both streams at
         * their end check anyway, in case a signal was missed. */
        if (c->check_exit || (c->s[0].fd < 0 && c->s[1].fd < 0)) {
            reap(c);
            c->check_exit = 0;
        }
        if (c->reaped) {
            long long since = now - (c->last_output > c->exited_at
                                     ? c->last_output : c->exited_at);

            if ((c->s[0].fd < 0 && c->s[1].fd < 0) || since >= DRAIN_IDLE_MS) {
                c->done = 1;
                continue;
            }
            if (wait_ms < 0 || wait_ms > DRAIN_IDLE_MS - since)
                wait_ms = (int)(DRAIN_IDLE_MS - since);
        }
        if (timeout_ms >= 0) {
            long long left = timeout_ms - (now - start);

            if (left <= 0) {
                ev->kind = CHILD_TIMEOUT;
                return 0;
            }
            if (wait_ms < 0 || wait_ms > left)
                wait_ms = (int)left;
        }
        p[nfds].fd = sig_pipe[0];
        p[nfds].events = POLLIN;
        which[nfds++] = -1;
        for (i = 0; i < 2; i++) {
            if (c->s[i].fd < 0)
                continue;
            p[nfds].fd = c->s[i].fd;
            p[nfds].events = POLLIN;
            which[nfds++] = i;
        }
        got = poll(p, (nfds_t)nfds, wait_ms);
        if (got < 0 && errno != EINTR)
            return ll_error(LL_EIO, "poll failed: %s", strerror(errno));
        if (got <= 0) {
            c->check_exit = 1;
            continue;
        }
        if (p[0].revents)
            handle_signals(c);
        for (i = 1; i < nfds; i++) {
            ssize_t n;

            if (!p[i].revents)
                continue;
            n = read_stream(c, which[i]);
            if (n > 0) {
                ev->kind = CHILD_OUTPUT;
                ev->stream = which[i] + 1;
                ev->data = c->buf;
                ev->len = (size_t)n;
                return 0;
            }
        }
    }
}

/* ---- accessors and cleanup ------------------------------------------ */

const char *child_exec_error(const struct child *c)
{
    return c->exec_error;
}

pid_t child_pid(const struct child *c)
{
    return c->pid;
}

int child_status(const struct child *c)
{
    return c->status;
}

int child_forwarded(const struct child *c)
{
    return c->forwarded;
}

int child_escalated(const struct child *c)
{
    return c->escalated;
}

int child_has_pty(const struct child *c)
{
    return c->s[0].pty;
}

void child_free(struct child *c)
{
    int i;

    if (!c)
        return;
    if (c->pid > 0 && !c->reaped) {
        kill(-c->pid, SIGKILL);
        while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
            ;
    }
    for (i = 0; i < 2; i++)
        if (c->s[i].fd >= 0)
            close(c->s[i].fd);
    restore_handlers();
    close_sig_pipe();
    free(c->exec_error);
    free(c);
}
