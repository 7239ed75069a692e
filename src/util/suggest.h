/* SPDX-License-Identifier: MIT */
/*
 * "Did you mean ...?": the closest of a few candidate words to a typo.
 *
 * Distance is the optimal-string-alignment edit distance (insertions,
 * deletions, substitutions and swaps of two neighbours each cost 1), the
 * measure git uses for its suggestions. A candidate is close enough when
 * its distance is at most a third of the word's length (at least 1, at
 * most 3), or when the word is a prefix of it: "exp sh" -> "show".
 */
#ifndef LABLOG_UTIL_SUGGEST_H
#define LABLOG_UTIL_SUGGEST_H

#include <stddef.h>

/* The edit distance between a and b (NUL-terminated), capped at 99. */
size_t suggest_distance(const char *a, const char *b);

/*
 * Feeds candidates one by one; keeps the closest one that is close enough.
 *
 *     struct suggest s;
 *     suggest_init(&s, typo);
 *     for (...) suggest_add(&s, candidate);
 *     if (s.best) printf("did you mean '%s'?", s.best);
 *
 * best is borrowed from the candidates; NULL when none is close.
 */
struct suggest {
    const char *word; /* the typo (borrowed) */
    const char *best; /* closest candidate so far, or NULL */
    size_t best_distance;
};

void suggest_init(struct suggest *s, const char *word);
void suggest_add(struct suggest *s, const char *candidate);

#endif
