/* SPDX-License-Identifier: MIT */
/*
 * Push to and pull from a PostgreSQL hub (SYNC.md, "The shared lab store").
 *
 * Push sends, for every origin this replica holds, the entries after the
 * hub's head of that origin, in one transaction under one advisory lock
 * (so the hub's arrival counter becomes visible in order to pullers): the
 * first entry must chain to the hub's head (else a fork is reported and
 * nothing is written), rows go through COPY into temporary staging tables,
 * are inserted ON CONFLICT DO NOTHING, and the head moves through
 * lablog.move_head(). A dropped connection rolls everything back; the retry
 * sends the same range again.
 *
 * Pull reads entries by the hub's arrival counter, in pages, and hands
 * their feed lines to store_feed_import(), which checks every hash, chain
 * link and digest before adding anything: a row changed on the hub is
 * refused by the replica. The counter reached is kept in a local table.
 */
#ifndef LABLOG_SYNC_HUBSYNC_H
#define LABLOG_SYNC_HUBSYNC_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct pq;

struct hub_push_stats {
    size_t origins;  /* origins that had something to send */
    size_t entries;  /* entries sent */
    size_t points;   /* metric points among them */
};

int hub_push(struct pq *c, struct store *s, struct hub_push_stats *out);

/*
 * Pulls what arrived since the last pull, page by page (each page its own
 * transaction, the cursor kept after it); *out sums the pages. With a
 * deadline (time_mono_ms(); 0: none) it stops between pages once that has
 * passed: *complete says whether everything was taken.
 */
int hub_pull(struct pq *c, struct store *s, int64_t deadline,
             struct store_import_stats *out, int *complete);

/*
 * Re-checks everything the hub holds by pulling it into a new, empty log
 * at scratch_path (which must not exist) and verifying that: the first
 * entry that does not match is named. summary gets verify's summary.
 */
int hub_verify(struct pq *c, const char *scratch_path, struct buf *summary);

#endif
