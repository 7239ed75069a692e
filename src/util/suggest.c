/* SPDX-License-Identifier: MIT */
/* Closest-word suggestions for typos (see suggest.h). */
#include "util/suggest.h"

#include <string.h>

#define MAX_LEN 64

size_t suggest_distance(const char *a, const char *b)
{
    /* Three rows of the dynamic-programming table: i-2, i-1 and i. */
    size_t rows[3][MAX_LEN + 1];
    size_t la = strlen(a), lb = strlen(b), i, j;

    if (la > MAX_LEN || lb > MAX_LEN)
        return 99;
    for (j = 0; j <= lb; j++)
        rows[0][j] = j;
    for (i = 1; i <= la; i++) {
        size_t *prev2 = rows[(i + 1) % 3], *prev = rows[(i + 2) % 3];
        size_t *cur = rows[i % 3];

        cur[0] = i;
        for (j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = prev[j - 1] + cost;

            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]
                && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
    }
    return rows[la % 3][lb] > 99 ? 99 : rows[la % 3][lb];
}

void suggest_init(struct suggest *s, const char *word)
{
    s->word = word;
    s->best = NULL;
    s->best_distance = 99;
}

void suggest_add(struct suggest *s, const char *candidate)
{
    size_t len = strlen(s->word);
    size_t limit = len / 3 < 1 ? 1 : len / 3 > 3 ? 3 : len / 3;
    size_t d;

    if (len && strncmp(candidate, s->word, len) == 0)
        d = 1; /* a prefix: as good as one typo */
    else
        d = suggest_distance(s->word, candidate);
    if (d <= limit && d < s->best_distance) {
        s->best = candidate;
        s->best_distance = d;
    }
}
