/* SPDX-License-Identifier: MIT */
/*
 * The canonical encodings lablog hashes (defined in canon.c, repeated in
 * README.md). They are part of the file format; tests check them against
 * fixed vectors.
 */
#ifndef LABLOG_STORE_CANON_H
#define LABLOG_STORE_CANON_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/sha256.h"

/* Format 2. Uses e's origin, seq, uid, hlc, ts, author, kind_name (or the
 * name of kind when NULL), exp_uid, ref_uid, title, body and data; NULL
 * strings are empty. */
void canon_entry_hash(unsigned char out[SHA256_LEN],
                      const unsigned char prev[SHA256_LEN],
                      const struct entry *e);

/* Format 1. Uses e's seq (as the id), uid, ts, author, kind, title, body
 * and data; exp and ref are the seqs of the entries named, 0 for none. */
void canon_entry_hash_v1(unsigned char out[SHA256_LEN],
                         const unsigned char prev[SHA256_LEN],
                         const struct entry *e, int64_t exp, int64_t ref);

/* Adds one point of a format-2 batch digest to h. */
void canon_point(struct sha256 *h, const char *exp_uid, const char *metric,
                 const char *attempt, int64_t step, double value, int64_t ts);

/* Adds one point of a format-1 batch digest to h (exp: the experiment's
 * seq). */
void canon_point_v1(struct sha256 *h, int64_t exp, const char *metric,
                    int64_t step, double value, int64_t ts);

/* The digest of a samples set: start, then every piece in seq order. */
void canon_samples_start(struct sha256 *h);
void canon_sample_piece(struct sha256 *h, const void *bytes, size_t len,
                        int64_t row, const char *sid, size_t sid_len,
                        int has_score, double score);

#endif
