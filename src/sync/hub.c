/* SPDX-License-Identifier: MIT */
/*
 * The hub's schema (PostgreSQL), its forward migrations and its status.
 *
 * Versioned like the local log: lablog.version holds a row per version
 * applied (the largest is the hub's version), migration
 * step N takes a hub from version N to N+1, all pending steps run in one
 * transaction, and a hub newer than this build is refused, not misread.
 */
#include "sync/hub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync/pq.h"
#include "util/buf.h"
#include "util/err.h"

/*
 * Version 1.
 *
 * Entries keep their exact text (data is text, not jsonb: its bytes are
 * hashed), both identities, (origin, seq) and uid, and their canonical
 * feed line, which is what a pull hands to the replica's checked import. hub_seq is the
 * arrival counter pullers page by; pushes take an advisory lock so that
 * hub_seq values become visible in order (SYNC.md).
 *
 * Heads are an append-only history: an origin's head is its row with the
 * largest seq. Nothing is ever updated, so one trigger function refuses
 * UPDATE and DELETE everywhere and one refuses TRUNCATE.
 *
 * A point belongs to the metrics entry (batch) that carried it and is
 * keyed by (batch, series, step); NaN is stored as NaN (float8 has one).
 */
static const char hub_v1[] =
    "CREATE SCHEMA IF NOT EXISTS lablog;\n"
    "CREATE TABLE lablog.version(  -- one row per schema version applied\n"
    "  version int PRIMARY KEY,\n"
    "  applied timestamptz NOT NULL DEFAULT now()\n"
    ");\n"
    "CREATE TABLE lablog.origin(\n"
    "  oid    text PRIMARY KEY,     -- 26 base32 characters\n"
    "  host   text NOT NULL,\n"
    "  author text NOT NULL,\n"
    "  parent text,                 -- 'ORIGIN:SEQ' it was copied from\n"
    "  first_push timestamptz NOT NULL DEFAULT now()\n"
    ");\n"
    "CREATE TABLE lablog.entry(\n"
    "  hub_seq  bigserial PRIMARY KEY,\n"
    "  origin   text NOT NULL REFERENCES lablog.origin,\n"
    "  seq      bigint NOT NULL CHECK (seq > 0),\n"
    "  uid      text NOT NULL,\n"
    "  hlc      bigint NOT NULL,\n"
    "  ts       bigint NOT NULL,\n"
    "  author   text NOT NULL,\n"
    "  kind     text NOT NULL,\n"
    "  exp_uid  text,\n"
    "  ref_uid  text,\n"
    "  title    text NOT NULL,\n"
    "  body     text NOT NULL,\n"
    "  data     text NOT NULL,      -- exact bytes, hashed\n"
    "  format   smallint NOT NULL,  -- 1: migrated, 2: native\n"
    "  prev     bytea NOT NULL,\n"
    "  hash     bytea NOT NULL,\n"
    "  line     text NOT NULL,      -- the feed line: what pulls read\n"
    "  received timestamptz NOT NULL DEFAULT now(),\n"
    "  UNIQUE (origin, seq), UNIQUE (uid), UNIQUE (hash)\n"
    ");\n"
    "CREATE TABLE lablog.head(\n"
    "  origin   text NOT NULL REFERENCES lablog.origin,\n"
    "  seq      bigint NOT NULL,\n"
    "  hash     bytea NOT NULL,\n"
    "  moved    timestamptz NOT NULL DEFAULT now(),\n"
    "  moved_by name NOT NULL DEFAULT session_user,\n"
    "  PRIMARY KEY (origin, seq)\n"
    ");\n"
    "CREATE TABLE lablog.series(\n"
    "  id      bigserial PRIMARY KEY,\n"
    "  exp_uid text NOT NULL,\n"
    "  name    text NOT NULL,\n"
    "  attempt text NOT NULL,       -- uid of the attempt's entry\n"
    "  UNIQUE (exp_uid, name, attempt)\n"
    ");\n"
    "CREATE TABLE lablog.point(\n"
    "  batch  bigint NOT NULL,      -- hub_seq of the metrics entry\n"
    "  series bigint NOT NULL,\n"
    "  step   bigint NOT NULL,\n"
    "  value  float8 NOT NULL,\n"
    "  ts     bigint NOT NULL,\n"
    "  PRIMARY KEY (batch, series, step)\n"
    ");\n"
    "CREATE TABLE lablog.blob(\n"
    "  sha256 text PRIMARY KEY,     -- lowercase hex\n"
    "  size   bigint NOT NULL,\n"
    "  data   bytea NOT NULL\n"
    ");\n"
    "CREATE TABLE lablog.fork(      -- a second entry for a held (origin, seq)\n"
    "  origin text NOT NULL,\n"
    "  seq    bigint NOT NULL,\n"
    "  hash   bytea NOT NULL,\n"
    "  line   text NOT NULL,        -- the entry as a feed line, as evidence\n"
    "  seen   timestamptz NOT NULL DEFAULT now(),\n"
    "  PRIMARY KEY (origin, seq, hash)\n"
    ");\n"
    "\n"
    "CREATE FUNCTION lablog.refuse() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    "  RAISE EXCEPTION 'the lablog hub is append-only (% on %)',\n"
    "    TG_OP, TG_TABLE_NAME;\n"
    "END $$;\n"
    "DO $$\n"
    "DECLARE t text;\n"
    "BEGIN\n"
    "  FOREACH t IN ARRAY ARRAY['version', 'origin', 'entry', 'head', 'series',\n"
    "                           'point', 'blob', 'fork'] LOOP\n"
    "    EXECUTE format('CREATE TRIGGER %I_no_change BEFORE UPDATE OR DELETE'\n"
    "      ' ON lablog.%I FOR EACH ROW EXECUTE FUNCTION lablog.refuse()',\n"
    "      t, t);\n"
    "    EXECUTE format('CREATE TRIGGER %I_no_truncate BEFORE TRUNCATE'\n"
    "      ' ON lablog.%I FOR EACH STATEMENT EXECUTE FUNCTION lablog.refuse()',\n"
    "      t, t);\n"
    "  END LOOP;\n"
    "END $$;\n"
    "\n"
    "-- The one way a head moves: forward, to an entry the hub holds, with\n"
    "-- every seq before it present.\n"
    "CREATE FUNCTION lablog.move_head(p_origin text, p_seq bigint,\n"
    "                                 p_hash bytea) RETURNS void\n"
    "LANGUAGE plpgsql SECURITY DEFINER SET search_path = lablog, pg_temp\n"
    "AS $$\n"
    "DECLARE cur bigint; held bigint;\n"
    "BEGIN\n"
    "  SELECT max(seq) INTO cur FROM lablog.head WHERE origin = p_origin;\n"
    "  IF cur IS NOT NULL AND p_seq <= cur THEN\n"
    "    RAISE EXCEPTION 'head of origin % would go back from % to %',\n"
    "      p_origin, cur, p_seq;\n"
    "  END IF;\n"
    "  IF NOT EXISTS (SELECT 1 FROM lablog.entry WHERE origin = p_origin\n"
    "                 AND seq = p_seq AND hash = p_hash) THEN\n"
    "    RAISE EXCEPTION 'head of origin % names an entry the hub does not'\n"
    "      ' hold (seq %)', p_origin, p_seq;\n"
    "  END IF;\n"
    "  SELECT count(*) INTO held FROM lablog.entry\n"
    "    WHERE origin = p_origin AND seq <= p_seq;\n"
    "  IF held <> p_seq THEN\n"
    "    RAISE EXCEPTION 'origin % has a gap before seq %', p_origin, p_seq;\n"
    "  END IF;\n"
    "  INSERT INTO lablog.head(origin, seq, hash)\n"
    "    VALUES (p_origin, p_seq, p_hash);\n"
    "END $$;\n"
    "\n"
    "DO $$\n"
    "BEGIN\n"
    "  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lab_member') THEN\n"
    "    CREATE ROLE lab_member NOLOGIN;\n"
    "  END IF;\n"
    "END $$;\n"
    "REVOKE ALL ON ALL TABLES IN SCHEMA lablog FROM PUBLIC;\n"
    "REVOKE ALL ON FUNCTION lablog.move_head(text, bigint, bytea) FROM PUBLIC;\n"
    "GRANT USAGE ON SCHEMA lablog TO lab_member;\n"
    "GRANT SELECT ON ALL TABLES IN SCHEMA lablog TO lab_member;\n"
    "GRANT INSERT ON lablog.origin, lablog.entry, lablog.series, lablog.point,\n"
    "  lablog.blob, lablog.fork TO lab_member;\n"
    "GRANT USAGE ON ALL SEQUENCES IN SCHEMA lablog TO lab_member;\n"
    "GRANT EXECUTE ON FUNCTION lablog.move_head(text, bigint, bytea)\n"
    "  TO lab_member;\n";

