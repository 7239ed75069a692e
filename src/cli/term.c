/* SPDX-License-Identifier: MIT */
/*
 * The terminal: colour for status words and errors, and a pager for long
 * listings, both only when a person is looking (like git).
 *
 * Colour is on when the stream is a terminal, $NO_COLOR is unset or empty
 * and $TERM is not "dumb". The pager runs when stdout is a terminal:
 * $LABLOG_PAGER, else $PAGER, else "less"; an empty value or "cat" means
 * none. less gets LESS=FRX unless $LESS is set, so output shorter than a
 * screen is printed as is and colours pass through.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"

static int out_tty = -1; /* stdout was a terminal before any pager */
static pid_t pager_pid;

static int color_allowed(void)
{
    const char *no = getenv("NO_COLOR"), *term = getenv("TERM");

    return !(no && *no) && !(term && strcmp(term, "dumb") == 0);
}

int cli_color_out(void)
{
    if (out_tty < 0)
        out_tty = isatty(1);
    return out_tty && color_allowed();
}

int cli_color_err(void)
{
    return isatty(2) && color_allowed();
}

const char *cli_status_color(const char *status)
{
    if (!status || !cli_color_out())
        return "";
    if (strcmp(status, EXP_DONE) == 0)
        return "\033[32m";
    if (strcmp(status, EXP_FAILED) == 0 || strcmp(status, "lost") == 0)
        return "\033[1;31m";
    if (strcmp(status, EXP_RUNNING) == 0)
        return "\033[33m";
    if (strcmp(status, EXP_ABANDONED) == 0)
        return "\033[2m";
    return "";
}

const char *cli_color_end(const char *start)
{
    return start && *start ? "\033[0m" : "";
}

void cli_pager_start(void)
{
    const char *pager = getenv("LABLOG_PAGER");
    int fds[2];

    if (out_tty < 0)
        out_tty = isatty(1);
    if (!out_tty || pager_pid)
        return;
    if (!pager)
        pager = getenv("PAGER");
    if (!pager)
        pager = "less";
    if (!*pager || strcmp(pager, "cat") == 0)
        return;
    fflush(stdout);
    if (pipe(fds) != 0)
        return;
    pager_pid = fork();
    if (pager_pid < 0) {
        pager_pid = 0;
        close(fds[0]);
        close(fds[1]);
        return;
    }
    if (pager_pid == 0) {
        dup2(fds[0], 0);
        close(fds[0]);
        close(fds[1]);
        setenv("LESS", getenv("LESS") ? getenv("LESS") : "FRX", 1);
        execl("/bin/sh", "sh", "-c", pager, (char *)NULL);
        _exit(127);
    }
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    /* A pager quit early (q in less) must not kill us with SIGPIPE
     * before the log is closed. */
    signal(SIGPIPE, SIG_IGN);
}

int cli_pager_finish(void)
{
    int status;

    if (!pager_pid)
        return 0;
    fflush(stdout);
    close(1);
    while (waitpid(pager_pid, &status, 0) < 0 && errno == EINTR)
        ;
    pager_pid = 0;
    return 1;
}
