/* SPDX-License-Identifier: MIT */
/*
 * Which filesystem a file lives on, for the rule that one SQLite file is
 * never written from two hosts (SYNC.md): SQLite's locking and WAL do not
 * work over NFS, Lustre, GPFS, CIFS or FUSE mounts, and "database
 * corruption might result".
 *
 * The type is read from /proc/self/mountinfo, matching the file's device
 * (st_dev) to the mount's major:minor, so bind mounts and symlinks give
 * the type of the filesystem that really holds the bytes.
 *
 * $LABLOG_TEST_FSTYPE, when set, is returned instead: the tests use it to
 * play a network filesystem on a local disk.
 */
#ifndef LABLOG_UTIL_FSINFO_H
#define LABLOG_UTIL_FSINFO_H

#include <stddef.h>
#include <stdio.h>

/*
 * Writes the type of the filesystem holding path ("ext4", "nfs4") into out;
 * "" when it cannot be told (no /proc, no matching mount). Returns 0, or
 * LL_EIO when path cannot be stat()ed.
 */
int fs_type(const char *path, char *out, size_t size);

/*
 * The same lookup over an open mountinfo text (for tests): the type of the
 * mount whose device is major:minor, or "" when none matches.
 */
void fs_type_in_mountinfo(FILE *mountinfo, unsigned major, unsigned minor,
                          char *out, size_t size);

/* Is fstype a network or FUSE filesystem (nfs, nfs4, lustre, gpfs, cifs,
 * smb3, ceph, fuse and fuse.*, ...)? */
int fs_is_network(const char *fstype);

#endif