/* migrations[N] takes a hub from schema N to N + 1. */
static const char *const migrations[] = {
    hub_v1,
};

#define HUB_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

int hub_schema_version(void)
{
    return HUB_VERSION;
}

/* The hub's schema version, 0 when the database has none. */
static int read_version(struct pq *c, int *version_out)
{
    struct pq_result *r = NULL;
    int rc;

    *version_out = 0;
    rc = pq_query(c, &r, "SELECT to_regclass('lablog.version') IS NOT NULL",
                  0, NULL, "cannot read the hub");
    if (rc == 0 && strcmp(pq_value(r, 0, 0), "t") == 0) {
        pq_result_free(r);
        r = NULL;
        rc = pq_query(c, &r, "SELECT coalesce(max(version), 0) FROM "
                      "lablog.version", 0, NULL, "cannot read the hub");
        if (rc == 0)
            *version_out = (int)pq_int(r, 0, 0);
    }
    pq_result_free(r);
    return rc;
}

static int refuse_newer(struct pq *c, int version)
{
    return ll_error(LL_EINPUT, "the hub at %s was created by a newer lablog "
                    "(hub schema %d; this lablog knows up to %d): upgrade "
                    "lablog", pq_where(c), version, HUB_VERSION);
}

int hub_check(struct pq *c)
{
    int version, rc = read_version(c, &version);

    if (rc)
        return rc;
    if (version == 0)
        return ll_error(LL_ENOTFOUND, "no lablog hub at %s; run 'lablog hub "
                        "init' first", pq_where(c));
    if (version > HUB_VERSION)
        return refuse_newer(c, version);
    if (version < HUB_VERSION)
        return ll_error(LL_EINPUT, "the hub at %s has schema %d; run "
                        "'lablog hub init' to migrate it to %d", pq_where(c),
                        version, HUB_VERSION);
    return 0;
}

