/* SPDX-License-Identifier: MIT */
/* CRC-32C, one table lookup per byte (see crc32c.h). */
#include "util/crc32c.h"

static uint32_t table[256];
static int ready;

static void init_table(void)
{
    uint32_t i, j, c;

    for (i = 0; i < 256; i++) {
        c = i;
        for (j = 0; j < 8; j++)
            c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        table[i] = c;
    }
    ready = 1;
}

uint32_t crc32c(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint32_t c = 0xFFFFFFFFu;

    if (!ready)
        init_table();
    while (len--)
        c = table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

uint32_t crc32c_masked(const void *data, size_t len)
{
    uint32_t c = crc32c(data, len);

    return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}
