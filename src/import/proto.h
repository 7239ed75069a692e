/* SPDX-License-Identifier: MIT */
/*
 * A reader of the protocol buffers wire format, enough for TensorBoard's
 * Event messages: fields are read one by one from a byte range, without a
 * schema; the caller picks the field numbers it knows and skips the rest.
 *
 *     struct proto pb = { data, data + len };
 *     struct proto_field f;
 *     int rc;
 *     while ((rc = proto_next(&pb, &f)) > 0)
 *         if (f.num == 2 && f.type == PROTO_VARINT) step = (int64_t)f.u64;
 *     if (rc < 0) ... malformed
 *
 * Wire types: varint (0), 64-bit (1), length-delimited (2), 32-bit (5).
 * Groups (3, 4), a varint longer than 10 bytes, a length past the end and
 * field number 0 are malformed.
 */
#ifndef LABLOG_IMPORT_PROTO_H
#define LABLOG_IMPORT_PROTO_H

#include <stddef.h>
#include <stdint.h>

enum proto_type {
    PROTO_VARINT = 0,
    PROTO_I64 = 1,
    PROTO_LEN = 2,
    PROTO_I32 = 5
};

struct proto {
    const uint8_t *p;   /* next byte */
    const uint8_t *end; /* one past the last byte */
};

struct proto_field {
    uint32_t num;          /* field number */
    enum proto_type type;  /* wire type */
    uint64_t u64;          /* VARINT value, or the raw bits of I64 / I32 */
    const uint8_t *data;   /* LEN: the bytes (borrowed from the input) */
    size_t len;            /* LEN: their count */
};

/* Reads the next field: 1 and *f filled, 0 at the end, -1 malformed. */
int proto_next(struct proto *pb, struct proto_field *f);

/* Reads one varint from a packed run; 1, 0 at the end, -1 malformed. */
int proto_varint(struct proto *pb, uint64_t *out);

/* The IEEE-754 value of I32 / I64 bits (little-endian on the wire). */
float proto_float(uint64_t bits);
double proto_double(uint64_t bits);

#endif
