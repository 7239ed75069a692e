/* SPDX-License-Identifier: MIT */
/* KEY=VALUE (--param, metric NAME=VALUE): split with key buffers of every
 * size up to the input's; on success the key and value put back together
 * are the input. The value then goes through the metric number parser and
 * formatter, as `lablog metric NAME=VALUE` does. */
#include <string.h>

#include "fuzz.h"
#include "util/kv.h"
#include "util/num.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    size_t len = strlen(s), ks;
    char *key = malloc(len + 2);

    if (!key)
        abort();
    for (ks = 1; ks <= len + 1 && ks < 300; ks++) {
        const char *value = NULL;

        if (kv_split(s, key, ks, &value) == 0) {
            size_t kl = strlen(key);

            FUZZ_CHECK(kl < ks);
            FUZZ_CHECK(value != NULL);
            FUZZ_CHECK(strncmp(s, key, kl) == 0 && s[kl] == '=');
            FUZZ_CHECK(value == s + kl + 1);
        }
    }
    {
        const char *eq = strchr(s, '=');
        char text[NUM_TEXT_SIZE];
        double v;

        if (num_parse(eq ? eq + 1 : s, &v) == 0) {
            FUZZ_CHECK(strlen(num_format(text, v)) < NUM_TEXT_SIZE);
            FUZZ_CHECK(strlen(num_format_delta(text, v)) < NUM_TEXT_SIZE);
        }
    }
    free(key);
    free(s);
    return 0;
}
