/* SPDX-License-Identifier: MIT */
/* Host name, boot id and process identity from /proc (see procinfo.h). */
#include "util/procinfo.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *procinfo_host(char out[PROCINFO_HOST_SIZE])
{
    const char *test = getenv("LABLOG_HOST"); /* as store_host_name() */

    if (test && *test) {
        snprintf(out, PROCINFO_HOST_SIZE, "%s", test);
        return out;
    }
    if (gethostname(out, PROCINFO_HOST_SIZE) != 0)
        out[0] = '\0';
    out[PROCINFO_HOST_SIZE - 1] = '\0';
    return out;
}

const char *procinfo_boot_id(char out[PROCINFO_BOOT_ID_SIZE])
{
    const char *test = getenv("LABLOG_TEST_BOOT_ID");
    FILE *f;

    out[0] = '\0';
    if (test && *test) {
        snprintf(out, PROCINFO_BOOT_ID_SIZE, "%s", test);
        return out;
    }
    f = fopen("/proc/sys/kernel/random/boot_id", "r");
    if (!f)
        return out;
    if (!fgets(out, PROCINFO_BOOT_ID_SIZE, f))
        out[0] = '\0';
    fclose(f);
    out[strcspn(out, "\r\n")] = '\0';
    return out;
}

/* Reads /proc/PID/stat: the state (field 3) and start time (field 22).
 * The command name (field 2) may hold spaces and parentheses, so fields
 * are counted from its last ')'. */
static int read_stat(pid_t pid, char *state_out, uint64_t *start_out)
{
    char path[64], text[1024];
    const char *p;
    size_t n;
    int field;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
    f = fopen(path, "r");
    if (!f)
        return -1;
    n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    p = strrchr(text, ')');
    if (!p || p[1] != ' ')
        return -1;
    p += 2;
    *state_out = *p;
    for (field = 3; field < 22 && p; field++) {
        p = strchr(p, ' ');
        if (p)
            p++;
    }
    if (!p)
        return -1;
    *start_out = strtoull(p, NULL, 10);
    return 0;
}

uint64_t procinfo_start_time(pid_t pid)
{
    uint64_t start = 0;
    char state;

    if (read_stat(pid, &state, &start) != 0)
        return 0;
    return start;
}

int procinfo_alive(pid_t pid, uint64_t start)
{
    uint64_t now_start = 0;
    char state = 0;

    if (pid <= 0)
        return 0;
    if (read_stat(pid, &state, &now_start) != 0) {
        /* No /proc (or not ours to read): fall back to kill(0). */
        return kill(pid, 0) == 0 || errno == EPERM;
    }
    if (state == 'Z' || state == 'X')
        return 0;
    return start == 0 || now_start == start;
}
