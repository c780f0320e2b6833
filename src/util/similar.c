/* SPDX-License-Identifier: MIT */
/* Edit distance and the closest word, for suggestions. */
#include "util/similar.h"

#include <string.h>

#define SIMILAR_MAX 255

/* The smallest of three. */
static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;
	return m < c ? m : c;
}

/* Optimal string alignment: Levenshtein with adjacent transpositions, over
 * three rows of the table. */
size_t similar_distance(const char *a, const char *b)
{
	size_t n = strnlen(a, SIMILAR_MAX), m = strnlen(b, SIMILAR_MAX);
	size_t rows[3][SIMILAR_MAX + 1];
	size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
	for (size_t j = 0; j <= m; j++)
		prev[j] = j;
	for (size_t i = 1; i <= n; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < cur[j])
				cur[j] = pp[j - 2] + 1;
		}
		size_t *t = pp;
		pp = prev, prev = cur, cur = t;
	}
	return prev[m];
}

/* Typos allowed for a word of len bytes. */
size_t similar_limit(size_t len)
{
	return len <= 4 ? 1 : len <= 8 ? 2 : 3;
}

/* The closest candidate within the limit, else the one a prefix names. */
const char *similar_closest(const char *word, const char *const *cands, size_t n)
{
	size_t len = strlen(word), best = similar_limit(len) + 1;
	const char *pick = NULL, *prefixed = NULL;
	int prefixes = 0;
	for (size_t i = 0; i < n; i++) {
		size_t d = similar_distance(word, cands[i]);
		if (d < best)
			best = d, pick = cands[i];
		if (len >= 2 && strncmp(cands[i], word, len) == 0)
			prefixes++, prefixed = cands[i];
	}
	if (pick)
		return pick;
	return prefixes == 1 ? prefixed : NULL;
}
