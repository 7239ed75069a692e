/* SPDX-License-Identifier: MIT */
/*
 * Facts about this machine and its processes, for telling a live run from
 * a lost one: the host name, the kernel's boot id, and whether a process
 * that was recorded is still the same process.
 *
 * A pid alone is not an identity (pids are reused), so a process is
 * recorded as (pid, start time in clock ticks since boot) and, with the
 * boot id, is the same process only while all three match.
 *
 * $LABLOG_HOST (as for the store's origins) and the test hook
 * $LABLOG_TEST_BOOT_ID, when set, replace the host name and the boot id
 * (to test "another host" and "rebooted").
 */
#ifndef LABLOG_UTIL_PROCINFO_H
#define LABLOG_UTIL_PROCINFO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROCINFO_HOST_SIZE 256
#define PROCINFO_BOOT_ID_SIZE 40

/* This machine's host name; "" when unknown. Returns out. */
const char *procinfo_host(char out[PROCINFO_HOST_SIZE]);

/* The boot id (/proc/sys/kernel/random/boot_id); "" when unknown. */
const char *procinfo_boot_id(char out[PROCINFO_BOOT_ID_SIZE]);

/* When process pid started, in clock ticks since boot (/proc/PID/stat);
 * 0 when it does not exist or cannot be read. */
uint64_t procinfo_start_time(pid_t pid);

/*
 * Whether process pid, which started at start (0: unknown), still runs on
 * this machine: 1 yes, 0 no. A zombie counts as gone.
 */
int procinfo_alive(pid_t pid, uint64_t start);

#endif
