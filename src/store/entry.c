/* SPDX-License-Identifier: MIT */
/*
 * Appending entries: the per-origin hash chain.
 *
 * store_append runs inside the caller's BEGIN IMMEDIATE transaction, so
 * reading this origin's newest entry and inserting the next one cannot
 * interleave with another writer: seqs are dense per origin and each hash
 * covers its predecessor's. Local ids are one past the largest held; they
 * are aliases for people and never hashed.
 */
#include "store/internal.h"

#include <string.h>

#include "util/err.h"

/* An experiment's name must be free in this replica: names are unique per
 * origin in the schema, and a replica never adds a second one itself. */
static int exp_name_free(struct store *s, const char *name)
{
    sqlite3_stmt *st = store_stmt(s, STMT_EXP_NAME_TAKEN);
    int rc;

    if (!st)
        return LL_EDB;
    store_bind_text(st, 1, name);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return ll_error(LL_ECONFLICT, "experiment '%s' already exists",
                        name);
    return rc == SQLITE_DONE ? 0 : store_db_error(s, "cannot read");
}

/* This origin's newest entry: *seq_out (0 when none) and its hash. */
static int origin_head(struct store *s, int64_t *seq_out,
                       unsigned char prev[SHA256_LEN])
{
    sqlite3_stmt *st = store_stmt(s, STMT_ORIGIN_HEAD);
    int rc;

    if (!st)
        return LL_EDB;
    store_bind_text(st, 1, s->origin);
    rc = sqlite3_step(st);
    memset(prev, 0, SHA256_LEN);
    *seq_out = 0;
    if (rc == SQLITE_ROW) {
        *seq_out = sqlite3_column_int64(st, 0);
        if (sqlite3_column_bytes(st, 1) != SHA256_LEN) {
            sqlite3_reset(st);
            return ll_error(LL_EDB, "'%s': entry %lld of this origin has a "
                            "malformed hash; run 'lablog verify'", s->path,
                            (long long)*seq_out);
        }
        memcpy(prev, sqlite3_column_blob(st, 1), SHA256_LEN);
        rc = SQLITE_DONE;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : store_db_error(s, "cannot read");
}

int store_reserve_entry(struct store *s, int64_t *id_out)
{
    /* A copied file records its new origin before anything is reserved. */
    int rc = origin_ready(s);

    if (rc == 0)
        rc = store_next_id(s, &s->reserved_id);
    if (rc == 0)
        rc = origin_next_hlc(s, store_wall_ms(), &s->reserved_hlc);
    if (rc) {
        s->reserved_id = 0;
        return rc;
    }
    origin_make_uid(s->reserved_uid, s->reserved_hlc);
    if (id_out)
        *id_out = s->reserved_id;
    return 0;
}

int store_append(struct store *s, struct entry *e)
{
    unsigned char prev[SHA256_LEN], hash[SHA256_LEN];
    char exp_uid[27], ref_uid[27];
    struct entry h;
    sqlite3_stmt *st;
    int rc;

    if (s->depth == 0)
        return ll_error(LL_ERR, "internal: append outside a transaction");
    rc = origin_ready(s);
    if (rc == 0)
        rc = origin_head(s, &e->seq, prev);
    if (rc == 0 && e->kind == ENTRY_EXP)
        rc = exp_name_free(s, e->title);
    if (rc)
        return rc;
    e->seq++;
    if (s->reserved_id) {
        /* The metrics entry of a batch: its points already name it. */
        e->id = s->reserved_id;
        e->hlc = s->reserved_hlc;
        memcpy(e->uid, s->reserved_uid, sizeof(e->uid));
        s->reserved_id = 0;
    } else {
        rc = store_next_id(s, &e->id);
        if (rc == 0)
            rc = origin_next_hlc(s, e->ts, &e->hlc);
        if (rc)
            return rc;
        origin_make_uid(e->uid, e->hlc);
    }
    memcpy(e->origin, s->origin, sizeof(e->origin));
    e->format = 2;
    if (!e->kind_name)
        e->kind_name = entry_kind_name(e->kind);
    if (!e->title)
        e->title = "";
    if (!e->body)
        e->body = "";
    if (!e->data || !*e->data)
        e->data = "{}";
    /* What is hashed and stored: e with its references as uids (mapped
     * here from local ids unless the caller gave uids). */
    h = *e;
    if (!h.exp_uid) {
        rc = store_uid_of(s, e->exp, exp_uid);
        h.exp_uid = exp_uid;
    }
    if (rc == 0 && !h.ref_uid) {
        rc = store_uid_of(s, e->ref, ref_uid);
        h.ref_uid = ref_uid;
    }
    if (rc)
        return rc;
    canon_entry_hash(hash, prev, &h);

    st = store_stmt(s, STMT_INSERT_ENTRY);
    if (!st)
        return LL_EDB;
    sqlite3_bind_int64(st, 1, e->id);
    store_bind_text(st, 2, e->uid);
    store_bind_text(st, 3, e->origin);
    sqlite3_bind_int64(st, 4, e->seq);
    sqlite3_bind_blob(st, 5, prev, SHA256_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, e->hlc);
    sqlite3_bind_int64(st, 7, e->ts);
    store_bind_text(st, 8, e->author);
    store_bind_text(st, 9, e->kind_name);
    store_bind_text(st, 10, h.exp_uid);
    store_bind_text(st, 11, h.ref_uid);
    store_bind_text(st, 12, e->title);
    store_bind_text(st, 13, e->body);
    store_bind_text(st, 14, e->data);
    sqlite3_bind_int(st, 15, 2);
    sqlite3_bind_blob(st, 16, hash, SHA256_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 17, store_wall_ms());
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return store_db_error(s, "cannot append to");
    return 0;
}
