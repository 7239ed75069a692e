/* SPDX-License-Identifier: MIT */
/*
 * SHA-256, a thin wrapper over nettle so the rest of lablog does not
 * include its headers (whose macros take the sha256_* names). Incremental: init, update any number of times,
 * final. A context holds no heap memory until sha256_init and releases it
 * in sha256_final (or sha256_release if the hash is abandoned).
 */
#ifndef LABLOG_UTIL_SHA256_H
#define LABLOG_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_HEX_LEN 64

struct sha256 {
    void *md; /* nettle's struct sha256_ctx, opaque here */
};

void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *data, size_t len);
/* Writes the digest and releases the context. */
void sha256_final(struct sha256 *h, unsigned char out[SHA256_LEN]);
/* Releases a context without producing a digest; safe on a released one. */
void sha256_release(struct sha256 *h);

/* One-shot digest of a byte range. */
void sha256_bytes(unsigned char out[SHA256_LEN], const void *data, size_t len);

/* Lowercase hex of a digest into out (SHA256_HEX_LEN + 1 bytes). */
void sha256_hex(char out[SHA256_HEX_LEN + 1], const unsigned char d[SHA256_LEN]);

/* Parses 64 hex digits; returns 0, or -1 when hex is not a digest. */
int sha256_from_hex(unsigned char out[SHA256_LEN], const char *hex);

/* Appends a big-endian 64-bit integer to the hash (used by the canonical
 * encodings, which are defined in big-endian). */
void sha256_update_u64(struct sha256 *h, uint64_t v);

#endif
