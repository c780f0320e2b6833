/* SPDX-License-Identifier: MIT */
/* FNV-1a, 64 bits: for hash tables and for names derived from paths (stable across builds). */
#ifndef OMG_UTIL_HASH_H
#define OMG_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

/* The FNV-1a hash of n bytes at p. */
static inline uint64_t hash_fnv1a(const void *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p; /* a cast: C++ includes it too */
	uint64_t h = 14695981039346656037ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}

#endif
