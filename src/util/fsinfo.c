/* SPDX-License-Identifier: MIT */
/* Which filesystem a file lives on (see fsinfo.h). */
#include "util/fsinfo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "util/err.h"

static void copy_out(char *out, size_t size, const char *s, size_t len)
{
    if (size == 0)
        return;
    if (len >= size)
        len = size - 1;
    memcpy(out, s, len);
    out[len] = '\0';
}

/*
 * A mountinfo line is
 *   ID PARENT MAJOR:MINOR ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER
 * where the optional fields end at a lone "-" (proc(5)).
 */
void fs_type_in_mountinfo(FILE *mountinfo, unsigned major, unsigned minor,
                          char *out, size_t size)
{
    char line[4096];

    copy_out(out, size, "", 0);
    while (fgets(line, sizeof(line), mountinfo)) {
        unsigned ma, mi;
        const char *sep, *type;

        if (sscanf(line, "%*s %*s %u:%u", &ma, &mi) != 2 || ma != major ||
            mi != minor)
            continue;
        sep = strstr(line, " - ");
        if (!sep)
            continue;
        type = sep + 3;
        copy_out(out, size, type, strcspn(type, " \n"));
        return;
    }
}

int fs_type(const char *path, char *out, size_t size)
{
    const char *forced = getenv("LABLOG_TEST_FSTYPE");
    struct stat st;
    FILE *f;

    if (forced && *forced) {
        copy_out(out, size, forced, strlen(forced));
        return 0;
    }
    if (stat(path, &st) != 0)
        return ll_error(LL_EIO, "cannot stat '%s': %s", path,
                        strerror(errno));
    f = fopen("/proc/self/mountinfo", "r");
    if (!f) {
        copy_out(out, size, "", 0);
        return 0;
    }
    fs_type_in_mountinfo(f, major(st.st_dev), minor(st.st_dev), out, size);
    fclose(f);
    return 0;
}

int fs_is_network(const char *fstype)
{
    static const char *const network[] = {
        "nfs", "nfs4", "lustre", "gpfs", "cifs", "smb3", "smbfs", "ceph",
        "glusterfs", "beegfs", "afs", "9p", "fuse", "fuseblk",
    };
    size_t i;

    if (strncmp(fstype, "fuse.", 5) == 0)
        return 1;
    for (i = 0; i < sizeof(network) / sizeof(network[0]); i++)
        if (strcmp(fstype, network[i]) == 0)
            return 1;
    return 0;
}
