/* SPDX-License-Identifier: MIT */
/*
 * Appending entries: global ids and the hash chain.
 *
 * store_append runs inside the caller's BEGIN IMMEDIATE transaction, so
 * reading the newest entry and inserting the next one cannot interleave with
 * another writer: ids are dense and each hash covers its predecessor's.
 */
#include "store/internal.h"

#include <string.h>
#include <sys/random.h>

#include "util/err.h"

/*
 * A ULID-shaped id: 48 bits of milliseconds then 80 random bits, in
 * Crockford base32 (26 characters), so ids sort by time across logs and two
 * logs can later be merged without collisions.
 */
static void make_uid(char out[27], int64_t ts)
{
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    unsigned char bytes[16];
    uint64_t t = (uint64_t)ts;
    int i, bit;

    for (i = 5; i >= 0; i--) {
        bytes[i] = (unsigned char)(t & 0xff);
        t >>= 8;
    }
    if (getrandom(bytes + 6, 10, 0) != 10) {
        /* Never seen on Linux for 10 bytes; fall back to weaker bits. */
        for (i = 6; i < 16; i++)
            bytes[i] = (unsigned char)(ts >> (i % 8) ^ (int64_t)(i * 131));
    }
    /* 128 bits as 26 five-bit groups, the first holding the top 3 bits. */
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

int store_append(struct store *s, struct entry *e)
{
    static const unsigned char zero[SHA256_LEN];
    unsigned char prev[SHA256_LEN], hash[SHA256_LEN];
    sqlite3_stmt *st;
    int rc;

    if (s->depth == 0)
        return ll_error(LL_ERR, "internal: append outside a transaction");
    st = store_stmt(s, STMT_LAST_ENTRY);
    if (!st)
        return LL_EDB;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        e->id = sqlite3_column_int64(st, 0) + 1;
        if (sqlite3_column_bytes(st, 1) != SHA256_LEN)
            return ll_error(LL_EDB, "'%s': entry %lld has a malformed hash; "
                            "run 'lablog verify'", s->path,
                            (long long)(e->id - 1));
        memcpy(prev, sqlite3_column_blob(st, 1), SHA256_LEN);
    } else if (rc == SQLITE_DONE) {
        e->id = 1;
        memcpy(prev, zero, SHA256_LEN);
    } else {
        return store_db_error(s, "cannot read");
    }
    sqlite3_reset(st);
    make_uid(e->uid, e->ts);
    if (!e->title)
        e->title = "";
    if (!e->body)
        e->body = "";
    if (!e->data || !*e->data)
        e->data = "{}";
    canon_entry_hash(hash, prev, e);

    st = store_stmt(s, STMT_INSERT_ENTRY);
    if (!st)
        return LL_EDB;
    sqlite3_bind_int64(st, 1, e->id);
    store_bind_text(st, 2, e->uid);
    sqlite3_bind_int64(st, 3, e->ts);
    store_bind_text(st, 4, e->author);
    store_bind_text(st, 5, entry_kind_name(e->kind));
    store_bind_id(st, 6, e->exp);
    store_bind_id(st, 7, e->ref);
    store_bind_text(st, 8, e->title);
    store_bind_text(st, 9, e->body);
    store_bind_text(st, 10, e->data);
    sqlite3_bind_blob(st, 11, hash, SHA256_LEN, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        if (rc == SQLITE_CONSTRAINT_UNIQUE && e->kind == ENTRY_EXP)
            return ll_error(LL_ECONFLICT, "experiment '%s' already exists",
                            e->title);
        return store_db_error(s, "cannot append to");
    }
    return 0;
}
