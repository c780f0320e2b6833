/* SPDX-License-Identifier: MIT */
/* How alike two words are: an edit distance, and the closest of a list (for "did you mean"). */
#ifndef OMG_UTIL_SIMILAR_H
#define OMG_UTIL_SIMILAR_H

#include <stddef.h>

/* The optimal string alignment distance between a and b: insertions,
 * deletions, substitutions and swaps of two neighbours, counted in bytes.
 * Words past 255 bytes are compared on their first 255. */
size_t similar_distance(const char *a, const char *b);
/* The most a word of len bytes may be from another to count as a typo of it:
 * 1 up to 4 bytes, 2 up to 8, 3 beyond. */
size_t similar_limit(size_t len);
/* The candidate closest to word within similar_limit, the first on a tie;
 * or, when none is, the only candidate word is a prefix of (at least two
 * bytes). NULL when there is none. Returns one of cands. */
const char *similar_closest(const char *word, const char *const *cands, size_t n);

#endif
