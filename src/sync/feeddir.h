/* SPDX-License-Identifier: MIT */
/*
 * Feed directories: many replicas meeting through a shared folder, with no
 * server and no lock files, safe on NFS (SYNC.md, "Feed directory").
 *
 * DIR/ORIGIN.feed is one append-only feed file per origin, written only by
 * the replica that writes as that origin. Pushing finds the last complete
 * line, appends the entries after it, fsync()s and closes; an unterminated
 * last line (a push that was cut off) is replaced. Pulling reads only
 * complete lines and lets store_feed_import() check every one (hash, chain,
 * digest) before anything is added, one feed per transaction. That needs
 * no more than NFS close-to-open consistency.
 */
#ifndef LABLOG_SYNC_FEEDDIR_H
#define LABLOG_SYNC_FEEDDIR_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct feeddir_push_stats {
    int64_t from_seq; /* the feed file's last seq before the push */
    int64_t to_seq;   /* ... and after it */
};

/*
 * Appends this replica's own entries that DIR/ORIGIN.feed lacks (creating
 * the directory and the file as needed). Refuses a feed file whose last
 * entry is not this replica's entry of that seq (another history: a copy
 * that was not cloned, a restored snapshot) or is ahead of this replica's
 * head (this replica went back), with one line saying which.
 */
int feeddir_push(struct store *s, const char *dir,
                 struct feeddir_push_stats *out);

/* Imports every feed file of dir but this replica's own, adding what this
 * log lacks; stats are summed over the files. */
int feeddir_pull(struct store *s, const char *dir,
                 struct store_import_stats *out, size_t *feeds_out);

#endif
