/* SPDX-License-Identifier: MIT */
/*
 * The canonical byte encodings that lablog hashes. They are part of the file
 * format: changing one invalidates every existing log, so they are written
 * down here exactly, and README.md repeats them.
 *
 * Entry hash (one per entry, chained):
 *
 *   hash = SHA-256( prev || "lablog-entry-1" || 0x00 || field... )
 *
 *   prev   the 32-byte hash of entry id-1, or 32 zero bytes for entry 1;
 *   field  for each of id, uid, ts, author, kind, exp, ref, title, body,
 *          data in that order: an 8-byte big-endian length, then the bytes.
 *          Integers (id, ts, exp, ref) are written in decimal ASCII; an
 *          absent exp or ref is the empty string; kind is its stored name.
 *
 * Point (one per metric point; a batch digest is SHA-256 over the points of
 * the batch in (series id, step) order, each encoded as):
 *
 *   be64(exp) || be64(len(metric)) || metric || be64(step) ||
 *   be64(value as IEEE-754 bits; every NaN as 0x7ff8000000000000) || be64(ts)
 *
 * Samples set (one per samples entry; its data.digest is SHA-256 over
 * "lablog-samples-1" || 0x00, then each piece of the set in seq order,
 * encoded as):
 *
 *   be64(len(bytes)) || bytes || be64(row, 0 when not a row) ||
 *   be64(len(sid)) || sid || be64(score as IEEE-754 bits; none as
 *   0x7ff8000000000000)
 *
 * No local number (entry id, experiment id, seq) is part of it, so a set
 * verifies the same in any copy of the log. data.sha256 is SHA-256 of the
 * concatenated bytes alone: the file's own hash.
 */
#include "store/internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char entry_tag[] = "lablog-entry-1";

static void field(struct sha256 *h, const char *bytes, size_t len)
{
    sha256_update_u64(h, len);
    sha256_update(h, bytes, len);
}

static void field_str(struct sha256 *h, const char *s)
{
    field(h, s ? s : "", s ? strlen(s) : 0);
}

static void field_int(struct sha256 *h, int64_t v, int absent_if_zero)
{
    char num[24];
    int n = 0;

    if (!(absent_if_zero && v == 0))
        n = snprintf(num, sizeof(num), "%" PRId64, v);
    field(h, num, (size_t)n);
}

void canon_entry_hash(unsigned char out[SHA256_LEN],
                      const unsigned char prev[SHA256_LEN],
                      const struct entry *e)
{
    struct sha256 h;

    sha256_init(&h);
    sha256_update(&h, prev, SHA256_LEN);
    sha256_update(&h, entry_tag, sizeof(entry_tag)); /* with its NUL */
    field_int(&h, e->id, 0);
    field_str(&h, e->uid);
    field_int(&h, e->ts, 0);
    field_str(&h, e->author);
    field_str(&h, entry_kind_name(e->kind));
    field_int(&h, e->exp, 1);
    field_int(&h, e->ref, 1);
    field_str(&h, e->title);
    field_str(&h, e->body);
    field_str(&h, e->data);
    sha256_final(&h, out);
}

void canon_samples_start(struct sha256 *h)
{
    static const char tag[] = "lablog-samples-1";

    sha256_init(h);
    sha256_update(h, tag, sizeof(tag)); /* with its NUL */
}

void canon_sample_piece(struct sha256 *h, const void *bytes, size_t len,
                        int64_t row, const char *sid, size_t sid_len,
                        int has_score, double score)
{
    uint64_t bits = UINT64_C(0x7ff8000000000000);

    if (has_score && !isnan(score))
        memcpy(&bits, &score, sizeof(bits));
    field(h, bytes, len);
    sha256_update_u64(h, (uint64_t)row);
    field(h, sid ? sid : "", sid ? sid_len : 0);
    sha256_update_u64(h, bits);
}

void canon_point(struct sha256 *h, int64_t exp, const char *metric,
                 int64_t step, double value, int64_t ts)
{
    uint64_t bits = UINT64_C(0x7ff8000000000000);

    if (!isnan(value))
        memcpy(&bits, &value, sizeof(bits));
    sha256_update_u64(h, (uint64_t)exp);
    field_str(h, metric);
    sha256_update_u64(h, (uint64_t)step);
    sha256_update_u64(h, bits);
    sha256_update_u64(h, (uint64_t)ts);
}
