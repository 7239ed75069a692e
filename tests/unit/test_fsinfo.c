/* SPDX-License-Identifier: MIT */
/* Tests of util/fsinfo: mountinfo parsing and the network-type rule. */
#include "harness.h"

#include <stdlib.h>

#include "util/fsinfo.h"

static const char mountinfo[] =
    "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
    "27 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
    "40 27 0:45 / /home rw,relatime shared:20 master:3 - nfs4 "
    "srv:/export/home rw,vers=4.2\n"
    "41 27 0:46 / /scratch\\040space rw - lustre 10.0.0.1@tcp:/fs rw\n"
    "42 27 0:47 / /mnt/ssh rw - fuse.sshfs me@host:/ rw\n";

static void lookup(unsigned major, unsigned minor, const char *want)
{
    char type[32];
    FILE *f = fmemopen((void *)mountinfo, sizeof(mountinfo) - 1, "r");

    fs_type_in_mountinfo(f, major, minor, type, sizeof(type));
    fclose(f);
    STR_EQ(type, want);
}

static void test_mountinfo(void)
{
    lookup(254, 1, "ext4");
    lookup(0, 45, "nfs4");   /* optional fields before the "-" */
    lookup(0, 46, "lustre"); /* an escaped space in the mount point */
    lookup(0, 47, "fuse.sshfs");
    lookup(9, 9, "");        /* no such device */
}

static void test_network(void)
{
    OK(fs_is_network("nfs"));
    OK(fs_is_network("nfs4"));
    OK(fs_is_network("lustre"));
    OK(fs_is_network("gpfs"));
    OK(fs_is_network("cifs"));
    OK(fs_is_network("fuse"));
    OK(fs_is_network("fuse.sshfs"));
    OK(!fs_is_network("ext4"));
    OK(!fs_is_network("tmpfs"));
    OK(!fs_is_network("xfs"));
    OK(!fs_is_network(""));
}

static void test_this_machine(void)
{
    char type[32];

    unsetenv("LABLOG_TEST_FSTYPE");
    INT_EQ(fs_type("/", type, sizeof(type)), 0);
    OK(type[0] != '\0');     /* the root filesystem is in mountinfo */
    setenv("LABLOG_TEST_FSTYPE", "nfs4", 1);
    INT_EQ(fs_type("/", type, sizeof(type)), 0);
    STR_EQ(type, "nfs4");
    unsetenv("LABLOG_TEST_FSTYPE");
    OK(fs_type("/no/such/file", type, sizeof(type)) < 0);
}

int main(void)
{
    RUN(test_mountinfo);
    RUN(test_network);
    RUN(test_this_machine);
    return harness_finish("test_fsinfo");
}
