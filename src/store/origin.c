/* SPDX-License-Identifier: MIT */
/*
 * Origins: which chain this replica writes, copy detection, ids and the
 * hybrid logical clock.
 *
 * Every replica that writes is an origin with a random id, and each origin
 * has one hash chain. Two files must never write the same chain, or it
 * would fork. A file copied with cp or rsync carries the replica table of
 * its source, so on the first write of each process the store compares the
 * file's fingerprint -- (device, inode, host) -- with the newest replica
 * row: when they differ the file is a copy (or was moved to another
 * machine), and it starts a new origin whose first entry names the origin
 * and head it came from. The check runs inside the write transaction, so
 * two processes that detect a copy at once start one origin, not two.
 */
#include "store/internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/err.h"
#include "util/fsinfo.h"

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static void random_bytes(unsigned char *out, size_t n, int64_t salt)
{
    size_t i;

    if (getrandom(out, n, 0) == (ssize_t)n)
        return;
    /* Never seen on Linux for so few bytes; fall back to weaker bits. */
    for (i = 0; i < n; i++)
        out[i] = (unsigned char)((salt >> (i % 8)) ^ (int64_t)(i * 131)
                                 ^ (int64_t)getpid());
}

/* 128 bits as 26 five-bit groups, the first holding the top 3 bits. */
static void base32_128(char out[27], const unsigned char bytes[16])
{
    int i, bit;

    for (i = 0; i < 26; i++) {
        int v = 0;

        for (bit = 0; bit < 5; bit++) {
            int pos = i * 5 + bit - 2; /* bit index into the 128 bits */

            v <<= 1;
            if (pos >= 0)
                v |= (bytes[pos / 8] >> (7 - pos % 8)) & 1;
        }
        out[i] = alphabet[v];
    }
    out[26] = '\0';
}

void origin_make_uid(char out[27], int64_t hlc)
{
    unsigned char bytes[16];
    uint64_t t = (uint64_t)hlc;
    int i;

    for (i = 5; i >= 0; i--) {
        bytes[i] = (unsigned char)(t & 0xff);
        t >>= 8;
    }
    random_bytes(bytes + 6, 10, hlc);
    base32_128(out, bytes);
}

void origin_new_id(char out[27])
{
    unsigned char bytes[16];

    random_bytes(bytes, sizeof(bytes), store_wall_ms());
    base32_128(out, bytes);
}

void store_host_name(char *out, size_t size)
{
    const char *env = getenv("LABLOG_HOST");

    if (size == 0)
        return;
    if (env && *env) {
        snprintf(out, size, "%s", env);
        return;
    }
    if (gethostname(out, size) != 0 || !*out)
        snprintf(out, size, "?");
    out[size - 1] = '\0';
}

int origin_next_hlc(struct store *s, int64_t wall, int64_t *hlc_out)
{
    sqlite3_stmt *st = store_stmt(s, STMT_MAX_HLC);
    int64_t held = 0;

    if (!st)
        return LL_EDB;
    if (sqlite3_step(st) != SQLITE_ROW)
        return store_db_error(s, "cannot read");
    if (sqlite3_column_type(st, 0) != SQLITE_NULL)
        held = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    *hlc_out = wall > held ? wall : held + 1;
    return 0;
}

int store_next_id(struct store *s, int64_t *id_out)
{
    sqlite3_stmt *st = store_stmt(s, STMT_MAX_ID);

    if (!st)
        return LL_EDB;
    if (sqlite3_step(st) != SQLITE_ROW)
        return store_db_error(s, "cannot read");
    *id_out = sqlite3_column_int64(st, 0) + 1;
    sqlite3_reset(st);
    return 0;
}

int store_uid_of(struct store *s, int64_t id, char out[27])
{
    sqlite3_stmt *st;
    int rc;

    out[0] = '\0';
    if (id == 0)
        return 0;
    st = store_stmt(s, STMT_UID_OF);
    if (!st)
        return LL_EDB;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(out, 27, "%s", store_column_text(st, 0));
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_db_error(s, "cannot read");
    return 0;
}

struct fingerprint {
    int64_t device, inode;
    char host[256];
};

static int fingerprint_of(struct store *s, struct fingerprint *fp)
{
    struct stat st;

    if (stat(s->path, &st) != 0)
        return ll_error(LL_EIO, "cannot stat '%s'", s->path);
    fp->device = (int64_t)st.st_dev;
    fp->inode = (int64_t)st.st_ino;
    store_host_name(fp->host, sizeof(fp->host));
    return 0;
}

static int insert_replica(struct store *s, const char *origin,
                          const struct fingerprint *fp)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "INSERT INTO replica(origin, device, inode, "
                              "host, created) VALUES (?1, ?2, ?3, ?4, ?5)",
                           &st);

    if (rc)
        return rc;
    store_bind_text(st, 1, origin);
    sqlite3_bind_int64(st, 2, fp->device);
    sqlite3_bind_int64(st, 3, fp->inode);
    store_bind_text(st, 4, fp->host);
    sqlite3_bind_int64(st, 5, store_wall_ms());
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = store_db_error(s, "cannot write to");
    sqlite3_finalize(st);
    return rc;
}

