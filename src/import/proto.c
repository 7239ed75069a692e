/* SPDX-License-Identifier: MIT */
/* The protocol buffers wire-format reader (see proto.h). */
#include "import/proto.h"

#include <string.h>

int proto_varint(struct proto *pb, uint64_t *out)
{
    uint64_t v = 0;
    int shift;

    if (pb->p >= pb->end)
        return 0;
    for (shift = 0; shift < 70; shift += 7) {
        uint8_t b;

        if (pb->p >= pb->end)
            return -1;
        b = *pb->p++;
        if (shift == 63 && (b & 0x7E))
            return -1; /* more than 64 bits */
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 1;
        }
    }
    return -1;
}

static uint64_t little_endian(const uint8_t *p, int n)
{
    uint64_t v = 0;
    int i;

    for (i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

int proto_next(struct proto *pb, struct proto_field *f)
{
    uint64_t key, len;
    int rc = proto_varint(pb, &key);

    if (rc <= 0)
        return rc;
    memset(f, 0, sizeof(*f));
    if ((key >> 3) == 0 || (key >> 3) > 0x1FFFFFFF)
        return -1;
    f->num = (uint32_t)(key >> 3);
    f->type = (enum proto_type)(key & 7);
    switch (f->type) {
    case PROTO_VARINT:
        return proto_varint(pb, &f->u64) == 1 ? 1 : -1;
    case PROTO_I64:
        if (pb->end - pb->p < 8)
            return -1;
        f->u64 = little_endian(pb->p, 8);
        pb->p += 8;
        return 1;
    case PROTO_I32:
        if (pb->end - pb->p < 4)
            return -1;
        f->u64 = little_endian(pb->p, 4);
        pb->p += 4;
        return 1;
    case PROTO_LEN:
        if (proto_varint(pb, &len) != 1
            || len > (uint64_t)(pb->end - pb->p))
            return -1;
        f->data = pb->p;
        f->len = (size_t)len;
        pb->p += len;
        return 1;
    default:
        return -1;
    }
}

float proto_float(uint64_t bits)
{
    uint32_t b = (uint32_t)bits;
    float v;

    memcpy(&v, &b, sizeof(v));
    return v;
}

double proto_double(uint64_t bits)
{
    double v;

    memcpy(&v, &bits, sizeof(v));
    return v;
}
