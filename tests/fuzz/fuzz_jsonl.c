/* SPDX-License-Identifier: MIT */
/* JSONL: every line of the input through one parser (state carries over
 * between lines, as in an ingest), and a lookup of each field's key. */
#include <string.h>

#include "fuzz.h"
#include "ingest/jsonl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct jsonl_parser *p = jsonl_new();
    const char *s = (const char *)data, *end = s + size;
    size_t lineno = 0;

    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
        const struct jsonl_field *fields;
        size_t n, i;

        if (jsonl_parse(&fields, &n, p, s, len, "fuzz", ++lineno) == 0) {
            for (i = 0; i < n; i++) {
                FUZZ_CHECK(fields[i].key != NULL);
                FUZZ_CHECK(strlen(fields[i].key) == fields[i].key_len);
                FUZZ_CHECK(jsonl_find(p, fields[i].key) != NULL);
                if (fields[i].kind == JSONL_STRING
                    || fields[i].kind == JSONL_OTHER)
                    FUZZ_CHECK(fields[i].str
                               && fields[i].str[fields[i].str_len] == '\0');
                FUZZ_CHECK(fields[i].column >= 1 && fields[i].column <= len);
            }
        }
        s += len + (nl != NULL);
    }
    jsonl_free(p);
    return 0;
}
