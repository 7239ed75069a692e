/* SPDX-License-Identifier: MIT */
/* Splitting KEY=VALUE arguments (see kv.h). */
#include "util/kv.h"

#include <string.h>

int kv_split(const char *kv, char *key, size_t key_size,
             const char **value_out)
{
    const char *eq = strchr(kv, '=');
    size_t len = eq ? (size_t)(eq - kv) : 0;

    if (!eq || len == 0 || len >= key_size)
        return -1;
    memcpy(key, kv, len);
    key[len] = '\0';
    *value_out = eq + 1;
    return 0;
}
