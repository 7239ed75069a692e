/* SPDX-License-Identifier: MIT */
/* Tests of util/base64: RFC 4648 vectors, round trips, bad input. */
#include "harness.h"

#include "util/base64.h"
#include "util/buf.h"

static void vector(const char *plain, const char *encoded)
{
    struct buf b = BUF_INIT;

    base64_encode(&b, plain, strlen(plain));
    STR_EQ(b.ptr, encoded);
    buf_reset(&b);
    INT_EQ(base64_decode(&b, encoded, strlen(encoded)), 0);
    INT_EQ(b.len, strlen(plain));
    OK(memcmp(b.ptr, plain, b.len) == 0);
    buf_release(&b);
}

static void test_vectors(void)
{
    vector("", "");
    vector("f", "Zg==");
    vector("fo", "Zm8=");
    vector("foo", "Zm9v");
    vector("foob", "Zm9vYg==");
    vector("fooba", "Zm9vYmE=");
    vector("foobar", "Zm9vYmFy");
}

static void test_binary(void)
{
    unsigned char bytes[256];
    struct buf enc = BUF_INIT, dec = BUF_INIT;
    size_t i;

    for (i = 0; i < sizeof(bytes); i++)
        bytes[i] = (unsigned char)(255 - i);
    base64_encode(&enc, bytes, sizeof(bytes));
    INT_EQ(base64_decode(&dec, enc.ptr, enc.len), 0);
    INT_EQ(dec.len, sizeof(bytes));
    OK(memcmp(dec.ptr, bytes, sizeof(bytes)) == 0);
    buf_release(&enc);
    buf_release(&dec);
}

static void test_bad(void)
{
    struct buf b = BUF_INIT;

    OK(base64_decode(&b, "Zm9", 3) < 0);      /* not a multiple of 4 */
    OK(base64_decode(&b, "Zm9*", 4) < 0);     /* not in the alphabet */
    OK(base64_decode(&b, "Z===", 4) < 0);     /* too much padding */
    OK(base64_decode(&b, "Zg==Zm8=", 8) < 0); /* padding inside */
    buf_release(&b);
}

int main(void)
{
    RUN(test_vectors);
    RUN(test_binary);
    RUN(test_bad);
    return harness_finish("test_base64");
}
