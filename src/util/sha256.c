/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 through nettle (see sha256.h). libcrypto did the same, but a
 * process that links it pays about a millisecond of relocations and
 * provider set-up before its first hash: a third of a `lablog metric`
 * call. nettle's SHA-256 needs no set-up at all.
 */
#include "util/sha256.h"

#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>

/* nettle names its functions sha256_* through macros; ours are ours. */
#undef sha256_init
#undef sha256_update
#undef sha256_digest

void sha256_init(struct sha256 *h)
{
    struct sha256_ctx *ctx = malloc(sizeof(*ctx));

    if (!ctx) {
        fputs("lablog: fatal: out of memory\n", stderr);
        abort();
    }
    nettle_sha256_init(ctx);
    h->md = ctx;
}

void sha256_update(struct sha256 *h, const void *data, size_t len)
{
    nettle_sha256_update(h->md, len, data);
}

void sha256_update_u64(struct sha256 *h, uint64_t v)
{
    unsigned char be[8];
    int i;

    for (i = 7; i >= 0; i--) {
        be[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
    sha256_update(h, be, sizeof(be));
}

void sha256_final(struct sha256 *h, unsigned char out[SHA256_LEN])
{
    nettle_sha256_digest(h->md, SHA256_LEN, out);
    sha256_release(h);
}

void sha256_release(struct sha256 *h)
{
    free(h->md);
    h->md = NULL;
}

void sha256_bytes(unsigned char out[SHA256_LEN], const void *data, size_t len)
{
    struct sha256 h;

    sha256_init(&h);
    sha256_update(&h, data, len);
    sha256_final(&h, out);
}

void sha256_hex(char out[SHA256_HEX_LEN + 1], const unsigned char d[SHA256_LEN])
{
    static const char digits[] = "0123456789abcdef";
    int i;

    for (i = 0; i < SHA256_LEN; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[SHA256_HEX_LEN] = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int sha256_from_hex(unsigned char out[SHA256_LEN], const char *hex)
{
    int i;

    for (i = 0; i < SHA256_LEN; i++) {
        int hi = hexval(hex[2 * i]);
        int lo = hi < 0 ? -1 : hexval(hex[2 * i + 1]);

        if (lo < 0)
            return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return hex[SHA256_HEX_LEN] == '\0' ? 0 : -1;
}
