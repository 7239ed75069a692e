/* SPDX-License-Identifier: MIT */
/* KEY=VALUE arguments: --param lr=3e-4, lablog metric loss=0.3. */
#ifndef LABLOG_UTIL_KV_H
#define LABLOG_UTIL_KV_H

#include <stddef.h>

/*
 * Splits "KEY=VALUE" at the first '='. Copies KEY into key (key_size bytes
 * including the NUL) and points *value_out into kv. Returns 0, or -1 when
 * there is no '=', the key is empty or does not fit.
 */
int kv_split(const char *kv, char *key, size_t key_size,
             const char **value_out);

#endif
