/* SPDX-License-Identifier: MIT */
/*
 * The canonical byte encodings that lablog hashes. They are part of the file
 * format: changing one invalidates every existing log, so they are written
 * down here exactly, and README.md repeats them. be64(n) is n as 8 bytes,
 * big-endian; field(x) is be64(length of x) followed by the bytes of x.
 *
 * Entry hash, format 2 (every entry written since format 2):
 *
 *   hash = SHA-256( prev || "lablog-entry-2" || 0x00 ||
 *                   field(origin) || field(seq) || field(uid) ||
 *                   field(hlc) || field(ts) || field(author) ||
 *                   field(kind) || field(exp_uid) || field(ref_uid) ||
 *                   field(title) || field(body) || field(data) )
 *
 *   prev     the 32-byte hash of the same origin's entry seq - 1, or 32
 *            zero bytes for seq 1;
 *   seq, hlc, ts   decimal ASCII;
 *   kind     the stored kind text, known to this build or not;
 *   exp_uid, ref_uid   the uids of the entries referred to, or empty;
 *   data     the exact stored text of the JSON object.
 *
 *   No local number (id) is hashed.
 *
 * Entry hash, format 1 (entries of a log written before format 2, kept
 * verifiable forever):
 *
 *   hash = SHA-256( prev || "lablog-entry-1" || 0x00 || field(id) ||
 *                   field(uid) || field(ts) || field(author) || field(kind)
 *                   || field(exp) || field(ref) || field(title) ||
 *                   field(body) || field(data) )
 *
 *   id       the seq (a format-1 log is one chain whose ids are its seqs);
 *   exp, ref the seqs of the entries referred to, decimal, or empty.
 *
 * Batch digest (data.digest of a "metrics" entry): SHA-256 over the points
 * the batch wrote, each encoded as below.
 *
 *   format 2, points in (exp_uid, metric, attempt, step) byte order:
 *     field(exp_uid) || field(metric) || field(attempt) || be64(step) ||
 *     be64(value as IEEE-754 bits; every NaN as 0x7ff8000000000000) ||
 *     be64(ts)
 *
 *   format 1, points in (format-1 series id, step) order:
 *     be64(exp) || field(metric) || be64(step) || be64(value bits, NaN as
 *     above) || be64(ts)                 (exp: the experiment's seq)
 *
 * Samples set (one per samples entry; its data.digest is SHA-256 over
 * "lablog-samples-1" || 0x00, then each piece of the set in seq order,
 * encoded as):
 *
 *   field(bytes) || be64(row, 0 when not a row) || field(sid) ||
 *   be64(score as IEEE-754 bits; none as 0x7ff8000000000000)
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

static const char entry_tag_v1[] = "lablog-entry-1";
static const char entry_tag_v2[] = "lablog-entry-2";

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

static const char *kind_text(const struct entry *e)
{
    return e->kind_name ? e->kind_name : entry_kind_name(e->kind);
}

void canon_entry_hash(unsigned char out[SHA256_LEN],
                      const unsigned char prev[SHA256_LEN],
                      const struct entry *e)
{
    struct sha256 h;

    sha256_init(&h);
    sha256_update(&h, prev, SHA256_LEN);
    sha256_update(&h, entry_tag_v2, sizeof(entry_tag_v2)); /* with its NUL */
    field_str(&h, e->origin);
    field_int(&h, e->seq, 0);
    field_str(&h, e->uid);
    field_int(&h, e->hlc, 0);
    field_int(&h, e->ts, 0);
    field_str(&h, e->author);
    field_str(&h, kind_text(e));
    field_str(&h, e->exp_uid);
    field_str(&h, e->ref_uid);
    field_str(&h, e->title);
    field_str(&h, e->body);
    field_str(&h, e->data);
    sha256_final(&h, out);
}

void canon_entry_hash_v1(unsigned char out[SHA256_LEN],
                         const unsigned char prev[SHA256_LEN],
                         const struct entry *e, int64_t exp, int64_t ref)
{
    struct sha256 h;

    sha256_init(&h);
    sha256_update(&h, prev, SHA256_LEN);
    sha256_update(&h, entry_tag_v1, sizeof(entry_tag_v1)); /* with its NUL */
    field_int(&h, e->seq, 0);
    field_str(&h, e->uid);
    field_int(&h, e->ts, 0);
    field_str(&h, e->author);
    field_str(&h, kind_text(e));
    field_int(&h, exp, 1);
    field_int(&h, ref, 1);
    field_str(&h, e->title);
    field_str(&h, e->body);
    field_str(&h, e->data);
    sha256_final(&h, out);
}

static uint64_t value_bits(double value)
{
    uint64_t bits = UINT64_C(0x7ff8000000000000);

    if (!isnan(value))
        memcpy(&bits, &value, sizeof(bits));
    return bits;
}

static unsigned char *put_be64(unsigned char *p, uint64_t v)
{
    int i;

    for (i = 7; i >= 0; i--) {
        p[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
    return p + 8;
}

static unsigned char *put_field(unsigned char *p, const char *s, size_t len)
{
    p = put_be64(p, len);
    memcpy(p, s, len);
    return p + len;
}

/* One point is hashed with one update call where it fits the buffer: a
 * batch digest covers up to a million points, and each update call has a
 * fixed cost. The bytes are the same either way. */
void canon_point(struct sha256 *h, const char *exp_uid, const char *metric,
                 const char *attempt, int64_t step, double value, int64_t ts)
{
    unsigned char buf[512], *p = buf;
    size_t le = strlen(exp_uid), lm = strlen(metric), la = strlen(attempt);

    if (le + lm + la + 6 * 8 > sizeof(buf)) {
        field(h, exp_uid, le);
        field(h, metric, lm);
        field(h, attempt, la);
        sha256_update_u64(h, (uint64_t)step);
        sha256_update_u64(h, value_bits(value));
        sha256_update_u64(h, (uint64_t)ts);
        return;
    }
    p = put_field(p, exp_uid, le);
    p = put_field(p, metric, lm);
    p = put_field(p, attempt, la);
    p = put_be64(p, (uint64_t)step);
    p = put_be64(p, value_bits(value));
    p = put_be64(p, (uint64_t)ts);
    sha256_update(h, buf, (size_t)(p - buf));
}

void canon_point_v1(struct sha256 *h, int64_t exp, const char *metric,
                    int64_t step, double value, int64_t ts)
{
    sha256_update_u64(h, (uint64_t)exp);
    field_str(h, metric);
    sha256_update_u64(h, (uint64_t)step);
    sha256_update_u64(h, value_bits(value));
    sha256_update_u64(h, (uint64_t)ts);
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
