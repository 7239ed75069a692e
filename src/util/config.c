/* SPDX-License-Identifier: MIT */
#include "util/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

void config_path(struct buf *out)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

    if (xdg && xdg[0] == '/')
        buf_printf(out, "%s/lablog/config", xdg);
    else
        buf_printf(out, "%s/.config/lablog/config", home ? home : ".");
}

int config_get(const char *key, struct buf *out)
{
    struct buf path = BUF_INIT;
    size_t klen = strlen(key);
    char line[4096];
    int found = 0, rc = 0;
    FILE *f;

    buf_reset(out);
    config_path(&path);
    f = fopen(path.ptr, "r");
    if (!f) {
        rc = errno == ENOENT ? LL_ENOTFOUND
                             : ll_error(LL_EIO, "cannot read '%s': %s",
                                        path.ptr, strerror(errno));
        goto cleanup;
    }
    while (fgets(line, sizeof(line), f)) {
        char *p = line + strspn(line, " \t");
        char *end;

        if (strncmp(p, key, klen) != 0)
            continue;
        p += klen + strspn(p + klen, " \t");
        if (*p != '=')
            continue;
        p += 1 + strspn(p + 1, " \t");
        end = p + strcspn(p, "\r\n");
        while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        buf_reset(out);
        buf_put(out, p, (size_t)(end - p));
        found = 1;
    }
    fclose(f);
    rc = found ? 0 : LL_ENOTFOUND;
cleanup:
    buf_release(&path);
    return rc;
}