/* The "origin" entry: where this origin came from, in its data. */
static int append_origin_entry(struct store *s, const char *parent,
                               const char *host, int migrated)
{
    json_t *d = json_object();
    struct entry e;
    char *data;
    int rc = 0;

    json_object_set_new(d, "host", json_string(host));
    if (migrated) {
        json_object_set_new(d, "format_from", json_integer(1));
    } else if (parent && *parent) {
        sqlite3_stmt *st = store_stmt(s, STMT_ORIGIN_HEAD);
        char hex[SHA256_HEX_LEN + 1];

        if (!st) {
            json_decref(d);
            return LL_EDB;
        }
        store_bind_text(st, 1, parent);
        if (sqlite3_step(st) == SQLITE_ROW
            && sqlite3_column_bytes(st, 1) == SHA256_LEN) {
            sha256_hex(hex, sqlite3_column_blob(st, 1));
            json_object_set_new(d, "parent", json_string(parent));
            json_object_set_new(d, "parent_seq",
                                json_integer(sqlite3_column_int64(st, 0)));
            json_object_set_new(d, "parent_head", json_string(hex));
        }
        sqlite3_reset(st);
    }
    data = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(d);
    memset(&e, 0, sizeof(e));
    e.kind = ENTRY_ORIGIN;
    e.ts = store_wall_ms();
    e.author = getenv("LABLOG_AUTHOR") && *getenv("LABLOG_AUTHOR")
                   ? getenv("LABLOG_AUTHOR")
                   : "lablog";
    e.title = migrated ? "format 1 log continued in format 2"
                       : parent && *parent ? "copy of another replica"
                                           : "new replica";
    e.data = data;
    rc = store_append(s, &e);
    free(data);
    return rc;
}

int origin_adopt(struct store *s, const char *origin, int migrated)
{
    struct fingerprint fp;
    char parent[27];
    int rc = fingerprint_of(s, &fp);

    if (rc)
        return rc;
    snprintf(parent, sizeof(parent), "%s", s->origin);
    rc = insert_replica(s, origin, &fp);
    if (rc)
        return rc;
    snprintf(s->origin, sizeof(s->origin), "%s", origin);
    return append_origin_entry(s, parent, fp.host, migrated);
}

/*
 * One SQLite file is never written from two hosts (SYNC.md): its locks and
 * WAL do not work across a network filesystem. A log there that another
 * host wrote last is refused before anything is written.
 */
static int check_network_fs(struct store *s, const char *last_host)
{
    char fstype[64], here[256];
    int rc = fs_type(s->path, fstype, sizeof(fstype));

    store_host_name(here, sizeof(here));
    if (rc || !fs_is_network(fstype) || strcmp(last_host, here) == 0)
        return rc;
    return ll_error(LL_EIO, "'%s' is on a network filesystem (%s) and was "
                    "last written from host '%s': SQLite cannot be shared "
                    "between hosts there; write a local replica instead "
                    "(LABLOG_DB on a local disk with LABLOG_SPOOL, or "
                    "'lablog clone %s /local/disk/lablog.db') and sync it",
                    s->path, fstype, last_host, s->path);
}

/* The same host on a network filesystem works, but only from this host:
 * said once per file (a local notice table remembers it). */
static int warn_network_fs(struct store *s)
{
    char fstype[64];
    int rc = fs_type(s->path, fstype, sizeof(fstype));

    if (rc || !fs_is_network(fstype))
        return rc;
    if (sqlite3_exec(s->db, "CREATE TABLE IF NOT EXISTS notice(name TEXT "
                     "PRIMARY KEY); INSERT OR IGNORE INTO notice "
                     "VALUES ('network-fs')", NULL, NULL, NULL) != SQLITE_OK)
        return store_db_error(s, "cannot write to");
    if (sqlite3_changes(s->db) == 1)
        ll_warn("'%s' is on a network filesystem (%s): write it from this "
                "host only; jobs on other nodes should write a local replica "
                "(LABLOG_SPOOL, see README)", s->path, fstype);
    return 0;
}

int origin_ready(struct store *s)
{
    struct fingerprint fp;
    sqlite3_stmt *st = NULL;
    char origin[27] = "", host[256] = "";
    int same = 0, have = 0, empty = 1;
    int rc;

    if (s->origin[0])
        return 0;
    rc = fingerprint_of(s, &fp);
    if (rc == 0)
        rc = store_prepare(s, "SELECT origin, device, inode, host FROM "
                              "replica ORDER BY id DESC LIMIT 1", &st);
    if (rc)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        have = 1;
        snprintf(origin, sizeof(origin), "%s", store_column_text(st, 0));
        same = sqlite3_column_int64(st, 1) == fp.device
               && sqlite3_column_int64(st, 2) == fp.inode
               && strcmp(store_column_text(st, 3), fp.host) == 0;
        snprintf(host, sizeof(host), "%s", store_column_text(st, 3));
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        rc = 0;
    } else {
        rc = store_db_error(s, "cannot read");
    }
    sqlite3_finalize(st);
    if (rc)
        return rc;
    if (have && !same) {
        rc = check_network_fs(s, host);
        if (rc)
            return rc;
    }
    if (have && same) {
        snprintf(s->origin, sizeof(s->origin), "%s", origin);
        return warn_network_fs(s);
    }
    if (!have) {
        rc = store_prepare(s, "SELECT NOT EXISTS (SELECT 1 FROM entry)",
                           &st);
        if (rc)
            return rc;
        if (sqlite3_step(st) == SQLITE_ROW)
            empty = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    if (!have && empty) {
        /* A new log: its first entry (init's project entry) is seq 1. */
        origin_new_id(s->origin);
        return insert_replica(s, s->origin, &fp);
    }
    /* A copy (or a file that moved host): a new origin, named after the
     * one it came from. */
    snprintf(s->origin, sizeof(s->origin), "%s", origin);
    origin_new_id(origin);
    return origin_adopt(s, origin, 0);
}
