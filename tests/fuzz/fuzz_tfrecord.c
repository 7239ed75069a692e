/* SPDX-License-Identifier: MIT */
/*
 * TensorBoard event files through a dry importer (nothing is written; no
 * log is needed): the TFRecord framing and CRC-32C, the protobuf wire
 * reader and the Event / Summary / TensorProto fields. An input whose
 * first byte is even is a file as it is; otherwise the rest is split at
 * 0xFF bytes into Event messages that get valid TFRecord framing, so the
 * fuzzer reaches the message parser past the CRCs. Any input must end in
 * 0 or an LL_E* code, never a crash.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "import/import.h"
#include "util/crc32c.h"
#include "util/err.h"

static void put_le(uint8_t *p, uint64_t v, int n)
{
    int i;

    for (i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Frames each 0xFF-separated piece of data as one TFRecord record. */
static uint8_t *frame(const uint8_t *data, size_t size, size_t *out_len)
{
    uint8_t *out = malloc(size * 2 + 64), *o = out;
    size_t start = 0, i;

    if (!out)
        abort();
    for (i = 0; i <= size; i++) {
        if (i < size && data[i] != 0xFF)
            continue;
        {
            size_t len = i - start;
            uint8_t head[8];
            uint32_t c;

            /* Each record costs 16 bytes of framing: cap the pieces. */
            if ((size_t)(o - out) + len + 16 > size * 2 + 64)
                break;
            put_le(head, len, 8);
            memcpy(o, head, 8);
            c = crc32c_masked(head, 8);
            put_le(o + 8, c, 4);
            memcpy(o + 12, data + start, len);
            c = crc32c_masked(data + start, len);
            put_le(o + 12 + len, c, 4);
            o += 16 + len;
        }
        start = i + 1;
    }
    *out_len = (size_t)(o - out);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct importer *im = NULL;
    uint8_t *framed = NULL;
    size_t len = size - 1;
    FILE *f;
    int rc;

    if (size < 2)
        return 0;
    if (data[0] & 1)
        framed = frame(data + 1, size - 1, &len);
    f = fmemopen(framed ? framed : (void *)(data + 1), len ? len : 1, "rb");
    if (!f) {
        free(framed);
        return 0;
    }
    FUZZ_CHECK(importer_new(&im, NULL, "fuzz", "fuzz", 1) == 0);
    rc = import_tensorboard_stream(im, f, "fuzz");
    FUZZ_CHECK(rc == 0 || rc == LL_EINPUT || rc == LL_EIO);
    importer_free(im);
    fclose(f);
    free(framed);
    return 0;
}
