/* SPDX-License-Identifier: MIT */
/*
 * The shared lab store: a PostgreSQL database that replicas push to and
 * pull from (SYNC.md, "The shared lab store"). It is a hub, never in the
 * training loop: nothing that `run` or `metric` does touches it.
 *
 * The hub keeps its tables in the schema "lablog" of a database the lab
 * already has. Like the local log it is append-only, by triggers on every
 * table and by grants: the group role lab_member may read and insert, never
 * UPDATE, DELETE or TRUNCATE, and an origin's head moves only through the
 * SECURITY DEFINER function lablog.move_head(), which refuses a head that
 * goes backwards, skips entries, or names an entry the hub does not hold.
 */
#ifndef LABLOG_SYNC_HUB_H
#define LABLOG_SYNC_HUB_H

struct buf;
struct pq;

/* The newest hub schema version this build knows. */
int hub_schema_version(void);

/*
 * Creates the hub schema in the database c is connected to, or migrates an
 * older one forward, in one transaction; creates the lab_member role when
 * the cluster has none. Refuses a hub written by a newer lablog. Needs the
 * rights to create a schema and a role (the lab's database owner).
 */
int hub_init(struct pq *c);

/*
 * Checks c's database holds a hub this build can use: LL_ENOTFOUND "no
 * lablog hub at ...; run 'lablog hub init'" or a newer-version refusal.
 */
int hub_check(struct pq *c);

/* Appends a human-readable summary (origins, heads, last push, size) to
 * out. */
int hub_status(struct pq *c, struct buf *out);

#endif
