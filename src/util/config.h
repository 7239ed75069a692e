/* SPDX-License-Identifier: MIT */
/*
 * The user's config file, $XDG_CONFIG_HOME/lablog/config (else
 * ~/.config/lablog/config): "key = value" lines; blank lines and lines
 * starting with '#' are skipped; the last line of a key wins.
 */
#ifndef LABLOG_UTIL_CONFIG_H
#define LABLOG_UTIL_CONFIG_H

#include "util/buf.h"

/* Appends the config file's path to out. */
void config_path(struct buf *out);

/*
 * The value of key (leading and trailing blanks trimmed) into out, which
 * is reset first. Returns 0, LL_ENOTFOUND when there is no file or no
 * such key, LL_EIO (with a message) when the file cannot be read.
 */
int config_get(const char *key, struct buf *out);

#endif
