/* SPDX-License-Identifier: MIT */
/*
 * Replays a fuzz target over its corpus without fuzzing (the main() of a
 * fuzz target outside `make fuzz`):
 *
 *     fuzz_NAME DIR...   calls LLVMFuzzerTestOneInput() once per regular
 *                        file in each DIR (sorted), then prints
 *                        "fuzz_NAME: N passed, 0 failed"
 *
 * A crash or a sanitizer report ends the process before the summary, which
 * tests/run.sh counts as a failure; the last "replay: FILE" line on stderr
 * names the input.
 */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    size_t len = 0, cap = 0, n;

    if (!f) {
        fprintf(stderr, "replay: cannot open '%s': %s\n", path,
                strerror(errno));
        return -1;
    }
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 4096;
            data = realloc(data, cap);
            if (!data)
                abort();
        }
        n = fread(data + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    fclose(f);
    fprintf(stderr, "replay: %s\n", path);
    LLVMFuzzerTestOneInput(data, len);
    free(data);
    return 0;
}

static int replay_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    int rc = 0;

    if (!d) {
        fprintf(stderr, "replay: cannot open '%s': %s\n", dir,
                strerror(errno));
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof(*names));
            if (!names)
                abort();
        }
        names[n] = malloc(strlen(dir) + strlen(de->d_name) + 2);
        if (!names[n])
            abort();
        sprintf(names[n], "%s/%s", dir, de->d_name);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof(*names), by_name);
    for (i = 0; i < n; i++) {
        struct stat st;

        if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            rc = replay_file(names[i]);
            (*count)++;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1
                                             : argv[0];
    size_t count = 0;
    int i;

    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR...\n", name);
        return 2;
    }
    for (i = 1; i < argc; i++)
        if (replay_dir(argv[i], &count) != 0) {
            printf("%s: 0 passed, 1 failed\n", name);
            return 1;
        }
    if (count == 0) {
        printf("%s: 0 passed, 1 failed (empty corpus)\n", name);
        return 1;
    }
    printf("%s: %zu passed, 0 failed\n", name, count);
    return 0;
}