int hub_init(struct pq *c)
{
    char applied[96];
    int version = 0, v, rc;

    rc = pq_exec(c, "BEGIN", "cannot start a transaction on the hub");
    if (rc)
        return rc;
    /* One initialiser at a time: the second waits, then sees the first's
     * version and has nothing to do. */
    rc = pq_exec(c, "SELECT pg_advisory_xact_lock(7405188)",
                 "cannot lock the hub");
    if (rc == 0)
        rc = read_version(c, &version);
    if (rc == 0 && version > HUB_VERSION)
        rc = refuse_newer(c, version);
    for (v = version; rc == 0 && v < HUB_VERSION; v++) {
        rc = pq_exec(c, migrations[v], "cannot create the hub schema");
        snprintf(applied, sizeof(applied), "INSERT INTO lablog.version"
                 "(version) VALUES (%d)", v + 1);
        if (rc == 0)
            rc = pq_exec(c, applied, "cannot create the hub schema");
    }
    if (rc) {
        pq_exec(c, "ROLLBACK", "cannot roll back");
        return rc;
    }
    return pq_exec(c, "COMMIT", "cannot commit the hub schema");
}

int hub_status(struct pq *c, struct buf *out)
{
    static const char sql[] =
        "SELECT o.oid, o.host, o.author, coalesce(h.seq, 0),"
        "       coalesce(encode(substr(h.hash, 1, 8), 'hex'), ''),"
        "       coalesce(to_char(h.moved AT TIME ZONE 'UTC',"
        "                        'YYYY-MM-DD HH24:MI'), 'never'),"
        "       (SELECT count(*) FROM lablog.entry e WHERE e.origin = o.oid)"
        "  FROM lablog.origin o"
        "  LEFT JOIN LATERAL (SELECT seq, hash, moved FROM lablog.head"
        "                     WHERE origin = o.oid ORDER BY seq DESC"
        "                     LIMIT 1) h ON true"
        " ORDER BY o.host, o.oid";
    static const char size_sql[] =
        "SELECT (SELECT count(*) FROM lablog.entry),"
        "       (SELECT count(*) FROM lablog.point),"
        "       (SELECT count(*) FROM lablog.blob),"
        "       pg_size_pretty(pg_total_relation_size('lablog.entry') +"
        "                      pg_total_relation_size('lablog.point') +"
        "                      pg_total_relation_size('lablog.series') +"
        "                      pg_total_relation_size('lablog.blob'))";
    struct pq_result *r = NULL;
    size_t i;
    int rc = hub_check(c);

    if (rc == 0)
        rc = pq_query(c, &r, sql, 0, NULL, "cannot read the hub");
    if (rc)
        goto cleanup;
    buf_printf(out, "hub %s (schema %d)\n", pq_where(c), HUB_VERSION);
    if (pq_rows(r) == 0)
        buf_puts(out, "no origins yet: nothing has been pushed\n");
    else
        buf_printf(out, "  %-26s  %-16s  %-12s  %8s  %-16s  %s\n", "ORIGIN",
                   "HOST", "AUTHOR", "HEAD", "HASH", "LAST PUSH (UTC)");
    for (i = 0; i < pq_rows(r); i++)
        buf_printf(out, "  %-26s  %-16s  %-12s  %8s  %-16s  %s\n",
                   pq_value(r, i, 0), pq_value(r, i, 1), pq_value(r, i, 2),
                   pq_value(r, i, 3), pq_value(r, i, 4), pq_value(r, i, 5));
    pq_result_free(r);
    r = NULL;
    rc = pq_query(c, &r, size_sql, 0, NULL, "cannot read the hub");
    if (rc)
        goto cleanup;
    buf_printf(out, "%s entries, %s points, %s attachments; %s on disk\n",
               pq_value(r, 0, 0), pq_value(r, 0, 1), pq_value(r, 0, 2),
               pq_value(r, 0, 3));
cleanup:
    pq_result_free(r);
    return rc;
}
